"""Run one report: validate, execute with papermill, export, write atomically.

A report folder ``<output>/<template>/<region>/<as_of>/`` holds ``report.ipynb`` (the
executed notebook), ``report.html`` (self-contained, code hidden), ``metrics.json``,
``tables.xlsx``, ``report.pdf`` (A4, printed by headless Chromium; left out, with the
reason in ``run.log`` and ``metrics.json``, when no Chromium is installed) and ``run.log``.
It is written into a temporary folder beside the target and renamed into place only
when everything succeeded, so a failed re-run never replaces a good report; the failed
run's notebook and log go to ``<as_of>.failed/`` instead.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from lixia_econ import __version__, _signals, config
from lixia_econ._html import GLUE_MIMETYPE, notebook_to_pages, prime_export
from lixia_econ._pdf import Browser, print_to_pdf, thread_browser
from lixia_econ.errors import LixiaEconError, ParameterError, ReportError
from lixia_econ.panel import register_units
from lixia_econ.periods import latest_tidy_period
from lixia_econ.processed import current_version
from lixia_econ.regions import region_label
from lixia_econ.report._kernels import (
    RUNNING,
    RUNNING_LOCK,
    close_kernels,
    discard_warm_kernel,
    fresh_kernel_manager,
    kill_kernels,
    stop_running_reports,
    warm_kernel,
)
from lixia_econ.report._params import (
    DEFAULT_TEMPLATE,
    indicators_in,
    regions_in,
    shock_starts_after,
    template_path,
    validate_parameters,
)
from lixia_econ.report._tools import log, logging_to
from lixia_econ.report._xlsx import write_workbook

__all__ = [
    "Job",
    "Outcome",
    "ReportFailed",
    "ReportResult",
    "data_hash",
    "execute_job",
    "prepare_job",
    "run_report",
    "safe_component",
    "stop_running_reports",
]

_SAFE = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff_.+-]")


class _ReportFile:
    """A file of the report folder, read as an attribute of :class:`ReportResult`."""

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.__doc__ = doc

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return self if obj is None else obj.path / self.name


@dataclass
class ReportResult:
    """What :func:`run_report` produced.

    Attributes
    ----------
    template : str
        Template name.
    parameters : dict
        The full parameter set the notebook ran with (defaults filled in, as-of resolved).
    path : Path
        The report folder ``<output>/<template>/<region>/<as_of>/``.
    status : str
        ``"ok"`` (run now) or ``"skipped"`` (inputs unchanged, the existing report kept).
    metrics : dict
        The contents of ``metrics.json``.
    timings : dict
        Seconds spent: ``execute``, ``export``, ``pdf``, ``total``.
    """

    template: str
    parameters: dict[str, Any]
    path: Path
    status: str
    metrics: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    html_path = _ReportFile("report.html", "The self-contained HTML report.")
    notebook_path = _ReportFile("report.ipynb", "The executed notebook.")
    metrics_path = _ReportFile(
        "metrics.json", "``metrics.json``: scorecard, parameters, data hash, version, timings."
    )
    xlsx_path = _ReportFile("tables.xlsx", "The comparison tables as an Excel workbook.")
    pdf_path = _ReportFile("report.pdf", "The report as an A4 PDF (if Chromium was there).")

    @property
    def scorecard(self):
        """Return the glued scorecard as a DataFrame, or ``None`` if the template has none."""
        import pandas as pd

        card = self.metrics.get("tables", {}).get("scorecard")
        if card is None:
            return None
        return pd.DataFrame(card["data"], columns=card["columns"])


class ReportFailed(ReportError):
    """A report whose notebook or export failed (raised by :func:`run_report`).

    Attributes
    ----------
    job : Job
        What was run.
    outcome : Outcome
        Its outcome: ``error`` (the cell and its error) and ``log`` (in ``<as_of>.failed/``).
    """

    def __init__(self, job: Job, outcome: Outcome) -> None:
        self.job, self.outcome = job, outcome
        kept = outcome.log.parent if outcome.log is not None else job.target
        super().__init__(
            f"report {job.template} for {job.target} failed: {outcome.error} "
            f"(notebook and log kept in {kept})"
        )


# --------------------------------------------------------------------------- paths, hashes


def safe_component(text: str, *, what: str) -> str:
    """Return ``text`` usable as one folder name; never ``..``, a separator or empty.

    Parameters
    ----------
    text : str
        A region code, template name or period label.
    what : str
        What it is, for the message.

    Returns
    -------
    str
        ``text`` with every character outside letters, digits, CJK, ``_.+-`` replaced by
        ``_``.

    Raises
    ------
    ParameterError
        If nothing usable is left (``""``, ``"."``, ``".."``).
    """
    cleaned = _SAFE.sub("_", str(text)).strip(".")
    if not cleaned:
        raise ParameterError(f"{what}={text!r} cannot be used as a folder name")
    return cleaned


def _inside(path: Path, root: Path) -> Path:
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise ParameterError(f"report folder {path} would be outside the output folder {root}")
    return resolved


def _hash_files(paths: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def data_hash(data_dir: str | Path | None = None) -> str:
    """Return the SHA-256 of every file in the processed-data folder (names and bytes).

    Parameters
    ----------
    data_dir : str or Path, optional
        Default :data:`lixia_econ.config.PROCESSED_DIR`.

    Returns
    -------
    str
        Hex digest; the digest of nothing if the folder is empty or missing.
    """
    root = current_version(data_dir)  # the current build's folder, resolved once
    files = [p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")]
    files = [
        p for p in files if not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    if not root.is_dir():
        return hashlib.sha256().hexdigest()
    # A batch prepares every report against the same files: hash them once, not per report
    # (at county scale panel.csv alone is a gigabyte). Any change of name, size or mtime of a
    # file hashes again.
    key = tuple((str(p), *_stat_key(p)) for p in sorted(files))
    with _DATA_HASH_LOCK:
        if key not in _DATA_HASHES:
            _DATA_HASHES.clear()  # one entry: the data of the batch being prepared
            _DATA_HASHES[key] = _hash_files(files, root)
        return _DATA_HASHES[key]


_DATA_HASHES: dict[tuple, str] = {}
_DATA_HASH_LOCK = threading.Lock()


def _stat_key(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns, st.st_ino


def _code_hash() -> str:
    root = Path(__file__).resolve().parents[1]
    files = [p for p in root.rglob("*") if p.suffix in {".py", ".csv"} and p.is_file()]
    return _hash_files(files, root)


# --------------------------------------------------------------------------- job preparation


@dataclass(frozen=True)
class Job:
    """A validated report request, ready for :func:`execute_job` (picklable).

    Attributes
    ----------
    template : str
        Template name (the notebook's stem).
    template_path : Path
        The template notebook.
    parameters : dict
        The full, checked parameter set (defaults filled in, as-of resolved, regions and
        indicators as codes).
    target : Path
        The report folder ``<output>/<template>/<region>[_<variant>]/<as_of>/``.
    output_root : Path
        The reports folder the target lies in.
    timeout : float
        Seconds the whole notebook may run.
    show_code : bool
        Show code cells in the HTML.
    data_hash : str
        SHA-256 of the processed-data folder (:func:`data_hash`).
    input_hash : str
        SHA-256 of everything the report depends on (template, parameters, data, code,
        package version, ``show_code``); an unchanged hash means an unchanged report.
    variant : str or None
        Appended to the region folder to keep reports apart.
    batch : str or None
        Token of the batch the job belongs to (see :func:`stop_running_reports`).
    validate_s : float
        Seconds spent preparing the job.
    """

    template: str
    template_path: Path
    parameters: dict[str, Any]
    target: Path
    output_root: Path
    timeout: float
    show_code: bool
    data_hash: str
    input_hash: str
    variant: str | None = None
    batch: str | None = None
    validate_s: float = 0.0


@dataclass(frozen=True)
class Outcome:
    """What :func:`execute_job` did with a job (picklable); it never raises for a failure.

    Attributes
    ----------
    status : {"ok", "skipped", "failed"}
        ``skipped``: a good report with the same inputs was kept.
    target : Path or None
        The report folder (``None`` when the job never reached a worker).
    error : str or None
        Why the report failed: the cell and its error, a timeout, a dead kernel ...
    log : Path or None
        ``run.log``: in the report folder, or in ``<as_of>.failed/`` for a failure.
    timings : dict
        Seconds: ``validate``, ``execute``, ``export``, ``pdf``, ``total`` (those that
        apply).
    metrics : dict or None
        The contents of ``metrics.json`` when the report ran now.
    notebook : Path or None
        The partial notebook kept in ``<as_of>.failed/``, for a failure.
    """

    status: Literal["ok", "skipped", "failed"]
    target: Path | None
    error: str | None = None
    log: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, Any] | None = None
    notebook: Path | None = None

    @property
    def failed(self) -> bool:
        """True when the report failed."""
        return self.status == "failed"


def _panel(data_dir: Path | None) -> Any:
    """Load the panel for a report request.

    With the default folder, a missing or stale panel is built first (as ``make report``
    needs); a folder given explicitly is used as it is. Kernels never build.
    """
    from lixia_econ.panel import load_panel

    return load_panel(data_dir, rebuild=False if data_dir is not None else None)


def _latest_period(
    panel: Any, data_dir: Path | None, regions: list[str], indicators: list[str]
) -> str:
    """Return the latest period label with data for the report's regions and indicators."""
    rows = panel
    if regions:
        rows = rows[rows["region"].isin(regions)]
    if indicators:
        rows = rows[rows["indicator"].isin(indicators)]
    if "status" in rows.columns:
        rows = rows[rows["status"] != "target"]
    if rows.empty:
        raise ParameterError(
            f"as_of='' (latest) cannot be resolved: no data for regions {regions} and "
            f"indicators {indicators} in {data_dir or config.PROCESSED_DIR}"
        )
    return latest_tidy_period(rows["period"].astype(str), rows["freq"].astype(str))


def _data_folder(data_dir: str | Path | None, params: dict[str, Any]) -> Path | None:
    """Return the processed-data folder of a request; the template's ``data_dir`` follows it."""
    data = Path(data_dir).resolve() if data_dir is not None else None
    if "data_dir" in params:
        if params["data_dir"] and data is None:
            data = Path(params["data_dir"]).resolve()
        params["data_dir"] = str(data) if data is not None else ""
    return data


def _resolve_as_of(params: dict[str, Any], data: Path | None) -> None:
    """Replace ``as_of=""`` by the latest period with data; the shock must not be later."""
    # Build a missing or stale default panel once, before it is read or hashed.
    panel = _panel(None) if data is None and config.RAW_DIR.exists() else None
    if params.get("as_of") != "":
        if params.get("as_of"):
            _check_as_of(params, panel if panel is not None else _panel(data), data)
        return
    as_of = _latest_period(
        panel if panel is not None else _panel(data),
        data,
        regions_in(params),
        indicators_in(params),
    )
    params["as_of"] = as_of
    if params.get("shock") and shock_starts_after(params["shock"], as_of):
        raise ParameterError(f"shock={params['shock']!r} starts after the latest data ({as_of})")


def _page_title(job: Job, values: dict[str, Any]) -> str:
    """Return the HTML title: the notebook's glued ``title``, else region name and period.

    The briefing glues its own title (region and the years it covers); the folder's as-of
    is the newest period of any region compared (China's latest quarter, say), which is not
    the period a district's briefing is about.
    """
    if isinstance(values.get("title"), str) and values["title"].strip():
        return values["title"].strip()
    region = job.parameters.get("region")
    lang = job.parameters.get("lang") or "zh"
    name = region_label(region, lang="en" if lang == "en" else "zh") if region else ""
    return " ".join(part for part in (name, job.target.name) if part)


def _check_as_of(params: dict[str, Any], panel: Any, data: Path | None) -> None:
    """Refuse an ``as_of`` that starts after the latest data (before a kernel starts)."""
    latest = _latest_period(panel, data, regions_in(params), indicators_in(params))
    if shock_starts_after(params["as_of"], latest):
        raise ParameterError(
            f"as_of={params['as_of']!r} is after the latest data ({latest}); give a period up "
            "to it, or leave as_of empty for the latest"
        )


def _target_folder(template: Path, params: dict[str, Any], variant: str | None, root: Path) -> Path:
    """Return ``<root>/<template>/<region>[_<variant>]/<as_of>``, checked to lie in ``root``."""
    as_of = str(params.get("as_of") or dt.date.today().isoformat())
    region = params.get("region")
    if not isinstance(region, str) or not region:
        region = "all"
    region_part = safe_component(region, what="region")
    if variant:
        region_part += "_" + safe_component(variant, what="variant")
    if params.get("lang") not in (None, "", "zh"):  # a zh and an en run keep their own folders
        region_part += "_" + safe_component(str(params["lang"]), what="lang")
    folder = (
        root
        / safe_component(template.stem, what="template")
        / region_part
        / safe_component(as_of, what="as_of")
    )
    return _inside(folder, root)


def _input_hash(template: Path, params: dict[str, Any], dhash: str, show_code: bool) -> str:
    """Return the hash of everything a report depends on (see :attr:`Job.input_hash`)."""
    with open(template, "rb") as fh:
        template_sha = hashlib.sha256(fh.read()).hexdigest()
    key = {
        "template": template_sha,
        "parameters": {k: v for k, v in params.items() if k != "data_dir"},
        "data": dhash,
        "code": _code_hash(),
        "version": __version__,
        "show_code": show_code,
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def prepare_job(
    template: str | Path = DEFAULT_TEMPLATE,
    parameters: dict[str, Any] | None = None,
    *,
    from_text: bool = False,
    variant: str | None = None,
    show_code: bool = False,
    timeout: float = 600,
    data_dir: str | Path | None = None,
    output_dir: str | Path | None = None,
) -> Job:
    """Validate a report request and return the job for :func:`execute_job`.

    Parameters are as for :func:`run_report`; ``from_text`` as for
    :func:`~lixia_econ.report.validate_parameters`.

    Raises
    ------
    ParameterError
        Invalid parameters, or an ``as_of=""`` that cannot be resolved; nothing was run.
    """
    t0 = time.perf_counter()
    if not (isinstance(timeout, int | float) and timeout > 0):
        raise ParameterError(f"timeout={timeout!r} must be a positive number of seconds")
    path = template_path(template)
    given_data = data_dir if data_dir is not None else (parameters or {}).get("data_dir")
    register_units(given_data or None)  # the data's own units resolve like any region
    params = validate_parameters(path, parameters, from_text=from_text)
    data = _data_folder(data_dir, params)
    _resolve_as_of(params, data)
    root = Path(output_dir) if output_dir is not None else config.REPORTS_DIR
    if root.exists() and not root.is_dir():
        raise ParameterError(f"--output {root}: not a folder (a file is there)")
    dhash = data_hash(data)
    return Job(
        template=path.stem,
        template_path=path,
        parameters=params,
        target=_target_folder(path, params, variant, root),
        output_root=root.resolve(),
        timeout=float(timeout),
        show_code=show_code,
        data_hash=dhash,
        input_hash=_input_hash(path, params, dhash, show_code),
        variant=variant,
        validate_s=time.perf_counter() - t0,
    )


# --------------------------------------------------------------------------- execution


_NOT_TEMPLATE = {"injected-parameters", "papermill-error-cell-tag"}


def _cell_label(nb: Any, index: int | None = None, *, exec_count: int | None = None) -> str:
    """Name a cell of the executed notebook as the template author sees it."""
    if nb is None:
        return "an unknown cell"
    position, found = -1, None
    for i, cell in enumerate(nb.cells):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & _NOT_TEMPLATE:
            continue
        position += 1
        hit = i == index if exec_count is None else cell.get("execution_count") == exec_count
        if hit and cell.get("cell_type") == "code":
            found = (position, cell)
            break
    if found is None:
        return "an unknown cell"
    position, cell = found
    source = str(cell.get("source", "")).strip().splitlines()
    first = source[0][:80] if source else ""
    count = cell.get("execution_count")
    run = f", In [{count}]" if count else ""
    return f"template cell {position}{run} ({first!r})"


def _running_cell(nb: Any) -> int | None:
    if nb is None:
        return None
    for i, cell in enumerate(nb.cells):
        if cell.get("metadata", {}).get("papermill", {}).get("status") == "running":
            return i
    return None


def _collect_glue(nb: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    tables: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            payload = out.get("data", {}).get(GLUE_MIMETYPE)
            if not payload:
                continue
            if isinstance(payload, str):
                payload = json.loads(payload)
            if payload.get("kind") == "table":
                keep = ("columns", "data", "headers", "sheet", "decimals")
                tables[payload["name"]] = {k: payload[k] for k in keep if k in payload}
            else:
                values[payload["name"]] = payload.get("value")
    return tables, values


class _Scratch:
    """The temporary folder a report is written into, beside its target, and its run log.

    Renamed into place only when everything succeeded (:meth:`publish`); a failed run goes
    to ``<target>.failed`` instead (:meth:`keep_failed`), never over a good report.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_scratch(target)
        self.folder = target.with_name(f".{target.name}.tmp-{uuid.uuid4().hex[:8]}")
        self.folder.mkdir()
        self.notebook = self.folder / "report.ipynb"
        self.lines: list[str] = []

    def note(self, msg: str) -> None:
        """Add a time-stamped line to the run log (and the report logger)."""
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        self.lines.append(f"{stamp} {msg}")
        log.info("%s: %s", self.target, msg)

    def _write_log(self) -> None:
        (self.folder / "run.log").write_text("\n".join(self.lines) + "\n", encoding="utf-8")

    def keep_failed(self) -> Path:
        """Move the folder beside the target as ``<target>.failed``, with its log."""
        failed = self.target.with_name(f"{self.target.name}.failed")
        with _signals.held():
            self._write_log()
            shutil.rmtree(failed, ignore_errors=True)
            os.replace(self.folder, failed)
        return failed

    def publish(self) -> None:
        """Write the log and replace the target by the folder; the old report survives a failure."""
        self._write_log()
        old = None
        with _signals.held():  # Ctrl-C or SIGTERM between the renames waits for both
            if self.target.exists():
                old = self.target.with_name(f".{self.target.name}.old-{uuid.uuid4().hex[:8]}")
                os.replace(self.target, old)
            try:
                os.replace(self.folder, self.target)
            except OSError:
                if old is not None:
                    os.replace(old, self.target)
                raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


#: When this process started (about): scratch folders older than it belong to dead runs.
_STARTED = time.time()


def _remove_stale_scratch(target: Path) -> None:
    """Remove ``.<as_of>.tmp-*`` / ``.old-*`` folders of this report left by killed runs.

    Only folders last changed before this process started: a run of the same report in
    progress elsewhere started later than its folder, never before.
    """
    for pattern in (f".{target.name}.tmp-*", f".{target.name}.old-*"):
        for folder in target.parent.glob(pattern):
            with contextlib.suppress(OSError):
                if folder.stat().st_mtime < _STARTED:
                    shutil.rmtree(folder, ignore_errors=True)


def _test_pause(phase: str, scratch: _Scratch) -> None:
    """Wait at a phase when ``LIXIA_ECON_TEST_PAUSE=<phase>`` (tests only), marking it.

    Lets a test send a signal at a known point (``export``, ``publish``); unset, nothing
    happens.
    """
    if os.environ.get("LIXIA_ECON_TEST_PAUSE") == phase:
        (scratch.folder / f"paused-{phase}").write_text("", encoding="utf-8")
        time.sleep(60)


def _previous_hash(target: Path) -> str | None:
    try:
        with open(target / "metrics.json", encoding="utf-8") as fh:
            old = json.load(fh)
    except (OSError, ValueError):
        return None
    return old.get("input_hash") if old.get("status") == "ok" else None


def _failure_message(exc: Exception, notebook: Path, why: list[str], timeout: float) -> str:
    """Say why a notebook run failed, naming the template cell it stopped in."""
    import nbformat
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    nb = nbformat.read(notebook, as_version=4) if notebook.exists() else None
    if isinstance(exc, PapermillExecutionError):
        return f"{_cell_label(nb, exec_count=exc.exec_count)} raised {exc.ename}: {exc.evalue}"
    where = _cell_label(nb, _running_cell(nb))
    if why:  # the kernel was killed on purpose (timeout, Ctrl-C, batch deadline)
        return f"{why[0]} (stopped in {where})"
    if isinstance(exc, DeadKernelError):
        return f"the kernel died while running {where}: {exc}"
    if "timed out" in str(exc).lower() or "timeout" in type(exc).__name__:
        return f"timed out after {timeout:g} s (stopped in {where})"
    return f"{type(exc).__name__} while running {where}: {exc}"


def _execute(job: Job, scratch: _Scratch, *, warm: bool = False) -> str | None:
    """Run the notebook with papermill; return why it failed, or None.

    With ``warm``, in this thread's warm kernel (reset first, replaced after a failure),
    else in a kernel of its own. A watchdog kills the kernel after ``job.timeout``
    seconds. Ctrl-C (KeyboardInterrupt) keeps the partial run in ``<target>.failed`` and is
    raised again.
    """
    import papermill

    holder: list[Any] = []
    why: list[str] = []  # set when the kernel is killed on purpose: the reason
    reason = f"timed out after {job.timeout:g} s"
    watchdog = threading.Timer(job.timeout, kill_kernels, args=(holder, why, reason))
    watchdog.daemon = True
    with RUNNING_LOCK:
        RUNNING[id(holder)] = (job.batch, holder, why)
    interrupted: KeyboardInterrupt | None = None
    error: str | None = None
    kernel, offset = None, 0
    try:
        watchdog.start()
        if warm:
            kernel = warm_kernel(job.batch)
            holder.append(kernel.km)
            offset = kernel.prepare(scratch.folder)
            (scratch.folder / "kernel.log").touch()  # its part of the kernel's stderr, at the end
            how: dict[str, Any] = {"km": kernel.km}
        else:
            how = {
                "kernel_manager_class": fresh_kernel_manager(
                    holder, why, scratch.folder / "kernel.log", scratch.folder
                ),
                # the last cell's outputs are in: the kernel (and its process group: the
                # chart worker) is killed, not asked to shut down: papermill returns 0.01-0.02
                # s after the last cell instead of 0.3-0.4 s
                "shutdown_kernel": "immediate",
            }
        papermill.execute_notebook(
            str(job.template_path),
            str(scratch.notebook),
            parameters=job.parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            execution_timeout=job.timeout,
            start_timeout=min(60.0, job.timeout),
            **how,
        )
    except KeyboardInterrupt as exc:  # Ctrl-C with the report in this (main) thread
        interrupted = exc
    except Exception as exc:  # a failing cell, a dead kernel, a timeout, a start failure
        error = _failure_message(exc, scratch.notebook, why, job.timeout)
    finally:
        watchdog.cancel()
        with RUNNING_LOCK:
            RUNNING.pop(id(holder), None)
        close_kernels(holder)
        if kernel is not None:
            kernel.finish(offset, scratch.folder / "kernel.log")
            if error is not None or interrupted is not None or why:
                discard_warm_kernel(kernel)  # the next report gets a new one
    if interrupted is not None:
        scratch.note("FAILED: interrupted")
        scratch.keep_failed()
        raise interrupted
    return error


def _export_html(job: Job, scratch: _Scratch) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """Write ``report.html``; return the glued tables and values, and the page to print.

    The page to print is ``report.html`` with the charts as their static SVGs (see
    :func:`lixia_econ._html.notebook_to_pages`), or None to print ``report.html`` itself.
    """
    import nbformat

    nb = nbformat.read(scratch.notebook, as_version=4)
    tables, values = _collect_glue(nb)
    page, printed = notebook_to_pages(nb, show_code=job.show_code, title=_page_title(job, values))
    (scratch.folder / "report.html").write_text(page, encoding="utf-8")
    return tables, values, printed


#: Whether :func:`_warm_export_path` has started its thread in this process (under the lock).
_export_warmed = False
_EXPORT_WARMED_LOCK = threading.Lock()


def _warm_export_path() -> None:
    """Start, in a background thread, what the steps after the kernel pay the first time.

    The Vega bundle and nbconvert's first conversion (:func:`lixia_econ._html.prime_export`),
    openpyxl's import and fontTools' subsetter: about a second that a report run from the
    command line paid after its kernel had finished, taken while it runs. Once a process:
    its later reports (a batch's) find all of it done, and the exporter given back.
    """
    from lixia_econ import _cjkfont

    global _export_warmed
    with _EXPORT_WARMED_LOCK:
        if _export_warmed:
            return
        _export_warmed = True

    def run() -> None:
        # behind the kernel and its chart worker (unniced, it slowed the kernel by as much
        # as it saved)
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        prime_export()
        with contextlib.suppress(Exception):  # an optimisation only
            import openpyxl  # noqa: F401

            _cjkfont.warm()

    threading.Thread(target=run, name="lixia-warm-export", daemon=True).start()


def _start_browser(job: Job, *, warm: bool) -> Browser | None:
    """Return the browser that will print the report, started now to overlap the kernel.

    A batch worker (``warm``) keeps its own between reports; a lone report gets one of its
    own, closed by the caller. ``None`` when there is no Chromium: :func:`_print_pdf` then
    says why there is no PDF.
    """
    try:
        browser = thread_browser(job.batch) if warm else Browser()
    except ReportError:
        return None
    if browser.pages == 0:
        browser.warm_up()  # its tab opened in the background, while the kernel runs
    return browser


def _print_pdf(
    job: Job, scratch: _Scratch, browser: Browser | None, printed: str | None = None
) -> dict[str, Any]:
    """Print ``report.html`` to ``report.pdf``; return what happened, for ``metrics.json``.

    ``printed``, when given, is the same page with its charts as static SVGs (printed
    instead: no Vega to run). The PDF is a copy of the HTML for paper: without Chromium,
    or when printing fails, the report still succeeds without it, and ``run.log`` and
    ``metrics.json`` say why.
    """
    from lixia_econ._cjkfont import subsetting_available

    try:
        print_to_pdf(
            scratch.folder / "report.html",
            scratch.folder / "report.pdf",
            timeout=min(120.0, max(job.timeout, 30.0)),
            browser=browser if browser is not None and browser.alive() else None,
            text=printed,
        )
    except (LixiaEconError, OSError) as exc:
        scratch.note(f"WARNING: report.pdf not made: {exc}")
        log.warning("%s: report.pdf not made: %s", job.target, exc)
        return {"made": False, "error": str(exc)}
    fonts = "a TrueType Noto Sans CJK SC subset" if subsetting_available() else "Type 3 CJK fonts"
    scratch.note(f"report.pdf printed by headless Chromium (A4, offline, {fonts})")
    return {"made": True, "error": None, "cjk_font": fonts}


def _metrics(
    job: Job,
    tables: dict[str, Any],
    values: dict[str, Any],
    timings: dict[str, float],
    pdf: dict[str, Any],
) -> dict[str, Any]:
    """Return the contents of ``metrics.json``."""
    import papermill

    return {
        "status": "ok",
        "template": job.template,
        "variant": job.variant,
        "parameters": job.parameters,
        "scorecard": tables.get("scorecard"),
        "values": values,
        "tables": tables,
        "pdf": pdf,
        "input_hash": job.input_hash,
        "data_hash": job.data_hash,
        "package_version": __version__,
        "python": sys.version.split()[0],
        "papermill_version": papermill.__version__,
        "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
    }


def _publish(
    job: Job, scratch: _Scratch, metrics: dict[str, Any], timings: dict[str, float]
) -> Outcome:
    """Write ``metrics.json`` and the log, and rename the report folder into place."""
    scratch.note(f"ok in {timings['total']:.1f} s")
    (scratch.folder / "metrics.json").write_text(
        json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    scratch.publish()
    return Outcome("ok", job.target, log=job.target / "run.log", timings=timings, metrics=metrics)


def _fail(job: Job, scratch: _Scratch, error: str, timings: dict[str, float]) -> Outcome:
    """Keep the partial notebook and the log beside the target, never over it."""
    if len(error) > 800:
        error = error[:800] + " ... (truncated; the full error is in the notebook)"
    scratch.note(f"FAILED: {error}")
    failed = scratch.keep_failed()
    return Outcome(
        "failed",
        job.target,
        error=error,
        log=failed / "run.log",
        timings=timings,
        notebook=failed / "report.ipynb",
    )


def execute_job(job: Job, *, force: bool = True, warm: bool = False) -> Outcome:
    """Run a prepared job in this process; never raises for a failed report.

    Executes the notebook (:func:`_execute`), exports HTML and workbook (:func:`_export`)
    and publishes the folder atomically (:func:`_publish`); a failure at any step keeps the
    run in ``<target>.failed`` (:func:`_fail`). Picklable arguments and result, so it can
    run in any :class:`concurrent.futures.Executor`.

    Parameters
    ----------
    job : Job
        From :func:`prepare_job`.
    force : bool
        Run even if a good report with the same inputs exists (else it is ``skipped``).
    warm : bool
        Run in this thread's warm kernel (preloaded, reset before the report, kept for the
        next one; see :mod:`lixia_econ.report._kernels`) instead of a kernel of its own.
        A batch's workers do; the executed notebook is the same either way.

    Returns
    -------
    Outcome

    Raises
    ------
    KeyboardInterrupt
        Ctrl-C while the report ran in this thread; the partial run is in ``.failed``.
    """
    t0 = time.perf_counter()

    def total() -> float:
        return time.perf_counter() - t0 + job.validate_s

    if not force and _previous_hash(job.target) == job.input_hash:
        timings = {"total": time.perf_counter() - t0}
        return Outcome("skipped", job.target, log=job.target / "run.log", timings=timings)
    scratch = _Scratch(job.target)
    _warm_export_path()  # while the kernel runs
    browser = _start_browser(job, warm=warm)  # started while the kernel runs
    try:
        return _run_job(job, scratch, browser, warm=warm, total=total)
    finally:
        if browser is not None and not warm:
            browser.close()


def _run_job(
    job: Job, scratch: _Scratch, browser: Browser | None, *, warm: bool, total: Callable[[], float]
) -> Outcome:
    """Execute, export and publish the job (see :func:`execute_job`)."""
    scratch.note(f"template {job.template_path}")
    scratch.note(f"parameters {json.dumps(job.parameters, ensure_ascii=False)}")
    t_exec = time.perf_counter()
    error = _execute(job, scratch, warm=warm)
    timings = {"validate": job.validate_s, "execute": time.perf_counter() - t_exec}
    if error is None:
        try:
            return _export_and_publish(job, scratch, browser, timings, total)
        except (LixiaEconError, OSError, ValueError) as exc:
            error = f"export failed: {type(exc).__name__}: {exc}"
        except BaseException:  # Ctrl-C, SIGTERM: no temporary folder is left behind
            if scratch.folder.exists():
                scratch.note("FAILED: interrupted while exporting")
                scratch.keep_failed()
            raise
    timings["total"] = total()
    return _fail(job, scratch, error, timings)


def _export_and_publish(
    job: Job,
    scratch: _Scratch,
    browser: Browser | None,
    timings: dict[str, float],
    total: Callable[[], float],
) -> Outcome:
    """Export HTML, workbook and PDF, then publish the folder; timings filled in."""
    t_export = time.perf_counter()
    _test_pause("export", scratch)
    tables, values, printed = _export_html(job, scratch)
    # the workbook is written while Chromium prints (the print mostly waits on Chromium)
    with cf.ThreadPoolExecutor(1, thread_name_prefix="lixia-xlsx") as pool:
        book = pool.submit(write_workbook, scratch.folder / "tables.xlsx", tables, job.parameters)
        t_pdf = time.perf_counter()
        pdf = _print_pdf(job, scratch, browser, printed)
        timings["pdf"] = time.perf_counter() - t_pdf
        book.result()
    timings["export"] = time.perf_counter() - t_export - timings["pdf"]
    timings["total"] = total()
    _test_pause("publish", scratch)
    return _publish(job, scratch, _metrics(job, tables, values, timings, pdf), timings)


def run_report(
    template: str | Path = DEFAULT_TEMPLATE,
    *,
    parameters: dict[str, Any] | None = None,
    data_dir: str | Path | None = None,
    output_dir: str | Path | None = None,
    timeout: float = 600,
    show_code: bool = False,
    variant: str | None = None,
    force: bool = True,
    from_text: bool = False,
    log_file: str | Path | None = None,
) -> ReportResult:
    """Run one parameterised report and write its folder.

    Parameters
    ----------
    template : str or Path
        Template name in ``notebooks/templates/`` (``"region_recovery"``,
        ``"peer_comparison"``) or a notebook path.
    parameters : dict, optional
        Template parameters; the rest take the template's defaults. Checked before a
        kernel starts (see :func:`~lixia_econ.report.validate_parameters`). ``as_of=""``
        (the default) is resolved to the latest period with data for the report's regions
        and indicators.
    data_dir : str or Path, optional
        Processed-data folder; default ``data/processed``.
    output_dir : str or Path, optional
        Reports folder; default ``reports``. The report goes to
        ``<output_dir>/<template>/<region>/<as_of>/``.
    timeout : float
        Seconds the whole notebook may run; a report still running then is stopped and
        fails.
    show_code : bool
        Show code cells in the HTML (hidden by default).
    variant : str, optional
        Appended to the region folder (``370102_gdp``) to keep reports apart that share
        template, region and as-of (e.g. one per indicator).
    force : bool
        Run even if a good report with the same inputs (template, parameters, data, code)
        exists; with ``force=False`` that report is kept and ``status="skipped"``.
    from_text : bool
        The parameter values are command-line text, coerced to the declared types (see
        :func:`~lixia_econ.report.validate_parameters`).
    log_file : str or Path, optional
        Append log lines (start, end, failure) to this file.

    Returns
    -------
    ReportResult

    Raises
    ------
    ParameterError
        Invalid parameters (nothing was run).
    ReportFailed
        The notebook failed (a :class:`~lixia_econ.errors.ReportError`): names the cell and
        its error, and where the partial notebook and log were kept (``.outcome``). A
        previous good report in the same folder is left untouched.

    Examples
    --------
    >>> result = run_report(parameters={"region": "370102"})  # doctest: +SKIP
    >>> result.html_path  # doctest: +SKIP
    PosixPath('.../reports/region_recovery/370102/2026Q1/report.html')
    """
    with logging_to(log_file), _signals.safe_interrupts():
        job = prepare_job(
            template,
            parameters,
            data_dir=data_dir,
            output_dir=output_dir,
            timeout=timeout,
            show_code=show_code,
            variant=variant,
            from_text=from_text,
        )
        log.info("report %s -> %s", job.template, job.target)
        out = execute_job(job, force=force)
        if out.failed:
            log.error("report %s failed: %s (log: %s)", job.target, out.error, out.log)
            raise ReportFailed(job, out)
        log.info("report written: %s", job.target)
    return _result(job, out)


def _result(job: Job, out: Outcome) -> ReportResult:
    metrics = out.metrics
    if metrics is None:  # skipped: the kept report's metrics
        with open(job.target / "metrics.json", encoding="utf-8") as fh:
            metrics = json.load(fh)
    return ReportResult(
        template=job.template,
        parameters=job.parameters,
        path=job.target,
        status=out.status,
        metrics=metrics,
        timings=out.timings,
    )
