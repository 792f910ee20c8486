"""Many reports from one TOML config: parallel workers, progress, summary, index page.

A config (see ``examples/batch.toml``)::

    [batch]
    workers = 2          # reports at once (default 2); each worker keeps a warm kernel
    timeout = 600        # seconds per report

    [defaults]           # parameters every report gets unless it sets its own
    shock = "2020"

    [[report]]           # one report; keys other than template/variant are parameters
    template = "region_recovery"
    region = "370102"

    [[matrix]]           # one report per region x indicator with data in the panel
    template = "region_recovery"
    regions = "*"        # or a list of codes
    indicators = "*"     # or a list of codes
    min_points = 2       # pairs with fewer observations are left out

Every entry is validated in the parent before any kernel starts; an invalid entry is a
failed entry, the others still run. A report whose inputs (template, parameters, data,
code) are unchanged since its last good run is skipped unless ``force``.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import html
import json
import logging
import math
import os
import sys
import time
import tomllib
import uuid
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from lixia_econ import _signals, config
from lixia_econ._pdf import close_browsers
from lixia_econ.errors import LixiaEconError, ParameterError
from lixia_econ.periods import latest_tidy_period
from lixia_econ.report._kernels import close_warm_kernels
from lixia_econ.report._params import shock_starts_after, template_parameters
from lixia_econ.report._run import Job, Outcome, execute_job, prepare_job, stop_running_reports
from lixia_econ.report._tools import logging_to
from lixia_econ.schema import resolve_indicator, resolve_region

__all__ = ["BatchEntry", "BatchResult", "load_batch_config", "run_batch"]

_BATCH_KEYS = {"workers", "timeout", "data", "output", "force"}
_MATRIX_KEYS = {"template", "regions", "indicators", "min_points"}


@dataclass(frozen=True)
class BatchEntry:
    """One report of a batch, as the summary (``batch-summary.json``) lists it.

    Attributes
    ----------
    name : str
        The report folder relative to the output folder (``region_recovery/370102/2026Q1``),
        or the template and parameters of an entry that never got one.
    template : str
        Template name or path, as the config gives it.
    status : {"pending", "ok", "failed", "skipped"}
        ``pending`` only while the batch runs.
    parameters : dict
        The parameters the config gives (defaults merged in).
    error : str or None
        Why it failed or was skipped.
    target : str or None
        The report folder.
    log : str or None
        Its ``run.log`` (in ``<as_of>.failed/`` for a failure).
    seconds : float or None
        Seconds the report took (0 for one that never ran).
    """

    name: str
    template: str
    status: Literal["pending", "ok", "failed", "skipped"]
    parameters: dict[str, Any]
    error: str | None = None
    target: str | None = None
    log: str | None = None
    seconds: float | None = None


@dataclass(frozen=True)
class _Spec:
    """One report a config asks for, before it is validated."""

    template: str
    parameters: dict[str, Any]
    variant: str | None = None
    skip: str | None = None  # why a matrix pair is left out (no data from the shock on)


@dataclass
class BatchResult:
    """What :func:`run_batch` did.

    Attributes
    ----------
    entries : list of BatchEntry
        One per report, in config order.
    elapsed : float
        Wall-clock seconds for the whole batch.
    index_path : Path
        ``index.html`` linking every report.
    summary_path : Path
        ``batch-summary.json``.
    """

    entries: list[BatchEntry]
    elapsed: float
    index_path: Path
    summary_path: Path
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no entry failed."""
        return self.counts.get("failed", 0) == 0

    @property
    def exit_code(self) -> int:
        """0 when nothing failed, else 1 (the command line's exit status)."""
        return 0 if self.ok else 1

    def summary(self):
        """Return one row per report: name, status, seconds, error, log."""
        import pandas as pd

        cols = ["name", "status", "seconds", "error", "log"]
        rows = [{c: getattr(e, c) for c in cols} for e in self.entries]
        return pd.DataFrame(rows, columns=cols)

    def __str__(self) -> str:
        if not self.counts.get("ok", 0) and not self.counts.get("failed", 0):
            # nothing ran (a scheduled batch with unchanged inputs): one line for cron's mail
            return (
                f"nothing to do: {self.counts.get('skipped', 0)} reports unchanged, skipped "
                f"in {self.elapsed:.1f} s; index: {self.index_path}"
            )
        head = (
            f"{self.counts.get('ok', 0)} ok, {self.counts.get('failed', 0)} failed, "
            f"{self.counts.get('skipped', 0)} skipped in {self.elapsed:.1f} s"
        )
        rows = [
            f"  {e.status:<7} {e.seconds or 0:7.1f} s  {e.name}"
            + (f"\n          {e.error}" if e.error else "")
            + (f"\n          log: {e.log}" if e.error and e.log else "")
            for e in self.entries
        ]
        return "\n".join([head, *rows, f"index: {self.index_path}"])


def load_batch_config(path: str | Path) -> dict[str, Any]:
    """Read and check a batch config (TOML).

    Parameters
    ----------
    path : str or Path
        The ``.toml`` file.

    Returns
    -------
    dict
        ``batch`` (options), ``defaults`` (parameters), ``report`` and ``matrix`` (lists).

    Raises
    ------
    ParameterError
        If the file is missing, is not TOML, or has keys outside those documented.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except OSError as exc:
        raise ParameterError(f"batch config {path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"batch config {path}: not valid TOML: {exc}") from None
    return _checked(raw, str(path))


def _checked(raw: dict[str, Any], where: str) -> dict[str, Any]:
    """Check a parsed config (from TOML or given as a dict) and fill in missing sections."""
    unknown = set(raw) - {"batch", "defaults", "report", "matrix"}
    if unknown:
        raise ParameterError(
            f"batch config {where}: unknown section(s) {sorted(unknown)}; allowed: "
            "[batch], [defaults], [[report]], [[matrix]]"
        )
    batch = raw.get("batch", {})
    bad = set(batch) - _BATCH_KEYS if isinstance(batch, dict) else set()
    if bad:
        raise ParameterError(
            f"batch config {where}: unknown [batch] key(s) {sorted(bad)}; allowed: "
            f"{sorted(_BATCH_KEYS)}"
        )
    reports, matrix = raw.get("report", []), raw.get("matrix", [])
    if not isinstance(reports, list) or not isinstance(matrix, list):
        raise ParameterError(f"batch config {where}: write entries as [[report]] and [[matrix]]")
    if not reports and not matrix:
        raise ParameterError(f"batch config {where}: no [[report]] or [[matrix]] entries")
    _check_config(where, raw, batch, reports + matrix)
    return {
        "batch": batch,
        "defaults": raw.get("defaults", {}),
        "report": reports,
        "matrix": matrix,
    }


def _check_config(name: str, raw: dict[str, Any], batch: Any, entries: list[Any]) -> None:
    """Refuse values of the wrong type, each with a one-line message saying what works."""
    where = f"batch config {name}"
    for section in ("batch", "defaults"):
        if not isinstance(raw.get(section, {}), dict):
            raise ParameterError(
                f"{where}: {section} = {raw[section]!r} must be a table: write [{section}] "
                "and its keys on the lines below"
            )
    if "workers" in batch:
        check_workers(batch["workers"], where=f"{where}: [batch] workers")
    if "timeout" in batch:
        check_timeout(batch["timeout"], where=f"{where}: [batch] timeout")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ParameterError(
                f"{where}: entry {i + 1} is {entry!r}, not a table; write each report as "
                '[[report]] (or [[matrix]]) with template = "name" below it'
            )
        if "template" not in entry:
            raise ParameterError(f"{where}: entry {i + 1} has no 'template'")
        for key in ("regions", "indicators"):
            value = entry.get(key, "*")
            if value != "*" and not (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            ):
                raise ParameterError(
                    f"{where}: entry {i + 1} {key} = {value!r}: write a list of names or "
                    f'codes ({key} = ["370102"]) or "*" for all'
                )


def check_workers(value: Any, *, where: str = "workers") -> int:
    """Return ``value`` as a number of workers (a whole number, at least 1).

    Raises
    ------
    ParameterError
        Not a whole number of at least 1.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ParameterError(f"{where}={value!r} must be a whole number of at least 1")
    return value


def check_timeout(value: Any, *, where: str = "timeout") -> float:
    """Return ``value`` as a timeout in seconds (a finite, positive number).

    Raises
    ------
    ParameterError
        Not a number, not finite, or not positive.
    """
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value <= 0:
        raise ParameterError(f"{where}={value!r} must be a finite, positive number of seconds")
    return float(value)


def _expand_matrix(
    entry: dict[str, Any], defaults: dict[str, Any], data_dir: Path | None
) -> list[_Spec]:
    """Return one report entry per region x indicator with data in the panel."""
    from lixia_econ.panel import load_panel

    panel = load_panel(data_dir, rebuild=False if data_dir is not None else None)
    rows = panel[panel["status"] != "target"]
    regions, indicators = entry.get("regions", "*"), entry.get("indicators", "*")
    if regions != "*":
        rows = rows[rows["region"].isin([resolve_region(r) for r in regions])]
    if indicators != "*":
        rows = rows[rows["indicator"].isin([resolve_indicator(i) for i in indicators])]
    counts = rows.groupby(["region", "indicator"]).size()
    counts = counts[counts >= int(entry.get("min_points", 1))]
    declared = template_parameters(entry["template"])
    rest = {k: v for k, v in entry.items() if k not in _MATRIX_KEYS}
    latest = _latest_labels(rows)
    out = []
    for region, indicator in counts.index:
        params = {**defaults, **rest, "region": region}
        if "indicators" in declared:
            params["indicators"] = [indicator]
        elif "indicator" in declared:
            params["indicator"] = indicator
        shock = params.get("shock", declared["shock"].default if "shock" in declared else None)
        skip = _no_data_from(shock, latest[(region, indicator)])
        out.append(_Spec(entry["template"], params, variant=indicator, skip=skip))
    return out


def _no_data_from(shock: Any, last: str) -> str | None:
    """Say why a pair whose data end before the shock is left out (None: it is not)."""
    try:
        if shock and shock_starts_after(str(shock), last):
            return f"no data from the shock {shock} on (latest: {last})"
    except ParameterError:  # not a period: the entry fails on its own when validated
        pass
    return None


def _latest_labels(rows: Any) -> dict[tuple[str, str], str]:
    """Return each (region, indicator)'s latest period label."""
    return {
        key: latest_tidy_period(group["period"], group["freq"])
        for key, group in rows.groupby(["region", "indicator"])
    }


def _specs(cfg: dict[str, Any], data_dir: Path | None) -> list[_Spec]:
    """Return every report the config asks for: its ``[[report]]``s, then its matrices."""
    defaults = cfg["defaults"]
    out = []
    for entry in cfg["report"]:
        params = {**defaults}
        params.update({k: v for k, v in entry.items() if k not in {"template", "variant"}})
        out.append(_Spec(entry["template"], params, variant=entry.get("variant")))
    for entry in cfg["matrix"]:
        out.extend(_expand_matrix(entry, defaults, data_dir))
    return out


def _make_executor(workers: int, scheduler: str | None) -> tuple[cf.Executor, Any]:
    """Return the batch's own executor and, on Dask, the client to close after it.

    Locally, ``workers`` threads of this process each drive one report at a time, and each
    report runs in its own Jupyter kernel process: ``workers`` kernels compute in parallel.
    A driver spends nearly all its time waiting on its kernel (papermill's side of a report
    takes about 0.2 s of CPU), so a worker *process* per driver would only add the cost of
    starting Python and importing papermill in each: measured on the 8-report benchmark
    batch, 34-39 s of CPU on a 2-process pool against 31-33 s on 2 threads and 31-33 s
    serially (2 to 4 runs each).
    """
    if scheduler is not None:
        try:
            from distributed import Client
        except ImportError:
            raise ParameterError(
                "--scheduler needs dask.distributed: pip install 'lixia_econ[dask]'"
            ) from None
        try:
            client = Client(scheduler, timeout=10)
        except (OSError, ValueError, TypeError) as exc:  # unreachable, or not an address
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ParameterError(
                f"--scheduler {scheduler}: cannot connect to a Dask scheduler there ({first})"
            ) from None
        return client.get_executor(pure=False), client
    return cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lixia-report"), None


def _kept_report(target: str | None) -> dict[str, Any]:
    """Return when a report folder's report was made, its headline and run time.

    Read from its ``metrics.json``: ``created_utc``, the glued value ``headline`` (empty
    if the template glues none) and ``timings_s.total``; empty when it cannot be read.
    """
    if not target:
        return {}
    try:
        with open(Path(target) / "metrics.json", encoding="utf-8") as fh:
            metrics = json.load(fh)
    except (OSError, ValueError):
        return {}
    headline = (metrics.get("values") or {}).get("headline")
    return {
        "made": str(metrics.get("created_utc") or "").replace("T", " ").replace("+00:00", " UTC"),
        "headline": "" if headline is None else str(headline),
        "seconds": (metrics.get("timings_s") or {}).get("total"),
    }


def _index_row(e: BatchEntry, output: Path) -> str:
    """Return one ``<tr>`` of the index: status, link, when made, seconds, headline, error."""
    link = html.escape(e.name) if e.name else "—"
    if e.target and e.status in {"ok", "skipped"}:
        rel = os.path.relpath(Path(e.target) / "report.html", output)
        link = f'<a href="{html.escape(rel)}">{html.escape(e.name)}</a>'
    kept = _kept_report(e.target) if e.status in {"ok", "skipped"} else {}
    status = e.status
    seconds = e.seconds or 0
    if e.status == "skipped" and kept:
        status = "skipped (unchanged)"  # the kept report: its own time, not this batch's
        seconds = kept.get("seconds") or 0
    log_cell = ""
    if e.log:
        log_cell = f'<a href="{html.escape(os.path.relpath(e.log, output))}">log</a>'
    cells = [
        html.escape(status),
        link,
        html.escape(kept.get("made", "")),
        f"{seconds:.1f}",
        html.escape(kept.get("headline", "")),
        html.escape(e.error or ""),
        log_cell,
    ]
    tds = "".join(f"<td>{c}</td>" for c in cells)
    return f'<tr class="{html.escape(e.status)}">{tds}</tr>'


def _write_index(output: Path, entries: list[BatchEntry], title: str) -> Path:
    rows = [_index_row(e, output) for e in entries]
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", system-ui, sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }}
td, th {{ padding: .3em .8em; border-bottom: 1px solid #ddd; }}
tr.failed td:first-child {{ color: #b00; font-weight: bold; }}
tr.ok td:first-child {{ color: #070; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>Generated {dt.datetime.now().isoformat(timespec="seconds")}.</p>
<table><thead><tr><th>status</th><th>report</th><th>made</th><th>seconds</th><th>headline</th>
<th>error</th><th>log</th></tr>
</thead><tbody>
{chr(10).join(rows)}
</tbody></table></body></html>
"""
    path = output / "index.html"
    tmp = path.with_name(f".index.html.tmp-{os.getpid()}")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path


def run_batch(
    config_path: str | Path | dict[str, Any],
    *,
    executor: cf.Executor | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float | None = None,
    force: bool | None = None,
    data_dir: str | Path | None = None,
    output_dir: str | Path | None = None,
    progress: bool = True,
    log_file: str | Path | None = None,
) -> BatchResult:
    """Run every report of a batch config; one failure does not stop the rest.

    Parameters
    ----------
    config_path : str, Path or dict
        A TOML file (see the module docstring) or its parsed contents.
    executor : concurrent.futures.Executor, optional
        What drives the reports (each report always runs in its own kernel process). Not
        shut down here. Default: ``workers`` threads of this process, so ``workers``
        kernels run at once (``workers=1``: one after another). Any executor works; a
        ``ProcessPoolExecutor`` (spawn context) also isolates each papermill driver.
    workers : int, optional
        Reports run at once (each in its own kernel process) when no executor is given;
        default the config's, else 2.
    scheduler : str, optional
        Address of a Dask distributed scheduler (``tcp://host:8786``); the batch runs on
        its workers through ``Client(address).get_executor()``.
    timeout : float, optional
        Seconds per report; default the config's, else 600.
    force : bool, optional
        Re-run reports whose inputs are unchanged (default: skip them).
    data_dir, output_dir : str or Path, optional
        Processed-data and reports folders (default the config's, else ``data/processed``
        and ``reports``).
    progress : bool
        Show a progress bar (tqdm, on stderr).
    log_file : str or Path, optional
        Append one log line per report (and the summary) to this file.

    Returns
    -------
    BatchResult
        Counts, entries, and the paths of ``index.html`` and ``batch-summary.json`` in the
        output folder.

    Raises
    ------
    ParameterError
        A config that cannot be read (bad TOML, unknown keys); nothing was run.
    """
    from tqdm.auto import tqdm

    t0 = time.perf_counter()
    cfg, opts = _options(
        config_path,
        workers=workers,
        scheduler=scheduler,
        timeout=timeout,
        force=force,
        data_dir=data_dir,
        output_dir=output_dir,
    )
    with logging_to(log_file) as logger, _signals.safe_interrupts():
        logger.info("batch %s: start", opts.name)
        token = uuid.uuid4().hex  # names this batch's reports running in this process
        entries, jobs = _prepare_entries(cfg, opts, token, logger)
        owned, client = (None, None)
        if executor is None and (opts.workers > 1 or scheduler is not None):
            owned, client = _make_executor(opts.workers, scheduler)
        bar = tqdm(
            total=len(jobs), desc=opts.name, unit="report", disable=not progress, file=sys.stderr
        )
        hung = None
        try:
            hung = _drive(entries, jobs, executor or owned, opts, token, logger, bar)
        finally:
            _shutdown(owned, client, hung=hung is not None)
            _close_warm(token)  # the kernels and browsers its workers kept in this process
        return _finish(entries, opts, time.perf_counter() - t0, logger)


@dataclass(frozen=True)
class _Options:
    """A batch's options: arguments first, then the config's ``[batch]``, then defaults."""

    name: str
    workers: int
    timeout: float
    force: bool
    data: Path | None
    output: Path
    scheduler: str | None


def _options(
    config_path: str | Path | dict[str, Any],
    *,
    workers: int | None,
    scheduler: str | None,
    timeout: float | None,
    force: bool | None,
    data_dir: str | Path | None,
    output_dir: str | Path | None,
) -> tuple[dict[str, Any], _Options]:
    """Read the config and settle the options; the output folder is created."""
    if isinstance(config_path, dict):
        cfg, name = _checked(config_path, "(dict)"), "batch"
    else:
        cfg, name = load_batch_config(config_path), Path(config_path).stem
    given = cfg.get("batch", {})
    workers = check_workers(workers if workers is not None else given.get("workers", 2))
    timeout = check_timeout(timeout if timeout is not None else given.get("timeout", 600))
    data = data_dir if data_dir is not None else given.get("data")
    output = output_dir if output_dir is not None else given.get("output")
    output = Path(output) if output is not None else config.REPORTS_DIR
    if output.exists() and not output.is_dir():
        raise ParameterError(f"--output {output}: not a folder (a file is there)")
    output.mkdir(parents=True, exist_ok=True)
    return cfg, _Options(
        name=name,
        workers=workers,
        timeout=timeout,
        force=bool(force if force is not None else given.get("force", False)),
        data=Path(data).resolve() if data is not None else None,
        output=output,
        scheduler=scheduler,
    )


def _prepare_one(
    spec: _Spec, entry: BatchEntry, opts: _Options, logger: logging.Logger
) -> tuple[BatchEntry, Job | None]:
    """Validate one entry in the parent; no job (and the entry says why) if it will not run."""
    if spec.skip:
        logger.info("batch %s: %s: skipped: %s", opts.name, entry.name, spec.skip)
        return replace(entry, status="skipped", error=spec.skip, seconds=0.0), None
    try:
        job = prepare_job(
            spec.template,
            spec.parameters,
            data_dir=opts.data,
            output_dir=opts.output,
            timeout=opts.timeout,
            variant=spec.variant,
        )
    except LixiaEconError as exc:
        error = f"invalid entry: {exc}"
        logger.error("batch %s: %s: %s", opts.name, entry.name, error)
        return replace(entry, status="failed", error=error, seconds=0.0), None
    name = os.path.relpath(job.target, opts.output)
    return replace(entry, name=name, target=str(job.target)), job


def _prepare_entries(
    cfg: dict[str, Any], opts: _Options, token: str, logger: logging.Logger
) -> tuple[list[BatchEntry], list[tuple[int, Job]]]:
    """Return one entry per report, and the jobs to run with the index of their entry."""
    entries: list[BatchEntry] = []
    jobs: list[tuple[int, Job]] = []
    seen: dict[Path, str] = {}
    for spec in _specs(cfg, opts.data):
        label = f"{spec.template} {json.dumps(spec.parameters, ensure_ascii=False)}"
        entry = BatchEntry(label, spec.template, "pending", spec.parameters)
        entry, job = _prepare_one(spec, entry, opts, logger)
        if job is not None and job.target in seen:
            first = seen[job.target]
            error = f"writes the same folder as entry {first!r}; give it a distinct variant"
            entry = replace(entry, status="failed", seconds=0.0, error=error)
        elif job is not None:
            seen[job.target] = entry.name
            jobs.append((len(entries), replace(job, batch=token)))
        entries.append(entry)
    return entries, jobs


def _drive(
    entries: list[BatchEntry],
    jobs: list[tuple[int, Job]],
    pool: cf.Executor | None,
    opts: _Options,
    token: str,
    logger: logging.Logger,
    bar: Any,
) -> str | None:
    """Run the jobs, one after another or on ``pool``; return why the batch hung, or None.

    Each job's entry in ``entries`` is replaced by its outcome. On Ctrl-C, or when the batch
    deadline passes, the kernels of reports still running here are killed and those reports
    fail into their ``.failed`` folders (a terminal's Ctrl-C does not reach kernels, which
    run in their own sessions).
    """
    finished, hung = False, None
    try:
        if pool is None:
            for i, job in jobs:
                out = execute_job(job, force=opts.force, warm=True)
                entries[i] = _record(entries[i], out, logger)
                bar.update()
        else:
            hung = _run_on(pool, entries, jobs, opts, logger, bar)
        finished = True
    finally:
        bar.close()
        if not finished or hung:
            stop_running_reports(token, "interrupted" if not finished else hung)
    return hung


def _run_on(
    pool: cf.Executor,
    entries: list[BatchEntry],
    jobs: list[tuple[int, Job]],
    opts: _Options,
    logger: logging.Logger,
    bar: Any,
) -> str | None:
    """Run the jobs on an executor; return why the batch hung (its deadline), or None."""
    futures = {pool.submit(execute_job, job, force=opts.force, warm=True): i for i, job in jobs}
    n_waves = math.ceil(len(jobs) / max(opts.workers, 1))
    deadline = n_waves * (opts.timeout + 120) + 60
    try:
        for fut in cf.as_completed(futures, timeout=deadline):
            try:
                out = fut.result()
            except Exception as exc:  # the worker itself died, or a bug here
                out = Outcome("failed", None, error=f"worker failed: {exc!r}")
            entries[futures[fut]] = _record(entries[futures[fut]], out, logger)
            bar.update()
    except cf.TimeoutError:
        why = f"no result after {deadline:g} s"
        for fut, i in futures.items():
            if entries[i].status == "pending":
                fut.cancel()
                entries[i] = _record(entries[i], Outcome("failed", None, error=why), logger)
        return why
    return None


def _close_warm(batch: str | None = None) -> None:
    """Close the warm kernels and browsers this process kept for ``batch`` (None: all)."""
    close_warm_kernels(batch)
    close_browsers(batch)


def _shutdown(owned: cf.Executor | None, client: Any, *, hung: bool) -> None:
    """Shut down the batch's own executor (and Dask client); a caller's is left alone."""
    if isinstance(owned, cf.ThreadPoolExecutor):
        # each driver ends once its kernel is gone; one still running after the batch
        # deadline is stuck and is not waited for
        owned.shutdown(wait=not hung, cancel_futures=True)
    elif owned is not None:  # dask's ClientExecutor takes no cancel_futures
        owned.shutdown(wait=True)
    if client is not None:
        with contextlib.suppress(Exception):  # the workers' kernels and browsers
            client.run(_close_warm)
        client.close()


def _record(entry: BatchEntry, out: Outcome, logger: logging.Logger) -> BatchEntry:
    """Return the entry with the outcome of its report, and log it."""
    done = replace(
        entry,
        status=out.status,
        error=out.error,
        log=str(out.log) if out.log is not None else None,
        seconds=round(float(out.timings.get("total", 0.0)), 3),
    )
    if out.failed:
        logger.error("report %s failed: %s (log %s)", done.name, done.error, done.log)
    else:
        logger.info("report %s %s in %.1f s", done.name, out.status, done.seconds)
    return done


def _finish(
    entries: list[BatchEntry], opts: _Options, elapsed: float, logger: logging.Logger
) -> BatchResult:
    """Count, write ``index.html`` and ``batch-summary.json``, log the summary line."""
    counts = {s: sum(e.status == s for e in entries) for s in ("ok", "failed", "skipped")}
    index = _write_index(opts.output, entries, f"lixia_econ reports: {opts.name}")
    summary = {
        "batch": opts.name,
        "finished_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed, 3),
        "workers": opts.workers if opts.scheduler is None else f"dask {opts.scheduler}",
        "counts": counts,
        "entries": [asdict(e) for e in entries],
    }
    summary_path = opts.output / "batch-summary.json"
    summary_path.write_text(
        json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    logger.info(
        "batch %s: %d ok, %d failed, %d skipped in %.1f s; index %s",
        opts.name,
        counts["ok"],
        counts["failed"],
        counts["skipped"],
        elapsed,
        index,
    )
    return BatchResult(entries, elapsed, index, summary_path, counts)
