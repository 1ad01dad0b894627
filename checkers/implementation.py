r"""Check a numeric implementation (JAX, custom VJP, optax, NumPy + backward) against a derivation.

:func:`verify_implementation` asks two questions on the claim's seeded sample (the same points
:func:`checkers.verify` uses: uniform, saturated, edge, tiny, huge, ties, ...):

* **value**: does ``fn`` compute the claim's cost?  $\mathrm{fn}(x) \approx C(x)$;
* **gradient**: does its gradient match the claimed derivative?
  $\nabla \mathrm{fn}(x) \approx \mathrm{claimed}(x)$, where $\nabla\mathrm{fn}$ is
  ``jax.jacrev(fn)`` for a JAX function -- which runs the backward pass of a ``jax.custom_vjp``,
  so a wrong backward pass is caught even when the forward pass is right -- or the ``grad``
  function you pass for a NumPy implementation.

and, with ``check_claim=True`` (the default), a third: is the derivation itself right
(:func:`checkers.kinks.verify`, the symbolic proof plus two numeric witnesses)?  An
implementation is correct when all three hold; the verdict is then VERIFIED (numerics cannot
prove code correct).

Tolerance.  An implementation computes in float64 and rounds, and how much depends on the
formula: $1 - \tanh^2 z$ at $z = -8$ keeps only 9 significant digits in any float64 code.  So
each entry is compared with a float64 error bound of the claim's own formula at that point:
$$|c - t| \le \mathrm{rtol}\,\max(|c|, |t|) + K\,\epsilon\,M(x) + 2.2\cdot10^{-308},
  \qquad \mathrm{rtol} = 10^{-12},\ K = 64,\ \epsilon = 2^{-52},$$
with $c$ the implementation's value, $t$ the claim's, and $M$ the first-order running error
bound of the expression (:func:`magnitude`): $M(v) = |v|$ for a variable,
$M(a_1 + \dots + a_k) = \sum_i M(a_i)$, and $M(f(u_1, \dots, u_k)) = |f| + \sum_i
|\partial f/\partial u_i|\, M(u_i)$ for products, powers and functions; float64 evaluation of
the expression errs by about $\epsilon M$ (Higham, *Accuracy and Stability of Numerical
Algorithms*, running error analysis).  $M$ is the larger of the bound of the formula as written
and of the formula with its logarithms split ($\ln(a/b) = \ln a - \ln b$), the way stable code
computes it (optax: $\operatorname{logsumexp}(z) - z_y$ errs by $\epsilon |z|$).  Where the
formula has no cancellation, $M$ is a small multiple of $|t|$ and the test is relative to
$10^{-12}$; a wrong backward pass is off by a fraction of the gradient itself.  The last term
is the smallest normal float64: XLA on CPU flushes subnormal results to zero; likewise, at a
point with a subnormal coordinate the claim is also evaluated with that coordinate read as 0,
as XLA reads it.

Points where float64 cannot decide (the float64 reference is not finite, or the two disagree)
go to the mpmath referee: the claim is evaluated at two working precisions
(:mod:`checkers.highprec`), and only a point where the implementation misses that stable value
by more than the bound is a counterexample.  An implementation that returns NaN or infinity
where the true value is a finite float64 number fails there.  (:func:`checkers.pointwise.decide`
is not used for this comparison: its referee confirms that two *exact* expressions differ, at
$10^{-25}$, whereas here one side is float64 output.)

Points on a kink of the cost (:mod:`checkers.kinks`) are left out of the gradient comparison
and counted.  float32 inputs or outputs raise :class:`checkers.Float32Error`.
"""

from __future__ import annotations

import functools
import math
import re
import time
from dataclasses import dataclass
from typing import Any, Callable

import mpmath
import numpy as np
import sympy as sp

from derivations import Claim, ClaimError, GradientClaim

from ._precision import require_float64
from .engine import DEFAULT_SEED
from .highprec import MAX_DPS, fmt, mp_value, required_dps
from .kinks import find_kinks, on_kink
from .lambdify import numpy_fn
from .pointwise import MAX_ESCALATE, MAX_ESCALATE_DIGITS
from .results import ERROR, FAIL, PASS, ClaimResult, Counterexample, WitnessResult
from .sampling import DEFAULT_POINTS, Sample, sample

__all__ = ["Implementation", "ImplementationError", "ImplementationResult",
           "verify_implementation", "magnitude", "IMPL_RTOL", "IMPL_K"]

IMPL_RTOL = 1e-12
IMPL_K = 64          # times machine epsilon times the running error bound M(x)
_EPS = float(np.finfo(np.float64).eps)
_DBL_MAX = np.finfo(np.float64).max
_DBL_MIN = float(np.finfo(np.float64).tiny)  # subnormal results may be flushed to zero (XLA on CPU)


class ImplementationError(ValueError):
    """The implementation or its argument layout does not fit the claim (message says how)."""


@dataclass(frozen=True)
class Implementation:
    """An implementation to check against a claim (what ``gradproof check`` collects).

    ``fn(*args)``: the value; ``args``: how the claim's variables are passed (see
    :func:`verify_implementation`); ``grad``: a NumPy backward function, or None for a JAX ``fn``.
    """

    fn: Callable
    claim: GradientClaim
    args: Any = None
    grad: Callable | None = None
    name: str | None = None


class ImplementationResult(ClaimResult):
    """A :class:`~checkers.results.ClaimResult` for an implementation.

    ``claim`` is a copy of the target claim with id ``<claim id>.impl_<name>`` (so reports get one
    row per implementation); ``target`` is the claim itself; ``claim_result`` its own verdict
    (None with ``check_claim=False``); ``name`` the implementation's name.
    """

    target: Any = None
    claim_result: ClaimResult | None = None
    name: str = ""

    def __str__(self) -> str:
        lines = [f"{self.target.id} implemented by {self.name}: {self.verdict}"
                 + (f" -- {self.message}" if self.message else "")]
        for w in self.witnesses:
            err = f", worst rel. error {w.worst_error:.1e}" if w.worst_error is not None else ""
            pts = f", {w.points} points" if w.points else ""
            lines.append(f"  {w.witness:<24} {w.status:<6} {w.method}{err}{pts}")
            if w.detail and w.status != PASS:
                lines.append(f"      {w.detail}")
        ce = self.counterexample
        if ce is not None:
            lines.append(f"  counterexample {ce}")
        if self.claim_result is not None:
            lines.append(f"  the derivation itself: {self.claim_result.verdict}"
                         + (f" -- {self.claim_result.message}" if self.claim_result.message
                            and not self.claim_result.holds else ""))
            ce = self.claim_result.counterexample
            if ce is not None and not self.claim_result.holds:
                lines.append(f"      counterexample {ce}")
        return "\n".join(lines)


# -- argument layout ---------------------------------------------------------------------------

def _nested(spec):
    """Symbols of an argument spec and its shape: a Symbol is a scalar; nested tuples are arrays."""
    if isinstance(spec, sp.Symbol):
        return [spec], ()
    if isinstance(spec, (list, tuple)) and spec:
        parts = [_nested(s) for s in spec]
        shapes = {p[1] for p in parts}
        if len(shapes) != 1:
            raise ImplementationError("ragged nesting")
        return [s for p in parts for s in p[0]], (len(spec),) + parts[0][1]
    raise ImplementationError(f"not a Symbol or a (nested) tuple of Symbols: {spec!r}")


@dataclass
class _Arg:
    symbols: list
    shape: tuple
    integer: bool


def _layout(claim, args, name):
    variables = claim.variables
    if args is None:
        args = variables
    if isinstance(args, sp.Symbol):
        args = (args,)
    out = []
    for k, spec in enumerate(args):
        try:
            syms, shape = _nested(spec)
        except ImplementationError as err:
            raise ImplementationError(
                f"{claim.id}: args[{k}] of implementation {name}: {err}; pass each argument as a "
                "claim Symbol (a scalar) or a tuple of Symbols (an array)") from None
        dom = claim.domain_map
        unknown = [s for s in syms if s not in dom]
        if unknown:
            raise ImplementationError(
                f"{claim.id}: args[{k}] of implementation {name} uses {', '.join(map(str, unknown))}, "
                f"which the claim does not have (its variables: {', '.join(map(str, variables))})")
        integer = all(dom[s].integer for s in syms)
        if not integer and any(dom[s].integer for s in syms):
            raise ImplementationError(f"{claim.id}: args[{k}] mixes integer and real variables")
        out.append(_Arg(syms, shape, integer))
    used = [s for a in out for s in a.symbols]
    twice = sorted({str(s) for s in used if used.count(s) > 1})
    if twice:
        raise ImplementationError(f"{claim.id}: args= passes {', '.join(twice)} more than once")
    missing = [s for s in variables if s not in used]
    if missing:
        raise ImplementationError(
            f"{claim.id}: implementation {name} is not given the claim variable(s) "
            f"{', '.join(map(str, missing))}; list every variable in args= (in the order fn "
            "takes them)")
    for s in claim.wrt:
        a = next(a for a in out if s in a.symbols)
        if a.integer:
            raise ImplementationError(f"{claim.id}: cannot differentiate with respect to the "
                                      f"integer variable {s}")
    return out


def _arrays(layout, smp):
    col = {s: i for i, s in enumerate(smp.variables)}
    arrays = []
    for a in layout:
        idx = [col[s] for s in a.symbols]
        arr = smp.points[:, idx].reshape((len(smp),) + a.shape)
        arrays.append(arr.astype(np.int64) if a.integer else arr)
    return arrays


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9_]+", "_", str(text).lower()).strip("_")
    return s or "fn"


# -- evaluation ---------------------------------------------------------------------------------

class _Evaluator:
    """Value (N, m) and Jacobian (N, m, n) of the implementation at given points, or the error."""

    def __init__(self, fn, grad, claim, layout, name):
        self.fn, self.grad, self.claim, self.layout, self.name = fn, grad, claim, layout, name
        self.m, self.n = claim.claimed.shape
        self.argnums = tuple(k for k, a in enumerate(layout) if set(a.symbols) & set(claim.wrt))
        self.where = []  # (argnums position, index within the argument) per wrt symbol
        for s in claim.wrt:
            k = next(k for k, a in enumerate(layout) if s in a.symbols)
            pos = layout[k].symbols.index(s)
            idx = np.unravel_index(pos, layout[k].shape) if layout[k].shape else ()
            self.where.append((self.argnums.index(k), tuple(int(i) for i in idx)))
        self._jax = None
        self.method = ("the given backward function grad(*args)" if grad is not None else
                       "jax.jacrev of fn (reverse mode: a custom VJP's backward pass), jit + vmap")

    def _check_out(self, what, arr):
        arr = np.asarray(arr)
        require_float64(f"{self.claim.id}: {what} of implementation {self.name}", arr)
        if arr.dtype.kind not in "fiu":
            raise ImplementationError(f"{self.claim.id}: {what} of implementation {self.name} has "
                                      f"dtype {arr.dtype}; expected real float64 numbers")
        return arr

    def _jax_fn(self):
        if self._jax is None:
            import jax
            import jax.numpy as jnp

            fn, argnums = self.fn, self.argnums

            def flat(*a):
                return jnp.reshape(fn(*a), (-1,))

            def both(*a):
                return flat(*a), jax.jacrev(flat, argnums=argnums)(*a)

            self._flat = flat
            self._jax = jax.jit(jax.vmap(both))
        return self._jax

    def _shape_error(self, size):
        want = "a scalar" if self.m == 1 else f"{self.m} values (the claim's cost is a column)"
        return ImplementationError(
            f"{self.claim.id}: implementation {self.name} returns {size} value(s) per point; "
            f"the claim's cost is {want}")

    def __call__(self, arrays):
        """``(values (N, m), jacobian (N, m, n), errors: list of (i, exception))``."""
        if self.grad is None:
            return self._call_jax(arrays)
        return self._call_numpy(arrays)

    def _call_jax(self, arrays):
        import jax

        f = self._jax_fn()
        one = [np.asarray(a[:1][0]) for a in arrays]
        try:
            shape = jax.eval_shape(self._flat, *one)
        except Exception as err:  # user code: report it, do not crash the run
            return None, None, [(None, err)]
        require_float64(f"{self.claim.id}: output of implementation {self.name}",
                        np.zeros(0, dtype=shape.dtype))
        if shape.shape[0] != self.m:
            raise self._shape_error(shape.shape[0])
        try:
            vals, jac = f(*arrays)
        except Exception as err:
            return None, None, [(None, err)]
        vals = self._check_out("value", vals)
        for j in jac:
            self._check_out("gradient", j)
        out = np.empty((vals.shape[0], self.m, self.n))
        for col, (k, idx) in enumerate(self.where):
            out[:, :, col] = np.asarray(jac[k])[(slice(None), slice(None)) + idx]
        return np.asarray(vals, dtype=np.float64), out, []

    def _call_numpy(self, arrays):
        npts = arrays[0].shape[0] if arrays else 0
        vals = np.full((npts, self.m), np.nan)
        jac = np.full((npts, self.m, self.n), np.nan)
        errors = []
        for i in range(npts):
            a = [np.float64(x[i]) if x.ndim == 1 and x.dtype.kind == "f" else
                 (np.int64(x[i]) if x.ndim == 1 else x[i].copy()) for x in arrays]
            try:
                with np.errstate(all="ignore"):  # float64 overflow at huge inputs is not an error
                    v = np.asarray(self.fn(*a))
                    g = self.grad(*a)
            except Exception as err:  # user code
                errors.append((i, err))
                continue
            v = self._check_out("value", v)
            if v.size != self.m:
                raise self._shape_error(v.size)
            vals[i] = v.reshape(-1)
            if not isinstance(g, (tuple, list)):
                g = (g,)
            if len(g) != len(self.argnums):
                raise ImplementationError(
                    f"{self.claim.id}: grad of implementation {self.name} returned {len(g)} "
                    f"gradient(s); expected one per argument holding a wrt variable "
                    f"(arguments {list(self.argnums)})")
            g = [self._check_out("gradient", x) for x in g]
            for col, (k, idx) in enumerate(self.where):
                gk = np.asarray(g[k], dtype=np.float64)
                argshape = self.layout[self.argnums[k]].shape
                if gk.shape not in (argshape, (self.m,) + argshape) or \
                        (gk.shape == argshape and self.m != 1):
                    raise ImplementationError(
                        f"{self.claim.id}: grad of implementation {self.name} returned shape "
                        f"{gk.shape} for argument {self.argnums[k]}; expected "
                        f"{(self.m,) + argshape if self.m > 1 else argshape}")
                gk = gk.reshape((self.m,) + argshape)
                jac[i, :, col] = gk[(slice(None),) + idx]
        return vals, jac, errors


# -- comparison -----------------------------------------------------------------------------------

def magnitude(expr) -> sp.Expr:
    r"""The first-order running error bound $M$ of ``expr`` (see the module docstring).

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
    from ._timeout import SymbolicTimeout, time_limit

    forms = [matrix]
    try:
        with time_limit(2.0):
            split = matrix.applyfunc(lambda e: sp.expand_log(e, force=True))
        if split != matrix:
            forms.append(split)
    except (SymbolicTimeout, TypeError, ValueError):
        pass
    return tuple(sp.ImmutableMatrix(f).applyfunc(magnitude) for f in forms)


def _magnitudes(matrix, smp):
    """$M(x)$ per point and entry (N, k), the larger over the forms of :func:`_magnitude_matrices`;
    NaN where float64 cannot evaluate it (such points go to the referee, see :func:`_mp_magnitude`)."""
    out = np.zeros((len(smp), len(matrix)))
    for m in _magnitude_matrices(sp.ImmutableMatrix(matrix)):
        with np.errstate(all="ignore"):
            vals = np.real(numpy_fn(smp.variables, m)(*smp.columns())).reshape(len(smp), -1)
        out = np.where(np.isfinite(vals), np.maximum(out, vals), np.nan)
    return out


def _mp_magnitude(variables, matrix, point, mag_row):
    """``mag_row`` with entries float64 could not evaluate computed by mpmath (30 digits suffice:
    $M$ is a sum of magnitudes, without cancellation); an entry beyond float64 stays infinite."""
    if np.all(np.isfinite(mag_row)):
        return mag_row
    out = np.zeros(len(mag_row))
    for m in _magnitude_matrices(sp.ImmutableMatrix(matrix)):
        vals = mp_value(variables, m, point, 30)
        out = np.maximum(out, [float(v) if mpmath.isfinite(v) else np.inf for v in vals])
    return np.where(np.isfinite(mag_row), mag_row, out)


def _bound(mag):
    """$K \\epsilon M(x)$ plus the smallest normal float64 (XLA may flush subnormal results to 0)."""
    return IMPL_K * _EPS * mag + _DBL_MIN


def _ok(c, t, rtol, atol):
    with np.errstate(all="ignore"):
        close = np.abs(c - t) <= rtol * np.maximum(np.abs(c), np.abs(t)) + atol
    return (np.isfinite(c) & np.isfinite(t) & close) | (c == t)


def _referee(variables, matrix, point):
    """The claim's side at ``point`` at two working precisions: list of mpf, or None if unstable."""
    dps = required_dps(variables, (matrix,), point)
    if dps > MAX_DPS:
        return None
    lo = mp_value(variables, matrix, point, dps)
    hi = mp_value(variables, matrix, point, 2 * dps)
    with mpmath.workdps(2 * dps):
        for a, b in zip(lo, hi):
            if mpmath.isnan(a) or mpmath.isnan(b) or mpmath.isinf(a) or mpmath.isinf(b):
                return None
            if abs(a - b) > mpmath.mpf("1e-20") * max(abs(b), mpmath.mpf("1e-300")):
                return None
    return hi


def _mp_fails(c_row, t_mp, rtol, atol_row):
    """Index of the first entry where float64 ``c_row`` misses the exact ``t_mp``, or None."""
    for k, (c, t) in enumerate(zip(c_row, t_mp)):
        if abs(t) > _DBL_MAX:  # the true value overflows float64: +-inf of the right sign is right
            if math.isinf(c) and (c > 0) == (t > 0):
                continue
            return k
        if not math.isfinite(c):
            return k
        c_mp = mpmath.mpf(float(c))
        if abs(c_mp - t) > rtol * max(abs(c_mp), abs(t)) + mpmath.mpf(atol_row[k]):
            return k
    return None


def _num(v) -> str:
    """A float64 input exactly and shortly (``-3.4``, not ``-3.3999999999999999``)."""
    v = float(v)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


@dataclass
class _Side:
    witness: str
    method: str
    matrix: Any      # the SymPy matrix of the claim's side (cost, or claimed derivative)
    names: list
    labels: tuple


def _flush(points):
    """Subnormal coordinates set to 0, as XLA on CPU reads them (denormals-are-zero)."""
    return np.where(np.abs(points) < _DBL_MIN, 0.0, points)


def _compare(side: _Side, claim, smp, rows, impl, ref, rtol, evaluate, pick, kinks,
             t0) -> WitnessResult:
    """Compare ``impl`` with ``ref`` (N, k) on ``rows``; escalate to mpmath; simplest counterexample.

    At a point with a subnormal coordinate the implementation may match the claim either there
    or with those coordinates read as 0 (XLA on CPU flushes subnormal inputs to zero).
    """
    variables = smp.variables
    mag = _magnitudes(side.matrix, smp)
    atol = _bound(mag)
    ok = _ok(impl, ref, rtol, atol)
    flushed = _flush(smp.points)
    sub = np.flatnonzero(np.any(flushed != smp.points, axis=1))
    def relative(r, mg):  # the error relative to the size of the terms (>= the value)
        with np.errstate(all="ignore"):
            out = np.abs(impl[idx] - r) / np.maximum(np.maximum(np.abs(impl[idx]), np.abs(r)),
                                                     np.fmax(mg, _DBL_MIN / _EPS))
        return np.where(np.isfinite(out), out, np.inf)

    idx = slice(None)
    rel = relative(ref, mag)
    if len(sub):
        fl = Sample(variables, flushed[sub], smp.regimes[sub], smp.seed, info=smp.info)
        with np.errstate(all="ignore"):
            ref_fl = np.real(numpy_fn(variables, side.matrix)(*fl.columns())).reshape(len(sub), -1)
        mag_fl = _magnitudes(side.matrix, fl)
        ok_fl = _ok(impl[sub], ref_fl, rtol, _bound(mag_fl))
        idx = sub
        rel_fl = relative(ref_fl, mag_fl)
        use = ok_fl.all(axis=1) & ~ok[sub].all(axis=1)   # matches only as XLA reads the point
        rel[sub[use]] = rel_fl[use]
        ok[sub] |= ok_fl
    rel = np.where(ok, rel, 0.0)
    rel = np.where(np.isfinite(rel), rel, 0.0)
    worst = float(rel[rows].max()) if len(rows) else 0.0
    bad = [i for i in rows if not ok[i].all()]
    with np.errstate(divide="ignore"):
        size = [np.nanmax(np.abs(np.log10(np.abs(smp.points[i]) + 1e-320))) if smp.points.shape[1]
                else 0 for i in bad]
    order = [bad[k] for k in np.argsort(size, kind="stable")]
    ce, escalated, beyond, spent = None, 0, 0, 0
    for i in order[:MAX_ESCALATE]:
        # a deterministic budget, as in checkers.pointwise: working digits summed over points
        spent += min(required_dps(variables, (side.matrix,), smp.points[i]), MAX_DPS)
        if spent > MAX_ESCALATE_DIGITS:
            break
        escalated += 1
        t_mp = _referee(variables, side.matrix, smp.points[i])
        if t_mp is None:
            beyond += 1
            continue
        k = _mp_fails(impl[i], t_mp, rtol,
                      _bound(_mp_magnitude(variables, side.matrix, smp.points[i], mag[i])))
        if k is not None and i in sub:
            t_fl = _referee(variables, side.matrix, flushed[i])
            one = Sample(variables, flushed[i][None, :], smp.regimes[i:i + 1], smp.seed, info=smp.info)
            m_fl = _mp_magnitude(variables, side.matrix, flushed[i], _magnitudes(side.matrix, one)[0])
            if t_fl is not None and _mp_fails(impl[i], t_fl, rtol, _bound(m_fl)) is None:
                k = None
        if k is None:
            continue
        x, c_val, t_val = _simplest(side, smp, i, k, impl[i, k], t_mp[k], rtol, evaluate, pick,
                                    kinks)
        ce = Counterexample(
            point={str(v): _num(p) for v, p in zip(variables, x)}, claimed=fmt(c_val),
            true=fmt(t_val), component=side.names[k],
            confirmed="the claim's side in mpmath at two working precisions; the implementation's "
                      "float64 output as returned",
            by_hand=f"sample regime: {smp.regimes[i]}", found_by=side.witness, labels=side.labels)
        break
    unchecked = len(bad) - escalated + beyond if ce is None else 0
    if ce is not None:
        detail = f"{claim.id}: counterexample confirmed in high precision ({ce})"
    else:
        parts = [f"{len(rows) - len(bad)} of {len(rows)} points decided in float64"]
        if escalated - beyond:
            parts.append(f"{escalated - beyond} decided by mpmath: all agree")
        if beyond:
            parts.append(f"{beyond} beyond the referee's reach (more than {MAX_DPS} digits, or an "
                         "exponential of an argument over 1e6: inputs whose products overflow), "
                         "unchecked")
        if unchecked - beyond:
            parts.append(f"{unchecked - beyond} over the referee's budget ({MAX_ESCALATE} points, "
                         f"{MAX_ESCALATE_DIGITS:,} working digits), unchecked")
        detail = "; ".join(parts)
    return WitnessResult(
        witness=side.witness, status=FAIL if ce is not None else PASS, method=side.method,
        worst_error=worst, tolerance=f"rel. {rtol:.0e} + {IMPL_K} eps M(x), M the running error "
        "bound of the claim's formula (error shown relative to max(|value|, M))",
        points=len(rows), float64_points=len(rows) - len(bad),
        escalated=escalated, detail=detail, counterexample=ce, seconds=time.monotonic() - t0,
        extra={"unchecked": unchecked})


def _simplest(side, smp, i, k, c_val, t_val, rtol, evaluate, pick, kinks):
    """The failing point rounded to 1-3 significant digits, if the implementation still fails there."""
    x = smp.points[i]
    for digits in (1, 2, 3):
        y = np.array([float(f"{v:.{digits - 1}e}") if v != 0 else 0.0 for v in x])
        inside = all(smp.domain_of(v).contains(p) for v, p in zip(smp.variables, y))
        if np.array_equal(y, x) or not inside:
            continue
        if kinks and on_kink(kinks, smp.variables, y[None, :])[0] >= 0:
            continue
        try:
            got = pick(evaluate(y[None, :]))
        except Exception:  # noqa: BLE001 - a rounding that breaks the implementation: keep x
            continue
        if got is None:
            continue
        t_mp = _referee(smp.variables, side.matrix, y)
        if t_mp is None:
            continue
        one = Sample(smp.variables, y[None, :], np.array(["rounded"], dtype=object), smp.seed,
                     info=smp.info)
        atol = _bound(_mp_magnitude(smp.variables, side.matrix, y, _magnitudes(side.matrix, one)[0]))
        k2 = _mp_fails(got[0], t_mp, rtol, atol)
        if k2 is not None:
            return y, got[0][k2], t_mp[k2]
    return x, c_val, t_val


# -- the public function -------------------------------------------------------------------------

def verify_implementation(fn, claim=None, *, args=None, grad=None, name=None,
                          seed: int = DEFAULT_SEED, points: int = DEFAULT_POINTS,
                          at=None, rtol: float = IMPL_RTOL, check_claim: bool = True,
                          symbolic_seconds: float | None = None) -> ImplementationResult:
    r"""Check ``fn`` (value) and its gradient against the gradient claim ``claim``.

    ``fn(*args)`` returns the cost (a scalar, or $m$ values for a column cost).  ``args``
    says which claim variables ``fn`` takes, in order: each entry a Symbol (passed as a float64
    scalar) or a tuple of Symbols (a 1-D array; nested tuples make 2-D arrays); variables with an
    integer domain are passed as int64.  Default: every claim variable as a scalar, in domain
    order.  ``grad(*args)``: for a NumPy implementation, the gradient with respect to each
    argument that holds a ``wrt`` variable (one array, or a tuple of them); without it, ``fn``
    must be a JAX function and ``jax.jacrev`` is used (a ``jax.custom_vjp``'s backward pass).
    ``at``: extra points (an array, one row per point, columns in ``claim.variables`` order,
    float64).  ``fn`` may also be an :class:`Implementation`.  ``check_claim``: also check the
    derivation itself (SymPy bound ``symbolic_seconds``, default
    :data:`checkers.kinks.USER_SYMBOLIC_SECONDS`).

    Returns an :class:`ImplementationResult`: VERIFIED, REFUTED (with the counterexample: the
    point, the implementation's value and the claim's, which entry), or ERROR when the
    implementation raised (the message names the point and the exception).  Raises
    :class:`ImplementationError` for an argument layout or output shape that does not fit the
    claim, and :class:`checkers.Float32Error` for float32 inputs or outputs.
    """
    if isinstance(fn, Implementation):
        fn, claim, args, grad, name = fn.fn, fn.claim, fn.args, fn.grad, fn.name or name
    t0 = time.monotonic()
    if not isinstance(claim, Claim):
        raise TypeError("verify_implementation() needs a derivations claim, got "
                        f"{type(claim).__name__}")
    if not isinstance(claim, GradientClaim):
        raise ClaimError(f"{claim.id}: an implementation is checked against a gradient claim, "
                         f"not a {claim.kind} claim")
    if not callable(fn) or (grad is not None and not callable(grad)):
        raise ImplementationError(f"{claim.id}: fn and grad must be callables")
    name = name or getattr(fn, "__name__", None) or type(fn).__name__
    layout = _layout(claim, args, name)
    smp = sample(claim, points, seed)
    if at is not None:
        extra = np.asarray(at)
        require_float64(f"{claim.id}: points given in at= for implementation {name}", extra)
        extra = np.atleast_2d(extra.astype(np.float64))
        if extra.shape[1] != len(smp.variables):
            raise ImplementationError(f"{claim.id}: at= has {extra.shape[1]} column(s); the claim has "
                                      f"{len(smp.variables)} variables {smp.variables}")
        outside = [str(v) for k, v in enumerate(smp.variables)
                   if not all(smp.domain_of(v).contains(p) for p in extra[:, k])]
        if outside:
            raise ImplementationError(f"{claim.id}: at= has points outside the domain of {outside}")
        smp = smp.with_points(extra, "given")
    evaluate_raw = _Evaluator(fn, grad, claim, layout, name)

    def evaluate(pts):
        one = Sample(smp.variables, pts, np.array(["given"] * len(pts), dtype=object), seed,
                     info=smp.info)
        return evaluate_raw(_arrays(layout, one))

    vals, jac, errors = evaluate_raw(_arrays(layout, smp))
    report_claim = claim.replace(id=f"{claim.id}.impl_{_slug(name)}",
                                 title=f"implementation {name} of: {claim.title}")
    witnesses, messages = [], []
    if errors and errors[0][0] is None:  # could not run at all (tracing failed, wrong signature)
        err = errors[0][1]
        msg = (f"{claim.id}: implementation {name} could not be evaluated: {type(err).__name__}: "
               f"{str(err).splitlines()[0][:300] if str(err) else ''}")
        if grad is None:
            msg += " (without grad=, fn must be a JAX function; pass grad= for a NumPy implementation)"
        witnesses.append(WitnessResult("implementation", ERROR, detail=msg))
        messages.append(msg)
    else:
        raised = {i for i, _ in errors}
        if errors:
            i, err = errors[0]
            pt = ", ".join(f"{v}={fmt(p)}" for v, p in zip(smp.variables, smp.points[i]))
            msg = (f"{claim.id}: implementation {name} raised {type(err).__name__}: "
                   f"{str(err)[:200]} at {pt} (sample regime {smp.regimes[i]}); it raised at "
                   f"{len(errors)} of {len(smp)} points")
            witnesses.append(WitnessResult("implementation", ERROR, detail=msg))
            messages.append(msg)
        rows = [i for i in range(len(smp)) if i not in raised]
        variables = smp.variables
        ref_v = numpy_fn(variables, claim.cost)(*smp.columns()).reshape(len(smp), -1)
        ref_g = numpy_fn(variables, claim.claimed)(*smp.columns()).reshape(len(smp), -1)
        m, n = claim.claimed.shape
        value_side = _Side("implementation value", "fn(*args) against the claim's cost, float64",
                           claim.cost, [f"output {a}" if m > 1 else "value" for a in range(m)],
                           ("implementation", "cost"))
        grad_side = _Side("implementation gradient", evaluate_raw.method, claim.claimed,
                          [(f"output {a}, " if m > 1 else "") + f"d/d{claim.wrt[b]}"
                           for a in range(m) for b in range(n)],
                          ("implementation", "claimed derivative"))

        def pick_value(res):
            return None if res[2] else res[0]

        def pick_grad(res):
            return None if res[2] else res[1].reshape(res[1].shape[0], -1)

        witnesses.append(_compare(value_side, claim, smp, rows, vals, ref_v, rtol,
                                  evaluate, pick_value, (), t0))
        kinks = find_kinks(claim)
        kink_at = np.full(len(smp), -1)
        if kinks:  # on the kink, or on it as XLA reads the point (subnormal coordinates as 0)
            kink_at = np.maximum(on_kink(kinks, variables, smp.points),
                                 on_kink(kinks, variables, _flush(smp.points)))
        grad_rows = [i for i in rows if kink_at[i] < 0]
        gw = _compare(grad_side, claim, smp, grad_rows, jac.reshape(len(smp), -1), ref_g, rtol,
                      evaluate, pick_grad, kinks, time.monotonic())
        if len(grad_rows) < len(rows):
            gw.detail += (f"; {len(rows) - len(grad_rows)} point(s) on a kink of the cost set aside ("
                          + "; ".join(k.describe() for k in kinks) + ")")
        witnesses.append(gw)
    claim_result = None
    if check_claim:
        from .kinks import USER_SYMBOLIC_SECONDS
        from .kinks import verify as verify_claim

        claim_result = verify_claim(claim, seed=seed, points=points,
                                    symbolic_seconds=symbolic_seconds or USER_SYMBOLIC_SECONDS)
    failed = [w for w in witnesses if w.status == FAIL]
    if failed:
        verdict = "REFUTED"
        messages.insert(0, "; ".join(f"{w.witness} differs from the claim" for w in failed))
    elif any(w.status == ERROR for w in witnesses):
        verdict = "ERROR"
    elif claim_result is not None and not claim_result.holds:
        verdict = claim_result.verdict if claim_result.verdict != "ERROR" else "ERROR"
        messages.append(f"the implementation matches the claim, but the claim itself is "
                        f"{claim_result.verdict}")
    else:
        verdict = "VERIFIED"
    unchecked = sum(w.extra.get("unchecked", 0) for w in witnesses)
    if verdict == "VERIFIED" and unchecked:
        messages.append(f"{unchecked} point comparison(s) unchecked (see the witnesses' evidence)")
    res = ImplementationResult(report_claim, verdict, witnesses, seed, time.monotonic() - t0,
                               "; ".join(messages))
    res.target, res.claim_result, res.name = claim, claim_result, name
    res.points = len(smp)
    res.sample_shares = smp.shares()
    return res
