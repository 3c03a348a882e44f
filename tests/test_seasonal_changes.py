"""ChangeRegressor(season=SeasonalChanges(...)): the change learned from a seasonal base."""

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import Ridge

from sklstm import (
    ChangeRegressor,
    SeasonalChanges,
    average_seeds,
    direct_forecast,
    load_model,
    make_lstm_forecaster,
    recursive_forecast,
    save_model,
    to_supervised,
)

# The season strategies are not yet on save_model's default allow-list.

PATTERN = 1 + 0.3 * np.sin(2 * np.pi * np.arange(12) / 12)


def monthly(values, start="2000-01", name="y"):
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"), name=name)


def growing_season(n=96, growth=0.01):
    """A yearly pattern times exponential growth, no noise."""
    t = np.arange(n)
    return monthly(100 * np.exp(growth * t) * np.tile(PATTERN, n)[:n])


def no_change(n_outputs=1):
    """A regressor whose change is always 0: predict gives the base itself."""
    constant = 0.0 if n_outputs == 1 else np.zeros(n_outputs)
    return DummyRegressor(strategy="constant", constant=constant)


def base_model(kind="log", decay=0.7, n_outputs=1):
    return ChangeRegressor(no_change(n_outputs), kind=kind, season=SeasonalChanges(12, decay=decay))


def expected_base(values, t, h, decay, kind="log", m=12, cycles=10):
    """The formula of the docstring, written out one row at a time."""
    f = np.log if kind == "log" else (lambda v: v)
    changes, weights = [], []
    first = -(-h // m)
    for j in range(cycles):
        end = t - (first + j) * m  # the start of the change, k = first + j cycles back
        if end < 0:
            break
        changes.append(f(values[end + h]) - f(values[end]))
        weights.append(decay**j)
    if not changes:
        return values[t]
    level = f(values[t]) + np.dot(weights, changes) / np.sum(weights)
    return np.exp(level) if kind == "log" else level


@pytest.mark.parametrize("horizons", [[1], [1, 5, 12, 14, 18]])
def test_a_growing_multiplicative_season_is_forecast_exactly(horizons):
    series = growing_season()
    X, Y = to_supervised(series, horizon=horizons)
    model = base_model(n_outputs=len(horizons)).fit(X.iloc[:60], Y.iloc[:60])
    predicted = model.predict(X.iloc[60:])  # continues the training series
    np.testing.assert_allclose(
        predicted, np.asarray(Y.iloc[60:]).reshape(predicted.shape), rtol=1e-10
    )


@pytest.mark.parametrize("kind", ["log", "diff"])
@pytest.mark.parametrize("decay", [0.0, 0.5, 1.0])
def test_the_base_follows_its_formula(kind, decay):
    rng = np.random.RandomState(0)
    values = 50 + np.cumsum(rng.uniform(0.5, 2.0, 70)) + rng.uniform(0, 10, 70)
    horizons = [1, 3, 13]
    X, Y = to_supervised(monthly(values), horizon=horizons)
    model = base_model(kind, decay, n_outputs=3).fit(X, Y)
    predicted = model.predict(X)
    for t in range(len(X)):
        for column, h in enumerate(horizons):
            assert predicted[t, column] == pytest.approx(
                expected_base(values, t, h, decay, kind), rel=1e-10
            ), (t, h)


def test_decay_zero_is_the_seasonal_naive_forecast_with_drift():
    values = growing_season(40).to_numpy() * np.exp(np.random.RandomState(1).normal(0, 0.05, 40))
    X, y = to_supervised(monthly(values))
    predicted = base_model(decay=0.0).fit(X, y).predict(X)
    t = np.arange(12, len(X))
    np.testing.assert_allclose(predicted[t], values[t] * values[t - 11] / values[t - 12])
    np.testing.assert_allclose(predicted[:12], values[:12])  # no cycle yet: the level


def test_no_base_reads_a_value_after_its_row():
    values = growing_season(80).to_numpy()
    X, y = to_supervised(monthly(values))
    model = base_model().fit(X.iloc[:40], y.iloc[:40])
    before = model.predict(X.iloc[40:])
    changed = X.copy()
    changed.iloc[55:, 0] *= 3.0  # the future of row 54 changes
    after = model.predict(changed.iloc[40:])
    np.testing.assert_array_equal(after[:15], before[:15])
    assert not np.allclose(after[15:], before[15:])
    assert X.iloc[55, 0] == values[55]  # the caller's X is untouched


def test_a_panel_gets_a_base_per_series_from_its_own_history():
    frames = []
    for key, growth in (("a", 0.01), ("b", -0.005)):
        series = growing_season(60, growth)
        frames.append(pd.DataFrame({"id": key, "month": series.index, "y": series.to_numpy()}))
    panel = pd.concat(frames, ignore_index=True)
    X, y = to_supervised(panel, target="y", id="id", time="month")
    model = base_model().fit(X, y)
    predicted = model.predict(X)
    after_a_year = X.index.get_level_values("month") >= pd.Period("2001-01", freq="M")
    np.testing.assert_allclose(predicted[after_a_year], y[after_a_year], rtol=1e-10)
    assert not np.allclose(predicted[~after_a_year], y[~after_a_year])  # no cycle yet


def test_the_regressor_sees_the_log_level_and_learns_the_change_from_the_base():
    series = growing_season(60) * np.exp(np.random.RandomState(2).normal(0, 0.02, 60))
    X, y = to_supervised(series)
    model = ChangeRegressor(Ridge(), kind="log", season=SeasonalChanges(12))
    model.fit(X, y)
    assert isinstance(model.season_, SeasonalChanges)
    base = base_model().fit(X, y).predict(X)
    logs = np.log(X)  # the base takes no level out: the level column, in logs
    np.testing.assert_allclose(
        model.regressor_.predict(logs), np.log(model.predict(X) / base), atol=1e-12
    )
    np.testing.assert_allclose(model.regressor_.coef_, Ridge().fit(logs, np.log(y / base)).coef_)


def test_rows_after_a_short_training_series_get_all_of_its_history():
    values = growing_season(60).to_numpy() * np.exp(np.random.RandomState(4).normal(0, 0.05, 60))
    X, y = to_supervised(monthly(values))
    model = base_model().fit(X.iloc[:26], y.iloc[:26])  # two years and two months
    t = np.arange(26, len(X))
    expected = [expected_base(values, i, 1, 0.7) for i in t]
    np.testing.assert_allclose(model.predict(X.iloc[26:]), expected, rtol=1e-10)


def test_short_series_and_no_period_work():
    X, y = to_supervised(growing_season(20))  # shorter than ten cycles
    model = base_model().fit(X, y)
    assert model.season_.reach_ == 120  # ten cycles back
    np.testing.assert_allclose(model.predict(X)[12:], y.iloc[12:], rtol=1e-10)
    model.set_params(season=None).fit(X, y)
    assert model.season_ is None
    np.testing.assert_allclose(model.predict(X), X["y"])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"season": "naive"}, "season"),
        ({"season__decay": 1.5}, "decay"),
        ({"season__decay": -0.1}, "decay"),
        ({"season__decay": True}, "decay"),
        ({"season__period": 1}, "period"),
    ],
)
def test_bad_season_parameters_are_refused(params, match):
    X, y = to_supervised(growing_season(40))
    model = base_model().set_params(**params)
    with pytest.raises(ValueError, match=match):
        model.fit(X, y)


def test_a_fitted_model_round_trips(tmp_path):
    X, y = to_supervised(growing_season(60))
    model = ChangeRegressor(Ridge(), kind="log", season=SeasonalChanges(12))
    model.fit(X.iloc[:48], y.iloc[:48])
    save_model(model, tmp_path / "changes.sklstm")
    loaded = load_model(tmp_path / "changes.sklstm")
    np.testing.assert_array_equal(loaded.predict(X.iloc[48:]), model.predict(X.iloc[48:]))


@pytest.mark.parametrize("kind, a, b", [("log", 7.5, 0.0), ("diff", 3.0, -40.0)])
def test_the_recipe_with_the_base_stays_invariant(kind, a, b):
    series = growing_season(60) * np.exp(np.random.RandomState(3).normal(0, 0.03, 60))
    X, y = to_supervised(series)
    X2, y2 = to_supervised(a * series + b)
    recipe = make_lstm_forecaster(seasonal_period=12, kind=kind).set_params(
        season=SeasonalChanges(12), regressor__lstm=Ridge()
    )
    first = recipe.fit(X.iloc[:40], y.iloc[:40]).predict(X.iloc[40:])
    second = recipe.fit(X2.iloc[:40], y2.iloc[:40]).predict(X2.iloc[40:])
    np.testing.assert_allclose(second, a * first + b, rtol=1e-7)


def test_recursive_forecasts_continue_a_growing_season_exactly():
    series = growing_season(96)
    X, y = to_supervised(series.iloc[:72])
    model = base_model().fit(X, y)
    ahead = recursive_forecast(model, series.iloc[:72], steps=24)
    np.testing.assert_allclose(ahead, series.iloc[72:], rtol=1e-10)


def test_forecast_windows_reach_back_as_far_as_the_base():
    """window="auto" passes the history the base reads, not only the recipe's
    look_back, in a search, an ensemble and a multi-horizon model alike."""
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

    series = growing_season(300, 0.002) * np.exp(np.random.RandomState(5).normal(0, 0.03, 300))
    recipe = make_lstm_forecaster(13, seasonal_period=12, kind="log").set_params(
        season=SeasonalChanges(12), regressor__lstm=Ridge()
    )
    X, y = to_supervised(series)
    search = GridSearchCV(recipe, {"regressor__lstm__alpha": [1.0]}, cv=TimeSeriesSplit(2))
    ensemble = average_seeds(
        recipe.set_params(regressor__lstm=Ridge(solver="sag", random_state=0)),
        2,
        random_state=0,
    )
    data = series.iloc[:250]  # the forecasts start before the end of training
    for model in (recipe, search, ensemble):
        model.fit(X, y)
        full = recursive_forecast(model, data, steps=6, window=None)
        np.testing.assert_allclose(recursive_forecast(model, data, steps=6), full, rtol=1e-12)
        short = recursive_forecast(model, data, steps=6, window=120)  # a row too few
        assert not np.allclose(short, full, rtol=1e-9)
    X, Y = to_supervised(series, horizon=range(1, 19))
    model = recipe.fit(X.dropna(), Y.dropna())
    np.testing.assert_allclose(
        direct_forecast(model, data),
        direct_forecast(model, data, window=None),
        rtol=1e-12,
    )
    assert not np.allclose(direct_forecast(model, data, window=132), direct_forecast(model, data))


def test_a_gap_in_the_series_is_read_by_time():
    series = growing_season(72).drop(growing_season(72).index[30])  # no July 2002
    X = series.iloc[:-1].to_frame()
    y = growing_season(73).shift(-1).loc[X.index]  # the next month's value, by time
    model = base_model().fit(X, y)
    after_a_year = X.index >= pd.Period("2001-01", freq="M")
    np.testing.assert_allclose(model.predict(X)[after_a_year], y[after_a_year], rtol=1e-10)


def test_predict_needs_the_time_of_each_row():
    X, y = to_supervised(growing_season(40))
    model = base_model().fit(X, y)
    with pytest.raises(TypeError, match="reads the time of each row"):
        model.predict(X.to_numpy())


def test_a_panel_with_several_id_levels_round_trips(tmp_path):
    frames = []
    for shop, growth in (("a", 0.01), ("b", 0.02)):
        series = growing_season(48, growth)
        frames.append(pd.DataFrame({"id": shop, "month": series.index, "y": series.to_numpy()}))
    X, y = to_supervised(pd.concat(frames, ignore_index=True), target="y", id="id", time="month")
    X.index = pd.MultiIndex.from_arrays(
        [["north"] * len(X), X.index.get_level_values(0), X.index.get_level_values(1)]
    )
    y.index = X.index
    model = ChangeRegressor(Ridge(), kind="log", season=SeasonalChanges(12)).fit(X, y)
    assert sorted(model.season_.history_) == ["('north', 'a')", "('north', 'b')"]
    save_model(model, tmp_path / "panel.sklstm")
    np.testing.assert_array_equal(
        load_model(tmp_path / "panel.sklstm").predict(X), model.predict(X)
    )
