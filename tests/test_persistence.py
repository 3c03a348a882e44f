"""Saving fitted models: pickle/joblib of a pipeline, and the pickle-free save_model/load_model."""

import io
import json
import os
import pickle
import re
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
from sklearn.preprocessing import MinMaxScaler

import sklstm
from sklstm import (
    LagFeaturizer,
    LSTMRegressor,
    SequenceReshaper,
    load_model,
    save_model,
    to_supervised,
)
from sklstm.datasets import load_airline

ROOT = Path(__file__).resolve().parents[1]


def tiny(**params):
    defaults = dict(units=4, epochs=3, batch_size=16, random_state=0)
    return LSTMRegressor(**{**defaults, **params})


@pytest.fixture(scope="module")
def sequences():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(40, 4, 2))
    y = X[:, -1, 0] + 0.5 * X[:, -2, 1]
    return X, y


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
def fresh_process_predictions(tmp_path_factory):
    """A fitted pipeline saved three ways, loaded and used by a new Python process."""
    folder = tmp_path_factory.mktemp("saved")
    X, y = to_supervised(load_airline())
    X, y = X.to_numpy()[:48], y.to_numpy()[:48]
    pipe = Pipeline(
        [
            ("scale", MinMaxScaler()),
            ("lags", LagFeaturizer(look_back=3)),  # NaN lags: the masked network
            ("seq", SequenceReshaper()),
            ("lstm", tiny()),
        ]
    ).fit(X, y)
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


@pytest.mark.slow
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
    ],
)
def test_load_model_gives_back_the_fitted_estimator(sequences, tmp_path, params, target):
    X, y = sequences
    if target == "2d":
        y = np.column_stack([y, 2 * y])
    model = tiny(**params).fit(X, y)
    save_model(model, tmp_path / "m.sklstm")
    loaded = load_model(tmp_path / "m.sklstm")

    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.predict(X).shape == model.predict(X).shape
    assert set(vars(loaded)) == set(vars(model))
    assert loaded.n_features_in_ == model.n_features_in_ == 2
    assert loaded.n_outputs_ == model.n_outputs_
    assert loaded.history_ == model.history_
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


def test_a_loaded_estimator_clones_and_refits_like_the_original(sequences, tmp_path):
    X, y = sequences
    model = tiny().fit(X, y)
    save_model(model, tmp_path / "m.sklstm")
    loaded = load_model(tmp_path / "m.sklstm")
    assert clone(loaded).get_params() == model.get_params()
    refit = loaded.set_params(epochs=2).fit(X[:32], y[:32])
    np.testing.assert_array_equal(
        refit.predict(X), tiny(epochs=2).fit(X[:32], y[:32]).predict(X)
    )
    assert len(refit.history_["loss"]) == 2


def test_feature_names_survive(tmp_path):
    df = pd.DataFrame({"a": np.linspace(0, 1, 20), "b": np.linspace(1, 0, 20)})
    model = tiny().fit(df, df["a"])
    save_model(model, tmp_path / "m.sklstm")
    loaded = load_model(tmp_path / "m.sklstm")
    np.testing.assert_array_equal(loaded.feature_names_in_, ["a", "b"])
    np.testing.assert_array_equal(loaded.predict(df), model.predict(df))
    with pytest.raises(ValueError, match="feature names"):
        loaded.predict(df[["b", "a"]])


def test_refuses_unfitted_and_other_estimators(tmp_path):
    with pytest.raises(NotFittedError):
        save_model(tiny(), tmp_path / "m.sklstm")
    with pytest.raises(TypeError, match="LSTMRegressor; got Pipeline.*joblib"):
        save_model(Pipeline([("lstm", tiny())]), tmp_path / "m.sklstm")
    assert os.listdir(tmp_path) == []


def test_an_interrupted_save_leaves_the_old_file_intact(sequences, tmp_path, monkeypatch):
    X, y = sequences
    old = tiny().fit(X, y)
    path = tmp_path / "m.sklstm"
    save_model(old, path)
    before = path.read_bytes()

    def fail(model):
        raise RuntimeError("disk full")

    backend = sys.modules["sklstm._keras"]
    monkeypatch.setattr(backend, "network_to_bytes", fail)  # after the JSON is written
    with pytest.raises(RuntimeError, match="disk full"):
        save_model(tiny(random_state=1).fit(X, y), path)
    with pytest.raises(RuntimeError, match="disk full"):
        save_model(old, tmp_path / "new.sklstm")
    monkeypatch.undo()

    assert os.listdir(tmp_path) == ["m.sklstm"]  # no temporary file, no half new file
    assert path.read_bytes() == before
    np.testing.assert_array_equal(load_model(path).predict(X), old.predict(X))


def test_save_replaces_an_existing_file(sequences, tmp_path):
    X, y = sequences
    path = tmp_path / "m.sklstm"
    save_model(tiny().fit(X, y), path)
    new = tiny(random_state=1).fit(X, y)
    save_model(new, str(path))
    np.testing.assert_array_equal(load_model(str(path)).predict(X), new.predict(X))
    assert os.listdir(tmp_path) == ["m.sklstm"]


# Loading refuses anything it did not write ---------------------------------


@pytest.fixture(scope="module")
def saved(sequences, tmp_path_factory):
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
        (set_in(["params", "epochs"], 0), "epochs"),
        (set_in(["params", "epochs"], {"__class__": "os.system"}), "unknown keys"),
        (set_in(["params", "units"], ["4"]), "list of finite numbers"),
        (set_in(["fitted", "n_features_in_"], "2"), "n_features_in_ must be an int"),
        (set_in(["fitted", "n_features_in_"], 3), r"never builds.*batch_shape.*has 2, sklstm builds 3"),
        (set_in(["fitted", "y_ndim"], 3), "y_ndim"),
        (set_in(["fitted", "history_", "loss"], [0.1, "x"]), "history_"),
        (set_in(["fitted", "target_scaler_", "mean_"], [0.0, 1.0]), "list of 1 numbers"),
        (set_in(["fitted", "target_scaler_", "n_samples_seen_"], 1.5), "n_samples_seen_"),
        (set_in(["fitted", "extra", "__class__"], 1), "extra fitted attribute"),
        (set_in(["fitted", "feature_names_in_"], ["a", 1]), "list of strings"),
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


def test_load_model_rejects_non_finite_json_and_foreign_archives(saved, tmp_path):
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
        "module": "keras.utils", "class_name": "function", "config": "get_file",
        "registered_name": "get_file",
    }


@pytest.mark.parametrize("change", [to_lambda, to_function_reference])
def test_load_model_rejects_a_network_with_objects_sklstm_never_builds(saved, tmp_path, change):
    network = rewrite_network_config(saved["model.keras"], change)
    path = write_archive(tmp_path / "bad.sklstm", {**saved, "model.keras": network})
    with pytest.raises(ValueError, match="never builds"):
        load_model(path)


def test_save_and_load_are_public():
    assert {"save_model", "load_model"} <= set(sklstm.__all__)


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


def test_a_network_whose_keras_modules_moved_still_loads(saved, sequences, tmp_path):
    """Keras moves classes between its own modules across versions."""

    def moved(config):
        find_layer(config, "Dense")["module"] = "keras.src.layers.core.dense"

    network = rewrite_network_config(saved["model.keras"], moved)
    path = write_archive(tmp_path / "moved.sklstm", {**saved, "model.keras": network})
    X, y = sequences
    np.testing.assert_array_equal(load_model(path).predict(X), tiny().fit(X, y).predict(X))
