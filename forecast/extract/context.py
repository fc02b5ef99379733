"""Reading the words around a number: sentence, qualifier, subject, unit, estimate, source, date.

Each function here answers one question about one number in one sentence, so each rule can be
tested, documented and changed alone. The rules are listed in `forecast.extract`'s docstring.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from ..checks import FIRST_DAY, LAST_DAY
from .numbers import MONTHS, UNITS, Number, find_numbers

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sgt", "capt", "gov", "sen", "rep",
    "prof", "no", "vs", "approx", "est", "etc", "ca", "e.g", "i.e", "u.s", "u.k", "u.n", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "ltd",
    "co",
}  # fmt: skip


_SENTENCE_BREAK = re.compile(r"[.!?]+[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])|\n\s*")
#: A line that starts a new item however the line before ends: a bullet or a numbered item.
_ITEM = re.compile(r"[ \t]*(?:[-*\u2022\u25aa\u25cf\u2013]\s|\d{1,2}[.)]\s)")
#: Lines at least this long that run on (no end punctuation) are hard-wrapped prose.
WRAPPED_LINE = 50


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`: split after . ! ? before a capital,
    digit or quote, and at line breaks; not after abbreviations or initials ("U.S.", "Mr.").

    A single line break inside a paragraph is a space (hard-wrapped e-mail and `pdftotext`
    output: "more than 1.5\\nmillion"): it splits only after end punctuation, before a
    bullet or numbered item, at a blank line, or after a short line (a heading, a table row)
    when the next line starts with a capital.
    """
    spans = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        if match.group().startswith((".",)) and _is_abbreviation(text, match.start()):
            continue
        if match.group().startswith("\n") and _runs_on(text, match.start(), match.end()):
            continue
        end = match.start() + len(match.group().rstrip())
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = match.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _runs_on(text: str, newline: int, following: int) -> bool:
    """Whether the line break at `newline` is a wrap inside a sentence, not a break."""
    line_start = text.rfind("\n", 0, newline) + 1
    line = text[line_start:newline].rstrip()
    if (
        len(line) <= 40
        and _NUMBER_LINE.fullmatch(line)
        and not text[following : following + 1].isdigit()
    ):
        return True  # a key figure panel: "0.269 million" over "Total number of IDPs"
    if text.count("\n", newline, following) > 1 or _ITEM.match(text, following):
        return False
    if not line or line[-1] in '.!?:;"\u201d|' or line.lstrip().startswith("|"):
        return False  # end punctuation, or a row of a table ("| Poland | 1,234,567 |")
    return text[following : following + 1].islower() or len(line) >= WRAPPED_LINE


_NUMBER_LINE = re.compile(
    r"\s*(?:~|\u2248)?\s*\d[\d.,\u00a0 ]*\s*(?:million|mln|m|k|thousand|billion|bn)?\**\s*",
    re.I,
)


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
_CLAUSE_BREAK = re.compile(
    r"[;:\u2014]|,(?!\d{3})|\s(?:but|while|whereas|although)\s"
    # "and" before a clause of its own ("5,000 have fled and the UN says up to 50,000 could
    # follow"): its speaker and its modal are not the figure's before it
    r"|\sand\s(?=(?:the|a|an|its|their|this|that|(?-i:[A-Z])[\w.-]*)(?:\s[\w'.-]+){0,3}?\s"
    r"(?:has|have|had|is|are|was|were|says|said|say|will|would|could|may|might|expects?"
    r"|expected|estimates?|estimated|warns?|warned|believes?|predicts?|predicted|indicated)\b)",
    re.I,
)


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
            if is_change(sentence, first, second):
                # "rose from 10,000 to 20,000", "by 5,000 to 50,000": two figures, not a range;
                # the second is the figure now (see `is_change` for the first).
                pairs.append((first, None))
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


# A change of a count ("rose from 10,000 to 20,000", "went from A to B", "rose by 5,000 to
# 50,000"), not a range of it; between the two figures a qualifier or a day may stand ("from
# about 10,000 on Monday to about 50,000").
_CHANGE = re.compile(
    r"\b(?:rose|rising|risen|rises|increased|increasing|increases|grew|grown|growing|climbed"
    r"|climbing|jumped|jumping|went|gone|going|moved|fell|fallen|falling|dropped|dropping"
    r"|decreased|decreasing|declined|declining|doubled|tripled|surged|soared|swelled|up|down"
    r"|increase|rise|jump|growth|fall|drop|decrease)"
    r"(?:\s+\w+){0,3}?\s+(?P<word>from|by)(?:\s+(?:about|around|some|roughly|nearly|almost"
    r"|approximately|an\s+estimated|more\s+than|over|just\s+over|under|fewer\s+than))?\s*$"
)
_CHANGE_GAP = re.compile(
    r"\s*(?:(?:on|in|at|by|last)\s+[\w-]+(?:\s+\d{1,2})?\s+)?(?:-|\u2013|to)\s+"
    r"(?:(?:about|around|some|roughly|nearly|almost|approximately|an\s+estimated|more\s+than"
    r"|over|just\s+over|under|fewer\s+than)\s+)?",
    re.I,
)


def is_change(sentence: str, first: Number, second: Number) -> bool:
    """Whether two numbers are a change of one count, not a range: "from A to B" after a verb
    of change, or "by A to B". The second is the count now; after "from" the first is an
    earlier count (of a date the sentence does not give), after "by" the change itself."""
    before = sentence[max(0, first.start - 60) : first.start].lower()
    return bool(_CHANGE.search(before) and _CHANGE_GAP.fullmatch(sentence, first.end, second.start))


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
     r"|exceeded|surpassed|topped|beyond|just over|well over|exceed|exceeds|tops|topping"
     r"|surpass|surpasses|surpassing|passed|passing"),
    ("at_least", r"at least|no fewer than|no less than|not less than|a minimum of|at a minimum"),
    ("up_to", r"up to|as many as|at most|no more than|not more than|a maximum of|fewer than"
     r"|less than|under|below|as high as|just under|nearly|almost"
     # "the toll could reach 20,000": a bound someone expects, not a count
     r"|(?:could|may|might|would)\s+(?:reach|hit|rise\s+to|climb\s+to)"),
    ("about", r"about|around|approximately|approx\.?|roughly|some|an estimated|estimated"
     r"|an estimated (?:total|population|number) of|estimated at|put at"
     r"|close to|circa|c\.|ca\.|~|an? approximate"),
)  # fmt: skip
_QUALIFIER_RE = [
    # "at least another 2,059", "more than an additional 500": the qualifier still bounds it
    (name, re.compile(rf"(?:^|\W)(?:{words})(?:\s+(?:another|an additional|a further))?\s*$", re.I))
    for name, words in _QUALIFIERS
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
     r"|fatalities|massacred?|massacres|bodies|lives"
     r"|perished|slain"),
    ("injured", r"injured|injuries|injury|injures|injuring|wounded|hurt"),
    ("refugees", r"refugees?|sought refuge|seek refuge|seeking refuge|asylum|asylum-seekers"
     r"|arrivals|arrived daily|arriving daily"
     r"|cross(?:ed|es|ing)?(?=\s+(?:since|from|into|over|to)\b|\s*[,.;]|\s*$)"
     r"|cross(?:ed|es|ing)? (?:(?:the|a) (?:[\w-]+ )?borders?|borders|into)"
     r"|(?:found|find|finding|sought|seek|seeking|taken|took|taking) refuge"
     r"|neighbou?ring countries|abroad"
     r"|(?:fled|flee|fleeing) (?:to|into|across) (?:neighbou?ring|other) countr\w*"
     r"|(?:left|leave|leaving) (?:the|their) country"),
    ("displaced", r"displaced|displace|displacing|displacements?|fled|flee|fleeing|flight|evacuated"
     r"|evacuees?|IDPs?|PDIs?|homeless|uprooted|(?:left|leave|leaving|from|out of) their"
     r" (?:homes?|locations|communities|villages)|moved to safety|tent cities|living in tents"
     # leaving a named place ("will leave Kharkiv"; a country named is a border crossed,
     # `_crosses_border`: "will leave Ukraine")
     r"|(?:left|leave|leaves|leaving)(?=\s+(?:from\s+)?(?-i:[A-Z][a-z]))"
     r"|shelter services|temporary shelter|(?:stay|stays|stayed|staying|living|lived) with"
     r" (?:their )?(?:relatives|friends|host famil(?:y|ies))|host famil(?:y|ies)"
     r"|on the move|evacuate|evacuation|safety cent(?:re|er)s?|sheltered"
     # Not "sheltering" nor "sought shelter": in a war, from the bombs, in a metro station
     r"|relocated|relocation|without shelter|relief camps|camps|shelters|shelter populations?"
     # where the displaced stay: "969 shelters are housing 88,700", "accommodating 71,704"
     r"|displacement sites?|accommodation (?:sites?|cent(?:re|er)s?)|are housing|being housed"
     r"|collective cent(?:re|er)s?"
     r"|housed in|accommodating|accommodated"),
    # Words that say a figure counts neither the displaced nor the dead ("42 killed and 10
    # million affected", "5 missing", "internal returnees"): the figure is `other`, and the
    # subject of the figure before it is not carried over to it.
    ("other", r"(?<!-)affected|missing|returnees?|returned"),
    ("strikes", r"missiles?|rockets?|strikes?|airstrikes?|air strikes|shells|bombs?|drones?"),
)  # fmt: skip
SUBJECT_RE = re.compile(
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
    "bombs": "bombs", "woman": "women", "man": "men", "child": "children", "staff": "people",
    "others": "people", "pupils": "children", "students": "people", "teachers": "people",
    "patients": "people",
    "members": "people", "workers": "people", "volunteers": "people", "arrivals": "people",
}  # fmt: skip
#: Nouns that make a number something other than a count of people or strikes: not a figure.
NOT_COUNTED = {
    "hours", "hour", "days", "day", "weeks", "week", "months", "month", "years", "year",
    "minutes", "minute", "seconds", "decades", "km", "kilometres", "kilometers", "miles",
    "metres", "meters", "kg", "tonnes", "tons", "dollars", "euros", "pounds", "usd", "eur",
    "hryvnias", "hryvnia", "times", "percent", "degrees", "votes", "seats", "rounds", "round",
    "points", "pages", "magnitude", "of",
}  # fmt: skip
#: Places and things a number may count in a report on displacement ("45 relocation sites",
#: "34 of 45 assessed sites", "1,200 homes destroyed"): the head of the noun phrase after a
#: number, when one of these, makes it no count of people.
THINGS = {
    "sites", "site", "camps", "camp", "schools", "school", "districts", "district", "provinces",
    "province", "villages", "village", "towns", "town", "cities", "city", "centres", "centers",
    "centre", "center", "shelters", "buildings", "building", "houses", "house", "homes", "home",
    "settlements", "settlement", "locations", "location", "localities", "communities",
    "municipalities", "regions", "countries", "hospitals", "clinics", "facilities", "trucks",
    "tents", "kits", "boats", "vehicles", "flights", "convoys", "partners", "organizations",
    "organisations", "agencies", "teams", "assessments", "reports", "projects", "wells",
    "latrines", "hectares", "acres", "bridges", "roads", "cases", "checkpoints", "crossings",
    "meals", "rations", "incidents", "litres", "liters", "doses", "items", "counties", "county",
    "regencies", "barangays", "muhallas", "muhalla", "baladiyas", "baladiya", "governorates",
    "lgas", "woredas", "kebeles", "upazilas", "payams", "subcounties", "sub-counties", "masks",
    "blankets", "mattresses", "tarpaulins", "jerrycans",
    "aftershocks", "tremors", "earthquakes", "quakes", "territories", "missions", "structures",
}  # fmt: skip
_FILLERS = {
    "more", "other", "small", "additional", "new", "further", "young", "elderly", "local",
    "displaced", "internally", "internal", "registered", "recorded", "estimated", "innocent",
    "foreign", "ukrainian", "russian", "of", "the", "those", "these", "ballistic", "cruise",
    "guided", "hypersonic", "attack", "aid", "humanitarian", "medical", "un", "staff",
    "unaccompanied", "separated", "pregnant", "vulnerable", "older", "disabled", "newly", "us",
}  # fmt: skip
_IMPLICIT = {
    "were", "was", "are", "is", "have", "has", "had", "been", "injured", "wounded", "killed",
    "dead", "died", "fled", "displaced", "missing", "affected", "more", "others", "in", "on",
    "since", "to", "by", "or", "and", "from", "at", "as", "than", "who", "which", "that",
}  # fmt: skip


#: Words that modify a place or thing without being its head ("IDP camps", "refugee settlements").
_THING_MODIFIERS = {
    "idp", "refugee", "displacement", "evacuation", "transit", "collective",
    # a fact sheet's label: "129,929 Estimated Number of Houses Damaged or Destroyed"
    "estimated", "number", "total",
}  # fmt: skip


def unit(after: str) -> str | None:
    """The unit a number counts, from the words after it ("civilians", "missiles", "people").

    Returns "" when the words name no counted noun but do not rule a count out ("304 injured"),
    and None when they name something that is not a count of people or strikes ("four days").
    """
    if names_things(after):
        return None
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
        if lowered in _FILLERS or any(char.isdigit() for char in word):
            continue  # "more people", "two Kh-59 cruise missiles": the noun comes later
        if word[0].isupper() and lowered not in NOT_COUNTED:
            return ""  # a name follows ("Lebanon, 154,387; Jordan, 142,664"): not the unit
        if position == 0 and lowered in _IMPLICIT:
            return ""
        return None if lowered in NOT_COUNTED else (lowered if position == 0 else "")
    return ""


def names_things(after: str) -> bool:
    """Whether the words after a number name places or things (`THINGS`), not people.

    Examples
    --------
    >>> names_things(" houses were destroyed"), names_things(" weeks later")
    (True, False)
    """
    return _names_a_thing(re.findall(r"[A-Za-z\u00c0-\u024f][\w'-]*|\d+", after[:80])[:6])


def _names_a_thing(words: list[str]) -> bool:
    """Whether the noun phrase starting `words` (up to its first verb, preposition or name)
    is headed by a place or thing (`THINGS`) before any counted noun: "relocation sites",
    "of assessed sites", not "displaced families in 45 sites"."""
    for word in words:
        lowered = word.lower()
        if lowered in COUNTED:
            return False
        if lowered in THINGS:
            return True
        if lowered in _THING_MODIFIERS or lowered.endswith("'s") or lowered.isdigit():
            continue  # "594 IDP camps", "14 of the country's 28 districts": the head is later
        if lowered in _IMPLICIT - {"of"} or lowered in _PHRASE_STARTS or word[0].isupper():
            return False
    return False


#: Prepositions that start a new phrase after a figure ("200,000 into relief camps": the camps
#: are where they went, not what is counted).
_PHRASE_STARTS = {"into", "across", "within", "inside", "outside", "through", "near"}


def subject(sentence: str, number: Number, previous_end: int, next_start: int, unit_: str) -> str:
    """What is counted: the first subject word after the number (before the next number), else
    the last one before it (after the previous number); a counted noun decides first. "" when
    no word names a subject, "other" when one names something else ("affected", "missing")."""
    if unit_ in ("missiles", "rockets", "drones", "strikes", "shells", "bombs"):
        return "strikes"
    found = _subject_after(sentence, number.end, next_start)
    if (
        found is not None
        and next_start < len(sentence)
        and found.group().lower() in _VERBS_OF_THE_NEXT
        and found.end() <= next_start
        and _LEADING_RE.fullmatch(sentence, found.end(), next_start)
    ):
        found = None  # "killed 412 people and injured 1,120": "injured" is the next figure's
    if found is None and next_start < len(sentence):
        found = _subject_of_the_next(sentence, number.end, next_start)
    if found is not None:
        # A word in the figure's own clause before it beats one past a comma after it ("the
        # count of IDPs in Sulu is only 597 families/2,919 persons, the number ... affected")
        after_break = _CLAUSE_BREAK.search(sentence, number.end, found.start())
        if after_break is not None:
            breaks = list(_CLAUSE_BREAK.finditer(sentence, previous_end, number.start))
            clause_start = breaks[-1].end() if breaks else previous_end
            before = list(SUBJECT_RE.finditer(sentence, clause_start, number.start))
            found = before[-1] if before else found
    if found is None:
        before = list(SUBJECT_RE.finditer(sentence, previous_end, number.start))
        found = before[-1] if before else None
    if found is None:
        return ""
    name = found.lastgroup or "other"
    if name == "displaced" and _crosses_border(sentence, found.start(), next_start):
        return "refugees"  # "fled to Chad": crossing a border makes refugees
    if name == "refugees" and _REFUGE.fullmatch(found.group()):
        # "taken refuge in evacuation centres": where they took refuge says displaced
        place = _skip_place_words(sentence, found.end())
        where = SUBJECT_RE.match(sentence, place)
        if where is not None and where.lastgroup == "displaced":
            return "displaced"
        if _BUILDINGS.match(sentence, place):
            return "displaced"  # "seeking refuge in 45 schools and six dormitories in Aleppo"
    if name == "displaced" and found.group().lower() in ("fled", "flee", "fleeing", "flight"):
        # "fled the fighting and found refuge in Maltam": where they fled to says refugees,
        # unless they fled their homes or took refuge in camps, or the word names an agency
        if _HOMES.match(sentence, found.end()):
            return name
        for match in SUBJECT_RE.finditer(sentence, found.end(), next_start):
            if match.lastgroup == "refugees" and not _in_agency_name(sentence, match.start()):
                where = SUBJECT_RE.match(sentence, _skip_place_words(sentence, match.end()))
                if where is None or where.lastgroup != "displaced":
                    return "refugees"
    return name


def _subject_of_the_next(sentence: str, end: int, next_start: int) -> re.Match[str] | None:
    """The subject after the next number when a figure's words hand it on: "46,937 families,
    or 234,685 people were displaced", "39,054 people from 6,580 households have been
    displaced" (the same people), "85,000 people remain in 316 evacuation centres" (where they
    stay: only a place of the displaced)."""
    between = sentence[end:next_start]
    if _RESTATED.search(between):
        # the next figure's subject, read as it reads it: up to the number after it, or
        # where it stays ("6,406 families or 32,030 persons took shelter in 26 centres")
        digits = _DIGITS.match(sentence, next_start)
        following = _DIGITS.search(sentence, digits.end() if digits else next_start + 1)
        limit = following.start() if following else len(sentence)
        found = _subject_after(sentence, next_start, limit)
        if found is None and following and _PLACED_IN.search(sentence, next_start, limit):
            found = _displaced_at(sentence, limit)
        return found
    if _PLACED_IN.search(between):
        return _displaced_at(sentence, next_start)
    return None


def _displaced_at(sentence: str, start: int) -> re.Match[str] | None:
    """The word for the displaced in the place a figure stands in ("316 evacuation centres")."""
    where = SUBJECT_RE.search(sentence, start, start + 60)
    return where if where is not None and where.lastgroup == "displaced" else None


def _skip_place_words(sentence: str, end: int) -> int:
    """The position after "in", "at" and the like and a number after a subject word."""
    match = _PLACE_WORDS.match(sentence, end)
    return match.end() if match else end


def _in_agency_name(sentence: str, position: int) -> bool:
    """Whether `position` falls inside an agency's name ("the UN refugee agency")."""
    start = max(0, position - 40)
    return any(m.start() <= position < m.end() for m in _AGENCY_RE.finditer(sentence, start))


#: Verbs whose object is the number right after them ("and injured 1,120").
_VERBS_OF_THE_NEXT = {
    "killed", "killing", "kill", "injured", "injuring", "wounded", "wounding", "displaced",
    "displacing", "displace", "evacuated", "evacuating", "uprooted", "uprooting", "affected",
    "affecting",
}  # fmt: skip
#: The words that may stand between "in", "or", "from" or "to" and the number they lead to.
_LEADING = r"(?:(?:about|around|some|approximately|nearly|over|more than|roughly|almost)\s+)?"
#: A figure's words that end by placing it in the next figure ("remain in", "recorded in about").
_PLACED_IN = re.compile(rf"\b(?:in|at|across|into)\s+{_LEADING}$", re.I)
#: ... or by restating it in another unit ("46,937 families, or 234,685 people").
#: Only a qualifier between a verb and the number it governs ("affected approximately 339,658").
_LEADING_RE = re.compile(rf"\s*{_LEADING}", re.I)
#: A unit word or two, then "or", "/" (and, to hand a subject on, "from") before a number.
_UNIT_THEN = r"\s*(?:[a-z-]+(?:\s+|(?=[,/]))){0,2},?\s*"
_RESTATED = re.compile(rf"^{_UNIT_THEN}(?:(?:or|from)\s+|/\s*){_LEADING}$", re.I)
_SAME_FIGURE = re.compile(rf"{_UNIT_THEN}(?:or\s+|/\s*)", re.I)


def restates(sentence: str, previous_end: int, start: int) -> bool:
    """Whether the number at `start` restates the figure ending at `previous_end` in another
    unit ("3,603 families/18,081 persons", "130 families, or 650 persons"): the same people.

    Examples
    --------
    >>> restates("2,178 families / 9,993 persons", 5, 17), restates("5 dead and 9 hurt", 1, 11)
    (True, False)
    """
    return _SAME_FIGURE.fullmatch(sentence, previous_end, start) is not None


_DIGITS = re.compile(r"\d[\d,.]*")
_REFUGE = re.compile(r"(?:found|find|finding|sought|seek|seeking|taken|took|taking) refuge", re.I)
_HOMES = re.compile(r"\s+(?:from\s+)?(?:their|his|her)\s+(?:homes?|villages?|houses?)\b", re.I)
_PLACE_WORDS = re.compile(
    r"\s+(?:in|at|into|inside)\s+(?:the\s+)?(?:more than\s+)?(?:[\d,]+\s+)?", re.I
)


#: "rose to 7 million from 5 million", "reduced to 10,400, down from 160,000": the second
#: figure is the count the first changed from.
_TO_BEFORE = re.compile(rf"\bto\s+{_LEADING}$", re.I)
_FROM_BEFORE = re.compile(
    rf"\s*(?:[a-z]+(?:\s+|(?=,)))?,?\s*(?:(?:down|up)\s+)?from\s+{_LEADING}", re.I
)


def is_earlier(sentence: str, previous_start: int, previous_end: int, number: Number) -> bool:
    """Whether `number` is what the figure before it changed from ("to B from A"): the
    figure before follows "to" and this one follows "from" right after it.

    Examples
    --------
    >>> from forecast.extract.numbers import find_numbers
    >>> text = "fell to 8,100, down from 92,000"
    >>> first, second = find_numbers(text)
    >>> is_earlier(text, first.start, first.end, second)
    True
    """
    return bool(
        _FROM_BEFORE.fullmatch(sentence, previous_end, number.start)
        and _TO_BEFORE.search(sentence, max(0, previous_start - 40), previous_start)
    )


# The words after a figure that can name its subject end at a subordinate clause ("evacuated
# 60,000 residents since rockets began": not strikes) or at the next number.
_SUBORDINATE = re.compile(
    r"\b(?:since|after|when|because|following|amid|before|until|while|whereas"
    # "as" opens a clause ("as the fighting spread"), not after a verb of counting ("612,134
    # people registered as refugees")
    r"|(?<!registered\s)(?<!recorded\s)(?<!counted\s)(?<!listed\s)(?<!recognised\s)"
    r"(?<!recognized\s)(?<!identified\s)(?<!classified\s)(?<!assisted\s)as)\b",
    re.I,
)
#: Buildings people shelter in inside their own country: refuge taken in them is displacement.
_BUILDINGS = re.compile(
    r"(?:[a-z]+\s+)?(?:schools?|mosques?|churches|church|dormitor(?:y|ies)|public buildings"
    r"|buildings|stadiums?|gyms?|sports halls?|halls|collective cent(?:re|er)s|hospitals?)\b",
    re.I,
)
_ABROAD = re.compile(
    r"\b(?:fled|flee|fleeing|flees|crossed|crossing|cross|escaped|gone|went|arrived|arriving)"
    r"\s+(?:in)?to\s+(?:neighbou?ring\s+)?(?P<place>(?-i:[A-Z][\w'-]+)(?:\s(?-i:[A-Z][\w'-]+)){0,2})",
    re.I,
)
# Leaving a country by name crosses its border too ("have fled Ukraine", "will leave Syria").
_LEFT_COUNTRY = re.compile(
    r"\b(?:fled|flee|fleeing|flees|escaped|left|leave|leaves|leaving)\s+(?:from\s+)?"
    r"(?P<place>(?-i:[A-Z][\w'-]+)(?:\s(?-i:[A-Z][\w'-]+)){0,2})",
    re.I,
)


def subject_follows(sentence: str, end: int) -> bool:
    """Whether the word right after a number names a subject ("two deaths", "three injured").

    Examples
    --------
    >>> subject_follows("causing two deaths", 11), subject_follows("two small towns", 3)
    (True, False)
    """
    start = end + 1 if sentence[end : end + 1] == " " else end
    other = _OTHER_WORD.match(sentence, start)  # "two other fatalities", "three more deaths"
    match = SUBJECT_RE.match(sentence, other.end() if other else start)
    return match is not None and match.lastgroup in ("killed", "injured", "displaced")


_OTHER_WORD = re.compile(r"(?:other|more|additional|further|new)\s+", re.I)


def _subject_after(sentence: str, start: int, end: int) -> re.Match[str] | None:
    """The first subject word after a figure, skipping a parenthesis right after it ("4.6
    million individuals (924,000 households) have been displaced") and stopping at a
    subordinate clause."""
    opening = sentence.find("(", start, end)
    closing = sentence.find(")", max(opening, end)) if opening >= 0 else -1
    spans = [(start, end)]
    if opening >= 0 and closing >= 0:
        # after the parenthesis, past commas ("33 families (172 persons) from the Manobo
        # community of sitio Barobuan, Barangay Carromata ... fled"), to the next number
        following = _DIGITS.search(sentence, closing + 1, closing + 1 + MAX_CLAUSE)
        spans = [(start, opening), (closing + 1, following.start() if following else closing + 200)]
    for low, high in spans:
        stop = _SUBORDINATE.search(sentence, low, high)
        match = SUBJECT_RE.search(sentence, low, stop.start() if stop else high)
        if match:
            return match
        if stop:
            return None
    return None


def _crosses_border(sentence: str, start: int, end: int) -> bool:
    from ..populations import iso3  # a country name is a border crossed (pycountry's names)

    found = [*_ABROAD.finditer(sentence, max(0, start - 2), end + 40)]
    found += _LEFT_COUNTRY.finditer(sentence, max(0, start - 2), min(end + 40, start + 60))
    for match in found:
        place = match.group("place")
        words = place.split()
        if any(iso3(" ".join(words[:n])) for n in range(len(words), 0, -1)):
            return True
    return False


def in_aside(sentence: str, previous_end: int, start: int) -> bool:
    """Whether a figure stands inside a parenthesis opened after the previous figure ("killed
    1,061 people (including almost 360 children)"): it qualifies that figure."""
    return sentence.rfind("(", previous_end, start) > sentence.rfind(")", previous_end, start)


# A projection or a plan: modal verbs, forecasts, and planning ("to assist 150,000 people",
# "another 75 planned"). "X estimates that 1.3 million people currently need" is a current
# estimate, not a projection: "estimates" alone is no cue.
_ESTIMATE = re.compile(
    r"\b(?:could|might|may|would|will|projected|projects?|projections?|expects?"
    r"|expected|forecasts?|predicts?|predicted|anticipates?|anticipated|scenario|planning figure"
    r"|set to|likely to|plans?|planned|planning|targets?|targeted|aims? to"
    r"|to (?:assist|reach|support|help|serve)"
    # "sources fear that up to five million people will leave": a feared outcome
    r"|fears?\s+that|feared\s+that"
    # "are estimated to face": a projection; "is estimated to have fled" is a count
    r"|(?:is|are)\s+estimated\s+to(?!\s+(?:have|be)\b))\b",
    re.I,
)
# "and more are expected": the projection is of others, not of the figure before it.
_MORE_EXPECTED = re.compile(
    r"\s*,?\s*(?:and|with)\s+(?:many\s+)?(?:more|others)\s+(?:are|were|is)?\s*"
    r"(?:expected|likely|feared|to follow)\b.*$",
    re.I,
)


def is_estimate(clause_text: str) -> bool:
    """A projection ("could", "might eventually", "estimates") rather than a count.

    "an estimated 500,000" is a count with an approximate qualifier, not a projection, and
    "in May" is the month, not the verb.
    """
    clause_text = _MORE_EXPECTED.sub("", clause_text)
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

#: Agencies by the names news gives them, each normalised to the short name a report groups
#: figures by ("the UN refugee agency" is UNHCR, "the Displacement Tracking Matrix" is IOM).
AGENCIES = {
    "UNHCR": r"UNHCR|(?:the\s+)?U\.?N\.?\s+refugee\s+agency|United\s+Nations\s+refugee\s+agency"
    r"|(?:Office\s+of\s+the\s+)?(?:United\s+Nations|UN)\s+High\s+Commissioner\s+for\s+Refugees",
    "IOM": r"IOM|DTM|(?:the\s+)?(?:UN\s+|United\s+Nations\s+)?International\s+Organi[sz]ation\s+for"
    r"\s+Migration|(?:the\s+)?U\.?N\.?\s+migration\s+agency|Displacement\s+Tracking\s+Matrix",
    "OCHA": r"OCHA|(?:UN\s+|United\s+Nations\s+)?Office\s+for\s+the\s+Coordination\s+of"
    r"\s+Humanitarian\s+Affairs|(?:the\s+)?U\.?N\.?\s+humanitarian\s+(?:office|agency)",
    "UNICEF": r"UNICEF|(?:the\s+)?U\.?N\.?\s+children's\s+(?:agency|fund)"
    r"|United\s+Nations\s+Children's\s+Fund",
    "WFP": r"WFP|World\s+Food\s+Programme|(?:the\s+)?U\.?N\.?\s+food\s+agency",
    "WHO": r"(?-i:WHO)|World\s+Health\s+Organi[sz]ation",
    "UNRWA": r"UNRWA",
    "ICRC": r"ICRC|International\s+Committee\s+of\s+the\s+Red\s+Cross",
    "IDMC": r"IDMC|Internal\s+Displacement\s+Monitoring\s+Centre",
    "EU": r"(?-i:EU)|European\s+Union|European\s+Commission",
}
_SAID = (
    r"(?:said|says|say|estimates?|estimated|reports?|reported|warns?|warned|expects?"
    r"|projects?|predicts?|predicted|projected|believes?|announced|stated|confirmed|counted"
    r"|recorded|noted|added|told|tallied|registered|identified|asserts?|asserted"
    r"|(?:were|was)\s+quoted(?:\s+as\s+saying)?)"
)
#: A capitalised word of a person's or a body's name ("Sani-Gwarzo", "O'Brien").
_NAME = r"(?-i:[A-Z][a-z]+(?:[-'\u2019][A-Z]?[a-z]+)?)"
#: Verbs of speaking that credit the speaker, in the past or present tense.
_SPOKE = r"said|says|stated|noted|told|added|warned|explained|announced|informs"
#: An abbreviation an agency goes by: "PRA", "IOM", "DoDMA", "GoN" (capitals, a lower-case
#: letter between two of them at most).
_ABBREVIATION = r"(?-i:[A-Z](?:[a-z]?[A-Z])+[A-Za-z]*)"
_ATTRIBUTIONS = (
    re.compile(
        r"(?:\b(?:according to(?:\s+(?:the\s+|an?\s+)?(?:latest\s+|new\s+|official\s+|initial\s+"
        r"|preliminary\s+)?(?:figures|data|estimates|statistics|numbers|reports?|statements?)"
        r"(?:\s+(?:released|published|compiled|issued|provided))?\s+(?:by|from|of))?|as per"
        # the passive: "identified by the authorities", "registered by the Government"
        r"|(?:cited|reported|identified|confirmed|registered|recorded|counted|verified) by|citing)"
        r"|,[\u201d\u2019\"']?\s*(?:said|says|stated|reported|added|noted|warned))\s+"
        r"(?:the\s+|a\s+|an\s+)?(?P<who>[A-Za-z][\w\u2019'&.-]*(?:\s[\w\u2019'&.-]+){0,7}?)"
        # The name ends at its abbreviation ("the Provincial Relief Authority (PRA), as of"),
        # which a report groups figures by, at a footnote mark ("Commission2 the toll"), or
        # at a comma, a verb or a preposition.
        rf"(?:\s*\((?P<abbr>{_ABBREVIATION})\)|(?-i:(?<=[a-z]))\d{{1,2}}(?=[\s,.;])"
        r"|(?=\s*[,.;]|\s+(?:said|on|in|at|who|that|as)\b|\s*$))",
        re.I,
    ),
    re.compile(rf"\b(?:the\s+)?(?P<who>{_ABBREVIATION})\)?\s+(?:\w+\s+)?{_SAID}\b", re.I),
    re.compile(
        # "rival northern administration", never "while authorities": a conjunction is no name
        r"\b(?:the\s+)?(?P<who>(?:(?!(?:while|and|but|as|when|whereas|although|that|which|who"
        r"|after|since|because)\s)[a-z\u2019']+\s){0,2}(?:officials?|governor|mayor|ministry"
        rf"|minister|authorities|police|spokesperson|spokesman|spokeswoman|president|government"
        rf"|agency|army|military|sources|air force|armed forces|navy|general staff|centre|center"
        rf"|department|directorate|commission|secretariat|administration|office|bureau"
        rf"|presidency|council|authority|institute|committee|network|broadcaster)"
        # "Officials in Goma", "the Government of the Republic of Armenia": a place or a remit
        r"(?:\s+(?:of|in|for)(?:\s+(?:the\s+)?(?:neighbou?ring\s+|northern\s+|southern\s+"
        r"|eastern\s+|western\s+)?(?-i:[A-Z])[\w\u00C0-\u017F'-]*|\s+and|\s+of){1,6})?)"
        # "has confirmed", "on Monday said", "early in the morning today confirmed"
        r"(?:\s+(?:on|this|last)\s+\w+)?(?:\s+(?:early|late|earlier|later))?"
        r"(?:\s+in\s+the\s+(?:morning|afternoon|evening))?(?:\s+(?:today|yesterday|tonight))?"
        r"(?:\s+(?:has|have|had))?(?:\s+(?:earlier|also|already|previously|now))?"
        rf"\s+{_SAID}\b",
        re.I,
    ),
    # A citation closing the sentence: "(Government of Nepal figures, 18 May)", "(OCHA 2022)".
    re.compile(
        r"\((?P<who>(?:"
        + "|".join(f"(?:{words})" for words in AGENCIES.values())
        + r")\b|Government\s+of\s+(?:the\s+)?(?-i:[A-Z])\w+(?:\s(?-i:[A-Z])\w+)?)[^()]*\)"
        r"(?=[\s.;]*$)",
        re.I,
    ),
    # A citation by name and date anywhere: "(IFRC 18/12/2021)", "(AP News 19/12/2021; ...)".
    re.compile(
        rf"\((?!(?i:{MONTHS})\b)"  # "(March 2022)" is a date, not a citation
        r"(?P<who>(?-i:[A-Z])[\w&.'-]*(?:\s+(?:of|the|for|and|(?-i:[A-Z])[\w&.'-]*)){0,5}?)"
        r"\s+(?:\d{1,2}/\d{1,2}/)?(?:19|20)\d\d(?:\s*;[^()]*)?\)"
    ),
    # A person who speaks, in the wires' ways: "Sezer stated", "Mustafa Ahmed, director of the
    # State Emergency Management Agency, said", "Paolo Emilio Raholinarivo, reported", "said
    # Nasir Sani-Gwarzo", "says Alhaji Abubakar Mariam".
    re.compile(
        # not a place after a preposition: "Officials in Goma told" credits the officials
        r"(?<![\w-])(?<!\bin )(?<!\bat )(?<!\bof )(?<!\bto )(?<!\bby )(?<!from )(?<!\bfor )"
        rf"(?P<who>{_NAME}(?:\s{_NAME}){{0,3}})(?:,\s(?-i:[a-z])[^,]{{2,100}}?,)?,?"
        rf"(?:\s+(?:on|this|last)\s+\w+)?\s+(?:{_SPOKE})\b"
        rf"|\b(?:said|says|told|added)\s+(?P<who2>{_NAME}(?:\s{_NAME}){{1,3}})"
    ),
    # A fact sheet's credit closing a line: "... Deaths Reported in Haiti GoH \u2013 August 2021".
    re.compile(
        r"\b(?P<who>(?-i:[A-Z][A-Za-z]{1,9}))\s+[\u2013\u2014-]\s+"
        rf"(?:{MONTHS})\.?\s+(?:19|20)\d\d\s*$",
        re.I | re.M,
    ),
    # A name opening the sentence that reports: "Honduras reports that", "AHA Centre says that".
    re.compile(
        r"^(?:the\s+)?(?P<who>(?-i:[A-Z])[\w'-]+(?:\s(?-i:[A-Z])[\w'-]+){0,3})"
        rf"(?:\s+(?:has|have))?\s+{_SAID}\s+that\b",
        re.I,
    ),
)

#: Any verb a rule of `_ATTRIBUTIONS` after the first needs (`_SAID` or `_SPOKE`).
_SAID_ANY = re.compile(rf"\b(?:{_SAID}|{_SPOKE})\b", re.I)
#: The rules that need such a verb, and those that need a bracket (citations), read from the
#: rules themselves so that a rule added or moved keeps its cue.
_NEEDS_SAID = {
    number
    for number, pattern in enumerate(_ATTRIBUTIONS)
    if number and (_SAID in pattern.pattern or _SPOKE in pattern.pattern)
}
_NEEDS_BRACKET = {
    number for number, pattern in enumerate(_ATTRIBUTIONS) if pattern.pattern.startswith(r"\(")
}

_AGENCY_RE = re.compile(
    "|".join(rf"(?P<{name}>\b(?:{words})\b)" for name, words in AGENCIES.items()), re.I
)
# A sentence that names an agency and credits someone ("according to the latest estimate
# from the United Nations High Commissioner for Refugees (UNHCR)", "stated the IOM").
_CREDITS_SOMEONE = re.compile(
    rf"\b(?:according\s+to|as\s+per|citing|cited\s+by|from|by|{_SAID})\b", re.I
)


def agency(who: str) -> str:
    """The short name of an agency named in `who`, else `who` as written.

    Examples
    --------
    >>> agency("the UN refugee agency"), agency("Displacement Tracking Matrix"), agency("mayor")
    ('UNHCR', 'IOM', 'mayor')
    """
    match = _AGENCY_RE.search(who)
    return match.lastgroup if match and match.lastgroup else who


# What may follow an attribution that closes a sentence (", the government announced on
# Tuesday."): a short time phrase, then the end.
_SENTENCE_END = re.compile(
    r"(?:\s+(?:on|this|last|late|early|in)\s+[\w ,]{1,30}?|\s+(?:monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday|today|yesterday))?[\s.!?\"'\u201d\u2019)]*$",
    re.I,
)


_NOT_NAMES = {
    "the", "a", "an", "it", "they", "he", "she", "we", "i", "this", "that", "there", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday",
    *MONTHS.split("|"),
}  # fmt: skip
_PREPOSITIONS = {"in", "on", "at", "to", "by", "for", "from", "with", "into", "during", "after"}
#: Words that make an attribution a kind of document ("official reports", "the latest
#: provisional toll"), which names no one a figure could be grouped by.
_DOCUMENTS = {
    "reports", "report", "toll", "estimations", "estimation", "estimates", "estimate",
    "figures", "data", "statistics", "assessments", "assessment", "tallies", "tally", "count",
    "counts", "accounts",
}  # fmt: skip

_QUALIFYING = {
    "more", "less", "fewer", "over", "nearly", "almost", "about", "around", "some", "at", "up",
    "approximately", "roughly", "an", "another", "a", "the",
}  # fmt: skip


@dataclass(frozen=True)
class Credit:
    """Someone a sentence credits with figures: who, where, and which rule found them."""

    start: int
    who_start: int
    rule: int
    trailing: bool
    who: str


def credits(sentence: str, numbers: list[Number] | None = None) -> list[Credit]:
    """Every attribution in a sentence, found once so that each figure's look-up is cheap.

    `numbers` are the sentence's numbers (`find_numbers`) when the caller has them: an
    attribution after the last of them credits every figure of the sentence."""
    found = []
    last_number = -1 if numbers is None else max((n.start for n in numbers), default=-1)
    said = _SAID_ANY.search(sentence) is not None
    bracket = "(" in sentence
    for number, pattern in enumerate(_ATTRIBUTIONS):
        # Each rule but the first needs a verb of saying or a bracket: a sentence without
        # the one skips the rules that need it (most sentences, at a fifth of the cost).
        if (number in _NEEDS_SAID and not said) or (number in _NEEDS_BRACKET and not bracket):
            continue
        for match in pattern.finditer(sentence):
            groups = match.groupdict()
            who = (groups.get("abbr") or groups.get("who") or groups.get("who2") or "").strip(" .,")
            if not who or who.lower() in _NOT_NAMES or who.split()[0].lower() in _PREPOSITIONS:
                continue  # ", reported in an SMS to AFP": where, not who
            if any(char.isdigit() for char in who) or who.split()[0].lower() in _QUALIFYING:
                continue  # ", reported more than 18,000": the figure, not who reported it
            if who.lower().startswith(("according to", "as per")):
                continue  # "according to official reports": not "official" reporting
            if who.islower() and _DOCUMENTS.intersection(who.split()):
                continue  # "according to media reports": a kind of document, not who wrote it
            if who.lower() in COUNTED:
                continue  # "1,200 IDPs were registered": the people counted
            # Closing the sentence, or after its last number ("Sezer stated while making a
            # presentation"): it credits every figure of the sentence.
            trailing = bool(_SENTENCE_END.fullmatch(sentence, match.end())) or (
                last_number < match.end()
                if numbers is not None
                else not find_numbers(sentence[match.end() :], limit=1)
            )
            where = match.start("who") if groups.get("who") else match.start("who2")
            found.append(Credit(match.start(), where, number, trailing, agency(who)))
    if _CREDITS_SOMEONE.search(sentence):
        named = {credit.who for credit in found}
        for match in _AGENCY_RE.finditer(sentence):
            if match.lastgroup and match.lastgroup not in named:
                # An agency named in a sentence that credits someone is credited with it all.
                rule = len(_ATTRIBUTIONS)
                found.append(Credit(match.start(), match.start(), rule, True, match.lastgroup))
                named.add(match.lastgroup)
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


# What a figure counts -----------------------------------------------------------------------

_FLOW = re.compile(
    r"\b(?:in\s+the\s+(?:past|last|previous)\s+(?:\w+\s+)?(?:hours?|days?|weeks?|months?|night)"
    r"|(?:on|over|during)\s+(?:\w+\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|weekend|day|night)\s+alone|alone\s+(?:on|in)\b|in\s+(?:a|one|24|48)\s+(?:single\s+)?(?:day|hours)"
    r"|per\s+day|a\s+day|each\s+day|every\s+day|daily|overnight|(?:this|last)\s+week\b"
    r"|within\s+(?:\w+\s+)?(?:hours|days?|a\s+week))",
    re.I,
)
_STOCK = re.compile(
    r"\b(?:currently|now\s+(?:host|hosting|living|sheltering|staying|in)|remain|remains|remaining"
    r"|are\s+(?:hosted|hosting|living|sheltering|staying|present)|live\s+in|living\s+in"
    r"|present\s+in|hosts|is\s+hosting|stock|are\s+now)\b",
    re.I,
)
_INTERNAL = re.compile(
    r"\b(?:internally|IDPs?|within\s+(?:the|their)\s+(?:country|borders)|inside\s+the\s+country)\b",
    re.I,
)


def counts(clause_text: str) -> str:
    """What a figure counts, from its clause: "flow" over a period, "stock" of people
    present, else "total" (a running total).

    Examples
    --------
    >>> counts("12,000 have fled in the past week"), counts("3,500 arrived on Monday alone")
    ('flow', 'flow')
    >>> counts("Chad currently hosts 600,000 refugees"), counts("500,000 have fled")
    ('stock', 'total')
    """
    if _FLOW.search(clause_text):
        return "flow"
    return "stock" if _STOCK.search(clause_text) else "total"


def scope(subject_: str, clause_text: str) -> str:
    """Whether a figure counts people abroad (refugees), inside the country ("internally
    displaced", IDPs), or does not say ("")."""
    if subject_ == "refugees":
        return "abroad"
    if _INTERNAL.search(clause_text):
        return "internal"
    return ""


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
    #: None: a date the text names but no report can carry (before 1677 or after 2262, the
    #: range of a pandas timestamp: "the siege of 12 March 1600", "3000000 days into").
    date: dt.date | None
    rule: str


def date_mentions(
    sentence: str, published: dt.date | None, event_start: dt.date | None
) -> list[DateMention]:
    """Every date expression in a sentence that can be resolved, with the rule that resolved it."""
    found = []
    for match in _DATES.finditer(sentence):
        resolved = _resolve(match, published, event_start)
        if resolved is not None:
            day, rule = resolved
            if (
                day is not None
                and rule != "since"
                and _SINCE.search(sentence, max(0, match.start() - 50), match.start())
            ):
                rule = "since"  # "since fighting began on 16 November": where a total runs from
            found.append(DateMention(match.start(), day, rule))
    return found


_SINCE = re.compile(r"\b(?:since|from)\b(?:\s+(?!\d)[\w'-]+){0,4}?\s*$", re.I)


def _resolve(
    match: re.Match[str], published: dt.date | None, event_start: dt.date | None
) -> tuple[dt.date | None, str] | None:
    """The date and rule of one date expression; the date None where it lies outside what a
    report can carry (`forecast.checks.FIRST_DAY` to `LAST_DAY`), so the figure beside it gets
    no date rather than the publication's."""
    try:
        resolved = _resolve_any(match, published, event_start)
    except OverflowError:  # "3000000 days into the war": past the year 9999
        return None, "out_of_range"
    if resolved is None:
        return None
    day, rule = resolved
    if not FIRST_DAY <= day <= LAST_DAY:
        return None, "out_of_range"
    return day, rule


def _resolve_any(
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
) -> tuple[dt.date | None, str, dt.date | None]:
    """The date a figure refers to, its rule, and the day a running total counts from.

    The date is the nearest date expression before the figure in its sentence, else the
    first after it, else the publication date. A running total "since" a day ("45,000 have
    crossed since 16 November") is a count as of publication, from that day.
    """
    before = [m for m in mentions if m.position <= position]
    chosen = before[-1] if before else (mentions[0] if mentions else None)
    if chosen is None:
        return published, "published" if published else "unknown", None
    if chosen.rule == "since":
        return published, "since", chosen.date
    if chosen.date is None:
        return None, chosen.rule, None
    return chosen.date, chosen.rule, None
