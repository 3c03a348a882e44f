"""direct_forecast, theta_forecast and combine_forecasts: one series or a panel.

The theta tests need statsforecast (the ``benchmark`` or ``stats`` extra, not
``test``: it pins pandas<3); CI runs this file again after installing it and
fails on any skip (.ci/run).
"""

import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.pipeline import make_pipeline

from sklstm import (
    LagFeaturizer,
    combine_forecasts,
    direct_forecast,
    make_lstm_forecaster,
    recursive_forecast,
    theta_forecast,
    to_supervised,
)

H = 4


def monthly_panel(n_series=3, length=40, seed=0):
    """Positive seasonal series of different lengths and scales, in long format."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n_series):
        months = pd.period_range("2015-01", periods=length - 3 * i, freq="M")
        values = (
            (10.0 ** (i + 1))
            * np.exp(np.cumsum(rng.normal(0.01, 0.03, len(months))))
            * (1 + 0.2 * np.sin(2 * np.pi * months.month / 12))
        )
        frames.append(pd.DataFrame({"series": f"s{i}", "month": months, "y": values}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def panel():
    return monthly_panel()


@pytest.fixture(scope="module")
def direct_model(panel):
    X, Y = to_supervised(panel, target="y", id="series", time="month", horizon=range(1, H + 1))
    return lagged_ridge().fit(X, Y)


def lagged_ridge():
    """Three lags of each series (the missing first ones as 0) and a Ridge."""
    return make_pipeline(
        LagFeaturizer(look_back=3), SimpleImputer(strategy="constant", fill_value=0.0), Ridge()
    )


# --- direct_forecast --------------------------------------------------------------


def test_direct_forecast_is_the_last_rows_prediction_for_one_series():
    series = pd.Series(np.sin(np.arange(60) / 3.0) + np.arange(60) / 10, name="y")
    X, Y = to_supervised(series, horizon=range(1, H + 1))
    model = LinearRegression().fit(X, Y)
    forecast = direct_forecast(model, series)
    np.testing.assert_allclose(forecast.to_numpy(), model.predict(series.to_frame())[-1])
    assert list(forecast.index) == [60, 61, 62, 63]
    assert forecast.name == "y"
    # array in, array out
    on_arrays = LinearRegression().fit(X.to_numpy(), Y.to_numpy())
    np.testing.assert_allclose(direct_forecast(on_arrays, series.to_numpy()), forecast.to_numpy())


def test_direct_forecast_of_a_panel_takes_each_series_last_row(panel, direct_model):
    data = panel.set_index(["series", "month"])
    forecast = direct_forecast(direct_model, data)
    for key, rows in data.groupby(level="series"):
        expected = direct_model.predict(rows)[-1]  # the series alone
        np.testing.assert_allclose(forecast.loc[key].to_numpy(), expected, rtol=1e-9)
        last = rows.index.get_level_values("month")[-1]
        assert list(forecast.loc[key].index) == list(pd.period_range(last + 1, periods=H))
    assert list(forecast.index.get_level_values("series").unique()) == ["s0", "s1", "s2"]
    # the window (look_back rows) gives what every row gives
    np.testing.assert_allclose(
        forecast.to_numpy(), direct_forecast(direct_model, data, window=None).to_numpy()
    )


def test_an_interleaved_panel_keeps_the_order_of_first_appearance(panel, direct_model):
    """Rows in time order, series interleaved, keys not sorted: each series is
    still forecast from its own last row, series in order of first appearance."""
    renamed = panel.replace({"series": {"s0": "b", "s1": "a", "s2": "c"}})
    shuffled = renamed.sort_values("month", kind="stable").set_index(["series", "month"])
    assert list(shuffled.index.get_level_values("series")[:3]) == ["b", "a", "c"]
    X, Y = to_supervised(renamed, target="y", id="series", time="month", horizon=range(1, H + 1))
    model = lagged_ridge().fit(X, Y)
    forecast = direct_forecast(model, shuffled)
    assert list(forecast.index.get_level_values("series").unique()) == ["b", "a", "c"]
    for key, rows in shuffled.groupby(level="series"):
        np.testing.assert_allclose(forecast.loc[key].to_numpy(), model.predict(rows)[-1])


def test_direct_forecast_window_of_a_fitted_search_is_the_chosen_look_back():
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

    series = pd.Series(np.sin(np.arange(80) / 2.0) + np.arange(80) / 20, name="y")
    X, Y = to_supervised(series, horizon=range(1, H + 1))
    search = GridSearchCV(
        lagged_ridge(), {"lagfeaturizer__look_back": [1, 10]}, cv=TimeSeriesSplit(3)
    ).fit(X, Y)
    assert search.best_params_ == {"lagfeaturizer__look_back": 10}
    np.testing.assert_allclose(
        direct_forecast(search, series), direct_forecast(search, series, window=None)
    )


def test_direct_forecast_of_a_one_step_model_equals_recursive_first_step():
    series = pd.Series(np.arange(30.0) ** 1.1, name="y")
    X, y = to_supervised(series)
    model = LinearRegression().fit(X, y)
    direct = direct_forecast(model, series)
    assert len(direct) == 1
    np.testing.assert_allclose(direct, recursive_forecast(model, series, 1))


def test_direct_forecast_refuses_bad_input(direct_model):
    with pytest.raises(ValueError, match="data is empty"):
        direct_forecast(
            LinearRegression().fit([[0.0], [1.0]], [0.0, 1.0]), pd.Series([], dtype=float)
        )
    three = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    with pytest.raises(ValueError, match="target="):
        direct_forecast(LinearRegression().fit(three, [0.0, 1.0]), three)


# --- combine_forecasts -----------------------------------------------------------


def test_combine_forecasts_averages_label_by_label(panel, direct_model):
    data = panel.set_index(["series", "month"])
    a = direct_forecast(direct_model, data)
    b = a * 2
    combined = combine_forecasts([a, b])
    pd.testing.assert_index_equal(combined.index, a.index)
    np.testing.assert_allclose(combined.to_numpy(), 1.5 * a.to_numpy())
    weighted = combine_forecasts([a, b], weights=[1, 3])
    np.testing.assert_allclose(weighted.to_numpy(), 1.75 * a.to_numpy())
    assert combined.name == "y"
    np.testing.assert_allclose(combine_forecasts([[1.0, 2.0], [3.0, 6.0]]), [2.0, 4.0])


def test_combine_forecasts_refuses_what_does_not_line_up():
    months = pd.period_range("2020-01", periods=3, freq="M")
    a = pd.Series([1.0, 2.0, 3.0], index=months)
    with pytest.raises(ValueError, match="not labelled like forecast 0"):
        combine_forecasts([a, a.iloc[::-1]])  # same labels, other order
    with pytest.raises(ValueError, match="not labelled like forecast 0"):
        combine_forecasts([a, pd.Series([1.0, 2.0, 3.0], index=months + 1)])
    with pytest.raises(TypeError, match="mixes pandas Series and arrays"):
        combine_forecasts([a, a.to_numpy()])
    with pytest.raises(ValueError, match="two or more"):
        combine_forecasts([a])
    for weights, message in [
        ([1.0], "one weight per forecast"),
        ([0, 0], "all zero"),
        ([-1, 2], "non-negative"),
        ([np.nan, 1], "finite"),
    ]:
        with pytest.raises(ValueError, match=message):
            combine_forecasts([a, a], weights=weights)


def test_combine_forecasts_refuses_what_is_not_a_list_of_numeric_1d_forecasts():
    months = pd.period_range("2020-01", periods=3, freq="M")
    a = pd.Series([1.0, 2.0, 4.0], index=months, name="y")
    with pytest.raises(ValueError, match="'forecasts' parameter .* instance of 'list'"):
        combine_forecasts(a)  # one Series: not its values averaged
    with pytest.raises(TypeError, match="forecast 0 is not 1-D"):
        combine_forecasts([a.to_frame(), a.to_frame()])
    with pytest.raises(TypeError, match="forecast 1 is not 1-D"):
        combine_forecasts([[1.0, 2.0], np.ones((2, 2))])
    with pytest.raises(ValueError, match="forecast 1.*text"):
        combine_forecasts([a, a.astype(str)])
    with pytest.raises(ValueError, match=r"forecast 1 has a missing .* at Period\('2020-02'"):
        combine_forecasts([a, a.where(a != 2.0)], weights=[1, 0])
    with pytest.raises(ValueError, match="different lengths"):
        combine_forecasts([[1.0, 2.0], [1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="position 0 is .*2020-02.*not .*2020-01"):
        combine_forecasts([a, a.set_axis(months + 1)])
    # names: kept when they agree, dropped when they differ
    assert combine_forecasts([a, a.rename("z")]).name is None
    # huge weights do not overflow
    np.testing.assert_allclose(combine_forecasts([a, 3 * a], weights=[1e308, 1e308]), 2 * a)


def test_combine_forecasts_does_not_mutate_its_input():
    a, b = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    a.flags.writeable = b.flags.writeable = False
    combine_forecasts([a, b], weights=np.array([1.0, 1.0]))
    np.testing.assert_array_equal(a, [1.0, 2.0])


# --- theta_forecast ----------------------------------------------------------------


def test_theta_forecast_without_statsforecast_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "statsforecast.models", None)
    with pytest.raises(ImportError, match=r"sklstm\[stats\]"):
        theta_forecast(pd.Series(np.arange(1.0, 30.0)), 3)


def test_theta_season_length_is_the_deprecated_name_of_seasonal_period(monkeypatch):
    from sklstm._forecasting import _statistical

    periods = []

    class Naive:  # stands in for statsforecast's Theta: the last value, h times
        def __init__(self, season_length):
            periods.append(season_length)

        def fit(self, y):
            self.last = y[-1]
            return self

        def predict(self, h):
            return {"mean": np.full(h, self.last)}

    monkeypatch.setattr(_statistical, "_theta_class", lambda: Naive)
    series = pd.Series(np.arange(1.0, 30.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        new = theta_forecast(series, 3, seasonal_period=12)
    with pytest.warns(FutureWarning, match=r"renamed to seasonal_period.*seasonal_period=12") as (
        record
    ):
        old = theta_forecast(series, 3, season_length=12)
    assert [w.filename for w in record] == [__file__]
    pd.testing.assert_series_equal(old, new)
    assert periods == [12, 12]
    with pytest.raises(ValueError, match="'season_length' parameter"):
        theta_forecast(series, 3, season_length=True)


def test_theta_forecast_fits_each_series_of_a_panel_on_its_own(panel):
    Theta = pytest.importorskip("statsforecast.models").Theta
    data = panel.set_index(["series", "month"])
    forecast = theta_forecast(data, H, seasonal_period=12)
    for key, rows in data.groupby(level="series"):
        expected = Theta(season_length=12).fit(rows["y"].to_numpy()).predict(h=H)["mean"]
        np.testing.assert_allclose(forecast.loc[key].to_numpy(), expected)
    # labelled like a network's forecasts of the same data: they combine
    X, Y = to_supervised(panel, target="y", id="series", time="month", horizon=range(1, H + 1))
    network = direct_forecast(lagged_ridge().fit(X, Y), data)
    pd.testing.assert_index_equal(forecast.index, network.index)
    combine_forecasts([network, forecast])
    # one series, array in: array out
    one = panel.loc[panel["series"] == "s0", "y"].to_numpy()
    np.testing.assert_allclose(
        theta_forecast(one, H, seasonal_period=12), forecast.loc["s0"].to_numpy()
    )


def test_counts_must_be_integers_not_flags(panel):
    series = pd.Series(np.arange(1.0, 30.0))
    with pytest.raises(ValueError, match="'steps' parameter"):
        theta_forecast(series, True)
    with pytest.raises(ValueError, match="'seasonal_period' parameter"):
        theta_forecast(series, 2, seasonal_period=True)
    with pytest.raises(ValueError, match="'window' parameter"):
        direct_forecast(LinearRegression().fit([[0.0], [1.0]], [0.0, 1.0]), series, window=True)


def test_theta_forecast_refuses_incomplete_or_tiny_series(panel):
    pytest.importorskip("statsforecast")
    data = panel.set_index(["series", "month"]).copy()
    data.iloc[5, 0] = np.nan
    with pytest.raises(ValueError, match="series 's0' has missing"):
        theta_forecast(data, 2)
    with pytest.raises(ValueError, match="needs at least 5"):
        theta_forecast(pd.Series([1.0, 2.0, 3.0]), 2)
    with pytest.raises(ValueError, match="target="):
        theta_forecast(pd.DataFrame({"a": np.arange(9.0), "b": np.arange(9.0)}), 2)


def test_recipe_direct_forecast_and_theta_on_a_panel(panel):
    """The documented route: a global recipe's direct forecasts averaged with theta."""
    pytest.importorskip("statsforecast")
    X, Y = to_supervised(panel, target="y", id="series", time="month", horizon=range(1, H + 1))
    model = make_lstm_forecaster(
        6, seasonal_period=12, kind="log", units=4, max_iter=2, batch_size=16, random_state=0
    ).fit(X, Y)
    data = panel.set_index(["series", "month"])
    network = direct_forecast(model, data)
    combined = combine_forecasts([network, theta_forecast(data, H, seasonal_period=12)])
    assert combined.shape == (3 * H,)
    assert np.isfinite(combined).all()
    np.testing.assert_allclose(network, direct_forecast(model, data, window=None), rtol=1e-6)
    # the network's forecasts are those of its last rows, in its own units
    last_rows = data.groupby(level="series").tail(6)
    np.testing.assert_allclose(
        network.to_numpy(),
        np.asarray(model.predict(last_rows)).reshape(-1, H)[5::6].ravel(),
        rtol=1e-6,
    )
    # each series keeps its scale (tens, hundreds, thousands)
    scales = combined.groupby(level="series").mean()
    assert scales["s0"] < scales["s1"] < scales["s2"]


def test_theta_forecast_fits_a_long_history_on_its_latest_values(panel):
    pytest.importorskip("statsforecast")
    # statsforecast's theta costs time quadratic in the history: the length
    # it is fitted on is bounded (10,000 by default), with a warning.
    series = panel.loc[panel["series"] == "s0", ["month", "y"]].set_index("month")["y"]
    with pytest.warns(UserWarning, match=r"1 series are longer than max_history=24"):
        latest = theta_forecast(series, 3, seasonal_period=12, max_history=24)
    pd.testing.assert_series_equal(latest, theta_forecast(series.iloc[-24:], 3, seasonal_period=12))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        whole = theta_forecast(series, 3, seasonal_period=12, max_history=None)
    assert not np.allclose(whole, latest)
    with pytest.raises(ValueError, match="'max_history' parameter"):
        theta_forecast(series, 3, max_history=2)


def test_theta_forecast_of_huge_values_is_the_scaled_forecast(panel):
    pytest.importorskip("statsforecast")
    # statsforecast's sums of squares overflow from about 1e154 (a bare Exception).
    series = panel.loc[panel["series"] == "s0", "y"].reset_index(drop=True)
    small = theta_forecast(series, 3, seasonal_period=12)
    np.testing.assert_allclose(
        theta_forecast(series * 1e200, 3, seasonal_period=12), small * 1e200, rtol=1e-9
    )
    rising = pd.Series(np.linspace(1e307, 1.7e308, 20))
    with pytest.raises(ValueError, match="beyond the range of float64"):
        theta_forecast(rising, 50)
