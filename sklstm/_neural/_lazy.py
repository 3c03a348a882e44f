"""The one way into :mod:`sklstm._neural._keras`, the module that imports Keras.

``import sklstm`` must not import TensorFlow (about 4 s); the estimators call
:func:`keras_backend` when they first need a network.

It also keeps TensorFlow's start-up chatter off a user's screen: CUDA stub
notices and ``cuInit`` errors on machines without a GPU, CPU-feature and
oneDNN notices. Those are written by native code straight to file
descriptor 2, many before TensorFlow reads its own log settings (so even
``TF_CPP_MIN_LOG_LEVEL=3`` does not hold them back), and neither Python's
``logging`` nor ``warnings`` can catch them. When TensorFlow is not imported
yet, the first call

* catches what the import and the device discovery write to the standard
  error, then writes it back without the lines of :data:`STARTUP_NOISE`.
  Anything else, an unexpected warning or the reason an import failed, is
  still shown; and
* if the user has not set ``TF_CPP_MIN_LOG_LEVEL``, sets it to ``2``
  (TensorFlow's own switch: errors only) for the import only, and removes it
  again: nothing is left in ``os.environ``, so a child process (a joblib
  worker, a Dask nanny) starts as the user's own environment says and does
  its own filtering.

Whatever the user set ``TF_CPP_MIN_LOG_LEVEL`` to is left as it is, and what
TensorFlow logs after the import follows it. To see the start-up lines too
(or when the import itself crashes the process: what was held back dies with
it), import TensorFlow before the first fit: sklstm then filters nothing.
"""

import contextlib
import os
import re
import sys
import tempfile
import threading

#: Start-up lines of TensorFlow that tell a user nothing to act on.
STARTUP_NOISE = re.compile(
    "|".join(
        [
            r"All log messages before absl::InitializeLog\(\) is called",
            r"cudart_stub\.cc.*Could not find cuda drivers",
            r"failed call to cuInit",
            r"cpu_feature_guard\.cc",
            r"^To enable the following instructions: .* rebuild TensorFlow",
            r"oneDNN custom operations are on",
            r"Unable to register cu(DNN|FFT|BLAS) factory",
            r"computation placer already registered",
        ]
    )
)

_LOG_LEVEL = "TF_CPP_MIN_LOG_LEVEL"

_backend = None
_lock = threading.Lock()


def keras_backend():
    """Return :mod:`sklstm._neural._keras`, importing it (and TensorFlow) on first use."""
    global _backend
    if _backend is None:
        with _lock:
            if _backend is None:
                _backend = _load()
    return _backend


def loaded():
    """Whether :func:`keras_backend` has imported the backend (and TensorFlow)."""
    return _backend is not None


def _load():
    if "tensorflow" in sys.modules:  # imported by the user: nothing to hold back
        from . import _keras

        return _keras
    with _log_level_unless_set("2"), drop_startup_noise():
        from . import _keras

        # Finding the devices is where CUDA reports a missing driver (cuInit);
        # do it now, inside the filter, rather than at the first fit.
        _keras.tf.config.list_physical_devices()
    return _keras


@contextlib.contextmanager
def _log_level_unless_set(level):
    """``TF_CPP_MIN_LOG_LEVEL=level`` inside the block, unless the user set it.

    Removed again on leaving, so that no child process inherits it (and takes
    it for the user's setting).
    """
    if _LOG_LEVEL in os.environ:
        yield
        return
    os.environ[_LOG_LEVEL] = level
    try:
        yield
    finally:
        os.environ.pop(_LOG_LEVEL, None)


def _keep(text):
    """``text`` without its :data:`STARTUP_NOISE` lines."""
    lines = text.splitlines(keepends=True)
    return "".join(line for line in lines if not STARTUP_NOISE.search(line))


@contextlib.contextmanager
def drop_startup_noise():
    """Hold back what is written to file descriptor 2 inside the block, then
    write it back without the :data:`STARTUP_NOISE` lines (also on error)."""
    try:
        saved = os.dup(2)
    except OSError:  # no standard error to clean (e.g. pythonw)
        yield
        return
    with tempfile.TemporaryFile() as caught:
        _flush_stderr()
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            _flush_stderr()
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            kept = _keep(caught.read().decode("utf-8", errors="replace"))
            if kept:
                _flush_stderr()
                data = kept.encode("utf-8", errors="replace")
                while data:
                    data = data[os.write(2, data) :]


def _flush_stderr():
    with contextlib.suppress(Exception):
        sys.stderr.flush()
