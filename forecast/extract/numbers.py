"""The number grammar: every way news writes a count, and the look-alikes that are not counts.

`find_numbers` returns spans with a value (or, for vague words, a range). It knows nothing of
subjects or dates; `context.py` reads the words around each span.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from ..checks import MAX_PLAUSIBLE

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
#: Scale words, the South Asian lakh (100,000) and crore (10 million) among them.
SCALES = {
    "hundred": 100, "thousand": 1e3, "lakh": 1e5, "million": 1e6, "crore": 1e7, "billion": 1e9,
}  # fmt: skip
SHORT_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9}

#: Vague quantity words and the range each is read as (documented in docs and the README).
#: "hundreds of thousands" is 200,000 to 999,999: at least two hundred thousand, fewer than a
#: million. The value reported for a vague figure is the geometric midpoint of its range.
VAGUE = {
    "dozens": (24, 99),
    "a few hundred": (200, 500),
    "a few thousand": (2_000, 5_000),
    "several hundred": (200, 900),
    "several thousand": (2_000, 9_000),
    "scores": (40, 99),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "tens of thousands": (20_000, 99_999),
    "hundreds of thousands": (200_000, 999_999),
    "millions": (2_000_000, 9_999_999),
    "tens of millions": (20_000_000, 99_999_999),
}

_WORD = "|".join([*UNITS, *TENS])
_PEOPLE = "people|persons|refugees|civilians|individuals|children|families|households"
_SCALE = "|".join(SCALES)
MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)

_NUMBER = re.compile(
    rf"""
    (?P<fraction>\b(?:(?P<whole>{_WORD}|\d+)(?:\s+and\s+a\s+half|\u00bd)
            |(?:an?\s+)?half(?:\s+an?)?|a\s+quarter\s+of\s+an?)
        [\s-]+(?P<fscale>{_SCALE})s?\b)
    |(?P<after_half>\b(?P<whole2>{_WORD}|\d+)\s+(?P<fscale2>{_SCALE})s?\s+and\s+a\s+half\b)
    |(?P<vague>\b(?:(?:tens|hundreds)\s+of\s+(?:thousands|millions)
        |(?:a\s+few|several)\s+(?:hundred|thousand)
        |dozens|scores|hundreds|thousands|millions)\b)
    |(?P<dozen>\b(?:a|one)\s+dozen\b)
    |(?P<digits>(?<![\w.,])(?P<int>
            \d{{1,2}}(?:,\d{{2}})+,\d{{3}}(?![,.]?\d)                   # 15,00,000 (lakh)
            |\d{{1,3}}(?:,\s?\d{{3}})*,\s\d{{3}}(?:,\s?\d{{3}})*         # 2,430, 445 people
                (?=\s+(?:{_PEOPLE}|persons)\b)                # (a typo: read, and said)
            |\d{{1,3}}(?:,\d{{3}})+(?![,.]?\d)                           # 1,500,000
            |\d{{1,3}}(?:\.\d{{3}}){{2,}}(?![,.]?\d)                     # 1.500.000
            |\d{{1,3}}(?:[ \u00a0\u2009\u202f]\d{{3}})+(?![,.]?\d)      # 1 500 000
            |\d{{1,3}}(?:['\u2019]\d{{3}})+(?![,.'\u2019]?\d)               # 1'500'000
            |\d{{1,3}}\.\d{{3}}(?![,.]?\d)(?!\s*(?:{_SCALE}|k|m|mn|mln|bn|b)\b)  # 500.000
            |\d+(?![,.]?\d)                    # never the first digits of a longer number
            |(?P<decimal>\d+[.,]\d+)(?=\s*(?:(?:{_SCALE})s?|k|m|mn|mln|bn|b)\b)  # 1,5 million
            |\d+\.\d+(?![,.]?\d))
        (?:(?:\s*|-)(?P<dscale>{_SCALE})s?\b|(?P<short>(?:k|m|mn|mln|bn|b)\b
            |\s(?:mn|mln|bn)\b|\sm\b(?=\s+(?:{_PEOPLE})\b)))?)
    |(?P<words>\b(?:(?:{_WORD})(?:(?:\s+and\s+|\s+|-)(?:{_WORD}|{_SCALE}))*
        |an?\s+(?:{_SCALE})(?:\s+(?:{_SCALE}))*)\b)
    """,
    re.IGNORECASE | re.VERBOSE,
)

_DIGIT = re.compile(r"\d")
_NUMBER_WORD = re.compile(
    rf"\b(?:{_WORD}|{_SCALE}|dozens?|scores|hundreds|thousands|millions|half|quarter)\b", re.I
)

# Spans that hold digits but no count: masked before numbers are looked for.
# Grouped by the character a span starts with, behind a look-ahead, so that at most positions
# one test fails fast instead of every alternative being tried: this keeps extraction linear and
# quick (about 1 s per MB of prose, benchmarks/README.md).
_NOT_COUNTS = re.compile(
    rf"""
    (?<!\S)(?:[^\s/]*/[^\s/]*/\S*                                  # URLs and paths: a/500000/b
        |[a-z][a-z0-9+.-]*://\S+|www\.\S+|[\w-]+(?:\.[\w-]+)*\.[a-z]{{2,6}}/\S*)  # bit.ly/35
    |(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+                          # e-mail addresses
    |(?=\d)(?:
        \b(?!\d{{1,3}}(?:\.\d{{3}}){{3}}\b)                       # (1.000.000.000: a count)
        \d{{1,3}}(?:\.\d{{1,3}}){{3}}(?::\d+)?\b(?!\.\d)                # IP addresses
        |\b\d{{4}}-\d{{1,2}}-\d{{1,2}}\b                                # ISO date
        |\b\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}\b                       # 28/02/2022
        |\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s*(?:-|\u2013|and|to)\s*)?      # 11 and 20 November
            \d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\b\.?(?:,?\s+\d{{4}})?  # 28 Feb
        |\b\d{{1,2}}:\d{{2}}\b\s*(?:a\.?m\.?|p\.?m\.?|h\b|hrs\b)?     # 10:30
        |\b\d{{1,2}}\.\d{{2}}\s*(?:a\.?m\.?|p\.?m\.?|h\b|hrs\b)         # 6.45pm
        |\b\d{{1,2}}\s*(?:a\.m\.|p\.m\.|am\b|pm\b)                     # 6 a.m.
        |\d+(?:\.\d+)?\s*(?:%|per\s?cent\b|percent\b|percentage\s+points?\b)
        |\b\d+(?:-|\s+)years?(?:-|\s+)old\b                              # 12-year-old
        |\b\d{{2,5}}-\d{{2,4}}-\d{{2,4}}\b                               # phone numbers
        |(?<!\d[ \u00a0\u2009\u202f])                                  # (3 000 000 000: a count)
            \b0\d{{1,4}}(?:[ -]\d{{2,4}}){{2,}}\b                      # 044 123 4567: a count
                                                                     # never starts with 0
        |\b\d[\d,.]*\s?(?:m|km|cm|mm|ft)\s+(?:long|wide|high|tall|deep|away)\b  # 500m long
        |\b\d+(?:st|nd|rd|th)\b                                        # 21st
        |\b\d(?:\.\d)?(?:\s*(?:and|to|or|-)\s*\d(?:\.\d)?)?[\s-]*magnitude\b  # 7.7 magnitude
        |\b\d{{4}}s\b                                                 # the 1990s
        |\b(?:1[89]\d\d|20\d\d)\b(?!,\d|\s+(?:{_PEOPLE})\b))            # years
    |(?=[a-z])(?:
        \b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b                  # February 28
            (?:\s*(?:-|\u2013|and|to)\s*\d{{1,2}}(?:st|nd|rd|th)?\b(?!,\d|\.\d))?  # 11 and 20
            (?:,?\s+\d{{4}})?
        |\b(?:{MONTHS})\s+\d{{4}}\b                                    # February 2022
        |\baged?\s+(?:between\s+)?\d+(?:\s*(?:-|to|and)\s*\d+)?
        |\bages\s+\d+(?:\s*(?:-|to|and)\s*\d+)?
        |\b(?:under|over)-\d+s?\b                                      # the under-5s
        |\bmagnitudes?\s+(?:of\s+)?\d(?:\.\d)?(?:\s*(?:and|to|or|-)\s*\d(?:\.\d)?)?\b  # of 7.7
        |\b(?:world\s+war|ww|covid|resolution|article|section|chapter|flight|highway|route
            |road|page|pp?\.|no\.|number|room|level|phase|grade|category|class|unit|protocol
            |paragraph|version|tier|stage)[\s-]*\d+
        |(?-i:\b(?:[A-Z]+|[A-Z][a-z])-?\d+[A-Za-z]*\b))         # G7, M06, S-400, Kh-59
    |\+\d[\d\s()-]{{6,}}\d|\(\d{{2,5}}\)\s*\d[\d\s-]{{4,}}\d           # phone numbers
    |\(\d{{1,3}}\)                                                  # list markers: (1)
    |[$\u20ac\u00a3]\s*\d[\d,.]*(?:\s*(?:{_SCALE}|bn|m|mn|k)\b)?       # money
    """,
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class Number:
    """A number found in text: its span, value, and for vague words or ranges its bounds."""

    start: int
    end: int
    text: str
    value: float
    low: float = math.nan
    high: float = math.nan
    vague: bool = False
    is_words: bool = False
    scale: float = 1.0

    @property
    def has_scale(self) -> bool:
        return self.scale > 1


_ARABIC_MARKS = {"\u066c": ",", "\u066b": "."}  # Arabic thousands and decimal separators


def ascii_digits(text: str) -> str:
    """`text` with digits of every script written as ASCII digits, and the Arabic thousands and
    decimal separators as "," and "." (same length, so offsets still point into the original).

    Examples
    --------
    >>> ascii_digits("\u0665\u0660\u0660\u066c\u0660\u0660\u0660 people")
    '500,000 people'
    """
    table = {
        ord(char): str(unicodedata.decimal(char))
        for char in set(text)
        if not char.isascii() and unicodedata.decimal(char, None) is not None
    }
    table.update({ord(mark): ascii for mark, ascii in _ARABIC_MARKS.items() if mark in text})
    return text.translate(table) if table else text


def mask_non_counts(text: str) -> str:
    """`text` with dates, times, percentages, ages, phone numbers, years, ordinals and codes
    blanked out (same length, so offsets still point into the original)."""
    return _NOT_COUNTS.sub(lambda m: "\x00" * len(m.group()), text)


def find_numbers(text: str, limit: int | None = None) -> list[Number]:
    """Every count-like number in `text`, in order (ranges are merged later, in context); the
    first `limit` only when given.

    Examples
    --------
    >>> [n.value for n in find_numbers("up to seven million people, 1.5m more, 500,000 fled")]
    [7000000.0, 1500000.0, 500000.0]
    """
    text = ascii_digits(text)
    has_digits = _DIGIT.search(text) is not None
    if not has_digits and not _NUMBER_WORD.search(text):
        return []  # most sentences of prose: nothing to find, and this test is cheap
    masked = mask_non_counts(text) if has_digits else text  # every masked span holds a digit
    found = []
    for match in _NUMBER.finditer(masked):
        number = _evaluate(match, text)
        # More people than live on Earth is a misreading (or a joke), never a figure.
        if number is not None and math.isfinite(number.value) and number.value <= MAX_PLAUSIBLE:
            found.append(number)
            if limit is not None and len(found) >= limit:
                break
    return found


def _evaluate(match: re.Match[str], text: str) -> Number | None:
    start, end = match.span()
    original = text[start:end]
    groups = match.groupdict()
    if groups["fraction"]:
        scale = SCALES[groups["fscale"].lower()]
        whole = groups["whole"]
        if whole:
            lowered = whole.lower()
            base = float(whole) if whole.isdigit() else float(UNITS.get(lowered) or TENS[lowered])
            value = (base + 0.5) * scale
        else:
            value = scale * (0.5 if "half" in original.lower() else 0.25)
        return Number(start, end, original, value, is_words=True, scale=scale)
    if groups["after_half"]:  # "six million and a half"
        scale = SCALES[groups["fscale2"].lower()]
        whole = groups["whole2"]
        base = float(whole) if whole.isdigit() else float(words_to_number(whole) or 0.0)
        return Number(start, end, original, (base + 0.5) * scale, is_words=True, scale=scale)
    if groups["vague"]:
        low, high = VAGUE[" ".join(original.lower().split())]
        return Number(start, end, original, round(math.sqrt(low * high)), low, high, vague=True)
    if groups["dozen"]:
        return Number(start, end, original, 12.0, is_words=True)
    if groups["digits"]:
        value = _digits_value(groups["int"], bool(groups["decimal"]))
        word = (groups["dscale"] or groups["short"] or "").strip().lower()
        scale = (SCALES.get(word) or SHORT_SCALES[word]) if word else 1.0
        return Number(start, end, original, value * scale, scale=scale)
    spelt = words_to_number(original)
    if spelt is None:
        return None
    scales = [SCALES[w] for w in re.split(r"[\s-]+", original.lower()) if w in SCALES]
    return Number(start, end, original, spelt, is_words=True, scale=max(scales, default=1.0))


_SEPARATORS = str.maketrans("", "", ",. '\u2019\u00a0\u2009\u202f")


def _digits_value(written: str, decimal: bool) -> float:
    """The value of digits as written: a comma or point before a scale word is a decimal mark
    ("1,5 million"); otherwise points, commas and spaces in groups of three separate thousands
    ("500.000", "1 500 000") and the lakh grouping is read as written ("15,00,000")."""
    if decimal:
        return float(written.replace(",", "."))
    if re.fullmatch(r"\d+\.\d+", written) and not re.fullmatch(r"\d{1,3}\.\d{3}", written):
        return float(written)
    return float(written.translate(_SEPARATORS))


def words_to_number(phrase: str) -> float | None:
    """The value of a number written in words ("seven million", "two hundred and fifty").

    Examples
    --------
    >>> words_to_number("two hundred and fifty thousand")
    250000.0
    >>> words_to_number("a million")
    1000000.0
    """
    tokens = re.split(r"[\s-]+", phrase.lower().strip())
    total, current, seen, last_scale = 0.0, 0.0, False, 0.0
    for token in tokens:
        if token in ("and",):
            continue
        if token in ("a", "an"):
            current, seen = 1.0, True
        elif token in UNITS:
            current += UNITS[token]
            seen = True
        elif token in TENS:
            current += TENS[token]
            seen = True
        elif token == "hundred":
            current = (current or 1.0) * 100
        elif token in SCALES:
            scale = SCALES[token]
            if total and (scale > last_scale or (current == 0 and scale >= last_scale)):
                # "a thousand million", "a million million": a scale at least as large as the
                # one before, with no number between, multiplies everything before it.
                total = (total + current) * scale
            else:
                total += (current or 1.0) * scale
            current, last_scale = 0.0, max(last_scale, scale)
        else:
            return None
    return total + current if seen or total else None
