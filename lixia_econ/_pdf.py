"""Print the HTML report to an A4 PDF with headless Chromium, with the network cut.

The page is printed by Chromium's own ``--print-to-pdf`` (the DevTools ``Page.printToPDF``
behind it), so the PDF is what the HTML shows: the same CJK fonts (embedded by Chromium,
subset), the same Vega charts. ``--virtual-time-budget`` makes Chromium run the page's
scripts -- vega-embed drawing every chart as SVG -- before it prints, and
``--run-all-compositor-stages-before-draw`` makes it paint the finished frame. The page
size and margins come from the report's print CSS (``@page { size: A4 }``).

No request leaves the machine: every host name resolves to nothing
(``--host-resolver-rules``), every connection goes to a proxy that does not exist, and
Chromium's own background traffic (updates, sync, safe browsing) is off. A throw-away
profile folder is used and removed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from lixia_econ.errors import BrowserNotFound, ReportError

__all__ = ["CHROMIUM_ENV", "chromium_path", "print_flags", "print_to_pdf"]

#: Environment variable naming the Chromium (or Chrome) executable to print with.
CHROMIUM_ENV = "LIXIA_ECON_CHROMIUM"
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
INSTALL_HINT = (
    "install it (Debian/Ubuntu: apt-get install chromium fonts-noto-cjk) or set "
    f"{CHROMIUM_ENV}=/path/to/chromium"
)

#: Chromium flags that cut every network path, whatever the page asks for.
OFFLINE_FLAGS = (
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",  # the discard port: nothing listens
    "--proxy-bypass-list=<-loopback>",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--safebrowsing-disable-auto-update",
)


def chromium_path() -> Path:
    """Return the Chromium executable: ``$LIXIA_ECON_CHROMIUM``, else the first on ``PATH``.

    Raises
    ------
    BrowserNotFound
        Neither is there; the message says how to install one.
    """
    given = os.environ.get(CHROMIUM_ENV)
    if given:
        if Path(given).is_file() and os.access(given, os.X_OK):
            return Path(given)
        raise BrowserNotFound(f"{CHROMIUM_ENV}={given!r} is not an executable file; {INSTALL_HINT}")
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise BrowserNotFound(f"no Chromium found on PATH (tried {', '.join(_NAMES)}); {INSTALL_HINT}")


def print_flags(pdf: Path, profile: Path, *, budget_ms: int = 20_000) -> list[str]:
    """Return the Chromium flags that print the page to ``pdf`` offline.

    Parameters
    ----------
    pdf : Path
        The PDF to write.
    profile : Path
        An empty folder for Chromium's profile.
    budget_ms : int
        Virtual milliseconds the page's scripts may run before printing (the charts are
        drawn in well under a second; virtual time advances as fast as the page idles).
    """
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",
        "--run-all-compositor-stages-before-draw",
        f"--virtual-time-budget={budget_ms}",
        f"--user-data-dir={profile}",
        *OFFLINE_FLAGS,
        f"--print-to-pdf={pdf}",
    ]


def _with_cjk_font(html: Path, folder: Path) -> Path:
    """Return a copy of the page carrying a TrueType CJK font, or the page itself.

    The copy goes to ``folder``; the font is made by :mod:`lixia_econ._cjkfont` when it
    can be (``fontTools`` and Noto Sans CJK installed).
    """
    from lixia_econ._cjkfont import FAMILY, font_face_css

    text = html.read_text(encoding="utf-8")
    try:
        css = font_face_css(text)
    except Exception:  # a font fontTools cannot convert: Chromium's Type 3 fonts then
        return html
    if css is None or "</head>" not in text:
        return html
    # every text -- headings in the Lab theme's system-ui stack, chart labels -- in the subset
    css += f'\n*:not(pre):not(code):not(kbd):not(samp) {{ font-family: "{FAMILY}" !important; }}'
    copy = folder / "print.html"
    copy.write_text(text.replace("</head>", f"<style>{css}</style></head>", 1), encoding="utf-8")
    return copy


def print_to_pdf(
    html: str | Path, pdf: str | Path, *, timeout: float = 120, embed_cjk: bool = True
) -> Path:
    """Print an HTML file to PDF with headless Chromium, offline.

    Parameters
    ----------
    html : str or Path
        The page (the report's ``report.html``; its print CSS sets A4 and margins).
    pdf : str or Path
        The PDF to write.
    timeout : float
        Seconds Chromium may take.
    embed_cjk : bool
        Print with a TrueType subset of Noto Sans CJK SC, so the PDF embeds a named CJK
        font (needs ``fontTools``; without it, or with ``False``, Chromium embeds the
        installed CJK fonts as Type 3 fonts: the text is the same and searchable).

    Returns
    -------
    Path
        ``pdf``.

    Raises
    ------
    BrowserNotFound
        No Chromium (see :func:`chromium_path`).
    ReportError
        Chromium failed, timed out or wrote no PDF; the message quotes its last words.
    """
    exe = chromium_path()
    html, pdf = Path(html).resolve(), Path(pdf).resolve()
    pdf.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="lixia-chromium-") as profile:
        page = _with_cjk_font(html, Path(profile)) if embed_cjk else html
        cmd = [str(exe), *print_flags(pdf, Path(profile) / "profile"), page.as_uri()]
        try:
            done = subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired:
            raise ReportError(f"{exe} did not print {html} within {timeout:g} s") from None
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        tail = " | ".join((done.stderr or "").strip().splitlines()[-3:])
        raise ReportError(
            f"{exe} could not print {html} to PDF (exit {done.returncode}): {tail or 'no output'}"
        )
    return pdf
