"""The training loop of sklstm._keras does what Keras's Model.fit does."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")
from sklstm import _keras  # noqa: E402


@pytest.mark.parametrize("n_steps, batch_size", [(1, 1), (4, 8), (20, 16)])
def test_same_updates_as_model_fit(n_steps, batch_size):
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(40, n_steps, 2)).astype(np.float32)
    X[:3, :1] = np.nan  # masked leading steps take part too
    y = rng.normal(size=(40, 1)).astype(np.float32)
    kwargs = dict(n_features=2, n_outputs=1, units=(5,), dropout=0.0,
                  recurrent_dropout=0.0, seed=3)
    ours, plain = _keras.build_model(**kwargs), _keras.build_model(**kwargs)
    history = _keras.train(ours, X, y, epochs=2, batch_size=batch_size,
                           optimizer="adam", learning_rate=0.01, loss="mse",
                           seed=11, verbose=0)

    # Model.fit on the same batches: our epoch permutations, no shuffling.
    plain.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    rng = np.random.RandomState(11)
    plain_losses = []
    for _ in range(2):
        order = rng.permutation(len(X))
        fitted = plain.fit(_keras._left_align(X[order]), y[order], batch_size=batch_size,
                           epochs=1, shuffle=False, verbose=0)
        plain_losses += fitted.history["loss"]

    np.testing.assert_allclose(history["loss"], plain_losses, rtol=1e-5)
    np.testing.assert_allclose(
        _keras.predict(ours, X), plain.predict(_keras._left_align(X), verbose=0), rtol=1e-4, atol=1e-6
    )


def test_left_align_moves_observed_steps_first():
    X = np.array([[[np.nan], [np.nan], [1.0], [2.0]], [[3.0], [4.0], [5.0], [6.0]]])
    aligned = _keras._left_align(X)
    np.testing.assert_array_equal(aligned[0, :2, 0], [1.0, 2.0])
    assert np.isnan(aligned[0, 2:]).all()
    np.testing.assert_array_equal(aligned[1], X[1])


def _fit_predict(X, y, seed, dropout=0.2):
    from sklstm import LSTMRegressor

    model = LSTMRegressor(units=(4, 3), epochs=3, batch_size=8, dropout=dropout,
                          recurrent_dropout=dropout, random_state=seed)
    return model.fit(X, y).predict(X)


def test_reused_training_loop_carries_nothing_between_fits():
    """The traced loop is reused across fits of one shape: no state may leak."""
    rng = np.random.RandomState(0)
    X, y = rng.uniform(size=(30, 3, 1)), rng.uniform(size=30)
    first = _fit_predict(X, y, seed=0)
    _fit_predict(X[:20], y[:20], seed=5)  # same shape, other data and seed
    np.testing.assert_array_equal(_fit_predict(X, y, seed=0), first)


def test_concurrent_fits_in_threads_match_sequential_fits():
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.RandomState(1)
    X, y = rng.uniform(size=(30, 3, 1)), rng.uniform(size=30)
    sequential = [_fit_predict(X, y, seed) for seed in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda seed: _fit_predict(X, y, seed), range(4)))
    for expected, got in zip(sequential, threaded):
        np.testing.assert_allclose(got, expected, rtol=1e-6)
