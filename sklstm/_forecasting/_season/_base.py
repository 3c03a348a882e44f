"""What every seasonal strategy of :class:`~sklstm.ChangeRegressor` shares.

A strategy (``ChangeRegressor(season=...)``) takes the season out before the
regressor learns the change, and puts it back in the forecasts. It is a small
estimator: :meth:`~_Season.fit` learns from the level column of the training
rows and their times, :meth:`~_Season.base` gives, for any rows, the level
the regressor sees and the base of each output (the forecast when the
predicted change is 0). Its fitted state lives on the clone that
``ChangeRegressor`` fits (``season_``), never on the object the user passed.
"""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval

from ..._timeindex import is_panel_index as _is_panel_index
from ..._timeindex import panel_order as _panel_order
from .._seasonal import time_steps


class _Season(BaseEstimator):
    """Base of the seasonal strategies: reads the time of each row.

    Subclasses implement ``_learn(levels, layout)``, ``_base(levels,
    layout)`` (or :meth:`base` itself) and may set ``n_history_`` (the latest rows of a series the
    base reads) in ``_learn``.
    """

    _parameter_constraints: dict = {
        "period": [Interval(Integral, 2, None, closed="left")],
    }

    def fit(self, X, levels, *, horizons, multiplicative, y=None):
        """Learn the season from the training rows.

        Parameters
        ----------
        X : pandas.DataFrame of shape (n_samples, n_features)
            The rows; only their index is read (the time of each row, the
            last level of a panel's ``(series, time)`` index).
        levels : ndarray of shape (n_samples,)
            The level column of ``X`` (the last observed value), checked.
        horizons : ndarray of int
            How many steps after its row each output lies.
        multiplicative : bool
            Whether the season multiplies the level (``kind="log"``) or adds to it.
        y : ndarray of shape (n_samples,), default=None
            A 1-D target, checked to be the level one step ahead.

        Returns
        -------
        self : object
            The fitted strategy.
        """
        self._validate_params()
        self.horizons_ = np.asarray(horizons, dtype=np.int64)
        self.multiplicative_ = bool(multiplicative)
        self.time_freq_ = None
        self.n_history_ = None
        layout = self._layout(X, fitting=True)
        _check_period_fits(self.period, layout[1])
        if y is not None and y.ndim == 1:
            _check_one_step_ahead(levels, y, layout)
        self._learn(levels, layout)
        return self

    def base(self, X, levels):
        """The level the regressor sees and each output's base.

        Parameters
        ----------
        X : pandas.DataFrame of shape (n_samples, n_features)
            The rows (their index is read).
        levels : ndarray of shape (n_samples,)
            The level column of ``X``, checked.

        Returns
        -------
        adjusted : ndarray of shape (n_samples,) or None
            The level column as the regressor sees it, or None when unchanged.
        base : ndarray of shape (n_samples, n_outputs)
            Each output's forecast for a predicted change of 0.
        """
        return self._base(levels, self._layout(X))

    def _every_output(self, levels):
        """``levels`` as the base of every output, shape (n_rows, n_outputs)."""
        return np.repeat(levels[:, np.newaxis], len(self.horizons_), axis=1)

    def _layout(self, X, *, fitting=False):
        """The series of ``X`` (``(key, rows)`` pairs) and each row's time as a step count.

        A DatetimeIndex is read with the frequency found in :meth:`fit`
        (kept as ``time_freq_``), so that a few rows per series still work.
        """
        steps = self._time_steps(X, fitting=fitting)  # refuses an X without an index first
        return rows_by_series(X.index), steps

    def _time_steps(self, X, *, fitting=False):
        """Each row's time as a step count (see :meth:`_layout`)."""
        if not isinstance(X, pd.DataFrame):
            raise TypeError(
                f"season={self!r} reads the time of each row from X's index, but X "
                f"is a {type(X).__name__}. Pass a DataFrame indexed by time "
                "(to_supervised keeps the index of a pandas series), or set season=None."
            )
        times = X.index
        if isinstance(times, pd.MultiIndex):
            level, codes = times.levels[-1], times.codes[-1]
            if not isinstance(level, pd.DatetimeIndex) and len(codes) and codes.min() >= 0:
                # periods or integers: each distinct time's steps, then each row's
                # (a DatetimeIndex's frequency is inferred from the rows' own times)
                steps, freq = time_steps(level, None if fitting else self.time_freq_)
                if fitting:
                    self.time_freq_ = freq
                return steps[codes]
            times = times.get_level_values(-1)
        steps, freq = time_steps(times, None if fitting else self.time_freq_)
        if fitting:
            self.time_freq_ = freq
        return steps


def rows_by_series(index):
    """``(key, rows)`` for each series of a panel's ``(series, time)`` index, in
    order of first appearance; ``[(None, None)]`` for one series."""
    if not _is_panel_index(index):
        return [(None, None)]
    codes, labels = series_codes(index)  # the index's own codes where it can
    order = np.argsort(codes, kind="stable")
    if len(order) < 2**31:
        order = order.astype(np.int32)  # the rows of every series: half the memory
    in_order = codes[order]
    bounds = np.flatnonzero(in_order[1:] != in_order[:-1]) + 1
    starts = np.r_[0, bounds]
    groups = np.split(order, bounds)
    appearance = np.argsort(order[starts], kind="stable")  # by each series' first row
    return [(labels[in_order[starts[k]]], groups[k]) for k in appearance]


def series_codes(index):
    """Each row's series number and the series' labels: ``(codes, keys)``,
    the rows of ``keys[k]`` where ``codes == k``, every key with rows;
    ``(None, [None])`` for one series. The layout of :func:`rows_by_series`
    without an array per series. For a ``(series, time)`` index, the
    index's own codes (no copy, however many rows), renumbered only when
    its series level holds labels without rows (a slice of a panel)."""
    if not _is_panel_index(index):
        return None, [None]
    if index.nlevels == 2 and len(index) and index.codes[0].min() >= 0:
        codes, labels = index.codes[0], index.levels[0]
        used = np.bincount(codes, minlength=len(labels)) > 0
        if used.all():
            return codes, labels.tolist()
        return (np.cumsum(used) - 1)[codes], labels[used].tolist()
    codes, keys = pd.factorize(index.droplevel(-1))
    if (codes < 0).any():
        _panel_order(index)  # raises: a row without a series label
    return codes, keys.tolist()


def series_key(key):
    """A panel's series label as a key that save_model can write."""
    if isinstance(key, (str, bool, int, float)):
        return key
    if isinstance(key, np.generic):
        return key.item()
    return str(key)


def _check_one_step_ahead(levels, y, layout):
    """Refuse a 1-D ``y`` that is visibly not the level one step later."""
    series, steps = layout
    matched = compared = 0
    for _, rows in series:
        rows = np.arange(len(levels)) if rows is None else rows
        rows = rows[np.argsort(steps[rows], kind="stable")]
        follows = np.flatnonzero(np.diff(steps[rows]) == 1)
        compared += len(follows)
        matched += np.count_nonzero(
            np.isclose(y[rows[follows]], levels[rows[follows + 1]], rtol=1e-9, atol=0)
        )
    if compared and matched < compared / 2:
        raise ValueError(
            f"With a season, a 1-D y is read as the value one step ahead, "
            f"but it equals X's level one step later in only {matched} of "
            f"{compared} rows. For a target h steps ahead, pass the 2-D y of "
            "to_supervised(..., horizon=[h]): its column name says h."
        )


def _check_period_fits(period, steps):
    """Refuse a ``seasonal_period`` longer than the training times span: no
    season of it can be seen (and its cycles overflow int64 time steps)."""
    span = int(steps.max()) - int(steps.min()) + 1 if len(steps) else 0  # Python ints
    if period > span:
        raise ValueError(
            f"period={period} is longer than the training data, whose times "
            f"span {span} step(s): not one cycle of that season can be seen. Pass the "
            "season's length in time steps (12 for monthly data), at most the span "
            "of the data, or season=None."
        )
