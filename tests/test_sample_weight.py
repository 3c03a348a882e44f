"""sample_weight: LSTMRegressor's weighted loss, scaling and validation, and its routing
through ChangeRegressor, Pipeline and GridSearchCV (scikit-learn metadata routing)."""

import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.exceptions import UnsetMetadataPassedError
from sklearn.linear_model import Ridge
from sklearn.metrics import get_scorer
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline

from sklstm import (
    ChangeRegressor,
    LagFeaturizer,
    LSTMRegressor,
    make_lstm_forecaster,
    to_supervised,
)

# One batch per epoch: the batch order cannot matter.
FULL_BATCH = dict(units=4, max_iter=8, batch_size=256, learning_rate_init=0.02, random_state=0)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(40, 3, 2))
    y = X[:, -1, 0] + 0.5 * X[:, -2, 1] + 0.1 * rng.normal(size=40)
    return X, y


def test_zero_weights_equal_a_fit_without_those_rows(data):
    X, y = data
    weights = np.tile([1.0, 0.0], len(y) // 2)
    X_bad = X.copy()
    X_bad[weights == 0] *= 50.0  # rows of weight 0 may hold anything: not even scaling sees them
    weighted = LSTMRegressor(**FULL_BATCH).fit(
        X_bad, y + 100 * (weights == 0), sample_weight=weights
    )
    dropped = LSTMRegressor(**FULL_BATCH).fit(X[weights > 0], y[weights > 0])

    np.testing.assert_allclose(weighted.predict(X), dropped.predict(X), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(weighted.loss_curve_, dropped.loss_curve_, rtol=1e-5)
    np.testing.assert_allclose(weighted.input_mean_, dropped.input_mean_, rtol=1e-6)
    np.testing.assert_allclose(weighted.target_scaler_.mean_, dropped.target_scaler_.mean_)


def test_integer_weights_equal_repeated_rows_in_one_batch(data):
    X, y = data
    weights = np.random.RandomState(1).randint(0, 4, size=len(y))
    weighted = LSTMRegressor(**FULL_BATCH).fit(X, y, sample_weight=weights)
    repeated = LSTMRegressor(**FULL_BATCH).fit(X.repeat(weights, axis=0), y.repeat(weights))
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-4, atol=1e-5)


def test_only_the_ratios_of_the_weights_matter_and_they_change_the_fit(data):
    X, y = data
    weights = np.linspace(0.1, 1.0, len(y))
    params = dict(FULL_BATCH, batch_size=8)  # several batches
    once = LSTMRegressor(**params).fit(X, y, sample_weight=weights).predict(X)
    scaled = LSTMRegressor(**params).fit(X, y, sample_weight=1000 * weights).predict(X)
    plain = LSTMRegressor(**params).fit(X, y).predict(X)
    ones = LSTMRegressor(**params).fit(X, y, sample_weight=np.ones(len(y))).predict(X)
    np.testing.assert_allclose(scaled, once, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(ones, plain, rtol=1e-6, atol=1e-7)
    assert np.abs(once - plain).max() > 1e-3


def test_scaling_uses_the_weights(data):
    X, y = data
    weights = np.linspace(0.0, 2.0, len(y))
    model = LSTMRegressor(units=2, max_iter=1, random_state=0).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(model.target_scaler_.mean_, [np.average(y, weights=weights)])
    step_weights = np.repeat(weights, X.shape[1])
    flat = X.reshape(-1, X.shape[2])
    mean = np.average(flat, axis=0, weights=step_weights)
    std = np.sqrt(np.average((flat - mean) ** 2, axis=0, weights=step_weights))
    np.testing.assert_allclose(model.input_mean_, mean, rtol=1e-6)
    np.testing.assert_allclose(model.input_scale_, std, rtol=1e-6)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # few epochs
def test_the_validation_tail_keeps_its_weights(data):
    X, y = data
    weights = np.ones(len(y))
    weights[-4:] = [0.0, 5.0, 1.0, 0.0]  # validation_fraction=0.1: the last 4 rows
    model = LSTMRegressor(
        **{**FULL_BATCH, "max_iter": 5}, early_stopping=True, validation_fraction=0.1
    ).fit(X, y, sample_weight=weights)
    # the best epoch's weights are kept: its val_loss is the weighted loss of the tail
    scale = model.target_scaler_.scale_[0]
    errors = ((model.predict(X[-4:]) - y[-4:]) / scale) ** 2
    np.testing.assert_allclose(
        -model.best_validation_score_, np.average(errors, weights=weights[-4:]), rtol=1e-4
    )
    assert not np.isclose(np.average(errors, weights=weights[-4:]), errors.mean(), rtol=1e-2)


@pytest.mark.parametrize(
    "weights, match",
    [
        (-np.ones(40), "Negative values"),
        (np.r_[np.nan, np.ones(39)], "NaN"),
        (np.r_[np.inf, np.ones(39)], "infinity"),
        (np.ones(39), r"shape"),
        (np.ones((40, 2)), "1D|1 dimension|shape"),
        (np.zeros(40), "at least one non-zero"),
        (np.array(["1.5"] * 40), "sample_weight holds text"),
        (np.array(["1.5"] * 40, dtype=object), "sample_weight holds text"),
        ([1.0] * 39 + ["a"], "sample_weight holds text"),
    ],
)
def test_bad_weights_are_refused(data, weights, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        LSTMRegressor(units=2, max_iter=1).fit(X, y, sample_weight=weights)


def test_dates_as_weights_are_refused(data):
    X, y = data
    days = np.arange(40).astype("datetime64[D]")
    with pytest.raises(TypeError, match="sample_weight holds dates"):
        LSTMRegressor(units=2, max_iter=1).fit(X, y, sample_weight=days)


@pytest.mark.parametrize("scale_target", [True, False])
@pytest.mark.parametrize("huge", [1e20, 1e308])
def test_huge_uniform_weights_train_as_ones(data, huge, scale_target):
    # Only ratios matter: no weighted mean may overflow (1e308 * 40 is inf).
    X, y = data
    params = dict(FULL_BATCH, max_iter=3, scale_target=scale_target)
    ones = LSTMRegressor(**params).fit(X, y, sample_weight=np.ones(len(y)))
    big = LSTMRegressor(**params).fit(X, y, sample_weight=np.full(len(y), huge))
    np.testing.assert_allclose(big.predict(X), ones.predict(X), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(big.input_scale_, ones.input_scale_)
    assert np.isfinite(big.loss_curve_).all() and big.predict(X).std() > 0
    if scale_target:
        np.testing.assert_allclose(big.target_scaler_.scale_, [y.std()], rtol=1e-6)


def test_huge_weights_keep_their_ratios(data):
    X, y = data
    weights = np.linspace(0.1, 1.0, len(y))
    params = dict(FULL_BATCH, max_iter=3)
    small = LSTMRegressor(**params).fit(X, y, sample_weight=weights).predict(X)
    huge = LSTMRegressor(**params).fit(X, y, sample_weight=weights * 1e307).predict(X)
    np.testing.assert_allclose(huge, small, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "zero, part", [(slice(-4, None), "validation tail"), (slice(None, -4), "training rows")]
)
def test_early_stopping_refuses_a_part_without_weight(data, zero, part):
    X, y = data
    weights = np.ones(len(y))
    weights[zero] = 0.0
    with pytest.raises(ValueError, match=part):
        LSTMRegressor(units=2, max_iter=1, early_stopping=True).fit(X, y, sample_weight=weights)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # few epochs
def test_the_weights_given_are_not_changed(data):
    X, y = data
    weights = np.linspace(1.0, 2.0, len(y))
    weights.flags.writeable = False
    LSTMRegressor(units=2, max_iter=1, early_stopping=True).fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(weights, np.linspace(1.0, 2.0, len(y)))


def test_change_regressor_passes_the_weights_on_without_routing():
    rng = np.random.RandomState(0)
    X, y = rng.uniform(size=(30, 1)), rng.normal(size=30)
    weights = rng.uniform(size=30)
    model = ChangeRegressor(Ridge()).fit(X, y, sample_weight=weights)
    expected = Ridge().fit(X, y - X[:, 0], sample_weight=weights)
    np.testing.assert_allclose(model.regressor_.coef_, expected.coef_)
    assert not np.allclose(model.regressor_.coef_, Ridge().fit(X, y - X[:, 0]).coef_)


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


def test_change_regressor_routes_the_weights_as_requested(routing):
    rng = np.random.RandomState(0)
    X, y = rng.uniform(size=(30, 1)), rng.normal(size=30)
    weights = rng.uniform(size=30)
    requested = ChangeRegressor(Ridge().set_fit_request(sample_weight=True))
    np.testing.assert_allclose(
        requested.fit(X, y, sample_weight=weights).regressor_.coef_,
        Ridge().fit(X, y - X[:, 0], sample_weight=weights).coef_,
    )
    with pytest.raises(UnsetMetadataPassedError, match="sample_weight"):
        ChangeRegressor(Ridge()).fit(X, y, sample_weight=weights)


def _recency(n):
    return 0.5 ** ((n - 1 - np.arange(n)) / 10.0)


def test_grid_search_routes_the_weights_through_the_recipe_to_the_lstm(routing):
    """GridSearchCV -> ChangeRegressor -> Pipeline -> LSTMRegressor, each fit weighted."""
    series = 100 + np.arange(80.0) + 5 * np.sin(np.arange(80.0))
    X, y = to_supervised(series)
    weights = _recency(len(y))

    def forecaster():
        model = make_lstm_forecaster(4, max_iter=3, units=4, random_state=0)
        pipe = model.regressor
        pipe.named_steps["lstm"].set_fit_request(sample_weight=True)
        pipe.named_steps["scale"].set_fit_request(sample_weight=False)
        return model

    search = GridSearchCV(
        forecaster(),
        {"regressor__lstm__learning_rate_init": [0.01, 0.05]},
        cv=KFold(2),
        scoring=get_scorer("neg_mean_absolute_error").set_score_request(sample_weight=True),
    ).fit(X, y, sample_weight=weights)
    best = search.best_params_
    by_hand = forecaster().set_params(**best).fit(X, y, sample_weight=weights)
    unweighted = forecaster().set_params(**best).fit(X, y)
    np.testing.assert_allclose(search.predict(X), by_hand.predict(X))
    assert np.abs(search.predict(X) - unweighted.predict(X)).max() > 1e-3


def test_grid_search_routes_the_weights_to_a_bare_lstm(routing, data):
    X, y = data
    weights = np.linspace(0.0, 1.0, len(y))
    lstm = LSTMRegressor(units=2, max_iter=2, random_state=0).set_fit_request(sample_weight=True)
    search = GridSearchCV(
        lstm,
        {"units": [2, 3]},
        cv=KFold(2),
        scoring=get_scorer("r2").set_score_request(sample_weight=True),
    ).fit(X, y, sample_weight=weights)
    by_hand = LSTMRegressor(units=2, max_iter=2, random_state=0).set_params(**search.best_params_)
    np.testing.assert_allclose(
        search.predict(X), by_hand.fit(X, y, sample_weight=weights).predict(X)
    )


def test_a_pipeline_takes_the_weights_by_step_name_without_routing(data):
    X, y = data
    X2 = X[:, :, 0]
    weights = np.linspace(0.0, 1.0, len(y))
    pipe = Pipeline(
        [
            ("lags", LagFeaturizer(look_back=1)),
            ("lstm", LSTMRegressor(units=2, max_iter=2, random_state=0)),
        ]
    )
    fitted = pipe.fit(X2, y, lstm__sample_weight=weights)
    direct = LSTMRegressor(units=2, max_iter=2, random_state=0).fit(
        LagFeaturizer(look_back=1).fit_transform(X2), y, sample_weight=weights
    )
    np.testing.assert_allclose(
        fitted.predict(X2), direct.predict(LagFeaturizer(look_back=1).fit_transform(X2))
    )


def test_change_regressor_gives_a_pipeline_the_weights_for_its_last_step():
    """Without routing, the recipe's network gets the weights; its transformers do not."""
    series = 100 + np.arange(60.0) + 5 * np.sin(np.arange(60.0))
    X, y = to_supervised(series)
    weights = _recency(len(y))
    recipe = make_lstm_forecaster(4, max_iter=3, units=4, random_state=0)
    weighted = clone(recipe).fit(X, y, sample_weight=weights)
    by_name = clone(recipe).fit(X, y, lstm__sample_weight=weights)
    np.testing.assert_array_equal(weighted.predict(X), by_name.predict(X))
    assert np.abs(weighted.predict(X) - clone(recipe).fit(X, y).predict(X)).max() > 1e-3


def test_skforecast_weight_func_reaches_the_network():
    """skforecast passes weight_func's weights to fit once fit takes sample_weight."""
    recursive = pytest.importorskip("skforecast.recursive")
    import pandas as pd

    y = pd.Series(100 + np.arange(60.0) + 5 * np.sin(np.arange(60.0)), name="y")

    def forecast(**kwargs):
        forecaster = recursive.ForecasterRecursive(
            LSTMRegressor(units=4, max_iter=3, random_state=0), lags=4, **kwargs
        )
        forecaster.fit(y)  # returns None
        return forecaster.predict(3).to_numpy()

    recent = forecast(weight_func=lambda index: np.where(index < 30, 0.0, 1.0))
    assert np.abs(recent - forecast()).max() > 1e-3
