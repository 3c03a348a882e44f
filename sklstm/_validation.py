"""Checks scikit-learn's validation lets through but a user almost surely did not mean.

* ``epochs=True`` satisfies ``Interval(Integral, 1, None)``: a bool is an
  int in Python. :class:`StrictInterval` refuses it.
* ``check_array(X, dtype=float)`` turns text that looks like numbers
  (``"1.5"``) and ``datetime64`` values (nanoseconds since 1970) into floats
  without a word. :func:`check_numeric` refuses both before that conversion.
"""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import Interval, Options

# What pandas.api.types.infer_dtype calls an object column of numbers.
_NUMBER_KINDS = {"integer", "floating", "mixed-integer-float", "decimal", "boolean", "empty"}
_TIME_KINDS = {"datetime64", "datetime", "date", "time", "timedelta64", "timedelta", "period"}


class StrictInterval(Interval):
    """An ``Interval`` constraint that a bool does not satisfy.

    ``True`` passed as ``epochs`` or ``look_back`` is a mistake (a flag given
    to a count), not the number 1.
    """

    def is_satisfied_by(self, val):
        if isinstance(val, (bool, np.bool_)):
            return False
        return super().is_satisfied_by(val)


class PositiveInts(Options):
    """A non-empty tuple or list of ints >= 1 (bools refused), such as ``(32, 16)``.

    An ``Options`` only because scikit-learn's ``make_constraint`` accepts
    constraint objects of its own classes alone; it matches sequences, not a
    set of options.
    """

    _element = StrictInterval(Integral, 1, None, closed="left")

    def __init__(self):
        super().__init__(tuple, set())

    def is_satisfied_by(self, val):
        return (
            isinstance(val, (tuple, list))
            and len(val) > 0
            and all(self._element.is_satisfied_by(v) for v in val)
        )

    def __str__(self):
        return "a non-empty tuple or list of ints >= 1"


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
        numbers.
    TypeError
        If ``X`` holds dates, times or time spans (``datetime64``,
        ``timedelta64``, periods).
    """
    if isinstance(X, pd.Series):
        X = X.to_frame()
    if isinstance(X, pd.DataFrame):
        for position in range(X.shape[1]):
            column = X.iloc[:, position]
            _check_values(column.dtype, column, f"column {X.columns[position]!r} of {input_name}")
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


def _check_values(dtype, values, where):
    kind = getattr(dtype, "kind", "O")
    if kind in "Mm" or isinstance(dtype, pd.PeriodDtype) or (
        isinstance(dtype, pd.DatetimeTZDtype)
    ):
        _refuse_times(where, str(dtype))
    if kind in "US":
        _refuse_text(where)
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
