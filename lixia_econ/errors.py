"""One error hierarchy and the domain warnings of lixia_econ.

Every error the package raises on purpose is a :class:`LixiaEconError`. Errors about a
file say where: the file, the row (as a person counts lines in an editor, 1-based), the
column, the value found and what was expected, for example::

    data/raw/x.csv row 14, column '2020年13月': month 13 does not exist

Warnings are classes too; each says how to silence it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = [
    "BrowserNotFound",
    "DataFormatError",
    "EstimateWarning",
    "InsufficientDataError",
    "LixiaEconError",
    "LixiaEconWarning",
    "ParameterError",
    "PeriodError",
    "ReportError",
    "RevisionGapWarning",
    "SchemaError",
    "UnitError",
]


class LixiaEconError(Exception):
    """Base class of every error lixia_econ raises on purpose."""


class DataFormatError(LixiaEconError, ValueError):
    """Input data that cannot be read as it is: names the file, row, column and value.

    Parameters
    ----------
    message : str
        What is wrong and, where useful, what was expected.
    path : str or Path, optional
        The file the value came from.
    row : int, optional
        The row, counted as a person counts lines in an editor (1-based, header included).
    column : str, optional
        The column (or header label) of the value.
    value : object, optional
        The offending value, quoted in the message.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: Any = None,
        value: Any = None,
    ) -> None:
        self.reason = message
        self.path = None if path is None else str(path)
        self.row = row
        self.column = column
        # numpy scalars read as np.float64(1.5) in a repr: quote them as Python numbers
        if type(value).__module__ == "numpy" and hasattr(value, "item"):
            value = value.item()
        self.value = value
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.path is not None:
            where.append(self.path)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        head = " ".join(where[:2]) + (", " + where[2] if len(where) > 2 else "")
        if len(where) == 1 and self.row is None and self.column is not None:
            head = where[0]
        value = f"{self.value!r}: " if self.value is not None else ""
        prefix = f"{head}: " if head else ""
        return f"{prefix}{value}{self.reason}"

    def located(
        self,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: Any = None,
    ) -> DataFormatError:
        """Return a copy of this error with missing location details filled in."""
        err = type(self).__new__(type(self))
        DataFormatError.__init__(
            err,
            self.reason,
            path=self.path if self.path is not None else path,
            row=self.row if self.row is not None else row,
            column=self.column if self.column is not None else column,
            value=self.value,
        )
        return err


class PeriodError(DataFormatError):
    """A period label that cannot be parsed (``2020年13月``, ``2020Q5``, ...)."""


class UnitError(DataFormatError):
    """A unit that is unknown, or that cannot be converted to the unit asked for."""


class SchemaError(DataFormatError):
    """A tidy table that breaks the schema: duplicate keys, unknown codes, bad values."""


class InsufficientDataError(LixiaEconError, ValueError):
    """A model or metric that cannot be computed from the data given (too short, gaps)."""


class ParameterError(LixiaEconError, ValueError):
    """An argument or report parameter outside what is allowed; the message lists what is."""


class ReportError(LixiaEconError, RuntimeError):
    """A report run that failed: names the notebook cell and the error it raised."""


class BrowserNotFound(ReportError):
    """No Chromium to print the PDF report with; says how to install one or point to it."""


class LixiaEconWarning(UserWarning):
    """Base class of lixia_econ's warnings.

    Silence them all with ``warnings.simplefilter("ignore", lixia_econ.LixiaEconWarning)``.
    """


class RevisionGapWarning(LixiaEconWarning):
    """Official growth and growth recomputed from levels differ by more than rounding.

    NBS growth is on a comparable basis (revised levels, constant prices), so a gap is
    expected after revisions; both figures are kept. Silence with
    ``warnings.simplefilter("ignore", lixia_econ.RevisionGapWarning)``.
    """


class EstimateWarning(LixiaEconWarning):
    """A result rests on estimated (not published) figures, e.g. disaggregated quarters.

    Silence with ``warnings.simplefilter("ignore", lixia_econ.EstimateWarning)``.
    """
