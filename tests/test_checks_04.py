"""The answer checks of notebook 04, an nn.RNNCell stepped by hand.

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
    stub_tests,
)
from torch import nn

from course_utils.checks import nb04

# --- a copy of the notebook's class(es) -------------------------------------------------------


class SeriesRNN(nn.Module):  # notebook 04
    def __init__(self, num_features: int = 10, hidden_size: int = 32, cell=nn.RNNCell):
        super().__init__()
        self.hidden_size = hidden_size
        self.cell = cell(num_features, hidden_size)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        h = inputs.new_zeros(inputs.size(0), self.hidden_size)
        for x_t in inputs.unbind(dim=1):
            h = self.cell(x_t, h)
        return self.head(h).squeeze(-1)


STUBS = {
    "04.1": ((...,), "`gru_model` is still `...`: set it to SeriesRNN(cell=nn.GRUCell)"),
    "04.2": ((..., ..., torch.zeros(100, 10)), "`inputs` is still `...`"),
    "04.3": ((...,), "`answer` is still `...`: write your explanation"),
}
test_every_exercise_has_a_stub_test, test_the_stub_fails_and_says_what_to_write = stub_tests(
    "04", STUBS
)


@pytest.mark.parametrize(("exercise", "answer"), [("04.1", None)])
def test_a_placeholder_instead_of_a_function_class_or_model(exercise, answer):
    fails(exercise, answer, match=f"is {'still `...`' if answer is ... else 'None'}")


DISCUSSIONS = {
    "04.3": "Expected all tensors to be on the same device",
}


@pytest.mark.parametrize("exercise", sorted(DISCUSSIONS))
def test_discussion(capsys, exercise):
    discussion_is_noted(capsys, exercise, DISCUSSIONS[exercise])


class FittedGRU(SeriesRNN):
    """A GRUCell model whose forecast is a least-squares fit on the window: a trained stand-in."""

    def __init__(self):
        super().__init__(cell=nn.GRUCell)
        train_x, train_y, *_ = nb04._lorenz_parts()
        inputs = torch.cat([train_x.flatten(1), torch.ones(len(train_x), 1)], 1)
        self.register_buffer("fit", torch.linalg.lstsq(inputs, train_y[:, None]).solution)

    def forward(self, inputs):
        super().forward(inputs)  # steps the cell, as SeriesRNN does
        flat = torch.cat([inputs.flatten(1), inputs.new_ones(len(inputs), 1)], 1)
        return (flat @ self.fit)[:, 0]


class Naive(FittedGRU):
    def forward(self, inputs):
        return inputs[:, -1, 0] + 0 * super().forward(inputs)


def test_04_1(capsys):
    out = passes(capsys, "04.1", FittedGRU())
    assert "nn.GRUCell(10, 32)" in out
    assert "its RMSE is 0.970, below the naive forecast's 1.175 (the linear model's" in out
    untrained = SeriesRNN(cell=nn.GRUCell)
    fails("04.1", untrained, match="not clearly below the naive forecast's (1.175): train it")
    fails("04.1", Naive(), match="RMSE 1.175) is not clearly below the naive forecast's (1.175)")
    fails("04.1", SeriesRNN(), match="is an nn.RNNCell, not an nn.GRUCell: build the model as")
    fails("04.1", SeriesRNN(cell=nn.GRU), match="nn.GRU is a whole layer")
    fails("04.1", nn.Linear(10, 1), match="`gru_model` has no `cell`: build the model as")
    fails("04.1", SeriesRNN(num_features=5, cell=nn.GRUCell), match="got input_size 5")

    class Unsqueezed(SeriesRNN):
        def forward(self, inputs):
            return super().forward(inputs).unsqueeze(-1)

    fails("04.1", Unsqueezed(cell=nn.GRUCell), match="squeeze the last dimension")

    class Broken(SeriesRNN):
        def forward(self, inputs):
            return self.cell(inputs)

    fails("04.1", Broken(cell=nn.GRUCell), match="running `gru_model` on windows [4, 20, 10]")


def make_windows(scaled, start, end, horizon=1, window=20):
    """The notebook's make_windows, on a given series."""
    part = scaled[start:end]
    inputs = part.unfold(0, window, 1).transpose(1, 2)[: len(part) - window - horizon + 1]
    return inputs, part[window + horizon - 1 :, 0]


def test_04_2(capsys):
    scaled = torch.randn(300, 10, generator=torch.Generator().manual_seed(4))
    inputs, targets = make_windows(scaled, 0, 210, horizon=4)
    assert len(inputs) == 210 - 20 - 4 + 1
    out = passes(capsys, "04.2", inputs, targets, scaled)
    assert "187 windows" in out and "row k + 23" in out
    passes(capsys, "04.2", inputs.numpy(), targets.numpy(), scaled.numpy())
    inputs1, targets1 = make_windows(scaled, 0, 210)
    fails("04.2", inputs1, targets1, scaled, match="got row 20 (1 step(s) after: horizon=1?)")
    fails("04.2", inputs1[:187], targets1[:187], scaled, match="`targets[0]` should be x_0 four")
    fails(
        "04.2", inputs, targets, scaled[20:], match="`inputs[0]` should be rows 0 to 19 of scaled"
    )
    later_inputs, later_targets = make_windows(scaled, 5, 215, horizon=4)
    fails("04.2", later_inputs, later_targets, scaled, match="got rows 5 to 24")
    fails("04.2", inputs, targets[:-1], scaled, match="`targets` should have shape (187,)")
    fails("04.2", inputs.transpose(1, 2), targets, scaled, match="transpose(1, 2) after unfold")
    fails("04.2", inputs[:0], targets[:0], scaled, match="`inputs` holds no window")
    fails("04.2", inputs, targets, scaled[:100], match="so 100 rows give at most 77")
    fails("04.2", inputs, targets, scaled[:, :5], match="`scaled` should be the [T, 10] scaled")
    fails("04.2", inputs, scaled[23 : 23 + 187, 1], scaled, match="got variable 1 of that row")
    fails("04.2", inputs, torch.zeros(187), scaled, match="(row 23, 4 after its last row 19):")
    whole_inputs, whole_targets = make_windows(scaled, 0, 300, horizon=4)  # past train_end
    fails("04.2", whole_inputs, whole_targets, scaled, match="reach past the training part")
    fails("04.2", inputs[:100], targets[:100], scaled, match="which gives 210 - 20 - 4 + 1 = 187")
