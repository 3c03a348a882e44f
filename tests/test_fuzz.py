"""Fuzz the public API with random shapes, dtypes, NaN/inf and containers.

Whatever the input, a public function or estimator either works (and then
its output has the documented shape) or raises ValueError, TypeError or
NotFittedError with a message of its own: never a raw TensorFlow/Keras error,
never another exception type, and it never changes what it was given.
``load_model`` is fed hostile files: damaged bytes, odd JSON values, foreign
members; it loads a working estimator or raises ValueError.
"""

import contextlib
import copy
import io
import json
import os
import tempfile
import traceback
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge

from sklstm import (
    ChangeRegressor,
    LagFeaturizer,
    LSTMRegressor,
    SequenceReshaper,
    load_model,
    recursive_forecast,
    save_model,
    to_supervised,
)

# In CI the same examples every run (a failure there must be reproducible);
# locally hypothesis explores new ones each run.
FAST = settings(
    max_examples=150,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# LSTMRegressor fits cost ~0.1-2 s each (a new network shape is traced).
SLOW = settings(FAST, max_examples=25)

# Dropping imaginary parts silently is a bug, not a warning.
pytestmark = pytest.mark.filterwarnings("error::numpy.exceptions.ComplexWarning")

ALLOWED = (ValueError, TypeError, NotFittedError)
FRAMEWORKS = (os.sep + "tensorflow" + os.sep, os.sep + "keras" + os.sep)

SPECIAL_FLOATS = [np.nan, np.inf, -np.inf, 0.0, -0.0, 2.0**100, -(2.0**-100)]  # exact in float32
DTYPES = [
    "float64",
    "float32",
    "int64",
    "int8",
    "uint8",
    "bool",
    "complex128",
    "object",
    "U3",
]


def _elements(dtype, clean=False):
    if dtype in ("float64", "float32"):
        width = 64 if dtype == "float64" else 32
        if clean:
            return st.floats(-100, 100, width=width)
        return st.one_of(
            st.floats(-100, 100, width=width),
            st.sampled_from(SPECIAL_FLOATS),
            st.floats(width=width),
        )
    if dtype == "int64":
        return st.integers(-(2**62), 2**62)
    if dtype == "int8":
        return st.integers(-128, 127)
    if dtype == "uint8":
        return st.integers(0, 255)
    if dtype == "bool":
        return st.booleans()
    if dtype == "complex128":
        return st.one_of(
            st.complex_numbers(max_magnitude=1e3),
            st.sampled_from([complex(np.nan, 0), complex(0, np.inf), 1j]),
        )
    if dtype == "U3":
        # numpy drops trailing NUL characters of fixed-width strings
        text = st.text(st.characters(exclude_characters="\x00"), max_size=3)
        return st.one_of(text, st.sampled_from(["1", "2.5", "nan", "inf"]))
    return st.one_of(  # object: a mix of anything
        st.floats(allow_nan=True),
        st.integers(-10, 10),
        st.text(max_size=3),
        st.none(),
        st.booleans(),
    )


@st.composite
def shapes(draw, min_dims=0, max_dims=3):
    """Small shapes with empty, single and sometimes many (20-40) entries."""
    ndim = draw(st.integers(min_dims, max_dims))
    shape = [draw(st.sampled_from([0, 1, 1, 2, 3, 5, 8])) for _ in range(ndim)]
    if ndim and draw(st.integers(0, 4)) == 0:
        shape[-1] = draw(st.integers(20, 40))  # many columns
    return tuple(shape)


@st.composite
def arrays(draw, min_dims=0, max_dims=3, dtypes=DTYPES):
    dtype = draw(st.sampled_from(dtypes))
    shape = draw(shapes(min_dims, max_dims))
    clean = draw(st.booleans())  # half the float arrays have no NaN or inf
    return draw(hnp.arrays(np.dtype(dtype), shape, elements=_elements(dtype, clean)))


def _column_names(n):
    return st.one_of(
        st.none(),
        st.just([f"c{i}" for i in range(n)]),
        st.just(list(range(10, 10 + n))),
        st.just(["a", 1, 2.5, None, "e"] * (n // 5) + ["a", 1, 2.5, None, "e"][: n % 5]),
    )


NULLABLE = ["Float64", "Int64", "boolean", "category", "string"]


@st.composite
def pandas_frames(draw):
    """A DataFrame of one extension or object dtype, with odd column names."""
    arr = draw(arrays(min_dims=2, max_dims=2, dtypes=["float64", "int64", "object"]))
    columns = draw(_column_names(arr.shape[1]))
    frame = pd.DataFrame(arr, columns=columns)
    kind = draw(st.sampled_from([None] + NULLABLE))
    if kind is not None:
        # the values may not fit that dtype: then keep the plain frame
        with contextlib.suppress(TypeError, ValueError, OverflowError):
            frame = frame.astype(kind)
    if draw(st.booleans()) and len(frame):
        frame.index = pd.period_range("2000-01", periods=len(frame), freq="M")
    return frame


@st.composite
def inputs(draw, min_dims=0, max_dims=3):
    """numpy arrays, pandas objects, nested lists, or something else entirely."""
    kind = draw(st.sampled_from(["numpy", "numpy", "pandas", "frame", "list", "odd"]))
    if kind == "frame":
        return draw(pandas_frames())
    if kind == "odd":
        return draw(st.sampled_from([None, "abc", 3.0, [], [[]], {"a": [1.0]}]))
    arr = draw(arrays(min_dims, max_dims))
    if kind == "list":
        return arr.tolist()
    if kind == "pandas" and arr.ndim == 1:
        return pd.Series(arr, name=draw(st.sampled_from([None, "y", 0])))
    if kind == "pandas" and arr.ndim == 2:
        return pd.DataFrame(arr, columns=draw(_column_names(arr.shape[1])))
    return arr


def sequences(n_features=None):
    """Numeric 2-D or 3-D arrays, NaN and inf here and there: inputs that
    may be accepted, so that the fuzzing gets past the input checks."""
    last = st.just(n_features) if n_features else st.integers(1, 3)
    shape = st.tuples(st.integers(0, 9), st.integers(1, 4), last) | st.tuples(
        st.integers(0, 9), last
    )
    dtype = st.sampled_from(["float64", "float32", "int64", "bool"])
    return dtype.flatmap(lambda d: hnp.arrays(np.dtype(d), shape, elements=_elements(d)))


def _same(before, after):
    """True when ``after`` still equals the deep copy ``before``."""
    if type(before) is not type(after):
        return False
    if isinstance(before, pd.DataFrame):
        try:
            pd.testing.assert_frame_equal(before, after, check_exact=True)
        except AssertionError:
            return False
        return True
    if isinstance(before, pd.Series):
        try:
            pd.testing.assert_series_equal(before, after, check_exact=True)
        except AssertionError:
            return False
        return True
    if isinstance(before, np.ndarray):
        if before.dtype != after.dtype or before.shape != after.shape:
            return False
        if before.flags.writeable != after.flags.writeable:
            return False
        if before.dtype.kind in "fc":
            return np.array_equal(before, after, equal_nan=True)
        if before.dtype == object:
            return _same(before.tolist(), after.tolist())
        return np.array_equal(before, after)
    if isinstance(before, (list, tuple)):
        return len(before) == len(after) and all(map(_same, before, after))
    if isinstance(before, dict):
        return before.keys() == after.keys() and all(_same(before[k], after[k]) for k in before)
    if isinstance(before, (float, complex)) and before != before:  # NaN
        return after != after
    return before == after


def _check_error(exc):
    message = str(exc).strip()
    assert message, f"{type(exc).__name__} without a message"
    module = type(exc).__module__
    assert not module.startswith(("tensorflow", "keras")), f"raw framework error: {exc!r}"
    last = traceback.extract_tb(exc.__traceback__)[-1].filename
    assert not any(part in last for part in FRAMEWORKS), (
        f"error raised inside TensorFlow/Keras ({last}): {exc!r}"
    )


def call(func, *args, **kwargs):
    """Run ``func``; return its result, or None after an allowed, clear error.

    Fails if it mutates its arguments or raises anything else.
    """
    before = copy.deepcopy((args, kwargs))
    try:
        result = func(*args, **kwargs)
    except ALLOWED as exc:
        _check_error(exc)
        event(f"{func.__name__}: {type(exc).__name__}")
        result = None
    else:
        event(f"{func.__name__}: ok")
    assert _same(before, (args, kwargs)), f"{func.__qualname__} changed its input"
    return result


def _n_rows(data):
    return len(data)


def _as_float(data, dtype):
    """``data`` as a float array, pandas' missing values as NaN."""
    if isinstance(data, (pd.Series, pd.DataFrame)):
        return data.to_numpy(dtype=dtype, na_value=np.nan)
    return np.asarray(data, dtype=dtype)


# --- to_supervised -----------------------------------------------------------

# Mostly valid horizons and targets, so that the data itself gets checked.
horizons = st.one_of(
    st.just(1),
    st.integers(1, 3),
    st.sampled_from([range(1, 3), np.array([1, 2]), [2]]),
    st.one_of(
        st.integers(-1, 0),
        st.booleans(),
        st.lists(st.integers(-1, 4), max_size=3),
        st.just(1.0),
        st.none(),
    ),
)


@FAST
@given(
    data=st.one_of(inputs(), sequences()),
    horizon=horizons,
    target=st.sampled_from([None, None, None, 0, "y", "c1", 11]),
)
def test_to_supervised(data, horizon, target):
    result = call(to_supervised, data, horizon, target=target)
    if result is None:
        return
    X, y = result
    steps = horizon if isinstance(horizon, (int, np.integer)) else max(horizon)
    assert len(X) == len(y) == _n_rows(data) - steps
    if isinstance(data, (pd.Series, pd.DataFrame)):
        assert isinstance(X, pd.DataFrame) and X.index.equals(y.index)
    else:
        assert isinstance(X, np.ndarray) and isinstance(y, np.ndarray)
    values = _as_float(data, float).reshape(_n_rows(data), -1)
    np.testing.assert_array_equal(_as_float(X, float), values[: len(X)])
    if isinstance(horizon, (int, np.integer)) and values.shape[1] == 1:
        np.testing.assert_array_equal(_as_float(y, float), values[horizon:, 0])


# --- LagFeaturizer -------------------------------------------------------------


@FAST
@given(
    X=st.one_of(inputs(), sequences()),
    look_back=st.integers(1, 4),
    X_new=st.one_of(st.none(), inputs(), sequences()),
)
def test_lag_featurizer(X, look_back, X_new):
    lags = LagFeaturizer(look_back=look_back)
    out = call(lags.fit_transform, X)
    if out is not None:
        n_features = lags.n_features_in_
        assert out.shape == (_n_rows(X), look_back * n_features)
        assert out.dtype in (np.float32, np.float64)
        # The newest lag block is the input itself.
        np.testing.assert_array_equal(
            out[:, -n_features:], _as_float(X, out.dtype).reshape(len(out), -1)
        )
    if X_new is not None:
        if out is None:
            call(lags.transform, X_new)  # unfitted: NotFittedError
        else:
            new = call(lags.transform, X_new)
            if new is not None:
                assert new.shape == (_n_rows(X_new), look_back * lags.n_features_in_)


# --- SequenceReshaper ----------------------------------------------------------


@FAST
@given(
    X=st.one_of(inputs(), sequences()),
    features_per_step=st.one_of(st.none(), st.integers(1, 3)),
    order=st.sampled_from(["auto", "oldest_first", "newest_first"]),
    X_new=st.one_of(st.none(), inputs(), sequences()),
    refit=st.booleans(),
)
def test_sequence_reshaper(X, features_per_step, order, X_new, refit):
    reshaper = SequenceReshaper(features_per_step=features_per_step, order=order)
    if refit:  # a fit that fails must not leave the earlier one half in place
        reshaper.fit(np.ones((2, 6)))
    out = call(reshaper.fit_transform, X)
    if out is not None:
        flat = _as_float(X, out.dtype).reshape(len(out), -1)
        assert out.shape[:2] == (len(flat), reshaper.n_steps_)
        if order == "newest_first":
            out = out[:, ::-1]
        np.testing.assert_array_equal(out.reshape(len(out), -1), flat)
    if X_new is not None:
        new = call(reshaper.transform, X_new)
        if new is not None:
            assert new.ndim == 3 and new.shape[1] == reshaper.n_steps_


# --- LSTMRegressor -------------------------------------------------------------


def _tiny_lstm():
    return LSTMRegressor(units=2, max_iter=1, batch_size=8, random_state=0)


@st.composite
def targets_for(draw, X):
    """A y that fits X (mostly), or a random one."""
    try:
        n = len(X)
    except TypeError:
        n = 3
    kind = draw(st.sampled_from(["fits", "fits", "fits 2-D", "random"]))
    if kind == "random":
        return draw(inputs(max_dims=2))
    if kind == "fits 2-D":
        return np.arange(2.0 * n).reshape(n, 2)
    y = np.linspace(0.0, 1.0, n)
    return pd.Series(y) if draw(st.booleans()) else y


@SLOW
@given(data=st.data(), refit=st.booleans())
def test_lstm_regressor_fit(data, refit):
    X = data.draw(st.one_of(inputs(), sequences()), label="X")
    y = data.draw(targets_for(X), label="y")
    model = _tiny_lstm()
    if refit:  # a fit that fails must not leave the earlier network in place
        model.fit(np.ones((8, 2, 1)), np.arange(8.0))
    fitted = call(model.fit, X, y)
    if fitted is None:  # a failed fit leaves no half-fitted model behind
        with pytest.raises(NotFittedError):
            model.predict(X)
        return
    assert fitted is model
    y_pred = call(model.predict, X)
    assert y_pred is not None, "predict failed on the X that fit accepted"
    assert y_pred.shape == np.shape(np.asarray(y, dtype=float))
    assert np.isfinite(y_pred).all()


@pytest.fixture(scope="module")
def fitted_lstm():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(16, 3, 2))
    return _tiny_lstm().fit(X, X.sum(axis=(1, 2)))


@settings(SLOW, max_examples=40)
@given(X=st.one_of(inputs(), sequences(n_features=2)))
def test_lstm_regressor_predict(fitted_lstm, X):
    y_pred = call(fitted_lstm.predict, X)
    if y_pred is not None:
        assert y_pred.shape == (_n_rows(X),)
        assert np.isfinite(y_pred).all()


# --- ChangeRegressor and recursive_forecast ---------------------------------------


@FAST
@given(
    data=st.data(),
    kind=st.sampled_from(["diff", "log"]),
    level=st.sampled_from([None, None, 0, -1, "y", "c1", 5, True]),
)
def test_change_regressor(data, kind, level):
    X = data.draw(st.one_of(inputs(), sequences()), label="X")
    y = data.draw(targets_for(X), label="y")
    model = ChangeRegressor(Ridge(), kind=kind, level=level)
    if call(model.fit, X, y) is None:
        return
    y_pred = call(model.predict, X)
    if y_pred is not None:
        assert y_pred.shape == np.shape(np.asarray(y, dtype=float))


@pytest.fixture(scope="module")
def one_step_model():
    series = pd.Series(np.arange(10.0), name="y")
    X, y = to_supervised(series)
    return Ridge().fit(X, y)


@FAST
@given(
    data=st.one_of(inputs(max_dims=2), sequences()),
    steps=st.one_of(st.integers(1, 3), st.sampled_from([0, -1, 1.5, None, True])),
)
def test_recursive_forecast(one_step_model, data, steps):
    def recursive_forecast_(data, steps):  # the model is not an input to compare
        return recursive_forecast(one_step_model, data, steps)

    forecast = call(recursive_forecast_, data, steps)
    if forecast is not None:
        assert len(forecast) == steps


@pytest.mark.parametrize(
    "estimator, method",
    [
        (LagFeaturizer(), "transform"),
        (SequenceReshaper(), "transform"),
        (_tiny_lstm(), "predict"),
        (ChangeRegressor(Ridge()), "predict"),
    ],
)
def test_unfitted_estimators_say_so(estimator, method):
    X = np.ones((4, 2))
    with pytest.raises(NotFittedError, match="not fitted"):
        getattr(estimator, method)(X)


# --- load_model on hostile files ---------------------------------------------------


def _members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _zip(members, compression):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.fixture(scope="module")
def saved_file(fitted_lstm, tmp_path_factory):
    """The path of a valid file (a path: hypothesis prints fixtures of a failing case)."""
    path = tmp_path_factory.mktemp("saved") / "m.sklstm"
    save_model(fitted_lstm, path)
    return path


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=5)
    | st.sampled_from(
        [
            10**400,
            -(2**63),
            2**64,
            1e308,
            "LSTM",
            "Lambda",
            "keras.layers",
            "ObjectNode",
            "ConstructorFromReduceNode",
            "sklstm",
            "LSTMRegressor",
            "mean_squared_error",
            "sklearn.metrics._regression",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "config",
                    "class_name",
                    "module",
                    "units",
                    "name",
                    "seed",
                    "__id__",
                    "__class__",
                    "__module__",
                    "__loader__",
                    "file",
                    "content",
                ]
            )
            | st.text(max_size=3),
            children,
            max_size=3,
        )
    ),
    max_leaves=8,
)


@st.composite
def json_edits(draw, text):
    """``text`` (a JSON document) with one value somewhere replaced or added."""
    document = json.loads(text)
    target = document
    for _ in range(draw(st.integers(0, 6))):
        children = list(target.items()) if isinstance(target, dict) else list(enumerate(target))
        children = [(key, value) for key, value in children if isinstance(value, (dict, list))]
        if not children:
            break
        _, target = draw(st.sampled_from(children))
    value = draw(json_values)
    if isinstance(target, dict):
        keys = list(target) + [draw(st.text(max_size=4))]
        target[draw(st.sampled_from(keys))] = value
    elif target:
        target[draw(st.integers(0, len(target) - 1))] = value
    return json.dumps(document).encode()


@st.composite
def hostile_files(draw, data):
    """A saved file, damaged in one of the ways a crafted or broken file is."""
    kind = draw(st.sampled_from(["bytes", "truncate", "member", "json", "network json", "inner"]))
    event(f"hostile file: {kind}")
    if kind == "bytes":
        data = bytearray(data)
        for position in draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=4)):
            data[position] ^= draw(st.integers(1, 255))
        return bytes(data)
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data) - 1))]
    outer = _members(data)
    inner = _members(outer["model.keras"])
    compression = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    if kind == "json":
        outer["estimator.json"] = draw(json_edits(outer["estimator.json"]))
    elif kind == "network json":
        inner["config.json"] = draw(json_edits(inner["config.json"]))
    else:
        members = outer if kind == "member" else inner
        name = draw(st.sampled_from(sorted(members) + ["extra.bin"]))
        members[name] = draw(st.binary(max_size=64) | st.just(members.get(name, b"")[:40]))
    outer["model.keras"] = _zip(inner, compression)
    return _zip(outer, compression)


@settings(SLOW, max_examples=60)
@given(data=st.data())
def test_load_model_on_hostile_files(saved_file, data):
    crafted = data.draw(hostile_files(saved_file.read_bytes()), label="file")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "crafted.sklstm")
        with open(path, "wb") as file:
            file.write(crafted)
        try:
            model = load_model(path)
        except ValueError as exc:
            _check_error(exc)
            event("load_model: ValueError")
            return
    event("load_model: loaded")  # a harmless change: it must work
    X = np.random.RandomState(0).uniform(size=(4, 3, 2))
    y_pred = call(model.predict, X)
    assert y_pred is not None and y_pred.shape[0] == 4


@pytest.fixture(scope="module")
def saved_pipeline(fitted_lstm, tmp_path_factory):
    """A saved Pipeline (a scaler, a reshaper, a regressor): a composite file's path."""
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.RandomState(0)
    X = rng.uniform(size=(16, 6))
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("seq", SequenceReshaper(features_per_step=2)),
            ("lstm", _tiny_lstm()),
        ]
    ).fit(X, X.sum(axis=1))
    path = tmp_path_factory.mktemp("saved") / "pipe.sklstm"
    save_model(pipe, path)
    return path


@settings(SLOW, max_examples=40)
@given(data=st.data())
def test_load_model_on_hostile_skops_schemas(saved_pipeline, data):
    # ids, member names, loaders and type names edited anywhere in the skops schema
    outer = _members(saved_pipeline.read_bytes())
    inner = _members(outer["estimator.skops"])
    inner["schema.json"] = data.draw(json_edits(inner["schema.json"]), label="schema")
    outer["estimator.skops"] = _zip(inner, zipfile.ZIP_DEFLATED)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "crafted.sklstm")
        with open(path, "wb") as file:
            file.write(_zip(outer, zipfile.ZIP_DEFLATED))
        try:
            model = load_model(path)
        except ValueError as exc:
            _check_error(exc)
            event("load_model: ValueError")
            return
    event("load_model: loaded")  # a harmless change: the result is still an estimator
    assert hasattr(model, "get_params")
