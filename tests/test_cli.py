"""Tests of lixia_econ.cli: the parser, ``--help``, exit codes and ``lixia-econ build``.

Exit codes (README, for cron users): 0 success; 1 a run that failed; 2 wrong usage or
invalid parameters, with a one-line message and no traceback. Reports and batches that
start kernels are tested in test_report.py and test_batch.py; here only what fails before
a kernel starts, and one failed report run (marked ``notebooks``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from lixia_econ.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main, make_parser
from lixia_econ.config import RAW_DIR

SUBCOMMANDS = ["build", "report", "batch"]


# --------------------------------------------------------------------------- the parser


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["build"], {"command": "build", "raw": None, "processed": None}),
        (
            ["build", "--raw", "r", "--processed", "p"],
            {"command": "build", "raw": "r", "processed": "p"},
        ),
        (["report"], {"command": "report", "template": None, "param": [], "data": None}),
        (
            ["report", "--template", "t", "-p", "region=370102", "--param", "shock=2020"],
            {"template": "t", "param": ["region=370102", "shock=2020"]},
        ),
        (["report", "--output", "o", "--log-file", "l"], {"output": "o", "log_file": "l"}),
        (
            ["batch", "b.toml"],
            {"config": "b.toml", "workers": None, "timeout": None, "force": False},
        ),
        (
            ["batch", "b.toml", "--workers", "3", "--timeout", "1.5", "--force", "--no-progress"],
            {"workers": 3, "timeout": 1.5, "force": True, "no_progress": True},
        ),
        (["batch", "b.toml", "--scheduler", "tcp://h:8786"], {"scheduler": "tcp://h:8786"}),
    ],
)
def test_parser_reads_each_subcommand(argv, expected):
    args = make_parser().parse_args(argv)
    for name, value in expected.items():
        assert getattr(args, name) == value, name
    assert callable(args.func)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: command"),
        (["nonsense"], "invalid choice: 'nonsense'"),
        (["batch"], "the following arguments are required: config"),
        (["batch", "b.toml", "--workers", "two"], "invalid int value: 'two'"),
        (["build", "--rwa", "x"], "unrecognized arguments: --rwa x"),
    ],
)
def test_bad_usage_exits_2_with_usage_and_no_traceback(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("usage: lixia-econ")
    assert message in captured.err
    assert "Traceback" not in captured.err


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help_of_each_subcommand(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith(f"usage: lixia-econ {command}")
    parser = make_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    for action in sub._actions:
        for flag in action.option_strings:
            assert flag in out, flag
        if action.help and action.help != "show this help message and exit":
            assert action.help.split("(")[0].strip()[:30] in " ".join(out.split()), action.dest


def test_top_level_help_lists_the_subcommands(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == EXIT_OK
    out = capsys.readouterr().out
    for command in SUBCOMMANDS:
        assert command in out


# --------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "-p", "region=999999"], "not in the region catalogue"),
        (["report", "-p", "nonsense"], "write parameters as NAME=VALUE"),
        (["report", "-p", "regoin=370102"], "unknown parameter(s) 'regoin'"),
        (["report", "-p", "shock=2020Q5"], "not a period"),
        (["report", "--template", "no_such_template"], "region_recovery"),
    ],
)
def test_report_parameter_errors_exit_2_with_one_line(argv, message, capsys):
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("lixia-econ report: ")
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_missing_config_is_a_usage_error(tmp_path):
    # moved from test_batch.py
    assert main(["batch", str(tmp_path / "none.toml"), "--no-progress"]) == 2


def test_bad_batch_config_exits_2_with_one_line(tmp_path, capsys):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[[report]\n", encoding="utf-8")
    assert main(["batch", str(cfg), "--no-progress", "--output", str(tmp_path)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("lixia-econ batch: ")
    assert "not valid TOML" in err
    assert err.count("\n") == 1


def test_the_installed_command_exits_2_without_a_traceback():
    """The real process: what cron sees (``python -m lixia_econ.cli`` is the same main)."""
    proc = subprocess.run(
        [sys.executable, "-m", "lixia_econ.cli", "report", "-p", "region=Atlantis"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == EXIT_USAGE
    assert proc.stdout == ""
    assert proc.stderr.startswith("lixia-econ report: ")
    assert proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- build


def test_build_writes_the_panel_then_is_up_to_date(raw_copy, tmp_path, capsys):
    out = tmp_path / "processed"
    assert main(["build", "--raw", str(raw_copy), "--processed", str(out)]) == EXIT_OK
    printed = capsys.readouterr().out
    assert "read jinan_lixia_public_figures.csv" in printed
    assert f"wrote {out / 'panel.parquet'}" in printed
    assert {"panel.parquet", "panel.csv", "build_log.json"} <= {p.name for p in out.iterdir()}
    assert main(["build", "--raw", str(raw_copy), "--processed", str(out)]) == EXIT_OK
    assert "up to date" in capsys.readouterr().out


def test_build_gives_the_same_panel_as_the_library(raw_copy, tmp_path, built):
    out = tmp_path / "processed"
    assert main(["build", "--raw", str(raw_copy), "--processed", str(out)]) == EXIT_OK
    assert (out / "panel.csv").read_bytes() == (built.processed / "panel.csv").read_bytes()


def test_build_with_no_options_uses_the_project_root_of_the_environment(tmp_path):
    """``lixia-econ build`` as cron runs it: paths from LIXIA_ECON_ROOT (lixia_econ.config)."""
    shutil.copytree(RAW_DIR, tmp_path / "data" / "raw")
    env = {**os.environ, "LIXIA_ECON_ROOT": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "lixia_econ.cli", "build"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == EXIT_OK, proc.stderr
    assert (tmp_path / "data" / "processed" / "panel.parquet").exists()
    assert str(tmp_path / "data" / "processed") in proc.stdout


def test_build_of_a_missing_folder_exits_1(tmp_path, capsys):
    code = main(["build", "--raw", str(tmp_path / "nowhere"), "--processed", str(tmp_path)])
    assert code == EXIT_FAILED
    assert "raw-data folder does not exist" in capsys.readouterr().out


def test_one_bad_file_fails_the_build_and_leaves_processed_as_it_was(raw_copy, refused_rebuild):
    # moved from test_build.py
    with refused_rebuild() as run:
        bad = raw_copy / "district_monthly.csv"
        bad.write_text(
            "region,indicator,period,value,unit\n"
            "历下区,社会消费品零售总额,2020年1-2月,100.5,亿元\n"
            "历下区,社会消费品零售总额,2020年13月,120.0,亿元\n",
            encoding="gb18030",
        )
    assert "district_monthly.csv" in run.printed
    assert "2020年13月" in run.printed
    assert "row 3" in run.printed


# --------------------------------------------------------------------------- a failed run


@pytest.mark.notebooks
def test_a_failed_report_exits_1_and_names_the_cell(tiny_template, tiny_data, tmp_path, capsys):
    argv = ["report", "--template", str(tiny_template), "-p", "fail=true"]
    argv += ["--data", str(tiny_data), "--output", str(tmp_path)]
    assert main(argv) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith("lixia-econ report: failed: ")
    assert "deliberate failure" in err
    assert "Traceback" not in err
    assert not list(tmp_path.rglob("report.html"))


# --------------------------------------------------------------------------- issue 13, fault 4

_BAD_CONFIGS = {
    "defaults_not_a_table": ("defaults = 3\n", "[defaults]"),
    "workers_not_a_number": ('[batch]\nworkers = "two"\n', "workers"),
    "timeout_not_a_number": ('[batch]\ntimeout = "x"\n', "timeout"),
    "report_not_tables": ("report = [1, 2]\n", "[[report]]"),
    "regions_a_string": ('[[matrix]]\ntemplate = "tiny"\nregions = "370102"\n', "regions"),
}


@pytest.mark.parametrize("case", sorted(_BAD_CONFIGS))
def test_bad_batch_config_values_exit_2_with_one_line(case, tmp_path, tiny_data, capsys):
    text, message = _BAD_CONFIGS[case]
    if "[[" not in text and "report =" not in text:
        text += '[[report]]\ntemplate = "tiny"\n'
    cfg = tmp_path / "c.toml"
    cfg.write_text(text, encoding="utf-8")
    argv = ["batch", str(cfg), "--no-progress", "--output", str(tmp_path / "r")]
    assert main([*argv, "--data", str(tiny_data)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("lixia-econ batch: ")
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("case", "argv", "message"),
    [
        ("timeout_inf", ["batch", "{cfg}", "--timeout", "inf"], "timeout"),
        ("timeout_nan", ["batch", "{cfg}", "--timeout", "nan"], "timeout"),
        ("scheduler", ["batch", "{cfg}", "--scheduler", "tcp://127.0.0.1:9"], "scheduler"),
        ("output_a_file", ["report", "--template", "{tpl}", "--output", "{file}"], "not a folder"),
        ("log_file", ["report", "--template", "{tpl}", "--log-file", "/proc/x/log"], "log"),
        ("template_not_a_notebook", ["report", "--template", "{file}"], "notebook"),
        ("as_of_fullwidth", ["report", "--template", "{tpl}", "-p", "as_of=２０３５"], "2035"),
        ("as_of_future", ["report", "--template", "{tpl}", "-p", "as_of=9999"], "9999"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    case, argv, message, tmp_path, tiny_template, tiny_data, capsys
):
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[[report]]\ntemplate = "{tiny_template}"\n', encoding="utf-8")
    afile = tmp_path / "a_file.txt"
    afile.write_text("not a folder", encoding="utf-8")
    fill = {"cfg": str(cfg), "tpl": str(tiny_template), "file": str(afile)}
    argv = [a.format(**fill) for a in argv]
    if "--output" not in argv:
        argv += ["--output", str(tmp_path / "r")]
    argv += ["--data", str(tiny_data)] + (["--no-progress"] if argv[0] == "batch" else [])
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith(f"lixia-econ {argv[0]}: ")
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert not list((tmp_path / "r").rglob("*.ipynb")) if (tmp_path / "r").exists() else True


# --------------------------------------------------------------------------- issue 13, fault 5


def _wait_for(pattern: str, root, proc, limit: float = 120.0):
    import time

    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        found = list(root.rglob(pattern))
        if found:
            return found[0]
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.05)
    raise AssertionError(f"{pattern} never appeared under {root}")


@pytest.mark.notebooks
@pytest.mark.parametrize("phase", ["kernel.log", "export", "publish"])
@pytest.mark.parametrize(("signum", "code"), [(15, 143), (2, 130)])
def test_a_signal_during_one_report_leaves_no_temporary_folder(
    phase, signum, code, tiny_template, tiny_data, tmp_path
):
    out = tmp_path / "reports"
    stale = out / "tiny" / "370102" / ".2021.tmp-deadbeef"
    stale.mkdir(parents=True)  # left by a run killed earlier: older than the next run
    os.utime(stale, (1, 1))
    env = {**os.environ, "PYTHONPATH": str(RAW_DIR.parents[1])}
    if phase != "kernel.log":
        env["LIXIA_ECON_TEST_PAUSE"] = phase
    argv = ["report", "--template", str(tiny_template), "-p", "region=370102"]
    argv += ["-p", "sleep=5"] if phase == "kernel.log" else []
    argv += ["--data", str(tiny_data), "--output", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "lixia_econ.cli", *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    marker = "kernel.log" if phase == "kernel.log" else f"paused-{phase}"
    _wait_for(marker, out, proc)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err
    assert "Traceback" not in err
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name or ".old-" in p.name]
    assert not list(out.rglob("report.html")) or phase == "publish"


def test_a_full_width_as_of_is_read_as_its_digits(tiny_template, tiny_data, tmp_path):
    from lixia_econ.report import prepare_job

    params = {"region": "370102", "as_of": "２０２１"}  # typed with a CJK input method
    job = prepare_job(
        tiny_template, params, data_dir=tiny_data, output_dir=tmp_path, from_text=True
    )
    assert job.parameters["as_of"] == "2021"
    assert job.target.name == "2021"
