r"""One implementation witness: the implementation's float64 output against one side of the claim.

The steps of :mod:`checkers.compare`, with the float64 bound of :mod:`.tolerance`:

0. the entries' typical sizes $S_k$ (:func:`checkers.compare.typical_magnitude`) from the
   claim's float64 values over the whole sample (not the implementation's: a wrong
   implementation cannot widen its own tolerance);
1. float64 (:func:`.tolerance.float64_ok`) on every point; at a point with a subnormal
   coordinate the implementation may match the claim either there or with those coordinates
   read as 0 (XLA on CPU flushes subnormal inputs to zero);
2. the points float64 did not decide go to the referee (:func:`.tolerance.decide_point`)
   cheapest first (:func:`checkers.compare.cheapest_first` by
   :func:`checkers.compare.magnitude_cost`) within the budget of
   :func:`checkers.compare.escalate` (``MAX_ESCALATE`` points, ``MAX_ESCALATE_DIGITS`` working
   digits summed), then the points where the implementation returns NaN that the budget did
   not reach, with a budget of their own (:func:`checkers.compare.escalate_twice`); an entry
   that fails at a point outside float64's range for the cost
   itself (:func:`checkers.highprec.outside_float64`: logits of $10^{600}$ under a
   log-sum-exp) is left unchecked; one that fails at a subnormal point is acquitted if it holds as XLA
   reads the point (where the exact value there is not finite or undefined -- $u/v$ at
   $v = 0$ -- the claim's own float64 value there, an infinity or NaN: IEEE arithmetic at the
   pole XLA made), with the flush-to-zero term $2.2\cdot10^{-308} F(x)$ where an intermediate
   of the claim's formula is subnormal (:func:`.tolerance.mp_flush`: XLA flushes it to 0, and
   a huge factor can carry that to a normal number: optax's KL divergence with log targets
   returns 0 for $e^{-720}(-720 + 10^{300} + 1) = 2.0\cdot10^{-13}$), and at an
   ill-conditioned point (:func:`_nearby`) if it holds with one input moved by
   relative $\pm K\epsilon$: float64 code is exact at best for inputs perturbed by their
   rounding (backward error), and where the claim swings under that perturbation (a logit
   $w^\top x = -10^{200} + 10^{200}$, rounded with an FMA to $\pm 10^{184}$, under a sigmoid)
   no float64 program can be held to the exact value -- the first-order bound $M$ does not
   hold there;
3. a confirmed failure is replaced by the point rounded to 1-3 significant digits
   (:func:`checkers.compare.simplest` over :func:`checkers.compare.simpler_points`: subnormal
   coordinates read as 0 first, as XLA reads them) when the
   implementation still fails there and the rounded point is inside the domain and off every
   kink.

A witness that decides no point at all (every point beyond float64 and the referee) is
UNDECIDED, never a PASS.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np

from ..compare import (MAX_ESCALATE, MAX_ESCALATE_DIGITS, cheapest_first, escalate_twice,
                       magnitude_cost, simpler_points, simplest, typical_magnitude)
from ..highprec import MAX_DPS, fmt, outside_float64, referee_cost
from ..kinks import on_kink
from ..lambdify import numpy_fn
from ..results import FAIL, PASS, UNDECIDED, Counterexample, WitnessResult
from ..sampling import Sample
from .tolerance import (DBL_MIN, EPS, IMPL_K, bound, decide_entries_at, float64_ok,
                        holds_nearby, magnitudes, mp_flush, point_status)

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


def _nearby(smp, matrix, x, t_x, atol):
    r"""The points with one real coordinate of ``x`` moved by relative $\pm K\epsilon$ (inside
    the domain), when the claim's side is ill-conditioned there: its float64 value at one of
    them is not finite, or moves by more than the bound ``atol`` from ``t_x`` (empty otherwise,
    so a well-conditioned failure costs no extra mpmath evaluation)."""
    out = []
    for j, v in enumerate(smp.variables):
        dom = smp.domain_of(v)
        if x[j] == 0 or dom.integer:
            continue
        for sgn in (1.0, -1.0):
            y = x.copy()
            y[j] = x[j] * (1 + sgn * IMPL_K * EPS)
            if y[j] != x[j] and dom.contains(y[j]):
                out.append(y)
    if not out:
        return []
    with np.errstate(all="ignore"):
        t = np.real(numpy_fn(smp.variables, matrix)(*np.array(out).T)).reshape(len(out), -1)
        steady = np.isfinite(t).all() and np.isfinite(t_x).all() and \
            bool(np.all(np.abs(t - t_x) <= atol))
    return [] if steady else out


def compare(side: Side, claim, smp, rows, impl, ref, rtol, evaluate, pick, kinks,
            t0) -> WitnessResult:
    r"""Compare ``impl`` with ``ref`` ((N, k) float64: output and the claim's side) on ``rows``.

    ``evaluate(points) -> (values, jacobian, errors)`` runs the implementation at other points
    and ``pick`` takes this witness's output from it (None when it raised), for the simplest
    counterexample.  ``worst_error`` is relative to $\max(|c|, |t|, M, S)$ over the points
    float64 decided.
    """
    variables, matrix = smp.variables, side.matrix
    mag = magnitudes(matrix, smp)
    scale = typical_magnitude(ref)
    ok = float64_ok(impl, ref, rtol, bound(mag, scale))
    flushed = flush(smp.points)
    sub = np.flatnonzero(np.any(flushed != smp.points, axis=1))

    def relative(c, r, mg):  # the error relative to the size of the terms (>= the value)
        with np.errstate(all="ignore"):
            out = np.abs(c - r) / np.maximum(np.maximum(np.abs(c), np.abs(r)),
                                             np.fmax(np.fmax(mg, scale), DBL_MIN / EPS))
        return np.where(np.isfinite(out), out, np.inf)

    rel = relative(impl, ref, mag)
    if len(sub):
        fl = Sample(variables, flushed[sub], smp.regimes[sub], smp.seed, info=smp.info)
        with np.errstate(all="ignore"):
            ref_fl = np.real(numpy_fn(variables, matrix)(*fl.columns())).reshape(len(sub), -1)
        mag_fl = magnitudes(matrix, fl)
        ok_fl = float64_ok(impl[sub], ref_fl, rtol, bound(mag_fl, scale))
        rel_fl = relative(impl[sub], ref_fl, mag_fl)
        use = ok_fl.all(axis=1) & ~ok[sub].all(axis=1)   # matches only as XLA reads the point
        rel[sub[use]] = rel_fl[use]
        ok[sub] |= ok_fl
    rel = np.where(ok, rel, 0.0)
    rel = np.where(np.isfinite(rel), rel, 0.0)
    worst = float(rel[rows].max()) if len(rows) else 0.0
    bad = [i for i in rows if not ok[i].all()]

    acquitted = []   # rows that hold only with an input moved by its rounding (ill-conditioned)
    underflow = []   # rows that hold only with the flush-to-zero term (a subnormal intermediate)

    def referee(y, c_row, mag_row, regime):
        """``(status, k, t_hi, (moved, flushed))`` at ``y``: :func:`.tolerance.decide_entries_at`,
        then the acquittals of step 2, entry by entry (``moved``: an input perturbation acquitted
        one; ``flushed``: the flush-to-zero term did)."""
        st, t_hi = decide_entries_at(variables, matrix, y, c_row, rtol, mag_row, scale)
        moved = flushed = False
        if "fail" in st and outside_float64(variables, claim.cost, y):   # no float64 program
            st = ["undecidable" if a == "fail" else a for a in st]
        if "fail" in st and np.any(flush(y) != y):    # as XLA reads the point
            yf = flush(y)
            other, t_y = decide_entries_at(variables, matrix, yf, c_row, rtol,
                                           magnitudes(matrix, _one(smp, yf, regime))[0], scale)
            r_y = ref_at(yf)
            for k, c in enumerate(c_row):   # at a pole of the point XLA reads: IEEE arithmetic
                pole = t_y is None or not mpmath.isfinite(t_y[k])
                if st[k] == "fail" and (other[k] == "ok" or (
                        pole and not np.isfinite(c) and np.array_equal(c, r_y[k], equal_nan=True))):
                    st[k] = "ok"
        if "fail" in st:       # a subnormal intermediate, flushed: Higham's underflow term
            f_row = mp_flush(variables, matrix, y)
            if np.any(f_row > 1):
                wide, _ = decide_entries_at(variables, matrix, y, c_row, rtol, mag_row, scale,
                                            f_row)
                for k in range(len(st)):
                    if st[k] == "fail" and wide[k] == "ok":
                        st[k], flushed = "ok", True
        if "fail" in st:                               # ill-conditioned: an input's rounding
            near = _nearby(smp, matrix, y, ref_at(y), bound(mag_row, scale))
            found = holds_nearby(variables, matrix, y, near, c_row, rtol, mag_row, scale,
                                 want=[a == "fail" for a in st])
            for k, hit in enumerate(found):
                if hit:
                    st[k], moved = "ok", True
        status, k = point_status(st)
        return status, k, t_hi, (moved and status == "ok", flushed and status == "ok")

    def ref_at(y):
        with np.errstate(all="ignore"):
            return np.real(numpy_fn(variables, matrix)(*[np.array([v]) for v in y])).reshape(-1)

    def decide(i):
        status, k, t_hi, (moved, flushed) = referee(smp.points[i], impl[i], mag[i],
                                                    smp.regimes[i])
        if moved:
            acquitted.append(i)
        if flushed:
            underflow.append(i)
        return i, status, k, impl[i], t_hi

    # Ordering key: points with a zero coordinate last, as this witness has always ordered
    # (examples/custom_vjp.py's counterexample is z=1, y=1, not z=0, y=0).  Cost: the digits
    # the referee works at; a point beyond its reach is never evaluated at p and 2p digits, so
    # it costs the 40 digits of the conditioning check (not MAX_DPS: 30 such points would
    # otherwise use up the budget before one decidable point is refereed)
    def cost(i):
        return referee_cost(variables, (matrix,), smp.points[i], beyond=40)

    # then the NaN outputs the budget did not reach, with a budget of their own
    # (identical points with identical outputs are refereed once: compare.escalate's key; the
    # acquittals then count every twin of an acquitted row)
    def same(i):
        return smp.points[i].tobytes(), np.asarray(impl[i]).tobytes(), smp.regimes[i]

    esc = escalate_twice(cheapest_first(bad, lambda i: magnitude_cost(smp.points[i], zeros_last=True)),
                         lambda batch: [decide(i) for i in batch], cost=cost,
                         again=lambda i: bool(np.isnan(impl[i]).any()), key=same)
    for found in (acquitted, underflow):
        keys = {same(i) for i in found}
        found[:] = [i for i in sorted(esc.decided) if same(i) in keys]
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
            status, k2, t2, _ = referee(y, got[0], magnitudes(matrix, _one(smp, y, "rounded"))[0],
                                        "rounded")
            return (got[0][k2], t2[k2]) if status == "fail" else None

        candidates = (y for y in simpler_points(x)
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
            parts.append(f"{esc.agreed} decided by mpmath: all agree"
                         + (f" ({len(acquitted)} of them ill-conditioned: only with one input "
                            f"moved by {IMPL_K} eps relative, its float64 rounding)"
                            if acquitted else "")
                         + (f" ({len(underflow)} of them only with the flush-to-zero term "
                            "2.2e-308 F(x): a subnormal intermediate, which XLA on CPU flushes "
                            "to 0, multiplied by a huge factor)" if underflow else ""))
        if esc.beyond:
            parts.append(f"{esc.beyond} beyond the referee's reach (more than {MAX_DPS} digits: "
                         "a cancellation such as 1 - tanh(z) at huge z; an exponential whose "
                         "argument overflows float64: inputs whose products overflow; or a value "
                         "the referee cannot evaluate), unchecked")
        if esc.over_budget + esc.not_reached:
            parts.append(f"{esc.over_budget + esc.not_reached} over the referee's budget "
                         f"({MAX_ESCALATE} points, {MAX_ESCALATE_DIGITS:,} working digits), "
                         "unchecked")
        detail = "; ".join(parts)
    decided = len(rows) - len(bad) + esc.agreed
    status = FAIL if ce is not None else (UNDECIDED if rows and not decided else PASS)
    return WitnessResult(
        witness=side.witness, status=status, method=side.method,
        worst_error=worst, tolerance=f"rel. {rtol:.0e} + {IMPL_K} eps max(M(x), S) + 2.2e-308 "
        "max(1, F(x)), M the running error bound of the claim's formula, S the entry's median "
        "|value| over the sample, F its flush-to-zero bound (referee only; error shown relative "
        "to max(|value|, M, S))",
        points=len(rows), float64_points=len(rows) - len(bad),
        escalated=esc.escalated, detail=detail, counterexample=ce, seconds=time.monotonic() - t0,
        extra={"unchecked": esc.unchecked, "beyond": 0 if ce is not None else esc.beyond,
               "ill_conditioned": len(acquitted), "flushed": len(underflow),
               "scale": [float(v) for v in scale]})
