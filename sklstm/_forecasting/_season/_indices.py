"""``SeasonalIndices``: take out each series' seasonal indices (classical decomposition)."""

import numpy as np

from .._seasonal import seasonal_indices
from ._base import _Season, series_codes, series_key


class SeasonalIndices(_Season):
    """Take each series' seasonal indices out of the level, put them back in the forecasts.

    A season strategy for :class:`~sklstm.ChangeRegressor`
    (``ChangeRegressor(regressor, season=SeasonalIndices(period=12))``).
    :meth:`fit` estimates the seasonal indices of each series from the level
    column (classical decomposition: the ratio, for ``kind="log"``, or
    difference, for ``"diff"``, to a centred moving average of one cycle,
    averaged by position in the cycle), for the series that have at least
    three cycles and pass the seasonality test of the M4 benchmarks (the
    absolute autocorrelation at lag ``period`` above 1.645 standard errors).
    The regressor then sees the level column seasonally adjusted and learns
    the adjusted change; the forecasts get back the season of each output's
    own time. The time of each row comes from ``X``'s index
    (``PeriodIndex``, ``DatetimeIndex`` with a frequency, or integers; the
    last level of a panel's ``(series, time)`` index), so ``X`` must be a
    DataFrame. A series of a panel seen for the first time in ``predict`` is
    not adjusted.

    Parameters
    ----------
    period : int, default=12
        Length of the seasonal cycle in steps (12 for monthly data), at least 2.

    Attributes
    ----------
    indices_ : ndarray of shape (period,), dict or None
        The seasonal indices (position ``k`` for the times whose step count
        is ``k`` modulo the period): for one series, an array, or None when
        it has no season; for a panel, a dict that maps the label of each
        series that has a season to its array (a label that is not a str,
        int, float or bool, such as the tuple of a panel with several id
        levels, is kept as its ``str``).
    time_freq_ : str or None
        With a ``DatetimeIndex``: the frequency its times were read with in
        :meth:`fit` (set, or inferred), used again for later rows.
    n_history_ : None
        The indices read no earlier rows.

    See Also
    --------
    SeasonalChanges : Learn the change from the past cycles' same-season changes.
    ChangeRegressor : The meta-estimator that takes this strategy.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklstm import ChangeRegressor, SeasonalIndices, to_supervised
    >>> t = np.arange(60)
    >>> series = pd.Series(100 + 10 * np.sin(np.pi * t / 6),
    ...                    index=pd.period_range("2000-01", periods=60, freq="M"))
    >>> X, y = to_supervised(series)
    >>> model = ChangeRegressor(LinearRegression(), season=SeasonalIndices(period=12))
    >>> model.fit(X, y).season_.indices_.shape
    (12,)
    """

    def __init__(self, period=12):
        self.period = period

    def _learn(self, levels, layout):
        series, steps = layout
        seasons = {}
        for key, rows in series:
            found = seasonal_indices(
                levels if rows is None else levels[rows],
                steps if rows is None else steps[rows],
                self.period,
                multiplicative=self.multiplicative_,
            )
            if key is None:  # one series (its indices, or None)
                self.indices_ = found
                return
            if found is not None:
                seasons[series_key(key)] = found
        self.indices_ = seasons

    def _adjusts(self):
        """Whether fit found a season to take out (of any series)."""
        seasons = self.indices_
        return seasons is not None and (not isinstance(seasons, dict) or bool(seasons))

    def base(self, X, levels):
        # Overridden to read no index when no series has a season, and to
        # find each row's series by number, not an array of rows per series.
        if not self._adjusts():
            return None, self._every_output(levels)
        steps = self._time_steps(X)  # refuses an X without an index first
        adjusted = np.empty(len(levels))
        base = np.empty((len(levels), len(self.horizons_)))
        offsets = np.r_[0, self.horizons_]
        for rows, season in self._seasons_at(offsets, series_codes(X.index), steps):
            if self.multiplicative_:
                adjusted[rows] = levels[rows] / season[:, 0]
                base[rows] = adjusted[rows, np.newaxis] * season[:, 1:]
            else:
                adjusted[rows] = levels[rows] - season[:, 0]
                base[rows] = adjusted[rows, np.newaxis] + season[:, 1:]
        return adjusted, base

    base.__doc__ = _Season.base.__doc__  # the same contract, documented once

    def _seasons_at(self, offsets, series, steps, chunk=1 << 20):
        """The seasonal index ``offsets`` steps after each row's time, ``chunk``
        rows at a time (small temporaries for any panel): ``(rows, season)``
        pairs, ``season`` of shape ``(n_rows_of_chunk, len(offsets))``; 1
        (multiplicative) or 0 for a series with no season or not seen in
        :meth:`fit`. ``series``: :func:`series_codes`."""
        codes, keys = series
        none = 1.0 if self.multiplicative_ else 0.0
        seasons = self.indices_
        known = seasons is not None and not (isinstance(seasons, dict) and codes is None)
        if isinstance(seasons, dict) and known:
            table = np.full((len(keys), self.period), none)  # each series' indices
            for number, key in enumerate(keys):
                found = seasons.get(series_key(key))
                if found is not None:
                    table[number] = found
            seasons = table.ravel()
        for start in range(0, len(steps), chunk):
            rows = slice(start, start + chunk)
            season = np.full((len(steps[rows]), len(offsets)), none)
            if known:  # else no season, or fitted on a panel and given one series
                for column, offset in enumerate(offsets):
                    position = (steps[rows] + int(offset)) % self.period
                    if codes is not None and isinstance(self.indices_, dict):
                        position += codes[rows].astype(np.int64) * self.period
                    season[:, column] = seasons[position]
            yield rows, season
