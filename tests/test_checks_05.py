"""The answer checks of notebook 05, a hand-written RNN for names.

Each check fails on its stub with a message that says what to write, passes on a
reference answer, and rejects the plausible wrong answers with a hint at the mistake.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from checks_common import (
    discussion_is_noted,
    fails,
    passes,
    stub_tests,
)
from torch import nn

# --- a copy of the notebook's class(es) -------------------------------------------------------


class HandRNN(nn.Module):  # notebook 05
    def __init__(self, input_size: int, hidden_size: int, output_size: int):
        super().__init__()
        self.hidden_size = hidden_size
        self.in2hidden = nn.Linear(input_size + hidden_size, hidden_size)
        self.in2output = nn.Linear(input_size + hidden_size, output_size)

    def forward(self, x: torch.Tensor, hidden: torch.Tensor):
        combined = torch.cat([x, hidden], dim=1)
        return self.in2output(combined), torch.tanh(self.in2hidden(combined))


class StubSigmoidRNN(HandRNN):
    def forward(self, x, hidden): ...


STUBS = {
    "05.1": (("your answer here",), "`answer` is still the stub text 'your answer here'"),
    "05.2": ((StubSigmoidRNN,), "`SigmoidRNN.forward` returned None: it should return (scores"),
    "05.3": ((..., ...), "`first_acc` is still `...`"),
}
test_every_exercise_has_a_stub_test, test_the_stub_fails_and_says_what_to_write = stub_tests(
    "05", STUBS
)


@pytest.mark.parametrize(("exercise", "answer"), [("05.2", ...)])
def test_a_placeholder_instead_of_a_function_class_or_model(exercise, answer):
    fails(exercise, answer, match=f"is {'still `...`' if answer is ... else 'None'}")


DISCUSSIONS = {
    "05.1": "names shared by several languages",
}


@pytest.mark.parametrize("exercise", sorted(DISCUSSIONS))
def test_discussion(capsys, exercise):
    discussion_is_noted(capsys, exercise, DISCUSSIONS[exercise])


class SigmoidRNN(HandRNN):
    def forward(self, x, hidden):
        combined = torch.cat([x, hidden], dim=1)
        return self.in2output(combined), torch.sigmoid(self.in2hidden(combined))


def test_05_2(capsys):
    assert "the post's cell" in passes(capsys, "05.2", SigmoidRNN)
    fails(
        "05.2",
        HandRNN,
        match="`new_hidden` is still torch.tanh(self.in2hidden(combined)), as in HandRNN",
    )

    class Swapped(HandRNN):
        def forward(self, x, hidden):
            return SigmoidRNN.forward(self, x, hidden)[::-1]

    fails("05.2", Swapped, match="got (2, 16): forward should return (scores, new_hidden)")

    class HiddenFirst(HandRNN):
        def forward(self, x, hidden):
            combined = torch.cat([hidden, x], dim=1)
            return self.in2output(combined), torch.sigmoid(self.in2hidden(combined))

    fails("05.2", HiddenFirst, match="concatenate [x, hidden] in that order")

    class SquashedScores(HandRNN):
        def forward(self, x, hidden):
            scores, new_hidden = SigmoidRNN.forward(self, x, hidden)
            return torch.sigmoid(scores), new_hidden

    fails("05.2", SquashedScores, match="no activation on the scores")

    class Relu(HandRNN):
        def forward(self, x, hidden):
            combined = torch.cat([x, hidden], dim=1)
            return self.in2output(combined) + 1, torch.relu(self.in2hidden(combined))

    fails("05.2", Relu, match="combined = torch.cat([x, hidden], dim=1)")

    class Plus1(SigmoidRNN):
        def forward(self, x, hidden):
            scores, new_hidden = super().forward(x, hidden)
            return scores + 1, new_hidden

    fails("05.2", Plus1, match="keep HandRNN's scores")
    fails("05.2", SigmoidRNN(59, 16, 18), match="pass the class `SigmoidRNN` itself")

    class TwoSizes(HandRNN):
        def __init__(self, input_size, hidden_size):
            super().__init__(input_size, hidden_size, 18)

    fails("05.2", TwoSizes, match="SigmoidRNN(59, 16, 18)` raised TypeError")
    fails("05.2", int, match="`SigmoidRNN` should be a class")

    class NoLayers(nn.Module):
        def __init__(self, *sizes):
            super().__init__()

    fails("05.2", NoLayers, match="has no layer `in2hidden`: subclass HandRNN")


def test_05_3(capsys):
    assert "-ov, -ski, -ez and -ini" in passes(capsys, "05.3", 0.42, np.float64(0.61))
    fails("05.3", 0.61, 0.42, match="did you swap them?")
    fails("05.3", 42.0, 61.0, match="give a fraction, not a percentage")
    fails("05.3", 0.4, ..., match="`last_acc` is still `...`")
