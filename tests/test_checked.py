"""The data-checked flag of a forecast's later steps (sklstm/_checked.py)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline

from sklstm import LagFeaturizer, recursive_forecast, to_supervised
from sklstm._checked import checked_array, data_checked


def fitted_lags(X):
    return LagFeaturizer(look_back=2).fit(X)


def test_outside_a_forecast_nothing_is_skipped():
    X = pd.DataFrame({"y": np.arange(5.0)})
    assert checked_array(fitted_lags(X), X) is None


def test_inside_the_values_are_read_without_a_copy_of_the_checks():
    X = pd.DataFrame({"y": np.arange(5.0)})
    lags = fitted_lags(X)
    with data_checked():
        np.testing.assert_array_equal(checked_array(lags, X), X.to_numpy())
        np.testing.assert_array_equal(lags.transform(X), fitted_lags(X).transform(X))
    assert checked_array(lags, X) is None  # the flag ends with the block


@pytest.mark.parametrize(
    "X",
    [
        pd.DataFrame({"y": ["a", "b"]}),  # text: the full checks say so
        pd.DataFrame({"y": [1.0, 2.0], "z": [3.0, 4.0]}),  # another number of columns
        np.arange(4).reshape(-1, 1),  # integers: converted by the full checks
        np.ones((2, 1, 1)),  # 3-D
    ],
)
def test_data_unlike_what_was_checked_get_the_full_checks(X):
    lags = fitted_lags(pd.DataFrame({"y": np.arange(5.0)}))
    with data_checked():
        assert checked_array(lags, X) is None
        if isinstance(X, pd.DataFrame) and X.shape[1] == 2:
            with pytest.raises(ValueError, match="feature"):
                lags.transform(X)


def test_the_forecast_is_the_one_of_predict_step_by_step():
    rng = np.random.RandomState(0)
    series = pd.Series(np.cumsum(rng.normal(size=40)), name="y")
    X, y = to_supervised(series)
    model = make_pipeline(LagFeaturizer(look_back=3, fill_value=0.0), LinearRegression()).fit(X, y)
    history = series.copy()
    for _ in range(4):  # every step checked in full: no flag
        history.loc[len(history)] = model.predict(history.to_frame())[-1]
    np.testing.assert_allclose(
        recursive_forecast(model, series, steps=4).to_numpy(), history.iloc[40:], rtol=1e-12
    )
