"""End to end: the airline tutorial as a Pipeline, tuned and cross-validated in time order."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler

from sklstm import LagFeaturizer, LSTMRegressor, SequenceReshaper, to_supervised
from sklstm.datasets import load_airline


def test_grid_search_over_time_series_split_tunes_look_back_and_units(airline, airline_pipeline):
    X, y = airline
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


def test_cross_val_score_in_passengers_is_each_fold_fitted_on_its_past(airline, airline_pipeline):
    X, y = airline
    pipe = airline_pipeline(look_back=3)
    cv = TimeSeriesSplit(n_splits=2)
    rmse = -cross_val_score(pipe, X, y, cv=cv, scoring="neg_root_mean_squared_error")
    assert rmse.shape == (2,)
    for score, (train, test) in zip(rmse, cv.split(X)):
        assert train.max() < test.min()  # the past only
        fold = clone(pipe).fit(X.iloc[train], y.iloc[train])
        y_test = y.iloc[test]
        # the same seed, the same fit: the score is exactly this fold's error
        assert score == pytest.approx(root_mean_squared_error(y_test, fold.predict(X.iloc[test])))
        # in passengers: far below the error of predicting in scaled units (about 0)
        assert 0 < score < 0.75 * root_mean_squared_error(y_test, np.zeros(len(test)))


def test_rows_before_a_full_window_are_predicted_from_the_steps_they_have(
    airline, airline_pipeline
):
    X, y = airline
    pipe = airline_pipeline(look_back=12).fit(X.iloc[:100], y.iloc[:100])
    pred = pipe.predict(X.iloc[100:])
    assert pred.shape == (len(X) - 100,) and np.isfinite(pred).all()
    # from the 12th row on, the window lies inside X.iloc[100:]: as predicted from all of X
    np.testing.assert_allclose(pred[11:], pipe.predict(X)[100 + 11 :], rtol=1e-6)
    # before it, no value is imputed for the missing lags: the network sees a shorter
    # sequence, the rows' own steps only
    Xt = pipe[:-1].transform(X.iloc[100:])
    for k in (0, 5, 10):
        assert np.isnan(Xt[k, : 11 - k]).all() and not np.isnan(Xt[k, 11 - k :]).any()
        np.testing.assert_allclose(pred[k], pipe[-1].predict(Xt[k : k + 1, 11 - k :])[0], rtol=1e-5)


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
                (
                    "lstm",
                    LSTMRegressor(units=8, max_iter=40, learning_rate_init=0.01, random_state=0),
                ),
            ]
        ).fit(X.iloc[:180], target.iloc[:180])
        assert pipe["seq"].n_steps_ == 3 and pipe["lstm"].n_features_in_ == len(features)
        assert pipe["seq"].features_per_step_ == len(features)
        return root_mean_squared_error(target.iloc[180:], pipe.predict(X.iloc[180:]))

    with_x = rmse_with(["x", "month"])  # the target itself is not an input
    without_x = rmse_with(["y", "month"])
    assert with_x < 0.5 * without_x, (with_x, without_x)
    assert with_x < 0.3  # x has unit variance: most of it is explained


def test_direct_multi_step_target_is_learned_by_one_network(airline_pipeline):
    import pandas as pd

    series = load_airline()
    X, Y = to_supervised(series, horizon=range(1, 4))
    assert isinstance(Y, pd.DataFrame) and list(Y.columns) == [
        "passengers_t+1",
        "passengers_t+2",
        "passengers_t+3",
    ]
    pipe = airline_pipeline(look_back=3)
    pipe.set_params(scale=MinMaxScaler().set_output(transform="pandas"))
    # gap=2: the last training targets (t+3) must not lie in the test fold
    cv = TimeSeriesSplit(n_splits=2, gap=2)
    for train, test in cv.split(X):
        assert test.min() - train.max() == 3
    scores = cross_val_score(pipe, X, Y, cv=cv, scoring="neg_root_mean_squared_error")
    assert scores.shape == (2,) and (scores < 0).all()
    pipe.fit(X.iloc[:100], Y.iloc[:100])
    lstm = pipe["lstm"]
    assert lstm.n_outputs_ == 3
    # one network, three outputs: its last layer has three units, each target its own scaling
    assert lstm.model_.layers[-1].units == 3
    np.testing.assert_allclose(lstm.target_scaler_.mean_, Y.iloc[:100].mean().to_numpy())
    pred = pipe.predict(X.iloc[100:])
    assert pred.shape == (len(X) - 100, 3)
    # the three horizons are told apart (not one forecast copied three times)
    assert not np.allclose(pred[:, 0], pred[:, 2])
