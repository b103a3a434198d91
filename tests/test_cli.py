"""``python cli.py``: the entry point beside the ``cli/`` package lists every command group as
before, and ``--help`` reads no domain package (each handler imports what it needs when it runs)."""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMMANDS = {"demo-data", "import", "datasets", "kpi", "forecast", "monitor", "predict", "channels", "assess", "scorecard", "lifecycle", "report",
            "questionnaire", "db", "client", "user"}
ACTIONS = {"kpi": {"list", "compute"}, "assess": {"validate", "template", "score"},
           "questionnaire": {"export", "import"}, "db": {"upgrade", "revision"},
           "client": {"add", "list", "export", "import"},
           "user": {"add", "list", "passwd", "assign", "deactivate"}}
DOMAIN = ("core", "data", "kpis", "assessment", "scorecards", "lifecycle", "charts", "reports", "storage", "auth",
          "services", "usecases")


def _listed(help_text: str) -> set[str]:
    """The subcommand names of an argparse help: the indented words under ``COMMAND``/``ACTION``."""
    block = help_text.split("positional arguments:", 1)[1].split("options:", 1)[0]
    return {m.group(1) for m in re.finditer(r"^ {4}([a-z][a-z-]*)\b", block, re.MULTILINE)}


def test_python_cli_py_help_lists_every_command():
    out = subprocess.run([sys.executable, "cli.py", "--help"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.startswith("usage: cli.py [-h] COMMAND ...")
    assert _listed(out.stdout) == COMMANDS


def test_every_command_group_keeps_its_actions():
    import cli

    groups = next(a for a in cli.build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert set(groups) == COMMANDS
    for name, actions in ACTIONS.items():
        inner = next(a for a in groups[name]._actions if isinstance(a, argparse._SubParsersAction))
        assert set(inner.choices) == actions, name


def test_the_entry_point_runs_the_cli_package_and_help_reads_no_domain_package():
    code = ("import sys, runpy; sys.argv = ['cli.py', '--help']\n"
            "try:\n    runpy.run_path('cli.py', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('LOADED', getattr(sys.modules.get('cli'), '__file__', None),"
            f" sorted({{m.split('.')[0] for m in sys.modules}} & {set(DOMAIN)!r}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = out.stdout.rsplit("LOADED ", 1)[1].strip()
    assert loaded == f"{ROOT / 'cli' / '__init__.py'} []"


def test_no_command_is_exit_code_2_and_help_exit_code_0(capsys):
    import cli

    assert cli.main([]) == 0  # argv given but empty: the help, on purpose
    assert "COMMAND" in capsys.readouterr().out
    assert subprocess.run([sys.executable, "cli.py"], cwd=ROOT, capture_output=True).returncode == 2
