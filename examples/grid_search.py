"""The tutorial's grid search, as a regression grid search over time
=================================================================

The tutorial wrapped its network in a *classifier* and scored "accuracy" on
a real-valued target, so every candidate got the same meaningless score, and
its cross-validation ignored time order. Here the whole pipeline is tuned with
``GridSearchCV`` over ``TimeSeriesSplit`` (each fold trains on the past and
validates on the months right after it) and scored by RMSE, on the training
part of the series only; the chosen model is then scored once on the test
part.

Run ``python examples/grid_search.py`` for the tutorial's grid (neurons 2-5,
batch size 1-5, 100 epochs: long), or ``--quick`` for a small smoke run. It
prints the validation RMSE of every candidate, plots them, and scores the
chosen one on the test part.
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import root_mean_squared_error  # noqa: E402
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import MinMaxScaler  # noqa: E402

from sklstm import (  # noqa: E402
    LagFeaturizer,
    LSTMRegressor,
    SequenceReshaper,
    to_supervised,
)
from sklstm.datasets import load_airline  # noqa: E402


def main(argv=None):
    # split, not splitlines: the docs gallery runs this with __doc__ == "".
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny grid, 3 epochs")
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--output", default="grid_search.png")
    args = parser.parse_args(argv)

    if args.quick:
        grid = {"lstm__units": [2, 4], "lstm__batch_size": [16, 32]}
        epochs, n_splits = 3, 2
    else:
        grid = {"lstm__units": [2, 3, 4, 5], "lstm__batch_size": [1, 2, 3, 4, 5]}
        epochs, n_splits = 100, 3

    X, y = to_supervised(load_airline())
    n_train = int(len(X) * 0.67)
    pipe = Pipeline(
        [
            ("scale", MinMaxScaler().set_output(transform="pandas")),
            ("lags", LagFeaturizer(look_back=1)),
            ("seq", SequenceReshaper()),
            ("lstm", LSTMRegressor(max_iter=epochs, random_state=7)),
        ]
    )
    search = GridSearchCV(
        pipe,
        grid,
        cv=TimeSeriesSplit(n_splits=n_splits),
        scoring="neg_root_mean_squared_error",
        n_jobs=args.n_jobs,
    )
    search.fit(X.iloc[:n_train], y.iloc[:n_train])

    results = pd.DataFrame(search.cv_results_)
    table = pd.DataFrame(
        {
            "rank": results["rank_test_score"],
            "units": results["param_lstm__units"],
            "batch_size": results["param_lstm__batch_size"],
            "rmse_mean": -results["mean_test_score"],
            "rmse_std": results["std_test_score"],
        }
    ).sort_values("rank")
    print("Validation RMSE (passengers), TimeSeriesSplit folds of the training part:")
    print(table.to_string(index=False, float_format="%.2f"))
    test_rmse = root_mean_squared_error(
        y.iloc[n_train:], search.predict(X.iloc[n_train:])
    )
    print(f"Best: {search.best_params_}; its test RMSE: {test_rmse:.2f} passengers")

    # Mean validation RMSE of each candidate: units down, batch size across.
    grid_rmse = table.pivot(index="units", columns="batch_size", values="rmse_mean")
    fig, ax = plt.subplots(figsize=(7, 4))
    values = grid_rmse.to_numpy(dtype=float)
    image = ax.imshow(values, cmap="viridis_r")
    for i, j in np.ndindex(values.shape):
        dark = image.norm(values[i, j]) > 0.5  # viridis_r: dark for a high RMSE
        ax.text(
            j,
            i,
            f"{values[i, j]:.1f}",
            ha="center",
            va="center",
            color="white" if dark else "black",
        )
    ax.set_xticks(range(grid_rmse.shape[1]), grid_rmse.columns)
    ax.set_yticks(range(grid_rmse.shape[0]), grid_rmse.index)
    ax.set_xlabel("batch_size")
    ax.set_ylabel("LSTM units")
    ax.set_title(
        f"Validation RMSE (passengers) of each candidate\n"
        f"best: units={search.best_params_['lstm__units']}, "
        f"batch_size={search.best_params_['lstm__batch_size']}; "
        f"its test RMSE {test_rmse:.1f}"
    )
    fig.colorbar(image, ax=ax, label="RMSE (lower is better)")
    fig.tight_layout()
    fig.savefig(args.output, dpi=100)
    print(f"Plot written to {args.output}")


if __name__ == "__main__":
    main()
