r"""Cold start of ``gradproof report``: the whole command from a fresh process, and where its
time goes.

Two measurements, each in a new Python process (nothing imported, nothing compiled, no JAX cache);
the benchmark runs the second by default and both with ``--cold-cli`` (each is a whole report):

1. ``gradproof report --out <tmp>`` as a subprocess: the wall time a user sees, from ``exec`` to
   exit (interpreter start included), with the default ``--jobs`` (worker processes:
   :data:`checkers.parallel.DEFAULT_JOBS`, recorded as ``jobs``) and
   ``GRADPROOF_JAX_CACHE=off``, so no compiled program comes from an earlier run's persistent
   JAX cache (truly cold).
2. This module run as ``python -m benchmarks.coldstart --split-json <file>``: the same code path
   (``derivations.catalog()`` then :func:`checkers.cli.run_claims`, which calls
   :func:`checkers.engine.verify` per claim and writes both reports), instrumented:

   * ``import``    -- ``import checkers, derivations`` (JAX, SymPy, NumPy, mpmath come with them),
   * ``catalog``   -- building the claims (``derivations.catalog()``: SymPy expressions),
   * ``symbolic``  -- the symbolic witnesses (``WitnessResult.seconds`` of each ``symbolic`` result),
   * ``compile``   -- JAX tracing, lowering and XLA compilation, from JAX's own monitoring events,
     all of which happen inside the numeric witnesses,
   * ``referee``   -- inside the numeric witnesses, the mpmath referee
     (:func:`checkers.highprec.compare_at` and ``mp_diff`` as called by
     :mod:`checkers.pointwise`) on the points float64 could not decide,
   * ``numeric``   -- the numeric witnesses' ``seconds`` minus compile and referee time (float64
     evaluation, JAX autodiff, finite differences, sampling inside witnesses),
   * ``reports``   -- writing ``proof-report.md`` (with its figures) and ``proof-report.json``,
   * ``other``     -- the rest (sampling, combining, printing).

   The split is of the in-process path (``--jobs 1``): worker processes would hide the
   per-claim compile and referee times in other processes.

The per-claim rows also give each claim's ``seconds`` as written in ``proof-report.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

__all__ = ["cold_report_wall", "instrumented", "run"]


def cold_report_wall(extra_args=(), timeout: float = 600) -> dict:
    """Wall time of ``gradproof report`` in a fresh process (the real command), truly cold.

    The command runs with its default ``--jobs`` unless ``extra_args`` say otherwise, and with
    ``GRADPROOF_JAX_CACHE=off``: the persistent JAX compilation cache that the command uses
    by default would otherwise serve the programs compiled by an earlier run.
    """
    jobs = min(2, os.cpu_count() or 1)  # checkers.parallel.default_jobs(), without importing JAX here
    for i, a in enumerate(extra_args):
        if a == "--jobs" and i + 1 < len(extra_args):
            jobs = int(extra_args[i + 1])
        elif a.startswith("--jobs="):
            jobs = int(a.split("=", 1)[1])
    with tempfile.TemporaryDirectory() as tmp:
        exe = shutil.which("gradproof")
        cmd = ([exe] if exe else [sys.executable, "-m", "checkers.cli"]) + ["report", "--out", tmp,
                                                                            *extra_args]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "PYTHONHASHSEED": "0", "GRADPROOF_JAX_CACHE": "off"})
        wall = time.perf_counter() - t0
        summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
        report = {}
        jp = os.path.join(tmp, "proof-report.json")
        if os.path.exists(jp):
            with open(jp) as fh:
                report = json.load(fh)
    return {"command": " ".join(["gradproof report", *extra_args]), "jobs": jobs, "wall_s": wall,
            "jax_cache": "off",
            "returncode": proc.returncode, "summary": summary,
            "claims": len(report.get("claims", [])),
            "report_wall_seconds": report.get("wall_seconds"),
            "stderr_tail": proc.stderr[-400:] if proc.returncode else ""}


def instrumented(timeout: float = 600) -> dict:
    """The split, from ``python -m benchmarks.coldstart`` in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "split.json")
        cmd = [sys.executable, "-m", "benchmarks.coldstart", "--split-json", out, "--report-dir", tmp]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            return {"error": proc.stderr[-1500:], "wall_s": wall}
        with open(out) as fh:
            split = json.load(fh)
    split["process_wall_s"] = wall
    split["interpreter_and_rest_s"] = wall - split["in_process_s"]
    return split


def _main_split(split_json: str, report_dir: str) -> None:
    t_start = time.perf_counter()
    from benchmarks.timing import compile_seconds  # only registers a JAX listener on first use

    t0 = time.perf_counter()
    import checkers  # noqa: F401
    import derivations

    t_import = time.perf_counter() - t0
    c_import = compile_seconds()  # also registers the listener (JAX is imported by now)
    t0 = time.perf_counter()
    claims = derivations.catalog()
    t_catalog = time.perf_counter() - t0

    from checkers import engine, pointwise
    from checkers.cli import run_claims

    referee = [0.0]

    def _timed_referee(fn):
        def wrapper(*a, **kw):
            r0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                referee[0] += time.perf_counter() - r0
        return wrapper

    from checkers import report as report_pkg

    writing = [0.0]

    def _timed_writer(fn):
        def wrapper(*a, **kw):
            r0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                writing[0] += time.perf_counter() - r0
        return wrapper

    report_pkg.write_markdown = _timed_writer(report_pkg.write_markdown)
    report_pkg.write_json = _timed_writer(report_pkg.write_json)
    pointwise.compare_at = _timed_referee(pointwise.compare_at)
    pointwise.mp_diff = _timed_referee(pointwise.mp_diff)

    per_claim = []
    orig_verify = engine.verify

    def timed_verify(claim, **kw):
        c0, r0 = compile_seconds(), referee[0]
        w0 = time.perf_counter()
        res = orig_verify(claim, **kw)
        wall = time.perf_counter() - w0
        sym = sum(w.seconds for w in res.witnesses if w.witness == "symbolic")
        num = sum(w.seconds for w in res.witnesses if w.witness != "symbolic")
        comp = compile_seconds() - c0
        ref = referee[0] - r0
        per_claim.append({"id": claim.id, "kind": claim.kind, "verdict": res.verdict,
                          "seconds": round(res.seconds, 3), "wall_s": wall, "symbolic_s": sym,
                          "numeric_witnesses_s": num, "compile_s": comp,
                          "referee_s": ref})
        return res

    engine.verify = timed_verify
    try:
        t0 = time.perf_counter()
        with open(os.devnull, "w") as devnull:
            from checkers.engine import DEFAULT_SEED
            from checkers.sampling import DEFAULT_POINTS

            run_claims(claims, seed=DEFAULT_SEED, points=DEFAULT_POINTS,
                       out_md=os.path.join(report_dir, "proof-report.md"),
                       out_json=os.path.join(report_dir, "proof-report.json"), stream=devnull)
        t_run = time.perf_counter() - t0
    finally:
        engine.verify = orig_verify
    sym = sum(r["symbolic_s"] for r in per_claim)
    comp = sum(r["compile_s"] for r in per_claim)
    ref = sum(r["referee_s"] for r in per_claim)
    num = sum(r["numeric_witnesses_s"] for r in per_claim) - comp - ref
    verify_total = sum(r["wall_s"] for r in per_claim)
    with open(os.path.join(report_dir, "proof-report.json")) as fh:
        json_seconds = sum(c["seconds"] for c in json.load(fh)["claims"])
    split = {
        "claims": len(per_claim),
        "import_s": t_import, "import_compile_s": c_import,
        "catalog_s": t_catalog,
        "symbolic_s": sym, "compile_s": comp, "referee_s": ref, "numeric_s": num,
        "reports_s": writing[0],
        "other_s": (t_run - verify_total - writing[0]) + (verify_total - sym - comp - ref - num),
        "run_claims_s": t_run, "json_seconds_sum": json_seconds,
        "in_process_s": time.perf_counter() - t_start,
        "per_claim": per_claim,
    }
    with open(split_json, "w") as fh:
        json.dump(split, fh, indent=1)


def run(cli: bool = False) -> dict:
    """The instrumented fresh-process run; with ``cli=True`` also the plain ``gradproof report``."""
    out = {"split": instrumented()}
    if cli:
        out["cli"] = cold_report_wall()
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split-json", help="write the in-process split here (internal)")
    ap.add_argument("--report-dir", default=None)
    a = ap.parse_args()
    if a.split_json:
        _main_split(a.split_json, a.report_dir or tempfile.mkdtemp())
    else:
        print(json.dumps(run(cli=True), indent=1, default=str))
