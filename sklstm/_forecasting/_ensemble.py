"""The mean of several regressors' predictions, for one target or many."""

import numpy as np
from sklearn import get_config
from sklearn.ensemble import VotingRegressor
from sklearn.utils.validation import check_is_fitted

from .._state import fit_context


class SeedEnsemble(VotingRegressor):
    """Average the predictions of regressors, for a 1-D or a multi-output target.

    A :class:`~sklearn.ensemble.VotingRegressor` that also takes a 2-D ``y``
    (one column per output, e.g. one per horizon of a direct multi-horizon
    forecaster): every member is fitted on the whole ``y`` and ``predict``
    gives the (weighted) mean of the members' predictions, output by output.
    A 1-D ``y`` (or a single column) behaves exactly as in ``VotingRegressor``.
    :func:`~sklstm.average_seeds` builds one from copies of an estimator with
    different seeds.

    Parameters
    ----------
    estimators : list of (str, estimator) tuples
        The members, named; an estimator may be ``"drop"``. Their parameters
        are reachable as ``<name>__<param>`` (``get_params``, ``set_params``,
        ``GridSearchCV``).
    weights : array-like of shape (n_estimators,), default=None
        Weights of the members' predictions; ``None``: the plain mean.
    n_jobs : int, default=None
        Members fitted in parallel (joblib).
    verbose : bool, default=False
        Print the time each member's fit takes.

    Attributes
    ----------
    estimators_ : list of regressors
        The fitted members (not those that are ``"drop"``).
    named_estimators_ : Bunch
        The fitted members by name.
    n_outputs_ : int
        Number of outputs: 1 for a 1-D ``y``.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen in ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    average_seeds : A ``SeedEnsemble`` of copies of one estimator with different seeds.
    sklearn.ensemble.VotingRegressor : The same for a 1-D target only.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression, Ridge
    >>> from sklstm import SeedEnsemble
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> Y = np.c_[X.sum(axis=1), X[:, 0] - X[:, 1]]  # two outputs
    >>> ensemble = SeedEnsemble([("ols", LinearRegression()), ("ridge", Ridge(10.0))])
    >>> ensemble.fit(X, Y).predict(X[:2]).round(2)
    array([[ 1.13, -1.  ],
           [ 5.1 , -1.  ]])
    """

    @fit_context(prefer_skip_nested_validation=False)  # the members are the user's
    def fit(self, X, y, **fit_params):
        """Fit every member on ``X, y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs, passed to each member unchanged.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values; with several columns, each member predicts all.
        **fit_params : dict
            ``sample_weight`` (passed to every member); with metadata routing
            enabled, what the members requested.

        Returns
        -------
        self : SeedEnsemble
            The fitted ensemble.
        """
        shape = getattr(y, "shape", None)
        shape = np.asarray(y).shape if shape is None else shape  # a list, say
        if len(shape) == 2 and shape[1] > 1:
            unknown = sorted(set(fit_params) - {"sample_weight"})
            if unknown and not get_config()["enable_metadata_routing"]:
                raise TypeError(
                    f"{type(self).__name__}.fit got {unknown}; without metadata routing "
                    "it passes only sample_weight to its members. Enable it with "
                    "sklearn.set_config(enable_metadata_routing=True)."
                )
            self.n_outputs_ = shape[1]
            # VotingRegressor.fit would ravel y: its base class fits the members
            # on y as it is (and routes sample_weight the same way).
            return super(VotingRegressor, self).fit(X, y, **fit_params)
        self.n_outputs_ = 1
        return super().fit(X, y, **fit_params)

    def _members_predict(self, X):
        """The members' predictions, shape (n_members, n_samples[, n_outputs])."""
        return np.asarray([member.predict(X) for member in self.estimators_])

    def predict(self, X):
        """The (weighted) mean of the members' predictions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The inputs.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The mean prediction, in the shape of the fitted ``y``.
        """
        check_is_fitted(self)
        if self.n_outputs_ == 1:
            return super().predict(X)
        return np.average(self._members_predict(X), axis=0, weights=self._weights_not_none)

    def transform(self, X):
        """Every member's predictions, side by side.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The inputs.

        Returns
        -------
        predictions : ndarray of shape (n_samples, n_members * n_outputs)
            For a 1-D target one column per member, as ``VotingRegressor``;
            else each member's ``n_outputs`` columns, member after member.
        """
        check_is_fitted(self)
        if self.n_outputs_ == 1:
            return super().transform(X)
        predictions = self._members_predict(X)  # (members, samples, outputs)
        return np.concatenate(list(predictions), axis=1)

    def get_feature_names_out(self, input_features=None):
        """Names of the columns of :meth:`transform`.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Not used, present for API consistency.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``seedensemble_<member>``, or ``seedensemble_<member>_<output>``
            with several outputs.
        """
        names = super().get_feature_names_out(input_features)
        if self.n_outputs_ == 1:
            return names
        return np.asarray(
            [f"{name}_{j}" for name in names for j in range(self.n_outputs_)], dtype=object
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
