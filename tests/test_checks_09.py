"""The answer checks of notebook 09, generating names.

Each check fails on its stub with a message that says what to write, passes on a
reference answer, and rejects the plausible wrong answers with a hint at the mistake.
"""

from __future__ import annotations

import math

import pytest
import torch
from checks_common import (
    fails,
    passes,
    stub,
    stub_tests,
)
from torch import nn

from course_utils.checks.nb09 import LANGUAGES, _GreedyTrap, _LengthTrap
from course_utils.encoding import NAME_ALPHABET, NAME_VOCAB_SIZE, PAD
from course_utils.names import _expected_files

# --- a copy of the notebook's class(es) -------------------------------------------------------


INPUTS, CLASSES, LANGUAGE_COUNT = NAME_VOCAB_SIZE + 1, NAME_VOCAB_SIZE, 18  # notebook 09
BEGIN, END = NAME_VOCAB_SIZE, len(NAME_ALPHABET)


class NameLM(nn.Module):
    def __init__(self, embed_dim=32, hidden=256, dropout=0.1):
        super().__init__()
        self.embed = nn.Embedding(INPUTS, embed_dim, padding_idx=PAD)
        self.language = nn.Embedding(LANGUAGE_COUNT, hidden)
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


def small_model():
    torch.manual_seed(0)
    return NameLM(hidden=32).eval()


STUBS = {
    "09.1": (
        (StubUnconditionedLM, ..., ...),
        "`UnconditionedLM.start` returned None: it should return",
    ),
    "09.2": ((stub, small_model()), "`most_probable(model, 'Russian')` returned None"),
    "09.3": ((StubLSTMNameLM,), "`LSTMNameLM()` is not set up as a module"),
}
test_every_exercise_has_a_stub_test, test_the_stub_fails_and_says_what_to_write = stub_tests(
    "09", STUBS
)


def test_the_languages_are_the_data_files_sorted():
    files = sorted(name[: -len(".txt")] for name in _expected_files())
    assert list(LANGUAGES) == files


# --- 09.1 -------------------------------------------------------------------------------------


class UnconditionedLM(NameLM):
    def start(self, language):
        return torch.zeros(1, len(language), self.gru.hidden_size, device=language.device)


MEASURED = (2.315, 2.186)  # validation nats per symbol after one epoch, without and with


def test_09_1(capsys):
    out = passes(capsys, "09.1", UnconditionedLM, *MEASURED)
    assert "every name starts from zeros" in out
    assert "2.315 nats per symbol without the language, 2.186 with it, 0.129 apart" in out
    assert "the check did not rerun the training" in out

    class FixedLanguage(NameLM):
        def start(self, language):
            return super().start(torch.zeros_like(language))

    assert "the same state" in passes(capsys, "09.1", FixedLanguage, *MEASURED)
    fails("09.1", NameLM, *MEASURED, match="gives different states to different languages")

    class Flat(NameLM):
        def start(self, language):
            return torch.zeros(len(language), self.gru.hidden_size)

    fails("09.1", Flat, *MEASURED, match="got (3, 256): add the layer dimension in front")

    class EmbeddingSize(NameLM):
        def start(self, language):
            return torch.zeros(1, len(language), self.embed.embedding_dim)

    fails("09.1", EmbeddingSize, *MEASURED, match="that is the embedding's size")

    class Elsewhere(NameLM):
        def start(self, language):
            return torch.zeros(1, len(language), 256, device="meta")

    fails("09.1", Elsewhere, *MEASURED, match="start returned a state on meta, but language is on")

    class Fixed3(NameLM):
        def start(self, language):
            return torch.zeros(1, 3, self.gru.hidden_size)

    fails(
        "09.1",
        Fixed3,
        *MEASURED,
        match="`start(language)` should have shape (1, 1, 256), got (1, 3, 256)",
    )

    class LanguageInTheInput(UnconditionedLM):  # start ignores it, forward does not
        def forward(self, inputs, language, h=None):
            scores, h = super().forward(inputs, language, h)
            return scores + self.language(language)[:, None, :CLASSES], h

    fails("09.1", LanguageInTheInput, *MEASURED, match="the model's scores still depend on it")

    class NoGRU(nn.Module):
        pass

    fails("09.1", NoGRU, *MEASURED, match="should keep NameLM's `gru` and `start`")


def test_09_1_measurements():
    fails("09.1", UnconditionedLM, 2.186, 2.315, match="are they swapped?")
    fails("09.1", UnconditionedLM, 2.25, 2.25, match="were both models trained the same way")
    fails("09.1", UnconditionedLM, 2.30, 2.29, match="were both models trained the same way")
    # The 10-epoch model's figure for the model with the language.
    fails("09.1", UnconditionedLM, 2.315, 1.858, match="is it the 10-epoch model's figure")
    # Both in bits, or one in bits and one in nats.
    bits = tuple(round(x / math.log(2), 3) for x in MEASURED)
    fails("09.1", UnconditionedLM, *bits, match="is it in bits?")
    fails("09.1", UnconditionedLM, bits[0], MEASURED[1], match="is it in bits?")
    fails("09.1", UnconditionedLM, MEASURED[0], bits[1], match="is it in bits?")
    # Untrained models: about ln 60.
    fails("09.1", UnconditionedLM, 4.000, 3.999, match="is the model trained at all?")
    # Trained differently (one on more epochs than the other): the gap is out of range.
    fails("09.1", UnconditionedLM, 2.50, 2.06, match="gives a gap between 0.05 and 0.25")
    fails("09.1", UnconditionedLM, 10.1, 8.9, match="nats, not perplexity")
    fails("09.1", UnconditionedLM, 35_000.0, 33_000.0, match="that is a total")
    fails("09.1", UnconditionedLM, ..., 2.186, match="`without` is still `...`")
    fails("09.1", UnconditionedLM, 2.315, "2.186", match="`with_language` should be")
    # Every seed measured (0-7) passes.
    for without, with_language in [(2.3054, 2.1809), (2.4137, 2.2643), (2.3223, 2.2118)]:
        passes_quietly("09.1", UnconditionedLM, without, with_language)


def passes_quietly(exercise, *answers):
    from course_utils.checks import check

    assert check(exercise, *answers) is None


# --- 09.2 -------------------------------------------------------------------------------------


def beam_search(
    model,
    language,
    beam=5,
    max_len=20,
    *,
    decode=0,
    feed=1,
    end_term=True,
    log_softmax=True,
    per_symbol=False,
    min_letters=0,
):
    """The notebook's solution, with switches for the usual mistakes."""
    lang = torch.tensor([LANGUAGES.index(language)])
    finished, beams = [], [("", 0.0, model.start(lang))]

    def score(name_and_logp):  # the mistake: rank finished names per symbol
        name, logp = name_and_logp
        return logp / (len(name) + 1) if per_symbol else logp

    model.eval()
    with torch.no_grad():
        for _ in range(max_len + 1):
            candidates = []
            for text, logp, h in beams:
                last = BEGIN if not text else NAME_ALPHABET.index(text[-1]) + feed
                scores, h_next = model(torch.tensor([[last]]), lang, h)
                log_probs = scores[0, -1].log_softmax(dim=0) if log_softmax else scores[0, -1]
                log_probs = log_probs.tolist()
                if len(text) >= min_letters:
                    finished.append((text, logp + end_term * log_probs[END]))
                for symbol in range(END):
                    letter = NAME_ALPHABET[symbol - decode]
                    candidates.append((text + letter, logp + log_probs[symbol], h_next))
            beams = sorted(candidates, key=lambda c: c[1], reverse=True)[:beam]
            best = max(finished, key=score, default=("", -math.inf))
            if not per_symbol and best[1] >= beams[0][1]:
                break
    return best


def most_probable(model, language, beam=5, max_len=20):
    return beam_search(model, language, beam, max_len)


def greedy(model, language, beam=5, max_len=20):
    return beam_search(model, language, beam=1)


def test_09_2(capsys):
    out = passes(capsys, "09.2", most_probable, small_model())
    assert "(recomputed, END included)" in out and "On your model, an exhaustive search" in out
    assert "one that greedy decoding misses" in out and "often a training name" not in out
    assert "a short one that a search ranking names per symbol misses" in out
    constant = ("Ivanov", -7.5)  # what the old test passed
    fails("09.2", lambda model, language, beam=5: constant, small_model(), match="never ran")

    def runs_then_constant(model, language, beam=5):
        most_probable(model, language, beam)
        return constant

    fails(
        "09.2",
        runs_then_constant,
        small_model(),
        match="returned ('Ivanov', -7.500), but the model gives 'Ivanov' a log-probability of",
    )
    fails("09.2", greedy, small_model(), match="the greedy answer, but 'Li' is more probable")

    def per_symbol(model, language, beam=5, max_len=20):  # length-normalised ranking
        return beam_search(model, language, beam, per_symbol=True)

    fails(
        "09.2",
        per_symbol,
        small_model(),
        match="returned 'Bcde' (-1.94), but 'A' is more probable (-1.49) ('Bcde' has the "
        "higher log-probability per symbol",
    )

    def two_letters_at_least(model, language, beam=5, max_len=20):  # drops short names
        return beam_search(model, language, beam, min_letters=2)

    fails(
        "09.2",
        two_letters_at_least,
        small_model(),
        match="but 'A' is more probable (-1.49) ('Bcde' has the higher log-probability per "
        "symbol: rank the finished names by their total log-probability, not divided by their "
        "length); the most probable name is the one with the highest total log-probability, "
        "whatever its length (keep names of one letter too)",
    )

    def off_by_one(model, language, beam=5):  # the old hint: NAME_ALPHABET[k - 1]
        name, logp = most_probable(model, language, beam)
        return "".join(NAME_ALPHABET[NAME_ALPHABET.index(c) - 1] for c in name), logp

    fails("09.2", off_by_one, small_model(), match="its most probable name 'Li' off by one")

    def decoded_off_by_one(model, language, beam=5):
        return beam_search(model, language, beam, decode=1)

    fails("09.2", decoded_off_by_one, small_model(), match="decode a predicted symbol k as")

    def fed_off_by_one(model, language, beam=5):
        return beam_search(model, language, beam, feed=0)

    fails("09.2", fed_off_by_one, small_model(), match="feed it back as input k + 1")

    def no_end(model, language, beam=5):
        return beam_search(model, language, beam, end_term=False)

    fails("09.2", no_end, small_model(), match="add the log-probability of END too")

    def raw_scores(model, language, beam=5):
        return beam_search(model, language, beam, log_softmax=False)

    fails("09.2", raw_scores, small_model(), match="add log_softmax values, not raw scores")

    def fixed_beam(model, language, beam=5):
        return beam_search(model, language, 5)

    fails("09.2", fixed_beam, small_model(), match="with beam=1 returned 'Li'")

    notebook_model = small_model()

    def global_model(model, language, beam=5):  # ignores its argument
        return beam_search(notebook_model, language, beam)

    fails("09.2", global_model, small_model(), match="never ran the small model the check gave")


def test_09_2_shapes_and_types():
    model = small_model()
    fails("09.2", lambda m, language, beam=5: ("Ivanov", 7.5), model, match="<= 0")
    fails("09.2", lambda m, language, beam=5: "Ivanov", model, match="returned a str")
    fails("09.2", lambda m, language, beam=5: ("Iv4nov", -1.0), model, match="(['4'])")
    fails("09.2", lambda m, language, beam=5: ("", -1.0), model, match="never ran the small")
    fails(
        "09.2", lambda m, language, beam=5: (None, -1.0), model, match="should be a str, got None"
    )
    fails("09.2", lambda m, language, beam=5: ("Li", "-1"), model, match="`log_prob` should be")
    fails("09.2", lambda language: 0, model, match="most_probable(model, language, beam=5, max")
    fails("09.2", most_probable, NameLM, match="`model` is a class: pass the model itself")


def test_the_traps_are_what_they_say():
    trap = _GreedyTrap()
    assert greedy(trap, "Russian")[0] == "Ng" and most_probable(trap, "Russian")[0] == "Li"
    short = _LengthTrap()
    assert greedy(short, "Russian")[0] == "A" and most_probable(short, "Russian")[0] == "A"
    assert beam_search(short, "Russian", per_symbol=True)[0] == "Bcde"
    assert most_probable(short, "Russian")[1] == pytest.approx(math.log(0.45 * 0.5), abs=1e-6)
    assert beam_search(short, "Russian", per_symbol=True)[1] == pytest.approx(
        math.log(0.35 * 0.8**4), abs=1e-6
    )


@pytest.mark.parametrize("beam", [1, 3])
def test_exhaustive_search_finds_what_a_beam_finds_or_better(beam):
    from course_utils.checks.nb09 import _most_probable_name

    model = small_model()
    _, logp = beam_search(model, "Russian", beam)
    found = _most_probable_name(model, LANGUAGES.index("Russian"), bound=logp - 1.0)
    assert found and found[1] >= logp - 1e-4


# --- 09.3 -------------------------------------------------------------------------------------


class LSTMNameLM(NameLM):
    def __init__(self, embed_dim=32, hidden=256, dropout=0.1):
        super().__init__(embed_dim, hidden, dropout)
        self.gru = nn.LSTM(embed_dim, hidden, batch_first=True)

    def start(self, language):
        h = torch.tanh(self.language(language)).unsqueeze(0)
        return h, torch.zeros_like(h)


def test_09_3(capsys):
    out = passes(capsys, "09.3", LSTMNameLM)
    assert "the language in h;" in out and "continues from a state it is given" in out

    class InMemory(LSTMNameLM):  # the language as c: the model still depends on it
        def start(self, language):
            h, c = super().start(language)
            return c, h

    assert "the language in c;" in passes(capsys, "09.3", InMemory)

    class ZeroStart(LSTMNameLM):
        def start(self, language):
            h, _ = super().start(language)
            return torch.zeros_like(h), torch.zeros_like(h)

    fails("09.3", ZeroStart, match="start gives every language the same (h, c)")

    class OneTensor(LSTMNameLM):
        def start(self, language):
            return NameLM.start(self, language)

    fails("09.3", OneTensor, match="start returned one tensor: an LSTM's state is a pair")
    fails("09.3", NameLM, match="LSTMNameLM() has no nn.LSTM among its modules")

    class Bidirectional(LSTMNameLM):
        def __init__(self, embed_dim=32, hidden=256, dropout=0.1):
            super().__init__(embed_dim, hidden, dropout)
            self.gru = nn.LSTM(embed_dim, hidden // 2, batch_first=True, bidirectional=True)

    fails("09.3", Bidirectional, match="a language model reads left to right only")

    class Flat(LSTMNameLM):
        def start(self, language):
            h, c = super().start(language)
            return h[0], c[0]

    fails("09.3", Flat, match="`h (from start)` should have shape (1, 3, 256), got (3, 256)")

    class BadForward(LSTMNameLM):
        def forward(self, inputs, language, h=None):
            return self.gru(self.embed(inputs), self.start(language)[0])

    fails("09.3", BadForward, match="an LSTM's state is a pair")

    class ForwardStub(LSTMNameLM):
        def forward(self, inputs, language, h=None): ...

    fails("09.3", ForwardStub, match="`LSTMNameLM.forward` returned None: it should return")

    class AlwaysFromStart(LSTMNameLM):  # drops the state it is given
        def forward(self, inputs, language, h=None):
            return super().forward(inputs, language, None)

    fails("09.3", AlwaysFromStart, match="it should continue from it")

    class NoState(LSTMNameLM):  # never passes the state to the LSTM
        def forward(self, inputs, language, h=None):
            output, h = self.gru(self.dropout(self.embed(inputs)))
            return self.head(self.dropout(output)), h

    fails("09.3", NoState, match="forward should pass the state start(language)")

    class Reversed(LSTMNameLM):  # reads the name backwards
        def forward(self, inputs, language, h=None):
            scores, h = super().forward(inputs.flip(1), language, h)
            return scores.flip(1), h

    fails("09.3", Reversed, match="does not give the scores of the LSTM run from start(language)")
