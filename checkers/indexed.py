r"""Witnesses for indexed claims: any number of classes.

An indexed claim (:mod:`derivations._indexed`) states an identity in index notation with
symbolic sizes ($K$ classes, $m$ inputs, $n$ examples).  This module proves it for every size
and checks it numerically at the claim's concrete sizes (by default $K = 2, 10, 1000$).

Symbolic witness (every size at once)
-------------------------------------
The residual (for a gradient, SymPy's ``diff`` of the cost minus the claimed derivative; for a
relation, lhs minus rhs) goes through four sound steps:

1. *Delta sums*: a sum whose body holds $\delta_{ik}$ of its index collapses (SymPy's
   ``deltasummation``): $\sum_{i=1}^{K} \delta_{ik} e^{z_i} \to$
   ``Piecewise((exp(z[k]), k <= K), (0, True))``.  Other sums are left alone (``doit`` would
   try symbolic summation, slowly, and can crash inside SymPy).
2. *Index ranges*: a ``Piecewise`` whose first condition follows from the declared ranges
   ($1 \le k \le K$ for every free index, $K \ge$ ``size_min``) is replaced by its first branch.
   SymPy does not use index ranges itself (sympy#27544); the witness says when this step was
   used.  The implication test is exact for conditions linear in indices and sizes.
3. *Canonical sums*: $e^{a + b} = e^a e^b$, factors free of the summation index move out of
   each sum, sums of sums split, and every summation index is renamed by the sum's nesting
   height, so that the same sum written with different dummies is one atom
   ($\sum_j e^{z_j}/S = S/S$).  Steps 1-3 repeat until nothing changes.
4. *Coinciding indices*: the free indices are split into every pattern of equalities that the
   claim allows (a set partition: 2 indices give 2 cases, 3 give 5); in each case
   $\delta_{jk}$ is 1 or 0 and $[j = k]$ is true or false.  Each case is then proved by the
   residual ladder of :mod:`checkers.symbolic` (``cancel``, then ``simplify`` under a time
   bound), an inequality by its sign certificate after *peeling*: a sum of positive terms over
   $1..K$ is written as the terms at the case's distinct free indices plus a rest $R$ with
   $R > 0$ (or, when $K$ may equal the number of those indices, also $R = 0$).  When ``cancel``
   leaves sums over an example index, sums with equal limits are combined and each combined
   body is proved 0 (a sufficient condition: mini-batch gradients).

If a case does not reduce to 0 (or the time bound ends the attempt), the witness searches a
counterexample at the smallest sizes that case allows, with simple exact inputs ($z = 0$
first), and reports it exactly.

Numeric witnesses (at each concrete size)
-----------------------------------------
No explicit SymPy instance is built (at $K = 1000$ SymPy's Jacobian of one softmax row alone
takes 75 s).  Instead the indexed expressions are evaluated *vectorized* by a small
interpreter: a sum over $i = 1..K$ is an array axis, a Kronecker delta an index comparison, and
a sum $\sum_i \delta_{ie}\, f(i)$ is contracted to $f(e)\,[lo \le e \le hi]$ (exact).  The same
interpreter runs on NumPy (float64 and complex128), JAX, and mpmath object arrays.

* ``autodiff``: ``jax.grad`` of the cost with respect to the whole base (one reverse pass per
  sample gives every entry of the gradient row), against the claimed expression evaluated for
  every value of the free ``wrt`` indices (the whole row: all $K$ entries at $K = 1000$).
* ``finite differences``: the complex step (``checkers.finite_diff.complex_step``) along each
  checked entry, or Richardson central differences when the cost is not analytic in the
  base; every entry when the row has at most 64, else 32 entries always including the ends
  of each range and the values the sampled indices take.
* ``sampling`` (equalities, inequalities): both sides at every point, every index sampled.

Comparison and escalation follow :mod:`checkers.pointwise` (same tolerances, same rule
$|c - r| \le \mathrm{rtol}\max(|c|, |r|, \max_{\text{row}} |r|)$ for identities; an
inequality's entries are separate bounds, each with its own scale): what float64 cannot decide
goes to a referee that evaluates the same interpreter in mpmath at two working precisions $p$
and $2p$ and reports a counterexample only when it is stable across both; a gradient
counterexample is also confirmed by ``mpmath.diff``, and rounded to a simpler point (every
entry 0, the middle of its interval, or 1-3 significant digits) when that fails too.
:func:`checkers.pointwise.decide` itself cannot be used here: its referee lambdifies explicit
SymPy matrices over scalar variables.  The referee's budget is deterministic (digits times
entries, the ``MAX_ESCALATE_DIGITS`` of a witness split over the sizes); points beyond it are
counted as unchecked, never as passed.

Sample points: the budget ``POINT_BUDGET`` gives 512 points at small sizes and fewer at large
ones (131 at $K = 1000$, 16 at $K = 10^4$).  Logit regimes: normal, wide
($\pm 10^{U(-3, 2)}$), saturated (one entry, often an addressed one such as $z_y$, at
$\pm 30 \dots 1000$, capped at 50 for bases of more than 64 entries), huge (every entry beyond
the float64 range of ``exp``; only for bases of at most 64 entries, since each such point goes
to the referee), ties (all equal, or a tied maximum), zeros, and a per-entry mix.  In a layer
($z = Wx + b$, several bases) matrices (weights, a batch's inputs) are moderate, and vectors
(the bias, one example's input) follow the logit regimes capped at $\pm 50$.  Indices: uniform, the ends of their range, and coinciding with
another index (a distinct pair never coincides).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
import operator
import time
from dataclasses import dataclass, field
from functools import reduce

import mpmath
import numpy as np
import sympy as sp
from sympy.utilities.iterables import multiset_partitions

from derivations import ClaimError
from derivations._indexed import (IndexedEqualityClaim, IndexedGradientClaim,
                                  IndexedInequalityClaim)

from ._timeout import SymbolicTimeout, time_limit
from .autodiff import AUTODIFF_RTOL
from .evaluation import EVAL_RTOL
from .finite_diff import CS_RTOL, FD_RTOL, central_richardson, complex_step
from .highprec import MAX_DPS, MAX_EXP_ARG, MP_RTOL, fmt
from .lambdify import NON_ANALYTIC
from .pointwise import MAX_ESCALATE, MAX_ESCALATE_DIGITS
from .results import (DISPROVED, FAIL, PASS, PROVED, UNDECIDED, Counterexample,
                      WitnessResult)
from .symbolic import SIMPLIFY_SECONDS, _is_zero, _sign_of

__all__ = ["Points", "Evaluator", "sample_points", "points_for", "symbolic_witness",
           "autodiff_witness", "finite_diff_witness", "sampling_witness", "check_at",
           "prepare_residual", "POINT_BUDGET", "MAX_POINTS", "MIN_POINTS", "FD_ALL", "FD_SUBSET"]

POINT_BUDGET = 2**17   # entries evaluated per instance: points = budget / (entries per point)
MAX_POINTS = 512
MIN_POINTS = 16
FD_ALL = 64            # check every entry of a gradient row up to this many ...
FD_SUBSET = 32         # ... else this many
HUGE_MAX_ENTRIES = 64  # the 'huge' regime (every exp overflows) only for small bases
SEARCH_SECONDS = 3.0   # for the exact counterexample search, after the proof attempt
ESCALATE_WORK = MAX_ESCALATE_DIGITS  # referee budget per witness (all sizes), digits x entries / 4


# ======================================================================================
# The interpreter
# ======================================================================================

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
            for f, g in ((sp.exp, mpmath.exp), (sp.log, mpmath.log), (sp.Abs, abs), (sp.sin, mpmath.sin),
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


def _prod(xs):
    return reduce(operator.mul, xs, 1)


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


# ======================================================================================
# Sample points at a concrete size
# ======================================================================================

@dataclass
class Points:
    """Sample points of an indexed claim at one concrete size."""

    sizes: dict
    bases: dict
    labels: dict
    indices: dict
    params: dict
    regimes: np.ndarray
    seed: int
    focus: dict = field(default_factory=dict)

    def __len__(self):
        return len(self.regimes)

    def take(self, rows) -> "Points":
        rows = np.atleast_1d(rows)
        return Points(self.sizes, {b: v[rows] for b, v in self.bases.items()},
                      {b: v[rows] for b, v in self.labels.items()},
                      {s: v[rows] for s, v in self.indices.items()},
                      {s: v[rows] for s, v in self.params.items()}, self.regimes[rows], self.seed,
                      self.focus)

    def replace_bases(self, bases) -> "Points":
        return Points(self.sizes, bases, self.labels, self.indices, self.params, self.regimes,
                      self.seed, self.focus)

    def describe(self, i: int, extra=None) -> dict:
        """Point ``i`` as text: sizes, indices, every base (abridged past 12 entries), params."""
        out = {str(k): str(v) for k, v in self.sizes.items()}
        for s, v in self.indices.items():
            out[str(s)] = str(int(v[i]))
        for s, v in (extra or {}).items():
            out[str(s)] = str(v)
        for b, v in self.labels.items():
            out[str(b)] = _vec_text(v[i], integer=True)
        for b, v in self.bases.items():
            out[str(b)] = _vec_text(v[i])
        for s, v in self.params.items():
            out[str(s)] = fmt(float(v[i]))
        return out


def _vec_text(v, integer=False):
    flat = np.asarray(v).ravel()
    show = [str(int(x)) if integer else fmt(float(x)) for x in flat[:12]]
    body = ", ".join(show) + (f", ... ({flat.size} entries)" if flat.size > 12 else "")
    if np.asarray(v).ndim > 1:
        return f"[{body}] (shape {np.asarray(v).shape}, row-major)"
    return f"({body})"


def _entries_per_point(claim, sizes) -> int:
    n = 0
    ev = {k: sp.Integer(v) for k, v in sizes.items()}
    for b, shape in claim.shape_map.items():
        n += _prod(int(sp.sympify(s).xreplace(ev)) for s in shape)
    for b, (shape, _, _) in claim.label_map.items():
        n += _prod(int(sp.sympify(s).xreplace(ev)) for s in shape)
    if isinstance(claim, IndexedGradientClaim):
        shape = _out_lengths(claim, sizes)
        n = max(n, _prod(shape))
    return max(n, 1)


def points_for(claim, sizes) -> int:
    """Points at one size: ``POINT_BUDGET`` / entries per point, within [MIN_POINTS, MAX_POINTS]."""
    return int(min(MAX_POINTS, max(MIN_POINTS, POINT_BUDGET // _entries_per_point(claim, sizes))))


def _out_lengths(claim, sizes):
    ev = {k: sp.Integer(v) for k, v in sizes.items()}
    out = []
    for ix in claim.out_indices:
        lo, hi = claim.range_map[ix]
        out.append(int(sp.sympify(hi).xreplace(ev)) - int(sp.sympify(lo).xreplace(ev)) + 1)
    return out


_LOGIT_REGIMES = {"normal": 0.38, "wide": 0.10, "saturated": 0.16, "huge": 0.02, "tie": 0.13,
                  "zero": 0.03, "mixed": 0.18}


def _logits(rng, n, shape, regimes, focus_entries):
    """Real-line base values (n, *shape) following the per-point regimes."""
    size = _prod(shape)
    out = np.empty((n, size))
    for r in np.unique(regimes):
        rows = np.flatnonzero(regimes == r)
        k = len(rows)
        if r == "normal":
            v = rng.normal(0, 3, size=(k, size))
        elif r == "wide":
            v = rng.choice([-1.0, 1.0], size=(k, size)) * 10.0 ** rng.uniform(-3, 2, size=(k, size))
        elif r == "saturated":
            v = rng.normal(0, 1, size=(k, size))
            mags = rng.choice([30.0, 36.0, 40.0, 50.0, 100.0, 300.0, 710.0, 750.0, 1000.0], size=k)
            if size > HUGE_MAX_ENTRIES:
                mags = np.minimum(mags, 50.0)
            col = np.where(rng.random(k) < 0.6, focus_entries[rng.integers(len(focus_entries), size=k)],
                           rng.integers(size, size=k)) if len(focus_entries) else rng.integers(size, size=k)
            v[np.arange(k), col] = rng.choice([-1.0, 1.0], size=k) * mags
        elif r == "huge":
            v = rng.choice([-1.0, 1.0], size=(k, size)) * rng.uniform(700, 1000, size=(k, size))
        elif r == "tie":
            base = rng.normal(0, 3, size=(k, 1))
            v = np.repeat(base, size, axis=1)
            partial = rng.random(k) < 0.5   # a tied maximum above the rest
            v[partial] = v[partial] - np.abs(rng.normal(0, 3, size=(int(partial.sum()), size)))
            for row in np.flatnonzero(partial):
                tied = rng.choice(size, size=min(size, 2 + rng.integers(2)), replace=False)
                v[row, tied] = base[row, 0]
        elif r == "zero":
            v = np.zeros((k, size))
        else:  # mixed: each entry its own regime
            v = rng.normal(0, 3, size=(k, size))
            pick = rng.integers(4, size=(k, size))
            v = np.where(pick == 1, rng.choice([-1.0, 1.0], size=(k, size)) * 10.0 ** rng.uniform(-3, 2, size=(k, size)), v)
            v = np.where(pick == 2, rng.choice([-1.0, 1.0], size=(k, size)) * rng.uniform(30, 50, size=(k, size)), v)
            v = np.where(pick == 3, 0.0, v)
        out[rows] = v
    return out.reshape((n,) + tuple(shape))


def _weights(rng, n, shape, regimes):
    """Entries of a weight matrix or a layer input (one of several bases): moderate, so that
    $z = W x + b$ follows the regimes put on the bias; zeros and ties as in the logits."""
    size = _prod(shape)
    v = rng.normal(0, 1, size=(n, size))
    wide = regimes == "wide"
    v[wide] = rng.choice([-1.0, 1.0], size=(int(wide.sum()), size)) * 10.0 ** rng.uniform(-3, 0.5, size=(int(wide.sum()), size))
    v[regimes == "zero"] = 0.0
    tie = np.flatnonzero(regimes == "tie")
    v[tie] = np.repeat(rng.normal(0, 1, size=(len(tie), 1)), size, axis=1)
    return v.reshape((n,) + tuple(shape))


class _ParamView:
    """The claim's scalar parameters as a claim-like object for :func:`checkers.sampling.sample`."""

    def __init__(self, claim, domain):
        self.id = claim.id
        self.domain = tuple(domain)


def _bounded(rng, iv, n, shape, seed, claim, name):
    from .sampling import sample

    size = _prod(shape)
    cols = [(sp.Symbol(f"{name}_{t}"), iv) for t in range(min(size, 8))]
    smp = sample(_ParamView(claim, cols), n, seed)
    vals = smp.points
    out = vals[:, rng.integers(len(cols), size=size)] if size > len(cols) else vals[:, :size]
    return out.reshape((n,) + tuple(shape))


def sample_points(claim, sizes, n=None, seed=0) -> Points:
    """Seeded sample points of ``claim`` at concrete ``sizes`` (see the module docstring)."""
    sizes = {k: int(v) for k, v in sizes.items()}
    for k, v in sizes.items():
        if v < claim.min_sizes[k]:
            raise ClaimError(f"{claim.id}: size {k} = {v} is below the claim's size_min {claim.min_sizes[k]}")
    n = points_for(claim, sizes) if n is None else int(n)
    from .sampling import _stable_hash

    rng = np.random.default_rng([seed, _stable_hash(claim.id), *sorted(sizes.values())])
    ev = {k: sp.Integer(v) for k, v in sizes.items()}

    def val(e):
        return int(sp.sympify(e).xreplace(ev))

    names = np.array(list(_LOGIT_REGIMES), dtype=object)
    probs = np.array(list(_LOGIT_REGIMES.values()))
    big = any(_prod(val(s) for s in shape) > HUGE_MAX_ENTRIES for shape in claim.shape_map.values())
    if big:
        probs = np.where(names == "huge", 0.0, probs)
    counts = np.floor(probs / probs.sum() * n).astype(int)
    counts[0] += n - counts.sum()
    regimes = np.repeat(names, counts)
    # indices: uniform, range ends, coinciding; large ranges focus on a few values
    focus = {}
    indices = {}
    by_range = {}
    for ix, (lo, hi) in claim.ranges:
        by_range.setdefault((val(lo), val(hi)), []).append(ix)
    for (lo, hi), group in by_range.items():
        if hi - lo + 1 > FD_ALL:
            pool = np.unique(np.concatenate([[lo, lo + 1, hi], rng.integers(lo, hi + 1, size=FD_SUBSET - 3)]))
            focus[(lo, hi)] = pool
        for ix in group:
            v = rng.integers(lo, hi + 1, size=n)
            edge = rng.random(n) < 0.2
            v = np.where(edge, rng.choice([lo, hi], size=n), v)
            if (lo, hi) in focus:
                use = rng.random(n) < 0.5
                v = np.where(use, rng.choice(focus[(lo, hi)], size=n), v)
            indices[ix] = v
        for t, ix in enumerate(group[1:], 1):
            tie = rng.random(n) < 0.3
            other = group[rng.integers(t)]
            indices[ix] = np.where(tie, indices[other], indices[ix])
    for a, b in claim.distinct:
        lo, hi = (val(x) for x in claim.range_map[b])
        for _ in range(200):
            bad = indices[a] == indices[b]
            if not bad.any():
                break
            if hi <= lo:
                raise ClaimError(f"{claim.id}: {a} and {b} must differ but {b} has one value at {sizes}")
            indices[b] = np.where(bad, rng.integers(lo, hi + 1, size=n), indices[b])
    labels = {}
    for b, (shape, lo, hi) in claim.labels:
        shp = tuple(val(s) for s in shape)
        labels[b] = rng.integers(val(lo), val(hi) + 1, size=(n,) + shp)
    bases = {}
    out_ix = set(claim.out_indices) if isinstance(claim, IndexedGradientClaim) else set()
    for b, shape in claim.shapes:
        shp = tuple(val(s) for s in shape)
        iv = claim.entry_domain(b)
        layered = sum(1 for bb, _ in claim.shapes
                      if math.isinf(claim.entry_domain(bb).lo) and math.isinf(claim.entry_domain(bb).hi)) > 1
        if math.isinf(iv.lo) and math.isinf(iv.hi) and layered and len(shp) > 1:
            vals = _weights(rng, n, shp, regimes)
        elif math.isinf(iv.lo) and math.isinf(iv.hi):
            # entries addressed by a sampled index get the 'saturated' value more often
            focus_entries = np.array([], dtype=int)
            if len(shp) == 1:
                addressed = [ix for ix in claim.index_symbols if ix not in out_ix]
                if addressed:
                    focus_entries = np.unique(np.concatenate([indices[ix] - 1 for ix in addressed]))
                    focus_entries = focus_entries[focus_entries < shp[0]]
            vals = _logits(rng, n, shp, regimes, focus_entries)
            if layered:  # a layer's bias or input: saturate up to 50, no 'huge' (z = W x + b)
                vals = np.clip(vals, -50.0, 50.0)
        else:
            vals = _bounded(rng, iv, n, shp, seed, claim, str(b))
        bases[b] = vals
    params = {}
    if claim.domain:
        from .sampling import sample

        smp = sample(_ParamView(claim, claim.domain), n, seed)
        for t, (s, _) in enumerate(claim.domain):
            params[s] = smp.points[:, t]
    return Points(sizes, bases, labels, indices, params, regimes, seed, focus)


# ======================================================================================
# Symbolic witness
# ======================================================================================

def _linear_implied(d, claim) -> bool:
    """True if ``d >= 0`` follows from the index ranges and size minima (d linear)."""
    d = sp.expand(d)
    ranges = claim.range_map
    syms = d.free_symbols
    allowed = set(ranges) | set(claim.size_symbols)
    if not syms <= allowed:
        return False
    try:
        poly = sp.Poly(d, *sorted(syms, key=str)) if syms else None
    except sp.PolynomialError:
        return False
    if poly is not None and poly.total_degree() > 1:
        return False
    low = d
    for ix in sorted(syms & set(ranges), key=str):
        c = d.coeff(ix)
        lo, hi = ranges[ix]
        low = low.xreplace({ix: lo if c > 0 else hi})
    low = sp.expand(low)
    for s in low.free_symbols:
        if s not in claim.size_symbols:
            return False
        if low.coeff(s) < 0:
            return False
    low = low.xreplace({s: sp.Integer(claim.min_sizes[s]) for s in claim.size_symbols})
    return bool(low.is_number and low >= 0)


def _implied(cond, claim) -> bool:
    if cond is sp.true:
        return True
    if isinstance(cond, sp.And):
        return all(_implied(c, claim) for c in cond.args)
    if isinstance(cond, (sp.Ge, sp.Gt, sp.Le, sp.Lt)):
        if isinstance(cond, sp.Ge):
            d = cond.lhs - cond.rhs
        elif isinstance(cond, sp.Gt):
            d = cond.lhs - cond.rhs - 1
        elif isinstance(cond, sp.Le):
            d = cond.rhs - cond.lhs
        else:
            d = cond.rhs - cond.lhs - 1
        return _linear_implied(d, claim)
    return False


def _drop_implied(e, claim):
    used = []

    def repl(pw):
        expr, cond = pw.args[0]
        if _implied(cond, claim):
            used.append(cond)
            return expr
        return pw

    out = e.replace(lambda x: isinstance(x, sp.Piecewise), repl)
    return out, used


def _factor_sums(e):
    if not e.has(sp.Sum):
        return e
    if isinstance(e, sp.Sum):
        if len(e.limits) > 1:
            return _factor_sums(sp.Sum(sp.Sum(e.function, e.limits[0]), *e.limits[1:]))
        d, lo, hi = e.limits[0]
        body = sp.expand_mul(_factor_sums(e.function))
        total = sp.S.Zero
        for term in sp.Add.make_args(body):
            dep, indep = [], []
            for f in sp.Mul.make_args(term):
                (dep if d in f.free_symbols else indep).append(f)
            if dep:
                total += sp.Mul(*indep) * sp.Sum(sp.Mul(*dep), (d, lo, hi))
            else:
                total += sp.Mul(*indep) * (hi - lo + 1)
        return total
    return e.func(*[_factor_sums(a) for a in e.args]) if e.args else e


def _height(e) -> int:
    return max((1 + _height(s.function) for s in e.atoms(sp.Sum)), default=0) if isinstance(e, sp.Basic) else 0


def _rename_sums(e):
    if not isinstance(e, sp.Basic) or not e.has(sp.Sum):
        return e
    if isinstance(e, sp.Sum):
        (d, lo, hi), = e.limits[:1]
        body = _rename_sums(e.function)
        h = max((_height(s) for s in body.atoms(sp.Sum)), default=0) + (1 if body.has(sp.Sum) else 0)
        new = sp.Symbol(f"_s{h}", integer=True, positive=bool(sp.sympify(lo).is_positive))
        return sp.Sum(body.xreplace({d: new}), (new, lo, hi))
    return e.func(*[_rename_sums(a) for a in e.args])


def _canonical(e):
    return _rename_sums(_factor_sums(e))


def _split_exp(e):
    r"""$e^{a + b} \to e^a e^b$ over the terms of the (distributed) exponent, so that one
    exponential is written one way throughout the residual (an exponent's sum over an index
    stays one term)."""
    def split(x):
        terms = sp.Add.make_args(sp.expand_mul(x.args[0]))
        return sp.Mul(*[sp.exp(t) for t in terms])

    return e.replace(lambda x: isinstance(x, sp.exp), split)


def _delta_doit(e):
    """Evaluate the sums whose body holds a Kronecker delta of the summation index (SymPy's
    ``deltasummation``, which yields a ``Piecewise`` on the index range) and nothing else:
    ``doit`` on other sums tries symbolic summation, slowly, and can crash (a ``StopIteration``
    inside ``sum_simplify`` on the mini-batch sums)."""
    from sympy.concrete.delta import deltasummation

    if not isinstance(e, sp.Basic) or not e.has(sp.Sum):
        return e
    if isinstance(e, sp.Sum):
        if len(e.limits) > 1:
            return _delta_doit(sp.Sum(sp.Sum(e.function, e.limits[0]), *e.limits[1:]))
        d = e.limits[0][0]
        body = _delta_doit(e.function)
        if any(d in x.args for x in body.atoms(sp.KroneckerDelta)):
            return deltasummation(sp.expand_mul(body), e.limits[0])
        return sp.Sum(body, e.limits[0])
    return e.func(*[_delta_doit(a) for a in e.args])


def prepare_residual(expr, claim):
    """Delta sums evaluated, Piecewise conditions implied by the index ranges dropped, canonical
    sums; repeated until nothing changes (factoring a sum can expose a delta sum).

    Returns ``(expression, conditions used)``; the conditions are those the index ranges
    (``1 <= k <= K``) settled.
    """
    e = sp.sympify(expr)
    used_all = []
    for _ in range(4):
        before = e
        e = _delta_doit(e)
        e, used = _drop_implied(e, claim)
        used_all += used
        e = _canonical(_split_exp(e))
        if e == before:
            break
    return e, used_all


def _merge_sums(e):
    r"""Write ``e`` as sum over groups of equal limits of ``Sum(body_g)`` plus a rest.

    Returns ``(rest, [body_g, ...])`` with each group's bodies combined under one dummy:
    $\sum_x f_x - \sum_x g_x = \sum_x (f_x - g_x)$, so ``e`` is 0 when the rest and every
    combined body are (a sufficient condition)."""
    groups, rest = {}, sp.S.Zero
    for term in sp.Add.make_args(sp.expand_mul(e, deep=False)):
        sums = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Sum) and len(f.limits) == 1]
        if len(sums) != 1:
            rest += term
            continue
        s = sums[0]
        d, lo, hi = s.limits[0]
        coeff = term / s
        if d in coeff.free_symbols:
            rest += term
            continue
        key = (lo, hi)
        new = sp.Symbol("_x", integer=True, positive=bool(sp.sympify(lo).is_positive))
        groups[key] = groups.get(key, sp.S.Zero) + coeff * s.function.xreplace({d: new})
    return rest, list(groups.values())


def _index_atoms(e, claim):
    return {s for s in e.free_symbols if s in claim.range_map}


def _linked(e, claim):
    pairs = set()
    for a in e.atoms(sp.KroneckerDelta, sp.Eq, sp.Ne):
        syms = sorted({s for s in a.free_symbols if s in claim.range_map}, key=str)
        for p, q in itertools.combinations(syms, 2):
            pairs.add((p, q))
    return pairs


def _cases(e, claim):
    """Every allowed pattern of coinciding free indices, as dicts index -> representative."""
    syms = sorted(_index_atoms(e, claim), key=str)
    linked = _linked(e, claim)
    ranges = claim.range_map
    distinct = {frozenset(p) for p in claim.distinct}
    out = []
    for parts in multiset_partitions(syms) if syms else [[]]:
        ok = True
        for block in parts:
            for p, q in itertools.combinations(block, 2):
                same_range = ranges[p] == ranges[q]
                if frozenset((p, q)) in distinct or not (same_range or (p, q) in linked or (q, p) in linked):
                    ok = False
        if ok:
            out.append({s: block[0] for block in parts for s in block})
    return out


def _apply_case(e, case):
    e = e.xreplace({k: v for k, v in case.items() if k != v})
    reps = set(case.values())

    def delta(x):
        a, b = x.args
        if a in reps and b in reps and a != b:
            return sp.S.Zero
        return x

    def rel(x):
        a, b = x.lhs, x.rhs
        if a in reps and b in reps and a != b:
            return sp.false if isinstance(x, sp.Eq) else sp.true
        return x

    e = e.replace(lambda x: isinstance(x, sp.KroneckerDelta), delta)
    e = e.replace(lambda x: isinstance(x, (sp.Eq, sp.Ne)), rel)
    return e


def _peel(e, case, claim):
    """Sign-certificate form: positive symbols for exp(z[r]) and the rest of each positive sum.

    Returns a list of (expression, positive symbols) covering the case, or None.
    """
    reps = sorted(set(case.values()), key=str)
    ranges = claim.range_map
    pos = []
    rest_options = []
    sub = {}
    for s in sorted(e.atoms(sp.Sum), key=sp.count_ops):
        if len(s.limits) != 1:
            return None
        d, lo, hi = s.limits[0]
        body = s.function
        if not body.is_positive and not isinstance(body, sp.exp):
            return None
        if body.has(sp.Sum) or not (lo == 1 and hi in claim.size_symbols):
            return None
        inside = [r for r in reps if ranges[r] == (lo, hi)]
        R = sp.Symbol(f"R{len(rest_options)}", positive=True)
        terms = sp.Add(*[body.xreplace({d: r}) for r in inside])
        can_be_empty = claim.min_sizes[hi] <= len(inside)
        rest_options.append((R, can_be_empty))
        sub[s] = terms + R
    out = []
    for choice in itertools.product(*[[True, False] if empty else [True] for _, empty in rest_options]):
        ee = e.xreplace(sub)
        ps = []
        for (R, _), keep in zip(rest_options, choice):
            if keep:
                ps.append(R)
            else:
                ee = ee.xreplace({R: 0})
        exps = {}
        for x in ee.atoms(sp.exp):
            arg = sp.expand(x.args[0])
            coeff, rest = arg.as_coeff_Mul()
            if not (isinstance(rest, sp.Indexed) and coeff.is_Rational):
                return None
            u = exps.setdefault(rest, sp.Symbol(f"u_{len(exps)}", positive=True))
            ee = ee.xreplace({x: u ** coeff})
        out.append((ee, ps + list(exps.values())))
    return out


def _sign_case(e, case, claim, rel):
    forms = _peel(e, case, claim)
    if forms is None:
        return False
    ok_signs = {">": (1,), ">=": (1, 0), "<": (-1,), "<=": (-1, 0), "!=": (1, -1)}[rel]
    for ee, pos in forms:
        if not ee.free_symbols <= set(pos):
            return False
        if _sign_of(ee, list(pos)) not in ok_signs:
            return False
    return True


def _zero_by_merging(e, claim, deadline):
    """Prove ``e == 0`` by combining sums with equal limits and proving each body 0."""
    rest, bodies = _merge_sums(e)
    if not bodies:
        return False, ""
    ok, _ = _is_zero(rest, deadline)
    if not ok:
        return False, ""
    for body in bodies:
        with time_limit(max(deadline - time.monotonic(), 0.01)):
            body, _ = prepare_residual(body, claim)
        ok, _ = _is_zero(body, deadline)
        if not ok:
            return False, ""
    return True, "cancel after combining sums with equal limits"


def _residual_list(claim):
    """(label, claimed side, true side, relation) per entry."""
    if isinstance(claim, IndexedGradientClaim):
        true = sp.diff(claim.cost, claim.wrt)
        return [(f"d/d{claim.wrt}", claim.claimed, true, "==")]
    return [(f"entry {r}" if claim.lhs.shape[0] > 1 else "", claim.lhs[r], claim.rhs[r], rel)
            for r, rel in enumerate(claim.relations)]


def symbolic_witness(claim, seconds: float = SIMPLIFY_SECONDS) -> WitnessResult:
    """Prove the indexed claim for every size, or find an exact counterexample (see module doc)."""
    t0 = time.monotonic()
    deadline = t0 + seconds
    used_all, ncases, how = [], 0, set()
    failing, timed_out = [], False
    try:
        for label, c_side, t_side, rel in _residual_list(claim):
            with time_limit(max(deadline - time.monotonic(), 0.01)):
                d, used = prepare_residual(t_side - c_side if rel == "==" else c_side - t_side, claim)
            used_all += used
            for case in _cases(d, claim):
                ncases += 1
                # no time_limit around _is_zero: it bounds its own steps (nested bounds misfire)
                with time_limit(max(deadline - time.monotonic(), 0.01)):
                    dc = _apply_case(d, case)
                try:
                    if rel == "==":
                        ok, strategy = _is_zero(dc, deadline)
                        if not ok and dc.has(sp.Sum):
                            ok, strategy = _zero_by_merging(dc, claim, deadline)
                        if ok:
                            how.add(strategy)
                    else:
                        with time_limit(max(deadline - time.monotonic(), 0.01)):
                            ok = _sign_case(dc, case, claim, rel)
                        if ok:
                            how.add("sign certificate after peeling the sums")
                except SymbolicTimeout:
                    ok, timed_out = False, True
                if not ok:
                    failing.append((label, c_side, t_side, rel, case, dc))
                if timed_out:
                    break
            if timed_out:
                break
    except SymbolicTimeout:
        return WitnessResult("symbolic", UNDECIDED, method="time bound",
                             detail=f"SymPy did not finish within {seconds:g} s",
                             seconds=time.monotonic() - t0)
    except Exception as err:  # SymPy raises anything (StopIteration in sum_simplify, ...): undecided
        return WitnessResult("symbolic", UNDECIDED,
                             detail=f"SymPy could not decide: {type(err).__name__}: {err}"[:300],
                             seconds=time.monotonic() - t0)
    ranges_text = ", ".join(f"{sp.sstr(lo)} <= {ix} <= {sp.sstr(hi)}" for ix, (lo, hi) in claim.ranges)
    extra = {"cases": ncases, "index_range_used": bool(used_all),
             "conditions_dropped": sorted({sp.sstr(c) for c in used_all})}
    if not failing:
        detail = (f"residual reduces to 0 for every size, in each of {ncases} case(s) of coinciding "
                  f"indices ({', '.join(sorted(how)) or 'structurally zero'})")
        if rel_is_inequality(claim):
            detail = (f"the relation holds for every size in each of {ncases} case(s) of coinciding "
                      f"indices ({', '.join(sorted(how))})")
        if used_all:
            detail += ("; the step Piecewise -> first branch used the index ranges "
                       f"({ranges_text}) to settle {', '.join(extra['conditions_dropped'])}")
        return WitnessResult("symbolic", PROVED, method="index calculus (symbolic sizes)", detail=detail,
                             seconds=time.monotonic() - t0, extra={**extra, "residual": "0"})
    ce = None
    with_time = max(deadline, time.monotonic()) + SEARCH_SECONDS
    for label, c_side, t_side, rel, case, dc in failing:
        ce = _search_counterexample(claim, label, c_side, t_side, rel, case, with_time)
        if ce is not None:
            break
    shown = sp.sstr(failing[0][5])
    shown = shown if len(shown) < 200 else shown[:200] + "..."
    if ce is not None:
        return WitnessResult("symbolic", DISPROVED, method="index calculus (symbolic sizes)",
                             detail="nonzero residual; exact counterexample at the smallest sizes",
                             counterexample=ce, seconds=time.monotonic() - t0,
                             extra={**extra, "residual": shown})
    why = (f"SymPy did not finish within {seconds:g} s and no simple point refutes it" if timed_out
           else "no case split reduced the residual to 0 and no simple point refutes it")
    return WitnessResult("symbolic", UNDECIDED, method="index calculus (symbolic sizes)", detail=why,
                         seconds=time.monotonic() - t0, extra={**extra, "residual": shown})


def rel_is_inequality(claim) -> bool:
    return isinstance(claim, IndexedInequalityClaim)


def _concrete(expr, claim, sizes, index_vals, base_vals, label_vals, params):
    """``expr`` at concrete sizes, indices and entries, exactly (a SymPy number)."""
    rep = {**{k: sp.Integer(v) for k, v in sizes.items()},
           **{k: sp.Integer(v) for k, v in index_vals.items()}}
    e = sp.sympify(expr).xreplace(rep).doit()
    sub = {}
    for b, arr in label_vals.items():
        for pos in np.ndindex(*arr.shape):
            sub[b[tuple(sp.Integer(p + 1) for p in pos)]] = sp.Integer(int(arr[pos]))
    e = e.xreplace(sub).doit() if sub else e
    sub = {}
    for b, arr in base_vals.items():
        for pos in np.ndindex(*arr.shape):
            sub[b[tuple(sp.Integer(p + 1) for p in pos)]] = arr[pos]
    sub.update(params)
    v = e.xreplace(sub)
    v = v.doit() if v.has(sp.Sum, sp.Derivative) else v
    return v


def _candidate_bases(claim, sizes):
    """Simple exact base values to try: zeros, a ramp, a unit vector (real line); 1/2, ... (bounded)."""
    ev = {k: sp.Integer(v) for k, v in sizes.items()}
    shapes = {b: tuple(int(sp.sympify(s).xreplace(ev)) for s in shp) for b, shp in claim.shapes}
    cands = []
    for variant in range(4):
        vals = {}
        for b, shp in shapes.items():
            iv = claim.entry_domain(b)
            arr = np.empty(shp, dtype=object)
            for t, pos in enumerate(np.ndindex(*shp)):
                if math.isinf(iv.lo) and math.isinf(iv.hi):
                    v = [sp.Integer(0), sp.Integer(t % 3), sp.Integer(1 if t == 0 else 0), sp.Integer(t)][variant]
                else:
                    lo, hi = sp.nsimplify(iv.lo), sp.nsimplify(iv.hi)
                    frac = [sp.Rational(1, 2), sp.Rational(1, t + 2), sp.Rational(t + 1, t + 3), sp.Rational(1, 4)][variant]
                    v = lo + (hi - lo) * frac if math.isfinite(iv.hi) else lo + frac
                arr[pos] = v
            vals[b] = arr
        cands.append(vals)
    return cands


def _simple_params(claim):
    choices = []
    for s, iv in claim.domain:
        vals = [sp.Rational(v) for v in (1, 2, sp.Rational(1, 2), -1, 0) if iv.contains(float(v))]
        choices.append(vals[:2] or [sp.nsimplify((iv.lo + iv.hi) / 2)])
    return [dict(zip([s for s, _ in claim.domain], combo)) for combo in itertools.product(*choices)][:4] or [{}]


def _search_counterexample(claim, label, c_side, t_side, rel, case, deadline):
    reps = sorted(set(case.values()), key=str)
    ranges = claim.range_map
    base_min = claim.min_sizes
    for extra_size in (0, 1):
        if time.monotonic() > deadline:
            return None
        sizes = {}
        for s in claim.size_symbols:
            need = sum(1 for r in reps if ranges[r][1] == s)
            sizes[s] = max(base_min[s], need, 1) + extra_size
        ev = {k: sp.Integer(v) for k, v in sizes.items()}
        values, counters = {}, {}
        ok = True
        for r in reps:
            lo, hi = (int(sp.sympify(x).xreplace(ev)) for x in ranges[r])
            key = (lo, hi)
            counters[key] = counters.get(key, lo - 1) + 1
            if counters[key] > hi:
                ok = False
            values[r] = counters[key]
        if not ok:
            continue
        index_vals = {ix: values[case[ix]] for ix in case}
        for ix in claim.index_symbols:
            index_vals.setdefault(ix, 1)
        label_vals = {}
        for b, (shape, lo, hi) in claim.labels:
            shp = tuple(int(sp.sympify(x).xreplace(ev)) for x in shape)
            lo_v, hi_v = int(sp.sympify(lo).xreplace(ev)), int(sp.sympify(hi).xreplace(ev))
            label_vals[b] = (np.arange(_prod(shp)) % (hi_v - lo_v + 1) + lo_v).reshape(shp)
        for bases in _candidate_bases(claim, sizes):
            for params in _simple_params(claim):
                if time.monotonic() > deadline:
                    return None
                try:
                    c = _concrete(c_side, claim, sizes, index_vals, bases, label_vals, params)
                    t = _concrete(t_side, claim, sizes, index_vals, bases, label_vals, params)
                    cn, tn = sp.N(c, 50), sp.N(t, 50)
                except (ZeroDivisionError, TypeError, ValueError):
                    continue
                if not (cn.is_number and tn.is_number) or cn.has(sp.nan, sp.zoo) or tn.has(sp.nan, sp.zoo):
                    continue
                if rel == "==":
                    bad = abs(cn - tn) > sp.Float("1e-40")
                else:
                    diff = cn - tn
                    holds = {">": diff > 0, ">=": diff >= -sp.Float("1e-40"), "<": diff < 0,
                             "<=": diff <= sp.Float("1e-40"), "!=": abs(diff) > sp.Float("1e-40")}[rel]
                    bad = not bool(holds)
                if not bad:
                    continue
                point = {str(k): str(v) for k, v in sizes.items()}
                point.update({str(k): str(v) for k, v in index_vals.items()
                              if k in _index_atoms(sp.sympify(c_side) - sp.sympify(t_side), claim)
                              or (isinstance(claim, IndexedGradientClaim) and k in claim.wrt.indices)})
                for b, arr in label_vals.items():
                    point[str(b)] = "(" + ", ".join(str(int(x)) for x in arr.ravel()) + ")"
                for b, arr in bases.items():
                    point[str(b)] = "(" + ", ".join(sp.sstr(x) for x in arr.ravel()) + ")"
                point.update({str(k): sp.sstr(v) for k, v in params.items()})
                cs, ts = _show(c), _show(t)
                if isinstance(claim, IndexedGradientClaim):
                    label = f"d/d{claim.wrt.xreplace({ix: sp.Integer(v) for ix, v in index_vals.items()})}"
                at = ", ".join(f"{k} = {v}" for k, v in point.items())
                if rel == "==":
                    ce = Counterexample(point=point, claimed=cs, true=ts, component=label,
                                        confirmed="exact arithmetic (SymPy), 50-digit evaluation",
                                        by_hand=f"substitute {at}: claimed {cs}, true {ts}",
                                        found_by="symbolic")
                    if isinstance(claim, (IndexedEqualityClaim,)):
                        ce.labels = ("left side", "right side")
                else:
                    ce = Counterexample(point=point, claimed=f"{cs} {rel} {ts}", true="false",
                                        component=label, labels=("relation", "holds"),
                                        confirmed="exact arithmetic (SymPy), 50-digit evaluation",
                                        by_hand=f"substitute {at}: lhs {cs}, rhs {ts}",
                                        found_by="symbolic")
                return ce
    return None


def _show(v):
    v = sp.nsimplify(v) if v.is_Float else v
    try:
        s = sp.simplify(v) if sp.count_ops(v) < 80 else v
    except Exception:  # pragma: no cover - simplify of a number does not fail in practice
        s = v
    text = sp.sstr(s)
    approx = sp.sstr(sp.N(s, 12))
    if s.is_Rational:
        return text
    return text if len(text) > 60 else f"{text} = {approx}"


# ======================================================================================
# Numeric witnesses
# ======================================================================================

def _out_arrays(claim, sizes):
    ev = {k: sp.Integer(v) for k, v in sizes.items()}
    out = []
    for ix in claim.out_indices:
        lo, hi = (int(sp.sympify(x).xreplace(ev)) for x in claim.range_map[ix])
        out.append((ix, np.arange(lo, hi + 1)))
    return out


def _evaluator(claim, pts, backend, bases=None, out=()):
    return Evaluator(claim, pts.sizes, backend, pts.bases if bases is None else bases, pts.labels,
                     {ix: v for ix, v in pts.indices.items() if ix not in {o for o, _ in out}},
                     pts.params, out)


def _analytic(claim, expr) -> bool:
    bases = {b.label for b in claim.shape_map}
    for f in sp.sympify(expr).atoms(*NON_ANALYTIC):
        if f.free_symbols & bases or any(isinstance(s, sp.Indexed) for s in f.free_symbols):
            return False
    return True


def _mp_point(pts, i):
    """Point ``i`` as mpmath object arrays (exact copies of the float64 inputs)."""
    conv = np.frompyfunc(lambda x: mpmath.mpf(float(x)), 1, 1)
    one = pts.take(i)
    bases = {b: conv(v).astype(object) for b, v in one.bases.items()}
    params = {s: conv(v).astype(object) for s, v in one.params.items()}
    return one, bases, params


def _dps_for(pts, i) -> int | None:
    vals = [np.abs(v[i]).ravel() for v in pts.bases.values()] + [np.abs(np.atleast_1d(v[i])) for v in pts.params.values()]
    vals = np.concatenate(vals) if vals else np.zeros(1)
    if not np.all(np.isfinite(vals)):
        return None
    scale = float(vals.max()) if vals.size else 0.0
    pmax = max([float(np.abs(v[i])) for v in pts.params.values()] + [1.0])
    arg = scale * pmax
    if arg > MAX_EXP_ARG:
        return None
    nz = vals[vals > 0]
    mags = float(np.abs(np.log10(nz)).max()) if nz.size else 0.0
    need = int(math.ceil(40 + 2 * mags + arg / math.log(10)))
    return need if need <= MAX_DPS else None


# Referee values of the claim being checked, by point and working precision: see _Referee.values.
_MEMO = {"claim": None, "rows": {}}


def _memo_for(claim, store=_MEMO) -> dict:
    """The memo ``store`` (default: the referee's) of ``claim`` (the same object); a new claim
    starts an empty one."""
    if store["claim"] is not claim:
        store["claim"], store["rows"] = claim, {}
    return store["rows"]


class _Referee:
    """Decide points in mpmath at two working precisions (the rule of checkers.highprec).

    Points are evaluated in batches that share a working precision (the largest any of them
    needs, rounded up to a multiple of 64 digits), so one interpreter pass decides many points.
    """

    def __init__(self, claim, pts, claimed_expr, true_expr, relations, out=()):
        self.claim, self.pts = claim, pts
        self.claimed_expr, self.true_expr = claimed_expr, true_expr
        self.relations = relations
        self.out = tuple(out)
        self._static = (tuple(self.claimed_expr), tuple(self.true_expr),
                        tuple((str(k), int(v)) for k, v in pts.sizes.items()),
                        tuple((str(ix), np.asarray(v).tobytes()) for ix, v in self.out))

    def _row_key(self, i, dps):
        """Everything the interpreter reads for point ``i``: the exact float64 bytes of every
        base, label, index and parameter, the sizes, the out grid, both sides, the digits."""
        skip = {o for o, _ in self.out}
        pts = self.pts
        parts = [(str(b), np.asarray(v[i]).dtype.str, np.shape(v[i]), np.asarray(v[i]).tobytes())
                 for group in (pts.bases, pts.labels, pts.params) for b, v in group.items()]
        parts += [(str(s), np.asarray(v[i]).tobytes()) for s, v in pts.indices.items() if s not in skip]
        return self._static, tuple(parts), dps

    def values(self, rows, dps):
        """Claimed and true values ``(c, t)``, each (len(rows), entries) mpf, or ``(None, None)``
        when the interpreter raises on the batch.

        Memoized per point for the claim being checked: the autodiff and finite-difference
        witnesses of an indexed gradient claim sample the same points, and where they check the
        same out grid the second referees the same rows at the same digits.  Entries of one row
        do not depend on the other rows of the batch (the interpreter works entry-wise), so only
        the rows not seen before are evaluated; if that raises, the whole batch is undecided,
        exactly as when it was evaluated in one piece (a remembered row never raised).
        """
        memo = _memo_for(self.claim)
        keys = [self._row_key(int(i), dps) for i in np.atleast_1d(rows)]
        missing = [(int(i), k) for i, k in zip(np.atleast_1d(rows), keys) if k not in memo]
        if missing:
            c, t = self._values([i for i, _ in missing], dps)
            if c is None:
                return None, None
            for r, (_, k) in enumerate(missing):
                memo[k] = (c[r], t[r])
        return (np.stack([memo[k][0] for k in keys]), np.stack([memo[k][1] for k in keys]))

    def _values(self, rows, dps):
        one, mb, mparams = _mp_point(self.pts, rows)
        with mpmath.workdps(dps):
            ev = Evaluator(self.claim, one.sizes, "mpmath", mb, one.labels,
                           {ix: v for ix, v in one.indices.items() if ix not in {o for o, _ in self.out}},
                           mparams, self.out)
            try:
                c = [np.asarray(ev(e)).reshape(len(rows), -1) for e in self.claimed_expr]
                t = [np.asarray(ev(e)).reshape(len(rows), -1) for e in self.true_expr]
            except (ZeroDivisionError, ValueError, OverflowError):
                return None, None
        return np.concatenate(c, axis=1), np.concatenate(t, axis=1)

    def compare_rows(self, rows):
        """``[(row, verdict, k, c_hi, t_hi)]`` for the rows, in order."""
        need = {int(i): _dps_for(self.pts, i) for i in rows}
        out = {int(i): ("undecidable", None, None, None) for i in rows if need[int(i)] is None}
        buckets = {}
        for i, d in need.items():
            if d is not None:
                buckets.setdefault(64 * ((d + 63) // 64), []).append(i)
        for dps, group in sorted(buckets.items()):
            lo = self.values(group, dps)
            hi = self.values(group, 2 * dps)
            for r, i in enumerate(group):
                if lo[0] is None or hi[0] is None:
                    out[i] = ("undecidable", None, None, None)
                    continue
                out[i] = self._decide_row(lo[0][r], lo[1][r], hi[0][r], hi[1][r], 2 * dps)
        return [(int(i), *out[int(i)]) for i in rows]

    def compare(self, i):
        return self.compare_rows([i])[0][1:]

    def _decide_row(self, c_lo, t_lo, c_hi, t_hi, dps):
        rels = self.relations
        with mpmath.workdps(dps):
            for k in range(len(c_hi)):
                rel = rels[k] if len(rels) > 1 else rels[0]
                if _holds(c_hi[k], t_hi[k], rel):
                    continue
                vals = (c_hi[k], t_hi[k], c_lo[k], t_lo[k])
                if any(mpmath.isnan(v) for v in vals):
                    return "undecidable", k, c_hi, t_hi
                gap = abs(c_hi[k] - t_hi[k])
                noise = abs(c_hi[k] - c_lo[k]) + abs(t_hi[k] - t_lo[k])
                limit = gap if rel == "==" else max(gap, abs(c_hi[k]), abs(t_hi[k]))
                if noise <= mpmath.mpf("1e-6") * limit and not _holds(c_lo[k], t_lo[k], rel):
                    return "fail", k, c_hi, t_hi
                return "undecidable", k, c_hi, t_hi
        return "ok", None, c_hi, t_hi


def _holds(c, t, rel):
    if mpmath.isnan(c) or mpmath.isnan(t):
        return False
    if rel == "==":
        if mpmath.isinf(c) or mpmath.isinf(t):
            return c == t
        return abs(c - t) <= MP_RTOL * max(abs(c), abs(t))
    return {">": c > t, ">=": c >= t, "<": c < t, "<=": c <= t, "!=": c != t}[rel]


def _float_ok(c, r, rtol, relations, extra_tol=None):
    """The float64 rule of :func:`checkers.pointwise.decide` on (N, M) arrays.

    One difference: the entries of an inequality claim are separate statements (a lower and an
    upper bound), so each entry's margin is relative to that entry alone; ``decide`` would
    take the row maximum, and $a_j > 0$ next to $a_j < 1$ would then need $a_j > 10^{-12}$.
    """
    finite = np.isfinite(c) & np.isfinite(r)
    with np.errstate(all="ignore"):
        scale = np.maximum(np.abs(c), np.abs(r))
        if all(rel == "==" for rel in relations):
            # identities: a row shares one scale (cancellation in one entry is relative to it)
            rowmax = np.max(np.where(np.isfinite(r), np.abs(r), 0), axis=1, keepdims=True) if r.shape[1] else 0
            scale = np.maximum(scale, rowmax)
        tol = rtol * scale + (0 if extra_tol is None else extra_tol)
        diff = c - r
        ok = np.zeros_like(finite)
        for k, rel in enumerate(relations):
            col = slice(k, k + 1) if len(relations) > 1 else slice(None)
            d, t_ = diff[:, col], tol[:, col] if np.ndim(tol) else tol
            ok[:, col] = finite[:, col] & {"==": np.abs(d) <= t_, ">": d > t_, ">=": d >= t_,
                                           "<": d < -t_, "<=": d <= -t_, "!=": np.abs(d) > t_}[rel]
        relerr = np.where(ok & (scale > 0), np.abs(diff) / np.where(scale > 0, scale, 1), 0.0)
    return ok, relerr


@dataclass
class _SizeOutcome:
    sizes: dict
    points: int
    float64: int
    escalated: int = 0
    unchecked: int = 0
    worst: float = 0.0
    ce: Counterexample | None = None
    seconds: float = 0.0
    regimes: dict = field(default_factory=dict)


def _work_per_digit(pts, referee) -> int:
    """Entries the referee evaluates per point: the bases' entries, times the gradient row."""
    entries = sum(int(np.size(v[0])) for v in pts.bases.values()) or 1
    row = _prod(len(v) for _, v in referee.out) if referee.out else 1
    return max(1, (entries + row) // 4)


def _escalate(claim, pts, ok, referee, entry_name, witness, confirm=None, simplify=None,
              extra_of=None, budget=ESCALATE_WORK):
    """Referee the points float64 left undecided (cheapest first, within the budgets).

    The budget is deterministic (the same seed escalates the same points on a loaded or an
    idle machine): at most ``MAX_ESCALATE`` points and ``budget`` digit-entries, where a point
    costs its working digits times a quarter of the entries the referee evaluates there (a
    point with K = 2 logits costs its digits, as in ``checkers.pointwise``).  A witness splits
    ``ESCALATE_WORK`` (the digits ``checkers.pointwise`` allows a witness) evenly over its sizes.
    """
    point_ok = ok.all(axis=1)
    undecided = np.flatnonzero(~point_ok)
    if not len(undecided):
        return 0, 0, None
    def cost(i):  # as checkers.pointwise: moderate magnitudes first (zeros count as moderate)
        vals = np.concatenate([np.abs(np.ravel(v[i])) for v in pts.bases.values()] + [np.zeros(1)])
        vals = vals[(vals > 0) & np.isfinite(vals)]
        return float(np.abs(np.log10(vals)).max()) if vals.size else 0.0

    mags = np.array([cost(i) for i in undecided])
    order = undecided[np.argsort(mags, kind="stable")][:MAX_ESCALATE]
    escalated, unchecked = 0, 0
    work = _work_per_digit(pts, referee)
    cap = int(min(32, max(1, 8192 // work)))
    spent, start, batch = 0, 0, 1
    while start < len(order):
        rows = order[start:start + batch]
        cost = sum(min(_dps_for(pts, i) or MAX_DPS, MAX_DPS) for i in rows) * work
        if escalated and spent + cost > budget:  # the cheapest undecided point is always refereed
            break
        spent += cost
        start, batch = start + len(rows), min(2 * batch, cap)
        escalated += len(rows)
        for i, verdict, k, c_hi, t_hi in referee.compare_rows(rows):
            if verdict == "undecidable":
                unchecked += 1
                continue
            if verdict != "fail":
                continue
            at, row = pts, i
            if simplify is not None:
                simpler = simplify(i, k)
                if simpler is not None:
                    (at, row), k, c_hi, t_hi = simpler
            point = at.describe(row, extra=extra_of(i, k) if extra_of is not None else None)
            how = f"sample regime: {pts.regimes[i]}" + (", entries rounded" if at is not pts else "")
            ce = Counterexample(point=point, claimed=fmt(c_hi[k]), true=fmt(t_hi[k]),
                                component=entry_name(i, k), confirmed="mpmath at two working precisions",
                                found_by=witness, by_hand=how)
            if confirm is not None:
                extra = confirm(at, row, k)
                if extra:
                    ce.confirmed += f"; {extra}"
            rels = referee.relations
            rel = rels[k] if len(rels) > 1 else rels[0]
            if rel != "==":
                ce.claimed = f"{fmt(c_hi[k], 10)} {rel} {fmt(t_hi[k], 10)}"
                ce.true = "false"
                ce.labels = ("relation", "holds")
            elif isinstance(claim, IndexedEqualityClaim):
                ce.labels = ("left side", "right side")
            return escalated, 0, ce
    unchecked += len(undecided) - escalated
    return escalated, unchecked, None


def _simplifier(claim, pts, referee):
    """A simpler failing point, if one fails too: every base entry 0, or the middle of its
    interval, or rounded to 1, 2 or 3 significant digits (easier to check by hand)."""

    def simplify(i, k):
        one = pts.take(i)
        for mode in ("zero", "mid", 1, 2, 3):
            new = {}
            for b, v in one.bases.items():
                iv = claim.entry_domain(b)
                if mode == "zero":
                    r = np.zeros_like(v)
                elif mode == "mid":
                    if not (math.isfinite(iv.lo) and math.isfinite(iv.hi)):
                        break
                    r = np.full_like(v, (iv.lo + iv.hi) / 2)
                else:
                    r = np.vectorize(lambda x: float(f"{x:.{mode - 1}e}") if x != 0 else 0.0)(v)
                if not all(iv.contains(float(x)) for x in r.ravel()):
                    break
                new[b] = r
            else:
                trial = one.replace_bases(new)
                sub = _Referee(claim, trial, referee.claimed_expr, referee.true_expr, referee.relations,
                               referee.out)
                verdict, k2, c2, t2 = sub.compare(0)
                if verdict == "fail":
                    return (trial, 0), k2, c2, t2
        return None

    return simplify


def _gradient_row_names(claim, pts, out):
    def extra(i, k):
        if not out:
            return {}
        pos = np.unravel_index(k, tuple(len(v) for _, v in out))
        return {ix: int(v[p]) for (ix, v), p in zip(out, pos)}

    def name(i, k):
        vals = extra(i, k)
        vals.update({ix: int(pts.indices[ix][i]) for ix in claim.wrt.indices if ix not in vals})
        return f"d/d{claim.wrt.xreplace({ix: sp.Integer(v) for ix, v in vals.items()})}"

    return name, extra


def _confirm_diff(claim, pts, out):
    """mpmath.diff of the cost along the failing entry (independent of SymPy's derivative)."""

    def confirm(at, i, k):
        dps = _dps_for(at, i)
        if dps is None:
            return ""
        one, mb, mparams = _mp_point(at, i)
        base = claim.wrt.base
        pos = np.unravel_index(k, tuple(len(v) for _, v in out)) if out else ()
        vals = {ix: int(v[p]) for (ix, v), p in zip(out, pos)}
        vals.update({ix: int(one.indices[ix][0]) for ix in claim.wrt.indices if ix not in vals})
        entry = tuple(vals[ix] - 1 for ix in claim.wrt.indices)
        with mpmath.workdps(dps):
            def g(t):
                b = mb[base].copy()
                b[(0,) + entry] = b[(0,) + entry] + t
                ev = Evaluator(claim, one.sizes, "mpmath", {**mb, base: b}, one.labels,
                               {ix: v for ix, v in one.indices.items()}, mparams)
                return ev(claim.cost).ravel()[0]

            d = mpmath.diff(g, mpmath.mpf(0))
        return f"mpmath.diff gives {fmt(d, 12)}"

    return confirm


def _instances(claim, sizes):
    if sizes is None:
        return claim.size_instances
    if isinstance(sizes, dict):
        return [sizes]
    out = []
    for s in sizes:
        if isinstance(s, dict):
            out.append(s)
        else:
            if len(claim.size_symbols) != 1:
                raise ClaimError(f"{claim.id}: give sizes as mappings (the claim has sizes {claim.size_symbols})")
            out.append({claim.size_symbols[0]: int(s)})
    return out


def _seed_of(sample):
    return getattr(sample, "seed", 0) if sample is not None else 0


def _gradient_check(claim, sample, witness, *, sizes=None, points=None):
    t0 = time.monotonic()
    seed = _seed_of(sample)
    true = sp.diff(claim.cost, claim.wrt)
    outcomes = []
    analytic = _analytic(claim, claim.cost)
    instances = _instances(claim, sizes)
    for sz in instances:
        ts = time.monotonic()
        pts = sample_points(claim, sz, points, seed)
        out = _out_arrays(claim, sz)
        if witness == "finite differences":
            out = _fd_out(claim, pts, out)
        if witness == "autodiff":
            ref, cl = _autodiff_arrays(claim, pts, out)
        else:
            ref, cl, est = _fd_arrays(claim, pts, out, analytic)
        n = len(pts)
        ref, cl = ref.reshape(n, -1), cl.reshape(n, -1)
        rtol = AUTODIFF_RTOL if witness == "autodiff" else (CS_RTOL if analytic else FD_RTOL)
        extra = None if (witness == "autodiff" or analytic) else est.reshape(n, -1)
        ok, relerr = _float_ok(cl, ref, rtol, ("==",), extra)
        referee = _Referee(claim, pts, [claim.claimed], [true], ("==",), out)
        name, extra_of = _gradient_row_names(claim, pts, out)
        esc, unchecked, ce = _escalate(
            claim, pts, ok, referee, name, witness, confirm=_confirm_diff(claim, pts, out),
            simplify=_simplifier(claim, pts, referee), extra_of=extra_of,
            budget=ESCALATE_WORK // len(instances))
        worst = float(relerr.max()) if relerr.size else 0.0
        outcomes.append(_SizeOutcome(sz, n, int(ok.all(axis=1).sum()), esc, unchecked, worst, ce,
                                     time.monotonic() - ts, _shares(pts)))
        if ce is not None:
            break
    if witness == "autodiff":
        method = "jax.grad of the cost over the whole base (vectorized index interpreter), every entry of the row"
        tol = f"rel. {AUTODIFF_RTOL:.0e}"
    elif analytic:
        method = "complex step along each checked entry (vectorized index interpreter)"
        tol = f"rel. {CS_RTOL:.0e}"
    else:
        method = "central differences + Richardson along each checked entry"
        tol = f"10 x Richardson error estimate + rel. {FD_RTOL:.0e}"
    return _result(witness, method, tol, outcomes, t0)


def _result(witness, method, tol, outcomes, t0):
    ce = next((o.ce for o in outcomes if o.ce is not None), None)
    total = sum(o.points for o in outcomes)
    per = "; ".join(_size_text(o) for o in outcomes)
    if ce is not None:
        detail = f"counterexample confirmed in high precision ({ce}); {per}"
    else:
        detail = per
    decided = sum(o.points - o.unchecked for o in outcomes)   # in float64 or by the referee
    # no point decided at any size (all beyond float64 and the referee): no evidence, not a pass
    status = FAIL if ce is not None else (PASS if decided > 0 or total == 0 else UNDECIDED)
    return WitnessResult(witness=witness, status=status, method=method,
                         worst_error=max((o.worst for o in outcomes), default=0.0), tolerance=tol,
                         points=total, float64_points=sum(o.float64 for o in outcomes),
                         escalated=sum(o.escalated for o in outcomes), detail=detail, counterexample=ce,
                         seconds=time.monotonic() - t0,
                         extra={"unchecked": sum(o.unchecked for o in outcomes) if ce is None else 0,
                                "per_size": [{"sizes": {str(k): v for k, v in o.sizes.items()},
                                              "points": o.points, "float64": o.float64,
                                              "escalated": o.escalated, "unchecked": o.unchecked,
                                              "worst_error": o.worst, "regimes": o.regimes,
                                              "seconds": round(o.seconds, 3)}
                                             for o in outcomes]})


def _shares(pts) -> dict:
    labels, counts = np.unique(pts.regimes.astype(str), return_counts=True)
    return {str(k): int(c) for k, c in zip(labels, counts)}


def _size_text(o):
    at = ", ".join(f"{k} = {v}" for k, v in o.sizes.items())
    parts = [f"{at}: {o.float64} of {o.points} points decided in float64"]
    if o.escalated:
        parts.append(f"{o.escalated} sent to mpmath")
    if o.unchecked:
        parts.append(f"{o.unchecked} unchecked (beyond the referee's reach or budget)")
    return ", ".join(parts)


# jax.grad rows of the claim being checked, by point set: see _autodiff_arrays.
_GRADS = {"claim": None, "rows": {}}


def _points_key(pts, out) -> str:
    """A digest of everything the gradient rows depend on: the sizes, every sampled array
    (bases, labels, indices, parameters: shapes, dtypes and bytes) and the out grid."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr(sorted((str(k), int(v)) for k, v in pts.sizes.items())).encode())
    for group in (pts.bases, pts.labels, pts.indices, pts.params):
        h.update(b"|")
        for k in sorted(group, key=str):
            a = np.ascontiguousarray(group[k])
            h.update(f"{k}:{a.dtype.str}:{a.shape}".encode())
            h.update(a.tobytes())
    for ix, vals in out:
        h.update(f"{ix}:".encode())
        h.update(np.ascontiguousarray(vals, dtype=np.int64).tobytes())
    return h.hexdigest()


def _autodiff_arrays(claim, pts, out):
    r"""``jax.grad`` of $\sum_n \mathrm{cost}_n$ over the whole base, gathered at the entries the
    claim speaks about, and the claimed derivative there: two float64 arrays (n, *out grid).

    Memoized for the claim being checked (the same object; a new claim starts an empty memo) by
    a digest of the point set (:func:`_points_key`): the autodiff witness and the Taylor
    witness's set-up (:func:`checkers.indexed_taylor.taylor_setup`) ask for the same rows.  The
    arrays are returned read-only."""
    memo = _memo_for(claim, _GRADS)
    key = _points_key(pts, out)
    hit = memo.get(key)
    if hit is None:
        hit = _autodiff_arrays_raw(claim, pts, out)
        for a in hit:
            a.setflags(write=False)
        memo[key] = hit
    return hit


def _autodiff_arrays_raw(claim, pts, out):
    import jax
    import jax.numpy as jnp

    base = claim.wrt.base
    jb = {b: jnp.asarray(v, dtype=jnp.float64) for b, v in pts.bases.items()}
    params = {s: jnp.asarray(v, dtype=jnp.float64) for s, v in pts.params.items()}
    idx = {ix: v for ix, v in pts.indices.items()}

    def total(bw):
        ev = Evaluator(claim, pts.sizes, "jax", {**jb, base: bw}, pts.labels, idx, params)
        return jnp.sum(ev(claim.cost))

    # Single-base claims run op by op: each primitive compiles once per shape and those claims
    # share their shapes (same sizes and points), so after the first one a gradient costs
    # milliseconds, where jax.jit would compile a program per claim and size (~0.4 s each).
    # Layers (several bases: W, b, inputs) have many shapes of their own: one jit is cheaper.
    fn = jax.grad(total)
    if len(claim.shapes) > 1:
        fn = jax.jit(fn)
    grad = np.asarray(fn(jb[base]))
    # the gradient entries the claim speaks about: wrt indices, sampled or over the out grid
    gather = Evaluator(claim, pts.sizes, "numpy", {base: grad}, pts.labels,
                       {ix: v for ix, v in idx.items() if ix not in {o for o, _ in out}}, {}, out)
    ref = np.asarray(gather(claim.wrt), dtype=np.float64)
    cl = np.asarray(_evaluator(claim, pts, "numpy", out=out)(claim.claimed), dtype=np.float64)
    return ref, cl


def _fd_out(claim, pts, out):
    """The out-grid entries finite differences check: all, or a subset with the range ends."""
    new = []
    for ix, vals in out:
        if len(vals) <= FD_ALL:
            new.append((ix, vals))
            continue
        lo, hi = int(vals[0]), int(vals[-1])
        pool = pts.focus.get((lo, hi))
        if pool is None:
            rng = np.random.default_rng([pts.seed, lo, hi])
            pool = np.unique(np.concatenate([[lo, lo + 1, hi], rng.integers(lo, hi + 1, size=FD_SUBSET - 3)]))
        new.append((ix, np.asarray(pool)))
    return new


def _fd_arrays(claim, pts, out, analytic):
    base = claim.wrt.base
    n = len(pts)
    grid = tuple(len(v) for _, v in out)
    cells = list(np.ndindex(*grid)) if grid else [()]
    ref = np.empty((n, len(cells)))
    est = np.zeros((n, len(cells)))
    idx = {ix: v for ix, v in pts.indices.items()}
    shape = pts.bases[base].shape[1:]
    for c, cell in enumerate(cells):
        vals = {ix: np.full(n, int(v[p])) for (ix, v), p in zip(out, cell)}
        vals.update({ix: idx[ix] for ix in claim.wrt.indices if ix not in vals})
        direction = np.zeros((n,) + shape)
        direction[(np.arange(n),) + tuple(vals[ix] - 1 for ix in claim.wrt.indices)] = 1.0

        def f(t, direction=direction):
            tt = t.reshape((n,) + (1,) * len(shape))
            bw = pts.bases[base] + tt * direction
            ev = Evaluator(claim, pts.sizes, "numpy", {**pts.bases, base: bw}, pts.labels, idx, pts.params)
            with np.errstate(all="ignore"):
                return np.asarray(ev(claim.cost)).reshape(n, 1, 1)

        t0 = np.zeros(n)
        if analytic:
            ref[:, c] = complex_step(f, [t0], 0)[:, 0]
        else:
            r, e = central_richardson(f, [t0], 0)
            ref[:, c], est[:, c] = r[:, 0], 10 * e[:, 0]
    cl_full = np.asarray(_evaluator(claim, pts, "numpy", out=out)(claim.claimed), dtype=np.float64)
    cl = cl_full.reshape(n, -1)
    return ref, cl, est


def autodiff_witness(claim, sample=None, *, sizes=None, points=None) -> WitnessResult:
    """``jax.grad`` against the claimed derivative at each concrete size (see module docstring)."""
    return _gradient_check(claim, sample, "autodiff", sizes=sizes, points=points)


def finite_diff_witness(claim, sample=None, *, sizes=None, points=None) -> WitnessResult:
    """Complex step / Richardson differences against the claimed derivative at each size."""
    return _gradient_check(claim, sample, "finite differences", sizes=sizes, points=points)


def sampling_witness(claim, sample=None, *, sizes=None, points=None) -> WitnessResult:
    """Both sides of an indexed equality or inequality at every point, at each size."""
    t0 = time.monotonic()
    seed = _seed_of(sample)
    outcomes = []
    rels = claim.relations
    instances = _instances(claim, sizes)
    for sz in instances:
        ts = time.monotonic()
        pts = sample_points(claim, sz, points, seed)
        ev = _evaluator(claim, pts, "numpy")
        n = len(pts)
        with np.errstate(all="ignore"):
            lhs = np.stack([np.asarray(ev(e), dtype=np.float64).reshape(n) for e in claim.lhs], axis=1)
            rhs = np.stack([np.asarray(ev(e), dtype=np.float64).reshape(n) for e in claim.rhs], axis=1)
        if all(r == "==" for r in rels):
            ok, relerr = _float_ok(lhs, rhs, EVAL_RTOL, ("==",))
        else:
            ok, relerr = _float_ok(lhs, rhs, EVAL_RTOL, rels)
        referee = _Referee(claim, pts, list(claim.lhs), list(claim.rhs), rels, ())

        def name(i, k):
            return f"entry {k}" if len(rels) > 1 else ""

        esc, unchecked, ce = _escalate(claim, pts, ok, referee, name, "sampling",
                                       simplify=_simplifier(claim, pts, referee),
                                       budget=ESCALATE_WORK // len(instances))
        outcomes.append(_SizeOutcome(sz, n, int(ok.all(axis=1).sum()), esc, unchecked,
                                     float(relerr.max()) if relerr.size else 0.0, ce, time.monotonic() - ts,
                                     _shares(pts)))
        if ce is not None:
            break
    return _result("sampling", "NumPy float64 (vectorized index interpreter), mpmath where undecided",
                   f"rel. {EVAL_RTOL:.0e}", outcomes, t0)


def check_at(claim, sizes, *, witness="autodiff", points=None, seed=0) -> WitnessResult:
    """One numeric witness at the given sizes: the benchmark entry point.

    ``sizes``: an int (one size symbol), a mapping, or a sequence of either;
    ``witness``: ``"autodiff"``, ``"finite differences"`` or ``"sampling"``; ``points``:
    points per size (default :func:`points_for`).
    """
    witnesses = {"autodiff": autodiff_witness, "finite differences": finite_diff_witness,
                 "sampling": sampling_witness}
    if witness not in witnesses:
        raise ValueError(f"{claim.id}: witness {witness!r} is not one of {sorted(witnesses)}")
    if isinstance(sizes, (int, dict)):
        sizes = [sizes]
    return witnesses[witness](claim, _Seed(seed), sizes=sizes, points=points)


@dataclass(frozen=True)
class _Seed:
    """What the witnesses read from the engine's sample: its seed."""

    seed: int


def _register():
    from .engine import register_kind

    from .indexed_taylor import taylor_witness  # imports this module: only once it is complete

    register_kind(IndexedGradientClaim.kind,
                  [("autodiff", autodiff_witness), ("finite differences", finite_diff_witness),
                   ("taylor remainder", taylor_witness)],
                  symbolic=symbolic_witness)
    register_kind(IndexedEqualityClaim.kind, [("sampling", sampling_witness)], symbolic=symbolic_witness)
    register_kind(IndexedInequalityClaim.kind, [("sampling", sampling_witness)], symbolic=symbolic_witness)


_register()

