r"""Mutants of :mod:`derivations.bce_sigmoid` (Ko 2026, section 2: the cross-entropy cost with a sigmoid, its derivatives, its bounds and
the batch gradients).

Each is a :class:`~derivations.mutant.Mutant`: a plausible mistake that turns a claim of the
module into a wrong one.  Data only; ``checkers.mutation`` runs them.
"""

from __future__ import annotations

import sympy as sp

from . import bce_sigmoid as m
from .functions import sigmoid
from .mutant import Mutant, neg, only_where, rel, row, times

__all__ = ["MUTANTS"]

a, y = m.a, m.y
n = m.N_SAMPLES
X, Y, Z, A = m.X, m.Y, m.Z, m.A
inv_n = sp.Rational(1, n)


def mean(f):
    return inv_n * sum(f(i) for i in range(n))


def sp_(u):
    return sigmoid(u) * (1 - sigmoid(u))


def chain(i):
    return Y[i] / A[i] - (1 - Y[i]) / (1 - A[i])


D = "bce_sigmoid.dc_da"
GW, GB = "bce_sigmoid.grad_w", "bce_sigmoid.grad_b"
H = "bce_sigmoid.second_derivative"

MUTANTS = (
    Mutant(D, "swap_a_y", "swapped a and y", "-a/y + (1 - a)/(1 - y)",
           lambda c: {"claimed": -a / y + (1 - a) / (1 - y)}),
    Mutant(D, "flipped_sign", "flipped sign", "y/a - (1 - y)/(1 - a)", neg()),
    Mutant(D, "dropped_inner_minus", "dropped factor",
           "d/da ln(1 - a) taken as 1/(1 - a): the chain rule's -1 dropped",
           lambda c: {"claimed": -y / a - (1 - y) / (1 - a)}),
    Mutant(D, "tie_only", "wrong only at ties",
           "right except at a = y, where (a - y)/(a - y) was cancelled to 1: 1/(a(1 - a))",
           lambda c: {"claimed": only_where(sp.Eq(a, y), 1 / (a * (1 - a)), c.claimed[0])},
           why="Uniform sampling almost never draws a = y exactly; the sampler's tie regime, "
               "the symbolic witness's all-equal exact points and the hypothesis edge search do."),
    Mutant(D, "edge_a_below_1e_8", "wrong only at the domain edge",
           "near a = 0 (a < 1e-8) the term (1 - y)/(1 - a) dropped as negligible",
           lambda c: {"claimed": only_where(a < sp.Rational(1, 10**8), -y / a, c.claimed[0])},
           why="Wrong only for a < 1e-8: the symbolic witness's exact points (a >= 1/10) "
               "never get there; the sampler's edge regime (a = 5e-324, 1e-300, 1e-16 above 0) "
               "with y = 0 does."),
    Mutant(D, "abs_numerator", "wrong in a region", "|a - y|/(a(1 - a)): wrong wherever a < y",
           lambda c: {"claimed": sp.Abs(a - y) / (a * (1 - a))}),
    Mutant(D, "rel_1e_6", "relative 1e-6", "(1 + 1e-6) times the right derivative", rel()),
    Mutant(D, "rel_1e_12", "relative 1e-12", "(1 + 1e-12) times the right derivative",
           rel(sp.Rational(1, 10**12)),
           why="1e-12 is below the autodiff (1e-10) and complex-step (1e-11) tolerances: in float64 "
               "every ordinary point agrees. It is caught exactly by the symbolic witness, and by "
               "the numeric witnesses only at points float64 cannot decide (a next to 0 or 1, where "
               "the values overflow), which go to the mpmath referee and its 1e-25 tolerance."),
    Mutant("bce_sigmoid.dc_da_combined", "dropped_1_minus_a", "dropped factor", "(a - y)/a",
           lambda c: {"claimed": (a - y) / a}),
    Mutant("bce_sigmoid.dc_da_combined", "times_half", "off by a constant", "(a - y)/(2a(1 - a))",
           times(sp.Rational(1, 2))),
    Mutant(H, "flipped_sign", "flipped sign", "y/a^2 - (1 - y)/(1 - a)^2",
           lambda c: {"claimed": y / a**2 - (1 - y) / (1 - a) ** 2}),
    Mutant(H, "dropped_square", "dropped factor", "y/a^2 + (1 - y)/(1 - a)",
           lambda c: {"claimed": y / a**2 + (1 - y) / (1 - a)}),
    Mutant("bce_sigmoid.second_derivative_combined", "y_squared", "wrong term",
           "numerator a^2 - 2ay + y^2 (the lower bound's) for a^2 - 2ay + y",
           lambda c: {"rhs": (a**2 - 2 * a * y + y**2) / (a**2 * (1 - a) ** 2)}),
    Mutant("bce_sigmoid.lower_bound_square", "plus", "flipped sign", "(a + y)^2 / (a^2 (1 - a)^2)",
           lambda c: {"rhs": (a + y) ** 2 / (a**2 * (1 - a) ** 2)}),
    Mutant("bce_sigmoid.convex", "concave", "flipped sign", "d2C/da2 <= 0",
           lambda c: {"relation": "<="}),
    Mutant("bce_sigmoid.strictly_convex", "above_4", "wrong in a region",
           "d2C/da2 > 4, its value at a = y = 1/2 taken as its minimum (false for y near 0 or 1)",
           lambda c: {"rhs": sp.Integer(4)}),
    Mutant("bce_sigmoid.binary_entropy_positive", "bounded_away", "wrong only at the domain edge",
           "H(y) > 1e-6: strictly positive on (0, 1) read as bounded away from 0",
           lambda c: {"rhs": sp.Rational(1, 10**6)},
           why="H(y) < 1e-6 only for y < ~5e-8 or y > 1 - 5e-8: no sign certificate exists and the "
               "symbolic witness's exact points (y in [1/10, 9/10]) all satisfy it; the sampler's "
               "edge regime (y = 1e-8, 1e-16, ... from the ends) refutes it."),
    Mutant("bce_sigmoid.log_1ma_negative", "log_1pa", "flipped sign", "ln(1 + a) < 0",
           lambda c: {"lhs": sp.log(1 + a)}),
    Mutant("bce_sigmoid.nonnegative", "dropped_minus", "flipped sign",
           "y ln a + (1 - y) ln(1 - a) >= 0: the leading minus dropped",
           lambda c: {"lhs": -c.lhs}),
    Mutant("bce_sigmoid.minimum_value", "dropped_minus", "flipped sign",
           "C(a*) = y ln y + (1 - y) ln(1 - y)", lambda c: {"rhs": -c.rhs}),
    Mutant("bce_sigmoid.corner_y0", "wrong_corner", "wrong value",
           "y = 0: C_x -> 0 as a -> 1 (the other corner)",
           lambda c: {"point": sp.Integer(1), "direction": "-"}),
    Mutant("bce_sigmoid.boundary_y1_blowup", "zero", "wrong value", "-ln a -> 0 as a -> 0+",
           lambda c: {"value": sp.Integer(0)}),
    Mutant("bce_sigmoid.no_slowdown", "slowdown", "wrong value",
           "the MSE slowdown carried over: the cross-entropy gradient -> 0 when saturated and wrong",
           lambda c: {"value": sp.Integer(0)}),
    Mutant("bce_sigmoid.boundary_y1_decreasing", "flipped_sign", "flipped sign", "d/da(-ln a) = 1/a",
           lambda c: {"claimed": 1 / a}),
    Mutant("bce_sigmoid.boundary_y0_increasing", "dropped_inner_minus", "dropped factor",
           "d/da(-ln(1 - a)) = -1/(1 - a): the chain rule's -1 dropped",
           lambda c: {"claimed": -1 / (1 - a)}),
    Mutant(GW, "drop_1_over_n", "dropped factor", "sum_x x_j (sigma(z) - y) without 1/n",
           lambda c: {"claimed": c.claimed * n}),
    Mutant(GW, "drop_x", "dropped factor", "(1/n) sum_x (sigma(z) - y) for every w_j",
           lambda c: {"claimed": row(*[mean(lambda i: A[i] - Y[i])] * 2)}),
    Mutant(GW, "swap_a_y", "swapped a and y", "(1/n) sum_x x_j (y - sigma(z))",
           lambda c: {"claimed": row(*[mean(lambda i, j=j: X[i][j] * (Y[i] - A[i])) for j in range(2)])}),
    Mutant(GW, "wrong_input_index", "wrong index", "x_{i2} in the w_1 entry and x_{i1} in the w_2 entry",
           lambda c: {"claimed": row(*[mean(lambda i, j=j: X[i][1 - j] * (A[i] - Y[i])) for j in range(2)])}),
    Mutant(GW, "wrong_sample_index", "wrong index", "the target of the next sample, y_{i+1}",
           lambda c: {"claimed": row(*[mean(lambda i, j=j: X[i][j] * (A[i] - Y[(i + 1) % n]))
                                        for j in range(2)])}),
    Mutant(GW, "extra_sigma_prime", "extra factor", "sigma'(z) kept from the MSE gradient",
           lambda c: {"claimed": row(*[mean(lambda i, j=j: X[i][j] * sp_(Z[i]) * (A[i] - Y[i]))
                                        for j in range(2)])}),
    Mutant(GW, "rel_1e_6", "relative 1e-6", "(1 + 1e-6) times the right gradient", rel()),
    Mutant(GW, "saturated_one_z_gt_5", "wrong in a region", "sigma(z) taken as 1 where z > 5",
           lambda c: {"claimed": row(*[mean(lambda i, j=j: X[i][j] * (
               sp.Piecewise((1, Z[i] > 5), (A[i], True)) - Y[i])) for j in range(2)])}),
    Mutant(GW, "one_over_n_minus_1", "off by a constant", "1/(n - 1) for 1/n",
           times(sp.Rational(n, n - 1))),
    Mutant(GB, "drop_1_over_n", "dropped factor", "sum_x (sigma(z) - y) without 1/n",
           lambda c: {"claimed": c.claimed * n}),
    Mutant(GB, "extra_x", "extra factor", "(1/n) sum_x x_1 (sigma(z) - y), the w_1 entry",
           lambda c: {"claimed": mean(lambda i: X[i][0] * (A[i] - Y[i]))}),
    Mutant(GB, "flipped_sign", "flipped sign", "(1/n) sum_x (y - sigma(z))", neg()),
    Mutant(GB, "times_2", "off by a constant", "(2/n) sum_x (sigma(z) - y)", times(2)),
    Mutant("bce_sigmoid.grad_w_chain", "drop_sigma_prime", "dropped factor",
           "the chain-rule line without sigma'(z)",
           lambda c: {"claimed": row(*[-mean(lambda i, j=j: chain(i) * X[i][j]) for j in range(2)])}),
    Mutant("bce_sigmoid.grad_w_chain", "inner_sign", "flipped sign",
           "y/sigma + (1 - y)/(1 - sigma) in the chain-rule line",
           lambda c: {"claimed": row(*[-mean(lambda i, j=j: (Y[i] / A[i] + (1 - Y[i]) / (1 - A[i]))
                                              * sp_(Z[i]) * X[i][j]) for j in range(2)])}),
    Mutant("bce_sigmoid.grad_w_cancel", "one_plus_sigma", "flipped sign",
           "sigma'/(sigma(1 + sigma)) in the cancellation step",
           lambda c: {"claimed": row(*[mean(lambda i, j=j: sp_(Z[i]) / (A[i] * (1 + A[i]))
                                             * (A[i] - Y[i]) * X[i][j]) for j in range(2)])}),
    Mutant("bce_sigmoid.grad_b_chain", "dropped_minus", "flipped sign",
           "the chain-rule line without its leading minus", neg()),
)
