"""Shared by the tests of the answer checks: run a check that must pass or fail, a stub."""

from __future__ import annotations

import re

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from course_utils.checks import CheckError, check
from course_utils.checks._core import _CHECKS
from course_utils.ciphers import (
    CIPHER_ALPHABET,
)
from course_utils.encoding import NAME_VOCAB_SIZE, encode_name, pad_batch

VOCAB = len(CIPHER_ALPHABET)
KEY_SHIFTS = torch.tensor([CIPHER_ALPHABET.index(letter) for letter in "KEY"])


def passes(capsys: pytest.CaptureFixture[str], exercise: str, *answers: object) -> str:
    """Run a check that must pass; return the one line it printed."""
    assert check(exercise, *answers) is None
    out = capsys.readouterr().out
    assert out.startswith(f"✓ {exercise} ") and out.count("\n") == 1, out
    return out


def fails(exercise: str, *answers: object, match: str) -> str:
    """Run a check that must fail with a message containing ``match`` (plain text)."""
    with pytest.raises(CheckError, match=re.escape(match)) as info:
        check(exercise, *answers)
    return str(info.value)


def stub(*args: object, **kwargs: object) -> None:
    """A stub function: its body is `...`."""
    ...


def packed_names(embed_dim: int) -> nn.utils.rnn.PackedSequence:
    padded, lengths = pad_batch([encode_name(name) for name in ("Ng", "Ivanov", "Rossi", "Li")])
    embedded = nn.Embedding(NAME_VOCAB_SIZE, embed_dim)(padded)
    return pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)


def stub_tests(notebook: str, stubs: dict[str, tuple[tuple[object, ...], str]]):
    """The tests every notebook's checks share: each check fails on its stub with its message."""

    def test_every_exercise_has_a_stub_test():
        assert sorted(stubs) == sorted(i for i in _CHECKS if i.startswith(f"{notebook}."))

    @pytest.mark.parametrize("exercise", sorted(stubs))
    def test_the_stub_fails_and_says_what_to_write(exercise):
        answers, message = stubs[exercise]
        fails(exercise, *answers, match=message)

    return test_every_exercise_has_a_stub_test, test_the_stub_fails_and_says_what_to_write


def discussion_is_noted(capsys: pytest.CaptureFixture[str], exercise: str, reasoning: str) -> None:
    """A discussion check accepts any real text, prints ``reasoning`` and rejects the stubs."""
    out = passes(capsys, exercise, "My answer: the state lives on the wrong device.")
    assert reasoning in out and "answer noted" in out
    passes(capsys, exercise, "your answer here: because of the device")
    fails(exercise, "", match="`answer` is empty")
    fails(exercise, "  Your answer here ...", match="still the stub text")
    fails(exercise, 42, match="`answer` should be your explanation as a str")
    fails(exercise, ..., match="`answer` is still `...`")


def discussion_names_none(exercise: str) -> None:
    """A discussion check calls an answer of None None (a cell that set nothing), not `...`."""
    fails(exercise, None, match="`answer` is None: write your explanation")
