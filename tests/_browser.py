"""Shared by the browser tests: a headless Chromium page that may load only local files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")


def offline_page(playwright: Any, seen: dict, *, width: int, args: list[str]) -> Any:
    """Open a page in Debian's Chromium whose every non-file request is aborted and noted.

    The requests that would have gone to the network are appended to ``seen["network"]``.
    """
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk"
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
    page = browser.new_page(viewport={"width": width, "height": 900})

    def route(r: Any) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            seen["network"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return page


#: Run in the page by :func:`table_layout`: tables wider than their container or the
#: window, and header words (Latin letters) drawn on more than one line ("Uni" / "t").
_LAYOUT_JS = r"""() => {
  const out = {scroll: document.documentElement.scrollWidth, wide: [], broken: []};
  for (const t of document.querySelectorAll('table')) {
    const r = t.getBoundingClientRect(), box = t.parentElement.getBoundingClientRect();
    if (r.right > box.right + 1 || r.right > window.innerWidth) {
      out.wide.push([t.rows[0]?.innerText.slice(0, 60), Math.round(r.width)]);
    }
  }
  for (const th of document.querySelectorAll('th')) {
    for (const node of th.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE) continue;
      for (const m of node.textContent.matchAll(/[A-Za-z]{2,}/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map(c => Math.round(c.top)));
        if (lines.size > 1) out.broken.push(m[0]);
      }
    }
  }
  return out;
}"""


def table_layout(html: Path, *, width: int = 1280) -> dict:
    """Open ``html`` offline at ``width`` px; return its tables' layout problems.

    ``scroll`` is the page's scroll width, ``wide`` the tables that overflow, ``broken``
    the header words split across lines.
    """
    from playwright import sync_api

    seen: dict = {"network": []}
    with sync_api.sync_playwright() as p:
        page = offline_page(p, seen, width=width, args=["--no-sandbox", "--disable-gpu"])
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
        out = page.evaluate(_LAYOUT_JS)
        page.context.browser.close()
    return {**out, "network": seen["network"]}
