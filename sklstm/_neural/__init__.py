"""The neural model: :class:`LSTMRegressor` and its Keras backend.

``_regressor`` is the scikit-learn face (parameters, validation, tags,
scaling); ``_keras`` is the only module of sklstm that imports Keras or
TensorFlow, reached through ``_lazy.keras_backend()`` on first use.
"""

from . import _lazy
from ._regressor import LSTMRegressor

__all__ = ["LSTMRegressor", "clear_traces"]


def clear_traces():
    """Drop the compiled training and prediction functions sklstm keeps.

    Training and predicting run TensorFlow functions traced once per network
    layout, sequence length, optimizer and loss, and kept for later fits
    (tracing costs more than training a small network). sklstm keeps at most
    a few hundred of them, the least recently used dropped first; call this
    to drop them all at once, for example after a wide grid search in a
    long-lived process. Fitted estimators keep working: the next fit or
    predict traces what it needs again. It does nothing when TensorFlow has
    not been loaded.

    TensorFlow itself keeps much of a dropped function's memory until the
    process ends (``python benchmarks/bench.py --only shapes`` measures how
    much is given back); to free it all, fit in a worker process that ends,
    as ``GridSearchCV(n_jobs=...)`` does.

    See Also
    --------
    keras.backend.clear_session : Keras's own reset (of Keras's global state).

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import LSTMRegressor, clear_traces
    >>> X, y = np.ones((8, 2, 1)), np.arange(8.0)
    >>> model = LSTMRegressor(units=2, max_iter=1).fit(X, y)
    >>> clear_traces()
    >>> model.predict(X[:2]).shape
    (2,)
    """
    if _lazy.loaded():
        _lazy.keras_backend().clear_traces()
