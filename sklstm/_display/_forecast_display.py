"""``ForecastDisplay``: the series with its train, test and future predictions."""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils import check_consistent_length
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    validate_params,
)

from .._timeindex import shift_index
from ._plotting import _LineDisplayMixin

_FACTORY_CONSTRAINTS = {
    "train_size": [
        Interval(Integral, 0, None, closed="left"),
        Interval(RealNotInt, 0, 1, closed="neither"),
        None,
    ],
    "horizon": [Interval(Integral, 0, None, closed="left")],
    "y_forecast": ["array-like", None],
    "name": [str, None],
}


class ForecastDisplay(_LineDisplayMixin):
    """Forecasts plotted against the series they forecast.

    Draws the observed series, the training and test predictions labelled
    with their RMSE, and forecasts beyond the data. Create it with
    :meth:`from_estimator` or :meth:`from_predictions`; all parameters are
    stored as attributes.

    Parameters
    ----------
    y_true, y_pred : pandas.Series or array-like of shape (n_samples,)
        The observed values and their predictions, matched by position and
        drawn at ``y_true``'s index: ``0, 1, ...`` for an array, the start of
        each period for a :class:`pandas.PeriodIndex`.
    train_size : int or None, default=None
        Number of leading predictions on the training data.
    y_forecast, name
        See :meth:`from_predictions`; ``y_forecast`` follows ``y_true``.

    Attributes
    ----------
    actual_line_ : matplotlib.lines.Line2D
        The observed series.
    train_line_, test_line_ : matplotlib.lines.Line2D or None
        Predictions on the training and on the test part (all predictions
        are the test part when ``train_size`` is None); None when empty.
    train_rmse_, test_rmse_ : float or None
        Root mean squared error of those predictions.
    forecast_line_ : matplotlib.lines.Line2D or None
        Forecasts beyond the data, when ``y_forecast`` was given.
    split_line_ : matplotlib.lines.Line2D or None
        Vertical line at the first test time, when there are both parts.
    ax_, figure_ : matplotlib.axes.Axes, matplotlib.figure.Figure
        The axes plotted on, and their figure.

    See Also
    --------
    LossCurveDisplay : The training loss curve of an LSTMRegressor.
    sklearn.metrics.PredictionErrorDisplay : Residuals against predictions.

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
        ax=None,
        *,
        name=None,
        actual_kwargs=None,
        train_kwargs=None,
        test_kwargs=None,
        forecast_kwargs=None,
    ):
        """Draw the series, the predictions and the forecasts.

        Parameters
        ----------
        ax : matplotlib.axes.Axes or None, default=None
            Axes to plot on; a new figure when None.
        name : str or None, default=None
            Model name for the legend; defaults to the ``name`` attribute.
        actual_kwargs, train_kwargs, test_kwargs, forecast_kwargs : dict or \
                None, default=None
            Keyword arguments for :meth:`matplotlib.axes.Axes.plot` of each
            line, overriding the defaults (e.g. ``label``).

        Returns
        -------
        display : ForecastDisplay
            This display, with the artists stored as attributes.
        """
        ax = self._axes(ax)
        name = self.name if name is None else name
        prefix = "" if name is None else f"{name} "
        y_true = _as_series(self.y_true, "y_true")
        y_pred = _as_series(self.y_pred, "y_pred").set_axis(y_true.index)
        y_forecast = _forecast_series(self.y_forecast, y_true.index)

        series_name = y_true.name if isinstance(y_true.name, str) else None
        default = {"color": "0.3", "label": series_name or "observed"}
        self.actual_line_ = self._line(ax, y_true, default, actual_kwargs)

        def prediction(rows, label, kwargs):
            if len(y_pred.iloc[rows]) == 0:
                return None, None
            errors = y_true.iloc[rows].to_numpy() - y_pred.iloc[rows].to_numpy()
            rmse = float(np.sqrt(np.mean(errors**2)))
            default = {"label": f"{prefix}{label} (RMSE {rmse:.2f})"}
            return self._line(ax, y_pred.iloc[rows], default, kwargs), rmse

        n_train = self.train_size or 0
        test_label = "prediction" if self.train_size is None else "test prediction"
        self.train_line_, self.train_rmse_ = prediction(
            slice(None, n_train), "train prediction", train_kwargs
        )
        self.test_line_, self.test_rmse_ = prediction(slice(n_train, None), test_label, test_kwargs)

        self.forecast_line_ = self.split_line_ = None
        if y_forecast is not None and len(y_forecast):
            label = f"{prefix}forecast ({len(y_forecast)} steps)"
            default = {"linestyle": "--", "marker": ".", "label": label}
            self.forecast_line_ = self._line(ax, y_forecast, default, forecast_kwargs)
        if self.train_line_ is not None and self.test_line_ is not None:
            first_test = self.test_line_.get_xdata()[0]
            style = {"color": "0.6", "linestyle": ":", "linewidth": 1}
            self.split_line_ = ax.axvline(first_test, **style)

        ax.set(xlabel=y_true.index.name or "time", ylabel=series_name or "value")
        ax.legend(loc="best")
        return self

    @classmethod
    @validate_params(
        {"estimator": [HasMethods("predict")], "y": ["array-like"]} | _FACTORY_CONSTRAINTS,
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
    ):
        """Predict ``X`` with a fitted model and plot the predictions against ``y``.

        ``X`` and ``y`` are all the data, oldest first, as from
        :func:`~sklstm.to_supervised`; one call predicts every row one step
        ahead, the test part's lag windows filled with observed values.

        Parameters
        ----------
        estimator : estimator instance
            A fitted regressor or pipeline with a 1-D target, e.g. one ending
            in :class:`~sklstm.LSTMRegressor`.
        X : array-like or pandas.DataFrame of shape (n_samples, ...)
            Inputs. A DataFrame's index labels an array ``y``.
        y : array-like or pandas.Series of shape (n_samples,)
            Targets: ``y[t]`` lies ``horizon`` steps after row ``t`` of ``X``.
        train_size, horizon, y_forecast
            See :meth:`from_predictions`.
        name : str or None, default=None
            Model name for the legend; defaults to the estimator's class name
            (the last step's, for a pipeline).
        ax, **plot_kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : ForecastDisplay
            The display, plotted.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        y_pred = estimator.predict(X)
        final = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
        name = type(final).__name__ if name is None else name
        if isinstance(X, pd.DataFrame) and not isinstance(y, (pd.Series, pd.DataFrame)):
            y = _as_series(y, "y").set_axis(X.index)  # the time labels are X's
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
    ):
        """Plot predictions against the values they predict.

        Parameters
        ----------
        y_true, y_pred : array-like or pandas.Series of shape (n_samples,)
            Targets in time order and their predictions. ``y_true``'s index
            (positions, for an array) labels both.
        train_size : int, float or None, default=None
            Number (int) or fraction (float in (0, 1)) of the first samples
            on the training data. None draws one "prediction" line.
        horizon : int, default=1
            Time steps from each target's index label to the time it is for
            (as in :func:`~sklstm.to_supervised`), where it is drawn; 0 when
            ``y_true`` is indexed by the time it was observed.
        y_forecast : array-like or pandas.Series or None, default=None
            Forecasts beyond the data: a Series indexed by the time forecast,
            or values for the steps after the last target.
        name : str or None, default=None
            Model name, shown in the legend.
        ax, **plot_kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : ForecastDisplay
            The display, plotted.
        """
        y_true, y_pred = _as_series(y_true, "y_true"), _as_series(y_pred, "y_pred")
        check_consistent_length(y_true, y_pred)
        if len(y_true) == 0:
            raise ValueError("y_true is empty: there is nothing to plot.")
        if isinstance(train_size, RealNotInt):
            train_size = len(y_true) * train_size
        elif train_size is not None and train_size > len(y_true):
            raise ValueError(
                f"train_size={train_size} is more than the {len(y_true)} samples; "
                "pass at most that many, or a fraction in (0, 1)."
            )
        index = shift_index(y_true.index, int(horizon))  # the times forecast
        return cls(
            y_true=y_true.set_axis(index),
            y_pred=y_pred.set_axis(index).rename("prediction"),  # matched by position
            train_size=None if train_size is None else int(train_size),
            y_forecast=_forecast_series(y_forecast, index),
            name=name,
        ).plot(ax=ax, **plot_kwargs)


def _as_series(values, name):
    """``values`` as a 1-D float Series (indexed by position unless it has one)."""
    if isinstance(values, pd.DataFrame) and values.shape[1] == 1:
        values = values.iloc[:, 0]
    if isinstance(values, pd.Series):
        return values.astype(np.float64)
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D (one value per time step); got shape {array.shape}. "
            f"Plot one output column at a time, e.g. {name}[:, 0]."
        )
    return pd.Series(array)


def _forecast_series(y_forecast, index):
    """Forecasts as a Series; bare values go to the steps after ``index``."""
    if y_forecast is None or isinstance(y_forecast, pd.Series):
        return None if y_forecast is None else y_forecast.astype(np.float64)
    values = _as_series(y_forecast, "y_forecast").to_numpy()
    after = [shift_index(index, step)[-1] for step in range(1, len(values) + 1)]
    return pd.Series(values, index=pd.Index(after, dtype=index.dtype, name=index.name))
