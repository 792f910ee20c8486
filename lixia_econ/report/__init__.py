"""Parameterised comparison reports: papermill runs, batches, offline HTML.

- :func:`run_report` runs one template (``notebooks/templates/*.ipynb``) with checked
  parameters and writes ``reports/<template>/<region>/<as_of>/``;
- :func:`run_batch` runs many from a TOML config, several at once, each in its own kernel
  process (driven from threads, any :class:`concurrent.futures.Executor`, or a Dask
  cluster), skipping unchanged ones;
- :func:`prepare_job` and :func:`execute_job` are the two halves of a run (a
  :class:`Job` in, an :class:`Outcome` out), for any executor;
- :func:`validate_parameters` and :func:`template_parameters` read a template's
  ``parameters`` cell and check values before a kernel starts;
- :mod:`lixia_econ.report.notebook` holds what templates call inside the kernel
  (:func:`~lixia_econ.report.notebook.say`, :func:`~lixia_econ.report.notebook.glue`).

The numbers the templates tell are computed by :mod:`lixia_econ.analysis`.
"""

from __future__ import annotations

from lixia_econ._startup import import_jsonschema

import_jsonschema()  # before papermill and nbformat: without rfc3987_syntax's parsers

from lixia_econ.report._batch import (  # noqa: E402
    BatchEntry,
    BatchResult,
    load_batch_config,
    run_batch,
)
from lixia_econ.report._params import (  # noqa: E402
    TemplateParameter,
    describe_parameters,
    list_templates,
    template_parameters,
    validate_parameters,
)
from lixia_econ.report._run import (  # noqa: E402
    Job,
    Outcome,
    ReportFailed,
    ReportResult,
    data_hash,
    execute_job,
    prepare_job,
    run_report,
)

__all__ = [
    "BatchEntry",
    "BatchResult",
    "Job",
    "Outcome",
    "ReportFailed",
    "ReportResult",
    "TemplateParameter",
    "data_hash",
    "describe_parameters",
    "execute_job",
    "list_templates",
    "load_batch_config",
    "prepare_job",
    "run_batch",
    "run_report",
    "template_parameters",
    "validate_parameters",
]
