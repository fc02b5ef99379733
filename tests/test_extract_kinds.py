"""One test per kind of misreading found on real documents (the "figures from real documents"
issue): each sentence is written in the style of the real ones, and its expected figures were
written down by hand before the tool ran on it."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from forecast import extract_figures, model_inputs

PUBLISHED = "2025-12-01"


def _rows(text: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return extract_figures(text, published=PUBLISHED)


def _values(text: str) -> list[float]:
    return _rows(text)["value"].tolist()


@pytest.mark.parametrize(
    ("text", "values"),
    [
        # Hard-wrapped text: a single newline inside a paragraph is a space.
        ("UNHCR said more than 1.5\nmillion people have fled.", [1.5e6]),
        ("The EU said up to seven\nmillion people could flee.", [7e6]),
        # Units and scales.
        ("1½ million people have fled.", [1.5e6]),
        ("1.5 m people have fled and 2 mln people are displaced.", [1.5e6, 2e6]),
        ("15 lakh people were displaced and 1.5 crore affected.", [1.5e6, 1.5e7]),
        ("1'500'000 people have fled.", [1.5e6]),
        ("More than a half-million refugees have fled.", [5e5]),
        ("Six million and a half people have fled.", [6.5e6]),
        ("1 to 5 mln people could be displaced.", [3e6]),
        # Look-alikes that are no counts.
        ("Refugees formed a line 500m long at the border.", []),
        ("See bit.ly/3500000 for details.", []),
        ("Call 044 123 4567 for help.", []),
        ("A poll by Consultores 21 showed support for the plan.", []),
        ("Between November 11 and 20, 40,965 people fled.", [40_965]),
        ("Russia fired four ballistic missiles and two Kh-59 cruise missiles.", [4, 2]),
        ("One woman was injured and three staff members were evacuated.", [1, 3]),
    ],
)
def test_numbers_are_read_as_written(text, values):
    assert _values(text) == values


def test_a_run_on_text_is_never_cut_inside_a_number():
    for filler in range(60):
        for tail, value in (
            ("1 500 000 people fled", 1.5e6),
            ("1.5 million people fled", 1.5e6),
            ("between 10,000 and 20,000 people fled", 15_000),
        ):
            text = "word " * (199 - filler) + "x" * (filler % 5) + f" {tail} and " + "more " * 200
            assert _values(text) == [value], (filler, tail)


@pytest.mark.parametrize(
    ("text", "values", "rules"),
    [
        ("Displacement rose by 5,000 to 50,000 people.", [5_000, 50_000], ["change", "published"]),
        (
            "The number rose from about 10,000 to about 50,000 people.",
            [10_000, 50_000],
            ["earlier", "published"],
        ),
        (
            "Arrivals went from 20,000 to 45,000 refugees.",
            [20_000, 45_000],
            ["earlier", "published"],
        ),
        (
            "Arrivals climbed from 20,000 on Monday to 45,000 refugees on Friday.",
            [20_000, 45_000],
            ["earlier", "weekday"],
        ),
        ("The IOM reported a 2.3-million increase in displaced people.", [2.3e6], ["change"]),
    ],
)
def test_a_change_is_two_figures_the_later_one_current(text, values, rules):
    rows = _rows(text)
    assert rows["value"].tolist() == values
    assert rows["date_rule"].tolist() == rules
    assert rows["date"].isna().tolist() == [rule in ("earlier", "change") for rule in rules]


def test_from_x_to_y_keeps_both_figures_and_their_subject():
    rows = _rows("Displacement rose from 217,000 to 2.1 million people.")
    assert rows[["value", "subject"]].values.tolist() == [
        [217_000, "displaced"],
        [2.1e6, "displaced"],
    ]


@pytest.mark.parametrize(
    ("text", "subjects"),
    [
        ("4.6 million individuals (924,000 households) have been displaced.", ["displaced"] * 2),
        ("Registered refugees: Lebanon, 154,387; Jordan, 142,664.", ["refugees"] * 2),
        ("Between 10,000 and 20,000 people have fled to Chad.", ["refugees"]),
        ("Officials evacuated 60,000 residents since rockets began falling.", ["displaced"]),
        (
            "Russian forces killed 1,061 people (including almost 360 children), injured 1,575.",
            ["killed", "killed", "injured"],
        ),
        ("46,900 people had crossed since 16 November.", ["refugees"]),
    ],
)
def test_subjects_follow_the_figure_they_belong_to(text, subjects):
    assert _rows(text)["subject"].tolist() == subjects


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("The total could exceed 2 million refugees.", "more_than"),
        ("Arrivals topped 300,000 refugees.", "more_than"),
        ("A million or more people could flee.", "at_least"),
        ("An estimated population of 300,000 refugees live in camps.", "about"),
        ("A few hundred people crossed the border.", "vague"),
    ],
)
def test_qualifiers_written_as_verbs_and_vague_quantities(text, qualifier):
    assert _rows(text)["qualifier"].tolist() == [qualifier]


@pytest.mark.parametrize(
    ("text", "estimate"),
    [
        ("UNICEF estimates that 1.3 million people currently need assistance.", [False]),
        ("5,000 refugees crossed on Monday and more are expected.", [False]),
        ("The plan aims to assist 150,000 people.", [True]),
        ("Another 75 buses are planned for Friday to carry 3,000 evacuees.", [True, True]),
    ],
)
def test_current_estimates_are_counts_and_plans_are_flagged(text, estimate):
    assert _rows(text)["estimate"].tolist() == estimate


@pytest.mark.parametrize(
    ("text", "source"),
    [
        (
            "The UN International Organization for Migration (IOM) on Wednesday said 40,000 fled.",
            "IOM",
        ),
        (
            "According to the latest estimate from the United Nations High Commissioner for "
            "Refugees (UNHCR), 500,000 refugees have fled.",
            "UNHCR",
        ),
        ("500,000 people have fled, stated the IOM.", "IOM"),
        ("UNHCR initially predicted 4 million refugees.", "UNHCR"),
        ("The UN refugee agency said 30,000 refugees arrived.", "UNHCR"),
        ("The Displacement Tracking Matrix counted 12,000 displaced people.", "IOM"),
        (
            "The country's air force said on Thursday that 12 drones were shot down.",
            "country's air force",
        ),
    ],
)
def test_sources_and_their_aliases_are_named_as_one(text, source):
    assert _rows(text)["attributed_to"].tolist() == [source]


def test_a_running_total_since_a_day_is_a_count_as_of_publication():
    rows = _rows("More than 45,000 people have crossed since fighting began on 16 November.")
    assert rows["date"].tolist() == [pd.Timestamp(PUBLISHED)]
    assert rows["since"].tolist() == [pd.Timestamp("2025-11-16")]
    assert rows["counts"].tolist() == ["total"]


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("12,000 have fled in the past week.", "flow"),
        ("3,500 refugees arrived on Monday alone.", "flow"),
        ("Chad currently hosts 600,000 refugees.", "stock"),
        ("500,000 people have fled.", "total"),
    ],
)
def test_figures_say_what_they_count(text, counted):
    assert _rows(text)["counts"].tolist() == [counted]


def test_model_inputs_pair_a_count_and_a_ceiling_of_the_same_population():
    text = (
        "More than 45,000 people have crossed into Chad since fighting began on 16 November, "
        "UNHCR said. 12,000 have fled in the past week. An estimated 1.2 million people are "
        "now internally displaced. As many as 250,000 could flee to neighbouring countries, "
        "IOM warned."
    )
    inputs = model_inputs(_rows(text))
    assert inputs.ceiling is not None and inputs.ceiling.value == 250_000
    # Not the 1.2 million inside the country, nor the week's 12,000: the people who left.
    assert inputs.observation["value"].tolist() == [45_000]
    assert inputs.observation["measure"].tolist() == ["reported_refugees"]
    assert "internal displacement left aside" in inputs.note
