"""Thousands of mutated files: read_counts returns a frame or raises DataError, nothing else."""

import io
import json
import warnings

import pandas as pd
from hypothesis import HealthCheck, given, settings
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
def mutated(draw):
    name = draw(st.sampled_from(sorted(SEEDS)))
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
    return name, (text.encode("utf-8", "surrogatepass") if encode else text)


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


@settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.booleans())
def test_mutated_inputs_raise_only_data_error(case, say_format):
    name, content = case
    options = {"measure": "cumulative_crossings"} if name == "wide" else {}
    if say_format:
        options["format"] = name
    _read(content, **options)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_raise_only_data_error(content):
    _read(content)
    _read(content, format="unhcr_json")
