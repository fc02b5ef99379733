"""Reading the words around a number: sentence, qualifier, subject, unit, estimate, source, date.

Each function here answers one question about one number in one sentence, so each rule can be
tested, documented and changed alone. The rules are listed in `forecast.extract`'s docstring.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from .numbers import MONTHS, UNITS, Number

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sgt", "capt", "gov", "sen", "rep",
    "prof", "no", "vs", "approx", "est", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "co",
}  # fmt: skip


_SENTENCE_BREAK = re.compile(r"[.!?]+[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])|\n+")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`: split after . ! ? before a capital,
    digit or quote, and at line breaks; not after abbreviations or initials ("U.S.", "Mr.")."""
    spans = []
    start = 0
    for match in re.finditer(
        r"[.!?]+[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])|\n+", text
    ):
        if match.group().startswith((".",)) and _is_abbreviation(text, match.start()):
            continue
        end = match.start() + len(match.group().rstrip())
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = match.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([\w.]+)$", text[max(0, dot - 40) : dot])  # a bounded look back
    if not word:
        return False
    token = word.group(1).lower()
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


MAX_CLAUSE = 200
_CLAUSE_BREAK = re.compile(r"[;:\u2014]|,(?!\d{3})|\s(?:but|while|whereas|although)\s")


def clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a number: between commas, semicolons or "but" not inside numbers, and
    at most MAX_CLAUSE characters either side of it (a run-on list has no clause to speak of)."""
    window = max(0, start - MAX_CLAUSE)
    left = window
    for match in _CLAUSE_BREAK.finditer(sentence, window, start):
        left = match.end()
    following = _CLAUSE_BREAK.search(sentence, end, end + MAX_CLAUSE)
    right = following.start() if following else len(sentence.rstrip(" .!?"))
    return _trim(sentence, left, min(right, end + MAX_CLAUSE))


# Ranges --------------------------------------------------------------------------------------


def merge_ranges(sentence: str, numbers: list[Number]) -> list[tuple[Number, Number | None]]:
    """Pair numbers that form a range ("between 1 and 2 million", "10,000-15,000", "5 to 8")."""
    pairs: list[tuple[Number, Number | None]] = []
    index = 0
    while index < len(numbers):
        first = numbers[index]
        second = numbers[index + 1] if index + 1 < len(numbers) else None
        if second is not None and not first.vague and not second.vague:
            gap = sentence[first.end : second.start]
            before = sentence[max(0, first.start - 60) : first.start].lower()
            if re.fullmatch(r"\s*(?:-|\u2013|to)\s*", gap) and _CHANGE.search(before):
                # "rose from 10,000 to 20,000": the figure now is the second; the first is an
                # earlier count of unknown date, so it is not reported as a figure of today.
                pairs.append((second, None))
                index += 2
                continue
            if (re.fullmatch(r"\s*and\s*", gap) and re.search(r"between\s*$", before)) or (
                re.fullmatch(r"\s*(?:-|\u2013|to)\s*", gap)
            ):
                pairs.append((first, second))
                index += 2
                continue
        pairs.append((first, None))
        index += 1
    return pairs


# A change of a count ("rose from 10,000 to 20,000"), not a range of it.
_CHANGE = re.compile(
    r"\b(?:rose|rising|risen|rises|increased|increasing|increases|grew|grown|growing|climbed"
    r"|climbing|jumped|jumping|went\s+up|gone\s+up|fell|fallen|falling|dropped|dropping"
    r"|decreased|decreasing|declined|declining|doubled|tripled|surged|soared|swelled|up|down)"
    r"(?:\s+\w+){0,3}?\s+from\s*$"
)


def range_bounds(first: Number, second: Number) -> tuple[float, float]:
    """Bounds of a range, the first sharing the second's scale ("1 to 2 million"), in order
    whichever way round they were written ("between 20,000 and 10,000")."""
    low = first.value
    if not first.has_scale and second.scale >= 1000 and low * second.scale <= second.value:
        low *= second.scale
    return min(low, second.value), max(low, second.value)


# Qualifiers ----------------------------------------------------------------------------------

_QUALIFIERS = (
    ("more_than", r"more than|over|above|in excess of|upwards of|greater than|exceeding"
     r"|exceeded|surpassed|topped|beyond|just over|well over"),
    ("at_least", r"at least|no fewer than|no less than|not less than|a minimum of|at a minimum"),
    ("up_to", r"up to|as many as|at most|no more than|not more than|a maximum of|fewer than"
     r"|less than|under|below|as high as|just under|nearly|almost"),
    ("about", r"about|around|approximately|approx\.?|roughly|some|an estimated|estimated"
     r"|close to|circa|c\.|~|an? approximate"),
)  # fmt: skip
_QUALIFIER_RE = [
    (name, re.compile(rf"(?:^|\W)(?:{words})\s*$", re.I)) for name, words in _QUALIFIERS
]


def qualifier(before: str) -> str | None:
    """The qualifier that ends the text just before a number, or None (an exact figure)."""
    tail = before[-40:]
    for name, pattern in _QUALIFIER_RE:
        if pattern.search(tail):
            return name
    return None


def bounds(value: float, name: str) -> tuple[float, float]:
    """Bounds implied by a qualifier: "about" is read as within 10%."""
    if name == "exact":
        return value, value
    if name in ("more_than", "at_least"):
        return value, math.nan
    if name == "up_to":
        return math.nan, value
    return round(value * 0.9), round(value * 1.1)


# Subject and unit ------------------------------------------------------------------------------

_SUBJECTS = (
    ("killed", r"killed|kill|killing|murdered|dead|deaths?|death toll|died|die|lost their lives"
     r"|fatalities"
     r"|perished|slain"),
    ("injured", r"injured|injuries|wounded|hurt"),
    ("refugees", r"refugees?|sought refuge|seek refuge|seeking refuge|asylum|asylum-seekers"
     r"|cross(?:ed|es|ing)? (?:the border|borders|into)|neighbou?ring countries|abroad"
     r"|(?:fled|flee|fleeing) (?:to|into|across) (?:neighbou?ring|other) countr\w*"
     r"|(?:left|leave|leaving) (?:the|their) country"),
    ("displaced", r"displaced|displace|displacement|fled|flee|fleeing|flight|evacuated"
     r"|evacuees?|IDPs?|homeless|uprooted|left their homes|forced from their homes"
     r"|on the move"),
    ("strikes", r"missiles?|rockets?|strikes?|airstrikes?|air strikes|shells|bombs?|drones?"),
)  # fmt: skip
_SUBJECT_RE = re.compile(
    "|".join(rf"(?P<{name}>\b(?:{words})\b)" for name, words in _SUBJECTS), re.I
)

#: Nouns that make a number a count, normalised to the unit reported.
COUNTED = {
    "people": "people", "persons": "people", "person": "people", "individuals": "people",
    "residents": "people", "inhabitants": "people", "refugees": "people", "migrants": "people",
    "idps": "people", "evacuees": "people", "survivors": "people", "victims": "people",
    "asylum-seekers": "people", "civilians": "civilians", "civilian": "civilians",
    "children": "children", "minors": "children", "women": "women", "men": "men",
    "families": "families", "households": "households", "soldiers": "soldiers",
    "troops": "soldiers", "missiles": "missiles", "missile": "missiles", "rockets": "rockets",
    "drones": "drones", "strikes": "strikes", "airstrikes": "strikes", "shells": "shells",
    "bombs": "bombs",
}  # fmt: skip
#: Nouns that make a number something other than a count of people or strikes: not a figure.
NOT_COUNTED = {
    "hours", "hour", "days", "day", "weeks", "week", "months", "month", "years", "year",
    "minutes", "minute", "seconds", "decades", "km", "kilometres", "kilometers", "miles",
    "metres", "meters", "kg", "tonnes", "tons", "dollars", "euros", "pounds", "usd", "eur",
    "hryvnias", "hryvnia", "times", "percent", "degrees", "votes", "seats", "rounds", "round",
    "points", "pages", "of",
}  # fmt: skip
_FILLERS = {
    "more", "other", "small", "additional", "new", "further", "young", "elderly", "local",
    "displaced", "internally", "registered", "recorded", "estimated", "innocent", "foreign",
    "ukrainian", "russian", "of", "the", "those", "these",
}  # fmt: skip
_IMPLICIT = {
    "were", "was", "are", "is", "have", "has", "had", "been", "injured", "wounded", "killed",
    "dead", "died", "fled", "displaced", "missing", "more", "others", "in", "on", "since",
}  # fmt: skip


def unit(after: str) -> str | None:
    """The unit a number counts, from the words after it ("civilians", "missiles", "people").

    Returns "" when the words name no counted noun but do not rule a count out ("304 injured"),
    and None when they name something that is not a count of people or strikes ("four days").
    """
    words = re.findall(r"[A-Za-z\u00c0-\u024f][\w'-]*", after[:80])
    for position, word in enumerate(words[:4]):
        lowered = word.lower()
        if lowered in COUNTED:
            return COUNTED[lowered]
        if position == 0 and lowered in NOT_COUNTED - {"of"}:
            return None
        if (
            word[0].isupper()
            and re.search(r"(?:ians|ans|ese|is|ers|s)$", word)
            and lowered not in NOT_COUNTED
        ):
            return "people"  # nationalities: Ukrainians, Syrians, Sudanese
        if lowered in _FILLERS:
            continue
        if position == 0 and lowered in _IMPLICIT:
            return ""
        return None if lowered in NOT_COUNTED else (lowered if position == 0 else "")
    return ""


def subject(sentence: str, number: Number, previous_end: int, next_start: int, unit_: str) -> str:
    """What is counted: the first subject word after the number (before the next number), else
    the last one before it (after the previous number); a counted noun decides first."""
    if unit_ in ("missiles", "rockets", "drones", "strikes", "shells", "bombs"):
        return "strikes"
    after = list(_SUBJECT_RE.finditer(sentence, number.end, next_start))
    if after:
        return after[0].lastgroup or "other"
    before = list(_SUBJECT_RE.finditer(sentence, previous_end, number.start))
    if before:
        return before[-1].lastgroup or "other"
    return "other"


_ESTIMATE = re.compile(
    r"\b(?:could|might|may|would|will|estimates|estimate|projected|projects?|projections?|expects?"
    r"|expected|forecasts?|predicts?|predicted|anticipates?|anticipated|scenario|planning figure"
    r"|set to|likely to)\b",
    re.I,
)


def is_estimate(clause_text: str) -> bool:
    """A projection ("could", "might eventually", "estimates") rather than a count.

    "an estimated 500,000" is a count with an approximate qualifier, not a projection, and
    "in May" is the month, not the verb.
    """
    for match in _ESTIMATE.finditer(clause_text):
        if match.group() == "May" and _MONTH_MAY.search(
            clause_text, max(0, match.start() - 12), match.end() + 6
        ):
            continue
        return True
    return False


_MONTH_MAY = re.compile(
    r"\b(?:in|of|since|by|until|till|from|through|to|early|late|mid|end of|last|next|this)[\s-]+"
    r"May\b|\bMay\s+(?:\d|of\b|and\b|\()|\bMay\s*[,.;:]?\s*$|\b\d{1,2}(?:st|nd|rd|th)?\s+May\b",
)


# Attribution -----------------------------------------------------------------------------------

_SAID = (
    r"(?:said|says|say|estimates?|estimated|reports?|reported|warns?|warned|expects?"
    r"|projects?|predicts?|believes?|announced|stated|confirmed|counted|recorded)"
)
_ATTRIBUTIONS = (
    re.compile(
        r"(?:\b(?:according to|as per|cited by|reported by|citing)|,\s*(?:said|says))\s+"
        r"(?:the\s+|a\s+|an\s+)?(?P<who>[A-Za-z][\w\u2019'&.-]*(?:\s[\w\u2019'&.-]+){0,3}?)"
        r"(?=\s*[,.;]|\s+(?:said|on|in|at|who|that|as)\b|\s*$)",
        re.I,
    ),
    re.compile(rf"\b(?:the\s+)?(?P<who>(?-i:[A-Z]{{2,}}[A-Za-z]*))\s+(?:\w+\s+)?{_SAID}\b", re.I),
    re.compile(
        r"\b(?:the\s+)?(?P<who>(?:[a-z]+\s){0,2}(?:officials?|governor|mayor|ministry|minister"
        rf"|authorities|police|spokesperson|spokesman|spokeswoman|president|government|agency"
        rf"|army|military|sources))\s+{_SAID}\b",
        re.I,
    ),
)
_SENTENCE_END = re.compile(r"[\s.!?\"'\u201d\u2019)]*$")


@dataclass(frozen=True)
class Credit:
    """Someone a sentence credits with figures: who, where, and which rule found them."""

    start: int
    who_start: int
    rule: int
    trailing: bool
    who: str


def credits(sentence: str) -> list[Credit]:
    """Every attribution in a sentence, found once so that each figure's look-up is cheap."""
    found = []
    for number, pattern in enumerate(_ATTRIBUTIONS):
        for match in pattern.finditer(sentence):
            who = match.group("who").strip(" .,")
            if not who or who.lower() in ("the", "a", "an", "it", "they", "he", "she"):
                continue
            trailing = bool(_SENTENCE_END.fullmatch(sentence, match.end()))
            found.append(Credit(match.start(), match.start("who"), number, trailing, who))
    return found


def attribution(
    sentence: str, position: int, clause_start: int, found: list[Credit] | None = None
) -> str:
    """Who the sentence credits with a figure ("EU", "regional governor"), nearest first.

    "according to X" and "as per X" credit X with the whole sentence; "X estimates" and
    "X said" credit X only with figures in the same clause or after it, unless they close the
    sentence (", officials warned."), when they too credit the whole sentence. `found` is
    ``credits(sentence)`` when the caller already has it.
    """
    found = credits(sentence) if found is None else found
    candidates = []
    clause_end = None
    for credit in found:
        if credit.rule > 0 and not credit.trailing and credit.start > position:
            if clause_end is None:
                clause_end = _clause_end(sentence, clause_start)
            if credit.start >= clause_end:
                continue
        candidates.append((abs(credit.who_start - position), credit.who))
    return min(candidates)[1] if candidates else ""


def _clause_end(sentence: str, clause_start: int) -> int:
    following = _CLAUSE_BREAK.search(sentence, clause_start)
    return following.start() if following else len(sentence)


# Dates -----------------------------------------------------------------------------------------

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NUMBER = {
    name: index
    for index, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")),
        start=1,
    )
    for name in names
}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "twentieth": 20, "thirtieth": 30, "hundredth": 100,
}  # fmt: skip
_DATES = re.compile(
    rf"""
    (?=\d)(?:(?P<iso>\b(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})\b)
    |(?P<dmy>\b(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm>{MONTHS})\b\.?(?:,?\s+(?P<dy>\d{{4}}))?)
        |(?P<into_digits>\b(?P<n_digits>\d+)\s+days?\s+(?:into|after\s+the\s+start)))
    |(?=[a-z])(?:(?P<mdy>\b(?P<mm>{MONTHS})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<my>\d{{4}}))?)
    |(?P<weekday>\b(?:(?P<wprefix>since|from|on|last|this|early|late)\s+)?(?:early\s+|late\s+)?
        (?P<wday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b)
    |(?P<relative>\b(?P<rprefix>since\s+)?(?P<rword>yesterday|today|tonight|this\s+morning)\b)
    |(?P<into>\b(?P<n_into>{"|".join(UNITS)})\s+days?\s+(?:into|after\s+the\s+start))
    |(?P<nth>\b(?:its|the)\s+(?P<ordinal>{"|".join(_ORDINALS)})\s+day\b))
    """,
    re.I | re.VERBOSE,
)


@dataclass(frozen=True)
class DateMention:
    position: int
    date: dt.date
    rule: str


def date_mentions(
    sentence: str, published: dt.date | None, event_start: dt.date | None
) -> list[DateMention]:
    """Every date expression in a sentence that can be resolved, with the rule that resolved it."""
    found = []
    for match in _DATES.finditer(sentence):
        resolved = _resolve(match, published, event_start)
        if resolved is not None:
            found.append(DateMention(match.start(), *resolved))
    return found


def _resolve(
    match: re.Match[str], published: dt.date | None, event_start: dt.date | None
) -> tuple[dt.date, str] | None:
    g = match.groupdict()
    try:
        if g["iso"]:
            return dt.date(int(g["iy"]), int(g["im"]), int(g["id"])), "explicit"
        if g["dmy"] or g["mdy"]:
            day = int(g["dd"] or g["md"])
            month = _MONTH_NUMBER[(g["dm"] or g["mm"]).lower()]
            year = g["dy"] or g["my"]
            if year:
                return dt.date(int(year), month, day), "explicit"
            if published is None:
                return None
            guess = dt.date(published.year, month, day)
            # A date without a year is the latest such date not after publication.
            if guess > published:
                guess = dt.date(published.year - 1, month, day)
            return guess, "explicit"
    except ValueError:
        return None
    if g["weekday"] and published is not None:
        target = _WEEKDAYS.index(g["wday"].lower())
        back = (published.weekday() - target) % 7
        prefix = (g["wprefix"] or "").lower()
        if prefix == "last" and back == 0:
            back = 7
        rule = "since" if prefix in ("since", "from") else "weekday"
        return published - dt.timedelta(days=back), rule
    if g["relative"] and published is not None:
        back = 1 if g["rword"].lower() == "yesterday" else 0
        rule = "since" if g["rprefix"] else "relative"
        return published - dt.timedelta(days=back), rule
    if (g["into"] or g["into_digits"]) and event_start is not None:
        word = (g["n_into"] or g["n_digits"]).lower()
        days = int(word) if word.isdigit() else UNITS[word]
        return event_start + dt.timedelta(days=days), "event_day"
    if g["nth"] and event_start is not None:
        return event_start + dt.timedelta(days=_ORDINALS[g["ordinal"].lower()] - 1), "event_day"
    return None


def date_for(
    mentions: list[DateMention], position: int, published: dt.date | None
) -> tuple[dt.date | None, str]:
    """The date a figure refers to: the nearest date expression before it in the sentence,
    else the first after it, else the publication date."""
    before = [m for m in mentions if m.position <= position]
    if before:
        return before[-1].date, before[-1].rule
    if mentions:
        return mentions[0].date, mentions[0].rule
    return published, "published" if published else "unknown"
