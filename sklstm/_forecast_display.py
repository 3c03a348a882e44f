"""``ForecastDisplay``: the series with its train, test and future predictions."""

from __future__ import annotations

from numbers import Integral
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import HasMethods, Interval, RealNotInt, validate_params

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

from ._plotting import _axes, _check_matplotlib, _plot_line, _plot_x
from ._timeindex import shift_index

_FACTORY_CONSTRAINTS = {
    "train_size": [
        Interval(Integral, 0, None, closed="left"),
        Interval(RealNotInt, 0, 1, closed="neither"),
        None,
    ],
    "horizon": [Interval(Integral, 0, None, closed="left")],
    "y_forecast": ["array-like", None],
    "name": [str, None],
    "ax": "no_validation",
}


class ForecastDisplay:
    """Forecasts plotted against the series they forecast.

    Draws the observed series, the predictions on the training and the test
    part, each labelled with its RMSE, and optionally forecasts beyond the
    end of the data. Create it with :meth:`from_estimator` or
    :meth:`from_predictions`, which compute what to draw and call
    :meth:`plot`; all parameters are stored as attributes.

    Parameters
    ----------
    y_true : pandas.Series or array-like of shape (n_samples,)
        The observed values, indexed by the time they were observed (an
        array is placed at positions ``0, 1, ...``).
    y_pred : pandas.Series or array-like of shape (n_samples,)
        The predictions of ``y_true``, matched to it by position and drawn at
        ``y_true``'s index.
    train_size : int or None, default=None
        The first ``train_size`` predictions are on the training data, the
        rest on the test data. None draws all as one "prediction" line.
    y_forecast : pandas.Series, array-like or None, default=None
        Forecasts beyond the data: a Series indexed by the time they
        forecast, or values for the steps after the last of ``y_true``.
    name : str or None, default=None
        Name of the model, shown in the legend.

    Attributes
    ----------
    actual_line_ : matplotlib.lines.Line2D
        The observed series.
    train_line_ : matplotlib.lines.Line2D or None
        Predictions on the training part; None without a training part.
    test_line_ : matplotlib.lines.Line2D or None
        Predictions on the test part (all predictions when ``train_size`` is
        None); None when every prediction is on the training part.
    forecast_line_ : matplotlib.lines.Line2D or None
        Forecasts beyond the data, when ``y_forecast`` was given.
    split_line_ : matplotlib.lines.Line2D or None
        Vertical line at the first test time, when there are both parts.
    train_rmse_ : float or None
        Root mean squared error of the training predictions.
    test_rmse_ : float or None
        Root mean squared error of the test (or all) predictions.
    ax_ : matplotlib.axes.Axes
        The axes plotted on.
    figure_ : matplotlib.figure.Figure
        The figure holding ``ax_``.

    See Also
    --------
    LossCurveDisplay : The training loss curve of an LSTMRegressor.
    sklearn.metrics.PredictionErrorDisplay : Residuals against predictions.

    Notes
    -----
    A :class:`pandas.PeriodIndex` is drawn at the start of each period
    (``index.to_timestamp()``), since matplotlib cannot place periods.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import ForecastDisplay
    >>> y_true = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    >>> y_pred = np.array([1.5, 2.0, 2.5, 4.5, 5.0, 5.5])
    >>> display = ForecastDisplay.from_predictions(
    ...     y_true, y_pred, train_size=4, horizon=0, y_forecast=[6.5, 7.0]
    ... )
    >>> display.train_line_.get_label()
    'train prediction (RMSE 0.43)'
    >>> display.forecast_line_.get_xydata().tolist()
    [[6.0, 6.5], [7.0, 7.0]]
    """

    def __init__(self, *, y_true, y_pred, train_size=None, y_forecast=None, name=None):
        self.y_true = y_true
        self.y_pred = y_pred
        self.train_size = train_size
        self.y_forecast = y_forecast
        self.name = name

    def plot(
        self,
        ax: Axes | None = None,
        *,
        name: str | None = None,
        actual_kwargs: dict | None = None,
        train_kwargs: dict | None = None,
        test_kwargs: dict | None = None,
        forecast_kwargs: dict | None = None,
    ) -> ForecastDisplay:
        """Draw the series, the predictions and the forecasts.

        Parameters
        ----------
        ax : matplotlib.axes.Axes or None, default=None
            Axes to plot on; a new figure when None.
        name : str or None, default=None
            Model name for the legend; defaults to the ``name`` attribute.
        actual_kwargs, train_kwargs, test_kwargs, forecast_kwargs : dict or \
                None, default=None
            Keyword arguments for :meth:`matplotlib.axes.Axes.plot` of the
            observed series, the training predictions, the test predictions
            and the forecasts; they override the defaults (e.g. ``label``).

        Returns
        -------
        display : ForecastDisplay
            This display, with the artists stored as attributes.
        """
        _check_matplotlib(f"{type(self).__name__}.plot")
        from sklearn.metrics import root_mean_squared_error

        ax = _axes(ax)
        name = self.name if name is None else name
        prefix = "" if name is None else f"{name} "
        y_true = _as_series(self.y_true, "y_true")
        y_pred = _as_series(self.y_pred, "y_pred", index=y_true.index)
        y_forecast = _forecast_series(self.y_forecast, y_true.index)
        n_train = self.train_size

        series_name = y_true.name if isinstance(y_true.name, str) else None
        default = {"color": "0.3", "label": series_name or "observed"}
        self.actual_line_ = _plot_line(ax, y_true, default, actual_kwargs)

        def prediction(part, label, kwargs):
            pred = y_pred.iloc[part]
            if len(pred) == 0:
                return None, None
            rmse = float(root_mean_squared_error(y_true.iloc[part], pred))
            default = {"label": f"{prefix}{label} (RMSE {rmse:.2f})"}
            return _plot_line(ax, pred, default, kwargs), rmse

        if n_train is None:
            self.train_line_, self.train_rmse_ = None, None
            self.test_line_, self.test_rmse_ = prediction(
                slice(None), "prediction", test_kwargs
            )
        else:
            self.train_line_, self.train_rmse_ = prediction(
                slice(None, n_train), "train prediction", train_kwargs
            )
            self.test_line_, self.test_rmse_ = prediction(
                slice(n_train, None), "test prediction", test_kwargs
            )

        self.forecast_line_ = None
        if y_forecast is not None and len(y_forecast):
            default = {
                "linestyle": "--",
                "marker": ".",
                "label": f"{prefix}forecast ({len(y_forecast)} steps)",
            }
            self.forecast_line_ = _plot_line(ax, y_forecast, default, forecast_kwargs)

        self.split_line_ = None
        if n_train is not None and 0 < n_train < len(y_pred):
            first_test = _plot_x(y_pred.index[n_train : n_train + 1])[0]
            self.split_line_ = ax.axvline(first_test, color="0.6", linestyle=":", linewidth=1)

        ax.set(xlabel=y_true.index.name or "time", ylabel=series_name or "value")
        ax.legend(loc="best")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    @validate_params(
        {"estimator": [HasMethods("predict")], "X": "no_validation", "y": ["array-like"]}
        | _FACTORY_CONSTRAINTS,
        prefer_skip_nested_validation=False,  # the estimator validates its own
    )
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        train_size=None,
        horizon=1,
        y_forecast=None,
        name=None,
        ax=None,
        **plot_kwargs,
    ) -> ForecastDisplay:
        """Predict ``X`` with a fitted model and plot the predictions against ``y``.

        ``X`` and ``y`` are the whole data in time order, as
        :func:`~sklstm.to_supervised` gives them: the training part first,
        then the test part. All of ``X`` is predicted in one call, so that a
        lag window at the start of the test part is filled with the observed
        values before it (one-step-ahead forecasts).

        Parameters
        ----------
        estimator : estimator instance
            A fitted regressor or pipeline, e.g. one ending in
            :class:`~sklstm.LSTMRegressor`, with a 1-D target.
        X : array-like or pandas.DataFrame of shape (n_samples, n_features)
            Inputs, oldest first. When ``y`` is an array, a DataFrame's index
            gives the time labels.
        y : array-like or pandas.Series of shape (n_samples,)
            Targets: ``y[t]`` is the value ``horizon`` steps after row ``t``
            of ``X``.
        train_size, horizon, y_forecast, ax, **plot_kwargs
            As in :meth:`from_predictions`.
        name : str or None, default=None
            Model name for the legend; defaults to the estimator's class name
            (the last step's, for a pipeline).

        Returns
        -------
        display : ForecastDisplay
            The display, plotted.
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        y_pred = estimator.predict(X)
        if name is None:
            final = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
            name = type(final).__name__
        if isinstance(X, pd.DataFrame) and not isinstance(y, (pd.Series, pd.DataFrame)):
            y = _as_series(y, "y", index=X.index)  # the time labels are X's
        return cls.from_predictions(
            y,
            y_pred,
            train_size=train_size,
            horizon=horizon,
            y_forecast=y_forecast,
            name=name,
            ax=ax,
            **plot_kwargs,
        )

    @classmethod
    @validate_params(
        {"y_true": ["array-like"], "y_pred": ["array-like"]} | _FACTORY_CONSTRAINTS,
        prefer_skip_nested_validation=True,
    )
    def from_predictions(
        cls,
        y_true,
        y_pred,
        *,
        train_size=None,
        horizon=1,
        y_forecast=None,
        name=None,
        ax=None,
        **plot_kwargs,
    ) -> ForecastDisplay:
        """Plot predictions against the values they predict.

        Parameters
        ----------
        y_true : array-like or pandas.Series of shape (n_samples,)
            Targets in time order. A Series keeps its index (e.g. the
            PeriodIndex of :func:`~sklstm.datasets.load_airline`); an array
            is indexed by position.
        y_pred : array-like or pandas.Series of shape (n_samples,)
            Predictions of ``y_true``, in the same order.
        train_size : int, float or None, default=None
            Number (int) or fraction (float in (0, 1)) of the first samples
            on the training data. None draws one "prediction" line.
        horizon : int, default=1
            How many time steps after its index label each target lies (the
            ``horizon`` given to :func:`~sklstm.to_supervised`); everything
            is drawn at the time it forecasts. Use 0 when ``y_true`` is
            indexed by the time it was observed.
        y_forecast : array-like or pandas.Series or None, default=None
            Forecasts beyond the data: a Series indexed by the time forecast
            (drawn as it is), or values for the steps that follow the last
            target.
        name : str or None, default=None
            Model name for the legend.
        ax : matplotlib.axes.Axes or None, default=None
            Axes to plot on; a new figure when None.
        **plot_kwargs
            Passed to :meth:`plot` (``actual_kwargs``, ``train_kwargs``, ...).

        Returns
        -------
        display : ForecastDisplay
            The display, plotted.
        """
        _check_matplotlib(f"{cls.__name__}.from_predictions")
        y_true = _as_series(y_true, "y_true")
        y_pred = _as_series(y_pred, "y_pred")  # matched to y_true by position
        if len(y_pred) != len(y_true):
            raise ValueError(
                f"y_true and y_pred must have the same length; got {len(y_true)} "
                f"and {len(y_pred)}."
            )
        if len(y_true) == 0:
            raise ValueError("y_true is empty: there is nothing to plot.")
        if isinstance(train_size, Integral) and train_size > len(y_true):
            raise ValueError(
                f"train_size={train_size} is more than the {len(y_true)} samples; "
                "pass at most that many, or a fraction in (0, 1)."
            )
        if train_size is not None and not isinstance(train_size, Integral):
            train_size = len(y_true) * train_size  # a fraction
        # Everything goes to the time it forecasts.
        index = shift_index(y_true.index, int(horizon))
        return cls(
            y_true=pd.Series(y_true.to_numpy(), index=index, name=y_true.name),
            y_pred=pd.Series(y_pred.to_numpy(), index=index, name="prediction"),
            train_size=None if train_size is None else int(train_size),
            y_forecast=_forecast_series(y_forecast, index),
            name=name,
        ).plot(ax=ax, **plot_kwargs)


def _as_series(values: Any, name: str, index: pd.Index | None = None) -> pd.Series:
    """A 1-D float Series; ``index`` is used when ``values`` has none of its own."""
    if isinstance(values, pd.DataFrame) and values.shape[1] == 1:
        values = values.iloc[:, 0]
    if isinstance(values, pd.Series):
        return values.astype(np.float64)
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D (one value per time step); got shape "
            f"{np.shape(values)}. Plot one output column at a time, e.g. "
            f"{name}[:, 0]."
        )
    return pd.Series(array, index=pd.RangeIndex(len(array)) if index is None else index)


def _forecast_series(y_forecast: Any, index: pd.Index) -> pd.Series | None:
    """Forecasts as a Series; values are placed at the steps after ``index``."""
    if y_forecast is None:
        return None
    if isinstance(y_forecast, pd.Series):
        return y_forecast.astype(np.float64)
    values = _as_series(y_forecast, "y_forecast").to_numpy()
    after = [shift_index(index, step)[-1] for step in range(1, len(values) + 1)]
    return pd.Series(values, index=pd.Index(after, dtype=index.dtype, name=index.name))
