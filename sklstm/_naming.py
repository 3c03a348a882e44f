"""The column-naming schema of lags and horizons: how names are built and read.

The steps of a pipeline pass the time structure of their columns on through
the columns' names, so the schema lives here, once:

* a lag column is ``"<feature>_lag<k>"``, ``k`` steps back from the row's own
  time (``k = 0`` is the current value): :class:`~sklstm.LagFeaturizer`
  builds them, :class:`~sklstm.RelativeWindows` and
  :class:`~sklstm.SequenceReshaper` read them;
* a target column is ``"<name>_t+<h>"``, ``h`` steps ahead of the row:
  :func:`~sklstm.to_supervised` builds them, :class:`~sklstm.ChangeRegressor`
  reads the horizons back.

:func:`read_lag` also reads the lag names of other libraries (skforecast's
``"lag_<k>"``, and either form behind a ``ColumnTransformer`` prefix), for
:class:`~sklstm.SequenceReshaper`, which takes lag matrices from anywhere.
"""

import re

# sklstm's own lag names: "<feature>_lag<k>".
# (DOTALL and \Z: a feature's name may hold any character, a newline too.)
_LAG = re.compile(r"(?P<feature>.*)_lag(?P<lag>[0-9]+)\Z", re.DOTALL)
# Also "lag_<k>" (skforecast) and "<prefix>__<feature>_lag_<k>" (a
# ColumnTransformer around either), in any case.
_ANY_LAG = re.compile(r"(?:(?P<feature>.+?)_+)?lag_?(?P<lag>[0-9]+)\Z", re.IGNORECASE | re.DOTALL)
_HORIZON = re.compile(r"(?P<name>.*)_t\+(?P<horizon>[0-9]+)\Z", re.DOTALL)


def lag_name(feature, lag):
    """The name of ``feature``'s column ``lag`` steps back: ``"<feature>_lag<k>"``.

    >>> lag_name("sales", 2)
    'sales_lag2'
    """
    return f"{feature}_lag{int(lag)}"


def lag_names(features, look_back):
    """The lag columns of a window of ``look_back`` steps, oldest step first.

    Within a step, the features keep their order.

    >>> lag_names(["a", "b"], 2)
    ['a_lag1', 'b_lag1', 'a_lag0', 'b_lag0']
    """
    return [lag_name(feature, lag) for lag in range(look_back - 1, -1, -1) for feature in features]


def read_lag(name, *, foreign=False):
    """``(feature, lag)`` of a lag column's name, or None when it is not one.

    ``foreign=True`` also reads other libraries' lag names (see the module's
    docstring); a name without a feature (``"lag_3"``) then gives ``""``.

    >>> read_lag("sales_lag2")
    ('sales', 2)
    >>> read_lag("lag_3") is None, read_lag("lag_3", foreign=True)
    (True, ('', 3))
    """
    match = (_ANY_LAG if foreign else _LAG).match(str(name))
    if match is None:
        return None
    return match["feature"] or "", int(match["lag"])


def horizon_name(name, horizon):
    """The name of ``name``'s target ``horizon`` steps ahead: ``"<name>_t+<h>"``.

    >>> horizon_name("sales", 3)
    'sales_t+3'
    """
    return f"{name}_t+{int(horizon)}"


def read_horizon(name):
    """How many steps ahead the target column ``name`` is, or None when it does
    not say.

    >>> read_horizon("sales_t+3"), read_horizon("sales")
    (3, None)
    """
    match = _HORIZON.match(str(name))
    return None if match is None else int(match["horizon"])
