"""The answer checks of notebook 06, a GRU on packed names.

Each check fails on its stub with a message that says what to write, passes on a
reference answer, and rejects the plausible wrong answers with a hint at the mistake.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from checks_common import (
    fails,
    passes,
    stub,
    stub_tests,
)
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from course_utils.checks._core import _careful_split
from course_utils.encoding import NAME_VOCAB_SIZE, PAD

# --- a copy of the notebook's class(es) -------------------------------------------------------


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


class StubNameLSTM(NameGRU):
    def __init__(self, embed_dim=32, hidden=256, layers=2, dropout=0.2, classes=18): ...

    def forward(self, padded, lengths): ...


STUBS = {
    "06.1": ((StubNameLSTM,), "`NameLSTM()` is not set up as a module: its `__init__` must"),
    "06.2": ((stub, ...), "`bi_gru` is still `...`"),
    "06.3": ((..., {}), "`report` should hold a row per language"),
    "06.4": ((..., ..., ...), "`oracle_accuracy` is still `...`"),
}
test_every_exercise_has_a_stub_test, test_the_stub_fails_and_says_what_to_write = stub_tests(
    "06", STUBS
)


@pytest.mark.parametrize(("exercise", "answer"), [("06.1", None)])
def test_a_placeholder_instead_of_a_function_class_or_model(exercise, answer):
    fails(exercise, answer, match=f"is {'still `...`' if answer is ... else 'None'}")


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
    out = passes(capsys, "06.1", NameLSTM)
    assert "`_, (h_n, _) = self.gru(packed)`" in out and "padding changes nothing" in out
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

    fails("06.1", FromMemory, match="it classifies from c_n, the cell's memory")

    class ThreeValues(NameLSTM):
        def forward(self, padded, lengths):
            _, h_n, _ = self.gru(self.embed(padded))
            return self.head(h_n[-1])

    message = fails("06.1", ThreeValues, match="raised ValueError: not enough values to unpack")
    assert "an LSTM returns its state as a pair (h_n, c_n)" in message

    class Unpacked(NameLSTM):  # the post's output[-1], on a padded batch
        def forward(self, padded, lengths):
            output, _ = self.gru(self.embed(padded))
            return self.head(output[:, -1])

    fails("06.1", Unpacked, match="a name gets different scores alone and in a padded batch")

    class Bottom(NameLSTM):
        def forward(self, padded, lengths):
            packed = pack_padded_sequence(
                self.embed(padded), lengths, batch_first=True, enforce_sorted=False
            )
            _, (h_n, _) = self.gru(packed)
            return self.head(h_n[0])

    fails("06.1", Bottom, match="it classifies from h_n[0], the bottom layer")

    class Doubled(NameLSTM):
        def forward(self, padded, lengths):
            return 2 * super().forward(padded, lengths)

    fails("06.1", Doubled, match="scores are not head(h_n[-1]) of its LSTM run on each name")

    class ForwardStub(NameLSTM):
        def forward(self, padded, lengths): ...

    fails("06.1", ForwardStub, match="`NameLSTM.forward` returned None: it should return")

    class OwnNames(nn.Module):  # layers named as the learner likes: found by their type
        state, layer = "h", -1

        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(NAME_VOCAB_SIZE, 16, padding_idx=PAD)
            self.lstm = nn.LSTM(16, 32, 2, batch_first=True)
            self.fc = nn.Linear(32, 18)

        def forward(self, padded, lengths):
            packed = pack_padded_sequence(
                self.embedding(padded), lengths, batch_first=True, enforce_sorted=False
            )
            _, (h_n, c_n) = self.lstm(packed)
            return self.fc((h_n if self.state == "h" else c_n)[self.layer])

    out = passes(capsys, "06.1", OwnNames)
    assert "equal to head(h_n[-1]) of its LSTM run on each name alone" in out

    class Memory(OwnNames):
        state = "c"

    fails("06.1", Memory, match="it classifies from c_n, the cell's memory")

    class BottomOwn(OwnNames):
        layer = 0

    fails("06.1", BottomOwn, match="it classifies from h_n[0], the bottom layer")

    class BottomMemory(OwnNames):
        state, layer = "c", 0

    fails("06.1", BottomMemory, match="it classifies from c_n[0], the bottom layer's cell")

    class Probabilities(NameLSTM):
        def forward(self, padded, lengths):
            return super().forward(padded, lengths).softmax(dim=1)

    fails("06.1", Probabilities, match="NameLSTM returns probabilities (a softmax of head")


def top_layer(h_n):
    return torch.cat([h_n[-2], h_n[-1]], dim=1)


def test_06_2(capsys):
    bi_gru = nn.GRU(32, 256, num_layers=2, batch_first=True, bidirectional=True)
    out = passes(capsys, "06.2", top_layer, bi_gru)
    assert "returns h_n[-2], the forward state" in out and "needs 2 * 256 = 512 inputs" in out
    seq_first = nn.GRU(8, 16, num_layers=2, bidirectional=True)
    passes(capsys, "06.2", top_layer, seq_first)
    out = passes(capsys, "06.2", lambda h_n: torch.cat([h_n[-1], h_n[-2]], dim=1), seq_first)
    assert "backward first" in out
    bottom = lambda h_n: torch.cat([h_n[0], h_n[1]], dim=1)  # noqa: E731
    fails("06.2", bottom, bi_gru, match="you took h_n[0] (bottom layer, forward) and h_n[1]")
    twice = lambda h_n: torch.cat([h_n[-2], h_n[-2]], dim=1)  # noqa: E731
    fails("06.2", twice, bi_gru, match="the same direction twice")
    fails("06.2", lambda h_n: h_n[-1], bi_gru, match="got (4, 256): one direction only")
    every_row = lambda h_n: h_n.transpose(0, 1).flatten(1)  # noqa: E731
    fails("06.2", every_row, bi_gru, match="all four rows")
    fails("06.2", lambda h_n: h_n[-2:], bi_gru, match="along dim=1, the features, not stack")
    fails("06.2", lambda h_n: 2 * top_layer(h_n), bi_gru, match="take rows of h_n")
    one_way = nn.GRU(32, 256, num_layers=2, batch_first=True)
    fails("06.2", top_layer, one_way, match="reads one way only: build it with bidirectional")
    one_layer = nn.GRU(32, 256, batch_first=True, bidirectional=True)
    fails("06.2", top_layer, one_layer, match="has 1 layer(s); the notebook's GRU has 2")
    fails("06.2", top_layer, nn.LSTM(32, 8, 2, bidirectional=True), match="should be an nn.GRU")
    fails("06.2", stub, bi_gru, match="`top_layer(h_n)` returned None")
    fails("06.2", ..., bi_gru, match="`top_layer` is still `...`")


def report_of(recalls: dict[str, float], precisions: dict[str, float], part: str = "test"):
    """A classification_report(..., output_dict=True) of the given per-language figures."""
    _, labels, languages, _, validation, test = _careful_split()
    counts = np.bincount(labels[test if part == "test" else validation], minlength=18)
    report: dict[str, object] = {
        name: {
            "precision": precisions[name],
            "recall": recall,
            "f1-score": 2 * precisions[name] * recall / (precisions[name] + recall),
            "support": int(counts[languages.index(name)]),
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
    assert "the lowest recalls are Irish (20% of 23 names), Czech (30% of 50 names)" in out
    assert "in the report you passed, which counts the 1,799 test names" in out
    assert "not which model's predictions it was made from" in out
    assert "the median language has 30 test names" in out
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
    validation = report_of(RECALLS, PRECISIONS, part="validation")
    fails("06.3", worst, validation, match="those are the validation names")
    numbered = {str(k): report[name] for k, name in enumerate(RECALLS)} | {"accuracy": 0.7}
    fails("06.3", ["1", "2", "3"], numbered, match="named by label numbers ('0', '1', ...)")


def test_06_4(capsys):
    rng = np.random.default_rng(6)
    gru_right, ngram_right = rng.random(1799) < 0.83, rng.random(1799) < 0.83
    oracle = (gru_right | ngram_right).mean()
    out = passes(capsys, "06.4", oracle, gru_right, ngram_right)
    assert (
        "looks at the true label" in out
        and f"on the {(gru_right ^ ngram_right).sum()} names" in out
    )
    passes(capsys, "06.4", float(oracle), torch.tensor(gru_right), ngram_right.astype(int))
    passes(capsys, "06.4", np.float32(oracle), gru_right, ngram_right)  # float32 rounding
    passes(capsys, "06.4", round(oracle, 3), gru_right, ngram_right)  # read off a printed 83.x%
    assert "of the two arrays you passed" in out
    both = (gru_right & ngram_right).mean()
    fails("06.4", both, gru_right, ngram_right, match="the oracle is right when either is (|)")
    better = max(gru_right.mean(), ngram_right.mean())
    fails("06.4", better, gru_right, ngram_right, match="the better model's accuracy")
    count = (gru_right | ngram_right).sum()
    fails("06.4", count, gru_right, ngram_right, match="that is a count: take the mean")
    fails("06.4", 100 * oracle, gru_right, ngram_right, match="not a percentage")
    fails("06.4", 0.1, gru_right, ngram_right, match="(gru_right | ngram_right).mean()")
    fails("06.4", gru_right.mean(), gru_right, gru_right, match="are the same array")
    fails("06.4", oracle, gru_right[:1798], ngram_right[:1798], match="the test part has 1,799")
    fails("06.4", oracle, gru_right, ngram_right[:5], match="got 1799 and 5")
    fails("06.4", oracle, gru_right * 2, ngram_right, match="values other than 0 and 1")
    fails("06.4", oracle, np.zeros((2, 2)), ngram_right, match="got shape (2, 2)")
