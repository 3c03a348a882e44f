"""What ``"auto"`` means: settings resolved in ``fit`` from the size of the data.

One series gives a network a few hundred training windows; a global model
over many series tens of thousands or more. The settings that serve each
differ, so every parameter that takes ``"auto"`` picks one of two values in
``fit``: one for at most :data:`AUTO_ROWS` training rows, one for more (the
threshold of ``HistGradientBoostingRegressor``'s ``early_stopping="auto"``).
Each pair was chosen by time-ordered validation on the training parts of the
M3 monthly series only: one series at a time (``benchmarks/choose_defaults.py``)
and global models over all of them (``benchmarks/m3_validate.py``); the runs
are in docs/benchmark-records.md.
"""

AUTO_ROWS = 10_000


def is_auto(value):
    """Whether a parameter's value is the string ``"auto"``."""
    return isinstance(value, str) and value == "auto"


def for_rows(value, n_samples, small, large):
    """``value``, or for ``"auto"`` the setting for ``n_samples`` training rows."""
    if not is_auto(value):
        return value
    return large if n_samples > AUTO_ROWS else small
