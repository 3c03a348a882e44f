"""Small data sets that ship with sklstm (no network needed)."""

from ._airline import load_airline

__all__ = ["load_airline"]
