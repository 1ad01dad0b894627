r"""Mutants of :mod:`derivations.backprop` (Ko 2026, section 2: BP1-BP4, network claims over any size).

Each is a :class:`~derivations.mutant.Mutant`: a plausible mistake that turns a claim of the
module into a wrong one.  Data only; ``checkers.mutation`` runs them.
"""

from __future__ import annotations

import sympy as sp

from . import backprop as bp
from . import network as nw
from .mutant import Mutant

__all__ = ["MUTANTS"]

H, FM = sp.HadamardProduct, sp.FunctionMatrix
j, k, xx, c = sp.symbols("j k x c", integer=True, nonnegative=True)
N, A, A_prev, Y, Z = nw.N, nw.A, nw.A_prev, nw.Y, nw.Z
Delta, Delta_next, W_next = nw.Delta, nw.Delta_next, nw.W_next
P = "backprop."


def rhs(e):
    return lambda c_: {"rhs": e}


MUTANTS = (
    Mutant(P + "bp4_matrix", "transposed", "transposed matrix",
           "dC/dW^l = (1/n) sum_x a^(l-1) (delta^l)^T: the outer product the wrong way round",
           rhs((1 / N) * A_prev * Delta.T),
           why="The two sides have transposed shapes (n_l x n_(l-1) against n_(l-1) x n_l): "
               "every witness that evaluates both sides sees it."),
    Mutant(P + "bp4_matrix", "drop_1_over_n", "dropped factor", "sum_x delta^l (a^(l-1))^T without 1/n",
           rhs(Delta * A_prev.T)),
    Mutant(P + "bp4_matrix", "rel_1e_6", "relative 1e-6", "(1 + 1e-6)/n sum_x delta^l (a^(l-1))^T",
           rhs((1 + sp.Rational(1, 10**6)) / N * Delta * A_prev.T)),
    Mutant(P + "bp4_matrix", "one_entry", "wrong in one entry",
           "entry (0, 0) of every layer's dC/dW off by 1%",
           lambda c_: {"rhs": nw.perturb_entry(c_, 0, 0).rhs}),
    Mutant(P + "bp2_matrix", "missing_hadamard", "missing elementwise product",
           "delta^l = (W^(l+1))^T delta^(l+1): the elementwise product with sigma'(z^l) left out",
           rhs(W_next.T * Delta_next)),
    Mutant(P + "bp2_matrix", "sigma_for_sigma_prime", "wrong term",
           "(W^(l+1))^T delta^(l+1) (.) sigma(z^l): sigma where sigma' belongs",
           rhs(H(W_next.T * Delta_next, nw.sigma(Z)))),
    Mutant(P + "bp4_index", "wrong_sample_index", "wrong index",
           "dC/dw_jk^l = (1/n) sum_x a_k^(l-1)[first sample] delta_j^l: the input of sample 1 in every term",
           rhs(FM(nw.n_l, nw.n_prev, sp.Lambda((j, k), sp.Sum(A_prev[k, 0] * Delta[j, xx], (xx, 0, N - 1)) / N)))),
    Mutant(P + "bp1_ce", "swap_a_y", "swapped a and y", "delta^L = y - a^L", rhs(Y - A)),
    Mutant(P + "bp1_general", "times_2", "off by a constant", "delta^L = 2 grad_a C (.) sigma'(z^L)",
           rhs(2 * H(nw.G, nw.sigma_prime(Z)))),
    Mutant(P + "bp1_ce_product", "dropped_1_minus_a", "dropped factor",
           "delta^L = -(y/a - (1-y)/(1-a)) a: the (1 - a) of sigma' = a(1 - a) dropped",
           rhs(H(bp.DC_DA, A))),
    Mutant(P + "bp3_matrix", "drop_1_over_n", "dropped factor", "dC/db^l = sum_x delta^l without 1/n",
           rhs(Delta * nw.ones_N)),
    Mutant(P + "bp3_index", "times_2", "off by a constant", "dC/db_j^l = (2/n) sum_x delta_j^l",
           rhs(FM(nw.n_l, 1, sp.Lambda((j, c), 2 * sp.Sum(Delta[j, xx], (xx, 0, N - 1)) / N)))),
    Mutant(P + "bp4_index", "drop_a_prev", "dropped factor",
           "dC/dw_jk^l = (1/n) sum_x delta_j^l: the input a_k^(l-1) dropped",
           rhs(FM(nw.n_l, nw.n_prev, sp.Lambda((j, k), sp.Sum(Delta[j, xx], (xx, 0, N - 1)) / N)))),
    Mutant(P + "bp4_output_boxed", "y_minus_a", "flipped sign",
           "dC/dw_jk^L = (1/n) sum_x a_k^(L-1) (y_j - a_j^L)",
           rhs(FM(nw.n_l, nw.n_prev, sp.Lambda((j, k), sp.Sum(A_prev[k, xx] * (Y[j, xx] - A[j, xx]),
                                                              (xx, 0, N - 1)) / N)))),
)
