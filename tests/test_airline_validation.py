"""The fixed rules and the season rows of benchmarks/airline_validation.py."""

import numpy as np
import pandas as pd
import pytest

from benchmarks import airline_validation as bench

SEASON = np.array([0.9, 0.85, 1.0, 1.05, 1.1, 1.3, 1.45, 1.4, 1.15, 1.0, 0.9, 0.95])


def growing_season(n=60, growth=1.01):
    """A multiplicative season on exponential growth: both rules are exact."""
    t = np.arange(n)
    return 100.0 * growth**t * SEASON[t % 12]


def supervised(values):
    from sklstm import to_supervised

    index = pd.period_range("2000-01", periods=len(values), freq="M")
    return to_supervised(pd.Series(values, index=index, name="y"))


@pytest.mark.parametrize("decay", [0.0, 0.7])
def test_the_rules_forecast_a_growing_season_exactly(decay):
    X, y = supervised(growing_season())
    folds = [(np.arange(20), np.arange(20, 40)), (np.arange(40), np.arange(40, 59))]
    np.testing.assert_allclose(bench.base_scores(X, y, folds, decay), 0, atol=1e-9)


def test_the_rules_are_the_weighted_same_month_changes():
    values = growing_season(49)
    values[12] *= 1.2  # two Januaries (3 and 2 years before month 48)
    values[24] *= 1.1  # off the pattern, so that the weights matter
    X, y = supervised(values)
    logs = np.log(values)
    # Month 47 is a December: the December -> January changes of the 3 years before.
    changes = [logs[36 - 12 * k] - logs[35 - 12 * k] for k in range(3)]
    for decay, weights in ((0.7, [1, 0.7, 0.49]), (0.0, [1, 0, 0])):
        forecast = np.exp(logs[47] + np.dot(weights, changes) / np.sum(weights))
        score = bench.base_scores(X, y, [(np.arange(47), np.array([47]))], decay)
        assert score[0] == pytest.approx(abs(values[48] - forecast), rel=1e-9)
        assert (score[0] > 1.0) == (decay > 0)  # the older, off-pattern years count


class RidgeExample:
    """The example's interface, with a Ridge in the recipe: fast to search."""

    @staticmethod
    def lstm_model(seed):
        from sklearn.linear_model import Ridge

        from sklstm import make_lstm_forecaster

        return make_lstm_forecaster(seasonal_period=12, kind="log").set_params(
            regressor__lstm=Ridge()
        )


def test_lstm_scores_give_the_best_candidate_and_the_best_of_each_season_mode():
    from sklearn.model_selection import TimeSeriesSplit

    X, y = supervised(growing_season(60) * np.random.default_rng(0).uniform(0.95, 1.05, 60))
    from sklstm import SeasonalChanges, SeasonalIndices

    grid = [
        {"regressor__lstm__alpha": [1.0, 10.0], "season": [None]},
        {
            "regressor__lstm__alpha": [1.0],
            "season": [SeasonalIndices(12), SeasonalChanges(12)],
        },
    ]
    rows = bench.lstm_scores(RidgeExample, X, y, TimeSeriesSplit(2, test_size=12), [0], grid)
    names = [name for _, name, _, _ in rows]
    assert names[0] == "best candidate" and sorted(names[1:]) == [
        "best with SeasonalChanges(12)",
        "best with season left to the network",
        "best with seasonal indices",
    ]
    by_name = {name: params for _, name, _, params in rows}
    assert isinstance(by_name["best with SeasonalChanges(12)"]["season"], SeasonalChanges)
    assert by_name["best with season left to the network"]["season"] is None
