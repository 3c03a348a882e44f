"""80% forecast intervals: the quantile LSTM against MAPIE's conformal intervals.

Two ways to get an interval from sklstm:

* **quantile LSTM**: ``LSTMRegressor(loss="quantile", quantiles=(0.1, 0.5,
  0.9))``, one network trained with the pinball loss; the interval is its
  0.1 and 0.9 quantiles;
* **conformal (MAPIE)**: a point LSTM (the usual mean squared error) fitted
  on the earlier part of the training data, widened by the error size that
  covered 80% of its one-step errors on the later part (the calibration
  part): MAPIE's ``SplitConformalRegressor``, and on the airline series also
  its online ``TimeSeriesRegressor`` (EnbPI), as in
  ``examples/airline_intervals.py``.

Both are scored on data no model or setting saw: empirical coverage (the
share of test values inside their interval; nominal 0.80) and mean width.

**Airline** (the split of ``examples/airline_intervals.py``: windows of the
monthly log growth, train 60%, calibration 20%, test 20%, one month ahead;
the example's network settings). The quantile LSTM is trained twice: on
the training months only (the data of MAPIE's model), and on training plus
calibration months, early-stopped on the calibration months.

**M3 monthly** (a seeded sample of the series with at least 81 training
months; the one-step task of ``benchmarks/m3.py``: each of the 18 test
months forecast from the actual history before it, models fitted on the
training part only). The quantile forecaster is ``make_lstm_forecaster(
seasonal_period=12, loss="quantile")`` fitted on the whole training part;
the conformal one is ``make_lstm_forecaster(seasonal_period=12)`` fitted on
the training part but its last 18 months, calibrated on those 18 months.
Widths are relative: the interval's width over the mean of the series'
training part, in percent, averaged over the series.

Nothing is tuned: every setting is the recipe's default or the example's,
fixed before any test month was looked at. Run::

    pip install -e ".[benchmark,intervals]"
    python benchmarks/intervals.py                 # airline + 50 M3 series
    python benchmarks/intervals.py --series 100 --seed 1
    python benchmarks/intervals.py --skip-airline --ahead   # + 18 steps ahead
    python benchmarks/intervals.py --quick         # smoke run, < 1 minute

docs/intervals.md quotes runs of it.
"""

import argparse
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin

if not __package__:  # run as a file: import the benchmarks as a package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.m3 import DEFAULT_DATA, select  # noqa: E402

LEVELS = (0.1, 0.5, 0.9)
CONFIDENCE = 0.8
M3_HORIZON = 18
M3_CALIBRATION = 18  # months held out of the training part for MAPIE


class Lookup(RegressorMixin, BaseEstimator):
    """A prefit "model" whose predictions were made beforehand, found by row position.

    MAPIE hands the rows to the model as a bare array, so a pipeline that
    builds its lags (and calendar features) from a dated history cannot
    predict them. The forecaster predicts the whole series once, from its
    history; MAPIE then sees rows ``[[position]]`` and this looks their
    forecasts up.
    """

    def __init__(self, predictions=None):
        self.predictions = predictions

    def fit(self, X, y=None):
        self.n_features_in_ = 1
        return self

    def predict(self, X):
        return np.asarray(self.predictions)[np.asarray(X, dtype=int)[:, 0]]


def split_conformal(predictions, calibration, test, y_calibration):
    """MAPIE's split conformal interval for rows ``test``, calibrated on ``calibration``."""
    from mapie.regression import SplitConformalRegressor

    model = Lookup(predictions).fit(None)
    conformal = SplitConformalRegressor(model, confidence_level=CONFIDENCE, prefit=True)
    conformal.conformalize(np.asarray(calibration)[:, None], np.asarray(y_calibration))
    _, bounds = conformal.predict_interval(np.asarray(test)[:, None])
    return bounds[:, 0, 0], bounds[:, 1, 0]


def conformalized_quantiles(bands, calibration, test, y_calibration):
    """MAPIE's conformalized quantile regression (CQR) of the 0.1/0.9 quantiles.

    ``bands`` holds the quantile model's (0.1, 0.5, 0.9) forecasts for every
    row; the interval for rows ``test`` is widened (or narrowed) by the
    quantile-score that covered 80% of the rows ``calibration``.
    """
    from mapie.regression import ConformalizedQuantileRegressor

    lower, upper, median = (Lookup(bands[:, i]).fit(None) for i in (0, 2, 1))
    cqr = ConformalizedQuantileRegressor(
        [lower, upper, median], confidence_level=CONFIDENCE, prefit=True
    )
    cqr.conformalize(np.asarray(calibration)[:, None], np.asarray(y_calibration))
    _, bounds = cqr.predict_interval(np.asarray(test)[:, None])
    return bounds[:, 0, 0], bounds[:, 1, 0]


def score(lower, upper, truth):
    lower, upper, truth = (np.asarray(a, dtype=float) for a in (lower, upper, truth))
    return float(np.mean((lower <= truth) & (truth <= upper))), float(np.mean(upper - lower))


# --- airline -----------------------------------------------------------------


def airline(epochs, seed):
    """Coverage and mean width (passengers) of each interval on the airline test months."""
    from mapie.regression import SplitConformalRegressor, TimeSeriesRegressor
    from sklearn.base import clone
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from sklstm import LagFeaturizer, LSTMRegressor, SequenceReshaper, to_supervised
    from sklstm.datasets import load_airline

    passengers = load_airline().astype(float)
    growth = np.log(passengers).diff().dropna().rename("growth")
    look_back = 12
    windows = (
        LagFeaturizer(look_back=look_back)
        .set_output(transform="pandas")
        .fit_transform(growth.to_frame())
        .iloc[look_back - 1 :]
    )
    X, y = to_supervised(windows, target="growth_lag0")
    n_train, n_cal = int(len(X) * 0.6), int(len(X) * 0.8)
    X_train, X_cal, X_test = X.iloc[:n_train], X.iloc[n_train:n_cal], X.iloc[n_cal:]
    y_train, y_cal, y_test = y.iloc[:n_train], y.iloc[n_train:n_cal], y.iloc[n_cal:]
    point = Pipeline(
        [
            ("scale", StandardScaler()),
            ("seq", SequenceReshaper()),
            (
                "lstm",
                LSTMRegressor(
                    units=8,
                    max_iter=epochs,
                    batch_size=8,
                    learning_rate_init=0.01,
                    random_state=seed,
                ),
            ),
        ]
    )
    base = passengers.loc[X_test.index].to_numpy()
    truth = passengers.loc[X_test.index + 1].to_numpy()

    def to_passengers(low, high):  # growth bounds -> passengers, an increasing map
        return base * np.exp(low), base * np.exp(high)

    results = {}
    model = clone(point).fit(X_train, y_train)
    split = SplitConformalRegressor(model, confidence_level=CONFIDENCE, prefit=True)
    _, bounds = split.conformalize(X_cal, y_cal).predict_interval(X_test)
    results["MAPIE split conformal"] = score(*to_passengers(*bounds[:, :, 0].T), truth)

    online = TimeSeriesRegressor(model, method="enbpi", cv="prefit").fit(X_cal, y_cal)
    online_bounds = np.empty((len(X_test), 2))
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"\s*This function behavior", category=UserWarning
        )
        for i in range(len(X_test)):
            month = X_test.iloc[i : i + 1]
            _, b = online.predict(month, confidence_level=CONFIDENCE)
            online_bounds[i] = b[0, :, 0]
            online.update(month, y_test.iloc[i : i + 1])
    results["MAPIE online (EnbPI)"] = score(*to_passengers(*online_bounds.T), truth)

    quantile = clone(point).set_params(lstm__loss="quantile", lstm__quantiles=LEVELS)
    quantile.fit(X_train, y_train)
    bands = quantile[-1].predict_quantiles(quantile[:-1].transform(X))
    test_rows = np.arange(n_cal, len(X))
    results["quantile LSTM (train)"] = score(
        *to_passengers(bands[test_rows, 0], bands[test_rows, 2]), truth
    )
    results["quantile LSTM (train) + MAPIE CQR"] = score(
        *to_passengers(
            *conformalized_quantiles(bands, np.arange(n_train, n_cal), test_rows, y_cal)
        ),
        truth,
    )

    X_fit, y_fit = X.iloc[:n_cal], y.iloc[:n_cal]
    stopped = (
        clone(quantile)
        .set_params(
            lstm__early_stopping=True,
            lstm__validation_fraction=(n_cal - n_train) / n_cal,
        )
        .fit(X_fit, y_fit)
    )
    bands = stopped[-1].predict_quantiles(stopped[:-1].transform(X_test))
    name = f"quantile LSTM (train+cal, stopped at {stopped[-1].n_iter_})"
    results[name] = score(*to_passengers(bands[:, 0], bands[:, 2]), truth)
    return results, len(truth)


# --- M3 ----------------------------------------------------------------------


def m3_series(train, test, seed, quick, ahead):
    """(method -> (lower, upper)) for the 18 one-step test months of one series,
    and with ``ahead`` the same for the 18 test months forecast from the last
    training month."""
    import pandas as pd

    from sklstm import make_lstm_forecaster, recursive_forecast, to_supervised

    params = {"max_iter": 3, "units": 4} if quick else {}
    full = pd.concat([train, test]).to_frame()
    n, h = len(train), len(test)
    rows = np.arange(n - 1, n + h - 1)  # row t forecasts t + 1
    truth = full.iloc[:, 0].to_numpy()
    out = {}

    def quantile_model(**more):
        return make_lstm_forecaster(
            seasonal_period=12,
            loss="quantile",
            quantiles=LEVELS,
            random_state=seed,
            **{**params, **more},
        )

    X, y = to_supervised(train)
    one_step = quantile_model().fit(X, y)
    bands = one_step.predict_quantiles(full)[rows]
    out["quantile LSTM"] = (bands[:, 0], bands[:, 2])
    multi = {}
    if ahead:
        bands = recursive_forecast(one_step, train, steps=h, return_quantiles=True).to_numpy()
        multi["quantile LSTM, recursive"] = (bands[:, 0], bands[:, 2])
        X_h, Y_h = to_supervised(train, horizon=range(1, h + 1))
        direct = quantile_model().fit(X_h, Y_h)
        bands = direct.predict_quantiles(train.to_frame())[-1]  # (h, 3)
        multi["quantile LSTM, direct"] = (bands[:, 0], bands[:, 2])
    # the same, stopped when the pinball loss of the last 18 training months
    # no longer improves (the model keeps the epoch that did best on them)
    stopped = quantile_model(early_stopping=True, validation_fraction=M3_CALIBRATION / len(X))
    bands = stopped.fit(X, y).predict_quantiles(full)[rows]
    out["quantile LSTM, early-stopped"] = (bands[:, 0], bands[:, 2])

    early = train.iloc[: n - M3_CALIBRATION]
    calibration = np.arange(n - M3_CALIBRATION - 1, n - 1)  # forecasts of the last 18
    X, y = to_supervised(early)
    bands = quantile_model().fit(X, y).predict_quantiles(full)
    out["quantile LSTM + MAPIE CQR"] = conformalized_quantiles(
        bands, calibration, rows, truth[calibration + 1]
    )
    point = make_lstm_forecaster(seasonal_period=12, random_state=seed, **params).fit(X, y)
    predictions = np.asarray(point.predict(full), dtype=float)
    out["MAPIE split conformal"] = split_conformal(
        predictions, calibration, rows, truth[calibration + 1]
    )
    return out, truth[rows + 1], multi


def m3(data, n_series, seed, quick, log, ahead=False):
    from sklstm.datasets import load_m3_monthly

    m3_data = load_m3_monthly(Path(data).resolve())
    ids = select(m3_data, n_series, seed)
    per_method, per_method_ahead = {}, {}
    started = time.perf_counter()
    for number, key in enumerate(ids, 1):
        train, test = m3_data.train[key], m3_data.test[key]
        intervals, truth, multi = m3_series(train, test, seed, quick, ahead)
        level = float(np.mean(train))
        for name, (lower, upper) in intervals.items():
            coverage, width = score(lower, upper, truth)
            per_method.setdefault(name, []).append((coverage, 100 * width / level))
        for name, (lower, upper) in multi.items():
            coverage, width = score(lower, upper, test.to_numpy())
            per_method_ahead.setdefault(name, []).append((coverage, 100 * width / level))
        if number % 10 == 0:
            log(f"  M3: {number}/{len(ids)} series, {time.perf_counter() - started:.0f} s")
    summary = [
        {name: tuple(np.mean(v, axis=0)) for name, v in found.items()}
        for found in (per_method, per_method_ahead)
    ]
    return *summary, len(ids)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the M3 monthly CSV")
    parser.add_argument("--series", type=int, default=50, help="a seeded sample of the 1045")
    parser.add_argument("--seed", type=int, default=0, help="sample and network seed")
    parser.add_argument("--epochs", type=int, default=200, help="airline networks' epochs")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 series, tiny nets")
    parser.add_argument("--skip-m3", action="store_true")
    parser.add_argument("--skip-airline", action="store_true")
    parser.add_argument(
        "--ahead",
        action="store_true",
        help="also 18 steps ahead: recursive vs direct quantiles (M3)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.series, args.epochs = min(args.series, 2), 5
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"nominal coverage {CONFIDENCE:.2f}",
        flush=True,
    )

    if not args.skip_airline:
        started = time.perf_counter()
        results, n_test = airline(args.epochs, args.seed)
        print(
            f"\nAirline, {n_test} test months, one month ahead "
            f"({time.perf_counter() - started:.0f} s)"
        )
        print(f"{'method':42} {'coverage':>8} {'mean width (passengers)':>24}")
        for name, (coverage, width) in results.items():
            print(f"{name:42} {coverage:8.2f} {width:24.1f}")

    if args.skip_m3:
        return
    if not args.data.exists():
        parser.error(f"no file {args.data}: pass --data PATH/m3_monthly.csv")
    started = time.perf_counter()
    results, ahead, n_series = m3(args.data, args.series, args.seed, args.quick, log, args.ahead)
    print(
        f"\nM3 monthly, {n_series} series (seed {args.seed}), the 18 test months one "
        f"step ahead ({time.perf_counter() - started:.0f} s)"
    )
    print(f"{'method':42} {'coverage':>8} {'mean width (% of level)':>24}")
    for name, (coverage, width) in results.items():
        print(f"{name:42} {coverage:8.3f} {width:24.1f}")

    if ahead:
        print(
            "\nM3 monthly, the same series, the 18 test months forecast from the last "
            "training month"
        )
        print(f"{'method':42} {'coverage':>8} {'mean width (% of level)':>24}")
        for name, (coverage, width) in ahead.items():
            print(f"{name:42} {coverage:8.3f} {width:24.1f}")


if __name__ == "__main__":
    main()
