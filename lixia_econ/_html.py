"""Offline, self-contained HTML from an executed report notebook.

nbconvert's HTML loads require.js, MathJax and mermaid from CDNs and shows Altair charts
(``application/vnd.vegalite.v6.json`` outputs) only as text. Here:

- every Vega-Lite output becomes a ``<div>`` plus its spec in a
  ``<script type="application/vnd.lixia-vega+json">`` block, with ``<``, ``>`` and ``&``
  written as JSON unicode escapes so that no name in a chart (an indicator called
  ``</script><script>alert(1)</script>``, say) can end the block;
- the Vega, Vega-Lite and vega-embed JavaScript is inlined once, from
  :func:`vl_convert.javascript_bundle`, and the charts are drawn as SVG;
- the CDN scripts of the ``lab`` template are removed, and the result is checked: a page
  that still refers to a script, stylesheet, image or frame on the network is an error;
- code cells are hidden unless asked for; CSS names the Noto CJK fonts first so Chinese
  labels render.
"""

from __future__ import annotations

import contextlib
import copy
import html
import json
import re
import threading
from collections.abc import Iterator
from functools import cache
from typing import Any

from lixia_econ import config
from lixia_econ._memo import store
from lixia_econ.errors import ReportError

__all__ = [
    "GLUE_MIMETYPE",
    "notebook_to_html",
    "notebook_to_pages",
    "prime_export",
]

#: Mimetype of the values a template hands back to the runner (see ``report.glue``).
GLUE_MIMETYPE = "application/vnd.lixia-econ.glue+json"
_VEGA_SPEC_TYPE = "application/vnd.lixia-vega+json"
_VEGALITE = re.compile(r"application/vnd\.vegalite\.v\d+[.+]json")
_VEGA = re.compile(r"application/vnd\.vega\.v\d+[.+]json")

_FONTS = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", '
    '"PingFang SC", system-ui, sans-serif'
)

_TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{% block extra_css %}
<style type="text/css">
body, .jp-RenderedHTMLCommon, .vega-embed, .vega-embed text { font-family: FONTS; }
.jp-RenderedHTMLCommon table { font-variant-numeric: tabular-nums; }
.lixia-chart { width: 100%; min-height: 40px; }
.lixia-chart svg { max-width: 100%; height: auto; }
/* Paper and PDF (headless Chromium prints this page): A4, no code, nothing cut off. */
@page { size: A4; margin: 16mm 14mm 16mm 14mm; }
@media print {
  html, body { margin: 0; padding: 0; background: #fff; }
  body, .jp-RenderedHTMLCommon { font-size: 9.5pt !important; line-height: 1.4 !important; }
  main, .jp-Notebook { padding: 0 !important; margin: 0 !important; width: auto !important; }
  .jp-Cell { padding: 0 !important; margin: 0 !important; }
  .jp-InputArea, .jp-InputPrompt, .jp-OutputPrompt, .jp-Collapser { display: none !important; }
  .jp-OutputArea-child, .jp-OutputArea-output, .jp-RenderedHTMLCommon, .jp-RenderedMarkdown {
    display: block !important; overflow: visible !important;
  }
  ::-webkit-scrollbar { display: none; }
  .jp-OutputArea-output, .jp-RenderedHTMLCommon { max-width: 100% !important; }
  .lixia-chart, .lixia-chart svg, img { break-inside: avoid; page-break-inside: avoid; }
  .lixia-chart svg, img { max-width: 100% !important; height: auto !important; }
  /* charts drawn for a 1,280 px screen: at most a third of an A4 page high */
  .lixia-chart svg { max-height: 88mm !important; width: auto !important; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  p, li { orphans: 3; widows: 3; }
  /* Lab's print CSS keeps every output on one page: a long table then starts a new page
     and leaves the one before half empty. Tables may break between rows. */
  .jp-OutputArea-child:has(table) { break-inside: auto; page-break-inside: auto; }
  /* !important: Lab's own rules come later in the page with the same or higher weight */
  .jp-RenderedHTMLCommon h1 { font-size: 16pt !important; margin: 0 0 4pt !important; }
  .jp-RenderedHTMLCommon h2 { font-size: 12.5pt !important; margin: 9pt 0 3pt !important; }
  .jp-RenderedHTMLCommon p, .jp-RenderedHTMLCommon ul { margin: 0 0 3pt !important; }
  .jp-RenderedHTMLCommon li { margin: 0 0 2pt !important; }
  .jp-RenderedHTMLCommon small { font-size: 8pt; }
  .jp-RenderedHTMLCommon table {
    max-width: 100%; break-inside: auto; font-size: 7.5pt !important;
    margin: 2pt 0 5pt 0 !important;
  }
  .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { padding: 2px 4px !important; }
  /* headers wrap between words (inside a word only if it cannot fit), numbers never */
  .jp-RenderedHTMLCommon th { overflow-wrap: break-word; }
  .jp-RenderedHTMLCommon td { overflow-wrap: normal; word-break: normal; }
  /* wide tables: smaller, not clipped */
  .jp-RenderedHTMLCommon table:has(tr > :nth-child(9)) { font-size: 6.5pt !important; }
  .jp-RenderedHTMLCommon table:has(tr > :nth-child(14)) { font-size: 5.5pt !important; }
  thead { display: table-header-group; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; }
}
</style>
{% endblock extra_css %}
{% block footer_js %}
<script type="text/javascript">
// Vega, Vega-Lite and vega-embed, inlined (vl-convert javascript_bundle) so charts
// render with the network off.
/*LIXIA-VEGA-BUNDLE*/
</script>
<script type="text/javascript">
// window.lixiaChartsDrawn: settled once every chart is drawn (the PDF is printed then)
window.lixiaChartsDrawn = Promise.all(Array.prototype.map.call(
  document.querySelectorAll('script[type="SPECTYPE"]'), function (el) {
    var target = document.getElementById(el.getAttribute("data-target"));
    var spec = JSON.parse(el.textContent);
    return vegaEmbed(target, spec, {renderer: "svg", actions: false}).catch(function (err) {
      target.textContent = "This chart could not be drawn: " + err;
      console.error(err);
    });
  }));
</script>
{% endblock footer_js %}
"""


@cache
def _bundle() -> str:
    """Return the Vega/Vega-Lite/vega-embed JavaScript, safe inside a ``<script>`` block.

    Building it takes vl-convert about a second of CPU, so it is cached on disk per
    vl-convert version (:data:`lixia_econ.config.CACHE_DIR`); the cache is an
    optimisation only and is rebuilt if missing, unreadable or unwritable.
    """
    import vl_convert

    cached = config.CACHE_DIR / f"vega-bundle-{vl_convert.__version__}.js"
    try:
        return cached.read_text(encoding="utf-8")
    except OSError:
        pass
    js = vl_convert.javascript_bundle()
    # a classic <script> block ends at the first "</script"; the bundle has none today
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)
    store(cached, js.encode("utf-8"))
    return js


def _script_json(obj: Any) -> str:
    """Return JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(obj, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _chart_html(spec: dict[str, Any], number: int) -> str:
    target = f"lixia-chart-{number}"
    return (
        f'<div class="lixia-chart" id="{target}"></div>\n'
        f'<script type="{_VEGA_SPEC_TYPE}" data-target="{target}">{_script_json(spec)}</script>'
    )


def _static_chart_html(svg: str, number: int) -> str:
    return f'<div class="lixia-chart" id="lixia-chart-{number}">{svg}</div>'


#: A cell with this tag is for whoever opens the template (how to run it), not for the
#: report's readers: it is left out of the page (Jupyter Book's tag of the same meaning).
REMOVE_TAG = "remove-cell"


def _prepare(nb: Any) -> tuple[Any, list[tuple[str, str | None]]]:
    """Copy the notebook, drop glue outputs and turn Vega-Lite outputs into HTML.

    Cells tagged :data:`REMOVE_TAG` are left out. Returns the copy and, for each chart,
    its HTML and its static form (the output's SVG in the chart's ``<div>``; None without
    an SVG).
    """
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if REMOVE_TAG not in c.get("metadata", {}).get("tags", [])]
    charts: list[tuple[str, str | None]] = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data is None:
                kept.append(out)
                continue
            if GLUE_MIMETYPE in data:
                continue
            spec_key = next((k for k in data if _VEGALITE.fullmatch(k) or _VEGA.fullmatch(k)), None)
            if spec_key is not None:
                spec = data[spec_key]
                if isinstance(spec, str):
                    spec = json.loads(spec)
                number = len(charts) + 1
                svg = data.get("image/svg+xml")
                if isinstance(svg, list):
                    svg = "".join(svg)
                static = _static_chart_html(svg, number) if _is_svg(svg) else None
                charts.append((_chart_html(spec, number), static))
                out["data"] = {"text/html": charts[-1][0]}
                out["metadata"] = {}
            kept.append(out)
        cell["outputs"] = kept
    return nb, charts


def _is_svg(svg: Any) -> bool:
    """Say whether ``svg`` is an SVG document with nothing in it that could run in a page."""
    return (
        isinstance(svg, str)
        and svg.lstrip().startswith("<svg")
        and re.search(r"<\s*(script|foreignObject|iframe)\b", svg, re.IGNORECASE) is None
    )


_EXTERNAL = re.compile(
    r"<(script|img|link|iframe|source|embed)\b[^>]*\b(src|href)\s*=\s*[\"']?\s*(https?:)?//",
    re.IGNORECASE,
)


#: HTML exporters not in use, by ``show_code``; one thread at a time uses each.
_SPARE: dict[bool, list[Any]] = {False: [], True: []}
_SPARE_LOCK = threading.Lock()


@contextlib.contextmanager
def _exporter(show_code: bool) -> Iterator[Any]:
    """Lend an HTML exporter to this thread: a spare one, whose Jinja templates are compiled.

    nbconvert's exporters keep state while they convert, so a thread has one to itself;
    given back, it serves the next page (the templates are not compiled again per page,
    and one warmed up while the kernel runs serves the report).
    """
    with _SPARE_LOCK:
        exporter = _SPARE[show_code].pop() if _SPARE[show_code] else None
    if exporter is None:
        from jinja2 import DictLoader
        from nbconvert import HTMLExporter

        body = _TEMPLATE.replace("FONTS", _FONTS).replace("SPECTYPE", _VEGA_SPEC_TYPE)
        exporter = HTMLExporter(
            template_name="lab",
            extra_loaders=[DictLoader({"lixia_report.html.j2": body})],
            template_file="lixia_report.html.j2",
            exclude_input=not show_code,
            exclude_input_prompt=not show_code,
            exclude_output_prompt=True,
            embed_images=True,
        )
    try:
        yield exporter
    finally:
        with _SPARE_LOCK:
            _SPARE[show_code].append(exporter)


def prime_export() -> None:
    """Do what a process pays on its first HTML export, and keep a spare exporter.

    The inlined Vega bundle (built once per vl-convert version, then read from the cache),
    nbconvert's imports, its first conversion (Markdown, highlighting, HTML cleaning) and
    an exporter's templates: about a second, which a report runner started from the
    command line paid after its kernel had finished. The runner calls this in a background
    thread while the kernel runs; the export waits for nothing (it makes its own exporter
    if the spare is not ready). Errors are ignored: this is an optimisation only.
    """
    import nbformat

    with contextlib.suppress(Exception):
        _bundle()
        nb = nbformat.v4.new_notebook()
        table = {"text/html": "<table><tr><td>1</td></tr></table>"}
        nb.cells = [
            nbformat.v4.new_markdown_cell("# 预热 warm-up\n\n- *a* **b** `c`"),
            nbformat.v4.new_code_cell(
                "x = 1", outputs=[nbformat.v4.new_output("display_data", table)]
            ),
        ]
        notebook_to_pages(nb)


def notebook_to_html(nb: Any, *, show_code: bool = False, title: str | None = None) -> str:
    """Return a self-contained HTML page of an executed notebook.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.
    show_code : bool
        Show the code cells (hidden by default: readers get the story, charts and tables).
    title : str, optional
        Page title; default the notebook's metadata title or file name. Escaped.

    Returns
    -------
    str
        One HTML document that loads nothing from the network.

    Raises
    ------
    ReportError
        If the page would still load a script, stylesheet, image or frame from the network.
    """
    return notebook_to_pages(nb, show_code=show_code, title=title)[0]


def notebook_to_pages(
    nb: Any, *, show_code: bool = False, title: str | None = None
) -> tuple[str, str | None]:
    """Return the page of :func:`notebook_to_html` and a copy of it for printing.

    In the print copy every chart is the SVG its output carries (drawn by vl-convert from
    the same spec) and the Vega JavaScript is left out: a browser opens it without
    compiling a megabyte of script and drawing the charts again (a third of a second of
    the PDF step). The copy is None when a chart has no SVG; the page itself is printed
    then.

    Raises
    ------
    ReportError
        If the page would still load a script, stylesheet, image or frame from the network.
    """
    prepared, charts = _prepare(nb)
    if title is not None:
        prepared.metadata["title"] = title
    with _exporter(show_code) as exporter:
        exported, _ = exporter.from_notebook_node(prepared)
    # inserted after Jinja has run: the bundle is JavaScript, not template text
    page = exported.replace("/*LIXIA-VEGA-BUNDLE*/", _bundle() if charts else "", 1)
    found = _EXTERNAL.search(page)
    if found:
        start = max(found.start() - 40, 0)
        raise ReportError(
            "the HTML report would load a resource from the network (charts must render "
            f"offline): ...{html.unescape(page[start : found.end() + 60])}..."
        )
    printed: str | None = None
    if charts and all(static is not None for _, static in charts):
        printed = exported.replace("/*LIXIA-VEGA-BUNDLE*/", "", 1)
        for number, (_, static) in enumerate(charts, start=1):
            # nbconvert re-serialises the output's HTML (attribute order), so the chart's
            # div and spec block are found by their id, not as the text _chart_html made
            target = f"lixia-chart-{number}"
            block = re.compile(
                rf'<div class="lixia-chart" id="{target}"></div>\s*'
                rf'<script\b[^>]*\bdata-target="{target}"[^>]*>.*?</script>',
                re.DOTALL,
            )
            printed, found = block.subn(lambda _, s=static: s, printed, count=2)
            if found != 1:  # not where the export put it: print the page itself
                return page, None
    return page, printed
