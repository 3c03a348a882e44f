"""Data loaders, and the M3 yardstick's metrics and Naive2 (benchmarks/m3.py)."""

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks import m3 as bench
from sklstm.datasets import _m3, load_airline, load_m3_monthly

SAMPLE = Path(__file__).parent / "data" / "m3_monthly_sample.csv"  # 5 series copied from M3
HEADER = "series,category,start_year,start_month,n_train,horizon,values\n"


def test_load_airline():
    y = load_airline()
    assert isinstance(y, pd.Series) and y.name == "passengers"
    assert len(y) == 144
    assert str(y.index[0]) == "1949-01" and str(y.index[-1]) == "1960-12"
    assert y.index.freqstr == "M"
    assert (y.iloc[0], y.min(), y.max(), y.iloc[-1]) == (112, 104, 622, 432)


# --- load_m3_monthly -----------------------------------------------------------


def test_load_m3_monthly_reads_the_sample():
    m3 = load_m3_monthly(SAMPLE)
    assert list(m3.info.index) == ["N1402", "N1679", "N1705", "N2522", "N2667"]
    assert list(m3.info["category"]) == ["MICRO", "MICRO", "MICRO", "FINANCE", "DEMOGRAPHIC"]
    assert list(m3.info["n_train"]) == [50, 108, 108, 125, 117]
    assert (m3.info["horizon"] == 18).all()
    train, test = m3.train["N1402"], m3.test["N1402"]
    assert train.name == test.name == "N1402"
    assert len(train) == 50 and len(test) == 18
    assert train.index[0] == pd.Period("1990-01", "M") and train.index.freqstr == "M"
    assert test.index[0] == train.index[-1] + 1  # the test part continues the training part
    assert train.iloc[:3].tolist() == [2640.0, 2640.0, 2160.0]
    assert test.iloc[-3:].tolist() == [480.0, 2040.0, 1440.0]
    assert m3.train["N2522"].iloc[:2].tolist() == [7008.8, 7046.8]  # decimals kept
    assert m3.info.loc["N1679", "start"] == pd.Period("1984-10", "M")


def test_load_m3_monthly_takes_a_text_file_object():
    with open(SAMPLE, encoding="utf-8") as handle:
        m3 = load_m3_monthly(handle)
    expected = load_m3_monthly(str(SAMPLE))
    for key in expected.train:
        pd.testing.assert_series_equal(m3.train[key], expected.train[key])
        pd.testing.assert_series_equal(m3.test[key], expected.test[key])


@pytest.mark.parametrize(
    "text, match",
    [
        ("a,b,c\n1,2,3\n", "line 1 must be the header"),
        (HEADER, "no series"),
        (HEADER + "N1,MICRO,1990,1,3,2,1 2 3 4\n", "values has 4 numbers, but n_train"),
        (HEADER + "N1,MICRO,1990,1,3,2,1 2 x 4 5\n", "values must be numbers"),
        (HEADER + "N1,MICRO,1990,1,3,2,1 2 nan 4 5\n", "values must be finite"),
        (HEADER + "N1,MICRO,1990,13,3,2,1 2 3 4 5\n", "start_month must be in"),
        (HEADER + "N1,MICRO,1990,1,three,2,1 2 3 4 5\n", "n_train must be an integer"),
        (HEADER + "N1,MICRO,1990,1,3,2\n", "has 6 fields"),
        (HEADER + "N1,M,1990,1,1,1,1 2\nN1,M,1990,1,1,1,1 2\n", "repeated"),
    ],
)
def test_a_malformed_file_is_refused(text, match):
    with pytest.raises(ValueError, match=match):
        load_m3_monthly(io.StringIO(text))


def test_a_file_too_large_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    monkeypatch.setattr(_m3, "MAX_BYTES", 1000)  # the sample has about 3.7 kB
    with pytest.raises(ValueError, match="bytes"):
        load_m3_monthly(SAMPLE)
    with pytest.raises(ValueError, match="more than 1000 characters"):
        load_m3_monthly(io.StringIO(SAMPLE.read_text()))


def test_a_binary_file_or_other_object_is_refused():
    with open(SAMPLE, "rb") as handle, pytest.raises(TypeError, match="text mode"):
        load_m3_monthly(handle)
    with pytest.raises(TypeError, match="file path, a text file object or None"):
        load_m3_monthly(3)


def _no_network(*args, **kwargs):
    raise AssertionError("the loader tried to download")


def test_a_file_in_data_home_is_read_without_downloading(tmp_path, monkeypatch):
    monkeypatch.setattr(_m3.urllib.request, "urlopen", _no_network)
    (tmp_path / "m3_monthly.csv").write_text(SAMPLE.read_text())
    m3 = load_m3_monthly(data_home=tmp_path)
    assert len(m3.train) == 5


def test_a_missing_file_without_download_raises(tmp_path, monkeypatch):
    monkeypatch.setattr(_m3.urllib.request, "urlopen", _no_network)
    with pytest.raises(OSError, match="download_if_missing is False"):
        load_m3_monthly(data_home=tmp_path, download_if_missing=False)


def test_the_competition_sheet_converts_to_the_same_series(tmp_path):
    # The M3Month sheet's layout: ids and categories padded with spaces, N
    # (all values) and NF (test values), then the values, blank after the end.
    m3 = load_m3_monthly(SAMPLE)
    width = max(len(m3.train[k]) + len(m3.test[k]) for k in m3.train)
    records = []
    for key, row in m3.info.iterrows():
        values = np.r_[m3.train[key], m3.test[key]]
        record = {
            "Series": key + " ",
            "N": len(values),
            "NF": row["horizon"],
            "Category": row["category"] + "   ",
            "Starting Year": row["start"].year,
            "Starting Month": row["start"].month,
        }
        record.update({i + 1: values[i] if i < len(values) else np.nan for i in range(width)})
        records.append(record)
    _m3._sheet_to_csv(pd.DataFrame(records), tmp_path / "converted.csv")
    converted = load_m3_monthly(tmp_path / "converted.csv")
    pd.testing.assert_frame_equal(converted.info, m3.info)
    for key in m3.train:
        pd.testing.assert_series_equal(converted.train[key], m3.train[key])
        pd.testing.assert_series_equal(converted.test[key], m3.test[key])


# --- the yardstick: metrics and Naive2 -----------------------------------------


def test_smape_by_hand():
    # 200 * 10 / 210 and 200 * 20 / 380
    assert bench.smape([100.0, 200.0], [110.0, 180.0]) == pytest.approx(
        (2000 / 210 + 4000 / 380) / 2
    )
    assert bench.smape([5.0], [5.0]) == 0.0


def test_mase_scales_by_the_seasonal_naive_in_sample_error():
    train = np.arange(14.0) ** 2  # |x[t] - x[t - 12]| = 24 t - 144 for t = 12, 13
    scale = (abs(144 - 0) + abs(169 - 1)) / 2  # 156
    assert bench.mase([20.0, 30.0], [26.0, 24.0], train) == pytest.approx(6.0 / scale)


def test_naive2_of_a_non_seasonal_series_is_its_last_value():
    train = load_m3_monthly(SAMPLE).train["N1705"].to_numpy()
    assert bench.naive2_indices(train) is None
    np.testing.assert_array_equal(bench.naive2(train), np.full(18, 1298.0))
    assert train[-1] == 1298.0  # the file's last training value


def test_naive2_of_an_exactly_seasonal_series_continues_its_pattern():
    # A constant level times a fixed pattern (mean 1): the centred moving
    # average is the level, the ratios are the pattern, the forecast is exact.
    pattern = np.array([0.7, 0.8, 1.0, 1.1, 1.3, 1.4, 1.2, 1.0, 0.9, 0.8, 0.9, 0.9])
    pattern = pattern / pattern.mean()
    series = 500.0 * np.tile(pattern, 10)[3:]  # starts in the 4th month of the cycle
    train, future = series[:-18], series[-18:]
    np.testing.assert_allclose(bench.naive2_indices(train), np.roll(pattern, -3))
    np.testing.assert_allclose(bench.naive2(train), future)
    np.testing.assert_allclose(bench.naive2_one_step(train, future), future)


def test_naive2_of_a_real_seasonal_series_by_hand():
    # The M competitions' recipe spelled out with loops, month by month.
    train = list(load_m3_monthly(SAMPLE).train["N1679"])
    n, mean = len(train), sum(train) / len(train)
    denominator = sum((v - mean) ** 2 for v in train)
    r = [
        sum((train[t] - mean) * (train[t - k] - mean) for t in range(k, n)) / denominator
        for k in range(13)
    ]
    limit = 1.645 * ((1 + 2 * sum(r[k] ** 2 for k in range(1, 12))) / n) ** 0.5
    assert abs(r[12]) > limit and bench.naive2_indices(train) is not None
    ratios = {position: [] for position in range(12)}
    for t in range(6, n - 6):  # centred 2x12 moving average
        trend = (0.5 * train[t - 6] + sum(train[t - 5 : t + 6]) + 0.5 * train[t + 6]) / 12
        ratios[t % 12].append(train[t] / trend)
    index = [sum(ratios[p]) / len(ratios[p]) for p in range(12)]
    index = [i / (sum(index) / 12) for i in index]
    adjusted_last = train[-1] / index[(n - 1) % 12]
    expected = [adjusted_last * index[(n + h) % 12] for h in range(18)]
    np.testing.assert_allclose(bench.naive2(np.array(train)), expected, rtol=1e-12)


def test_the_paper_subset_and_a_seeded_sample():
    m3 = load_m3_monthly(SAMPLE)
    assert bench.select(m3, None, 0) == ["N1679", "N1705", "N2522", "N2667"]  # n_train >= 81
    sample = bench.select(m3, 2, seed=3)
    assert sample == bench.select(m3, 2, seed=3) and len(set(sample)) == 2
    assert set(sample) <= {"N1679", "N1705", "N2522", "N2667"}


def test_evaluate_scores_naive2_on_the_sample():
    m3 = load_m3_monthly(SAMPLE)
    rows = bench.evaluate(m3, ["N1705"], {"Naive2": bench.run_naive2}, log=lambda s: None)
    test = m3.test["N1705"].to_numpy()
    expected = bench.smape(test, np.full(18, 1298.0))
    assert rows["Naive2"]["18 steps"][0] == pytest.approx(expected)
    # one step: each test month forecast by the month before (no seasonality)
    history = np.r_[1298.0, test[:-1]]
    assert rows["Naive2"]["one step"][0] == pytest.approx(bench.smape(test, history))
    assert "Naive2" in bench.table(rows, 1)


@pytest.mark.parametrize("strategy", ["recursive", "direct"])
def test_the_regressor_runner_forecasts_a_line_exactly(strategy):
    # the change from one month to the next is constant: a ChangeRegressor
    # of a LinearRegression learns it, so every forecast is exact
    from sklearn.linear_model import LinearRegression

    from sklstm import ChangeRegressor

    index = pd.period_range("1990-01", periods=60, freq="M")
    line = pd.Series(100.0 + 3.0 * np.arange(60), index=index, name="N0")
    train, test = line.iloc[:42], line.iloc[42:]
    run = bench.sklearn_method(lambda: ChangeRegressor(LinearRegression()), strategy)
    multi, one_step = run(train, test)
    np.testing.assert_allclose(multi, test.to_numpy())
    np.testing.assert_allclose(one_step, test.to_numpy())
