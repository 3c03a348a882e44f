"""What the displays share: matplotlib on demand, axes, plottable time labels.

matplotlib is optional (the ``examples`` extra): it is imported only when a
display is created or plotted, never by ``import sklstm``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes


def _check_matplotlib(caller: str) -> None:
    """Raise an ImportError that says how to get matplotlib."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"{caller} needs matplotlib, an optional dependency of sklstm. "
            'Install it with `pip install "sklstm[examples]"` (or `pip install '
            "matplotlib`)."
        ) from exc


def _axes(ax: Axes | None) -> Axes:
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax


def _plot_x(index: pd.Index) -> Any:
    """Index values matplotlib can place: periods become timestamps."""
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp()
    return index


def _plot_line(ax: Axes, series: pd.Series, default: dict, overrides: dict | None) -> Any:
    """Draw ``series`` against its index; ``overrides`` win over ``default``."""
    from sklearn.utils._plotting import _validate_style_kwargs

    style = _validate_style_kwargs(default, overrides or {})
    return ax.plot(_plot_x(series.index), series.to_numpy(), **style)[0]
