"""Airline: validation RMSE of the LSTM recipe and its rivals, first 96 months only.

``examples/airline_forecast.py`` tunes on the first 96 months and scores the
last 48. This script never reads those 48: it scores candidate designs on
the validation folds of the 95 training rows (the example's
``TimeSeriesSplit(3)``, or ``--test-size 12`` for three folds of 12 months),
so a new design can be judged before a test run. Rows, each the mean over the
folds of the one-step RMSE (passengers):

* SARIMA(0,1,1)(0,1,1)12 on log, refitted on each fold's training months;
* the seasonal random walk with drift, ``x[t] * x[t-11] / x[t-12]`` (no fit);
* the same-month change of the past years, weighted ``0.7 ** k`` for ``k``
  years back (no fit: how far a fixed rule gets);
* the example's LSTM grid search, per seed (``--seeds``): the best
  candidate's scores on the folds it was chosen on, so optimistic, like
  ``GridSearchCV.best_score_`` (the fixed rules and SARIMA choose nothing);
* ``--anchor``: the same recipe with the seasonal random walk with drift
  as ``ChangeRegressor``'s level, an extra column made by hand (the network
  learns the correction to it);
* ``--m3 PATH``: the global recipe of ``benchmarks/m3.py`` (one step ahead,
  ``seasonal_period=12``), fitted on all M3 monthly series and the fold's
  airline months, then applied to the airline (slow: one fit per fold).

Run::

    pip install -e ".[benchmark]"                          # statsmodels
    python benchmarks/airline_validation.py
    python benchmarks/airline_validation.py --quick         # smoke run
    python benchmarks/airline_validation.py --anchor --test-size 12
    python benchmarks/airline_validation.py --m3 ../shared/data/m3_monthly.csv

docs/forecasting.md quotes one run.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from airline_accuracy import load_example  # noqa: E402

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


def rule_scores(values, folds, forecast):
    """RMSE of ``forecast(t)``, the forecast of month ``t + 1`` from months up to ``t``."""
    return [
        root_mean_squared_error(values[test + 1], [forecast(t) for t in test])
        for _, test in folds
    ]


def seasonal_random_walk(values):
    """This month times last year's change to the next month (the last value
    for a month with less than a year of history)."""
    return weighted_seasonal_change(values, weight=0.0)  # 0.0 ** 0 == 1: last year only


def weighted_seasonal_change(values, weight=0.7):
    """This month times the past years' change to the next month, the year
    ``k`` years back weighted ``weight ** k`` (the last value for a month
    with less than a year of history)."""
    logs = np.log(values)

    def forecast(t):
        if t < SEASON:
            return values[t]
        back = t - SEASON - SEASON * np.arange(t // SEASON)  # the same month, k years back
        changes = logs[back + 1] - logs[back]
        weights = weight ** np.arange(len(changes))
        return np.exp(logs[t] + weights @ changes / weights.sum())

    return forecast


def anchored(model, X, values, grid):
    """``model``, ``X`` and ``grid`` with the seasonal random walk as the level.

    The anchor is an extra column of ``X`` (so its lag windows, relative to
    its own current value, are inputs too), built here by hand: the library
    has no such option. It carries the season, so none is taken out.
    """
    anchor = values[: len(X)].copy()
    t = np.arange(SEASON, len(X))
    anchor[t] = values[t] * values[t - SEASON + 1] / values[t - SEASON]
    grid = {key: value for key, value in grid.items() if key != "seasonal_period"}
    model = model.set_params(level="anchor", seasonal_period=None)
    return model, X.assign(anchor=anchor), grid


def lstm_scores(example, X, y, cv, seeds, anchor, values, grid):
    rows = []
    for seed in seeds:
        model, X_seed, grid_seed = example.lstm_model(seed), X, grid
        if anchor:
            model, X_seed, grid_seed = anchored(model, X, values, grid)
        found = GridSearchCV(
            model, grid_seed, cv=cv, scoring="neg_root_mean_squared_error",
            error_score="raise",
        ).fit(X_seed, y)
        folds = [-found.cv_results_[f"split{k}_test_score"][found.best_index_]
                 for k in range(cv.get_n_splits())]
        rows.append((seed, folds, found.best_params_))
    return rows


def global_scores(path, series, folds, quick):
    """The M3 global recipe (seed 0), one step ahead, fitted per fold on M3
    and the fold's airline months."""
    import m3  # benchmarks/m3.py

    from sklstm import SequenceReshaper, to_supervised
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
        model = m3.global_lstm(0, quick).set_params(
            regressor__relative__reference=12, regressor__seq=SequenceReshaper()
        )
        model.fit(*m3.by_time(*supervised(frame)))
        forecast = np.asarray(model.predict(X_air)).ravel()
        scores.append(root_mean_squared_error(y_air.iloc[test], forecast[test]))
    return scores


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the example's tiny grid, for CI")
    parser.add_argument("--seeds", type=int, default=None, help="LSTM seeds (default 3)")
    parser.add_argument("--test-size", type=int, default=None,
                        help="months per validation fold (default: the example's folds)")
    parser.add_argument("--anchor", action="store_true",
                        help="also the recipe anchored on the seasonal random walk")
    parser.add_argument("--m3", type=Path, default=None,
                        help="M3 monthly CSV: also the global recipe fitted on M3")
    args = parser.parse_args(argv)
    try:
        import statsmodels  # noqa: F401
    except ImportError:
        parser.error('the SARIMA row needs statsmodels: pip install -e ".[benchmark]"')

    from sklstm import to_supervised

    example = load_example()
    series = example.load_airline().astype(float).iloc[: example.N_TRAIN_MONTHS]
    values = series.to_numpy()
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
        print(f"{name:<46} {np.mean(scores):6.2f}  folds {np.round(scores, 2).tolist()} {extra}",
              flush=True)

    start = time.perf_counter()
    report("SARIMA(0,1,1)(0,1,1)12 on log", sarima_scores(example, series, folds))
    walk = seasonal_random_walk(values)
    report("seasonal random walk with drift", rule_scores(values, folds, walk))
    report("same-month change, past years (0.7 ** k)",
           rule_scores(values, folds, weighted_seasonal_change(values)))
    seeds = range(args.seeds if args.seeds is not None else (1 if args.quick else 3))
    grid = example.QUICK_GRID if args.quick else example.LSTM_GRID
    variants = [("make_lstm_forecaster, tuned", False)]
    if args.anchor:
        variants.append(("  anchored on the seasonal random walk", True))
    for name, anchor in variants:
        for seed, scores, best in lstm_scores(example, X, y, cv, seeds, anchor, values, grid):
            report(f"{name}, seed {seed}", scores, example._short(best))
    if args.m3 is not None:
        scores = global_scores(args.m3, series, folds, args.quick)
        report("global recipe fitted on M3 + airline, seed 0", scores)
    print(f"Wall time: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
