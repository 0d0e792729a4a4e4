"""Answer checks for notebook 04, an nn.RNNCell stepped by hand."""

from __future__ import annotations

import functools

import torch
from torch import nn

from course_utils.checks._core import (
    CheckError,
    _call,
    _close,
    _evaluating,
    _generator,
    _module,
    _noted,
    _place,
    _register,
    _returned,
    _shape,
    _tensor,
)
from course_utils.series import lorenz96


@functools.lru_cache(maxsize=1)
def _lorenz_series() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, int, int]:
    """Notebook 04's series: (raw, scaled, scaled with whole-series statistics, ends).

    The raw series as the notebook makes it, the series scaled with the training part's
    mean and standard deviation (as the notebook does), the same scaled with the whole
    series' (the leak the notebook warns about), and train_end, val_end (70% and 85%).
    """
    series = lorenz96(4000, noise=0.5, seed=0)
    train_end, val_end = int(0.7 * len(series)), int(0.85 * len(series))
    mean, std = series[:train_end].mean(axis=0), series[:train_end].std(axis=0)
    raw = torch.tensor(series, dtype=torch.float32)
    scaled = torch.tensor((series - mean) / std, dtype=torch.float32)
    leaky = torch.tensor((series - series.mean(axis=0)) / series.std(axis=0), dtype=torch.float32)
    return raw, scaled, leaky, train_end, val_end


def _windows(part: torch.Tensor, horizon: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """Windows of 20 steps of ``part`` and their targets, x_0 ``horizon`` steps after."""
    inputs = part.unfold(0, 20, 1).transpose(1, 2)[: len(part) - 20 - horizon + 1]
    return inputs, part[20 + horizon - 1 :, 0]


@functools.lru_cache(maxsize=1)
def _lorenz_parts() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, float]:
    """Notebook 04's data: training windows and targets, test windows and targets, std of x_0.

    The same series, split by time 70/15/15, scaled with the training part's statistics, and
    cut into windows of 20 steps whose target is x_0 one step after the window.
    """
    _, scaled, _, train_end, val_end = _lorenz_series()
    series = lorenz96(4000, noise=0.5, seed=0)
    std = float(series[:train_end, 0].std())
    return *_windows(scaled[:train_end]), *_windows(scaled[val_end:]), std


def _rmse(predicted: torch.Tensor, target: torch.Tensor) -> float:
    return ((predicted.double() - target.double()) ** 2).mean().sqrt().item()


#: The trained model's error must be at least this far below the linear model's (a share).
_BELOW_LINEAR = 0.15


def _cell_calls(model: nn.Module, cell: nn.Module, windows: torch.Tensor) -> tuple[object, int]:
    """The model's output on ``windows`` and how many times its forward called ``cell``."""
    calls = []
    handle = cell.register_forward_hook(lambda *_: calls.append(1))
    try:
        with _evaluating(model):
            output = _call("`gru_model` on windows [4, 20, 10]", model, windows)
    finally:
        handle.remove()
    return output, len(calls)


def _forecast(model: nn.Module, windows: torch.Tensor, what: str) -> torch.Tensor:
    with _evaluating(model):
        return _tensor(model(_place(windows, model)), what, f"[{len(windows)}] forecasts")


@_register("04.1")
def _check_04_1(gru_model: object) -> str:
    """A trained SeriesRNN stepping an nn.GRUCell(10, hidden): clearly below the linear model."""
    model = _module(gru_model, "gru_model", "SeriesRNN(cell=nn.GRUCell)")
    cell = getattr(model, "cell", None)
    if not isinstance(cell, nn.GRUCell):
        hint = "build the model as SeriesRNN(cell=nn.GRUCell)"
        if isinstance(cell, nn.GRU):
            hint = f"nn.GRU is a whole layer, and SeriesRNN steps a cell: {hint}"
        if cell is None:
            raise CheckError(f"`gru_model` has no `cell`: {hint}")
        raise CheckError(
            f"`gru_model.cell` is an nn.{type(cell).__name__}, not an nn.GRUCell: {hint}"
        )
    if cell.input_size != 10:
        raise CheckError(
            f"`gru_model.cell` should read the 10 variables, got input_size {cell.input_size}"
        )
    windows = _place(torch.randn(4, 20, 10, generator=_generator(4)), model)
    output, calls = _cell_calls(model, cell, windows)
    _returned(output, "`gru_model`", "one prediction per window, shape [batch]")
    _shape(output, "gru_model(windows)", (4,), {(4, 1): "squeeze the last dimension"})
    if calls != 20:
        raise CheckError(
            f"on windows of 20 steps, gru_model's forward calls its cell {calls} time(s): "
            "SeriesRNN steps self.cell once per step, `for x_t in inputs.unbind(dim=1): "
            "h = self.cell(x_t, h)`, so that the GRUCell is what forecasts"
        )
    train_x, train_y, test_x, test_y, std = _lorenz_parts()
    _, scaled, _, train_end, val_end = _lorenz_series()
    val_x, val_y = _windows(scaled[train_end:val_end])
    model_error = _rmse(_forecast(model, test_x, "gru_model(X_test)"), test_y)
    val_error = _rmse(_forecast(model, val_x, "gru_model(X_val)"), val_y)
    naive_error = _rmse(test_x[:, -1, 0], test_y)
    ones = torch.ones(len(train_x), 1)
    solution = torch.linalg.lstsq(
        torch.cat([train_x.flatten(1), ones], 1).double(), train_y.double()[:, None]
    ).solution
    linear = torch.cat([test_x.flatten(1), torch.ones(len(test_x), 1)], 1).double() @ solution
    linear_error = _rmse(linear[:, 0], test_y)
    errors = (
        f"RMSE {model_error * std:.3f} on notebook 04's test windows (the naive forecast "
        f"{naive_error * std:.3f}, the linear model {linear_error * std:.3f}, by the check's own "
        "least squares)"
    )
    if model_error > (1 - _BELOW_LINEAR) * linear_error:
        hint = (
            "it is no better than the naive forecast: has it been trained? "
            if model_error >= 0.95 * naive_error
            else ""
        )
        raise CheckError(
            f"gru_model has {errors}: the check wants it at least {_BELOW_LINEAR:.0%} below the "
            f"linear model's (the notebook's trained RNNCell model gets about 25% below); "
            f"{hint}train it as the RNNCell model was, train(gru_model, epochs=20), on the "
            "scaled windows of horizon 1"
        )
    if model_error < 0.9 * val_error:  # trained here: within a few % of each other
        raise CheckError(
            f"gru_model's error on the test windows ({model_error * std:.3f}) is far below its "
            f"error on the validation windows ({val_error * std:.3f}): was it trained on the test "
            "windows? Train on the training part, train(gru_model, epochs=20), choose on the "
            "validation part, and only measure on the test part"
        )
    return (
        f"gru_model steps its nn.GRUCell(10, {cell.hidden_size}) once per step of the window "
        f"and has {errors}: at least {_BELOW_LINEAR:.0%} below the linear model's, and not far "
        "below its own error on the validation windows. One seed: set it next to the RNNCell "
        "model's error, but do not rank the two on it."
    )


def _located(x: torch.Tensor, series: torch.Tensor) -> int | None:
    """The first row of ``series`` at which the window ``x`` [20, 10] starts, if any."""
    windows = series.unfold(0, 20, 1).transpose(1, 2)
    gaps = (windows - x).abs().amax(dim=(1, 2))
    return int(gaps.argmin()) if gaps.min() < 1e-4 else None


@_register("04.2")
def _check_04_2(inputs: object, targets: object) -> str:
    """Training windows for horizon 4: inputs[k] = scaled[k:k+20], targets[k] = scaled[k+23, 0]."""
    raw, series, leaky, train_end, _ = _lorenz_series()
    x = _tensor(inputs, "inputs", "the windows, a [N, 20, 10] tensor (Xtr4)")
    y = _tensor(targets, "targets", "the targets, a [N] tensor (ytr4)")
    if x.dim() != 3 or tuple(x.shape[1:]) != (20, 10):
        hint = ": transpose(1, 2) after unfold" if tuple(x.shape[1:]) == (10, 20) else ""
        raise CheckError(f"`inputs` should have shape [N, 20, 10], got {tuple(x.shape)}{hint}")
    count = x.shape[0]
    if count < 1:
        raise CheckError(
            "`inputs` holds no window: make them with make_windows(0, train_end, horizon=4)"
        )
    if tuple(y.shape) != (count,):
        raise CheckError(
            f"`targets` should have shape ({count},), one per window of `inputs`, got "
            f"{tuple(y.shape)}: with horizon 4, both hold len(part) - 20 - 4 + 1 entries"
        )
    x, y = x.float(), y.float()
    for k in sorted({0, 1, count // 2, count - 1}):
        if k + 20 > len(series) or not _close(x[k], series[k : k + 20], atol=1e-4):
            row = _located(x[k], series)
            if row is not None:
                found = f", got rows {row} to {row + 19}"
            elif _located(x[k], leaky) is not None:
                found = (
                    ", got a window of the series scaled with the whole series' mean and "
                    "standard deviation: that lets the training data peek at the future; the "
                    "notebook's `scaled` uses the training part's statistics only"
                )
            elif _located(x[k], raw) is not None:
                found = ", got the raw values: make the windows from the scaled series, `scaled`"
            else:
                found = ""
            raise CheckError(
                f"`inputs[{k}]` should be rows {k} to {k + 19} of scaled{found}: the training "
                "windows start at row 0, one per step"
            )
        if not _close(y[k], series[k + 23, 0], atol=1e-4):
            rows = ((series[:, 0] - y[k]).abs() < 1e-5).nonzero().flatten().tolist()
            if rows:
                row = min(rows, key=lambda r: abs(r - (k + 23)))
                found = f", got row {row} ({row - k - 19} step(s) after: horizon={row - k - 19}?)"
            else:
                column = ((series[k + 23] - y[k]).abs() < 1e-5).nonzero().flatten().tolist()
                found = f", got variable {column[0]} of that row" if column else ""
            raise CheckError(
                f"`targets[{k}]` should be x_0 four steps after the window ends (row {k + 23}, "
                f"4 after its last row {k + 19}){found}: use make_windows(..., horizon=4)"
            )
    if count != train_end - 23:
        hint = (
            ": those windows reach past the training part into the validation and test parts"
            if count > train_end - 23
            else ": some are missing"
        )
        raise CheckError(
            f"`inputs` holds {count} windows, but the training part ends at row train_end = "
            f"{train_end}, which gives {train_end} - 20 - 4 + 1 = {train_end - 23} windows of "
            f"horizon 4{hint}: make_windows(0, train_end, horizon=4)"
        )
    return (
        f"{count} windows of 20 steps of the scaled series (training statistics), all of the "
        "training part: window k reads rows k to k + 19 and its target is x_0 at row k + 23, "
        "4 steps after its last row (checked on the first, second, middle and last windows)."
    )


@_register("04.3")
def _check_04_3(answer: object) -> str:
    """Discussion: which line of the post's SimpleRNN fails on a GPU."""
    return _noted(
        answer,
        "the post's forward() made the state with torch.zeros(batch_size, hidden_size), on the "
        "CPU. With the model and inputs on the GPU, the first call of the cell mixes a CUDA "
        "input with a CPU state, and PyTorch raises 'Expected all tensors to be on the same "
        "device'. inputs.new_zeros(...) creates the state where the inputs are.",
    )
