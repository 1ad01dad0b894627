"""Smoke test of the benchmark harness (``python -m benchmarks.run``) at its smallest sizes.

No timing is asserted (speed is measured by the benchmark, never by tests).  What is asserted
follows from each tool's documented tolerance, worked out by hand:

* every tool detects the dropped Kronecker delta (softmax + NLL: the label's gradient entry off by
  exactly 1, while the whole gradient has norm below 2) and the dropped sigma' (MLP);
* ``check_grads`` passes the (1 + 1e-6) mutant: it compares one directional derivative with
  ``rtol = 1e-5`` and the mutant changes it by a relative 1e-6;
* ``gradcheck`` (full and fast) passes it too: element-wise ``|d| <= atol + rtol |g|`` with
  ``rtol = 1e-3`` holds for any ``|d| = 1e-6 |g|``;
* gradproof's witnesses (relative tolerance 1e-10, failures confirmed in high precision) detect
  every mutant on their full sample, and pass the correct functions.
"""

from __future__ import annotations

import importlib.util
import json

import pytest

from benchmarks import functions as F
from benchmarks import run

# The harness's quick run (JAX, torch and gradproof at the smallest sizes) takes about 35 s: a
# benchmark, run with the benchmarks (`pytest -m slow tests/test_benchmarks_smoke.py`), not in the
# default run that must stay under 5 minutes on 2 cores.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "results.md"
    assert run.main(["--quick", "--sections", "competitors", "gradproof", "--out", str(out)]) == 0
    return json.loads(out.with_suffix(".json").read_text()), out.read_text()


def _rows(data, tool_prefix, problem):
    rows = [r for r in data["competitors"] + data["gradproof"]["rows"]
            if r["tool"].startswith(tool_prefix) and r.get("problem") == problem]
    assert rows, f"no {tool_prefix} rows for {problem}"
    return rows


@pytest.mark.parametrize("tool", ["check_grads rev", "check_grads fwd+rev"])
def test_check_grads_detection(quick, tool):
    data, _ = quick
    (sm,) = _rows(data, tool, "softmax_nll")
    (mlp,) = _rows(data, tool, "mlp")
    assert sm["size"] == F.SOFTMAX_KS[0] and mlp["params"] == F.mlp_param_count(F.MLP_SIZES[0])
    assert sm["correct"] == "pass" and mlp["correct"] == "pass"
    assert sm["detects"]["delta"] == "detected"
    assert mlp["detects"]["sigma"] == "detected"
    assert sm["detects"]["scale"] == "pass" and mlp["detects"]["scale"] == "pass"
    assert sm["f_evals"] >= 3 and sm["grad_evals"] >= 1  # primal + two finite-difference evaluations


@pytest.mark.parametrize("tool", ["gradcheck full", "gradcheck fast"])
def test_gradcheck_detection_or_reported_missing(quick, tool):
    data, _ = quick
    rows = [r for r in data["competitors"] if r["tool"] == tool]
    if importlib.util.find_spec("torch") is None:
        assert rows and all("torch is not installed" in r["error"] for r in rows)
        return
    (sm,) = [r for r in rows if r["problem"] == "softmax_nll"]
    (mlp,) = [r for r in rows if r["problem"] == "mlp"]
    assert sm["correct"] == "pass" and mlp["correct"] == "pass"
    assert sm["detects"]["delta"] == "detected" and mlp["detects"]["sigma"] == "detected"
    assert sm["detects"]["scale"] == "pass" and mlp["detects"]["scale"] == "pass"
    if tool == "gradcheck full":  # two evaluations per input entry: the full numerical Jacobian
        assert sm["f_evals"] >= 2 * sm["size"]


def test_gradproof_rows_detect_every_mutant(quick):
    data, md = quick
    avail = data["availability"]
    rows = data["gradproof"]["rows"]
    explicit = [r for r in rows if r["mode"] == "explicit K"]
    assert explicit and explicit[0]["correct"] == "pass"
    assert explicit[0]["detects"] == {m: "detected" for m in F.SOFTMAX_MUTANTS}
    if avail["checkers.indexed"] == "ok":
        claim_rows = [r for r in rows if r["mode"].startswith("claim")]
        assert {r["mode"] for r in claim_rows} == {"claim", "claim, 1 point"}
        for r in claim_rows:
            assert r["correct"] == "pass", r
            # the (1 + 1e-6) and dropped-delta mutants are wrong at every point
            assert r["detects"]["scale"] == r["detects"]["delta"] == "detected", r
            # entry y + 1 exists only when the sampled label y < K: the full sample has such points,
            # one point may not (the benchmark reports what the single point found)
            assert r["detects"]["entry"] in (("detected",) if r["mode"] == "claim" else ("detected", "pass")), r
    else:
        assert "checkers/indexed/" in data["gradproof"]["missing"]
    if avail["checkers.network"] == "ok" and avail["derivations.backprop"] == "ok":
        (net,) = [r for r in rows if r["mode"] == "network claims"]
        assert net["correct"] == "pass", net
        assert net["detects"] == {m: "detected" for m in F.MLP_MUTANTS}, net
    else:
        assert "backprop" in data["gradproof"]["missing"]
    # the Markdown has both tables and names the machine
    assert "## Softmax + NLL" in md and "## MLP backprop" in md and "nproc" in md


def test_loglog_slope_recovers_known_exponents():
    xs = [10, 100, 1000]
    assert run.loglog_slope(xs, [2 * x for x in xs]) == pytest.approx(1.0)
    assert run.loglog_slope(xs, [3.0, 3.0, 3.0]) == pytest.approx(0.0)
    assert run.loglog_slope(xs, [x ** 2 for x in xs]) == pytest.approx(2.0)
