"""A statistical forecast to set beside (or combine with) a network's: the theta method."""

import warnings
from collections.abc import Hashable
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import Hidden, StrOptions, validate_params

from .._validation import StrictInterval
from ._forecast import _forecast_index, _observed

MIN_LENGTH = 5  # statsforecast's Theta refuses shorter series ("tiny datasets")
# statsforecast's Theta costs time quadratic in the history (10,000 values
# about 2 s, 100,000 about 4 minutes): the default reads the latest values.
MAX_HISTORY = 10_000
# Its sums of squares overflow float64 from about 1e154 (it then raises a bare
# Exception): larger series are fitted scaled down (theta is scale-equivariant).
LARGE = 1e100
# The default of season_length, the old name of seasonal_period, until its removal.
_DEPRECATED = "deprecated"


@validate_params(
    {
        "data": ["array-like"],
        "steps": [StrictInterval(Integral, 1, None, closed="left")],
        "seasonal_period": [StrictInterval(Integral, 1, None, closed="left")],
        "target": [Hashable, None],
        "max_history": [StrictInterval(Integral, MIN_LENGTH, None, closed="left"), None],
        "season_length": [
            StrictInterval(Integral, 1, None, closed="left"),
            Hidden(StrOptions({_DEPRECATED})),
        ],
    },
    prefer_skip_nested_validation=True,
)
def theta_forecast(
    data: "pd.Series | pd.DataFrame | np.typing.ArrayLike",
    steps: int,
    *,
    seasonal_period: int = 1,
    target: object = None,
    max_history: "int | None" = MAX_HISTORY,
    season_length: "int | str" = _DEPRECATED,
) -> "pd.Series | np.ndarray":
    """Forecast the next ``steps`` values of each series with the theta method.

    The standard theta method (Assimakopoulos & Nikolopoulos, 2000), the
    best method of the M3 monthly table, as statsforecast implements it
    (``statsforecast.models.Theta``): a series that passes the 90%
    seasonality test at lag ``seasonal_period`` is seasonally adjusted by a
    classical multiplicative decomposition, extrapolated by simple
    exponential smoothing with half the slope of its linear trend, and
    reseasonalised. Each series of a panel gets its own fit. The forecasts
    are labelled as :func:`recursive_forecast` and :func:`direct_forecast`
    label theirs, so that :func:`combine_forecasts` can average them with a
    network's: on the M3 monthly series, 18 steps ahead, the average of a
    global LSTM and theta beat both (see "Global models" in the documentation).

    Needs statsforecast (``pip install "sklstm[stats]"``).

    Parameters
    ----------
    data : pandas.Series, pandas.DataFrame or array-like of shape (n_samples,) \
            or (n_samples, n_features)
        The observed series up to the last known time step, oldest first,
        without missing values. A DataFrame indexed by ``(series, time)`` is
        a panel (as for :func:`recursive_forecast`). Only the target column
        is used: the theta method is univariate.
    steps : int
        How many steps to forecast: the values 1 to ``steps`` steps after
        the end of each series (as in :func:`recursive_forecast`). A count,
        where :func:`~sklstm.to_supervised`'s ``horizon`` names which steps
        ahead a target lies.
    seasonal_period : int, default=1
        The season's length in time steps (12 for monthly data); 1: no
        seasonal adjustment. statsforecast calls it ``season_length``.
    target : label or int, default=None
        The column to forecast; not needed for a Series or a single column.
    max_history : int or None, default=10_000
        The most values of each series the method is fitted on: a longer
        series is fitted on its latest ``max_history`` values, with a
        ``UserWarning``. statsforecast's theta takes time quadratic in the
        length of the history (about 2 s for 10,000 values, 4 minutes for
        100,000). None fits the whole history, whatever it costs.
    season_length : int
        Deprecated alias of ``seasonal_period`` (sklstm's name everywhere
        else); used, when given, with a ``FutureWarning``. It will be removed
        in a later release.

    Returns
    -------
    forecast : pandas.Series of shape (n_series * steps,) or ndarray of shape (steps,)
        The forecasts (an ndarray for array input). A Series is indexed by
        the labels that continue the index of ``data`` (for a panel,
        ``steps`` rows per series indexed by ``(series, time)``, the series in
        order of first appearance) and named after the target column.

    Raises
    ------
    ImportError
        If statsforecast is not installed.
    ValueError
        If a series has missing or infinite values, fewer than 5 values, or
        forecasts beyond the range of float64.

    Notes
    -----
    The method is scale-equivariant: a series with values beyond ``1e100``
    is fitted divided by its largest absolute value and its forecasts
    multiplied back, since statsforecast's sums of squares overflow float64
    from about ``1e154``.

    See Also
    --------
    combine_forecasts : Average forecasts label by label.
    direct_forecast : A multi-horizon model's forecasts, labelled the same way.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklstm import theta_forecast
    >>> months = pd.period_range("2020-01", periods=36, freq="M")
    >>> series = pd.Series(100 + 2.0 * np.arange(36), index=months, name="sales")
    >>> theta_forecast(series, 3, seasonal_period=12).round(1)  # half the trend's slope
    2023-01    171.0
    2023-02    172.0
    2023-03    173.0
    Freq: M, Name: sales, dtype: float64
    """
    if not (isinstance(season_length, str) and season_length == _DEPRECATED):
        warnings.warn(
            "theta_forecast's season_length was renamed to seasonal_period (sklstm's "
            "name everywhere else) and will be removed in a later release; "
            f"season_length={season_length!r} is used now. Pass "
            f"seasonal_period={season_length!r} instead.",
            FutureWarning,
            stacklevel=3,  # the caller of validate_params' wrapper
        )
        seasonal_period = season_length
    theta = _theta_class()
    frame, is_pandas, column, series = _observed(data, target)
    values = frame[column].to_numpy(dtype=float)
    index = _forecast_index(frame.index, series, steps)  # refuse a bad index before fitting
    forecasts = np.empty((len(series), steps))
    cut = []
    for number, (key, rows, _) in enumerate(series):
        history = values if rows is None else values[rows]
        name = "data" if rows is None else f"series {key!r}"
        if not np.isfinite(history).all():
            raise ValueError(
                f"{name} has missing or infinite values; the theta method needs a "
                "complete series (fill or drop them first)."
            )
        if len(history) < MIN_LENGTH:
            raise ValueError(
                f"{name} has {len(history)} values; the theta method needs at least {MIN_LENGTH}."
            )
        if max_history is not None and len(history) > max_history:
            cut.append((name, len(history)))
            history = history[-max_history:]
        forecasts[number] = _theta(theta, history, seasonal_period, steps, name)
    if cut:
        warnings.warn(
            f"{len(cut)} series are longer than max_history={max_history} (first: "
            f"{cut[0][0]}, {cut[0][1]} values) and were fitted on their latest "
            f"{max_history} values only: the theta method's cost grows with the "
            "square of the history. Pass max_history=None to fit the whole history.",
            UserWarning,
            stacklevel=3,  # the caller of validate_params' wrapper
        )
    if not is_pandas:
        return forecasts[0]
    return pd.Series(forecasts.ravel(), index=index, name=column)


def _theta(theta, history, seasonal_period, steps, name):
    """The theta forecast of one series, fitted scaled down if its values are huge."""
    scale = np.abs(history).max()
    scale = scale if scale > LARGE else 1.0
    fitted = theta(season_length=seasonal_period).fit(history / scale)
    with np.errstate(over="ignore"):  # told below
        forecast = fitted.predict(h=steps)["mean"] * scale
    if not np.isfinite(forecast).all():
        raise ValueError(
            f"The theta forecast of {name} goes beyond the range of float64 (its "
            f"values reach {np.abs(history).max():.3g}); rescale the series first "
            "(e.g. divide it by a power of ten) and multiply the forecast back."
        )
    return forecast


def _theta_class():
    try:
        from statsforecast.models import Theta
    except ImportError as error:
        raise ImportError(
            'theta_forecast needs statsforecast: pip install "sklstm[stats]" '
            "(or pip install statsforecast)."
        ) from error
    return Theta
