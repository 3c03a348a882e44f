"""One series at a time: sklstm's forecaster against AutoETS on named public series.

Sixteen single series that ship inside ``pmdarima.datasets``,
``statsmodels.datasets`` and ``sktime.datasets`` (nothing is downloaded at
run time), none of them an M3 series: monthly, quarterly, annual, weekly, daily and hourly, 84 to
500 points (``SERIES`` names each one's source, frequency, seasonal period
and test horizon; a longer series is cut to its last ``LAST`` = 500
points). The last ``h`` points of each series are its test part, the rest
its training part; nothing is chosen on a test part. Two tasks:

* **h steps**: fit on the training part, forecast the ``h`` test points from
  the last training point (``recursive_forecast`` for the LSTM rows);
* **one step**: forecast each test point from the actual history up to the
  point before it, with the model fitted on the training part only
  (``model.predict`` on ``to_supervised`` of the whole series; statsforecast's
  ``forward``).

Methods, all on the same splits: persistence (the last value), statsforecast's
``AutoETS`` and ``AutoTheta`` (``season_length=p or 1``), and the rows of
``LSTM_ROWS``: ``make_lstm_forecaster(seasonal_period=p, random_state=seed,
**params)`` fitted on ``to_supervised(train)``. "sklstm default" sets nothing
else (the library's default route); "sklstm 597b6d6" passes ``BEFORE``, the
factory's defaults at commit 597b6d6. Another row is one more line in
``LSTM_ROWS``. "pretrained m3-monthly" is ``load_pretrained("m3-monthly")``
fitted on the training part (zero-shot: its network, trained on M3, is
frozen), forecasting the 18 test months directly, and "pretrained,
fine-tuned K" the same with ``max_iter=K`` (``--fine-tune``); they are
scored on the monthly series of positive values only (all six here).

Scores: RMSE over the test part, for each task, printed as the ratio to
AutoETS's RMSE on the same series (below 1: better than AutoETS), then the
geometric mean of the ratios over the series (and over the monthly ones),
how many series each method beats AutoETS on, and the wall time of each
method. With ``--seeds N`` each
LSTM row is fitted with seeds ``--seed`` .. ``--seed + N - 1`` and its RMSE
on a series is the mean over the seeds (AutoETS is deterministic, so that is
the mean of the seeds' ratios): the expected score of one fit, not of an
ensemble. Run::

    pip install -e ".[benchmark]"
    python benchmarks/single_series.py                 # all 16 series, one seed
    python benchmarks/single_series.py --seeds 3 --csv scores.csv
    python benchmarks/single_series.py --series nile wineind taylor_hourly
    python benchmarks/single_series.py --quick         # smoke run, 2 series, tiny nets
    python benchmarks/single_series.py --list          # the set, without fitting
"""

import argparse
import ast
import csv
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

if not __package__:  # run as a file: import the benchmarks as a package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import rmse  # noqa: E402
from benchmarks.m3 import sklearn_method, statsforecast_method  # noqa: E402

LAST = 500  # a longer series is cut to its last LAST points
REFERENCE = "AutoETS"

# The settings that were make_lstm_forecaster's defaults at commit 597b6d6
# (its kind and reference, DEFAULT_LSTM_PARAMS there, and LSTMRegressor's own
# loss and early_stopping), passed to the factory as keyword arguments; its
# "seq" step was "passthrough", which SequenceReshaper(layout="window") is.
BEFORE = {
    "kind": "diff",
    "reference": "last",
    "units": 16,
    "max_iter": 50,
    "batch_size": 16,
    "learning_rate_init": 0.001,
    "loss": "squared_error",
    "early_stopping": False,
}
# Rows of make_lstm_forecaster(seasonal_period=p, random_state=seed, **params):
# one more row is one more line.
LSTM_ROWS = {
    "sklstm default": {},  # the library's default route: nothing else set
    "sklstm 597b6d6": BEFORE,
}
FINE_TUNE = 3  # epochs of the fine-tuned pretrained row: load_pretrained's default
QUICK = {"max_iter": 2, "units": 4}  # --quick: tiny nets for every LSTM row
QUICK_SERIES = ["nile", "airpassengers"]  # airpassengers: the pretrained row runs


# --- the series --------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One series: where it comes from and how it is split."""

    source: str  # package, loader and column
    frequency: str  # in words
    period: "int | None"  # seasonal_period (12, 4, 7, 24 or None) and season_length
    h: int  # test points: the last h
    note: str = ""  # what was done to the loaded values


def _pmdarima(loader, start, freq, labels=None):
    """A ``pmdarima.datasets`` series with a ``PeriodIndex`` from ``start``.

    ``labels``: the ``strftime`` format of the loader's own index labels
    (``"year"``: integer years), checked against the index built here.
    """

    def load():
        from pmdarima import datasets

        raw = getattr(datasets, loader)(as_series=True)
        raw = _drop_trailing_nan(raw, loader)
        index = pd.period_range(start, periods=len(raw), freq=freq)
        if labels == "year":
            expected = list(index.year)
        elif labels is not None:
            expected = list(index.strftime(labels))
        if labels is not None and list(raw.index) != expected:
            raise ValueError(f"{loader}: index {raw.index[:3]} is not {expected[:3]}")
        return pd.Series(raw.to_numpy(float), index=index)

    return load


def _drop_trailing_nan(raw, what):
    missing = np.flatnonzero(raw.isna().to_numpy())
    if len(missing) and missing[0] != len(raw) - len(missing):
        raise ValueError(f"{what}: missing values inside the series at {missing}")
    return raw.iloc[: len(raw) - len(missing)]


def _taylor(points_per_step, freq):
    """pmdarima's ``taylor`` (half-hourly demand, Monday 2000-06-05 to Sunday
    2000-08-27), averaged over ``points_per_step`` half-hours."""

    def load():
        from pmdarima.datasets import load_taylor

        values = load_taylor(as_series=True).to_numpy(float)
        values = values.reshape(-1, points_per_step).mean(axis=1)
        index = pd.period_range("2000-06-05 00:00", periods=len(values), freq=freq)
        return pd.Series(values, index=index)

    return load


def _statsmodels(name, column, freq, start=None, time=None):
    """A column of a ``statsmodels.datasets`` table.

    ``time``: the column(s) that date the rows (years; years and quarters),
    checked against the ``PeriodIndex`` built from the first row; without
    it the table's own ``DatetimeIndex`` is converted to periods.
    """

    def load():
        import importlib

        data = importlib.import_module(f"statsmodels.datasets.{name}").load_pandas().data
        if time is None:
            values = data[column]
            index = values.index.to_period(freq)
        else:
            values = data[column]
            first = data.iloc[0]
            if freq == "Q":
                index = pd.period_range(
                    f"{int(first[time[0]])}Q{int(first[time[1]])}", periods=len(data), freq="Q"
                )
                ok = (index.year == data[time[0]]).all() & (index.quarter == data[time[1]]).all()
            else:
                index = pd.period_range(str(int(first[time[0]])), periods=len(data), freq=freq)
                ok = (index.year == data[time[0]]).all()
            if not ok:
                raise ValueError(f"statsmodels {name}: the rows are not consecutive")
        series = pd.Series(values.to_numpy(float), index=index)
        return series.ffill()  # co2: a few missing weeks (none in its last 500)

    return load


def _co2_monthly():
    """statsmodels' weekly ``co2``, the mean of each month's measured weeks,
    from the month after the last month without any (1964-04)."""
    from statsmodels.datasets import co2

    weekly = co2.load_pandas().data["co2"]
    monthly = weekly.groupby(weekly.index.to_period("M")).mean()
    monthly = monthly.loc[monthly.index[monthly.isna()][-1] + 1 :]
    return pd.Series(monthly.to_numpy(float), index=monthly.index)


def _seatbelts():
    """sktime's ``seatbelts`` table, column KSI (one row per month, 1969-1984)."""
    from importlib import resources

    with resources.as_file(
        resources.files("sktime.datasets") / "data" / "seatbelts" / "seatbelts.csv"
    ) as path:
        data = pd.read_csv(path, index_col=0, parse_dates=True)
    index = data.index.to_period("M")
    if not (index == pd.period_range(index[0], periods=len(index), freq="M")).all():
        raise ValueError("seatbelts: the rows are not consecutive months")
    return pd.Series(data["KSI"].to_numpy(float), index=index)


def _elnino():
    """statsmodels' ``elnino``: one row per year, one column per month."""
    from statsmodels.datasets import elnino

    data = elnino.load_pandas().data
    values = data.drop(columns="YEAR").to_numpy(float).ravel()
    start = f"{int(data['YEAR'].iloc[0])}-01"
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"))


SERIES = {
    # monthly
    "wineind": Entry("pmdarima.datasets.load_wineind", "monthly", 12, 18),
    "elec_equip": Entry("statsmodels.datasets.elec_equip (its one column)", "monthly", 12, 18),
    "elnino": Entry(
        "statsmodels.datasets.elnino (JAN..DEC per YEAR)",
        "monthly",
        12,
        18,
        "sea surface temperature; the 12 month columns read row by row",
    ),
    "airpassengers": Entry("pmdarima.datasets.load_airpassengers", "monthly", 12, 18),
    "co2_monthly": Entry(
        "statsmodels.datasets.co2, column co2",
        "monthly",
        12,
        18,
        "the mean of each month's measured weeks, from 1964-05 (before it, whole months "
        "are missing)",
    ),
    "seatbelts_ksi": Entry(
        "sktime.datasets (data/seatbelts/seatbelts.csv), column KSI", "monthly", 12, 18
    ),
    # quarterly
    "woolyrnq": Entry("pmdarima.datasets.load_woolyrnq", "quarterly", 4, 8),
    "ausbeer": Entry(
        "pmdarima.datasets.load_ausbeer",
        "quarterly",
        4,
        8,
        "the loader's trailing missing quarter dropped",
    ),
    "realgdp": Entry("statsmodels.datasets.macrodata, column realgdp", "quarterly", 4, 8),
    "unemp": Entry("statsmodels.datasets.macrodata, column unemp", "quarterly", 4, 8),
    # annual
    "nile": Entry("statsmodels.datasets.nile, column volume", "annual", None, 6),
    "sunspots": Entry("statsmodels.datasets.sunspots, column SUNACTIVITY", "annual", None, 6),
    "lynx": Entry("pmdarima.datasets.load_lynx", "annual", None, 6),
    # weekly, daily, hourly
    "co2": Entry(
        "statsmodels.datasets.co2, column co2",
        "weekly (Saturdays)",
        None,
        13,
        "the last 500 of 2284 weeks (no missing week among them)",
    ),
    "taylor_daily": Entry(
        "pmdarima.datasets.load_taylor",
        "daily",
        7,
        14,
        "the mean of each day's 48 half-hourly demands",
    ),
    "taylor_hourly": Entry(
        "pmdarima.datasets.load_taylor",
        "hourly",
        24,
        24,
        "the mean of each hour's 2 half-hourly demands; the last 500 of 2016 hours",
    ),
}

LOADERS = {
    "wineind": _pmdarima("load_wineind", "1980-01", "M", labels="%b %Y"),
    "elec_equip": _statsmodels("elec_equip", "STS.M.I7.W.TOVT.NS0016.4.000", "M"),
    "elnino": _elnino,
    "airpassengers": _pmdarima("load_airpassengers", "1949-01", "M"),
    "co2_monthly": _co2_monthly,
    "seatbelts_ksi": _seatbelts,
    "woolyrnq": _pmdarima("load_woolyrnq", "1965Q1", "Q", labels="Q%q %Y"),
    "ausbeer": _pmdarima("load_ausbeer", "1956Q1", "Q"),
    "realgdp": _statsmodels("macrodata", "realgdp", "Q", time=("year", "quarter")),
    "unemp": _statsmodels("macrodata", "unemp", "Q", time=("year", "quarter")),
    "nile": _statsmodels("nile", "volume", "Y", time=("year",)),
    "sunspots": _statsmodels("sunspots", "SUNACTIVITY", "Y", time=("YEAR",)),
    "lynx": _pmdarima("load_lynx", "1821", "Y", labels="year"),
    "co2": _statsmodels("co2", "co2", "W-SAT"),
    "taylor_daily": _taylor(48, "D"),
    "taylor_hourly": _taylor(2, "h"),
}


def load(name):
    """The series ``name``: its last ``LAST`` points, and its full length."""
    series = LOADERS[name]()
    series.name = "y"
    return series.iloc[-LAST:], len(series)


# --- the methods -------------------------------------------------------------
# Each is run(train, test, period, seed) -> (h-step forecast, one-step forecasts).


def persistence(train, test, period, seed):
    train, test = train.to_numpy(), test.to_numpy()
    return np.full(len(test), train[-1]), np.r_[train[-1], test[:-1]]


def statsforecast_row(model_name):
    def run(train, test, period, seed):
        from statsforecast import models

        make = getattr(models, model_name)
        return statsforecast_method(lambda: make(season_length=period or 1))(
            train.to_numpy(), test.to_numpy()
        )

    return run


def lstm_row(params, quick):
    """``make_lstm_forecaster(seasonal_period=p, random_state=seed, **params)``,
    forecasting recursively (``benchmarks.m3.sklearn_method``)."""
    params = {**params, **QUICK} if quick else dict(params)

    def run(train, test, period, seed):
        from sklstm import make_lstm_forecaster

        def make():
            return make_lstm_forecaster(seasonal_period=period, random_state=seed, **params)

        return sklearn_method(make, "recursive")(train, test)

    run.seeded = True
    return run


def pretrained_row(name, max_iter=0):
    """``load_pretrained(name, max_iter=max_iter)`` fitted on the training part
    (zero-shot, or fine-tuned ``max_iter`` epochs), the h steps read off its
    direct outputs. Only for the series it is made for (monthly, positive, h
    up to its 18 outputs): None for the others."""

    def run(train, test, period, seed):
        from sklstm import load_pretrained

        # made for: monthly, 18 outputs, positive values (known from the training part)
        if period != 12 or len(test) > 18 or (train <= 0).any():
            return None

        def make():
            return load_pretrained(name, max_iter=max_iter, random_state=seed)

        return sklearn_method(make, "direct")(train, test)

    run.seeded = max_iter > 0
    return run


def methods(quick, candidates=(), fine_tune=()):
    found = {
        "persistence": persistence,
        "AutoETS": statsforecast_row("AutoETS"),
        "AutoTheta": statsforecast_row("AutoTheta"),
    }
    for name, params in LSTM_ROWS.items():
        found[name] = lstm_row(params, quick)
    found["pretrained m3-monthly"] = pretrained_row("m3-monthly")
    for k in fine_tune:
        found[f"pretrained, fine-tuned {k}"] = pretrained_row("m3-monthly", k)
    for text in candidates:  # --candidate KEY=VALUE[,KEY=VALUE]: one more row
        params = {}
        for item in text.split(","):
            key, value = item.split("=", 1)
            try:
                params[key] = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                params[key] = value
        found[f"sklstm {text}"] = lstm_row(params, quick)
    return found


# --- the run -----------------------------------------------------------------


def evaluate(data, runners, seeds, *, log):
    """RMSE (one step, h steps) of every method on every series, mean over seeds.

    Returns ``scores[method][series] = (one step, h steps)``, the wall time
    of each method, every single score (for ``--csv``) and the failures.
    """
    scores, walls, records, failures = {}, {}, [], []
    for method, run in runners.items():
        started = time.perf_counter()
        scores[method] = {}
        for name, series in data.items():
            h = SERIES[name].h
            train, test = series.iloc[:-h], series.iloc[-h:]
            per_seed = []
            for seed in seeds if getattr(run, "seeded", False) else [None]:
                try:
                    result = run(train, test, SERIES[name].period, seed)
                except Exception as error:  # noqa: BLE001 (reported at the end)
                    failures.append(f"{method} on {name} (seed {seed}): {error!r}")
                    log(f"  {method} on {name}: FAILED {error!r}")
                    continue
                if result is None:  # a method made for other series: not scored
                    continue
                multi, one_step = result
                pair = (rmse(test, one_step), rmse(test, multi))
                per_seed.append(pair)
                records.append([name, method, seed, len(train), h, *pair])
            if per_seed:
                scores[method][name] = tuple(np.mean(per_seed, axis=0))
                log(
                    f"  {method} on {name}: RMSE {scores[method][name][0]:.4g} one step, "
                    f"{scores[method][name][1]:.4g} over {h} steps"
                )
        walls[method] = time.perf_counter() - started
        log(f"{method}: done in {walls[method]:.1f} s")
    return scores, walls, records, failures


def table(data, scores, walls, seeds):
    """Per series the ratio of each method's RMSE to AutoETS's, then summaries."""
    names = list(data)
    others = [m for m in scores if m != REFERENCE]
    width = max(14, *(len(m) for m in others))
    lines = []
    for task, position in (("one step", 0), ("h steps", 1)):
        lines.append("")
        lines.append(
            f"RMSE {task} ahead: ratio to {REFERENCE} (below 1: better); {REFERENCE}'s own RMSE"
        )
        lines.append(
            f"{'series':14} {'n':>4} {'p':>3} {'h':>3}  {REFERENCE + ' RMSE':>13}"
            + "".join(f" {m:>{width}}" for m in others)
        )
        ratios = {m: [] for m in others}
        for name in names:
            entry = SERIES[name]
            reference = scores[REFERENCE].get(name, (np.nan, np.nan))[position]
            cells = []
            for m in others:
                ratio = scores[m].get(name, (np.nan, np.nan))[position] / reference
                ratios[m].append(ratio)
                cells.append(f" {ratio:>{width}.3f}")
            lines.append(
                f"{name:14} {len(data[name]):4d} {str(entry.period or '-'):>3} {entry.h:3d}"
                f"  {reference:13.4g}" + "".join(cells)
            )
        geo = {m: np.exp(np.nanmean(np.log(r))) for m, r in ratios.items()}
        lines.append(
            f"{'geometric mean':28} {1.0:13.3f}" + "".join(f" {geo[m]:>{width}.3f}" for m in others)
        )
        monthly = [i for i, name in enumerate(names) if SERIES[name].period == 12]
        if monthly and len(monthly) < len(names):
            geo = {m: np.exp(np.nanmean(np.log(np.asarray(r)[monthly]))) for m, r in ratios.items()}
            lines.append(
                f"{'geometric mean, monthly':28} {1.0:13.3f}"
                + "".join(f" {geo[m]:>{width}.3f}" for m in others)
            )
        wins = {
            m: f"{int(np.sum(np.asarray(r) < 1))}/{np.sum(np.isfinite(r))}"
            for m, r in ratios.items()
        }
        lines.append(
            f"{'beats ' + REFERENCE:28} {'-':>13}" + "".join(f" {wins[m]:>{width}}" for m in others)
        )
    lines.append("")
    seeds_note = f" (LSTM rows: {len(seeds)} seed{'s' * (len(seeds) > 1)} each)"
    lines.append(f"wall time, all {len(names)} series{seeds_note}:")
    for method, wall in walls.items():
        lines.append(f"  {method:{width}} {wall:8.1f} s")
    return "\n".join(lines)


def describe(data, lengths):
    lines = [f"{'series':14} {'n':>4} {'of':>5} {'frequency':19} {'p':>3} {'h':>3}  source"]
    for name, series in data.items():
        entry = SERIES[name]
        lines.append(
            f"{name:14} {len(series):4d} {lengths[name]:5d} {entry.frequency:19}"
            f" {str(entry.period or '-'):>3} {entry.h:3d}  {entry.source}"
            f" [{series.index[0]} .. {series.index[-1]}]"
            + (f"; {entry.note}" if entry.note else "")
        )
    return "\n".join(lines)


def warm_up(data):
    """Load TensorFlow and fit one tiny network, untimed: the first LSTM row's
    wall time is then its own fits, not the import."""
    from sklstm import make_lstm_forecaster, to_supervised

    series = next(iter(data.values()))
    make_lstm_forecaster(max_iter=1, units=2, random_state=0).fit(*to_supervised(series))


def _log(message):
    print(message, file=sys.stderr, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--series", nargs="+", choices=list(SERIES), default=None, help="a subset, by name"
    )
    parser.add_argument("--seeds", type=int, default=1, help="seeds per LSTM row (mean RMSE)")
    parser.add_argument("--seed", type=int, default=0, help="the first seed")
    parser.add_argument(
        "--quick", action="store_true", help=f"smoke run: {QUICK_SERIES}, tiny nets {QUICK}"
    )
    parser.add_argument("--csv", type=Path, default=None, help="write every score to PATH")
    parser.add_argument(
        "--validation",
        action="store_true",
        help="score on the last h points of each training part (for choosing: no test point)",
    )
    parser.add_argument(
        "--candidate",
        action="append",
        default=[],
        metavar="KEY=VALUE[,KEY=VALUE]",
        help="one more LSTM row: make_lstm_forecaster arguments",
    )
    parser.add_argument(
        "--fine-tune",
        type=int,
        nargs="*",
        default=[FINE_TUNE],
        metavar="K",
        help=f"rows of the pretrained network fine-tuned K epochs (default {FINE_TUNE})",
    )
    parser.add_argument("--list", action="store_true", help="describe the set and stop")
    args = parser.parse_args(argv)
    names = args.series or (QUICK_SERIES if args.quick else list(SERIES))
    data, lengths = {}, {}
    for name in names:
        data[name], lengths[name] = load(name)
        if args.validation:  # the test part never enters: validate on the training part
            data[name] = data[name].iloc[: -SERIES[name].h]
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs, pandas {pd.__version__}; "
        f"{len(names)} series, "
        + (
            "VALIDATION: the last h points of each training part (test parts dropped)"
            if args.validation
            else "test part the last h points"
        ),
        flush=True,
    )
    print(describe(data, lengths), flush=True)
    if args.list:
        return None
    from sklstm import make_lstm_forecaster

    params = make_lstm_forecaster().get_params()
    where = {"kind": "kind", "reference": "regressor__relative__reference"}
    shown = {key: params[where.get(key, f"regressor__lstm__{key}")] for key in BEFORE}
    print(f"sklstm default: {shown}" + (f", then {QUICK}" if args.quick else ""))
    seeds = list(range(args.seed, args.seed + args.seeds))
    warm_up(data)
    runners = methods(args.quick, args.candidate, args.fine_tune)
    scores, walls, records, failures = evaluate(data, runners, seeds, log=_log)
    print(table(data, scores, walls, seeds))
    for failure in failures:
        print(f"FAILED: {failure}")
    if args.csv is not None:
        with open(args.csv, "w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(
                ["series", "method", "seed", "n_train", "h", "rmse_one_step", "rmse_h_steps"]
            )
            writer.writerows(records)
    return scores


if __name__ == "__main__":
    main()
