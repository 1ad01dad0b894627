"""Ko 2026, section 3 (the softmax), and the indexed claim kind that states it for every K.

Expected verdicts come from working each sentence by hand (see each claim's note), never from
the tool's output.  A claim is PROVED unless listed in REFUTED.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp

import checkers  # noqa: F401  (x64 on, kinds registered)
import derivations as d
from conftest import assert_verdict
from checkers import indexed as ci
from derivations import ClaimError
from derivations import softmax as sm
from derivations.indexed import (IndexedEqualityClaim, IndexedGradientClaim, IndexedInequalityClaim,
                                  index, size)

CLAIMS = sm.CLAIMS

REFUTED = {
    # m = 2 tied maxima, z = (0, 0), j = 1, k = 2: z_k - z_j = 0, so e^{c (z_k - z_j)} = 1 for every
    # c; the text says every other term tends to 0 (true only for a strict maximum, m = 1).
    "softmax.limit_largest_other_terms": "1",
    # z = (0, 0), j = 1: a_1(c) = 1/2 for every c, not -> 1 (two tied maxima share the mass).
    "softmax.limit_largest": "1/2",
    # z = (3, 3, 1), j = 2: a_2(c) = 1 / (2 + e^{-2c}) -> 1/2, not the indicator's 0 (argmax read
    # as the first maximizer; read as the set {1, 2} it is softmax.limit_largest).
    "softmax.limit_indicator": "1/2",
}
# The general rows at the counterexample's parameters, written out by hand (n = 0 entries below
# the maximum): the expression at c = 60.
BY_HAND = {
    "softmax.limit_largest_other_terms": lambda c: sp.Integer(1) + 0 * c,   # (m - 1) at m = 2
    "softmax.limit_largest": lambda c: sp.Rational(1, 2) + 0 * c,           # 1 / m at m = 2
    "softmax.limit_indicator": lambda c: 1 / (2 + sp.exp(-2 * c)),
}


def _num(text: str) -> float:
    """A reported value: 'p/q', or 'exact form = decimal' (the decimal is read, nothing parsed)."""
    return float(text.split(" = ")[-1]) if " = " in text else float(sp.Rational(text))


# The sentences for K classes with no lower bound on K fail at K = 1 (a_1 = e^{z_1}/e^{z_1} = 1):
# a_1 in (0, 1) is 1 < 1, a_1 (1 - a_1) > 0 is 0 > 0.  From K = 2 on they hold.
REFUTED_AT_K1 = {"softmax.outputs_in_unit_interval": "1 < 1",
                 "softmax.diag_positive": "0 > 0"}


def expected(claim_id):
    return "REFUTED" if claim_id in REFUTED or claim_id in REFUTED_AT_K1 else "PROVED"


@pytest.mark.parametrize("claim_id", sorted(REFUTED_AT_K1))
def test_one_class_is_the_only_exception(claim_id, result_of):
    res = result_of(claim_id)
    ce = res.counterexample
    assert ce.point["K"] == "1" and REFUTED_AT_K1[claim_id] in ce.claimed, str(ce)
    assert res.region.text == "holds iff K >= 2" and res.region.status == "PROVED"
    assert dict(res.region.cells) == {"K = 1": "REFUTED", "K >= 2": "PROVED"}


def test_every_sentence_has_a_row_in_document_order():
    ids = [c.id for c in CLAIMS]
    assert ids[0] == "softmax.outputs_in_unit_interval" and ids[-1] == "softmax.limit_tied_max"
    assert ids.index("softmax.jacobian") < ids.index("softmax.jacobian_cases") < ids.index("softmax.monotonicity")
    assert ids.index("softmax.scaled_form") < ids.index("softmax.limit_largest")
    assert len(ids) == len(set(ids)) == 25
    assert [c.id for c in d.catalog() if c.id.startswith("softmax.")] == ids


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.id)
def test_verdict_is_pinned(claim, result_of):
    assert_verdict(result_of(claim.id), expected(claim.id))


@pytest.mark.parametrize("claim_id", sorted(REFUTED))
def test_refuted_limits_check_by_hand(claim_id, result_of):
    """The limit the tool reports is the one worked out by hand, and the claim's own expression
    (at the counterexample's parameters, with no entry below the maximum) agrees at c = 60."""
    res = result_of(claim_id)
    assert all(w.fails for w in res.witnesses), str(res)
    ce = res.counterexample
    assert ce.true == REFUTED[claim_id]
    claim = d.get(claim_id)
    at = {s: sp.Integer(ce.point[str(s)]) for s in claim.variables
          if str(s) in ce.point and s != claim.var}
    at.update({s: 0 for s in claim.variables if str(s) == "n"})
    expr = claim.expr.xreplace(at).doit().subs(sm.c, 60)
    hand = sp.Rational(REFUTED[claim_id])
    assert abs(sp.N(expr - BY_HAND[claim_id](sp.Integer(60)), 60)) < sp.Float("1e-50")
    assert abs(sp.N(expr, 60) - hand) < sp.Float("1e-50")
    assert sp.Rational(ce.claimed) == claim.value.xreplace(at) != hand


def test_strict_maximum_is_the_region_of_the_largest_value_sentences(result_of):
    """'If z_j is the largest value' holds iff the maximum is strict (m = 1), for every K."""
    for cid in ("softmax.limit_largest", "softmax.limit_largest_other_terms"):
        reg = result_of(cid).region
        assert (reg.text, reg.status) == ("holds iff m = 1", "PROVED"), reg
        assert dict(reg.cells) == {"m = 1": "PROVED"}


def test_general_limits_are_proved_for_every_number_of_entries(result_of):
    """The proofs hold for a symbolic n (any K): the finite-sum rule and the squeeze."""
    for cid, rule in (("softmax.limit_tied_max", "finite sum"), ("softmax.limit_largest", "finite sum"),
                      ("softmax.limit_not_largest", "squeeze")):
        claim = d.get(cid)
        assert any(str(s) == "n" for s in claim.variables)
        sym = result_of(cid).witness("symbolic")
        assert rule in sym.detail, sym.detail


def test_tied_share_by_hand_at_explicit_gaps():
    """1/(m + sum e^{-c g_k}) at m = 3, g = (1, 2): 1/(3 + e^{-c} + e^{-2c}) -> 1/3, at c = 80."""
    claim = d.get("softmax.limit_tied_max")
    e = claim.expr.xreplace({sm._m: 3, sm._n: 2}).doit().xreplace({sm._g[1]: 1, sm._g[2]: 2})
    assert claim.value.xreplace({sm._m: 3}) == sp.Rational(1, 3)
    assert abs(sp.N(e.subs(sm.c, 80), 40) - sp.Rational(1, 3)) < sp.Float("1e-30")


# ---------------------------------------------------------------------------------------
# The indexed kind: symbolic K, numeric K = 2, 10, 1000
# ---------------------------------------------------------------------------------------

JAC = d.get("softmax.jacobian")


def test_symbolic_k_proof_uses_the_index_range_and_both_index_cases():
    res = ci.symbolic_witness(JAC)
    assert res.status == "PROVED", res.detail
    assert res.extra["cases"] == 2                    # j = k and j != k
    assert res.extra["index_range_used"] is True      # Piecewise((e^{z_k}, k <= K)) -> e^{z_k}
    assert "K >= k" in res.extra["conditions_dropped"]


def test_numeric_witnesses_run_at_every_size_and_compare_whole_rows(result_of):
    res = result_of("softmax.jacobian")
    for name in ("autodiff", "finite differences"):
        w = res.witness(name)
        sizes = [p["sizes"]["K"] for p in w.extra["per_size"]]
        assert sizes == [2, 10, 1000]
        assert w.points == sum(p["points"] for p in w.extra["per_size"]) >= 1000
        # points the referee's budget does not reach are counted and reported, never passed
        assert w.extra["unchecked"] == sum(p["unchecked"] for p in w.extra["per_size"]) < w.points // 10
        assert ("unchecked" in w.detail) == (w.extra["unchecked"] > 0)


# A dropped Kronecker delta: a_j (1 - a_k).  By hand at K = 2, z = (0, 0): a = (1/2, 1/2);
# for j != k the true entry is -a_j a_k = -1/4, the claimed one a_j (1 - a_k) = 1/4.
DROPPED_DELTA = JAC.replace(id="mutant.dropped_delta", claimed=sm.softmax(sm.j) * (1 - sm.softmax(sm.k)))
# A wrong index: a_j (delta_jk - a_j).  Equal to the truth when a_j = a_k (so z = 0 does not
# refute it); at K = 2, z = (0, 1), j = 1, k = 2: true -a_1 a_2 = -e/(1+e)^2, claimed -a_1^2 = -1/(1+e)^2.
WRONG_INDEX = JAC.replace(id="mutant.wrong_index",
                          claimed=sm.softmax(sm.j) * (sp.KroneckerDelta(sm.j, sm.k) - sm.softmax(sm.j)))


def test_dropped_delta_symbolic_counterexample_checks_by_hand():
    res = ci.symbolic_witness(DROPPED_DELTA)
    assert res.status == "DISPROVED"
    ce = res.counterexample
    assert ce.point["K"] == "2" and ce.point["z"] == "(0, 0)" and ce.point["j"] != ce.point["k"]
    assert ce.claimed == "1/4" and ce.true == "-1/4"


def test_wrong_index_needs_unequal_logits_and_is_found():
    res = ci.symbolic_witness(WRONG_INDEX)
    assert res.status == "DISPROVED"
    ce = res.counterexample
    assert ce.point["z"] != "(0, 0)"
    zz = [sp.Rational(v) for v in ce.point["z"].strip("()").split(",")]
    a = [sp.exp(v) / sum(sp.exp(u) for u in zz) for v in zz]
    jj, kk = int(ce.point["j"]) - 1, int(ce.point["k"]) - 1
    assert _num(ce.true) == pytest.approx(float(-a[jj] * a[kk]), rel=1e-11)
    assert _num(ce.claimed) == pytest.approx(float(-a[jj] ** 2), rel=1e-11)
    assert _num(ce.true) != pytest.approx(_num(ce.claimed), rel=1e-3)


@pytest.mark.parametrize("witness", ["autodiff", "finite differences"])
@pytest.mark.parametrize("mutant", [DROPPED_DELTA, WRONG_INDEX], ids=lambda c: c.id)
def test_each_numeric_witness_rejects_the_mutants_alone(witness, mutant):
    res = ci.check_at(mutant, (2, 10), witness=witness, seed=1)
    assert res.status == "FAIL", res.detail
    ce = res.counterexample
    assert "mpmath at two working precisions" in ce.confirmed and "mpmath.diff" in ce.confirmed
    assert float(ce.claimed) != pytest.approx(float(ce.true), rel=1e-6)


def test_check_at_large_k_is_vectorized_and_passes():
    """The benchmark entry point at K = 10^4 (16 points, every entry of each gradient row)."""
    res = ci.check_at(JAC, 10_000, seed=3)
    assert res.status == "PASS", res.detail
    assert res.extra["per_size"][0]["sizes"] == {"K": 10_000} and res.points == ci.MIN_POINTS


def test_evaluator_matches_an_explicit_instance_at_k3():
    """The vectorized interpreter against SymPy's explicit diag(a) - a a^T at K = 3."""
    zs, a, jac = sm.jacobian_explicit(3)
    rng = np.random.default_rng(0)
    vals = rng.normal(0, 2, size=(5, 3))
    ev = ci.Evaluator(JAC, {sm.K: 3}, "numpy", {sm.z: vals}, {}, {sm.j: np.array([1, 2, 3, 1, 2])}, {},
                      out=((sm.k, np.arange(1, 4)),))
    got = np.asarray(ev(JAC.claimed))
    f = sp.lambdify(zs, jac, "numpy")
    for r in range(5):
        want = np.asarray(f(*vals[r]), dtype=float)[[0, 1, 2, 0, 1][r]]
        np.testing.assert_allclose(got[r], want, rtol=1e-14)


def test_sampling_is_seeded():
    a = ci.sample_points(JAC, {sm.K: 10}, 64, seed=5)
    b = ci.sample_points(JAC, {sm.K: 10}, 64, seed=5)
    c = ci.sample_points(JAC, {sm.K: 10}, 64, seed=6)
    assert np.array_equal(a.bases[sm.z], b.bases[sm.z]) and np.array_equal(a.indices[sm.j], b.indices[sm.j])
    assert not np.array_equal(a.bases[sm.z], c.bases[sm.z])
    assert set(a.regimes) >= {"normal", "saturated", "tie", "zero"}


def test_distinct_indices_are_respected_in_sampling():
    claim = d.get("softmax.offdiag_derivative")
    pts = ci.sample_points(claim, {sm.K: 2}, 200, seed=0)
    assert np.all(pts.indices[sm.j] != pts.indices[sm.k])


def test_inequality_sign_certificate_for_every_k():
    res = ci.symbolic_witness(d.get("softmax.monotonicity"))
    assert res.status == "PROVED" and "sign certificate" in res.detail
    bad = d.get("softmax.offdiag_negative").replace(id="mutant.offdiag_positive", relation=">")
    res = ci.symbolic_witness(bad)
    assert res.status == "DISPROVED"   # -a_j a_k > 0 fails at K = 2, z = (0, 0): -1/4
    assert res.counterexample.claimed == "-1/4 > 0"


# ---------------------------------------------------------------------------------------
# Validation: errors name the claim and the problem
# ---------------------------------------------------------------------------------------

K, j, k, i = size("K"), index("j"), index("k"), index("i")
z = sp.IndexedBase("z", real=True)
SRC = d.Source("doc", "me", 2026, "1")
BASE = dict(title="t", source=SRC, statement="s", shapes={z: (K,)}, sizes=(2,))


def test_undeclared_base_is_named():
    w = sp.IndexedBase("w")
    with pytest.raises(ClaimError, match=r"my\.g: w\[j\] uses base w, which has no declared shape"):
        IndexedGradientClaim(id="my.g", cost=w[j] * z[j], wrt=z[k], claimed=0, ranges={j: (1, K), k: (1, K)}, **BASE)


def test_summation_index_that_is_also_free_is_refused():
    with pytest.raises(ClaimError, match=r"my\.e: \['j'\] is both a free index and a summation index"):
        IndexedEqualityClaim(id="my.e", lhs=sp.Sum(z[j], (j, 1, K)), rhs=z[j], ranges={j: (1, K)}, **BASE)


def test_wrong_rank_and_empty_sizes_and_size_min():
    with pytest.raises(ClaimError, match=r"my\.r: z\[j, k\] has 2 indices, but z has shape \(K,\)"):
        IndexedEqualityClaim(id="my.r", lhs=z[j, k], rhs=0, ranges={j: (1, K), k: (1, K)}, **BASE)
    with pytest.raises(ClaimError, match=r"my\.s: sizes is empty"):
        IndexedEqualityClaim(id="my.s", lhs=z[j], rhs=z[j], ranges={j: (1, K)},
                             **{**BASE, "sizes": ()})
    with pytest.raises(ClaimError, match=r"my\.m: numeric size K = 1 is below size_min 2"):
        IndexedEqualityClaim(id="my.m", lhs=z[j], rhs=z[j], ranges={j: (1, K)}, size_min={K: 2},
                             **{**BASE, "sizes": (1, 2)})


def test_wrt_must_be_an_entry_and_text_is_never_parsed():
    with pytest.raises(ClaimError, match=r"my\.w: wrt must be one entry of a base"):
        IndexedGradientClaim(id="my.w", cost=z[j], wrt=sp.Symbol("x"), claimed=0, ranges={j: (1, K)}, **BASE)
    with pytest.raises(ClaimError, match=r"my\.t: claimed must be a scalar SymPy expression"):
        IndexedGradientClaim(id="my.t", cost=z[j], wrt=z[k], claimed="delta(j, k)",
                             ranges={j: (1, K), k: (1, K)}, **BASE)
    with pytest.raises(ClaimError, match=r"my\.q: 1 relations for 2 entries"):
        IndexedInequalityClaim(id="my.q", lhs=[z[j], z[j]], relation=(">",), rhs=[0, 0],
                               ranges={j: (1, K)}, **BASE)


def test_mutants_are_replace_calls_and_revalidate():
    m = JAC.replace(claimed=sm.softmax(sm.j))
    assert m.kind == "indexed_gradient" and m.sizes == JAC.sizes and m.claimed != JAC.claimed
    big = JAC.replace(sizes=(10, 100, 1000, 10_000))
    assert [s[sm.K] for s in big.size_instances] == [10, 100, 1000, 10_000]
    with pytest.raises(ClaimError, match="below size_min"):
        JAC.replace(sizes=(1,))
