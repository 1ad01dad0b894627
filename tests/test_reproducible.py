"""`gradproof report --seed N` is reproducible, and the committed reports/ is current.

Two processes with one seed: the committed report (written by `gradproof report` in its own
process) against the same report rebuilt here; a non-default seed in two processes:
tests/test_report_jobs.py (this process at ``--jobs 1`` against a new one at ``--jobs 2``).

Normalization: the only values allowed to change between two runs with the same seed (and the
same versions) are timings: the Markdown's ``Wall time:`` line and the JSON keys in
``checkers.report.TIMING_KEYS``.  Figures are compared byte for byte: they are written with
fixed sizes and style and ``metadata={"Software": None}`` (no version, no date), so the same
numbers give the same PNG with the same matplotlib (see ``checkers/report/figures.py``).
"""

from __future__ import annotations

import difflib
import json
import pathlib

import pytest

import checkers
import checkers.engine
from checkers.report import without_timings
from conftest import SYMBOLIC_SECONDS
from checkers.sampling import DEFAULT_POINTS

ROOT = pathlib.Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "reports"
STALE = ("reports/ is not what `gradproof report` writes now: regenerate it with `gradproof report` "
         "(from the repository root) and commit reports/. ")


def normalize_md(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("Wall time:")) + "\n"


def normalize_json(text: str):
    return without_timings(json.loads(text))


def _diff(a: str, b: str, name: str, limit: int = 40) -> str:
    lines = list(difflib.unified_diff(a.splitlines(), b.splitlines(), f"committed {name}",
                                      f"regenerated {name}", lineterm="", n=1))
    more = f"\n... ({len(lines) - limit} more diff lines)" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more


def compare_folders(expected: pathlib.Path, got: pathlib.Path) -> list:
    """Differences between two report folders, normalized; empty when they are the same report."""
    problems = []
    for name in ("proof-report.md", "proof-report.json"):
        a, b = expected / name, got / name
        if not a.is_file():
            problems.append(f"{a} is missing")
            continue
        if not b.is_file():
            problems.append(f"{b} was not written")
            continue
        if name.endswith(".md"):
            ta, tb = normalize_md(a.read_text()), normalize_md(b.read_text())
            if ta != tb:
                problems.append(f"{name} differs:\n{_diff(ta, tb, name)}")
        else:
            ja, jb = normalize_json(a.read_text()), normalize_json(b.read_text())
            if ja != jb:
                ta = json.dumps(ja, indent=1, sort_keys=True)
                tb = json.dumps(jb, indent=1, sort_keys=True)
                problems.append(f"{name} differs (timings removed):\n{_diff(ta, tb, name)}")
    fa = sorted(p.name for p in (expected / "figures").glob("*.png"))
    fb = sorted(p.name for p in (got / "figures").glob("*.png"))
    if fa != fb:
        problems.append(f"figures differ: committed {fa}, regenerated {fb}")
    for name in sorted(set(fa) & set(fb)):
        if (expected / "figures" / name).read_bytes() != (got / "figures" / name).read_bytes():
            problems.append(f"figures/{name} differs byte for byte")
    return problems


def test_committed_reports_are_current(tmp_path, monkeypatch, result_of):
    """`gradproof report` (default seed and points) into a temporary folder == committed reports/.

    The CLI runs for real; only `verify` is served from the session's cache of the same calls
    (`checkers.verify(claim, symbolic_seconds=SIMPLIFY_SECONDS)` at the default seed and points,
    what the report asks for) so the catalog is checked once per
    test session.  ``--jobs 1`` keeps the checking in this process, where the cache is (worker
    processes give the same report: tests/test_report_jobs.py).
    """
    real = checkers.engine.verify

    def cached(claim, *, seed=checkers.DEFAULT_SEED, points=DEFAULT_POINTS, **kw):
        if seed == checkers.DEFAULT_SEED and points == DEFAULT_POINTS and \
                kw == {"symbolic_seconds": SYMBOLIC_SECONDS}:   # the report's own call
            return result_of(claim.id)
        return real(claim, seed=seed, points=points, **kw)

    monkeypatch.setattr(checkers.engine, "verify", cached)
    from checkers.cli import main

    assert main(["report", "--out", str(tmp_path), "--jobs", "1"]) == 0
    problems = compare_folders(COMMITTED, tmp_path)
    assert not problems, STALE + "\n\n".join(problems)


def test_normalization_removes_timings_only():
    md = "x\nWall time: 12.3 s.\ny\n"
    assert normalize_md(md) == "x\ny\n"
    assert normalize_md("Wall time is a phrase\n") == "Wall time is a phrase\n"  # not the timing line
    doc = {"seed": 1, "wall_seconds": 3.2, "claims": [{"id": "a", "seconds": 0.1, "points": 5}]}
    assert normalize_json(json.dumps(doc)) == {"seed": 1, "claims": [{"id": "a", "points": 5}]}


@pytest.mark.parametrize("what", ["md", "png"])
def test_a_changed_report_is_detected(tmp_path, what):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        (d / "figures").mkdir(parents=True)
        (d / "proof-report.md").write_text("# r\n\nWall time: 1 s.\n")
        (d / "proof-report.json").write_text(json.dumps({"seed": 1, "wall_seconds": 1}))
        (d / "figures" / "f.png").write_bytes(b"\x89PNG same")
    (b / "proof-report.md").write_text("# r\n\nWall time: 2 s.\n")  # timing only: still the same
    assert compare_folders(a, b) == []
    if what == "md":
        (b / "proof-report.md").write_text("# r changed\n\nWall time: 2 s.\n")
    else:
        (b / "figures" / "f.png").write_bytes(b"\x89PNG other")
    assert compare_folders(a, b)
