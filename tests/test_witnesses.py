"""Each witness can fail on its own: wrong claims are rejected by each witness separately."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import checkers  # noqa: F401
import derivations as d
from checkers.autodiff import autodiff_witness
from checkers.evaluation import limit_witness, sampling_witness, value_witness
from checkers.finite_diff import finite_diff_witness
from checkers.sampling import sample
from checkers.symbolic import symbolic_witness
from derivations import sigmoid
from derivations import sigmoid_mse as mse

SRC = d.Source("test", "tests", 2026, "wrong claims")
NEURON = {mse.w: d.real_line(), mse.b: d.real_line(), mse.x: d.real_line(), mse.y: d.integers(0, 1)}


def _grad(claimed, cost=mse.cost, wrt=mse.w, cid="wrong.grad", domain=NEURON):
    return d.GradientClaim(id=cid, title="wrong", source=SRC, statement="s", cost=cost, wrt=wrt,
                           claimed=claimed, domain=domain)


WITHOUT_SIGMA_PRIME = _grad((mse.a - mse.y) * mse.x, cid="wrong.mse_without_sigma_prime")
REL_1E6 = _grad(mse.grad_w * (1 + sp.Rational(1, 10**6)), cid="wrong.mse_times_1_plus_1e_6")


@pytest.mark.parametrize("claim", [WITHOUT_SIGMA_PRIME, REL_1E6], ids=lambda c: c.id)
@pytest.mark.parametrize("witness", [autodiff_witness, finite_diff_witness], ids=["autodiff", "fd"])
def test_numeric_gradient_witness_fails_alone(claim, witness):
    res = witness(claim, sample(claim, 256, seed=1))
    assert res.status == "FAIL", res.detail
    ce = res.counterexample
    assert ce is not None and "mpmath" in ce.confirmed
    assert float(ce.claimed) != pytest.approx(float(ce.true), rel=1e-7, abs=0)


@pytest.mark.parametrize("claim", [WITHOUT_SIGMA_PRIME, REL_1E6], ids=lambda c: c.id)
def test_symbolic_witness_fails_alone(claim):
    res = symbolic_witness(claim)
    assert res.status == "DISPROVED"
    # an exact, simple point a student can substitute
    assert all("." not in v for v in res.counterexample.point.values())


def test_correct_gradient_passes_every_witness():
    c = d.get("mse_sigmoid.grad_w")
    s = sample(c, 256, seed=3)
    assert autodiff_witness(c, s).status == "PASS"
    assert finite_diff_witness(c, s).status == "PASS"
    assert symbolic_witness(c).status == "PROVED"


def test_non_analytic_cost_uses_central_differences_and_still_fails_a_wrong_claim():
    x = sp.Symbol("x", real=True)
    cost = sp.Abs(x) ** 3
    good = _grad(3 * x * sp.Abs(x), cost=cost, wrt=x, cid="abs.good", domain={x: d.real_line()})
    bad = _grad(3 * x * sp.Abs(x) * (1 + sp.Rational(1, 10**6)), cost=cost, wrt=x, cid="abs.bad",
                domain={x: d.real_line()})
    s = sample(good, 256, seed=0)
    ok = finite_diff_witness(good, s)
    assert ok.status == "PASS" and "central" in ok.method
    assert finite_diff_witness(bad, s).status == "FAIL"


def test_wrong_equality_inequality_limit_value_each_fail():
    z = sp.Symbol("z", real=True)
    eq = d.EqualityClaim(id="wrong.eq", title="t", source=SRC, statement="s",
                         lhs=sigmoid(z) * (1 - sigmoid(z)), rhs=sigmoid(z) ** 2, domain={z: d.real_line()})
    assert sampling_witness(eq, sample(eq, 128)).status == "FAIL"
    assert symbolic_witness(eq).status == "DISPROVED"
    a = sp.Symbol("a", positive=True)
    ineq = d.InequalityClaim(id="wrong.ineq", title="t", source=SRC, statement="s",
                             lhs=sp.log(a), relation=">", domain={a: d.open_interval(0, 1)})
    assert sampling_witness(ineq, sample(ineq, 128)).status == "FAIL"
    assert symbolic_witness(ineq).status == "DISPROVED"
    lim = d.LimitClaim(id="wrong.lim", title="t", source=SRC, statement="s", expr=sigmoid(z),
                       var=z, point=sp.oo, value=sp.Rational(1, 2), domain={z: d.real_line()})
    assert limit_witness(lim, sample(lim, 16)).status == "FAIL"
    assert symbolic_witness(lim).status == "DISPROVED"
    val = d.ValueClaim(id="wrong.val", title="t", source=SRC, statement="s",
                       expr=1 / (1 + sp.exp(-4)), quoted="0.983")
    assert value_witness(val).status == "FAIL"
    assert symbolic_witness(val).status == "DISPROVED"


def test_value_rounding_rule_is_tight():
    """sigma(4) = 0.98201...: 0.982 holds, 0.9820 holds, 0.9821 does not."""
    for quoted, ok in (("0.982", True), ("0.9820", True), ("0.9821", False), ("0.98", True)):
        val = d.ValueClaim(id="t.val", title="t", source=SRC, statement="s",
                           expr=1 / (1 + sp.exp(-4)), quoted=quoted)
        assert (value_witness(val).status == "PASS") is ok, quoted
        assert (symbolic_witness(val).status == "PROVED") is ok, quoted


def test_limit_with_tie_is_a_half_not_one():
    """The softmax-limit trap: with z = (3, 3, 1), a_1(c) -> 1/2 as c -> oo."""
    c = sp.Symbol("c", positive=True)
    z = (3, 3, 1)
    a1 = sp.exp(c * z[0]) / sum(sp.exp(c * zk) for zk in z)
    claim = d.LimitClaim(id="t.tie", title="t", source=SRC, statement="s", expr=a1, var=c,
                         point=sp.oo, value=1, domain={c: d.positive()})
    assert limit_witness(claim, sample(claim, 8)).status == "FAIL"
    assert symbolic_witness(claim).status == "DISPROVED"


def test_referee_does_not_mistake_cancellation_for_a_counterexample():
    """sigma(1 - sigma) in float64 is 0 at z = 800 while sigma' is not: mpmath decides, no FAIL."""
    c = d.get("sigmoid.derivative_logistic")
    s = sample(c, 64, seed=0).with_points(np.array([[800.0], [-800.0], [37.5]]), "test")
    for w in (autodiff_witness, finite_diff_witness):
        assert w(c, s).status == "PASS"


def test_time_bound_gives_undecided_not_a_hang():
    x = sp.Symbol("x", positive=True)
    hard = sum(sp.log(x + k) ** k for k in range(1, 9))
    claim = d.EqualityClaim(id="t.hard", title="t", source=SRC, statement="s",
                            lhs=sp.expand(hard * (x + 1) ** 6), rhs=hard * (x + 1) ** 6 + 1,
                            domain={x: d.positive()})
    res = symbolic_witness(claim, seconds=0.05)
    assert res.status in ("UNDECIDED", "DISPROVED")
    assert res.seconds < 5


def test_a_witness_that_decides_no_point_is_undecided_not_a_pass():
    r"""Every point beyond float64 and the referee: no evidence.  A wrong claim there must not
    come out VERIFIED (before: PASS with every point unchecked).  Here $e^z(1 - \tanh z)$ at
    $z \in [10^7, 10^8]$: float64 gives inf * 0, and $1 - \tanh z$ cancels about $0.87 z$
    digits, so the referee cannot evaluate it either ($e^z$ alone it now can: the digits come
    from the conditioning at the point, :func:`checkers.highprec.conditioned_dps`)."""
    import sympy as sp

    from derivations.claims import closed_interval
    from derivations.build import gradient_claim

    z = sp.Symbol("z", real=True)
    cost = sp.exp(z) * (1 - sp.tanh(z))
    wrong = gradient_claim("t.beyond_reach", cost=cost, wrt=z, claimed=2 * sp.diff(cost, z),
                           domain={z: closed_interval(1e7, 1e8)})
    res = checkers.verify(wrong, symbolic=False)
    assert res.verdict == "UNDECIDED", str(res)
    ad = res.witness("autodiff")
    assert ad.status == "UNDECIDED" and ad.extra["unchecked"] == ad.points > 0, ad.detail


_A, _Y = sp.symbols("a y", real=True)
_GIBBS = (-_Y * sp.log(_A) - (1 - _Y) * sp.log(1 - _A)
          + _Y * sp.log(_Y) + (1 - _Y) * sp.log(1 - _Y))
_UNIT = {_A: d.open_interval(0, 1), _Y: d.open_interval(0, 1)}


@pytest.mark.parametrize("rel, rhs, proved", [
    (">=", 0, True),                      # Gibbs: the minimum over a is 0, at a = y
    (">", 0, False),                      # strict fails at a = y
    (">=", sp.Rational(1, 10**6), False),  # a bound above the minimum fails near a = y
])
def test_first_derivative_test_proves_gibbs_and_nothing_stronger(rel, rhs, proved):
    """The cross-entropy minus the entropy (a KL divergence) is >= 0, with equality at a = y;
    the first-derivative test proves exactly that, and refutes the two stronger claims."""
    c = d.InequalityClaim(id="t.gibbs", title="t", source=SRC, statement="s", lhs=_GIBBS,
                          relation=rel, rhs=rhs, domain=_UNIT)
    res = symbolic_witness(c)
    assert (res.status == "PROVED") is proved, res.detail
    if proved:
        assert "first-derivative test" in res.detail
    else:
        assert res.status == "DISPROVED", res.detail


@pytest.mark.parametrize("bound, proved", [(sp.Rational(1, 64), True), (sp.Rational(63, 4096), False)])
def test_first_derivative_test_on_a_product_of_per_variable_maxima(bound, proved):
    """sigma'(z1) sigma'(z2) sigma'(z3) <= 4^-3 (each factor peaks at 1/4, at z = 0); the
    bound 63/4096 < 1/64 fails at z = 0."""
    zs = sp.symbols("z1:4", real=True)
    prod = sp.Mul(*[sp.exp(-v) / (1 + sp.exp(-v)) ** 2 for v in zs])
    c = d.InequalityClaim(id="t.prod", title="t", source=SRC, statement="s", lhs=prod,
                          relation="<=", rhs=bound, domain={v: d.real_line() for v in zs})
    res = symbolic_witness(c)
    assert res.status == ("PROVED" if proved else "DISPROVED"), res.detail


def test_identity_proved_case_by_case_with_sign_factored():
    """sign((a - y)/(a (1 - a))) = sign(a - y) on (0, 1)^2: 1 - a > 0 is known only once a is
    reparametrized; on the real line it is false (a = 2, y = 0), and not proved."""
    lhs, rhs = sp.sign(sp.factor((_A - _Y) / (_A * (1 - _A)))), sp.sign(_A - _Y)
    ok = d.EqualityClaim(id="t.sign", title="t", source=SRC, statement="s", lhs=lhs, rhs=rhs,
                         domain=_UNIT)
    res = symbolic_witness(ok)
    assert res.status == "PROVED" and "case(s) of the domain" in res.detail, res.detail
    wide = d.EqualityClaim(id="t.sign_wide", title="t", source=SRC, statement="s", lhs=lhs,
                           rhs=rhs, domain={_A: d.open_interval(0, 3), _Y: d.open_interval(0, 1)})
    assert symbolic_witness(wide).status != "PROVED"


def test_limit_of_a_finite_sum_of_symbolic_length_and_its_region():
    """lim_{c->oo} 1/(m + sum_{k=1}^n e^{-c g_k}) = 1/m for every n (term-wise limits); a claimed
    1/(m + n) ('1/K') is refuted at an exact point where the two differ (m = 1, n = 1: 1 vs 1/2),
    and the claimed 1 holds iff m = 1 (the region: SymPy's limit solved for m)."""
    import checkers

    c = sp.Symbol("c", positive=True)
    m = sp.Symbol("m", integer=True, positive=True)
    n = sp.Symbol("n", integer=True, nonnegative=True)
    t = sp.Symbol("t", integer=True, positive=True)
    g = sp.IndexedBase("g")
    expr = 1 / (m + sp.Sum(sp.exp(-c * g[t]), (t, 1, n)))
    dom = {c: d.positive(), m: d.integers(1, 50), n: d.integers(0, 50), g.label: d.positive()}

    def lim(value):
        return d.LimitClaim(id="t.sum_limit", title="t", source=SRC, statement="s", expr=expr,
                            var=c, point=sp.oo, value=value, domain=dom)

    right = symbolic_witness(lim(1 / m))
    assert right.status == "PROVED" and "finite sum" in right.detail, right.detail
    assert limit_witness(lim(1 / m), sample(lim(1 / m), 64)).status == "PASS"
    wrong = symbolic_witness(lim(1 / (m + n)))
    assert wrong.status == "DISPROVED", wrong.detail
    assert wrong.counterexample.point["m"] == "1" and wrong.counterexample.point["n"] == "1"
    assert (wrong.counterexample.claimed, wrong.counterexample.true) == ("1/2", "1")
    res = checkers.verify(lim(sp.Integer(1)), points=64)
    assert res.verdict == "REFUTED"
    assert (res.region.text, res.region.status) == ("holds iff m = 1", "PROVED"), res.region


def test_squeeze_proves_a_limit_whatever_the_other_terms_do():
    """1/(1 + e^{cd} + sum_k e^{c h_k}) -> 0 for d > 0 and any real h_k (some terms grow, some
    vanish); the same with e^{-cd} (d > 0) in place of e^{cd} is not proved (it tends to 1/(1 + 1 +
    #{h_k = 0}) ... or 0: no one limit), and a claimed 1 is refuted numerically."""
    c = sp.Symbol("c", positive=True)
    dd = sp.Symbol("d", positive=True)
    n = sp.Symbol("n", integer=True, nonnegative=True)
    t = sp.Symbol("t", integer=True, positive=True)
    h = sp.IndexedBase("h")
    dom = {c: d.positive(), dd: d.positive(), n: d.integers(0, 20), h.label: d.real_line()}

    def lim(sign, value):
        return d.LimitClaim(id="t.squeeze", title="t", source=SRC, statement="s", var=c, point=sp.oo,
                            expr=1 / (1 + sp.exp(sign * c * dd) + sp.Sum(sp.exp(c * h[t]), (t, 1, n))),
                            value=value, domain=dom)

    ok = symbolic_witness(lim(1, 0))
    assert ok.status == "PROVED" and "squeeze" in ok.detail, ok.detail
    assert symbolic_witness(lim(-1, 0)).status != "PROVED"
    bad = lim(1, sp.Integer(1))
    assert limit_witness(bad, sample(bad, 64)).status == "FAIL"


def test_an_infinite_series_is_not_taken_term_by_term():
    """S(c) = sum_{k>=1} (c/(k (k + c)) - 1/k) = -sum_k 1/(k + c): every term tends to 0, yet
    S(c) = -(psi(c + 1) + gamma) -> -oo, so 1/(1 + e^S) -> 1, not the 1/2 that term-wise limits
    give.  The term-wise rule is for finite sums only: this limit is not proved."""
    c = sp.Symbol("c", positive=True)
    k = sp.Symbol("k", integer=True, positive=True)
    series = sp.Sum(c / (k * (k + c)) - 1 / k, (k, 1, sp.oo))   # each term -> 0; the sum does not
    claim = d.LimitClaim(id="t.series", title="t", source=SRC, statement="s", expr=1 / (1 + sp.exp(series)),
                         var=c, point=sp.oo, value=sp.Rational(1, 2), domain={c: d.positive()})
    assert symbolic_witness(claim).status != "PROVED"


def test_a_sum_too_long_to_add_out_is_not_checked_not_passed():
    """n up to 10^6: the sampled points with n beyond MAX_SUM_TERMS are named as not checked;
    with every point beyond it the witness is UNDECIDED, not a pass."""
    from checkers.evaluation import MAX_SUM_TERMS

    c = sp.Symbol("c", positive=True)
    n = sp.Symbol("n", integer=True, nonnegative=True)
    t = sp.Symbol("t", integer=True, positive=True)
    g = sp.IndexedBase("g")

    def lim(lo):
        return d.LimitClaim(id="t.long_sum", title="t", source=SRC, statement="s", var=c, point=sp.oo,
                            expr=1 / (1 + sp.Sum(sp.exp(-c * g[t]), (t, 1, n))), value=1,
                            domain={c: d.positive(), n: d.integers(lo, 10**6), g.label: d.positive()})

    some = limit_witness(lim(0), sample(lim(0), 64))
    assert some.status == "PASS" and f"need over {MAX_SUM_TERMS:,} sum terms: not checked" in some.method
    none = limit_witness(lim(10**5), sample(lim(10**5), 64))
    assert none.status == "UNDECIDED" and "none checked" in none.detail
