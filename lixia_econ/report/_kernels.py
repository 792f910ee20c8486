"""The kernels reports run in: fresh per report, or warm and reused by a batch worker.

Every report kernel is ``python -m lixia_econ._kernel`` (see :mod:`lixia_econ._kernel`):
an ipykernel that imports jsonschema without ``rfc3987_syntax`` and limits BLAS threads.

- A **fresh kernel** is started by papermill for one report and shut down after it
  (:func:`fresh_kernel_manager`, the ``kernel_manager_class`` given to papermill).
- A **warm kernel** (:class:`WarmKernel`) is started once per batch worker thread with the
  templates' modules already imported, and runs that worker's reports one after another.
  Before each report it is put back in its starting state (:func:`lixia_econ._kernel.fresh`:
  empty namespace, execution count 1, options, cwd ...). Papermill still parameterises,
  executes and records every notebook: it is handed the running kernel (``km=``) instead
  of starting one. A report that fails (a cell error, a timeout, a dead kernel) takes its
  warm kernel with it; the worker's next report starts a new one.

Kernels being run are recorded by report (:data:`RUNNING`), so a batch's Ctrl-C, SIGTERM or
deadline can kill them (:func:`stop_running_reports`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from lixia_econ._kernel import FRESH_CODE
from lixia_econ._perthread import PerThread
from lixia_econ.errors import ReportError

__all__ = [
    "RUNNING",
    "WarmKernel",
    "close_warm_kernels",
    "fresh_kernel_manager",
    "kill_kernels",
    "stop_running_reports",
    "warm_kernel",
]

#: Reports running in this process, by the id of their kernel holder: (batch, holder, why).
RUNNING: dict[int, tuple[str | None, list[Any], list[str]]] = {}
RUNNING_LOCK = threading.Lock()


def _spec(*, preload: bool) -> Any:
    """Return the kernel spec of a report kernel (this interpreter, :mod:`lixia_econ._kernel`)."""
    from jupyter_client.kernelspec import KernelSpec

    argv = [sys.executable, "-m", "lixia_econ._kernel", "-f", "{connection_file}"]
    return KernelSpec(
        argv=argv + (["--preload"] if preload else []),
        display_name="Python 3 (ipykernel)",
        language="python",
        metadata={"debugger": False},
    )


def kill_kernels(holder: list[Any], why: list[str], reason: str) -> None:
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
    with RUNNING_LOCK:
        running = [(h, w) for b, h, w in RUNNING.values() if b == batch]
    for holder, why in running:
        kill_kernels(holder, why, reason)
    return len(running)


def fresh_kernel_manager(holder: list[Any], why: list[str], stderr_path: Path, cwd: Path) -> type:
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

    from lixia_econ.report._client import ReportKernelClient

    class _FreshKernelManager(AsyncKernelManager):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._kernel_spec = _spec(preload=False)
            self.client_factory = ReportKernelClient
            holder.append(self)

        async def _async_start_kernel(self, **kw: Any) -> None:
            handle = open(stderr_path, "ab")  # closed after the run, with the kernel
            holder.append(handle)
            kw.setdefault("stderr", handle)
            kw.setdefault("cwd", str(cwd))
            await super()._async_start_kernel(**kw)
            if why:  # stopped while starting: kill_kernels found no process yet
                kill_kernels(holder, why, why[0])

        start_kernel = _async_start_kernel

        async def _async_wait(self, pollinterval: float = 0.1) -> None:
            # after the kill that ends a report (nbclient's shutdown_kernel="immediate"),
            # jupyter_client checks every 0.1 s whether the kernel is gone; it is within
            # milliseconds
            await super()._async_wait(pollinterval=min(pollinterval, 0.005))

    return _FreshKernelManager


def close_kernels(holder: list[Any]) -> None:
    """Close the kernels' stderr logs; a killed or stuck kernel must not outlive its report."""
    for km in holder:
        if hasattr(km, "close"):  # the kernel's stderr log
            km.close()
            continue
        if isinstance(km, _WarmManager):
            continue  # a warm kernel lives on; WarmKernel.finish decides
        proc = getattr(getattr(km, "provisioner", None), "process", None)
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(Exception):
                proc.kill()


# --------------------------------------------------------------------------- warm kernels


def _warm_manager_class() -> type:
    from jupyter_client.manager import AsyncKernelManager

    from lixia_econ.report._client import ReportKernelClient

    class _Warm(AsyncKernelManager, _WarmManager):
        """A kernel manager whose kernel is preloaded and whose clients are tracked."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._kernel_spec = _spec(preload=True)
            self.client_factory = ReportKernelClient
            self.clients: list[Any] = []

        def client(self, **kwargs: Any) -> Any:
            kc = super().client(**kwargs)
            self.clients.append(kc)
            return kc

    return _Warm


def _ignore(msg: dict[str, Any]) -> None:
    """Drop an output message (a reset prints nothing, but a hook must be given)."""


class _WarmManager:
    """Marker of a warm kernel's manager (the class itself is made on first use)."""


class WarmKernel:
    """A preloaded kernel that runs one report after another in one thread.

    Parameters
    ----------
    start_timeout : float
        Seconds the kernel may take to start (its preloading included).
    """

    def __init__(self, start_timeout: float = 120.0) -> None:
        from jupyter_core.utils import run_sync

        fd, name = tempfile.mkstemp(prefix="lixia-econ-kernel-", suffix=".log")
        os.close(fd)
        self.log_path = Path(name)
        self._log = open(self.log_path, "ab")  # the kernel's stderr, for its life
        # Its own empty folder to start in: a kernel imports from its working folder first,
        # and in the shared temporary folder anyone's grp.py or json.py would be imported
        # in place of the standard library's (a stray /tmp/grp.py killed every warm kernel).
        self._home = tempfile.mkdtemp(prefix="lixia-econ-kernel-")
        self.km = _warm_manager_class()(kernel_name="python3")
        self.reports = 0
        run_sync(self.km.start_kernel)(stderr=self._log, cwd=self._home)
        self._run_sync = run_sync
        # the first reset records the state the kernel started in; later ones restore it
        self._call(FRESH_CODE.format(cwd=self._home), timeout=start_timeout)

    def alive(self) -> bool:
        """Return True while the kernel process runs."""
        proc = getattr(self.km.provisioner, "process", None)
        return proc is not None and proc.poll() is None

    def _call(self, code: str, *, timeout: float) -> None:
        """Execute ``code`` silently (no history, no outputs), raising if it fails."""
        reply = self._run_sync(self._acall)(code, timeout)
        content = reply["content"]
        if content.get("status") != "ok":
            raise ReportError(
                f"the warm kernel could not be reset: {content.get('ename')}: "
                f"{content.get('evalue')}"
            )

    async def _acall(self, code: str, timeout: float) -> dict[str, Any]:
        kc = self.km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=timeout)
            return await kc.execute_interactive(
                code, silent=True, store_history=False, timeout=timeout, output_hook=_ignore
            )
        finally:
            kc.stop_channels()
            self.km.clients.remove(kc)

    def prepare(self, cwd: Path) -> int:
        """Reset the kernel for a report that runs in ``cwd``; return the log's offset."""
        self._call(FRESH_CODE.format(cwd=str(cwd)), timeout=60)
        self._log.flush()
        return self.log_path.stat().st_size

    def finish(self, offset: int, kernel_log: Path) -> None:
        """Stop the report's clients; copy its part of the kernel's stderr to ``kernel_log``."""
        for kc in list(self.km.clients):
            with contextlib.suppress(Exception):
                kc.stop_channels()
        self.km.clients.clear()
        self.reports += 1
        with contextlib.suppress(OSError), open(self.log_path, "rb") as fh:
            fh.seek(offset)
            kernel_log.write_bytes(fh.read())

    def shutdown(self) -> None:
        """Stop the kernel process (killed: it holds nothing worth a clean shutdown)."""
        proc = getattr(getattr(self.km, "provisioner", None), "process", None)
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(Exception):
                proc.kill()
                proc.wait(timeout=10)
        with contextlib.suppress(Exception):
            self.km.cleanup_connection_file()  # what cleanup_resources does, without a loop
        self._log.close()
        with contextlib.suppress(OSError):
            self.log_path.unlink()
        shutil.rmtree(self._home, ignore_errors=True)


_WARM: PerThread[WarmKernel] = PerThread(WarmKernel, WarmKernel.alive, WarmKernel.shutdown)


def warm_kernel(batch: str | None = None) -> WarmKernel:
    """Return this thread's warm kernel, starting one if there is none or it died.

    ``batch`` is recorded on the kernel, for :func:`close_warm_kernels`.
    """
    return _WARM.get(batch)


def discard_warm_kernel(kernel: WarmKernel) -> None:
    """Shut ``kernel`` down and forget it (its thread's next report starts a new one)."""
    _WARM.discard(kernel)


def close_warm_kernels(batch: str | None = None) -> int:
    """Shut down the warm kernels of this process that last ran a report of ``batch``.

    ``batch=None``: every warm kernel (done at exit too). Returns how many were shut down.
    """
    return _WARM.close(batch)
