"""The stand-ins a composite estimator's skops part holds where skops cannot store a value.

Part of the file format: skops stores them by name, and the name is the
package's (``sklstm._persistence.NetworkSlot``), whichever module defines
them.
"""

import re


class NetworkSlot:
    """Where an ``LSTMRegressor`` was in a saved estimator: ``index`` in ``regressors/``.

    Part of the file format (skops stores it by its module and name).
    """

    __module__ = "sklstm._persistence"

    def __init__(self, index):
        self.index = index


class TimeLabel:
    """A ``pandas.Timestamp`` or ``Timedelta`` as text, which skops cannot store itself.

    Part of the file format: fitted sklstm transformers keep the label of the
    row after the training data (``LagFeaturizer.next_index_``); skops
    rebuilds a ``Timestamp`` without its value.
    """

    __module__ = "sklstm._persistence"

    _TEXT = re.compile(r"[0-9A-Za-z:+. -]{1,48}\Z")
    _ZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}\Z")

    def __init__(self, kind, text, unit, zone):
        self.kind, self.text, self.unit, self.zone = kind, text, unit, zone

    @classmethod
    def of(cls, value):
        import pandas as pd

        if isinstance(value, pd.Timestamp):
            tz = value.tz
            zone = getattr(tz, "key", None) or getattr(tz, "zone", None)
            return cls("Timestamp", value.isoformat(), value.unit, zone)
        return cls("Timedelta", value.isoformat(), value.unit, None)

    def value(self, what):
        """The label, its fields checked first (they come from the file)."""
        import pandas as pd

        fields = vars(self)
        if not (
            set(fields) == {"kind", "text", "unit", "zone"}
            and fields["kind"] in ("Timestamp", "Timedelta")
            and isinstance(self.text, str)
            and self._TEXT.match(self.text)
            and self.unit in ("s", "ms", "us", "ns")
            and (
                self.zone is None
                or (
                    isinstance(self.zone, str)
                    and len(self.zone) < 64
                    and self._ZONE.match(self.zone)
                )
            )
        ):
            raise ValueError(f"{what} holds a time label that sklstm never writes.")
        try:
            if self.kind == "Timedelta":
                return pd.Timedelta(self.text).as_unit(self.unit)
            value = pd.Timestamp(self.text).as_unit(self.unit)
            return value if self.zone is None else value.tz_convert(self.zone)
        except Exception as error:  # pandas's parsers raise several kinds
            raise ValueError(f"{what} holds a bad time label {self.text!r}: {error}") from None
