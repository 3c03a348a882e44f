"""``LSTMRegressor``: the scikit-learn face of a Keras LSTM.

Everything scikit-learn sees (parameters, validation, tags, seeding, target
scaling) lives here and needs no TensorFlow; the network itself is built,
trained and run by :mod:`sklstm._neural._keras`, imported on first use.
"""

import copy
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._available_if import available_if
from sklearn.utils._param_validation import HasMethods, Hidden, StrOptions
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from .._auto import for_rows, is_auto
from .._checked import checked_array
from .._state import fit_context
from .._validation import PositiveInts, StrictInterval, check_numeric, check_sample_weight
from ._lazy import keras_backend

# Names Keras understands as ``keras.optimizers.get`` identifiers, and the
# losses (scikit-learn's names, as ``HistGradientBoostingRegressor``'s; the
# Keras side maps them to Keras losses); kept here so that validating them
# needs no TensorFlow.
OPTIMIZERS = ("adam", "adamw", "nadam", "rmsprop", "sgd", "adagrad")
LOSSES = ("squared_error", "absolute_error", "huber", "log_cosh")
# The loss names of sklstm 0.1 (Keras's), accepted with a FutureWarning until
# their removal.
DEPRECATED_LOSSES = {"mse": "squared_error", "mae": "absolute_error"}
# The default of a renamed parameter's old name (epochs, learning_rate): the
# old name, when set, is used with a FutureWarning naming the new one.
_DEPRECATED = "deprecated"
# The quantiles ``loss="quantile"`` fits when ``quantiles`` is None: an 80%
# interval around the median.
DEFAULT_QUANTILES = (0.1, 0.5, 0.9)
# What ``"auto"`` gives each parameter that takes it: (for at most AUTO_ROWS
# training rows, for more); see sklstm._auto.
_FITTED_SETTING = {
    "units": "units_",
    "batch_size": "batch_size_",
    "max_iter": "max_iter_",
    "early_stopping": "early_stopping_",
    "loss": "loss_function_",
}
AUTO_SETTINGS = {
    "units": (16, 128),
    "batch_size": (16, 128),
    "max_iter": (50, 100),
    "early_stopping": (False, True),
    "loss": ("squared_error", "absolute_error"),
}


class LSTMRegressor(RegressorMixin, BaseEstimator):
    """Keras LSTM regressor (TensorFlow backend) as a scikit-learn estimator.

    One or more LSTM layers followed by a linear ``Dense`` output layer with
    one unit per target column. The network is built and trained in
    :meth:`fit`; every hyperparameter is a plain constructor argument, so
    ``GridSearchCV`` can tune it as ``<step name>__<parameter>``.

    Parameters
    ----------
    units : int, tuple of int or "auto", default=32
        Units of the LSTM layer; a tuple such as ``(32, 16)`` stacks one LSTM
        layer per entry. ``"auto"``: 16 for at most 10,000 training rows,
        else 128 (see Notes, "Settings that fit the data").
    cell : {"lstm", "gru"}, default="lstm"
        The recurrent layer: Keras's ``LSTM``, or its ``GRU`` (three gates
        instead of four, so about 3/4 of the weights; on a CPU it trained
        about 1.5x slower than the LSTM in sklstm's benchmark, see
        :doc:`/forecasting`).
        Masking, seeding and the training loop are the same for both.
    max_iter : int >= 1 or "auto", default=100
        Maximum number of epochs (passes over the training data), as in
        ``MLPRegressor``: all of them are run unless early stopping ends
        training sooner. ``"auto"``: 50 for at most 10,000 training rows,
        else 100. ``max_iter=0`` (an untrained network) is refused by
        :meth:`fit` with ``InvalidParameterError``, a ``ValueError``; so is a
        bool (``max_iter=True``) for any int or float parameter.
    batch_size : int or "auto", default=32
        Samples per gradient update (the classic tutorial uses 1). A value
        larger than the data trains on all rows as one batch per epoch.
        ``"auto"``: 16 for at most 10,000 training rows, else 128.
    optimizer : {"adam", "adamw", "nadam", "rmsprop", "sgd", "adagrad"}, \
            default="adam"
        Keras optimizer.
    learning_rate_init : float, default=0.001
        Learning rate of the optimizer (constant during training), as in
        ``MLPRegressor``.
    loss : {"squared_error", "absolute_error", "huber", "log_cosh", \
            "quantile", "auto"}, default="squared_error"
        Training loss, computed on the scaled target when ``scale_target``;
        the names are scikit-learn's (``HistGradientBoostingRegressor``).
        ``"auto"``: ``"squared_error"`` for at most 10,000 training rows,
        else ``"absolute_error"``.
        ``"huber"`` and ``"log_cosh"`` are Keras's ``Huber`` (delta 1) and
        ``LogCosh``. The old names ``"mse"`` and ``"mae"`` are deprecated.
        ``"quantile"``: the pinball loss of each of ``quantiles``, averaged
        over them; the network then forecasts every quantile of every target
        column, :meth:`predict` returns the median and
        :meth:`predict_quantiles` all of them.
    quantiles : tuple or list of float, default=None
        The quantile levels fitted with ``loss="quantile"``: strictly
        increasing, each in (0, 1), and including 0.5 (the median, which
        :meth:`predict` returns). ``None`` means ``(0.1, 0.5, 0.9)``, the
        median and an 80% interval. Must be None for any other loss (set
        ``loss="quantile"`` to use them).
    dropout : float in [0, 1), default=0.0
        Fraction of the inputs of each LSTM layer dropped during training.
    recurrent_dropout : float in [0, 1), default=0.0
        Fraction of the recurrent state dropped during training.
    early_stopping : bool or "auto", default=False
        ``"auto"``: on for more than 10,000 training rows, as
        ``HistGradientBoostingRegressor``'s ``early_stopping="auto"``. On:
        hold out the last ``validation_fraction`` of the training rows (the
        most recent ones, in time order: never a random or an early part),
        stop when their loss has not improved for ``n_iter_no_change``
        epochs, and keep the weights of the best epoch. The target scaler is
        fitted on the rows trained on. When the validation loss never
        improves after the first epoch, training stops after
        ``n_iter_no_change + 1`` epochs with the first epoch's weights.
    validation_fraction : float in (0, 1), default=0.1
        Fraction of the training rows, taken from the end, held out for early
        stopping. Used only when ``early_stopping=True``; both parts must keep
        at least one row. With a multi-step target (``to_supervised(...,
        horizon=range(1, h + 1))``) the targets of the last ``h - 1`` rows
        trained on reach into the held-out period, so the validation loss is
        somewhat optimistic; it only decides when to stop.
    n_iter_no_change : int, default=10
        Epochs without a better validation loss before training stops. Used
        only when ``early_stopping=True``.
    samples_per_epoch : int or None, default=None
        Rows trained on in each epoch, drawn afresh every epoch (without
        replacement, from ``random_state``); None, or at least the number of
        training rows: all of them. An epoch over a large panel is then as
        long as you choose. With early stopping, the validation loss is the
        mean over a draw of at most this many rows of the validation tail,
        the same draw every epoch.
    scale_target : bool, default=True
        Standardize the target (zero mean, unit variance per column) for
        training, and map predictions back. Predictions and scores are always
        in the target's own units; switch this off only for a target that is
        already scaled.
    scale_inputs : bool, default=True
        Standardize each input feature (zero mean, unit variance over all
        samples and time steps of the training rows, ignoring NaN) in
        :meth:`fit`, and apply the same shift and scale in :meth:`predict`.
        An LSTM's gates saturate on inputs in the hundreds, so raw lags of an
        unscaled series would otherwise silently spoil the fit. NaN stays NaN
        (a masked step). A constant feature is only centred. Harmless, and
        almost a no-op, for inputs that are already standardized.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout and batch shuffling; each fit
        draws one seed from it. An int gives bit-identical predictions for the
        same data on every fit, clone and process. A ``RandomState`` instance
        is advanced by each fit, so successive fits differ; ``None`` draws
        from NumPy's global random state (reproducible after
        ``numpy.random.seed``). No global random state (Python, NumPy,
        TensorFlow, Keras) is set or, with an int or an instance, used.
    verbose : int, default=0
        Keras verbosity during training: 0 silent, 1 progress bar, 2 one line
        per epoch.
    warm_start : bool, default=False
        When True and the estimator is already fitted, :meth:`fit` continues
        training the current network on the data it is given instead of
        building a new one (see Notes, "Continued training"). The data must
        have as many features and target columns as before, and the
        parameters that shape the network (``units``, ``cell``, ``dropout``,
        ``recurrent_dropout``, ``scale_inputs``, ``scale_target``) must be
        unchanged; otherwise ``fit`` raises a ``ValueError``, as
        scikit-learn's ``MLPRegressor`` does, and the estimator is left
        unfitted. Set it back to False (or ``clone``) to start over.
    init : LSTMRegressor or None, default=None
        A fitted regressor whose network this one starts from: each
        :meth:`fit` (and the first :meth:`partial_fit`) trains a copy of
        ``init``'s network, with ``init``'s input and target scaling and its
        fitted ``"auto"`` settings, for ``max_iter`` epochs on the data it is
        given (fine-tuning a pretrained network, e.g. one of
        :func:`~sklstm.load_pretrained`). ``init`` itself is never changed,
        and ``clone`` keeps it as it is rather than unfitting it. The data
        must have ``init``'s features and target columns, and the parameters
        that shape the network must be ``init``'s, as for ``warm_start``.
        With ``warm_start=True`` a fitted estimator continues from its own
        network instead. None: a new network.
    epochs : int >= 1
        Deprecated alias of ``max_iter``; when set, :meth:`fit` uses it with
        a ``FutureWarning``. It will be removed in a later release.
    learning_rate : float
        Deprecated alias of ``learning_rate_init``; when set, :meth:`fit`
        uses it with a ``FutureWarning``. It will be removed in a later
        release.

    Attributes
    ----------
    model_ : keras.Model
        The trained network, owned by this estimator: its float32 weights
        are the ones trained, predicted with and saved. :meth:`predict` casts
        them to float64 as it runs (no copy is kept), so that a sample's
        prediction does not depend on the other samples in the batch.
    loss_curve_ : list of shape (n_iter_,)
        The training loss of each epoch (the mean over the epoch's batches,
        as Keras reports it), on the scaled target when ``scale_target`` and
        weighted by ``sample_weight`` when given. Continued training
        (``warm_start``, :meth:`partial_fit`) appends to it.
    best_loss_ : float or None
        The smallest value of ``loss_curve_``; None with early stopping, as
        in ``MLPRegressor``: read ``best_validation_score_`` then.
    validation_scores_ : list of shape (n_iter_,) or None
        With early stopping, the score of each epoch on the held-out rows:
        minus their (weighted) loss, so that greater is better, as
        ``HistGradientBoostingRegressor``'s ``validation_score_`` with
        ``scoring="loss"``. None without early stopping, and after a
        continued training call that computed none.
    best_validation_score_ : float or None
        The largest of ``validation_scores_``, the epoch whose weights are
        kept; None without early stopping.
    history_ : dict of str to list of float
        Deprecated: ``{"loss": loss_curve_, "val_loss": [-s for s in
        validation_scores_]}`` (``"val_loss"`` with early stopping only),
        with a ``FutureWarning``. Read ``loss_curve_`` and
        ``validation_scores_`` instead.
    units_ : tuple of int
        The units of each layer the network was built with: ``units``, or
        what ``"auto"`` chose.
    batch_size_ : int
        The batch size of the last training call: ``batch_size``, or what
        ``"auto"`` chose when the network was built (continued training
        keeps every ``"auto"`` choice).
    max_iter_ : int
        The epoch limit of the last training call, likewise
        (:meth:`partial_fit` runs one epoch whatever it says).
    early_stopping_ : bool
        Whether early stopping is on, likewise (:meth:`partial_fit` never
        holds out rows).
    loss_function_ : str
        The loss, likewise.
    n_iter_ : int
        Number of epochs run since the network was built: ``max_iter``, or
        fewer when early stopping ended training, plus the epochs of
        continued training.
    n_features_in_ : int
        Number of features per time step seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features, when ``X`` was a DataFrame with string column
        names.
    n_outputs_ : int
        Number of target columns.
    quantiles_ : ndarray of shape (n_quantiles,) or None
        The quantile levels fitted (``loss="quantile"``), else None. The
        network then has ``n_outputs_ * n_quantiles`` outputs, the quantiles
        of each target column in turn; they are raw (the median, then the
        non-negative gaps between neighbouring quantiles before a softplus),
        so read quantiles with :meth:`predict_quantiles`, not ``model_``.
    target_scaler_ : StandardScaler or None
        The scaler applied to the target, or None when ``scale_target=False``.
    input_mean_, input_scale_ : ndarray of shape (n_features_in_,) or None
        The shift and scale (float32) applied to each input feature, or None
        when ``scale_inputs=False``.

    See Also
    --------
    LagFeaturizer : Build lag windows from a series.
    SequenceReshaper : Turn lag windows into the 3-D array this model reads.

    Notes
    -----
    ``X`` is 3-D, ``[samples, time steps, features]``, or 2-D
    ``[samples, features]``, read as a single time step. A time step with a
    NaN feature is masked: the LSTM skips it, so the first rows of a series,
    whose early lags are unknown, are shorter sequences rather than invented
    values. A sample must have at least one observed time step. The number of
    time steps may differ between ``fit`` and ``predict``; the number of
    features per step may not. ``y`` may be 1-D, or 2-D with one column per
    output (e.g. several forecast horizons); it may not contain NaN or inf.
    ``X`` and ``y`` must hold numbers: text (even ``"1.5"``) and dates
    (``datetime64``) are refused rather than cast to floats. A target larger
    than about 1e150 in magnitude cannot be standardized and is refused with
    ``scale_target=True``; beyond the float32 range with
    ``scale_target=False``.

    Rows are independent samples here: the order of time lies within each
    sequence, so ``fit`` and ``predict`` take rows in any order.

    Sample weights: ``fit(X, y, sample_weight=w)`` weights each row's loss.
    Only the ratios of the weights matter: they are divided by their largest
    value and then by their mean over the rows trained on (so ``1e20`` or
    ``1e308`` for every row trains as ``1`` does), each batch's loss is the mean of weight times
    loss over its rows, and so an epoch's loss is the weighted mean over the
    rows (what ``loss_curve_`` shows). A row of weight 0 contributes
    nothing; with one batch per epoch (``batch_size >= n_samples``) a fit
    with weights 0 and 1 equals, up to float rounding, a fit on the rows of
    weight 1 only. The input and target scaling are weighted means and
    standard deviations with the same weights, and with early stopping the
    held-out tail keeps its weights for the validation loss. Weights that
    favour recent rows (darts calls them time weights) make the network
    track a changing series; for rows in time order::

        half_life = 24  # rows: a row 24 steps older counts half as much
        w = 0.5 ** ((len(y) - 1 - np.arange(len(y))) / half_life)
        model.fit(X, y, sample_weight=w)

    Under scikit-learn's metadata routing (``sklearn.set_config(
    enable_metadata_routing=True)``), request the weights with
    ``LSTMRegressor(...).set_fit_request(sample_weight=True)`` so that a
    ``Pipeline``, ``GridSearchCV`` or :class:`ChangeRegressor` passes them on.

    Settings that fit the data: ``units``, ``batch_size``, ``max_iter``,
    ``early_stopping`` and ``loss`` take ``"auto"`` (what
    :func:`make_lstm_forecaster` passes), resolved in :meth:`fit` from the
    number of training rows, as ``MLPRegressor``'s ``batch_size="auto"``
    and ``HistGradientBoostingRegressor``'s ``early_stopping="auto"`` are.
    Up to 10,000 rows (one series: hundreds of windows) a small network
    trained for a fixed 50 epochs in batches of 16 on the squared error;
    beyond (a global model over many series) an LSTM(128) trained in
    batches of 128 on the absolute error (robust to the outlying windows a
    large panel has) until its validation loss stops improving, at most
    100 epochs. The fitted ``units_``, ``batch_size_``, ``max_iter_``,
    ``early_stopping_`` and ``loss_function_`` say what was used; continued
    training keeps what ``"auto"`` chose when the network was built. The
    rule counts rows, not series: one long series (years of hourly data)
    gets the large-data settings too, and in a cross-validation whose
    training folds lie on both sides of 10,000 rows the folds train
    differently; set the parameters to values to compare like with like.

    Continued training: with ``warm_start=True`` a second :meth:`fit`
    continues from the current weights for ``max_iter`` more epochs, and
    :meth:`partial_fit` runs one epoch over the rows it is given (building
    the network on its first call). Both keep the input and target scaling
    fitted when the network was built: it is frozen, so the network keeps
    reading inputs as it learnt to. A series whose level drifts far beyond
    the first data is therefore better modelled level-free
    (:class:`ChangeRegressor`, :class:`RelativeWindows`). Each call starts
    a fresh optimizer (Adam's moment estimates restart): only the weights
    carry over, so a model saved with :func:`save_model` and loaded again
    continues exactly as the one in memory. Each continued call draws its
    shuffling and dropout seed from ``random_state`` and the number of
    epochs already run, so the same ``random_state`` and the same sequence
    of calls give bit-identical weights. :meth:`partial_fit` never holds out
    rows for early stopping (as in ``MLPRegressor``). Fine-tuning another
    regressor's network (``init``) is continued training from a copy of it:
    the same rules hold, and each :meth:`fit` starts from ``init`` again.

    Convergence: with ``early_stopping=True``, a :meth:`fit` that runs all
    ``max_iter`` epochs while the validation loss was still improving (it
    improved within the last ``n_iter_no_change`` epochs, so early stopping
    never ended training) warns with ``sklearn.exceptions.ConvergenceWarning``,
    as ``MLPRegressor`` does: more epochs would likely fit better. Without
    early stopping, training runs a fixed budget of ``max_iter`` epochs and
    has no stopping criterion to meet, so no such warning is raised (nor by
    :meth:`partial_fit`, which runs one epoch by design).

    Estimator tags: unlike Keras's own ``SKLearnRegressor``, this estimator
    does not set ``non_deterministic`` (an int ``random_state`` gives
    bit-identical fits and predictions) nor ``poor_score`` (a small network,
    ``units=8, max_iter=20, learning_rate_init=0.02``, passes scikit-learn's score
    checks; ``tests/test_common.py`` runs that one), so those checks run
    rather than being skipped.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import LSTMRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(size=(64, 3, 1))
    >>> y = X.sum(axis=(1, 2))
    >>> model = LSTMRegressor(units=8, max_iter=5, random_state=0).fit(X, y)
    >>> model.predict(X[:2]).shape
    (2,)
    >>> len(model.loss_curve_)
    5

    Weight recent rows more, then train the same network one more epoch:

    >>> weights = np.linspace(0.1, 1.0, len(y))
    >>> model = model.set_params(warm_start=True).fit(X, y, sample_weight=weights)
    >>> model.partial_fit(X, y).n_iter_
    11
    """

    _parameter_constraints: dict = {
        # StrictInterval: max_iter=True is a mistake, not 1.
        "units": [
            StrictInterval(Integral, 1, None, closed="left"),
            PositiveInts(),
            StrOptions({"auto"}),
        ],
        "max_iter": [StrictInterval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "batch_size": [StrictInterval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "learning_rate_init": [StrictInterval(Real, 0, None, closed="neither")],
        "loss": [
            StrOptions(
                set(LOSSES) | {"quantile", "auto"} | set(DEPRECATED_LOSSES),
                deprecated=set(DEPRECATED_LOSSES),
            )
        ],
        "quantiles": [list, tuple, None],  # their values: _quantile_levels
        "dropout": [StrictInterval(Real, 0, 1, closed="left")],
        "recurrent_dropout": [StrictInterval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "validation_fraction": [StrictInterval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [StrictInterval(Integral, 1, None, closed="left")],
        "samples_per_epoch": [StrictInterval(Integral, 1, None, closed="left"), None],
        "scale_target": ["boolean"],
        "scale_inputs": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "cell": [StrOptions({"lstm", "gru"})],
        "warm_start": ["boolean"],
        "init": [HasMethods(["fit", "predict"]), None],  # an LSTMRegressor: checked in fit
        "epochs": [
            StrictInterval(Integral, 1, None, closed="left"),
            Hidden(StrOptions({_DEPRECATED})),
        ],
        "learning_rate": [
            StrictInterval(Real, 0, None, closed="neither"),
            Hidden(StrOptions({_DEPRECATED})),
        ],
    }

    def __init__(
        self,
        units=32,
        *,
        cell="lstm",
        max_iter=100,
        batch_size=32,
        optimizer="adam",
        learning_rate_init=0.001,
        loss="squared_error",
        quantiles=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        samples_per_epoch=None,
        scale_target=True,
        scale_inputs=True,
        random_state=None,
        verbose=0,
        warm_start=False,
        init=None,
        epochs=_DEPRECATED,
        learning_rate=_DEPRECATED,
    ):
        self.units = units
        self.cell = cell
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate_init = learning_rate_init
        self.loss = loss
        self.quantiles = quantiles
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.samples_per_epoch = samples_per_epoch
        self.scale_target = scale_target
        self.scale_inputs = scale_inputs
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.init = init
        self.epochs = epochs
        self.learning_rate = learning_rate

    # ChangeRegressor may fit it from window batches (sklstm._forecasting._windows).
    _fits_window_batches = True

    def get_params(self, deep=True):
        """Get parameters for this estimator.

        Parameters
        ----------
        deep : bool, default=True
            Kept for scikit-learn's API. ``init`` is a fitted network to
            start from, shared by clones and never changed: its own
            parameters are not listed (``init__units`` and so on), so that
            ``set_params`` cannot change it.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        return super().get_params(deep=False)

    def set_params(self, **params):
        """Set the parameters of this estimator.

        Parameters
        ----------
        **params : dict
            Estimator parameters. ``init``'s own parameters (``init__units``
            and so on) are refused: it is a fitted network shared by clones,
            not a template.

        Returns
        -------
        self : LSTMRegressor
            This estimator.
        """
        nested = sorted(key for key in params if key.startswith("init__"))
        if nested:
            raise ValueError(
                f"Invalid parameter {nested[0]!r} for estimator {type(self).__name__}: "
                "init is a fitted network to start from, shared by clones and never "
                "changed; pass another init instead."
            )
        return super().set_params(**params)

    def __sklearn_clone__(self):
        """A clone whose ``init`` is this one's: a fitted network to start
        from, read and never changed, is not a template to unfit."""
        if self.init is None:
            return super().__sklearn_clone__()
        params = {
            name: value if name == "init" else clone(value, safe=False)
            for name, value in self.get_params(deep=False).items()
        }
        new = type(self)(**params)
        if hasattr(self, "_metadata_request"):  # set_fit_request and co., as clone keeps them
            new._metadata_request = copy.deepcopy(self._metadata_request)
        return new

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Build the network and train it on ``X, y``.

        With ``warm_start=True`` and a fitted estimator, train the current
        network further instead (see Notes, "Continued training").

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps, n_features) or \
                (n_samples, n_features)
            Input sequences, oldest step first; NaN marks a missing step.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values, finite.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row's loss: finite, non-negative, not all 0 (nor
            all 0 in the training part or the validation tail with early
            stopping). None weights every row alike. See Notes, "Sample
            weights".

        Returns
        -------
        self : LSTMRegressor
            The fitted regressor.

        Raises
        ------
        ValueError
            If the loss becomes NaN or infinite (training diverged). A fit
            that raises leaves the estimator unfitted: no network with NaN
            weights, and no attribute of an earlier fit, is kept.
        """
        continuing = self.warm_start and hasattr(self, "model_")
        return self._train(X, y, sample_weight, continuing=continuing)

    @fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch over ``X, y``, building the network on the first call.

        The first call (on an unfitted estimator) fits the input and target
        scaling on its rows and builds the network; later calls continue
        from the current weights with that scaling, whatever ``warm_start``
        says. No rows are held out for early stopping. See Notes,
        "Continued training". A call that raises (other features or target
        columns, changed ``units``, a diverging loss) leaves the estimator
        unfitted, as :meth:`fit` does.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps, n_features) or \
                (n_samples, n_features)
            Input sequences, as in :meth:`fit`.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values, finite; as many columns as on the first call.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row's loss, as in :meth:`fit`.

        Returns
        -------
        self : LSTMRegressor
            The regressor, trained one more epoch.
        """
        return self._train(X, y, sample_weight, continuing=hasattr(self, "model_"), one_epoch=True)

    def _choose_settings(self, n_samples, max_iter, *, continuing=False):
        """Set the fitted ``units_``, ``batch_size_``, ``max_iter_``,
        ``early_stopping_`` and ``loss_function_``: each parameter, or for
        ``"auto"`` its setting for ``n_samples`` training rows; when
        ``continuing``, what ``"auto"`` chose when the network was built."""
        given = {
            "units": self.units,
            "batch_size": self.batch_size,
            "max_iter": max_iter,
            "early_stopping": self.early_stopping,
            "loss": self._loss_name(),
        }
        chosen = {}
        for name, value in given.items():
            kept = getattr(self, _FITTED_SETTING[name], None) if continuing else None
            if is_auto(value) and kept is not None:
                chosen[name] = kept
            else:
                chosen[name] = for_rows(value, n_samples, *AUTO_SETTINGS[name])
        self.units_ = _per_layer(chosen["units"])
        self.batch_size_ = int(chosen["batch_size"])
        self.max_iter_ = int(chosen["max_iter"])
        self.early_stopping_ = bool(chosen["early_stopping"])
        self.loss_function_ = chosen["loss"]

    def _renamed(self, old, new, stacklevel=5):
        """The value of parameter ``new``, or of its deprecated alias ``old`` when set.

        ``stacklevel`` points the warning at the caller of ``fit``: 5 from
        ``fit``'s body (past the two fit wrappers), 6 from ``_train``.
        """
        value = getattr(self, old)
        if isinstance(value, str) and value == _DEPRECATED:
            return getattr(self, new)
        warnings.warn(
            f"The parameter {old!r} of {type(self).__name__} was renamed to {new!r} "
            f"(scikit-learn's name) and will be removed in a later release; "
            f"{old}={value!r} is used now. Pass {new}={value!r} instead.",
            FutureWarning,
            stacklevel=stacklevel,
        )
        return value

    def _loss_name(self):
        """``loss``, its deprecated Keras names (``"mse"``, ``"mae"``) mapped with a warning."""
        if self.loss not in DEPRECATED_LOSSES:
            return self.loss
        new = DEPRECATED_LOSSES[self.loss]
        warnings.warn(
            f"loss={self.loss!r} was renamed to loss={new!r} (scikit-learn's name) "
            f"and will be removed in a later release. Pass loss={new!r} instead.",
            FutureWarning,
            stacklevel=7,  # the caller of fit, past _choose_settings, _train, fit and its wrappers
        )
        return new

    def _train(self, X, y, sample_weight, *, continuing, one_epoch=False):
        """Validate, scale and train: a new network, or the current one when
        ``continuing``; ``one_epoch`` (:meth:`partial_fit`): one epoch, no
        early stopping."""
        learning_rate_init = self._renamed("learning_rate", "learning_rate_init", 6)
        max_iter = self._renamed("epochs", "max_iter", 6)
        levels = self._quantile_levels()
        built = None
        from_init = not continuing and self.init is not None
        if from_init:  # fine-tuning: init's network, scaling and settings, then as continuing
            self._start_from(self.init)
            continuing = True
        if continuing:  # the layers of the network itself, whatever units_ says
            built = tuple(keras_backend().architecture(self.model_)["units"])
            wanted = built if is_auto(self.units) else _per_layer(self.units)
            self._check_continuable(wanted, levels, from_init=from_init)
        X = self._validate_X(X, reset=not continuing or from_init, batches=True)
        if from_init and self.n_features_in_ != self.init.n_features_in_:
            raise ValueError(
                f"X has {self.n_features_in_} features per time step, but the network of "
                f"init reads {self.init.n_features_in_}."
            )
        self._choose_settings(len(X), max_iter, continuing=continuing)
        if built is not None:
            self.units_ = built
        units, loss = self.units_, self.loss_function_
        if one_epoch:
            max_iter, early_stopping = 1, False
        else:
            max_iter, early_stopping = self.max_iter_, self.early_stopping_
        y = self._validate_y(y, X)
        if sample_weight is not None:  # only their ratios matter: scaled to mean 1
            sample_weight = check_sample_weight(sample_weight, X)
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

        y_ndim = y.ndim
        y = y.reshape(len(y), -1)
        if from_init and y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {y.shape[1]} column(s), but the network of init has "
                f"{self.n_outputs_} outputs: fit on a target with {self.n_outputs_} columns "
                f"(a network of load_pretrained: to_supervised(..., "
                f"horizon=range(1, {self.n_outputs_ + 1})))."
            )
        if from_init:
            self._y_ndim = y_ndim
        if continuing:
            if not from_init and y.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"y has {y.shape[1]} column(s), but the network was built for "
                    f"{self.n_outputs_}. Continued training (warm_start=True, "
                    "partial_fit) needs the same target columns; set "
                    "warm_start=False (or clone the estimator) to build a new network."
                )
            # Its own shuffling and dropout, reproducibly: the seed and the epochs so far.
            done = len(self.loss_curve_)  # n_iter_, also in files of older versions
            seed = int(np.random.RandomState([seed, done]).randint(np.iinfo(np.int32).max))
        else:
            self._y_ndim = y_ndim
            self.n_outputs_ = y.shape[1]
            self.quantiles_ = levels
        X, y, sample_weight, validation = self._split_validation(
            X, y, sample_weight, early_stopping
        )
        if not continuing:
            self.input_mean_, self.input_scale_ = (
                _input_scaling(_blocks(X, sample_weight)) if self.scale_inputs else (None, None)
            )
            self.target_scaler_ = _target_scaler(y, sample_weight) if self.scale_target else None
            if self.target_scaler_ is not None:
                self._check_target_scaler(y)
        # From window batches, the targets too are scaled a chunk at a time.
        scaled = _ScaledTargets if _is_window_batches(X) else _scaled_targets
        X = self._scale_X(X)
        if self.target_scaler_ is not None:
            y = scaled(self.target_scaler_, y)
        if validation is not None:
            X_val, y_val, w_val = validation
            if self.target_scaler_ is not None:
                y_val = scaled(self.target_scaler_, y_val)
            validation = (self._scale_X(X_val), y_val, w_val)

        backend = keras_backend()
        if not continuing:
            self.model_ = backend.build_model(
                n_features=self.n_features_in_,
                n_outputs=self.n_outputs_ * (1 if levels is None else len(levels)),
                units=units,
                dropout=self.dropout,
                recurrent_dropout=self.recurrent_dropout,
                seed=seed,
                cell=self.cell,
            )
        history = backend.train(
            self.model_,
            X,
            y,
            max_iter=max_iter,
            batch_size=self.batch_size_,
            optimizer=self.optimizer,
            learning_rate_init=learning_rate_init,
            loss=loss if levels is None else ("quantile", tuple(levels.tolist())),
            seed=seed,
            verbose=self.verbose,
            validation=validation,
            n_iter_no_change=self.n_iter_no_change,
            sample_weight=sample_weight,
            samples_per_epoch=self.samples_per_epoch,
        )
        if validation is not None:
            self._warn_if_not_converged(history["val_loss"], max_iter)
        if continuing and not from_init:  # validation scores only while every call had them
            earlier = self._history()
            history = {
                key: earlier[key] + values for key, values in history.items() if key in earlier
            }
        self._set_curves(history)
        return self

    def _warn_if_not_converged(self, val_loss, max_iter):
        """``ConvergenceWarning`` when early stopping did not end training, as in MLPRegressor.

        Training converged when the validation loss has not improved for the
        last ``n_iter_no_change`` epochs (the epoch of its minimum is that
        far back); otherwise all ``max_iter`` epochs ran while it improved.
        """
        since_best = len(val_loss) - 1 - int(np.argmin(val_loss))
        if since_best < self.n_iter_no_change:
            warnings.warn(
                f"Maximum iterations ({max_iter}) reached and the optimization hasn't "
                f"converged yet: the validation loss improved within the last "
                f"n_iter_no_change={self.n_iter_no_change} epochs. Increase max_iter "
                "to train longer.",
                ConvergenceWarning,
                stacklevel=6,  # the caller of fit, past _train, fit and its two wrappers
            )

    def _set_curves(self, history):
        """Set ``loss_curve_``, the validation scores and ``n_iter_`` from a history dict.

        ``history`` is the form the Keras side returns and saved files store:
        ``{"loss": [...]}``, with ``"val_loss"`` under early stopping.
        """
        self.loss_curve_ = [float(value) for value in history["loss"]]
        val_loss = history.get("val_loss")
        if val_loss is None:
            self.validation_scores_ = self.best_validation_score_ = None
            self.best_loss_ = min(self.loss_curve_) if self.loss_curve_ else None
        else:  # a score: greater is better
            self.validation_scores_ = [-float(value) for value in val_loss]
            self.best_validation_score_ = max(self.validation_scores_, default=None)
            self.best_loss_ = None
        self.n_iter_ = len(self.loss_curve_)

    def _history(self):
        """The curves as a history dict (the form :meth:`_set_curves` reads)."""
        history = {"loss": list(self.loss_curve_)}
        if self.validation_scores_ is not None:
            history["val_loss"] = [-score for score in self.validation_scores_]
        return history

    @property
    def history_(self):
        # Not sklearn's @deprecated: it would warn before an unfitted
        # estimator's AttributeError, so hasattr(unfitted, "history_") warned.
        if not hasattr(self, "loss_curve_"):
            raise AttributeError(f"{type(self).__name__} is not fitted: it has no history_.")
        warnings.warn(
            "history_ is deprecated and will be removed in a later release: read "
            "loss_curve_ and validation_scores_ (minus the validation loss) instead.",
            FutureWarning,
            stacklevel=2,
        )
        return self._history()

    def _start_from(self, init):
        """Take a copy of the fitted state of ``init`` (the ``init`` parameter)."""
        if type(init) is not LSTMRegressor:
            raise TypeError(
                f"init must be a fitted LSTMRegressor (a network to start from), got "
                f"{type(init).__name__}."
            )
        if not hasattr(init, "model_"):
            raise ValueError(
                "init is not fitted: pass a fitted LSTMRegressor (e.g. the network of "
                "sklstm.load_pretrained) as the network to start from."
            )
        if init.init is not None:
            raise ValueError(
                "init has an init of its own; pass a regressor fitted from a new "
                "network (init=None), or set its init to None."
            )
        params = set(self._get_param_names())
        for name in list(vars(self)):  # nothing of an earlier fit stays
            if (name.endswith("_") and not name.startswith("__")) or name == "_y_ndim":
                delattr(self, name)
        # a copy through __getstate__: the network as its .keras bytes, rebuilt
        source = copy.deepcopy(init)
        for name, value in vars(source).items():
            if name not in params and name != "_metadata_request":  # requests: this one's
                setattr(self, name, value)
        self._set_curves({"loss": []})  # this fit's epochs only

    def _check_continuable(self, units, levels, *, from_init=False):
        """Refuse to continue a network that the current parameters would not
        build (``from_init``: the copy of ``init``'s network)."""
        built = keras_backend().architecture(self.model_)
        wanted = dict(
            units=units,
            cell=self.cell,
            dropout=float(self.dropout),
            recurrent_dropout=float(self.recurrent_dropout),
        )
        changed = [
            f"{name}={wanted[name]!r} (built with {built[name]!r})"
            for name in wanted
            if built[name] != wanted[name]
        ]
        for name, fitted in (
            ("scale_inputs", self.input_mean_ is not None),
            ("scale_target", self.target_scaler_ is not None),
        ):
            if bool(getattr(self, name)) != fitted:
                changed.append(f"{name}={getattr(self, name)!r} (built with {fitted!r})")
        fitted_levels = getattr(self, "quantiles_", None)
        if (levels is None) != (fitted_levels is None) or (
            levels is not None and not np.array_equal(levels, fitted_levels)
        ):
            found = None if levels is None else levels.tolist()
            built_levels = None if fitted_levels is None else np.asarray(fitted_levels).tolist()
            changed.append(f"quantiles={found!r} (built with {built_levels!r})")
        if changed and from_init:
            raise ValueError(
                "Cannot start from init: its network was built with other parameters "
                f"than this estimator's: {', '.join(changed)}. Set them to init's "
                "(units='auto' takes init's layers)."
            )
        if changed:
            raise ValueError(
                "Cannot continue training (warm_start=True or partial_fit): the "
                f"network was built with other parameters: {', '.join(changed)}. "
                "Restore them, or set warm_start=False (or clone the estimator) to "
                "build a new network."
            )

    def _split_validation(self, X, y, sample_weight, early_stopping):
        """The training rows and weights and, with early stopping, the validation tail."""
        if not early_stopping:
            return X, y, sample_weight, None
        n_val = int(np.ceil(self.validation_fraction * len(X)))
        if n_val >= len(X):
            raise ValueError(
                f"early_stopping holds out ceil(validation_fraction * n_samples) = "
                f"{n_val} of the n_samples={len(X)} rows, which leaves none to train "
                "on. Pass more data, a smaller validation_fraction, or "
                "early_stopping=False."
            )
        split = len(X) - n_val
        w_train = w_val = None
        if sample_weight is not None:
            w_train, w_val = sample_weight[:split], sample_weight[split:]
            for part, weights in (("training rows", w_train), ("validation tail", w_val)):
                if not weights.any():
                    raise ValueError(
                        f"sample_weight is zero for every row of the {part} (early "
                        f"stopping holds out the last {n_val} rows); give some of "
                        "them a positive weight, or change validation_fraction."
                    )
        return X[:split], y[:split], w_train, (X[split:], y[split:], w_val)

    def predict(self, X):
        """Predict the target for each sequence in ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps, n_features) or \
                (n_samples, n_features)
            Input sequences, as in :meth:`fit`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs_)
            Predictions in the target's units, with the dimensions of the ``y``
            given to :meth:`fit`.
        """
        check_is_fitted(self)
        if getattr(self, "quantiles_", None) is not None:
            quantiles = self._predict_all_quantiles(X)
            y_pred = quantiles[:, :, list(self.quantiles_).index(0.5)]
        else:
            X = self._scale_X(self._validate_X(X, reset=False))
            y_pred = np.asarray(keras_backend().predict(self.model_, X), dtype=np.float64)
            if self.target_scaler_ is not None:  # inverse_transform, without re-validation
                y_pred = y_pred * self.target_scaler_.scale_ + self.target_scaler_.mean_
        return y_pred.ravel() if self._y_ndim == 1 else y_pred

    @available_if(lambda self: self.loss == "quantile")
    def predict_quantiles(self, X):
        """Predict every quantile of ``quantiles_`` for each sequence in ``X``.

        Only for ``loss="quantile"``. The quantiles of a row never cross:
        each is at least the one of the level below it (the network predicts
        non-negative gaps between them, and the target scaling maps them
        back with a positive scale).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps, n_features) or \
                (n_samples, n_features)
            Input sequences, as in :meth:`fit`.

        Returns
        -------
        y_quantiles : ndarray of shape (n_samples, n_quantiles) or \
                (n_samples, n_outputs_, n_quantiles)
            The quantiles in the target's units, one per entry of
            ``quantiles_`` along the last axis, in increasing order. The shape
            is ``(n_samples, n_quantiles)`` for a 1-D ``y`` in :meth:`fit`, and
            ``(n_samples, n_outputs_, n_quantiles)`` for a 2-D one. The entry
            for 0.5 is what :meth:`predict` returns.

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm import LSTMRegressor
        >>> rng = np.random.RandomState(0)
        >>> X = rng.uniform(size=(64, 3, 1))
        >>> y = X.sum(axis=(1, 2)) + rng.normal(scale=0.1, size=64)
        >>> model = LSTMRegressor(units=8, max_iter=5, loss="quantile",
        ...                       quantiles=(0.1, 0.5, 0.9), random_state=0).fit(X, y)
        >>> bands = model.predict_quantiles(X[:4])
        >>> bands.shape
        (4, 3)
        >>> bool((np.diff(bands, axis=1) >= 0).all())
        True
        >>> bool((bands[:, 1] == model.predict(X[:4])).all())
        True
        """
        check_is_fitted(self)
        quantiles = self._predict_all_quantiles(X)
        return quantiles[:, 0, :] if self._y_ndim == 1 else quantiles

    def _predict_all_quantiles(self, X):
        """The quantiles in the target's units, shape (n_samples, n_outputs_, n_quantiles)."""
        X = self._scale_X(self._validate_X(X, reset=False))
        levels = tuple(float(level) for level in self.quantiles_)
        quantiles = keras_backend().predict(self.model_, X, levels=levels)
        if self.target_scaler_ is not None:  # a positive scale keeps the order
            scaler = self.target_scaler_
            quantiles = quantiles * scaler.scale_[:, None] + scaler.mean_[:, None]
        return quantiles

    def _quantile_levels(self):
        """``quantiles`` checked, as a float64 array; None unless ``loss="quantile"``."""
        if self.loss != "quantile":
            if self.quantiles is not None:
                raise ValueError(
                    f"quantiles={self.quantiles!r} is only used with loss='quantile', "
                    f"but loss={self.loss!r}. Set loss='quantile', or quantiles=None."
                )
            return None
        if self.quantiles is None:
            return np.asarray(DEFAULT_QUANTILES)
        values = list(self.quantiles)
        if not values or not all(
            isinstance(v, Real) and not isinstance(v, (bool, np.bool_)) for v in values
        ):
            raise ValueError(
                f"quantiles must be a non-empty tuple of numbers; got {self.quantiles!r}."
            )
        levels = np.asarray(values, dtype=np.float64)
        if not ((levels > 0) & (levels < 1)).all():
            raise ValueError(
                f"quantiles must each lie strictly between 0 and 1; got {self.quantiles!r}."
            )
        if (np.diff(levels) <= 0).any():
            raise ValueError(
                f"quantiles must be strictly increasing (sorted, no repeats); got "
                f"{self.quantiles!r}. Pass e.g. {tuple(sorted(set(levels.tolist())))}."
            )
        if 0.5 not in levels:
            raise ValueError(
                f"quantiles must include 0.5, the median that predict returns; got "
                f"{self.quantiles!r}. Pass e.g. {tuple(sorted(set(levels.tolist()) | {0.5}))}."
            )
        return levels

    def _scale_X(self, X):
        """``X`` standardized with the fitted input scaling (a new array); for
        window batches, batches whose windows are checked and standardized."""
        if _is_window_batches(X):
            return _CheckedBatches(X, self)
        if getattr(self, "input_mean_", None) is None:
            return X
        return (X - self.input_mean_) / self.input_scale_

    def __getstate__(self):
        # The network travels as Keras's .keras bytes (sklstm._neural._format),
        # rebuilt through sklstm._neural._keras on unpickling: that import registers
        # the NaNMask layer, which a fresh process would otherwise not know.
        state = super().__getstate__()
        if "model_" in state:
            from ._format import network_to_bytes

            state = {**state, "model_": network_to_bytes(state["model_"])}
        return state

    def __setstate__(self, state):
        state = dict(state)
        state.setdefault("samples_per_epoch", None)  # saved before it existed: every row
        state.setdefault("init", None)
        if isinstance(state.get("model_"), bytes):
            from ._format import trusted_network_from_bytes

            state = {**state, "model_": trusted_network_from_bytes(state["model_"])}
        super().__setstate__(state)

    def _validate_X(self, X, *, reset, batches=False):
        """Check ``X`` and return it as a float32 array ``[samples, steps, features]``;
        with ``batches`` (training), window batches (see ``_fits_window_batches``)
        are returned as they are, after checking the windows of their first rows."""
        if _is_window_batches(X):
            if not batches:
                raise TypeError(
                    f"{type(self).__name__} predicts from arrays of windows; window "
                    "batches (ChangeRegressor(windows='batches')) are for training only."
                )
            if not len(X):
                raise ValueError("The window batches have no rows; at least 1 is required.")
            self._validate_X(X.take(np.arange(min(len(X), 64))), reset=reset)
            return X
        checked = None if reset else checked_array(self, X)  # a forecast's later step
        if checked is not None:
            return self._check_observed(checked.astype(np.float32)[:, np.newaxis, :])
        check_numeric(X, "X")
        if isinstance(X, (list, tuple)):
            X = np.asarray(X)
        ndim = getattr(X, "ndim", 2)
        if ndim > 3:
            raise ValueError(
                "LSTMRegressor expects X of shape [samples, time steps, features] "
                f"or [samples, features]; got an array with {ndim} dimension(s). "
                "Build sequences with LagFeaturizer and SequenceReshaper."
            )
        check = dict(dtype=np.float32, ensure_all_finite="allow-nan")
        if ndim < 3:  # validate_data explains how to reshape a 1-D X
            X = validate_data(self, X, reset=reset, **check)[:, np.newaxis, :]
        else:
            clean = _clean_float_array(X)
            if clean is None:  # anything else: check_array's checks and messages
                clean = check_array(X, allow_nd=True, input_name="X", estimator=self, **check)
            X = clean
            self._check_n_features_3d(X, reset=reset)
        return self._check_observed(X)

    def _check_observed(self, X):
        """``X`` (3-D), checked to have a time step and an observed step in each sample."""
        if X.shape[1] == 0:
            raise ValueError("X has 0 time steps; each sample needs at least one.")
        empty = np.isnan(X).any(axis=2).all(axis=1)
        if empty.any():
            raise ValueError(
                f"{int(empty.sum())} sample(s) of X (first: row "
                f"{int(np.argmax(empty))}) have no observed time step: every step "
                "holds a NaN. A step with a NaN is masked as missing, so keep one "
                "lag per time step (SequenceReshaper()) or set "
                "LagFeaturizer(fill_value=...)."
            )
        return X

    def _check_n_features_3d(self, X, *, reset):
        n_features = X.shape[2]
        if n_features == 0:
            raise ValueError("X has 0 features per time step; at least 1 is required.")
        if reset:
            self.n_features_in_ = n_features
            if hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        elif n_features != self.n_features_in_:
            raise ValueError(
                f"X has {n_features} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input."
            )

    def _validate_y(self, y, X):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        check_numeric(y, "y")
        y = check_array(  # rejects NaN, inf, >2 dimensions, 0 columns
            y, ensure_2d=False, dtype=np.float64, input_name="y", estimator=self
        )
        check_consistent_length(X, y)
        largest = max(abs(y.max(initial=0.0)), abs(y.min(initial=0.0)))  # no copy of y
        if not self.scale_target and largest > np.finfo(np.float32).max:
            raise ValueError(
                f"y has values as large as {largest:.3g}, beyond the float32 range "
                "(about 3.4e38) the network trains in, so they would become inf. "
                "Set scale_target=True, or divide y by a power of ten and multiply "
                "the predictions back."
            )
        return y

    def _check_target_scaler(self, y):
        """Refuse a target too large to standardize, before training blames the loss."""
        scaler = self.target_scaler_
        if np.isfinite(scaler.mean_).all() and np.isfinite(scaler.scale_).all():
            return
        largest = np.abs(y).max()
        raise ValueError(
            f"y is too large in magnitude to standardize: its largest absolute "
            f"value is {largest:.3g}, and its variance overflows float64 (values "
            "up to about 1e150 are fine). Divide y by a power of ten (e.g. "
            f"y / 1e{int(np.log10(largest))}) and multiply the predictions back."
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        # allow_nan stays False: it describes tabular (2-D) input, where a row
        # is a single time step and a NaN leaves nothing observed, which is an
        # error. NaN time steps of 3-D input are masked (see Notes).
        tags.target_tags.multi_output = True
        return tags


def _clean_float_array(X):
    """``X`` as float32 if it is a non-empty float ndarray without an infinity
    (after the cast), else None.

    What ``check_array`` returns for such an ``X``, without its dataframe
    detection, which costs as much as predicting a few rows; any other input
    goes through ``check_array``, which says what is wrong with it.
    """
    if not (isinstance(X, np.ndarray) and X.dtype.kind == "f" and X.size):
        return None
    X = X.astype(np.float32, copy=False)
    return None if np.isinf(X).any() else X


# Target rows per step of the target scaler's fit and transform: a few
# MiB of temporaries for any number of rows; one step up to this many.
_TARGET_CHUNK = 1 << 20


def _target_scaler(y, sample_weight):
    """A StandardScaler fitted to ``y`` (2-D) with ``sample_weight``, ``_TARGET_CHUNK``
    rows at a time (its ``partial_fit``: one ``fit`` for fewer rows)."""
    # Imported here: sklearn.preprocessing is most of sklstm's import time.
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().set_output(transform="default")
    for start in range(0, len(y), _TARGET_CHUNK):
        part = slice(start, start + _TARGET_CHUNK)
        scaler.partial_fit(
            y[part], sample_weight=None if sample_weight is None else sample_weight[part]
        )
    return scaler


def _scaled_targets(scaler, y):
    """``scaler.transform(y)`` as float32 (what training reads), in chunks of rows."""
    out = np.empty(y.shape, dtype=np.float32)
    for start in range(0, len(y), _TARGET_CHUNK):
        part = slice(start, start + _TARGET_CHUNK)
        out[part] = scaler.transform(y[part])
    return out


class _ScaledTargets:
    """``_scaled_targets(scaler, y)`` made a chunk of rows at a time (``take``),
    the same values, without a scaled copy of every row."""

    def __init__(self, scaler, y):
        self._scaler, self._y = scaler, y

    def __len__(self):
        return len(self._y)

    def take(self, rows):
        return self._scaler.transform(self._y[rows]).astype(np.float32)


def _is_window_batches(X):
    """Whether ``X`` is a source of windows built on demand (sklstm's
    ``WindowBatches``) rather than data."""
    return bool(getattr(X, "_window_batches", False))


class _CheckedBatches:
    """Window batches whose windows come out as the network's inputs: 3-D
    float32, checked as :meth:`LSTMRegressor.fit` checks an array, standardized."""

    def __init__(self, batches, regressor):
        self._batches, self._regressor = batches, regressor

    def __len__(self):
        return len(self._batches)

    def take(self, rows):
        regressor = self._regressor
        X = np.asarray(self._batches.take(rows), dtype=np.float32)
        X = regressor._check_observed(X if X.ndim == 3 else X[:, np.newaxis, :])
        regressor._check_n_features_3d(X, reset=False)
        if np.isinf(X).any():
            raise ValueError("The windows hold an infinite value; the network needs finite ones.")
        return regressor._scale_X(X)


def _blocks(X, sample_weight, chunk_rows=1 << 16):
    """A function giving, on each call, the values of a 3-D ``X`` (or of
    window batches) and their weights, ``chunk_rows`` time steps (or
    windows) at a time: ``(values, weights)``, float64, one row per time
    step, 0 where a value is missing."""

    def weighted(values, rows):
        observed = ~np.isnan(values)
        if sample_weight is None:
            weight = observed.astype(np.float64)
        else:  # a sample's weight for each of its steps
            weight = np.where(observed, sample_weight[rows][:, np.newaxis], 0.0)
        return np.where(observed, values, 0.0), weight

    def array_blocks():
        n_steps, n_features = X.shape[1], X.shape[2]
        flat = X.reshape(-1, n_features)
        for start in range(0, len(flat), chunk_rows):
            values = flat[start : start + chunk_rows].astype(np.float64)
            yield weighted(values, np.arange(start, start + len(values)) // n_steps)

    def batch_blocks():
        for start in range(0, len(X), chunk_rows):
            rows = np.arange(start, min(start + chunk_rows, len(X)))
            # float32 first, as an array is checked, then summed in float64
            part = np.asarray(X.take(rows), dtype=np.float32).astype(np.float64)
            part = part if part.ndim == 3 else part[:, np.newaxis, :]
            values = part.reshape(-1, part.shape[2])
            yield weighted(values, np.repeat(rows, part.shape[1]))

    return batch_blocks if _is_window_batches(X) else array_blocks


def _input_scaling(blocks):
    """Per-feature mean and standard deviation of the values ``blocks()``
    gives (see :func:`_blocks`), ignoring missing ones.

    With sample weights, each sample's steps count with its weight. A
    feature with no spread (or no observed value) gets scale 1, so that it
    is only centred and never divided by 0. The sums run in float64 over
    the blocks, so the temporaries stay small however many windows a panel
    has (no float64 copy of the whole window tensor).
    """
    count = total = 0.0
    for values, weight in blocks():
        count = count + weight.sum(axis=0)
        total = total + (weight * values).sum(axis=0)
    count = np.where(count > 0, count, 1)
    mean = total / count
    squares = 0.0
    for values, weight in blocks():
        squares = squares + (weight * (values - mean) ** 2).sum(axis=0)
    scale = np.sqrt(squares / count)
    scale[~(scale > 1e-12 * np.maximum(np.abs(mean), 1.0))] = 1.0
    return mean.astype(np.float32), scale.astype(np.float32)


def _per_layer(units):
    """``units`` (an int, or one per layer) as a tuple of ints."""
    return (int(units),) if isinstance(units, Integral) else tuple(int(u) for u in units)
