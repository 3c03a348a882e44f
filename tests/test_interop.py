"""Each code block of docs/interop.md runs, prints what its comment says, and does what the
page claims (window order, interval bounds, identical predictions after loading)."""

import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

PAGE = Path(__file__).resolve().parents[1] / "docs" / "interop.md"
# The section of the page (its heading's first word) -> the module it needs.
NEEDS = {
    "skforecast": "skforecast",
    "sktime": "sktime",
    "MAPIE": "mapie",
    "optuna": "optuna_integration",
    "skops": "skops",
    "Dask": "distributed",
}


def sections():
    """``{first word of a '## ' heading: the code of its python block}``."""
    found = {}
    for part in re.split(r"^## ", PAGE.read_text(), flags=re.M)[1:]:
        blocks = re.findall(r"```python\n(.*?)```", part, flags=re.S)
        if blocks:
            (found[part.split()[0].rstrip(":")],) = blocks  # one block a section
    return found


def test_the_page_has_a_block_for_each_library():
    assert sorted(sections()) == sorted(NEEDS)


def run(name, capsys, monkeypatch, tmp_path):
    """Run a section's block in ``tmp_path``; check what it prints against its comment."""
    pytest.importorskip(NEEDS[name])
    monkeypatch.chdir(tmp_path)
    code = sections()[name]
    namespace = {}
    exec(compile(code, f"docs/interop.md ({name})", "exec"), namespace)
    printed = capsys.readouterr().out.strip()
    last = code.strip().splitlines()[-1]
    if "  # " in last:  # print(...)  # what it prints
        assert last.split("  # ", 1)[1].startswith(printed)
    return namespace


def test_skforecast_windows_reach_the_lstm_oldest_first(capsys, monkeypatch, tmp_path):
    ns = run("skforecast", capsys, monkeypatch, tmp_path)
    forecast, pipe, y = ns["forecast"], ns["forecaster"].estimator, ns["y"]
    assert np.isfinite(forecast).all() and (forecast.index == y.index[-12:]).all()
    # column j is lag_(j+1): the first step the LSTM reads is lag_12, the oldest
    assert pipe[0].columns_[:, 0].tolist() == list(range(11, -1, -1))
    windows = np.random.RandomState(0).normal(size=(5, 12))
    np.testing.assert_allclose(
        pipe.predict(windows), pipe[-1].predict(windows[:, ::-1, None]), rtol=1e-6
    )


def test_sktime_windows_reach_the_lstm_oldest_first(capsys, monkeypatch, tmp_path):
    ns = run("sktime", capsys, monkeypatch, tmp_path)
    forecast, y = ns["forecast"], ns["y"]
    assert np.isfinite(forecast).all() and (forecast.index == y.index[-12:]).all()
    pipe = ns["forecaster"].estimator_
    assert pipe[0].columns_[:, 0].tolist() == list(range(12))


def test_mapie_bounds_surround_the_point_forecast(capsys, monkeypatch, tmp_path):
    ns = run("MAPIE", capsys, monkeypatch, tmp_path)
    point, bounds = ns["point"], ns["bounds"][:, :, 0]
    assert (bounds[:, 0] <= point).all() and (point <= bounds[:, 1]).all()
    assert (bounds[:, 1] - bounds[:, 0] > 0).all()
    np.testing.assert_allclose(point, ns["model"].predict(ns["X"].iloc[119:]))


def test_optuna_tunes_within_the_distribution(capsys, monkeypatch, tmp_path):
    ns = run("optuna", capsys, monkeypatch, tmp_path)
    search = ns["search"]
    tried = [trial.params["regressor__lags__look_back"] for trial in search.trials_]
    assert all(6 <= look_back <= 24 for look_back in tried)
    best = search.best_estimator_
    assert (
        best.get_params()["regressor__lags__look_back"]
        == search.best_params_["regressor__lags__look_back"]
    )
    assert np.isfinite(best.predict(ns["X"].iloc[96:])).all()


def test_skops_route_gives_back_the_same_forecaster(capsys, monkeypatch, tmp_path):
    ns = run("skops", capsys, monkeypatch, tmp_path)
    assert type(ns["loaded"]) is type(ns["model"])
    assert (tmp_path / "forecaster.sklstm").exists()


def test_dask_search_scores_as_the_local_one(capsys, monkeypatch, tmp_path):
    ns = run("Dask", capsys, monkeypatch, tmp_path)
    search, X, y = ns["search"], ns["X"], ns["y"]
    local = clone(search).set_params(n_jobs=None).fit(X.iloc[:96], y.iloc[:96])
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"], rtol=1e-4
    )
    assert search.best_params_ == local.best_params_
