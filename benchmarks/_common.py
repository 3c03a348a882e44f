"""Code shared by the benchmarks: the forecast-accuracy metric and the examples.

A script that imports this module when run as a file
(``python benchmarks/m3.py``) first makes the repository root importable,
as ``python -m benchmarks.m3`` and pytest do by themselves::

    if not __package__:  # run as a file: import the benchmarks as a package
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
"""

import importlib

import numpy as np


def smape(y_true, y_pred):
    """Symmetric MAPE in percent: the mean of ``200 |y - f| / (|y| + |f|)``, as in
    the M competitions."""
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    return float(np.mean(200.0 * np.abs(y_true - y_pred) / (np.abs(y_true) + np.abs(y_pred))))


def rmse(actual, forecast):
    """Root mean squared error of ``forecast`` against ``actual``."""
    actual, forecast = np.asarray(actual, float), np.asarray(forecast, float)
    return float(np.sqrt(np.mean((actual - forecast) ** 2)))


def load_example(name):
    """The gallery example ``examples/<name>.py``, imported as ``examples.<name>``.

    ``examples`` is a namespace package (no ``__init__.py``, so the gallery
    is unchanged), importable with the repository root on the path; its
    functions pickle by name, for joblib's workers.
    """
    return importlib.import_module(f"examples.{name}")
