"""Answer checks for notebook 03, training the cipher LSTM."""

from __future__ import annotations

import torch
from torch import nn

from course_utils.checks._core import (
    CheckError,
    _call,
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
    key13, original13 = make_cipher_dataset(500, 32, key=13, generator=_generator(303))
    accuracy13 = (_predict(model, key13, "your model") == original13).float().mean().item()
    if accuracy13 >= 0.99:
        hint = (
            "it decrypts key 13 (the default key) instead; train it on key-3 data from "
            "functools.partial(make_cipher_dataset, key=3)"
        )
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


@_register("03.2")
def _check_03_2(per_position: object, model: object, encrypted: object, original: object) -> str:
    """The memoryless model's accuracy at key positions 0, 1, 2 of Vigenère."""
    values = _numbers(per_position, "per_position", 3, "accuracies at key positions 0, 1, 2")
    model = _module(model, "model", "the memoryless model, vigenere_no_memory")
    enc, orig = _vigenere_pair(encrypted, original)
    right = _predict(model, enc, "your model") == orig
    strided = [right[:, p::3].float().mean().item() for p in range(3)]
    if all(abs(v - s) <= 0.01 for v, s in zip(values, strided, strict=True)):
        length = enc.shape[1]
        counts = [len(range(p, length, 3)) for p in range(3)]
        shown = ", ".join(f"{v:.1%}" for v in values)
        return (
            f"accuracies {shown} at key positions 0, 1, 2. Each encrypted symbol fits three "
            "originals, one per key position, and a memoryless model must pick one answer per "
            f"symbol. Key position 0 covers {counts[0]} of the {length} symbols, the others "
            f"{counts[1]} and {counts[2]}, so always picking position 0 is its best: "
            f"{counts[0]}/{length} = {counts[0] / length:.1%}, the ceiling."
        )
    columns = [right[:, p].float().mean().item() for p in range(3)]
    if all(abs(v - s) <= 0.01 for v, s in zip(values, columns, strict=True)):
        hint = (
            "those are columns 0, 1, 2 only; key position p covers positions p, p + 3, "
            "p + 6, ...: compare predicted[:, p::3] with original[:, p::3]"
        )
    elif all(abs(v / 100 - s) <= 0.01 for v, s in zip(values, strided, strict=True)):
        hint = "give them as fractions between 0 and 1, not percentages"
    else:
        hint = "compare predicted[:, p::3] with original[:, p::3] for p = 0, 1, 2"
    shown = ", ".join(f"{s:.3f}" for s in strided)
    raise CheckError(f"`per_position` should be about [{shown}] for this model and data: {hint}")


@_register("03.3")
def _check_03_3(long_accuracy: object, model: object) -> str:
    """The Vigenère LSTM's accuracy on 500 messages of 64 symbols (seed 3)."""
    value = _number(long_accuracy, "long_accuracy", "a share of symbols right, from 0 to 1")
    model = _module(model, "model", "the Vigenère LSTM, vigenere_lstm")
    encrypted, original = make_vigenere_dataset(500, 64, generator=_generator(3))
    right = (_predict(model, encrypted, "your model") == original).float()
    accuracy, early, late = (
        right.mean().item(),
        right[:, :16].mean().item(),
        right[:, 16:].mean().item(),
    )
    if abs(value - accuracy) <= 0.005:
        return (
            f"long_accuracy {accuracy:.1%}; steps 0-15 {early:.1%}, steps 16-63 {late:.1%}. "
            "A count mod 3 learned as a cycle carries on past the 16 steps it was trained on; "
            "one that only held for 16 steps drifts, and the later steps fall. Either way, a "
            "model is only known to work on what it was tested on."
        )
    if abs(value - early) <= 0.005:
        hint = "that is the accuracy on steps 0-15 only; long_accuracy covers all 64 steps"
    elif abs(value / 100 - accuracy) <= 0.005:
        hint = "give it as a fraction between 0 and 1, not a percentage"
    else:
        hint = (
            "measure it on make_vigenere_dataset(500, 64, generator="
            "torch.Generator().manual_seed(3)), e.g. with evaluate(vigenere_lstm, ...)"
        )
    raise CheckError(
        f"`long_accuracy` should be {accuracy:.3f}, the share of symbols this model decrypts "
        f"in 500 messages of 64 symbols, got {value:.3f}: {hint}"
    )
