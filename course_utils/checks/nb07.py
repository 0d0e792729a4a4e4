"""Answer checks for notebook 07, going further."""

from __future__ import annotations

import torch
from torch import nn

from course_utils.checks._core import (
    CheckError,
    _call,
    _class,
    _close,
    _device,
    _discussion,
    _evaluating,
    _generator,
    _instantiate,
    _register,
    _scores,
    _shape,
)
from course_utils.ciphers import (
    CIPHER_ALPHABET,
)


@_register("07.1")
def _check_07_1(answer: object) -> str:
    """Discussion: an RNN and a GRU on a key of 9 letters."""
    return _discussion(
        answer,
        "counting to 9 is still a short-memory job: the next key position depends only on the "
        "previous one. More weights do not help a task that does not need what they are for. "
        "And it is one seed only: rerun with others before you believe a ranking.",
    )


@_register("07.2")
def _check_07_2(ConvWithPosition: object) -> str:
    """A Convolutional subclass that reads position % 3 as 3 more input channels."""
    what = "class ConvWithPosition(Convolutional) with no constructor arguments"
    cls = _class(ConvWithPosition, "ConvWithPosition", what)
    parent = "super().__init__(len(CIPHER_ALPHABET), 27, 8, 32), then replace self.conv1"
    model = _instantiate(cls, "ConvWithPosition", hint=parent)
    first = getattr(model, "conv1", None)
    if not isinstance(first, nn.Conv1d):
        raise CheckError("ConvWithPosition() should keep Convolutional's `conv1`, an nn.Conv1d")
    if first.in_channels != 11:
        raise CheckError(
            f"the first convolution takes {first.in_channels} channels; it needs 8 + 3 = 11, the "
            "embedding's 8 and a one-hot of position % 3: "
            "self.conv1 = nn.Conv1d(8 + 3, 32, kernel_size=5, padding=2)"
        )
    layout = "concatenate on dim=2 (features): [batch, time, 8 + 3], then self.features(...)"
    symbols = torch.randint(len(CIPHER_ALPHABET), (2, 16), generator=_generator(7))
    same = torch.full((1, 16), 5)
    with _evaluating(model):
        output = _call("`ConvWithPosition()(x)`", model, symbols.to(_device(model)), hint=layout)
        _scores(output, "`ConvWithPosition()(x)`", (2, 16, 27))
        flat = _call("`ConvWithPosition()(x)`", model, same.to(_device(model)), hint=layout)
        flat = _scores(flat, "`ConvWithPosition()(x)`", (1, 16, 27))[0]
    for t in range(4, 9):
        if not _close(flat[t], flat[t + 3], atol=1e-4):
            raise CheckError(
                f"on a message of one repeated symbol, positions {t} and {t + 3} (the same key "
                "position) get different scores: the extra input should be a one-hot of "
                "position % 3, not of the position itself"
            )
    if all(_close(flat[t], flat[t + 1], atol=1e-6) for t in range(4, 11)):
        raise CheckError(
            "on a message of one repeated symbol, every position gets the same scores: the "
            "position channels have no effect; concatenate one_hot(arange(time) % 3, 3) to the "
            "embeddings"
        )
    return (
        "ConvWithPosition reads 8 + 3 = 11 channels, and positions with the same t % 3 get the "
        "same scores. It cheats a little: we told it the key's length, which a recurrent "
        "network found by itself."
    )


@_register("07.3")
def _check_07_3(h_n: object) -> str:
    """h_n of a one-way 2-layer nn.GRU(16, 64) on 4 names."""
    _shape(
        h_n,
        "h_n",
        (2, 4, 64),
        {
            (1, 4, 64): "h_n has one row per layer: pass num_layers=2",
            (4, 4, 64): "4 rows means 2 layers * 2 directions: build a one-way GRU this time",
        },
    )
    return "h_n has one row per layer, 2 rows of 64; forward() still reads h_n[-1], the top layer."
