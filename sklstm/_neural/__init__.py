"""The neural model: :class:`LSTMRegressor` and its Keras backend.

``_regressor`` is the scikit-learn face (parameters, validation, tags,
scaling); ``_keras`` is the only module of sklstm that imports Keras or
TensorFlow, reached through ``_lazy.keras_backend()`` on first use.
"""

from ._regressor import LSTMRegressor

__all__ = ["LSTMRegressor"]
