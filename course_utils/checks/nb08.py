"""Answer checks for notebook 08, why gates help."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from course_utils.checks._core import (
    CheckError,
    _call,
    _callable,
    _class,
    _close,
    _discussion,
    _evaluating,
    _generator,
    _given,
    _module,
    _place,
    _register,
    _returned,
)
from course_utils.ciphers import make_recall_dataset

#: The notebook's sizes: make_cell builds every cell with input EMBED and HIDDEN units.
_EMBED, _HIDDEN = 16, 32

#: What the checks read from a RecallRun, the record the notebook's train_recall returns.
_RUN_FIELDS = ("cell", "gap", "seed", "max_steps", "model", "val_curve", "reached", "steps")


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _run(value: object, name: str, call: str) -> object:
    """A RecallRun (what train_recall returns), with every field the checks read."""
    _given(value, name, f"the RecallRun that {call} returns")
    missing = [field for field in _RUN_FIELDS if not hasattr(value, field)]
    if missing:
        raise CheckError(
            f"`{name}` should be the RecallRun that {call} returns, got a {type(value).__name__}"
            + (f" without {', '.join(missing)}" if len(missing) < len(_RUN_FIELDS) else "")
        )
    if not isinstance(value.cell, dict):
        raise CheckError(
            f"`{name}.cell` should be the dict the cell was built from, got {value.cell!r}"
        )
    return value


def _setting(run: object) -> tuple[object, object, object]:
    """The cell's kind, forget bias and gain (None where not given)."""
    return run.cell.get("kind"), run.cell.get("forget_bias"), run.cell.get("gain")


def _describe(run: object) -> str:
    kind, forget_bias, gain = _setting(run)
    extras = [f"forget bias {forget_bias}"] * (forget_bias is not None)
    extras += [f"gain {gain}"] * (gain is not None)
    article = "an" if kind in ("RNN", "LSTM") else "a"
    return f"{article} {kind}" + (f" with {', '.join(extras)}" if extras else "")


def _best(run: object) -> float:
    return max(float(accuracy) for _, accuracy in run.val_curve)


def _reached_as_recorded(run: object, name: str) -> None:
    """The run's `reached` agrees with its learning curve and with its model on fresh messages."""
    curve = list(run.val_curve)
    if not curve:
        raise CheckError(f"`{name}.val_curve` is empty: pass the RecallRun train_recall returned")
    last = float(curve[-1][1])
    if bool(run.reached) != (last >= 0.99):
        raise CheckError(
            f"`{name}.reached` is {run.reached}, but its learning curve ends at {last:.0%}: pass "
            "the RecallRun that train_recall returned, unchanged"
        )
    if run.reached:
        accuracy = _recall_accuracy(_module(run.model, f"{name}.model", "the trained model"), run)
        if accuracy < 0.9:
            raise CheckError(
                f"`{name}` says it reached 99% of the validation keys, but its model recalls "
                f"{accuracy:.0%} of 500 fresh messages at L = {run.gap}: pass the run whose model "
                "train_recall trained"
            )


def _recall_accuracy(model: nn.Module, run: object) -> float:
    """The share of 500 fresh messages at the run's distance whose key the model names."""
    messages, keys = make_recall_dataset(500, int(run.gap), generator=_generator(808))
    with _evaluating(model):
        scores = _call("the trained model on fresh messages", model, _place(messages, model))
    return (scores.argmax(dim=-1).cpu() == keys).float().mean().item()


def _outcome(run: object) -> str:
    if run.reached:
        return f"99% after {run.steps:,} steps"
    return f"no 99% within {run.max_steps:,} steps (best {_best(run):.0%})"


@_register("08.1")
def _check_08_1(bias_runs: object, fast_biases: object) -> str:
    """Forget biases 1 and 3 at L = 25: the two runs, and the biases whose run reached 99%."""
    call = 'train_recall(dict(kind="LSTM", forget_bias=...), 25, seed=0, max_steps=400)'
    _given(bias_runs, "bias_runs", "a list of two runs, forget bias 1 and forget bias 3")
    if all(hasattr(bias_runs, field) for field in _RUN_FIELDS):
        raise CheckError("`bias_runs` is one run: it should be a list of two, for biases 1 and 3")
    if not isinstance(bias_runs, Sequence) or len(bias_runs) != 2:
        raise CheckError(
            "`bias_runs` should be a list of two runs, forget bias 1 and forget bias 3, got "
            f"{type(bias_runs).__name__}"
            + (f" of {len(bias_runs)}" if isinstance(bias_runs, Sequence) else "")
        )
    runs = [_run(run, f"bias_runs[{i}]", call) for i, run in enumerate(bias_runs)]
    for i, run in enumerate(runs):
        kind, forget_bias, _ = _setting(run)
        where = f"`bias_runs[{i}]`"
        if kind != "LSTM":
            raise CheckError(f"{where} trained {_describe(run)}: the exercise asks for the LSTM")
        if forget_bias is None:
            raise CheckError(
                f"{where} is the default LSTM, with no forget bias set: build it from "
                'dict(kind="LSTM", forget_bias=1.0), and 3.0 for the other run'
            )
        if run.gap != 25:
            raise CheckError(f"{where} trained at L = {run.gap}: the exercise asks for L = 25")
        if run.max_steps != 400:
            raise CheckError(
                f"{where} had a budget of {run.max_steps:,} steps: the exercise gives 400 "
                "(max_steps=400), so that both biases get the same budget as in the question"
            )
        if run.seed != 0:
            raise CheckError(
                f"{where} trained with seed {run.seed}: the exercise asks for seed 0 (seed=0); "
                "try other seeds afterwards, one run each decides little"
            )
        _reached_as_recorded(run, f"bias_runs[{i}]")
    biases = [float(run.cell["forget_bias"]) for run in runs]
    if sorted(biases) != [1.0, 3.0]:
        raise CheckError(
            f"your runs have forget biases {biases}: the exercise asks for 1 and 3, one run each"
        )
    _given(fast_biases, "fast_biases", "the list of the biases whose run reached 99%")
    if not isinstance(fast_biases, Sequence) or isinstance(fast_biases, str):
        raise CheckError(
            "`fast_biases` should be a list of the biases whose run reached 99% (maybe empty), "
            f"got a {type(fast_biases).__name__}"
        )
    try:
        given = {float(bias) for bias in fast_biases}
    except (TypeError, ValueError) as error:
        raise CheckError(
            f"`fast_biases` should hold numbers, the biases (1.0, 3.0), got {fast_biases!r}"
        ) from error
    for run, bias in zip(runs, biases, strict=True):
        if bias in given and not run.reached:
            raise CheckError(
                f"the run with forget bias {bias:g} did not reach 99% ({_outcome(run)}): leave "
                "it out of `fast_biases`"
            )
        if bias not in given and run.reached:
            raise CheckError(
                f"the run with forget bias {bias:g} reached 99% ({_outcome(run)}): put it in "
                "`fast_biases`"
            )
    if not given <= {1.0, 3.0}:
        raise CheckError(f"`fast_biases` holds {sorted(given)}: only 1 and 3 were trained")
    ordered = sorted(zip(biases, runs, strict=True), key=lambda pair: pair[0])
    outcomes = "; ".join(f"forget bias {bias:g}: {_outcome(run)}" for bias, run in ordered)
    return (
        f"{outcomes}, at L = 25, seed 0. The time constant at the start, 1 + e^b, is "
        f"{1 + math.e:.1f} steps for b = 1 and {1 + math.e**3:.1f} for b = 3, against a distance "
        "of 25. One seed each: rerun with others before you rank them."
    )


@_register("08.2")
def _check_08_2(gru_with_update_bias: object) -> str:
    """gru_with_update_bias(bias) -> nn.GRU whose update gate z, and only z, has total bias."""
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
        built = {
            "input_size": (gru.input_size, _EMBED, "the embedding's width, EMBED"),
            "hidden_size": (gru.hidden_size, _HIDDEN, "HIDDEN"),
            "num_layers": (gru.num_layers, 1, "one layer"),
            "batch_first": (gru.batch_first, True, "batches first, as the lesson's messages are"),
        }
        for attribute, (got, wanted, meaning) in built.items():
            if got != wanted:
                raise CheckError(
                    f"your GRU has {attribute}={got!r}, but the cell should be built as "
                    f'make_cell("GRU") builds it, with {attribute}={wanted!r} ({meaning}): '
                    'start from make_cell("GRU") and change only the biases'
                )
        size = gru.hidden_size
        b_ih, b_hh = gru.bias_ih_l0.detach().cpu(), gru.bias_hh_l0.detach().cpu()
        thirds = [(b_ih + b_hh)[i * size : (i + 1) * size] for i in range(3)]
        target = torch.full((size,), bias)
        if not _close(thirds[1], target):
            if _close(thirds[0], target):
                hint = (
                    "you set the first third, the reset gate r; the gates are r, z, n: z is "
                    "[H : 2 * H]"
                )
            elif _close(thirds[2], target):
                hint = (
                    "you set the last third, the candidate n; the gates are r, z, n: z is "
                    "[H : 2 * H]"
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
                f"with gru_with_update_bias({bias}), the update gate z should see a bias of "
                f"{bias} (bias_ih_l0 + bias_hh_l0 at [H : 2 * H]): {hint}"
            )
        fresh = 1 / math.sqrt(size)  # PyTorch starts every bias uniform in +-1/sqrt(H)
        for index, gate in ((0, "the reset gate r"), (2, "the candidate n")):
            for vector_name, vector in (("bias_ih_l0", b_ih), ("bias_hh_l0", b_hh)):
                part = vector[index * size : (index + 1) * size]
                if part.abs().max() > fresh + 1e-6 or bool((part == part[0]).all()):
                    raise CheckError(
                        f"with gru_with_update_bias({bias}), {vector_name} of {gate} "
                        f"([{index} * H : {index + 1} * H]) changed too: set only the update "
                        "gate z's biases, [H : 2 * H], and leave r and n as make_cell builds them"
                    )
    return (
        "the update gate z (the second third of the biases, order r, z, n) sees bias_ih + "
        "bias_hh = bias, and r and n keep their fresh biases: z starts near sigma(bias), so "
        "with bias 5 the GRU keeps about 99% of h_(t-1) at each step. Unlike the LSTM's "
        "separate forget and input gates, z is one gate for both: the more of h_(t-1) it "
        "keeps, the less of the candidate n_t it writes."
    )


def _mean_readout_hint(model: nn.Module, messages: torch.Tensor, scores: torch.Tensor) -> str:
    """Which wrong readout the scores match, if any."""
    output, _ = model.rnn(model.embed(messages))
    readouts = {
        "it still reads the last state, output[:, -1]": output[:, -1],
        "it reads the first state only: average over every step": output[:, 0],
        "that is the sum of the states: divide by the number of steps, or use .mean(dim=1)": (
            output.sum(dim=1)
        ),
        "it leaves out the first state, which holds the key: average over every step": (
            output[:, 1:].mean(dim=1)
        ),
    }
    for hint, states in readouts.items():
        if _close(scores, model.head(states), atol=1e-4, rtol=1e-4):
            return hint
    return "its scores are not head(output.mean(dim=1)), the average over the steps"


@_register("08.3")
def _check_08_3(RecallMean: object, mean_run: object, answer: object) -> str:
    """RecallMean's head reads the states' average over time; the default LSTM trained with it
    for 300 steps; and the learner's explanation (a discussion)."""
    cls = _class(RecallMean, "RecallMean", "a subclass of Recall whose forward averages the states")
    call = 'train_recall(CELLS["LSTM"], 25, seed=0, max_steps=300, model_class=RecallMean)'
    run = _run(mean_run, "mean_run", call)
    model = _module(run.model, "mean_run.model", "the trained RecallMean")
    if not isinstance(model, cls):
        raise CheckError(
            f"`mean_run.model` is a {type(model).__name__}, not a RecallMean: pass "
            "model_class=RecallMean to train_recall"
        )
    for part in ("embed", "rnn", "head"):
        if not isinstance(getattr(model, part, None), nn.Module):
            raise CheckError(
                f"your RecallMean has no `{part}` module: subclass Recall and change only forward"
            )
    kind, forget_bias, gain = _setting(run)
    if kind != "LSTM" or forget_bias is not None or gain is not None:
        raise CheckError(
            f"`mean_run` trained {_describe(run)}: the exercise asks for the default LSTM, "
            'CELLS["LSTM"], the one that failed at L = 25 reading the last state'
        )
    if run.gap != 25:
        raise CheckError(f"`mean_run` trained at L = {run.gap}: the exercise asks for L = 25")
    if run.max_steps != 300:
        raise CheckError(
            f"`mean_run` had a budget of {run.max_steps:,} steps: the exercise gives 300 "
            "(max_steps=300)"
        )
    for gap in (7, 25):
        messages, _ = make_recall_dataset(5, gap, generator=_generator(gap))
        messages = _place(messages, model)
        with _evaluating(model):
            scores = _call(
                "your RecallMean on 5 messages",
                model,
                messages,
                hint="average the states over the steps, output.mean(dim=1)",
            )
            if not isinstance(scores, torch.Tensor):
                raise CheckError(
                    f"RecallMean should return scores, a tensor, got a {type(scores).__name__}"
                )
            if tuple(scores.shape) == (gap + 1, 27):
                raise CheckError(
                    "RecallMean's scores have one row per step, not per message: you averaged "
                    "over the batch (dim=0); average over the steps, output.mean(dim=1)"
                )
            if tuple(scores.shape) != (5, 27):
                raise CheckError(
                    f"RecallMean on 5 messages should give scores of shape (5, 27), got "
                    f"{tuple(scores.shape)}: average output over the steps, dim=1"
                )
            output, _ = model.rnn(model.embed(messages))
            expected = model.head(output.mean(dim=1))
            if not _close(scores, expected, atol=1e-4, rtol=1e-4):
                raise CheckError(
                    f"RecallMean's forward should give the head the average of the states over "
                    f"the steps: {_mean_readout_hint(model, messages, scores)}"
                )
    _reached_as_recorded(run, "mean_run")
    noted = _discussion(
        answer,
        "the average holds the first state, which holds the key, with weight 1/(L+1) and no "
        "recurrence in between: the model can read the key without carrying it, so the task "
        "would no longer test memory. Attention (notebook 10) is that idea made selective: a "
        "learned, weighted average.",
    )
    return (
        "RecallMean's scores are head(the average of the states over the steps), checked on "
        f"messages of the check's own. Your default LSTM with it at L = 25: {_outcome(run)}; "
        f"{noted}"
    )


_BIASES, _DISTANCES, _TERMS = (0.0, 1.0, 3.0, 5.0), (10, 25, 50), (10, 100, 10_000)


def _array(value: object, name: str, what: str) -> np.ndarray:
    _given(value, name, what)
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().double().numpy()
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as error:
        raise CheckError(f"`{name}` should be {what}, got {type(value).__name__}") from error
    if np.isnan(array).any():
        raise CheckError(f"`{name}` holds nan: it should be {what}")
    return array


def _matches(got: np.ndarray, wanted: np.ndarray) -> bool:
    return got.shape == wanted.shape and bool(np.allclose(got, wanted, rtol=1e-3, atol=0))


@_register("08.4")
def _check_08_4(kept: object, memory: object) -> str:
    """sigma(b) ** L for b = 0, 1, 3, 5 and L = 10, 25, 50; and the partial sums of
    sigma(b) ** k over the first K = 10, 100, 10,000 terms, computed, not typed in."""
    gates = np.array([_sigmoid(bias) for bias in _BIASES])
    distances = np.array(_DISTANCES, dtype=float)
    what = "a 4 x 3 array: rows b = 0, 1, 3, 5, columns L = 10, 25, 50"
    shares = _array(kept, "kept", what)
    if shares.shape == (3, 4):
        raise CheckError(
            "`kept` is transposed: its rows should be the biases (0, 1, 3, 5) and its columns "
            "the distances (10, 25, 50); use kept.T"
        )
    if shares.shape != (4, 3):
        raise CheckError(f"`kept` should be {what}, got shape {shares.shape}")
    wrong_kept = {
        "off by one: over L steps the forget gate multiplies the state L times, sigma(b) ** L": (
            gates[:, None] ** (distances[None, :] + 1),
            gates[:, None] ** (distances[None, :] - 1),
        ),
        "that is 1 - sigma(b), the share forgotten at each step: the share kept is sigma(b)": (
            (1 - gates[:, None]) ** distances[None, :],
        ),
        "that is sigma(b) * L: the share is a product of L factors, sigma(b) ** L": (
            gates[:, None] * distances[None, :],
        ),
        "you raised b itself: the forget gate is sigma(b), torch.sigmoid(b)": (
            np.array(_BIASES)[:, None] ** distances[None, :],
        ),
    }
    if not _matches(shares, gates[:, None] ** distances[None, :]):
        for hint, candidates in wrong_kept.items():
            if any(_matches(shares, candidate) for candidate in candidates):
                raise CheckError(f"`kept` is not sigma(b) ** L: {hint}")
        raise CheckError(
            "`kept` should be sigma(b) ** L, rows b = 0, 1, 3, 5 and columns L = 10, 25, 50 "
            f"(its first row should be 0.5 ** L: {0.5**10:.1e}, {0.5**25:.1e}, {0.5**50:.1e})"
        )
    sums_what = "a 4 x 3 array: rows b = 0, 1, 3, 5, columns K = 10, 100, 10,000 terms"
    sums = _array(memory, "memory", sums_what)
    limits = 1 + np.exp(_BIASES)
    if sums.shape == (4,) or sums.size == 4:
        hint = (
            "you gave the 4 limits, one per bias"
            if _matches(sums.reshape(-1), limits)
            else "you gave 4 numbers, one per bias"
        )
        raise CheckError(
            f"`memory` should be {sums_what}, the sums of the first K terms; {hint}: compute "
            "one sum per bias and per K"
        )
    if sums.shape == (3, 4):
        raise CheckError(
            "`memory` is transposed: its rows should be the biases (0, 1, 3, 5) and its columns "
            "the numbers of terms (10, 100, 10,000); use memory.T"
        )
    if sums.shape != (4, 3):
        raise CheckError(f"`memory` should be {sums_what}, got shape {sums.shape}")

    def partial(terms: np.ndarray) -> np.ndarray:  # sum of sigma(b) ** k for k < terms
        return (1 - gates[:, None] ** terms[None, :]) / (1 - gates[:, None])

    counts = np.array(_TERMS, dtype=float)
    if not _matches(sums, partial(counts)):
        if _matches(sums, np.repeat(limits[:, None], 3, axis=1)):
            hint = (
                "every column holds the limit 1 + e^b: the exercise asks for the sums of the "
                "first K terms, computed, which reach the limit only for large K"
            )
        elif _matches(sums, partial(counts + 1)):
            hint = "off by one: the first K terms are k = 0, 1, ..., K - 1, one term fewer"
        elif _matches(sums, partial(counts) - 1) or _matches(sums, partial(counts + 1) - 1):
            hint = (
                "you started the sum at k = 1: the sum starts at k = 0, where the share kept is 1"
            )
        elif _matches(sums, gates[:, None] ** (counts[None, :] - 1)) or _matches(
            sums, gates[:, None] ** counts[None, :]
        ):
            hint = "that is the last term, sigma(b) ** K, alone: add up all K terms"
        else:
            hint = "sum sigma(b) ** k over k = 0, 1, ..., K - 1, for each bias and each K"
        raise CheckError(f"`memory` is not the sums of the first K terms: {hint}")
    return (
        "kept = sigma(b) ** L: biases 3 and 5 keep more than 1% over 50 steps "
        f"({gates[2] ** 50:.0%} and {gates[3] ** 50:.0%}), 0 and 1 almost nothing. The sums of "
        "the first 10, 100 and 10,000 terms approach the time constant 1 + e^b = "
        + ", ".join(f"{value:.1f}" for value in limits)
        + f" steps; with b = 5 the first 100 terms reach {sums[3, 1]:.1f}, "
        f"{sums[3, 1] / limits[3]:.0%} of it. A picture of the start only: training moves the "
        "gates."
    )


#: 08.5's verdict when the run did not reach 99%: what was measured, not "wall".
_NOT_WITHIN = "not within 1,200"


def _verdict(value: object) -> str:
    """The verdict the learner typed, "budget" or "not within 1,200" (case and commas aside)."""
    _given(value, "verdict", f'"budget" or "{_NOT_WITHIN}"')
    if not isinstance(value, str):
        raise CheckError(
            f'`verdict` should be a str, "budget" or "{_NOT_WITHIN}", got a {type(value).__name__}'
        )
    typed = " ".join(value.lower().replace(",", "").split())
    if typed == "budget":
        return "budget"
    if typed in ("not within 1200", "no 99% within 1200", "not within 1200 steps"):
        return _NOT_WITHIN
    if typed == "wall":
        raise CheckError(
            '"wall" claims more than one run can show: that no budget, seed or learning rate '
            f'would do. Say what you measured: "{_NOT_WITHIN}" if your run did not reach 99%, '
            '"budget" if it did'
        )
    raise CheckError(f'`verdict` should be "budget" or "{_NOT_WITHIN}", got {value!r}')


@_register("08.5")
def _check_08_5(lstm_run: object, verdict: object) -> str:
    """The default LSTM at L = 10 with 1,200 steps: its run, and "budget" (it reached 99%)
    or "not within 1,200" (it did not)."""
    run = _run(lstm_run, "lstm_run", 'train_recall(CELLS["LSTM"], 10, seed=0, max_steps=1_200)')
    kind, forget_bias, gain = _setting(run)
    if kind != "LSTM" or forget_bias is not None or gain is not None:
        raise CheckError(
            f"`lstm_run` trained {_describe(run)}: the question is about the default LSTM, "
            'CELLS["LSTM"], which stayed at chance at L = 10 within 300 steps'
        )
    if run.gap != 10:
        raise CheckError(f"`lstm_run` trained at L = {run.gap}: the question is about L = 10")
    if run.max_steps < 1_200:
        raise CheckError(
            f"`lstm_run` had a budget of {run.max_steps:,} steps: the question is whether 1,200 "
            "steps get the default LSTM off its plateau; pass max_steps=1_200"
        )
    _reached_as_recorded(run, "lstm_run")
    said = _verdict(verdict)
    if run.reached and said == _NOT_WITHIN:
        raise CheckError(
            f"your LSTM reached 99% of the validation keys after {run.steps:,} steps: more steps "
            'got it there, so the answer is "budget"'
        )
    if not run.reached and said == "budget":
        raise CheckError(
            f"your LSTM did not reach 99% within {run.steps:,} steps (best {_best(run):.0%}): "
            f'what you measured does not show that more steps help; say "{_NOT_WITHIN}"'
        )
    if run.reached and run.steps <= 300:
        return (
            f"your default LSTM reached 99% after {run.steps} steps, within 300: this run got "
            "off the plateau where the lesson's did not. Seeds and machines differ; one run "
            "decides little."
        )
    if run.reached:
        return (
            f"your default LSTM reached 99% after {run.steps:,} steps, beyond the 300 it had in "
            "the lesson: a plateau, not a wall, and the 300-step budget hid it."
        )
    return (
        f"your default LSTM stayed below 99% for all {run.steps:,} steps (best {_best(run):.0%}): "
        f"not within {run.max_steps:,} steps, at a learning rate of 0.01 and this seed. That is "
        "not a wall: a longer budget, another seed or another learning rate may still get it "
        "off the plateau."
    )
