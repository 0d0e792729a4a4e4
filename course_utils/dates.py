"""Dates as people write them, paired with the ISO 8601 text a model should turn them into.

The data for the sequence-to-sequence notebook: ``"Monday, 23 November 2026"`` becomes
``"2026-11-23"`` and ``"from 23 Nov 2026 to 1 Dec 2026"`` becomes the ISO interval
``"2026-11-23/2026-12-01"``. Everything is generated from `datetime.date` objects with
the English month and weekday names written out here, so no locale is involved.

A format is a template whose fields are filled from the date (shown for 2026-11-03):

=============  ========  ==============  ===========
``{d}``        3         ``{mon}``       Nov
``{dd}``       03        ``{month}``     November
``{dth}``      3rd       ``{wkd}``       Tue
``{m}``        11        ``{weekday}``   Tuesday
``{mm}``       11        ``{yy}``        26
``{yyyy}``     2026
=============  ========  ==============  ===========

The formats come in five *families* (`FAMILIES`), each with its own order of the parts:

* ``day_month_name`` (day first, month spelled out): ``23 Nov 2026``, ``Monday, 23 November 2026``
* ``month_name_day`` (month first, US style): ``November 23, 2026``, ``Nov 23 2026``
* ``us_numeric`` (month first): ``11/23/26``, ``11/23/2026``, ``11-23-2026``
* ``dotted`` (day first, European): ``23.11.2026``, ``23.11.26``
* ``year_first`` (year, month, day): ``2026 nov 23``, ``2026/11/23``

No text means two dates, even across families, because the punctuation tells the orders
apart: only ``us_numeric`` puts numbers around ``/`` or ``-`` with the year last (and it
is month first, as in the US), only ``dotted`` puts numbers around ``.`` (and it is day
first, as everywhere dots are used), and ``year_first`` always starts with four digits.
There is deliberately no British ``23/11/26``: it would clash with ``us_numeric``.
Two-digit years stand for 1950..2049 (`SPAN`), so ``26`` is 2026 and ``73`` is 1973.

``dotted`` is the family to keep out of training and test on: its dots say unambiguously
that the day comes first, yet a model trained without it has never seen that order with
numbers. Calendar days are held out too: `split_days` deals the days of a span into
train, validation and test days, and `make_date_pairs` writes only the days it is given.
"""

from __future__ import annotations

import bisect
import datetime
import random
import string
from collections.abc import Iterable, Sequence

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
#: Monday first, as `datetime.date.weekday` counts.
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: Family name -> its formats. Day first: ``day_month_name``, ``dotted``; month first:
#: ``month_name_day``, ``us_numeric``; ``year_first`` is year, month, day.
FAMILIES: dict[str, tuple[str, ...]] = {
    "day_month_name": (
        "{d} {mon} {yyyy}",
        "{dd} {mon} {yyyy}",
        "{d} {mon}. {yyyy}",
        "{d} {month} {yyyy}",
        "{dth} {month} {yyyy}",
        "{d}-{mon}-{yyyy}",
        "{wkd} {d} {mon} {yyyy}",
        "{weekday}, {d} {month} {yyyy}",
    ),
    "month_name_day": (
        "{mon} {d} {yyyy}",
        "{mon} {d}, {yyyy}",
        "{mon}. {d}, {yyyy}",
        "{month} {d}, {yyyy}",
        "{month} {dth}, {yyyy}",
        "{wkd}, {mon} {d}, {yyyy}",
        "{weekday}, {month} {d}, {yyyy}",
    ),
    "us_numeric": (
        "{m}/{d}/{yy}",
        "{mm}/{dd}/{yy}",
        "{m}/{d}/{yyyy}",
        "{mm}/{dd}/{yyyy}",
        "{mm}-{dd}-{yyyy}",
    ),
    "dotted": (
        "{d}.{m}.{yy}",
        "{dd}.{mm}.{yy}",
        "{d}.{m}.{yyyy}",
        "{dd}.{mm}.{yyyy}",
    ),
    "year_first": (
        "{yyyy} {mon} {d}",
        "{yyyy} {month} {d}",
        "{yyyy}/{mm}/{dd}",
        "{yyyy}/{m}/{d}",
    ),
}

#: How a range joins its two ends; both ends are written in the same format.
RANGE_TEMPLATES: tuple[str, ...] = (
    "from {start} to {end}",
    "from {start} until {end}",
    "{start} to {end}",
    "{start} - {end}",
    "{start} until {end}",
    "{start} through {end}",
    "between {start} and {end}",
)

#: The case variants of a written date, and how often `make_date_pairs` draws each.
CASES: tuple[str, ...] = ("as is", "lower", "upper")
_CASE_WEIGHTS = (0.6, 0.2, 0.2)

#: The hundred years in which a two-digit year means one year only: 1950-01-01..2049-12-31.
SPAN: tuple[datetime.date, datetime.date] = (datetime.date(1950, 1, 1), datetime.date(2049, 12, 31))

#: A range ends 1 to this many days after it starts.
_RANGE_DAYS = 90

_FIELDS = ("d", "dd", "dth", "m", "mm", "mon", "month", "wkd", "weekday", "yy", "yyyy")

#: The symbols of the ISO targets: digits, ``-`` inside a date, ``/`` between two.
DATE_OUTPUT_ALPHABET = "0123456789-/"


def _ordinal(number: int) -> str:
    if 11 <= number <= 13:
        return f"{number}th"
    return f"{number}{({1: 'st', 2: 'nd', 3: 'rd'}).get(number % 10, 'th')}"


def _fields(day: datetime.date) -> dict[str, str]:
    month, weekday = _MONTHS[day.month - 1], _WEEKDAYS[day.weekday()]
    return {
        "d": str(day.day),
        "dd": f"{day.day:02d}",
        "dth": _ordinal(day.day),
        "m": str(day.month),
        "mm": f"{day.month:02d}",
        "mon": month[:3],
        "month": month,
        "wkd": weekday[:3],
        "weekday": weekday,
        "yy": f"{day.year % 100:02d}",
        "yyyy": f"{day.year:04d}",
        "iso": day.isoformat(),
    }


def _names_in(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def _literals_in(template: str) -> str:
    return "".join(text for text, _, _, _ in string.Formatter().parse(template))


def _in_span(day: datetime.date) -> bool:
    return SPAN[0] <= day <= SPAN[1]


def _apply_case(text: str, case: str) -> str:
    if case == "lower":
        return text.lower()
    if case == "upper":
        return text.upper()
    return text


def _build_input_alphabet() -> str:
    pieces = [string.digits, *_MONTHS, *_WEEKDAYS, "stndrdth"]
    pieces += [_literals_in(fmt) for formats in FAMILIES.values() for fmt in formats]
    pieces += [_literals_in(template) for template in RANGE_TEMPLATES]
    text = "".join(pieces)
    return "".join(sorted(set(text + text.lower() + text.upper())))


#: Every symbol a written date or range can hold, in code point order.
DATE_INPUT_ALPHABET = _build_input_alphabet()


def _check_day(day: object, what: str) -> datetime.date:
    if isinstance(day, datetime.datetime):
        raise TypeError(f"{what} must be a datetime.date, got a datetime; pass its .date()")
    if not isinstance(day, datetime.date):
        raise TypeError(f"{what} must be a datetime.date, got {type(day).__name__}")
    return day


def _check_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, got {type(value).__name__}")
    return value


def format_date(day: datetime.date, fmt: str, case: str = "as is") -> str:
    """Write ``day`` in the format ``fmt`` (a template such as ``"{d} {mon} {yyyy}"``).

    ``case`` is one of `CASES`: ``"as is"``, ``"lower"`` or ``"upper"``. Formats with a
    two-digit year (``{yy}``) only take days in `SPAN`, where the year is unambiguous.

    Example:
        >>> day = datetime.date(2026, 11, 23)
        >>> format_date(day, "{weekday}, {d} {month} {yyyy}")
        'Monday, 23 November 2026'
        >>> format_date(day, "{d} {mon}. {yyyy}", case="lower")
        '23 nov. 2026'
        >>> format_date(day, FAMILIES["us_numeric"][0])
        '11/23/26'
    """
    _check_day(day, "day")
    if not isinstance(fmt, str):
        raise TypeError(
            f"fmt must be a str such as '{{d}} {{mon}} {{yyyy}}', got {type(fmt).__name__}"
        )
    if case not in CASES:
        raise ValueError(f"case must be one of {', '.join(map(repr, CASES))}, got {case!r}")
    try:
        names = _names_in(fmt)
    except ValueError as exc:
        raise ValueError(f"fmt {fmt!r} is not a valid template: {exc}") from None
    unknown = sorted({name for name in names if name not in _FIELDS})
    if unknown:
        raise ValueError(
            f"fmt {fmt!r} has unknown fields {unknown}; the fields are "
            f"{', '.join('{' + name + '}' for name in _FIELDS)}"
        )
    if "yy" in names and not _in_span(day):
        raise ValueError(
            f"{{yy}} would make {day.isoformat()} ambiguous: two-digit years stand for "
            f"{SPAN[0].year}..{SPAN[1].year} only; use {{yyyy}}"
        )
    return _apply_case(fmt.format_map(_fields(day)), case)


def split_days(
    start: datetime.date,
    end: datetime.date,
    *,
    fractions: Sequence[float] = (0.8, 0.1, 0.1),
    seed: int = 0,
) -> tuple[list[datetime.date], list[datetime.date], list[datetime.date]]:
    """Deal the days ``start..end`` (both included) at random into train, validation and test.

    The three lists are disjoint, together hold every day of the span, and come sorted.
    Their sizes follow ``fractions`` (three numbers that sum to 1), rounded.

    Example:
        >>> train, val, test = split_days(*SPAN, seed=0)
        >>> len(train), len(val), len(test)
        (29220, 3652, 3653)
        >>> len(set(train) & set(test))
        0
    """
    _check_day(start, "start")
    _check_day(end, "end")
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    if isinstance(fractions, str | bytes) or not isinstance(fractions, Sequence):
        raise TypeError(f"fractions must be three numbers, got {type(fractions).__name__}")
    if len(fractions) != 3 or not all(
        isinstance(f, int | float) and not isinstance(f, bool) for f in fractions
    ):
        raise ValueError(
            f"fractions must be three numbers for train, validation and test, got {fractions!r}"
        )
    if any(not f >= 0 for f in fractions) or abs(sum(fractions) - 1) > 1e-9:
        raise ValueError(f"fractions must be zero or positive and sum to 1, got {fractions!r}")
    _check_int(seed, "seed")
    ordinals = list(range(start.toordinal(), end.toordinal() + 1))
    random.Random(seed).shuffle(ordinals)
    n_train = round(fractions[0] * len(ordinals))
    n_val = min(round(fractions[1] * len(ordinals)), len(ordinals) - n_train)
    parts = ordinals[:n_train], ordinals[n_train : n_train + n_val], ordinals[n_train + n_val :]
    train, val, test = ([datetime.date.fromordinal(o) for o in sorted(part)] for part in parts)
    return train, val, test


def _check_families(families: Iterable[str] | None) -> list[str]:
    if families is None:
        return list(FAMILIES)
    if isinstance(families, str):
        raise TypeError(
            f"families must be a collection of family names such as [{families!r}], "
            f"got the str {families!r}"
        )
    if not isinstance(families, Iterable):
        raise TypeError(f"families must be a collection of family names or None, got {families!r}")
    chosen = list(families)
    for name in chosen:
        if not isinstance(name, str):
            raise TypeError(f"families must hold family names (str), got {name!r}")
    chosen = list(dict.fromkeys(chosen))
    if not chosen:
        raise ValueError(f"families is empty; choose from {', '.join(FAMILIES)} (None: all)")
    unknown = [name for name in chosen if name not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown families {unknown}; the families are {', '.join(FAMILIES)}")
    return chosen


def make_date_pairs(
    days: Iterable[datetime.date],
    n: int,
    *,
    families: Iterable[str] | None = None,
    ranges: bool = False,
    seed: int = 0,
) -> list[tuple[str, str]]:
    """``n`` pairs (date as written, ISO 8601 target) for days drawn from ``days``.

    Each pair draws a day, a family of ``families`` (None: all of `FAMILIES`), a format of
    that family, and a case (as is 60%, lower 20%, upper 20%). A day outside `SPAN` is never
    written with a two-digit year. With ``ranges=True`` each pair is a range: a start day,
    an end day 1 to 90 days later (the same day only when ``days`` has none later within
    90 days), both from ``days``, both written in one format, joined as in
    `RANGE_TEMPLATES`; the target is the ISO interval ``start/end``.

    Example:
        >>> train, _, _ = split_days(*SPAN)
        >>> make_date_pairs(train, 2, seed=3)
        [('11/19/73', '1973-11-19'), ('28 OCT 2012', '2012-10-28')]
        >>> make_date_pairs(train, 1, families=["dotted"], ranges=True, seed=3)
        [('19.11.1973 until 5.1.1974', '1973-11-19/1974-01-05')]
    """
    if isinstance(days, str | bytes) or not isinstance(days, Iterable):
        raise TypeError(f"days must be a collection of datetime.date, got {type(days).__name__}")
    ordinals = sorted({_check_day(day, "each of days").toordinal() for day in days})
    if not ordinals:
        raise ValueError("days is empty; give at least one day, e.g. a list from split_days")
    if _check_int(n, "n") <= 0:
        raise ValueError(f"n must be positive, got {n}")
    chosen = _check_families(families)
    if not isinstance(ranges, bool):
        raise TypeError(f"ranges must be True or False, got {ranges!r}")
    _check_int(seed, "seed")

    # Per family: every format, and those that never write a two-digit year.
    formats = [FAMILIES[name] for name in chosen]
    four_digit = [tuple(f for f in fmts if "yy" not in _names_in(f)) for fmts in formats]
    span_first, span_last = SPAN[0].toordinal(), SPAN[1].toordinal()
    as_is_below, lower_below = _CASE_WEIGHTS[0], _CASE_WEIGHTS[0] + _CASE_WEIGHTS[1]
    fields: dict[int, dict[str, str]] = {}  # ordinal -> fields, filled as days come up

    def fields_of(ordinal: int) -> dict[str, str]:
        if ordinal not in fields:
            fields[ordinal] = _fields(datetime.date.fromordinal(ordinal))
        return fields[ordinal]

    draw = random.Random(seed).random  # int(draw() * k) picks one of k: quicker than randrange
    pairs = []
    for _ in range(n):
        i = int(draw() * len(ordinals))
        first = last = ordinals[i]
        if ranges:
            top = bisect.bisect_right(ordinals, first + _RANGE_DAYS) - 1
            if top > i:
                last = ordinals[i + 1 + int(draw() * (top - i))]
        family = int(draw() * len(formats))
        in_span = span_first <= first and last <= span_last
        options = formats[family] if in_span else four_digit[family]
        fmt = options[int(draw() * len(options))]
        start = fields_of(first)
        text = fmt.format_map(start)
        if ranges:
            end = fields_of(last)
            template = RANGE_TEMPLATES[int(draw() * len(RANGE_TEMPLATES))]
            text = template.format(start=text, end=fmt.format_map(end))
            target = f"{start['iso']}/{end['iso']}"
        else:
            target = start["iso"]
        case = draw()
        if case >= lower_below:
            text = text.upper()
        elif case >= as_is_below:
            text = text.lower()
        pairs.append((text, target))
    return pairs
