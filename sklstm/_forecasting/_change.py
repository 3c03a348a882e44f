"""Learn the change from the last observation, predict in the original units."""

import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils import _safe_indexing, get_tags
from sklearn.utils._available_if import available_if
from sklearn.utils._param_validation import HasMethods, Hidden, Interval, StrOptions
from sklearn.utils.deprecation import deprecated
from sklearn.utils.metadata_routing import (
    UNUSED,
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.validation import (
    _num_samples,
    check_array,
    check_is_fitted,
    has_fit_parameter,
    validate_data,
)

from .._checked import checked_array
from .._state import fit_context
from .._timeindex import is_panel_index as _is_panel_index
from .._validation import StrictInterval, check_numeric
from ._history import n_history
from ._season import SeasonalChanges, SeasonalIndices
from ._season._base import rows_by_series, series_codes, series_key
from ._seasonal import target_horizons
from ._windows import FIT_ROWS, batches_fit, fit_by_batches, row_wise

# The old spelling of the season (seasonal_period=, season="indices" |
# "changes", season_decay=) until its removal.
_DEPRECATED = "deprecated"


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
    changes grow with its level. ``kind="auto"`` chooses in :meth:`fit`
    (see the parameter).

    ``X`` reaches the wrapped regressor with its index, its columns and its
    other columns unchanged; its level column is given in the space of the
    change: its logarithm with ``kind="log"``, divided by its series' scale
    with ``scale="series"``, adjusted by the ``season`` when there is one.
    So a :class:`~sklearn.pipeline.Pipeline` inside builds its lags from the
    levels, and a window of lags minus the current one
    (:class:`~sklstm.RelativeWindows`, ``kind="diff"``) is the window of
    changes of the target's kind.

    Parameters
    ----------
    regressor : estimator object
        The regressor (or pipeline ending in one) to fit to the change. It is
        cloned in :meth:`fit`; tune its parameters as ``regressor__<name>``.
    kind : {"diff", "log", "auto"}, default="diff"
        ``"diff"``: the change is ``y - last``. ``"log"``: the change is
        ``log(y) - log(last)``; ``y`` and the last value must be positive.
        ``"auto"``: ``"log"`` when :meth:`fit` is given a panel (``X``
        indexed by ``(series, time)``, two series or more) whose targets
        and levels are all positive, else ``"diff"``. A log change is a
        relative change, the same whatever a series' size, which is what a
        global model over series of many sizes needs; for one series a
        difference did better (on the training parts of the M3 monthly
        series and of public single series; the runs are in the benchmark
        records). The choice is ``kind_``.
    level : str, int or None, default=None
        The column of ``X`` that holds the last observed value of the target:
        a column label of a DataFrame ``X``, or a column position (negative
        positions count from the end). A DataFrame column label takes
        precedence over a position. ``None`` means the only column, when
        ``X`` has exactly one.
    season : season strategy or None, default=None
        How the season is taken out before the change is learned, and put
        back in the forecasts: None (not at all),
        :class:`~sklstm.SeasonalIndices` (each series' seasonal indices,
        where a test finds a season) or :class:`~sklstm.SeasonalChanges`
        (a base moved by the past cycles' same-season changes), e.g.
        ``season=SeasonalIndices(period=12)``. It is cloned in :meth:`fit`
        (the fitted clone is ``season_``); tune it as ``season__<name>``.
        Either reads the time of each row from ``X``'s index (``PeriodIndex``,
        ``DatetimeIndex`` with a frequency, or integers; the last level of a
        panel's ``(series, time)`` index), so ``X`` must then be a DataFrame.
        The strings ``"indices"`` and ``"changes"`` are the deprecated
        spelling, used with ``seasonal_period``.
    scale : {"series"} or None, default=None
        ``"series"`` (with ``kind="diff"``) makes the regressor's problem
        free of each series' scale: :meth:`fit` learns the scale of each
        series, the mean absolute change between its consecutive rows of
        the level column, and the regressor sees the level column and the
        change divided by its series' scale (the predicted change is
        multiplied back). Multiplying a series by ``a > 0`` and adding ``b``
        then leaves the regressor's data as they were (up to rounding), so
        one global model serves series of any level and scale, and each
        series' forecasts move with it only. A series not seen in
        :meth:`fit` takes the scale of its rows in ``X``. With
        ``kind="log"`` the log change is already free of scale: nothing is
        divided. None: the change in the series' own units.
    windows : {"auto", "table", "batches"}, default="auto"
        How the regressor's training windows are built, for a regressor
        that is a :class:`~sklearn.pipeline.Pipeline` of feature steps
        (lags, windows, scaling) ending in a :class:`~sklstm.LSTMRegressor`.
        ``"table"``: the pipeline is fitted as usual, every step's output
        for all the rows at once; the lags alone take ``look_back`` times
        the memory of ``X``. ``"batches"`` (a panel only): the feature
        steps are fitted on the rows of ``X`` (at most 200,000 of them:
        beyond, on the latest rows of every k-th series, that many in all,
        and then the steps that continue a series, such as the lags, on the
        latest rows of every series), and the network trains on windows
        built a few thousand at a time from the rows of ``X``: memory stays
        a small multiple of ``X`` whatever the number of windows. Each
        window is built from the rows the feature steps read
        (``n_history_``): right for steps whose output for a row reads only
        that row and the rows before it in its series. The windows, the
        batches and so the fitted network are the same as with ``"table"``
        when ``X`` has at most 200,000 rows (up to float rounding of the
        validation loss's sum). ``"auto"``: ``"batches"`` for a panel of
        more than 200,000 rows whose pipeline can be fitted that way (its
        feature steps sklstm's or scikit-learn's scalers, fit parameters for
        the last step only, metadata routing off), else ``"table"``: up to
        200,000 rows the feature steps' fit builds the table anyway, and
        training from it is faster.
    seasonal_period : int or None
        Deprecated: use ``season=SeasonalIndices(period=...)`` (or
        ``SeasonalChanges(period=...)`` with ``season="changes"``); removed in
        a later release. Warns in :meth:`fit` when given.
    season_decay : float in [0, 1]
        Deprecated: use ``season=SeasonalChanges(period=..., decay=...)``.

    Attributes
    ----------
    regressor_ : estimator object
        The clone of ``regressor`` fitted to the change.
    kind_ : {"diff", "log"}
        The kind of change fitted: ``kind``, or what ``"auto"`` chose.
    season_ : season strategy or None
        The fitted clone of ``season`` (its fitted state: the indices, the
        history its base reads, the frequency of the times); None without a
        season. ``seasonal_indices_``, ``time_freq_``, ``season_reach_`` and
        ``season_history_`` are its deprecated aliases.
    scale_ : float, dict or None
        With ``scale="series"`` and ``kind="diff"``: the scale of the
        training series (a float), or of each series of a panel (a dict keyed
        by the series' labels, a label that is not a str, int, float or bool
        kept as its ``str``); None otherwise.
    n_history_ : int or None
        The latest rows of a series that :meth:`predict` reads for a row:
        what the regressor reads (its ``n_history_``, e.g. a pipeline's
        :class:`~sklstm.LagFeaturizer`), and at least what the season's base
        reads (``season_.n_history_``); None when the regressor does not say.
        The forecast functions pass each step that many rows.
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

    With a ``season``, a 1-D ``y`` is taken as the value one step
    ahead (:meth:`fit` refuses one that visibly is not); for a target further
    ahead, give ``to_supervised(..., horizon=[h])``'s 2-D ``y``, whose column
    name says ``h``. On the M3 monthly series, a global model with
    ``SeasonalIndices(12)`` scored better on validation folds of the training
    parts than without (see :doc:`/global-models`), and better than
    ``SeasonalChanges(12)``; on the airline series alone,
    ``SeasonalChanges`` did best and the indices worst (see
    :doc:`/forecasting`).

    When the regressor forecasts quantiles (an
    :class:`~sklstm.LSTMRegressor` with ``loss="quantile"``, alone or as the
    last step of a pipeline), :meth:`predict_quantiles` maps the quantiles
    of the change to quantiles of the level: ``last + q`` or
    ``last * exp(q)``. Both maps are increasing, so a quantile of the change
    is the same quantile of the level and the quantiles still do not cross.

    The rows of a panel reach the regressor in time order, the series
    interleaved: a regressor that holds out its last rows for early
    stopping then validates on the panel's latest times (for series that
    end at different times, the latest calendar times, not the last windows
    of each series).
    ``sample_weight`` and every fit parameter with one entry per row follow
    their rows.

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
    >>> from sklstm import SeasonalChanges, to_supervised
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

    # fit's sample_weight is only passed on (get_metadata_routing): not a
    # request of this estimator, so it has no set_fit_request of its own.
    __metadata_request__fit = {"sample_weight": UNUSED}

    _parameter_constraints: dict = {
        "regressor": [HasMethods(["fit", "predict"])],
        "kind": [StrOptions({"diff", "log", "auto"})],
        "level": "no_validation",  # a column label or position; see _level_values
        "season": [
            None,
            HasMethods(["fit", "base"]),
            StrOptions({"indices", "changes"}, deprecated={"indices", "changes"}),
        ],
        "scale": [StrOptions({"series"}), None],
        "windows": [StrOptions({"auto", "table", "batches"})],
        "seasonal_period": [
            Interval(Integral, 2, None, closed="left"),
            None,
            Hidden(StrOptions({_DEPRECATED})),
        ],
        "season_decay": [
            StrictInterval(Real, 0, 1, closed="both"),
            Hidden(StrOptions({_DEPRECATED})),
        ],
    }

    def __init__(
        self,
        regressor,
        *,
        kind="diff",
        level=None,
        season=None,
        scale=None,
        windows="auto",
        seasonal_period=_DEPRECATED,
        season_decay=_DEPRECATED,
    ):
        self.regressor = regressor
        self.kind = kind
        self.level = level
        self.season = season
        self.scale = scale
        self.windows = windows
        self.seasonal_period = seasonal_period
        self.season_decay = season_decay

    # Nested validation stays on: the regressor is the user's, not ours.
    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit a clone of ``regressor`` to the change of ``y`` from ``X[level]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features, one of them the last observed value of the target.
            Passed to the regressor with the level column in the change's
            space and, for a panel, the rows in time order (see Notes).
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
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        self._check_X(X, reset=True)
        last = self._level_values(X, fitting=True)
        check_numeric(y, "y")
        y_given = y
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y", estimator=self)
        if y.shape[0] != last.shape[0]:
            raise ValueError(
                f"X and y have different numbers of samples: {last.shape[0]} and {y.shape[0]}."
            )
        self.kind_ = self._choose_kind(X, last, y)
        if self.kind_ == "log":
            self._check_positive(y, "y")
            self._check_positive(last, "the level column of X")
            _refuse_log_windows(self.regressor)
        self._y_ndim = y.ndim
        self.horizons_ = target_horizons(y_given, 1 if y.ndim == 1 else y.shape[1])
        season = self._resolve_season()
        self.season_ = None
        if season is not None:
            self.season_ = clone(season).fit(
                X, last, horizons=self.horizons_, multiplicative=self.kind_ == "log", y=y
            )
        self.scale_ = None
        if self.scale == "series" and self.kind_ == "diff":
            self.scale_ = self._learn_scales(X, last)
        X, base, scales = self._regressor_inputs(X, last)
        base = base[:, 0] if y.ndim == 1 else base
        change = _change_of(y, base, self.kind_ == "log")
        del base, last  # a panel's rows can be many: hold only what is used from here
        if scales is not None:
            change /= scales.reshape((-1,) + (1,) * (change.ndim - 1))
        order = _time_order(X)
        if order is not None:  # every per-row argument follows its row (X: when fitted)
            change = change[order]
            sample_weight = _rows_in_order(sample_weight, order, strict=True)
            fit_params = {name: _rows_in_order(value, order) for name, value in fit_params.items()}
        if _routing_enabled():
            if sample_weight is not None:
                fit_params = {**fit_params, "sample_weight": sample_weight}
            fit_params = process_routing(self, "fit", **fit_params).regressor.fit
        elif sample_weight is not None:
            fit_params = {**fit_params, self._weight_name(): sample_weight}
        self.regressor_ = self._fit_regressor(X, order, change, fit_params)
        reads = n_history(self.regressor_)
        season_reads = None if self.season_ is None else self.season_.n_history_
        if reads is not None and season_reads is not None:
            reads = max(reads, season_reads)
        self.n_history_ = reads
        return self

    def __setstate__(self, state):
        # A model saved before ``windows`` existed: its refits choose as now.
        state = dict(state)
        state.setdefault("windows", "auto")
        super().__setstate__(state)

    def _fit_regressor(self, X, order, change, fit_params):
        """A clone of ``regressor`` fitted to the change, on the rows of ``X``
        in ``order`` (None: as they are): from the table of its inputs, or
        from windows built per batch (see ``windows``)."""
        regressor = clone(self.regressor)
        if not self._by_batches(regressor, X, fit_params):
            return regressor.fit(X if order is None else X.iloc[order], change, **fit_params)
        last = regressor.steps[-1][0]
        params = {name.removeprefix(f"{last}__"): value for name, value in fit_params.items()}
        return fit_by_batches(regressor, X, change, order, **params)

    def _by_batches(self, regressor, X, fit_params):
        """Whether to fit ``regressor`` from window batches (see ``windows``)."""
        if self.windows == "table":
            return False
        last = getattr(regressor, "steps", [("", None)])[-1][0]
        reasons = []
        if not batches_fit(regressor):
            reasons.append(
                "the regressor is not a Pipeline (without memory) of feature steps "
                "ending in an LSTMRegressor"
            )
        if not (isinstance(X, pd.DataFrame) and _is_panel_index(X.index)):
            reasons.append("X is not a panel (a DataFrame indexed by (series, time))")
        if _routing_enabled():
            reasons.append("metadata routing is enabled")
        if any(not name.startswith(f"{last}__") for name in fit_params):
            reasons.append(f"fit parameters go to steps other than the last ({last!r})")
        if self.windows == "auto":  # up to FIT_ROWS, the steps' fit is a table anyway
            if reasons or _num_samples(X) <= FIT_ROWS:
                return False
            return row_wise(regressor)
        if reasons:
            raise ValueError(
                "windows='batches' cannot build the regressor's windows per batch: "
                f"{'; '.join(reasons)}. Use windows='table' (or 'auto')."
            )
        return True

    def _resolve_season(self):
        """The season strategy to fit: ``season``, or the one the deprecated
        ``seasonal_period`` / ``season_decay`` / string ``season`` spell."""
        old = {
            name: value
            for name, value in [
                ("seasonal_period", self.seasonal_period),
                ("season_decay", self.season_decay),
            ]
            if not (isinstance(value, str) and value == _DEPRECATED)
        }
        if isinstance(self.season, str):
            old["season"] = self.season
        if not old:
            return self.season
        if old.get("seasonal_period", 0) is None:  # the old way to switch the season off
            old.pop("season", None)
        elif self.season is not None and not isinstance(self.season, str):
            raise ValueError(
                f"season={self.season!r} already says how the season is taken out; "
                f"drop the deprecated {', '.join(sorted(old))}."
            )
        period = old.get("seasonal_period")
        decay = old.get("season_decay", 0.7)
        if period is None:
            new, season = "season=None", None
        elif old.get("season") == "changes":
            new = f"season=SeasonalChanges(period={period}, decay={decay})"
            season = SeasonalChanges(period=period, decay=decay)
        else:
            new, season = f"season=SeasonalIndices(period={period})", SeasonalIndices(period)
        spelled = ", ".join(f"{name}={value!r}" for name, value in sorted(old.items()))
        warnings.warn(
            f"{type(self).__name__}({spelled}) is deprecated and will stop working in a "
            f"later release: pass {new} instead (from sklstm import SeasonalIndices, "
            "SeasonalChanges).",
            FutureWarning,
            stacklevel=5,  # the caller of fit, past the two fit wrappers
        )
        return season

    # The fitted attributes of the old spelling, read from the fitted season.
    @deprecated("seasonal_indices_ is deprecated: read season_.indices_ instead.")
    @property
    def seasonal_indices_(self):
        return getattr(self.season_, "indices_", None)

    @deprecated("time_freq_ is deprecated: read season_.time_freq_ instead.")
    @property
    def time_freq_(self):
        return getattr(self.season_, "time_freq_", None)

    @deprecated("season_reach_ is deprecated: read season_.reach_ instead.")
    @property
    def season_reach_(self):
        return getattr(self.season_, "reach_", None)

    @deprecated("season_history_ is deprecated: read season_.history_ instead.")
    @property
    def season_history_(self):
        return getattr(self.season_, "history_", None)

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
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(
                regressor=self.regressor,
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
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
        if checked_array(self, X) is None:  # not a forecast's later step
            self._check_X(X, reset=False)
        X, base, scales = self._regressor_inputs(X, self._level_values(X))
        change = np.asarray(self.regressor_.predict(X), dtype=np.float64)
        if self._y_ndim == 1 and change.ndim == 2 and change.shape[1] == 1:
            change = change.ravel()
        self._check_outputs(change)
        return self._level_from_change(base, change, scales)

    def _check_outputs(self, change):
        """Refuse a regressor that predicts other columns than ``y`` had
        (a frozen or pretrained regressor is not fitted on this ``y``)."""
        fitted = 1 if self._y_ndim == 1 else len(self.horizons_)
        found = 1 if change.ndim == 1 else change.shape[1]
        if found != fitted:
            raise ValueError(
                f"The regressor predicts {found} column(s), but {type(self).__name__} "
                f"was fitted on a y with {fitted}. A frozen or pretrained regressor "
                f"keeps its outputs: fit on a target with {found} columns "
                f"(to_supervised(..., horizon=range(1, {found + 1})))."
            )

    @available_if(lambda self: _forecasts_quantiles(getattr(self, "regressor_", self.regressor)))
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
        ...     units=4, max_iter=5, loss="quantile", random_state=0)).fit(X, y)
        >>> bands = model.predict_quantiles(X[-2:])  # levels 0.1, 0.5, 0.9
        >>> bands.shape
        (2, 3)
        >>> bool((bands[:, 1] == model.predict(X[-2:])).all())
        True
        """
        check_is_fitted(self)
        self._check_X(X, reset=False)
        X, base, scales = self._regressor_inputs(X, self._level_values(X))
        change = np.asarray(predict_quantiles_of(self.regressor_, X), dtype=np.float64)
        self._check_outputs(change[..., 0] if change.ndim == 3 else change[:, 0])
        return self._level_from_change(base, change, scales)

    def _level_from_change(self, base, change, scales=None):
        """Each output's base plus its change (one row per row of X), the
        change first multiplied by its row's scale (``scale="series"``)."""
        if scales is not None:  # a positive factor: quantiles keep their order
            change = change * scales.reshape((-1,) + (1,) * (change.ndim - 1))
        if self._y_ndim == 1 or change.ndim == 1:
            base = base[:, 0]  # one output
        base = base.reshape(base.shape + (1,) * (change.ndim - base.ndim))
        return base * np.exp(change) if self._fitted_kind() == "log" else base + change

    def _regressor_inputs(self, X, last):
        """What the regressor is given and what its change is added to:
        ``(X, base, scales)``. ``X`` with its level column in the space of
        the change (one copy, or ``X`` itself when nothing changes; see
        :meth:`_in_change_space`), each output's base forecast (n_rows,
        n_outputs): the season's (its adjusted level in X's level column),
        else the level; the rows' scales (None without ``scale_``)."""
        if self.season_ is None:
            adjusted, base = None, np.repeat(last[:, np.newaxis], len(self.horizons_), axis=1)
        else:
            adjusted, base = self.season_.base(X, last)
        X, scales = self._in_change_space(X, last, adjusted)
        return X, base, scales

    def _learn_scales(self, X, last):
        """The scale of the series (a float), or of each series of a panel (a dict)."""
        series = rows_by_series(X.index) if isinstance(X, pd.DataFrame) else [(None, None)]
        scales = {}
        for key, rows in series:
            found = _scale_of(last if rows is None else last[rows])
            if key is None:
                return found
            scales[series_key(key)] = found
        return scales

    def _choose_kind(self, X, last, y):
        """``kind``, or for ``"auto"`` the rule its docstring states."""
        if self.kind != "auto":
            return self.kind
        is_panel = isinstance(X, pd.DataFrame) and _two_series_or_more(X.index)
        positive = bool((last > 0).all() and (y > 0).all())
        return "log" if is_panel and positive else "diff"

    def _fitted_kind(self):
        """The kind fitted; a model fitted before ``kind_`` existed fitted ``kind``."""
        return getattr(self, "kind_", self.kind)

    def _in_change_space(self, X, last, adjusted=None):
        """A copy of ``X`` whose level column is in the space of the change
        (``X`` itself when nothing changes), and the scales (one per row,
        None without ``scale_``). The level is ``last``, or the season's
        ``adjusted`` level when given; it is divided by each row's series
        scale (``scale_``), or its log taken (``kind_="log"``).

        A model fitted before ``kind_`` existed gave its regressor the level
        itself with ``kind="log"`` (its windows took the logs): so it still does.
        """
        learned = getattr(self, "scale_", None)
        logs = getattr(self, "kind_", None) == "log"
        owned = adjusted is not None  # an array of ours: changed in place
        if owned:
            last = adjusted
        if learned is None and not logs:
            return (self._with_level(X, adjusted) if owned else X), None
        if logs:
            return self._with_level(X, np.log(last, out=last if owned else None)), None
        if not isinstance(learned, dict):  # fitted on one series: its scale, always
            scales = np.full(len(last), learned)
        elif isinstance(X, pd.DataFrame) and _is_panel_index(X.index):
            codes, keys = series_codes(X.index)
            known = np.array([learned.get(series_key(key), np.nan) for key in keys])
            scales = known[codes]
            for code in np.flatnonzero(np.isnan(known)):  # series not seen in fit
                rows = codes == code
                scales[rows] = _scale_of(last[rows])
        else:  # fitted on a panel, given one series: the scale of its rows
            scales = np.full(len(last), _scale_of(last))
        return self._with_level(X, np.divide(last, scales, out=last if owned else None)), scales

    def _with_level(self, X, values):
        """A copy of ``X`` whose level column holds ``values``."""
        if isinstance(X, pd.DataFrame):  # a new frame: X's own columns are never written to
            # (sharing them is safe under copy-on-write, pandas 3's rule; else copied)
            X = X.copy(deep=not _copy_on_write())
            X.isetitem(self._level_position_in(X), values)
            return X
        if sparse.issparse(X):
            raise TypeError(
                "ChangeRegressor gives its regressor the level column in the space of "
                "the change (its log with kind='log', divided by the series' scale with "
                "scale='series'), which needs a dense X; got a sparse matrix. Pass "
                "X.toarray()."
            )
        # a copy: np.array of an object with __array__ may hand back its own data
        X = np.asarray(X, dtype=np.float64).copy()
        X[:, self._level_position(X.shape[1], None)] = values
        return X

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

    def _level_values(self, X, *, fitting=False):
        """The level column of ``X`` as a finite float64 1-D array (positive
        for a fitted ``kind_="log"``; :meth:`fit` checks once it has chosen)."""
        level = self.level
        if isinstance(level, (bool, np.bool_)):
            raise TypeError(f"level must be a column label or position, not a bool ({level!r}).")
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
        if isinstance(column, pd.Series) and checked_array(self, X) is not None:
            last = column.to_numpy(dtype=np.float64)  # a forecast's later step: checked
        else:
            check_numeric(column, name)
            last = check_array(
                column, ensure_2d=False, dtype=np.float64, input_name=name, estimator=self
            ).reshape(-1)
        if not fitting and self._fitted_kind() == "log":
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
            raise ValueError(f"level={level} is out of range for X with {n_columns} column(s).")
        return int(level)

    def _check_positive(self, values, name):
        if not (values > 0).all():
            chosen = " (chosen by kind='auto' in fit)" if self.kind == "auto" else ""
            raise ValueError(
                f"kind='log'{chosen} needs positive values, but {name} has "
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


def _copy_on_write():
    """Whether pandas copies a shared column before a write to it (pandas >= 3,
    or copy-on-write switched on in pandas 2)."""
    return int(pd.__version__.split(".")[0]) >= 3 or pd.options.mode.copy_on_write is True


def _change_of(y, base, logs, chunk=1 << 20):
    """``log(y) - log(base)`` (``logs``) or ``y - base``, as a new array, with
    temporaries of ``chunk`` rows only."""
    change = np.empty(np.broadcast_shapes(y.shape, base.shape))
    for start in range(0, len(change), chunk):
        rows = slice(start, start + chunk)
        if logs:
            change[rows] = np.log(y[rows]) - np.log(base[rows])
        else:
            change[rows] = y[rows] - base[rows]
    return change


def _two_series_or_more(index):
    """Whether the panel ``index`` holds two series or more (False for one series)."""
    if not _is_panel_index(index):
        return False
    if index.nlevels == 2:  # the series' codes, without a copy of the labels
        codes = index.codes[0]
        return len(codes) > 0 and bool((codes != codes[0]).any())
    codes, _ = series_codes(index)
    return codes.max(initial=0) >= 1


def _refuse_log_windows(regressor):
    """Refuse a pipeline step that would take the log of the logged level.

    The regressor gets the level as its log with ``kind="log"``; a
    :class:`~sklstm.RelativeWindows` with ``kind="log"`` (where the recipe
    of earlier versions put one) would log it again.
    """
    from .._preprocessing._relative import RelativeWindows  # the one step that logs

    for name, step in getattr(regressor, "steps", None) or []:
        if isinstance(step, RelativeWindows) and step.kind == "log":
            raise ValueError(
                f"ChangeRegressor(kind='log') gives its regressor the level as its log, "
                f"and the step {name!r} is RelativeWindows(kind='log'), which would take "
                f"the log again. Set {name}__kind='diff' (regressor__{name}__kind): the "
                "windows of logs minus the current log are the log changes."
            )


def _time_order(X):
    """The positions that put a panel's rows in time order, series interleaved
    (a stable sort on the time level); None when they are in it already, or
    ``X`` is not a panel.

    Row order matters to a regressor only where it holds out its last rows
    (:class:`~sklstm.LSTMRegressor`'s early stopping): in time order they are
    the panel's latest times, not its last series.
    """
    if not (isinstance(X, pd.DataFrame) and _is_panel_index(X.index)):
        return None
    times = X.index.levels[-1]
    codes = X.index.codes[-1]  # the times' codes: small integers, no copy of the times
    if not times.is_monotonic_increasing:
        codes, times = pd.factorize(X.index.get_level_values(-1), sort=True)
    if (codes < 0).any():
        raise ValueError(
            "X's panel index has missing times (NaT or NaN in its time level); "
            "drop those rows or give them their times."
        )
    if (codes[1:] >= codes[:-1]).all():
        return None
    return _stable_order(codes, len(times))


def _stable_order(codes, n_codes, chunk=1 << 20):
    """``np.argsort(codes, kind="stable")`` for codes in ``[0, n_codes)``, as
    int32 where it fits, built ``chunk`` rows at a time (a counting sort:
    no int64 array of every row)."""
    dtype = np.int32 if len(codes) < 2**31 else np.int64
    order = np.empty(len(codes), dtype=dtype)
    next_slot = np.r_[0, np.cumsum(np.bincount(codes, minlength=n_codes))[:-1]]
    for start in range(0, len(codes), chunk):
        part = codes[start : start + chunk]
        local = np.argsort(part, kind="stable")
        in_order = part[local]
        rank = np.arange(len(part)) - np.searchsorted(in_order, in_order, side="left")
        order[next_slot[in_order] + rank] = start + local
        next_slot += np.bincount(part, minlength=n_codes)
    return order


def _rows_in_order(value, order, *, strict=False):
    """A fit argument with one entry per row of X put in ``order``; anything
    else (a scalar, None, an object of another length) as it is, as
    scikit-learn's search passes fit parameters on. ``strict``: an array of
    another length is an error (``sample_weight``)."""
    if value is None or isinstance(value, str) or not hasattr(value, "__len__"):
        return value
    try:
        n = _num_samples(value)
    except TypeError:  # not array-like
        return value
    if n == len(order):
        return _safe_indexing(value, order)
    if strict:
        raise ValueError(
            f"sample_weight has {n} entries, but X has {len(order)} rows; give one weight per row."
        )
    return value


def _scale_of(levels):
    """The mean absolute change between consecutive ``levels``: it moves with a
    series' scale and not with its level. 1 when that is 0 or undefined."""
    if len(levels) < 2:
        return 1.0
    scale = float(np.mean(np.abs(np.diff(levels))))
    return scale if np.isfinite(scale) and scale > 0 else 1.0


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
