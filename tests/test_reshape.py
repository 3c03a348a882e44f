import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from sklstm import LagFeaturizer, SequenceReshaper


def test_numpy_matrix_is_read_by_position_with_explicit_features_per_step():
    X = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
    lagged = LagFeaturizer(look_back=3).fit_transform(X)
    reshaper = SequenceReshaper(features_per_step=2).fit(lagged)
    seq = reshaper.transform(lagged)
    assert seq.shape == (3, 3, 2)
    assert (reshaper.n_steps_, reshaper.features_per_step_) == (3, 2)
    np.testing.assert_array_equal(seq[2], X)  # oldest step first
    assert np.isnan(seq[0, :2]).all() and not np.isnan(seq[0, 2]).any()


@pytest.mark.parametrize("look_back", [1, 2, 4])
def test_lag_featurizer_pandas_output_needs_no_parameter(look_back):
    frame = pd.DataFrame({"x": np.arange(6.0), "month": np.arange(6.0) * 10, "z": -np.arange(6.0)})
    lags = LagFeaturizer(look_back=look_back).set_output(transform="pandas")
    lagged = lags.fit_transform(frame)
    assert isinstance(lagged, pd.DataFrame)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the names say it all: no warning
        seq = SequenceReshaper().fit_transform(lagged)
    assert seq.shape == (6, look_back, 3)
    # the same as counting the columns by hand
    by_hand = SequenceReshaper(features_per_step=3).fit_transform(lagged.to_numpy())
    np.testing.assert_array_equal(seq, by_hand)
    np.testing.assert_array_equal(seq[-1, -1], frame.iloc[-1])  # newest step last


def test_pipeline_wide_pandas_output_derives_features_per_step():
    frame = pd.DataFrame({"a": np.arange(8.0), "b": np.arange(8.0) ** 2})
    pipe = make_pipeline(LagFeaturizer(look_back=3), SequenceReshaper())
    pipe.set_output(transform="pandas")
    out = pipe.fit_transform(frame)
    assert out.shape == (8, 3, 2)
    np.testing.assert_array_equal(out[5], frame.iloc[3:6].to_numpy())


def skforecast_lags(series, n_lags):
    """The lag matrix as skforecast builds it: lag_1 (newest) .. lag_n (oldest)."""
    return pd.DataFrame({f"lag_{k}": series.shift(k) for k in range(1, n_lags + 1)}).iloc[n_lags:]


def test_newest_first_skforecast_names_come_out_oldest_first():
    series = pd.Series(np.arange(20.0))
    lagged = skforecast_lags(series, 12)
    assert list(lagged.columns[:2]) == ["lag_1", "lag_2"]
    reshaper = SequenceReshaper().fit(lagged)
    seq = reshaper.transform(lagged)
    assert seq.shape == (8, 12, 1)
    # the first row predicts series[12] from series[0..11], oldest first
    np.testing.assert_array_equal(seq[0, :, 0], np.arange(12.0))
    np.testing.assert_array_equal(reshaper.columns_[:, 0], np.arange(11, -1, -1))
    # the same window as LagFeaturizer's oldest-first matrix gives
    ours = LagFeaturizer(look_back=12).fit_transform(series.to_frame())[11:19]
    np.testing.assert_array_equal(seq, SequenceReshaper().fit_transform(ours))


def test_names_decide_the_order_whatever_the_column_order():
    frame = pd.DataFrame({"y_lag0": [3.0], "x_lag1": [20.0], "y_lag1": [2.0], "x_lag0": [30.0]})
    seq = SequenceReshaper().fit_transform(frame)
    # features in the order they first appear (y, x); steps oldest first
    np.testing.assert_array_equal(seq[0], [[2.0, 20.0], [3.0, 30.0]])


@pytest.mark.parametrize(
    "names",
    [
        ["passengers_lag2", "passengers_lag1", "passengers_lag0"],  # LagFeaturizer
        ["lag_3", "lag_2", "lag_1"],  # skforecast, reversed to oldest first
        ["lags__x__lag_2", "lags__x__lag_1", "lags__x__lag_0"],  # a ColumnTransformer's prefix
    ],
)
def test_known_lag_names_are_read(names):
    X = pd.DataFrame([[1.0, 2.0, 3.0]], columns=names)
    np.testing.assert_array_equal(SequenceReshaper().fit_transform(X)[0, :, 0], [1.0, 2.0, 3.0])


def test_explicit_order_reverses_a_numpy_matrix():
    X = np.array([[3.0, 30.0, 2.0, 20.0, 1.0, 10.0]])  # newest step first, 2 features
    seq = SequenceReshaper(features_per_step=2, order="newest_first").fit_transform(X)
    np.testing.assert_array_equal(seq[0], [[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])


def test_names_that_are_not_lags_warn_about_the_order():
    X = pd.DataFrame(np.ones((3, 4)), columns=["a", "b", "c", "d"])
    with pytest.warns(UserWarning, match="cannot tell the time order.*order='oldest_first'"):
        seq = SequenceReshaper().fit_transform(X)
    assert seq.shape == (3, 4, 1)
    with warnings.catch_warnings():  # saying the order silences it
        warnings.simplefilter("error")
        SequenceReshaper(order="oldest_first").fit(X)


@pytest.mark.parametrize(
    "columns, params, message",
    [
        (["lag_1", "lag_2", "temperature"], {}, r"'temperature'.* not lag columns"),
        (["x_lag1", "x_lag0", "y_lag0"], {}, r"'y_lag1' missing"),
        (["lag_1", "lag1"], {}, "same lag of the same feature"),
        (["x_lag1", "y_lag1", "x_lag0", "y_lag0"], {"features_per_step": 1}, "2 feature"),
        (["lag_1", "lag_2", "lag_3"], {"order": "oldest_first"}, "order='oldest_first'"),
    ],
)
def test_ambiguous_or_contradicting_names_are_errors(columns, params, message):
    X = pd.DataFrame(np.ones((2, len(columns))), columns=columns)
    reshaper = SequenceReshaper(**params)
    with pytest.raises(ValueError, match=message):
        reshaper.fit(X)
    assert not hasattr(reshaper, "columns_")


def test_explicit_parameters_that_agree_with_the_names_are_accepted():
    X = pd.DataFrame([[1.0, 2.0]], columns=["lag_1", "lag_2"])
    seq = SequenceReshaper(features_per_step=1, order="newest_first").fit_transform(X)
    np.testing.assert_array_equal(seq[0, :, 0], [2.0, 1.0])


def test_input_is_not_changed():
    X = pd.DataFrame([[1.0, 2.0]], columns=["lag_1", "lag_2"])
    before = X.copy()
    SequenceReshaper().fit_transform(X)[:] = 0
    pd.testing.assert_frame_equal(X, before)


@pytest.mark.parametrize("look_back", [1, 3, 12])
def test_time_steps_follow_look_back_unchanged(look_back):
    pipe = make_pipeline(LagFeaturizer(look_back=look_back), SequenceReshaper())
    out = pipe.fit_transform(np.arange(20.0).reshape(-1, 1))
    assert out.shape == (20, look_back, 1)
    assert pipe[-1].n_steps_ == look_back


def test_width_must_split_into_whole_steps():
    with pytest.raises(ValueError, match="features_per_step=2"):
        SequenceReshaper(features_per_step=2).fit(np.ones((4, 3)))


def test_output_is_a_new_array():
    X = np.ones((4, 2))
    seq = SequenceReshaper().fit_transform(X)
    seq[:] = 5
    assert (X == 1).all()


def test_errors():
    with pytest.raises(NotFittedError):
        SequenceReshaper().transform(np.ones((3, 2)))
    reshaper = SequenceReshaper().fit(np.ones((3, 2)))
    with pytest.raises(ValueError, match="X has 3 features, but SequenceReshaper is expecting 2"):
        reshaper.transform(np.ones((3, 3)))
    with pytest.raises(ValueError, match="infinity"):
        SequenceReshaper().fit(np.array([[1.0, np.inf]]))
    with pytest.raises(ValueError, match="order"):
        SequenceReshaper(order="columns").fit(np.ones((3, 2)))
    with pytest.raises(ValueError, match="features_per_step"):
        SequenceReshaper(features_per_step=0).fit(np.ones((3, 2)))


def test_pipeline_wide_pandas_output_passes_the_index_to_the_lags():
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MinMaxScaler

    from sklstm import LagFeaturizer

    frame = pd.DataFrame({"y": np.arange(8.0)})
    pipe = Pipeline(
        [
            ("scale", MinMaxScaler()),
            ("lags", LagFeaturizer(look_back=3)),
            ("seq", SequenceReshaper()),
        ]
    ).set_output(transform="pandas")
    pipe.fit(frame.iloc[:5])
    out = pipe.transform(frame.iloc[5:])
    assert isinstance(out, np.ndarray) and out.shape == (3, 3, 1)  # 3-D stays an array
    # the scaler's pandas output kept the index: the first row has real lags
    np.testing.assert_allclose(out[0, :, 0], np.array([3.0, 4.0, 5.0]) / 4.0)


def test_transform_after_a_failed_fit_says_not_fitted():
    # Found by tests/test_fuzz.py: the failed fit had set n_features_in_, so
    # transform passed the fitted check and hit a missing n_steps_.
    reshaper = SequenceReshaper(features_per_step=2)
    with pytest.raises(ValueError, match="whole number of time steps"):
        reshaper.fit(np.ones((3, 1)))
    with pytest.raises(NotFittedError):
        reshaper.transform(np.ones((3, 1)))
    # A failed refit does not keep the earlier fit's number of steps either.
    reshaper.fit(np.ones((3, 4)))
    with pytest.raises(ValueError, match="whole number of time steps"):
        reshaper.fit(np.ones((3, 3)))
    with pytest.raises(NotFittedError):
        reshaper.transform(np.ones((3, 3)))


def test_layout_auto_is_the_window_for_few_rows_and_one_step_per_lag_for_many():
    def lags(n):
        frame = pd.DataFrame({"x": np.arange(float(n))})
        return LagFeaturizer(look_back=3).set_output(transform="pandas").fit_transform(frame)

    few, many = lags(50), lags(10_001)
    window = SequenceReshaper(layout="auto").fit(few)
    assert window.layout_ == "window" and window.n_steps_ == 1
    out = window.transform(few)
    np.testing.assert_array_equal(out, few.to_numpy())  # the matrix as it is, 2-D
    steps = SequenceReshaper(layout="auto").fit(many)
    assert steps.layout_ == "lags" and steps.transform(many).shape == (10_001, 3, 1)
    assert SequenceReshaper().fit(few).layout_ == "lags"  # the default: as before
    np.testing.assert_array_equal(SequenceReshaper(layout="window").fit_transform(many), many)


def test_a_reshaper_saved_before_layout_existed_loads_as_one_step_per_lag():
    import pickle

    frame = pd.DataFrame({"x": np.arange(20.0)})
    lags = LagFeaturizer(look_back=3).set_output(transform="pandas").fit_transform(frame)
    fitted = SequenceReshaper().fit(lags)
    del fitted.layout, fitted.layout_  # as an older version pickled it
    loaded = pickle.loads(pickle.dumps(fitted))
    assert loaded.get_params()["layout"] == "lags" and loaded.layout_ == "lags"
    assert loaded.transform(lags).shape == (20, 3, 1)
