"""Answer checks for notebook 09, generating names."""

from __future__ import annotations

import torch
from torch import nn

from course_utils.checks._core import (
    CheckError,
    _call,
    _callable,
    _class,
    _close,
    _device,
    _evaluating,
    _generator,
    _instantiate,
    _number,
    _pair,
    _register,
    _returned,
    _scores,
    _shape,
)
from course_utils.encoding import NAME_ALPHABET


@_register("09.1")
def _check_09_1(UnconditionedLM: object) -> str:
    """A NameLM subclass whose start(language) ignores the language."""
    what = "class UnconditionedLM(NameLM) whose start(language) returns zeros"
    model = _instantiate(_class(UnconditionedLM, "UnconditionedLM", what), "UnconditionedLM")
    gru = getattr(model, "gru", None)
    if not isinstance(gru, nn.RNNBase) or not callable(getattr(model, "start", None)):
        raise CheckError(
            "UnconditionedLM() should keep NameLM's `gru` and `start`: subclass NameLM"
        )
    size = gru.hidden_size
    zeros = "torch.zeros(1, len(language), self.gru.hidden_size, device=language.device)"
    states = []
    for language in (torch.tensor([0, 5, 17]), torch.tensor([3])):
        language = language.to(_device(model))
        batch = len(language)
        with torch.no_grad():
            state = _call(f"`UnconditionedLM().start({language.tolist()})`", model.start, language)
        _returned(state, "`UnconditionedLM.start`", f"zeros of shape [1, batch, hidden]: {zeros}")
        if isinstance(state, torch.Tensor) and state.device != language.device:
            raise CheckError(
                f"start returned a state on {state.device}, but language is on "
                f"{language.device}: create it with device=language.device"
            )
        states.append(
            _shape(
                state,
                "start(language)",
                (1, batch, size),
                {(batch, size): "add the layer dimension in front: [1, batch, hidden]"},
            )
        )
    three = states[0]
    if bool((three == 0).all()):
        return (
            "every name starts from zeros, whatever its language: train it and compare its "
            "validation loss with the conditioned model's to see what the language is worth."
        )
    if _close(three[0, 0], three[0, 1]) and _close(three[0, 0], three[0, 2]):
        return (
            "every name starts from the same state, whatever its language (zeros, as in the "
            "reference, do the same job): the difference in validation loss is what knowing "
            "the language is worth."
        )
    raise CheckError(
        "start(language) gives different states to different languages: it should ignore the "
        f"language and return zeros, {zeros}"
    )


@_register("09.2")
def _check_09_2(most_probable: object) -> str:
    """most_probable(language, beam=5) -> (name, log_prob) by beam search."""
    search = _callable(most_probable, "most_probable", "most_probable(language, beam=5)")
    expected = "(name, log_prob): the most probable name, a str, and its log-probability"
    with torch.no_grad():
        result = _call("your `most_probable('Russian')`", search, "Russian")
    name, log_prob = _pair(result, "`most_probable('Russian')`", expected)
    if not isinstance(name, str) or not name:
        raise CheckError(f"the name most_probable returns should be a non-empty str, got {name!r}")
    strange = sorted(set(name) - set(NAME_ALPHABET))
    if strange:
        raise CheckError(
            f"the name {name!r} holds symbols that are not in NAME_ALPHABET ({strange}): "
            "decode symbol k as NAME_ALPHABET[k - 1] (names start at 1) and stop at END"
        )
    value = _number(log_prob, "log_prob", "the name's total log-probability, a float <= 0")
    if value > 1e-6:
        raise CheckError(
            f"log_prob is {value:.3f}, but a log-probability is <= 0: add log_softmax values, "
            "not raw scores"
        )
    if value <= -100:
        raise CheckError(f"log_prob is {value:.1f}, far too low for the most probable name")
    return (
        f"most_probable('Russian') = ({name!r}, {value:.2f}). The most probable name is a "
        "short, common one, often a training name: every extra letter multiplies in one more "
        "probability below 1, so the search favours names that stop early. Sampling gives the "
        "variety of real names; the single most probable sequence is not a typical one."
    )


@_register("09.3")
def _check_09_3(LSTMNameLM: object) -> str:
    """A NameLM subclass with an nn.LSTM whose start returns (h, c)."""
    what = "class LSTMNameLM(NameLM) with an nn.LSTM and start returning (h, c)"
    replace = "set self.gru = nn.LSTM(embed_dim, hidden, batch_first=True) after super().__init__"
    model = _instantiate(_class(LSTMNameLM, "LSTMNameLM", what), "LSTMNameLM", hint=replace)
    lstms = [m for m in model.modules() if isinstance(m, nn.LSTM)]
    if not lstms:
        raise CheckError(f"LSTMNameLM() has no nn.LSTM among its modules: {replace}")
    size = lstms[0].hidden_size
    device = _device(model)
    language = torch.tensor([0, 1], device=device)
    pair = "an LSTM's state is a pair: return h, torch.zeros_like(h) (the language as h)"
    with _evaluating(model):
        state = _call("`LSTMNameLM().start(tensor([0, 1]))`", model.start, language)
        if isinstance(state, torch.Tensor):
            raise CheckError(f"start returned one tensor: {pair}")
        h, c = _pair(
            state, "`LSTMNameLM.start`", f"(h, c), two tensors of shape [1, batch, {size}]"
        )
        for name, value in (("h", h), ("c", c)):
            _shape(value, f"{name} (from start)", (1, 2, size))
        inputs = torch.randint(1, 61, (2, 5), generator=_generator(9)).to(device)
        output = _call(
            "`LSTMNameLM()(inputs, language)`",
            model,
            inputs,
            language,
            hints=[("hidden", pair), ("index", pair)],
        )
        _returned(output, "`LSTMNameLM.forward`", "(scores, state)")
        _scores(output, "`LSTMNameLM()(inputs, language)`", (2, 5, 60))
    return (
        "LSTMNameLM starts from (h, c), the language as h and an empty memory c, and returns "
        "scores [2, 5, 60]: an LSTM's state is a pair wherever a GRU's is one tensor."
    )
