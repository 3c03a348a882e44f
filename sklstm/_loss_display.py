"""``LossCurveDisplay``: the loss of each training epoch, from ``history_``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.lines import Line2D

from ._plotting import _axes, _check_matplotlib


def _find_history(estimator: Any, depth: int = 0) -> tuple[dict, Any]:
    """The ``history_`` of the LSTMRegressor in (or behind) ``estimator``."""
    if hasattr(estimator, "history_"):
        return estimator.history_, estimator
    if depth < 5:
        inner = []
        if hasattr(estimator, "steps"):  # Pipeline: the last step predicts
            inner.append(estimator.steps[-1][1])
        for attribute in ("best_estimator_", "regressor_", "estimator_"):
            if hasattr(estimator, attribute):
                inner.append(getattr(estimator, attribute))
        for candidate in inner:
            try:
                return _find_history(candidate, depth + 1)
            except (TypeError, ValueError):
                continue
    raise ValueError(
        f"{type(estimator).__name__} has no training history: pass a fitted "
        "LSTMRegressor, or a fitted Pipeline (or search) whose final step is one. "
        "Call fit first if it is not fitted."
    )


class LossCurveDisplay:
    """The loss of each training epoch, and the validation loss when there is one.

    Plots an :class:`~sklstm.LSTMRegressor`'s ``history_["loss"]`` and, when
    present, ``history_["val_loss"]`` against the epoch. Create it with
    :meth:`from_estimator` (a regressor, or a pipeline or search ending in
    one) or :meth:`from_history`.

    Parameters
    ----------
    loss : array-like of shape (n_epochs,)
        Training loss per epoch.
    val_loss : array-like of shape (n_epochs,) or None, default=None
        Validation loss per epoch.
    name : str or None, default=None
        Name shown in the title, e.g. the loss function.

    Attributes
    ----------
    loss_line_ : matplotlib.lines.Line2D
        The training loss curve.
    val_loss_line_ : matplotlib.lines.Line2D or None
        The validation loss curve, when ``val_loss`` was given.
    ax_ : matplotlib.axes.Axes
        The axes plotted on.
    figure_ : matplotlib.figure.Figure
        The figure holding ``ax_``.

    See Also
    --------
    ForecastDisplay : Forecasts against the series.
    sklearn.model_selection.LearningCurveDisplay : Scores against training
        set size, a different curve.

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
    >>> display.ax_.get_yscale()
    'log'
    """

    def __init__(
        self,
        *,
        loss: Any,
        val_loss: Any = None,
        name: str | None = None,
    ) -> None:
        self.loss = loss
        self.val_loss = val_loss
        self.name = name

    def plot(
        self,
        ax: Axes | None = None,
        *,
        log_scale: bool = False,
        loss_kwargs: dict | None = None,
        val_loss_kwargs: dict | None = None,
    ) -> LossCurveDisplay:
        """Draw the loss curves.

        Parameters
        ----------
        ax : matplotlib.axes.Axes or None, default=None
            Axes to plot on; a new figure when None.
        log_scale : bool, default=False
            Use a logarithmic loss axis.
        loss_kwargs, val_loss_kwargs : dict or None, default=None
            Keyword arguments for :meth:`matplotlib.axes.Axes.plot` of the
            training and validation curves; they override the defaults.

        Returns
        -------
        display : LossCurveDisplay
            This display, with the artists stored as attributes.
        """
        _check_matplotlib(f"{type(self).__name__}.plot")
        ax = _axes(ax)
        loss = np.asarray(self.loss, dtype=np.float64)
        epochs = np.arange(1, len(loss) + 1)
        self.loss_line_: Line2D = ax.plot(
            epochs, loss, **{"label": "training loss", **(loss_kwargs or {})}
        )[0]
        self.val_loss_line_ = None
        if self.val_loss is not None:
            val_loss = np.asarray(self.val_loss, dtype=np.float64)
            best = int(np.nanargmin(val_loss))
            label = f"validation loss (best {val_loss[best]:.3g} at epoch {best + 1})"
            self.val_loss_line_ = ax.plot(
                np.arange(1, len(val_loss) + 1),
                val_loss,
                **{"label": label, **(val_loss_kwargs or {})},
            )[0]
        if log_scale:
            ax.set_yscale("log")
        ax.set(xlabel="epoch", ylabel="loss" if self.name is None else f"loss ({self.name})")
        ax.legend(loc="best")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_history(
        cls,
        history: dict,
        *,
        name: str | None = None,
        ax: Axes | None = None,
        log_scale: bool = False,
        **plot_kwargs: Any,
    ) -> LossCurveDisplay:
        """Plot the curves of a history dict (``{"loss": [...], "val_loss": [...]}``).

        Parameters
        ----------
        history : dict of str to list of float
            Per-epoch metrics with a ``"loss"`` key, e.g. an LSTMRegressor's
            ``history_`` or a Keras ``History.history``.
        name : str or None, default=None
            Name of the loss, shown in the axis label.
        ax : matplotlib.axes.Axes or None, default=None
            Axes to plot on; a new figure when None.
        log_scale : bool, default=False
            Use a logarithmic loss axis.
        **plot_kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : LossCurveDisplay
            The display, plotted.
        """
        _check_matplotlib(f"{cls.__name__}.from_history")
        if not hasattr(history, "get") or history.get("loss") is None:
            raise ValueError(
                "history must be a dict with a 'loss' list (one value per epoch), "
                f"such as LSTMRegressor.history_; got {type(history).__name__}"
                + (f" with keys {sorted(history)}." if hasattr(history, "keys") else ".")
            )
        return cls(
            loss=list(history["loss"]), val_loss=history.get("val_loss"), name=name
        ).plot(ax=ax, log_scale=log_scale, **plot_kwargs)

    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        *,
        ax: Axes | None = None,
        log_scale: bool = False,
        **plot_kwargs: Any,
    ) -> LossCurveDisplay:
        """Plot the training history of a fitted LSTMRegressor.

        Parameters
        ----------
        estimator : estimator instance
            A fitted :class:`~sklstm.LSTMRegressor`, or a fitted pipeline,
            search (``best_estimator_``) or
            :class:`~sklearn.compose.TransformedTargetRegressor` ending in one.
        ax : matplotlib.axes.Axes or None, default=None
            Axes to plot on; a new figure when None.
        log_scale : bool, default=False
            Use a logarithmic loss axis.
        **plot_kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : LossCurveDisplay
            The display, plotted.
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        history, regressor = _find_history(estimator)
        name = getattr(regressor, "loss", None)
        return cls.from_history(
            history,
            name=name if isinstance(name, str) else None,
            ax=ax,
            log_scale=log_scale,
            **plot_kwargs,
        )
