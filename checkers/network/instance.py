r"""Explicit small networks in SymPy: the objects of the symbolic proof.

An :class:`Instance` has one symbol per weight $w^l_{jk}$, bias $b^l_j$, input $x_{sk}$ and
target $y_{sj}$ (sample $s$), the forward pass $Z^l = W^l A^{l-1} + b^l \mathbf 1^\top$,
$A^l = \sigma(Z^l)$, and the true derivatives of the vocabulary as SymPy ``diff`` of the
explicit cost, through a *cut* at the node ($z^l$ or $a^l$ replaced by fresh symbols, then put
back), so $\delta^l = \partial C_x/\partial z^l$ is a derivative, never a formula.  The
activation is the undefined ``act`` (whose only rule is $\sigma' =$ ``act_prime``) or the
claim's own; the cost is the claim's or the undefined :class:`Fcost` (whose only rule is its
partials :class:`Fpartial`).
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from derivations import ClaimError
from derivations.network import QUANTITIES, act

from .interpreter import Ctx, dims_at, evaluate

__all__ = ["Instance", "Fcost", "Fpartial", "instance", "sides", "net_label"]


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
    r"""One explicit network in SymPy: symbols, forward pass, true derivatives (lazily, cached).

    ``activation``: ``"generic"`` (``act``, derivative ``act_prime``) or an
    :class:`~checkers.network.activation.Activation` (SymPy ``diff`` of it gives $\sigma'$);
    ``cost``: a NetworkCost or ``"generic"`` (:class:`Fcost`); ``scope``: ``"mean"`` or
    ``"sample"`` (which cost ``dW``, ``db``, ``dZ``, ``dA`` differentiate).
    """

    def __init__(self, sizes, batch, activation, cost, scope):
        self.sizes, self.batch, self.activation, self.cost, self.scope = (
            tuple(sizes), batch, activation, cost, scope)
        self.L = L = len(sizes) - 1
        B = batch
        self.act = act if activation == "generic" else activation
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
def instance(sizes, batch, activation, cost, scope):
    """The :class:`Instance` of these arguments (cached: its derivatives are reused)."""
    return Instance(sizes, batch, activation, cost, scope)


def sides(claim, inst, l):
    """Both sides of the claim at layer ``l`` of the explicit network ``inst`` (object arrays)."""
    ctx = Ctx("sympy", lambda s: inst.value(s, l), dims_at(inst.sizes, l, inst.batch), l,
              activation=inst.activation)
    return evaluate(claim.lhs, ctx), evaluate(claim.rhs, ctx)


def net_label(sizes, batch):
    """``"2-3-2, batch 2"``: a network's widths and batch, as the report names it."""
    return "-".join(map(str, sizes)) + f", batch {batch}"
