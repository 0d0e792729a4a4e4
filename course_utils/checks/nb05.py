"""Answer checks for notebook 05, a hand-written RNN for names."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from course_utils.checks._core import (
    CheckError,
    _call,
    _careful_split,
    _class,
    _close,
    _discussion,
    _evaluating,
    _generator,
    _instantiate,
    _module,
    _number,
    _pair,
    _place,
    _register,
    _shape,
)
from course_utils.encoding import NAME_VOCAB_SIZE, encode_name


@_register("05.1")
def _check_05_1(answer: object) -> str:
    """Discussion: a name the model gets wrong, and why."""
    return _discussion(
        answer,
        "short names (Kim, Li) and names shared by several languages are the hardest: the model "
        "sees only letters, and a few letters carry little evidence; a name used in several "
        "languages has no single right answer.",
    )


@_register("05.2")
def _check_05_2(SigmoidRNN: object) -> str:
    """A HandRNN subclass whose new hidden state is sigmoid(in2hidden([x, hidden]))."""
    what = "class SigmoidRNN(HandRNN) whose forward(x, hidden) returns (scores, new_hidden)"
    model = _instantiate(_class(SigmoidRNN, "SigmoidRNN", what), "SigmoidRNN", 59, 16, 18)
    for layer in ("in2hidden", "in2output"):
        if not isinstance(getattr(model, layer, None), nn.Module):
            raise CheckError(
                f"SigmoidRNN(59, 16, 18) has no layer `{layer}`: subclass HandRNN, which makes it"
            )
    generator = _generator(5)
    x = _place(torch.randn(2, 59, generator=generator), model)
    hidden = _place(torch.rand(2, 16, generator=generator), model)
    expected = "(scores, new_hidden) with new_hidden = torch.sigmoid(self.in2hidden(combined))"
    with _evaluating(model):
        result = _call("`SigmoidRNN(59, 16, 18)(x, hidden)`", model, x, hidden)
        scores, new_hidden = _pair(result, "`SigmoidRNN.forward`", expected)
        combined = torch.cat([x, hidden], dim=1)
        swapped = torch.cat([hidden, x], dim=1)
        right_hidden = torch.sigmoid(model.in2hidden(combined))
        right_scores = model.in2output(combined)
        tanh_hidden = torch.tanh(model.in2hidden(combined))
        swapped_hidden = torch.sigmoid(model.in2hidden(swapped))
    order = "forward should return (scores, new_hidden), in that order"
    scores = _shape(scores, "scores", (2, 18), {(2, 16): order})
    new_hidden = _shape(new_hidden, "new_hidden", (2, 16), {(2, 18): order})
    if not _close(new_hidden, right_hidden):
        if _close(new_hidden, tanh_hidden):
            raise CheckError(
                "`new_hidden` is still torch.tanh(self.in2hidden(combined)), as in HandRNN: "
                "override forward so that it returns torch.sigmoid(self.in2hidden(combined))"
            )
        if _close(new_hidden, swapped_hidden):
            hint = "concatenate [x, hidden] in that order, as HandRNN does"
        else:
            hint = "combined = torch.cat([x, hidden], dim=1)"
        raise CheckError(f"`new_hidden` should be torch.sigmoid(self.in2hidden(combined)): {hint}")
    if not _close(scores, right_scores):
        hint = (
            "no activation on the scores: nn.CrossEntropyLoss applies its own softmax"
            if _close(scores, torch.sigmoid(right_scores))
            else "keep HandRNN's scores"
        )
        raise CheckError(f"`scores` should be self.in2output(combined): {hint}")
    return (
        "SigmoidRNN returns in2output([x, hidden]) and sigmoid(in2hidden([x, hidden])), the "
        "post's cell; compare its losses with tanh's."
    )


def _hand_predict(model: nn.Module, texts: list[str]) -> np.ndarray:
    """The label a HandRNN-like cell predicts after each text's last letter.

    Texts of one length go through the cell together, so no step reads padding.
    """
    predicted = np.zeros(len(texts), dtype=int)
    by_length: dict[int, list[int]] = {}
    for k, text in enumerate(texts):
        by_length.setdefault(len(text), []).append(k)
    for group in by_length.values():
        codes = torch.stack([encode_name(texts[k]) for k in group])  # [group, letters]
        x = _place(F.one_hot(codes, NAME_VOCAB_SIZE)[..., 1:].float(), model)
        if callable(getattr(model, "init_hidden", None)):
            hidden = _call("`model.init_hidden(batch)`", model.init_hidden, len(group))
        else:
            hidden = _place(torch.zeros(len(group), int(model.hidden_size)), model)
        for t in range(x.shape[1]):
            scores, hidden = _pair(
                _call("your model on one letter", model, x[:, t], hidden),
                "your model",
                "(scores, new_hidden)",
            )
        predicted[group] = scores.argmax(dim=1).cpu().numpy()
    return predicted


#: Languages whose names in this data are mostly short: Chinese, Korean, Vietnamese.
_SHORT_NAMED = ("Chinese", "Korean", "Vietnamese")


@_register("05.3")
def _check_05_3(first_acc: object, last_acc: object, model: object) -> str:
    """Accuracy on the careful validation names cut to their first 3 and their last 3 letters."""
    values = {}
    for name, value in (("first_acc", first_acc), ("last_acc", last_acc)):
        values[name] = _number(value, name, "an accuracy between 0 and 1")
        if not 0 <= values[name] <= 1:
            hint = ": give a fraction, not a percentage" if values[name] <= 100 else ""
            raise CheckError(f"`{name}` should be between 0 and 1, got {values[name]:g}{hint}")
    first, last = values["first_acc"], values["last_acc"]
    model = _module(model, "model", "the trained model of the careful protocol, `model`")
    names, labels, languages, _, validation, test = _careful_split()

    def accuracy(part: np.ndarray, cut: Callable[[str], str]) -> tuple[float, np.ndarray]:
        with _evaluating(model):
            predicted = _hand_predict(model, [cut(names[i]) for i in part])
        return float((predicted == labels[part]).mean()), predicted

    whole, _ = accuracy(validation, lambda name: name)
    majority = float(np.bincount(labels[validation]).max() / len(validation))
    if whole <= majority + 0.05:
        raise CheckError(
            f"your model gets {whole:.1%} of the whole validation names, hardly more than always "
            f"answering Russian ({majority:.1%}): pass the trained model of the careful "
            "protocol, `model`"
        )
    right_first, first_predicted = accuracy(validation, lambda name: name[:3])
    right_last, last_predicted = accuracy(validation, lambda name: name[-3:])
    n = len(validation)
    tolerance = 2 / n  # the same names: only a near-tie decided by rounding may differ

    def near(a: float, b: float) -> bool:
        return abs(a - b) <= tolerance

    if near(first, right_first) and near(last, right_last):
        short = [languages.index(language) for language in _SHORT_NAMED]
        truth = np.isin(labels[validation], short).mean()
        sent_first = np.isin(first_predicted, short).mean()
        sent_last = np.isin(last_predicted, short).mean()
        train = _careful_split()[3]
        short_train = [i for i in train if len(names[i]) <= 3]
        short_share = np.isin(labels[short_train], short).mean()
        verdict = (
            "the last 3 letters give this model more to go on than the first 3"
            if right_last > right_first + tolerance
            else "the first 3 letters give this model at least as much to go on as the last 3"
        )
        length = (
            ": a name's first 3 letters read exactly as a whole 3-letter name does, so there "
            "length misleads the model, and the gap is not all evidence"
            if sent_first > 2 * truth and short_share > 0.5
            else ""
        )
        return (
            f"on the {n:,} careful validation names this model gets {right_last:.1%} from the "
            f"last 3 letters and {right_first:.1%} from the first 3 ({whole:.1%} from whole "
            f"names): {verdict}. It sends {sent_first:.1%} of the first-3 cuts and "
            f"{sent_last:.1%} of the last-3 cuts to Chinese, Korean or Vietnamese, which hold "
            f"{truth:.1%} of these names but {short_share:.1%} of the training names of 3 "
            f"letters or fewer{length}."
        )
    if near(first, right_last) and near(last, right_first):
        hint = "they are swapped: the first 3 letters are name[:3], the last 3 are name[-3:]"
    elif near(first, whole) or near(last, whole):
        hint = "that is the accuracy on whole names; cut each name with name[:3] and name[-3:]"
    else:
        test_first, _ = accuracy(test, lambda name: name[:3])
        test_last, _ = accuracy(test, lambda name: name[-3:])
        if near(first, test_first) and near(last, test_last):
            hint = (
                "those are the test names: measure on the validation names, careful_val, and "
                "leave the test names untouched"
            )
        else:
            hint = "cut each of the careful_val names with name[:3] and with name[-3:]"
    raise CheckError(
        f"this model gets {right_first:.3f} from the first 3 letters and {right_last:.3f} from "
        f"the last 3 on the {n:,} careful validation names; you have first_acc {first:.3f} and "
        f"last_acc {last:.3f}: {hint}"
    )
