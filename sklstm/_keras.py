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

import contextlib
import os
import weakref

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

# Compiled float64 forward pass of each live model, made on its first predict.
_FORWARD = weakref.WeakKeyDictionary()

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


def build_model(*, n_features, n_outputs, units, dropout, recurrent_dropout, seed):
    """A (stacked) LSTM followed by one linear ``Dense`` layer.

    Every random initializer and dropout layer gets its own seed drawn from
    ``seed``, so the model is reproducible without touching Keras's or
    TensorFlow's global random state.
    """
    seeds = iter(np.random.RandomState(seed).randint(0, 2**31 - 1, size=3 * len(units) + 1))
    inputs = keras.Input(shape=(None, n_features), dtype="float32")
    x = NaNMask()(inputs)
    for depth, n_units in enumerate(units):
        x = keras.layers.LSTM(
            n_units,
            return_sequences=depth < len(units) - 1,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            kernel_initializer=keras.initializers.GlorotUniform(seed=int(next(seeds))),
            recurrent_initializer=keras.initializers.Orthogonal(seed=int(next(seeds))),
            seed=int(next(seeds)),
        )(x)
    outputs = keras.layers.Dense(
        n_outputs, kernel_initializer=keras.initializers.GlorotUniform(seed=int(next(seeds)))
    )(x)
    return keras.Model(inputs, outputs)


def train(model, X, y, *, epochs, batch_size, optimizer, learning_rate, loss, seed, verbose):
    """Train ``model`` with mini-batch gradient descent; return the history.

    The loop is Keras's own arithmetic (the model's forward pass, the Keras
    loss, the Keras optimizer's update) with Python taken out of it: one
    compiled ``tf.function`` runs a whole epoch, so the per-step overhead of
    ``Model.fit`` (a Python round trip and a ``tf.data`` step per batch) is
    paid once per epoch instead. The batches of each epoch follow a
    permutation drawn from ``numpy.random.RandomState(seed)``: reproducible,
    and no global random state is touched. The reported loss is the
    batch-size weighted mean over the epoch, as ``Model.fit`` reports it.

    Raises
    ------
    ValueError
        If the loss becomes NaN or infinite (training diverged).
    """
    opt = keras.optimizers.get(
        {"class_name": optimizer, "config": {"learning_rate": learning_rate}}
    )
    model.compile(optimizer=opt, loss=loss)  # so that model_ is a usable Keras model
    loss_fn = keras.losses.get(loss)
    X = tf.constant(_left_align(X.astype(np.float32, copy=False)))
    y = tf.constant(y.astype(np.float32, copy=False))
    n_samples = int(X.shape[0])
    batch_size = min(batch_size, n_samples)
    n_batches = -(-n_samples // batch_size)
    variables = model.trainable_variables
    opt.build(variables)  # slot variables must exist before tracing

    def run_epoch(order):
        total = tf.constant(0.0)
        for batch in tf.range(n_batches):
            index = order[batch * batch_size : (batch + 1) * batch_size]
            X_batch, y_batch = tf.gather(X, index), tf.gather(y, index)
            with tf.GradientTape() as tape:
                batch_loss = keras.ops.mean(loss_fn(y_batch, model(X_batch, training=True)))
            opt.apply_gradients(zip(tape.gradient(batch_loss, variables), variables))
            total += batch_loss * tf.cast(tf.shape(index)[0], tf.float32)
        return total / n_samples

    run_epoch = _quiet_function(run_epoch)
    with _unrolled_if_short(model, n_steps=int(X.shape[1])):
        return _run_epochs(run_epoch, n_samples, epochs, seed, verbose)


def _run_epochs(run_epoch, n_samples, epochs, seed, verbose):
    rng = np.random.RandomState(seed)
    progress = keras.utils.Progbar(epochs, verbose=verbose, unit_name="epoch") if verbose else None
    losses = []
    for epoch in range(epochs):
        order = tf.constant(rng.permutation(n_samples).astype(np.int32))
        losses.append(float(run_epoch(order)))
        if progress is not None:
            progress.update(epoch + 1, values=[("loss", losses[-1])])
        if not np.isfinite(losses[-1]):
            raise ValueError(
                f"Training diverged: the loss became {losses[-1]} at epoch "
                f"{epoch + 1}. Lower learning_rate, or scale X (e.g. "
                "MinMaxScaler in the pipeline)."
            )
    return {"loss": losses}


@contextlib.contextmanager
def _unrolled_if_short(model, n_steps):
    """Unroll the LSTM loops while training on short sequences on a CPU.

    An unrolled LSTM runs about 3x faster per step on a CPU for a few time
    steps (no ``while_loop`` and its gradient bookkeeping); the arithmetic is
    the same. The layers are built with ``unroll=False`` so that the fitted
    model accepts any number of time steps and, on a GPU, uses cuDNN; the
    flag is set only while the training function is traced, where the
    number of steps is fixed.
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
    """Predict with a compiled float64 copy of ``model``, in chunks.

    The network is trained in float32, where a sample's prediction can change
    in the 7th digit with its position in a batch (the matrix kernels round
    differently at block edges). Predicting with a float64 copy of the trained
    weights makes every prediction independent of the rest of the batch, to
    within float64 rounding, at a cost that does not matter for inference.
    """
    forward = _FORWARD.get(model)
    if forward is None:
        # One concrete function for any batch and sequence length: calling it
        # skips tf.function's per-call signature matching.
        twin = _float64_twin(model)
        spec = tf.TensorSpec([None, None, model.input_shape[-1]], tf.float64)
        forward = _FORWARD[model] = tf.function(
            lambda inputs: twin(inputs, training=False)
        ).get_concrete_function(spec)
    X = _left_align(X.astype(np.float64, copy=False))
    chunks = [
        forward(tf.constant(X[start : start + _PREDICT_CHUNK])).numpy()
        for start in range(0, len(X), _PREDICT_CHUNK)
    ]
    return np.concatenate(chunks)


def _float64_twin(model):
    config = model.get_config()
    for layer in config["layers"]:
        if layer["config"].get("dtype") is not None:
            layer["config"]["dtype"] = "float64"
    twin = keras.Model.from_config(config)
    twin.set_weights([weights.astype(np.float64) for weights in model.get_weights()])
    return twin


def _quiet_function(python_function, **options):
    """``tf.function`` without the "frequent retracing" warning.

    Every fitted model has its own compiled functions, so a grid search traces
    the same Python code once per model by design; TensorFlow would warn about
    that after five models.
    """
    function = tf.function(python_function, **options)
    function._omit_frequent_tracing_warning = True
    return function


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
