"""How every sklstm ``fit`` runs: one decorator, :func:`fit_context`.

It validates the parameters against ``_parameter_constraints`` (once, and
skips the validation nested estimators and functions would repeat, through
scikit-learn's own ``_fit_context``), and makes a fit that raises leave the
estimator unfitted.
"""

import functools

from sklearn.base import _fit_context


def fit_context(*, prefer_skip_nested_validation):
    """Decorate a ``fit``: validate the parameters, and leave no state on error.

    Parameters
    ----------
    prefer_skip_nested_validation : bool
        Passed to scikit-learn's ``_fit_context``: True skips the parameter
        validation of the estimators and functions ``fit`` calls, whose
        parameters sklstm sets itself. Meta-estimators, which call a user's
        estimator, pass False so that it is still validated.

    Returns
    -------
    decorator : callable
        Turns a ``fit(self, ...)`` into the decorated one.

    Notes
    -----
    Without the clean-up, a fit that fails midway (bad input found late, a
    diverging loss, a ``KeyboardInterrupt``) would leave fitted attributes
    behind: a network with NaN weights, or an earlier fit's state beside this
    fit's ``n_features_in_``, so that the estimator looks fitted and predicts
    garbage. On any error every fitted attribute (a name ending in ``_``) and
    every attribute this call added is removed, so ``check_is_fitted`` raises
    ``NotFittedError`` again; parameters and settings made before the fit
    (``set_params``, ``set_output``, ``set_score_request``) are kept.
    """

    def decorator(fit):
        validated_fit = _fit_context(prefer_skip_nested_validation=prefer_skip_nested_validation)(
            fit
        )

        @functools.wraps(fit)
        def wrapper(self, *args, **kwargs):
            before = set(vars(self))
            try:
                return validated_fit(self, *args, **kwargs)
            except BaseException:
                for name in list(vars(self)):
                    fitted = name.endswith("_") and not name.startswith("__")
                    if fitted or name not in before:
                        delattr(self, name)
                raise

        return wrapper

    return decorator
