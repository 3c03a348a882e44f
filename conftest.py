"""pytest set-up for the doctests under sklstm/ (tests/ has its own conftest).

``theta_forecast``'s example needs statsforecast, which is not in the ``test``
extra (it pins pandas<3): without it, that module's doctest is not collected
when pytest looks for tests (a path named on the command line is collected
anyway). CI installs the ``benchmark`` extra and then runs it, failing on any
skip (.ci/run).
"""

import importlib.util

collect_ignore = []
if importlib.util.find_spec("statsforecast") is None:
    collect_ignore.append("sklstm/_forecasting/_statistical.py")
