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
    alone = forecast.forecast(poland, model="ets", horizon=10).frame
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


def _messy_series() -> pd.DataFrame:
    """Series of every shape real data takes, and some that no model can take."""
    rng = np.random.default_rng(7)

    def series(name, values, dates, kind="cumulative", origin="UA"):
        return pd.DataFrame({
            "date": pd.DatetimeIndex(dates), "origin": origin, "destination": name,
            "measure": "arrivals", "kind": kind, "value": np.asarray(values, dtype=float),
            "source": "test",
        })  # fmt: skip

    daily = pd.date_range("2022-03-01", periods=40)
    every_3 = pd.date_range("2022-03-01", periods=20, freq="3D")
    rising = np.cumsum(rng.gamma(2.0, 500.0, 40))
    revised = rising.copy()
    revised[[12, 30]] *= [0.7, 0.9]  # two falls: read as revisions
    parts = [
        series("daily", rising, daily),
        series("revised", revised, daily),
        series("every third day", np.cumsum(rng.gamma(2.0, 900.0, 20)), every_3),
        series("flows", rng.gamma(2.0, 300.0, 40), daily, kind="flow"),
        series("stock", 5000 + np.cumsum(rng.normal(50, 80, 40)), daily, kind="stock"),
        series("flat", np.full(40, 1234.0), daily),
        series("too short", rising[:5], daily[:5]),  # fewer days than ETS needs
        series("missing value", np.r_[rising[:20], np.nan, rising[21:]], daily),
        series("twice a day", np.r_[rising[:20], rising[19:]], daily[:20].append(daily[19:])),
        series("noon", rising, daily + pd.Timedelta(hours=12)),  # a time of day
        series("negative", np.r_[rising[:10], -5.0, rising[11:]], daily),
    ]
    mixed = series("two origins", rising, daily)
    parts.append(pd.concat([mixed, mixed.assign(origin="MD")]))
    return pd.concat(parts, ignore_index=True)


def test_ets_batch_gives_each_series_its_own_forecast_and_error():
    counts = _messy_series()
    many = forecast.forecast_many(counts, by=("destination",), model="ets", horizon=9,
                                  draws=200, n_jobs=1, progress=False)  # fmt: skip
    for name, series in counts.groupby("destination"):
        try:
            alone = forecast.forecast(series, model="ets", horizon=9, draws=200).frame
        except (forecast.DataError, forecast.ModelError) as exc:
            error = many.failures.loc[many.failures.destination == name, "error"]
            assert error.tolist() == [str(exc)], name
            assert name not in set(many.frame.destination)
            continue
        batch = many.frame[many.frame.destination == name].reset_index(drop=True)
        assert batch["date"].tolist() == alone["date"].tolist(), name
        for column in alone.columns.drop(["date", "model"]):
            # 1e-9, not 0: pandas sums a flow series with compensated (Kahan) summation,
            # numpy's cumsum plainly; the last bits of the totals differ, nothing else.
            np.testing.assert_allclose(batch[column], alone[column], rtol=1e-9, err_msg=name)
    assert len(many.frame) + 9 * len(many.failures) == 9 * counts.destination.nunique()
    assert set(many.failures.destination) == {
        "too short",
        "missing value",
        "twice a day",
        "negative",
        "two origins",
    }
    # Key order, as the general path alone gives it; each series in date order.
    assert many.frame["destination"].is_monotonic_increasing
    assert (many.frame.groupby("destination")["date"].diff().dropna() > pd.Timedelta(0)).all()


def test_ets_batch_on_two_processes_and_dask_is_the_one_process_batch():
    counts = _messy_series()
    options = dict(by=("destination",), model="ets", horizon=5, draws=100, progress=False)
    one = forecast.forecast_many(counts, n_jobs=1, **options)
    two = forecast.forecast_many(counts, n_jobs=2, **options)
    pd.testing.assert_frame_equal(one.frame, two.frame)
    pd.testing.assert_frame_equal(one.failures, two.failures)
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    ) as cluster, distributed.Client(cluster) as client:  # fmt: skip
        remote = forecast.forecast_many(counts, engine=client, **options)
    pd.testing.assert_frame_equal(one.frame, remote.frame)


def test_a_bad_horizon_is_refused_once_not_recorded_per_series(crossings):
    with pytest.raises(forecast.ModelError, match="horizon"):
        forecast.forecast_many(crossings, model="ets", horizon=0, n_jobs=1, progress=False)


def test_ets_batch_leaves_dates_with_a_time_zone_to_the_general_path():
    counts = _messy_series()
    daily = counts[counts.destination == "daily"].assign(
        date=lambda f: f["date"].dt.tz_localize("Africa/Juba")
    )
    many = forecast.forecast_many(daily, by=("destination",), model="ets", horizon=5,
                                  draws=100, n_jobs=1, progress=False)  # fmt: skip
    try:
        alone = forecast.forecast(daily, model="ets", horizon=5, draws=100).frame
    except (forecast.DataError, forecast.ModelError) as exc:
        assert many.failures["error"].tolist() == [str(exc)]
    else:
        np.testing.assert_allclose(many.frame["median"], alone["median"], rtol=1e-12)


def test_work_smaller_than_starting_workers_runs_in_this_process(crossings, monkeypatch):
    # Five series of a fast model take 0.1 s here and 3 s on two fresh workers (notebook 05:
    # 2.0 s against 0.3 s): by default no worker is started for them; asked for, they are.
    import joblib

    class Started(Exception):
        pass

    def parallel(*args, **kwargs):
        raise Started

    monkeypatch.setattr(joblib, "Parallel", parallel)
    monkeypatch.setattr(forecast.batch.os, "cpu_count", lambda: 2)  # whatever machine runs this
    many = forecast.forecast_many(crossings, model="naive", horizon=7, progress=False)
    assert sorted(many.frame.destination.unique()) == sorted(NEIGHBOURS)
    with pytest.raises(Started):
        forecast.forecast_many(crossings, model="naive", horizon=7, n_jobs=2, progress=False)
    with pytest.raises(Started):  # an ensemble's few series outlast the start
        forecast.forecast_many(crossings, model="ensemble", horizon=7, progress=False)


def test_the_compiled_path_follows_the_models_tag_not_its_name(crossings, monkeypatch):
    from forecast import batch_ets
    from forecast.models import ETS

    seen = []
    real_split = batch_ets.split

    def split(*args, **kwargs):
        seen.append("arrays")
        return real_split(*args, **kwargs)

    monkeypatch.setattr(batch_ets, "split", split)
    forecast.forecast_many(crossings, model="ets", horizon=5, n_jobs=1, progress=False)
    assert seen == ["arrays"]
    monkeypatch.setattr(ETS, "batch_arrays", False)  # the same model, without the capability
    many = forecast.forecast_many(crossings, model="ets", horizon=5, n_jobs=1, progress=False)
    assert seen == ["arrays"] and len(many.failures) == 0
