"""The answer checks of notebook 07, going further.

Each check fails on its stub with a message that says what to write, passes on a
reference answer, and rejects the plausible wrong answers with a hint at the mistake.
"""

from __future__ import annotations

import pytest
import torch
from checks_common import (
    discussion_is_noted,
    discussion_names_none,
    fails,
    passes,
    stub,
    stub_tests,
)
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from course_utils.ciphers import (
    CIPHER_ALPHABET,
)
from course_utils.encoding import NAME_VOCAB_SIZE, PAD

# --- a copy of the notebook's class(es) -------------------------------------------------------


class Convolutional(nn.Module):  # notebook 07
    def __init__(self, vocab, classes, embed_dim, channels, pad=None):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed_dim, padding_idx=pad)
        self.conv1 = nn.Conv1d(embed_dim, channels, kernel_size=5, padding=2)
        self.conv2 = nn.Conv1d(channels, channels, kernel_size=5, padding=2)
        self.head = nn.Linear(channels, classes)

    def features(self, vectors, real):
        keep = real.unsqueeze(1).float()
        out = vectors.transpose(1, 2) * keep
        out = torch.relu(self.conv1(out)) * keep
        return torch.relu(self.conv2(out)) * keep

    def forward(self, x, lengths=None):
        if lengths is None:
            real = torch.ones_like(x, dtype=torch.bool)
            return self.head(self.features(self.embed(x), real).transpose(1, 2))
        real = torch.arange(x.shape[1], device=x.device) < lengths.to(x.device).unsqueeze(1)
        features = self.features(self.embed(x), real).masked_fill(~real.unsqueeze(1), -torch.inf)
        return self.head(features.amax(dim=2))


class StubConvWithPosition(Convolutional):
    def __init__(self): ...

    def forward(self, x, lengths=None): ...


STUBS = {
    "07.1": (("  ",), "`answer` is empty"),
    "07.2": ((StubConvWithPosition,), "`ConvWithPosition()` is not set up as a module"),
    "07.3": ((..., stub), "`two_layers` is still `...`"),
}
test_every_exercise_has_a_stub_test, test_the_stub_fails_and_says_what_to_write = stub_tests(
    "07", STUBS
)


DISCUSSIONS = {
    "07.1": "one seed, one learning rate and one budget are not a ranking",
}


@pytest.mark.parametrize("exercise", sorted(DISCUSSIONS))
def test_discussion(capsys, exercise):
    discussion_is_noted(capsys, exercise, DISCUSSIONS[exercise])
    discussion_names_none(exercise)


class ConvWithPosition(Convolutional):
    def __init__(self):
        super().__init__(len(CIPHER_ALPHABET), 27, 8, 32)
        self.conv1 = nn.Conv1d(8 + 3, 32, kernel_size=5, padding=2)

    def forward(self, x, lengths=None, period=3):
        position = nn.functional.one_hot(torch.arange(x.shape[1], device=x.device) % period, 3)
        position = position.float().expand(x.shape[0], -1, -1)
        real = torch.ones_like(x, dtype=torch.bool)
        features = self.features(torch.cat([self.embed(x), position], dim=2), real)
        return self.head(features.transpose(1, 2))


def test_07_2(capsys):
    assert "positions with the same t % 3" in passes(capsys, "07.2", ConvWithPosition)

    class Plain(Convolutional):
        def __init__(self):
            super().__init__(27, 27, 8, 32)

    fails("07.2", Plain, match="the first convolution takes 8 channels; it needs 8 + 3")

    class Period2(ConvWithPosition):
        def forward(self, x, lengths=None):
            return super().forward(x, period=2)

    fails("07.2", Period2, match="positions 4 and 7 (the same key position) get different")

    class Ignored(ConvWithPosition):
        def forward(self, x, lengths=None):
            vectors = torch.cat([self.embed(x), torch.zeros(*x.shape, 3)], dim=2)
            real = torch.ones_like(x, dtype=torch.bool)
            return self.head(self.features(vectors, real).transpose(1, 2))

    fails("07.2", Ignored, match="the position channels have no effect")

    class Transposed(ConvWithPosition):
        def forward(self, x, lengths=None):
            return self.conv1(self.embed(x))

    fails("07.2", Transposed, match="concatenate on dim=2 (features): [batch, time, 8 + 3]")

    class NoConvs(nn.Module):
        pass

    fails("07.2", NoConvs, match="should keep Convolutional's `conv1`")

    class Pooled(ConvWithPosition):
        def forward(self, x, lengths=None):
            return super().forward(x).amax(dim=1)

    fails("07.2", Pooled, match="should return scores of shape (2, 16, 27), got (2, 27)")

    class PositionOnly(ConvWithPosition):  # the embeddings dropped: it reads the position only
        def forward(self, x, lengths=None):
            position = nn.functional.one_hot(torch.arange(x.shape[1]) % 3, 3).float()
            vectors = torch.cat([torch.zeros(*x.shape, 8), position.expand(len(x), -1, -1)], 2)
            real = torch.ones_like(x, dtype=torch.bool)
            return self.head(self.features(vectors, real).transpose(1, 2))

    fails("07.2", PositionOnly, match="the model no longer reads the symbols")


class Recurrent(nn.Module):  # notebook 07, the names path
    def __init__(self, kind="GRU", embed_dim=16, hidden=64, bidirectional=False):
        super().__init__()
        self.embed = nn.Embedding(NAME_VOCAB_SIZE, embed_dim, padding_idx=PAD)
        layer = getattr(nn, kind)
        self.rnn = layer(embed_dim, hidden, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(hidden * (2 if bidirectional else 1), 18)

    def forward(self, x, lengths=None):
        packed = pack_padded_sequence(
            self.embed(x), lengths, batch_first=True, enforce_sorted=False
        )
        _, state = self.rnn(packed)
        h_n = state[0] if isinstance(state, tuple) else state
        if self.rnn.bidirectional:
            return self.head(torch.cat([h_n[-2], h_n[-1]], dim=1))
        return self.head(h_n[-1])


def deep_model(rnn):
    model = Recurrent()
    model.rnn = rnn
    return model


def final_state(model, padded, lengths):
    packed = pack_padded_sequence(model.embed(padded), lengths, True, enforce_sorted=False)
    return model.rnn(packed)[1]


def test_07_3(capsys):
    model = deep_model(nn.GRU(16, 64, num_layers=2, batch_first=True))
    out = passes(capsys, "07.3", model, final_state)
    assert "h_n[-1], the top layer" in out and "(2, 4, 64)" in out
    # the usual mistakes in final_state
    output = lambda m, x, n: m.rnn(m.embed(x))[0]  # noqa: E731
    fails("07.3", model, output, match="that is output, the top layer's state at every step")
    transposed = lambda m, x, n: final_state(m, x, n).transpose(0, 1)  # noqa: E731
    fails("07.3", model, transposed, match="h_n keeps the (layers, batch, hidden) layout")
    top_only = lambda m, x, n: final_state(m, x, n)[-1]  # noqa: E731
    fails("07.3", model, top_only, match="return the whole h_n, one row per layer")
    unpacked = lambda m, x, n: m.rnn(m.embed(x))[1]  # noqa: E731
    fails("07.3", model, unpacked, match="the GRU read the padding after the short names")
    other = deep_model(nn.GRU(16, 64, num_layers=2, batch_first=True))
    foreign = lambda m, x, n: final_state(other, x, n)  # noqa: E731
    fails("07.3", model, foreign, match="return h_n of model.rnn, the model passed in")
    both = lambda m, x, n: m.rnn(m.embed(x))  # noqa: E731
    fails("07.3", model, both, match="return h_n, the second value")
    fails("07.3", model, lambda m, x, n: None, match="`final_state` returned None")
    fails("07.3", model, ..., match="`final_state` is still `...`")
    # the usual mistakes in the model
    one_layer = Recurrent()
    fails("07.3", one_layer, final_state, match="has 1 layer(s): the argument to change is num")
    fails("07.3", model, lambda m, x, n: final_state(one_layer, x, n), match="one row: is it")
    both_ways = deep_model(nn.GRU(16, 64, num_layers=2, batch_first=True, bidirectional=True))
    fails("07.3", both_ways, final_state, match="build a one-way GRU this time")
    seq_first = deep_model(nn.GRU(16, 64, num_layers=2))
    fails("07.3", seq_first, final_state, match="`two_layers.rnn` has batch_first=False")
    lstm = deep_model(nn.LSTM(16, 64, num_layers=2, batch_first=True))
    fails("07.3", lstm, final_state, match="`two_layers` has an nn.LSTM as `.rnn`")
    wide = deep_model(nn.GRU(64, 64, num_layers=2, batch_first=True))
    fails("07.3", wide, final_state, match="is an nn.GRU(64, 64, ...)")

    class Bottom(Recurrent):
        def forward(self, x, lengths=None):
            packed = pack_padded_sequence(self.embed(x), lengths, True, enforce_sorted=False)
            return self.head(self.rnn(packed)[1][0])

    bottom = Bottom()
    bottom.rnn = model.rnn
    fails("07.3", bottom, final_state, match="not head(h_n[-1]) of the GRU run on each name")
    fails("07.3", nn.Linear(2, 2), final_state, match="`two_layers` has no `.rnn`")
