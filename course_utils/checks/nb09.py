"""Answer checks for notebook 09, generating names.

The language models of notebook 09 read ``BEGIN`` (60) and the letters (``NAME_ALPHABET``
as 1-59) and predict the letters (as 0-58) and ``END`` (59), one language per name.
"""

from __future__ import annotations

import math

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
    _module,
    _number,
    _pair,
    _register,
    _returned,
    _scores,
    _shape,
)
from course_utils.encoding import NAME_ALPHABET

#: The 18 languages of the names data, sorted: notebook 09's `languages`.
LANGUAGES = (
    "Arabic",
    "Chinese",
    "Czech",
    "Dutch",
    "English",
    "French",
    "German",
    "Greek",
    "Irish",
    "Italian",
    "Japanese",
    "Korean",
    "Polish",
    "Portuguese",
    "Russian",
    "Scottish",
    "Spanish",
    "Vietnamese",
)
END = len(NAME_ALPHABET)  # 59: predicted only
BEGIN = END + 1  # 60: read only
CLASSES = END + 1  # 60 symbols predicted
DECODING = (
    "decode a predicted symbol k as NAME_ALPHABET[k] (predictions number the letters from 0; "
    "END is 59), feed it back as input k + 1 (inputs number them from 1; BEGIN is 60)"
)


#: One epoch of exercise 09.1's recipe, validation nats per symbol: seeds 0-7 gave
#: 2.305-2.414 without the language, 2.175-2.264 with it, 0.110-0.155 apart (CPU, torch
#: 2.13); each range widened by about the spread over seeds, for other machines.
ONE_EPOCH = {"without": (2.2, 2.55), "with_language": (2.05, 2.4), "gap": (0.05, 0.25)}
RECIPE = (
    "seed_everything(0), a fresh model, Adam at a constant lr 0.005, one pass over "
    "lm_batches(train_idx, 128, torch.Generator().manual_seed(0)), gradients clipped at 1, "
    "then nats_per_name on val_idx (total over total symbols)"
)


def _inputs(name: str) -> list[int]:
    return [BEGIN] + [NAME_ALPHABET.index(c) + 1 for c in name]


def _targets(name: str) -> list[int]:
    return [NAME_ALPHABET.index(c) for c in name] + [END]


def _symbol_log_probs(model: nn.Module, name: str, language: int) -> torch.Tensor:
    """ln P of each letter of ``name`` and of END under ``model``, read in one pass."""
    device = _device(model)
    inputs = torch.tensor([_inputs(name)], device=device)
    with _evaluating(model):
        output = _call(
            "your model on a whole name", model, inputs, torch.tensor([language], device=device)
        )
    scores = _scores(output, "your model", (1, len(name) + 1, CLASSES))
    log_probs = scores[0].double().log_softmax(dim=-1)
    return log_probs[torch.arange(len(name) + 1), torch.tensor(_targets(name))]


# --- 09.1 -------------------------------------------------------------------------------


@_register("09.1")
def _check_09_1(UnconditionedLM: object, without: object, with_language: object) -> str:
    """A NameLM subclass whose start(language) ignores the language, and two measurements."""
    what = "class UnconditionedLM(NameLM) whose start(language) returns zeros"
    model = _instantiate(_class(UnconditionedLM, "UnconditionedLM", what), "UnconditionedLM")
    gru = getattr(model, "gru", None)
    if not isinstance(gru, nn.RNNBase) or not callable(getattr(model, "start", None)):
        raise CheckError(
            "UnconditionedLM() should keep NameLM's `gru` and `start`: subclass NameLM"
        )
    size = gru.hidden_size
    zeros = "torch.zeros(1, len(language), self.gru.hidden_size, device=language.device)"
    device = _device(model)
    states = []
    for language in (torch.tensor([0, 5, 17]), torch.tensor([3])):
        language = language.to(device)
        batch = len(language)
        with torch.no_grad():
            state = _call(f"`UnconditionedLM().start({language.tolist()})`", model.start, language)
        _returned(state, "`UnconditionedLM.start`", f"zeros of shape [1, batch, hidden]: {zeros}")
        if isinstance(state, torch.Tensor) and state.device != language.device:
            raise CheckError(
                f"start returned a state on {state.device}, but language is on "
                f"{language.device}: create it with device=language.device"
            )
        hints = {(batch, size): "add the layer dimension in front: [1, batch, hidden]"}
        embed = getattr(getattr(model, "embed", None), "embedding_dim", None)
        if embed is not None and embed != size:
            hints[(1, batch, embed)] = (
                f"that is the embedding's size; the state has the GRU's hidden size, {size}: "
                "self.gru.hidden_size"
            )
        states.append(_shape(state, "start(language)", (1, batch, size), hints))
    three = states[0]
    if not (_close(three[0, 0], three[0, 1]) and _close(three[0, 0], three[0, 2])):
        raise CheckError(
            "start(language) gives different states to different languages: it should ignore the "
            f"language and return zeros, {zeros}"
        )
    # The whole model, not only start: the same name read in three languages.
    letters = torch.randint(1, BEGIN, (1, 6), generator=_generator(1))
    inputs = torch.cat([torch.tensor([[BEGIN]]), letters], dim=1).expand(3, -1).to(device)
    with _evaluating(model):
        output = _call(
            "`UnconditionedLM()(inputs, language)`",
            model,
            inputs,
            torch.tensor([0, 5, 17]).to(device),
        )
    scores = _scores(output, "`UnconditionedLM()(inputs, language)`", (3, 7, CLASSES))
    if not (_close(scores[0], scores[1]) and _close(scores[0], scores[2])):
        raise CheckError(
            "start ignores the language, but the model's scores still depend on it: forward "
            "must read the language only through start(language), as NameLM's does"
        )
    state = "zeros" if bool((three == 0).all()) else "the same state"
    models = {"without": "UnconditionedLM", "with_language": "a fresh NameLM"}
    measured = {
        name: _number(
            value,
            name,
            f"the validation loss in nats per symbol of {models[name]} after one epoch, a float",
        )
        for name, value in (("without", without), ("with_language", with_language))
    }
    a, b = measured["without"], measured["with_language"]
    swapped = ONE_EPOCH["with_language"][0] <= a < b <= ONE_EPOCH["without"][1]
    if swapped:
        raise CheckError(
            f"`without` ({a:.3f}) is below `with_language` ({b:.3f}), but after one epoch the "
            "model that knows the language does better on the validation names: are they "
            "swapped?"
        )
    for name, number in measured.items():
        low, high = ONE_EPOCH[name]
        if low <= number <= high:
            continue
        if number > 100:
            hint = "that is a total: divide by the number of symbols (letters + END)."
        elif number > math.log(CLASSES) + 0.5:
            hint = "nats, not perplexity: the loss itself, not e ** loss."
        elif high < number <= high / math.log(2) + 0.3:
            hint = "is it in bits? The loss is in nats: do not divide it by ln 2."
        elif number < low:
            hint = (
                "that is lower than one epoch of the recipe reaches: is it the 10-epoch "
                "model's figure, or measured after more than one epoch, or on the training "
                "names?"
            )
        else:
            hint = "is the model trained at all?"
        raise CheckError(
            f"`{name}` is {number:.3f}, but one epoch of the exercise's recipe gives "
            f"{models[name]} a validation loss between {low} and {high} nats per symbol: {hint} "
            f"The recipe: {RECIPE}."
        )
    gap_low, gap_high = ONE_EPOCH["gap"]
    if not gap_low <= a - b <= gap_high:
        raise CheckError(
            f"`without` ({a:.3f}) minus `with_language` ({b:.3f}) is {a - b:.3f}, but one epoch "
            f"of the recipe gives a gap between {gap_low} and {gap_high}: were both models "
            f"trained the same way, on the same batches? The recipe: {RECIPE}."
        )
    return (
        f"every name starts from {state}, whatever its language, and the model's scores do not "
        f"depend on the language. Your figures: {a:.3f} nats per symbol without the language, "
        f"{b:.3f} with it, {a - b:.3f} apart. Each lies in the range one epoch of the recipe "
        "gives on the validation names (measured over 8 seeds and widened), and so does the "
        "gap; the check did not rerun the training."
    )


# --- 09.2 -------------------------------------------------------------------------------


def _row(probs: dict[int, float]) -> torch.Tensor:
    """Probabilities over the 60 classes: ``probs``, the rest spread evenly."""
    rest = (1 - sum(probs.values())) / (CLASSES - len(probs))
    row = torch.full((CLASSES,), rest, dtype=torch.double)
    for symbol, p in probs.items():
        row[symbol] = p
    return row


class _TableLM(nn.Module):
    """A language model with notebook 09's interface whose scores depend only on the
    symbol read last (a table of ``rows``: input symbol -> {predicted symbol: probability},
    the rest of each row spread evenly; any other input: END with 0.5). Its scores are
    log-probabilities plus 2: raw scores are not log-probabilities."""

    BEST = WRONG = ""

    def __init__(self, rows: dict[str, dict[str, float]]) -> None:
        super().__init__()

        def symbol(c: str) -> int:
            return END if c == "$" else NAME_ALPHABET.index(c)

        table = _row({END: 0.5}).repeat(BEGIN + 1, 1)  # after any other symbol: END or not
        for read, probs in rows.items():
            index = BEGIN if read == "^" else NAME_ALPHABET.index(read) + 1
            table[index] = _row({symbol(c): p for c, p in probs.items()})
        self.register_buffer("table", (table.log() + 2.0).float())
        self.calls = 0

    def start(self, language: torch.Tensor) -> torch.Tensor:
        return torch.zeros(1, len(language), 1, device=language.device)

    def forward(
        self, inputs: torch.Tensor, language: torch.Tensor, h: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        self.calls += 1
        scores = self.table[inputs.long().cpu()].to(inputs.device)
        if h is None:
            h = torch.zeros(1, inputs.shape[0], 1, device=inputs.device)
        return scores, h


class _GreedyTrap(_TableLM):
    """Its most probable name, "Li" (0.45 * 0.95 * 0.8 = 0.342), greedy decoding misses:
    greedy takes "N" (0.5) first and ends with "Ng" (0.5 * 0.3 * 0.9 = 0.135)."""

    BEST, WRONG = "Li", "Ng"

    def __init__(self) -> None:
        super().__init__(
            {
                "^": {"N": 0.5, "L": 0.45},
                "N": {"g": 0.3, "$": 0.25},
                "g": {"$": 0.9},
                "L": {"i": 0.95},
                "i": {"$": 0.8},
            }
        )


class _LengthTrap(_TableLM):
    """Its most probable name is the short "A" (0.45 * 0.5 = 0.225), but "Bcde" (0.35 *
    0.8 ** 4 = 0.143, five symbols) has the higher probability per symbol (0.68 against
    0.47): a search that ranks names by log-probability per symbol, or by any other
    length-normalised score, returns "Bcde". Greedy decoding finds "A"."""

    BEST, WRONG = "A", "Bcde"

    def __init__(self) -> None:
        super().__init__(
            {
                "^": {"A": 0.45, "B": 0.35},
                "A": {"$": 0.5},
                "B": {"c": 0.8},
                "c": {"d": 0.8},
                "d": {"e": 0.8},
                "e": {"$": 0.8},
            }
        )


def _shifted(name: str, by: int) -> str | None:
    indices = [NAME_ALPHABET.index(c) + by for c in name]
    if all(0 <= i < len(NAME_ALPHABET) for i in indices):
        return "".join(NAME_ALPHABET[i] for i in indices)
    return None


def _used(calls: int, model: str) -> None:
    if not calls:
        raise CheckError(
            f"most_probable never ran {model}: search with the `model` it is given, not the "
            "notebook's global one"
        )


def _answer(result: object, what: str) -> tuple[str, float]:
    expected = "(name, log_prob): the most probable name, a str, and its log-probability"
    name, log_prob = _pair(result, what, expected)
    if not isinstance(name, str):
        raise CheckError(f"the name {what} returns should be a str, got {name!r}")
    strange = sorted(set(name) - set(NAME_ALPHABET))
    if strange:
        raise CheckError(
            f"the name {name!r} holds symbols that are not in NAME_ALPHABET ({strange}): "
            f"{DECODING}, and stop at END"
        )
    value = _number(log_prob, "log_prob", "the name's total log-probability, a float <= 0")
    if value > 1e-6:
        raise CheckError(
            f"log_prob is {value:.3f}, but a log-probability is <= 0: add log_softmax values, "
            "not raw scores"
        )
    return name, value


def _agrees(name: str, value: float, log_probs: torch.Tensor, tolerance: float, what: str) -> None:
    """Fail, with the likely mistake, unless ``value`` is the model's ln P(name)."""
    total = log_probs.sum().item()
    if abs(value - total) <= tolerance:
        return
    message = (
        f"{what} returned ({name!r}, {value:.3f}), but the model gives {name!r} a "
        f"log-probability of {total:.3f} (each letter and END, read in one pass)"
    )
    if abs(value - (total - log_probs[-1].item())) <= tolerance:
        raise CheckError(f"{message}: add the log-probability of END too, as the loss does")
    raise CheckError(
        f"{message}. Add up log_softmax of the scores of the symbols you pick, END included; "
        f"{DECODING}"
    )


def _most_probable_name(
    model: nn.Module, language: int, bound: float, max_len: int = 20, limit: int = 20_000
) -> tuple[str, float] | bool | None:
    """The most probable name of up to ``max_len`` letters above ``bound``, by exhaustive
    search: every prefix more probable than the best name so far is extended (a prefix is
    always at least as probable as the names that start with it). None if no name beats
    ``bound``; False if the search grew beyond ``limit`` prefixes."""
    device = _device(model)
    prefixes, log_probs = torch.full((1, 1), BEGIN), torch.zeros(1, dtype=torch.double)
    best = None
    with _evaluating(model):
        for length in range(max_len + 1):
            if len(prefixes) == 0:
                break
            if len(prefixes) > limit:
                return False
            language_ids = torch.full((len(prefixes),), language, device=device)
            output = _call("your model", model, prefixes.to(device), language_ids)
            scores = _scores(output, "your model", (len(prefixes), length + 1, CLASSES))
            total = scores[:, -1].double().log_softmax(dim=-1) + log_probs[:, None]
            ending = int(total[:, END].argmax())
            if total[ending, END] > bound:
                bound = total[ending, END].item()
                best = ("".join(NAME_ALPHABET[k - 1] for k in prefixes[ending, 1:].tolist()), bound)
            kept = (total[:, :END] > bound).nonzero()
            prefixes = torch.cat([prefixes[kept[:, 0]], kept[:, 1:] + 1], dim=1)
            log_probs = total[kept[:, 0], kept[:, 1]]
    return best


@_register("09.2")
def _check_09_2(most_probable: object, model: object) -> str:
    """most_probable(model, language, beam=5, max_len=20) -> (name, log_prob), beam search."""
    search = _callable(
        most_probable, "most_probable", "most_probable(model, language, beam=5, max_len=20)"
    )
    trained = _module(model, "model", "the trained NameLM of the notebook")
    trap = _GreedyTrap()
    hints = [
        ("positional argument", "define it as most_probable(model, language, beam=5, max_len=20)")
    ]
    what = "`most_probable(model, 'Russian')`"
    result = _call(f"your {what}", search, trap, "Russian", hints=hints)
    name, value = _answer(result, what)
    _used(trap.calls, "the small model the check gave it")
    # On the check's own model: the name's log-probability, then the name itself.
    trap_log_probs = _symbol_log_probs(trap, name, 0)
    shifted = [s for s in (_shifted(name, 1), _shifted(name, -1)) if s == trap.BEST]
    if shifted:
        raise CheckError(
            f"on a small model of the check's own, most_probable returned {name!r}, the letters "
            f"of its most probable name {trap.BEST!r} off by one: {DECODING}"
        )
    what_trap = "on a small model of the check's own, most_probable"
    _agrees(name, value, trap_log_probs, 1e-3, what_trap)
    best = _symbol_log_probs(trap, trap.BEST, 0).sum().item()
    if name == trap.WRONG:
        raise CheckError(
            f"{what_trap} returned {name!r} ({value:.2f}), the greedy answer, but {trap.BEST!r} "
            f"is more probable ({best:.2f}): keep the `beam` best partial names at every step, "
            "not only the best one"
        )
    if name != trap.BEST:
        raise CheckError(
            f"{what_trap} returned {name!r} ({value:.2f}), but {trap.BEST!r} is more probable "
            f"({best:.2f}) and a beam of 5 finds it: extend every kept partial name by every "
            "symbol, keep the `beam` best, and collect the names that end"
        )
    with_1 = "`most_probable(model, 'Russian', beam=1)`"
    result = _call(f"your {with_1}", search, trap, "Russian", beam=1, hints=hints)
    name_1, _ = _answer(result, with_1)
    if name_1 != trap.WRONG:
        raise CheckError(
            f"{what_trap} with beam=1 returned {name_1!r}, but a beam of 1 is greedy decoding "
            f"and finds {trap.WRONG!r}: does your search keep `beam` partial names, as its "
            "argument says?"
        )
    # A second small model: the most probable name is short, a longer one is more probable
    # per symbol. The answer is the most probable name, whatever its length.
    short = _LengthTrap()
    result = _call(f"your {what}", search, short, "Russian", hints=hints)
    name, value = _answer(result, what)
    _used(short.calls, "the second small model the check gave it")
    _agrees(name, value, _symbol_log_probs(short, name, 0), 1e-3, what_trap)
    if name != short.BEST:
        best = _symbol_log_probs(short, short.BEST, 0).sum().item()
        normalised = (
            f" ({name!r} has the higher log-probability per symbol: rank the finished names by "
            "their total log-probability, not divided by their length)"
            if name == short.WRONG
            else ""
        )
        raise CheckError(
            f"{what_trap} returned {name!r} ({value:.2f}), but {short.BEST!r} is more probable "
            f"({best:.2f}){normalised}; the most probable name is the one with the highest "
            "total log-probability, whatever its length (keep names of one letter too)"
        )
    # On the learner's model: the answer must be the model's own log-probability.
    calls = []
    hook = trained.register_forward_pre_hook(lambda *_: calls.append(1))
    try:
        result = _call(f"your {what} on your model", search, trained, "Russian", hints=hints)
    finally:
        hook.remove()
    name, value = _answer(result, what)
    _used(len(calls), "your model")
    language = LANGUAGES.index("Russian")
    log_probs = _symbol_log_probs(trained, name, language)
    _agrees(name, value, log_probs, 0.01 + 1e-3 * abs(value), f"on your model, {what}")
    found = _most_probable_name(trained, language, bound=value + 1e-3)
    if found is None:
        search_says = (
            "an exhaustive search finds no more probable Russian name of up to 20 letters."
        )
    elif found is False:
        search_says = "an exhaustive search grew too large to finish."
    else:
        search_says = (
            f"an exhaustive search finds {found[0]!r} more probable "
            f"({found[1]:.2f}): a beam keeps only the best few partial names, so it can miss "
            "the best one; a wider beam may find it."
        )
    why = (
        " Every extra symbol multiplies in one more probability below 1, which favours short "
        "names; sampling gives the variety of real names."
        if len(name) <= 6
        else ""
    )
    return (
        f"most_probable(model, 'Russian') = ({name!r}, {value:.2f}): the log-probability your "
        "model gives that name (recomputed, END included). On two small models of the check's "
        "own, it found the most probable name: one that greedy decoding misses (and with beam=1 "
        "it was greedy decoding), and a short one that a search ranking names per symbol "
        f"misses. On your model, {search_says}{why}"
    )


# --- 09.3 -------------------------------------------------------------------------------


@_register("09.3")
def _check_09_3(LSTMNameLM: object) -> str:
    """A NameLM subclass with an nn.LSTM whose start returns (h, c)."""
    what = "class LSTMNameLM(NameLM) with an nn.LSTM and start returning (h, c)"
    replace = "set self.gru = nn.LSTM(embed_dim, hidden, batch_first=True) after super().__init__"
    model = _instantiate(_class(LSTMNameLM, "LSTMNameLM", what), "LSTMNameLM", hint=replace)
    lstms = [m for m in model.modules() if isinstance(m, nn.LSTM)]
    if not lstms:
        raise CheckError(f"LSTMNameLM() has no nn.LSTM among its modules: {replace}")
    lstm = lstms[0]
    if lstm.bidirectional:
        raise CheckError(
            "the LSTM is bidirectional, but a language model reads left to right only: a "
            "backward pass would show it the very symbol it must predict; drop bidirectional=True"
        )
    if not all(callable(getattr(model, part, None)) for part in ("embed", "head")):
        raise CheckError("LSTMNameLM() should keep NameLM's `embed` and `head`: subclass NameLM")
    size, layers = lstm.hidden_size, lstm.num_layers
    device = _device(model)
    language = torch.tensor([0, 1, 17], device=device)
    pair = "an LSTM's state is a pair: return h, torch.zeros_like(h) (the language as h)"
    letters = torch.randint(1, BEGIN, (1, 5), generator=_generator(9))
    inputs = torch.cat([torch.tensor([[BEGIN]]), letters], dim=1).expand(3, -1).to(device)
    call = "`LSTMNameLM()(inputs, language)`"
    with _evaluating(model):
        state = _call("`LSTMNameLM().start(tensor([0, 1, 17]))`", model.start, language)
        if isinstance(state, torch.Tensor):
            raise CheckError(f"start returned one tensor: {pair}")
        h, c = _pair(
            state, "`LSTMNameLM.start`", f"(h, c), two tensors of shape [{layers}, batch, {size}]"
        )
        h, c = (_shape(v, f"{n} (from start)", (layers, 3, size)) for n, v in (("h", h), ("c", c)))
        carries = [
            part
            for part, value in (("h", h), ("c", c))
            if not (_close(value[:, 0], value[:, 1]) and _close(value[:, 0], value[:, 2]))
        ]
        if not carries:
            raise CheckError(
                "start gives every language the same (h, c), so the model ignores the language: "
                "put it into the state as NameLM does, h = torch.tanh(self.language(language))"
                ".unsqueeze(0), with c = torch.zeros_like(h)"
            )
        output = _call(call, model, inputs, language, hints=[("hidden", pair), ("index", pair)])
        _returned(output, "`LSTMNameLM.forward`", "(scores, state)")
        scores = _scores(output, call, (3, 6, CLASSES))
        start = tuple(v.to(device) for v in (h, c))
        expected = model.head(lstm(model.embed(inputs), start)[0]).cpu()
        if not _close(scores, expected, atol=1e-4, rtol=1e-4):
            raise CheckError(
                f"{call} does not give the scores of the LSTM run from start(language) on the "
                "embedded inputs, then the head: forward should pass the state start(language) "
                "returns to the LSTM"
            )
        first = _call(call, model, inputs[:, :3], language)
        if not isinstance(first, tuple | list) or len(first) != 2:
            raise CheckError(f"{call} should return (scores, state), as NameLM's forward does")
        rest = _call(f"{call[:-2]}, state)`", model, inputs[:, 3:], language, first[1])
        rest = _scores(rest, f"{call[:-2]}, state)`", (3, 3, CLASSES))
        if not _close(rest, scores[:, 3:], atol=1e-4, rtol=1e-4):
            raise CheckError(
                "run on the first 3 symbols, then on the rest from the state it returned, the "
                "model gives other scores than on the whole name at once: when forward is given "
                "a state h, it should continue from it (start(language) only when h is None); "
                "generating a name needs that"
            )
    where = " and ".join(carries)
    return (
        f"LSTMNameLM starts from (h, c) with the language in {where}; its scores [3, 6, 60] are "
        "those of the LSTM run from that state on the embedded symbols, then the head (so each "
        "depends only on the symbols up to its step); and it continues from a state it is given, "
        "as generation needs. An LSTM's state is a pair wherever a GRU's is one tensor."
    )
