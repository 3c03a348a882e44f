import re

import numpy as np
import pandas as pd
import pytest

from sklstm import to_supervised
from sklstm.datasets import load_airline


def test_series_keeps_every_usable_sample_and_the_index():
    y = load_airline()
    X, target = to_supervised(y)
    assert len(X) == len(target) == 143  # the tutorial's create_dataset gives 142
    assert X.index.equals(y.index[:-1]) and target.index.equals(X.index)
    assert list(X.columns) == ["passengers"]
    assert target.name == "passengers"
    np.testing.assert_array_equal(target.to_numpy(), y.to_numpy()[1:])
    np.testing.assert_array_equal(X["passengers"].to_numpy(), y.to_numpy()[:-1])


def test_horizon_and_multi_step_targets():
    s = pd.Series(np.arange(10.0), name="s")
    X, y = to_supervised(s, horizon=3)
    assert len(X) == 7 and (y.to_numpy() - X["s"].to_numpy() == 3).all()
    X, Y = to_supervised(s, horizon=range(1, 4))
    assert list(Y.columns) == ["s_t+1", "s_t+2", "s_t+3"]
    assert len(X) == 7
    np.testing.assert_array_equal(Y.iloc[0], [1.0, 2.0, 3.0])


def test_dataframe_with_target_column_and_numpy_in_numpy_out():
    df = pd.DataFrame({"sales": [1.0, 2.0, 3.0], "price": [5.0, 6.0, 7.0]})
    X, y = to_supervised(df, target="sales")
    assert list(X.columns) == ["sales", "price"]
    np.testing.assert_array_equal(y, [2.0, 3.0])
    Xa, ya = to_supervised(np.array([1.0, 2.0, 3.0]))
    assert isinstance(Xa, np.ndarray) and Xa.shape == (2, 1)
    np.testing.assert_array_equal(ya, [2.0, 3.0])


def test_input_is_not_mutated():
    s = pd.Series([1.0, 2.0, 3.0])
    copy = s.copy()
    X, _ = to_supervised(s)
    X.iloc[0, 0] = 99.0
    pd.testing.assert_series_equal(s, copy)


@pytest.mark.parametrize(
    "data, kwargs, error, match",
    [
        (pd.Series([1.0, np.nan, 3.0]), {}, ValueError, "NaN or infinite"),
        (pd.Series([1.0, np.inf, 3.0]), {}, ValueError, "NaN or infinite"),
        (pd.Series(["a", "b", "c"]), {}, TypeError, "numeric"),
        (pd.Series([1.0, 2.0]), {"horizon": 2}, ValueError, "more observations"),
        (pd.Series([1.0, 2.0]), {"horizon": 0}, ValueError, "horizon"),
        (pd.Series([1.0, 2.0]), {"horizon": 1.5}, TypeError, "horizon"),
        (pd.DataFrame({"a": [1.0, 2], "b": [3.0, 4]}), {}, ValueError, "target="),
        (pd.DataFrame({"a": [1.0, 2]}), {"target": "z"}, ValueError, "not a column"),
        (np.ones((2, 2, 2)), {}, ValueError, "dimensions"),
        # Found by tests/test_fuzz.py: complex data was cast to float with a
        # warning (a NaN imaginary part passed the NaN check), and data with
        # no columns was told to pass target=.
        (np.array([1 + 1j, 2, 3]), {}, TypeError, "complex"),
        (pd.Series([1, complex(0, np.nan), 3]), {}, TypeError, "complex"),
        (np.empty((3, 0)), {}, ValueError, "no columns"),
    ],
)
def test_bad_input(data, kwargs, error, match):
    with pytest.raises(error, match=match):
        to_supervised(data, **kwargs)


def test_features_select_the_inputs_and_may_leave_out_the_target():
    df = pd.DataFrame({"ads": [1.0, 2.0, 3.0, 4.0], "sales": [5.0, 6.0, 7.0, 8.0]})
    X, y = to_supervised(df, target="sales", features=["ads"])
    assert list(X.columns) == ["ads"]
    np.testing.assert_array_equal(X["ads"], [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(y, [6.0, 7.0, 8.0])
    X, Y = to_supervised(df.to_numpy(), horizon=[1, 2], target=1, features=[0])
    np.testing.assert_array_equal(X, [[1.0], [2.0]])
    np.testing.assert_array_equal(Y, [[6.0, 7.0], [7.0, 8.0]])
    X, _ = to_supervised(df, target="sales", features=["sales", "ads"])
    assert list(X.columns) == ["sales", "ads"]  # the order asked for


@pytest.mark.parametrize(
    "features, error",
    [(["price"], ValueError), ([], ValueError), ("ads", TypeError), (3, TypeError)],
)
def test_bad_features(features, error):
    df = pd.DataFrame({"ads": [1.0, 2.0, 3.0], "sales": [5.0, 6.0, 7.0]})
    with pytest.raises(error, match="features"):
        to_supervised(df, target="sales", features=features)


def test_columns_left_out_are_not_checked_and_features_are_unique():
    df = pd.DataFrame(
        {"note": ["a", "b", "c"], "ads": [1.0, 2.0, 3.0], "sales": [5.0, 6.0, np.nan]}
    )
    X, y = to_supervised(
        df.iloc[:, :2].assign(sales=[5.0, 6.0, 7.0]), target="sales", features=["ads"]
    )
    assert list(X.columns) == ["ads"]
    with pytest.raises(ValueError, match="NaN"):  # the target is checked
        to_supervised(df, target="sales", features=["ads"])
    with pytest.raises(ValueError, match="twice"):
        to_supervised(df.assign(sales=1.0), target="sales", features=["ads", "ads"])


def test_a_repeated_horizon_is_refused():
    # horizon=[1, 1, 2] used to return 2 columns silently.
    s = pd.Series(np.arange(6.0), name="s")
    with pytest.raises(ValueError, match=r"step\(s\) \[1\] more than once"):
        to_supervised(s, horizon=[1, 1, 2])
    with pytest.raises(ValueError, match="more than once"):
        to_supervised(s, horizon=np.array([2, 3, 2]))


def test_duplicate_column_names_are_reported_as_such():
    # Two float columns named "a" used to be reported as non-numeric.
    df = pd.DataFrame([[1.0, 2.0, 3.0]] * 4, columns=["a", "a", "b"])
    with pytest.raises(ValueError, match=r"several columns named \['a'\]"):
        to_supervised(df, target="b")
    with pytest.raises(ValueError, match=r"several columns named \['a'\]"):
        to_supervised(df, target="a", features=["b"])
    X, y = to_supervised(df, target="b", features=["b"])  # the copies are not used
    np.testing.assert_array_equal(y, [3.0, 3.0, 3.0])


@pytest.mark.parametrize(
    "index",
    [
        pd.period_range("2020-01", periods=6, freq="M"),
        pd.date_range("2020-01-01", periods=6, freq="D"),
        pd.RangeIndex(6),
    ],
    ids=["period", "datetime", "range"],
)
def test_a_newest_first_index_is_refused_not_paired_with_its_past(index):
    # A newest-first series gave each row its *previous* value as "t+1".
    s = pd.Series(np.arange(6.0), index=index, name="s")
    X, y = to_supervised(s)
    assert (y.to_numpy() == X["s"].to_numpy() + 1).all()
    with pytest.raises(ValueError, match=r"decreasing time order.*sort_index\(\)"):
        to_supervised(s.iloc[::-1])


@pytest.mark.parametrize(
    "order, match",
    [
        ([0, 1, 3, 2, 4, 5], r"label 2 \(row 3\) does not come after 3"),
        ([0, 1, 2, 0, 1, 2], r"label 0 \(row 3\) does not come after 2.*one to_supervised"),
    ],
    ids=["shuffled", "stacked series"],
)
def test_an_index_out_of_time_order_is_refused(order, match):
    s = pd.Series(np.arange(6.0), index=order, name="s")
    with pytest.raises(ValueError, match=match):
        to_supervised(s)


def test_rows_of_an_array_or_a_text_index_are_taken_in_their_order():
    X, y = to_supervised(np.arange(5.0)[::-1])
    np.testing.assert_array_equal(y, [3.0, 2.0, 1.0, 0.0])
    s = pd.Series([1.0, 2.0, 3.0], index=["b", "a", "c"], name="s")
    X, y = to_supervised(s)
    assert list(X.index) == ["b", "a"] and y.tolist() == [2.0, 3.0]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"horizon": True}, "'horizon' parameter"),
        ({"horizon": [1, True]}, "'horizon' parameter"),
        ({"horizon": []}, "'horizon' parameter"),
        ({"horizon": np.ones((2, 2), dtype=int)}, "'horizon' parameter"),
        ({"target": ["s"]}, "'target' parameter"),
        ({"features": "s"}, "'features' parameter"),
    ],
)
def test_parameters_are_validated_by_validate_params(kwargs, match):
    from sklearn.utils._param_validation import InvalidParameterError

    with pytest.raises(InvalidParameterError, match=match):
        to_supervised(pd.Series(np.arange(5.0), name="s"), **kwargs)
    with pytest.raises(InvalidParameterError, match="'data' parameter"):
        to_supervised(5.0)


# ----------------------------------------------------- gaps in a time index


def test_a_period_index_with_a_gap_is_refused_with_how_to_fill_it():
    months = pd.PeriodIndex(["2000-01", "2000-02", "2000-05", "2000-06"], freq="M")
    s = pd.Series([1.0, 2.0, 5.0, 6.0], index=months, name="y")
    with pytest.raises(ValueError, match=r"1 gap.*2000-05 comes right after 2000-02") as info:
        to_supervised(s)
    assert "2000-03 was due" in str(info.value) and "period_range" in str(info.value)
    # Filled as the message says (its own freq), the series pairs each month with the next.
    freq = re.search(r"freq='(\w+)'", str(info.value)).group(1)
    full = pd.period_range(s.index[0], s.index[-1], freq=freq)
    X, y = to_supervised(s.reindex(full).interpolate())
    assert y.loc[pd.Period("2000-02", "M")] == pytest.approx(3.0)


def test_a_gap_is_refused_for_every_horizon_and_a_regular_index_is_not():
    months = pd.period_range("2000-01", periods=6, freq="M")
    s = pd.Series(np.arange(6.0), index=months)
    X, y = to_supervised(s, horizon=[1, 2])
    assert len(X) == 4
    with pytest.raises(ValueError, match="gap"):
        to_supervised(s.drop(months[3]), horizon=[1, 2])


def test_a_series_of_a_panel_with_a_missing_month_is_refused_by_name():
    months = pd.date_range("2000-01-01", periods=5, freq="MS")
    panel = pd.DataFrame(
        {
            "id": ["a"] * 5 + ["b"] * 4,
            "month": months.append(months.delete(2)),  # b lacks March
            "y": np.arange(9.0),
        }
    )
    with pytest.raises(ValueError, match=r"series 'b'.*2000-04-01.*2000-02-01"):
        to_supervised(panel, id="id", time="month", target="y")
    X, y = to_supervised(panel[panel["id"] == "a"], id="id", time="month", target="y")
    assert len(X) == 4
    periods = panel.assign(month=panel["month"].dt.to_period("M"))
    with pytest.raises(ValueError, match="series 'b'"):
        to_supervised(periods, id="id", time="month", target="y")


def test_times_with_no_step_to_tell_are_paired_in_row_order():
    # Trading days: no frequency pandas can infer, so no gap can be told.
    days = pd.DatetimeIndex(["2000-01-03", "2000-01-04", "2000-01-06", "2000-01-10"])
    X, y = to_supervised(pd.Series([1.0, 2.0, 3.0, 4.0], index=days))
    assert y.tolist() == [2.0, 3.0, 4.0]
    X, y = to_supervised(pd.Series([1.0, 2.0, 3.0], index=[1, 2, 5]))
    assert y.tolist() == [2.0, 3.0]


# --------------------------------------------------- panels, all series at once


@pytest.mark.parametrize("kind", ["period", "datetime", "integer"])
def test_a_panel_gives_what_each_series_gives_on_its_own(kind):
    rng = np.random.RandomState(0)
    parts = []
    for number in range(30):
        length = rng.randint(1, 8)
        start = rng.randint(0, 4)
        times = {
            "period": pd.period_range("2000-01", periods=length + start, freq="M")[start:],
            "datetime": pd.date_range("2000-01-01", periods=length + start, freq="D")[start:],
            "integer": np.arange(start, start + length),
        }[kind]
        parts.append(
            pd.DataFrame(
                {
                    "id": f"s{number}",
                    "t": times,
                    "y": rng.randint(0, 50, length),
                    "x": rng.normal(size=length),
                }
            )
        )
    # The rows of the series interleaved, as a long table sorted by time is.
    panel = pd.concat(parts).sample(frac=1, random_state=0).sort_values("t", kind="stable")
    with pytest.warns(UserWarning, match="too few rows"):
        X, y = to_supervised(panel, horizon=[1, 2], id="id", time="t", target="y")
    long = [part for part in parts if len(part) > 2]  # the others give no pair
    keys = sorted((part["id"].iloc[0] for part in long), key=list(panel["id"]).index)
    assert list(dict.fromkeys(X.index.get_level_values("id"))) == keys  # first appearance
    for part in long:
        X_one, y_one = to_supervised(part.set_index("t")[["y", "x"]], horizon=[1, 2], target="y")
        key = part["id"].iloc[0]
        pd.testing.assert_frame_equal(X.loc[key], X_one, check_names=False)
        pd.testing.assert_frame_equal(y.loc[key], y_one, check_names=False)
    assert y.dtypes.eq(np.float64).all()  # an integer target, as a shifted column is


def test_a_panel_of_only_one_row_series_is_refused_at_once():
    panel = pd.DataFrame({"id": np.arange(50_000), "t": 0, "y": 1.0})
    with pytest.raises(ValueError, match="every series of data has at most 1 rows"):
        to_supervised(panel, id="id", time="t", target="y")
