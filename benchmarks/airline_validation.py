"""Airline: validation RMSE of the LSTM recipe and its rivals, first 96 months only.

``examples/airline_forecast.py`` tunes on the first 96 months and scores the
last 48. This script never reads those 48: it scores candidate designs on
the validation folds of the 95 training rows (the example's
``TimeSeriesSplit(3)``, or ``--test-size 12`` for three folds of 12 months),
so a new design can be judged before a test run. Rows, each the mean over the
folds of the one-step RMSE (passengers):

* SARIMA(0,1,1)(0,1,1)12 on log, refitted on each fold's training months;
* the seasonal random walk with drift, ``x[t] * x[t-11] / x[t-12]``, and the
  same-month change of the past years weighted ``0.7 ** (k - 1)`` for ``k`` years
  back: the base of ``ChangeRegressor(season=SeasonalChanges(12))`` alone, with
  ``season_decay`` 0 and 0.7 (no fit: how far a fixed rule gets);
* the example's LSTM grid search, per seed (``--seeds``): the best
  candidate's scores on the folds it was chosen on, so optimistic, like
  ``GridSearchCV.best_score_`` (the fixed rules and SARIMA choose nothing);
  and the best candidate of each way of handling the season (left to the
  network, seasonal indices, ``SeasonalChanges(12)``);
* ``--m3 PATH``: the global recipe of ``benchmarks/m3.py`` (one step ahead,
  ``seasonal_period=12``), fitted on all M3 monthly series and the fold's
  airline months, then applied to the airline (slow: one fit per fold).

Run::

    pip install -e ".[benchmark]"                          # statsmodels
    python benchmarks/airline_validation.py
    python benchmarks/airline_validation.py --quick         # smoke run
    python benchmarks/airline_validation.py --test-size 12
    python benchmarks/airline_validation.py --m3 PATH/m3_monthly.csv

docs/forecasting.md quotes one run.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.dummy import DummyRegressor
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

if not __package__:  # run as a file: import the benchmarks as a package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import load_example  # noqa: E402
from sklstm import (  # noqa: E402
    ChangeRegressor,
    SeasonalChanges,
    to_supervised,
)

SEASON = 12
N_FOLDS = 3


def sarima_scores(example, series, folds):
    """The example's SARIMA, refitted on each fold's training months; its
    parameters then filter the later months, so each forecast uses the
    actual months before it."""
    scores = []
    for train, test in folds:
        n_months = train[-1] + 2  # the last training row's target month is included
        forecast = example.sarima_forecast(series, n_months)[: len(test)]
        scores.append(root_mean_squared_error(series.iloc[test + 1], forecast))
    return scores


def base_scores(X, y, folds, decay):
    """The seasonal base of ``ChangeRegressor(season=SeasonalChanges(12))`` alone, as a
    rule with no fit: the forecast of a regressor that predicts no change.

    ``decay=0`` is the seasonal random walk with drift; a month with less
    than a year of history keeps its value.
    """
    model = ChangeRegressor(
        DummyRegressor(strategy="constant", constant=0.0),
        kind="log",
        season=SeasonalChanges(SEASON, decay=decay),
    )
    return [
        root_mean_squared_error(
            y.iloc[test], model.fit(X.iloc[train], y.iloc[train]).predict(X.iloc[test])
        )
        for train, test in folds
    ]


def season_mode(params, model):
    """How a candidate handles the season: its ``season`` strategy."""
    season = params.get("season", model.season)
    if season is None:
        return "season left to the network"
    if isinstance(season, SeasonalChanges):
        return "SeasonalChanges(12)"
    return "seasonal indices"


def lstm_scores(example, X, y, cv, seeds, grid):
    """Per seed: the search's best candidate, and the best of each way of
    handling the season, each as ``(name, fold scores, parameters)``."""
    rows = []
    for seed in seeds:
        found = GridSearchCV(
            example.lstm_model(seed),
            grid,
            cv=cv,
            scoring="neg_root_mean_squared_error",
            error_score="raise",
        ).fit(X, y)
        results = found.cv_results_
        model = found.estimator
        modes = [season_mode(params, model) for params in results["params"]]
        best = {"best candidate": found.best_index_}
        for index in np.argsort(results["rank_test_score"], kind="stable"):
            best.setdefault(f"best with {modes[index]}", index)
        for name, index in best.items():
            folds = [-results[f"split{k}_test_score"][index] for k in range(cv.get_n_splits())]
            rows.append((seed, name, folds, results["params"][index]))
    return rows


def global_scores(path, series, folds, quick):
    """The M3 global recipe (seed 0), one step ahead, fitted per fold on M3
    and the fold's airline months."""
    from benchmarks import m3
    from sklstm.datasets import load_m3_monthly

    data = load_m3_monthly(path)
    panel = m3.aligned_panel(data, list(data.info.index), with_test=True)
    airline = pd.DataFrame({"series": "airline", "month": series.index, "y": series.to_numpy()})

    def supervised(frame):
        return to_supervised(frame, target="y", id="series", time="month")

    X_air, y_air = supervised(airline)
    scores = []
    for train, test in folds:
        frame = pd.concat([panel, airline.iloc[: train[-1] + 2]], ignore_index=True)
        model = m3.global_lstm(0, quick)  # the factory's defaults
        model.fit(*supervised(frame))
        forecast = np.asarray(model.predict(X_air)).ravel()
        scores.append(root_mean_squared_error(y_air.iloc[test], forecast[test]))
    return scores


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the example's tiny grid, for CI")
    parser.add_argument("--seeds", type=int, default=None, help="LSTM seeds (default 3)")
    parser.add_argument(
        "--test-size",
        type=int,
        default=None,
        help="months per validation fold (default: the example's folds)",
    )
    parser.add_argument(
        "--m3", type=Path, default=None, help="M3 monthly CSV: also the global recipe fitted on M3"
    )
    args = parser.parse_args(argv)
    try:
        import statsmodels  # noqa: F401
    except ImportError:
        parser.error('the SARIMA row needs statsmodels: pip install -e ".[benchmark]"')

    example = load_example("airline_forecast")
    series = example.load_airline().astype(float).iloc[: example.N_TRAIN_MONTHS]
    X, y = to_supervised(series)  # 95 rows, every target in the first 96 months
    largest = (len(X) - 2 * SEASON) // N_FOLDS
    if args.test_size is not None and not 1 <= args.test_size <= largest:
        parser.error(
            f"--test-size {args.test_size}: use 1 to {largest}, so that "
            f"every fold trains on at least {2 * SEASON} months (SARIMA's seasonal "
            "difference and the rules need two years)"
        )
    cv = TimeSeriesSplit(N_FOLDS, test_size=args.test_size)
    folds = list(cv.split(X))
    print(f"folds (training rows, validation rows): {[(len(a), len(b)) for a, b in folds]}")

    def report(name, scores, extra=""):
        print(
            f"{name:<62} {np.mean(scores):6.2f}  folds {np.round(scores, 2).tolist()} {extra}",
            flush=True,
        )

    start = time.perf_counter()
    report("SARIMA(0,1,1)(0,1,1)12 on log", sarima_scores(example, series, folds))
    report("seasonal random walk with drift", base_scores(X, y, folds, 0.0))
    report("same-month change, past years (0.7 ** (k - 1))", base_scores(X, y, folds, 0.7))
    seeds = range(args.seeds if args.seeds is not None else (1 if args.quick else 3))
    grid = example.QUICK_GRID if args.quick else example.LSTM_GRID
    for seed, name, scores, params in lstm_scores(example, X, y, cv, seeds, grid):
        report(f"make_lstm_forecaster seed {seed}, {name}", scores, example._short(params))
    if args.m3 is not None:
        scores = global_scores(args.m3, series, folds, args.quick)
        report("global recipe fitted on M3 + airline, seed 0", scores)
    print(f"Wall time: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
