r"""Sample points of an indexed claim at one concrete size, seeded.

The budget ``POINT_BUDGET`` (entries evaluated per size) gives 512 points at small sizes and
fewer at large ones (131 at $K = 1000$, 16 at $K = 10^4$): points = budget / entries per point,
within [``MIN_POINTS``, ``MAX_POINTS``].

Logit regimes (bases on the real line): normal, wide ($\pm 10^{U(-3, 2)}$), saturated (one
entry, often an addressed one such as $z_y$, at $\pm 30 \dots 1000$, capped at 50 for bases of
more than 64 entries), huge (every entry beyond the float64 range of ``exp``; only for bases of
at most ``HUGE_MAX_ENTRIES`` entries, since each such point goes to the referee), ties (all
equal, or a tied maximum), zeros, and a per-entry mix.  In a layer ($z = Wx + b$, several
bases) matrices (weights, a batch's inputs) are moderate, and vectors (the bias, one example's
input) follow the logit regimes capped at $\pm 50$.  Bases with a bounded domain and scalar
parameters are drawn by :func:`checkers.sampling.sample`.  Indices: uniform, the ends of their
range, and coinciding with another index (a distinct pair never coincides); a range of more
than ``FD_ALL`` values focuses on ``FD_SUBSET`` of them (its ends and seeded others), the
entries the finite-difference witness checks.

The witnesses read only the seed of the engine's sample (:class:`Seed`): each draws its own
points per concrete size with :func:`sample_points`.

Public API: :class:`Points`, :func:`sample_points`, :func:`points_for`, :class:`Seed`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from derivations import ClaimError, IndexedGradientClaim

from ..highprec import fmt
from ..sampling import _stable_hash, sample

__all__ = ["Points", "sample_points", "points_for", "Seed", "POINT_BUDGET", "MAX_POINTS",
           "MIN_POINTS", "FD_ALL", "FD_SUBSET", "HUGE_MAX_ENTRIES"]

POINT_BUDGET = 2**17   # entries evaluated per instance: points = budget / (entries per point)
MAX_POINTS = 512
MIN_POINTS = 16
FD_ALL = 64            # check every entry of a gradient row up to this many ...
FD_SUBSET = 32         # ... else this many
HUGE_MAX_ENTRIES = 64  # the 'huge' regime (every exp overflows) only for small bases


@dataclass
class Points:
    """Sample points of an indexed claim at one concrete size."""

    sizes: dict
    bases: dict
    labels: dict
    indices: dict
    params: dict
    regimes: np.ndarray
    seed: int
    focus: dict = field(default_factory=dict)

    def __len__(self):
        return len(self.regimes)

    def take(self, rows) -> "Points":
        rows = np.atleast_1d(rows)
        return Points(self.sizes, {b: v[rows] for b, v in self.bases.items()},
                      {b: v[rows] for b, v in self.labels.items()},
                      {s: v[rows] for s, v in self.indices.items()},
                      {s: v[rows] for s, v in self.params.items()}, self.regimes[rows], self.seed,
                      self.focus)

    def row_key(self, i: int) -> tuple:
        """What the referee's decision at row ``i`` depends on: the row of every per-row array
        (bases, labels, indices, params) as bytes.  Identical rows share a key, so the referee
        decides them once (:func:`checkers.compare.escalate`)."""
        return tuple(np.ascontiguousarray(v[i]).tobytes()
                     for d in (self.bases, self.labels, self.indices, self.params) for v in d.values())

    def replace_bases(self, bases) -> "Points":
        return Points(self.sizes, bases, self.labels, self.indices, self.params, self.regimes,
                      self.seed, self.focus)

    def describe(self, i: int, extra=None) -> dict:
        """Point ``i`` as text: sizes, indices, every base (abridged past 12 entries), params."""
        out = {str(k): str(v) for k, v in self.sizes.items()}
        for s, v in self.indices.items():
            out[str(s)] = str(int(v[i]))
        for s, v in (extra or {}).items():
            out[str(s)] = str(v)
        for b, v in self.labels.items():
            out[str(b)] = _vec_text(v[i], integer=True)
        for b, v in self.bases.items():
            out[str(b)] = _vec_text(v[i])
        for s, v in self.params.items():
            out[str(s)] = fmt(float(v[i]))
        return out


def _vec_text(v, integer=False):
    flat = np.asarray(v).ravel()
    show = [str(int(x)) if integer else fmt(float(x)) for x in flat[:12]]
    body = ", ".join(show) + (f", ... ({flat.size} entries)" if flat.size > 12 else "")
    if np.asarray(v).ndim > 1:
        return f"[{body}] (shape {np.asarray(v).shape}, row-major)"
    return f"({body})"


def _entries_per_point(claim, sizes) -> int:
    n = 0
    ev = {k: sp.Integer(v) for k, v in sizes.items()}
    for b, shape in claim.shape_map.items():
        n += math.prod(int(sp.sympify(s).xreplace(ev)) for s in shape)
    for b, (shape, _, _) in claim.label_map.items():
        n += math.prod(int(sp.sympify(s).xreplace(ev)) for s in shape)
    if isinstance(claim, IndexedGradientClaim):
        shape = _out_lengths(claim, sizes)
        n = max(n, math.prod(shape))
    return max(n, 1)


def points_for(claim, sizes) -> int:
    """Points at one size: ``POINT_BUDGET`` / entries per point, within [MIN_POINTS, MAX_POINTS]."""
    return int(min(MAX_POINTS, max(MIN_POINTS, POINT_BUDGET // _entries_per_point(claim, sizes))))


def _out_lengths(claim, sizes):
    ev = {k: sp.Integer(v) for k, v in sizes.items()}
    out = []
    for ix in claim.out_indices:
        lo, hi = claim.range_map[ix]
        out.append(int(sp.sympify(hi).xreplace(ev)) - int(sp.sympify(lo).xreplace(ev)) + 1)
    return out


_LOGIT_REGIMES = {"normal": 0.38, "wide": 0.10, "saturated": 0.16, "huge": 0.02, "tie": 0.13,
                  "zero": 0.03, "mixed": 0.18}


def _logits(rng, n, shape, regimes, focus_entries):
    """Real-line base values (n, *shape) following the per-point regimes."""
    size = math.prod(shape)
    out = np.empty((n, size))
    for r in np.unique(regimes):
        rows = np.flatnonzero(regimes == r)
        k = len(rows)
        if r == "normal":
            v = rng.normal(0, 3, size=(k, size))
        elif r == "wide":
            v = rng.choice([-1.0, 1.0], size=(k, size)) * 10.0 ** rng.uniform(-3, 2, size=(k, size))
        elif r == "saturated":
            v = rng.normal(0, 1, size=(k, size))
            mags = rng.choice([30.0, 36.0, 40.0, 50.0, 100.0, 300.0, 710.0, 750.0, 1000.0], size=k)
            if size > HUGE_MAX_ENTRIES:
                mags = np.minimum(mags, 50.0)
            col = np.where(rng.random(k) < 0.6, focus_entries[rng.integers(len(focus_entries), size=k)],
                           rng.integers(size, size=k)) if len(focus_entries) else rng.integers(size, size=k)
            v[np.arange(k), col] = rng.choice([-1.0, 1.0], size=k) * mags
        elif r == "huge":
            v = rng.choice([-1.0, 1.0], size=(k, size)) * rng.uniform(700, 1000, size=(k, size))
        elif r == "tie":
            base = rng.normal(0, 3, size=(k, 1))
            v = np.repeat(base, size, axis=1)
            partial = rng.random(k) < 0.5   # a tied maximum above the rest
            v[partial] = v[partial] - np.abs(rng.normal(0, 3, size=(int(partial.sum()), size)))
            for row in np.flatnonzero(partial):
                tied = rng.choice(size, size=min(size, 2 + rng.integers(2)), replace=False)
                v[row, tied] = base[row, 0]
        elif r == "zero":
            v = np.zeros((k, size))
        else:  # mixed: each entry its own regime
            v = rng.normal(0, 3, size=(k, size))
            pick = rng.integers(4, size=(k, size))
            v = np.where(pick == 1, rng.choice([-1.0, 1.0], size=(k, size)) * 10.0 ** rng.uniform(-3, 2, size=(k, size)), v)
            v = np.where(pick == 2, rng.choice([-1.0, 1.0], size=(k, size)) * rng.uniform(30, 50, size=(k, size)), v)
            v = np.where(pick == 3, 0.0, v)
        out[rows] = v
    return out.reshape((n,) + tuple(shape))


def _weights(rng, n, shape, regimes):
    """Entries of a weight matrix or a layer input (one of several bases): moderate, so that
    $z = W x + b$ follows the regimes put on the bias; zeros and ties as in the logits."""
    size = math.prod(shape)
    v = rng.normal(0, 1, size=(n, size))
    wide = regimes == "wide"
    v[wide] = rng.choice([-1.0, 1.0], size=(int(wide.sum()), size)) * 10.0 ** rng.uniform(-3, 0.5, size=(int(wide.sum()), size))
    v[regimes == "zero"] = 0.0
    tie = np.flatnonzero(regimes == "tie")
    v[tie] = np.repeat(rng.normal(0, 1, size=(len(tie), 1)), size, axis=1)
    return v.reshape((n,) + tuple(shape))


class _ParamView:
    """The claim's scalar parameters as a claim-like object for :func:`checkers.sampling.sample`."""

    def __init__(self, claim, domain):
        self.id = claim.id
        self.domain = tuple(domain)


def _bounded(rng, iv, n, shape, seed, claim, name):
    size = math.prod(shape)
    cols = [(sp.Symbol(f"{name}_{t}"), iv) for t in range(min(size, 8))]
    smp = sample(_ParamView(claim, cols), n, seed)
    vals = smp.points
    out = vals[:, rng.integers(len(cols), size=size)] if size > len(cols) else vals[:, :size]
    return out.reshape((n,) + tuple(shape))


def sample_points(claim, sizes, n=None, seed=0) -> Points:
    """Seeded sample points of ``claim`` at concrete ``sizes`` (see the module docstring)."""
    sizes = {k: int(v) for k, v in sizes.items()}
    for k, v in sizes.items():
        if v < claim.min_sizes[k]:
            raise ClaimError(f"{claim.id}: size {k} = {v} is below the claim's size_min {claim.min_sizes[k]}")
    n = points_for(claim, sizes) if n is None else int(n)
    rng = np.random.default_rng([seed, _stable_hash(claim.id), *sorted(sizes.values())])
    ev = {k: sp.Integer(v) for k, v in sizes.items()}

    def val(e):
        return int(sp.sympify(e).xreplace(ev))

    names = np.array(list(_LOGIT_REGIMES), dtype=object)
    probs = np.array(list(_LOGIT_REGIMES.values()))
    big = any(math.prod(val(s) for s in shape) > HUGE_MAX_ENTRIES for shape in claim.shape_map.values())
    if big:
        probs = np.where(names == "huge", 0.0, probs)
    counts = np.floor(probs / probs.sum() * n).astype(int)
    counts[0] += n - counts.sum()
    regimes = np.repeat(names, counts)
    # indices: uniform, range ends, coinciding; large ranges focus on a few values
    focus = {}
    indices = {}
    by_range = {}
    for ix, (lo, hi) in claim.ranges:
        by_range.setdefault((val(lo), val(hi)), []).append(ix)
    for (lo, hi), group in by_range.items():
        if hi - lo + 1 > FD_ALL:
            pool = np.unique(np.concatenate([[lo, lo + 1, hi], rng.integers(lo, hi + 1, size=FD_SUBSET - 3)]))
            focus[(lo, hi)] = pool
        for ix in group:
            v = rng.integers(lo, hi + 1, size=n)
            edge = rng.random(n) < 0.2
            v = np.where(edge, rng.choice([lo, hi], size=n), v)
            if (lo, hi) in focus:
                use = rng.random(n) < 0.5
                v = np.where(use, rng.choice(focus[(lo, hi)], size=n), v)
            indices[ix] = v
        for t, ix in enumerate(group[1:], 1):
            tie = rng.random(n) < 0.3
            other = group[rng.integers(t)]
            indices[ix] = np.where(tie, indices[other], indices[ix])
    for a, b in claim.distinct:
        lo, hi = (val(x) for x in claim.range_map[b])
        for _ in range(200):
            bad = indices[a] == indices[b]
            if not bad.any():
                break
            if hi <= lo:
                raise ClaimError(f"{claim.id}: {a} and {b} must differ but {b} has one value at {sizes}")
            indices[b] = np.where(bad, rng.integers(lo, hi + 1, size=n), indices[b])
    labels = {}
    for b, (shape, lo, hi) in claim.labels:
        shp = tuple(val(s) for s in shape)
        labels[b] = rng.integers(val(lo), val(hi) + 1, size=(n,) + shp)
    bases = {}
    out_ix = set(claim.out_indices) if isinstance(claim, IndexedGradientClaim) else set()
    for b, shape in claim.shapes:
        shp = tuple(val(s) for s in shape)
        iv = claim.entry_domain(b)
        layered = sum(1 for bb, _ in claim.shapes
                      if math.isinf(claim.entry_domain(bb).lo) and math.isinf(claim.entry_domain(bb).hi)) > 1
        if math.isinf(iv.lo) and math.isinf(iv.hi) and layered and len(shp) > 1:
            vals = _weights(rng, n, shp, regimes)
        elif math.isinf(iv.lo) and math.isinf(iv.hi):
            # entries addressed by a sampled index get the 'saturated' value more often
            focus_entries = np.array([], dtype=int)
            if len(shp) == 1:
                addressed = [ix for ix in claim.index_symbols if ix not in out_ix]
                if addressed:
                    focus_entries = np.unique(np.concatenate([indices[ix] - 1 for ix in addressed]))
                    focus_entries = focus_entries[focus_entries < shp[0]]
            vals = _logits(rng, n, shp, regimes, focus_entries)
            if layered:  # a layer's bias or input: saturate up to 50, no 'huge' (z = W x + b)
                vals = np.clip(vals, -50.0, 50.0)
        else:
            vals = _bounded(rng, iv, n, shp, seed, claim, str(b))
        bases[b] = vals
    params = {}
    if claim.domain:
        smp = sample(_ParamView(claim, claim.domain), n, seed)
        for t, (s, _) in enumerate(claim.domain):
            params[s] = smp.points[:, t]
    return Points(sizes, bases, labels, indices, params, regimes, seed, focus)


def _out_arrays(claim, sizes):
    """The out grid of a gradient claim at ``sizes``: ``[(free wrt index, its values 1..n)]``."""
    ev = {k: sp.Integer(v) for k, v in sizes.items()}
    out = []
    for ix in claim.out_indices:
        lo, hi = (int(sp.sympify(x).xreplace(ev)) for x in claim.range_map[ix])
        out.append((ix, np.arange(lo, hi + 1)))
    return out


def _instances(claim, sizes):
    """The concrete sizes to check: the claim's own (``None``), or a mapping, or a sequence of
    mappings or of ints (a claim with one size symbol)."""
    if sizes is None:
        return claim.size_instances
    if isinstance(sizes, dict):
        return [sizes]
    out = []
    for s in sizes:
        if isinstance(s, dict):
            out.append(s)
        else:
            if len(claim.size_symbols) != 1:
                raise ClaimError(f"{claim.id}: give sizes as mappings (the claim has sizes {claim.size_symbols})")
            out.append({claim.size_symbols[0]: int(s)})
    return out


def _seed_of(sample):
    """The seed of the engine's sample (0 without one): all the witnesses read from it."""
    return getattr(sample, "seed", 0) if sample is not None else 0


@dataclass(frozen=True)
class Seed:
    """What the witnesses read from the engine's sample: its seed (pass ``Seed(s)`` to call a
    witness outside the engine)."""

    seed: int
