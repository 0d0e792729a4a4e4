"""Answer checks for notebook 04, an nn.RNNCell stepped by hand."""

from __future__ import annotations

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


@_register("04.1")
def _check_04_1(gru_model: object) -> str:
    """A SeriesRNN whose cell is an nn.GRUCell(10, hidden)."""
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
    return (
        f"gru_model steps an nn.GRUCell(10, {cell.hidden_size}) over the window and predicts "
        "one number per window."
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
    return (
        f"{count} windows of 20 steps: window k reads rows k to k + 19 and its target is x_0 "
        "at row k + 23, 4 steps after its last row."
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
