"""extract_figures: the seed article, a hand-written corpus with traps, and number round-trips."""

import math
import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import forecast

from .conftest import ROOT
from .extract_corpus import CASES, TRAPS

SEED = ROOT / "seeds" / "000_50cf7acfecf84717.txt"
PUBLISHED, EVENT_START = "2022-03-10", "2022-02-24"


@pytest.fixture(scope="module")
def seed():
    text = SEED.read_text(encoding="utf-8")
    return text, forecast.extract_figures(
        text, published="2022-02-28", event_start="2022-02-24", source=str(SEED)
    )


def _one(figures, **expected):
    rows = figures
    for column, value in expected.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, f"expected one row with {expected}, found:\n{figures}"
    return rows.iloc[0]


def test_seed_refugees_more_than_half_a_million_on_day_five(seed):
    _, figures = seed
    row = _one(figures, value=500_000)
    assert (row.qualifier, row.subject, row.unit) == ("more_than", "refugees", "people")
    assert row.date == pd.Timestamp("2022-02-28")
    assert not row.estimate


def test_seed_eu_upper_estimate_of_seven_million(seed):
    _, figures = seed
    row = _one(figures, value=7_000_000)
    assert (row.qualifier, row.subject, row.estimate, row.attributed_to) == (
        "up_to", "displaced", True, "EU",
    )  # fmt: skip
    assert row.high == 7_000_000


def test_seed_hundreds_of_thousands_fled_west_is_a_vague_range(seed):
    _, figures = seed
    row = _one(figures, text="Hundreds of thousands")
    assert (row.qualifier, row.subject) == ("vague", "displaced")
    assert (row.low, row.high) == (200_000, 999_999)
    assert row.low <= row.value <= row.high


def test_seed_casualties_with_their_weekdays(seed):
    _, figures = seed
    kharkiv = _one(figures, value=11)
    assert (kharkiv.qualifier, kharkiv.subject, kharkiv.unit) == ("at_least", "killed", "civilians")
    assert kharkiv.date == pd.Timestamp("2022-02-28")  # "on Monday", published Monday
    assert kharkiv.attributed_to == "regional governor"
    killed = _one(figures, value=102)
    assert (killed.qualifier, killed.subject) == ("at_least", "killed")
    # "Since Thursday, at least 102 civilians...": a running total as of publication, from
    # Thursday 24 February.
    assert (killed.date, killed.date_rule) == (pd.Timestamp("2022-02-28"), "since")
    assert killed.since == pd.Timestamp("2022-02-24")
    injured = _one(figures, value=304)
    assert injured.subject == "injured"
    assert injured.date == pd.Timestamp("2022-02-28")


def test_seed_missiles(seed):
    _, figures = seed
    row = _one(figures, value=350)
    assert (row.qualifier, row.subject, row.unit) == ("more_than", "strikes", "missiles")


def test_seed_holds_no_ordinals_years_or_durations(seed):
    text, figures = seed
    for phrase in ("fifth day", "Four days into", "World War 2", "second round",
                   "second-most-populated", "two small towns", "two countries"):  # fmt: skip
        start = text.index(phrase)
        overlapping = figures[(figures.start < start + len(phrase)) & (figures.end > start)]
        assert overlapping.empty, phrase
    assert len(figures) == 8


def test_seed_quotes_are_exact_spans_of_the_text(seed):
    text, figures = seed
    for row in figures.itertuples():
        assert row.quote in text
        assert text[row.start : row.end] == row.text
        assert row.source == str(SEED)


def test_seed_feeds_the_models_a_count_and_a_ceiling(seed):
    _, figures = seed
    inputs = forecast.model_inputs(figures, origin="Ukraine")
    observation = inputs.observation.iloc[0]
    assert (observation.value, observation.qualifier, observation.kind) == (
        500_000, "more_than", "cumulative",
    )  # fmt: skip
    assert observation.date == pd.Timestamp("2022-02-28")
    assert inputs.ceiling.value == 7_000_000
    assert inputs.ceiling.describe() == (
        "ceiling: EU upper estimate, 7.0 million, "
        "'might eventually displace up to seven million people'"
    )


def _matches(row, expected):
    for column, want in expected.items():
        got = row[column]
        if column in ("date", "since"):
            if got != pd.Timestamp(want):
                return False
        elif isinstance(want, float | int) and not isinstance(want, bool):
            if not (math.isclose(got, want, rel_tol=1e-6) if not math.isnan(got) else False):
                return False
        elif got != want:
            return False
    return True


def test_corpus_precision_and_recall_are_perfect():
    predicted = expected = matched = 0
    misses = []
    for sentence, rows in CASES:
        figures = forecast.extract_figures(sentence, published=PUBLISHED, event_start=EVENT_START)
        predicted += len(figures)
        expected += len(rows)
        unused = list(range(len(figures)))
        for want in rows:
            hit = next((i for i in unused if _matches(figures.iloc[i], want)), None)
            if hit is None:
                misses.append((sentence, want, figures.drop(columns=["quote", "source"])))
            else:
                unused.remove(hit)
                matched += 1
        misses.extend((sentence, "unexpected", figures.iloc[[i]]) for i in unused)
    for trap in TRAPS:
        figures = forecast.extract_figures(trap, published=PUBLISHED, event_start=EVENT_START)
        predicted += len(figures)
        if len(figures):
            misses.append((trap, "trap", figures))
    precision, recall = matched / predicted, matched / expected
    print(
        f"\nextraction corpus: {len(CASES)} sentences, {len(TRAPS)} traps, {expected} figures; "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )
    assert not misses, "\n\n".join(f"{s}\n{w}\n{f.to_string()}" for s, w, f in misses)
    assert (precision, recall) == (1.0, 1.0)
    assert len(CASES) >= 40 and len(TRAPS) >= 15


def test_held_out_corpus_scores_separately():
    """Sentences written after the rules were frozen (tests/extract_heldout.py), scored on
    value, qualifier and subject. The goal set before scoring, 0.85 each, was met for recall
    (0.875) and missed for precision (0.778: subjects the rules do not know, "lost their
    homes", "living in camps", "arrivals"; a capacity; "14 provinces", "12 annexes"). The rules
    are not tuned to these sentences, which would make them no longer held out: the floors
    below are that first score, so a change can only keep or improve it."""
    from .extract_heldout import HELDOUT, HELDOUT_TRAPS
    from .extract_heldout import PUBLISHED as HELD_PUBLISHED

    predicted = expected = matched = 0
    misses = []
    for sentence, rows in HELDOUT:
        figures = forecast.extract_figures(sentence, published=HELD_PUBLISHED)
        found = [(round(float(r.value)), r.qualifier, r.subject) for r in figures.itertuples()]
        predicted += len(found)
        expected += len(rows)
        for want in rows:
            if want in found:
                found.remove(want)
                matched += 1
            else:
                misses.append((sentence, want))
        misses.extend((sentence, f"unexpected {extra}") for extra in found)
    for trap in HELDOUT_TRAPS:
        figures = forecast.extract_figures(trap, published=HELD_PUBLISHED)
        predicted += len(figures)
        misses.extend((trap, f"trap gave {v}") for v in figures["value"])
    precision, recall = matched / predicted, matched / expected
    print(f"\nheld-out corpus: {len(HELDOUT)} sentences, {len(HELDOUT_TRAPS)} traps, "
          f"{expected} figures; precision {precision:.3f}, recall {recall:.3f}")  # fmt: skip
    for miss in misses:
        print("  miss:", *miss)
    assert precision >= 0.77 and recall >= 0.87, misses


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=10**12))
def test_integers_with_thousands_separators_round_trip(n):
    figures = forecast.extract_figures(f"Officials said {n:,} people had fled.")
    # Up to 10 billion (more than live on Earth is a misreading, never a figure).
    assert figures["value"].tolist() == ([float(n)] if n <= 1e10 else [])


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=999), st.sampled_from(["million", "m", "thousand"]))
def test_n_million_round_trips(n, scale):
    space = "" if scale == "m" else " "
    figures = forecast.extract_figures(f"More than {n}{space}{scale} refugees were recorded.")
    factor = 1e3 if scale == "thousand" else 1e6
    assert figures["value"].tolist() == [n * factor]


def test_text_is_data_never_markup():
    text = "<script>alert(1)</script> More than 5,000 people fled <b>Mariupol</b>."
    row = forecast.extract_figures(text).iloc[0]
    assert row.value == 5_000
    assert "<b>Mariupol</b>" in row.quote  # kept verbatim; escaping is the renderer's job


def test_percentages_only_when_asked():
    text = "Over 40 percent of the population has fled."
    assert forecast.extract_figures(text).empty
    row = forecast.extract_figures(text, percentages=True).iloc[0]
    assert (row.value, row.unit, row.qualifier) == (40, "percent", "more_than")


def test_bad_published_date_is_a_clear_error():
    with pytest.raises(
        forecast.DataError, match=r"published: .last week. is not a date written YYYY-MM-DD"
    ):
        forecast.extract_figures("5 people fled", published="last week")


@settings(max_examples=200, deadline=None)
@given(
    whole=st.integers(1, 999),
    tenths=st.integers(1, 9),
    style=st.sampled_from(["{w}.{t} million", "{w},{t} millions", "{w}.{t}m", "{w}.{t}million"]),
)
def test_a_decimal_before_a_scale_is_read_as_written(whole, tenths, style):
    # "20.6 million" once read as 2: the digits before the point were cut to the first one.
    text = f"Officials said {style.format(w=whole, t=tenths)} people have been displaced."
    figures = forecast.extract_figures(text, published="2024-01-10")
    assert figures["value"].tolist() == [pytest.approx((whole + tenths / 10) * 1e6)]


@settings(max_examples=200, deadline=None)
@given(value=st.integers(1_000_000, 999_999_999), style=st.sampled_from([",", ".", " "]))
def test_a_grouped_count_is_read_as_written(value, style):
    written = f"{value:,}".replace(",", style)
    figures = forecast.extract_figures(f"In all, {written} people fled.", published="2024-01-10")
    assert figures["value"].tolist() == [float(value)]


def test_a_date_no_report_can_carry_leaves_the_figure_undated():
    # "12 March 1600" and "3000000 days into" raised pandas' OutOfBoundsDatetime and Python's
    # OverflowError; the figure keeps no date rather than the publication's, which it is not.
    for text in (
        "During the siege of 12 March 1600, 5,000 people fled the city.",
        "3000000 days into the war, 200,000 people have fled to Poland.",
    ):
        rows = forecast.extract_figures(text, published="2022-03-01", event_start="2022-02-24")
        assert len(rows) == 1 and pd.isna(rows["date"].iloc[0]), text
        assert rows["date_rule"].iloc[0] == "out_of_range"


@pytest.mark.parametrize(
    ("key", "day"), [("published", "0001-01-01"), ("event_start", "9999-12-31")]
)
def test_a_publication_or_start_date_no_series_can_hold_is_refused(key, day):
    with pytest.raises(forecast.DataError, match=f"{key}: '{day}' is outside the dates"):
        forecast.extract_figures("More than 500,000 people have fled.", **{key: day})


@pytest.mark.parametrize(
    ("text", "values"),
    [
        # Written for this test in the style of IOM DTM "quick figures" (a real report of 21
        # April 2015 gave 45 "relocation" figures and 34 "people" for its sites).
        ("Field teams counted 8,400 displaced households in 37 collective sites.", [8_400]),
        ("22 of 60 assessed camps reported shortages of clean water.", []),
        ("The storm destroyed 1,900 homes and displaced 7,500 people.", [7_500]),
        ("Nearly 3,000 people were sheltering in 14 schools and two churches.", [3_000]),
        ("Of the 9,000 displaced families, 2,100 families live in 12 sites.", [9_000, 2_100]),
        # In the style of UN briefings on Haiti (real ones of 2022-2025 gave meals, incidents,
        # a share's base and a count of sites as people).
        ("WFP served more than 50,000 hot meals to some 9,000 people at three sites.", [9_000]),
        ("Partners recorded 15 incidents affecting aid convoys since March.", []),
        ("Nearly eight out of ten displaced people live with host families.", []),
        ("The number of these sites nearly doubled between March and April, from 119 to 228.", []),
    ],
)
def test_places_and_things_after_a_number_are_not_counts_of_people(text, values):
    rows = forecast.extract_figures(text, published="2024-09-12")
    assert rows["value"].tolist() == values


def test_displacements_counted_are_displaced():
    rows = forecast.extract_figures("Surveys found 113,000 displacements across the country.")
    assert rows["subject"].tolist() == ["displaced"]


@pytest.mark.parametrize(
    "text, subjects",
    [
        # In the style of flood and cyclone situation reports (a held-out real corpus of
        # 2026-12-03 carried "killed" from one figure of a list to the next, and read people in
        # evacuation centres as `other`).
        ("The floods left 37 people dead and more than 2 million affected.", ["killed", "other"]),
        ("Authorities said 9 people were dead and 14 missing.", ["killed", "other"]),
        ("Some 6,500 people were sheltered in evacuation centres overnight.", ["displaced"]),
        ("About 18,000 residents were forced to evacuate their homes.", ["displaced"]),
        ("Teams recorded 64,000 internal returnees in the province.", ["other"]),
        ("Landslides hit nine districts, displacing 12,000 people.", ["displaced"]),
        ("Fighting has uprooted 90,000 people in conflict-affected areas.", ["displaced"]),
    ],
)
def test_a_word_that_names_another_subject_stops_the_one_before(text, subjects):
    rows = forecast.extract_figures(text, published="2024-09-12")
    assert rows["subject"].tolist() == subjects


@pytest.mark.parametrize(
    "text, values",
    [
        ("Partners manage 212 IDP camps and 40 transit sites in the north.", []),
        ("The rains affected 11 of the country's 26 provinces.", []),
    ],
)
def test_a_modified_place_after_a_number_is_not_a_count_of_people(text, values):
    rows = forecast.extract_figures(text, published="2024-09-12")
    assert rows["value"].tolist() == values


def test_a_massacre_counts_the_killed_not_those_who_fled_it():
    text = "Families who fled described the massacre of at least 300 people in the town."
    assert forecast.extract_figures(text)["subject"].tolist() == ["killed"]


def test_a_small_number_in_words_before_a_subject_is_a_count():
    text = "The landslide blocked the road, causing three deaths and leaving two injured."
    rows = forecast.extract_figures(text)
    assert rows[["value", "subject"]].values.tolist() == [[3, "killed"], [2, "injured"]]


@pytest.mark.parametrize(
    "text, who",
    [
        # In the style of national disaster agencies' statements (a held-out real corpus of
        # 2026-12-03 missed each of these sources, and named a figure as one).
        ("According to the National Flood Emergency Operations Centre, 31 people died.",
         "National Flood Emergency Operations Centre"),
        ("According to figures released by the Provincial Disaster Department on Monday, "
         "20,000 people were displaced.", "Provincial Disaster Department"),
        ("The Civil Protection Directorate said that 4,100 people had fled.",
         "Civil Protection Directorate"),
        ("The national disaster office (NDMO) reports that 2,300 people were evacuated.", "NDMO"),
        ("Some 8,000 families were forced to flee, the government announced on Friday.",
         "government"),
    ],
)  # fmt: skip
def test_a_source_named_in_a_national_agencys_style_is_credited(text, who):
    assert forecast.extract_figures(text)["attributed_to"].tolist()[0] == who


def test_a_figure_after_reported_is_never_its_own_source():
    text = "The latest update from the district, shared on 3 May, reported more than 12,000 IDPs."
    rows = forecast.extract_figures(text, published="2024-05-06")
    assert rows["value"].tolist() == [12_000]
    assert not rows["attributed_to"].str.contains(r"\d").any()


@pytest.mark.parametrize(
    "text, who",
    [
        # In the style of national disaster agencies quoted by OCHA and ECHO (a second held-out
        # real corpus, of 2026-12-04, missed each of these sources or named a report as one).
        ("According to the Provincial Relief Authority (PRA), as of 3 May, 412 people died.",
         "PRA"),
        ("According to the Department of Civil Defence and Relief (DCDR) 9,200 people fled.",
         "DCDR"),
        ("According to estimates by the Flood Relief Commission2 the toll has reached 610 people.",
         "Flood Relief Commission"),
        ("The Ministry of Water and Sanitation asserts that 2 million people lack shelter.",
         "Ministry of Water and Sanitation"),
        ("Officials in Goma told reporters that 85 injured people had reached the hospital.",
         "Officials in Goma"),
        ("The region's rival northern administration said 700 bodies had been recovered.",
         "rival northern administration"),
        ("The toll has risen to 1,204 dead and 3,310 injured (Government of Malawi figures, "
         "12 March).", "Government of Malawi"),
        ("Over 240,000 people have been displaced since 2019 (IOM DTM Baseline, June 2021).",
         "IOM"),
    ],
)  # fmt: skip
def test_a_source_cited_by_abbreviation_footnote_place_or_parenthesis_is_credited(text, who):
    assert forecast.extract_figures(text)["attributed_to"].tolist()[0] == who


@pytest.mark.parametrize(
    "text",
    [
        "According to media reports, at least 12 people have died in the floods.",
        "According to official reports, 5,100 people are sheltering in schools.",
        "The storm killed 906 people, according to the latest provisional official toll.",
        "As of 3 May, 1,200 IDPs were registered arriving from the coast.",
    ],
)
def test_a_kind_of_document_or_the_people_counted_is_not_a_source(text):
    assert forecast.extract_figures(text, published="2024-05-06")["attributed_to"].tolist() == [""]


@pytest.mark.parametrize(
    "text, subjects",
    [
        # In the style of wire copy, UNHCR briefings and OCHA sitreps (the 2026-12-04 held-out
        # corpus read each of these as another subject).
        ("Strikes have killed 412 people and injured 1,120 since Monday.", ["killed", "injured"]),
        ("Up to 9,000 villagers fled the fighting and found refuge in Maltam.", ["refugees"]),
        ("Officials estimate 6,000 people have crossed the river border into Niger.",
         ["refugees"]),
        ("Rescuers said 310 bodies had been recovered from the river.", ["killed"]),
        ("The agency said 41,200 had taken shelter at relief camps.", ["displaced"]),
        ("Some 2 million people were left without shelter after the cyclone.", ["displaced"]),
        ("Nearly 85,000 people remain in 316 evacuation centres.", ["displaced"]),
        ("Of the 7,400 IDPs, this includes 310 unaccompanied children, 212 pregnant women and "
         "95 elderly people.", ["displaced", "displaced", "displaced", "displaced"]),
        ("Two people have died and three others have been injured.", ["killed", "injured"]),
    ],
)  # fmt: skip
def test_a_subject_named_the_way_field_reports_name_it(text, subjects):
    rows = forecast.extract_figures(text, published="2024-09-12")
    assert rows["subject"].tolist() == subjects


@pytest.mark.parametrize(
    "text, value, name",
    [
        ("Authorities said ca. 4.2 million people were affected.", 4_200_000, "about"),
        ("The mayor said the number of dead could reach 12,000.", 12_000, "up_to"),
    ],
)
def test_a_qualifier_written_as_an_abbreviation_or_a_verb_of_reaching(text, value, name):
    rows = forecast.extract_figures(text, published="2024-09-12")
    assert rows[["value", "qualifier"]].values.tolist() == [[value, name]]


def test_relief_items_are_not_people():
    text = "Partners distributed more than 140,000 relief items and 52,000 people got cash."
    assert forecast.extract_figures(text)["value"].tolist() == [52_000]


# Kinds from a third held-out real corpus (2026-12-04: Cyclone Idai, Typhoon Rai, hurricanes
# Eta and Iota, Somalia's drought, the Al Haouz earthquake, Kenya's floods, Sulawesi), each
# tested on sentences written in its style.


@pytest.mark.parametrize(
    "text, who",
    [
        ("The Government has registered more than 3,200 vulnerable people at the sites.",
         "Government"),
        ("Some 9,000 homes were identified by the authorities as destroyed, and 4,000 people "
         "displaced.", "authorities"),
        ("According to the National Emergency Management and Disaster Relief Agency (NEMDRA) "
         "data released on 3 May, over 210,000 people were affected.", "NEMDRA"),
        ("According to the initial reports of the Provincial Disaster Council (PDC), 41,000 "
         "people have been evacuated.", "PDC"),
        ("Over 52,000 people need shelter assistance (IFRC 04/11/2022).", "IFRC"),
        ("At least 96 people died as of 4 November (Reuters 05/11/2022; OCHA 06/11/2022).",
         "Reuters"),
        ("Some 150,000 people were affected (Government of the Gambia 02/08/2022).",
         "Government of the Gambia"),
        ("Malawi reports that more than 500,000 people have been affected.", "Malawi"),
        ("The Ministry of Health early in the morning today confirmed that 87 people had died.",
         "Ministry of Health"),
        ("The Government of the Republic of Moldova reported that some 45,000 people had "
         "crossed since Thursday.", "Government of the Republic of Moldova"),
    ],
)  # fmt: skip
def test_a_source_named_as_situation_reports_name_it_is_credited(text, who):
    assert (
        forecast.extract_figures(text, published="2022-12-01")["attributed_to"].tolist()[0] == who
    )


def test_a_date_in_brackets_is_not_a_citation():
    rows = forecast.extract_figures("Displacement peaked (March 2022) at 12,000 people.")
    assert rows["attributed_to"].tolist() == [""]


@pytest.mark.parametrize(
    "text, subjects",
    [
        # a figure restated in another unit takes the subject the restatement has
        ("About 12,300 families, or 61,500 people, were displaced by the floods.",
         ["displaced", "displaced"]),
        ("As many as 8,210 people from 1,642 households have been displaced across 9 counties.",
         ["displaced", "displaced"]),
        # where people stay says they are displaced
        ("Across the province 212 shelters are housing 15,400 people.", ["displaced"]),
        ("A total of 64 displacement sites are active, accommodating 9,870 people.",
         ["displaced"]),
        ("In Sindh, 18,200 people remain in official shelters.", ["displaced"]),
        ("Thousands of residents have taken refuge in evacuation centres in Legazpi.",
         ["displaced"]),
        ("The rains forced 8,000 households to flee their homes, seeking refuge in 95 camps.",
         ["displaced"]),
        ("Some 40,000 people fled their homes last month, the UN refugee agency said.",
         ["displaced"]),
        # lives lost, and a toll read past the numbers that count no one
        ("The storm has claimed 140 lives.", ["killed"]),
        ("The floods claimed the lives of 1312 people.", ["killed"]),
        ("The death toll rose by three in the last 48 hours to 412.", ["killed"]),
    ],
)  # fmt: skip
def test_a_subject_handed_on_or_named_by_where_people_stay(text, subjects):
    rows = forecast.extract_figures(text, published="2024-05-06")
    assert rows["subject"].tolist() == subjects


@pytest.mark.parametrize(
    "text, values",
    [
        ("Some 8,400 houses were destroyed (5,100) or damaged (3,300), the agency said.", []),
        ("Aid has reached 14 counties and 6 regencies so far.", []),
        ("The agency shipped 20,000 masks and 4,000 blankets to the coast.", []),
        ("A 6.2-magnitude earthquake struck on Sunday, and 7-magnitude aftershocks followed.", []),
        ("Nearly half of the under-5 population, some 300,000 children, is malnourished.",
         [300_000]),
        ("The number of camps has risen to 212 across the region.", []),
        ("Tana River (3,864 displaced), Homa Bay (2,046) and Busia (4,056) were worst hit.",
         [3_864, 2_046, 4_056]),
    ],
)  # fmt: skip
def test_houses_counties_goods_magnitudes_and_age_bands_are_not_people(text, values):
    assert forecast.extract_figures(text, published="2024-05-06")["value"].tolist() == values


def test_at_least_another_is_at_least():
    rows = forecast.extract_figures("At least another 310 people were injured.")
    assert rows["qualifier"].tolist() == ["at_least"]


def test_the_count_a_change_came_from_is_earlier_and_no_projection():
    rows = forecast.extract_figures(
        "Shelter populations have fallen to 8,100, down from 92,000 last week.",
        published="2020-11-25",
    )
    assert rows["subject"].tolist() == ["displaced", "displaced"]
    assert rows["date_rule"].tolist()[1] == "earlier"
    rows = forecast.extract_figures(
        "The number in need is expected to rise to 4 million from 2.5 million.",
        published="2022-08-12",
    )
    assert rows["estimate"].tolist() == [True, False]


@pytest.mark.parametrize(
    "text, estimate",
    [
        ("Some 2.1 million people are estimated to face severe hunger through June.", True),
        ("Some 30,000 people are estimated to have fled since Friday.", False),
    ],
)
def test_estimated_to_face_is_a_projection(text, estimate):
    rows = forecast.extract_figures(text, published="2022-03-01")
    assert rows["estimate"].tolist() == [estimate]


@pytest.mark.parametrize(
    "text, who, subject",
    [
        # Written in the style of a disaster agency's update quoted by the wires (a paragraph
        # on a cyclone read after the rules above were written).
        ("The Department of Disaster Relief of Zambia (DoDR) reports that 212 people have died.",
         "DoDR", "killed"),
        ("Strong winds forced over 61,000 people to move from their homes in the south.", "",
         "displaced"),
        ("The police said 14 people drowned, while authorities in neighbouring Benin reported "
         "9 deaths.", "authorities in neighbouring Benin", "killed"),
    ],
)  # fmt: skip
def test_a_mixed_case_abbreviation_a_move_from_home_and_a_neighbouring_authority(
    text, who, subject
):
    rows = forecast.extract_figures(text, published="2023-03-25")
    assert rows["attributed_to"].tolist()[-1] == who
    assert rows["subject"].tolist()[-1] == subject


# Kinds from a fourth held-out real corpus (2026-12-04, wire copy on Cyclone Amphan, Nigeria's
# 2022 floods, the Turkiye earthquakes, Cyclone Batsirai), tested on sentences in its style.


@pytest.mark.parametrize(
    "text, who",
    [
        ("Odisha chief minister Naveen Patnaik said the death toll stood at 31.", "Naveen Patnaik"),
        ("Some 1.2 million survivors stay in 270 tent cities, Kaya stated.", "Kaya"),
        ("Over 64,000 people got injured, agency head Emre Kaya stated while briefing the "
         "parliament.", "Emre Kaya"),
        ("\u201cThe number of people displaced was 1.1 million,\u201d Aisha Bello, director of the "
         "State Relief Agency, said.", "Aisha Bello"),
        ("\u201cOver 900,000 persons were displaced,\u201d said Musa Danjuma, permanent secretary "
         "of the ministry, in a statement.", "Musa Danjuma"),
        ("\u201cA total of 1.4 million people are affected,\u201d says Ibrahim Lawal, the head of "
         "the office.", "Ibrahim Lawal"),
        ("At least 9 people have died, police were quoted as saying by local media.", "police"),
        ("The National Office for Disaster Risk Management estimated on Monday that 21,000 "
         "people have been displaced.", "National Office for Disaster Risk Management"),
        ("At least 31 people died in Odisha, the state's Chief Minister Naveen Patnaik said "
         "Friday.", "Chief Minister Naveen Patnaik"),
    ],
)  # fmt: skip
def test_a_source_named_as_the_wires_name_it_is_credited(text, who):
    assert (
        forecast.extract_figures(text, published="2023-03-01")["attributed_to"].tolist()[0] == who
    )


@pytest.mark.parametrize(
    "text",
    [
        "Authorities in the two Nigerian states, already stretched, have evacuated 310,000 people.",
        "Five states recorded fatalities, with Kogi State recording the highest toll of 61.",
        "Officials in Lokoja said 12 people died.",
    ],
)
def test_a_place_or_a_count_is_not_a_speaker(text):
    # Guards: a speaker rule that took "states" for a verb or a place for a name reads these.
    who = forecast.extract_figures(text, published="2022-10-12")["attributed_to"].tolist()
    assert not any(name in ("Nigerian", "Five", "Lokoja") for name in who)


@pytest.mark.parametrize(
    "text, subjects",
    [
        ("Nearly 1.1 million people have been moved to safety in the coastal districts.",
         ["displaced"]),
        ("About 790,000 persons moved out of their locations after the dam released water.",
         ["displaced"]),
        ("The storm forced nearly 30,000 people to leave their homes, officials said.",
         ["displaced"]),
        ("Floods have caused over 90 deaths, displaced 41,000 people, and affected "
         "approximately 120,000 others.", ["killed", "displaced", "other"]),
        ("Records show 52 persons lost their lives and 310 others have suffered injury.",
         ["killed", "injured"]),
        ("Some 830,000 survivors are living in tents and containers.", ["displaced"]),
        ("The agency counted 212,000 evacuees, plus 48,000 who left their homes by their own "
         "means.", ["displaced", "displaced"]),
    ],
)  # fmt: skip
def test_a_subject_named_as_the_wires_name_it(text, subjects):
    rows = forecast.extract_figures(text, published="2023-03-01")
    assert rows["subject"].tolist() == subjects


@pytest.mark.parametrize(
    "text, values",
    [
        ("Two earthquakes of magnitudes 7.4 and 6.9 struck, with 4,120 aftershocks since.", []),
        ("The 6.1 magnitude tremor was felt in three provinces.", []),
        ("Three other fatalities were reported in the north.", [3]),
    ],
)
def test_magnitudes_and_aftershocks_are_not_people_but_other_fatalities_are(text, values):
    assert forecast.extract_figures(text, published="2023-03-01")["value"].tolist() == values


def test_thousands_separated_by_a_comma_and_a_space_are_read_as_one_number_and_said():
    text = "NEMA said on Monday 1,210, 445 people were displaced by the floods."
    with pytest.warns(forecast.DataWarning, match="1,210, 445"):
        rows = forecast.extract_figures(text, published="2023-01-23")
    assert rows["value"].tolist() == [1_210_445]


# Kinds from a fifth held-out real corpus (2026-12-04: a key-figure panel, DSWD DROMIC
# reports, NDCC bullets, displacement dashboards, a DTM dashboard, an IDMC table), tested on
# documents written in their styles.


def test_a_key_figure_panel_reads_each_number_with_the_label_under_it():
    text = "KEY FIGURES\n\n2.1 million\n\nPeople in Need\n\n0.318 million\n\nTotal number of IDPs\n"
    rows = forecast.extract_figures(text, published="2020-05-01")
    assert rows[["value", "subject"]].values.tolist() == [
        [2_100_000, "other"],
        [318_000, "displaced"],
    ]


def test_a_heading_names_the_subject_of_the_lines_under_it():
    text = (
        "Source: DSWD-FO X\n"
        "I. Status of Affected Families / Persons\n"
        "5,120 families or 25,600 persons were affected in 11 barangays.\n"
        "II. Status of Displaced Families / Persons\n"
        "a. Inside Evacuation Centers\n"
        "1,010 families or 5,050 persons are staying in 9 centres (see Table 2).\n"
        "b. Outside Evacuation Centers\n"
        "820 families or 4,100 persons are temporarily staying with their relatives.\n"
    )
    rows = forecast.extract_figures(text, published="2020-05-01")
    assert rows["subject"].tolist() == ["other"] * 2 + ["displaced"] * 4
    assert set(rows["attributed_to"]) == {"DSWD-FO X"}


def test_a_table_under_its_header_counts_what_the_header_names():
    text = (
        "Countries Number of IDPs\n"
        "Govt. figures UN figures Other figures Comments\n"
        "Armenia 8,400 8,399 (NRC, 2005)\n"
        "Chad 170,000 168,467 (OCHA, 4 June 2010)\n"
    )
    rows = forecast.extract_figures(text, published="2010-07-30")
    assert rows["subject"].tolist() == ["displaced"] * 4


def test_a_sentence_with_end_punctuation_is_no_heading():
    text = "Thousands fled the town.\nAbout 300 people are in the school."
    rows = forecast.extract_figures(text, published="2020-05-01")
    assert rows.set_index("value").loc[300, "subject"] == "other"


@pytest.mark.parametrize(
    "text, subjects, qualifiers",
    [
        ("A total of 1,210 families / 6,050 persons were displaced in those provinces.",
         ["displaced", "displaced"], ["exact", "exact"]),
        ("The number likely to be affected may reach up to 2,200 families/11,000 persons.",
         ["other", "other"], ["up_to", "up_to"]),
        ("Although the count of IDPs in Jolo is only 410 families/2,050 persons, the number "
         "likely to be affected is higher.", ["displaced", "displaced"], ["exact", "exact"]),
        ("About 41 families (estimated 205 persons) from sitio Lumot, Barangay Tuan in the town "
         "of Magsaysay fled their homes on 2 May.", ["displaced", "displaced"], ["about", "about"]),
        ("3,210 families or 16,050 persons took temporary shelter in 12 evacuation centers.",
         ["displaced", "displaced"], ["exact", "exact"]),
        ("Some 21,400 people (48%) were living with host families.", ["displaced"], ["about"]),
    ],
)  # fmt: skip
def test_a_figure_restated_by_a_slash_and_where_the_displaced_stay(text, subjects, qualifiers):
    rows = forecast.extract_figures(text, published="2016-03-31")
    assert rows["subject"].tolist() == subjects
    assert rows["qualifier"].tolist() == qualifiers


def test_occupied_territories_are_not_people():
    text = "Some 586,000 were displaced from the region and the 7 occupied territories."
    assert forecast.extract_figures(text)["value"].tolist() == [586_000]


@pytest.mark.parametrize(
    "text, values",
    [("Key figures\n0.5 million\n", [500_000]), ("0.5 million\n\n\n", [500_000]), ("3\n", [3])],
)
def test_a_number_alone_on_the_last_line_is_read(text, values):
    # a panel's last number has no label under it: read as it stands, not an index error
    assert forecast.extract_figures(text)["value"].tolist() == values


def test_an_attribution_before_a_number_in_words_does_not_close_the_sentence():
    # "the EU estimates ... up to seven million": the EU said the seven million, not the
    # hundreds of thousands before it (a number in words is still a number after it)
    text = (
        "Hundreds of thousands of people have fled west, which even the EU estimates might "
        "eventually displace up to seven million people."
    )
    rows = forecast.extract_figures(text, published="2022-02-28")
    assert rows["attributed_to"].tolist() == ["", "EU"]


def test_a_vague_number_alone_on_a_line_is_a_figure_not_a_heading():
    rows = forecast.extract_figures("The talks ended.\nHundreds", published="2022-03-01")
    assert rows["qualifier"].tolist() == ["vague"]


def test_the_rows_of_a_table_pasted_as_text_are_not_one_wrapped_sentence():
    # rows of 50 characters or more used to run on as hard-wrapped prose, and a 1,000-character
    # piece kept only 25 of their figures
    row = "| Poland | 1,234,567 | 2022-03-01 | 45,000 | UNHCR |\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "more than 25 figures" warning
        rows = forecast.extract_figures(row * 40)
    assert len(rows) == 80


@pytest.mark.parametrize(
    "text, estimates, who",
    [
        ("Some 5,000 people have fled and the UN says up to 50,000 could follow.",
         [False, True], ["", "UN"]),
        ("About 12,000 people have been displaced and the agency expects the number may reach "
         "40,000.", [False, True], ["", "agency"]),
        # "and" joining two figures of one clause is no break
        ("Strikes have killed 412 people and injured 1,120 since Monday.", [False, False],
         ["", ""]),
    ],
)  # fmt: skip
def test_a_clause_joined_by_and_keeps_its_modal_and_its_speaker(text, estimates, who):
    # the count before "and the UN says ... could" is a count, and the latest one
    rows = forecast.extract_figures(text, published="2024-01-01")
    assert rows["estimate"].tolist() == estimates
    assert rows["attributed_to"].tolist() == who
    if estimates[0] is False and rows["subject"].iloc[0] == "displaced":
        assert forecast.model_inputs(rows).observation["value"].tolist() == [rows["value"][0]]


# Kinds from a sixth held-out real corpus (2026-12-04: USAID fact sheets on Haiti 2021, wire
# copy on Kerala's floods 2018, Fiji's Cyclone Winston 2016), tested in its style.


def test_a_fact_sheet_panel_credits_its_sources_and_counts_no_houses():
    text = (
        "SITUATION AT A GLANCE\n\n"
        "1,412 Earthquake-Related Deaths Reported in Ecuador GoE \u2013 April 2016\n\n"
        "84,100 Estimated Number of Houses Damaged or Destroyed UN \u2013 April 2016\n\n"
        "720,000 People Requiring Humanitarian Assistance UN \u2013 May 2016"
    )
    rows = forecast.extract_figures(text, published="2016-05-02")
    assert rows[["value", "subject", "attributed_to"]].values.tolist() == [
        [1412, "killed", "GoE"],
        [720_000, "other", "UN"],
    ]


@pytest.mark.parametrize(
    "text, values, subjects",
    [
        ("The quake results in 310 deaths and injures at least 2,100 people.", [310, 2100],
         ["killed", "injured"]),
        ("A total of 412,000 people were recorded in about 1,900 relief camps.", [412_000],
         ["displaced"]),
        ("The floods forced more than 90,000 into relief camps, officials said.", [90_000],
         ["displaced"]),
        ("The agency counted 4,120 structures destroyed and 9,870 damaged.", [], []),
        ("OCHA said 230 houses were destroyed and 75 others damaged on the island.", [], []),
        ("Navy crews conducted 214 missions and flew 96 patients to Suva.", [96], ["other"]),
        ("The government sent aid worth 250,000 US dollars.", [], []),
    ],
)  # fmt: skip
def test_injures_camps_after_about_and_more_of_the_same_things(text, values, subjects):
    rows = forecast.extract_figures(text, published="2018-08-21")
    assert rows["value"].tolist() == values
    assert rows["subject"].tolist() == subjects


@pytest.mark.parametrize(
    "text, who",
    [
        (
            "Kerala's chief minister had earlier said 1.1 million people had taken shelter in "
            "camps.",
            "Kerala's chief minister",
        ),
        ("Four people were still missing at sea, the broadcaster said.", "broadcaster"),
    ],
)
def test_an_adverb_after_the_auxiliary_and_a_broadcaster(text, who):
    rows = forecast.extract_figures(text, published="2018-08-21")
    assert rows["attributed_to"].tolist() == [who]


def test_a_markdown_table_counts_in_each_column_what_its_header_names():
    text = (
        "| Location | IDPs | Returnees | Affected people |\n"
        "|---|---|---|---|\n"
        "| Kirundo | 1,200 | 340 | 5,600 |\n"
        "| Ngozi | 900 | 120 | 2,300 |\n"
    )
    rows = forecast.extract_figures(text, published="2021-06-30")
    assert rows["subject"].tolist() == ["displaced", "other", "other"] * 2


def test_a_table_without_a_header_rule_keeps_its_first_row():
    row = "| Poland | 1,234,567 | 2022-03-01 | 45,000 | UNHCR |\n"
    assert len(forecast.extract_figures(row * 3)) == 6


def test_pdi_the_acronym_of_bilingual_reports_is_displaced():
    rows = forecast.extract_figures("Some 1,500 PDI arrived in Bubanza on Monday.")
    assert rows["subject"].tolist() == ["displaced"]


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        # Leaving a country by name crosses its border; leaving a city does not.
        ("Some 40,000 people have fled Syria since January.", "refugees"),
        ("Nearly 7,000 people have left Sudan for Chad.", "refugees"),
        ("About 20,000 people have left Kharkiv since Monday.", "displaced"),
        ("More than 3,000 residents left Mariupol on Tuesday, officials said.", "displaced"),
        # A figure with no word for what happened to it stays unnamed.
        ("At least 2,000 people left on Monday.", "other"),
    ],
)
def test_leaving_a_named_place_is_displacement_and_a_country_a_border(text, subject):
    (row,) = forecast.extract_figures(text).itertuples()
    assert row.subject == subject


def test_a_feared_figure_past_an_apposition_is_a_projection_of_people_leaving():
    # In the style of a wire story of 27 February 2022: the upper estimate of the paragraph,
    # read as "other" and as a count while the apposition stood between it and its verb.
    text = (
        "Government sources fear that up to five million people, nearly a tenth of the "
        "population, will leave Ukraine because of the attack."
    )
    (row,) = forecast.extract_figures(text).itertuples()
    assert (row.value, row.qualifier, row.subject, row.estimate) == (5e6, "up_to", "refugees", True)


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        # In the style of UNHCR's Syria notes of 2012-13: refuge inside the country, in
        # buildings, is displacement; refuge in another country is refuge abroad.
        ("Some 7,200 people are sheltering, seeking refuge in 45 schools in Aleppo.", "displaced"),
        ("About 9,000 people have sought refuge in mosques and public buildings.", "displaced"),
        ("Some 7,200 people have sought refuge in Chad.", "refugees"),
        # "registered as" counts; "as" opens no clause there.
        ("There were 612,134 people registered as refugees or assisted as such.", "refugees"),
        ("About 3,000 people fled as the fighting spread.", "displaced"),
    ],
)
def test_where_refuge_was_taken_and_what_people_were_registered_as(text, subject):
    (row,) = forecast.extract_figures(text).itertuples()
    assert row.subject == subject


def test_administrative_areas_are_places_not_people():
    # In the style of IOM DTM Libya's round reports: the IDPs are the figure; the muhallas
    # and baladiyas they were found in are not ("661 muhallas" was read as 661 displaced).
    rows = forecast.extract_figures(
        "During Round 9, DTM identified 301,000 IDPs across 650 muhallas and 98 baladiyas."
    )
    assert rows[["value", "subject"]].values.tolist() == [[301_000.0, "displaced"]]


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("In September an average of about 12,000 people arrived daily.", "refugees"),
        ("The collective centres assessed house 1,700 individuals (340 households).", "displaced"),
    ],
)
def test_daily_arrivals_and_collective_centres(text, subject):
    assert forecast.extract_figures(text)["subject"].iloc[0] == subject
