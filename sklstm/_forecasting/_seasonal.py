"""Seasonal indices of a series: the classical decomposition, where a test finds a season.

Used by :class:`~sklstm.ChangeRegressor` (``seasonal_period=``) to learn and
forecast seasonally adjusted changes.
"""

import numpy as np
import pandas as pd

from .._naming import read_horizon
from .._timeindex import infer_freq

# The lag-``period`` autocorrelation must exceed this many standard errors
# (one-sided 90%), the seasonality test of the M4 benchmarks and of Theta.
SEASONALITY_Z = 1.645
# A series whose times span more than this many times its rows is left as
# it is: its grid of steps would be mostly gaps (and could be huge).
MAX_SPAN_RATIO = 2


def time_steps(index, freq=None):
    """The time of each label of ``index`` as an integer count of steps, and the
    frequency used (a string, or None).

    A ``PeriodIndex`` gives its ordinals; a ``DatetimeIndex`` those of the
    periods of ``freq``, else of its own frequency, else of the one inferred
    from its distinct values; integer labels are taken as steps. Ordinals of
    a multiple frequency (``"2D"``) are counted in its own steps.
    """
    if isinstance(index, pd.DatetimeIndex):
        freq = freq or infer_freq(index)
        if freq is None:
            raise ValueError(
                "X's DatetimeIndex (or a panel's time level) has no frequency, and "
                "fewer than 3 distinct times or irregular ones to infer it from, so "
                "the season of each row cannot be told. Use a PeriodIndex (e.g. "
                "series.index.to_period('M')), or a regular series with its "
                "frequency set (series.asfreq('MS'))."
            )
        offset = pd.tseries.frequencies.to_offset(freq)
        try:
            # The period frequency that matches the offset ("MS" -> "M"), as a
            # regular range of two stamps tells it on every pandas version.
            period = pd.date_range(index.min(), periods=2, freq=offset).to_period().freq
            index = index.to_period(period)
        except (ValueError, TypeError, AttributeError) as error:
            raise ValueError(
                f"The frequency {offset.freqstr!r} of X's DatetimeIndex has no "
                "matching period, so the season of each row cannot be told; use a "
                "PeriodIndex."
            ) from error
        freq = offset.freqstr
    if isinstance(index, pd.PeriodIndex):
        return np.asarray(index.asi8, dtype=np.int64) // index.freq.n, freq
    if pd.api.types.is_integer_dtype(index.dtype):
        return np.asarray(index, dtype=np.int64), None
    raise TypeError(
        "A seasonal adjustment reads the time of each row from X's index, but it "
        f"is a {type(index).__name__} of dtype {index.dtype}. Pass a DataFrame "
        "indexed by a PeriodIndex or DatetimeIndex (to_supervised keeps the index "
        "of a pandas series), or (series, time) for a panel."
    )


def target_horizons(y, n_outputs):
    """How many steps ahead each column of ``y`` is.

    ``to_supervised`` names the columns of a 2-D target ``<name>_t+<h>``; other
    targets are taken as ``1, ..., n_outputs`` steps ahead (one step for 1-D).
    """
    columns = getattr(y, "columns", None)
    if columns is not None and len(columns) == n_outputs:
        found = [read_horizon(name) for name in columns]
        if None not in found:
            return np.array(found, dtype=np.int64)
    return np.arange(1, n_outputs + 1, dtype=np.int64)


def seasonal_indices(values, steps, period, *, multiplicative):
    """The ``period`` seasonal indices of one series, or None when it has no season.

    ``values[i]`` is observed at time step ``steps[i]``; index ``k`` is that
    of the steps ``s`` with ``s % period == k``. Classical decomposition: the
    centred moving average of one cycle (``2 x period`` for an even period)
    is the trend; the indices are the mean ratio (``multiplicative``) or
    difference to it at each position of the cycle, scaled to a mean of 1
    (or shifted to a mean of 0). None when the series is shorter than three
    cycles, has many gaps, or fails the test: its lag-``period``
    autocorrelation is not above ``SEASONALITY_Z`` standard errors.
    """
    order = np.argsort(steps, kind="stable")
    steps, values = steps[order], values[order]
    if len(values) < 3 * period or np.any(np.diff(steps) == 0):
        return None
    span = int(steps[-1] - steps[0]) + 1
    if span > MAX_SPAN_RATIO * len(values):
        return None
    grid = np.full(span, np.nan)
    grid[steps - steps[0]] = values
    with np.errstate(all="ignore"):
        if not _has_season(grid, period):
            return None
        if period % 2:
            weights = np.full(period, 1.0 / period)
        else:
            weights = np.r_[0.5, np.ones(period - 1), 0.5] / period
        trend = np.convolve(grid, weights, mode="valid")  # NaN where a value is missing
        half = (len(weights) - 1) // 2
        middle = grid[half : half + len(trend)]
        detrended = middle / trend if multiplicative else middle - trend
        position = (steps[0] + half + np.arange(len(trend))) % period
        index = np.full(period, np.nan)
        for k in range(period):
            seen = detrended[position == k]
            seen = seen[np.isfinite(seen)]
            if len(seen):
                index[k] = seen.mean()
        if multiplicative:
            index = index / index.mean()
            usable = np.isfinite(index).all() and (index > 0).all()
        else:
            index = index - index.mean()
            usable = np.isfinite(index).all()
    return index if usable else None


def _has_season(grid, period):
    """Whether the lag-``period`` autocorrelation of ``grid`` (NaN: missing) is significant."""
    n = np.count_nonzero(~np.isnan(grid))
    centred = grid - np.nanmean(grid)
    denominator = np.nansum(centred * centred)
    if not np.isfinite(denominator) or denominator == 0:
        return False
    acf = (
        np.array(
            [np.nansum(centred[k:] * centred[: len(centred) - k]) for k in range(1, period + 1)]
        )
        / denominator
    )
    limit = SEASONALITY_Z * np.sqrt((1 + 2 * np.sum(acf[:-1] ** 2)) / n)
    return bool(abs(acf[-1]) > limit)
