"""Print the HTML report to an A4 PDF with headless Chromium, with the network cut.

Chromium is driven over its DevTools protocol on a pipe (``--remote-debugging-pipe``:
JSON messages ended by a NUL byte, written to its fd 3 and read from its fd 4), so one
browser prints page after page: a :class:`Browser` is started when a report starts, so
that its start-up overlaps the kernel's work, and a batch worker keeps one for all its
reports (:func:`thread_browser`). It keeps one tab, opened while the kernel runs; for each
page it loads the file there, waits until every Vega chart is drawn as SVG (the page's
``window.lixiaChartsDrawn`` promise, else until each chart holds an ``<svg>``) and the
fonts are loaded, and prints with
``Page.printToPDF``: the PDF is what the HTML shows, with the same CJK fonts (embedded,
subset) and charts. The page size and margins come from the report's print CSS
(``@page { size: A4 }``).

No request leaves the machine: every host name resolves to nothing
(``--host-resolver-rules``), every connection goes to a proxy that does not exist, and
Chromium's own background traffic (updates, sync, safe browsing) is off. Each browser has a
throw-away profile folder, removed when it is closed; if this process dies, Chromium sees
its pipe close and exits.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from lixia_econ._perthread import PerThread
from lixia_econ.errors import BrowserNotFound, ReportError

__all__ = [
    "CHROMIUM_ENV",
    "Browser",
    "chromium_path",
    "close_browsers",
    "print_to_pdf",
    "thread_browser",
    "with_cjk_font",
]

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

#: The browser's niceness. It starts while the report's kernel runs and is needed only
#: when the kernel is done. Start-up, warm-up tab and one print take it 0.7-0.8 s of CPU
#: in several processes; on two cores, a briefing's kernel ran 0.4-0.7 s longer with the
#: browser starting beside it than without one, 0.1-0.5 s longer at niceness 10 (3 runs
#: each, 2026-12-02).
BROWSER_NICE = 10
#: The niceness of the browser's session while the kernel runs, where Linux schedules
#: sessions as groups ("autogroups": ``/proc/sys/kernel/sched_autogroup_enabled``, for
#: processes outside any cgroup of their own). There a process's niceness only ranks it
#: within its session: the kernel (a session of its own, from jupyter_client) and a
#: browser in the runner's session shared a core as equals whatever :data:`BROWSER_NICE`
#: said. In a session of its own at 19, the browser takes what the kernel leaves: a
#: briefing's kernel finished 0.35-0.45 s sooner (medians of 6 runs each, 2026-12-02). Set
#: back to 0 when the first page is printed.
SESSION_NICE = 19

#: Resolves, in the page, once every chart is drawn and the fonts are loaded; to the number
#: of charts. Pages without ``window.lixiaChartsDrawn`` are polled for up to 10 s.
_READY_JS = """new Promise(function (done) {
  var charts = document.querySelectorAll(".lixia-chart"), tries = 0;
  function drawn() {
    return Array.prototype.every.call(charts, function (c) {
      return c.querySelector("svg") || c.textContent; });
  }
  function finish() { document.fonts.ready.then(function () { done(charts.length); }); }
  if (window.lixiaChartsDrawn) { window.lixiaChartsDrawn.then(finish, finish); return; }
  (function poll() {
    if (drawn() || ++tries > 400) { finish(); } else { setTimeout(poll, 25); }
  })();
})"""

#: The events waited for (others are dropped as they arrive).
_KEPT_EVENTS = ("Page.loadEventFired", "Inspector.targetCrashed")

#: ``Page.printToPDF`` options: the page's CSS sets size and margins; no header or footer.
_PRINT = {"preferCSSPageSize": True, "printBackground": True, "displayHeaderFooter": False}


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


def browser_flags(profile: Path) -> list[str]:
    """Return the flags of a headless Chromium driven over a pipe, offline.

    Parameters
    ----------
    profile : Path
        An empty folder for Chromium's profile.
    """
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--remote-debugging-pipe",
        f"--user-data-dir={profile}",
        *OFFLINE_FLAGS,
        "about:blank",
    ]


def _high_fd(fd: int) -> int:
    """Return a close-on-exec copy of ``fd`` numbered 10 or more (so it never is 3 or 4)."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class Browser:
    """A headless Chromium that prints HTML files to PDF, one after another.

    It is started at once and not waited for: the first :meth:`print_pdf` waits for it. Use
    from one thread at a time (a batch worker keeps its own, see :func:`thread_browser`).

    Parameters
    ----------
    exe : Path, optional
        The Chromium executable; default :func:`chromium_path`.

    Raises
    ------
    BrowserNotFound
        No Chromium (see :func:`chromium_path`).
    """

    def __init__(self, exe: Path | None = None) -> None:
        self.exe = exe or chromium_path()
        self.profile = Path(tempfile.mkdtemp(prefix="lixia-chromium-"))
        self._stderr = self.profile / "chromium.log"
        to_child, self._to = (_high_fd(fd) for fd in os.pipe())
        self._from, from_child = (_high_fd(fd) for fd in os.pipe())
        actions = [
            (os.POSIX_SPAWN_DUP2, to_child, 3),  # Chromium reads commands from fd 3
            (os.POSIX_SPAWN_DUP2, from_child, 4),  # and writes replies and events to fd 4
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, str(self._stderr), os.O_WRONLY | os.O_CREAT, 0o600),
        ]
        argv = [str(self.exe), *browser_flags(self.profile / "profile")]
        try:  # its own session and process group: closing kills its renderers too
            self.pid = os.posix_spawn(
                str(self.exe), argv, os.environ, file_actions=actions, setsid=True
            )
        except OSError as exc:
            self._close_fds()
            shutil.rmtree(self.profile, ignore_errors=True)
            raise BrowserNotFound(
                f"{self.exe} could not be started: {exc}; {INSTALL_HINT}"
            ) from None
        finally:
            os.close(to_child)
            os.close(from_child)
        with contextlib.suppress(OSError):  # before it forks its renderers, which inherit it
            os.setpriority(os.PRIO_PROCESS, self.pid, BROWSER_NICE)
        self._session_niced = _set_session_nice(self.pid, SESSION_NICE)
        self._buffer = b""
        self._events: list[dict[str, Any]] = []
        self._next_id = 0
        self._ready: str | None = None
        self._exit: int | None = None
        self._session: str | None = None
        self._tab_id: str | None = None
        self._warming: threading.Thread | None = None
        self.pages = 0

    def alive(self) -> bool:
        """Return True while the browser process runs."""
        if self._exit is None:
            with contextlib.suppress(ChildProcessError):
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid == 0:
                    return True
                self._exit = os.waitstatus_to_exitcode(status)
            if self._exit is None:
                self._exit = -1  # reaped elsewhere
        return False

    def _send(self, method: str, params: dict[str, Any] | None, session: str | None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode("utf-8") + b"\0"
        try:
            while data:
                data = data[os.write(self._to, data) :]
        except OSError as exc:
            raise self._died(f"could not be sent {method}: {exc}") from None
        return self._next_id

    def _read(self, deadline: float, what: str) -> dict[str, Any]:
        """Return the next message from the browser, waiting at most until ``deadline``."""
        while b"\0" not in self._buffer:
            wait = deadline - time.monotonic()
            ready = select.select([self._from], [], [], max(wait, 0))[0] if wait > 0 else []
            if not ready:
                raise ReportError(f"{self.exe} did not answer within the time allowed ({what})")
            chunk = os.read(self._from, 1 << 20)
            if not chunk:
                raise self._died(f"closed its pipe ({what})")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        deadline: float,
    ) -> dict[str, Any]:
        """Send a command and return its result; events read meanwhile are kept."""
        sent = self._send(method, params, session)
        while True:
            message = self._read(deadline, method)
            if message.get("id") == sent:
                if "error" in message:
                    error = message["error"]
                    raise ReportError(f"{self.exe}: {method} failed: {error.get('message', error)}")
                return message.get("result", {})
            if message.get("method") in _KEPT_EVENTS:
                self._events.append(message)

    def _wait_event(self, method: str, session: str, deadline: float) -> None:
        """Wait for the event ``method`` of ``session``; a crashed tab is an error."""
        while True:
            for i, event in enumerate(self._events):
                if event.get("sessionId") != session:
                    continue
                if event["method"] == "Inspector.targetCrashed":
                    raise ReportError(f"{self.exe}: the page crashed while loading")
                if event["method"] == method:
                    del self._events[i]
                    return
            message = self._read(deadline, method)
            if message.get("method") in _KEPT_EVENTS:
                self._events.append(message)

    def _died(self, what: str) -> ReportError:
        if threading.current_thread() is not self._warming:  # close() waits for that one
            self.close()
        tail = " | ".join(self._stderr_tail())
        return ReportError(f"{self.exe} {what}; exit {self._exit}: {tail or 'no output'}")

    def _stderr_tail(self) -> list[str]:
        with contextlib.suppress(OSError):
            lines = self._stderr.read_text(encoding="utf-8", errors="replace").splitlines()
            return [line for line in lines if "dbus" not in line][-3:]
        return []

    def wait_ready(self, timeout: float = 60) -> str:
        """Wait until the browser answers (it starts in about 0.3-1 s); return its version.

        Raises
        ------
        ReportError
            It exited or did not answer within ``timeout`` seconds.
        """
        if self._ready is None:
            deadline = time.monotonic() + timeout
            self._ready = self._call("Browser.getVersion", deadline=deadline).get("product", "")
        return self._ready

    def warm_up(self) -> None:
        """Start the browser's tab in the background: its renderer is up before the first page.

        For a report that starts its browser with its kernel; :meth:`print_pdf` waits for it.
        A warm-up that fails is forgotten (the print then says what is wrong).
        """
        if self._warming is not None or self._session is not None:
            return  # warming, or warm already

        def run() -> None:
            # best effort: a browser closed meanwhile (a report stopped by Ctrl-C) ends it too
            with contextlib.suppress(Exception):
                blank = self.profile / "blank.html"
                blank.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
                self._load(blank, time.monotonic() + 60)

        self._warming = threading.Thread(target=run, name="lixia-chromium-warm-up", daemon=True)
        self._warming.start()

    def _tab(self, deadline: float) -> str:
        """Return the session of the browser's one tab, opening it if there is none.

        Every page is loaded in the same tab: the next page reuses its renderer process,
        about 0.2 s sooner than in a new tab (measured 2026-12-01).
        """
        if self._session is None:
            tab = self._call("Target.createTarget", {"url": "about:blank"}, deadline=deadline)
            self._session = self._call(
                "Target.attachToTarget",
                {"targetId": tab["targetId"], "flatten": True},
                deadline=deadline,
            )["sessionId"]
            self._tab_id = tab["targetId"]
            self._call("Page.enable", session=self._session, deadline=deadline)
        return self._session

    def _load(self, html: Path, deadline: float) -> str:
        """Load ``html`` in the tab and wait for its load event; return the session."""
        self.wait_ready(max(deadline - time.monotonic(), 0.1))
        session = self._tab(deadline)
        self._events = [e for e in self._events if e.get("sessionId") != session]
        went = self._call(
            "Page.navigate", {"url": html.as_uri()}, session=session, deadline=deadline
        )
        if went.get("errorText"):
            raise ReportError(f"{self.exe} could not open {html}: {went['errorText']}")
        self._wait_event("Page.loadEventFired", session, deadline)
        return session

    def print_pdf(
        self,
        html: str | Path,
        pdf: str | Path,
        *,
        timeout: float = 120,
        name: str | Path | None = None,
    ) -> Path:
        """Print ``html`` to ``pdf``; see :func:`print_to_pdf`.

        ``name`` is the file errors name, when ``html`` is a temporary copy of it (default
        ``html``).

        Raises
        ------
        ReportError
            The browser failed, crashed or took longer than ``timeout`` seconds (it is then
            closed: :meth:`alive` is False), or the page could not be loaded (the tab is
            then closed; the next page gets a new one).
        """
        deadline = time.monotonic() + timeout
        html, pdf = Path(html).resolve(), Path(pdf).resolve()
        if self._session_niced:  # printing now: a session's share of the machine again
            self._session_niced = not _set_session_nice(self.pid, 0)
        if self._warming is not None:
            self._warming.join(timeout)
            if self._warming.is_alive():
                self.close()
                raise ReportError(f"{self.exe} did not start within {timeout:g} s")
            self._warming = None
        try:
            data = self._print(html, deadline)
        except ReportError as exc:
            if "did not answer" in str(exc):
                self.close()  # a hung page: the next report gets a new browser
            elif self.alive():
                self._close_tab(deadline + 10)
            shown = str(name or html)
            message = str(exc).replace(str(html), shown)
            if shown not in message:
                message += f" (printing {shown})"
            raise ReportError(message) from None
        pdf.write_bytes(data)
        self.pages += 1
        return pdf

    def _print(self, html: Path, deadline: float) -> bytes:
        """Load ``html``, wait for its charts and fonts, return the PDF's bytes."""
        session = self._load(html, deadline)
        ready = {"expression": _READY_JS, "awaitPromise": True, "returnByValue": True}
        self._call("Runtime.evaluate", ready, session=session, deadline=deadline)
        printed = self._call("Page.printToPDF", _PRINT, session=session, deadline=deadline)
        data = base64.b64decode(printed["data"])
        if not data:
            raise ReportError(f"{self.exe} printed {html} to an empty PDF")
        return data

    def _close_tab(self, deadline: float) -> None:
        tab, self._session, self._tab_id = self._tab_id, None, None
        if tab is not None:
            with contextlib.suppress(ReportError):
                self._call("Target.closeTarget", {"targetId": tab}, deadline=deadline)

    def _close_fds(self) -> None:
        for fd in (getattr(self, "_to", None), getattr(self, "_from", None)):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._to = self._from = None

    def close(self) -> None:
        """Stop the browser and its renderers (killed) and remove its profile."""
        if self._to is None:
            return
        warming = self._warming
        if warming is not None and warming.is_alive() and warming is not threading.current_thread():
            # the warm-up still talks to it: killed, its pipe ends and the warm-up with it
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)
            warming.join(10)
        self._close_fds()
        # killed at once: it holds nothing worth an orderly exit (each PDF came back over
        # the pipe, and its profile is removed below); waiting for one took 0.1-0.15 s
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        if self._exit is None:
            with contextlib.suppress(ChildProcessError):
                self._exit = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        _wait_group_gone(self.pid, 2.0)  # its renderers die a few milliseconds later
        shutil.rmtree(self.profile, ignore_errors=True)


def _set_session_nice(pid: int, nice: int) -> bool:
    """Set the niceness of the autogroup of ``pid``'s session; False where there is none.

    Raising it, or lowering it back to 0, needs no privilege (``sched(7)``, "The autogroup
    feature"). Without autogroups (no such file, or the feature off, or the process in a
    cgroup of its own) this changes nothing: there :data:`BROWSER_NICE` does the work. A
    process that does not lead its session is left alone: the autogroup would be its
    starter's too.
    """
    try:
        if os.getsid(pid) != pid:
            return False
        with open(f"/proc/{pid}/autogroup", "w", encoding="ascii") as f:
            f.write(str(nice))
    except OSError:
        return False
    return True


def _group_running(pgid: int) -> bool:
    """Say whether a process of the group ``pgid`` still runs (zombies aside; Linux ``/proc``)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(group) == pgid and state != "Z":
            return True
    return False


def _wait_group_gone(pgid: int, timeout: float) -> None:
    """Wait until no process of the killed group ``pgid`` runs, at most ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while _group_running(pgid) and time.monotonic() < end:
        time.sleep(0.005)


_BROWSERS: PerThread[Browser] = PerThread(Browser, Browser.alive, Browser.close)


def thread_browser(batch: str | None = None) -> Browser:
    """Return this thread's browser, starting one if there is none or it died.

    ``batch`` is recorded on it, for :func:`close_browsers`.

    Raises
    ------
    BrowserNotFound
        No Chromium (see :func:`chromium_path`).
    """
    return _BROWSERS.get(batch)


def close_browsers(batch: str | None = None) -> int:
    """Close the browsers of this process last used by ``batch`` (``None``: all; at exit too)."""
    return _BROWSERS.close(batch)


def with_cjk_font(text: str) -> str:
    """Return the page's HTML carrying a TrueType Noto Sans CJK SC, or the HTML unchanged.

    The font is :mod:`lixia_econ._cjkfont`'s (``fontTools`` and Noto Sans CJK installed):
    the chart font's TrueType copy by file URL where it has every character of the page,
    else a subset cut for the page. Chromium embeds the glyphs printed, as a named subset.
    """
    from lixia_econ._cjkfont import FAMILY, font_face_css

    try:
        css = font_face_css(text)
    except Exception:  # a font fontTools cannot convert: Chromium's Type 3 fonts then
        return text
    if css is None or "</head>" not in text:
        return text
    # every text -- headings in the Lab theme's system-ui stack, chart labels -- in the subset
    css += f'\n*:not(pre):not(code):not(kbd):not(samp) {{ font-family: "{FAMILY}" !important; }}'
    return text.replace("</head>", f"<style>{css}</style></head>", 1)


def print_to_pdf(
    html: str | Path,
    pdf: str | Path,
    *,
    timeout: float = 120,
    embed_cjk: bool = True,
    browser: Browser | None = None,
    text: str | None = None,
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
    browser : Browser, optional
        The browser to print with (one started earlier, or a batch worker's); default a
        browser started for this page and closed after it.
    text : str, optional
        The HTML to print instead of the file's (the report prints a copy of its page
        whose charts are their SVGs); errors still name ``html``.

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
    html, pdf = Path(html).resolve(), Path(pdf).resolve()
    pdf.unlink(missing_ok=True)
    own = browser is None
    browser = browser or Browser()
    try:
        with tempfile.TemporaryDirectory(prefix="lixia-print-") as folder:
            page = text if text is not None else html.read_text(encoding="utf-8")
            printed = with_cjk_font(page) if embed_cjk else page
            copy = html
            if text is not None or printed is not page:  # a page of its own: one file
                copy = Path(folder) / html.name
                copy.write_text(printed, encoding="utf-8")
            browser.print_pdf(copy, pdf, timeout=timeout, name=html)
    finally:
        if own:
            browser.close()
    return pdf
