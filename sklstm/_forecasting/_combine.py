"""Average several forecasts of the same steps, label by label."""

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import validate_params

from .._validation import check_numeric


@validate_params(
    {"forecasts": [list, tuple], "weights": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def combine_forecasts(
    forecasts: "list[pd.Series | np.typing.ArrayLike]",
    weights: "np.typing.ArrayLike | None" = None,
) -> "pd.Series | np.ndarray":
    """The (weighted) mean of several forecasts of the same series and steps.

    Averaging a network's forecast with a statistical one is one of the most
    reliable gains in forecasting (the M competitions' combinations): on the
    M3 monthly series, 18 steps ahead, the mean of a global LSTM
    (:func:`direct_forecast`) and :func:`theta_forecast` beat both. The
    forecasts must cover the same labels: pandas Series are checked to have
    the same index, in the same order (as :func:`recursive_forecast`,
    :func:`direct_forecast` and :func:`theta_forecast` give for the same
    ``data`` and steps), so that no two different steps or series are ever
    averaged.

    Parameters
    ----------
    forecasts : list of pandas.Series or of array-like of shape (n_steps,)
        Two or more 1-D forecasts of numbers, all finite: either all Series
        or all arrays, of one length.
    weights : array-like of shape (n_forecasts,), default=None
        Non-negative weights of the forecasts, not all zero; ``None``: the
        plain mean.

    Returns
    -------
    forecast : pandas.Series or ndarray of shape (n_steps,)
        The combined forecast; a Series keeps the index of the forecasts and
        their name (``None`` if their names differ).

    See Also
    --------
    theta_forecast : The theta method's forecasts.
    direct_forecast : A multi-horizon model's forecasts.
    SeedEnsemble : Average fitted models (e.g. networks with different seeds).

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm import combine_forecasts
    >>> months = pd.period_range("2024-01", periods=2, freq="M")
    >>> lstm = pd.Series([10.0, 12.0], index=months)
    >>> theta = pd.Series([11.0, 11.0], index=months)
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
        raise ValueError(
            f"combine_forecasts needs two or more forecasts, in a list; got {len(forecasts)}."
        )
    for number, forecast in enumerate(forecasts):
        if isinstance(forecast, pd.DataFrame) or np.ndim(forecast) != 1:
            raise TypeError(
                f"forecast {number} is not 1-D (a {type(forecast).__name__} of shape "
                f"{np.shape(forecast)}); pass a list of 1-D forecasts, e.g. "
                "combine_forecasts([lstm, theta]). For a DataFrame with one column "
                "per method, pass list(frame[column] for column in frame)."
            )
        check_numeric(forecast, f"forecast {number}")
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
                    f"forecast {number} is not labelled like forecast 0 "
                    f"({_first_difference(first.index, other.index)}); forecast the "
                    "same data and steps with each method, or reindex one like the other."
                )
    lengths = [len(f) for f in forecasts]
    if len(set(lengths)) != 1:
        raise ValueError(f"the forecasts have different lengths: {lengths}.")
    values = np.stack([np.asarray(f, dtype=float) for f in forecasts])
    for number, row in enumerate(values):
        if not np.isfinite(row).all():
            where = int(np.flatnonzero(~np.isfinite(row))[0])
            label = first.index[where] if all(is_series) else where
            raise ValueError(
                f"forecast {number} has a missing or infinite value at {label!r}; "
                "combine complete forecasts (or leave that method out)."
            )
    if weights is None:
        weights = np.ones(len(forecasts))
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (len(forecasts),):
        raise ValueError(
            f"weights has shape {weights.shape}; give one weight per forecast ({len(forecasts)})."
        )
    if not np.isfinite(weights).all():
        raise ValueError(f"weights must be finite; got {weights.tolist()}.")
    if (weights < 0).any():
        raise ValueError(f"weights must be non-negative; got {weights.tolist()}.")
    if not weights.any():
        raise ValueError("weights are all zero; give at least one forecast a weight.")
    weights = weights / weights.max()  # no overflow in the sum
    combined = np.tensordot(weights / weights.sum(), values, axes=1)
    if all(is_series):
        names = {f.name for f in forecasts}
        return pd.Series(combined, index=first.index, name=first.name if len(names) == 1 else None)
    return combined


def _first_difference(expected, got):
    """Where ``got`` first differs from ``expected``, in words."""
    if len(expected) != len(got):
        return f"{len(got)} labels against {len(expected)}"
    where = next((i for i, (a, b) in enumerate(zip(expected, got)) if a != b), None)
    if where is None:
        return f"the same labels as {got.dtype}, not {expected.dtype}"
    return f"position {where} is {got[where]!r}, not {expected[where]!r}"
