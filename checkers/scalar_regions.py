r"""The region where a refuted scalar claim holds (gradient, equality and inequality kinds).

The claim holds at $x$ when every entry satisfies its relation: $\mathrm{lhs}_k(x) =
\mathrm{rhs}_k(x)$ for an identity (for a gradient, the true derivative against the claimed
one), $\mathrm{lhs}_k(x) \mathrel{R} \mathrm{rhs}_k(x)$ for an inequality.

1. **Solved exactly.**  For each variable $v$ in domain order, SymPy's ``solveset`` solves
   $d_k = \mathrm{lhs}_k - \mathrm{rhs}_k \mathrel{R} 0$ for $v$ over $v$'s interval (opaque
   functions such as ``sigmoid`` rewritten to ``exp``; ``Abs``, ``Max``, ``Min``, ``sign`` and
   ``Piecewise`` are split by ``solveset`` into the cells of their conditions).  The first set
   that is exact and free of the other variables is the region: $\emptyset$ (the claim holds
   nowhere), isolated points, or a union of intervals.  SymPy is not trusted alone: every cell
   (each open interval, each isolated point, with the other variables on their own domains) is
   checked again as a claim of its own by the same witnesses, seed and number of points; the
   region is PROVED when SymPy found it and every cell is PROVED, VERIFIED when every cell holds
   numerically, UNDECIDED (with the cells' verdicts) otherwise.  An empty set is checked
   against the sample: a sampled point where the claim holds contradicts it.
2. **Described from the sample** when no variable gives an exact set (a transcendental
   condition, one that couples the variables): the condition is evaluated in mpmath, at the
   digits its conditioning asks for (:func:`_holding`), at the claim's sampled points within
   :data:`DESCRIBE_SECONDS`; none holding gives "nowhere" VERIFIED
   (numerically: an identity can still hold on a set of measure zero that no sample meets, and
   the text says so); some holding gives the set described by its sampled points, UNDECIDED.
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
import sympy as sp

from derivations import Interval
from ._timeout import SymbolicTimeout, time_limit
from .regions import Region, cells_status

__all__ = ["scalar_region", "closed_region", "REGION_SECONDS", "DESCRIBE_POINTS", "DESCRIBE_SECONDS"]

REGION_SECONDS = 10.0
"""SymPy's time for solving the condition (all variables together)."""
DESCRIBE_POINTS = 256
"""Sampled points at which the condition is evaluated in mpmath when no exact set is found."""
DESCRIBE_SECONDS = 4.0
"""Time for those evaluations (special functions at huge arguments need thousands of digits):
the points evaluated by then describe the set."""
_SYM_REL = {"==": sp.Eq, ">": sp.Gt, ">=": sp.Ge, "<": sp.Lt, "<=": sp.Le, "!=": sp.Ne}


def _sides(claim):
    """``(relation, lhs entries, rhs entries)`` of the claim's condition
    (:func:`checkers.symbolic.sides`)."""
    from .symbolic import sides

    rel, lhs, rhs = sides(claim)
    return rel, list(lhs), list(rhs)


def _sympy_set(iv: Interval):
    if iv.integer:
        return sp.Range(int(iv.lo), int(iv.hi) + 1)
    end = lambda x: sp.oo if x == math.inf else -sp.oo if x == -math.inf else sp.nsimplify(x)  # noqa: E731
    return sp.Interval(end(iv.lo), end(iv.hi), iv.lo_open, iv.hi_open)


def _exact_set(z, v) -> bool:
    """Is ``z`` a set SymPy stated exactly, in ``v`` alone: empty, points, intervals, unions?"""
    if z.free_symbols - {v} or z.has(sp.ConditionSet) or z.has(sp.ImageSet):
        return False
    parts = z.args if isinstance(z, sp.Union) else (z,)
    return all(isinstance(p, (sp.Interval, sp.FiniteSet)) or p is sp.S.EmptySet for p in parts)


def _fixed(claim) -> dict:
    """The variables whose interval is one point, by their exact value."""
    return {v: sp.nsimplify(iv.lo) for v, iv in claim.domain if iv.is_point}


def _solve_in(cond, v, iv):
    """``solveset`` of ``cond`` for ``v`` over its interval, if the set is exact (else None)."""
    z = sp.solveset(cond, v, _sympy_set(iv))
    return z if _exact_set(z, v) else None


def _solve(claim, rel, diffs):
    r"""The region as pieces ``[(v, set)]`` (their union; ``[]``: nowhere), or ``None``.

    One variable (the others fixed or absent): ``solveset`` of every entry's relation,
    intersected.  Several variables, an identity with one entry: the numerator is factored
    and each factor of one variable solved for it (``w x (x - 1) = 0`` iff ``w = 0`` or
    ``x \in \{0, 1\}``); a factor that couples variables gives no exact set."""
    from .symbolic import _explicit

    dom = dict(claim.domain)
    diffs = [_explicit(d).xreplace(_fixed(claim)) for d in diffs]
    free = set().union(*(d.free_symbols for d in diffs)) & set(dom)
    if len(free) == 1:
        v = next(iter(free))
        if dom[v].integer:
            return None
        sets = []
        for d in diffs:
            if v not in d.free_symbols:
                sets.append(_sympy_set(dom[v]) if bool(_SYM_REL[rel](d, 0)) else sp.S.EmptySet)
                continue
            z = _solve_in(d if rel == "==" else _SYM_REL[rel](d, 0), v, dom[v])
            if z is None:
                return None
            sets.append(z)
        z = sp.Intersection(*sets) if len(sets) > 1 else sets[0]
        if not _exact_set(z, v) or z == _sympy_set(dom[v]):
            return None
        return [] if z is sp.S.EmptySet else [(v, z)]
    if rel != "==" or len(diffs) != 1:
        return None
    num, _ = sp.fraction(sp.factor(sp.together(diffs[0])))
    pieces = []
    for f, _mult in sp.factor_list(num)[1]:
        piece = _factor_piece(claim, f, dom)
        if piece is None:
            return None
        if piece[1] is not sp.S.EmptySet:
            pieces.append(piece)
    order = [v for v, _ in claim.domain]
    merged = {}
    for v, z in pieces:
        merged[v] = sp.Union(merged[v], z) if v in merged else z
    return sorted(merged.items(), key=lambda vz: order.index(vz[0]))


def _factor_piece(claim, f, dom):
    """``(v, set)`` where the factor ``f`` vanishes: solved for its first variable (domain order)
    that gives an exact set in it alone, or else a relation ``v = g(others)`` for a variable
    ranging over the whole real line (``tanh(w x + b) - y = 0`` iff ``y = tanh(w x + b)``)."""
    vs = [v for v, _ in claim.domain if v in f.free_symbols]
    for v in vs:
        if dom[v].integer:
            continue
        z = _solve_in(f, v, dom[v])
        if z is not None:
            return v, z
    for v in vs:
        if dom[v].integer or not (dom[v].lo == -math.inf and dom[v].hi == math.inf):
            continue
        z = sp.solveset(f, v, sp.S.Reals)
        if isinstance(z, sp.FiniteSet) and not z.has(sp.ConditionSet) and all(
                v not in e.free_symbols and e.is_real is not False for e in z):
            return v, z
    return None


def _show(pieces) -> tuple[str, str]:
    """(words, LaTeX) for the union of ``v in z`` over the pieces."""
    words, latex = [], []
    for v, z in pieces:
        latex.append(f"{sp.latex(v)} \\in {sp.latex(z)}")
        if isinstance(z, sp.FiniteSet):
            pts = ", ".join(sp.sstr(p) for p in z)
            words.append(f"{v} = {pts}" if len(z) == 1 else f"{v} in {{{pts}}}")
        else:
            parts = z.args if isinstance(z, sp.Union) else (z,)
            words.append(f"{v} in " + " or ".join(_interval_words(p) for p in parts))
    only = all(isinstance(z, sp.FiniteSet) for _, z in pieces) and len(pieces) == 1
    return ("holds only at " if only else "holds iff ") + " or ".join(words), \
        " \\;\\text{or}\\; ".join(latex)


def _interval_words(p) -> str:
    if isinstance(p, sp.FiniteSet):
        return "{" + ", ".join(sp.sstr(x) for x in p) + "}"
    lo = "(" if p.left_open else "["
    hi = ")" if p.right_open else "]"
    return f"{lo}{sp.sstr(p.start)}, {sp.sstr(p.end)}{hi}"


def _cells(z):
    """The open intervals (with a non-empty interior) and the isolated points of ``z`` (numbers
    in order, then relations ``g(others)``)."""
    intervals, points = [], []
    for p in (z.args if isinstance(z, sp.Union) else (z,)):
        if isinstance(p, sp.FiniteSet):
            points += list(p)
        elif isinstance(p, sp.Interval):
            if p.start < p.end:
                intervals.append((p.start, p.end))
            for end, is_open in ((p.start, p.left_open), (p.end, p.right_open)):
                if not is_open and end.is_finite:
                    points.append(end)
    numbers = sorted({p for p in points if not p.free_symbols}, key=float)
    return intervals, numbers + sorted({p for p in points if p.free_symbols}, key=sp.default_sort_key)


def _zero_at(claim, rel, lhs, rhs, v, p) -> bool:
    """Does the relation hold exactly at ``v = p`` for every value of the other variables
    (``lhs - rhs`` reduced to 0 by the symbolic witness's ladder, for an identity)?"""
    from .symbolic import _is_zero

    if rel != "==":
        return False
    deadline = time.monotonic() + REGION_SECONDS
    try:
        return all(_is_zero(sp.sympify(a - b).subs(v, p), deadline)[0] for a, b in zip(lhs, rhs))
    except (SymbolicTimeout, TypeError, ValueError):
        return False


def _substituted(claim, rel, lhs, rhs, v, expr, n: int):
    """The claim's relation with ``v = expr`` substituted after differentiating (a gradient claim
    becomes an equality of its derivative entries), over the other variables' domains."""
    from derivations.claims import EqualityClaim, InequalityClaim

    L = sp.ImmutableMatrix([sp.sympify(e).xreplace({v: expr}) for e in lhs])
    R = sp.ImmutableMatrix([sp.sympify(e).xreplace({v: expr}) for e in rhs])
    used = L.free_symbols | R.free_symbols
    domain = tuple((s, iv) for s, iv in claim.domain if s != v and s in used)
    common = dict(id=f"{claim.id}.region_{n}", title=f"Cell {n} of the region of {claim.id}",
                  source=claim.source, statement=f"{sp.latex(v)} = {sp.latex(expr)}",
                  lhs=L, rhs=R, domain=domain, note=f"Cell {n} of the region of {claim.id}.")
    if rel == "==":
        return EqualityClaim(**common)
    return InequalityClaim(relation=rel, **common)


def _restricted(claim, v, iv: Interval, n: int):
    domain = tuple((s, iv if s == v else d) for s, d in claim.domain)
    return dataclasses.replace(claim, id=f"{claim.id}.region_{n}", domain=domain,
                               note=f"Cell {n} of the region of {claim.id}.")


def _cell_text(v, lo, hi) -> str:
    return f"{v} in ({sp.sstr(lo)}, {sp.sstr(hi)})"


KINK = "no derivative (a kink)"
"""A point cell where the cost has no derivative: not part of what a gradient claim says."""


def _proved_region(claim, pieces, rel, lhs, rhs, check, seed, points) -> Region:
    if not pieces:
        held = _holding(claim, rel, lhs, rhs, seed, points)[0]
        if held.any():
            return Region(text="region not settled: SymPy finds no solution, but the condition "
                               f"holds at {int(held.sum())} sampled point(s)", status="UNDECIDED",
                          witness="SymPy solveset against the sample")
        return Region(text="holds nowhere on the domain", status="PROVED", nowhere=True,
                      witness="SymPy solveset: no point of the domain satisfies it",
                      evidence="and it fails at every sampled point")
    cells, n, kinks = [], 0, {}
    for v, z in pieces:
        intervals, pts = _cells(z)
        for lo, hi in intervals:
            n += 1
            cell = _restricted(claim, v, Interval(lo, hi, True, True), n)
            cells.append((_cell_text(v, lo, hi), check(cell).verdict))
        for p in pts:
            n += 1
            if p.free_symbols or sp.Rational(float(p)) != p:
                # a relation v = g(others), or a point float64 cannot hold (sqrt(2)): the claim
                # with v substituted exactly
                verdict = check(_substituted(claim, rel, lhs, rhs, v, p, n)).verdict
                cells.append((f"{v} = {sp.sstr(p)}", verdict))
                continue
            res = check(_restricted(claim, v, Interval(p, p, False, False), n))
            verdict = res.verdict
            if verdict == "UNDECIDED" and res.set_aside and not res.points:
                kinks.setdefault(v, []).append(p)   # every point of the cell is on a kink
                cells.append((f"{v} = {sp.sstr(p)}", KINK))
                continue
            if verdict == "VERIFIED" and _zero_at(claim, rel, lhs, rhs, v, p):
                verdict = "PROVED"   # the exact point substituted: SymPy proves the relation there
            cells.append((f"{v} = {sp.sstr(p)}", verdict))
    pieces = [(v, sp.Complement(z, sp.FiniteSet(*kinks[v])) if v in kinks else z) for v, z in pieces]
    pieces = [(v, z) for v, z in pieces if z is not sp.S.EmptySet]
    counted = [c for _, c in cells if c != KINK]
    if not pieces:
        return Region(text="holds nowhere on the domain: only where the cost has no derivative",
                      status="PROVED", nowhere=True, cells=tuple(cells),
                      witness="SymPy solveset; the solutions are kinks of the cost")
    text, latex = _show(pieces)
    status = cells_status(counted, symbolic=True)
    if status == "UNDECIDED":
        text = f"{text} by SymPy, but a cell did not hold when checked"
    return Region(text=text, latex=latex, status=status, cells=tuple(cells),
                  witness="SymPy solveset on lhs - rhs; each cell checked again by the claim's "
                          "witnesses")


def _holding(claim, rel, lhs, rhs, seed, points):
    r"""``(mask, sample)``: where the condition holds, at up to :data:`DESCRIBE_POINTS` of the
    claim's sampled points.  $d = \mathrm{lhs} - \mathrm{rhs}$ is evaluated in mpmath at the
    digits its conditioning at the point asks for (:func:`checkers.highprec.conditioned_dps`: 40
    significant digits of every entry), so its sign is exact.  Where that is beyond reach (an
    entry is 0 at the first precision, $40 + \max_i|\log_{10}|x_i||$ digits), the precision is
    climbed four times at a time up to ``MAX_DPS`` until no entry is 0 against its running error
    bound $M$ ($|d| \le 10^{5-p} M$; :func:`_judge`): $e^u - 1 - u$ at $u = 10^{-100}$ is
    $5 \cdot 10^{-201}$, not 0; an entry 0 at every precision counts as 0.  NaN or an infinity: the claim does not
    hold there.  Within :data:`DESCRIBE_SECONDS`: the points evaluated by then describe the set
    (their number is in the description)."""
    from .highprec import MAX_DPS, _input_digits, _magnitude_matrix, conditioned_dps, mp_value
    from .sampling import sample

    smp = sample(claim, min(points, DESCRIBE_POINTS), seed)
    variables = tuple(smp.variables)
    D = sp.ImmutableMatrix([a - b for a, b in zip(lhs, rhs)])
    M = _magnitude_matrix(variables, D)
    mask = np.zeros(len(smp), dtype=bool)
    deadline = time.monotonic() + DESCRIBE_SECONDS
    for i, x in enumerate(smp.points):
        if time.monotonic() > deadline:   # the points evaluated so far describe the set
            return mask[:i], smp.subset(np.arange(len(smp)) < i)
        dps = conditioned_dps(variables, (D,), x)
        ladder = [dps] if dps <= MAX_DPS else _ladder(40 + int(math.ceil(_input_digits(x))))
        for p in ladder:    # 0 at one precision may be a difference below it: climb, cheaply
            ok, resolved = _judge(rel, mp_value(variables, D, x, p), mp_value(variables, M, x, p), p)
            if resolved:
                break
        mask[i] = ok
    return mask, smp


def _ladder(p0: int) -> list:
    """Precisions from ``p0`` up to ``MAX_DPS``, four times more each step."""
    from .highprec import MAX_DPS

    out = [p0]
    while out[-1] < MAX_DPS:
        out.append(min(4 * out[-1], MAX_DPS))
    return out


def _judge(rel, ds, ms, dps):
    """``(holds, resolved)`` for the entries ``d`` (with bounds ``M``) at ``dps`` digits: ``d``
    counts as 0 when $|d| \\le 10^{5 - p} M$; ``resolved`` when no entry is such a 0 (a 0 may
    be a difference below the precision) or an entry is not finite."""
    import mpmath

    tol = mpmath.mpf(10) ** (5 - dps)
    resolved, ok = True, True
    for d, m in zip(ds, ms):
        if not (mpmath.isfinite(d) and mpmath.isfinite(m)):
            return False, True
        t = tol * m
        if abs(d) <= t:
            resolved = False
        ok = ok and {"==": abs(d) <= t, "!=": abs(d) > t, ">": d > t, ">=": d >= -t,
                     "<": d < -t, "<=": d <= t}[rel]
    return ok, resolved


def _described(claim, rel, lhs, rhs, seed, points) -> Region:
    mask, smp = _holding(claim, rel, lhs, rhs, seed, points)
    m, n = int(mask.sum()), len(mask)
    how = f"the condition in mpmath (the digits its conditioning asks for) at {n} sampled points"
    if m == 0:
        measure = (" (an identity can still hold on a set of measure zero that no sample meets)"
                   if rel == "==" else "")
        return Region(text=f"holds nowhere on the domain: at none of {n} sampled points{measure}",
                      status="VERIFIED", nowhere=True, witness=how)
    names = [str(s) for s in smp.variables]
    held = smp.points[mask]
    where = [dict(zip(names, p)) for p in held[:3]]
    ranges = "; ".join(f"{k} = {held[:, j].min():.6g}" if held[:, j].min() == held[:, j].max()
                       else f"{k} from {held[:, j].min():.3g} to {held[:, j].max():.3g}"
                       for j, k in enumerate(names))
    return Region(text=f"holds on part of the domain: at {m} of {n} sampled points ({ranges})",
                  status="UNDECIDED", witness=how + "; SymPy found no exact set",
                  evidence="e.g. at " + "; ".join(", ".join(f"{k} = {v:.6g}" for k, v in w.items())
                                                   for w in where))


def _limit_region(claim, check) -> Region | None:
    r"""The parameters for which a refuted limit holds: SymPy's limit $L(p)$
    (:func:`checkers.symbolic.sum_limit`), then ``solveset`` of $L(p) = $ the claimed value over
    the one parameter $L$ depends on (an integer range or an interval).  Each solution is checked
    again as the claim with that parameter's domain narrowed to it.  ``None`` when the limit has
    no closed form, depends on several parameters, or the set is not exact."""
    from .symbolic import sum_limit

    dom = claim.domain_map
    try:
        with time_limit(REGION_SECONDS):
            L, rule = sum_limit(claim)
            if L.has(sp.Limit) or L.is_infinite or claim.value.is_infinite:
                return None
            free = sorted((L.free_symbols | claim.value.free_symbols) & set(dom) - {claim.var}, key=str)
            if not free:
                return Region(text=f"holds nowhere: the limit is {sp.sstr(L)} for every value of "
                                   "the parameters", status="PROVED", nowhere=True,
                              witness=f"{rule}: the limit is {sp.sstr(L)}")
            if len(free) != 1:
                return None
            v = free[0]
            z = sp.solveset(sp.Eq(L, claim.value), v, _sympy_set(dom[v]))
    except (SymbolicTimeout, NotImplementedError, TypeError, ValueError):
        return None
    if not _exact_set(z, v):
        return None
    how = (f"{rule}: the limit is {sp.sstr(L)}; SymPy solveset of {sp.sstr(L)} = "
           f"{sp.sstr(claim.value)}; each cell checked again by the claim's witnesses")
    if z is sp.S.EmptySet:
        return Region(text="holds nowhere on the domain", status="PROVED", nowhere=True, witness=how)
    intervals, pts = _cells(z)
    cells = []
    for n, (lo, hi) in enumerate(intervals, 1):
        cells.append((_cell_text(v, lo, hi),
                      check(_restricted(claim, v, Interval(lo, hi, True, True), n)).verdict))
    for n, p in enumerate(pts, len(intervals) + 1):
        cell = _restricted(claim, v, Interval(p, p, False, False, integer=dom[v].integer), n)
        cells.append((f"{v} = {sp.sstr(p)}", check(cell).verdict))
    text, latex = _show([(v, z)])
    status = cells_status([c for _, c in cells], symbolic=True)
    return Region(text=text.replace("holds only at ", "holds iff "), latex=latex, status=status,
                  cells=tuple(cells), witness=how)


def closed_region(claim, witnesses, *, seed: int, points: int, check) -> Region:
    """A limit or a quoted value.  With no free parameter it is true or false as a whole, so a
    refuted one holds nowhere (PROVED when the symbolic witness disproved it); a limit with
    parameters holds where its limit equals the claimed value (:func:`_limit_region`)."""
    expr = getattr(claim, "expr", sp.S.Zero)
    free = {s for s in sp.sympify(expr).free_symbols if not isinstance(s, sp.Indexed)} - {
        getattr(claim, "var", None)}
    if free:
        found = _limit_region(claim, check) if hasattr(claim, "var") else None
        if found is not None:
            return found
        return Region(text=f"region not searched: the limit has free parameters "
                           f"{sorted(map(str, free))}",
                      status="UNDECIDED", witness="none")
    sym = next((w for w in witnesses if w.witness == "symbolic"), None)
    proved = sym is not None and sym.fails
    return Region(text="holds nowhere: a statement with no free variable, false as a whole",
                  status="PROVED" if proved else "VERIFIED", nowhere=True,
                  witness="the symbolic witness" if proved else "the numeric witness")


def scalar_region(claim, witnesses, *, seed: int, points: int, check,
                  seconds: float = REGION_SECONDS) -> Region:
    """The region of a refuted gradient, equality or inequality claim (module docstring)."""
    rel, lhs, rhs = _sides(claim)
    diffs = [sp.sympify(a - b) for a, b in zip(lhs, rhs)]
    for d in diffs:     # an entry with no variable left: its relation is decided once
        if not d.free_symbols and d.is_number and not bool(_SYM_REL[rel](d, 0)):
            return Region(text="holds nowhere on the domain", status="PROVED", nowhere=True,
                          witness=f"SymPy: lhs - rhs = {sp.sstr(d)} at every point")
    found = None
    try:
        with time_limit(seconds):
            found = _solve(claim, rel, diffs)
    except (SymbolicTimeout, NotImplementedError, TypeError, ValueError):
        found = None
    if found is not None:
        return _proved_region(claim, found, rel, lhs, rhs, check, seed, points)
    return _described(claim, rel, lhs, rhs, seed, points)
