"""The Keras side of :class:`~sklstm.LSTMRegressor`: build, train, predict.

This is the only module of sklstm that imports Keras or TensorFlow. It is
imported the first time an ``LSTMRegressor`` is fitted or used, never by
``import sklstm``, so the transformers and ``clone``/``get_params`` stay free
of the ~4 s TensorFlow import.

Why plain Keras and not scikeras
--------------------------------
scikeras (``KerasRegressor``) was the obvious candidate, but it predates the
scikit-learn 1.6 tag API and is no longer maintained: under scikit-learn
>= 1.7 ``is_regressor`` is False for it, a subclass fails
``check_mixin_order``, its ``random_state`` handling seeds every
``RandomState`` alike, and importing it patches ``keras.Model.__reduce__``
for the whole process. ``LSTMRegressor`` therefore owns the whole
scikit-learn surface (parameters, validation, tags, seeding, target scaling)
and this module needs only what Keras 3 offers directly: ``keras.Input``,
layers, losses and optimizers. What scikeras would still add here (building
the model inside ``fit``, routing parameters) is a few lines, so it is not a
runtime dependency; the benchmarks use it as the comparison point.

Training and prediction
-----------------------
:func:`train` runs Keras's own forward pass, loss and optimizer update, but
compiles a whole epoch into one ``tf.function`` instead of going through
``Model.fit``, whose per-batch Python and ``tf.data`` overhead dominates the
small models of a grid search; on a CPU the LSTM loop is unrolled for short
sequences while training. :func:`predict` calls a compiled forward pass
in float64 (``Model.predict`` costs tens of milliseconds per call).

Swapping this backend (for ``keras.wrappers`` or another training loop)
means changing this module only: the regressor calls nothing but
:func:`build_model`, :func:`train` and :func:`predict`.

Missing time steps
------------------
A time step with a NaN feature is missing (for example a lag before the
start of the series). :class:`NaNMask` zeroes it and passes a Keras mask, so
the LSTM carries its state across it unchanged: a short history is a shorter
sequence. Before that, :func:`_left_align` moves each sample's observed steps
to the front, in order, so every mask is right-padded; the LSTM's result is
the same, and a right-padded mask is the one form cuDNN's fast kernel
accepts on a GPU.
"""

import collections
import contextlib
import functools
import io
import json
import os
import tempfile
import threading
import weakref
import zipfile

import keras
import numpy as np
import tensorflow as tf


def _limit_threads():
    """Give TensorFlow the thread budget the process was given, if any.

    joblib's process workers (``GridSearchCV(n_jobs=...)``) and Dask's nanny
    set ``OMP_NUM_THREADS`` to their share of the cores, but TensorFlow sizes
    its thread pools by the whole machine, so parallel fits would fight over
    the cores. Reading the same variable keeps one thread budget for
    everything. It has no effect once TensorFlow has run an operation.
    """
    n_threads = os.environ.get("OMP_NUM_THREADS", "")
    if not n_threads.isdigit() or int(n_threads) < 1:
        return
    try:
        tf.config.threading.set_intra_op_parallelism_threads(int(n_threads))
        tf.config.threading.set_inter_op_parallelism_threads(int(n_threads))
    except RuntimeError:  # TensorFlow is already running
        pass


_limit_threads()

# How many trainers and predictors (each a network and its traced function,
# a few MiB) are kept for reuse: enough for the candidates of a grid search.
_POOL_SIZE = 16

# Longest sequence whose LSTM loop is unrolled for training on a CPU: longer
# ones make the traced graph (and its tracing time) grow with little gain.
_UNROLL_MAX_STEPS = 16

# Rows per call when predicting: large enough to amortise the call, small
# enough to bound memory on long inputs.
_PREDICT_CHUNK = 8192


@keras.saving.register_keras_serializable(package="sklstm")
class NaNMask(keras.layers.Layer):
    """Mask every time step that holds a NaN, and zero it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return keras.ops.where(keras.ops.isnan(inputs), 0.0, inputs)

    def compute_mask(self, inputs, mask=None):
        return keras.ops.logical_not(keras.ops.any(keras.ops.isnan(inputs), axis=-1))

    def compute_output_shape(self, input_shape):
        return input_shape


def build_model(
    *, n_features, n_outputs, units, dropout, recurrent_dropout, seed,
    dtype="float32", masked=True,
):
    """A (stacked) LSTM followed by one linear ``Dense`` layer.

    Every random initializer and dropout layer gets its own seed drawn from
    ``seed``, so the model is reproducible without touching Keras's or
    TensorFlow's global random state. ``masked=False`` leaves out the
    :class:`NaNMask` (it has no weights, so weights copy across): a mask makes
    every LSTM step select between old and new state, work that data
    without a missing step does not need.
    """
    seeds = iter(np.random.RandomState(seed).randint(0, 2**31 - 1, size=3 * len(units) + 1))
    inputs = keras.Input(shape=(None, n_features), dtype=dtype)
    x = NaNMask(dtype=dtype)(inputs) if masked else inputs
    for depth, n_units in enumerate(units):
        x = keras.layers.LSTM(
            n_units,
            return_sequences=depth < len(units) - 1,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            kernel_initializer=keras.initializers.GlorotUniform(seed=int(next(seeds))),
            recurrent_initializer=keras.initializers.Orthogonal(seed=int(next(seeds))),
            seed=int(next(seeds)),
            dtype=dtype,
        )(x)
    outputs = keras.layers.Dense(
        n_outputs,
        kernel_initializer=keras.initializers.GlorotUniform(seed=int(next(seeds))),
        dtype=dtype,
    )(x)
    return keras.Model(inputs, outputs)


def train(
    model, X, y, *, epochs, batch_size, optimizer, learning_rate, loss, seed, verbose,
    validation=None, n_iter_no_change=10,
):
    """Train ``model`` (from :func:`build_model`) in place; return the history.

    The arithmetic is Keras's own (the model's forward pass, the Keras loss,
    the Keras optimizer's update) without ``Model.fit``'s per-batch Python and
    ``tf.data`` overhead: a compiled ``tf.function`` runs a whole epoch. The
    batches of each epoch follow a permutation drawn from
    ``numpy.random.RandomState(seed)``: reproducible, and no global random
    state is touched. The reported loss is the batch-size weighted mean over
    the epoch, as ``Model.fit`` reports it.

    ``validation=(X_val, y_val)`` adds the loss on those rows after every
    epoch (``"val_loss"``); training stops when it has not improved for
    ``n_iter_no_change`` epochs, and the weights of the best epoch are kept.

    Tracing that function costs far more than training a small network, and
    every trace keeps a few MiB that TensorFlow never frees. So the traced
    loop is kept and reused (see :class:`_Trainer`) for every later fit of the
    same shape, as in the folds and candidates of a grid search: ``model``'s
    starting weights are copied in, and the trained weights copied back.

    Raises
    ------
    ValueError
        If the loss becomes NaN or infinite (training diverged).
    """
    X = _left_align(X.astype(np.float32, copy=False))
    if validation is not None:
        X_val, y_val = validation
        validation = (_left_align(X_val.astype(np.float32, copy=False)), y_val)
    has_nan = bool(np.isnan(X).any()) or (
        validation is not None and bool(np.isnan(validation[0]).any())
    )
    key = (
        _architecture(model), X.shape[1], has_nan,
        optimizer, float(learning_rate), loss, batch_size,
    )
    with _TRAINERS.borrow(key) as trainer:
        _copy_variables(model, trainer.model)
        trainer.reset_optimizer()
        try:
            return _run_epochs(
                trainer, X, y, epochs, seed, verbose, validation, n_iter_no_change
            )
        finally:
            _copy_variables(trainer.model, model)


def _run_epochs(trainer, X, y, epochs, seed, verbose, validation, n_iter_no_change):
    X, y = tf.constant(X), tf.constant(y.astype(np.float32, copy=False))
    if validation is not None:
        X_val, y_val = (tf.constant(a.astype(np.float32, copy=False)) for a in validation)
    rng = np.random.RandomState(seed)
    progress = keras.utils.Progbar(epochs, verbose=verbose, unit_name="epoch") if verbose else None
    history = {"loss": []} if validation is None else {"loss": [], "val_loss": []}
    best_loss, best_weights, since_best = np.inf, None, 0
    for epoch in range(epochs):
        order = tf.constant(rng.permutation(len(X)).astype(np.int32))
        history["loss"].append(float(trainer.run_epoch(X, y, order)))
        if validation is not None:
            history["val_loss"].append(float(trainer.evaluate(X_val, y_val)))
        last = {name: values[-1] for name, values in history.items()}
        if progress is not None:
            progress.update(epoch + 1, values=list(last.items()))
        bad = [f"{name}={value}" for name, value in last.items() if not np.isfinite(value)]
        if bad:
            raise ValueError(
                f"Training diverged: {', '.join(bad)} at epoch {epoch + 1}. "
                "Lower learning_rate, or scale X (e.g. MinMaxScaler in the "
                "pipeline)."
            )
        if validation is None:
            continue
        if last["val_loss"] < best_loss:
            best_loss, since_best = last["val_loss"], 0
            best_weights = [v.numpy() for v in trainer.model.variables]
        else:
            since_best += 1
            if since_best >= n_iter_no_change:
                break
    if best_weights is not None:  # keep the epoch that did best on validation
        for variable, value in zip(trainer.model.variables, best_weights):
            variable.assign(value)
    return history


class _Trainer:
    """A network of one shape, its optimizer, and its traced epoch loop.

    Built once per key (architecture, time steps, whether any step is
    missing, optimizer, learning rate, loss, batch size); the number of
    samples may change between fits.
    """

    def __init__(self, key):
        architecture, n_steps, masked, optimizer, learning_rate, loss, batch_size = key
        self.model = build_model(**dict(architecture), seed=0, masked=masked)
        self.optimizer = keras.optimizers.get(
            {"class_name": optimizer, "config": {"learning_rate": learning_rate}}
        )
        variables = self.model.trainable_variables
        self.optimizer.build(variables)  # slot variables must exist before tracing
        self._optimizer_start = [v.numpy() for v in self.optimizer.variables]
        loss_fn = keras.losses.get(loss)
        model, opt = self.model, self.optimizer
        n_features, n_outputs = model.input_shape[-1], model.output_shape[-1]

        @tf.function(
            input_signature=[
                tf.TensorSpec([None, n_steps, n_features], tf.float32),
                tf.TensorSpec([None, n_outputs], tf.float32),
                tf.TensorSpec([None], tf.int32),
            ]
        )
        def run_epoch(X, y, order):
            n_samples = tf.shape(order)[0]
            total = tf.constant(0.0)
            for start in tf.range(0, n_samples, batch_size):
                index = order[start : start + batch_size]
                X_batch, y_batch = tf.gather(X, index), tf.gather(y, index)
                with tf.GradientTape() as tape:
                    batch_loss = keras.ops.mean(loss_fn(y_batch, model(X_batch, training=True)))
                opt.apply_gradients(zip(tape.gradient(batch_loss, variables), variables))
                total += batch_loss * tf.cast(tf.shape(index)[0], tf.float32)
            return total / tf.cast(n_samples, tf.float32)

        with _unrolled_if_short(model, n_steps):
            self.run_epoch = run_epoch.get_concrete_function()
        self._loss_fn = loss_fn
        self._evaluate = None

    def evaluate(self, X, y):
        """Mean loss on ``X, y`` without training (the validation loss)."""
        if self._evaluate is None:  # traced on first use: most fits never validate
            model, loss_fn = self.model, self._loss_fn
            self._evaluate = tf.function(
                lambda X, y: keras.ops.mean(loss_fn(y, model(X, training=False)))
            ).get_concrete_function(
                tf.TensorSpec([None, None, model.input_shape[-1]], tf.float32),
                tf.TensorSpec([None, model.output_shape[-1]], tf.float32),
            )
        return self._evaluate(X, y)

    def reset_optimizer(self):
        for variable, value in zip(self.optimizer.variables, self._optimizer_start):
            variable.assign(value)


class _Pool:
    """Objects kept by key for reuse, each lent to one user at a time.

    A borrowed object leaves the pool until it is given back, so two threads
    never share one; a second borrower of a busy key gets a new object. The
    least recently used keys are dropped beyond ``size``.
    """

    def __init__(self, factory, size):
        self._factory, self._size = factory, size
        self._items = collections.OrderedDict()
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def borrow(self, key):
        with self._lock:
            item = self._items.pop(key, None)
        if item is None:
            item = self._factory(key)
        try:
            yield item
        finally:  # also after an error: every borrower resets what it uses
            with self._lock:
                self._items[key] = item
                while len(self._items) > self._size:
                    self._items.popitem(last=False)


_TRAINERS = _Pool(_Trainer, size=_POOL_SIZE)


@contextlib.contextmanager
def _unrolled_if_short(model, n_steps):
    """Unroll the LSTM loops while tracing training on short sequences on a CPU.

    An unrolled LSTM runs about 3x faster per step on a CPU for a few time
    steps (no ``while_loop`` and its gradient bookkeeping); the arithmetic is
    the same. The layers are built with ``unroll=False`` so that a fitted
    model accepts any number of time steps and, on a GPU, uses cuDNN; the
    flag only matters while a function is traced.
    """
    lstms = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
    unroll = n_steps <= _UNROLL_MAX_STEPS and not tf.config.list_physical_devices("GPU")
    for layer in lstms:
        layer.unroll = unroll
    try:
        yield
    finally:
        for layer in lstms:
            layer.unroll = False


def predict(model, X):
    """Predict in float64 with a reused compiled network, in chunks.

    The network is trained in float32, where a sample's prediction can change
    in the 7th digit with its position in a batch (the matrix kernels round
    differently at block edges). Predicting with a float64 copy of the trained
    weights makes every prediction independent of the rest of the batch, to
    within float64 rounding, at a cost that does not matter for inference.
    The float64 network and its traced forward pass are kept per architecture
    (see :class:`_Predictor`); a model's weights are copied in when it is not
    the one loaded already.
    """
    X = _left_align(X.astype(np.float64, copy=False))
    key = (_architecture(model), bool(np.isnan(X).any()))
    with _PREDICTORS.borrow(key) as predictor:
        predictor.load(model)
        return np.concatenate(
            [
                predictor.forward(tf.constant(X[start : start + _PREDICT_CHUNK])).numpy()
                for start in range(0, len(X), _PREDICT_CHUNK)
            ]
        )


class _Predictor:
    """A float64 network of one architecture (masked or not) and its forward pass."""

    def __init__(self, key):
        architecture, masked = key
        self.model = build_model(**dict(architecture), seed=0, dtype="float64", masked=masked)
        spec = tf.TensorSpec([None, None, self.model.input_shape[-1]], tf.float64)
        self.forward = tf.function(
            lambda inputs: self.model(inputs, training=False)
        ).get_concrete_function(spec)
        self._loaded = None  # weak reference to the model whose weights are in

    def load(self, model):
        if self._loaded is None or self._loaded() is not model:
            _copy_variables(model, self.model)
            self._loaded = weakref.ref(model)


_PREDICTORS = _Pool(_Predictor, size=_POOL_SIZE)


def _architecture(model):
    """The :func:`build_model` arguments, but the seed, that give ``model``'s shape."""
    lstms = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
    return (
        ("n_features", model.input_shape[-1]),
        ("n_outputs", model.output_shape[-1]),
        ("units", tuple(layer.units for layer in lstms)),
        ("dropout", float(lstms[0].dropout)),
        ("recurrent_dropout", float(lstms[0].recurrent_dropout)),
    )


def _copy_variables(source, target):
    for source_var, target_var in zip(source.variables, target.variables, strict=True):
        target_var.assign(tf.cast(source_var, target_var.dtype))


def _left_align(X):
    """Move each sample's observed time steps to the front, keeping their order.

    With the missing (NaN) steps at the end, the mask of every sample is
    right-padded. Samples without missing steps are returned untouched.
    """
    missing = np.isnan(X).any(axis=2)
    if not missing.any():
        return X
    order = np.argsort(missing, axis=1, kind="stable")
    return np.take_along_axis(X, order[:, :, None], axis=1)


# Saving and loading a network
# ----------------------------
# The Keras calls behind :mod:`sklstm._persistence` and pickling: a network
# to and from Keras's ``.keras`` bytes, and the config :func:`build_model`
# gives for given parameters. They check nothing: :func:`sklstm.load_model`
# checks an untrusted file (sizes, the whole config, the weights' layout)
# in :mod:`sklstm._persistence`, without Keras, before it calls
# :func:`network_from_bytes`; a pickle is trusted by definition.

_NETWORK_FILE = "model.keras"


def network_to_bytes(model):
    """``model`` in Keras's ``.keras`` format, as bytes."""
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, _NETWORK_FILE)
        keras.saving.save_model(model, path)
        with open(path, "rb") as file:
            return file.read()


def network_from_bytes(data):
    """The network in the ``.keras`` bytes ``data``, loaded with ``safe_mode=True``."""
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, _NETWORK_FILE)
        with open(path, "wb") as file:
            file.write(data)
        return keras.saving.load_model(path, compile=False, safe_mode=True)


def network_config(model):
    """``model``'s config, as a ``.keras`` file stores it."""
    return keras.saving.serialize_keras_object(model)


def network_configs(*, n_features, n_outputs, units, dropout, recurrent_dropout):
    """The configs of the networks :func:`build_model` makes for these parameters.

    One per variant that :func:`build_model` builds (with the NaN mask, then
    without); generated lazily, since each builds a network.
    """
    for masked in (True, False):
        yield network_config(build_model(
            n_features=n_features, n_outputs=n_outputs, units=tuple(units),
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=0, masked=masked,
        ))
