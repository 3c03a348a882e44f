"""Saving and loading fitted estimators without pickle: :func:`save_model`, :func:`load_model`.

One module per concern, each importing only those before it (and the
estimators it stores, never the reverse):

* :mod:`._archive`: the zip archive, read within bounds and written atomically;
* :mod:`._regressor_file`: a bare ``LSTMRegressor``'s file (its network's own
  format and checks are :mod:`sklstm._neural._format`'s);
* :mod:`._slots` and :mod:`._trust`: the stand-ins a composite's skops part
  holds, the allow-list, and the audit of a skops schema;
* :mod:`._composite`: any other estimator, through skops;
* :mod:`._api`: :func:`save_model` and :func:`load_model`;
* :mod:`._pretrained`: :func:`load_pretrained`, the networks shipped in
  ``pretrained/``, read through :func:`load_model`.
"""

from ._api import load_model, save_model
from ._pretrained import load_pretrained
from ._slots import NetworkSlot, TimeLabel  # files name them sklstm._persistence.<Name>

__all__ = ["NetworkSlot", "TimeLabel", "load_model", "load_pretrained", "save_model"]
