r"""The referee of the indexed witnesses: mpmath at two working precisions, on the interpreter.

What float64 cannot decide (:func:`checkers.compare.float64_agree`) goes to a referee that
evaluates the same index interpreter (:class:`~.interpreter.Evaluator`) on mpmath object arrays,
on the exact float64 inputs, at $p$ and $2p$ digits, and reports a counterexample only when it
is stable across both (:func:`checkers.compare.decide_entries`).  :func:`checkers.pointwise.decide`
itself cannot be used here: its referee lambdifies explicit SymPy matrices over scalar
variables.

* :class:`Referee` decides rows in batches sharing a working precision, memoized per point
  for the claim being checked;
* :func:`_escalate` sends the undecided points to it cheapest first
  (:func:`checkers.compare.cheapest_first`, :func:`checkers.compare.magnitude_cost` of the
  bases) within a deterministic budget (:func:`checkers.compare.escalate`): at most
  ``MAX_ESCALATE`` points and the witness's share of ``ESCALATE_WORK`` digit-entries; points
  beyond it are counted as unchecked, never as passed;
* a confirmed counterexample is replaced by a simpler failing point when one exists
  (:func:`_simplifier`, :func:`checkers.compare.simplest`: every entry 0, the middle of its
  interval, or 1-3 significant digits) and, for a gradient, confirmed by ``mpmath.diff`` of the
  cost along the failing entry (:func:`_confirm_diff`).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp

from derivations import IndexedEqualityClaim

from ..compare import (MAX_ESCALATE, MAX_ESCALATE_DIGITS, cheapest_first, decide_entries, escalate,
                       magnitude_cost, rounded, simplest)
from ..highprec import MAX_DPS, MAX_EXP_ARG, fmt
from ..results import Counterexample
from .arrays import _memo_for
from .interpreter import Evaluator

__all__ = ["Referee", "ESCALATE_WORK"]

ESCALATE_WORK = MAX_ESCALATE_DIGITS  # referee budget per witness (all sizes), digits x entries / 4

# Referee values of the claim being checked, by point and working precision: see Referee.values.
_MEMO = {"claim": None, "rows": {}}


def _mp_point(pts, i):
    """Point ``i`` as mpmath object arrays (exact copies of the float64 inputs)."""
    conv = np.frompyfunc(lambda x: mpmath.mpf(float(x)), 1, 1)
    one = pts.take(i)
    bases = {b: conv(v).astype(object) for b, v in one.bases.items()}
    params = {s: conv(v).astype(object) for s, v in one.params.items()}
    return one, bases, params


def _dps_for(pts, i) -> int | None:
    """Working digits point ``i`` needs (40, plus twice its largest decimal exponent, plus the
    digits of its largest exponential), or None beyond ``MAX_DPS`` or ``MAX_EXP_ARG``."""
    vals = [np.abs(v[i]).ravel() for v in pts.bases.values()] + [np.abs(np.atleast_1d(v[i])) for v in pts.params.values()]
    vals = np.concatenate(vals) if vals else np.zeros(1)
    if not np.all(np.isfinite(vals)):
        return None
    scale = float(vals.max()) if vals.size else 0.0
    pmax = max([float(np.abs(v[i])) for v in pts.params.values()] + [1.0])
    arg = scale * pmax
    if arg > MAX_EXP_ARG:
        return None
    nz = vals[vals > 0]
    mags = float(np.abs(np.log10(nz)).max()) if nz.size else 0.0
    need = int(math.ceil(40 + 2 * mags + arg / math.log(10)))
    return need if need <= MAX_DPS else None


class Referee:
    """Decide points in mpmath at two working precisions (:func:`checkers.compare.decide_entries`).

    Points are evaluated in batches that share a working precision (the largest any of them
    needs, rounded up to a multiple of 64 digits), so one interpreter pass decides many points.
    """

    def __init__(self, claim, pts, claimed_expr, true_expr, relations, out=()):
        self.claim, self.pts = claim, pts
        self.claimed_expr, self.true_expr = claimed_expr, true_expr
        self.relations = relations
        self.out = tuple(out)
        self._static = (tuple(self.claimed_expr), tuple(self.true_expr),
                        tuple((str(k), int(v)) for k, v in pts.sizes.items()),
                        tuple((str(ix), np.asarray(v).tobytes()) for ix, v in self.out))

    def _row_key(self, i, dps):
        """Everything the interpreter reads for point ``i``: the exact float64 bytes of every
        base, label, index and parameter, the sizes, the out grid, both sides, the digits."""
        skip = {o for o, _ in self.out}
        pts = self.pts
        parts = [(str(b), np.asarray(v[i]).dtype.str, np.shape(v[i]), np.asarray(v[i]).tobytes())
                 for group in (pts.bases, pts.labels, pts.params) for b, v in group.items()]
        parts += [(str(s), np.asarray(v[i]).tobytes()) for s, v in pts.indices.items() if s not in skip]
        return self._static, tuple(parts), dps

    def values(self, rows, dps):
        """Claimed and true values ``(c, t)``, each (len(rows), entries) mpf, or ``(None, None)``
        when the interpreter raises on the batch.

        Memoized per point for the claim being checked: the autodiff and finite-difference
        witnesses of an indexed gradient claim sample the same points, and where they check the
        same out grid the second referees the same rows at the same digits.  Entries of one row
        do not depend on the other rows of the batch (the interpreter works entry-wise), so only
        the rows not seen before are evaluated; if that raises, the whole batch is undecided,
        exactly as when it was evaluated in one piece (a remembered row never raised).
        """
        memo = _memo_for(self.claim, _MEMO)
        keys = [self._row_key(int(i), dps) for i in np.atleast_1d(rows)]
        missing = [(int(i), k) for i, k in zip(np.atleast_1d(rows), keys) if k not in memo]
        if missing:
            c, t = self._values([i for i, _ in missing], dps)
            if c is None:
                return None, None
            for r, (_, k) in enumerate(missing):
                memo[k] = (c[r], t[r])
        return (np.stack([memo[k][0] for k in keys]), np.stack([memo[k][1] for k in keys]))

    def _values(self, rows, dps):
        """:meth:`values` without the memo."""
        one, mb, mparams = _mp_point(self.pts, rows)
        with mpmath.workdps(dps):
            ev = Evaluator(self.claim, one.sizes, "mpmath", mb, one.labels,
                           {ix: v for ix, v in one.indices.items() if ix not in {o for o, _ in self.out}},
                           mparams, self.out)
            try:
                c = [np.asarray(ev(e)).reshape(len(rows), -1) for e in self.claimed_expr]
                t = [np.asarray(ev(e)).reshape(len(rows), -1) for e in self.true_expr]
            except (ZeroDivisionError, ValueError, OverflowError):
                return None, None
        return np.concatenate(c, axis=1), np.concatenate(t, axis=1)

    def compare_rows(self, rows):
        """``[(row, verdict, k, c_hi, t_hi)]`` for the rows, in order."""
        need = {int(i): _dps_for(self.pts, i) for i in rows}
        out = {int(i): ("undecidable", None, None, None) for i in rows if need[int(i)] is None}
        buckets = {}
        for i, d in need.items():
            if d is not None:
                buckets.setdefault(64 * ((d + 63) // 64), []).append(i)
        for dps, group in sorted(buckets.items()):
            lo = self.values(group, dps)
            hi = self.values(group, 2 * dps)
            for r, i in enumerate(group):
                if lo[0] is None or hi[0] is None:
                    out[i] = ("undecidable", None, None, None)
                    continue
                status, k = decide_entries(lo[0][r], lo[1][r], hi[0][r], hi[1][r], self.relations, 2 * dps)
                out[i] = (status, k, hi[0][r], hi[1][r])
        return [(int(i), *out[int(i)]) for i in rows]

    def compare(self, i):
        """``(verdict, k, c_hi, t_hi)`` for point ``i``."""
        return self.compare_rows([i])[0][1:]


def _work_per_digit(pts, referee) -> int:
    """Entries the referee evaluates per point: the bases' entries, times the gradient row."""
    entries = sum(int(np.size(v[0])) for v in pts.bases.values()) or 1
    row = math.prod(len(v) for _, v in referee.out) if referee.out else 1
    return max(1, (entries + row) // 4)


def _escalate(claim, pts, ok, referee, entry_name, witness, confirm=None, simplify=None,
              extra_of=None, budget=ESCALATE_WORK):
    """Referee the points float64 left undecided (cheapest first, within the budgets).

    The budget is deterministic (the same seed escalates the same points on a loaded or an
    idle machine): at most ``MAX_ESCALATE`` points and ``budget`` digit-entries, where a point
    costs its working digits times a quarter of the entries the referee evaluates there (a
    point with K = 2 logits costs its digits, as in ``checkers.pointwise``).  A witness splits
    ``ESCALATE_WORK`` (the digits ``checkers.pointwise`` allows a witness) evenly over its sizes.
    """
    undecided = np.flatnonzero(~ok.all(axis=1))
    if not len(undecided):
        return 0, 0, None
    # moderate magnitudes of the bases first (zeros count as moderate), as checkers.pointwise
    order = cheapest_first(undecided, lambda i: magnitude_cost(
        np.concatenate([np.ravel(v[i]) for v in pts.bases.values()] + [np.zeros(1)])))
    work = _work_per_digit(pts, referee)
    esc = escalate(order, referee.compare_rows,
                   cost=lambda i: min(_dps_for(pts, i) or MAX_DPS, MAX_DPS) * work, budget=budget,
                   max_points=MAX_ESCALATE, max_batch=int(min(32, max(1, 8192 // work))),
                   key=pts.row_key)   # identical rows refereed once
    if esc.fail is None:
        return esc.escalated, esc.unchecked, None
    i, k, c_hi, t_hi = esc.fail
    at, row = pts, i
    if simplify is not None:
        simpler = simplify(i, k)
        if simpler is not None:
            (at, row), k, c_hi, t_hi = simpler
    point = at.describe(row, extra=extra_of(i, k) if extra_of is not None else None)
    how = f"sample regime: {pts.regimes[i]}" + (", entries rounded" if at is not pts else "")
    ce = Counterexample(point=point, claimed=fmt(c_hi[k]), true=fmt(t_hi[k]),
                        component=entry_name(i, k), confirmed="mpmath at two working precisions",
                        found_by=witness, by_hand=how)
    if confirm is not None:
        extra = confirm(at, row, k)
        if extra:
            ce.confirmed += f"; {extra}"
    rels = referee.relations
    rel = rels[k] if len(rels) > 1 else rels[0]
    if rel != "==":
        ce.claimed = f"{fmt(c_hi[k], 10)} {rel} {fmt(t_hi[k], 10)}"
        ce.true = "false"
        ce.labels = ("relation", "holds")
    elif isinstance(claim, IndexedEqualityClaim):
        ce.labels = ("left side", "right side")
    return esc.escalated, 0, ce


def _simplifier(claim, pts, referee):
    """A simpler failing point, if one fails too: every base entry 0, or the middle of its
    interval, or rounded to 1, 2 or 3 significant digits (easier to check by hand); a candidate
    outside a base's domain is skipped.  The first that the referee finds failing is taken
    (:func:`checkers.compare.simplest`); it may equal the point (an all-zero point, entries
    with one significant digit), which then reads "entries rounded" as before."""

    def candidates(one):
        for mode in ("zero", "mid", 1, 2, 3):
            new = {}
            for b, v in one.bases.items():
                iv = claim.entry_domain(b)
                if mode == "zero":
                    r = np.zeros_like(v)
                elif mode == "mid":
                    if not (math.isfinite(iv.lo) and math.isfinite(iv.hi)):
                        break
                    r = np.full_like(v, (iv.lo + iv.hi) / 2)
                else:  # an unchanged rounding is kept as a candidate; -0.0 reads 0
                    r = np.where(v == 0, 0.0, next(rounded(v, (mode,)), v))
                if not all(iv.contains(float(x)) for x in r.ravel()):
                    break
                new[b] = r
            else:
                yield one.replace_bases(new)

    def fails(trial):
        sub = Referee(claim, trial, referee.claimed_expr, referee.true_expr, referee.relations,
                      referee.out)
        verdict, k2, c2, t2 = sub.compare(0)
        return (k2, c2, t2) if verdict == "fail" else None

    def simplify(i, k):
        found = simplest(candidates(pts.take(i)), fails)
        if found is None:
            return None
        trial, (k2, c2, t2) = found
        return (trial, 0), k2, c2, t2

    return simplify


def _gradient_row_names(claim, pts, out):
    """``(name(i, k), extra(i, k))``: the name of entry ``k`` of the row at point ``i``
    (``d/dz[3]``) and the out-grid index values it stands for."""
    def extra(i, k):
        if not out:
            return {}
        pos = np.unravel_index(k, tuple(len(v) for _, v in out))
        return {ix: int(v[p]) for (ix, v), p in zip(out, pos)}

    def name(i, k):
        vals = extra(i, k)
        vals.update({ix: int(pts.indices[ix][i]) for ix in claim.wrt.indices if ix not in vals})
        return f"d/d{claim.wrt.xreplace({ix: sp.Integer(v) for ix, v in vals.items()})}"

    return name, extra


def _confirm_diff(claim, pts, out):
    """mpmath.diff of the cost along the failing entry (independent of SymPy's derivative)."""

    def confirm(at, i, k):
        dps = _dps_for(at, i)
        if dps is None:
            return ""
        one, mb, mparams = _mp_point(at, i)
        base = claim.wrt.base
        pos = np.unravel_index(k, tuple(len(v) for _, v in out)) if out else ()
        vals = {ix: int(v[p]) for (ix, v), p in zip(out, pos)}
        vals.update({ix: int(one.indices[ix][0]) for ix in claim.wrt.indices if ix not in vals})
        entry = tuple(vals[ix] - 1 for ix in claim.wrt.indices)
        with mpmath.workdps(dps):
            def g(t):
                b = mb[base].copy()
                b[(0,) + entry] = b[(0,) + entry] + t
                ev = Evaluator(claim, one.sizes, "mpmath", {**mb, base: b}, one.labels,
                               {ix: v for ix, v in one.indices.items()}, mparams)
                return ev(claim.cost).ravel()[0]

            d = mpmath.diff(g, mpmath.mpf(0))
        return f"mpmath.diff gives {fmt(d, 12)}"

    return confirm
