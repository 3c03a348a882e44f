"""Forecast beyond the end of the data: recursively (a one-step model fed its own
predictions) or directly (a model trained on every horizon at once)."""

from collections.abc import Hashable
from contextlib import ExitStack
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn import config_context
from sklearn.utils._param_validation import HasMethods, StrOptions, validate_params
from sklearn.utils.validation import check_is_fitted

from .._checked import data_checked
from .._timeindex import check_integer_steps, infer_freq, next_label
from .._timeindex import ranges as _ranges
from .._timeindex import series_of as _series_of
from .._validation import StrictInterval, check_numeric
from ._change import _quantile_step, predict_quantiles_of
from ._history import n_history
from ._supervised import _as_frame, _target_column


@validate_params(
    {
        "estimator": [HasMethods(["predict"])],
        "data": ["array-like"],
        "steps": [StrictInterval(Integral, 1, None, closed="left")],
        "target": [Hashable, None],
        "future": ["array-like", None],
        "window": [StrictInterval(Integral, 1, None, closed="left"), StrOptions({"auto"}), None],
        "return_quantiles": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def recursive_forecast(
    estimator: object,
    data: "pd.Series | pd.DataFrame | np.typing.ArrayLike",
    steps: int,
    *,
    target: object = None,
    future: "pd.DataFrame | np.typing.ArrayLike | None" = None,
    window: "int | str | None" = "auto",
    return_quantiles: bool = False,
) -> "pd.Series | pd.DataFrame | np.ndarray":
    """Forecast the next ``steps`` values after the end of ``data``.

    ``estimator`` is a fitted one-step-ahead model: it maps the observations
    at time ``t`` (a row of ``X`` from :func:`~sklstm.to_supervised`) to the
    target at ``t + 1``, usually a pipeline that builds its own lags. The
    forecast for ``t + 1`` is appended to ``data`` as the next observation of
    the target, the model predicts ``t + 2`` from that, and so on: each step
    reuses the model's own earlier predictions, so errors compound with the
    horizon. For a model trained on several horizons at once (a 2-D target
    from ``to_supervised(..., horizon=range(1, h + 1))``), no recursion is
    needed: ``estimator.predict(data)[-1]`` is the direct ``h``-step forecast,
    which :func:`direct_forecast` labels like this function's forecasts.

    **Panels.** ``data`` indexed by a ``(series, time)``
    :class:`~pandas.MultiIndex` (the index :func:`~sklstm.to_supervised`
    gives ``X`` with ``id=``; for the observed data, e.g.
    ``frame.set_index(["store", "month"])``) holds several series. All of
    them are forecast together: each step makes one ``estimator.predict``
    call on the latest rows of every series, so a global model forecasts a
    thousand series in ``steps`` calls, not ``steps`` times a thousand. Each
    series continues from its own last time stamp (series may end at
    different times), and its forecasts are those it would get alone.

    Recursion is the default way to forecast several steps: on the M3
    monthly series (``benchmarks/m3.py``, 18 steps ahead), the recursive
    forecasts of :func:`~sklstm.make_lstm_forecaster` and of the same recipe
    with a Ridge were at least as good as their direct multi-horizon
    versions, in sMAPE and MASE, and one model serves every horizon.

    Parameters
    ----------
    estimator : fitted regressor
        One-step-ahead model whose ``predict`` takes rows shaped like
        ``data`` and returns one value per row.
    data : pandas.Series, pandas.DataFrame or array-like of shape (n_samples,) \
            or (n_samples, n_features)
        The observed series up to the last known time step, oldest first,
        with the columns the estimator was fitted on; at least the history
        the model's lags need. A DataFrame indexed by ``(series, time)`` is
        a panel: each series' rows oldest first (the series may be
        interleaved).
    steps : int
        How many steps to forecast: the values 1 to ``steps`` steps after the
        end of ``data``, every one of them. A count, where
        :func:`~sklstm.to_supervised`'s ``horizon`` names which steps ahead
        a target lies (one lead, or a set such as ``(1, 3, 12)``): two
        concepts, so two names.
    target : label or int, default=None
        The column of ``data`` that is forecast and fed back; not needed for a
        Series or a single column.
    future : pandas.DataFrame or array-like of shape (steps, n_features - 1), \
            default=None
        The values of the other (exogenous) columns over the forecast steps,
        such as calendar features known in advance, in the column order of
        ``data`` without ``target``. Required when ``data`` has more than one
        column. For a panel, a DataFrame indexed by ``(series, time)`` with
        a row for each series and forecast time (rows are matched by label),
        or an array with ``steps`` rows per series, in the order of the
        returned forecasts.
    window : int, "auto" or None, default="auto"
        How many of the latest rows each step passes to
        ``estimator.predict``: the history the model's features look at, so
        that a step costs the same however long ``data`` is. ``"auto"`` takes
        what the fitted estimator says it reads, its ``n_history_`` (a
        :class:`~sklstm.LagFeaturizer`'s ``look_back``; for a
        :class:`~sklstm.ChangeRegressor`, also the cycles its seasonal base
        reads), found in a pipeline's steps, a search's ``best_estimator_``
        or an ensemble's members; all of ``data`` when nothing says.
        ``None`` passes all the rows at every step (the cost grows with the
        length of ``data``). For a panel, the window applies to each series.
        Give an int when some step reads further back than it says (a
        rolling statistic of your own): a window too short changes the
        forecast. An estimator of your own says how many rows it reads by
        setting ``n_history_`` in ``fit``.
    return_quantiles : bool, default=False
        Return every quantile the estimator forecasts at each step, not just
        the point forecast. The estimator must forecast quantiles (an
        :class:`~sklstm.LSTMRegressor` with ``loss="quantile"``, alone, as
        the last step of a pipeline, or inside a
        :class:`~sklstm.ChangeRegressor`, as ``make_lstm_forecaster(...,
        loss="quantile")`` makes). The median is fed back as the next
        observation. Beyond the first step the intervals are too narrow: each
        step's quantiles are those of one step ahead *given* the median path,
        so the uncertainty of the earlier steps is left out. For intervals
        several steps ahead, prefer a direct model (see Notes).

    Returns
    -------
    forecast : pandas.Series or ndarray of shape (steps,), or with \
            ``return_quantiles`` a pandas.DataFrame or ndarray of shape \
            (steps, n_quantiles)
        The forecasts (an ndarray for array input); with
        ``return_quantiles``, one column per quantile level, named by the
        level for pandas input. A Series or DataFrame is indexed by
        the labels that continue the index of ``data``: ``+1`` for a period
        or integer index, ``+freq`` for a regular datetime index. Any other
        index raises a ``ValueError``, because the rows appended for the
        model must be labelled; pass ``data.reset_index(drop=True)`` if the
        model does not use the index. For a panel, a Series indexed by
        ``(series, time)``: ``steps`` rows per series, the series in order
        of first appearance, each continuing its own times (a series of
        datetimes too short to infer its frequency from takes the panel's).

    See Also
    --------
    to_supervised : Build the one-step (or multi-step) training set.
    LagFeaturizer : Lags inside the pipeline, with history across folds.

    Notes
    -----
    Quantiles several steps ahead: train on all the horizons at once,
    ``X, Y = to_supervised(series, horizon=range(1, h + 1))`` with
    ``loss="quantile"``; then ``model.predict_quantiles(data)[-1]``, of
    shape ``(h, n_quantiles)``, holds each horizon's quantiles, learnt from
    the errors at that horizon. On 100 M3 monthly series
    (``benchmarks/intervals.py --ahead``) the direct 80% intervals covered
    65% of the 18 test months, the recursive ones 43% (:doc:`/intervals`).

    The model sees the same last row at every step whatever the window, as
    long as the window covers the history its features use: the forecast is
    the one the whole series gives, at ``O(steps * window)`` cost instead of
    ``O(steps * len(data))`` (times the number of series for a panel, in
    ``steps`` calls of ``predict``).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklstm import recursive_forecast, to_supervised
    >>> series = pd.Series(np.arange(10.0), name="y")  # y[t + 1] = y[t] + 1
    >>> X, y = to_supervised(series)
    >>> model = LinearRegression().fit(X, y)
    >>> recursive_forecast(model, series, steps=3).round(6)
    10    10.0
    11    11.0
    12    12.0
    Name: y, dtype: float64

    A panel: two series that end at different times, forecast together.

    >>> panel = pd.DataFrame(
    ...     {"store": ["a"] * 4 + ["b"] * 3, "week": [1, 2, 3, 4, 1, 2, 3],
    ...      "sales": [1.0, 2.0, 3.0, 4.0, 10.0, 11.0, 12.0]})
    >>> X, y = to_supervised(panel, target="sales", id="store", time="week")
    >>> model = LinearRegression().fit(X, y)
    >>> recursive_forecast(model, panel.set_index(["store", "week"]), steps=2).round(6)
    store  week
    a      5        5.0
           6        6.0
    b      4       13.0
           5       14.0
    Name: sales, dtype: float64
    """
    check_is_fitted(estimator)
    frame, is_pandas, column, series = _observed(data, target)
    others = [c for c in frame.columns if c != column]
    panel = series[0][1] is not None
    _check_steps(steps, len(series), frame.shape[1])  # before any buffer is allocated
    future_index = _forecast_index(frame.index, series, steps)  # of the output
    exogenous = _future_values(future, others, steps, future_index if panel else None)
    levels = _fed_back_quantiles(estimator) if return_quantiles else None
    median = None if levels is None else list(levels).index(0.5)
    window = _history_length(estimator, window)  # None: every row, old and forecast

    # One buffer per column, series after series: the latest observations of
    # each series (``kept``; all of them with window=None), then its ``steps``
    # rows to forecast (exogenous values known, the target filled in as it is
    # forecast). Each step hands the model, in one call, the latest rows of
    # every series: a step costs the same however long the series are.
    rows = [np.arange(len(frame))] if not panel else [r for _, r, _ in series]
    lengths = np.array([len(r) for r in rows])
    kept = lengths if window is None else np.minimum(lengths, window)
    starts = np.concatenate([[0], np.cumsum(kept + steps)[:-1]])  # of each series' block
    observed = np.concatenate([r[len(r) - k :] for r, k in zip(rows, kept)])
    slots = (starts + kept)[:, np.newaxis] + np.arange(steps)  # the forecast rows
    columns = {}
    for position, name in enumerate(frame.columns):
        values = np.empty(int(kept.sum()) + slots.size)
        values[slots.ravel()] = np.nan if name == column else exogenous[:, others.index(name)]
        values[_ranges(starts, kept)] = frame.iloc[observed, position].to_numpy()
        columns[name] = values
    if panel:  # the labels of the blocks: a series' observed rows, then its future
        index = frame.index[observed].append(future_index)
        index = index.take(np.argsort(np.concatenate([_ranges(starts, kept), slots.ravel()])))
    else:
        index = frame.index[len(frame) - kept[0] :].append(future_index)

    forecasts = np.empty((len(kept), steps))
    bands = None if levels is None else np.empty((len(kept), steps, len(levels)))
    # The data are checked once: the first step runs every check the model
    # makes; later steps see the same rows plus forecasts (checked finite
    # here) and known future values, so they skip the finiteness and parameter
    # checks that every stage of a pipeline would repeat at each step.
    later_steps = config_context(
        assume_finite=bool(np.isfinite(exogenous).all()), skip_parameter_validation=True
    )
    with ExitStack() as context:
        for step in range(steps):
            if step == 1:
                context.enter_context(later_steps)
                context.enter_context(data_checked())  # sklstm's own checks too
            end = kept + step  # rows given to the model, in each block: [begin, end)
            begin = np.zeros_like(end) if window is None else np.maximum(end - window, 0)
            if panel:
                given = _ranges(starts + begin, end - begin)
            else:  # one series: a slice keeps the index's kind (a RangeIndex's step)
                given = slice(int(begin[0]), int(end[0]))
            batch = pd.DataFrame(
                {name: values[given] for name, values in columns.items()},
                index=index[given],
                columns=frame.columns,
            )
            last = np.cumsum(end - begin) - 1  # each series' latest row
            if return_quantiles:
                quantiles = np.asarray(predict_quantiles_of(estimator, batch), dtype=float)
                if quantiles.ndim != 2:
                    raise ValueError(
                        f"the estimator forecasts quantiles of shape {quantiles.shape[1:]} "
                        "per row (a direct multi-step model); its last row, "
                        "predict_quantiles(data)[-1], already holds every horizon's "
                        "quantiles, no recursion needed."
                    )
                bands[:, step] = quantiles[last]
                prediction = quantiles[:, median]
            else:
                prediction = np.asarray(estimator.predict(batch))
            if prediction.ndim == 2 and prediction.shape[1] > 1:
                raise ValueError(
                    f"the estimator predicts {prediction.shape[1]} values per row (a "
                    "direct multi-step model); its last row, estimator.predict(data)[-1], "
                    "is already the multi-step forecast, no recursion needed: "
                    "direct_forecast(estimator, data) gives it labelled."
                )
            forecasts[:, step] = prediction.reshape(len(batch), -1)[last, 0]
            columns[column][slots[:, step]] = forecasts[:, step]
            if not np.isfinite(forecasts[:, step]).all():
                raise ValueError(
                    f"the estimator forecast non-finite values at step {step + 1}; "
                    "they cannot be fed back as observations."
                )
    if return_quantiles:
        if not is_pandas:
            return bands[0]
        return pd.DataFrame(bands.reshape(-1, len(levels)), index=future_index, columns=levels)
    if not is_pandas:
        return forecasts[0]
    return pd.Series(forecasts.ravel(), index=future_index, name=column)


@validate_params(
    {
        "estimator": [HasMethods(["predict"])],
        "data": ["array-like"],
        "target": [Hashable, None],
        "window": [StrictInterval(Integral, 1, None, closed="left"), StrOptions({"auto"}), None],
    },
    prefer_skip_nested_validation=True,
)
def direct_forecast(
    estimator: object,
    data: "pd.Series | pd.DataFrame | np.typing.ArrayLike",
    *,
    target: object = None,
    window: "int | str | None" = "auto",
) -> "pd.Series | np.ndarray":
    """Forecast the next ``h`` values after the end of ``data`` with a direct model.

    ``estimator`` was fitted on every horizon at once, on ``X, Y =
    to_supervised(series, horizon=range(1, h + 1))``: its prediction for the
    last row of ``data`` holds the forecasts of the ``h`` steps after it.
    This function makes that one prediction and labels it like
    :func:`recursive_forecast` labels its forecasts, for one series or every
    series of a panel (the last row of each), so that the two kinds of
    forecast, and a statistical one from :func:`theta_forecast`, can be
    compared or combined (:func:`combine_forecasts`) label by label.

    Parameters
    ----------
    estimator : fitted regressor
        A multi-horizon model: its ``predict`` takes rows shaped like ``data``
        and returns ``h`` values per row, the forecasts 1 to ``h`` steps
        after that row (in that order, as ``horizon=range(1, h + 1)``
        gives). A model with one output gives the one-step forecast.
    data : pandas.Series, pandas.DataFrame or array-like of shape (n_samples,) \
            or (n_samples, n_features)
        The observed series up to the last known time step, oldest first,
        with the columns the estimator was fitted on. A DataFrame indexed by
        ``(series, time)`` is a panel: each series is forecast from its own
        last row, in one ``predict`` call for all of them.
    target : label or int, default=None
        The column forecast, which names the result; not needed for a Series
        or a single column. It is not checked against what the model learned
        to forecast: the model's outputs are taken as they are.
    window : int, "auto" or None, default="auto"
        How many of the latest rows of each series are passed to
        ``predict``, as in :func:`recursive_forecast`: ``"auto"`` takes what
        the fitted estimator reads (its ``n_history_``), ``None`` every row.

    Returns
    -------
    forecast : pandas.Series of shape (n_series * h,) or ndarray of shape (h,)
        The forecasts (an ndarray for array input). A Series is indexed by
        the labels that continue the index of ``data`` (for a panel, ``h``
        rows per series indexed by ``(series, time)``, the series in order
        of first appearance) and named after the target column.

    See Also
    --------
    recursive_forecast : Forecast several steps with a one-step model.
    theta_forecast : The theta method's forecasts, labelled the same way.
    combine_forecasts : Average forecasts label by label.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklstm import direct_forecast, to_supervised
    >>> series = pd.Series(np.arange(10.0), name="y")
    >>> X, Y = to_supervised(series, horizon=range(1, 4))  # 3 outputs per row
    >>> model = LinearRegression().fit(X, Y)
    >>> direct_forecast(model, series).round(6)
    10    10.0
    11    11.0
    12    12.0
    Name: y, dtype: float64
    """
    check_is_fitted(estimator)
    frame, is_pandas, column, series = _observed(data, target)
    _forecast_index(frame.index, series, 1)  # refuse an index it cannot continue, first
    window = _history_length(estimator, window)
    rows = [np.arange(len(frame))] if series[0][1] is None else [r for _, r, _ in series]
    kept = [len(r) if window is None else min(len(r), window) for r in rows]
    batch = frame.iloc[np.concatenate([r[len(r) - k :] for r, k in zip(rows, kept)])]
    prediction = estimator.predict(batch)
    check_numeric(prediction, "the estimator's predictions")
    prediction = np.asarray(prediction, dtype=float)
    if prediction.ndim not in (1, 2) or len(prediction) != len(batch):
        raise ValueError(
            f"the estimator's predictions have shape {prediction.shape} for "
            f"{len(batch)} rows; direct_forecast needs one row of forecasts (one "
            "value per horizon) for each row of data."
        )
    forecasts = prediction.reshape(len(batch), -1)[np.cumsum(kept) - 1]  # each last row
    if not is_pandas:
        return forecasts[0]
    index = _forecast_index(frame.index, series, forecasts.shape[1])
    return pd.Series(forecasts.ravel(), index=index, name=column)


def _observed(data, target):
    """The observed data to forecast from, checked: ``(frame, is_pandas, column,
    series)``, with ``series`` as :func:`_series_of` gives (one entry unless a
    panel)."""
    frame, is_pandas = _as_frame(data)
    if len(frame) == 0:
        raise ValueError("data is empty; pass the observed series up to its last step.")
    check_numeric(frame, "data")
    column = _target_column(frame, target, list(frame.columns), [])
    return frame, is_pandas, column, _series_of(frame.index)


def _quantiles_of(estimator):
    """The quantile levels ``estimator`` forecasts (``quantiles_`` of the step that does)."""
    while True:
        step = _quantile_step(estimator)
        if step is None:  # a meta-estimator: look inside its fitted regressor
            estimator = getattr(estimator, "regressor_", None)
            if estimator is None:
                return None
            continue
        if hasattr(step, "quantiles_"):
            return step.quantiles_
        inner = getattr(step, "regressor_", None)
        if inner is None or inner is estimator:
            return None
        estimator = inner


def _fed_back_quantiles(estimator):
    """The quantile levels ``estimator`` forecasts, checked to include the median."""
    if _quantile_step(estimator) is None:
        raise ValueError(
            f"return_quantiles=True needs an estimator that forecasts quantiles; "
            f"{type(estimator).__name__} has no predict_quantiles. Fit "
            "LSTMRegressor(loss='quantile') (or make_lstm_forecaster(..., "
            "loss='quantile'))."
        )
    levels = _quantiles_of(estimator)
    if levels is None or 0.5 not in list(levels):
        raise ValueError(
            "return_quantiles=True feeds the median back, but the estimator's "
            f"quantile levels ({levels}) are unknown or lack 0.5."
        )
    return levels


def _history_length(estimator, window):
    """How many of the latest rows each step passes to the model; None: all."""
    return n_history(estimator) if window == "auto" else window


def _forecast_index(index, series, steps):
    """The labels of the forecasts: the ``steps`` times after each series' last.

    For one series, the labels that continue ``index``. For a panel, a
    ``(series, time)`` MultiIndex, series after series in order of first
    appearance; a series of datetimes too short to infer its frequency from
    takes the frequency of the panel's times.
    """
    if series[0][1] is None:
        return _future_labels(index, steps)
    fast = _panel_future_labels(index, series, steps)
    if fast is not None:
        return fast
    times, panel_freq = [], None
    for key, _, own in series:
        try:
            times.append(_future_labels(own, steps))
            continue
        except ValueError:
            if panel_freq is None and isinstance(own, (pd.DatetimeIndex, pd.TimedeltaIndex)):
                every = index.get_level_values(-1).unique().sort_values()
                panel_freq = infer_freq(every)
            if panel_freq is None or not (own.is_unique and own.is_monotonic_increasing):
                raise ValueError(
                    f"cannot tell which time comes after the times of series {key!r} "
                    f"(from {own[0]} to {own[-1]}); each series' times must increase, as "
                    "periods, integers or datetimes with a regular frequency."
                ) from None
        make = pd.date_range if isinstance(own, pd.DatetimeIndex) else pd.timedelta_range
        times.append(make(own[-1], periods=steps + 1, freq=panel_freq)[1:])
    keys = index.droplevel(-1)[[rows[0] for _, rows, _ in series]].repeat(steps)
    levels = [keys.get_level_values(level) for level in range(keys.nlevels)]
    return pd.MultiIndex.from_arrays([*levels, times[0].append(times[1:])], names=index.names)


def _panel_future_labels(index, series, steps):
    """:func:`_forecast_index` of a panel of periods or integers, in one pass.

    The labels the loop over series gives, without a ``next_label`` per
    series (a thousand series: a thousand index objects); None where the
    times are of another kind, or some series' times do not increase (the
    loop then names the series it cannot continue).
    """
    times = index.get_level_values(-1)
    if isinstance(times, pd.PeriodIndex):
        values = times.asi8
    elif pd.api.types.is_integer_dtype(times.dtype) and not isinstance(times, pd.RangeIndex):
        values = times.to_numpy()
    else:
        return None
    rows = [rows for _, rows, _ in series]
    order = np.concatenate(rows)  # series after series, each in its given order
    firsts = np.cumsum([0] + [len(r) for r in rows[:-1]])
    steps_up = np.diff(values[order]) > 0
    steps_up[firsts[1:] - 1] = True  # from one series to the next: not a step in time
    if not steps_up.all():
        return None
    lasts = values[[r[-1] for r in rows]]
    if not isinstance(times, pd.PeriodIndex):
        check_integer_steps(lasts, steps)
    ahead = (lasts[:, np.newaxis] + np.arange(1, steps + 1)).ravel()
    if isinstance(times, pd.PeriodIndex):
        # (PeriodIndex.from_ordinals is pandas >= 2.2)
        future = pd.PeriodIndex(pd.arrays.PeriodArray(ahead, dtype=times.dtype))
    else:
        future = pd.Index(ahead, dtype=times.dtype)
    keys = index.droplevel(-1)[[r[0] for r in rows]].repeat(steps)
    levels = [keys.get_level_values(level) for level in range(keys.nlevels)]
    return pd.MultiIndex.from_arrays([*levels, future], names=index.names)


def _future_labels(index, steps):
    """The ``steps`` labels that continue ``index`` (one look at ``index``)."""
    first = _next(index)
    if isinstance(index, pd.RangeIndex):
        return pd.RangeIndex(first, first + steps * index.step, index.step, name=index.name)
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(first, periods=steps, freq=index.freq, name=index.name)
    if isinstance(index, (pd.DatetimeIndex, pd.TimedeltaIndex)):
        freq = infer_freq(index)
        make = pd.date_range if isinstance(index, pd.DatetimeIndex) else pd.timedelta_range
        return make(first, periods=steps, freq=freq, name=index.name)
    # an integer index (next_label knows no other kind): one step is +1
    check_integer_steps(index[-1:], steps)
    return pd.Index(first + np.arange(steps), dtype=index.dtype, name=index.name)


def _future_values(future, others, steps, panel_index=None):
    """The exogenous values over the forecast rows, shape (rows, len(others)).

    ``panel_index``: the forecast rows of a panel; a DataFrame indexed by
    ``(series, time)`` is aligned with them by label, anything else is read
    in their order.
    """
    if not others:
        if future is not None:
            raise ValueError("future is only used when data has exogenous columns.")
        return np.empty((steps, 0))
    if future is None:
        raise ValueError(
            f"data has exogenous column(s) {others}: pass future=<their values over "
            f"the {steps} forecast steps>, e.g. a DataFrame with those columns."
        )
    if isinstance(future, pd.DataFrame):
        missing = [c for c in others if c not in future.columns]
        if missing:
            raise ValueError(f"future lacks the column(s) {missing}.")
        if panel_index is not None and isinstance(future.index, pd.MultiIndex):
            absent = ~panel_index.isin(future.index)
            if absent.any():
                raise ValueError(
                    f"future has no row for {absent.sum()} of the forecast rows, first "
                    f"{panel_index[absent][0]}; give every series a row for each of its "
                    f"{steps} forecast times, indexed by (series, time)."
                )
            future = future.loc[panel_index]
        values = future[others].to_numpy(dtype=float)
    else:
        values = np.asarray(future, dtype=float).reshape(len(future), -1)
    rows = steps if panel_index is None else len(panel_index)
    if values.shape != (rows, len(others)):
        per = "one per step" if panel_index is None else "one per series and step"
        raise ValueError(
            f"future must have {rows} rows ({per}) and {len(others)} "
            f"column(s) {others}; got shape {values.shape}."
        )
    return values


def _next(index):
    label = next_label(index)
    if label is None:
        raise ValueError(
            "cannot tell which label comes after the index of data; use a "
            "PeriodIndex, an integer index or a datetime index with a frequency."
        )
    return label


# The most forecast values (steps x series x columns) one recursive forecast
# holds: 2**27 float64 values are 1 GiB per buffer.
MAX_FORECAST_VALUES = 2**27


def _check_steps(steps, n_series, n_columns):
    """Refuse a forecast whose buffers could not be allocated, before allocating them."""
    values = steps * n_series * max(n_columns, 1)  # Python ints: no overflow
    if values > MAX_FORECAST_VALUES:
        most = max(MAX_FORECAST_VALUES // (n_series * max(n_columns, 1)), 1)
        raise ValueError(
            f"steps={steps} is too many: {n_series} series x {n_columns} column(s) x "
            f"{steps} steps need {values:,} forecast values ({values * 8 / 2**30:.3g} "
            f"GiB per buffer), above the {MAX_FORECAST_VALUES:,} one forecast holds; "
            "recursion also makes one predict call per step. Forecast at most "
            f"{most:,} steps at a time (append the forecasts to data and call again)."
        )
