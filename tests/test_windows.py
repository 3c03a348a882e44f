"""Windows built per batch: a global fit without the table of windows.

ChangeRegressor(windows="batches") fits its pipeline's feature steps on the
rows of the panel and trains the LSTM on windows built a chunk at a time
(sklstm._forecasting._windows). The windows, the batches and so the network
are those of the table; memory is the benchmark's to measure
(benchmarks/bench.py --only panel_scale).
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV

import sklstm._forecasting._change as change_module
import sklstm._forecasting._windows as windows_module
from sklstm import LSTMRegressor, PanelSplit, make_lstm_forecaster, to_supervised
from sklstm._forecasting._windows import WindowBatches


def monthly_panel(n_series=12, low=30, high=60, seed=0):
    """A panel of positive, seasonal, trending series of different lengths."""
    rng = np.random.default_rng(seed)
    frames = []
    for number in range(n_series):
        n = int(rng.integers(low, high))
        t = np.arange(n)
        y = 40 + 8 * number + 4 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n).cumsum()
        months = pd.period_range("2001-01", periods=n, freq="M")
        frames.append(pd.DataFrame({"series": f"s{number:02d}", "month": months, "y": y}))
    return to_supervised(
        pd.concat(frames, ignore_index=True), target="y", id="series", time="month"
    )


def forecaster(windows, **params):
    settings = dict(units=4, max_iter=3, batch_size=16, early_stopping=True) | params
    model = make_lstm_forecaster(seasonal_period=12, random_state=0, **settings)
    return model.set_params(windows=windows)


def regressor_inputs(model, X):
    """The X a fitted ChangeRegressor gives its regressor (its level in change space)."""
    return model._regressor_inputs(X, model._level_values(X))[0]


@pytest.fixture(scope="module")
def panel():
    return monthly_panel()


def test_batches_train_the_network_the_table_trains(panel):
    X, y = panel
    weight = np.random.default_rng(1).uniform(0.2, 3.0, len(X))
    fitted = {
        windows: forecaster(windows).fit(X, y, sample_weight=weight)
        for windows in ("table", "batches")
    }
    table, batches = fitted["table"], fitted["batches"]
    np.testing.assert_array_equal(table.predict(X), batches.predict(X))
    lstm_table, lstm_batches = table.regressor_[-1], batches.regressor_[-1]
    assert lstm_table.loss_curve_ == lstm_batches.loss_curve_
    np.testing.assert_allclose(
        lstm_table.validation_scores_, lstm_batches.validation_scores_, rtol=1e-6
    )


def test_auto_builds_windows_per_batch_for_a_panel_above_the_threshold(panel, monkeypatch):
    X, y = panel
    used = []
    original = change_module.fit_by_batches

    def spy(*args, **kwargs):
        used.append(True)
        return original(*args, **kwargs)

    monkeypatch.setattr(change_module, "fit_by_batches", spy)
    forecaster("auto", max_iter=1).fit(X, y)
    assert used == []  # 400-odd rows: at most FIT_ROWS, the table
    monkeypatch.setattr(change_module, "FIT_ROWS", len(X) - 1)
    forecaster("auto", max_iter=1).fit(X, y)
    assert used == [True]
    # a regressor that is not a pipeline ending in an LSTM: the table
    forecaster("auto").set_params(regressor__seq="passthrough", regressor__lstm=Ridge()).fit(X, y)
    assert used == [True]


def test_windows_are_built_a_bounded_chunk_at_a_time(panel, monkeypatch):
    X, y = panel
    import sklstm._neural._keras as keras_module

    monkeypatch.setattr(keras_module, "_TRAIN_CHUNK", 50)  # 3 batches of 16
    monkeypatch.setattr(keras_module, "_PREDICT_CHUNK", 40)  # the validation tail's
    taken = []
    original = WindowBatches.take

    def spy(self, rows):
        taken.append(len(rows))
        return original(self, rows)

    monkeypatch.setattr(WindowBatches, "take", spy)
    forecaster("batches", max_iter=2).fit(X, y)
    assert taken[0] == 64  # the first rows' windows, checked before training
    assert max(taken[1:]) == 48 and 40 in taken[1:]
    n_train = len(X) - int(np.ceil(0.1 * len(X)))
    assert sum(n for n in taken[1:] if n in (48, n_train % 48)) >= 2 * n_train


def test_samples_per_epoch_draws_that_many_windows_each_epoch(panel, monkeypatch):
    X, y = panel
    taken = []
    original = WindowBatches.take

    def spy(self, rows):
        taken.append(np.asarray(rows).copy())
        return original(self, rows)

    monkeypatch.setattr(WindowBatches, "take", spy)
    model = forecaster("batches", max_iter=3, samples_per_epoch=100, early_stopping=False)
    model.fit(X, y)
    epochs = [rows for rows in taken if len(rows) == 100]
    assert len(epochs) == 3  # one draw of 100 windows per epoch
    assert len({tuple(np.sort(rows)) for rows in epochs}) == 3  # drawn afresh
    # the same draws from an array: the same network
    table = forecaster("table", max_iter=3, samples_per_epoch=100, early_stopping=False)
    np.testing.assert_array_equal(table.fit(X, y).predict(X), model.predict(X))


def test_samples_per_epoch_as_large_as_the_data_is_every_row(panel):
    X, y = panel
    every = forecaster("table", max_iter=2).fit(X, y).predict(X)
    drawn = forecaster("table", max_iter=2, samples_per_epoch=10**6).fit(X, y).predict(X)
    np.testing.assert_array_equal(every, drawn)
    fewer = forecaster("table", max_iter=2, samples_per_epoch=50).fit(X, y).predict(X)
    assert not np.array_equal(every, fewer)


@pytest.mark.parametrize("shuffled", [False, True])
def test_a_sample_of_series_fits_the_steps_and_every_series_is_continued(monkeypatch, shuffled):
    X, y = monthly_panel(n_series=10, low=40, high=50)
    # the panel's last 6 months of every series are a later fold
    months = X.index.get_level_values("month")
    cut = months.max() - 6
    train, test = months <= cut, months > cut
    monkeypatch.setattr(windows_module, "FIT_ROWS", 100)  # every k-th series only
    X_train, y_train = X[train], y[train]
    if shuffled:  # rows in any order: each series is still read oldest first
        order = np.random.default_rng(0).permutation(len(X_train))
        X_train, y_train = X_train.iloc[order], y_train.iloc[order]
    model = forecaster("batches", max_iter=1).fit(X_train, y_train)
    lags = model.regressor_.named_steps["lags"]
    keys = set(X[train].index.get_level_values("series"))
    assert set(lags.tail_) == keys  # refitted on the latest rows of every series
    # its windows of the later fold read each series' own history, as the table's do
    table = forecaster("table", max_iter=1).fit(X[train], y[train])
    change_space = regressor_inputs(model, X[test])
    up_to_lags = slice(0, 2)  # calendar, lags
    assert model.regressor_.steps[1][0] == "lags"
    windows = np.asarray(model.regressor_[up_to_lags].transform(change_space))
    assert not np.isnan(windows).any()  # no lag filled: each series continued
    np.testing.assert_allclose(windows, table.regressor_[up_to_lags].transform(change_space))
    # the scaler saw a sample: the latest rows of every k-th series
    scaler = model.regressor_.named_steps["scale"]
    assert 100 <= scaler.n_samples_seen_ < train.sum()


def test_rows_to_fit_are_the_latest_rows_of_some_series_in_time_order(monkeypatch):
    X, _ = monthly_panel(n_series=40, low=30, high=31)
    monkeypatch.setattr(windows_module, "FIT_ROWS", 200)
    for rows_of in (X, X.sample(frac=1.0, random_state=0)):  # any order of the rows
        rows = WindowBatches(None, rows_of).rows_to_fit()
        assert 200 <= len(rows) < len(rows_of)  # the auto side of the threshold kept
        sample = rows_of.iloc[rows]
        for key, part in sample.groupby(level="series"):
            months = part.index.get_level_values("month")
            assert months.is_monotonic_increasing  # oldest first, whatever X's order
            everything = rows_of.xs(key, level="series").index
            assert months.max() == everything.max()  # the series' latest rows
            assert len(months) == months.max().ordinal - months.min().ordinal + 1
    # a few long series: their latest rows, not all of them
    long, _ = monthly_panel(n_series=2, low=3000, high=3001)
    assert len(WindowBatches(None, long).rows_to_fit()) == 200


def test_grid_search_over_panel_split_scores_as_the_table_does(panel):
    X, y = panel
    scores = {}
    for windows in ("table", "batches"):
        search = GridSearchCV(
            forecaster(windows, max_iter=1, early_stopping=False),
            {"regressor__lstm__units": [2, 3]},
            cv=PanelSplit(n_splits=2),
            scoring="neg_root_mean_squared_error",
        ).fit(X, y)
        scores[windows] = search.cv_results_["mean_test_score"]
    np.testing.assert_array_equal(scores["table"], scores["batches"])


def test_batches_refuse_what_they_cannot_build(panel):
    X, y = panel
    one_series = X.droplevel("series").iloc[:40], y.iloc[:40]
    with pytest.raises(ValueError, match=r"X is not a panel.*windows='table'"):
        forecaster("batches").fit(*one_series)
    ridge = forecaster("batches").set_params(regressor__seq="passthrough", regressor__lstm=Ridge())
    with pytest.raises(ValueError, match=r"not a Pipeline \(without memory\) of feature steps"):
        ridge.fit(X, y)
    with pytest.raises(ValueError, match="fit parameters go to steps other than the last"):
        forecaster("batches").fit(X, y, scale__sample_weight=np.ones(len(X)))


def test_lstm_regressor_checks_the_windows_it_is_given(panel):
    X, y = panel
    model = forecaster("table", max_iter=1).fit(X, y)
    features = model.regressor_[:-1]
    batches = WindowBatches(features, regressor_inputs(model, X))
    with pytest.raises(ValueError, match="features, but LSTMRegressor is expecting 5"):
        lstm = LSTMRegressor(units=2, max_iter=1, random_state=0)
        lstm.n_features_in_ = 5
        lstm.set_params(warm_start=False)
        lstm._validate_X(batches, reset=False, batches=True)
    with pytest.raises(TypeError, match="window batches .* are for training only"):
        model.regressor_[-1].predict(batches)
    with pytest.raises(TypeError, match=r"WindowBatches are sliced with \[start:stop\]"):
        batches[[1, 2]]
    with pytest.raises(ValueError, match="need a panel"):
        WindowBatches(features, X.droplevel("series"))


def test_models_saved_before_the_parameters_existed_load_with_their_defaults(panel):
    import pickle

    X, y = panel
    model = forecaster("table", max_iter=1).fit(X, y)
    lstm = model.regressor_[-1]
    del model.__dict__["windows"], lstm.__dict__["samples_per_epoch"]  # as older versions saved
    loaded = pickle.loads(pickle.dumps(model))
    assert loaded.get_params()["windows"] == "auto"
    assert loaded.regressor_[-1].get_params()["samples_per_epoch"] is None
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_validation_rows_of_weight_zero_leave_the_loss_finite(panel, monkeypatch):
    import sklstm._neural._keras as keras_module

    X, y = panel
    monkeypatch.setattr(keras_module, "_PREDICT_CHUNK", 8)  # chunks of weight 0 only
    months = X.index.get_level_values("month")
    weight = np.where(months >= months.max() - 2, 0.0, 1.0)  # the latest months: 0
    scores = {
        windows: forecaster(windows, max_iter=2)
        .fit(X, y, sample_weight=weight)
        .regressor_[-1]
        .validation_scores_
        for windows in ("table", "batches")
    }
    np.testing.assert_allclose(scores["table"], scores["batches"], rtol=1e-6)
    # a draw of the validation tail takes rows of positive weight
    drawn = forecaster("table", max_iter=2, samples_per_epoch=30).fit(X, y, sample_weight=weight)
    assert np.isfinite(drawn.regressor_[-1].validation_scores_).all()


def test_stacked_history_steps_read_all_the_rows_they_need(panel):
    from sklearn.pipeline import Pipeline

    from sklstm import ChangeRegressor, LagFeaturizer, SequenceReshaper

    X, y = panel
    twice = Pipeline(  # lags of lags: 3 + 3 - 1 = 5 rows per window
        [
            ("lags", LagFeaturizer(3, fill_value=0.0)),
            ("again", LagFeaturizer(3, fill_value=0.0)),
            ("seq", SequenceReshaper(layout="window")),
            ("lstm", LSTMRegressor(units=2, max_iter=1, random_state=0)),
        ]
    ).set_output(transform="pandas")  # the second lags find the series in the index
    predictions = {
        windows: ChangeRegressor(twice, kind="log", windows=windows).fit(X, y).predict(X)
        for windows in ("table", "batches")
    }
    np.testing.assert_array_equal(predictions["table"], predictions["batches"])


def test_auto_keeps_the_table_for_steps_it_does_not_know(panel, monkeypatch):
    from sklearn.preprocessing import FunctionTransformer

    X, y = panel
    used = []
    original = change_module.fit_by_batches
    monkeypatch.setattr(
        change_module, "fit_by_batches", lambda *a, **k: used.append(1) or original(*a, **k)
    )
    monkeypatch.setattr(change_module, "FIT_ROWS", len(X) - 1)
    own_step = forecaster("auto", max_iter=1)
    own_step.regressor.steps.insert(0, ("own", FunctionTransformer()))  # may read any row
    own_step.fit(X, y)
    # a cache (Pipeline memory) would fit clones of the steps, not the steps
    with pytest.raises(ValueError, match=r"Pipeline \(without memory\)"):
        forecaster("batches").set_params(regressor__memory="unused-cache-dir").fit(X, y)
    assert used == []
    forecaster("auto", max_iter=1).fit(X, y)  # sklstm's steps: per batch
    assert used == [1]
