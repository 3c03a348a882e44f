"""The time-index arithmetic shared by lags, forecasts and plots."""

import numpy as np
import pandas as pd
import pytest

from sklstm._timeindex import next_label, shift_index


@pytest.mark.parametrize(
    "index, expected",
    [
        (pd.period_range("2000-01", periods=3, freq="M"), pd.Period("2000-04", freq="M")),
        (pd.date_range("2000-01-01", periods=3, freq="MS"), pd.Timestamp("2000-04-01")),
        (pd.timedelta_range("0s", periods=3, freq="5s"), pd.Timedelta("15s")),
        (pd.RangeIndex(0, 9, 3), 9),
        (pd.Index([4, 5, 6]), 7),
    ],
    ids=["period", "datetime", "timedelta", "range-step", "integer"],
)
def test_next_label_is_one_step_after_the_last(index, expected):
    assert next_label(index) == expected


def test_next_label_infers_a_regular_frequency_that_is_not_set():
    index = pd.DatetimeIndex(["2000-01-01", "2000-01-08", "2000-01-15"])
    assert index.freq is None
    assert next_label(index) == pd.Timestamp("2000-01-22")
    timedeltas = pd.TimedeltaIndex(["1h", "2h", "3h"])
    assert next_label(timedeltas) == pd.Timedelta("4h")


@pytest.mark.parametrize(
    "index",
    [
        None,
        pd.Index([], dtype=int),
        pd.Index([3, 2, 1]),  # newest first: the last row is not the latest
        pd.Index([1, 1, 2]),  # repeated labels
        pd.Index(["a", "b", "c"]),  # not times
        pd.DatetimeIndex(["2000-01-01", "2000-01-03", "2000-01-10"]),  # irregular
        pd.DatetimeIndex(["2000-01-01", "2000-01-02"]),  # too short to infer
    ],
    ids=["none", "empty", "decreasing", "repeated", "strings", "irregular", "short"],
)
def test_next_label_is_none_when_it_cannot_be_told(index):
    assert next_label(index) is None


def test_shift_index_moves_every_label():
    periods = pd.period_range("2000-01", periods=3, freq="M")
    assert list(shift_index(periods, 2)) == list(pd.period_range("2000-03", periods=3, freq="M"))
    assert shift_index(periods, 0) is periods
    integers = pd.Index([10, 11, 12], name="t")
    shifted = shift_index(integers, -1)
    np.testing.assert_array_equal(shifted, [9, 10, 11])
    assert shifted.name == "t"
    timedeltas = pd.timedelta_range("0s", periods=3, freq="2s")
    assert list(shift_index(timedeltas, 1)) == list(pd.timedelta_range("2s", periods=3, freq="2s"))


def test_shift_index_explains_what_it_cannot_step():
    with pytest.raises(ValueError, match="without a frequency"):
        shift_index(pd.DatetimeIndex(["2000-01-01", "2000-01-03", "2000-01-10"]), 1)
    with pytest.raises(ValueError, match="Cannot step an index of dtype (object|str)"):
        shift_index(pd.Index(["a", "b"]), 1)
