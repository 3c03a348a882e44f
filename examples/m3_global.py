"""One LSTM for a thousand series: a global model on M3
====================================================

The monthly series of the M3 competition live on every scale, from tens to
tens of thousands. Instead of one network per series, this example fits
**one** ``make_lstm_forecaster`` on the training parts of all of them, a
*global* model, and forecasts the 18 test months of every series at once:

* ``to_supervised(frame, target="y", id="series", time="month",
  horizon=range(1, 19))`` turns the long table (one row per series and
  month) into ``X`` and an 18-column ``Y`` indexed by ``(series, month)``;
  no pair spans two series;
* ``make_lstm_forecaster(seasonal_period=12)``, with nothing else set,
  settles its settings in ``fit`` from the panel: log changes (every
  series is positive), so a series in the tens of thousands looks like one
  in the hundreds; each 13-month window relative to the mean of its last
  12 months, one LSTM step per month; an LSTM(128) trained on the absolute
  error with early stopping on the most recent windows of every series.
  The example prints what they resolved to.

It prints the mean sMAPE of the global LSTM next to the naive forecast
(the last value) and the seasonal naive one (the last year again) and, when
statsforecast is installed (``pip install "sklstm[stats]"``), the theta
method and the library's combination of the two:
``combine_forecasts([direct_forecast(model, history), theta_forecast(history,
18, seasonal_period=12)])``, the mean of the two forecasts, label by label. It
plots four series: the end of the training part, the test months and the
forecasts. docs/global-models.md discusses the method and the full M3
benchmark (``benchmarks/m3.py``).

Run ``python examples/m3_global.py`` (all 1045 series with at least 81
training months; a few minutes on 2 cores) or ``--quick`` (30 series, a few
epochs: a smoke run; without the data file, the 5 series of the test
suite's sample). ``--data PATH`` reads the M3 monthly CSV from PATH;
without it, :func:`sklstm.datasets.load_m3_monthly` downloads it.
"""

import argparse
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sklstm import (  # noqa: E402
    combine_forecasts,
    direct_forecast,
    make_lstm_forecaster,
    theta_forecast,
    to_supervised,
)
from sklstm.datasets import load_m3_monthly  # noqa: E402

HORIZON = 18
try:
    ROOT = Path(__file__).resolve().parents[1]
except NameError:  # the docs' gallery runs the example without __file__, from examples/
    ROOT = Path.cwd().resolve().parent
SAMPLE = ROOT / "tests" / "data" / "m3_monthly_sample.csv"  # 5 series


def smape(y_true, y_pred):
    """Symmetric MAPE in percent, as in the M competitions."""
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    error = np.abs(y_true - y_pred)
    return float(np.mean(200 * error / (np.abs(y_true) + np.abs(y_pred))))


def long_table(m3, ids):
    """One row per series and month. Each series is moved by whole years so
    that every training part ends in 2000: the months of the year stay, and
    the most recent windows of all series come last in time order."""
    frames = []
    for key in ids:
        train = m3.train[key]
        shift = (2000 - train.index[-1].year) * 12
        months = train.index + shift
        values = train.to_numpy()
        frames.append(pd.DataFrame({"series": key, "month": months, "y": values}))
    return pd.concat(frames, ignore_index=True)


parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
parser.add_argument("--quick", action="store_true", help="30 series, a few epochs")
parser.add_argument("--data", type=Path, default=None, help="the M3 monthly CSV")
args = parser.parse_args()
started = time.perf_counter()

path = args.data
if path is None and args.quick and SAMPLE.exists():
    path = SAMPLE  # a smoke run without the data: the test suite's 5 series
m3 = load_m3_monthly(path)
ids = list(m3.info.index[m3.info["n_train"] >= 81])  # the usual 1045 series
if args.quick:
    ids = list(m3.info.index) if path == SAMPLE else ids[:: len(ids) // 30][:30]

frame = long_table(m3, ids)
X, Y = to_supervised(
    frame, target="y", id="series", time="month", horizon=range(1, HORIZON + 1)
)
print(f"{len(ids)} series, {len(X)} training windows of {HORIZON} targets each")

model = make_lstm_forecaster(seasonal_period=12, random_state=0)
if args.quick:
    model.set_params(regressor__lstm__max_iter=3)
model.fit(X, Y)
lstm = model.regressor_[-1]
print(
    f"chosen in fit: kind {model.kind_!r}, LSTM({lstm.units_[0]}), "
    f"{lstm.n_iter_} epochs, loss {lstm.loss_function_!r}"
)

# The last training month of each series gives its 18 forecasts, labelled
# by (series, month): 18 rows per series.
history = frame.set_index(["series", "month"])[["y"]]
forecasts = {"global LSTM": direct_forecast(model, history)}
try:
    forecasts["theta"] = theta_forecast(history, HORIZON, seasonal_period=12)
    forecasts["mean(global LSTM, theta)"] = combine_forecasts(
        [forecasts["global LSTM"], forecasts["theta"]]
    )
except ImportError as error:
    print(f"theta rows left out: {error}")

scores = {name: [] for name in [*forecasts, "naive (last value)", "seasonal naive"]}
for key in ids:
    train, test = m3.train[key].to_numpy(), m3.test[key].to_numpy()
    for name, forecast in forecasts.items():
        scores[name].append(smape(test, forecast.loc[key]))
    scores["naive (last value)"].append(smape(test, np.full(HORIZON, train[-1])))
    scores["seasonal naive"].append(smape(test, np.resize(train[-12:], HORIZON)))
for name, values in scores.items():
    print(f"{name:25} sMAPE {np.mean(values):6.2f}")
print(f"run time {time.perf_counter() - started:.0f} s")

fig, axes = plt.subplots(2, 2, figsize=(10, 6))
colors = {
    "global LSTM": "tab:blue",
    "theta": "tab:green",
    "mean(global LSTM, theta)": "tab:red",
}
for ax, key in zip(axes.ravel(), ids[:: max(len(ids) // 4, 1)]):
    train, test = m3.train[key], m3.test[key]
    ax.plot(
        train.index[-48:].to_timestamp(),
        train.iloc[-48:],
        color="black",
        label="training part",
    )
    ax.plot(test.index.to_timestamp(), test, color="grey", label="test months")
    for name, forecast in forecasts.items():
        ax.plot(
            test.index.to_timestamp(),
            forecast.loc[key].to_numpy(),
            color=colors[name],
            label=name,
        )
    ax.set_title(f"{key} ({m3.info.loc[key, 'category'].lower()})")
axes[0, 0].legend(loc="best", fontsize="small")
fig.suptitle("One LSTM for all series: 18-month forecasts of M3 monthly series")
fig.tight_layout()
