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

Each traced function takes the weights (and the optimizer's state) as
arguments: the variables of the network the estimator owns. Functions are
traced once per layer layout and kept; they share no state, so there is
nothing to copy in or out and nothing that another fit could leave stale
(see "Traced functions" below).

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
import os
import tempfile
import threading
import weakref

import keras
import numpy as np
import tensorflow as tf

# Longest sequence whose LSTM loop is unrolled for training on a CPU: longer
# ones make the traced graph (and its tracing time) grow with little gain. It
# also bounds the traces of one layer layout: one per length up to this, and
# one shared by every longer sequence.
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


# The recurrent layer of each ``cell``; both subclass ``keras.layers.RNN``.
_CELLS = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}


def build_model(
    *,
    n_features,
    n_outputs,
    units,
    dropout,
    recurrent_dropout,
    seed,
    dtype="float32",
    masked=True,
    cell="lstm",
):
    """A (stacked) LSTM or GRU (``cell``) followed by one linear ``Dense`` layer.

    Every random initializer and dropout layer gets its own seed drawn from
    ``seed``, so the model is reproducible without touching Keras's or
    TensorFlow's global random state. ``masked=False`` leaves out the
    :class:`NaNMask` (it has no weights, so the variables of both variants
    line up one to one): a mask makes every LSTM step select between old and
    new state, work that data without a missing step does not need.
    """
    seeds = iter(np.random.RandomState(seed).randint(0, 2**31 - 1, size=3 * len(units) + 1))
    inputs = keras.Input(shape=(None, n_features), dtype=dtype)
    x = NaNMask(dtype=dtype)(inputs) if masked else inputs
    for depth, n_units in enumerate(units):
        x = _CELLS[cell](
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


# Traced functions
# ----------------
# Tracing a training loop costs more than training a small network, so each
# function is traced once per key and kept: a grid search over a few layouts
# traces each once. The cache is bounded (least recently used out first, at
# most ``_MAX_TRACES``: a wide grid cannot grow it without end), and
# :func:`clear_traces` (public as :func:`sklstm.clear_traces`) empties it.
# What is kept is a pure function of its key: a template network and
# optimizer give the trace its structure, but their variables are never read
# or written. The weights, the optimizer's state and the random state come in
# as arguments: the variables of the fit's own network (``model_``) and of an
# optimizer made for that fit. Nothing shared holds an estimator's weights, so
# nothing shared can be stale or half-updated, and two threads may run one
# function at once on their own variables.

# Two per network layout and sequence length in use (a training epoch and a
# forward pass), each a few MiB (about 5.6 MiB of RSS per traced function for
# the small networks of benchmarks/bench.py --only shapes). Large enough that a
# grid search never evicts: the process gets little or none of an evicted
# trace's memory back (none of it in that benchmark), and tracing it again
# costs more.
_MAX_TRACES = 256
_TRACES = collections.OrderedDict()  # key -> function, least recently used first
_TRACE_LOCK = threading.Lock()  # held while tracing: templates are used only then
_TRACE_COUNT = collections.Counter()  # traces made, by kind, for tests and benchmarks


def trace_count():
    """How many functions this process has traced (evicted ones included)."""
    return sum(_TRACE_COUNT.values())


def traces_kept():
    """How many traced functions the cache holds now."""
    return len(_TRACES)


def clear_traces():
    """Drop every kept traced function; the next fit or predict traces again.

    TensorFlow keeps most of a dropped trace's memory in the process (see
    ``_MAX_TRACES``): this bounds what sklstm holds, not the process's RSS.
    """
    with _TRACE_LOCK:
        _TRACES.clear()
        _FORWARD_INPUTS.clear()


def _traced(kind, *key):
    """The function ``_TRACERS[kind](*key)`` traces, traced on first use only."""
    key = (kind, *key)
    with _TRACE_LOCK:
        function = _TRACES.get(key)
        if function is None:
            function = _TRACERS[kind](*key[1:])
            _TRACE_COUNT[kind] += 1
            _TRACES[key] = function
            while len(_TRACES) > _MAX_TRACES:
                _TRACES.popitem(last=False)
        else:
            _TRACES.move_to_end(key)
        return function


def _layout(model):
    """The :func:`build_model` arguments, but the seed, that give ``model``'s layers."""
    rnns = [layer for layer in model.layers if isinstance(layer, keras.layers.RNN)]
    cell = next(name for name, kind in _CELLS.items() if type(rnns[0]) is kind)
    return (
        ("n_features", int(model.input_shape[-1])),
        ("n_outputs", int(model.output_shape[-1])),
        ("units", tuple(int(layer.units) for layer in rnns)),
        ("dropout", float(rnns[0].dropout)),
        ("recurrent_dropout", float(rnns[0].recurrent_dropout)),
        ("cell", cell),
    )


def architecture(model):
    """The :func:`build_model` arguments, but the seed, that give ``model``'s layers."""
    return dict(_layout(model))


def _variables(keras_variables):
    """The TensorFlow variables under Keras variables: what a traced function takes."""
    return [variable.value for variable in keras_variables]


@contextlib.contextmanager
def _redirected(pairs):
    """Run Keras code on ``template`` variables as if they were the paired variables.

    Inside, every read of a template variable reads its partner, and every
    write is recorded; on leaving, the recorded writes go to the partners.
    """
    with keras.StatelessScope(state_mapping=pairs) as scope:
        yield
        updates = [(target, scope.get_current_value(template)) for template, target in pairs]
    for target, value in updates:
        if value is not target:
            target.assign(value)


@functools.cache  # the devices do not change within a process
def _on_gpu():
    return bool(tf.config.list_physical_devices("GPU"))


def _trace_epoch(layout, masked, n_steps, optimizer, loss):
    """One epoch of training, as a function of the weights and optimizer state.

    ``n_steps`` is the sequence length the LSTM loop is unrolled for, or None
    for a loop over any length. The learning rate (an optimizer variable) and
    the batch size are arguments too, so a grid over them reuses the trace.
    ``sample_weight`` (one number per row, mean 1 over the rows trained on)
    weights each row's loss; a batch's loss is the mean of weight times loss
    over its rows, so with all weights 1 it is Keras's own mean.
    """
    template = build_model(**dict(layout), seed=0, masked=masked)
    template_optimizer = keras.optimizers.get(optimizer)
    template_optimizer.build(template.trainable_variables)
    loss_fn = _loss_function(loss)
    trainable = [i for i, v in enumerate(template.variables) if v.trainable]

    def run_epoch(weights, optimizer_state, X, y, sample_weight, order, batch_size):
        pairs = list(zip(template.variables, weights)) + list(
            zip(_optimizer_variables(template_optimizer), optimizer_state)
        )
        n_samples = tf.shape(order)[0]

        def train_batch(start, total):
            index = order[start : start + batch_size]
            X_batch, y_batch = tf.gather(X, index), tf.gather(y, index)
            with _redirected(pairs):
                with tf.GradientTape() as tape:
                    predicted = template(X_batch, training=True)
                    batch_loss = keras.ops.mean(
                        loss_fn(y_batch, predicted) * tf.gather(sample_weight, index)
                    )
                gradients = tape.gradient(batch_loss, [weights[i] for i in trainable])
                template_optimizer.apply(gradients)
            return start + batch_size, total + batch_loss * tf.cast(tf.shape(index)[0], tf.float32)

        _, total = tf.while_loop(
            lambda start, total: start < n_samples, train_batch, (tf.constant(0), tf.constant(0.0))
        )
        return total / tf.cast(n_samples, tf.float32)

    # The example arguments are the templates' own variables, so that while
    # tracing Keras's optimizer finds its slots by them; the graph takes them
    # as inputs (``_stateless`` checks it captured none), and each call binds
    # the variables it is given.
    n_features, n_outputs = dict(layout)["n_features"], dict(layout)["n_outputs"]
    with _unrolled(template, n_steps is not None):
        return _stateless(
            tf.function(run_epoch, autograph=False).get_concrete_function(
                _variables(template.variables),
                _variables(_optimizer_variables(template_optimizer)),
                tf.TensorSpec([None, n_steps, n_features], tf.float32),
                tf.TensorSpec([None, _target_width(n_outputs, loss)], tf.float32),
                tf.TensorSpec([None], tf.float32),
                tf.TensorSpec([None], tf.int32),
                tf.TensorSpec([], tf.int32),
            )
        )


def _optimizer_variables(optimizer):
    """All of an optimizer's state: its ``variables``, and any Keras variable it
    keeps outside them (Nadam's running product ``_u_product``), by name."""
    listed = {id(variable) for variable in optimizer.variables}
    unlisted = [
        value
        for _, value in sorted(vars(optimizer).items())
        if isinstance(value, keras.Variable) and id(value) not in listed
    ]
    return optimizer.variables + unlisted


def _stateless(function):
    """``function``, after checking that its graph reads no variable of its own.

    A traced function that captured a variable (of its template network or
    optimizer) would carry state from one fit to the next; every variable
    must come in as an argument.
    """
    captured = [t for t in function.captured_inputs if t.dtype == tf.resource]
    if captured:
        raise RuntimeError(
            f"Internal error: a traced function captured {len(captured)} variable(s); "
            "its state would be shared between fits."
        )
    return function


def _trace_forward(layout, masked, dtype, loss=None, levels=None, n_steps=None):
    """The network's output (or, with ``loss``, the weighted mean loss) for any length.

    With quantile ``levels`` (and no ``loss``), the output is the quantiles,
    shape ``(n_samples, n_columns, n_levels)`` (see :func:`non_crossing`). The
    weights come in as the fit's float32 variables and are cast to ``dtype``
    inside the function. ``n_steps``: the sequence length the recurrent loop is
    unrolled for (on a CPU, 2-3x faster for a few steps), or None for any length.
    """
    template = build_model(**dict(layout), seed=0, dtype=dtype, masked=masked)
    loss_fn = None if loss is None else _loss_function(loss)

    def forward(weights, X, *y_and_weight):
        pairs = [
            (variable, tf.cast(value, variable.dtype))
            for variable, value in zip(template.variables, weights)
        ]
        with keras.StatelessScope(state_mapping=pairs):
            predicted = template(X, training=False)
        if loss_fn is None:
            if levels is None:
                return predicted
            return non_crossing(_by_level(predicted, len(levels)), levels.index(0.5))
        y, sample_weight = y_and_weight
        return keras.ops.sum(loss_fn(y, predicted) * sample_weight) / keras.ops.sum(sample_weight)

    n_features, n_outputs = dict(layout)["n_features"], dict(layout)["n_outputs"]
    specs = [tf.TensorSpec([None, n_steps, n_features], dtype)]
    if loss_fn is not None:
        specs += [
            tf.TensorSpec([None, _target_width(n_outputs, loss)], dtype),
            tf.TensorSpec([None], dtype),
        ]
    # The weights' specs are those of a float32 network of this layout.
    reference = build_model(**dict(layout), seed=0, masked=masked)
    with _unrolled(template, n_steps is not None):
        return _stateless(
            tf.function(forward, autograph=False).get_concrete_function(
                _variables(reference.variables), *specs
            )
        )


_TRACERS = {"epoch": _trace_epoch, "forward": _trace_forward}


# Quantile (pinball) loss
# -----------------------
# ``loss=("quantile", (0.1, 0.5, 0.9))``: the network has ``n_quantiles``
# outputs per target column, in that order within each column. They are
# raw: the output for the median is the median, and every other output is
# the softplus (non-negative) gap to its inner neighbour, so the quantiles
# built from them cannot cross. The loss builds the quantiles so; the
# regressor builds them the same way, in float64 NumPy, when it predicts.


# The Keras loss of each of LSTMRegressor's loss names (scikit-learn's).
_KERAS_LOSSES = {
    "squared_error": "mean_squared_error",
    "absolute_error": "mean_absolute_error",
    "huber": "huber",
    "log_cosh": "log_cosh",
}


def _loss_function(loss):
    """A loss name of ``_KERAS_LOSSES``, or ``("quantile", levels)``, as ``(y, y_pred)``."""
    if isinstance(loss, tuple) and loss[0] == "quantile":
        return _pinball_loss(loss[1])
    return keras.losses.get(_KERAS_LOSSES[loss])


def _target_width(n_outputs, loss):
    """Columns of the target for a network of ``n_outputs`` outputs trained on ``loss``."""
    if isinstance(loss, tuple) and loss[0] == "quantile":
        return n_outputs // len(loss[1])
    return n_outputs


def non_crossing(raw, median):
    """Quantiles from the network's raw outputs (last axis: one per level).

    ``raw[..., median]`` is the median; every other output is a gap to the
    inner neighbour, made non-negative by a softplus and summed outwards, so
    the quantiles are non-decreasing along the last axis (in floating point
    too: sums of non-negative numbers only grow). The one construction of
    the quantiles: the loss uses it while training (float32), :func:`predict`
    when predicting (float64).
    """
    centre = raw[..., median : median + 1]
    gaps = keras.ops.softplus(raw)
    above = centre + keras.ops.cumsum(gaps[..., median + 1 :], axis=-1)
    below = centre - keras.ops.flip(
        keras.ops.cumsum(keras.ops.flip(gaps[..., :median], axis=-1), axis=-1), axis=-1
    )
    return keras.ops.concatenate([below, centre, above], axis=-1)


def _by_level(raw, n_levels):
    """The outputs ``(n_samples, n_columns * n_levels)`` as ``(n_samples, n_columns, n_levels)``."""
    return keras.ops.reshape(raw, (-1, keras.ops.shape(raw)[-1] // n_levels, n_levels))


def _pinball_loss(levels):
    """The pinball loss of the non-crossing quantiles, averaged over levels and columns."""
    levels = tuple(float(level) for level in levels)
    median = levels.index(0.5)

    def pinball(y, raw):
        quantiles = non_crossing(_by_level(raw, len(levels)), median)
        tau = keras.ops.cast(keras.ops.convert_to_tensor(levels), quantiles.dtype)
        error = keras.ops.cast(y, quantiles.dtype)[:, :, None] - quantiles
        return keras.ops.mean(keras.ops.maximum(tau * error, (tau - 1.0) * error), axis=(1, 2))

    return pinball


@contextlib.contextmanager
def _unrolled(template, unroll):
    """Unroll the template's recurrent loops while a function is traced.

    An unrolled LSTM runs about 3x faster per step on a CPU for a few time
    steps (no ``while_loop`` and its gradient bookkeeping); the arithmetic is
    the same. Networks are built with ``unroll=False`` so that a fitted
    model accepts any number of time steps and, on a GPU, uses cuDNN; the
    flag only matters while tracing, and templates are used only then.
    """
    rnns = [layer for layer in template.layers if isinstance(layer, keras.layers.RNN)]
    for layer in rnns:
        layer.unroll = unroll
    try:
        yield
    finally:
        for layer in rnns:
            layer.unroll = False


# Training and prediction
# -----------------------


def train(
    model,
    X,
    y,
    *,
    max_iter,
    batch_size,
    optimizer,
    learning_rate_init,
    loss,
    seed,
    verbose,
    validation=None,
    n_iter_no_change=10,
    sample_weight=None,
    samples_per_epoch=None,
):
    """Train ``model`` (from :func:`build_model`) in place; return the history.

    The arithmetic is Keras's own (the model's forward pass, the Keras loss,
    the Keras optimizer's update) without ``Model.fit``'s per-batch Python and
    ``tf.data`` overhead: a traced function runs a whole epoch, on
    ``model``'s own variables and those of an optimizer made for this fit
    (see "Traced functions" above). The batches of each epoch follow a
    permutation drawn from ``numpy.random.RandomState(seed)``: reproducible,
    and no global random state is touched. The reported loss is the
    batch-size weighted mean over the epoch, as ``Model.fit`` reports it.

    ``X`` is a 3-D array, or a source of windows built on demand (an object
    with ``len`` and ``take(rows)``, which returns the 3-D float32 inputs of
    those rows): then each epoch's permutation is cut into chunks of whole
    batches, each chunk's windows are built and trained on, and dropped.
    The batches are those the array would give, so the weights are too.

    ``samples_per_epoch``: train each epoch on a fresh draw of that many
    rows, without replacement (None, or at least the number of rows: all
    of them, in the epoch's permutation); the validation loss is then the
    mean over a fixed draw of at most that many validation rows.

    ``sample_weight`` (one non-negative number per row, not all 0; None for
    all 1) weights each row's loss. The weights are divided by their mean, so
    that only their ratios matter: a batch's loss is the mean of weight times
    loss over its rows, and the epoch's loss the weighted mean over all rows.
    A row of weight 0 adds nothing to the loss or to the gradient.

    ``validation=(X_val, y_val)`` or ``(X_val, y_val, w_val)`` adds the loss
    on those rows after every epoch (``"val_loss"``; the mean weighted by
    ``w_val``); training stops when it has not improved for
    ``n_iter_no_change`` epochs, and the weights of the best epoch are kept.

    Raises
    ------
    ValueError
        If the loss becomes NaN or infinite (training diverged).
    """
    X, y = _Rows.of(X), _as_float32(y)
    if sample_weight is not None:  # None: all 1, made per chunk
        sample_weight = np.asarray(sample_weight)
        sample_weight = (sample_weight / sample_weight.mean()).astype(np.float32)
    if validation is not None:
        X_val, y_val, *w_val = validation
        w_val = np.ones(len(X_val)) if not w_val or w_val[0] is None else w_val[0]
        y_val, w_val = _as_float32(y_val), np.asarray(w_val, np.float32)
        # Rows of weight 0 add nothing to the loss: a chunk (or a draw) of them
        # only would divide 0 by 0. An array is scored whole, in one call.
        kept = np.flatnonzero(w_val > 0)
        if isinstance(X_val, np.ndarray) and (
            samples_per_epoch is None or len(kept) <= samples_per_epoch
        ):
            kept = np.arange(len(X_val))
        if samples_per_epoch is not None and len(kept) > samples_per_epoch:
            draw = np.random.default_rng([seed, 1])  # not the epochs' draws
            kept = np.sort(draw.choice(kept, samples_per_epoch, replace=False))
            if isinstance(X_val, np.ndarray):  # an array: its kept rows, as one part
                X_val, y_val, w_val = X_val[kept], _targets(y_val, kept), w_val[kept]
                kept = np.arange(len(kept))
        validation = (_Rows.of(X_val), y_val, w_val, kept)
    layout, n_steps = _layout(model), X.n_steps
    unrolled = n_steps <= _UNROLL_MAX_STEPS and not _on_gpu()

    def epoch_function(masked):
        return _traced("epoch", layout, masked, n_steps if unrolled else None, optimizer, loss)

    def evaluate_function(masked):
        return _traced("forward", layout, masked, tf.float32, loss)

    fit_optimizer = keras.optimizers.get(
        {"class_name": optimizer, "config": {"learning_rate": float(learning_rate_init)}}
    )
    fit_optimizer.build(model.trainable_variables)
    weights = _variables(model.variables)
    optimizer_state = _variables(_optimizer_variables(fit_optimizer))
    batch_size = min(int(batch_size), np.iinfo(np.int32).max)
    # Chunks of whole batches: the batches of an epoch are the array's.
    chunk = max(1, _TRAIN_CHUNK // batch_size) * batch_size
    batch_size = tf.constant(batch_size, tf.int32)

    def run_epoch(order):
        total = 0.0
        for rows, X_part in X.chunks(order, chunk):
            n_rows = len(rows)
            index = np.arange(n_rows, dtype=np.int32) if X.chunked else rows
            mean = epoch_function(X_part.masked)(
                weights,
                optimizer_state,
                X_part.tensor,
                *X_part.constants(y, sample_weight, rows),
                tf.constant(index),
                batch_size,
            )
            total += float(mean) * n_rows
        return total / len(order)

    def validation_loss():
        X_val, y_val, w_val, kept = validation
        total = weight = 0.0
        for rows, X_part in X_val.chunks(kept, _PREDICT_CHUNK):
            y_part, w_part = _targets(y_val, rows), w_val[rows]
            mean = evaluate_function(X_part.masked)(
                weights, X_part.tensor, tf.constant(y_part), tf.constant(w_part)
            )
            total += float(mean) * float(w_part.sum())  # kept rows: positive weights
            weight += float(w_part.sum())
        return total / weight

    rng = np.random.RandomState(seed)
    progress = None
    if verbose:
        progress = keras.utils.Progbar(max_iter, verbose=verbose, unit_name="epoch")
    history = {"loss": []} if validation is None else {"loss": [], "val_loss": []}
    best_loss, best_weights, since_best = np.inf, None, 0
    for epoch in range(max_iter):
        if samples_per_epoch is None or samples_per_epoch >= len(X):
            # rng.permutation(n), drawn into int32 (the same draws, half the memory)
            order = np.arange(len(X), dtype=np.int32)
            rng.shuffle(order)
        else:  # a draw of that many rows, in a random order, without a permutation of all
            draw = np.random.default_rng(rng.randint(np.iinfo(np.int32).max))
            order = draw.choice(len(X), samples_per_epoch, replace=False).astype(np.int32)
        history["loss"].append(run_epoch(order))
        if validation is not None:
            history["val_loss"].append(validation_loss())
        last = {name: values[-1] for name, values in history.items()}
        if progress is not None:
            progress.update(epoch + 1, values=list(last.items()))
        bad = [f"{name}={value}" for name, value in last.items() if not np.isfinite(value)]
        if bad:
            raise ValueError(
                f"Training diverged: {', '.join(bad)} at epoch {epoch + 1}. "
                "Lower learning_rate_init, or scale X (e.g. MinMaxScaler in the "
                "pipeline)."
            )
        if validation is None:
            continue
        if last["val_loss"] < best_loss:
            best_loss, since_best = last["val_loss"], 0
            best_weights = [v.numpy() for v in weights]
        else:
            since_best += 1
            if since_best >= n_iter_no_change:
                break
    if best_weights is not None:  # keep the epoch that did best on validation
        for variable, value in zip(weights, best_weights):
            variable.assign(value)
    return history


# Windows built per call while training from a source of windows.
_TRAIN_CHUNK = 8192


def _as_float32(y):
    """An array of targets as float32; a source of targets (``take(rows)``) as it is."""
    return y.astype(np.float32, copy=False) if isinstance(y, np.ndarray) else y


def _targets(y, rows):
    """The targets of ``rows``: of an array, or of a source that makes them per chunk."""
    return y[rows] if isinstance(y, np.ndarray) else y.take(rows)


class _Part:
    """Inputs for a traced call: the float32 tensor and whether it needs the mask."""

    def __init__(self, values):
        values = _left_align(np.asarray(values, dtype=np.float32))
        self.masked = bool(np.isnan(values).any())
        self.tensor = tf.constant(values)

    def constants(self, y, sample_weight, rows):
        """The targets and weights (None: 1) of ``rows``, as tensors."""
        weight = np.ones(len(rows), np.float32) if sample_weight is None else sample_weight[rows]
        return tf.constant(_targets(y, rows)), tf.constant(weight)


class _WholePart(_Part):
    """An array's inputs, its targets and weights made tensors once, indexed in the graph."""

    def __init__(self, values):
        super().__init__(values)
        self._cached = {}

    def constants(self, y, sample_weight, rows):
        key = (id(y), id(sample_weight))
        if key not in self._cached:
            weight = np.ones(len(y), np.float32) if sample_weight is None else sample_weight
            self._cached = {key: (tf.constant(y), tf.constant(weight))}
        return self._cached[key]


class _Rows:
    """The rows :func:`train` reads: a 3-D array (made a tensor once, each
    epoch one call over all of it) or a source of windows (built a chunk at
    a time)."""

    def __init__(self, array=None, source=None):
        self._array, self._source = array, source
        self.chunked = source is not None
        if array is not None:
            self._whole = _WholePart(array)
            self.n_steps = array.shape[1]
        else:
            self._whole = None
            self.n_steps = np.asarray(source.take(np.arange(min(len(source), 1)))).shape[1]

    @classmethod
    def of(cls, X):
        if isinstance(X, np.ndarray):
            return cls(array=X)
        return cls(source=X)

    def __len__(self):
        return len(self._array) if self._array is not None else len(self._source)

    def chunks(self, rows, size):
        """``(rows, part)`` pairs: the array at once (indexed by ``rows`` in the
        graph), or the source's windows of ``size`` rows at a time."""
        if not self.chunked:
            yield rows, self._whole
            return
        for start in range(0, len(rows), size):
            part = rows[start : start + size]
            yield part, _Part(self._source.take(part))


def predict(model, X, levels=None):
    """Predict with ``model``'s weights in float64, in chunks.

    The network is trained in float32, where a sample's prediction can change
    in the 7th digit with its position in a batch (the matrix kernels round
    differently at block edges). The traced forward pass casts ``model``'s
    weights to float64 as it runs, so every prediction is independent of the
    rest of the batch, to within float64 rounding, at a cost that does not
    matter for inference. Nothing is copied into, or kept in, shared state:
    the function is traced once per layer layout and takes the weights as
    arguments (traced once per sequence length up to ``_UNROLL_MAX_STEPS``, whose
    loop is unrolled on a CPU, and once for all longer ones). With the quantile
    ``levels`` of a quantile network (a tuple of
    floats), the result is the quantiles, shape
    ``(n_samples, n_columns, n_levels)``.
    """
    X = np.asarray(X, dtype=np.float64)
    masked = bool(np.isnan(X).any())
    if masked:
        X = _left_align(X)
    layout, weights = _forward_inputs(model)
    n_steps = X.shape[1] if X.shape[1] <= _UNROLL_MAX_STEPS and not _on_gpu() else None
    forward = _traced("forward", layout, masked, tf.float64, None, levels, n_steps)
    if len(X) <= _PREDICT_CHUNK:  # one call: the common case of a few rows
        return _call(forward, weights, tf.constant(X)).numpy()
    return np.concatenate(
        [
            _call(forward, weights, tf.constant(X[start : start + _PREDICT_CHUNK])).numpy()
            for start in range(0, len(X), _PREDICT_CHUNK)
        ]
    )


def _call(function, weights, X):
    """``function(weights, X)``, for a traced forward pass, without the argument binding.

    A concrete function's public call matches its arguments against the traced
    signature every time, which for a few rows costs about as much as the
    network itself (0.15 of 0.2 ms on the tutorial's network). The flat call
    takes the inputs as the graph does (each weight variable's handle, then
    ``X``), checked equal to the public call by tests/test_keras_backend.py.
    Where the flat call is missing or refuses (another TensorFlow), the public
    call runs.
    """
    call_flat = getattr(function, "_call_flat", None)
    if call_flat is not None:
        try:
            return call_flat([weight.handle for weight in weights] + [X], [])
        except (TypeError, ValueError):
            pass
    return function(weights, X)


# A fitted network's layout and weight variables, read once: walking a Keras
# model's layers costs more than predicting a few rows. Keyed weakly, so a
# network that is dropped drops its entry; both values are fixed for the
# life of the network (training assigns to the same variables).
_FORWARD_INPUTS = weakref.WeakKeyDictionary()


def _forward_inputs(model):
    with _TRACE_LOCK:
        found = _FORWARD_INPUTS.get(model)
    if found is None:
        found = (_layout(model), _variables(model.variables))
        with _TRACE_LOCK:
            _FORWARD_INPUTS[model] = found
    return found


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
# with :mod:`sklstm._neural._format`, without Keras, before it calls
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


def network_configs(*, n_features, n_outputs, units, dropout, recurrent_dropout, cell="lstm"):
    """The configs of the networks :func:`build_model` makes for these parameters.

    One per variant that :func:`build_model` builds (with the NaN mask, then
    without); generated lazily, since each builds a network.
    """
    for masked in (True, False):
        yield network_config(
            build_model(
                n_features=n_features,
                n_outputs=n_outputs,
                units=tuple(units),
                dropout=dropout,
                recurrent_dropout=recurrent_dropout,
                seed=0,
                masked=masked,
                cell=cell,
            )
        )
