r"""The high-precision referee: mpmath, where float64 cannot decide.

Float64 cannot decide a point when a value is not finite (overflow: $e^{800}$, $\ln 0$) or when
rounding alone could explain the difference (cancellation: $\sigma(30) - 1$ keeps three
significant digits).  Such points are evaluated again with mpmath at two working precisions,
$p$ and $2p$ decimal digits, on the exact float64 input, with $p$ chosen per point.  A point is a
counterexample only if both sides differ at both precisions by more than ``MP_RTOL`` relative
(and the high-precision values agree with the low ones, so the difference is not an artefact of
the lower precision).  This replaces a looser float64 tolerance: nothing is passed loosely.

The true derivative at a point comes from SymPy's exact derivative evaluated with mpmath, and,
to confirm a counterexample, also from ``mpmath.diff`` (numerical differentiation at high
precision, independent of SymPy).  The working precision is chosen per point
(:func:`required_dps`) from the magnitudes involved.
"""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import sympy as sp

from .compare import MP_RTOL, referee
from .lambdify import mpmath_fn

__all__ = ["MP_RTOL", "MAX_DPS", "required_dps", "compare_at", "mp_value", "mp_diff", "fmt"]



def _mp(v):
    return mpmath.mpf(float(v))


def mp_value(variables, matrix, point, dps):
    """Entries of ``matrix`` at ``point`` (floats) with ``dps`` digits."""
    f = mpmath_fn(variables, matrix)
    with mpmath.workdps(dps):
        try:
            return f(*[_mp(v) for v in point])
        except (ZeroDivisionError, ValueError, OverflowError):
            return [mpmath.nan] * (len(matrix) if isinstance(matrix, sp.MatrixBase) else 1)


MAX_DPS = 4000
MAX_EXP_ARG = 1e6


@functools.lru_cache(maxsize=2048)
def _exp_arguments(variables, exprs):
    """Arguments of every exp/sigmoid in ``exprs``, lambdified to NumPy (for the digit budget)."""
    from .lambdify import numpy_fn, opaque_functions, prepare

    args, guarded = [], []
    for e in exprs:
        for entry in (e if isinstance(e, sp.MatrixBase) else [e]):
            p = prepare(entry)
            args += [a.args[0] for a in p.atoms(sp.exp)]
            # tanh, cosh, ... are exponentials too: 1 - tanh(u)**2 cancels about 2|u|/ln 10 digits
            args += [2 * h.args[0] for h in p.atoms(sp.tanh, sp.sinh, sp.cosh, sp.sech, sp.csch, sp.coth)]
            guarded += [f.args[0] for f in opaque_functions(p)]
    args = list(dict.fromkeys(args))
    guarded = list(dict.fromkeys(args + guarded))
    if not guarded:
        return None
    return (numpy_fn(variables, sp.ImmutableMatrix([args])) if args else None,
            numpy_fn(variables, sp.ImmutableMatrix([guarded])))


def required_dps(variables, exprs, point) -> int:
    r"""Digits that make the referee's evaluation exact enough at ``point``.

    $40 + 2\max_i |\log_{10}|x_i|| + \max |\mathrm{arg}|/\ln 10$ over the inputs $x_i$ and the
    arguments of every exponential: a cancellation such as $1 - \sigma(z)$ loses about
    $z/\ln 10$ digits, and $1 - x$ loses $|\log_{10} x|$.  Above ``MAX_DPS`` the point is
    beyond the referee's reach, and so is a point where an exponential's argument exceeds
    ``MAX_EXP_ARG`` in magnitude.
    """
    mags = [abs(math.log10(abs(float(v)))) for v in point if v != 0 and math.isfinite(v)]
    if any(not math.isfinite(v) for v in point):
        return MAX_DPS + 1
    need = 40 + (max(mags) if mags else 0)
    f = _exp_arguments(tuple(variables), tuple(sp.ImmutableMatrix(e) if isinstance(e, sp.MatrixBase)
                                               else e for e in exprs))
    if f is not None:
        cols = [np.array([v]) for v in point]
        every = np.abs(f[1](*cols).ravel())
        if every.size and (not np.all(np.isfinite(every)) or every.max() > MAX_EXP_ARG):
            return MAX_DPS + 1  # exp(1e300) alone takes mpmath seconds: out of reach
        if f[0] is not None:
            vals = np.abs(f[0](*cols).ravel())
            need += float(vals.max()) / math.log(10) if vals.size else 0
    return int(math.ceil(need))


def _frozen(m):
    """A hashable, value-equal form of a SymPy matrix or expression (the memo key of the referee)."""
    return sp.ImmutableMatrix(m) if isinstance(m, sp.MatrixBase) else sp.sympify(m)


def compare_at(variables, claimed, true, point, relation="=="):
    """Decide one point at high precision.

    Returns ``(status, index, c, t)`` with status ``"ok"`` (every entry satisfies ``relation``:
    ``==``, ``>``, ``>=``, ``<``, ``<=``, ``!=``), ``"fail"`` (entry ``index`` fails at both
    working precisions $p$ and $2p$, and its values agree between them, so the failure is not
    rounding), or ``"undecidable"`` (the point needs more than ``MAX_DPS`` digits, or the values
    do not settle).

    The answer is a pure function of its arguments, so it is memoized (:func:`_compare_cached`):
    a gradient claim's two numeric witnesses (autodiff and finite differences) send many of the
    same points to the referee, and the second one gets the first one's answer instead of the
    same mpmath evaluation again.  The key holds the point's float64 bytes, so ``-0.0`` and
    ``0.0`` stay distinct points.
    """
    pt = np.ascontiguousarray(point, dtype=np.float64)
    status, k, c, t = _compare_cached(tuple(variables), _frozen(claimed), _frozen(true),
                                      pt.tobytes(), relation)
    # fresh lists: a caller may keep or change them without touching the memo
    return status, k, (list(c) if c is not None else None), (list(t) if t is not None else None)


@functools.lru_cache(maxsize=8192)
def _compare_cached(variables, claimed, true, point_bytes, relation):
    point = np.frombuffer(point_bytes, dtype=np.float64)
    status, k, c, t = _compare_at(variables, claimed, true, point, relation)
    return status, k, (tuple(c) if c is not None else None), (tuple(t) if t is not None else None)


def _compare_at(variables, claimed, true, point, relation):
    """:func:`compare_at` without the memo: the two-precision rule of :func:`checkers.compare.referee`."""
    dps = required_dps(variables, (claimed, true), point)
    if dps > MAX_DPS:
        return "undecidable", None, None, None
    status, k, c_hi, t_hi = referee(
        lambda p: (mp_value(variables, claimed, point, p), mp_value(variables, true, point, p)),
        dps, (relation,))
    return status, k, c_hi, t_hi


def mp_diff(variables, cost_entry, point, wrt_index, dps=None):
    """$\\partial f / \\partial v_i$ at ``point`` by ``mpmath.diff`` (independent of SymPy)."""
    f = mpmath_fn(variables, sp.ImmutableMatrix([[cost_entry]]))
    dps = dps or min(required_dps(variables, (cost_entry,), point), MAX_DPS)
    with mpmath.workdps(dps):
        x = [_mp(v) for v in point]

        def g(t):
            y = list(x)
            y[wrt_index] = t
            return f(*y)[0]

        return mpmath.diff(g, x[wrt_index])


def fmt(v, digits: int = 17) -> str:
    """A readable number: exact integers as such, else ``digits`` significant digits."""
    if isinstance(v, (float, np.floating)):
        v = mpmath.mpf(float(v))
    if isinstance(v, mpmath.mpf):
        if mpmath.isinf(v) or mpmath.isnan(v):
            return str(v)
        if v == int(v) and abs(v) < 10**15:
            return str(int(v))
        return mpmath.nstr(v, digits, min_fixed=-4, max_fixed=6)
    return str(v)
