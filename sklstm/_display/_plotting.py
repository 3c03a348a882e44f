"""What the displays share: the axes they draw on and how a series becomes a line.

matplotlib is optional (the ``examples`` extra): it is imported only when a
display draws, never by ``import sklstm``.
"""

import pandas as pd
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils._plotting import _validate_style_kwargs


class _LineDisplayMixin:
    """``plot`` helpers: the axes to draw on, and a series drawn as a line."""

    def _axes(self, ax):
        """``ax``, or a new figure's axes; stored as ``ax_`` and ``figure_``."""
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        self.ax_, self.figure_ = ax, ax.figure
        return ax

    @staticmethod
    def _line(ax, series, default, kwargs):
        """Draw ``series`` against its index; ``kwargs`` override ``default``."""
        x = series.index
        if isinstance(x, pd.PeriodIndex):  # matplotlib cannot place periods
            x = x.to_timestamp()
        style = _validate_style_kwargs(default, kwargs or {})
        return ax.plot(x, series.to_numpy(), **style)[0]
