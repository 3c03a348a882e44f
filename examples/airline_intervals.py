"""Conformal prediction intervals for the airline forecast, with MAPIE
===================================================================

A point forecast says nothing about how far off it may be. Conformal
prediction turns any fitted regressor into one that gives intervals: it
measures the model's errors on data it was not trained on (the calibration
set) and widens each prediction by the error size that covered the asked
share of them. The promise, "90% of intervals hold the truth", needs the
calibration errors to be like the future ones.

The airline series grows and its seasonal swings grow with it, so errors
measured in 1957 would be too small for 1960. The model therefore forecasts
the monthly growth, log(passengers[t+1] / passengers[t]), a series whose size
does not trend; an interval for the growth maps back to passengers through
passengers[t] * exp(.), which keeps what it covers.

The data is split in time order: train (first 60%), calibration (next 20%),
test (last 20%). Two ways of calibrating are compared on the test months:

* split conformal (``SplitConformalRegressor``): residuals of the calibration
  months only;
* online (EnbPI-style ``TimeSeriesRegressor.update``): after each test month
  is observed, its residual replaces the oldest one, so the intervals follow
  the most recent errors. The model itself is not refitted.

The lag windows are built once over the whole growth series, before the
split: a window only holds its own month and earlier ones, so this leaks
nothing. (MAPIE hands the calibration rows to the model as a bare array, so a
``LagFeaturizer`` inside the pipeline could not see the months before them.)

Run ``python examples/airline_intervals.py`` (well under a minute on 2 cores;
``--quick`` trains for a few epochs only, a smoke run). It prints the
coverage and mean width of both kinds of interval and writes a plot.
Needs ``pip install "sklstm[intervals]"``.
"""

import argparse
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from mapie.regression import SplitConformalRegressor, TimeSeriesRegressor  # noqa: E402
from sklearn.metrics import root_mean_squared_error  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from sklstm import (  # noqa: E402
    LagFeaturizer,
    LSTMRegressor,
    SequenceReshaper,
    to_supervised,
)
from sklstm.datasets import load_airline  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--confidence", type=float, default=0.9)
    parser.add_argument("--look-back", type=int, default=12)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--quick", action="store_true", help="a few epochs: a smoke run"
    )
    parser.add_argument("--output", default="airline_intervals.png")
    args = parser.parse_args(argv)
    epochs = 10 if args.quick else args.epochs

    passengers = load_airline().astype(float)
    growth = np.log(passengers).diff().dropna().rename("growth")
    windows = (
        LagFeaturizer(look_back=args.look_back)
        .set_output(transform="pandas")
        .fit_transform(growth.to_frame())
        .iloc[args.look_back - 1 :]  # keep whole windows only
    )
    # X: the window ending at month t; y: the growth from t to t+1.
    X, y = to_supervised(windows, target="growth_lag0")
    n_train, n_cal = int(len(X) * 0.6), int(len(X) * 0.8)
    X_train, X_cal, X_test = X.iloc[:n_train], X.iloc[n_train:n_cal], X.iloc[n_cal:]
    y_train, y_cal, y_test = y.iloc[:n_train], y.iloc[n_train:n_cal], y.iloc[n_cal:]
    print(
        f"train {X_train.index[0] + 1}..{X_train.index[-1] + 1} "
        f"({len(X_train)} months), "
        f"calibration ..{X_cal.index[-1] + 1} ({len(X_cal)}), "
        f"test ..{X_test.index[-1] + 1} ({len(X_test)})"
    )

    model = Pipeline(
        [
            ("scale", StandardScaler()),  # fitted on the training months only
            ("seq", SequenceReshaper()),
            (
                "lstm",
                LSTMRegressor(
                    units=8,
                    max_iter=epochs,
                    batch_size=8,
                    learning_rate_init=0.01,
                    random_state=args.seed,
                ),
            ),
        ]
    ).fit(X_train, y_train)

    # Split conformal: the calibration residuals only.
    split = SplitConformalRegressor(
        model, confidence_level=args.confidence, prefit=True
    ).conformalize(X_cal, y_cal)
    growth_pred, split_bounds = split.predict_interval(X_test)
    split_bounds = split_bounds[:, :, 0]

    # Online: predict a month, observe it, let its residual replace the oldest.
    online = TimeSeriesRegressor(model, method="enbpi", cv="prefit").fit(X_cal, y_cal)
    online_bounds = np.empty_like(split_bounds)
    with warnings.catch_warnings():
        # update() warns that its confidence_level/gamma arguments are unused.
        warnings.filterwarnings(
            "ignore", message=r"\s*This function behavior", category=UserWarning
        )
        for i in range(len(X_test)):
            month = X_test.iloc[i : i + 1]
            _, bounds = online.predict(month, confidence_level=args.confidence)
            online_bounds[i] = bounds[0, :, 0]
            online.update(month, y_test.iloc[i : i + 1])

    # Back to passengers: passengers[t+1] = passengers[t] * exp(growth).
    base = passengers.loc[X_test.index].to_numpy()
    truth = passengers.loc[X_test.index + 1].to_numpy()
    forecast = base * np.exp(growth_pred)
    months = (X_test.index + 1).to_timestamp()

    print(
        f"Test RMSE: {root_mean_squared_error(truth, forecast):.1f} passengers "
        f"(persistence forecast: {root_mean_squared_error(truth, base):.1f})"
    )
    print(f"{args.confidence:.0%} intervals on the {len(truth)} test months:")
    bands = {}
    for name, growth_bounds in [
        ("split conformal", split_bounds),
        ("online (EnbPI)", online_bounds),
    ]:
        lower = base * np.exp(growth_bounds[:, 0])
        upper = base * np.exp(growth_bounds[:, 1])
        coverage = np.mean((lower <= truth) & (truth <= upper))
        width = np.mean(upper - lower)
        bands[name] = (lower, upper, coverage, width)
        print(
            f"  {name:16s} coverage {coverage:.0%}, mean width {width:.1f} passengers"
        )

    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.plot(
        passengers.index.to_timestamp(), passengers, color="0.3", label="passengers"
    )
    ax.plot(months, forecast, color="tab:blue", label="one-month-ahead forecast")
    colors = {"split conformal": "tab:blue", "online (EnbPI)": "tab:orange"}
    for name, (lower, upper, coverage, width) in bands.items():
        label = f"{name}: coverage {coverage:.0%}, width {width:.0f}"
        if name == "split conformal":
            ax.fill_between(
                months, lower, upper, color=colors[name], alpha=0.25, label=label
            )
        else:
            ax.plot(months, lower, color=colors[name], linestyle="--", label=label)
            ax.plot(months, upper, color=colors[name], linestyle="--")
    ax.axvline(months[0], color="0.6", linestyle=":", linewidth=1)
    ax.set_ylabel("passengers (thousands)")
    ax.set_title(
        f"{args.confidence:.0%} conformal prediction intervals (MAPIE), test months"
    )
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(args.output, dpi=100)
    print(f"Plot written to {args.output}")


if __name__ == "__main__":
    main()
