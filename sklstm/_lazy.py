"""The one way into :mod:`sklstm._keras`, the module that imports Keras.

``import sklstm`` must not import TensorFlow (about 4 s); the estimators call
:func:`keras_backend` when they first need a network.
"""


def keras_backend():
    """Return :mod:`sklstm._keras`, importing it (and TensorFlow) on first use."""
    from . import _keras

    return _keras
