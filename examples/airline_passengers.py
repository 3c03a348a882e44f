"""The classic airline-passengers LSTM tutorial, done right.
=========================================================

Same data, same model (LSTM(4) + Dense(1), look_back=1, 100 epochs,
batch_size=1), without the tutorial's mistakes:

* the split is in time order (first 67% train, last 33% test) and the scaler
  is fitted on the training part only, inside the pipeline;
* the target is scaled inside ``LSTMRegressor``, so predictions are already in
  passengers and the RMSE is computed on them directly (the tutorial
  inverse-scaled the RMSE itself, which adds the series minimum back);
* no usable sample is dropped when building ``X, y``;
* the model is compared with the persistence forecast (next month = this
  month), the baseline any forecaster must beat.

Run ``python examples/airline_passengers.py`` (about a minute on 2 cores).
It prints the train and test RMSE in passengers and writes a plot.
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.metrics import root_mean_squared_error  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import MinMaxScaler  # noqa: E402

from sklstm import LagFeaturizer, LSTMRegressor, SequenceReshaper, to_supervised  # noqa: E402
from sklstm.datasets import load_airline  # noqa: E402


def main(argv=None):
    # split, not splitlines: the docs gallery runs this with __doc__ == "".
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--look-back", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", default="airline_passengers.png")
    args = parser.parse_args(argv)

    series = load_airline()
    X, y = to_supervised(series)  # X: passengers at t, y: passengers at t+1
    n_train = int(len(X) * 0.67)
    X_train, X_test = X.iloc[:n_train], X.iloc[n_train:]
    y_train, y_test = y.iloc[:n_train], y.iloc[n_train:]

    model = Pipeline(
        [
            # fitted on X_train only; pandas output passes the months on, so
            # the test rows get their lags from the last training months
            ("scale", MinMaxScaler().set_output(transform="pandas")),
            ("lags", LagFeaturizer(look_back=args.look_back)),
            ("seq", SequenceReshaper()),
            (
                "lstm",
                LSTMRegressor(
                    units=4, epochs=args.epochs, batch_size=1, random_state=args.seed
                ),
            ),
        ]
    )
    model.fit(X_train, y_train)
    train_pred = model.predict(X_train)
    test_pred = model.predict(X_test)

    train_rmse = root_mean_squared_error(y_train, train_pred)
    test_rmse = root_mean_squared_error(y_test, test_pred)
    # Persistence: the forecast for t+1 is the value at t.
    persistence_rmse = root_mean_squared_error(y_test, X_test["passengers"])
    print(f"Train RMSE: {train_rmse:.2f} passengers")
    print(f"Test RMSE:  {test_rmse:.2f} passengers")
    print(f"Test RMSE of the persistence forecast: {persistence_rmse:.2f} passengers")

    # y is indexed by the month of the input; the prediction is for the next month.
    when = (y.index + 1).to_timestamp()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.plot(series.index.to_timestamp(), series, color="0.3", label="passengers")
    ax.plot(when[:n_train], train_pred, label=f"train prediction (RMSE {train_rmse:.1f})")
    ax.plot(when[n_train:], test_pred, label=f"test prediction (RMSE {test_rmse:.1f})")
    ax.axvline(when[n_train], color="0.6", linestyle="--", linewidth=1)
    ax.set_ylabel("passengers (thousands)")
    ax.set_title("LSTM one-month-ahead forecast of airline passengers")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(args.output, dpi=100)
    print(f"Plot written to {args.output}")


if __name__ == "__main__":
    main()
