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

from course_utils.dates import DATE_INPUT_ALPHABET, DATE_OUTPUT_ALPHABET
from course_utils.encoding import encode, pad_batch

# --- a copy of the notebook's class(es) -------------------------------------------------------


N_SOURCE, H = len(DATE_INPUT_ALPHABET) + 1, 32  # notebook 10
OUT = DATE_OUTPUT_ALPHABET
END, BEGIN = len(OUT), len(OUT) + 1
device = torch.device("cpu")


def encode_inputs(texts):
    return pad_batch([encode(text, DATE_INPUT_ALPHABET, start=1) for text in texts])


def decode_output(row):
    row = row.tolist()
    return (
        "".join(OUT[k] for k in row[: row.index(END)] if k < END)
        if END in row
        else "".join(OUT[k] for k in row if k < END)
    )


def convert_all(model, texts, batch_size=500):
    model.eval()
    out = []
    for start in range(0, len(texts), batch_size):
        x, lengths = encode_inputs(texts[start : start + batch_size])
        written, _ = model.greedy(x.to(device), lengths)
        out += [decode_output(row) for row in written.cpu()]
    model.train()
    return out


class Encoder(nn.Module):
    def __init__(self, embed_dim=32):
        super().__init__()
        self.embed = nn.Embedding(N_SOURCE, embed_dim, padding_idx=0)
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
    "10.1": ((stub,), "returned None: it should return the output text, a str"),
    "10.2": ((StubDotAttention,), "`DotAttention.forward` returned None: it should return"),
    "10.3": ((StubLSTMEncoder,), "`LSTMEncoder()` is not set up as a module"),
}
test_every_exercise_has_a_stub_test, test_the_stub_fails_and_says_what_to_write = stub_tests(
    "10", STUBS
)


@pytest.mark.parametrize(("exercise", "answer"), [("10.1", ...)])
def test_a_placeholder_instead_of_a_function_class_or_model(exercise, answer):
    fails(exercise, answer, match=f"is {'still `...`' if answer is ... else 'None'}")


def beam_search(
    model,
    text,
    width,
    max_len=22,
    *,
    log_softmax=True,
    first_finished=False,
    rank="total",
    set_aside=True,
    keep_slot=False,
):
    """The notebook's solution, with switches for the mistakes learners make.

    rank: "total" (right), "last" (the last step's log-probability only) or "probabilities"
    (a sum of probabilities); set_aside=False keeps a beam that wrote END among the others
    and extends it; keep_slot=True (also right) lets a finished beam keep one of the `width`
    places at the step it finishes.
    """
    x, lengths = encode_inputs([text])
    with torch.no_grad():
        memory, h = model.remember(x.to(device), lengths)
        beams, finished = [([], 0.0, h, 0.0)], []
        for _ in range(max_len):
            candidates, finished_now = [], []
            for symbols, logp, beam_h, _ in beams:
                last = torch.tensor([symbols[-1] if symbols else BEGIN], device=device)
                step_scores, next_h, _ = model.step(last, beam_h, memory)
                log_probs = step_scores[0].log_softmax(dim=0) if log_softmax else step_scores[0]
                if rank == "probabilities":
                    log_probs = log_probs.exp()
                for symbol in log_probs.topk(width).indices.tolist():
                    here = log_probs[symbol].item()
                    entry = ([*symbols, symbol], logp + here, next_h, here)
                    if keep_slot and symbol == END:
                        finished_now.append(entry)
                    else:
                        (finished if symbol == END and set_aside else candidates).append(entry)
            if first_finished and finished:
                return decode_output(torch.tensor(finished[0][0]))
            key = (lambda c: c[3]) if rank == "last" else (lambda c: c[1])
            if keep_slot:
                ranked = sorted(candidates + finished_now, key=key, reverse=True)[:width]
                finished += [c for c in ranked if c[0][-1] == END]
                candidates = [c for c in ranked if c[0][-1] != END]
            beams = sorted(candidates, key=key, reverse=True)[:width]
            if not beams:
                break
    best_symbols = max(finished or beams, key=lambda f: f[1])[0]
    return decode_output(torch.tensor(best_symbols))


def beam_convert(model, text, width=3):
    return beam_search(model, text, width)


def batched_beam_convert(model, text, width=3, max_len=22):
    """Another right answer: all beams in one batch, length-normalised scores at the end."""
    x, lengths = encode_inputs([text])
    memory, h = model.remember(x.to(device), lengths)
    symbols = torch.full((1, 1), BEGIN)
    totals, finished = torch.zeros(1), []
    for _ in range(max_len):
        k = len(symbols)
        expanded = tuple(m.expand(k, *m.shape[1:]) for m in memory)
        scores, h, _ = model.step(symbols[:, -1].to(device), h, expanded)
        candidates = (totals[:, None] + scores.log_softmax(dim=1).cpu()).flatten()
        best = candidates.topk(min(width, len(candidates))).indices
        rows, new = best // scores.size(1), best % scores.size(1)
        keep = []
        for row, symbol, total in zip(
            rows.tolist(), new.tolist(), candidates[best].tolist(), strict=True
        ):
            if symbol == END:
                finished.append((total / (symbols.size(1)), symbols[row, 1:].tolist()))
            else:
                keep.append((row, symbol, total))
        if not keep:
            break
        rows = torch.tensor([r for r, _, _ in keep])
        symbols = torch.cat([symbols[rows], torch.tensor([[s] for _, s, _ in keep])], dim=1)
        totals, h = torch.tensor([t for _, _, t in keep]), h[rows.to(h.device)]
    return decode_output(torch.tensor(max(finished)[1] + [END]))


def test_10_1(capsys):
    assert "widths 2 and 3 finds the most probable" in passes(capsys, "10.1", beam_convert)
    passes(capsys, "10.1", batched_beam_convert)
    passes(
        capsys, "10.1", lambda model, text, width=3: beam_search(model, text, width, keep_slot=True)
    )
    greedy = lambda model, text, width=3: convert_all(model, [text])[0]  # noqa: E731
    fails("10.1", greedy, match="'10' is what greedy decoding writes (probability 0.059)")
    fails(
        "10.1",
        lambda model, text, width=3: beam_search(model, text, 3),
        match="a beam of width 1 keeps only the best symbol at each step: it is greedy decoding",
    )
    fails(
        "10.1",
        lambda model, text, width=3: beam_search(model, text, width, log_softmax=False),
        match="not of the raw scores",
    )
    fails(
        "10.1",
        lambda model, text, width=3: beam_search(model, text, width, first_finished=True),
        match="the first beam to finish is not the best one",
    )
    fails(
        "10.1",
        lambda model, text, width=3: beam_search(model, text, width, rank="last"),
        match="not by the last step's",
    )
    fails(
        "10.1",
        lambda model, text, width=3: beam_search(model, text, width, rank="probabilities"),
        match="rank them by their total log-probability",
    )
    fails(
        "10.1",
        lambda model, text, width=3: beam_search(model, text, width, set_aside=False),
        match="set it aside and do not extend it",
    )
    fails("10.1", lambda model, text, width=3: "2026-11-23", match="use the `model` passed")
    fails("10.1", lambda model, text, width=3: [2, 3], match="returned a list: it should return")
    fails("10.1", lambda text, width=3: text, match="raised TypeError")


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

    fails("10.2", Unscaled, match="divide the scores by sqrt(d) = sqrt(24)")

    class ByD(Attention):
        def forward(self, h, keys, states, mask):
            scores = torch.bmm(keys, self.query(h).unsqueeze(2)).squeeze(2) / keys.size(2)
            weights = scores.masked_fill(~mask, float("-inf")).softmax(dim=1)
            return torch.bmm(weights.unsqueeze(1), states).squeeze(1), weights

    fails("10.2", ByD, match="divide by sqrt(d), not d = 24")

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
    fails("10.2", nn.Module, match="subclass Attention and keep its __init__")

    class NoLayers(nn.Module):
        def __init__(self, *sizes):
            super().__init__()

    fails("10.2", NoLayers, match="should keep Attention's `query` and `key` layers")

    class WrongAxis(DotAttention):
        def forward(self, h, keys, states, mask):
            scores = torch.bmm(keys, self.query(h).unsqueeze(2)).squeeze(2) / 32**0.5
            weights = scores.masked_fill(~mask, float("-inf")).softmax(dim=0)
            return torch.bmm(weights.unsqueeze(1), states).squeeze(1), weights

    fails("10.2", WrongAxis, match="a softmax over the input positions (dim=1)")

    class ByStateSize(DotAttention):
        def forward(self, h, keys, states, mask):
            scores = torch.bmm(keys, self.query(h).unsqueeze(2)).squeeze(2) / states.size(2) ** 0.5
            weights = scores.masked_fill(~mask, float("-inf")).softmax(dim=1)
            return torch.bmm(weights.unsqueeze(1), states).squeeze(1), weights

    fails("10.2", ByStateSize, match="not of the encoder states (48): divide by sqrt(24)")

    def scaled_by(size_of):
        class Scaled(DotAttention):
            def forward(self, h, keys, states, mask):
                scores = torch.bmm(keys, self.query(h).unsqueeze(2)).squeeze(2)
                scores = scores / size_of(h, keys, states) ** 0.5
                weights = scores.masked_fill(~mask, float("-inf")).softmax(dim=1)
                return torch.bmm(weights.unsqueeze(1), states).squeeze(1), weights

        return Scaled

    # The notebook's attention size equals H: "/ H**0.5" is right there by coincidence.
    fails("10.2", scaled_by(lambda h, k, s: H), match="you divided by sqrt(32), a size of")
    fails("10.2", scaled_by(lambda h, k, s: 2 * H), match="you divided by sqrt(64), a size of")
    fails("10.2", scaled_by(lambda h, k, s: h.size(1)), match="not of h (40): divide by sqrt(24)")
    passes(capsys, "10.2", scaled_by(lambda h, k, s: k.size(2)))

    class OwnInit(DotAttention):
        def __init__(self):
            super().__init__()

    fails("10.2", OwnInit, match="keep its __init__(query_dim, key_dim, attention_dim)")

    class FixedSizes(DotAttention):
        def __init__(self, query_dim=2 * H, key_dim=2 * H, attention_dim=32):
            super().__init__()

    fails("10.2", FixedSizes, match="built layers of other sizes (query 64 -> 32")


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


class StandaloneLSTMEncoder(nn.Module):  # the notebook's solution: Encoder, two lines changed
    def __init__(self, embed_dim=32):
        super().__init__()
        self.embed = nn.Embedding(N_SOURCE, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, H, batch_first=True, bidirectional=True)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(
            self.embed(x), lengths, batch_first=True, enforce_sorted=False
        )
        output, (h_n, _) = self.lstm(packed)
        output, _ = pad_packed_sequence(output, batch_first=True, total_length=x.size(1))
        return output, torch.cat([h_n[0], h_n[1]], dim=1)


def test_10_3(capsys):
    assert "summary [3, 64]" in passes(capsys, "10.3", LSTMEncoder)
    assert "Two lines of the notebook's Encoder change" in passes(
        capsys, "10.3", StandaloneLSTMEncoder
    )

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

    def variant(summary_of):
        class Variant(LSTMEncoder):
            def forward(self, x, lengths):
                packed = pack_padded_sequence(
                    self.embed(x), lengths, batch_first=True, enforce_sorted=False
                )
                output, (h_n, c_n) = self.gru(packed)
                output, _ = pad_packed_sequence(output, batch_first=True, total_length=x.size(1))
                return output, summary_of(output, h_n, c_n, lengths)

        return Variant

    forward_twice = variant(lambda output, h, c, lengths: torch.cat([h[0], h[0]], dim=1))
    fails("10.3", forward_twice, match="it holds the forward direction twice")
    cell_state = variant(lambda output, h, c, lengths: torch.cat([c[0], c[1]], dim=1))
    fails("10.3", cell_state, match="it is the cell state c, not h")
    swapped = variant(lambda output, h, c, lengths: torch.cat([h[1], h[0]], dim=1))
    fails("10.3", swapped, match="forward and backward are swapped")
    last_position = variant(lambda output, h, c, lengths: output[:, -1])
    fails("10.3", last_position, match="the backward direction ends at the first symbol")
    at_length = variant(lambda output, h, c, lengths: output[range(3), lengths - 1])
    fails("10.3", at_length, match="the backward direction ends at the first symbol")
    first_and_last = variant(  # a right answer: forward at the last symbol, backward at the first
        lambda output, h, c, lengths: torch.cat(
            [output[range(3), lengths - 1, :H], output[:, 0, H:]], dim=1
        )
    )
    passes(capsys, "10.3", first_and_last)

    class PaddedSummary(LSTMEncoder):  # packed output, but the summary from the padded input
        def forward(self, x, lengths):
            output, _ = super().forward(x, lengths)
            _, (h_n, _) = self.gru(self.embed(x))
            return output, torch.cat([h_n[0], h_n[1]], dim=1)

    fails("10.3", PaddedSummary, match="the LSTM read the padding: pack the embedded inputs")
