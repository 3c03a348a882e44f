"""ChangeRegressor(season=SeasonalIndices(...)): the season taken out, learned on, put back."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression

from sklstm import (
    ChangeRegressor,
    LSTMRegressor,
    SeasonalChanges,
    SeasonalIndices,
    load_model,
    make_lstm_forecaster,
    recursive_forecast,
    save_model,
    to_supervised,
)
from sklstm._forecasting._seasonal import seasonal_indices, target_horizons, time_steps

# The season strategies are not yet on save_model's default allow-list.

PATTERN = 1 + 0.3 * np.sin(2 * np.pi * np.arange(12) / 12)  # January first


def monthly(values, start="2000-01", name="y"):
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"), name=name)


def seasonal_series(n=96, seed=0, noise=0.01, growth=0.01):
    """Trend times a yearly pattern (mean 1) times a little noise."""
    rng = np.random.RandomState(seed)
    t = np.arange(n)
    values = 100 * np.exp(growth * t) * np.tile(PATTERN, n)[:n] * np.exp(rng.normal(0, noise, n))
    return monthly(values)


def test_the_indices_of_a_multiplicative_season_are_recovered():
    X, y = to_supervised(seasonal_series())
    model = ChangeRegressor(LinearRegression(), kind="log", season=SeasonalIndices(12)).fit(X, y)
    np.testing.assert_allclose(model.season_.indices_, PATTERN / PATTERN.mean(), atol=0.02)


def test_an_additive_season_is_recovered_by_diff():
    t = np.arange(96)
    bumps = 10 * np.sin(2 * np.pi * t / 12)
    X, y = to_supervised(monthly(50 + 0.5 * t + bumps))
    model = ChangeRegressor(LinearRegression(), season=SeasonalIndices(12)).fit(X, y)
    np.testing.assert_allclose(model.season_.indices_, bumps[:12], atol=1e-9)


def test_a_pure_season_is_forecast_exactly_at_every_horizon():
    """Level 100 times the pattern: adjusted, nothing changes, so a regressor
    that predicts no change gives back the pattern at each target's month."""
    series = monthly(100 * np.tile(PATTERN, 8))
    X, Y = to_supervised(series, horizon=[1, 5, 14])
    model = ChangeRegressor(DummyRegressor(), kind="log", season=SeasonalIndices(12)).fit(X, Y)
    np.testing.assert_array_equal(model.horizons_, [1, 5, 14])
    np.testing.assert_allclose(model.predict(X), Y.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(model.regressor_.predict(X), 0.0, atol=1e-12)


def test_no_season_means_no_adjustment():
    rng = np.random.RandomState(3)
    series = monthly(100 + np.cumsum(rng.normal(size=96)))
    X, y = to_supervised(series)
    seasonal = ChangeRegressor(LinearRegression(), season=SeasonalIndices(12)).fit(X, y)
    plain = ChangeRegressor(LinearRegression()).fit(X, y)
    assert seasonal.season_.indices_ is None
    np.testing.assert_array_equal(seasonal.predict(X), plain.predict(X))
    assert plain.season_ is None


def test_fewer_than_three_cycles_are_not_adjusted():
    X, y = to_supervised(seasonal_series(n=36))  # 35 rows: the level column's values
    model = ChangeRegressor(LinearRegression(), kind="log", season=SeasonalIndices(12)).fit(X, y)
    assert model.season_.indices_ is None


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 1000), a=st.floats(0.01, 100.0))
def test_log_adjustment_is_scale_free(seed, a):
    series = seasonal_series(seed=seed, noise=0.05)
    X, y = to_supervised(series)
    model = ChangeRegressor(LinearRegression(), kind="log", season=SeasonalIndices(12))
    fitted = clone(model).fit(X[:70], y[:70])
    assert fitted.season_.indices_ is not None  # the adjustment is what is tested
    base = fitted.predict(X[70:])
    Xs, ys = to_supervised(a * series)
    moved = clone(model).fit(Xs[:70], ys[:70]).predict(Xs[70:])
    np.testing.assert_allclose(moved, a * base, rtol=1e-7)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 1000), a=st.floats(0.05, 50.0), b=st.floats(-1e3, 1e3))
def test_diff_adjustment_is_affine_equivariant(seed, a, b):
    series = seasonal_series(seed=seed, noise=0.05)
    X, y = to_supervised(series)
    model = ChangeRegressor(LinearRegression(), season=SeasonalIndices(12))
    fitted = clone(model).fit(X[:70], y[:70])
    assert fitted.season_.indices_ is not None
    base = fitted.predict(X[70:])
    Xs, ys = to_supervised(a * series + b)
    moved = clone(model).fit(Xs[:70], ys[:70]).predict(Xs[70:])
    np.testing.assert_allclose(moved, a * base + b, rtol=1e-7, atol=1e-7 * abs(b) + 1e-7)


def test_a_panel_gets_indices_per_series_and_an_unseen_series_none():
    flat = monthly(100 + np.random.RandomState(0).normal(size=96))
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "id": "season",
                    "month": seasonal_series().index,
                    "y": seasonal_series().to_numpy(),
                }
            ),
            pd.DataFrame({"id": "flat", "month": flat.index, "y": flat.to_numpy()}),
        ]
    )
    X, Y = to_supervised(frame, target="y", id="id", time="month", horizon=range(1, 4))
    model = ChangeRegressor(DummyRegressor(), kind="log", season=SeasonalIndices(12)).fit(X, Y)
    assert list(model.season_.indices_) == ["season"]
    new = X.loc[["season"]].rename(index={"season": "new"}, level="id")
    np.testing.assert_allclose(  # no season known: the level, unchanged, plus the mean change
        model.predict(new),
        new[["y"]].to_numpy() * np.exp(model.regressor_.predict(new)),
    )


class Recorder(DummyRegressor):
    """Remembers the X it was fitted on."""

    def fit(self, X, y, sample_weight=None):
        self.X_seen_ = X.copy()
        return super().fit(X, y, sample_weight)


def test_the_regressor_sees_the_adjusted_level_and_x_is_not_mutated():
    X, y = to_supervised(seasonal_series(noise=0.0, growth=0.0))
    X_before = X.copy()
    model = ChangeRegressor(Recorder(), kind="log", season=SeasonalIndices(12)).fit(X, y)
    pd.testing.assert_frame_equal(X, X_before)
    seen = model.regressor_.X_seen_
    pd.testing.assert_index_equal(seen.index, X.index)
    # flat, and in the change's space: the log of the adjusted level
    np.testing.assert_allclose(seen["y"], np.log(100 * PATTERN.mean()), rtol=1e-12)


def test_a_datetime_index_with_a_frequency_gives_the_same_forecasts():
    series = seasonal_series(noise=0.05)
    X, y = to_supervised(series)
    stamped = X.set_axis(X.index.to_timestamp(), axis=0)
    model = ChangeRegressor(LinearRegression(), kind="log", season=SeasonalIndices(12))
    np.testing.assert_allclose(
        clone(model).fit(stamped, y.to_numpy()).predict(stamped),
        clone(model).fit(X, y).predict(X),
    )


@pytest.mark.parametrize(
    "X, error, match",
    [
        (np.ones((40, 1)), TypeError, "reads the time of each row"),
        (
            pd.DataFrame({"y": np.ones(40)}, index=pd.Index(list("ab") * 20)),
            TypeError,
            "PeriodIndex",
        ),
        (
            pd.DataFrame(
                {"y": np.ones(40)},
                index=pd.DatetimeIndex(
                    np.cumsum(np.arange(1, 41)) * np.timedelta64(1, "D")
                    + np.datetime64("2000-01-01")
                ),
            ),
            ValueError,
            "no frequency",
        ),
    ],
)
def test_an_index_without_time_is_a_clear_error(X, error, match):
    with pytest.raises(error, match=match):
        ChangeRegressor(LinearRegression(), season=SeasonalIndices(12)).fit(X, np.ones(40))


@pytest.mark.parametrize("period", [1, 0, 2.5, "12"])
def test_a_bad_seasonal_period_is_refused(period):
    X, y = to_supervised(seasonal_series())
    with pytest.raises((ValueError, TypeError), match="period"):
        ChangeRegressor(LinearRegression(), season=SeasonalIndices(period)).fit(X, y)


def test_hostile_values_and_gaps_leave_a_series_unadjusted_in_bounded_time():
    steps = np.r_[np.arange(40), 10**12 + np.arange(40)]  # a span of 10^12 steps
    assert seasonal_indices(np.ones(80) + steps % 12, steps, 12, multiplicative=True) is None
    assert seasonal_indices(np.full(60, 5.0), np.arange(60), 12, multiplicative=True) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        huge = np.tile(PATTERN, 5) * 1e300
        assert seasonal_indices(huge, np.arange(60), 12, multiplicative=False) is None
    gappy = np.delete(np.arange(96), [30, 31, 50])  # a few gaps still estimate
    values = np.tile(PATTERN, 8)[gappy] * 100
    np.testing.assert_allclose(
        seasonal_indices(values, gappy, 12, multiplicative=True),
        PATTERN / PATTERN.mean(),
        rtol=1e-9,
    )


def test_helpers_read_steps_and_horizons():
    steps, freq = time_steps(pd.period_range("1970-01", periods=3, freq="M"))
    np.testing.assert_array_equal(steps, [0, 1, 2])
    assert freq is None
    np.testing.assert_array_equal(time_steps(pd.Index([5, 7]))[0], [5, 7])
    stamps = pd.DatetimeIndex(["2000-01-01", "2000-02-01", "2000-03-01"])  # no freq set
    steps, freq = time_steps(stamps)
    np.testing.assert_array_equal(steps, [360, 361, 362])
    assert freq == "MS"
    two_days = pd.date_range("2000-01-01", periods=4, freq="2D")
    np.testing.assert_array_equal(np.diff(time_steps(two_days)[0]), 1)  # its own steps
    named = pd.DataFrame(np.ones((2, 2)), columns=["y_t+2", "y_t+10"])
    np.testing.assert_array_equal(target_horizons(named, 2), [2, 10])
    np.testing.assert_array_equal(target_horizons(np.ones((2, 3)), 3), [1, 2, 3])


def test_quantiles_recursive_forecast_and_persistence(tmp_path):
    series = seasonal_series(n=60, noise=0.03)
    X, y = to_supervised(series)
    model = ChangeRegressor(
        LSTMRegressor(units=4, max_iter=3, loss="quantile", random_state=0),
        kind="log",
        season=SeasonalIndices(12),
    ).fit(X, y)
    bands = model.predict_quantiles(X[-5:])
    assert (np.diff(bands, axis=1) >= 0).all()
    np.testing.assert_array_equal(bands[:, 1], model.predict(X[-5:]))
    path = tmp_path / "seasonal.sklstm"
    save_model(model, path)
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict(X[-5:]), model.predict(X[-5:]))
    ahead = recursive_forecast(model, series, steps=13)
    assert ahead.index[0] == series.index[-1] + 1 and np.isfinite(ahead).all()


def test_the_recipe_takes_the_season_out_when_it_has_a_period():
    season = make_lstm_forecaster(seasonal_period=12).season
    assert isinstance(season, SeasonalIndices) and season.period == 12
    assert make_lstm_forecaster().season is None


def datetime_panel(month_end=False, shuffle=False):
    """Three monthly series (two seasonal) in a long table indexed by dates."""
    frames = []
    for key, scale in [("a", 1.0), ("b", 30.0), ("c", 5.0)]:
        values = scale * seasonal_series(seed=len(frames)).to_numpy()
        if key == "c":
            values = scale * (100 + np.random.RandomState(9).normal(size=96))
        dates = pd.date_range("2001-01-01", periods=96, freq="MS")
        if month_end:  # no alias: "ME" is new in pandas 2.2, "M" deprecated there
            dates = pd.DatetimeIndex(dates + pd.offsets.MonthEnd(0))
        frames.append(pd.DataFrame({"id": key, "date": dates, "y": values}))
    frame = pd.concat(frames, ignore_index=True)
    if shuffle:
        frame = frame.sort_values("date", kind="stable")  # the series interleaved
    return frame


@pytest.mark.parametrize("month_end", [False, True])
def test_a_datetime_panel_without_a_set_frequency_is_read_and_forecast(month_end):
    X, Y = to_supervised(
        datetime_panel(month_end), target="y", id="id", time="date", horizon=range(1, 4)
    )
    assert X.index.get_level_values(-1).freq is None
    model = ChangeRegressor(DummyRegressor(), kind="log", season=SeasonalIndices(12)).fit(X, Y)
    assert sorted(model.season_.indices_) == ["a", "b"]
    assert model.season_.time_freq_ in (["M", "ME"] if month_end else ["MS"])
    np.testing.assert_allclose(model.season_.indices_["a"], PATTERN / PATTERN.mean(), atol=0.02)
    last_rows = X.groupby(level="id").tail(1)  # one row per series: freq from fit
    whole = pd.DataFrame(model.predict(X), index=X.index)
    np.testing.assert_allclose(model.predict(last_rows), whole.loc[last_rows.index])


def test_interleaved_panel_rows_give_the_same_indices_and_forecasts():
    frame = datetime_panel()
    X, Y = to_supervised(frame, target="y", id="id", time="date", horizon=range(1, 3))
    order = np.argsort(X.index.get_level_values("date"), kind="stable")
    Xi, Yi = X.iloc[order], Y.iloc[order]
    model = ChangeRegressor(LinearRegression(), kind="log", season=SeasonalIndices(12))
    plain = clone(model).fit(X, Y)
    mixed = clone(model).fit(Xi, Yi)
    for key in plain.season_.indices_:
        np.testing.assert_allclose(mixed.season_.indices_[key], plain.season_.indices_[key])
    np.testing.assert_allclose(mixed.predict(Xi), plain.predict(X)[order])


def test_a_panel_with_several_id_levels_round_trips(tmp_path):
    frame = datetime_panel()
    X, Y = to_supervised(frame, target="y", id="id", time="date", horizon=range(1, 3))
    X.index = pd.MultiIndex.from_arrays(
        [["north"] * len(X), X.index.get_level_values(0), X.index.get_level_values(1)]
    )
    Y.index = X.index
    model = ChangeRegressor(
        LSTMRegressor(units=2, max_iter=1, random_state=0), kind="log", season=SeasonalIndices(12)
    ).fit(X, Y)
    assert sorted(model.season_.indices_) == ["('north', 'a')", "('north', 'b')"]
    save_model(model, tmp_path / "panel.sklstm")
    np.testing.assert_array_equal(
        load_model(tmp_path / "panel.sklstm").predict(X), model.predict(X)
    )


def test_a_one_column_target_keeps_its_shape_with_a_1d_regressor():
    X, Y = to_supervised(seasonal_series(), horizon=[12])
    model = ChangeRegressor(
        RandomForestRegressor(n_estimators=3, random_state=0),
        kind="log",
        season=SeasonalIndices(12),
    ).fit(X, Y)
    assert model.predict(X).shape == (len(X),)
    plain = ChangeRegressor(RandomForestRegressor(n_estimators=3, random_state=0), kind="log").fit(
        X, Y
    )
    assert model.predict(X).shape == plain.predict(X).shape


def test_a_1d_target_further_ahead_is_refused_with_the_fix():
    X, y = to_supervised(seasonal_series(), horizon=12)
    with pytest.raises(ValueError, match=r"horizon=\[h\]"):
        ChangeRegressor(LinearRegression(), kind="log", season=SeasonalIndices(12)).fit(X, y)
    X1, y1 = to_supervised(seasonal_series())  # one step ahead: accepted
    ChangeRegressor(LinearRegression(), kind="log", season=SeasonalIndices(12)).fit(X1, y1)


def test_refitting_without_a_period_leaves_no_seasonal_state():
    X, y = to_supervised(seasonal_series())
    model = ChangeRegressor(LinearRegression(), kind="log", season=SeasonalIndices(12)).fit(X, y)
    stamped = X.set_axis(X.index.to_timestamp(), axis=0)
    model.fit(stamped, y.to_numpy())
    assert model.season_.time_freq_ == "MS"
    model.set_params(season=None).fit(X.to_numpy(), y.to_numpy())
    assert model.season_ is None
    np.testing.assert_array_equal(model.horizons_, [1])
    model.predict(X.to_numpy())


def test_numpy_x_in_predict_is_a_clear_error_once_a_season_is_found():
    X, y = to_supervised(seasonal_series())
    model = ChangeRegressor(LinearRegression(), kind="log", season=SeasonalIndices(12)).fit(X, y)
    with pytest.raises(TypeError, match="reads the time of each row"):
        model.predict(X.to_numpy())


@pytest.mark.parametrize(
    "old, new",
    [
        ({"seasonal_period": 12}, SeasonalIndices(12)),
        ({"seasonal_period": 12, "season": "indices"}, SeasonalIndices(12)),
        ({"seasonal_period": 12, "season": "changes"}, SeasonalChanges(12)),
        (
            {"seasonal_period": 12, "season": "changes", "season_decay": 0.3},
            SeasonalChanges(12, decay=0.3),
        ),
        ({"seasonal_period": None}, None),
    ],
)
def test_the_old_spelling_warns_and_forecasts_the_same(old, new):
    series = seasonal_series(n=72, noise=0.03)
    X, y = to_supervised(series)
    with pytest.warns(FutureWarning, match="is deprecated.*pass season="):
        before = ChangeRegressor(LinearRegression(), kind="log", **old).fit(X, y)
    after = ChangeRegressor(LinearRegression(), kind="log", season=new).fit(X, y)
    np.testing.assert_array_equal(before.predict(X), after.predict(X))
    np.testing.assert_array_equal(
        recursive_forecast(before, series, steps=14), recursive_forecast(after, series, steps=14)
    )
    assert type(before.season_) is type(after.season_)
    with pytest.warns(FutureWarning, match="season_reach_ is deprecated"):
        reach = before.season_reach_
    assert reach == getattr(after.season_, "reach_", None)


def test_the_old_and_new_spelling_together_are_refused():
    X, y = to_supervised(seasonal_series())
    model = ChangeRegressor(LinearRegression(), season=SeasonalIndices(12), seasonal_period=12)
    with pytest.raises(ValueError, match="drop the deprecated seasonal_period"):
        model.fit(X, y)


def test_the_strategy_given_is_cloned_not_fitted():
    X, y = to_supervised(seasonal_series())
    season = SeasonalIndices(12)
    model = ChangeRegressor(LinearRegression(), kind="log", season=season).fit(X, y)
    assert model.season_ is not season and not hasattr(season, "indices_")
    assert model.get_params()["season__period"] == 12


def test_the_old_way_to_switch_the_recipes_season_off_still_works():
    X, y = to_supervised(seasonal_series())
    model = make_lstm_forecaster(seasonal_period=12).set_params(
        seasonal_period=None, regressor__lstm=LinearRegression()
    )
    with pytest.warns(FutureWarning, match="pass season=None"):
        model.fit(X, y)
    assert model.season_ is None
