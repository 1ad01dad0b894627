r"""The vectorized index interpreter: indexed SymPy expressions evaluated on arrays.

No explicit SymPy instance of an indexed claim is built (at $K = 1000$ SymPy's Jacobian of one
softmax row alone takes 75 s).  Instead the indexed expressions are evaluated *vectorized*: a
sum over $i = 1..K$ is an array axis, a Kronecker delta an index comparison, and a sum
$\sum_i \delta_{ie}\, f(i)$ is contracted to $f(e)\,[lo \le e \le hi]$ (exact).  The same
interpreter runs on NumPy (float64 and complex128), JAX, and mpmath object arrays (the
referee's backend, where a function of one value is computed once per evaluator and precision).

Public API: :class:`Evaluator`, :func:`hoist`.
"""

from __future__ import annotations

import functools
import operator
from functools import reduce

import mpmath
import numpy as np
import sympy as sp

from derivations import ClaimError

from ..lambdify import mp_exp

__all__ = ["Evaluator", "hoist"]


class _Backend:
    def __init__(self, name):
        self.name = name
        if name == "jax":
            import jax.numpy as jnp

            self.xp = jnp
            self.funcs = {sp.exp: jnp.exp, sp.log: jnp.log, sp.Abs: jnp.abs, sp.sin: jnp.sin,
                          sp.cos: jnp.cos, sp.tanh: jnp.tanh}
        elif name == "mpmath":
            self.xp = np
            cache = {}

            def memo(g):
                def f(x):  # exp of the same entry recurs (the sum, a_k, the true derivative)
                    key = (g, x, mpmath.mp.prec)
                    r = cache.get(key)
                    if r is None:
                        r = cache[key] = g(x)
                    return r
                return f

            self.funcs = {}
            for f, g in ((sp.exp, mp_exp), (sp.log, mpmath.log), (sp.Abs, abs), (sp.sin, mpmath.sin),
                         (sp.cos, mpmath.cos), (sp.tanh, mpmath.tanh)):
                u = np.frompyfunc(memo(g), 1, 1)
                self.funcs[f] = lambda x, u=u: np.asarray(u(x), dtype=object)
        else:
            self.xp = np
            self.funcs = {sp.exp: np.exp, sp.log: np.log, sp.Abs: np.abs, sp.sin: np.sin,
                          sp.cos: np.cos, sp.tanh: np.tanh}

    def number(self, e):
        if self.name == "mpmath":
            # 0-d object arrays, never bare mpf: mpf * ndarray first tries (and fails) to
            # convert the whole array, formatting it for the error message
            if e.is_Rational:
                return np.asarray(mpmath.mpf(int(e.p)) / int(e.q), dtype=object)
            return np.asarray(mpmath.mpf(str(sp.N(e, mpmath.mp.dps + 10))), dtype=object)
        return float(e)

    def where(self, c, a, b):
        return self.xp.where(c, a, b)


@functools.lru_cache(maxsize=4096)
def hoist(e):
    r"""Move factors that do not depend on a sum's index out of the sum: $\sum_l \delta_{ij}
    f_l = \delta_{ij} \sum_l f_l$ (exact).  It exposes Kronecker deltas to the contraction
    $\sum_i \delta_{ij} g_i = g_j$, so a derivative like $\sum_i e^{z_i} \sum_l
    \delta_{ij}\delta_{kl} x_l$ costs $O(K + m)$, not $O(K^2 m^2)$, per point."""
    if not isinstance(e, sp.Basic) or not e.has(sp.Sum):
        return e
    if isinstance(e, sp.Sum):
        if len(e.limits) > 1:
            return hoist(sp.Sum(sp.Sum(e.function, e.limits[0]), *e.limits[1:]))
        d = e.limits[0][0]
        body = hoist(e.function)
        dep, indep = [], []
        for f in sp.Mul.make_args(body):
            (dep if d in f.free_symbols else indep).append(f)
        if not indep or not dep:
            return sp.Sum(body, e.limits[0])
        return sp.Mul(*indep) * sp.Sum(sp.Mul(*dep), e.limits[0])
    return e.func(*[hoist(a) for a in e.args])


@functools.lru_cache(maxsize=65536)
def _free(e):
    return frozenset(e.free_symbols)


class Evaluator:
    r"""Evaluate indexed SymPy expressions on arrays, vectorized over points and index values.

    ``bases``: base -> array (N, *shape) (NumPy float/complex, JAX, or mpmath object arrays);
    ``labels``: base -> int array (N, *shape); ``indices``: index symbol -> int array (N,);
    ``params``: scalar symbol -> array (N,); ``out``: ordered (index symbol, int array of
    values) pairs, one output axis each.  ``__call__(expr)`` returns an array of shape
    (N, *out lengths).  Every intermediate has the full number of axes
    (1 + outputs + open sums), with size 1 where it does not vary.
    """

    def __init__(self, claim, sizes, backend, bases, labels, indices, params, out=()):
        self.claim = claim
        self.sizes = {k: int(v) for k, v in sizes.items()}
        self.be = _Backend(backend)
        self.bases = bases
        self.labels = labels
        first = next(iter(bases.values()), None)
        if first is None:
            first = next(iter(labels.values()), None)
        if first is None:
            first = next(iter(indices.values()), None)
        self.n = int(np.shape(first)[0])
        self.out = tuple(out)
        self.n_out = len(self.out)
        self.env = {}
        nd0 = 1 + self.n_out
        for ix, v in indices.items():
            self.env[ix] = np.asarray(v, dtype=np.int64).reshape((-1,) + (1,) * self.n_out)
        for pos, (ix, vals) in enumerate(self.out):
            shape = [1] * nd0
            shape[1 + pos] = len(vals)
            self.env[ix] = np.asarray(vals, dtype=np.int64).reshape(shape)
        self.params = {}
        for s, v in params.items():
            arr = v if backend == "jax" else np.asarray(v)
            self.params[s] = arr.reshape((-1,) + (1,) * self.n_out)
        self.shape_vals = {}
        for b, shape in claim.shape_map.items():
            self.shape_vals[b] = tuple(self._size_int(s) for s in shape)
        for b, (shape, lo, hi) in claim.label_map.items():
            self.shape_vals[b] = tuple(self._size_int(s) for s in shape)
        self.memo = {}
        self._alive = []  # dummy-value arrays stay alive, so their ids (memo keys) stay unique
        self.index_syms = set(claim.index_symbols)

    # -- helpers -------------------------------------------------------------------------
    def _size_int(self, e):
        v = sp.sympify(e).xreplace({k: sp.Integer(v) for k, v in self.sizes.items()})
        if not v.is_Integer:
            raise ClaimError(f"{self.claim.id}: size expression {e} is not an integer at {self.sizes}")
        return int(v)

    def _nd(self, depth):
        return 1 + self.n_out + depth

    @staticmethod
    def _expand(a, nd):
        a = np.asarray(a) if not hasattr(a, "ndim") else a
        if a.ndim == 0:
            return a
        if a.ndim < nd:
            return a.reshape(a.shape + (1,) * (nd - a.ndim))
        return a

    def _is_index(self, e, bound) -> bool:
        if e.is_Integer:
            return True
        if e.is_Symbol:
            return e in self.index_syms or e in bound or e in self.sizes
        if isinstance(e, sp.Indexed):
            return e.base in self.labels
        if isinstance(e, (sp.Add, sp.Mul)):
            return all(self._is_index(a, bound) for a in e.args)
        if isinstance(e, sp.Pow):
            return self._is_index(e.base, bound) and e.exp.is_Integer and e.exp >= 0
        return False

    # -- index level (NumPy integers) ---------------------------------------------------
    def _ix(self, e, depth, bound):
        nd = self._nd(depth)
        if e.is_Integer:
            return int(e)
        if e.is_Symbol:
            if e in self.sizes:
                return self.sizes[e]
            if e in self.env:
                return self._expand(self.env[e], nd)
            raise ClaimError(f"{self.claim.id}: index {e} has no value (declare it in ranges=)")
        if isinstance(e, sp.Indexed):
            idx = [self._ix(t, depth, bound) for t in e.indices]
            return self._gather(e, self.labels[e.base], idx, nd)
        if isinstance(e, sp.Add):
            return reduce(operator.add, (self._ix(a, depth, bound) for a in e.args))
        if isinstance(e, sp.Mul):
            return reduce(operator.mul, (self._ix(a, depth, bound) for a in e.args))
        if isinstance(e, sp.Pow):
            return self._ix(e.base, depth, bound) ** int(e.exp)
        raise ClaimError(f"{self.claim.id}: cannot use {e} as an index")

    def _gather(self, e, arr, idx, nd):
        shape = self.shape_vals[e.base]
        fixed = []
        for t, (v, ext) in enumerate(zip(idx, shape)):
            vv = np.asarray(v)
            if vv.size and (vv.min() < 1 or vv.max() > ext):
                raise ClaimError(
                    f"{self.claim.id}: index {e.indices[t]} of {e} takes values "
                    f"{int(vv.min())}..{int(vv.max())}, outside 1..{ext} at sizes {self.sizes}")
            fixed.append(self._expand(vv - 1, nd) if vv.ndim else np.full((1,) * nd, int(vv) - 1))
        rows = np.arange(self.n).reshape((self.n,) + (1,) * (nd - 1))
        return arr[(rows, *fixed)]

    # -- conditions ----------------------------------------------------------------------
    def _cond(self, c, depth, bound):
        if c is sp.true:
            return True
        if c is sp.false:
            return False
        if isinstance(c, sp.And):
            return reduce(np.logical_and, (self._cond(a, depth, bound) for a in c.args))
        if isinstance(c, sp.Or):
            return reduce(np.logical_or, (self._cond(a, depth, bound) for a in c.args))
        if isinstance(c, sp.Not):
            return np.logical_not(self._cond(c.args[0], depth, bound))
        if isinstance(c, sp.core.relational.Relational):
            op = {sp.Eq: operator.eq, sp.Ne: operator.ne, sp.Lt: operator.lt, sp.Le: operator.le,
                  sp.Gt: operator.gt, sp.Ge: operator.ge}[type(c)]
            if self._is_index(c.lhs, bound) and self._is_index(c.rhs, bound):
                return op(self._ix(c.lhs, depth, bound), self._ix(c.rhs, depth, bound))
            out = op(self._ev(c.lhs, depth, bound), self._ev(c.rhs, depth, bound))
            return out.astype(bool) if self.be.name == "mpmath" and hasattr(out, "astype") else out
        raise ClaimError(f"{self.claim.id}: cannot evaluate the condition {c}")

    # -- value level ---------------------------------------------------------------------
    def _float(self, a):
        a = np.asarray(a)
        if self.be.name == "mpmath":
            return a.astype(np.float64).astype(object)
        return a.astype(np.float64)

    def __call__(self, expr):
        with np.errstate(all="ignore"):
            v = self._ev(hoist(sp.sympify(expr)), 0, frozenset())
        full = (self.n,) + tuple(len(vals) for _, vals in self.out)
        if self.be.name == "jax":
            return self.be.xp.broadcast_to(v, full)
        if self.be.name == "mpmath":
            v = np.asarray(v, dtype=object) if not isinstance(v, np.ndarray) else v
            return np.broadcast_to(v, full)
        return np.broadcast_to(np.asarray(v), full)

    def _key(self, e, depth, bound):
        fs = _free(e)
        sig = tuple(sorted((str(s), id(self.env[s])) for s in fs if s in self.env))
        return (e, depth, sig)

    def _ev(self, e, depth, bound):
        key = self._key(e, depth, bound)
        if key in self.memo:
            return self.memo[key]
        v = self._ev_raw(e, depth, bound)
        self.memo[key] = v
        return v

    def _ev_raw(self, e, depth, bound):
        be, nd = self.be, self._nd(depth)
        if e.is_Number:
            return be.number(e)
        if e is sp.E:
            return be.funcs[sp.exp](be.number(sp.Integer(1)))
        if e.is_Symbol:
            if e in self.params:
                return self._expand(self.params[e], nd)
            if self._is_index(e, bound):
                return self._float(self._ix(e, depth, bound))
            raise ClaimError(f"{self.claim.id}: symbol {e} has no value (a parameter needs a domain)")
        if isinstance(e, sp.Indexed):
            if e.base in self.labels:
                return self._float(self._ix(e, depth, bound))
            if e.base not in self.bases:
                raise ClaimError(f"{self.claim.id}: base {e.base} has no values")
            idx = [self._ix(t, depth, bound) for t in e.indices]
            return self._gather(e, self.bases[e.base], idx, nd)
        if isinstance(e, sp.Add):
            return reduce(operator.add, (self._ev(a, depth, bound) for a in e.args))
        if isinstance(e, sp.Mul):
            return reduce(operator.mul, (self._ev(a, depth, bound) for a in e.args))
        if isinstance(e, sp.Pow):
            b = self._ev(e.base, depth, bound)
            if e.exp.is_Integer:
                x = int(e.exp)
                if x < 0 and self.be.name == "numpy" and not np.iscomplexobj(b):
                    return 1.0 / np.asarray(b, dtype=np.float64) ** (-x)
                return b ** x
            return b ** self._ev(e.exp, depth, bound)
        if isinstance(e, sp.KroneckerDelta):
            return self._float(self._ix(e.args[0], depth, bound) == self._ix(e.args[1], depth, bound))
        if isinstance(e, sp.Piecewise):
            out = None
            for val, cond in reversed(e.args):
                c = self._cond(cond, depth, bound)
                v = self._ev(val, depth, bound)
                if out is None:
                    out = v
                    continue
                if c is True:
                    out = v
                elif c is False:
                    continue
                else:
                    out = be.where(self._expand(np.asarray(c) if be.name != "jax" else c, nd), v, out)
            return out
        if isinstance(e, sp.Sum):
            return self._sum(e, depth, bound)
        if isinstance(e, sp.Function) and type(e) in be.funcs and len(e.args) == 1:
            return be.funcs[type(e)](self._ev(e.args[0], depth, bound))
        raise ClaimError(f"{self.claim.id}: the indexed evaluator does not know {type(e).__name__} "
                         f"(in {sp.sstr(e)[:80]})")

    def _sum(self, e, depth, bound):
        if len(e.limits) > 1:
            inner = sp.Sum(e.function, e.limits[0])
            return self._sum(sp.Sum(inner, *e.limits[1:]), depth, bound)
        d, lo, hi = e.limits[0]
        body = e.function
        # Kronecker contraction: sum_d delta(d, x) f(d) = f(x) [lo <= x <= hi]   (exact)
        factors = sp.Mul.make_args(body)
        for fct in factors:
            if isinstance(fct, sp.KroneckerDelta) and d in fct.args:
                other = fct.args[1] if fct.args[0] == d else fct.args[0]
                if other.has(d) or not self._is_index(other, bound | {d}):
                    continue
                rest = sp.Mul(*[g for g in factors if g is not fct])
                inner_bound = set()
                for s in rest.atoms(sp.Sum):
                    inner_bound |= {lim[0] for lim in s.limits}
                if d in inner_bound or (other.free_symbols & inner_bound):
                    continue
                x = self._ix(other, depth, bound)
                inside = np.logical_and(np.asarray(self._ix(lo, depth, bound)) <= x,
                                        x <= np.asarray(self._ix(hi, depth, bound)))
                return self._ev(rest.xreplace({d: other}), depth, bound) * self._float(
                    self._expand(np.asarray(inside), self._nd(depth)))
        lo_v = np.asarray(self._ix(lo, depth, bound))
        hi_v = np.asarray(self._ix(hi, depth, bound))
        a, b = int(lo_v.min()), int(hi_v.max())
        if b < a:
            return 0.0
        nd1 = self._nd(depth + 1)
        vals = np.arange(a, b + 1, dtype=np.int64).reshape((1,) * (nd1 - 1) + (-1,))
        self._alive.append(vals)
        old = self.env.get(d)
        self.env[d] = vals
        try:
            v = self._ev(body, depth + 1, bound | {d})
        finally:
            if old is None:
                self.env.pop(d, None)
            else:
                self.env[d] = old
        mask = None
        if lo_v.ndim or hi_v.ndim:
            mask = np.logical_and(self._expand(lo_v, nd1) <= vals, vals <= self._expand(hi_v, nd1))
            if mask.all():
                mask = None
        xp = self.be.xp
        if not hasattr(v, "ndim") or getattr(v, "ndim", 0) == 0:
            count = (b - a + 1) if mask is None else mask.sum(axis=-1)
            return v * (count if mask is None else self._float(count))
        if mask is not None:
            v = v * self._float(mask)
        if v.shape[-1] == 1 and (b - a + 1) > 1:
            return v[..., 0] * (b - a + 1)
        return xp.sum(v, axis=-1)

