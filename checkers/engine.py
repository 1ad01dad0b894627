r"""Claims in, verdicts out: the one ``verify`` behind every entry point.

:func:`verify` asks the claim's :class:`checkers.kinds.Kind` for its sampler, its symbolic
witness and its numeric witnesses, runs them on one seeded sample and combines their results
(:func:`checkers.results.combine`).  The symbolic witness runs first; an exact counterexample it
finds is added to the sample, so every numeric witness is asked about that point too (witnesses
check each other).

Kinks are part of it.  For a kind whose claims have a cost (``Kind.kinks``), the sets where the
cost is not differentiable ($|g|$, $\max$, $\min$, $\operatorname{sign}$, $H$, ``Piecewise``:
:func:`checkers.kinks.find_kinks`) are named in the result; a sampled point lying exactly on one
($g = 0$ in float64) is set aside before the numeric witnesses run, and an exact symbolic
counterexample lying on one is set aside too (the "derivative" there is a convention: SymPy's
$H(0) = 1/2$, JAX's ``relu'(0) = 0``), so ``checkers.verify``, ``gradproof check``,
``assert_claim``, the report and its workers give one verdict.  A claim wrong off the kink is
still refuted there.

Adding a claim needs no change here; a new *kind* of claim registers a ``Kind``
(:func:`checkers.kinds.register`).
"""

from __future__ import annotations

import time
import traceback
from typing import Callable, Iterable

import numpy as np
import sympy as sp

from derivations import Claim, ClaimError

from . import _precision
from .kinds import Kind, kind_of, register
from .lambdify import NoNumericTranslation, require_translations
from .regions import REGION_VERDICTS, find_region
from .results import ERROR, UNDECIDED, ClaimResult, WitnessResult, combine
from .sampling import DEFAULT_POINTS
from .symbolic import USER_SYMBOLIC_SECONDS

__all__ = ["verify", "verify_all", "run_witness", "register_kind", "DEFAULT_SEED"]

from .defaults import DEFAULT_SEED  # noqa: E402  (re-exported)


def register_kind(kind: str, witnesses: Iterable[tuple[str, Callable]],
                  symbolic: Callable | None = None, **fields) -> Kind:
    """Declare a claim kind: its numeric witnesses ``(name, fn(claim, sample) -> WitnessResult)``,
    optionally its symbolic witness ``fn(claim, seconds) -> WitnessResult`` and any other
    :class:`checkers.kinds.Kind` field.  Shorthand for ``checkers.kinds.register(Kind(...))``."""
    return register(Kind(kind, tuple(witnesses), symbolic, **fields))


def _exact_point(ce, variables):
    """The symbolic counterexample as a float64 point, if it names every variable exactly."""
    if ce is None or not variables:
        return None
    try:
        vals = [float(sp.Rational(ce.point[str(v)])) for v in variables]
    except (KeyError, TypeError, ValueError):
        return None
    return np.array(vals)


def run_witness(name: str, fn: Callable, claim, smp) -> WitnessResult:
    """``fn(claim, smp)``, timed; a witness that raises gives an ``ERROR`` result naming the claim,
    the witness and the exception (a witness must not take the run down).  The one loop body
    shared by the engine, the mutation suite, the false-alarm run and the edge search."""
    w0 = time.monotonic()
    try:
        res = fn(claim, smp)
    except (ClaimError, _precision.Float32Error) as err:
        res = WitnessResult(name, ERROR, detail=str(err))
    except Exception as err:  # noqa: BLE001 - reported as the witness's ERROR, with its place
        where = traceback.extract_tb(err.__traceback__)[-1]
        res = WitnessResult(name, ERROR, detail=(
            f"{claim.id}: {name} could not evaluate the claim: {type(err).__name__}: "
            f"{str(err)[:300]} (in {where.name})"))
    res.seconds = res.seconds or time.monotonic() - w0
    return res


def verify(claim: Claim, *, seed: int = DEFAULT_SEED, points: int = DEFAULT_POINTS,
           symbolic_seconds: float = USER_SYMBOLIC_SECONDS, symbolic: bool = True,
           region: bool = True) -> ClaimResult:
    """Check one claim with every witness of its kind; never raises for a bad claim.

    A witness that cannot run (bad input, an implementation that raises) gives an ``ERROR``
    result naming the claim and the problem; the verdict says so, and other claims in the same
    run are unaffected.  ``symbolic_seconds`` bounds SymPy (default
    :data:`checkers.symbolic.USER_SYMBOLIC_SECONDS`; the catalog report passes
    :data:`checkers.symbolic.SIMPLIFY_SECONDS`).  Kinks of the cost are named and points on them set aside (module
    docstring).  A REFUTED or DISPUTED claim gets the region where it holds
    (:mod:`checkers.regions`; its cells are checked by this function, with the same seed and
    points; ``region=False`` skips the search).
    """
    t0 = time.monotonic()
    if not isinstance(claim, Claim):
        raise TypeError(f"verify() takes a derivations claim, got {type(claim).__name__}")
    if not _precision.x64_enabled():
        raise _precision.Float32Error(f"{claim.id}: refusing to check with jax_enable_x64 off")
    kind = kind_of(claim)
    if kind is None:
        msg = f"{claim.id}: no witnesses for claim kind {claim.kind!r}"
        return ClaimResult(claim, "ERROR", [WitnessResult("engine", ERROR, detail=msg)], seed,
                           time.monotonic() - t0, msg)
    try:  # a function some back end cannot evaluate: one clear ERROR, no witness runs
        require_translations(claim)
    except NoNumericTranslation as err:
        return ClaimResult(claim, "ERROR", [WitnessResult("engine", ERROR, detail=str(err))], seed,
                           time.monotonic() - t0, str(err))
    from . import kinks as _k

    found = _k.find_kinks(claim) if kind.kinks else ()
    results = []
    smp = kind.sample(claim, points, seed)
    set_aside, sym_on_kink = 0, None
    if found and len(smp):
        where = _k.on_kink(found, smp.variables, smp.points)
        set_aside = int((where >= 0).sum())
        if set_aside:
            smp = smp.subset(where < 0)
    if symbolic:
        sym = kind.symbolic_witness(claim, symbolic_seconds)
        if found and sym.fails and sym.counterexample is not None:
            sym_on_kink = _k.point_on_kink(found, sym.counterexample.point)
            if sym_on_kink is not None:
                sym = WitnessResult(
                    "symbolic", UNDECIDED, method=sym.method, seconds=sym.seconds,
                    detail=(f"no proof; the exact counterexample it found ({sym.counterexample}) "
                            f"lies on the kink where {sym_on_kink.describe()}, where the cost has "
                            "no derivative: set aside"), extra=dict(sym.extra))
        results.append(sym)
        pt = _exact_point(sym.counterexample, smp.variables)
        if pt is not None:
            smp = smp.with_points(pt, "symbolic counterexample")
    for name, fn in kind.witnesses:
        results.append(run_witness(name, fn, claim, smp))
    verdict, why = combine(results)
    if found:
        desc = "; ".join(k.describe() for k in found)
        if set_aside or sym_on_kink is not None:
            note = (f"not differentiable where {desc}: a counterexample there is a choice of "
                    f"convention, not an error; {set_aside} sampled point(s) on the kink set "
                    "aside, every other point checked")
            why = f"{note}; {why}" if why else note
        else:
            note = f"the cost is not differentiable where {desc}"
            why = f"{why}; {note}" if why else note
    where = None
    if region and (verdict in REGION_VERDICTS or kind.region_always):
        where = find_region(claim, kind, results, seed=seed, points=points, check=lambda c: verify(
            c, seed=seed, points=points, symbolic_seconds=symbolic_seconds, region=False))
    return ClaimResult(claim, verdict, results, seed, time.monotonic() - t0, why,
                       points=len(smp) or max((w.points for w in results), default=0),
                       sample_shares=smp.shares(), kinks=tuple(found), set_aside=set_aside,
                       region=where)


def verify_all(claims, *, seed: int = DEFAULT_SEED, points: int = DEFAULT_POINTS,
               progress: Callable | None = None) -> list[ClaimResult]:
    """:func:`verify` for each claim in order; ``progress(i, n, result)`` after each."""
    claims = list(claims)
    out = []
    for i, c in enumerate(claims):
        out.append(verify(c, seed=seed, points=points))
        if progress is not None:
            progress(i + 1, len(claims), out[-1])
    return out
