"""make_lstm_forecaster and average_seeds: the one recipe."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.ensemble import VotingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.utils import get_tags

from sklstm import (
    ChangeRegressor,
    SeedEnsemble,
    SequenceReshaper,
    average_seeds,
    make_lstm_forecaster,
    recursive_forecast,
    to_supervised,
)


def trending(n=96, seed=0, slope=1.5, season=10.0, noise=2.0):
    """A monthly series with a trend, a yearly season and noise."""
    rng = np.random.RandomState(seed)
    t = np.arange(n)
    values = 50 + slope * t + season * np.sin(2 * np.pi * t / 12) + rng.normal(0, noise, n)
    index = pd.period_range("2000-01", periods=n, freq="M")
    return pd.Series(values, index=index, name="y")


def ridge_recipe(kind, seasonal_period=None):
    """The recipe with a deterministic Ridge in place of the LSTM (NaN -> mean)."""
    model = make_lstm_forecaster(6, seasonal_period=seasonal_period, kind=kind)
    return model.set_params(
        regressor__seq=SimpleImputer(strategy="constant", fill_value=0.0),
        regressor__lstm=Ridge(alpha=1.0),
    )


def test_it_is_a_plain_printable_tunable_estimator():
    model = make_lstm_forecaster(24, seasonal_period=12, kind="log", random_state=3, units=7)
    assert isinstance(model, ChangeRegressor) and model.kind == "log"
    params = model.get_params()
    assert params["regressor__lags__look_back"] == 24
    assert params["regressor__lstm__units"] == 7
    assert params["regressor__lstm__random_state"] == 3
    # kind is stored once: the windows are differences of the level, which
    # ChangeRegressor hands over in the change's space (its log here)
    assert params["regressor__relative__kind"] == "diff"
    assert params["regressor__seq__layout"] == "auto"  # time steps chosen in fit
    assert "CalendarFeatures" in repr(model)
    assert repr(clone(model)) == repr(model)
    assert "calendar" not in make_lstm_forecaster().regressor.named_steps


def test_default_look_back_follows_the_season():
    assert make_lstm_forecaster(seasonal_period=12).get_params()["regressor__lags__look_back"] == 13
    assert make_lstm_forecaster(seasonal_period=None).get_params()["regressor__lags__look_back"] > 1


def test_bad_arguments_are_value_errors():
    with pytest.raises(ValueError, match="seasonal_period=5"):
        make_lstm_forecaster(seasonal_period=5)
    with pytest.raises(ValueError, match="kind"):
        make_lstm_forecaster(kind="ratio")
    with pytest.raises(TypeError):
        make_lstm_forecaster(12, 12)  # seasonal_period is keyword-only


def test_the_caller_lstm_params_are_not_mutated():
    params = {"units": 5}
    make_lstm_forecaster(**params, random_state=1)
    assert params == {"units": 5}


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 1000),
    a=st.floats(0.05, 50.0),
    b=st.floats(-1e3, 1e3),
    seasonal=st.booleans(),
)
def test_diff_recipe_is_equivariant_to_affine_maps(seed, a, b, seasonal):
    series = trending(60, seed=seed)
    model = ridge_recipe("diff", 12 if seasonal else None)
    X, y = to_supervised(series)
    base = clone(model).fit(X[:40], y[:40]).predict(X[40:])
    Xs, ys = to_supervised(a * series + b)
    moved = clone(model).fit(Xs[:40], ys[:40]).predict(Xs[40:])
    np.testing.assert_allclose(moved, a * base + b, rtol=1e-7, atol=1e-7 * abs(b) + 1e-7)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 1000), a=st.floats(0.01, 100.0))
def test_log_recipe_is_equivariant_to_scaling(seed, a):
    series = trending(60, seed=seed)
    X, y = to_supervised(series)
    model = ridge_recipe("log")
    base = clone(model).fit(X[:40], y[:40]).predict(X[40:])
    Xs, ys = to_supervised(a * series)
    moved = clone(model).fit(Xs[:40], ys[:40]).predict(Xs[40:])
    np.testing.assert_allclose(moved, a * base, rtol=1e-7)


def test_lstm_recipe_is_equivariant_up_to_float_tolerance():
    series = trending(60)
    model = make_lstm_forecaster(6, max_iter=10, random_state=0)
    X, y = to_supervised(series)
    base = clone(model).fit(X[:40], y[:40]).predict(X[40:])
    Xs, ys = to_supervised(3.0 * series + 500.0)
    moved = clone(model).fit(Xs[:40], ys[:40]).predict(Xs[40:])
    np.testing.assert_allclose(moved, 3.0 * base + 500.0, rtol=1e-4)


def test_defaults_beat_persistence_on_a_trending_series():
    series = trending(110, seed=1)
    X, y = to_supervised(series)
    n_train = int(0.7 * len(X))
    model = make_lstm_forecaster(random_state=0).fit(X[:n_train], y[:n_train])
    lstm = root_mean_squared_error(y[n_train:], model.predict(X[n_train:]))
    persistence = root_mean_squared_error(y[n_train:], X["y"][n_train:])
    # the test period lies above the whole training range
    assert y[n_train:].min() > y[:n_train].max() - 20
    assert lstm < persistence


def test_grid_search_over_time_series_split_and_recursive_forecast():
    series = trending(60)
    X, y = to_supervised(series)
    search = GridSearchCV(
        make_lstm_forecaster(seasonal_period=12, max_iter=2, random_state=0),
        {"regressor__lags__look_back": [6, 13]},
        cv=TimeSeriesSplit(n_splits=2),
        scoring="neg_root_mean_squared_error",
    ).fit(X, y)
    assert search.best_params_["regressor__lags__look_back"] in (6, 13)
    forecast = recursive_forecast(search.best_estimator_, series, 3)
    assert list(forecast.index) == list(pd.period_range("2005-01", periods=3, freq="M"))
    assert np.isfinite(forecast).all()
    # predictions are in the target's units: near the series' last level
    assert abs(forecast.iloc[0] - series.iloc[-1]) < 30


def test_exogenous_columns_need_only_the_level():
    series = trending(50)
    frame = pd.DataFrame({"y": series, "promo": np.tile([0.0, 1.0], 25)})
    X, y = to_supervised(frame, target="y")
    model = make_lstm_forecaster(4, max_iter=2, random_state=0).set_params(
        level="y", regressor__relative__features=["y"]
    )
    pred = model.fit(X[:40], y[:40]).predict(X[40:])
    assert pred.shape == (9,) and np.isfinite(pred).all()
    window = model.regressor_[:-2].transform(X[40:])  # before the reshape
    assert list(window.columns[:2]) == ["y_lag3", "promo_lag3"]


def test_the_steps_layout_with_masked_history_is_one_set_params_away():
    series = trending(50)
    X, y = to_supervised(series)
    model = make_lstm_forecaster(6, seasonal_period=12, max_iter=2, random_state=0)
    model.set_params(
        regressor__seq=SequenceReshaper(),  # 3 features per step, read from the names
        regressor__relative__fill_value=np.nan,
    )
    pred = model.fit(X[:40], y[:40]).predict(X[40:])
    assert np.isfinite(pred).all()
    steps = model.regressor_[:-1].transform(X[:2])
    assert steps.shape == (2, 6, 3) and np.isnan(steps[0, :5]).all()


def test_average_seeds_averages_members_with_distinct_seeds():
    series = trending(40)
    X, y = to_supervised(series)
    base = make_lstm_forecaster(4, max_iter=2)
    ensemble = average_seeds(base, n_seeds=3, random_state=0)
    assert isinstance(ensemble, VotingRegressor)
    seeds = [m.get_params()["regressor__lstm__random_state"] for _, m in ensemble.estimators]
    assert len(set(seeds)) == 3
    assert base.get_params()["regressor__lstm__random_state"] is None  # not changed
    ensemble.fit(X, y)
    members = np.mean([m.predict(X) for m in ensemble.estimators_], axis=0)
    np.testing.assert_allclose(ensemble.predict(X), members)
    again = average_seeds(base, n_seeds=3, random_state=0)
    assert [m.get_params()["regressor__lstm__random_state"] for _, m in again.estimators] == seeds


def test_average_seeds_averages_every_horizon_of_a_multi_output_target():
    X, Y = to_supervised(trending(50), horizon=range(1, 4))
    base = make_lstm_forecaster(4, max_iter=2, units=4)
    ensemble = average_seeds(base, n_seeds=2, random_state=0)
    assert isinstance(ensemble, SeedEnsemble) and isinstance(ensemble, VotingRegressor)
    assert get_tags(ensemble).target_tags.multi_output
    ensemble.fit(X.iloc[:40], Y.iloc[:40])
    prediction = ensemble.predict(X.iloc[40:])
    members = [m.predict(X.iloc[40:]) for m in ensemble.estimators_]
    assert prediction.shape == (len(X) - 40, 3) and ensemble.n_outputs_ == 3
    assert not np.allclose(members[0], members[1])  # two seeds, two networks
    np.testing.assert_allclose(prediction, np.mean(members, axis=0))
    # still a plain estimator: printable, cloneable, tunable through its members
    assert "SeedEnsemble" in repr(ensemble)
    copy = clone(ensemble).set_params(seed0__regressor__lstm__units=3)
    assert copy.get_params()["seed0__regressor__lstm__units"] == 3
    assert ensemble.get_params()["seed0__regressor__lstm__units"] == 4
    assert not hasattr(copy, "estimators_")


def test_seed_ensemble_weights_outputs_and_transform():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 3))
    Y = np.c_[X @ [1.0, 2.0, 0.0], X @ [0.0, -1.0, 3.0]]
    members = [("ols", LinearRegression()), ("ridge", Ridge(alpha=50.0))]
    ensemble = SeedEnsemble(members, weights=[3, 1]).fit(X, Y)
    ols, ridge = LinearRegression().fit(X, Y).predict(X), Ridge(alpha=50.0).fit(X, Y).predict(X)
    np.testing.assert_allclose(ensemble.predict(X), (3 * ols + ridge) / 4)
    np.testing.assert_allclose(ensemble.transform(X), np.c_[ols, ridge])
    assert list(ensemble.get_feature_names_out()) == [
        "seedensemble_ols_0",
        "seedensemble_ols_1",
        "seedensemble_ridge_0",
        "seedensemble_ridge_1",
    ]
    # sample_weight reaches every member, with several outputs as with one
    weights = rng.uniform(0.1, 2.0, 30)
    weighted = SeedEnsemble(members).fit(X, Y, sample_weight=weights)
    expected = np.mean(
        [
            LinearRegression().fit(X, Y, sample_weight=weights).predict(X),
            Ridge(alpha=50.0).fit(X, Y, sample_weight=weights).predict(X),
        ],
        axis=0,
    )
    np.testing.assert_allclose(weighted.predict(X), expected)
    with pytest.raises(TypeError, match="only sample_weight"):
        SeedEnsemble(members).fit(X, Y, check_input=False)
    # one target: exactly VotingRegressor
    y = Y[:, 0]
    np.testing.assert_allclose(
        SeedEnsemble(members).fit(X, y).predict(X), VotingRegressor(members).fit(X, y).predict(X)
    )
    assert SeedEnsemble(members).fit(X, y).predict(X).shape == (30,)
    assert SeedEnsemble(members).fit(X, y).transform(X).shape == (30, 2)


def test_a_failed_fit_leaves_the_ensemble_unfitted():
    X = np.arange(20.0).reshape(10, 2)
    ensemble = SeedEnsemble([("ols", LinearRegression())])
    with pytest.raises(ValueError):
        ensemble.fit(X, np.c_[X[:, 0], X[:, 1]][:5])  # rows do not match
    assert not hasattr(ensemble, "n_outputs_")
    with pytest.raises(ValueError, match="weights"):
        SeedEnsemble([("ols", LinearRegression())], weights=[1, 2]).fit(X, X)


def test_average_seeds_refuses_bad_input():
    with pytest.raises(ValueError, match="n_seeds"):
        average_seeds(make_lstm_forecaster(), n_seeds=0)
    with pytest.raises(ValueError, match="no random_state"):
        average_seeds(LinearRegression())


def test_the_recipe_forecasts_quantiles_for_one_or_several_horizons():
    series = pd.Series(
        100 + np.arange(60) + 5 * np.sin(np.arange(60) * np.pi / 6),
        index=pd.period_range("2000-01", periods=60, freq="M"),
        name="y",
    )
    for horizon, shape in [(1, (12, 3)), (range(1, 4), (10, 3, 3))]:
        X, y = to_supervised(series, horizon=horizon)
        model = make_lstm_forecaster(
            seasonal_period=12,
            loss="quantile",
            quantiles=(0.1, 0.5, 0.9),
            max_iter=3,
            random_state=0,
        ).fit(X.iloc[:47], y.iloc[:47])
        assert model.get_params()["regressor__lstm__quantiles"] == (0.1, 0.5, 0.9)
        bands = model.predict_quantiles(X.iloc[47:])
        assert bands.shape == shape
        assert (np.diff(bands, axis=-1) >= 0).all()
        np.testing.assert_array_equal(bands[..., 1], model.predict(X.iloc[47:]))


# A panel: one global forecaster for many series ---------------------------------


def panel(scales=(1.0, 30.0, 0.2), n=60, seed=0):
    """A long table of len(scales) trending seasonal series, each times its scale."""
    frames = [
        pd.DataFrame(
            {
                "series": f"s{i}",
                "month": trending(n, seed=seed + i).index,
                "y": scale * trending(n, seed=seed + i).to_numpy(),
            }
        )
        for i, scale in enumerate(scales)
    ]
    return pd.concat(frames, ignore_index=True)


def global_ridge(look_back=13, reference=12):
    """The global recipe (log, relative to the mean of 12) with a Ridge for the LSTM."""
    return make_lstm_forecaster(
        look_back, seasonal_period=12, kind="log", reference=reference
    ).set_params(regressor__lstm=Ridge(alpha=1.0))


@pytest.mark.parametrize("horizon", [1, range(1, 4)])
def test_recipe_on_a_panel_predicts_each_row_of_its_own_series(horizon):
    X, y = to_supervised(panel(), target="y", id="series", time="month", horizon=horizon)
    assert X.index.names == ["series", "month"]
    model = global_ridge().fit(X, y)
    pred = model.predict(X)
    assert pred.shape == y.shape and np.isfinite(pred).all()
    # the rows in another order (interleaved by time): each (series, time)
    # row gets the same forecast, in the order of the rows given
    order = np.argsort(X.index.get_level_values("month"), kind="stable")
    shuffled = global_ridge().fit(X.iloc[order], y.iloc[order])
    np.testing.assert_allclose(shuffled.predict(X.iloc[order]), pred[order], rtol=1e-9)
    # a forecast frame with the panel's index lines up with the truth
    frame = pd.DataFrame(pred, index=X.index).loc["s1"]
    assert frame.index.equals(y.loc["s1"].index)
    assert np.abs(np.log(frame.to_numpy().ravel() / y.loc["s1"].to_numpy().ravel())).max() < 0.5


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 1000), a=st.floats(0.01, 100.0))
def test_global_log_recipe_scales_each_series_on_its_own(seed, a):
    """Multiplying one series by a multiplies its forecasts by a and leaves the
    others' alone: relative to the mean of its last 12 values, no series
    shows the network its scale."""
    h = range(1, 4)
    base_frame = panel(seed=seed)
    X, Y = to_supervised(base_frame, target="y", id="series", time="month", horizon=h)
    base = global_ridge(24).fit(X, Y).predict(X)
    factor = np.where(base_frame["series"] == "s1", a, 1.0)
    moved_frame = base_frame.assign(y=factor * base_frame["y"])
    Xs, Ys = to_supervised(moved_frame, target="y", id="series", time="month", horizon=h)
    moved = global_ridge(24).fit(Xs, Ys).predict(Xs)
    factor = np.where(X.index.get_level_values("series") == "s1", a, 1.0)[:, np.newaxis]
    np.testing.assert_allclose(moved, factor * base, rtol=1e-7)


def test_global_lstm_recipe_on_a_panel_is_scale_free_up_to_float_tolerance():
    X, Y = to_supervised(panel(), target="y", id="series", time="month", horizon=range(1, 3))
    model = make_lstm_forecaster(
        24,
        seasonal_period=12,
        kind="log",
        reference=12,
        max_iter=3,
        loss="absolute_error",
        random_state=0,
    )
    base = clone(model).fit(X, Y).predict(X)
    frame = panel()
    Xs, Ys = to_supervised(
        frame.assign(y=frame["y"] * 250.0),
        target="y",
        id="series",
        time="month",
        horizon=range(1, 3),
    )
    moved = clone(model).fit(Xs, Ys).predict(Xs)
    assert base.shape == (len(X), 2)
    np.testing.assert_allclose(moved, 250.0 * base, rtol=1e-4)


def test_reference_is_a_recipe_parameter():
    model = make_lstm_forecaster(24, seasonal_period=12, reference=12)
    assert model.get_params()["regressor__relative__reference"] == 12
    assert make_lstm_forecaster().get_params()["regressor__relative__reference"] == "auto"


# Scale-free by default: through the factory as a user calls it -------------------


def _forecast_panel(frame, kind):
    """The default factory (tiny fit) on ``frame``, forecast 3 steps recursively."""
    X, y = to_supervised(frame, target="y", id="series", time="month")
    model = make_lstm_forecaster(
        4, seasonal_period=12, kind=kind, units=3, max_iter=2, random_state=0
    ).fit(X, y)
    return recursive_forecast(model, frame.set_index(["series", "month"]), steps=3)


_BASE_FORECASTS = {}


@settings(max_examples=4, deadline=None)
@given(
    kind=st.sampled_from(["diff", "log"]),
    a=st.floats(1e-3, 1e3),
    b=st.floats(-1e3, 1e3),
)
def test_default_factory_moves_only_the_moved_series_forecasts(kind, a, b):
    """Multiplying one series of a panel by a > 0 (and, for "diff", adding b)
    scales (shifts) its own forecasts alike and leaves the others' as they were:
    no series' scale reaches the shared network."""
    b = b if kind == "diff" else 0.0
    frame = panel(scales=(1.0, 1e4, 0.01), n=40)
    if kind not in _BASE_FORECASTS:
        _BASE_FORECASTS[kind] = _forecast_panel(frame, kind)
    base = _BASE_FORECASTS[kind]
    moved_one = (frame["series"] == "s1").to_numpy()
    moved = _forecast_panel(
        frame.assign(y=np.where(moved_one, a * frame["y"] + b, frame["y"])), kind
    )
    assert moved.index.equals(base.index)
    one = base.index.get_level_values("series") == "s1"
    np.testing.assert_allclose(moved[one], a * base[one] + b, rtol=1e-4, atol=1e-6 * abs(b))
    np.testing.assert_allclose(moved[~one], base[~one], rtol=1e-4)


def test_default_factory_on_a_panel_of_many_scales_beats_persistence():
    """The issue's example: 24 monthly series with scales from 1 to 1e5, one
    global model with the factory's defaults (one-step MAPE, last 12 months)."""
    scales = np.logspace(0, 5, 24)
    frame = panel(scales=scales, n=72)
    X, y = to_supervised(frame, target="y", id="series", time="month")
    test = X.index.get_level_values("month") >= X.index.get_level_values("month")[-12]
    model = make_lstm_forecaster(seasonal_period=12, random_state=0).fit(X[~test], y[~test])
    truth = y[test].to_numpy()
    model_mape = np.mean(np.abs(model.predict(X[test]) - truth) / np.abs(truth))
    persistence_mape = np.mean(np.abs(X["y"][test].to_numpy() - truth) / np.abs(truth))
    assert model_mape < persistence_mape


# Defaults resolved in fit ------------------------------------------------------


def test_kind_auto_is_log_for_a_positive_panel_and_diff_otherwise():
    ridge = {"regressor__lstm": Ridge(alpha=1.0)}
    X, y = to_supervised(panel(), target="y", id="series", time="month")
    model = make_lstm_forecaster(seasonal_period=12).set_params(**ridge)
    assert model.kind == "auto"
    assert model.fit(X, y).kind_ == "log"
    X1, y1 = to_supervised(trending())  # one series
    assert model.fit(X1, y1).kind_ == "diff"
    frame = panel()
    frame.loc[5, "y"] = -1.0  # one value <= 0: no logs
    Xn, yn = to_supervised(frame, target="y", id="series", time="month")
    assert model.fit(Xn, yn).kind_ == "diff"
    # what "auto" chose is what the kind set by hand fits: the same forecasts
    chosen = make_lstm_forecaster(seasonal_period=12, kind="log").set_params(**ridge)
    np.testing.assert_allclose(model.fit(X, y).predict(X), chosen.fit(X, y).predict(X), rtol=1e-12)


class _WindowRecorder(Ridge):
    """A Ridge that remembers the windows it was fitted on."""

    def fit(self, X, y, sample_weight=None):
        self.X_seen_ = np.array(X)
        return super().fit(X, y, sample_weight)


@pytest.mark.parametrize("kind", ["log", "diff"])
def test_set_params_kind_changes_the_target_and_the_windows_together(kind):
    """One setting: the windows the network reads are changes of the kind the
    target is, whichever kind the factory was built with."""
    series = trending()
    X, y = to_supervised(series)
    other = "diff" if kind == "log" else "log"
    model = make_lstm_forecaster(3, kind=other).set_params(
        kind=kind, regressor__scale="passthrough", regressor__lstm=_WindowRecorder()
    )
    seen = model.fit(X, y).regressor_[-1].X_seen_  # columns y_lag2, y_lag1, y_lag0
    values = series.to_numpy()
    if kind == "log":
        change = np.log(values[:-2] / values[2:])
    else:  # differences in units of the series' scale (scale="series")
        change = (values[:-2] - values[2:]) / model.scale_
    np.testing.assert_allclose(seen[2:, 0], change[:-1], rtol=1e-9)  # 2 steps back
    np.testing.assert_allclose(seen[:, 2], 0.0, atol=1e-12)  # the current value


def test_the_network_settings_follow_the_number_of_windows():
    """One series gets the small network; a panel of more than 10,000
    windows the global settings; the choices are fitted attributes."""
    X, y = to_supervised(trending())
    lstm = make_lstm_forecaster(seasonal_period=12, random_state=0).fit(X, y).regressor_[-1]
    assert (lstm.units, lstm.batch_size, lstm.early_stopping, lstm.loss) == ("auto",) * 4
    assert lstm.units_ == (16,) and lstm.batch_size_ == 16 and lstm.max_iter_ == 50
    assert lstm.early_stopping_ is False and lstm.loss_function_ == "squared_error"
    steps = make_lstm_forecaster(seasonal_period=12).fit(X, y).regressor_.named_steps
    assert steps["relative"].reference_ == "last" and steps["seq"].layout_ == "window"
    frame = panel(scales=np.ones(120), n=96)  # 120 series x 95 windows: 11,400
    Xp, yp = to_supervised(frame, target="y", id="series", time="month")
    model = make_lstm_forecaster(seasonal_period=12, max_iter=1, random_state=0)
    with pytest.warns(ConvergenceWarning):  # one epoch: early stopping cut nothing short
        fitted = model.fit(Xp, yp).regressor_
    lstm = fitted[-1]
    # relative to the last year's mean, one LSTM step per month of the 13
    assert fitted.named_steps["relative"].reference_ == 12
    assert fitted.named_steps["seq"].layout_ == "lags" and fitted[:-1].transform(
        Xp.iloc[:2]
    ).shape == (2, 13, 3)
    assert lstm.units_ == (128,) and lstm.batch_size_ == 128 and lstm.max_iter_ == 1
    assert lstm.early_stopping_ is True and lstm.loss_function_ == "absolute_error"
    assert lstm.validation_scores_ is not None  # it held out the latest windows
