r"""The network claim kind: identities about a whole feed-forward network, at any size.

A :class:`NetworkClaim` states $\mathrm{lhs} = \mathrm{rhs}$ between matrix expressions built
from the quantities of an $L$-layer network at a generic layer $l$ (Ko 2026, section 2):
$$z^l = W^l a^{l-1} + b^l, \qquad a^l = \sigma(z^l), \qquad a^0 = x,$$
with a cost summed over the output units, per sample
$C_x = \sum_j c(a^L_j, y_j)$, and over a batch of $n$ samples $C = \frac1n \sum_x C_x$.

A batch is stored column-wise: $Z^l, A^l, Y, \Delta^l$ have one column per sample, so
$\frac1n \sum_x \delta^l (a^{l-1})^\top = \frac1N \Delta^l (A^{l-1})^\top$ and
$\frac1n\sum_x \delta^l = \frac1N \Delta^l \mathbf 1_N$.  Sizes are symbols
($n_{l-1}, n_l, n_{l+1}, N$), so one expression serves every network: the checkers substitute
explicit small networks (2-3-2, 3-4-3-2) for the symbolic proof and evaluate the same
expression with JAX on large ones (784-100-10, batch 64).

The vocabulary (:data:`QUANTITIES`) has forward quantities ($W^l, W^{l+1}, b^l, Z^l, A^l,
A^{l-1}, Y$) and true derivatives, which the checkers compute themselves (SymPy ``diff`` on the
explicit networks, ``jax.grad`` on the large ones):

* $\Delta^l$, $\Delta^{l+1}$: the per-sample error $\delta^l = \partial C_x/\partial z^l$ (the
  document's definition, "$\delta_j^L \equiv \partial C_x / \partial z_j^L$"), one column per sample;
* $G^l = \nabla_{a^l} C_x$, per sample;
* $\partial C/\partial W^l$, $\partial C/\partial b^l$, $\partial C/\partial Z^l$,
  $\partial C/\partial A^l$: derivatives of the claim's cost, the batch mean $C$
  (``scope="mean"``) or the one-sample cost $C_x$ (``scope="sample"``, checked for every
  sample with $N = 1$);
* $\partial z^{l+1}/\partial z^l$: the per-sample Jacobian (``scope="sample"`` only).

Both matrix form (``MatMul``, ``HadamardProduct``, ``Transpose``, ``OneMatrix``, elementwise
functions via :func:`sigma` / :func:`sigma_prime`) and index form (``FunctionMatrix`` with
``Sum`` over an index, e.g. $\sigma'(z_j^l)\sum_k w_{kj}^{l+1}\delta_k^{l+1}$) are accepted.

The activation is :class:`act`, an undefined function whose only rule is its derivative
$\mathrm{act}' =$ :class:`act_prime`: a proof with it is the chain rule alone and holds for every
activation.  The checkers substitute the sigmoid ($\sigma' = \sigma(1 - \sigma)$) where a
claim needs it.  (SymPy's ``MatrixSymbol`` calculus cannot do BP4 -- ``diff`` of a matrix
expression silently returns 0, sympy#17229 -- so nothing here differentiates matrix symbols.)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from .claims import Claim, ClaimError

__all__ = [
    "act", "act_prime", "sigma", "sigma_prime", "NetworkCost", "BCE", "MSE", "Quantity",
    "QUANTITIES", "NetworkClaim", "EntryIndicator", "perturb_entry", "n_prev", "n_l", "n_next",
    "N", "W", "W_next", "b", "Z", "A", "A_prev", "Y", "Delta", "Delta_next", "G", "dC_dW",
    "dC_db", "dC_dZ", "dC_dA", "dZnext_dZ", "ones_N",
    "shape_of", "LAYER_SETS", "SCOPES",
]


# --- the activation: an undefined function whose only rule is its derivative -----------------

class act_prime(sp.Function):
    r"""$\sigma'$, the derivative of the network's activation (undefined: no rule of its own)."""

    nargs = 1

    def _latex(self, printer):
        return r"\sigma'\left(" + printer._print(self.args[0]) + r"\right)"


class act(sp.Function):
    r"""$\sigma$, the network's activation: undefined, with $\mathrm{d}\sigma/\mathrm{d}z = \sigma'(z)$."""

    nargs = 1

    def fdiff(self, argindex=1):
        return act_prime(self.args[0])

    def _latex(self, printer):
        return r"\sigma\left(" + printer._print(self.args[0]) + r"\right)"


_t = sp.Dummy("t")


def sigma(M):
    r"""$\sigma(M)$ applied elementwise."""
    return ElementwiseApplyFunction(sp.Lambda(_t, act(_t)), M)


def sigma_prime(M):
    r"""$\sigma'(M)$ applied elementwise."""
    return ElementwiseApplyFunction(sp.Lambda(_t, act_prime(_t)), M)


# --- costs ------------------------------------------------------------------------------------

_a, _y = sp.symbols("a y", real=True)


@dataclass(frozen=True)
class NetworkCost:
    r"""A cost summed over output units: $C_x = \sum_j c(a_j^L, y_j)$, ``per_unit`` $= c$."""

    name: str
    per_unit: sp.Lambda
    latex: str

    def __post_init__(self):
        if not isinstance(self.per_unit, sp.Lambda) or len(self.per_unit.variables) != 2:
            raise ClaimError(f"NetworkCost {self.name!r}: per_unit must be a sympy Lambda (a, y) -> c")

    def __call__(self, a, y):
        return self.per_unit(a, y)


BCE = NetworkCost(
    "binary cross-entropy",
    sp.Lambda((_a, _y), -_y * sp.log(_a) - (1 - _y) * sp.log(1 - _a)),
    r"C_x = \sum_j \left[-y_j \ln a_j^L - (1 - y_j) \ln(1 - a_j^L)\right]")
r"""Ko 2026, section 2: $-y_j \ln a_j^L - (1-y_j)\ln(1-a_j^L)$ per output unit."""

MSE = NetworkCost(
    "quadratic", sp.Lambda((_a, _y), (_a - _y) ** 2 / 2),
    r"C_x = \tfrac12 \sum_j (a_j^L - y_j)^2")
r"""Ko 2026, section 1: $\tfrac12 (a - y)^2$ per output unit."""


# --- the vocabulary ---------------------------------------------------------------------------

n_prev, n_l, n_next, N = sp.symbols("n_{l-1} n_l n_{l+1} N", integer=True, positive=True)
_DIMS = {-1: n_prev, 0: n_l, 1: n_next}


@dataclass(frozen=True)
class Quantity:
    """What a vocabulary symbol stands for: ``kind`` at layer ``l + offset``."""

    kind: str
    offset: int
    text: str


def _q(name, rows, cols, kind, offset, text):
    m = sp.MatrixSymbol(name, rows, cols)
    QUANTITIES[m] = Quantity(kind, offset, text)
    return m


QUANTITIES: dict = {}
W = _q("W^{l}", n_l, n_prev, "W", 0, "weights of layer l")
W_next = _q("W^{l+1}", n_next, n_l, "W", 1, "weights of layer l+1")
b = _q("b^{l}", n_l, 1, "b", 0, "biases of layer l")
Z = _q("Z^{l}", n_l, N, "Z", 0, "weighted inputs z^l, one column per sample")
A = _q("A^{l}", n_l, N, "A", 0, "activations a^l, one column per sample")
A_prev = _q("A^{l-1}", n_prev, N, "A", -1, "activations a^{l-1} (a^0 = x), one column per sample")
Y = _q("Y", n_l, N, "Y", 0, "targets y (output layer only), one column per sample")
Delta = _q(r"\Delta^{l}", n_l, N, "Delta", 0, "per-sample error delta^l = dC_x/dz^l")
Delta_next = _q(r"\Delta^{l+1}", n_next, N, "Delta", 1, "per-sample error delta^{l+1} = dC_x/dz^{l+1}")
G = _q(r"\nabla_{a^{l}} C_x", n_l, N, "G", 0, "per-sample gradient dC_x/da^l")
dC_dW = _q(r"\frac{\partial C}{\partial W^{l}}", n_l, n_prev, "dW", 0, "dC/dW^l of the claim's cost")
dC_db = _q(r"\frac{\partial C}{\partial b^{l}}", n_l, 1, "db", 0, "dC/db^l of the claim's cost")
dC_dZ = _q(r"\frac{\partial C}{\partial Z^{l}}", n_l, N, "dZ", 0, "dC/dz^l of the claim's cost, per column")
dC_dA = _q(r"\frac{\partial C}{\partial A^{l}}", n_l, N, "dA", 0, "dC/da^l of the claim's cost, per column")
dZnext_dZ = _q(r"\frac{\partial z^{l+1}}{\partial z^{l}}", n_next, n_l, "JacZ", 0,
               "per-sample Jacobian dz^{l+1}/dz^l (scope 'sample')")
ones_N = sp.OneMatrix(N, 1)

GRADIENT_KINDS = ("Delta", "G", "dW", "db", "dZ", "dA", "JacZ")
LAYER_SETS = ("all", "hidden", "output")
SCOPES = ("mean", "sample")



class EntryIndicator(sp.MatrixExpr):
    r"""The matrix with a single 1 at entry (``i``, ``j``) of layer ``layer`` (0: every layer).

    Used to build mutants wrong in one entry: ``rhs + r * HadamardProduct(E, rhs)``.
    Where the entry lies outside a network's matrix, it is the zero matrix there.
    """

    def __new__(cls, rows, cols, i, j, layer=0):
        args = [sp.sympify(v) for v in (rows, cols, i, j, layer)]
        for v in args[2:]:
            if not (v.is_Integer and v >= 0):
                raise ClaimError(f"EntryIndicator: index {v} must be a non-negative integer")
        return sp.Basic.__new__(cls, *args)

    @property
    def shape(self):
        return self.args[0], self.args[1]

    @property
    def entry(self):
        return int(self.args[2]), int(self.args[3]), int(self.args[4])

    def _entry(self, i, j, **kwargs):
        return sp.KroneckerDelta(i, self.args[2]) * sp.KroneckerDelta(j, self.args[3])


# --- shapes -----------------------------------------------------------------------------------

def _dim_eq(a, b, subs=None):
    d = sp.sympify(a) - sp.sympify(b)
    return sp.simplify(d.xreplace(subs or {})) == 0


def shape_of(expr, cid="claim", one_sample=False):
    """The symbolic shape of a vocabulary expression; :class:`ClaimError` on inner mismatches.

    SymPy does not check symbolic shapes (``MatrixSymbol(n, N) * MatrixSymbol(m, N)`` is
    accepted), so every product, sum and Hadamard product is checked here.  With
    ``one_sample`` (per-sample claims) the batch size $N$ is 1.
    """
    subs = {N: sp.Integer(1)} if one_sample else {}
    shp = _shape(expr, cid, subs)
    return tuple(sp.sympify(d).xreplace(subs) for d in shp)


def _shape(expr, cid, subs):
    shape_of = lambda e, c: _shape(e, c, subs)  # noqa: E731
    e = expr
    if isinstance(e, (sp.MatrixSymbol, sp.OneMatrix, sp.ZeroMatrix, sp.Identity, EntryIndicator,
                      sp.FunctionMatrix)):
        return tuple(e.shape)
    if isinstance(e, sp.Transpose):
        r, c = shape_of(e.arg, cid)
        return c, r
    if isinstance(e, ElementwiseApplyFunction):
        return shape_of(e.expr, cid)
    if isinstance(e, sp.HadamardPower):
        return shape_of(e.base, cid)
    if isinstance(e, sp.MatMul):
        mats = [a for a in e.args if isinstance(a, sp.MatrixExpr)]
        shapes = [shape_of(a, cid) for a in mats]
        for (r1, c1), (r2, c2), m1, m2 in zip(shapes, shapes[1:], mats, mats[1:]):
            if not _dim_eq(c1, r2, subs):
                raise ClaimError(f"{cid}: cannot multiply {m1} ({r1} x {c1}) by {m2} ({r2} x {c2}): "
                                 f"inner sizes {c1} and {c2 if False else r2} differ")
        return shapes[0][0], shapes[-1][1]
    if isinstance(e, (sp.MatAdd, sp.HadamardProduct)):
        shapes = [shape_of(a, cid) for a in e.args]
        for s, a in zip(shapes[1:], e.args[1:]):
            if not (_dim_eq(s[0], shapes[0][0], subs) and _dim_eq(s[1], shapes[0][1], subs)):
                what = "add" if isinstance(e, sp.MatAdd) else "multiply elementwise"
                raise ClaimError(f"{cid}: cannot {what} {e.args[0]} ({shapes[0][0]} x {shapes[0][1]}) "
                                 f"and {a} ({s[0]} x {s[1]})")
        return shapes[0]
    raise ClaimError(f"{cid}: {type(e).__name__} ({e}) is not part of the network vocabulary "
                     "(MatrixSymbols of derivations.network, MatMul, MatAdd, HadamardProduct, "
                     "HadamardPower, Transpose, OneMatrix, Identity, FunctionMatrix, sigma/sigma_prime)")


@dataclass(frozen=True, kw_only=True)
class NetworkClaim(Claim):
    r"""$\mathrm{lhs} = \mathrm{rhs}$ for every network, every layer $l$ in ``layers``, every input.

    ``lhs``/``rhs``: matrix expressions in the vocabulary of this module (see the module
    docstring).  ``layers``: ``"all"`` ($l = 1..L$), ``"hidden"`` ($l = 1..L-1$) or ``"output"``
    ($l = L$).  ``cost``: a :class:`NetworkCost` (:data:`BCE`, :data:`MSE`).  ``scope``:
    ``"mean"`` (the batch-averaged cost $C = \frac1n\sum_x C_x$) or ``"sample"`` (the one-sample
    cost $C_x$, checked for every sample).  ``proof_sizes``/``proof_batch``: the explicit networks
    of the symbolic proof.  ``batch``: the number of samples $n$ the claim is stated for
    (``None``: every $n$; the proof uses ``proof_batch``, the numeric witnesses batch 64); a
    claim with ``batch=1`` is proved and checked on batches of one sample.  Labels are one-hot (Ko: "$y_j \in \{0,1\}$ is the one-hot encoded
    target").

    The two sides may have different shapes (e.g. a transposed gradient): that refutes the claim,
    it does not make it malformed.  Mutants: ``claim.replace(rhs=...)``, :func:`perturb_entry`.
    """

    lhs: Any
    rhs: Any
    layers: str = "all"
    cost: NetworkCost = BCE
    scope: str = "mean"
    proof_sizes: tuple = ((2, 3, 2), (3, 4, 3, 2))
    proof_batch: int = 2
    activation: Any = None
    batch: Any = None
    kind: ClassVar[str] = "network"

    def _normalize(self):
        cid = self.id
        if self.layers not in LAYER_SETS:
            raise ClaimError(f"{cid}: layers={self.layers!r} is not one of {LAYER_SETS}")
        if self.scope not in SCOPES:
            raise ClaimError(f"{cid}: scope={self.scope!r} is not one of {SCOPES}")
        for side in ("lhs", "rhs"):
            e = getattr(self, side)
            if not isinstance(e, sp.MatrixExpr):
                raise ClaimError(f"{cid}: {side} must be a SymPy matrix expression in the network "
                                 f"vocabulary, got {type(e).__name__}")
            shape_of(e, cid, self.scope == "sample")
            self._check_symbols(e, side)
        if not isinstance(self.cost, NetworkCost):
            raise ClaimError(f"{cid}: cost must be a NetworkCost (BCE, MSE), got {type(self.cost).__name__}")
        used = {QUANTITIES[m] for m in self.matrix_symbols()}
        kinds = {q.kind for q in used}
        if any(q.offset == 1 for q in used) and self.layers != "hidden":
            raise ClaimError(f"{cid}: the claim uses layer l+1, which exists only for hidden layers: "
                             "set layers='hidden'")
        if ("Y" in kinds) and self.layers != "output":
            raise ClaimError(f"{cid}: the claim uses the targets Y, defined at the output layer only: "
                             "set layers='output'")
        if "JacZ" in kinds and (self.scope != "sample" or self.layers != "hidden"):
            raise ClaimError(f"{cid}: the Jacobian dz^(l+1)/dz^l is per sample between hidden and next "
                             "layer: set scope='sample' and layers='hidden'")
        sizes = tuple(tuple(int(v) for v in s) for s in self.proof_sizes)
        if not sizes or any(len(s) < 2 or min(s) < 1 for s in sizes):
            raise ClaimError(f"{cid}: proof_sizes must be layer widths (n_0, ..., n_L) with L >= 1")
        if self.layers == "hidden" and any(len(s) < 3 for s in sizes):
            raise ClaimError(f"{cid}: a claim about hidden layers needs proof networks with L >= 2")
        object.__setattr__(self, "proof_sizes", sizes)
        if int(self.proof_batch) < 1:
            raise ClaimError(f"{cid}: proof_batch must be >= 1")
        if self.batch is not None:
            if not isinstance(self.batch, int) or self.batch < 1:
                raise ClaimError(f"{cid}: batch must be None or a positive int, got {self.batch!r}")
            object.__setattr__(self, "proof_batch", self.batch)

    def _check_symbols(self, e, side):
        cid = self.id
        for m in e.atoms(sp.MatrixSymbol):
            if m not in QUANTITIES:
                raise ClaimError(f"{cid}: {side} uses {m}, which is not a network quantity; build it "
                                 "from derivations.network (W, b, Z, A, A_prev, Y, Delta, ...)")
        allowed = {n_prev, n_l, n_next, N}
        free = set()
        for node in sp.preorder_traversal(e):
            if isinstance(node, sp.Lambda):
                continue
            if isinstance(node, sp.Symbol) and not isinstance(node, sp.Dummy):
                free.add(node)
        bound = set()
        for node in sp.preorder_traversal(e):
            if isinstance(node, sp.Lambda):
                bound |= set(node.variables)
            if isinstance(node, sp.Sum):
                bound |= {lim[0] for lim in node.limits}
        bad = sorted(map(str, free - allowed - bound - set(e.atoms(sp.MatrixSymbol))))
        if bad:
            raise ClaimError(f"{cid}: {side} has free symbol(s) {bad}; only the sizes "
                             f"{sorted(map(str, allowed))} may appear")

    def matrix_symbols(self) -> set:
        return set(self.lhs.atoms(sp.MatrixSymbol)) | set(self.rhs.atoms(sp.MatrixSymbol))

    def free_symbols(self) -> set:
        """None: the claim's variables are whole matrices (weights, biases and inputs real, targets
        one-hot); the witnesses draw them (``checkers.network.REGIMES``), not the scalar sampler."""
        return set()

    def expressions(self):
        return ()

    def _allow_extra_domain(self):
        return True

    @property
    def lhs_shape(self):
        return shape_of(self.lhs, self.id, self.scope == "sample")

    @property
    def rhs_shape(self):
        return shape_of(self.rhs, self.id, self.scope == "sample")


def perturb_entry(claim: NetworkClaim, i: int, j: int, *, layer: int = 0, rel=sp.Rational(1, 100),
                  new_id: str | None = None) -> NetworkClaim:
    r"""A mutant of ``claim`` wrong in one entry: $\mathrm{rhs} + r\,(E_{ij} \odot \mathrm{rhs})$.

    ``layer`` picks the layer whose entry is wrong (0: that entry of every layer); ``rel`` is the
    relative error $r$ (1% by default).
    """
    rows, cols = claim.rhs_shape
    E = EntryIndicator(rows, cols, i, j, layer)
    rhs = sp.MatAdd(claim.rhs, sp.MatMul(sp.sympify(rel), sp.HadamardProduct(E, claim.rhs)))
    return dataclasses.replace(
        claim, rhs=rhs, id=new_id or f"{claim.id}_entry_{layer}_{i}_{j}",
        title=f"{claim.title} (mutant: entry ({i}, {j}) of layer {layer or 'every'} off by {rel})")
