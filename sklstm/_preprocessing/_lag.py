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

from .._checked import checked_array
from .._naming import lag_names
from .._state import fit_context
from .._timeindex import (
    group_starts,
    is_panel,
    is_panel_index,
    next_labels,
    panel_order,
    ranges,
    series_of,
    within,
)
from .._validation import StrictInterval, check_numeric, time_order_breaks


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
    is not unique and increasing (rows out of time order). In a pipeline,
    the index only reaches this step if the steps before it output pandas, e.g.
    ``MinMaxScaler().set_output(transform="pandas")``.

    **Panels.** When ``X`` is a pandas object indexed by a
    :class:`~pandas.MultiIndex` ``(series, time)`` (the series id first, the
    time last, as :func:`~sklstm.to_supervised` with ``id=`` returns and
    :class:`~sklstm.PanelSplit` reads), each series is lagged on its own: a
    window only holds rows of its own series, in their given order, so the
    first ``look_back - 1`` rows of every series get ``fill_value``. The
    rows of different series may come in any order (interleaved too); the
    output keeps the order of the rows of ``X``. History across folds works
    series by series: the fit keeps the last ``look_back - 1`` rows of each
    series, and a series in later data whose first time is the one after
    its last fitted time (a :class:`~sklstm.PanelSplit` test fold) gets its
    own fitted rows; a series not seen in :meth:`fit`, or one that does not
    continue, gets ``fill_value``. "Continues" is told from the times of
    each series as above; a series of datetimes too short to infer its
    frequency from takes the frequency of the panel's times.

    **Rows out of time order.** The rows of a NumPy array carry no time:
    their order is taken as time order. A pandas index of times or numbers
    is checked: where a label does not come after the one before it (rows
    shuffled or repeated, as a random subsample of rows in
    ``HalvingGridSearchCV(resource="n_samples")`` or MAPIE's
    ``BlockBootstrap`` make), each increasing run of rows is treated as a
    series of its own, so no window reaches across the break into a later
    time; its missing lags are ``fill_value``, and a ``UserWarning`` says
    so. An index in decreasing order (newest first) is refused with a
    ``ValueError``: sort it (``X.sort_index()``) first. In a panel, all this
    holds for the times of each series.

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
    tail_ : ndarray of shape (look_back - 1, n_features_in_) or dict
        The last ``look_back - 1`` rows seen during :meth:`fit`: the history
        given to data that continues the fitted data. For a panel, a dict
        mapping each series id to the last ``look_back - 1`` rows of that
        series (``fill_value`` before the start of a shorter series).
    next_index_ : object, None or dict
        The index label that data continuing the fitted data starts with, or
        None when ``X`` had no index it can be told from. For a panel, a dict
        mapping each series id to the time that continues that series.
    n_history_ : int
        ``look_back``: the latest rows of a series the window of a row reads
        (the forecast functions pass each step that many rows).
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

    A panel of two series, ``a`` and ``b``, indexed by ``(series, time)``:
    no window mixes them, and each series continues from its own past.

    >>> index = pd.MultiIndex.from_product([["a", "b"], [1, 2, 3]],
    ...                                    names=["series", "time"])
    >>> panel = pd.DataFrame({"y": [1.0, 2.0, 3.0, 10.0, 20.0, 30.0]}, index=index)
    >>> early = panel.index.get_level_values("time") <= 2
    >>> lags = LagFeaturizer(look_back=2).fit(panel[early])
    >>> lags.transform(panel[early])
    array([[nan,  1.],
           [ 1.,  2.],
           [nan, 10.],
           [10., 20.]])
    >>> lags.transform(panel[~early])
    array([[ 2.,  3.],
           [20., 30.]])
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
            The series, oldest row first; or a panel, a DataFrame indexed by
            ``(series, time)``, each series' rows oldest first.
        y : None
            Ignored.

        Returns
        -------
        self : LagFeaturizer
            The fitted transformer.
        """
        index = _index_of(X)
        layout = panel_order(index) if is_panel_index(index) else None
        check_numeric(X, "X")
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        self._check_time_order(index, layout)  # refuse (newest first) or warn before fitting
        if self.look_back > X.shape[0]:
            raise ValueError(
                f"look_back={self.look_back} is larger than the data: X has only "
                f"{X.shape[0]} rows. Use a look_back of at most {X.shape[0]} or "
                "pass a longer series."
            )
        labels = next_labels(index)
        if layout is None:
            self.tail_, self.next_index_ = self._tail(X), labels[None]
        else:
            self.tail_, self.next_index_ = self._panel_tails(X, index, *layout), labels
        self.n_history_ = self.look_back
        return self

    def transform(self, X):
        """Build the lag window of every row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The series, oldest row first. A DataFrame whose index continues
            the fitted data gets the fitted tail as history (see above). A
            DataFrame indexed by ``(series, time)`` is a panel: each series
            is lagged on its own.

        Returns
        -------
        X_lags : ndarray of shape (n_samples, look_back * n_features)
            Row ``t`` holds rows ``t - look_back + 1 .. t`` of ``X``, oldest
            first; rows before the first row come from the fitted data when
            ``X`` continues it, else they are ``fill_value``. For a panel,
            "rows" are the rows of the same series, and the rows of the
            output are in the order of the rows of ``X``.
        """
        check_is_fitted(self)
        index = _index_of(X)
        layout = panel_order(index) if is_panel_index(index) else None
        checked = checked_array(self, X)  # a forecast's later step: checked already
        if checked is None:
            check_numeric(X, "X")
            X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        else:
            X = checked
        if layout is not None:  # a panel: every series at once, if in time order
            fast = self._panel_windows(X, index, *layout)
            if fast is not None:
                return fast
        series = series_of(index)
        run_starts = self._run_starts(series)
        if not is_panel(series):
            ((key, _, times),) = series
            return self._windows(X, self._history(key, times, X.dtype), run_starts[0])
        out = np.empty((X.shape[0], self.look_back * X.shape[1]), dtype=X.dtype)
        for (key, rows, times), starts in zip(series, run_starts):
            out[rows] = self._windows(X[rows], self._history(key, times, X.dtype), starts)
        return out

    def _tail(self, X):
        """The last ``look_back - 1`` rows of one series, fill_value before its start."""
        n_history = self.look_back - 1
        tail = X[max(X.shape[0] - n_history, 0) :]
        if len(tail) < n_history:  # a panel's series shorter than the window
            before = np.full((n_history - len(tail), X.shape[1]), self.fill_value, X.dtype)
            return np.concatenate([before, tail])
        return tail.copy()

    def _panel_tails(self, X, index, order, bounds):
        """The last ``look_back - 1`` rows of every series of a panel, keyed by
        series, fill_value before the start of a shorter series: as
        :meth:`_tail` gives them series by series, in one pass.
        """
        n_history, n_features = self.look_back - 1, X.shape[1]
        starts = group_starts(bounds)
        ends = np.concatenate([bounds, [len(order)]])
        kept = np.minimum(ends - starts, n_history)  # rows of each series in its tail
        tails = np.full((len(starts), n_history, n_features), self.fill_value, X.dtype)
        where = ranges(np.arange(len(starts)) * n_history + n_history - kept, kept)
        tails.reshape(-1, n_features)[where] = X[order[ranges(ends - kept, kept)]]
        return dict(zip(index.droplevel(-1).take(order[starts]), tails))

    def _check_time_order(self, index, layout):
        """Refuse a series in decreasing time order, warn where the times of a
        series go back (see :meth:`_run_starts`); a panel in time order is
        told in one pass over all its rows.
        """
        if self.look_back == 1:
            return  # without lags, row order does not matter
        if layout is not None:
            order, bounds = layout
            times = index.get_level_values(-1).take(order)
            breaks = within(time_order_breaks(times), bounds, len(times))
            if not len(breaks):
                return
        self._run_starts(series_of(index))

    def _history(self, key, times, dtype):
        """The rows before the first row of series ``key``: its fitted tail
        if ``times`` continue the fitted rows of that series, else fill_value.
        """
        if _is_panel_state(self.next_index_):
            expected, tail = self.next_index_.get(key), self.tail_.get(key)
        elif key is None:
            expected, tail = self.next_index_, self.tail_
        else:  # a panel after a fit on one series: no series to take a tail from
            expected = tail = None
        if expected is not None and times is not None and len(times):
            try:
                if bool(times[0] == expected):
                    return tail.astype(dtype)
            except (TypeError, ValueError):  # labels of incomparable types
                pass
        return np.full((self.look_back - 1, self.n_features_in_), self.fill_value, dtype)

    def _windows(self, X, before, run_starts):
        """The lag windows of the rows of one series, given the rows before it."""
        n_samples = X.shape[0]
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

    def _panel_windows(self, X, index, order, bounds):
        """The windows of every series of a panel in one pass, or None.

        The same windows as :meth:`_windows` series by series, built without a
        Python loop over the rows: each series' history (its fitted tail, or
        fill_value) is put before its rows in one padded array, and one
        sliding window picks every row's window. None when the times of some
        series are out of order (then the per-series path splits it into
        runs and warns).
        """
        times = index.get_level_values(-1).take(order)
        starts = group_starts(bounds)  # each series' first sorted row
        if self.look_back > 1 and len(within(time_order_breaks(times), starts, len(times))):
            return None  # a break inside a series
        n_history, n_features = self.look_back - 1, X.shape[1]
        keys = index.droplevel(-1).take(order[starts])
        before = np.full((len(starts), n_history, n_features), self.fill_value, X.dtype)
        if n_history and _is_panel_state(self.next_index_):
            continues, fitted = self._continuing(keys, times.take(starts))
            if continues.any():
                tails = list(self.tail_.values())
                before[continues] = np.stack([tails[i] for i in fitted[continues]])
        sizes = np.diff(np.concatenate([starts, [len(order)]]))
        block_starts = starts + n_history * np.arange(len(starts))  # padded blocks
        rows = ranges(block_starts + n_history, sizes)  # of X[order] in the padding
        padded = np.empty((len(order) + before.shape[0] * n_history, n_features), X.dtype)
        padded[ranges(block_starts, np.full(len(starts), n_history))] = before.reshape(
            -1, n_features
        )
        padded[rows] = X[order]
        # (windows, n_features, look_back) -> each row's window, oldest lag first
        windows = sliding_window_view(padded, self.look_back, axis=0)[rows - n_history]
        out = np.empty((X.shape[0], self.look_back * n_features), dtype=X.dtype)
        out[order] = windows.transpose(0, 2, 1).reshape(len(order), -1)
        return out

    def _continuing(self, keys, firsts):
        """Which series (``keys``, first times ``firsts``) continue a series
        seen in :meth:`fit`, and the position of that series in ``tail_``.
        """
        fitted = pd.Index(list(self.next_index_)).get_indexer(keys)
        expected = np.asarray(list(self.next_index_.values()), dtype=object)
        firsts = np.asarray(firsts.astype(object), dtype=object)
        seen = fitted >= 0
        continues = np.zeros(len(keys), dtype=bool)
        try:
            continues[seen] = np.asarray(expected[fitted[seen]] == firsts[seen], dtype=bool)
        except (TypeError, ValueError):  # labels of incomparable types: one by one
            for number in np.flatnonzero(seen):
                try:
                    continues[number] = bool(expected[fitted[number]] == firsts[number])
                except (TypeError, ValueError):
                    continues[number] = False
        return continues, fitted

    def _run_starts(self, series):
        """For each series, where the increasing run of each of its rows starts
        (None where all its rows are in order).

        Warns when the times of a series go back (or repeat) somewhere, and
        refuses a series in decreasing order.
        """
        run_starts, broken = [], []
        for key, _, index in series:
            breaks = time_order_breaks(index)
            if self.look_back == 1 or not len(breaks):
                run_starts.append(None)  # without lags, row order does not matter
                continue
            if index.is_monotonic_decreasing and index.is_unique:
                whose = "X's index is" if key is None else f"The times of series {key!r} are"
                raise ValueError(
                    f"{whose} in decreasing time order (from {index[0]} down to "
                    f"{index[-1]}): newest row first. LagFeaturizer takes the lags of "
                    "a row from the rows above it, which here lie in its future. Sort "
                    "the rows oldest first, e.g. X.sort_index()."
                )
            broken.append((key, index, breaks))
            starts = np.zeros(len(index), dtype=np.intp)
            starts[breaks] = breaks
            run_starts.append(np.maximum.accumulate(starts))
        if broken:
            key, index, breaks = broken[0]
            first = breaks[0]
            where = f"row {first}" if key is None else f"series {key!r}"
            warnings.warn(
                f"X's index is out of time order at "
                f"{sum(len(b) for _, _, b in broken)} row(s) (first: {where}, "
                f"label {index[first]} after {index[first - 1]}). Lags never reach "
                "back across such a row (into what may be a later time): each "
                "increasing run of rows is lagged as a series of its own, and the "
                "lags before its start are fill_value. Sort the rows "
                "(X.sort_index()) if they are merely in the wrong order; a random "
                "subsample of rows (HalvingGridSearchCV's resource='n_samples') "
                "leaves few rows with lags.",
                UserWarning,
                stacklevel=2,
            )
        return run_starts

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
        return np.asarray(lag_names(names, self.look_back), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _index_of(X):
    return X.index if isinstance(X, (pd.DataFrame, pd.Series)) else None


def _is_panel_state(next_index):
    """Whether the fitted state is per series (a fit on a panel)."""
    return isinstance(next_index, dict)
