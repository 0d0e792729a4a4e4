"""Tests of `check` itself: the registry, its errors, and one test file per notebook."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from checks_common import fails

from course_utils.checks import CheckError, check, is_stub
from course_utils.checks._core import _CHECKS

ROOT = Path(__file__).resolve().parents[1]


def test_unknown_exercise_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown exercise '3\.1'.*01\.1, 01\.2.*10\.3"):
        check("3.1", 1)
    with pytest.raises(ValueError, match=r"unknown exercise 3\.1"):
        check(3.1, 1)


def test_wrong_number_of_answers():
    def two(first, second):
        return "both given"

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(_CHECKS, "99.9", two)
        message = fails("99.9", torch.zeros(3), match='check("99.9", ...) takes 2 answer(s)')
    assert "first, second; got 1" in message


def test_check_error_is_an_assertion_error():
    assert issubclass(CheckError, AssertionError)
    assert is_stub(...) and not is_stub(None) and not is_stub("...")


def test_a_bug_in_a_check_still_reads_as_a_check_error(monkeypatch):
    def broken(answer):
        raise KeyError("oops")

    monkeypatch.setitem(_CHECKS, "04.3", broken)
    message = fails("04.3", "text", match="the check of 04.3 could not handle your answer")
    assert "KeyError" in message


def test_nothing_is_printed_on_failure(capsys):
    fails("01.4", ..., ..., match="`onehot_numbers` is still `...`")
    assert capsys.readouterr().out == ""


def test_every_notebook_with_checks_has_a_test_file():
    notebooks = sorted({exercise[:2] for exercise in _CHECKS})
    missing = [nb for nb in notebooks if not (ROOT / "tests" / f"test_checks_{nb}.py").is_file()]
    assert not missing, f"no tests/test_checks_NN.py for notebook(s) {missing}"
