"""CalendarFeatures: calendar columns from a pandas index."""

import numpy as np
import pandas as pd
import pytest

from sklstm import CalendarFeatures, LagFeaturizer


def monthly(n=14, start="2020-01"):
    return pd.DataFrame(
        {"y": np.arange(n, dtype=float)},
        index=pd.period_range(start, periods=n, freq="M"),
    )


def test_month_as_sine_and_cosine():
    X = monthly()
    out = CalendarFeatures().fit_transform(X)
    assert out.shape == (14, 3)
    np.testing.assert_array_equal(out[:, 0], X["y"])
    angle = 2 * np.pi * (X.index.month - 1) / 12
    np.testing.assert_allclose(out[:, 1], np.sin(angle))
    np.testing.assert_allclose(out[:, 2], np.cos(angle))
    # the same month a year apart is encoded the same
    np.testing.assert_allclose(out[0, 1:], out[12, 1:], atol=1e-12)


def test_one_hot_has_every_value_of_the_cycle():
    X = monthly(n=2)  # only January and February in fit
    cal = CalendarFeatures(["month"], encoding="onehot", passthrough=False).fit(X)
    names = cal.get_feature_names_out()
    assert list(names) == [f"month_{m}" for m in range(1, 13)]
    later = monthly(n=1, start="2020-07")
    out = cal.transform(later)
    assert out.shape == (1, 12) and out[0, 6] == 1.0 and out.sum() == 1.0


def test_day_of_week_and_week_from_a_datetime_index():
    index = pd.date_range("2024-01-01", periods=8, freq="D")  # a Monday
    X = pd.DataFrame({"y": np.ones(8)}, index=index)
    cal = CalendarFeatures(["day_of_week", "week_of_year"], encoding="onehot")
    out = pd.DataFrame(cal.fit_transform(X), columns=cal.get_feature_names_out())
    assert out["day_of_week_0"].tolist() == [1, 0, 0, 0, 0, 0, 0, 1]
    assert out["week_of_year_1"].tolist() == [1] * 7 + [0]
    assert out["week_of_year_2"].tolist() == [0] * 7 + [1]


def test_set_output_pandas_keeps_the_index_and_names():
    X = monthly()
    out = CalendarFeatures().set_output(transform="pandas").fit_transform(X)
    assert list(out.columns) == ["y", "month_sin", "month_cos"]
    pd.testing.assert_index_equal(out.index, X.index)


def test_series_input_and_missing_values_pass_through():
    X = monthly()["y"].copy()
    X.iloc[3] = np.nan
    out = CalendarFeatures().fit_transform(X)
    assert out.shape == (14, 3) and np.isnan(out[3, 0]) and np.isfinite(out[:, 1:]).all()


@pytest.mark.parametrize(
    "X", [np.ones((4, 1)), pd.DataFrame({"y": np.ones(4)})], ids=["array", "RangeIndex"]
)
def test_no_time_index_is_a_type_error(X):
    with pytest.raises(TypeError, match="PeriodIndex or DatetimeIndex"):
        CalendarFeatures().fit(X)
    fitted = CalendarFeatures().fit(monthly())
    with pytest.raises(TypeError, match="index"):
        fitted.transform(X)


def test_unknown_feature_is_a_value_error():
    with pytest.raises(ValueError, match="'fortnight'"):
        CalendarFeatures(["fortnight"]).fit(monthly())


def test_before_lags_each_step_gets_its_month():
    X = monthly()
    cal = CalendarFeatures().set_output(transform="pandas")
    lags = LagFeaturizer(look_back=2).set_output(transform="pandas")
    out = lags.fit_transform(cal.fit_transform(X))
    assert list(out.columns[:3]) == ["y_lag1", "month_sin_lag1", "month_cos_lag1"]
    np.testing.assert_allclose(out["month_sin_lag1"].iloc[1], out["month_sin_lag0"].iloc[0])


def test_non_numeric_columns_are_refused_in_fit_not_only_in_transform():
    X = monthly(n=3).assign(label=["a", "b", "c"])
    with pytest.raises(ValueError, match="could not convert|string"):
        CalendarFeatures().fit(X)


def test_a_panel_reads_the_time_from_the_last_level():
    months = pd.period_range("2020-11", periods=4, freq="M")
    index = pd.MultiIndex.from_product([["a", "b"], months], names=["series", "month"])
    X = pd.DataFrame({"y": np.arange(8.0)}, index=index)
    out = CalendarFeatures().set_output(transform="pandas").fit_transform(X)
    assert out.index.equals(X.index)
    angle = 2 * np.pi * (index.get_level_values("month").month - 1) / 12
    np.testing.assert_allclose(out["month_sin"], np.sin(angle))
    np.testing.assert_allclose(out["month_cos"], np.cos(angle))
    # both series see the same months
    np.testing.assert_array_equal(out.loc["a"].to_numpy(), out.loc["b"].to_numpy() - [4, 0, 0])
