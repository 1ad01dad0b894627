r"""Mutants of :mod:`derivations.softmax_nll` (Ko 2026, section 4: the softmax with the NLL cost, for any number of classes K).

Each is a :class:`~derivations.mutant.Mutant`: a plausible mistake that turns a claim of the
module into a wrong one.  Data only; ``checkers.mutation`` runs them.
"""

from __future__ import annotations

import sympy as sp

from . import softmax_nll as m
from .mutant import Mutant, rel
from .softmax import K, softmax as a

__all__ = ["MUTANTS"]

j, k, y, x = m.j, m.k, m.y, m.x
d = sp.KroneckerDelta
T = "softmax_nll."


def claimed(e):
    return lambda c: {"claimed": e}


gw = sp.ImmutableMatrix(m.EGW)

MUTANTS = (
    Mutant(T + "grad_z", "swap_a_y", "swapped a and y", "dC_x/dz_j = y_j - a_j", claimed(d(j, y) - a(j))),
    Mutant(T + "grad_z", "drop_delta", "dropped Kronecker delta",
           "dC_x/dz_j = a_j: the one-hot y_j = delta_jy dropped", claimed(a(j))),
    Mutant(T + "grad_z", "rel_1e_6", "relative 1e-6", "(1 + 1e-6)(a_j - y_j)", rel()),
    Mutant(T + "eq4", "drop_delta", "dropped Kronecker delta",
           "dC_x/da_k = -1/a_k for every k (only k = y is right)",
           claimed(-1 / m.a[k])),
    Mutant(T + "equals_cross_entropy", "drop_delta", "dropped Kronecker delta",
           "-ln a_y = -sum_j ln a_j: the one-hot weights dropped",
           lambda c: {"rhs": -sp.Sum(sp.log(a(j)), (j, 1, K))}),
    Mutant(T + "step_d", "inner_sign", "flipped sign",
           "-(1/a_y)(a_y delta_yj + a_j a_y): the minus inside lost",
           claimed(-1 / a(y) * (a(y) * d(y, j) + a(j) * a(y)))),
    Mutant(T + "grad_true_class", "drop_minus_one", "dropped term", "dC_x/dz_y = a_y", claimed(a(y))),
    Mutant(T + "grad_w_batch", "drop_1_over_n", "dropped factor",
           "dC/dw_jk = sum_x x_k (a_j - y_j) without 1/n", lambda c: {"claimed": c.claimed * m.n}),
    Mutant(T + "grad_w_batch", "first_label", "wrong index",
           "the label of the first example, y_1, used for every example",
           lambda c: {"claimed": sp.Sum(m.X[x, k] * (m.softmax_layer(j, x) - d(m.Y[1], j)), (x, 1, m.n)) / m.n}),
    Mutant(T + "grad_w_matrix", "transposed", "transposed matrix",
           "grad_W C = (1/n) sum_x a^(L-1) (a - y)^T, flattened row by row: the outer product transposed",
           lambda c: {"claimed": list(gw.T)},
           why="Transposed, the 2 x 3 matrix read row by row puts other entries in 4 of the 6 places: "
               "every witness sees it."),
    Mutant(T + "value_001", "rounded_wrong", "wrong value", "-ln 0.01 = 4.606 (it is 4.60517...)",
           lambda c: {"quoted": "4.606"}),
)
