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
