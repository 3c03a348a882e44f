"""Turn a time series into a supervised learning problem ``X, y``."""

import numbers
import warnings
from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import validate_params

from .._naming import horizon_name
from .._timeindex import follows, gap_freq, ranges, within
from .._validation import PositiveInts, StrictInterval, time_order_breaks


@validate_params(
    {
        "data": ["array-like"],
        "horizon": [
            StrictInterval(numbers.Integral, 1, None, closed="left"),
            PositiveInts(sequence_types=(list, tuple, range, np.ndarray)),
        ],
        "target": [Hashable, None],
        "features": ["array-like", None],
        "id": [Hashable, None],
        "time": [Hashable, None],
    },
    prefer_skip_nested_validation=True,
)
def to_supervised(
    data: "pd.Series | pd.DataFrame | np.typing.ArrayLike",
    horizon: "int | Sequence[int]" = 1,
    *,
    target: "Hashable | None" = None,
    features: "Sequence[Hashable] | None" = None,
    id: "Hashable | None" = None,  # noqa: A002 (the panel's id column, as in pandas' melt)
    time: "Hashable | None" = None,
) -> "tuple[pd.DataFrame | np.ndarray, pd.Series | pd.DataFrame | np.ndarray]":
    """Pair each observation with the target value ``horizon`` steps later.

    Row ``t`` of ``X`` holds the observation(s) at time ``t``; ``y`` holds the
    target series at ``t + horizon``. Every row that has a target is kept:
    a series of length ``n`` gives ``n - horizon`` samples (the classic
    tutorial's ``create_dataset`` loses one more). Past values are not added
    here; put a :class:`~sklstm.LagFeaturizer` in the pipeline for that, so
    that the window is built inside cross-validation.

    Parameters
    ----------
    data : pandas.Series, pandas.DataFrame or array-like of shape (n_samples,) \
            or (n_samples, n_features)
        The series in time order, oldest first: rows are paired by position.
        A pandas index of times or numbers must be increasing (a newest-first
        or shuffled index is refused: sort it with ``data.sort_index()``); the
        rows of an array, or of any other index, are taken to be in time
        order. **Gaps**: where the index has a time step (a ``PeriodIndex``;
        a ``DatetimeIndex`` or ``TimedeltaIndex`` whose frequency is set or,
        for a panel, can be inferred from the times of all its series),
        every row must be one step after the row before it: data with
        missing times is refused with a ``ValueError`` that names the first
        gap, since pairing by position would give the row before a gap a
        target further ahead than ``horizon``. Fill the missing times first
        (``data.reindex(pd.period_range(...)).interpolate()``,
        ``data.asfreq("MS").interpolate()``), or split the series at the
        gap. Times without a step to tell (integers, irregular datetimes
        such as trading days) are taken in row order. The columns of a
        DataFrame (or of a 2-D array) are the features; the columns used
        must have unique names. With ``id``, a long-format DataFrame holding
        several series (see ``id`` and ``time``).
    horizon : int or sequence of int, default=1
        How many steps ahead the target lies. A sequence of distinct values
        such as ``range(1, 4)`` gives one target column per step ahead
        (direct multi-step forecasting, a 2-D ``y``); the leads need not be
        consecutive (``(1, 3, 12)``). Which leads to pair, where the forecast
        functions' ``steps`` is how many values to forecast (1 to
        ``steps``): two concepts, so two names.
    target : label or int, default=None
        The column to forecast, for 2-D ``data`` with several columns (a
        column label for a DataFrame, a column position for an array). Not
        needed for a Series or a single column.
    features : list of labels or ints, default=None
        The columns that make ``X`` (labels for a DataFrame, positions for an
        array); all columns by default. The target need not be one of them:
        ``features=["temperature", "month"]`` forecasts ``target`` from other
        series alone.
    id : label, default=None
        For a panel (several series stacked in one long-format DataFrame, one
        row per series and time): the column that names the series of each
        row. Each series is paired on its own, exactly as a single series
        would be, so no ``(X, y)`` pair spans two series, and each series
        loses its own last ``max(horizon)`` rows; a series with no more rows
        than that gives no samples (with a ``UserWarning``). The rows of the
        series may be interleaved and the series in any order. The id column
        is neither a feature nor the target.
    time : label, default=None
        For a panel: the column that holds the time of each row. By default
        the time is ``data``'s index. Within each series, the rows must be in
        increasing time order (checked as the index of a single series is);
        a ``(series, time)`` pair may occur only once, and no series may
        skip a time step (see Gaps above).

    Returns
    -------
    X : pandas.DataFrame or ndarray of shape (n_samples - max(horizon), n_features)
        The observations at time ``t``; a DataFrame keeps the input's index
        and column names. For a panel, ``X`` is indexed by a
        :class:`~pandas.MultiIndex` ``(series, time)``, the series one after
        the other in order of first appearance, each in time order: the
        index :class:`~sklstm.PanelSplit` and
        :class:`~sklstm.LagFeaturizer` read.
    y : pandas.Series, pandas.DataFrame or ndarray
        The target at ``t + horizon``, aligned with ``X`` (same index). A
        Series (1-D array) for an int ``horizon``, a DataFrame (2-D array)
        with columns ``"<name>_t+<h>"`` for a sequence.

    Notes
    -----
    A panel is paired in one pass over all its rows (the rows of each series
    found by group offsets), so 100,000 short series cost about as much as
    one series of as many rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm import to_supervised
    >>> s = pd.Series([10.0, 20.0, 30.0, 40.0], name="sales")
    >>> X, y = to_supervised(s)
    >>> X
       sales
    0   10.0
    1   20.0
    2   30.0
    >>> y
    0    20.0
    1    30.0
    2    40.0
    Name: sales, dtype: float64
    >>> X, Y = to_supervised(s, horizon=[1, 2])
    >>> Y
       sales_t+1  sales_t+2
    0       20.0       30.0
    1       30.0       40.0

    Exogenous inputs: forecast ``sales`` from ``ads`` only.

    >>> df = pd.DataFrame({"ads": [1.0, 2.0, 3.0], "sales": [5.0, 6.0, 7.0]})
    >>> X, y = to_supervised(df, target="sales", features=["ads"])
    >>> X
       ads
    0  1.0
    1  2.0
    >>> y.tolist()
    [6.0, 7.0]

    A panel: two stores in one long table, time in the index.

    >>> panel = pd.DataFrame(
    ...     {"store": ["a", "b", "a", "b", "a", "b"],
    ...      "sales": [1.0, 10.0, 2.0, 20.0, 3.0, 30.0]},
    ...     index=pd.Index([1, 1, 2, 2, 3, 3], name="week"))
    >>> X, y = to_supervised(panel, target="sales", id="store")
    >>> X
                sales
    store week
    a     1       1.0
          2       2.0
    b     1      10.0
          2      20.0
    >>> y.tolist()
    [2.0, 3.0, 20.0, 30.0]
    """
    horizons = _check_horizon(horizon)
    if id is None:
        if time is not None:
            raise ValueError(
                f"time={time!r} names the time column of a panel and needs id=<the "
                "series column>; for a single series, put the time in the index "
                f"instead (data.set_index({time!r}))."
            )
        frame, is_pandas = _as_frame(data)
        column, inputs = _columns(frame, target, features, used=[])
        X, y = _pairs(frame, horizons, column, inputs)
        if isinstance(horizon, numbers.Integral):
            y = y.iloc[:, 0].rename(column)
        if is_pandas:
            return X, y
        return X.to_numpy(), y.to_numpy()

    frame, ids, times = _panel(data, id, time)
    column, inputs = _columns(frame, target, features, used=[id, time])
    codes, series = pd.factorize(ids)  # the series in order of first appearance
    order = np.argsort(codes, kind="stable")  # each series' rows in their given order
    sizes = np.bincount(codes, minlength=len(series))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    sorted_times = times.take(order)
    _check_panel_time_order(sorted_times, starts, sizes, series)
    _check_gaps(sorted_times, starts, series, freq=gap_freq(times, panel_times=times))
    n_pairs = sizes - max(horizons)
    has_pairs = n_pairs >= 1
    if not has_pairs.any():
        raise ValueError(
            f"to_supervised needs more observations than the horizon in at least "
            f"one series: every series of data has at most {max(horizons)} rows "
            f"(the horizon is {max(horizons)}). Pass longer series or a shorter "
            "horizon."
        )
    if not has_pairs.all():
        short = list(series[~has_pairs][:5])
        warnings.warn(
            f"{int((~has_pairs).sum())} series have too few rows for a target "
            f"{max(horizons)} step(s) ahead and give no samples: {short}"
            f"{' ...' if (~has_pairs).sum() > 5 else ''}.",
            UserWarning,
            stacklevel=3,  # the caller of validate_params' wrapper
        )
    kept = ranges(starts[has_pairs], n_pairs[has_pairs])  # positions in sorted rows
    rows = order[kept]
    names = [id, time if time is not None else frame.index.name]
    index = pd.MultiIndex.from_arrays([series.take(codes[rows]), times.take(rows)], names=names)
    X, y = _take_pairs(
        frame, column, inputs, rows, [order[kept + h] for h in horizons], horizons, index
    )
    if isinstance(horizon, numbers.Integral):
        y = y.iloc[:, 0].rename(column)
    return X, y


def _pairs(frame, horizons, column, inputs):
    """``X`` and the 2-D ``y`` of one series, rows paired by position."""
    _check_time_order(frame.index, "data's index")
    _check_gaps(frame.index, np.zeros(1, dtype=np.intp), None, freq=gap_freq(frame.index))
    n_rows = len(frame) - max(horizons)
    if n_rows < 1:
        raise ValueError(
            f"to_supervised needs more observations than the horizon: got "
            f"{len(frame)} observation(s) and a horizon of {max(horizons)}. "
            "Pass a longer series or a shorter horizon."
        )
    rows = np.arange(n_rows)
    return _take_pairs(
        frame, column, inputs, rows, [rows + h for h in horizons], horizons, frame.index[:n_rows]
    )


def _take_pairs(frame, column, inputs, rows, targets, horizons, index):
    """``X`` (the rows ``rows`` of the inputs) and the 2-D ``y`` (the target
    at the rows ``targets``, one array per horizon), both indexed by ``index``.
    """
    X = frame[inputs].iloc[rows].set_axis(index)
    values = frame[column].to_numpy()
    if values.dtype.kind in "biu":  # as a shifted column is: NaN-able floats
        values = values.astype(np.float64)
    y = pd.DataFrame(
        {horizon_name(column, h): values[at] for h, at in zip(horizons, targets)}, index=index
    )
    return X, y


def _check_panel_time_order(times, starts, sizes, series):
    """Each series' times (``times``, series after series from ``starts``)
    must increase: checked for all series in one pass, explained for the
    first series that does not.
    """
    breaks = within(time_order_breaks(times), starts, len(times))
    if len(breaks):
        number = np.searchsorted(starts, breaks[0], side="right") - 1
        own = times[starts[number] : starts[number] + sizes[number]]
        _check_time_order(own, f"the time of series {series[number]!r}")


def _check_gaps(times, starts, series, *, freq):
    """Refuse times with a gap: a row whose time is not one step (``freq``)
    after the time of the row before it, in the same series.

    ``times`` holds the series one after the other, each in increasing time
    order, from ``starts``; ``series`` names them (None for one series).
    Nothing is checked without a ``freq``.
    """
    if freq is None or len(times) < 2:
        return
    gaps = within(np.flatnonzero(~follows(times, freq)) + 1, starts, len(times))
    if not len(gaps):
        return
    first = gaps[0]
    before, after = times[first - 1], times[first]
    expected = before + 1 if isinstance(times, pd.PeriodIndex) else before + freq
    step = times.freqstr if isinstance(times, pd.PeriodIndex) else freq.freqstr
    if series is None:
        whose = "data's index has"
        fill = (
            "Fill the missing times first, e.g. data.reindex(pd.period_range("
            f"data.index[0], data.index[-1], freq={times.freqstr!r})).interpolate()"
            if isinstance(times, pd.PeriodIndex)
            else f"Fill the missing times first, e.g. data.asfreq({freq.freqstr!r}).interpolate()"
        )
    else:
        number = np.searchsorted(starts, first, side="right") - 1
        whose = f"the times of series {series[number]!r} have"
        fill = (
            "Give every series one row per time step first (reindex each series to "
            "its full range of times and fill the new rows, e.g. with "
            "interpolate()), or drop the series with gaps"
        )
    raise ValueError(
        f"{whose[0].upper()}{whose[1:]} {len(gaps)} gap(s) in time: {after} comes right "
        f"after {before}, where {expected} was due (steps of {step!r}). "
        "to_supervised pairs each row with the row `horizon` places below it, "
        "so across a gap a target would lie further ahead than `horizon` steps. "
        f"{fill}."
    )


def _columns(frame, target, features, used):
    """The target column and the feature columns, checked, with their values.

    ``used`` are the columns that are not data (a panel's id and time
    columns): never a feature, never the target.
    """
    used = [c for c in used if c is not None]
    if frame.shape[1] == 0:  # first: data with no columns needs no target=
        raise ValueError("to_supervised got data with no columns.")
    data_columns = frame.columns[~frame.columns.isin(used)] if used else frame.columns
    column = _target_column(frame, target, data_columns, used)
    inputs = _feature_columns(frame, features, data_columns, used)
    _check_unique_columns(frame, [*inputs, column])
    _check_values(frame[list(dict.fromkeys([*inputs, column]))])  # unused columns may be anything
    return column, inputs


def _check_horizon(horizon):
    """The horizons as a list of ints; validate_params has checked their type and range."""
    if isinstance(horizon, numbers.Integral):
        return [int(horizon)]
    horizons = [int(h) for h in horizon]
    repeated = sorted({h for h in horizons if horizons.count(h) > 1})
    if repeated:
        raise ValueError(
            f"horizon lists the step(s) {repeated} more than once ({list(horizon)}); "
            "each step ahead gives one target column, so list each once, e.g. "
            "range(1, 4)."
        )
    return horizons


def _check_unique_columns(frame, used):
    duplicated = frame.columns[frame.columns.duplicated()]
    clashes = [c for c in dict.fromkeys(used) if c in duplicated]
    if clashes:
        raise ValueError(
            f"data has several columns named {clashes}; to_supervised cannot tell "
            "them apart. Rename them (e.g. data.columns = [...]) or drop the copies."
        )


def _check_time_order(index, where):
    breaks = time_order_breaks(index)
    if not len(breaks):
        return
    one_series = where == "data's index"
    sort = "data.sort_index()" if one_series else "data.sort_values([<id>, <time>])"
    if index.is_monotonic_decreasing and index.is_unique:
        raise ValueError(
            f"{where} is in decreasing time order (from {index[0]} down to "
            f"{index[-1]}): newest row first. to_supervised pairs each row with the "
            "row `horizon` places below it, which here is its past, not its "
            f"future. Sort it oldest first: {sort}."
        )
    first = breaks[0]
    if one_series:
        row = f"row {first}"
        repeats = (
            "; labels that repeat (several series stacked) need id=<the series "
            "column>, or one to_supervised call per series."
        )
    else:
        row = f"row {first} of that series"
        repeats = "."
    raise ValueError(
        f"{where} is not in increasing time order: label {index[first]} ({row}) "
        f"does not come after {index[first - 1]}. to_supervised pairs rows "
        "by position, so the target of a row would not be the value `horizon` "
        f"steps after it. Sort the rows ({sort}){repeats}"
    )


def _panel(data, id, time):  # noqa: A002
    """Check a long-format panel; return it with each row's series id and time."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"id={id!r} names the series column of a long-format DataFrame (one "
            f"row per series and time); got {type(data).__name__}. Pass a "
            "DataFrame with a column for the series id, e.g. series.reset_index()."
        )
    for name, what in [(id, "id"), (time, "time")]:
        if name is not None and name not in data.columns:
            hint = (
                f" It is a level of data's index: make it a column with data.reset_index({name!r})."
                if name in data.index.names
                else ""
            )
            raise ValueError(
                f"{what} {name!r} is not a column of data; the columns are "
                f"{list(data.columns)}.{hint}"
            )
    if time is not None and time == id:
        raise ValueError(f"id and time both name the column {id!r}; they must differ.")
    _check_unique_columns(data, [id] if time is None else [id, time])
    ids = data[id]
    if ids.isna().any():
        raise ValueError(
            f"The id column {id!r} is missing in {int(ids.isna().sum())} row(s); "
            "give every row its series (fill those ids or drop those rows)."
        )
    if time is None:
        times = data.index
        if isinstance(times, pd.MultiIndex):
            raise ValueError(
                "data is indexed by a MultiIndex; with id=, the time is data's "
                "(single-level) index or the column named by time=. Make the "
                "levels columns (data.reset_index()) and pass id= and time=."
            )
    else:
        times = pd.Index(data[time], name=time)
    if times.hasnans:
        where = "data's index" if time is None else f"The time column {time!r}"
        raise ValueError(
            f"{where[0].upper()}{where[1:]} has missing times (NaN/NaT); drop those "
            "rows or fill in their time first."
        )
    pairs = pd.MultiIndex.from_arrays([ids, times])
    if pairs.has_duplicates:
        key, when = pairs[pairs.duplicated()][0]
        raise ValueError(
            f"data has more than one row for series {key!r} at time {when}; each "
            "series has one row per time. Drop or aggregate the repeats, e.g. "
            "data.groupby([<id>, <time>]).mean()."
        )
    return data, ids.to_numpy(), times


def _as_frame(data):
    if isinstance(data, pd.Series):
        name = data.name if data.name is not None else "y"
        return data.to_frame(name=name), True
    if isinstance(data, pd.DataFrame):
        return data, True
    array = np.asarray(data)
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2:
        raise ValueError(
            "to_supervised expects a 1-D series or a 2-D table (rows = time "
            f"steps, columns = features); got an array with {array.ndim} "
            "dimensions."
        )
    return pd.DataFrame(array), False


def _target_column(frame, target, data_columns, used):
    if target is None:
        if len(data_columns) != 1:
            besides = f" besides {used}" if used else ""
            raise ValueError(
                f"data has {len(data_columns)} columns{besides}; pass "
                "target=<column> to say which one to forecast."
            )
        return data_columns[0]
    if target in used:
        raise ValueError(
            f"target {target!r} is the panel's id or time column; name a column "
            f"of values to forecast: one of {list(data_columns)}."
        )
    if target not in frame.columns:
        raise ValueError(
            f"target {target!r} is not a column of data; the columns are {list(frame.columns)}."
        )
    return target


def _feature_columns(frame, features, data_columns, used):
    if features is None:
        return list(data_columns)
    features = list(features)  # validate_params has refused a str or a scalar
    if not features:
        raise ValueError("features is empty; name at least one input column.")
    if len(set(features)) != len(features):
        raise ValueError(f"features names a column twice: {features}.")
    clashes = [f for f in features if f in used]
    if clashes:
        raise ValueError(
            f"features {clashes} name the panel's id or time column, which label "
            "the rows (they become the index of X). To use them as inputs too, "
            "add a numeric copy under another name, e.g. data.assign(...)."
        )
    missing = [f for f in features if f not in frame.columns]
    if missing:
        raise ValueError(
            f"features {missing} are not columns of data; the columns are {list(frame.columns)}."
        )
    return features


def _check_values(frame):
    if frame.shape[1] == 0:
        raise ValueError("to_supervised got data with no columns.")
    non_numeric = [
        c
        for c in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_complex_dtype(frame[c])
    ]
    if non_numeric:
        raise TypeError(
            f"to_supervised needs real numeric data; column(s) {non_numeric} hold "
            "text, complex numbers or other non-numeric values. Convert them "
            "(e.g. pd.to_numeric) or drop them."
        )
    values = frame.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise ValueError(
            "data contains NaN or infinite values; fill or drop them first "
            "(e.g. series.interpolate() or series.dropna())."
        )
