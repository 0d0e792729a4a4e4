"""Answer checks for notebook 03, training the cipher LSTM."""

from __future__ import annotations

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
    _number,
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
        hint = "train it longer (300 steps at lr=1e-2) and check that the loss falls"
    raise CheckError(
        f"your model decrypts {accuracy:.1%} of the symbols of 500 fresh key-3 messages; "
        f"at least 99% is expected: {hint}"
    )


def _vigenere_pair(encrypted: object, original: object) -> tuple[torch.Tensor, torch.Tensor]:
    what = "the Vigenère validation set, vig_encrypted and vig_original"
    enc = _tensor(encrypted, "encrypted", f"a [messages, symbols] LongTensor, {what}")
    orig = _tensor(original, "original", f"a [messages, symbols] LongTensor, {what}")
    if enc.dim() != 2 or enc.shape != orig.shape or enc.is_floating_point():
        raise CheckError(
            f"`encrypted` and `original` should be {what}: two [messages, symbols] LongTensors "
            f"of the same shape; got {tuple(enc.shape)} and {tuple(orig.shape)}"
        )
    shifts = torch.tensor([CIPHER_ALPHABET.index(letter) for letter in "KEY"])
    positions = torch.arange(enc.shape[1]) % 3
    if not torch.equal((orig + shifts[positions]) % len(CIPHER_ALPHABET), enc):
        raise CheckError(f"`encrypted` is not `original` encrypted with key KEY: pass {what}")
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
        length = enc.shape[1]
        counts = [len(range(p, length, 3)) for p in range(3)]
        shown = ", ".join(f"{v:.1%}" for v in values)
        return (
            f"accuracies {shown} at key positions 0, 1, 2, and {overall:.1%} overall, for this "
            "memoryless model (its answer at a step depends on that step's symbol only). Each "
            "encrypted symbol fits three originals, one per key position, and they are not "
            f"equally likely: key position 0 covers {counts[0]} of the {length} symbols, the "
            f"others {counts[1]} and {counts[2]}. Always picking position 0 is the best such a "
            f"model can do: {counts[0]}/{length} = {counts[0] / length:.1%}, the ceiling."
        )
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
def _check_03_3(long_accuracy: object, model: object) -> str:
    """The Vigenère LSTM's accuracy on 500 fresh messages of 64 symbols (any seed)."""
    value = _number(long_accuracy, "long_accuracy", "a share of symbols right, from 0 to 1")
    model = _module(model, "model", "the Vigenère LSTM, vigenere_lstm")
    short_enc, short_orig = make_vigenere_dataset(500, 16, generator=_generator(316))
    short = (_predict(model, short_enc, "your model") == short_orig).float().mean().item()
    if short <= 0.45:
        raise CheckError(
            f"your model decrypts {short:.1%} of the symbols of 16-symbol Vigenère messages, "
            "no better than a model without memory can (6/16 = 37.5%): pass the trained "
            "Vigenère LSTM, vigenere_lstm"
        )
    # The check's own measurement, on 4 times as many fresh messages as the exercise's.
    messages = 4 * _LONG_MESSAGES
    encrypted, original = make_vigenere_dataset(messages, _LONG_LENGTH, generator=_generator(364))
    right = (_predict(model, encrypted, "your model") == original).float()
    per_message = right.mean(dim=1)
    accuracy, early, late = (
        per_message.mean().item(),
        right[:, :16].mean().item(),
        right[:, 16:].mean().item(),
    )
    # Messages are independent: a measurement on n of them has a standard error of
    # sd / sqrt(n), sd the spread of the per-message accuracies. Where errors are too rare to
    # show a spread, a binomial error rate of (errors + 1) / (symbols + 2) per symbol stands
    # in. Allow 4 standard errors of the difference between the learner's 500 messages and
    # the check's own, and one symbol.
    learner_symbols, own_symbols = _LONG_MESSAGES * _LONG_LENGTH, right.numel()
    clustered = per_message.std().item() * (1 / _LONG_MESSAGES + 1 / messages) ** 0.5
    rate = ((1 - right).sum().item() + 1) / (own_symbols + 2)
    binomial = (rate * (1 - rate) * (1 / learner_symbols + 1 / own_symbols)) ** 0.5
    tolerance = 4 * max(clustered, binomial) + 1 / learner_symbols
    expected = (
        f"{accuracy:.3f} ± {tolerance:.3f} (the share of symbols this model decrypts in "
        f"{_LONG_MESSAGES} fresh messages of {_LONG_LENGTH} symbols, key KEY, any seed)"
    )
    if abs(value - accuracy) <= tolerance:
        if late >= early - 0.02:
            verdict = (
                "it does as well after step 16 as before (within 2 points), as a count mod 3 "
                "learned as a cycle would"
            )
        else:
            verdict = (
                "it falls after step 16: what it learned held for the 16 steps it was trained "
                "on, not as a cycle"
            )
        return (
            f"long_accuracy {value:.1%} agrees with the check's own measurement on {messages:,} "
            f"fresh messages of {_LONG_LENGTH} symbols, {accuracy:.1%} (steps 0-15 {early:.1%}, "
            f"steps 16-63 {late:.1%}): {verdict}. Either way, a model is only known to work on "
            "what it was tested on."
        )
    if abs(value - early) <= tolerance or abs(value - short) <= tolerance:
        hint = (
            "that is about its accuracy on the first 16 steps only; measure all 64 steps of "
            "make_vigenere_dataset(500, 64, ...)"
        )
    elif abs(value / 100 - accuracy) <= tolerance:
        hint = "give it as a fraction between 0 and 1, not a percentage"
    else:
        hint = (
            "measure it on make_vigenere_dataset(500, 64, generator=torch.Generator()"
            ".manual_seed(3)), e.g. with evaluate(vigenere_lstm, ...), and pass that model"
        )
    raise CheckError(f"`long_accuracy` should be {expected}, got {value:.3f}: {hint}")
