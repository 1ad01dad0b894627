"""Miranda 2017: verdicts pinned by hand, and every refuted step checked by hand.

The derivation's steps are checked as written.  Three of them are false for k != y_i (the
chain rule drops the sum over classes; dL_i/dp_k = -1/p_k; dL_i/df_k = p_k - 1), each next
to the narrower claim that holds.  Hand check, two classes with equal scores f = (0, 0):
p = (1/2, 1/2); for the class k that is not y_i the true derivative of L_i = -log p_{y_i} is
dL_i/df_k = p_k = 1/2 and dL_i/dp_k = 0.
"""

from __future__ import annotations

import pytest
import sympy as sp

import checkers  # noqa: F401
import derivations as d
from conftest import assert_verdict
from checkers import indexed as ci
from derivations import miranda as mi

CLAIMS = mi.CLAIMS

REFUTED = {
    # k != y_i: the product (dL/dp_k)(dp_k/df_k) = (-delta_{k y}/p_y) p_k (1 - p_k) = 0,
    # while dL_i/df_k = p_k = 1/2 at f = (0, 0).
    "miranda.chain_rule_as_written": ("f", "0", "1/2"),
    # k != y_i: -1/p_k = -2 at p = (1/2, 1/2), but L_i does not depend on p_k: 0.
    "miranda.dl_dp_as_written": ("p", "-2", "0"),
    # k != y_i: p_k - 1 = -1/2 at f = (0, 0), true p_k = 1/2.
    "miranda.dl_df_as_written": ("f", "-1/2", "1/2"),
}


# As printed, the quotient rule equates f/g with (g Df - f Dg)/g^2 (the D on the left is missing).
REFUTED_SCALAR = {"miranda.quotient_rule_as_printed"}


def expected(claim_id):
    return "REFUTED" if claim_id in REFUTED or claim_id in REFUTED_SCALAR else "PROVED"


def test_the_quotient_rule_as_printed_fails_by_hand(result_of):
    """f(x) = u + v x, g(x) = s + t x at the counterexample: f/g against (g f' - f g')/g^2."""
    ce = result_of("miranda.quotient_rule_as_printed").counterexample
    u, v, s, t, x = (sp.Rational(ce.point[k]) for k in ("u", "v", "s", "t", "x"))
    f, g = u + v * x, s + t * x
    assert (sp.Rational(ce.claimed), sp.Rational(ce.true)) == (f / g, (g * v - f * t) / g**2)
    assert f / g != (g * v - f * t) / g**2


def test_rows_in_document_order():
    ids = [c.id for c in CLAIMS]
    assert len(ids) == len(set(ids)) == 23
    order = ["miranda.softmax_in_unit_interval", "miranda.figure_sum_printed", "miranda.loss_infinite_at_0",
             "miranda.chain_rule_as_written", "miranda.dl_dp_as_written", "miranda.quotient_rule_as_printed",
             "miranda.quotient_rule",
             "miranda.dp_df_quotient", "miranda.dp_df", "miranda.combine_algebra", "miranda.dl_df_as_written"]
    assert [i for i in ids if i in order] == order
    assert [c.id for c in d.catalog() if c.id.startswith("miranda.")] == ids
    assert d.catalog()[-1].id == ids[-1]   # Miranda closes the catalog


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.id)
def test_verdict_is_pinned(claim, result_of):
    assert_verdict(result_of(claim.id), expected(claim.id))


@pytest.mark.parametrize("claim_id", sorted(REFUTED))
def test_refuted_step_counterexample_checks_by_hand(claim_id, result_of):
    res = result_of(claim_id)
    assert all(w.fails for w in res.witnesses), str(res)   # symbolic and every numeric witness
    ce = res.counterexample
    base, claimed, true = REFUTED[claim_id]
    assert (ce.claimed, ce.true) == (claimed, true)
    assert ce.point["K"] == "2"
    assert ce.point[base] == ("(0, 0)" if base == "f" else "(1/2, 1/2)")
    assert ce.point["k"] != ce.point["y_i"]
    # the numeric witnesses found the same failure at their own (rounded) point
    for name in ("autodiff", "finite differences"):
        nce = res.witness(name).counterexample
        assert nce.point["K"] == "2" and nce.point["k"] != nce.point["y_i"]
        assert float(nce.claimed) == pytest.approx(float(sp.Rational(claimed)), abs=1e-15)
        assert float(nce.true) == pytest.approx(float(sp.Rational(true)), abs=1e-15)


@pytest.mark.parametrize("claim_id", sorted(REFUTED))
def test_each_refuted_step_holds_exactly_for_the_true_class(claim_id, result_of):
    """The region of each as-written step is the k = y_i cell, PROVED for every K; the k != y_i
    cell is refuted (by hand at p = (1/2, 1/2), f = (0, 0): -1/p_y = -2 and p_y - 1 = -1/2 are
    right for k = y_i, and 0 and 1/2 are the true values for k != y_i)."""
    reg = result_of(claim_id).region
    assert reg.text == "holds iff k = y_i" and reg.status == "PROVED", reg
    assert dict(reg.cells) == {"k = y_i": "PROVED", "k != y_i": "REFUTED"}


def test_the_general_forms_carry_the_kronecker_delta():
    assert d.get("miranda.dl_dp").claimed == -sp.KroneckerDelta(mi.k, mi.y_i) / mi.P[mi.y_i]
    assert d.get("miranda.dl_df").claimed == mi.p(mi.k) - sp.KroneckerDelta(mi.k, mi.y_i)


def test_figure_probabilities_are_consistent_with_rounding(result_of):
    """(0.708, 0.256, 0.036) sums to 1 and rounds to (0.71, 0.26, 0.04); any probability vector
    that rounds to them has a sum within [0.995, 1.025], which contains 1: the printed sentence,
    read to its printed precision, is PROVED with that range."""
    res = result_of("miranda.figure_sum_printed")
    assert res.verdict == "PROVED" and "ranges over [199/200, 41/40], which meets 1" in res.witness("symbolic").detail
    vals = [d.get(f"miranda.figure_{n}").expr for n in ("cat", "dog", "horse")]
    assert vals == [sp.Rational(708, 1000), sp.Rational(256, 1000), sp.Rational(36, 1000)]
    assert sum(vals) == 1
    assert [round(float(v), 2) for v in vals] == [0.71, 0.26, 0.04]
    lo = sum(sp.Rational(x) - sp.Rational(1, 200) for x in ("0.71", "0.26", "0.04"))
    hi = sum(sp.Rational(x) + sp.Rational(1, 200) for x in ("0.71", "0.26", "0.04"))
    assert lo <= 1 <= hi and (lo, hi) == (sp.Rational(199, 200), sp.Rational(41, 40))


def test_quotient_rule_reduction_to_linear_functions():
    """d/dx (f/g) at x depends only on f, f', g, g' there: the linear family covers every case."""
    c = d.get("miranda.quotient_rule")
    F, G = sp.Function("F"), sp.Function("G")
    x = sp.Symbol("x", real=True)
    general = sp.diff(F(x) / G(x), x) - (G(x) * sp.diff(F(x), x) - F(x) * sp.diff(G(x), x)) / G(x) ** 2
    assert sp.simplify(general) == 0
    assert len(c.variables) == 5


def test_chain_rule_mutant_with_the_class_sum_is_proved():
    """The chain rule with the sum over classes (what the text's display drops) holds for all K."""
    c = d.get("miranda.chain_rule_as_written")
    P, k, y, q = mi.P, mi.k, mi.y_i, mi.index("q")
    r = sp.Sum(sp.diff(-sp.log(P[y]), P[q]).xreplace({P[y]: mi.p(y)}) * sp.diff(mi.p(q), mi.f[k]),
               (q, 1, mi.K))
    full = c.replace(id="miranda.chain_rule_full", claimed=r)
    assert ci.symbolic_witness(full).status == "PROVED"
