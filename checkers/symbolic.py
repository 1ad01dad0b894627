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
Otherwise SymPy's assumptions (``is_positive`` after ``factor``) are asked; then the
first-derivative test (:func:`_extremum`): a smooth expression whose derivative in one variable
changes sign once, at a positive root, has its extremum there, and the claim at that point is
proved the same way in the remaining variables (real-line variables as $z = \ln t$).  An identity
the ladder leaves undecided is reduced once more in each of these cases of the domain.

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
    res = unsigned = sp.ImmutableMatrix(lhs - rhs)
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
    if undecided and ce is None:
        undecided = _by_cases(claim, unsigned, undecided, strategies, deadline)
    if not undecided:
        return PROVED, "residual reduces to 0 by " + ", ".join(sorted(strategies)), None, "0"
    shown = sp.sstr(res[undecided[0]])
    shown = shown if len(shown) < 200 else shown[:200] + "..."
    if ce is not None:
        if isinstance(claim, EqualityClaim):
            ce.labels = ("left side", "right side")
        return DISPROVED, "nonzero residual at an exact point", ce, shown
    return UNDECIDED, "no strategy reduced the residual to 0 and no simple point refutes it", None, shown


def _by_cases(claim, res, entries, strategies, deadline) -> list:
    r"""The entries of ``res`` still undecided after reducing them in each case of the domain
    (:func:`_cases`: every bounded variable through a positive one, closed ends and integer
    values substituted), with the argument of each ``sign``/``Abs`` factored first.

    The cases cover the domain, so an entry that cancels to 0 in every case is 0 on it; with
    $a = u/(1+u)$, $u > 0$, SymPy knows $a > 0$ and $1 - a > 0$ and drops such factors from
    $\operatorname{sign}(\cdot)$ itself (``bce_sigmoid.critical_point_only``).
    """
    cases = _cases(claim)
    if cases == [({}, [])]:
        return list(entries)

    def factored(x):
        return x.func(sp.factor(sp.cancel(sp.together(x.args[0]))))

    left = []
    for k in entries:
        ok = True
        for case, _ in cases:
            e = res[k].xreplace(case).replace(lambda x: isinstance(x, (sp.sign, sp.Abs)), factored)
            if not _is_zero(e, deadline, _CHEAP)[0]:
                ok = False
                break
        if ok:
            strategies.add(f"cancel in each of {len(cases)} case(s) of the domain")
        else:
            left.append(k)
    return left


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


_NOT_SMOOTH = (sp.Abs, sp.sign, sp.Piecewise, sp.Max, sp.Min, sp.Heaviside, sp.floor, sp.ceiling)


def _real_line_as_log(d, pos):
    r"""``(d, pos)`` with each variable left unsubstituted by :func:`_cases` (one ranging over
    the real line) written $z = \ln t$, $t > 0$: a bijection onto $(0, \infty)$ that turns
    $e^{z}$ into the rational $t$."""
    sub = {s: sp.log(sp.Symbol(f"t_{s}", positive=True))
           for s in sorted(d.free_symbols - set(pos), key=str)}
    if not sub:
        return d, pos
    return d.xreplace(sub), pos + [v.args[0] for v in sub.values()]


def _extremum(g, pos, rel, depth=0) -> bool:
    r"""Prove $g \;\mathrm{rel}\; 0$ for all positive ``pos`` by the first-derivative test.

    For a variable $u$ of ``pos``: if $\partial g/\partial u = (u - r)\,h$ with one root $r > 0$
    and $h$ of one sign for every positive value (a sign certificate, :func:`_sign_of`), then
    $g$ falls before $r$ and rises after it ($h > 0$: a minimum) or the reverse ($h < 0$: a
    maximum), so $g(u) \ge g(r)$ (or $\le$) on $(0, \infty)$, for each value of the others.
    It remains to prove $g(r) \;\mathrm{rel}\; 0$, in the other variables, the same way.
    Only smooth expressions qualify (no ``Abs``, ``sign``, ``Piecewise``, ``Max``, ...): $h$'s
    certificate then also shows $g$ has no pole on $(0, \infty)$.  Gibbs' inequality
    (``bce_sigmoid.positive_lower_bound``: the minimum over $a$ is at $a = y$, where the
    cross-entropy equals the entropy) and products of per-variable bounds
    (``sigmoid.small_factors_compound``) are proved so.
    """
    if _sign_of(g, pos) in _OK_SIGNS[rel]:
        return True
    if depth >= 4 or rel == "!=" or g.has(*_NOT_SMOOTH) or not g.free_symbols <= set(pos):
        return False
    want = 1 if rel in (">", ">=") else -1
    for u in sorted(g.free_symbols, key=str):
        gp = sp.cancel(sp.together(sp.diff(g, u)))
        try:
            roots = sp.solve(sp.fraction(gp)[0], u)
        except (NotImplementedError, sp.PolynomialError):
            continue
        rest = [p for p in pos if p != u]
        roots = [r for r in roots if _sign_of(r, rest) == 1]
        if len(roots) != 1 or _sign_of(sp.cancel(gp / (u - roots[0])), pos) != want:
            continue
        if _extremum(sp.cancel(sp.together(g.xreplace({u: roots[0]}))), rest, rel, depth + 1):
            return True
    return False


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
                if _extremum(*_real_line_as_log(dd, list(pos)), rel):
                    how.add("first-derivative test")
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


def _var_sums(e, var) -> list:
    """The sums of ``e`` that depend on the limit variable; empty unless every one is finite,
    over one index, with bounds free of ``var`` (a series, an infinite sum, needs uniform
    convergence: neither rule below applies to it)."""
    sums = [t for t in e.atoms(sp.Sum) if var in t.free_symbols]
    if any(len(t.limits) != 1 or any(var in b.free_symbols or b.has(sp.oo, -sp.oo)
                                     for b in t.limits[0][1:]) for t in sums):
        return []
    return sums


def _finite_sums(e, var, point, direction):
    r"""``(F, how)``: ``e`` with each finite sum $\sum_{k=a}^{b} f_k(v)$ (bounds free of the
    limit variable $v$) replaced by its limit $\sum_{k=a}^{b} \lim f_k$, when every term has
    one finite limit; ``how`` names the rule (empty if ``e`` has no such sum).

    Sound for every finite number of terms (the limit of a finite sum is the sum of the
    limits); the caller uses it only where the rest of ``e`` no longer depends on $v$ and is
    continuous there (:func:`sum_limit`).  ``None`` when a term's limit is infinite, depends on
    the term in an unknown way, or SymPy cannot take it.
    """
    sums = _var_sums(e, var)
    if not sums:
        return e, ""
    out = {}
    for t in sums:
        try:
            term = sp.limit(t.function, var, point, dir=direction)
        except NotImplementedError:   # "depends on the sign of ...": no one finite limit
            return None
        if term.has(sp.Limit, sp.oo, -sp.oo, sp.zoo, sp.nan) or var in term.free_symbols:
            return None
        out[t] = sp.Sum(term, t.limits[0]).doit()
    return e.xreplace(out), "the limit of a finite sum is the sum of its terms' limits"


def _squeeze(e, var, point, direction):
    r"""``(L, rule)`` for $F(v, S(v))$ with one finite sum $S = \sum_k f_k(v)$ of positive
    terms, or ``None``.  $S \in [0, \infty)$ (no term, or positive ones), and if $F$ is
    monotone in $s \ge 0$ (SymPy proves the sign of $\partial F / \partial s$), $F(v, S(v))$ lies
    between $F(v, 0)$ and $F(v, \infty) = \lim_{s \to \infty} F(v, s)$; when both tend to the
    same $L$, so does $F(v, S(v))$ (``softmax.limit_not_largest``: $1/(1 + e^{cd} + S) \to 0$
    for any other entries)."""
    sums = _var_sums(e, var)
    if len(sums) != 1 or not sums[0].function.is_positive or e.has(*_NOT_SMOOTH):
        return None
    # a named symbol, not a Dummy: every Dummy moves SymPy's global Dummy counter, and with it
    # the printed order of later lambdified expressions (float64 rounding of other claims)
    s = sp.Symbol("_gradproof_sum", nonnegative=True)
    F = e.xreplace({sums[0]: s})
    slope = sp.diff(F, s)
    if not (slope.is_positive or slope.is_negative or sp.factor(slope).is_positive
            or sp.factor(slope).is_negative):
        return None
    try:
        low = sp.limit(F.xreplace({s: 0}), var, point, dir=direction)
        high = sp.limit(sp.limit(F, s, sp.oo), var, point, dir=direction)
    except NotImplementedError:
        return None
    if low.has(sp.Limit) or high.has(sp.Limit):
        return None
    if low != high and (low.is_infinite or high.is_infinite or sp.simplify(low - high) != 0):
        return None
    return low, ("squeeze: the expression is monotone in the sum of positive terms, and its "
                 "limits with the sum at 0 and at infinity agree")


def sum_limit(claim):
    r"""``(limit, rule)`` of a limit claim's expression in SymPy: ``sympy.limit``, or, for an
    expression with finite sums of symbolic length, the sums' term-wise limits substituted
    into a rest that is free of the limit variable and continuous there (no ``Abs``, ``sign``,
    ``Piecewise``, ...; finite at the limits), or else the squeeze of :func:`_squeeze`.
    Parameters carry their domain's sign (``d > 0``: $e^{cd} \to \infty$)."""
    var = claim.var
    e = _explicit(claim.expr)
    signed = {s: t for s, t in _signed(claim).items() if s != var}
    for lab in {t.base.label for t in e.atoms(sp.Indexed)} - set(signed):
        if lab in claim.domain_map:   # an entry ranges over a real interval: g_k is real
            signed[lab] = sp.Symbol(lab.name, real=True)
    unsign = {t: s for s, t in signed.items()}
    if signed:
        e = e.xreplace(signed)
    if not any(var in t.free_symbols for t in e.atoms(sp.Sum)):
        return sp.limit(e, var, claim.point, dir=claim.direction).xreplace(unsign), "sympy.limit"
    if not _var_sums(e, var):
        return sp.Limit(claim.expr, var, claim.point), ""
    got = _finite_sums(e, var, claim.point, claim.direction)
    if got is None or var in got[0].free_symbols or got[0].has(*_NOT_SMOOTH):
        got = _squeeze(e, var, claim.point, claim.direction)
        if got is None:
            return sp.Limit(claim.expr, var, claim.point), ""
        return got[0].xreplace(unsign), got[1]
    value = sp.simplify(got[0])
    if value.has(sp.oo, -sp.oo, sp.zoo, sp.nan):   # the rest has a pole there: not continuous
        return sp.Limit(claim.expr, var, claim.point), ""
    return value.xreplace(unsign), got[1]


def _limit(claim, deadline):
    params = [s for s, _ in claim.domain if s != claim.var and s in claim.free_symbols()]
    with time_limit(max(deadline - time.monotonic(), 0.01)):
        got, rule = sum_limit(claim)
    got = got.xreplace({s: sp.nsimplify(iv.lo) for s, iv in claim.domain if iv.is_point})
    if got.has(sp.Limit):
        return UNDECIDED, "sympy.limit returned an unevaluated limit", None, sp.sstr(got)
    how = f"{rule} gives {sp.sstr(got)}"
    diff = sp.simplify(got - claim.value) if not (got.is_infinite or claim.value.is_infinite) else (
        0 if got == claim.value else 1)
    if diff == 0:
        return PROVED, how, None, sp.sstr(got)
    at = {}
    params = [p for p in params   # the others change neither the limit nor the claimed value
              if p in got.free_symbols | claim.value.free_symbols]
    if params:
        at = _parameter_point(claim, params, got)
        if at is None:
            return UNDECIDED, f"{how} (depends on parameters)", None, sp.sstr(got)
    true = got.xreplace(at)
    where = {str(p): sp.sstr(v) for p, v in at.items()}
    ce = Counterexample(point={**where, str(claim.var): f"-> {sp.sstr(claim.point)}{claim.direction if claim.point.is_finite else ''}"},
                        claimed=sp.sstr(claim.value.xreplace(at)), true=sp.sstr(true),
                        confirmed=rule,
                        found_by="symbolic")
    return DISPROVED, f"{how}, not {sp.sstr(claim.value.xreplace(at))}" + (
        " (at " + ", ".join(f"{k} = {v}" for k, v in where.items()) + ")" if at else ""), ce, sp.sstr(got)


def _parameter_point(claim, params, got):
    """The first simple point of the parameters' domains (integers from their lower end, then
    :data:`_SIMPLE`) where the limit ``got`` is provably not the claimed value, or ``None``."""
    dom = claim.domain_map
    options = []
    for p in params:
        iv = dom[p]
        if iv.integer:
            vals = [sp.Integer(v) for v in range(int(iv.lo), min(int(iv.hi), int(iv.lo) + 4) + 1)]
        else:
            vals = [v for v in _SIMPLE if iv.contains(float(v))]
        options.append(vals[:6])
    for combo in itertools.islice(itertools.product(*options), 200):
        at = dict(zip(params, combo))
        v, claimed = got.xreplace(at), claim.value.xreplace(at)
        if v.is_number and v.is_finite is not False and _nonzero(v - claimed):
            return at
    return None


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
