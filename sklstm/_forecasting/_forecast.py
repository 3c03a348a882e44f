"""Forecast beyond the end of the data by feeding a one-step model its own predictions."""

from collections.abc import Hashable
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions, validate_params
from sklearn.utils.validation import check_is_fitted

from ._change import _quantile_step, predict_quantiles_of
from ._supervised import _as_frame, _target_column
from .._timeindex import next_label


@validate_params(
    {
        "estimator": [HasMethods(["predict"])],
        "data": ["array-like"],
        "steps": [Interval(Integral, 1, None, closed="left")],
        "target": [Hashable, None],
        "future": ["array-like", None],
        "window": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"}), None],
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
    needed: ``estimator.predict(data)[-1]`` is the direct ``h``-step forecast.

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
        the model's lags need.
    steps : int
        How many steps ahead to forecast.
    target : label or int, default=None
        The column of ``data`` that is forecast and fed back; not needed for a
        Series or a single column.
    future : pandas.DataFrame or array-like of shape (steps, n_features - 1), \
            default=None
        The values of the other (exogenous) columns over the forecast steps,
        such as calendar features known in advance, in the column order of
        ``data`` without ``target``. Required when ``data`` has more than one
        column.
    window : int, "auto" or None, default="auto"
        How many of the latest rows each step passes to
        ``estimator.predict``: the history the model's features look at, so
        that a step costs the same however long ``data`` is. ``"auto"`` takes
        the largest ``look_back`` parameter of the estimator (of any step of a
        pipeline or wrapped regressor, e.g. a :class:`~sklstm.LagFeaturizer`),
        or all of ``data`` when it has none. ``None`` passes all the rows at
        every step (the cost grows with the length of ``data``). Give an int
        when some step looks further back than its ``look_back`` (a rolling
        statistic, a seasonal lag): a window too short changes the forecast.
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
        model does not use the index.

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
    65% of the 18 test months, the recursive ones 43% (docs/intervals.md).

    The model sees the same last row at every step whatever the window, as
    long as the window covers the history its features use: the forecast is
    the one the whole series gives, at ``O(steps * window)`` cost instead of
    ``O(steps * len(data))``.

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
    """
    check_is_fitted(estimator)
    frame, is_pandas = _as_frame(data)
    if len(frame) == 0:
        raise ValueError("data is empty; pass the observed series up to its last step.")
    column = _target_column(frame, target, list(frame.columns), [])
    others = [c for c in frame.columns if c != column]
    exogenous = _future_values(future, others, steps)
    median = _median_position(estimator) if return_quantiles else None
    history = _history_length(estimator, window)
    grows = history is None  # every step sees all the rows, old and forecast
    history = len(frame) if grows else min(history, len(frame))

    # One buffer per column: the last ``history`` observations, then the
    # ``steps`` rows to forecast (exogenous values known, the target filled in
    # as it is forecast). Each step hands the model a slice of it, so a step
    # costs the same however long ``data`` is.
    index = frame.index[len(frame) - history :].append(_future_labels(frame.index, steps))
    columns = {}
    for position, name in enumerate(frame.columns):
        past = frame.iloc[len(frame) - history :, position].to_numpy()
        ahead = np.full(steps, np.nan) if name == column else exogenous[:, others.index(name)]
        columns[name] = np.concatenate([past, ahead])

    forecasts = np.empty(steps)
    bands = []
    for step in range(steps):
        if step == 0:  # the observed rows, as they are
            rows = frame.iloc[len(frame) - history :]
        else:
            start = 0 if grows else step
            rows = pd.DataFrame(
                {name: values[start : history + step] for name, values in columns.items()},
                index=index[start : history + step],
                columns=frame.columns,
            )
        if return_quantiles:
            quantiles = np.asarray(predict_quantiles_of(estimator, rows), dtype=float)
            if quantiles.ndim != 2:
                raise ValueError(
                    f"the estimator forecasts quantiles of shape {quantiles.shape[1:]} "
                    "per row (a direct multi-step model); its last row, "
                    "predict_quantiles(data)[-1], already holds every horizon's "
                    "quantiles, no recursion needed."
                )
            bands.append(quantiles[-1])
            prediction = quantiles[:, median]
        else:
            prediction = np.asarray(estimator.predict(rows))
        if prediction.ndim == 2 and prediction.shape[1] > 1:
            raise ValueError(
                f"the estimator predicts {prediction.shape[1]} values per row (a "
                "direct multi-step model); its last row, estimator.predict(data)[-1], "
                "is already the multi-step forecast, no recursion needed."
            )
        forecasts[step] = float(prediction.reshape(len(rows), -1)[-1, 0])
        columns[column][history + step] = forecasts[step]
    if return_quantiles:
        bands = np.asarray(bands)
        if not is_pandas:
            return bands
        return pd.DataFrame(bands, index=index[history:], columns=_levels(estimator))
    if not is_pandas:
        return forecasts
    return pd.Series(forecasts, index=index[history:], name=column)


def _levels(estimator):
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


def _median_position(estimator):
    """Where the median is among the quantiles ``estimator`` forecasts."""
    if _quantile_step(estimator) is None:
        raise ValueError(
            f"return_quantiles=True needs an estimator that forecasts quantiles; "
            f"{type(estimator).__name__} has no predict_quantiles. Fit "
            "LSTMRegressor(loss='quantile') (or make_lstm_forecaster(..., "
            "loss='quantile'))."
        )
    levels = _levels(estimator)
    if levels is None or 0.5 not in list(levels):
        raise ValueError(
            "return_quantiles=True feeds the median back, but the estimator's "
            f"quantile levels ({levels}) are unknown or lack 0.5."
        )
    return list(levels).index(0.5)


def _history_length(estimator, window):
    """How many of the latest rows each step passes to the model; None: all."""
    if window == "auto":
        get_params = getattr(estimator, "get_params", None)
        params = get_params(deep=True) if callable(get_params) else {}
        look_backs = [
            value
            for name, value in params.items()
            if name.rsplit("__", 1)[-1] == "look_back"
            and isinstance(value, Integral)
            and not isinstance(value, bool)
        ]
        return max(look_backs) if look_backs else None
    return window


def _future_labels(index, steps):
    """The ``steps`` labels that continue ``index`` (one look at ``index``)."""
    first = _next(index)
    if isinstance(index, pd.RangeIndex):
        return pd.RangeIndex(first, first + steps * index.step, index.step, name=index.name)
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(first, periods=steps, freq=index.freq, name=index.name)
    if isinstance(index, (pd.DatetimeIndex, pd.TimedeltaIndex)):
        freq = index.freq if index.freq is not None else type(index)(index, freq="infer").freq
        make = pd.date_range if isinstance(index, pd.DatetimeIndex) else pd.timedelta_range
        return make(first, periods=steps, freq=freq, name=index.name)
    # an integer index (next_label knows no other kind): one step is +1
    return pd.Index(first + np.arange(steps), dtype=index.dtype, name=index.name)


def _future_values(future, others, steps):
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
        values = future[others].to_numpy(dtype=float)
    else:
        values = np.asarray(future, dtype=float).reshape(len(future), -1)
    if values.shape != (steps, len(others)):
        raise ValueError(
            f"future must have {steps} rows (one per step) and {len(others)} "
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
