"""Edge-case search with hypothesis (issue 6): ties, saturation, boundaries, subnormal and huge
magnitudes.  Every search here has a fixed hypothesis seed and no example database, so it is
deterministic; the points it finds are asserted below and recorded as test properties
(``record_property``, visible in ``--junitxml`` output) and in ``reports/mutation-table.md``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import checkers  # noqa: F401
import derivations as d
from checkers import edge_search as E
from checkers import mutation as M
from checkers.autodiff import autodiff_witness
from checkers.evaluation import sampling_witness
from checkers.finite_diff import finite_diff_witness
from checkers.sampling import sample

MUTANTS = {m.id: m for m in M.mutants()}
SRC = d.Source("test", "tests", 2026, "edge search")
POINT_CLAIMS = [c for c in d.catalog() if c.kind in ("gradient", "equality", "inequality")]
x = sp.Symbol("x", real=True)


def _mutant(mid):
    return MUTANTS[mid].claim()


# -- the strategy ---------------------------------------------------------------------------


@pytest.mark.parametrize("claim", POINT_CLAIMS, ids=lambda c: c.id)
def test_strategy_points_lie_in_the_domain(claim):
    strategy = E.point_strategy(claim)

    @settings(derandomize=True, max_examples=40, database=None, deadline=None)
    @given(strategy)
    def inside(point):
        assert len(point) == len(claim.variables)
        for (s, iv), v in zip(claim.domain, point):
            assert iv.contains(v), f"{s} = {v!r} outside {iv.text()}"

    inside()


def test_edge_values_reach_ends_subnormal_huge_and_saturation():
    unit = d.open_interval(0, 1)
    v = E.edge_values(unit)
    assert v[0] == 5e-324 or 0.0 not in v  # 0 is outside (0, 1)
    assert np.nextafter(0.0, 1.0) in v and np.nextafter(1.0, 0.0) in v and 1 - 1e-8 in v
    assert all(unit.contains(t) for t in v)
    closed = E.edge_values(d.closed_interval(0, 1))
    assert closed[:3] == [0.0, 1.0, 1e-8] or closed[:2] == [0.0, 1.0]
    line = E.edge_values(d.real_line())
    assert line[0] == 0.0
    assert {5e-324, -5e-324, 1.7976931348623157e308, 36.0, -750.0} <= set(line)
    assert all(math.isfinite(t) for t in line)


def test_classify_names_regimes():
    claim = d.get("bce_sigmoid.dc_da")  # a in (0, 1), y in [0, 1]
    assert E.classify(claim, (0.5, 0.5)) == "tie(a=y)"
    assert E.classify(claim, (5e-324, 0.0)) == "edge+subnormal"
    assert E.classify(claim, (0.3, 0.7)) == "interior"
    z = d.get("sigmoid.derivative_logistic")
    assert E.classify(z, (40.0,)) == "saturated" and E.classify(z, (1e300,)) == "huge"


def test_as_sample_refuses_points_outside_the_domain():
    claim = d.get("bce_sigmoid.dc_da")
    with pytest.raises(ValueError, match=r"a = 1\.5 is outside its domain \(0, 1\)"):
        E.as_sample(claim, [(1.5, 0.5)])
    with pytest.raises(ValueError, match="points have 1 coordinates, the claim has 2 variables"):
        E.as_sample(claim, [(0.5,)])
    with pytest.raises(TypeError, match="a limit claim has none to search"):
        E.point_checker(d.get("sigmoid.prime_vanishes_high"))


# -- the tie demonstration (issue 6) --------------------------------------------------------


def test_claim_wrong_only_at_ties_is_caught_by_edge_sampling_and_missed_by_uniform(record_property):
    """dC/da wrong only where a = y: the sampler's tie regime and the hypothesis search catch it;
    10,000 uniform points do not (a = y has probability 0 under a uniform draw)."""
    claim = _mutant("bce_sigmoid.dc_da.mut_tie_only")
    # uniform sampling alone: both numeric witnesses pass
    uni = E.uniform_sample(claim, 10_000, seed=0)
    assert not np.any(uni.points[:, 0] == uni.points[:, 1])
    assert autodiff_witness(claim, uni).status == "PASS"
    assert finite_diff_witness(claim, uni).status == "PASS"
    # the seeded sampler (with its tie regime): caught, at a tie
    res = autodiff_witness(claim, sample(claim, 256, seed=0))
    assert res.status == "FAIL"
    ce = res.counterexample
    assert float(ce.point["a"]) == float(ce.point["y"])
    # the hypothesis search: caught, shrunk to a tie
    found = E.search(claim, seed=0)
    record_property("tie_search_found", found.found)
    record_property("tie_search_examples", found.examples)
    assert found.found is not None and found.found["a"] == found.found["y"]
    assert E.classify(claim, found.point).startswith("tie")
    assert all(w.status == "FAIL" for w in E.confirm(claim, [found.point]))


def test_search_is_deterministic():
    claim = _mutant("bce_sigmoid.dc_da.mut_tie_only")
    a, b = E.search(claim, seed=3), E.search(claim, seed=3)
    assert a.found == b.found and a.examples == b.examples and a.regimes == b.regimes


# -- edges, saturation, subnormal and huge magnitudes ----------------------------------------


def _synthetic(claimed, cid):
    return d.GradientClaim(id=cid, title="t", source=SRC, statement="s", cost=x**2 / 2, wrt=x,
                           claimed=claimed, domain={x: d.real_line()})


SUBNORMAL_ONLY = _synthetic(sp.Piecewise((2 * x, sp.Abs(x) < sp.Float(2.2250738585072014e-308)), (x, True)),
                            "t.wrong_if_subnormal")
HUGE_ONLY = _synthetic(sp.Piecewise((0, sp.Abs(x) > sp.Float(1e100)), (x, True)), "t.zero_if_huge")


@pytest.mark.parametrize("case", [
    ("bce_sigmoid.dc_da.mut_edge_a_below_1e_8", lambda c, p: p["a"] < 1e-8 and p["y"] == 0, "edge"),
    ("bce_sigmoid.binary_entropy_positive.mut_bounded_away", lambda c, p: min(p["y"], 1 - p["y"]) < 5e-8,
     "edge"),
    ("sigmoid.derivative_logistic.mut_float64_saturation", lambda c, p: abs(p["z"]) > 36, "saturated"),
    ("SUBNORMAL_ONLY", lambda c, p: 0 < abs(p["x"]) < 2.2250738585072014e-308, "subnormal"),
    ("HUGE_ONLY", lambda c, p: abs(p["x"]) > 1e100, "huge"),
], ids=lambda c: c[0])
def test_search_finds_claims_wrong_only_at_an_edge_that_uniform_sampling_misses(case, record_property):
    mid, where, regime = case
    claim = {"SUBNORMAL_ONLY": SUBNORMAL_ONLY, "HUGE_ONLY": HUGE_ONLY}.get(mid) or _mutant(mid)
    found = E.search(claim, seed=0)
    record_property("found", found.found)
    assert found.found is not None, f"{claim.id}: nothing found in {found.examples} examples"
    assert where(claim, found.found), found.found
    assert regime in E.classify(claim, found.point)
    assert all(w.status == "FAIL" for w in E.confirm(claim, [found.point]))
    witness = sampling_witness if claim.kind != "gradient" else autodiff_witness
    assert witness(claim, E.uniform_sample(claim, 10_000, seed=0)).status == "PASS"


def test_shrinking_gives_points_a_student_can_check():
    """A mistake wrong on a whole region comes back at a simple point."""
    found = E.search(_mutant("mse_sigmoid.grad_w.mut_saturated_zero_z_gt_5"), seed=0)
    assert found.found is not None
    w, b, xx = found.found["w"], found.found["b"], found.found["x"]
    assert w * xx + b > 5
    assert all(float(v).is_integer() and abs(v) <= 10 for v in found.found.values()), found.found


# -- no false alarm at the edges ------------------------------------------------------------


@pytest.mark.parametrize("claim", POINT_CLAIMS, ids=lambda c: c.id)
def test_edge_search_agrees_with_the_pinned_verdict(claim, result_of):
    """Claims that hold: no counterexample anywhere hypothesis looks (edges included).  Claims
    the catalog pins as REFUTED (tests/test_catalog.py, worked by hand): the search finds one."""
    found = E.search(claim, max_examples=50, seed=0)
    if result_of(claim.id).holds:
        assert found.found is None, f"false alarm at {found.found}: {found.counterexample}"
    else:
        assert found.found is not None


@settings(derandomize=True, max_examples=25, database=None, deadline=None)
@given(st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_subnormal=True))
def test_true_sigmoid_derivative_has_no_counterexample_anywhere(zv):
    """Property: sigma' = sigma(1 - sigma) is never refuted at any float64 z (no false alarm).

    Where sigma'(z) ~ e^{-|z|} needs more than the referee's 4000 digits (|z| > ~9000, and
    float64 underflows both sides to 0) the point is undecided, not passed: the witness then says
    UNDECIDED with the point counted unchecked."""
    claim = d.get("sigmoid.derivative_logistic")
    w = E.point_checker(claim)(E.as_sample(claim, [(zv,)]))
    if abs(zv) > 9000 and w.status == "UNDECIDED":
        assert w.extra["unchecked"] == 1 and "beyond the referee's reach" in w.detail, w.detail
    else:
        assert w.status == "PASS", w.detail


def test_search_draws_the_claims_constants_not_those_of_the_modules_imported_before(
        tmp_path, monkeypatch):
    """Hypothesis also draws literal constants parsed from the local modules already imported,
    so a search with one seed depended on what the process had imported first (seen in the
    mutation table).  During a search the pool is the claim's own numbers, both signs, even with
    a local module full of other constants just imported; afterwards hypothesis's lookup is back."""
    import contextlib
    import importlib
    import sys

    from hypothesis.internal.conjecture import providers

    claim = next(m for m in M.mutants() if m.id == "bce_sigmoid.grad_w.mut_saturated_one_z_gt_5").claim()
    ints, floats = E.claim_constants(claim)
    assert {5, -5} <= ints and {5.0, -5.0} <= floats          # the mutant's threshold z > 5
    (tmp_path / "gp_local_constants.py").write_text("C = [1.2345e-7, 0.37125, 123.25]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("gp_local_constants")
    try:
        real = providers._get_local_constants
        with E._own_constants(claim):
            assert providers._get_local_constants().floats == floats
        assert providers._get_local_constants is real and 0.37125 in real().floats
        pools = []                                             # and the search runs inside it
        own = E._own_constants

        @contextlib.contextmanager
        def recording(c):
            with own(c):
                pools.append(set(providers._get_local_constants().floats))
                yield

        monkeypatch.setattr(E, "_own_constants", recording)
        edge = next(m for m in M.mutants() if m.id == "bce_sigmoid.dc_da.mut_edge_a_below_1e_8").claim()
        assert E.search(edge, seed=7, max_examples=20).found is not None
        assert pools == [E.claim_constants(edge)[1]] and 0.37125 not in pools[0]
    finally:
        sys.modules.pop("gp_local_constants", None)


def test_the_constant_pool_is_the_same_in_every_process():
    """Hypothesis draws a constant by its position in the pool; the pool of a claim with
    rationals (the 1/3 of a three-sample mean) was a plain set filled in the order of SymPy's
    ``atoms`` set, whose order follows the process's string-hash seed.  One seed then gave
    different searches: the mutation table's edge row for
    ``bce_sigmoid.grad_w.mut_saturated_one_z_gt_5`` read 190 or 308 examples by process.  The
    pool is now sorted, the same under any ``PYTHONHASHSEED``."""
    import json
    import os
    import subprocess
    import sys

    code = ("from checkers import mutation as M\n"
            "from checkers.edge_search import _own_constants\n"
            "from hypothesis.internal.conjecture import providers\n"
            "m = {x.id: x for x in M.mutants()}['bce_sigmoid.grad_w.mut_saturated_one_z_gt_5']\n"
            "with _own_constants(m.claim()):\n"
            "    c = providers._get_local_constants()\n"
            "    import json; print(json.dumps([list(c.floats), list(c.integers)]))\n")
    outs = []
    for h in ("1", "4"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env={**os.environ, "PYTHONHASHSEED": h}, timeout=120)
        assert out.returncode == 0, out.stderr
        outs.append(out.stdout)
    assert outs[0] == outs[1]
    floats = json.loads(outs[0])[0]
    assert floats == sorted(floats), floats
    assert 1 / 3 in floats and 1 - 1 / 3 in floats, floats   # v and 1 - v of the 1/3
