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
