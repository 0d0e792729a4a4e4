"""Answer checks for notebook 06, a GRU on packed names."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from course_utils.checks._core import (
    CheckError,
    _bools,
    _call,
    _callable,
    _careful_split,
    _class,
    _close,
    _device,
    _evaluating,
    _generator,
    _given,
    _instantiate,
    _module,
    _number,
    _place,
    _register,
    _returned,
    _shape,
)
from course_utils.encoding import encode_name, pad_batch

_LSTM_STATE = (
    "an LSTM returns its state as a pair (h_n, c_n): unpack it, "
    "`_, (h_n, _) = self.gru(packed)`, and classify from h_n[-1]"
)
_NAMES = ("Ng", "Ivanov", "Rossi", "Kowalski")


def _parts(model: nn.Module) -> tuple[nn.Embedding, nn.LSTM, nn.Linear] | None:
    """The model's embedding, LSTM and 18-way linear head, found by type, or None."""
    modules = list(model.modules())
    embeds = [m for m in modules if isinstance(m, nn.Embedding)]
    lstms = [m for m in modules if isinstance(m, nn.LSTM)]
    heads = [m for m in modules if isinstance(m, nn.Linear) and m.out_features == 18]
    if len(embeds) == 1 and len(lstms) == 1 and len(heads) == 1:
        return embeds[0], lstms[0], heads[0]
    return None


def _alone(model: nn.Module, parts: tuple[nn.Embedding, nn.LSTM, nn.Linear]) -> dict[str, Any]:
    """The LSTM's final states for each of `_NAMES` alone, unpadded: h_n and c_n, [names, ...]."""
    embed, lstm, _ = parts
    h_rows, c_rows = [], []
    with _evaluating(model):
        for name in _NAMES:
            vectors = embed(encode_name(name).to(_device(model)))[None]  # [1, letters, embed]
            _, (h_n, c_n) = lstm(vectors if lstm.batch_first else vectors.transpose(0, 1))
            h_rows.append(h_n[:, 0])
            c_rows.append(c_n[:, 0])
    return {"h_n": torch.stack(h_rows, dim=1), "c_n": torch.stack(c_rows, dim=1)}


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
    parts = _parts(model)
    if parts is not None:
        head = parts[2]
        states = _alone(model, parts)
        with _evaluating(model):
            candidates = {
                key: head(states[state][layer]).cpu()
                for key, (state, layer) in {
                    "right": ("h_n", -1),
                    "memory": ("c_n", -1),
                    "bottom": ("h_n", 0),
                    "bottom memory": ("c_n", 0),
                }.items()
            }
        loose = {"atol": 1e-4, "rtol": 1e-4}
        if _close(scores, candidates["right"], **loose):
            return (
                "NameLSTM runs an nn.LSTM over the packed names and returns [4, 18] scores equal "
                "to head(h_n[-1]) of its LSTM run on each name alone, so padding changes "
                "nothing: an LSTM returns its state as (h_n, c_n), which forward must unpack, "
                "as in `_, (h_n, _) = self.gru(packed)`."
            )
        hints = {
            "memory": "it classifies from c_n, the cell's memory: the classifier reads "
            "h_n[-1], the hidden state; `_, (h_n, _) = self.gru(packed)`",
            "bottom": "it classifies from h_n[0], the bottom layer; the top layer's state is "
            "h_n[-1]",
            "bottom memory": "it classifies from c_n[0], the bottom layer's cell memory; the "
            "classifier reads h_n[-1], the top layer's hidden state",
        }
        for key, hint in hints.items():
            if _close(scores, candidates[key], **loose):
                raise CheckError(f"NameLSTM's scores are not head(h_n[-1]) of its LSTM: {hint}")
        right = candidates["right"]
        if _close(scores, right.softmax(dim=1), **loose) or _close(
            scores, right.log_softmax(dim=1), **loose
        ):
            raise CheckError(
                "NameLSTM returns probabilities (a softmax of head(h_n[-1])): return the scores "
                "themselves; nn.CrossEntropyLoss applies its own log_softmax"
            )
    alone = []
    with _evaluating(model):
        for name in _NAMES:  # each name by itself: a batch of one, no padding
            single, length = pad_batch([encode_name(name)])
            output = _call("`NameLSTM()` on one name", model, single.to(_device(model)), length)
            alone.append(_shape(output, "NameLSTM()(one name)", (1, 18))[0])
    if not _close(scores, torch.stack(alone), atol=1e-4, rtol=1e-4):
        raise CheckError(
            "a name gets different scores alone and in a padded batch with longer names: the "
            "model reads padding. Pack the batch (pack_padded_sequence) and classify from the "
            "final state h_n[-1], not from output[:, -1]"
        )
    if parts is not None:
        raise CheckError(
            "NameLSTM's scores are not head(h_n[-1]) of its LSTM run on each name: classify "
            "with the linear head on h_n[-1], the LSTM's final hidden state, and nothing else"
        )
    return (
        "NameLSTM runs an nn.LSTM over the packed names and returns [4, 18] scores, the same "
        "for each name alone as in a padded batch (its layers are laid out in a way of its "
        "own, so the check did not compare them with head(h_n[-1])): an LSTM returns its "
        "state as (h_n, c_n), which forward must unpack, as in `_, (h_n, _) = self.gru(packed)`."
    )


#: Names of 2 to 9 letters, the shortest first: packing must stop each at its own end.
_BI_NAMES = ("Li", "Rossi", "Ivanov", "Kowalczyk")


@_register("06.2")
def _check_06_2(top_layer: object, bi_gru: object) -> str:
    """top_layer(h_n) -> the top layer's forward and backward states of a bidirectional GRU."""
    function = _callable(top_layer, "top_layer", "top_layer(h_n) that returns [batch, 2 * hidden]")
    gru = _module(bi_gru, "bi_gru", "the 2-layer bidirectional nn.GRU")
    if not isinstance(gru, nn.GRU):
        raise CheckError(f"`bi_gru` should be an nn.GRU, got a {type(gru).__name__}")
    if not gru.bidirectional:
        raise CheckError("`bi_gru` reads one way only: build it with bidirectional=True")
    if gru.num_layers != 2:
        raise CheckError(
            f"`bi_gru` has {gru.num_layers} layer(s); the notebook's GRU has 2: num_layers=2"
        )
    size = gru.hidden_size
    generator = _generator(62)
    sequences = [
        _place(torch.randn(len(name), gru.input_size, generator=generator), gru)
        for name in _BI_NAMES
    ]
    lengths = torch.tensor([len(name) for name in _BI_NAMES])
    padded = torch.nn.utils.rnn.pad_sequence(sequences, batch_first=True)
    with _evaluating(gru):
        packed = pack_padded_sequence(
            padded if gru.batch_first else padded.transpose(0, 1),
            lengths,
            batch_first=gru.batch_first,
            enforce_sorted=False,
        )
        _, h_n = gru(packed)
        forward, backward = [], []
        for sequence in sequences:  # each name alone, unpadded
            output, _ = gru(sequence[None] if gru.batch_first else sequence[:, None])
            steps = output[0] if gru.batch_first else output[:, 0]  # [letters, 2 * hidden]
            forward.append(steps[-1, :size])  # after the last letter
            backward.append(steps[0, size:])  # read from the end back to the first letter
        result = _call("your `top_layer(h_n)`", function, h_n)
    _returned(result, "`top_layer(h_n)`", f"a tensor [batch, 2 * {size}]")
    width = {
        (4, size): "one direction only: put the top layer's forward and backward states side "
        "by side, torch.cat([h_n[-2], h_n[-1]], dim=1)",
        (4, 4 * size): "all four rows: only the top layer's two go to the linear layer",
        (2, 4, size): "concatenate them along dim=1, the features, not stack them",
    }
    got = _shape(result, "top_layer(h_n)", (4, 2 * size), width)
    want_forward, want_backward = torch.stack(forward), torch.stack(backward)
    halves = got[:, :size], got[:, size:]
    if _close(halves[0], want_forward) and _close(halves[1], want_backward):
        order = "h_n[-2], the forward state after each name's last letter, then h_n[-1]"
    elif _close(halves[0], want_backward) and _close(halves[1], want_forward):
        order = (
            "h_n[-1] then h_n[-2] (backward first: any fixed order works for the linear layer, "
            "and output puts forward first)"
        )
    else:
        names = {
            k: f"h_n[{k}] ({('bottom', 'top')[k // 2]} layer, {('forward', 'backward')[k % 2]})"
            for k in range(4)
        }
        found = [
            next((names[k] for k in range(4) if _close(half, h_n[k].cpu())), None)
            for half in halves
        ]
        if found[0] is not None and found[0] == found[1]:
            hint = f"both halves are {found[0]}: the same direction twice"
        elif None not in found:
            hint = f"you took {found[0]} and {found[1]}"
        else:
            hint = "take rows of h_n, the final state"
        raise CheckError(
            "top_layer(h_n) should hold the top layer's forward state after each name's last "
            "letter, h_n[-2], and its backward state after reading back to the first letter, "
            f"h_n[-1] (rows 2 and 3 of layer-major h_n: layer 0 forward, layer 0 backward, "
            f"layer 1 forward, layer 1 backward); {hint}"
        )
    return (
        f"top_layer(h_n) returns {order}, as running the GRU on each name alone gives (the "
        f"backward state after reading back to the first letter); h_n has 2 layers * 2 "
        f"directions = 4 rows, and the linear layer needs 2 * {size} = {2 * size} inputs."
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
    if all(str(name).isdigit() for name in languages):
        raise CheckError(
            "`report`'s rows are named by label numbers ('0', '1', ...): pass "
            "target_names=languages to classification_report"
        )
    _, labels, names_of_labels, _, validation, test = _careful_split()

    def counts(part: np.ndarray) -> dict[str, int]:
        per_language = np.bincount(labels[part], minlength=len(names_of_labels))
        return {name: int(per_language[names_of_labels.index(name)]) for name in languages}

    supports = {name: row.get("support") for name, row in languages.items()}
    if any(name not in names_of_labels for name in languages) or supports != counts(test):
        total = sum(float(v) for v in supports.values() if isinstance(v, numbers.Real))
        hint = (
            ": those are the validation names; report on the test names, labels[test_idx] "
            "against the test predictions"
            if all(name in names_of_labels for name in languages) and supports == counts(validation)
            else ""
        )
        raise CheckError(
            f"`report` counts {total:,.0f} names, not the {len(test):,} test names with each "
            f"language's own count (its support){hint}"
        )
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
        median = float(np.median([row["support"] for row in languages.values()]))
        return (
            f"in the report you passed, which counts the {len(test):,} test names language by "
            f"language, the lowest recalls are {listed}; the median language has {median:.0f} "
            "test names. (The check sees only the report, not which model's predictions it "
            "was made from.)"
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
    test = _careful_split()[5]
    if gru.size != len(test):
        raise CheckError(
            f"`gru_right` and `ngram_right` hold {gru.size} entries, but the test part has "
            f"{len(test):,} names: pass gru_right and ngram_right, one entry per test name"
        )
    if np.array_equal(gru, ngram):
        raise CheckError(
            "`gru_right` and `ngram_right` are the same array: pass the GRU's and the n-gram "
            "model's, gru_right and ngram_right"
        )
    oracle = float((gru | ngram).mean())
    # The same names: a right answer differs only by float rounding, or by the rounding of a
    # figure read off a printed percentage (0.1 points); half a name is well below any count.
    tolerance = 0.0005 + 0.5 / gru.size

    def near(a: float, b: float) -> bool:
        return abs(a - b) <= tolerance

    if near(value, oracle):
        return (
            f"oracle_accuracy is (gru_right | ngram_right).mean() of the two arrays you passed, "
            f"{oracle:.1%} (their own accuracies {gru.mean():.1%} and {ngram.mean():.1%}): on the "
            f"{int((gru ^ ngram).sum())} names where the arrays disagree, an oracle takes the "
            "right one. It looks at the true label to choose, which no real combination of two "
            "models can do."
        )
    if near(value, float((gru & ngram).mean())):
        hint = "that counts names both get right (&); the oracle is right when either is (|)"
    elif near(value, max(gru.mean(), ngram.mean())):
        hint = "that is the better model's accuracy; the oracle picks per name"
    elif abs(value - (gru | ngram).sum()) <= 0.5:
        hint = "that is a count: take the mean"
    elif near(value / 100, oracle):
        hint = "give it as a fraction between 0 and 1, not a percentage"
    else:
        hint = "(gru_right | ngram_right).mean()"
    raise CheckError(f"`oracle_accuracy` should be {oracle:.4f}, got {value:.4f}: {hint}")
