"""The answer checks of notebook 04, an nn.RNNCell stepped by hand.

Each check fails on its stub with a message that says what to write, passes on a
reference answer, and rejects the plausible wrong answers with a hint at the mistake.
"""

from __future__ import annotations

import pytest
import torch
from checks_common import (
    discussion_is_noted,
    discussion_names_none,
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
    "04.2": ((..., ...), "`inputs` is still `...`"),
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
    discussion_names_none(exercise)


def products(inputs: torch.Tensor) -> torch.Tensor:
    """The last step of each window, its pairwise products and a 1: [batch, 10 + 55 + 1]."""
    last = inputs[:, -1]
    i, j = torch.triu_indices(10, 10)
    return torch.cat([last, last[:, i] * last[:, j], last.new_ones(len(last), 1)], 1)


class FittedGRU(SeriesRNN):
    """A GRUCell model whose forecast is a least-squares fit: a trained stand-in.

    It steps its cell over the window, as SeriesRNN does, but forecasts with a fit of the
    window (`features="window"`, as good as the linear model) or of the last step and its
    products (`features="products"`, about as good as a trained RNN), on `part`'s windows.
    """

    def __init__(self, features="products", part="train"):
        super().__init__(cell=nn.GRUCell)
        train_x, train_y, test_x, test_y, _ = nb04._lorenz_parts()
        x, y = (train_x, train_y) if part == "train" else (test_x, test_y)
        self.features = products if features == "products" else self.window
        fit = torch.linalg.lstsq(self.features(x).double(), y.double()[:, None]).solution
        self.register_buffer("fit", fit.float())

    @staticmethod
    def window(inputs):
        return torch.cat([inputs.flatten(1), inputs.new_ones(len(inputs), 1)], 1)

    def forward(self, inputs):
        super().forward(inputs)  # steps the cell, as SeriesRNN does
        return (self.features(inputs) @ self.fit)[:, 0]


class Naive(FittedGRU):
    def forward(self, inputs):
        return inputs[:, -1, 0] + 0 * super().forward(inputs)


class PartWay(FittedGRU):
    """Mostly the linear fit, a quarter the products' fit: an undertrained stand-in."""

    def __init__(self):
        super().__init__()
        self.linear = FittedGRU("window")

    def forward(self, inputs):
        return (super().forward(inputs) + 3 * self.linear(inputs)) / 4


def test_04_1(capsys):
    out = passes(capsys, "04.1", FittedGRU())
    assert "nn.GRUCell(10, 32) once per step of the window" in out
    assert "(the naive forecast 1.175, the linear model 0.970, by the check's own" in out
    assert "at least 15% below the linear model's" in out and "do not rank" in out
    untrained = SeriesRNN(cell=nn.GRUCell)
    fails("04.1", untrained, match="no better than the naive forecast: has it been trained?")
    fails("04.1", Naive(), match="RMSE 1.175 on notebook 04's test windows")
    fails("04.1", FittedGRU("window"), match="at least 15% below the linear model's")
    message = fails("04.1", PartWay(), match="the check wants it at least 15% below the linear")
    assert "has it been trained" not in message and "train(gru_model, epochs=20)" in message
    fails("04.1", FittedGRU(part="test"), match="was it trained on the test windows?")

    class LayerInstead(FittedGRU):  # keeps a GRUCell it never calls, runs an nn.GRU instead
        def __init__(self):
            super().__init__()
            self.gru = nn.GRU(10, 32, batch_first=True)

        def forward(self, inputs):
            self.gru(inputs)
            return (self.features(inputs) @ self.fit)[:, 0]

    fails("04.1", LayerInstead(), match="forward calls its cell 0 time(s)")
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


def test_04_2(capsys):
    raw, scaled, leaky, train_end, _ = nb04._lorenz_series()
    inputs, targets = nb04._windows(scaled[:train_end], horizon=4)
    assert len(inputs) == 2800 - 20 - 4 + 1
    out = passes(capsys, "04.2", inputs, targets)
    assert "2777 windows" in out and "row k + 23" in out and "training statistics" in out
    passes(capsys, "04.2", inputs.numpy(), targets.numpy())
    inputs1, targets1 = nb04._windows(scaled[:train_end])
    fails("04.2", inputs1, targets1, match="got row 20 (1 step(s) after: horizon=1?)")
    fails("04.2", inputs1[:2777], targets1[:2777], match="`targets[0]` should be x_0 four")
    # the leak the notebook warns about: scaled with the whole series' statistics
    fails("04.2", *nb04._windows(leaky[:train_end], 4), match="scaled with the whole series'")
    fails("04.2", *nb04._windows(raw[:train_end], 4), match="got the raw values")
    later_inputs, later_targets = nb04._windows(scaled[5 : train_end + 5], horizon=4)
    fails("04.2", later_inputs, later_targets, match="got rows 5 to 24")
    fails("04.2", inputs, targets[:-1], match="`targets` should have shape (2777,)")
    fails("04.2", inputs.transpose(1, 2), targets, match="transpose(1, 2) after unfold")
    fails("04.2", inputs[:0], targets[:0], match="`inputs` holds no window")
    fails("04.2", inputs, scaled[23 : 23 + 2777, 1], match="got variable 1 of that row")
    fails("04.2", inputs, torch.zeros(2777), match="(row 23, 4 after its last row 19):")
    whole_inputs, whole_targets = nb04._windows(scaled, horizon=4)  # past train_end
    fails("04.2", whole_inputs, whole_targets, match="reach past the training part")
    fails("04.2", inputs[:100], targets[:100], match="which gives 2800 - 20 - 4 + 1 = 2777")
    fails("04.2", inputs, ..., match="`targets` is still `...`")
