"""The training loop of sklstm._neural._keras does what Keras's Model.fit does."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")
from sklstm._neural import _keras  # noqa: E402


@pytest.mark.parametrize("n_steps, batch_size", [(1, 1), (4, 8), (20, 16)])
def test_same_updates_as_model_fit(n_steps, batch_size):
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(40, n_steps, 2)).astype(np.float32)
    X[:3, :1] = np.nan  # masked leading steps take part too
    y = rng.normal(size=(40, 1)).astype(np.float32)
    kwargs = dict(n_features=2, n_outputs=1, units=(5,), dropout=0.0, recurrent_dropout=0.0, seed=3)
    ours, plain = _keras.build_model(**kwargs), _keras.build_model(**kwargs)
    history = _keras.train(
        ours,
        X,
        y,
        max_iter=2,
        batch_size=batch_size,
        optimizer="adam",
        learning_rate_init=0.01,
        loss="squared_error",
        seed=11,
        verbose=0,
    )

    # Model.fit on the same batches: our epoch permutations, no shuffling.
    plain.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    rng = np.random.RandomState(11)
    plain_losses = []
    for _ in range(2):
        order = rng.permutation(len(X))
        fitted = plain.fit(
            _keras._left_align(X[order]),
            y[order],
            batch_size=batch_size,
            epochs=1,
            shuffle=False,
            verbose=0,
        )
        plain_losses += fitted.history["loss"]

    np.testing.assert_allclose(history["loss"], plain_losses, rtol=1e-5)
    np.testing.assert_allclose(
        _keras.predict(ours, X),
        plain.predict(_keras._left_align(X), verbose=0),
        rtol=1e-4,
        atol=1e-6,
    )


def test_left_align_moves_observed_steps_first():
    X = np.array([[[np.nan], [np.nan], [1.0], [2.0]], [[3.0], [4.0], [5.0], [6.0]]])
    aligned = _keras._left_align(X)
    np.testing.assert_array_equal(aligned[0, :2, 0], [1.0, 2.0])
    assert np.isnan(aligned[0, 2:]).all()
    np.testing.assert_array_equal(aligned[1], X[1])


def _fit_predict(X, y, seed, dropout=0.2):
    from sklstm import LSTMRegressor

    model = LSTMRegressor(
        units=(4, 3),
        max_iter=3,
        batch_size=8,
        dropout=dropout,
        recurrent_dropout=dropout,
        random_state=seed,
    )
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


@pytest.mark.parametrize("optimizer", ["adamw", "nadam", "rmsprop", "sgd", "adagrad"])
def test_every_optimizer_updates_as_model_fit(optimizer):
    """The traced loop runs Keras's generic optimizer path: same arithmetic as Model.fit."""
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(24, 2, 1)).astype(np.float32)
    y = rng.normal(size=(24, 1)).astype(np.float32)
    kwargs = dict(n_features=1, n_outputs=1, units=(3,), dropout=0.0, recurrent_dropout=0.0, seed=1)
    ours, plain = _keras.build_model(**kwargs), _keras.build_model(**kwargs)
    history = _keras.train(
        ours,
        X,
        y,
        max_iter=2,
        batch_size=8,
        optimizer=optimizer,
        learning_rate_init=0.05,
        loss="squared_error",
        seed=2,
        verbose=0,
    )
    plain.compile(
        optimizer=keras.optimizers.get(
            {"class_name": optimizer, "config": {"learning_rate": 0.05}}
        ),
        loss="mse",
    )
    rng = np.random.RandomState(2)
    plain_losses = []
    for _ in range(2):
        order = rng.permutation(len(X))
        plain_losses += plain.fit(
            X[order], y[order], batch_size=8, epochs=1, shuffle=False, verbose=0
        ).history["loss"]
    np.testing.assert_allclose(history["loss"], plain_losses, rtol=1e-5)
    for trained, expected in zip(ours.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(trained, expected, rtol=1e-4, atol=1e-6)


def test_second_fit_of_a_seen_shape_traces_nothing():
    """Traces are kept and shared: other data, rows, learning rate, batch size and
    seed reuse them; prediction too, for the same length, and once for every
    length beyond the unrolled ones."""
    from sklstm import LSTMRegressor

    rng = np.random.RandomState(0)
    X, y = rng.uniform(size=(30, 3, 1)), rng.uniform(size=30)
    first = LSTMRegressor(
        units=3, max_iter=2, batch_size=4, learning_rate_init=0.01, random_state=0
    ).fit(X, y)
    first.predict(X)
    traced = _keras.trace_count()
    second = LSTMRegressor(
        units=3, max_iter=2, batch_size=7, learning_rate_init=0.02, random_state=1
    ).fit(X[:20] * 2, y[:20])
    second.predict(X[:5])
    assert _keras.trace_count() == traced
    second.predict(rng.uniform(size=(4, 40, 1)))  # a long sequence: one trace for all
    second.predict(rng.uniform(size=(4, 30, 1)))
    assert _keras.trace_count() == traced + 1
    traced += 1
    LSTMRegressor(units=3, max_iter=1, random_state=0).fit(rng.uniform(size=(30, 5, 1)), y)
    assert _keras.trace_count() == traced + 1  # a new length is a new unrolled trace


def test_the_trace_cache_is_bounded_least_recently_used_out_first(monkeypatch):
    from sklstm import LSTMRegressor

    monkeypatch.setattr(_keras, "_MAX_TRACES", 2)
    monkeypatch.setattr(_keras, "_TRACES", type(_keras._TRACES)())
    rng = np.random.RandomState(0)
    X, y = rng.uniform(size=(12, 2, 1)), rng.uniform(size=12)
    model = LSTMRegressor(units=2, max_iter=1, random_state=0).fit(X, y)  # epoch trace
    expected = model.predict(X)  # forward trace: the cache is full
    assert _keras.traces_kept() == 2
    traced = _keras.trace_count()
    LSTMRegressor(units=3, max_iter=1, random_state=0).fit(X, y)  # evicts model's epoch trace
    assert _keras.traces_kept() == 2 and _keras.trace_count() == traced + 1
    np.testing.assert_array_equal(model.predict(X), expected)  # used last: still kept
    assert _keras.trace_count() == traced + 1
    model.fit(X, y)  # evicted: traced again, same result
    assert _keras.trace_count() == traced + 2
    np.testing.assert_array_equal(model.predict(X), expected)


@pytest.mark.parametrize("levels", [None, (0.1, 0.5, 0.9)])
def test_the_flat_predict_call_matches_the_public_call(levels):
    import tensorflow as tf

    from sklstm import LSTMRegressor

    rng = np.random.RandomState(0)
    X, y = rng.uniform(size=(20, 3, 2)), rng.uniform(size=20)
    loss = "squared_error" if levels is None else "quantile"
    model = LSTMRegressor(units=3, max_iter=1, loss=loss, quantiles=levels, random_state=0)
    model.fit(X, y)
    layout, weights = _keras._forward_inputs(model.model_)
    forward = _keras._traced("forward", layout, False, tf.float64, None, levels, 3)
    rows = tf.constant(X[:7])
    public = forward(weights, rows).numpy()
    np.testing.assert_array_equal(_keras._call(forward, weights, rows).numpy(), public)
    assert np.ptp(public) > 0  # the rows' predictions differ: the order of inputs shows


def test_clear_traces_frees_them_and_fitted_models_keep_working():
    from sklstm import LSTMRegressor, clear_traces

    rng = np.random.RandomState(0)
    X, y = rng.uniform(size=(12, 2, 1)), rng.uniform(size=12)
    model = LSTMRegressor(units=2, max_iter=1, random_state=0).fit(X, y)
    expected = model.predict(X)
    assert _keras.traces_kept() > 0
    clear_traces()
    assert _keras.traces_kept() == 0
    traced = _keras.trace_count()
    np.testing.assert_array_equal(model.predict(X), expected)
    assert _keras.trace_count() == traced + 1


class _Interrupted(Exception):
    pass


class _UnreadableVariable:
    """A variable whose value cannot be read: an interrupt in the middle of a copy."""

    def __init__(self, variable):
        self.dtype, self.shape = variable.dtype, variable.shape

    @property
    def value(self):
        raise _Interrupted

    def __tf_tensor__(self, dtype=None, name=None):
        raise _Interrupted

    def numpy(self):
        raise _Interrupted


class _NetworkFailingAtLastVariable:
    """A fitted network whose last variable fails to read; everything else delegates."""

    def __init__(self, model):
        self._model = model

    def __getattr__(self, name):
        return getattr(self._model, name)

    @property
    def variables(self):
        variables = list(self._model.variables)
        return variables[:-1] + [_UnreadableVariable(variables[-1])]


def test_a_failed_predict_leaves_other_models_predictions_unchanged():
    """Regression: predict used to copy weights into a float64 network shared by
    architecture; a copy that failed partway left it half-overwritten but still
    marked as holding the previous model, which then predicted wrong numbers."""
    from sklstm import LSTMRegressor

    rng = np.random.RandomState(0)
    X, y = rng.uniform(size=(30, 3, 1)), rng.uniform(size=30)
    a = LSTMRegressor(units=3, max_iter=2, random_state=0).fit(X, y)
    b = LSTMRegressor(units=3, max_iter=2, random_state=1).fit(X, y)
    expected_a = a.predict(X)
    b.model_ = _NetworkFailingAtLastVariable(b.model_)
    with pytest.raises(_Interrupted):
        b.predict(X)
    np.testing.assert_array_equal(a.predict(X), expected_a)


def test_predictions_do_not_depend_on_the_other_rows():
    from sklstm import LSTMRegressor

    rng = np.random.RandomState(0)
    X, y = rng.uniform(size=(300, 4, 2)), rng.uniform(size=300)
    X[::7, :2] = np.nan
    model = LSTMRegressor(units=5, max_iter=1, random_state=0).fit(X, y)
    whole = model.predict(X)
    one_by_one = np.concatenate([model.predict(X[i : i + 1]) for i in range(0, 300, 37)])
    reversed_ = model.predict(X[::-1])[::-1]
    np.testing.assert_allclose(one_by_one, whole[::37], rtol=1e-12, atol=0)
    np.testing.assert_allclose(reversed_, whole, rtol=1e-12, atol=0)


def test_a_trace_that_captured_a_variable_is_refused():
    """A cached function holding a variable of its own would share state between fits."""
    import tensorflow as tf

    hidden = tf.Variable(1.0)
    scalar = tf.TensorSpec([], tf.float32)
    captures = tf.function(lambda x: x * hidden).get_concrete_function(scalar)
    with pytest.raises(RuntimeError, match="captured 1 variable"):
        _keras._stateless(captures)
    pure = tf.function(lambda v, x: x * v).get_concrete_function(hidden, scalar)
    assert _keras._stateless(pure) is pure
