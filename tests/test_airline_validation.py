"""The fixed rules and the anchor of benchmarks/airline_validation.py."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load_benchmark():
    sys.path.insert(0, str(BENCHMARKS))  # it imports airline_accuracy
    try:
        spec = importlib.util.spec_from_file_location(
            "airline_validation", BENCHMARKS / "airline_validation.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module


bench = _load_benchmark()
SEASON = np.array([0.9, 0.85, 1.0, 1.05, 1.1, 1.3, 1.45, 1.4, 1.15, 1.0, 0.9, 0.95])


def growing_season(n=60, growth=1.01):
    """A multiplicative season on exponential growth: both rules are exact."""
    t = np.arange(n)
    return 100.0 * growth**t * SEASON[t % 12]


@pytest.mark.parametrize("rule", ["seasonal_random_walk", "weighted_seasonal_change"])
def test_rules_forecast_a_growing_season_exactly(rule):
    values = growing_season()
    forecast = getattr(bench, rule)(values)
    t = np.arange(12, len(values) - 1)
    np.testing.assert_allclose([forecast(i) for i in t], values[t + 1], rtol=1e-12)
    folds = [(np.arange(20), np.arange(20, 40)), (np.arange(40), np.arange(40, 58))]
    np.testing.assert_allclose(bench.rule_scores(values, folds, forecast), 0, atol=1e-9)


def test_weighted_seasonal_change_follows_its_formula():
    values = growing_season(49)
    values[13] *= 1.2  # two Februaries (3 and 2 years before month 49)
    values[25] *= 1.1  # off the pattern, so that the weights matter
    forecast = bench.weighted_seasonal_change(values, weight=0.5)
    logs = np.log(values)
    # Month 48 is a January: the January -> February changes of the 4 years before.
    changes = [logs[37 - 12 * k] - logs[36 - 12 * k] for k in range(4)]
    expected = np.exp(logs[48] + np.dot([1, 0.5, 0.25, 0.125], changes) / 1.875)
    assert forecast(48) == pytest.approx(expected, rel=1e-12)


def test_anchored_uses_the_seasonal_random_walk_as_level():
    from sklstm import make_lstm_forecaster

    values = growing_season(30)
    X = pd.DataFrame({"y": values[:-1]}, index=pd.period_range("2000-01", periods=29, freq="M"))
    grid = {"regressor__lags__look_back": [13], "seasonal_period": [None, 12]}
    model, X_anchor, grid_anchor = bench.anchored(
        make_lstm_forecaster(seasonal_period=12, kind="log"), X, values, grid
    )
    assert model.get_params()["level"] == "anchor"
    assert model.get_params()["seasonal_period"] is None
    assert grid_anchor == {"regressor__lags__look_back": [13]}
    assert list(X_anchor.columns) == ["y", "anchor"] and list(X.columns) == ["y"]
    anchor = X_anchor["anchor"].to_numpy()
    np.testing.assert_array_equal(anchor[:12], values[:12])  # no cycle before: last value
    np.testing.assert_allclose(anchor[12:], values[13:30], rtol=1e-12)  # exact here


@pytest.mark.parametrize("rule", ["seasonal_random_walk", "weighted_seasonal_change"])
def test_rules_give_the_last_value_without_a_year_of_history(rule):
    values = growing_season(30)
    forecast = getattr(bench, rule)(values)
    assert [forecast(t) for t in range(12)] == list(values[:12])


@pytest.mark.parametrize("rule", ["seasonal_random_walk", "weighted_seasonal_change"])
def test_rules_never_read_the_month_they_forecast(rule):
    rng = np.random.default_rng(0)
    values = growing_season(50) * rng.uniform(0.9, 1.1, 50)
    for t in (12, 30, 48):
        changed = values.copy()
        changed[t + 1 :] *= 1.5  # the future: the forecast of t + 1 must not move
        assert getattr(bench, rule)(changed)(t) == getattr(bench, rule)(values)(t)


def test_anchor_never_reads_the_future():
    from sklstm import make_lstm_forecaster

    rng = np.random.default_rng(0)
    values = growing_season(40) * rng.uniform(0.9, 1.1, 40)
    X = pd.DataFrame({"y": values[:-1]}, index=pd.period_range("2000-01", periods=39, freq="M"))
    model = make_lstm_forecaster(seasonal_period=12, kind="log")
    anchor = bench.anchored(model, X, values, {})[1]["anchor"].to_numpy()
    for t in (5, 12, 30):
        changed = values.copy()
        changed[t + 1 :] *= 1.5
        again = bench.anchored(model, X, changed, {})[1]["anchor"].to_numpy()
        assert again[t] == anchor[t]
