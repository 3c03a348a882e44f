"""The lag/horizon naming schema: what one step names, the next reads back."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from sklstm import LagFeaturizer, RelativeWindows, SequenceReshaper, to_supervised
from sklstm._forecasting._seasonal import target_horizons
from sklstm._naming import horizon_name, lag_name, lag_names, read_horizon, read_lag

names = st.text(min_size=1, max_size=12)


@given(names, st.integers(0, 10_000))
def test_a_lag_name_reads_back_as_its_feature_and_lag(feature, lag):
    assert read_lag(lag_name(feature, lag)) == (feature, lag)
    assert read_lag(lag_name(feature, lag), foreign=True)[1] == lag


@given(names, st.integers(1, 10_000))
def test_a_horizon_name_reads_back_as_its_horizon(name, horizon):
    assert read_horizon(horizon_name(name, horizon)) == horizon


def test_names_that_are_not_in_the_schema_read_as_none():
    assert read_lag("sales") is None
    assert read_lag("lag_3") is None  # another library's: only with foreign=True
    assert read_lag("ct__sales_lag_3", foreign=True) == ("ct__sales", 3)
    assert read_horizon("sales_t-1") is None
    assert read_horizon("sales_t+") is None


def test_every_step_speaks_the_same_schema():
    series = pd.Series(np.arange(20.0), name="sales")
    X, y = to_supervised(series, horizon=[1, 2])
    assert list(y.columns) == [horizon_name("sales", 1), horizon_name("sales", 2)]
    np.testing.assert_array_equal(target_horizons(y, 2), [1, 2])
    lags = LagFeaturizer(look_back=3).set_output(transform="pandas").fit_transform(X)
    assert list(lags.columns) == lag_names(list(X.columns), 3)
    # The steps downstream read the lag structure back out of those names.
    reshaper = SequenceReshaper().fit(lags.dropna())
    assert reshaper.n_steps_ == 3
    relative = RelativeWindows().fit(lags.dropna())
    assert relative.get_feature_names_out().tolist() == lags.columns.tolist()
