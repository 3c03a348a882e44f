"""Recursive forecasts beyond the end of the data, checked on series whose future is known."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sklstm import (
    ChangeRegressor,
    LagFeaturizer,
    LSTMRegressor,
    SeasonalChanges,
    SequenceReshaper,
    recursive_forecast,
    to_supervised,
)

W = 2 * np.pi / 12  # a period of 12 steps


def sine(n, start=0):
    # x[t] = sin(w (t + 1)): x[-1] = 0, so filling the missing lag with 0 is exact
    return np.sin(W * (np.arange(start, start + n) + 1))


def test_known_future_of_a_sine_is_forecast_exactly():
    # A sine obeys x[t + 1] = 2 cos(w) x[t] - x[t - 1]: two lags and a linear
    # model learn it exactly, so a long recursive forecast must stay exact.
    series = pd.Series(sine(48), index=pd.period_range("2000-01", periods=48, freq="M"), name="x")
    X, y = to_supervised(series)
    model = Pipeline(
        [("lags", LagFeaturizer(look_back=2, fill_value=0.0)), ("ols", LinearRegression())]
    ).fit(X, y)
    forecast = recursive_forecast(model, series, steps=30)
    np.testing.assert_allclose(forecast, sine(30, start=48), atol=1e-8)
    assert forecast.name == "x"
    assert forecast.index.equals(pd.period_range("2004-01", periods=30, freq="M"))


def test_each_step_feeds_the_previous_forecast_back():
    class Recorder(LinearRegression):
        def predict(self, X):
            self.seen_.append(np.asarray(X).copy())
            return np.asarray(X)[:, 0] * 2.0

    model = Recorder().fit([[0.0], [1.0]], [0.0, 2.0])
    model.seen_ = []
    data = np.array([1.0, 3.0])
    forecast = recursive_forecast(model, data, steps=3)
    np.testing.assert_array_equal(forecast, [6.0, 12.0, 24.0])  # an ndarray for an array
    np.testing.assert_array_equal(model.seen_[-1].ravel(), [1.0, 3.0, 6.0, 12.0])
    np.testing.assert_array_equal(data, [1.0, 3.0])  # not mutated


def test_exogenous_columns_come_from_future():
    # y[t + 1] = x[t]: the forecast is the known future of x, shifted by one
    rng = np.random.RandomState(0)
    x = rng.normal(size=40)
    frame = pd.DataFrame({"x": x, "y": np.r_[0.0, x[:-1]]})
    X, y = to_supervised(frame, target="y")
    model = LinearRegression().fit(X, y)
    future = pd.DataFrame({"x": [5.0, -2.0, 7.0]})
    forecast = recursive_forecast(model, frame, steps=3, target="y", future=future)
    np.testing.assert_allclose(forecast, [x[-1], 5.0, -2.0], atol=1e-9)
    assert list(forecast.index) == [40, 41, 42]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(steps=0), "'steps' parameter of recursive_forecast must be an int"),
        (dict(steps=2, target="y", window=0), "'window' parameter"),
        (dict(steps=2, target="y", window="all"), "'window' parameter"),
        (dict(steps=2), "pass future="),
        (dict(steps=2, target="z"), "not a column"),
        (dict(steps=2, target="y", future=np.zeros((3, 1))), "must have 2 rows"),
        (dict(steps=2, target="y", future=pd.DataFrame({"w": [1.0, 2.0]})), "lacks"),
    ],
)
def test_bad_arguments(kwargs, match):
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 3.0]})
    model = LinearRegression().fit(frame, [1.0, 2.0, 3.0])
    if "target" not in kwargs and kwargs["steps"] > 0:
        kwargs["target"] = "y"
    with pytest.raises(ValueError, match=match):
        recursive_forecast(model, frame, **kwargs)


def test_direct_multi_step_models_need_no_recursion():
    series = pd.Series(np.arange(20.0), name="y")
    X, Y = to_supervised(series, horizon=range(1, 4))
    model = LinearRegression().fit(X, Y)
    with pytest.raises(ValueError, match="direct multi-step"):
        recursive_forecast(model, series, steps=3)
    np.testing.assert_allclose(model.predict(X.iloc[[-1]])[0], [17.0, 18.0, 19.0])


def test_an_estimator_without_predict_is_refused():
    with pytest.raises(InvalidParameterError, match="'estimator' parameter"):
        recursive_forecast(StandardScaler().fit([[1.0], [2.0]]), [1.0, 2.0], steps=1)


def _whole_history_forecast(estimator, series, steps):
    # The definition (and the implementation before the window): append each
    # forecast to the whole series and predict its last row again.
    frame = series.to_frame()
    out = []
    for _ in range(steps):
        out.append(float(np.asarray(estimator.predict(frame))[-1]))
        label = frame.index[-1] + 1
        frame = pd.concat([frame, pd.DataFrame({series.name: [out[-1]]}, index=[label])])
    return np.asarray(out)


@pytest.mark.parametrize("wrap", [False, True])
def test_the_window_gives_the_whole_history_forecast(wrap):
    rng = np.random.RandomState(1)
    series = pd.Series(
        np.cumsum(rng.normal(size=80)) + 50.0,
        index=pd.period_range("2001-01", periods=80, freq="M"),
        name="y",
    )
    X, y = to_supervised(series)
    model = Pipeline(
        [
            ("scale", StandardScaler().set_output(transform="pandas")),
            ("lags", LagFeaturizer(look_back=5, fill_value=0.0)),
            ("ridge", Ridge(alpha=0.3)),
        ]
    )
    model = (ChangeRegressor(model) if wrap else model).fit(X, y)
    windowed = recursive_forecast(model, series, steps=15)
    everything = recursive_forecast(model, series, steps=15, window=None)
    np.testing.assert_array_equal(windowed, everything)
    np.testing.assert_array_equal(windowed, _whole_history_forecast(model, series, 15))
    assert windowed.index.equals(pd.period_range("2007-09", periods=15, freq="M"))


class RowCounter(RegressorMixin, BaseEstimator):
    """Predicts the last value of each row's window; counts the rows it is given."""

    def __init__(self, look_back=3):
        self.look_back = look_back

    def fit(self, X, y):
        self.rows_seen_ = 0
        self.n_history_ = self.look_back  # the hook: the rows predict reads
        return self

    def predict(self, X):
        self.rows_seen_ += len(X)
        return np.asarray(X, dtype=float)[:, 0] + 1.0


@pytest.mark.parametrize("n", [10, 1000, 100_000])
def test_the_work_per_step_does_not_grow_with_the_history(n):
    model = RowCounter(look_back=3).fit(None, None)
    forecast = recursive_forecast(model, pd.Series(np.zeros(n)), steps=20)
    np.testing.assert_array_equal(forecast, np.arange(1.0, 21.0))
    assert model.rows_seen_ == 20 * 3  # the look_back latest rows, whatever n is
    model.rows_seen_ = 0
    recursive_forecast(model, pd.Series(np.zeros(n)), steps=20, window=None)
    assert model.rows_seen_ == sum(n + step for step in range(20))


def test_a_range_index_with_a_step_keeps_its_step():
    # before the window, the labels after the first went +1 instead of +step
    series = pd.Series(np.arange(10.0), index=pd.RangeIndex(0, 20, 2), name="y")
    model = RowCounter(look_back=1).fit(None, None)
    forecast = recursive_forecast(model, series, steps=3)
    assert list(forecast.index) == [20, 22, 24]


def test_a_datetime_index_without_its_freq_is_continued():
    index = pd.DatetimeIndex(pd.date_range("2020-01-01", periods=6, freq="MS").to_list())
    assert index.freq is None
    forecast = recursive_forecast(RowCounter().fit(None, None), pd.Series(1.0, index), steps=3)
    assert forecast.index.equals(pd.date_range("2020-07-01", periods=3, freq="MS"))


def test_lstm_pipeline_forecasts_a_seasonal_series_a_year_ahead():
    series = pd.Series(sine(120), index=pd.period_range("2000-01", periods=120, freq="M"))
    X, y = to_supervised(series)
    pipe = Pipeline(
        [
            ("scale", MinMaxScaler().set_output(transform="pandas")),
            ("lags", LagFeaturizer(look_back=12)),
            ("seq", SequenceReshaper()),
            ("lstm", LSTMRegressor(units=8, max_iter=60, learning_rate_init=0.01, random_state=0)),
        ]
    ).fit(X, y)
    forecast = recursive_forecast(pipe, series, steps=12)
    truth = sine(12, start=120)
    rmse = np.sqrt(np.mean((forecast.to_numpy() - truth) ** 2))
    # predicting the mean (0) scores 0.71, persistence 0.52 over a period
    assert rmse < 0.1, rmse


def test_the_recipe_forecasts_the_same_from_its_window_as_from_the_whole_history():
    from sklstm import make_lstm_forecaster

    series = pd.Series(
        50.0 + np.cumsum(np.random.RandomState(0).normal(size=60)) + 5.0 * sine(60),
        index=pd.period_range("2000-01", periods=60, freq="M"),
        name="y",
    )
    X, y = to_supervised(series)
    model = make_lstm_forecaster(seasonal_period=12, max_iter=2, units=2, random_state=0)
    model.fit(X, y)
    windowed = recursive_forecast(model, series, steps=6)  # window="auto": 13 rows
    np.testing.assert_allclose(
        windowed, recursive_forecast(model, series, steps=6, window=None), rtol=1e-12
    )


# Panels: every series forecast in one pass per step
def _panel(lengths, freq="M", shuffle=True, seed=0):
    """A long-format panel, series of different lengths and end dates."""
    rng = np.random.RandomState(seed)
    parts = []
    for number, (key, length) in enumerate(lengths.items()):
        start = pd.Period("2000-01", freq="M") + 5 * number
        times = pd.period_range(start, periods=length, freq="M")
        if freq != "M":
            times = times.to_timestamp()
        parts.append(
            pd.DataFrame(
                {
                    "store": key,
                    "month": times,
                    "sales": 10.0 * (number + 1) + np.cumsum(rng.normal(size=length)),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    if shuffle:  # the series' rows interleaved, each series still in time order
        frame = frame.sort_values("month", kind="stable")
    return frame


def _one_series_forecast(estimator, observed, steps):
    """The definition, for one series of a panel (indexed by (series, time)):
    append each forecast to the whole series and predict its last row again."""
    out = []
    for _ in range(steps):
        out.append(float(np.asarray(estimator.predict(observed))[-1]))
        key, last = observed.index[-1]
        step = (
            observed.index.get_level_values(-1)[-3:].inferred_freq
            if not isinstance(last, pd.Period)
            else None
        )
        label = last + (1 if step is None else pd.tseries.frequencies.to_offset(step))
        row = pd.DataFrame(
            {"sales": [out[-1]]},
            index=pd.MultiIndex.from_tuples([(key, label)], names=observed.index.names),
        )
        observed = pd.concat([observed, row])
    return np.asarray(out)


def _lag_ridge(look_back=5):
    return Pipeline(
        [
            ("lags", LagFeaturizer(look_back=look_back, fill_value=0.0)),
            ("ridge", Ridge(alpha=0.5)),
        ]
    )


@pytest.mark.parametrize("freq", ["M", "MS"])
def test_a_panel_is_forecast_series_by_series_in_one_pass(freq):
    # "c" is shorter than the window, "b" ends earlier than "a"
    frame = _panel({"a": 40, "b": 25, "c": 3}, freq=freq)
    X, y = to_supervised(frame, target="sales", id="store", time="month")
    model = _lag_ridge().fit(X, y)
    observed = frame.set_index(["store", "month"])
    forecast = recursive_forecast(model, observed, steps=6)

    assert forecast.name == "sales"
    assert forecast.index.names == ["store", "month"]
    assert forecast.index.get_level_values("store").tolist() == ["a"] * 6 + ["b"] * 6 + ["c"] * 6
    for key in ["a", "b", "c"]:
        alone = observed.xs(key, level="store", drop_level=False).sort_index()
        times = alone.index.get_level_values("month")
        # each series continues from its own last time, at the index's frequency
        expected = (
            pd.period_range(times[-1] + 1, periods=6, freq="M")
            if freq == "M"
            else pd.date_range(times[-1], periods=7, freq=freq)[1:]
        )
        assert forecast.loc[key].index.equals(expected)
        np.testing.assert_allclose(
            forecast.loc[key].to_numpy(), _one_series_forecast(model, alone, 6), rtol=1e-12
        )
        np.testing.assert_allclose(  # the one-series panel through the same function
            forecast.loc[key], recursive_forecast(model, alone, steps=6).loc[key], rtol=1e-12
        )
    assert observed.equals(frame.set_index(["store", "month"]))  # not mutated


class BatchRecorder(RegressorMixin, BaseEstimator):
    """Records the series and rows of every predict call; predicts last value + 1."""

    def __init__(self, look_back=3):
        self.look_back = look_back

    def fit(self, X, y):
        self.calls_ = []
        self.n_history_ = self.look_back
        return self

    def predict(self, X):
        self.calls_.append(X.index.copy())
        return X.to_numpy()[:, 0] + 1.0


def test_one_predict_call_per_step_for_all_series():
    frame = _panel({"a": 30, "b": 12, "c": 2, "d": 7})
    model = BatchRecorder(look_back=4).fit(None, None)
    forecast = recursive_forecast(model, frame.set_index(["store", "month"]), steps=5)
    assert len(model.calls_) == 5  # one call per step, not one per series and step
    for step, index in enumerate(model.calls_):
        counts = index.get_level_values("store").value_counts()
        # every series, each with its latest rows up to the window (4)
        assert counts.to_dict() == {"a": 4, "b": 4, "c": min(2 + step, 4), "d": 4}
    last = frame.groupby("store")["sales"].last()
    np.testing.assert_array_equal(
        forecast.to_numpy(), (last.to_numpy()[:, np.newaxis] + np.arange(1, 6)).ravel()
    )


def test_an_lstm_pipeline_forecasts_a_panel_as_each_series_alone():
    frame = _panel({"a": 30, "b": 20, "c": 26})
    X, y = to_supervised(frame, target="sales", id="store", time="month")
    model = Pipeline(
        [
            ("scale", StandardScaler().set_output(transform="pandas")),
            ("lags", LagFeaturizer(look_back=4)),
            ("seq", SequenceReshaper()),
            ("lstm", LSTMRegressor(units=3, max_iter=2, random_state=0)),
        ]
    ).fit(X, y)
    observed = frame.set_index(["store", "month"])
    forecast = recursive_forecast(model, observed, steps=4)
    for key in ["a", "b", "c"]:
        alone = observed.xs(key, level="store", drop_level=False)
        np.testing.assert_allclose(
            forecast.loc[key].to_numpy(), _one_series_forecast(model, alone, 4), rtol=1e-9
        )


def test_a_panel_s_exogenous_future_is_aligned_by_series_and_time():
    # sales[t + 1] = promo[t]: the forecast is each store's known promo plan, shifted
    rng = np.random.RandomState(0)
    frame = _panel({"a": 20, "b": 15}, shuffle=False)
    frame["promo"] = rng.normal(size=len(frame))
    frame["sales"] = frame.groupby("store")["promo"].shift(1).fillna(0.0)
    X, y = to_supervised(frame, target="sales", id="store", time="month")
    model = LinearRegression().fit(X, y)
    observed = frame.set_index(["store", "month"])
    labels = recursive_forecast(BatchRecorder().fit(None, None), observed[["sales"]], 3).index
    plan = pd.DataFrame({"promo": [1.0, 2.0, 3.0, -1.0, -2.0, -3.0]}, index=labels)
    forecast = recursive_forecast(model, observed, 3, target="sales", future=plan.iloc[::-1])
    last_promo = frame.groupby("store")["promo"].last()
    np.testing.assert_allclose(
        forecast, [last_promo["a"], 1.0, 2.0, last_promo["b"], -1.0, -2.0], atol=1e-9
    )
    with pytest.raises(ValueError, match="no row for 1 of the forecast rows"):
        recursive_forecast(model, observed, 3, target="sales", future=plan.iloc[1:])
    with pytest.raises(ValueError, match="one per series and step"):
        recursive_forecast(model, observed, 3, target="sales", future=np.zeros((3, 1)))


def test_a_short_datetime_series_takes_the_panel_s_frequency():
    frame = _panel({"a": 12, "b": 2}, freq="MS")  # "b" alone: too short to infer
    model = BatchRecorder(look_back=2).fit(None, None)
    forecast = recursive_forecast(model, frame.set_index(["store", "month"]), steps=2)
    last_b = frame.loc[frame["store"] == "b", "month"].iloc[-1]
    assert forecast.loc["b"].index.equals(pd.date_range(last_b, periods=3, freq="MS")[1:])


def test_a_series_shorter_than_the_window_gives_the_whole_history_forecast():
    # the window used to shrink to the data's length, dropping rows the
    # model's lags still reached as the forecast grew
    rng = np.random.RandomState(3)
    series = pd.Series(np.cumsum(rng.normal(size=60)), name="y")
    X, y = to_supervised(series)
    model = _lag_ridge(look_back=6).fit(X, y)
    short = series.iloc[:3]
    np.testing.assert_allclose(
        recursive_forecast(model, short, steps=5),
        _whole_history_forecast(model, short, 5),
        rtol=1e-12,
    )


# Quantiles step by step (return_quantiles) ----------------------------------


def _quantile_pipeline(**params):
    return Pipeline(
        [
            ("lags", LagFeaturizer(look_back=3)),
            ("seq", SequenceReshaper()),
            (
                "lstm",
                LSTMRegressor(
                    **{"units": 4, "max_iter": 3, "loss": "quantile", "random_state": 0, **params}
                ),
            ),
        ]
    )


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")  # the array call
@pytest.mark.parametrize("wrap", [False, True])
def test_return_quantiles_feeds_the_median_back(wrap):
    series = pd.Series(10 + sine(48), name="y")
    X, y = to_supervised(series)
    model = _quantile_pipeline(quantiles=(0.05, 0.5, 0.9))
    model = (ChangeRegressor(model) if wrap else model).fit(X, y)
    bands = recursive_forecast(model, series, steps=5, return_quantiles=True)
    assert list(bands.columns) == [0.05, 0.5, 0.9]
    assert list(bands.index) == list(range(48, 53))
    # the median path is exactly the point forecast's path
    np.testing.assert_array_equal(
        bands[0.5].to_numpy(), recursive_forecast(model, series, steps=5).to_numpy()
    )
    assert (np.diff(bands.to_numpy(), axis=1) >= 0).all()
    # step 1 is the model's own quantiles for the last observed row
    quantiles = (
        model.predict_quantiles(series.to_frame())
        if wrap
        else (model[-1].predict_quantiles(model[:-1].transform(series.to_frame())))
    )
    np.testing.assert_allclose(bands.iloc[0].to_numpy(), quantiles[-1], rtol=1e-12)
    # arrays in, an array out
    array = recursive_forecast(model, series.to_numpy(), steps=5, return_quantiles=True)
    np.testing.assert_array_equal(array, bands.to_numpy())


def test_return_quantiles_needs_one_step_quantiles():
    series = pd.Series(10 + sine(40), name="y")
    X, y = to_supervised(series)
    point = LinearRegression().fit(X, y)
    with pytest.raises(ValueError, match="has no predict_quantiles"):
        recursive_forecast(point, series, steps=2, return_quantiles=True)
    X, Y = to_supervised(series, horizon=range(1, 4))
    direct = _quantile_pipeline().fit(X, Y)
    with pytest.raises(ValueError, match=r"predict_quantiles\(data\)\[-1\]"):
        recursive_forecast(direct, series, steps=2, return_quantiles=True)


def test_return_quantiles_of_a_panel_keep_the_series_and_time_index():
    frame = _panel({"a": 30, "b": 20}, freq="M")
    X, y = to_supervised(frame, target="sales", id="store", time="month")
    model = _quantile_pipeline().fit(X, y)
    observed = frame.set_index(["store", "month"])
    bands = recursive_forecast(model, observed, steps=4, return_quantiles=True)
    point = recursive_forecast(model, observed, steps=4)
    assert bands.index.equals(point.index)
    np.testing.assert_array_equal(bands[0.5].to_numpy(), point.to_numpy())
    for key in ["a", "b"]:  # each series as if alone
        alone = observed.xs(key, level="store", drop_level=False)
        np.testing.assert_allclose(
            bands.loc[key].to_numpy(),
            recursive_forecast(model, alone, steps=4, return_quantiles=True).loc[key].to_numpy(),
            rtol=1e-6,
        )


@pytest.mark.parametrize(
    "data, match",
    [
        (np.arange(12) + 0j, "complex numbers"),
        (pd.Series(["1"] * 12, name="y"), "holds text"),
    ],
)
def test_data_that_is_not_real_numbers_is_refused_by_name(data, match):
    model = _lag_ridge(3).fit(*to_supervised(pd.Series(np.arange(12.0), name="y")))
    with pytest.raises(ValueError, match=match):
        recursive_forecast(model, data, steps=2)


class _NamedLikeALag(RegressorMixin, BaseEstimator):
    """Has a look_back parameter but no n_history_: a name is not a hook."""

    def __init__(self, look_back=2):
        self.look_back = look_back

    def fit(self, X, y):
        self.rows_seen_ = []
        return self

    def predict(self, X):
        self.rows_seen_.append(len(X))
        return np.asarray(X, dtype=float)[:, 0] + 1.0


def test_the_window_comes_from_the_fitted_hook_not_from_parameter_names():
    from sklstm._forecasting._history import n_history

    series = pd.Series(np.arange(30.0), name="y")
    named = _NamedLikeALag(look_back=2).fit(None, None)
    recursive_forecast(named, series, steps=2)
    assert named.rows_seen_ == [30, 31]  # no n_history_: every row
    X, y = to_supervised(series)
    model = ChangeRegressor(_lag_ridge(look_back=6)).fit(X, y)
    assert model.n_history_ == 6 == n_history(model.regressor_)
    seasonal = ChangeRegressor(_lag_ridge(look_back=3), season=SeasonalChanges(4)).fit(
        X.set_axis(pd.period_range("2000Q1", periods=len(X), freq="Q")), y
    )
    assert seasonal.n_history_ == seasonal.season_.reach_ + 1 > 3
    # meta-estimators are read through their documented fitted parts
    search = GridSearchCV(_lag_ridge(), {"lags__look_back": [2, 7]}, cv=TimeSeriesSplit(2)).fit(
        X, y
    )
    assert n_history(search) == search.best_params_["lags__look_back"]
    with pytest.raises(ValueError, match="n_history_ must be a positive int"):
        n_history(type("Bad", (), {"n_history_": 0})())


def test_too_many_steps_are_refused_before_any_allocation():
    series = pd.Series(np.arange(20.0), name="y")
    X, y = to_supervised(series)
    model = LinearRegression().fit(X, y)
    with pytest.raises(ValueError, match=r"steps=1000000000 is too many.*at most 134,217,728"):
        recursive_forecast(model, series, steps=10**9)
    assert len(recursive_forecast(model, series, steps=3)) == 3


@pytest.mark.parametrize(
    "times",
    [
        pd.period_range("2000-01", periods=6, freq="M")[[0, 1, 1, 2, 2, 3]],
        pd.Index([5, 1, 6, 2, 7, 3], dtype="int32"),
    ],
)
def test_a_panel_is_labelled_as_each_of_its_series_alone(times):
    panel = pd.DataFrame(
        {"y": [1.0, 10.0, 2.0, 20.0, 3.0, 30.0]},
        index=pd.MultiIndex.from_arrays([list("abab") + ["a", "b"], times], names=["id", "t"]),
    )
    X, y = to_supervised(panel.reset_index(), target="y", id="id", time="t")
    model = LinearRegression().fit(X, y)
    forecast = recursive_forecast(model, panel, steps=3)
    for key, alone in panel.groupby(level="id", sort=False):
        own = forecast.xs(key, level="id", drop_level=False)
        expected = recursive_forecast(model, alone, steps=3)
        assert own.index.equals(expected.index)
        assert own.index.get_level_values("t").dtype == times.dtype


def test_integer_times_that_would_wrap_around_are_refused():
    # 2**63 - 2 stepped twice wrapped to -2**63, silently.
    times = pd.Index(np.arange(2**63 - 12, 2**63 - 1, dtype=np.int64))
    series = pd.Series(np.arange(11.0), index=times, name="y")
    model = LinearRegression().fit(*to_supervised(series))
    assert recursive_forecast(model, series, steps=1).index[-1] == 2**63 - 1
    with pytest.raises(ValueError, match="leaves their dtype int64"):
        recursive_forecast(model, series, steps=2)
