"""From the 2-D lag matrix to the 3-D ``[samples, time steps, features]`` array."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ._state import unfitted_on_error


class SequenceReshaper(TransformerMixin, BaseEstimator):
    """Reshape a lag matrix into the 3-D array a recurrent network reads.

    The input is what :class:`~sklstm.LagFeaturizer` produces: each row holds
    a window of time steps, oldest first, ``features_per_step`` columns per
    step. The number of time steps is derived from the input's width, so the
    same reshaper keeps working when a grid search varies ``look_back``.

    Parameters
    ----------
    features_per_step : int, default=1
        Number of columns that make one time step: the number of columns the
        lag featurizer was given (1 for a single series).
    layout : {"steps", "window"}, default="steps"
        ``"steps"`` gives ``[samples, look_back, features_per_step]``, one time
        step per lag. ``"window"`` gives ``[samples, 1, look_back *
        features_per_step]``, the whole window as one time step with many
        features (the classic tutorial's first layout).

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen during :meth:`fit`.
    n_steps_ : int
        Number of time steps per sample in the output of :meth:`transform`.

    See Also
    --------
    LagFeaturizer : Build the lag windows this transformer reshapes.
    LSTMRegressor : The recurrent regressor that reads the 3-D array.

    Notes
    -----
    NaN (a lag before the start of the series) passes through unchanged;
    :class:`~sklstm.LSTMRegressor` masks those time steps.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import SequenceReshaper
    >>> X = np.array([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]])
    >>> SequenceReshaper().fit_transform(X).shape
    (2, 3, 1)
    >>> SequenceReshaper(layout="window").fit_transform(X).shape
    (2, 1, 3)
    """

    _parameter_constraints: dict = {
        "features_per_step": [Interval(Integral, 1, None, closed="left")],
        "layout": [StrOptions({"steps", "window"})],
    }

    def __init__(self, *, features_per_step=1, layout="steps"):
        self.features_per_step = features_per_step
        self.layout = layout

    @unfitted_on_error
    def fit(self, X, y=None):
        """Check that ``X`` splits into whole time steps.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps * features_per_step)
            The lag matrix, oldest step first.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceReshaper
            The fitted transformer.
        """
        self._validate_params()
        X = self._validate(X, reset=True)
        width = X.shape[1]
        if width % self.features_per_step:
            raise ValueError(
                f"X has {width} columns, which is not a whole number of time "
                f"steps of features_per_step={self.features_per_step} columns. "
                "Set features_per_step to the number of columns given to "
                "LagFeaturizer (its output has look_back * that many columns)."
            )
        self.n_steps_ = 1 if self.layout == "window" else width // self.features_per_step
        return self

    def transform(self, X):
        """Reshape ``X`` to ``[samples, time steps, features]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_)
            The lag matrix, oldest step first.

        Returns
        -------
        X_seq : ndarray of shape (n_samples, n_steps_, n_features_in_ // n_steps_)
            A new array; NaN entries are kept.
        """
        # n_steps_, not any fitted attribute: a failed fit may have set
        # n_features_in_ before it raised.
        check_is_fitted(self, "n_steps_")
        X = self._validate(X, reset=False)
        return X.reshape(X.shape[0], self.n_steps_, -1).copy()

    def set_output(self, *, transform=None):
        """Accept an output container setting; the 3-D output stays an ndarray.

        A DataFrame cannot hold ``[samples, time steps, features]``, so this
        step ignores the setting. It exists so that
        ``Pipeline.set_output(transform="pandas")`` works on a whole pipeline:
        the steps before this one then pass the index on to
        :class:`~sklstm.LagFeaturizer`.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None, default=None
            Ignored.

        Returns
        -------
        self : SequenceReshaper
            The transformer, unchanged.
        """
        return self

    def _validate(self, X, reset):
        return validate_data(
            self,
            X,
            reset=reset,
            dtype=[np.float64, np.float32],
            ensure_all_finite="allow-nan",
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
