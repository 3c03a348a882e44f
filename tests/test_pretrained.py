"""load_pretrained: the shipped M3 monthly network in its recipe, on one series."""

import json
import zipfile

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import TimeSeriesSplit, cross_val_score

from sklstm import (
    ChangeRegressor,
    direct_forecast,
    load_model,
    load_pretrained,
    save_model,
    to_supervised,
)
from sklstm._persistence import _pretrained
from sklstm.datasets import load_airline

H = 18


def rmse(actual, forecast):
    return float(np.sqrt(np.mean((np.asarray(actual) - np.asarray(forecast)) ** 2)))


@pytest.fixture(scope="module")
def airline_split():
    series = load_airline()
    return series, series.iloc[:-H], series.iloc[-H:]


@pytest.fixture(scope="module")
def fitted(airline_split):
    _, train, _ = airline_split
    zero_shot = load_pretrained("m3-monthly", max_iter=0)
    return zero_shot.fit(*to_supervised(train, horizon=range(1, H + 1)))


def network_of(forecaster):
    """The pretrained network in a forecaster: frozen, or the init of its fine-tuning."""
    step = forecaster.regressor.named_steps["lstm"]
    return getattr(step, "estimator", None) or step.init


def test_a_plain_unfitted_change_regressor_fine_tuning_the_network_by_default():
    model = load_pretrained()
    assert type(model) is ChangeRegressor
    lstm = model.regressor.named_steps["lstm"]
    assert lstm.max_iter == 3 and lstm.init is network_of(model)
    frozen = load_pretrained(max_iter=0).regressor.named_steps["lstm"]
    assert type(frozen).__name__ == "FrozenEstimator" and frozen.estimator.n_iter_ == 12
    assert not hasattr(model, "regressor_")
    params = model.get_params()
    assert params["kind"] == "log"
    # fixed, not "auto": one series would resolve them otherwise
    assert params["regressor__seq__layout"] == "lags"
    assert params["regressor__relative__reference"] == 12
    network = network_of(model)
    assert network.n_outputs_ == H and network.units_ == (128,)
    # clone (GridSearchCV, cross_val_score) keeps the fitted network
    assert network_of(clone(model)) is network


def test_zero_shot_forecasts_of_the_airline_series_beat_the_naive_ones(airline_split, fitted):
    series, train, test = airline_split
    forecast = direct_forecast(fitted, train)
    assert list(forecast.index) == list(test.index)
    seasonal_naive = np.resize(train.iloc[-12:].to_numpy(), H)
    assert rmse(test, forecast) < 0.7 * rmse(test, seasonal_naive)
    # one step ahead from the actual history: the first output of each row
    one_step = np.asarray(fitted.predict(series.to_frame()))[len(train) - 1 : -1, 0]
    assert rmse(test, one_step) < 0.5 * rmse(test, series.iloc[-H - 1 : -1])


def test_zero_shot_fit_learns_the_series_not_the_network(airline_split):
    _, train, _ = airline_split
    model = load_pretrained(max_iter=0)
    before = [w.copy() for w in network_of(model).model_.get_weights()]
    model.fit(*to_supervised(train, horizon=range(1, H + 1)))
    after = model.regressor_.named_steps["lstm"].estimator.model_.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(before, after))
    assert len(model.season_.indices_) == 12  # the series' own seasonal indices


def test_forecasts_follow_the_series_scale(airline_split, fitted):
    _, train, _ = airline_split
    scaled = load_pretrained(max_iter=0)
    scaled.fit(*to_supervised(train * 1000.0, horizon=range(1, H + 1)))
    np.testing.assert_allclose(
        direct_forecast(scaled, train * 1000.0), 1000.0 * direct_forecast(fitted, train), rtol=1e-5
    )


def test_time_series_cross_validation_runs_on_one_series(airline_split):
    _, train, _ = airline_split
    X, Y = to_supervised(train, horizon=range(1, H + 1))
    scores = cross_val_score(
        load_pretrained(max_iter=1, random_state=0),
        X,
        Y,
        cv=TimeSeriesSplit(2, test_size=12),
        scoring="neg_mean_absolute_percentage_error",
    )
    assert np.all(np.isfinite(scores)) and np.all(scores > -0.2)


def test_an_unknown_name_is_refused_with_the_shipped_names():
    with pytest.raises(ValueError, match=r"No pretrained network 'm4-daily'.*'m3-monthly'"):
        load_pretrained("m4-daily")


def test_a_series_with_zeros_is_refused(airline_split):
    _, train, _ = airline_split
    with_zero = train.copy()
    with_zero.iloc[5] = 0.0
    with pytest.raises(ValueError, match="positive"):
        load_pretrained(max_iter=0).fit(*to_supervised(with_zero, horizon=range(1, H + 1)))
    assert (train > 0).all()  # the user's series is not changed


def test_a_target_of_other_horizons_is_refused_at_predict(airline_split):
    _, train, _ = airline_split
    X, y = to_supervised(train)  # one step: the network has 18 outputs
    model = load_pretrained(max_iter=0).fit(X, y)
    with pytest.raises(ValueError, match=r"predicts 18 column\(s\).*horizon=range\(1, 19\)"):
        model.predict(X)


def test_a_file_of_another_recipe_is_refused(monkeypatch):
    entry = _pretrained.PRETRAINED["m3-monthly"]
    other = _pretrained._Pretrained(entry.file, 12, 12)
    monkeypatch.setitem(_pretrained.PRETRAINED, "m3-monthly", other)
    with pytest.raises(ValueError, match="not a network of its recipe"):
        load_pretrained("m3-monthly")


@pytest.fixture(scope="module")
def tuned(airline_split):
    _, train, _ = airline_split
    model = load_pretrained("m3-monthly", random_state=0)
    return model.fit(*to_supervised(train, horizon=range(1, H + 1)))


def test_fine_tuning_trains_a_copy_of_the_network_on_the_series(airline_split, fitted, tuned):
    series, _, _ = airline_split
    lstm = tuned.regressor_.named_steps["lstm"]
    assert lstm.init is tuned.regressor.named_steps["lstm"].init  # the clone's: the same network
    assert lstm.n_iter_ == 3 and lstm.batch_size_ == 16 and lstm.units_ == (128,)
    assert not np.allclose(tuned.predict(series.to_frame()), fitted.predict(series.to_frame()))
    # the pretrained network itself is not changed by the fine-tuning
    model = load_pretrained(random_state=1)
    network = network_of(model)
    before = [w.copy() for w in network.model_.get_weights()]
    model.fit(*to_supervised(series.iloc[:-H], horizon=range(1, H + 1)))
    assert model.regressor_.named_steps["lstm"].init is network
    for first, second in zip(network.model_.get_weights(), before, strict=True):
        np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize("which", ["fitted", "tuned"])  # zero-shot, fine-tuned
def test_a_fitted_forecaster_saves_loads_and_refits_alike(tmp_path, airline_split, request, which):
    model = request.getfixturevalue(which)
    series, train, _ = airline_split
    path = tmp_path / "forecaster.sklstm"
    save_model(model, path)
    loaded = load_model(path)
    np.testing.assert_array_equal(
        loaded.predict(series.to_frame()), model.predict(series.to_frame())
    )
    X, Y = to_supervised(train, horizon=range(1, H + 1))
    np.testing.assert_array_equal(
        clone(loaded).fit(X, Y).predict(series.to_frame()),
        clone(model).fit(X, Y).predict(series.to_frame()),
    )


def rewrite_template(path, change):
    """The composite file at ``path`` with its unfitted regressor's params changed."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    (name,) = [n for n in members if n.endswith(".json") and n.startswith("regressors/")]
    document = json.loads(members[name])
    change(document["params"], len([n for n in members if n.startswith("regressors/")]))
    members[name] = json.dumps(document).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return int(name.split("/")[1].split(".")[0])


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda params, n: params.update(init={"regressor": n}), "must be another regressor"),
        (lambda params, n: params.update(init={"regressor": -1}), r"params\['init'\]"),
        (lambda params, n: params.update(init={"regressor": 0, "more": 1}), r"params\['init'\]"),
        (lambda params, n: params.update(init="model.keras"), r"params\['init'\]"),
    ],
)
def test_a_crafted_init_reference_is_refused(tmp_path, tuned, change, match):
    path = tmp_path / "crafted.sklstm"
    save_model(tuned, path)
    rewrite_template(path, change)
    with pytest.raises(ValueError, match=match):
        load_model(path)


def test_an_init_naming_itself_is_refused(tmp_path, tuned):
    path = tmp_path / "crafted.sklstm"
    save_model(tuned, path)
    with zipfile.ZipFile(path) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".json") and "regressors/" in n]
    index = int(name.split("/")[1].split(".")[0])
    rewrite_template(path, lambda params, n: params.update(init={"regressor": index}))
    with pytest.raises(ValueError, match="must be another regressor"):
        load_model(path)


def test_a_regressor_that_nothing_uses_is_refused(tmp_path, tuned):
    path = tmp_path / "crafted.sklstm"
    save_model(tuned, path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    count = json.loads(members["format.json"])["regressors"]
    (template,) = [n for n in members if n.startswith("regressors/") and n.endswith(".json")]
    members[f"regressors/{count}.json"] = members[template]  # a copy nothing refers to
    members["format.json"] = json.dumps(
        {**json.loads(members["format.json"]), "regressors": count + 1}
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match=rf"the regressors \[{count}\] are not used"):
        load_model(path)


def test_a_fine_tuning_that_cannot_start_says_why(airline_split):
    _, train, _ = airline_split
    X, y = to_supervised(train)  # one output; the network has 18
    with pytest.raises(ValueError, match=r"y has 1 column.*init has 18 outputs.*range\(1, 19\)"):
        load_pretrained(random_state=0).fit(X, y)


@pytest.mark.parametrize("max_iter", [-1, 1.5, True, "3"])
def test_a_bad_max_iter_is_refused(max_iter):
    with pytest.raises(ValueError, match="max_iter must be an int >= 0"):
        load_pretrained(max_iter=max_iter)


def test_fine_tuning_with_a_seed_is_reproducible(airline_split, tuned):
    series, train, _ = airline_split
    again = load_pretrained(random_state=0).fit(*to_supervised(train, horizon=range(1, H + 1)))
    np.testing.assert_array_equal(
        again.predict(series.to_frame()), tuned.predict(series.to_frame())
    )
