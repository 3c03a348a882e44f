"""sklstm: LSTM time-series regression as scikit-learn estimators.

The data flows one way: a series -> :func:`to_supervised` -> a
:class:`~sklearn.pipeline.Pipeline` of a scaler, :class:`LagFeaturizer`,
:class:`SequenceReshaper` and :class:`LSTMRegressor` -> predictions;
:func:`recursive_forecast` (or :func:`direct_forecast`) continues a series
beyond its end, and :func:`combine_forecasts` averages it with a statistical
forecast such as :func:`theta_forecast`.
``import sklstm`` does not import TensorFlow; it loads the first time an
``LSTMRegressor`` is fitted or used.
"""

# The package is grouped by concept, one private subpackage each (the public
# names are all here): _preprocessing (lags, relative windows, calendar,
# reshape), _neural (LSTMRegressor and the Keras backend), _forecasting
# (to_supervised, ChangeRegressor, the recipe, recursive forecasts),
# _model_selection (PanelSplit), _display, and _persistence (save/load).
from ._display import ForecastDisplay, LossCurveDisplay
from ._forecasting import (
    ChangeRegressor,
    SeasonalChanges,
    SeasonalIndices,
    average_seeds,
    combine_forecasts,
    direct_forecast,
    make_lstm_forecaster,
    read_parquet_panel,
    recursive_forecast,
    theta_forecast,
    to_supervised,
)
from ._model_selection import PanelSplit
from ._neural import LSTMRegressor, clear_traces
from ._persistence import load_model, load_pretrained, save_model
from ._preprocessing import CalendarFeatures, LagFeaturizer, RelativeWindows, SequenceReshaper

__all__ = [
    "CalendarFeatures",
    "ChangeRegressor",
    "ForecastDisplay",
    "LSTMRegressor",
    "LagFeaturizer",
    "LossCurveDisplay",
    "PanelSplit",
    "RelativeWindows",
    "SeasonalChanges",
    "SeasonalIndices",
    "SeedEnsemble",
    "SequenceReshaper",
    "average_seeds",
    "clear_traces",
    "combine_forecasts",
    "direct_forecast",
    "load_model",
    "load_pretrained",
    "make_lstm_forecaster",
    "read_parquet_panel",
    "recursive_forecast",
    "save_model",
    "theta_forecast",
    "to_supervised",
]
__version__ = "0.1.0"


def __getattr__(name):
    if name == "SeedEnsemble":  # imports sklearn.ensemble: only when used
        from ._forecasting import SeedEnsemble

        return SeedEnsemble
    if name == "datasets":  # the subpackage, as sklearn.datasets: sklstm.datasets.load_airline
        import importlib

        return importlib.import_module(".datasets", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
