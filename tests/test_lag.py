import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from sklstm import LagFeaturizer, SequenceReshaper


def test_windows_are_oldest_first_and_step_major():
    X = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
    out = LagFeaturizer(look_back=2).fit_transform(X)
    expected = np.array(
        [
            [np.nan, np.nan, 1.0, 10.0],
            [1.0, 10.0, 2.0, 20.0],
            [2.0, 20.0, 3.0, 30.0],
        ]
    )
    np.testing.assert_array_equal(out, expected)


def test_look_back_one_is_identity():
    X = np.arange(12.0).reshape(6, 2)
    np.testing.assert_array_equal(LagFeaturizer().fit_transform(X), X)


def test_row_count_never_changes_and_fill_value_is_used():
    X = np.arange(5.0).reshape(-1, 1)
    out = LagFeaturizer(look_back=5, fill_value=-1.0).fit_transform(X)
    assert out.shape == (5, 5)
    np.testing.assert_array_equal(out[0], [-1, -1, -1, -1, 0])
    np.testing.assert_array_equal(out[-1], [0, 1, 2, 3, 4])


def test_feature_names_and_pandas_output_keep_index():
    X = pd.DataFrame(
        {"passengers": [1.0, 2.0, 3.0], "month": [1.0, 2.0, 3.0]},
        index=pd.period_range("1949-01", periods=3, freq="M"),
    )
    lags = LagFeaturizer(look_back=2).set_output(transform="pandas").fit(X)
    out = lags.transform(X)
    assert list(out.columns) == [
        "passengers_lag1",
        "month_lag1",
        "passengers_lag0",
        "month_lag0",
    ]
    assert out.index.equals(X.index)
    assert out.loc["1949-03", "passengers_lag1"] == 2.0
    assert list(LagFeaturizer(look_back=2).fit(X.to_numpy()).get_feature_names_out()) == [
        "x0_lag1",
        "x1_lag1",
        "x0_lag0",
        "x1_lag0",
    ]


@settings(max_examples=60, deadline=None)
@given(
    X=arrays(
        np.float64, st.tuples(st.integers(2, 30), st.integers(1, 3)), elements=st.floats(-1e6, 1e6)
    ),
    look_back=st.integers(1, 6),
    data=st.data(),
)
def test_no_row_sees_its_future(X, look_back, data):
    """Changing the values after time t never changes the features of rows <= t."""
    look_back = min(look_back, len(X))
    t = data.draw(st.integers(0, len(X) - 2))
    changed = X.copy()
    changed[t + 1 :] = data.draw(
        arrays(np.float64, changed[t + 1 :].shape, elements=st.floats(-1e6, 1e6))
    )
    features = make_pipeline(LagFeaturizer(look_back=look_back), SequenceReshaper())
    features.fit(X)
    before = features.transform(X)[: t + 1]
    after = features.transform(changed)[: t + 1]
    np.testing.assert_array_equal(before, after)


def test_input_is_not_mutated():
    X = np.arange(6.0).reshape(-1, 1)
    copy = X.copy()
    LagFeaturizer(look_back=3).fit_transform(X)
    np.testing.assert_array_equal(X, copy)


@pytest.mark.parametrize("look_back", [0, -1, 1.5, "3", True])
def test_invalid_look_back(look_back):
    with pytest.raises((ValueError, TypeError), match="look_back"):
        LagFeaturizer(look_back=look_back).fit(np.ones((5, 1)))


@pytest.mark.parametrize("fill_value", [True, "0", None])
def test_invalid_fill_value(fill_value):
    with pytest.raises(ValueError, match="fill_value"):
        LagFeaturizer(look_back=2, fill_value=fill_value).fit(np.ones((5, 1)))


@pytest.mark.parametrize("fill_value", [np.nan, 0, -1.5, np.inf])
def test_fill_value_may_be_any_number_or_nan(fill_value):
    out = LagFeaturizer(look_back=2, fill_value=fill_value).fit_transform(np.ones((2, 1)))
    np.testing.assert_array_equal(out[0], [fill_value, 1.0])


def test_look_back_larger_than_data():
    with pytest.raises(ValueError, match="look_back=6 is larger than the data"):
        LagFeaturizer(look_back=6).fit(np.ones((5, 1)))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_are_rejected(bad):
    X = np.ones((5, 1))
    X[2, 0] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        LagFeaturizer(look_back=2).fit(X)


def test_non_numeric_is_rejected():
    X = pd.DataFrame({"a": ["x", "y", "z"]})
    with pytest.raises(ValueError, match="could not convert|dtype"):
        LagFeaturizer().fit(X)


@pytest.mark.parametrize(
    "X, error, match",
    [
        (np.array([["1.5"], ["2.5"], ["3.5"]]), ValueError, "holds text"),
        (pd.DataFrame({"a": ["1", "2", "3"]}), ValueError, "column 'a' of X holds text"),
        (np.array([[1.0], ["2"], [3.0]], dtype=object), ValueError, "holds text"),
        (pd.DataFrame({"d": pd.date_range("2020", periods=3)}), TypeError, "dates or times"),
        (np.arange(3).astype("datetime64[D]").reshape(-1, 1), TypeError, "dates or times"),
        (pd.DataFrame({"p": pd.period_range("2020", periods=3, freq="M")}), TypeError, "dates"),
    ],
)
def test_text_and_dates_are_not_silently_turned_into_numbers(X, error, match):
    # They used to become 1.5 or nanoseconds since 1970 without a word.
    with pytest.raises(error, match=match):
        LagFeaturizer(look_back=2).fit(X)
    lags = LagFeaturizer(look_back=2).fit(np.ones((3, 1)))
    with pytest.raises(error, match=match):
        lags.transform(X)


def test_numbers_in_any_container_are_still_accepted():
    X = pd.DataFrame(
        {
            "nullable": pd.array([1.0, 2.0, 3.0], dtype="Float64"),
            "objects": np.array([1, 2.5, 3], dtype=object),
            "flags": [True, False, True],
            "category": pd.Categorical([1.0, 2.0, 1.0]),
        }
    )
    out = LagFeaturizer(look_back=1).fit_transform(X)
    np.testing.assert_array_equal(out[1], [2.0, 2.5, 0.0, 2.0])


def test_errors_before_fit_and_on_feature_mismatch():
    with pytest.raises(NotFittedError):
        LagFeaturizer().transform(np.ones((3, 1)))
    lags = LagFeaturizer(look_back=2).fit(np.ones((3, 2)))
    with pytest.raises(ValueError, match="X has 1 features, but LagFeaturizer is expecting 2"):
        lags.transform(np.ones((3, 1)))


def test_float32_is_preserved():
    out = LagFeaturizer(look_back=2).fit_transform(np.ones((3, 1), dtype=np.float32))
    assert out.dtype == np.float32


def test_output_is_an_ordinary_writable_array():
    X = np.arange(10.0).reshape(-1, 2)
    out = LagFeaturizer(look_back=3).fit_transform(X)
    assert out.flags.writeable and out.flags.c_contiguous
    out[:] = 0.0
    assert X.sum() == 45.0


# History across folds -------------------------------------------------------

INDEXES = {
    "range": lambda n: pd.RangeIndex(n),
    "range_step": lambda n: pd.RangeIndex(10, 10 + 3 * n, 3),
    "period": lambda n: pd.period_range("1949-01", periods=n, freq="M"),
    "datetime": lambda n: pd.date_range("2020-01-01", periods=n, freq="D"),
    "datetime_no_freq": lambda n: pd.DatetimeIndex(
        pd.date_range("2020-01-01", periods=n, freq="h").to_numpy()
    ),
}


@settings(max_examples=80, deadline=None)
@given(
    X=arrays(
        np.float64, st.tuples(st.integers(5, 30), st.integers(1, 3)), elements=st.floats(-1e6, 1e6)
    ),
    look_back=st.integers(1, 4),
    kind=st.sampled_from(sorted(INDEXES)),
    data=st.data(),
)
def test_test_fold_continuing_the_index_gets_the_fitted_past(X, look_back, kind, data):
    n = len(X)
    # (a frequency is inferred from 3 timestamps or more)
    split = data.draw(st.integers(max(look_back, 3), n - 1), label="split")
    frame = pd.DataFrame(X, index=INDEXES[kind](n))
    lags = LagFeaturizer(look_back=look_back).fit(frame.iloc[:split])
    # Same lags as if the whole series had been transformed at once: every
    # value used is from the row's own past, and the fitted past is used.
    whole = LagFeaturizer(look_back=look_back).fit_transform(frame)
    np.testing.assert_array_equal(lags.transform(frame.iloc[split:]), whole[split:])
    # The history is the fitted data's, not the rows after it: changing the
    # test rows changes no lag that lies before them.
    later = frame.iloc[split:] + 1.0
    out = lags.transform(later)
    width = (look_back - 1) * X.shape[1]
    for row in range(min(look_back - 1, n - split)):
        past = width - row * X.shape[1]
        np.testing.assert_array_equal(out[row, :past], whole[split + row, :past])


def test_data_that_does_not_continue_the_fit_gets_fill_value():
    frame = pd.DataFrame({"y": np.arange(10.0)})
    lags = LagFeaturizer(look_back=3).fit(frame.iloc[:5])
    expected_nan = [[np.nan, np.nan, 6.0], [np.nan, 6.0, 7.0]]
    # a gap of one row (TimeSeriesSplit(gap=1)), a bare array, a restart
    np.testing.assert_array_equal(lags.transform(frame.iloc[6:8]), expected_nan)
    np.testing.assert_array_equal(lags.transform(frame.iloc[6:8].to_numpy()), expected_nan)
    np.testing.assert_array_equal(
        lags.transform(frame.iloc[:2])[:, :2], [[np.nan] * 2, [np.nan, 0]]
    )
    # a string index cannot be told to continue anything
    named = frame.set_axis([f"r{i}" for i in range(10)])
    lags = LagFeaturizer(look_back=2).fit(named.iloc[:5])
    assert np.isnan(lags.transform(named.iloc[5:])[0, 0])
    # fitted on an array: no index, no history
    lags = LagFeaturizer(look_back=2).fit(frame.iloc[:5].to_numpy())
    assert lags.next_index_ is None
    assert np.isnan(lags.transform(frame.iloc[5:])[0, 0])


def test_tail_is_a_copy_and_history_keeps_the_input_dtype():
    X = np.arange(6.0, dtype=np.float32).reshape(-1, 1)
    frame = pd.DataFrame(X)
    lags = LagFeaturizer(look_back=3).fit(frame.iloc[:4])
    X[:] = -1  # the user's array changes after fit
    np.testing.assert_array_equal(lags.tail_, [[2.0], [3.0]])
    out = lags.transform(pd.DataFrame(np.array([[4.0], [5.0]], dtype=np.float32), index=[4, 5]))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[2, 3, 4], [3, 4, 5]])


def _rows_with_missing_lags(estimator, X, y):
    """Scorer: how many rows reach the final step with a missing lag."""
    return float(np.isnan(estimator[:-1].transform(X)).any(axis=1).sum())


@pytest.mark.parametrize("pandas_output", [True, False])
def test_test_folds_get_history_inside_grid_search(pandas_output):
    from sklearn.dummy import DummyRegressor
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MinMaxScaler

    from sklstm import to_supervised
    from sklstm.datasets import load_airline

    X, y = to_supervised(load_airline())
    scaler = MinMaxScaler()
    if pandas_output:  # the recommended pipeline: the index reaches the lags
        scaler.set_output(transform="pandas")
    pipe = Pipeline([("scale", scaler), ("lags", LagFeaturizer()), ("model", DummyRegressor())])
    search = GridSearchCV(
        pipe,
        {"lags__look_back": [3, 12]},
        cv=TimeSeriesSplit(n_splits=3),
        scoring=_rows_with_missing_lags,
        return_train_score=True,
    ).fit(X, y)
    results = search.cv_results_
    # the training folds start at the series' start: their first rows lack lags
    np.testing.assert_array_equal(results["mean_train_score"], [2, 11])
    # the test folds continue the training folds: no row lacks a lag, unless
    # the index was lost on the way (a scaler with NumPy output)
    expected = [0, 0] if pandas_output else [2, 11]
    np.testing.assert_array_equal(results["mean_test_score"], expected)


def test_transform_after_a_failed_fit_says_not_fitted():
    lags = LagFeaturizer(look_back=2)
    with pytest.raises(ValueError, match="larger than the data"):
        lags.fit([[0.0]])
    with pytest.raises(NotFittedError):
        lags.transform([[0.0]])


def test_an_index_out_of_time_order_gives_no_history():
    frame = pd.DataFrame({"y": np.arange(10.0)})
    train = frame.loc[[0, 1, 2, 3, 9, 5]]  # label 9 lies in the future of 6
    with pytest.warns(UserWarning, match="row 5, label 5 after 9"):
        lags = LagFeaturizer(look_back=3).fit(train)
    assert lags.next_index_ is None
    out = lags.transform(frame.loc[[6, 7]])
    assert np.isnan(out[0, :2]).all() and 9.0 not in out


# Rows out of time order ------------------------------------------------------


def timed(labels):
    """A series whose value is its own time label: a lag's value says where it came from."""
    labels = np.asarray(labels)
    return pd.DataFrame({"t": labels.astype(float)}, index=pd.Index(labels))


def later_lags(out, labels):
    """How many lags (values = times) are not earlier than their row's own time."""
    np.testing.assert_array_equal(out[:, -1], labels)  # lag 0 is the row itself
    lags = out[:, :-1]
    return int(np.sum(~np.isnan(lags) & (lags >= np.asarray(labels)[:, np.newaxis])))


def test_a_newest_first_index_is_refused():
    newest_first = timed(np.arange(10)[::-1])
    with pytest.raises(ValueError, match="decreasing time order.*sort_index"):
        LagFeaturizer(look_back=3).fit(newest_first)
    lags = LagFeaturizer(look_back=3).fit(timed(np.arange(10)))
    with pytest.raises(ValueError, match="decreasing time order"):
        lags.transform(newest_first)
    # without lags the order does not matter
    LagFeaturizer(look_back=1).fit_transform(newest_first)


def test_a_shuffled_subsample_builds_no_window_from_a_later_row():
    # HalvingGridSearchCV(resource="n_samples") fits on rows drawn in random
    # order; the lags used to hold whatever rows came before, later months too.
    labels = np.random.RandomState(0).permutation(40)[:25]
    X = timed(labels)
    with pytest.warns(UserWarning, match="out of time order.*Sort the rows"):
        out = LagFeaturizer(look_back=3).fit_transform(X)
    assert later_lags(out, labels) == 0
    # a row after an earlier time keeps that row as its lag (rows in time order
    # with gaps are lagged by position, as before)
    after_earlier = np.r_[False, labels[1:] > labels[:-1]]
    np.testing.assert_array_equal(~np.isnan(out[:, 1]), after_earlier)
    np.testing.assert_array_equal(out[after_earlier, 1], labels[np.flatnonzero(after_earlier) - 1])


def test_block_bootstrap_blocks_are_lagged_as_separate_series():
    # MAPIE's BlockBootstrap concatenates blocks of consecutive rows drawn
    # with replacement: repeated labels, and steps back in time between blocks.
    labels = np.r_[20:25, 10:15, 10:15, 3:8]
    X = timed(labels)
    with pytest.warns(UserWarning, match="3 row"):
        out = LagFeaturizer(look_back=3).fit_transform(X)
    assert later_lags(out, labels) == 0
    block = np.array([[np.nan, np.nan, 0], [np.nan, 0, 1], [0, 1, 2], [1, 2, 3], [2, 3, 4]])
    for start in (5, 10, 15):  # every block after the first starts with no history
        np.testing.assert_array_equal(out[start : start + 5], block + labels[start])


def test_transform_of_rows_out_of_order_keeps_the_fitted_history_for_the_first_run():
    lags = LagFeaturizer(look_back=3).fit(timed(np.arange(10)))
    labels = np.r_[10:13, 5:7]
    with pytest.warns(UserWarning, match="out of time order"):
        out = lags.transform(timed(labels))
    np.testing.assert_array_equal(out[0], [8, 9, 10])  # continues the fit
    assert later_lags(out, labels) == 0
    assert np.isnan(out[3, :2]).all()


def test_rows_in_order_and_arrays_give_no_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LagFeaturizer(look_back=3).fit_transform(timed(np.arange(0, 20, 2)))  # gaps are fine
        LagFeaturizer(look_back=3).fit_transform(np.arange(10.0)[::-1, np.newaxis])
        strings = timed(np.arange(12)).set_axis([f"r{i}" for i in range(12)])  # "r10" < "r2"
        LagFeaturizer(look_back=3).fit_transform(strings)


def test_inside_halving_grid_search_no_row_gets_a_later_value():
    from sklearn.dummy import DummyRegressor
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingGridSearchCV, KFold
    from sklearn.pipeline import Pipeline

    violations = []

    class CountLaterValues(DummyRegressor):
        """Counts the lags of the rows it is fitted on that are not the row's own past."""

        def fit(self, X, y):
            X = np.asarray(X)  # the value of a row is its time
            violations.append(later_lags(X, X[:, -1]))
            return super().fit(X, y)

    n = 60
    X, y = timed(np.arange(n)), np.arange(n, dtype=float)
    pipe = Pipeline([("lags", LagFeaturizer(look_back=3)), ("model", CountLaterValues())])
    with pytest.warns(UserWarning, match="out of time order"):
        search = HalvingGridSearchCV(
            pipe,
            {"model__strategy": ["mean", "median"]},
            cv=KFold(2),
            min_resources=20,
            random_state=0,
        ).fit(X, y)
    assert search.n_resources_[0] == 20  # a random subsample of rows was fitted
    assert len(violations) >= 4 and violations == [0] * len(violations)


@pytest.mark.parametrize("kind", ["period", "datetime", "integer"])
def test_a_panel_is_fitted_and_continued_as_each_series_on_its_own(kind):
    # The whole-panel fit (group offsets, no loop per series) keeps for each
    # series what a fit on that series alone keeps: its tail and next time,
    # also for series shorter than the window and datetimes too short to
    # infer a frequency from (they take the panel's).
    rng = np.random.RandomState(0)
    parts = {}
    for number in range(25):
        length = rng.randint(1, 7)
        start = rng.randint(0, 5)
        times = {
            "period": pd.period_range("2000-01", periods=length + start, freq="M")[start:],
            "datetime": pd.date_range("2000-01-01", periods=length + start, freq="D")[start:],
            "integer": np.arange(start, start + length),
        }[kind]
        parts[f"s{number}"] = pd.DataFrame(
            {"y": rng.normal(size=length), "x": rng.normal(size=length)},
            index=pd.Index(times, name="t"),
        )
    panel = pd.concat(parts, names=["id", "t"])
    panel = panel.iloc[rng.permutation(len(panel))].sort_index(level="t", sort_remaining=False)
    lags = LagFeaturizer(look_back=4).fit(panel)
    assert list(lags.tail_) == list(dict.fromkeys(panel.index.get_level_values("id")))
    for key, part in parts.items():
        own = LagFeaturizer(look_back=4).fit(part) if len(part) >= 4 else None
        tail = lags.tail_[key]
        np.testing.assert_array_equal(tail[4 - 1 - min(len(part), 3) :], part.to_numpy()[-3:])
        if own is not None:
            np.testing.assert_array_equal(tail, own.tail_)
        if kind != "datetime" or len(part) >= 3:
            expected = part.index[-1] + (1 if kind != "datetime" else pd.Timedelta("1D"))
            assert lags.next_index_[key] == expected
        else:  # too short for a frequency of its own: the panel's daily one
            assert lags.next_index_[key] == part.index[-1] + pd.Timedelta("1D")
    # Every series continues from its own tail in the next time step.
    later = pd.concat(
        {
            key: pd.DataFrame(
                {"y": [9.0], "x": [8.0]}, index=pd.Index([lags.next_index_[key]], name="t")
            )
            for key in parts
        },
        names=["id", "t"],
    )
    out = lags.transform(later)
    for row, key in enumerate(parts):
        np.testing.assert_array_equal(out[row, :6], lags.tail_[key].ravel())
        np.testing.assert_array_equal(out[row, 6:], [9.0, 8.0])
