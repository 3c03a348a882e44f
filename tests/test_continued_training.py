"""LSTMRegressor's continued training: warm_start and partial_fit."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge

from sklstm import load_model, save_model


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(48, 3, 2))
    y = X[:, -1, 0] + 0.5 * X[:, -2, 1]
    return X, y


def weights_of(model):
    return [np.asarray(w) for w in model.model_.weights]


def assert_same_weights(a, b):
    for first, second in zip(weights_of(a), weights_of(b), strict=True):
        np.testing.assert_array_equal(first, second)


def test_warm_start_continues_from_the_current_weights(tiny, data):
    X, y = data
    model = tiny(max_iter=3, warm_start=True).fit(X, y)
    network, first = model.model_, model.predict(X)
    # a learning rate too small to move anything: the second fit starts where the first ended
    model.set_params(learning_rate_init=1e-12).fit(X, y)
    assert model.model_ is network
    np.testing.assert_allclose(model.predict(X), first, rtol=1e-6, atol=1e-7)
    assert model.n_iter_ == 6 and len(model.loss_curve_) == 6
    # without warm_start the same fit builds a new network: another prediction
    rebuilt = model.set_params(warm_start=False).fit(X, y)
    assert rebuilt.model_ is not network
    assert np.abs(rebuilt.predict(X) - first).max() > 1e-3


def test_continued_training_keeps_lowering_the_loss(tiny, data):
    X, y = data
    model = tiny(max_iter=5, learning_rate_init=0.01, warm_start=True).fit(X, y)
    first = list(model.loss_curve_)
    model.fit(X, y)
    assert model.loss_curve_[:5] == first
    assert model.loss_curve_[5] < first[0]
    assert model.loss_curve_[-1] < first[-1]


def test_warm_start_on_an_unfitted_estimator_is_an_ordinary_fit(tiny, data):
    X, y = data
    assert_same_weights(tiny(warm_start=True).fit(X, y), tiny().fit(X, y))


def calls(model, X, y):
    model.fit(X, y)
    model.set_params(warm_start=True, max_iter=2).fit(X[:30], y[:30])
    model.partial_fit(X[30:], y[30:])
    model.partial_fit(X, y, sample_weight=np.linspace(0.5, 1.0, len(y)))
    return model


def test_the_same_calls_with_the_same_seed_give_identical_weights(tiny, data):
    X, y = data
    first, second = calls(tiny(dropout=0.2), X, y), calls(tiny(dropout=0.2), X, y)
    assert_same_weights(first, second)
    assert first.n_iter_ == 3 + 2 + 1 + 1
    # each continued call shuffles anew: one more call is another network
    assert np.abs(first.partial_fit(X, y).predict(X) - second.predict(X)).max() > 0


def test_partial_fit_builds_on_the_first_call_and_then_freezes_the_scaling(tiny, data):
    X, y = data
    model = tiny().partial_fit(X, y)
    assert model.n_iter_ == 1 and len(model.loss_curve_) == 1
    mean, scale, target = (
        model.input_mean_.copy(),
        model.input_scale_.copy(),
        model.target_scaler_.mean_.copy(),
    )
    model.partial_fit(X + 10.0, y + 10.0)
    np.testing.assert_array_equal(model.input_mean_, mean)
    np.testing.assert_array_equal(model.input_scale_, scale)
    np.testing.assert_array_equal(model.target_scaler_.mean_, target)
    assert model.n_iter_ == 2
    # the first partial_fit is a one-epoch fit
    assert_same_weights(tiny().partial_fit(X, y), tiny(max_iter=1).fit(X, y))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # few epochs
def test_partial_fit_continues_a_fitted_model_without_early_stopping(tiny, data):
    X, y = data
    model = tiny(early_stopping=True).fit(X, y)
    assert model.validation_scores_ is not None
    n_iter = model.n_iter_
    model.partial_fit(X, y)
    assert model.n_iter_ == n_iter + 1
    assert model.validation_scores_ is None  # the last call had no validation loss


def test_a_saved_and_loaded_model_continues_exactly_as_the_original(tiny, data, tmp_path):
    X, y = data
    model = tiny().fit(X, y)
    save_model(model, tmp_path / "m.sklstm")
    loaded = load_model(tmp_path / "m.sklstm")
    model.partial_fit(X, y)
    loaded.partial_fit(X, y)
    assert_same_weights(model, loaded)
    assert loaded.loss_curve_ == model.loss_curve_


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda X, y, m: (X[:, :, :1], y, m), "features"),
        (lambda X, y, m: (X, np.column_stack([y, y]), m), "2 column"),
        (lambda X, y, m: (X, y, m.set_params(units=5)), "units=.5,."),
        (lambda X, y, m: (X, y, m.set_params(cell="gru")), "cell='gru'"),
        (lambda X, y, m: (X, y, m.set_params(scale_target=False)), "scale_target=False"),
    ],
)
def test_continuing_an_incompatible_network_is_refused(tiny, data, change, match):
    X, y = data
    X, y, model = change(X, y, tiny(warm_start=True).fit(X, y))
    with pytest.raises(ValueError, match=match):
        model.fit(X, y)
    with pytest.raises(NotFittedError):  # a fit that raises leaves the estimator unfitted
        model.predict(X)
    model.fit(X, y)  # unfitted again: warm_start builds a new network


def test_clone_forgets_the_network(tiny, data):
    X, y = data
    model = tiny(warm_start=True).fit(X, y)
    assert_same_weights(clone(model).fit(X, y), tiny().fit(X, y))


# --- init: starting from another regressor's network (fine-tuning) -------------


@pytest.fixture(scope="module")
def pretrained(tiny, data):
    X, y = data
    return tiny(max_iter=3).fit(X, y)


def test_init_starts_from_a_copy_of_its_network_and_leaves_it_unchanged(tiny, data, pretrained):
    X, y = data
    before = weights_of(pretrained)
    tuned = tiny(max_iter=2, init=pretrained, learning_rate_init=1e-12).fit(X[:20], y[:20])
    # a vanishing step: the weights are init's, trained 2 epochs of this fit only
    for first, second in zip(weights_of(tuned), before, strict=True):
        np.testing.assert_allclose(first, second, atol=1e-6)
    assert tuned.n_iter_ == 2 and len(tuned.loss_curve_) == 2
    np.testing.assert_array_equal(tuned.target_scaler_.mean_, pretrained.target_scaler_.mean_)
    for first, second in zip(weights_of(pretrained), before, strict=True):
        np.testing.assert_array_equal(first, second)
    assert tuned.model_ is not pretrained.model_


def test_init_restarts_each_fit_and_clone_keeps_it(tiny, data, pretrained):
    X, y = data
    model = tiny(max_iter=2, init=pretrained)
    copy = clone(model)
    assert copy.init is pretrained
    model.fit(X, y)
    model.fit(X, y)  # from init again, not from the first fit
    assert_same_weights(model, copy.fit(X, y))
    assert not np.array_equal(model.predict(X), pretrained.predict(X))


def test_warm_start_continues_from_its_own_network_not_init(tiny, data, pretrained):
    X, y = data
    model = tiny(max_iter=2, init=pretrained, warm_start=True).fit(X, y)
    first = weights_of(model)
    model.fit(X, y)
    assert model.n_iter_ == 4
    assert any(not np.array_equal(a, b) for a, b in zip(weights_of(model), first))


@pytest.mark.parametrize(
    "make_init, error, match",
    [
        (lambda tiny, fitted: clone(fitted), ValueError, "init is not fitted"),
        (
            lambda tiny, fitted: Ridge(),
            TypeError,
            r"init must be a fitted LSTMRegressor.*got Ridge",
        ),
        (
            lambda tiny, fitted: tiny(max_iter=1, init=fitted).fit(*_rows()),
            ValueError,
            "init has an init of its own",
        ),
    ],
)
def test_a_bad_init_is_refused_and_leaves_the_estimator_unfitted(
    tiny, pretrained, make_init, error, match
):
    model = tiny(max_iter=1, init=make_init(tiny, pretrained))
    with pytest.raises(error, match=match):
        model.fit(*_rows())
    with pytest.raises(NotFittedError):
        model.predict(_rows()[0])


def _rows():
    rng = np.random.RandomState(1)
    X = rng.uniform(size=(24, 3, 2))
    return X, X[:, -1, 0]


def test_init_of_another_architecture_is_refused(tiny, data, pretrained):
    X, y = data
    with pytest.raises(ValueError, match=r"Cannot start from init: its network.*units=\(7,\)"):
        tiny(max_iter=1, units=7, init=pretrained).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        tiny(max_iter=1, init=pretrained).fit(X[:, :, :1], y)


def test_a_regressor_with_init_saves_and_loads_with_its_init(tiny, data, pretrained, tmp_path):
    X, y = data
    tuned = tiny(max_iter=2, init=pretrained).fit(X[:30], y[:30])
    save_model(tuned, tmp_path / "tuned.sklstm")
    loaded = load_model(tmp_path / "tuned.sklstm")
    np.testing.assert_array_equal(loaded.predict(X), tuned.predict(X))
    np.testing.assert_array_equal(loaded.init.predict(X), pretrained.predict(X))
    # refitted, it starts from the same network as the original does
    assert_same_weights(clone(loaded).fit(X[:30], y[:30]), clone(tuned).fit(X[:30], y[:30]))


def test_a_fit_from_init_keeps_nothing_of_an_earlier_fit(tiny, data, pretrained):
    import pandas as pd

    X, y = data
    flat = pd.DataFrame(X[:, -1, :], columns=["a", "b"])
    model = tiny(max_iter=1, init=tiny(max_iter=1).fit(flat, y))
    model.fit(flat, y)
    assert list(model.feature_names_in_) == ["a", "b"]
    model.fit(flat.to_numpy(), y.reshape(-1, 1))  # no names, a 2-D target now
    assert not hasattr(model, "feature_names_in_")
    assert model.predict(flat.to_numpy()).shape == (len(y), 1)


def test_the_parameters_of_init_are_not_settable_through_a_clone(tiny, pretrained):
    model = tiny(max_iter=1, init=pretrained)
    assert not any(key.startswith("init__") for key in clone(model).get_params(deep=True))
    with pytest.raises(ValueError, match="Invalid parameter 'init__units'"):
        clone(model).set_params(init__units=99)
    assert pretrained.units == 4


@pytest.mark.parametrize(
    "make_init, match",
    [
        (lambda tiny, fitted: tiny(max_iter=1, init=fitted).fit(*_rows()), "no chains"),
        (lambda tiny, fitted: Ridge().fit(*[a.reshape(len(a), -1) for a in _rows()]), "a Ridge"),
    ],
)
def test_save_model_refuses_an_init_it_could_not_load(tiny, pretrained, make_init, match, tmp_path):
    X, y = _rows()
    model = tiny(max_iter=1, init=pretrained).fit(X, y)
    model.init = make_init(tiny, pretrained)  # set after fit: the file would be refused
    with pytest.raises(ValueError, match=match):
        save_model(model, tmp_path / "model.sklstm")
    assert not (tmp_path / "model.sklstm").exists()
