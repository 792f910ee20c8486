"""Template parameters: read the ``parameters`` cell, coerce and validate before a kernel starts.

papermill on its own turns ``-p region 370102`` into an int and only warns about unknown
names. Here the declared parameters are read with :func:`papermill.inspect_notebook`,
their types are inferred from the literal defaults (``region = "370102"`` is a string,
``benchmarks = ["370100"]`` a list of strings), and every value given is coerced (from
command-line text) or type-checked (from Python) and then checked against the region and
indicator catalogues. Errors are :class:`~lixia_econ.errors.ParameterError` naming what
was given and listing what is allowed.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lixia_econ import config
from lixia_econ._checks import check_choice
from lixia_econ.errors import ParameterError
from lixia_econ.schema import indicators, regions

__all__ = [
    "TemplateParameter",
    "list_templates",
    "template_parameters",
    "template_path",
    "validate_parameters",
]

#: Parameter names that hold one region code / a list of region codes.
_REGION_NAMES = frozenset({"region"})
_REGION_LIST_NAMES = frozenset({"benchmarks", "regions", "peers"})
#: Parameter names that hold one indicator code / a list of indicator codes.
_INDICATOR_NAMES = frozenset({"indicator"})
_INDICATOR_LIST_NAMES = frozenset({"indicators"})
#: Parameter names that hold a period label ("2020", "2020Q1", "2020-03"); "" means latest.
_PERIOD_NAMES = frozenset({"shock", "as_of"})

#: Parameter names whose value is one of a few words.
_CHOICES = {"method": ("trend", "ets", "structural")}

_TYPE_NAMES = {str: "str", int: "int", float: "float", bool: "bool", list: "list"}


@dataclass(frozen=True)
class TemplateParameter:
    """One parameter declared in a template's ``parameters`` cell.

    Attributes
    ----------
    name : str
        The variable name.
    type : type
        ``str``, ``int``, ``float``, ``bool`` or ``list`` (inferred from the default, or
        from an annotation such as ``n: int = 3``).
    item_type : type or None
        For lists, the type of the items (``str`` unless the default says otherwise).
    default : object
        The default value, as Python.
    help : str
        The comment after the default.
    """

    name: str
    type: type
    item_type: type | None
    default: Any
    help: str

    @property
    def type_name(self) -> str:
        """Return the type as a person reads it: ``str``, ``list of str`` ..."""
        base = _TYPE_NAMES.get(self.type, self.type.__name__)
        if self.type is list and self.item_type is not None:
            return f"list of {_TYPE_NAMES.get(self.item_type, self.item_type.__name__)}"
        return base


def list_templates(templates_dir: str | Path | None = None) -> list[str]:
    """Return the names of the report templates (``*.ipynb`` in ``notebooks/templates``).

    Parameters
    ----------
    templates_dir : str or Path, optional
        Folder of templates; default :data:`lixia_econ.config.TEMPLATES_DIR`.

    Returns
    -------
    list of str
        Sorted template names without the ``.ipynb`` suffix.
    """
    folder = Path(templates_dir) if templates_dir is not None else config.TEMPLATES_DIR
    return sorted(p.stem for p in folder.glob("*.ipynb"))


def template_path(template: str | Path, templates_dir: str | Path | None = None) -> Path:
    """Return the notebook file of a template given by name or path.

    Parameters
    ----------
    template : str or Path
        A template name (``"region_recovery"``) or the path of a ``.ipynb`` file.
    templates_dir : str or Path, optional
        Folder searched for names; default :data:`lixia_econ.config.TEMPLATES_DIR`.

    Returns
    -------
    Path

    Raises
    ------
    ParameterError
        If no such template exists; the message lists the templates there are.
    """
    text = str(template)
    if text.endswith(".ipynb") or "/" in text or "\\" in text:
        path = Path(text)
        if not path.is_file():
            raise ParameterError(f"template={text!r}: no such notebook file")
        return path.resolve()
    folder = Path(templates_dir) if templates_dir is not None else config.TEMPLATES_DIR
    names = list_templates(folder)
    if text not in names:
        listed = ", ".join(repr(n) for n in names) or "(none found)"
        raise ParameterError(
            f"template={text!r} is not a template in {folder}; choose one of {listed}"
        )
    return (folder / f"{text}.ipynb").resolve()


def _literal(text: str, name: str, path: Path) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise ParameterError(
            f"{path.name}: parameter {name!r} has default {text!r}, which is not a literal; "
            "templates must give literal defaults (strings, numbers, booleans, lists)"
        ) from None


def _assigned_names(path: Path) -> set[str]:
    """Return the names assigned at the top of the ``parameters`` cell (by ``ast``)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError as exc:
                msg = f"{path.name}: the parameters cell is not Python: {exc}"
                raise ParameterError(msg) from None
            names = set()
            for node in tree.body:
                targets = node.targets if isinstance(node, ast.Assign) else []
                if isinstance(node, ast.AnnAssign):
                    targets = [node.target]
                names.update(t.id for t in targets if isinstance(t, ast.Name))
            return names
    return set()


def template_parameters(template: str | Path) -> dict[str, TemplateParameter]:
    """Return the parameters declared in a template's ``parameters`` cell.

    Parameters
    ----------
    template : str or Path
        Template name or notebook path.

    Returns
    -------
    dict of str to TemplateParameter
        In the order they are declared.

    Raises
    ------
    ParameterError
        If the template has no ``parameters`` cell or a default that is not a literal.

    Examples
    --------
    >>> params = template_parameters("region_recovery")  # doctest: +SKIP
    >>> params["region"].type_name  # doctest: +SKIP
    'str'
    """
    import papermill

    path = template_path(template)
    declared = papermill.inspect_notebook(str(path))
    if not declared:
        raise ParameterError(f"{path.name} has no cell tagged 'parameters'")
    missed = sorted(_assigned_names(path) - set(declared))
    if missed:
        raise ParameterError(
            f"{path.name}: papermill cannot read the parameter line(s) of {missed}; write "
            "one `name = literal  # help` per line, with no quote or = sign in the comment"
        )
    out: dict[str, TemplateParameter] = {}
    annotations = {"str": str, "int": int, "float": float, "bool": bool, "list": list}
    for name, info in declared.items():
        default = _literal(str(info["default"]), name, path)
        declared_type = annotations.get(str(info.get("inferred_type_name", "")).split("[")[0])
        kind = declared_type or (type(default) if default is not None else str)
        if kind is tuple:
            kind = list
        if kind not in _TYPE_NAMES:
            raise ParameterError(
                f"{path.name}: parameter {name!r} has default {default!r} of type "
                f"{type(default).__name__}; allowed types are str, int, float, bool, list"
            )
        item = None
        if kind is list:
            items = list(default or [])
            item = type(items[0]) if items else str
        out[name] = TemplateParameter(name, kind, item, default, str(info.get("help", "")))
    return out


def _coerce_text(param: TemplateParameter, text: str) -> Any:
    """Turn command-line text into the declared type (region codes stay strings)."""
    kind = param.type
    if kind is str:
        return text
    if kind is bool:
        low = text.strip().lower()
        if low in {"true", "1", "yes"}:
            return True
        if low in {"false", "0", "no"}:
            return False
        raise ParameterError(
            f"{param.name}={text!r} is not a boolean; use true/false (declared: bool)"
        )
    if kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            raise ParameterError(
                f"{param.name}={text!r} is not a number of type {param.type_name}"
            ) from None
    # lists: JSON ("["370100", "000000"]") or comma-separated (370100,000000)
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ParameterError(f"{param.name}={text!r} is not a JSON list: {exc}") from None
    else:
        items = [s.strip() for s in stripped.split(",") if s.strip()]
    item_param = TemplateParameter(param.name, param.item_type or str, None, None, "")
    return [
        _coerce_text(item_param, str(i)) if isinstance(i, str | int | float) else i for i in items
    ]


def _check_type(param: TemplateParameter, value: Any) -> Any:
    kind = param.type
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value, ok = float(value), True
    if kind is list and isinstance(value, tuple):
        value, ok = list(value), True
    if not ok:
        raise ParameterError(
            f"{param.name}={value!r} has type {type(value).__name__}; the template declares "
            f"{param.type_name} (default {param.default!r})"
        )
    if kind is list and param.item_type is not None:
        for item in value:
            if not isinstance(item, param.item_type):
                raise ParameterError(
                    f"{param.name}: item {item!r} has type {type(item).__name__}; the template "
                    f"declares {param.type_name}"
                )
    return value


def _check_region(name: str, code: str) -> None:
    known = regions()
    if code not in known:
        listed = ", ".join(f"{c} ({r.name_zh} {r.name_en})" for c, r in known.items())
        raise ParameterError(f"{name}={code!r} is not a region code; choose one of {listed}")


def _check_indicator(name: str, code: str) -> None:
    known = indicators()
    if code not in known:
        listed = ", ".join(known)
        raise ParameterError(f"{name}={code!r} is not an indicator code; choose one of {listed}")


def parse_period(name: str, text: str) -> pd.Period:
    """Return a period label (``2020``, ``2020Q1``, ``2020-03``) as a :class:`pandas.Period`.

    Parameters
    ----------
    name : str
        The parameter's name, used in the message.
    text : str
        The label.

    Returns
    -------
    pandas.Period
        Annual, quarterly or monthly.

    Raises
    ------
    ParameterError
        If the label is none of those forms.
    """
    import re

    forms = {
        r"\d{4}": "Y",
        r"\d{4}Q[1-4]": "Q",
        r"\d{4}-(0[1-9]|1[0-2])": "M",
    }
    for pattern, freq in forms.items():
        if re.fullmatch(pattern, text):
            return pd.Period(text, freq=freq)
    raise ParameterError(
        f"{name}={text!r} is not a period; use a year '2020', a quarter '2020Q1' or a month "
        "'2020-03'"
    )


def validate_parameters(
    template: str | Path,
    parameters: dict[str, Any] | None = None,
    *,
    from_text: bool = False,
) -> dict[str, Any]:
    """Return the full, checked parameter set of a template, defaults filled in.

    Checks, in order: unknown names, types (or coercion of command-line text to the
    declared type), region codes (``region``, ``benchmarks``, ``regions``, ``peers``)
    against :func:`lixia_econ.schema.regions`, indicator codes (``indicator``,
    ``indicators``) against :func:`lixia_econ.schema.indicators`, period labels
    (``shock``, ``as_of``; ``""`` means "the latest period in the data"), ``method`` (one
    of ``trend``, ``ets``, ``structural``) and that the
    shock does not start after the as-of period ends.

    Parameters
    ----------
    template : str or Path
        Template name or notebook path.
    parameters : dict, optional
        Values given; missing names take the template's defaults.
    from_text : bool
        If true, values are command-line text and are coerced to the declared types
        (``"370102"`` stays a string for a ``str`` parameter; ``"a,b"`` becomes a list).

    Returns
    -------
    dict
        Every declared parameter, in declaration order.

    Raises
    ------
    ParameterError
        Naming the parameter, the value given and what is allowed.
    """
    declared = template_parameters(template)
    given = dict(parameters or {})
    unknown = [k for k in given if k not in declared]
    if unknown:
        listed = ", ".join(f"{p.name} ({p.type_name})" for p in declared.values())
        raise ParameterError(
            f"unknown parameter(s) {', '.join(map(repr, unknown))} for template "
            f"{template_path(template).stem!r}; it declares {listed}"
        )
    out: dict[str, Any] = {}
    for name, param in declared.items():
        if name not in given:
            out[name] = param.default
            continue
        value = given[name]
        if from_text and isinstance(value, str):
            value = _coerce_text(param, value)
        out[name] = _check_type(param, value)
    for name, value in out.items():
        if name in _REGION_NAMES and isinstance(value, str):
            _check_region(name, value)
        elif name in _REGION_LIST_NAMES and isinstance(value, list):
            for code in value:
                _check_region(name, str(code))
        elif name in _INDICATOR_NAMES and isinstance(value, str):
            _check_indicator(name, value)
        elif name in _INDICATOR_LIST_NAMES and isinstance(value, list):
            for code in value:
                _check_indicator(name, str(code))
        elif name in _PERIOD_NAMES and isinstance(value, str) and value != "":
            parse_period(name, value)
        elif name in _CHOICES:
            check_choice(name, value, _CHOICES[name])
    shock, as_of = out.get("shock"), out.get("as_of")
    if isinstance(shock, str) and shock and isinstance(as_of, str) and as_of:
        if parse_period("shock", shock).start_time > parse_period("as_of", as_of).end_time:
            raise ParameterError(
                f"shock={shock!r} starts after as_of={as_of!r} ends; the shock must be at or "
                "before the last period used"
            )
    return out
