"""Answer checks for notebook 07, going further."""

from __future__ import annotations

import torch
from torch import nn

from course_utils.checks._core import (
    CheckError,
    _call,
    _callable,
    _class,
    _close,
    _device,
    _evaluating,
    _generator,
    _instantiate,
    _module,
    _noted,
    _register,
    _returned,
    _scores,
    _shape,
)
from course_utils.ciphers import (
    CIPHER_ALPHABET,
)
from course_utils.encoding import encode_name, pad_batch


@_register("07.1")
def _check_07_1(answer: object) -> str:
    """Discussion: an RNN and a GRU on a key of 9 letters."""
    return _noted(
        answer,
        "compare the two keys on the same rule: steps to 99% within the same budget, the same "
        "seed, for both. Within 600 steps you can say which layer got further in this run, "
        "not which copes better in general: one seed, one learning rate and one budget are "
        "not a ranking (the table uses 3 seeds), and a larger budget would show whether the "
        "slower one gets there at all. Nor does the run say why: it tests no explanation, the "
        "number of weights included.",
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
    other = same.clone()
    other[0, 8] = 6  # one symbol changed, in the middle of the message
    with _evaluating(model):
        changed = _scores(model(other.to(_device(model))), "`ConvWithPosition()(x)`", (1, 16, 27))
    if _close(changed[0, 8], flat[8], atol=1e-6):
        raise CheckError(
            "changing the symbol at a position leaves that position's scores unchanged: the "
            "model no longer reads the symbols; concatenate the position channels to the "
            "embeddings, torch.cat([self.embed(x), position], dim=2)"
        )
    return (
        "ConvWithPosition reads 8 + 3 = 11 channels; on a message of one repeated symbol, "
        "positions with the same t % 3 get the same scores and the position channels change "
        "them, and a changed symbol changes its position's scores. It cheats a little: we "
        "told it the key's length, which a recurrent network found by itself."
    )


_NAMES = ("Ng", "Ivanov", "Rossi", "Kowalski")


@_register("07.3")
def _check_07_3(two_layers: object, final_state: object) -> str:
    """A names model whose .rnn is a one-way 2-layer nn.GRU(16, 64), and final_state(...)."""
    model = _module(two_layers, "two_layers", "the names model with a 2-layer GRU as .rnn")
    rnn = getattr(model, "rnn", None)
    if not isinstance(rnn, nn.GRU):
        got = "no `.rnn`" if rnn is None else f"an nn.{type(rnn).__name__} as `.rnn`"
        raise CheckError(
            f"`two_layers` has {got}: put nn.GRU(16, 64, num_layers=2, batch_first=True) in "
            "its place"
        )
    if rnn.num_layers != 2:
        raise CheckError(
            f"`two_layers.rnn` has {rnn.num_layers} layer(s): the argument to change is "
            "num_layers=2"
        )
    if rnn.bidirectional:
        raise CheckError("`two_layers.rnn` is bidirectional: build a one-way GRU this time")
    if (rnn.input_size, rnn.hidden_size) != (16, 64):
        raise CheckError(
            f"`two_layers.rnn` is an nn.GRU({rnn.input_size}, {rnn.hidden_size}, ...): the names "
            "model's embedding gives 16 numbers per letter and its head reads 64, nn.GRU(16, 64)"
        )
    if not rnn.batch_first:
        raise CheckError(
            "`two_layers.rnn` has batch_first=False: packed names do not mind, but Recurrent's "
            "other path (one prediction per position) feeds [batch, time, features]; pass "
            "batch_first=True, as names_model does"
        )
    function = _callable(
        final_state, "final_state", "final_state(model, padded, lengths) that returns h_n"
    )
    padded, lengths = pad_batch([encode_name(name) for name in _NAMES])
    device = _device(model)
    with _evaluating(model):
        result = _call(
            "your `final_state(two_layers, padded, lengths)`",
            function,
            model,
            padded.to(device),
            lengths,
            hint="padded is [batch, time] on the model's device, lengths on the CPU",
        )
        alone = []
        for name in _NAMES:  # each name alone, unpadded, through the model's own layers
            _, h_name = rnn(model.embed(encode_name(name).to(device))[None])
            alone.append(h_name[:, 0])
        want = torch.stack(alone, dim=1).cpu()  # [layers, names, hidden]
        _, unpacked = rnn(model.embed(padded.to(device)))
    _returned(result, "`final_state`", "h_n, a tensor [layers, batch, hidden]")
    if isinstance(result, tuple | list) and len(result) == 2:
        raise CheckError(
            "`final_state` returned a pair: an nn.GRU returns (output, h_n); return h_n, the "
            "second value"
        )
    steps = int(lengths.max())
    shapes = {
        (4, steps, 64): "that is output, the top layer's state at every step of the padded "
        "batch; h_n, the second value the GRU returns, holds the final states",
        (4, 2, 64): "h_n keeps the (layers, batch, hidden) layout even with batch_first=True: "
        "return it as the GRU gives it",
        (4, 64): "that is one layer's state only (h_n[-1]?): return the whole h_n, one row "
        "per layer",
        (1, 4, 64): "one row: is it from the 2-layer GRU, two_layers.rnn?",
    }
    got = _shape(result, "final_state(two_layers, padded, lengths)", (2, 4, 64), shapes)
    if not _close(got, want, atol=1e-4, rtol=1e-4):
        hint = (
            "the GRU read the padding after the short names: pack the batch, "
            "pack_padded_sequence(model.embed(padded), lengths, batch_first=True, "
            "enforce_sorted=False), as Recurrent.forward does"
            if _close(got, unpacked.cpu(), atol=1e-4, rtol=1e-4)
            else "return h_n of model.rnn, the model passed in, for the batch passed in"
        )
        raise CheckError(
            "final_state's h_n should hold, for each name, each layer's state after its own "
            f"last letter, as the GRU run on each name alone gives: {hint}"
        )
    with _evaluating(model):
        batch = _call("`two_layers(padded, lengths)`", model, padded.to(device), lengths)
        batch = _scores(batch, "`two_layers(padded, lengths)`", (4, 18))
        expected = model.head(want[-1].to(device)).cpu()
    if not _close(batch, expected, atol=1e-4, rtol=1e-4):
        raise CheckError(
            "two_layers' scores on a padded batch are not head(h_n[-1]) of the GRU run on each "
            "name alone: keep Recurrent's forward, which packs the batch and reads h_n[-1]"
        )
    return (
        "two_layers.rnn is a one-way 2-layer nn.GRU(16, 64); for the check's 4 names "
        "final_state gives h_n of shape (2, 4, 64), one row per layer, each row that layer's "
        "state after each name's own last letter (the GRU run on each name alone); two_layers "
        "still classifies from h_n[-1], the top layer."
    )
