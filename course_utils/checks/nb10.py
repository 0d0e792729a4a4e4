"""Answer checks for notebook 10, sequence to sequence with attention."""

from __future__ import annotations

import torch
from torch import nn

from course_utils.checks._core import (
    CheckError,
    _call,
    _callable,
    _class,
    _close,
    _device,
    _evaluating,
    _generator,
    _instantiate,
    _pair,
    _place,
    _register,
    _returned,
    _shape,
)
from course_utils.encoding import encode, pad_batch

_DATES = {"23 Nov 2026": "2026-11-23", "from 1 jan 2027 to 31 jan 2027": "2027-01-01/2027-01-31"}


@_register("10.1")
def _check_10_1(beam_convert: object) -> str:
    """beam_convert(text, width=3) -> the ISO text, by beam search with the trained model."""
    convert = _callable(beam_convert, "beam_convert", "beam_convert(text, width=3) -> str")
    for text, target in _DATES.items():
        with torch.no_grad():
            result = _call(f"your `beam_convert({text!r})`", convert, text)
        _returned(result, f"`beam_convert({text!r})`", "the ISO text, a str")
        if not isinstance(result, str):
            raise CheckError(
                f"`beam_convert({text!r})` returned a {type(result).__name__}: it should return "
                "the output text, a str (decode_output(...))"
            )
        if result != target:
            raise CheckError(
                f"`beam_convert({text!r})` returned {result!r}, expected {target!r}: the greedy "
                "decoder gets this right, and a beam of width 3 should keep it. Add "
                "log-probabilities (not probabilities), keep a beam that writes END as finished, "
                "and decode the best finished beam"
            )
    return (
        "beam_convert writes both test dates right. Beam search finds outputs the model rates "
        "more probable; it cannot fix what the model never learned."
    )


@_register("10.2")
def _check_10_2(DotAttention: object) -> str:
    """An Attention subclass with scores q . k / sqrt(d)."""
    what = (
        "class DotAttention(Attention) whose forward(h, keys, states, mask) -> (context, weights)"
    )
    model = _instantiate(_class(DotAttention, "DotAttention", what), "DotAttention")
    query, key = getattr(model, "query", None), getattr(model, "key", None)
    if not (isinstance(query, nn.Linear) and isinstance(key, nn.Linear)):
        raise CheckError("DotAttention() should keep Attention's `query` and `key` layers")
    query_dim, d, key_dim = query.in_features, query.out_features, key.in_features
    generator = _generator(10)
    h = _place(torch.randn(2, query_dim, generator=generator), model)
    states = _place(torch.randn(2, 5, key_dim, generator=generator), model)
    mask = torch.tensor([[True] * 3 + [False] * 2, [True] * 5], device=states.device)
    expected = "(context, weights): [batch, key_dim] and [batch, time]"
    with _evaluating(model):
        keys = key(states)
        result = _call("`DotAttention()(h, keys, states, mask)`", model, h, keys, states, mask)
        context, weights = _pair(result, "`DotAttention.forward`", expected)
        dot = torch.bmm(keys, query(h).unsqueeze(2)).squeeze(2)
        additive = None
        if isinstance(getattr(model, "v", None), nn.Module):
            additive = model.v(torch.tanh(keys + query(h).unsqueeze(1))).squeeze(2)

    def softmax(scores: torch.Tensor) -> torch.Tensor:
        return scores.masked_fill(~mask, float("-inf")).softmax(dim=1).cpu()

    weights = _shape(weights, "weights", (2, 5))
    mask = mask.cpu()
    if torch.isnan(weights).any():
        raise CheckError("`weights` contain nan: mask with masked_fill(~mask, float('-inf'))")
    if not bool((weights[~mask] == 0).all()):
        raise CheckError(
            "`weights` should be exactly 0 on padding: scores.masked_fill(~mask, float('-inf')) "
            "before the softmax"
        )
    if not _close(weights.sum(dim=1), torch.ones(2)):
        raise CheckError("`weights` should sum to 1 over each row: softmax(dim=1), over positions")
    if not _close(weights, softmax(dot / d**0.5)):
        if _close(weights, softmax(dot)):
            hint = f"divide the scores by sqrt(d) = sqrt({d})"
        elif _close(weights, softmax(dot / d)):
            hint = f"divide by sqrt(d), not d = {d}"
        elif additive is not None and _close(weights, softmax(additive)):
            hint = "these are still the additive scores v(tanh(keys + query(h)))"
        else:
            hint = "score_s = keys[:, s] . self.query(h), i.e. torch.bmm(keys, q.unsqueeze(2))"
        raise CheckError(
            f"`weights` should be softmax(keys @ query(h) / sqrt({d})) over the real positions: "
            f"{hint}"
        )
    _shape(context, "context", (2, key_dim))
    if not _close(context, torch.bmm(weights.unsqueeze(1), states.cpu()).squeeze(1)):
        raise CheckError("`context` should be the weighted sum of states: weights @ states")
    return (
        "DotAttention's weights are softmax(q . k_s / sqrt(d)) over the real positions, 0 on "
        "padding, and the context is their weighted sum of the states: no tanh and no v, one "
        "batched matrix product scores all positions at once."
    )


@_register("10.3")
def _check_10_3(LSTMEncoder: object) -> str:
    """An Encoder subclass with a bidirectional nn.LSTM."""
    from course_utils.dates import DATE_INPUT_ALPHABET

    what = "class LSTMEncoder(Encoder) with a bidirectional nn.LSTM"
    replace = "set self.gru = nn.LSTM(embed_dim, H, batch_first=True, bidirectional=True)"
    model = _instantiate(_class(LSTMEncoder, "LSTMEncoder", what), "LSTMEncoder", hint=replace)
    lstms = [m for m in model.modules() if isinstance(m, nn.LSTM)]
    if not lstms:
        raise CheckError(f"LSTMEncoder() has no nn.LSTM among its modules: {replace}")
    if not lstms[0].bidirectional:
        raise CheckError(f"the encoder's LSTM should be bidirectional: {replace}")
    size = lstms[0].hidden_size
    texts = ("23 Nov 2026", "from 1.2.26 to 3.4.26", "2026/11/23")
    x, lengths = pad_batch([encode(text, DATE_INPUT_ALPHABET, start=1) for text in texts])
    time = x.shape[1]
    unpack = "an LSTM returns output, (h_n, c_n): `output, (h_n, _) = self.gru(packed)`"
    with _evaluating(model):
        result = _call(
            "`LSTMEncoder()(x, lengths)`",
            model,
            x.to(_device(model)),
            lengths,
            hints=[("unpack", unpack), ("tuple", unpack)],
        )
    output, summary = _pair(result, "`LSTMEncoder.forward`", "(output, summary)")
    output = _shape(output, "output", (3, time, 2 * size))
    for row, length in enumerate(lengths.tolist()):
        if not bool((output[row, length:] == 0).all()):
            raise CheckError(
                "`output` should be 0 at padded positions: pack the embedded inputs with "
                "pack_padded_sequence and unpack with pad_packed_sequence(..., total_length=T)"
            )
    _shape(
        summary,
        "summary",
        (3, 2 * size),
        {(2, 6, size): f"h_n[0] and h_n[1] of the pair (h_n, c_n) are h_n and c_n; {unpack}"},
    )
    return (
        f"LSTMEncoder returns output [3, {time}, {2 * size}], zero on padding, and a summary "
        f"[3, {2 * size}]: only the unpacking changes, `output, (h_n, _) = self.gru(packed)`."
    )
