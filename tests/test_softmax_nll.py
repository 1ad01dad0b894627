"""Ko 2026, section 4 (softmax + NLL): verdicts pinned by hand, symbolic-K proofs, mutants.

Every sentence of the section holds as stated (hand analysis in each claim's note), so every
row is PROVED; the ranges "(-1, 0]" and "[0, 1)" are true but not tight, which the tight rows
make visible.  The mutants below are what a wrong derivation would have written; each is
refuted with a counterexample checked here by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

import checkers  # noqa: F401
import derivations as d
from conftest import assert_verdict
from checkers import indexed as ci
from checkers.symbolic import symbolic_witness
from derivations import softmax_nll as nll
from derivations.softmax import K, j, softmax, z

CLAIMS = nll.CLAIMS


def _num(text: str) -> float:
    """A reported value: 'p/q', or 'exact form = decimal' (the decimal is read, nothing parsed)."""
    return float(text.split(" = ")[-1]) if " = " in text else float(sp.Rational(text))


def test_rows_in_document_order():
    ids = [c.id for c in CLAIMS]
    assert len(ids) == len(set(ids)) == 35
    order = ["softmax_nll.value_099", "softmax_nll.equals_cross_entropy", "softmax_nll.eq3",
             "softmax_nll.eq4", "softmax_nll.step_a", "softmax_nll.step_b", "softmax_nll.step_c",
             "softmax_nll.term_i", "softmax_nll.term_ii", "softmax_nll.step_d", "softmax_nll.grad_z",
             "softmax_nll.grad_w_example", "softmax_nll.grad_w_batch", "softmax_nll.grad_w_matrix",
             "softmax_nll.range_true_class", "softmax_nll.range_other_class"]
    assert [i for i in ids if i in order] == order
    assert [c.id for c in d.catalog() if c.id.startswith("softmax_nll.")] == ids


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.id)
def test_verdict_is_pinned(claim, result_of):
    assert_verdict(result_of(claim.id), "PROVED")


def test_quoted_numbers_by_hand():
    # -ln 0.99 = 0.0100503...; -ln 0.01 = 2 ln 10 = 4.6051701...
    assert round(-math.log(0.99), 3) == 0.010 and round(-math.log(0.01), 3) == 4.605
    assert d.get("softmax_nll.value_099").quoted == "0.010"
    assert d.get("softmax_nll.value_001").quoted == "4.605"


@pytest.mark.parametrize("cid", ["softmax_nll.grad_z", "softmax_nll.key_takeaway", "softmax_nll.step_a",
                                 "softmax_nll.grad_w_example", "softmax_nll.grad_w_batch"])
def test_symbolic_k_proofs(cid, result_of):
    """Proved for every K (and m, n): the symbolic witness, not numerics, decides."""
    sym = result_of(cid).witness("symbolic")
    assert sym.status == "PROVED" and sym.method == "index calculus (symbolic sizes)", sym.detail
    assert "for every size" in sym.detail


def test_grad_z_proof_uses_the_index_range(result_of):
    sym = result_of("softmax_nll.grad_z").witness("symbolic")
    assert sym.extra["index_range_used"] and sym.extra["cases"] == 2   # j = y and j != y
    for name in ("autodiff", "finite differences"):
        sizes = [p["sizes"]["K"] for p in result_of("softmax_nll.grad_z").witness(name).extra["per_size"]]
        assert sizes == [2, 10, 1000]


def test_ranges_are_true_but_not_tight_by_hand():
    """a_y - 1 is never 0 and a_j is never 0 (K >= 2), but both get arbitrarily close:
    at z = (t, 0) with y = 1, a_1 - 1 = -1/(1 + e^t) -> 0^- and a_2 = 1/(1 + e^t) -> 0^+."""
    for t in (10, 30):
        a1 = 1 / (1 + sp.exp(-t))
        assert -1 < a1 - 1 < 0 and 0 < 1 - a1 < 1
    assert sp.limit(1 / (1 + sp.exp(sp.Symbol("t"))), sp.Symbol("t"), sp.oo) == 0
    loose = d.get("softmax_nll.range_true_class")
    tight = d.get("softmax_nll.range_true_class_tight")
    assert loose.relation == (">", "<=") and tight.relation == (">", "<")
    assert d.get("softmax_nll.range_other_class").relation == (">=", "<")


# -- mutants: what wrong derivations would write ----------------------------------------------

GRAD_Z = d.get("softmax_nll.grad_z")


def test_dropped_delta_in_the_result_is_refuted_by_hand():
    """dC/dz_j = a_j (delta dropped).  K = 2, z = (0, 0), j = y: true a_y - 1 = -1/2, claimed 1/2."""
    m = GRAD_Z.replace(id="mutant.grad_z_no_delta", claimed=softmax(j))
    res = ci.symbolic_witness(m)
    assert res.status == "DISPROVED"
    ce = res.counterexample
    assert ce.point["K"] == "2" and ce.point["z"] == "(0, 0)" and ce.point["j"] == ce.point["y"]
    assert (ce.claimed, ce.true) == ("1/2", "-1/2")
    for w in ("autodiff", "finite differences"):
        r = ci.check_at(m, (2, 10), witness=w, seed=2)
        assert r.status == "FAIL" and _num(r.counterexample.claimed) != pytest.approx(_num(r.counterexample.true))


def test_step_c_with_a_wrong_sign_is_refuted_by_hand():
    """(C) with + between the terms gives -(1/a_y)(a_y delta_yj + a_y a_j) = -delta_yj - a_j,
    against the true a_j - delta_yj: they differ wherever a_j != 0."""
    c = d.get("softmax_nll.step_c")
    wrong = c.replace(id="mutant.step_c_sign", claimed=-1 / softmax(nll.y) * (
        sp.Sum(sp.KroneckerDelta(nll.k, nll.y) * softmax(nll.k) * sp.KroneckerDelta(nll.k, j), (nll.k, 1, K))
        + sp.Sum(sp.KroneckerDelta(nll.k, nll.y) * softmax(nll.k) * softmax(j), (nll.k, 1, K))))
    res = ci.symbolic_witness(wrong)
    assert res.status == "DISPROVED"
    ce = res.counterexample
    assert ce.point["K"] == "2" and ce.point["z"] == "(0, 0)"
    delta = int(ce.point["j"] == ce.point["y"])
    # by hand at a = (1/2, 1/2): claimed -delta - a_j, true a_j - delta
    assert sp.Rational(ce.claimed) == -delta - sp.Rational(1, 2)
    assert sp.Rational(ce.true) == sp.Rational(1, 2) - delta


def test_batch_gradient_without_the_mean_is_refuted():
    """Forgetting 1/n multiplies the gradient by n: claimed = n x true at any point with a nonzero
    gradient (the counterexample's two values differ by the factor n = 2)."""
    c = d.get("softmax_nll.grad_b_batch")
    m = c.replace(id="mutant.batch_no_mean", claimed=c.claimed * nll.n)
    res = ci.symbolic_witness(m)
    assert res.status == "DISPROVED", res.detail
    ce = res.counterexample
    assert _num(ce.claimed) == pytest.approx(int(ce.point["n"]) * _num(ce.true), rel=1e-9)
    r = ci.check_at(m, ({K: 2, nll.m: 2, nll.n: 2},), witness="finite differences", seed=0)
    assert r.status == "FAIL"


def test_outer_product_orientation_matters_in_the_matrix_form():
    """(a^{L-1})(a - y)^T has the wrong shape (2 x 3): the transpose of the claimed gradient,
    flattened, is refuted."""
    c = d.get("softmax_nll.grad_w_matrix")
    g = sp.Matrix(3, 2, list(c.claimed))
    flipped = list(g.T)   # the m x K matrix, read row by row where W (K x m) is expected
    m = c.replace(id="mutant.transposed", claimed=flipped)
    res = symbolic_witness(m)
    assert res.status == "DISPROVED", res.detail
    assert res.counterexample.component.startswith("d/dw_")


def test_the_evaluator_agrees_with_the_explicit_batch_instance():
    """The index interpreter's batch gradient at K = 3, m = 2, n = 2, classes (1, 3), against the
    explicit SymPy matrices of softmax_nll.grad_w_matrix, at random parameters."""
    c = d.get("softmax_nll.grad_w_batch")
    e = d.get("softmax_nll.grad_w_matrix")
    rng = np.random.default_rng(1)
    w, b, x = rng.normal(size=(3, 2)), rng.normal(size=3), rng.normal(size=(2, 2))
    ev = ci.Evaluator(c, {K: 3, nll.m: 2, nll.n: 2}, "numpy", {nll.W: w[None], nll.b: b[None], nll.X: x[None]},
                      {nll.Y: np.array([[1, 3]])}, {}, {},
                      out=((j, np.arange(1, 4)), (nll.k, np.arange(1, 3))))
    got = np.asarray(ev(c.claimed))[0]
    syms = e.variables
    vals = dict(zip([str(s) for s in syms], [0.0] * len(syms)))
    for r in range(3):
        vals[f"b_{r + 1}"] = b[r]
        for s in range(2):
            vals[f"w_{r + 1}{s + 1}"] = w[r, s]
    for ex in range(2):
        for s in range(2):
            vals[f"x_{ex + 1}{s + 1}"] = x[ex, s]
    f = sp.lambdify(syms, list(e.claimed), "numpy")
    want = np.asarray(f(*[vals[str(s)] for s in syms]), dtype=float).reshape(3, 2)
    np.testing.assert_allclose(got, want, rtol=1e-13)


def test_eq4_treats_the_outputs_as_variables_in_unit_interval():
    c = d.get("softmax_nll.eq4")
    pts = ci.sample_points(c, {K: 10}, 128, seed=0)
    v = pts.bases[c.wrt.base]
    assert np.all((v > 0) & (v < 1))
    _ = z


def test_mutants_at_k_1000_are_refuted_not_passed_unchecked():
    """Regression (benchmark finding): at K = 1000 the referee's budget once admitted no point, so
    every float64 mismatch stayed 'unchecked' and a wrong gradient came out VERIFIED."""
    import sympy as sp

    c = d.get("softmax_nll.grad_z")
    wrong = c.replace(id="softmax_nll.grad_z_times_1_plus_1e_6", sizes=(1000,),
                      claimed=c.claimed * (1 + sp.Rational(1, 10**6)))
    res = checkers.verify(wrong)
    assert res.verdict == "REFUTED", str(res)
    assert checkers.verify(c.replace(sizes=(1000,))).verdict == "PROVED"
