"""Seeding, device choice, timing, and what is installed: the plumbing of every notebook."""

from __future__ import annotations

import os
import random
import re
import statistics
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch

_DEVICES = ("cuda", "mps", "cpu")
#: requirements.txt of the course, found through the package (not the working folder).
_PINS = Path(__file__).resolve().parents[1] / "requirements.txt"


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
    """The device the course runs on: an NVIDIA GPU (CUDA) if there is one, else the CPU.

    Apple's GPU (MPS) is used only on request, ``COURSE_DEVICE=mps``: PyTorch has open
    MPS bugs in packed sequences and in ``nn.GRU``, and models as small as the course's
    usually run slower there than on the Mac's CPU. Set the environment variable
    ``COURSE_DEVICE`` (``cpu``, ``cuda`` or ``mps``) to choose a device yourself, e.g.
    ``COURSE_DEVICE=cpu`` to compare timings.

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
    return torch.device("cuda" if _available("cuda") else "cpu")


def synchronize(device: torch.device | str) -> None:
    """Wait until ``device`` has finished its queued work (GPUs run asynchronously).

    Example:
        >>> synchronize("cpu")  # nothing to wait for on the CPU
    """
    kind = torch.device(device).type
    if kind == "cuda":
        torch.cuda.synchronize(device)
    elif kind == "mps":
        torch.mps.synchronize()


def time_call(
    fn: Callable[[], object],
    *,
    device: torch.device | str = "cpu",
    repeats: int = 3,
    warmup: int = 1,
) -> float:
    """Median seconds of ``repeats`` calls of ``fn()``, after ``warmup`` untimed calls.

    The warm-up pays one-off costs (memory allocation, kernel selection) outside the
    clock; the device is synchronised before each reading, so GPU work is counted; the
    median ignores one slow outlier.

    Example:
        >>> seconds = time_call(lambda: torch.ones(100).sum())
        >>> 0 <= seconds < 1
        True
    """
    for what, value in (("repeats", repeats), ("warmup", warmup)):
        if isinstance(value, bool) or not isinstance(value, int) or value < (what == "repeats"):
            raise ValueError(f"{what} must be an int >= {int(what == 'repeats')}, got {value!r}")
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        synchronize(device)
        start = time.perf_counter()
        fn()
        synchronize(device)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class Package(NamedTuple):
    """One package the course uses: what is installed, what the course pins, whether needed."""

    name: str
    installed: str | None
    pinned: str | None
    required: bool

    @property
    def status(self) -> str:
        if self.installed is None:
            return "MISSING" if self.required else "not installed (optional)"
        if self.pinned is None or self.installed == self.pinned:
            return "ok"
        return "differs from the pin"


def _pins(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split("==", 1)
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def package_report(distribution: str = "course-utils", pins: Path = _PINS) -> list[Package]:
    """The packages ``course_utils`` depends on, installed against pinned versions.

    Its own dependencies are required. Those of its extras (JupyterLab, the test tools)
    are optional: a plain ``pip install -e .``, as on Colab, skips them. Pins come from
    the course's ``requirements.txt`` when the package sits in the course's folder.

    Example:
        >>> report = package_report()
        >>> any(p.name == "torch" and p.required for p in report)
        True
    """
    try:
        requirements = metadata.requires(distribution) or []
    except metadata.PackageNotFoundError as error:
        raise ValueError(
            f"{distribution!r} is not installed: run `pip install -e .` in the course's folder"
        ) from error
    pinned = _pins(pins)
    report = []
    for requirement in requirements:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower().replace("_", "-")
        try:
            installed = metadata.version(name).split("+")[0]
        except metadata.PackageNotFoundError:
            installed = None
        report.append(Package(name, installed, pinned.get(name), "extra ==" not in requirement))
    return report
