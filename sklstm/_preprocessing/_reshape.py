"""From the 2-D lag matrix to the 3-D ``[samples, time steps, features]`` array."""

import warnings
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .._auto import for_rows
from .._naming import lag_name, read_lag
from .._state import fit_context
from .._validation import StrictInterval


class SequenceReshaper(TransformerMixin, BaseEstimator):
    """Reshape a lag matrix into the 3-D array a recurrent network reads.

    Each row of the input holds a window of time steps, ``features_per_step``
    columns per step. The output is ``[samples, time steps, features]`` with
    the oldest step first, the order in which an LSTM must read them.

    **How the columns are read.** When ``X`` is a DataFrame whose columns are
    lag names, the names say everything: ``<feature>_lag<k>`` as
    :class:`~sklstm.LagFeaturizer` names them (e.g. ``passengers_lag2``),
    ``lag_<k>`` as skforecast names them, with or without a
    ``<step>__`` prefix. ``k`` counts steps back in time, so the columns are
    put oldest first (largest ``k`` first) whatever their order in ``X``,
    and the number of features per step is the number of distinct features.
    A DataFrame from ``LagFeaturizer`` with ``set_output(transform="pandas")``
    therefore needs no parameter. A NumPy matrix has no names: its columns
    are read by position, ``features_per_step`` at a time, in the ``order``
    given (oldest first by default, as ``LagFeaturizer`` writes them). The
    number of time steps always follows from the width, so one reshaper
    keeps working when a grid search varies ``look_back``.

    A 2-D matrix given straight to :class:`~sklstm.LSTMRegressor` is read as
    one time step with all columns as its features; this transformer is for
    one time step per lag, or for choosing between the two from the data
    (``layout="auto"``).

    Parameters
    ----------
    features_per_step : int or None, default=None
        Number of columns that make one time step (the number of columns the
        lag featurizer was given). None reads it from lag column names, and
        means 1 (a single series) for input without them. When the names
        tell it, a different value is an error.
    layout : {"lags", "window", "auto"}, default="lags"
        ``"lags"``: one time step per lag, as described above. ``"window"``:
        the whole window as one time step: :meth:`transform` passes the 2-D
        matrix on as it is, which :class:`~sklstm.LSTMRegressor` reads as
        one time step and any other regressor as rows of features. ``"auto"``:
        ``"window"`` for at most 10,000 rows in :meth:`fit`, ``"lags"`` for
        more: on the M3 monthly series a model of one series (about 100
        windows) did better with the window as one step, and a global model
        over all of them with one step per month, which gives the recurrent
        layer more to learn. The choice is ``layout_``.
    order : {"auto", "oldest_first", "newest_first"}, default="auto"
        The time order of the steps along the columns. ``"auto"`` reads it
        from lag column names, and takes a matrix without names to be oldest
        first; a DataFrame whose names are not lag names gets a warning, since
        its order cannot be told. ``"newest_first"`` reverses the steps (the
        columns within a step keep their order). When the names tell the
        order, a different value is an error.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the columns seen during :meth:`fit`, when ``X`` has string
        column names.
    layout_ : {"lags", "window"}
        The layout used: ``layout``, or what ``"auto"`` chose.
    n_steps_ : int
        Number of time steps per sample in the output of :meth:`transform`.
    features_per_step_ : int
        Number of features per time step in the output.
    columns_ : ndarray of shape (n_steps_, features_per_step_)
        ``columns_[s, f]`` is the input column that becomes feature ``f`` of
        time step ``s`` (step 0 is the oldest).

    See Also
    --------
    LagFeaturizer : Build the lag windows this transformer reshapes.
    LSTMRegressor : The recurrent regressor that reads the 3-D array.

    Notes
    -----
    NaN (a lag before the start of the series) passes through unchanged;
    :class:`~sklstm.LSTMRegressor` masks those time steps.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import SequenceReshaper
    >>> X = np.array([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]])
    >>> SequenceReshaper().fit_transform(X)[0].ravel()
    array([1., 2., 3.])

    Newest-first columns named as skforecast names them come out oldest first:

    >>> import pandas as pd
    >>> X = pd.DataFrame({"lag_1": [3.0, 4.0], "lag_2": [2.0, 3.0], "lag_3": [1.0, 2.0]})
    >>> SequenceReshaper().fit_transform(X)[0].ravel()
    array([1., 2., 3.])

    Two features per step, from ``LagFeaturizer`` with pandas output:

    >>> from sklstm import LagFeaturizer
    >>> frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [10.0, 20.0, 30.0]})
    >>> lags = LagFeaturizer(look_back=2).set_output(transform="pandas")
    >>> reshaper = SequenceReshaper().fit(lags.fit_transform(frame))
    >>> reshaper.n_steps_, reshaper.features_per_step_
    (2, 2)
    """

    _parameter_constraints: dict = {
        "features_per_step": [StrictInterval(Integral, 1, None, closed="left"), None],
        "order": [StrOptions({"auto", "oldest_first", "newest_first"})],
        "layout": [StrOptions({"lags", "window", "auto"})],
    }

    def __init__(self, *, features_per_step=None, order="auto", layout="lags"):
        self.features_per_step = features_per_step
        self.order = order
        self.layout = layout

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Work out which column is which time step and feature.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps * features_per_step)
            The lag matrix.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceReshaper
            The fitted transformer.
        """
        X = self._validate(X, reset=True)
        names = getattr(self, "feature_names_in_", None)
        from_names = None if names is None else _columns_from_names(names)
        if from_names is None:
            if names is not None and self.order == "auto":
                warnings.warn(
                    "SequenceReshaper cannot tell the time order of the columns "
                    f"from their names ({_preview(names)}): it reads them oldest "
                    "first. Name them as LagFeaturizer does (<feature>_lag<k>) or "
                    "pass order='oldest_first' or 'newest_first' to say which.",
                    UserWarning,
                    stacklevel=3,
                )
            per_step = 1 if self.features_per_step is None else self.features_per_step
            self.columns_ = _columns_by_position(X.shape[1], per_step, self.order)
        else:
            self.columns_ = from_names
            self._check_agrees_with_names(names)
        self.layout_ = for_rows(self.layout, X.shape[0], "window", "lags")
        if self.layout_ == "window":  # one step: every column, as given
            self.columns_ = np.arange(X.shape[1])[np.newaxis, :]
        self.n_steps_, self.features_per_step_ = self.columns_.shape
        return self

    def transform(self, X):
        """Reshape ``X`` to ``[samples, time steps, features]``, oldest step first.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_)
            The lag matrix, its columns as in :meth:`fit`.

        Returns
        -------
        X_seq : ndarray of shape (n_samples, n_steps_, features_per_step_)
            A new array; NaN entries are kept. With ``layout_="window"``,
            the 2-D ``(n_samples, n_features_in_)`` matrix.
        """
        # columns_, not any fitted attribute: a failed fit may have set
        # n_features_in_ before it raised.
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        if self.layout_ == "window":
            return X.copy()
        return X[:, self.columns_]  # fancy indexing: a new array

    def __setstate__(self, state):
        # A reshaper saved before ``layout`` existed read one time step per lag.
        state = dict(state)
        state.setdefault("layout", "lags")
        if "columns_" in state:
            state.setdefault("layout_", "lags")
        super().__setstate__(state)

    def set_output(self, *, transform=None):
        """Accept an output container setting; the 3-D output stays an ndarray.

        A DataFrame cannot hold ``[samples, time steps, features]``, so this
        step ignores the setting. It exists so that
        ``Pipeline.set_output(transform="pandas")`` works on a whole pipeline:
        the steps before this one then pass their index and column names on.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None, default=None
            Ignored.

        Returns
        -------
        self : SequenceReshaper
            The transformer, unchanged.
        """
        return self

    def _check_agrees_with_names(self, names):
        """An explicit parameter that contradicts the lag names is an error."""
        per_step = self.columns_.shape[1]
        if self.features_per_step not in (None, per_step):
            raise ValueError(
                f"features_per_step={self.features_per_step}, but the column names "
                f"({_preview(names)}) hold {per_step} feature(s) per time step. "
                "Leave features_per_step=None to read it from the names."
            )
        if self.order != "auto":
            positional = _columns_by_position(len(names), per_step, self.order)
            if not np.array_equal(positional, self.columns_):
                raise ValueError(
                    f"order={self.order!r}, but the column names ({_preview(names)}) "
                    "put the time steps in another order. Leave order='auto' to "
                    "read it from the names."
                )

    def _validate(self, X, reset):
        return validate_data(
            self,
            X,
            reset=reset,
            dtype=[np.float64, np.float32],
            ensure_all_finite="allow-nan",
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _columns_by_position(width, per_step, order):
    """Column indices ``[step, feature]`` of a matrix read ``per_step`` at a time."""
    if width % per_step:
        raise ValueError(
            f"X has {width} columns, which is not a whole number of time steps "
            f"of features_per_step={per_step} columns. Set features_per_step to "
            "the number of columns given to LagFeaturizer (its output has "
            "look_back * that many columns)."
        )
    columns = np.arange(width).reshape(-1, per_step)
    return columns[::-1].copy() if order == "newest_first" else columns


def _columns_from_names(names):
    """Column indices ``[step, feature]``, oldest step first, read from lag names.

    None when no name is a lag name (the names say nothing about time). An
    error when only some are, or when the lags do not form one full window
    per feature: a layout that cannot be read without guessing.
    """
    # "<feature>_lag<k>" (LagFeaturizer), or another library's lag names.
    parsed = [read_lag(name, foreign=True) for name in names]
    if not any(parsed):
        return None
    others = [name for name, match in zip(names, parsed) if match is None]
    if others:
        raise ValueError(
            f"Columns {_preview(others)} are not lag columns, while others are "
            "named as lags (<feature>_lag<k> or lag_<k>), so the time steps "
            "cannot be told apart. Keep other inputs (exogenous features, window "
            "statistics) out of the lag matrix, or pass it with .to_numpy() and "
            "features_per_step and order set."
        )
    features, lags, position = [], [], {}
    for column, key in enumerate(parsed):
        if key in position:
            raise ValueError(
                f"Columns {names[position[key]]!r} and {names[column]!r} are the "
                "same lag of the same feature; drop one of them."
            )
        position[key] = column
        if key[0] not in features:
            features.append(key[0])
        if key[1] not in lags:
            lags.append(key[1])
    lags.sort(reverse=True)  # the largest lag is the oldest step
    missing = [
        lag_name(feature, lag) if feature else f"lag_{lag}"
        for lag in lags
        for feature in features
        if (feature, lag) not in position
    ]
    if missing:
        raise ValueError(
            f"The lag columns do not give every feature the same lags: "
            f"{_preview(missing)} missing. Each time step needs every feature; "
            "build the lags of all features with the same look_back."
        )
    return np.array([[position[feature, lag] for feature in features] for lag in lags])


def _preview(names, limit=4):
    names = [str(name) for name in names]
    shown = ", ".join(repr(name) for name in names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")
