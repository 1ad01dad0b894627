"""`gradproof report --jobs N`: worker processes give the same report as the in-process run.

What is checked: the split into workers keeps claim families whole and is balanced on the real
catalog; a small mixed subset checked by two spawned workers writes the same Markdown, JSON
(timings aside) and PNG bytes as ``--jobs 1``; a worker starts with the same persistent JAX
cache as the command; a worker that dies gives an error naming the claims, not a hang.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys

import pytest

import derivations
from checkers import parallel
from checkers.cli import run_claims

from test_reproducible import ROOT, compare_folders

# one claim or a few of several kinds: value, limit, gradient, experiment (with a figure),
# equality, indexed equality, and a refuted one
SUBSET = ("sigmoid.value_at_0", "sigmoid.prime_vanishes_high", "mse_sigmoid.grad_b",
          "experiments.softmax_sweep_tie", "bce_sigmoid.dataset_cost", "softmax.sums_to_one")


def _claims(prefixes):
    return [c for c in derivations.catalog() if any(c.id.startswith(p) for p in prefixes)]


def test_plan_keeps_families_whole_in_catalog_order_and_balanced():
    claims = derivations.catalog()
    chunks = parallel.plan(claims, 2)
    assert len(chunks) == 2 and sorted(i for ch in chunks for i in ch) == list(range(len(claims)))
    for ch in chunks:
        assert ch == sorted(ch)
    fams = [{parallel.family(claims[i].kind) for i in ch} for ch in chunks]
    assert not fams[0] & fams[1]  # a family (shared compilations) is never split
    assert {"network"} <= fams[0] | fams[1] and "indexed" in fams[0] | fams[1]
    assert not {"network", "indexed"} <= fams[0] and not {"network", "indexed"} <= fams[1]
    cost = [sum(parallel.FAMILY_SECONDS.get(parallel.family(claims[i].kind), parallel.OTHER_SECONDS)
                for i in ch) for ch in chunks]
    assert max(cost) < 1.25 * min(cost), cost
    assert parallel.plan(claims, 1) == [list(range(len(claims)))]
    assert len(parallel.plan(_claims(["sigmoid.value_at_"]), 4)) == 1  # one family: one worker


def test_jobs_2_writes_the_same_report_as_jobs_1(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    with open(os.devnull, "w") as devnull:
        run_claims(_claims(SUBSET), seed=5, points=48, out_md=one / "proof-report.md",
                   out_json=one / "proof-report.json", command="gradproof report --seed 5",
                   stream=devnull, jobs=1)
    run = subprocess.run([sys.executable, "-m", "checkers.cli", "report", "--only", *SUBSET,
                          "--points", "48", "--seed", "5", "--jobs", "2", "--out", str(two)],
                         capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "REFUTED   bce_sigmoid.dataset_cost_formula" in run.stdout  # one line per claim
    problems = compare_folders(one, two)
    assert not problems, "\n\n".join(problems)
    assert sorted(p.name for p in (two / "figures").glob("*.png")) == [
        "gradient_error_vs_magnitude.png", "softmax_temperature_sweep.png"]
    # two processes (this one and a new one) with one non-default seed: the same report above
    # (PNG bytes included), and the seed is what both record
    for out in (one, two):
        assert json.loads((out / "proof-report.json").read_text())["seed"] == 5
        assert "seed **5**" in (out / "proof-report.md").read_text()


def _cache_dir_of_worker():
    import jax

    return jax.config.jax_compilation_cache_dir


def test_worker_uses_the_commands_jax_cache(tmp_path, monkeypatch):
    import concurrent.futures as cf

    monkeypatch.setenv("GRADPROOF_JAX_CACHE", str(tmp_path / "jaxcache"))
    monkeypatch.delenv("JAX_COMPILATION_CACHE_DIR", raising=False)
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(1, mp_context=ctx, initializer=parallel._init_worker,
                                initargs=(ctx.Array("c", 256, lock=False),)) as pool:
        assert pool.submit(_cache_dir_of_worker).result(timeout=300) == str(tmp_path / "jaxcache")


def test_a_worker_that_dies_is_named_not_a_hang():
    # a cheap indexed claim, then an expensive one of the same family (same worker): the worker
    # is killed as soon as the first result arrives, while it checks the second
    claims = [derivations.get("softmax.sums_to_one"), derivations.get("softmax.eq1_quotient_rule"),
              derivations.get("softmax.eq2_exp_derivative")]

    def kill_workers(i, res):
        for p in multiprocessing.active_children():  # the pool's worker, started by this test
            os.kill(p.pid, signal.SIGKILL)

    with pytest.raises(parallel.WorkerError) as err:
        parallel.verify_in_workers(claims, seed=1, points=16, jobs=2, on_result=kill_workers)
    msg = str(err.value)
    assert "died while checking claim softmax.eq1_quotient_rule" in msg, msg
    assert "softmax.eq2_exp_derivative" in msg and "not checked" in msg, msg


_ORPHAN_PROBE = r"""
import multiprocessing, os, sys, time

def child():
    from checkers.parallel import exit_with_parent
    exit_with_parent(os.getppid(), poll=0.1)
    time.sleep(600)

if __name__ == "__main__":
    p = multiprocessing.get_context("spawn").Process(target=child)
    p.start()
    time.sleep(3)                      # the child has imported and started its watch
    print(p.pid, flush=True)
    os._exit(0)                        # as if killed: no pool shutdown, no join
"""


def test_a_worker_ends_when_its_parent_is_killed(tmp_path):
    """A report worker whose parent dies without shutting the pool down (``kill``) exits by
    itself (:func:`checkers.parallel.exit_with_parent`) instead of checking on as an orphan."""
    import time

    script = tmp_path / "probe.py"
    script.write_text(_ORPHAN_PROBE)
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    pid = int(run.stdout.split()[0])
    def gone():                        # exited: no such process, or a zombie nobody reaps
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0] == "Z"
        except (FileNotFoundError, ProcessLookupError):
            return True

    for _ in range(600):               # a liveness bound (60 s), not a speed figure
        if gone():
            return
        time.sleep(0.1)
    os.kill(pid, 9)
    raise AssertionError(f"worker {pid} outlived its parent by 60 s")
