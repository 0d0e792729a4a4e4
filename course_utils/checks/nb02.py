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


@_register("02.1")
def _check_02_1(output: object, h: object, c: object) -> str:
    """A 2-layer nn.LSTM(5, 10, batch_first=True) on [8, 16, 5]."""
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
    if not _is_h_of(h, c):
        if _is_h_of(c, h):
            raise CheckError(_SWAPPED)
        raise CheckError(
            "`h` is not the hidden state of `c`: pass the pair one call returned, "
            "out2, (h2, c2) = deep(embed(batch_in))"
        )
    if not _close(h[-1], output[:, -1]):
        hint = (
            "h[0] is: output holds the top layer's states, so its last step is h[-1], not h[0]; "
            "did you reorder h?"
            if _close(h[0], output[:, -1])
            else "are `output` and `h` from the same call of the same LSTM?"
        )
        raise CheckError(
            f"the top layer's last state h[-1] should equal output[:, -1], the last step of "
            f"output; {hint}"
        )
    return (
        "output (8, 16, 10), h and c (2, 8, 10): only h and c grow, one state per layer; "
        "output holds the top layer's states (its last step equals h[-1]), and h = o * tanh(c) "
        "holds entry by entry."
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
) -> tuple[torch.Tensor, torch.Tensor]:
    """One LSTM step with lstm's weights, or with one of the usual mistakes."""
    gates = x @ lstm.weight_ih_l0.T + h @ lstm.weight_hh_l0.T
    for use, bias_name in zip(bias, ("bias_ih_l0", "bias_hh_l0"), strict=True):
        if use and getattr(lstm, bias_name, None) is not None:
            gates = gates + getattr(lstm, bias_name)
    gate = dict(zip(order, gates.chunk(4, dim=1), strict=True))
    c_next = torch.sigmoid(gate["f"]) * c + torch.sigmoid(gate["i"]) * cell(gate["g"])
    h_next = torch.sigmoid(gate["o"]) * (torch.tanh(c_next) if tanh_c else c_next)
    return h_next, c_next


def _lstm_mistake(
    lstm: nn.LSTM, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor, got: tuple
) -> str:
    """Name the usual mistake that reproduces the learner's (h_next, c_next), if one does."""
    variants: list[tuple[str, dict[str, Any]]] = [
        (
            "you left out bias_hh_l0: the gates get both biases, "
            "x @ W_ih.T + b_ih + h @ W_hh.T + b_hh",
            {"bias": (True, False)},
        ),
        (
            "you left out bias_ih_l0: the gates get both biases, "
            "x @ W_ih.T + b_ih + h @ W_hh.T + b_hh",
            {"bias": (False, True)},
        ),
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
    return (
        "compare with the equations: gates = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, split as "
        "i, f, g, o; c_next = sigmoid(f) * c + sigmoid(i) * tanh(g); "
        "h_next = sigmoid(o) * tanh(c_next)"
    )


@_register("02.4")
def _check_02_4(lstm_step: object, lstm: object) -> str:
    """lstm_step(x, h, c) -> (h_next, c_next), checked against lstm over 3 steps."""
    step = _callable(lstm_step, "lstm_step", "lstm_step(x, h, c) that returns (h_next, c_next)")
    lstm = _module(lstm, "lstm", "the one-layer nn.LSTM whose weights lstm_step uses")
    if not isinstance(lstm, nn.LSTM):
        raise CheckError(f"`lstm` should be an nn.LSTM, got a {type(lstm).__name__}")
    if lstm.num_layers != 1 or lstm.bidirectional or lstm.proj_size:
        raise CheckError("`lstm` should have one layer, one direction and no projection")
    size_i, size_h, batch, steps = lstm.input_size, lstm.hidden_size, 4, 3
    generator = _generator(24)
    xs = _place(torch.randn(batch, steps, size_i, generator=generator), lstm)
    h0 = _place(torch.randn(batch, size_h, generator=generator), lstm)
    c0 = _place(torch.randn(batch, size_h, generator=generator), lstm)
    expected = f"(h_next, c_next), two tensors of shape [batch, {size_h}]"
    with _evaluating(lstm):
        state = (h0[None], c0[None])
        if lstm.batch_first:
            output, (_, c_n) = lstm(xs, state)
        else:
            output, (_, c_n) = lstm(xs.transpose(0, 1), state)
            output = output.transpose(0, 1)
        h, c = h0, c0
        with _no_calls(lstm):
            for t in range(steps):
                call = "your `lstm_step(x, h, c)`"
                hint = "x is [batch, I], h and c [batch, H]"
                result = _call(call, step, xs[:, t], h, c, hint=hint)
                h_next, c_next = _pair(result, "`lstm_step`", expected)
                for name, value in (("h_next", h_next), ("c_next", c_next)):
                    _shape(value, f"{name} (what lstm_step returned)", (batch, size_h))
                last = t == steps - 1
                if not (_close(h_next, output[:, t]) and (not last or _close(c_next, c_n[0]))):
                    if t == 0:
                        raise CheckError(
                            "the first step of `lstm_step` does not match nn.LSTM: "
                            + _lstm_mistake(lstm, xs[:, 0], h0, c0, (h_next, c_next))
                        )
                    raise CheckError(
                        f"step 1 of `lstm_step` matches nn.LSTM but step {t + 1} does not: does "
                        "lstm_step use its arguments h and c (not global variables) and the "
                        "weights of `lstm`?"
                    )
                h, c = h_next, c_next
    return (
        "three steps of lstm_step, from a random state, match nn.LSTM's output and final cell "
        "state, without calling the LSTM: the gates come stacked as i, f, g, o."
    )


@contextlib.contextmanager
def _no_calls(lstm: nn.LSTM) -> Iterator[None]:
    """While the block runs, calling ``lstm`` itself raises a `CheckError`."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise CheckError(
            "`lstm_step` calls the LSTM itself: compute the step by hand from its weights, "
            "lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0 and lstm.bias_hh_l0"
        )

    lstm.forward = refuse  # an instance attribute shadows the class's forward
    try:
        yield
    finally:
        del lstm.forward
