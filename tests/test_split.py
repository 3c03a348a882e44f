import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import (
    GridSearchCV,
    TimeSeriesSplit,
    cross_val_score,
    cross_validate,
)

from sklstm import PanelSplit

# Panel time stamps 1..12 in three flavours; the tests reason in the ints.
TIME_KINDS = {
    "int": lambda t: pd.Index(t, dtype="int64"),
    "period": lambda t: pd.period_range("2000-01", periods=13, freq="M")[t],
    "datetime": lambda t: pd.date_range("2000-01-01", periods=13, freq="D", tz="UTC")[t],
}
SPANS = {"full": (1, 12), "late": (9, 12), "early": (1, 8), "middle": (4, 10)}


def make_panel(time_kind="int", spans=SPANS, seed=0):
    """A long table of the series in ``spans``, indexed by (series, time).

    Returns the panel and the integer time step (1..12) of each row.
    """
    ids, steps = [], []
    for name, (start, stop) in spans.items():
        ids += [name] * (stop - start + 1)
        steps += list(range(start, stop + 1))
    steps = np.array(steps)
    index = pd.MultiIndex.from_arrays([ids, TIME_KINDS[time_kind](steps)], names=["series", "time"])
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {"x1": rng.normal(size=len(steps)), "x2": rng.normal(size=len(steps))},
        index=index,
    )
    return X, steps


def rows(X, positions):
    """The (series, step) labels of some rows, as a set."""
    return set(X.index[positions])


@pytest.mark.parametrize("time_kind", list(TIME_KINDS))
@pytest.mark.parametrize("gap", [0, 2])
def test_train_lies_before_test_for_every_series_with_the_gap_between(time_kind, gap):
    X, steps = make_panel(time_kind)
    series = X.index.get_level_values("series")
    folds = list(PanelSplit(n_splits=3, test_size=2, gap=gap).split(X))
    assert len(folds) == 3
    for train, test in folds:
        # Panel-wide: exactly `gap` time stamps between the cut and the window
        # (every step 1..12 occurs in the panel).
        assert steps[test].min() - steps[train].max() == gap + 1
        for name in SPANS:
            tr = steps[train][series[train] == name]
            te = steps[test][series[test] == name]
            if len(tr) and len(te):
                assert tr.max() < te.min() - gap


@pytest.mark.parametrize("time_kind", list(TIME_KINDS))
def test_every_series_is_cut_at_the_same_time_stamps(time_kind):
    X, steps = make_panel(time_kind)
    folds = list(PanelSplit(n_splits=3, test_size=2).split(X))
    cuts_and_windows = [(6, (7, 8)), (8, (9, 10)), (10, (11, 12))]
    for (train, test), (cut, (lo, hi)) in zip(folds, cuts_and_windows):
        # Every row at or before the cut trains, whichever series it is in...
        np.testing.assert_array_equal(train, np.flatnonzero(steps <= cut))
        # ...and every row in the window tests.
        np.testing.assert_array_equal(test, np.flatnonzero((steps >= lo) & (steps <= hi)))


@pytest.mark.parametrize("n_splits, test_size", [(3, 2), (2, 3), (5, 1), (4, None)])
def test_test_windows_are_consecutive_back_to_back_and_of_test_size(n_splits, test_size):
    X, steps = make_panel()
    size = test_size if test_size is not None else 12 // (n_splits + 1)
    windows = [
        np.unique(steps[test]) for _, test in PanelSplit(n_splits, test_size=test_size).split(X)
    ]
    assert len(windows) == n_splits
    starts = [13 - size * (n_splits - k) for k in range(n_splits)]
    for window, start in zip(windows, starts):
        np.testing.assert_array_equal(window, np.arange(start, start + size))
    assert windows[-1][-1] == 12  # the last window ends with the panel


def test_late_start_and_early_end_series_are_only_in_their_own_time():
    X, _ = make_panel()
    series = X.index.get_level_values("series")
    folds = list(PanelSplit(n_splits=3, test_size=2).split(X))  # cuts 6, 8, 10
    names = [(set(series[train]), set(series[test])) for train, test in folds]
    # "late" starts at 9: nothing to train on at cuts 6 and 8, tested from 9 on.
    assert "late" not in names[0][0] and "late" not in names[1][0]
    assert "late" in names[2][0]
    assert "late" not in names[0][1] and "late" in names[1][1]
    # "early" ends at 8: tested in the window 7-8 only, trains in every fold.
    assert "early" in names[0][1]
    assert "early" not in names[1][1] and "early" not in names[2][1]
    assert all("early" in train for train, _ in names)
    # "middle" (4-10) is in each training set and in the first two windows.
    assert [("middle" in test) for _, test in names] == [True, True, False]


def test_unsorted_rows_give_the_same_folds_of_the_same_rows():
    X, _ = make_panel("period")
    perm = np.random.default_rng(1).permutation(len(X))
    shuffled = X.iloc[perm]
    before = shuffled.copy()
    cv = PanelSplit(n_splits=3, test_size=2, gap=1)
    for (train, test), (s_train, s_test) in zip(cv.split(X), cv.split(shuffled)):
        # Positions in the shuffled table point at the same rows as in X.
        np.testing.assert_array_equal(np.sort(perm[s_train]), train)
        np.testing.assert_array_equal(np.sort(perm[s_test]), test)
        assert np.all(np.diff(s_train) > 0) and np.all(np.diff(s_test) > 0)
    pd.testing.assert_frame_equal(shuffled, before)  # X is not reordered


@pytest.mark.parametrize("test_size, gap", [(None, 0), (None, 2), (3, 1), (1, 0)])
@pytest.mark.parametrize(
    "index",
    [
        pd.RangeIndex(14),
        pd.date_range("2020-01-01", periods=14, freq="h"),
        pd.period_range("2020Q1", periods=14, freq="Q"),
    ],
    ids=["range", "datetime", "period"],
)
def test_a_single_series_with_a_time_index_splits_like_time_series_split(index, test_size, gap):
    X = pd.DataFrame({"x": np.arange(14.0)}, index=index)
    ours = list(PanelSplit(4, test_size=test_size, gap=gap).split(X))
    theirs = list(TimeSeriesSplit(4, test_size=test_size, gap=gap).split(X))
    assert len(ours) == len(theirs) == 4
    for (a_train, a_test), (b_train, b_test) in zip(ours, theirs):
        np.testing.assert_array_equal(a_train, b_train)
        np.testing.assert_array_equal(a_test, b_test)


def test_a_series_and_more_id_levels_are_read_the_same_way():
    X, steps = make_panel()
    three_levels = X.set_index(
        pd.Index(["north"] * len(X), name="region"), append=True
    ).reorder_levels(["region", "series", "time"])
    cv = PanelSplit(3, test_size=2)
    expected = list(cv.split(X))
    for data in (X["x1"], three_levels):
        for (train, test), (e_train, e_test) in zip(cv.split(data), expected):
            np.testing.assert_array_equal(train, e_train)
            np.testing.assert_array_equal(test, e_test)


def _panel_regression():
    X, steps = make_panel(seed=3)
    y = pd.Series(2.0 * X["x1"] - X["x2"] + 0.1 * steps, index=X.index, name="y")
    return X, y


def test_cross_val_score_with_ridge_scores_each_panel_fold():
    X, y = _panel_regression()
    cv = PanelSplit(n_splits=3, test_size=2)
    scores = cross_val_score(Ridge(alpha=1.0), X, y, cv=cv)
    expected = []
    for train, test in cv.split(X):
        model = Ridge(alpha=1.0).fit(X.iloc[train], y.iloc[train])
        expected.append(r2_score(y.iloc[test], model.predict(X.iloc[test])))
    np.testing.assert_allclose(scores, expected)
    assert len(scores) == 3 and np.all(scores > 0.5)


def test_cross_validate_and_grid_search_use_the_panel_folds():
    X, y = _panel_regression()
    cv = PanelSplit(n_splits=3, test_size=2, gap=1)
    result = cross_validate(Ridge(), X, y, cv=cv, return_indices=True)
    for got, (train, test) in zip(
        zip(result["indices"]["train"], result["indices"]["test"]), cv.split(X)
    ):
        np.testing.assert_array_equal(got[0], train)
        np.testing.assert_array_equal(got[1], test)
    search = GridSearchCV(Ridge(), {"alpha": [0.1, 10.0]}, cv=cv).fit(X, y)
    assert search.n_splits_ == 3
    assert "split2_test_score" in search.cv_results_


def test_get_n_splits_and_repr():
    cv = PanelSplit(4, test_size=3, gap=1)
    assert cv.get_n_splits() == 4
    assert cv.get_n_splits(*_panel_regression()) == 4
    assert repr(cv) == "PanelSplit(gap=1, n_splits=4, test_size=3)"
    assert repr(PanelSplit()) == "PanelSplit(gap=0, n_splits=5, test_size=None)"


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_splits": 1}, "'n_splits' parameter of PanelSplit"),
        ({"n_splits": 2.5}, "'n_splits' parameter of PanelSplit"),
        ({"test_size": 0}, "'test_size' parameter of PanelSplit"),
        ({"gap": -1}, "'gap' parameter of PanelSplit"),
    ],
)
def test_bad_params_are_refused_when_used_not_when_built(params, match):
    cv = PanelSplit(**params)  # __init__ only stores
    X, _ = make_panel()
    with pytest.raises(ValueError, match=match):
        cv.split(X)
    with pytest.raises(ValueError, match=match):
        cv.get_n_splits()


@pytest.mark.parametrize(
    "params",
    [
        {"n_splits": 12},  # default test_size 12 // 13 = 0
        {"n_splits": 3, "test_size": 4},  # 3 * 4 = 12: no training time left
        {"n_splits": 3, "test_size": 3, "gap": 3},
    ],
)
def test_too_many_splits_for_the_time_stamps_is_an_error_at_split_time(params):
    X, _ = make_panel()
    with pytest.raises(ValueError, match="Too many splits.*12 distinct time stamps"):
        PanelSplit(**params).split(X)  # raised on the call, not on iteration
    # One time stamp fewer of the requirement is fine: the limit is exact.
    ok = dict(params, n_splits=params["n_splits"] - 1)
    assert len(list(PanelSplit(**ok).split(X))) == ok["n_splits"]


def test_many_rows_but_few_time_stamps_is_too_many_splits():
    # 40 rows, but only 3 time stamps: folds count time, not rows.
    X, _ = make_panel(spans={f"s{i}": (1, 3) for i in range(40)})
    assert len(X) == 120
    with pytest.raises(ValueError, match="3 distinct time stamps"):
        PanelSplit(n_splits=3).split(X)


@pytest.mark.parametrize("X", [np.zeros((12, 2)), [[0.0]] * 12], ids=["ndarray", "list"])
def test_data_without_an_index_is_a_type_error_naming_the_fix(X):
    with pytest.raises(TypeError, match=r"indexed by \(series, time\).*to_supervised"):
        PanelSplit(3).split(X)


def test_an_index_that_is_not_time_is_a_type_error():
    X, _ = make_panel()
    swapped = X.swaplevel()  # (time, series): the last level holds the names
    with pytest.raises(TypeError, match="last level.*dtype (object|str).*swaplevel"):
        PanelSplit(3).split(swapped)
    names = pd.DataFrame({"x": range(12)}, index=[f"r{i}" for i in range(12)])
    with pytest.raises(TypeError, match="index of X.*dtype (object|str)"):
        PanelSplit(3).split(names)


def test_stacked_series_without_their_id_are_refused():
    X, _ = make_panel()
    lost_id = X.droplevel("series")  # "late" repeats 9, first seen in "full"
    with pytest.raises(ValueError, match="more than one row for the time stamp 9"):
        PanelSplit(3).split(lost_id)
    twice = pd.concat([X, X.iloc[:1]])
    with pytest.raises(ValueError, match=r"\(series, time\) pair \('full', 1\)"):
        PanelSplit(3).split(twice)


def test_missing_time_stamps_are_refused():
    index = pd.to_datetime(["2020-01-01", None, "2020-01-03", "2020-01-04"])
    with pytest.raises(ValueError, match="missing time stamps"):
        PanelSplit(2, test_size=1).split(pd.Series(range(4), index=index))


def test_y_of_another_length_and_groups_are_reported():
    X, y = _panel_regression()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        PanelSplit(3).split(X, y.iloc[:-1])
    with pytest.warns(UserWarning, match="groups parameter is ignored"):
        folds = list(PanelSplit(3, test_size=2).split(X, y, groups=np.zeros(len(X))))
    assert len(folds) == 3
