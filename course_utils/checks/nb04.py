"""Answer checks for notebook 04, an nn.RNNCell stepped by hand."""

from __future__ import annotations

import functools

import torch
from torch import nn

from course_utils.checks._core import (
    CheckError,
    _call,
    _close,
    _discussion,
    _evaluating,
    _generator,
    _module,
    _place,
    _register,
    _returned,
    _shape,
    _tensor,
)
from course_utils.series import lorenz96


@functools.lru_cache(maxsize=1)
def _lorenz_parts() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, float]:
    """Notebook 04's data: training windows and targets, test windows and targets, std of x_0.

    The same series, split by time 70/15/15, scaled with the training part's statistics, and
    cut into windows of 20 steps whose target is x_0 one step after the window.
    """
    series = lorenz96(4000, noise=0.5, seed=0)
    train_end, val_end = int(0.7 * len(series)), int(0.85 * len(series))
    mean, std = series[:train_end].mean(axis=0), series[:train_end].std(axis=0)
    scaled = torch.tensor((series - mean) / std, dtype=torch.float32)

    def windows(start: int, end: int) -> tuple[torch.Tensor, torch.Tensor]:
        part = scaled[start:end]
        return part.unfold(0, 20, 1).transpose(1, 2)[: len(part) - 20], part[20:, 0]

    return *windows(0, train_end), *windows(val_end, len(series)), float(std[0])


def _rmse(predicted: torch.Tensor, target: torch.Tensor) -> float:
    return ((predicted.double() - target.double()) ** 2).mean().sqrt().item()


@_register("04.1")
def _check_04_1(gru_model: object) -> str:
    """A trained SeriesRNN whose cell is an nn.GRUCell(10, hidden): it beats the naive forecast."""
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
    with _evaluating(model):
        output = _call("`gru_model` on windows [4, 20, 10]", model, windows)
    _returned(output, "`gru_model`", "one prediction per window, shape [batch]")
    _shape(output, "gru_model(windows)", (4,), {(4, 1): "squeeze the last dimension"})
    train_x, train_y, test_x, test_y, std = _lorenz_parts()
    with _evaluating(model):
        predicted = _tensor(model(_place(test_x, model)), "gru_model(X_test)", "[580] forecasts")
    model_error, naive_error = _rmse(predicted, test_y), _rmse(test_x[:, -1, 0], test_y)
    if not model_error < 0.95 * naive_error:
        raise CheckError(
            f"on notebook 04's test windows gru_model's error (RMSE {model_error * std:.3f}) is "
            f"not clearly below the naive forecast's ({naive_error * std:.3f}): train it first, "
            "train(gru_model, epochs=20), on the scaled windows of horizon 1"
        )
    ones = torch.ones(len(train_x), 1)
    solution = torch.linalg.lstsq(
        torch.cat([train_x.flatten(1), ones], 1).double(), train_y.double()[:, None]
    ).solution
    linear = torch.cat([test_x.flatten(1), torch.ones(len(test_x), 1)], 1).double() @ solution
    linear_error = _rmse(linear[:, 0], test_y)
    return (
        f"gru_model steps an nn.GRUCell(10, {cell.hidden_size}) over the window; on notebook "
        f"04's test windows its RMSE is {model_error * std:.3f}, below the naive forecast's "
        f"{naive_error * std:.3f} (the linear model's, by the check's own least squares: "
        f"{linear_error * std:.3f}). Compare it with the RNNCell model's."
    )


@_register("04.2")
def _check_04_2(inputs: object, targets: object, scaled: object) -> str:
    """Training windows for horizon 4: inputs[k] = scaled[k:k+20], targets[k] = scaled[k+23, 0]."""
    series = _tensor(scaled, "scaled", "the [T, 10] scaled series")
    x = _tensor(inputs, "inputs", "the windows, a [N, 20, 10] tensor (Xtr4)")
    y = _tensor(targets, "targets", "the targets, a [N] tensor (ytr4)")
    if series.dim() != 2 or series.shape[1] != 10:
        raise CheckError(f"`scaled` should be the [T, 10] scaled series, got {tuple(series.shape)}")
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
    if count + 23 > len(series):
        raise CheckError(
            f"`inputs` holds {count} windows, but window k reads rows k to k + 19 and its target "
            f"is row k + 23, so {len(series)} rows give at most {len(series) - 23}: cut the "
            "inputs to len(part) - 20 - 4 + 1 windows"
        )
    series = series.to(x.dtype)
    for k in sorted({0, 1, count // 2, count - 1} & set(range(count))):
        if not _close(x[k], series[k : k + 20]):
            windows = series.unfold(0, 20, 1).transpose(1, 2)
            gaps = (windows - x[k]).abs().amax(dim=(1, 2))
            found = (
                f", got rows {gaps.argmin().item()} to {gaps.argmin().item() + 19}"
                if gaps.min() < 1e-5
                else ""
            )
            raise CheckError(
                f"`inputs[{k}]` should be rows {k} to {k + 19} of scaled{found}: the training "
                "windows start at row 0, one per step"
            )
        if not _close(y[k], series[k + 23, 0]):
            rows = ((series[:, 0] - y[k]).abs() < 1e-6).nonzero().flatten().tolist()
            if rows:
                row = min(rows, key=lambda r: abs(r - (k + 23)))
                found = f", got row {row} ({row - k - 19} step(s) after: horizon={row - k - 19}?)"
            else:
                column = ((series[k + 23] - y[k]).abs() < 1e-6).nonzero().flatten().tolist()
                found = f", got variable {column[0]} of that row" if column else ""
            raise CheckError(
                f"`targets[{k}]` should be x_0 four steps after the window ends (row {k + 23}, "
                f"4 after its last row {k + 19}){found}: use make_windows(..., horizon=4)"
            )
    train_end = int(0.7 * len(series))
    if count != train_end - 23:
        hint = (
            ": those windows reach past the training part into the validation and test parts"
            if count > train_end - 23
            else ""
        )
        raise CheckError(
            f"`inputs` holds {count} windows, but the training part ends at row train_end = "
            f"int(0.7 * {len(series)}) = {train_end}, which gives {train_end} - 20 - 4 + 1 = "
            f"{train_end - 23} windows of horizon 4{hint}: make_windows(0, train_end, horizon=4)"
        )
    return (
        f"{count} windows of 20 steps, all of the training part: window k reads rows k to "
        "k + 19 and its target is x_0 at row k + 23, 4 steps after its last row (checked on "
        "the first, second, middle and last windows)."
    )


@_register("04.3")
def _check_04_3(answer: object) -> str:
    """Discussion: which line of the post's SimpleRNN fails on a GPU."""
    return _discussion(
        answer,
        "the post's forward() made the state with torch.zeros(batch_size, hidden_size), on the "
        "CPU. With the model and inputs on the GPU, the first call of the cell mixes a CUDA "
        "input with a CPU state, and PyTorch raises 'Expected all tensors to be on the same "
        "device'. inputs.new_zeros(...) creates the state where the inputs are.",
    )
