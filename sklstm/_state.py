"""Fitted state: a ``fit`` that raises leaves none behind."""

import functools


def unfitted_on_error(fit):
    """Make a ``fit`` that raises leave the estimator unfitted.

    Without this, a fit that fails midway (bad input found late, a diverging
    loss, an interrupt) would leave fitted attributes behind: a network with
    NaN weights, or an earlier fit's state beside this fit's
    ``n_features_in_``, so that the estimator looks fitted and predicts
    garbage. On an error every fitted attribute (a name ending in ``_``) and
    everything this call added is removed; parameters and settings made
    before the fit (such as ``set_score_request``) are kept.
    """

    @functools.wraps(fit)
    def wrapper(self, *args, **kwargs):
        before = set(vars(self))
        try:
            return fit(self, *args, **kwargs)
        except BaseException:
            for name in list(vars(self)):
                fitted = name.endswith("_") and not name.startswith("__")
                if fitted or name not in before:
                    delattr(self, name)
            raise

    return wrapper
