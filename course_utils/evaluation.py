"""Honest comparisons: accuracy with a 95% interval, and paired tests of two models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from scipy.stats import binomtest


class Accuracy(NamedTuple):
    """An accuracy and its confidence interval (Wilson), all as shares of 1."""

    value: float
    low: float
    high: float
    n: int

    def __str__(self) -> str:
        return f"{self.value:.1%} (95% CI {self.low:.1%} to {self.high:.1%}, n = {self.n:,})"


def accuracy(correct: Sequence[bool] | np.ndarray, *, confidence: float = 0.95) -> Accuracy:
    """The share of ``True`` in ``correct``, with its Wilson score interval.

    The interval says how far the accuracy on other test names drawn the same way could
    plausibly lie: with 2,000 names it is about 1.7 points either side of 80%.

    Example:
        >>> result = accuracy([True] * 80 + [False] * 20)
        >>> print(result)
        80.0% (95% CI 71.1% to 86.7%, n = 100)
    """
    correct = np.asarray(correct, dtype=bool).ravel()
    if correct.size == 0:
        raise ValueError("accuracy needs at least one prediction")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, got {confidence!r}")
    k, n = int(correct.sum()), correct.size
    interval = binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    return Accuracy(k / n, float(interval.low), float(interval.high), n)


class PairedTest(NamedTuple):
    """Two models scored on the same items: who wins where they disagree, and how sure we are.

    ``difference`` is the first model's accuracy minus the second's, with a 95% interval
    for it (``low``, ``high``); ``p_value`` is the exact McNemar test's.
    """

    only_a: int
    only_b: int
    p_value: float
    difference: float
    low: float
    high: float

    def __str__(self) -> str:
        return (
            f"only the first right: {self.only_a}, only the second: {self.only_b}; "
            f"difference {self.difference:+.1%} (95% CI {self.low:+.1%} to {self.high:+.1%}), "
            f"exact McNemar p = {self.p_value:.3g}"
        )


def mcnemar(
    correct_a: Sequence[bool] | np.ndarray, correct_b: Sequence[bool] | np.ndarray
) -> PairedTest:
    """Exact McNemar test of two models scored on the same items, and their difference.

    Only the items where the models disagree carry evidence. If both models were equally
    good, each of those would be won by either model with probability 1/2, so the count
    won by the first follows a binomial law; ``p_value`` is its two-sided tail. A large
    p-value means no evidence of a difference, not evidence that there is none: the
    interval of the difference says how large a difference the data still allow. The
    interval is the paired (Wald) one, ``(b - c) / n`` plus or minus 1.96 standard errors.

    Example:
        >>> a = [True] * 90 + [False] * 10
        >>> b = [True] * 80 + [False] * 20
        >>> result = mcnemar(a, b)
        >>> result.only_a, result.only_b, round(result.p_value, 4), round(result.difference, 2)
        (10, 0, 0.002, 0.1)
    """
    a = np.asarray(correct_a, dtype=bool).ravel()
    b = np.asarray(correct_b, dtype=bool).ravel()
    if a.size != b.size or a.size == 0:
        raise ValueError(
            f"the two models were scored on {a.size} and {b.size} items; a paired test "
            "needs both scored on the same items (at least one), in the same order"
        )
    only_a, only_b, n = int((a & ~b).sum()), int((~a & b).sum()), a.size
    difference = (only_a - only_b) / n
    spread = 1.96 * np.sqrt(max(only_a + only_b - (only_a - only_b) ** 2 / n, 0.0)) / n
    p_value = 1.0 if only_a + only_b == 0 else float(binomtest(only_a, only_a + only_b).pvalue)
    return PairedTest(
        only_a, only_b, p_value, difference, difference - float(spread), difference + float(spread)
    )


class LossDifference(NamedTuple):
    """How much lower model A's loss is than model B's, per symbol, on the same items.

    ``low`` and ``high`` bound the paired bootstrap's 95% percentile interval; ``p_value``
    is the paired permutation test's, which can be no smaller than ``1 / (resamples + 1)``:
    at that floor it prints as ``p <= ...``.
    """

    difference: float
    low: float
    high: float
    p_value: float
    resamples: int = 5000

    def __str__(self) -> str:
        floor = 1 / (self.resamples + 1)
        p = (
            f"p <= {floor:.2g} (the floor of {self.resamples:,} sign flips)"
            if self.p_value <= floor * (1 + 1e-9)
            else f"p = {self.p_value:.3g}"
        )
        return (
            f"{self.difference:+.3f} nats per symbol (95% CI {self.low:+.3f} to {self.high:+.3f}), "
            f"paired permutation {p}"
        )


def loss_difference(
    loss_a: Sequence[float] | np.ndarray,
    loss_b: Sequence[float] | np.ndarray,
    symbols: Sequence[int] | np.ndarray,
    *,
    resamples: int = 5000,
    seed: int = 0,
) -> LossDifference:
    """Compare two language models on the same items (names), item by item.

    ``loss_a`` and ``loss_b`` are each item's total loss in nats under the two models,
    ``symbols`` the number of symbols each item scores. The difference is
    ``(sum(loss_a) - sum(loss_b)) / sum(symbols)``: negative when A is better.

    Its 95% interval is a paired percentile bootstrap: draw as many items as there are,
    with replacement, ``resamples`` times (an item brings both its losses along), compute
    the difference each time, and keep the 2.5th and 97.5th percentiles. It describes how
    the difference varies with the items drawn, not with anything else (a model's
    training seed, say). With few items (under about 30) it is too narrow: it excludes
    the true difference more often than 5% of the time.

    The p-value is a paired permutation (sign-flip) test of the same statistic. Its null
    hypothesis: each item's difference is as likely to be +x as -x (symmetric about 0),
    a stronger assumption than "equally good on average". Flip the signs at random
    ``resamples`` times; p = (1 + the flips at least as far from 0 as the real
    difference) / (1 + ``resamples``). The real assignment counts as one of the flips,
    so p is never below ``1 / (resamples + 1)``. Interval and test are computed
    differently: near the borderline one can exclude 0 while the other does not.

    Example:
        >>> a, b = [1.0, 2.0, 3.0, 2.5] * 25, [1.2, 2.1, 3.3, 2.4] * 25
        >>> result = loss_difference(a, b, [2, 3, 4, 3] * 25)
        >>> round(result.difference, 3), result.high < 0, result.p_value < 0.05
        (-0.042, True, True)
        >>> print(str(result).split(", ")[1])
        paired permutation p <= 0.0002 (the floor of 5,000 sign flips)
    """
    a, b = np.asarray(loss_a, dtype=float), np.asarray(loss_b, dtype=float)
    counts = np.asarray(symbols, dtype=float)
    if not a.shape == b.shape == counts.shape or a.ndim != 1 or a.size < 2:
        raise ValueError(
            "loss_a, loss_b and symbols must be 1-D, of the same length, and hold at least "
            f"two items; got shapes {a.shape}, {b.shape} and {counts.shape}"
        )
    if (counts <= 0).any():
        raise ValueError("every item must score at least one symbol")
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 1:
        raise ValueError(f"resamples must be an int of at least 1, got {resamples!r}")
    rng = np.random.default_rng(seed)
    differences, total = a - b, counts.sum()
    observed = differences.sum() / total
    picks = rng.integers(0, a.size, size=(resamples, a.size))
    boot = differences[picks].sum(1) / counts[picks].sum(1)
    low, high = np.quantile(boot, [0.025, 0.975])
    signs = rng.choice([-1.0, 1.0], size=(resamples, a.size))
    flipped = np.abs((signs * differences).sum(1) / total)
    p_value = (1 + np.count_nonzero(flipped >= abs(observed) - 1e-12)) / (1 + resamples)
    return LossDifference(float(observed), float(low), float(high), float(p_value), resamples)
