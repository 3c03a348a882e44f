"""The time index of a series or a panel: its frequency, its series, what comes next.

One place for what sklstm reads from an index:

* **Frequency** (:func:`infer_freq`): the time step of a ``PeriodIndex``,
  ``DatetimeIndex`` or ``TimedeltaIndex``, its own or inferred from its
  distinct times.
* **Stepping** (:func:`next_label`, :func:`shift_index`, :func:`steps_apart`):
  which label comes next, to tell whether new data continues fitted data,
  to label forecasts beyond the end of a series, and to find gaps.
* **Panels** (:func:`is_panel_index`, :func:`panel_order`, :func:`series_of`,
  :func:`next_labels`): several series stacked in one frame indexed by a
  ``(series, time)`` :class:`~pandas.MultiIndex`, the series id first, the
  time last. The rows of a panel are handled series after series with group
  offsets (:func:`ranges`), never with a Python loop per series where it
  can be avoided: panels of 100,000 series are common.
"""

import numpy as np
import pandas as pd

_TIME_INDEXES = (pd.DatetimeIndex, pd.TimedeltaIndex)


def infer_freq(index):
    """The time step of ``index`` as a pandas offset, or None if it cannot be told.

    A ``PeriodIndex`` gives its frequency; a ``DatetimeIndex`` or
    ``TimedeltaIndex`` its own frequency, else the one pandas infers from its
    distinct times in increasing order (at least 3, regularly spaced). Any
    other index has none.

    Parameters
    ----------
    index : pandas.Index
        The times.

    Returns
    -------
    freq : pandas.DateOffset or None
    """
    if isinstance(index, pd.PeriodIndex):
        return index.freq
    if not isinstance(index, _TIME_INDEXES):
        return None
    if index.freq is not None:
        return index.freq
    if not (index.is_unique and index.is_monotonic_increasing):
        index = index.unique().sort_values()
    if len(index) < 3:
        return None
    try:  # pandas' inference, as an offset on every pandas version
        return type(index)(index, freq="infer").freq
    except (TypeError, ValueError):
        return None


def next_label(index):
    """The label that comes right after ``index``, or None if it cannot be told."""
    if index is None or len(index) == 0:
        return None
    if not (index.is_unique and index.is_monotonic_increasing):
        return None  # rows out of time order: the last row need not be the latest
    if isinstance(index, pd.RangeIndex):  # its own step, not +1
        return index[-1] + index.step
    try:
        return shift_index(index[-1:], 1, freq=infer_freq(index))[-1]
    except ValueError:  # no frequency, or labels that are not times
        return None


def shift_index(index: pd.Index, steps: int, freq=None) -> pd.Index:
    """The labels ``steps`` time steps after each label of ``index``.

    ``freq`` is the time step of a ``DatetimeIndex`` or ``TimedeltaIndex``
    (by default :func:`infer_freq` of ``index``); integer labels step by 1.
    """
    if steps == 0:
        return index
    if isinstance(index, pd.PeriodIndex):
        return index + steps
    if isinstance(index, _TIME_INDEXES):
        freq = freq if freq is not None else infer_freq(index)
        if freq is None:
            raise ValueError(
                f"Cannot step a {type(index).__name__} without a frequency: set one (e.g. "
                "y.asfreq('MS') or index.freq) or pass y_true with horizon=0, "
                "indexed by the time each target is observed."
            )
        return index.shift(steps, freq=freq)
    if pd.api.types.is_integer_dtype(index.dtype):
        values = np.asarray(index)
        check_integer_steps(values, steps)
        return pd.Index(values + steps, name=index.name)
    raise ValueError(
        f"Cannot step an index of dtype {index.dtype} forward in time. Use a "
        "PeriodIndex, a DatetimeIndex with a frequency or integer positions, or "
        "pass horizon=0 with y_true indexed by the time each target is observed."
    )


def check_integer_steps(times, steps):
    """Refuse integer ``times`` that ``steps`` steps would carry out of their dtype
    (numpy wraps around silently: the step after 2**63 - 1 is -2**63)."""
    times = np.asarray(times)
    if not len(times) or not np.issubdtype(times.dtype, np.integer):
        return
    limits = np.iinfo(times.dtype)
    lowest, highest = int(times.min()) + min(steps, 0), int(times.max()) + max(steps, 0)
    if lowest < limits.min or highest > limits.max:
        raise ValueError(
            f"Stepping integer times {steps} step(s) leaves their dtype {times.dtype}: "
            f"they run from {int(times.min())} to {int(times.max())}. Number the times "
            "from a smaller start (e.g. 0)."
        )


def follows(times, freq):
    """For each label of ``times`` after the first, whether it is one step
    (of ``freq``) after the label before it.

    Used to find gaps: in a series in increasing time order, a label that
    does not follow the one before it comes after missing times.
    """
    if len(times) < 2:
        return np.zeros(0, dtype=bool)
    before = times[:-1]
    expected = before + 1 if isinstance(before, pd.PeriodIndex) else before.shift(1, freq=freq)
    return np.asarray(times[1:] == expected, dtype=bool)


def gap_freq(times, panel_times=None):
    """The step at which missing times can be told in ``times``, or None.

    A ``PeriodIndex`` has its frequency. A ``DatetimeIndex`` or
    ``TimedeltaIndex`` has one when it is set or can be inferred, for a
    panel from the times of all its series (``panel_times``), so that a
    series with a missing month shows it. Other labels (integers, strings)
    are not taken as times with a step: their rows are taken in order.
    """
    if isinstance(times, pd.PeriodIndex):
        return times.freq
    if isinstance(times, _TIME_INDEXES):
        return infer_freq(times if panel_times is None else panel_times)
    return None


# -------------------------------------------------------------------- panels


def is_panel_index(index):
    """Whether ``index`` is a panel's ``(series, time)`` MultiIndex."""
    return isinstance(index, pd.MultiIndex) and index.nlevels >= 2


def panel_order(index):
    """The rows of a panel series after series (in order of first appearance,
    each in its given order), and where each series after the first starts.

    The panel is ``index``, a ``(series, time)`` MultiIndex.
    """
    codes, _ = pd.factorize(index.droplevel(-1))
    if (codes < 0).any():
        raise ValueError(
            f"X's index has {int((codes < 0).sum())} row(s) with no series label "
            "(NaN in the series level of its (series, time) MultiIndex); give "
            "every row its series or drop those rows."
        )
    order = np.argsort(codes, kind="stable")
    return order, np.flatnonzero(np.diff(codes[order])) + 1


def group_starts(bounds):
    """Where each series starts in the sorted rows, from :func:`panel_order`'s bounds."""
    return np.concatenate([[0], bounds]).astype(np.intp)


def within(positions, starts, n_rows):
    """The ``positions`` (of ``n_rows`` sorted rows) that are not the first row
    of a series (``starts``): where a series goes on rather than begins.
    """
    first = np.zeros(n_rows, dtype=bool)
    first[starts] = True
    return positions[~first[positions]]


def ranges(starts, counts):
    """The positions ``starts[i], ..., starts[i] + counts[i] - 1``, for every ``i`` in turn."""
    ends = np.cumsum(counts)
    return np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - ends + counts, counts)


def series_of(index):
    """The series in ``X``: ``(key, rows, times)`` for each.

    One series ``(None, None, index)`` unless ``index`` is a panel's
    ``(series, time)`` MultiIndex: then one entry per series, in order of
    first appearance, with the positions of its rows (in their given order)
    and their times (the last level).
    """
    if not is_panel_index(index):
        return [(None, None, index)]
    order, bounds = panel_order(index)
    keys = index.droplevel(-1).take(order[group_starts(bounds)])
    times = index.get_level_values(-1)
    return [(key, rows, times[rows]) for key, rows in zip(keys, np.split(order, bounds))]


def is_panel(series):
    """Whether :func:`series_of` found a panel."""
    return series[0][1] is not None


def next_labels(index):
    """The time that continues each series of ``index``, keyed by series.

    For one series (any index but a panel's), ``{None: next_label(index)}``.
    For a panel, a series whose times are regular takes the next step of
    its own; a series of datetimes or timedeltas too short to infer its
    frequency from takes the frequency of the whole panel's times.

    Whole panels at once: only series that do not step by the panel's own
    frequency (too short, or of another step) are looked at one by one.
    """
    if not is_panel_index(index):
        return {None: next_label(index)}
    order, bounds = panel_order(index)
    starts = group_starts(bounds)
    ends = np.concatenate([bounds, [len(order)]]) - 1
    keys = index.droplevel(-1).take(order[starts])
    times = index.get_level_values(-1).take(order)
    labels = np.full(len(starts), None, dtype=object)
    if isinstance(times, pd.PeriodIndex) or pd.api.types.is_integer_dtype(times.dtype):
        freq = None  # the next label of increasing times is the last + 1
        steps = np.asarray(times[1:] > times[:-1], dtype=bool)
    else:  # datetimes: those that step by the panel's frequency
        freq = infer_freq(times)
        steps = None if freq is None else follows(times, freq)
    fast = np.zeros(len(starts), dtype=bool)
    if steps is not None and len(times):
        broken = np.zeros(len(times), dtype=np.intp)  # the row does not follow the one before
        broken[1:] = ~steps
        broken[starts] = 0
        fast = np.add.reduceat(broken, starts) == 0
        if fast.any():
            labels[fast] = list(shift_index(times.take(ends[fast]), 1, freq=freq))
    others = np.flatnonzero(~fast)  # the few others, one by one
    panel_freq = infer_freq(times) if len(others) else None
    for number in others:
        own = times[starts[number] : ends[number] + 1]
        label = next_label(own)
        if (
            label is None
            and panel_freq is not None
            and isinstance(own, _TIME_INDEXES)
            and own.is_unique
            and own.is_monotonic_increasing
        ):
            label = own[-1] + panel_freq
        labels[number] = label
    return dict(zip(keys, labels))
