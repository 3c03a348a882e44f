"""Networks pretrained on many series, shipped with sklstm: :func:`load_pretrained`.

A pretrained network is a bare :class:`~sklstm.LSTMRegressor` file
(:func:`~sklstm.save_model`'s format, read back through
:func:`~sklstm.load_model`'s checks) fitted inside :func:`pretraining_forecaster`
on a panel. :func:`load_pretrained` puts it back into that same recipe, as
the start of a fine-tuning (``LSTMRegressor(init=network)``) or frozen
(zero-shot): fitting the returned forecaster on one series learns what
belongs to the series (its seasonal indices, its level, its lags) and, when
fine-tuning, trains a copy of the network a few epochs on it.
"""

from dataclasses import dataclass
from importlib import resources
from numbers import Integral

from .._forecasting._recipe import make_lstm_forecaster
from .._neural._regressor import LSTMRegressor
from ._api import load_model


@dataclass(frozen=True)
class _Pretrained:
    """One shipped network: its file and the recipe it was trained in."""

    file: str  # in sklstm/_persistence/pretrained/
    seasonal_period: int
    horizon: int  # outputs: the changes 1 .. horizon steps ahead


PRETRAINED = {
    # the training parts of the 1045 M3 monthly series with at least 81
    # training months (benchmarks/pretrain.py)
    "m3-monthly": _Pretrained("m3-monthly.sklstm", 12, 18),
}


def pretraining_forecaster(seasonal_period=12, *, random_state=None, **lstm_params):
    """The recipe a shipped network is trained in, unfrozen.

    :func:`~sklstm.make_lstm_forecaster` as a global model resolves it on a
    large panel (log changes, windows relative to the mean of the last
    ``seasonal_period`` values, one LSTM step per lag, the season taken out),
    with those choices fixed rather than ``"auto"`` so that they do not
    change on one series, and the input scaling inside the network
    (``scale_inputs=True``), so that the network file alone carries
    everything that was learned from the panel.
    """
    return make_lstm_forecaster(
        seasonal_period=seasonal_period,
        kind="log",
        reference=seasonal_period,
        random_state=random_state,
        **{"scale_inputs": True, **lstm_params},
    ).set_params(regressor__scale="passthrough", regressor__seq__layout="lags")


# Fine-tuning on one series, chosen on validation parts of M3 series the network
# never saw (docs/benchmark-records.md): a few small steps from the pretrained
# weights, none held out.
FINE_TUNING = {"batch_size": 16, "learning_rate_init": 0.0003, "early_stopping": False}
FINE_TUNING_EPOCHS = 3  # load_pretrained's default max_iter


def pretrained_forecaster(network, seasonal_period=12, *, max_iter=0, random_state=None):
    """:func:`pretraining_forecaster` with the fitted ``network`` in it: frozen
    (``max_iter=0``), or the start of ``max_iter`` epochs of fine-tuning."""
    if max_iter == 0:
        from sklearn.frozen import FrozenEstimator  # scikit-learn >= 1.6

        lstm = FrozenEstimator(network)
    else:
        lstm = LSTMRegressor(
            units="auto",
            loss="auto",
            max_iter=max_iter,
            init=network,
            random_state=random_state,
            **FINE_TUNING,
        )
    return pretraining_forecaster(seasonal_period).set_params(regressor__lstm=lstm)


def load_pretrained(name="m3-monthly", *, max_iter=FINE_TUNING_EPOCHS, random_state=None):
    """A forecaster whose network was trained on many series, ready to fit on one.

    The network comes inside the recipe it was trained in (the month as a
    calendar feature, windows of 13 months relative to the mean of the last
    12, log changes, the season taken out). :meth:`~sklstm.ChangeRegressor.fit`
    on a series learns what belongs to that series (its seasonal indices,
    its level, its last values) and trains a copy of the network
    ``max_iter`` epochs on it (*fine-tuning*: :class:`~sklstm.LSTMRegressor`'s
    ``init``, in batches of 16 at a learning rate of 0.0003, nothing held
    out; the shipped network is not changed). With ``max_iter=0`` the
    network is frozen (a :class:`sklearn.frozen.FrozenEstimator`) and the
    forecasts are *zero-shot*; fitting then takes a fraction of a second.
    Three epochs, the default, forecast better than zero-shot on the
    validation parts of M3 series the network never saw and on public
    monthly series (see :doc:`/pretrained`). The result is a plain
    :class:`~sklstm.ChangeRegressor`: ``clone``, ``cross_val_score``,
    :func:`~sklstm.direct_forecast` and :func:`~sklstm.save_model` work on it
    as on any other.

    ``"m3-monthly"`` forecasts a **monthly** series of **positive** values
    1 to 18 months ahead (it learned log changes). It was trained on the
    training parts of the 1045 M3 monthly series with at least 81 training
    months: business, economic, demographic and industry series of a few
    years to a few decades, and it is for series like those. It is not for
    other frequencies, for series with zeros or negative values, nor for
    more than 18 steps ahead. Fit it on ``to_supervised(series,
    horizon=range(1, 19))``.

    Parameters
    ----------
    name : str, default="m3-monthly"
        The pretrained network. Shipped: ``"m3-monthly"``.
    max_iter : int >= 0, default=3
        Epochs of fine-tuning on the series in :meth:`fit`; 0 keeps the
        network as it was pretrained (zero-shot).
    random_state : int, RandomState instance or None, default=None
        Seeds the fine-tuning's batch order (unused with ``max_iter=0``):
        an int gives the same forecasts on every fit.

    Returns
    -------
    forecaster : ChangeRegressor
        Unfitted (the pretrained network in it is fitted). Its network step
        is ``regressor__lstm``: an ``LSTMRegressor(init=network,
        max_iter=max_iter, ...)``, or the frozen network.

    Raises
    ------
    ValueError
        If ``name`` is not a shipped network, ``max_iter`` is not an int >= 0,
        or the shipped file does not
        pass :func:`~sklstm.load_model`'s checks or is not a network of that
        recipe.

    See Also
    --------
    make_lstm_forecaster : The recipe, trained on your own series.
    direct_forecast : The 18 months after the end of a series.

    Notes
    -----
    The network's outputs are the changes 1 to 18 months ahead, so ``fit``
    needs a target with 18 columns; ``predict``'s first column is the
    one-step forecast. The file is read with :func:`~sklstm.load_model`, as
    any model file: its network must be exactly the one its parameters
    describe.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklstm import direct_forecast, load_pretrained, to_supervised
    >>> months = pd.period_range("2015-01", periods=72, freq="M")
    >>> series = pd.Series(
    ...     200 + 2 * np.arange(72) + 30 * np.sin(2 * np.pi * months.month / 12),
    ...     index=months, name="sales")
    >>> model = load_pretrained("m3-monthly", random_state=0)
    >>> X, Y = to_supervised(series, horizon=range(1, 19))
    >>> forecast = direct_forecast(model.fit(X, Y), series)
    >>> forecast.index[[0, -1]].astype(str).tolist()
    ['2021-01', '2022-06']
    >>> model.regressor_.named_steps["lstm"].n_iter_  # epochs of fine-tuning
    3

    Zero-shot, the network as it was pretrained:

    >>> frozen = load_pretrained("m3-monthly", max_iter=0).fit(X, Y)
    >>> type(frozen.regressor_.named_steps["lstm"]).__name__
    'FrozenEstimator'
    """
    if not isinstance(name, str) or name not in PRETRAINED:
        raise ValueError(
            f"No pretrained network {name!r}; the shipped ones are {sorted(PRETRAINED)}."
        )
    if isinstance(max_iter, bool) or not isinstance(max_iter, Integral) or max_iter < 0:
        raise ValueError(f"max_iter must be an int >= 0 (0: zero-shot), got {max_iter!r}.")
    entry = PRETRAINED[name]
    with resources.as_file(resources.files(__package__) / "pretrained" / entry.file) as path:
        network = load_model(path)
    _check_network(network, name, entry)
    return pretrained_forecaster(
        network, entry.seasonal_period, max_iter=max_iter, random_state=random_state
    )


def _check_network(network, name, entry):
    """Refuse a file that is not a network of ``entry``'s recipe."""
    # The recipe's inputs: the lag and the calendar's sine and cosine, one
    # LSTM step per month of the window (look_back = seasonal_period + 1).
    expected = {
        "n_features_in_": 3,
        "n_outputs_": entry.horizon,
        "scale_inputs": True,
    }
    found = {key: getattr(network, key, None) for key in expected}
    if type(network) is not LSTMRegressor or found != expected:
        raise ValueError(
            f"The file of the pretrained network {name!r} is not a network of its "
            f"recipe: expected an LSTMRegressor with {expected}, got "
            f"{type(network).__name__} with {found}. Reinstall sklstm."
        )
