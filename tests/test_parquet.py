"""read_parquet_panel: a panel's table read from Parquet batch by batch, and a
global model fitted from it on a Dask cluster (docs/scaling-out.md)."""

import sys

import numpy as np
import pandas as pd
import pytest

from sklstm import make_lstm_forecaster, read_parquet_panel, recursive_forecast, to_supervised

pytest.importorskip("pyarrow")


def sales_panel(n_series=6, n_days=40, seed=0):
    rng = np.random.default_rng(seed)
    days = pd.date_range("2021-03-01", periods=n_days, freq="D")
    return pd.DataFrame(
        {
            "store": np.repeat([f"store {k}" for k in range(n_series)], n_days),
            "day": np.tile(days, n_series),
            "units": np.repeat(np.arange(n_series), n_days).astype(np.int64),
            "sales": np.exp(rng.normal(2, 0.3, n_series * n_days)),
        }
    )


@pytest.mark.parametrize("partitioned", [True, False])
def test_reads_what_pandas_reads(tmp_path, partitioned):
    frame = sales_panel()
    path = tmp_path / "panel"
    if partitioned:  # a directory of files, one folder per store
        frame.to_parquet(path, partition_cols=["store"])
    else:
        frame.to_parquet(path)
    read = read_parquet_panel(path, batch_rows=7)  # batches that cut series apart
    expected = pd.read_parquet(path)
    assert list(read.columns) == list(expected.columns)
    for name in expected.columns:
        if isinstance(expected[name].dtype, pd.CategoricalDtype) or expected[name].dtype == object:
            assert read[name].astype(str).tolist() == expected[name].astype(str).tolist()
        else:
            np.testing.assert_array_equal(read[name].to_numpy(), expected[name].to_numpy())
    assert isinstance(read["store"].dtype, pd.CategoricalDtype)  # each label once


def test_reads_some_columns_and_some_series(tmp_path):
    sales_panel().to_parquet(tmp_path / "panel", partition_cols=["store"])
    read = read_parquet_panel(
        tmp_path / "panel",
        columns=["store", "day", "sales"],
        filters=[("store", "in", ["store 1", "store 4"])],
    )
    assert list(read.columns) == ["store", "day", "sales"]
    assert sorted(set(read["store"].astype(str))) == ["store 1", "store 4"]
    assert len(read) == 2 * 40


def test_missing_labels_stay_missing(tmp_path):
    frame = pd.DataFrame({"store": ["a", None, "b", "a"], "sales": [1.0, 2.0, 3.0, np.nan]})
    frame.to_parquet(tmp_path / "panel.parquet")
    read = read_parquet_panel(tmp_path / "panel.parquet", batch_rows=3)
    assert read["store"].isna().tolist() == [False, True, False, False]
    assert read["store"].astype(str).tolist()[::2] == ["a", "b"]
    assert np.isnan(read["sales"].iloc[3])


def test_refuses_what_it_cannot_read(tmp_path):
    frame = pd.DataFrame({"store": ["a", "b"], "units": pd.array([1, None], dtype="Int64")})
    frame.to_parquet(tmp_path / "panel.parquet")
    with pytest.raises(ValueError, match="'units' holds whole numbers or booleans and 1"):
        read_parquet_panel(tmp_path / "panel.parquet")
    with pytest.raises(ValueError, match=r"Columns \['price'\] are not in the dataset"):
        read_parquet_panel(tmp_path / "panel.parquet", columns=["price"])
    with pytest.raises(ValueError, match="batch_rows must be a positive int"):
        read_parquet_panel(tmp_path / "panel.parquet", batch_rows=0)


def fit_from_parquet(path):
    """docs/scaling-out.md's pattern: read the panel where the fit runs, build
    its windows per batch, return the model and its 7-day forecast."""
    frame = read_parquet_panel(path, columns=["store", "day", "sales"])
    X, y = to_supervised(frame, target="sales", id="store", time="day")
    model = make_lstm_forecaster(
        seasonal_period=7, units=3, max_iter=2, random_state=0, samples_per_epoch=150
    ).set_params(windows="batches")
    model.fit(X, y)
    return model, recursive_forecast(model, X, steps=7)


@pytest.mark.slow  # a Dask cluster of processes that load TensorFlow
def test_a_global_model_fits_from_parquet_on_the_cluster_as_it_does_here(tmp_path):
    distributed = pytest.importorskip("distributed")
    import cloudpickle

    path = tmp_path / "panel"
    sales_panel().to_parquet(path, partition_cols=["store"])
    local_model, local_forecast = fit_from_parquet(path)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        with (
            distributed.LocalCluster(
                n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            remote_model, remote_forecast = client.submit(fit_from_parquet, str(path)).result()
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    pd.testing.assert_series_equal(remote_forecast, local_forecast, rtol=1e-5)
    # the model came back whole: it forecasts here as it did on the worker
    frame = read_parquet_panel(path, columns=["store", "day", "sales"])
    X, _ = to_supervised(frame, target="sales", id="store", time="day")
    pd.testing.assert_series_equal(recursive_forecast(remote_model, X, steps=7), remote_forecast)
    assert local_model.regressor_[-1].n_iter_ == remote_model.regressor_[-1].n_iter_ == 2


def test_zoned_times_and_booleans_come_back_as_pandas_reads_them(tmp_path):
    frame = pd.DataFrame(
        {
            "day": pd.date_range("2021-03-27", periods=4, freq="D", tz="Europe/Paris"),
            "open": [True, False, True, True],
        }
    )
    frame.to_parquet(tmp_path / "zoned.parquet")
    read = read_parquet_panel(tmp_path / "zoned.parquet", batch_rows=np.int64(3))
    pd.testing.assert_series_equal(read["day"], pd.read_parquet(tmp_path / "zoned.parquet")["day"])
    assert read["open"].tolist() == [True, False, True, True]
    pd.DataFrame({"open": [True, None, False]}).to_parquet(tmp_path / "gaps.parquet")
    with pytest.raises(ValueError, match="'open' holds whole numbers or booleans and 1 missing"):
        read_parquet_panel(tmp_path / "gaps.parquet")
