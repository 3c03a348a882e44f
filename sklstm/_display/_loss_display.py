"""``LossCurveDisplay``: the loss of each training epoch, from ``loss_curve_``."""

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import HasMethods, validate_params

from .._neural._regressor import LSTMRegressor
from ._plotting import _LineDisplayMixin


class LossCurveDisplay(_LineDisplayMixin):
    """The loss of each training epoch, and the validation loss when there is one.

    Create it with :meth:`from_estimator` (an :class:`~sklstm.LSTMRegressor`'s
    ``loss_curve_`` and ``validation_scores_``) or :meth:`from_history`; all
    parameters are stored as attributes.

    Parameters
    ----------
    loss : array-like of shape (n_epochs,)
        Training loss per epoch.
    val_loss : array-like of shape (n_epochs,) or None, default=None
        Validation loss per epoch.
    loss_name : str or None, default=None
        Name of the loss function (e.g. ``"squared_error"``), shown in the axis
        label.

    Attributes
    ----------
    loss_line_ : matplotlib.lines.Line2D
        The training loss curve.
    val_loss_line_ : matplotlib.lines.Line2D or None
        The validation loss curve, when ``val_loss`` was given.
    ax_, figure_ : matplotlib.axes.Axes, matplotlib.figure.Figure
        The axes plotted on, and their figure.

    See Also
    --------
    ForecastDisplay : Forecasts against the series.
    sklearn.model_selection.LearningCurveDisplay : Scores by training set size.

    Notes
    -----
    With ``scale_target=True`` (the default) an LSTMRegressor's loss is on
    the standardized target, so it does not have the target's units.

    Examples
    --------
    >>> from sklstm import LossCurveDisplay
    >>> history = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.2, 0.7, 0.6]}
    >>> display = LossCurveDisplay.from_history(history, log_scale=True)
    >>> display.loss_line_.get_ydata().tolist()
    [1.0, 0.5, 0.25]
    >>> display.val_loss_line_.get_label()
    'validation loss (best 0.6 at epoch 3)'
    >>> display.ax_.get_yscale()
    'log'
    """

    def __init__(self, *, loss, val_loss=None, loss_name=None):
        self.loss = loss
        self.val_loss = val_loss
        self.loss_name = loss_name

    def plot(self, ax=None, *, log_scale=False, loss_kwargs=None, val_loss_kwargs=None):
        """Draw the loss curves.

        Parameters
        ----------
        ax : matplotlib.axes.Axes or None, default=None
            Axes to plot on; a new figure when None.
        log_scale : bool, default=False
            Use a logarithmic loss axis.
        loss_kwargs, val_loss_kwargs : dict or None, default=None
            Keyword arguments for :meth:`matplotlib.axes.Axes.plot` of each
            curve, overriding the defaults.

        Returns
        -------
        display : LossCurveDisplay
            This display, with the artists stored as attributes.
        """
        ax = self._axes(ax)
        loss = _by_epoch(self.loss)
        self.loss_line_ = self._line(ax, loss, {"label": "training loss"}, loss_kwargs)
        self.val_loss_line_ = None
        if self.val_loss is not None:
            val_loss = _by_epoch(self.val_loss)
            finite = val_loss[np.isfinite(val_loss)]  # a diverged epoch is NaN
            label = "validation loss"
            if len(finite):
                label += f" (best {finite.min():.3g} at epoch {finite.idxmin()})"
            default = {"label": label}
            self.val_loss_line_ = self._line(ax, val_loss, default, val_loss_kwargs)
        if log_scale:
            ax.set_yscale("log")
        ylabel = "loss" if self.loss_name is None else f"loss ({self.loss_name})"
        ax.set(xlabel="epoch", ylabel=ylabel)
        ax.legend(loc="best")
        return self

    @classmethod
    @validate_params(
        {"history": [Mapping], "loss_name": [str, None], "log_scale": ["boolean"]},
        prefer_skip_nested_validation=True,
    )
    def from_history(cls, history, *, loss_name=None, ax=None, log_scale=False, **plot_kwargs):
        """Plot the curves of a history dict (``{"loss": [...], "val_loss": [...]}``).

        Parameters
        ----------
        history : dict of str to list of float
            Per-epoch metrics with a ``"loss"`` key and, optionally,
            ``"val_loss"``, e.g. a Keras ``History.history``.
        loss_name : str or None, default=None
            See :class:`LossCurveDisplay`.
        ax, log_scale, **plot_kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : LossCurveDisplay
            The display, plotted.
        """
        if history.get("loss") is None:
            raise ValueError(
                "history must have a 'loss' list (one value per epoch), as Keras's "
                f"History.history has; got keys {sorted(map(str, history))}."
            )
        return cls(
            loss=history["loss"], val_loss=history.get("val_loss"), loss_name=loss_name
        ).plot(ax=ax, log_scale=log_scale, **plot_kwargs)

    @classmethod
    @validate_params(
        {"estimator": [HasMethods("fit")], "log_scale": ["boolean"]},
        prefer_skip_nested_validation=True,
    )
    def from_estimator(cls, estimator, *, ax=None, log_scale=False, **plot_kwargs):
        """Plot the training history of a fitted LSTMRegressor.

        Parameters
        ----------
        estimator : estimator instance
            A fitted :class:`~sklstm.LSTMRegressor` (its ``loss``, when a
            string, names the loss; the validation loss is minus its
            ``validation_scores_``), or a fitted pipeline, search,
            :class:`~sklstm.ChangeRegressor` or
            :class:`~sklearn.compose.TransformedTargetRegressor` ending in one.
            Any other regressor with a ``loss_curve_`` (``MLPRegressor``) gets
            its training loss plotted; its validation scores are not losses.
        ax, log_scale, **plot_kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : LossCurveDisplay
            The display, plotted.
        """
        regressor = _with_history(estimator)
        if regressor is None:
            raise ValueError(
                f"{type(estimator).__name__} has no training history: pass a fitted "
                "LSTMRegressor, or a fitted Pipeline (or search) whose final step is "
                "one. Call fit first if it is not fitted."
            )
        loss = getattr(regressor, "loss", None)
        scores = getattr(regressor, "validation_scores_", None)
        if not isinstance(regressor, LSTMRegressor):  # MLPRegressor's are R2 scores
            scores = None
        return cls(
            loss=regressor.loss_curve_,
            val_loss=None if scores is None else [-score for score in scores],
            loss_name=loss if isinstance(loss, str) else None,
        ).plot(ax=ax, log_scale=log_scale, **plot_kwargs)


def _by_epoch(values):
    """``values`` as a float Series indexed by the epochs ``1, 2, ...``."""
    values = np.asarray(values, dtype=np.float64).ravel()
    return pd.Series(values, index=pd.RangeIndex(1, len(values) + 1))


def _with_history(estimator, depth=0):
    """The estimator with a ``loss_curve_`` in or behind ``estimator``, or None."""
    if hasattr(estimator, "loss_curve_"):
        return estimator
    inner = [estimator.steps[-1][1]] if hasattr(estimator, "steps") else []
    for name in ("best_estimator_", "regressor_", "estimator_"):  # search, wrappers
        inner.append(getattr(estimator, name, None))
    if depth < 5:  # no deeper than any real nesting
        found = (_with_history(each, depth + 1) for each in inner if each is not None)
        return next((each for each in found if each is not None), None)
    return None
