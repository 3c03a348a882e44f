"""random_state: bit-identical refits, scikit-learn's RandomState/None semantics, no
global seeding."""

import json
import random
import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone

# dropout exercises the layers' own seed generators, a NaN step the masked network
SEEDED = dict(dropout=0.2)


@pytest.fixture(scope="session")
def tiny(tiny):
    """The shared small regressor, with dropout."""
    return lambda **params: tiny(**{**SEEDED, **params})


def make_data():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(40, 3, 2))
    X[:5, 0, :] = np.nan
    y = np.nansum(X, axis=(1, 2))
    return X, y


FIT_IN_A_NEW_PROCESS = """
import json, sys
import numpy as np
from sklstm import LSTMRegressor
folder, name, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
X, y = np.load(folder + "/X.npy"), np.load(folder + "/y.npy")
np.save(folder + "/" + name, LSTMRegressor(**params).fit(X, y).predict(X))
"""


@pytest.fixture(scope="module")
def data():
    return make_data()


def test_an_int_seed_gives_bit_identical_refits(tiny, data):
    X, y = data
    first = tiny().fit(X, y).predict(X)
    assert np.isfinite(first).all()
    model = tiny()
    np.testing.assert_array_equal(model.fit(X, y).predict(X), first)
    np.testing.assert_array_equal(model.fit(X, y).predict(X), first)  # refit of one object
    np.testing.assert_array_equal(clone(model).fit(X, y).predict(X), first)
    np.testing.assert_array_equal(clone(tiny()).fit(X, y).predict(X), first)
    assert not np.array_equal(tiny(random_state=1).fit(X, y).predict(X), first)


@pytest.mark.slow  # new processes that load TensorFlow
def test_an_int_seed_gives_the_same_predictions_in_other_processes(tiny, data, tmp_path):
    X, y = data
    here = tiny().fit(X, y).predict(X)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    params = json.dumps(tiny().get_params())
    # two processes at once: each starts TensorFlow afresh, and neither waits for the other
    runs = [
        subprocess.Popen([sys.executable, "-c", FIT_IN_A_NEW_PROCESS, str(tmp_path), name, params])
        for name in ("first.npy", "second.npy")
    ]
    assert [run.wait(timeout=600) for run in runs] == [0, 0]
    first, second = np.load(tmp_path / "first.npy"), np.load(tmp_path / "second.npy")
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, here)


def test_a_random_state_instance_advances_between_fits(tiny, data):
    """scikit-learn's glossary: each fit draws from the instance, so refits differ."""
    X, y = data
    random_state = np.random.RandomState(5)
    model = tiny(random_state=random_state)
    first = model.fit(X, y).predict(X)
    # the user's instance moved on
    assert not same_numpy_state(random_state.get_state(), np.random.RandomState(5).get_state())
    second = model.fit(X, y).predict(X)
    assert not np.array_equal(first, second)
    assert model.random_state is random_state  # the parameter is the user's object, unchanged
    # An instance in a given state seeds like the int it was made from.
    np.testing.assert_array_equal(first, tiny(random_state=5).fit(X, y).predict(X))
    np.testing.assert_array_equal(
        first, tiny(random_state=np.random.RandomState(5)).fit(X, y).predict(X)
    )


def test_none_draws_from_the_global_numpy_state(tiny, data):
    X, y = data
    np.random.seed(11)
    seeded = np.random.get_state()
    first = tiny(random_state=None).fit(X, y).predict(X)
    assert not same_numpy_state(np.random.get_state(), seeded)  # one draw was taken
    second = tiny(random_state=None).fit(X, y).predict(X)
    assert not np.array_equal(first, second)
    np.random.seed(11)
    np.testing.assert_array_equal(tiny(random_state=None).fit(X, y).predict(X), first)


def same_numpy_state(a, b):
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2:] == b[2:]


@pytest.mark.parametrize("random_state", [0, np.random.RandomState(0)], ids=["int", "instance"])
def test_fitting_leaves_every_global_random_state_alone(tiny, data, random_state):
    tf = pytest.importorskip("tensorflow")
    keras = pytest.importorskip("keras")
    X, y = data

    def draws_around(action):
        """Draws from every global generator, with ``action`` run in the middle."""
        keras.utils.set_random_seed(123)  # Python, NumPy, TensorFlow and Keras seeds
        generator = tf.random.Generator.from_seed(7)
        tf.random.set_global_generator(generator)
        before = (
            np.random.get_state(),
            random.getstate(),
            tf.random.uniform((3,)).numpy(),
            keras.random.uniform((3,)).numpy(),
            tf.random.get_global_generator().uniform((3,)).numpy(),
        )
        action()
        after = (
            np.random.get_state(),
            random.getstate(),
            tf.random.uniform((3,)).numpy(),
            keras.random.uniform((3,)).numpy(),
            tf.random.get_global_generator().uniform((3,)).numpy(),
        )
        return before, after

    def fit():
        tiny(random_state=random_state).fit(X, y).predict(X)

    tiny().fit(X, y)  # first use of TensorFlow and of the pooled networks, outside the check
    (_, untouched), (_, fitted) = draws_around(lambda: None), draws_around(fit)
    assert same_numpy_state(fitted[0], untouched[0]), "numpy's global state changed"
    assert fitted[1] == untouched[1], "Python's random state changed"
    np.testing.assert_array_equal(fitted[2], untouched[2], err_msg="tf.random sequence changed")
    np.testing.assert_array_equal(fitted[3], untouched[3], err_msg="keras.random sequence changed")
    np.testing.assert_array_equal(fitted[4], untouched[4], err_msg="TF global generator changed")
