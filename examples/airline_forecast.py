"""Forecast airline passengers one month ahead with an LSTM on the log change.
===========================================================================

An LSTM fitted to the levels of a growing series cannot forecast beyond the
levels it saw in training. Here it learns a *relative* change instead:

* the anchor of each forecast is the seasonal random walk on the log scale,
  ``this month * (same month last year / the month before it)``: this
  month's level moved by last year's change into the coming month;
* ``ChangeRegressor(kind="log", level="anchor")`` fits the pipeline to
  ``log(next month / anchor)``, the correction to that anchor, and turns its
  predictions back into passengers, so the search and the test score are in
  passengers;
* the inputs are the last 13 months relative to the current one
  (``log(lag) - log(current)``) and the month of the year (sine and cosine),
  so the network sees seasonal shapes, not levels.

The pipeline is tuned with ``GridSearchCV`` over ``TimeSeriesSplit`` on the
first 96 months only, then forecasts the last 48 months one step ahead: the
forecast for month ``t + 1`` uses the actual series up to ``t`` (the test
rows' lags come from the actual series, the first ones from the training
part). It is compared with persistence, the seasonal naive forecast and,
when statsmodels is installed, the "airline model" SARIMA(0,1,1)(0,1,1)12 on
the log series, all computed in the same run on the same months.

Run ``python examples/airline_forecast.py`` (about a minute on 2 cores: one
12-candidate grid search per seed, ``--seeds 3`` by default) or ``--quick``
for a smoke run. docs/forecasting.md discusses the figures.
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import Ridge
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sklstm import (
    ChangeRegressor,
    LagFeaturizer,
    LSTMRegressor,
    to_supervised,
)
from sklstm.datasets import load_airline

N_TRAIN_MONTHS = 96  # the rest (48 months) is the test period


# Named module-level functions, so that the fitted pipeline pickles.
def log_relative(lags):
    """Each lag relative to the current value: ``log(lag) - log(current)``.

    A lag before the start of the series (NaN) becomes 0, "as now": the
    one-time-step input below (a 2-D X) needs every input observed.
    """
    logs = np.log(lags)
    return np.nan_to_num(logs - logs[:, -1:])


def month_of_year(X):
    """Sine and cosine of the month of each row's index (a monthly index)."""
    index = getattr(X, "index", None)
    if not hasattr(index, "month"):
        raise TypeError(
            "month_of_year reads the month from the index: pass X as a pandas "
            "object with a PeriodIndex or DatetimeIndex (to_supervised keeps it)."
        )
    angle = 2 * np.pi * (np.asarray(index.month) - 1) / 12
    return np.column_stack([np.sin(angle), np.cos(angle)])


def add_anchor(X, series):
    """Add the seasonal random walk on log, ``x[t] * x[t-11] / x[t-12]``.

    It only uses months up to ``t``, so it is known when forecasting month
    ``t + 1``; the first 12 rows have no anchor and are dropped.
    """
    anchor = series * series.shift(11) / series.shift(12)
    return X.assign(anchor=anchor.loc[X.index]).iloc[12:]


def features(look_back=13):
    """From the passengers column: the last ``look_back`` months relative to
    this one, and the month of the year (from the index)."""
    lags = Pipeline(
        [
            ("window", LagFeaturizer(look_back=look_back)),
            ("relative", FunctionTransformer(log_relative)),
        ]
    )
    # Both get the column as a DataFrame with its index: LagFeaturizer gives
    # test rows that continue the training rows their history.
    return ColumnTransformer(
        [
            ("lags", lags, ["passengers"]),
            ("month", FunctionTransformer(month_of_year), ["passengers"]),
        ]
    )


def lstm_model(epochs=100):
    """LSTM on the log change: the whole input window as one time step (2-D X)."""
    pipe = Pipeline(
        [
            ("features", features()),
            ("scale", StandardScaler()),
            # no SequenceReshaper: LSTMRegressor reads a 2-D X as one time step
            (
                "lstm",
                LSTMRegressor(units=8, epochs=epochs, batch_size=32, learning_rate=0.003),
            ),
        ]
    )
    return ChangeRegressor(pipe, kind="log", level="anchor")


def ridge_model():
    """The same inputs and target, a linear model instead of the LSTM."""
    pipe = Pipeline(
        [("features", features()), ("scale", StandardScaler()), ("ridge", Ridge())]
    )
    return ChangeRegressor(pipe, kind="log", level="anchor")


LOOK_BACK = "regressor__features__lags__window__look_back"
LSTM_GRID = {
    LOOK_BACK: [13, 14],
    "regressor__lstm__batch_size": [16, 32],
    "regressor__lstm__epochs": [25, 50, 100],
}
RIDGE_GRID = {LOOK_BACK: [13, 14], "regressor__ridge__alpha": [0.1, 1.0, 10.0]}
QUICK_GRID = {LOOK_BACK: [13], "regressor__lstm__units": [4, 8]}


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
    """One-step forecasts of SARIMA(0,1,1)(0,1,1)12 on log, or None without statsmodels.

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


def run(seeds=(0, 1, 2), quick=False, n_jobs=1):
    """Tune on the training months, score on the test months; return the results."""
    series = load_airline().astype(float)
    X, y = to_supervised(series)  # X: this month, y: next month (PeriodIndex)
    X = add_anchor(X, series)
    y = y.loc[X.index]
    # Training rows: those whose target lies in the first 96 months.
    n_train = N_TRAIN_MONTHS - 1 - 12
    X_train, y_train = X.iloc[:n_train], y.iloc[:n_train]
    X_test, y_test = X.iloc[n_train:], y.iloc[n_train:]
    n_splits = 2 if quick else 3

    rows = {}  # method -> list of test RMSEs (one per seed, or one)
    notes = {}
    rows["persistence (this month)"] = [
        root_mean_squared_error(y_test, X_test["passengers"])
    ]
    # Same month last year: month t + 1 - 12 for the target month t + 1.
    seasonal = series.shift(12).iloc[N_TRAIN_MONTHS:].to_numpy()
    rows["seasonal naive (last year)"] = [root_mean_squared_error(y_test, seasonal)]
    rows["seasonal random walk on log (the anchor)"] = [
        root_mean_squared_error(y_test, X_test["anchor"])
    ]
    # The anchor on the same validation folds as the searches below: what
    # the networks have to improve on.
    anchor_cv = np.mean([
        root_mean_squared_error(y_train.iloc[test], X_train["anchor"].iloc[test])
        for _, test in TimeSeriesSplit(n_splits=n_splits).split(X_train)
    ])
    notes["anchor"] = f"validation RMSE {anchor_cv:.2f} on the same folds"
    sarima = sarima_forecast(series, N_TRAIN_MONTHS)
    if sarima is None:
        notes["SARIMA"] = "statsmodels is not installed: pip install statsmodels"
    else:
        rows["SARIMA(0,1,1)(0,1,1)12 on log"] = [root_mean_squared_error(y_test, sarima)]

    start = time.perf_counter()
    ridge = search(ridge_model(), RIDGE_GRID, X_train, y_train, n_splits, n_jobs)
    rows["Ridge on the log change, same inputs"] = [
        root_mean_squared_error(y_test, ridge.predict(X_test))
    ]
    notes["Ridge"] = f"best {_short(ridge.best_params_)}, {time.perf_counter() - start:.1f} s"

    grid, epochs = (QUICK_GRID, 3) if quick else (LSTM_GRID, 100)
    lstm_scores, seconds = [], []
    for seed in seeds:
        start = time.perf_counter()
        model = lstm_model(epochs).set_params(regressor__lstm__random_state=seed)
        best = search(model, grid, X_train, y_train, n_splits, n_jobs)
        # Plain fit(train) / predict(test): the test rows continue the
        # training index, so LagFeaturizer gives them the training tail.
        lstm_scores.append(root_mean_squared_error(y_test, best.predict(X_test)))
        seconds.append(time.perf_counter() - start)
        notes[f"LSTM seed {seed}"] = (
            f"best {_short(best.best_params_)}, validation RMSE "
            f"{-best.best_score_:.2f} (worst candidate "
            f"{-best.cv_results_['mean_test_score'].min():.2f}), {seconds[-1]:.1f} s"
        )
    rows["LSTM on the log change (ChangeRegressor)"] = lstm_scores
    return {"rows": rows, "notes": notes, "lstm_seconds": seconds, "seeds": list(seeds)}


def _short(params):
    return ", ".join(f"{k.rsplit('__', 1)[-1]}={v}" for k, v in params.items())


def print_table(results):
    print(f"Test RMSE (passengers), months {N_TRAIN_MONTHS + 1}-144, one step ahead")
    print(f"{'method':<42} | {'test RMSE':>9} | per seed")
    print(f"{'-' * 42}-|-{'-' * 9}-|---------")
    for method, scores in results["rows"].items():
        per_seed = ", ".join(f"{s:.2f}" for s in scores) if len(scores) > 1 else ""
        print(f"{method:<42} | {statistics.median(scores):>9.2f} | {per_seed}")
    print(f"(LSTM: median over seeds {results['seeds']})")
    for what, note in results["notes"].items():
        print(f"  {what}: {note}")


def main(argv=None):
    # split, not splitlines: the docs gallery runs this with __doc__ == "".
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny grid, 3 epochs, 1 seed")
    parser.add_argument("--seeds", type=int, default=None, help="LSTM seeds (default 3)")
    parser.add_argument("--n-jobs", type=int, default=1)
    args = parser.parse_args(argv)
    n_seeds = args.seeds if args.seeds is not None else (1 if args.quick else 3)

    start = time.perf_counter()
    results = run(seeds=range(n_seeds), quick=args.quick, n_jobs=args.n_jobs)
    results["wall_s"] = time.perf_counter() - start
    print_table(results)
    print(f"Wall time: {results['wall_s']:.1f} s")
    return results


if __name__ == "__main__":
    main()
