"""The answer checks of notebook 05, a hand-written RNN for names.

Each check fails on its stub with a message that says what to write, passes on a
reference answer, and rejects the plausible wrong answers with a hint at the mistake.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from checks_common import (
    discussion_is_noted,
    discussion_names_none,
    fails,
    passes,
    stub_tests,
)
from torch import nn

from course_utils.checks import nb05
from course_utils.checks._core import _careful_split
from course_utils.encoding import NAME_ALPHABET, name_to_onehot

# --- a copy of the notebook's class(es) -------------------------------------------------------


class HandRNN(nn.Module):  # notebook 05
    def __init__(self, input_size: int, hidden_size: int, output_size: int):
        super().__init__()
        self.hidden_size = hidden_size
        self.in2hidden = nn.Linear(input_size + hidden_size, hidden_size)
        self.in2output = nn.Linear(input_size + hidden_size, output_size)

    def forward(self, x: torch.Tensor, hidden: torch.Tensor):
        combined = torch.cat([x, hidden], dim=1)
        return self.in2output(combined), torch.tanh(self.in2hidden(combined))


class StubSigmoidRNN(HandRNN):
    def forward(self, x, hidden): ...


STUBS = {
    "05.1": (("your answer here",), "`answer` is still the stub text 'your answer here'"),
    "05.2": ((StubSigmoidRNN,), "`SigmoidRNN.forward` returned None: it should return (scores"),
    "05.3": ((..., ..., ...), "`first_acc` is still `...`"),
}
test_every_exercise_has_a_stub_test, test_the_stub_fails_and_says_what_to_write = stub_tests(
    "05", STUBS
)


@pytest.mark.parametrize(("exercise", "answer"), [("05.2", ...)])
def test_a_placeholder_instead_of_a_function_class_or_model(exercise, answer):
    fails(exercise, answer, match=f"is {'still `...`' if answer is ... else 'None'}")


DISCUSSIONS = {
    "05.1": "names shared by several languages",
}


@pytest.mark.parametrize("exercise", sorted(DISCUSSIONS))
def test_discussion(capsys, exercise):
    discussion_is_noted(capsys, exercise, DISCUSSIONS[exercise])
    discussion_names_none(exercise)


class SigmoidRNN(HandRNN):
    def forward(self, x, hidden):
        combined = torch.cat([x, hidden], dim=1)
        return self.in2output(combined), torch.sigmoid(self.in2hidden(combined))


def test_05_2(capsys):
    out = passes(capsys, "05.2", SigmoidRNN)
    assert "the post's cell" in out and "reaches in2hidden through the new hidden state" in out
    fails(
        "05.2",
        HandRNN,
        match="`new_hidden` is still torch.tanh(self.in2hidden(combined)), as in HandRNN",
    )

    class Swapped(HandRNN):
        def forward(self, x, hidden):
            return SigmoidRNN.forward(self, x, hidden)[::-1]

    fails("05.2", Swapped, match="got (2, 16): forward should return (scores, new_hidden)")

    class HiddenFirst(HandRNN):
        def forward(self, x, hidden):
            combined = torch.cat([hidden, x], dim=1)
            return self.in2output(combined), torch.sigmoid(self.in2hidden(combined))

    fails("05.2", HiddenFirst, match="concatenate [x, hidden] in that order")

    class SquashedScores(HandRNN):
        def forward(self, x, hidden):
            scores, new_hidden = SigmoidRNN.forward(self, x, hidden)
            return torch.sigmoid(scores), new_hidden

    fails("05.2", SquashedScores, match="no activation on the scores")

    class Relu(HandRNN):
        def forward(self, x, hidden):
            combined = torch.cat([x, hidden], dim=1)
            return self.in2output(combined) + 1, torch.relu(self.in2hidden(combined))

    fails("05.2", Relu, match="nothing else around the sigmoid or inside it")

    class Plus1(SigmoidRNN):
        def forward(self, x, hidden):
            scores, new_hidden = super().forward(x, hidden)
            return scores + 1, new_hidden

    fails("05.2", Plus1, match="keep HandRNN's scores")
    fails("05.2", SigmoidRNN(59, 16, 18), match="pass the class `SigmoidRNN` itself")

    class TwoSizes(HandRNN):
        def __init__(self, input_size, hidden_size):
            super().__init__(input_size, hidden_size, 18)

    fails("05.2", TwoSizes, match="SigmoidRNN(59, 16, 18)` raised TypeError")
    fails("05.2", int, match="`SigmoidRNN` should be a class")

    class NoLayers(nn.Module):
        def __init__(self, *sizes):
            super().__init__()

    fails("05.2", NoLayers, match="has no layer `in2hidden`: subclass HandRNN")

    class Detached(HandRNN):  # right values, but backpropagation through time is cut
        def forward(self, x, hidden):
            scores, new_hidden = SigmoidRNN.forward(self, x, hidden)
            return scores, new_hidden.detach()

    fails("05.2", Detached, match="Did you .detach() it")

    class NoGrad(HandRNN):
        def forward(self, x, hidden):
            with torch.no_grad():
                return SigmoidRNN.forward(self, x, hidden)

    fails("05.2", NoGrad, match="the new hidden state carries no gradient to the next step")

    class FixedSizes(SigmoidRNN):  # works in the notebook, ignores the check's sizes
        def __init__(self, input_size, hidden_size, output_size):
            super().__init__(59, 256, 18)

    fails("05.2", FixedSizes, match="built in2hidden as nn.Linear(315, 256), not nn.Linear(59")

    class SigmoidOfTanh(HandRNN):
        def forward(self, x, hidden):
            scores, new_hidden = super().forward(x, hidden)
            return scores, torch.sigmoid(new_hidden)

    fails("05.2", SigmoidOfTanh, match="applies sigmoid on top of HandRNN's tanh")

    class RandomStart(SigmoidRNN):  # the post's random initial state, brought back
        def init_hidden(self, batch_size=1):
            return nn.init.kaiming_uniform_(torch.empty(batch_size, self.hidden_size))

    fails("05.2", RandomStart, match="init_hidden returns a state that is not zero")


class LastTwoLetters(nn.Module):
    """A HandRNN-like cell fitted by counting: scores from the last two letters read."""

    def __init__(self):
        super().__init__()
        self.hidden_size = len(NAME_ALPHABET)
        names, labels, _, train, _, _ = _careful_split()
        counts = np.ones((len(NAME_ALPHABET) + 1, len(NAME_ALPHABET), 18))
        for i in train:
            letters = [0] + [NAME_ALPHABET.index(c) + 1 for c in names[i]]
            counts[letters[-2], letters[-1] - 1, labels[i]] += 1
        table = np.log(counts / counts.sum(axis=2, keepdims=True))
        self.register_buffer("table", torch.tensor(table, dtype=torch.float32))

    def forward(self, x, hidden):  # x: one-hot [batch, 59]; hidden: one-hot of the letter before
        before = torch.cat([1 - hidden.sum(1, keepdim=True), hidden], dim=1)  # row 0: none
        return self.table[before.argmax(1), x.argmax(1)], x

    def init_hidden(self, batch_size=1):
        return torch.zeros(batch_size, self.hidden_size)


class Memoriser(nn.Module):
    """LastTwoLetters, except that it answers a name it was 'trained' on with its language.

    Its state holds the one-hot letter before and a hash of the letters so far; `learned` is
    the (name, language) pairs it memorised.
    """

    PRIME = 2**31 - 1

    def __init__(self, learned):
        super().__init__()
        self.bigram = LastTwoLetters()
        self.hidden_size = len(NAME_ALPHABET) + 1
        languages = _careful_split()[2]
        self.known = {self.hash(name): languages.index(lang) for name, lang in learned}

    @classmethod
    def hash(cls, name):
        value = 0
        for c in name:
            value = (value * 61 + NAME_ALPHABET.index(c) + 1) % cls.PRIME
        return value

    def forward(self, x, hidden):
        scores, letter = self.bigram(x, hidden[:, :-1].float())
        value = torch.remainder(hidden[:, -1] * 61 + x.argmax(1) + 1, self.PRIME)
        for row, key in enumerate(value.long().tolist()):
            if key in self.known:
                scores[row] = 10 * nn.functional.one_hot(torch.tensor(self.known[key]), 18)
        return scores, torch.cat([letter.double(), value[:, None]], dim=1)

    def init_hidden(self, batch_size=1):
        return torch.zeros(batch_size, self.hidden_size, dtype=torch.float64)


class ShortNames(nn.Module):
    """LastTwoLetters, but a capitalised string of 3 letters or fewer reads as Chinese."""

    def __init__(self):
        super().__init__()
        self.bigram = LastTwoLetters()
        self.hidden_size = len(NAME_ALPHABET) + 2  # the letter before, letters read, capital?
        self.chinese = _careful_split()[2].index("Chinese")

    def forward(self, x, hidden):
        scores, letter = self.bigram(x, hidden[:, :-2])
        count = hidden[:, -2] + 1
        capital = torch.where(count == 1, (x.argmax(1) >= 26).float(), hidden[:, -1])
        short = (count <= 3) & (capital > 0)
        scores[:, self.chinese] = torch.where(short, 100.0, scores[:, self.chinese])
        return scores, torch.cat([letter, count[:, None], capital[:, None]], dim=1)

    def init_hidden(self, batch_size=1):
        return torch.zeros(batch_size, self.hidden_size)


def accuracy_of(model, part, cut):
    """The model's accuracy on names cut with `cut`, names of one length at a time (no padding)."""
    names, labels, *_ = _careful_split()
    by_length = {}
    for i in part:
        by_length.setdefault(len(cut(names[i])), []).append(i)
    right = 0
    with torch.no_grad():
        for group in by_length.values():
            letters = torch.stack([name_to_onehot(cut(names[i]))[:, 0] for i in group], dim=1)
            hidden = model.init_hidden(len(group))
            for letter in letters:  # [group, 59] per step
                scores, hidden = model(letter, hidden)
            right += (scores.argmax(1).numpy() == labels[group]).sum()
    return right / len(part)


def as_name(cut):
    return cut[:1].upper() + cut[1:]


def test_05_3(capsys):
    model = LastTwoLetters()
    names, labels, languages, train, validation, test = _careful_split()
    first = accuracy_of(model, validation, lambda n: as_name(n[:3]))
    last = accuracy_of(model, validation, lambda n: as_name(n[-3:]))
    whole = accuracy_of(model, validation, lambda n: n)
    assert whole > 0.6 and first < last
    out = passes(capsys, "05.3", first, np.float64(last), model)
    assert "on the 1,798 careful validation names, each cut written as a name" in out
    assert f"{last:.1%} from the last 3 letters and {first:.1%} from the first 3" in out
    assert "(exact McNemar) puts the last 3 letters ahead" in out
    assert "Chinese, Korean or Vietnamese" in out and "Left in lower case" in out
    fails("05.3", last, first, model, match="they are swapped")
    fails("05.3", whole, last, model, match="that is the accuracy on whole names")
    test_first = accuracy_of(model, test, lambda n: as_name(n[:3]))
    test_last = accuracy_of(model, test, lambda n: as_name(n[-3:]))
    fails("05.3", test_first, test_last, model, match="those are the test names")
    fails("05.3", 100 * first, 100 * last, model, match="give a fraction, not a percentage")
    fails("05.3", first, first + 0.05, model, match="cut each of the careful_val names")
    # A model that reads a short capitalised string as Chinese: the case of a cut matters.
    short = ShortNames()
    first = accuracy_of(short, validation, lambda n: as_name(n[:3]))
    last = accuracy_of(short, validation, lambda n: as_name(n[-3:]))
    lower_last = accuracy_of(short, validation, lambda n: n[-3:])
    assert lower_last > last + 0.1
    out = passes(capsys, "05.3", first, last, short)
    assert f"the last-3 cuts get {lower_last:.1%}" in out
    fails("05.3", first, lower_last, short, match="your last-3 cuts start in lower case ('ski')")
    # The post's protocol trains on most careful validation names: its model is refused.
    seen = nb05._post_training_pairs()
    post_model = Memoriser(seen)
    first = accuracy_of(post_model, validation, lambda n: as_name(n[:3]))
    last = accuracy_of(post_model, validation, lambda n: as_name(n[-3:]))
    fails("05.3", first, last, post_model, match="it looks trained on the post's split")
    careful = Memoriser((names[i], languages[labels[i]]) for i in train)
    first = accuracy_of(careful, validation, lambda n: as_name(n[:3]))
    last = accuracy_of(careful, validation, lambda n: as_name(n[-3:]))
    passes(capsys, "05.3", first, last, careful)
    untrained = HandRNN(59, 32, 18)
    untrained.init_hidden = lambda batch_size=1: torch.zeros(batch_size, 32)
    fails("05.3", first, last, untrained, match="hardly more than always answering Russian")
    fails("05.3", first, last, HandRNN, match="`model` is a class")
    fails("05.3", 0.4, ..., model, match="`last_acc` is still `...`")
