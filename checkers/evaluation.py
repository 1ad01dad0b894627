r"""Numeric witnesses for claims without a derivative: equalities, inequalities, limits, values.

* Equality / inequality (``sampling``): both sides in float64 (NumPy) at every sample point;
  an identity agrees to $10^{-12}$ relative, an inequality holds with a margin of $10^{-12}$
  relative; everything else goes to mpmath (:mod:`checkers.pointwise`), so a boundary point
  where float64 rounds $1 - 10^{-17}$ to 1 is decided exactly, not loosely.
* Limit (``numeric sequence``): the expression in mpmath (188 digits) along
  $v_k = p \pm 10^{-k}$ (or $v_k = \pm 10^{k}$ towards $\pm\infty$), $k = 1, 2, 4, \dots, 64$,
  for several parameter values.  A finite limit $L$ holds when $|f(v_k) - L|$ ends below
  $10^{-8}$; an infinite one when $|f(v_k)|$ grows past $10^{8}$, or, for logarithmic growth,
  keeps growing by at least the same step per decade over the last terms.  Parameters: one
  point of each sampling regime, among those the sequence resolves (:data:`RESOLVED`); a finite
  sum of symbolic length is added out at each point.
* Value (``high precision``): the exact number in mpmath at 50 digits, against the quoted
  decimal and its rounding interval.
"""

from __future__ import annotations

import time
from decimal import Decimal

import mpmath
import numpy as np
import sympy as sp

from .highprec import fmt
from .lambdify import mpmath_fn, numpy_fn
from .pointwise import decide
from .results import FAIL, PASS, UNDECIDED, Counterexample, WitnessResult

__all__ = ["sampling_witness", "limit_witness", "value_witness", "EVAL_RTOL"]

EVAL_RTOL = 1e-12


def sampling_witness(claim, sample) -> WitnessResult:
    t0 = time.monotonic()
    cols = sample.columns()
    lhs = numpy_fn(claim.variables, claim.lhs)(*cols)
    rhs = numpy_fn(claim.variables, claim.rhs)(*cols)
    relation = getattr(claim, "relation", "==")
    return decide(witness="sampling", method="NumPy float64 at every point, mpmath where undecided",
                  claim=claim, sample=sample, claimed=lhs, reference=rhs, rtol=EVAL_RTOL,
                  mp_claimed=claim.lhs, mp_true=claim.rhs, relation=relation,
                  tolerance_text=f"rel. {EVAL_RTOL:.0e}", t0=t0, labels=("left side", "right side"))


_STEPS = (1, 2, 4, 8, 16, 32, 64)


def _sequence(point, direction):
    if point == sp.oo:
        return [mpmath.mpf(10) ** k for k in _STEPS]
    if point == -sp.oo:
        return [-(mpmath.mpf(10) ** k) for k in _STEPS]
    p = mpmath.mpf(sp.N(point, 60))
    sgn = 1 if direction in ("+", "+-") else -1
    return [p + sgn * mpmath.mpf(10) ** (-k) for k in _STEPS]


def _indexed_labels(expr) -> set:
    """The labels of the indexed bases in ``expr`` (the entries of finite sums)."""
    return {t.base.label for t in expr.atoms(sp.Indexed)}


RESOLVED = 1e-30
r"""A real parameter this close to 0 or to an end of its domain (or beyond ``1 / RESOLVED`` in
size) is out of the sequence's reach: $e^{c p}$ at $p = 10^{-300}$ is still $1 + 10^{-236}$ at
the last term $c = 10^{64}$, though its limit is $\infty$."""


def _resolvable(claim, params, pts) -> np.ndarray:
    """The sample rows whose real parameters the numeric sequence can resolve (:data:`RESOLVED`)."""
    dom = claim.domain_map
    ok = np.ones(len(pts), dtype=bool)
    for k, p in enumerate(params):
        iv = dom[p]
        if iv.integer or iv.is_point:
            continue
        v = pts[:, k]
        ok &= (np.abs(v) <= 1 / RESOLVED) & ((v == 0) | (np.abs(v) >= RESOLVED))
        for end in (iv.lo, iv.hi):
            if np.isfinite(end):
                ok &= np.abs(v - end) >= RESOLVED * max(1.0, abs(end))
    return ok


MAX_SUM_TERMS = 20_000
"""Terms of finite sums added out at one parameter point; a point with more is not checked
(counted and named in the result, never passed)."""


class _Sums:
    r"""A limit expression with finite sums of symbolic length, $F(v, p, s_1, \dots)$ with
    $s_i = \sum_{k=a_i}^{b_i} f_i(v, k, g_k, p)$: ``F`` and each ``f_i`` lambdified once to
    mpmath, the sums added term by term (``mpmath.fsum``) at each parameter point."""

    def __init__(self, claim, scalars, labels):
        from derivations import ClaimError

        sums = sorted(claim.expr.atoms(sp.Sum), key=sp.default_sort_key)
        slots = [sp.Symbol(f"_gradproof_sum{i}") for i in range(len(sums))]   # no Dummy: see _squeeze
        self.outer = mpmath_fn((claim.var, *scalars, *slots),
                               sp.ImmutableMatrix([[claim.expr.xreplace(dict(zip(sums, slots)))]]))
        self.labels = frozenset(labels)
        self.parts = []
        for t in sums:
            if len(t.limits) != 1 or t.function.has(sp.Sum):
                raise ClaimError(f"{claim.id}: a finite sum in a limit must be single, not nested: "
                                 f"{sp.sstr(t)}")
            k, lo, hi = t.limits[0]
            entry = {lab: sp.Symbol(f"_gradproof_{lab}") for lab in sorted(labels, key=str)}
            body = t.function.replace(lambda x: isinstance(x, sp.Indexed) and x.indices == (k,),
                                      lambda x: entry[x.base.label])
            if body.has(sp.Indexed):
                raise ClaimError(f"{claim.id}: the entries of {sp.sstr(t)} must be indexed by its own "
                                 f"index {k} (g[{k}])")
            fn = mpmath_fn((claim.var, k, *entry.values(), *scalars), sp.ImmutableMatrix([[body]]))
            self.parts.append((fn, lo, hi, list(entry)))

    def at(self, subs: dict, scal: list, draw):
        r"""The expression at one parameter point (``subs``: the scalar parameters, exact;
        ``draw(label, count)``: the entries $g_0, \dots, g_{count-1}$)."""
        ranges = [(int(sp.sympify(lo).xreplace(subs)), int(sp.sympify(hi).xreplace(subs)))
                  for _, lo, hi, _ in self.parts]
        if sum(max(hi - lo + 1, 0) for lo, hi in ranges) > MAX_SUM_TERMS:
            return None, None
        size = {}
        for (_, _, _, labs), (_, hi) in zip(self.parts, ranges):
            for lab in labs:
                size[lab] = max(size.get(lab, 0), hi + 1)
        vals = {lab: draw(lab, n) for lab, n in sorted(size.items(), key=lambda kv: str(kv[0]))}
        mp_vals = {lab: [mpmath.mpf(float(x)) for x in v] for lab, v in vals.items()}

        def f(v):
            s = [mpmath.fsum(fn(v, kk, *[mp_vals[lab][kk] for lab in labs], *scal)[0]
                             for kk in range(lo, hi + 1))
                 for (fn, _, _, labs), (lo, hi) in zip(self.parts, ranges)]
            return self.outer(v, *scal, *s)[0]

        return f, vals


def _at_row(claim, params, prm, row: int, seed: int, sums=None):
    """``(f, shown, value)``: the limit expression at one parameter point, as a function of the
    limit variable in mpmath, the point as text, and the claimed limit there.  A finite sum
    of symbolic length (``sums``, a :class:`_Sums`) is added at the row's length, its indexed
    entries drawn by :func:`checkers.sampling.entries` (seeded by the sample's seed, the claim
    and the row)."""
    from .sampling import entries, stable_seed

    dom = claim.domain_map
    scalars = [p for p in params if not (sums and p in sums.labels)]
    at = {p: (sp.Integer(int(x)) if dom[p].integer else sp.Rational(float(x)))
          for p, x in zip(params, prm) if p in scalars}
    shown = {str(p): fmt(x) for p, x in zip(params, prm) if p in scalars}
    scal = [mpmath.mpf(float(at[p])) for p in scalars]
    if sums is not None:
        f, vals = sums.at(at, scal, lambda lab, n: entries(dom[lab], n, [seed, stable_seed(claim.id), row]))
        if f is None:
            return None, shown, None
        for lab, v in vals.items():
            head = ", ".join(fmt(x, 6) for x in v[1:5]) + (", ..." if len(v) > 5 else "")
            shown[str(lab)] = f"({head}) ({max(len(v) - 1, 0)} entries)"
        return f, shown, claim.value.xreplace(at)
    fn = mpmath_fn((claim.var, *params), sp.ImmutableMatrix([[claim.expr]]))
    return (lambda v: fn(v, *scal)[0]), shown, claim.value.xreplace(at)


def limit_witness(claim, sample) -> WitnessResult:
    r"""The numeric sequence (module docstring) at one parameter point of each of the sample's
    regimes (uniform, edge, decades, tie, ...: the integer parameters' ends among them); a
    finite sum $\sum_{k=1}^{n} f(c, g_k)$ is written out at each point's $n$ with seeded
    entries $g_k$ (:func:`_at_row`)."""
    t0 = time.monotonic()
    params = [s for s, _ in claim.domain if s != claim.var]
    rows = [()]
    if params:
        cols = [sample.variables.index(p) for p in params]
        ok = _resolvable(claim, params, sample.points[:, cols])
        regimes = sample.regimes.astype(str)
        pick = sorted(int(np.flatnonzero(ok & (regimes == r))[0]) for r in np.unique(regimes[ok]))
        rows = [tuple(sample.points[i, c] for c in cols) for i in pick]
        if not rows:
            return WitnessResult("numeric sequence", UNDECIDED, method="mpmath sequence",
                                 detail=f"no sampled parameter point is resolved by the sequence "
                                        f"(every one within {RESOLVED:g} of 0 or an end)",
                                 seconds=time.monotonic() - t0)
    directions = ["+", "-"] if claim.direction == "+-" else [claim.direction]
    worst = 0.0
    checked = 0
    labels = _indexed_labels(claim.expr)
    sums = None
    if labels or claim.expr.has(sp.Sum):
        sums = _Sums(claim, [p for p in params if p not in labels], labels)
    with mpmath.workdps(2 * max(_STEPS) + 60):
        skipped = 0
        for row, prm in enumerate(rows):
            f, at, target = _at_row(claim, params, prm, row, sample.seed, sums)
            if f is None:
                skipped += 1
                continue
            for direction in directions:
                seq = _sequence(claim.point, direction)
                vals = []
                for v in seq:
                    try:
                        vals.append(f(v))
                    except (ZeroDivisionError, ValueError, OverflowError):
                        vals.append(mpmath.nan)
                checked += 1
                ok, err = _converges(vals, target)
                worst = max(worst, err)
                if not ok:
                    tail = ", ".join(f"f({fmt(v, 6)}) = {fmt(y, 10)}" for v, y in list(zip(seq, vals))[-3:])
                    ce = Counterexample(
                        point={**at, str(claim.var): f"-> {sp.sstr(claim.point)}"
                               + (direction if claim.point.is_finite else "")},
                        claimed=sp.sstr(target), true=f"the sequence approaches {fmt(vals[-1], 12)}",
                        confirmed="mpmath at 188 digits", by_hand=tail, found_by="numeric sequence")
                    return WitnessResult("numeric sequence", FAIL, method="mpmath sequence",
                                         worst_error=err, tolerance="|f(v_k) - L| < 1e-8 at the last term",
                                         points=checked * len(_STEPS), detail=f"does not approach {target}",
                                         counterexample=ce, seconds=time.monotonic() - t0)
    if params and skipped == len(rows):
        return WitnessResult("numeric sequence", UNDECIDED, method="mpmath sequence",
                             detail=f"every sampled parameter point needs more than "
                                    f"{MAX_SUM_TERMS:,} terms of a finite sum: none checked",
                             seconds=time.monotonic() - t0)
    return WitnessResult("numeric sequence", PASS,
                         method=f"mpmath at 188 digits along {len(_STEPS)} terms, "
                                f"{len(rows) - skipped} parameter point(s)"
                                + (f" ({skipped} more need over {MAX_SUM_TERMS:,} sum terms: "
                                   "not checked)" if skipped else ""),
                         worst_error=worst, tolerance="|f(v_k) - L| < 1e-8 at the last term (finite L)",
                         points=checked * len(_STEPS), detail="the sequence approaches the claimed limit",
                         seconds=time.monotonic() - t0)


def _converges(vals, target):
    """(ok, error at the last term) for a finite or infinite ``target``."""
    if any(mpmath.isnan(v) for v in vals[-3:]):
        return False, float("inf")
    last = vals[-1]
    if target.is_infinite:
        sign = 1 if target == sp.oo else -1
        if mpmath.isinf(last):
            return (last > 0) == (sign > 0), 0.0
        if sign * last > 1e8:
            return True, 0.0
        # slow (logarithmic) growth: strictly increasing in the claimed direction, steps not shrinking
        s = [sign * v for v in vals]
        inc = all(b > a for a, b in zip(s[-4:], s[-3:]))
        steps = [(b - a) for a, b in zip(s[-4:], s[-3:])]
        return inc and steps[-1] >= steps[0] * 0.99 and s[-1] > 10, 0.0
    L = mpmath.mpf(sp.N(target, 60))
    err = abs(last - L)
    return bool(err < mpmath.mpf("1e-8")), float(err)


def _printed_value_witness(claim, t0) -> WitnessResult:
    """The range of a value computed from rounded printed figures, at 50 digits: ``expr`` at
    every corner of the figures' rounding box (it is affine in them), against the quoted value."""
    import itertools

    box = claim.printed_box()
    syms = tuple(s for s, _, _ in box)
    f = mpmath_fn(syms, sp.ImmutableMatrix([[claim.expr]]))
    with mpmath.workdps(50):
        vals = [f(*[mpmath.mpf(sp.Rational(c).p) / sp.Rational(c).q for c in corner])[0]
                for corner in itertools.product(*[(lo, hi) for _, lo, hi in box])]
        lo, hi = min(vals), max(vals)
        q = mpmath.mpf(claim.quoted)
        half = 0 if claim.exact else mpmath.mpf(5) * mpmath.mpf(10) ** (-(claim.decimals + 1))
        slack = mpmath.mpf(10) ** -45 * max(1, abs(q))
        ok = lo - slack <= q + half and q - half <= hi + slack
    rule = f"range [{fmt(lo, 15)}, {fmt(hi, 15)}] over the printed figures' rounding meets " + \
        (claim.quoted if claim.exact else f"what rounds to {claim.quoted}")
    ce = None if ok else Counterexample(point={}, claimed=claim.quoted,
                                        true=f"[{fmt(lo, 15)}, {fmt(hi, 15)}]",
                                        confirmed="mpmath at 50 digits", found_by="high precision",
                                        by_hand=f"the range misses {claim.quoted}")
    return WitnessResult("high precision", PASS if ok else FAIL,
                         method="mpmath at 50 digits, corners of the rounding box", tolerance=rule,
                         points=len(vals), detail=f"range [{fmt(lo, 15)}, {fmt(hi, 15)}]",
                         counterexample=ce, seconds=time.monotonic() - t0)


def value_witness(claim, sample=None) -> WitnessResult:
    t0 = time.monotonic()
    if claim.printed:
        return _printed_value_witness(claim, t0)
    with mpmath.workdps(50):
        v = mpmath_fn((), sp.ImmutableMatrix([[claim.expr]]))()[0]
        q = mpmath.mpf(claim.quoted)
        if claim.exact:
            ok = abs(v - q) <= mpmath.mpf(10) ** -45 * max(1, abs(q))
            rule = "equal to 45 digits"
        else:
            half = mpmath.mpf(5) * mpmath.mpf(10) ** (-(claim.decimals + 1))
            ok = abs(v - q) <= half
            rule = f"within {fmt(half)} (rounds to {claim.quoted})"
        err = float(abs(v - q) / max(abs(q), mpmath.mpf(1e-300)))
    ce = None
    if not ok:
        ce = Counterexample(point={}, claimed=claim.quoted, true=fmt(v, 15),
                            confirmed="mpmath at 50 digits", found_by="high precision",
                            by_hand=f"{fmt(v, 15)} is not {rule}")
    return WitnessResult("high precision", PASS if ok else FAIL, method="mpmath at 50 digits",
                         worst_error=err, tolerance=rule, points=1,
                         detail=f"value {fmt(v, 15)}", counterexample=ce,
                         seconds=time.monotonic() - t0)


_ = Decimal
