r"""Point-by-point comparison in float64, with escalation to the high-precision referee.

At each sample point and each entry, a float64 claimed value $c$ and a reference $r$ agree when
$$|c - r| \le \mathrm{tol}, \qquad
  \mathrm{tol} = \mathrm{rtol}\cdot\max(|c|, |r|, \textstyle\max_{\text{entries}} |r|)
  \;(+\ \text{the witness's own error estimate}).$$
Points where they do not agree, or where a value is not finite, are not failures yet: float64
may be unable to decide them (overflow, cancellation).  They go to
:func:`checkers.highprec.compare_at`, which evaluates the claim and the true value exactly
enough to decide.  Only a point that fails there is a counterexample.  The referee takes the
cheapest points first (moderate magnitudes; a symbolic counterexample before all) within a
budget of ``MAX_ESCALATE`` points and ``MAX_ESCALATE_DIGITS`` working digits (summed over the
escalated points, a deterministic measure of work: the same seed escalates the same points on
a loaded or an idle machine) per witness; what it does not
reach is counted and reported as unchecked, never as passed.
"""

from __future__ import annotations

import time

import numpy as np
import sympy as sp

from .highprec import MAX_DPS, compare_at, fmt, mp_diff, required_dps
from .results import FAIL, PASS, UNDECIDED, Counterexample, WitnessResult

__all__ = ["decide", "MAX_ESCALATE", "MAX_ESCALATE_DIGITS"]

MAX_ESCALATE = 400
MAX_ESCALATE_DIGITS = 120_000


def _entry_name(shape, k, names):
    if names is not None:
        return names[k]
    if shape == (1, 1):
        return ""
    i, j = divmod(k, shape[1])
    return f"entry ({i}, {j})"


def _simplest(variables, mp_claimed, mp_true, x, relation, k, c_hi, t_hi, domain_of):
    """The failing point rounded to 1, 2 or 3 significant digits, if it still fails (easier by hand)."""
    for digits in (1, 2, 3):
        y = np.array([float(f"{v:.{digits - 1}e}") if v != 0 else 0.0 for v in x])
        if np.array_equal(y, x) or not all(domain_of(s).contains(v) for s, v in zip(variables, y)):
            continue
        verdict, k2, c2, t2 = compare_at(variables, mp_claimed, mp_true, y, relation)
        if verdict == "fail":
            return y, k2, c2, t2
    return x, k, c_hi, t_hi


def decide(*, witness, method, claim, sample, claimed, reference, rtol, extra_tol=None,
           mp_claimed, mp_true, relation="==", tolerance_text="", names=None, t0=None,
           confirm_diff=None, labels=None) -> WitnessResult:
    """Compare ``claimed`` with ``reference`` (arrays (N, m, n)) and escalate what float64 cannot decide.

    ``mp_claimed``/``mp_true``: SymPy matrices evaluated by the referee at escalated points.
    ``relation`` is ``==`` for identities, or an inequality between claimed (lhs) and reference
    (rhs).  ``confirm_diff``: optional ``(cost_entry_fn, wrt_index_fn)`` to confirm a gradient
    counterexample with ``mpmath.diff`` as well.
    """
    t0 = time.monotonic() if t0 is None else t0
    c = np.asarray(claimed, dtype=np.float64).reshape(len(sample), -1)
    r = np.asarray(reference, dtype=np.float64).reshape(len(sample), -1)
    shape = mp_claimed.shape
    finite = np.isfinite(c) & np.isfinite(r)
    with np.errstate(all="ignore"):
        scale = np.maximum(np.maximum(np.abs(c), np.abs(r)),
                           np.max(np.where(np.isfinite(r), np.abs(r), 0), axis=1, keepdims=True))
        tol = rtol * scale + (0 if extra_tol is None else np.reshape(extra_tol, c.shape))
        diff = c - r
        if relation == "==":
            ok = finite & (np.abs(diff) <= tol)
        else:
            ok = finite & {">": diff > tol, ">=": diff >= tol, "<": diff < -tol, "<=": diff <= -tol,
                           "!=": np.abs(diff) > tol}[relation]
        relerr = np.where(ok & (scale > 0), np.abs(diff) / np.where(scale > 0, scale, 1), 0.0)
    point_ok = ok.all(axis=1)
    undecided = np.flatnonzero(~point_ok)
    worst = float(relerr.max()) if relerr.size else 0.0
    escalated, ce, beyond, over_time = 0, None, [], 0
    # Cheapest first: points with moderate magnitudes need few digits; huge ones go last.
    with np.errstate(divide="ignore"):
        cost = np.nanmax(np.abs(np.log10(np.abs(sample.points[undecided]) + 1e-320)), axis=1) \
            if len(undecided) and sample.points.shape[1] else np.zeros(len(undecided))
    order = undecided[np.argsort(cost, kind="stable")]
    symbolic_first = [i for i in order if sample.regimes[i] == "symbolic counterexample"]
    order = symbolic_first + [i for i in order if sample.regimes[i] != "symbolic counterexample"]
    spent = 0
    for i in order[:MAX_ESCALATE]:
        spent += min(required_dps(sample.variables, (mp_claimed, mp_true), sample.points[i]), MAX_DPS)
        if spent > MAX_ESCALATE_DIGITS:
            over_time = len(order[:MAX_ESCALATE]) - escalated
            break
        escalated += 1
        verdict, k, c_hi, t_hi = compare_at(sample.variables, mp_claimed, mp_true,
                                            sample.points[i], relation)
        if verdict == "undecidable":
            beyond.append(i)
            continue
        if verdict == "fail":
            x, k, c_hi, t_hi = _simplest(sample.variables, mp_claimed, mp_true, sample.points[i],
                                         relation, k, c_hi, t_hi, sample.domain_of)
            pt = dict(zip(sample.variables, x))
            confirmed = "mpmath at two working precisions"
            if confirm_diff is not None:
                entry, wrt_index = confirm_diff(k)
                d = mp_diff(sample.variables, entry, x, wrt_index)
                confirmed += f"; mpmath.diff gives {fmt(d, 12)}"
            ce = Counterexample(
                point={str(s): fmt(v) for s, v in pt.items()},
                claimed=fmt(c_hi[k]), true=fmt(t_hi[k]),
                component=_entry_name(shape, k, names), confirmed=confirmed, found_by=witness,
                by_hand=f"sample regime: {sample.regimes[i]}")
            if relation != "==":
                ce.claimed = f"{fmt(c_hi[k], 10)} {relation} {fmt(t_hi[k], 10)}"
                ce.true = "false"
                ce.labels = ("relation", "holds")
            elif labels is not None:
                ce.labels = labels
            break
    left = max(len(undecided) - escalated - over_time, 0) if ce is None else 0
    decided = int(point_ok.sum()) + escalated - len(beyond)
    # no point decided (every one beyond float64 and the referee's reach): no evidence, not a pass
    status = FAIL if ce is not None else (PASS if decided > 0 or len(sample) == 0 else UNDECIDED)
    if ce is not None:
        detail = f"counterexample confirmed in high precision ({ce})"
    else:
        parts = [f"{int(point_ok.sum())} of {len(sample)} points decided in float64"]
        if escalated:
            parts.append(f"{escalated - len(beyond)} decided by mpmath (overflow or cancellation "
                         "in float64): all agree")
        if beyond:
            parts.append(f"{len(beyond)} beyond the referee's reach (more than "
                         f"{MAX_DPS} digits, or an exponential of an argument over 1e6), unchecked")
        if over_time:
            parts.append(f"{over_time} over the referee's budget of {MAX_ESCALATE_DIGITS:,} digits "
                         "(the largest magnitudes), unchecked")
        if left:
            parts.append(f"{left} over the escalation budget of {MAX_ESCALATE}, unchecked")
        detail = "; ".join(parts)
    res = WitnessResult(witness=witness, status=status, method=method, worst_error=worst,
                        tolerance=tolerance_text or f"rel. {rtol:.0e}", points=len(sample),
                        float64_points=int(point_ok.sum()), escalated=escalated, detail=detail,
                        counterexample=ce, seconds=time.monotonic() - t0,
                        extra={"unchecked": left + len(beyond) + over_time if ce is None else 0})
    # Per-point evidence for figures (an attribute, not a field: the JSON does not grow).
    res.per_point = {
        "relerr": relerr.max(axis=1) if relerr.size else np.zeros(len(sample)),
        "decided": point_ok,
        "magnitude": (np.max(np.abs(sample.points), axis=1) if sample.points.size
                      else np.zeros(len(sample))),
        "regime": sample.regimes,
    }
    return res


_ = sp
