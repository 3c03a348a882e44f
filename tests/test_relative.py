"""RelativeWindows: lag windows relative to the current value."""

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import Pipeline

from sklstm import (
    ChangeRegressor,
    LagFeaturizer,
    LSTMRegressor,
    RelativeWindows,
    SequenceReshaper,
    to_supervised,
)


def windows(frame, look_back=3):
    lags = LagFeaturizer(look_back=look_back).set_output(transform="pandas")
    return lags.fit_transform(frame)


def test_diff_subtracts_the_current_value_and_keeps_nan():
    W = windows(pd.DataFrame({"y": [10.0, 12.0, 11.0, 15.0]}))
    out = RelativeWindows().fit_transform(W)
    expected = np.array(
        [[np.nan, np.nan, 0.0], [np.nan, -2.0, 0.0], [-1.0, 1.0, 0.0], [-3.0, -4.0, 0.0]]
    )
    np.testing.assert_array_equal(out, expected)


def test_log_is_the_log_ratio_to_the_current_value():
    W = windows(pd.DataFrame({"y": [1.0, 2.0, 4.0, 8.0]}))
    out = RelativeWindows("log").fit_transform(W)
    np.testing.assert_allclose(out[3], np.log([2 / 8, 4 / 8, 1.0]))
    assert np.isnan(out[0, :2]).all()


def test_log_refuses_non_positive_values():
    W = windows(pd.DataFrame({"y": [1.0, -2.0, 4.0, 8.0]}))
    with pytest.raises(ValueError, match="positive"):
        RelativeWindows("log").fit(W).transform(W)


def test_exogenous_columns_are_chosen_by_name():
    frame = pd.DataFrame({"sales": [1.0, 2.0, 4.0], "temp": [20.0, 25.0, 21.0]})
    W = windows(frame, look_back=2)  # sales_lag1, temp_lag1, sales_lag0, temp_lag0
    only_sales = RelativeWindows(features=["sales"]).fit_transform(W)
    np.testing.assert_array_equal(only_sales[2], [2.0 - 4.0, 25.0, 0.0, 21.0])
    excluded = RelativeWindows(exclude=["sales"]).fit_transform(W)
    np.testing.assert_array_equal(excluded[2], [2.0, 25.0 - 21.0, 4.0, 0.0])
    both = RelativeWindows().fit_transform(W)
    np.testing.assert_array_equal(both[2], [-2.0, 4.0, 0.0, 0.0])


def test_unknown_feature_and_missing_names_are_explained():
    W = windows(pd.DataFrame({"y": [1.0, 2.0, 3.0]}))
    with pytest.raises(ValueError, match=r"\['price'\] have no lag columns"):
        RelativeWindows(features=["price"]).fit(W)
    with pytest.raises(TypeError, match="set_output"):
        RelativeWindows().fit(W.to_numpy())
    with pytest.raises(ValueError, match="y_lag0"):
        RelativeWindows().fit(W.drop(columns="y_lag0"))


def test_input_is_not_mutated_and_names_pass_through():
    W = windows(pd.DataFrame({"y": [1.0, 2.0, 3.0, 5.0]}))
    before = W.copy()
    rel = RelativeWindows().set_output(transform="pandas")
    out = rel.fit_transform(W)
    pd.testing.assert_frame_equal(W, before)
    assert list(out.columns) == list(W.columns)
    pd.testing.assert_index_equal(out.index, W.index)
    assert rel.relative_features_ == ["y"]


def test_a_shifted_series_gives_the_same_windows():
    values = np.array([3.0, 5.0, 4.0, 8.0, 7.0])
    W = windows(pd.DataFrame({"y": values}))
    shifted = windows(pd.DataFrame({"y": values + 1000.0}))
    rel = RelativeWindows().fit(W)
    np.testing.assert_allclose(rel.transform(W), rel.transform(shifted))


def test_lstm_masks_the_missing_history_in_a_change_pipeline():
    series = pd.Series(100 + 2.0 * np.arange(30), name="y")
    X, y = to_supervised(series)
    pipe = Pipeline(
        [
            ("lags", LagFeaturizer(look_back=4)),
            ("relative", RelativeWindows()),
            ("seq", SequenceReshaper()),
            ("lstm", LSTMRegressor(units=4, max_iter=2, random_state=0)),
        ]
    ).set_output(transform="pandas")
    model = ChangeRegressor(pipe).fit(X, y)  # NaN lags of the first rows: masked
    assert np.isfinite(model.predict(X)).all()
    first = model.regressor_[:-1].transform(X.iloc[:1])
    assert np.isnan(first[0, :3]).all() and first[0, 3] == 0.0


def test_fill_value_replaces_only_the_missing_relative_lags():
    W = windows(pd.DataFrame({"y": [10.0, 12.0, 11.0]}))
    out = RelativeWindows(fill_value=0.0).fit_transform(W)
    np.testing.assert_array_equal(out, [[0.0, 0.0, 0.0], [0.0, -2.0, 0.0], [-1.0, 1.0, 0.0]])


# reference: the mean of the last k values -------------------------------------


def test_reference_k_is_the_mean_of_the_last_k_values():
    values = np.array([4.0, 1.0, 2.0, 8.0, 16.0])
    W = windows(pd.DataFrame({"y": values}), look_back=4)
    out = RelativeWindows(reference=2).fit_transform(W)
    # row 4: window [1, 2, 8, 16], reference (8 + 16) / 2
    np.testing.assert_allclose(out[4], [1.0, 2.0, 8.0, 16.0] - np.mean([8.0, 16.0]))
    # row 0: only the current value is known; the missing lag is left out of the mean
    np.testing.assert_allclose(out[0, -1], 0.0)
    logs = RelativeWindows("log", reference=3).fit_transform(W)
    np.testing.assert_allclose(logs[4], np.log([1.0, 2.0, 8.0, 16.0]) - np.log(2 * 8 * 16) / 3)
    assert np.isnan(logs[1, :2]).all() and np.isfinite(logs[1, 2:]).all()


def test_reference_one_is_last():
    W = windows(pd.DataFrame({"y": [3.0, 1.0, 4.0, 1.0, 5.0]}), look_back=3)
    for kind in ("diff", "log"):
        np.testing.assert_array_equal(
            RelativeWindows(kind, reference=1).fit_transform(W),
            RelativeWindows(kind).fit_transform(W),
        )


def test_a_missing_current_value_gives_a_missing_reference():
    W = windows(pd.DataFrame({"y": [1.0, 2.0, 3.0]}), look_back=3)
    W.iloc[2, 2] = np.nan  # the current value of the last row
    out = RelativeWindows(reference=3).fit_transform(W)
    assert np.isnan(out[2]).all()


def test_reference_needs_that_many_lags():
    W = windows(pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0]}), look_back=3)
    with pytest.raises(ValueError, match=r"reference=12.*look_back of at least 12"):
        RelativeWindows(reference=12).fit(W)
    with pytest.raises(ValueError, match="reference"):
        RelativeWindows(reference=0).fit(W)


@pytest.mark.parametrize("scale", [0.001, 7.0, 1e4])
def test_log_windows_relative_to_the_mean_do_not_see_the_scale(scale):
    rng = np.random.RandomState(0)
    series = np.exp(rng.normal(size=30).cumsum() * 0.1) * 50
    base = RelativeWindows("log", reference=12).fit_transform(
        windows(pd.DataFrame({"y": series}), look_back=24)
    )
    scaled = RelativeWindows("log", reference=12).fit_transform(
        windows(pd.DataFrame({"y": scale * series}), look_back=24)
    )
    np.testing.assert_allclose(scaled, base, atol=1e-12)
    shifted = RelativeWindows(reference=12).fit_transform(
        windows(pd.DataFrame({"y": series + scale}), look_back=24)
    )
    plain = RelativeWindows(reference=12).fit_transform(
        windows(pd.DataFrame({"y": series}), look_back=24)
    )
    np.testing.assert_allclose(shifted, plain, atol=1e-9 * scale)


def test_reference_auto_is_the_last_value_for_few_rows_and_the_last_cycle_for_many():
    def windows(n):
        frame = pd.DataFrame({"y": 100.0 + np.arange(float(n)) % 12})
        return LagFeaturizer(look_back=13).set_output(transform="pandas").fit_transform(frame)

    few, many = windows(100), windows(10_001)
    assert RelativeWindows(reference="auto").fit(few).reference_ == "last"
    fitted = RelativeWindows(reference="auto").fit(many)
    assert fitted.reference_ == 12  # the window but its oldest value: one cycle
    np.testing.assert_array_equal(
        fitted.transform(many), RelativeWindows(reference=12).fit(many).transform(many)
    )
