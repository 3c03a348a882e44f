"""The tutorial's grid search, as a regression grid search over time.
==================================================================

The tutorial wrapped its network in a *classifier* and scored "accuracy" on
a real-valued target, so every candidate got the same meaningless score, and
its cross-validation ignored time order. Here the whole pipeline is tuned with
``GridSearchCV`` over ``TimeSeriesSplit`` (each fold trains on the past and
validates on the months right after it) and scored by RMSE, on the training
part of the series only; the chosen model is then scored once on the test
part.

Run ``python examples/grid_search.py`` for the tutorial's grid (neurons 2-5,
batch size 1-5, 100 epochs: long), or ``--quick`` for a small smoke run.
"""

import argparse

import pandas as pd
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler

from sklstm import LagFeaturizer, LSTMRegressor, SequenceReshaper, to_supervised
from sklstm.datasets import load_airline


def main(argv=None):
    # split, not splitlines: the docs gallery runs this with __doc__ == "".
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny grid, 3 epochs")
    parser.add_argument("--n-jobs", type=int, default=1)
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
            ("lstm", LSTMRegressor(epochs=epochs, random_state=7)),
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
    print("Validation RMSE (passengers) over TimeSeriesSplit folds of the training part:")
    print(table.to_string(index=False, float_format="%.2f"))
    test_rmse = root_mean_squared_error(y.iloc[n_train:], search.predict(X.iloc[n_train:]))
    print(f"Best: {search.best_params_}; its test RMSE: {test_rmse:.2f} passengers")


if __name__ == "__main__":
    main()
