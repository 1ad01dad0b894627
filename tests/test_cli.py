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
