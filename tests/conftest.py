"""Shared test helpers: a small LSTMRegressor, small sequences, the airline data and pipeline.

Fixtures that fit nothing are session-scoped (the data is never mutated by a
test: tests that need to change it take a copy). See tests/README.md for the
``slow`` marker.
"""

import numpy as np
import pytest
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler

from sklstm import LagFeaturizer, LSTMRegressor, SequenceReshaper, to_supervised
from sklstm.datasets import load_airline

TINY = dict(units=4, max_iter=3, batch_size=16, random_state=0)


@pytest.fixture(scope="session")
def tiny():
    """``tiny(**params)``: a small, seeded LSTMRegressor that trains in well under a second."""

    def make(**params):
        return LSTMRegressor(**{**TINY, **params})

    return make


@pytest.fixture(scope="session")
def sequences():
    """48 sequences of 4 steps and 2 features; y depends on the last two steps."""
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(48, 4, 2))
    X.flags.writeable = False  # shared by many tests: copy to change
    y = X[:, -1, 0] + 0.5 * X[:, -2, 1]
    y.flags.writeable = False
    return X, y


@pytest.fixture(scope="session")
def airline():
    """The airline passengers as (X, y) = to_supervised(load_airline())."""
    return to_supervised(load_airline())


@pytest.fixture(scope="session")
def airline_pipeline():
    """``airline_pipeline(look_back=1, units=4, **lstm_params)``: the tutorial's pipeline.

    MinMaxScaler, LagFeaturizer, SequenceReshaper and a small seeded LSTMRegressor.
    """

    def make(look_back=1, units=4, **lstm_params):
        return Pipeline(
            [
                ("scale", MinMaxScaler()),
                ("lags", LagFeaturizer(look_back=look_back)),
                ("seq", SequenceReshaper()),
                ("lstm", LSTMRegressor(**{**TINY, "units": units, **lstm_params})),
            ]
        )

    return make
