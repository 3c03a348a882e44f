"""LSTMRegressor's public behaviour: parameters, input checks, predictions, input and
target scaling.

Training itself (history, early stopping, progress output, fits that fail) is in
test_training.py, random_state in test_reproducibility.py.
"""

import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import is_regressor
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import StackingRegressor, VotingRegressor
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score, root_mean_squared_error
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sklstm import LSTMRegressor


def test_is_a_regressor_and_scores_r2(tiny, sequences):
    X, y = sequences
    assert is_regressor(LSTMRegressor())
    model = tiny().fit(X, y)
    assert model.score(X, y) == pytest.approx(r2_score(y, model.predict(X)))


def test_two_d_input_is_one_time_step(tiny, sequences):
    X, y = sequences
    flat = X[:, -1, :]
    np.testing.assert_allclose(
        tiny().fit(flat, y).predict(flat),
        tiny().fit(flat[:, None, :], y).predict(flat[:, None, :]),
    )


def test_missing_leading_steps_are_a_shorter_sequence(tiny, sequences):
    """A NaN step is skipped: same prediction as the sequence without it."""
    X, y = sequences
    model = tiny().fit(X, y)
    padded = X.copy()
    padded[:, :2, :] = np.nan
    np.testing.assert_allclose(model.predict(padded), model.predict(X[:, 2:, :]), rtol=1e-5)
    # mixed lengths in one batch: each row as if predicted alone
    mixed = X.copy()
    mixed[0, :3] = np.nan
    mixed[1, :1] = np.nan
    pred = model.predict(mixed)
    np.testing.assert_allclose(pred[0], model.predict(X[:1, 3:])[0], rtol=1e-5)
    np.testing.assert_allclose(pred[1], model.predict(X[1:2, 1:])[0], rtol=1e-5)
    np.testing.assert_allclose(pred[2:], model.predict(X[2:]), rtol=1e-5)
    # and fitting on rows with missing steps works and gives finite predictions
    assert np.isfinite(tiny().fit(mixed, y).predict(mixed)).all()


def test_target_is_scaled_internally(tiny, sequences):
    X, y = sequences
    big = 1000.0 + 100.0 * y
    model = tiny(max_iter=40, learning_rate_init=0.01).fit(X, big)
    assert model.target_scaler_.mean_[0] == pytest.approx(big.mean())
    pred = model.predict(X)
    assert abs(pred.mean() - big.mean()) < 20  # in the target's units
    unscaled = tiny(scale_target=False).fit(X, big)
    assert unscaled.target_scaler_ is None
    assert abs(unscaled.predict(X).mean() - big.mean()) > 500  # cannot reach 1000s


def test_multi_output_target(tiny, sequences):
    X, y = sequences
    Y = np.column_stack([y, 2 * y, -y])
    model = tiny().fit(X, Y)
    pred = model.predict(X)
    assert pred.shape == (48, 3) and pred.dtype == np.float64
    assert model.n_outputs_ == 3
    # each output is standardized on its own and mapped back to its own units
    np.testing.assert_allclose(model.target_scaler_.mean_, Y.mean(axis=0))
    np.testing.assert_allclose(model.target_scaler_.scale_, Y.std(axis=0))
    assert tiny().fit(X, y).predict(X).shape == (48,)
    assert tiny().fit(X, y[:, None]).predict(X).shape == (48, 1)


def test_stacked_layers_and_history(tiny, sequences):
    X, y = sequences
    # one batch of 16 rows, two epochs: the architecture and history are the same as a long fit's
    model = tiny(units=(6, 3), dropout=0.1, recurrent_dropout=0.1, max_iter=2).fit(X[:16], y[:16])
    lstms = [layer for layer in model.model_.layers if type(layer).__name__ == "LSTM"]
    assert [layer.units for layer in lstms] == [6, 3]
    assert [layer.dropout for layer in lstms] == [0.1, 0.1]
    assert [layer.recurrent_dropout for layer in lstms] == [0.1, 0.1]
    # the first layer hands the whole sequence on, the last one its final state
    assert [layer.return_sequences for layer in lstms] == [True, False]
    assert len(model.loss_curve_) == model.n_iter_ == 2


def test_time_steps_may_change_but_features_may_not(tiny, sequences):
    X, y = sequences
    model = tiny().fit(X, y)
    assert model.predict(X[:, 1:, :]).shape == (48,)
    with pytest.raises(ValueError, match="X has 1 features, but LSTMRegressor is expecting 2"):
        model.predict(X[:, :, :1])


def test_pickle_round_trip(tiny, sequences):
    X, y = sequences
    model = tiny().fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))


def test_composes_with_sklearn_meta_estimators(tiny, sequences):
    X, y = sequences
    flat = X.reshape(len(X), -1)
    # each meta-estimator's prediction is what its rule makes of the fitted parts
    voting = VotingRegressor([("lstm", tiny()), ("lin", LinearRegression())]).fit(flat, y)
    lstm, lin = voting.estimators_
    np.testing.assert_allclose(
        voting.predict(flat), (lstm.predict(flat) + lin.predict(flat)) / 2, rtol=1e-6
    )
    # the same seed, the same data: the LSTM inside fits as it does alone
    np.testing.assert_array_equal(lstm.predict(flat), tiny().fit(flat, y).predict(flat))

    stacking = StackingRegressor([("lstm", tiny()), ("lin", LinearRegression())], cv=2)
    stacking.fit(flat, y)
    parts = np.column_stack([e.predict(flat) for e in stacking.estimators_])
    np.testing.assert_allclose(
        stacking.predict(flat), stacking.final_estimator_.predict(parts), rtol=1e-6
    )

    logged = TransformedTargetRegressor(regressor=tiny(), func=np.log1p, inverse_func=np.expm1)
    logged.fit(flat, y)
    np.testing.assert_allclose(logged.regressor_.target_scaler_.mean_, [np.log1p(y).mean()])
    np.testing.assert_allclose(
        logged.predict(flat), np.expm1(logged.regressor_.predict(flat)), rtol=1e-6
    )


def test_inputs_are_not_mutated(tiny, sequences):
    X, y = sequences
    X = X.copy()
    X[0, 0] = np.nan
    X_copy, y_copy = X.copy(), y.copy()
    tiny().fit(X, y).predict(X)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)


def test_dataframe_input_feature_names(tiny):
    df = pd.DataFrame({"a": np.linspace(0, 1, 20), "b": np.linspace(1, 0, 20)})
    model = tiny().fit(df, df["a"])
    assert list(model.feature_names_in_) == ["a", "b"]
    assert model.n_features_in_ == 2


@pytest.mark.parametrize(
    "X, y, match",
    [
        (np.ones((5, 2, 1)), [1, 2, np.nan, 4, 5], "y contains NaN"),
        (np.ones((5, 2, 1)), [1, 2, np.inf, 4, 5], "y contains infinity"),
        (np.full((5, 2, 1), np.inf), np.ones(5), "X contains infinity"),
        (np.ones((5, 2, 1, 1)), np.ones(5), "got an array with 4 dimension"),
        (np.ones(5), np.ones(5), "Reshape your data"),
        (np.ones((5, 2, 1)), np.ones((5, 1, 1)), "dim 3"),
        (np.ones((5, 2, 1)), np.ones((5, 0)), "0 feature"),
        (np.ones((5, 2, 1)), np.ones(4), "inconsistent numbers of samples"),
        (np.array([[["a"], ["b"]]] * 5), np.ones(5), "could not convert|dtype"),
        (np.full((5, 2, 1), np.nan), np.ones(5), "no observed time step"),
        (np.ones((5, 2, 1)), None, "requires y to be passed"),
    ],
)
def test_bad_input_gets_a_clear_error(tiny, X, y, match):
    with pytest.raises(ValueError, match=match):
        tiny().fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"units": 0}, "units"),
        ({"units": (4, 0)}, "units"),
        ({"max_iter": 0}, "max_iter"),
        ({"batch_size": 0}, "batch_size"),
        ({"optimizer": "adamax2"}, "optimizer"),
        ({"loss": "hinge"}, "loss"),
        ({"dropout": 1.0}, "dropout"),
        ({"learning_rate_init": -1.0}, "learning_rate_init"),
    ],
)
def test_bad_params_get_a_clear_error(tiny, params, match):
    with pytest.raises(ValueError, match=match):
        tiny(**params).fit(np.ones((4, 2, 1)), np.ones(4))


@pytest.mark.parametrize(
    "params",
    [
        {"max_iter": True},
        {"units": True},
        {"units": (4, True)},
        {"batch_size": True},
        {"n_iter_no_change": True},
        {"learning_rate_init": True},
        {"dropout": False},
        {"validation_fraction": True},
        {"units": ()},
        {"units": [4, 2.0]},
    ],
)
def test_a_bool_or_an_empty_layer_list_is_not_a_number_of_units_or_max_iter(tiny, params):
    # max_iter=True used to pass validation as max_iter=1, units=True as one unit.
    (name,) = params
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        tiny(**params).fit(np.ones((4, 2, 1)), np.ones(4))


def test_units_may_be_a_list_or_tuple_of_layer_sizes(tiny, sequences):
    X, y = sequences
    for units in ([3, 2], (3, 2), np.int64(3)):
        model = tiny(units=units, max_iter=1).fit(X, y)
        sizes = [layer.units for layer in model.model_.layers if type(layer).__name__ == "LSTM"]
        assert sizes == list(np.atleast_1d(units))
        assert model.units is units  # the parameter is stored untouched


@pytest.mark.parametrize(
    "X, y, error, match",
    [
        (np.array([[["1.5"], ["2"]]] * 4), np.ones(4), ValueError, "X holds text"),
        (np.ones((4, 2, 1)), np.array(["1", "2", "3", "4"]), ValueError, "y holds text"),
        (
            np.ones((4, 2, 1)),
            pd.Series(["1", "2", "3", "4"], dtype=object),
            ValueError,
            "y holds text",
        ),
        (np.ones((4, 2)), pd.Series(pd.date_range("2020", periods=4)), TypeError, "dates"),
        (np.arange(8).astype("datetime64[D]").reshape(4, 2), np.ones(4), TypeError, "dates"),
        (
            pd.DataFrame({"t": pd.timedelta_range("1D", periods=4)}),
            np.ones(4),
            TypeError,
            "dates or times",
        ),
    ],
)
def test_text_and_dates_are_not_silently_turned_into_numbers(tiny, X, y, error, match):
    with pytest.raises(error, match=match):
        tiny().fit(X, y)


def test_text_is_refused_by_predict_too(tiny, sequences):
    X, y = sequences
    model = tiny(max_iter=1).fit(X[:, :, :1], y)
    with pytest.raises(ValueError, match="X holds text"):
        model.predict(X[:, :, :1].astype(str))


def test_a_target_too_large_to_standardize_says_so(tiny):
    # A finite target near 1e200 made the scaler's variance overflow; fit then
    # trained on NaN and blamed the learning rate ("diverged").
    X = np.random.RandomState(0).uniform(size=(16, 2, 1))
    y = 1e200 * X[:, -1, 0]
    model = tiny()
    with pytest.raises(ValueError, match="too large in magnitude"):
        with np.errstate(over="ignore", invalid="ignore"):
            model.fit(X, y)
    assert not hasattr(model, "target_scaler_")
    with pytest.raises(ValueError, match=r"float32 range.*scale_target=True"):
        tiny(scale_target=False).fit(X, 1e39 * X[:, -1, 0])
    # large but representable targets are trained on as before, and predicted in their units
    big = 1e100 * X[:, -1, 0]
    pred = tiny(max_iter=1).fit(X, big).predict(X)
    assert np.isfinite(pred).all()
    assert np.all(np.abs(pred - big.mean()) < 10 * big.std())  # not left standardized


def test_predict_before_fit():
    with pytest.raises(NotFittedError):
        LSTMRegressor().predict(np.ones((2, 3, 1)))


def test_a_prediction_does_not_depend_on_the_rest_of_the_batch(tiny, sequences):
    X, y = sequences
    model = tiny().fit(X, y)
    full = model.predict(X)
    rng = np.random.RandomState(0)
    for _ in range(5):
        order = rng.permutation(len(X))
        np.testing.assert_allclose(model.predict(X[order]), full[order], rtol=1e-12)
    for i in (0, 17, 47):
        np.testing.assert_allclose(model.predict(X[i : i + 1]), full[i : i + 1], rtol=1e-12)


def test_global_pandas_output_changes_nothing(tiny, sequences):
    import sklearn

    X, y = sequences
    expected = tiny().fit(X, y).predict(X)
    with sklearn.config_context(transform_output="pandas"):
        np.testing.assert_array_equal(tiny().fit(X, y).predict(X), expected)


# scale_inputs=True: raw inputs in the hundreds fit like scaled ones ---------------


def raw_lags(n=160, look_back=6, seed=0):
    """A lag matrix of a series in the hundreds (as a lag library gives it) and y."""
    rng = np.random.RandomState(seed)
    t = np.arange(n + look_back)
    s = 300 + np.cumsum(rng.normal(0, 5, len(t))) + 50 * np.sin(t / 3)
    X = np.lib.stride_tricks.sliding_window_view(s[:-1], look_back)[:n]
    return X.copy(), s[look_back : look_back + n]


def fit_score(X, y, **params):
    model = LSTMRegressor(
        units=8, max_iter=40, batch_size=16, learning_rate_init=0.01, random_state=0, **params
    )
    model.fit(X[:120, :, np.newaxis], y[:120])
    return root_mean_squared_error(y[120:], model.predict(X[120:, :, np.newaxis]))


def test_raw_inputs_fit_about_as_well_as_prescaled_ones():
    X, y = raw_lags()
    prescaled = StandardScaler().fit(X[:120]).transform(X)
    raw = fit_score(X, y)
    scaled = fit_score(prescaled, y)
    unscaled = fit_score(X, y, scale_inputs=False)
    assert raw <= 1.2 * scaled
    # what the default prevents: raw inputs saturate the gates
    assert unscaled > 2 * scaled


def test_scaling_is_fitted_per_feature_ignoring_nan_and_x_is_not_mutated():
    rng = np.random.RandomState(0)
    X = np.stack([rng.normal(500, 50, (30, 4)), rng.normal(0, 0.01, (30, 4))], axis=2)
    X[:3, 0, :] = np.nan  # masked first steps
    X = X.astype(np.float32)
    before = X.copy()
    model = LSTMRegressor(units=2, max_iter=1, random_state=0).fit(X, X[:, -1, 0])
    np.testing.assert_array_equal(X, before)
    np.testing.assert_allclose(model.input_mean_, np.nanmean(X, axis=(0, 1)), rtol=1e-5)
    np.testing.assert_allclose(model.input_scale_, np.nanstd(X, axis=(0, 1)), rtol=1e-4)
    model.predict(X)
    np.testing.assert_array_equal(X, before)


def test_a_constant_feature_is_only_centred():
    X = np.ones((20, 3, 2))
    X[:, :, 1] = np.arange(60).reshape(20, 3)
    model = LSTMRegressor(units=2, max_iter=1, random_state=0).fit(X, np.arange(20.0))
    assert model.input_mean_[0] == pytest.approx(1.0)
    assert model.input_scale_[0] == 1.0
    assert np.isfinite(model.predict(X)).all()


def test_scale_inputs_false_keeps_inputs_as_given():
    X = np.random.RandomState(0).normal(size=(20, 3, 1))
    model = LSTMRegressor(units=2, max_iter=1, scale_inputs=False, random_state=0)
    model.fit(X, X[:, -1, 0])
    assert model.input_mean_ is None and model.input_scale_ is None


# Quantile forecasts (loss="quantile") -----------------------------------------


@pytest.mark.parametrize("two_d", [False, True])
def test_predict_quantiles_has_one_entry_per_level_and_predict_is_the_median(
    tiny, sequences, two_d
):
    X, y = sequences
    target = np.column_stack([y, 3 * y]) if two_d else y
    model = tiny(loss="quantile", quantiles=(0.05, 0.5, 0.8, 0.95)).fit(X, target)
    bands = model.predict_quantiles(X)
    assert bands.shape == ((48, 2, 4) if two_d else (48, 4))
    np.testing.assert_array_equal(bands[..., 1], model.predict(X))
    assert model.predict(X).shape == np.shape(target)
    np.testing.assert_array_equal(model.quantiles_, [0.05, 0.5, 0.8, 0.95])
    # one network for all: n_outputs * n_quantiles outputs
    assert model.model_.output_shape[-1] == (2 if two_d else 1) * 4


def test_quantile_loss_defaults_to_an_80_percent_interval(tiny, sequences):
    X, y = sequences
    model = tiny(loss="quantile").fit(X, y)
    np.testing.assert_array_equal(model.quantiles_, [0.1, 0.5, 0.9])
    assert model.predict_quantiles(X).shape == (48, 3)


def test_only_a_quantile_model_has_predict_quantiles(tiny, sequences):
    X, y = sequences
    model = tiny().fit(X, y)
    assert not hasattr(model, "predict_quantiles")
    assert model.quantiles_ is None
    assert hasattr(LSTMRegressor(loss="quantile"), "predict_quantiles")


@pytest.mark.parametrize("scale_target", [True, False])
def test_quantiles_never_cross_even_for_wild_weights_and_inputs(tiny, sequences, scale_target):
    """The order holds by construction, not because training found it."""
    X, y = sequences
    model = tiny(
        loss="quantile", quantiles=(0.01, 0.1, 0.5, 0.6, 0.99), scale_target=scale_target
    ).fit(X, 1e-3 * y)
    rng = np.random.RandomState(1)
    # weights no training would give: large, random, so the raw outputs swing widely
    wild = [30 * rng.standard_normal(w.shape) for w in model.model_.get_weights()]
    model.model_.set_weights(wild)
    X_wild = np.concatenate([X, 1e4 * rng.standard_normal(X.shape), -X * 1e6])
    bands = model.predict_quantiles(X_wild)
    assert np.isfinite(bands).all()
    assert (np.diff(bands, axis=-1) >= 0).all()
    # the outputs did swing far beyond anything trained (so the test can fail)
    assert np.ptp(bands[:, 2]) > 10 * np.ptp(1e-3 * y)


def test_the_non_crossing_map_keeps_the_order_for_any_raw_output():
    from sklstm._neural._lazy import keras_backend

    def _non_crossing(raw, median):  # as predict runs it, in float64
        return np.asarray(keras_backend().non_crossing(raw, median))

    rng = np.random.RandomState(0)
    raw = rng.standard_normal((1000, 2, 5)) * 10.0 ** rng.randint(-3, 300, size=(1000, 2, 5))
    raw = raw * rng.choice([-1, 1], size=raw.shape)
    for median in range(5):
        quantiles = _non_crossing(raw, median)
        assert (np.diff(quantiles, axis=-1) >= 0).all()
        np.testing.assert_array_equal(quantiles[..., median], raw[..., median])


def test_the_80_percent_interval_covers_about_80_percent_of_new_points():
    """Held-out coverage on a noisy problem, with the noise's own quantiles as yardstick."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(800, 3, 1))
    noise = 0.3
    y = np.sin(2 * X[:, -1, 0]) + X[:, 0, 0] + rng.normal(scale=noise, size=800)
    model = LSTMRegressor(
        units=8,
        max_iter=30,
        learning_rate_init=0.01,
        loss="quantile",
        quantiles=(0.1, 0.5, 0.9),
        random_state=0,
    ).fit(X[:400], y[:400])
    bands = model.predict_quantiles(X[400:])
    inside = (bands[:, 0] <= y[400:]) & (y[400:] <= bands[:, 2])
    assert 0.6 <= inside.mean() <= 0.95
    assert 0.02 <= (y[400:] < bands[:, 0]).mean() <= 0.25  # each tail about 10%
    assert 0.02 <= (y[400:] > bands[:, 2]).mean() <= 0.25
    # not covering by being vague: the width is near the noise's 80% width, 2.56 sd
    width = np.mean(bands[:, 2] - bands[:, 0])
    assert 0.6 * 2.563 * noise <= width <= 1.6 * 2.563 * noise


@pytest.mark.parametrize(
    "params, match",
    [
        ({"quantiles": (0.1, 0.5, 0.9)}, "only used with loss='quantile'"),
        ({"loss": "absolute_error", "quantiles": (0.5,)}, "only used with loss='quantile'"),
        ({"loss": "quantile", "quantiles": (0.5, 0.1)}, "strictly increasing"),
        ({"loss": "quantile", "quantiles": (0.1, 0.1, 0.5)}, "strictly increasing"),
        ({"loss": "quantile", "quantiles": (0.0, 0.5)}, "strictly between 0 and 1"),
        ({"loss": "quantile", "quantiles": (0.5, 1.0)}, "strictly between 0 and 1"),
        ({"loss": "quantile", "quantiles": (0.5, float("nan"))}, "strictly between 0 and 1"),
        ({"loss": "quantile", "quantiles": (0.1, 0.9)}, r"include 0.5.*\(0.1, 0.5, 0.9\)"),
        ({"loss": "quantile", "quantiles": ()}, "non-empty tuple of numbers"),
        ({"loss": "quantile", "quantiles": ("0.5",)}, "non-empty tuple of numbers"),
        ({"loss": "quantile", "quantiles": (True, 0.5)}, "non-empty tuple of numbers"),
        ({"loss": "quantile", "quantiles": 0.5}, "quantiles"),
        ({"loss": "quantile", "quantiles": np.array([0.1, 0.5])}, "quantiles"),
    ],
)
def test_bad_quantiles_are_refused_before_training(tiny, sequences, params, match):
    X, y = sequences
    model = tiny(**params)
    with pytest.raises(ValueError, match=match):
        model.fit(X, y)
    assert not hasattr(model, "model_")


@pytest.mark.parametrize("weighted", [False, True])
def test_input_scaling_in_blocks_is_the_weighted_nan_aware_mean_and_std(weighted):
    from sklstm._neural._regressor import _blocks, _input_scaling

    rng = np.random.RandomState(0)
    X = rng.normal(5, 3, (300, 7, 3)).astype(np.float32)
    X[rng.rand(*X.shape) < 0.2] = np.nan
    X[:, :, 2] = 4.0  # no spread: scale 1
    weight = rng.rand(300) if weighted else None
    mean, scale = _input_scaling(_blocks(X, weight))
    # blocks that cut windows apart give the same sums
    np.testing.assert_allclose(
        _input_scaling(_blocks(X, weight, chunk_rows=13)), (mean, scale), rtol=1e-6
    )
    flat = X.reshape(-1, 3).astype(np.float64)
    step_weight = np.repeat(np.ones(300) if weight is None else weight, 7)
    for j in range(2):
        seen = ~np.isnan(flat[:, j])
        expected = np.average(flat[seen, j], weights=step_weight[seen])
        spread = np.sqrt(np.average((flat[seen, j] - expected) ** 2, weights=step_weight[seen]))
        np.testing.assert_allclose([mean[j], scale[j]], [expected, spread], rtol=1e-6)
    assert (mean[2], scale[2]) == (4.0, 1.0)


# scikit-learn's names, and the old ones kept for one release ----------------


@pytest.mark.parametrize(
    "old, new",
    [
        ({"epochs": 2}, {"max_iter": 2}),
        ({"learning_rate": 0.05}, {"learning_rate_init": 0.05}),
        ({"loss": "mse"}, {"loss": "squared_error"}),
        ({"loss": "mae"}, {"loss": "absolute_error"}),
    ],
)
def test_an_old_name_warns_naming_the_new_one_and_fits_as_it_does(tiny, sequences, old, new):
    X, y = sequences
    expected = tiny(**new).fit(X, y)
    [(name, value)] = new.items()
    spelled = f"{name}={value!r}"
    with pytest.warns(FutureWarning, match=re.escape(spelled)) as record:
        model = tiny(**old).fit(X, y)
    assert [w.filename for w in record] == [__file__]  # points at the caller of fit
    np.testing.assert_array_equal(model.predict(X), expected.predict(X))
    assert model.loss_curve_ == expected.loss_curve_
    if new != {"loss": "squared_error"}:  # the default: nothing to tell apart
        # the old value is used, not ignored in favour of the new name's default
        assert model.loss_curve_ != tiny().fit(X, y).loss_curve_
    assert model.get_params() == tiny(**old).get_params()  # stored as given


def test_the_new_names_fit_without_a_future_warning(tiny, sequences):
    X, y = sequences
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        tiny(max_iter=2, learning_rate_init=0.01, loss="absolute_error").fit(X, y)
        tiny().partial_fit(X, y)


def test_a_deprecated_name_is_still_validated(tiny, sequences):
    X, y = sequences
    for params, name in (({"epochs": 0}, "epochs"), ({"learning_rate": -1.0}, "learning_rate")):
        with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
            tiny(**params).fit(X, y)


def test_the_fitted_curves_have_mlp_regressors_names_and_meaning(tiny, sequences):
    X, y = sequences
    mlp = MLPRegressor(hidden_layer_sizes=(2,), max_iter=2, random_state=0)
    with pytest.warns(ConvergenceWarning):
        mlp.fit(X[:, -1, :], y)
    model = tiny().fit(X, y)
    names = ["loss_curve_", "best_loss_", "validation_scores_", "best_validation_score_", "n_iter_"]
    for fitted in (mlp, model):
        assert all(hasattr(fitted, name) for name in names)
    assert len(model.loss_curve_) == model.n_iter_ == 3
    assert model.best_loss_ == min(model.loss_curve_)
    assert model.validation_scores_ is None and model.best_validation_score_ is None

    with pytest.warns(ConvergenceWarning):  # 3 epochs: still improving
        stopped = tiny(early_stopping=True, validation_fraction=0.25).fit(X, y)
    assert stopped.best_loss_ is None  # as MLPRegressor with early stopping
    assert len(stopped.validation_scores_) == stopped.n_iter_
    assert stopped.best_validation_score_ == max(stopped.validation_scores_)
    # a score is minus the held-out rows' loss: the kept (best) weights' score
    tail = slice(36, None)  # ceil(0.25 * 48) = 12 rows held out
    scaler = stopped.target_scaler_
    errors = (stopped.predict(X[tail]) - y[tail]) / scaler.scale_[0]
    assert -np.mean(errors**2) == pytest.approx(stopped.best_validation_score_, rel=1e-4)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_history_is_a_deprecated_copy_of_the_curves(tiny, sequences):
    X, y = sequences
    plain = tiny().fit(X, y)
    stopped = tiny(early_stopping=True, validation_fraction=0.25).fit(X, y)
    with pytest.warns(FutureWarning, match="loss_curve_ and validation_scores_"):
        history = plain.history_
    assert history == {"loss": plain.loss_curve_}
    with pytest.warns(FutureWarning, match="loss_curve_"):
        history = stopped.history_
    assert history == {
        "loss": stopped.loss_curve_,
        "val_loss": [-s for s in stopped.validation_scores_],
    }
    history["loss"].append(0.0)  # a copy: the fitted curve is untouched
    assert len(stopped.loss_curve_) == stopped.n_iter_
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        assert not hasattr(tiny(), "history_")  # unfitted: no history, and no warning


def test_auto_settings_follow_the_number_of_training_rows():
    """ "auto" resolves in fit, as MLPRegressor's batch_size="auto" does: the
    small settings up to 10,000 rows, the global-model ones beyond."""
    auto = dict(units="auto", batch_size="auto", early_stopping="auto", loss="auto")
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3, 2))
    y = X.sum(axis=(1, 2))
    small = LSTMRegressor(**auto, max_iter="auto", random_state=0).fit(X, y)
    assert small.get_params()["units"] == "auto"  # the parameters stay as given
    assert small.units_ == (16,) and small.batch_size_ == 16 and small.max_iter_ == 50
    assert small.early_stopping_ is False and small.loss_function_ == "squared_error"
    assert small.n_iter_ == 50 and small.validation_scores_ is None
    X = rng.normal(size=(10_001, 1, 2))
    y = X.sum(axis=(1, 2))
    with pytest.warns(ConvergenceWarning):  # one epoch only
        large = LSTMRegressor(**auto, max_iter=1, random_state=0).fit(X, y)
    assert large.units_ == (128,) and large.batch_size_ == 128 and large.max_iter_ == 1
    assert large.early_stopping_ is True and large.loss_function_ == "absolute_error"
    assert large.validation_scores_ is not None
    # continued training on fewer rows keeps what "auto" chose at the build
    large.set_params(warm_start=True).fit(X[:100], y[:100])
    assert large.units_ == (128,) and large.batch_size_ == 128
    assert large.loss_function_ == "absolute_error"
    assert large.partial_fit(X[:100], y[:100]).units_ == (128,)
    # a value set by hand applies to the next call
    large.set_params(batch_size=8).fit(X[:100], y[:100])
    assert large.batch_size_ == 8


def test_auto_switches_above_ten_thousand_rows():
    from sklstm._auto import AUTO_ROWS, for_rows

    assert AUTO_ROWS == 10_000
    assert for_rows("auto", 10_000, "small", "large") == "small"
    assert for_rows("auto", 10_001, "small", "large") == "large"
    assert for_rows(7, 10_001, "small", "large") == 7


def test_the_settings_used_are_fitted_attributes_without_auto_too(tiny, sequences):
    X, y = sequences
    model = tiny(units=(3, 2), batch_size=5).fit(X, y)
    assert model.units_ == (3, 2) and model.batch_size_ == 5
    assert model.max_iter_ == model.max_iter and model.early_stopping_ is False
    assert model.loss_function_ == "squared_error"
