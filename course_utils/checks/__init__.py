"""Checks for the course's exercises: is an answer right, and if not, what should change?

In the learners' copies of the notebooks, each exercise's solution cell is a stub: its
answers are ``...`` and the functions and classes to write have bodies of ``...``. Fill
it in, then pass your answers to `check` with the exercise's number::

    from course_utils.checks import check

    check("01.4", onehot_numbers, embedded_numbers)

A right answer prints one line starting with ``✓`` and says what the check verified. A
wrong or missing one raises `CheckError`, whose message says what is expected and what
probably went wrong. For a discussion exercise pass your answer as a str: the check
prints the reasoning to compare it with. The checks run your code on small inputs of
their own, on your model's device, and never train anything.

Each notebook's checks live in a module of their own, ``nb03.py`` for notebook 03 and so
on; ``_core.py`` holds `check` itself and the helpers they share.
"""

# Importing a notebook's module registers its checks with `check`.
from course_utils.checks import (  # noqa: F401
    nb01,
    nb02,
    nb03,
    nb04,
    nb05,
    nb06,
    nb07,
    nb08,
    nb09,
    nb10,
    nb11,
)
from course_utils.checks._core import STUB_TEXT, CheckError, check, is_stub

__all__ = ["STUB_TEXT", "CheckError", "check", "is_stub"]
