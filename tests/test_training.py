"""LSTMRegressor's training loop: history, batches, early stopping, progress output, and
fits that fail (diverge, get bad input, are interrupted) leave no fitted state behind."""

import re
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.utils._param_validation import InvalidParameterError

from sklstm import (
    ChangeRegressor,
    LagFeaturizer,
    LSTMRegressor,
)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(32, 3, 1))
    return X, X.sum(axis=(1, 2))


DIVERGING = dict(optimizer="sgd", learning_rate_init=1e6, scale_target=False)


@pytest.fixture(scope="module")
def unscaled():
    X = np.random.RandomState(0).normal(scale=1e4, size=(32, 3, 1))
    return X, 1e6 * X[:, -1, 0]


def test_a_diverging_fit_says_why_and_what_to_do(tiny, unscaled):
    X, y = unscaled
    with pytest.raises(ValueError) as error:
        tiny(**DIVERGING).fit(X, y)
    message = str(error.value)
    assert re.search(r"diverged: loss=(nan|inf) at epoch", message)  # the cause
    assert "Lower learning_rate_init" in message and "scale X" in message  # the fix


def test_a_diverging_fit_leaves_no_model_behind(tiny, data, unscaled):
    X, y = data
    model = tiny(**DIVERGING)
    with pytest.raises(ValueError, match="diverged"):
        model.fit(*unscaled)
    assert not hasattr(model, "model_") and not hasattr(model, "n_features_in_")
    with pytest.raises(NotFittedError):
        model.predict(X)

    # A fitted estimator whose refit diverges does not keep the old fit either.
    model = tiny().fit(X, y)
    with pytest.raises(ValueError, match="diverged"):
        model.set_params(**DIVERGING).fit(*unscaled)
    assert not hasattr(model, "model_")
    with pytest.raises(NotFittedError):
        model.predict(X)
    assert model.get_params()["learning_rate_init"] == 1e6  # parameters stay


def test_training_with_the_same_settings_works_after_a_divergence(tiny, unscaled):
    """The reused training loop starts clean: zero data leaves the initial weights."""
    X_zero, y_zero = np.zeros((32, 3, 1)), np.zeros(32)
    before = tiny(**DIVERGING).fit(X_zero, y_zero).predict(unscaled[0][:4] / 1e4)
    with pytest.raises(ValueError, match="diverged"):
        tiny(**DIVERGING).fit(*unscaled)
    after = tiny(**DIVERGING).fit(X_zero, y_zero).predict(unscaled[0][:4] / 1e4)
    assert np.isfinite(before).all()
    np.testing.assert_array_equal(after, before)


def test_a_batch_larger_than_the_data_is_one_batch_of_all_rows(tiny, data):
    X, y = data
    whole = tiny(batch_size=len(X)).fit(X, y)
    larger = tiny(batch_size=10 * len(X)).fit(X, y)
    np.testing.assert_array_equal(larger.predict(X), whole.predict(X))
    assert larger.loss_curve_ == whole.loss_curve_
    assert not np.array_equal(tiny(batch_size=8).fit(X, y).predict(X), whole.predict(X))


def test_zero_max_iter_is_refused_by_parameter_validation(tiny, data):
    X, y = data
    model = tiny(max_iter=0)
    with pytest.raises(InvalidParameterError, match="'max_iter' parameter"):
        model.fit(X, y)
    assert issubclass(InvalidParameterError, ValueError)
    with pytest.raises(NotFittedError):
        model.predict(X)


def test_history_holds_one_finite_loss_per_epoch_and_it_falls(tiny, data):
    X, y = data
    model = tiny(learning_rate_init=0.05).fit(X, y)
    losses = model.loss_curve_
    assert len(losses) == 3 and all(isinstance(v, float) and np.isfinite(v) for v in losses)
    assert losses[-1] < losses[0]


def test_early_stopping_validates_on_the_last_rows_and_keeps_the_best_epoch():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(200, 3, 1))
    y = X.sum(axis=(1, 2)) + np.linspace(0, 1, 200)  # the tail's targets are the largest
    model = LSTMRegressor(
        units=4,
        max_iter=300,
        learning_rate_init=0.05,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=5,
        random_state=0,
    ).fit(X, y)
    # the scaler (like the training) saw the first 180 rows only: the
    # validation rows are the last ones, in time order
    np.testing.assert_allclose(model.target_scaler_.mean_, [y[:180].mean()])
    val_loss = [-score for score in model.validation_scores_]
    assert len(val_loss) == len(model.loss_curve_) == model.n_iter_ < 300
    best = int(np.argmin(val_loss))
    assert model.n_iter_ == best + 1 + 5  # stopped 5 epochs after the best one
    # the weights kept are the best epoch's: their loss on the tail is its val_loss
    scaled = (model.predict(X[180:]) - model.target_scaler_.mean_) / model.target_scaler_.scale_
    tail = (y[180:] - model.target_scaler_.mean_) / model.target_scaler_.scale_
    assert np.mean((scaled - tail) ** 2) == pytest.approx(val_loss[best], rel=1e-4)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # few epochs
def test_early_stopping_that_never_improves_keeps_the_first_epoch():
    rng = np.random.RandomState(1)
    X = rng.uniform(size=(100, 2, 1))
    y = X.sum(axis=(1, 2))
    y[90:] *= -1  # the validation tail follows the opposite rule
    params = dict(
        units=4, learning_rate_init=0.05, early_stopping=True, n_iter_no_change=1, random_state=0
    )
    model = LSTMRegressor(max_iter=50, **params).fit(X, y)
    val_loss = [-score for score in model.validation_scores_]
    assert len(val_loss) == model.n_iter_ == 2 and val_loss[1] >= val_loss[0]
    one_epoch = LSTMRegressor(max_iter=1, **params).fit(X, y)
    np.testing.assert_array_equal(model.predict(X), one_epoch.predict(X))


def _stopping_data():
    rng = np.random.RandomState(1)
    X = rng.uniform(size=(100, 2, 1))
    return X, X.sum(axis=(1, 2))


STOPPING = dict(
    units=4, learning_rate_init=0.05, early_stopping=True, n_iter_no_change=2, random_state=0
)


def test_convergence_warning_when_early_stopping_never_ended_training():
    X, y = _stopping_data()
    stopped = LSTMRegressor(max_iter=200, **STOPPING).fit(X, y)  # ends by early stopping
    n_iter = stopped.n_iter_
    assert n_iter < 200
    # The same fit cut at n_iter epochs: the same epochs, all of max_iter run,
    # but the validation loss had stalled for n_iter_no_change epochs: converged.
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        at_limit = LSTMRegressor(max_iter=n_iter, **STOPPING).fit(X, y)
    assert at_limit.validation_scores_ == stopped.validation_scores_
    # Cut one epoch earlier, it was still improving: MLPRegressor's warning.
    message = re.escape(
        f"Maximum iterations ({n_iter - 1}) reached and the optimization hasn't converged yet"
    )
    with pytest.warns(ConvergenceWarning, match=message) as record:
        LSTMRegressor(max_iter=n_iter - 1, **STOPPING).fit(X, y)
    assert [w.filename for w in record] == [__file__]  # points at the caller of fit


def test_no_convergence_warning_without_a_stopping_criterion(tiny, data):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = tiny(max_iter=3).fit(X, y)  # a fixed budget of epochs, still improving
        assert model.loss_curve_[-1] < model.loss_curve_[0]
        model.partial_fit(X, y)  # one epoch by design
        tiny(early_stopping=True).partial_fit(X, y)  # partial_fit holds nothing out


def test_early_stopping_needs_rows_to_hold_out(tiny):
    with pytest.raises(ValueError, match="early_stopping holds out .* n_samples=1 rows"):
        tiny(early_stopping=True).fit(np.ones((1, 2, 1)), [1.0])
    model = tiny(early_stopping=False).fit(np.ones((1, 2, 1)), [1.0])
    assert model.validation_scores_ is None and model.n_iter_ == 3


def test_verbose_1_shows_the_progress_bar_2_a_summary_and_0_nothing(tiny, data, capsys):
    X, y = data
    tiny(verbose=0).fit(X, y).predict(X)
    out, err = capsys.readouterr()
    assert out == "" and err == ""
    model = tiny(verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "3/3" in out and "loss: " in out
    shown = float(re.findall(r"loss: ([0-9.e+-]+)", out)[-1])
    assert shown == pytest.approx(model.loss_curve_[-1], rel=1e-3)
    bar = out
    # verbose=2: no progress bar, one summary line with the last epoch's loss
    model = tiny(verbose=2).fit(X, y)
    out = capsys.readouterr().out
    (line,) = out.splitlines()
    assert line.startswith("3/3") and len(out) < len(bar)
    (shown,) = re.findall(r"loss: ([0-9.e+-]+)", line)
    assert float(shown) == pytest.approx(model.loss_curve_[-1], rel=1e-3)


def test_a_verbose_grid_search_can_be_followed(airline, airline_pipeline, capsys):
    X, y = airline
    pipe = airline_pipeline(look_back=2, max_iter=2, batch_size=8)
    search = GridSearchCV(
        pipe,
        {"lstm__units": [2, 3]},
        cv=TimeSeriesSplit(2),
        verbose=3,
        scoring="neg_root_mean_squared_error",
        refit=False,
    ).fit(X[:40], y[:40])
    out = capsys.readouterr().out
    assert "Fitting 2 folds for each of 2 candidates, totalling 4 fits" in out
    ends = [line for line in out.splitlines() if "END" in line]
    assert len(ends) == 4
    for units in (2, 3):
        lines = [line for line in ends if f"lstm__units={units}" in line]
        assert len(lines) == 2 and all("score=" in line for line in lines)
    scores = [float(s) for s in re.findall(r"score=(-?[0-9.]+)", out)]
    np.testing.assert_allclose(
        sorted(scores),
        sorted(search.cv_results_[f"split{i}_test_score"][c] for i in range(2) for c in range(2)),
        atol=1e-3,
    )


def test_predict_after_a_failed_fit_says_not_fitted(tiny, sequences):
    # Found by tests/test_fuzz.py. A fit that fails after validate_data has set
    # n_features_in_ made predict raise AttributeError (no model_); after an
    # earlier successful fit, predict fed the old network the new feature
    # count and TensorFlow raised InvalidArgumentError.
    X, y = sequences
    model = tiny()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        model.fit(X, y[:-1])
    with pytest.raises(NotFittedError):
        model.predict(X)
    model.fit(X, y)
    X_wider = np.concatenate([X, X], axis=2)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        model.fit(X_wider, y[:-1])
    with pytest.raises(NotFittedError):
        model.predict(X_wider)


def test_a_failed_fit_keeps_what_was_set_before_it(tiny):
    import sklearn

    with sklearn.config_context(enable_metadata_routing=True):
        model = tiny().set_score_request(sample_weight=True)
        with pytest.raises(ValueError):
            model.fit(np.zeros((3, 2, 1)), np.zeros(4))
        assert model.get_metadata_routing().score.requests["sample_weight"] is True
        assert not hasattr(model, "n_features_in_")


class Interrupt(KeyboardInterrupt):
    """Ctrl-C pressed late in fit, after the input was validated."""


class InterruptedRegressor(LinearRegression):
    def fit(self, X, y, **fit_params):
        raise Interrupt


def _interrupt(*args, **kwargs):
    raise Interrupt


# (estimator, where to interrupt its fit late, after validation, X, y)
INTERRUPTED = {
    "LSTMRegressor": (
        lambda: LSTMRegressor(units=4, max_iter=1, random_state=0),
        "sklstm._neural._regressor.check_random_state",
        np.ones((8, 2, 1)),
        np.arange(8.0),
    ),
    "LagFeaturizer": (
        lambda: LagFeaturizer(look_back=2),
        "sklstm._preprocessing._lag.next_labels",
        np.ones((8, 1)),
        None,
    ),
    "ChangeRegressor": (
        lambda: ChangeRegressor(LinearRegression()),
        "sklstm._forecasting._change.clone",
        np.ones((8, 1)),
        np.arange(8.0),
    ),
}


@pytest.mark.parametrize("name", sorted(INTERRUPTED))
def test_an_interrupted_fit_or_refit_leaves_no_fitted_state_but_keeps_settings(name, monkeypatch):
    make, target, X, y = INTERRUPTED[name]
    import sklearn

    with sklearn.config_context(enable_metadata_routing=True):
        fitted = make().fit(X, y)
        for model in (make(), fitted):
            model.set_output(transform="pandas") if hasattr(model, "transform") else (
                model.set_score_request(sample_weight=True)
            )
            settings = {k: v for k, v in vars(model).items() if not k.endswith("_")}
            settings.pop("_y_ndim", None)  # private state of the earlier fit
            with monkeypatch.context() as patch:
                patch.setattr(target, _interrupt)
                with pytest.raises(Interrupt):
                    model.fit(X, y)
            assert [k for k in vars(model) if k.endswith("_")] == []
            with pytest.raises(NotFittedError):
                (model.transform if hasattr(model, "transform") else model.predict)(X)
            for key, value in settings.items():
                assert vars(model)[key] is value
            if name == "ChangeRegressor":
                routing = model.get_metadata_routing()
                assert routing.consumes("score", ["sample_weight"]) == {"sample_weight"}
            model.fit(X, y)  # and it can be fitted again
            assert hasattr(model, "n_features_in_")
