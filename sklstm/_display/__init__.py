"""scikit-learn style displays: :class:`ForecastDisplay`, :class:`LossCurveDisplay`."""

from ._forecast_display import ForecastDisplay
from ._loss_display import LossCurveDisplay

__all__ = ["ForecastDisplay", "LossCurveDisplay"]
