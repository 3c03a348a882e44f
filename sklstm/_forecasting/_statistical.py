"""A statistical forecast to set beside (or combine with) a network's: the theta method."""

from collections.abc import Hashable
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import validate_params

from ._forecast import _forecast_index, _observed
from .._validation import StrictInterval

MIN_LENGTH = 5  # statsforecast's Theta refuses shorter series ("tiny datasets")


@validate_params(
    {
        "data": ["array-like"],
        "steps": [StrictInterval(Integral, 1, None, closed="left")],
        "season_length": [StrictInterval(Integral, 1, None, closed="left")],
        "target": [Hashable, None],
    },
    prefer_skip_nested_validation=True,
)
def theta_forecast(
    data: "pd.Series | pd.DataFrame | np.typing.ArrayLike",
    steps: int,
    *,
    season_length: int = 1,
    target: object = None,
) -> "pd.Series | np.ndarray":
    """Forecast the next ``steps`` values of each series with the theta method.

    The standard theta method (Assimakopoulos & Nikolopoulos, 2000), the
    best method of the M3 monthly table, as statsforecast implements it
    (``statsforecast.models.Theta``): a series that passes the 90%
    seasonality test at lag ``season_length`` is seasonally adjusted by a
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
        How many steps ahead to forecast.
    season_length : int, default=1
        The season's length in time steps (12 for monthly data); 1: no
        seasonal adjustment.
    target : label or int, default=None
        The column to forecast; not needed for a Series or a single column.

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
    >>> theta_forecast(series, 3, season_length=12).round(1)  # half the trend's slope
    2023-01    171.0
    2023-02    172.0
    2023-03    173.0
    Freq: M, Name: sales, dtype: float64
    """
    theta = _theta_class()
    frame, is_pandas, column, series = _observed(data, target)
    values = frame[column].to_numpy(dtype=float)
    index = _forecast_index(frame.index, series, steps)  # refuse a bad index before fitting
    forecasts = np.empty((len(series), steps))
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
                f"{name} has {len(history)} values; the theta method needs at least "
                f"{MIN_LENGTH}."
            )
        fitted = theta(season_length=season_length).fit(history)
        forecasts[number] = fitted.predict(h=steps)["mean"]
    if not is_pandas:
        return forecasts[0]
    return pd.Series(forecasts.ravel(), index=index, name=column)


def _theta_class():
    try:
        from statsforecast.models import Theta
    except ImportError as error:
        raise ImportError(
            "theta_forecast needs statsforecast: pip install \"sklstm[stats]\" "
            "(or pip install statsforecast)."
        ) from error
    return Theta
