"""What :func:`~sklstm.load_model` trusts in a composite estimator's skops part, and the audit.

skops names each object of a file by a type, ``module.Name``, and builds it
by importing that name; :func:`default_trusted_types` is sklstm's explicit
allow-list beyond skops's own. Before skops reads a schema,
:func:`audit_schema` walks it once and refuses what would make skops work
without bound or run code:

* a node id given to two different objects: skops builds the first and
  hands it out for every later use of the id, and its own audit walks a
  shared node once per use, so ids reused for small stand-ins let a tiny
  file hold an exponential tree. skops itself writes every use of an object
  as a full copy, so the tree it walks is never larger than the schema;
* an array or bytes member named by two objects: skops reads a member once
  per object that names it;
* a function of the allow-list (the metric function of a fitted search's
  scorer) used as anything but a reference to the function: skops calls the
  type of some nodes with arguments from the file;

and it spells every type name as the running versions do
(:func:`canonical_names`): pandas 2 writes ``pandas._libs.tslibs.period.Period``
where pandas 3 writes ``pandas.Period``. A name the caller trusts is checked
for what it is, not how it is spelled: none may name ``LSTMRegressor``,
whose network is checked apart.
"""

import hashlib
import importlib
import json

from .._neural._regressor import LSTMRegressor

# Where pandas defines the labels fitted sklstm transformers keep; pandas 2
# names them by these modules, pandas 3 by ``pandas`` for the public ones.
_PANDAS_MODULES = (
    "pandas",
    "pandas._libs.tslibs.period",
    "pandas._libs.tslibs.offsets",
    "pandas.tseries.offsets",
)
# The modules the composite format's own types had before they moved.
_FORMER_MODULES = {"sklstm._pipeline_persistence": ("NetworkSlot", "TimeLabel")}
_FUNCTION_LOADER = "FunctionNode"


def type_name(cls):
    """A type's name as skops writes it: ``module.Name``."""
    return f"{cls.__module__}.{cls.__name__}"


def default_trusted_types():
    """The names, beyond skops's own defaults, that :func:`~sklstm.load_model` trusts.

    The public sklstm transformers and meta-estimators (not ``LSTMRegressor``,
    whose networks are checked apart), the format's ``NetworkSlot`` and
    ``TimeLabel``, the pandas labels that fitted sklstm transformers keep
    (``Period``, the date offsets), the scikit-learn types fitted
    compositions hold that skops does not trust by default, and the scorers
    of scikit-learn's named ``scoring`` strings, which a fitted search keeps,
    with their metric functions (:func:`trusted_functions`: as references
    only, never called while loading).
    """
    import pandas as pd
    from sklearn.metrics import get_scorer, get_scorer_names
    from sklearn.model_selection import KFold, TimeSeriesSplit
    from sklearn.utils import Bunch

    from .._forecasting._change import ChangeRegressor
    from .._forecasting._ensemble import SeedEnsemble
    from .._forecasting._season import SeasonalChanges, SeasonalIndices
    from .._model_selection._split import PanelSplit
    from .._preprocessing._calendar import CalendarFeatures
    from .._preprocessing._lag import LagFeaturizer
    from .._preprocessing._relative import RelativeWindows
    from .._preprocessing._reshape import SequenceReshaper
    from ._slots import NetworkSlot, TimeLabel

    names = {type_name(type(get_scorer(name))) for name in get_scorer_names()}
    types = [
        ChangeRegressor,
        CalendarFeatures,
        LagFeaturizer,
        RelativeWindows,
        SequenceReshaper,
        SeedEnsemble,
        SeasonalIndices,
        SeasonalChanges,
        PanelSplit,
        NetworkSlot,
        TimeLabel,
        *_pandas_types(pd),
        Bunch,
        TimeSeriesSplit,
        KFold,
    ]
    return sorted(names | {type_name(t) for t in types} | set(trusted_functions()))


def trusted_functions():
    """The functions of the allow-list: the metrics of scikit-learn's named scorers.

    A file may refer to them (a fitted search's ``scorer_`` does), never call
    them: :func:`audit_schema` refuses one named as the type of any node but
    skops's reference to a function.
    """
    from sklearn.metrics import get_scorer, get_scorer_names

    names = set()
    for name in get_scorer_names():
        function = getattr(get_scorer(name), "_score_func", None)
        if function is not None and getattr(function, "__module__", "").startswith("sklearn."):
            names.add(f"{function.__module__}.{function.__name__}")
    return sorted(names)


def _pandas_types(pd):
    return [
        pd.Period,
        *(
            getattr(pd.offsets, name)
            for name in dir(pd.offsets)
            if isinstance(getattr(pd.offsets, name), type)
            and issubclass(getattr(pd.offsets, name), pd.offsets.BaseOffset)
        ),
    ]


def canonical_names():
    """``{name: canonical name}`` for each other spelling of a type the allow-list holds.

    Each spelling is checked to name the very type under the running
    versions (pandas 3 still defines ``pandas._libs.tslibs.period.Period``,
    pandas 2 exports ``pandas.Period``), so a file written under either
    loads under both; and the names the format's own types had before
    sklstm's persistence moved into a subpackage.
    """
    import pandas as pd

    from . import _slots

    renames = {}
    for cls in _pandas_types(pd):
        for module in _PANDAS_MODULES:
            spelling = f"{module}.{cls.__name__}"
            if spelling != type_name(cls) and _resolve(spelling) is cls:
                renames[spelling] = type_name(cls)
    for module, classes in _FORMER_MODULES.items():
        for name in classes:
            renames[f"{module}.{name}"] = type_name(getattr(_slots, name))
    return renames


def _resolve(name):
    """The object ``module.Name`` names, importing the module; None if there is none."""
    module, _, attribute = name.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attribute, None)
    except Exception:  # an import that fails names nothing we trust
        return None


def _names_a_regressor(name):
    value = _resolve(name)
    return isinstance(value, type) and issubclass(value, LSTMRegressor)


def trusted_names(trusted):
    """The names of the types the caller trusts: ``trusted`` checked, as strings.

    A type, or a name within sklstm, that is ``LSTMRegressor`` (under any
    alias, such as ``sklstm.LSTMRegressor``) or a subclass of it is refused:
    its network would load unchecked.
    """
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
            if issubclass(item, LSTMRegressor):
                _refuse_regressor(type_name(item))
            names.append(type_name(item))
        elif isinstance(item, str):
            if item.split(".")[0] == "sklstm" and _names_a_regressor(item):
                _refuse_regressor(item)
            names.append(item)
        else:
            raise TypeError(f"trusted must hold types or 'module.Name' strings; got {item!r:.80}.")
    return names


def _refuse_regressor(name):
    raise ValueError(
        f"{name} cannot be trusted: it is an LSTMRegressor, and load_model checks every "
        "LSTMRegressor's network itself, which needs no trust."
    )


def check_types(found, trusted, what):
    """Refuse the type names skops ``found`` unless sklstm or the caller (``trusted``) trusts them.

    Returns the names to pass to skops. A name that is ``LSTMRegressor`` is
    refused whatever its spelling: within sklstm any name is looked up, and
    outside it the names the caller trusts (skops would import them anyway).
    """
    allowed = set(default_trusted_types())
    for name in found:
        inside = name.split(".")[0] == "sklstm"
        if (inside or name in trusted) and name not in allowed and _names_a_regressor(name):
            raise ValueError(
                f"{what} holds an LSTMRegressor itself (as {name}), not as a network "
                "slot: save_model never writes that, and its network would load unchecked."
            )
    refused = sorted(name for name in found if name not in allowed and name not in trusted)
    if refused:
        raise ValueError(
            f"{what} holds types that load_model does not trust: {refused}. If you "
            "trust the file's source and these types, pass them as "
            "load_model(path, trusted=[...])."
        )
    return sorted(set(found))


def audit_schema(schema, what):
    """Check a parsed skops ``schema.json`` in one walk; respell its type names in place.

    Returns whether a name was respelled (the schema must then be written
    back for skops). Refuses, with a ``ValueError``, a node id given to two
    different objects, a member named by two objects, and a function of the
    allow-list used as anything but a reference (see the module's notes).
    """
    digests, nodes = _digests(schema)
    functions = set(trusted_functions())
    renames = canonical_names()
    by_id, by_file, renamed = {}, {}, False
    for node in nodes:
        module, name, loader = node.get("__module__"), node.get("__class__"), node["__loader__"]
        if not (isinstance(module, str) and isinstance(name, str)):
            raise ValueError(f"{what}: a node of its schema has no type name.")
        saved_id = node.get("__id__")
        if saved_id is not None and not (
            isinstance(saved_id, int) and not isinstance(saved_id, bool)
        ):
            raise ValueError(f"{what}: a node id is not an integer: {saved_id!r:.40}.")
        digest = digests[id(node)]
        if saved_id is not None and by_id.setdefault(saved_id, digest) != digest:
            raise ValueError(
                f"{what}: its schema gives the id {saved_id} to different objects, "
                "which skops never writes (each use of an object is a full copy)."
            )
        member = node.get("file")
        if member is not None and (
            not saved_id or by_file.setdefault(member, saved_id) != saved_id
        ):
            raise ValueError(
                f"{what}: its schema names the member {member!r:.80} for more than one "
                "object, which skops never writes."
            )
        full = f"{module}.{name}"
        if full in functions and loader != _FUNCTION_LOADER:
            raise ValueError(
                f"{what}: its schema uses the function {full} as a {loader}, which skops "
                "would call with values from the file; sklstm trusts it only as a "
                "reference (a scorer's metric)."
            )
        if full in renames:
            node["__module__"], _, node["__class__"] = renames[full].rpartition(".")
            renamed = True
    return renamed


def _digests(schema):
    """``({id(container): digest}, [node dicts])`` of a parsed schema, each value visited once.

    A container's digest covers its whole content but the nodes' ``__id__``
    and ``file`` (each use of an object is written with the same id, and a
    shared ``bytes`` object with a new member each time).
    """
    digests, nodes = {}, []
    todo = [(schema, False)]
    while todo:
        value, children_done = todo.pop()
        if not children_done:
            todo.append((value, True))
            items = value.values() if isinstance(value, dict) else value
            todo.extend((item, False) for item in items if isinstance(item, (dict, list)))
            continue
        digest = hashlib.blake2b(digest_size=16)
        if isinstance(value, dict):
            is_node = isinstance(value.get("__loader__"), str)
            if is_node:
                nodes.append(value)
            digest.update(b"{")
            for key, item in value.items():
                if is_node and key in ("__id__", "file"):
                    continue
                digest.update(_scalar(key))
                digest.update(
                    digests[id(item)] if isinstance(item, (dict, list)) else _scalar(item)
                )
        else:
            digest.update(b"[")
            for item in value:
                digest.update(
                    digests[id(item)] if isinstance(item, (dict, list)) else _scalar(item)
                )
        digests[id(value)] = b"c" + digest.digest()
    return digests, nodes


def _scalar(value):
    text = json.dumps(value).encode()
    return b"s%d:" % len(text) + text
