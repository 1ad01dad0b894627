r"""Mutants of :mod:`derivations.softmax` (Ko 2026, section 3: the softmax, its Jacobian and its limits, for any number of classes K).

Each is a :class:`~derivations.mutant.Mutant`: a plausible mistake that turns a claim of the
module into a wrong one.  Data only; ``checkers.mutation`` runs them.
"""

from __future__ import annotations

import sympy as sp

from . import softmax as m
from .mutant import Mutant

__all__ = ["MUTANTS"]

z, j, k, K = m.z, m.j, m.k, m.K
a = m.softmax
d = sp.KroneckerDelta
S = "softmax."


def claimed(e):
    return lambda c: {"claimed": e}


n_explicit = m.EXPLICIT_SIZES[0]
zs, av, _ = m.jacobian_explicit(n_explicit)

MUTANTS = (
    Mutant(S + "jacobian", "drop_delta", "dropped Kronecker delta",
           "da_j/dz_k = -a_j a_k: delta_jk dropped (the j = k case lost)", claimed(-a(j) * a(k))),
    Mutant(S + "jacobian", "wrong_index", "wrong index", "da_j/dz_k = a_j (delta_jk - a_j)",
           claimed(a(j) * (d(j, k) - a(j)))),
    Mutant(S + "jacobian", "flipped_sign", "flipped sign", "da_j/dz_k = a_j (a_k - delta_jk)",
           claimed(a(j) * (a(k) - d(j, k)))),
    Mutant(S + "jacobian", "tie_only", "wrong only at ties",
           "right except where two different logits tie (z_j = z_k, j != k), where it says 0",
           lambda c: {"claimed": sp.Piecewise((0, sp.And(sp.Eq(z[j], z[k]), sp.Ne(j, k))), (c.claimed, True))},
           why="Wrong only on the set z_j = z_k: uniform logits never tie; the indexed sampler's zero "
               "and tie regimes do."),
    Mutant(S + "eq2_sum_derivative", "whole_sum", "wrong term", "dS/dz_k = S: every term differentiated",
           lambda c: {"claimed": m.S}),
    Mutant(S + "diag_derivative", "one_plus_a", "flipped sign", "da_j/dz_j = a_j (1 + a_j)",
           claimed(a(j) * (1 + a(j)))),
    Mutant(S + "offdiag_derivative", "plus", "flipped sign", "da_j/dz_k = +a_j a_k (k != j)",
           claimed(a(j) * a(k))),
    Mutant(S + "non_local", "at_most_uniform", "wrong in a region",
           "a_j <= 1/K: the uniform share taken as the largest (false wherever z_j is above the rest)",
           lambda c: {"lhs": a(j), "relation": "<=", "rhs": 1 / K, "ranges": {j: (1, K)}}),
    Mutant(S + "monotonicity", "all_increase", "flipped sign",
           "increasing z_j increases every a_k too", lambda c: {"relation": (">", ">")}),
    Mutant(S + "scaled_form", "swapped_difference", "wrong index",
           "a_j(c) = 1 / sum_i e^{c (z_j - z_i)}: the difference the wrong way round",
           lambda c: {"rhs": 1 / sp.Sum(sp.exp(m.c * (z[j] - z[m.i])), (m.i, 1, K))}),
    Mutant(S + "limit_tied_max", "one_over_k", "wrong value",
           "each of m tied maxima's share tends to 1/K (K = m + n): the entries below the "
           "maximum counted as sharing", lambda c: {"value": 1 / (m._m + m._n)}),
    Mutant(S + f"jacobian_matrix_k{n_explicit}", "dropped_outer", "dropped term",
           "da/dz = diag(a): the outer product a a^T left out",
           lambda c: {"claimed": sp.ImmutableMatrix(sp.diag(*av))}),
)
