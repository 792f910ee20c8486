"""What a report template calls inside the kernel: telling the story, handing results back.

- :func:`say` shows Markdown written by the template author, with the values that come
  from data (region and indicator names, notes, numbers) escaped, so a name such as
  ``<script>alert(1)</script>`` appears as text;
- :func:`setup` makes Altair charts display as Vega-Lite specs (JupyterLab draws them;
  the report's HTML export inlines Vega and draws them offline), with an HTML fallback;
- :func:`glue` hands a table or a value back to the runner, which writes it to
  ``metrics.json`` and the ``.xlsx`` workbook (like scrapbook's ``glue``); in JupyterLab it
  shows one short line.
"""

from __future__ import annotations

import html
import json
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from lixia_econ._html import GLUE_MIMETYPE

__all__ = ["escape_md", "fmt", "glue", "say", "setup"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def escape_md(value: Any) -> str:
    """Return ``value`` as Markdown text that renders literally.

    HTML is escaped (``<`` becomes ``&lt;``) and Markdown punctuation is backslashed,
    so text from data can neither inject markup nor change the formatting.

    Parameters
    ----------
    value : object
        Anything; converted with ``str``.

    Returns
    -------
    str

    Examples
    --------
    >>> escape_md("<b>GDP</b>")
    '&lt;b&gt;GDP&lt;/b&gt;'
    """
    text = html.escape(str(value), quote=False)  # an escaped quote would be backslashed below
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def fmt(value: Any, digits: int = 1, *, unit: str = "") -> str:
    """Return a number rounded for prose (``6.7``, ``1,685.4``), or ``"n/a"`` if missing.

    Parameters
    ----------
    value : float or None
        The number.
    digits : int
        Decimals kept.
    unit : str
        Appended after a space when given (``"percent"``, ``"亿元"``).

    Returns
    -------
    str
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    try:
        text = f"{float(value):,.{digits}f}"
    except (TypeError, ValueError):
        return str(value)
    return f"{text} {unit}" if unit else text


def say(text: str, /, **values: Any) -> None:
    """Display Markdown: ``text`` is the author's, ``values`` (from data) are escaped.

    Parameters
    ----------
    text : str
        Markdown with ``{name}`` fields, written by the template author.
    **values
        Filled in after :func:`escape_md` (numbers are formatted by the caller, e.g. with
        :func:`fmt`).

    Examples
    --------
    >>> say("GDP of **{region}** grew {g} percent", region="历下区", g=fmt(6.7))  # doctest: +SKIP
    """
    from IPython.display import Markdown, display

    display(Markdown(text.format(**{k: escape_md(v) for k, v in values.items()})))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Period | pd.Timestamp):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _frame_payload(frame: pd.DataFrame) -> dict[str, Any]:
    out = frame.copy()
    if not isinstance(out.index, pd.RangeIndex) or out.index.name is not None:
        out = out.reset_index()
    out.columns = [str(c) for c in out.columns]
    records = [
        [_jsonable(v) for v in row] for row in out.astype(object).itertuples(index=False, name=None)
    ]
    return {"columns": list(out.columns), "data": records}


def glue(name: str, value: Any) -> None:
    """Hand a table or a value back to the report runner.

    Tables (DataFrame or Series) go to a sheet of the ``.xlsx`` workbook and to
    ``metrics.json``; other values (numbers, strings, lists, dicts) go to ``metrics.json``.
    A table glued as ``"scorecard"`` is the report's scorecard.

    Parameters
    ----------
    name : str
        Key in ``metrics.json`` and sheet name in the workbook.
    value : DataFrame, Series or JSON-like
        What to hand back.
    """
    from IPython.display import display

    if isinstance(value, pd.Series):
        value = value.to_frame()
    if isinstance(value, pd.DataFrame):
        payload = {"name": name, "kind": "table", **_frame_payload(value)}
        line = f"[glued table {name!r}: {len(value)} rows]"
    else:
        payload = {"name": name, "kind": "value", "value": _jsonable(value)}
        line = f"[glued value {name!r}]"
    json.dumps(payload)  # fail here, in the cell that glued it, if it is not JSON
    display({GLUE_MIMETYPE: payload, "text/plain": line}, raw=True)


def _chart_renderer(spec: dict, **metadata: Any) -> dict:
    from altair.vegalite.v6.display import html_renderer, mimetype_renderer

    bundle = html_renderer(spec, **metadata)
    bundle = dict(bundle[0] if isinstance(bundle, tuple) else bundle)
    mime = mimetype_renderer(spec, **metadata)
    mime = mime[0] if isinstance(mime, tuple) else mime
    # altair 6 names it "...v6.json", which nbformat rejects for a JSON value
    for key, value in mime.items():
        if key.startswith("application/vnd.vegalite"):
            bundle[key.replace(".json", "+json")] = value
    return bundle


def setup() -> None:
    """Prepare a report kernel: Altair charts carry their Vega-Lite spec.

    Each chart's output holds the spec (``application/vnd.vegalite.v6+json``, what the
    report's offline HTML export draws) and Altair's HTML view (what JupyterLab shows).
    Call once at the top of a template.
    """
    import altair as alt

    if "lixia_report" not in alt.renderers.names():
        alt.renderers.register("lixia_report", _chart_renderer)
    alt.renderers.enable("lixia_report")
