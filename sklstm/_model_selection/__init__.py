"""Cross-validation for time series panels (:class:`PanelSplit`)."""

from ._split import PanelSplit

__all__ = ["PanelSplit"]
