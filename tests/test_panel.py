"""Panels (global models): many series in one long table, indexed by (series, time).

to_supervised(..., id=) pairs each series on its own; LagFeaturizer lags each
series on its own and gives a later fold each series' own history.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.dummy import DummyRegressor

from sklstm import ChangeRegressor, LagFeaturizer, PanelSplit, to_supervised

# Series "b" lives around 1000, far from "a" (0..) and "c" (-1000..): a value
# tells which series it came from.
LEVELS = {"a": 0.0, "b": 1000.0, "c": -1000.0}


def long_panel(lengths, starts=None, order="series", seed=0):
    """A long-format table: columns store/sales/price, time in the index.

    The value of a row is its series' level plus its time, so every lag says
    where (which series) and when it came from.
    """
    starts = starts or dict.fromkeys(lengths, 0)
    rows = [
        (key, starts[key] + t, LEVELS[key] + starts[key] + t, LEVELS[key] / 10 - t)
        for key, n in lengths.items()
        for t in range(n)
    ]
    frame = pd.DataFrame(rows, columns=["store", "week", "sales", "price"])
    if order == "time":  # interleaved: a1 b1 a2 b2 ...
        frame = frame.sort_values(["week", "store"], kind="stable")
    elif order == "shuffled series":  # the series' blocks in a random order
        keys = list(np.random.RandomState(seed).permutation(list(lengths)))
        frame = frame.sort_values("store", key=lambda s: s.map(keys.index), kind="stable")
    return frame.set_index("week")


# to_supervised ---------------------------------------------------------------


@pytest.mark.parametrize("order", ["series", "time", "shuffled series"])
@pytest.mark.parametrize("horizon", [1, 2, [1, 3]])
@pytest.mark.parametrize("features", [None, ["price"]])
def test_to_supervised_on_a_panel_is_each_series_on_its_own_stacked(order, horizon, features):
    data = long_panel({"a": 6, "b": 4, "c": 5}, order=order)
    X, y = to_supervised(data, horizon, target="sales", features=features, id="store")

    keys = list(dict.fromkeys(data["store"]))  # order of first appearance
    parts = [
        to_supervised(
            data[data["store"] == key].drop(columns="store"),
            horizon,
            target="sales",
            features=features,
        )
        for key in keys
    ]
    expected_X = pd.concat([x for x, _ in parts], keys=keys, names=["store", "week"])
    expected_y = pd.concat([t for _, t in parts], keys=keys, names=["store", "week"])
    pd.testing.assert_frame_equal(X, expected_X)
    if isinstance(horizon, int):
        pd.testing.assert_series_equal(y, expected_y)
    else:
        pd.testing.assert_frame_equal(y, expected_y)
        assert list(y.columns) == ["sales_t+1", "sales_t+3"]
    assert list(X.columns) == (features or ["sales", "price"])
    steps = max(np.atleast_1d(horizon))
    assert len(X) == 6 + 4 + 5 - 3 * steps  # each series loses its own last rows


def test_no_pair_spans_two_series():
    data = long_panel({"a": 5, "b": 5}, order="time")
    X, y = to_supervised(data, horizon=2, target="sales", id="store")
    assert X.index.names == ["store", "week"]
    # every target is its own series' value two weeks later
    series = X.index.get_level_values("store").map(LEVELS).to_numpy()
    weeks = X.index.get_level_values("week").to_numpy()
    np.testing.assert_array_equal(y.to_numpy(), series + weeks + 2)
    np.testing.assert_array_equal(X["sales"].to_numpy(), series + weeks)
    assert X.index.is_monotonic_increasing  # each series in time order


def test_time_may_be_a_column_and_the_data_is_not_changed():
    data = long_panel({"a": 4, "b": 3}, order="time")
    copy = data.copy()
    X, y = to_supervised(data, target="sales", id="store")
    X2, y2 = to_supervised(data.reset_index(), target="sales", id="store", time="week")
    pd.testing.assert_frame_equal(X, X2)
    pd.testing.assert_series_equal(y, y2)
    pd.testing.assert_frame_equal(data, copy)
    X.iloc[0, 0] = -1.0
    pd.testing.assert_frame_equal(data, copy)


def test_a_panel_keeps_period_times_for_panel_split():
    weeks = pd.period_range("2024-01", periods=6, freq="M")
    data = pd.DataFrame(
        {"store": ["a"] * 6 + ["b"] * 6, "sales": np.arange(12.0)}, index=weeks.append(weeks)
    )
    X, y = to_supervised(data, target="sales", id="store")
    assert isinstance(X.index.levels[1], pd.PeriodIndex)
    folds = list(PanelSplit(n_splits=2, test_size=2).split(X, y))
    assert [len(test) for _, test in folds] == [4, 4]


def test_a_series_too_short_gives_no_samples_with_a_warning():
    data = long_panel({"a": 5, "b": 1})
    with pytest.warns(UserWarning, match=r"1 series .* no samples: \['b'\]") as record:
        X, y = to_supervised(data, target="sales", id="store")
    assert record[0].filename == __file__  # points at the caller
    assert set(X.index.get_level_values("store")) == {"a"}
    with pytest.raises(ValueError, match="more observations than the horizon"):
        to_supervised(long_panel({"a": 2, "b": 1}), horizon=2, target="sales", id="store")


def test_without_id_nothing_changes():
    data = long_panel({"a": 4}).drop(columns="store")
    X, y = to_supervised(data, target="sales")
    assert X.index.equals(data.index[:-1])


@pytest.mark.parametrize(
    "change, kwargs, error, match",
    [
        (None, {"id": "shop"}, ValueError, r"id 'shop' is not a column.*'store'"),
        ("index", {"id": "store"}, ValueError, r"level of data's index.*reset_index"),
        (None, {"id": "store", "time": "date"}, ValueError, "time 'date' is not a column"),
        (None, {"id": "store", "time": "store"}, ValueError, "must differ"),
        (None, {"time": "week"}, ValueError, "needs id="),
        ("repeat", {"id": "store"}, ValueError, r"more than one row for series 'a' at time 1"),
        ("nan id", {"id": "store"}, ValueError, r"id column 'store' is missing in 1 row"),
        ("nan time", {"id": "store"}, ValueError, "missing times"),
        (
            "shuffle a",
            {"id": "store"},
            ValueError,
            r"time of series 'a' is not in increasing time order: label 1 \(row 2 of",
        ),
        (
            "reverse b",
            {"id": "store"},
            ValueError,
            r"time of series 'b' is in decreasing time order.*sort_values",
        ),
        ("multiindex", {"id": "store"}, ValueError, "MultiIndex"),
        ("series", {"id": "store"}, TypeError, "long-format DataFrame"),
        (
            None,
            {"id": "store", "features": ["store", "price"]},
            ValueError,
            r"features \['store'\] name the panel's id",
        ),
        (None, {"id": "store", "target": "store"}, ValueError, "target 'store' is the panel's id"),
        ("no target", {"id": "store"}, ValueError, r"2 columns besides \['store'\]"),
        ("text", {"id": "store"}, TypeError, "numeric"),
    ],
)
def test_bad_panels_are_refused_with_the_fix(change, kwargs, error, match):
    data = long_panel({"a": 4, "b": 4})
    kwargs = {"target": "sales", **kwargs}
    if change == "index":
        data = data.set_index("store", append=True)
    elif change == "repeat":
        data = pd.concat([data, data.iloc[[1]]])
    elif change == "nan id":
        data = data.assign(store=data["store"].where(np.arange(8) != 2))
    elif change == "nan time":
        data = data.set_axis(data.index.astype(float).where(np.arange(8) != 2))
    elif change == "shuffle a":
        data = data.iloc[[0, 2, 1, 3, 4, 5, 6, 7]]
    elif change == "reverse b":
        data = data.iloc[[0, 1, 2, 3, 7, 6, 5, 4]]
    elif change == "multiindex":
        data = data.set_index("store", append=True).assign(store="x")
    elif change == "series":
        data = data["sales"]
    elif change == "no target":
        kwargs.pop("target")
    elif change == "text":
        data = data.assign(price="cheap")
    with pytest.raises(error, match=match):
        to_supervised(data, **kwargs)


# LagFeaturizer ---------------------------------------------------------------


def panel_X(lengths, starts=None, order="series", seed=0):
    """The panel indexed by (store, week), as LagFeaturizer gets it."""
    frame = long_panel(lengths, starts, order, seed)
    return frame.set_index("store", append=True).swaplevel()[["sales", "price"]]


def which_series(values):
    """The series a lag value came from (NaN: none)."""
    out = np.full(values.shape, "", dtype=object)
    for key, level in LEVELS.items():
        out[np.abs(values - level) < 500] = key
    return out


@pytest.mark.parametrize("look_back", [2, 3, 5])
def test_no_window_crosses_a_series_boundary(look_back):
    X = panel_X({"a": 6, "b": 4, "c": 2})[["sales"]]
    out = LagFeaturizer(look_back=look_back).fit_transform(X)
    series = X.index.get_level_values("store").to_numpy()
    source = which_series(out)
    filled = np.isnan(out)
    assert ((source == series[:, np.newaxis]) | filled).all()
    # each series' first look_back - 1 rows lack exactly their missing history
    position = X.groupby(level="store").cumcount().to_numpy()
    np.testing.assert_array_equal(filled.sum(axis=1), np.maximum(look_back - 1 - position, 0))
    # and the rest is the series' own past, step by step
    weeks = X.index.get_level_values("week").to_numpy()
    lags = np.arange(look_back - 1, -1, -1)
    expected = (pd.Series(series).map(LEVELS).to_numpy() + weeks)[:, None] - lags
    np.testing.assert_array_equal(out[~filled], expected[~filled])


@pytest.mark.parametrize("order", ["time", "shuffled series"])
def test_rows_in_any_series_order_get_their_own_windows(order):
    lengths = {"a": 7, "b": 5, "c": 6}
    ordered = panel_X(lengths)
    X = ordered.loc[panel_X(lengths, order=order).index]  # same rows, other order
    assert not X.index.equals(ordered.index)
    lags = LagFeaturizer(look_back=3).set_output(transform="pandas")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # each series is in time order: no warning
        out = lags.fit_transform(X)
    assert out.index.equals(X.index)
    expected = LagFeaturizer(look_back=3).set_output(transform="pandas").fit_transform(ordered)
    pd.testing.assert_frame_equal(out.loc[expected.index], expected)


def test_fill_value_fills_each_series_start():
    X = panel_X({"a": 3, "b": 3})[["sales"]]
    out = LagFeaturizer(look_back=2, fill_value=-1.0).fit_transform(X)
    np.testing.assert_array_equal(out[:, 0], [-1, 0, 1, -1, 1000, 1001])


def regular(times):
    """Whether a frequency can be inferred from the panel's distinct times."""
    times = times.unique().sort_values()
    return len(times) >= 3 and pd.infer_freq(times) is not None


@st.composite
def panels(draw):
    n_series = draw(st.integers(1, 3))
    keys = list(LEVELS)[:n_series]
    starts = {k: draw(st.integers(0, 6), label=f"start {k}") for k in keys}
    lengths = {k: draw(st.integers(1, 14), label=f"length {k}") for k in keys}
    order = draw(st.sampled_from(["series", "time", "shuffled series"]))
    return panel_X(lengths, starts, order)


@settings(max_examples=60, deadline=None)
@given(
    X=panels(),
    look_back=st.integers(1, 5),
    n_splits=st.integers(2, 4),
    test_size=st.integers(1, 3),
    time=st.sampled_from(["int", "period", "datetime"]),
)
def test_a_later_fold_gets_each_series_own_history(X, look_back, n_splits, test_size, time):
    weeks = X.index.get_level_values(1)
    stamps = {
        "int": weeks,
        "period": pd.Period("2024-01", freq="M") + weeks.to_numpy(),
        "datetime": pd.Timestamp("2024-01-01") + pd.to_timedelta(weeks, unit="D"),
    }[time]
    X = X.set_axis(pd.MultiIndex.from_arrays([X.index.get_level_values(0), stamps]))
    n_times = weeks.nunique()
    # enough time stamps for these folds, and rows for the whole-panel fit
    assume(n_times >= n_splits * test_size + 1 and len(X) >= look_back)
    whole = LagFeaturizer(look_back=look_back).fit_transform(X)
    for train, test in PanelSplit(n_splits, test_size=test_size).split(X):
        if len(train) < look_back:
            continue  # LagFeaturizer needs at least look_back rows to fit
        if time == "datetime" and not regular(X.index[train].get_level_values(1)):
            continue  # datetimes without a frequency to infer: no history (documented)
        lags = LagFeaturizer(look_back=look_back).fit(X.iloc[train])
        # the lags of the test fold are those of the whole panel at once:
        # each series continues from its own last training rows, and a series
        # seen for the first time starts with fill_value, as it does in whole.
        np.testing.assert_array_equal(lags.transform(X.iloc[test]), whole[test])


@settings(max_examples=60, deadline=None)
@given(
    X=panels(),
    look_back=st.integers(1, 5),
    cut=st.integers(0, 14),
    fill_value=st.sampled_from([np.nan, 0.0]),
)
def test_the_one_pass_panel_windows_are_the_series_by_series_ones(X, look_back, cut, fill_value):
    """LagFeaturizer builds a panel's windows in one pass when every series is
    in time order; the reference is its per-series path (run splitting and
    all), forced here: both must agree on every row, history included."""
    week = X.index.get_level_values(1)
    assume((week < cut).sum() >= look_back)
    lags = LagFeaturizer(look_back=look_back, fill_value=fill_value).fit(X[week < cut])
    later = X[week >= cut - 2]  # some series continue their fitted rows, some do not
    assume(len(later) > 0)
    one_pass = lags.transform(later)
    whole = LagFeaturizer(look_back=look_back).fit(X).transform(X)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LagFeaturizer, "_panel_windows", lambda *args: None)
        per_series = lags.transform(later)
        whole_per_series = LagFeaturizer(look_back=look_back).fit(X).transform(X)
    np.testing.assert_array_equal(one_pass, per_series)
    np.testing.assert_array_equal(whole, whole_per_series)


def test_a_panel_in_time_order_takes_the_one_pass_path(monkeypatch):
    X = panel_X({"a": 6, "b": 4, "c": 5}, order="time")
    taken = []
    one_pass = LagFeaturizer._panel_windows

    def spy(self, *args):
        taken.append(one_pass(self, *args) is not None)
        return None  # so the per-series path runs too: same result below

    expected = LagFeaturizer(look_back=3).fit(X).transform(X)
    monkeypatch.setattr(LagFeaturizer, "_panel_windows", spy)
    np.testing.assert_array_equal(LagFeaturizer(look_back=3).fit(X).transform(X), expected)
    assert taken == [True]
    shuffled = X.iloc[[3, 1, 2, 0, *range(4, len(X))]]  # series a: week 1 before week 0
    with pytest.warns(UserWarning, match="out of time order"):
        LagFeaturizer(look_back=3).fit(X).transform(shuffled)
    assert taken == [True, False]


def test_a_fold_that_does_not_continue_a_series_gets_fill_value():
    X = panel_X({"a": 8, "b": 8})[["sales"]]
    week = X.index.get_level_values("week")
    lags = LagFeaturizer(look_back=3).fit(X[week < 4])
    assert set(lags.tail_) == {"a", "b"} and lags.next_index_ == {"a": 4, "b": 4}
    np.testing.assert_array_equal(lags.tail_["b"], [[1002.0], [1003.0]])
    gap = lags.transform(X[week >= 5])  # PanelSplit(gap=1): week 4 left out
    assert np.isnan(gap[week[week >= 5] == 5, :2]).all()
    # a series not seen in fit gets fill_value, the others their history
    new = X[week >= 4].rename(index={"b": "z"}, level="store")
    out = lags.transform(new)
    np.testing.assert_array_equal(out[0], [2.0, 3.0, 4.0])
    assert np.isnan(out[4, :2]).all()
    # a panel after a fit on one series: no series to take history from
    one = LagFeaturizer(look_back=3).fit(X.loc["a"].iloc[:4])
    assert np.isnan(one.transform(X[week >= 4])[0, :2]).all()


def test_a_series_too_short_to_infer_its_frequency_takes_the_panel_one():
    # "b" starts late: two training days, too few to infer a daily frequency from
    X = panel_X({"a": 8, "b": 5}, starts={"a": 0, "b": 3})[["sales"]]
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(X.index.get_level_values(1), unit="D")
    X = X.set_axis(pd.MultiIndex.from_arrays([X.index.get_level_values(0), days]))
    train = days <= pd.Timestamp("2024-01-04")
    lags = LagFeaturizer(look_back=2).fit(X[train])
    assert lags.next_index_["b"] == pd.Timestamp("2024-01-05")
    whole = LagFeaturizer(look_back=2).fit_transform(X)
    np.testing.assert_array_equal(lags.transform(X[~train]), whole[~train])
    assert not np.isnan(whole[~train]).any()


def test_a_short_series_tail_is_padded_with_fill_value():
    X = panel_X({"a": 6, "b": 1}, starts={"a": 0, "b": 2})[["sales"]]
    lags = LagFeaturizer(look_back=3).fit(X)
    np.testing.assert_array_equal(lags.tail_["b"], [[np.nan], [1002.0]])


def test_rows_out_of_time_order_within_a_series_keep_the_one_series_behaviour():
    X = panel_X({"a": 6, "b": 6})[["sales"]]
    shuffled = X.iloc[[0, 1, 2, 5, 3, 4, 6, 7, 8, 9, 10, 11]]  # a: weeks 0 1 2 5 3 4
    with pytest.warns(UserWarning, match=r"1 row\(s\) \(first: series 'a', label 3 after 5\)"):
        out = LagFeaturizer(look_back=3).fit_transform(shuffled)
    # series a's run restarts at week 3 (lags from week 5 would be its future)
    np.testing.assert_array_equal(out[4], [np.nan, np.nan, 3.0])
    np.testing.assert_array_equal(out[5], [np.nan, 3.0, 4.0])
    np.testing.assert_array_equal(out[6:], LagFeaturizer(look_back=3).fit_transform(X)[6:])
    reverse_b = X.iloc[[0, 1, 2, 3, 4, 5, 11, 10, 9, 8, 7, 6]]
    with pytest.raises(ValueError, match="times of series 'b' are in decreasing"):
        LagFeaturizer(look_back=3).fit(reverse_b)
    missing = X.rename(index={"a": np.nan}, level="store")
    with pytest.raises(ValueError, match="no series label"):
        LagFeaturizer(look_back=3).fit(missing)


def test_pipeline_with_panel_split_end_to_end():
    pytest.importorskip("tensorflow")
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MinMaxScaler

    from sklstm import LSTMRegressor, SequenceReshaper

    X, y = to_supervised(
        long_panel({"a": 12, "b": 12, "c": 12}, order="time"), target="sales", id="store"
    )
    pipe = Pipeline(
        [
            ("scale", MinMaxScaler().set_output(transform="pandas")),
            ("lags", LagFeaturizer(3).set_output(transform="pandas")),
            ("shape", SequenceReshaper()),
            ("model", LSTMRegressor(units=4, max_iter=2, random_state=0)),
        ]
    )
    cv = PanelSplit(3)
    scores = cross_val_score(pipe, X, y, cv=cv, scoring="neg_mean_absolute_error")
    assert scores.shape == (3,) and np.isfinite(scores).all()
    pipe.fit(X.iloc[:20], y.iloc[:20])
    predictions = pipe.predict(X)
    assert predictions.shape[0] == len(X) == 3 * 11 and np.isfinite(predictions).all()
    # each series is lagged on its own: its rows are predicted the same without the others
    stores = X.index.get_level_values("store")
    for store in LEVELS:
        alone = np.asarray(stores == store)
        np.testing.assert_allclose(pipe.predict(X[alone]), predictions[alone], rtol=1e-9)


class _RowRecorder(DummyRegressor):
    """Remembers the rows (index) and weights it was fitted on."""

    def fit(self, X, y, sample_weight=None):
        self.index_seen_ = X.index.copy()
        self.weights_seen_ = None if sample_weight is None else np.array(sample_weight)
        return super().fit(X, y, sample_weight)


def test_a_panel_reaches_the_regressor_in_time_order_with_its_weights():
    """So that a regressor holding out its last rows (early stopping)
    validates on the latest windows of every series, not on the last series."""
    months = pd.period_range("2001-01", periods=6, freq="M")
    frame = pd.DataFrame(
        {
            "series": np.repeat(["a", "b", "c"], 6),
            "month": np.tile(months, 3),
            "y": np.arange(1.0, 19.0),
        }
    )
    X, y = to_supervised(frame, target="y", id="series", time="month")
    weights = np.arange(1.0, len(X) + 1)
    model = ChangeRegressor(_RowRecorder()).fit(X, y, sample_weight=weights)
    seen = model.regressor_.index_seen_
    assert seen.get_level_values("month").is_monotonic_increasing
    assert list(seen.get_level_values("series")[:3]) == ["a", "b", "c"]  # interleaved
    assert sorted(seen) == sorted(X.index)
    position = {key: i for i, key in enumerate(X.index)}
    np.testing.assert_array_equal(
        model.regressor_.weights_seen_, [weights[position[key]] for key in seen]
    )
