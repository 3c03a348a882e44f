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
layers, ``Model.compile``/``fit`` and a cached predict function. What
scikeras would still add here (building the model inside ``fit``, routing
parameters) is a few lines, so it is not a runtime dependency; the benchmarks
use it as the comparison point. Swapping this backend (for
``keras.wrappers`` or another training loop) means changing this module only:
the regressor calls nothing but :func:`build_model`, :func:`train` and
:func:`predict`.

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

import numpy as np
import keras
import tensorflow as tf

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
    """Compile and fit ``model``; return the per-epoch history as a dict.

    Batches are reshuffled every epoch by a ``tf.data`` shuffle seeded with
    ``seed`` (an op-level seed: no global state is set).

    Raises
    ------
    ValueError
        If the loss becomes NaN or infinite (training diverged).
    """
    model.compile(
        optimizer=keras.optimizers.get(
            {"class_name": optimizer, "config": {"learning_rate": learning_rate}}
        ),
        loss=loss,
    )
    X = _left_align(X.astype(np.float32, copy=False))
    dataset = (
        tf.data.Dataset.from_tensor_slices((X, y.astype(np.float32, copy=False)))
        .shuffle(len(X), seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size)
    )
    history = model.fit(
        dataset,
        epochs=epochs,
        shuffle=False,  # the dataset shuffles, with its own seed
        verbose=verbose,
        callbacks=[keras.callbacks.TerminateOnNaN()],
    )
    losses = history.history.get("loss", [])
    if not np.all(np.isfinite(losses)):
        raise ValueError(
            f"Training diverged: the loss became {losses[-1]} at epoch "
            f"{len(losses)}. Lower learning_rate, or scale X (e.g. "
            "MinMaxScaler in the pipeline)."
        )
    return {name: [float(v) for v in values] for name, values in history.history.items()}


def predict(model, X):
    """Predict in chunks with Keras's cached predict function (no progress bar)."""
    X = _left_align(X.astype(np.float32, copy=False))
    chunks = [
        np.asarray(model.predict_on_batch(X[start : start + _PREDICT_CHUNK]))
        for start in range(0, len(X), _PREDICT_CHUNK)
    ]
    return np.concatenate(chunks)


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
