"""Many series at once: locally, on a Dask LocalCluster, with failures kept and totals coherent."""

import warnings

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.batch import reconcile_frame

from .conftest import DATA

NEIGHBOURS = ["Poland", "Hungary", "Romania", "Slovakia", "Republic of Moldova"]


@pytest.fixture(scope="module")
def crossings():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", forecast.DataWarning)
        counts = forecast.read_counts(DATA / "ukraine_2022.csv")
    rows = counts[counts.measure == "cumulative_border_crossings_from_ukraine"]
    return forecast.as_of(rows[rows.destination.isin(NEIGHBOURS)], "2022-04-30")


def test_every_series_is_forecast_and_a_broken_one_is_recorded_not_fatal(crossings):
    broken = crossings[crossings.destination == "Poland"].head(2).assign(destination="Tiny")
    many = forecast.forecast_many(pd.concat([crossings, broken]), model="naive", horizon=10,
                                  n_jobs=2, progress=False)  # fmt: skip
    assert sorted(many.frame.destination.unique()) == sorted(NEIGHBOURS)
    assert many.failures["destination"].tolist() == ["Tiny"]
    assert "at least" in many.failures["error"].iloc[0]
    assert list(many.frame.columns[:3]) == ["origin", "destination", "measure"]


def test_a_batch_forecast_is_the_single_series_forecast(crossings):
    many = forecast.forecast_many(crossings, model="ets", horizon=10, n_jobs=2, progress=False)
    poland = crossings[crossings.destination == "Poland"]
    alone = forecast.forecast(poland, model="ets", horizon=10, draws=500).frame
    batch = many.frame[many.frame.destination == "Poland"].reset_index(drop=True)
    pd.testing.assert_frame_equal(batch[alone.columns], alone)


def test_a_dask_local_cluster_gives_the_local_results(crossings):
    distributed = pytest.importorskip("dask.distributed")
    local = forecast.forecast_many(crossings, model="naive", horizon=7, n_jobs=1, progress=False)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    ) as cluster, distributed.Client(cluster) as client:  # fmt: skip
        remote = forecast.forecast_many(crossings, model="naive", horizon=7, engine=client,
                                        progress=False)  # fmt: skip
    pd.testing.assert_frame_equal(local.frame, remote.frame)


@pytest.mark.parametrize("method", ["bottom_up", "wls"])
def test_reconciled_destinations_sum_to_the_total(crossings, method):
    parts = crossings.copy()
    total = forecast.totals(parts, label="Total")[parts.columns]
    many = forecast.forecast_many(pd.concat([parts, total]), model="naive", horizon=14,
                                  n_jobs=1, progress=False, reconcile=method,
                                  total={"destination": "Total"})  # fmt: skip
    wide = many.frame.pivot_table(index="date", columns="destination", values="median")
    np.testing.assert_allclose(wide[NEIGHBOURS].sum(axis=1), wide["Total"], rtol=1e-9)


def test_wls_moves_the_uncertain_series_most():
    frame = pd.DataFrame({
        "destination": ["T", "A", "B"], "date": pd.Timestamp("2022-03-01"),
        "mean": [100.0, 30.0, 50.0], "median": [100.0, 30.0, 50.0],
        "lo_80": [99.0, 29.0, 20.0], "hi_80": [101.0, 31.0, 80.0],
    })  # fmt: skip
    out = reconcile_frame(frame, total={"destination": "T"}, method="wls", keys=["destination"])
    values = out.set_index("destination")["median"]
    assert values["A"] + values["B"] == pytest.approx(values["T"])
    assert abs(values["B"] - 50) > 10 * abs(values["A"] - 30)  # B is the uncertain one
    assert abs(values["T"] - 100) < 1


def test_results_write_to_parquet(crossings, tmp_path):
    pytest.importorskip("pyarrow")
    many = forecast.forecast_many(crossings, model="naive", horizon=3, n_jobs=1, progress=False)
    many.to_parquet(tmp_path / "many.parquet")
    back = pd.read_parquet(tmp_path / "many.parquet")
    assert len(back) == len(many.frame)
