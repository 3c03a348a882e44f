"""The 1428 monthly series of the M3 forecasting competition, from a file or the web."""

import csv
import io
import math
import os
import shutil
import tempfile
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import get_data_home
from sklearn.utils import Bunch

#: The competition's own spreadsheet, published by the International Institute
#: of Forecasters; its ``M3Month`` sheet holds the monthly series.
M3_URL = "https://forecasters.org/data/m3comp/M3C.xls"
FILE_NAME = "m3_monthly.csv"
COLUMNS = ["series", "category", "start_year", "start_month", "n_train", "horizon", "values"]
# The real file is under 1 MB and its longest series has 144 values: these
# bounds refuse a wrong file before it fills the memory.
MAX_BYTES = 20_000_000
MAX_VALUES = 10_000


def load_m3_monthly(
    path: "str | os.PathLike | io.TextIOBase | None" = None,
    *,
    data_home: "str | os.PathLike | None" = None,
    download_if_missing: bool = True,
) -> Bunch:
    """Load the monthly series of the M3 competition, split as in the competition.

    Each series ends with its test part: the last ``horizon`` (18) values,
    which the competition's forecasts were scored on; the rest is the
    training part (``n_train`` values). The file is a CSV with one row per
    series and the columns ``series, category, start_year, start_month,
    n_train, horizon, values`` (the whole series, space-separated). It is
    checked as it is read: a malformed file raises a ``ValueError`` naming the
    line and the problem.

    Parameters
    ----------
    path : str, path-like, text file object or None, default=None
        The CSV to read. ``None`` reads ``m3_monthly.csv`` in ``data_home``,
        downloading it first if it is not there and ``download_if_missing``.
    data_home : str or path-like, default=None
        Where the downloaded file is kept when ``path`` is None; by default
        scikit-learn's data folder (:func:`sklearn.datasets.get_data_home`,
        ``~/scikit_learn_data``).
    download_if_missing : bool, default=True
        When ``path`` is None and the file is not in ``data_home``, download
        the competition's spreadsheet,
        https://forecasters.org/data/m3comp/M3C.xls (reading it needs the
        package ``xlrd``), convert its monthly sheet to the CSV above and keep
        that in ``data_home``. With False, a missing file raises an
        ``OSError``. Unused when ``path`` is given.

    Returns
    -------
    m3 : :class:`~sklearn.utils.Bunch`
        With the fields

        train : dict of str to pandas.Series
            The training part of each series, named by its id (``"N1402"``),
            float values indexed by a monthly :class:`pandas.PeriodIndex`.
        test : dict of str to pandas.Series
            The test part, whose index continues the training part's.
        info : pandas.DataFrame
            One row per series, indexed by its id, in the file's order:
            ``category``, ``n_train``, ``horizon`` and ``start`` (the first
            month, a Period).

    Notes
    -----
    The M3 competition: Makridakis & Hibon (2000), "The M3-Competition:
    results, conclusions and implications", International Journal of
    Forecasting 16(4). Makridakis, Spiliotis & Assimakopoulos (2018),
    "Statistical and Machine Learning forecasting methods: Concerns and ways
    forward", PLOS ONE 13(3), score machine learning methods on the 1045
    monthly series with ``n_train >= 81``.

    Examples
    --------
    A file of one series: three training months, then two test months.

    >>> import io
    >>> from sklstm.datasets import load_m3_monthly
    >>> text = (
    ...     "series,category,start_year,start_month,n_train,horizon,values\\n"
    ...     "N0001,MICRO,1990,11,3,2,10 20 30 40 50\\n"
    ... )
    >>> m3 = load_m3_monthly(io.StringIO(text))
    >>> m3.train["N0001"]
    1990-11    10.0
    1990-12    20.0
    1991-01    30.0
    Freq: M, Name: N0001, dtype: float64
    >>> m3.test["N0001"].index[0]
    Period('1991-02', 'M')
    >>> m3.info
           category  n_train  horizon    start
    series
    N0001     MICRO        3        2  1990-11
    """
    if path is None:
        path = _local_copy(data_home, download_if_missing)
    if isinstance(path, (str, os.PathLike)):
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise ValueError(
                f"{os.fspath(path)!r} has {size} bytes; the M3 monthly file has about "
                f"1 MB. Pass the CSV of the M3 monthly series (at most {MAX_BYTES} bytes)."
            )
        with open(path, encoding="utf-8", newline="") as handle:
            return _parse(handle)
    if not hasattr(path, "read"):
        raise TypeError(
            f"path must be a file path, a text file object or None; got {type(path).__name__}."
        )
    text = path.read(MAX_BYTES + 1)
    if not isinstance(text, str):
        raise TypeError("path must be opened in text mode (open(path, encoding='utf-8')).")
    if len(text) > MAX_BYTES:
        raise ValueError(f"the file holds more than {MAX_BYTES} characters; it is not the M3 CSV.")
    return _parse(io.StringIO(text))


def _parse(handle):
    reader = csv.reader(handle)
    header = next(reader, None)
    if header != COLUMNS:
        raise ValueError(
            f"line 1 must be the header {','.join(COLUMNS)}; got {header!r}. "
            "Is this the M3 monthly CSV?"
        )
    train, test, rows = {}, {}, []
    for line, fields in enumerate(reader, start=2):
        if not fields:
            continue
        if len(fields) != len(COLUMNS):
            raise ValueError(f"line {line} has {len(fields)} fields, not {len(COLUMNS)}.")
        name, category, start_year, start_month, n_train, horizon, values = fields
        if not name or name in train:
            raise ValueError(f"line {line}: series id {name!r} is empty or repeated.")
        year = _integer(start_year, "start_year", line, 1, 9999)
        month = _integer(start_month, "start_month", line, 1, 12)
        n_train = _integer(n_train, "n_train", line, 1, MAX_VALUES)
        horizon = _integer(horizon, "horizon", line, 1, MAX_VALUES)
        numbers = values.split()
        if len(numbers) != n_train + horizon:
            raise ValueError(
                f"line {line} ({name}): values has {len(numbers)} numbers, but "
                f"n_train + horizon = {n_train + horizon}."
            )
        try:
            array = np.array([float(v) for v in numbers])
        except ValueError as error:
            raise ValueError(f"line {line} ({name}): values must be numbers ({error}).") from None
        if not np.isfinite(array).all():
            raise ValueError(f"line {line} ({name}): values must be finite.")
        start = pd.Period(year=year, month=month, freq="M")
        index = pd.period_range(start, periods=len(array), freq="M")
        train[name] = pd.Series(array[:n_train], index=index[:n_train], name=name)
        test[name] = pd.Series(array[n_train:], index=index[n_train:], name=name)
        rows.append((name, category, n_train, horizon, start))
    if not rows:
        raise ValueError("the file has a header but no series.")
    info = pd.DataFrame(rows, columns=["series", "category", "n_train", "horizon", "start"])
    return Bunch(train=train, test=test, info=info.set_index("series"))


def _integer(text, column, line, low, high):
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"line {line}: {column} must be an integer; got {text!r}.") from None
    if not low <= value <= high:
        raise ValueError(f"line {line}: {column} must be in [{low}, {high}]; got {value}.")
    return value


def _local_copy(data_home, download_if_missing):
    """The path of the CSV in ``data_home``, downloaded and converted if missing."""
    target = Path(get_data_home(data_home)) / FILE_NAME
    if target.exists():
        return target
    if not download_if_missing:
        raise OSError(
            f"{target} not found and download_if_missing is False; pass "
            "path=<the M3 monthly CSV> or download_if_missing=True."
        )
    try:
        import xlrd  # noqa: F401  (pandas reads .xls with it)
    except ImportError:
        raise ImportError(
            "Downloading M3 reads the competition's .xls file, which needs xlrd: "
            "pip install xlrd, or pass path=<the M3 monthly CSV>."
        ) from None
    with tempfile.TemporaryDirectory(dir=target.parent) as folder:
        spreadsheet = Path(folder) / "M3C.xls"
        with urllib.request.urlopen(M3_URL, timeout=60) as response:
            with open(spreadsheet, "wb") as out:
                shutil.copyfileobj(response, out)
        sheet = pd.read_excel(spreadsheet, sheet_name="M3Month")
        converted = Path(folder) / FILE_NAME
        _sheet_to_csv(sheet, converted)
        with open(converted, encoding="utf-8", newline="") as handle:
            _parse(handle)  # check it before it takes the final name
        os.replace(converted, target)
    return target


def _sheet_to_csv(sheet, path):
    """Write the competition's ``M3Month`` sheet in this module's CSV layout.

    The sheet has one row per series: ``Series``, ``N`` (all the values),
    ``NF`` (the test values), ``Category``, ``Starting Year``, ``Starting
    Month``, then the values in the following columns, blank after the end.
    """
    sheet = sheet.rename(columns=lambda c: str(c).strip())
    needed = ["Series", "N", "NF", "Category", "Starting Year", "Starting Month"]
    missing = [c for c in needed if c not in sheet.columns]
    if missing:
        raise ValueError(f"the M3Month sheet lacks the column(s) {missing}.")
    value_columns = [c for c in sheet.columns if c not in needed]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for _, row in sheet.iterrows():
            n, horizon = int(row["N"]), int(row["NF"])
            values = [float(v) for v in row[value_columns].iloc[:n]]
            writer.writerow(
                [
                    str(row["Series"]).strip(),
                    str(row["Category"]).strip(),
                    int(row["Starting Year"]),
                    int(row["Starting Month"]),
                    n - horizon,
                    horizon,
                    " ".join(_number(v) for v in values),
                ]
            )


def _number(value):
    if math.isfinite(value) and value == int(value):
        return str(int(value))
    return repr(value)
