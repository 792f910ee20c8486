"""What a report template calls inside the kernel: telling the story, handing results back.

- :func:`say` shows Markdown written by the template author, with the values that come
  from data (region and indicator names, notes, numbers) escaped, so a name such as
  ``<script>alert(1)</script>`` appears as text;
- :func:`setup` makes Altair charts draw with no network: each chart's output holds its
  Vega-Lite spec (JupyterLab's built-in Vega renderer and the report's HTML export draw
  it) and a static SVG made by vl-convert (what nbconvert, GitHub or a JupyterLab without
  the Vega renderer show) -- never a script from a CDN;
- :func:`glue` hands a table or a value back to the runner, which writes it to
  ``metrics.json`` and the ``.xlsx`` workbook (like scrapbook's ``glue``); in JupyterLab it
  shows one short line. :func:`glue_table` does the same for a table with the headers,
  sheet name and decimals an Excel reader sees.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import gc
import html
import json
import math
import os
import re
import select
import subprocess
import sys
import threading
from typing import Any

import numpy as np
import pandas as pd

from lixia_econ._html import GLUE_MIMETYPE
from lixia_econ._proc import python_process

__all__ = [
    "DISPLAY_ATTR",
    "escape_md",
    "fmt",
    "glue",
    "glue_table",
    "say",
    "setup",
    "show_table",
]

#: ``DataFrame.attrs`` key of a table's display headers, ``{column: "地区生产总值（亿元）"}``.
DISPLAY_ATTR = "display"

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
    payload: dict[str, Any] = {"columns": list(out.columns), "data": records}
    display = {str(k): str(v) for k, v in (frame.attrs.get(DISPLAY_ATTR) or {}).items()}
    if display:
        payload["headers"] = [display.get(c, c) for c in out.columns]
    return payload


def glue(name: str, value: Any) -> None:
    """Hand a table or a value back to the report runner.

    Tables (DataFrame or Series) go to a sheet of the ``.xlsx`` workbook and to
    ``metrics.json``; other values (numbers, strings, lists, dicts) go to ``metrics.json``.
    A table glued as ``"scorecard"`` is the report's scorecard; one glued as ``"sources"``
    becomes the workbook's ``sources`` sheet. A table's display headers are taken from
    ``frame.attrs["display"]`` (see :func:`glue_table`).

    Parameters
    ----------
    name : str
        Key in ``metrics.json`` and sheet name in the workbook.
    value : DataFrame, Series or JSON-like
        What to hand back.
    """
    if isinstance(value, pd.Series):
        value = value.to_frame()
    if isinstance(value, pd.DataFrame):
        _display_glue({"name": name, "kind": "table", **_frame_payload(value)}, len(value))
        return
    _display_glue({"name": name, "kind": "value", "value": _jsonable(value)}, None)


def _display_glue(payload: dict[str, Any], rows: int | None) -> None:
    from IPython.display import display

    name = payload["name"]
    line = f"[glued table {name!r}: {rows} rows]" if rows is not None else f"[glued value {name!r}]"
    json.dumps(payload)  # fail here, in the cell that glued it, if it is not JSON
    display({GLUE_MIMETYPE: payload, "text/plain": line}, raw=True)


#: Units of metrics shown without decimals (a float column only because of missing values).
_WHOLE_UNITS = ("year", "periods", "rank (1 = first)")
#: Headers of plain columns of result tables (not metrics): (Chinese, English).
_PLAIN_HEADERS = {
    "indicator": ("指标", "Indicator"),
    "region": ("地区代码", "Region code"),
    "name": ("地区", "Region"),
    "unit": ("单位", "Unit"),
}


def show_table(frame: pd.DataFrame | pd.Series, *, lang: str = "en", decimals: int = 2) -> None:
    """Display a results table for readers: labelled headers, names, no ``NaN``.

    Metric columns (:data:`lixia_econ.models.vocab.METRICS`) get their labels, indicator
    codes in the index their names, recovery shapes their descriptions; numbers are
    rounded to ``decimals`` (years, ranks and counts of periods without) and a missing
    value shows a dash. The table itself is not changed: glue it for the workbook and metrics.

    Parameters
    ----------
    frame : pandas.DataFrame or pandas.Series
        The table (a scorecard, a growth table); its index becomes the first column.
    lang : {"en", "zh"}
        Language of headers and names.
    decimals : int
        Decimals of numbers that are not whole.
    """
    from IPython.display import HTML, display

    from lixia_econ.briefing import table_html
    from lixia_econ.models.vocab import METRICS, SHAPES, label
    from lixia_econ.schema import indicator_label, lookup_indicator

    table = frame.to_frame() if isinstance(frame, pd.Series) else frame
    if isinstance(table.index, pd.RangeIndex):
        shown = table.copy()
    else:
        shown = table.reset_index(names=table.index.name or "")
    first = shown.columns[0]
    if shown[first].map(lambda v: isinstance(v, str) and lookup_indicator(v) == v).all():
        shown[first] = shown[first].map(lambda v: indicator_label(v, lang=lang))
        shown = shown.rename(columns={first: _PLAIN_HEADERS["indicator"][lang != "zh"]})
    for column in shown.columns:
        values = shown[column]
        if column == "shape":
            shown[column] = values.map(lambda v: SHAPES[v].label(lang) if v in SHAPES else v)
        elif column == "missing":  # names of metrics, comma-separated
            shown[column] = values.map(
                lambda v: "; ".join(label(m.strip(), lang) for m in str(v).split(",") if m.strip())
            )
        elif pd.api.types.is_float_dtype(values):
            counted = column in METRICS and METRICS[column].unit in _WHOLE_UNITS
            shape = "{:.0f}" if counted else f"{{:,.{decimals}f}}"
            shown[column] = values.map(lambda v, f=shape: None if pd.isna(v) else f.format(v))
    shown = shown.astype(object).where(shown.notna(), None)  # pd.NA, NaT, NaN: a dash
    shown.columns = [
        _PLAIN_HEADERS[c][lang != "zh"] if c in _PLAIN_HEADERS else label(str(c), lang)
        for c in shown.columns
    ]
    display(HTML(table_html(shown)))


def glue_table(
    name: str,
    frame: pd.DataFrame | pd.Series,
    *,
    headers: dict[str, str] | None = None,
    sheet: str | None = None,
    decimals: dict[str, int] | int | None = None,
) -> None:
    """Hand a table to the runner with what an Excel reader sees: headers, sheet, decimals.

    The runner writes it as a sheet of ``tables.xlsx`` with the display headers (Chinese,
    with units), numbers as numbers in the given decimals, column widths fitted, the
    header row frozen; ``metrics.json`` keeps the column names and data as :func:`glue`.

    Parameters
    ----------
    name : str
        Key in ``metrics.json``; the sheet name unless ``sheet`` is given. ``"sources"``
        makes the workbook's ``sources`` sheet.
    frame : DataFrame or Series
        The table (a non-default index becomes columns).
    headers : dict, optional
        Display header by column name, e.g. ``{"value": "地区生产总值（亿元）"}``; these
        update ``frame.attrs["display"]`` (the same convention :func:`glue` reads).
        Columns without one keep their name.
    sheet : str, optional
        Workbook sheet name (at most 31 characters; ``[]:*?/`` and backslash are replaced).
    decimals : int or dict, optional
        Decimals of the number format, for every float column or by column name
        (default: 2 for columns whose values are all below 10 in size, else 1).

    Examples
    --------
    >>> glue_table(  # doctest: +SKIP
    ...     "gdp",
    ...     frame,
    ...     headers={"year": "年份", "gdp": "地区生产总值（亿元）"},
    ...     sheet="地区生产总值",
    ... )
    """
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"glue_table({name!r}, ...) needs a DataFrame, got {type(frame).__name__}")
    frame = frame.copy()
    frame.attrs[DISPLAY_ATTR] = {**(frame.attrs.get(DISPLAY_ATTR) or {}), **(headers or {})}
    payload: dict[str, Any] = {"name": name, "kind": "table", **_frame_payload(frame)}
    if sheet:
        payload["sheet"] = str(sheet)
    if decimals is not None:
        payload["decimals"] = decimals if isinstance(decimals, int) else dict(decimals)
    _display_glue(payload, len(frame))


def _chart_renderer(spec: dict, **metadata: Any) -> tuple[dict, dict]:
    """Return a chart's output: its Vega-Lite spec, a static SVG and a text line."""
    import vl_convert
    from altair.vegalite.v6.display import mimetype_renderer

    mime = mimetype_renderer(spec, **metadata)
    mime = mime[0] if isinstance(mime, tuple) else mime
    bundle: dict[str, Any] = {}
    # altair 6 names it "...v6.json", which nbformat rejects for a JSON value
    for key, value in mime.items():
        if key.startswith("application/vnd.vegalite"):
            bundle[key.replace(".json", "+json")] = value
    try:
        svg = _worker.svg(spec) if _worker is not None else None
        bundle["image/svg+xml"] = svg if svg is not None else vl_convert.vegalite_to_svg(spec)
    except Exception as exc:  # a spec vl-convert cannot draw: the spec still renders in Lab
        bundle["text/plain"] = f"<chart: no static image ({type(exc).__name__}: {exc})>"
    else:
        bundle["text/plain"] = "<Altair chart>"
    return bundle, {}


#: What the SVG worker runs: vl-convert started at once (a tiny chart, ``argv[1]``), then
#: one chart a line: a Vega-Lite spec in, ``{"svg": ...}`` or ``{"error": ...}`` out. Text is
#: measured with a TrueType copy of the CJK font where there is one
#: (:mod:`lixia_econ._vlfont`: the same SVG, drawn 2-4 times faster).
_WORKER_CODE = """
import json, sys
import vl_convert
try:
    from lixia_econ._vlfont import Fonts
    fonts = Fonts()
    draw = fonts.svg
except Exception:
    draw = lambda text: vl_convert.vegalite_to_svg(json.loads(text))
try:
    vl_convert.vegalite_to_svg(json.loads(sys.argv[1]))
except Exception:
    pass
for line in sys.stdin:
    try:
        reply = {"svg": draw(line)}
    except Exception as exc:
        reply = {"error": repr(exc)}
    sys.stdout.write(json.dumps(reply) + "\\n")
    sys.stdout.flush()
"""


class _SvgWorker:
    """vl-convert in a child process, started by :func:`setup`, drawing the charts' SVGs.

    vl-convert starts a JavaScript runtime on its first conversion in a process (about
    half a second) and holds the GIL all that time, so a thread cannot start it in the
    background; a child process does, on another core, while the notebook computes. The
    child gets each spec as JSON (the same spec, so the same SVG as in the kernel) and
    ends when the kernel closes its stdin or exits.
    """

    def __init__(self, schema: str) -> None:
        warm = {
            "$schema": schema,
            "title": "预热 warm-up",
            "data": {"values": [{"x": 0, "y": 0}, {"x": 1, "y": 1}]},
            "mark": {"type": "line", "point": True},
            "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y"}},
        }
        self._lock = threading.Lock()
        #: requests sent and not yet answered (the worker answers in order), and answers
        #: read for charts not yet displayed
        self._pending: collections.deque[str] = collections.deque()
        self._done: dict[str, str | None] = {}
        self._read = b""  # read from the worker, not yet a whole line
        self._proc = python_process(
            _WORKER_CODE,
            json.dumps(warm),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # its own process group: ipykernel's shutdown waits seconds for the children in
            # its group to go (a killed child stays a zombie it never reaps); this one is
            # killed by close() at exit, and ends by itself when the kernel's end closes
            # its stdin
            start_new_session=True,
        )

    def _send(self, key: str) -> None:
        self._proc.stdin.write(key.encode("utf-8") + b"\n")
        self._proc.stdin.flush()
        self._pending.append(key)

    def _reply(self) -> bytes:
        """Return the worker's next line; empty if it ended or said nothing for too long.

        A worker silent for :data:`REPLY_TIMEOUT_S` is stopped (a chart takes it well under
        a second): the notebook then draws its charts itself instead of waiting for ever.
        """
        fd = self._proc.stdout.fileno()
        while b"\n" not in self._read:
            ready, _, _ = select.select([fd], [], [], REPLY_TIMEOUT_S)
            chunk = os.read(fd, 1 << 16) if ready else b""
            if not chunk:
                if not ready:
                    print(
                        f"lixia_econ: the chart worker (pid {self._proc.pid}) gave no answer "
                        f"for {REPLY_TIMEOUT_S:g} s; it was stopped, and the charts are drawn "
                        "in this kernel",
                        file=sys.stderr,
                    )
                    self.close()
                return b""
            self._read += chunk
        line, _, self._read = self._read.partition(b"\n")
        return line

    def _receive(self) -> None:
        """Read the answer to the oldest request (a worker gone answers every one with None)."""
        reply = self._reply()
        if not reply:
            self._done.update(dict.fromkeys(self._pending))
            self._pending.clear()
            return
        key = self._pending.popleft()
        try:
            self._done[key] = json.loads(reply).get("svg")
        except (ValueError, AttributeError):
            self._done[key] = None

    def forget(self) -> None:
        """Drop the SVGs drawn for charts never displayed (a warm kernel's next report)."""
        try:
            with self._lock:
                while self._pending:
                    self._receive()
                self._done.clear()
        except (OSError, ValueError):
            self._pending.clear()
            self._done.clear()

    def _ask(self, key: str) -> None:
        """Send the chart unless it is drawn or being drawn already (lock held)."""
        if key not in self._done and key not in self._pending:
            self._send(key)

    def prefetch(self, spec: dict) -> None:
        """Start drawing a chart's SVG and return at once; :meth:`svg` picks it up."""
        try:
            key = json.dumps(spec)
            with self._lock:
                self._ask(key)
        except (OSError, ValueError, TypeError):  # not JSON, or the worker is gone
            return

    def svg(self, spec: dict) -> str | None:
        """Return the chart's SVG, or None if the worker cannot make it (the caller does)."""
        try:
            key = json.dumps(spec)
            with self._lock:
                self._ask(key)
                while key not in self._done:
                    self._receive()
                return self._done.pop(key)
        except (OSError, ValueError, TypeError):  # not JSON, or the worker is gone
            return None

    def close(self) -> None:
        """Stop the worker at once (it holds nothing worth waiting for).

        Waiting for it to end by itself kept every report's kernel from exiting until the
        worker had finished starting: 2.4 s a report.
        """
        with contextlib.suppress(OSError):
            self._proc.kill()
            self._proc.stdin.close()
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self._proc.wait(timeout=5)


#: Seconds the kernel waits for the SVG worker's next answer before it stops the worker
#: and draws the charts itself.
REPLY_TIMEOUT_S = 60.0

#: The SVG worker of this process (None until :func:`setup` starts it, or if it could not).
_worker: _SvgWorker | None = None


def _start_worker(schema: str) -> None:
    """Start the SVG worker, once per process; without one, charts are drawn in the kernel."""
    global _worker
    if _worker is not None:
        return
    try:
        _worker = _SvgWorker(schema)
    except OSError:
        return
    atexit.register(_worker.close)


def prefetch_svgs(charts: Any) -> None:
    """Start drawing the SVGs of ``charts`` (Altair charts) in the worker, and return at once.

    A chart displayed later gets its SVG without waiting for it to be drawn: a template
    that makes its charts before a long computation (the briefing's appendix) has them
    drawn on another core meanwhile. Without a worker (:func:`setup` not called) this does
    nothing; a chart whose spec differs when displayed is simply drawn then.
    """
    if _worker is None:
        return
    for chart in charts:
        try:  # display() validates the chart; an invalid one's SVG is never asked for
            spec = chart.to_dict(validate=False)
        except Exception:  # a chart that cannot even be written: display() reports it
            continue
        _worker.prefetch(spec)


def _freeze_imports() -> None:
    """Leave the objects that exist now (the notebook's imports) out of later GC scans.

    A report kernel holds about 200,000 objects from its imports (pandas, altair,
    statsmodels, IPython); every full collection of the cyclic garbage collector scans them
    all (0.1-0.15 s each, one or two during a briefing). :func:`gc.freeze` moves them to
    the permanent generation: they are still freed when nothing refers to them, only a
    reference cycle among them would stay. Done once per process (the first
    :func:`setup`), so an analyst's later data are never frozen by running setup() again.
    """
    global _frozen
    if not _frozen:
        gc.freeze()
        _frozen = True


_frozen = False


def setup() -> None:
    """Make Altair charts draw offline, in the report and wherever a notebook is opened.

    Each chart's output holds the Vega-Lite spec (``application/vnd.vegalite.v6+json``:
    what the report's offline HTML export and JupyterLab's built-in Vega renderer draw)
    and an SVG made by vl-convert (``image/svg+xml``: what ``jupyter nbconvert --to html``,
    GitHub or a JupyterLab without the Vega renderer show). Nothing is loaded from a CDN,
    so charts draw on an intranet with no internet. Call once at the top of a template
    or an analyst notebook.

    The SVGs are drawn by a vl-convert worker process that this starts (once per
    process): vl-convert's half-second start-up then overlaps with what the notebook
    computes before its first chart. A chart the worker cannot draw is drawn in the
    kernel, as without a worker. Fonts registered with vl-convert in the kernel
    (``vl_convert.register_font_directory``) are not seen by the worker.

    The first call also leaves the objects of the notebook's imports out of the garbage
    collector's later scans (:func:`_freeze_imports`).
    """
    import altair as alt

    if "lixia_report" not in alt.renderers.names():
        alt.renderers.register("lixia_report", _chart_renderer)
    alt.renderers.enable("lixia_report")
    _start_worker(alt.SCHEMA_URL)
    _freeze_imports()
