"""Calendar features (month of year, day of week, ...) read from a pandas index."""

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .._checked import checked_array
from .._state import fit_context

# feature -> (index attribute, smallest value, number of values in a cycle)
CALENDAR = {
    "month": ("month", 1, 12),
    "quarter": ("quarter", 1, 4),
    "day_of_week": ("day_of_week", 0, 7),
    "day_of_month": ("day", 1, 31),
    "day_of_year": ("day_of_year", 1, 366),
    "week_of_year": (None, 1, 53),  # ISO week, read separately
    "hour": ("hour", 0, 24),
    "minute": ("minute", 0, 60),
}


class CalendarFeatures(TransformerMixin, BaseEstimator):
    """Add calendar features of each row's time stamp, read from the index.

    Each row's label in a ``PeriodIndex`` or ``DatetimeIndex`` gives its month
    of year, day of week, ... encoded as a sine and a cosine (neighbouring
    months stay close, December next to January) or one-hot. The number of
    rows never changes; the input columns come first (unless
    ``passthrough=False``), so the transformer can sit before a
    :class:`~sklstm.LagFeaturizer`. In a pipeline the index only reaches this
    step if ``X`` is a pandas object (``to_supervised`` keeps the index of a
    pandas series). A panel's ``(series, time)`` :class:`~pandas.MultiIndex`
    gives the time from its last level.

    Parameters
    ----------
    features : list of str, default=("month",)
        Any of ``"month"``, ``"quarter"``, ``"day_of_week"`` (Monday = 0),
        ``"day_of_month"``, ``"day_of_year"``, ``"week_of_year"`` (ISO),
        ``"hour"``, ``"minute"``.
    encoding : {"sincos", "onehot"}, default="sincos"
        ``"sincos"``: two columns per feature, ``<feature>_sin`` and
        ``<feature>_cos``, of the angle ``2 pi (value - first) / period``.
        ``"onehot"``: one column per possible value, ``<feature>_<value>``
        (all values of the cycle, so a value unseen in :meth:`fit` still has
        its column).
    passthrough : bool, default=True
        Keep the input columns before the calendar columns.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names seen during :meth:`fit`, when they are strings.

    See Also
    --------
    LagFeaturizer : Windows of past rows; calendar columns added before it
        get one value per time step.
    make_lstm_forecaster : Adds these features when ``seasonal_period`` is set.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm import CalendarFeatures
    >>> X = pd.DataFrame(
    ...     {"sales": [5.0, 6.0, 7.0]},
    ...     index=pd.period_range("2020-01", periods=3, freq="M"),
    ... )
    >>> calendar = CalendarFeatures().set_output(transform="pandas")
    >>> calendar.fit_transform(X).round(3)
             sales  month_sin  month_cos
    2020-01    5.0      0.000      1.000
    2020-02    6.0      0.500      0.866
    2020-03    7.0      0.866      0.500
    >>> CalendarFeatures(["quarter"], encoding="onehot").fit(X).get_feature_names_out()
    array(['sales', 'quarter_1', 'quarter_2', 'quarter_3', 'quarter_4'],
          dtype=object)
    """

    _parameter_constraints: dict = {
        "features": [list, tuple],
        "encoding": [StrOptions({"sincos", "onehot"})],
        "passthrough": ["boolean"],
    }

    def __init__(self, features=("month",), *, encoding="sincos", passthrough=True):
        self.features = features
        self.encoding = encoding
        self.passthrough = passthrough

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the features asked for and that ``X`` has a time index.

        Parameters
        ----------
        X : pandas.DataFrame or pandas.Series of shape (n_samples, n_features)
            Rows with a ``PeriodIndex`` or ``DatetimeIndex``.
        y : None
            Ignored.

        Returns
        -------
        self : CalendarFeatures
            The fitted transformer.
        """
        unknown = [f for f in self.features if f not in CALENDAR]
        if unknown or not self.features:
            raise ValueError(
                f"features={list(self.features)!r}: each must be one of "
                f"{list(CALENDAR)}, and at least one is needed."
            )
        self._calendar(X)  # raises a TypeError without a time index
        X = _as_frame(X)
        validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan")
        return self

    def transform(self, X):
        """Append the calendar columns of each row's index label.

        Parameters
        ----------
        X : pandas.DataFrame or pandas.Series of shape (n_samples, n_features_in_)
            Rows with a ``PeriodIndex`` or ``DatetimeIndex``.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            The input columns (with ``passthrough``), then the calendar
            columns in the order of ``features``.
        """
        check_is_fitted(self)
        calendar = self._calendar(X)
        checked = checked_array(self, _as_frame(X), (np.float64,))  # at a forecast's later step
        if checked is not None:
            X = checked
        else:
            X = validate_data(
                self,
                _as_frame(X),
                reset=False,
                dtype=np.float64,
                ensure_all_finite="allow-nan",
            )
        return np.hstack([X, calendar]) if self.passthrough else calendar

    def _calendar(self, X):
        index = getattr(X, "index", None)
        if isinstance(index, pd.MultiIndex):  # a panel: (series, time)
            index = index.get_level_values(-1)
        if not isinstance(index, (pd.PeriodIndex, pd.DatetimeIndex)):
            raise TypeError(
                "CalendarFeatures reads the date of each row from its index, but "
                f"X has {'no index' if index is None else type(index).__name__}. "
                "Pass a DataFrame or Series with a PeriodIndex or DatetimeIndex "
                "(to_supervised keeps the index of a pandas series; "
                "series.index = pd.period_range(start, periods=len(series), "
                "freq='M') gives a monthly one)."
            )
        columns = []
        for feature in self.features:
            attribute, first, period = CALENDAR[feature]
            if attribute is None:  # ISO week of the year
                stamps = index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index
                values = np.asarray(stamps.isocalendar().week, dtype=np.float64)
            else:
                values = np.asarray(getattr(index, attribute), dtype=np.float64)
            if self.encoding == "sincos":
                angle = 2 * np.pi * (values - first) / period
                columns += [np.sin(angle), np.cos(angle)]
            else:
                for value in range(first, first + period):
                    columns.append((values == value).astype(np.float64))
        return np.column_stack(columns)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: the input's, then ``<feature>_sin``, ...

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names; defaults to ``feature_names_in_`` or
            ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            With ``passthrough``, the input names first; then per feature
            ``<feature>_sin, <feature>_cos`` or ``<feature>_<value>``.
        """
        check_is_fitted(self)
        from sklearn.utils.validation import _check_feature_names_in

        names = list(_check_feature_names_in(self, input_features)) if self.passthrough else []
        for feature in self.features:
            _, first, period = CALENDAR[feature]
            if self.encoding == "sincos":
                names += [f"{feature}_sin", f"{feature}_cos"]
            else:
                names += [f"{feature}_{v}" for v in range(first, first + period)]
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def _as_frame(X):
    return X.to_frame() if isinstance(X, pd.Series) else X
