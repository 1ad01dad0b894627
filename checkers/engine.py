r"""Claims in, verdicts out.

:func:`verify` runs every witness that applies to the claim's kind (table ``WITNESSES``) on one
seeded sample, and combines their results (:func:`checkers.results.combine`).  The symbolic
witness runs first; an exact counterexample it finds is added to the sample, so every numeric
witness is asked about that point too (witnesses check each other).

Adding a claim needs no change here; a new *kind* of claim registers its witnesses with
:func:`register_kind`.
"""

from __future__ import annotations

import time
import traceback
from typing import Callable, Iterable

import numpy as np
import sympy as sp

from derivations import Claim, ClaimError

from . import _precision
from .autodiff import autodiff_witness
from .evaluation import limit_witness, sampling_witness, value_witness
from .finite_diff import finite_diff_witness
from .results import ERROR, ClaimResult, WitnessResult, combine
from .sampling import DEFAULT_POINTS, sample
from .symbolic import SIMPLIFY_SECONDS, symbolic_witness

__all__ = ["verify", "verify_all", "WITNESSES", "register_kind", "DEFAULT_SEED"]

DEFAULT_SEED = 20260104

WITNESSES: dict[str, tuple[tuple[str, Callable], ...]] = {
    "gradient": (("autodiff", autodiff_witness), ("finite differences", finite_diff_witness)),
    "equality": (("sampling", sampling_witness),),
    "inequality": (("sampling", sampling_witness),),
    "limit": (("numeric sequence", limit_witness),),
    "value": (("high precision", value_witness),),
}


SYMBOLIC: dict[str, Callable] = {}


def register_kind(kind: str, witnesses: Iterable[tuple[str, Callable]],
                  symbolic: Callable | None = None) -> None:
    """Declare a claim kind's numeric witnesses ``(name, fn(claim, sample) -> WitnessResult)``
    and optionally its symbolic witness ``fn(claim, seconds) -> WitnessResult`` (default:
    :func:`checkers.symbolic.symbolic_witness`)."""
    WITNESSES[kind] = tuple(witnesses)
    if symbolic is not None:
        SYMBOLIC[kind] = symbolic


def _exact_point(ce, variables):
    """The symbolic counterexample as a float64 point, if it names every variable exactly."""
    if ce is None or not variables:
        return None
    try:
        vals = [float(sp.Rational(ce.point[str(v)])) for v in variables]
    except (KeyError, TypeError, ValueError):
        return None
    return np.array(vals)


def verify(claim: Claim, *, seed: int = DEFAULT_SEED, points: int = DEFAULT_POINTS,
           symbolic_seconds: float = SIMPLIFY_SECONDS, symbolic: bool = True) -> ClaimResult:
    """Check one claim with every witness that applies; never raises for a bad claim.

    A witness that cannot run (bad input, an implementation that raises) gives an ``ERROR``
    result naming the claim and the problem; the verdict says so, and other claims in the same
    run are unaffected.
    """
    t0 = time.monotonic()
    if not isinstance(claim, Claim):
        raise TypeError(f"verify() takes a derivations claim, got {type(claim).__name__}")
    if not _precision.x64_enabled():
        raise _precision.Float32Error(f"{claim.id}: refusing to check with jax_enable_x64 off")
    if claim.kind not in WITNESSES:
        msg = f"{claim.id}: no witnesses for claim kind {claim.kind!r}"
        return ClaimResult(claim, "ERROR", [WitnessResult("engine", ERROR, detail=msg)], seed,
                           time.monotonic() - t0, msg)
    results = []
    smp = sample(claim, points, seed)
    if symbolic:
        sym = SYMBOLIC.get(claim.kind, symbolic_witness)(claim, symbolic_seconds)
        results.append(sym)
        pt = _exact_point(sym.counterexample, smp.variables)
        if pt is not None:
            smp = smp.with_points(pt, "symbolic counterexample")
    for name, fn in WITNESSES[claim.kind]:
        w0 = time.monotonic()
        try:
            res = fn(claim, smp)
        except (ClaimError, _precision.Float32Error) as err:
            res = WitnessResult(name, ERROR, detail=str(err))
        except Exception as err:  # a witness must not take the run down: report it
            where = traceback.extract_tb(err.__traceback__)[-1]
            res = WitnessResult(name, ERROR, detail=(
                f"{claim.id}: {name} could not evaluate the claim: {type(err).__name__}: "
                f"{str(err)[:300]} (in {where.name})"))
        res.seconds = res.seconds or time.monotonic() - w0
        results.append(res)
    verdict, why = combine(results)
    res = ClaimResult(claim, verdict, results, seed, time.monotonic() - t0, why)
    res.sample_shares = smp.shares()
    # kinds with their own sampling (networks, symbolic K) report the points their witnesses used
    res.points = len(smp) or max((w.points for w in results), default=0)
    return res


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
