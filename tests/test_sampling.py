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
