"""The monthly international airline passengers series, 1949-1960."""

from importlib import resources

import pandas as pd


def load_airline() -> pd.Series:
    """Load the monthly airline passengers series (144 values, 1949-1960).

    The classic Box & Jenkins series of monthly totals of international
    airline passengers, in thousands. The values ship inside the package,
    so loading needs no network.

    Returns
    -------
    passengers : pandas.Series of shape (144,)
        Integer passenger counts named ``"passengers"``, indexed by a monthly
        :class:`pandas.PeriodIndex` from 1949-01 to 1960-12.

    Examples
    --------
    >>> from sklstm.datasets import load_airline
    >>> y = load_airline()
    >>> y.shape
    (144,)
    >>> y.head(3)
    Month
    1949-01    112
    1949-02    118
    1949-03    132
    Freq: M, Name: passengers, dtype: int64
    """
    path = resources.files(__package__).joinpath("data", "airline-passengers.csv")
    with path.open("r", encoding="utf-8") as handle:
        frame = pd.read_csv(handle)
    index = pd.PeriodIndex(frame["Month"], freq="M", name="Month")
    return pd.Series(frame["Passengers"].to_numpy(dtype="int64"), index=index, name="passengers")
