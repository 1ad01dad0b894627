"""The sampler: seeded, inside the domain, and aimed at the places where mistakes hide."""

from __future__ import annotations

import numpy as np

import derivations as d
from checkers.sampling import sample


def test_same_seed_same_points_other_seed_other_points():
    c = d.get("bce_sigmoid.grad_w")
    a, b, other = sample(c, 512, 5), sample(c, 512, 5), sample(c, 512, 6)
    assert np.array_equal(a.points, b.points)
    assert not np.array_equal(a.points, other.points)


def test_every_point_is_inside_its_domain():
    for c in d.catalog():
        s = sample(c, 256, 0)
        for k, (sym, iv) in enumerate(c.domain):
            assert all(iv.contains(v) for v in s.points[:, k]), (c.id, sym)


def test_regimes_reach_saturation_edges_ties_and_extremes():
    c = d.get("bce_sigmoid.nonnegative")  # a in (0, 1), y in [0, 1]
    s = sample(c, 1024, 0)
    a, y = s.points[:, 0], s.points[:, 1]
    assert {"uniform", "edge", "tie", "tiny"} <= set(s.regimes)
    assert a.min() < 1e-300 and a.max() == np.nextafter(1.0, 0.0)  # both open ends
    assert {0.0, 1.0} <= set(y)  # closed ends exactly
    assert np.any(a == y)  # ties
    z = sample(d.get("sigmoid.derivative_logistic"), 1024, 0).points[:, 0]
    assert np.abs(z).max() >= 700 and (np.abs(z) >= 30).mean() > 0.1  # saturated sigmoid
    assert np.any(np.abs(z) >= 1e300) and np.any((z != 0) & (np.abs(z) < 1e-300))


def test_integer_domains_are_integers():
    s = sample(d.get("mse_sigmoid.grad_w"), 256, 0)
    y = s.points[:, 3]
    assert set(np.unique(y)) == {0.0, 1.0}


def test_tie_between_open_interval_and_integer_range():
    """A tie of a in (0, 1) with y in {0, 1} has no common value: no crash, every point in domain."""
    import sympy as sp

    a, y, t = sp.symbols("a y t", real=True)
    src = d.Source("t", "t", 2026, "t")
    c = d.EqualityClaim(id="t.tie", title="t", source=src, statement="s", lhs=a * y, rhs=a * y,
                        domain={a: d.open_interval(0, 1), y: d.integers(0, 1), t: d.closed_interval(0, 1)})
    s = sample(c, 512, 0)
    assert np.all((s.points[:, 0] > 0) & (s.points[:, 0] < 1)) and set(s.points[:, 1]) <= {0.0, 1.0}
    assert np.any(s.points[:, 1] == s.points[:, 2])  # y ties with t in [0, 1] at 0 or 1


# -- the decades between 1e-3 and 1e-16 ---------------------------------------------------------------

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402

import checkers  # noqa: E402
from checkers.implementation import verify_implementation  # noqa: E402
from checkers.sampling import DECADES, REGIME_SHARES  # noqa: E402
from derivations.build import gradient_claim  # noqa: E402

z = sp.Symbol("z", real=True)


@pytest.mark.parametrize("seed", [0, 1, 20260104])
def test_every_decade_from_1e_3_to_1e_16_on_both_sides_of_zero(seed):
    c = d.get("sigmoid.derivative_logistic")          # z on the real line
    zs = sample(c, 1024, seed).points[:, 0]
    for k in DECADES:
        lo, hi = 10.0 ** -int(k), 10.0 ** (1 - int(k))
        for sign in (1, -1):
            v = sign * zs
            assert np.count_nonzero((v >= lo) & (v < hi)) >= 2, (seed, k, sign)
    assert set(DECADES) == set(range(3, 17))
    assert np.any((zs != 0) & (np.abs(zs) < 2.2250738585072014e-308))        # subnormal
    assert np.any(np.abs(zs) >= 1e300)                                        # huge


def test_decades_also_next_to_a_finite_end_and_only_inside_the_domain():
    c = d.get("bce_sigmoid.nonnegative")                 # a in (0, 1)
    s = sample(c, 1024, 0)
    a = s.points[s.regimes == "decades", 0]
    near0, near1 = a[a < 0.5], 1.0 - a[a >= 0.5]
    for gap in (near0, near1):
        decades = set(np.floor(-np.log10(gap[gap > 0])).astype(int))
        assert set(range(3, 16)) <= decades, sorted(decades)
    assert np.all((a > 0) & (a < 1))


def test_regime_shares_keep_every_regime_meaningful():
    c = d.get("sigmoid.derivative_logistic")
    shares = sample(c, 1024, 0).shares()
    assert sum(shares.values()) == 1024 and set(shares) == set(REGIME_SHARES)
    assert shares["uniform"] == max(shares.values()) and min(shares.values()) >= 20
    assert shares["decades"] >= 2 * len(DECADES) * 2     # about 3 points per decade and side
    assert abs(sum(REGIME_SHARES.values()) - 1.0) < 1e-12 and list(REGIME_SHARES)[-1] == "mixed"


@pytest.mark.parametrize("where", ["below_1e-10", "between_1e-8_and_1e-6"])
def test_a_mistake_only_at_small_arguments_is_refuted_at_the_default_points(where):
    small = sp.Abs(z) < 1e-10 if where == "below_1e-10" else sp.And(sp.Abs(z) > 1e-8, sp.Abs(z) < 1e-6)
    claim = gradient_claim(f"sampling.small_{where.replace('-', '_').replace('.', '_')}",
                           sp.sin(z) * z, z,
                           sp.Piecewise((1.5 * (sp.cos(z) * z + sp.sin(z)), small),
                                        (sp.cos(z) * z + sp.sin(z), True)),
                           domain={z: d.real_line()})
    res = checkers.verify(claim)
    assert res.verdict == "REFUTED", str(res)
    at = abs(float(res.counterexample.point["z"]))
    assert (at < 1e-10) if where == "below_1e-10" else (1e-8 < at < 1e-6), str(res)
    assert res.counterexample.by_hand == "sample regime: decades"     # found where it lives


def _square_claim(cid, claimed):
    return gradient_claim(cid, z**2, z, claimed, domain={z: d.real_line()})


def test_a_counterexample_at_a_subnormal_point_is_shown_at_zero():
    """At z = -5e-324 XLA on CPU reads the input as 0: the counterexample is shown at z = 0 where the
    claim fails the same way (the sample here has no point at 0 of its own)."""
    from checkers.engine import run_witness
    from checkers.kinds import kind_of

    claim = _square_claim("sampling.wrong_near_0", sp.Piecewise((1, sp.Abs(z) < 1e-300), (2 * z, True)))
    smp = sample(claim, 1, 0).with_points([[-5e-324]], "tiny")
    assert not np.any(smp.points == 0)
    autodiff = dict(kind_of(claim).witnesses)["autodiff"]
    w = run_witness("autodiff", autodiff, claim, smp)
    assert w.status == "FAIL" and w.counterexample.point == {"z": "0"}, w.counterexample


def test_an_implementation_wrong_at_zero_is_shown_at_zero_not_at_the_subnormal_point():
    @jax.custom_vjp
    def square(z):
        return z**2

    square.defvjp(lambda z: (z**2, z), lambda z, g: (g * jnp.where(z == 0, 1.0, 2 * z),))
    res = verify_implementation(square, _square_claim("sampling.square", 2 * z), points=1,
                                at=np.array([[-5e-324]]), check_claim=False)
    assert res.verdict == "REFUTED"
    assert res.counterexample.point == {"z": "0"}, str(res)
