"""Forecasting: from a series to a supervised set, models of change, the recipe.

:func:`to_supervised` pairs inputs with future targets (one series or a
panel), :class:`ChangeRegressor` learns the change from the last value,
:func:`make_lstm_forecaster` assembles the recommended pipeline and
:func:`recursive_forecast` continues a series beyond its end.
"""

from ._change import ChangeRegressor
from ._forecast import recursive_forecast
from ._recipe import average_seeds, make_lstm_forecaster
from ._supervised import to_supervised

__all__ = [
    "ChangeRegressor",
    "average_seeds",
    "make_lstm_forecaster",
    "recursive_forecast",
    "to_supervised",
]
