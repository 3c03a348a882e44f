"""Seasonal strategies of :class:`~sklstm.ChangeRegressor` (``season=``), one module each."""

from ._changes import SeasonalChanges
from ._indices import SeasonalIndices

__all__ = ["SeasonalChanges", "SeasonalIndices"]
