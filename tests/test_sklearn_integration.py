"""sklstm inside scikit-learn's machinery: pandas output and the HTML repr."""

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils import estimator_html_repr

from sklstm import LagFeaturizer


def test_lag_featurizer_pandas_output_has_lag_names_and_the_input_index(airline):
    X, _ = airline
    lags = LagFeaturizer(look_back=3).set_output(transform="pandas")
    out = lags.fit_transform(X)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["passengers_lag2", "passengers_lag1", "passengers_lag0"]
    assert out.index.equals(X.index)
    plain = LagFeaturizer(look_back=3).fit_transform(X)
    np.testing.assert_array_equal(out.to_numpy(), plain)
    # the window of 1949-04 holds January..April's values, oldest first
    assert out.loc[pd.Period("1949-04", "M")].tolist() == X["passengers"].iloc[1:4].tolist()


def test_pandas_output_through_a_scaler_keeps_names_and_index(airline):
    X, _ = airline
    features = Pipeline(
        [
            ("scale", MinMaxScaler().set_output(transform="pandas")),
            ("lags", LagFeaturizer(look_back=2).set_output(transform="pandas")),
        ]
    ).fit(X.iloc[:100])
    out = features.transform(X.iloc[100:])
    assert list(out.columns) == ["passengers_lag1", "passengers_lag0"]
    assert out.index.equals(X.index[100:])
    scaled = MinMaxScaler().fit(X.iloc[:100]).transform(X.iloc[100:])[:, 0]
    np.testing.assert_allclose(out["passengers_lag0"], scaled)
    np.testing.assert_allclose(out["passengers_lag1"].iloc[1:], scaled[:-1])
    # the features' names reach the next step
    assert list(features.get_feature_names_out()) == list(out.columns)


def test_a_pandas_output_config_leaves_the_lstm_pipeline_working(airline, airline_pipeline):
    X, y = airline
    from sklearn import config_context

    pipe = airline_pipeline(look_back=2, units=2, max_iter=2)
    with config_context(transform_output="pandas"):
        y_pandas = pipe.fit(X.iloc[:60], y.iloc[:60]).predict(X.iloc[60:80])
        lags = pipe[:2].transform(X.iloc[60:80])
    y_default = (
        airline_pipeline(look_back=2, units=2, max_iter=2)
        .fit(X.iloc[:60], y.iloc[:60])
        .predict(X.iloc[60:80])
    )
    assert isinstance(lags, pd.DataFrame) and lags.index.equals(X.index[60:80])
    # Same predictions wherever the lag window lies inside X.iloc[60:80]. (The
    # first row's window reaches back before it: what fills it may depend on
    # whether the lags step is handed a pandas index.)
    np.testing.assert_allclose(y_pandas[1:], y_default[1:], rtol=1e-6)


@pytest.mark.parametrize("fitted", [False, True])
def test_html_repr_shows_every_step(airline, airline_pipeline, fitted):
    pipe = airline_pipeline(look_back=2, units=2, max_iter=2)
    if fitted:
        X, y = airline
        pipe.fit(X.iloc[:40], y.iloc[:40])
    for html in (estimator_html_repr(pipe), pipe._repr_html_()):
        for name, step in pipe.steps:
            assert name in html
            assert type(step).__name__ in html
        assert "look_back" in html and "units" in html  # the parameters are shown
        # sklearn's diagram marks each step fitted or not
        assert ("sk-estimator fitted" in html) == fitted
        assert ("Not fitted" in html) == (not fitted)
