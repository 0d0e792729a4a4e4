"""Answer checks for notebook 06, a GRU on packed names."""

from __future__ import annotations

import contextlib
import numbers

import numpy as np
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from course_utils.checks._core import (
    CheckError,
    _bools,
    _call,
    _class,
    _close,
    _device,
    _evaluating,
    _given,
    _instantiate,
    _number,
    _register,
    _returned,
    _shape,
    _tensor,
)
from course_utils.encoding import encode_name, pad_batch

_LSTM_STATE = (
    "an LSTM returns its state as a pair (h_n, c_n): unpack it, "
    "`_, (h_n, _) = self.gru(packed)`, and classify from h_n[-1]"
)
_NAMES = ("Ng", "Ivanov", "Rossi", "Kowalski")


@_register("06.1")
def _check_06_1(NameLSTM: object) -> str:
    """A NameGRU subclass with an nn.LSTM; forward(padded, lengths) -> [batch, 18]."""
    what = "class NameLSTM(NameGRU) with an nn.LSTM in place of the GRU"
    replace = (
        "set self.gru = nn.LSTM(embed_dim, hidden, layers, batch_first=True, dropout=dropout) "
        "after super().__init__(...)"
    )
    model = _instantiate(_class(NameLSTM, "NameLSTM", what), "NameLSTM", hint=replace)
    lstms = [m for m in model.modules() if isinstance(m, nn.LSTM)]
    if not lstms:
        raise CheckError(f"NameLSTM() has no nn.LSTM among its modules: {replace}")
    padded, lengths = pad_batch([encode_name(name) for name in _NAMES])
    padded = padded.to(_device(model))
    unpack = [("unpack", _LSTM_STATE), ("tuple", _LSTM_STATE), ("hidden", _LSTM_STATE)]
    with _evaluating(model):
        output = _call("`NameLSTM()(padded, lengths)`", model, padded, lengths, hints=unpack)
        _returned(output, "`NameLSTM.forward`", "the scores [batch, 18], self.head(h_n[-1])")
        scores = _shape(
            output,
            "NameLSTM()(padded, lengths)",
            (4, 18),
            {(2, 4, 18): f"h_n[-1] of the pair (h_n, c_n) is c_n, all layers; {_LSTM_STATE}"},
        )
        from_memory = None
        embed, head = getattr(model, "embed", None), getattr(model, "head", None)
        with contextlib.suppress(Exception):  # a layout of its own: the shape must do
            packed = pack_padded_sequence(
                embed(padded), lengths, batch_first=True, enforce_sorted=False
            )
            _, (_, c_n) = lstms[0](packed)
            from_memory = head(c_n[-1]).cpu()
    if from_memory is not None and _close(scores, from_memory):
        raise CheckError(
            "NameLSTM classifies from c_n, the cell's memory: the classifier reads h_n[-1], "
            "the hidden state; `_, (h_n, _) = self.gru(packed)`"
        )
    return (
        "NameLSTM runs an nn.LSTM over the packed names and returns [4, 18] scores from h_n[-1]: "
        "an LSTM returns its state as (h_n, c_n), so forward unpacks "
        "`_, (h_n, _) = self.gru(packed)`."
    )


@_register("06.2")
def _check_06_2(h_n: object, features: object) -> str:
    """h_n of a 2-layer bidirectional nn.GRU on 4 names, and the head's width."""
    rows = "h_n has num_layers * 2 directions rows: check num_layers=2 and bidirectional=True"
    tensor = _tensor(h_n, "h_n", "the h_n a 2-layer bidirectional GRU returns for 4 names")
    if tensor.dim() != 3:
        raise CheckError(
            f"`h_n` should be 3-D, (layers * directions, batch, hidden), got {tuple(tensor.shape)}"
        )
    hidden = tensor.shape[-1]
    _shape(h_n, "h_n", (4, 4, hidden), {(2, 4, hidden): rows, (1, 4, hidden): rows})
    width = _number(features, "features", "the width of torch.cat([h_n[-2], h_n[-1]], dim=1)")
    if width != 2 * hidden:
        hints = {
            hidden: "that is one direction; the top layer's forward (h_n[-2]) and backward "
            "(h_n[-1]) states are concatenated",
            4 * hidden: "that is all four rows; only the top layer's two, h_n[-2] and h_n[-1], "
            "go to the linear layer",
        }
        hint = hints.get(int(width), "measure torch.cat([h_n[-2], h_n[-1]], dim=1).shape[1]")
        raise CheckError(f"`features` should be 2 * {hidden} = {2 * hidden}, got {width:g}: {hint}")
    return (
        f"h_n has 2 layers * 2 directions = 4 rows of {hidden}; the top layer's forward and "
        f"backward states are h_n[-2] and h_n[-1], so the linear layer needs 2 * {hidden} = "
        f"{2 * hidden} inputs."
    )


_SUMMARY_ROWS = ("accuracy", "macro avg", "weighted avg", "micro avg", "samples avg")


@_register("06.3")
def _check_06_3(worst: object, report: object) -> str:
    """The 3 languages with the lowest recall in a classification_report(output_dict=True)."""
    _given(report, "report", "classification_report(..., output_dict=True)")
    if not isinstance(report, dict):
        hint = ": did you pass output_dict=True?" if isinstance(report, str) else ""
        raise CheckError(f"`report` should be a dict, got a {type(report).__name__}{hint}")
    languages = {
        name: row
        for name, row in report.items()
        if name not in _SUMMARY_ROWS and isinstance(row, dict) and "recall" in row
    }
    if len(languages) < 3:
        raise CheckError("`report` should hold a row per language (target_names=languages)")
    _given(worst, "worst", "a list of the 3 language names with the lowest recall")
    if isinstance(worst, str) or not isinstance(worst, list | tuple | np.ndarray):
        raise CheckError(f"`worst` should be a list of 3 language names, got {worst!r}")
    chosen = list(worst)
    if len(chosen) != 3:
        raise CheckError(f"`worst` should hold 3 language names, got {len(chosen)}")
    for name in chosen:
        if isinstance(name, numbers.Integral):
            raise CheckError(
                "`worst` should hold language names such as 'Czech', not label numbers"
            )
        if str(name) not in languages:
            raise CheckError(f"{name!r} in `worst` is not a language of `report`")
    chosen = [str(name) for name in chosen]
    if len(set(chosen)) != 3:
        raise CheckError(f"`worst` names a language twice: {chosen}")

    def lowest(metric: str) -> bool:
        values = sorted(row[metric] for row in languages.values())[:3]
        return sorted(languages[name][metric] for name in chosen) == values

    if lowest("recall"):
        listed = ", ".join(
            f"{name} ({languages[name]['recall']:.0%} of {languages[name]['support']:.0f} names)"
            for name in sorted(chosen, key=lambda name: languages[name]["recall"])
        )
        return (
            f"lowest recall: {listed}. Small languages, and those whose names look like a "
            "bigger neighbour's, are the hardest."
        )
    for metric in ("precision", "f1-score"):
        if metric in next(iter(languages.values())) and lowest(metric):
            raise CheckError(
                f"those have the lowest {metric}, not recall: sort by report[language]['recall']"
            )
    highest = sorted(languages, key=lambda name: languages[name]["recall"])[-3:]
    if set(chosen) == set(highest):
        raise CheckError("those have the highest recall: sort in increasing order and take [:3]")
    want = sorted(languages, key=lambda name: languages[name]["recall"])[:3]
    raise CheckError(
        f"the 3 lowest recalls are {', '.join(want)}; sort the languages by "
        "report[language]['recall'] and take the first 3"
    )


@_register("06.4")
def _check_06_4(oracle_accuracy: object, gru_right: object, ngram_right: object) -> str:
    """The accuracy of an oracle that picks whichever of two models is right."""
    value = _number(oracle_accuracy, "oracle_accuracy", "a share of names, from 0 to 1")
    gru, ngram = _bools(gru_right, "gru_right"), _bools(ngram_right, "ngram_right")
    if gru.shape != ngram.shape:
        raise CheckError(
            f"`gru_right` and `ngram_right` should have one entry per test name each, got "
            f"{gru.size} and {ngram.size}"
        )
    oracle = float((gru | ngram).mean())
    if abs(value - oracle) <= 1e-9:
        return (
            f"an oracle choosing between them reaches {oracle:.1%} (GRU {gru.mean():.1%}, "
            f"n-grams {ngram.mean():.1%}). It looks at the true label to choose, so no real "
            "combination can reach it; averaging their probabilities, say, recovers only part "
            "of the gap."
        )
    if abs(value - float((gru & ngram).mean())) <= 1e-9:
        hint = "that counts names both get right (&); the oracle is right when either is (|)"
    elif abs(value - max(gru.mean(), ngram.mean())) <= 1e-9:
        hint = "that is the better model's accuracy; the oracle picks per name"
    elif abs(value - (gru | ngram).sum()) <= 1e-9:
        hint = "that is a count: take the mean"
    elif abs(value / 100 - oracle) <= 1e-9:
        hint = "give it as a fraction between 0 and 1, not a percentage"
    else:
        hint = "(gru_right | ngram_right).mean()"
    raise CheckError(f"`oracle_accuracy` should be {oracle:.4f}, got {value:.4f}: {hint}")
