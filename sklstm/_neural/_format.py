"""A network's own byte format: Keras's ``.keras`` archive, and the checks of its parts.

:func:`network_to_bytes` and :func:`trusted_network_from_bytes` are what
pickling an :class:`~sklstm.LSTMRegressor` uses (a pickle is trusted by
definition). For an untrusted file, :mod:`sklstm._persistence` reads the
archive's members within bounds and hands them here: :func:`check_config`
compares the network's ``config.json`` with the one
:func:`~sklstm._neural._keras.build_model` gives for the stored parameters,
:func:`check_weights` counts the float32 numbers of ``model.weights.h5``
without reading them, and only then :func:`checked_network_from_bytes` lets
Keras build the network (``safe_mode=True``) and compares what it built once
more. Nothing here reads a zip archive or imports :mod:`sklstm._persistence`.
"""

import io
import json
import math

from ._lazy import keras_backend

# The members of the .keras archive Keras writes for a network.
CONFIG_FILE, METADATA_FILE, WEIGHTS_FILE = "config.json", "metadata.json", "model.weights.h5"
NETWORK_MEMBERS = (CONFIG_FILE, METADATA_FILE, WEIGHTS_FILE)
_MAX_HDF5_DEPTH = 8


def network_to_bytes(model):
    """``model`` in Keras's ``.keras`` format: what :func:`sklstm.save_model` stores
    and what a pickled :class:`~sklstm.LSTMRegressor` carries."""
    return keras_backend().network_to_bytes(model)


def trusted_network_from_bytes(data):
    """The network in ``.keras`` bytes from a trusted source, unchecked.

    For unpickling, which runs code from the pickle anyway; :func:`sklstm.load_model`
    checks a file before it loads the network.
    """
    return keras_backend().network_from_bytes(data)


def checked_network_from_bytes(data, expected, what):
    """The network in ``data``, whose config :func:`check_config` matched to ``expected``.

    Keras loads it with ``safe_mode=True``; what Keras still refuses is a
    damaged file (``ValueError``). The check of the config lets module paths
    inside Keras differ (Keras moves its classes between versions); the
    network Keras built must be made of the very classes ``build_model``
    uses, which its own config names exactly.
    """
    try:
        model = keras_backend().network_from_bytes(data)
    except Exception as error:  # checked before; what Keras still refuses is a bad file
        raise ValueError(
            f"{what}: Keras could not load it, so the file is damaged: "
            f"{type(error).__name__}: {error}"
        ) from error
    expected = _normalised(expected, "the expected config", exact_modules=True)
    loaded = _normalised(
        json.loads(json.dumps(keras_backend().network_config(model))),
        "the loaded network",
        exact_modules=True,
    )
    if loaded != expected:
        where, ours, theirs = _difference(expected, loaded, "config")
        raise ValueError(
            f"{what} describes a network that sklstm never builds: "
            f"Keras built {theirs!r:.120} at {where}, sklstm builds {ours!r:.120}."
        )
    return model


def network_config(model):
    """``model``'s config as its ``.keras`` file stores it, in plain JSON types."""
    return json.loads(json.dumps(keras_backend().network_config(model)))


def count_weights(*, n_features, n_outputs, units, dropout, recurrent_dropout, cell="lstm"):
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


def check_config(config, architecture, what):
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


def check_weights(data, n_weights, what):
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
            if (
                item.shape is None
                or item.dtype.kind != "f"
                or item.dtype.itemsize != 4
                or item.external
                or item.is_virtual
            ):
                raise ValueError(f"{item.name} is not a plain float32 array")
            count += math.prod(item.shape)
        else:
            raise ValueError(f"{group.name}/{name} is neither a group nor an array")
    return count


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)
