"""Plumbing for the course's notebooks: data, encoding, plotting, seeding and device.

The PyTorch code that matters lives in the notebooks; this package keeps the rest out
of their way. ``get_device`` and ``seed_everything`` are imported on first use, so that
tools which need no PyTorch (``python -m course_utils.student``) start in an instant.
"""

from __future__ import annotations

from typing import Any

__all__ = ["get_device", "seed_everything"]
__version__ = "0.2.0"


def __getattr__(name: str) -> Any:
    if name in __all__:
        from course_utils import runtime

        return getattr(runtime, name)
    raise AttributeError(f"module 'course_utils' has no attribute {name!r}")
