"""save_model/load_model for estimators made of scikit-learn and sklstm parts (skops + .keras)."""

import io
import json
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
import skops.io
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklstm import (
    LagFeaturizer,
    LSTMRegressor,
    SequenceReshaper,
    average_seeds,
    load_model,
    make_lstm_forecaster,
    save_model,
    to_supervised,
)
from sklstm._neural._lazy import keras_backend
from sklstm.datasets import load_airline

TINY = dict(units=4, max_iter=2, batch_size=16)


@pytest.fixture(scope="module")
def data(airline):
    X, y = airline
    return X.iloc[:72], y.iloc[:72], X.iloc[72:96]


@pytest.fixture(scope="module")
def forecaster(data):
    """make_lstm_forecaster's output, fitted: a ChangeRegressor around a Pipeline."""
    X, y, _ = data
    return make_lstm_forecaster(seasonal_period=12, kind="log", random_state=0, **TINY).fit(X, y)


@pytest.fixture(scope="module")
def saved(forecaster, tmp_path_factory):
    path = tmp_path_factory.mktemp("saved") / "forecaster.sklstm"
    save_model(forecaster, path)
    with zipfile.ZipFile(path) as archive:
        return path, {name: archive.read(name) for name in archive.namelist()}


def test_the_recipe_comes_back_predicting_exactly_the_same(forecaster, saved, data):
    path, members = saved
    # the unfitted template and the fitted network, each in its own member
    assert sorted(members) == [
        "estimator.skops",
        "format.json",
        "regressors/0.json",
        "regressors/1.sklstm",
    ]
    loaded = load_model(path)
    assert type(loaded) is type(forecaster)
    assert type(loaded.regressor_[-1]) is LSTMRegressor
    assert loaded.regressor_ is not forecaster.regressor_
    np.testing.assert_array_equal(loaded.predict(data[2]), forecaster.predict(data[2]))
    assert repr(loaded) == repr(forecaster)
    assert not hasattr(loaded.regressor[-1], "model_")  # the template stays unfitted
    # the user's estimator was not touched while saving
    assert type(forecaster.regressor_[-1]) is LSTMRegressor
    assert hasattr(forecaster.regressor_[-1], "model_")


def test_a_global_quantile_gru_forecaster_on_a_panel_round_trips(tmp_path):
    """The newer parts together: a panel, reference=k, a direct target, a GRU, quantiles."""
    rng = np.random.RandomState(0)
    months = pd.period_range("2000-01", periods=40, freq="M")
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "id": key,
                    "month": months,
                    "y": level * np.exp(np.cumsum(rng.normal(0.01, 0.05, 40))),
                }
            )
            for key, level in [("a", 10.0), ("b", 1000.0)]
        ]
    )
    X, y = to_supervised(frame, target="y", id="id", time="month", horizon=range(1, 4))
    model = make_lstm_forecaster(
        13,
        seasonal_period=12,
        kind="log",
        reference=12,
        cell="gru",
        loss="quantile",
        random_state=0,
        **TINY,
    )
    model.fit(X, y, sample_weight=np.linspace(0.5, 1.0, len(X)))
    save_model(model, tmp_path / "global.sklstm")
    loaded = load_model(tmp_path / "global.sklstm")
    np.testing.assert_array_equal(loaded.predict_quantiles(X), model.predict_quantiles(X))
    assert loaded.regressor_[-1].cell == "gru"
    assert loaded.regressor_.named_steps["relative"].reference == 12


def test_a_seed_ensemble_of_a_direct_forecaster_round_trips(tmp_path):
    X, Y = to_supervised(load_airline(), horizon=range(1, 4))
    model = average_seeds(
        make_lstm_forecaster(13, seasonal_period=12, kind="log", **TINY), 2, random_state=0
    ).fit(X.iloc[:80], Y.iloc[:80])
    save_model(model, tmp_path / "ensemble.sklstm")
    loaded = load_model(tmp_path / "ensemble.sklstm")
    assert type(loaded) is type(model)
    predictions = loaded.predict(X.iloc[80:])
    assert predictions.shape == (len(X) - 80, 3)
    np.testing.assert_array_equal(predictions, model.predict(X.iloc[80:]))


@pytest.mark.parametrize("index", ["period", "datetime", "zoned"])
def test_a_continuing_window_is_read_from_the_loaded_state(airline, tmp_path, index):
    """LagFeaturizer keeps the training tail and the next label (a Period or a
    Timestamp): rows that continue the series get their lags from it."""
    X, y = airline
    if index != "period":
        X, y = X.copy(), y.copy()
        X.index = y.index = X.index.to_timestamp()
        if index == "zoned":
            X.index = y.index = X.index.tz_localize("Europe/Paris")
    pipe = Pipeline(
        [
            ("lags", LagFeaturizer(look_back=4)),
            ("seq", SequenceReshaper()),
            ("lstm", LSTMRegressor(**TINY, random_state=0)),
        ]
    ).fit(X[:48], y[:48])
    save_model(pipe, tmp_path / "pipe.sklstm")
    loaded = load_model(tmp_path / "pipe.sklstm")
    assert loaded[0].next_index_ == pipe[0].next_index_
    assert str(loaded[0].next_index_) == str(pipe[0].next_index_)  # its zone too
    np.testing.assert_array_equal(loaded.predict(X[48:60]), pipe.predict(X[48:60]))


def test_a_loaded_composite_clones_and_refits(saved, data):
    X, y, Xt = data
    refit = clone(load_model(saved[0])).fit(X, y)
    assert np.isfinite(refit.predict(Xt)).all()


def test_a_tuned_pipeline_and_a_shared_regressor_round_trip(sequences, tmp_path):
    X, y = sequences
    X2 = X.reshape(len(X), -1)
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("lags", LagFeaturizer(look_back=2)),
            ("seq", SequenceReshaper()),
            ("lstm", LSTMRegressor(**TINY, random_state=0)),
        ]
    )
    search = GridSearchCV(
        pipe, {"lstm__units": [3, 4]}, cv=TimeSeriesSplit(2), scoring="neg_root_mean_squared_error"
    ).fit(X2, y)
    best = search.best_estimator_
    save_model(best, tmp_path / "best.sklstm")
    loaded = load_model(tmp_path / "best.sklstm")
    np.testing.assert_array_equal(loaded.predict(X2), best.predict(X2))
    assert loaded[-1].get_params() == best[-1].get_params()

    save_model(search, tmp_path / "search.sklstm")  # the search itself, scorer and all
    loaded = load_model(tmp_path / "search.sklstm")
    np.testing.assert_array_equal(loaded.predict(X2), search.predict(X2))
    assert loaded.score(X2, y) == search.score(X2, y)
    assert loaded.cv_results_["params"] == search.cv_results_["params"]

    shared = [best, {"again": best[-1]}]  # one regressor reached twice: stored once
    with pytest.raises(TypeError, match="got list"):
        save_model(shared, tmp_path / "list.sklstm")


class Doubler(TransformerMixin, BaseEstimator):
    """A type load_model has never heard of."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return 2 * np.asarray(X)


@pytest.fixture(scope="module")
def custom(sequences, tmp_path_factory):
    X, y = sequences
    pipe = Pipeline([("double", Doubler()), ("lstm", LSTMRegressor(**TINY, random_state=0))])
    pipe.fit(X[:, :, 0], y)
    path = tmp_path_factory.mktemp("custom") / "custom.sklstm"
    save_model(pipe, path)
    return pipe, path


def test_an_unknown_type_is_refused_with_its_name(custom):
    _, path = custom
    name = f"{Doubler.__module__}.Doubler"
    with pytest.raises(ValueError, match=rf"does not trust: \['{name}'\].*trusted="):
        load_model(path)


@pytest.mark.parametrize("how", ["type", "name"])
def test_a_type_trusted_deliberately_loads(custom, sequences, how):
    pipe, path = custom
    trusted = [Doubler] if how == "type" else [f"{Doubler.__module__}.Doubler"]
    loaded = load_model(path, trusted=trusted)
    X = sequences[0][:, :, 0]
    np.testing.assert_array_equal(loaded.predict(X), pipe.predict(X))


@pytest.mark.parametrize(
    "trusted, error, match",
    [
        (True, TypeError, "list of types"),
        ("sklearn.pipeline.Pipeline", TypeError, "list of types"),
        ([3], TypeError, "types or"),
        ([LSTMRegressor], ValueError, "cannot be trusted"),
    ],
)
def test_the_trusted_argument_is_checked(saved, trusted, error, match):
    with pytest.raises(error, match=match):
        load_model(saved[0], trusted=trusted)


def test_save_refuses_unfitted_and_non_estimators(tmp_path, tiny):
    with pytest.raises(NotFittedError):
        save_model(Pipeline([("lstm", tiny())]), tmp_path / "m.sklstm")
    with pytest.raises(TypeError, match="scikit-learn estimators.*got dict"):
        save_model({"lstm": tiny()}, tmp_path / "m.sklstm")
    assert list(tmp_path.iterdir()) == []


# A fresh process --------------------------------------------------------------

LOADER = """
import sys
import numpy as np, pandas as pd
import sklstm
folder = sys.argv[1]
X = pd.read_pickle(folder + "/X.pkl")
np.save(folder + "/pred.npy", sklstm.load_model(folder + "/model.sklstm").predict(X))
"""


@pytest.mark.slow  # a new process that loads TensorFlow
def test_a_fresh_process_predicts_exactly_as_the_saved_forecaster(forecaster, data, tmp_path):
    X_test = data[2]
    X_test.to_pickle(tmp_path / "X.pkl")  # the test's own data, not the model
    save_model(forecaster, tmp_path / "model.sklstm")
    subprocess.run([sys.executable, "-c", LOADER, str(tmp_path)], check=True)
    np.testing.assert_array_equal(np.load(tmp_path / "pred.npy"), forecaster.predict(X_test))


# Hostile files -------------------------------------------------------------


@pytest.fixture
def keras_must_not_run(monkeypatch):
    def refuse(data):
        raise AssertionError("load_model handed a crafted network to Keras")

    monkeypatch.setattr(keras_backend(), "network_from_bytes", refuse)


def as_zip(members, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def unzip(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def bounded_load(path, **kwargs):
    """load_model's ValueError, asserting it needed little memory to refuse."""
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as error:
            load_model(path, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 24 * 2**20, f"refusing took {peak / 2**20:.0f} MiB"
    return str(error.value)


BOMB = 64 * 2**20  # inflates 1000x


def write(tmp_path, members):
    path = tmp_path / "crafted.sklstm"
    path.write_bytes(as_zip(members))
    return path


def test_a_bomb_in_the_skops_part_is_refused_before_inflating(saved, tmp_path, keras_must_not_run):
    members = saved[1]
    bomb = members["estimator.skops"] + b"\0" * BOMB
    outer = write(tmp_path, {**members, "estimator.skops": bomb})
    assert outer.stat().st_size < 2**20
    assert "inflates to" in bounded_load(outer)
    inner = unzip(members["estimator.skops"])
    inner["schema.json"] += b" " * (BOMB // 2)  # within the total, but a bomb
    path = write(tmp_path, {**members, "estimator.skops": as_zip(inner)})
    assert "inflates to" in bounded_load(path)


@pytest.mark.parametrize(
    "member, size, match",
    [
        ("schema.json", 5 * 2**20, "schema.json inflates to 5"),  # many small objects at most
        ("x.npy", 65 * 2**20, "at most 67108864 bytes"),
    ],
)
def test_an_oversized_member_is_refused(saved, tmp_path, member, size, match, keras_must_not_run):
    members = saved[1]
    inner = unzip(members["estimator.skops"])
    inner[member] = inner.get(member, b"") + b" " * size  # stored: no bomb, only too large
    path = tmp_path / "large.sklstm"
    path.write_bytes(
        as_zip(
            {**members, "estimator.skops": as_zip(inner, zipfile.ZIP_STORED)}, zipfile.ZIP_STORED
        )
    )
    with pytest.raises(ValueError, match=match):
        load_model(path)


def test_an_array_declaring_more_than_it_holds_is_refused(saved, tmp_path, keras_must_not_run):
    members = saved[1]
    inner = unzip(members["estimator.skops"])
    name = next(n for n in inner if n.endswith(".npy"))
    header = np.lib.format.header_data_from_array_1_0(np.zeros(2**30))
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    inner[name] = buffer.getvalue() + inner[name][-16:]
    path = write(tmp_path, {**members, "estimator.skops": as_zip(inner)})
    assert "declares 8589934592 bytes" in bounded_load(path)


def test_a_tampered_network_inside_a_pipeline_file_is_refused(saved, tmp_path, keras_must_not_run):
    members = saved[1]
    regressor = unzip(members["regressors/1.sklstm"])
    network = unzip(regressor["model.keras"])
    config = json.loads(network["config.json"])
    lstm = next(layer for layer in config["config"]["layers"] if layer["class_name"] == "LSTM")
    lstm["config"]["go_backwards"] = True
    network["config.json"] = json.dumps(config).encode()
    regressor["model.keras"] = as_zip(network)
    path = write(tmp_path, {**members, "regressors/1.sklstm": as_zip(regressor)})
    message = bounded_load(path)
    assert "regressors/1.sklstm" in message and "never builds" in message


def test_an_lstm_regressor_smuggled_into_the_skops_part_is_refused(
    forecaster, saved, tmp_path, keras_must_not_run
):
    # skops alone stores the regressor with its network as raw .keras bytes
    data = skops.io.dumps(forecaster)
    document = {"format": "sklstm.Estimator", "format_version": 1, "regressors": 0}
    path = write(tmp_path, {"format.json": json.dumps(document), "estimator.skops": data})
    assert "holds an LSTMRegressor itself" in bounded_load(path)
    trusted = skops.io.get_untrusted_types(data=data)
    with pytest.raises(ValueError, match="cannot be trusted"):
        load_model(path, trusted=trusted)


@pytest.mark.parametrize(
    "change, match",
    [
        (
            lambda m: {
                **m,
                "format.json": b'{"format": "sklstm.Estimator", "format_version": 2, '
                b'"regressors": 2}',
            },
            "format_version 2",
        ),
        (
            lambda m: {
                **m,
                "format.json": b'{"format": "sklstm.Estimator", "format_version": 1, '
                b'"regressors": 3}',
            },
            "declares 3 regressors",
        ),
        (lambda m: {**m, "extra.pkl": b"x"}, "unknown member 'extra.pkl'"),
        (lambda m: {k: v for k, v in m.items() if k != "regressors/0.json"}, "numbered 0 to 0"),
        (
            lambda m: {
                **m,
                "estimator.skops": as_zip({**unzip(m["estimator.skops"]), "x.pkl": b"1"}),
            },
            "not a skops archive",
        ),
        (
            lambda m: {**m, "estimator.skops": as_zip({"schema.json": b"[" * 300 + b"]" * 300})},
            "nested more than",
        ),
        (
            lambda m: {
                **m,
                "estimator.skops": as_zip({"schema.json": b"[" + b"{}," * 20000 + b"{}]"}),
            },
            "20002 brackets",
        ),
    ],
)
def test_a_crafted_composite_file_is_refused(saved, tmp_path, change, match, keras_must_not_run):
    with pytest.raises(ValueError, match=match):
        load_model(write(tmp_path, change(saved[1])))


@pytest.mark.parametrize(
    "fields",
    [
        ("Timestamp", "2020-01-01", "ns", "../../etc/passwd"),
        ("Timestamp", "not a date", "ns", None),
        ("Timestamp", "2020-01-01", "fortnight", None),
        ("Period", "2020-01", "ns", None),
    ],
)
def test_a_crafted_time_label_is_refused(fields):
    from sklstm._persistence import TimeLabel

    with pytest.raises(ValueError, match="time label"):
        TimeLabel(*fields).value("crafted.sklstm")


class Box:
    """Not an estimator, nor a container save_model reads."""

    def __init__(self, content):
        self.content = content


class Keeper(TransformerMixin, BaseEstimator):
    """Keeps a regressor in an object array (found) or in a Box (not found)."""

    def __init__(self, boxed=False):
        self.boxed = boxed

    def fit(self, X, y=None):
        regressor = LSTMRegressor(**TINY)
        self.kept_ = Box(regressor) if self.boxed else np.array([regressor, 1], dtype=object)
        return self

    def transform(self, X):
        return X


def test_regressors_in_object_arrays_are_found_and_others_refused(sequences, tmp_path):
    X, y = sequences
    pipe = Pipeline([("keep", Keeper()), ("lstm", LSTMRegressor(**TINY))]).fit(X[:, :, 0], y)
    save_model(pipe, tmp_path / "array.sklstm")
    loaded = load_model(tmp_path / "array.sklstm", trusted=[Keeper])
    assert type(loaded[0].kept_[0]) is LSTMRegressor
    np.testing.assert_array_equal(loaded.predict(X[:, :, 0]), pipe.predict(X[:, :, 0]))

    pipe.set_params(keep__boxed=True).fit(X[:, :, 0], y)
    with pytest.raises(TypeError, match="keeps a .*LSTMRegressor elsewhere"):
        save_model(pipe, tmp_path / "box.sklstm")
    assert not (tmp_path / "box.sklstm").exists()


# Crafted skops schemas (issue 22) -------------------------------------------


def node(cls, module, loader, node_id, **fields):
    return {
        "__class__": cls,
        "__module__": module,
        "__loader__": loader,
        **fields,
        "__id__": node_id,
    }


def skops_file(tmp_path, schema, **extra):
    """A composite file of no regressors whose skops part is ``schema`` (and ``extra`` members)."""
    document = {"format": "sklstm.Estimator", "format_version": 1, "regressors": 0}
    skops_part = as_zip({"schema.json": json.dumps({**schema, "protocol": 2}), **extra})
    return write(tmp_path, {"format.json": json.dumps(document), "estimator.skops": skops_part})


def test_nodes_sharing_ids_cannot_make_the_audit_exponential(tmp_path, monkeypatch):
    # each list holds the previous one, then a small stand-in reusing its id: skops
    # hands out the first for both, and its audit walks it once per use
    from skops.io import _audit

    walks = []
    audit = _audit.Node.get_unsafe_set
    monkeypatch.setattr(_audit.Node, "get_unsafe_set", lambda self: walks.append(1) or audit(self))
    level = node("int", "builtins", "JsonNode", 1, content="1", is_json=True)
    for depth in range(2, 18):
        stand_in = node("list", "builtins", "ListNode", depth - 1, content=[])
        level = node("list", "builtins", "ListNode", depth, content=[level, stand_in])
    message = bounded_load(skops_file(tmp_path, level))
    assert "to different objects" in message
    assert len(walks) < 100  # 2**17 before


def test_a_member_is_read_once_however_many_nodes_name_it(tmp_path):
    array = io.BytesIO()
    np.save(array, np.zeros(2**17 - 32))  # just under 1 MiB: within the bomb rule
    nodes = [
        node("ndarray", "numpy", "NdArrayNode", 10 + i, type="numpy", file="a.npy")
        for i in range(48)
    ]
    schema = node("list", "builtins", "ListNode", 1, content=nodes)
    path = skops_file(tmp_path, schema, **{"a.npy": array.getvalue()})
    assert path.stat().st_size < 2**14
    assert "names the member 'a.npy' for more than one object" in bounded_load(path)


@pytest.mark.parametrize("alias", ["sklstm.LSTMRegressor", "sklstm._neural.LSTMRegressor"])
def test_an_lstm_regressor_under_another_name_is_refused(
    forecaster, tmp_path, alias, keras_must_not_run
):
    data = unzip(skops.io.dumps(forecaster))
    schema = (
        data["schema.json"]
        .decode()
        .replace('"__module__": "sklstm._neural._regressor"', f'"__module__": "{alias[:-14]}"')
    )
    assert "sklstm._neural._regressor" not in schema
    document = {"format": "sklstm.Estimator", "format_version": 1, "regressors": 0}
    path = write(
        tmp_path,
        {
            "format.json": json.dumps(document),
            "estimator.skops": as_zip({**data, "schema.json": schema}),
        },
    )
    assert f"holds an LSTMRegressor itself (as {alias})" in bounded_load(path)
    with pytest.raises(ValueError, match="cannot be trusted"):
        load_model(path, trusted=[alias])


def test_a_subclass_of_lstm_regressor_cannot_be_trusted(saved):
    class Mine(LSTMRegressor):
        pass

    with pytest.raises(ValueError, match="cannot be trusted"):
        load_model(saved[0], trusted=[Mine])


def test_a_trusted_metric_function_is_never_called_while_loading(tmp_path):
    # skops calls the type of a ConstructorFromReduceNode with the file's arguments
    numbers = [
        node("float", "builtins", "JsonNode", 20 + i, content=str(v), is_json=True)
        for i, v in enumerate([0.0, 5.0])
    ]
    pair = [node("list", "builtins", "ListNode", 30 + i, content=[numbers[i]]) for i in (0, 1)]
    arguments = node("tuple", "builtins", "TupleNode", 2, content=pair)
    schema = node(
        "mean_squared_error",
        "sklearn.metrics._regression",
        "ConstructorFromReduceNode",
        1,
        content=arguments,
    )
    message = bounded_load(skops_file(tmp_path, schema))
    assert "uses the function sklearn.metrics._regression.mean_squared_error" in message


def test_a_fitted_search_keeps_its_scorer_as_a_reference(sequences, tmp_path):
    X, y = sequences
    X2 = X[:, :, 0]
    pipe = Pipeline([("seq", SequenceReshaper()), ("lstm", LSTMRegressor(**TINY))])
    search = GridSearchCV(
        pipe, {"lstm__units": [3]}, cv=TimeSeriesSplit(2), scoring="neg_mean_squared_error"
    ).fit(X2, y)
    save_model(search, tmp_path / "search.sklstm")
    loaded = load_model(tmp_path / "search.sklstm")
    from sklearn.metrics import mean_squared_error

    assert loaded.scorer_._score_func is mean_squared_error
    np.testing.assert_array_equal(loaded.predict(X2), search.predict(X2))


# pandas 2 names a type by the module that defines it, pandas 3 by ``pandas``
# for the public ones (``Period``, ``DateOffset``).
PANDAS_SPELLINGS = {
    "2.x": {"Period": "pandas._libs.tslibs.period", "DateOffset": "pandas._libs.tslibs.offsets"},
    "3.x": {"Period": "pandas", "DateOffset": "pandas"},
}


@pytest.mark.parametrize("written_by", ["2.x", "3.x"])
def test_a_file_loads_under_the_other_pandas_version(forecaster, saved, data, tmp_path, written_by):
    members = saved[1]
    inner = unzip(members["estimator.skops"])
    schema = json.loads(inner["schema.json"])
    spelled, todo = 0, [schema]
    while todo:  # every type name as a file of that pandas version has it
        value = todo.pop()
        if isinstance(value, dict):
            module = PANDAS_SPELLINGS[written_by].get(value.get("__class__"))
            if module is not None and value.get("__module__", "").startswith("pandas"):
                value["__module__"] = module
                spelled += 1
            todo.extend(value.values())
        elif isinstance(value, list):
            todo.extend(value)
    assert spelled >= 1  # the forecaster keeps the Period after its training data
    inner["schema.json"] = json.dumps(schema).encode()
    path = write(tmp_path, {**members, "estimator.skops": as_zip(inner)})
    _, _, X_test = data
    np.testing.assert_array_equal(load_model(path).predict(X_test), forecaster.predict(X_test))


@pytest.mark.parametrize(
    "change",
    [
        {"lstm__units": 5},
        {"lstm__cell": "gru"},
        {"lstm__dropout": 0.5},
    ],
)
def test_save_refuses_a_pipeline_whose_regressor_changed_after_fit(sequences, tmp_path, change):
    X, y = sequences
    pipe = Pipeline([("seq", SequenceReshaper()), ("lstm", LSTMRegressor(**TINY))])
    pipe.fit(X[:, :, 0], y).set_params(**change)
    with pytest.raises(ValueError, match="no longer describe its fitted network"):
        save_model(pipe, tmp_path / "changed.sklstm")
    assert list(tmp_path.iterdir()) == []


def test_a_file_naming_the_slots_by_their_former_module_loads(forecaster, saved, data, tmp_path):
    members = saved[1]
    inner = unzip(members["estimator.skops"])
    assert b'"sklstm._persistence"' in inner["schema.json"]
    inner["schema.json"] = inner["schema.json"].replace(
        b'"sklstm._persistence"', b'"sklstm._pipeline_persistence"'
    )
    path = write(tmp_path, {**members, "estimator.skops": as_zip(inner)})
    _, _, X_test = data
    np.testing.assert_array_equal(load_model(path).predict(X_test), forecaster.predict(X_test))
