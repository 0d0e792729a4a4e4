"""The answer checks of notebook 02, LSTM building blocks.

Each check fails on its stub with a message that says what to write, passes on a
reference answer, and rejects the plausible wrong answers with a hint at the mistake.
"""

from __future__ import annotations

import math

import torch
from checks_common import (
    fails,
    passes,
    stub,
    stub_tests,
)
from torch import nn

STUBS = {
    "02.1": ((..., ..., ..., ..., ...), "`deep` is still `...`: set it to the 2-layer nn.LSTM"),
    "02.2": ((..., ...), "`output` is still `...`: set it to a tensor of shape (8, 16, 20)"),
    "02.3": ((...,), "`loss_with_softmax` is still `...`"),
    "02.4": ((stub, nn.LSTM(5, 10, batch_first=True)), "`lstm_step` returned None: it should"),
}
test_every_exercise_has_a_stub_test, test_the_stub_fails_and_says_what_to_write = stub_tests(
    "02", STUBS
)


BATCH = torch.randn(8, 16, 5, generator=torch.Generator().manual_seed(0))


def test_02_1(capsys):
    deep = nn.LSTM(5, 10, num_layers=2, batch_first=True)
    output, (h, c) = deep(BATCH)
    out = passes(capsys, "02.1", output, h, c, deep, BATCH)
    assert "one row per layer (row 0 the bottom layer, row 1 the top)" in out
    assert "equal to the check's own computation" in out
    dropout = nn.LSTM(5, 10, num_layers=2, batch_first=True, dropout=0.5)
    output_d, (h_d, c_d) = dropout(BATCH)  # in training mode: random
    fails("02.1", output_d, h_d, c_d, dropout, BATCH, match="dropout=0.5 between its layers")
    dropout.eval()
    passes(capsys, "02.1", *dropout(BATCH)[:1], *dropout(BATCH)[1], dropout, BATCH)
    # the usual mistakes: h and c swapped, rows reordered, a cell state of another call
    fails("02.1", output, c, h, deep, BATCH, match="`h` and `c` look swapped")
    fails("02.1", output, h.flip(0), c.flip(0), deep, BATCH, match="the rows are in the wrong")
    fails("02.1", output, h, 2 * c, deep, BATCH, match="h is right, but c is not the cell state")
    fails("02.1", output, h, h.sign() * 5, deep, BATCH, match="h is right, but c is not")
    top_twice = torch.stack([h[1], h[1]]), torch.stack([c[1], c[1]])
    fails("02.1", output, *top_twice, deep, BATCH, match="both rows of h are the top layer's")
    # two one-layer LSTMs side by side, both reading the embeddings: not stacked
    side_a, side_b = nn.LSTM(5, 10, batch_first=True), nn.LSTM(5, 10, batch_first=True)
    _, (h_a, c_a) = side_a(BATCH)
    out_b, (h_b, c_b) = side_b(BATCH)
    side_by_side = nn.LSTM(5, 10, num_layers=2, batch_first=True)
    with torch.no_grad():  # its layers hold the two LSTMs' weights
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(side_by_side, f"{name}_l0").copy_(getattr(side_a, f"{name}_l0"))
    fails(
        "02.1",
        out_b,
        torch.cat([h_a, h_b]),
        torch.cat([c_a, c_b]),
        side_by_side,
        BATCH,
        match="`output` is not what deep's two layers give for x2",
    )
    three = nn.LSTM(5, 10, num_layers=3, batch_first=True)
    out3, (h3, c3) = three(BATCH)
    fails("02.1", out3, h3[1:], c3[1:], three, BATCH, match="`deep` has 3 layer(s)")
    fails("02.1", out3, h3[1:], c3[1:], deep, BATCH, match="are `out2` and `x2` from the same")
    bottom = nn.LSTM(5, 10, batch_first=True)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(bottom, f"{name}_l0").copy_(getattr(deep, f"{name}_l0"))
    fails("02.1", bottom(BATCH)[0], h, c, deep, BATCH, match="that is the bottom layer's")
    other = torch.randn(8, 16, 5)
    fails("02.1", output, h, c, deep, other, match="from the same call, out2, (h2, c2) = deep(x2)")
    _, (other_h, other_c) = deep(other)
    fails("02.1", output, other_h, other_c, deep, BATCH, match="pass the pair one call returned")
    one = nn.LSTM(5, 10, batch_first=True)
    fails("02.1", *one(BATCH)[:1], *one(BATCH)[1], one, BATCH, match="`deep` has 1 layer(s)")
    seq_first = nn.LSTM(5, 10, num_layers=2)
    fails("02.1", output, h, c, seq_first, BATCH, match="`deep` has batch_first=False")
    output_t, (h_t, c_t) = seq_first(BATCH)
    fails("02.1", output_t, h_t, c_t, deep, BATCH, match="got (2, 16, 10): did you pass batch_f")
    fails("02.1", output, h[:1], c[:1], deep, BATCH, match="got (1, 8, 10): did you pass num_l")
    fails("02.1", (output, h), h, c, deep, BATCH, match="`output` is a tuple of 2 tensors")
    fails("02.1", output, h, c, deep, BATCH[..., 0], match="pass the embedded batch")
    fails("02.1", output, h, c, nn.GRU(5, 10, 2), BATCH, match="`deep` should be an nn.LSTM")
    fails("02.1", output, h, c, ..., BATCH, match="`deep` is still `...`")


def test_02_2(capsys):
    output, (h, _) = nn.LSTM(5, 10, batch_first=True, bidirectional=True)(BATCH)
    assert "needs 2 * 10 inputs" in passes(capsys, "02.2", output, h)
    passes(capsys, "02.2", output.detach().numpy(), h)
    output, (h, c) = nn.LSTM(5, 10, batch_first=True, bidirectional=True)(BATCH)
    fails("02.2", output, c, match="it looks like the cell state c")
    fails("02.2", output, h.flip(0), match="its rows are swapped")
    _, (other_h, _) = nn.LSTM(5, 10, batch_first=True, bidirectional=True)(BATCH)
    fails("02.2", output, other_h, match="from the same call of the same LSTM?")
    forward, (forward_h, _) = nn.LSTM(5, 10, batch_first=True)(BATCH)  # the forward way twice
    twice = torch.cat([forward, forward], dim=2), torch.cat([forward_h, forward_h])
    fails("02.2", *twice, match="ends at step 0 (h[1] == output[:, 0, 10:])")
    output, (h, _) = nn.LSTM(5, 10, batch_first=True)(BATCH)
    fails("02.2", output, h, match="got (8, 16, 10): did you pass bidirectional=True?")
    output, (h, _) = nn.LSTM(5, 10, 2, batch_first=True, bidirectional=True)(BATCH)
    fails("02.2", output, h, match="one layer only")


def test_02_3(capsys):
    loss_fn = nn.CrossEntropyLoss()
    perfect = torch.full((1, 1, 27), -20.0)
    perfect[0, 0, 5] = 20.0
    target = torch.tensor([[5]])
    wrong = loss_fn(perfect.softmax(-1).transpose(1, 2), target)
    assert "e / (e + 26)" in passes(capsys, "02.3", wrong)
    passes(capsys, "02.3", wrong.item())
    right = loss_fn(perfect.transpose(1, 2), target).item()
    fails("02.3", right, match="that is the loss without the extra softmax")
    fails("02.3", math.log(27), match="a uniform guess (ln 27)")
    wrong_axis = loss_fn(perfect.transpose(1, 2).softmax(-1), target)  # over the 1 step
    fails("02.3", wrong_axis, match="or the softmax ran over the wrong axis")
    log_softmax = loss_fn(perfect.log_softmax(-1).transpose(1, 2), target)
    fails("02.3", log_softmax, match="a log_softmax changes nothing either")
    nll = nn.NLLLoss()(perfect.softmax(-1).transpose(1, 2), target)
    fails("02.3", nll, match="nn.NLLLoss expects log-probabilities")
    fails("02.3", -0.5, match="cannot be negative")
    fails("02.3", 1.0, match="should be ln(1 + 26/e) ≈ 2.358, got 1.000")


def make_lstm_step(lstm, order="ifgo", biases=True, cell=torch.tanh, swap=False):
    """lstm_step as in the notebook, or with one of the usual mistakes."""

    def lstm_step(x, h, c):
        gates = x @ lstm.weight_ih_l0.T + h @ lstm.weight_hh_l0.T
        if biases:
            gates = gates + lstm.bias_ih_l0 + lstm.bias_hh_l0
        gate = dict(zip(order, gates.chunk(4, dim=1), strict=True))
        c = torch.sigmoid(gate["f"]) * c + torch.sigmoid(gate["i"]) * cell(gate["g"])
        h = torch.sigmoid(gate["o"]) * torch.tanh(c)
        return (c, h) if swap else (h, c)

    return lstm_step


def test_02_4(capsys):
    lstm = nn.LSTM(5, 10, batch_first=True)
    out = passes(capsys, "02.4", make_lstm_step(lstm), lstm)
    assert "i, f, g, o" in out and "hidden and cell states at every step" in out
    cell = nn.LSTMCell(5, 10)
    with torch.no_grad():  # an LSTMCell with the LSTM's weights is a right answer too
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(getattr(lstm, f"{name}_l0"))
    passes(capsys, "02.4", lambda x, h, c: cell(x, (h, c)), lstm)
    lstm.train()
    passes(capsys, "02.4", make_lstm_step(lstm), lstm)
    assert lstm.training
    seq_first = nn.LSTM(5, 10)
    passes(capsys, "02.4", make_lstm_step(seq_first), seq_first)
    fails("02.4", make_lstm_step(lstm, order="ifog"), lstm, match="in the order i, f, o, g")
    fails("02.4", make_lstm_step(lstm, biases=False), lstm, match="you left out both biases")
    fails("02.4", make_lstm_step(lstm, cell=torch.sigmoid), lstm, match="takes tanh, not sigmoid")
    fails("02.4", make_lstm_step(lstm, swap=True), lstm, match="you return (c_next, h_next)")
    halved = lambda x, h, c: tuple(v / 2 for v in make_lstm_step(lstm)(x, h, c))  # noqa: E731
    fails("02.4", halved, lstm, match="compare with the equations: gates = x @ W_ih.T + b_ih")
    fails("02.4", lambda x, h, c: (h, c, c), lstm, match="returned a tuple of 3: it should")

    def no_tanh(x, h, c):
        _, c_next = make_lstm_step(lstm)(x, h, c)
        gates = x @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h @ lstm.weight_hh_l0.T
        return torch.sigmoid((gates + lstm.bias_hh_l0).chunk(4, dim=1)[3]) * c_next, c_next

    fails("02.4", no_tanh, lstm, match="the tanh of the new cell state is missing")

    def one_bias(x, h, c):
        gates = x @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h @ lstm.weight_hh_l0.T
        i, f, g, o = gates.chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c

    fails("02.4", one_bias, lstm, match="you left out bias_hh_l0")
    fails("02.4", lambda x, h, c: (x, c), lstm, match="`h_next (what lstm_step returned)` should")
    fails("02.4", lambda x, h, c: h, lstm, match="`lstm_step` returned a Tensor: it should return")
    first_state = []

    def ignores_state(x, h, c):  # steps from the first state it saw, as from a global
        first_state.append((h, c))
        return make_lstm_step(lstm)(x, *first_state[0])

    fails("02.4", ignores_state, lstm, match="step 1 of `lstm_step` matches nn.LSTM but step 2")
    fails("02.4", make_lstm_step(lstm), nn.GRU(5, 10), match="`lstm` should be an nn.LSTM")

    def calls_the_lstm(x, h, c):
        _, (h_next, c_next) = lstm(x.unsqueeze(1), (h.unsqueeze(0), c.unsqueeze(0)))
        return h_next[0], c_next[0]

    fails("02.4", calls_the_lstm, lstm, match="`lstm_step` calls the LSTM itself")

    def calls_the_class(x, h, c):  # nn.LSTM.forward(lstm, ...) goes round the instance
        _, (h_next, c_next) = nn.LSTM.forward(lstm, x[:, None], (h[None], c[None]))
        return h_next[0], c_next[0]

    fails("02.4", calls_the_class, lstm, match="`lstm_step` calls the LSTM itself")
    assert nn.LSTM.forward is not None and lstm(BATCH[:, :1])[0].shape == (8, 1, 10)

    def squashed_c(x, h, c):
        h_next, c_next = make_lstm_step(lstm)(x, h, c)
        return h_next, torch.tanh(c_next)

    fails("02.4", squashed_c, lstm, match="c_next is the new cell state itself")

    def old_c_in_h(x, h, c):
        gates = x @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h @ lstm.weight_hh_l0.T
        i, f, g, o = (gates + lstm.bias_hh_l0).chunk(4, dim=1)
        c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c_next

    fails("02.4", old_c_in_h, lstm, match="not of the old c")
    zero_c = lambda x, h, c: make_lstm_step(lstm)(x, h, torch.zeros_like(c))  # noqa: E731
    fails("02.4", zero_c, lstm, match="the step ignores its argument c")

    def one_minus_f(x, h, c):
        gates = x @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h @ lstm.weight_hh_l0.T
        i, f, g, o = (gates + lstm.bias_hh_l0).chunk(4, dim=1)
        c_next = (1 - torch.sigmoid(f)) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c_next), c_next

    fails("02.4", one_minus_f, lstm, match="not (1 - sigmoid(f)) * c")
    assert lstm(BATCH[:, :2])[0].shape == (8, 2, 10)  # the LSTM works again afterwards
    assert "forward" not in vars(lstm)
    fails("02.4", make_lstm_step(lstm), nn.LSTM(5, 10, 2), match="should have one layer")
    fails("02.4", make_lstm_step(lstm), nn.LSTM, match="`lstm` is a class")
    message = fails("02.4", lambda x, h: h, lstm, match="running your `lstm_step(x, h, c)` raised")
    assert "x is [batch, I]" in message
    fails("02.4", make_lstm_step(lstm), lambda: 0, match="`lstm` should be the one-layer")
    fails("02.4", make_lstm_step(lstm), ..., match="`lstm` is still `...`")
    fails("02.4", "lstm_step", lstm, match="`lstm_step` should be a function")
