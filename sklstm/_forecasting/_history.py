"""How much history a fitted estimator reads: the ``n_history_`` hook.

A forecast function hands the model only the latest rows of each series, so
that a step costs the same however long the series is. How many rows is the
model's to say: a fitted estimator that builds features from earlier rows
(:class:`~sklstm.LagFeaturizer`, :class:`~sklstm.ChangeRegressor`, a
:class:`~sklstm.SeedEnsemble`) has a fitted attribute ``n_history_``, the
number of latest rows of a series (the row itself included) that its
prediction for that row reads. An estimator of your own opts in by setting
``n_history_`` in ``fit``.

scikit-learn's meta-estimators have no such attribute; their documented
fitted parts are read instead: a :class:`~sklearn.pipeline.Pipeline`'s
``steps`` (in a chain, each step reads ``n - 1`` rows before those the
step after it reads: two lag steps of 3 read 5 rows), a search's
``best_estimator_``, an
ensemble's ``estimators_``, a wrapper's ``regressor_`` or ``estimator_``.
No parameter name is looked at.
"""

from numbers import Integral

# Deeper than any real nesting of meta-estimators: a guard, not a limit.
_MAX_DEPTH = 16


def n_history(estimator):
    """The number of latest rows per series ``estimator`` reads, or None.

    Parameters
    ----------
    estimator : fitted estimator
        Any fitted estimator; see the module's docstring for what is read.

    Returns
    -------
    n_history : int or None
        ``estimator.n_history_`` where it has one; for a scikit-learn
        meta-estimator, the most any of its fitted parts reads. None when
        nothing tells (then every row is read: the forecast is right, at a
        cost that grows with the history).
    """
    return _n_history(estimator, 0)


def _n_history(estimator, depth):
    if estimator is None or isinstance(estimator, str) or depth > _MAX_DEPTH:
        return None  # "passthrough", "drop" or no step at all
    own = getattr(estimator, "n_history_", None)
    if own is not None:
        return _checked(own, estimator)
    steps = getattr(estimator, "steps", None)
    if isinstance(steps, list):  # a Pipeline: each step reads further back than the next
        return _chained([_n_history(step, depth + 1) for _, step, *_ in steps])
    for name in ("best_estimator_", "regressor_", "estimator_"):
        inner = getattr(estimator, name, None)
        if inner is not None:
            return _n_history(inner, depth + 1)
    members = getattr(estimator, "estimators_", None)
    if isinstance(members, (list, tuple)):
        return _most([_n_history(member, depth + 1) for member in members])
    return None


def _chained(found):
    """The rows a chain of steps reads: 1 plus each step's rows before its own row."""
    found = [each for each in found if each is not None]
    return 1 + sum(each - 1 for each in found) if found else None


def _most(found):
    found = [each for each in found if each is not None]
    return max(found) if found else None


def _checked(value, estimator):
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(
            f"{type(estimator).__name__}.n_history_ must be a positive int (the latest "
            f"rows of a series its prediction reads), got {value!r}."
        )
    return int(value)
