"""LSTMRegressor on a raw lag matrix in the hundreds: scale_inputs on and off.

A random walk around 300 plus a sine, 6 raw lags per row (as a lag library
would give them), 150 training rows, 50 test rows; the same network with
the inputs scaled internally (the default), pre-standardized by the user,
and left raw (``scale_inputs=False``). Run::

    python benchmarks/raw_inputs.py
"""

import numpy as np
from sklearn.metrics import root_mean_squared_error
from sklearn.preprocessing import StandardScaler

from sklstm import LSTMRegressor


def main():
    rng = np.random.RandomState(0)
    n, look_back = 200, 6
    t = np.arange(n + look_back)
    s = 300 + np.cumsum(rng.normal(0, 5, len(t))) + 50 * np.sin(t / 3)
    X = np.lib.stride_tricks.sliding_window_view(s[:-1], look_back)[:n]
    y = s[look_back : look_back + n]
    train, test = slice(0, 150), slice(150, None)
    prescaled = StandardScaler().fit(X[train]).transform(X)
    print(f"{'inputs':<38} | test RMSE")
    for name, inputs, params in [
        ("raw, scale_inputs=True (default)", X, {}),
        ("pre-standardized", prescaled, {}),
        ("raw, scale_inputs=False", X, {"scale_inputs": False}),
    ]:
        model = LSTMRegressor(
            units=8, max_iter=60, batch_size=16, learning_rate_init=0.01, random_state=0, **params
        ).fit(inputs[train, :, np.newaxis], y[train])
        rmse = root_mean_squared_error(y[test], model.predict(inputs[test, :, np.newaxis]))
        print(f"{name:<38} | {rmse:9.2f}")
    print(f"{'persistence':<38} | {root_mean_squared_error(y[test], X[test, -1]):9.2f}")


if __name__ == "__main__":
    main()
