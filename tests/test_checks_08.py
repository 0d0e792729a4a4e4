"""The answer checks of notebook 08, why gates help.

Each check fails on its stub with a message that says what to write, passes on a
reference answer, and rejects the plausible wrong answers with a hint at the mistake.
"""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch
from checks_common import fails, passes, stub, stub_tests
from torch import nn

# --- a copy of the notebook's classes -------------------------------------------------------


HIDDEN, EMBED = 32, 16  # notebook 08


def make_cell(kind, forget_bias=None, gain=None):
    cell = getattr(nn, kind)(EMBED, HIDDEN, batch_first=True)
    with torch.no_grad():
        if forget_bias is not None:
            cell.bias_ih_l0[HIDDEN : 2 * HIDDEN] = forget_bias / 2
            cell.bias_hh_l0[HIDDEN : 2 * HIDDEN] = forget_bias / 2
        if gain is not None:
            nn.init.orthogonal_(cell.weight_hh_l0, gain=gain)
    return cell


class Recall(nn.Module):
    def __init__(self, kind, forget_bias=None, gain=None):
        super().__init__()
        self.embed = nn.Embedding(27, EMBED)
        self.rnn = make_cell(kind, forget_bias, gain)
        self.head = nn.Linear(HIDDEN, 27)

    def forward(self, messages):
        output, _ = self.rnn(self.embed(messages))
        return self.head(output[:, -1])


@dataclasses.dataclass
class RecallRun:
    cell: dict
    gap: int
    seed: int
    max_steps: int
    model: nn.Module
    val_curve: list = dataclasses.field(default_factory=list)
    grad_norms: list = dataclasses.field(default_factory=list)
    reached: bool = False
    steps: int = 0
    test_accuracy: float = float("nan")


class Oracle(nn.Module):
    """A stand-in for a trained model: it names the first symbol of every message."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(10.0))

    def forward(self, messages):
        return self.scale * nn.functional.one_hot(messages[:, 0], 27).float()


def a_run(cell, gap, max_steps, reached, steps=None, model=None, seed=0):
    """A RecallRun as train_recall returns it, without training: an oracle if it reached 99%."""
    steps = steps or (250 if reached else max_steps)
    curve = [(step, 0.04) for step in range(0, steps, 50)] + [(steps, 1.0 if reached else 0.05)]
    if model is None:
        torch.manual_seed(0)
        model = Oracle() if reached else Recall(**cell)
    return RecallRun(cell, gap, seed, max_steps, model, curve, [], reached, steps)


STUBS = {
    "08.1": ((..., ...), "`bias_runs` is still `...`"),
    "08.2": ((stub,), "`gru_with_update_bias(5.0)` returned None: it should return the GRU"),
    "08.4": ((..., ...), "`kept` is still `...`"),
    "08.5": ((..., ...), "`lstm_run` is still `...`"),
}


class RecallMean(Recall):
    def forward(self, messages):
        output, _ = self.rnn(self.embed(messages))
        return self.head(output.mean(dim=1))


class RecallMeanStub(Recall):
    def forward(self, messages): ...


STUBS["08.3"] = ((RecallMeanStub, ..., ...), "`mean_run` is still `...`")
test_every_exercise_has_a_stub_test, test_the_stub_fails_and_says_what_to_write = stub_tests(
    "08", STUBS
)


# --- 08.1: forget biases 1 and 3 at L = 25 ----------------------------------------------------


def bias_runs(gap=25, biases=(1.0, 3.0), max_steps=400, reached=(False, True), seed=0):
    return [
        a_run(dict(kind="LSTM", forget_bias=bias), gap, max_steps, done, seed=seed)
        for bias, done in zip(biases, reached, strict=True)
    ]


def test_08_1(capsys):
    out = passes(capsys, "08.1", bias_runs(), [3.0])
    assert "forget bias 1: no 99% within 400 steps" in out and "forget bias 3: 99% after 250" in out
    assert "3.7 steps for b = 1 and 21.1 for b = 3" in out and "at L = 25, seed 0" in out
    passes(capsys, "08.1", bias_runs(reached=(False, False)), [])
    passes(capsys, "08.1", bias_runs(reached=(True, True)), (1, 3))
    # the right runs, a wrong reading of them
    fails("08.1", bias_runs(), [1.0, 3.0], match="forget bias 1 did not reach 99%")
    fails("08.1", bias_runs(), [], match="forget bias 3 reached 99% (99% after 250 steps): put it")
    fails("08.1", bias_runs(), [1.0], match="forget bias 1 did not reach 99%")
    fails("08.1", bias_runs(), "3.0", match="`fast_biases` should be a list")
    # the wrong runs
    fails("08.1", bias_runs(gap=10), [3.0], match="trained at L = 10: the exercise asks for L = 25")
    fails("08.1", bias_runs(biases=(1.0, 5.0)), [5.0], match="forget biases [1.0, 5.0]")
    fails("08.1", bias_runs(max_steps=300), [3.0], match="a budget of 300 steps")
    # a longer budget, or another seed, than the exercise's: the comparison is no longer its own
    fails("08.1", bias_runs(max_steps=1_200), [3.0], match="a budget of 1,200 steps")
    fails("08.1", bias_runs(max_steps=401), [3.0], match="the exercise gives 400")
    fails(
        "08.1", bias_runs(seed=1), [3.0], match="trained with seed 1: the exercise asks for seed 0"
    )
    default = [a_run(dict(kind="LSTM"), 25, 400, False), bias_runs()[1]]
    fails("08.1", default, [3.0], match="is the default LSTM, with no forget bias set")
    gru = [a_run(dict(kind="GRU", forget_bias=1.0), 25, 400, False), bias_runs()[1]]
    fails("08.1", gru, [3.0], match="trained a GRU with forget bias 1.0")
    fails("08.1", bias_runs()[1], [3.0], match="`bias_runs` is one run")
    fails("08.1", bias_runs()[:1], [3.0], match="should be a list of two runs")
    fails("08.1", [(0.04, 400, False), (1.0, 250, True)], [3.0], match="RecallRun that")
    # a run that says it reached 99% with a model that does not recall
    untrained = bias_runs()
    untrained[1].model = Recall(kind="LSTM", forget_bias=3.0)
    fails("08.1", untrained, [3.0], match="but its model recalls")
    edited = bias_runs()
    edited[0].reached = True
    fails("08.1", edited, [1.0, 3.0], match="but its learning curve ends at 5%")


# --- 08.2: the GRU's update-gate bias ---------------------------------------------------------


def gru_with_update_bias(bias, thirds=(1,), vectors=("ih", "hh"), share=None):
    """The notebook's solution, or a wrong variant: other thirds, one vector only."""
    gru_cell = make_cell("GRU")
    share = bias / len(vectors) if share is None else share
    with torch.no_grad():
        for vector in vectors:
            for third in thirds:
                part = slice(third * HIDDEN, (third + 1) * HIDDEN)
                getattr(gru_cell, f"bias_{vector}_l0")[part] = share
    return gru_cell


def test_08_2(capsys):
    out = passes(capsys, "08.2", gru_with_update_bias)
    assert "the second third" in out and "r and n keep their fresh biases" in out
    assert "as in the LSTM" not in out and "one gate for both" in out

    def in_one_vector(bias):  # the whole bias in bias_ih, bias_hh's z part set to 0: right total
        gru_cell = gru_with_update_bias(bias, vectors=("ih",))
        with torch.no_grad():
            gru_cell.bias_hh_l0[HIDDEN : 2 * HIDDEN] = 0
        return gru_cell

    passes(capsys, "08.2", in_one_vector)
    passes(capsys, "08.2", lambda b: make_cell("GRU", forget_bias=b))  # the same slice [H : 2H]
    fails("08.2", lambda b: gru_with_update_bias(b, thirds=(0,)), match="the reset gate r")
    fails("08.2", lambda b: gru_with_update_bias(b, thirds=(2,)), match="the candidate n")
    one_vector = lambda b: gru_with_update_bias(b, vectors=("ih",))  # noqa: E731
    fails("08.2", one_vector, match="you set only one of the two bias vectors")
    fails("08.2", lambda b: gru_with_update_bias(b, share=b), match="set each to bias / 2")
    fails("08.2", lambda b: gru_with_update_bias(5.0), match="it works for 5.0 only")
    fails("08.2", lambda b: gru_with_update_bias(1.0), match="set bias_ih_l0[H : 2 * H] and")
    # the update gate right, and another gate changed too
    every_gate = lambda b: gru_with_update_bias(b, thirds=(0, 1, 2))  # noqa: E731
    fails("08.2", every_gate, match="bias_ih_l0 of the reset gate r ([0 * H : 1 * H]) changed")
    z_and_n = lambda b: gru_with_update_bias(b, thirds=(1, 2))  # noqa: E731
    fails("08.2", z_and_n, match="of the candidate n ([2 * H : 3 * H]) changed too")

    def zeroed_others(bias):
        gru_cell = make_cell("GRU")
        with torch.no_grad():
            gru_cell.bias_ih_l0.zero_()
            gru_cell.bias_hh_l0.zero_()
        return _set_z(gru_cell, bias)

    fails("08.2", zeroed_others, match="of the reset gate r ([0 * H : 1 * H]) changed too")
    fails("08.2", lambda b: make_cell("LSTM"), match="got a LSTM")
    fails("08.2", lambda b: nn.GRU(16, 32, bias=False), match="the GRU has no biases")
    # the right bias on a GRU built by hand, not as make_cell builds it
    by_hand = lambda b, **kwargs: _set_z(nn.GRU(**{**HAND, **kwargs}), b)  # noqa: E731
    fails("08.2", by_hand, match="batch_first=False")
    fails("08.2", lambda b: by_hand(b, batch_first=True, input_size=27), match="input_size=27")
    fails("08.2", lambda b: by_hand(b, batch_first=True, num_layers=2), match="num_layers=2")
    narrow = lambda b: _set_z(nn.GRU(16, 8, batch_first=True), b, width=8)  # noqa: E731
    fails("08.2", narrow, match="hidden_size=8")
    fails("08.2", lambda: make_cell("GRU"), match="running your `gru_with_update_bias(5.0)`")


HAND = dict(input_size=EMBED, hidden_size=HIDDEN)  # nn.GRU's defaults: batch_first=False


def _set_z(cell, bias, width=HIDDEN):
    with torch.no_grad():
        cell.bias_ih_l0[width : 2 * width] = bias / 2
        cell.bias_hh_l0[width : 2 * width] = bias / 2
    return cell


# --- 08.3: the average of the states ----------------------------------------------------------


def mean_run(model_class=RecallMean, cell=None, gap=25, max_steps=300):
    """A run of an untrained averaging model that did not reach 99% (no test trains one)."""
    cell = cell or dict(kind="LSTM")
    torch.manual_seed(0)
    return a_run(cell, gap, max_steps, False, model=model_class(**cell))


ANSWER = "The average reads the first state directly, so the key need not be carried."


class LastState(Recall):
    pass


class SumOfStates(Recall):
    def forward(self, messages):
        output, _ = self.rnn(self.embed(messages))
        return self.head(output.sum(dim=1))


class MeanOverBatch(Recall):
    def forward(self, messages):
        output, _ = self.rnn(self.embed(messages))
        return self.head(output.mean(dim=0))


class MeanOverUnits(Recall):
    def forward(self, messages):
        output, _ = self.rnn(self.embed(messages))
        return self.head(output.mean(dim=2))


class FirstState(Recall):
    def forward(self, messages):
        output, _ = self.rnn(self.embed(messages))
        return self.head(output[:, 0])


class MeanAfterKey(Recall):
    def forward(self, messages):
        output, _ = self.rnn(self.embed(messages))
        return self.head(output[:, 1:].mean(dim=1))


def test_08_3(capsys):
    out = passes(capsys, "08.3", RecallMean, mean_run(), ANSWER)
    assert "no 99% within 300 steps" in out and "direct path" not in out
    assert "answer noted" in out and "read the key without carrying it" in out
    for wrong, hint in [
        (LastState, "it still reads the last state"),
        (SumOfStates, "that is the sum of the states"),
        (MeanOverBatch, "you averaged over the batch (dim=0)"),
        (MeanOverUnits, "average the states over the steps, output.mean(dim=1)"),
        (FirstState, "it reads the first state only"),
        (MeanAfterKey, "it leaves out the first state"),
    ]:
        fails("08.3", wrong, mean_run(wrong), ANSWER, match=hint)
    fails("08.3", RecallMean, mean_run(Recall), ANSWER, match="not a RecallMean")
    biased = mean_run(cell=dict(kind="LSTM", forget_bias=5.0))
    fails("08.3", RecallMean, biased, ANSWER, match="trained an LSTM with forget bias 5.0")
    fails("08.3", RecallMean, mean_run(cell=dict(kind="GRU")), ANSWER, match="a GRU")
    fails("08.3", RecallMean, mean_run(gap=10), ANSWER, match="trained at L = 10")
    fails("08.3", RecallMean(kind="LSTM"), ..., ANSWER, match="pass the class `RecallMean` itself")
    # the budget of the lesson's default LSTM (1,200) instead of the exercise's 300
    longer = mean_run(max_steps=1_200)
    fails(
        "08.3", RecallMean, longer, ANSWER, match="a budget of 1,200 steps: the exercise gives 300"
    )
    # the discussion: any real attempt is noted, the stubs are not
    fails("08.3", RecallMean, mean_run(), ..., match="`answer` is still `...`")
    fails("08.3", RecallMean, mean_run(), "", match="`answer` is empty")
    fails("08.3", RecallMean, mean_run(), 3, match="`answer` should be your explanation as a str")
    # says it reached 99%, but the model does not recall
    untrained = mean_run()
    untrained.reached, untrained.val_curve[-1] = True, (150, 1.0)
    fails("08.3", RecallMean, untrained, ANSWER, match="but its model recalls")


# --- 08.4: the share kept and the memory ------------------------------------------------------

BIASES, DISTANCES = torch.tensor([0.0, 1.0, 3.0, 5.0]), torch.tensor([10.0, 25.0, 50.0])
GATES = torch.sigmoid(BIASES).double()
KEPT = GATES[:, None] ** DISTANCES[None, :]
TERMS = (10, 100, 10_000)


def sums(terms=TERMS, first=0):
    """Sums of sigma(b) ** k for k = first, ..., K - 1, rows b, columns K: as a learner sums."""
    return torch.stack(
        [(GATES[:, None] ** torch.arange(first, k)[None, :]).sum(dim=1) for k in terms], dim=1
    )


MEMORY = sums()
LIMITS = 1 + BIASES.exp().double()


def test_08_4(capsys):
    out = passes(capsys, "08.4", KEPT, MEMORY)
    assert "9% and 71%" in out and "2.0, 3.7, 21.1, 149.4 steps" in out
    assert "the first 100 terms reach 73.1, 49% of it" in out
    passes(capsys, "08.4", KEPT.float().numpy(), MEMORY.float())  # float32 sums
    passes(capsys, "08.4", KEPT.tolist(), MEMORY.tolist())
    closed = (1 - GATES[:, None] ** torch.tensor(TERMS)[None, :]) / (1 - GATES[:, None])
    passes(capsys, "08.4", KEPT, closed)  # the partial sums' own formula: a computation too
    fails("08.4", KEPT.T, MEMORY, match="`kept` is transposed")
    fails("08.4", GATES[:, None] ** (DISTANCES[None, :] + 1), MEMORY, match="off by one")
    fails("08.4", GATES[:, None] * DISTANCES[None, :], MEMORY, match="that is sigma(b) * L")
    fails("08.4", (1 - GATES[:, None]) ** DISTANCES, MEMORY, match="the share forgotten")
    fails("08.4", BIASES[:, None] ** DISTANCES[None, :], MEMORY, match="you raised b itself")
    fails("08.4", KEPT[:, :2], MEMORY, match="got shape (4, 2)")
    # the limit typed in instead of the sums computed
    fails("08.4", KEPT, LIMITS, match="you gave the 4 limits, one per bias")
    fails("08.4", KEPT, [1 + math.exp(b) for b in (0, 1, 3, 5)], match="the 4 limits")
    typed = LIMITS[:, None].repeat(1, 3)
    fails("08.4", KEPT, typed, match="every column holds the limit 1 + e^b")
    # the sums computed wrongly
    fails("08.4", KEPT, sums(terms=[k + 1 for k in TERMS]), match="off by one: the first K terms")
    fails("08.4", KEPT, sums(first=1), match="you started the sum at k = 1")
    fails("08.4", KEPT, MEMORY.T, match="`memory` is transposed")
    last_term = GATES[:, None] ** (torch.tensor(TERMS)[None, :] - 1)
    fails("08.4", KEPT, last_term, match="that is the last term, sigma(b) ** K, alone")
    fails("08.4", KEPT, sums(terms=(10, 50, 100)), match="is not the sums of the first K terms")
    fails("08.4", KEPT, MEMORY[:, :2], match="got shape (4, 2)")
    fails("08.4", KEPT, ..., match="`memory` is still `...`")


# --- 08.5: the default LSTM at L = 10, wall or budget -----------------------------------------


def lstm_run(cell=None, gap=10, max_steps=1_200, reached=False, steps=None):
    return a_run(cell or dict(kind="LSTM"), gap, max_steps, reached, steps=steps)


def test_08_5(capsys):
    out = passes(capsys, "08.5", lstm_run(), "not within 1,200")
    assert "not within 1,200 steps" in out and "That is not a wall" in out
    passes(capsys, "08.5", lstm_run(), "Not within 1200")
    passes(capsys, "08.5", lstm_run(max_steps=2_000), "not within 1,200")  # it stayed longer
    out = passes(capsys, "08.5", lstm_run(reached=True, steps=900), "budget")
    assert "a plateau, not a wall" in out
    out = passes(capsys, "08.5", lstm_run(reached=True, steps=200), "budget")
    assert "one run decides little" in out
    fails("08.5", lstm_run(reached=True, steps=900), "not within 1,200", match='answer is "budget"')
    fails("08.5", lstm_run(), "budget", match='say "not within 1,200"')
    # the overclaiming label, and budgets short of the question's
    fails("08.5", lstm_run(), "wall", match='"wall" claims more than one run can show')
    fails("08.5", lstm_run(), "Wall", match='"wall" claims more than one run can show')
    fails("08.5", lstm_run(max_steps=300), "not within 1,200", match="pass max_steps=1_200")
    fails("08.5", lstm_run(max_steps=301), "not within 1,200", match="a budget of 301 steps")
    fails("08.5", lstm_run(max_steps=1_199), "not within 1,200", match="a budget of 1,199 steps")
    fails("08.5", lstm_run(gap=25), "not within 1,200", match="trained at L = 25")
    biased = lstm_run(cell=dict(kind="LSTM", forget_bias=5.0), reached=True)
    fails("08.5", biased, "budget", match="trained an LSTM with forget bias 5.0")
    fails("08.5", lstm_run(cell=dict(kind="GRU")), "not within 1,200", match="trained a GRU")
    fails("08.5", lstm_run(), ..., match="`verdict` is still `...`")
    fails("08.5", lstm_run(), "plateau", match='should be "budget" or "not within 1,200"')
    fails("08.5", lstm_run(), False, match="`verdict` should be a str")
    fails("08.5", (0.04, 1500, False), "not within 1,200", match="should be the RecallRun")
    untrained = lstm_run(reached=True, steps=900)
    untrained.model = Recall(kind="LSTM")
    fails("08.5", untrained, "budget", match="but its model recalls")


@pytest.mark.parametrize("exercise", ["08.1", "08.5"])
def test_runs_need_a_dict_cell(exercise):
    run = lstm_run()
    run.cell = "LSTM"
    answers = ([run, run], [3.0]) if exercise == "08.1" else (run, "not within 1,200")
    fails(exercise, *answers, match=".cell` should be the dict the cell was built from")
