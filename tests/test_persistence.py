"""Saving fitted models: pickle/joblib of a pipeline, and the pickle-free save_model/load_model."""

import io
import json
import os
import pickle
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline

from sklstm import LSTMRegressor, load_model, save_model
from sklstm._neural._lazy import keras_backend

ROOT = Path(__file__).resolve().parents[1]


# pickle and joblib, loaded in a fresh process ------------------------------

LOADER = """
import pickle, sys
import joblib, numpy as np
import sklstm
folder = sys.argv[1]
X, Xt = np.load(folder + "/X.npy"), np.load(folder + "/Xt.npy")
with open(folder + "/pipe.pkl", "rb") as file:
    np.save(folder + "/pred_pickle.npy", pickle.load(file).predict(X))
np.save(folder + "/pred_joblib.npy", joblib.load(folder + "/pipe.joblib").predict(X))
np.save(folder + "/pred_sklstm.npy", sklstm.load_model(folder + "/lstm.sklstm").predict(Xt))
"""


@pytest.fixture(scope="module")
def fresh_process_predictions(airline, airline_pipeline, tmp_path_factory):
    """A fitted pipeline saved three ways, loaded and used by a new Python process."""
    folder = tmp_path_factory.mktemp("saved")
    X, y = airline
    X, y = X.to_numpy()[:48], y.to_numpy()[:48]
    pipe = airline_pipeline(look_back=3).fit(X, y)  # NaN lags: the masked network
    Xt = pipe[:-1].transform(X)
    np.save(folder / "X.npy", X)
    np.save(folder / "Xt.npy", Xt)
    with open(folder / "pipe.pkl", "wb") as file:
        pickle.dump(pipe, file)
    joblib.dump(pipe, folder / "pipe.joblib")
    save_model(pipe[-1], folder / "lstm.sklstm")
    subprocess.run([sys.executable, "-c", LOADER, str(folder)], check=True)
    expected = pipe.predict(X)
    assert np.isfinite(expected).all()
    return folder, expected


@pytest.mark.slow  # a new process that loads TensorFlow
@pytest.mark.parametrize("how", ["pickle", "joblib", "sklstm"])
def test_a_fresh_process_predicts_exactly_as_the_saved_pipeline(fresh_process_predictions, how):
    folder, expected = fresh_process_predictions
    np.testing.assert_array_equal(np.load(folder / f"pred_{how}.npy"), expected)


# save_model / load_model ---------------------------------------------------


@pytest.mark.parametrize(
    "params, target",
    [
        ({}, "1d"),
        ({"units": (4, 2), "scale_target": False, "dropout": 0.1}, "1d"),
        ({"random_state": np.random.RandomState(3)}, "2d"),
        ({"loss": "quantile"}, "1d"),
        ({"loss": "quantile", "quantiles": (0.05, 0.25, 0.5, 0.95)}, "2d"),
        ({"cell": "gru", "units": (4, 3), "warm_start": True}, "1d"),
        ({"cell": "gru", "loss": "quantile"}, "1d"),
        ({"units": "auto", "batch_size": "auto", "loss": "auto", "early_stopping": "auto"}, "1d"),
    ],
)
def test_load_model_gives_back_the_fitted_estimator(tiny, sequences, tmp_path, params, target):
    X, y = sequences
    if target == "2d":
        y = np.column_stack([y, 2 * y])
    model = tiny(**params).fit(X, y)
    save_model(model, tmp_path / "m.sklstm")
    loaded = load_model(tmp_path / "m.sklstm")

    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.predict(X).shape == model.predict(X).shape
    if model.loss == "quantile":
        np.testing.assert_array_equal(loaded.predict_quantiles(X), model.predict_quantiles(X))
        np.testing.assert_array_equal(loaded.quantiles_, model.quantiles_)
    else:
        assert loaded.quantiles_ is None
    assert set(vars(loaded)) == set(vars(model))
    for name in ("units_", "batch_size_", "max_iter_", "early_stopping_", "loss_function_"):
        assert getattr(loaded, name) == getattr(model, name), name
    assert loaded.n_features_in_ == model.n_features_in_ == 2
    assert loaded.n_outputs_ == model.n_outputs_
    assert loaded.loss_curve_ == model.loss_curve_
    assert loaded.validation_scores_ == model.validation_scores_
    if model.target_scaler_ is None:
        assert loaded.target_scaler_ is None
    else:
        for name in ("mean_", "var_", "scale_", "n_samples_seen_"):
            np.testing.assert_array_equal(
                getattr(loaded.target_scaler_, name), getattr(model.target_scaler_, name)
            )
    for name, value in model.get_params().items():
        restored = loaded.get_params()[name]
        if isinstance(value, np.random.RandomState):
            saved, back = value.get_state(), restored.get_state()
            np.testing.assert_array_equal(saved[1], back[1])
            assert saved[2:] == back[2:]
        else:
            assert restored == value, name
    # the network itself: the same weights in a new object
    for saved, back in zip(model.model_.weights, loaded.model_.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(back), np.asarray(saved))
    assert loaded.model_ is not model.model_


def test_a_loaded_estimator_clones_and_refits_like_the_original(tiny, sequences, tmp_path):
    X, y = sequences
    model = tiny().fit(X, y)
    save_model(model, tmp_path / "m.sklstm")
    loaded = load_model(tmp_path / "m.sklstm")
    assert clone(loaded).get_params() == model.get_params()
    refit = loaded.set_params(max_iter=2).fit(X[:32], y[:32])
    np.testing.assert_array_equal(refit.predict(X), tiny(max_iter=2).fit(X[:32], y[:32]).predict(X))
    assert len(refit.loss_curve_) == 2


def test_feature_names_survive(tiny, tmp_path):
    df = pd.DataFrame({"a": np.linspace(0, 1, 20), "b": np.linspace(1, 0, 20)})
    model = tiny().fit(df, df["a"])
    save_model(model, tmp_path / "m.sklstm")
    loaded = load_model(tmp_path / "m.sklstm")
    np.testing.assert_array_equal(loaded.feature_names_in_, ["a", "b"])
    np.testing.assert_array_equal(loaded.predict(df), model.predict(df))
    with pytest.raises(ValueError, match="feature names"):
        loaded.predict(df[["b", "a"]])


def test_refuses_unfitted_and_other_estimators(tiny, tmp_path):
    with pytest.raises(NotFittedError):
        save_model(tiny(), tmp_path / "m.sklstm")
    with pytest.raises(NotFittedError):  # a pipeline is saved too, once fitted
        save_model(Pipeline([("lstm", tiny())]), tmp_path / "m.sklstm")
    with pytest.raises(TypeError, match="scikit-learn estimators.*got object"):
        save_model(object(), tmp_path / "m.sklstm")
    assert os.listdir(tmp_path) == []


def test_an_interrupted_save_leaves_the_old_file_intact(tiny, sequences, tmp_path, monkeypatch):
    X, y = sequences
    old = tiny().fit(X, y)
    path = tmp_path / "m.sklstm"
    save_model(old, path)
    before = path.read_bytes()

    def fail(model):
        raise RuntimeError("disk full")

    backend = sys.modules["sklstm._neural._keras"]
    monkeypatch.setattr(backend, "network_to_bytes", fail)  # after the JSON is written
    with pytest.raises(RuntimeError, match="disk full"):
        save_model(tiny(random_state=1).fit(X, y), path)
    with pytest.raises(RuntimeError, match="disk full"):
        save_model(old, tmp_path / "new.sklstm")
    monkeypatch.undo()

    assert os.listdir(tmp_path) == ["m.sklstm"]  # no temporary file, no half new file
    assert path.read_bytes() == before
    np.testing.assert_array_equal(load_model(path).predict(X), old.predict(X))


def test_save_replaces_an_existing_file(tiny, sequences, tmp_path):
    X, y = sequences
    path = tmp_path / "m.sklstm"
    save_model(tiny().fit(X, y), path)
    new = tiny(random_state=1).fit(X, y)
    save_model(new, str(path))
    np.testing.assert_array_equal(load_model(str(path)).predict(X), new.predict(X))
    assert os.listdir(tmp_path) == ["m.sklstm"]


# Loading refuses anything it did not write ---------------------------------


@pytest.fixture(scope="module")
def saved(tiny, sequences, tmp_path_factory):
    X, y = sequences
    path = tmp_path_factory.mktemp("valid") / "m.sklstm"
    save_model(tiny().fit(X, y), path)
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_archive(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def with_document(saved, change):
    document = json.loads(saved["estimator.json"])
    change(document)
    return {**saved, "estimator.json": json.dumps(document)}


def set_in(keys, value):
    def change(document):
        target = document
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


def both(*changes):
    def change(document):
        for one in changes:
            one(document)

    return change


def drop(keys):
    def change(document):
        target = document
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return change


@pytest.mark.parametrize(
    "change, match",
    [
        (set_in(["format_version"], 99), "format_version 99"),
        (drop(["fitted", "history_"]), r"no \['history_'\]"),
        (set_in(["format"], "something.else"), "does not describe"),
        (set_in(["params", "no_such_param"], 1), r"unknown keys \['no_such_param'\]"),
        (set_in(["fitted", "no_such_attribute_"], 1), "unknown keys"),
        (set_in(["params", "max_iter"], 0), "max_iter"),
        (set_in(["params", "max_iter"], {"__class__": "os.system"}), "unknown keys"),
        (set_in(["params", "units"], ["4"]), "list of finite numbers"),
        (set_in(["fitted", "n_features_in_"], "2"), "n_features_in_ must be an int"),
        (set_in(["fitted", "input_mean_"], [0.0, 1.0, 2.0]), "input_mean_ must be a list of 2"),
        (set_in(["fitted", "input_scale_"], [0.0, 1.0]), "input_scale_ must be positive"),
        (set_in(["fitted", "input_scale_"], None), "both numbers or both null"),
        (
            both(
                set_in(["fitted", "n_features_in_"], 3),
                set_in(["fitted", "input_mean_"], None),
                set_in(["fitted", "input_scale_"], None),
            ),
            r"never builds.*batch_shape.*has 2, sklstm builds 3",
        ),
        (set_in(["fitted", "y_ndim"], 3), "y_ndim"),
        (set_in(["fitted", "history_", "loss"], [0.1, "x"]), "history_"),
        (set_in(["fitted", "target_scaler_", "mean_"], [0.0, 1.0]), "list of 1 numbers"),
        (set_in(["fitted", "target_scaler_", "n_samples_seen_"], -1.5), "n_samples_seen_"),
        (set_in(["fitted", "target_scaler_", "n_samples_seen_"], "3"), "n_samples_seen_"),
        (set_in(["fitted", "extra", "__class__"], 1), "extra fitted attribute"),
        # units="auto": the layers fit chose, checked as the units themselves are
        (
            both(set_in(["params", "units"], "auto"), set_in(["fitted", "extra", "units_"], "x")),
            r"extra\['units_'\] \(units='auto'\) must be a positive int",
        ),
        (
            both(set_in(["params", "units"], "auto"), set_in(["fitted", "extra", "units_"], [0])),
            r"extra\['units_'\] \(units='auto'\) must be a positive int",
        ),
        # units given: the recorded layers must be those
        (set_in(["fitted", "extra", "units_"], [999, 3]), r"extra\['units_'\] must be the layers"),
        (
            both(set_in(["params", "units"], "auto"), set_in(["fitted", "extra", "units_"], [7])),
            r"never builds.*units",
        ),
        (set_in(["fitted", "feature_names_in_"], ["a", 1]), "list of strings"),
        # quantiles_ must be what the parameters give, and the network as wide
        (set_in(["params", "loss"], "quantile"), "quantiles_ must be the levels"),
        (set_in(["fitted", "quantiles_"], [0.1, 0.5, 0.9]), "quantiles_ must be the levels"),
        (set_in(["params", "quantiles"], [0.1, 0.5]), "only used with loss='quantile'"),
        (
            both(
                set_in(["params", "loss"], "quantile"),
                set_in(["params", "quantiles"], [0.5]),
                set_in(["fitted", "quantiles_"], [0.2]),
            ),
            "quantiles_ must be the levels",
        ),
        (
            both(
                set_in(["params", "loss"], "quantile"),
                set_in(["fitted", "quantiles_"], [0.1, 0.5, 0.9]),
            ),
            r"never builds.*units.*has 1, sklstm builds 3",
        ),
    ],
)
def test_load_model_rejects_a_bad_document(saved, tmp_path, change, match):
    path = write_archive(tmp_path / "bad.sklstm", with_document(saved, change))
    with pytest.raises(ValueError, match=match):
        load_model(path)


def test_a_parameter_missing_from_the_file_keeps_its_default(saved, tmp_path):
    """Files from before a parameter existed still load."""
    members = with_document(saved, drop(["params", "verbose"]))
    loaded = load_model(write_archive(tmp_path / "old.sklstm", members))
    assert loaded.verbose == LSTMRegressor().verbose
    assert loaded.units == 4


def test_a_file_with_the_old_parameter_names_loads_under_the_new_ones(tiny, sequences, tmp_path):
    """A file from sklstm 0.1: epochs, learning_rate and loss="mae", no max_iter."""
    X, y = sequences
    model = tiny(max_iter=2, learning_rate_init=0.01, loss="absolute_error").fit(X, y)
    save_model(model, tmp_path / "new.sklstm")
    with zipfile.ZipFile(tmp_path / "new.sklstm") as archive:
        saved = {name: archive.read(name) for name in archive.namelist()}

    def as_old(document):
        params = document["params"]
        params["epochs"] = params.pop("max_iter")
        params["learning_rate"] = params.pop("learning_rate_init")
        params["loss"] = "mae"

    loaded = load_model(write_archive(tmp_path / "old.sklstm", with_document(saved, as_old)))
    assert loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.loss_curve_ == model.loss_curve_


def test_load_model_rejects_non_finite_json_and_foreign_archives(tiny, saved, tmp_path):
    text = saved["estimator.json"].decode().replace('"n_outputs_": 1', '"n_outputs_": NaN')
    assert "NaN" in text
    with pytest.raises(ValueError, match="NaN"):
        load_model(write_archive(tmp_path / "a", {**saved, "estimator.json": text}))
    with pytest.raises(ValueError, match="found.*evil.pkl"):
        load_model(write_archive(tmp_path / "b", {**saved, "evil.pkl": pickle.dumps(1)}))
    with pytest.raises(ValueError, match="not a file written by sklstm.save_model"):
        load_model(write_archive(tmp_path / "c", {"estimator.json": saved["estimator.json"]}))
    (tmp_path / "d").write_bytes(pickle.dumps(tiny()))
    with pytest.raises(ValueError, match="not a file written by sklstm.save_model"):
        load_model(tmp_path / "d")


def rewrite_network_config(network, change):
    source = zipfile.ZipFile(io.BytesIO(network))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == "config.json":
                config = json.loads(data)
                change(config)
                data = json.dumps(config)
            archive.writestr(name, data)
    return out.getvalue()


def find_layer(config, class_name):
    return next(layer for layer in config["config"]["layers"] if layer["class_name"] == class_name)


def to_lambda(config):
    dense = find_layer(config, "Dense")
    dense["class_name"], dense["registered_name"] = "Lambda", None


def to_function_reference(config):
    dense = find_layer(config, "Dense")
    dense["config"]["activation"] = {
        "module": "keras.utils",
        "class_name": "function",
        "config": "get_file",
        "registered_name": "get_file",
    }


@pytest.mark.parametrize("change", [to_lambda, to_function_reference])
def test_load_model_rejects_a_network_with_objects_sklstm_never_builds(saved, tmp_path, change):
    network = rewrite_network_config(saved["model.keras"], change)
    path = write_archive(tmp_path / "bad.sklstm", {**saved, "model.keras": network})
    with pytest.raises(ValueError, match="never builds"):
        load_model(path)


def test_save_and_load_are_public(tiny, sequences, tmp_path):
    # what `from sklstm import *` gives a user saves and loads a fitted model
    public = {}
    exec("from sklstm import *", public)
    X, y = sequences
    model = tiny(max_iter=1).fit(X, y)
    public["save_model"](model, tmp_path / "model.sklstm")
    loaded = public["load_model"](tmp_path / "model.sklstm")
    assert type(loaded) is LSTMRegressor and loaded is not model
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_the_docs_snippet_runs(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = (ROOT / "docs" / "persistence.md").read_text()
    (snippet,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    exec(compile(snippet, "docs/persistence.md", "exec"), {})
    assert capsys.readouterr().out.split() == ["4", "3"]
    assert os.listdir(tmp_path) == ["airline.sklstm"]


def test_a_network_object_from_outside_keras_is_rejected(saved, tmp_path):
    def from_elsewhere(config):
        find_layer(config, "Dense")["module"] = "os"

    network = rewrite_network_config(saved["model.keras"], from_elsewhere)
    path = write_archive(tmp_path / "bad.sklstm", {**saved, "model.keras": network})
    with pytest.raises(ValueError, match="never builds"):
        load_model(path)


def test_a_network_whose_keras_modules_moved_still_loads(tiny, saved, sequences, tmp_path):
    """Keras moves classes between its own modules across versions."""

    def moved(config):
        find_layer(config, "Dense")["module"] = "keras.src.layers.core.dense"

    network = rewrite_network_config(saved["model.keras"], moved)
    path = write_archive(tmp_path / "moved.sklstm", {**saved, "model.keras": network})
    X, y = sequences
    np.testing.assert_array_equal(load_model(path).predict(X), tiny().fit(X, y).predict(X))


# Hostile files (hardening: refused before Keras builds or reads anything big) --


@pytest.fixture
def keras_must_not_run(monkeypatch):
    """Fail the test if load_model hands the network to Keras."""
    backend = keras_backend()

    def refuse(data):
        raise AssertionError("load_model handed a crafted network to Keras")

    monkeypatch.setattr(backend, "network_from_bytes", refuse)


def bounded_load(path):
    """load_model's ValueError, asserting it needed little memory to refuse."""
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as error:
            load_model(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 24 * 2**20, f"refusing took {peak / 2**20:.0f} MiB"
    return str(error.value)


def keras_network(build):
    """A network built by ``build(keras, inputs)``, as .keras bytes, widths 2 -> 1."""
    keras = pytest.importorskip("keras")
    inputs = keras.Input(shape=(None, 2))
    return keras_backend().network_to_bytes(keras.Model(inputs, build(keras, inputs)))


OTHER_NETWORKS = {
    "no LSTM": lambda keras, x: keras.layers.Dense(1)(keras.layers.GlobalAveragePooling1D()(x)),
    "an extra hidden layer": lambda keras, x: keras.layers.Dense(1)(
        keras.layers.Dense(3)(keras.layers.LSTM(4)(x))
    ),
    "an LSTM without bias": lambda keras, x: keras.layers.Dense(1)(
        keras.layers.LSTM(4, use_bias=False)(x)
    ),
    "go_backwards": lambda keras, x: keras.layers.Dense(1)(
        keras.layers.LSTM(4, go_backwards=True)(x)
    ),
    "another activation": lambda keras, x: keras.layers.Dense(1)(
        keras.layers.LSTM(4, activation="relu")(x)
    ),
    "a stacked LSTM": lambda keras, x: keras.layers.Dense(1)(
        keras.layers.LSTM(4)(keras.layers.LSTM(4, return_sequences=True)(x))
    ),
}


@pytest.mark.parametrize("kind", OTHER_NETWORKS)
def test_a_network_other_than_the_one_the_parameters_describe_is_refused(
    saved, tmp_path, kind, keras_must_not_run
):
    """Each of these loaded before when only class names and widths were checked."""
    network = keras_network(OTHER_NETWORKS[kind])
    path = write_archive(tmp_path / "other.sklstm", {**saved, "model.keras": network})
    assert "never builds" in bounded_load(path)


@pytest.mark.parametrize(
    "setting, value",
    [
        ("go_backwards", True),
        ("use_bias", False),
        ("activation", "relu"),
        ("units", 4096),
        ("unit_forget_bias", False),
        ("return_sequences", True),
    ],
)
def test_one_changed_lstm_setting_is_refused(saved, tmp_path, setting, value, keras_must_not_run):
    def change(config):
        find_layer(config, "LSTM")["config"][setting] = value

    network = rewrite_network_config(saved["model.keras"], change)
    path = write_archive(tmp_path / "bad.sklstm", {**saved, "model.keras": network})
    message = bounded_load(path)
    assert "never builds" in message and setting in message


def test_a_parameter_type_smuggled_into_the_config_is_refused(saved, tmp_path, keras_must_not_run):
    """``true`` equals 1 in Python; the comparison keeps JSON types apart."""

    def change(config):
        find_layer(config, "Dense")["config"]["units"] = True

    network = rewrite_network_config(saved["model.keras"], change)
    path = write_archive(tmp_path / "bad.sklstm", {**saved, "model.keras": network})
    assert "never builds" in bounded_load(path)


def test_parameters_beyond_the_limits_are_refused_before_anything_is_built(
    saved, tmp_path, monkeypatch
):
    """A 3 KB file declaring units=4096 used to build a 67M-weight network first."""
    backend = keras_backend()

    def never(**architecture):
        raise AssertionError("a network was built")

    monkeypatch.setattr(backend, "network_configs", never)
    for units in (4096, [4] * 33):
        members = with_document(saved, set_in(["params", "units"], units))
        path = deflated_archive(tmp_path / "big.sklstm", members)
        assert path.stat().st_size < 2**13
        assert "at most" in bounded_load(path)


def deflated_archive(path, members):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def inner_members(saved):
    with zipfile.ZipFile(io.BytesIO(saved["model.keras"])) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def as_zip(members):
    out = io.BytesIO()
    deflated_archive(out, members)
    return out.getvalue()


BOMB = 64 * 2**20  # inflates 1000x; the real ones were 1 GiB


@pytest.mark.parametrize(
    "member", ["estimator.json", "model.keras", "config.json", "model.weights.h5"]
)
def test_a_zip_bomb_in_any_member_is_refused_before_inflating(
    saved, tmp_path, member, keras_must_not_run
):
    if member == "estimator.json":  # valid JSON once inflated: it used to load
        members = {**saved, member: saved[member] + b" " * BOMB}
    elif member == "model.keras":
        members = {**saved, member: saved[member] + b"\0" * BOMB}
    else:
        inner = inner_members(saved)
        padding = b" " if member == "config.json" else b"\0"
        inner[member] = inner[member] + padding * BOMB
        members = {**saved, "model.keras": as_zip(inner)}
    path = deflated_archive(tmp_path / "bomb.sklstm", members)
    assert path.stat().st_size < 2**20
    assert "inflates to" in bounded_load(path)


def patch_header(data, name, field, value):
    """``data`` (a zip) with a header field of member ``name`` set to ``value``.

    ``field`` is ``"size"`` (the declared uncompressed size) or ``"method"``
    (the compression method); both the local header and the central
    directory entry are patched.
    """
    fmt, local, central = {"size": ("<L", 22, 24), "method": ("<H", 8, 10)}[field]
    data = bytearray(data)
    encoded = name.encode()
    for signature, offset, name_at in ((b"PK\x03\x04", local, 30), (b"PK\x01\x02", central, 46)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if data[start + name_at : start + name_at + len(encoded)] == encoded:
                end = start + offset + struct.calcsize(fmt)
                data[start + offset : end] = struct.pack(fmt, value)
            start += 4
    return bytes(data)


def test_a_member_that_inflates_past_its_declared_size_is_not_read_whole(saved, tmp_path):
    members = {**saved, "estimator.json": saved["estimator.json"] + b" " * BOMB}
    data = patch_header(as_zip(members), "estimator.json", "size", 1000)
    (tmp_path / "lying.sklstm").write_bytes(data)
    assert "damaged" in bounded_load(tmp_path / "lying.sklstm")


def test_weights_declaring_huge_arrays_are_refused_without_reading_them(saved, tmp_path):
    """An HDF5 array can declare any size without storing it; Keras reads arrays whole."""
    import h5py  # a dependency of sklstm (load_model reads the weights with it)

    inner = inner_members(saved)
    buffer = io.BytesIO(inner["model.weights.h5"])
    with h5py.File(buffer, "a") as file:
        name = "layers/dense/vars/0"
        del file[name]
        file.create_dataset(name, shape=(2**26,), dtype="float32", chunks=(2**16,))
    inner["model.weights.h5"] = buffer.getvalue()
    path = write_archive(tmp_path / "h5.sklstm", {**saved, "model.keras": as_zip(inner)})
    assert "weights" in bounded_load(path)


def flip_byte(data, member):
    """``data`` (a deflated zip) with one byte of ``member``'s compressed data flipped."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(data)
    data[start + info.compress_size // 2] ^= 0xFF
    return bytes(data)


def test_damaged_archives_give_value_error(saved, tmp_path):
    """They gave zlib.error, NotImplementedError and OSError."""
    valid = as_zip(saved)
    cases = {
        "flipped": flip_byte(valid, "model.keras"),
        "flipped json": flip_byte(valid, "estimator.json"),
        "method 99": patch_header(valid, "estimator.json", "method", 99),
        "garbage weights": as_zip(
            {
                **saved,
                "model.keras": as_zip(
                    {**inner_members(saved), "model.weights.h5": b"garbage" * 100}
                ),
            }
        ),
        "truncated": valid[: len(valid) // 2],
        "empty": b"",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        message = bounded_load(tmp_path / name)
        assert "sklstm" in message or "model.keras" in message, (name, message)


@pytest.mark.parametrize(
    "change, match",
    [
        (set_in(["fitted", "history_", "loss"], [10**400]), "too large"),
        (set_in(["fitted", "target_scaler_", "n_samples_seen_"], 10**30), "too large"),
        (set_in(["format_version"], True), "format_version True"),
        (set_in(["format_version"], 1.0), "format_version 1.0"),
    ],
)
def test_odd_json_numbers_give_value_error(saved, tmp_path, change, match):
    """They gave OverflowError, or were read as format_version 1."""
    path = write_archive(tmp_path / "bad.sklstm", with_document(saved, change))
    with pytest.raises(ValueError, match=match):
        load_model(path)


def test_deeply_nested_json_gives_value_error(saved, tmp_path):
    """It gave RecursionError."""
    text = saved["estimator.json"].decode()
    for depth in (100, 100_000):
        nested = text.replace('"n_iter_": 3', '"n_iter_": 3, "a_": ' + "[" * depth + "]" * depth)
        assert nested != text
        path = write_archive(tmp_path / "deep.sklstm", {**saved, "estimator.json": nested})
        with pytest.raises(ValueError, match="nested"):
            load_model(path)


def test_duplicate_keys_are_refused(saved, tmp_path):
    text = (
        saved["estimator.json"]
        .decode()
        .replace('"format_version": 1', '"format_version": 1, "format_version": 1')
    )
    path = write_archive(tmp_path / "dup.sklstm", {**saved, "estimator.json": text})
    with pytest.raises(ValueError, match="key twice"):
        load_model(path)


# Saving over an existing file or a link ---------------------------------------

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and links")


@posix_only
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o666])
def test_saving_over_a_file_keeps_its_permissions(tiny, sequences, tmp_path, mode):
    X, y = sequences
    path = tmp_path / "m.sklstm"
    path.write_bytes(b"old")
    os.chmod(path, mode)
    save_model(tiny().fit(X, y), path)
    assert path.stat().st_mode & 0o7777 == mode
    assert load_model(path).n_features_in_ == 2


@posix_only
def test_saving_through_a_symlink_replaces_its_target_and_keeps_the_link(tiny, sequences, tmp_path):
    X, y = sequences
    target = tmp_path / "models" / "m.sklstm"
    target.parent.mkdir()
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    link = tmp_path / "current.sklstm"
    link.symlink_to(target)
    model = tiny().fit(X, y)
    save_model(model, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.stat().st_mode & 0o777 == 0o600
    np.testing.assert_array_equal(load_model(target).predict(X), model.predict(X))
    assert sorted(os.listdir(target.parent)) == ["m.sklstm"]


def test_the_network_keras_built_is_checked_again(saved, tmp_path, monkeypatch):
    """Module paths inside Keras may differ in the file; the classes built may not."""
    backend = keras_backend()
    other = backend.network_from_bytes(keras_network(OTHER_NETWORKS["go_backwards"]))
    monkeypatch.setattr(backend, "network_from_bytes", lambda data: other)
    path = write_archive(tmp_path / "m.sklstm", saved)
    with pytest.raises(
        ValueError, match="never builds: Keras built.*at config.*'layers'.*sklstm builds"
    ):
        load_model(path)


def test_save_model_keeps_the_input_scaling(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(300, 40, size=(40, 6, 1))  # raw inputs, as a lag library gives them
    y = X[:, -1, 0] + rng.normal(0, 1, 40)
    model = LSTMRegressor(units=2, max_iter=1, random_state=0).fit(X, y)
    save_model(model, tmp_path / "model")
    loaded = load_model(tmp_path / "model")
    assert loaded.input_mean_.dtype == model.input_mean_.dtype == np.float32
    np.testing.assert_array_equal(loaded.input_mean_, model.input_mean_)
    np.testing.assert_array_equal(loaded.input_scale_, model.input_scale_)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_a_model_fitted_with_sample_weights_round_trips(tiny, sequences, tmp_path):
    """A weighted target scaler has seen a sum of weights, not a count of rows."""
    X, y = sequences
    model = tiny().fit(X, y, sample_weight=np.linspace(0.25, 1.0, len(y)))
    save_model(model, tmp_path / "m.sklstm")
    loaded = load_model(tmp_path / "m.sklstm")
    assert loaded.target_scaler_.n_samples_seen_ == model.target_scaler_.n_samples_seen_
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_a_file_whose_cell_is_not_its_network_is_refused(saved, tmp_path, keras_must_not_run):
    path = write_archive(
        tmp_path / "m.sklstm", with_document(saved, set_in(["params", "cell"], "gru"))
    )
    with pytest.raises(ValueError, match="never builds.*GRU|never builds.*LSTM"):
        load_model(path)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("units", [(3,), (4, 2), (2, 5, 1)])
def test_the_weight_count_load_model_expects_is_the_networks(cell, units):
    from sklstm._neural._format import count_weights

    architecture = dict(
        n_features=3, n_outputs=2, units=units, dropout=0.0, recurrent_dropout=0.0, cell=cell
    )
    network = keras_backend().build_model(**architecture, seed=0)
    assert count_weights(**architecture) == network.count_params()


# Issue 22: special files, zip directories, parameters changed after fit -------


def test_a_directory_is_refused_with_value_error(tmp_path):
    with pytest.raises(ValueError, match="not a regular file"):
        load_model(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_reading_it(tmp_path):
    fifo = tmp_path / "m.sklstm"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so that a writer can open it
    writer = os.open(fifo, os.O_WRONLY)
    try:
        with pytest.raises(ValueError, match="not a regular file"):
            load_model(fifo)
    finally:
        os.close(writer)
        os.close(reader)


class CountingZipInfo(zipfile.ZipInfo):
    made = 0

    def __init__(self, *args, **kwargs):
        type(self).made += 1
        super().__init__(*args, **kwargs)


def test_a_zip_directory_of_many_entries_is_not_parsed(saved, tmp_path, monkeypatch):
    # a central directory of 5000 entries behind an end record that claims 2
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(5000):
            archive.writestr(f"{index}", b"")
    data = bytearray(buffer.getvalue())
    data[-14:-10] = struct.pack("<2H", 2, 2)
    path = tmp_path / "many.sklstm"
    path.write_bytes(bytes(data))
    monkeypatch.setattr(zipfile, "ZipInfo", CountingZipInfo)
    with pytest.raises(ValueError, match="its directory takes .* bytes"):
        load_model(path)
    assert CountingZipInfo.made == 0  # 5000 before


def test_the_entries_zipfile_builds_are_counted(saved, tmp_path):
    # within the directory's byte bound, more entries than the format has, 2 claimed
    path = write_archive(tmp_path / "m.sklstm", {**saved, **{f"{i}": b"" for i in range(10)}})
    data = bytearray(path.read_bytes())
    data[-14:-10] = struct.pack("<2H", 2, 2)
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="it has 12 entries"):
        load_model(path)


@pytest.mark.parametrize(
    "params, change",
    [
        ({}, {"units": 5}),
        ({}, {"units": (3, 3)}),
        ({}, {"cell": "gru"}),
        ({}, {"dropout": 0.5}),
        ({"loss": "quantile", "quantiles": (0.1, 0.5, 0.9)}, {"quantiles": (0.2, 0.5, 0.8)}),
        ({"loss": "quantile", "quantiles": (0.1, 0.5, 0.9)}, {"loss": "squared_error"}),
    ],
)
def test_save_refuses_a_model_whose_parameters_changed_after_fit(
    tiny, sequences, tmp_path, params, change
):
    X, y = sequences
    model = tiny(**params).fit(X, y).set_params(**change)
    with pytest.raises(ValueError, match="no longer describe its fitted network"):
        save_model(model, tmp_path / "m.sklstm")
    assert list(tmp_path.iterdir()) == []


def test_parameters_that_do_not_shape_the_network_may_change_after_fit(tiny, sequences, tmp_path):
    X, y = sequences
    model = tiny().fit(X, y).set_params(max_iter=7, learning_rate_init=0.5)
    save_model(model, tmp_path / "m.sklstm")
    loaded = load_model(tmp_path / "m.sklstm")
    assert loaded.get_params()["max_iter"] == 7
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
