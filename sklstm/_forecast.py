"""Forecast beyond the end of the data by feeding a one-step model its own predictions."""

import numbers

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ._supervised import _as_frame, _target_column
from ._timeindex import next_label


def recursive_forecast(
    estimator: object,
    data: "pd.Series | pd.DataFrame | np.typing.ArrayLike",
    steps: int,
    *,
    target: object = None,
    future: "pd.DataFrame | np.typing.ArrayLike | None" = None,
) -> "pd.Series | np.ndarray":
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

    Parameters
    ----------
    estimator : fitted regressor
        One-step-ahead model whose ``predict`` takes rows shaped like
        ``data`` and returns one value per row.
    data : pandas.Series, pandas.DataFrame or array-like of shape (n_samples,) \
            or (n_samples, n_features)
        The observed series up to the last known time step, oldest first,
        with the columns the estimator was fitted on. The whole of it is
        passed to ``estimator.predict`` at every step, so pass at least the
        history the model's lags need (passing more only costs time).
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

    Returns
    -------
    forecast : pandas.Series or ndarray of shape (steps,)
        The forecasts (an ndarray for array input). A Series is indexed by
        the labels that continue the index of ``data``: ``+1`` for a period
        or integer index, ``+freq`` for a regular datetime index. Any other
        index raises a ``ValueError``, because the rows appended for the
        model must be labelled; pass ``data.reset_index(drop=True)`` if the
        model does not use the index.

    See Also
    --------
    to_supervised : Build the one-step (or multi-step) training set.
    LagFeaturizer : Lags inside the pipeline, with history across folds.

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
    if not isinstance(steps, numbers.Integral) or isinstance(steps, bool) or steps < 1:
        raise ValueError(f"steps must be an int >= 1 (steps ahead); got {steps!r}.")
    frame, is_pandas = _as_frame(data)
    if len(frame) == 0:
        raise ValueError("data is empty; pass the observed series up to its last step.")
    column = _target_column(frame, target)
    others = [c for c in frame.columns if c != column]
    exogenous = _future_values(future, others, steps)

    forecasts = []
    for step in range(steps):
        prediction = np.asarray(estimator.predict(frame))
        if prediction.ndim == 2 and prediction.shape[1] > 1:
            raise ValueError(
                f"the estimator predicts {prediction.shape[1]} values per row (a "
                "direct multi-step model); its last row, estimator.predict(data)[-1], "
                "is already the multi-step forecast, no recursion needed."
            )
        forecasts.append(float(prediction.reshape(len(frame), -1)[-1, 0]))
        row = dict(zip(others, exogenous[step]))
        row[column] = forecasts[-1]
        frame = pd.concat(
            [frame, pd.DataFrame(row, index=[_next(frame.index)], columns=frame.columns)]
        )
    forecasts = np.asarray(forecasts)
    if not is_pandas:
        return forecasts
    return pd.Series(forecasts, index=frame.index[-steps:], name=column)


def _future_values(future, others, steps):
    if not others:
        if future is not None:
            raise ValueError("future is only used when data has exogenous columns.")
        return [()] * steps
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
    return [tuple(row) for row in values]


def _next(index):
    label = next_label(index)
    if label is None:
        raise ValueError(
            "cannot tell which label comes after the index of data; use a "
            "PeriodIndex, an integer index or a datetime index with a frequency."
        )
    return label
