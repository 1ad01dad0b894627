r"""The high-precision referee of output-layer network claims.

Entries float64 cannot decide (e.g. $\nabla_a C = (a - y)/(a(1-a))$ with $a$ rounded to 1) are
evaluated again in mpmath from the float64 $z^L$ (exact binary numbers), at two precisions
$p$ and $2p$-ish digits, with $p = 30 + \lceil |z|_{\max} / \ln 10 \rceil$ so that
$1 - \sigma(z) \sim e^{-z}$ is resolved.  True values: $a = \sigma(z)$ (the claim's activation);
$\delta = \partial c(\sigma(z), y)/\partial z$ and $\nabla_a C_x = \partial c(a, y)/\partial a$ by
SymPy ``diff`` of the per-unit cost; for the mean cost the derivative of
$\frac1N \sum_x \sum_j c$ in one $z_{jx}$ carries $1/N$.  An entry is decided by
:func:`checkers.compare.decide_entries` (the shared two-precision rule: it holds if it holds at
the higher precision, fails only if it fails at both with values stable between them, else is
undecidable), with the identities compared at relative :data:`REFEREE_RTOL`.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp

from derivations.network import QUANTITIES, EntryIndicator

from ..compare import decide_entries
from .activation import unit_cost_derivative_mp
from .interpreter import Ctx, dims_at, evaluate
from .numeric import NumericNet

__all__ = ["head_local", "referee_values", "decide_entry", "claim_shape", "REFEREE_RTOL"]

REFEREE_RTOL = mpmath.mpf("1e-20")
r"""Relative tolerance of an identity entry in the referee's arithmetic (see :func:`holds`).

Not the shared :data:`checkers.compare.MP_RTOL` ($10^{-25}$): the network referee has always
compared at $10^{-20}$, and the tighter rule would change results (measured: the mutant
``backprop.bp1_ce_product.mut_dropped_1_minus_a``, $\delta = \nabla_a C \odot a$, differs from
the truth by the factor $1 - a$, which is $1 - O(10^{-22})$ in the saturated regimes; 182 of its
entries at seeds 20260104, 3 and 11 pass at $10^{-20}$ and fail at $10^{-25}$; no catalog claim
and no other backprop mutant changes)."""


def head_local(claim):
    """True if the claim only involves output-layer, per-column quantities (the referee's reach)."""
    return claim.layers == "output" and all(
        QUANTITIES[s].kind in ("Z", "A", "Y", "Delta", "G", "dZ", "dA") and QUANTITIES[s].offset == 0
        for s in claim.matrix_symbols()) and not any(
        isinstance(a, (sp.FunctionMatrix, EntryIndicator)) for e in (claim.lhs, claim.rhs)
        for a in sp.preorder_traversal(e))


def referee_values(claim, nn: NumericNet, dps_list=None, columns=None):
    """Both sides at the output layer in mpmath (module doc), at each precision of ``dps_list``
    (default $(p, p + 30)$).

    Per-sample claims are evaluated only at ``columns`` (samples), if given.  Returns
    ``(dps_list, [(lhs, rhs), ...])``: arrays of mpf, one pair per precision (entries not
    evaluated are None).
    """
    activation = nn.activation
    f_cz = unit_cost_derivative_mp(claim.cost, activation, "z")
    f_ca = unit_cost_derivative_mp(claim.cost, activation, "a")
    f_a = activation.mpmath()
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
                env["A"] = vec(f_a, z)
            k = mpmath.mpf(1) / B if claim.scope == "mean" else mpmath.mpf(1)
            if kinds & {"Delta", "dZ"}:
                env["Delta"] = vec(f_cz, z, yy)
                env["dZ"] = env["Delta"] * k
            if kinds & {"G", "dA"}:
                env["G"] = vec(f_ca, env["A"], yy)
                env["dA"] = env["G"] * k
            if claim.scope == "mean":
                ctx = Ctx("mpmath", lambda s: env[QUANTITIES[s].kind], dims_at(nn.spec.sizes, L, B), L,
                          activation=activation)
                out.append((evaluate(claim.lhs, ctx), evaluate(claim.rhs, ctx)))
            else:
                lhs = np.empty((B,) + claim_shape(claim, nn, L), dtype=object)
                rhs = np.empty_like(lhs)
                for pos, s in enumerate(cols):
                    col = {k2: v[:, pos:pos + 1] for k2, v in env.items()}
                    ctx = Ctx("mpmath", lambda q, col=col: col[QUANTITIES[q].kind],
                              dims_at(nn.spec.sizes, L, 1), L, activation=activation)
                    lhs[s] = evaluate(claim.lhs, ctx)
                    rhs[s] = evaluate(claim.rhs, ctx)
                out.append((lhs, rhs))
    return tuple(dps_list), out


def holds(c, t, rel="=="):
    r"""$|c - t| \le$ :data:`REFEREE_RTOL` $\max(|c|, |t|)$ (two zeros agree)."""
    return abs(c - t) <= REFEREE_RTOL * max(abs(c), abs(t))


def decide_entry(refereed, idx):
    """``"ok"``, ``"fail"`` or ``"undecidable"`` for entry ``idx`` of :func:`referee_values`'
    result (its two precisions), by :func:`checkers.compare.decide_entries`."""
    dps_list, mp = refereed
    (c_lo, t_lo), (c_hi, t_hi) = mp[0], mp[-1]
    status, _ = decide_entries([c_lo[idx]], [t_lo[idx]], [c_hi[idx]], [t_hi[idx]], ("==",),
                               dps_list[-1], holds)
    return status


def claim_shape(claim, nn, l):
    """The concrete shape of the left side at layer ``l`` of ``nn`` (per sample for 'sample')."""
    dims = dims_at(nn.spec.sizes, l, 1 if claim.scope == "sample" else nn.spec.batch)
    return tuple(int(sp.sympify(d).xreplace(dims)) for d in claim.lhs_shape)
