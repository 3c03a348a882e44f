"""Learn the change from the last observation, predict in the original units."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils import get_tags
from sklearn.utils._available_if import available_if
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metadata_routing import (
    UNUSED,
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.validation import (
    check_array,
    check_is_fitted,
    has_fit_parameter,
    validate_data,
)

from .._preprocessing._lag import _series_of
from .._state import fit_context
from .._validation import StrictInterval, check_numeric
from ._seasonal import seasonal_indices, target_horizons, time_steps

# season="changes": how many past cycles the seasonal base averages.
SEASON_CYCLES = 10


class ChangeRegressor(RegressorMixin, BaseEstimator):
    """Fit a regressor to the change from the last observation.

    A model trained on the levels of a trending series cannot forecast beyond
    the range it saw (an LSTM's outputs are bounded, a tree's predictions are
    averages of training targets). This meta-estimator makes the wrapped
    regressor learn the *change* from the last observed value instead, and
    adds that value back, so predictions and scores stay in the target's own
    units, like :class:`~sklearn.compose.TransformedTargetRegressor` does for
    a transformed target.

    With ``kind="diff"`` the wrapped regressor is fitted on
    ``y - X[level]``; :meth:`predict` returns ``X[level] + change``. With
    ``kind="log"`` it is fitted on the log change ``log(y) - log(X[level])``
    (about the relative change), and :meth:`predict` returns
    ``X[level] * exp(change)``: the choice for a multiplicative series, whose
    changes grow with its level.

    ``X`` reaches the wrapped regressor unchanged (a DataFrame keeps its
    index and columns), so a :class:`~sklearn.pipeline.Pipeline` inside still
    builds its lags from the levels.

    Parameters
    ----------
    regressor : estimator object
        The regressor (or pipeline ending in one) to fit to the change. It is
        cloned in :meth:`fit`; tune its parameters as ``regressor__<name>``.
    kind : {"diff", "log"}, default="diff"
        ``"diff"``: the change is ``y - last``. ``"log"``: the change is
        ``log(y) - log(last)``; ``y`` and the last value must be positive.
    level : str, int or None, default=None
        The column of ``X`` that holds the last observed value of the target:
        a column label of a DataFrame ``X``, or a column position (negative
        positions count from the end). A DataFrame column label takes
        precedence over a position. ``None`` means the only column, when
        ``X`` has exactly one.
    seasonal_period : int or None, default=None
        Length of the seasonal cycle (12 for monthly data) to take out before
        the change is learned, or None. When set, :meth:`fit` estimates the
        seasonal indices of each series from the level column (classical
        decomposition: the ratio, for ``kind="log"``, or difference, for
        ``"diff"``, to a centred moving average of one cycle, averaged by
        position in the cycle), for the series that have at least three
        cycles and pass the seasonality test of the M4 benchmarks (the
        absolute autocorrelation at lag ``seasonal_period`` above 1.645
        standard errors). The regressor then sees ``X`` with that column seasonally
        adjusted and learns the adjusted change; :meth:`predict` puts back
        the season of each forecast's own time. The time of each row comes
        from ``X``'s index (``PeriodIndex``, ``DatetimeIndex`` with a
        frequency, or integers; the last level of a panel's ``(series,
        time)`` index), so ``X`` must be a DataFrame.
    season : {"indices", "changes"}, default="indices"
        How ``seasonal_period`` takes the season out. ``"indices"``: the
        seasonal indices above. ``"changes"``: no indices and no test; the
        regressor learns the change from a *seasonal base*, this row's level
        moved by the change over the same steps in past cycles (for one step
        ahead of month ``t``: the change from month ``t - 12`` to ``t - 11``,
        from ``t - 24`` to ``t - 23``, ...; of logs for ``kind="log"``),
        their mean weighted ``1, season_decay, season_decay ** 2, ...``
        from the most recent cycle back, over at most ``SEASON_CYCLES``
        (10) cycles, those before the start of the series left out. That
        follows a season that changes shape over the years, as SARIMA's
        seasonal difference does; ``X`` reaches the regressor unchanged.
        The levels are read by time (from ``X``, else from the end of the
        training series), so gaps are read right; a row with none of those
        cycles in its history keeps its level.
    season_decay : float in [0, 1], default=0.7
        With ``season="changes"``, the weight ratio of each cycle to the
        next more recent one: 0 is the seasonal naive forecast with drift
        (last cycle only), 1 the plain mean of the cycles.

    Attributes
    ----------
    regressor_ : estimator object
        The clone of ``regressor`` fitted to the change.
    seasonal_indices_ : ndarray of shape (seasonal_period,), dict or None
        With ``seasonal_period``, the seasonal indices (position ``k`` for
        the times whose step count is ``k`` modulo the period): for one
        series, an array, or None when it has no season; for a panel, a dict
        that maps the label of each series that has a season to its array
        (the other series are not adjusted; a label that is not a str, int,
        float or bool, such as the tuple of a panel with several id levels,
        is kept as its ``str``). None without ``seasonal_period``.
    time_freq_ : str or None
        With ``seasonal_period`` and a ``DatetimeIndex``: the frequency its
        times were read with in :meth:`fit` (set, or inferred), used again
        in :meth:`predict`; None otherwise.
    season_reach_ : int or None
        With ``season="changes"`` and ``seasonal_period``: how many steps
        before a row its seasonal base reads; None otherwise.
    season_history_ : tuple of ndarray, dict or None
        With ``season="changes"`` and ``seasonal_period``: the time steps and
        levels of the last ``season_reach_`` steps of the training series
        (a dict by series for a panel, keyed like ``seasonal_indices_``), so
        that rows after it get their base; None otherwise.
    horizons_ : ndarray of int
        How many steps after its row each output of ``y`` lies, read from the
        names ``to_supervised`` gives the columns of a 2-D target
        (``"sales_t+3"``); otherwise ``1, 2, ...`` (a 1-D ``y`` is one step
        ahead). Used to put the season back at each output's time.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during :meth:`fit`, when ``X`` has string
        column names.

    See Also
    --------
    sklearn.compose.TransformedTargetRegressor : Fit a regressor to a
        function of the target alone.
    to_supervised : Build ``X`` (the last observations) and ``y`` (the values
        ahead) from a series.
    LagFeaturizer : Give each row the last ``look_back`` observations.

    Notes
    -----
    ``y`` may be 2-D, one column per forecast horizon (as
    ``to_supervised(series, horizon=[1, 2, 3])`` makes): every column is
    taken as a change from the same last observation. The level column must
    hold finite values in :meth:`fit` and :meth:`predict`; the change of the
    target has no meaning without them.

    With ``kind="log"``, ``regressor`` is trained to minimise its own loss on
    the log change, not on the original units.

    With ``seasonal_period``, a 1-D ``y`` is taken as the value one step
    ahead (:meth:`fit` refuses one that visibly is not); for a target further
    ahead, give ``to_supervised(..., horizon=[h])``'s 2-D ``y``, whose column
    name says ``h``. A series of a panel seen for the first time in
    :meth:`predict` is not adjusted. On the M3 monthly
    series, a global model with ``seasonal_period=12`` scored better on
    validation folds of the training parts than without (see
    :doc:`/global-models`), and ``season="indices"`` better than
    ``"changes"``; on the airline series alone, ``season="changes"`` did
    best and the indices worst (see :doc:`/forecasting`).

    When the regressor forecasts quantiles (an
    :class:`~sklstm.LSTMRegressor` with ``loss="quantile"``, alone or as the
    last step of a pipeline), :meth:`predict_quantiles` maps the quantiles
    of the change to quantiles of the level: ``last + q`` or
    ``last * exp(q)``. Both maps are increasing, so a quantile of the change
    is the same quantile of the level and the quantiles still do not cross.

    ``sample_weight`` goes to the regressor. Without metadata routing it is
    passed as ``regressor.fit(..., sample_weight=...)``, as
    :class:`~sklearn.compose.TransformedTargetRegressor` does, except that a
    ``Pipeline`` (which takes no ``sample_weight``) gets it for its last
    step, as ``<last step>__sample_weight``: so the weights reach the
    network of :func:`make_lstm_forecaster`, and its transformers are fitted
    unweighted. With ``sklearn.set_config(enable_metadata_routing=True)``
    it goes to every step that requested it, e.g.
    ``LSTMRegressor(...).set_fit_request(sample_weight=True)``.

    Examples
    --------
    A linear trend: a regression on the levels reproduces the trend it saw,
    a regression on the change extends it.

    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklstm import ChangeRegressor
    >>> series = 100.0 + 2.0 * np.arange(20)
    >>> X, y = series[:-1, np.newaxis], series[1:]
    >>> model = ChangeRegressor(LinearRegression()).fit(X[:10], y[:10])
    >>> model.predict([[200.0]])
    array([202.])
    >>> model.regressor_.predict([[200.0]])  # the change it learned
    array([2.])

    A series that doubles each step, forecast from the log change:

    >>> series = 2.0 ** np.arange(1, 12)
    >>> model = ChangeRegressor(LinearRegression(), kind="log")
    >>> model.fit(series[:-1, np.newaxis], series[1:]).predict([[4096.0]])
    array([8192.])

    A season that grows with the series, learned from the past years'
    same-month changes: with a regressor that predicts no change, the
    forecast is the seasonal base itself, here exact after the first year.

    >>> import pandas as pd
    >>> from sklearn.dummy import DummyRegressor
    >>> from sklstm import to_supervised
    >>> t = np.arange(48)
    >>> series = pd.Series(100 * 1.01 ** t * (1 + 0.2 * np.sin(np.pi * t / 6)),
    ...                    index=pd.period_range("2000-01", periods=48, freq="M"))
    >>> X, y = to_supervised(series)
    >>> model = ChangeRegressor(DummyRegressor(strategy="constant", constant=0.0),
    ...                         kind="log", seasonal_period=12, season="changes")
    >>> forecast = model.fit(X, y).predict(X)
    >>> bool(np.allclose(forecast[12:], y[12:]))
    True
    """

    # fit's sample_weight is only passed on (get_metadata_routing): not a
    # request of this estimator, so it has no set_fit_request of its own.
    __metadata_request__fit = {"sample_weight": UNUSED}

    _parameter_constraints: dict = {
        "regressor": [HasMethods(["fit", "predict"])],
        "kind": [StrOptions({"diff", "log"})],
        "level": "no_validation",  # a column label or position; see _level_values
        "seasonal_period": [Interval(Integral, 2, None, closed="left"), None],
        "season": [StrOptions({"indices", "changes"})],
        "season_decay": [StrictInterval(Real, 0, 1, closed="both")],
    }

    def __init__(
        self,
        regressor,
        *,
        kind="diff",
        level=None,
        seasonal_period=None,
        season="indices",
        season_decay=0.7,
    ):
        self.regressor = regressor
        self.kind = kind
        self.level = level
        self.seasonal_period = seasonal_period
        self.season = season
        self.season_decay = season_decay

    # Nested validation stays on: the regressor is the user's, not ours.
    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit a clone of ``regressor`` to the change of ``y`` from ``X[level]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features, one of them the last observed value of the target.
            Passed unchanged to the regressor.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values in their own units (the values ahead), finite;
            positive for ``kind="log"``.
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to the regressor's ``fit`` when given (to the last step
            of a ``Pipeline``); with metadata routing enabled, to the
            consumers that requested it (see Notes).
        **fit_params : dict
            Passed to the ``fit`` method of the regressor (for a pipeline:
            ``<step>__<param>``); with metadata routing enabled, routed as
            requested.

        Returns
        -------
        self : ChangeRegressor
            The fitted estimator.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target "
                "y is None."
            )
        self._check_X(X, reset=True)
        last = self._level_values(X)
        check_numeric(y, "y")
        y_given = y
        y = check_array(
            y, ensure_2d=False, dtype=np.float64, input_name="y", estimator=self
        )
        if y.shape[0] != last.shape[0]:
            raise ValueError(
                f"X and y have different numbers of samples: {last.shape[0]} "
                f"and {y.shape[0]}."
            )
        if self.kind == "log":
            self._check_positive(y, "y")
        self._y_ndim = y.ndim
        self.horizons_ = target_horizons(y_given, 1 if y.ndim == 1 else y.shape[1])
        self.seasonal_indices_ = self.time_freq_ = None
        self.season_reach_ = self.season_history_ = None
        layout = None
        if self.seasonal_period is not None:
            layout = self._layout(X, fitting=True)
            if y.ndim == 1:
                self._check_one_step_ahead(last, y, layout)
            if self.season == "changes":
                first = -(-int(self.horizons_.max()) // self.seasonal_period)
                self.season_reach_ = (first + SEASON_CYCLES - 1) * self.seasonal_period
                self.season_history_ = self._learn_history(last, layout)
            else:
                self.seasonal_indices_ = self._learn_seasons(last, layout)
        X, base = self._base(X, last, layout)
        base = base[:, 0] if y.ndim == 1 else base
        if self.kind == "log":
            change = np.log(y) - np.log(base)
        else:
            change = y - base
        if _routing_enabled():
            if sample_weight is not None:
                fit_params = {**fit_params, "sample_weight": sample_weight}
            fit_params = process_routing(self, "fit", **fit_params).regressor.fit
        elif sample_weight is not None:
            fit_params = {**fit_params, self._weight_name(): sample_weight}
        self.regressor_ = clone(self.regressor).fit(X, change, **fit_params)
        return self

    def _weight_name(self):
        """The fit parameter that takes ``sample_weight`` without routing."""
        steps = getattr(self.regressor, "steps", None)
        if has_fit_parameter(self.regressor, "sample_weight") or not steps:
            return "sample_weight"
        return f"{steps[-1][0]}__sample_weight"  # a Pipeline: its final estimator

    def get_metadata_routing(self):
        """How :meth:`fit` routes metadata such as ``sample_weight``: to the regressor.

        Returns
        -------
        routing : MetadataRouter
            The regressor's ``fit`` receives what it requested from
            :meth:`fit`; this estimator's own requests (``score``'s
            ``sample_weight``, set with ``set_score_request``) are kept.
        """
        return MetadataRouter(owner=self).add_self_request(self).add(
            regressor=self.regressor,
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )

    def predict(self, X):
        """Forecast in the target's units: ``X[level]`` plus the predicted change.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features, as in :meth:`fit`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            ``X[level] + change`` (``kind="diff"``) or
            ``X[level] * exp(change)`` (``kind="log"``), with the dimensions
            of the ``y`` given to :meth:`fit`.
        """
        check_is_fitted(self)
        self._check_X(X, reset=False)
        X, base = self._base(X, self._level_values(X))
        change = np.asarray(self.regressor_.predict(X), dtype=np.float64)
        if self._y_ndim == 1 and change.ndim == 2 and change.shape[1] == 1:
            change = change.ravel()
        return self._levels(base, change)

    @available_if(lambda self: _forecasts_quantiles(
        getattr(self, "regressor_", self.regressor)
    ))
    def predict_quantiles(self, X):
        """Forecast quantiles in the target's units from those of the change.

        Only when the regressor forecasts quantiles: it has a
        ``predict_quantiles`` method, or is a pipeline whose last step has one
        (an :class:`~sklstm.LSTMRegressor` with ``loss="quantile"``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features, as in :meth:`fit`.

        Returns
        -------
        y_quantiles : ndarray of shape (n_samples, n_quantiles) or \
                (n_samples, n_outputs, n_quantiles)
            ``X[level] + q`` (``kind="diff"``) or ``X[level] * exp(q)``
            (``kind="log"``) for each quantile ``q`` of the change the
            regressor forecasts: increasing maps, so the quantiles keep their
            levels and their order. The median's entry is what :meth:`predict`
            returns.

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm import ChangeRegressor, LSTMRegressor
        >>> rng = np.random.RandomState(0)
        >>> series = 100 + np.cumsum(rng.normal(size=80))
        >>> X, y = series[:-1, np.newaxis], series[1:]
        >>> model = ChangeRegressor(LSTMRegressor(
        ...     units=4, epochs=5, loss="quantile", random_state=0)).fit(X, y)
        >>> bands = model.predict_quantiles(X[-2:])  # levels 0.1, 0.5, 0.9
        >>> bands.shape
        (2, 3)
        >>> bool((bands[:, 1] == model.predict(X[-2:])).all())
        True
        """
        check_is_fitted(self)
        self._check_X(X, reset=False)
        X, base = self._base(X, self._level_values(X))
        change = np.asarray(predict_quantiles_of(self.regressor_, X), dtype=np.float64)
        return self._levels(base, change)

    def _levels(self, base, change):
        """Each output's base plus its change (one row per row of X)."""
        if self._y_ndim == 1 or change.ndim == 1:
            base = base[:, 0]  # one output
        base = base.reshape(base.shape + (1,) * (change.ndim - base.ndim))
        return base * np.exp(change) if self.kind == "log" else base + change

    def _base(self, X, last, layout=None):
        """X for the regressor and the base forecast of each output (n_rows, n_outputs)."""
        if getattr(self, "season_reach_", None) is not None:  # season="changes"
            layout = self._layout(X) if layout is None else layout
            return X, self._seasonal_changes_base(last, layout)
        if not self._adjusts():
            return X, self._every_output(last)
        layout = self._layout(X) if layout is None else layout
        season = self._season_at(np.r_[0, self.horizons_], layout)
        X, adjusted = self._deseasonalized(X, last, season)
        if self.kind == "log":
            return X, adjusted[:, np.newaxis] * season[:, 1:]
        return X, adjusted[:, np.newaxis] + season[:, 1:]

    def _learn_history(self, last, layout):
        """The ``(steps, levels)`` of each series' last ``season_reach_`` steps:
        the history the base of later rows reads (a dict for a panel)."""
        series, steps = layout
        history = {}
        for key, rows, _ in series:
            rows = np.arange(len(last)) if rows is None else rows
            oldest = int(steps[rows].max()) - self.season_reach_  # a Python int: no overflow
            recent = steps[rows] >= max(oldest, np.iinfo(np.int64).min)
            kept = (steps[rows][recent].copy(), last[rows][recent].copy())
            if key is None:
                return kept
            history[_series_key(key)] = kept
        return history

    def _seasonal_changes_base(self, last, layout):
        """Each output's base for ``season="changes"``, shape (n_rows, n_outputs).

        The level moved by the mean change over the same steps in the
        ``SEASON_CYCLES`` nearest cycles that end at or before the row's
        time, the ``j``-th weighted ``season_decay ** j``. The levels are
        looked up by time (the series' rows in ``X``, else its history from
        :meth:`fit`), so gaps and rows that continue the training series
        are read right; a missing level leaves its cycle out, and a row with
        no cycle keeps its level.
        """
        series, steps = layout
        m = self.seasonal_period
        if self.season_reach_ >= 2**62:  # no cycle fits in int64 time steps
            return self._every_output(last)
        ago = (-(-self.horizons_ // m))[:, np.newaxis] + np.arange(SEASON_CYCLES)
        ago = ago * m  # (n_outputs, cycles): steps back to where each change began
        log = np.log if self.kind == "log" else (lambda values: values)
        decay = self.season_decay ** np.arange(SEASON_CYCLES)
        base = np.empty((len(last), len(self.horizons_)))
        for key, rows, _ in series:
            rows = np.arange(len(last)) if rows is None else rows
            known_steps, known = self._known_levels(key, steps[rows], last[rows])
            begins = steps[rows][:, np.newaxis, np.newaxis] - ago  # (rows, outputs, cycles)
            ends = begins + self.horizons_[:, np.newaxis]
            changes = log(_lookup(known_steps, known, ends)) - log(
                _lookup(known_steps, known, begins)
            )
            weights = np.where(np.isnan(changes), 0.0, decay)
            total = weights.sum(axis=-1)
            moved = (weights * np.nan_to_num(changes)).sum(axis=-1)
            base[rows] = log(last[rows])[:, np.newaxis] + moved / np.where(total > 0, total, 1)
        return np.exp(base) if self.kind == "log" else base

    def _known_levels(self, key, steps, levels):
        """The levels of one series by time step, sorted: its fitted history,
        overridden by the rows given now."""
        history = self.season_history_
        if isinstance(history, dict):
            history = None if key is None else history.get(_series_key(key))
        elif key is not None:  # a panel after a fit on one series
            history = None
        if history is not None:
            steps = np.concatenate([history[0], steps])
            levels = np.concatenate([history[1], levels])
        order = np.argsort(steps, kind="stable")
        steps, levels = steps[order], levels[order]
        last_of_each = np.r_[steps[1:] != steps[:-1], True]  # a repeated time: the latest row
        return steps[last_of_each], levels[last_of_each]

    def _every_output(self, last):
        """``last`` as the base of every output, shape (n_rows, n_outputs)."""
        return np.repeat(last[:, np.newaxis], len(self.horizons_), axis=1)

    def _adjusts(self):
        """Whether fit found a season to take out (of any series)."""
        seasons = getattr(self, "seasonal_indices_", None)
        return seasons is not None and (not isinstance(seasons, dict) or bool(seasons))

    def _layout(self, X, *, fitting=False):
        """The series of ``X`` (as ``_series_of`` gives them) and the time of
        each row (a panel's last index level) as a step count.

        A DatetimeIndex is read with the frequency found in :meth:`fit`
        (kept as ``time_freq_``), so that a few rows per series still work.
        """
        if not isinstance(X, pd.DataFrame):
            raise TypeError(
                f"seasonal_period={self.seasonal_period} reads the time of each row "
                f"from X's index, but X is a {type(X).__name__}. Pass a DataFrame "
                "indexed by time (to_supervised keeps the index of a pandas "
                "series), or set seasonal_period=None."
            )
        times = X.index
        if isinstance(times, pd.MultiIndex):
            times = times.get_level_values(-1)
        steps, freq = time_steps(times, None if fitting else self.time_freq_)
        if fitting:
            self.time_freq_ = freq
        return _series_of(X.index), steps

    def _check_one_step_ahead(self, last, y, layout):
        """Refuse a 1-D ``y`` that is visibly not the level one step later."""
        series, steps = layout
        matched = compared = 0
        for _, rows, _ in series:
            rows = np.arange(len(last)) if rows is None else rows
            rows = rows[np.argsort(steps[rows], kind="stable")]
            follows = np.flatnonzero(np.diff(steps[rows]) == 1)
            compared += len(follows)
            matched += np.count_nonzero(
                np.isclose(y[rows[follows]], last[rows[follows + 1]], rtol=1e-9, atol=0)
            )
        if compared and matched < compared / 2:
            raise ValueError(
                f"With seasonal_period, a 1-D y is read as the value one step ahead, "
                f"but it equals X's level one step later in only {matched} of "
                f"{compared} rows. For a target h steps ahead, pass the 2-D y of "
                "to_supervised(..., horizon=[h]): its column name says h."
            )

    def _learn_seasons(self, last, layout):
        """The seasonal indices: of one series (None if it has none), or
        ``{series: indices}`` for the series of a panel that have a season.

        Estimated from the level column (each series' values up to its last
        row). A panel's keys are its series labels; a label that is not a
        str, int, float or bool (a tuple, for several id levels) is kept as
        its ``str``, so that the fitted model can be saved.
        """
        series, steps = layout
        seasons = {}
        for key, rows, _ in series:
            found = seasonal_indices(
                last if rows is None else last[rows],
                steps if rows is None else steps[rows],
                self.seasonal_period,
                multiplicative=self.kind == "log",
            )
            if key is None:  # one series (its indices, or None)
                return found
            if found is not None:
                seasons[_series_key(key)] = found
        return seasons

    def _season_at(self, offsets, layout):
        """The seasonal index ``offsets`` steps after each row's time.

        An array of shape ``(n_rows, len(offsets))``: 1 (``kind="log"``) or 0
        (``"diff"``) for a series with no season or not seen in :meth:`fit`.
        """
        series, steps = layout
        ahead = steps[:, np.newaxis] + np.asarray(offsets, dtype=np.int64)
        out = np.full(ahead.shape, 1.0 if self.kind == "log" else 0.0)
        seasons = self.seasonal_indices_
        for key, rows, _ in series:
            if isinstance(seasons, dict):
                found = None if key is None else seasons.get(_series_key(key))
            else:
                found = seasons
            if found is not None:
                rows = slice(None) if rows is None else rows
                out[rows] = found[ahead[rows] % self.seasonal_period]
        return out

    def _deseasonalized(self, X, last, season):
        """``X`` and its level, seasonally adjusted by ``season[:, 0]``
        (unchanged when ``season`` is None)."""
        if season is None:
            return X, last
        last = last / season[:, 0] if self.kind == "log" else last - season[:, 0]
        X = X.copy()
        X.isetitem(self._level_position_in(X), last)
        return X, last

    def _level_position_in(self, X):
        """The position of the level column in the DataFrame ``X``."""
        if self.level is not None and self.level in X.columns:
            return X.columns.get_loc(self.level)
        return self._level_position(X.shape[1], X.columns)

    def _check_X(self, X, *, reset):
        """Check the shape of ``X`` and its features, without converting it.

        The regressor gets ``X`` itself (a DataFrame keeps its index), so the
        conversion ``check_array`` makes is only looked at, never passed on.
        """
        check_array(
            X,
            accept_sparse=True,
            dtype=None,
            ensure_all_finite=False,
            input_name="X",
            estimator=self,
        )
        validate_data(self, X, reset=reset, skip_check_array=True)

    def _level_values(self, X):
        """The level column of ``X`` as a finite float64 1-D array."""
        level = self.level
        if isinstance(level, (bool, np.bool_)):
            raise TypeError(
                f"level must be a column label or position, not a bool ({level!r})."
            )
        if isinstance(X, pd.DataFrame):
            if level is not None and level in X.columns:
                column = X[level]
            else:
                column = X.iloc[:, self._level_position(X.shape[1], X.columns)]
        elif sparse.issparse(X):
            position = self._level_position(X.shape[1], None)
            column = X.tocsc()[:, [position]].toarray()
        else:
            X = np.asarray(X)  # 2-D: _check_X has checked it
            column = X[:, self._level_position(X.shape[1], None)]
        name = "the level column of X"
        check_numeric(column, name)
        last = check_array(
            column, ensure_2d=False, dtype=np.float64, input_name=name, estimator=self
        ).reshape(-1)
        if self.kind == "log":
            self._check_positive(last, name)
        return last

    def _level_position(self, n_columns, columns):
        level = self.level
        if level is None:
            if n_columns != 1:
                raise ValueError(
                    f"X has {n_columns} columns; pass level=<column label or "
                    "position> to say which one holds the last observed value of "
                    "the target."
                )
            return 0
        if not isinstance(level, Integral):
            where = (
                f"the columns of X are {list(columns)}"
                if columns is not None
                else "X has no column labels (pass a DataFrame, or a position)"
            )
            raise ValueError(f"level={level!r} is not a column of X: {where}.")
        if not -n_columns <= level < n_columns:
            raise ValueError(
                f"level={level} is out of range for X with {n_columns} column(s)."
            )
        return int(level)

    def _check_positive(self, values, name):
        if not (values > 0).all():
            raise ValueError(
                f"kind='log' needs positive values, but {name} has "
                f"{int((values <= 0).sum())} value(s) <= 0. Use kind='diff', or "
                "shift the series to positive values first."
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        if not hasattr(self.regressor, "__sklearn_tags__"):
            return tags  # not an estimator: fit's parameter check says so
        inner = get_tags(self.regressor)
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.target_tags.multi_output = inner.target_tags.multi_output
        tags.target_tags.positive_only = self.kind == "log"
        tags.regressor_tags.poor_score = inner.regressor_tags.poor_score
        tags.non_deterministic = inner.non_deterministic
        return tags


def _lookup(known_steps, known, wanted):
    """``known`` at each of the ``wanted`` steps (sorted ``known_steps``); NaN
    where a step is not known."""
    if not len(known_steps):
        return np.full(wanted.shape, np.nan)
    at = np.searchsorted(known_steps, wanted).clip(max=len(known_steps) - 1)
    return np.where(known_steps[at] == wanted, known[at], np.nan)


def _series_key(key):
    """A panel's series label as a key that save_model can write."""
    if isinstance(key, (str, bool, int, float)):
        return key
    if isinstance(key, np.generic):
        return key.item()
    return str(key)


def _quantile_step(estimator):
    """The estimator that forecasts quantiles: ``estimator`` or its pipeline's last step."""
    if hasattr(estimator, "predict_quantiles"):
        return estimator
    steps = getattr(estimator, "steps", None)
    if isinstance(steps, list) and steps and hasattr(steps[-1][1], "predict_quantiles"):
        return steps[-1][1]
    return None


def _forecasts_quantiles(estimator):
    return _quantile_step(estimator) is not None


def predict_quantiles_of(estimator, X):
    """``estimator.predict_quantiles(X)``, for a pipeline too (its last step's).

    A :class:`~sklearn.pipeline.Pipeline` forwards only the methods it knows,
    so ``X`` goes through the pipeline's other steps and then to the last
    step's ``predict_quantiles``.
    """
    if hasattr(estimator, "predict_quantiles"):
        return estimator.predict_quantiles(X)
    last = _quantile_step(estimator)
    if last is None:
        raise AttributeError(
            f"{type(estimator).__name__} does not forecast quantiles: it has no "
            "predict_quantiles, nor is it a pipeline ending in an estimator that has "
            "one (e.g. LSTMRegressor(loss='quantile'))."
        )
    return last.predict_quantiles(estimator[:-1].transform(X))
