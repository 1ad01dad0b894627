r"""Point-by-point comparison for the scalar witnesses: :mod:`checkers.compare`'s rules on a sample.

At each sample point and each entry, a float64 claimed value $c$ and a reference $r$ agree when
$$|c - r| \le \mathrm{rtol}\cdot\max(|c|, |r|, \textstyle\max_{\text{entries}} |r|)
  \;(+\ \text{the witness's own error estimate})$$
(:func:`checkers.compare.float64_agree`; an inequality's margin is relative to its own entry).
Points where they do not agree, or where a value is not finite, are not failures yet: float64
may be unable to decide them (overflow, cancellation).  They go, cheapest first and within the
budget of :func:`checkers.compare.escalate`, to :func:`checkers.highprec.compare_at`, which
evaluates the claim and the true value at two working precisions
(:func:`checkers.compare.referee`).  Only a point that fails there is a counterexample, shown at
the simplest rounding of it that still fails (:func:`checkers.compare.simplest`); what the
budget does not reach is counted and reported as unchecked, never as passed.
"""

from __future__ import annotations

import time

import numpy as np

from .compare import (MAX_ESCALATE, MAX_ESCALATE_DIGITS, cheapest_first, escalate, float64_agree,
                      magnitude_cost, simpler_points, simplest)
from .highprec import MAX_DPS, compare_at, fmt, mp_diff, referee_cost
from .results import FAIL, PASS, UNDECIDED, Counterexample, WitnessResult

__all__ = ["decide", "MAX_ESCALATE", "MAX_ESCALATE_DIGITS"]



def _entry_name(shape, k, names):
    if names is not None:
        return names[k]
    if shape == (1, 1):
        return ""
    i, j = divmod(k, shape[1])
    return f"entry ({i}, {j})"


def _simplest(variables, mp_claimed, mp_true, x, relation, k, c_hi, t_hi, domain_of):
    """The failing point with subnormal coordinates at 0, or rounded to 1, 2 or 3 significant
    digits, if it still fails there (easier by hand; :func:`checkers.compare.simpler_points`)."""
    def fails(y):
        if not all(domain_of(s).contains(v) for s, v in zip(variables, y)):
            return None
        verdict, k2, c2, t2 = compare_at(variables, mp_claimed, mp_true, y, relation)
        return (k2, c2, t2) if verdict == "fail" else None

    found = simplest(simpler_points(x), fails)   # subnormal coordinates at 0 first, then rounded
    if found is None:
        return x, k, c_hi, t_hi
    y, (k2, c2, t2) = found
    return y, k2, c2, t2


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
    atol = 0.0 if extra_tol is None else np.reshape(extra_tol, c.shape)
    ok, relerr = float64_agree(c, r, rtol=rtol, relations=(relation,), atol=atol,
                               row_scale=relation == "==")
    point_ok = ok.all(axis=1)
    undecided = np.flatnonzero(~point_ok)
    worst = float(relerr.max()) if relerr.size else 0.0
    ce = None
    # Cheapest first: points with moderate magnitudes need few digits; huge ones go last.
    order = cheapest_first(undecided, lambda i: magnitude_cost(sample.points[i], zeros_last=True),
                           first=lambda i: sample.regimes[i] == "symbolic counterexample")
    digits = lambda i: referee_cost(sample.variables, (mp_claimed, mp_true),  # noqa: E731
                                    sample.points[i])
    esc = escalate(order, lambda rows: [(i, *compare_at(sample.variables, mp_claimed, mp_true,
                                                        sample.points[i], relation)) for i in rows],
                   cost=digits, key=lambda i: sample.points[i].tobytes())   # identical points once
    escalated, beyond, over_time = esc.escalated, esc.beyond, esc.over_budget
    if esc.fail is not None:
        i, k, c_hi, t_hi = esc.fail
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
    left = esc.not_reached if ce is None else 0
    decided = int(point_ok.sum()) + escalated - beyond
    # no point decided (every one beyond float64 and the referee's reach): no evidence, not a pass
    status = FAIL if ce is not None else (PASS if decided > 0 or len(sample) == 0 else UNDECIDED)
    if ce is not None:
        detail = f"counterexample confirmed in high precision ({ce})"
    else:
        parts = [f"{int(point_ok.sum())} of {len(sample)} points decided in float64"]
        if escalated:
            parts.append(f"{escalated - beyond} decided by mpmath (overflow or cancellation "
                         "in float64): all agree")
        if beyond:
            parts.append(f"{beyond} beyond the referee's reach (more than "
                         f"{MAX_DPS} digits, or an exponential of an argument over 1e6), unchecked")
        if over_time:
            parts.append(f"{over_time} over the referee's budget of {MAX_ESCALATE_DIGITS:,} digits "
                         "(the largest magnitudes), unchecked")
        if left:
            parts.append(f"{left} over the escalation budget of {MAX_ESCALATE}, unchecked")
        detail = "; ".join(parts)
    # per-point evidence for the figures (a declared field the JSON leaves out)
    per_point = {
        "relerr": relerr.max(axis=1) if relerr.size else np.zeros(len(sample)),
        "decided": point_ok,
        "magnitude": (np.max(np.abs(sample.points), axis=1) if sample.points.size
                      else np.zeros(len(sample))),
        "regime": sample.regimes,
    }
    return WitnessResult(witness=witness, status=status, method=method, worst_error=worst,
                         tolerance=tolerance_text or f"rel. {rtol:.0e}", points=len(sample),
                         float64_points=int(point_ok.sum()), escalated=escalated, detail=detail,
                         counterexample=ce, seconds=time.monotonic() - t0,
                         extra={"unchecked": esc.unchecked}, per_point=per_point)
