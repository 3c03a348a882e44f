"""Data checked once per forecast call: later steps skip what would repeat it.

:func:`~sklstm.recursive_forecast` checks its data at the first step (every
check of every stage of the model runs then). Each later step hands the model
rows it built itself from those data: the same columns, float64, its own
forecasts (checked finite) in the target column. Inside
:func:`data_checked`, sklstm's estimators read such rows with
:func:`checked_array`: they convert them and check their number of features,
and skip the rest of ``validate_data`` (feature names, the dtype of every
column), which every stage of a pipeline would otherwise repeat at every
step. Anything else (a sparse matrix, text, another number of features) goes
through the full checks as before.

The flag is a :class:`contextvars.ContextVar`, like scikit-learn's
``config_context``: it holds for the calls made inside the ``with`` block
only, in this thread, and is restored on leaving it.
"""

import contextlib
import contextvars

import numpy as np
import pandas as pd

_CHECKED = contextvars.ContextVar("sklstm_data_checked", default=False)


@contextlib.contextmanager
def data_checked():
    """Within this block, the data handed to sklstm's estimators were checked."""
    token = _CHECKED.set(True)
    try:
        yield
    finally:
        _CHECKED.reset(token)


def checked_array(estimator, X, dtypes=(np.float64, np.float32)):
    """``X`` as the 2-D array ``validate_data(estimator, X, reset=False)``
    gives, read without re-checking it, inside :func:`data_checked`.

    Parameters
    ----------
    estimator : fitted estimator
        Its ``n_features_in_`` is the number of columns ``X`` must have.
    X : object
        The data.
    dtypes : tuple of dtype, default=(float64, float32)
        The dtypes kept as they are (``validate_data``'s ``dtype`` list).

    Returns
    -------
    X_array : ndarray or None
        The values of ``X`` (possibly a view: copy before writing), or None
        outside :func:`data_checked`, or when ``X`` is not a DataFrame or
        ndarray of one of ``dtypes`` with ``n_features_in_`` columns: then
        the caller runs its full checks.
    """
    if not _CHECKED.get():
        return None
    if isinstance(X, pd.DataFrame):
        if not all(dtype in dtypes for dtype in X.dtypes):
            return None
        X = X.to_numpy()
    if not isinstance(X, np.ndarray) or X.ndim != 2 or X.dtype not in dtypes:
        return None
    if X.shape[1] != getattr(estimator, "n_features_in_", None):
        return None
    return X
