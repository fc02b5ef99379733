"""read_counts on the bundled real data and on each supported format."""

import http.server
import json
import threading
import warnings

import pandas as pd
import pytest

import forecast
from forecast.data import infer_kind

from .conftest import DATA

UA_TOTAL = "All neighbouring countries (UNHCR total)"
UA_CUMULATIVE = "cumulative_border_crossings_from_ukraine"


@pytest.fixture(scope="module")
def ukraine():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", forecast.DataWarning)
        return forecast.read_counts(DATA / "ukraine_2022.csv")


def test_ukraine_total_reads_the_published_unhcr_figures(ukraine):
    total = forecast.select_series(ukraine, measure=UA_CUMULATIVE, destination=UA_TOTAL)
    by_date = total.set_index("date")["value"]
    # Figures quoted in shared/README.md and data/README.md, read off UNHCR's portal.
    assert by_date["2022-02-28"] == 652_445
    assert by_date["2022-03-31"] == 4_025_927
    assert by_date["2022-05-09"] == 5_912_583
    assert len(total) == 440


def test_schema_columns_and_types(ukraine):
    assert list(ukraine.columns) == list(forecast.data.SCHEMA)
    assert ukraine["date"].dtype == "datetime64[ns]"
    assert ukraine["value"].dtype == "float64"
    assert set(ukraine["kind"]) == {"cumulative", "flow", "stock"}
    assert len(ukraine) == 4673


@pytest.mark.parametrize(
    ("measure", "kind"),
    [
        ("cumulative_border_crossings_from_ukraine", "cumulative"),
        ("daily_border_crossings_from_ukraine", "flow"),
        ("refugee_arrivals_during_year", "flow"),
        ("civilians_killed_in_period", "flow"),
        ("refugees_end_year", "stock"),
        ("refugees_recorded_month", "stock"),
        ("registered_temporary_protection_or_similar", "stock"),
        ("refugees_from_south_sudan_total", "stock"),
        ("something_else", None),
    ],
)
def test_kind_is_inferred_from_well_known_measure_names(measure, kind):
    assert infer_kind(measure) == kind


def test_every_bundled_file_reads():
    for path in sorted(DATA.glob("*.csv")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", forecast.DataWarning)
            counts = forecast.read_counts(path)
        assert len(counts) == sum(1 for _ in path.open(encoding="utf-8")) - 1, path.name


def test_monthly_dates_stand_for_the_last_day_of_the_month():
    counts = forecast.read_counts(DATA / "ukraine_2022_recorded_monthly.csv")
    albania = counts[counts.destination == "Albania"].set_index("date")["value"]
    assert albania[pd.Timestamp("2023-03-31")] == 2758


def test_south_sudan_total_is_a_stock_that_is_allowed_to_fall():
    with warnings.catch_warnings():
        warnings.simplefilter("error", forecast.DataWarning)
        counts = forecast.read_counts(DATA / "south_sudan_2013.csv")
    total = counts[counts.measure == "refugees_from_south_sudan_total"]
    assert total["value"].iloc[0] == 127_283
    assert total["value"].iloc[-1] == 1_962_587


def test_falling_cumulative_series_warn_with_series_dates_and_values():
    with pytest.warns(forecast.DataWarning) as caught:
        forecast.read_counts(DATA / "ukraine_2022.csv")
    message = str(caught[0].message)
    assert "4 fall(s)" in message
    assert "Belarus" in message and "2022-05-12 27,308 -> 2022-05-25 16,547" in message


def test_falling_cumulative_series_can_be_an_error():
    with pytest.raises(forecast.DataError, match="Belarus"):
        forecast.read_counts(DATA / "ukraine_2022.csv", on_decrease="error")


def test_vintages_keep_every_revision_with_its_publication_time():
    vintages = forecast.read_counts(DATA / "ukraine_2022_vintages.csv", on_decrease="ignore")
    daily = vintages[
        (vintages.measure == "daily_border_crossings_from_ukraine")
        & (vintages.date == "2022-03-01")
    ].sort_values("published")
    # data/README.md: 197,081 as of 2022-03-05, revised several times, finally 166,316.
    assert daily["value"].iloc[0] == 197_081
    assert daily["value"].iloc[-1] == 166_316
    assert daily["published"].iloc[0] == pd.Timestamp("2022-03-05 21:37:07")  # -08:00 in UTC


def test_as_of_shows_only_what_was_public_then():
    vintages = forecast.read_counts(DATA / "ukraine_2022_vintages.csv", on_decrease="ignore")
    early = forecast.as_of(vintages, "2022-03-05")
    late = forecast.as_of(vintages, "2030-01-01")
    key = (early.measure == "daily_border_crossings_from_ukraine") & (early.date == "2022-03-01")
    assert early.loc[key, "value"].tolist() == [197_081]
    key = (late.measure == "daily_border_crossings_from_ukraine") & (late.date == "2022-03-01")
    assert late.loc[key, "value"].tolist() == [166_316]
    assert early["date"].max() <= pd.Timestamp("2022-03-05")
    assert not early.duplicated(["origin", "destination", "measure", "date"]).any()


def test_as_of_without_publication_dates_cuts_on_the_figure_date(ukraine):
    cut = forecast.as_of(ukraine, "2022-03-15")
    assert cut["date"].max() == pd.Timestamp("2022-03-15")


def test_wide_csv_becomes_one_row_per_destination_and_date(write):
    path = write("date,Poland,Hungary\n2022-03-01,100,50\n2022-03-02,,60\n")
    counts = forecast.read_counts(path, measure="cumulative_crossings", origin="Ukraine")
    assert len(counts) == 3  # the empty cell is no figure, not a zero
    hungary = counts[counts.destination == "Hungary"]
    assert hungary["value"].tolist() == [50.0, 60.0]
    assert set(counts["kind"]) == {"cumulative"}
    assert set(counts["origin"]) == {"Ukraine"}
    assert set(counts["source"]) == {str(path)}


def test_wide_csv_without_a_measure_is_refused(write):
    path = write("date,Poland\n2022-03-01,100\n")
    with pytest.raises(forecast.DataError, match="measure="):
        forecast.read_counts(path)


def test_wide_csv_bad_cell_names_its_destination_column(write):
    path = write("date,Poland,Hungary\n2022-03-01,100,50\n2022-03-02,120,lots\n")
    with pytest.raises(forecast.DataError) as caught:
        forecast.read_counts(path, measure="cumulative_crossings")
    assert (caught.value.line, caught.value.column, caught.value.value) == (3, "Hungary", "lots")


HXL = """Date,Country,Origin,Refugees,Source
#date,#country+name,#country+name+origin,#affected+refugees,#meta+source
2022-03-01,Poland,Ukraine,"1,000",UNHCR
2022-03-02,Poland,Ukraine,2000,UNHCR
"""


def test_hxl_tags_map_to_the_schema(write):
    path = write(HXL.replace('"1,000"', "1000"))
    counts = forecast.read_counts(path, kind="cumulative")
    assert counts["destination"].tolist() == ["Poland", "Poland"]
    assert counts["origin"].tolist() == ["Ukraine", "Ukraine"]
    assert counts["measure"].tolist() == ["affected+refugees"] * 2
    assert counts["source"].tolist() == ["UNHCR", "UNHCR"]


def test_two_hxl_columns_tagged_as_the_same_place_are_refused(write):
    # The second #country+name column (Hungary) was ignored: every figure went to Poland.
    body = """Date,Country,Country 2,Refugees
#date,#country+name,#country+name,#affected+refugees
2022-03-01,Poland,Hungary,1000
"""
    with pytest.raises(forecast.DataError, match="two #country\\+name tags") as caught:
        forecast.read_counts(write(body), kind="cumulative")
    assert caught.value.line == 2 and caught.value.column == "Country 2"


def test_hxl_population_tags_default_to_stock_and_bad_values_name_the_tagged_column(write):
    counts = forecast.read_counts(write(HXL.replace('"1,000"', "1000")))
    assert set(counts["kind"]) == {"stock"}
    with pytest.raises(forecast.DataError) as caught:
        forecast.read_counts(write(HXL))
    assert (caught.value.line, caught.value.column) == (3, "Refugees")


def _odp_json(entries):
    return json.dumps({"data": {"timeseries": entries}}, indent=1)


def test_unhcr_portal_json_reads_daily_flows(write):
    path = write(
        _odp_json(
            [
                {"data_date": "2022-02-24", "individuals": 79209},
                {"data_date": "2022-02-25", "individuals": "100000"},
            ]
        ),
        "odp.json",
    )
    counts = forecast.read_counts(path, destination="All neighbouring countries", origin="Ukraine")
    assert counts["value"].tolist() == [79209.0, 100000.0]
    assert set(counts["kind"]) == {"flow"}
    assert set(counts["measure"]) == {"daily_individuals"}


def test_unhcr_portal_json_bad_entry_names_its_line(write):
    entries = [
        {"data_date": "2022-02-24", "individuals": 1},
        {"data_date": "2022-02-25", "individuals": None},
    ]
    with pytest.raises(forecast.DataError) as caught:
        forecast.read_counts(write(_odp_json(entries), "odp.json"))
    text = _odp_json(entries).splitlines()
    assert '"data_date": "2022-02-25"' in text[caught.value.line - 1]
    assert caught.value.column == "individuals"


def test_unhcr_portal_json_from_a_url():
    body = _odp_json([{"data_date": "2022-03-01", "individuals": 5}]).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/population/get/timeseries?x=1"
        counts = forecast.read_counts(url, format="unhcr_json")
    finally:
        server.shutdown()
    assert counts["value"].tolist() == [5.0]
    assert counts["source"].iloc[0] == url


def test_unreachable_url_is_a_data_error(monkeypatch):
    import functools

    import forecast.data.readers as readers

    # Retried as a live source is (forecast.data.fetch), with a short backoff for the test.
    monkeypatch.setattr(readers, "fetch", functools.partial(readers.fetch, backoff=0.01))
    with pytest.raises(forecast.DataError, match=r"127\.0\.0\.1:9/nothing.json.*connection"):
        forecast.read_counts("http://127.0.0.1:9/nothing.json")


def test_buffers_read_like_files():
    import io

    text = "date,measure,value\n2022-03-01,daily_arrivals,5\n"
    from_text = forecast.read_counts(io.StringIO(text))
    from_bytes = forecast.read_counts(io.BytesIO(text.encode()))
    pd.testing.assert_frame_equal(from_text, from_bytes)
    assert from_text["source"].iloc[0] == "<buffer>"
