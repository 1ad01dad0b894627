"""The command line, end to end, and the report files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "checkers.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=600)


def test_list_shows_catalog_in_order():
    out = run("list")
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert lines[0].startswith("mse_sigmoid.grad_w")
    assert any(line.startswith("bce_sigmoid.grad_b ") for line in lines)


def test_report_writes_markdown_and_json(tmp_path):
    out = run("report", "--only", "sigmoid.value", "bce_sigmoid.dataset_cost", "--points", "64",
              "--seed", "3", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert "REFUTED   bce_sigmoid.dataset_cost_formula" in out.stdout
    md = (tmp_path / "proof-report.md").read_text()
    assert "seed **3**" in md and "```math" in md and "Counterexample" in md
    doc = json.loads((tmp_path / "proof-report.json").read_text())
    assert doc["seed"] == 3
    rec = {c["id"]: c for c in doc["claims"]}["bce_sigmoid.dataset_cost_formula"]
    for key in ("id", "title", "source", "kind", "statement_latex", "verdict", "witnesses"):
        assert key in rec
    assert rec["source"]["year"] == 2026 and rec["verdict"] == "REFUTED"
    w = rec["witnesses"][1]
    assert {"status", "worst_error", "tolerance", "points"} <= set(w)


@pytest.mark.parametrize("args", [["report", "--only", "no.such"], ["nope"], ["report", "--points", "0"],
                                  ["report", "--jobs", "0"]],
                         ids=["unknown-prefix", "unknown-command", "zero-points", "zero-jobs"])
def test_usage_errors_exit_2(args, tmp_path, capsys):
    """In this process (the command's own entry point is exercised by the subprocess tests)."""
    from checkers.cli import main

    argv = [*args, *(["--out", str(tmp_path)] if args[0] == "report" else [])]
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's usage errors
        code = stop.code
    assert code == 2
    assert capsys.readouterr().err.strip()  # a message, not silence


def _modules_loaded_by(code: str) -> list:
    """Which of JAX, SymPy and matplotlib a fresh interpreter has imported after ``code``."""
    probe = code + ("\nimport json, sys\nprint(json.dumps(sorted(m for m in ('jax', 'sympy', "
                    "'matplotlib') if m in sys.modules)))")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_help_and_list_import_neither_jax_nor_matplotlib():
    """`gradproof --help` builds its parser without JAX, SymPy or matplotlib (issue 14: the
    imports are lazy); `gradproof list` needs SymPy for the claims, nothing numeric; importing
    `checkers` still switches JAX to float64 for a JAX imported afterwards."""
    help_code = ("import contextlib, io, checkers.cli\n"
                 "with contextlib.redirect_stdout(io.StringIO()):\n"
                 "    try:\n        checkers.cli.main(['--help'])\n"
                 "    except SystemExit:\n        pass")
    assert _modules_loaded_by(help_code) == []
    list_code = ("import contextlib, io, checkers.cli\n"
                 "with contextlib.redirect_stdout(io.StringIO()):\n    checkers.cli.main(['list'])")
    assert _modules_loaded_by(list_code) == ["sympy"]
    x64 = "import checkers, jax.numpy as jnp\nassert jnp.ones(2).dtype == jnp.float64"
    assert "jax" in _modules_loaded_by(x64)
