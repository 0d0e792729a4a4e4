"""Plumbing for the course's notebooks: data, encoding, plotting, seeding and device.

The PyTorch code that matters lives in the notebooks; this package keeps the rest out
of their way.
"""

from course_utils.runtime import get_device, seed_everything

__all__ = ["get_device", "seed_everything"]
__version__ = "0.1.0"
