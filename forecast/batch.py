"""Many series at once: every destination, region or crisis, on all cores or a Dask cluster.

One orchestrator owns the table format, the parallelism and the engine. ETS, the default model,
takes a compiled path (`forecast.batch_ets`): the series travel as numpy arrays in a few large
chunks and are fitted and simulated in compiled loops, by the same functions `ETS` uses alone.
Every other model, and any series the arrays cannot describe, is fitted by the single-series
functions (`forecast.forecast`). Either way a series forecast alone and in a batch is the same
forecast. A series that fails is recorded in `failures` with its error and never stops the
others. Every process runs with one BLAS/OpenMP thread.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from . import batch_ets
from .checks import check_draw_days, check_draws, check_horizon, check_levels, check_seed
from .errors import DataError, ModelError, ScenarioError
from .models import MODELS
from .models import forecast as forecast_one
from .progress import progress_bar

_KNOWN = (DataError, ModelError, ScenarioError)


@dataclass
class ManyProjection:
    """Projections of many series in one tidy frame, plus the series that failed.

    Attributes
    ----------
    frame
        The group key columns, then ``date``, ``model`` (or ``scenario``), ``mean``, ``median``
        and the interval columns, cumulative persons.
    failures
        The group keys and ``error`` for each series that could not be forecast.
    by
        The group key columns.
    """

    frame: pd.DataFrame
    failures: pd.DataFrame
    by: tuple[str, ...]
    notes: list[str] = field(default_factory=list)

    def to_parquet(self, path: str | os.PathLike[str]) -> None:
        """Write the frame as Parquet (needs pyarrow: ``pip install -e .[parquet]``)."""
        try:
            self.frame.to_parquet(path, index=False)
        except ImportError as exc:
            raise ImportError(
                "writing Parquet needs pyarrow; install it with pip install -e '.[parquet]'"
            ) from exc

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str | None:
        return self.frame.to_csv(path, index=False, date_format="%Y-%m-%d")

    def _repr_html_(self) -> str:
        last = self.frame.groupby(list(self.by), sort=False).tail(1)
        done = last[list(self.by)].drop_duplicates().shape[0]
        head = f"<p>{done} series forecast, {len(self.failures)} failed.</p>"
        return head + last.head(20).to_html(index=False, float_format=lambda v: f"{v:,.0f}")


def forecast_many(
    counts: pd.DataFrame,
    *,
    by: Sequence[str] = ("origin", "destination"),
    model: str = "ets",
    horizon: int,
    levels: Sequence[float] = (0.8, 0.95),
    n_jobs: int = -1,
    engine: Any = None,
    reconcile: str | None = None,
    total: dict[str, str] | None = None,
    draws: int = 1000,
    progress: bool = True,
    seed: int = 0,
) -> ManyProjection:
    """Forecast every series in `counts` (one per group of `by` and measure).

    Parameters
    ----------
    counts
        Many series in the counts schema (cumulative or flow).
    by
        The columns that tell series apart (with ``measure``).
    model
        A model name from `forecast.models.MODELS` (``"scenario"``: the scenario projection,
        `forecast.models.ScenarioModel`). ``"ets"`` runs compiled, several hundred series a
        second per core (benchmarks/README.md); other models run a series at a time.
    horizon, levels, draws, seed
        As for `forecast.forecast`: a series gets the answer it gets alone.
    n_jobs
        Local processes (joblib): -1 (default) for every core when the work outlasts starting
        them (about 3 s: each worker starts Python and imports the package), else this
        process alone (8 series of any fast model take 0.1 s here, 3 s on two workers);
        a positive number for that many whatever the work, 1 for none.
    engine
        A ``dask.distributed.Client`` or a scheduler address (``"tcp://host:8786"``) to run on
        a Dask cluster instead of local processes.
    reconcile
        ``"bottom_up"`` or ``"wls"`` to make the destinations add up to their total (see
        `reconcile`); needs `total`.
    total
        Which group is the total of the others, e.g. ``{"destination": "All neighbouring
        countries (UNHCR total)"}``.
    progress
        A progress bar (tqdm) in terminals and notebooks.

    Returns
    -------
    ManyProjection

    Examples
    --------
    >>> import forecast
    >>> counts = forecast.read_counts("data/ukraine_2022.csv", on_decrease="ignore")
    >>> crossings = counts[(counts.measure == "cumulative_border_crossings_from_ukraine")
    ...                    & counts.destination.isin(["Poland", "Hungary", "Slovakia"])]
    >>> many = forecast.forecast_many(forecast.as_of(crossings, "2022-04-30"), model="naive",
    ...                               horizon=7, n_jobs=1, progress=False)
    >>> sorted(many.frame.destination.unique()), len(many.failures)
    (['Hungary', 'Poland', 'Slovakia'], 0)
    """
    keys = [*by, "measure"] if "measure" not in by else list(by)
    missing = [k for k in keys if k not in counts.columns]
    if missing:
        raise DataError(f"counts have no column(s) {', '.join(missing)} to group by")
    # Checked once here, not once per series (a bad horizon is no series' failure).
    horizon = check_horizon(horizon, ModelError)
    levels = check_levels(levels, ModelError)
    draws = check_draws(draws, ModelError)
    seed = check_seed(seed, ModelError)
    check_draw_days(draws, horizon, ModelError)
    workers = _workers(n_jobs, engine)
    ids = counts.groupby(keys, sort=True).ngroup().to_numpy()
    series = int(ids.max()) + 1 if len(ids) else 0
    if engine is None and n_jobs < 0 and not _worth_workers(model, series, workers):
        n_jobs, workers = 1, 1
    # A model with a compiled path (ETS, the default) gets the series as arrays, fitted in
    # compiled loops; the tag says so, not the model's name.
    fast = batch_ets.split(counts, keys, ids) if _batch_arrays(model) else None
    rest = fast.rest if fast is not None else counts
    bar = progress_bar(series, progress, "series", "forecasting")
    pieces, failures = [], []
    if fast is not None and len(fast.arrays):
        arrays_task = batch_ets.ArraysTask(horizon, tuple(levels), draws, seed)
        done = _run(arrays_task, _array_chunks(fast.arrays, workers), n_jobs, engine, bar)
        frame, failed = _frame_of_arrays(fast.index, keys, done, horizon, tuple(levels))
        pieces.append(frame)
        failures.append(failed)
    if len(rest):
        series_task = _ChunkTask(_Task(model, horizon, tuple(levels), draws, seed), tuple(keys))
        done = _run(series_task, _chunks(rest, keys, workers), n_jobs, engine, bar)
        frame, failed = _frame_of_series([item for chunk in done for item in chunk], keys)
        pieces.append(frame)
        failures.append(failed)
    bar.close()
    frame = _in_key_order([p for p in pieces if len(p)], keys)
    failed = _in_key_order([f for f in failures if len(f)], keys, columns=[*keys, "error"])
    many = ManyProjection(frame, failed, tuple(keys))
    if reconcile is not None:
        if not total:
            raise DataError("reconcile needs total=, e.g. {'destination': 'Total'}")
        many.frame = reconcile_frame(many.frame, total=total, method=reconcile, keys=keys)
        many.notes.append(f"destinations reconciled to their total ({reconcile})")
    return many


def _frame_of_series(results: list, keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The general path's results (key, (frame, error)) as one frame and the failures."""
    frames, failures = [], []
    for key, (frame, error) in results:
        labels = dict(zip(keys, key, strict=True))
        if error is not None:
            failures.append({**labels, "error": error})
            continue
        frames.append(frame.assign(**labels)[[*keys, *frame.columns]])
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=keys)
    return frame, pd.DataFrame(failures, columns=[*keys, "error"])


def _frame_of_arrays(
    index: pd.DataFrame, keys: list[str], done: list, horizon: int, levels: tuple[float, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The compiled path's statistics as one tidy frame (no frame per series) and failures."""
    stats = np.concatenate([chunk.stats for chunk in done])
    errors = np.array([e for chunk in done for e in chunk.errors], dtype=object)
    ok = np.array([e is None for e in errors], dtype=bool)
    rows = np.repeat(np.flatnonzero(ok), horizon)
    frame = index.iloc[rows][keys].reset_index(drop=True)
    steps = np.tile(np.arange(1, horizon + 1), int(ok.sum())).astype("timedelta64[D]")
    frame["date"] = index["last"].to_numpy()[rows] + steps
    frame["model"] = batch_ets.ETS.name
    flat = stats[ok].reshape(-1, stats.shape[-1])
    for position, name in enumerate(batch_ets.statistic_names(levels)):
        frame[name] = flat[:, position]
    failed = index.loc[~ok, keys].assign(error=errors[~ok]).reset_index(drop=True)
    return frame, failed


def _in_key_order(
    pieces: list[pd.DataFrame], keys: list[str], columns: list[str] | None = None
) -> pd.DataFrame:
    """Pieces from both paths as one frame, series in key order (each series' rows kept
    together and in date order), as the general path alone gives them."""
    if not pieces:
        return pd.DataFrame(columns=columns if columns is not None else keys)
    frame = pd.concat(pieces, ignore_index=True)
    if len(pieces) == 1:
        return frame
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def _array_chunks(arrays: batch_ets.SeriesArrays, workers: int) -> list:
    """About `CHUNKS_PER_WORKER` chunks of whole series per worker, as arrays."""
    pieces = max(1, min(len(arrays), workers * CHUNKS_PER_WORKER))
    bounds = np.linspace(0, len(arrays), pieces + 1).round().astype(int)
    return [arrays.take(a, b) for a, b in itertools.pairwise(bounds) if b > a]


@dataclass(frozen=True)
class _Task:
    model: str
    horizon: int
    levels: tuple[float, ...]
    draws: int
    seed: int

    def __call__(self, frame: pd.DataFrame) -> tuple[pd.DataFrame | None, str | None]:
        try:
            # One contract: "scenario" is a model like the others (forecast.models.ScenarioModel).
            result = forecast_one(
                frame, model=self.model, horizon=self.horizon, levels=self.levels,
                draws=self.draws, seed=self.seed,
            )  # fmt: skip
        except _KNOWN as exc:
            return None, str(exc)
        except Exception as exc:  # one broken series must not stop ten thousand others
            return None, f"unexpected {type(exc).__name__}: {exc}"
        return result.frame, None


@dataclass(frozen=True)
class _ChunkTask:
    """Every series of one chunk: the chunk is shipped to a worker once, and the worker, not
    the parent, splits it into series."""

    task: _Task
    keys: tuple[str, ...]

    def __call__(self, chunk: pd.DataFrame) -> list[tuple[tuple, tuple]]:
        out = []
        for key, frame in chunk.groupby(list(self.keys), sort=True):
            out.append((key if isinstance(key, tuple) else (key,), self.task(frame)))
        return out


#: Seconds one series takes in one process, by model (8 real series, 30 days ahead, measured on
#: the project's machine, benchmarks/README.md "Many series"); a model not listed counts 1 s.
SECONDS_PER_SERIES = {
    "ets": 0.003, "naive": 0.011, "drift": 0.011, "seasonal_naive": 0.01, "mean": 0.03,
    "reference": 0.015, "scenario": 0.02, "local_trend": 0.07, "arima": 0.09, "curve": 0.13,
    "gbm": 0.25, "ensemble": 4.0,
}  # fmt: skip
#: Seconds to start the local workers: each starts Python and imports the package (2.9-3.2 s
#: measured for two, whatever the model).
WORKER_START = 3.0


def _worth_workers(model: str, series: int, workers: int) -> bool:
    """Whether `workers` processes finish `series` sooner than this one, their start included.

    Examples
    --------
    >>> _worth_workers("naive", 8, 2), _worth_workers("naive", 2_000, 2)
    (False, True)
    >>> _worth_workers("ensemble", 3, 2)
    True
    """
    if workers <= 1:
        return False
    alone = series * SECONDS_PER_SERIES.get(model, 1.0)
    return alone > WORKER_START + alone / workers


def _batch_arrays(model: str) -> bool:
    """Whether the model declares a compiled path for many series (its `batch_arrays` tag); a
    name no model has is left to the single-series path, which names the models there are."""
    kind = MODELS.get(model)
    return bool(kind is not None and getattr(kind, "batch_arrays", False))


def _workers(n_jobs: int, engine: Any) -> int:
    """How many processes will share the work (for a Dask engine, its workers now)."""
    if engine is not None:
        try:
            return max(1, len(engine.scheduler_info()["workers"]))
        except (AttributeError, KeyError, TypeError):
            return 8  # an address, not a client: assume a small cluster
    if n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + n_jobs)  # joblib's meaning of -1, -2...
    return max(1, n_jobs)


#: Chunks per worker: enough for the load to balance, few enough that each is shipped once.
CHUNKS_PER_WORKER = 4


def _chunks(counts: pd.DataFrame, keys: list[str], workers: int) -> list[pd.DataFrame]:
    """`counts` cut into contiguous chunks of whole series (a series is never split), about
    `CHUNKS_PER_WORKER` per worker: the parent makes a handful of frames, not one per series."""
    ids = counts.groupby(keys, sort=True).ngroup().to_numpy()
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    groups = int(ids.max()) + 1 if len(ids) else 0
    pieces = max(1, min(groups, workers * CHUNKS_PER_WORKER))
    bounds = np.searchsorted(ids, np.linspace(0, groups, pieces + 1)[1:-1].round().astype(int))
    ordered = counts.iloc[order]
    edges = [0, *bounds.tolist(), len(ordered)]
    return [ordered.iloc[a:b] for a, b in itertools.pairwise(edges) if b > a]


def _run(task: Callable, chunks: list, n_jobs: int, engine: Any, bar: Any) -> list:
    """Each chunk's results, in order; `bar` counts series as their chunks finish."""
    if engine is not None:
        return _run_dask(task, chunks, engine, bar)
    if n_jobs == 1:
        results = []
        # One BLAS/OpenMP thread: per series the matrices are tiny, and threads started for
        # them cost more than they give (4.7x slower measured, benchmarks/README.md).
        with threadpool_limits(1):
            for chunk in chunks:
                results.append(task(chunk))
                bar.update(len(results[-1]))
        return results
    from joblib import Parallel, delayed

    # The same in every worker, set once when it starts (loky's inner_max_num_threads).
    parallel = Parallel(n_jobs=n_jobs, return_as="generator", inner_max_num_threads=1)
    results = []
    for result in parallel(delayed(task)(chunk) for chunk in chunks):
        results.append(result)
        bar.update(len(result))
    return results


def _run_dask(task: Callable, chunks: list[pd.DataFrame], engine: Any, bar: Any) -> list:
    try:
        from dask.distributed import Client, as_completed
    except ImportError as exc:
        raise ImportError("a Dask engine needs dask.distributed: pip install -e '.[dask]'") from exc
    client = engine if isinstance(engine, Client) else Client(engine)
    futures = client.map(_single_threaded(task), chunks, pure=False)
    index = {future.key: position for position, future in enumerate(futures)}
    results: list = [None] * len(futures)
    for future in as_completed(futures):
        results[index[future.key]] = future.result()
        bar.update(len(results[index[future.key]]))
    return results


@dataclass(frozen=True)
class _single_threaded:
    """A task run with one BLAS/OpenMP thread, on a Dask worker whose pools we do not own."""

    task: Callable

    def __call__(self, frame: pd.DataFrame) -> Any:
        with threadpool_limits(1):
            return self.task(frame)


def reconcile_frame(
    frame: pd.DataFrame, *, total: dict[str, str], method: str = "bottom_up", keys: Sequence[str]
) -> pd.DataFrame:
    """Make the parts add up to their total, date by date.

    ``bottom_up``: the total becomes the sum of its parts. ``wls``: MinT-style weighted least
    squares with a diagonal covariance (each series weighted by the inverse variance implied by
    its 80% interval), so the uncertain series move most. Means and medians are reconciled; each
    series' intervals move by the same amount as its median (their widths are kept).

    Examples
    --------
    >>> frame = pd.DataFrame({"destination": ["T", "A", "B"], "date": pd.Timestamp("2022-03-01"),
    ...     "mean": [100.0, 30.0, 50.0], "median": [100.0, 30.0, 50.0],
    ...     "lo_80": [90.0, 25.0, 45.0], "hi_80": [110.0, 35.0, 55.0]})
    >>> out = reconcile_frame(frame, total={"destination": "T"}, method="bottom_up",
    ...                       keys=["destination"])
    >>> out.set_index("destination")["median"].to_dict()
    {'T': 80.0, 'A': 30.0, 'B': 50.0}
    """
    if method not in ("bottom_up", "wls"):
        raise ValueError(f"method must be 'bottom_up' or 'wls', not {method!r}")
    ((column, label),) = total.items()
    if column not in frame.columns or not (frame[column] == label).any():
        raise DataError(f"no forecast for the total {column}={label!r} to reconcile with")
    out = frame.copy()
    shift_columns = [c for c in out.columns if c.startswith(("lo_", "hi_"))]
    other_keys = [k for k in keys if k != column]
    families = out.groupby(other_keys, sort=False) if other_keys else [(None, out)]
    for _, family in families:
        needed = family[column].nunique()
        for _, block in family.groupby("date", sort=False):
            is_total = (block[column] == label).to_numpy()
            # Only dates on which the total and every part were forecast can be made to add up.
            if is_total.sum() != 1 or len(block) != needed or needed < 2:
                continue
            _reconcile_block(out, block, is_total, method, shift_columns)
    return out


def _reconcile_block(
    out: pd.DataFrame,
    block: pd.DataFrame,
    is_total: np.ndarray,
    method: str,
    shift_columns: list[str],
) -> None:
    rows = block.index.to_numpy()
    for measure in ("median", "mean"):
        values = block[measure].to_numpy(dtype=float)
        reconciled = _reconcile(values, is_total, block, method)
        if measure == "median":
            delta = reconciled - values
            for shifted in shift_columns:
                out.loc[rows, shifted] = block[shifted].to_numpy() + delta
        out.loc[rows, measure] = reconciled


def _reconcile(
    values: np.ndarray, is_total: np.ndarray, block: pd.DataFrame, method: str
) -> np.ndarray:
    parts = ~is_total
    if method == "bottom_up":
        out = values.copy()
        out[is_total] = values[parts].sum()
        return out
    # Summing matrix S (rows: total, then parts; columns: parts) and WLS: y = S (S'WS)^-1 S'W y
    order = np.r_[np.flatnonzero(is_total), np.flatnonzero(parts)]
    y = values[order]
    n = parts.sum()
    s = np.vstack([np.ones(n), np.eye(n)])
    if "lo_80" in block and "hi_80" in block:
        width = (block["hi_80"] - block["lo_80"]).to_numpy(dtype=float)[order]
        variance = np.maximum((width / 2.563) ** 2, 1.0)  # 80% interval = 2 x 1.2816 sd
    else:
        variance = np.ones(n + 1)
    weights = np.diag(1.0 / variance)
    bottom = np.linalg.solve(s.T @ weights @ s, s.T @ weights @ y)
    fitted = s @ bottom
    out = np.empty_like(values)
    out[order] = fitted
    return out
