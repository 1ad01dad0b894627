r"""Hypothesis-driven search for counterexamples where mistakes hide: ties, saturation, the
boundary of the domain, subnormal and huge magnitudes.

The seeded sampler (:mod:`checkers.sampling`) draws fixed shares of points from each regime.
This module searches instead: `hypothesis <https://hypothesis.readthedocs.io>`_ draws points from
a strategy biased to the edges of every variable's interval, and shrinks a failing point
towards simpler values (so a counterexample found at $a = 0.3721\ldots = y$ comes back as
$a = y = 0.5$ when that still fails).  Per variable (:func:`variable_strategy`):

* an ordinary value (the interval itself when bounded, else within 10 of 0 or of the finite
  end), so that mistakes confined to a moderate region ($z > 5$) are reachable too;
* the characteristic values of :func:`edge_values`: closed ends, the nearest float64 values
  inside open ends (``nextafter``, $10^{-300}$, $10^{-16}$, $10^{-8}$ away), $0$, subnormal
  magnitudes ($5\cdot10^{-324}$, $10^{-310}$), the smallest normal $2.2\cdot10^{-308}$, huge
  magnitudes ($10^{100}$, $10^{300}$, the largest float64), and for unbounded variables the
  saturation band $|z| \in [30, 1000]$ where $\sigma(z)$ rounds to 0 or 1;
* or any float64 of the interval (hypothesis's own float strategy, which favours bounds,
  subnormals and extreme exponents as well);

and per point, optionally a **tie**: two variables with overlapping domains set equal.

A point fails when the claim's two sides (claimed and true derivative, SymPy's Jacobian; or lhs
and rhs) disagree there and the mpmath referee confirms it (:func:`checkers.pointwise.decide`,
the same rule as every witness).  :func:`search` returns the shrunk point; :func:`confirm`
hands it to the engine's own witnesses.  Every search is deterministic: a fixed hypothesis
seed, no example database.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from hypothesis import HealthCheck, Phase, Verbosity, given, seed as hyp_seed, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException

from derivations import EqualityClaim, GradientClaim, InequalityClaim, Interval

from .engine import run_witness
from .kinds import kind_of
from .lambdify import numpy_fn
from .pointwise import decide
from .results import FAIL
from .sampling import Sample

__all__ = ["claim_constants", "edge_values", "variable_strategy", "point_strategy", "classify", "search",
           "EdgeSearchResult", "point_checker", "uniform_sample", "as_sample", "confirm",
           "search_against_uniform", "SEARCH_RTOL"]

SEARCH_RTOL = 1e-10
"""Float64 agreement below which a point passes without the referee (as the autodiff witness)."""

_OFFSETS = (5e-324, 1e-300, 1e-16, 1e-8)
_SUBNORMAL = (5e-324, 1e-310, 2.2250738585072014e-308)
_HUGE = (1e100, 1e300, 1.7976931348623157e308)
_SATURATED = (30.0, 36.0, 37.0, 40.0, 100.0, 700.0, 710.0, 745.0, 750.0, 1000.0)


def edge_values(iv: Interval) -> list:
    """In-domain float64 values characteristic of the edges of ``iv``, simplest first.

    Order (hypothesis shrinks towards the front): 0, the closed ends, the ends' neighbours from
    $10^{-8}$ to one ulp away, the smallest normal and subnormal magnitudes, the saturation band
    (unbounded variables), huge magnitudes.
    """
    if iv.integer:
        vals = ([0.0] if iv.contains(0) else []) + [iv.lo, iv.hi]
        return list(dict.fromkeys(vals))
    c = [0.0]
    ends = [(e, sgn, is_open) for e, sgn, is_open in ((iv.lo, 1.0, iv.lo_open), (iv.hi, -1.0, iv.hi_open))
            if math.isfinite(e)]
    c += [e for e, _, is_open in ends if not is_open]
    for o in reversed(_OFFSETS):
        c += [e + sgn * o for e, sgn, _ in ends]
    c += [float(np.nextafter(e, e + sgn)) for e, sgn, _ in ends]
    for mag in (_SUBNORMAL[2], _SUBNORMAL[1], _SUBNORMAL[0]):
        c += [mag, -mag]
    if not (math.isfinite(iv.lo) and math.isfinite(iv.hi)):
        for mag in _SATURATED:
            c += [mag, -mag]
    for mag in _HUGE:
        c += [mag, -mag]
    return list(dict.fromkeys(float(v) for v in c if math.isfinite(v) and iv.contains(v)))


def _moderate(iv: Interval):
    """Ordinary values: the interval itself when bounded, else within 10 of its finite end or of 0."""
    lo = iv.lo if math.isfinite(iv.lo) else (iv.hi - 10 if math.isfinite(iv.hi) else -10.0)
    hi = iv.hi if math.isfinite(iv.hi) else lo + (10 if math.isfinite(iv.lo) else 20.0)
    return st.floats(min_value=lo, max_value=hi, exclude_min=iv.lo_open and lo == iv.lo,
                     exclude_max=iv.hi_open and hi == iv.hi, allow_nan=False, allow_infinity=False)


def variable_strategy(iv: Interval):
    """Hypothesis strategy for one variable: an ordinary value, an edge value
    (:func:`edge_values`), or any float64 of the interval (subnormal and extreme included).

    Shrinking prefers the first branch, so a failing point comes back as simple as it can.
    """
    if iv.is_point:
        return st.just(float(iv.lo))
    if iv.integer:
        return st.integers(int(iv.lo), int(iv.hi)).map(float)
    lo = iv.lo if math.isfinite(iv.lo) else None
    hi = iv.hi if math.isfinite(iv.hi) else None
    anywhere = st.floats(min_value=lo, max_value=hi, exclude_min=lo is not None and iv.lo_open,
                         exclude_max=hi is not None and iv.hi_open, allow_nan=False,
                         allow_infinity=False, allow_subnormal=True)
    edges = edge_values(iv)
    return st.one_of(_moderate(iv), st.sampled_from(edges), anywhere) if edges else st.one_of(
        _moderate(iv), anywhere)


def _tie_pairs(domain) -> list:
    pairs = []
    for i in range(len(domain)):
        for j in range(i + 1, len(domain)):
            a, b = domain[i][1], domain[j][1]
            if max(a.lo, b.lo) <= min(a.hi, b.hi):
                pairs.append((i, j))
    return pairs


def point_strategy(claim):
    """Points (tuples of float64, in ``claim.variables`` order), each inside the domain.

    In about a third of the points (hypothesis chooses), one pair of variables with overlapping
    domains is set equal (a tie): the second takes the first's value, or the reverse if only
    that one fits.
    """
    domain = list(claim.domain)
    base = st.tuples(*[variable_strategy(iv) for _, iv in domain])
    pairs = _tie_pairs(domain)
    if not pairs:
        return base

    def tie(args):
        pt, pair = args
        if pair is None:
            return pt
        i, j = pair
        pt = list(pt)
        if domain[j][1].contains(pt[i]):
            pt[j] = pt[i]
        elif domain[i][1].contains(pt[j]):
            pt[i] = pt[j]
        return tuple(pt)

    return st.tuples(base, st.sampled_from([None, None, *pairs])).map(tie)


def classify(claim, point) -> str:
    r"""The regimes a point belongs to, joined by ``+``: ``tie(u=v)`` (two real variables equal and nonzero),
    ``edge`` (within $10^{-8}$ of a finite end), ``subnormal``, ``huge`` ($|v| \ge 10^{100}$),
    ``saturated`` ($30 \le |v| < 10^{100}$ for an unbounded variable), ``zero``; else
    ``interior``."""
    dom = list(claim.domain)
    vals = [float(v) for v in point]
    labels = []
    for i, j in _tie_pairs(dom):
        if vals[i] == vals[j] != 0 and not (dom[i][1].integer or dom[j][1].integer):
            labels.append(f"tie({dom[i][0]}={dom[j][0]})")
    for (_, iv), v in zip(dom, vals):
        if iv.integer or iv.is_point:
            continue
        if any(math.isfinite(e) and abs(v - e) <= 1e-8 * max(1.0, abs(e)) for e in (iv.lo, iv.hi)):
            labels.append("edge")
            break
    if any(0 < abs(v) < 2.2250738585072014e-308 for v in vals):
        labels.append("subnormal")
    if any(abs(v) >= 1e100 for v in vals):
        labels.append("huge")
    if any(30 <= abs(v) < 1e100 for (_, iv), v in zip(dom, vals)
           if not (math.isfinite(iv.lo) and math.isfinite(iv.hi))):
        labels.append("saturated")
    if all(v == 0 for v in vals):
        labels.append("zero")
    return "+".join(labels) or "interior"


def as_sample(claim, points, regime: str = "hypothesis edge search", seed: int = 0) -> Sample:
    """A :class:`~checkers.sampling.Sample` of the given points (rows in ``claim.variables`` order)."""
    pts = np.atleast_2d(np.asarray(points, dtype=np.float64))
    if pts.shape[1] != len(claim.variables):
        raise ValueError(f"{claim.id}: points have {pts.shape[1]} coordinates, the claim has "
                         f"{len(claim.variables)} variables {claim.variables}")
    for k, (s, iv) in enumerate(claim.domain):
        bad = [float(v) for v in pts[:, k] if not iv.contains(v)]
        if bad:
            raise ValueError(f"{claim.id}: {s} = {bad[0]!r} is outside its domain {iv.text()}")
    return Sample(claim.variables, pts, np.full(len(pts), regime, dtype=object), seed,
                  info={"domain": dict(claim.domain)})


def uniform_sample(claim, n: int, seed: int = 0) -> Sample:
    """Uniform points only (what a plain random test would draw): uniform on bounded intervals,
    on $[-10, 10]$ for the real line, $[lo, lo + 10]$ or $[hi - 10, hi]$ for half-lines."""
    rng = np.random.default_rng([seed, 6])
    cols = []
    for _, iv in claim.domain:
        if iv.integer:
            v = rng.integers(int(iv.lo), int(iv.hi) + 1, size=n).astype(np.float64)
        else:
            lo = iv.lo if math.isfinite(iv.lo) else (iv.hi - 10 if math.isfinite(iv.hi) else -10.0)
            hi = iv.hi if math.isfinite(iv.hi) else lo + (10 if math.isfinite(iv.lo) else 20.0)
            v = rng.uniform(lo, hi, size=n)
            bad = np.array([not iv.contains(x) for x in v])
            while bad.any():
                v[bad] = rng.uniform(lo, hi, size=int(bad.sum()))
                bad = np.array([not iv.contains(x) for x in v])
        cols.append(v)
    return Sample(claim.variables, np.stack(cols, axis=1), np.full(n, "uniform", dtype=object), seed,
                  info={"domain": dict(claim.domain)})


def point_checker(claim):
    """``check(sample) -> WitnessResult``: the claim's two sides compared at every point.

    Gradient claims: the claimed Jacobian against SymPy's exact Jacobian of the cost, both in
    float64, the referee where they disagree by more than :data:`SEARCH_RTOL`.  Equalities and
    inequalities: lhs against rhs with the claim's relation.
    """
    if isinstance(claim, GradientClaim):
        true = claim.cost.jacobian(list(claim.wrt))
        left, right, rel, labels = claim.claimed, sp.ImmutableMatrix(true), "==", None
    elif isinstance(claim, (EqualityClaim, InequalityClaim)):
        left, right = claim.lhs, claim.rhs
        rel, labels = getattr(claim, "relation", "=="), ("left side", "right side")
    else:
        raise TypeError(f"{claim.id}: edge search needs points; a {claim.kind} claim has none to search")
    f_left, f_right = numpy_fn(claim.variables, left), numpy_fn(claim.variables, right)

    def check(smp: Sample):
        cols = smp.columns()
        return decide(witness="edge search", method="hypothesis edge search, float64 + mpmath referee",
                      claim=claim, sample=smp, claimed=f_left(*cols), reference=f_right(*cols),
                      rtol=SEARCH_RTOL, mp_claimed=left, mp_true=right, relation=rel, labels=labels)

    return check


@dataclass
class EdgeSearchResult:
    """What a search tried and found.  ``found``: the shrunk failing point, or None."""

    claim_id: str
    examples: int
    found: dict | None
    counterexample: object | None
    regimes: Counter = field(default_factory=Counter)
    seed: int = 0
    seconds: float = 0.0
    first_found: dict | None = None

    @property
    def point(self) -> tuple | None:
        return None if self.found is None else tuple(self.found.values())


def claim_constants(claim) -> tuple:
    """``(integers, floats)``: the numbers written in the claim's expressions and their
    neighbours at distance 1, with both signs (a threshold ``z > 5`` of a ``Piecewise`` gives
    5, 6 and 4, and their negatives): the values a mistake in this claim is likeliest to hinge on."""
    ints, floats = set(), set()
    for e in claim.expressions():
        for a in sorted(sp.sympify(e).atoms(sp.Number), key=sp.default_sort_key):
            if not a.is_finite:
                continue
            v = float(a)
            if not math.isfinite(v):
                continue
            floats |= {v, -v, v + 1, -v - 1, v - 1, 1 - v}
            if a.is_Integer and abs(int(a)) < 2**62:
                ints |= {int(a), -int(a), int(a) + 1, -int(a) - 1}
    return ints, floats


@contextlib.contextmanager
def _own_constants(claim):
    """Hypothesis's pool of *local constants*, for the duration of a search: the claim's own
    numbers (:func:`claim_constants`) instead of those of the modules imported so far.

    Hypothesis (6.131 on) now and then draws a literal constant it parsed from the source of the
    "local" modules already imported (``sys.modules``).  Which modules those are depends on what
    the process ran before, so one seed gave different searches (the mutation table's edge rows
    moved when other claims had been checked first in the same process).  The numbers of the
    claim under search serve the same purpose (constants in the code under test are where bugs
    hide) and are the same in every process.  Hypothesis offers no setting for this: its
    provider's lookup is replaced for the duration, its cache of permitted constants cleared on
    both sides; a hypothesis without these internals is left as it is."""
    try:
        from hypothesis.internal.conjecture import providers
        get, cache = providers._get_local_constants, providers.CONSTANTS_CACHE
        ints, floats = claim_constants(claim)
        from sortedcontainers import SortedSet   # hypothesis's own dependency

        # sorted: hypothesis draws a constant by its position in the set, and a plain set's
        # order varies with the process's string-hash seed (SymPy numbers hash their class
        # name), which made one seed give different searches in different processes
        pool = providers.Constants(integers=SortedSet(ints), floats=SortedSet(floats))
    except (ImportError, AttributeError, TypeError):   # pragma: no cover - other hypothesis versions
        yield
        return
    providers._get_local_constants = lambda: pool
    cache.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = get
        cache.cache.clear()


class _Counterexample(AssertionError):
    """Raised inside the hypothesis test to mark a failing point (hypothesis then shrinks it)."""


def search(claim, *, max_examples: int = 300, seed: int = 0, shrink: bool = True) -> EdgeSearchResult:
    """Search ``claim``'s domain for a failing point with hypothesis (deterministic for a seed).

    Returns the shrunk failing point (``found``, variable name -> float) with the referee's
    counterexample, or ``found=None`` after ``max_examples`` passing points.
    """
    t0 = time.monotonic()
    check = point_checker(claim)
    names = [str(v) for v in claim.variables]
    tried: list = []
    failing: list = []

    @settings(max_examples=max_examples, database=None, deadline=None, derandomize=False,
              verbosity=Verbosity.quiet, print_blob=False,
              phases=(Phase.generate, Phase.shrink) if shrink else (Phase.generate,),
              suppress_health_check=list(HealthCheck))
    @hyp_seed(seed)
    @given(point_strategy(claim))
    def probe(point):
        tried.append(point)
        res = check(as_sample(claim, [point]))
        if res.status == FAIL:
            failing.append((point, res.counterexample))
            raise _Counterexample(str(res.counterexample))

    try:
        with _own_constants(claim):
            probe()
    except _Counterexample:
        pass
    except HypothesisException:  # e.g. Flaky: report what was found, never hide it
        if not failing:
            raise
    regimes = Counter(lab for p in tried for lab in classify(claim, p).split("+"))
    found = first = ce = None
    if failing:
        pt, ce = failing[-1]
        found = dict(zip(names, pt))
        first = dict(zip(names, failing[0][0]))
    return EdgeSearchResult(claim.id, len(tried), found, ce, regimes, seed, time.monotonic() - t0, first)


def confirm(claim, points) -> list:
    """The engine's conclusive numeric witnesses for the claim's kind, run on ``points`` only (a
    supporting witness, ``WitnessResult.conclusive`` False, such as the scalar Taylor remainder,
    cannot confirm or dispute one point: it is left out)."""
    smp = as_sample(claim, points)
    out = [run_witness(name, fn, claim, smp) for name, fn in kind_of(claim).witnesses]
    return [w for w in out if w.conclusive]


def _fmt(v: float) -> str:
    return repr(float(v)) if v != int(v) or abs(v) >= 1e15 else str(int(v))


def search_against_uniform(claim, *, seed: int = 0, uniform_points: int = 256,
                           max_examples: int = 300) -> dict:
    """Edge search and a uniform-only sample of the same claim, for the mutation table."""
    res = search(claim, max_examples=max_examples, seed=seed)
    witness_name, fn = kind_of(claim).witnesses[0]
    uni = run_witness(witness_name, fn, claim, uniform_sample(claim, uniform_points, seed))
    if res.found is not None:
        conf = confirm(claim, [res.point])
        confirmed = all(w.status == FAIL for w in conf)
    else:
        confirmed = None
    return {"id": claim.id, "examples": res.examples,
            "found": None if res.found is None else {k: _fmt(v) for k, v in res.found.items()},
            "regime": classify(claim, res.point) if res.found is not None else "—",
            "confirmed": confirmed,
            "uniform": f"{'caught' if uni.status == FAIL else 'missed'} ({witness_name}, "
                       f"{uniform_points} points: {uni.status})"}
