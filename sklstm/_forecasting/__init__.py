"""Forecasting: from a series to a supervised set, models of change, the recipe.

:func:`to_supervised` pairs inputs with future targets (one series or a
panel, whose table :func:`read_parquet_panel` reads from Parquet),
:class:`ChangeRegressor` learns the change from the last value (the season
taken out by :class:`SeasonalIndices` or :class:`SeasonalChanges`),
:func:`make_lstm_forecaster` assembles the recommended pipeline and
:func:`recursive_forecast` (a one-step model) and :func:`direct_forecast`
(a multi-horizon one) continue a series beyond its end;
:func:`average_seeds` (a :class:`SeedEnsemble`) averages seeds, and
:func:`combine_forecasts` averages a network's forecast with a statistical
one such as :func:`theta_forecast`.
"""

from ._change import ChangeRegressor
from ._combine import combine_forecasts
from ._forecast import direct_forecast, recursive_forecast
from ._parquet import read_parquet_panel
from ._recipe import average_seeds, make_lstm_forecaster
from ._season import SeasonalChanges, SeasonalIndices
from ._statistical import theta_forecast
from ._supervised import to_supervised

__all__ = [
    "ChangeRegressor",
    "SeasonalChanges",
    "SeasonalIndices",
    "SeedEnsemble",
    "average_seeds",
    "combine_forecasts",
    "direct_forecast",
    "make_lstm_forecaster",
    "read_parquet_panel",
    "recursive_forecast",
    "theta_forecast",
    "to_supervised",
]


def __getattr__(name):
    # SeedEnsemble subclasses VotingRegressor: sklearn.ensemble would add a
    # tenth of a second to ``import sklstm``, so it is imported when first used.
    if name == "SeedEnsemble":
        from ._ensemble import SeedEnsemble

        return SeedEnsemble
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
