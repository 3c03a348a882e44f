"""TensorFlow is loaded only when a network is built, and its start-up chatter stays off
the screen unless the user asks for it."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sklstm._neural._lazy import STARTUP_NOISE, drop_startup_noise

ROOT = Path(__file__).resolve().parents[1]

# What a new user runs first: import sklstm, fit a network. It prints the
# log level TensorFlow ran with, on stdout.
FIRST_FIT = (
    "import os, numpy as np, sklstm; "
    "sklstm.LSTMRegressor(max_iter=1).fit(np.ones((4, 1, 1)), np.ones(4)); "
    "print(os.environ.get('TF_CPP_MIN_LOG_LEVEL'))"
)

# Lines TensorFlow 2.21 wrote on a machine without a GPU, before sklstm
# filtered them.
SEEN = """\
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1795954115.879708    5689 cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will not be used.
I0000 00:00:1795954116.255560    5689 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.
To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.
E0000 00:00:1795954120.839186    5689 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)
"""  # noqa: E501 (the lines as TensorFlow wrote them)


def test_import_and_transformers_do_not_load_tensorflow():
    # A new process that never loads TensorFlow: cheap, so not marked slow.
    code = (
        "import sys, numpy as np, sklstm\n"
        "from sklearn.base import clone\n"
        "X = np.arange(10.0).reshape(-1, 1)\n"
        "sklstm.SequenceReshaper().fit_transform(sklstm.LagFeaturizer(3).fit_transform(X))\n"
        "m = clone(sklstm.LSTMRegressor(units=(4, 2))); m.set_params(max_iter=3); m.get_params()\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# Any line in absl's format ("I0000 00:00:...", "W0000", "E0000"), the form of
# every start-up line TensorFlow writes, and its pre-InitializeLog banner.
ABSL_LINE = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:|absl::InitializeLog")

# After a first fit in the parent: a grid search whose workers (other
# processes, started with the parent's environment) load TensorFlow, then a
# saved model. A second script loads that model in a fresh process.
GRID_AND_SAVE = (
    "import sys, numpy as np, sklstm\n"
    "from sklearn.model_selection import GridSearchCV\n"
    "X, y = np.random.RandomState(0).rand(12, 2, 1), np.arange(12.0)\n"
    "model = sklstm.LSTMRegressor(units=2, max_iter=1).fit(X, y)\n"
    "GridSearchCV(sklstm.LSTMRegressor(max_iter=1), {'units': [1, 2]}, cv=2, n_jobs=2)"
    ".fit(X, y)\n"
    "sklstm.save_model(model, sys.argv[1])\n"
)
LOAD = (
    "import sys, numpy as np, sklstm\nsklstm.load_model(sys.argv[1]).predict(np.ones((3, 2, 1)))\n"
)


def _run(code, *args, **env):
    environ = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    environ.update(env, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )


def _first_fit(**env):
    return _run(FIRST_FIT, **env)


@pytest.mark.slow  # a new process that loads TensorFlow
def test_first_fit_prints_no_tensorflow_startup_noise():
    done = _first_fit()
    assert [line for line in done.stderr.splitlines() if ABSL_LINE.search(line)] == []
    # TensorFlow's switch was set for the import only: a child process started
    # after the fit sees the user's environment, not sklstm's setting.
    assert done.stdout.strip() == "None"


@pytest.mark.slow  # a new process that loads TensorFlow
@pytest.mark.parametrize("level", ["0", "3"])
def test_a_users_log_level_is_left_alone_and_startup_lines_still_dropped(level):
    done = _first_fit(TF_CPP_MIN_LOG_LEVEL=level)
    assert done.stdout.strip() == level
    assert [line for line in done.stderr.splitlines() if STARTUP_NOISE.search(line)] == []
    if level == "3":  # the quietest setting: nothing in absl's format at all
        assert [line for line in done.stderr.splitlines() if ABSL_LINE.search(line)] == []


@pytest.mark.slow  # processes and joblib workers that load TensorFlow
@pytest.mark.parametrize("level", [None, "3"])
def test_grid_search_workers_and_a_loading_process_print_no_startup_lines(level, tmp_path):
    env = {} if level is None else {"TF_CPP_MIN_LOG_LEVEL": level}
    path = str(tmp_path / "model.skops")
    for done in (_run(GRID_AND_SAVE, path, **env), _run(LOAD, path, **env)):
        assert [line for line in done.stderr.splitlines() if ABSL_LINE.search(line)] == []


def test_every_line_seen_is_noise():
    assert all(STARTUP_NOISE.search(line) for line in SEEN.splitlines())


def test_only_the_noise_is_dropped(capfd):
    with drop_startup_noise():
        os.write(2, SEEN.encode())
        os.write(2, b"UserWarning: something to act on\n")
    assert capfd.readouterr().err == "UserWarning: something to act on\n"


def test_what_a_failed_import_says_is_kept(capfd):
    with pytest.raises(ImportError, match="no module"):
        with drop_startup_noise():
            os.write(2, SEEN.encode() + b"libfoo.so: cannot open shared object file\n")
            raise ImportError("no module")
    assert capfd.readouterr().err == "libfoo.so: cannot open shared object file\n"


def test_the_datasets_subpackage_is_an_attribute_without_importing_it_first():
    # A new process: here sklstm.datasets is imported already. No TensorFlow.
    code = (
        "import sys, sklstm\n"
        "assert 'sklstm.datasets' not in sys.modules\n"
        "assert len(sklstm.datasets.load_airline()) == 144\n"
        "assert 'tensorflow' not in sys.modules\n"
    )
    subprocess.run(
        [sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
