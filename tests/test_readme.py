"""The README's commands are the ones CI runs, and its first code block works."""

import importlib.util
import re
from pathlib import Path

import pytest
from sklearn.metrics import root_mean_squared_error

from sklstm import to_supervised
from sklstm.datasets import load_airline

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _quickstart():
    """The README's first code block: the one docs/index.rst shows too."""
    part = README.split("<!-- quickstart")[1].split("<!-- /quickstart -->")[0]
    return re.search(r"```python\n(.*?)```", part, re.DOTALL).group(1)


def test_ci_runs_the_readme_commands():
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [line for line in README.splitlines() if line.startswith("python3 -m venv")]
    assert len(commands) == 2
    for command in commands:
        assert command in ci.splitlines()


def test_the_docs_front_page_shows_the_readme_quickstart():
    index = (ROOT / "docs" / "index.rst").read_text()
    assert ".. include:: ../README.md" in index
    for marker in re.findall(r":(?:start-after|end-before): (.+)", index):
        assert README.count(marker.strip()) == 1


@pytest.mark.slow  # the README's grid search, full length
def test_quickstart_is_tuned_on_the_past_and_beats_the_baselines():
    code = _quickstart()
    # The search sees the first rows only; the test rows are scored once.
    assert ".fit(X.iloc[:n_train], y.iloc[:n_train])" in code
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    search, n_train = namespace["search"], namespace["n_train"]
    assert len(search.cv_results_["params"]) > 1
    X, y = to_supervised(load_airline())
    assert n_train < len(X) - 24
    series = load_airline()
    X_test, y_test = X.iloc[n_train:], y.iloc[n_train:]
    persistence = root_mean_squared_error(y_test, X_test["passengers"])
    seasonal_naive = root_mean_squared_error(y_test, series.shift(11).loc[X_test.index])
    assert namespace["test_rmse"] < 0.75 * min(persistence, seasonal_naive)


@pytest.mark.slow  # an example end to end: several networks
def test_first_run_shows_the_recommended_forecaster_beating_the_baselines(tmp_path):
    """The README's first command: examples/airline_passengers.py."""
    spec = importlib.util.spec_from_file_location(
        "airline_passengers", ROOT / "examples" / "airline_passengers.py"
    )
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    rmse = example.main(["--output", str(tmp_path / "plot.png")])
    baselines = [
        rmse["persistence (this month)"],
        rmse["seasonal naive (a year before)"],
    ]
    assert rmse["make_lstm_forecaster"] < 0.75 * min(baselines)
    # The tutorial's model on levels is shown for what it is: no better.
    assert rmse["tutorial LSTM, done right"] > rmse["make_lstm_forecaster"]
    assert (tmp_path / "plot.png").stat().st_size > 10_000
