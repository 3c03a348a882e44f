"""Average several forecasts of the same steps, label by label."""

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import validate_params


@validate_params(
    {"forecasts": ["array-like"], "weights": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def combine_forecasts(
    forecasts: "list[pd.Series | np.typing.ArrayLike]",
    weights: "np.typing.ArrayLike | None" = None,
) -> "pd.Series | np.ndarray":
    """The (weighted) mean of several forecasts of the same series and steps.

    Averaging a network's forecast with a statistical one is one of the most
    reliable gains in forecasting (the M competitions' combinations): on the
    M3 monthly series, the mean of a global LSTM (:func:`direct_forecast`)
    and :func:`theta_forecast` beat both. The forecasts must cover the same
    labels: pandas Series are checked to have the same index, in the same
    order (as :func:`recursive_forecast`, :func:`direct_forecast` and
    :func:`theta_forecast` give for the same ``data`` and steps), so that no
    two different steps or series are ever averaged.

    Parameters
    ----------
    forecasts : list of pandas.Series or array-like of shape (n_steps,)
        Two or more forecasts. Either all Series or all arrays, of one shape.
    weights : array-like of shape (n_forecasts,), default=None
        Non-negative weights of the forecasts, not all zero; ``None``: the
        plain mean.

    Returns
    -------
    forecast : pandas.Series or ndarray
        The combined forecast; a Series keeps the index and name of the first.

    See Also
    --------
    theta_forecast : The theta method's forecasts.
    direct_forecast : A multi-horizon model's forecasts.
    SeedEnsemble : Average fitted models (e.g. networks with different seeds).

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm import combine_forecasts
    >>> lstm = pd.Series([10.0, 12.0], index=pd.period_range("2024-01", periods=2, freq="M"))
    >>> theta = pd.Series([11.0, 11.0], index=lstm.index)
    >>> combine_forecasts([lstm, theta])
    2024-01    10.5
    2024-02    11.5
    Freq: M, dtype: float64
    >>> combine_forecasts([lstm, theta], weights=[3, 1])
    2024-01    10.25
    2024-02    11.75
    Freq: M, dtype: float64
    """
    forecasts = list(forecasts)
    if len(forecasts) < 2:
        raise ValueError(f"combine_forecasts needs two or more forecasts; got {len(forecasts)}.")
    is_series = [isinstance(f, pd.Series) for f in forecasts]
    if any(is_series) and not all(is_series):
        raise TypeError(
            "forecasts mixes pandas Series and arrays; pass all as Series (checked "
            "label by label) or all as arrays."
        )
    first = forecasts[0]
    if all(is_series):
        for number, other in enumerate(forecasts[1:], 1):
            if not other.index.equals(first.index):
                raise ValueError(
                    f"forecast {number} is not labelled like forecast 0 (different "
                    "series, steps or order); forecast the same data and steps with "
                    "each method, or reindex one like the other."
                )
    shapes = [np.shape(f) for f in forecasts]
    if len(set(shapes)) != 1:
        raise ValueError(f"the forecasts have different shapes: {shapes}.")
    values = np.stack([np.asarray(f, dtype=float) for f in forecasts])
    if weights is None:
        weights = np.ones(len(forecasts))
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (len(forecasts),):
        raise ValueError(
            f"weights has shape {weights.shape}; give one weight per forecast "
            f"({len(forecasts)})."
        )
    if not np.isfinite(weights).all() or (weights < 0).any() or weights.sum() == 0:
        raise ValueError(
            f"weights must be finite, non-negative and not all zero; got {weights.tolist()}."
        )
    combined = np.tensordot(weights / weights.sum(), values, axes=1)
    if all(is_series):
        return pd.Series(combined, index=first.index, name=first.name)
    return combined

