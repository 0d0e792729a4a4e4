"""The answer checks of notebook 03, training the cipher LSTM.

Each check fails on its stub with a message that says what to write, passes on a
reference answer, and rejects the plausible wrong answers with a hint at the mistake.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from checks_common import (
    KEY_SHIFTS,
    VOCAB,
    fails,
    passes,
    stub_tests,
)
from torch import nn

from course_utils.ciphers import (
    make_vigenere_dataset,
)

STUBS = {
    "03.1": ((...,), "`model` is still `...`: set it to your trained CipherLSTM"),
    "03.2": ((..., ..., ..., ...), "`per_position` is still `...`"),
    "03.3": ((..., ...), "`long_accuracy` is still `...`"),
}
test_every_exercise_has_a_stub_test, test_the_stub_fails_and_says_what_to_write = stub_tests(
    "03", STUBS
)


@pytest.mark.parametrize(("exercise", "answer"), [("03.1", ...)])
def test_a_placeholder_instead_of_a_function_class_or_model(exercise, answer):
    fails(exercise, answer, match=f"is {'still `...`' if answer is ... else 'None'}")


class Lookup(nn.Module):
    """A memoryless 'trained' model: each symbol's answer read from a fixed table."""

    def __init__(self, answers: torch.Tensor):
        super().__init__()
        self.table = nn.Embedding(VOCAB, VOCAB)
        with torch.no_grad():
            self.table.weight.copy_(10 * nn.functional.one_hot(answers, VOCAB).float())

    def forward(self, encrypted: torch.Tensor) -> torch.Tensor:
        return self.table(encrypted)


class Lambda(nn.Module):
    def __init__(self, function):
        super().__init__()
        self.function = function

    def forward(self, x):
        return self.function(x)


def caesar_model(key: int) -> Lookup:
    return Lookup((torch.arange(VOCAB) - key) % VOCAB)


def test_03_1(capsys):
    model = caesar_model(3).train()
    assert "decrypts 100.0% of the symbols" in passes(capsys, "03.1", model)
    assert model.training
    passes(capsys, "03.1", caesar_model(3).double())
    fails("03.1", caesar_model(13), match="it decrypts key 13 (the default key) instead")
    fails(
        "03.1",
        caesar_model(24),
        match="it encrypts with key 3 instead of decrypting; train it on key-3",
    )
    scrambled = Lookup(torch.randperm(VOCAB, generator=torch.Generator().manual_seed(3)))
    fails("03.1", scrambled, match="about chance (1/27)")
    half = (torch.arange(VOCAB) - 3) % VOCAB
    half[:10] = 0
    fails("03.1", Lookup(half), match="train it longer")
    fails("03.1", Lookup, match="`model` is a class")
    fails("03.1", "model", match="`model` should be your trained CipherLSTM")

    class Argmax(nn.Module):
        def forward(self, x):
            return (x - 3) % VOCAB

    fails("03.1", Argmax(), match="should return scores of shape (500, 32, 27), got (500, 32)")
    fails("03.1", Lambda(lambda x: x.tolist()), match="should return scores, a tensor, got a list")
    fails("03.1", nn.Linear(3, 3), match="running your model raised RuntimeError")
    fails("03.1", nn.Identity(), match="should return scores of shape")

    class Nothing(nn.Module):
        def forward(self, x): ...

    fails("03.1", Nothing(), match="your model returned None")


def key_position_model() -> Lookup:
    """Decrypts with the first key letter's shift (K) for the first half of the symbols, with
    the second's (E) for the rest: right at key positions 0 and 1, never at 2."""
    symbols = torch.arange(VOCAB)
    return Lookup(torch.where(symbols < 14, symbols - KEY_SHIFTS[0], symbols - KEY_SHIFTS[1]) % 27)


def test_03_2(capsys):
    encrypted, original = make_vigenere_dataset(10, 16, generator=torch.Generator().manual_seed(1))
    model = key_position_model()
    with torch.no_grad():
        predicted = model(encrypted).argmax(-1)
    strided = [(predicted[:, p::3] == original[:, p::3]).float().mean().item() for p in range(3)]
    columns = [(predicted[:, p] == original[:, p]).float().mean().item() for p in range(3)]
    assert strided[2] == 0 and max(abs(s - c) for s, c in zip(strided, columns, strict=True)) > 0.05
    out = passes(capsys, "03.2", strided, model, encrypted, original)
    assert "key position 0 covers 6 of the 16 symbols" in out and "6/16 = 37.5%" in out
    passes(capsys, "03.2", torch.tensor(strided), model, encrypted, original)
    passes(capsys, "03.2", np.array(strided), model, encrypted, original)
    fails("03.2", columns, model, encrypted, original, match="those are columns 0, 1, 2 only")
    percent = [100 * s for s in strided]
    fails("03.2", percent, model, encrypted, original, match="as fractions between 0 and 1")
    fails("03.2", [0.3, 0.3, 0.3], model, encrypted, original, match="should be about [")
    fails("03.2", strided[:2], model, encrypted, original, match="should hold 3 numbers")
    fails("03.2", 0.3, model, encrypted, original, match="`per_position` should be accuracies")
    caesar = (original + 13) % 27
    fails("03.2", strided, model, caesar, original, match="not `original` encrypted with key KEY")
    fails("03.2", strided, model, encrypted[:, :5], original, match="of the same shape")
    overall = (predicted == original).float().mean().item()
    fails("03.2", [overall] * 3, model, encrypted, original, match="all three are the overall")
    lstm_like = PositionDecrypter()  # the Vigenère LSTM instead of the memoryless model
    fails("03.2", [1.0] * 3, lstm_like, encrypted, original, match="it has memory")
    untrained = Lookup(torch.randperm(VOCAB, generator=torch.Generator().manual_seed(0)))
    fails("03.2", strided, untrained, encrypted, original, match="about chance (1/27 = 3.7%)")


class PositionDecrypter(nn.Module):
    """A Vigenère decrypter that knows each symbol's position; wrong from step `until` on."""

    def __init__(self, until: int = 10**6):
        super().__init__()
        self.until = until
        self.unused = nn.Parameter(torch.zeros(1))

    def forward(self, encrypted: torch.Tensor) -> torch.Tensor:
        steps = torch.arange(encrypted.shape[1])
        shifts = torch.where(steps < self.until, KEY_SHIFTS[steps % 3], KEY_SHIFTS[(steps + 1) % 3])
        plain = (encrypted - shifts.to(encrypted.device)) % VOCAB
        return nn.functional.one_hot(plain, VOCAB).float()


class SometimesWrong(PositionDecrypter):
    """Knows each symbol's position, but answers 0 for encrypted symbols below `below`."""

    def __init__(self, below: int = 4, until: int = 10**6):
        super().__init__(until)
        self.below = below

    def forward(self, encrypted: torch.Tensor) -> torch.Tensor:
        scores = super().forward(encrypted)
        wrong = nn.functional.one_hot(torch.zeros_like(encrypted), VOCAB).float()
        return torch.where((encrypted < self.below).unsqueeze(-1), wrong, scores)


def measured(model: nn.Module, seed: int, messages: int = 500, length: int = 64) -> float:
    encrypted, original = make_vigenere_dataset(
        messages, length, generator=torch.Generator().manual_seed(seed)
    )
    with torch.no_grad():
        return (model(encrypted).argmax(-1) == original).float().mean().item()


def test_03_3(capsys):
    out = passes(capsys, "03.3", 1.0, PositionDecrypter())
    assert "steps 0-15 100.0%, steps 16-63 100.0%" in out and "as well after step 16" in out
    drifting = PositionDecrypter(until=16)
    out = passes(capsys, "03.3", measured(drifting, seed=3), drifting)
    assert "steps 16-63 0.0%" in out and "it falls after step 16" in out
    fails("03.3", 1.0, drifting, match="its accuracy on the first 16 steps only")
    # A perfect model on the check's messages: a few errors in the learner's still pass.
    passes(capsys, "03.3", 1 - 3 / 32000, PositionDecrypter())
    fails("03.3", 0.99, PositionDecrypter(), match="should be 1.000 ± 0.000 (the share")
    # A right measurement below 100% passes on any fresh set of 500 messages.
    noisy = SometimesWrong()
    for seed in range(5):
        passes(capsys, "03.3", measured(noisy, seed), noisy)
    right = measured(noisy, seed=3)
    assert 0.8 < right < 0.9
    fails("03.3", 100 * right, noisy, match="not a percentage")
    fails("03.3", right - 0.05, noisy, match="in 500 fresh messages of 64 symbols, key KEY, any")
    noisy_drifting = SometimesWrong(until=16)
    early = measured(noisy_drifting, seed=3, length=16)
    fails("03.3", early, noisy_drifting, match="its accuracy on the first 16 steps only")
    caesar = Lookup((torch.arange(VOCAB) - KEY_SHIFTS[0]) % VOCAB)  # memoryless
    fails("03.3", measured(caesar, seed=3), caesar, match="no better than a model without memory")
    fails("03.3", 0.5, nn.Identity(), match="should return scores of shape (500, 16, 27)")
