"""Save a fitted :class:`~sklstm.LSTMRegressor` to one file, and load it, without pickle.

The file is a zip archive of two members:

``estimator.json``
    The format version, the estimator's parameters and its fitted attributes
    other than the network (``n_features_in_``, ``feature_names_in_``,
    ``n_outputs_``, the target scaler's statistics, ``history_``, whether
    ``y`` was 1-D), as plain JSON.
``model.keras``
    The network in Keras's native ``.keras`` format, loaded with
    ``safe_mode=True`` after its config is checked to hold only what sklstm
    builds.

Loading therefore never unpickles anything: every value read is checked for
its type before it is used, and unknown keys or format versions are refused.
Saving writes a temporary file beside the target, flushes it to disk, and
renames it over the target in one step, so an interrupted save leaves the
previous file as it was.
"""

import contextlib
import json
import math
import os
import re
import zipfile
from numbers import Integral, Real

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._lazy import keras_backend
from ._regressor import LSTMRegressor

FORMAT = "sklstm.LSTMRegressor"
FORMAT_VERSION = 1
_ESTIMATOR_FILE = "estimator.json"
_NETWORK_FILE = "model.keras"

# Fitted attributes with their own JSON form; any other public fitted
# attribute (``name_``) must be a plain scalar or a list of numbers.
_KNOWN_FITTED = {
    "model_", "n_features_in_", "feature_names_in_", "n_outputs_", "target_scaler_", "history_",
}
_EXTRA_NAME = re.compile(r"[a-z][a-z0-9_]*_\Z")



def save_model(estimator, path):
    """Save a fitted :class:`LSTMRegressor` to ``path`` without pickle.

    The file holds the network in Keras's ``.keras`` format and everything
    else as JSON; :func:`load_model` reads it back without running code from
    the file, so it can be shared. The write is atomic: the file at ``path``
    is either the previous one or the complete new one, never a mix.

    Parameters
    ----------
    estimator : LSTMRegressor
        A fitted regressor.
    path : str or os.PathLike
        Where to write the file; an existing file is replaced.

    Raises
    ------
    TypeError
        If ``estimator`` is not an ``LSTMRegressor``, or one of its parameters
        or fitted attributes has no JSON form.
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
    >>> model = LSTMRegressor(units=4, epochs=2, random_state=0).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "model.sklstm")
    ...     save_model(model, path)
    ...     loaded = load_model(path)
    >>> bool((loaded.predict(X) == model.predict(X)).all())
    True
    """
    if type(estimator) is not LSTMRegressor:
        raise TypeError(
            "save_model saves a fitted LSTMRegressor; got "
            f"{type(estimator).__name__}. For a Pipeline or another estimator, use "
            "joblib.dump (and load such files only from sources you trust)."
        )
    check_is_fitted(estimator)
    document = json.dumps(_describe(estimator), allow_nan=False, indent=1)
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(
        folder, f".{os.path.basename(path)}.{os.urandom(8).hex()}.tmp"
    )
    # O_EXCL: never write through an existing file or link; 0o666 honours the
    # umask; O_BINARY (Windows only) keeps bytes as they are.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temporary, flags, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as file:
            with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(_ESTIMATOR_FILE, document)
                archive.writestr(_NETWORK_FILE, keras_backend().network_to_bytes(estimator.model_))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def load_model(path):
    """Load an :class:`LSTMRegressor` written by :func:`save_model`.

    Nothing in the file is executed: the JSON part is checked value by value,
    and the network is loaded by Keras with ``safe_mode=True`` after its
    config is checked to hold only the layers sklstm builds.

    Parameters
    ----------
    path : str or os.PathLike
        A file written by :func:`save_model`.

    Returns
    -------
    estimator : LSTMRegressor
        The fitted regressor; it predicts exactly as the saved one did.

    Raises
    ------
    ValueError
        If the file is not one written by :func:`save_model`, comes from an
        unknown format version, or holds an unknown key or a value of the
        wrong type.

    See Also
    --------
    save_model : Write such a file.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklstm import LSTMRegressor, load_model, save_model
    >>> X = np.random.RandomState(0).uniform(size=(32, 3, 1))
    >>> model = LSTMRegressor(units=4, epochs=2, random_state=0).fit(X, X.sum(axis=(1, 2)))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "model.sklstm")
    ...     save_model(model, path)
    ...     loaded = load_model(path)
    >>> loaded.get_params()["units"], loaded.n_features_in_
    (4, 1)
    """
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ValueError(f"{path!s} is not a file written by sklstm.save_model.") from None
    with archive:
        names = sorted(archive.namelist())
        if names != sorted([_ESTIMATOR_FILE, _NETWORK_FILE]):
            raise ValueError(
                f"{path!s} is not a file written by sklstm.save_model: expected the "
                f"members {[_ESTIMATOR_FILE, _NETWORK_FILE]}, found {names}."
            )
        try:
            document = json.loads(
                archive.read(_ESTIMATOR_FILE).decode("utf-8"),
                parse_constant=_reject_constant,
            )
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"{path!s}: {_ESTIMATOR_FILE} is not valid JSON: {error}.") from None
        estimator = _rebuild(document)
        model = keras_backend().network_from_bytes(archive.read(_NETWORK_FILE))
    shape = (model.input_shape[-1], model.output_shape[-1])
    if shape != (estimator.n_features_in_, estimator.n_outputs_):
        raise ValueError(
            f"{path!s}: the network reads {shape[0]} feature(s) and writes {shape[1]} "
            f"output(s), but {_ESTIMATOR_FILE} says {estimator.n_features_in_} and "
            f"{estimator.n_outputs_}."
        )
    estimator.model_ = model
    return estimator


# Writing ------------------------------------------------------------------


def _describe(estimator):
    """The JSON document for ``estimator``, every value a plain JSON type."""
    fitted = {
        "n_features_in_": int(estimator.n_features_in_),
        "n_outputs_": int(estimator.n_outputs_),
        "y_ndim": int(estimator._y_ndim),
        "history_": {
            str(key): [float(value) for value in values]
            for key, values in estimator.history_.items()
        },
        "target_scaler_": _describe_scaler(estimator.target_scaler_),
    }
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
        "params": {
            name: _describe_param(name, value)
            for name, value in estimator.get_params(deep=False).items()
        },
        "fitted": fitted,
    }


def _describe_scaler(scaler):
    if scaler is None:
        return None
    return {
        "mean_": [float(v) for v in scaler.mean_],
        "var_": [float(v) for v in scaler.var_],
        "scale_": [float(v) for v in scaler.scale_],
        "n_samples_seen_": int(scaler.n_samples_seen_),
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


def _reject_constant(name):
    raise ValueError(f"{_ESTIMATOR_FILE} holds {name}, which is not a valid value.")


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
    if version != FORMAT_VERSION:
        raise ValueError(
            f"{_ESTIMATOR_FILE} has format_version {version!r}; this version of sklstm "
            f"reads format_version {FORMAT_VERSION} only. Load it with the sklstm "
            "version that saved it."
        )
    _keys("the document", document, ["format", "format_version", "params", "fitted"])

    params = document["params"]
    known = LSTMRegressor._get_param_names()
    _keys("params", params, [], known)  # a parameter missing from an older file keeps its default
    estimator = LSTMRegressor(
        **{name: _rebuild_param(name, value) for name, value in params.items()}
    )
    estimator._validate_params()  # the values' ranges, as fit checks them

    fitted = document["fitted"]
    _keys(
        "fitted",
        fitted,
        ["n_features_in_", "n_outputs_", "y_ndim", "history_", "target_scaler_", "extra"],
        ["feature_names_in_"],
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
    estimator.history_ = {
        key: list(_numbers(f"history_[{key!r}]", values)) for key, values in history.items()
    }
    estimator.target_scaler_ = _rebuild_scaler(fitted["target_scaler_"], estimator.n_outputs_)
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
    scaler.n_samples_seen_ = np.int64(_int("target_scaler_.n_samples_seen_",
                                            state["n_samples_seen_"], 1))
    scaler.n_features_in_ = n_outputs
    return scaler
