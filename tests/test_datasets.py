import pandas as pd

from sklstm.datasets import load_airline


def test_load_airline():
    y = load_airline()
    assert isinstance(y, pd.Series) and y.name == "passengers"
    assert len(y) == 144
    assert str(y.index[0]) == "1949-01" and str(y.index[-1]) == "1960-12"
    assert y.index.freqstr == "M"
    assert (y.iloc[0], y.min(), y.max(), y.iloc[-1]) == (112, 104, 622, 432)
