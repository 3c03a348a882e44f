"""Save and load any fitted estimator made of scikit-learn and sklstm parts, without pickle.

:func:`~sklstm.save_model` and :func:`~sklstm.load_model` come here for
anything but a bare :class:`~sklstm.LSTMRegressor` (a ``Pipeline``, a
``ChangeRegressor``, ``make_lstm_forecaster``'s output, ``average_seeds``'s
ensemble). The file is a zip archive of:

``format.json``
    The format, its version and how many regressors the file holds.
``estimator.skops``
    The estimator in skops's format (``skops.io``), each ``LSTMRegressor`` in
    it replaced by a :class:`NetworkSlot` that holds its index.
``regressors/<i>.sklstm``
    A fitted ``LSTMRegressor``, as a complete file of the bare format
    (``estimator.json`` and ``model.keras``), read by the same checks as a
    file that holds one regressor only.
``regressors/<i>.json``
    An unfitted ``LSTMRegressor`` (the template a meta-estimator clones): its
    parameters, checked as the bare format checks them.

Loading refuses a file, with a ``ValueError``, at the first step that fails:
the outer directory (names, count, declared sizes, compression ratios), the
bounded ``format.json``, then the skops archive (its members, sizes and
ratios checked and read with caps, its ``schema.json`` parsed with bounded
nesting, every ``.npy`` header's shape matching its bytes), then the types it
names against an explicit allow-list (plus what the caller trusts), then
skops itself, then each regressor through the bare format's checks. The
``LSTMRegressor`` type is never trusted inside the skops part: its network
could only come in unchecked there.
"""

import copy
import io
import json
import re
import zipfile

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from . import _persistence as _bare
from ._neural._regressor import LSTMRegressor

FORMAT = "sklstm.Estimator"
FORMAT_VERSION = 1
_FORMAT_FILE = "format.json"
_SKOPS_FILE = "estimator.skops"
_FITTED_MEMBER = "regressors/{}.sklstm"
_UNFITTED_MEMBER = "regressors/{}.json"
_MEMBER_NAME = re.compile(r"regressors/(0|[1-9][0-9]{0,5})\.(sklstm|json)\Z")

_MAX_REGRESSORS = 64  # average_seeds of a few dozen seeds, each with its template
_MAX_FORMAT_BYTES = 2**12
_MAX_PARAMS_BYTES = 2**16  # an unfitted regressor's parameters (a RandomState is ~10 KiB)
# A fitted regressor's file: its estimator.json and the largest network the
# bare format reads.
_MAX_REGRESSOR_BYTES = (
    _bare._MAX_DOCUMENT_BYTES + _bare._MAX_METADATA_BYTES + 2**17
    + _bare._CONFIG_BYTES[0] + _bare._CONFIG_BYTES[1] * _bare._MAX_LAYERS
    + 4 * _bare._MAX_WEIGHTS
    + _bare._WEIGHTS_OVERHEAD_BYTES[0] + _bare._WEIGHTS_OVERHEAD_BYTES[1] * _bare._MAX_LAYERS
)
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


class NetworkSlot:
    """Where an ``LSTMRegressor`` was in a saved estimator: ``index`` in ``regressors/``.

    Part of the file format (skops stores it by its module and name).
    """

    def __init__(self, index):
        self.index = index


class TimeLabel:
    """A ``pandas.Timestamp`` or ``Timedelta`` as text, which skops cannot store itself.

    Part of the file format: fitted sklstm transformers keep the label of the
    row after the training data (``LagFeaturizer.next_index_``); skops
    rebuilds a ``Timestamp`` without its value.
    """

    _TEXT = re.compile(r"[0-9A-Za-z:+. -]{1,48}\Z")
    _ZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}\Z")

    def __init__(self, kind, text, unit, zone):
        self.kind, self.text, self.unit, self.zone = kind, text, unit, zone

    @classmethod
    def of(cls, value):
        import pandas as pd

        if isinstance(value, pd.Timestamp):
            tz = value.tz
            zone = getattr(tz, "key", None) or getattr(tz, "zone", None)
            return cls("Timestamp", value.isoformat(), value.unit, zone)
        return cls("Timedelta", value.isoformat(), value.unit, None)

    def value(self, what):
        """The label, its fields checked first (they come from the file)."""
        import pandas as pd

        fields = vars(self)
        if not (set(fields) == {"kind", "text", "unit", "zone"}
                and fields["kind"] in ("Timestamp", "Timedelta")
                and isinstance(self.text, str) and self._TEXT.match(self.text)
                and self.unit in ("s", "ms", "us", "ns")
                and (self.zone is None or (isinstance(self.zone, str) and len(self.zone) < 64
                                           and self._ZONE.match(self.zone)))):
            raise ValueError(f"{what} holds a time label that sklstm never writes.")
        try:
            if self.kind == "Timedelta":
                return pd.Timedelta(self.text).as_unit(self.unit)
            value = pd.Timestamp(self.text).as_unit(self.unit)
            return value if self.zone is None else value.tz_convert(self.zone)
        except Exception as error:  # pandas's parsers raise several kinds
            raise ValueError(f"{what} holds a bad time label {self.text!r}: {error}") from None


def default_trusted_types():
    """The types, beyond skops's own defaults, that :func:`~sklstm.load_model` trusts.

    The public sklstm transformers and meta-estimators (not ``LSTMRegressor``,
    whose networks are checked apart), :class:`NetworkSlot`, :class:`TimeLabel`,
    the pandas labels that fitted sklstm transformers keep (``Period``, the
    date offsets), the scikit-learn types fitted compositions hold that skops
    does not trust by default, and the scorers (with their metric functions)
    of scikit-learn's named ``scoring`` strings, which a fitted search keeps.
    """
    import pandas as pd
    from sklearn.metrics import get_scorer, get_scorer_names
    from sklearn.model_selection import KFold, TimeSeriesSplit
    from sklearn.utils import Bunch

    from ._forecasting._change import ChangeRegressor
    from ._forecasting._ensemble import SeedEnsemble
    from ._model_selection._split import PanelSplit
    from ._preprocessing._calendar import CalendarFeatures
    from ._preprocessing._lag import LagFeaturizer
    from ._preprocessing._relative import RelativeWindows
    from ._preprocessing._reshape import SequenceReshaper

    offsets = [
        getattr(pd.offsets, name) for name in dir(pd.offsets)
        if isinstance(getattr(pd.offsets, name), type)
        and issubclass(getattr(pd.offsets, name), pd.offsets.BaseOffset)
    ]
    names = set()
    for name in get_scorer_names():  # a search's scorer_: the scorer and its metric
        scorer = get_scorer(name)
        function = getattr(scorer, "_score_func", None)
        names.add(_type_name(type(scorer)))
        if function is not None and getattr(function, "__module__", "").startswith("sklearn."):
            names.add(f"{function.__module__}.{function.__name__}")
    types = [
        ChangeRegressor, CalendarFeatures, LagFeaturizer, RelativeWindows, SequenceReshaper,
        SeedEnsemble, PanelSplit, NetworkSlot, TimeLabel, pd.Period, *offsets,
        Bunch, TimeSeriesSplit, KFold,
    ]
    return sorted(names | {_type_name(t) for t in types})


def _type_name(cls):
    """A type's name as skops writes it: ``module.Name``."""
    return f"{cls.__module__}.{cls.__name__}"


_REGRESSOR_NAME = _type_name(LSTMRegressor)
# What _find_parts replaces; skops must never meet one.
_FOUND_TYPES = {
    _REGRESSOR_NAME, "pandas._libs.tslibs.timestamps.Timestamp",
    "pandas._libs.tslibs.timedeltas.Timedelta",
}


def trusted_names(trusted):
    """The names of the types the caller trusts: ``trusted`` checked, as strings."""
    if trusted is None:
        return []
    if isinstance(trusted, (str, bytes, bool)) or not hasattr(trusted, "__iter__"):
        raise TypeError(
            "trusted must be a list of types or of 'module.Name' strings (as the "
            f"message of a refused file names them); got {trusted!r:.80}."
        )
    names = []
    for item in trusted:
        if isinstance(item, type):
            names.append(_type_name(item))
        elif isinstance(item, str):
            names.append(item)
        else:
            raise TypeError(
                f"trusted must hold types or 'module.Name' strings; got {item!r:.80}."
            )
    if _REGRESSOR_NAME in names:
        raise ValueError(
            f"{_REGRESSOR_NAME} cannot be trusted: load_model checks every "
            "LSTMRegressor's network itself, and needs no trust for it."
        )
    return names


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
    for index, regressor in enumerate(regressors):
        if hasattr(regressor, "model_"):
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as inner:
                _bare._regressor_writer(regressor)(inner)
            members[_FITTED_MEMBER.format(index)] = buffer.getvalue()
        else:
            document = {"params": _bare._describe_params(regressor)}
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
    with _bare._open_bounded_zip(file, 4 * (2 + 2 * _MAX_REGRESSORS), "sklstm's members",
                                 what) as archive:
        names = archive.namelist()
    file.seek(0)
    return _FORMAT_FILE in names


def load_estimator(file, path, trusted):
    """The estimator in ``file``; ``trusted``: names of the types the caller trusts too."""
    what = f"{path!s} is not a file written by sklstm.save_model"
    with _bare._open_bounded_zip(file, 2 + 2 * _MAX_REGRESSORS, "sklstm's members",
                                 what) as archive:
        kinds = _check_directory(archive, what)
        document = _bare._parse_json(
            _bare._read_member(archive, _FORMAT_FILE, _MAX_FORMAT_BYTES, what),
            f"{path!s}: {_FORMAT_FILE}",
        )
        _check_format(document, len(kinds), path)
        data = _bare._read_member(archive, _SKOPS_FILE, _MAX_SKOPS_BYTES, what)
        estimator, slots, labels = _load_skops(data, trusted, f"{path!s}: {_SKOPS_FILE}")
        if sorted(slots) != list(range(len(kinds))):
            raise ValueError(
                f"{path!s}: {_SKOPS_FILE} refers to the regressors {sorted(slots)}; the "
                f"file holds {len(kinds)}."
            )
        regressors = {}
        for index, fitted in enumerate(kinds):
            if fitted:
                name = _FITTED_MEMBER.format(index)
                content = _bare._read_member(archive, name, _MAX_REGRESSOR_BYTES, what)
                regressors[index] = _bare._load_regressor(
                    io.BytesIO(content), f"{path!s}: {name}"
                )
            else:
                name = _UNFITTED_MEMBER.format(index)
                params = _bare._parse_json(
                    _bare._read_member(archive, name, _MAX_PARAMS_BYTES, what),
                    f"{path!s}: {name}",
                )
                _bare._keys(name, params, ["params"])
                regressors[index] = _bare._rebuild_params(params["params"])
    memo = {id(slot): regressors[slot.index] for slot in slots.values()}
    memo.update({id(label): label.value(f"{path!s}: {_SKOPS_FILE}") for label in labels})
    memo[id(memo)] = [*slots.values(), *labels]
    return copy.deepcopy(estimator, memo)


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
    if not (_bare._is_int(version) and version == FORMAT_VERSION):
        raise ValueError(
            f"{what} has format_version {version!r:.40}; this version of sklstm reads "
            f"format_version {FORMAT_VERSION} only. Load it with the sklstm version that "
            "saved it."
        )
    if set(document) != {"format", "format_version", "regressors"}:
        raise ValueError(f"{what} has the keys {sorted(document)}; expected format, "
                         "format_version and regressors.")
    if document["regressors"] != n_regressors or not _bare._is_int(document["regressors"]):
        raise ValueError(
            f"{what} declares {document['regressors']!r:.40} regressors; the file holds "
            f"{n_regressors}."
        )


def _load_skops(data, trusted, what):
    """The skops part, checked then loaded: ``(estimator, {index: NetworkSlot}, [TimeLabel])``."""
    _check_skops_archive(data, what)
    import skops.io

    try:
        found = skops.io.get_untrusted_types(data=data)
    except Exception as error:  # skops reads the schema: what it refuses is a bad file
        raise ValueError(f"{what} is damaged: {type(error).__name__}: {error}") from None
    allowed = set(default_trusted_types()) | set(trusted)
    refused = sorted(name for name in found if name not in allowed)
    if _REGRESSOR_NAME in refused:
        raise ValueError(
            f"{what} holds an LSTMRegressor itself, not as a network slot: save_model "
            "never writes that, and its network would load unchecked."
        )
    if refused:
        raise ValueError(
            f"{what} holds types that load_model does not trust: {refused}. If you "
            "trust the file's source and these types, pass them as "
            "load_model(path, trusted=[...])."
        )
    try:
        estimator = skops.io.loads(data, trusted=sorted(allowed & set(found)))
    except Exception as error:
        raise ValueError(
            f"{what} could not be loaded, so the file is damaged: "
            f"{type(error).__name__}: {error}"
        ) from None
    slots, labels = {}, []
    todo, seen = [estimator], set()
    while todo:  # the slots where the regressors go, wherever deepcopy would reach
        value = todo.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, NetworkSlot):
            if not (isinstance(vars(value), dict) and set(vars(value)) == {"index"}
                    and _bare._is_int(value.index) and 0 <= value.index < _MAX_REGRESSORS):
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

    Its members are listed, sized and read here with caps, its schema parsed
    with bounded nesting, and every array's header must declare exactly the
    bytes that follow it; only then does skops read it.
    """
    with _bare._open_bounded_zip(io.BytesIO(data), _MAX_SKOPS_MEMBERS, "skops's members",
                                 what) as archive:
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
            content = _bare._read_member(archive, info.filename, info.file_size, what)
            if info.filename == "schema.json":
                # every object or array opens with a bracket byte (strings may add more)
                containers = content.count(b"{") + content.count(b"[")
                if containers > _MAX_SCHEMA_CONTAINERS:
                    raise ValueError(
                        f"{what}: its schema.json has {containers} brackets; at most "
                        f"{_MAX_SCHEMA_CONTAINERS} objects and arrays are read."
                    )
                _bare._parse_json(content, f"{what}: schema.json", _MAX_SKOPS_DEPTH)
            elif info.filename.endswith(".npy"):
                _check_npy(content, f"{what}: {info.filename}")


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
