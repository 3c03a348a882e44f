"""One recipe for an LSTM forecaster, with defaults chosen on M3 training parts."""

from numbers import Integral

from sklearn.base import clone
from sklearn.utils import check_random_state

from .._neural._regressor import LSTMRegressor
from .._preprocessing._calendar import CalendarFeatures
from .._preprocessing._lag import LagFeaturizer
from .._preprocessing._relative import RelativeWindows
from .._preprocessing._reshape import SequenceReshaper
from ._change import ChangeRegressor
from ._season import SeasonalIndices

# Calendar feature that carries a seasonal cycle of this many steps.
SEASONAL_CALENDAR = {12: "month", 4: "quarter", 7: "day_of_week", 24: "hour"}

# Chosen by time-ordered validation on the training parts of the M3 monthly
# series only (benchmarks/choose_defaults.py for one series at a time,
# benchmarks/m3_validate.py for global models); see docs/benchmark-records.md.
DEFAULT_LOOK_BACK = 12
# Resolved by LSTMRegressor.fit from the number of training rows.
DEFAULT_LSTM_PARAMS = {
    "units": "auto",
    "max_iter": "auto",
    "batch_size": "auto",
    "early_stopping": "auto",
    "loss": "auto",
    "learning_rate_init": 0.001,
}


def make_lstm_forecaster(
    look_back=None,
    *,
    seasonal_period=None,
    kind="auto",
    reference="auto",
    random_state=None,
    **lstm_params,
):
    """Build an LSTM forecaster with level-free inputs, ready to fit.

    The recipe, as plain scikit-learn parts (print it, tune it with
    ``set_params`` or ``GridSearchCV``)::

        ChangeRegressor(Pipeline([
            ("calendar", CalendarFeatures([...])),   # only with seasonal_period
            ("lags", LagFeaturizer(look_back)),
            ("relative", RelativeWindows(reference=reference,
                                         fill_value=0.0)),   # relative to now
            ("scale", StandardScaler()),             # the one input scaler
            ("seq", SequenceReshaper(layout="auto")),  # time steps of the LSTM
            ("lstm", LSTMRegressor(units="auto", max_iter="auto", batch_size="auto",
                                   early_stopping="auto", loss="auto",
                                   scale_inputs=False)),
        ]).set_output(transform="pandas"), kind=kind,
           season=SeasonalIndices(seasonal_period), # the season taken out
           scale="series")                          # each series in its own scale

    The network learns the change to the next value from the window's moves
    relative to the current value, so it does not care where the series'
    level is: a test period above the training range is no harder than one
    inside it. Nor does it care about a series' scale: with ``kind="diff"``
    each series' level and change are divided by that series' own scale
    (``ChangeRegressor(scale="series")``), and log changes have none, so in
    a panel of series of any sizes each series' forecasts move with that
    series only. Predictions are in the target's own units.

    The defaults fit the data they are given, in :meth:`fit`: ``kind="auto"``
    learns log changes for a panel of positive series and differences for
    one series. The rest follows the number of training windows (``"auto"``
    in :class:`~sklstm.LSTMRegressor`, :class:`~sklstm.RelativeWindows` and
    :class:`~sklstm.SequenceReshaper`): up to 10,000 windows (one series),
    windows relative to the current value, given to a small network as one
    time step and trained 50 epochs; beyond (a global model over many
    series), windows relative to the mean of the last ``look_back - 1``
    values (the last year, for monthly data), one LSTM step per lag, an
    LSTM(128) trained on the absolute error with early stopping on the
    latest windows of every series; beyond 200,000 rows, the windows built
    per batch from the panel's rows rather than as a table
    (``ChangeRegressor(windows="auto")``: memory grows with the rows, not
    with the rows times ``look_back``; pass ``samples_per_epoch`` to train
    each epoch on a draw of that many windows). The choices are fitted attributes:
    ``forecaster.kind_``; ``reference_``, ``layout_`` and ``units_``,
    ``batch_size_``, ``max_iter_``, ``early_stopping_``, ``loss_function_``
    of the steps of ``forecaster.regressor_``. Each was chosen by
    time-ordered validation on the training parts of the M3 monthly series
    only, one series at a time and as a global model over all of them. Lags
    before the start of a series read "as now" (0 relative change); for
    missing lags masked by the LSTM instead, set
    ``regressor__seq__layout="lags"`` and
    ``regressor__relative__fill_value=np.nan``.

    Parameters
    ----------
    look_back : int or None, default=None
        Time steps in each window, the current one included. ``None``:
        ``seasonal_period + 1`` when ``seasonal_period`` is set (this month
        and the same month last year), else 12 (``DEFAULT_LOOK_BACK``).
    seasonal_period : int or None, default=None
        Length of the seasonal cycle: 12 (monthly data), 4 (quarterly),
        7 (daily), 24 (hourly). Adds the matching calendar feature (month,
        quarter, day of week, hour; sine and cosine) from ``X``'s
        ``PeriodIndex`` or ``DatetimeIndex``, and takes the season out of
        every series that has one before the network learns (classical
        decomposition, the seasonality test of the M4 benchmarks), putting
        it back in the forecasts
        (``ChangeRegressor(season=SeasonalIndices(seasonal_period))``).
        That scored better on the M3 training parts (validation sMAPE 12.98
        against 13.81; see :doc:`/global-models`); take the season out no
        more with ``set_params(season=None)``, or learn the change from the
        past cycles' same-season changes instead of indices with
        ``set_params(season=SeasonalChanges(seasonal_period))`` (see
        :class:`~sklstm.SeasonalChanges`; better on the airline series'
        validation folds, worse on M3's). The calendar step and the default
        ``look_back`` are set here, once: to drop them too, build the
        forecaster again with ``seasonal_period=None``.
    kind : {"auto", "diff", "log"}, default="auto"
        ``"diff"``: learn ``y - current`` from ``lag - current``. ``"log"``:
        learn ``log(y / current)`` from ``log(lag / current)`` (positive
        series only; exogenous columns' windows stay differences in their
        own units). ``"auto"``: ``"log"`` for a panel (two series or more)
        whose values are all positive, else ``"diff"``; the choice is the
        fitted ``kind_``. Stored once, on the returned
        :class:`~sklstm.ChangeRegressor`: ``set_params(kind="log")`` changes
        the target and the windows together.
    reference : "auto", "last" or int, default="auto"
        What the input windows are relative to (see
        :class:`~sklstm.RelativeWindows`): the current value, or the mean of
        the last ``reference`` values (of their logs for ``"log"``);
        ``"auto"`` chooses from the number of windows, as above. The target
        stays the change from the current value either way.
    random_state : int, RandomState instance or None, default=None
        Seed of the network's initial weights and batch order.
    **lstm_params
        Other :class:`~sklstm.LSTMRegressor` parameters; they override the
        defaults ``units="auto", max_iter="auto", batch_size="auto",
        early_stopping="auto", loss="auto", learning_rate_init=0.001``.
        ``loss="quantile", quantiles=(0.1, 0.5, 0.9)`` makes a quantile
        forecaster: ``predict`` gives the median and ``predict_quantiles``
        every quantile of the level (see
        :meth:`ChangeRegressor.predict_quantiles <sklstm.ChangeRegressor.predict_quantiles>`).

    Returns
    -------
    forecaster : ChangeRegressor
        Unfitted. Fit it on ``X, y = to_supervised(series)``; tune its steps
        as ``regressor__<step>__<param>`` (e.g.
        ``regressor__lags__look_back``, ``regressor__lstm__units``).

    See Also
    --------
    average_seeds : Average several copies fitted with different seeds.
    recursive_forecast : Forecast several steps beyond the end of a series.

    Notes
    -----
    With exogenous columns (``to_supervised(df, target="sales")`` keeps all
    columns in ``X``), tell the recipe which column is the target::

        make_lstm_forecaster(12).set_params(level="sales")

    Every column's window is then relative to its own current value; choose
    the columns with ``regressor__relative__features=[...]``.

    Another regressor in place of the LSTM (``regressor__lstm=Ridge()``)
    needs 2-D inputs: on more than 10,000 windows also set
    ``regressor__seq__layout="window"``.

    A panel (``to_supervised(frame, target=..., id=..., time=...)``, rows
    indexed by ``(series, time)``) needs no other setting: the windows are
    built within each series and the calendar is read from the time level,
    so one forecaster learns from all series at once (a *global* model). For
    ``h`` steps ahead, fit it on ``to_supervised(..., horizon=range(1, h +
    1))``: one output per horizon, each the change from the current value.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklstm import make_lstm_forecaster, to_supervised
    >>> series = pd.Series(
    ...     100 + np.arange(60) + 5 * np.sin(np.arange(60) * np.pi / 6),
    ...     index=pd.period_range("2000-01", periods=60, freq="M"), name="y")
    >>> X, y = to_supervised(series)
    >>> model = make_lstm_forecaster(seasonal_period=12, max_iter=5, random_state=0)
    >>> model.fit(X.iloc[:48], y.iloc[:48]).predict(X.iloc[48:]).shape
    (11,)
    >>> model.get_params()["regressor__lags__look_back"]
    13
    """
    # Imported here: sklearn.preprocessing and sklearn.ensemble would add a
    # tenth of a second to ``import sklstm``.
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    if seasonal_period is not None and (
        seasonal_period not in SEASONAL_CALENDAR or isinstance(seasonal_period, bool)
    ):
        raise ValueError(
            f"seasonal_period={seasonal_period!r} has no calendar feature; use one "
            f"of {sorted(SEASONAL_CALENDAR)}, or None and add your own "
            "CalendarFeatures."
        )
    if kind not in ("auto", "diff", "log"):
        raise ValueError(f"kind must be 'auto', 'diff' or 'log', got {kind!r}.")
    if look_back is None:
        look_back = DEFAULT_LOOK_BACK if seasonal_period is None else seasonal_period + 1
    steps = []
    calendar_columns = []
    if seasonal_period is not None:
        calendar = CalendarFeatures([SEASONAL_CALENDAR[seasonal_period]])
        steps.append(("calendar", calendar))
        calendar_columns = [
            f"{SEASONAL_CALENDAR[seasonal_period]}_sin",
            f"{SEASONAL_CALENDAR[seasonal_period]}_cos",
        ]
    # One input scaler: the pipeline's StandardScaler (a step that can be
    # swapped); the network does not standardize its inputs a second time.
    lstm = LSTMRegressor(
        **{
            "scale_inputs": False,
            **DEFAULT_LSTM_PARAMS,
            **lstm_params,
            "random_state": random_state,
        }
    )
    steps += [
        ("lags", LagFeaturizer(look_back)),
        (
            "relative",
            # "diff" for every kind: ChangeRegressor gives the pipeline the
            # level in the change's space (its log for kind="log").
            RelativeWindows(
                "diff", reference=reference, exclude=calendar_columns or None, fill_value=0.0
            ),
        ),
        ("scale", StandardScaler()),
        ("seq", SequenceReshaper(layout="auto")),
        ("lstm", lstm),
    ]
    pipe = Pipeline(steps).set_output(transform="pandas")
    season = None if seasonal_period is None else SeasonalIndices(seasonal_period)
    return ChangeRegressor(pipe, kind=kind, season=season, scale="series")


def average_seeds(estimator, n_seeds=5, *, random_state=None):
    """Average the predictions of copies of ``estimator`` fitted with different seeds.

    A network's test error moves with its seed; the mean of a few seeds
    moves less and is usually better than a typical single seed. Every
    ``random_state`` parameter of the copies (nested ones included, e.g.
    ``regressor__lstm__random_state``) gets its own seed.

    Parameters
    ----------
    estimator : estimator object
        The regressor to copy, e.g. ``make_lstm_forecaster(...)`` or a
        ``GridSearchCV``'s ``best_estimator_``. It is cloned, not changed.
    n_seeds : int, default=5
        Number of copies.
    random_state : int, RandomState instance or None, default=None
        Draws the copies' seeds; an int makes the ensemble reproducible.

    Returns
    -------
    ensemble : SeedEnsemble
        Unfitted; members named ``seed0``, ``seed1``, ... A
        :class:`~sklearn.ensemble.VotingRegressor` that also takes a 2-D
        target: fitted on ``to_supervised(..., horizon=range(1, h + 1))``,
        its ``predict`` is the mean of the members' ``h`` outputs.

    See Also
    --------
    SeedEnsemble : The ensemble, for members of any kind.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import SGDRegressor
    >>> from sklstm import average_seeds
    >>> ensemble = average_seeds(SGDRegressor(), n_seeds=3, random_state=0)
    >>> [name for name, _ in ensemble.estimators]
    ['seed0', 'seed1', 'seed2']
    >>> len({member.random_state for _, member in ensemble.estimators})
    3

    Several outputs (a direct multi-horizon target) are averaged one by one:

    >>> from sklearn.linear_model import Ridge
    >>> X = np.arange(40.0).reshape(20, 2) / 40
    >>> Y = np.c_[X.sum(axis=1), X[:, 0] - X[:, 1]]
    >>> ensemble = average_seeds(Ridge(solver="sag"), n_seeds=3, random_state=0)
    >>> ensemble.fit(X, Y).predict(X[:3]).shape
    (3, 2)
    """
    if not isinstance(n_seeds, Integral) or isinstance(n_seeds, bool) or n_seeds < 1:
        raise ValueError(f"n_seeds must be a positive int, got {n_seeds!r}.")
    keys = [k for k in estimator.get_params(deep=True) if k.split("__")[-1] == "random_state"]
    if not keys:
        raise ValueError(f"{type(estimator).__name__} has no random_state parameter to vary.")
    rng = check_random_state(random_state)
    members = []
    for i in range(n_seeds):
        seed = int(rng.randint(2**31 - 1))
        members.append((f"seed{i}", clone(estimator).set_params(**dict.fromkeys(keys, seed))))
    from ._ensemble import SeedEnsemble  # imports sklearn.ensemble: see __init__

    return SeedEnsemble(members)
