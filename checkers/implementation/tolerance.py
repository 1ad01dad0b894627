r"""The implementation's tolerance: the running error bound $M$, the quantity's scale $S$, the
flush-to-zero bound $F$, and the tests that use them.

$$|c - t| \le \mathrm{rtol}\,\max(|c|, |t|) + K\,\epsilon\,\max(M(x), S_k)
  + 2.2\cdot10^{-308}\max(1, F(x))$$
(see :mod:`checkers.implementation`; the derivation is :func:`checkers.compare.rounding_bound`'s),
applied in float64 (:func:`float64_ok`, through :func:`checkers.compare.float64_agree`) and, at
a point float64 cannot decide -- a difference beyond the bound, or a value that is infinite or
NaN on either side -- in mpmath against the claim's exact value at two working precisions
(:func:`decide_point`, through :func:`checkers.compare.decide_entries`).
"""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import sympy as sp

from ..compare import DBL_MIN, EPS, decide_entries, float64_agree, rounding_bound
from ..highprec import MAX_DPS, flush_amplification, magnitude, mp_value, required_dps
from ..lambdify import numpy_fn, underflows

__all__ = ["IMPL_RTOL", "IMPL_K", "EPS", "DBL_MIN", "magnitude", "magnitudes", "mp_magnitude",
           "mp_flush", "bound", "float64_ok", "float64_holds", "decide_entries_at", "holds_nearby",
           "point_status", "decide_point"]

IMPL_RTOL = 1e-12
IMPL_K = 64          # times machine epsilon times max(M(x), S)
DBL_MAX = np.finfo(np.float64).max


@functools.lru_cache(maxsize=256)
def _magnitude_matrices(matrix) -> tuple:
    r"""$M$ of the formula as written, and of its logs split (``expand_log``), as SymPy matrices.

    The second form is how stable code computes a log of a quotient: $-\ln(e^{z_y}/\sum e^{z})$
    as $\operatorname{logsumexp}(z) - z_y$, whose rounding is $\epsilon$ times $|z|$, not times
    the (small) result.  ``expand_log(force=True)`` is used only to size a tolerance, never in a
    proof (it ignores branch cuts).
    """
    from .._timeout import SymbolicTimeout, time_limit

    forms = [matrix]
    try:
        with time_limit(2.0):
            split = matrix.applyfunc(lambda e: sp.expand_log(e, force=True))
        if split != matrix:
            forms.append(split)
    except (SymbolicTimeout, TypeError, ValueError):
        pass
    return tuple(sp.ImmutableMatrix(f).applyfunc(magnitude) for f in forms)


def magnitudes(matrix, smp):
    """$M(x)$ per point and entry (N, k), the larger over the forms of :func:`_magnitude_matrices`;
    NaN where float64 cannot evaluate it (such points go to the referee, see :func:`mp_magnitude`)."""
    out = np.zeros((len(smp), len(matrix)))
    for m in _magnitude_matrices(sp.ImmutableMatrix(matrix)):
        with np.errstate(all="ignore"):
            vals = np.real(numpy_fn(smp.variables, m)(*smp.columns())).reshape(len(smp), -1)
        out = np.where(np.isfinite(vals), np.maximum(out, vals), np.nan)
    return out


def mp_magnitude(variables, matrix, point, mag_row, dps=30):
    """``mag_row`` with entries float64 could not evaluate computed by mpmath at ``dps`` digits
    ($M$ is a sum of magnitudes, without cancellation, but an exponential of a huge argument
    needs its argument's digits: the referee passes its own precision); an entry beyond float64
    stays infinite."""
    if np.all(np.isfinite(mag_row)):
        return mag_row
    out = np.zeros(len(mag_row))
    for m in _magnitude_matrices(sp.ImmutableMatrix(matrix)):
        vals = mp_value(variables, m, point, max(int(dps), 30))
        out = np.maximum(out, [float(v) if mpmath.isfinite(v) else np.inf for v in vals])
    return np.where(np.isfinite(mag_row), mag_row, out)


@functools.lru_cache(maxsize=256)
def _flush_matrix(matrix):
    """:func:`checkers.highprec.flush_amplification` of each entry, as a SymPy matrix."""
    return sp.ImmutableMatrix(matrix).applyfunc(flush_amplification)


def mp_flush(variables, matrix, point):
    r"""$F(x)$ per entry (:func:`checkers.highprec.flush_amplification`) at ``point``, its
    intermediates evaluated exactly by mpmath at the referee's digits (so a value that is
    subnormal only through float64's rounding is not counted); 1 -- no allowance beyond the
    smallest normal -- where it is not finite (an infinite derivative times a zero term) or the
    point is beyond the referee's reach.  $F$ is built (symbolically, once per matrix) only
    where float64's own evaluation of ``matrix`` at ``point`` underflows (NumPy keeps
    subnormals and signals their rounding): elsewhere no intermediate is subnormal and
    $F = 0$."""
    if not underflows(variables, matrix, point):
        return np.ones(len(matrix))
    dps = required_dps(variables, (matrix,), point)
    if dps > MAX_DPS:
        return np.ones(len(matrix))
    vals = mp_value(variables, _flush_matrix(sp.ImmutableMatrix(matrix)), point, dps)
    return np.array([float(v) if mpmath.isfinite(v) else 1.0 for v in vals])


def bound(mag, scale=0.0, flush=1.0):
    r"""$K \epsilon \max(M(x), S) + 2.2\cdot10^{-308}\max(1, F)$
    (:func:`checkers.compare.rounding_bound`): ``mag`` (N, k) or (k,) the running error bounds,
    ``scale`` (k,) the entries' typical sizes (:func:`checkers.compare.typical_magnitude`),
    ``flush`` the flush-to-zero bound $F$ (:func:`mp_flush`; the referee's only)."""
    return rounding_bound(mag, scale, IMPL_K, flush)


def float64_ok(c, t, rtol, atol):
    r"""(N, k) booleans: the float64 output ``c`` agrees with the claim's float64 value ``t``.

    :func:`checkers.compare.float64_agree` with $S = \max(|c|, |t|)$ (no row scale: each entry
    has its own bound ``atol``).  Non-finite is never agreement: an implementation that
    overflows to infinity where the claim's float64 evaluation overflows the same way
    (``jax.nn.squareplus`` at $|z| \ge 10^{200}$) is not decided here but by the referee, which
    knows whether the true value is finite.
    """
    ok, _ = float64_agree(c, t, rtol=rtol, atol=atol, row_scale=False)
    return ok


def float64_holds(rtol, atol):
    r"""``holds(c, t, rel)`` for :func:`checkers.compare.decide_entries`: the implementation's
    float64 value ``c`` against the claim's exact value ``t`` (mpf) under the float64 bound,
    $|c - t| \le \mathrm{rtol}\max(|c|, |t|) + \mathrm{atol}$.

    A true value beyond float64 ($|t| >$ the largest double), or infinite itself (the limit at
    a pole: $u \ln v$ at $v = 0$, as XLA reads a subnormal $v$), is matched by an infinity of
    its sign only; a non-finite ``c`` matches nothing else; an exact value that is NaN holds
    for nothing, so such a point stays undecided.
    """
    atol = mpmath.mpf(float(atol))

    def holds(c, t, rel="=="):
        if mpmath.isnan(t):
            return False
        if mpmath.isinf(t):
            return bool(mpmath.isinf(c)) and (c > 0) == (t > 0)
        if abs(t) > DBL_MAX:
            return bool(mpmath.isinf(c)) and (c > 0) == (t > 0)
        if not mpmath.isfinite(c):
            return False
        return abs(c - t) <= rtol * max(abs(c), abs(t)) + atol

    return holds


def _decide_entry(c, t_lo, t_hi, dps, holds):
    """``"ok"``/``"fail"``/``"undecidable"`` for one entry: float64 ``c`` against the exact
    value at two precisions (``dps`` the higher).

    A finite ``c`` goes to :func:`checkers.compare.decide_entries`.  A non-finite ``c`` has no
    distance to measure, and ``decide_entries`` would read its infinite gap as unsettled (its
    change between the precisions, $\\infty - \\infty$, is NaN); the same rule in the limit of
    an infinite gap is: right where ``holds``, wrong wherever the exact value is a number at
    both precisions, else undecidable.
    """
    cm = mpmath.mpf(float(c))
    if math.isfinite(c):
        return decide_entries([cm], [t_lo], [cm], [t_hi], ("==",), dps, holds)[0]
    with mpmath.workdps(dps):
        if holds(cm, t_hi):
            return "ok"
        settled = all(mpmath.isfinite(v) for v in (t_lo, t_hi)) and not holds(cm, t_lo)
    return "fail" if settled else "undecidable"


def decide_entries_at(variables, matrix, point, c_row, rtol, mag_row, scale=None, flush=1.0):
    r"""Referee one point entry by entry: ``(statuses, t_hi)``.

    The claim's side ``matrix`` is evaluated at ``point`` with $p$ and $2p$ digits ($p$ from
    :func:`checkers.highprec.required_dps`; beyond ``MAX_DPS``: every entry undecidable), and
    each entry of the implementation's float64 output ``c_row`` is compared with it under the
    float64 bound (:func:`float64_holds`, ``atol`` from ``mag_row`` completed in mpmath at $p$
    digits, the entries' typical sizes ``scale`` and the flush-to-zero bound ``flush``,
    :func:`mp_flush`): ``"fail"`` where it fails at both
    precisions with a settled exact value, ``"undecidable"`` where that cannot be decided, else
    ``"ok"``.  ``t_hi``: the exact values at $2p$ digits (None when not evaluated).
    """
    dps = required_dps(variables, (matrix,), point)
    if dps > MAX_DPS:
        return ["undecidable"] * len(c_row), None
    t_lo = mp_value(variables, matrix, point, dps)
    t_hi = mp_value(variables, matrix, point, 2 * dps)
    atol = bound(mp_magnitude(variables, matrix, point, mag_row, dps),
                 np.zeros(len(c_row)) if scale is None else scale, flush)
    return [_decide_entry(float(c), t_lo[k], t_hi[k], 2 * dps, float64_holds(rtol, atol[k]))
            for k, c in enumerate(c_row)], t_hi


def holds_nearby(variables, matrix, point, nearby, c_row, rtol, mag_row, scale=None,
                 want=None):
    r"""Per entry of ``c_row``: does it hold (:func:`float64_holds`, the bound at ``point``)
    against the claim's exact value at one of the ``nearby`` points?  Each is evaluated once,
    at the $2p$ digits ``point`` needs (an acquittal needs no stability check: a value that is
    not yet exact does not match by chance).  ``want``: the entries to look for (default all);
    stops when each is found."""
    want = [True] * len(c_row) if want is None else list(want)
    out = [False] * len(c_row)
    dps = required_dps(variables, (matrix,), point)
    if dps > MAX_DPS or not nearby:
        return out
    atol = bound(mp_magnitude(variables, matrix, point, mag_row, dps),
                 np.zeros(len(c_row)) if scale is None else scale)
    for y in nearby:
        t = mp_value(variables, matrix, y, 2 * dps)
        with mpmath.workdps(2 * dps):
            for k, c in enumerate(c_row):
                if want[k] and not out[k]:
                    out[k] = float64_holds(rtol, atol[k])(mpmath.mpf(float(c)), t[k])
        if all(o or not w for o, w in zip(out, want)):
            break
    return out


def point_status(statuses):
    """``(status, k)`` of a point from its entries' statuses: the first failing entry (a
    confirmed counterexample), else the first undecidable one, else ``("ok", None)``."""
    for want in ("fail", "undecidable"):
        if want in statuses:
            return want, statuses.index(want)
    return "ok", None


def decide_point(variables, matrix, point, c_row, rtol, mag_row, scale=None):
    r"""Referee one point: ``(status, k, t_hi)`` (:func:`decide_entries_at`, then
    :func:`point_status`)."""
    statuses, t_hi = decide_entries_at(variables, matrix, point, c_row, rtol, mag_row, scale)
    status, k = point_status(statuses)
    return status, k, t_hi
