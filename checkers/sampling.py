r"""Seeded sample points: uniform in the domain, plus the places where mistakes hide.

A sample of $N$ points for a claim's variables $v_1, \dots, v_d$ is a matrix of shape
$(N, d)$ in float64 and a regime label per point.  Regimes (shares of $N$):

* ``uniform``   -- uniform on bounded intervals; on unbounded ones a mix of $\mathcal N(0, 3^2)$
  and $\pm 10^{U(-3, 2)}$;
* ``edge``      -- the ends of each interval: the end itself when closed, otherwise the nearest
  float64 values inside it ($5\cdot10^{-324}$, $10^{-300}$, $10^{-16}$, $10^{-8}$ away, and
  ``nextafter``);
* ``saturated`` -- $|v| \in [30, 10^3]$ for unbounded variables: $\sigma(z)$ is 0 or 1 in
  float64 there;
* ``decades``   -- every decade between $10^{-3}$ and $10^{-16}$ away from 0 and from each finite
  end: $v = a \pm m\cdot 10^{-k}$ with $k \in \{3, \dots, 16\}$, $m = 10^{U(0,1)}$, and $a$
  0 (both signs, where the domain allows) or an end (inward).  The (anchor, side, decade)
  strata are dealt round-robin in a seeded order, so with 28 or more points of the regime every
  decade on both sides of 0 is reached: a mistake "wrong only for $|z| < 10^{-10}$" or only for
  $10^{-8} < |z| < 10^{-6}$ is sampled;
* ``tiny`` / ``huge`` -- $|v| \in \{5\cdot10^{-324}, 10^{-300}, 10^{-100}, 10^{-20}\}$
  (subnormal and far below the decades) and $\{10^{10}, 10^{50}, 10^{150}, 10^{200}, 10^{300}\}$
  where the domain allows ($10^{200}$: beyond $1.3\cdot10^{154}$, where a square overflows, and
  within the referee's reach, which $\tanh(0.0357 z^3)$ at $z = 10^{300}$ is not: without it, the
  200-seed corpus run missed ``jax.nn.gelu``'s NaN gradient at seed 119);
* ``zero``      -- every variable at 0 (or its nearest in-domain value);
* ``tie``       -- two variables with overlapping domains set equal;
* ``mixed``     -- each variable draws its own regime.

Every point lies inside the domain (checked).  The same seed gives the same points.

Shares (:data:`REGIME_SHARES`, of $N = 1024$ by default): ``decades`` gets 8% (81 points: about
3 per decade and side of 0), taken from ``uniform`` (45% to 40%), ``edge`` and ``saturated``
(12% to 11% each) and ``tiny`` (5% to 4%; its 8 values still get 40 points).  Uniform stays the
largest share (a mistake wrong everywhere, or on a wide range, is met by it at once), and every
regime keeps at least 20 points; ``mixed`` draws the decades per variable too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from derivations import Interval

__all__ = ["Sample", "sample", "entries", "REGIME_SHARES", "DEFAULT_POINTS", "DECADES", "stable_seed"]

from .defaults import DEFAULT_POINTS  # noqa: E402  (re-exported)

REGIME_SHARES = {
    "uniform": 0.40, "edge": 0.11, "saturated": 0.11, "decades": 0.08, "tiny": 0.04, "huge": 0.04,
    "zero": 0.02, "tie": 0.10, "mixed": 0.10,
}

DECADES = np.arange(3, 17)
r"""The decades $10^{-k}$, $k = 3, \dots, 16$, of the ``decades`` regime."""
_TINY = np.array([5e-324, 1e-300, 1e-100, 1e-20])
_HUGE = np.array([1e10, 1e50, 1e150, 1e200, 1e300])
_EDGE_OFFSETS = np.array([5e-324, 1e-300, 1e-16, 1e-8, 1e-3])


@dataclass
class Sample:
    """Points (N, d) for ``variables``, a regime label per point, and the seed."""

    variables: tuple
    points: np.ndarray
    regimes: np.ndarray
    seed: int
    extra: int = 0  # points appended by other witnesses (e.g. the symbolic counterexample)
    info: dict = field(default_factory=dict)

    def __len__(self):
        return self.points.shape[0]

    def columns(self):
        return tuple(self.points[:, i] for i in range(self.points.shape[1]))

    def domain_of(self, symbol):
        return self.info["domain"][symbol]

    def point(self, i: int) -> dict:
        return {v: float(self.points[i, k]) for k, v in enumerate(self.variables)}

    def shares(self) -> dict:
        labels, counts = np.unique(self.regimes, return_counts=True)
        return {str(k): int(c) for k, c in zip(labels, counts)}

    def subset(self, keep) -> "Sample":
        """The points where the boolean mask ``keep`` is true (same seed, variables, domain)."""
        keep = np.asarray(keep, dtype=bool)
        return Sample(self.variables, self.points[keep], self.regimes[keep], self.seed, 0,
                      dict(self.info))

    def with_points(self, pts: np.ndarray, regime: str) -> "Sample":
        pts = np.atleast_2d(np.asarray(pts, dtype=np.float64))
        return Sample(self.variables, np.concatenate([pts, self.points]),
                      np.concatenate([np.full(len(pts), regime, dtype=object), self.regimes]),
                      self.seed, self.extra + len(pts), dict(self.info))


def _inside(iv: Interval, v: np.ndarray) -> np.ndarray:
    lo_ok = v > iv.lo if iv.lo_open else v >= iv.lo
    hi_ok = v < iv.hi if iv.hi_open else v <= iv.hi
    ok = lo_ok & hi_ok & np.isfinite(v)
    if iv.integer:
        ok &= v == np.round(v)
    return ok


def _uniform(rng, iv: Interval, k: int) -> np.ndarray:
    if iv.integer:
        return rng.integers(int(iv.lo), int(iv.hi) + 1, size=k).astype(np.float64)
    lo, hi = iv.lo, iv.hi
    if math.isfinite(lo) and math.isfinite(hi):
        v = rng.uniform(lo, hi, size=k)
    else:
        centre = 0.0 if not (math.isfinite(lo) or math.isfinite(hi)) else (lo if math.isfinite(lo) else hi)
        spread = np.where(rng.random(k) < 0.7, np.abs(rng.normal(0, 3, size=k)),
                          10.0 ** rng.uniform(-3, 2, size=k))
        if math.isfinite(lo):
            v = centre + spread
        elif math.isfinite(hi):
            v = centre - spread
        else:
            v = np.where(rng.random(k) < 0.5, -1.0, 1.0) * spread
    return v


def _candidates(iv: Interval, regime: str) -> np.ndarray:
    """In-domain values characteristic of a regime (may be empty)."""
    lo, hi = iv.lo, iv.hi
    c: list = []
    if iv.integer:
        c = [lo, hi] if regime in ("edge", "mixed") else []
        if regime == "zero" and iv.contains(0):
            c = [0.0]
    elif regime == "edge":
        for end, sgn, is_open in ((lo, 1.0, iv.lo_open), (hi, -1.0, iv.hi_open)):
            if not math.isfinite(end):
                continue
            if not is_open:
                c.append(end)
            c.append(float(np.nextafter(end, end + sgn)))
            c.extend(end + sgn * _EDGE_OFFSETS)
    elif regime == "saturated":
        mags = np.array([30.0, 36.0, 40.0, 50.0, 100.0, 300.0, 710.0, 750.0, 1000.0])
        base = 0.0 if not math.isfinite(lo) or not math.isfinite(hi) else None
        if base is not None:
            c = list(np.concatenate([mags, -mags]))
    elif regime == "tiny":
        c = list(np.concatenate([_TINY, -_TINY]))
    elif regime == "huge":
        c = list(np.concatenate([_HUGE, -_HUGE]))
    elif regime == "zero":
        c = [0.0]
    c = np.array(c, dtype=np.float64)
    return c[_inside(iv, c)] if c.size else c


def _anchors(iv: Interval) -> list:
    """(anchor, direction) pairs of the ``decades`` regime: 0 towards each side the domain
    reaches, and each finite end inward."""
    out = [(0.0, sgn) for sgn in (1.0, -1.0) if iv.lo <= 0.0 <= iv.hi and
           (iv.hi > 0 if sgn > 0 else iv.lo < 0)]
    if math.isfinite(iv.lo) and iv.lo != 0.0:
        out.append((iv.lo, 1.0))
    if math.isfinite(iv.hi) and iv.hi != 0.0:
        out.append((iv.hi, -1.0))
    return out


def _decades(rng, iv: Interval, k: int) -> np.ndarray:
    r"""``k`` values $a \pm m\,10^{-d}$ (module docstring): the strata (anchor, side, decade)
    dealt round-robin in a seeded order, the mantissa $m = 10^{U(0, 1)}$ seeded; values that
    round onto an open end or outside the domain are drawn uniformly instead."""
    anchors = [] if iv.integer else _anchors(iv)
    if not anchors:
        return _uniform(rng, iv, k)
    strata = [(a, sgn, d) for a, sgn in anchors for d in DECADES]
    order = rng.permutation(len(strata))[np.arange(k) % len(strata)]
    a, sgn, d = (np.array([strata[j][t] for j in order], dtype=np.float64) for t in range(3))
    v = a + sgn * 10.0 ** (rng.uniform(0.0, 1.0, size=k) - d)
    bad = ~_inside(iv, v)
    if bad.any():
        v[bad] = _uniform(rng, iv, int(bad.sum()))
    return v


def _draw(rng, iv: Interval, regime: str, k: int) -> np.ndarray:
    if regime == "decades":
        return _decades(rng, iv, k)
    cand = _candidates(iv, regime)
    if cand.size == 0:
        return _uniform(rng, iv, k)
    v = rng.choice(cand, size=k)
    if regime == "saturated":  # jitter so that not every point is the same value
        v = v * rng.uniform(0.9, 1.1, size=k)
        v = np.where(_inside(iv, v), v, _uniform(rng, iv, k))
    return v


_ENTRY_REGIMES = ("uniform", "decades")


def entries(iv: Interval, k: int, seed) -> np.ndarray:
    r"""``k`` seeded values for the entries $g_1, \dots, g_k$ of an indexed parameter (a finite
    sum's terms, :class:`derivations.LimitClaim`): each entry draws its own regime among
    ``uniform`` and ``decades`` (near-ties: down to $10^{-16}$ from 0 and the ends), and about
    a quarter of the entries repeat an earlier one (ties).  No ``tiny`` or subnormal entries: a
    numeric limit sequence ending at $10^{64}$ cannot resolve a term $e^{-c g}$ with
    $g < 10^{-64}$, whose limit is still the same; no ``huge`` ones: $e^{-10^{64} g}$ at
    $g = 10^{300}$ costs mpmath milliseconds and tests nothing the uniform entries do not."""
    rng = np.random.default_rng(seed)
    out = np.empty(k)
    for i, regime in enumerate(rng.choice(_ENTRY_REGIMES, size=k)):
        out[i] = _draw(rng, iv, regime, 1)[0]
        if i and rng.random() < 0.25:
            out[i] = out[rng.integers(0, i)]
        if not _inside(iv, out[i:i + 1])[0] or (out[i] != 0 and abs(out[i]) < 1e-30):
            out[i] = _uniform(rng, iv, 1)[0]
    return out


def _tie_pairs(domain) -> list:
    pairs = []
    for i, (_, a) in enumerate(domain):
        for j in range(i + 1, len(domain)):
            b = domain[j][1]
            if max(a.lo, b.lo) <= min(a.hi, b.hi):
                pairs.append((i, j))
    return pairs


def sample(claim, n: int = DEFAULT_POINTS, seed: int = 0) -> Sample:
    """Seeded points for ``claim.domain`` (see the module docstring for the regimes)."""
    domain = [(s, iv) for s, iv in claim.domain if not iv.is_point]
    fixed = [(s, iv) for s, iv in claim.domain if iv.is_point]
    variables = tuple(s for s, _ in claim.domain)
    rng = np.random.default_rng([seed, _stable_hash(claim.id)])
    d = len(variables)
    if d == 0:   # a claim with no variable (0 = 0 after a substitution): its one point
        return Sample(variables, np.zeros((1, 0)), np.array(["constant"], dtype=object), seed,
                      info={"domain": {}})
    regimes = np.array(list(REGIME_SHARES), dtype=object)
    probs = np.array(list(REGIME_SHARES.values()))
    counts = np.floor(probs / probs.sum() * n).astype(int)
    counts[0] += n - counts.sum()
    labels = np.repeat(regimes, counts)
    pts = np.empty((n, d))
    col = {s: k for k, s in enumerate(variables)}
    pairs = _tie_pairs(domain)
    for regime, cnt in zip(regimes, counts):
        rows = np.flatnonzero(labels == regime)
        if not len(rows):
            continue
        for s, iv in domain:
            if regime == "mixed":
                sub = rng.choice(regimes[:-1], size=len(rows))
                vals = np.empty(len(rows))
                for r in np.unique(sub):
                    m = sub == r
                    vals[m] = (_draw(rng, iv, r, int(m.sum())) if r not in ("tie", "uniform")
                               else _uniform(rng, iv, int(m.sum())))
            elif regime == "tie":
                vals = _uniform(rng, iv, len(rows))
            else:
                vals = _draw(rng, iv, regime, len(rows))
            pts[rows, col[s]] = vals
        if regime == "tie" and pairs:
            choice = rng.integers(0, len(pairs), size=len(rows))
            for r, pc in zip(rows, choice):
                i, j = pairs[pc]
                (si, ivi), (sj, ivj) = domain[i], domain[j]
                both = _intersection(ivi, ivj)
                if both is None:
                    continue
                v = _draw(rng, both, rng.choice(["uniform", "edge"]), 1)[0]
                pts[r, col[si]] = pts[r, col[sj]] = v
    for s, iv in fixed:
        pts[:, col[s]] = iv.lo
    # Every point inside the domain, or redrawn uniformly.
    for s, iv in claim.domain:
        k = col[s]
        bad = ~_inside(iv, pts[:, k])
        while bad.any():
            pts[bad, k] = _uniform(rng, iv, int(bad.sum()))
            bad = ~_inside(iv, pts[:, k])
    return Sample(variables, pts, labels, seed, info={"domain": dict(claim.domain)})


def _intersection(a: Interval, b: Interval):
    """The interval of values in both ``a`` and ``b`` (integers if either is), or None if empty."""
    if a.integer or b.integer:
        lo, hi = math.ceil(max(a.lo, b.lo)), math.floor(min(a.hi, b.hi))
        vals = [v for v in range(int(lo), int(hi) + 1) if a.contains(v) and b.contains(v)] \
            if lo <= hi else []
        return Interval(float(vals[0]), float(vals[-1]), False, False, integer=True) if vals else None
    if not _nonempty(a, b):
        return None
    lo, hi = max(a.lo, b.lo), min(a.hi, b.hi)
    lo_open = (a.lo_open or b.lo_open) if a.lo == b.lo else (a.lo_open if a.lo > b.lo else b.lo_open)
    hi_open = (a.hi_open or b.hi_open) if a.hi == b.hi else (a.hi_open if a.hi < b.hi else b.hi_open)
    return Interval(lo, hi, lo_open, hi_open)


def _nonempty(a: Interval, b: Interval) -> bool:
    lo, hi = max(a.lo, b.lo), min(a.hi, b.hi)
    if lo < hi:
        return True
    return lo == hi and a.contains(lo) and b.contains(lo)


def _stable_hash(text: str) -> int:
    """A seed component from the claim id that does not change between processes."""
    h = 2166136261
    for ch in text.encode():
        h = (h ^ ch) * 16777619 % 2**32
    return h


def stable_seed(text: str) -> int:
    """A seed component from a text (a claim id) that is the same in every process (FNV-1a)."""
    return _stable_hash(text)
