"""Time-index arithmetic: which label comes next, in pandas' own terms.

Used to tell whether new data continues the data a transformer was fitted
on, to label forecasts beyond the end of a series, and to place a forecast
at the time it is for.
"""

import numpy as np
import pandas as pd


def infer_offset(index):
    """The frequency :func:`pandas.infer_freq` infers from ``index``, as an offset
    (None when it finds none).

    pandas 3 warns that ``infer_freq`` will return an offset instead of a
    string; asking for the new behaviour where the option exists gives the
    same result on every pandas version, without the warning.
    """
    try:
        with pd.option_context("future.infer_freq_returns_offset", True):
            freq = pd.infer_freq(index)
    except pd.errors.OptionError:  # pandas < 3: it returns a string
        freq = pd.infer_freq(index)
    return None if freq is None else pd.tseries.frequencies.to_offset(freq)


def next_label(index):
    """The label that comes right after ``index``, or None if it cannot be told."""
    if index is None or len(index) == 0:
        return None
    if not (index.is_unique and index.is_monotonic_increasing):
        return None  # rows out of time order: the last row need not be the latest
    if isinstance(index, pd.RangeIndex):  # its own step, not +1
        return index[-1] + index.step
    try:
        return shift_index(index, 1)[-1]
    except ValueError:  # no frequency, or labels that are not times
        return None


def shift_index(index: pd.Index, steps: int) -> pd.Index:
    """The labels ``steps`` time steps after each label of ``index``."""
    if steps == 0:
        return index
    if isinstance(index, pd.PeriodIndex):
        return index + steps
    if isinstance(index, (pd.DatetimeIndex, pd.TimedeltaIndex)):
        if index.freq is None and len(index) >= 3:  # regular, without its freq set
            index = type(index)(index, freq="infer")
        if index.freq is None:
            raise ValueError(
                f"Cannot step a {type(index).__name__} without a frequency: set one (e.g. "
                "y.asfreq('MS') or index.freq) or pass y_true with horizon=0, "
                "indexed by the time each target is observed."
            )
        return index.shift(steps)
    if pd.api.types.is_integer_dtype(index.dtype):
        return pd.Index(np.asarray(index) + steps, name=index.name)
    raise ValueError(
        f"Cannot step an index of dtype {index.dtype} forward in time. Use a "
        "PeriodIndex, a DatetimeIndex with a frequency or integer positions, or "
        "pass horizon=0 with y_true indexed by the time each target is observed."
    )
