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
