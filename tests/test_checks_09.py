"""The answer checks of notebook 09, generating names.

Each check fails on its stub with a message that says what to write, passes on a
reference answer, and rejects the plausible wrong answers with a hint at the mistake.
"""

from __future__ import annotations

import torch
from checks_common import (
    fails,
    passes,
    stub,
    stub_tests,
)
from torch import nn

from course_utils.encoding import NAME_VOCAB_SIZE, PAD

# --- a copy of the notebook's class(es) -------------------------------------------------------


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


class StubUnconditionedLM(NameLM):
    def start(self, language): ...


class StubLSTMNameLM(NameLM):
    def __init__(self, embed_dim=32, hidden=256, dropout=0.1): ...

    def start(self, language): ...


STUBS = {
    "09.1": ((StubUnconditionedLM,), "`UnconditionedLM.start` returned None: it should return"),
    "09.2": ((stub,), "`most_probable('Russian')` returned None: it should return (name, log_p"),
    "09.3": ((StubLSTMNameLM,), "`LSTMNameLM()` is not set up as a module"),
}
test_every_exercise_has_a_stub_test, test_the_stub_fails_and_says_what_to_write = stub_tests(
    "09", STUBS
)


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
