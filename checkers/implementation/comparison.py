r"""One implementation witness: the implementation's float64 output against one side of the claim.

The steps of :mod:`checkers.compare`, with the float64 bound of :mod:`.tolerance`:

1. float64 (:func:`.tolerance.float64_ok`) on every point; at a point with a subnormal
   coordinate the implementation may match the claim either there or with those coordinates
   read as 0 (XLA on CPU flushes subnormal inputs to zero);
2. the points float64 did not decide go to the referee (:func:`.tolerance.decide_point`)
   cheapest first (:func:`checkers.compare.cheapest_first` by
   :func:`checkers.compare.magnitude_cost`) within the budget of
   :func:`checkers.compare.escalate` (``MAX_ESCALATE`` points, ``MAX_ESCALATE_DIGITS`` working
   digits summed); a subnormal point that fails is acquitted if it holds as XLA reads it;
3. a confirmed failure is replaced by the point rounded to 1-3 significant digits
   (:func:`checkers.compare.simplest` over :func:`checkers.compare.rounded`) when the
   implementation still fails there and the rounded point is inside the domain and off every
   kink.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..compare import (MAX_ESCALATE, MAX_ESCALATE_DIGITS, cheapest_first, escalate,
                       magnitude_cost, rounded, simplest)
from ..highprec import MAX_DPS, fmt, required_dps
from ..kinks import on_kink
from ..lambdify import numpy_fn
from ..results import FAIL, PASS, Counterexample, WitnessResult
from ..sampling import Sample
from .tolerance import DBL_MIN, EPS, IMPL_K, bound, decide_point, float64_ok, magnitudes

__all__ = ["Side", "flush", "compare"]


@dataclass
class Side:
    """What one witness compares: the claim's side ``matrix`` (the cost, or the claimed
    derivative), its entries' ``names``, the witness name and method, and the counterexample's
    ``labels``."""

    witness: str
    method: str
    matrix: Any
    names: list
    labels: tuple


def flush(points):
    """Subnormal coordinates set to 0, as XLA on CPU reads them (denormals-are-zero)."""
    return np.where(np.abs(points) < DBL_MIN, 0.0, points)


def _num(v) -> str:
    """A float64 input exactly and shortly (``-3.4``, not ``-3.3999999999999999``)."""
    v = float(v)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def _one(smp, y, regime):
    """A one-point :class:`Sample` at ``y`` (for the float64 magnitudes there)."""
    return Sample(smp.variables, y[None, :], np.array([regime], dtype=object), smp.seed,
                  info=smp.info)


def compare(side: Side, claim, smp, rows, impl, ref, rtol, evaluate, pick, kinks,
            t0) -> WitnessResult:
    r"""Compare ``impl`` with ``ref`` ((N, k) float64: output and the claim's side) on ``rows``.

    ``evaluate(points) -> (values, jacobian, errors)`` runs the implementation at other points
    and ``pick`` takes this witness's output from it (None when it raised), for the simplest
    counterexample.  ``worst_error`` is relative to $\max(|c|, |t|, M)$ over the points float64
    decided.
    """
    variables, matrix = smp.variables, side.matrix
    mag = magnitudes(matrix, smp)
    ok = float64_ok(impl, ref, rtol, bound(mag))
    flushed = flush(smp.points)
    sub = np.flatnonzero(np.any(flushed != smp.points, axis=1))

    def relative(c, r, mg):  # the error relative to the size of the terms (>= the value)
        with np.errstate(all="ignore"):
            out = np.abs(c - r) / np.maximum(np.maximum(np.abs(c), np.abs(r)),
                                             np.fmax(mg, DBL_MIN / EPS))
        return np.where(np.isfinite(out), out, np.inf)

    rel = relative(impl, ref, mag)
    if len(sub):
        fl = Sample(variables, flushed[sub], smp.regimes[sub], smp.seed, info=smp.info)
        with np.errstate(all="ignore"):
            ref_fl = np.real(numpy_fn(variables, matrix)(*fl.columns())).reshape(len(sub), -1)
        mag_fl = magnitudes(matrix, fl)
        ok_fl = float64_ok(impl[sub], ref_fl, rtol, bound(mag_fl))
        rel_fl = relative(impl[sub], ref_fl, mag_fl)
        use = ok_fl.all(axis=1) & ~ok[sub].all(axis=1)   # matches only as XLA reads the point
        rel[sub[use]] = rel_fl[use]
        ok[sub] |= ok_fl
    rel = np.where(ok, rel, 0.0)
    rel = np.where(np.isfinite(rel), rel, 0.0)
    worst = float(rel[rows].max()) if len(rows) else 0.0
    bad = [i for i in rows if not ok[i].all()]

    def decide(i):
        status, k, t_hi = decide_point(variables, matrix, smp.points[i], impl[i], rtol, mag[i])
        if status == "fail" and i in sub:   # does it hold as XLA reads the point?
            y = flushed[i]
            if decide_point(variables, matrix, y, impl[i], rtol,
                            magnitudes(matrix, _one(smp, y, smp.regimes[i]))[0])[0] == "ok":
                status = "ok"
        return i, status, k, impl[i], t_hi

    # Ordering key: points with a zero coordinate last, as this witness has always ordered
    # (examples/custom_vjp.py's counterexample is z=1, y=1, not z=0, y=0)
    esc = escalate(cheapest_first(bad, lambda i: magnitude_cost(smp.points[i], zeros_last=True)),
                   lambda batch: [decide(i) for i in batch],
                   cost=lambda i: min(required_dps(variables, (matrix,), smp.points[i]), MAX_DPS))
    ce = None
    if esc.fail is not None:
        i, k, c_row, t_hi = esc.fail
        x, c_val, t_val = smp.points[i], c_row[k], t_hi[k]

        def fails_at(y):
            try:
                got = pick(evaluate(y[None, :]))
            except Exception:  # noqa: BLE001 - a rounding that breaks the implementation: keep x
                return None
            if got is None:
                return None
            status, k2, t2 = decide_point(variables, matrix, y, got[0], rtol,
                                          magnitudes(matrix, _one(smp, y, "rounded"))[0])
            return (got[0][k2], t2[k2]) if status == "fail" else None

        candidates = (y for y in rounded(x)
                      if all(smp.domain_of(v).contains(p) for v, p in zip(variables, y))
                      and not (kinks and on_kink(kinks, variables, y[None, :])[0] >= 0))
        found = simplest(candidates, fails_at)
        if found is not None:
            x, (c_val, t_val) = found
        ce = Counterexample(
            point={str(v): _num(p) for v, p in zip(variables, x)}, claimed=fmt(c_val),
            true=fmt(t_val), component=side.names[k],
            confirmed="the claim's side in mpmath at two working precisions; the implementation's "
                      "float64 output as returned",
            by_hand=f"sample regime: {smp.regimes[i]}", found_by=side.witness, labels=side.labels)
    if ce is not None:
        detail = f"{claim.id}: counterexample confirmed in high precision ({ce})"
    else:
        parts = [f"{len(rows) - len(bad)} of {len(rows)} points decided in float64"]
        if esc.agreed:
            parts.append(f"{esc.agreed} decided by mpmath: all agree")
        if esc.beyond:
            parts.append(f"{esc.beyond} beyond the referee's reach (more than {MAX_DPS} digits, or "
                         "an exponential of an argument over 1e6: inputs whose products overflow), "
                         "unchecked")
        if esc.over_budget + esc.not_reached:
            parts.append(f"{esc.over_budget + esc.not_reached} over the referee's budget "
                         f"({MAX_ESCALATE} points, {MAX_ESCALATE_DIGITS:,} working digits), "
                         "unchecked")
        detail = "; ".join(parts)
    return WitnessResult(
        witness=side.witness, status=FAIL if ce is not None else PASS, method=side.method,
        worst_error=worst, tolerance=f"rel. {rtol:.0e} + {IMPL_K} eps M(x), M the running error "
        "bound of the claim's formula (error shown relative to max(|value|, M))",
        points=len(rows), float64_points=len(rows) - len(bad),
        escalated=esc.escalated, detail=detail, counterexample=ce, seconds=time.monotonic() - t0,
        extra={"unchecked": esc.unchecked})
