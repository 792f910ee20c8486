"""Parameterised comparison reports: papermill runs, batches, offline HTML.

- :func:`run_report` runs one template (``notebooks/templates/*.ipynb``) with checked
  parameters and writes ``reports/<template>/<region>/<as_of>/``;
- :func:`run_batch` runs many from a TOML config, several at once, each in its own kernel
  process (driven from threads, any :class:`concurrent.futures.Executor`, or a Dask
  cluster), skipping unchanged ones;
- :func:`validate_parameters` and :func:`template_parameters` read a template's
  ``parameters`` cell and check values before a kernel starts;
- :mod:`lixia_econ.report.notebook` holds what templates call inside the kernel
  (:func:`~lixia_econ.report.notebook.say`, :func:`~lixia_econ.report.notebook.glue`).
"""

from __future__ import annotations

from lixia_econ.report._batch import BatchResult, cli_batch, load_batch_config, run_batch
from lixia_econ.report._params import (
    TemplateParameter,
    list_templates,
    template_parameters,
    validate_parameters,
)
from lixia_econ.report._run import ReportResult, data_hash, run_report

__all__ = [
    "BatchResult",
    "ReportResult",
    "TemplateParameter",
    "cli_batch",
    "cli_report",
    "data_hash",
    "list_templates",
    "load_batch_config",
    "run_batch",
    "run_report",
    "template_parameters",
    "validate_parameters",
]


def cli_report(args) -> int:
    """Run ``lixia-econ report`` (see :mod:`lixia_econ.cli`); return the exit code.

    Parameters
    ----------
    args : argparse.Namespace
        ``template``, ``param`` (``NAME=VALUE`` strings), ``data``, ``output``,
        ``log_file``.

    Returns
    -------
    int
        0 when the report was written, 1 when it failed; invalid parameters raise
        :class:`~lixia_econ.errors.ParameterError`, which the command line turns into 2.
    """
    import sys

    from lixia_econ.errors import ParameterError, ReportError
    from lixia_econ.report._batch import _logging_to
    from lixia_econ.report._run import execute_job, prepare_job

    given: dict[str, str] = {}
    for item in args.param or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"-p {item!r}: write parameters as NAME=VALUE")
        given[name.strip()] = value
    with _logging_to(getattr(args, "log_file", None)) as logger:
        job = prepare_job(
            args.template or "region_recovery",
            given,
            data_dir=args.data,
            output_dir=args.output,
            from_text=True,
        )
        logger.info("report %s -> %s", job["template"], job["target"])
        out = execute_job(job, force=True)
        if out["status"] == "failed":
            err = ReportError(f"{out['error']} (log: {out['log']})")
            logger.error("report %s failed: %s", job["target"], err)
            print(f"lixia-econ report: failed: {err}", file=sys.stderr)
            return 1
        logger.info("report written: %s", job["target"])
        print(f"{job['target']}/report.html")
        return 0
