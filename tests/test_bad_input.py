"""Every class of bad input raises DataError naming the file, line, column and value."""

import io

import pytest

import forecast

HEADER = "date,origin,destination,value,measure,source\n"
GOOD = "2022-03-01,Ukraine,Poland,100,cumulative_crossings,UNHCR\n"


def _error(write, body, **options):
    path = write(HEADER + GOOD + body)
    with pytest.raises(forecast.DataError) as caught:
        forecast.read_counts(path, **options)
    err = caught.value
    assert str(path) in str(err), "the message names the file"
    return err


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("2022-13-01", "not a calendar date"),
        ("2022-02-30", "not a calendar date"),  # impossible date
        ("01/03/2022", "not a calendar date"),
        ("yesterday", "not a calendar date"),
        ("1850-01-01", "implausible date"),
        ("", "not a calendar date"),
    ],
)
def test_bad_dates_are_named_with_line_and_column(write, cell, problem):
    err = _error(write, f"{cell},Ukraine,Poland,200,cumulative_crossings,UNHCR\n")
    assert (err.line, err.column, err.value) == (3, "date", cell)
    assert problem in str(err)
    assert "expected YYYY-MM-DD" in str(err) or "expected a year" in str(err)


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("lots", "not a number"),
        ("-5", "negative count"),
        ("inf", "not finite"),
        ("nan", "not finite"),
        ("1e999", "not finite"),
        ("", "missing value"),
    ],
)
def test_bad_values_are_named_with_line_and_column(write, cell, problem):
    err = _error(write, f"2022-03-02,Ukraine,Poland,{cell},cumulative_crossings,UNHCR\n")
    assert (err.line, err.column, err.value) == (3, "value", cell)
    assert problem in str(err)


def test_duplicate_key_with_a_different_value_names_both_lines(write):
    err = _error(write, "2022-03-01,Ukraine,Poland,150,cumulative_crossings,UNHCR\n")
    assert err.line == 3
    assert "line 2" in str(err) and "100" in str(err) and "150" in str(err)


def test_exact_duplicate_rows_are_kept_once(write):
    path = write(HEADER + GOOD + GOOD)
    assert len(forecast.read_counts(path)) == 1


def test_unknown_kind_in_a_kind_column(write):
    path = write("date,measure,kind,value\n2022-03-01,crossings,cumulativ,5\n")
    with pytest.raises(forecast.DataError) as caught:
        forecast.read_counts(path)
    assert (caught.value.line, caught.value.column, caught.value.value) == (2, "kind", "cumulativ")


def test_measure_whose_kind_cannot_be_told_asks_for_kind(write):
    path = write("date,measure,value\n2022-03-01,people,5\n")
    with pytest.raises(forecast.DataError, match="pass kind=") as caught:
        forecast.read_counts(path)
    assert caught.value.column == "measure"
    assert len(forecast.read_counts(path, kind="stock")) == 1
    assert forecast.read_counts(path, kind={"people": "flow"})["kind"].tolist() == ["flow"]


def test_empty_file(write):
    with pytest.raises(forecast.DataError, match="empty"):
        forecast.read_counts(write(""))
    with pytest.raises(forecast.DataError, match="empty"):
        forecast.read_counts(write("\n  \n"))


def test_header_without_rows(write):
    with pytest.raises(forecast.DataError, match="no data rows"):
        forecast.read_counts(write(HEADER))


def test_missing_required_column(write):
    with pytest.raises(forecast.DataError, match="missing column"):
        forecast.read_counts(write("date,measure,amount\n2022-03-01,daily_x,5\n"), format="tidy")


def test_duplicate_header_column(write):
    with pytest.raises(forecast.DataError, match="appears twice") as caught:
        forecast.read_counts(write("date,measure,value,value\n2022-03-01,daily_x,5,6\n"))
    assert caught.value.column == "value"


def test_wrong_encoding_names_the_line(write):
    body = (HEADER + GOOD).encode() + "2022-03-02,Côte d'Ivoire,Poland,5,daily_x,s\n".encode(
        "latin-1"
    )
    with pytest.raises(forecast.DataError, match="not valid utf-8") as caught:
        forecast.read_counts(write(body))
    assert caught.value.line == 3
    assert (
        forecast.read_counts(write(body), encoding="latin-1")["origin"].str.contains("Côte").any()
    )


def test_binary_file_is_refused(write):
    with pytest.raises(forecast.DataError, match="not a text file"):
        forecast.read_counts(write(b"date,value\n\x00\x01\x02"))


def test_utf16_text_is_read_when_its_encoding_is_given(write):
    # Every other byte of UTF-16 is NUL: the binary check refused it even with the encoding
    # named. A NUL character in the decoded text is still refused.
    body = HEADER + GOOD + "2022-03-02,Ukraine,Poland,9,cumulative_crossings,UNHCR\n"
    counts = forecast.read_counts(write(body.encode("utf-16")), encoding="utf-16")
    assert counts["value"].tolist() == [
        *forecast.read_counts(write(HEADER + GOOD))["value"].tolist(),
        9.0,
    ]
    with pytest.raises(forecast.DataError, match="line 2: a NUL character") as caught:
        forecast.read_counts(write((HEADER + "\x00" + GOOD).encode("utf-16")), encoding="utf-16")
    assert caught.value.line == 2


def test_a_json_count_of_thousands_of_digits_is_refused_naming_its_line(write):
    # Python refuses to convert an integer of more than 4,300 digits (ValueError from inside
    # the JSON parser, which every live run hit again).
    body = (
        '{"data": {"timeseries": [{"data_date": "2022-03-01", "individuals": 5},\n'
        '{"data_date": "2022-03-02", "individuals": ' + "9" * 5000 + "}]}}"
    )
    with pytest.raises(forecast.DataError, match=r"individuals.*not finite") as caught:
        forecast.read_counts(write(body, "portal.json"))
    assert caught.value.line == 2


def test_ragged_row_names_its_line(write):
    err = _error(write, "2022-03-02,Ukraine,Poland,5,cumulative_crossings,UNHCR,extra\n")
    assert err.line == 3
    assert "well-formed CSV" in str(err)


def test_line_numbers_count_physical_lines_across_quoted_newlines(write):
    body = (
        '2022-03-02,Ukraine,Poland,150,cumulative_crossings,"UNHCR\nsecond line of a note"\n'
        "2022-03-03,Ukraine,Poland,oops,cumulative_crossings,UNHCR\n"
    )
    err = _error(write, body)
    assert err.line == 5


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(forecast.DataError, match="cannot read input"):
        forecast.read_counts(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    "text",
    [
        "{",
        '{"data": {"timeseries": {}}}',
        "[1, 2]",
        '{"data": {"timeseries": [1]}}',
        '{"data": {"timeseries": [{"data_date": "2022-02-30", "individuals": 1}]}}',
        '{"data": {"timeseries": [{"data_date": "2022-02-01", "individuals": -1}]}}',
        '{"data": {"timeseries": [{"data_date": "2022-02-01", "individuals": true}]}}',
    ],
)
def test_malformed_portal_json(write, text):
    with pytest.raises(forecast.DataError) as caught:
        forecast.read_counts(write(text, "odp.json"))
    assert "odp.json" in str(caught.value)
    assert caught.value.line is not None


def test_unknown_kind_given_by_the_caller(write):
    path = write("date,measure,value\n2022-03-01,people,5\n")
    with pytest.raises(forecast.DataError, match="unknown kind") as caught:
        forecast.read_counts(path, kind="cumulativ")
    assert caught.value.value == "cumulativ"


def test_rows_longer_than_a_short_header_are_refused_not_truncated(write):
    path = write("date,value\n2022-03-01,5,daily_x\n")
    with pytest.raises(forecast.DataError, match="well-formed CSV") as caught:
        forecast.read_counts(path, measure="daily_x")
    assert caught.value.line == 2


def test_negative_value_in_a_large_numeric_column_shows_the_cell_as_written(write):
    rows = "".join(f"2022-03-{d:02d},Ukraine,Poland,{d},daily_x,s\n" for d in range(2, 29))
    err = _error(write, rows + "2022-03-29,Ukraine,Poland,-7.50,daily_x,s\n")
    assert (err.line, err.value) == (30, "-7.50")


def test_a_new_name_whose_values_run_like_a_total_is_refused_not_guessed():
    rows = [(1, 73000), (5, 123000), (10, 294000), (15, 391000), (20, 429000)]
    csv = "date,origin,destination,measure,value,source\n" + "".join(
        f"2017-09-{d:02d},Myanmar,Bangladesh,new_arrivals_since_25_august,{v},x\n" for d, v in rows
    )
    with pytest.raises(
        forecast.DataError, match=r"new_arrivals_since_25_august.*never fall.*kind="
    ):
        forecast.read_counts(io.StringIO(csv))
    assert forecast.read_counts(io.StringIO(csv), kind="cumulative")["kind"].eq("cumulative").all()


def test_a_cumulative_name_whose_values_swing_like_flows_is_refused():
    values = [500, 300, 700, 200, 650, 100]
    csv = "date,origin,destination,measure,value,source\n" + "".join(
        f"2022-03-{d:02d},UA,PL,cumulative_crossings,{v},x\n" for d, v in enumerate(values, 1)
    )
    with pytest.raises(forecast.DataError, match=r"falls at 3 of its 5 reports"):
        forecast.read_counts(io.StringIO(csv))


@pytest.mark.parametrize("written", ["04/03/2022", "03-04-2022", "4.3.2022"])
def test_an_ambiguous_date_is_refused_naming_both_iso_readings(written, ukraine_total):
    with pytest.raises(forecast.DataError, match=r"2022-03-04 for 4 March.*2022-04-03 for 3 April"):
        forecast.as_of(ukraine_total, written)
    with pytest.raises(forecast.DataError, match="YYYY-MM-DD"):
        forecast.extract_figures("More than 500,000 people fled.", published=written)


def test_an_ambiguous_as_of_on_the_command_line_exits_2_and_writes_nothing(tmp_path, capsys):
    from forecast.cli import main

    code = main(["report", "examples/ukraine-2022.toml", "--as-of", "04/03/2022",
                 "--out", str(tmp_path)])  # fmt: skip
    assert code == 2
    assert "2022-03-04 for 4 March" in capsys.readouterr().err
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_date_with_one_reading_is_still_written_iso():
    from forecast.checks import iso_timestamp

    with pytest.raises(forecast.DataError, match="write 2022-03-13 for 13 March"):
        iso_timestamp("13/03/2022", "--as-of")


@pytest.mark.parametrize("header", ['"date,origin,destination,value,measure,source\n',
                                    'date,"origin,destination,value,measure,source\n'])  # fmt: skip
def test_a_quote_the_header_never_closes_is_named_not_read_as_a_wide_file(write, header):
    path = write(header + GOOD)
    with pytest.raises(forecast.DataError, match="header opens a quote") as caught:
        forecast.read_counts(path)
    assert caught.value.line == 1 and str(path) in str(caught.value)


def test_a_semicolon_separated_file_is_named_as_such_not_read_as_a_wide_file(write):
    # Excel in many locales: semicolons between fields, "1.234" for 1,234 in the values.
    path = write("date;origin;destination;measure;kind;value\n"
                 "2022-03-01;Ukraine;Poland;refugees;cumulative;1.234\n")  # fmt: skip
    with pytest.raises(forecast.DataError, match="separated by semicolons") as caught:
        forecast.read_counts(path)
    assert caught.value.line == 1
    assert "wide" not in str(caught.value)
