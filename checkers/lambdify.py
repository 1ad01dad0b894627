r"""From SymPy to numbers: one bridge per back end (JAX, NumPy, mpmath).

Each claim expression is lambdified once.  Opaque functions of ``derivations`` are given a
numerically stable implementation per back end:

* ``sigmoid``: $\sigma(z) = 1/(1+e^{-z})$ for $\operatorname{Re} z \ge 0$ and $e^{z}/(1+e^{z})$
  otherwise (no overflow; the complex step sees the same analytic function), ``jax.nn.sigmoid``
  in JAX, the plain formula in mpmath (whose exponent range does not overflow).

Any other undefined function must provide ``rewrite(sympy.exp)``; ``KroneckerDelta`` is
rewritten to a ``Piecewise`` (its default printing breaks on arrays, see SYMPY-NOTES).
"""

from __future__ import annotations

import functools

import mpmath
import numpy as np
import sympy as sp

from . import _precision  # noqa: F401  (x64 before any array)

__all__ = ["opaque_functions", "prepare", "stabilize", "softplus", "numpy_fn", "jax_fn", "mpmath_fn", "is_analytic", "NON_ANALYTIC"]

NON_ANALYTIC = (sp.Abs, sp.Max, sp.Min, sp.Piecewise, sp.Heaviside, sp.sign, sp.floor,
                sp.ceiling, sp.re, sp.im, sp.DiracDelta)


def _np_softplus(u):
    u = np.asarray(u)
    with np.errstate(over="ignore", invalid="ignore"):
        pos = u + np.log1p(np.exp(-u))
        neg = np.log1p(np.exp(u))
    return np.where(np.real(u) > 0, pos, neg)


def _jax_softplus(u):
    import jax.numpy as jnp

    safe_pos = jnp.where(jnp.real(u) > 0, u, 0)  # double-where: no NaN gradient from the unused branch
    safe_neg = jnp.where(jnp.real(u) > 0, 0, u)
    return jnp.where(jnp.real(u) > 0, safe_pos + jnp.log1p(jnp.exp(-safe_pos)), jnp.log1p(jnp.exp(safe_neg)))


def _mp_softplus(u):
    return mpmath.log1p(mpmath.exp(u))


def _np_sigmoid(z):
    z = np.asarray(z)
    with np.errstate(over="ignore", invalid="ignore"):
        pos = 1.0 / (1.0 + np.exp(-z))
        ez = np.exp(z)
        neg = ez / (1.0 + ez)
    return np.where(np.real(z) >= 0, pos, neg)


def _mp_sigmoid(z):
    return 1 / (1 + mpmath.exp(-z))


def _jax_sigmoid(z):
    import jax

    return jax.nn.sigmoid(z)


_IMPL = {
    "numpy": {"sigmoid": _np_sigmoid, "softplus": _np_softplus},
    "jax": {"sigmoid": _jax_sigmoid, "softplus": _jax_softplus},
    "mpmath": {"sigmoid": _mp_sigmoid, "softplus": _mp_softplus},
}


class softplus(sp.Function):
    r"""$\operatorname{softplus}(u) = \ln(1 + e^{u})$, used only for evaluation (see :func:`stabilize`)."""

    nargs = 1

    def fdiff(self, argindex=1):
        from derivations import sigmoid

        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return sp.log(1 + sp.exp(u))


def stabilize(expr):
    r"""Rewrite by exact identities that float64 evaluates better (the math is unchanged).

    $1 - \sigma(u) = \sigma(-u)$ (no cancellation when $\sigma(u) \to 1$), and
    $\ln \sigma(u) = -\operatorname{softplus}(-u)$ (no $\ln 0$ when $\sigma(u)$ underflows),
    the identities behind ``optax.sigmoid_binary_cross_entropy``.
    """
    from derivations import sigmoid

    def one_minus(e):
        if not e.is_Add or sp.S.One not in e.args:
            return e
        for t in e.args:
            if t.is_Mul and len(t.args) == 2 and t.args[0] == -1 and isinstance(t.args[1], sigmoid):
                rest = [a for a in e.args if a is not t and a != sp.S.One]
                rest.remove(sp.S.One) if sp.S.One in rest else None
                others = list(e.args)
                others.remove(sp.S.One)
                others.remove(t)
                return sp.Add(sigmoid(-t.args[1].args[0]), *others)
        return e

    expr = sp.sympify(expr)
    if not expr.has(sigmoid):
        return expr
    expr = expr.replace(lambda e: e.is_Add, one_minus)
    expr = expr.replace(lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sigmoid),
                        lambda e: -softplus(-e.args[0].args[0]))
    return expr


def prepare(expr):
    """Rewrite what the printers cannot handle: KroneckerDelta, unknown opaque functions."""
    expr = stabilize(sp.sympify(expr))
    expr = expr.replace(sp.KroneckerDelta,
                        lambda i, j, *rest: sp.Piecewise((1, sp.Eq(i, j)), (0, True)))
    known = set(_IMPL["numpy"])
    for f in sorted(opaque_functions(expr), key=str):
        if type(f).__name__ not in known:
            rewritten = f.rewrite(sp.exp)
            if rewritten == f:
                raise ValueError(
                    f"function {type(f).__name__} has no numeric implementation: define "
                    "_eval_rewrite_as_exp on it, or use explicit SymPy functions")
            expr = expr.xreplace({f: rewritten})
    return expr


def opaque_functions(expr) -> set:
    """Applied functions defined outside SymPy (``sigmoid``, a user's own): no SymPy printer knows them."""
    return {f for f in sp.sympify(expr).atoms(sp.Function)
            if not type(f).__module__.startswith("sympy")}


def is_analytic(*exprs) -> bool:
    """True if no non-analytic node (abs, max, piecewise, ...) occurs: the complex step applies."""
    for e in exprs:
        e = sp.sympify(e)
        if any(e.has(f) for f in NON_ANALYTIC):
            return False
        if e.has(sp.KroneckerDelta):
            return False
    return True


def _entries(m):
    if isinstance(m, sp.MatrixBase):
        return list(m)
    return [m]


_MAX_EXACT_INT = 2 ** 53


def _float_literals(expr):
    r"""Integers beyond $2^{53}$ (and rationals with such a numerator or denominator) as float64
    numbers: JAX turns a Python ``int`` literal into an int64 array and raises ``OverflowError``
    at $10^{100}$ (NumPy does at $10^{400}$), where float64 holds it (or overflows to $\pm\infty$ past $1.8 \cdot 10^{308}$,
    as the float64 evaluation of the expression must)."""
    big = {r: sp.Float(r, 20) for r in expr.atoms(sp.Rational)
           if abs(r.p) > _MAX_EXACT_INT or r.q > _MAX_EXACT_INT}
    return expr.xreplace(big) if big else expr


@functools.lru_cache(maxsize=4096)
def _lambdify(variables, entries, backend):
    modules = [_IMPL[backend], backend]
    entries = [prepare(e) for e in entries]
    if backend in ("jax", "numpy"):
        entries = [_float_literals(e) for e in entries]
    return sp.lambdify(list(variables), entries, modules=modules, cse=True)


def _compiled(variables, matrix, backend):
    """(lambdified entries, shape) of a scalar or matrix expression."""
    m = sp.ImmutableMatrix(matrix) if isinstance(matrix, sp.MatrixBase) else sp.ImmutableMatrix([[matrix]])
    return _lambdify(tuple(variables), tuple(m), backend), m.shape


def numpy_fn(variables, matrix):
    r"""``f(*columns) -> ndarray (N, m, n)``: the matrix evaluated at N points (broadcast)."""
    raw, shape = _compiled(variables, matrix, "numpy")

    def f(*cols):
        n = np.broadcast_shapes(*(np.shape(c) for c in cols)) if cols else ()  # > 64 arguments too
        with np.errstate(all="ignore"):
            vals = raw(*cols)
        arr = np.stack([np.broadcast_to(np.asarray(v), n) for v in vals], axis=-1)
        return arr.reshape(n + shape)

    return f


def jax_fn(variables, matrix):
    r"""``f(*scalars) -> jax array (m, n)`` for one point (to be vmapped / differentiated)."""
    import jax.numpy as jnp

    raw, shape = _compiled(variables, matrix, "jax")

    def f(*args):
        vals = raw(*args)
        return jnp.stack([jnp.asarray(v, dtype=jnp.result_type(float, *args)) * jnp.ones(())
                          for v in vals]).reshape(shape)

    return f


def mpmath_fn(variables, matrix):
    """``f(*mpf) -> list of mpf`` (row-major entries), evaluated at the current mpmath precision."""
    raw, _ = _compiled(variables, matrix, "mpmath")

    def f(*args):
        return [mpmath.mpmathify(v) for v in raw(*args)]

    return f
