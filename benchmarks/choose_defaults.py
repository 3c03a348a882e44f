"""Choose make_lstm_forecaster's defaults on M3 training parts only.

For a seeded sample of the M3 monthly series with ``n_train >= 81``, only the
first ``n_train`` values (the competition's training part) are read; the
test part is never touched. Each candidate is fitted on the supervised rows
whose target lies before the last 18 training months and forecasts those 18
months one step ahead (actual history, through LagFeaturizer's history
across folds). The score is the RMSE relative to persistence (this month)
on the same months; the table gives the geometric mean and the median of
that ratio over the series and how many series beat persistence.

Run (about 20 minutes on one core for the default 30 series)::

    python benchmarks/choose_defaults.py                    # 30 series, seed 0
    python benchmarks/choose_defaults.py --n-series 5 --candidates default
    python benchmarks/choose_defaults.py --csv scores.csv   # also keep every score

docs/forecasting.md quotes one run.
"""

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.metrics import root_mean_squared_error

from sklstm import SequenceReshaper, make_lstm_forecaster, to_supervised

# The M3 monthly CSV (format: sklstm.datasets.load_m3_monthly); --data PATH.
DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "m3_monthly.csv"
VALIDATION = 18

# One time step per lag (features_per_step: the value, plus month sine and
# cosine with seasonal_period=12), missing lags NaN and masked; the default
# recipe gives the whole window as one time step, missing lags 0 ("as now").
STEPS = {"regressor__seq": SequenceReshaper(), "regressor__relative__fill_value": np.nan}

# name -> keyword arguments of make_lstm_forecaster, and optionally a dict
# of set_params applied to the result
CANDIDATES = {
    "default": {},
    "look_back=6": {"look_back": 6},
    "look_back=24": {"look_back": 24},
    "max_iter=100": {"max_iter": 100},
    "units=32": {"units": 32},
    "learning_rate_init=0.003": {"learning_rate_init": 0.003},
    "kind=log": {"kind": "log"},
    "seasonal_period=12": {"seasonal_period": 12},
    "seasonal_period=12, season not taken out": (
        {"seasonal_period": 12},
        {"seasonal_period": None},
    ),
    "one step per lag": ({}, STEPS),
    "one step per lag, seasonal_period=12": ({"seasonal_period": 12}, STEPS),
    "seasonal_period=12, loss=absolute_error": {"seasonal_period": 12, "loss": "absolute_error"},
    "seasonal_period=12, kind=log": {"seasonal_period": 12, "kind": "log"},
    "seasonal_period=12, units=128": {"seasonal_period": 12, "units": 128},
    "seasonal_period=12, units=64": {"seasonal_period": 12, "units": 64},
    "seasonal_period=12, reference=12": {"seasonal_period": 12, "reference": 12},
    "seasonal_period=12, one step per lag (0 history)": (
        {"seasonal_period": 12},
        {"regressor__seq": SequenceReshaper()},
    ),
    "seasonal_period=12, reference=12, one step per lag (0 history)": (
        {"seasonal_period": 12, "reference": 12},
        {"regressor__seq": SequenceReshaper()},
    ),
}


def build(candidate, seed):
    spec = CANDIDATES[candidate]
    kwargs, settings = spec if isinstance(spec, tuple) else (spec, {})
    # clone: each candidate fits its own copy of any estimator in the settings
    settings = {name: clone(value, safe=False) for name, value in settings.items()}
    return make_lstm_forecaster(random_state=seed, **kwargs).set_params(**settings)


def load_training_parts(path, n_series, seed):
    """The training parts (first n_train values only) of a seeded sample."""
    table = pd.read_csv(path)
    table = table[table["n_train"] >= 81]
    sample = table.sample(n=min(n_series, len(table)), random_state=seed)
    series = {}
    for row in sample.itertuples():
        values = np.array(row.values.split(), dtype=float)[: row.n_train]
        index = pd.period_range(
            f"{row.start_year}-{row.start_month:02d}", periods=len(values), freq="M"
        )
        series[row.series] = pd.Series(values, index=index, name="y")
    return series


def validate(model, series):
    """RMSE of one-step forecasts of the last VALIDATION training months."""
    X, y = to_supervised(series)
    split = len(X) - VALIDATION
    model.fit(X.iloc[:split], y.iloc[:split])
    return root_mean_squared_error(y.iloc[split:], model.predict(X.iloc[split:]))


def references(series):
    X, y = to_supervised(series)
    split = len(X) - VALIDATION
    y_val = y.iloc[split:]
    persistence = root_mean_squared_error(y_val, X["y"].iloc[split:])
    seasonal = series.shift(11).loc[X.index].iloc[split:]  # y[t+1-12]
    ridge = make_lstm_forecaster().set_params(
        regressor__seq=SimpleImputer(strategy="constant", fill_value=0.0),
        regressor__lstm=Ridge(),
    )
    return persistence, {
        "seasonal naive": root_mean_squared_error(y_val, seasonal),
        "Ridge, same recipe": validate(ridge, series),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--n-series", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0, help="sample and network seed")
    parser.add_argument("--candidates", nargs="*", default=list(CANDIDATES))
    parser.add_argument("--csv", type=Path, default=None)
    args = parser.parse_args(argv)

    series = load_training_parts(args.data, args.n_series, args.seed)
    rows = []
    start = time.perf_counter()
    for i, (name, values) in enumerate(series.items()):
        persistence, refs = references(values)
        scores = dict(refs)
        for candidate in args.candidates:
            scores[candidate] = validate(build(candidate, args.seed), values)
        for method, rmse in scores.items():
            rows.append({"series": name, "method": method, "ratio": rmse / persistence})
        print(
            f"[{i + 1}/{len(series)}] {name} ({time.perf_counter() - start:.0f} s): "
            + ", ".join(f"{m} {s / persistence:.2f}" for m, s in scores.items()),
            flush=True,
        )
        if args.csv is not None:
            pd.DataFrame(rows).to_csv(args.csv, index=False)
    table = (
        pd.DataFrame(rows)
        .groupby("method", sort=False)["ratio"]
        .agg(
            geo_mean=lambda r: float(np.exp(np.log(r).mean())),
            median="median",
            beats_persistence=lambda r: f"{int((r < 1).sum())}/{len(r)}",
        )
    )
    print(
        f"\nValidation RMSE / persistence RMSE, last {VALIDATION} training months of "
        f"{len(series)} M3 monthly series (seed {args.seed}); lower is better"
    )
    print(table.round(3).to_string())
    print(f"Wall time: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
