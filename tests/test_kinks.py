"""checkers.kinks: where a gradient claim's cost is not differentiable, found and located."""

from __future__ import annotations

import sympy as sp

import checkers
from checkers import kinks
from derivations import real_line
from derivations.build import gradient_claim

u, v = sp.symbols("u v", real=True)
D = {u: real_line(), v: real_line()}


def _claim(cost, claimed, wrt=u, cid="kinks.c"):
    return gradient_claim(cid, cost, wrt, claimed, domain=D)


def test_kink_sets_of_abs_max_min_sign_heaviside_piecewise():
    found = kinks.find_kinks(_claim(sp.Abs(u) + sp.Max(u, v) + sp.Heaviside(u - 1) + sp.sign(u + 2),
                                    sp.sign(u) + sp.Heaviside(u - v)))
    gs = {sp.simplify(k.g) for k in found}
    assert gs == {u, u - v, u - 1, u + 2} or gs == {u, v - u, u - 1, u + 2}
    pw = kinks.find_kinks(_claim(sp.Piecewise((u**2, u > 3), (3 * u, True)), sp.S(0)))
    assert [sp.sstr(k.g) for k in pw] == ["u - 3"]


def test_no_kink_where_the_argument_never_vanishes_or_does_not_involve_wrt():
    assert kinks.find_kinks(_claim(sp.Abs(sp.exp(u)), sp.exp(u))) == ()
    assert kinks.find_kinks(_claim(u * sp.Abs(v), sp.Abs(v))) == ()      # |v|: not a wrt variable


def test_points_exactly_on_a_kink_and_only_those():
    (k,) = kinks.find_kinks(_claim(sp.Max(u, 0), sp.Heaviside(u)))
    assert kinks.on_kink((k,), (u,), [[0.0], [-0.0], [5e-324], [1.0]]).tolist() == [0, 0, -1, -1]
    assert kinks.point_on_kink((k,), {"u": "0"}) is k
    assert kinks.point_on_kink((k,), {"u": "1/3"}) is None
    assert kinks.point_on_kink((k,), {"u": "0.30000000000000004"}) is None


def test_the_engine_sets_aside_a_symbolic_counterexample_on_the_kink():
    # SymPy's d/du max(u, 0) = H(u) with H(0) = 1/2; the claim takes 1{u > 0}: they differ only at 0
    claim = _claim(sp.Max(u, 0), sp.Piecewise((1, u > 0), (0, True)), cid="kinks.relu")
    res = checkers.verify(claim, points=64, symbolic_seconds=5)
    assert res.verdict == "VERIFIED", str(res)
    assert res.kinks and res.set_aside >= 1
    sym = res.witness("symbolic")   # it finds u = 0 exactly: claimed 0, SymPy's H(0) = 1/2
    assert sym.status == "UNDECIDED" and "lies on the kink where u = 0" in sym.detail
    assert all(w.counterexample is None for w in res.witnesses)


def test_a_claim_wrong_off_the_kink_is_refuted_off_the_kink():
    claim = _claim(sp.Abs(u), sp.Piecewise((1, u > 0), (1, True)), cid="kinks.abs_wrong")
    res = checkers.verify(claim, points=64, symbolic_seconds=5)
    assert res.verdict == "REFUTED"
    assert float(res.counterexample.point["u"]) < 0          # d|u|/du = -1 there, not 1


def test_a_kink_needs_unequal_one_sided_derivatives():
    r"""$z/(1 + |z|)$ (``jax.nn.soft_sign``) and $z|z|$ have $|z|$ in them but both one-sided
    derivatives agree at 0: no kink, so a gradient wrong at $z = 0$ alone is refuted there.
    $|z|$, $\max(z, 0)$, $z H(z)$ and $\max(z, z^3)$ at 0 keep theirs."""
    z = sp.Symbol("z", real=True)

    def claim(cid, cost, claimed):
        return gradient_claim(cid, cost, z, claimed, domain={z: real_line()})

    def found(cost):
        return kinks.find_kinks(claim("k.smooth", cost, sp.diff(cost, z)))

    assert found(z / (1 + sp.Abs(z))) == ()
    assert found(z * sp.Abs(z)) == ()
    for cost in (sp.Abs(z), sp.Max(z, 0), z * sp.Heaviside(z), sp.Max(z, z ** 3)):
        assert len(found(cost)) >= 1, cost
    wrong = claim("k.soft_sign_at_zero", z / (1 + sp.Abs(z)),
                  sp.Piecewise((sp.Rational(1, 2), sp.Eq(z, 0)), (1 / (1 + sp.Abs(z)) ** 2, True)))
    res = checkers.verify(wrong)
    assert res.verdict == "REFUTED" and res.counterexample.point == {"z": "0"}, str(res)
