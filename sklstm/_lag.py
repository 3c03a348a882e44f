"""Lag windows: each row gets the values of the ``look_back`` latest steps."""

import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

from ._state import fit_context
from ._timeindex import next_label
from ._validation import StrictInterval, check_numeric, time_order_breaks


class LagFeaturizer(TransformerMixin, BaseEstimator):
    """Replace each row by the window of the ``look_back`` latest rows.

    Row ``t`` of the output is ``X[t - look_back + 1], ..., X[t]``, oldest
    first and flattened step by step (all features of the oldest step come
    first), so the output has ``look_back * n_features_in_`` columns. A row
    only ever sees its own and earlier rows, never its future.

    The first ``look_back - 1`` rows have too little history: the lags they
    lack are ``fill_value`` (NaN by default, an honest "unknown" that
    :class:`~sklstm.LSTMRegressor` masks). The number of rows never changes,
    so the transformer fits in a :class:`~sklearn.pipeline.Pipeline` with the
    target left untouched.

    **History across folds.** When ``X`` is a pandas object whose index
    directly continues the index seen in :meth:`fit` (the test fold of a
    :class:`~sklearn.model_selection.TimeSeriesSplit`, or the test part of a
    train/test split in time order), its first rows take their missing lags
    from the last ``look_back - 1`` rows seen in :meth:`fit`: values from
    their past, never their future. "Directly continues" means the first
    label of ``X`` is the label after the last fitted one: ``+1`` for a
    ``PeriodIndex`` or an integer index (``+step`` for a ``RangeIndex``),
    ``+freq`` for a ``DatetimeIndex``/``TimedeltaIndex`` with a known or
    inferable frequency. Anything else (a NumPy array, any other index)
    gets ``fill_value`` as above, and so does data fitted with an index that
    is not unique and increasing (rows out of time order). In a pipeline, the index only reaches this
    step if the steps before it output pandas, e.g.
    ``MinMaxScaler().set_output(transform="pandas")``.

    **Rows out of time order.** The rows of a NumPy array carry no time:
    their order is taken as time order. A pandas index of times or numbers
    is checked: where a label does not come after the one before it (rows
    shuffled or repeated, as a random subsample of rows in
    ``HalvingGridSearchCV(resource="n_samples")`` or MAPIE's
    ``BlockBootstrap`` make), each increasing run of rows is treated as a
    series of its own, so no window reaches across the break into a later
    time; its missing lags are ``fill_value``, and a ``UserWarning`` says
    so. An index in decreasing order (newest first) is refused with a
    ``ValueError``: sort it (``X.sort_index()``) first.

    Parameters
    ----------
    look_back : int, default=1
        Number of time steps in each window, the current one included
        (``look_back=1`` keeps the input as it is). Tunable by a grid search as
        ``<step name>__look_back``.
    fill_value : float, default=np.nan
        Value of the lags that lie before the first row.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    tail_ : ndarray of shape (look_back - 1, n_features_in_)
        The last ``look_back - 1`` rows seen during :meth:`fit`: the history
        given to data that continues the fitted data.
    next_index_ : object or None
        The index label that data continuing the fitted data starts with, or
        None when ``X`` had no index it can be told from.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during :meth:`fit`, when ``X`` has string
        column names.

    See Also
    --------
    SequenceReshaper : Turn the lag matrix into the 3-D array an LSTM reads.
    to_supervised : Build ``X, y`` from a series.

    Notes
    -----
    Windows are built with :func:`numpy.lib.stride_tricks.sliding_window_view`,
    so the cost is one copy of the output.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import LagFeaturizer
    >>> X = np.array([[1.0], [2.0], [3.0], [4.0]])
    >>> lags = LagFeaturizer(look_back=3).fit(X)
    >>> lags.transform(X)
    array([[nan, nan,  1.],
           [nan,  1.,  2.],
           [ 1.,  2.,  3.],
           [ 2.,  3.,  4.]])
    >>> lags.get_feature_names_out(["passengers"])
    array(['passengers_lag2', 'passengers_lag1', 'passengers_lag0'], dtype=object)

    A test set whose index continues the training data gets its history:

    >>> import pandas as pd
    >>> series = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0, 5.0]})
    >>> lags = LagFeaturizer(look_back=3).fit(series.iloc[:3])
    >>> lags.transform(series.iloc[3:])
    array([[2., 3., 4.],
           [3., 4., 5.]])
    """

    _parameter_constraints: dict = {
        "look_back": [StrictInterval(Integral, 1, None, closed="left")],
        "fill_value": [StrictInterval(Real, None, None, closed="both"), "nan"],
    }

    def __init__(self, look_back=1, *, fill_value=np.nan):
        self.look_back = look_back
        self.fill_value = fill_value

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check ``X`` and remember its number of features.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The series, oldest row first.
        y : None
            Ignored.

        Returns
        -------
        self : LagFeaturizer
            The fitted transformer.
        """
        index = _index_of(X)
        check_numeric(X, "X")
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        self._run_starts(index)  # refuse (newest first) or warn before fitting
        if self.look_back > X.shape[0]:
            raise ValueError(
                f"look_back={self.look_back} is larger than the data: X has only "
                f"{X.shape[0]} rows. Use a look_back of at most {X.shape[0]} or "
                "pass a longer series."
            )
        self.tail_ = X[X.shape[0] - (self.look_back - 1) :].copy()
        self.next_index_ = next_label(index)
        return self

    def transform(self, X):
        """Build the lag window of every row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The series, oldest row first. A DataFrame whose index continues
            the fitted data gets the fitted tail as history (see above).

        Returns
        -------
        X_lags : ndarray of shape (n_samples, look_back * n_features)
            Row ``t`` holds rows ``t - look_back + 1 .. t`` of ``X``, oldest
            first; rows before the first row come from the fitted data when
            ``X`` continues it, else they are ``fill_value``.
        """
        check_is_fitted(self)
        index = _index_of(X)
        continues = self._continues(index)
        check_numeric(X, "X")
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        run_starts = self._run_starts(index)
        n_samples, n_features = X.shape
        if continues:
            before = self.tail_.astype(X.dtype)
        else:
            before = np.full((self.look_back - 1, n_features), self.fill_value, X.dtype)
        padded = np.concatenate([before, X])
        # sliding_window_view puts the window on the last axis:
        # (n_samples, n_features, look_back) -> (n_samples, look_back, n_features)
        windows = sliding_window_view(padded, self.look_back, axis=0)
        # The reshape is still a read-only view of overlapping windows: copy
        # once, so the caller gets an ordinary writable array.
        windows = windows.transpose(0, 2, 1).copy()
        if run_starts is not None:  # no window reaches back across a break in time
            lags = np.arange(self.look_back - 1, -1, -1)
            earlier = np.arange(n_samples) - run_starts  # rows before, same run
            cut = (run_starts > 0)[:, np.newaxis] & (lags > earlier[:, np.newaxis])
            windows[cut] = self.fill_value
        return windows.reshape(n_samples, -1)

    def _run_starts(self, index):
        """Where the increasing run of each row starts, or None if all rows are in order.

        Warns when ``index`` goes back in time (or repeats) somewhere, and
        refuses an index in decreasing order.
        """
        breaks = time_order_breaks(index)
        if self.look_back == 1 or not len(breaks):
            return None  # without lags, row order does not matter
        if index.is_monotonic_decreasing and index.is_unique:
            raise ValueError(
                f"X's index is in decreasing time order (from {index[0]} down to "
                f"{index[-1]}): newest row first. LagFeaturizer takes the lags of "
                "a row from the rows above it, which here lie in its future. Sort "
                "the rows oldest first, e.g. X.sort_index()."
            )
        first = breaks[0]
        warnings.warn(
            f"X's index is out of time order at {len(breaks)} row(s) (first: row "
            f"{first}, label {index[first]} after {index[first - 1]}). Lags "
            "never reach back across such a row (into what may be a later time): "
            "each increasing run of rows is lagged as a series of its own, and "
            "the lags before its start are fill_value. Sort the rows "
            "(X.sort_index()) if they are merely in the wrong order; a random "
            "subsample of rows (HalvingGridSearchCV's resource='n_samples') "
            "leaves few rows with lags.",
            UserWarning,
            stacklevel=2,
        )
        starts = np.zeros(len(index), dtype=np.intp)
        starts[breaks] = breaks
        return np.maximum.accumulate(starts)

    def _continues(self, index):
        """Whether rows with ``index`` start right after the fitted rows."""
        if self.next_index_ is None or index is None or len(index) == 0:
            return False
        try:
            return bool(index[0] == self.next_index_)
        except (TypeError, ValueError):  # labels of incomparable types
            return False

    def get_feature_names_out(self, input_features=None):
        """Names of the lag columns, ``<feature>_lag<k>``, oldest first.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names; defaults to ``feature_names_in_`` or
            ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``<feature>_lag<k>`` where ``k`` steps back from the current row,
            from ``k = look_back - 1`` down to ``0``.
        """
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        return np.asarray(
            [
                f"{name}_lag{lag}"
                for lag in range(self.look_back - 1, -1, -1)
                for name in names
            ],
            dtype=object,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _index_of(X):
    return X.index if isinstance(X, (pd.DataFrame, pd.Series)) else None

