"""cell="gru": LSTMRegressor with Keras GRU layers, on the same training loop as the LSTM."""

import numpy as np
import pytest
from sklearn.metrics import r2_score

keras = pytest.importorskip("keras")
from sklstm import LSTMRegressor  # noqa: E402
from sklstm._neural import _keras  # noqa: E402


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(64, 4, 2))
    y = X[:, -1, 0] + 0.5 * X[:, -2, 1]
    return X, y


def test_gru_layers_are_built(data):
    X, y = data
    model = LSTMRegressor(units=(3, 2), cell="gru", max_iter=1, random_state=0).fit(X, y)
    kinds = [type(layer).__name__ for layer in model.model_.layers]
    assert kinds.count("GRU") == 2 and "LSTM" not in kinds


def test_gru_learns_a_tiny_problem(data):
    X, y = data
    model = LSTMRegressor(
        units=8, cell="gru", max_iter=40, batch_size=16, learning_rate_init=0.02, random_state=0
    ).fit(X, y)
    assert model.loss_curve_[-1] < 0.2 * model.loss_curve_[0]
    assert r2_score(y, model.predict(X)) > 0.8


def test_gru_fits_are_reproducible_and_seeded(data):
    X, y = data
    X = X.copy()
    X[:5, 0] = np.nan  # the masked network too

    def fit(seed):
        return (
            LSTMRegressor(
                units=4,
                cell="gru",
                max_iter=3,
                batch_size=8,
                dropout=0.2,
                recurrent_dropout=0.2,
                random_state=seed,
            )
            .fit(X, y)
            .predict(X)
        )

    np.testing.assert_array_equal(fit(0), fit(0))
    assert np.abs(fit(0) - fit(1)).max() > 1e-4


def test_gru_masks_missing_steps(data):
    X, y = data
    model = LSTMRegressor(units=4, cell="gru", max_iter=2, random_state=0).fit(X, y)
    padded = X[:3].copy()
    padded[:, :2] = np.nan  # the first two steps unknown: a sequence of the last two
    np.testing.assert_allclose(model.predict(padded), model.predict(X[:3, 2:]), rtol=1e-10)


@pytest.mark.parametrize("n_steps", [3, 20])  # unrolled, and a loop
def test_gru_training_loop_updates_as_model_fit(n_steps):
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(32, n_steps, 2)).astype(np.float32)
    X[:3, :1] = np.nan
    y = rng.normal(size=(32, 1)).astype(np.float32)
    kwargs = dict(
        n_features=2,
        n_outputs=1,
        units=(5,),
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=3,
        cell="gru",
    )
    ours, plain = _keras.build_model(**kwargs), _keras.build_model(**kwargs)
    history = _keras.train(
        ours,
        X,
        y,
        max_iter=2,
        batch_size=8,
        optimizer="adam",
        learning_rate_init=0.01,
        loss="squared_error",
        seed=11,
        verbose=0,
    )
    plain.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    order_rng = np.random.RandomState(11)
    plain_losses = []
    for _ in range(2):
        order = order_rng.permutation(len(X))
        plain_losses += plain.fit(
            _keras._left_align(X[order]), y[order], batch_size=8, epochs=1, shuffle=False, verbose=0
        ).history["loss"]
    np.testing.assert_allclose(history["loss"], plain_losses, rtol=1e-5)
    for trained, expected in zip(ours.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(trained, expected, rtol=1e-4, atol=1e-6)


def test_a_second_gru_fit_of_a_seen_shape_traces_nothing(data):
    X, y = data
    LSTMRegressor(units=3, cell="gru", max_iter=1, random_state=0).fit(X, y).predict(X)
    traced = _keras.trace_count()
    LSTMRegressor(units=3, cell="gru", max_iter=2, random_state=1).fit(X[:40], y[:40]).predict(X)
    assert _keras.trace_count() == traced
