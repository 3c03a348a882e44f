"""Save a fitted :class:`~sklstm.LSTMRegressor` to one file, and load it, without pickle.

A composite estimator (a ``Pipeline`` or meta-estimator holding regressors)
is stored by :mod:`sklstm._pipeline_persistence`, each of its fitted
regressors as a file of the format below. A bare regressor's file is a zip
archive of two members:

``estimator.json``
    The format version, the estimator's parameters and its fitted attributes
    other than the network (``n_features_in_``, ``feature_names_in_``,
    ``n_outputs_``, ``quantiles_``, the target scaler's statistics, the loss
    curves as a ``history_`` dict of ``"loss"`` and ``"val_loss"``, whether
    ``y`` was 1-D), as plain JSON. Parameters of older files under their old
    names (``epochs``, ``learning_rate``, ``loss="mse"``) load under the new
    ones.
``model.keras``
    The network in Keras's native ``.keras`` format, loaded with
    ``safe_mode=True`` after its config is checked to hold only what sklstm
    builds.

Loading never unpickles anything and treats the file as hostile. It reads
in this order, and refuses a file with a ``ValueError`` at the first step
that fails, before doing the work of the next one:

1. the zip directories (outer and inner): exactly the members save_model
   writes, stored or deflated, each with a declared size within a limit;
   members are read with that limit as a cap, never trusting the declared
   size;
2. ``estimator.json``: bounded JSON (no NaN, no huge integers, no deep
   nesting), every value checked for its type and range;
3. the stored parameters against sane limits (layers, units, weights), which
   give the limits for the network's members;
4. the network's ``config.json`` against the config
   :func:`~sklstm._neural._keras.build_model` gives for the stored parameters: the
   whole architecture, every layer and setting, names and seeds aside;
5. the weights (HDF5): only float32 arrays, reached by plain links, exactly
   as many numbers as the architecture has weights;
6. only then Keras, with ``safe_mode=True``.

This module needs no Keras for steps 1-5 (but the expected config in step 4,
which it asks :mod:`sklstm._neural._keras` for). Saving writes a temporary file beside
the target, flushes it to disk, and renames it over the target in one step,
so an interrupted save leaves the previous file as it was.
"""

import contextlib
import io
import json
import math
import os
import re
import stat
import struct
import zipfile
import zlib
from numbers import Integral, Real

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._neural._lazy import keras_backend
from ._neural._regressor import DEPRECATED_LOSSES, LSTMRegressor

FORMAT = "sklstm.LSTMRegressor"
FORMAT_VERSION = 1
_ESTIMATOR_FILE = "estimator.json"
_NETWORK_FILE = "model.keras"

# Fitted attributes with their own JSON form; any other public fitted
# attribute (``name_``) must be a plain scalar or a list of numbers.
_KNOWN_FITTED = {
    "model_", "n_features_in_", "feature_names_in_", "n_outputs_", "target_scaler_", "history_",
    "input_mean_", "input_scale_", "quantiles_",
    # stored as "history_" (the loss curves' dict), rebuilt from it
    "loss_curve_", "validation_scores_", "best_loss_", "best_validation_score_",
}
# Parameters of files from sklstm 0.1, under the names that replaced them.
_RENAMED_PARAMS = {"epochs": "max_iter", "learning_rate": "learning_rate_init"}
# The input scaling (``scale_inputs``): one number per feature, or None.
_INPUT_SCALING = ("input_mean_", "input_scale_")
_EXTRA_NAME = re.compile(r"[a-z][a-z0-9_]*_\Z")

# The members of the .keras archive Keras writes for a network.
_CONFIG_FILE, _METADATA_FILE, _WEIGHTS_FILE = "config.json", "metadata.json", "model.weights.h5"

# What load_model reads at most. A network's members are bounded by what the
# stored parameters imply: the weights are 4 bytes a weight plus HDF5's
# bookkeeping; the config a few KiB a layer.
_MAX_DOCUMENT_BYTES = 4 * 2**20  # estimator.json: ~100k epochs of loss curves
_MAX_METADATA_BYTES = 2**12
_CONFIG_BYTES = (2**16, 2**14)  # base, per LSTM layer (one is ~2 KiB)
_WEIGHTS_OVERHEAD_BYTES = (2**16, 2**14)  # base, per LSTM layer (measured ~4 KiB)
_MAX_LAYERS = 32
_MAX_WEIGHTS = 2**24  # 64 MiB of float32
# A member over _BOMB_FLOOR_BYTES may not inflate more than _MAX_EXPANSION
# times: JSON deflates ~4x, trained float32 weights hardly at all.
_BOMB_FLOOR_BYTES = 2**20
_MAX_EXPANSION = 20
_MAX_JSON_DEPTH = 64  # Keras configs nest ~10 deep
_MAX_INT_DIGITS = 19  # int64
_MAX_HDF5_DEPTH = 8
# What a damaged or crafted zip makes zipfile raise while reading it.
_ZIP_ERRORS = (
    zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
    OSError, ValueError, struct.error, OverflowError, UnicodeDecodeError,
)


def save_model(estimator, path):
    """Save a fitted :class:`LSTMRegressor`, or a fitted estimator made of one, without pickle.

    The file holds each network in Keras's ``.keras`` format, a bare
    regressor's other state as JSON, and the rest of a composite estimator (a
    ``Pipeline``, a :class:`ChangeRegressor`, :func:`make_lstm_forecaster`'s
    output, a ``GridSearchCV``'s ``best_estimator_``) in skops's format;
    :func:`load_model` reads it back without running code from the file, so
    it can be shared. The write is atomic: the file at ``path`` is either the
    previous one or the complete new one, never a mix.

    Parameters
    ----------
    estimator : LSTMRegressor or scikit-learn estimator
        A fitted regressor, or a fitted scikit-learn estimator made of
        scikit-learn and sklstm parts; its ``LSTMRegressor`` instances are
        found in estimators' attributes and in the lists, tuples, sets,
        dicts and object arrays they hold.
    path : str or os.PathLike
        Where to write the file. An existing file is replaced and keeps its
        permission bits; when ``path`` is a symbolic link, the file it points
        to is replaced and the link kept.

    Raises
    ------
    TypeError
        If ``estimator`` is not a scikit-learn estimator, or one of an
        ``LSTMRegressor``'s parameters or fitted attributes has no JSON form.
    sklearn.exceptions.NotFittedError
        If ``estimator`` is not fitted.

    See Also
    --------
    load_model : Read the file back.

    Notes
    -----
    A ``random_state`` given as a ``RandomState`` instance is stored with its
    current state. ``units`` given as a list comes back as a tuple. The
    optimizer's state is not stored: a loaded estimator predicts exactly as
    the saved one, and :meth:`~LSTMRegressor.fit` trains a new network as
    always.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklstm import LSTMRegressor, load_model, save_model
    >>> X = np.random.RandomState(0).uniform(size=(32, 3, 1))
    >>> y = X.sum(axis=(1, 2))
    >>> model = LSTMRegressor(units=4, max_iter=2, random_state=0).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "model.sklstm")
    ...     save_model(model, path)
    ...     loaded = load_model(path)
    >>> bool((loaded.predict(X) == model.predict(X)).all())
    True
    """
    if type(estimator) is LSTMRegressor:
        check_is_fitted(estimator)
        write = _regressor_writer(estimator)
    else:
        from ._pipeline_persistence import estimator_writer

        write = estimator_writer(estimator)
    _write_atomically(path, write)


def _regressor_writer(estimator):
    """What writes a fitted ``LSTMRegressor`` into a ``ZipFile``: its two members."""
    document = json.dumps(_describe(estimator), allow_nan=False, indent=1)
    network = network_to_bytes(estimator.model_)

    def write(archive):
        archive.writestr(_ESTIMATOR_FILE, document)
        archive.writestr(_NETWORK_FILE, network)

    return write


def _write_atomically(path, write):
    """A zip archive filled by ``write(archive)`` at ``path``, replacing it in one step."""
    path = os.fspath(path)
    if os.path.islink(path):  # replace the file the link points to, keep the link
        path = os.path.realpath(path)
    folder = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(
        folder, f".{os.path.basename(path)}.{os.urandom(8).hex()}.tmp"
    )
    try:  # a file replaced keeps its permissions
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    # O_EXCL: never write through an existing file or link; 0o666 honours the
    # umask; O_BINARY (Windows only) keeps bytes as they are.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temporary, flags, 0o666 if mode is None else mode & 0o666)
    try:
        if mode is not None:  # exactly, whatever the umask (before any byte is written)
            os.chmod(temporary, mode)
        with os.fdopen(descriptor, "wb") as file:
            with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                write(archive)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def load_model(path, *, trusted=None):
    """Load an :class:`LSTMRegressor`, or an estimator made of one, written by :func:`save_model`.

    The file is treated as hostile. Nothing in it is executed; the JSON part
    is checked value by value; the network's config must be exactly the one
    sklstm builds from the stored parameters, and its weights exactly as many
    float32 numbers, before Keras loads it with ``safe_mode=True``. What is
    read is bounded by those parameters, so a crafted file is refused in
    bounded time and memory.

    Parameters
    ----------
    path : str or os.PathLike
        A file written by :func:`save_model`.
    trusted : list of type or str, default=None
        For a composite estimator, types to load beyond those sklstm trusts
        (its own estimators, the pandas labels they keep, and the
        scikit-learn types skops trusts), as types or as the
        ``"module.Name"`` strings a refused file's message lists. Give only
        types you have read and whose source you trust. ``LSTMRegressor``
        is not accepted here: its networks are always checked.

    Returns
    -------
    estimator : LSTMRegressor or scikit-learn estimator
        The fitted estimator; it predicts exactly as the saved one did.

    Raises
    ------
    ValueError
        If the file is not one written by :func:`save_model` (a damaged or
        crafted archive, a member larger than its parameters allow, a
        network other than the one they describe), comes from an unknown
        format version, or holds an unknown key or a value of the wrong type
        or out of range; or if a composite estimator's file holds types
        neither sklstm nor ``trusted`` trusts: the message names them.
    TypeError
        If ``trusted`` is not a list of types or strings.
    FileNotFoundError
        If there is no file at ``path``.

    See Also
    --------
    save_model : Write such a file.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklstm import LSTMRegressor, load_model, save_model
    >>> X = np.random.RandomState(0).uniform(size=(32, 3, 1))
    >>> model = LSTMRegressor(units=4, max_iter=2, random_state=0).fit(X, X.sum(axis=(1, 2)))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "model.sklstm")
    ...     save_model(model, path)
    ...     loaded = load_model(path)
    >>> loaded.get_params()["units"], loaded.n_features_in_
    (4, 1)
    """
    from ._pipeline_persistence import is_estimator_archive, load_estimator, trusted_names

    trusted = trusted_names(trusted)  # a bad argument fails before the file is read
    path = os.fspath(path)
    with open(path, "rb") as file:  # a missing file stays FileNotFoundError
        if is_estimator_archive(file, f"{path!s} is not a file written by sklstm.save_model"):
            return load_estimator(file, path, trusted)
        return _load_regressor(file, path)


def _load_regressor(file, path):
    """The ``LSTMRegressor`` in ``file``, a bare regressor's archive, checked step by step.

    ``path`` names the file in messages.
    """
    what = f"{path!s} is not a file written by sklstm.save_model"
    with _open_zip(file, [_ESTIMATOR_FILE, _NETWORK_FILE], what) as archive:
        document = _parse_json(
            _read_member(archive, _ESTIMATOR_FILE, _MAX_DOCUMENT_BYTES, what),
            f"{path!s}: {_ESTIMATOR_FILE}",
        )
        estimator = _rebuild(document)
        architecture = _architecture(estimator)
        n_weights = _count_weights(**architecture)
        config_limit, weights_limit = _network_limits(architecture, n_weights)
        network = _read_member(
            archive, _NETWORK_FILE,
            config_limit + weights_limit + _MAX_METADATA_BYTES + 2**16, what,
        )
    what = f"{path!s}: {_NETWORK_FILE} is not a network written by sklstm"
    with _open_zip(io.BytesIO(network), [_CONFIG_FILE, _METADATA_FILE, _WEIGHTS_FILE], what) as inner:
        config = _parse_json(_read_member(inner, _CONFIG_FILE, config_limit, what),
                             f"{path!s}: {_NETWORK_FILE}/{_CONFIG_FILE}")
        metadata = _parse_json(_read_member(inner, _METADATA_FILE, _MAX_METADATA_BYTES, what),
                               f"{path!s}: {_NETWORK_FILE}/{_METADATA_FILE}")
        if not isinstance(metadata, dict):
            raise ValueError(f"{what}: its {_METADATA_FILE} is not a JSON object.")
        expected = _check_config(config, architecture, f"{path!s}: {_NETWORK_FILE}")
        weights = _read_member(inner, _WEIGHTS_FILE, weights_limit, what)
    _check_weights(weights, n_weights, f"{path!s}: {_NETWORK_FILE}/{_WEIGHTS_FILE}")
    try:
        model = keras_backend().network_from_bytes(network)
    except Exception as error:  # checked above; what Keras still refuses is a bad file
        raise ValueError(
            f"{path!s}: Keras could not load {_NETWORK_FILE}, so the file is damaged: "
            f"{type(error).__name__}: {error}"
        ) from error
    # The check above lets module paths inside Keras differ (Keras moves its
    # classes between versions); the network Keras built must be made of the
    # very classes build_model uses, which its own config names exactly.
    expected = _normalised(expected, "the expected config", exact_modules=True)
    loaded = _normalised(json.loads(json.dumps(keras_backend().network_config(model))),
                         "the loaded network", exact_modules=True)
    if loaded != expected:
        where, ours, theirs = _difference(expected, loaded, "config")
        raise ValueError(
            f"{path!s}: {_NETWORK_FILE} describes a network that sklstm never builds: "
            f"Keras built {theirs!r:.120} at {where}, sklstm builds {ours!r:.120}."
        )
    estimator.model_ = model
    return estimator


# The network as .keras bytes ------------------------------------------------


def network_to_bytes(model):
    """``model`` in Keras's ``.keras`` format: what :func:`save_model` stores
    and what a pickled :class:`LSTMRegressor` carries."""
    return keras_backend().network_to_bytes(model)


def trusted_network_from_bytes(data):
    """The network in ``.keras`` bytes from a trusted source, unchecked.

    For unpickling, which runs code from the pickle anyway; :func:`load_model`
    checks a file before it loads the network.
    """
    return keras_backend().network_from_bytes(data)


# Writing ------------------------------------------------------------------


def _describe(estimator):
    """The JSON document for ``estimator``, every value a plain JSON type."""
    fitted = {
        "n_features_in_": int(estimator.n_features_in_),
        "n_outputs_": int(estimator.n_outputs_),
        "y_ndim": int(estimator._y_ndim),
        "history_": {
            str(key): [float(value) for value in values]
            for key, values in estimator._history().items()
        },
        "target_scaler_": _describe_scaler(estimator.target_scaler_),
    }
    quantiles = getattr(estimator, "quantiles_", None)
    fitted["quantiles_"] = None if quantiles is None else [float(q) for q in quantiles]
    for name in _INPUT_SCALING:
        value = getattr(estimator, name, None)
        fitted[name] = None if value is None else [float(v) for v in value]
    if hasattr(estimator, "feature_names_in_"):
        fitted["feature_names_in_"] = [str(name) for name in estimator.feature_names_in_]
    params = set(estimator._get_param_names())
    extra = {}
    for name, value in vars(estimator).items():
        if name in params or name in _KNOWN_FITTED or name.startswith("_"):
            continue
        try:
            extra[name] = _plain(value)
        except TypeError:
            raise TypeError(
                f"save_model cannot store the fitted attribute {name} of type "
                f"{type(value).__name__}; only numbers, strings, booleans, None and "
                "lists of numbers are stored."
            ) from None
    fitted["extra"] = extra
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "params": _describe_params(estimator),
        "fitted": fitted,
    }


def _describe_params(estimator):
    """An ``LSTMRegressor``'s ``get_params(deep=False)`` as plain JSON values."""
    return {
        name: _describe_param(name, value)
        for name, value in estimator.get_params(deep=False).items()
    }


def _describe_scaler(scaler):
    if scaler is None:
        return None
    return {
        "mean_": [float(v) for v in scaler.mean_],
        "var_": [float(v) for v in scaler.var_],
        "scale_": [float(v) for v in scaler.scale_],
        # the sum of the sample weights when fitted with them
        "n_samples_seen_": _plain(scaler.n_samples_seen_.item()),
    }


def _describe_param(name, value):
    if isinstance(value, np.random.RandomState):
        kind, key, pos, has_gauss, cached_gaussian = value.get_state(legacy=True)
        return {
            "RandomState": {
                "key": [int(k) for k in key],
                "pos": int(pos),
                "has_gauss": int(has_gauss),
                "cached_gaussian": float(cached_gaussian),
            }
        }
    try:
        return _plain(value)
    except TypeError:
        raise TypeError(
            f"save_model cannot store the parameter {name}={value!r}; only numbers, "
            "strings, booleans, None, lists/tuples of numbers and RandomState "
            "instances are stored."
        ) from None


def _plain(value):
    """``value`` as a JSON scalar, or a list of JSON numbers; TypeError otherwise."""
    if value is None or isinstance(value, (bool, np.bool_)):
        return None if value is None else bool(value)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and all(
        isinstance(v, Real) and not isinstance(v, (bool, np.bool_)) for v in value
    ):
        return [int(v) if isinstance(v, Integral) else float(v) for v in value]
    raise TypeError(type(value).__name__)


def _sync_folder(folder):
    """Flush the rename to disk (POSIX); a no-op where folders cannot be opened."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# Reading ------------------------------------------------------------------


def _open_zip(file, members, what):
    """``file`` as a ``ZipFile`` holding exactly ``members``; ValueError otherwise.

    The end record is checked before ``zipfile`` reads the directory, so a
    directory of millions of entries is never parsed.
    """
    archive = _open_bounded_zip(file, 4 * len(members), f"the members {members}", what)
    names = archive.namelist()
    if sorted(names) != sorted(members):
        archive.close()
        raise ValueError(f"{what}: expected the members {members}, found {sorted(names)}.")
    return archive


def _open_bounded_zip(file, max_entries, expected, what):
    """``file`` as a ``ZipFile`` whose end record names at most ``max_entries`` entries."""
    file.seek(0, os.SEEK_END)
    size = file.tell()
    if size < 22:
        raise ValueError(f"{what}: it is not a zip archive.")
    file.seek(size - 22)
    signature, _, _, _, n_entries, _, _, comment = struct.unpack(
        "<4s4H2LH", file.read(22)
    )
    file.seek(0)
    if signature != b"PK\x05\x06" or comment or n_entries > max_entries:
        raise ValueError(
            f"{what}: it is not a zip archive of {expected} "
            f"(the archive's end record names {n_entries} entries, or a comment)."
        )
    try:
        archive = zipfile.ZipFile(file)
        archive.namelist()
    except _ZIP_ERRORS as error:
        raise ValueError(f"{what}: it is not a valid zip archive ({error}).") from None
    return archive


def _read_member(archive, name, limit, what):
    """The bytes of member ``name``, refusing more than ``limit`` before inflating.

    The size in the zip directory is checked first, then the member is read
    with ``limit + 1`` as a cap, so a member that inflates beyond what it
    declares is never read whole either.
    """
    info = archive.getinfo(name)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ValueError(
            f"{what}: {name} uses compression method {info.compress_type}; save_model "
            "writes stored or deflated members only."
        )
    if info.flag_bits & 0x1:
        raise ValueError(f"{what}: {name} is encrypted.")
    expanding = info.file_size > _MAX_EXPANSION * max(info.compress_size, 1)
    if info.file_size > limit or (info.file_size > _BOMB_FLOOR_BYTES and expanding):
        raise ValueError(
            f"{what}: {name} inflates to {info.file_size} bytes from {info.compress_size}; "
            f"at most {limit} bytes (and {_MAX_EXPANSION}x above {_BOMB_FLOOR_BYTES}) are "
            "read for the parameters the file stores."
        )
    try:
        with archive.open(info) as member:
            data = member.read(limit + 1)
    except _ZIP_ERRORS as error:
        raise ValueError(f"{what}: {name} is damaged ({type(error).__name__}: {error}).") from None
    if len(data) > limit:
        raise ValueError(f"{what}: {name} holds more than {limit} bytes.")
    return data


def _parse_json(data, what, max_depth=_MAX_JSON_DEPTH):
    """JSON with finite numbers, int64 integers, unique keys and at most ``max_depth`` levels."""
    try:
        value = json.loads(
            data.decode("utf-8"),
            parse_constant=_reject_constant,
            parse_int=_parse_int,
            parse_float=_parse_float,
            object_pairs_hook=_unique_keys,
        )
    except RecursionError:
        raise ValueError(f"{what} is not valid JSON: it is nested too deeply.") from None
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError and the hooks'
        raise ValueError(f"{what} is not valid JSON: {error}.") from None
    todo = [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if depth > max_depth:
            raise ValueError(f"{what} is nested more than {max_depth} deep.")
        if isinstance(item, dict):
            todo.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            todo.extend((v, depth + 1) for v in item)
    return value


def _reject_constant(name):
    raise ValueError(f"it holds {name}, which is not a valid value")


def _parse_int(text):
    if len(text.lstrip("-")) > _MAX_INT_DIGITS or not -(2**63) <= int(text) < 2**63:
        raise ValueError(f"the integer {text[:24]}{'...' if len(text) > 24 else ''} is too large")
    return int(text)


def _parse_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:24]} is out of range")
    return value


def _unique_keys(pairs):
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise ValueError("an object has a key twice")
    return mapping


def _architecture(estimator):
    """The ``build_model`` arguments (but the seed) of ``estimator``'s network, within limits."""
    units = (estimator.units,) if _is_int(estimator.units) else estimator.units
    if not (isinstance(units, tuple) and units and all(_is_int(u) and u >= 1 for u in units)):
        _fail("params['units']", "a positive int or a non-empty list of positive ints",
              estimator.units)
    if len(units) > _MAX_LAYERS:
        _fail("params['units']", f"at most {_MAX_LAYERS} layers", list(units))
    architecture = dict(
        n_features=estimator.n_features_in_, units=units,
        n_outputs=estimator.n_outputs_ * (
            1 if estimator.quantiles_ is None else len(estimator.quantiles_)
        ),
        dropout=estimator.dropout, recurrent_dropout=estimator.recurrent_dropout,
        cell=estimator.cell,  # checked by _rebuild: "lstm" or "gru"
    )
    n_weights = _count_weights(**architecture)
    if n_weights > _MAX_WEIGHTS:
        raise ValueError(
            f"{_ESTIMATOR_FILE}: its parameters describe a network of {n_weights} weights; "
            f"load_model reads networks of at most {_MAX_WEIGHTS}."
        )
    return architecture


def _count_weights(*, n_features, n_outputs, units, dropout, recurrent_dropout, cell="lstm"):
    """The number of weights of ``build_model``'s network.

    An LSTM layer has four gates, each with an input kernel, a recurrent
    kernel and a bias. A GRU layer has three, and Keras's default
    ``reset_after=True`` gives each gate two biases (input and recurrent).
    """
    count, width = 0, n_features
    for n_units in units:
        if cell == "gru":
            count += 3 * n_units * (width + n_units + 2)
        else:
            count += 4 * n_units * (width + n_units + 1)
        width = n_units
    return count + n_outputs * (width + 1)


def _network_limits(architecture, n_weights):
    """The most bytes the config and the weights of this network may take."""
    n_layers = len(architecture["units"])
    return (
        _CONFIG_BYTES[0] + _CONFIG_BYTES[1] * n_layers,
        4 * n_weights + _WEIGHTS_OVERHEAD_BYTES[0] + _WEIGHTS_OVERHEAD_BYTES[1] * n_layers,
    )


def _check_config(config, architecture, what):
    """Refuse a network config other than the one ``build_model`` gives ``architecture``.

    The whole config is compared, after renaming the layers by position and
    dropping their seeds: a layer more or less, another setting
    (``go_backwards``, ``use_bias``, an activation), another width or another
    wiring is refused before Keras builds anything. Returns the expected
    config that matched.
    """
    found = _normalised(config, what)
    first = None
    for expected in keras_backend().network_configs(**architecture):
        expected = json.loads(json.dumps(expected))  # JSON types, as in the file
        normal = _normalised(expected, "the expected config")
        if found == normal:
            return expected
        if first is None:
            first = normal
    where, ours, theirs = _difference(first, found, "config")
    raise ValueError(
        f"{what} describes a network that sklstm never builds from the parameters "
        f"stored with it: at {where} the file has {theirs!r:.120}, sklstm builds "
        f"{ours!r:.120}."
    )


def _normalised(config, what, exact_modules=False):
    """``config`` with layer names replaced by positions, seeds and object ids dropped.

    Strings that name a layer become ``("layer", index)``, which no JSON value
    can equal; ``module`` keeps its package only (Keras moves its classes
    between modules across versions) unless ``exact_modules``.
    """
    try:
        layers = config["config"]["layers"]
        names = [layer["name"] for layer in layers] + [config["config"]["name"]]
    except (TypeError, KeyError):
        raise ValueError(f"{what}: its config is not a Keras functional model.") from None
    if not all(isinstance(n, str) for n in names) or len(set(names)) != len(names):
        raise ValueError(f"{what}: its config's layer names are not distinct strings.")
    rename = {name: ("layer", index) for index, name in enumerate(names)}

    def normal(value):
        if isinstance(value, str):
            return rename.get(value, value)
        if isinstance(value, list):
            return [normal(v) for v in value]
        if not isinstance(value, dict):
            return (type(value).__name__, value)  # true is not 1, 1 is not 1.0
        module = value.get("module")
        out = {}
        for key, item in value.items():
            if key == "seed":
                if item is not None and not (_is_int(item) and 0 <= item < 2**32):
                    raise ValueError(f"{what}: a seed must be null or an int in [0, 2**32).")
                continue
            if key == "shared_object_id" and module == "keras.initializers":
                continue  # ids of objects shared while saving; for weights loaded after
            if key == "module" and isinstance(item, str) and not exact_modules:
                item = item.split(".")[0]
            out[key] = normal(item)
        return out

    return normal(config)


def _difference(expected, found, where):
    """The first place where two normalised configs differ: ``(where, expected, found)``."""
    if isinstance(expected, dict) and isinstance(found, dict):
        for key in sorted(set(expected) | set(found), key=str):
            if key not in found:
                return f"{where}[{key!r}]", expected[key], "nothing"
            if key not in expected:
                return f"{where}[{key!r}]", "nothing", found[key]
            if expected[key] != found[key]:
                return _difference(expected[key], found[key], f"{where}[{key!r}]")
    if isinstance(expected, list) and isinstance(found, list):
        for index, (ours, theirs) in enumerate(zip(expected, found)):
            if ours != theirs:
                return _difference(ours, theirs, f"{where}[{index}]")
        if len(expected) != len(found):
            return f"len({where})", len(expected), len(found)
    return where, _plain_config(expected), _plain_config(found)


def _plain_config(value):
    """A normalised value as the file spells it, for messages."""
    if isinstance(value, tuple):
        return f"<layer {value[1]}>" if value[0] == "layer" else value[1]
    if isinstance(value, list):
        return [_plain_config(v) for v in value]
    if isinstance(value, dict):
        return {key: _plain_config(v) for key, v in value.items()}
    return value


def _check_weights(data, n_weights, what):
    """Refuse weights other than ``n_weights`` float32 numbers in plain HDF5 datasets.

    Keras reads each array whole before it checks its shape, so an array
    declared with a billion entries (which an HDF5 file of a few bytes can
    do) is refused here, without reading any array.
    """
    import h5py  # a Keras dependency; only the file's layout is read here

    try:
        with h5py.File(io.BytesIO(data), "r") as file:
            found = _count_hdf5_floats(h5py, file, 0, what)
    except (OSError, KeyError, RuntimeError, TypeError, ValueError) as error:
        raise ValueError(f"{what} is not a valid weights file: {error}") from None
    if found != n_weights:
        raise ValueError(
            f"{what} holds {found} weights; the network the file's parameters describe "
            f"has {n_weights}."
        )


def _count_hdf5_floats(h5py, group, depth, what):
    if depth > _MAX_HDF5_DEPTH:
        raise ValueError(f"groups nested more than {_MAX_HDF5_DEPTH} deep")
    count = 0
    for name in group:
        if not isinstance(group.get(name, getlink=True), h5py.HardLink):
            raise ValueError(f"{group.name}/{name} is a link to elsewhere")
        item = group[name]
        if isinstance(item, h5py.Group):
            count += _count_hdf5_floats(h5py, item, depth + 1, what)
        elif isinstance(item, h5py.Dataset):
            if (item.shape is None or item.dtype.kind != "f" or item.dtype.itemsize != 4
                    or item.external or item.is_virtual):
                raise ValueError(f"{item.name} is not a plain float32 array")
            count += math.prod(item.shape)
        else:
            raise ValueError(f"{group.name}/{name} is neither a group nor an array")
    return count


def _fail(what, expected, value):
    raise ValueError(
        f"{_ESTIMATOR_FILE}: {what} must be {expected}; got {type(value).__name__} {value!r:.80}."
    )


def _keys(what, mapping, required, optional=()):
    if not isinstance(mapping, dict):
        _fail(what, "an object", mapping)
    unknown = set(mapping) - set(required) - set(optional)
    missing = set(required) - set(mapping)
    if unknown or missing:
        problems = [f"unknown keys {sorted(unknown)}"] if unknown else []
        problems += [f"no {sorted(missing)}"] if missing else []
        raise ValueError(
            f"{_ESTIMATOR_FILE}: {what} has {' and '.join(problems)}; the file was not "
            "written by save_model of this version of sklstm."
        )


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _int(what, value, low=None, high=None):
    if not _is_int(value) or (low is not None and value < low) or (high is not None and value > high):
        bounds = f" in [{low}, {high}]" if high is not None else f" >= {low}" if low is not None else ""
        _fail(what, f"an int{bounds}", value)
    return value


def _numbers(what, value, length=None):
    if not isinstance(value, list) or not all(_is_number(v) for v in value):
        _fail(what, "a list of finite numbers", value)
    if length is not None and len(value) != length:
        _fail(what, f"a list of {length} numbers", value)
    return value


def _rebuild(document):
    """An ``LSTMRegressor`` with the document's params and fitted attributes, no network."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{_ESTIMATOR_FILE} does not describe a sklstm LSTMRegressor.")
    version = document.get("format_version")
    if not (_is_int(version) and version == FORMAT_VERSION):  # true and 1.0 are not 1
        raise ValueError(
            f"{_ESTIMATOR_FILE} has format_version {version!r}; this version of sklstm "
            f"reads format_version {FORMAT_VERSION} only. Load it with the sklstm "
            "version that saved it."
        )
    _keys("the document", document, ["format", "format_version", "params", "fitted"])

    estimator = _rebuild_params(document["params"])
    known = LSTMRegressor._get_param_names()

    fitted = document["fitted"]
    _keys(
        "fitted",
        fitted,
        ["n_features_in_", "n_outputs_", "y_ndim", "history_", "target_scaler_", "extra"],
        # no input scaling or quantiles in older files
        ["feature_names_in_", *_INPUT_SCALING, "quantiles_"],
    )
    estimator.n_features_in_ = _int("n_features_in_", fitted["n_features_in_"], 1)
    estimator.n_outputs_ = _int("n_outputs_", fitted["n_outputs_"], 1)
    estimator._y_ndim = _int("y_ndim", fitted["y_ndim"], 1, 2)
    if estimator._y_ndim == 1 and estimator.n_outputs_ != 1:
        _fail("n_outputs_ of a 1-D target", "1", estimator.n_outputs_)
    if "feature_names_in_" in fitted:
        names = fitted["feature_names_in_"]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            _fail("feature_names_in_", "a list of strings", names)
        if len(names) != estimator.n_features_in_:
            _fail("feature_names_in_", f"a list of {estimator.n_features_in_} names", names)
        estimator.feature_names_in_ = np.asarray(names, dtype=object)
    history = fitted["history_"]
    if not isinstance(history, dict):
        _fail("history_", "an object", history)
    if "loss" not in history:
        _fail("history_", 'an object with a "loss" list', history)
    estimator._set_curves({
        key: list(_numbers(f"history_[{key!r}]", values)) for key, values in history.items()
    })
    estimator.target_scaler_ = _rebuild_scaler(fitted["target_scaler_"], estimator.n_outputs_)
    # The quantiles fitted are those the (checked) parameters give, exactly.
    quantiles = fitted.get("quantiles_")
    if quantiles is not None:
        quantiles = _numbers("quantiles_", quantiles)
    try:
        expected = estimator._quantile_levels()
    except ValueError as error:
        raise ValueError(f"{_ESTIMATOR_FILE}: params: {error}") from None
    if (expected is None) != (quantiles is None) or (
        expected is not None and expected.tolist() != quantiles
    ):
        _fail("quantiles_", "the levels that params['loss'] and params['quantiles'] give",
              quantiles)
    estimator.quantiles_ = expected
    scaling = [fitted.get(name) for name in _INPUT_SCALING]
    if (scaling[0] is None) != (scaling[1] is None):
        _fail("input_mean_ and input_scale_", "both numbers or both null", scaling)
    for name, value in zip(_INPUT_SCALING, scaling):
        if value is not None:
            # float32, as fit computes them: predictions come out bit-identical
            value = np.asarray(_numbers(name, value, estimator.n_features_in_), dtype=np.float32)
            if name == "input_scale_" and not (value > 0).all():
                _fail(name, "positive numbers", value.tolist())
        setattr(estimator, name, value)
    extra = fitted["extra"]
    if not isinstance(extra, dict):
        _fail("extra", "an object", extra)
    for name, value in extra.items():
        if not _EXTRA_NAME.match(name) or name in _KNOWN_FITTED or name in known:
            _fail("the name of an extra fitted attribute", "a lower-case name ending in _", name)
        if not (value is None or isinstance(value, (bool, int, str)) or _is_number(value)):
            _numbers(f"extra[{name!r}]", value)
        setattr(estimator, name, value)
    return estimator


def _rebuild_params(params):
    """An unfitted ``LSTMRegressor`` with the stored ``params``, checked as fit checks them."""
    known = LSTMRegressor._get_param_names()
    _keys("params", params, [], known)  # a parameter missing from an older file keeps its default
    params = _renamed_params(params)
    estimator = LSTMRegressor(
        **{name: _rebuild_param(name, value) for name, value in params.items()}
    )
    estimator._validate_params()  # the values' ranges, as fit checks them
    return estimator


def _renamed_params(params):
    """``params`` with the names and loss strings of older files replaced by today's."""
    params = dict(params)
    for old, new in _RENAMED_PARAMS.items():
        if new not in params and params.get(old, "deprecated") != "deprecated":
            params[new] = params.pop(old)
    if params.get("loss") in DEPRECATED_LOSSES:
        params["loss"] = DEPRECATED_LOSSES[params["loss"]]
    return params


def _rebuild_param(name, value):
    if isinstance(value, dict):  # the only object form: a RandomState
        _keys(f"params[{name!r}]", value, ["RandomState"])
        state = value["RandomState"]
        _keys(f"params[{name!r}]['RandomState']", state,
              ["key", "pos", "has_gauss", "cached_gaussian"])
        key = state["key"]
        if not (isinstance(key, list) and len(key) == 624
                and all(_is_int(k) and 0 <= k < 2**32 for k in key)):
            _fail(f"params[{name!r}] key", "a list of 624 uint32", key)
        random_state = np.random.RandomState()
        random_state.set_state((
            "MT19937",
            np.asarray(key, dtype=np.uint32),
            _int(f"params[{name!r}] pos", state["pos"], 0, 624),
            _int(f"params[{name!r}] has_gauss", state["has_gauss"], 0, 1),
            _numbers(f"params[{name!r}] cached_gaussian", [state["cached_gaussian"]])[0],
        ))
        return random_state
    if isinstance(value, list):
        return tuple(_numbers(f"params[{name!r}]", value))
    if value is None or isinstance(value, (bool, int, str)) or _is_number(value):
        return value
    _fail(f"params[{name!r}]", "a number, string, boolean, null or list", value)


def _rebuild_scaler(state, n_outputs):
    if state is None:
        return None
    from sklearn.preprocessing import StandardScaler

    _keys("target_scaler_", state, ["mean_", "var_", "scale_", "n_samples_seen_"])
    scaler = StandardScaler()
    for name in ("mean_", "var_", "scale_"):
        setattr(scaler, name, np.asarray(
            _numbers(f"target_scaler_.{name}", state[name], n_outputs), dtype=np.float64
        ))
    if not (scaler.scale_ > 0).all():
        _fail("target_scaler_.scale_", "positive", state["scale_"])
    seen = state["n_samples_seen_"]
    if _is_int(seen):
        scaler.n_samples_seen_ = np.int64(_int("target_scaler_.n_samples_seen_", seen, 1))
    elif _is_number(seen) and seen > 0:  # a sum of sample weights
        scaler.n_samples_seen_ = np.float64(seen)
    else:
        _fail("target_scaler_.n_samples_seen_", "a positive number", seen)
    scaler.n_features_in_ = n_outputs
    return scaler
