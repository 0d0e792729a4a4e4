"""Tests for the date data: formats, ranges, held-out days and families, bad inputs."""

from __future__ import annotations

import datetime
import re
import string

import pytest

from course_utils.dates import (
    CASES,
    DATE_INPUT_ALPHABET,
    DATE_OUTPUT_ALPHABET,
    FAMILIES,
    RANGE_TEMPLATES,
    SPAN,
    format_date,
    make_date_pairs,
    split_days,
)

D = datetime.date
DAY = D(2026, 11, 23)  # a Monday

# --- a reader for every format, written independently of the module ---------------------

MONTHS = ["January", "February", "March", "April", "May", "June", "July"]
MONTHS += ["August", "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DAY_RE = "[1-9]|[12][0-9]|3[01]"
FIELD_RE = {
    "d": DAY_RE,
    "dd": "0[1-9]|[12][0-9]|3[01]",
    "dth": f"(?:{DAY_RE})(?:st|nd|rd|th)",
    "m": "[1-9]|1[0-2]",
    "mm": "0[1-9]|1[0-2]",
    "mon": "|".join(m[:3] for m in MONTHS),
    "month": "|".join(MONTHS),
    "wkd": "|".join(w[:3] for w in WEEKDAYS),
    "weekday": "|".join(WEEKDAYS),
    "yy": "[0-9]{2}",
    "yyyy": "[0-9]{4}",
}
ALL_FORMATS = [(family, fmt) for family, formats in FAMILIES.items() for fmt in formats]


def _pattern(fmt: str) -> re.Pattern[str]:
    regex = ""
    for literal, name, _, _ in string.Formatter().parse(fmt):
        regex += re.escape(literal)
        if name is not None:
            regex += f"(?P<{name}>{FIELD_RE[name]})"
    return re.compile(regex, re.IGNORECASE)


PATTERNS = {fmt: _pattern(fmt) for _, fmt in ALL_FORMATS}


def read(text: str, fmt: str) -> datetime.date | None:
    """The date ``text`` means when read in format ``fmt``, or None if it is not one."""
    match = PATTERNS[fmt].fullmatch(text)
    if match is None:
        return None
    parts = {name: value.lower() for name, value in match.groupdict().items()}
    names = [m.lower() for m in MONTHS]
    if "yyyy" in parts:
        year = int(parts["yyyy"])
    else:
        year = int(parts["yy"]) + (1900 if int(parts["yy"]) >= 50 else 2000)
    if "mon" in parts:
        month = [n[:3] for n in names].index(parts["mon"]) + 1
    elif "month" in parts:
        month = names.index(parts["month"]) + 1
    else:
        month = int(parts.get("m") or parts["mm"])
    day_text = parts.get("d") or parts.get("dd") or parts["dth"]
    day = int(day_text.rstrip("stndrh"))
    try:
        date = D(year, month, day)
    except ValueError:
        return None
    if "dth" in parts:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10 if day not in (11, 12, 13) else 0, "th")
        if parts["dth"] != f"{day}{suffix}":
            return None
    weekday = WEEKDAYS[date.weekday()].lower()
    if parts.get("weekday", weekday) != weekday or parts.get("wkd", weekday[:3]) != weekday[:3]:
        return None
    return date


def readings(text: str) -> set[tuple[str, datetime.date]]:
    """Every (format, date) under which ``text`` reads as a date, across all families."""
    return {(fmt, date) for _, fmt in ALL_FORMATS if (date := read(text, fmt)) is not None}


def range_readings(text: str) -> set[tuple[datetime.date, datetime.date]]:
    """Every (start, end) that ``text`` reads as, with both ends in one format."""
    found = set()
    for template in RANGE_TEMPLATES:
        regex = re.escape(template).replace(r"\{start\}", "(.+)").replace(r"\{end\}", "(.+)")
        match = re.fullmatch(regex, text, re.IGNORECASE)
        if match is None:
            continue
        starts, ends = readings(match.group(1)), readings(match.group(2))
        found |= {(a, b) for fa, a in starts for fb, b in ends if fa == fb}
    return found


# --- single dates -----------------------------------------------------------------------

KNOWN = {
    "{d} {mon} {yyyy}": "23 Nov 2026",
    "{dd} {mon} {yyyy}": "23 Nov 2026",
    "{d} {mon}. {yyyy}": "23 Nov. 2026",
    "{d} {month} {yyyy}": "23 November 2026",
    "{dth} {month} {yyyy}": "23rd November 2026",
    "{d}-{mon}-{yyyy}": "23-Nov-2026",
    "{wkd} {d} {mon} {yyyy}": "Mon 23 Nov 2026",
    "{weekday}, {d} {month} {yyyy}": "Monday, 23 November 2026",
    "{mon} {d} {yyyy}": "Nov 23 2026",
    "{mon} {d}, {yyyy}": "Nov 23, 2026",
    "{mon}. {d}, {yyyy}": "Nov. 23, 2026",
    "{month} {d}, {yyyy}": "November 23, 2026",
    "{month} {dth}, {yyyy}": "November 23rd, 2026",
    "{wkd}, {mon} {d}, {yyyy}": "Mon, Nov 23, 2026",
    "{weekday}, {month} {d}, {yyyy}": "Monday, November 23, 2026",
    "{m}/{d}/{yy}": "11/23/26",
    "{mm}/{dd}/{yy}": "11/23/26",
    "{m}/{d}/{yyyy}": "11/23/2026",
    "{mm}/{dd}/{yyyy}": "11/23/2026",
    "{mm}-{dd}-{yyyy}": "11-23-2026",
    "{d}.{m}.{yy}": "23.11.26",
    "{dd}.{mm}.{yy}": "23.11.26",
    "{d}.{m}.{yyyy}": "23.11.2026",
    "{dd}.{mm}.{yyyy}": "23.11.2026",
    "{yyyy} {mon} {d}": "2026 Nov 23",
    "{yyyy} {month} {d}": "2026 November 23",
    "{yyyy}/{mm}/{dd}": "2026/11/23",
    "{yyyy}/{m}/{d}": "2026/11/23",
}


def test_families_and_known_examples():
    assert list(FAMILIES) == [
        "day_month_name",
        "month_name_day",
        "us_numeric",
        "dotted",
        "year_first",
    ]
    assert sorted(KNOWN) == sorted(fmt for _, fmt in ALL_FORMATS)  # every format has an example
    for fmt, expected in KNOWN.items():
        assert format_date(DAY, fmt) == expected
        assert format_date(DAY, fmt, case="lower") == expected.lower()
        assert format_date(DAY, fmt, case="upper") == expected.upper()
    early = D(2005, 3, 2)  # Wednesday: padding, one-digit fields and a 2nd
    assert format_date(early, "{dd}.{mm}.{yy}") == "02.03.05"
    assert format_date(early, "{d}.{m}.{yy}") == "2.3.05"
    assert format_date(early, "{weekday}, {month} {dth}, {yyyy}") == "Wednesday, March 2nd, 2005"
    assert format_date(D(1973, 1, 11), "{dth} {wkd} {m}/{d}/{yy}") == "11th Thu 1/11/73"
    assert [format_date(D(2026, 1, d), "{dth}") for d in (1, 3, 12, 21, 22, 31)] == [
        "1st",
        "3rd",
        "12th",
        "21st",
        "22nd",
        "31st",
    ]
    assert format_date(D(33, 7, 4), "{yyyy}/{mm}/{dd}") == "0033/07/04"


def test_every_format_reads_back_in_every_case():
    days = [D(2024, 1, 1) + datetime.timedelta(n) for n in range(366)]  # a leap year
    days += [SPAN[0] + datetime.timedelta(n) for n in range(0, 36525, 97)] + [SPAN[1]]
    for _, fmt in ALL_FORMATS:
        for i, day in enumerate(days):
            case = CASES[i % 3]
            assert read(format_date(day, fmt, case), fmt) == day, (fmt, day, case)


def test_numeric_families_keep_their_order_of_day_and_month():
    day = D(2026, 3, 4)  # the fourth of March: day and month could swap
    for family, first in [("us_numeric", 3), ("dotted", 4), ("year_first", 3)]:
        for fmt in (fmt for fmt in FAMILIES[family] if "mon" not in fmt):
            text = format_date(day, fmt)
            numbers = [int(x) for x in re.findall("[0-9]+", text) if x not in ("26", "2026")]
            assert numbers[0] == first, (fmt, text)


def test_no_text_reads_as_another_date():
    days = [SPAN[0] + datetime.timedelta(n) for n in range(0, 36525, 7)]
    for text, target in make_date_pairs(days, 1500, seed=3):
        assert {date for _, date in readings(text)} == {D.fromisoformat(target)}, text
    for text, target in make_date_pairs(days, 600, ranges=True, seed=4):
        start, end = (D.fromisoformat(part) for part in target.split("/"))
        assert range_readings(text) == {(start, end)}, text


def test_two_digit_years_only_inside_span():
    assert format_date(D(1950, 1, 1), "{yy}") == "50" and format_date(SPAN[1], "{yy}") == "49"
    old = [D(1920, 5, n) for n in range(1, 29)] + [D(2049, 12, 31)]
    pairs = make_date_pairs(old, 400, families=["us_numeric", "dotted"], seed=0)
    assert any(re.search("[./]49$", text) for text, _ in pairs)  # 2049 still gets both
    for text, target in pairs:
        if target.startswith("1920"):
            assert re.search("[./-]1920$", text), text
    # a range reaching out of the span is written with four-digit years at both ends
    for text, _ in make_date_pairs(
        [D(2049, 12, 30), D(2050, 1, 2)], 50, families=["dotted"], ranges=True
    ):
        assert len(re.findall("[0-9]{4}", text)) == 2, text


def test_targets_are_iso_and_days_come_from_the_given_days():
    days = [D(1999, 12, 31), D(2000, 2, 29), D(2026, 11, 23)]
    pairs = make_date_pairs(days, 300, seed=5)
    assert len(pairs) == 300
    for text, target in pairs:
        assert re.fullmatch("[0-9]{4}-[0-9]{2}-[0-9]{2}", target)
        assert D.fromisoformat(target) in days
        assert {date for _, date in readings(text)} == {D.fromisoformat(target)}
    assert {target for _, target in pairs} == {day.isoformat() for day in days}
    assert set("".join(target for _, target in pairs)) <= set(DATE_OUTPUT_ALPHABET)
    assert DATE_OUTPUT_ALPHABET == "0123456789-/"


def test_ranges():
    train, _, test = split_days(*SPAN, seed=0)
    allowed = set(test)
    pairs = make_date_pairs(test, 2000, ranges=True, seed=7)
    spans = []
    for text, target in pairs:
        assert re.fullmatch("[0-9]{4}-[0-9]{2}-[0-9]{2}/[0-9]{4}-[0-9]{2}-[0-9]{2}", target)
        start, end = (D.fromisoformat(part) for part in target.split("/"))
        assert start in allowed and end in allowed
        spans.append((end - start).days)
        assert start < end or start == test[-1]  # the last day has no later one to end on
        assert set(text) <= set(DATE_INPUT_ALPHABET)
    assert min(spans) >= 0 and max(spans) <= 90 and max(spans) > 80
    words = {text.lower().split()[0] for text, _ in pairs}
    assert {"from", "between"} <= words
    assert set(DATE_OUTPUT_ALPHABET) == set("".join(t for _, t in pairs))
    assert not set(train) & allowed
    # with no later day within 90 days, a range starts and ends on the same day
    assert make_date_pairs([DAY], 3, ranges=True, families=["year_first"], seed=0) == [
        ("from 2026 November 23 until 2026 November 23", "2026-11-23/2026-11-23"),
        ("2026 November 23 - 2026 November 23", "2026-11-23/2026-11-23"),
        ("2026 november 23 through 2026 november 23", "2026-11-23/2026-11-23"),
    ]
    far = make_date_pairs([DAY, DAY + datetime.timedelta(91)], 20, ranges=True)
    assert all(target[:10] == target[11:] for _, target in far)


def test_case_variants_appear():
    pairs = make_date_pairs(split_days(*SPAN)[0], 3000, families=["day_month_name"], seed=0)
    texts = [text for text, _ in pairs]
    lower = sum(text.islower() for text in texts)
    upper = sum(text.isupper() for text in texts)
    as_is = len(texts) - lower - upper
    assert 450 < lower < 750 and 450 < upper < 750 and 1600 < as_is < 2000


def test_held_out_family_is_absent():
    train, _, _ = split_days(*SPAN)
    families = [name for name in FAMILIES if name != "dotted"]
    for ranges in (False, True):
        pairs = make_date_pairs(train, 3000, families=families, ranges=ranges, seed=1)
        assert not any(re.search("[0-9][.][0-9]", text) for text, _ in pairs)
        used = set()
        for text, _ in pairs[:300]:
            for piece in re.split(" - | to | until | through | and ", text, flags=re.I):
                piece = re.sub("^(from|between) ", "", piece, flags=re.I)
                used |= {fmt for fmt, _ in readings(piece)}
        assert not used & set(FAMILIES["dotted"])
        assert used == {fmt for name in families for fmt in FAMILIES[name]}
    only = make_date_pairs(train, 200, families=["dotted", "dotted"], seed=1)
    assert all(re.fullmatch("[0-9]+[.][0-9]+[.][0-9]+", text) for text, _ in only)


def test_input_alphabet():
    assert DATE_INPUT_ALPHABET == (" ,-./0123456789ABCDEFGHIJLMNOPRSTUVWYabcdefghijlmnoprstuvwy")
    assert "".join(sorted(set(DATE_INPUT_ALPHABET))) == DATE_INPUT_ALPHABET
    produced = set()
    days = [D(2026, month, day) for month in range(1, 13) for day in (1, 2, 3, 4, 5, 6, 7)]
    for _, fmt in ALL_FORMATS:
        for day in days:
            for case in CASES:
                produced |= set(format_date(day, fmt, case))
    for template in RANGE_TEMPLATES:
        text = template.format(start="", end="")
        produced |= set(text) | set(text.upper())
    assert produced == set(DATE_INPUT_ALPHABET)  # every symbol, and no more
    for ranges in (False, True):
        texts = "".join(text for text, _ in make_date_pairs(days, 5000, ranges=ranges))
        assert set(texts) <= set(DATE_INPUT_ALPHABET)


def test_longest_texts():
    year = [D(2026, 1, 1) + datetime.timedelta(n) for n in range(365)]
    longest = max(len(format_date(day, fmt)) for _, fmt in ALL_FORMATS for day in year)
    assert longest == 29 == len("Wednesday, September 30, 2026")
    pairs = make_date_pairs(split_days(*SPAN)[0], 20000, ranges=True, seed=0)
    assert max(len(text) for text, _ in pairs) <= 71 == len("between  and ") + 2 * 29


def test_seeds():
    days = split_days(*SPAN)[0]
    for ranges in (False, True):
        first = make_date_pairs(days, 50, ranges=ranges, seed=1)
        assert first == make_date_pairs(days, 50, ranges=ranges, seed=1)
        assert make_date_pairs(days, 50, ranges=ranges, seed=1) != make_date_pairs(
            days, 50, ranges=ranges, seed=2
        )
    assert make_date_pairs(reversed(days), 20) == make_date_pairs(days, 20)  # order ignored
    assert split_days(*SPAN, seed=4) == split_days(*SPAN, seed=4)
    assert split_days(*SPAN, seed=4)[2] != split_days(*SPAN, seed=5)[2]


# --- the split of days ------------------------------------------------------------------


def test_split_days():
    train, val, test = split_days(*SPAN)
    every = [SPAN[0] + datetime.timedelta(n) for n in range((SPAN[1] - SPAN[0]).days + 1)]
    assert len(every) == 36525
    assert sorted(train + val + test) == every
    assert len(set(train) | set(val) | set(test)) == len(every)
    assert (len(train), len(val), len(test)) == (29220, 3652, 3652 + 1)
    assert all(part == sorted(part) for part in (train, val, test))
    assert {day.year for day in test} == set(range(1950, 2050))  # spread over the span
    a, b, c = split_days(D(2026, 1, 1), D(2026, 1, 10), fractions=(0.5, 0.5, 0), seed=3)
    assert (len(a), len(b), c) == (5, 5, [])
    a, b, c = split_days(DAY, DAY, fractions=(1, 0, 0))
    assert (a, b, c) == ([DAY], [], [])
    a, b, c = split_days(D(2026, 1, 1), D(2026, 1, 3), fractions=[0.5, 0.5, 0.0])
    assert len(a) + len(b) + len(c) == 3 and c == []


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "words"),
    [
        (("2026-11-23", "{d}"), {}, TypeError, "day must be a datetime.date, got str"),
        ((datetime.datetime(2026, 11, 23), "{d}"), {}, TypeError, r"pass its \.date\(\)"),
        ((DAY, 5), {}, TypeError, "fmt must be a str"),
        ((DAY, "{day}"), {}, ValueError, r"unknown fields \['day'\]; the fields are \{d\}"),
        ((DAY, "{} {d}"), {}, ValueError, "unknown fields"),
        ((DAY, "{d"), {}, ValueError, "not a valid template"),
        ((DAY, "{d}"), {"case": "title"}, ValueError, "case must be one of 'as is', 'lower'"),
        ((DAY, "{d}"), {"case": None}, ValueError, "case must be one of"),
        ((D(1949, 12, 31), "{m}/{d}/{yy}"), {}, ValueError, "1950..2049 only; use {yyyy}"),
    ],
)
def test_format_date_bad_input(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        format_date(*args, **kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "words"),
    [
        ((None, DAY), {}, TypeError, "start must be a datetime.date, got NoneType"),
        ((DAY, "2027-01-01"), {}, TypeError, "end must be a datetime.date"),
        ((DAY, D(2026, 1, 1)), {}, ValueError, "end 2026-01-01 is before start 2026-11-23"),
        ((*SPAN,), {"fractions": "0.8"}, TypeError, "fractions must be three numbers"),
        ((*SPAN,), {"fractions": {0.8, 0.2}}, TypeError, "fractions must be three numbers"),
        ((*SPAN,), {"fractions": (0.8, 0.2)}, ValueError, "three numbers for train, validation"),
        ((*SPAN,), {"fractions": (0.8, "0.1", 0.1)}, ValueError, "three numbers"),
        ((*SPAN,), {"fractions": (True, 0, 0)}, ValueError, "three numbers"),
        ((*SPAN,), {"fractions": (0.8, 0.1, 0.2)}, ValueError, "sum to 1, got"),
        ((*SPAN,), {"fractions": (1.2, -0.1, -0.1)}, ValueError, "zero or positive"),
        ((*SPAN,), {"fractions": (float("nan"), 0.5, 0.5)}, ValueError, "zero or positive"),
        ((*SPAN,), {"seed": 1.5}, TypeError, "seed must be an int, got float"),
    ],
)
def test_split_days_bad_input(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        split_days(*args, **kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "words"),
    [
        ((5, 10), {}, TypeError, "days must be a collection of datetime.date, got int"),
        (("2026-11-23", 10), {}, TypeError, "days must be a collection"),
        (([], 10), {}, ValueError, "days is empty; give at least one day"),
        (([DAY, "2026-11-24"], 10), {}, TypeError, "each of days must be a datetime.date"),
        (([DAY], 0), {}, ValueError, "n must be positive, got 0"),
        (([DAY], -3), {}, ValueError, "n must be positive, got -3"),
        (([DAY], 2.0), {}, TypeError, "n must be an int, got float"),
        (([DAY], True), {}, TypeError, "n must be an int, got bool"),
        (([DAY], 5), {"families": "dotted"}, TypeError, r"such as \['dotted'\], got the str"),
        (([DAY], 5), {"families": []}, ValueError, "families is empty; choose from day_month"),
        (([DAY], 5), {"families": ["iso"]}, ValueError, r"unknown families \['iso'\]; the fam"),
        (([DAY], 5), {"families": 3}, TypeError, "collection of family names or None, got 3"),
        (([DAY], 5), {"families": [["dotted"]]}, TypeError, "family names"),
        (([DAY], 5), {"ranges": "yes"}, TypeError, "ranges must be True or False, got 'yes'"),
        (([DAY], 5), {"seed": "1"}, TypeError, "seed must be an int, got str"),
    ],
)
def test_make_date_pairs_bad_input(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        make_date_pairs(*args, **kwargs)
