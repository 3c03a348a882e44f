"""The classic airline-passengers LSTM tutorial, done right, and what to use instead
=================================================================================

Two LSTM forecasters of next month's airline passengers, trained on the same
first 67% of the months and tested one month ahead on the last 48:

* **The tutorial's model, done right**: the same network (LSTM(4) + Dense(1),
  ``look_back=1``, 100 epochs, ``batch_size=1``) on the passenger counts,
  without the tutorial's mistakes. The split is in time order, the scaler is
  a pipeline step fitted on the training months only, the target is scaled
  inside ``LSTMRegressor`` (so predictions and RMSEs are in the series'
  units, thousands of passengers, with nothing to inverse-transform) and no
  usable sample is dropped.
* **The recommended forecaster**, ``make_lstm_forecaster``: the network
  learns the (log) change from the current month, from the last 13 months
  relative to it and the month of the year. It never sees a level, so the
  test years, busier than any training month, are no harder than the
  training ones.

Both are scored against the forecasts any model must beat: persistence (next
month = this month) and the seasonal naive forecast (next month = the same
month a year earlier). The tutorial's model does not beat persistence: an
LSTM fitted to levels cannot forecast beyond the levels it was trained on.

Run ``python examples/airline_passengers.py`` (under a minute on 2 cores).
It prints the RMSEs in thousands of passengers and its own run time, and writes a plot.
"""

import argparse
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.metrics import root_mean_squared_error  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import MinMaxScaler  # noqa: E402

from sklstm import (  # noqa: E402
    LagFeaturizer,
    LSTMRegressor,
    SequenceReshaper,
    make_lstm_forecaster,
    to_supervised,
)
from sklstm.datasets import load_airline  # noqa: E402


def tutorial_model(seed):
    """The tutorial's network on the passenger counts, leak-free."""
    return Pipeline(
        [
            # Fitted on the training months only. Pandas output passes the
            # months on, so the first test rows get their lags from the last
            # training months.
            ("scale", MinMaxScaler().set_output(transform="pandas")),
            ("lags", LagFeaturizer(look_back=1)),
            ("seq", SequenceReshaper()),
            # The tutorial's inputs are the MinMax-scaled counts, nothing else.
            (
                "lstm",
                LSTMRegressor(
                    units=4,
                    max_iter=100,
                    batch_size=1,
                    scale_inputs=False,
                    random_state=seed,
                ),
            ),
        ]
    )


def recommended_model(seed):
    """The recipe for a growing, seasonal, positive series."""
    return make_lstm_forecaster(seasonal_period=12, kind="log", random_state=seed)


def main(argv=None):
    # split, not splitlines: the docs gallery runs this with __doc__ == "".
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", default="airline_passengers.png")
    args = parser.parse_args(argv)
    start = time.perf_counter()

    series = load_airline()
    X, y = to_supervised(series)  # X: passengers at t, y: passengers at t+1
    n_train = int(len(X) * 0.67)  # in time order: 95 months to train, 48 to test
    X_train, X_test = X.iloc[:n_train], X.iloc[n_train:]
    y_train, y_test = y.iloc[:n_train], y.iloc[n_train:]

    # Each row's forecast, made at month t for month t + 1.
    forecasts = {
        "persistence (this month)": (X_train["passengers"], X_test["passengers"]),
        "seasonal naive (a year before)": tuple(
            series.shift(11).loc[part.index] for part in (X_train, X_test)
        ),
    }
    models = {
        "tutorial LSTM, done right": tutorial_model(args.seed),
        "make_lstm_forecaster": recommended_model(args.seed),
    }
    for name, model in models.items():
        model.fit(X_train, y_train)
        forecasts[name] = (model.predict(X_train), model.predict(X_test))

    print(
        "RMSE in thousands of passengers, one month ahead; "
        f"test: the last {len(y_test)} months"
    )
    print(f"{'forecast':<32} {'train':>6} {'test':>6}")
    rmse = {}
    for name, (train_pred, test_pred) in forecasts.items():
        # The seasonal naive forecast has no value for the first 11 months.
        known = slice(11, None) if name.startswith("seasonal") else slice(None)
        train = root_mean_squared_error(y_train[known], train_pred[known])
        rmse[name] = root_mean_squared_error(y_test, test_pred)
        print(f"{name:<32} {train:>6.2f} {rmse[name]:>6.2f}")

    # y is indexed by the month of the input; the forecast is for the next one.
    when = (y_test.index + 1).to_timestamp()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(
        series.index.to_timestamp(), series, color="0.3", label="passengers (thousands)"
    )
    ax.axvspan(when[0], when[-1], color="0.93", zorder=0)
    ax.text(when[1], series.max() * 0.98, "test months", va="top", color="0.4")
    for name, color in [
        ("tutorial LSTM, done right", "tab:orange"),
        ("make_lstm_forecaster", "tab:blue"),
    ]:
        label = f"{name} (test RMSE {rmse[name]:.1f})"
        ax.plot(when, forecasts[name][1], color=color, label=label)
    persistence = "persistence (this month)"
    ax.plot(
        when,
        forecasts[persistence][1],
        color="0.5",
        linestyle=":",
        label=f"persistence (test RMSE {rmse[persistence]:.1f})",
    )
    ax.set_ylabel("passengers (thousands)")
    ax.set_title("Airline passengers, forecast one month ahead")
    ax.legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    fig.savefig(args.output, dpi=100)
    print(f"Plot written to {args.output} ({time.perf_counter() - start:.0f} s)")
    return rmse


if __name__ == "__main__":
    main()
