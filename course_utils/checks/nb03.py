"""Answer checks for notebook 03, training the cipher LSTM."""

from __future__ import annotations

import numbers

import torch
from torch import nn

from course_utils.checks._core import (
    CheckError,
    _call,
    _close,
    _device,
    _evaluating,
    _generator,
    _module,
    _numbers,
    _register,
    _scores,
    _tensor,
)
from course_utils.ciphers import (
    CIPHER_ALPHABET,
    make_cipher_dataset,
    make_vigenere_dataset,
)


def _predict(model: nn.Module, encrypted: torch.Tensor, what: str) -> torch.Tensor:
    """The symbols ``model`` predicts for ``encrypted`` [batch, seq], on the CPU."""
    with _evaluating(model):
        output = _call(
            what,
            model,
            encrypted.to(_device(model)),
            hint="it should map a [batch, seq] LongTensor of symbols to [batch, seq, 27] scores",
        )
        scores = _scores(output, what, (*encrypted.shape, len(CIPHER_ALPHABET)))
    return scores.argmax(dim=-1)


@_register("03.1")
def _check_03_1(model: object) -> str:
    """A model trained to decrypt Caesar key 3: >= 99% of 500 fresh messages."""
    model = _module(model, "model", "your trained CipherLSTM (key3_model)")
    encrypted, original = make_cipher_dataset(500, 32, key=3, generator=_generator(303))
    accuracy = (_predict(model, encrypted, "your model") == original).float().mean().item()
    if accuracy >= 0.99:
        return f"your model decrypts {accuracy:.1%} of the symbols of 500 fresh key-3 messages."
    predicted = _predict(model, encrypted, "your model")
    shift = torch.mode(((encrypted - predicted) % len(CIPHER_ALPHABET)).flatten()).values.item()
    decrypts_key = (predicted == (encrypted - shift) % len(CIPHER_ALPHABET)).float().mean().item()
    if decrypts_key >= 0.99 and shift != 3:
        default = " (the default key)" if shift == 13 else ""
        what = (
            "it encrypts with key 3 instead of decrypting"
            if shift == len(CIPHER_ALPHABET) - 3
            else f"it decrypts key {shift}{default} instead"
        )
        hint = f"{what}; train it on key-3 data from functools.partial(make_cipher_dataset, key=3)"
    elif accuracy < 0.1:
        hint = "that is about chance (1/27): has it been trained? Check that the loss falls"
    else:
        hint = (
            "does your training loop clear the gradients, optimizer.zero_grad(), before every "
            "backward()? Without it they pile up, as the notebook showed. Then train for 300 "
            "steps at lr=1e-2 and check that the loss falls"
        )
    raise CheckError(
        f"your model decrypts {accuracy:.1%} of the symbols of 500 fresh key-3 messages; "
        f"at least 99% is expected: {hint}"
    )


def _vigenere_pair(
    encrypted: object,
    original: object,
    names: tuple[str, str] = ("encrypted", "original"),
    what: str = "the Vigenère validation set, vig_encrypted and vig_original",
) -> tuple[torch.Tensor, torch.Tensor]:
    first, second = names
    enc = _tensor(encrypted, first, f"a [messages, symbols] LongTensor, {what}")
    orig = _tensor(original, second, f"a [messages, symbols] LongTensor, {what}")
    if enc.dim() != 2 or enc.shape != orig.shape or enc.is_floating_point():
        raise CheckError(
            f"`{first}` and `{second}` should be {what}: two [messages, symbols] LongTensors "
            f"of the same shape; got {tuple(enc.shape)} and {tuple(orig.shape)}"
        )
    shifts = torch.tensor([CIPHER_ALPHABET.index(letter) for letter in "KEY"])
    positions = torch.arange(enc.shape[1]) % 3
    if not torch.equal((orig + shifts[positions]) % len(CIPHER_ALPHABET), enc):
        raise CheckError(f"`{first}` is not `{second}` encrypted with key KEY: pass {what}")
    return enc, orig


def _memoryless(model: nn.Module, encrypted: torch.Tensor) -> bool:
    """Whether ``model``'s scores at each step depend on that step's symbol only."""
    with _evaluating(model):
        device = _device(model)
        whole = _call("your model", model, encrypted.to(device))
        singles = encrypted.reshape(-1, 1).to(device)
        alone = _call("your model on one symbol at a time", model, singles)
        whole = _scores(whole, "your model", (*encrypted.shape, len(CIPHER_ALPHABET)))
        alone = _scores(alone, "your model", (encrypted.numel(), 1, len(CIPHER_ALPHABET)))
    return _close(whole, alone.reshape(whole.shape), atol=1e-4, rtol=1e-4)


def _03_2_verified(values: list[float], overall: float, length: int) -> str:
    """What a right answer to 03.2 shows, for messages of ``length`` symbols."""
    counts = [len(range(p, length, 3)) for p in range(3)]
    shown = ", ".join(f"{v:.1%}" for v in values)
    most = max(counts)
    best = [p for p in range(3) if counts[p] == most]
    if len(best) == 3:
        likely = (
            f"each key position covers {most} of the {length} symbols, so none is more likely "
            f"than another, and always picking any one of them is the best such a model can do "
            f"on average: {most}/{length} = 1/3, the ceiling"
        )
    else:
        covers = ", ".join(f"key position {p} covers {counts[p]}" for p in range(3))
        which = " or ".join(map(str, best))
        likely = (
            f"they are not equally likely: of the {length} symbols, {covers}. Always picking "
            f"key position {which} is the best such a model can do on average: "
            f"{most}/{length} = {most / length:.1%}, the ceiling"
        )
    return (
        f"accuracies {shown} at key positions 0, 1, 2, and {overall:.1%} overall, for this "
        "memoryless model (its answer at a step depends on that step's symbol only). Each "
        f"encrypted symbol fits three originals, one per key position, and {likely}."
    )


@_register("03.2")
def _check_03_2(per_position: object, model: object, encrypted: object, original: object) -> str:
    """The memoryless model's accuracy at key positions 0, 1, 2 of Vigenère."""
    values = _numbers(per_position, "per_position", 3, "accuracies at key positions 0, 1, 2")
    model = _module(model, "model", "the memoryless model, vigenere_no_memory")
    enc, orig = _vigenere_pair(encrypted, original)
    if not _memoryless(model, enc[:8]):
        raise CheckError(
            "your model's answer for a symbol changes with where it stands in the message or "
            "with the symbols before it: it has memory. The exercise measures the memoryless "
            "model: pass vigenere_no_memory"
        )
    right = _predict(model, enc, "your model") == orig
    overall = right.float().mean().item()
    if overall < 0.2:
        raise CheckError(
            f"your model decrypts only {overall:.1%} of the symbols, about chance (1/27 = 3.7%): "
            "pass the trained memoryless model, vigenere_no_memory"
        )
    strided = [right[:, p::3].float().mean().item() for p in range(3)]
    if all(abs(v - s) <= 0.01 for v, s in zip(values, strided, strict=True)):
        return _03_2_verified(values, overall, enc.shape[1])
    columns = [right[:, p].float().mean().item() for p in range(3)]
    if all(abs(v - s) <= 0.01 for v, s in zip(values, columns, strict=True)):
        hint = (
            "those are columns 0, 1, 2 only; key position p covers positions p, p + 3, "
            "p + 6, ...: compare predicted[:, p::3] with original[:, p::3]"
        )
    elif all(abs(v / 100 - s) <= 0.01 for v, s in zip(values, strided, strict=True)):
        hint = "give them as fractions between 0 and 1, not percentages"
    elif all(abs(v - overall) <= 0.01 for v in values):
        hint = (
            "all three are the overall accuracy: take each key position's symbols apart, "
            "predicted[:, p::3] against original[:, p::3]"
        )
    else:
        hint = "compare predicted[:, p::3] with original[:, p::3] for p = 0, 1, 2"
    shown = ", ".join(f"{s:.3f}" for s in strided)
    raise CheckError(f"`per_position` should be about [{shown}] for this model and data: {hint}")


#: The set exercise 3 measures on: fresh messages of 64 symbols, key KEY.
_LONG_MESSAGES, _LONG_LENGTH = 500, 64


@_register("03.3")
def _check_03_3(per_position: object, model: object, encrypted: object, original: object) -> str:
    """The Vigenère LSTM's accuracy at each of 64 steps, on 500 fresh messages of its own."""
    what = f"the share of messages right at each of the {_LONG_LENGTH} steps"
    per_step = "(predicted == long_orig).float().mean(dim=0)"
    if isinstance(per_position, numbers.Real):
        raise CheckError(f"`per_position` is one number, {per_position!r}: give {what}, {per_step}")
    if isinstance(per_position, list | tuple) and all(
        isinstance(v, numbers.Real) for v in per_position
    ):
        per_position = torch.tensor([float(v) for v in per_position])
    got = _tensor(per_position, "per_position", f"a tensor of {_LONG_LENGTH} numbers, {what}")
    model = _module(model, "model", "the Vigenère LSTM, vigenere_lstm")
    enc, orig = _vigenere_pair(
        encrypted,
        original,
        ("long_enc", "long_orig"),
        f"your {_LONG_MESSAGES} fresh messages of {_LONG_LENGTH} symbols, long_enc and long_orig",
    )
    messages, length = enc.shape
    if length != _LONG_LENGTH:
        raise CheckError(
            f"`long_enc` holds messages of {length} symbols: the exercise measures on "
            f"messages of {_LONG_LENGTH}, make_vigenere_dataset({_LONG_MESSAGES}, "
            f"{_LONG_LENGTH}, key=KEY, generator=...)"
        )
    if messages != _LONG_MESSAGES:
        raise CheckError(
            f"`long_enc` holds {messages} messages: the exercise measures on {_LONG_MESSAGES}, "
            f"make_vigenere_dataset({_LONG_MESSAGES}, {_LONG_LENGTH}, key=KEY, generator=...)"
        )
    if len({tuple(row) for row in orig.tolist()}) < messages:
        raise CheckError(
            f"`long_orig` repeats messages: make {_LONG_MESSAGES} random ones with "
            "make_vigenere_dataset, whose generator draws every message afresh"
        )
    short_enc, short_orig = make_vigenere_dataset(500, 16, generator=_generator(316))
    short = (_predict(model, short_enc, "your model") == short_orig).float().mean().item()
    if short <= 0.45:
        raise CheckError(
            f"your model decrypts {short:.1%} of the symbols of 16-symbol Vigenère messages, "
            "no better than a model without memory can (6/16 = 37.5%): pass the trained "
            "Vigenère LSTM, vigenere_lstm"
        )
    right = (_predict(model, enc, "your model") == orig).float()
    want = right.mean(dim=0)  # [64]: the share of messages right at each step
    shape = tuple(got.shape)
    if got.dim() != 1 or shape[0] != length:
        hints = {
            (): f"that is one number; give one per step, {per_step}",
            (messages,): "that is one figure per message: average over the messages, dim=0",
            (16,): "that covers 16 steps: measure on the 64-symbol messages, all 64 steps",
            (48,): "that covers steps 16-63 only: give all 64 steps",
        }
        hint = hints.get(shape, per_step)
        raise CheckError(
            f"`per_position` should hold {length} numbers, {what}, got shape {shape}: {hint}"
        )
    got = got.double()
    tolerance = 2 / messages  # the same messages: only a near-tie decided by rounding may differ
    if (got - want).abs().max().item() > tolerance:
        if (got - (1 - want)).abs().max().item() <= tolerance:
            hint = "those are the error rates: take the share right, predicted == long_orig"
        elif (got / 100 - want).abs().max().item() <= tolerance:
            hint = "give fractions between 0 and 1, not percentages"
        else:
            step = int((got - want).abs().argmax())
            hint = (
                f"at step {step} the check counts {want[step]:.3f} of your messages right, you "
                f"have {got[step]:.3f}; per_position = {per_step}, with `predicted` from this "
                "model on long_enc"
            )
        raise CheckError(
            f"`per_position` is not this model's accuracy at each step of your {messages} "
            f"messages: {hint}"
        )
    accuracy, early, late = (
        right.mean().item(),
        right[:, :16].mean().item(),
        right[:, 16:].mean().item(),
    )
    if late >= early - 0.02:
        verdict = (
            "on these messages it does as well after step 16 as before (within 2 points), as a "
            "count mod 3 learned as a cycle would"
        )
    else:
        verdict = (
            "it falls after step 16: what it learned held for the 16 steps it was trained on, "
            "not as a cycle"
        )
    return (
        f"per_position agrees, step by step, with the check's own count on your {messages} "
        f"messages of {length} symbols, key KEY: {accuracy:.1%} overall, steps 0-15 "
        f"{early:.1%}, steps 16-63 {late:.1%}; {verdict}. Either way, a model is only known "
        "to work on what it was tested on."
    )
