"""Conformal prediction intervals from MAPIE around an LSTM pipeline."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from sklstm import to_supervised

mapie_regression = pytest.importorskip("mapie.regression")

CONFIDENCE = 0.9


@pytest.fixture(scope="module")
def split_data():
    """A noisy periodic series (stationary, so split conformal applies), in time order."""
    rng = np.random.RandomState(0)
    t = np.arange(360)
    series = pd.Series(np.sin(2 * np.pi * t / 12) + 0.3 * rng.normal(size=t.size), name="x")
    X, y = to_supervised(series)
    parts = np.split(np.arange(len(X)), [120, 240])  # train, calibration, test
    return [(X.iloc[idx], y.iloc[idx]) for idx in parts]


@pytest.fixture(scope="module")
def fitted_pipeline(split_data, airline_pipeline):
    (X_train, y_train), _, _ = split_data
    return airline_pipeline(look_back=3).fit(X_train, y_train)


def conformal_quantile(scores, confidence):
    """The textbook split-conformal quantile: the ceil((n+1)c)-th smallest score."""
    k = math.ceil((len(scores) + 1) * confidence)
    return np.sort(scores)[k - 1]


def test_split_conformal_intervals_around_a_prefit_pipeline(split_data, fitted_pipeline):
    _, (X_cal, y_cal), (X_test, y_test) = split_data
    mapie = mapie_regression.SplitConformalRegressor(
        fitted_pipeline, confidence_level=CONFIDENCE, prefit=True
    ).conformalize(X_cal, y_cal)
    y_pred, intervals = mapie.predict_interval(X_test)

    assert y_pred.shape == (len(X_test),)
    assert intervals.shape == (len(X_test), 2, 1)
    lower, upper = intervals[:, 0, 0], intervals[:, 1, 0]
    assert np.all(lower <= y_pred) and np.all(y_pred <= upper)
    # the points are the pipeline's own predictions ...
    np.testing.assert_allclose(y_pred, fitted_pipeline.predict(X_test), rtol=1e-6)
    # ... and the half-width is the conformal quantile of its calibration residuals
    residuals = np.abs(y_cal.to_numpy() - fitted_pipeline.predict(X_cal))
    q = conformal_quantile(residuals, CONFIDENCE)
    np.testing.assert_allclose(upper - y_pred, q, rtol=1e-5)
    np.testing.assert_allclose(y_pred - lower, q, rtol=1e-5)

    covered = (lower <= y_test.to_numpy()) & (y_test.to_numpy() <= upper)
    # 120 exchangeable test points: coverage well below 0.9 would be a bug
    assert covered.mean() >= 0.8, covered.mean()


def test_mapie_clones_and_fits_the_pipeline_itself(split_data, airline_pipeline):
    (X_train, y_train), (X_cal, y_cal), (X_test, _) = split_data
    pipe = airline_pipeline(look_back=3)
    mapie = mapie_regression.SplitConformalRegressor(
        pipe, confidence_level=[0.5, CONFIDENCE], prefit=False
    )
    mapie.fit(X_train, y_train).conformalize(X_cal, y_cal)
    y_pred, intervals = mapie.predict_interval(X_test)
    assert not hasattr(pipe[-1], "model_")  # the user's pipeline is left unfitted
    assert intervals.shape == (len(X_test), 2, 2)
    width = intervals[:, 1, :] - intervals[:, 0, :]
    assert np.all(width[:, 1] > width[:, 0])  # 90% intervals are wider than 50% ones
    # with the same seed, MAPIE's clone predicts what a fit of our own does
    own = airline_pipeline(look_back=3).fit(X_train, y_train).predict(X_test)
    np.testing.assert_allclose(y_pred, own, rtol=1e-5)


def test_time_series_regressor_updates_its_scores_online(split_data, fitted_pipeline):
    _, (X_cal, y_cal), (X_test, y_test) = split_data
    ts = mapie_regression.TimeSeriesRegressor(fitted_pipeline, method="enbpi", cv="prefit").fit(
        X_cal, y_cal
    )
    scores_before = ts.conformity_scores_.copy()
    y_pred, intervals = ts.predict(X_test.iloc[:12], confidence_level=CONFIDENCE)
    assert y_pred.shape == (12,) and intervals.shape == (12, 2, 1)
    assert np.all(intervals[:, 0, 0] < intervals[:, 1, 0])

    with warnings.catch_warnings():  # MAPIE warns that update's old arguments are unused
        warnings.simplefilter("ignore", UserWarning)
        ts.update(X_test.iloc[:12], y_test.iloc[:12])
    # the 12 oldest residuals gave way to the 12 newest
    np.testing.assert_allclose(ts.conformity_scores_[:-12], scores_before[12:])
    new = y_test.iloc[:12].to_numpy() - fitted_pipeline.predict(X_test.iloc[:12])
    np.testing.assert_allclose(ts.conformity_scores_[-12:], new, rtol=1e-5, atol=1e-6)
