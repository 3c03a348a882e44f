"""Checks scikit-learn's validation lets through but a user almost surely did not mean.

* ``max_iter=True`` satisfies ``Interval(Integral, 1, None)``: a bool is an
  int in Python. :class:`StrictInterval` refuses it.
* Rows are paired or windowed by position, so an index out of time order
  (newest first, shuffled, repeated) would give a row values from its
  future. :func:`time_order_breaks` finds where it goes back in time.
* ``check_array(X, dtype=float)`` turns text that looks like numbers
  (``"1.5"``) and ``datetime64`` values (nanoseconds since 1970) into floats
  without a word. :func:`check_numeric` refuses both before that conversion.
* ``_check_sample_weight`` lets text weights through the same way, and huge
  weights (``1e308``) overflow the weighted means of the scalers.
  :func:`check_sample_weight` refuses the first and rescales the weights so
  that only their ratios matter.
"""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import Interval, Options
from sklearn.utils.validation import _check_sample_weight

# What pandas.api.types.infer_dtype calls an object column of numbers.
_NUMBER_KINDS = {"integer", "floating", "mixed-integer-float", "decimal", "boolean", "empty"}
_TIME_KINDS = {"datetime64", "datetime", "date", "time", "timedelta64", "timedelta", "period"}


class StrictInterval(Interval):
    """An ``Interval`` constraint that a bool does not satisfy.

    ``True`` passed as ``max_iter`` or ``look_back`` is a mistake (a flag given
    to a count), not the number 1.
    """

    def is_satisfied_by(self, val):
        if isinstance(val, (bool, np.bool_)):
            return False
        return super().is_satisfied_by(val)


class PositiveInts(Options):
    """A non-empty sequence of ints >= 1 (bools refused), such as ``(32, 16)``.

    ``sequence_types`` are the sequence types accepted (tuple and list by
    default).

    An ``Options`` only because scikit-learn's ``make_constraint`` accepts
    constraint objects of its own classes alone; it matches sequences, not a
    set of options.
    """

    _element = StrictInterval(Integral, 1, None, closed="left")

    def __init__(self, *, sequence_types=(tuple, list)):
        super().__init__(tuple, set())
        self.sequence_types = sequence_types

    def is_satisfied_by(self, val):
        if isinstance(val, np.ndarray) and val.ndim != 1:
            return False
        return (
            isinstance(val, self.sequence_types)
            and len(val) > 0
            and all(self._element.is_satisfied_by(v) for v in val)
        )

    def __str__(self):
        names = " or ".join(t.__name__ for t in self.sequence_types)
        return f"a non-empty {names} of ints >= 1"


def check_numeric(X, input_name):
    """Refuse text and date/time values in ``X`` before it is cast to float.

    Parameters
    ----------
    X : array-like, DataFrame or Series
        The data, not yet converted.
    input_name : str
        Its name in the error message, e.g. ``"X"`` or ``"y"``.

    Raises
    ------
    ValueError
        If ``X`` holds text (strings or bytes), even text that reads as
        numbers, or complex numbers.
    TypeError
        If ``X`` holds dates, times or time spans (``datetime64``,
        ``timedelta64``, periods).
    """
    if isinstance(X, pd.Series):
        _check_values(X.dtype, X, input_name)
        return
    if isinstance(X, pd.DataFrame):
        for position, dtype in enumerate(X.dtypes):
            if getattr(dtype, "kind", "O") in "biuf":
                continue  # numbers and bools: nothing to look into
            name = f"column {X.columns[position]!r} of {input_name}"
            _check_values(dtype, X.iloc[:, position], name)
        return
    if hasattr(X, "dtype") and hasattr(X, "shape") and not isinstance(X, np.ndarray):
        return  # a sparse matrix or another container: numeric by construction
    if not hasattr(X, "dtype"):
        if not isinstance(X, (list, tuple)):
            return
        try:
            X = np.asarray(X)
        except (ValueError, TypeError):
            return  # ragged: check_array explains
    _check_values(X.dtype, X, input_name)


def check_sample_weight(sample_weight, X):
    """The weights of the rows of ``X``, checked, as float64 with mean 1.

    Only the ratios of the weights matter: they are divided by their largest
    value, then by their mean, so ``1e20`` (or ``1e308``) for every row gives
    the same ones as ``1`` does, and no weighted sum overflows.

    Raises
    ------
    ValueError
        If the weights hold text (even text such as ``"1.5"``), are negative,
        NaN or infinite, have the wrong shape, or are all zero.
    TypeError
        If the weights hold dates or times.
    """
    check_numeric(sample_weight, "sample_weight")
    weights = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
    if not weights.any():  # scikit-learn < 1.7 lets this through
        raise ValueError(
            "sample_weight is zero for every row; at least one non-zero "
            "weight is needed. Give the rows to train on a positive weight."
        )
    weights = weights / weights.max()  # in [0, 1]: the mean below cannot overflow
    return weights / weights.mean()


def _check_values(dtype, values, where):
    kind = getattr(dtype, "kind", "O")
    if kind in "Mm" or isinstance(dtype, (pd.PeriodDtype, pd.DatetimeTZDtype)):
        _refuse_times(where, str(dtype))
    if kind in "US":
        _refuse_text(where)
    if kind == "c":
        raise ValueError(
            f"Complex data not supported: {where} holds complex numbers, and "
            "sklstm forecasts real values. Pass "
            "the real part (values.real) or the magnitude (np.abs(values))."
        )
    if kind != "O":
        return  # numbers, bools, or an extension type check_array reports
    flat = np.asarray(values, dtype=object).ravel()
    inferred = pd.api.types.infer_dtype(flat, skipna=True)
    if inferred in _NUMBER_KINDS:
        return
    if inferred in _TIME_KINDS:
        _refuse_times(where, inferred)
    if inferred in {"string", "bytes"} or any(isinstance(v, (str, bytes)) for v in flat):
        _refuse_text(where)


def _refuse_text(where):
    raise ValueError(
        f"{where} holds text (a string dtype), which is not converted to numbers "
        "silently, even text such as '1.5'. Convert it first, e.g. "
        "pd.to_numeric(...) or array.astype(float), or drop the column."
    )


def _refuse_times(where, what):
    raise TypeError(
        f"{where} holds dates or times ({what}); casting them to float would give "
        "nanoseconds (or days) since 1970 as a feature. Keep the time in the index "
        "(e.g. df.set_index('date')) and pass only numeric columns, or derive "
        "numeric features (month, day of week) yourself."
    )


def time_order_breaks(index):
    """Positions whose label does not come after the label before (ascending).

    Only an index of times or numbers can be told; any other (strings, a
    MultiIndex) and a NumPy array's rows are taken to be in time order.
    """
    none = np.empty(0, dtype=np.intp)
    if index is None or len(index) < 2:
        return none
    timelike = isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex, pd.TimedeltaIndex))
    numeric = pd.api.types.is_numeric_dtype(index.dtype) and not (
        pd.api.types.is_bool_dtype(index.dtype)
    )
    if not (timelike or numeric) or isinstance(index, pd.MultiIndex):
        return none
    if index.is_monotonic_increasing and index.is_unique:
        return none
    later = np.asarray(index[1:] > index[:-1], dtype=bool)
    return np.flatnonzero(~later) + 1
