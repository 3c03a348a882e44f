"""Turn a time series into a supervised learning problem ``X, y``."""

import numbers
from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import validate_params

from ._validation import PositiveInts, StrictInterval, time_order_breaks



@validate_params(
    {
        "data": ["array-like"],
        "horizon": [
            StrictInterval(numbers.Integral, 1, None, closed="left"),
            PositiveInts(sequence_types=(list, tuple, range, np.ndarray)),
        ],
        "target": [Hashable, None],
        "features": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def to_supervised(
    data: "pd.Series | pd.DataFrame | np.typing.ArrayLike",
    horizon: "int | Sequence[int]" = 1,
    *,
    target: "Hashable | None" = None,
    features: "Sequence[Hashable] | None" = None,
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
        order. The columns of a DataFrame (or of a 2-D array) are the
        features; the columns used must have unique names.
    horizon : int or sequence of int, default=1
        How many steps ahead the target lies. A sequence of distinct values
        such as ``range(1, 4)`` gives one target column per step ahead
        (direct multi-step forecasting, a 2-D ``y``).
    target : label or int, default=None
        The column to forecast, for 2-D ``data`` with several columns (a
        column label for a DataFrame, a column position for an array). Not
        needed for a Series or a single column.
    features : list of labels or ints, default=None
        The columns that make ``X`` (labels for a DataFrame, positions for an
        array); all columns by default. The target need not be one of them:
        ``features=["temperature", "month"]`` forecasts ``target`` from other
        series alone.

    Returns
    -------
    X : pandas.DataFrame or ndarray of shape (n_samples - max(horizon), n_features)
        The observations at time ``t``; a DataFrame keeps the input's index
        and column names.
    y : pandas.Series, pandas.DataFrame or ndarray
        The target at ``t + horizon``, aligned with ``X`` (same index). A
        Series (1-D array) for an int ``horizon``, a DataFrame (2-D array)
        with columns ``"<name>_t+<h>"`` for a sequence.

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
    """
    horizons = _check_horizon(horizon)
    frame, is_pandas = _as_frame(data)
    if frame.shape[1] == 0:  # first: data with no columns needs no target=
        raise ValueError("to_supervised got data with no columns.")
    column = _target_column(frame, target)
    inputs = _feature_columns(frame, features)
    _check_unique_columns(frame, [*inputs, column])
    _check_time_order(frame.index)
    _check_values(frame[list(dict.fromkeys([*inputs, column]))])  # unused columns may be anything
    n_rows = len(frame) - max(horizons)
    if n_rows < 1:
        raise ValueError(
            f"to_supervised needs more observations than the horizon: got "
            f"{len(frame)} observation(s) and a horizon of {max(horizons)}. "
            "Pass a longer series or a shorter horizon."
        )

    X = frame[inputs].iloc[:n_rows].copy()
    series = frame[column]
    shifted = {
        f"{column}_t+{h}": series.shift(-h).iloc[:n_rows] for h in horizons
    }
    if isinstance(horizon, numbers.Integral):
        y = next(iter(shifted.values())).rename(column)
    else:
        y = pd.DataFrame(shifted, index=X.index)
    if is_pandas:
        return X, y
    return X.to_numpy(), y.to_numpy()


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


def _check_time_order(index):
    breaks = time_order_breaks(index)
    if not len(breaks):
        return
    if index.is_monotonic_decreasing and index.is_unique:
        raise ValueError(
            f"data's index is in decreasing time order (from {index[0]} down to "
            f"{index[-1]}): newest row first. to_supervised pairs each row with the "
            "row `horizon` places below it, which here is its past, not its "
            "future. Sort it oldest first: data.sort_index()."
        )
    first = breaks[0]
    raise ValueError(
        f"data's index is not in increasing time order: label {index[first]} (row "
        f"{first}) does not come after {index[first - 1]}. to_supervised pairs rows "
        "by position, so the target of a row would not be the value `horizon` "
        "steps after it. Sort the rows (data.sort_index()); labels that repeat "
        "(several series stacked) need one to_supervised call per series."
    )


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


def _target_column(frame, target):
    if target is None:
        if frame.shape[1] != 1:
            raise ValueError(
                f"data has {frame.shape[1]} columns; pass target=<column> to "
                "say which one to forecast."
            )
        return frame.columns[0]
    if target not in frame.columns:
        raise ValueError(
            f"target {target!r} is not a column of data; the columns are "
            f"{list(frame.columns)}."
        )
    return target


def _feature_columns(frame, features):
    if features is None:
        return list(frame.columns)
    features = list(features)  # validate_params has refused a str or a scalar
    if not features:
        raise ValueError("features is empty; name at least one input column.")
    if len(set(features)) != len(features):
        raise ValueError(f"features names a column twice: {features}.")
    missing = [f for f in features if f not in frame.columns]
    if missing:
        raise ValueError(
            f"features {missing} are not columns of data; the columns are "
            f"{list(frame.columns)}."
        )
    return features


def _check_values(frame):
    if frame.shape[1] == 0:
        raise ValueError("to_supervised got data with no columns.")
    non_numeric = [
        c
        for c in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[c])
        or pd.api.types.is_complex_dtype(frame[c])
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
