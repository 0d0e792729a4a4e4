"""The answer checks of notebook 10, sequence to sequence with attention.

Each check fails on its stub with a message that says what to write, passes on a
reference answer, and rejects the plausible wrong answers with a hint at the mistake.
"""

from __future__ import annotations

import pytest
import torch
from checks_common import (
    fails,
    passes,
    stub,
    stub_tests,
)
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from course_utils.dates import DATE_INPUT_ALPHABET

# --- a copy of the notebook's class(es) -------------------------------------------------------


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


class StubDotAttention(Attention):
    def forward(self, h, keys, states, mask): ...


class StubLSTMEncoder(Encoder):
    def __init__(self, embed_dim=32): ...

    def forward(self, x, lengths): ...


STUBS = {
    "10.1": ((stub,), "`beam_convert('23 Nov 2026')` returned None: it should return the ISO"),
    "10.2": ((StubDotAttention,), "`DotAttention.forward` returned None: it should return"),
    "10.3": ((StubLSTMEncoder,), "`LSTMEncoder()` is not set up as a module"),
}
test_every_exercise_has_a_stub_test, test_the_stub_fails_and_says_what_to_write = stub_tests(
    "10", STUBS
)


@pytest.mark.parametrize(("exercise", "answer"), [("10.1", ...)])
def test_a_placeholder_instead_of_a_function_class_or_model(exercise, answer):
    fails(exercise, answer, match=f"is {'still `...`' if answer is ... else 'None'}")


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
