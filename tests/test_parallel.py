"""Grid searches in parallel: joblib processes on one machine, and a Dask cluster."""

import os
import signal
import threading
import time

import joblib
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler

from sklstm import LagFeaturizer, LSTMRegressor, SequenceReshaper, to_supervised
from sklstm.datasets import load_airline


def search():
    pipe = Pipeline(
        [
            ("scale", MinMaxScaler()),
            ("lags", LagFeaturizer(look_back=3)),
            ("seq", SequenceReshaper()),
            ("lstm", LSTMRegressor(epochs=3, batch_size=16, random_state=0)),
        ]
    )
    grid = {"lags__look_back": [1, 3], "lstm__units": [2, 4]}
    return GridSearchCV(pipe, grid, cv=TimeSeriesSplit(3), scoring="neg_root_mean_squared_error")


@pytest.fixture(scope="module")
def data_and_local_scores():
    X, y = to_supervised(load_airline())
    local = search().fit(X, y)
    return X, y, local.cv_results_["mean_test_score"]


@pytest.mark.slow
def test_n_jobs_processes_give_the_local_scores(data_and_local_scores):
    X, y, local = data_and_local_scores
    parallel = search().set_params(n_jobs=2).fit(X, y)
    np.testing.assert_allclose(parallel.cv_results_["mean_test_score"], local, rtol=1e-4)


@pytest.mark.slow
def test_dask_cluster_gives_the_local_scores_and_survives_a_lost_worker(
    data_and_local_scores,
):
    distributed = pytest.importorskip("distributed")
    X, y, local = data_and_local_scores
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        with joblib.parallel_backend("dask"):
            remote = search().fit(X, y)
        np.testing.assert_allclose(remote.cv_results_["mean_test_score"], local, rtol=1e-4)

        # Kill one worker process while tasks run on it; Dask's nanny starts a
        # new one and the scheduler reruns the lost tasks.
        victim = next(iter(client.run(os.getpid).values()))
        killed = threading.Event()

        def kill_when_busy():
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if any(client.processing().values()):
                    time.sleep(1.0)  # let the victim get into a fit
                    os.kill(victim, signal.SIGKILL)
                    killed.set()
                    return
                time.sleep(0.05)

        killer = threading.Thread(target=kill_when_busy, daemon=True)
        killer.start()
        with joblib.parallel_backend("dask"):
            survived = search().fit(X, y)
        killer.join()
        assert killed.is_set()  # a worker died mid-search, and the search finished
        np.testing.assert_allclose(survived.cv_results_["mean_test_score"], local, rtol=1e-4)
