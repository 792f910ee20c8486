"""The ``lixia-econ`` command line: thin, every subcommand calls one package function.

Exit codes (documented in the README for cron users):

- 0: success;
- 1: a run finished but something failed (a bad raw file, a failed report in a batch);
- 2: wrong usage or invalid parameters (nothing was run);
- 130 / 143: stopped by Ctrl-C (SIGINT) / SIGTERM; no report is left half-written.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence

from lixia_econ._signals import RECEIVED, Terminated, stop_signals
from lixia_econ.errors import LixiaEconError, ParameterError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_TERMINATED = 143  # 128 + SIGTERM


def _stopped(command: str, *, terminated: bool) -> int:
    """Say the command was stopped and return 143 (SIGTERM) or 130 (Ctrl-C)."""
    print(
        f"lixia-econ {command}: {'terminated' if terminated else 'interrupted'}; "
        "finished reports are in place, a report cut short is left in a '.failed' "
        "folder or not at all",
        file=sys.stderr,
    )
    return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED


def _build(args: argparse.Namespace) -> int:
    from lixia_econ.build import build_panel

    result = build_panel(
        raw_dir=args.raw, processed_dir=args.processed, echo=print, force=args.force
    )
    return EXIT_OK if result.ok else EXIT_FAILED


def _parameters(items: Sequence[str]) -> dict[str, str]:
    """Return ``-p NAME=VALUE`` options as a dict of texts."""
    given: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"-p {item!r}: write parameters as NAME=VALUE")
        given[name.strip()] = value
    return given


def _templates_epilog() -> str:
    from lixia_econ.report import describe_parameters

    return (
        "templates and their parameters (name, type, default, meaning); set one with "
        "-p NAME=VALUE, a list as -p NAME=a,b:\n\n" + describe_parameters()
    )


class _HelpWithTemplates(argparse.Action):
    """``report --help``: the usage, then every template's parameters (read only now)."""

    def __init__(self, option_strings: list[str], dest: str, **kw: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show this help and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        parser.epilog = _templates_epilog()
        parser.print_help()
        parser.exit()


def _report(args: argparse.Namespace) -> int:
    """``lixia-econ report``: 0 when the report was written, 1 when it failed."""
    from lixia_econ.report import ReportFailed, describe_parameters, run_report
    from lixia_econ.report._params import DEFAULT_TEMPLATE

    if args.list_parameters is not None:
        chosen = args.list_parameters or args.template
        print(describe_parameters(chosen))
        return EXIT_OK
    try:
        result = run_report(
            args.template or DEFAULT_TEMPLATE,
            parameters=_parameters(args.param or []),
            data_dir=args.data,
            output_dir=args.output,
            from_text=True,
            log_file=args.log_file,
        )
    except ReportFailed as exc:
        out = exc.outcome
        print(f"lixia-econ report: failed: {out.error} (log: {out.log})", file=sys.stderr)
        return EXIT_FAILED
    print(result.html_path)
    return EXIT_OK


def _batch(args: argparse.Namespace) -> int:
    """``lixia-econ batch``: 0 when every report is ok or skipped, 1 when any failed."""
    from lixia_econ.report import run_batch

    result = run_batch(
        args.config,
        workers=args.workers,
        scheduler=args.scheduler,
        timeout=args.timeout,
        force=True if args.force else None,
        data_dir=args.data,
        output_dir=args.output,
        progress=not args.no_progress,
        log_file=args.log_file,
    )
    print(result)
    return result.exit_code


def make_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``lixia-econ``."""
    parser = argparse.ArgumentParser(
        prog="lixia-econ",
        description="Clean Chinese regional statistics, model the recovery, run reports.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="read data/raw/ through its manifest, write data/processed/")
    p.add_argument("--raw", default=None, help="raw-data folder (default: data/raw)")
    p.add_argument("--processed", default=None, help="output folder (default: data/processed)")
    p.add_argument(
        "--force",
        action="store_true",
        help="rebuild even when the inputs are unchanged (repairs a damaged panel.parquet)",
    )
    p.set_defaults(func=_build)

    p = sub.add_parser(
        "report",
        help="run one report (no arguments: the default Lixia report)",
        add_help=False,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.set_defaults(func=_report)
    p.add_argument("-h", "--help", action=_HelpWithTemplates)
    p.add_argument(
        "--list-parameters",
        nargs="?",
        const="",
        default=None,
        metavar="TEMPLATE",
        help="list the parameters of TEMPLATE (default: every template) and exit",
    )
    p.add_argument("--template", default=None, help="template name in notebooks/templates/")
    p.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a template parameter; values stay strings unless the template says otherwise",
    )
    p.add_argument("--data", default=None, help="processed-data folder (default: data/processed)")
    p.add_argument("--output", default=None, help="reports folder (default: reports)")
    p.add_argument("--log-file", default=None, help="append log lines to this file")

    p = sub.add_parser("batch", help="run many reports from a TOML config")
    p.set_defaults(func=_batch)
    p.add_argument("config", help="batch configuration (TOML)")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="reports run at once, each in its own kernel process (default: 2)",
    )
    p.add_argument("--scheduler", default=None, help="Dask distributed scheduler address")
    p.add_argument("--timeout", type=float, default=None, help="per-report timeout, seconds")
    p.add_argument("--force", action="store_true", help="re-run reports whose inputs are unchanged")
    p.add_argument("--data", default=None, help="processed-data folder (default: data/processed)")
    p.add_argument("--output", default=None, help="reports folder (default: reports)")
    p.add_argument("--log-file", default=None, help="append log lines to this file")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        with stop_signals() as received:
            code = args.func(args)
        if received:  # a signal whose exception was swallowed on the way
            return _stopped(args.command, terminated=signal.SIGTERM in received)
        return code
    except ParameterError as exc:
        print(f"lixia-econ {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except LixiaEconError as exc:
        print(f"lixia-econ {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, Terminated) or signal.SIGTERM in RECEIVED
        return _stopped(args.command, terminated=terminated)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
