"""ChangeRegressor: learn the change from the last observation."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone, is_regressor
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import SVR
from sklearn.tree import DecisionTreeRegressor
from sklearn.utils import get_tags

from sklstm import (
    ChangeRegressor,
    LagFeaturizer,
    LSTMRegressor,
    SeasonalChanges,
    SeasonalIndices,
    SequenceReshaper,
    to_supervised,
)


def relative_to_last(lags):
    """Lags minus the latest one; a missing lag (before the series) is 0."""
    return np.nan_to_num(lags - lags[:, -1:])


def trend(n=40, start=100.0, slope=2.0):
    return pd.Series(start + slope * np.arange(n), name="y")


def test_learns_the_change_so_it_extrapolates_a_trend():
    X, y = to_supervised(trend())
    train, test = slice(0, 20), slice(20, None)
    # A tree on the levels can only predict levels it saw in training.
    levels = DecisionTreeRegressor().fit(X[train], y[train])
    assert levels.predict(X[test]).max() == y[train].max()
    # The same tree on the change extends the trend exactly.
    model = ChangeRegressor(DecisionTreeRegressor()).fit(X[train], y[train])
    np.testing.assert_allclose(model.predict(X[test]), y[test].to_numpy())
    np.testing.assert_allclose(model.regressor_.predict(X[test]), 2.0)


def test_log_change_extrapolates_an_exponential_series():
    series = pd.Series(100.0 * 1.05 ** np.arange(40), name="y")
    X, y = to_supervised(series)
    model = ChangeRegressor(KNeighborsRegressor(n_neighbors=1), kind="log")
    model.fit(X[:20], y[:20])
    np.testing.assert_allclose(model.predict(X[20:]), y[20:].to_numpy())
    np.testing.assert_allclose(model.regressor_.predict(X[20:]), np.log(1.05))
    # The additive change of a multiplicative series keeps growing: the
    # last difference seen in training is too small for later steps.
    diff = ChangeRegressor(KNeighborsRegressor(n_neighbors=1)).fit(X[:20], y[:20])
    assert (diff.predict(X[21:]) < y[21:].to_numpy()).all()


@pytest.mark.parametrize("kind", ["diff", "log"])
def test_matches_the_change_fitted_by_hand(kind):
    rng = np.random.RandomState(0)
    X = rng.uniform(1.0, 2.0, size=(30, 3))
    y = X[:, 1] * rng.uniform(0.8, 1.2, size=30)
    weights = rng.uniform(0.5, 1.5, size=30)
    model = ChangeRegressor(Ridge(alpha=0.5), kind=kind, level=1)
    model.fit(X, y, sample_weight=weights)
    change = y - X[:, 1] if kind == "diff" else np.log(y / X[:, 1])
    # The regressor sees the level column in the space of the change.
    inputs = X.copy()
    if kind == "log":
        inputs[:, 1] = np.log(X[:, 1])
    by_hand = Ridge(alpha=0.5).fit(inputs, change, sample_weight=weights)
    np.testing.assert_allclose(model.regressor_.coef_, by_hand.coef_)
    change_pred = by_hand.predict(inputs)
    expected = X[:, 1] + change_pred if kind == "diff" else X[:, 1] * np.exp(change_pred)
    np.testing.assert_allclose(model.predict(X), expected)


@pytest.mark.parametrize("level", ["b", 1, -2])
def test_level_is_a_label_or_a_position(level):
    rng = np.random.RandomState(1)
    frame = pd.DataFrame(rng.uniform(size=(20, 3)), columns=["a", "b", "c"])
    y = frame["b"] + 1.0
    model = ChangeRegressor(LinearRegression(), level=level).fit(frame, y)
    np.testing.assert_allclose(model.regressor_.intercept_, 1.0)
    np.testing.assert_allclose(model.regressor_.coef_, 0.0, atol=1e-12)
    np.testing.assert_allclose(model.predict(frame), y.to_numpy())
    np.testing.assert_array_equal(model.feature_names_in_, ["a", "b", "c"])
    assert model.n_features_in_ == 3


def test_a_label_wins_over_a_position():
    frame = pd.DataFrame({0: [1.0, 2.0, 3.0], 1: [10.0, 20.0, 30.0]}).iloc[:, ::-1]
    y = np.array([11.0, 21.0, 31.0])
    model = ChangeRegressor(LinearRegression(), level=1).fit(frame, y)
    # Label 1 is the first column (position 0) here: the change is 1.
    np.testing.assert_allclose(model.regressor_.predict(frame), 1.0)


def test_several_horizons_change_from_the_same_observation():
    X, Y = to_supervised(trend(), horizon=[1, 2, 3])
    model = ChangeRegressor(DecisionTreeRegressor()).fit(X[:20], Y[:20])
    pred = model.predict(X[20:])
    assert pred.shape == (len(X) - 20, 3)
    np.testing.assert_allclose(pred, Y[20:].to_numpy())
    np.testing.assert_allclose(model.regressor_.predict(X[20:]), [[2.0, 4.0, 6.0]] * 17)


def test_a_2d_y_with_one_column_stays_2d_and_a_1d_y_stays_1d():
    X, y = to_supervised(trend())
    two_d = ChangeRegressor(LinearRegression()).fit(X, y.to_frame())
    one_d = ChangeRegressor(LinearRegression()).fit(X, y)
    assert two_d.predict(X).shape == (len(X), 1)
    assert one_d.predict(X).shape == (len(X),)
    np.testing.assert_allclose(two_d.predict(X).ravel(), one_d.predict(X))


def test_x_reaches_the_pipeline_unchanged_so_lags_get_their_history():
    series = pd.Series(
        np.sin(np.arange(60) / 3.0) + np.arange(60) * 0.1 + 5.0,
        index=pd.period_range("2000-01", periods=60, freq="M"),
        name="y",
    )
    X, y = to_supervised(series)
    pipe = Pipeline([("lags", LagFeaturizer(look_back=3, fill_value=0.0)), ("reg", Ridge())])
    model = ChangeRegressor(pipe).fit(X[:40], y[:40])
    # The test rows continue the training index: their first lags come from
    # the training data, exactly as when predicting on the whole series.
    np.testing.assert_allclose(model.predict(X[40:]), model.predict(X)[40:])
    # An array has no index: the first test rows get fill_value lags instead.
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        from_array = model.predict(X[40:].to_numpy())
    assert not np.allclose(from_array[:2], model.predict(X)[40:42])
    np.testing.assert_allclose(from_array[2:], model.predict(X)[42:])


def test_does_not_mutate_its_inputs():
    frame = pd.DataFrame({"y": trend().to_numpy(), "x": np.arange(40.0)})
    target = frame["y"] * 1.01
    array = frame.to_numpy()
    frame_copy, target_copy, array_copy = frame.copy(), target.copy(), array.copy()
    for X in (frame, array):
        model = ChangeRegressor(Ridge(), kind="log", level=0).fit(X, target)
        model.predict(X)
    pd.testing.assert_frame_equal(frame, frame_copy)
    pd.testing.assert_series_equal(target, target_copy)
    np.testing.assert_array_equal(array, array_copy)
    regressor = Ridge()
    ChangeRegressor(regressor, level=0).fit(array, target)
    assert not hasattr(regressor, "coef_")  # fitted a clone


def test_grid_search_tunes_nested_parameters():
    t = np.arange(60.0)
    series = pd.Series(50.0 + t + 5.0 * np.tile([0.0, 3.0, -1.0, 2.0], 15), name="y")
    X, y = to_supervised(series)
    pipe = Pipeline(
        [
            ("lags", LagFeaturizer()),
            ("relative", FunctionTransformer(relative_to_last)),
            ("reg", LinearRegression()),
        ]
    )
    model = ChangeRegressor(pipe)
    assert is_regressor(model)
    assert "regressor__lags__look_back" in model.get_params()
    search = GridSearchCV(
        model,
        {"regressor__lags__look_back": [1, 4]},
        cv=TimeSeriesSplit(n_splits=3),
        scoring="neg_root_mean_squared_error",
    ).fit(X, y)
    # A period-4 pattern: the change one step ahead is the change four steps
    # back, which only a window of four lags can see (not exactly: the
    # first rows of each training fold lack lags).
    assert search.best_params_ == {"regressor__lags__look_back": 4}
    scores = -search.cv_results_["mean_test_score"]
    assert scores[1] < 0.25 * scores[0]
    fitted = search.best_estimator_.regressor_.named_steps["lags"]
    assert fitted.look_back == 4
    manual = cross_val_score(
        clone(model).set_params(regressor__lags__look_back=4),
        X,
        y,
        cv=TimeSeriesSplit(n_splits=3),
        scoring="neg_root_mean_squared_error",
    )
    np.testing.assert_allclose(-manual.mean(), scores[1])


def test_wraps_an_lstm_pipeline():
    X, y = to_supervised(trend(n=30))
    pipe = Pipeline(
        [
            ("lags", LagFeaturizer(look_back=2)),
            ("seq", SequenceReshaper()),
            ("lstm", LSTMRegressor(units=4, max_iter=3, random_state=0)),
        ]
    )
    model = ChangeRegressor(pipe).fit(X, y)
    inner = clone(pipe).fit(X, y - X["y"])
    np.testing.assert_allclose(model.predict(X), X["y"].to_numpy() + inner.predict(X), rtol=1e-6)


def test_tags_come_from_the_regressor():
    assert is_regressor(ChangeRegressor(Ridge()))
    assert get_tags(ChangeRegressor(Ridge())).target_tags.multi_output
    assert not get_tags(ChangeRegressor(SVR())).target_tags.multi_output
    assert not get_tags(ChangeRegressor(Ridge())).input_tags.allow_nan
    assert get_tags(ChangeRegressor(HistGradientBoostingRegressor())).input_tags.allow_nan
    assert get_tags(ChangeRegressor(Ridge(), kind="log")).target_tags.positive_only
    assert not get_tags(ChangeRegressor(Ridge())).target_tags.positive_only


def test_other_columns_may_hold_nan_when_the_regressor_allows_it():
    rng = np.random.RandomState(0)
    X = np.column_stack([rng.uniform(1, 2, size=50), rng.uniform(size=50)])
    X[::5, 1] = np.nan
    y = X[:, 0] + 0.5
    model = ChangeRegressor(HistGradientBoostingRegressor(), level=0).fit(X, y)
    np.testing.assert_allclose(model.predict(X), y, atol=1e-6)


@pytest.mark.parametrize(
    "params, X, match",
    [
        ({}, np.ones((5, 2)), "X has 2 columns; pass level="),
        (
            {"level": "price"},
            pd.DataFrame({"y": np.ones(5)}),
            r"level='price' is not a column of X: the columns of X are \['y'\]",
        ),
        ({"level": "y"}, np.ones((5, 1)), "X has no column labels"),
        ({"level": 3}, np.ones((5, 2)), "level=3 is out of range for X with 2 column"),
        ({"level": -3}, np.ones((5, 2)), "level=-3 is out of range"),
        ({"kind": "ratio"}, np.ones((5, 1)), "'kind' parameter of ChangeRegressor must be"),
    ],
)
def test_bad_level_or_kind(params, X, match):
    with pytest.raises(ValueError, match=match):
        ChangeRegressor(Ridge(), **params).fit(X, np.ones(5))


def test_a_bool_level_is_rejected():
    with pytest.raises(TypeError, match="not a bool"):
        ChangeRegressor(Ridge(), level=True).fit(np.ones((5, 2)), np.ones(5))


def test_log_needs_positive_values():
    X = np.array([[1.0], [2.0], [3.0]])
    with pytest.raises(ValueError, match="kind='log' needs positive values, but y has 1"):
        ChangeRegressor(Ridge(), kind="log").fit(X, [1.0, 0.0, 2.0])
    with pytest.raises(ValueError, match="the level column of X has 1 value"):
        ChangeRegressor(Ridge(), kind="log").fit(-X[::-1] + 3.0, [1.0, 1.0, 2.0])
    model = ChangeRegressor(Ridge(), kind="log").fit(X, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="the level column of X has 1 value"):
        model.predict([[-1.0]])
    # kind="diff" takes any sign.
    ChangeRegressor(Ridge()).fit(-X, [-1.0, 0.0, 2.0]).predict([[-1.0]])


def test_the_level_must_be_finite():
    X = np.array([[1.0], [np.nan], [3.0]])
    with pytest.raises(ValueError, match="the level column of X contains NaN"):
        ChangeRegressor(HistGradientBoostingRegressor()).fit(X, [1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    "X, y, error, match",
    [
        (np.ones((3, 1)), np.array(["1", "2", "3"]), ValueError, "y holds text"),
        (
            pd.DataFrame({"a": ["1", "2", "3"]}, dtype=object),
            np.ones(3),
            ValueError,
            "level column of X holds text",
        ),
        (
            pd.DataFrame({"d": pd.date_range("2020", periods=3)}),
            np.ones(3),
            TypeError,
            "level column of X holds dates",
        ),
        (np.ones((3, 1)), pd.Series(pd.date_range("2020", periods=3)), TypeError, "y holds dates"),
    ],
)
def test_text_and_dates_are_not_silently_turned_into_numbers(X, y, error, match):
    model = ChangeRegressor(DecisionTreeRegressor())
    with pytest.raises(error, match=match):
        model.fit(X, y)
    assert not hasattr(model, "n_features_in_")


def test_the_wrapped_regressor_still_validates_its_parameters():
    # fit_context(prefer_skip_nested_validation=False): the regressor is the
    # user's, so its own parameter validation is not skipped.
    from sklearn.utils._param_validation import InvalidParameterError

    model = ChangeRegressor(Ridge(alpha=-1.0))
    with pytest.raises(InvalidParameterError, match="'alpha' parameter of Ridge"):
        model.fit(np.ones((4, 1)), np.arange(4.0))
    assert not hasattr(model, "n_features_in_")


def test_y_is_checked():
    X = np.ones((3, 1))
    with pytest.raises(ValueError, match="requires y to be passed"):
        ChangeRegressor(Ridge()).fit(X, None)
    with pytest.raises(ValueError, match="different numbers of samples: 3 and 2"):
        ChangeRegressor(Ridge()).fit(X, [1.0, 2.0])
    with pytest.raises(ValueError, match="y contains NaN"):
        ChangeRegressor(Ridge()).fit(X, [1.0, np.nan, 2.0])


def test_a_failed_refit_leaves_it_unfitted_and_keeps_settings():
    from sklearn.exceptions import NotFittedError
    from sklearn.linear_model import LinearRegression

    model = ChangeRegressor(LinearRegression()).fit(
        np.arange(5.0).reshape(-1, 1), np.arange(1.0, 6.0)
    )
    with pytest.raises(ValueError):
        model.fit(np.ones((5, 2)), np.arange(5.0))  # two columns and no level
    with pytest.raises(NotFittedError):
        model.predict(np.ones((1, 1)))


# Quantiles of the change -> quantiles of the level ---------------------------


class ChangeQuantiles(LinearRegression):
    """A linear model of the change whose quantiles are its prediction plus fixed offsets."""

    offsets = np.array([-0.3, -0.1, 0.0, 0.2])  # levels 0.05, 0.25, 0.5, 0.9, say

    def predict_quantiles(self, X):
        centre = self.predict(X)
        return centre[..., np.newaxis] + self.offsets


@pytest.mark.parametrize("kind", ["diff", "log"])
@pytest.mark.parametrize("horizons", [1, 3])
def test_quantiles_of_the_change_map_to_quantiles_of_the_level(kind, horizons):
    series = pd.Series(50 + 10 * np.sin(np.arange(60) / 3) + np.arange(60), name="y")
    X, y = to_supervised(series, horizon=range(1, horizons + 1) if horizons > 1 else 1)
    model = ChangeRegressor(ChangeQuantiles(), kind=kind).fit(X, y)
    bands = model.predict_quantiles(X)
    inputs = np.log(X) if kind == "log" else X  # the level in the change's space
    change = model.regressor_.predict_quantiles(inputs)
    last = X["y"].to_numpy().reshape((-1,) + (1,) * (change.ndim - 1))
    expected = last * np.exp(change) if kind == "log" else last + change
    np.testing.assert_allclose(bands, expected, rtol=1e-12)
    assert bands.shape == ((59, 4) if horizons == 1 else (57, 3, 4))
    assert (np.diff(bands, axis=-1) > 0).all()  # an increasing map keeps the order
    np.testing.assert_allclose(bands[..., 2], model.predict(X), rtol=1e-12)


def test_an_lstm_pipeline_with_quantile_loss_gives_level_quantiles():
    X, y = to_supervised(trend(60))
    pipe = Pipeline(
        [
            ("lags", LagFeaturizer(look_back=3)),
            ("seq", SequenceReshaper()),
            ("lstm", LSTMRegressor(units=4, max_iter=3, loss="quantile", random_state=0)),
        ]
    )
    model = ChangeRegressor(pipe, kind="log")
    assert hasattr(model, "predict_quantiles")  # the pipeline's last step has it
    model.fit(X, y)
    bands = model.predict_quantiles(X)
    assert bands.shape == (59, 3)
    assert (np.diff(bands, axis=1) >= 0).all()
    np.testing.assert_array_equal(bands[:, 1], model.predict(X))
    # the lags of each row came from the rows before it, as for predict; the
    # pipeline sees the level in the change's space (its log)
    change = model.regressor_[-1].predict_quantiles(model.regressor_[:-1].transform(np.log(X)))
    np.testing.assert_allclose(bands, X.to_numpy() * np.exp(change), rtol=1e-12)


def test_predict_quantiles_only_when_the_regressor_has_them():
    assert not hasattr(ChangeRegressor(Ridge()), "predict_quantiles")
    assert not hasattr(ChangeRegressor(make_point_pipeline()), "predict_quantiles")
    model = ChangeRegressor(ChangeQuantiles()).fit(*to_supervised(trend()))
    assert hasattr(model, "predict_quantiles")


def make_point_pipeline():
    return Pipeline([("lags", LagFeaturizer(look_back=2)), ("lstm", LSTMRegressor())])


@pytest.mark.parametrize("strategy", [SeasonalChanges, SeasonalIndices])
def test_a_seasonal_period_longer_than_the_data_is_refused_at_fit(strategy):
    # 10**18 once fitted, then overflowed int64 time steps in the forecast.
    months = pd.period_range("2000-01", periods=30, freq="M")
    series = pd.Series(np.linspace(10.0, 40.0, 30), index=months, name="y")
    X, y = to_supervised(series)
    model = ChangeRegressor(LinearRegression(), season=strategy(10**18))
    with pytest.raises(ValueError, match=r"period=10+ is longer.*span 29 step"):
        model.fit(X, y)
    model.set_params(season=strategy(12)).fit(X, y)  # a season the data spans


def test_a_log_windows_step_inside_a_log_change_regressor_is_refused():
    """The regressor gets the level as its log: RelativeWindows(kind="log"), as
    the recipe of earlier versions had, would log it again."""
    from sklstm import LagFeaturizer, RelativeWindows

    X, y = to_supervised(pd.Series(100.0 * 1.01 ** np.arange(40), name="y"))
    pipe = Pipeline(
        [
            ("lags", LagFeaturizer(look_back=3).set_output(transform="pandas")),
            ("relative", RelativeWindows("log", fill_value=0.0)),
            ("ridge", Ridge()),
        ]
    )
    with pytest.raises(ValueError, match=r"relative__kind='diff'"):
        ChangeRegressor(pipe, kind="log").fit(X, y)
    ChangeRegressor(pipe.set_params(relative__kind="diff"), kind="log").fit(X, y)


def test_per_row_fit_arguments_of_a_panel_follow_their_rows():
    months = pd.period_range("2001-01", periods=5, freq="M")
    frame = pd.DataFrame(
        {"series": np.repeat(["a", "b"], 5), "month": np.tile(months, 2), "y": np.arange(1.0, 11)}
    )
    X, y = to_supervised(frame, target="y", id="series", time="month")
    with pytest.raises(ValueError, match="sample_weight has 10 entries, but X has 8 rows"):
        ChangeRegressor(Ridge()).fit(X, y, sample_weight=np.ones(10))
    ChangeRegressor(Ridge()).fit(X, y, sample_weight=2.0)  # a scalar: as it is

    class Tagged(Ridge):
        def fit(self, X, y, tag=None):
            self.pairs_ = list(zip(X.index, tag))
            return super().fit(X, y)

    tags = [f"{s}{m}" for s, m in X.index]
    model = ChangeRegressor(Tagged()).fit(X, y, tag=tags)
    assert all(f"{s}{m}" == tag for (s, m), tag in model.regressor_.pairs_)
