"""Read a long panel table from Parquet a batch of rows at a time."""

from numbers import Integral

import numpy as np
import pandas as pd

# Rows read per batch: a few tens of MiB of temporaries for any file.
BATCH_ROWS = 1 << 20


def read_parquet_panel(path, *, columns=None, filters=None, batch_rows=BATCH_ROWS):
    """Read a panel's long table from a Parquet file or dataset, batch by batch.

    The table (one row per series and time: the id, the time, the values)
    is what :func:`~sklstm.to_supervised` takes. It is read with
    ``pyarrow.dataset`` a batch of ``batch_rows`` rows at a time into
    columns made once at their full length, so reading holds the table
    once plus a batch, where ``pandas.read_parquet`` holds it twice (Arrow's
    copy and pandas'). A directory partitioned by series (``id=.../part.parquet``,
    as ``DataFrame.to_parquet(path, partition_cols=["id"])`` writes it) is
    one dataset; its partition column is read like any other.

    Text columns (such as a series id) come back as ``category`` (each label
    stored once), numbers and times in their own dtypes.

    Parameters
    ----------
    path : str or path-like
        A Parquet file, or a directory of them (hive-partitioned or not).
    columns : list of str or None, default=None
        The columns to read; None: all.
    filters : list of tuples, or pyarrow expression, default=None
        The rows to read, as ``pandas.read_parquet``'s ``filters`` (e.g.
        ``[("id", "in", ["a", "b"])]``: some series only).
    batch_rows : int, default=1048576
        Rows read at a time.

    Returns
    -------
    frame : DataFrame
        The table, rows in the dataset's order, with a RangeIndex.

    Raises
    ------
    ValueError
        If a whole-number column holds missing values (they have no integer
        representation; store the column as floats).

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from sklstm import read_parquet_panel
    >>> frame = pd.DataFrame({"id": ["a", "a", "b", "b"], "t": [1, 2, 1, 2],
    ...                       "y": [1.0, 2.0, 3.0, 4.0]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     frame.to_parquet(folder, partition_cols=["id"])
    ...     read = read_parquet_panel(folder)
    >>> read.sort_values(["id", "t"])["y"].tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    if not (isinstance(batch_rows, Integral) and not isinstance(batch_rows, bool)) or (
        batch_rows < 1
    ):
        raise ValueError(f"batch_rows must be a positive int, got {batch_rows!r}.")
    dataset = ds.dataset(path, format="parquet", partitioning="hive")
    if filters is not None and not isinstance(filters, ds.Expression):
        filters = pq.filters_to_expression(filters)
    names = list(dataset.schema.names if columns is None else columns)
    missing = [name for name in names if name not in dataset.schema.names]
    if missing:
        raise ValueError(
            f"Columns {missing} are not in the dataset; it has {dataset.schema.names}."
        )
    scanner = dataset.scanner(columns=names, filter=filters, batch_size=batch_rows)
    n_rows = scanner.count_rows()
    readers = {name: _Column(name, dataset.schema.field(name).type, n_rows) for name in names}
    start = 0
    for batch in scanner.to_batches():
        for name in names:
            readers[name].put(start, batch.column(name))
        start += batch.num_rows
    if start != n_rows:
        raise ValueError(
            f"The dataset changed while it was read: {start} rows read, {n_rows} expected."
        )
    return pd.DataFrame({name: readers[name].result() for name in names}, copy=False)


class _Column:
    """One column, filled batch by batch into an array of its full length."""

    def __init__(self, name, arrow_type, n_rows):
        import pyarrow as pa

        self.name = name
        self.text = pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)
        self.text = self.text or pa.types.is_dictionary(arrow_type)
        # whole numbers and booleans have no missing value in NumPy
        self.integer = pa.types.is_integer(arrow_type) or pa.types.is_boolean(arrow_type)
        self.timezone = getattr(arrow_type, "tz", None)  # a zoned timestamp
        if self.text:  # labels stored once, one code per row
            self.codes, self.labels = np.empty(n_rows, dtype=np.int32), {}
        else:
            self.values = None
            self.n_rows = n_rows

    def put(self, start, column):
        column = column.combine_chunks() if hasattr(column, "combine_chunks") else column
        if self.integer and column.null_count:
            raise ValueError(
                f"Column {self.name!r} holds whole numbers or booleans and "
                f"{column.null_count} missing value(s); store it as floats, or fill "
                "the missing values."
            )
        if self.text:
            encoded = column if hasattr(column, "dictionary") else column.dictionary_encode()
            known = np.array(
                [
                    self.labels.setdefault(label, len(self.labels))
                    for label in encoded.dictionary.to_pylist()
                ],
                dtype=np.int32,
            )
            indices = encoded.indices.fill_null(0).to_numpy(zero_copy_only=False)
            codes = known[indices] if len(known) else np.full(len(indices), -1, np.int32)
            if encoded.null_count:  # code -1: pandas' missing category
                codes[~encoded.is_valid().to_numpy(zero_copy_only=False)] = -1
            self.codes[start : start + len(column)] = codes
            return
        values = column.to_numpy(zero_copy_only=False)
        if self.values is None:
            self.values = np.empty(self.n_rows, dtype=values.dtype)
        self.values[start : start + len(values)] = values

    def result(self):
        if self.text:
            labels = sorted(self.labels, key=self.labels.get)
            return pd.Categorical.from_codes(self.codes, categories=labels)
        if self.values is None:  # no rows
            return np.empty(0)
        if self.timezone is not None:  # stored in UTC: the zone put back
            return pd.DatetimeIndex(self.values).tz_localize("UTC").tz_convert(self.timezone)
        return self.values
