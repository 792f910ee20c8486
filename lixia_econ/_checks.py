"""Small argument checks shared by every public function."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lixia_econ.errors import ParameterError


def check_choice(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise a :class:`ParameterError`.

    The message says what was given and lists what is allowed, as statsmodels'
    ``string_like`` does.

    Parameters
    ----------
    name : str
        The argument's name, quoted in the message.
    value : object
        The value given.
    allowed : iterable
        The allowed values.

    Returns
    -------
    object
        ``value`` unchanged.

    Raises
    ------
    ParameterError
        If ``value`` is not allowed.
    """
    allowed = list(allowed)
    if value not in allowed:
        listed = ", ".join(repr(a) for a in allowed)
        raise ParameterError(f"{name}={value!r} is not allowed; choose one of {listed}")
    return value
