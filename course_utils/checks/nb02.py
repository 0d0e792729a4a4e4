"""Answer checks for notebook 02, LSTM building blocks."""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Callable, Iterator
from typing import Any

import torch
from torch import nn

from course_utils.checks._core import (
    CheckError,
    _call,
    _callable,
    _close,
    _evaluating,
    _generator,
    _module,
    _number,
    _pair,
    _place,
    _register,
    _shape,
)


def _is_h_of(h: torch.Tensor, c: torch.Tensor) -> bool:
    """Whether ``h`` can be an LSTM's hidden state for cell state ``c``.

    h = o * tanh(c) with an output gate o between 0 and 1, so each entry of h has the sign
    of c's and at most its tanh's size. Swapped, the pair fails: |c| > |h| > tanh(|h|).
    """
    h, c = h.double(), c.double()
    size = h.abs() <= torch.tanh(c.abs()) + 1e-6
    sign = (h * c >= -1e-12) | (h.abs() < 1e-6)
    return bool((size & sign).all())


_SWAPPED = (
    "`h` and `c` look swapped: each entry of h = o * tanh(c) lies between 0 and tanh(c), "
    "and yours do the other way round. An LSTM returns output, (h, c), in that order"
)


def _layer_by_hand(
    lstm: nn.LSTM, layer: int, xs: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One layer of ``lstm`` stepped by hand in float64 on the CPU, from zero states.

    xs is [batch, steps, inputs]; returns the states at every step [batch, steps, hidden],
    and the last hidden and cell states [batch, hidden].
    """
    weights = [
        getattr(lstm, f"{name}_l{layer}").detach().cpu().double()
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    ]
    w_ih, w_hh, b_ih, b_hh = weights
    h = xs.new_zeros(xs.shape[0], lstm.hidden_size)
    c = torch.zeros_like(h)
    states = []
    for t in range(xs.shape[1]):
        gates = xs[:, t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh
        i, f, g, o = gates.chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        states.append(h)
    return torch.stack(states, dim=1), h, c


#: Float32 on a CPU is within 1e-6 of float64 here; a GPU's cuDNN may use TF32 (about 1e-3).
_LOOSE = {"atol": 3e-3, "rtol": 1e-3}


@_register("02.1")
def _check_02_1(output: object, h: object, c: object, lstm: object, inputs: object) -> str:
    """A 2-layer nn.LSTM(5, 10, batch_first=True) on [8, 16, 5]: its output, h and c."""
    lstm = _module(lstm, "deep", "the 2-layer nn.LSTM you built")
    if not isinstance(lstm, nn.LSTM):
        raise CheckError(f"`deep` should be an nn.LSTM, got a {type(lstm).__name__}")
    if lstm.num_layers != 2:
        raise CheckError(
            f"`deep` has {lstm.num_layers} layer(s): build it with num_layers=2, "
            "nn.LSTM(EMBED_DIM, HIDDEN_DIM, num_layers=2, batch_first=True)"
        )
    if lstm.bidirectional or lstm.proj_size:
        raise CheckError(
            "`deep` should read one way, without projection: only num_layers=2 is asked for"
        )
    if (lstm.input_size, lstm.hidden_size) != (5, 10):
        raise CheckError(
            f"`deep` is an nn.LSTM({lstm.input_size}, {lstm.hidden_size}, ...): it reads the "
            "5-number embeddings and keeps 10 hidden numbers, nn.LSTM(EMBED_DIM, HIDDEN_DIM, ...)"
        )
    if not lstm.batch_first:
        raise CheckError(
            "`deep` has batch_first=False: it would read our [batch, seq, feature] batch as "
            "[seq, batch, feature]; pass batch_first=True"
        )
    if lstm.dropout and lstm.training:
        raise CheckError(
            f"`deep` has dropout={lstm.dropout:g} between its layers and is in training mode, so "
            "its outputs are random: only num_layers=2 is asked for (or call deep.eval() first)"
        )
    x = _shape(inputs, "x2", (8, 16, 5), {(8, 16): "pass the embedded batch, embed(batch_in)"})
    layers = "did you pass num_layers=2?"
    single = "did you pass bidirectional=True by mistake? Only num_layers=2 is asked for"
    output = _shape(
        output,
        "output",
        (8, 16, 10),
        {(16, 8, 10): "did you pass batch_first=True?", (8, 16, 20): single},
    )
    hints = {(1, 8, 10): layers, (4, 8, 10): single, (2, 16, 10): "did you pass batch_first=True?"}
    h = _shape(h, "h", (2, 8, 10), hints)
    c = _shape(c, "c", (2, 8, 10), hints)
    # The check's own computation: each layer stepped by hand from deep's weights.
    bottom, h_bottom, c_bottom = _layer_by_hand(lstm, 0, x.double())
    top, h_top, c_top = _layer_by_hand(lstm, 1, bottom)
    want_h, want_c = torch.stack([h_bottom, h_top]), torch.stack([c_bottom, c_top])

    def close(a: torch.Tensor, b: torch.Tensor) -> bool:
        return _close(a, b, **_LOOSE)

    if not close(output, top):
        hint = (
            "that is the bottom layer's; output holds the top layer's states"
            if close(output, bottom)
            else "are `out2` and `x2` from the same call, out2, (h2, c2) = deep(x2)?"
        )
        raise CheckError(
            f"`output` is not what deep's two layers give for x2 at every step: {hint}"
        )
    if not (close(h, want_h) and close(c, want_c)):
        if close(h, want_c) and close(c, want_h):
            raise CheckError(_SWAPPED)
        if close(h, want_h.flip(0)) or close(c, want_c.flip(0)):
            hint = "the rows are in the wrong order: row 0 is the bottom layer, row 1 the top one"
        elif close(h[1], h_top) and close(h[0], h_top):
            hint = "both rows of h are the top layer's state; row 0 is the bottom layer's"
        elif close(h, want_h):
            hint = (
                "h is right, but c is not the cell state deep returned: pass the pair one call "
                "returned, out2, (h2, c2) = deep(x2)"
            )
        elif close(h[1], h_top):
            hint = (
                "the top row is right, but row 0 is not the bottom layer's last state: "
                "pass deep's own h, from the same call"
            )
        else:
            hint = "pass the pair one call returned, out2, (h2, c2) = deep(x2)"
        raise CheckError(
            "`h` and `c` should be deep's last hidden and cell states, one row per layer "
            f"(row 0 the bottom layer, row 1 the top), as the check's own computation gives: {hint}"
        )
    return (
        "output (8, 16, 10), h and c (2, 8, 10), equal to the check's own computation from "
        "deep's weights (each layer stepped by hand, the top one reading the bottom one's "
        "states): only h and c grow, one row per layer (row 0 the bottom layer, row 1 the top); "
        "output holds the top layer's state at every step, so its last step is h[-1]."
    )


@_register("02.2")
def _check_02_2(output: object, h: object) -> str:
    """A bidirectional one-layer nn.LSTM(5, 10, batch_first=True) on [8, 16, 5]."""
    bidirectional = "did you pass bidirectional=True?"
    output = _shape(
        output,
        "output",
        (8, 16, 20),
        {(8, 16, 10): bidirectional, (16, 8, 20): "did you pass batch_first=True?"},
    )
    h = _shape(
        h,
        "h",
        (2, 8, 10),
        {(1, 8, 10): bidirectional, (4, 8, 10): "one layer only: leave num_layers at 1"},
    )
    forward_last, backward_last = output[:, -1, :10], output[:, 0, 10:]
    if not (_close(h[0], forward_last) and _close(h[1], backward_last)):
        if _is_h_of(forward_last, h[0]) and _is_h_of(backward_last, h[1]):
            hint = (
                "it looks like the cell state c: an LSTM returns output, (h, c); "
                "take out_b, (h_b, _) = both(...)"
            )
        elif _close(h[0], backward_last) and _close(h[1], forward_last):
            hint = "its rows are swapped: h[0] is the forward direction, h[1] the backward one"
        else:
            hint = "are `output` and `h` from the same call of the same LSTM?"
        raise CheckError(
            "`h` should hold the forward direction's last state (h[0] == output[:, -1, :10]) and "
            "the backward direction's, which ends at step 0 (h[1] == output[:, 0, 10:]); " + hint
        )
    return (
        "output (8, 16, 20) and h (2, 8, 10): output puts the forward and backward states side "
        "by side, 2 * 10 = 20 features per step, so the linear layer needs 2 * 10 inputs "
        "(nn.Linear(2 * HIDDEN_DIM, VOCAB)); h[0] is the forward state after the last step, "
        "h[1] the backward state after reading back to step 0."
    )


@_register("02.3")
def _check_02_3(loss_with_softmax: object) -> str:
    """The loss of a sure, right prediction with an extra softmax: ln(1 + 26/e)."""
    loss = _number(loss_with_softmax, "loss_with_softmax", "the loss, a number")
    expected = math.log(1 + 26 / math.e)
    if abs(loss - expected) <= 0.01:
        return (
            f"{loss:.3f} = ln(1 + 26/e): after the extra softmax the loss's own softmax sees "
            "1 for the right class and 0 for the 26 others, so the right class gets at best "
            "e / (e + 26), however sure the model is; the gradients are small too."
        )
    if abs(loss) < 0.01:
        hint = (
            "that is the loss without the extra softmax (a log_softmax changes nothing either: "
            "the loss's own log_softmax leaves log-probabilities as they are); put .softmax(-1) "
            "on the scores before loss_fn"
        )
    elif abs(loss - math.log(27)) < 0.01:
        hint = (
            "that is the loss of a uniform guess (ln 27): either the prediction is not sure "
            "(make it sure and right, e.g. a score of 20 for the target class and -20 for the "
            "others), or the softmax ran over the wrong axis: on scores [batch, seq, classes] "
            "take .softmax(-1) before the transpose (after it, the classes are in dimension 1)"
        )
    elif abs(loss + 1) < 0.01:
        hint = (
            "-1 is minus the right class's probability: nn.NLLLoss expects log-probabilities. "
            "Use nn.CrossEntropyLoss, as the notebook does"
        )
    elif loss < 0:
        hint = "a cross-entropy loss cannot be negative"
    else:
        hint = (
            "make the scores sure and right (20 for the target class, -20 elsewhere), then "
            "apply .softmax(-1) before loss_fn"
        )
    raise CheckError(
        f"`loss_with_softmax` should be ln(1 + 26/e) ≈ {expected:.3f}, got {loss:.3f}: {hint}"
    )


def _lstm_by_hand(
    lstm: nn.LSTM,
    x: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor,
    *,
    order: str = "ifgo",
    bias: tuple[bool, bool] = (True, True),
    cell: Callable[[torch.Tensor], torch.Tensor] = torch.tanh,
    tanh_c: bool = True,
    use_h: bool = True,
    use_c: bool = True,
    forget: Callable[[torch.Tensor], torch.Tensor] = torch.sigmoid,
    h_from_old_c: bool = False,
    c_squashed: bool = False,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One LSTM step with lstm's weights, or with one of the usual mistakes."""
    h_in = h if use_h else torch.zeros_like(h)
    c_in = c if use_c else torch.zeros_like(c)
    gates = x @ lstm.weight_ih_l0.T + h_in @ lstm.weight_hh_l0.T
    for use, bias_name in zip(bias, ("bias_ih_l0", "bias_hh_l0"), strict=True):
        if use and getattr(lstm, bias_name, None) is not None:
            gates = gates + getattr(lstm, bias_name)
    gate = dict(zip(order, gates.chunk(4, dim=1), strict=True))
    c_next = forget(gate["f"]) * c_in + torch.sigmoid(gate["i"]) * cell(gate["g"])
    shown = c_in if h_from_old_c else c_next
    h_next = torch.sigmoid(gate["o"]) * (torch.tanh(shown) if tanh_c else shown)
    return h_next, torch.tanh(c_next) if c_squashed else c_next


_EQUATIONS = (
    "compare with the equations: gates = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, split as "
    "i, f, g, o; c_next = sigmoid(f) * c + sigmoid(i) * tanh(g); "
    "h_next = sigmoid(o) * tanh(c_next)"
)


def _lstm_mistake(
    lstm: nn.LSTM, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor, got: tuple
) -> str:
    """Name the usual mistake that reproduces the learner's (h_next, c_next), if one does."""
    both_biases = "the gates get both biases, x @ W_ih.T + b_ih + h @ W_hh.T + b_hh"
    variants: list[tuple[str, dict[str, Any]]] = [
        (f"you left out bias_hh_l0: {both_biases}", {"bias": (True, False)}),
        (f"you left out bias_ih_l0: {both_biases}", {"bias": (False, True)}),
        ("you left out both biases, bias_ih_l0 and bias_hh_l0", {"bias": (False, False)}),
        (
            "the cell candidate g takes tanh, not sigmoid: "
            "c_next = sigmoid(f) * c + sigmoid(i) * tanh(g)",
            {"cell": torch.sigmoid},
        ),
        (
            "the tanh of the new cell state is missing: h_next = sigmoid(o) * tanh(c_next)",
            {"tanh_c": False},
        ),
        (
            "h_next takes the tanh of the new cell state, c_next, not of the old c: "
            "h_next = sigmoid(o) * tanh(c_next)",
            {"h_from_old_c": True},
        ),
        (
            "c_next is the new cell state itself, sigmoid(f) * c + sigmoid(i) * tanh(g); "
            "tanh(c_next) only goes into h_next",
            {"c_squashed": True},
        ),
        (
            "the forget gate multiplies c as it is, sigmoid(f) * c, not (1 - sigmoid(f)) * c",
            {"forget": lambda f: 1 - torch.sigmoid(f)},
        ),
        (
            "the step ignores its argument c: c_next = sigmoid(f) * c + sigmoid(i) * tanh(g) "
            "starts from the c it is given",
            {"use_c": False},
        ),
        (
            "the step ignores its argument h: the gates read h @ W_hh.T, the h it is given",
            {"use_h": False},
        ),
    ]
    for order in map("".join, itertools.permutations("ifgo")):
        if order != "ifgo":
            variants.append(
                (
                    f"your gates seem to be in the order {', '.join(order)}: PyTorch stacks "
                    "them as i, f, g, o (input, forget, cell candidate, output): "
                    "gate_i, gate_f, gate_g, gate_o = gates.chunk(4, dim=1)",
                    {"order": order},
                )
            )
    h_got, c_got = got
    right_h, right_c = _lstm_by_hand(lstm, x, h, c)
    if _close(h_got, right_c) and _close(c_got, right_h):
        return "you return (c_next, h_next): return (h_next, c_next), in that order"
    for hint, options in variants:
        h_want, c_want = _lstm_by_hand(lstm, x, h, c, **options)
        if _close(h_got, h_want) and (_close(c_got, c_want) or "tanh_c" in options):
            return hint
    if _close(h_got, right_h):
        return f"h_next is right but c_next is not: {_EQUATIONS}"
    return _EQUATIONS


def _step_lstm(
    lstm: nn.LSTM, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """nn.LSTM's own step from (h, c): x [batch, I], h and c [batch, H]."""
    steps = x[:, None] if lstm.batch_first else x[None]
    _, (h_next, c_next) = lstm(steps, (h[None], c[None]))
    return h_next[0], c_next[0]


@_register("02.4")
def _check_02_4(lstm_step: object, lstm: object) -> str:
    """lstm_step(x, h, c) -> (h_next, c_next), checked against nn.LSTM at each of 3 steps."""
    step = _callable(lstm_step, "lstm_step", "lstm_step(x, h, c) that returns (h_next, c_next)")
    lstm = _module(lstm, "lstm", "the one-layer nn.LSTM whose weights lstm_step uses")
    if not isinstance(lstm, nn.LSTM):
        raise CheckError(f"`lstm` should be an nn.LSTM, got a {type(lstm).__name__}")
    if lstm.num_layers != 1 or lstm.bidirectional or lstm.proj_size:
        raise CheckError("`lstm` should have one layer, one direction and no projection")
    size_i, size_h, batch, steps = lstm.input_size, lstm.hidden_size, 4, 3
    generator = _generator(24)
    xs = _place(torch.randn(batch, steps, size_i, generator=generator), lstm)
    h = _place(torch.randn(batch, size_h, generator=generator), lstm)
    c = _place(torch.randn(batch, size_h, generator=generator), lstm)
    expected = f"(h_next, c_next), two tensors of shape [batch, {size_h}]"
    with _evaluating(lstm):
        for t in range(steps):
            want_h, want_c = _step_lstm(lstm, xs[:, t], h, c)
            with _no_calls(lstm):
                call = "your `lstm_step(x, h, c)`"
                hint = "x is [batch, I], h and c [batch, H]"
                result = _call(call, step, xs[:, t], h, c, hint=hint)
            h_next, c_next = _pair(result, "`lstm_step`", expected)
            for name, value in (("h_next", h_next), ("c_next", c_next)):
                _shape(value, f"{name} (what lstm_step returned)", (batch, size_h))
            if not (_close(h_next, want_h) and _close(c_next, want_c)):
                if t == 0:
                    raise CheckError(
                        "the first step of `lstm_step` does not match nn.LSTM: "
                        + _lstm_mistake(lstm, xs[:, 0], h, c, (h_next, c_next))
                    )
                raise CheckError(
                    f"step 1 of `lstm_step` matches nn.LSTM but step {t + 1}, from the state "
                    "step 1 returned, does not: does lstm_step use its arguments h and c (not "
                    "global variables) and the weights of `lstm`?"
                )
            h, c = want_h, want_c
    return (
        "three steps of lstm_step, each from the state the step before returned (the first "
        "from a random one), give nn.LSTM's hidden and cell states at every step: the gates "
        "come stacked as i, f, g, o."
    )


@contextlib.contextmanager
def _no_calls(lstm: nn.LSTM) -> Iterator[None]:
    """While the block runs, calling ``lstm``, or any nn.LSTM, raises a `CheckError`."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise CheckError(
            "`lstm_step` calls the LSTM itself: compute the step by hand from its weights, "
            "lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0 and lstm.bias_hh_l0"
        )

    lstm.forward = refuse  # an instance attribute shadows the class's forward
    forward = nn.LSTM.forward
    nn.LSTM.forward = refuse  # nn.LSTM.forward(lstm, ...) and copies of the LSTM too
    try:
        yield
    finally:
        nn.LSTM.forward = forward
        del lstm.forward
