"""Answer checks for notebook 05, a hand-written RNN for names."""

from __future__ import annotations

import torch
from torch import nn

from course_utils.checks._core import (
    CheckError,
    _call,
    _class,
    _close,
    _discussion,
    _evaluating,
    _generator,
    _instantiate,
    _number,
    _pair,
    _place,
    _register,
    _shape,
)


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


@_register("05.3")
def _check_05_3(first_acc: object, last_acc: object) -> str:
    """Accuracy from the first 3 letters, and from the last 3 letters, of the test names."""
    values = {}
    for name, value in (("first_acc", first_acc), ("last_acc", last_acc)):
        values[name] = _number(value, name, "an accuracy between 0 and 1")
        if not 0 <= values[name] <= 1:
            hint = ": give a fraction, not a percentage" if values[name] <= 100 else ""
            raise CheckError(f"`{name}` should be between 0 and 1, got {values[name]:g}{hint}")
    first, last = values["first_acc"], values["last_acc"]
    if last <= first:
        raise CheckError(
            f"`last_acc` ({last:.1%}) should be higher than `first_acc` ({first:.1%}): did you "
            "swap them? The first 3 letters are name[:3], the last 3 are name[-3:]"
        )
    return (
        f"endings carry more evidence: {last:.1%} from the last 3 letters against {first:.1%} "
        "from the first 3. Endings such as -ov, -ski, -ez and -ini are typical of one language, "
        "beginnings much less; and a 3-letter input looks like a short Chinese, Korean or "
        "Vietnamese name, so length itself misleads the model."
    )
