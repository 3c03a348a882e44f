import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone, is_regressor
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import StackingRegressor, VotingRegressor
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import InvalidParameterError

from sklstm import LSTMRegressor


def tiny(**params):
    defaults = dict(units=4, epochs=3, batch_size=16, random_state=0)
    return LSTMRegressor(**{**defaults, **params})


@pytest.fixture(scope="module")
def sequences():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(48, 4, 2)).astype(np.float64)
    y = X[:, -1, 0] + 0.5 * X[:, -2, 1]
    return X, y


def test_is_a_regressor_and_scores_r2(sequences):
    X, y = sequences
    assert is_regressor(LSTMRegressor())
    model = tiny().fit(X, y)
    assert model.score(X, y) == pytest.approx(r2_score(y, model.predict(X)))


def test_import_and_transformers_do_not_load_tensorflow():
    code = (
        "import sys, numpy as np, sklstm\n"
        "from sklearn.base import clone\n"
        "X = np.arange(10.0).reshape(-1, 1)\n"
        "sklstm.SequenceReshaper().fit_transform(sklstm.LagFeaturizer(3).fit_transform(X))\n"
        "m = clone(sklstm.LSTMRegressor(units=(4, 2))); m.set_params(epochs=3); m.get_params()\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_same_seed_same_predictions_other_seed_differs(sequences):
    X, y = sequences
    first = tiny().fit(X, y).predict(X)
    np.testing.assert_array_equal(first, tiny().fit(X, y).predict(X))
    np.testing.assert_array_equal(first, clone(tiny()).fit(X, y).predict(X))
    assert not np.allclose(first, tiny(random_state=1).fit(X, y).predict(X))


def test_two_d_input_is_one_time_step(sequences):
    X, y = sequences
    flat = X[:, -1, :]
    np.testing.assert_allclose(
        tiny().fit(flat, y).predict(flat),
        tiny().fit(flat[:, None, :], y).predict(flat[:, None, :]),
    )


def test_missing_leading_steps_are_a_shorter_sequence(sequences):
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


def test_target_is_scaled_internally(sequences):
    X, y = sequences
    big = 1000.0 + 100.0 * y
    model = tiny(epochs=40, learning_rate=0.01).fit(X, big)
    assert model.target_scaler_.mean_[0] == pytest.approx(big.mean())
    pred = model.predict(X)
    assert abs(pred.mean() - big.mean()) < 20  # in the target's units
    unscaled = tiny(scale_target=False).fit(X, big)
    assert unscaled.target_scaler_ is None
    assert abs(unscaled.predict(X).mean() - big.mean()) > 500  # cannot reach 1000s


def test_multi_output_target(sequences):
    X, y = sequences
    Y = np.column_stack([y, 2 * y, -y])
    pred = tiny().fit(X, Y).predict(X)
    assert pred.shape == (48, 3) and pred.dtype == np.float64
    assert tiny().fit(X, y).predict(X).shape == (48,)
    assert tiny().fit(X, y[:, None]).predict(X).shape == (48, 1)


def test_stacked_layers_and_history(sequences):
    X, y = sequences
    model = tiny(units=(6, 3), dropout=0.1, recurrent_dropout=0.1, epochs=4).fit(X, y)
    lstm_units = [l.units for l in model.model_.layers if type(l).__name__ == "LSTM"]
    assert lstm_units == [6, 3]
    assert len(model.history_["loss"]) == 4


def test_time_steps_may_change_but_features_may_not(sequences):
    X, y = sequences
    model = tiny().fit(X, y)
    assert model.predict(X[:, 1:, :]).shape == (48,)
    with pytest.raises(ValueError, match="X has 1 features, but LSTMRegressor is expecting 2"):
        model.predict(X[:, :, :1])


def test_pickle_round_trip(sequences):
    X, y = sequences
    model = tiny().fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))


def test_composes_with_sklearn_meta_estimators(sequences):
    X, y = sequences
    flat = X.reshape(len(X), -1)
    for meta in [
        VotingRegressor([("lstm", tiny()), ("lin", LinearRegression())]),
        StackingRegressor([("lstm", tiny()), ("lin", LinearRegression())], cv=2),
        TransformedTargetRegressor(regressor=tiny(), func=np.log1p, inverse_func=np.expm1),
    ]:
        pred = meta.fit(flat, y).predict(flat)
        assert pred.shape == (48,) and np.isfinite(pred).all()


def test_inputs_are_not_mutated(sequences):
    X, y = sequences
    X = X.copy()
    X[0, 0] = np.nan
    X_copy, y_copy = X.copy(), y.copy()
    tiny().fit(X, y).predict(X)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)


def test_dataframe_input_feature_names():
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
def test_bad_input_gets_a_clear_error(X, y, match):
    with pytest.raises(ValueError, match=match):
        tiny().fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"units": 0}, "units"),
        ({"units": (4, 0)}, "units"),
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 0}, "batch_size"),
        ({"optimizer": "adamax2"}, "optimizer"),
        ({"loss": "hinge"}, "loss"),
        ({"dropout": 1.0}, "dropout"),
        ({"learning_rate": -1.0}, "learning_rate"),
    ],
)
def test_bad_params_get_a_clear_error(params, match):
    with pytest.raises(ValueError, match=match):
        tiny(**params).fit(np.ones((4, 2, 1)), np.ones(4))


@pytest.mark.parametrize(
    "params",
    [
        {"epochs": True}, {"units": True}, {"units": (4, True)}, {"batch_size": True},
        {"n_iter_no_change": True}, {"learning_rate": True}, {"dropout": False},
        {"validation_fraction": True}, {"units": ()}, {"units": [4, 2.0]},
    ],
)
def test_a_bool_or_an_empty_layer_list_is_not_a_number_of_units_or_epochs(params):
    # epochs=True used to pass validation as epochs=1, units=True as one unit.
    (name,) = params
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        tiny(**params).fit(np.ones((4, 2, 1)), np.ones(4))


def test_units_may_be_a_list_or_tuple_of_layer_sizes(sequences):
    X, y = sequences
    for units in ([3, 2], (3, 2), np.int64(3)):
        model = tiny(units=units, epochs=1).fit(X, y)
        sizes = [l.units for l in model.model_.layers if type(l).__name__ == "LSTM"]
        assert sizes == list(np.atleast_1d(units))
        assert model.units is units  # the parameter is stored untouched


@pytest.mark.parametrize(
    "X, y, error, match",
    [
        (np.array([[["1.5"], ["2"]]] * 4), np.ones(4), ValueError, "X holds text"),
        (np.ones((4, 2, 1)), np.array(["1", "2", "3", "4"]), ValueError, "y holds text"),
        (np.ones((4, 2, 1)), pd.Series(["1", "2", "3", "4"], dtype=object), ValueError,
         "y holds text"),
        (np.ones((4, 2)), pd.Series(pd.date_range("2020", periods=4)), TypeError, "dates"),
        (np.arange(8).astype("datetime64[D]").reshape(4, 2), np.ones(4), TypeError, "dates"),
        (pd.DataFrame({"t": pd.timedelta_range("1D", periods=4)}), np.ones(4), TypeError,
         "dates or times"),
    ],
)
def test_text_and_dates_are_not_silently_turned_into_numbers(X, y, error, match):
    with pytest.raises(error, match=match):
        tiny().fit(X, y)


def test_text_is_refused_by_predict_too(sequences):
    X, y = sequences
    model = tiny(epochs=1).fit(X[:, :, :1], y)
    with pytest.raises(ValueError, match="X holds text"):
        model.predict(X[:, :, :1].astype(str))


def test_a_target_too_large_to_standardize_says_so():
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
    # large but representable targets are trained on as before
    assert np.isfinite(tiny(epochs=1).fit(X, 1e100 * X[:, -1, 0]).predict(X)).all()


def test_predict_before_fit():
    with pytest.raises(NotFittedError):
        LSTMRegressor().predict(np.ones((2, 3, 1)))


def test_predict_after_a_failed_fit_says_not_fitted(sequences):
    # Found by tests/test_fuzz.py. A fit that fails after validate_data has set
    # n_features_in_ made predict raise AttributeError (no model_); after an
    # earlier successful fit, predict fed the old network the new feature
    # count and TensorFlow raised InvalidArgumentError.
    X, y = sequences
    model = tiny()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        model.fit(X, y[:-1])
    with pytest.raises(NotFittedError):
        model.predict(X)
    model.fit(X, y)
    X_wider = np.concatenate([X, X], axis=2)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        model.fit(X_wider, y[:-1])
    with pytest.raises(NotFittedError):
        model.predict(X_wider)


def test_diverging_training_is_loud():
    rng = np.random.RandomState(0)
    X = rng.normal(scale=1e4, size=(32, 3, 1))
    with pytest.raises(ValueError, match="diverged"):
        tiny(optimizer="sgd", learning_rate=1e6, scale_target=False).fit(X, 1e6 * X[:, -1, 0])


def test_verbose_shows_keras_progress(sequences, capsys):
    X, y = sequences
    tiny(verbose=0).fit(X, y)
    assert "loss" not in capsys.readouterr().out
    tiny(verbose=2).fit(X, y)
    assert "loss:" in capsys.readouterr().out


def test_a_prediction_does_not_depend_on_the_rest_of_the_batch(sequences):
    X, y = sequences
    model = tiny().fit(X, y)
    full = model.predict(X)
    rng = np.random.RandomState(0)
    for _ in range(5):
        order = rng.permutation(len(X))
        np.testing.assert_allclose(model.predict(X[order]), full[order], rtol=1e-12)
    for i in (0, 17, 47):
        np.testing.assert_allclose(model.predict(X[i : i + 1]), full[i : i + 1], rtol=1e-12)


def test_early_stopping_validates_on_the_last_rows_and_keeps_the_best_epoch():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(200, 3, 1))
    y = X.sum(axis=(1, 2)) + np.linspace(0, 1, 200)  # the tail's targets are the largest
    model = LSTMRegressor(
        units=4, epochs=300, learning_rate=0.05, early_stopping=True,
        validation_fraction=0.1, n_iter_no_change=5, random_state=0,
    ).fit(X, y)
    # the scaler (like the training) saw the first 180 rows only: the
    # validation rows are the last ones, in time order
    np.testing.assert_allclose(model.target_scaler_.mean_, [y[:180].mean()])
    val_loss = model.history_["val_loss"]
    assert len(val_loss) == len(model.history_["loss"]) == model.n_iter_ < 300
    best = int(np.argmin(val_loss))
    assert model.n_iter_ == best + 1 + 5  # stopped 5 epochs after the best one
    # the weights kept are the best epoch's: their loss on the tail is its val_loss
    scaled = (model.predict(X[180:]) - model.target_scaler_.mean_) / model.target_scaler_.scale_
    tail = (y[180:] - model.target_scaler_.mean_) / model.target_scaler_.scale_
    assert np.mean((scaled - tail) ** 2) == pytest.approx(val_loss[best], rel=1e-4)


def test_early_stopping_that_never_improves_keeps_the_first_epoch():
    rng = np.random.RandomState(1)
    X = rng.uniform(size=(100, 2, 1))
    y = X.sum(axis=(1, 2))
    y[90:] *= -1  # the validation tail follows the opposite rule
    params = dict(units=4, learning_rate=0.05, early_stopping=True, n_iter_no_change=1,
                  random_state=0)
    model = LSTMRegressor(epochs=50, **params).fit(X, y)
    val_loss = model.history_["val_loss"]
    assert len(val_loss) == model.n_iter_ == 2 and val_loss[1] >= val_loss[0]
    one_epoch = LSTMRegressor(epochs=1, **params).fit(X, y)
    np.testing.assert_array_equal(model.predict(X), one_epoch.predict(X))


def test_early_stopping_needs_rows_to_hold_out():
    with pytest.raises(ValueError, match="early_stopping holds out .* n_samples=1 rows"):
        tiny(early_stopping=True).fit(np.ones((1, 2, 1)), [1.0])
    model = tiny(early_stopping=False).fit(np.ones((1, 2, 1)), [1.0])
    assert "val_loss" not in model.history_ and model.n_iter_ == 3


def test_global_pandas_output_changes_nothing(sequences):
    import sklearn

    X, y = sequences
    expected = tiny().fit(X, y).predict(X)
    with sklearn.config_context(transform_output="pandas"):
        np.testing.assert_array_equal(tiny().fit(X, y).predict(X), expected)
