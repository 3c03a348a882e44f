"""Forecast airline passengers one month ahead with the LSTM recipe
================================================================

``make_lstm_forecaster`` builds the whole forecaster from library parts, so
no feature function is written by hand:

* ``kind="log"``: the network learns ``log(next month / this month)`` and
  sees the last months relative to this one (``log(lag / this month)``), so
  it reads seasonal shapes, not levels, and a test period above the
  training range is no harder than one inside it;
* ``seasonal_period=12``: the window also holds the month of the year of
  each lag (sine and cosine, from the PeriodIndex that ``to_supervised``
  keeps).

A small ``GridSearchCV`` over ``TimeSeriesSplit`` on the first 96 months
only chooses the window length, the number of epochs and units, and how the
season is handled: left to the network, taken out as seasonal indices, or
the network learns the change from the past years' same-month changes
(``season=SeasonalChanges(12)``, a base that follows a season changing shape over the
years, as SARIMA's seasonal difference does); the tuned model
then forecasts the last 48 months one step ahead (the forecast for month
``t + 1`` uses the actual series up to ``t``). It is compared with
persistence, the seasonal naive forecast, the seasonal base of
``SeasonalChanges(12)`` alone (no network), the same recipe with a Ridge in
place of the LSTM and, when statsmodels is installed, the "airline model"
SARIMA(0,1,1)(0,1,1)12 on the log series, all computed in the same run on
the same months. Finally ``average_seeds`` averages 5 networks with
different seeds, to show what averaging buys over a single seed.

Run ``python examples/airline_forecast.py`` (under 2 minutes on 2 cores:
one 36-candidate grid search per seed, ``--seeds 3`` by default) or ``--quick``
for a smoke run. It prints the test RMSEs and its own run time, and plots the
test months: the actual series, the first seed's tuned LSTM and the two naive
forecasts. docs/forecasting.md discusses the figures.
"""

import argparse
import statistics
import time
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.dummy import DummyRegressor  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.metrics import root_mean_squared_error  # noqa: E402
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit  # noqa: E402

from sklstm import (  # noqa: E402
    ChangeRegressor,
    SeasonalChanges,
    SeasonalIndices,
    average_seeds,
    make_lstm_forecaster,
    to_supervised,
)
from sklstm.datasets import load_airline  # noqa: E402

N_TRAIN_MONTHS = 96  # the rest (48 months) is the test period

LOOK_BACK = "regressor__lags__look_back"


def with_seasons(grid):
    """``grid`` for each way of handling the season: left to the network
    (``season=None``), or taken out with seasonal indices or learned from
    the past years' same-month changes (the ``season`` strategy)."""
    return [{**grid, "season": [None, SeasonalIndices(12), SeasonalChanges(12)]}]


LSTM_GRID = with_seasons(
    {
        LOOK_BACK: [13, 25],
        "regressor__lstm__max_iter": [25, 50, 100],
        "regressor__lstm__units": [8, 16],
    }
)
RIDGE_GRID = with_seasons(
    {
        LOOK_BACK: [13, 25],
        "regressor__lstm__alpha": [1.0, 10.0, 100.0],
    }
)
QUICK_GRID = {
    LOOK_BACK: [13],
    "regressor__lstm__max_iter": [2, 3],
    "season": [SeasonalIndices(12), SeasonalChanges(12)],
}


def lstm_model(seed):
    """The recipe for a positive monthly series."""
    return make_lstm_forecaster(seasonal_period=12, kind="log", random_state=seed)


def ridge_model():
    """The same recipe and inputs, a Ridge instead of the LSTM.

    Missing lags (the first rows of each fold) are filled with 0.
    """
    return lstm_model(None).set_params(
        regressor__seq=SimpleImputer(strategy="constant", fill_value=0.0),
        regressor__lstm=Ridge(),
    )


def search(model, grid, X, y, n_splits, n_jobs):
    """Tune ``model`` over time-ordered folds of ``X, y`` (training rows only)."""
    return GridSearchCV(
        model,
        grid,
        cv=TimeSeriesSplit(n_splits=n_splits),
        scoring="neg_root_mean_squared_error",
        n_jobs=n_jobs,
    ).fit(X, y)


def sarima_forecast(series, n_train):
    """One-step forecasts of SARIMA(0,1,1)(0,1,1)12 on log (None without statsmodels).

    Fitted on the first ``n_train`` months; the test months are then filtered
    with those parameters, so each forecast uses the actual months before it.
    """
    try:
        from statsmodels.tsa.statespace.sarimax import SARIMAX
    except ImportError:
        return None
    logs = np.log(series.astype(float))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on a short series
        fitted = SARIMAX(
            logs.iloc[:n_train], order=(0, 1, 1), seasonal_order=(0, 1, 1, 12)
        ).fit(disp=False)
        whole = fitted.apply(logs)  # the same parameters over the whole series
        return np.exp(whole.predict(start=n_train, end=len(series) - 1)).to_numpy()


def run(seeds=(0, 1, 2), quick=False, n_jobs=1, n_average=5):
    """Tune on the training months, score on the test months; return the results."""
    series = load_airline().astype(float)
    X, y = to_supervised(series)  # X: this month, y: next month (PeriodIndex)
    # Training rows: those whose target lies in the first 96 months.
    n_train = N_TRAIN_MONTHS - 1
    X_train, y_train = X.iloc[:n_train], y.iloc[:n_train]
    X_test, y_test = X.iloc[n_train:], y.iloc[n_train:]
    n_splits = 2 if quick else 3

    rows = {}  # method -> list of test RMSEs (one per seed, or one)
    notes = {}
    persistence = X_test["passengers"].to_numpy()
    rows["persistence (this month)"] = [root_mean_squared_error(y_test, persistence)]
    # Same month last year: month t + 1 - 12 for the target month t + 1.
    seasonal = series.shift(12).iloc[N_TRAIN_MONTHS:].to_numpy()
    rows["seasonal naive (last year)"] = [root_mean_squared_error(y_test, seasonal)]
    # SeasonalChanges(12) with no network: a regressor that predicts no change
    # leaves the seasonal base (this month times the past years' weighted
    # same-month changes). How much does the network add to it?
    base = ChangeRegressor(
        DummyRegressor(strategy="constant", constant=0.0),
        kind="log",
        season=SeasonalChanges(12),
    ).fit(X_train, y_train)
    rows["past years' same-month changes (no network)"] = [
        root_mean_squared_error(y_test, base.predict(X_test))
    ]
    sarima = sarima_forecast(series, N_TRAIN_MONTHS)
    if sarima is None:
        notes["SARIMA"] = "statsmodels is not installed: pip install statsmodels"
    else:
        sarima_rmse = root_mean_squared_error(y_test, sarima)
        rows["SARIMA(0,1,1)(0,1,1)12 on log"] = [sarima_rmse]

    start = time.perf_counter()
    ridge = search(ridge_model(), RIDGE_GRID, X_train, y_train, n_splits, n_jobs)
    ridge_rmse = root_mean_squared_error(y_test, ridge.predict(X_test))
    rows["Ridge in the same recipe"] = [ridge_rmse]
    ridge_seconds = time.perf_counter() - start
    notes["Ridge"] = f"best {_short(ridge.best_params_)}, {ridge_seconds:.1f} s"

    grid = QUICK_GRID if quick else LSTM_GRID
    lstm_scores, seconds, best_models, lstm_forecasts = [], [], [], []
    for seed in seeds:
        start = time.perf_counter()
        best = search(lstm_model(seed), grid, X_train, y_train, n_splits, n_jobs)
        # Plain fit(train) / predict(test): the test rows continue the
        # training index, so LagFeaturizer gives them the training tail.
        lstm_forecasts.append(np.asarray(best.predict(X_test), dtype=float))
        lstm_scores.append(root_mean_squared_error(y_test, lstm_forecasts[-1]))
        best_models.append(best.best_estimator_)
        seconds.append(time.perf_counter() - start)
        notes[f"LSTM seed {seed}"] = (
            f"best {_short(best.best_params_)}, validation RMSE "
            f"{-best.best_score_:.2f} (worst candidate "
            f"{-best.cv_results_['mean_test_score'].min():.2f}), {seconds[-1]:.1f} s"
        )
    rows["make_lstm_forecaster, tuned (per seed)"] = lstm_scores

    # Seed averaging: the first seed's tuned model, n_average networks with
    # different seeds averaged; repeated with as many seed draws as seeds.
    if n_average > 1:
        averaged = []
        for draw in seeds:
            start = time.perf_counter()
            ensemble = average_seeds(best_models[0], n_average, random_state=draw)
            ensemble.fit(X_train, y_train)
            averaged.append(root_mean_squared_error(y_test, ensemble.predict(X_test)))
            notes[f"average of {n_average} seeds, draw {draw}"] = (
                f"{time.perf_counter() - start:.1f} s"
            )
        rows[f"average_seeds(n_seeds={n_average}) of the tuned model"] = averaged
    # The test months' forecasts for the plot, as plain lists (JSON-ready).
    # y is indexed by the month of the input; the forecast is for the next one.
    forecasts = {
        "months": [str(month) for month in y_test.index + 1],
        "actual": y_test.tolist(),
        "persistence (this month)": persistence.tolist(),
        "seasonal naive (last year)": seasonal.tolist(),
    }
    if lstm_forecasts:
        forecasts[f"tuned LSTM recipe, seed {seeds[0]}"] = lstm_forecasts[0].tolist()
    return {
        "rows": rows,
        "notes": notes,
        "lstm_seconds": seconds,
        "seeds": list(seeds),
        "forecasts": forecasts,
    }


def _short(params):
    return ", ".join(f"{k.rsplit('__', 1)[-1]}={v}" for k, v in params.items())


def print_table(results):
    print(f"Test RMSE (passengers), months {N_TRAIN_MONTHS + 1}-144, one step ahead")
    print(f"{'method':<44} | {'test RMSE':>9} | per seed (or seed draw)")
    print(f"{'-' * 44}-|-{'-' * 9}-|---------")
    for method, scores in results["rows"].items():
        per_seed = ", ".join(f"{s:.2f}" for s in scores) if len(scores) > 1 else ""
        print(f"{method:<44} | {statistics.median(scores):>9.2f} | {per_seed}")
    print(f"(LSTM rows: median over seeds {results['seeds']})")
    for what, note in results["notes"].items():
        print(f"  {what}: {note}")


def plot_forecasts(results, output):
    """Plot the test months: actual, the tuned LSTM and the naive forecasts."""
    forecasts = dict(results["forecasts"])
    when = pd.PeriodIndex(forecasts.pop("months"), freq="M").to_timestamp()
    actual = np.asarray(forecasts.pop("actual"))
    styles = {
        "persistence": {"color": "0.5", "linestyle": ":"},
        "seasonal naive": {"color": "tab:green", "linestyle": "--"},
        "tuned LSTM": {"color": "tab:blue"},
    }
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(when, actual, color="0.2", linewidth=2, label="actual")
    for name, forecast in forecasts.items():
        style = next(s for key, s in styles.items() if name.startswith(key))
        rmse = root_mean_squared_error(actual, forecast)
        ax.plot(when, forecast, label=f"{name} (RMSE {rmse:.1f})", **style)
    ax.set_ylabel("passengers (thousands)")
    ax.set_title(f"Test months {N_TRAIN_MONTHS + 1}-144, forecast one month ahead")
    ax.legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    fig.savefig(output, dpi=100)
    print(f"Plot written to {output}")
    return fig


def main(argv=None):
    # split, not splitlines: the docs gallery runs this with __doc__ == "".
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="tiny grid, 3 epochs, 1 seed"
    )
    parser.add_argument(
        "--seeds", type=int, default=None, help="LSTM seeds (default 3)"
    )
    parser.add_argument(
        "--average",
        type=int,
        default=None,
        help="networks per seed average (default 5)",
    )
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--output", default="airline_forecast.png")
    args = parser.parse_args(argv)
    n_seeds = args.seeds if args.seeds is not None else (1 if args.quick else 3)
    n_average = args.average if args.average is not None else (2 if args.quick else 5)

    start = time.perf_counter()
    results = run(
        seeds=range(n_seeds), quick=args.quick, n_jobs=args.n_jobs, n_average=n_average
    )
    results["wall_s"] = time.perf_counter() - start
    print_table(results)
    print(f"Wall time: {results['wall_s']:.1f} s")
    plot_forecasts(results, args.output)
    return results


if __name__ == "__main__":
    main()
