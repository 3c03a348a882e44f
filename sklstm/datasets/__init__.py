"""Data sets: small ones that ship with sklstm, and loaders for benchmark data."""

from ._airline import load_airline
from ._m3 import load_m3_monthly

__all__ = ["load_airline", "load_m3_monthly"]
