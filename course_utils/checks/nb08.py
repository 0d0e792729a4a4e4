"""Answer checks for notebook 08, why gates help."""

from __future__ import annotations

import math

import torch
from torch import nn

from course_utils.checks._core import (
    CheckError,
    _call,
    _callable,
    _close,
    _discussion,
    _given,
    _register,
    _returned,
)


@_register("08.1")
def _check_08_1(answer: object) -> str:
    """Discussion: forget-gate biases 1 and 3 at L = 25."""
    return _discussion(
        answer,
        f"sigma(1) = {1 / (1 + math.e**-1):.2f} keeps 0.73^25, about 4e-4, of the memory over "
        f"25 steps at the start; sigma(3) = {1 / (1 + math.e**-3):.2f} keeps 0.95^25, about "
        "0.28. The more the gate keeps at the start, the sooner training finds the long path. "
        "One seed only: rerun with others before you rank them.",
    )


@_register("08.2")
def _check_08_2(gru_with_update_bias: object) -> str:
    """gru_with_update_bias(bias) -> nn.GRU whose update gate z has total bias `bias`."""
    make = _callable(
        gru_with_update_bias, "gru_with_update_bias", "gru_with_update_bias(bias) -> an nn.GRU"
    )
    for bias in (5.0, 2.0):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            gru = _call(f"your `gru_with_update_bias({bias})`", make, bias)
        _returned(
            gru,
            f"`gru_with_update_bias({bias})`",
            'the GRU, make_cell("GRU"), with its update-gate bias set',
        )
        if not isinstance(gru, nn.GRU):
            raise CheckError(
                f"`gru_with_update_bias({bias})` should return a one-layer nn.GRU "
                f'(make_cell("GRU")), got a {type(gru).__name__}'
            )
        if not gru.bias:
            raise CheckError('the GRU has no biases: build it with make_cell("GRU")')
        size = gru.hidden_size
        b_ih, b_hh = gru.bias_ih_l0.detach().cpu(), gru.bias_hh_l0.detach().cpu()
        thirds = [(b_ih + b_hh)[i * size : (i + 1) * size] for i in range(3)]
        target = torch.full((size,), bias)
        if _close(thirds[1], target):
            continue
        if _close(thirds[0], target):
            hint = (
                "you set the first third, the reset gate r; the gates are r, z, n: z is [H : 2 * H]"
            )
        elif _close(thirds[2], target):
            hint = (
                "you set the last third, the candidate n; the gates are r, z, n: z is [H : 2 * H]"
            )
        elif _close(thirds[1], 2 * target):
            hint = "the gate sees bias_ih_l0 + bias_hh_l0: set each to bias / 2"
        elif _close(b_ih[size : 2 * size], target) or _close(b_hh[size : 2 * size], target):
            hint = (
                "you set only one of the two bias vectors; the gate sees bias_ih_l0 + "
                "bias_hh_l0: set both slices to bias / 2"
            )
        elif bias == 2.0:
            hint = "it works for 5.0 only: use the argument `bias`, not a fixed number"
        else:
            hint = "set bias_ih_l0[H : 2 * H] and bias_hh_l0[H : 2 * H] to bias / 2"
        raise CheckError(
            f"with gru_with_update_bias({bias}), the update gate z should see a bias of {bias} "
            f"(bias_ih_l0 + bias_hh_l0 at [H : 2 * H]): {hint}"
        )
    return (
        "the update gate z (the second third of the biases, order r, z, n) sees bias_ih + "
        "bias_hh = bias: with z near 1 the GRU copies its state forward, and the gradient "
        "travels back as in the LSTM with an open forget gate."
    )


@_register("08.3")
def _check_08_3(answer: object) -> str:
    """Discussion: why the recall task reads only the last state."""
    return _discussion(
        answer,
        "averaging the states would give the first step's state, which holds the key, a direct "
        "path to the output, 1/(L+1) of the average with no recurrence in between. The model "
        "could read the key without carrying it, so the task would no longer test memory. "
        "Attention (notebook 10) is that idea made selective: a learned, weighted average.",
    )


@_register("08.4")
def _check_08_4(answer: object) -> str:
    """Discussion: the share of the cell state a fresh LSTM keeps, sigma(b) ** L."""
    return _discussion(
        answer,
        "sigma(b) ** 50 is about 9e-16 for b = 0, 2e-7 for b = 1, 0.09 for b = 3 and 0.7 for "
        "b = 5: only biases 3 and 5 keep more than 1% of the memory over 50 steps at the start. "
        "That matches the recall table (the default LSTM never got started, bias 5 solved every "
        "distance, 50 with a longer budget) and exercise 1 (bias 3 was enough at 25, bias 1 was "
        "not). It pictures the start only: training can open or close the gate.",
    )


@_register("08.5")
def _check_08_5(gru_run: object, verdict: object) -> str:
    """The GRU at L = 25 with a longer budget: train_recall's result and "wall" or "budget"."""
    _given(gru_run, "gru_run", 'train_recall("GRU", None, 25, seed=0, max_steps=1_500)')
    if not (isinstance(gru_run, tuple | list) and len(gru_run) == 3):
        raise CheckError(
            "`gru_run` should be what train_recall returns, (test accuracy, steps, reached), "
            f"got {type(gru_run).__name__} {gru_run!r:.80}"
        )
    accuracy, steps, reached = gru_run
    if not (isinstance(accuracy, float) and 0 <= accuracy <= 1 and isinstance(steps, int)):
        raise CheckError(
            "`gru_run` should be (test accuracy as a float, steps as an int, reached as a bool), "
            f"as train_recall returns it; got {gru_run!r:.80}"
        )
    if steps <= 300 and not reached:
        raise CheckError(
            f"your run stopped after {steps} steps, within the table's budget of 300: pass "
            "max_steps=1_500 so that the GRU gets a longer one"
        )
    _given(verdict, "verdict", '"wall" or "budget"')
    if verdict not in ("wall", "budget"):
        raise CheckError(f'`verdict` should be "wall" or "budget", got {verdict!r}')
    if reached and verdict == "wall":
        raise CheckError(
            f"your GRU reached 99% of the validation keys after {steps} steps: a wall would have "
            'stopped it at any budget, so the answer is "budget"'
        )
    if not reached and verdict == "budget":
        raise CheckError(
            f"your GRU did not reach 99% within {steps} steps ({accuracy:.0%} of the test keys): "
            'what you measured does not show that more steps help; say "wall" for this budget, '
            "or try another seed or more steps"
        )
    if reached and steps <= 300:
        return (
            f"{accuracy:.0%} of the test keys after {steps} steps: this run learned within the "
            "table's budget, where seed 0 did not. Seeds differ; the table's medians are the "
            "measurement, one run decides little."
        )
    if reached:
        return (
            f"{accuracy:.0%} of the test keys after {steps} steps, where the table's 300 steps "
            "left it at chance: a plateau, not a wall, and the 300-step budget hid it. Print the "
            "validation accuracy every 100 steps to see how long the plateau lasts."
        )
    return (
        f"{accuracy:.0%} of the test keys after {steps} steps: within this budget, a wall. Other "
        "seeds may get off the plateau later; one seed decides nothing."
    )
