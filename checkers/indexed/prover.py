r"""The symbolic witness of indexed claims: a proof for every size at once.

The residual (for a gradient, SymPy's ``diff`` of the cost minus the claimed derivative; for a
relation, lhs minus rhs) goes through four sound steps:

1. *Delta sums*: a sum whose body holds $\delta_{ik}$ of its index collapses (SymPy's
   ``deltasummation``): $\sum_{i=1}^{K} \delta_{ik} e^{z_i} \to$
   ``Piecewise((exp(z[k]), k <= K), (0, True))``.  Other sums are left alone (``doit`` would
   try symbolic summation, slowly, and can crash inside SymPy).
2. *Index ranges*: a ``Piecewise`` whose first condition follows from the declared ranges
   ($1 \le k \le K$ for every free index, $K \ge$ ``size_min``) is replaced by its first branch.
   SymPy does not use index ranges itself (sympy#27544); the witness says when this step was
   used.  The implication test is exact for conditions linear in indices and sizes.
3. *Canonical sums*: $e^{a + b} = e^a e^b$, factors free of the summation index move out of
   each sum, sums of sums split, and every summation index is renamed by the sum's nesting
   height, so that the same sum written with different dummies is one atom
   ($\sum_j e^{z_j}/S = S/S$).  Steps 1-3 repeat until nothing changes.
4. *Coinciding indices*: the free indices are split into every pattern of equalities that the
   claim allows (a set partition: 2 indices give 2 cases, 3 give 5); in each case
   $\delta_{jk}$ is 1 or 0 and $[j = k]$ is true or false.  Each case is then proved by the
   residual ladder of :mod:`checkers.symbolic` (``cancel``, then ``simplify`` under a time
   bound), an inequality by its sign certificate after *peeling*: a sum of positive terms over
   $1..K$ is written as the terms at the case's distinct free indices plus a rest $R$ with
   $R > 0$ (or, when $K$ may equal the number of those indices, also $R = 0$).  When ``cancel``
   leaves sums over an example index, sums with equal limits are combined and each combined
   body is proved 0 (a sufficient condition: mini-batch gradients).

If a case does not reduce to 0 (or the time bound ends the attempt), the witness searches a
counterexample at the smallest sizes that case allows, with simple exact inputs ($z = 0$
first), and reports it exactly (:mod:`.search`).

Public API: :func:`symbolic_witness`, :func:`prepare_residual`, :func:`rel_is_inequality`.
"""

from __future__ import annotations

import itertools
import time

import sympy as sp
from sympy.utilities.iterables import multiset_partitions

from derivations import IndexedGradientClaim, IndexedInequalityClaim

from .._timeout import SymbolicTimeout, time_limit
from ..results import DISPROVED, PROVED, UNDECIDED, WitnessResult
from ..symbolic import SIMPLIFY_SECONDS, _is_zero, _sign_of
from .search import _index_atoms, _search_counterexample

__all__ = ["symbolic_witness", "prepare_residual", "rel_is_inequality", "SEARCH_SECONDS"]

SEARCH_SECONDS = 3.0   # for the exact counterexample search, after the proof attempt


def _linear_implied(d, claim) -> bool:
    """True if ``d >= 0`` follows from the index ranges and size minima (d linear)."""
    d = sp.expand(d)
    ranges = claim.range_map
    syms = d.free_symbols
    allowed = set(ranges) | set(claim.size_symbols)
    if not syms <= allowed:
        return False
    try:
        poly = sp.Poly(d, *sorted(syms, key=str)) if syms else None
    except sp.PolynomialError:
        return False
    if poly is not None and poly.total_degree() > 1:
        return False
    low = d
    for ix in sorted(syms & set(ranges), key=str):
        c = d.coeff(ix)
        lo, hi = ranges[ix]
        low = low.xreplace({ix: lo if c > 0 else hi})
    low = sp.expand(low)
    for s in low.free_symbols:
        if s not in claim.size_symbols:
            return False
        if low.coeff(s) < 0:
            return False
    low = low.xreplace({s: sp.Integer(claim.min_sizes[s]) for s in claim.size_symbols})
    return bool(low.is_number and low >= 0)


def _implied(cond, claim) -> bool:
    if cond is sp.true:
        return True
    if isinstance(cond, sp.And):
        return all(_implied(c, claim) for c in cond.args)
    if isinstance(cond, (sp.Ge, sp.Gt, sp.Le, sp.Lt)):
        if isinstance(cond, sp.Ge):
            d = cond.lhs - cond.rhs
        elif isinstance(cond, sp.Gt):
            d = cond.lhs - cond.rhs - 1
        elif isinstance(cond, sp.Le):
            d = cond.rhs - cond.lhs
        else:
            d = cond.rhs - cond.lhs - 1
        return _linear_implied(d, claim)
    return False


def _drop_implied(e, claim):
    used = []

    def repl(pw):
        expr, cond = pw.args[0]
        if _implied(cond, claim):
            used.append(cond)
            return expr
        return pw

    out = e.replace(lambda x: isinstance(x, sp.Piecewise), repl)
    return out, used


def _factor_sums(e):
    if not e.has(sp.Sum):
        return e
    if isinstance(e, sp.Sum):
        if len(e.limits) > 1:
            return _factor_sums(sp.Sum(sp.Sum(e.function, e.limits[0]), *e.limits[1:]))
        d, lo, hi = e.limits[0]
        body = sp.expand_mul(_factor_sums(e.function))
        total = sp.S.Zero
        for term in sp.Add.make_args(body):
            dep, indep = [], []
            for f in sp.Mul.make_args(term):
                (dep if d in f.free_symbols else indep).append(f)
            if dep:
                total += sp.Mul(*indep) * sp.Sum(sp.Mul(*dep), (d, lo, hi))
            else:
                total += sp.Mul(*indep) * (hi - lo + 1)
        return total
    return e.func(*[_factor_sums(a) for a in e.args]) if e.args else e


def _height(e) -> int:
    return max((1 + _height(s.function) for s in e.atoms(sp.Sum)), default=0) if isinstance(e, sp.Basic) else 0


def _rename_sums(e):
    if not isinstance(e, sp.Basic) or not e.has(sp.Sum):
        return e
    if isinstance(e, sp.Sum):
        (d, lo, hi), = e.limits[:1]
        body = _rename_sums(e.function)
        h = max((_height(s) for s in body.atoms(sp.Sum)), default=0) + (1 if body.has(sp.Sum) else 0)
        new = sp.Symbol(f"_s{h}", integer=True, positive=bool(sp.sympify(lo).is_positive))
        return sp.Sum(body.xreplace({d: new}), (new, lo, hi))
    return e.func(*[_rename_sums(a) for a in e.args])


def _canonical(e):
    return _rename_sums(_factor_sums(e))


def _split_exp(e):
    r"""$e^{a + b} \to e^a e^b$ over the terms of the (distributed) exponent, so that one
    exponential is written one way throughout the residual (an exponent's sum over an index
    stays one term)."""
    def split(x):
        terms = sp.Add.make_args(sp.expand_mul(x.args[0]))
        return sp.Mul(*[sp.exp(t) for t in terms])

    return e.replace(lambda x: isinstance(x, sp.exp), split)


def _delta_doit(e):
    """Evaluate the sums whose body holds a Kronecker delta of the summation index (SymPy's
    ``deltasummation``, which yields a ``Piecewise`` on the index range) and nothing else:
    ``doit`` on other sums tries symbolic summation, slowly, and can crash (a ``StopIteration``
    inside ``sum_simplify`` on the mini-batch sums)."""
    from sympy.concrete.delta import deltasummation

    if not isinstance(e, sp.Basic) or not e.has(sp.Sum):
        return e
    if isinstance(e, sp.Sum):
        if len(e.limits) > 1:
            return _delta_doit(sp.Sum(sp.Sum(e.function, e.limits[0]), *e.limits[1:]))
        d = e.limits[0][0]
        body = _delta_doit(e.function)
        if any(d in x.args for x in body.atoms(sp.KroneckerDelta)):
            return deltasummation(sp.expand_mul(body), e.limits[0])
        return sp.Sum(body, e.limits[0])
    return e.func(*[_delta_doit(a) for a in e.args])


def prepare_residual(expr, claim):
    """Delta sums evaluated, Piecewise conditions implied by the index ranges dropped, canonical
    sums; repeated until nothing changes (factoring a sum can expose a delta sum).

    Returns ``(expression, conditions used)``; the conditions are those the index ranges
    (``1 <= k <= K``) settled.
    """
    e = sp.sympify(expr)
    used_all = []
    for _ in range(4):
        before = e
        e = _delta_doit(e)
        e, used = _drop_implied(e, claim)
        used_all += used
        e = _canonical(_split_exp(e))
        if e == before:
            break
    return e, used_all


def _merge_sums(e):
    r"""Write ``e`` as sum over groups of equal limits of ``Sum(body_g)`` plus a rest.

    Returns ``(rest, [body_g, ...])`` with each group's bodies combined under one dummy:
    $\sum_x f_x - \sum_x g_x = \sum_x (f_x - g_x)$, so ``e`` is 0 when the rest and every
    combined body are (a sufficient condition)."""
    groups, rest = {}, sp.S.Zero
    for term in sp.Add.make_args(sp.expand_mul(e, deep=False)):
        sums = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Sum) and len(f.limits) == 1]
        if len(sums) != 1:
            rest += term
            continue
        s = sums[0]
        d, lo, hi = s.limits[0]
        coeff = term / s
        if d in coeff.free_symbols:
            rest += term
            continue
        key = (lo, hi)
        new = sp.Symbol("_x", integer=True, positive=bool(sp.sympify(lo).is_positive))
        groups[key] = groups.get(key, sp.S.Zero) + coeff * s.function.xreplace({d: new})
    return rest, list(groups.values())


def _linked(e, claim):
    pairs = set()
    for a in e.atoms(sp.KroneckerDelta, sp.Eq, sp.Ne):
        syms = sorted({s for s in a.free_symbols if s in claim.range_map}, key=str)
        for p, q in itertools.combinations(syms, 2):
            pairs.add((p, q))
    return pairs


def _cases(e, claim):
    """Every allowed pattern of coinciding free indices, as dicts index -> representative."""
    syms = sorted(_index_atoms(e, claim), key=str)
    linked = _linked(e, claim)
    ranges = claim.range_map
    distinct = {frozenset(p) for p in claim.distinct}
    out = []
    for parts in multiset_partitions(syms) if syms else [[]]:
        ok = True
        for block in parts:
            for p, q in itertools.combinations(block, 2):
                same_range = ranges[p] == ranges[q]
                if frozenset((p, q)) in distinct or not (same_range or (p, q) in linked or (q, p) in linked):
                    ok = False
        if ok:
            out.append({s: block[0] for block in parts for s in block})
    return out


def _apply_case(e, case):
    e = e.xreplace({k: v for k, v in case.items() if k != v})
    reps = set(case.values())

    def delta(x):
        a, b = x.args
        if a in reps and b in reps and a != b:
            return sp.S.Zero
        return x

    def rel(x):
        a, b = x.lhs, x.rhs
        if a in reps and b in reps and a != b:
            return sp.false if isinstance(x, sp.Eq) else sp.true
        return x

    e = e.replace(lambda x: isinstance(x, sp.KroneckerDelta), delta)
    e = e.replace(lambda x: isinstance(x, (sp.Eq, sp.Ne)), rel)
    return e


def _peel(e, case, claim):
    """Sign-certificate form: positive symbols for exp(z[r]) and the rest of each positive sum.

    Returns a list of (expression, positive symbols) covering the case, or None.
    """
    reps = sorted(set(case.values()), key=str)
    ranges = claim.range_map
    pos = []
    rest_options = []
    sub = {}
    for s in sorted(e.atoms(sp.Sum), key=sp.count_ops):
        if len(s.limits) != 1:
            return None
        d, lo, hi = s.limits[0]
        body = s.function
        if not body.is_positive and not isinstance(body, sp.exp):
            return None
        if body.has(sp.Sum) or not (lo == 1 and hi in claim.size_symbols):
            return None
        inside = [r for r in reps if ranges[r] == (lo, hi)]
        R = sp.Symbol(f"R{len(rest_options)}", positive=True)
        terms = sp.Add(*[body.xreplace({d: r}) for r in inside])
        can_be_empty = claim.min_sizes[hi] <= len(inside)
        rest_options.append((R, can_be_empty))
        sub[s] = terms + R
    out = []
    for choice in itertools.product(*[[True, False] if empty else [True] for _, empty in rest_options]):
        ee = e.xreplace(sub)
        ps = []
        for (R, _), keep in zip(rest_options, choice):
            if keep:
                ps.append(R)
            else:
                ee = ee.xreplace({R: 0})
        exps = {}
        for x in ee.atoms(sp.exp):
            arg = sp.expand(x.args[0])
            coeff, rest = arg.as_coeff_Mul()
            if not (isinstance(rest, sp.Indexed) and coeff.is_Rational):
                return None
            u = exps.setdefault(rest, sp.Symbol(f"u_{len(exps)}", positive=True))
            ee = ee.xreplace({x: u ** coeff})
        out.append((ee, ps + list(exps.values())))
    return out


def _sign_case(e, case, claim, rel):
    forms = _peel(e, case, claim)
    if forms is None:
        return False
    ok_signs = {">": (1,), ">=": (1, 0), "<": (-1,), "<=": (-1, 0), "!=": (1, -1)}[rel]
    for ee, pos in forms:
        if not ee.free_symbols <= set(pos):
            return False
        if _sign_of(ee, list(pos)) not in ok_signs:
            return False
    return True


def _zero_by_merging(e, claim, deadline):
    """Prove ``e == 0`` by combining sums with equal limits and proving each body 0."""
    rest, bodies = _merge_sums(e)
    if not bodies:
        return False, ""
    ok, _ = _is_zero(rest, deadline)
    if not ok:
        return False, ""
    for body in bodies:
        with time_limit(max(deadline - time.monotonic(), 0.01)):
            body, _ = prepare_residual(body, claim)
        ok, _ = _is_zero(body, deadline)
        if not ok:
            return False, ""
    return True, "cancel after combining sums with equal limits"


def _residual_list(claim):
    """(label, claimed side, true side, relation) per entry."""
    if isinstance(claim, IndexedGradientClaim):
        true = sp.diff(claim.cost, claim.wrt)
        return [(f"d/d{claim.wrt}", claim.claimed, true, "==")]
    return [(f"entry {r}" if claim.lhs.shape[0] > 1 else "", claim.lhs[r], claim.rhs[r], rel)
            for r, rel in enumerate(claim.relations)]


def symbolic_witness(claim, seconds: float = SIMPLIFY_SECONDS) -> WitnessResult:
    """Prove the indexed claim for every size, or find an exact counterexample (see module doc)."""
    t0 = time.monotonic()
    deadline = t0 + seconds
    used_all, ncases, how = [], 0, set()
    failing, timed_out = [], False
    try:
        for label, c_side, t_side, rel in _residual_list(claim):
            with time_limit(max(deadline - time.monotonic(), 0.01)):
                d, used = prepare_residual(t_side - c_side if rel == "==" else c_side - t_side, claim)
            used_all += used
            for case in _cases(d, claim):
                ncases += 1
                # no time_limit around _is_zero: it bounds its own steps (nested bounds misfire)
                with time_limit(max(deadline - time.monotonic(), 0.01)):
                    dc = _apply_case(d, case)
                try:
                    if rel == "==":
                        ok, strategy = _is_zero(dc, deadline)
                        if not ok and dc.has(sp.Sum):
                            ok, strategy = _zero_by_merging(dc, claim, deadline)
                        if ok:
                            how.add(strategy)
                    else:
                        with time_limit(max(deadline - time.monotonic(), 0.01)):
                            ok = _sign_case(dc, case, claim, rel)
                        if ok:
                            how.add("sign certificate after peeling the sums")
                except SymbolicTimeout:
                    ok, timed_out = False, True
                if not ok:
                    failing.append((label, c_side, t_side, rel, case, dc))
                if timed_out:
                    break
            if timed_out:
                break
    except SymbolicTimeout:
        return WitnessResult("symbolic", UNDECIDED, method="time bound",
                             detail=f"SymPy did not finish within {seconds:g} s",
                             seconds=time.monotonic() - t0)
    except Exception as err:  # SymPy raises anything (StopIteration in sum_simplify, ...): undecided
        return WitnessResult("symbolic", UNDECIDED,
                             detail=f"SymPy could not decide: {type(err).__name__}: {err}"[:300],
                             seconds=time.monotonic() - t0)
    ranges_text = ", ".join(f"{sp.sstr(lo)} <= {ix} <= {sp.sstr(hi)}" for ix, (lo, hi) in claim.ranges)
    extra = {"cases": ncases, "index_range_used": bool(used_all),
             "conditions_dropped": sorted({sp.sstr(c) for c in used_all})}
    if not failing:
        detail = (f"residual reduces to 0 for every size, in each of {ncases} case(s) of coinciding "
                  f"indices ({', '.join(sorted(how)) or 'structurally zero'})")
        if rel_is_inequality(claim):
            detail = (f"the relation holds for every size in each of {ncases} case(s) of coinciding "
                      f"indices ({', '.join(sorted(how))})")
        if used_all:
            detail += ("; the step Piecewise -> first branch used the index ranges "
                       f"({ranges_text}) to settle {', '.join(extra['conditions_dropped'])}")
        return WitnessResult("symbolic", PROVED, method="index calculus (symbolic sizes)", detail=detail,
                             seconds=time.monotonic() - t0, extra={**extra, "residual": "0"})
    ce = None
    with_time = max(deadline, time.monotonic()) + SEARCH_SECONDS
    for label, c_side, t_side, rel, case, dc in failing:
        ce = _search_counterexample(claim, label, c_side, t_side, rel, case, with_time)
        if ce is not None:
            break
    shown = sp.sstr(failing[0][5])
    shown = shown if len(shown) < 200 else shown[:200] + "..."
    if ce is not None:
        return WitnessResult("symbolic", DISPROVED, method="index calculus (symbolic sizes)",
                             detail="nonzero residual; exact counterexample at the smallest sizes",
                             counterexample=ce, seconds=time.monotonic() - t0,
                             extra={**extra, "residual": shown})
    why = (f"SymPy did not finish within {seconds:g} s and no simple point refutes it" if timed_out
           else "no case split reduced the residual to 0 and no simple point refutes it")
    return WitnessResult("symbolic", UNDECIDED, method="index calculus (symbolic sizes)", detail=why,
                         seconds=time.monotonic() - t0, extra={**extra, "residual": shown})


def rel_is_inequality(claim) -> bool:
    """Is ``claim`` an indexed inequality (its entries are relations, not identities)?"""
    return isinstance(claim, IndexedInequalityClaim)
