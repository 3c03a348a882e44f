"""LSTMRegressor(scale_inputs=True): raw inputs in the hundreds fit like scaled ones."""

import numpy as np
import pytest
from sklearn.metrics import root_mean_squared_error
from sklearn.preprocessing import StandardScaler

from sklstm import LSTMRegressor


def raw_lags(n=160, look_back=6, seed=0):
    """A lag matrix of a series in the hundreds (as a lag library gives it) and y."""
    rng = np.random.RandomState(seed)
    t = np.arange(n + look_back)
    s = 300 + np.cumsum(rng.normal(0, 5, len(t))) + 50 * np.sin(t / 3)
    X = np.lib.stride_tricks.sliding_window_view(s[:-1], look_back)[:n]
    return X.copy(), s[look_back : look_back + n]


def fit_score(X, y, **params):
    model = LSTMRegressor(
        units=8, epochs=40, batch_size=16, learning_rate=0.01, random_state=0, **params
    )
    model.fit(X[:120, :, np.newaxis], y[:120])
    return root_mean_squared_error(y[120:], model.predict(X[120:, :, np.newaxis]))


def test_raw_inputs_fit_about_as_well_as_prescaled_ones():
    X, y = raw_lags()
    prescaled = StandardScaler().fit(X[:120]).transform(X)
    raw = fit_score(X, y)
    scaled = fit_score(prescaled, y)
    unscaled = fit_score(X, y, scale_inputs=False)
    assert raw <= 1.2 * scaled
    # what the default prevents: raw inputs saturate the gates
    assert unscaled > 2 * scaled


def test_scaling_is_fitted_per_feature_ignoring_nan_and_x_is_not_mutated():
    rng = np.random.RandomState(0)
    X = np.stack([rng.normal(500, 50, (30, 4)), rng.normal(0, 0.01, (30, 4))], axis=2)
    X[:3, 0, :] = np.nan  # masked first steps
    X = X.astype(np.float32)
    before = X.copy()
    model = LSTMRegressor(units=2, epochs=1, random_state=0).fit(X, X[:, -1, 0])
    np.testing.assert_array_equal(X, before)
    np.testing.assert_allclose(model.input_mean_, np.nanmean(X, axis=(0, 1)), rtol=1e-5)
    np.testing.assert_allclose(model.input_scale_, np.nanstd(X, axis=(0, 1)), rtol=1e-4)
    model.predict(X)
    np.testing.assert_array_equal(X, before)


def test_a_constant_feature_is_only_centred():
    X = np.ones((20, 3, 2))
    X[:, :, 1] = np.arange(60).reshape(20, 3)
    model = LSTMRegressor(units=2, epochs=1, random_state=0).fit(X, np.arange(20.0))
    assert model.input_mean_[0] == pytest.approx(1.0)
    assert model.input_scale_[0] == 1.0
    assert np.isfinite(model.predict(X)).all()


def test_scale_inputs_false_keeps_inputs_as_given():
    X = np.random.RandomState(0).normal(size=(20, 3, 1))
    model = LSTMRegressor(units=2, epochs=1, scale_inputs=False, random_state=0)
    model.fit(X, X[:, -1, 0])
    assert model.input_mean_ is None and model.input_scale_ is None


def test_save_model_keeps_the_input_scaling(tmp_path):
    from sklstm import load_model, save_model

    X, y = raw_lags(n=40)
    model = LSTMRegressor(units=2, epochs=1, random_state=0).fit(X[:, :, np.newaxis], y)
    save_model(model, tmp_path / "model")
    loaded = load_model(tmp_path / "model")
    np.testing.assert_allclose(loaded.input_mean_, model.input_mean_)
    np.testing.assert_array_equal(
        loaded.predict(X[:, :, np.newaxis]), model.predict(X[:, :, np.newaxis])
    )
