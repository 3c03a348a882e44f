"""Training windows built a chunk at a time from the series, not materialised.

A global model over a panel trains on one window per row: ``look_back``
rows of every feature. Built as a table, the windows take ``look_back``
times the panel's memory, several times over (the lags, the relative
windows, the scaled copy, the sequences). :class:`WindowBatches` keeps the
panel's rows once and builds the windows of the rows it is asked for, by
running the fitted feature steps of the pipeline on just the rows those
windows read (``n_history_`` rows of each); :func:`fit_by_batches` fits a
pipeline that way. The windows are the same numbers the table would hold:
every feature step of the recipe is row-wise (a row's output reads that
row and the ``n_history_ - 1`` rows before it in its series).

:class:`~sklstm.ChangeRegressor` uses it (``windows="auto"``) for a panel
of more than ``FIT_ROWS`` rows whose regressor is a pipeline ending in a
:class:`~sklstm.LSTMRegressor`.
"""

import numpy as np
import pandas as pd
from sklearn.utils import _safe_indexing, get_tags

from .._timeindex import is_panel_index, ranges
from ._history import n_history
from ._season._base import series_codes

# The feature steps are fitted on all the rows of a panel up to this many,
# else on the latest rows of every k-th series, this many in all:
# enough rows for the statistics of a scaler, a table of a few tens of MiB.
FIT_ROWS = 200_000

# Window labels made at once (a chunk of training is 8192 windows or fewer).
_LABELS = 8192

# The series labels of the windows of a chunk: each window is a series of
# its own, under a label that no series of users' data is expected to have
# (were one so named, its fitted lags could be read as a window's history).
_CONTEXT_PREFIX = "<sklstm window "


def batches_fit(regressor):
    """Whether ``regressor`` can be fitted by :func:`fit_by_batches`: a
    pipeline (without ``memory``, whose cache would fit clones of its steps)
    with feature steps, whose last step trains from a :class:`WindowBatches`
    (it says so with ``_fits_window_batches``)."""
    steps = getattr(regressor, "steps", None)
    if not isinstance(steps, list) or len(steps) < 2:
        return False
    if getattr(regressor, "memory", None) is not None:
        return False
    return bool(getattr(steps[-1][1], "_fits_window_batches", False))


def row_wise(regressor):
    """Whether every feature step of the pipeline ``regressor`` is known to
    build a row's output from that row and the ``n_history_`` rows before it
    in its series (sklstm's steps, scikit-learn's scalers, "passthrough"):
    then its windows built per batch are the table's, and ``windows="auto"``
    may choose them. A step of your own may read other rows (a per-series
    difference, a centred mean): ``windows="batches"`` is then your call."""
    from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, RobustScaler, StandardScaler

    from .._preprocessing import (
        CalendarFeatures,
        LagFeaturizer,
        RelativeWindows,
        SequenceReshaper,
    )

    known = (
        CalendarFeatures,
        LagFeaturizer,
        RelativeWindows,
        SequenceReshaper,
        StandardScaler,
        MinMaxScaler,
        RobustScaler,
        MaxAbsScaler,
    )
    return all(
        step is None or step == "passthrough" or type(step) in known
        for _, step, *_ in regressor.steps[:-1]
    )


def fit_by_batches(pipeline, X, y, order=None, **last_step_params):
    """Fit ``pipeline`` (a clone, in place) on the panel ``X`` and ``y`` without
    building the table of windows; return it.

    ``order``: the positions of the rows of ``X`` in the order the last step
    trains on them (``y`` and ``last_step_params`` are in that order), or
    None for the rows as they are. The feature steps (all but the last) are
    fitted on those rows, or, beyond ``FIT_ROWS`` rows, on the latest rows
    of every k-th series (:meth:`WindowBatches.rows_to_fit`); then each step with
    ``n_history_`` (a step that keeps the end of every series, to continue
    it later) is fitted again on the latest rows of every series. The last
    step is fitted on a :class:`WindowBatches` over all the rows of ``X``.
    """
    features = pipeline[:-1]  # the same step objects: fitted in place
    batches = WindowBatches(features, X, order=order)
    rows = batches.rows_to_fit()
    if rows is None:  # all of them, in the last step's order
        features.fit(X if order is None else X.iloc[order], y)
    else:
        features.fit(X.iloc[rows], _targets_of(features, y, rows, order))
        for position, (_, step, *_) in enumerate(features.steps):
            reads = getattr(step, "n_history_", None)
            if reads is not None:  # continue every series: fit on the latest rows of each
                latest = X.iloc[batches.latest_rows(reads)]
                step.fit(features[:position].transform(latest) if position else latest)
    pipeline.steps[-1][1].fit(batches, y, **last_step_params)
    return pipeline


def _targets_of(features, y, rows, order):
    """``y`` for the rows ``rows`` of ``X`` where a feature step needs a
    target (its tags say so), else None; ``y`` is in ``order``."""
    if not any(get_tags(step).target_tags.required for _, step, *_ in features.steps):
        return None
    if order is None:
        return _safe_indexing(y, rows)
    where = np.empty(len(order), dtype=np.int64)
    where[order] = np.arange(len(order))  # each row of X: its place in y
    return _safe_indexing(y, where[rows])


class WindowBatches:
    """The inputs of a pipeline's last step for the rows of a panel, built on demand.

    Holds the panel's rows once (their values in series order: a view of
    ``X`` when its rows are already each series' rows together, oldest
    first, as :func:`~sklstm.to_supervised` gives them) and the feature
    steps; :meth:`take` builds the windows of any rows by running the
    feature steps on the ``n_history`` rows each window reads, each window
    labelled as a series of its own. Sliced with ``[start:stop]``, it is
    the same for those rows (the training part and the validation tail
    share the panel).

    Parameters
    ----------
    features : Pipeline
        The feature steps (fitted before :meth:`take` is called); their
        output for a row reads only that row and the rows before it in its
        series, at most ``n_history(features)``.
    X : DataFrame indexed by ``(series, time)``
        The panel.
    order : array of int or None
        The positions of the rows of ``X`` in the order of this object's
        rows; None: as in ``X``.
    """

    _window_batches = True  # what LSTMRegressor.fit looks for

    def __init__(self, features, X, order=None):
        if not (isinstance(X, pd.DataFrame) and is_panel_index(X.index)):
            raise ValueError(
                "Windows built per batch need a panel: a DataFrame indexed by "
                "(series, time), e.g. from to_supervised(frame, id=..., time=...)."
            )
        self._features, self._reads = features, None
        contiguous, series, time_codes, self._times = _series_layout(X.index)
        if contiguous is None:  # series order: each series' rows together, oldest first
            contiguous = np.lexsort((time_codes, series))
            series, time_codes = series[contiguous], time_codes[contiguous]
            self._values = X.to_numpy()[contiguous]
        else:
            self._values = X.to_numpy()
        self._series, self._time_codes = series, time_codes
        self._starts = np.flatnonzero(np.r_[True, series[1:] != series[:-1]])
        self._start_of = np.zeros(series.max(initial=0) + 1, dtype=np.int64)
        self._start_of[series[self._starts]] = self._starts
        # row i of this object: position rows[i] in series order
        position_dtype = np.int32 if len(X) < 2**31 else np.int64
        if isinstance(contiguous, slice):  # series order is X's: the order itself
            self._rows = np.arange(len(X), dtype=position_dtype) if order is None else order
        else:
            self._rows = np.empty(len(X), dtype=position_dtype)
            self._rows[contiguous] = np.arange(len(X), dtype=position_dtype)
            if order is not None:
                self._rows = self._rows[order]
        self._to_X = contiguous  # series order -> rows of X
        self._columns = X.columns
        self._names = [X.index.names[0], X.index.names[-1]]
        self._labels = pd.Index([])

    def __len__(self):
        return len(self._rows)

    @property
    def shape(self):
        """``(n_rows,)``: what scikit-learn's length checks read."""
        return (len(self._rows),)

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("WindowBatches are sliced with [start:stop] only.")
        part = object.__new__(WindowBatches)  # the same panel, fewer rows
        part.__dict__.update(self.__dict__)
        part._rows = self._rows[key]
        return part

    def rows_to_fit(self):
        """The rows of ``X`` to fit the feature steps on, each series' rows
        together and oldest first: None (all) for at most ``FIT_ROWS``; else
        the latest rows of every k-th series, k as large as leaves at least
        ``FIT_ROWS`` rows, and no series more than its share of them. So the
        sample has more than ``AUTO_ROWS`` rows exactly when ``X`` has, and
        ``"auto"`` settings resolved on it are those of ``X``."""
        if len(self._series) <= FIT_ROWS:
            return None
        sizes = np.diff(np.r_[self._starts, len(self._series)])
        step = len(sizes)
        while step > 1 and np.minimum(sizes[::step], FIT_ROWS).sum() < FIT_ROWS:
            step = max(1, step // 2)
        chosen = np.arange(0, len(sizes), step)
        share = max(-(-FIT_ROWS // len(chosen)), 1)  # a long series: its latest rows
        counts = np.minimum(sizes[chosen], share)
        while counts.sum() < FIT_ROWS and (counts < sizes[chosen]).any():
            share *= 2  # short series left rows unused: longer ones give more
            counts = np.minimum(sizes[chosen], share)
        ends = self._starts[chosen] + sizes[chosen]
        return self._in_X(ranges(ends - counts, counts))

    def latest_rows(self, n):
        """The rows of ``X`` of every series' latest ``n`` rows (at least 3, so
        that a frequency can be inferred from them), series by series, oldest
        first."""
        ends = np.r_[self._starts[1:], len(self._series)]
        counts = np.minimum(ends - self._starts, max(n, 3))
        return self._in_X(ranges(ends - counts, counts))

    def _in_X(self, positions):
        """Positions in series order as rows of ``X``."""
        return positions if isinstance(self._to_X, slice) else self._to_X[positions]

    def take(self, rows):
        """The pipeline's features for ``rows`` (positions, in this object's order).

        Returns what the feature steps return for those rows of ``X``: the
        same values the fitted steps' ``transform(X)`` holds at those rows.
        """
        if self._reads is None:  # the fitted steps' history, read once
            self._reads = n_history(self._features) or 1
        where = self._rows[np.asarray(rows)].astype(np.int64)
        reads = where[:, None] + np.arange(1 - self._reads, 1)
        inside = reads >= self._start_of[self._series[where]][:, None]
        read = reads[inside]
        per_window = inside.sum(axis=1)
        index = pd.MultiIndex(
            levels=[self._window_labels(len(where)), self._times],
            codes=[np.repeat(np.arange(len(where)), per_window), self._time_codes[read]],
            names=self._names,
            verify_integrity=False,
        )
        frame = pd.DataFrame(self._values[read], index=index, columns=self._columns)
        out = self._features.transform(frame)
        last = np.cumsum(per_window) - 1
        if hasattr(out, "iloc"):  # a DataFrame: its column names reach the last step
            return out.iloc[last].reset_index(drop=True)
        return np.asarray(out)[last]

    def _window_labels(self, n):
        """``n`` series labels (sorted as their numbers) for the windows of a chunk."""
        if len(self._labels) < n:
            width = len(str(max(n, _LABELS)))
            self._labels = pd.Index(
                [f"{_CONTEXT_PREFIX}{i:0{width}d}>" for i in range(max(n, _LABELS))]
            )
        return self._labels[:n]


def _series_layout(index):
    """The panel ``index``'s series and times: ``(contiguous, series, time_codes,
    times)``, each row's series number and time code (into the sorted
    ``times``). ``contiguous`` is ``slice(None)`` when each series' rows are
    together and oldest first (then the codes are the index's own, no copy),
    else None."""
    if index.nlevels == 2 and index.levels[-1].is_monotonic_increasing:
        series, time_codes = index.codes[0], index.codes[-1]
        if len(series) and series.min() >= 0 and time_codes.min() >= 0:
            new = np.r_[True, series[1:] != series[:-1]]
            starts = np.flatnonzero(new)
            later = np.r_[False, time_codes[1:] > time_codes[:-1]]
            once = len(np.unique(series[starts])) == len(starts)
            if once and (later | new).all():
                return slice(None), series, time_codes, index.levels[-1]
    series, _ = series_codes(index)
    time_codes, times = pd.factorize(index.get_level_values(-1), sort=True)
    if (time_codes < 0).any():
        raise ValueError(
            "X's panel index has missing times (NaT or NaN in its time level); "
            "drop those rows or give them their times."
        )
    return None, series, time_codes, times
