r"""The cold-start table: whole commands, each from a new process, best of N, side by side with
``jax.test_util.check_grads`` and ``torch.autograd.gradcheck`` on the same claim in the same run.

``python -m benchmarks.coldstart_table --out benchmarks/coldstart.md`` (the README gives it)
writes the table (Markdown, and JSON beside it).  Each row is a command run ``--repeats`` times
(default 3) as a subprocess; the table gives the best (least) wall time, every run's time, and
the peak resident memory of the largest process of the best run (``wait4``'s ``ru_maxrss``: the
command or the largest of the workers it waited for).

Rows (the rows of issue 14's table):

* ``gradproof report``, cold: ``GRADPROOF_JAX_CACHE`` set to a new empty folder for every run
  (a new machine: no compiled program from an earlier run);
* ``gradproof report``, second run: in the folder the cold row's last run filled;
* ``gradproof check examples/tanh_mse_claims.py`` (the README's example: 4 claims and 2
  implementations, 1,024 points each), cold and second run in the same way;
* the same claim with ``check_grads`` and with ``gradcheck`` at one point, whole process
  (:mod:`benchmarks.tanh_one_point`), and each on the wrong backward pass (it must fail);
* ``gradproof --help`` and ``gradproof list``;
* the README's test command (``pytest``), cold (an empty compile cache) and second run, unless
  ``--skip pytest pytest_cold``.

Ratios are gradproof's best time over the competitor's best time from the same run (> 1:
gradproof slower).  Times are wall seconds on the machine named in the output; the machine's
other load is recorded (load average before and after), never asserted.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

__all__ = ["run_command", "best_of", "rows", "render", "main"]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join("examples", "tanh_mse_claims.py")


def _gradproof():
    exe = shutil.which("gradproof")
    return [exe] if exe else [sys.executable, "-m", "checkers.cli"]


def run_command(cmd, env=None, timeout: float = 1800) -> dict:
    """One run of ``cmd`` (a list) from ``ROOT``: wall seconds, exit status, peak RSS (MiB),
    the last line of its output."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out,
                                stderr=subprocess.STDOUT)
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace").strip().splitlines()
    return {"wall_s": wall, "returncode": proc.returncode, "peak_mib": usage.ru_maxrss / 1024,
            "last_line": text[-1][:200] if text else ""}


def best_of(make, repeats: int) -> dict:
    """``make()`` returns ``(cmd, env, cleanup)`` for one run; the best of ``repeats`` runs."""
    runs = []
    for _ in range(repeats):
        cmd, env, cleanup = make()
        try:
            runs.append(run_command(cmd, env))
        finally:
            if cleanup:
                cleanup()
    best = min(runs, key=lambda r: r["wall_s"])
    return {**best, "runs_s": [r["wall_s"] for r in runs],
            "returncodes": sorted({r["returncode"] for r in runs})}


def rows(repeats: int = 3, skip=()) -> list:
    """Measure every row (in the order of the table)."""
    gp = _gradproof()
    out = []

    def add(key, what, command, make, target="", stretch=""):
        if key in skip:
            return
        print(f"  {what} ...", file=sys.stderr, flush=True)
        r = best_of(make, repeats)
        out.append({"key": key, "what": what, "command": command, "target": target,
                    "stretch": stretch, **r})
        print(f"    best {r['wall_s']:.2f} s of {[round(t, 2) for t in r['runs_s']]}",
              file=sys.stderr, flush=True)

    def done(kept):
        for old in kept:
            shutil.rmtree(old, True)

    def cold(args, exe=gp):
        """Each run in a new empty cache folder; the last run's folder is kept (``kept``) to be
        the filled folder of the second-run row that follows (it needs no extra filling run)."""
        kept = []

        def make():
            done(kept)
            kept[:] = [tempfile.mkdtemp(prefix="gradproof-cold-")]
            outdir = tempfile.mkdtemp(prefix="gradproof-out-")
            return (exe + args(outdir), {"GRADPROOF_JAX_CACHE": kept[0]},
                    lambda: shutil.rmtree(outdir, True))
        return make, kept

    def warm(args, kept, exe=gp):
        """Runs in the folder the cold row's last run filled (or, when that row was skipped, a
        folder filled by one untimed run first)."""
        outdir = tempfile.mkdtemp(prefix="gradproof-out-")

        def make():
            if not kept:   # the cold row was skipped: one run to fill the folder, not timed
                kept.append(tempfile.mkdtemp(prefix="gradproof-warm-"))
                run_command(exe + args(outdir), {"GRADPROOF_JAX_CACHE": kept[0]})
            return exe + args(outdir), {"GRADPROOF_JAX_CACHE": kept[0]}, None
        return make, lambda: shutil.rmtree(outdir, True)

    report = lambda d: ["report", "--out", d]   # noqa: E731
    check = lambda d: ["check", EXAMPLE]        # noqa: E731
    suite = lambda d: ["-m", "pytest"]          # noqa: E731  (the README's command, exactly)
    make, kept = cold(report)
    add("report_cold", "`gradproof report`, cold (empty compile cache)",
        "GRADPROOF_JAX_CACHE=<new empty folder> gradproof report", make, "≤ 20 s", "≤ 10 s")
    make, clean = warm(report, kept)
    add("report_warm", "`gradproof report`, second run (compile and result caches filled)",
        "gradproof report (again, same cache: every result replayed, the report says so)", make,
        "≤ 8 s", "≤ 4 s")
    clean()
    make, clean = warm(lambda d: [*report(d), "--no-cache"], kept)
    add("report_warm_recompute", "`gradproof report --no-cache`, second run (compile cache "
        "filled, every result recomputed)", "gradproof report --no-cache (again, same cache)",
        make, "", "")
    clean()
    done(kept)
    make, kept = cold(check)
    add("check_cold", "`gradproof check examples/tanh_mse_claims.py`, cold",
        f"GRADPROOF_JAX_CACHE=<new empty folder> gradproof check {EXAMPLE}", make,
        "≤ 1.5 s", "≤ 1 s")
    make, clean = warm(check, kept)
    add("check_warm", "`gradproof check examples/tanh_mse_claims.py`, second run",
        f"gradproof check {EXAMPLE} (again, same cache)", make, "≤ 1.5 s", "≤ 1 s")
    clean()
    done(kept)
    for tool in ("check_grads", "gradcheck"):
        for mutant in (False, True):
            cmd = [sys.executable, "-m", "benchmarks.tanh_one_point", "--tool", tool] + \
                (["--mutant"] if mutant else [])
            add(f"{tool}{'_mutant' if mutant else ''}",
                f"`{tool}`, same claim, one point" + (" (wrong backward: must fail)" if mutant else ""),
                " ".join(["python"] + cmd[1:]), lambda cmd=cmd: (cmd, None, None))
    add("help", "`gradproof --help`", "gradproof --help",
        lambda: (gp + ["--help"], None, None), "≤ 0.3 s")
    add("list", "`gradproof list`", "gradproof list", lambda: (gp + ["list"], None, None))
    make, kept = cold(suite, [sys.executable])
    add("pytest_cold", "the README's test command (`pytest`), cold (empty compile cache)",
        "GRADPROOF_JAX_CACHE=<new empty folder> pytest", make, "≤ 3 min", "≤ 2 min")
    make, clean = warm(suite, kept, [sys.executable])
    add("pytest", "the README's test command (`pytest`), second run (compile cache filled)",
        "pytest (again, same cache)", make, "≤ 3 min", "≤ 2 min")
    clean()
    done(kept)
    return out


def _fmt(s):
    return "" if s is None else (f"{s:.2f}" if s < 100 else f"{s:.0f}")


def render(data: dict) -> str:
    """The Markdown table with ratios to the competitors of the same run."""
    by = {r["key"]: r for r in data["rows"]}
    lines = [
        "# Cold start: whole commands, best of "
        f"{data['repeats']}",
        "",
        f"Command: `{data['command']}` (started {data['started']}, total {data['total_s']:.0f} s).",
        "",
        f"Machine: {data['machine']}. Load average before {data['load_before']}, after "
        f"{data['load_after']}.",
        "",
        "Each command runs in a new process from the project's root; *best* is the least wall time "
        "of the runs (every run's time follows), *peak* the resident memory of the largest process "
        "of that run. *Cold*: `GRADPROOF_JAX_CACHE` is a new empty folder for each run (no "
        "compiled program from an earlier run, no stored result). *Second run*: the folder the "
        "cold row's last run filled; `gradproof report` then replays every result from the "
        "result cache (same claims, seed, code and versions; the report names them), and "
        "`--no-cache` recomputes them with the compiled programs cached. The competitors check the same claim (the hand-written backward pass of "
        "`examples/tanh_mse_claims.py`) at one point, which is what they do per call; gradproof "
        "checks 4 claims and 2 implementations at 1,024 points each, with symbolic proofs, two "
        "numeric witnesses and the mpmath referee.",
        "",
        "| what | best (s) | runs (s) | peak (MiB) | exit | / check_grads | / gradcheck | target | stretch |",
        "|---|---:|---|---:|---|---:|---:|---|---|",
    ]
    cg, tg = by.get("check_grads"), by.get("gradcheck")
    for r in data["rows"]:
        ratio = lambda other: (f"{r['wall_s'] / other['wall_s']:.2f}"  # noqa: E731
                               if other and r["key"] in ("check_cold", "check_warm") else "")
        runs = ", ".join(_fmt(t) for t in r["runs_s"])
        lines.append(f"| {r['what']} | **{_fmt(r['wall_s'])}** | {runs} | {r['peak_mib']:.0f} | "
                     f"{', '.join(map(str, r['returncodes']))} | {ratio(cg)} | {ratio(tg)} | {r['target']} | "
                     f"{r['stretch']} |")
    lines += ["", "Commands:", ""]
    lines += [f"- {r['what']}: `{r['command']}` (last line: `{r['last_line']}`)" for r in data["rows"]]
    return "\n".join(lines) + "\n"


def _machine() -> str:
    import platform

    cpu = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "")
    except OSError:  # pragma: no cover
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="benchmarks/coldstart.md", help="Markdown file (JSON beside it)")
    ap.add_argument("--repeats", type=int, default=3, help="runs per command (the best is shown)")
    ap.add_argument("--skip", nargs="*", default=[], help="row keys to leave out (e.g. pytest_cold pytest)")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    started = _dt.datetime.now().isoformat(timespec="seconds")
    load_before = tuple(round(v, 2) for v in os.getloadavg())
    measured = rows(a.repeats, set(a.skip))
    data = {"command": "python -m benchmarks.coldstart_table " + " ".join(argv or sys.argv[1:]),
            "started": started, "repeats": a.repeats, "machine": _machine(),
            "load_before": load_before, "load_after": tuple(round(v, 2) for v in os.getloadavg()),
            "total_s": time.perf_counter() - t0, "rows": measured}
    with open(a.out, "w") as fh:
        fh.write(render(data))
    with open(os.path.splitext(a.out)[0] + ".json", "w") as fh:
        json.dump(data, fh, indent=1)
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
