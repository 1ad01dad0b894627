r"""The implementation's tolerance: the running error bound $M$ and the tests that use it.

$$|c - t| \le \mathrm{rtol}\,\max(|c|, |t|) + K\,\epsilon\,M(x) + 2.2\cdot10^{-308}$$
(see :mod:`checkers.implementation`), applied in float64 (:func:`float64_ok`, through
:func:`checkers.compare.float64_agree`) and, at a point float64 cannot decide, in mpmath against
the claim's exact value at two working precisions (:func:`decide_point`, through
:func:`checkers.compare.decide_entries`).
"""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import sympy as sp

from ..compare import decide_entries, float64_agree
from ..highprec import MAX_DPS, mp_value, required_dps
from ..lambdify import numpy_fn

__all__ = ["IMPL_RTOL", "IMPL_K", "EPS", "DBL_MIN", "magnitude", "magnitudes", "mp_magnitude",
           "bound", "float64_ok", "float64_holds", "decide_point"]

IMPL_RTOL = 1e-12
IMPL_K = 64          # times machine epsilon times the running error bound M(x)
EPS = float(np.finfo(np.float64).eps)
DBL_MAX = np.finfo(np.float64).max
DBL_MIN = float(np.finfo(np.float64).tiny)  # subnormal results may be flushed to zero (XLA on CPU)


def magnitude(expr) -> sp.Expr:
    r"""The first-order running error bound $M$ of ``expr`` (see :mod:`checkers.implementation`).

    Float64 evaluation of ``expr`` errs by about $\epsilon\,M$: sums add the magnitudes of
    their terms (so cancellation shows), and every other node $f(u_1, \dots)$ adds
    $|\partial f / \partial u_i|\,M(u_i)$ to $|f|$.
    """
    e = sp.sympify(expr)
    if e.is_number:
        return sp.Abs(e)
    if e.is_Symbol:
        return sp.Abs(e)
    if e.is_Add:
        return sp.Add(*[magnitude(t) for t in e.args])
    if isinstance(e, sp.Piecewise):
        return sp.Piecewise(*[(magnitude(v), c) for v, c in e.args])
    if not e.args:
        return sp.Abs(e)
    dummies = [sp.Dummy(f"u{i}") for i in range(len(e.args))]
    f = e.func(*dummies)
    back = dict(zip(dummies, e.args))
    total = [sp.Abs(e)]
    for d, arg in zip(dummies, e.args):
        if arg.is_number:
            continue
        try:
            df = sp.diff(f, d).xreplace(back)
            # a step's derivative is 0 off the step (the step itself is a kink, set aside)
            df = df.replace(sp.DiracDelta, lambda *a: sp.S.Zero)
            if df.has(sp.Derivative, sp.Subs):
                df = sp.S.One
        except (TypeError, ValueError, NotImplementedError):
            df = sp.S.One
        total.append(sp.Abs(df) * magnitude(arg))
    return sp.Add(*total)


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


def mp_magnitude(variables, matrix, point, mag_row):
    """``mag_row`` with entries float64 could not evaluate computed by mpmath (30 digits suffice:
    $M$ is a sum of magnitudes, without cancellation); an entry beyond float64 stays infinite."""
    if np.all(np.isfinite(mag_row)):
        return mag_row
    out = np.zeros(len(mag_row))
    for m in _magnitude_matrices(sp.ImmutableMatrix(matrix)):
        vals = mp_value(variables, m, point, 30)
        out = np.maximum(out, [float(v) if mpmath.isfinite(v) else np.inf for v in vals])
    return np.where(np.isfinite(mag_row), mag_row, out)


def bound(mag):
    r"""$K \epsilon M(x)$ plus the smallest normal float64 (XLA may flush subnormal results to 0)."""
    return IMPL_K * EPS * mag + DBL_MIN


def float64_ok(c, t, rtol, atol):
    r"""(N, k) booleans: the float64 output ``c`` agrees with the claim's float64 value ``t``.

    :func:`checkers.compare.float64_agree` with $S = \max(|c|, |t|)$ (no row scale: each entry
    has its own bound ``atol``), or ``c == t``: equal infinities (a float64 reference that
    overflows as the implementation does) count as agreeing here.  That last clause is this
    witness's own, kept as it was; it is up for review separately.
    """
    ok, _ = float64_agree(c, t, rtol=rtol, atol=atol, row_scale=False)
    return ok | (np.asarray(c) == np.asarray(t))


def float64_holds(rtol, atol):
    r"""``holds(c, t, rel)`` for :func:`checkers.compare.decide_entries`: the implementation's
    float64 value ``c`` against the claim's exact value ``t`` (mpf) under the float64 bound,
    $|c - t| \le \mathrm{rtol}\max(|c|, |t|) + \mathrm{atol}$.

    A true value beyond float64 ($|t| >$ the largest double) is matched by an infinity of its
    sign only; a non-finite ``c`` matches nothing else; an exact value that is NaN or infinite
    (a pole) holds for nothing, so such a point stays undecided.
    """
    atol = mpmath.mpf(float(atol))

    def holds(c, t, rel="=="):
        if mpmath.isnan(t) or mpmath.isinf(t):
            return False
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


def decide_point(variables, matrix, point, c_row, rtol, mag_row):
    r"""Referee one point: ``(status, k, t_hi)``.

    The claim's side ``matrix`` is evaluated at ``point`` with $p$ and $2p$ digits ($p$ from
    :func:`checkers.highprec.required_dps`; beyond ``MAX_DPS``: undecidable), and each entry of
    the implementation's float64 output ``c_row`` is compared with it under the float64 bound
    (:func:`float64_holds`, ``atol`` from ``mag_row`` completed in mpmath): ``status`` is
    ``"fail"`` at the first entry ``k`` that fails at both precisions with a settled exact value,
    ``"undecidable"`` at the first that cannot be decided, else ``"ok"``.  ``t_hi``: the exact
    values at $2p$ digits (None when not evaluated).
    """
    dps = required_dps(variables, (matrix,), point)
    if dps > MAX_DPS:
        return "undecidable", None, None
    t_lo = mp_value(variables, matrix, point, dps)
    t_hi = mp_value(variables, matrix, point, 2 * dps)
    atol = bound(mp_magnitude(variables, matrix, point, mag_row))
    for k, c in enumerate(c_row):
        status = _decide_entry(float(c), t_lo[k], t_hi[k], 2 * dps, float64_holds(rtol, atol[k]))
        if status != "ok":
            return status, k, t_hi
    return "ok", None, t_hi
