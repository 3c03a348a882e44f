"""End to end: the airline tutorial as a Pipeline, tuned and cross-validated in time order."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler

from sklstm import LagFeaturizer, LSTMRegressor, SequenceReshaper, to_supervised
from sklstm.datasets import load_airline


def airline_pipeline(look_back=1, units=4):
    return Pipeline(
        [
            ("scale", MinMaxScaler()),
            ("lags", LagFeaturizer(look_back=look_back)),
            ("seq", SequenceReshaper()),
            ("lstm", LSTMRegressor(units=units, epochs=3, batch_size=16, random_state=0)),
        ]
    )


@pytest.mark.slow
def test_grid_search_over_time_series_split_tunes_look_back_and_units():
    X, y = to_supervised(load_airline())
    search = GridSearchCV(
        airline_pipeline(),
        {"lags__look_back": [1, 3], "lstm__units": [2, 4]},
        cv=TimeSeriesSplit(n_splits=2),
        scoring="neg_root_mean_squared_error",
    ).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == 4 and np.isfinite(scores).all()
    assert len(set(np.round(scores, 6))) > 1  # candidates are told apart
    assert search.best_params_ in search.cv_results_["params"]
    assert search.predict(X).shape == (len(X),)
    # the refitted network saw look_back time steps per sample
    assert search.best_estimator_["seq"].n_steps_ == search.best_params_["lags__look_back"]


@pytest.mark.slow
def test_cross_val_score_in_passengers():
    X, y = to_supervised(load_airline())
    rmse = -cross_val_score(
        airline_pipeline(look_back=3),
        X,
        y,
        cv=TimeSeriesSplit(n_splits=2),
        scoring="neg_root_mean_squared_error",
    )
    assert rmse.shape == (2,)
    # errors in passengers: positive, and below the spread of the series itself
    assert (rmse > 0).all() and (rmse < 3 * y.std()).all()


@pytest.mark.slow
def test_every_row_is_predicted_without_imputation():
    X, y = to_supervised(load_airline())
    pipe = airline_pipeline(look_back=12).fit(X.iloc[:100], y.iloc[:100])
    pred = pipe.predict(X.iloc[100:])
    assert pred.shape == (len(X) - 100,) and np.isfinite(pred).all()


@pytest.mark.slow
def test_exogenous_input_carries_the_signal():
    """y[t+1] = x[t] (+ month effect): only a model that reads x can forecast it."""
    import pandas as pd
    from sklearn.metrics import root_mean_squared_error

    rng = np.random.RandomState(0)
    n = 240
    index = pd.period_range("2000-01", periods=n, freq="M")
    x = rng.normal(size=n)
    month = index.month.to_numpy().astype(float)
    y = np.r_[0.0, x[:-1]] + 0.5 * np.sin(2 * np.pi * month / 12) + 0.05 * rng.normal(size=n)
    frame = pd.DataFrame({"x": x, "month": month, "y": y}, index=index)

    def rmse_with(features):
        X, target = to_supervised(frame, target="y", features=features)
        pipe = Pipeline(
            [
                ("scale", MinMaxScaler().set_output(transform="pandas")),
                # pandas output: the reshaper reads the features per step
                # from the lag names, nobody counts columns
                ("lags", LagFeaturizer(look_back=3).set_output(transform="pandas")),
                ("seq", SequenceReshaper()),
                ("lstm", LSTMRegressor(units=8, epochs=40, learning_rate=0.01, random_state=0)),
            ]
        ).fit(X.iloc[:180], target.iloc[:180])
        assert pipe["seq"].n_steps_ == 3 and pipe["lstm"].n_features_in_ == len(features)
        assert pipe["seq"].features_per_step_ == len(features)
        return root_mean_squared_error(target.iloc[180:], pipe.predict(X.iloc[180:]))

    with_x = rmse_with(["x", "month"])  # the target itself is not an input
    without_x = rmse_with(["y", "month"])
    assert with_x < 0.5 * without_x, (with_x, without_x)
    assert with_x < 0.3  # x has unit variance: most of it is explained


@pytest.mark.slow
def test_direct_multi_step_target_is_learned_by_one_network():
    import pandas as pd

    series = load_airline()
    X, Y = to_supervised(series, horizon=range(1, 4))
    pipe = airline_pipeline(look_back=3)
    pipe.set_params(scale=MinMaxScaler().set_output(transform="pandas"))
    # gap=2: the last training targets (t+3) must not lie in the test fold
    scores = cross_val_score(pipe, X, Y, cv=TimeSeriesSplit(n_splits=2, gap=2),
                             scoring="neg_root_mean_squared_error")
    assert scores.shape == (2,) and np.isfinite(scores).all()
    pipe.fit(X.iloc[:100], Y.iloc[:100])
    assert pipe["lstm"].n_outputs_ == 3
    pred = pipe.predict(X.iloc[100:])
    assert pred.shape == (len(X) - 100, 3)
    # the last row's prediction is the forecast of the three months after it
    assert isinstance(Y, pd.DataFrame) and list(Y.columns) == [
        "passengers_t+1", "passengers_t+2", "passengers_t+3",
    ]
