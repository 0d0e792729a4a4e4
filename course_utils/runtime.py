"""Seeding and device choice: the two lines every notebook starts with."""

from __future__ import annotations

import os
import random

import numpy as np
import torch

_DEVICES = ("cuda", "mps", "cpu")


def seed_everything(seed: int) -> None:
    """Seed Python's ``random``, NumPy and PyTorch (CPU and every GPU) at once.

    Example:
        >>> seed_everything(0)
        >>> a = torch.rand(1); seed_everything(0); bool(torch.rand(1) == a)
        True
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device


def _available(name: str) -> bool:
    if name == "cuda":
        return torch.cuda.is_available()
    if name == "mps":
        return torch.backends.mps.is_available()
    return True


def get_device() -> torch.device:
    """The fastest device here: CUDA, then Apple's MPS, then the CPU.

    Set the environment variable ``COURSE_DEVICE`` (``cpu``, ``cuda`` or ``mps``)
    to choose one yourself, e.g. ``COURSE_DEVICE=cpu`` to compare timings.

    Example:
        >>> get_device().type in {"cuda", "mps", "cpu"}
        True
    """
    wanted = os.environ.get("COURSE_DEVICE", "").strip().lower()
    if wanted:
        if wanted not in _DEVICES:
            raise ValueError(
                f"COURSE_DEVICE={wanted!r} is not a device this course knows; "
                f"use one of {', '.join(_DEVICES)}, or unset it to pick automatically"
            )
        if not _available(wanted):
            raise ValueError(
                f"COURSE_DEVICE={wanted!r} but PyTorch sees no {wanted} device here; "
                "unset COURSE_DEVICE or set it to 'cpu'"
            )
        return torch.device(wanted)
    return torch.device(next(name for name in _DEVICES if _available(name)))
