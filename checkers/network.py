r"""Witnesses for network claims (:class:`derivations._network.NetworkClaim`).

A network claim is ``lhs == rhs`` between matrix expressions over a generic layer $l$ of an
$L$-layer sigmoid network (Ko 2026, section 2).  One expression serves every size: the same
tree is evaluated by :func:`evaluate` on explicit SymPy networks (the proof) and on JAX arrays
(the numerics), with the sizes $n_{l-1}, n_l, n_{l+1}, N$ bound at evaluation time.  Index
forms (``FunctionMatrix`` with ``Sum``) compile to one ``einsum`` per term.

Witnesses
---------
``symbolic``  The claim on explicit networks (default 2-3-2 and 3-4-3-2, batch 2; batch 1 for
  per-sample claims), every layer it speaks of.  The true derivatives are SymPy ``diff`` of the
  explicit cost, through a *cut* at the node ($z^l$ or $a^l$ replaced by fresh symbols), so
  $\delta^l = \partial C_x/\partial z^l$ is a derivative, never a formula.  Three stages,
  most general first: (1) an undefined activation $\sigma$ whose only rule is
  $\sigma' =$ ``act_prime`` and an undefined cost $F(a^L, y)$ whose only rule is its partials:
  a proof here is the chain rule alone and holds for every activation and cost; (2) the same
  activation with the claim's cost; (3) the sigmoid substituted ($\sigma' = \sigma(1-\sigma)$).
  Zero test: ``expand``, then ``cancel(together(.))``.  If no stage proves it, the residual is
  evaluated exactly at simple points (all weights, biases and inputs 0, so every $a = 1/2$ and
  $\sigma' = 1/4$; then seeded points with entries in $\{-1, 0, 1\}$): a nonzero entry is a
  counterexample.  A claim that singles out one entry (:class:`EntryIndicator`) is not uniform in
  size, so a proof on small networks proves nothing for large ones: then at best UNDECIDED.

``autodiff``  ``jax.grad`` of the whole network cost at realistic sizes (default 784-100-10 and
  784-100-100-100-10, batch 64; parameters drawn in a standard, a saturated and a mixed regime),
  compared entry by entry with the claim's right-hand side, evaluated from the same expression
  tree.  Tolerance: $|l - r| \le 10^{-10} \max(|l|, |r|, m_l, m_r, 10^{-6} \max |l|)$ where $m$
  is the *magnitude* of each side (the expression evaluated on absolute values, with every
  derivative that reverse mode carries through hidden layers taking the absolute-value
  backward pass, :meth:`NumericNet.magnitude`: a running rounding-error scale, so cancellation
  never causes a false alarm).  Entries of output-layer
  claims that float64 cannot decide (e.g. $\nabla_a C = (a - y)/(a(1-a))$ with $a$ rounded to
  1) go to an mpmath referee at two precisions.  A failure names the network, regime, layer,
  entry and both values.

``taylor remainder``  For claims whose left side is a derivative of a scalar (or a Jacobian):
  $|J(m + \epsilon h) - J(m) - \epsilon \langle g, h\rangle|$ must shrink like $\epsilon^2$ over 10
  halvings, along 4 seeded random directions per layer and regime, plus the coordinate
  directions of the entries where the claimed gradient and JAX disagree most (so that a wrong
  single entry, which a random direction dilutes by $1/\sqrt{n}$, is seen).  The window of
  $\epsilon$ is the 11 smallest steps up to the last remainder $10^3$ times above the rounding
  level of $J$; the observed order is $\log_2(r_k / r_{k+1})$; a zero of the signed remainder
  inside the window (a sign change: $R = a\epsilon^2 + b\epsilon^3$ vanishes at $-a/b$) is
  judged by the orders past it (:mod:`checkers.taylor`).

Public API: :func:`check_network` (one network, one regime: for benchmarks),
:func:`autodiff_witness`, :func:`taylor_witness` (both take ``networks=[NetSpec(...)]`` and
``regimes=``), :func:`taylor_test` (one direction, on :func:`numeric_net`, with
:func:`taylor_setup` and :func:`random_direction`), :func:`network_symbolic_witness`,
:class:`NetSpec`, :func:`draw_network`, :data:`NUMERIC_NETWORKS`, :data:`REGIMES`.

Float64 note (measured): the JVP of ``jax.nn.sigmoid`` is $s(1-s)$ with $s$ rounded, which loses
every digit once $s$ rounds to 1 (rel. error $9\cdot10^{-4}$ at $z = 33$, 1 at $z = 40$); the JAX
reference here writes $\sigma(z) = e^{-\operatorname{softplus}(-z)}$, whose derivative autodiff
gets to full relative accuracy.
"""

from __future__ import annotations

import functools
import itertools
import math
import time
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.matexpr import MatrixElement

from derivations import ClaimError
from derivations._functions import sigmoid
from derivations._network import (QUANTITIES, EntryIndicator, N, act, act_prime,
                                  n_l, n_next, n_prev)

from . import _precision  # noqa: F401  (x64 before any array)
from ._timeout import SymbolicTimeout, time_limit
from .engine import register_kind
from .lambdify import _IMPL, prepare
from . import taylor as _taylor
from .results import (DISPROVED, FAIL, NOT_APPLICABLE, PASS, PROVED, UNDECIDED, Counterexample,
                      WitnessResult)
from .sampling import _stable_hash

__all__ = ["NetSpec", "NUMERIC_NETWORKS", "REGIMES", "draw_network", "evaluate", "check_network",
           "autodiff_witness", "taylor_witness", "taylor_test", "network_symbolic_witness",
           "AUTODIFF_RTOL", "TAYLOR_HALVINGS", "TAYLOR_DIRECTIONS", "TAYLOR_MIN_ORDER",
           "PROOF_SECONDS", "layers_of", "numeric_net", "taylor_setup", "random_direction",
           "LayerCheck", "NumericNet", "Instance"]

AUTODIFF_RTOL = 1e-10
FLOOR_REL = 1e-6
REFEREE_CONFIRM = 10
KEEP_FAILURES = 20
TAYLOR_HALVINGS = 10
TAYLOR_DIRECTIONS = 4
TAYLOR_MIN_ORDER = _taylor.MIN_ORDER
TAYLOR_NOISE_FACTOR = 1e3
PROOF_SECONDS = 240.0


# =============================================================================================
# Evaluation of a vocabulary expression on one backend
# =============================================================================================

_t = sp.Symbol("t", real=True)


def _activation_map(expr, activation, backend):
    """Replace ``act``/``act_prime`` by the activation of a stage (SymPy expressions)."""
    if activation == "generic":
        return expr
    if activation != "sigmoid":
        raise ValueError(f"unknown activation {activation!r}")

    def prime(u):
        # sigma' = sigma (1 - sigma); in float64 the same number as sigma(u) sigma(-u), which
        # does not cancel when sigma(u) -> 1.
        return sigmoid(u) * sigmoid(-u) if backend == "jax" else sigmoid(u) * (1 - sigmoid(u))

    expr = expr.replace(lambda e: isinstance(e, act_prime), lambda e: prime(e.args[0]))
    return expr.replace(lambda e: isinstance(e, act), lambda e: sigmoid(e.args[0]))


@functools.lru_cache(maxsize=512)
def _scalar_fn(lam: sp.Lambda, backend: str, activation: str):
    """An elementwise numeric function from a one-variable ``Lambda`` (jax or mpmath)."""
    (v,) = lam.variables
    body = _activation_map(lam.expr.xreplace({v: _t}), activation, backend)
    if backend == "jax":
        return sp.lambdify([_t], prepare(body), modules=[_IMPL["jax"], "jax"])
    if backend == "mpmath":
        f = sp.lambdify([_t], prepare(body), modules=[_IMPL["mpmath"], "mpmath"])
        return np.vectorize(f, otypes=[object])
    raise ValueError(backend)


class _Ctx:
    """How to evaluate: array namespace, the values of the vocabulary symbols, the sizes."""

    def __init__(self, backend, lookup, dims, layer, activation="sigmoid", magnitude=False,
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
            body = _activation_map(lam.expr, self.activation, "sympy")
            return np.vectorize(lambda u: body.xreplace({v: u}), otypes=[object])(arr)
        return _scalar_fn(lam, self.backend, self.activation)(arr)

    def power(self, arr, p):
        if self.backend == "jax":
            return arr ** float(p)
        return np.vectorize(lambda u: u ** p, otypes=[object])(arr)

    def einsum(self, spec, *arrs):
        return self.xp.einsum(spec, *arrs)


def _pair(ctx, v, m=None):
    return (v, m) if ctx.magnitude else v


def evaluate(expr, ctx: _Ctx):
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
        lam = sp.Lambda(_t, e.xreplace({el: _t}))
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


def _dims(sizes, l, batch):
    L = len(sizes) - 1
    return {n_prev: sp.Integer(sizes[l - 1]), n_l: sp.Integer(sizes[l]),
            n_next: sp.Integer(sizes[l + 1]) if l < L else sp.Symbol("unbound"), N: sp.Integer(batch)}


# =============================================================================================
# The symbolic witness: explicit small networks
# =============================================================================================

class Fcost(sp.Function):
    r"""An undefined per-sample cost $F(a_1^L, \dots, a_m^L, y_1, \dots, y_m)$; its only rule is
    that its partial derivatives are :class:`Fpartial`."""

    def fdiff(self, argindex=1):
        return Fpartial(sp.Integer(argindex), *self.args)


class Fpartial(sp.Function):
    r"""$\partial F / \partial(\text{argument } k)$, undefined."""


def _obj(rows):
    return np.array(rows, dtype=object).reshape(len(rows), -1) if rows else np.empty((0, 0), object)


class Instance:
    """One explicit network in SymPy: symbols, forward pass, true derivatives (lazily, cached).

    ``activation``: ``"generic"`` (``act``, derivative ``act_prime``) or ``"sigmoid"``;
    ``cost``: a NetworkCost or ``"generic"`` (:class:`Fcost`); ``scope``: ``"mean"`` or
    ``"sample"`` (which cost ``dW``, ``db``, ``dZ``, ``dA`` differentiate).
    """

    def __init__(self, sizes, batch, activation, cost, scope):
        self.sizes, self.batch, self.activation, self.cost, self.scope = (
            tuple(sizes), batch, activation, cost, scope)
        self.L = L = len(sizes) - 1
        B = batch
        self.act = act if activation == "generic" else sigmoid
        self.W = [None] + [_obj([[sp.Symbol(f"w{l}_{j + 1}{k + 1}", real=True) for k in range(sizes[l - 1])]
                                 for j in range(sizes[l])]) for l in range(1, L + 1)]
        self.b = [None] + [_obj([[sp.Symbol(f"b{l}_{j + 1}", real=True)] for j in range(sizes[l])])
                           for l in range(1, L + 1)]
        self.X = _obj([[sp.Symbol(f"x{s + 1}_{k + 1}", real=True) for s in range(B)] for k in range(sizes[0])])
        self.Y = _obj([[sp.Symbol(f"y{s + 1}_{j + 1}", real=True) for s in range(B)] for j in range(sizes[L])])
        self.Z, self.A = [None], [self.X]
        for l in range(1, L + 1):
            Zl = self.W[l] @ self.A[l - 1] + self.b[l] @ np.full((1, B), sp.Integer(1), dtype=object)
            self.Z.append(Zl)
            self.A.append(self._act(Zl))
        self.cache = {}

    def _act(self, M):
        return np.vectorize(self.act, otypes=[object])(M)

    def sample_cost(self, aL, y):
        if self.cost == "generic":
            return Fcost(*aL, *y)
        return sp.Add(*[self.cost(a, yy) for a, yy in zip(aL, y)])

    def costs_from(self, kind, l, M):
        """Per-sample costs with node ``kind`` (``"Z"`` or ``"A"``) of layer ``l`` set to ``M``."""
        A = self._act(M) if kind == "Z" else M
        for m in range(l + 1, self.L + 1):
            A = self._act(self.W[m] @ A + self.b[m] @ np.full((1, self.batch), sp.Integer(1), dtype=object))
        return [self.sample_cost(A[:, s], self.Y[:, s]) for s in range(self.batch)]

    def claim_cost(self, costs):
        return sp.Add(*costs) / self.batch if self.scope == "mean" else costs[0]

    def _cut(self, kind, l, reduce):
        """d(cost)/d(node) through a cut: the node replaced by fresh symbols, then put back."""
        node = self.Z[l] if kind == "Z" else self.A[l]
        r, c = node.shape
        cut = _obj([[sp.Symbol(f"cut_{kind}{l}_{j}_{s}", real=True) for s in range(c)] for j in range(r)])
        costs = self.costs_from(kind, l, cut)
        back = {cut[j, s]: node[j, s] for j in range(r) for s in range(c)}
        if reduce == "per-sample":
            rows = [[sp.diff(costs[s], cut[j, s]).xreplace(back) for s in range(c)] for j in range(r)]
        else:
            C = self.claim_cost(costs)
            rows = [[sp.diff(C, cut[j, s]).xreplace(back) for s in range(c)] for j in range(r)]
        return _obj(rows)

    def value(self, sym, l):
        q = QUANTITIES[sym]
        m = l + q.offset
        key = (q.kind, m)
        if key in self.cache:
            return self.cache[key]
        k = q.kind
        if k == "W":
            v = self.W[m]
        elif k == "b":
            v = self.b[m]
        elif k == "Z":
            v = self.Z[m]
        elif k == "A":
            v = self.A[m]
        elif k == "Y":
            v = self.Y
        elif k == "Delta":
            v = self._cut("Z", m, "per-sample")
        elif k == "G":
            v = self._cut("A", m, "per-sample")
        elif k == "dZ":
            v = self._cut("Z", m, "claim")
        elif k == "dA":
            v = self._cut("A", m, "claim")
        elif k in ("dW", "db"):
            C = self.claim_cost(self.costs_from("A", 0, self.X))
            P = self.W[m] if k == "dW" else self.b[m]
            v = _obj([[sp.diff(C, p) for p in row] for row in P])
        elif k == "JacZ":
            cut = _obj([[sp.Symbol(f"cut_J{m}_{j}", real=True)] for j in range(self.sizes[m])])
            znext = self.W[m + 1] @ self._act(cut) + self.b[m + 1]
            back = {cut[j, 0]: self.Z[m][j, 0] for j in range(self.sizes[m])}
            v = _obj([[sp.diff(znext[r, 0], cut[c, 0]).xreplace(back) for c in range(self.sizes[m])]
                      for r in range(self.sizes[m + 1])])
        else:  # pragma: no cover - the vocabulary is closed
            raise ClaimError(f"unknown quantity {k}")
        self.cache[key] = v
        return v

    def params(self):
        out = []
        for l in range(1, self.L + 1):
            out += list(self.W[l].ravel()) + list(self.b[l].ravel())
        return out


@functools.lru_cache(maxsize=64)
def _instance(sizes, batch, activation, cost, scope):
    return Instance(sizes, batch, activation, cost, scope)


def _sides(claim, inst, l):
    ctx = _Ctx("sympy", lambda s: inst.value(s, l), _dims(inst.sizes, l, inst.batch), l,
               activation=inst.activation)
    return evaluate(claim.lhs, ctx), evaluate(claim.rhs, ctx)


def _is_zero(e):
    if e == 0:
        return True
    if sp.expand(e) == 0:
        return True
    return sp.cancel(sp.together(e)) == 0


def _net_label(sizes, batch):
    return "-".join(map(str, sizes)) + f", batch {batch}"


def _fmt_block(M):
    vals = [v for v in M.ravel()]
    if vals and all(v == vals[0] for v in vals):
        return f"all {vals[0]}"
    return str([[sp.sstr(v) for v in row] for row in M.tolist()])


def _point_text(inst, point):
    out = {"network": _net_label(inst.sizes, inst.batch)}
    for l in range(1, inst.L + 1):
        out[f"W^{l}"] = _fmt_block(np.vectorize(lambda s: point[s], otypes=[object])(inst.W[l]))
        out[f"b^{l}"] = _fmt_block(np.vectorize(lambda s: point[s], otypes=[object])(inst.b[l]))
    out["x"] = _fmt_block(np.vectorize(lambda s: point[s], otypes=[object])(inst.X))
    Yv = np.vectorize(lambda s: point[s], otypes=[object])(inst.Y)
    out["y"] = "; ".join(f"sample {s + 1}: ({', '.join(map(str, Yv[:, s]))})" for s in range(inst.batch))
    return out


def _simple_points(inst, count, seed):
    r"""Simple exact points, easiest first.

    1. every weight, bias and input 0 (every $z = 0$, $a = 1/2$, $\sigma' = 1/4$);
    2. *balanced* points: weights in $\{-1, 0, 1\}$, inputs in $\{0, 1\}$ and biases chosen so
       that every $z$ is still 0 ($b^1 = -W^1 x$, $b^l = -\tfrac12 W^l \mathbf 1$): every value
       stays rational and checkable by hand;
    3. seeded points with every entry in $\{-1, 0, 1\}$.
    Labels are one-hot, with the samples in different classes first.
    """
    L, B, m = inst.L, inst.batch, inst.sizes[-1]
    params = inst.params()
    xs = list(inst.X.ravel())
    rng = np.random.default_rng([seed, 31])

    def labels(cls):
        return {inst.Y[j, s]: sp.Integer(int(j == cls[s])) for j in range(m) for s in range(B)}

    def rnd(shape, lo, hi):
        return np.vectorize(sp.Integer, otypes=[object])(rng.integers(lo, hi + 1, shape))

    pts = []
    for shift in range(min(m, 2)):
        cls = [(s + shift) % m for s in range(B)]
        pts.append({**{p: sp.Integer(0) for p in params + xs}, **labels(cls)})
    for k in range(count):
        pt = {}
        X = rnd(inst.X.shape, 0, 1)
        pt.update(dict(zip(xs, X.ravel())))
        A = X
        for l in range(1, L + 1):
            Wl = rnd(inst.W[l].shape, -1, 1)
            bl = -(Wl @ A)[:, :1]
            pt.update(dict(zip(inst.W[l].ravel(), Wl.ravel())))
            pt.update(dict(zip(inst.b[l].ravel(), bl.ravel())))
            A = np.full((inst.sizes[l], B), sp.Rational(1, 2), dtype=object)
            if l == 1 and B > 1:  # b^1 = -W^1 x works for one sample; other samples: x equal
                for s in range(1, B):
                    for kk in range(inst.sizes[0]):
                        pt[inst.X[kk, s]] = X[kk, 0]
        pt.update(labels([int(c) for c in rng.integers(0, m, B)]))
        pts.append(pt)
    for _ in range(count // 2):
        pt = {p: sp.Integer(int(v)) for p, v in zip(params, rng.integers(-1, 2, len(params)))}
        pt.update({x: sp.Integer(int(v)) for x, v in zip(xs, rng.integers(0, 2, len(xs)))})
        pt.update(labels([int(c) for c in rng.integers(0, m, B)]))
        pts.append(pt)
    return pts


def _entry_text(l, idx, shape):
    r, c = idx
    return f"layer l = {l}, entry [{r + 1}, {c + 1}] (1-based) of the {shape[0]} x {shape[1]} matrix"


def _by_hand(inst, point):
    zs = [v for l in range(1, inst.L + 1) for v in inst.Z[l].ravel()]
    if all(point[p] == 0 for p in inst.params()) and all(point[x] == 0 for x in inst.X.ravel()):
        return ("Every weight, bias and input is 0, so every z is 0, every a = sigma(0) = 1/2 and "
                "sigma'(0) = 1/4; substitute into both sides.")
    if all(sp.sympify(z).xreplace(point) == 0 for z in zs):
        return ("At this point every z is 0 (the biases cancel the weighted inputs), so every "
                "a = sigma(0) = 1/2 and sigma'(0) = 1/4; substitute into both sides.")
    return "Substitute the point into both sides (sigma(0) = 1/2, sigma(1) = 0.7311, sigma(-1) = 0.2689)."


def _search(claim, inst, layers, seed, deadline):
    for pt in _simple_points(inst, 40, seed):
        for l in layers:
            if time.monotonic() > deadline:
                return None
            lhs, rhs = _sides(claim, inst, l)
            for idx in itertools.product(range(lhs.shape[0]), range(lhs.shape[1])):
                lv = sp.sympify(lhs[idx]).xreplace(pt)
                rv = sp.sympify(rhs[idx]).xreplace(pt)
                d = sp.N(lv - rv, 50)
                if d.is_number and not d.has(sp.nan, sp.zoo) and abs(d) > sp.Float("1e-40"):
                    def show(v):
                        v = sp.nsimplify(v) if v.is_Float else v
                        txt = sp.sstr(v)
                        return txt if v.is_Rational else f"{txt} = {sp.sstr(sp.N(v, 12))}"
                    return Counterexample(
                        point={**_point_text(inst, pt), "layer": f"l = {l}"},
                        claimed=show(sp.simplify(rv)), true=show(sp.simplify(lv)),
                        component=_entry_text(l, idx, lhs.shape), confirmed="exact (SymPy)",
                        by_hand=_by_hand(inst, pt), found_by="symbolic",
                        labels=("right-hand side", "left-hand side"))
    return None


def _stages(claim):
    return [("any activation, any cost", "generic", "generic"),
            ("any activation, " + claim.cost.name + " cost", "generic", claim.cost),
            ("sigmoid, " + claim.cost.name + " cost", "sigmoid", claim.cost)]


def _proof_sizes(claim):
    batch = claim.proof_batch if claim.scope == "mean" else 1
    return [(tuple(s), batch) for s in claim.proof_sizes]


def network_symbolic_witness(claim, seconds: float | None = None) -> WitnessResult:
    """Prove the claim on explicit small networks, or find an exact counterexample (module doc)."""
    t0 = time.monotonic()
    budget = max(seconds or 0.0, PROOF_SECONDS)
    deadline = t0 + budget
    log, timings = [], {}
    proved_stage = None
    try:
        for stage, activation, cost in _stages(claim):
            ok = True
            for sizes, batch in _proof_sizes(claim):
                s0 = time.monotonic()
                inst = _instance(sizes, batch, activation, cost, claim.scope)
                for l in layers_of(claim, inst.L):
                    lhs, rhs = _sides(claim, inst, l)
                    if lhs.shape != rhs.shape:
                        ce = Counterexample(
                            point={"network": _net_label(sizes, batch), "layer": f"l = {l}"},
                            claimed=f"shape {rhs.shape[0]} x {rhs.shape[1]}",
                            true=f"shape {lhs.shape[0]} x {lhs.shape[1]}", component="shape",
                            confirmed="exact", found_by="symbolic",
                            labels=("right-hand side", "left-hand side"),
                            by_hand=(f"the left side is {claim.lhs_shape[0]} x {claim.lhs_shape[1]}, the right "
                                     f"side {claim.rhs_shape[0]} x {claim.rhs_shape[1]}: they differ whenever "
                                     "these sizes differ"))
                        return WitnessResult("symbolic", DISPROVED, method="shapes of both sides",
                                             detail=f"{claim.id}: the two sides have different shapes at "
                                                    f"{_net_label(sizes, batch)}, layer {l}",
                                             counterexample=ce, seconds=time.monotonic() - t0)
                    with time_limit(max(deadline - time.monotonic(), 1e-3)):
                        bad = next((idx for idx in itertools.product(range(lhs.shape[0]), range(lhs.shape[1]))
                                    if not _is_zero(sp.sympify(lhs[idx] - rhs[idx]))), None)
                    if bad is not None:
                        ok = False
                        log.append(f"{stage}: not proved at {_net_label(sizes, batch)}, layer {l} "
                                   f"(entry [{bad[0] + 1}, {bad[1] + 1}])")
                        break
                timings[f"{stage} @ {_net_label(sizes, batch)}"] = round(time.monotonic() - s0, 3)
                if not ok:
                    break
            if ok:
                proved_stage = stage
                log.append(f"{stage}: proved")
                break
        if proved_stage is not None and proved_stage != _stages(claim)[-1][0]:
            # Then with the sigmoid substituted, for the record (an instance of the general proof).
            stage, activation, cost = _stages(claim)[-1]
            for sizes, batch in _proof_sizes(claim)[:1]:
                s0 = time.monotonic()
                inst = _instance(sizes, batch, activation, cost, claim.scope)
                with time_limit(max(deadline - time.monotonic(), 1e-3)):
                    sub_ok = all(_is_zero(sp.sympify(a - b)) for l in layers_of(claim, inst.L)
                                 for a, b in zip(*(x.ravel() for x in _sides(claim, inst, l))))
                timings[f"{stage} @ {_net_label(sizes, batch)}"] = round(time.monotonic() - s0, 3)
                log.append(f"{stage} at {_net_label(sizes, batch)}: {'proved' if sub_ok else 'NOT proved'}")
    except SymbolicTimeout:
        log.append(f"time bound of {budget:g} s reached")
    nets = " and ".join(_net_label(s, b) for s, b in _proof_sizes(claim))
    uniform = not any(isinstance(a, EntryIndicator) for e in (claim.lhs, claim.rhs)
                      for a in sp.preorder_traversal(e))
    extra = {"stages": log, "seconds": timings}  # per-stage timings: a timing key, not compared
    if proved_stage is not None:
        if not uniform:
            return WitnessResult(
                "symbolic", UNDECIDED, method=f"explicit networks {nets}",
                detail=(f"{claim.id}: holds on {nets}, but the claim singles out one entry, so it is not "
                        "the same expression at every size: the small networks prove nothing for large ones"),
                seconds=time.monotonic() - t0, extra=extra)
        return WitnessResult(
            "symbolic", PROVED,
            method=f"explicit networks {nets}, every layer; {proved_stage}; expand / cancel",
            detail="; ".join(log), seconds=time.monotonic() - t0, extra=extra)
    # Not proved: look for an exact counterexample with the sigmoid and the claim's cost.
    seed = _stable_hash(claim.id)
    for sizes, batch in _proof_sizes(claim):
        if time.monotonic() > deadline:
            break
        inst = _instance(sizes, batch, "sigmoid", claim.cost, claim.scope)
        try:
            with time_limit(max(deadline - time.monotonic(), 1e-3)):
                ce = _search(claim, inst, layers_of(claim, inst.L), seed, deadline)
        except SymbolicTimeout:
            ce = None
        if ce is not None:
            return WitnessResult("symbolic", DISPROVED, method=f"exact evaluation at simple points of {nets}",
                                 detail="; ".join(log), counterexample=ce,
                                 seconds=time.monotonic() - t0, extra=extra)
    return WitnessResult("symbolic", UNDECIDED, method=f"explicit networks {nets}",
                         detail="; ".join(log) + "; no counterexample at simple points",
                         seconds=time.monotonic() - t0, extra=extra)


# =============================================================================================
# Numerics: JAX networks at realistic sizes
# =============================================================================================

@dataclass(frozen=True)
class NetSpec:
    """A network for the numeric witnesses: layer widths $(n_0, \\dots, n_L)$ and a batch size."""

    sizes: tuple
    batch: int

    @property
    def L(self):
        return len(self.sizes) - 1

    @property
    def label(self):
        return _net_label(self.sizes, self.batch)

    @property
    def n_params(self):
        return sum(self.sizes[l] * (self.sizes[l - 1] + 1) for l in range(1, self.L + 1))


NUMERIC_NETWORKS = (NetSpec((784, 100, 10), 64), NetSpec((784, 100, 100, 100, 10), 64))
"""784-100-10 (MNIST-sized) and a 4-layer network 784-100-100-100-10 (square layers 100 -> 100,
where a transposed weight gradient has the right shape and must be caught entry by entry).
Both share the layer shapes 784 -> 100 and 100 -> 10, so JAX compiles most operations once."""

REGIMES = {
    "standard": "W ~ N(0, 4/n_in), b ~ N(0, 1), x ~ U(0, 1)",
    "saturated": "W ~ N(0, 3600/n_in), b ~ N(0, 100), x ~ U(0, 1): |z| in the tens to hundreds, "
                 "sigma(z) rounds to 0 or 1 in float64",
    "mixed": "standard, with a quarter of the units (rows of W^l) scaled by 40",
}


def draw_network(spec: NetSpec, regime: str, seed) -> dict:
    """Seeded parameters, inputs and one-hot targets: ``{"W": [...], "b": [...], "X", "Y"}``."""
    if regime not in REGIMES:
        raise ValueError(f"unknown regime {regime!r}; one of {sorted(REGIMES)}")
    rng = np.random.default_rng(seed)
    s, B = spec.sizes, spec.batch
    Ws, bs = [], []
    for l in range(1, spec.L + 1):
        c, sb = (60.0, 10.0) if regime == "saturated" else (2.0, 1.0)
        W = rng.normal(0, c / math.sqrt(s[l - 1]), (s[l], s[l - 1]))
        b = rng.normal(0, sb, s[l])
        if regime == "mixed":
            rows = rng.random(s[l]) < 0.25
            W[rows] *= 40.0
            b[rows] *= 40.0
        Ws.append(W)
        bs.append(b)
    X = rng.uniform(0, 1, (s[0], B))
    Y = np.zeros((s[-1], B))
    Y[rng.integers(0, s[-1], B), np.arange(B)] = 1.0
    return {"W": Ws, "b": bs, "X": X, "Y": Y}


@functools.lru_cache(maxsize=16)
def _unit_fns(cost):
    """Per-unit cost in z (stable: log sigma = -softplus(-z)) and in a (as written), for JAX."""
    y = sp.Symbol("y", real=True)
    in_z = sp.lambdify([_t, y], prepare(cost(sigmoid(_t), y)), modules=[_IMPL["jax"], "jax"])
    in_a = sp.lambdify([_t, y], prepare(cost(_t, y)), modules=[_IMPL["jax"], "jax"])
    return in_z, in_a


class _JaxNet:
    """Forward pass and true derivatives of one network shape and cost, jitted once."""

    def __init__(self, sizes, cost):
        import jax
        import jax.numpy as jnp

        self.sizes, self.L = sizes, len(sizes) - 1
        unit_z, unit_a = _unit_fns(cost)
        L = self.L

        def sig(z):
            # sigma(z) = exp(-softplus(-z)): the same values as jax.nn.sigmoid, but autodiff of it
            # gives sigma(z) sigma(-z) to full relative accuracy, where the JVP of jax.nn.sigmoid,
            # s (1 - s), loses every digit once s rounds to 1 (z > 37) -- measured: rel. error
            # 9e-4 at z = 33, 1.0 at z = 40.
            return jnp.exp(-jax.nn.softplus(-z))

        def costs(params, epsZ, epsA, X, Y):
            A = X
            for l in range(1, L + 1):
                W, b = params[l - 1]
                Z = W @ A + b[:, None] + epsZ[l - 1]
                if l < L:
                    A = sig(Z) + epsA[l - 1]
            return jnp.sum(unit_z(Z, Y), axis=0)

        def forward(params, X):
            Zs, As = [], [X]
            for W, b in params:
                Zs.append(W @ As[-1] + b[:, None])
                As.append(sig(Zs[-1]))
            return Zs, As

        def zeros_like_nodes(X):
            B = X.shape[1]
            return [jnp.zeros((n, B)) for n in sizes[1:]]

        def mean_grads(params, X, Y):
            e = zeros_like_nodes(X)
            f = lambda p, ez, ea: jnp.mean(costs(p, ez, ea, X, Y))
            return jax.grad(f, argnums=(0, 1, 2))(params, e, e)

        def sum_grads(params, X, Y):
            e = zeros_like_nodes(X)
            f = lambda ez, ea: jnp.sum(costs(params, ez, ea, X, Y))
            return jax.grad(f, argnums=(0, 1))(e, e)

        def head_a_grads(AL, Y):
            """d/da^L of the cost written in a (as the document writes it): sum and mean."""
            g = jax.grad(lambda a: jnp.sum(unit_a(a, Y)))(AL)
            gm = jax.grad(lambda a: jnp.mean(jnp.sum(unit_a(a, Y), axis=0)))(AL)
            return g, gm

        def per_sample_param_grads(params, X, Y):
            def one(x, y):
                e = [jnp.zeros((n, 1)) for n in sizes[1:]]
                return jax.grad(lambda p: costs(p, e, e, x[:, None], y[:, None])[0])(params)
            return jax.vmap(one, in_axes=(1, 1))(X, Y)

        def jacobians(params, Zs):
            out = []
            for l in range(1, L):
                W, b = params[l]
                f = lambda z, W=W, b=b: W @ sig(z) + b
                out.append(jax.vmap(jax.jacrev(f), in_axes=1)(Zs[l - 1]))
            return out

        self.costs = jax.jit(costs)
        self.forward = jax.jit(forward)
        self.mean_grads = jax.jit(mean_grads)
        self.sum_grads = jax.jit(sum_grads)
        self.head_a_grads = jax.jit(head_a_grads)
        self.per_sample_param_grads = jax.jit(per_sample_param_grads)
        self.jacobians = jax.jit(jacobians)
        self.unit_z, self.unit_a = unit_z, unit_a


@functools.lru_cache(maxsize=16)
def _jaxnet(sizes, cost):
    return _JaxNet(sizes, cost)


class NumericNet:
    """One drawn network: values of the vocabulary at every layer, computed on demand."""

    def __init__(self, spec: NetSpec, cost, values: dict):
        import jax.numpy as jnp

        self.spec, self.cost, self.net = spec, cost, _jaxnet(spec.sizes, cost)
        self.params = [(jnp.asarray(W), jnp.asarray(b)) for W, b in zip(values["W"], values["b"])]
        self.X, self.Y = jnp.asarray(values["X"]), jnp.asarray(values["Y"])
        self.Zs, self.As = self.net.forward(self.params, self.X)
        self._cache = {}

    def _get(self, name, fn):
        if name not in self._cache:
            self._cache[name] = fn()
        return self._cache[name]

    def mean_grads(self):
        return self._get("mean", lambda: self.net.mean_grads(self.params, self.X, self.Y))

    def sum_grads(self):
        return self._get("sum", lambda: self.net.sum_grads(self.params, self.X, self.Y))

    def head(self):
        return self._get("head", lambda: self.net.head_a_grads(self.As[-1], self.Y))

    _PS_HOLDERS: list = []

    def per_sample(self):
        """Per-sample parameter gradients (B copies of every parameter): kept for at most two nets."""
        if "ps" not in self._cache:
            holders = NumericNet._PS_HOLDERS
            while len(holders) >= 2:
                holders.pop(0)._cache.pop("ps", None)
            holders.append(self)
        return self._get("ps", lambda: self.net.per_sample_param_grads(self.params, self.X, self.Y))

    def jac(self):
        return self._get("jac", lambda: self.net.jacobians(self.params, self.Zs))

    def value(self, kind, m, scope):
        """Quantity ``kind`` at layer ``m``: mean-scope arrays, or per-sample (leading axis B)."""
        L = self.spec.L
        if kind == "W":
            return self.params[m - 1][0]
        if kind == "b":
            return self.params[m - 1][1][:, None]
        if kind == "Z":
            return self.Zs[m - 1]
        if kind == "A":
            return self.As[m]
        if kind == "Y":
            return self.Y
        if kind == "Delta" or (kind == "dZ" and scope == "sample"):
            return self.sum_grads()[0][m - 1]
        if kind == "G" or (kind == "dA" and scope == "sample"):
            return self.head()[0] if m == L else self.sum_grads()[1][m - 1]
        if kind == "dZ":
            return self.mean_grads()[1][m - 1]
        if kind == "dA":
            return self.head()[1] if m == L else self.mean_grads()[2][m - 1]
        if kind in ("dW", "db"):
            if scope == "sample":
                g = self.per_sample()[m - 1]
                return g[0] if kind == "dW" else g[1][..., None]
            g = self.mean_grads()[0][m - 1]
            return g[0] if kind == "dW" else g[1][:, None]
        if kind == "JacZ":
            return self.jac()[m - 1]
        raise ClaimError(f"unknown quantity {kind}")

    def _abs_backward(self):
        r"""The absolute-value backward pass: the rounding-error scale of every computed derivative.

        Reverse mode computes $\delta^l = (W^{l+1})^\top \delta^{l+1} \odot \sigma'(z^l)$ in
        float64; its rounding error is bounded by a small multiple of $u = 2^{-53}$ times the
        same recursion on absolute values (Higham, *Accuracy and Stability of Numerical
        Algorithms*, 2nd ed., section 3.1, the running error bound of a dot product):
        $M_\Delta^L = |\delta^L|$, $M_G^l = |W^{l+1}|^\top M_\Delta^{l+1}$,
        $M_\Delta^l = M_G^l \odot |\sigma'(z^l)|$.  Where the sum over $k$ cancels, $|\delta^l|$
        is far below this scale, and comparing against $|\delta^l|$ alone would flag rounding as a
        mistake (seen: 1.3e-10 relative at layer 1 of 784-100-100-100-10).
        Returns per-layer lists ``(M_Delta, M_G)`` for layers 1..L, one column per sample."""
        def build():
            import jax.numpy as jnp
            L = self.spec.L
            mD = [None] * (L + 1)
            mG = [None] * (L + 1)
            mD[L] = jnp.abs(self.sum_grads()[0][L - 1])
            mG[L] = jnp.abs(self.head()[0])
            for m in range(L - 1, 0, -1):
                mG[m] = jnp.abs(self.params[m][0]).T @ mD[m + 1]
                z = self.Zs[m - 1]
                sp_ = jnp.exp(-jnp.logaddexp(0.0, -z) - jnp.logaddexp(0.0, z))  # sigma(z) sigma(-z)
                mD[m] = mG[m] * sp_
            return mD, mG
        return self._get("abs_backward", build)

    def magnitude(self, kind, m, scope):
        r"""The rounding-error scale of :meth:`value` (same shape): $|\cdot|$ for forward quantities
        and local head derivatives, the absolute-value backward pass (:meth:`_abs_backward`) for
        derivatives that reverse mode carries through hidden layers."""
        L = self.spec.L
        v = self.value(kind, m, scope)
        import jax.numpy as jnp
        if kind not in ("Delta", "G", "dZ", "dA", "dW", "db") or (m == L and kind in ("G", "dA")):
            return jnp.abs(v)
        mD, mG = self._abs_backward()
        B = self.spec.batch
        k = 1.0 if scope == "sample" else 1.0 / B
        if kind in ("Delta", "dZ"):
            return mD[m] * k
        if kind in ("G", "dA"):
            return mG[m] * k
        A_prev = jnp.abs(self.As[m - 1])
        if scope == "sample":
            if kind == "dW":
                return jnp.einsum("is,js->sij", mD[m], A_prev)
            return jnp.transpose(mD[m])[..., None]
        if kind == "dW":
            return (mD[m] @ A_prev.T) * k
        return jnp.sum(mD[m], axis=1, keepdims=True) * k


_COLUMN_KINDS = ("Z", "A", "Y", "Delta", "G", "dZ", "dA")
_PER_SAMPLE_KINDS = ("dW", "db", "JacZ")


def _evaluate_sides(claim, nn: NumericNet, l, magnitude=True, sides=("lhs", "rhs")):
    """The requested sides, as pairs (value, magnitude) with ``magnitude``; per-sample claims get a
    leading sample axis."""
    import jax
    import jax.numpy as jnp

    exprs = [getattr(claim, side) for side in sides]
    syms = sorted(set().union(*(e.atoms(sp.MatrixSymbol) for e in exprs)), key=str)
    vals = {s: nn.value(QUANTITIES[s].kind, l + QUANTITIES[s].offset, claim.scope) for s in syms}
    mags = {s: nn.magnitude(QUANTITIES[s].kind, l + QUANTITIES[s].offset, claim.scope)
            for s in syms} if magnitude else {}
    B = nn.spec.batch
    if claim.scope == "mean":
        ctx = _Ctx("jax", vals.__getitem__, _dims(nn.spec.sizes, l, B), l, magnitude=magnitude,
                   mag_lookup=mags.__getitem__)
        return tuple(evaluate(e, ctx) for e in exprs)
    # per sample: every column quantity becomes (B, n, 1), per-sample gradients are (B, ...)
    batched = {}
    for s, v in vals.items():
        k = QUANTITIES[s].kind
        for key, arr in ((str(s), v), ("|" + str(s), mags.get(s))):
            if arr is None:
                continue
            if k in _COLUMN_KINDS:
                batched[key] = jnp.transpose(arr)[:, :, None]
            elif k in _PER_SAMPLE_KINDS:
                batched[key] = arr
    shared = {str(s): v for s, v in vals.items() if str(s) not in batched}
    shared.update({"|" + str(s): m for s, m in mags.items() if "|" + str(s) not in batched})
    dims = _dims(nn.spec.sizes, l, 1)

    def one(bvals):
        env = {**shared, **bvals}
        ctx = _Ctx("jax", lambda q: env[str(q)], dims, l, magnitude=magnitude,
                   mag_lookup=lambda q: env["|" + str(q)])
        return tuple(evaluate(e, ctx) for e in exprs)

    return jax.vmap(one)(batched)


def _head_local(claim):
    """True if the claim only involves output-layer, per-column quantities (the referee's reach)."""
    return claim.layers == "output" and all(
        QUANTITIES[s].kind in ("Z", "A", "Y", "Delta", "G", "dZ", "dA") and QUANTITIES[s].offset == 0
        for s in claim.matrix_symbols()) and not any(
        isinstance(a, (sp.FunctionMatrix, EntryIndicator)) for e in (claim.lhs, claim.rhs)
        for a in sp.preorder_traversal(e))


def _referee(claim, nn: NumericNet, dps_list=None, columns=None):
    """Both sides at the output layer in mpmath from the float64 z^L (exact binary numbers).

    True values: $a = \\sigma(z)$; $\\delta = \\partial c(\\sigma(z), y)/\\partial z$ and
    $\\nabla_a C_x = \\partial c(a, y)/\\partial a$ by SymPy ``diff`` of the per-unit cost; for the
    mean cost the derivative of $\\frac1N \\sum_x \\sum_j c$ in one $z_{jx}$ carries $1/N$.
    Per-sample claims are evaluated only at ``columns`` (samples), if given.  Returns a list of
    (lhs, rhs) arrays of mpf, one per precision (entries not evaluated are None).
    """
    import mpmath

    y = sp.Symbol("y", real=True)
    f_cz = _mp_fn(claim.cost, "z")
    f_ca = _mp_fn(claim.cost, "a")
    Z = np.asarray(nn.Zs[-1])
    Yv = np.asarray(nn.Y)
    B = nn.spec.batch
    L = nn.spec.L
    cols = list(range(B)) if (claim.scope == "mean" or columns is None) else sorted(set(columns))
    if dps_list is None:  # 1 - sigma(z) ~ e^{-z} must be resolved: |z| / ln 10 more digits
        extra = int(np.max(np.abs(Z[:, cols]), initial=0.0) / math.log(10)) + 1
        dps_list = (30 + extra, 60 + extra)
    kinds = {QUANTITIES[q].kind for q in claim.matrix_symbols()}
    out = []
    for dps in dps_list:
        with mpmath.workdps(dps):
            vec = lambda f, *a: np.vectorize(f, otypes=[object])(*a)  # noqa: E731
            z = vec(lambda v: mpmath.mpf(float(v)), Z[:, cols])
            yy = vec(lambda v: mpmath.mpf(float(v)), Yv[:, cols])
            env = {"Z": z, "Y": yy}
            if kinds & {"A", "G", "dA"}:
                env["A"] = vec(lambda v: 1 / (1 + mpmath.exp(-v)), z)
            k = mpmath.mpf(1) / B if claim.scope == "mean" else mpmath.mpf(1)
            if kinds & {"Delta", "dZ"}:
                env["Delta"] = vec(f_cz, z, yy)
                env["dZ"] = env["Delta"] * k
            if kinds & {"G", "dA"}:
                env["G"] = vec(f_ca, env["A"], yy)
                env["dA"] = env["G"] * k
            if claim.scope == "mean":
                ctx = _Ctx("mpmath", lambda s: env[QUANTITIES[s].kind], _dims(nn.spec.sizes, L, B), L)
                out.append((evaluate(claim.lhs, ctx), evaluate(claim.rhs, ctx)))
            else:
                lhs = np.empty((B,) + claim_shape(claim, nn, L), dtype=object)
                rhs = np.empty_like(lhs)
                for pos, s in enumerate(cols):
                    col = {k2: v[:, pos:pos + 1] for k2, v in env.items()}
                    ctx = _Ctx("mpmath", lambda q, col=col: col[QUANTITIES[q].kind],
                               _dims(nn.spec.sizes, L, 1), L)
                    lhs[s] = evaluate(claim.lhs, ctx)
                    rhs[s] = evaluate(claim.rhs, ctx)
                out.append((lhs, rhs))
    return out


def claim_shape(claim, nn, l):
    """The concrete shape of the left side at layer ``l`` of ``nn`` (per sample for 'sample')."""
    dims = _dims(nn.spec.sizes, l, 1 if claim.scope == "sample" else nn.spec.batch)
    return tuple(int(sp.sympify(d).xreplace(dims)) for d in claim.lhs_shape)


@functools.lru_cache(maxsize=16)
def _mp_fn(cost, wrt):
    """The per-unit cost's derivative in z (through the sigmoid) or in a, for mpmath."""
    y = sp.Symbol("y", real=True)
    e = sp.diff(cost(sigmoid(_t), y) if wrt == "z" else cost(_t, y), _t)
    return sp.lambdify([_t, y], e, modules=[_IMPL["mpmath"], "mpmath"])


# --- the autodiff witness ---------------------------------------------------------------------

@functools.lru_cache(maxsize=12)
def _numeric_net(spec: NetSpec, cost, regime: str, seed: int) -> NumericNet:
    return NumericNet(spec, cost, draw_network(spec, regime, _net_seed(seed, spec, regime)))


def _net_seed(seed, spec, regime):
    return [int(seed), _stable_hash("-".join(map(str, spec.sizes)) + f"/{spec.batch}/{regime}")]


def _lhs_name(claim):
    return str(claim.lhs) if isinstance(claim.lhs, sp.MatrixSymbol) else "left-hand side"


@dataclass
class LayerCheck:
    """The entrywise comparison at one layer of one drawn network."""

    layer: int
    entries: int = 0
    failures: list = field(default_factory=list)   # (index tuple, lhs, rhs, rel, how)
    unchecked: int = 0
    referee: int = 0
    unrefereed: int = 0                             # float64 failures beyond the referee's quota
    wrong: int = 0                                  # entries wrong (failures keeps the worst few)
    worst: float = 0.0
    shape: tuple | None = None                      # (lhs shape, rhs shape) if they differ


def _compare_layer(claim, nn: NumericNet, l, rtol=AUTODIFF_RTOL, referee_cache=None) -> LayerCheck:
    (lv, lm), (rv, rm) = _evaluate_sides(claim, nn, l, magnitude=True)
    out = LayerCheck(l)
    lv, lm, rv, rm = (np.asarray(a) for a in (lv, lm, rv, rm))
    if lv.shape != rv.shape:
        out.shape = (lv.shape[-2:], rv.shape[-2:])
        return out
    with np.errstate(all="ignore"):
        finite = np.isfinite(lv)
        block = float(np.max(np.abs(lv, where=finite, out=np.zeros(lv.shape)), initial=0.0))
        finite &= np.isfinite(rv)
        scale = np.abs(lv)
        np.maximum(scale, np.abs(rv), out=scale)
        for mg in (lm, rm):  # magnitudes: the rounding-error scale (a non-finite one is ignored)
            np.maximum(scale, mg, out=scale, where=np.isfinite(mg))
        np.maximum(scale, FLOOR_REL * block, out=scale)
        diff = np.abs(lv - rv)
        ok = diff <= rtol * scale
        ok &= finite
        rel = np.divide(diff, scale, out=np.zeros(lv.shape), where=finite & (scale > 0))
    out.entries = int(lv.size)
    out.worst = float(np.max(rel, where=ok, initial=0.0))
    bad = np.argwhere(~ok)
    if not len(bad):
        return out
    if _head_local(claim):
        if referee_cache is None or "mp" not in referee_cache:
            mp = _referee(claim, nn, columns=[int(i[0]) for i in bad] if claim.scope == "sample" else None)
            if referee_cache is not None:
                referee_cache["mp"] = mp
        else:
            mp = referee_cache["mp"]
        # largest float64 discrepancies first; once REFEREE_CONFIRM failures are confirmed, the
        # rest are reported as float64 failures not re-checked in high precision
        order = np.argsort(-np.where(finite[tuple(bad.T)], diff[tuple(bad.T)], np.inf), kind="stable")
        for idx in map(tuple, bad[order]):
            if len(out.failures) >= REFEREE_CONFIRM:
                out.unrefereed += 1
                continue
            verdicts = []
            for L_, R_ in mp:
                a, b_ = L_[idx], R_[idx]
                sc = max(abs(a), abs(b_))
                verdicts.append(bool(abs(a - b_) > 1e-20 * sc) if sc != 0 else False)
            if all(verdicts):
                a, b_ = mp[-1][0][idx], mp[-1][1][idx]
                out.failures.append((idx, float(a), float(b_), float(abs(a - b_) / max(abs(a), abs(b_))),
                                     "mpmath at two precisions (float64 could not decide)"
                                     if not finite[idx] else "float64, confirmed by mpmath at two precisions"))
            elif not any(verdicts):
                out.referee += 1
            else:
                out.unchecked += 1
        out.wrong = len(out.failures)
        return out
    bad_finite = finite[tuple(bad.T)]
    out.unchecked += int(np.count_nonzero(~bad_finite))
    bad = bad[bad_finite]
    out.wrong = len(bad)
    # keep the KEEP_FAILURES worst (located, with both values, and the plain relative error
    # |l - r| / max(|l|, |r|) a student recomputes by hand); the rest are counted
    sel = tuple(bad.T)
    with np.errstate(all="ignore"):
        plain = diff[sel] / np.maximum(np.abs(lv[sel]), np.abs(rv[sel]))
    worst_first = np.argsort(-plain, kind="stable")[:KEEP_FAILURES]
    for idx, r_ in zip(map(tuple, bad[worst_first]), plain[worst_first]):
        out.failures.append((idx, float(lv[idx]), float(rv[idx]), float(r_),
                             f"float64: |difference| {diff[idx]:.3e} > {rtol:.0e} x magnitude {scale[idx]:.3e} "
                             "(the rounding-error scale of both sides)"))
    return out


@functools.lru_cache(maxsize=256)
def _compare_cached(claim, spec, regime, seed, l):
    nn = _numeric_net(spec, claim.cost, regime, int(seed))
    return _compare_layer(claim, nn, l)


def check_network(claim, spec: NetSpec, regime: str = "standard", seed: int = 0,
                  rtol: float = AUTODIFF_RTOL) -> list:
    """The entrywise comparison at every layer of one seeded network: a list of :class:`LayerCheck`.

    For benchmarks: the cost is one ``jax.grad`` of the whole network (jitted once per shape and
    cost) plus one evaluation of each side of the claim per layer.
    """
    if rtol == AUTODIFF_RTOL:
        return [_compare_cached(claim, spec, regime, int(seed), l) for l in layers_of(claim, spec.L)]
    nn = _numeric_net(spec, claim.cost, regime, int(seed))
    cache = {}
    return [_compare_layer(claim, nn, l, rtol, cache) for l in layers_of(claim, spec.L)]


def _location(claim, l, idx):
    if claim.scope == "sample" and len(idx) == 3:
        s, i, j = idx
        return f"sample {s + 1}, layer l = {l}, entry [{i + 1}, {j + 1}] (1-based)"
    i, j = idx[-2:]
    return f"layer l = {l}, entry [{i + 1}, {j + 1}] (1-based)"


def _regimes_for(spec_index):
    """All three regimes on the first network, standard and saturated on the others."""
    return ("standard", "saturated", "mixed") if spec_index == 0 else ("standard", "saturated")


def autodiff_witness(claim, sample, *, networks=None, regimes=None) -> WitnessResult:
    """Every entry of both sides against ``jax.grad`` of the whole network cost (module doc)."""
    t0 = time.monotonic()
    networks = NUMERIC_NETWORKS if networks is None else tuple(networks)
    seed = int(getattr(sample, "seed", 0))
    entries = unchecked = referee = unrefereed = wrong = 0
    worst = 0.0
    fails, shape_fails = [], []
    runs = []
    for si, spec in enumerate(networks):
        for regime in (regimes or _regimes_for(si)):
            r0 = time.monotonic()
            for chk in check_network(claim, spec, regime, seed):
                if chk.shape is not None:
                    shape_fails.append((spec, regime, chk))
                entries += chk.entries
                unchecked += chk.unchecked
                referee += chk.referee
                unrefereed += chk.unrefereed
                wrong += chk.wrong
                worst = max(worst, chk.worst)
                fails += [(spec, regime, chk.layer, f) for f in chk.failures]
            runs.append({"network": spec.label, "regime": regime,
                         "seconds": round(time.monotonic() - r0, 3)})  # a timing key: not compared
    method = ("jax.grad of the whole network cost, entry by entry; "
              + "; ".join(s.label for s in networks) + f"; regimes {', '.join(regimes or REGIMES)}")
    tol = f"rel. {AUTODIFF_RTOL:.0e} of max(|lhs|, |rhs|, magnitudes)"
    extra = {"runs": runs, "entries": entries, "referee_decided": referee, "unchecked": unchecked,
             "unrefereed": unrefereed}
    shape_text = ""
    if shape_fails:
        spec, regime, chk = shape_fails[0]
        ls, rs = chk.shape
        shape_text = (f"the right-hand side is {rs[0]} x {rs[1]} but {_lhs_name(claim)} is {ls[0]} x {ls[1]} at "
                      f"{spec.label}, layer {chk.layer}" + (f" (and {len(shape_fails) - 1} more network-layer "
                                                            "pairs)" if len(shape_fails) > 1 else ""))
    if shape_fails and not fails:
        ce = Counterexample(point={"network": spec.label, "regime": regime, "layer": f"l = {chk.layer}"},
                            claimed=f"shape {rs[0]} x {rs[1]}", true=f"shape {ls[0]} x {ls[1]}",
                            component="shape", confirmed="the arrays differ in shape", found_by="autodiff",
                            labels=("right-hand side", "left-hand side"))
        return WitnessResult("autodiff", FAIL, method=method, tolerance=tol, points=entries,
                             float64_points=entries, detail=f"{claim.id}: {shape_text}",
                             counterexample=ce, seconds=time.monotonic() - t0, extra=extra)
    if fails:
        fails.sort(key=lambda f: -f[3][3])
        spec, regime, l, (idx, lval, rval, rel, how) = fails[0]
        ce = Counterexample(
            point={"network": spec.label, "regime": regime, "seed": str(seed), "layer": f"l = {l}"},
            claimed=repr(rval), true=repr(lval), component=_location(claim, l, idx), confirmed=how,
            found_by="autodiff", labels=("right-hand side", "left-hand side"))
        where = sorted({(s.label, r, l_) for s, r, l_, _ in fails})
        more = (f" (and {unrefereed} more that disagree in float64, beyond the referee's quota of "
                f"{REFEREE_CONFIRM} confirmations per layer)" if unrefereed else "")
        detail = (f"{claim.id}: {wrong} of {entries} entries wrong{more}; worst at {spec.label} ({regime}), "
                  f"{_location(claim, l, idx)}: right-hand side {rval:.6e}, {_lhs_name(claim)} {lval:.6e} "
                  f"(rel. error {rel:.1e}); wrong at "
                  + "; ".join(f"{a} {b} l={c}" for a, b, c in where[:6]) + (" ..." if len(where) > 6 else "")
                  + (f"; also {shape_text}" if shape_text else ""))
        extra["wrong_entries"] = [(s.label, r, l_, tuple(int(v) for v in f[0]), f[3]) for s, r, l_, f in fails[:20]]
        return WitnessResult("autodiff", FAIL, method=method, worst_error=fails[0][3][3], tolerance=tol,
                             points=entries, float64_points=entries - referee - unchecked, escalated=referee,
                             detail=detail, counterexample=ce, seconds=time.monotonic() - t0, extra=extra)
    detail = f"{entries} entries agree"
    if referee:
        detail += f"; {referee} decided by the mpmath referee (float64 could not)"
    if unchecked:
        detail += f"; {unchecked} not finite in float64 and out of the referee's reach: unchecked"
    return WitnessResult("autodiff", PASS, method=method, worst_error=worst, tolerance=tol, points=entries,
                         float64_points=entries - referee - unchecked, escalated=referee, detail=detail,
                         seconds=time.monotonic() - t0, extra=extra)


# --- the Taylor remainder witness -------------------------------------------------------------

_NODE_OF = {"dW": "W", "db": "b", "dZ": "Z", "Delta": "Z", "dA": "A", "G": "A", "JacZ": "Z"}


@functools.lru_cache(maxsize=64)
def _node_fn(sizes, cost, start, l, vector=False):
    r"""``f(es, base, d, params, Y)``: the per-sample costs (with ``vector``: the
    next layer's z) when node ``start`` (``"Z"`` or ``"A"``) of layer ``l`` is ``base + e d``,
    for every ``e`` in ``es``: one jitted, vmapped call.

    A perturbation $W^l + \epsilon h$ or $b^l + \epsilon h$ enters as $z^l + \epsilon\, h a^{l-1}$ or
    $z^l + \epsilon h$ (exact: $z^l$ is linear in $W^l$ and $b^l$), so only the layers after the
    node are recomputed for each $\epsilon$.
    """
    import jax
    import jax.numpy as jnp

    L = len(sizes) - 1
    unit_z, unit_a = _unit_fns(cost)

    def sig(z):
        return jnp.exp(-jax.nn.softplus(-z))

    def costs(node, params, Y):
        if start == "Z":
            if l == L:
                return jnp.sum(unit_z(node, Y), axis=0)
            A = sig(node)
        else:
            if l == L:
                return jnp.sum(unit_a(node, Y), axis=0)
            A = node
        for k in range(l + 1, L + 1):
            W, b = params[k - 1]
            Z = W @ A + b[:, None]
            A = sig(Z)
        return jnp.sum(unit_z(Z, Y), axis=0)

    if vector:
        def f(es, base, d, params, Y):
            W, b = params[l]
            return jax.vmap(lambda e: W @ sig(base + e * d) + b[:, None])(es)
    else:
        def f(es, base, d, params, Y):
            return jax.vmap(lambda e: costs(base + e * d, params, Y))(es)
    return jax.jit(f)


_GRID = 2.0 ** -np.arange(0, 48)


def _taylor_setup(claim, nn: NumericNet, l):
    """The node, its value, the claimed derivative (rhs) and per-sample layout, or a reason why not."""
    import jax.numpy as jnp

    if not (isinstance(claim.lhs, sp.MatrixSymbol) and QUANTITIES[claim.lhs].kind in _NODE_OF):
        return None
    kind = QUANTITIES[claim.lhs].kind
    node = _NODE_OF[kind]
    (rv,) = _evaluate_sides(claim, nn, l, magnitude=False, sides=("rhs",))
    m = nn.value(node, l, "mean")
    return kind, node, m, jnp.asarray(rv)


def taylor_test(claim, nn: NumericNet, l, h, weights=None, *, halvings=TAYLOR_HALVINGS, e0=None,
                setup=None) -> dict:
    r"""One Taylor test along direction ``h`` (shaped like the node) at layer ``l``.

    $r(\epsilon) = |J(m + \epsilon h) - J(m) - \epsilon \langle g, h\rangle|$ (for a Jacobian the
    Frobenius norm of the vector remainder).  With ``e0=None`` the window and the decision are
    :mod:`checkers.taylor`'s (the ``halvings + 1`` steps $\epsilon = 2^{-k}$ up to the last
    remainder ``TAYLOR_NOISE_FACTOR`` times above the rounding level
    $\varepsilon_{64} \sum_x |w_x C_x|$; a zero of the signed remainder inside the window is
    allowed for); with a number ``e0`` the steps are $e_0, e_0/2, \dots$ and every order must be
    at least ``TAYLOR_MIN_ORDER`` (pyadjoint's ``taylor_test``: $e_0 = 0.01$, 4 halvings).
    Returns ``{"orders", "eps", "remainders", "passed", "status"}``.
    """
    import jax.numpy as jnp

    kind, node, m, g = setup if setup is not None else _taylor_setup(claim, nn, l)
    B = nn.spec.batch
    vector = kind == "JacZ"
    start = "A" if node == "A" else "Z"
    fn = _node_fn(nn.spec.sizes, claim.cost, start, l, vector)
    if weights is None:
        weights = jnp.ones(B) / B if (claim.scope == "mean" and kind not in ("Delta", "G")) else jnp.ones(B)
    weights = jnp.asarray(weights)
    h = jnp.asarray(h)
    # the claimed directional derivative <g, h> (or J h)
    if vector:
        lin = jnp.einsum("xij,jx->ix", g, h)
    elif claim.scope == "sample" and kind in ("dW", "db"):
        lin = jnp.sum(jnp.einsum("x...,x->...", g, weights) * h)
    elif claim.scope == "sample":
        lin = jnp.sum(jnp.transpose(g[..., 0]) * weights[None, :] * h)
    else:
        lin = jnp.sum(g * h)
    base = nn.value(start, l, "mean")
    if node == "W":
        d = h @ nn.value("A", l - 1, "mean")
    elif node == "b":
        d = jnp.broadcast_to(h, base.shape)
    else:
        d = h
    args = (base, d, nn.params, nn.Y)

    def evals(es):
        """J (or F) at e = 0 and every e of ``es``, in one call of a fixed size (one compilation)."""
        es = np.asarray(es, dtype=float)
        pad = np.zeros(len(_GRID) + 1)
        pad[1:len(es) + 1] = es
        out = np.asarray(fn(jnp.asarray(pad), *args))
        if not vector:
            out_w = out @ np.asarray(weights)
            return out[0], out_w[0], out_w[1:len(es) + 1]
        return out[0], out[0], out[1:len(es) + 1]

    def rem(es):
        """Signed remainders (scalar J) or their norms (Jacobian), and the rounding threshold."""
        vals0, J0, vals = evals(es)
        es = np.asarray(es, dtype=float)
        if vector:
            r = np.sqrt(np.sum((vals - J0[None] - es[:, None, None] * lin[None]) ** 2, axis=(1, 2)))
        else:
            r = vals - J0 - es * lin
        noise = float(np.finfo(float).eps * (np.sum(np.abs(vals0)) if vector
                                             else np.sum(np.abs(vals0 * np.asarray(weights)))))
        return r, TAYLOR_NOISE_FACTOR * max(noise, np.finfo(float).tiny)

    lin = np.asarray(lin)

    if e0 is not None:
        es = float(e0) * 2.0 ** -np.arange(halvings + 1)
        R, thr = rem(es)
        if not (np.isfinite(R).all() and np.isfinite(thr)):
            return {"orders": [], "eps": es.tolist(), "remainders": np.abs(R).tolist(), "passed": None,
                    "status": "nonfinite", "threshold": thr}
        r = np.abs(R)
        with np.errstate(all="ignore"):
            orders = np.log2(r[:-1] / r[1:])
        ok = bool(len(orders) >= 1 and np.all(orders >= TAYLOR_MIN_ORDER))
        return {"orders": orders.tolist(), "eps": es.tolist(), "remainders": r.tolist(), "passed": ok,
                "status": "pass" if ok else "fail", "threshold": thr,
                "quadratic_halvings": len(orders) if ok else 0}
    Rg, thr = rem(_GRID)
    win = _taylor.window(np.abs(Rg), thr, halvings)
    if win == "nonfinite":
        return {"orders": [], "eps": [], "remainders": [], "passed": None, "status": "nonfinite",
                "threshold": thr}
    if win == "linear":
        first = int(np.argmax(np.isfinite(Rg)))
        return {"orders": [], "eps": [], "remainders": np.abs(Rg[first:first + 1]).tolist(), "passed": True,
                "status": "linear", "threshold": thr}
    lo, hi = win
    es, R = _GRID[lo:hi], Rg[lo:hi]
    out = _taylor.judge(R, thr, halvings, signed=not vector)
    return {**out, "eps": np.asarray(es).tolist(), "remainders": np.abs(R).tolist(), "threshold": thr}


def _random_direction(m, rng):
    import jax.numpy as jnp

    h = rng.normal(size=np.shape(m))
    scale = float(jnp.sqrt(jnp.mean(jnp.asarray(m) ** 2))) or 1.0
    return jnp.asarray(h / np.sqrt(np.mean(h ** 2)) * scale)


def taylor_witness(claim, sample, *, networks=None, regimes=("standard", "saturated"),
                   directions=TAYLOR_DIRECTIONS, halvings=TAYLOR_HALVINGS) -> WitnessResult:
    """The Taylor remainder test (module doc), along random directions and at located entries."""
    import jax.numpy as jnp

    t0 = time.monotonic()
    if not (isinstance(claim.lhs, sp.MatrixSymbol) and QUANTITIES[claim.lhs].kind in _NODE_OF):
        return WitnessResult("taylor remainder", NOT_APPLICABLE,
                             detail="the left-hand side is not a derivative of the cost or a Jacobian",
                             seconds=time.monotonic() - t0)
    networks = NUMERIC_NETWORKS if networks is None else tuple(networks)
    seed = int(getattr(sample, "seed", 0))
    tests, failures, orders_all, short, nonfinite = 0, [], [], 0, 0
    for si, spec in enumerate(networks):
        for ri, regime in enumerate(regimes):
            nn = _numeric_net(spec, claim.cost, regime, seed)
            for l in layers_of(claim, spec.L):
                setup = _taylor_setup(claim, nn, l)
                kind, node, m, g = setup
                want = tuple(np.shape(m))
                if kind == "JacZ":
                    got, need = tuple(g.shape[1:]), (spec.sizes[l + 1], spec.sizes[l])
                elif claim.scope == "sample":
                    got = tuple(g.shape[1:])
                    need = want if kind in ("dW", "db") else (want[0], 1)
                else:
                    got, need = tuple(g.shape), want
                if got != need:
                    tests += 1
                    failures.append((spec, regime, l, "shape", f"the claimed derivative is {got[0]} x {got[1]}"
                                     f"{' per sample' if claim.scope == 'sample' else ''}, the node {node}^{l} "
                                     f"needs {need[0]} x {need[1]}", None))
                    continue
                rng = np.random.default_rng([seed, si, ri, l, 7])
                dirs = []
                for d in range(directions):
                    w = None
                    if claim.scope == "sample" and kind in ("dW", "db", "dZ", "dA"):
                        w = rng.normal(size=spec.batch)
                    dirs.append((f"random direction {d + 1}", _random_direction(m, rng), w))
                chk = _compare_cached(claim, spec, regime, seed, l)
                for idx, *_ in sorted(chk.failures, key=lambda f: -f[3])[:2]:
                    h = np.zeros(np.shape(m))
                    w = None
                    if claim.scope == "sample" and len(idx) == 3:
                        s, i, j = idx
                        if kind in ("dW", "db"):
                            h[i, j] = 1.0
                            w = np.eye(spec.batch)[s]
                        else:
                            h[i, s] = 1.0
                    else:
                        h[idx[-2], idx[-1]] = 1.0
                    scale = float(jnp.sqrt(jnp.mean(jnp.asarray(m) ** 2))) or 1.0
                    dirs.append((f"coordinate direction at {_location(claim, l, idx)}", jnp.asarray(h * scale), w))
                for name, h, w in dirs:
                    res = taylor_test(claim, nn, l, h, w, halvings=halvings, setup=setup)
                    if res["status"] == "nonfinite":  # J itself overflows in float64 here
                        nonfinite += 1
                        continue
                    tests += 1
                    # the orders the decision rests on: the quadratic halvings at the small-e end
                    orders_all += (res["orders"][len(res["orders"]) - res.get("quadratic_halvings", 0):]
                                   if res["passed"] else res["orders"])
                    if res["status"] == "short":
                        short += 1
                    if not res["passed"]:
                        failures.append((spec, regime, l, name, res, None))
    method = (f"|J(m + e h) - J(m) - e <g, h>| ~ e^2 over {halvings} halvings; {directions} seeded random "
              "directions per layer and regime + coordinate directions at entries that disagree with JAX; "
              + "; ".join(s.label for s in networks) + f"; regimes {', '.join(regimes)}")
    tol = f"every observed order >= {TAYLOR_MIN_ORDER}"
    obs = (f"observed orders (the halvings decided on): min {min(orders_all):.2f}, "
           f"median {float(np.median(orders_all)):.2f}"
           if orders_all else "no orders observed")
    extra = {"tests": tests, "short_windows": short, "not_finite": nonfinite}
    skipped = (f"; {nonfinite} directions skipped: the cost or the claimed derivative is not finite in float64 there "
               "(e.g. a^L rounds to 0 or 1)" if nonfinite else "")
    if failures:
        spec, regime, l, name, res, _ = failures[0]
        if name == "shape":
            ce = Counterexample(point={"network": spec.label, "regime": regime, "layer": f"l = {l}"},
                                claimed=res, true="", component="shape", found_by="taylor remainder")
            return WitnessResult("taylor remainder", FAIL, method=method, tolerance=tol, points=tests,
                                 detail=f"{claim.id}: {res}", counterexample=ce,
                                 seconds=time.monotonic() - t0, extra=extra)
        o = res["orders"]
        ce = Counterexample(
            point={"network": spec.label, "regime": regime, "seed": str(seed), "layer": f"l = {l}",
                   "direction": name},
            claimed=f"remainder orders {', '.join(f'{v:.2f}' for v in o)}",
            true="order 2 at every halving", component=name,
            confirmed=(f"remainders {res['remainders'][0]:.3e} ... {res['remainders'][-1]:.3e} for e = "
                       f"{res['eps'][0]:.3e} ... {res['eps'][-1]:.3e}: a first-order term remains, so the "
                       "claimed derivative is wrong along this direction"),
            found_by="taylor remainder", labels=("observed", "expected"))
        detail = (f"{claim.id}: {len(failures)} of {tests} Taylor tests fail; first at {spec.label} ({regime}), "
                  f"layer {l}, {name}: orders {', '.join(f'{v:.2f}' for v in o)}; {obs}{skipped}")
        return WitnessResult("taylor remainder", FAIL, method=method, tolerance=tol, points=tests,
                             worst_error=None, detail=detail, counterexample=ce,
                             seconds=time.monotonic() - t0, extra=extra)
    if tests == 0:
        return WitnessResult("taylor remainder", UNDECIDED, method=method, tolerance=tol,
                             detail=f"{claim.id}: no Taylor test could run{skipped}",
                             seconds=time.monotonic() - t0, extra=extra)
    return WitnessResult("taylor remainder", PASS, method=method, tolerance=tol, points=tests,
                         detail=f"{tests} Taylor tests pass; {obs}" + (f"; {short} with a shorter window "
                                                                        "(rounding level reached)" if short else "")
                         + skipped, seconds=time.monotonic() - t0, extra=extra)


register_kind("network", [("autodiff", autodiff_witness), ("taylor remainder", taylor_witness)],
              symbolic=network_symbolic_witness)


numeric_net = _numeric_net
"""``numeric_net(spec, cost, regime, seed)``: one drawn network with its JAX references (cached)."""
taylor_setup = _taylor_setup
random_direction = _random_direction
