"""The public face of sklstm's persistence: :func:`save_model` and :func:`load_model`.

A bare :class:`~sklstm.LSTMRegressor` is stored in the format of
:mod:`._regressor_file`, anything else in that of :mod:`._composite`; both are
zip archives read within the bounds of :mod:`._archive`. Loading never
unpickles anything and treats the file as hostile.
"""

import os

from sklearn.utils.validation import check_is_fitted

from .._neural._regressor import LSTMRegressor
from ._archive import open_file, write_atomically
from ._composite import estimator_writer, is_estimator_archive, load_estimator
from ._regressor_file import load_regressor, regressor_writer
from ._trust import trusted_names


def save_model(estimator, path):
    """Save a fitted :class:`LSTMRegressor`, or a fitted estimator made of one, without pickle.

    The file holds each network in Keras's ``.keras`` format, a bare
    regressor's other state as JSON, and the rest of a composite estimator (a
    ``Pipeline``, a :class:`ChangeRegressor`, :func:`make_lstm_forecaster`'s
    output, a ``GridSearchCV``'s ``best_estimator_``) in skops's format;
    :func:`load_model` reads it back without running code from the file, so
    it can be shared. The write is atomic: the file at ``path`` is either the
    previous one or the complete new one, never a mix.

    Parameters
    ----------
    estimator : LSTMRegressor or scikit-learn estimator
        A fitted regressor, or a fitted scikit-learn estimator made of
        scikit-learn and sklstm parts; its ``LSTMRegressor`` instances are
        found in estimators' attributes and in the lists, tuples, sets,
        dicts and object arrays they hold.
    path : str or os.PathLike
        Where to write the file. An existing file is replaced and keeps its
        permission bits; when ``path`` is a symbolic link, the file it points
        to is replaced and the link kept.

    Raises
    ------
    TypeError
        If ``estimator`` is not a scikit-learn estimator, or one of an
        ``LSTMRegressor``'s parameters or fitted attributes has no JSON form.
    ValueError
        If an ``LSTMRegressor``'s parameters no longer describe its fitted
        network (changed with ``set_params`` after ``fit``: ``units``,
        ``cell``, ``dropout``, ``quantiles``...), so that :func:`load_model`
        would refuse the file; nothing is written.
    sklearn.exceptions.NotFittedError
        If ``estimator`` is not fitted.

    See Also
    --------
    load_model : Read the file back.

    Notes
    -----
    A ``random_state`` given as a ``RandomState`` instance is stored with its
    current state. ``units`` given as a list comes back as a tuple. The
    optimizer's state is not stored: a loaded estimator predicts exactly as
    the saved one, and :meth:`~LSTMRegressor.fit` trains a new network as
    always.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklstm import LSTMRegressor, load_model, save_model
    >>> X = np.random.RandomState(0).uniform(size=(32, 3, 1))
    >>> y = X.sum(axis=(1, 2))
    >>> model = LSTMRegressor(units=4, max_iter=2, random_state=0).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "model.sklstm")
    ...     save_model(model, path)
    ...     loaded = load_model(path)
    >>> bool((loaded.predict(X) == model.predict(X)).all())
    True
    """
    if type(estimator) is LSTMRegressor and estimator.init is None:
        check_is_fitted(estimator)
        write = regressor_writer(estimator)
    else:
        write = estimator_writer(estimator)
    write_atomically(path, write)


def load_model(path, *, trusted=None):
    """Load an :class:`LSTMRegressor`, or an estimator made of one, written by :func:`save_model`.

    The file is treated as hostile. Nothing in it is executed; the JSON part
    is checked value by value; the network's config must be exactly the one
    sklstm builds from the stored parameters, and its weights exactly as many
    float32 numbers, before Keras loads it with ``safe_mode=True``. What is
    read is bounded by those parameters, so a crafted file is refused in
    bounded time and memory.

    Parameters
    ----------
    path : str or os.PathLike
        A file written by :func:`save_model`.
    trusted : list of type or str, default=None
        For a composite estimator, types to load beyond those sklstm trusts
        (its own estimators, the pandas labels they keep, and the
        scikit-learn types skops trusts), as types or as the
        ``"module.Name"`` strings a refused file's message lists. Give only
        types you have read and whose source you trust. ``LSTMRegressor``
        (under any name, or a subclass) is not accepted here: its networks
        are always checked.

    Returns
    -------
    estimator : LSTMRegressor or scikit-learn estimator
        The fitted estimator; it predicts exactly as the saved one did.

    Raises
    ------
    ValueError
        If ``path`` is not a regular file (a directory, device, FIFO), or
        the file is not one written by :func:`save_model` (a damaged or
        crafted archive, a member larger than its parameters allow, a
        network other than the one they describe), comes from an unknown
        format version, or holds an unknown key or a value of the wrong type
        or out of range; or if a composite estimator's file holds types
        neither sklstm nor ``trusted`` trusts: the message names them.
    TypeError
        If ``trusted`` is not a list of types or strings.
    FileNotFoundError
        If there is no file at ``path``.

    See Also
    --------
    save_model : Write such a file.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklstm import LSTMRegressor, load_model, save_model
    >>> X = np.random.RandomState(0).uniform(size=(32, 3, 1))
    >>> model = LSTMRegressor(units=4, max_iter=2, random_state=0).fit(X, X.sum(axis=(1, 2)))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "model.sklstm")
    ...     save_model(model, path)
    ...     loaded = load_model(path)
    >>> loaded.get_params()["units"], loaded.n_features_in_
    (4, 1)
    """
    trusted = trusted_names(trusted)  # a bad argument fails before the file is read
    path = os.fspath(path)
    what = f"{path!s} is not a file written by sklstm.save_model"
    with open_file(path, what) as file:  # a missing file stays FileNotFoundError
        if is_estimator_archive(file, what):
            return load_estimator(file, path, trusted)
        return load_regressor(file, path)
