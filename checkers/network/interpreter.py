r"""The interpreter of network expressions: one expression tree, every size, every back end.

A network claim's sides are matrix expressions in the vocabulary of :mod:`derivations.network`
over a generic layer $l$.  :func:`evaluate` walks the tree once per evaluation, with the sizes
$n_{l-1}, n_l, n_{l+1}, N$ bound by the :class:`Ctx` (:func:`dims_at`) and the quantities looked
up by the caller: SymPy object arrays on explicit small networks (the proof), JAX arrays at
realistic sizes (the numerics), mpmath object arrays (the referee).  Matrix forms map to their
array operations; index forms (``FunctionMatrix(rows, cols, Lambda((i, j), body))`` with ``Sum``)
compile to one ``einsum`` per term of the expanded body, a term being a product of entries
$M_{rc}$, each possibly under a function of one entry.

With ``ctx.magnitude`` (JAX only) every node also carries its *magnitude*: the expression
evaluated on absolute values ($|c| \, m_A m_B$ for a product, $m_A + m_B$ for a sum,
$|f(v)| \max(1, m)$ for an elementwise function), the scale of its float64 rounding error.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.matexpr import MatrixElement

from derivations import ClaimError
from derivations.network import EntryIndicator, N, n_l, n_next, n_prev

from .activation import SIGMOID, T, scalar_fn, substitute

__all__ = ["Ctx", "evaluate", "layers_of", "dims_at"]


class Ctx:
    """How to evaluate: array namespace, the values of the vocabulary symbols, the sizes, the
    activation (an :class:`~checkers.network.activation.Activation`, or ``"generic"``: keep
    ``act``/``act_prime``, SymPy only)."""

    def __init__(self, backend, lookup, dims, layer, activation=SIGMOID, magnitude=False,
                 mag_lookup=None):
        self.backend = backend            # "jax", "sympy" or "mpmath"
        self.lookup = lookup              # MatrixSymbol -> array
        # MatrixSymbol -> its rounding-error scale (default |value|; computed derivatives carry
        # the absolute-value backward pass, see NumericNet.magnitude)
        self.mag_lookup = mag_lookup
        self.dims = dims                  # {n_prev: int, n_l: int, n_next: int, N: int}
        self.layer = layer
        self.activation = activation
        self.magnitude = magnitude and backend == "jax"
        if backend == "jax":
            import jax.numpy as jnp
            self.xp = jnp
        else:
            self.xp = np

    def dim(self, d):
        v = sp.sympify(d).xreplace(self.dims)
        if not v.is_Integer:
            raise ClaimError(f"size {d} is not bound at this network (bound: {self.dims})")
        return int(v)

    def scalar(self, e):
        v = sp.sympify(e).xreplace(self.dims)
        if self.backend == "jax":
            return float(v)
        if self.backend == "mpmath":
            import mpmath
            return mpmath.mpf(sp.Rational(v)) if v.is_Rational else mpmath.mpmathify(sp.N(v, 60))
        return v

    def full(self, shape, value):
        if self.backend == "jax":
            return self.xp.full(shape, float(value))
        one = sp.Integer(value) if self.backend == "sympy" else __import__("mpmath").mpf(value)
        return np.full(shape, one, dtype=object)

    def apply(self, lam, arr):
        if self.backend == "sympy":
            (v,) = lam.variables
            body = substitute(lam.expr, self.activation, "sympy")
            return np.vectorize(lambda u: body.xreplace({v: u}), otypes=[object])(arr)
        return scalar_fn(lam, self.backend, self.activation)(arr)

    def power(self, arr, p):
        if self.backend == "jax":
            return arr ** float(p)
        return np.vectorize(lambda u: u ** p, otypes=[object])(arr)

    def einsum(self, spec, *arrs):
        return self.xp.einsum(spec, *arrs)


def _pair(ctx, v, m=None):
    return (v, m) if ctx.magnitude else v


def evaluate(expr, ctx: Ctx):
    """``expr`` (a vocabulary matrix expression) as an array; with ``ctx.magnitude``, a pair
    ``(value, magnitude)`` where the magnitude is the expression evaluated on absolute values
    (the scale of its float64 rounding error)."""
    mag = ctx.magnitude
    xp = ctx.xp
    e = expr
    if isinstance(e, sp.MatrixSymbol):
        v = ctx.lookup(e)
        if not mag:
            return v
        return v, (ctx.mag_lookup(e) if ctx.mag_lookup is not None else xp.abs(v))
    if isinstance(e, (sp.OneMatrix, sp.ZeroMatrix)):
        v = ctx.full((ctx.dim(e.shape[0]), ctx.dim(e.shape[1])), 1 if isinstance(e, sp.OneMatrix) else 0)
        return _pair(ctx, v, v)
    if isinstance(e, sp.Identity):
        n = ctx.dim(e.shape[0])
        v = xp.eye(n) if ctx.backend == "jax" else np.array(
            [[sp.Integer(int(i == j)) for j in range(n)] for i in range(n)], dtype=object)
        return _pair(ctx, v, v)
    if isinstance(e, EntryIndicator):
        r, c = ctx.dim(e.shape[0]), ctx.dim(e.shape[1])
        i, j, layer = e.entry
        hit = (layer in (0, ctx.layer)) and i < r and j < c
        if ctx.backend == "jax":
            v = xp.zeros((r, c)).at[i, j].set(1.0) if hit else xp.zeros((r, c))
        else:
            v = ctx.full((r, c), 0)
            if hit:
                v[i, j] = ctx.full((1, 1), 1)[0, 0]
        return _pair(ctx, v, v)
    if isinstance(e, sp.Transpose):
        out = evaluate(e.arg, ctx)
        tr = (lambda a: xp.swapaxes(a, -1, -2)) if ctx.backend == "jax" else (lambda a: a.T)
        return (tr(out[0]), tr(out[1])) if mag else tr(out)
    if isinstance(e, sp.MatMul):
        scal = sp.Mul(*[a for a in e.args if not isinstance(a, sp.MatrixExpr)])
        mats = [evaluate(a, ctx) for a in e.args if isinstance(a, sp.MatrixExpr)]
        c = ctx.scalar(scal)
        if mag:
            v, m = mats[0]
            for v2, m2 in mats[1:]:
                v, m = v @ v2, m @ m2
            return c * v, abs(c) * m
        v = mats[0]
        for v2 in mats[1:]:
            v = v @ v2
        return v if scal == 1 else c * v
    if isinstance(e, sp.MatAdd):
        parts = [evaluate(a, ctx) for a in e.args]
        if mag:
            return sum(p[0] for p in parts[1:]) + parts[0][0], sum(p[1] for p in parts[1:]) + parts[0][1]
        out = parts[0]
        for p in parts[1:]:
            out = out + p
        return out
    if isinstance(e, sp.HadamardProduct):
        parts = [evaluate(a, ctx) for a in e.args]
        if mag:
            v, m = parts[0]
            for v2, m2 in parts[1:]:
                v, m = v * v2, m * m2
            return v, m
        out = parts[0]
        for p in parts[1:]:
            out = out * p
        return out
    if isinstance(e, sp.HadamardPower):
        p = e.exp
        if mag:
            v, m = evaluate(e.base, ctx)
            out = ctx.power(v, p)
            if float(p) >= 0:
                return out, ctx.power(m, p)
            return out, xp.abs(out) * ctx.power(m / xp.where(v == 0, 1.0, xp.abs(v)), -float(p))
        return ctx.power(evaluate(e.base, ctx), p)
    if isinstance(e, ElementwiseApplyFunction):
        if mag:
            v, m = evaluate(e.expr, ctx)
            out = ctx.apply(e.function, v)
            return out, xp.abs(out) * xp.maximum(1.0, m)
        return ctx.apply(e.function, evaluate(e.expr, ctx))
    if isinstance(e, sp.FunctionMatrix):
        return _eval_index_form(e, ctx)
    raise ClaimError(f"cannot evaluate {type(e).__name__} ({e}) in a network claim")


# --- index forms: FunctionMatrix(rows, cols, Lambda((i, j), body)) -> einsum -------------------

def _index_terms(e, where):
    """``e`` as a list of terms ``(coeff, factors, sums)``.

    A factor is ``(M, (r, c), lam)``: the entry ``M[r, c]``, with ``lam`` (a one-variable
    ``Lambda`` or None) applied elementwise first; ``sums`` lists ``(k, lo, hi)``.
    """
    if not e.atoms(MatrixElement):
        return [(e, [], [])]
    if isinstance(e, sp.Add):
        return [t for a in e.args for t in _index_terms(a, where)]
    if isinstance(e, sp.Mul):
        out = [(sp.Integer(1), [], [])]
        for a in e.args:
            out = [(c1 * c2, f1 + f2, s1 + s2) for c1, f1, s1 in out for c2, f2, s2 in _index_terms(a, where)]
        return out
    if isinstance(e, sp.Sum):
        lims = [tuple(lim) for lim in e.limits]
        return [(c, f, s + lims) for c, f, s in _index_terms(e.function, where)]
    if isinstance(e, MatrixElement):
        return [(sp.Integer(1), [(e.parent, (e.i, e.j), None)], [])]
    elems = list(e.atoms(MatrixElement))
    if len(elems) == 1 and isinstance(e, (sp.Function, sp.Pow)):
        el = elems[0]
        if not isinstance(el.parent, sp.MatrixSymbol):
            raise ClaimError(f"{where}: index form: {el} must index a network quantity")
        lam = sp.Lambda(T, e.xreplace({el: T}))
        return [(sp.Integer(1), [(el.parent, (el.i, el.j), lam)], [])]
    raise ClaimError(f"{where}: index form: cannot compile {e} (use sums of products of entries "
                     "M[i, j] and functions of one entry)")


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _eval_index_form(fm, ctx):
    (i, j) = fm.lamda.variables
    rows, cols = ctx.dim(fm.shape[0]), ctx.dim(fm.shape[1])
    terms = _index_terms(fm.lamda.expr, "claim")
    total_v = total_m = None
    for coeff, factors, sums in terms:
        letters = {i: "a", j: "b"}
        sizes = {}
        specs, vals, mags = [], [], []
        for M, (r, c), lam in factors:
            arr = ctx.lookup(M)
            if ctx.magnitude:
                v = ctx.apply(lam, arr) if lam is not None else arr
                if lam is not None:
                    m = ctx.xp.abs(v) * ctx.xp.maximum(1.0, ctx.xp.abs(arr))
                else:
                    m = ctx.mag_lookup(M) if ctx.mag_lookup is not None else ctx.xp.abs(v)
            else:
                v = ctx.apply(lam, arr) if lam is not None else arr
                m = None
            spec = ""
            for axis, idx in enumerate((r, c)):
                if idx.is_Integer:
                    k = int(idx)
                    if k >= arr.shape[axis]:
                        raise ClaimError(f"index form: {M}[{r}, {c}] out of range at this network")
                    v = v[k] if axis == 0 else v[..., k]
                    m = None if m is None else (m[k] if axis == 0 else m[..., k])
                    continue
                if not idx.is_Symbol:
                    raise ClaimError(f"index form: index {idx} of {M} must be a plain index symbol")
                if idx not in letters:
                    letters[idx] = _LETTERS[len(letters) + 2]
                size = arr.shape[axis]
                if sizes.setdefault(idx, size) != size:
                    raise ClaimError(f"index form: index {idx} runs over axes of sizes {sizes[idx]} and {size}")
                spec += letters[idx]
            specs.append(spec)
            vals.append(v)
            mags.append(m)
        c = ctx.scalar(coeff)
        for free, n in ((i, rows), (j, cols)):
            if sizes.setdefault(free, n) != n:
                raise ClaimError(f"index form: index {free} runs over {n} values but indexes an axis of size {sizes[free]}")
            if free not in {s for f in factors for s in f[1]}:
                specs.append(letters[free])
                one = ctx.full((n,), 1) if ctx.backend != "jax" else ctx.xp.ones(n)
                vals.append(one)
                mags.append(one)
        for k, lo, hi in sums:
            lo_v, hi_v = ctx.dim(lo), ctx.dim(hi)
            if k not in sizes:  # summand independent of k
                c = c * (hi_v - lo_v + 1)
                continue
            if lo_v != 0 or hi_v != sizes[k] - 1:
                raise ClaimError(f"index form: the sum over {k} runs {lo}..{hi} = {lo_v}..{hi_v} but "
                                 f"{k} indexes an axis of size {sizes[k]}")
        spec = ",".join(specs) + "->ab"
        v = c * ctx.einsum(spec, *vals)
        total_v = v if total_v is None else total_v + v
        if ctx.magnitude:
            m = abs(c) * ctx.einsum(spec, *mags)
            total_m = m if total_m is None else total_m + m
    return (total_v, total_m) if ctx.magnitude else total_v


def layers_of(claim, L: int) -> list:
    """The layers $l$ a claim speaks of, in a network of depth ``L``."""
    return {"all": list(range(1, L + 1)), "hidden": list(range(1, L)), "output": [L]}[claim.layers]


def dims_at(sizes, l, batch):
    """The sizes $n_{l-1}, n_l, n_{l+1}, N$ at layer ``l`` of a network of widths ``sizes``
    ($n_{L+1}$ unbound at the output layer)."""
    L = len(sizes) - 1
    return {n_prev: sp.Integer(sizes[l - 1]), n_l: sp.Integer(sizes[l]),
            n_next: sp.Integer(sizes[l + 1]) if l < L else sp.Symbol("unbound"), N: sp.Integer(batch)}
