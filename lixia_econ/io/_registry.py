"""The layout registry: each layout module describes its reader once and registers it.

A new layout is one new module of :mod:`lixia_econ.io` that builds a :class:`Reader`
and calls :func:`register`, plus an import line in the package's ``__init__``; the
layout then exists for :func:`~lixia_econ.io.read_table`, for detection, for option
checks and in :data:`~lixia_econ.io.LAYOUTS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lixia_econ._checks import check_choice
from lixia_econ.errors import ParameterError
from lixia_econ.io._common import Observations, Source

__all__ = [
    "CERTAIN",
    "GLOBAL_OPTIONS",
    "Reader",
    "detect_layout",
    "get_reader",
    "layout_names",
    "register",
]

#: A detection score that ends the search: the content can only be this layout.
CERTAIN = 1.0

#: Options every layout takes (handled by ``read_table`` itself).
GLOBAL_OPTIONS = ("source", "sheet")


@dataclass(frozen=True)
class Reader:
    """How to recognise and read one layout.

    Attributes
    ----------
    name : str
        The layout's name, as given to ``read_table(layout=...)``.
    options : tuple of str
        The keyword options ``read`` accepts (any other raises :class:`ParameterError`).
    detect : callable
        ``detect(source) -> float``: how sure the content is this layout, 0 (no) to
        :data:`CERTAIN`. The highest score wins; a tie goes to the layout registered
        first.
    read : callable
        ``read(source, observations, **options)``: add every observation of the file.
    """

    name: str
    options: tuple[str, ...]
    detect: Callable[[Source], float]
    read: Callable[..., None]

    def check_options(self, options: dict[str, Any]) -> None:
        """Raise :class:`ParameterError` for an option this layout does not know."""
        unknown = [k for k in options if k not in self.options]
        if unknown:
            raise ParameterError(
                f"option(s) {unknown} not known for layout {self.name!r}; allowed: "
                f"{[*self.options, *GLOBAL_OPTIONS]}"
            )

    def __call__(self, source: Source, obs: Observations, **options: Any) -> None:
        """Read ``source`` into ``obs`` after checking the options."""
        self.check_options(options)
        if "header_rows" in self.options and source.header_rows is not None:
            options.setdefault("header_rows", source.header_rows)
        self.read(source, obs, **options)


_READERS: dict[str, Reader] = {}


def register(reader: Reader) -> Reader:
    """Add a layout reader to the registry (a second reader of the same name replaces it)."""
    _READERS[reader.name] = reader
    return reader


def layout_names() -> tuple[str, ...]:
    """Return the names of the registered layouts, in registration order."""
    return tuple(_READERS)


def get_reader(name: str) -> Reader:
    """Return the reader of a layout; an unknown name raises :class:`ParameterError`."""
    check_choice("layout", name, _READERS)
    return _READERS[name]


def detect_layout(source: Source) -> str:
    """Return the layout whose reader scores the content highest."""
    best, best_score = "", -1.0
    for name, reader in _READERS.items():
        score = reader.detect(source)
        if score >= CERTAIN:
            return name
        if score > best_score:
            best, best_score = name, score
    return best
