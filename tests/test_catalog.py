"""Every catalog claim, one test id per claim, with its verdict pinned.

The expected verdicts come from working each sentence by hand (see the claim's note), not from
the tool's output: a claim is PROVED unless listed below.
"""

from __future__ import annotations

import pytest
import sympy as sp

import derivations
from conftest import assert_verdict

# Experiment claims (a stated computation, never PROVED) are pinned in tests/test_experiments.py;
# network, symbolic-K and family claims in their own test modules (tests/test_<family>.py).
FAMILIES = ("mse_sigmoid.", "sigmoid.", "bce_sigmoid.")
CATALOG = tuple(c for c in derivations.catalog() if c.kind != "experiment" and c.id.startswith(FAMILIES))

# Sentences of the documents that are false as written, and why (checked by hand).
REFUTED = {
    # C = (1/n) sum_x C_x printed as -(1/n)[y ln a + (1-y) ln(1-a)]: the sum over x is missing.
    # n = 2, a = 1/2, y = 0 for both samples: left ln 2, right (ln 2)/2.
    "bce_sigmoid.dataset_cost_formula",
    # The second derivative at a = y is 1/y + 1/(1-y) = 4 at y = 1/2, not 0.
    "bce_sigmoid.second_derivative_vanishes_at_y",
    # For y = 0 there is no minimizer in (0, 1): dC/da = 1/(1-a) > 0.
    "bce_sigmoid.minimizer_attained",
}
# True, but outside what the symbolic witness proves: numerics only.  None in this module:
# Gibbs' inequality and the product of three sigma' factors against 1/64 are proved by the
# first-derivative test, the sign of (a - y)/(a(1 - a)) against the sign of a - y case by case
# on (0, 1)^2 (tests/test_witnesses.py pins both strategies and their near misses).
VERIFIED: set = set()

# Where each refuted sentence holds, worked by hand: with n = 2 the missing sum leaves out
# sample 2's C_x > 0 (nowhere on the sample); 1/y + 1/(1-y) > 0 never vanishes (SymPy: no
# solution); y(1 - y) > 0 exactly on (0, 1).
REGIONS = {
    "bce_sigmoid.dataset_cost_formula": ("VERIFIED", True, None),
    "bce_sigmoid.second_derivative_vanishes_at_y": ("PROVED", True, "holds nowhere on the domain"),
    "bce_sigmoid.minimizer_attained": ("PROVED", False, "holds iff y in (0, 1)"),
}


@pytest.mark.parametrize("claim_id", sorted(REGIONS))
def test_refuted_sentence_region(claim_id, result_of):
    status, nowhere, text = REGIONS[claim_id]
    reg = result_of(claim_id).region
    assert (reg.status, reg.nowhere) == (status, nowhere), reg
    if text is not None:
        assert reg.text == text


def expected(claim_id):
    if claim_id in REFUTED:
        return "REFUTED"
    if claim_id in VERIFIED:
        return "VERIFIED"
    return "PROVED"


@pytest.mark.parametrize("claim", CATALOG, ids=lambda c: c.id)
def test_verdict_is_pinned(claim, result_of):
    assert_verdict(result_of(claim.id), expected(claim.id))


@pytest.mark.parametrize("claim", CATALOG, ids=lambda c: c.id)
def test_no_witness_errors_and_every_applicable_witness_ran(claim, result_of):
    res = result_of(claim.id)
    names = {w.witness for w in res.witnesses}
    assert "symbolic" in names
    if claim.kind == "gradient":
        assert {"autodiff", "finite differences"} <= names
    assert all(w.status != "ERROR" for w in res.witnesses), str(res)
    for w in res.witnesses:
        if w.witness in ("autodiff", "finite differences", "sampling"):
            assert w.points >= 1000


@pytest.mark.parametrize("claim_id", sorted(REFUTED))
def test_refuted_counterexample_checks_by_hand(claim_id, result_of):
    """Substitute the reported point exactly: the two sides really differ (or the relation fails)."""
    claim = derivations.get(claim_id)
    ce = result_of(claim_id).counterexample
    assert ce is not None and ce.point
    point = {s: sp.Rational(ce.point[str(s)]) for s in claim.variables}
    if claim.kind == "equality":
        lhs, rhs = claim.lhs.xreplace(point), claim.rhs.xreplace(point)
        assert sp.N((lhs - rhs)[0], 30) != 0
    elif claim.kind == "inequality":
        lhs, rhs = claim.lhs.xreplace(point)[0], claim.rhs.xreplace(point)[0]
        rel = {">": sp.Gt, ">=": sp.Ge, "<": sp.Lt, "<=": sp.Le}[claim.relation]
        assert rel(lhs, rhs) == sp.false


def test_refuted_claims_are_refuted_by_every_witness(result_of):
    for cid in REFUTED:
        res = result_of(cid)
        assert all(w.fails for w in res.witnesses), str(res)


@pytest.mark.parametrize("claim", derivations.catalog(), ids=lambda c: c.id)
def test_every_catalog_claim_is_decided(claim, result_of):
    """Across all families: no ERROR, no UNDECIDED, no witness disagreement in the catalog."""
    res = result_of(claim.id)
    assert res.verdict in ("PROVED", "VERIFIED", "REFUTED"), str(res)
    if res.verdict == "REFUTED":
        assert res.counterexample is not None, str(res)
