import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from sklstm import LagFeaturizer, SequenceReshaper


def test_steps_layout_one_time_step_per_lag():
    X = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
    lagged = LagFeaturizer(look_back=3).fit_transform(X)
    seq = SequenceReshaper(features_per_step=2).fit_transform(lagged)
    assert seq.shape == (3, 3, 2)
    np.testing.assert_array_equal(seq[2], X)  # oldest step first
    assert np.isnan(seq[0, :2]).all() and not np.isnan(seq[0, 2]).any()


def test_window_layout_is_one_step_with_all_lags():
    X = np.arange(8.0).reshape(2, 4)
    seq = SequenceReshaper(layout="window").fit_transform(X)
    assert seq.shape == (2, 1, 4)
    np.testing.assert_array_equal(seq[:, 0, :], X)


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
    with pytest.raises(ValueError, match="layout"):
        SequenceReshaper(layout="columns").fit(np.ones((3, 2)))


def test_pipeline_wide_pandas_output_passes_the_index_to_the_lags():
    import pandas as pd
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MinMaxScaler

    from sklstm import LagFeaturizer

    frame = pd.DataFrame({"y": np.arange(8.0)})
    pipe = Pipeline(
        [("scale", MinMaxScaler()), ("lags", LagFeaturizer(look_back=3)), ("seq", SequenceReshaper())]
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
