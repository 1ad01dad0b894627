r"""The symbolic witness: SymPy proves the claim, finds an exact counterexample, or gives up.

Identities (gradient, equality).  The residual $r = \mathrm{lhs} - \mathrm{rhs}$ (for a
gradient, $r = \partial\,\mathrm{cost}/\partial\,\mathrm{wrt} - \mathrm{claimed}$, with SymPy's
``diff``) is reduced by a ladder of sound rewrites, cheapest first, each under a time bound:
``cancel(together(r))``; the same after rewriting opaque functions (``sigmoid``) to ``exp``;
``simplify``.  ``cancel`` proves every exp/log identity of the documents and is 3-11x faster than
``simplify`` (SYMPY-NOTES).  A variable whose interval has a sign is first replaced by a symbol
carrying it ($u \in (0, \infty)$: ``positive``), so $|u| = u$ there.  ``expand_log(force=True)`` is never used: it ignores branch cuts.

Inequalities.  A sign certificate: every bounded variable is reparametrized by a positive one
($v = lo + (hi - lo)\,u/(1+u)$ on $(lo, hi)$, $v = lo + u$ on $(lo, \infty)$, $u > 0$); closed
ends are substituted separately; then ``together`` and, if numerator and denominator are
polynomials in the positive variables with coefficients of one sign, the sign is proved.
Otherwise SymPy's assumptions (``is_positive`` after ``factor``) are asked.

Limits.  ``sympy.limit`` (cross-checked numerically: it can be wrong with positive symbols,
sympy#22893).  Values.  Exact comparison of the number with the quoted decimal.

Counterexamples.  When no proof is found, the residual is evaluated exactly at simple rational
points of the domain ($0, \pm1, \pm2, \tfrac12, \tfrac14, \dots$, ties, the ends of closed
intervals); the first point where it is provably nonzero is a counterexample a student can
check by hand.
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import sympy as sp

from derivations.claims import (EqualityClaim, GradientClaim, InequalityClaim, LimitClaim,
                                ValueClaim)

from ._timeout import SymbolicTimeout, time_limit
from .lambdify import opaque_functions
from .results import (DISPROVED, ERROR, PROVED, UNDECIDED, Counterexample, WitnessResult)

__all__ = ["symbolic_witness", "residual", "sides", "simple_points", "SIMPLIFY_SECONDS", "USER_SYMBOLIC_SECONDS"]

from .defaults import SIMPLIFY_SECONDS, USER_SYMBOLIC_SECONDS  # noqa: E402  (re-exported)

_SIMPLE = [0, 1, -1, sp.Rational(1, 2), 2, -2, sp.Rational(1, 4), sp.Rational(3, 4), 3,
           sp.Rational(-1, 2), sp.Rational(1, 3), sp.Rational(2, 3), 5, -3, 10, sp.Rational(1, 10),
           sp.Rational(9, 10)]


def sides(claim) -> tuple:
    """``(relation, lhs, rhs)`` of a gradient, equality or inequality claim, as matrices: for a
    gradient, the true derivative (SymPy's ``jacobian``) and the claimed one, related by ``==``."""
    if isinstance(claim, GradientClaim):
        return "==", sp.ImmutableMatrix(claim.cost.jacobian(list(claim.wrt))), claim.claimed
    if isinstance(claim, EqualityClaim):
        return "==", claim.lhs, claim.rhs
    if isinstance(claim, InequalityClaim):
        return claim.relation, claim.lhs, claim.rhs
    raise TypeError(f"{claim.id}: no sides for a {claim.kind} claim")


def residual(claim) -> sp.ImmutableMatrix:
    """``lhs - rhs`` of an identity claim (the true derivative minus the claimed one)."""
    if not isinstance(claim, (GradientClaim, EqualityClaim)):
        raise TypeError(f"{claim.id}: no residual for a {claim.kind} claim")
    _, lhs, rhs = sides(claim)
    return sp.ImmutableMatrix(lhs - rhs)


_CHEAP, _COSTLY = slice(0, 2), slice(2, None)  # the cancel rungs; the simplify rungs


def _is_zero(e, deadline, rungs=slice(None)) -> tuple[bool, str]:
    """Try to prove ``e == 0`` with the ladder's ``rungs``: (proved, strategy)."""
    e = sp.sympify(e)
    if e == 0:
        return True, "structurally zero"
    steps = [
        ("cancel", lambda x: sp.cancel(sp.together(x))),
        ("cancel after rewrite(exp)", lambda x: sp.cancel(sp.together(x.rewrite(sp.exp)))),
        ("simplify", sp.simplify),
        ("simplify after rewrite(exp)", lambda x: sp.simplify(x.rewrite(sp.exp))),
    ]
    for name, step in steps[rungs]:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SymbolicTimeout("time bound reached")
        try:
            with time_limit(left):
                out = step(e)
        except SymbolicTimeout:
            raise
        except Exception:  # noqa: BLE001 - a SymPy bug in one rung (simplify on sign(): sympy's
            continue       # piecewise_simplify reads .lhs of True) proves nothing; try the next
        if out == 0:
            return True, name
    return False, ""


def simple_points(claim, limit: int = 200) -> list:
    """Simple rational points of the domain: first the all-equal ones, then a seeded mix."""
    per_var = []
    for s, iv in claim.domain:
        if iv.integer:
            vals = [sp.Integer(v) for v in range(int(iv.lo), int(iv.hi) + 1)][:12]
        else:
            vals = [sp.Rational(v) for v in _SIMPLE if iv.contains(float(v))]
            for end, is_open in ((iv.lo, iv.lo_open), (iv.hi, iv.hi_open)):
                if math.isfinite(end) and not is_open and sp.Rational(end) not in vals:
                    vals.append(sp.Rational(end))
            if not vals:
                mid = (iv.lo + iv.hi) / 2 if math.isfinite(iv.lo + iv.hi) else (
                    iv.lo + 1 if math.isfinite(iv.lo) else iv.hi - 1)
                vals = [sp.nsimplify(mid)]
        per_var.append(vals)
    syms = [s for s, _ in claim.domain]
    pts = []
    depth = 0
    # Grid on the leading simple values first (small numbers first), then random combinations.
    while len(pts) < limit and depth < 4:
        depth += 1
        heads = [v[:depth] for v in per_var]
        for combo in itertools.product(*heads):
            if len(pts) >= limit:
                break
            if combo not in pts:
                pts.append(combo)
        if math.prod(len(v) for v in per_var) <= len(pts):
            break
    rng = np.random.default_rng(7)
    for _ in range(limit - len(pts)):
        pts.append(tuple(v[rng.integers(len(v))] for v in per_var))
    return [dict(zip(syms, p)) for p in pts]


def _exact(e, point):
    """``e`` at ``point`` exactly (a SymPy number), or None if undefined there."""
    try:
        v = sp.sympify(e).xreplace(point)
        v = v.doit() if v.has(sp.Subs, sp.Derivative) else v
        if v.has(sp.nan, sp.zoo) or not v.is_number:
            return None
        return v
    except (ZeroDivisionError, TypeError, ValueError):
        return None


def _nonzero(v) -> bool:
    """True when the exact number ``v`` is provably nonzero (50-digit evaluation)."""
    n = sp.N(v, 50)
    if n.has(sp.nan, sp.zoo) or not n.is_number:
        return False
    return bool(abs(n) > sp.Float("1e-40"))


def _show(v):
    s = sp.nsimplify(v) if v.is_Float else v
    s = sp.simplify(s) if sp.count_ops(s) < 60 else s
    approx = sp.N(s, 12)
    text = sp.sstr(s)
    if s.is_Rational or len(text) > 80:
        return sp.sstr(approx) if len(text) > 80 else text
    return f"{text} = {sp.sstr(approx)}"


def _point_text(point):
    return {str(k): sp.sstr(v) for k, v in point.items()}


def _search(claim, entries_pairs, test, deadline, found_by="symbolic"):
    """First simple point where ``test(claimed, true)`` fails exactly, as a Counterexample."""
    for point in simple_points(claim):
        if time.monotonic() > deadline:
            return None
        for label, (c_expr, t_expr) in entries_pairs:
            c = _exact(c_expr, point)
            t = _exact(t_expr, point)
            if c is None or t is None:
                continue
            bad = test(c, t)
            if bad:
                return Counterexample(
                    point=_point_text(point), claimed=_show(c), true=_show(t), component=label,
                    confirmed="exact arithmetic (SymPy), 50-digit evaluation",
                    by_hand=bad if isinstance(bad, str) else "", found_by=found_by)
    return None


def _entry_label(claim, k) -> str:
    if isinstance(claim, GradientClaim):
        m, n = claim.claimed.shape
        i, j = divmod(k, n)
        out = f"output {i}, " if m > 1 else ""
        return f"{out}d/d{claim.wrt[j]}"
    shape = claim.lhs.shape
    return "" if shape == (1, 1) else f"entry {divmod(k, shape[1])}"


def _signed(claim) -> dict:
    """Each variable whose interval has a sign, as a symbol that carries it (``positive``,
    ``nonnegative``, ``negative``, ``nonpositive``): an identity proved for every number of
    that sign holds on the interval, and SymPy then rewrites $|u| = u$ for $u > 0$ itself."""
    out = {}
    for s, iv in claim.domain:
        if iv.integer or iv.is_point or not isinstance(s, sp.Symbol):
            continue
        if iv.lo >= 0:
            sign = {"positive": True} if (iv.lo > 0 or iv.lo_open) else {"nonnegative": True}
        elif iv.hi <= 0:
            sign = {"negative": True} if (iv.hi < 0 or iv.hi_open) else {"nonpositive": True}
        else:
            continue
        out[s] = sp.Symbol(s.name, real=True, **sign)
    return out


def _identity(claim, deadline):
    _, lhs, rhs = sides(claim)
    res = sp.ImmutableMatrix(lhs - rhs)
    signed = _signed(claim)
    if signed:
        res = res.xreplace(signed)
    # the counterexample's labels: a gradient's true derivative is its lhs, an equality's rhs
    true_m, claimed_m = (lhs, rhs) if isinstance(claim, GradientClaim) else (rhs, lhs)
    strategies = set()

    def test(c, t):
        return _nonzero(c - t)

    def reduce(entries, rungs):
        left = []
        for k in entries:
            ok, how = _is_zero(res[k], deadline, rungs)
            if ok:
                strategies.add(how)
            else:
                left.append(k)
        return left

    # cancel first; then an exact counterexample (a false claim needs no simplify, and the
    # search is exact, so this order is sound); then simplify, the costly rungs.
    undecided = reduce(range(len(res)), _CHEAP)
    ce = None
    if undecided:
        ce = _search(claim, [(_entry_label(claim, k), (claimed_m[k], true_m[k])) for k in undecided],
                     test, deadline)
        if ce is None:
            undecided = reduce(undecided, _COSTLY)
    if not undecided:
        return PROVED, "residual reduces to 0 by " + ", ".join(sorted(strategies)), None, "0"
    shown = sp.sstr(res[undecided[0]])
    shown = shown if len(shown) < 200 else shown[:200] + "..."
    if ce is not None:
        if isinstance(claim, EqualityClaim):
            ce.labels = ("left side", "right side")
        return DISPROVED, "nonzero residual at an exact point", ce, shown
    return UNDECIDED, "no strategy reduced the residual to 0 and no simple point refutes it", None, shown


_REL = {">": lambda d: d > 0, ">=": lambda d: d >= 0, "<": lambda d: d < 0, "<=": lambda d: d <= 0,
        "!=": lambda d: d != 0}


def _explicit(e):
    """Opaque functions (``sigmoid``) rewritten to ``exp`` for limits and sign certificates."""
    e = sp.sympify(e)
    for f in opaque_functions(e):
        e = e.xreplace({f: f.rewrite(sp.exp)})
    return e


def _interior(s, iv):
    """A positive symbol u and v(u) covering the open interior of ``iv`` (None if unbounded)."""
    u = sp.Symbol(f"u_{s}", positive=True)
    lo, hi = iv.lo, iv.hi
    if math.isfinite(lo) and math.isfinite(hi):
        return u, sp.nsimplify(lo) + sp.nsimplify(hi - lo) * u / (1 + u)
    if math.isfinite(lo):
        return u, sp.nsimplify(lo) + u
    if math.isfinite(hi):
        return u, sp.nsimplify(hi) - u
    return None, None


def _cases(claim):
    """Substitutions covering the domain: integer values, closed ends, and the open interior."""
    cases = [({}, [])]
    for s, iv in claim.domain:
        options = []
        if iv.integer:
            options = [({s: sp.Integer(v)}, []) for v in range(int(iv.lo), int(iv.hi) + 1)]
        elif iv.is_point:
            options = [({s: sp.nsimplify(iv.lo)}, [])]
        else:
            u, expr = _interior(s, iv)
            options.append(({s: expr}, [u]) if u is not None else ({}, []))
            for end, is_open in ((iv.lo, iv.lo_open), (iv.hi, iv.hi_open)):
                if math.isfinite(end) and not is_open:
                    options.append(({s: sp.nsimplify(end)}, []))
        cases = [({**c, **o}, cp + op) for c, cp in cases for o, op in options]
    return cases


def _sign_of(d, pos, depth=0):
    """+1: d > 0; -1: d < 0; 0: d == 0; None: unknown, for positive symbols ``pos``.

    Rational functions: every coefficient of numerator and denominator of one sign.  A
    ``log(g)`` is replaced by a positive or negative atom when the sign of ``g - 1`` is known.
    """
    if d == 0:
        return 0
    if depth < 3:
        for lg in sorted(d.atoms(sp.log), key=sp.count_ops):
            sg = _sign_of(lg.args[0] - 1, pos, depth + 1)
            if sg in (1, -1):
                v = sp.Symbol(f"L{len(pos)}", positive=True)
                d = d.xreplace({lg: sg * v})
                pos = pos + [v]
            elif sg == 0:
                d = d.xreplace({lg: 0})
        d = sp.cancel(sp.together(d))
    num, den = sp.fraction(d)
    signs = []
    for part in (num, den):
        part = sp.expand(part)
        if part.is_number:
            if part == 0:
                return 0 if part is num else None
            signs.append(1 if part > 0 else -1)
            continue
        if not part.free_symbols <= set(pos):
            return None
        try:
            coeffs = sp.Poly(part, *sorted(part.free_symbols, key=str)).coeffs()
        except sp.PolynomialError:
            return None
        if not all(c.is_number for c in coeffs):
            return None
        if all(c >= 0 for c in coeffs):
            signs.append(1)
        elif all(c <= 0 for c in coeffs):
            signs.append(-1)
        else:
            return None
    return signs[0] * signs[1]


_OK_SIGNS = {">": (1,), ">=": (1, 0), "<": (-1,), "<=": (-1, 0), "!=": (1, -1)}


def _inequality(claim, deadline):
    rel = claim.relation
    how = set()
    with time_limit(max(deadline - time.monotonic(), 0.01)):
        cases = _cases(claim)
        proved = True
        for k in range(len(claim.lhs)):
            d = _explicit(claim.lhs[k] - claim.rhs[k])
            for case, pos in cases:
                dd = d.xreplace(case)
                sign = _sign_of(dd, list(pos))
                if sign in _OK_SIGNS[rel]:
                    how.add("sign certificate (positive reparametrization)")
                    continue
                t = sp.factor(sp.cancel(dd))
                test = {">": t.is_positive, ">=": t.is_nonnegative, "<": t.is_negative,
                        "<=": t.is_nonpositive, "!=": t.is_nonzero}[rel]
                if test:
                    how.add("SymPy assumptions after factor")
                    continue
                proved = False
                break
            if not proved:
                break
    if proved:
        return PROVED, "; ".join(sorted(how)) + f" over {len(cases)} case(s) of the domain", None, ""

    def test(c, t):
        diff = sp.N(c - t, 50)
        if not diff.is_number or diff.has(sp.nan):
            return False
        if rel in (">=", "<=") and abs(diff) < sp.Float("1e-40"):
            return False
        if _REL[rel](diff):
            return False
        return f"lhs = {_show(c)}, rhs = {_show(t)}, and {sp.sstr(sp.N(c, 6))} {rel} {sp.sstr(sp.N(t, 6))} is false"

    pairs = [(_entry_label(claim, k) if len(claim.lhs) > 1 else "", (claim.lhs[k], claim.rhs[k]))
             for k in range(len(claim.lhs))]
    ce = _search(claim, pairs, test, deadline)
    if ce is not None:
        ce.claimed = f"{ce.claimed} {rel} {ce.true}"
        ce.true = "false"
        ce.labels = ("relation", "holds")
        return DISPROVED, f"the relation {rel} fails at an exact point", ce, ""
    return UNDECIDED, "no sign certificate found and no simple point refutes it", None, ""


def _limit(claim, deadline):
    params = [s for s, _ in claim.domain if s != claim.var and s in claim.expr.free_symbols]
    with time_limit(max(deadline - time.monotonic(), 0.01)):
        got = sp.limit(_explicit(claim.expr), claim.var, claim.point, dir=claim.direction)
    if got.has(sp.Limit):
        return UNDECIDED, "sympy.limit returned an unevaluated limit", None, sp.sstr(got)
    diff = sp.simplify(got - claim.value) if not (got.is_infinite or claim.value.is_infinite) else (
        0 if got == claim.value else 1)
    if diff == 0:
        return PROVED, f"sympy.limit gives {sp.sstr(got)}", None, sp.sstr(got)
    if params:
        return UNDECIDED, f"sympy.limit gives {sp.sstr(got)} (depends on parameters)", None, sp.sstr(got)
    ce = Counterexample(point={str(claim.var): f"-> {sp.sstr(claim.point)}{claim.direction if claim.point.is_finite else ''}"},
                        claimed=sp.sstr(claim.value), true=sp.sstr(got),
                        confirmed="sympy.limit", found_by="symbolic")
    return DISPROVED, f"sympy.limit gives {sp.sstr(got)}, not {sp.sstr(claim.value)}", ce, sp.sstr(got)


def _printed_value(claim):
    """A value computed from rounded printed figures: its exact range over their box (the
    corners of the box, ``expr`` being affine) against the quoted value."""
    q = sp.Rational(claim.quoted)
    box = claim.printed_box()
    vals = [claim.expr.xreplace(dict(zip([s for s, _, _ in box], c)))
            for c in itertools.product(*[(lo, hi) for _, lo, hi in box])]
    lo, hi = min(vals), max(vals)
    spread = ", ".join(f"{s} in [{_show(a)}, {_show(b)}]" for s, a, b in box)
    target = (q, q) if claim.exact else (q - claim.half_ulp, q + claim.half_ulp)
    holds = lo <= target[1] and target[0] <= hi
    what = (f"{claim.quoted}" if claim.exact else
            f"[{_show(target[0])}, {_show(target[1])}] (what rounds to {claim.quoted})")
    rule = (f"with the printed figures read to their precision ({spread}) the value ranges over "
            f"[{_show(lo)}, {_show(hi)}], which {'meets' if holds else 'misses'} {what}")
    if holds:
        return PROVED, rule, None, f"[{_show(lo)}, {_show(hi)}]"
    ce = Counterexample(point={}, claimed=claim.quoted, true=f"[{_show(lo)}, {_show(hi)}]",
                        confirmed="exact arithmetic (SymPy) at the corners of the rounding box",
                        found_by="symbolic", by_hand=rule)
    return DISPROVED, rule, ce, f"[{_show(lo)}, {_show(hi)}]"


def _value(claim, deadline):
    if claim.printed:
        return _printed_value(claim)
    q = sp.Rational(claim.quoted)
    with time_limit(max(deadline - time.monotonic(), 0.01)):
        exact = sp.nsimplify(claim.expr) if claim.expr.is_Float else claim.expr
        if claim.exact:
            holds = sp.simplify(exact - q) == 0
            rule = f"= {claim.quoted} exactly"
        else:
            gap = sp.Abs(exact - q)
            holds = bool(gap <= claim.half_ulp)
            rule = f"|value - {claim.quoted}| <= {sp.sstr(claim.half_ulp)} (rounds to {claim.quoted})"
    true_text = _show(exact)
    if holds:
        return PROVED, f"{true_text} {rule}", None, true_text
    ce = Counterexample(point={}, claimed=claim.quoted, true=true_text,
                        confirmed="exact arithmetic (SymPy)", found_by="symbolic",
                        by_hand=f"{sp.sstr(claim.expr)} = {sp.N(exact, 15)}, which does not satisfy {rule}")
    return DISPROVED, f"the value is {true_text}; {rule} fails", ce, true_text


def symbolic_witness(claim, seconds: float = SIMPLIFY_SECONDS) -> WitnessResult:
    """Prove, disprove (exact counterexample) or leave undecided, within ``seconds``."""
    t0 = time.monotonic()
    deadline = t0 + seconds
    try:
        if isinstance(claim, (GradientClaim, EqualityClaim)):
            status, detail, ce, shown = _identity(claim, deadline)
            method = "residual lhs - rhs"
        elif isinstance(claim, InequalityClaim):
            status, detail, ce, shown = _inequality(claim, deadline)
            method = "sign certificate"
        elif isinstance(claim, LimitClaim):
            status, detail, ce, shown = _limit(claim, deadline)
            method = "sympy.limit"
        elif isinstance(claim, ValueClaim):
            status, detail, ce, shown = _value(claim, deadline)
            method = "exact value"
        else:
            return WitnessResult("symbolic", UNDECIDED, detail=f"no symbolic strategy for kind {claim.kind}")
    except SymbolicTimeout:
        return WitnessResult("symbolic", UNDECIDED, method="time bound",
                             detail=f"SymPy did not finish within {seconds:g} s",
                             seconds=time.monotonic() - t0)
    except (NotImplementedError, sp.PolynomialError, RecursionError, ValueError, TypeError) as err:
        return WitnessResult("symbolic", UNDECIDED, detail=f"SymPy could not decide: {type(err).__name__}: {err}"[:300],
                             seconds=time.monotonic() - t0)
    return WitnessResult("symbolic", status, method=method, detail=detail, counterexample=ce,
                         seconds=time.monotonic() - t0, extra={"residual": shown})


_ = ERROR
