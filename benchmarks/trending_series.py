"""make_lstm_forecaster's defaults against persistence on synthetic trending series.

Five monthly series of 120 points that trend upwards (so the test part lies
mostly above the training range), fitted on the first 70% of the supervised
rows and scored one step ahead on the rest, with the default recipe and
with ``seasonal_period=12``; RMSE relative to persistence (below 1 beats
it). Run::

    python benchmarks/trending_series.py
"""

import numpy as np
import pandas as pd
from sklearn.metrics import root_mean_squared_error

from sklstm import make_lstm_forecaster, to_supervised


def cases(n=120, seed=42):
    rng = np.random.RandomState(seed)
    t = np.arange(n)
    season = np.sin(2 * np.pi * t / 12)
    return {
        "linear + season + noise": 50 + 1.5 * t + 10 * season + rng.normal(0, 2, n),
        "exponential growth": 100 * 1.02**t * (1 + rng.normal(0, 0.01, n)),
        "random walk with drift": 200 + np.cumsum(1 + rng.normal(0, 1, n)),
        "multiplicative season": 100 * 1.015**t * (1 + 0.2 * season) * (1 + rng.normal(0, 0.02, n)),
        "damped trend, big noise": 300 + 40 * np.log1p(t) + rng.normal(0, 5, n),
    }


def main():
    print(f"{'series':<26} | RMSE / persistence: default | seasonal_period=12")
    for name, values in cases().items():
        index = pd.period_range("2000-01", periods=len(values), freq="M")
        X, y = to_supervised(pd.Series(values, index=index, name="y"))
        split = int(0.7 * len(X))
        persistence = root_mean_squared_error(y[split:], X["y"][split:])
        ratios = []
        for seasonal_period in (None, 12):
            model = make_lstm_forecaster(seasonal_period=seasonal_period, random_state=0)
            model.fit(X[:split], y[:split])
            rmse = root_mean_squared_error(y[split:], model.predict(X[split:]))
            ratios.append(rmse / persistence)
        print(f"{name:<26} | {ratios[0]:27.2f} | {ratios[1]:.2f}", flush=True)


if __name__ == "__main__":
    main()
