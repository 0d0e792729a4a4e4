"""Two plots every notebook needs. Each returns its ``Axes``; none calls ``plt.show()``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix


def plot_losses(
    history: Sequence[float] | Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    title: str | None = None,
) -> Axes:
    """Plot one loss curve, or several named ones (e.g. ``{"train": ..., "validation": ...}``).

    Example:
        >>> ax = plot_losses({"train": [1.0, 0.5], "validation": [1.1, 0.7]}, title="Loss")
        >>> [line.get_label() for line in ax.get_lines()]
        ['train', 'validation']
    """
    curves = dict(history) if isinstance(history, Mapping) else {"loss": history}
    if not curves or any(len(values) == 0 for values in curves.values()):
        raise ValueError("plot_losses needs at least one value in every curve")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for name, values in curves.items():
        steps = np.arange(1, len(values) + 1)
        ax.plot(steps, np.asarray(values, dtype=float), label=name)
    ax.set_xlabel("epoch" if isinstance(history, Mapping) else "step")
    ax.set_ylabel("loss")
    if isinstance(history, Mapping):
        ax.legend()
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    return ax


def plot_confusion_matrix(
    y_true: Sequence[int],
    y_pred: Sequence[int],
    labels: Sequence[str],
    *,
    normalize: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Confusion matrix of class indices; rows are the truth, columns the prediction.

    With ``normalize=True`` each row shows the share of that class predicted as each
    label, so small classes are as visible as large ones.

    Example:
        >>> ax = plot_confusion_matrix([0, 1, 1], [0, 1, 0], ["cat", "dog"])
        >>> ax.get_xlabel()
        'Predicted label'
    """
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} items but y_pred has {len(y_pred)}")
    if len(labels) == 0:
        raise ValueError("labels must name at least one class")
    matrix = confusion_matrix(
        y_true, y_pred, labels=list(range(len(labels))), normalize="true" if normalize else None
    )
    if ax is None:
        size = max(4.0, 0.4 * len(labels) + 2)
        _, ax = plt.subplots(figsize=(size, size))
    ConfusionMatrixDisplay(matrix, display_labels=list(labels)).plot(
        ax=ax,
        include_values=len(labels) <= 10,
        values_format=".2f" if normalize else "d",
        xticks_rotation="vertical",
        colorbar=False,
        cmap="Blues",
    )
    return ax


def plot_unrolled_rnn(steps: int = 4, ax: Axes | None = None, *, cell: str = "f") -> Axes:
    """Draw a recurrent cell unrolled over ``steps`` time steps: ``h_t = f(x_t, h_{t-1})``.

    Each box is the *same* cell with the same weights; the arrows between boxes carry
    the hidden state from one step to the next.

    Example:
        >>> ax = plot_unrolled_rnn(3)
        >>> sum(t.get_text() == "f" for t in ax.texts)
        3
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= 8:
        raise ValueError(f"steps must be an int from 1 to 8, got {steps!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(1.9 * steps + 1.6, 2.8))
    arrow = {"arrowstyle": "-|>", "color": "black", "lw": 1.2}
    box = {"boxstyle": "round,pad=0.4", "facecolor": "#dbe9f6", "edgecolor": "#2a5d8f"}
    for t in range(1, steps + 1):
        x = 2.0 * t
        ax.text(x, 1.0, cell, ha="center", va="center", fontsize=14, bbox=box)
        ax.text(x, 0.0, f"$x_{t}$", ha="center", va="center", fontsize=13)
        ax.text(x, 2.0, f"$h_{t}$", ha="center", va="center", fontsize=13)
        ax.annotate("", (x, 0.72), (x, 0.22), arrowprops=arrow)
        ax.annotate("", (x, 1.78), (x, 1.28), arrowprops=arrow)
        ax.annotate("", (x - 0.32, 1.0), (x - 1.68, 1.0), arrowprops=arrow)
        label = "$h_0 = 0$" if t == 1 else f"$h_{t - 1}$"
        ax.text(x - 1.0, 1.12, label, ha="center", va="bottom", fontsize=10, color="#444")
    ax.set(xlim=(0.6, 2.0 * steps + 0.8), ylim=(-0.4, 2.4))
    ax.set_title(f"One cell, unrolled over {steps} steps: $h_t = {cell}(x_t, h_{{t-1}})$")
    ax.axis("off")
    return ax


def plot_attention(
    weights: np.ndarray | Sequence[Sequence[float]],
    inputs: Sequence[str],
    outputs: Sequence[str],
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of attention weights: one row per output symbol, one column per input symbol.

    Spaces in the input are shown as ``␣``.

    Example:
        >>> ax = plot_attention([[0.9, 0.1], [0.2, 0.8]], inputs="ab", outputs="xy")
        >>> [t.get_text() for t in ax.get_yticklabels()]
        ['x', 'y']
    """
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (len(outputs), len(inputs)):
        raise ValueError(
            f"weights have shape {weights.shape}, but {len(outputs)} outputs and "
            f"{len(inputs)} inputs need ({len(outputs)}, {len(inputs)})"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(0.3 * len(inputs) + 1.5, 0.3 * len(outputs) + 1.2))
    ax.imshow(weights, cmap="Greys", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(len(inputs)), ["␣" if c == " " else c for c in inputs])
    ax.set_yticks(range(len(outputs)), list(outputs))
    ax.set(xlabel="input symbol", ylabel="output symbol")
    return ax
