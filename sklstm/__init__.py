"""sklstm: LSTM time-series regression as scikit-learn estimators.

The data flows one way: a series -> :func:`to_supervised` -> a
:class:`~sklearn.pipeline.Pipeline` of a scaler, :class:`LagFeaturizer`,
:class:`SequenceReshaper` and :class:`LSTMRegressor` -> predictions;
:func:`recursive_forecast` continues a series beyond its end.
``import sklstm`` does not import TensorFlow; it loads the first time an
``LSTMRegressor`` is fitted or used.
"""

from ._calendar import CalendarFeatures
from ._change import ChangeRegressor
from ._forecast import recursive_forecast
from ._forecast_display import ForecastDisplay
from ._lag import LagFeaturizer
from ._loss_display import LossCurveDisplay
from ._persistence import load_model, save_model
from ._recipe import average_seeds, make_lstm_forecaster
from ._regressor import LSTMRegressor
from ._relative import RelativeWindows
from ._reshape import SequenceReshaper
from ._supervised import to_supervised

__all__ = [
    "CalendarFeatures",
    "ChangeRegressor",
    "ForecastDisplay",
    "LSTMRegressor",
    "LagFeaturizer",
    "LossCurveDisplay",
    "RelativeWindows",
    "SequenceReshaper",
    "average_seeds",
    "load_model",
    "make_lstm_forecaster",
    "recursive_forecast",
    "save_model",
    "to_supervised",
]
__version__ = "0.1.0"
