"""The answer checks of notebook 08, why gates help.

Each check fails on its stub with a message that says what to write, passes on a
reference answer, and rejects the plausible wrong answers with a hint at the mistake.
"""

from __future__ import annotations

import pytest
import torch
from checks_common import (
    discussion_is_noted,
    fails,
    passes,
    stub,
    stub_tests,
)
from torch import nn

# --- a copy of the notebook's class(es) -------------------------------------------------------


HIDDEN, EMBED = 32, 16  # notebook 08


def make_cell(kind, forget_bias=None):
    cell = getattr(nn, kind)(EMBED, HIDDEN, batch_first=True)
    if forget_bias is not None:
        with torch.no_grad():
            cell.bias_ih_l0[HIDDEN : 2 * HIDDEN] = forget_bias / 2
            cell.bias_hh_l0[HIDDEN : 2 * HIDDEN] = forget_bias / 2
    return cell


STUBS = {
    "08.1": ((...,), "`answer` is still `...`"),
    "08.2": ((stub,), "`gru_with_update_bias(5.0)` returned None: it should return the GRU"),
    "08.3": (("Your answer here.",), "still the stub text"),
    "08.4": ((None,), "`answer` is still `...`"),
    "08.5": ((..., ...), "`gru_run` is still `...`"),
}
test_every_exercise_has_a_stub_test, test_the_stub_fails_and_says_what_to_write = stub_tests(
    "08", STUBS
)


DISCUSSIONS = {
    "08.1": "0.95^25",
    "08.3": "direct path to the output",
    "08.4": "only biases 3 and 5 keep more than 1%",
}


@pytest.mark.parametrize("exercise", sorted(DISCUSSIONS))
def test_discussion(capsys, exercise):
    discussion_is_noted(capsys, exercise, DISCUSSIONS[exercise])


def gru_with_update_bias(bias, third=1, vectors=("ih", "hh"), share=None):
    """The notebook's solution, or a wrong variant: another third, one vector only."""
    gru_cell = make_cell("GRU")
    share = bias / len(vectors) if share is None else share
    with torch.no_grad():
        for vector in vectors:
            getattr(gru_cell, f"bias_{vector}_l0")[third * HIDDEN : (third + 1) * HIDDEN] = share
    return gru_cell


def test_08_2(capsys):
    assert "the second third" in passes(capsys, "08.2", gru_with_update_bias)
    fails("08.2", lambda b: gru_with_update_bias(b, third=0), match="the reset gate r")
    fails("08.2", lambda b: gru_with_update_bias(b, third=2), match="the candidate n")
    one_vector = lambda b: gru_with_update_bias(b, vectors=("ih",))  # noqa: E731
    fails("08.2", one_vector, match="you set only one of the two bias vectors")
    fails("08.2", lambda b: gru_with_update_bias(b, share=b), match="set each to bias / 2")
    fails("08.2", lambda b: gru_with_update_bias(5.0), match="it works for 5.0 only")
    fails("08.2", lambda b: gru_with_update_bias(1.0), match="set bias_ih_l0[H : 2 * H] and")
    fails("08.2", lambda b: make_cell("LSTM"), match="got a LSTM")
    fails("08.2", lambda b: nn.GRU(16, 32, bias=False), match="the GRU has no biases")
    fails("08.2", lambda: make_cell("GRU"), match="running your `gru_with_update_bias(5.0)`")


def test_08_5(capsys):
    assert "a plateau, not a wall" in passes(capsys, "08.5", (1.0, 900, True), "budget")
    assert "one run decides little" in passes(capsys, "08.5", (1.0, 200, True), "budget")
    assert "within this budget, a wall" in passes(capsys, "08.5", (0.04, 1500, False), "wall")
    fails("08.5", (1.0, 900, True), "wall", match='so the answer is "budget"')
    fails("08.5", (0.04, 1500, False), "budget", match='say "wall" for this budget')
    fails("08.5", (0.04, 300, False), "wall", match="pass max_steps=1_500")
    fails("08.5", (1.0, 900, True), ..., match="`verdict` is still `...`")
    fails("08.5", (1.0, 900, True), "plateau", match='should be "wall" or "budget"')
    fails("08.5", 0.99, "budget", match="should be what train_recall returns")
    fails("08.5", ("99%", 900, True), "budget", match="accuracy as a float")
