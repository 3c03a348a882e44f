"""Composite estimators (a ``Pipeline``, a meta-estimator holding regressors) as one file.

:func:`~sklstm.save_model` and :func:`~sklstm.load_model` come here for
anything but a bare :class:`~sklstm.LSTMRegressor` (a ``Pipeline``, a
``ChangeRegressor``, ``make_lstm_forecaster``'s output, ``average_seeds``'s
ensemble). The file is a zip archive of:

``format.json``
    The format, its version and how many regressors the file holds.
``estimator.skops``
    The estimator in skops's format (``skops.io``), each ``LSTMRegressor`` in
    it replaced by a :class:`~._slots.NetworkSlot` that holds its index.
``regressors/<i>.sklstm``
    A fitted ``LSTMRegressor``, as a complete file of the bare format
    (:mod:`._regressor_file`), read by the same checks as a file that holds
    one regressor only.
``regressors/<i>.json``
    An unfitted ``LSTMRegressor`` (the template a meta-estimator clones): its
    parameters, checked as the bare format checks them.

Loading refuses a file, with a ``ValueError``, at the first step that fails:
the outer directory (names, count, declared sizes, compression ratios), the
bounded ``format.json``, then the skops archive (its members, sizes and
ratios checked and each read once with a cap, its ``schema.json`` parsed with
bounded nesting and audited by :func:`~._trust.audit_schema`, every ``.npy``
header's shape matching its bytes), then the types it names against the
allow-list of :mod:`._trust` (plus what the caller trusts), then skops
itself, then each regressor through the bare format's checks.
"""

import copy
import io
import json
import re
import zipfile

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .._neural._regressor import LSTMRegressor
from . import _regressor_file as _bare
from ._archive import open_bounded_zip, parse_json, read_member
from ._slots import NetworkSlot, TimeLabel
from ._trust import audit_schema, check_types, type_name

FORMAT = "sklstm.Estimator"
FORMAT_VERSION = 1
_FORMAT_FILE = "format.json"
_SKOPS_FILE = "estimator.skops"
_FITTED_MEMBER = "regressors/{}.sklstm"
_UNFITTED_MEMBER = "regressors/{}.json"
_MEMBER_NAME = re.compile(r"regressors/(0|[1-9][0-9]{0,5})\.(sklstm|json)\Z")

_MAX_REGRESSORS = 64  # average_seeds of a few dozen seeds, each with its template
_MAX_MEMBERS = 2 + 2 * _MAX_REGRESSORS
_MAX_FORMAT_BYTES = 2**12
_MAX_PARAMS_BYTES = 2**16  # an unfitted regressor's parameters (a RandomState is ~10 KiB)
_MAX_TOTAL_BYTES = 2**28  # all members together, inflated
# The skops part: scalers, lag windows and the like, not the networks.
_MAX_SKOPS_BYTES = 2**26  # all its members together, inflated
# average_seeds of 5 make_lstm_forecaster seeds writes a schema of 1.5 MB,
# 4155 JSON objects and 651 arrays (3888 skops nodes). Parsed JSON of tiny
# objects takes ~45 times its bytes, and skops ~5 KiB a node: the objects and
# arrays are capped too, counted by their opening brackets before parsing.
_MAX_SCHEMA_BYTES = 2**22
_MAX_SCHEMA_CONTAINERS = 2**14
_MAX_SKOPS_MEMBERS = 2**12
_MAX_SKOPS_DEPTH = 200  # make_lstm_forecaster's output nests 20 deep, average_seeds's 25
_SKOPS_MEMBER_NAME = re.compile(r"(schema\.json|[0-9A-Za-z_-]{1,64}\.(npy|bin))\Z")

_REGRESSOR_NAME = type_name(LSTMRegressor)
# What _find_parts replaces; skops must never meet one.
_FOUND_TYPES = {
    _REGRESSOR_NAME,
    "pandas._libs.tslibs.timestamps.Timestamp",
    "pandas._libs.tslibs.timedeltas.Timedelta",
    "pandas.Timestamp",
    "pandas.Timedelta",
}


# Writing ------------------------------------------------------------------


def estimator_writer(estimator):
    """What writes ``estimator`` into a ``ZipFile``; raises before anything is written."""
    if not isinstance(estimator, BaseEstimator):
        raise TypeError(
            "save_model saves fitted scikit-learn estimators made of scikit-learn and "
            f"sklstm parts; got {type(estimator).__name__}."
        )
    check_is_fitted(estimator)
    regressors, labels = _find_parts(estimator)
    if len(regressors) > _MAX_REGRESSORS:
        raise ValueError(
            f"save_model stores at most {_MAX_REGRESSORS} LSTMRegressors in one file; "
            f"this estimator holds {len(regressors)}."
        )
    members = {}
    positions = {id(regressor): index for index, regressor in enumerate(regressors)}

    def index_of(regressor):  # an init: the index of the regressor it is
        return positions[id(regressor)]

    for index, regressor in enumerate(regressors):
        _check_init(regressor)
        if hasattr(regressor, "model_"):
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as inner:
                _bare.regressor_writer(regressor, index_of)(inner)
            members[_FITTED_MEMBER.format(index)] = buffer.getvalue()
        else:
            document = {"params": _bare.describe_params(regressor, index_of)}
            members[_UNFITTED_MEMBER.format(index)] = json.dumps(document, allow_nan=False)

    import skops.io

    # A copy in which each regressor is its slot: the user's estimator is not changed.
    memo = {id(r): NetworkSlot(i) for i, r in enumerate(regressors)}
    memo.update({id(label): TimeLabel.of(label) for label in labels})
    memo[id(memo)] = [*regressors, *labels]  # keeps them alive while copying, as deepcopy does
    data = skops.io.dumps(copy.deepcopy(estimator, memo), compression=zipfile.ZIP_DEFLATED)
    hidden = sorted(set(skops.io.get_untrusted_types(data=data)) & _FOUND_TYPES)
    if hidden:
        raise TypeError(
            "save_model finds LSTMRegressors and pandas Timestamps/Timedeltas in "
            "estimators' attributes and in the lists, tuples, sets, dicts and object "
            "arrays they hold; "
            f"this estimator keeps a {', '.join(hidden)} elsewhere, which could not be "
            "loaded back."
        )
    document = {"format": FORMAT, "format_version": FORMAT_VERSION, "regressors": len(regressors)}

    def write(archive):
        archive.writestr(_FORMAT_FILE, json.dumps(document))
        archive.writestr(_SKOPS_FILE, data, compress_type=zipfile.ZIP_STORED)  # a zip already
        for name, content in members.items():
            archive.writestr(name, content)

    return write


def _check_init(regressor):
    """Refuse to write an ``init`` that :func:`load_estimator` would refuse."""
    init = regressor.init
    if init is None:
        return
    if type(init) is not LSTMRegressor or not hasattr(init, "model_"):
        raise ValueError(
            "save_model stores the init of an LSTMRegressor as a fitted LSTMRegressor; "
            f"this one's init is a {type(init).__name__}"
            f"{'' if hasattr(init, 'model_') else ', unfitted'}."
        )
    if init is regressor or init.init is not None:
        raise ValueError(
            "save_model stores an init without an init of its own (no chains): this "
            "regressor's init is itself or has one. Set the inner init to None."
        )


def _find_parts(root):
    """The ``LSTMRegressor`` instances and the pandas time labels in ``root``, each once.

    Looked for in estimators' attributes (params and fitted state alike) and
    in the lists, tuples, sets, dicts (keys too) and object arrays they hold; in
    a stable order.
    """
    import pandas as pd

    regressors, labels, seen, todo = [], [], set(), [root]
    while todo:
        value = todo.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, LSTMRegressor):
            regressors.append(value)
            if isinstance(value.init, LSTMRegressor):  # stored as a regressor of its own
                todo.append(value.init)
        elif isinstance(value, (pd.Timestamp, pd.Timedelta)) and value is not pd.NaT:
            labels.append(value)
        elif isinstance(value, BaseEstimator):
            todo.extend(reversed(list(vars(value).values())))
        elif isinstance(value, dict):
            todo.extend(reversed([part for item in value.items() for part in item]))
        elif isinstance(value, (list, tuple, set, frozenset)):
            todo.extend(reversed(list(value)))
        elif isinstance(value, np.ndarray) and value.dtype == object:
            todo.extend(reversed(value.ravel().tolist()))
    return regressors, labels


# Reading ------------------------------------------------------------------


def is_estimator_archive(file, what):
    """Whether ``file`` is in this format (else it is a bare regressor's file, or refused)."""
    with open_bounded_zip(file, _MAX_MEMBERS, "sklstm's members", what) as archive:
        names = archive.namelist()
    file.seek(0)
    return _FORMAT_FILE in names


def load_estimator(file, path, trusted):
    """The estimator in ``file``; ``trusted``: names of the types the caller trusts too."""
    what = f"{path!s} is not a file written by sklstm.save_model"
    with open_bounded_zip(file, _MAX_MEMBERS, "sklstm's members", what) as archive:
        kinds = _check_directory(archive, what)
        document = parse_json(
            read_member(archive, _FORMAT_FILE, _MAX_FORMAT_BYTES, what),
            f"{path!s}: {_FORMAT_FILE}",
        )
        _check_format(document, len(kinds), path)
        data = read_member(archive, _SKOPS_FILE, _MAX_SKOPS_BYTES, what)
        estimator, slots, labels = _load_skops(data, trusted, f"{path!s}: {_SKOPS_FILE}")
        if not set(slots) <= set(range(len(kinds))):
            raise ValueError(
                f"{path!s}: {_SKOPS_FILE} refers to the regressors {sorted(slots)}; the "
                f"file holds {len(kinds)}."
            )
        regressors, inits = {}, {}
        for index, fitted in enumerate(kinds):
            references = []
            if fitted:
                name = _FITTED_MEMBER.format(index)
                content = read_member(archive, name, _bare.MAX_FILE_BYTES, what)
                regressors[index] = _bare.load_regressor(
                    io.BytesIO(content), f"{path!s}: {name}", references
                )
            else:
                name = _UNFITTED_MEMBER.format(index)
                params = parse_json(
                    read_member(archive, name, _MAX_PARAMS_BYTES, what),
                    f"{path!s}: {name}",
                )
                _bare.check_keys(name, params, ["params"])
                regressors[index] = _bare.rebuild_params(params["params"], references)
            if references:
                inits[index] = references[0]
        _set_inits(regressors, inits, set(slots), f"{path!s}")
    memo = {id(slot): regressors[slot.index] for slot in slots.values()}
    memo.update({id(label): label.value(f"{path!s}: {_SKOPS_FILE}") for label in labels})
    memo[id(memo)] = [*slots.values(), *labels]
    return copy.deepcopy(estimator, memo)


def _set_inits(regressors, inits, slotted, what):
    """Give each regressor the ``init`` its parameters name (``inits``: index
    to index), after checking that it is another, fitted regressor without an
    init of its own (so no chain or cycle), and that every regressor is used."""
    for index, target in inits.items():
        if target == index or target not in regressors or target in inits:
            raise ValueError(
                f"{what}: regressor {index}'s init names regressor {target}; it must be "
                "another regressor of the file, without an init of its own."
            )
        if not hasattr(regressors[target], "model_"):
            raise ValueError(f"{what}: regressor {index}'s init, {target}, is not fitted.")
        regressors[index].init = regressors[target]
    unused = set(regressors) - slotted - set(inits.values())
    if unused:
        raise ValueError(f"{what}: the regressors {sorted(unused)} are not used.")


def _check_directory(archive, what):
    """The outer members: for each regressor in order, whether it is fitted."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    kinds = {}
    for name in names:
        match = _MEMBER_NAME.match(name)
        if match:
            index = int(match.group(1))
            if index in kinds:
                raise ValueError(f"{what}: regressor {index} is stored twice.")
            kinds[index] = match.group(2) == "sklstm"
        elif name not in (_FORMAT_FILE, _SKOPS_FILE):
            raise ValueError(f"{what}: it holds an unknown member {name!r:.80}.")
    if len(set(names)) != len(names) or _FORMAT_FILE not in names or _SKOPS_FILE not in names:
        raise ValueError(
            f"{what}: expected {_FORMAT_FILE}, {_SKOPS_FILE} and regressors/<i>, each once; "
            f"found {sorted(names)[:8]}."
        )
    if sorted(kinds) != list(range(len(kinds))):
        raise ValueError(f"{what}: the regressors are not numbered 0 to {len(kinds) - 1}.")
    total = sum(info.file_size for info in infos)
    if total > _MAX_TOTAL_BYTES:
        raise ValueError(
            f"{what}: its members inflate to {total} bytes together; at most "
            f"{_MAX_TOTAL_BYTES} are read."
        )
    return [kinds[index] for index in range(len(kinds))]


def _check_format(document, n_regressors, path):
    what = f"{path!s}: {_FORMAT_FILE}"
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{what} does not describe an estimator saved by sklstm.")
    version = document.get("format_version")
    if not (_bare.is_int(version) and version == FORMAT_VERSION):
        raise ValueError(
            f"{what} has format_version {version!r:.40}; this version of sklstm reads "
            f"format_version {FORMAT_VERSION} only. Load it with the sklstm version that "
            "saved it."
        )
    if set(document) != {"format", "format_version", "regressors"}:
        raise ValueError(
            f"{what} has the keys {sorted(document)}; expected format, "
            "format_version and regressors."
        )
    if document["regressors"] != n_regressors or not _bare.is_int(document["regressors"]):
        raise ValueError(
            f"{what} declares {document['regressors']!r:.40} regressors; the file holds "
            f"{n_regressors}."
        )


def _load_skops(data, trusted, what):
    """The skops part, checked then loaded: ``(estimator, {index: NetworkSlot}, [TimeLabel])``."""
    members, schema = _check_skops_archive(data, what)
    if audit_schema(schema, what):  # type names respelled: skops reads the schema as changed
        members["schema.json"] = json.dumps(schema).encode()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            for name, content in members.items():
                archive.writestr(name, content)
        data = buffer.getvalue()
    del members
    import skops.io

    try:
        found = skops.io.get_untrusted_types(data=data)
    except Exception as error:  # skops reads the schema: what it refuses is a bad file
        raise ValueError(f"{what} is damaged: {type(error).__name__}: {error}") from None
    allowed = check_types(found, trusted, what)
    try:
        estimator = skops.io.loads(data, trusted=allowed)
    except Exception as error:
        raise ValueError(
            f"{what} could not be loaded, so the file is damaged: {type(error).__name__}: {error}"
        ) from None
    slots, labels = {}, []
    todo, seen = [estimator], set()
    while todo:  # the slots where the regressors go, wherever deepcopy would reach
        value = todo.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, NetworkSlot):
            if not (
                isinstance(vars(value), dict)
                and set(vars(value)) == {"index"}
                and _bare.is_int(value.index)
                and 0 <= value.index < _MAX_REGRESSORS
            ):
                raise ValueError(f"{what} holds a network slot with a bad index.")
            if value.index in (slot.index for slot in slots.values()):
                raise ValueError(f"{what} refers to regressor {value.index} twice.")
            slots[id(value)] = value
        elif isinstance(value, TimeLabel):
            labels.append(value)
        elif isinstance(value, BaseEstimator):
            todo.extend(vars(value).values())
        elif isinstance(value, dict):
            todo.extend(part for item in value.items() for part in item)
        elif isinstance(value, (list, tuple, set, frozenset)):
            todo.extend(value)
        elif isinstance(value, np.ndarray) and value.dtype == object:
            todo.extend(value.ravel().tolist())
    return estimator, {slot.index: slot for slot in slots.values()}, labels


def _check_skops_archive(data, what):
    """Refuse a skops archive that would take skops unbounded time or memory.

    Its members are listed, sized and each read once here with a cap, its
    schema parsed with bounded nesting, and every array's header must declare
    exactly the bytes that follow it. Returns ``({name: bytes}, schema)``.
    """
    members = {}
    with open_bounded_zip(io.BytesIO(data), _MAX_SKOPS_MEMBERS, "skops's members", what) as archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        bad = [name for name in names if not _SKOPS_MEMBER_NAME.match(name)]
        if bad or "schema.json" not in names or len(set(names)) != len(names):
            raise ValueError(
                f"{what}: not a skops archive of schema.json and .npy/.bin members "
                f"(found {sorted(names)[:6]})."
            )
        budget = _MAX_SKOPS_BYTES
        for info in infos:  # all declared sizes first: nothing inflated yet
            budget -= info.file_size
            if budget < 0:
                raise ValueError(
                    f"{what}: its members inflate to more than {_MAX_SKOPS_BYTES} bytes."
                )
        for info in infos:
            if info.filename == "schema.json" and info.file_size > _MAX_SCHEMA_BYTES:
                raise ValueError(
                    f"{what}: its schema.json inflates to {info.file_size} bytes; at most "
                    f"{_MAX_SCHEMA_BYTES} are read."
                )
            content = members[info.filename] = read_member(
                archive, info.filename, info.file_size, what
            )
            if info.filename == "schema.json":
                # every object or array opens with a bracket byte (strings may add more)
                containers = content.count(b"{") + content.count(b"[")
                if containers > _MAX_SCHEMA_CONTAINERS:
                    raise ValueError(
                        f"{what}: its schema.json has {containers} brackets; at most "
                        f"{_MAX_SCHEMA_CONTAINERS} objects and arrays are read."
                    )
                schema = parse_json(content, f"{what}: schema.json", _MAX_SKOPS_DEPTH)
            elif info.filename.endswith(".npy"):
                _check_npy(content, f"{what}: {info.filename}")
    if not isinstance(schema, dict):
        raise ValueError(f"{what}: its schema.json is not a JSON object.")
    return members, schema


def _check_npy(content, what):
    """Refuse an array whose header's shape and dtype do not match its bytes."""
    from numpy.lib import format as npy

    buffer = io.BytesIO(content)
    try:
        version = npy.read_magic(buffer)
        if version == (1, 0):
            shape, _, dtype = npy.read_array_header_1_0(buffer)
        elif version == (2, 0):
            shape, _, dtype = npy.read_array_header_2_0(buffer)
        else:
            raise ValueError(f"npy format version {version}")
    except Exception as error:  # numpy's header parser raises several kinds
        raise ValueError(f"{what} is not a valid .npy array: {error}") from None
    if dtype.hasobject:
        raise ValueError(f"{what} is an array of Python objects, which skops never writes.")
    expected = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if expected != len(content) - buffer.tell():
        raise ValueError(
            f"{what} declares {expected} bytes of data (shape {shape!r:.60}) but holds "
            f"{len(content) - buffer.tell()}."
        )
