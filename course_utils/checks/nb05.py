"""Answer checks for notebook 05, a hand-written RNN for names."""

from __future__ import annotations

import functools
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
    _evaluating,
    _generator,
    _instantiate,
    _module,
    _noted,
    _number,
    _pair,
    _place,
    _register,
    _shape,
)
from course_utils.encoding import NAME_VOCAB_SIZE, encode_name
from course_utils.evaluation import mcnemar


@_register("05.1")
def _check_05_1(answer: object) -> str:
    """Discussion: a name the model gets wrong, and why."""
    return _noted(
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
    linear = model.in2hidden
    if isinstance(linear, nn.Linear) and (linear.in_features, linear.out_features) != (75, 16):
        raise CheckError(
            f"SigmoidRNN(59, 16, 18) built in2hidden as nn.Linear({linear.in_features}, "
            f"{linear.out_features}), not nn.Linear(59 + 16, 16): does SigmoidRNN.__init__ pass "
            "its own arguments on, super().__init__(input_size, hidden_size, output_size)? (Or "
            "leave __init__ out: HandRNN's is inherited.)"
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
        stacked_hidden = torch.sigmoid(tanh_hidden)
    order = "forward should return (scores, new_hidden), in that order"
    scores = _shape(scores, "scores", (2, 18), {(2, 16): order})
    new_hidden = _shape(new_hidden, "new_hidden", (2, 16), {(2, 18): order})
    if not _close(new_hidden, right_hidden):
        if _close(new_hidden, tanh_hidden):
            raise CheckError(
                "`new_hidden` is still torch.tanh(self.in2hidden(combined)), as in HandRNN: "
                "override forward so that it returns torch.sigmoid(self.in2hidden(combined))"
            )
        if _close(new_hidden, stacked_hidden):
            hint = (
                "yours applies sigmoid on top of HandRNN's tanh; the sigmoid replaces the tanh, "
                "it does not follow it"
            )
        elif _close(new_hidden, swapped_hidden):
            hint = "concatenate [x, hidden] in that order, as HandRNN does"
        else:
            hint = (
                "with combined = torch.cat([x, hidden], dim=1), and nothing else around the "
                "sigmoid or inside it"
            )
        raise CheckError(f"`new_hidden` should be torch.sigmoid(self.in2hidden(combined)): {hint}")
    if not _close(scores, right_scores):
        hint = (
            "no activation on the scores: nn.CrossEntropyLoss applies its own softmax"
            if _close(scores, torch.sigmoid(right_scores))
            else "keep HandRNN's scores"
        )
        raise CheckError(f"`scores` should be self.in2output(combined): {hint}")
    _gradient_flows(model, x, hidden)
    start = getattr(model, "init_hidden", None)
    if callable(start):
        state = _call("`SigmoidRNN(59, 16, 18).init_hidden(2)`", start, 2)
        if isinstance(state, torch.Tensor) and bool(state.detach().abs().sum() > 0):
            raise CheckError(
                "SigmoidRNN's init_hidden returns a state that is not zero: keep HandRNN's zero "
                "initial state (the post's random one gave one name different answers)"
            )
    return (
        "SigmoidRNN returns in2output([x, hidden]) and sigmoid(in2hidden([x, hidden])), the "
        "post's cell, and the gradient of the next step's scores reaches in2hidden through "
        "the new hidden state; compare its losses with tanh's."
    )


def _gradient_flows(model: nn.Module, x: torch.Tensor, hidden: torch.Tensor) -> None:
    """Fail unless the scores of step 2 send a gradient back to in2hidden through step 1."""
    was_training = model.training
    model.eval()
    try:
        with torch.enable_grad():
            _, first = model(x, hidden.detach())
            scores, _ = model(x.flip(0), first)
            gradient = torch.autograd.grad(scores.sum(), model.in2hidden.weight, allow_unused=True)[
                0
            ]
    except RuntimeError:  # nothing in the graph requires a gradient
        gradient = None
    finally:
        model.train(was_training)
    if gradient is None or not bool(gradient.abs().sum() > 0):
        raise CheckError(
            "the new hidden state carries no gradient to the next step: the scores of step 2 "
            "send nothing back to in2hidden. Did you .detach() it, or compute it under "
            "torch.no_grad()? Backpropagation through time needs its graph"
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


def _as_name(text: str) -> str:
    """A cut written as a name is: its first letter upper-cased, the others as they are."""
    return text[:1].upper() + text[1:]


@functools.lru_cache(maxsize=1)
def _post_training_pairs() -> frozenset[tuple[str, str]]:
    """The (name, language) pairs among the training rows of the post's protocol (notebook 05).

    All 20,070 rows, 10% for testing, stratified, ``random_state=0``, labels from sorted
    language names.
    """
    from sklearn.model_selection import train_test_split

    from course_utils.names import load_names

    rows = load_names()
    languages = sorted({language for _, language in rows})
    labels = np.array([languages.index(language) for _, language in rows])
    train, _ = train_test_split(
        np.arange(len(rows)), test_size=0.1, stratify=labels, shuffle=True, random_state=0
    )
    return frozenset(rows[i] for i in train)


def _post_trained(model: nn.Module) -> tuple[float, float] | None:
    """Accuracies that give away a model trained on the post's split, or None.

    A: careful validation pairs that the post's split trains on; B: careful training pairs
    that it holds out. A careful-protocol model was trained on B, not on A: B >= A, as on any
    training data. A post-protocol model was trained on A, not on B, and scores A higher.
    """
    names, labels, languages, train, validation, _ = _careful_split()
    seen = _post_training_pairs()
    pair = lambda i: (names[i], languages[labels[i]])  # noqa: E731
    in_post = np.array([i for i in validation if pair(i) in seen])
    held_out = np.array([i for i in train if pair(i) not in seen])
    with _evaluating(model):
        a = (_hand_predict(model, [names[i] for i in in_post]) == labels[in_post]).mean()
        b = (_hand_predict(model, [names[i] for i in held_out]) == labels[held_out]).mean()
    # About 1,600 and 1,400 names: a difference of 0.045 is 3 standard errors.
    return (float(a), float(b)) if b - a < -0.045 else None


@_register("05.3")
def _check_05_3(first_acc: object, last_acc: object, model: object) -> str:
    """Accuracy on the careful validation names cut to their first and last 3 letters.

    Each cut is written as a name: its first letter upper-cased (``_as_name``).
    """
    values = {}
    for name, value in (("first_acc", first_acc), ("last_acc", last_acc)):
        values[name] = _number(value, name, "an accuracy between 0 and 1")
        if not 0 <= values[name] <= 1:
            hint = ": give a fraction, not a percentage" if values[name] <= 100 else ""
            raise CheckError(f"`{name}` should be between 0 and 1, got {values[name]:g}{hint}")
    first, last = values["first_acc"], values["last_acc"]
    model = _module(model, "model", "the trained model of the careful protocol, `model`")
    names, labels, languages, train, validation, test = _careful_split()

    def right(part: np.ndarray, cut: Callable[[str], str]) -> tuple[np.ndarray, np.ndarray]:
        with _evaluating(model):
            predicted = _hand_predict(model, [cut(names[i]) for i in part])
        return predicted == labels[part], predicted

    whole = float(right(validation, lambda name: name)[0].mean())
    majority = float(np.bincount(labels[validation]).max() / len(validation))
    if whole <= majority + 0.05:
        raise CheckError(
            f"your model gets {whole:.1%} of the whole validation names, hardly more than always "
            f"answering Russian ({majority:.1%}): pass the trained model of the careful "
            "protocol, `model`"
        )
    leak = _post_trained(model)
    if leak is not None:
        raise CheckError(
            f"your model gets {leak[0]:.1%} of the careful validation names that the post's "
            f"split trains on, but only {leak[1]:.1%} of the careful training names that it "
            "holds out: it looks trained on the post's split (post_model), whose training rows "
            "hold most of these validation names. Pass the careful protocol's model, `model`"
        )
    first_right, first_predicted = right(validation, lambda name: _as_name(name[:3]))
    last_right, last_predicted = right(validation, lambda name: _as_name(name[-3:]))
    right_first, right_last = float(first_right.mean()), float(last_right.mean())
    n = len(validation)
    tolerance = 2 / n  # the same names: only a near-tie decided by rounding may differ

    def near(a: float, b: float) -> bool:
        return abs(a - b) <= tolerance

    raw_last = float(right(validation, lambda name: name[-3:])[0].mean())
    if near(first, right_first) and near(last, right_last):
        short = [languages.index(language) for language in _SHORT_NAMED]
        truth = np.isin(labels[validation], short).mean()
        sent_first = np.isin(first_predicted, short).mean()
        sent_last = np.isin(last_predicted, short).mean()
        short_train = [i for i in train if len(names[i]) <= 3]
        short_share = np.isin(labels[short_train], short).mean()
        paired = mcnemar(last_right, first_right)
        if paired.p_value >= 0.05:
            verdict = f"cannot tell the two ends apart on these names (p = {paired.p_value:.2g})"
        else:
            better = "last" if paired.only_a > paired.only_b else "first"
            verdict = (
                f"puts the {better} 3 letters ahead: they give this model more to go on "
                f"(p = {paired.p_value:.2g})"
            )
        return (
            f"on the {n:,} careful validation names, each cut written as a name, this model "
            f"gets {right_last:.1%} from the last 3 letters and {right_first:.1%} from the first "
            f"3 ({whole:.1%} from whole names); a paired test on the same names (exact McNemar) "
            f"{verdict}. It sends {sent_first:.1%} of the first-3 cuts and {sent_last:.1%} of "
            f"the last-3 cuts to Chinese, Korean or Vietnamese, which hold {truth:.1%} of these "
            f"names but {short_share:.1%} of the training names of 3 letters or fewer: a "
            "capitalised cut reads as a whole short name. Left in lower case, as name[-3:] "
            f"gives them, the last-3 cuts get {raw_last:.1%}."
        )
    if near(first, right_last) and near(last, right_first):
        hint = "they are swapped: the first 3 letters are name[:3], the last 3 are name[-3:]"
    elif near(first, right_first) and near(last, raw_last):
        hint = (
            "your last-3 cuts start in lower case ('ski'), and almost no training name does: "
            "write each cut as a name, cut[:1].upper() + cut[1:] ('Ski'), so that both cuts "
            "differ only in which letters they keep"
        )
    elif near(first, whole) or near(last, whole):
        hint = "that is the accuracy on whole names; cut each name with name[:3] and name[-3:]"
    else:
        test_first = float(right(test, lambda name: _as_name(name[:3]))[0].mean())
        test_last = float(right(test, lambda name: _as_name(name[-3:]))[0].mean())
        if near(first, test_first) and near(last, test_last):
            hint = (
                "those are the test names: measure on the validation names, careful_val, and "
                "leave the test names untouched"
            )
        else:
            hint = (
                "cut each of the careful_val names with name[:3] and with name[-3:], and write "
                "each cut as a name, cut[:1].upper() + cut[1:] (str.capitalize would also "
                "lower-case the other letters)"
            )
    raise CheckError(
        f"this model gets {right_first:.3f} from the first 3 letters and {right_last:.3f} from "
        f"the last 3, each written as a name, on the {n:,} careful validation names; you have "
        f"first_acc {first:.3f} and last_acc {last:.3f}: {hint}"
    )
