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

# The notebook's output symbols: the 12 of "0123456789-/", END = 12 (written), BEGIN = 13 (read).
_END, _BEGIN, _SYMBOLS = 12, 13, "0123456789-/"
_NAMES = [*_SYMBOLS, "END"]

#: A test model, state by state: the probabilities of the next symbol (the rest shared
#: equally), where each symbol leads (``"*"``: every other symbol; unnamed: "lost"), and a
#: constant added to the state's scores (a softmax ignores it; a sum of raw scores does not).
#: Every model starts in "start"; END always leads to "after END".
_Toy = dict[str, tuple[dict[str, float], dict[str, str], float]]
_SHARED: _Toy = {
    "lost": ({"0": 0.085, "END": 0.08}, {"*": "lost"}, 1.5),  # nearly uniform
    "after END": ({"0": 0.1}, {"*": "after END"}, -1.0),  # nearly uniform
}


def _distribution(favourites: dict[int, float]) -> torch.Tensor:
    """Probabilities of the 13 written symbols: the favourites, the rest shared equally."""
    rest = [k for k in range(_END + 1) if k not in favourites]
    share = (1 - sum(favourites.values())) / len(rest)
    probabilities = torch.full((_END + 1,), share, dtype=torch.float64)
    for symbol, probability in favourites.items():
        probabilities[symbol] = probability
    return probabilities


class _ToyTranslator(nn.Module):
    """A stand-in for the notebook's trained `DateTranslator`, its probabilities set by hand.

    It has the same `remember`, `step` and `greedy` as the notebook's model and ignores its
    input. Its state (the first number of ``h``) says which state of ``toy`` it is in; its
    scores are log-probabilities plus a different constant in each state, as a real model's
    scores are (a softmax ignores such a constant).
    """

    def __init__(self, toy: _Toy) -> None:
        super().__init__()
        self.use_attention = False
        self.anchor = nn.Parameter(torch.zeros(1))  # a device for code that asks for one
        specs = {**toy, **_SHARED}
        names = ["before BEGIN", *specs]
        following = torch.full((len(names), _BEGIN + 1), names.index("lost"), dtype=torch.long)
        following[0, _BEGIN] = names.index("start")
        rows, offsets = [_distribution({})], [0.0]  # state 0 is never scored
        for k, name in enumerate(names[1:], start=1):
            probabilities, leads_to, offset = specs[name]
            for symbol in range(_END + 1):
                default = leads_to.get("*", "lost")
                target = "after END" if symbol == _END else leads_to.get(_NAMES[symbol], default)
                following[k, symbol] = names.index(target)
            rows.append(_distribution({_NAMES.index(s): p for s, p in probabilities.items()}))
            offsets.append(offset)
        scores = torch.stack(rows).log() + torch.tensor(offsets, dtype=torch.float64)[:, None]
        self.register_buffer("following", following, persistent=False)
        self.register_buffer("scores", scores.float(), persistent=False)
        self.last_state = len(names) - 1

    def remember(self, x: torch.Tensor, lengths: torch.Tensor):
        batch, time = x.shape
        device = x.device
        mask = torch.arange(time, device=device) < lengths.to(device).unsqueeze(1)
        states = torch.zeros(batch, time, 64, device=device)
        memory = (states, torch.zeros(batch, 64, device=device), states[..., :32], mask)
        return memory, torch.zeros(batch, 64, device=device)

    def step(self, symbol: torch.Tensor, h: torch.Tensor, memory):
        state = h[:, 0].round().long().clamp(0, self.last_state)
        symbol = torch.as_tensor(symbol, device=h.device).reshape(-1).long()
        new = self.following.to(h.device)[state, symbol.clamp(0, _BEGIN)]
        mask = memory[3]
        weights = mask.float() / mask.sum(dim=1, keepdim=True)
        h = torch.cat([new.unsqueeze(1).to(h.dtype), h[:, 1:]], dim=1)
        return self.scores.to(h.device)[new], h, weights

    @torch.no_grad()
    def greedy(self, x: torch.Tensor, lengths: torch.Tensor, max_len: int = 22):
        memory, h = self.remember(x, lengths)
        symbol = torch.full((len(x),), _BEGIN, device=x.device)
        written = []
        for _ in range(max_len):
            step_scores, h, _ = self.step(symbol, h, memory)
            symbol = step_scores.argmax(dim=1)
            written.append(symbol)
        return torch.stack(written, dim=1), None


#: Greedy decoding misses the best output. First symbol: "1" 0.5, "2" 0.4, END 0.05; after
#: "1" the next symbols are nearly equally likely ("0" leads with 0.12); after "2", "3" has
#: 0.9; after that, END has 0.99. Greedy writes "10" (0.059); the best output is "23" (0.356).
_GREEDY_MISSES: _Toy = {
    "start": ({"1": 0.5, "2": 0.4, "END": 0.05}, {"1": "after 1", "2": "after 2"}, 0.0),
    "after 1": ({"0": 0.12, "END": 0.0011}, {"*": "end"}, 5.0),
    "after 2": ({"3": 0.9}, {"*": "end"}, -2.0),
    "end": ({"END": 0.99}, {}, 3.0),
}
#: The step that looks best on its own leads to a worse total. First symbol: "2" 0.5, "1"
#: 0.13, "5" 0.06; after "2": "3" 0.3, "4" 0.25, "6" 0.2; after "1", "0" has 0.9; after
#: "5", "7" has 0.9; after "24", "10" or "57", END has 0.95; anything else is lost (nearly
#: uniform). Best: "24" (0.119); "10" (0.111) has the likelier last step (0.9 against 0.25).
_LOCALLY_BEST: _Toy = {
    "start": ({"2": 0.5, "1": 0.13, "5": 0.06, "END": 0.04}, {"2": "2", "1": "1", "5": "5"}, 0.0),
    "2": ({"3": 0.3, "4": 0.25, "6": 0.2}, {"4": "end"}, -2.0),
    "1": ({"0": 0.9}, {"0": "end"}, 5.0),
    "5": ({"7": 0.9}, {"7": "end"}, 2.0),
    "end": ({"END": 0.95}, {}, 3.0),
}
#: The best output ends early, and after END the next symbols are nearly uniform. First
#: symbol: "7" 0.6, "8" 0.35, "9" 0.03; after "7", END has 0.9; after "8", "8" has 0.99,
#: again and again. Best: "7" (0.54); "8" repeated to the end has 0.35 * 0.99**21 = 0.28.
_ENDS_EARLY: _Toy = {
    "start": ({"7": 0.6, "8": 0.35, "9": 0.03}, {"7": "7", "8": "8"}, 0.0),
    "7": ({"END": 0.9}, {}, 4.0),
    "8": ({"8": 0.99}, {"8": "8"}, -3.0),
}


@_register("10.1")
def _check_10_1(beam_convert: object) -> str:
    """beam_convert(model, text, width=3) -> the ISO text, by beam search with `model`."""
    convert = _callable(beam_convert, "beam_convert", "beam_convert(model, text, width=3) -> str")
    text = "23 Nov 2026"
    add_logs = (
        "keep `width` partial outputs; extend each by its `width` best next symbols; rank "
        "them by their total log-probability (the sum of log_softmax of each step's scores, "
        "not of the raw scores); set a beam that writes END aside as finished, and return the "
        "finished beam with the highest total"
    )
    trials = [
        (_GREEDY_MISSES, 1, "10"),
        (_GREEDY_MISSES, 2, "23"),
        (_GREEDY_MISSES, 3, "23"),
        (_LOCALLY_BEST, 2, "24"),
        (_LOCALLY_BEST, 3, "24"),
        (_ENDS_EARLY, 2, "7"),
        (_ENDS_EARLY, 3, "7"),
    ]
    for toy, width, expected in trials:
        call = f"`beam_convert(model, {text!r}, width={width})`"
        with torch.no_grad():
            result = _call(f"your {call}", convert, _ToyTranslator(toy), text, width=width)
        _returned(result, call, "the output text, a str")
        if not isinstance(result, str):
            raise CheckError(
                f"{call} returned a {type(result).__name__}: it should return the output text, "
                "a str (decode_output(...))"
            )
        if result == expected:
            continue
        intro = (
            f"with a test model of the check's own (same `remember` and `step` as the "
            f"notebook's model), {call} returned {result!r}, expected {expected!r}"
        )
        if len(result) > 5 and "-" in result:
            hint = (
                "that looks like a date: use the `model` passed to beam_convert, not the "
                "notebook's trained model"
            )
        elif toy is _GREEDY_MISSES and width == 1:
            hint = (
                "a beam of width 1 keeps only the best symbol at each step: it is greedy "
                "decoding, which writes '10' with this model. Use `width` wherever your code "
                "keeps or extends beams"
            )
        elif toy is _GREEDY_MISSES and result == "10":
            hint = (
                "'10' is what greedy decoding writes (probability 0.059), but '23' is more "
                f"probable (0.356) and a beam of {width} finds it: {add_logs}"
            )
        elif toy is _GREEDY_MISSES and result == "":
            hint = (
                "that beam wrote END first, with probability 0.05: the first beam to finish "
                f"is not the best one. {add_logs[0].upper()}{add_logs[1:]}"
            )
        elif toy is _LOCALLY_BEST:
            hint = (
                "in this test model the most probable output is '24' (0.119). After two "
                "steps '24' (0.125) is ahead of '10' (0.117) and '57' (0.054), whose last "
                "steps are likelier (0.9 against 0.25): rank partial outputs by their total "
                "log-probability, the sum over all their steps so far, not by the last "
                "step's (nor by a sum of probabilities)"
            )
        elif toy is _ENDS_EARLY:
            hint = (
                "in this test model the most probable output is '7' (0.54): it writes END "
                "after one symbol, and after END the model's next symbols are nearly "
                "uniform. A partial output that writes END is finished: set it aside and do "
                "not extend it (what a model writes after END is not part of its output), "
                "then return the finished output with the highest total"
            )
        else:
            hint = add_logs
        raise CheckError(f"{intro}: {hint}")
    return (
        "beam_convert with width 1 writes what greedy decoding writes, and with widths 2 and 3 "
        "finds the most probable output of three test models: one whose best output greedy "
        "decoding misses, one where the likeliest last step leads to a worse total, and one "
        "whose best output writes END after one symbol."
    )


@_register("10.2")
def _check_10_2(DotAttention: object) -> str:
    """An Attention subclass with scores q . k / sqrt(d)."""
    what = (
        "class DotAttention(Attention) whose forward(h, keys, states, mask) -> (context, weights)"
    )
    # Sizes of the check's own, none of them the notebook's (H = 32, 2H = 64, attention 32):
    # d must come from the tensors or the module, not from a number of the notebook.
    sizes = (40, 48, 24)  # query_dim, key_dim, attention_dim
    keep = (
        "subclass Attention and keep its __init__(query_dim, key_dim, attention_dim): the "
        f"check builds DotAttention{sizes} and changes only forward"
    )
    cls = _class(DotAttention, "DotAttention", what)
    model = _instantiate(cls, "DotAttention", *sizes, hint=keep)
    query, key = getattr(model, "query", None), getattr(model, "key", None)
    if not (isinstance(query, nn.Linear) and isinstance(key, nn.Linear)):
        raise CheckError(f"DotAttention{sizes} should keep Attention's `query` and `key` layers")
    query_dim, d, key_dim = query.in_features, query.out_features, key.in_features
    if (query_dim, key_dim, d) != sizes:
        raise CheckError(
            f"DotAttention{sizes} built layers of other sizes (query {query_dim} -> {d}, key "
            f"{key_dim} -> {key.out_features}): {keep}"
        )
    generator = _generator(10)
    h = _place(torch.randn(2, query_dim, generator=generator), model)
    states = _place(torch.randn(2, 5, key_dim, generator=generator), model)
    mask = torch.tensor([[True] * 3 + [False] * 2, [True] * 5], device=states.device)
    expected = "(context, weights): [batch, key_dim] and [batch, time]"
    with _evaluating(model):
        keys = key(states)
        result = _call(
            f"`DotAttention{sizes}(h, keys, states, mask)`", model, h, keys, states, mask
        )
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
        raise CheckError(
            "`weights` should sum to 1 over each row: a softmax over the input positions "
            "(dim=1), after the padding's scores are set to -inf"
        )
    if not _close(weights, softmax(dot / d**0.5)):
        if _close(weights, softmax(dot)):
            hint = f"divide the scores by sqrt(d) = sqrt({d})"
        elif _close(weights, softmax(dot / d)):
            hint = f"divide by sqrt(d), not d = {d}"
        elif _close(weights, softmax(dot / key_dim**0.5)):
            hint = (
                f"d is the size of q and k_s ({d}, keys.size(2)), not of the encoder states "
                f"({key_dim}): divide by sqrt({d})"
            )
        elif _close(weights, softmax(dot / query_dim**0.5)):
            hint = (
                f"d is the size of q = query(h) and of k_s ({d}, keys.size(2)), not of h "
                f"({query_dim}): divide by sqrt({d})"
            )
        elif any(_close(weights, softmax(dot / n**0.5)) for n in (32, 64)):
            n = 32 if _close(weights, softmax(dot / 32**0.5)) else 64
            hint = (
                f"you divided by sqrt({n}), a size of the notebook's model (H = 32, 2H = 64, "
                f"attention_dim = 32); this DotAttention's q and k_s have {d} numbers. Take d "
                f"from the tensors, keys.size(2), so that it is right for any sizes"
            )
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
    """Encoder with a bidirectional nn.LSTM; checked against each input run alone."""
    from course_utils.dates import DATE_INPUT_ALPHABET

    what = "class LSTMEncoder: the notebook's Encoder with a bidirectional nn.LSTM"
    replace = (
        "use nn.LSTM(embed_dim, H, batch_first=True, bidirectional=True) as the recurrent layer"
    )
    model = _instantiate(_class(LSTMEncoder, "LSTMEncoder", what), "LSTMEncoder", hint=replace)
    lstms = [m for m in model.modules() if isinstance(m, nn.LSTM)]
    if not lstms:
        raise CheckError(f"LSTMEncoder() has no nn.LSTM among its modules: {replace}")
    lstm = lstms[0]
    if not lstm.bidirectional:
        raise CheckError(f"the encoder's LSTM should be bidirectional: {replace}")
    embed = getattr(model, "embed", None)
    if not isinstance(embed, nn.Embedding):
        raise CheckError(
            "LSTMEncoder() should have an `embed` layer (an nn.Embedding), as Encoder has"
        )
    size = lstm.hidden_size
    texts = ("23 Nov 2026", "from 1.2.26 to 3.4.26", "2026/11/23")
    x, lengths = pad_batch([encode(text, DATE_INPUT_ALPHABET, start=1) for text in texts])
    time = x.shape[1]
    unpack = "an LSTM returns output, (h_n, c_n): `output, (h_n, _) = lstm(packed)`"
    device = _device(model)
    with _evaluating(model):
        result = _call(
            "`LSTMEncoder()(x, lengths)`",
            model,
            x.to(device),
            lengths,
            hints=[("unpack", unpack), ("tuple", unpack)],
        )
        # The independent computation: each input alone, unpadded, through the same layers.
        alone = []
        for row, length in enumerate(lengths.tolist()):
            embedded = embed(x[row, :length].to(device)).unsqueeze(0 if lstm.batch_first else 1)
            out, (h_n, c_n) = lstm(embedded)
            alone.append((out.squeeze(0 if lstm.batch_first else 1).cpu(), h_n.cpu(), c_n.cpu()))
    output, summary = _pair(result, "`LSTMEncoder.forward`", "(output, summary)")
    output = _shape(output, "output", (3, time, 2 * size))
    summary = _shape(
        summary,
        "summary",
        (3, 2 * size),
        {(2, 6, size): f"h_n[0] and h_n[1] of the pair (h_n, c_n) are h_n and c_n; {unpack}"},
    )
    close = lambda a, b: _close(a, b, atol=1e-4, rtol=1e-4)  # noqa: E731  GPU kernels differ
    for row, length in enumerate(lengths.tolist()):
        if not bool((output[row, length:] == 0).all()):
            raise CheckError(
                "`output` should be 0 at padded positions: pack the embedded inputs with "
                "pack_padded_sequence and unpack with pad_packed_sequence(..., total_length=T)"
            )
    # The longest input first: it has no padding, so a mistake there is not about padding.
    for row in sorted(range(len(texts)), key=lambda k: -int(lengths[k])):
        length, text, (out, h_n, c_n) = int(lengths[row]), texts[row], alone[row]
        forward, backward = h_n[-2, 0], h_n[-1, 0]
        expected = torch.cat([forward, backward])
        got = summary[row]
        if close(got, expected):
            if not close(output[row, :length], out):
                raise CheckError(
                    f"`output` for {text!r} differs from running the LSTM on it alone: pack "
                    "the embedded inputs (pack_padded_sequence with the lengths) and unpack "
                    "the output with pad_packed_sequence"
                )
            continue
        where = f"the summary of {text!r} (of {length} symbols, in a padded batch of {time})"
        if close(got, torch.cat([c_n[-2, 0], c_n[-1, 0]])):
            hint = f"it is the cell state c, not h: {unpack}"
        elif close(got, torch.cat([forward, forward])):
            hint = "it holds the forward direction twice: h_n[0] is forward, h_n[1] backward"
        elif close(got, torch.cat([backward, backward])):
            hint = "it holds the backward direction twice: h_n[0] is forward, h_n[1] backward"
        elif close(got, torch.cat([backward, forward])):
            hint = "forward and backward are swapped: torch.cat([h_n[0], h_n[1]], dim=1)"
        elif close(got[:size], forward):
            hint = (
                "its forward half is right, its backward half is not: the backward direction "
                "ends at the first symbol (output[:, 0, H:]), not at the last; use "
                "torch.cat([h_n[0], h_n[1]], dim=1)"
            )
        elif length < time:
            hint = (
                "the LSTM read the padding: pack the embedded inputs with "
                "pack_padded_sequence(..., lengths, batch_first=True, enforce_sorted=False), "
                "so that each direction ends at the input's real last symbol"
            )
        else:
            hint = "it should be torch.cat([h_n[0], h_n[1]], dim=1), the last h of each direction"
        raise CheckError(
            f"{where} should equal the final h of the forward and the backward direction when "
            f"the LSTM reads that input alone: {hint}"
        )
    return (
        f"LSTMEncoder's output [3, {time}, {2 * size}] and summary [3, {2 * size}] equal running "
        "its own LSTM on each input alone, both directions, with zeros on the padding. Two "
        "lines of the notebook's Encoder change: the recurrent layer (nn.LSTM for nn.GRU) and "
        "the unpacking of its result, `output, (h_n, _) = ...`."
    )
