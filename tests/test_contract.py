"""Defects of the review against scikit-learn, sktime and statsforecast: each test failed
before its fix (issue "One model contract, one direction of imports")."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.cli import main
from forecast.formatting import format_count, short_count
from forecast.models import Ensemble, Forecaster, Naive


def _series(days=40, flow=1000.0):
    dates = pd.date_range("2022-03-01", periods=days)
    return pd.DataFrame({"date": dates, "origin": "A", "destination": "B",
                         "measure": "cumulative_x", "kind": "cumulative",
                         "value": np.cumsum(np.full(days, flow)), "source": "s"})  # fmt: skip


def test_curve_return_is_refused_with_the_reason():
    with pytest.raises(forecast.ScenarioError, match="could not model people returning"):
        forecast.project(_series(), horizon=30, curve="return")


def test_a_misspelt_curve_and_a_ceiling_range_below_the_total_are_our_errors():
    with pytest.raises(forecast.ScenarioError, match="unknown curve 'gompretz'"):
        forecast.project(_series(), horizon=30, curve="gompretz")
    scenario = forecast.Scenario("low", "logistic", None, "bounds", ceiling_range=(1e3, 2e3))
    with pytest.raises(forecast.ScenarioError, match="not above the latest reported total"):
        forecast.project(_series(), horizon=30, scenarios=[scenario])


class _NaNModel(Naive):
    name = "nan"

    def _predict(self, horizon, draws, rng, X_future):
        return np.full((draws, horizon), np.nan)


def test_a_model_that_emits_nan_raises_instead_of_forecasting_zero():
    with pytest.raises(forecast.ModelError, match="NaN"):
        _NaNModel().fit(_series()).predict(10)


def test_backtest_scores_of_a_model_do_not_depend_on_the_others():
    noise = np.exp(np.random.default_rng(1).normal(0, 0.05, 60))
    series = _series(60).assign(value=lambda f: np.maximum.accumulate(f["value"] * noise))
    alone = forecast.backtest(series, models=["naive"], horizons=(7,), step=7)
    beside = forecast.backtest(series, models=["drift", "naive"], horizons=(7,), step=7)
    beside = beside[beside["model"] == "naive"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, beside, check_like=True)


class _Failing(Naive):
    name = "failing"

    def _fit(self, flows, X):
        raise forecast.ScenarioError("this member cannot project the series")


def test_an_ensemble_survives_failing_and_same_named_members():
    model = Ensemble(members=("naive", _Failing(), "naive")).fit(_series())
    assert set(model.weights_) == {"naive", "naive#2"}
    assert "cannot project" in model.left_out_["failing"]
    assert model.predict(7).frame["median"].notna().all()


def test_counts_are_formatted_one_way_everywhere():
    assert (format_count(999_999), short_count(999_999)) == ("1.0 million", "1.0M")
    assert (format_count(999.7), short_count(999.7)) == ("1,000", "1k")


def test_one_dtype_for_text_columns_from_every_reader_and_the_archive(tmp_path):
    frames = [
        forecast.read_counts("data/ukraine_2022_casualties.csv"),
        forecast.episodes.load("mali2012"),
    ]
    archive = forecast.Archive(tmp_path / "a.sqlite")
    archive.add(frames[0], retrieved="2023-01-01")
    frames.append(archive.counts())
    for frame in frames:
        for column in ("origin", "destination", "measure", "kind", "source"):
            assert frame[column].dtype == object, (column, frame[column].dtype)


def test_series_names_with_commas_can_be_selected(tmp_path, capsys):
    path = tmp_path / "congo.csv"
    rows = "".join(
        f'2022-03-{d:02d},X,"Congo, Republic of",cumulative_x,{1000 * d},s\n' for d in range(1, 31)
    )
    path.write_text("date,origin,destination,measure,value,source\n" + rows)
    code = main(["backtest", str(path), "--series", "measure=cumulative_x,destination=Congo, "
                 "Republic of", "--models", "naive", "--horizons", "7"])  # fmt: skip
    assert code == 0, capsys.readouterr().err


def test_every_model_refuses_predict_before_fit_and_unknown_parameters():
    from forecast.models import MODELS

    for name, cls in MODELS.items():
        model = cls()
        with pytest.raises(forecast.ModelError, match="not fitted"):
            model.sample(5)
        with pytest.raises(ValueError, match="Invalid parameter"):
            model.set_params(no_such_parameter=1)
        assert isinstance(model, Forecaster), name


def test_report_runs_redo_after_a_dependency_upgrade(tmp_path, monkeypatch):
    from importlib import metadata

    from forecast.report.run import _fingerprint

    config = tmp_path / "c.toml"
    (tmp_path / "u.csv").write_bytes(Path("data/ukraine_2022.csv").read_bytes())
    config.write_text('[crisis]\nname = "T"\n[data]\nfiles = ["u.csv"]\n'
                      'measure = "cumulative_border_crossings_from_ukraine"\n'
                      'destination = "All neighbouring countries (UNHCR total)"\n')  # fmt: skip
    from forecast.report import load_config

    before = _fingerprint(load_config(config), pd.Timestamp("2022-03-10").date())
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda n: "99.0" if n == "pandas" else real(n))
    after = _fingerprint(load_config(config), pd.Timestamp("2022-03-10").date())
    assert before != after  # so the scheduled run after an upgrade is not skipped


def test_every_third_party_import_is_a_declared_dependency():
    import ast
    import sys
    import tomllib

    root = Path(__file__).parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    declared = {
        requirement.split(">")[0].split("=")[0].split("[")[0].split("<")[0].strip().lower()
        for requirement in project["dependencies"]
    }
    optional = {
        requirement.split(">")[0].split("[")[0].strip().lower()
        for extra in project["optional-dependencies"].values()
        for requirement in extra
    }
    import_names = {"sklearn": "scikit-learn", "yaml": "pyyaml", "dateutil": "python-dateutil"}
    missing = set()
    for path in (root / "forecast").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "forecast":
                    continue
                package = import_names.get(top, top).lower()
                # Imported lazily for an optional feature (a notebook widget, a Dask cluster,
                # the pyarrow fast path): declared in an extra. Everything else is required.
                if package not in declared and package not in optional:
                    missing.add((package, str(path.relative_to(root))))
    assert not missing, sorted(missing)


def test_import_forecast_loads_no_model_library_until_one_is_used():
    import subprocess
    import sys

    heavy = ("sklearn", "scipy", "numba", "statsmodels", "matplotlib")
    script = (
        "import sys, forecast\n"
        f"before = [m for m in {heavy!r} if m in sys.modules]\n"
        "forecast.read_counts, forecast.extract_figures\n"
        f"reading = [m for m in {heavy!r} if m in sys.modules]\n"
        "forecast.forecast\n"
        "print(before, reading, 'sklearn' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[0] == "[] [] True", out.stdout + out.stderr


def test_every_public_name_resolves_and_star_import_works():
    namespace: dict = {}
    exec("from forecast import *", namespace)
    assert set(forecast.__all__) <= set(namespace)
    assert callable(forecast.backtest) and callable(forecast.forecast)
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        forecast.no_such_name  # noqa: B018
