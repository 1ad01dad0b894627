r"""The exact counterexample search of the symbolic witness (:mod:`.prover`).

When a case of coinciding indices does not reduce to 0, the witness looks for a refutation at
the smallest sizes that case allows (each size the claim's ``size_min``, or the number of
distinct free indices in its range; then one more), with the free indices at distinct values
$1, 2, \dots$, labels cycling through their range, simple exact base entries (zeros, a ramp
$0, 1, 2, 0, \dots$, a unit vector, $0, 1, 2, \dots$ on the real line; $\tfrac12$,
$\tfrac1{t+2}$, $\tfrac{t+1}{t+3}$, $\tfrac14$ of a bounded interval) and simple parameter
values.  Each side is substituted exactly and evaluated to 50 digits; an identity fails when the
sides differ by more than $10^{-40}$, a relation when it does not hold (with that slack for
``>=``, ``<=``, ``!=``).  The counterexample is reported in exact arithmetic.
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import sympy as sp

from derivations import IndexedEqualityClaim, IndexedGradientClaim

from ..results import Counterexample

__all__: list = []


def _index_atoms(e, claim):
    """The free indices of ``e`` (symbols with a declared range)."""
    return {s for s in e.free_symbols if s in claim.range_map}


def _concrete(expr, claim, sizes, index_vals, base_vals, label_vals, params):
    """``expr`` at concrete sizes, indices and entries, exactly (a SymPy number)."""
    rep = {**{k: sp.Integer(v) for k, v in sizes.items()},
           **{k: sp.Integer(v) for k, v in index_vals.items()}}
    e = sp.sympify(expr).xreplace(rep).doit()
    sub = {}
    for b, arr in label_vals.items():
        for pos in np.ndindex(*arr.shape):
            sub[b[tuple(sp.Integer(p + 1) for p in pos)]] = sp.Integer(int(arr[pos]))
    e = e.xreplace(sub).doit() if sub else e
    sub = {}
    for b, arr in base_vals.items():
        for pos in np.ndindex(*arr.shape):
            sub[b[tuple(sp.Integer(p + 1) for p in pos)]] = arr[pos]
    sub.update(params)
    v = e.xreplace(sub)
    v = v.doit() if v.has(sp.Sum, sp.Derivative) else v
    return v


def _candidate_bases(claim, sizes):
    """Simple exact base values to try: zeros, a ramp, a unit vector (real line); 1/2, ... (bounded)."""
    ev = {k: sp.Integer(v) for k, v in sizes.items()}
    shapes = {b: tuple(int(sp.sympify(s).xreplace(ev)) for s in shp) for b, shp in claim.shapes}
    cands = []
    for variant in range(4):
        vals = {}
        for b, shp in shapes.items():
            iv = claim.entry_domain(b)
            arr = np.empty(shp, dtype=object)
            for t, pos in enumerate(np.ndindex(*shp)):
                if math.isinf(iv.lo) and math.isinf(iv.hi):
                    v = [sp.Integer(0), sp.Integer(t % 3), sp.Integer(1 if t == 0 else 0), sp.Integer(t)][variant]
                else:
                    lo, hi = sp.nsimplify(iv.lo), sp.nsimplify(iv.hi)
                    frac = [sp.Rational(1, 2), sp.Rational(1, t + 2), sp.Rational(t + 1, t + 3), sp.Rational(1, 4)][variant]
                    v = lo + (hi - lo) * frac if math.isfinite(iv.hi) else lo + frac
                arr[pos] = v
            vals[b] = arr
        cands.append(vals)
    return cands


def _simple_params(claim):
    choices = []
    for s, iv in claim.domain:
        vals = [sp.Rational(v) for v in (1, 2, sp.Rational(1, 2), -1, 0) if iv.contains(float(v))]
        choices.append(vals[:2] or [sp.nsimplify((iv.lo + iv.hi) / 2)])
    return [dict(zip([s for s, _ in claim.domain], combo)) for combo in itertools.product(*choices)][:4] or [{}]


def _search_counterexample(claim, label, c_side, t_side, rel, case, deadline):
    """An exact :class:`~checkers.results.Counterexample` to ``c_side rel t_side`` in ``case``
    (free index -> representative) at simple inputs, or None (none found by ``deadline``)."""
    reps = sorted(set(case.values()), key=str)
    ranges = claim.range_map
    base_min = claim.min_sizes
    for extra_size in (0, 1):
        if time.monotonic() > deadline:
            return None
        sizes = {}
        for s in claim.size_symbols:
            need = sum(1 for r in reps if ranges[r][1] == s)
            sizes[s] = max(base_min[s], need, 1) + extra_size
        ev = {k: sp.Integer(v) for k, v in sizes.items()}
        values, counters = {}, {}
        ok = True
        for r in reps:
            lo, hi = (int(sp.sympify(x).xreplace(ev)) for x in ranges[r])
            key = (lo, hi)
            counters[key] = counters.get(key, lo - 1) + 1
            if counters[key] > hi:
                ok = False
            values[r] = counters[key]
        if not ok:
            continue
        index_vals = {ix: values[case[ix]] for ix in case}
        for ix in claim.index_symbols:
            index_vals.setdefault(ix, 1)
        label_vals = {}
        for b, (shape, lo, hi) in claim.labels:
            shp = tuple(int(sp.sympify(x).xreplace(ev)) for x in shape)
            lo_v, hi_v = int(sp.sympify(lo).xreplace(ev)), int(sp.sympify(hi).xreplace(ev))
            label_vals[b] = (np.arange(math.prod(shp)) % (hi_v - lo_v + 1) + lo_v).reshape(shp)
        for bases in _candidate_bases(claim, sizes):
            for params in _simple_params(claim):
                if time.monotonic() > deadline:
                    return None
                try:
                    c = _concrete(c_side, claim, sizes, index_vals, bases, label_vals, params)
                    t = _concrete(t_side, claim, sizes, index_vals, bases, label_vals, params)
                    cn, tn = sp.N(c, 50), sp.N(t, 50)
                except (ZeroDivisionError, TypeError, ValueError):
                    continue
                if not (cn.is_number and tn.is_number) or cn.has(sp.nan, sp.zoo) or tn.has(sp.nan, sp.zoo):
                    continue
                if rel == "==":
                    bad = abs(cn - tn) > sp.Float("1e-40")
                else:
                    diff = cn - tn
                    holds = {">": diff > 0, ">=": diff >= -sp.Float("1e-40"), "<": diff < 0,
                             "<=": diff <= sp.Float("1e-40"), "!=": abs(diff) > sp.Float("1e-40")}[rel]
                    bad = not bool(holds)
                if not bad:
                    continue
                point = {str(k): str(v) for k, v in sizes.items()}
                point.update({str(k): str(v) for k, v in index_vals.items()
                              if k in _index_atoms(sp.sympify(c_side) - sp.sympify(t_side), claim)
                              or (isinstance(claim, IndexedGradientClaim) and k in claim.wrt.indices)})
                for b, arr in label_vals.items():
                    point[str(b)] = "(" + ", ".join(str(int(x)) for x in arr.ravel()) + ")"
                for b, arr in bases.items():
                    point[str(b)] = "(" + ", ".join(sp.sstr(x) for x in arr.ravel()) + ")"
                point.update({str(k): sp.sstr(v) for k, v in params.items()})
                cs, ts = _show(c), _show(t)
                if isinstance(claim, IndexedGradientClaim):
                    label = f"d/d{claim.wrt.xreplace({ix: sp.Integer(v) for ix, v in index_vals.items()})}"
                at = ", ".join(f"{k} = {v}" for k, v in point.items())
                if rel == "==":
                    ce = Counterexample(point=point, claimed=cs, true=ts, component=label,
                                        confirmed="exact arithmetic (SymPy), 50-digit evaluation",
                                        by_hand=f"substitute {at}: claimed {cs}, true {ts}",
                                        found_by="symbolic")
                    if isinstance(claim, (IndexedEqualityClaim,)):
                        ce.labels = ("left side", "right side")
                else:
                    ce = Counterexample(point=point, claimed=f"{cs} {rel} {ts}", true="false",
                                        component=label, labels=("relation", "holds"),
                                        confirmed="exact arithmetic (SymPy), 50-digit evaluation",
                                        by_hand=f"substitute {at}: lhs {cs}, rhs {ts}",
                                        found_by="symbolic")
                return ce
    return None


def _show(v):
    """An exact number as text (simplified when small, with 12 digits when not rational)."""
    v = sp.nsimplify(v) if v.is_Float else v
    try:
        s = sp.simplify(v) if sp.count_ops(v) < 80 else v
    except Exception:  # pragma: no cover - simplify of a number does not fail in practice
        s = v
    text = sp.sstr(s)
    approx = sp.sstr(sp.N(s, 12))
    if s.is_Rational:
        return text
    return text if len(text) > 60 else f"{text} = {approx}"
