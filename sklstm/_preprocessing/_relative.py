"""Lag windows relative to the current value: level- (and scale-) free inputs."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .._auto import for_rows
from .._checked import checked_array
from .._naming import read_lag
from .._state import fit_context
from .._validation import StrictInterval


class RelativeWindows(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Express each lag window relative to its current value (or recent mean).

    Reads the output of :class:`~sklstm.LagFeaturizer` (columns named
    ``<feature>_lag<k>``, ``k=0`` the current value) and replaces every lag
    of a chosen feature by its change from the current value:
    ``lag - current`` (``kind="diff"``) or ``log(lag) - log(current)``
    (``kind="log"``, for positive series). The current value itself becomes
    0. With ``reference=k`` the reference is the mean of the last ``k``
    values (of their logs for ``"log"``) instead of the current value alone:
    a steadier level for a noisy series. The window then says how the
    series moved to where it is now, not where it is: a model fitted on it
    gives the same answer when the whole series is shifted (``"diff"``) or,
    after standardisation, scaled (``"log"``; ``"diff"`` with a
    :class:`~sklearn.preprocessing.StandardScaler` after it), so a test
    period above the training range is no longer out of range, and series
    of very different levels look alike to one model fitted on all of them.
    Inside :class:`~sklstm.ChangeRegressor` use ``kind="diff"`` for either
    of its kinds: it gives the pipeline the level in the change's space
    (its log with ``kind="log"``), so differences of those values are the
    changes the target is made of.

    Parameters
    ----------
    kind : {"diff", "log"}, default="diff"
        ``"diff"``: ``lag - current``. ``"log"``: ``log(lag) -
        log(current)``; the chosen features must be positive.
    reference : "last", int >= 1 or "auto", default="last"
        What each window is made relative to. ``"last"``: the current value
        (``_lag0``). An int ``k``: the mean of the last ``k`` values,
        ``_lag0`` to ``_lag{k-1}`` (for ``"log"``, the mean of their logs, a
        geometric mean); a missing (NaN) one among them is left out of the
        mean. ``reference=1`` is ``"last"``. The windows need those ``k``
        lags (``look_back >= k``). ``"auto"``: ``"last"`` for at most
        10,000 rows in :meth:`fit` (one series), else the mean of the
        window's values but its oldest, ``_lag0`` to ``_lag{look_back - 2}``
        (for a window of a seasonal cycle and one step, as
        :func:`~sklstm.make_lstm_forecaster` builds, one whole cycle): on
        the M3 monthly series a global model did better relative to the
        last year's mean, and a model of one series relative to its last
        value. The choice is ``reference_``.
    features : list of str or None, default=None
        The input features (the ``<feature>`` part of the lag names) whose
        windows are made relative; ``None`` means every feature not listed
        in ``exclude``. Other features' lags pass through unchanged (e.g.
        calendar features, or exogenous columns whose level matters).
    exclude : list of str or None, default=None
        Features left unchanged when ``features`` is None.
        :func:`~sklstm.make_lstm_forecaster` lists the calendar columns here.
    fill_value : float, default=np.nan
        Value given to every missing (NaN) lag of the output, relative or
        not (the history before the start of the series). NaN keeps them
        missing, and :class:`~sklstm.LSTMRegressor` masks those time steps;
        ``0.0`` reads "as now", for a model that cannot take NaN (a
        window given to :class:`~sklstm.LSTMRegressor` as one time step, a
        linear model).

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        The lag column names seen during :meth:`fit`.
    relative_features_ : list of str
        The features whose windows are made relative.
    reference_ : "last" or int
        The reference used: ``reference``, or what ``"auto"`` chose.

    See Also
    --------
    LagFeaturizer : Build the lag windows (use ``set_output(transform="pandas")``
        so that their names reach this step).
    ChangeRegressor : Make the target relative to the current value.

    Notes
    -----
    NaN lags (history before the start of the series) stay NaN, so
    :class:`~sklstm.LSTMRegressor` still masks those time steps. A row whose
    current value is NaN gets NaN for every relative lag. A feature that is
    made relative needs its ``_lag0`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm import LagFeaturizer, RelativeWindows
    >>> X = pd.DataFrame({"y": [100.0, 102.0, 101.0, 105.0]})
    >>> lags = LagFeaturizer(look_back=3).set_output(transform="pandas")
    >>> windows = lags.fit_transform(X)
    >>> RelativeWindows().fit_transform(windows)
    array([[nan, nan,  0.],
           [nan, -2.,  0.],
           [-1.,  1.,  0.],
           [-3., -4.,  0.]])

    Relative to the mean of the last two values instead:

    >>> RelativeWindows(reference=2).fit_transform(windows)
    array([[ nan,  nan,  0. ],
           [ nan, -1. ,  1. ],
           [-1.5,  0.5, -0.5],
           [-1. , -2. ,  2. ]])
    """

    _parameter_constraints: dict = {
        "kind": [StrOptions({"diff", "log"})],
        "reference": [
            StrOptions({"last", "auto"}),
            StrictInterval(Integral, 1, None, closed="left"),
        ],
        "features": [list, tuple, None],
        "exclude": [list, tuple, None],
        "fill_value": [Real],
    }

    def __init__(
        self, kind="diff", *, reference="last", features=None, exclude=None, fill_value=np.nan
    ):
        self.kind = kind
        self.reference = reference
        self.features = features
        self.exclude = exclude
        self.fill_value = fill_value

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Read the lag structure from the column names of ``X``.

        Parameters
        ----------
        X : pandas.DataFrame of shape (n_samples, n_features)
            Lag windows with columns ``<feature>_lag<k>``, as
            ``LagFeaturizer().set_output(transform="pandas")`` gives.
        y : None
            Ignored.

        Returns
        -------
        self : RelativeWindows
            The fitted transformer.
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_all_finite="allow-nan")
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            raise TypeError(
                "RelativeWindows reads the lags from column names "
                "'<feature>_lag<k>', but X has no column names. Give it a "
                "DataFrame: LagFeaturizer(...).set_output(transform='pandas') "
                "or Pipeline(...).set_output(transform='pandas')."
            )
        by_feature = {}  # feature -> {lag: position of its column}
        for position, name in enumerate(names):
            lag = read_lag(name)
            if lag is not None:
                by_feature.setdefault(lag[0], {})[lag[1]] = position
        if self.features is None:
            excluded = set(self.exclude or ())
            chosen = [f for f in by_feature if f not in excluded]
        else:
            unknown = [f for f in self.features if f not in by_feature]
            if unknown:
                raise ValueError(
                    f"features {unknown} have no lag columns '<feature>_lag<k>' in "
                    f"X; the features with lags are {list(by_feature)}."
                )
            chosen = list(self.features)
        missing0 = [f for f in chosen if 0 not in by_feature[f]]
        if missing0:
            raise ValueError(
                f"features {missing0} have no current value (column "
                f"'{missing0[0]}_lag0') to be relative to."
            )
        shortest = min((len(by_feature[f]) for f in chosen), default=1)
        self.reference_ = for_rows(self.reference, X.shape[0], "last", max(shortest - 1, 1))
        k = 1 if self.reference_ == "last" else self.reference_
        short = [f for f in chosen if not all(lag in by_feature[f] for lag in range(k))]
        if short:
            raise ValueError(
                f"reference={k} is the mean of the last {k} values, but features "
                f"{short} lack some of the columns '{short[0]}_lag0' to "
                f"'{short[0]}_lag{k - 1}'. Use a look_back of at least {k} in the "
                "LagFeaturizer, or a smaller reference."
            )
        self.relative_features_ = chosen
        self._groups = [
            (
                np.asarray(list(by_feature[f].values())),
                np.asarray([by_feature[f][lag] for lag in range(k)]),
            )
            for f in chosen
        ]
        return self

    def transform(self, X):
        """Replace the chosen lags by their change from the current value.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_)
            Lag windows with the columns seen in :meth:`fit`.

        Returns
        -------
        X_rel : ndarray of shape (n_samples, n_features_in_)
            A new array; lags of features not made relative are unchanged,
            NaN stays NaN.
        """
        check_is_fitted(self)
        checked = checked_array(self, X)  # a forecast's later step: checked already
        if checked is not None:
            X = checked.copy()
        else:
            X = validate_data(
                self,
                X,
                reset=False,
                dtype=[np.float64, np.float32],
                ensure_all_finite="allow-nan",
                copy=True,
            )
        for columns, recent in self._groups:
            block, latest = X[:, columns], X[:, recent]
            if self.kind == "log":
                if (block <= 0).any():  # NaN compares False
                    raise ValueError(
                        "kind='log' needs positive values, but X has "
                        f"{int((block <= 0).sum())} lag value(s) <= 0 in the "
                        "features made relative. Use kind='diff', or choose the "
                        "positive features with features=[...]."
                    )
                block, latest = np.log(block), np.log(latest)
            X[:, columns] = block - self._reference(latest)
        if not np.isnan(self.fill_value):
            X[np.isnan(X)] = self.fill_value
        return X

    @staticmethod
    def _reference(recent):
        """The level of each row: its current value, or the mean of its recent
        values (NaN ones left out); NaN where the current value is missing."""
        if recent.shape[1] == 1:
            return recent
        count = np.sum(~np.isnan(recent), axis=1, keepdims=True)
        total = np.nansum(recent, axis=1, keepdims=True)
        level = total / np.maximum(count, 1)
        level[np.isnan(recent[:, [0]])] = np.nan  # no current value: no level
        return level

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
