r"""Mutants of :mod:`derivations.sigmoid_mse` (Ko 2026, section 1: the sigmoid, its derivative and the MSE neuron's gradients).

Each is a :class:`~derivations.mutant.Mutant`: a plausible mistake that turns a claim of the
module into a wrong one.  Data only; ``checkers.mutation`` runs them.
"""

from __future__ import annotations

import sympy as sp

from . import sigmoid_mse as m
from .functions import sigmoid
from .mutant import Mutant, neg, only_where, rel, times

__all__ = ["MUTANTS"]

w, b, x, y, z, a = m.w, m.b, m.x, m.y, m.z, m.a
zz = w * x + b


def sp_(arg):  # sigma'(arg), the true derivative of the explicit sigmoid
    return m.sigmoid_prime.subs(z, arg)


s = m.sigmoid_explicit(z)
e = sp.exp(-z)
G = "mse_sigmoid.grad_w"
Gb = "mse_sigmoid.grad_b"

MUTANTS = (
    Mutant(G, "drop_sigma_prime", "dropped factor", "sigma'(z) dropped: (a - y) x",
           lambda c: {"claimed": (a - y) * x}),
    Mutant(G, "drop_x", "dropped factor", "the input x dropped: (a - y) sigma'(z)",
           lambda c: {"claimed": (a - y) * sp_(zz)}),
    Mutant(G, "flipped_sign", "flipped sign", "(y - a) sigma'(z) x",
           lambda c: {"claimed": (y - a) * sp_(zz) * x}),
    Mutant(G, "y_in_sigma_prime", "swapped a and y",
           "sigma'(z) = a(1 - a) written with y for a: (a - y) y(1 - y) x",
           lambda c: {"claimed": (a - y) * y * (1 - y) * x}),
    Mutant(G, "times_2", "off by a constant", "the 1/2 of C = (a - y)^2/2 forgotten: 2 (a - y) sigma'(z) x",
           times(2)),
    Mutant(G, "times_half", "off by a constant", "(a - y)^2 differentiated as (a - y): half the gradient",
           times(sp.Rational(1, 2))),
    Mutant(G, "rel_1e_6", "relative 1e-6", "(1 + 1e-6) times the right gradient", rel()),
    Mutant(G, "rel_1e_12", "relative 1e-12", "(1 + 1e-12) times the right gradient",
           rel(sp.Rational(1, 10**12)),
           why="Below the float64 tolerances (see bce_sigmoid.dc_da.mut_rel_1e_12): the numeric "
               "witnesses catch it only at points escalated to the mpmath referee (saturated or "
               "huge z, where float64 loses the digits)."),
    Mutant(G, "saturated_zero_z_gt_5", "wrong in a region",
           "a saturated neuron (z > 5) taken to have zero gradient",
           lambda c: {"claimed": only_where(zz > 5, sp.Integer(0), c.claimed[0])}),
    Mutant(G, "sigma_prime_of_wx", "wrong argument", "sigma' evaluated at w x, the bias left out",
           lambda c: {"claimed": (a - y) * sp_(w * x) * x}),
    Mutant(Gb, "drop_sigma_prime", "dropped factor", "sigma'(z) dropped: a - y",
           lambda c: {"claimed": a - y}),
    Mutant(Gb, "extra_x", "extra factor", "the weight gradient's x copied into the bias gradient",
           lambda c: {"claimed": c.claimed * x}),
    Mutant(Gb, "flipped_sign", "flipped sign", "(y - a) sigma'(z)", neg()),
    Mutant(Gb, "times_2", "off by a constant", "2 (a - y) sigma'(z)", times(2)),
    Mutant("sigmoid.derivative_exp", "exp_sign", "flipped sign", "e^{+z} in the numerator",
           lambda c: {"claimed": sp.exp(z) / (1 + e) ** 2}),
    Mutant("sigmoid.derivative_exp", "dropped_square", "dropped factor",
           "the square of the denominator dropped: e^{-z}/(1 + e^{-z})",
           lambda c: {"claimed": e / (1 + e)}),
    Mutant("sigmoid.derivative_exp", "chain_rule_minus", "flipped sign",
           "the inner derivative of e^{-z} taken as +e^{-z}: -e^{-z}/(1 + e^{-z})^2",
           lambda c: {"claimed": -e / (1 + e) ** 2}),
    Mutant("sigmoid.derivative_logistic", "one_plus_sigma", "flipped sign", "sigma(1 + sigma)",
           lambda c: {"claimed": s * (1 + s)}),
    Mutant("sigmoid.derivative_logistic", "float64_saturation", "wrong in a region",
           "sigma'(z) = 0 for |z| > 36, where float64 rounds sigma(z) to 0 or 1",
           lambda c: {"claimed": only_where(sp.Abs(z) > 36, sp.Integer(0), c.claimed[0])},
           why="The symbolic witness's exact points stop at |z| = 10, so it never reaches "
               "|z| > 36; the numeric witnesses' saturated regime (|z| in [30, 1000]) does, "
               "and the mpmath referee confirms sigma'(z) > 0 where float64 underflows."),
    Mutant("sigmoid.derivative_add_subtract", "plus_one", "flipped sign",
           "(1 + e^{-z} + 1)/(1 + e^{-z})^2",
           lambda c: {"rhs": (1 + e + 1) / (1 + e) ** 2}),
    Mutant("sigmoid.derivative_add_subtract", "dropped_square", "dropped factor",
           "(1 + e^{-z} - 1)/(1 + e^{-z})",
           lambda c: {"rhs": sp.Add(1, e, -1, evaluate=False) / (1 + e)}),
    Mutant("mse_sigmoid.output_error", "hadamard_as_sum", "missing elementwise product",
           "delta = grad_a C + sigma'(z): the elementwise product read as a sum",
           lambda c: {"claimed": (sigmoid(z) - y) + sp_(z)}),
    Mutant("mse_sigmoid.output_error", "drop_sigma_prime", "dropped factor",
           "delta = a - y, the sigma'(z) factor dropped",
           lambda c: {"claimed": sigmoid(z) - y}),
    Mutant("sigmoid.prime_vanishes_high", "quarter", "wrong value",
           "sigma'(z) -> 1/4 (its value at 0) as z -> oo", lambda c: {"value": sp.Rational(1, 4)}),
    Mutant("sigmoid.prime_vanishes_low", "one", "wrong value", "sigma'(z) -> 1 as z -> -oo",
           lambda c: {"value": sp.Integer(1)}),
    Mutant("mse_sigmoid.slowdown", "one", "wrong value",
           "(a - y) sigma'(z) -> 1, the limit of a - y taken for the product",
           lambda c: {"value": sp.Integer(1)}),
    Mutant("sigmoid.prime_at_0", "sigma_at_0", "wrong value", "sigma'(0) = 0.5, sigma(0) for sigma'(0)",
           lambda c: {"quoted": "0.5"}),
    Mutant("sigmoid.prime_at_4", "rounded_early", "wrong value",
           "sigma'(4) = 0.98 x 0.02 = 0.0196, sigma(4) rounded before multiplying",
           lambda c: {"quoted": "0.0196"}),
    Mutant("sigmoid.value_at_4", "rounded_up", "wrong value", "sigma(4) = 0.9821 (0.98201 rounded up)",
           lambda c: {"quoted": "0.9821"}),
)
