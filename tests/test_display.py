"""ForecastDisplay and LossCurveDisplay: what they draw, checked on the artists' data."""

import copy
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import InvalidParameterError

from sklstm import ForecastDisplay, LossCurveDisplay, LSTMRegressor

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def airline_fit(airline, airline_pipeline):
    X, y = airline
    n_train = 100
    pipe = airline_pipeline(look_back=2, units=2).fit(X.iloc[:n_train], y.iloc[:n_train])
    return pipe, X, y, n_train


def rmse(a, b):
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def assert_dates(line, expected):
    """The x data of ``line`` are the timestamps ``expected``."""
    drawn = pd.DatetimeIndex(pd.to_datetime(line.get_xdata()))
    assert drawn.equals(pd.DatetimeIndex(expected)), (drawn, expected)


# ForecastDisplay with plain arrays


def test_arrays_are_drawn_by_position_shifted_by_the_horizon():
    y_true = np.array([10.0, 12.0, 11.0, 15.0, 14.0, 18.0, 17.0])
    y_pred = np.array([11.0, 11.0, 12.0, 13.0, 15.0, 16.0, 19.0])
    display = ForecastDisplay.from_predictions(y_true, y_pred, train_size=5, horizon=1)

    # observed series, train predictions, test predictions, split line
    assert len(display.ax_.lines) == 4
    np.testing.assert_array_equal(display.actual_line_.get_xdata(), np.arange(1, 8))
    np.testing.assert_array_equal(display.actual_line_.get_ydata(), y_true)
    np.testing.assert_array_equal(display.train_line_.get_xdata(), np.arange(1, 6))
    np.testing.assert_array_equal(display.train_line_.get_ydata(), y_pred[:5])
    np.testing.assert_array_equal(display.test_line_.get_xdata(), [6, 7])
    np.testing.assert_array_equal(display.test_line_.get_ydata(), y_pred[5:])
    assert display.split_line_.get_xdata()[0] == 6
    assert display.forecast_line_ is None

    train_rmse, test_rmse = rmse(y_true[:5], y_pred[:5]), rmse(y_true[5:], y_pred[5:])
    assert display.train_rmse_ == pytest.approx(train_rmse)
    assert display.test_rmse_ == pytest.approx(test_rmse)
    assert display.train_line_.get_label() == f"train prediction (RMSE {train_rmse:.2f})"
    assert display.test_line_.get_label() == f"test prediction (RMSE {test_rmse:.2f})"
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert legend == ["observed", display.train_line_.get_label(), display.test_line_.get_label()]


def test_without_train_size_one_prediction_line_and_no_split():
    y_true = np.array([1.0, 2.0, 3.0, 4.0])
    y_pred = np.array([1.0, 2.5, 3.0, 3.0])
    display = ForecastDisplay.from_predictions(y_true, y_pred, horizon=0, name="lstm")
    assert display.train_line_ is None and display.split_line_ is None
    assert len(display.ax_.lines) == 2
    np.testing.assert_array_equal(display.test_line_.get_xdata(), np.arange(4))
    np.testing.assert_array_equal(display.test_line_.get_ydata(), y_pred)
    assert display.test_line_.get_label() == f"lstm prediction (RMSE {rmse(y_true, y_pred):.2f})"


def test_fraction_train_size_and_forecast_values_continue_the_positions():
    y = np.arange(10.0)
    display = ForecastDisplay.from_predictions(
        y, y + 1, train_size=0.6, horizon=2, y_forecast=[20.0, 21.0, 22.0]
    )
    assert len(display.train_line_.get_xdata()) == 6
    assert display.train_size == 6  # the fraction resolved to a count
    # targets sit at positions 2..11, so the forecasts are at 12, 13, 14
    np.testing.assert_array_equal(display.forecast_line_.get_xdata(), [12, 13, 14])
    np.testing.assert_array_equal(display.forecast_line_.get_ydata(), [20.0, 21.0, 22.0])
    assert display.forecast_line_.get_label() == "forecast (3 steps)"
    assert len(display.ax_.lines) == 5


# ForecastDisplay with the airline PeriodIndex


def test_period_index_is_drawn_as_timestamps_at_the_forecast_month(airline):
    X, y = airline
    y_pred = y.to_numpy() * 1.1
    display = ForecastDisplay.from_predictions(y, y_pred, train_size=96)

    # y is indexed by the input's month: each value belongs one month later
    months = (y.index + 1).to_timestamp()
    assert_dates(display.actual_line_, months)
    np.testing.assert_array_equal(display.actual_line_.get_ydata(), y.to_numpy())
    assert_dates(display.test_line_, months[96:])
    np.testing.assert_allclose(display.test_line_.get_ydata(), y_pred[96:])
    assert display.actual_line_.get_label() == "passengers"
    assert display.ax_.get_xlabel() == "Month"
    assert display.ax_.get_ylabel() == "passengers"
    split = pd.Timestamp(display.split_line_.get_xdata()[0])
    assert split == months[96] == pd.Timestamp("1957-02-01")


def test_forecast_values_continue_the_period_index(airline):
    _, y = airline
    display = ForecastDisplay.from_predictions(y, y, y_forecast=np.array([500.0, 510.0]))
    expected = pd.DatetimeIndex(["1961-01-01", "1961-02-01"])
    assert_dates(display.forecast_line_, expected)
    pd.testing.assert_series_equal(
        display.y_forecast,
        pd.Series(
            [500.0, 510.0], index=pd.period_range("1961-01", periods=2, freq="M", name="Month")
        ),
    )


def test_forecast_series_is_drawn_at_its_own_index(airline):
    _, y = airline
    forecast = pd.Series([1.0, 2.0, 3.0], index=pd.period_range("1961-03", periods=3, freq="M"))
    display = ForecastDisplay.from_predictions(y, y, y_forecast=forecast)
    assert_dates(display.forecast_line_, ["1961-03-01", "1961-04-01", "1961-05-01"])
    np.testing.assert_array_equal(display.forecast_line_.get_ydata(), [1.0, 2.0, 3.0])


def test_datetime_index_without_freq_is_inferred():
    index = pd.DatetimeIndex(["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04"])
    assert index.freq is None
    y = pd.Series([1.0, 2.0, 3.0, 4.0], index=index)
    display = ForecastDisplay.from_predictions(y, y, y_forecast=[5.0])
    assert_dates(display.actual_line_, pd.date_range("2020-01-02", periods=4))
    assert pd.Timestamp(display.forecast_line_.get_xdata()[0]) == pd.Timestamp("2020-01-06")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(y_pred=np.zeros(3)), "inconsistent numbers of samples"),
        (dict(train_size=1.5), "train_size"),
        (dict(train_size=11), "train_size"),
        (dict(horizon=-1), "horizon"),
        (dict(y_pred=np.zeros((10, 2))), "1-D"),
    ],
)
def test_bad_input_is_explained(kwargs, message):
    args = dict(y_true=np.arange(10.0), y_pred=np.arange(10.0)) | kwargs
    with pytest.raises(ValueError, match=message):
        ForecastDisplay.from_predictions(args.pop("y_true"), args.pop("y_pred"), **args)


def test_an_index_that_cannot_step_is_explained():
    y = pd.Series([1.0, 2.0], index=["a", "b"])
    with pytest.raises(ValueError, match="horizon=0"):
        ForecastDisplay.from_predictions(y, y)
    # already at the observed time: nothing to step
    display = ForecastDisplay.from_predictions(y, y, horizon=0)
    assert list(display.actual_line_.get_ydata()) == [1.0, 2.0]


def test_plot_on_given_axes_with_style_overrides_returns_self():
    y = np.arange(6.0)
    display = ForecastDisplay.from_predictions(y, y + 1, train_size=3, horizon=0)
    fig, ax = plt.subplots()
    test_kwargs = {"color": "red", "label": "mine"}
    returned = display.plot(ax=ax, test_kwargs=test_kwargs)
    assert returned is display
    assert display.ax_ is ax and display.figure_ is fig
    assert display.test_line_.get_label() == "mine"
    assert display.test_line_.get_color() == "red"
    assert test_kwargs == {"color": "red", "label": "mine"}  # not mutated


# ForecastDisplay.from_estimator


def test_from_estimator_draws_the_pipeline_predictions(airline_fit):
    pipe, X, y, n_train = airline_fit
    display = ForecastDisplay.from_estimator(pipe, X, y, train_size=n_train)
    y_pred = pipe.predict(X)
    np.testing.assert_allclose(display.train_line_.get_ydata(), y_pred[:n_train])
    np.testing.assert_allclose(display.test_line_.get_ydata(), y_pred[n_train:])
    assert display.test_rmse_ == pytest.approx(rmse(y.iloc[n_train:], y_pred[n_train:]))
    assert display.test_line_.get_label().startswith("LSTMRegressor test prediction (RMSE ")
    assert_dates(display.test_line_, (y.index[n_train:] + 1).to_timestamp())


def test_from_estimator_takes_the_time_labels_from_X_when_y_is_an_array(airline_fit):
    pipe, X, y, n_train = airline_fit
    display = ForecastDisplay.from_estimator(pipe, X, y.to_numpy(), name="net")
    assert_dates(display.actual_line_, (X.index + 1).to_timestamp())
    assert display.test_line_.get_label().startswith("net prediction")


# LossCurveDisplay


def test_loss_curve_of_a_pipeline_is_its_lstm_history(airline_fit):
    pipe = airline_fit[0]
    display = LossCurveDisplay.from_estimator(pipe)
    loss = pipe[-1].loss_curve_
    np.testing.assert_array_equal(display.loss_line_.get_xdata(), np.arange(1, len(loss) + 1))
    np.testing.assert_allclose(display.loss_line_.get_ydata(), loss)
    assert display.ax_.get_ylabel() == "loss (squared_error)"
    assert display.ax_.get_yscale() == "linear"
    n_val = len([line for line in display.ax_.lines if "validation" in line.get_label()])
    assert (display.val_loss_line_ is None) == (pipe[-1].validation_scores_ is None)
    assert n_val == int(pipe[-1].validation_scores_ is not None)


@pytest.fixture(scope="module")
def bare_fit():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(16, 2, 1))
    y = X.sum(axis=(1, 2))
    return LSTMRegressor(units=2, max_iter=2, random_state=0).fit(X, y), X, y


def test_from_estimator_with_3d_arrays_places_samples_by_position(bare_fit):
    model, X, y = bare_fit
    display = ForecastDisplay.from_estimator(model, X, y, train_size=12)
    np.testing.assert_array_equal(display.actual_line_.get_xdata(), np.arange(1, 17))
    np.testing.assert_array_equal(display.actual_line_.get_ydata(), y)
    np.testing.assert_array_equal(display.test_line_.get_xdata(), np.arange(13, 17))
    np.testing.assert_allclose(display.test_line_.get_ydata(), model.predict(X)[12:])


def test_loss_curve_of_a_bare_regressor(bare_fit):
    model = bare_fit[0]
    display = LossCurveDisplay.from_estimator(model, log_scale=True)
    np.testing.assert_allclose(display.loss_line_.get_ydata(), model.loss_curve_)
    assert display.ax_.get_yscale() == "log"


def test_validation_loss_is_drawn_with_its_best_epoch(airline_fit):
    pipe = airline_fit[0]
    history = {"loss": [0.9, 0.5, 0.3, 0.2], "val_loss": [1.0, 0.6, 0.4, 0.45]}
    display = LossCurveDisplay.from_history(history)
    assert len(display.ax_.lines) == 2
    np.testing.assert_array_equal(display.val_loss_line_.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(display.val_loss_line_.get_ydata(), history["val_loss"])
    assert display.val_loss_line_.get_label() == "validation loss (best 0.4 at epoch 3)"

    # the same found through a pipeline whose regressor has a validation history
    regressor = copy.copy(pipe[-1])  # a fitted regressor, as if early stopping ran
    regressor.loss_curve_ = history["loss"]
    regressor.validation_scores_ = [-loss for loss in history["val_loss"]]
    with_val = Pipeline(pipe.steps[:-1] + [("lstm", regressor)])
    display = LossCurveDisplay.from_estimator(with_val)
    np.testing.assert_array_equal(display.val_loss_line_.get_ydata(), history["val_loss"])


def test_unfitted_estimator_and_bad_history_are_explained():
    with pytest.raises(ValueError, match="Call fit first"):
        LossCurveDisplay.from_estimator(LSTMRegressor())
    with pytest.raises(ValueError, match="'loss'"):
        LossCurveDisplay.from_history({"val_loss": [1.0]})


# matplotlib is optional


@pytest.mark.parametrize(
    "call",
    [
        lambda: ForecastDisplay.from_predictions([1.0], [1.0]),
        lambda: LossCurveDisplay.from_history({"loss": [1.0]}),
        lambda: LossCurveDisplay(loss=[1.0]).plot(),
    ],
)
def test_missing_matplotlib_is_named(monkeypatch, call):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    with pytest.raises(ImportError, match=r"Display\.\w+ requires matplotlib"):
        call()


def test_display_built_by_hand_from_arrays():
    # train_size, the factories' name for the same thing (it once was n_train)
    display = ForecastDisplay(
        y_true=[1.0, 2.0, 3.0], y_pred=[1.0, 2.0, 4.0], train_size=2, y_forecast=[5.0]
    ).plot()
    np.testing.assert_array_equal(display.test_line_.get_xdata(), [2])
    np.testing.assert_array_equal(display.forecast_line_.get_xdata(), [3])
    assert display.train_rmse_ == 0.0 and display.test_rmse_ == 1.0
    assert display.y_true == [1.0, 2.0, 3.0]  # stored as given
    # predictions are matched by position, whatever index they carry
    y_true = pd.Series([1.0, 2.0, 3.0], index=[10, 11, 12])
    display = ForecastDisplay(y_true=y_true, y_pred=pd.Series([1.0, 2.0, 4.0])).plot()
    np.testing.assert_array_equal(display.test_line_.get_xdata(), [10, 11, 12])


# The factories validate their arguments declaratively (validate_params)


Y = np.arange(5.0)


@pytest.mark.parametrize(
    "call, parameter",
    [
        (lambda: ForecastDisplay.from_predictions(Y, Y, name=3), "name"),
        (lambda: ForecastDisplay.from_predictions(Y, Y, horizon=1.5), "horizon"),
        (lambda: ForecastDisplay.from_predictions(Y, Y, train_size="half"), "train_size"),
        (lambda: ForecastDisplay.from_predictions(Y, Y, y_forecast=5.0), "y_forecast"),
        (lambda: ForecastDisplay.from_predictions(5.0, Y), "y_true"),
        (lambda: ForecastDisplay.from_estimator(object(), Y[:, None], Y), "estimator"),
        (
            lambda: ForecastDisplay.from_estimator(LSTMRegressor(), Y[:, None], Y, train_size=-1),
            "train_size",
        ),
        (lambda: LossCurveDisplay.from_history([1.0, 0.5]), "history"),
        (lambda: LossCurveDisplay.from_history({"loss": [1.0]}, log_scale="yes"), "log_scale"),
        (lambda: LossCurveDisplay.from_history({"loss": [1.0]}, loss_name=1), "loss_name"),
        (lambda: LossCurveDisplay.from_estimator("model"), "estimator"),
    ],
)
def test_factories_reject_bad_arguments_by_name(call, parameter):
    with pytest.raises(InvalidParameterError, match=f"'{parameter}' parameter of"):
        call()
    assert not plt.get_fignums()  # nothing was drawn


def test_style_aliases_override_the_defaults():
    # "c" and "ls" are matplotlib aliases of the defaults' "color"/"linestyle"
    display = ForecastDisplay.from_predictions(
        Y,
        Y,
        horizon=0,
        y_forecast=[1.0],
        actual_kwargs={"c": "red"},
        forecast_kwargs={"ls": "-"},
    )
    assert display.actual_line_.get_color() == "red"
    assert display.forecast_line_.get_linestyle() == "-"


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_an_mlp_regressors_loss_curve_is_drawn_without_its_r2_scores():
    from sklearn.neural_network import MLPRegressor

    rng = np.random.RandomState(0)
    X = rng.uniform(size=(60, 2))
    mlp = MLPRegressor(hidden_layer_sizes=(3,), max_iter=400, early_stopping=True, random_state=0)
    mlp.fit(X, X.sum(axis=1))
    display = LossCurveDisplay.from_estimator(mlp)
    np.testing.assert_allclose(display.loss_line_.get_ydata(), mlp.loss_curve_)
    assert display.val_loss_line_ is None  # its validation_scores_ are R2, not a loss


def test_loss_name_labels_the_axis():
    display = LossCurveDisplay.from_history({"loss": [2.0, 1.0]}, loss_name="absolute_error")
    assert display.loss_name == "absolute_error"
    assert display.ax_.get_ylabel() == "loss (absolute_error)"
    assert LossCurveDisplay(loss=[1.0]).plot().ax_.get_ylabel() == "loss"


def test_a_diverged_validation_loss_is_still_drawn():
    # np.nanargmin raised "All-NaN slice" on a history whose loss was all NaN
    history = {"loss": [np.nan, np.nan], "val_loss": [np.nan, np.nan]}
    display = LossCurveDisplay.from_history(history)
    assert display.val_loss_line_.get_label() == "validation loss"
    assert np.isnan(display.val_loss_line_.get_ydata()).all()
    partly = LossCurveDisplay.from_history({"loss": [1.0, 2.0], "val_loss": [np.nan, 0.5]})
    assert partly.val_loss_line_.get_label() == "validation loss (best 0.5 at epoch 2)"
