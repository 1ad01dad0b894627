"""The mutation suite (issue 6): every plausible derivation mistake is REFUTED.

Each mutant is a wrong claim built from a catalog claim that holds (``checkers.mutation``).  The
combined verdict is the engine's (``checkers.verify``) with 128 points per mutant and a 0.5 s
symbolic time bound to keep this file fast; the published table
(``python -m checkers.mutation``) uses the engine's default 4 s bound and also reports each
witness alone.
"""

from __future__ import annotations

import functools
import gc
import subprocess
import sys
import time

import pytest
import sympy as sp

import checkers  # noqa: F401  (x64 first)
import derivations
from checkers import mutation as M
from checkers._timeout import SymbolicTimeout, time_limit
from checkers.symbolic import simple_points, symbolic_witness
from conftest import once_per_session

MUTANTS = [m for m in M.mutants() if m not in M.orphans()]
BY_ID = {m.id: m for m in MUTANTS}
TEST_POINTS = 128
TEST_SYMBOLIC_SECONDS = 0.5
PARAMS = [pytest.param(m, id=m.id) for m in MUTANTS]


@functools.lru_cache(maxsize=None)
def combined(mutant_id: str) -> M.MutantRun:
    """The mutant's combined verdict, computed once per session whichever worker asks first
    (the kill-rate test reads the runs of the per-mutant tests)."""
    m = BY_ID[mutant_id]
    res = once_per_session(f"mutant-{mutant_id}", m.claim(), lambda: M.run_mutant(
        m, points=TEST_POINTS, symbolic_seconds=TEST_SYMBOLIC_SECONDS, alone=False).result)
    return M.MutantRun(m, M.family_of(m.original), res, {}, res.seconds)


@pytest.mark.parametrize("mutant", PARAMS)
def test_mutant_is_refuted(mutant):
    run = combined(mutant.id)
    assert run.result.verdict == "REFUTED", f"mutant not killed ({mutant.mistake}):\n{run.result}"
    assert run.result.counterexample is not None


def test_kill_rate_is_100_percent_with_every_mutant():
    """All of them, in the default run (the network and any-K ones too: 2-12 s each)."""
    runs = [combined(m.id) for m in MUTANTS]
    survivors = [r.mutant.id for r in runs if not r.killed]
    assert not survivors, f"{len(survivors)}/{len(runs)} mutants survived: {survivors}"


def test_every_mutant_breaks_a_claim_of_the_catalog():
    lost = [m.id for m in M.orphans()]
    assert not lost, f"mutants of claims no longer in the catalog (renamed?): {lost}"


def test_at_least_60_mutants_and_every_catalog_family_has_some():
    assert len(MUTANTS) >= 60
    assert M.missing_families() == [], (
        f"catalog families without mutants: {M.missing_families()}; add them beside the family's "
        "claims, in derivations/<module>_mutants.py")
    per_family = {f: len(M.mutants(f)) for f in M.families()}
    assert all(n >= 3 for n in per_family.values()), per_family


def test_mutants_are_data_beside_their_claims():
    """Each catalog module X keeps the mutants of its own claims in derivations.X_mutants."""
    import importlib

    for family, (module, _) in derivations.FAMILIES.items():
        try:
            data = importlib.import_module(f"derivations.{module}_mutants").MUTANTS
        except ModuleNotFoundError:
            continue
        owners = {derivations.FAMILIES[derivations.family_of(m.original)][0] for m in data}
        assert owners == {module}, f"derivations.{module}_mutants breaks claims of {owners}"
    assert [m.id for m in M.mutants()] == [m.id for m in derivations.mutants()]


def test_every_operator_named_in_issue_6_is_present():
    present = {m.operator for m in MUTANTS}
    missing = [op for op in M.REQUIRED_OPERATORS if op not in present]
    assert not missing, f"operators of issue 6 with no mutant: {missing}"


@pytest.mark.parametrize("mutant", PARAMS)
def test_mutant_changes_the_right_claim_which_holds(mutant, result_of):
    right, wrong = mutant.right(), mutant.claim()
    assert wrong.id == mutant.id and wrong.kind == right.kind
    fields = [f for f in ("claimed", "lhs", "rhs", "relation", "value", "point", "direction", "quoted",
                          "criteria", "series")
              if hasattr(right, f)]
    assert any(getattr(right, f) != getattr(wrong, f) for f in fields), "the mutant changes nothing"
    assert result_of(right.id).verdict in ("PROVED", "VERIFIED"), "a mutant must break a claim that holds"


def test_saturation_mutant_is_out_of_the_symbolic_witness_reach():
    """sigma'(z) = 0 for |z| > 36: the symbolic witness's exact points stop at |z| = 10."""
    claim = BY_ID["sigmoid.derivative_logistic.mut_float64_saturation"].claim()
    z = claim.variables[0]
    assert max(abs(p[z]) for p in simple_points(claim)) <= 10
    assert symbolic_witness(claim, seconds=TEST_SYMBOLIC_SECONDS).status != "DISPROVED"


def test_edge_mutant_is_out_of_the_symbolic_witness_reach():
    claim = BY_ID["bce_sigmoid.dc_da.mut_edge_a_below_1e_8"].claim()
    a = claim.variables[0]
    assert min(p[a] for p in simple_points(claim)) >= sp.Rational(1, 10)


def test_bounded_away_mutant_is_caught_only_by_sampling():
    """H(y) > 1e-6 fails only within ~5e-8 of the ends: no exact simple point refutes it."""
    run = M.run_mutant(BY_ID["bce_sigmoid.binary_entropy_positive.mut_bounded_away"], points=TEST_POINTS)
    assert run.killed
    assert run.caught_by == ["sampling"]
    ce = run.alone["sampling"].counterexample
    y = float(ce.point["y"])
    assert min(y, 1 - y) < 5e-8


def test_alone_runs_leave_out_the_symbolic_counterexample():
    """For 'alone', the numeric witnesses see the plain seeded sample, not the symbolic point."""
    run = M.run_mutant(BY_ID["sigmoid.prime_vanishes_high.mut_quarter"], points=16)
    assert run.caught("symbolic") and run.caught("numeric sequence")
    assert run.caught("autodiff") is None  # not applicable to a limit
    run = M.run_mutant(BY_ID["bce_sigmoid.dc_da.mut_flipped_sign"], points=64)
    assert "symbolic counterexample" in run.result.sample_shares
    assert run.alone["autodiff"].points == 64  # plain sample, re-run without the added point
    assert run.caught_by == ["symbolic", "autodiff", "finite differences", "taylor remainder"]


def test_render_table_counts_and_explains():
    runs = [M.run_mutant(BY_ID[i], points=64) for i in (
        "sigmoid.prime_at_0.mut_sigma_at_0", "bce_sigmoid.binary_entropy_positive.mut_bounded_away")]
    text = M.render_table(runs, seed=1, points=64, command="cmd")
    assert "**2 mutants**" in text and "seed **1**" in text
    # symbolic catches the quoted value only; sampling and high precision each catch their one
    assert "| **all** | 2 | 1/2 (50%) | — | — | — | 1/1 (100%) | — | 1/1 (100%) | — | 2/2 (100%) |" in text
    assert "## Caught by only one witness" in text
    assert "bounded away from 0" in text and "H(y) < 1e-6 only for y < ~5e-8" in text


def test_mutant_definitions_are_checked():
    with pytest.raises(ValueError, match="unknown operator 'typo'"):
        M.Mutant("bce_sigmoid.dc_da", "x", "typo", "m", lambda c: {"claimed": c.claimed})
    with pytest.raises(ValueError, match="change\\(\\) returned no fields"):
        M.Mutant("bce_sigmoid.dc_da", "x", "flipped sign", "m", lambda c: {}).claim()
    with pytest.raises(KeyError, match="no claim 'no.such'"):
        M.Mutant("no.such", "x", "flipped sign", "m", lambda c: {}).claim()


def test_command_writes_the_table(tmp_path):
    """End to end, as documented: ``python -m checkers.mutation --out ...``."""
    out = tmp_path / "t.md"
    res = subprocess.run([sys.executable, "-m", "checkers.mutation", "--only", "sigmoid.prime_at_0.mut",
                          "bce_sigmoid.dc_da.mut_tie", "--points", "64", "--out", str(out)],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    assert "killed 2/2 mutants" in res.stdout
    text = out.read_text()
    assert "## Kill rate per witness" in text and "## Hypothesis edge search" in text
    assert "`bce_sigmoid.dc_da.mut_tie_only`" in text and "missed (autodiff, 64 points: PASS)" in text


def test_command_usage_errors(capsys):
    assert M.main(["--only", "no.such", "--out", "unused.md"]) == 2
    assert "no mutant id starts with ['no.such']" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        M.main(["--points", "0"])
    assert exc.value.code == 2


def test_time_bound_is_not_lost_in_a_gc_callback():
    """Found by this suite: the SIGALRM time bound raised inside JAX's garbage-collector callback
    was dropped as 'unraisable' (and failed tests under filterwarnings=error).  A callback that
    holds the interpreter 2 ms out of every 5 must not swallow the bound."""
    lost = []

    def slow(phase, info):
        t = time.monotonic()
        while time.monotonic() - t < 0.002:
            pass

    old_hook = sys.unraisablehook
    sys.unraisablehook = lambda u: lost.append(u.exc_value)
    gc.callbacks.append(slow)
    raised = 0
    try:
        for _ in range(20):
            try:
                with time_limit(0.004):
                    t1 = time.monotonic()
                    # 2 s, not less: on a loaded machine the process can be descheduled
                    # past a short loop's end before the alarm is delivered (a false failure)
                    while time.monotonic() - t1 < 2.0:
                        gc.collect(0)
                        t = time.monotonic()
                        while time.monotonic() - t < 0.003:
                            pass
            except SymbolicTimeout:
                raised += 1
    finally:
        gc.callbacks.remove(slow)
        sys.unraisablehook = old_hook
    assert raised == 20 and not lost


_ = derivations
