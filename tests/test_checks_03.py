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
    "03.3": ((..., ..., ..., ...), "`per_position` is still `...`"),
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
    fails("03.1", Lookup(half), match="does your training loop clear the gradients")
    fails("03.1", Lookup(half), match="Then train for 300 steps at lr=1e-2")
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
    assert "key position 0 covers 6, key position 1 covers 5, key position 2 covers 5" in out
    assert "Always picking key position 0 is the best" in out and "6/16 = 37.5%" in out
    encrypted_18, original_18 = make_vigenere_dataset(
        10, 18, generator=torch.Generator().manual_seed(1)
    )
    with torch.no_grad():
        right_18 = model(encrypted_18).argmax(-1) == original_18
    strided_18 = [right_18[:, p::3].float().mean().item() for p in range(3)]
    out = passes(capsys, "03.2", strided_18, model, encrypted_18, original_18)
    assert "each key position covers 6 of the 18 symbols, so none is more likely" in out
    assert "6/18 = 1/3, the ceiling" in out and "not equally likely" not in out
    encrypted_17, original_17 = make_vigenere_dataset(
        10, 17, generator=torch.Generator().manual_seed(1)
    )
    with torch.no_grad():
        right_17 = model(encrypted_17).argmax(-1) == original_17
    strided_17 = [right_17[:, p::3].float().mean().item() for p in range(3)]
    out = passes(capsys, "03.2", strided_17, model, encrypted_17, original_17)
    assert "Always picking key position 0 or 1 is the best" in out
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


def long_set(seed: int = 3, messages: int = 500, length: int = 64):
    return make_vigenere_dataset(messages, length, generator=torch.Generator().manual_seed(seed))


def per_step(model: nn.Module, encrypted: torch.Tensor, original: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return (model(encrypted).argmax(-1) == original).float().mean(dim=0)


def test_03_3(capsys):
    encrypted, original = long_set()
    perfect = PositionDecrypter()
    out = passes(capsys, "03.3", per_step(perfect, encrypted, original), perfect, *long_set())
    assert "agrees, step by step, with the check's own count on your 500 messages" in out
    assert "steps 0-15 100.0%, steps 16-63 100.0%" in out and "as well after step 16" in out
    passes(capsys, "03.3", per_step(perfect, encrypted, original).tolist(), perfect, *long_set())
    drifting = PositionDecrypter(until=16)
    out = passes(capsys, "03.3", per_step(drifting, encrypted, original), drifting, *long_set())
    assert "steps 16-63 0.0%" in out and "it falls after step 16" in out
    # A model right everywhere gives 1.0 on any set: the set itself is checked.
    ones = torch.ones(64)
    fails("03.3", torch.ones(16), perfect, *long_set(length=16), match="messages of 16 symbols")
    fails("03.3", torch.ones(16), perfect, *long_set(), match="that covers 16 steps")
    fails("03.3", torch.ones(48), perfect, *long_set(), match="covers steps 16-63 only")
    fails("03.3", 1.0, perfect, *long_set(), match="`per_position` is one number, 1.0")
    fails("03.3", torch.ones(500), perfect, *long_set(), match="one figure per message")
    fails("03.3", ones, perfect, *long_set(messages=50), match="holds 50 messages: the exercise")
    fails("03.3", ones, perfect, *long_set(length=128), match="messages of 128 symbols")
    repeated = encrypted[:1].repeat(500, 1), original[:1].repeat(500, 1)
    fails("03.3", ones, perfect, *repeated, match="`long_orig` repeats messages")
    caesar_set = (original + 13) % VOCAB, original
    fails("03.3", ones, perfect, *caesar_set, match="`long_enc` is not `long_orig` encrypted")
    fails("03.3", ones, perfect, original, encrypted, match="is not `long_orig` encrypted")
    # A right measurement below 100%, and the usual slips with it.
    noisy = SometimesWrong()
    right = per_step(noisy, encrypted, original)
    assert 0.8 < right.mean() < 0.9
    passes(capsys, "03.3", right, noisy, encrypted, original)
    passes(capsys, "03.3", right.numpy(), noisy, encrypted, original)
    fails("03.3", 100 * right, noisy, encrypted, original, match="not percentages")
    fails("03.3", 1 - right, noisy, encrypted, original, match="those are the error rates")
    other = per_step(noisy, *long_set(seed=4))  # measured on other messages than those passed
    fails("03.3", other, noisy, encrypted, original, match="is not this model's accuracy at each")
    by_message = (torch.ones(500, 64) * right).mean(dim=1)
    fails("03.3", by_message, noisy, encrypted, original, match="one figure per message")
    caesar = Lookup((torch.arange(VOCAB) - KEY_SHIFTS[0]) % VOCAB)  # memoryless
    fails("03.3", ones, caesar, encrypted, original, match="no better than a model without memory")
    fails("03.3", ones, nn.Identity(), encrypted, original, match="should return scores of shape")
