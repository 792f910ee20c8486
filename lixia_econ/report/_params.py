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
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lixia_econ import config
from lixia_econ._checks import check_choice
from lixia_econ.errors import ParameterError, PeriodError
from lixia_econ.periods import str_to_period
from lixia_econ.schema import resolve_indicator, resolve_region

__all__ = [
    "DEFAULT_TEMPLATE",
    "TemplateParameter",
    "describe_parameters",
    "indicators_in",
    "list_templates",
    "regions_in",
    "shock_starts_after",
    "template_parameters",
    "template_path",
    "validate_parameters",
]

#: The template ``lixia-econ report`` runs when none is named: the district briefing.
DEFAULT_TEMPLATE = "district_briefing"

#: Parameter names that hold one region code / a list of region codes.
_REGION_NAMES = frozenset({"region"})
_REGION_LIST_NAMES = frozenset({"benchmarks", "regions", "peers"})
#: Parameter names that hold one indicator code / a list of indicator codes.
_INDICATOR_NAMES = frozenset({"indicator"})
_INDICATOR_LIST_NAMES = frozenset({"indicators"})
#: Parameter names that hold a period label ("2020", "2020Q1", "2020-03"); "" means latest.
_PERIOD_NAMES = frozenset({"shock", "as_of"})

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
        _check_notebook(path)
        return path.resolve()
    folder = Path(templates_dir) if templates_dir is not None else config.TEMPLATES_DIR
    names = list_templates(folder)
    if text not in names:
        listed = ", ".join(repr(n) for n in names) or "(none found)"
        raise ParameterError(
            f"template={text!r} is not a template in {folder}; choose one of {listed}"
        )
    return (folder / f"{text}.ipynb").resolve()


def _check_notebook(path: Path) -> None:
    """Refuse a template path that is not a Jupyter notebook (``.ipynb`` JSON with cells)."""
    try:
        ok = path.suffix == ".ipynb" and "cells" in json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        ok = False
    if not ok:
        raise ParameterError(
            f"template={str(path)!r} is not a Jupyter notebook (.ipynb); give a template name "
            "from notebooks/templates/ or the path of a notebook"
        )


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


def _shown_default(value: Any) -> str:
    """Return a default as it is written on the command line (``-p NAME=VALUE``)."""
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value) if value else "(empty list)"
    if value == "":
        return '""'
    return str(value)


def describe_parameters(templates: str | Path | list[str | Path] | None = None) -> str:
    """Return each template's parameters, types, defaults and help as a text table.

    What ``lixia-econ report --list-parameters`` prints and ``report --help`` ends with.

    Parameters
    ----------
    templates : str, Path or list, optional
        Template names or paths; default every template in
        :data:`lixia_econ.config.TEMPLATES_DIR`.

    Returns
    -------
    str
        One block per template: ``name  type  default  help`` per parameter. A template
        that cannot be read says why instead.
    """
    if templates is None:
        templates = list(list_templates())
    elif isinstance(templates, str | Path):
        templates = [templates]
    blocks = []
    for template in templates:
        try:
            params = template_parameters(template)
        except ParameterError as exc:
            blocks.append(f"{template}: {exc}")
            continue
        rows = [(p.name, p.type_name, _shown_default(p.default), p.help) for p in params.values()]
        widths = [max(len(r[k]) for r in rows) for k in range(3)] if rows else [0, 0, 0]
        lines = [f"{Path(str(template)).stem}:"]
        for name, kind, default, help_text in rows:
            if len(default) > 40:
                default = default[:37] + "..."
            lines.append(
                f"  {name:<{widths[0]}}  {kind:<{widths[1]}}  {default:<{min(widths[2], 40)}}  "
                f"{help_text}".rstrip()
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


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


def _region_code(name: str, value: object) -> str:
    """Return the code of a region given by code or name (``历下区`` -> ``370102``)."""
    try:
        return resolve_region(value)
    except ParameterError as exc:
        raise ParameterError(f"{name}: {exc}") from None


def _indicator_code(name: str, value: object) -> str:
    """Return the code of an indicator given by code or name (``地区生产总值`` -> ``gdp``)."""
    try:
        return resolve_indicator(value)
    except ParameterError as exc:
        raise ParameterError(f"{name}: {exc}") from None


def _period_param(name: str, text: str) -> pd.Period:
    """Return a period parameter (``2020``, ``2020Q1``, ``2020-03``) as a pandas Period.

    The tidy table's labels (:func:`lixia_econ.periods.str_to_period`), the frequency read
    from the form; anything else is a :class:`~lixia_econ.errors.ParameterError` naming the
    parameter.
    """
    for freq in ("A", "Q", "M"):
        try:
            return str_to_period(text, freq)
        except PeriodError:
            continue
    raise ParameterError(
        f"{name}={text!r} is not a period; use a year '2020', a quarter '2020Q1' or a month "
        "'2020-03'"
    )


def shock_starts_after(shock: str, as_of: str) -> bool:
    """Return True when the ``shock`` period starts after the ``as_of`` period ends.

    The one check that a report's shock is not later than its data, used when the
    parameters are validated, when ``as_of=""`` is resolved to the latest data, and when a
    batch matrix leaves out pairs whose data end before the shock.

    Parameters
    ----------
    shock, as_of : str
        Period labels: ``2020``, ``2020Q1`` or ``2020-03``.

    Returns
    -------
    bool

    Raises
    ------
    ParameterError
        If either label is not a period.

    Examples
    --------
    >>> shock_starts_after("2021", "2020Q4"), shock_starts_after("2020", "2020-01")
    (True, False)
    """
    start = _period_param("shock", shock).start_time
    return start > _period_param("as_of", as_of).end_time


def _codes_in(params: dict[str, Any], one: frozenset[str], many: frozenset[str]) -> list[str]:
    out: list[str] = []
    for name, value in params.items():
        if name in one and isinstance(value, str):
            out.append(value)
        elif name in many and isinstance(value, list):
            out.extend(str(v) for v in value)
    return out


def regions_in(params: dict[str, Any]) -> list[str]:
    """Return the region codes a parameter set names (``region``, ``benchmarks`` ...)."""
    return _codes_in(params, _REGION_NAMES, _REGION_LIST_NAMES)


def indicators_in(params: dict[str, Any]) -> list[str]:
    """Return the indicator codes a parameter set names (``indicator``, ``indicators``)."""
    return _codes_in(params, _INDICATOR_NAMES, _INDICATOR_LIST_NAMES)


def _choices() -> dict[str, tuple[str, ...]]:
    """Parameter names whose value is one of a few words (imported late)."""
    from lixia_econ.clean import JAN_FEB_STATUS
    from lixia_econ.models.vocab import METHODS

    return {"method": METHODS, "jan_feb": tuple(JAN_FEB_STATUS)}


def _typed_values(
    declared: dict[str, TemplateParameter], given: dict[str, Any], *, from_text: bool
) -> dict[str, Any]:
    """Return every declared parameter, given values coerced or type-checked."""
    out: dict[str, Any] = {}
    for name, param in declared.items():
        if name not in given:
            out[name] = param.default
            continue
        value = given[name]
        if from_text and isinstance(value, str):
            value = _coerce_text(param, value)
        out[name] = _check_type(param, value)
    return out


def _checked_value(name: str, value: Any) -> Any:
    """Check one typed value against the catalogues; region and indicator names become codes."""
    if name in _REGION_NAMES and isinstance(value, str):
        return _region_code(name, value)
    if name in _REGION_LIST_NAMES and isinstance(value, list):
        return [_region_code(name, v) for v in value]
    if name in _INDICATOR_NAMES and isinstance(value, str):
        return _indicator_code(name, value)
    if name in _INDICATOR_LIST_NAMES and isinstance(value, list):
        return [_indicator_code(name, v) for v in value]
    if name in _PERIOD_NAMES and isinstance(value, str) and value != "":
        # full-width digits (２０２２) and other compatibility forms, as typed in a CJK IME
        value = unicodedata.normalize("NFKC", value).strip()
        _period_param(name, value)
    else:
        choices = _choices()
        if name in choices:
            check_choice(name, value, choices[name])
    return value


def validate_parameters(
    template: str | Path,
    parameters: dict[str, Any] | None = None,
    *,
    from_text: bool = False,
) -> dict[str, Any]:
    """Return the full, checked parameter set of a template, defaults filled in.

    Checks, in order: unknown names, types (or coercion of command-line text to the
    declared type), regions (``region``, ``benchmarks``, ``regions``, ``peers``) by code
    or name (:func:`lixia_econ.schema.resolve_region`: ``历下区`` becomes ``370102``),
    indicators (``indicator``, ``indicators``) likewise
    (:func:`lixia_econ.schema.resolve_indicator`), period labels (``shock``, ``as_of``;
    ``""`` means "the latest period in the data"), ``method`` (one of
    :data:`lixia_econ.models.vocab.METHODS`) and that the shock does not start
    after the as-of period ends (:func:`shock_starts_after`).

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
        Every declared parameter, in declaration order; regions and indicators as codes.

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
    out = _typed_values(declared, given, from_text=from_text)
    out = {name: _checked_value(name, value) for name, value in out.items()}
    shock, as_of = out.get("shock"), out.get("as_of")
    if isinstance(shock, str) and shock and isinstance(as_of, str) and as_of:
        if shock_starts_after(shock, as_of):
            raise ParameterError(
                f"shock={shock!r} starts after as_of={as_of!r} ends; the shock must be at or "
                "before the last period used"
            )
    return out
