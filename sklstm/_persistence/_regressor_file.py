"""The file of a bare :class:`~sklstm.LSTMRegressor`: ``estimator.json`` and ``model.keras``.

A zip archive of two members:

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

:func:`load_regressor` treats the file as hostile and refuses it with a
``ValueError`` at the first step that fails, before doing the work of the
next one:

1. the zip directories (outer and inner): exactly the members save_model
   writes, stored or deflated, each with a declared size within a limit;
   members are read with that limit as a cap (:mod:`._archive`);
2. ``estimator.json``: bounded JSON (no NaN, no huge integers, no deep
   nesting), every value checked for its type and range;
3. the stored parameters against sane limits (layers, units, weights), which
   give the limits for the network's members;
4. the network's ``config.json`` against the config
   :func:`~sklstm._neural._keras.build_model` gives for the stored parameters
   (:func:`sklstm._neural._format.check_config`);
5. the weights (HDF5): only float32 arrays, reached by plain links, exactly
   as many numbers as the architecture has weights;
6. only then Keras, with ``safe_mode=True``.

:func:`regressor_writer` runs steps 2 to 4 on what it is about to write, so
that a model whose parameters were changed after ``fit`` is refused when it
is saved, not when it is loaded.
"""

import io
import json
import math
import re
from numbers import Integral, Real

import numpy as np

from .._neural._format import (
    CONFIG_FILE,
    METADATA_FILE,
    NETWORK_MEMBERS,
    WEIGHTS_FILE,
    check_config,
    check_weights,
    checked_network_from_bytes,
    count_weights,
    network_config,
    network_to_bytes,
)
from .._neural._regressor import DEPRECATED_LOSSES, LSTMRegressor
from ._archive import open_zip, parse_json, read_member

FORMAT = "sklstm.LSTMRegressor"
FORMAT_VERSION = 1
ESTIMATOR_FILE = "estimator.json"
NETWORK_FILE = "model.keras"

# Fitted attributes with their own JSON form; any other public fitted
# attribute (``name_``) must be a plain scalar or a list of numbers.
_KNOWN_FITTED = {
    "model_",
    "n_features_in_",
    "feature_names_in_",
    "n_outputs_",
    "target_scaler_",
    "history_",
    "input_mean_",
    "input_scale_",
    "quantiles_",
    # stored as "history_" (the loss curves' dict), rebuilt from it
    "loss_curve_",
    "validation_scores_",
    "best_loss_",
    "best_validation_score_",
}
# Parameters of files from sklstm 0.1, under the names that replaced them.
_RENAMED_PARAMS = {"epochs": "max_iter", "learning_rate": "learning_rate_init"}
# The input scaling (``scale_inputs``): one number per feature, or None.
_INPUT_SCALING = ("input_mean_", "input_scale_")
_EXTRA_NAME = re.compile(r"[a-z][a-z0-9_]*_\Z")

# What load_regressor reads at most. A network's members are bounded by what the
# stored parameters imply: the weights are 4 bytes a weight plus HDF5's
# bookkeeping; the config a few KiB a layer.
MAX_DOCUMENT_BYTES = 4 * 2**20  # estimator.json: ~100k epochs of loss curves
MAX_METADATA_BYTES = 2**12
CONFIG_BYTES = (2**16, 2**14)  # base, per LSTM layer (one is ~2 KiB)
WEIGHTS_OVERHEAD_BYTES = (2**16, 2**14)  # base, per LSTM layer (measured ~4 KiB)
MAX_LAYERS = 32
MAX_WEIGHTS = 2**24  # 64 MiB of float32
# The largest file of this format load_regressor reads.
MAX_FILE_BYTES = (
    MAX_DOCUMENT_BYTES
    + MAX_METADATA_BYTES
    + 2**17
    + CONFIG_BYTES[0]
    + CONFIG_BYTES[1] * MAX_LAYERS
    + 4 * MAX_WEIGHTS
    + WEIGHTS_OVERHEAD_BYTES[0]
    + WEIGHTS_OVERHEAD_BYTES[1] * MAX_LAYERS
)


def regressor_writer(estimator, index_of=None):
    """What writes a fitted ``LSTMRegressor`` into a ``ZipFile``: its two members.

    Raises before anything is written if the file would be refused by
    :func:`load_regressor`: when the parameters no longer describe the fitted
    network (``set_params(units=...)``, ``cell``, ``dropout``, ``quantiles``
    after ``fit``).
    """
    described = _describe(estimator, index_of)
    document = json.dumps(described, allow_nan=False, indent=1)
    try:  # what load_regressor checks before Keras, on what is about to be written
        architecture = _architecture(_rebuild(json.loads(document), []))
        check_config(network_config(estimator.model_), architecture, "its network")
    except ValueError as error:
        raise ValueError(
            "save_model refuses to write a file that load_model would refuse: the "
            "regressor's parameters no longer describe its fitted network (were they "
            "changed with set_params after fit?). Refit it, or set the parameters back "
            f"to those it was fitted with. The check found: {error}"
        ) from None
    network = network_to_bytes(estimator.model_)

    def write(archive):
        archive.writestr(ESTIMATOR_FILE, document)
        archive.writestr(NETWORK_FILE, network)

    return write


def load_regressor(file, path, references=None):
    """The ``LSTMRegressor`` in ``file``, a bare regressor's archive, checked step by step.

    ``path`` names the file in messages. ``references``: a list, in a
    composite file, to which the index of the regressor its ``init`` names
    is appended (``init`` is left None for the caller to set); None refuses
    an ``init``.
    """
    what = f"{path!s} is not a file written by sklstm.save_model"
    with open_zip(file, [ESTIMATOR_FILE, NETWORK_FILE], what) as archive:
        document = parse_json(
            read_member(archive, ESTIMATOR_FILE, MAX_DOCUMENT_BYTES, what),
            f"{path!s}: {ESTIMATOR_FILE}",
        )
        estimator = _rebuild(document, references)
        architecture = _architecture(estimator)
        n_weights = count_weights(**architecture)
        config_limit, weights_limit = _network_limits(architecture, n_weights)
        network = read_member(
            archive,
            NETWORK_FILE,
            config_limit + weights_limit + MAX_METADATA_BYTES + 2**16,
            what,
        )
    what = f"{path!s}: {NETWORK_FILE} is not a network written by sklstm"
    with open_zip(io.BytesIO(network), list(NETWORK_MEMBERS), what) as inner:
        config = parse_json(
            read_member(inner, CONFIG_FILE, config_limit, what),
            f"{path!s}: {NETWORK_FILE}/{CONFIG_FILE}",
        )
        metadata = parse_json(
            read_member(inner, METADATA_FILE, MAX_METADATA_BYTES, what),
            f"{path!s}: {NETWORK_FILE}/{METADATA_FILE}",
        )
        if not isinstance(metadata, dict):
            raise ValueError(f"{what}: its {METADATA_FILE} is not a JSON object.")
        expected = check_config(config, architecture, f"{path!s}: {NETWORK_FILE}")
        weights = read_member(inner, WEIGHTS_FILE, weights_limit, what)
    check_weights(weights, n_weights, f"{path!s}: {NETWORK_FILE}/{WEIGHTS_FILE}")
    estimator.model_ = checked_network_from_bytes(network, expected, f"{path!s}: {NETWORK_FILE}")
    return estimator


# Writing ------------------------------------------------------------------


def _describe(estimator, index_of=None):
    """The JSON document for ``estimator``, every value a plain JSON type
    (``index_of``: see :func:`describe_params`)."""
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
        "params": describe_params(estimator, index_of),
        "fitted": fitted,
    }


def describe_params(estimator, index_of=None):
    """An ``LSTMRegressor``'s ``get_params(deep=False)`` as plain JSON values.

    Its ``init`` (a fitted regressor to start from) is stored by a composite
    file as a regressor of its own: the parameter is ``{"regressor": i}``,
    ``i = index_of(init)``.
    """
    params = estimator.get_params(deep=False)
    init = params.pop("init", None)
    described = {name: _describe_param(name, value) for name, value in params.items()}
    if init is None:
        described["init"] = None
    elif index_of is None:
        raise TypeError(  # save_model stores such a regressor in a composite file
            "A file of one regressor cannot hold its init; save it with save_model."
        )
    else:
        described["init"] = {"regressor": index_of(init)}
    return described


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


# Reading ------------------------------------------------------------------


def _architecture(estimator):
    """The ``build_model`` arguments (but the seed) of ``estimator``'s network, within limits."""
    units, what = estimator.units, "params['units']"
    if isinstance(units, str) and units == "auto":  # what fit chose, an extra attribute
        units, what = getattr(estimator, "units_", None), "extra['units_'] (units='auto')"
        units = tuple(units) if isinstance(units, list) else units
    units = (units,) if is_int(units) else units
    if not (isinstance(units, tuple) and units and all(is_int(u) and u >= 1 for u in units)):
        _fail(what, "a positive int or a non-empty list of positive ints", units)
    if len(units) > MAX_LAYERS:
        _fail(what, f"at most {MAX_LAYERS} layers", list(units))
    architecture = dict(
        n_features=estimator.n_features_in_,
        units=units,
        n_outputs=estimator.n_outputs_
        * (1 if estimator.quantiles_ is None else len(estimator.quantiles_)),
        dropout=estimator.dropout,
        recurrent_dropout=estimator.recurrent_dropout,
        cell=estimator.cell,  # checked by _rebuild: "lstm" or "gru"
    )
    n_weights = count_weights(**architecture)
    if n_weights > MAX_WEIGHTS:
        raise ValueError(
            f"{ESTIMATOR_FILE}: its parameters describe a network of {n_weights} weights; "
            f"load_model reads networks of at most {MAX_WEIGHTS}."
        )
    recorded = getattr(estimator, "units_", None)  # files of older versions have none
    if recorded is not None and (
        not isinstance(recorded, (list, tuple)) or tuple(recorded) != tuple(units)
    ):
        _fail("extra['units_']", f"the layers {list(units)} the parameters give", recorded)
    return architecture


def _network_limits(architecture, n_weights):
    """The most bytes the config and the weights of this network may take."""
    n_layers = len(architecture["units"])
    return (
        CONFIG_BYTES[0] + CONFIG_BYTES[1] * n_layers,
        4 * n_weights + WEIGHTS_OVERHEAD_BYTES[0] + WEIGHTS_OVERHEAD_BYTES[1] * n_layers,
    )


def _fail(what, expected, value):
    raise ValueError(
        f"{ESTIMATOR_FILE}: {what} must be {expected}; got {type(value).__name__} {value!r:.80}."
    )


def check_keys(what, mapping, required, optional=()):
    if not isinstance(mapping, dict):
        _fail(what, "an object", mapping)
    unknown = set(mapping) - set(required) - set(optional)
    missing = set(required) - set(mapping)
    if unknown or missing:
        problems = [f"unknown keys {sorted(unknown)}"] if unknown else []
        problems += [f"no {sorted(missing)}"] if missing else []
        raise ValueError(
            f"{ESTIMATOR_FILE}: {what} has {' and '.join(problems)}; the file was not "
            "written by save_model of this version of sklstm."
        )


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _int(what, value, low=None, high=None):
    if (
        not is_int(value)
        or (low is not None and value < low)
        or (high is not None and value > high)
    ):
        bounds = (
            f" in [{low}, {high}]" if high is not None else f" >= {low}" if low is not None else ""
        )
        _fail(what, f"an int{bounds}", value)
    return value


def _numbers(what, value, length=None):
    if not isinstance(value, list) or not all(_is_number(v) for v in value):
        _fail(what, "a list of finite numbers", value)
    if length is not None and len(value) != length:
        _fail(what, f"a list of {length} numbers", value)
    return value


def _rebuild(document, references=None):
    """An ``LSTMRegressor`` with the document's params and fitted attributes, no
    network (``references``: see :func:`load_regressor`)."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{ESTIMATOR_FILE} does not describe a sklstm LSTMRegressor.")
    version = document.get("format_version")
    if not (is_int(version) and version == FORMAT_VERSION):  # true and 1.0 are not 1
        raise ValueError(
            f"{ESTIMATOR_FILE} has format_version {version!r}; this version of sklstm "
            f"reads format_version {FORMAT_VERSION} only. Load it with the sklstm "
            "version that saved it."
        )
    check_keys("the document", document, ["format", "format_version", "params", "fitted"])

    estimator = rebuild_params(document["params"], references)
    known = LSTMRegressor._get_param_names()

    fitted = document["fitted"]
    check_keys(
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
    estimator._set_curves(
        {key: list(_numbers(f"history_[{key!r}]", values)) for key, values in history.items()}
    )
    estimator.target_scaler_ = _rebuild_scaler(fitted["target_scaler_"], estimator.n_outputs_)
    # The quantiles fitted are those the (checked) parameters give, exactly.
    quantiles = fitted.get("quantiles_")
    if quantiles is not None:
        quantiles = _numbers("quantiles_", quantiles)
    try:
        expected = estimator._quantile_levels()
    except ValueError as error:
        raise ValueError(f"{ESTIMATOR_FILE}: params: {error}") from None
    if (expected is None) != (quantiles is None) or (
        expected is not None and expected.tolist() != quantiles
    ):
        _fail(
            "quantiles_", "the levels that params['loss'] and params['quantiles'] give", quantiles
        )
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
    if isinstance(getattr(estimator, "units_", None), list):  # JSON has no tuples
        estimator.units_ = tuple(estimator.units_)
    return estimator


def rebuild_params(params, references=None):
    """An unfitted ``LSTMRegressor`` with the stored ``params``, checked as fit
    checks them; ``init`` None (``references``: see :func:`load_regressor`)."""
    known = LSTMRegressor._get_param_names()
    # a parameter missing from an older file keeps its default
    check_keys("params", params, [], known)
    params = _renamed_params(params)
    init = params.pop("init", None)
    if init is not None:
        if references is None:
            _fail("params['init']", "null (a file of one regressor holds no other)", init)
        check_keys("params['init']", init, ["regressor"])
        references.append(_int("params['init']['regressor']", init["regressor"], 0, 2**20))
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
        check_keys(f"params[{name!r}]", value, ["RandomState"])
        state = value["RandomState"]
        check_keys(
            f"params[{name!r}]['RandomState']",
            state,
            ["key", "pos", "has_gauss", "cached_gaussian"],
        )
        key = state["key"]
        if not (
            isinstance(key, list)
            and len(key) == 624
            and all(is_int(k) and 0 <= k < 2**32 for k in key)
        ):
            _fail(f"params[{name!r}] key", "a list of 624 uint32", key)
        random_state = np.random.RandomState()
        random_state.set_state(
            (
                "MT19937",
                np.asarray(key, dtype=np.uint32),
                _int(f"params[{name!r}] pos", state["pos"], 0, 624),
                _int(f"params[{name!r}] has_gauss", state["has_gauss"], 0, 1),
                _numbers(f"params[{name!r}] cached_gaussian", [state["cached_gaussian"]])[0],
            )
        )
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

    check_keys("target_scaler_", state, ["mean_", "var_", "scale_", "n_samples_seen_"])
    scaler = StandardScaler()
    for name in ("mean_", "var_", "scale_"):
        setattr(
            scaler,
            name,
            np.asarray(
                _numbers(f"target_scaler_.{name}", state[name], n_outputs), dtype=np.float64
            ),
        )
    if not (scaler.scale_ > 0).all():
        _fail("target_scaler_.scale_", "positive", state["scale_"])
    seen = state["n_samples_seen_"]
    if is_int(seen):
        scaler.n_samples_seen_ = np.int64(_int("target_scaler_.n_samples_seen_", seen, 1))
    elif _is_number(seen) and seen > 0:  # a sum of sample weights
        scaler.n_samples_seen_ = np.float64(seen)
    else:
        _fail("target_scaler_.n_samples_seen_", "a positive number", seen)
    scaler.n_features_in_ = n_outputs
    return scaler
