"""Transformers that turn a series into what a recurrent network reads.

Lag windows (:class:`LagFeaturizer`), windows relative to their current
value (:class:`RelativeWindows`), calendar inputs (:class:`CalendarFeatures`)
and the 3-D reshape (:class:`SequenceReshaper`). None of them imports Keras.
"""

from ._calendar import CalendarFeatures
from ._lag import LagFeaturizer
from ._relative import RelativeWindows
from ._reshape import SequenceReshaper

__all__ = ["CalendarFeatures", "LagFeaturizer", "RelativeWindows", "SequenceReshaper"]
