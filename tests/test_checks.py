"""Tests for the exercise checks: for every exercise, the stub fails with a message that says
what to write, a reference answer passes, and a plausible wrong answer gets its hint.

The notebooks' own classes (SeriesRNN, HandRNN, NameGRU, Convolutional, NameLM, Encoder,
Attention) are copied here as the parents of the answers; models that the notebooks train
are replaced by small stand-ins that are right (or wrong) by construction.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from course_utils import checks
from course_utils.checks import CheckError, check, is_stub
from course_utils.ciphers import (
    CIPHER_ALPHABET,
    caesar_decrypt,
    caesar_encrypt,
    make_vigenere_dataset,
)
from course_utils.dates import DATE_INPUT_ALPHABET
from course_utils.encoding import NAME_VOCAB_SIZE, PAD, encode_name, pad_batch

IDS = [
    *("01.1", "01.2", "01.3", "01.4", "02.1", "02.2", "02.3", "02.4", "03.1", "03.2", "03.3"),
    *("04.1", "04.2", "04.3", "05.1", "05.2", "05.3", "06.1", "06.2", "06.3", "06.4"),
    *("07.1", "07.2", "07.3", "08.1", "08.2", "08.3", "08.4", "08.5", "09.1", "09.2", "09.3"),
    *("10.1", "10.2", "10.3"),
]
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


# --- copies of the notebooks' classes ------------------------------------------------------


class SeriesRNN(nn.Module):  # notebook 04
    def __init__(self, num_features: int = 10, hidden_size: int = 32, cell=nn.RNNCell):
        super().__init__()
        self.hidden_size = hidden_size
        self.cell = cell(num_features, hidden_size)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        h = inputs.new_zeros(inputs.size(0), self.hidden_size)
        for x_t in inputs.unbind(dim=1):
            h = self.cell(x_t, h)
        return self.head(h).squeeze(-1)


class HandRNN(nn.Module):  # notebook 05
    def __init__(self, input_size: int, hidden_size: int, output_size: int):
        super().__init__()
        self.hidden_size = hidden_size
        self.in2hidden = nn.Linear(input_size + hidden_size, hidden_size)
        self.in2output = nn.Linear(input_size + hidden_size, output_size)

    def forward(self, x: torch.Tensor, hidden: torch.Tensor):
        combined = torch.cat([x, hidden], dim=1)
        return self.in2output(combined), torch.tanh(self.in2hidden(combined))


class NameGRU(nn.Module):  # notebook 06
    def __init__(self, embed_dim=32, hidden=256, layers=2, dropout=0.2, classes=18):
        super().__init__()
        self.embed = nn.Embedding(NAME_VOCAB_SIZE, embed_dim, padding_idx=PAD)
        self.gru = nn.GRU(embed_dim, hidden, layers, batch_first=True, dropout=dropout)
        self.head = nn.Linear(hidden, classes)

    def forward(self, padded: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        packed = pack_padded_sequence(
            self.embed(padded), lengths, batch_first=True, enforce_sorted=False
        )
        _, h_n = self.gru(packed)
        return self.head(h_n[-1])


class Convolutional(nn.Module):  # notebook 07
    def __init__(self, vocab, classes, embed_dim, channels, pad=None):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed_dim, padding_idx=pad)
        self.conv1 = nn.Conv1d(embed_dim, channels, kernel_size=5, padding=2)
        self.conv2 = nn.Conv1d(channels, channels, kernel_size=5, padding=2)
        self.head = nn.Linear(channels, classes)

    def features(self, vectors, real):
        keep = real.unsqueeze(1).float()
        out = vectors.transpose(1, 2) * keep
        out = torch.relu(self.conv1(out)) * keep
        return torch.relu(self.conv2(out)) * keep

    def forward(self, x, lengths=None):
        if lengths is None:
            real = torch.ones_like(x, dtype=torch.bool)
            return self.head(self.features(self.embed(x), real).transpose(1, 2))
        real = torch.arange(x.shape[1], device=x.device) < lengths.to(x.device).unsqueeze(1)
        features = self.features(self.embed(x), real).masked_fill(~real.unsqueeze(1), -torch.inf)
        return self.head(features.amax(dim=2))


HIDDEN, EMBED = 32, 16  # notebook 08


def make_cell(kind, forget_bias=None):
    cell = getattr(nn, kind)(EMBED, HIDDEN, batch_first=True)
    if forget_bias is not None:
        with torch.no_grad():
            cell.bias_ih_l0[HIDDEN : 2 * HIDDEN] = forget_bias / 2
            cell.bias_hh_l0[HIDDEN : 2 * HIDDEN] = forget_bias / 2
    return cell


INPUTS, CLASSES, LANGUAGES = NAME_VOCAB_SIZE + 1, NAME_VOCAB_SIZE, 18  # notebook 09


class NameLM(nn.Module):
    def __init__(self, embed_dim=32, hidden=256, dropout=0.1):
        super().__init__()
        self.embed = nn.Embedding(INPUTS, embed_dim, padding_idx=PAD)
        self.language = nn.Embedding(LANGUAGES, hidden)
        self.gru = nn.GRU(embed_dim, hidden, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, CLASSES)

    def start(self, language):
        return torch.tanh(self.language(language)).unsqueeze(0)

    def forward(self, inputs, language, h=None):
        h = self.start(language) if h is None else h
        output, h = self.gru(self.dropout(self.embed(inputs)), h)
        return self.head(self.dropout(output)), h


SOURCE, H = len(DATE_INPUT_ALPHABET) + 1, 32  # notebook 10


class Encoder(nn.Module):
    def __init__(self, embed_dim=32):
        super().__init__()
        self.embed = nn.Embedding(SOURCE, embed_dim, padding_idx=0)
        self.gru = nn.GRU(embed_dim, H, batch_first=True, bidirectional=True)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(
            self.embed(x), lengths, batch_first=True, enforce_sorted=False
        )
        output, h_n = self.gru(packed)
        output, _ = pad_packed_sequence(output, batch_first=True, total_length=x.size(1))
        return output, torch.cat([h_n[0], h_n[1]], dim=1)


class Attention(nn.Module):
    def __init__(self, query_dim=2 * H, key_dim=2 * H, attention_dim=32):
        super().__init__()
        self.query = nn.Linear(query_dim, attention_dim, bias=False)
        self.key = nn.Linear(key_dim, attention_dim)
        self.v = nn.Linear(attention_dim, 1, bias=False)

    def forward(self, h, keys, states, mask):
        scores = self.v(torch.tanh(keys + self.query(h).unsqueeze(1))).squeeze(2)
        weights = scores.masked_fill(~mask, float("-inf")).softmax(dim=1)
        context = torch.bmm(weights.unsqueeze(1), states).squeeze(1)
        return context, weights


# --- the API -------------------------------------------------------------------------------


def test_registry_covers_exactly_the_exercises():
    assert sorted(checks._CHECKS) == IDS


def test_unknown_exercise_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown exercise '3\.1'.*01\.1, 01\.2.*10\.3"):
        check("3.1", 1)
    with pytest.raises(ValueError, match=r"unknown exercise 3\.1"):
        check(3.1, 1)


def test_wrong_number_of_answers():
    fails("02.1", torch.zeros(8, 16, 10), match='check("02.1", ...) takes 3 answer(s)')


def test_check_error_is_an_assertion_error():
    assert issubclass(CheckError, AssertionError)
    assert is_stub(...) and not is_stub(None) and not is_stub("...")


def test_a_bug_in_a_check_still_reads_as_a_check_error(monkeypatch):
    def broken(answer):
        raise KeyError("oops")

    monkeypatch.setitem(checks._CHECKS, "04.3", broken)
    message = fails("04.3", "text", match="the check of 04.3 could not handle your answer")
    assert "KeyError" in message


def test_nothing_is_printed_on_failure(capsys):
    fails("01.4", ..., ..., match="`onehot_numbers` is still `...`")
    assert capsys.readouterr().out == ""


# --- the stubs -------------------------------------------------------------------------------


class StubSigmoidRNN(HandRNN):
    def forward(self, x, hidden): ...


class StubNameLSTM(NameGRU):
    def __init__(self, embed_dim=32, hidden=256, layers=2, dropout=0.2, classes=18): ...

    def forward(self, padded, lengths): ...


class StubConvWithPosition(Convolutional):
    def __init__(self): ...

    def forward(self, x, lengths=None): ...


class StubUnconditionedLM(NameLM):
    def start(self, language): ...


class StubLSTMNameLM(NameLM):
    def __init__(self, embed_dim=32, hidden=256, dropout=0.1): ...

    def start(self, language): ...


class StubDotAttention(Attention):
    def forward(self, h, keys, states, mask): ...


class StubLSTMEncoder(Encoder):
    def __init__(self, embed_dim=32): ...

    def forward(self, x, lengths): ...


STUBS = {
    "01.1": ((..., ...), "`name` is still `...`"),
    "01.2": (("HELLO", ...), "`after_27` is still `...`: set it to the text after 27 shifts"),
    "01.3": ((stub,), "`crack` returned None for 'TLL-GTLGH-GUVVU', which decrypts with key 7"),
    "01.4": ((..., ...), "`onehot_numbers` is still `...`"),
    "02.1": ((..., ..., ...), "`output` is still `...`: set it to a tensor of shape (8, 16, 10)"),
    "02.2": ((..., ...), "`output` is still `...`: set it to a tensor of shape (8, 16, 20)"),
    "02.3": ((...,), "`loss_with_softmax` is still `...`"),
    "02.4": ((stub, nn.LSTM(5, 10, batch_first=True)), "`lstm_step` returned None: it should"),
    "03.1": ((...,), "`model` is still `...`: set it to your trained CipherLSTM"),
    "03.2": ((..., ..., ..., ...), "`per_position` is still `...`"),
    "03.3": ((..., ...), "`long_accuracy` is still `...`"),
    "04.1": ((...,), "`gru_model` is still `...`: set it to SeriesRNN(cell=nn.GRUCell)"),
    "04.2": ((..., ..., torch.zeros(100, 10)), "`inputs` is still `...`"),
    "04.3": ((...,), "`answer` is still `...`: write your explanation"),
    "05.1": (("your answer here",), "`answer` is still the stub text 'your answer here'"),
    "05.2": ((StubSigmoidRNN,), "`SigmoidRNN.forward` returned None: it should return (scores"),
    "05.3": ((..., ...), "`first_acc` is still `...`"),
    "06.1": ((StubNameLSTM,), "`NameLSTM()` is not set up as a module: its `__init__` must"),
    "06.2": ((..., ...), "`h_n` is still `...`"),
    "06.3": ((..., {}), "`report` should hold a row per language"),
    "06.4": ((..., ..., ...), "`oracle_accuracy` is still `...`"),
    "07.1": (("  ",), "`answer` is empty"),
    "07.2": ((StubConvWithPosition,), "`ConvWithPosition()` is not set up as a module"),
    "07.3": ((...,), "`h_n` is still `...`"),
    "08.1": ((...,), "`answer` is still `...`"),
    "08.2": ((stub,), "`gru_with_update_bias(5.0)` returned None: it should return the GRU"),
    "08.3": (("Your answer here.",), "still the stub text"),
    "08.4": ((None,), "`answer` is still `...`"),
    "08.5": ((..., ...), "`gru_run` is still `...`"),
    "09.1": ((StubUnconditionedLM,), "`UnconditionedLM.start` returned None: it should return"),
    "09.2": ((stub,), "`most_probable('Russian')` returned None: it should return (name, log_p"),
    "09.3": ((StubLSTMNameLM,), "`LSTMNameLM()` is not set up as a module"),
    "10.1": ((stub,), "`beam_convert('23 Nov 2026')` returned None: it should return the ISO"),
    "10.2": ((StubDotAttention,), "`DotAttention.forward` returned None: it should return"),
    "10.3": ((StubLSTMEncoder,), "`LSTMEncoder()` is not set up as a module"),
}


def test_every_exercise_has_a_stub_test():
    assert sorted(STUBS) == IDS


@pytest.mark.parametrize("exercise", IDS)
def test_the_stub_fails_and_says_what_to_write(exercise):
    answers, message = STUBS[exercise]
    fails(exercise, *answers, match=message)


@pytest.mark.parametrize(
    ("exercise", "answer"),
    [("03.1", ...), ("04.1", None), ("05.2", ...), ("06.1", None), ("10.1", ...), ("01.3", ...)],
)
def test_a_placeholder_instead_of_a_function_class_or_model(exercise, answer):
    fails(exercise, answer, match=f"is {'still `...`' if answer is ... else 'None'}")


# --- 01 ----------------------------------------------------------------------------------------


def test_01_1(capsys):
    name = "Ada Lovelace!"
    out = passes(capsys, "01.1", name, caesar_decrypt(caesar_encrypt(name, key=3), key=3))
    assert "'ADA-LOVELACE-'" in out and "' ', '!' became '-'" in out
    assert "Lower case (d, a, o, v, e, l, c) came back upper-cased" in out
    assert "Every character survived" in passes(capsys, "01.1", "ADA", "ADA")
    fails("01.1", name, caesar_encrypt(name, key=3), match="still encrypted (shifted by 3)")
    fails("01.1", name, name, match="`round_trip` is `name` unchanged")
    fails("01.1", name, caesar_decrypt(caesar_encrypt(name, 3), 13), match="shifted by 17")
    fails("01.1", name, "ADA", match="`round_trip` should be 'ADA-LOVELACE-', got 'ADA'")
    fails("01.1", name, 42, match="`round_trip` should be the decrypted text, a str")
    fails("01.1", "", "", match="`name` should be a non-empty str")


def test_01_2(capsys):
    message = text = "HELLO-WORLD"
    for _ in range(27):
        text = caesar_encrypt(text, key=1)
    assert "key 27 behaves like key 0" in passes(capsys, "01.2", message, text)
    once = caesar_encrypt(message, key=1)  # shifted the original each time
    fails("01.2", message, once, match="shift the running text")
    fails("01.2", message, caesar_encrypt(message, 26), match="shifted by 26 (mod 27)")
    fails("01.2", message, "HELLO", match="should be 'HELLO-WORLD', got 'HELLO'")
    fails("01.2", 3, "HELLO", match="`message` should be a non-empty str")
    fails("01.2", message, 3, match="`after_27` should be the shifted text")


def crack(ciphertext: str, crib: str) -> int | None:
    for key in range(27):
        if crib in caesar_decrypt(ciphertext, key):
            return key
    return None


def test_01_3_hidden_cases_are_unambiguous():
    for plain, key, crib in checks._CRACK_CASES:
        ciphertext = caesar_encrypt(plain, key)
        fits = [k for k in range(27) if crib in caesar_decrypt(ciphertext, k)]
        assert fits == ([key] if crib in plain else [])


def test_01_3(capsys):
    assert "returns None when no key fits" in passes(capsys, "01.3", crack)

    def only_26_keys(ciphertext, crib):
        return next((k for k in range(26) if crib in caesar_decrypt(ciphertext, k)), None)

    fails("01.3", only_26_keys, match="does your loop try all 27 keys, range(27)?")
    fails("01.3", lambda c, crib: crack(c, crib) or 0, match="return None after trying all 27")

    def encrypt_instead(ciphertext, crib):
        return next(k for k in range(27) if crib in caesar_encrypt(ciphertext, k))

    fails("01.3", encrypt_instead, match="that key encrypts it again")
    fails("01.3", lambda c, crib: caesar_decrypt(c, 7), match="return the key, an int, not")
    fails("01.3", lambda c, crib: 3, match="returned 3, but the message was encrypted with key 7")
    fails("01.3", lambda c, crib: 7.0, match="returned 7.0: it should return the key")
    fails("01.3", lambda c, crib: ..., match="returned ...: it should return the key")
    fails("01.3", 42, match="`crack` should be a function")
    message = fails("01.3", lambda c: 1, match="running your `crack('TLL-GTLGH-GUVVU', 'MEET')`")
    assert "TypeError" in message


def test_01_4(capsys):
    codes = torch.randint(27, (64, 100))
    onehot = nn.functional.one_hot(codes, 27).numel()
    embedded = nn.Embedding(27, 5)(codes).numel()
    assert "5.4 times fewer" in passes(capsys, "01.4", onehot, embedded)
    passes(capsys, "01.4", torch.tensor(172800), np.int64(32000))
    fails("01.4", 32000, 172800, match="are swapped")
    fails("01.4", 6400, 32000, match="that counts the symbols; each is a vector of 27")
    fails("01.4", 172800, 135, match="the size of the embedding table")
    fails("01.4", 172800, 1, match="`embedded_numbers` should be 64 * 100 * 5 = 32000, got 1")
    fails("01.4", True, 32000, match="got a bool")
    fails("01.4", "172800", 32000, match="got a str")
    fails("01.4", torch.zeros(2), 32000, match="got an array of shape (2,)")
    fails("01.4", float("nan"), 32000, match="`onehot_numbers` is nan")


# --- 02 ----------------------------------------------------------------------------------------

BATCH = torch.randn(8, 16, 5, generator=torch.Generator().manual_seed(0))


def test_02_1(capsys):
    output, (h, c) = nn.LSTM(5, 10, num_layers=2, batch_first=True)(BATCH)
    assert "one state per layer" in passes(capsys, "02.1", output, h, c)
    output, (h, c) = nn.LSTM(5, 10, batch_first=True)(BATCH)
    fails("02.1", output, h, c, match="`h` should have shape (2, 8, 10), got (1, 8, 10): did you")
    output, (h, c) = nn.LSTM(5, 10, num_layers=2)(BATCH)
    fails("02.1", output, h, c, match="did you pass batch_first=True?")
    fails("02.1", (output, h), h, c, match="`output` is a tuple of 2 tensors")
    fails("02.1", "output", h, c, match="`output` should be a tensor of shape (8, 16, 10), got a")


def test_02_2(capsys):
    output, (h, _) = nn.LSTM(5, 10, batch_first=True, bidirectional=True)(BATCH)
    assert "needs 2 * 10 inputs" in passes(capsys, "02.2", output, h)
    passes(capsys, "02.2", output.detach().numpy(), h)
    output, (h, _) = nn.LSTM(5, 10, batch_first=True)(BATCH)
    fails("02.2", output, h, match="got (8, 16, 10): did you pass bidirectional=True?")
    output, (h, _) = nn.LSTM(5, 10, 2, batch_first=True, bidirectional=True)(BATCH)
    fails("02.2", output, h, match="one layer only")


def test_02_3(capsys):
    loss_fn = nn.CrossEntropyLoss()
    perfect = torch.full((1, 1, 27), -20.0)
    perfect[0, 0, 5] = 20.0
    target = torch.tensor([[5]])
    wrong = loss_fn(perfect.softmax(-1).transpose(1, 2), target)
    assert "e / (e + 26)" in passes(capsys, "02.3", wrong)
    passes(capsys, "02.3", wrong.item())
    right = loss_fn(perfect.transpose(1, 2), target).item()
    fails("02.3", right, match="that is the loss without the extra softmax")
    fails("02.3", math.log(27), match="not sure at all")
    fails("02.3", -1.0, match="cannot be negative")
    fails("02.3", 1.0, match="should be ln(1 + 26/e) ≈ 2.358, got 1.000")


def make_lstm_step(lstm, order="ifgo", biases=True, cell=torch.tanh, swap=False):
    """lstm_step as in the notebook, or with one of the usual mistakes."""

    def lstm_step(x, h, c):
        gates = x @ lstm.weight_ih_l0.T + h @ lstm.weight_hh_l0.T
        if biases:
            gates = gates + lstm.bias_ih_l0 + lstm.bias_hh_l0
        gate = dict(zip(order, gates.chunk(4, dim=1), strict=True))
        c = torch.sigmoid(gate["f"]) * c + torch.sigmoid(gate["i"]) * cell(gate["g"])
        h = torch.sigmoid(gate["o"]) * torch.tanh(c)
        return (c, h) if swap else (h, c)

    return lstm_step


def test_02_4(capsys):
    lstm = nn.LSTM(5, 10, batch_first=True)
    assert "i, f, g, o" in passes(capsys, "02.4", make_lstm_step(lstm), lstm)
    lstm.train()
    passes(capsys, "02.4", make_lstm_step(lstm), lstm)
    assert lstm.training
    seq_first = nn.LSTM(5, 10)
    passes(capsys, "02.4", make_lstm_step(seq_first), seq_first)
    fails("02.4", make_lstm_step(lstm, order="ifog"), lstm, match="in the order i, f, o, g")
    fails("02.4", make_lstm_step(lstm, biases=False), lstm, match="you left out both biases")
    fails("02.4", make_lstm_step(lstm, cell=torch.sigmoid), lstm, match="takes tanh, not sigmoid")
    fails("02.4", make_lstm_step(lstm, swap=True), lstm, match="you return (c_next, h_next)")
    halved = lambda x, h, c: tuple(v / 2 for v in make_lstm_step(lstm)(x, h, c))  # noqa: E731
    fails("02.4", halved, lstm, match="compare with the equations: gates = x @ W_ih.T + b_ih")
    fails("02.4", lambda x, h, c: (h, c, c), lstm, match="returned a tuple of 3: it should")

    def no_tanh(x, h, c):
        _, c_next = make_lstm_step(lstm)(x, h, c)
        gates = x @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h @ lstm.weight_hh_l0.T
        return torch.sigmoid((gates + lstm.bias_hh_l0).chunk(4, dim=1)[3]) * c_next, c_next

    fails("02.4", no_tanh, lstm, match="the tanh of the new cell state is missing")

    def one_bias(x, h, c):
        gates = x @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h @ lstm.weight_hh_l0.T
        i, f, g, o = gates.chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c

    fails("02.4", one_bias, lstm, match="you left out bias_hh_l0")
    fails("02.4", lambda x, h, c: (x, c), lstm, match="`h_next (what lstm_step returned)` should")
    fails("02.4", lambda x, h, c: h, lstm, match="`lstm_step` returned a Tensor: it should return")
    first_state = []

    def ignores_state(x, h, c):  # steps from the first state it saw, as from a global
        first_state.append((h, c))
        return make_lstm_step(lstm)(x, *first_state[0])

    fails("02.4", ignores_state, lstm, match="step 1 of `lstm_step` matches nn.LSTM but step 2")
    fails("02.4", make_lstm_step(lstm), nn.GRU(5, 10), match="`lstm` should be an nn.LSTM")
    fails("02.4", make_lstm_step(lstm), nn.LSTM(5, 10, 2), match="should have one layer")
    fails("02.4", make_lstm_step(lstm), nn.LSTM, match="`lstm` is a class")
    message = fails("02.4", lambda x, h: h, lstm, match="running your `lstm_step(x, h, c)` raised")
    assert "x is [batch, I]" in message
    fails("02.4", make_lstm_step(lstm), lambda: 0, match="`lstm` should be the one-layer")
    fails("02.4", make_lstm_step(lstm), ..., match="`lstm` is still `...`")
    fails("02.4", "lstm_step", lstm, match="`lstm_step` should be a function")


# --- 03 ----------------------------------------------------------------------------------------


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
    fails("03.1", caesar_model(4), match="about chance (1/27)")
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
    assert "Key position 0 covers 6 of the 16 symbols" in out and "6/16 = 37.5%" in out
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


def test_03_3(capsys):
    encrypted, original = make_vigenere_dataset(500, 64, generator=torch.Generator().manual_seed(3))
    out = passes(capsys, "03.3", 1.0, PositionDecrypter())
    assert "steps 0-15 100.0%, steps 16-63 100.0%" in out and "carries on past" in out
    drifting = PositionDecrypter(until=16)
    accuracy = (drifting(encrypted).argmax(-1) == original).float().mean().item()
    assert "steps 16-63 0.0%" in passes(capsys, "03.3", accuracy + 0.004, drifting)
    fails("03.3", 1.0, drifting, match="that is the accuracy on steps 0-15 only")
    fails("03.3", 100 * accuracy, drifting, match="not a percentage")
    fails("03.3", 0.5, drifting, match="measure it on make_vigenere_dataset(500, 64")


# --- 04 ----------------------------------------------------------------------------------------


def test_04_1(capsys):
    assert "nn.GRUCell(10, 32)" in passes(capsys, "04.1", SeriesRNN(cell=nn.GRUCell))
    fails("04.1", SeriesRNN(), match="is an nn.RNNCell, not an nn.GRUCell: build the model as")
    fails("04.1", SeriesRNN(cell=nn.GRU), match="nn.GRU is a whole layer")
    fails("04.1", nn.Linear(10, 1), match="`gru_model` has no `cell`: build the model as")
    fails("04.1", SeriesRNN(num_features=5, cell=nn.GRUCell), match="got input_size 5")

    class Unsqueezed(SeriesRNN):
        def forward(self, inputs):
            return super().forward(inputs).unsqueeze(-1)

    fails("04.1", Unsqueezed(cell=nn.GRUCell), match="squeeze the last dimension")

    class Broken(SeriesRNN):
        def forward(self, inputs):
            return self.cell(inputs)

    fails("04.1", Broken(cell=nn.GRUCell), match="running `gru_model` on windows [4, 20, 10]")


def make_windows(scaled, start, end, horizon=1, window=20):
    """The notebook's make_windows, on a given series."""
    part = scaled[start:end]
    inputs = part.unfold(0, window, 1).transpose(1, 2)[: len(part) - window - horizon + 1]
    return inputs, part[window + horizon - 1 :, 0]


def test_04_2(capsys):
    scaled = torch.randn(300, 10, generator=torch.Generator().manual_seed(4))
    inputs, targets = make_windows(scaled, 0, 210, horizon=4)
    assert len(inputs) == 210 - 20 - 4 + 1
    out = passes(capsys, "04.2", inputs, targets, scaled)
    assert "187 windows" in out and "row k + 23" in out
    passes(capsys, "04.2", inputs.numpy(), targets.numpy(), scaled.numpy())
    inputs1, targets1 = make_windows(scaled, 0, 210)
    fails("04.2", inputs1, targets1, scaled, match="got row 20 (1 step(s) after: horizon=1?)")
    fails("04.2", inputs1[:187], targets1[:187], scaled, match="`targets[0]` should be x_0 four")
    fails(
        "04.2", inputs, targets, scaled[20:], match="`inputs[0]` should be rows 0 to 19 of scaled"
    )
    later_inputs, later_targets = make_windows(scaled, 5, 215, horizon=4)
    fails("04.2", later_inputs, later_targets, scaled, match="got rows 5 to 24")
    fails("04.2", inputs, targets[:-1], scaled, match="`targets` should have shape (187,)")
    fails("04.2", inputs.transpose(1, 2), targets, scaled, match="transpose(1, 2) after unfold")
    fails("04.2", inputs[:0], targets[:0], scaled, match="`inputs` holds no window")
    fails("04.2", inputs, targets, scaled[:100], match="so 100 rows give at most 77")
    fails("04.2", inputs, targets, scaled[:, :5], match="`scaled` should be the [T, 10] scaled")
    fails("04.2", inputs, scaled[23 : 23 + 187, 1], scaled, match="got variable 1 of that row")
    fails("04.2", inputs, torch.zeros(187), scaled, match="(row 23, 4 after its last row 19):")


DISCUSSIONS = {
    "04.3": "Expected all tensors to be on the same device",
    "05.1": "names shared by several languages",
    "07.1": "one seed only",
    "08.1": "0.95^25",
    "08.3": "direct path to the output",
    "08.4": "only biases 3 and 5 keep more than 1%",
}


@pytest.mark.parametrize("exercise", sorted(DISCUSSIONS))
def test_discussion(capsys, exercise):
    out = passes(capsys, exercise, "My answer: the state lives on the wrong device.")
    assert DISCUSSIONS[exercise] in out and "answer noted" in out
    passes(capsys, exercise, "your answer here: because of the device")
    fails(exercise, "", match="`answer` is empty")
    fails(exercise, "  Your answer here ...", match="still the stub text")
    fails(exercise, 42, match="`answer` should be your explanation as a str")
    fails(exercise, ..., match="`answer` is still `...`")


# --- 05 ----------------------------------------------------------------------------------------


class SigmoidRNN(HandRNN):
    def forward(self, x, hidden):
        combined = torch.cat([x, hidden], dim=1)
        return self.in2output(combined), torch.sigmoid(self.in2hidden(combined))


def test_05_2(capsys):
    assert "the post's cell" in passes(capsys, "05.2", SigmoidRNN)
    fails(
        "05.2",
        HandRNN,
        match="`new_hidden` is still torch.tanh(self.in2hidden(combined)), as in HandRNN",
    )

    class Swapped(HandRNN):
        def forward(self, x, hidden):
            return SigmoidRNN.forward(self, x, hidden)[::-1]

    fails("05.2", Swapped, match="got (2, 16): forward should return (scores, new_hidden)")

    class HiddenFirst(HandRNN):
        def forward(self, x, hidden):
            combined = torch.cat([hidden, x], dim=1)
            return self.in2output(combined), torch.sigmoid(self.in2hidden(combined))

    fails("05.2", HiddenFirst, match="concatenate [x, hidden] in that order")

    class SquashedScores(HandRNN):
        def forward(self, x, hidden):
            scores, new_hidden = SigmoidRNN.forward(self, x, hidden)
            return torch.sigmoid(scores), new_hidden

    fails("05.2", SquashedScores, match="no activation on the scores")

    class Relu(HandRNN):
        def forward(self, x, hidden):
            combined = torch.cat([x, hidden], dim=1)
            return self.in2output(combined) + 1, torch.relu(self.in2hidden(combined))

    fails("05.2", Relu, match="combined = torch.cat([x, hidden], dim=1)")

    class Plus1(SigmoidRNN):
        def forward(self, x, hidden):
            scores, new_hidden = super().forward(x, hidden)
            return scores + 1, new_hidden

    fails("05.2", Plus1, match="keep HandRNN's scores")
    fails("05.2", SigmoidRNN(59, 16, 18), match="pass the class `SigmoidRNN` itself")

    class TwoSizes(HandRNN):
        def __init__(self, input_size, hidden_size):
            super().__init__(input_size, hidden_size, 18)

    fails("05.2", TwoSizes, match="SigmoidRNN(59, 16, 18)` raised TypeError")
    fails("05.2", int, match="`SigmoidRNN` should be a class")

    class NoLayers(nn.Module):
        def __init__(self, *sizes):
            super().__init__()

    fails("05.2", NoLayers, match="has no layer `in2hidden`: subclass HandRNN")


def test_05_3(capsys):
    assert "-ov, -ski, -ez and -ini" in passes(capsys, "05.3", 0.42, np.float64(0.61))
    fails("05.3", 0.61, 0.42, match="did you swap them?")
    fails("05.3", 42.0, 61.0, match="give a fraction, not a percentage")
    fails("05.3", 0.4, ..., match="`last_acc` is still `...`")


# --- 06 ----------------------------------------------------------------------------------------


class NameLSTM(NameGRU):
    def __init__(self, embed_dim=32, hidden=256, layers=2, dropout=0.2, classes=18):
        super().__init__(embed_dim, hidden, layers, dropout, classes)
        self.gru = nn.LSTM(embed_dim, hidden, layers, batch_first=True, dropout=dropout)

    def forward(self, padded, lengths):
        packed = pack_padded_sequence(
            self.embed(padded), lengths, batch_first=True, enforce_sorted=False
        )
        _, (h_n, _) = self.gru(packed)
        return self.head(h_n[-1])


def test_06_1(capsys):
    assert "`_, (h_n, _) = self.gru(packed)`" in passes(capsys, "06.1", NameLSTM)
    fails("06.1", NameGRU, match="NameLSTM() has no nn.LSTM among its modules")

    class ForwardUnchanged(NameGRU):
        def __init__(self):
            super().__init__()
            self.gru = nn.LSTM(32, 256, 2, batch_first=True, dropout=0.2)

    fails("06.1", ForwardUnchanged, match="h_n[-1] of the pair (h_n, c_n) is c_n, all layers")

    class FromMemory(NameLSTM):
        def forward(self, padded, lengths):
            packed = pack_padded_sequence(
                self.embed(padded), lengths, batch_first=True, enforce_sorted=False
            )
            _, (_, c_n) = self.gru(packed)
            return self.head(c_n[-1])

    fails("06.1", FromMemory, match="NameLSTM classifies from c_n, the cell's memory")

    class ThreeValues(NameLSTM):
        def forward(self, padded, lengths):
            _, h_n, _ = self.gru(self.embed(padded))
            return self.head(h_n[-1])

    message = fails("06.1", ThreeValues, match="raised ValueError: not enough values to unpack")
    assert "an LSTM returns its state as a pair (h_n, c_n)" in message

    class ForwardStub(NameLSTM):
        def forward(self, padded, lengths): ...

    fails("06.1", ForwardStub, match="`NameLSTM.forward` returned None: it should return")


def packed_names(embed_dim: int) -> nn.utils.rnn.PackedSequence:
    padded, lengths = pad_batch([encode_name(name) for name in ("Ng", "Ivanov", "Rossi", "Li")])
    embedded = nn.Embedding(NAME_VOCAB_SIZE, embed_dim)(padded)
    return pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)


def test_06_2(capsys):
    bi_gru = nn.GRU(32, 256, num_layers=2, batch_first=True, bidirectional=True)
    _, h_bi = bi_gru(packed_names(32))
    features = torch.cat([h_bi[-2], h_bi[-1]], dim=1).shape[1]
    assert "needs 2 * 256 = 512 inputs" in passes(capsys, "06.2", h_bi, features)
    _, h_one_way = nn.GRU(32, 256, num_layers=2, batch_first=True)(packed_names(32))
    fails("06.2", h_one_way, 256, match="got (2, 4, 256): h_n has num_layers * 2 directions")
    fails("06.2", h_bi, 256, match="that is one direction")
    fails("06.2", h_bi, 1024, match="that is all four rows")
    fails("06.2", h_bi, 100, match="measure torch.cat([h_n[-2], h_n[-1]], dim=1).shape[1]")
    output, _ = bi_gru(packed_names(32))
    fails("06.2", output, 512, match="`h_n` is a PackedSequence")


def report_of(recalls: dict[str, float], precisions: dict[str, float]) -> dict[str, object]:
    """A classification_report(..., output_dict=True) of the given per-language figures."""
    report: dict[str, object] = {
        name: {
            "precision": precisions[name],
            "recall": recall,
            "f1-score": 2 * precisions[name] * recall / (precisions[name] + recall),
            "support": 10.0,
        }
        for name, recall in recalls.items()
    }
    report["accuracy"] = 0.7
    report["macro avg"] = {"precision": 0.1, "recall": 0.1, "f1-score": 0.1, "support": 50.0}
    report["weighted avg"] = {"precision": 0.1, "recall": 0.1, "f1-score": 0.1, "support": 50.0}
    return report


RECALLS = {"Czech": 0.3, "English": 0.8, "Irish": 0.2, "Scottish": 0.5, "Spanish": 0.5}
PRECISIONS = {"Czech": 0.9, "English": 0.1, "Irish": 0.2, "Scottish": 0.8, "Spanish": 0.3}


def test_06_3(capsys):
    report = report_of(RECALLS, PRECISIONS)
    worst = sorted(RECALLS, key=lambda language: report[language]["recall"])[:3]
    out = passes(capsys, "06.3", worst, report)
    assert "lowest recall: Irish (20% of 10 names), Czech (30% of 10 names)" in out
    passes(capsys, "06.3", ("Irish", "Czech", "Spanish"), report)  # ties: either one
    passes(capsys, "06.3", np.array(["Scottish", "Irish", "Czech"]), report)
    fails("06.3", ["Irish", "Czech", "English"], report, match="the 3 lowest recalls are Irish")
    fails("06.3", ["English", "Irish", "Spanish"], report, match="lowest precision, not recall")
    fails("06.3", ["English", "Spanish", "Scottish"], report, match="highest recall")
    fails("06.3", ["Irish", "Czech"], report, match="should hold 3 language names, got 2")
    fails("06.3", ["Irish", "Czech", "Welsh"], report, match="'Welsh' in `worst` is not a language")
    fails("06.3", [0, 1, 2], report, match="not label numbers")
    fails("06.3", ["Irish", "Irish", "Czech"], report, match="names a language twice")
    fails("06.3", "Irish", report, match="`worst` should be a list of 3 language names")
    fails("06.3", worst, "precision recall", match="got a str: did you pass output_dict=True?")
    fails("06.3", ..., report, match="`worst` is still `...`")


def test_06_4(capsys):
    gru_right = np.array([True, True, False, False, True, False, True, True])
    ngram_right = np.array([True, False, True, False, False, False, True, True])
    oracle = (gru_right | ngram_right).mean()
    assert "looks at the true label" in passes(capsys, "06.4", oracle, gru_right, ngram_right)
    passes(capsys, "06.4", float(oracle), torch.tensor(gru_right), ngram_right.astype(int))
    both = (gru_right & ngram_right).mean()
    fails("06.4", both, gru_right, ngram_right, match="the oracle is right when either is (|)")
    fails("06.4", gru_right.mean(), gru_right, ngram_right, match="the better model's accuracy")
    fails("06.4", 6, gru_right, ngram_right, match="that is a count: take the mean")
    fails("06.4", 100 * oracle, gru_right, ngram_right, match="not a percentage")
    fails("06.4", 0.1, gru_right, ngram_right, match="(gru_right | ngram_right).mean()")
    fails("06.4", oracle, gru_right, ngram_right[:5], match="got 8 and 5")
    fails("06.4", oracle, gru_right * 2, ngram_right, match="values other than 0 and 1")
    fails("06.4", oracle, np.zeros((2, 2)), ngram_right, match="got shape (2, 2)")


# --- 07 ----------------------------------------------------------------------------------------


class ConvWithPosition(Convolutional):
    def __init__(self):
        super().__init__(len(CIPHER_ALPHABET), 27, 8, 32)
        self.conv1 = nn.Conv1d(8 + 3, 32, kernel_size=5, padding=2)

    def forward(self, x, lengths=None, period=3):
        position = nn.functional.one_hot(torch.arange(x.shape[1], device=x.device) % period, 3)
        position = position.float().expand(x.shape[0], -1, -1)
        real = torch.ones_like(x, dtype=torch.bool)
        features = self.features(torch.cat([self.embed(x), position], dim=2), real)
        return self.head(features.transpose(1, 2))


def test_07_2(capsys):
    assert "positions with the same t % 3" in passes(capsys, "07.2", ConvWithPosition)

    class Plain(Convolutional):
        def __init__(self):
            super().__init__(27, 27, 8, 32)

    fails("07.2", Plain, match="the first convolution takes 8 channels; it needs 8 + 3")

    class Period2(ConvWithPosition):
        def forward(self, x, lengths=None):
            return super().forward(x, period=2)

    fails("07.2", Period2, match="positions 4 and 7 (the same key position) get different")

    class Ignored(ConvWithPosition):
        def forward(self, x, lengths=None):
            vectors = torch.cat([self.embed(x), torch.zeros(*x.shape, 3)], dim=2)
            real = torch.ones_like(x, dtype=torch.bool)
            return self.head(self.features(vectors, real).transpose(1, 2))

    fails("07.2", Ignored, match="the position channels have no effect")

    class Transposed(ConvWithPosition):
        def forward(self, x, lengths=None):
            return self.conv1(self.embed(x))

    fails("07.2", Transposed, match="concatenate on dim=2 (features): [batch, time, 8 + 3]")

    class NoConvs(nn.Module):
        pass

    fails("07.2", NoConvs, match="should keep Convolutional's `conv1`")

    class Pooled(ConvWithPosition):
        def forward(self, x, lengths=None):
            return super().forward(x).amax(dim=1)

    fails("07.2", Pooled, match="should return scores of shape (2, 16, 27), got (2, 27)")


def test_07_3(capsys):
    deep = nn.GRU(16, 64, num_layers=2, batch_first=True)
    _, deep_h_n = deep(packed_names(16))
    assert "h_n[-1], the top layer" in passes(capsys, "07.3", deep_h_n)
    _, one_layer = nn.GRU(16, 64, batch_first=True)(packed_names(16))
    fails("07.3", one_layer, match="got (1, 4, 64): h_n has one row per layer")
    bidirectional = nn.GRU(16, 64, num_layers=2, batch_first=True, bidirectional=True)
    _, both = bidirectional(packed_names(16))
    fails("07.3", both, match="build a one-way GRU")


# --- 08 ----------------------------------------------------------------------------------------


def gru_with_update_bias(bias, third=1, vectors=("ih", "hh"), share=None):
    """The notebook's solution, or a wrong variant: another third, one vector only."""
    gru_cell = make_cell("GRU")
    share = bias / len(vectors) if share is None else share
    with torch.no_grad():
        for vector in vectors:
            getattr(gru_cell, f"bias_{vector}_l0")[third * HIDDEN : (third + 1) * HIDDEN] = share
    return gru_cell


def test_08_2(capsys):
    assert "the second third" in passes(capsys, "08.2", gru_with_update_bias)
    fails("08.2", lambda b: gru_with_update_bias(b, third=0), match="the reset gate r")
    fails("08.2", lambda b: gru_with_update_bias(b, third=2), match="the candidate n")
    one_vector = lambda b: gru_with_update_bias(b, vectors=("ih",))  # noqa: E731
    fails("08.2", one_vector, match="you set only one of the two bias vectors")
    fails("08.2", lambda b: gru_with_update_bias(b, share=b), match="set each to bias / 2")
    fails("08.2", lambda b: gru_with_update_bias(5.0), match="it works for 5.0 only")
    fails("08.2", lambda b: gru_with_update_bias(1.0), match="set bias_ih_l0[H : 2 * H] and")
    fails("08.2", lambda b: make_cell("LSTM"), match="got a LSTM")
    fails("08.2", lambda b: nn.GRU(16, 32, bias=False), match="the GRU has no biases")
    fails("08.2", lambda: make_cell("GRU"), match="running your `gru_with_update_bias(5.0)`")


def test_08_5(capsys):
    assert "a plateau, not a wall" in passes(capsys, "08.5", (1.0, 900, True), "budget")
    assert "one run decides little" in passes(capsys, "08.5", (1.0, 200, True), "budget")
    assert "within this budget, a wall" in passes(capsys, "08.5", (0.04, 1500, False), "wall")
    fails("08.5", (1.0, 900, True), "wall", match='so the answer is "budget"')
    fails("08.5", (0.04, 1500, False), "budget", match='say "wall" for this budget')
    fails("08.5", (0.04, 300, False), "wall", match="pass max_steps=1_500")
    fails("08.5", (1.0, 900, True), ..., match="`verdict` is still `...`")
    fails("08.5", (1.0, 900, True), "plateau", match='should be "wall" or "budget"')
    fails("08.5", 0.99, "budget", match="should be what train_recall returns")
    fails("08.5", ("99%", 900, True), "budget", match="accuracy as a float")


# --- 09 ----------------------------------------------------------------------------------------


class UnconditionedLM(NameLM):
    def start(self, language):
        return torch.zeros(1, len(language), self.gru.hidden_size, device=language.device)


def test_09_1(capsys):
    assert "every name starts from zeros" in passes(capsys, "09.1", UnconditionedLM)

    class FixedLanguage(NameLM):
        def start(self, language):
            return super().start(torch.zeros_like(language))

    assert "the same state" in passes(capsys, "09.1", FixedLanguage)
    fails("09.1", NameLM, match="gives different states to different languages")

    class Flat(NameLM):
        def start(self, language):
            return torch.zeros(len(language), self.gru.hidden_size)

    fails("09.1", Flat, match="got (3, 256): add the layer dimension in front")

    class Elsewhere(NameLM):
        def start(self, language):
            return torch.zeros(1, len(language), 256, device="meta")

    fails("09.1", Elsewhere, match="start returned a state on meta, but language is on cpu")

    class Fixed3(NameLM):
        def start(self, language):
            return torch.zeros(1, 3, self.gru.hidden_size)

    fails("09.1", Fixed3, match="`start(language)` should have shape (1, 1, 256), got (1, 3, 256)")

    class NoGRU(nn.Module):
        pass

    fails("09.1", NoGRU, match="should keep NameLM's `gru` and `start`")


def test_09_2(capsys):
    out = passes(capsys, "09.2", lambda language, beam=5: ("Ivanov", -7.5))
    assert "('Ivanov', -7.50)" in out and "the single most probable sequence" in out
    passes(capsys, "09.2", lambda language, beam=5: ["Li", torch.tensor(-3.0)])
    fails("09.2", lambda language, beam=5: ("Ivanov", 7.5), match="a log-probability is <= 0")
    fails("09.2", lambda language, beam=5: "Ivanov", match="returned a str: it should return")
    fails("09.2", lambda language, beam=5: ("Iv4nov", -1.0), match="not in NAME_ALPHABET (['4'])")
    fails("09.2", lambda language, beam=5: ("", -1.0), match="should be a non-empty str, got ''")
    fails("09.2", lambda language, beam=5: ("Ivanov", -250.0), match="far too low")
    fails("09.2", lambda language, beam=5: ("Ivanov", "-1"), match="`log_prob` should be")
    fails("09.2", lambda: 0, match="running your `most_probable('Russian')` raised TypeError")


class LSTMNameLM(NameLM):
    def __init__(self, embed_dim=32, hidden=256, dropout=0.1):
        super().__init__(embed_dim, hidden, dropout)
        self.gru = nn.LSTM(embed_dim, hidden, batch_first=True)

    def start(self, language):
        h = torch.tanh(self.language(language)).unsqueeze(0)
        return h, torch.zeros_like(h)


def test_09_3(capsys):
    assert "scores [2, 5, 60]" in passes(capsys, "09.3", LSTMNameLM)

    class OneTensor(LSTMNameLM):
        def start(self, language):
            return NameLM.start(self, language)

    fails("09.3", OneTensor, match="start returned one tensor: an LSTM's state is a pair")
    fails("09.3", NameLM, match="LSTMNameLM() has no nn.LSTM among its modules")

    class Flat(LSTMNameLM):
        def start(self, language):
            h, c = super().start(language)
            return h[0], c[0]

    fails("09.3", Flat, match="`h (from start)` should have shape (1, 2, 256), got (2, 256)")

    class BadForward(LSTMNameLM):
        def forward(self, inputs, language, h=None):
            return self.gru(self.embed(inputs), self.start(language)[0])

    fails("09.3", BadForward, match="an LSTM's state is a pair")

    class ForwardStub(LSTMNameLM):
        def forward(self, inputs, language, h=None): ...

    fails("09.3", ForwardStub, match="`LSTMNameLM.forward` returned None: it should return")


# --- 10 ----------------------------------------------------------------------------------------

RIGHT_DATES = {
    "23 Nov 2026": "2026-11-23",
    "from 1 jan 2027 to 31 jan 2027": "2027-01-01/2027-01-31",
}


def test_10_1(capsys):
    assert "more probable" in passes(capsys, "10.1", lambda text, width=3: RIGHT_DATES[text])
    fails("10.1", lambda text, width=3: RIGHT_DATES[text][:-1], match="returned '2026-11-2', ex")
    fails("10.1", lambda text, width=3: [2, 0, 2, 6], match="returned a list: it should return")
    fails("10.1", lambda text, width=3: {}[text], match="`beam_convert('23 Nov 2026')` raised Ke")


class DotAttention(Attention):
    def forward(self, h, keys, states, mask):
        scores = torch.bmm(keys, self.query(h).unsqueeze(2)).squeeze(2) / keys.size(2) ** 0.5
        weights = scores.masked_fill(~mask, float("-inf")).softmax(dim=1)
        return torch.bmm(weights.unsqueeze(1), states).squeeze(1), weights


def test_10_2(capsys):
    assert "q . k_s / sqrt(d)" in passes(capsys, "10.2", DotAttention)
    fails("10.2", Attention, match="still the additive scores v(tanh(keys + query(h)))")

    class Unscaled(Attention):
        def forward(self, h, keys, states, mask):
            scores = torch.bmm(keys, self.query(h).unsqueeze(2)).squeeze(2)
            weights = scores.masked_fill(~mask, float("-inf")).softmax(dim=1)
            return torch.bmm(weights.unsqueeze(1), states).squeeze(1), weights

    fails("10.2", Unscaled, match="divide the scores by sqrt(d) = sqrt(32)")

    class ByD(Attention):
        def forward(self, h, keys, states, mask):
            scores = torch.bmm(keys, self.query(h).unsqueeze(2)).squeeze(2) / keys.size(2)
            weights = scores.masked_fill(~mask, float("-inf")).softmax(dim=1)
            return torch.bmm(weights.unsqueeze(1), states).squeeze(1), weights

    fails("10.2", ByD, match="divide by sqrt(d), not d = 32")

    class MaskAfter(DotAttention):
        def forward(self, h, keys, states, mask):
            scores = torch.bmm(keys, self.query(h).unsqueeze(2)).squeeze(2) / 32**0.5
            weights = scores.softmax(dim=1) * mask
            return torch.bmm(weights.unsqueeze(1), states).squeeze(1), weights

    fails("10.2", MaskAfter, match="should sum to 1 over each row")

    class Unmasked(DotAttention):
        def forward(self, h, keys, states, mask):
            return super().forward(h, keys, states, torch.ones_like(mask))

    fails("10.2", Unmasked, match="should be exactly 0 on padding")

    class AllMasked(DotAttention):
        def forward(self, h, keys, states, mask):
            return super().forward(h, keys, states, torch.zeros_like(mask))

    fails("10.2", AllMasked, match="`weights` contain nan")

    class Plain(DotAttention):
        def forward(self, h, keys, states, mask):
            weights = torch.where(mask, 1.0, 0.0)
            weights = weights / weights.sum(dim=1, keepdim=True)
            return torch.bmm(weights.unsqueeze(1), states).squeeze(1), weights

    fails("10.2", Plain, match="score_s = keys[:, s] . self.query(h)")

    class KeysAsContext(DotAttention):
        def forward(self, h, keys, states, mask):
            _, weights = super().forward(h, keys, states, mask)
            return torch.bmm(weights.unsqueeze(1), states).squeeze(1) + 1, weights

    fails("10.2", KeysAsContext, match="weighted sum of states")
    fails("10.2", nn.Module, match="should keep Attention's `query` and `key` layers")


class LSTMEncoder(Encoder):
    def __init__(self, embed_dim=32):
        super().__init__(embed_dim)
        self.gru = nn.LSTM(embed_dim, H, batch_first=True, bidirectional=True)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(
            self.embed(x), lengths, batch_first=True, enforce_sorted=False
        )
        output, (h_n, _) = self.gru(packed)
        output, _ = pad_packed_sequence(output, batch_first=True, total_length=x.size(1))
        return output, torch.cat([h_n[0], h_n[1]], dim=1)


def test_10_3(capsys):
    assert "summary [3, 64]" in passes(capsys, "10.3", LSTMEncoder)

    class ForwardUnchanged(Encoder):
        def __init__(self):
            super().__init__()
            self.gru = nn.LSTM(32, H, batch_first=True, bidirectional=True)

    fails("10.3", ForwardUnchanged, match="h_n[0] and h_n[1] of the pair (h_n, c_n) are h_n")
    fails("10.3", Encoder, match="LSTMEncoder() has no nn.LSTM among its modules")

    class OneWay(LSTMEncoder):
        def __init__(self):
            super().__init__()
            self.gru = nn.LSTM(32, H, batch_first=True)

    fails("10.3", OneWay, match="the encoder's LSTM should be bidirectional")

    class Unpacked(LSTMEncoder):
        def forward(self, x, lengths):
            output, (h_n, _) = self.gru(self.embed(x))
            return output, torch.cat([h_n[0], h_n[1]], dim=1)

    fails("10.3", Unpacked, match="`output` should be 0 at padded positions")

    class Unpacks3(LSTMEncoder):
        def forward(self, x, lengths):
            output, h_n, _ = self.gru(self.embed(x))
            return output, h_n

    fails("10.3", Unpacks3, match="an LSTM returns output, (h_n, c_n)")
