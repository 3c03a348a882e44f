"""Cross-validation over a panel: many series cut at the same time stamps."""

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils._param_validation import validate_parameter_constraints
from sklearn.utils.validation import indexable

from .._validation import StrictInterval


class PanelSplit(BaseCrossValidator):
    """Time-series cross-validator for many series stacked in one table.

    A panel holds several series (stores, sensors, products) one below the
    other, each row labelled by its series and its time stamp. ``PanelSplit``
    cuts every series at the same moments: for each split, the training set
    is every row whose time is at or before the cut, and the test set is
    every row whose time is among the next ``test_size`` time stamps after
    the cut (after skipping ``gap`` time stamps). It is
    :class:`~sklearn.model_selection.TimeSeriesSplit` applied to the sorted
    unique time stamps of the whole panel instead of to row positions, so no
    series is ever trained on a moment that another series is tested on or
    after.

    The time of each row is read from the index of ``X``: the last level of
    a :class:`~pandas.MultiIndex` such as ``(series, time)``, the index that
    :func:`~sklstm.to_supervised` keeps, or a plain time index for a single
    series (then the folds are those of ``TimeSeriesSplit`` on rows in time
    order). The other levels name the series and are not needed to cut it.
    Rows may come in any order; the folds hold the same rows whatever the
    order. A series that starts late has no training rows in the folds cut
    before its start, and a series that ended before a test window has no
    rows in that test set.

    Parameters
    ----------
    n_splits : int, default=5
        Number of splits. Must be at least 2.
    test_size : int, default=None
        Number of time stamps in each test window. Defaults to
        ``n_time_stamps // (n_splits + 1)``, as in ``TimeSeriesSplit``.
    gap : int, default=0
        Number of time stamps left out between the end of each training set
        and the start of its test window, e.g. ``horizon - 1`` for targets
        ``horizon`` steps ahead, so that no training target lies inside the
        test window.

    See Also
    --------
    sklearn.model_selection.TimeSeriesSplit : The same folds over the rows
        of a single series.
    to_supervised : Build ``X, y`` from a series, keeping its time index.

    Notes
    -----
    The time stamps are those that occur anywhere in the panel, so the test
    windows have the same length in time for every series. A time stamp at
    which only some series have rows still counts as one step.

    Examples
    --------
    Two series, ``"a"`` observed at times 1 to 6 and ``"b"`` starting late,
    at time 3:

    >>> import pandas as pd
    >>> from sklstm import PanelSplit
    >>> index = pd.MultiIndex.from_tuples(
    ...     [("a", t) for t in range(1, 7)] + [("b", t) for t in range(3, 7)],
    ...     names=["series", "time"])
    >>> X = pd.DataFrame({"x": range(10)}, index=index)
    >>> cv = PanelSplit(n_splits=2, test_size=2)
    >>> cv
    PanelSplit(gap=0, n_splits=2, test_size=2)
    >>> for train, test in cv.split(X):
    ...     print("train:", list(X.index[train]))
    ...     print("test: ", list(X.index[test]))
    train: [('a', 1), ('a', 2)]
    test:  [('a', 3), ('a', 4), ('b', 3), ('b', 4)]
    train: [('a', 1), ('a', 2), ('a', 3), ('a', 4), ('b', 3), ('b', 4)]
    test:  [('a', 5), ('a', 6), ('b', 5), ('b', 6)]

    It is used like any scikit-learn splitter, e.g.
    ``cross_val_score(model, X, y, cv=PanelSplit(3))``.
    """

    _parameter_constraints: dict = {
        "n_splits": [StrictInterval(Integral, 2, None, closed="left")],
        "test_size": [StrictInterval(Integral, 1, None, closed="left"), None],
        "gap": [StrictInterval(Integral, 0, None, closed="left")],
    }

    def __init__(self, n_splits=5, *, test_size=None, gap=0):
        self.n_splits = n_splits
        self.test_size = test_size
        self.gap = gap

    def get_n_splits(self, X=None, y=None, groups=None):
        """Return the number of splits.

        Parameters
        ----------
        X : object
            Always ignored, exists for API compatibility.
        y : object
            Always ignored, exists for API compatibility.
        groups : object
            Always ignored, exists for API compatibility.

        Returns
        -------
        n_splits : int
            The number of splits, ``n_splits``.
        """
        self._validate_params()
        return int(self.n_splits)

    def split(self, X, y=None, groups=None):
        """Generate the row positions of the training and test set of each split.

        Every check happens when this is called, before the first split is
        produced.

        Parameters
        ----------
        X : pandas.DataFrame or pandas.Series of shape (n_samples, ...)
            The panel, indexed by ``(series, time)`` (time as the last level
            of a :class:`~pandas.MultiIndex`) or, for a single series, by
            time alone. Times may be periods, datetimes, timedeltas or
            numbers.
        y : array-like of shape (n_samples,), default=None
            Ignored; only its length is checked against ``X``.
        groups : object, default=None
            Ignored: the series are read from the index of ``X``.

        Returns
        -------
        splits : iterator of (train, test) tuples
            One ``(train, test)`` pair per split, in time order. ``train``
            holds the positions (as for ``X.iloc``), in increasing order, of
            the rows at or before the cut (an ndarray of int); ``test`` the
            positions, in increasing order, of the rows in the test window.
            ``split`` is not itself a generator function, so its checks run
            when it is called, not at the first ``next``.
        """
        self._validate_params()
        if groups is not None:
            warnings.warn(
                f"The groups parameter is ignored by {type(self).__name__}: the "
                "series and the time of each row are read from the index of X.",
                UserWarning,
                stacklevel=2,
            )
        times = _time_stamps(X)
        indexable(X, y)  # y, if given, must have a row for each row of X
        codes, uniques = pd.factorize(times, sort=True)
        n_times = len(uniques)
        n_splits = int(self.n_splits)
        gap = int(self.gap)
        test_size = int(self.test_size) if self.test_size is not None else n_times // (n_splits + 1)
        first_test = n_times - n_splits * test_size
        if test_size < 1 or first_test - gap < 1:
            if self.test_size is None:
                sizes = (
                    f"the default test_size, n_time_stamps // (n_splits + 1) = "
                    f"{test_size}, and gap={gap}"
                )
            else:
                sizes = f"test_size={test_size} and gap={gap}"
            raise ValueError(
                f"Too many splits for the number of time stamps: X has {n_times} "
                f"distinct time stamps, too few for n_splits={n_splits} with "
                f"{sizes}; a fold would have an empty training or test set (it "
                "takes at least n_splits * test_size + gap + 1 time stamps, and "
                "test_size >= 1). Use fewer splits, a smaller test_size or gap, or "
                "a longer panel."
            )
        return self._iter_splits(codes, first_test, n_times, test_size, gap)

    @staticmethod
    def _iter_splits(codes, first_test, n_times, test_size, gap):
        for test_start in range(first_test, n_times, test_size):
            train = np.flatnonzero(codes < test_start - gap)
            test = np.flatnonzero((codes >= test_start) & (codes < test_start + test_size))
            yield train, test

    def _validate_params(self):
        validate_parameter_constraints(
            self._parameter_constraints,
            {"n_splits": self.n_splits, "test_size": self.test_size, "gap": self.gap},
            caller_name=type(self).__name__,
        )


def _time_stamps(X):
    """The time of each row of ``X``: the last level of its index."""
    if not isinstance(X, (pd.DataFrame, pd.Series)):
        raise TypeError(
            "PanelSplit reads the time of each row from the index of X, so X "
            "must be a pandas DataFrame or Series indexed by (series, time), the "
            "MultiIndex that to_supervised keeps (or by time alone, for a single "
            f"series); got {type(X).__name__}. Keep the pandas object through to "
            "the cross-validation, or use sklearn's TimeSeriesSplit for a single "
            "series whose rows are in time order."
        )
    index = X.index
    is_multi = isinstance(index, pd.MultiIndex)
    times = index.get_level_values(-1) if is_multi else index
    dtype = times.dtype
    is_time = (
        isinstance(dtype, pd.PeriodDtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
        or pd.api.types.is_timedelta64_dtype(dtype)
        or (
            pd.api.types.is_numeric_dtype(dtype)
            and not pd.api.types.is_bool_dtype(dtype)
            and not pd.api.types.is_complex_dtype(dtype)
        )
    )
    where = "the last level of X's MultiIndex" if is_multi else "the index of X"
    if not is_time:
        hint = (
            " Put the time level last (e.g. X.reorder_levels([...]) or "
            "X.swaplevel()) or convert it with pd.to_datetime / pd.PeriodIndex."
            if is_multi
            else " Index X by (series, time) as to_supervised does, or convert "
            "the index with pd.to_datetime / pd.PeriodIndex."
        )
        raise TypeError(
            f"PanelSplit needs time stamps in {where}: periods, datetimes, "
            f"timedeltas or numbers; got dtype {dtype}.{hint}"
        )
    if times.hasnans:
        raise ValueError(
            f"{where[0].upper()}{where[1:]} has missing time stamps (NaN/NaT); "
            "drop those rows or fill in their time first."
        )
    if index.has_duplicates:
        first = index[index.duplicated()].tolist()[0]
        what = "(series, time) pair" if is_multi else "time stamp"
        hint = (
            "each series should have one row per time stamp."
            if is_multi
            else "several series stacked under a time index alone cannot be told "
            "apart; index them by (series, time) as to_supervised does."
        )
        raise ValueError(f"X has more than one row for the {what} {first!r}: {hint}")
    return times
