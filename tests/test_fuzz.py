"""Thousands of generated inputs: read_counts returns a frame or raises DataError, nothing else,
within a time budget per input (hypothesis' deadline); extraction gives the right value or none.
"""

import io
import json
import warnings
from datetime import timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import forecast

TIDY = (
    "date,origin,destination,value,measure,source,as_of\n"
    "2022-03-01,Ukraine,Poland,100,cumulative_crossings,UNHCR,2022-03-02T10:00:00+00:00\n"
    '2022-03-02,Ukraine,Poland,250,cumulative_crossings,"UNHCR, portal",2022-03-03T10:00:00Z\n'
    "2022-03,Ukraine,Hungary,40,daily_arrivals,UNHCR,2022-04-01\n"
)
WIDE = "date,Poland,Hungary\n2022-03-01,100,50\n2022-03-02,,60\n2022-03-03,180,70\n"
HXL = (
    "Date,Country,Refugees,Source\n"
    "#date,#country+name,#affected+refugees,#meta+source\n"
    "2022-03-01,Poland,1000,UNHCR\n2022-03-02,Poland,2000,UNHCR\n"
)
ODP = json.dumps(
    {
        "data": {
            "timeseries": [
                {"data_date": "2022-02-24", "individuals": 79209},
                {"data_date": "2022-02-25", "individuals": "100000"},
            ]
        }
    },
    indent=1,
)
SEEDS = {"tidy": TIDY, "wide": WIDE, "hxl": HXL, "unhcr_json": ODP}
ALPHABET = st.sampled_from([*',"\n\r#-.:{}[]0123456789eE+ -nainf\x00\t;Tz', "\u00e9", "\ufeff"])


@st.composite
def mutated(draw, name):
    text = SEEDS[name]
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(text)))
        operation = draw(st.sampled_from(["insert", "delete", "replace", "truncate", "dup_line"]))
        if operation == "insert":
            text = text[:position] + draw(st.text(ALPHABET, max_size=4)) + text[position:]
        elif operation == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 8)) :]
        elif operation == "replace":
            text = text[:position] + draw(ALPHABET) + text[position + 1 :]
        elif operation == "truncate":
            text = text[:position]
        else:
            lines = text.splitlines(keepends=True)
            if lines:
                index = draw(st.integers(0, len(lines) - 1))
                lines.insert(index, lines[index])
            text = "".join(lines)
    encode = draw(st.booleans())
    return text.encode("utf-8", "surrogatepass") if encode else text


def _read(content, **options):
    buffer = io.BytesIO(content) if isinstance(content, bytes) else io.StringIO(content)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", forecast.DataWarning)
        try:
            counts = forecast.read_counts(buffer, **options)
        except forecast.DataError as err:
            assert str(err)
            return None
    assert list(counts.columns[:7]) == list(forecast.data.SCHEMA)
    assert counts["value"].ge(0).all() and counts["date"].notna().all()
    assert pd.api.types.is_float_dtype(counts["value"])
    return counts


#: Time budget per generated input: a reader that goes quadratic or hangs fails here.
BUDGET = timedelta(seconds=2)


@pytest.mark.parametrize("name", sorted(SEEDS))
@settings(max_examples=1000, deadline=BUDGET, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), say_format=st.booleans())
def test_mutated_inputs_raise_only_data_error(name, data, say_format):
    content = data.draw(mutated(name))
    options = {"measure": "cumulative_crossings"} if name == "wide" else {}
    if say_format:
        options["format"] = name
    _read(content, **options)


@settings(max_examples=1000, deadline=BUDGET)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_raise_only_data_error(content):
    _read(content)
    _read(content, format="unhcr_json")


# Extraction: 500 generated sentences, each number written one of the ways the world writes it.

_STYLES = {
    "english": lambda n: f"{n:,}",
    "spaces": lambda n: f"{n:,}".replace(",", " "),
    "narrow spaces": lambda n: f"{n:,}".replace(",", "\u202f"),
    "points": lambda n: f"{n:,}".replace(",", "."),
    "plain": lambda n: str(n),
    "arabic-indic": lambda n: f"{n:,}".translate(
        str.maketrans(
            "0123456789,", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u066c"
        )
    ),
}
_FRAMES = (
    "More than {} people have fled to neighbouring countries.",
    "Officials said {} refugees had crossed the border by Tuesday.",
    "According to UNHCR, {} people were displaced in March 2022.",
    "The agency counted {} people at https://example.org/reports/2022/9999/ today.",
    "Some {} civilians left their homes, the governor said at 10:30.",
)


@settings(max_examples=500, deadline=BUDGET)
@given(
    n=st.integers(min_value=1_000, max_value=9_999_999_999),
    style=st.sampled_from(sorted(_STYLES)),
    frame=st.sampled_from(_FRAMES),
    noise=st.text(
        alphabet=st.sampled_from(list("abc ,.;:-()/'\"0123456789%$\u00e9\n")), max_size=60
    ),
)
# Found by this test on 2026-12-03: "000 000 000" was masked as a phone number starting with 0.
@example(n=3_000_000_000, style="spaces", frame=_FRAMES[0], noise="")
@example(n=1_000_000_000, style="narrow spaces", frame=_FRAMES[1], noise="")
def test_generated_sentences_give_the_right_value_or_none(n, style, frame, noise):
    text = noise + " " + frame.format(_STYLES[style](n))
    rows = forecast.extract_figures(text, published="2022-03-05")
    # The figure of the frame is found with its value; noise may add figures of its own, but
    # nothing else in the frame (a URL, a date, a time) is a figure.
    framed = rows[rows["start"] > len(noise)]
    assert framed["value"].tolist() == [float(n)], (text, framed["value"].tolist())
