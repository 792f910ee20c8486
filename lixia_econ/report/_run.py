"""Run one report: validate, execute with papermill, export, write atomically.

A report folder ``<output>/<template>/<region>/<as_of>/`` holds ``report.ipynb`` (the
executed notebook), ``report.html`` (self-contained, code hidden), ``metrics.json``,
``tables.xlsx`` and ``run.log``. It is written into a temporary folder beside the target
and renamed into place only when everything succeeded, so a failed re-run never replaces
a good report; the failed run's notebook and log go to ``<as_of>.failed/`` instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lixia_econ import config
from lixia_econ._html import GLUE_MIMETYPE, notebook_to_html
from lixia_econ.errors import LixiaEconError, ParameterError, ReportError
from lixia_econ.periods import latest_tidy_period
from lixia_econ.report._params import (
    _INDICATOR_LIST_NAMES,
    _INDICATOR_NAMES,
    _REGION_LIST_NAMES,
    parse_period,
    template_path,
    validate_parameters,
)

__all__ = ["ReportResult", "run_report"]

log = logging.getLogger("lixia_econ.report")

_SAFE = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff_.+-]")


def _package_version() -> str:
    try:
        from importlib.metadata import version

        return version("lixia_econ")
    except Exception:  # not installed: a source checkout
        return "0+unknown"


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
        Seconds spent: ``execute``, ``export``, ``total``.
    """

    template: str
    parameters: dict[str, Any]
    path: Path
    status: str
    metrics: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def html_path(self) -> Path:
        """The self-contained HTML report."""
        return self.path / "report.html"

    @property
    def notebook_path(self) -> Path:
        """The executed notebook."""
        return self.path / "report.ipynb"

    @property
    def metrics_path(self) -> Path:
        """``metrics.json``: scorecard, parameters, data hash, package version, timings."""
        return self.path / "metrics.json"

    @property
    def xlsx_path(self) -> Path:
        """The comparison tables as an Excel workbook."""
        return self.path / "tables.xlsx"

    @property
    def scorecard(self):
        """Return the glued scorecard as a DataFrame, or ``None`` if the template has none."""
        import pandas as pd

        card = self.metrics.get("tables", {}).get("scorecard")
        if card is None:
            return None
        return pd.DataFrame(card["data"], columns=card["columns"])


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
    root = Path(data_dir) if data_dir is not None else config.PROCESSED_DIR
    files = [p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")]
    return _hash_files(files, root) if root.is_dir() else hashlib.sha256().hexdigest()


def _code_hash() -> str:
    root = Path(__file__).resolve().parents[1]
    files = [p for p in root.rglob("*") if p.suffix in {".py", ".csv"} and p.is_file()]
    return _hash_files(files, root)


# --------------------------------------------------------------------------- job preparation


def _report_regions(params: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for name, value in params.items():
        if name == "region" and isinstance(value, str):
            out.append(value)
        elif name in _REGION_LIST_NAMES and isinstance(value, list):
            out.extend(str(v) for v in value)
    return out


def _report_indicators(params: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for name, value in params.items():
        if name in _INDICATOR_NAMES and isinstance(value, str):
            out.append(value)
        elif name in _INDICATOR_LIST_NAMES and isinstance(value, list):
            out.extend(str(v) for v in value)
    return out


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


def prepare_job(
    template: str | Path = "region_recovery",
    parameters: dict[str, Any] | None = None,
    *,
    data_dir: str | Path | None = None,
    output_dir: str | Path | None = None,
    timeout: float = 600,
    show_code: bool = False,
    variant: str | None = None,
    from_text: bool = False,
) -> dict[str, Any]:
    """Validate a report request and return a picklable job for :func:`execute_job`."""
    t0 = time.perf_counter()
    if not (isinstance(timeout, int | float) and timeout > 0):
        raise ParameterError(f"timeout={timeout!r} must be a positive number of seconds")
    path = template_path(template)
    params = validate_parameters(path, parameters, from_text=from_text)
    data = Path(data_dir).resolve() if data_dir is not None else None
    if "data_dir" in params:
        if params["data_dir"] and data is None:
            data = Path(params["data_dir"]).resolve()
        params["data_dir"] = str(data) if data is not None else ""
    # Build a missing or stale default panel once, before it is read or hashed.
    panel = _panel(None) if data is None and config.RAW_DIR.exists() else None
    if params.get("as_of") == "":
        params["as_of"] = _latest_period(
            panel if panel is not None else _panel(data),
            data,
            _report_regions(params),
            _report_indicators(params),
        )
        if params.get("shock"):
            shock, as_of = parse_period("shock", params["shock"]), params["as_of"]
            if shock.start_time > parse_period("as_of", as_of).end_time:
                raise ParameterError(
                    f"shock={params['shock']!r} starts after the latest data ({as_of})"
                )
    as_of = str(params.get("as_of") or dt.date.today().isoformat())
    region = params.get("region")
    if not isinstance(region, str) or not region:
        region = "all"
    region_part = safe_component(region, what="region")
    if variant:
        region_part += "_" + safe_component(variant, what="variant")
    root = Path(output_dir) if output_dir is not None else config.REPORTS_DIR
    target = _inside(
        root
        / safe_component(path.stem, what="template")
        / region_part
        / safe_component(as_of, what="as_of"),
        root,
    )
    with open(path, "rb") as fh:
        template_sha = hashlib.sha256(fh.read()).hexdigest()
    dhash = data_hash(data)
    key = {
        "template": template_sha,
        "parameters": {k: v for k, v in params.items() if k != "data_dir"},
        "data": dhash,
        "code": _code_hash(),
        "version": _package_version(),
        "show_code": show_code,
    }
    input_hash = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
    return {
        "template": path.stem,
        "template_path": str(path),
        "parameters": params,
        "variant": variant,
        "target": str(target),
        "output_root": str(root.resolve()),
        "timeout": float(timeout),
        "show_code": show_code,
        "data_hash": dhash,
        "input_hash": input_hash,
        "validate_s": time.perf_counter() - t0,
    }


# --------------------------------------------------------------------------- execution


def _tracked_kernel_manager(
    holder: list[Any], why: list[str], stderr_path: Path, cwd: Path
) -> type:
    """Return a kernel manager class that records its kernels and logs their stderr.

    The kernel's own stderr (start-up warnings, shutdown noise, a crash's last words) goes
    to ``stderr_path`` in the report folder instead of the terminal or a cron mail.

    A kernel whose report was stopped (``why`` not empty) while it was starting is killed
    as soon as it has started.

    The kernel starts in ``cwd`` (the report's folder). That is given to the kernel, not to
    papermill: papermill's own ``cwd`` changes the working directory of the whole process
    (``os.chdir``), which is not safe when several reports run in threads of one process
    (nteract/papermill#473; the maintainer, in #578: papermill is otherwise thread-safe).
    """
    from jupyter_client.manager import AsyncKernelManager

    class _TrackedKernelManager(AsyncKernelManager):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            holder.append(self)

        async def _async_start_kernel(self, **kw: Any) -> None:
            handle = open(stderr_path, "ab")  # closed after the run, with the kernel
            holder.append(handle)
            kw.setdefault("stderr", handle)
            kw.setdefault("cwd", str(cwd))
            await super()._async_start_kernel(**kw)
            if why:  # stopped while starting: _kill_kernels found no process yet
                _kill_kernels(holder, why, why[0])

        start_kernel = _async_start_kernel

    return _TrackedKernelManager


#: Reports running in this process, by the id of their kernel holder: (batch, holder, why).
_RUNNING: dict[int, tuple[str | None, list[Any], list[str]]] = {}
_RUNNING_LOCK = threading.Lock()


def _kill_kernels(holder: list[Any], why: list[str], reason: str) -> None:
    """Kill the kernels in ``holder``, recording ``reason`` as why the report stopped."""
    why.append(reason)
    for km in holder:
        proc = getattr(getattr(km, "provisioner", None), "process", None)
        if proc is not None:
            with contextlib.suppress(Exception):
                proc.kill()


def stop_running_reports(batch: str | None, reason: str) -> int:
    """Kill the kernel of every report of ``batch`` running in this process.

    Each stopped report then fails with ``reason`` and keeps its partial output in its
    ``.failed`` folder (the report's own thread does that). Returns how many were stopped.
    """
    with _RUNNING_LOCK:
        running = [(h, w) for b, h, w in _RUNNING.values() if b == batch]
    for holder, why in running:
        _kill_kernels(holder, why, reason)
    return len(running)


def _keep_failed(tmp: Path, target: Path, lines: list[str]) -> Path:
    """Move a failed run's folder beside ``target`` as ``<target>.failed``, with its log."""
    failed = target.with_name(f"{target.name}.failed")
    (tmp / "run.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.rmtree(failed, ignore_errors=True)
    os.replace(tmp, failed)
    return failed


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
                tables[payload["name"]] = {
                    "columns": payload["columns"],
                    "data": payload["data"],
                }
            else:
                values[payload["name"]] = payload.get("value")
    return tables, values


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "table"
    out, n = base, 1
    while out.lower() in used:
        n += 1
        out = f"{base[:28]}_{n}"
    used.add(out.lower())
    return out


def _write_xlsx(path: Path, tables: dict[str, Any], parameters: dict[str, Any]) -> None:
    import pandas as pd

    used: set[str] = set()
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, table in tables.items():
            frame = pd.DataFrame(table["data"], columns=table["columns"])
            frame.to_excel(writer, sheet_name=_sheet_name(name, used), index=False)
        params = pd.DataFrame(
            {
                "parameter": list(parameters),
                "value": [json.dumps(v, ensure_ascii=False) for v in parameters.values()],
            }
        )
        params.to_excel(writer, sheet_name=_sheet_name("parameters", used), index=False)


def _previous_hash(target: Path) -> str | None:
    try:
        with open(target / "metrics.json", encoding="utf-8") as fh:
            old = json.load(fh)
    except (OSError, ValueError):
        return None
    return old.get("input_hash") if old.get("status") == "ok" else None


def _swap_into_place(tmp: Path, target: Path) -> None:
    """Replace ``target`` by ``tmp`` with renames; the old report survives any failure."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        os.replace(target, old)
    try:
        os.replace(tmp, target)
    except OSError:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def execute_job(job: dict[str, Any], *, force: bool = True) -> dict[str, Any]:
    """Run a prepared job in this process; never raises for a failed report.

    Returns a dict: ``status`` (``ok``, ``skipped``, ``failed``), ``target``, ``error``,
    ``log``, ``timings`` and, when ok, ``metrics``. Picklable, so it can run in any
    :class:`concurrent.futures.Executor`.
    """
    import nbformat
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    t0 = time.perf_counter()
    target = Path(job["target"])
    base = {"template": job["template"], "target": str(target), "variant": job.get("variant")}
    base["parameters"] = job["parameters"]
    if not force and _previous_hash(target) == job["input_hash"]:
        return {
            **base,
            "status": "skipped",
            "error": None,
            "log": str(target / "run.log"),
            "timings": {"total": time.perf_counter() - t0},
        }
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{uuid.uuid4().hex[:8]}")
    tmp.mkdir()
    lines: list[str] = []

    def note(msg: str) -> None:
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        lines.append(f"{stamp} {msg}")
        log.info("%s: %s", target, msg)

    # the inlined Vega bundle takes about a second to build: build it while the kernel runs
    from lixia_econ._html import _bundle

    threading.Thread(target=_bundle, daemon=True).start()
    note(f"template {job['template_path']}")
    note(f"parameters {json.dumps(job['parameters'], ensure_ascii=False)}")
    timeout = job["timeout"]
    holder: list[Any] = []
    why: list[str] = []  # set when the kernel is killed on purpose: the reason
    watchdog = threading.Timer(
        timeout, _kill_kernels, args=(holder, why, f"timed out after {timeout:g} s")
    )
    with _RUNNING_LOCK:
        _RUNNING[id(holder)] = (job.get("batch"), holder, why)
    watchdog.daemon = True
    interrupted: KeyboardInterrupt | None = None
    out_nb = tmp / "report.ipynb"
    error: str | None = None
    t_exec = time.perf_counter()
    try:
        watchdog.start()
        papermill.execute_notebook(
            job["template_path"],
            str(out_nb),
            parameters=job["parameters"],
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            execution_timeout=timeout,
            start_timeout=min(60.0, timeout),
            kernel_manager_class=_tracked_kernel_manager(holder, why, tmp / "kernel.log", tmp),
        )
    except KeyboardInterrupt as exc:  # Ctrl-C with the report in this (main) thread
        interrupted = exc
    except PapermillExecutionError as exc:
        nb = nbformat.read(out_nb, as_version=4) if out_nb.exists() else None
        label = _cell_label(nb, exec_count=exc.exec_count)
        error = f"{label} raised {exc.ename}: {exc.evalue}"
    except DeadKernelError as exc:
        nb = nbformat.read(out_nb, as_version=4) if out_nb.exists() else None
        where = _cell_label(nb, _running_cell(nb))
        if why:
            error = f"{why[0]} (stopped in {where})"
        else:
            error = f"the kernel died while running {where}: {exc}"
    except Exception as exc:  # a cell timeout, kernel start failure, ...
        nb = nbformat.read(out_nb, as_version=4) if out_nb.exists() else None
        where = _cell_label(nb, _running_cell(nb))
        if why:
            error = f"{why[0]} (stopped in {where})"
        elif "timed out" in str(exc).lower() or "timeout" in type(exc).__name__:
            error = f"timed out after {timeout:g} s (stopped in {where})"
        else:
            error = f"{type(exc).__name__} while running {where}: {exc}"
    finally:
        watchdog.cancel()
        with _RUNNING_LOCK:
            _RUNNING.pop(id(holder), None)
        for km in holder:  # a killed or stuck kernel must not outlive its report
            if hasattr(km, "close"):  # the kernel's stderr log
                km.close()
                continue
            proc = getattr(getattr(km, "provisioner", None), "process", None)
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(Exception):
                    proc.kill()
    if interrupted is not None:
        note("FAILED: interrupted")
        _keep_failed(tmp, target, lines)
        raise interrupted
    timings = {"validate": job.get("validate_s", 0.0), "execute": time.perf_counter() - t_exec}
    if error is None:
        try:
            t_export = time.perf_counter()
            nb = nbformat.read(out_nb, as_version=4)
            tables, values = _collect_glue(nb)
            page = notebook_to_html(
                nb, show_code=job["show_code"], title=f"{job['template']} {target.parent.name}"
            )
            (tmp / "report.html").write_text(page, encoding="utf-8")
            _write_xlsx(tmp / "tables.xlsx", tables, job["parameters"])
            timings["export"] = time.perf_counter() - t_export
            timings["total"] = time.perf_counter() - t0 + timings["validate"]
            metrics = {
                "status": "ok",
                "template": job["template"],
                "variant": job.get("variant"),
                "parameters": job["parameters"],
                "scorecard": tables.get("scorecard"),
                "values": values,
                "tables": tables,
                "input_hash": job["input_hash"],
                "data_hash": job["data_hash"],
                "package_version": _package_version(),
                "python": sys.version.split()[0],
                "papermill_version": papermill.__version__,
                "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "timings_s": {k: round(v, 3) for k, v in timings.items()},
            }
            note(f"ok in {timings['total']:.1f} s")
            (tmp / "metrics.json").write_text(
                json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            (tmp / "run.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
            _swap_into_place(tmp, target)
            return {
                **base,
                "status": "ok",
                "error": None,
                "log": str(target / "run.log"),
                "timings": timings,
                "metrics": metrics,
            }
        except (LixiaEconError, OSError, ValueError) as exc:
            error = f"export failed: {type(exc).__name__}: {exc}"
    # failed: keep the partial notebook and the log beside the target, never over it
    if len(error) > 800:
        error = error[:800] + " ... (truncated; the full error is in the notebook)"
    note(f"FAILED: {error}")
    failed = _keep_failed(tmp, target, lines)
    timings["total"] = time.perf_counter() - t0 + timings.get("validate", 0.0)
    return {
        **base,
        "status": "failed",
        "error": error,
        "log": str(failed / "run.log"),
        "notebook": str(failed / "report.ipynb"),
        "timings": timings,
    }


def run_report(
    template: str | Path = "region_recovery",
    *,
    parameters: dict[str, Any] | None = None,
    data_dir: str | Path | None = None,
    output_dir: str | Path | None = None,
    timeout: float = 600,
    show_code: bool = False,
    variant: str | None = None,
    force: bool = True,
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

    Returns
    -------
    ReportResult

    Raises
    ------
    ParameterError
        Invalid parameters (nothing was run).
    ReportError
        The notebook failed: names the cell and its error, and where the partial notebook
        and log were kept. A previous good report in the same folder is left untouched.

    Examples
    --------
    >>> result = run_report(parameters={"region": "370102"})  # doctest: +SKIP
    >>> result.html_path  # doctest: +SKIP
    PosixPath('.../reports/region_recovery/370102/2026Q1/report.html')
    """
    job = prepare_job(
        template,
        parameters,
        data_dir=data_dir,
        output_dir=output_dir,
        timeout=timeout,
        show_code=show_code,
        variant=variant,
    )
    out = execute_job(job, force=force)
    if out["status"] == "failed":
        raise ReportError(
            f"report {job['template']} for {job['target']} failed: {out['error']} "
            f"(notebook and log kept in {Path(out['log']).parent})"
        )
    metrics = out.get("metrics")
    if metrics is None:
        with open(Path(job["target"]) / "metrics.json", encoding="utf-8") as fh:
            metrics = json.load(fh)
    return ReportResult(
        template=job["template"],
        parameters=job["parameters"],
        path=Path(job["target"]),
        status=out["status"],
        metrics=metrics,
        timings=out["timings"],
    )
