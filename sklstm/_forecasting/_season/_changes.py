"""``SeasonalChanges``: learn the change from the past cycles' same-season changes."""

from numbers import Real

import numpy as np

from ..._validation import StrictInterval
from ._base import _Season, series_key

# How many past cycles the seasonal base averages.
SEASON_CYCLES = 10


class SeasonalChanges(_Season):
    """Learn the change from a seasonal base: the level moved by past cycles' same-season changes.

    A season strategy for :class:`~sklstm.ChangeRegressor`
    (``ChangeRegressor(regressor, season=SeasonalChanges(period=12))``): no
    indices and no test; the regressor learns the change from a *seasonal
    base*, this row's level moved by the change over the same steps in past
    cycles (for one step ahead of month ``t``: the change from month
    ``t - 12`` to ``t - 11``, from ``t - 24`` to ``t - 23``, ...; of logs for
    ``kind="log"``), their mean weighted ``1, decay, decay ** 2, ...`` from
    the most recent cycle back, over at most ``SEASON_CYCLES`` (10) cycles,
    those before the start of the series left out. That follows a season
    that changes shape over the years, as SARIMA's seasonal difference does;
    ``X`` reaches the regressor unchanged. The levels are read by time (from
    ``X``, else from the end of the training series), so gaps are read
    right; a row with none of those cycles in its history keeps its level.

    Parameters
    ----------
    period : int, default=12
        Length of the seasonal cycle in steps (12 for monthly data), at least 2.
    decay : float in [0, 1], default=0.7
        The weight ratio of each cycle to the next more recent one: 0 is the
        seasonal naive forecast with drift (last cycle only), 1 the plain
        mean of the cycles.

    Attributes
    ----------
    reach_ : int
        How many steps before a row its seasonal base reads.
    history_ : tuple of ndarray or dict
        The time steps and levels of the last ``reach_`` steps of the
        training series (a dict by series for a panel), so that rows after
        it get their base.
    time_freq_ : str or None
        With a ``DatetimeIndex``: the frequency its times were read with in
        :meth:`fit`.
    n_history_ : int
        ``reach_ + 1``: the latest rows of a series the base of a row reads.

    See Also
    --------
    SeasonalIndices : Take out each series' seasonal indices.
    ChangeRegressor : The meta-estimator that takes this strategy.

    Examples
    --------
    A season that grows with the series: with a regressor that predicts no
    change, the forecast is the seasonal base itself, here exact after the
    first year.

    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn.dummy import DummyRegressor
    >>> from sklstm import ChangeRegressor, SeasonalChanges, to_supervised
    >>> t = np.arange(48)
    >>> series = pd.Series(100 * 1.01 ** t * (1 + 0.2 * np.sin(np.pi * t / 6)),
    ...                    index=pd.period_range("2000-01", periods=48, freq="M"))
    >>> X, y = to_supervised(series)
    >>> model = ChangeRegressor(DummyRegressor(strategy="constant", constant=0.0),
    ...                         kind="log", season=SeasonalChanges(period=12))
    >>> forecast = model.fit(X, y).predict(X)
    >>> bool(np.allclose(forecast[12:], y[12:]))
    True
    """

    _parameter_constraints: dict = {
        **_Season._parameter_constraints,
        "decay": [StrictInterval(Real, 0, 1, closed="both")],
    }

    def __init__(self, period=12, *, decay=0.7):
        self.period = period
        self.decay = decay

    def _learn(self, levels, layout):
        first = -(-int(self.horizons_.max()) // self.period)
        self.reach_ = (first + SEASON_CYCLES - 1) * self.period
        self.history_ = self._learn_history(levels, layout)
        self.n_history_ = self.reach_ + 1

    def _learn_history(self, levels, layout):
        """The ``(steps, levels)`` of each series' last ``reach_`` steps (a dict
        for a panel)."""
        series, steps = layout
        history = {}
        for key, rows in series:
            rows = np.arange(len(levels)) if rows is None else rows
            oldest = int(steps[rows].max()) - self.reach_  # a Python int: no overflow
            recent = steps[rows] >= max(oldest, np.iinfo(np.int64).min)
            kept = (steps[rows][recent].copy(), levels[rows][recent].copy())
            if key is None:
                return kept
            history[series_key(key)] = kept
        return history

    def _base(self, levels, layout):
        """Each output's base, shape (n_rows, n_outputs).

        The level moved by the mean change over the same steps in the
        ``SEASON_CYCLES`` nearest cycles that end at or before the row's
        time, the ``j``-th weighted ``decay ** j``. The levels are looked up
        by time (the series' rows in ``X``, else its history from
        :meth:`fit`); a missing level leaves its cycle out, and a row with no
        cycle keeps its level.
        """
        series, steps = layout
        m = self.period
        if self.reach_ >= 2**62:  # no cycle fits in int64 time steps
            return None, self._every_output(levels)
        ago = (-(-self.horizons_ // m))[:, np.newaxis] + np.arange(SEASON_CYCLES)
        ago = ago * m  # (n_outputs, cycles): steps back to where each change began
        log = np.log if self.multiplicative_ else (lambda values: values)
        decay = self.decay ** np.arange(SEASON_CYCLES)
        base = np.empty((len(levels), len(self.horizons_)))
        for key, rows in series:
            rows = np.arange(len(levels)) if rows is None else rows
            known_steps, known = self._known_levels(key, steps[rows], levels[rows])
            begins = steps[rows][:, np.newaxis, np.newaxis] - ago  # (rows, outputs, cycles)
            ends = begins + self.horizons_[:, np.newaxis]
            changes = log(_lookup(known_steps, known, ends)) - log(
                _lookup(known_steps, known, begins)
            )
            weights = np.where(np.isnan(changes), 0.0, decay)
            total = weights.sum(axis=-1)
            moved = (weights * np.nan_to_num(changes)).sum(axis=-1)
            base[rows] = log(levels[rows])[:, np.newaxis] + moved / np.where(total > 0, total, 1)
        return None, np.exp(base) if self.multiplicative_ else base

    def _known_levels(self, key, steps, levels):
        """The levels of one series by time step, sorted: its fitted history,
        overridden by the rows given now."""
        history = self.history_
        if isinstance(history, dict):
            history = None if key is None else history.get(series_key(key))
        elif key is not None:  # a panel after a fit on one series
            history = None
        if history is not None:
            steps = np.concatenate([history[0], steps])
            levels = np.concatenate([history[1], levels])
        order = np.argsort(steps, kind="stable")
        steps, levels = steps[order], levels[order]
        last_of_each = np.r_[steps[1:] != steps[:-1], True]  # a repeated time: the latest row
        return steps[last_of_each], levels[last_of_each]


def _lookup(known_steps, known, wanted):
    """``known`` at each of the ``wanted`` steps (sorted ``known_steps``); NaN
    where a step is not known."""
    if not len(known_steps):
        return np.full(wanted.shape, np.nan)
    at = np.searchsorted(known_steps, wanted).clip(max=len(known_steps) - 1)
    return np.where(known_steps[at] == wanted, known[at], np.nan)
