"""The page printed to PDF: the report's HTML with each chart as the SVG its output carries.

Hand-made notebooks written here (no kernel): each chart output holds a Vega-Lite spec and
an SVG, as :func:`lixia_econ.report.notebook.setup` makes them.
"""

from __future__ import annotations

import re

import nbformat

from lixia_econ._html import notebook_to_pages

SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
    "data": {"values": [{"x": 1, "y": 2}]},
    "mark": "point",
    "encoding": {"x": {"field": "x", "type": "quantitative"}},
}


def _svg(label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>{label}</text></svg>'
    )


def _notebook(*svgs: str | None) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_markdown_cell("# 简报")]
    for n, svg in enumerate(svgs):
        data = {"application/vnd.vegalite.v6+json": {**SPEC, "title": f"图{n}"}}
        if svg is not None:
            data["image/svg+xml"] = svg
        data["text/plain"] = "<Altair chart>"
        cell = nbformat.v4.new_code_cell("chart")
        cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
        cells.append(cell)
    nb.cells = cells
    return nb


def _strip(page: str) -> str:
    """The page without its scripts and chart divs, white space collapsed."""
    page = re.sub(r'<script.*?</script>|<div class="lixia-chart".*?</div>', "", page, flags=re.S)
    return re.sub(r"\s+", " ", page)


def test_print_copy_has_every_chart_as_its_svg_and_no_vega():
    page, printed = notebook_to_pages(_notebook(_svg("甲图"), _svg("乙图")))
    # the page draws its charts with the inlined Vega; the copy carries them drawn
    assert page.count('data-target="lixia-chart-') == 2
    assert "甲图" not in page
    assert "vega-lite" in page.lower()
    assert printed is not None
    for n, label in ((1, "甲图"), (2, "乙图")):
        div = re.search(rf'<div class="lixia-chart" id="lixia-chart-{n}">(.*?)</div>', printed)
        assert div is not None, n
        assert label in div.group(1), n
    assert 'data-target="lixia-chart' not in printed  # no spec block left
    assert len(printed) < len(page) / 2  # the megabyte of Vega JavaScript is left out
    # everything else is the same page
    assert _strip(printed) == _strip(page)


def test_no_print_copy_when_a_chart_has_no_svg_or_an_unsafe_one():
    assert notebook_to_pages(_notebook(_svg("甲图"), None))[1] is None
    bad = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert notebook_to_pages(_notebook(bad))[1] is None
    # without charts there is nothing to replace: the page itself is printed
    assert notebook_to_pages(_notebook())[1] is None


def test_pages_made_at_once_in_threads_are_the_pages_made_one_by_one():
    # each thread borrows an exporter of its own (nbconvert's keep state while they work);
    # the one prime_export leaves behind serves the next page like a new one
    import threading

    from lixia_econ._html import prime_export

    notebooks = [_notebook(_svg(f"图{n}"), _svg("乙图")) for n in range(6)]
    alone = [notebook_to_pages(nb) for nb in notebooks]
    prime_export()
    together: dict[int, tuple] = {}
    threads = [
        threading.Thread(target=lambda n=n, nb=nb: together.__setitem__(n, notebook_to_pages(nb)))
        for n, nb in enumerate(notebooks)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [together[n] for n in range(len(notebooks))] == alone


def test_a_cell_tagged_remove_cell_is_in_neither_page():
    # the templates' "how to run me" note is for whoever opens the notebook, not readers
    nb = _notebook(_svg("a"))
    note = nbformat.v4.new_markdown_cell("Run it with `lixia-econ report`")
    note.metadata["tags"] = ["remove-cell"]
    nb.cells.insert(0, note)
    page, printed = notebook_to_pages(nb)
    assert "简报" in page
    assert "lixia-econ report" not in page
    assert "lixia-econ report" not in printed
    assert note in nb.cells  # the executed notebook itself keeps it
