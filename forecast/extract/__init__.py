"""Reported figures from text: news and situation reports as dated, bounded, sourced numbers.

`extract_figures` reads a document sentence by sentence. The rules, in order:

Numbers
    Digits with or without thousands separators (``500,000``, ``1.5m``, ``7 million``, ``2bn``),
    numbers in words (``seven million``, ``two hundred and fifty``, ``half a million``,
    ``one and a half million``, ``a dozen``), ranges (``between 1 and 2 million``,
    ``10,000-15,000``, ``5 to 8``: the first number takes the second's scale), and vague
    quantities read as ranges: dozens 24-99, scores 40-99, hundreds 200-999, thousands
    2,000-9,999, tens of thousands 20,000-99,999, **hundreds of thousands 200,000-999,999**,
    millions 2-9.99 million. A vague figure's value is the geometric midpoint of its range.
Not figures
    Years (1800-2099 written without a separator, unless followed by a noun for people), dates,
    clock times, percentages (unless ``percentages=True``), ages (``aged 70``, ``12-year-old``),
    phone numbers, ordinals (``fifth day``, ``21st``, ``second round``), codes and names with
    numbers (``World War 2``, ``COVID-19``, ``Resolution 2202``, ``G7``), money, and numbers
    of days, hours, kilometres and the like. Small numbers in words (below a dozen) count only
    when a noun for people or strikes follows them: "two small towns" and "one of the" are not
    figures, "two civilians" is.
Qualifier
    From the words just before the number: ``more_than`` (more than, over, above, in excess
    of), ``at_least`` (at least, no fewer than), ``up_to`` (up to, as many as, fewer than,
    nearly, almost), ``about`` (about, around, some, an estimated; bounds +-10%), ``range``,
    ``vague``, else ``exact``.
Subject
    The first subject word after the number (before the next number), else the last one before
    it: killed, injured, refugees (refuge, asylum, neighbouring countries, abroad), displaced
    (fled, displace, evacuated), strikes (missiles, rockets, drones), else ``other``. A verb
    right before the next number is that number's ("killed 412 people and injured 1,120"); a
    figure no word names takes the subject of the one before it when both count people ("310
    unaccompanied children, 212 pregnant women").
Source
    ``attributed_to``: "according to X" (X's abbreviation when it gives one: "the Provincial
    Relief Authority (PRA)" is ``PRA``), "X said" (an agency, an official, a ministry,
    "officials in Goma"), a citation closing the sentence ("(OCHA 2022)", "(Government of
    Nepal figures, 18 May)", "(IFRC 18/12/2021)"), a person who speaks ("Sezer stated",
    "Aisha Bello, director of the agency, said", "said Musa Danjuma"); agencies by their short
    names (``AGENCIES``). A kind of document ("media reports", "the latest provisional toll"),
    the people counted ("IDPs were registered") and a place ("officials in Goma") are not
    sources. A line "Source: X" credits X with the figures near it that credit no one.
Documents
    A number alone on its line takes the label on the line under it (a key figure panel:
    "0.269 million" over "Total number of IDPs"); a heading (a short line with no number and
    no end punctuation: "a. Inside Evacuation Centers", "Countries Number of IDPs") names the
    subject of the figures under it that no word names, and a markdown table's header ("| IDPs |
    Returnees |" over "|---|---|") that of the figures in each of its columns. Thousands
    separated by a comma and a space before a noun for people ("2,430, 445 people") are read
    as one number, with a `DataWarning`.
Estimate
    True when the number's clause speaks of the future or a projection (could, might, may,
    would, will, estimates, expected, projected, forecast); "an estimated N" is a count.
Counts, scope
    ``counts`` says what a figure counts: ``flow`` over a stated period ("in the past week",
    "on Monday alone", "a day"), ``stock`` of people present ("currently", "are hosting",
    "remain"), ``change`` ("rose by 5,000", "a 2.3-million increase"), else ``total`` (a
    running total; ``since`` holds the day it runs from when the text gives one). ``scope``
    is ``abroad`` (refugees: crossing a border, "fled to Chad"), ``internal`` ("internally
    displaced", IDPs) or empty when the text does not say.
Date
    The nearest date expression before the number in its sentence, else the first after it,
    else the publication date. Explicit dates (a date without a year is the latest such date
    not after publication); weekdays are the latest such day on or before publication ("on
    Monday", rule ``weekday``); a running total "since Thursday" or "since fighting began on
    16 November" is a count as of publication (rule ``since``; the day it runs from is in
    ``since``); "from A to B" after a verb of change gives A no date (rule ``earlier``);
    "yesterday"/"today"; with
    ``event_start``, "four days into" is event_start + 4 days and "its fifth day" is
    event_start + 4 days (rule ``event_day``). A date no report can carry ("the siege of 12
    March 1600", before 1677 or after 2262) leaves the figure without one (rule
    ``out_of_range``). The rule used is in ``date_rule``.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from typing import Any

import pandas as pd

from ..checks import iso_timestamp
from ..errors import DataWarning
from .context import (
    COUNTED,
    SUBJECT_RE,
    THINGS,
    Credit,
    DateMention,
    agency,
    attribution,
    bounds,
    clause,
    counts,
    credits,
    date_for,
    date_mentions,
    in_aside,
    is_change,
    is_earlier,
    is_estimate,
    merge_ranges,
    names_things,
    qualifier,
    range_bounds,
    restates,
    scope,
    sentences,
    subject,
    subject_follows,
    unit,
)
from .inputs import Ceiling, ModelInputs, model_inputs
from .numbers import Number, find_numbers

__all__ = ["COLUMNS", "Ceiling", "ModelInputs", "extract_figures", "model_inputs"]

COLUMNS = (
    "value", "low", "high", "qualifier", "subject", "unit", "estimate", "attributed_to", "date",
    "quote", "source", "date_rule", "clause", "text", "start", "end", "counts", "since", "scope",
)  # fmt: skip

#: Longest stretch of text read as one sentence; a longer run is cut at spaces (tables, lists
#: and run-on text have no sentence ends and would otherwise make the work grow quadratically).
MAX_SENTENCE = 1_000
#: Most figures kept from one sentence; more is a table, kept in part with a DataWarning.
MAX_FIGURES_PER_SENTENCE = 25
#: Longest quote; a longer sentence is quoted around the figure.
MAX_QUOTE = 300

_SURROGATE = re.compile("[\ud800-\udfff]")
_PERCENT = r"\d+(?:\.\d+)?\s*(?:%|per\s?cent\b|percent\b)"


def extract_figures(
    text: str,
    *,
    published: str | dt.date | None = None,
    source: str | None = None,
    event_start: str | dt.date | None = None,
    percentages: bool = False,
) -> pd.DataFrame:
    """Every reported figure in `text`, one row each.

    Parameters
    ----------
    text
        A news article, situation report or any prose. It is only read, never interpreted
        as markup.
    published
        When the text was published; resolves weekdays and dates without a year.
    source
        Provenance recorded on every row (a file name or URL).
    event_start
        The first day of the crisis; resolves "the fifth day" and "four days into".
    percentages
        Also report percentages (unit ``percent``, subject from context).

    Returns
    -------
    pandas.DataFrame
        Columns ``value, low, high, qualifier, subject, unit, estimate, attributed_to, date,
        quote, source`` (see the module docstring for the rules) and, to check them,
        ``date_rule`` (how the date was found), ``clause`` (the clause holding the figure),
        ``text`` (the number as written) and ``start``/``end`` (offsets into `text`).

    Examples
    --------
    >>> rows = extract_figures("More than 500,000 people have sought refuge in neighbouring "
    ...                        "countries.", published="2022-02-28")
    >>> rows[["value", "qualifier", "subject", "unit"]].values.tolist()
    [[500000.0, 'more_than', 'refugees', 'people']]
    >>> str(rows.date[0].date())
    '2022-02-28'
    """
    published_date = _as_date(published, "published")
    start_date = _as_date(event_start, "event_start")
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    # Lone surrogates (half characters, from broken JSON or decoding) cannot be written out;
    # each becomes U+FFFD, one character for one, so offsets still point into `text`.
    text = _SURROGATE.sub("\ufffd", text)
    rows = []
    crowded = 0
    heading: str | None = None  # the subject a heading names for the lines under it
    after_heading = False
    cited: list[tuple[int, str]] = []  # "Source: DSWD-FO XII" lines
    columns: list[str | None] = []  # what each column of a table pasted as text counts
    pieces = _pieces(text)
    for index, (sentence_start, sentence_end) in enumerate(pieces):
        sentence = text[sentence_start:sentence_end]
        line = _SOURCE_LINE.fullmatch(sentence)
        if line:
            cited.append((sentence_start, agency(line.group("who"))))
            continue
        if not sentence.startswith("|"):
            columns = []
        elif _TABLE_RULE.fullmatch(sentence):
            continue  # "|---|---|" under a table's header
        elif index + 1 < len(pieces) and _TABLE_RULE.fullmatch(text[slice(*pieces[index + 1])]):
            # a markdown table's header: "| Location | IDPs | Returnees |" over "|---|---|---|"
            columns = [_heading_subject(cell) for cell in sentence.strip(" |").split("|")]
            continue
        if _is_heading(sentence):
            # Lines of one heading ("Countries Number of IDPs" over "Govt. figures UN
            # figures") keep the subject the first named.
            named = _heading_subject(sentence)
            heading = named if named or not after_heading else heading
            after_heading = True
            continue
        after_heading = False
        found = _figures_in(
            sentence, sentence_start, published_date, start_date, source, percentages
        )
        for row in found:
            cell = sentence.count("|", 0, row["start"] - sentence_start) - 1
            if columns and 0 <= cell < len(columns) and columns[cell] and not row["named"]:
                row["subject"] = columns[cell]  # "| IDPs |" over "| 1,200 |"
            elif heading and not row["named"]:
                row["subject"] = heading  # "a. Inside Evacuation Center" over "739 families"
        if len(found) > MAX_FIGURES_PER_SENTENCE:
            crowded += 1
            found = found[:MAX_FIGURES_PER_SENTENCE]
        rows.extend(found)
    for row in rows:
        if not row["attributed_to"] and cited:
            where, who = min(cited, key=lambda line: abs(line[0] - row["start"]))
            if abs(where - row["start"]) <= SOURCE_LINE_REACH:
                row["attributed_to"] = who
    for text_ in _with_spaced_groups(rows):
        warnings.warn(
            f"{source or 'the text'}: {text_!r} read as one number, its thousands separated "
            "by a comma and a space (check the document)",
            DataWarning,
            stacklevel=2,
        )
    if crowded:
        warnings.warn(
            f"{crowded} sentence(s) of {source or 'the text'} held more than "
            f"{MAX_FIGURES_PER_SENTENCE} figures (a table, not prose?); only the first "
            f"{MAX_FIGURES_PER_SENTENCE} of each were kept",
            DataWarning,
            stacklevel=2,
        )
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    frame["since"] = pd.to_datetime(frame["since"]).astype("datetime64[ns]")
    frame["estimate"] = frame["estimate"].astype(bool)
    for column in ("value", "low", "high"):
        frame[column] = frame[column].astype("float64")
    return frame


#: A participle alone after a number that follows counted things: more of those things.
_MORE_OF_THE_SAME = re.compile(
    r"\s+(?:others?\s+|more\s+)?(?:were\s+|are\s+|have\s+been\s+)?(?:partially\s+|totally\s+"
    r"|severely\s+)?(?:damaged|destroyed|flooded|collapsed|burned|burnt|washed\s+away)\b",
    re.I,
)
#: The rule under a markdown table's header ("|---|:---:|").
_TABLE_RULE = re.compile(r"\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*")
#: A line that names the source of a document's figures ("Source: DSWD-FO XII").
_SOURCE_LINE = re.compile(r"\s*Sources?\s*:\s*(?P<who>[^\n]{2,80}?)\s*", re.I)
#: How far (characters) a source line reaches to the figures it credits.
SOURCE_LINE_REACH = 2000
#: A heading: a short line without a number or end punctuation ("Displaced Population",
#: "a. Inside Evacuation Center", "Countries Number of IDPs").
_HEADING = re.compile(r"[^\d.!?]*(?:\.[^\d.!?]+)*[^\d.!?:;,]", re.I)
MAX_HEADING = 80


def _is_heading(sentence: str) -> bool:
    return (
        len(sentence) <= MAX_HEADING
        and bool(_HEADING.fullmatch(sentence.strip()))
        and not find_numbers(sentence, limit=1)  # "Hundreds" alone is a vague number
    )


def _heading_subject(sentence: str) -> str | None:
    """The subject a heading names ("Status of Displaced Families": displaced), None if none."""
    match = SUBJECT_RE.search(sentence)
    return match.lastgroup if match and match.lastgroup != "strikes" else None


def _with_spaced_groups(rows: list[dict[str, Any]]) -> list[str]:
    """The figures written with a comma and a space inside them ("2,430, 445")."""
    return [row["text"] for row in rows if _SPACED_GROUPS.search(row["text"])]


_SPACED_GROUPS = re.compile(r"\d,\s\d")


def _pieces(text: str) -> list[tuple[int, int]]:
    """Sentences, a run-on one cut at spaces into pieces of at most MAX_SENTENCE characters, so
    that the work per figure stays bounded and the time linear in the length of the text."""
    pieces = []
    for start, end in sentences(text):
        while end - start > MAX_SENTENCE:
            cut = _safe_cut(text, start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
            pieces.append((start, cut))
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if end > start:
            pieces.append((start, end))
    return pieces


# A space is no place to cut when a number, a scale or a range joiner is on either side of it:
# "1 500 000", "1.5 million", "between 10,000 and 20,000" stay whole.
_NUMBERISH = re.compile(
    r"[\d\u00bd]|^(?:and|to|between|from|or|a|an|half|hundreds?|thousands?|lakhs?|millions?"
    r"|crores?|billions?|k|m|mn|mln|bn|dozens?|tens|of)$",
    re.I,
)


def _safe_cut(text: str, low: int, high: int) -> int:
    """Where to cut a run-on stretch between `low` and `high`: at the last clause break (a
    semicolon, or a comma before a word) whose neighbouring words hold no number, else at
    the last such space, else at `high`."""
    best_space = -1
    position = text.rfind(" ", low, high)
    while position > low:
        before = text[text.rfind(" ", low, position) + 1 : position].strip(",;:()")
        after_end = text.find(" ", position + 1, high + 40)
        after = text[position + 1 : after_end if after_end > 0 else high + 40].strip(",;:()")
        if not _NUMBERISH.search(before) and not _NUMBERISH.search(after):
            if text[position - 1] in ";,":
                return position
            if best_space < 0:
                best_space = position
        position = text.rfind(" ", low, position)
    return best_space if best_space > 0 else high


def _quote(sentence: str, start: int, end: int) -> str:
    """The sentence holding a figure, cut to MAX_QUOTE characters around it when longer."""
    if len(sentence) <= MAX_QUOTE:
        return sentence
    left = max(0, min(start - MAX_QUOTE // 2, len(sentence) - MAX_QUOTE))
    right = left + MAX_QUOTE
    return (
        ("\u2026" if left else "")
        + sentence[left:right].strip()
        + ("\u2026" if right < len(sentence) else "")
    )


def _as_date(value: str | dt.date | None, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    return iso_timestamp(value, name).date()


_NUMBER_OF = re.compile(r"\bnumbers?\s+of\s+(?:(?:the|these|those|such|new)\s+)?([a-z]+)", re.I)


def _number_of_things(before: str) -> bool:
    """Whether the words before a figure with no noun after it say what it counts is a place
    or thing ("the number of these sites nearly doubled, from 119 to 228")."""
    named = _NUMBER_OF.findall(before)
    return bool(named) and named[-1].lower() in THINGS


_SHARE_OF = re.compile(r"\b(?:out\s+of|in\s+every|in)\s+$", re.I)
#: "34 of 45", "14 out of the 28", "11 of the country's 26": a part of the next figure.
_OF_NEXT = re.compile(r"\s+(?:out\s+)?of\s+(?:the\s+)?(?:[\w-]+['\u2019]s\s+)?", re.I)


def _figures_in(
    sentence: str,
    offset: int,
    published: dt.date | None,
    event_start: dt.date | None,
    source: str | None,
    percentages: bool,
) -> list[dict[str, Any]]:
    # Two numbers per figure at most (a range), one more to know the sentence is crowded.
    numbers = find_numbers(sentence, limit=2 * MAX_FIGURES_PER_SENTENCE + 2)
    if not numbers and not (percentages and ("%" in sentence or "cent" in sentence.lower())):
        return []  # most sentences hold no figure: skip reading their dates and sources
    pairs = merge_ranges(sentence, numbers)
    mentions = date_mentions(sentence, published, event_start)
    credited = credits(sentence, numbers)
    rows: list[dict[str, Any]] = []
    last_unit = ""
    # The end of the last number read as a figure: a subject is looked for back to it, past
    # numbers that count no one ("the death toll rose by one in the last 24 hours to 229").
    figure_end = 0
    after_thing = False  # the number before counted things ("houses destroyed (62,153)")
    for index, (number, second) in enumerate(pairs):
        if len(rows) > MAX_FIGURES_PER_SENTENCE:
            break  # the caller keeps MAX_FIGURES_PER_SENTENCE and says the rest were left
        end = (second or number).end
        before = pairs[index - 1] if index else None
        previous_end = (before[1] or before[0]).end if before else 0
        next_start = pairs[index + 1][0].start if index + 1 < len(pairs) else len(sentence)
        if _SHARE_OF.search(sentence, max(0, number.start - 12), number.start) and (
            number.value in (10, 100, 1000)
        ):
            continue  # "eight out of ten displaced people": a share's base, not a count
        found_unit = unit(sentence[end:next_start])
        bracketed = sentence[number.start - 1 : number.start] == "(" and (
            sentence[end : end + 1] == ")"
        )
        if after_thing and (
            (bracketed and found_unit not in COUNTED.values())
            or _MORE_OF_THE_SAME.match(sentence, end)
        ):
            # "112,000 houses ... destroyed (62,153)", "52,953 structures destroyed and 77,006
            # damaged", "150 houses were destroyed and 60 others damaged": the same things
            continue
        after_thing = found_unit is None and names_things(sentence[end:next_start])
        if (
            found_unit is not None
            and index + 1 < len(pairs)
            and _OF_NEXT.fullmatch(sentence, end, next_start)
        ):
            # "34 of 45 assessed sites": a part of the next figure counts what it counts.
            after = pairs[index + 1][1] or pairs[index + 1][0]
            following_start = pairs[index + 2][0].start if index + 2 < len(pairs) else None
            if unit(sentence[after.end : following_start]) is None:
                continue
        if found_unit is None:
            continue
        if found_unit not in COUNTED.values() and _number_of_things(
            sentence[previous_end : number.start]
        ):
            continue  # "the number of these sites ... from 119 to 228": sites, not people
        counted = found_unit in COUNTED.values()
        if (
            number.is_words
            and not number.has_scale
            and number.value < 12
            and not counted
            and not subject_follows(sentence, end)
        ):
            continue  # "two small towns", "one of the": words for small numbers need a noun
        if not counted and not number.has_scale and _NAME_BEFORE.search(sentence, 0, number.start):
            continue  # "a poll by Consultores 21 showed": a name's number, not a count
        found_unit = found_unit or last_unit or "people"
        last_unit = found_unit
        if second is not None:
            low, high = range_bounds(number, second)
            value, name = (low + high) / 2, "range"
        elif number.vague:
            value, low, high, name = number.value, number.low, number.high, "vague"
        else:
            value = number.value
            name = qualifier(sentence[previous_end : number.start]) or "exact"
            if name == "exact" and _OR_MORE.match(sentence, end):
                name = "at_least"  # "a million or more"
            low, high = bounds(value, name)
        left, right = clause(sentence, number.start, end)
        date, rule, since = date_for(mentions, number.start, published)
        following = pairs[index + 1][0] if index + 1 < len(pairs) else None
        if second is None and following is not None and is_change(sentence, number, following):
            # "from A to B": A is an earlier count, "by A to B": A is the change; neither is a
            # count as of the date the sentence gives, so neither gets it (nor is the latest).
            earlier = "from" in sentence[max(0, number.start - 12) : number.start]
            date, rule = None, "earlier" if earlier else "change"
        elif _CHANGE_NOUN.match(sentence, end):
            date, rule = None, "change"  # "a 2.3-million increase": a change, not a count
        earlier = bool(rows) and is_earlier(
            sentence, rows[-1]["start"] - offset, figure_end, number
        )
        if earlier:
            # "reduced to 10,400, down from 160,000", "expected to rise to 7 million from 5
            # million": the figure after "from" is the count before the change, no projection
            date, rule = None, "earlier"
        restated = bool(rows) and restates(sentence, figure_end, number.start)
        named_subject = _subject(
            sentence, number, figure_end, next_start, found_unit, rows, earlier or restated
        )
        if name == "exact" and restated:
            # "up to 3,603 families/18,081 persons": a figure restated keeps its qualifier
            name = str(rows[-1]["qualifier"])
            low, high = bounds(value, name)
        rows.append(
            {
                "value": float(value),
                "low": low,
                "high": high,
                "qualifier": name,
                "subject": named_subject[0],
                "unit": found_unit,
                "estimate": not earlier and is_estimate(sentence[left:right]),
                "attributed_to": attribution(sentence, number.start, left, credited),
                "date": date,
                "quote": _quote(sentence, number.start, end),
                "source": source or "",
                "date_rule": rule,
                "clause": sentence[left:right],
                "text": sentence[number.start : end],
                "start": offset + number.start,
                "end": offset + end,
                "counts": "change" if rule == "change" else counts(sentence[left:right]),
                "since": since,
                "scope": "",
                "changed_from": earlier,  # not a column: an earlier count after "to B from"
                "named": named_subject[1],  # not a column: whether a word named the subject
            }
        )
        rows[-1]["scope"] = scope(rows[-1]["subject"], sentence[left:right])
        figure_end = end
    if percentages:
        rows.extend(_percentages(sentence, offset, mentions, published, source, credited))
    return rows


_OR_MORE = re.compile(r"\s*(?:people\s+|persons\s+)?or\s+more\b", re.I)
_CHANGE_NOUN = re.compile(r"[\s-]*(?:increase|rise|jump|drop|decrease|fall|decline)\b", re.I)
# A capitalised word (not the first of the sentence) right before a number names it.
_NAME_BEFORE = re.compile(r"(?<=[a-z,;:] )(?-i:[A-Z][a-z]+) $")


def _subject(
    sentence: str,
    number: Number,
    previous_end: int,
    next_start: int,
    found_unit: str,
    rows: list[dict[str, Any]],
    same_as_before: bool = False,
) -> tuple[str, bool]:
    """The figure's subject (`context.subject`), or the figure's it qualifies or follows: a
    figure in a parenthesis after another ("killed 1,061 people (including almost 360
    children)"), an item of a list that names none ("Lebanon, 154,387; Jordan, 142,664"), the
    second figure of a change ("rose from 217,000 to 2.1 million"), one that counts what the
    figure before it counts (`same_as_before`: "down from 160,000", "410 families/2,050
    persons"); and whether a word named it (False: a heading or a table's header above may).
    """
    if rows and (in_aside(sentence, previous_end, number.start) or same_as_before):
        # "killed 1,061 people (including almost 360 children)", "down from 160,000", "410
        # families/2,050 persons" (the same people)
        return str(rows[-1]["subject"]), bool(rows[-1]["named"])
    found = subject(sentence, number, previous_end, next_start, found_unit)
    # Only a figure no word names takes the subject of the one before it: "42 killed and 10
    # million affected" names the second figure's ("affected"), so nothing is carried.
    if (
        not found
        and rows
        and rows[-1]["date_rule"] in ("earlier", "change")
        and not rows[-1].get("changed_from")
    ):
        return str(rows[-1]["subject"]), bool(rows[-1]["named"])
    if not found and rows and _same_kind(rows[-1]["unit"], found_unit):
        return str(rows[-1]["subject"]), bool(rows[-1]["named"])
    if not found:
        return "other", False
    if (
        found != "other"
        and rows
        and rows[-1]["subject"] == "other"
        and rows[-1]["date_rule"] in ("earlier", "change")
    ):
        rows[-1]["subject"] = found  # the two figures of a change count the same thing
    return found, True


#: Units that count people: the items of one list of them ("310 unaccompanied children,
#: 212 pregnant women and 95 elderly people") count the same subject.
_PEOPLE = {"people", "civilians", "children", "women", "men", "families", "households"}


def _same_kind(unit_: str, other: str) -> bool:
    return unit_ == other or (unit_ in _PEOPLE and other in _PEOPLE)


def _percentages(
    sentence: str,
    offset: int,
    mentions: list[DateMention],
    published: dt.date | None,
    source: str | None,
    credited: list[Credit],
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for match in re.finditer(_PERCENT, sentence, re.I):
        value = float(re.findall(r"\d+(?:\.\d+)?", match.group())[0])
        left, right = clause(sentence, match.start(), match.end())
        date, rule, since = date_for(mentions, match.start(), published)
        name = qualifier(sentence[: match.start()]) or "exact"
        low, high = bounds(value, name)
        rows.append(
            {
                "value": value, "low": low, "high": high, "qualifier": name,
                "subject": "other", "unit": "percent",
                "estimate": is_estimate(sentence[left:right]),
                "attributed_to": attribution(sentence, match.start(), left, credited),
                "date": date,
                "quote": _quote(sentence, match.start(), match.end()),
                "source": source or "", "date_rule": rule,
                "clause": sentence[left:right], "text": match.group(),
                "start": offset + match.start(), "end": offset + match.end(),
                "counts": counts(sentence[left:right]), "since": since, "scope": "",
            }
        )  # fmt: skip
    return rows
