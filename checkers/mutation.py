r"""The mutation suite: plausible derivation mistakes, each next to the claim it breaks.

A checker is only as good as the mistakes it catches.  Each :class:`Mutant` takes a claim of the
catalog that holds and changes one field (``claimed``, ``rhs``, ``relation``, ``value``,
``quoted``) the way a student's derivation goes wrong: a dropped factor ($\sigma'(z)$,
$\tfrac1n$, $x$), a flipped sign, $a$ and $y$ swapped, a transposed matrix, a missing
elementwise product, a wrong index, a dropped Kronecker delta, a constant factor ($\times 2$,
$\times\tfrac12$), a mistake confined to a region ($z > 5$, saturation), to ties ($a = y$), to
the edge of the domain ($a < 10^{-8}$), or a relative error of $10^{-6}$ everywhere.  Every
mutant must be REFUTED by the combined verdict of :func:`checkers.engine.verify`.

Per witness.  :func:`run_mutant` also asks each witness *alone*: the symbolic witness on the
claim, and each numeric witness on the plain seeded sample (without the symbolic witness's
exact counterexample, which the engine adds for the combined verdict).  A mutant that only one
witness catches is listed with the reason.

Command::

    python -m checkers.mutation --out reports/mutation-table.md [--seed N] [--points N]

writes the per-witness table (pure render :func:`render_table`, thin writer :func:`write_table`).
Mutant definitions live here, one function per catalog family; a family of
``derivations.CATALOG_MODULES`` with no mutants is reported (and fails the tests).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import importlib
import pathlib
import platform
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

import derivations
from derivations import sigmoid

from .engine import DEFAULT_SEED, WITNESSES, verify
from .results import DISPROVED, FAIL, NOT_APPLICABLE, ClaimResult, WitnessResult
from .sampling import sample
from .symbolic import SIMPLIFY_SECONDS, symbolic_witness

__all__ = ["Mutant", "MutantRun", "OPERATORS", "REQUIRED_OPERATORS", "mutants", "families", "orphans",
           "missing_families", "run_mutant", "run_all", "render_table", "write_table", "main",
           "COLUMNS", "MUTANT_POINTS"]

MUTANT_POINTS = 256
"""Sample size per mutant (the default test run and the published table use the same)."""

OPERATORS = {
    "dropped factor": "a factor of the right answer is missing (sigma'(z), 1/n, x, a chain-rule -1)",
    "flipped sign": "a sign, or the direction of a relation, is reversed",
    "swapped a and y": "the activation and the target trade places",
    "transposed matrix": "W where W^T belongs (or the reverse)",
    "missing elementwise product": "an elementwise (Hadamard) product replaced by another operation",
    "wrong index": "an index that points at the wrong sample, input, class or layer",
    "dropped Kronecker delta": "delta_ij left out of a softmax-type Jacobian",
    "off by a constant": "the right answer times 2, 1/2, or n/(n-1)",
    "extra factor": "a factor that belongs to another formula (sigma'(z) carried over from MSE, x in a bias gradient)",
    "wrong argument": "the right function at the wrong argument",
    "wrong term": "one term replaced by a similar-looking one",
    "dropped term": "a term of a sum or difference left out",
    "wrong in a region": "right except on part of the domain (z > 5, saturation, a < y)",
    "wrong only at ties": "right except where two variables are equal",
    "wrong only at the domain edge": "right except within a hair of the domain's boundary",
    "relative 1e-6": "the right answer times (1 + 1e-6), everywhere",
    "wrong in one entry": "one entry of a matrix gradient off by 1% (the rest right)",
    "relative 1e-12": "the right answer times (1 + 1e-12): below every float64 tolerance (a constant "
                      "rounded to 12 digits)",
    "wrong value": "a limit or a quoted number that is not the true one",
}

REQUIRED_OPERATORS = (
    "dropped factor", "flipped sign", "swapped a and y", "transposed matrix",
    "missing elementwise product", "wrong index", "dropped Kronecker delta", "off by a constant",
    "wrong in a region", "wrong only at ties", "wrong only at the domain edge", "relative 1e-6",
)
"""The mistakes issue 6 names; the suite must contain each (tests check it)."""

COLUMNS = ("symbolic", "autodiff", "finite differences", "taylor remainder", "sampling",
           "numeric sequence", "high precision", "float64 run")
"""Witness columns of the table, one per witness name of :data:`checkers.engine.WITNESSES`:
``sampling`` (equalities, inequalities), ``numeric sequence`` (limits), ``high precision``
(quoted values; the 50-digit run of experiments), ``float64 run`` (experiments),
``taylor remainder`` (network claims)."""


def _column(witness_name: str) -> str:
    return witness_name


@dataclass(frozen=True)
class Mutant:
    r"""A wrong claim built from a right one.

    ``original``: the id of a catalog claim that holds.  ``slug``: the mutant id is
    ``f"{original}.mut_{slug}"``.  ``operator``: a key of :data:`OPERATORS`.  ``mistake``: the
    mistake in words.  ``change``: a function returning the fields to replace (``claimed=``,
    ``rhs=``, ...), given the right claim.  ``why``: written by hand where one witness is
    expected to catch it alone (or to miss it), and why.
    """

    original: str
    slug: str
    operator: str
    mistake: str
    change: Callable = field(repr=False, compare=False)
    why: str = ""

    def __post_init__(self):
        if self.operator not in OPERATORS:
            raise ValueError(f"mutant {self.id}: unknown operator {self.operator!r}; "
                             f"use one of {sorted(OPERATORS)}")

    @property
    def id(self) -> str:
        return f"{self.original}.mut_{self.slug}"

    def right(self):
        """The catalog claim this mutant breaks."""
        return derivations.get(self.original)

    def claim(self):
        """The wrong claim: the right one with the changed fields (validated again)."""
        right = self.right()
        changes = self.change(right)
        if not changes:
            raise ValueError(f"mutant {self.id}: change() returned no fields to replace")
        note = f"MUTANT ({self.operator}) of {self.original}: {self.mistake}"
        return right.replace(id=self.id, title=f"Mutant of {self.original}: {self.mistake}",
                             note=note, **changes)


# --------------------------------------------------------------------------------------------
# Helpers that build mutated expressions


def _row(*entries):
    """A 1 x n claimed gradient."""
    return sp.ImmutableMatrix([list(entries)])


def _only_where(cond, wrong, right):
    r"""$\text{wrong}$ where ``cond`` holds, else $\text{right}$ (entrywise for matrices)."""
    if isinstance(right, sp.MatrixBase):
        w = wrong if isinstance(wrong, sp.MatrixBase) else sp.ImmutableMatrix(right.shape[0], right.shape[1],
                                                                                [wrong] * len(right))
        return sp.ImmutableMatrix(right.shape[0], right.shape[1],
                                  [sp.Piecewise((wi, cond), (ri, True)) for wi, ri in zip(w, right)])
    return sp.Piecewise((wrong, cond), (right, True))


def _times(k):
    return lambda c: {"claimed": c.claimed * k}


def _rel(eps=sp.Rational(1, 10**6)):
    return lambda c: {"claimed": c.claimed * (1 + eps)}


def _neg():
    return lambda c: {"claimed": -c.claimed}


# --------------------------------------------------------------------------------------------
# Family: sigmoid_mse (Ko 2026, section 1)


def _sigmoid_mse() -> list:
    from derivations import sigmoid_mse as m

    w, b, x, y, z, a = m.w, m.b, m.x, m.y, m.z, m.a
    zz = w * x + b

    def sp_(arg):  # sigma'(arg), the true derivative of the explicit sigmoid
        return m.sigmoid_prime.subs(z, arg)

    s = m.sigmoid_explicit(z)
    e = sp.exp(-z)
    G = "mse_sigmoid.grad_w"
    Gb = "mse_sigmoid.grad_b"
    return [
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
               _times(2)),
        Mutant(G, "times_half", "off by a constant", "(a - y)^2 differentiated as (a - y): half the gradient",
               _times(sp.Rational(1, 2))),
        Mutant(G, "rel_1e_6", "relative 1e-6", "(1 + 1e-6) times the right gradient", _rel()),
        Mutant(G, "rel_1e_12", "relative 1e-12", "(1 + 1e-12) times the right gradient",
               _rel(sp.Rational(1, 10**12)),
               why="Below the float64 tolerances (see bce_sigmoid.dc_da.mut_rel_1e_12): the numeric "
                   "witnesses catch it only at points escalated to the mpmath referee (saturated or "
                   "huge z, where float64 loses the digits)."),
        Mutant(G, "saturated_zero_z_gt_5", "wrong in a region",
               "a saturated neuron (z > 5) taken to have zero gradient",
               lambda c: {"claimed": _only_where(zz > 5, sp.Integer(0), c.claimed[0])}),
        Mutant(G, "sigma_prime_of_wx", "wrong argument", "sigma' evaluated at w x, the bias left out",
               lambda c: {"claimed": (a - y) * sp_(w * x) * x}),
        Mutant(Gb, "drop_sigma_prime", "dropped factor", "sigma'(z) dropped: a - y",
               lambda c: {"claimed": a - y}),
        Mutant(Gb, "extra_x", "extra factor", "the weight gradient's x copied into the bias gradient",
               lambda c: {"claimed": c.claimed * x}),
        Mutant(Gb, "flipped_sign", "flipped sign", "(y - a) sigma'(z)", _neg()),
        Mutant(Gb, "times_2", "off by a constant", "2 (a - y) sigma'(z)", _times(2)),
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
               lambda c: {"claimed": _only_where(sp.Abs(z) > 36, sp.Integer(0), c.claimed[0])},
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
    ]


# --------------------------------------------------------------------------------------------
# Family: bce_sigmoid (Ko 2026, section 2)


def _bce_sigmoid() -> list:
    from derivations import bce_sigmoid as m

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
    return [
        Mutant(D, "swap_a_y", "swapped a and y", "-a/y + (1 - a)/(1 - y)",
               lambda c: {"claimed": -a / y + (1 - a) / (1 - y)}),
        Mutant(D, "flipped_sign", "flipped sign", "y/a - (1 - y)/(1 - a)", _neg()),
        Mutant(D, "dropped_inner_minus", "dropped factor",
               "d/da ln(1 - a) taken as 1/(1 - a): the chain rule's -1 dropped",
               lambda c: {"claimed": -y / a - (1 - y) / (1 - a)}),
        Mutant(D, "tie_only", "wrong only at ties",
               "right except at a = y, where (a - y)/(a - y) was cancelled to 1: 1/(a(1 - a))",
               lambda c: {"claimed": _only_where(sp.Eq(a, y), 1 / (a * (1 - a)), c.claimed[0])},
               why="Uniform sampling almost never draws a = y exactly; the sampler's tie regime, "
                   "the symbolic witness's all-equal exact points and the hypothesis edge search do."),
        Mutant(D, "edge_a_below_1e_8", "wrong only at the domain edge",
               "near a = 0 (a < 1e-8) the term (1 - y)/(1 - a) dropped as negligible",
               lambda c: {"claimed": _only_where(a < sp.Rational(1, 10**8), -y / a, c.claimed[0])},
               why="Wrong only for a < 1e-8: the symbolic witness's exact points (a >= 1/10) "
                   "never get there; the sampler's edge regime (a = 5e-324, 1e-300, 1e-16 above 0) "
                   "with y = 0 does."),
        Mutant(D, "abs_numerator", "wrong in a region", "|a - y|/(a(1 - a)): wrong wherever a < y",
               lambda c: {"claimed": sp.Abs(a - y) / (a * (1 - a))}),
        Mutant(D, "rel_1e_6", "relative 1e-6", "(1 + 1e-6) times the right derivative", _rel()),
        Mutant(D, "rel_1e_12", "relative 1e-12", "(1 + 1e-12) times the right derivative",
               _rel(sp.Rational(1, 10**12)),
               why="1e-12 is below the autodiff (1e-10) and complex-step (1e-11) tolerances: in float64 "
                   "every ordinary point agrees. It is caught exactly by the symbolic witness, and by "
                   "the numeric witnesses only at points float64 cannot decide (a next to 0 or 1, where "
                   "the values overflow), which go to the mpmath referee and its 1e-25 tolerance."),
        Mutant("bce_sigmoid.dc_da_combined", "dropped_1_minus_a", "dropped factor", "(a - y)/a",
               lambda c: {"claimed": (a - y) / a}),
        Mutant("bce_sigmoid.dc_da_combined", "times_half", "off by a constant", "(a - y)/(2a(1 - a))",
               _times(sp.Rational(1, 2))),
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
               lambda c: {"claimed": _row(*[mean(lambda i: A[i] - Y[i])] * 2)}),
        Mutant(GW, "swap_a_y", "swapped a and y", "(1/n) sum_x x_j (y - sigma(z))",
               lambda c: {"claimed": _row(*[mean(lambda i, j=j: X[i][j] * (Y[i] - A[i])) for j in range(2)])}),
        Mutant(GW, "wrong_input_index", "wrong index", "x_{i2} in the w_1 entry and x_{i1} in the w_2 entry",
               lambda c: {"claimed": _row(*[mean(lambda i, j=j: X[i][1 - j] * (A[i] - Y[i])) for j in range(2)])}),
        Mutant(GW, "wrong_sample_index", "wrong index", "the target of the next sample, y_{i+1}",
               lambda c: {"claimed": _row(*[mean(lambda i, j=j: X[i][j] * (A[i] - Y[(i + 1) % n]))
                                            for j in range(2)])}),
        Mutant(GW, "extra_sigma_prime", "extra factor", "sigma'(z) kept from the MSE gradient",
               lambda c: {"claimed": _row(*[mean(lambda i, j=j: X[i][j] * sp_(Z[i]) * (A[i] - Y[i]))
                                            for j in range(2)])}),
        Mutant(GW, "rel_1e_6", "relative 1e-6", "(1 + 1e-6) times the right gradient", _rel()),
        Mutant(GW, "saturated_one_z_gt_5", "wrong in a region", "sigma(z) taken as 1 where z > 5",
               lambda c: {"claimed": _row(*[mean(lambda i, j=j: X[i][j] * (
                   sp.Piecewise((1, Z[i] > 5), (A[i], True)) - Y[i])) for j in range(2)])}),
        Mutant(GW, "one_over_n_minus_1", "off by a constant", "1/(n - 1) for 1/n",
               _times(sp.Rational(n, n - 1))),
        Mutant(GB, "drop_1_over_n", "dropped factor", "sum_x (sigma(z) - y) without 1/n",
               lambda c: {"claimed": c.claimed * n}),
        Mutant(GB, "extra_x", "extra factor", "(1/n) sum_x x_1 (sigma(z) - y), the w_1 entry",
               lambda c: {"claimed": mean(lambda i: X[i][0] * (A[i] - Y[i]))}),
        Mutant(GB, "flipped_sign", "flipped sign", "(1/n) sum_x (y - sigma(z))", _neg()),
        Mutant(GB, "times_2", "off by a constant", "(2/n) sum_x (sigma(z) - y)", _times(2)),
        Mutant("bce_sigmoid.grad_w_chain", "drop_sigma_prime", "dropped factor",
               "the chain-rule line without sigma'(z)",
               lambda c: {"claimed": _row(*[-mean(lambda i, j=j: chain(i) * X[i][j]) for j in range(2)])}),
        Mutant("bce_sigmoid.grad_w_chain", "inner_sign", "flipped sign",
               "y/sigma + (1 - y)/(1 - sigma) in the chain-rule line",
               lambda c: {"claimed": _row(*[-mean(lambda i, j=j: (Y[i] / A[i] + (1 - Y[i]) / (1 - A[i]))
                                                  * sp_(Z[i]) * X[i][j]) for j in range(2)])}),
        Mutant("bce_sigmoid.grad_w_cancel", "one_plus_sigma", "flipped sign",
               "sigma'/(sigma(1 + sigma)) in the cancellation step",
               lambda c: {"claimed": _row(*[mean(lambda i, j=j: sp_(Z[i]) / (A[i] * (1 + A[i]))
                                                 * (A[i] - Y[i]) * X[i][j]) for j in range(2)])}),
        Mutant("bce_sigmoid.grad_b_chain", "dropped_minus", "flipped sign",
               "the chain-rule line without its leading minus", _neg()),
    ]


# --------------------------------------------------------------------------------------------
# Family: experiments (Ko 2026, sections 1-3, stated computations)


def _experiments() -> list:
    from derivations import experiments as ex

    def crit(k, **changes):
        """Replace fields of criterion ``k`` of the right claim."""
        return lambda c: {"criteria": tuple(dataclasses.replace(cr, **changes) if i == k else cr
                                            for i, cr in enumerate(c.criteria))}

    def q(k, **changes):
        """Replace fields of the left quantity of criterion ``k``."""
        return lambda c: crit(k, lhs=dataclasses.replace(c.criteria[k].lhs, **changes))(c)

    E = "experiments."
    return [
        Mutant(E + "toy_mse_saturated_stalls", "plunges", "flipped sign",
               "MSE from w = b = 2 loses more than 5% within 48 epochs (the slowdown missed)",
               crit(0, relation="<")),
        Mutant(E + "toy_ce_saturated_plunges", "mse_series", "wrong index",
               "the plunge read off the MSE curve from w = b = 2 instead of the CE curve",
               q(0, series="mse_22")),
        Mutant(E + "toy_ce_saturated_plunges", "one_dozen", "off by a constant",
               "'a few dozen epochs' read as one dozen: 90% of the CE cost from w = b = 2 gone by epoch 12",
               crit(0, rhs=ex.CHECK_EPOCH // 4)),
        Mutant(E + "toy_ce_saturated_is_not_slower", "mse_not_slower", "flipped sign",
               "saturation does not slow MSE either", crit(1, relation="<=")),
        Mutant(E + "toy_ce_tapers", "mse_tapers", "wrong index",
               "the taper claimed for the MSE curve from w = b = 2, which first speeds up",
               q(3, series="mse_22")),
        Mutant(E + "toy_mse_larger_error_slower", "faster", "flipped sign",
               "MSE: the larger error learns faster (the cross-entropy's property)",
               crit(0, relation=">")),
        Mutant(E + "toy_ce_larger_error_faster", "mse", "wrong index",
               "'the larger the error, the faster' claimed for MSE's first steps",
               lambda c: {"criteria": (dataclasses.replace(c.criteria[0], lhs=ex.drop("mse_22", 0),
                                                           rhs=ex.drop("mse_0609", 0)),)}),
        Mutant(E + "saturation_error_signal", "one_percent", "off by a constant",
               "the MSE signal under 1% of the CE signal for z >= 4 (sigma'(4) = 0.0177)",
               crit(0, rhs=sp.Rational(1, 100))),
        Mutant(E + "softmax_sweep_unique_max", "a2_vanishes", "wrong index",
               "a_2(10) < 1e-8: the runner-up taken for the last (a_2(10) ~ e^-10 ~ 4.5e-5)",
               q(2, series="unique_a2")),
        Mutant(E + "softmax_sweep_unique_max", "tighter", "off by a constant",
               "1 - a_3(10) < 1e-5: e^-10 ~ 4.5e-5 misjudged by a factor of ten",
               crit(1, rhs=1 - sp.Rational(1, 10**5))),
        Mutant(E + "softmax_sweep_tie_splits", "strictly_below", "wrong only at ties",
               "a_1(20) < 1/2 - 1e-12: the tie's share taken as visibly below 1/2",
               crit(0, relation="<")),
    ]


# --------------------------------------------------------------------------------------------
# Family: backprop (Ko 2026, section 2, BP1-BP4; network claims over any size)


def _backprop() -> list:
    from derivations import _network as nw
    from derivations import backprop as bp

    H, FM = sp.HadamardProduct, sp.FunctionMatrix
    j, k, xx, c = sp.symbols("j k x c", integer=True, nonnegative=True)
    N, A, A_prev, Y, Z = nw.N, nw.A, nw.A_prev, nw.Y, nw.Z
    Delta, Delta_next, W_next = nw.Delta, nw.Delta_next, nw.W_next
    P = "backprop."

    def rhs(e):
        return lambda c_: {"rhs": e}

    return [
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
               rhs(H(bp._DC_DA, A))),
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
    ]


# --------------------------------------------------------------------------------------------
# Families: softmax, softmax_nll (Ko 2026, sections 3-4), miranda (Miranda 2017); indexed claims
# for any number of classes K


def _softmax() -> list:
    from derivations import softmax as m

    z, j, k, K = m.z, m.j, m.k, m.K
    a = m.softmax
    d = sp.KroneckerDelta
    S = "softmax."

    def claimed(e):
        return lambda c: {"claimed": e}

    n_explicit = m.EXPLICIT_SIZES[0]
    zs, av, _ = m.jacobian_explicit(n_explicit)
    return [
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
        Mutant(S + "outputs_in_unit_interval", "at_most_uniform", "wrong in a region",
               "a_j <= 1/K: the uniform share taken as the largest (false wherever z_j is above the rest)",
               lambda c: {"lhs": [a(j)], "relation": "<=", "rhs": [1 / K]}),
        Mutant(S + "monotonicity", "all_increase", "flipped sign",
               "increasing z_j increases every a_k too", lambda c: {"relation": (">", ">")}),
        Mutant(S + "scaled_form", "swapped_difference", "wrong index",
               "a_j(c) = 1 / sum_i e^{c (z_j - z_i)}: the difference the wrong way round",
               lambda c: {"rhs": 1 / sp.Sum(sp.exp(m.c * (z[j] - z[m.i])), (m.i, 1, K))}),
        Mutant(S + "limit_strict_max", "one_over_k", "wrong value",
               "a strict maximum's share tends to 1/K", lambda c: {"value": sp.Rational(1, 3)}),
        Mutant(S + f"jacobian_matrix_k{n_explicit}", "dropped_outer", "dropped term",
               "da/dz = diag(a): the outer product a a^T left out",
               lambda c: {"claimed": sp.ImmutableMatrix(sp.diag(*av))}),
    ]


def _softmax_nll() -> list:
    from derivations import softmax_nll as m
    from derivations.softmax import K, softmax as a, z

    j, k, y, x = m.j, m.k, m.y, m.x
    d = sp.KroneckerDelta
    T = "softmax_nll."

    def claimed(e):
        return lambda c: {"claimed": e}

    gw = sp.ImmutableMatrix(m._EGW)
    return [
        Mutant(T + "grad_z", "swap_a_y", "swapped a and y", "dC_x/dz_j = y_j - a_j", claimed(d(j, y) - a(j))),
        Mutant(T + "grad_z", "drop_delta", "dropped Kronecker delta",
               "dC_x/dz_j = a_j: the one-hot y_j = delta_jy dropped", claimed(a(j))),
        Mutant(T + "grad_z", "rel_1e_6", "relative 1e-6", "(1 + 1e-6)(a_j - y_j)", _rel()),
        Mutant(T + "eq4", "drop_delta", "dropped Kronecker delta",
               "dC_x/da_k = -1/a_k for every k (only k = y is right)",
               claimed(-1 / m._a[k])),
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
               lambda c: {"claimed": sp.Sum(m.X[x, k] * (m._softmax_layer(j, x) - d(m.Y[1], j)), (x, 1, m.n)) / m.n}),
        Mutant(T + "grad_w_matrix", "transposed", "transposed matrix",
               "grad_W C = (1/n) sum_x a^(L-1) (a - y)^T, flattened row by row: the outer product transposed",
               lambda c: {"claimed": list(gw.T)},
               why="Transposed, the 2 x 3 matrix read row by row puts other entries in 4 of the 6 places: "
                   "every witness sees it."),
        Mutant(T + "value_001", "rounded_wrong", "wrong value", "-ln 0.01 = 4.606 (it is 4.60517...)",
               lambda c: {"quoted": "4.606"}),
    ]


def _miranda() -> list:
    from derivations import miranda as m

    f, k, y_i, p = m.f, m.k, m.y_i, m.p
    d = sp.KroneckerDelta
    R = "miranda."

    def claimed(e):
        return lambda c: {"claimed": e}

    return [
        Mutant(R + "dl_df", "plus_delta", "flipped sign", "dL_i/df_k = p_k + 1{k = y_i}", claimed(p(k) + d(k, y_i))),
        Mutant(R + "dp_df", "one_plus_p", "flipped sign", "dp_k/df_k = p_k (1 + p_k)", claimed(p(k) * (1 + p(k)))),
        Mutant(R + "dsigma", "whole_sum", "wrong term", "dSigma/df_k = Sigma", lambda c: {"claimed": m.Sigma}),
        Mutant(R + "dl_dp_true_class", "dropped_minus", "flipped sign", "dL_i/dp_{y_i} = 1/p_{y_i}",
               claimed(1 / m.P[y_i])),
        Mutant(R + "dp_df_factored", "plus", "flipped sign", "e^{f_k}(Sigma + e^{f_k}) / Sigma^2",
               claimed(sp.exp(f[k]) * (m.Sigma + sp.exp(f[k])) / m.Sigma**2)),
        Mutant(R + "quotient_rule", "plus", "flipped sign", "(f/g)' = (g f' + f g')/g^2",
               lambda c: {"claimed": m._QD + 2 * _quotient_second_term()}),
        Mutant(R + "combine_algebra", "one_minus_p", "flipped sign", "-(1/p)(p(1 - p)) = 1 - p",
               lambda c: {"rhs": 1 - m._pv}),
        Mutant(R + "loss_decreasing", "increasing", "flipped sign", "d(-log y)/dy > 0",
               lambda c: {"relation": ">"}),
        Mutant(R + "figure_cat", "rounded_up", "wrong value", "p_cat = 0.72", lambda c: {"quoted": "0.72"}),
    ]


def _quotient_second_term():
    r"""$f g'/g^2$ of Miranda's quotient-rule claim (the term whose sign a mutant flips)."""
    from derivations import miranda as m

    x, u, v, s_, t = sp.symbols("x u v s t", real=True)  # the symbols of miranda._quotient_rule
    fx, gx = u + v * x, s_ + t * x
    assert m._QX == x
    return fx * sp.diff(gx, x) / gx**2


FAMILY_MUTANTS: dict[str, Callable[[], list]] = {
    "sigmoid_mse": _sigmoid_mse,
    "bce_sigmoid": _bce_sigmoid,
    "experiments": _experiments,
    "backprop": _backprop,
    "softmax": _softmax,
    "softmax_nll": _softmax_nll,
    "miranda": _miranda,
}
"""Where the mutants are defined, by catalog module (a new catalog family adds one entry here).
A function may also define mutants of a sibling module's claims (``_experiments`` covers
``softmax_experiments``); a mutant's family is the module of the claim it breaks."""


def families() -> tuple:
    """The catalog's families (``derivations.CATALOG_MODULES``) in document order."""
    return tuple(derivations.CATALOG_MODULES)


def missing_families() -> list:
    """Catalog families that have no mutants yet."""
    index = _family_index()
    have = {index[m.original] for m in mutants() if m.original in index}
    return [f for f in families() if f not in have]


@functools.lru_cache(maxsize=None)
def _family_index() -> dict:
    out = {}
    for name in families():
        for c in importlib.import_module(f"derivations.{name}").CLAIMS:
            out[c.id] = name
    return out


def family_of(claim_id: str) -> str:
    """The catalog module that defines ``claim_id``."""
    try:
        return _family_index()[claim_id]
    except KeyError:
        raise KeyError(f"{claim_id!r} is in no catalog module of {families()}") from None


def mutants(family: str | None = None) -> list:
    """Every mutant of the catalog's families (or of one), in document order of the families."""
    out = []
    for name in families():
        if name in FAMILY_MUTANTS:
            out.extend(FAMILY_MUTANTS[name]())
    ids = [m.id for m in out]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ValueError(f"mutation suite: duplicate mutant ids {dup}")
    order = {f: i for i, f in enumerate(families())}
    index = _family_index()
    out.sort(key=lambda m: order.get(index.get(m.original), len(order)))
    return [m for m in out if family is None or index.get(m.original) == family]


def orphans() -> list:
    """Mutants whose right claim is no longer in the catalog (renamed or removed)."""
    index = _family_index()
    return [m for m in mutants() if m.original not in index]


# --------------------------------------------------------------------------------------------
# Running


@dataclass
class MutantRun:
    """One mutant: the combined verdict and each witness alone (by table column)."""

    mutant: Mutant
    family: str
    result: ClaimResult
    alone: dict
    seconds: float = 0.0

    @property
    def killed(self) -> bool:
        return self.result.verdict == "REFUTED"

    def caught(self, column: str) -> bool | None:
        """Did this witness alone catch the mutant? None if it does not apply."""
        w = self.alone.get(column)
        if w is None or w.status == NOT_APPLICABLE:
            return None
        return w.status in (FAIL, DISPROVED)

    @property
    def caught_by(self) -> list:
        return [c for c in COLUMNS if self.caught(c)]


def run_mutant(m: Mutant, *, seed: int = DEFAULT_SEED, points: int = MUTANT_POINTS,
               symbolic_seconds: float = SIMPLIFY_SECONDS, alone: bool = True) -> MutantRun:
    """The engine's combined verdict on the mutant and, with ``alone``, each witness alone.

    The symbolic witness does not use the sample, so its result inside :func:`verify` is its
    result alone.  The numeric witnesses inside :func:`verify` saw the symbolic counterexample
    too when there was one; then they are run again on the plain seeded sample.
    """
    t0 = time.monotonic()
    claim = m.claim()
    res = verify(claim, seed=seed, points=points, symbolic_seconds=symbolic_seconds)
    by_col: dict = {}
    if alone:
        for w in res.witnesses:
            by_col[_column(w.witness)] = w
        if "symbolic counterexample" in getattr(res, "sample_shares", {}):
            plain = sample(claim, points, seed)
            for name, fn in WITNESSES[claim.kind]:
                try:
                    by_col[_column(name)] = fn(claim, plain)
                except Exception as err:  # noqa: BLE001 - reported as the witness's status
                    by_col[_column(name)] = WitnessResult(name, "ERROR", detail=f"{type(err).__name__}: {err}")
    return MutantRun(m, family_of(m.original), res, by_col, time.monotonic() - t0)


def run_all(ms=None, *, seed: int = DEFAULT_SEED, points: int = MUTANT_POINTS,
            progress: Callable | None = None, alone: bool = True) -> list:
    ms = mutants() if ms is None else list(ms)
    out = []
    for i, m in enumerate(ms):
        out.append(run_mutant(m, seed=seed, points=points, alone=alone))
        if progress is not None:
            progress(i + 1, len(ms), out[-1])
    return out


# --------------------------------------------------------------------------------------------
# The table (pure render, thin writer)


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _mark(v) -> str:
    return "—" if v is None else ("✔" if v else "·")


def _rate(runs, column=None) -> str:
    if column is None:
        k, n = sum(r.killed for r in runs), len(runs)
    else:
        vals = [r.caught(column) for r in runs if r.caught(column) is not None]
        k, n = sum(vals), len(vals)
    return "—" if n == 0 else f"{k}/{n} ({100 * k / n:.0f}%)"


def _evidence(run: MutantRun, column: str) -> str:
    w = run.alone[column]
    ce = w.counterexample
    if ce is not None:
        where = ce.by_hand.replace("sample regime: ", "regime ") if ce.by_hand.startswith("sample regime") else ""
        return f"{column}: at {', '.join(f'{k}={v}' for k, v in ce.point.items()) or 'the claimed value'}" + (
            f" ({where})" if where else "")
    detail = (w.detail or "").strip()
    return f"{column}: {w.status}" + (f" ({detail[:120]})" if detail else "")


def _auto_why(run: MutantRun) -> str:
    """Why witnesses missed the mutant, read off their results (when no reason was written)."""
    parts = []
    for col in COLUMNS:
        if run.caught(col) is not False:
            continue
        w = run.alone[col]
        detail = w.detail or ""
        if col == "symbolic":
            if "did not finish" in detail or "time bound" in (w.method or ""):
                parts.append("symbolic: SymPy's time bound ran out before a proof or an exact "
                             "counterexample")
            else:
                parts.append("symbolic: no exact simple point refutes it (the mistake lies where "
                             "its small rational points do not reach)")
        elif "unchecked" in detail:
            parts.append(f"{col}: passed with points left unchecked (beyond the referee's reach "
                         "or budget) where float64 disagreed")
        else:
            parts.append(f"{col}: the seeded sample did not reach the points where it is wrong")
    return "(read off the results) " + "; ".join(parts) if parts else ""


def render_table(runs, *, seed: int, points: int, command: str, seconds: float | None = None,
                 edge=None, missing=()) -> str:
    """The mutation table as GitHub Markdown."""
    lines = ["# Mutation suite: does the checker catch plausible mistakes?", ""]
    lines.append(f"Generated by `{command}` (seed **{seed}**, **{points}** points per mutant, symbolic "
                 f"time bound {SIMPLIFY_SECONDS:g} s; Python {platform.python_version()}, SymPy "
                 f"{sp.__version__}"
                 + (f"; {seconds:.0f} s" if seconds is not None else "") + ").")
    lines.append("")
    lines.append(f"**{len(runs)} mutants**, each a wrong claim built from a catalog claim that holds "
                 "(`derivations`), by the operators of issue 6. *Combined* is the engine's verdict "
                 "(`checkers.verify`): killed means REFUTED. *Alone*: the symbolic witness by itself, and "
                 "each numeric witness on the plain seeded sample, without the exact counterexample the "
                 "symbolic witness hands to the numeric ones in the combined run. A witness that does "
                 "not apply to a claim's kind is not counted (—): gradients have autodiff and finite "
                 "differences; equalities and inequalities the sampling witness; limits the numeric "
                 "sequence; quoted values the high-precision value; experiments (training runs, "
                 "sweeps) a float64 run and a 50-digit run (high precision), and no symbolic witness.")
    lines.append("")
    if missing:
        lines.append(f"**Families of the catalog without mutants:** {', '.join(missing)}.")
        lines.append("")
    lines += ["## Kill rate per witness", "",
              "| family | mutants | " + " | ".join(f"{c} alone" for c in COLUMNS) + " | combined |",
              "|---|---:|" + "---:|" * (len(COLUMNS) + 1)]
    fams = list(dict.fromkeys(r.family for r in runs))
    for f in fams + ["**all**"]:
        rs = runs if f == "**all**" else [r for r in runs if r.family == f]
        lines.append(f"| {f} | {len(rs)} | " + " | ".join(_rate(rs, c) for c in COLUMNS)
                     + f" | {_rate(rs)} |")
    lines.append("")
    lines += ["## Mutants per operator", "", "| operator | what | mutants | killed |", "|---|---|---:|---:|"]
    for op, what in OPERATORS.items():
        rs = [r for r in runs if r.mutant.operator == op]
        if rs:
            lines.append(f"| {op} | {_cell(what)} | {len(rs)} | {sum(r.killed for r in rs)} |")
    lines.append("")
    survivors = [r for r in runs if not r.killed]
    if survivors:
        lines += ["## Not killed", "", "| mutant | combined verdict | why |", "|---|---|---|"]
        for r in survivors:
            lines.append(f"| `{r.mutant.id}` | {r.result.verdict} | {_cell(r.result.message)}; "
                         f"{_cell('; '.join(_evidence(r, c) for c in COLUMNS if r.caught(c) is not None))} |")
        lines.append("")
    single = [r for r in runs if len(r.caught_by) == 1]
    missed = [r for r in runs if r.killed and any(r.caught(c) is False for c in COLUMNS)]
    lines += ["## Caught by only one witness", ""]
    if not single:
        lines.append("None: every mutant was caught by at least two witnesses alone.")
    else:
        lines += ["| mutant | only | why | evidence |", "|---|---|---|---|"]
        for r in single:
            col = r.caught_by[0]
            why = r.mutant.why or _auto_why(r)
            ev = "; ".join([_evidence(r, col)] + [_evidence(r, c) for c in COLUMNS
                                                  if r.caught(c) is False])
            lines.append(f"| `{r.mutant.id}` | {col} | {_cell(why)} | {_cell(ev)} |")
    lines.append("")
    other_missed = [r for r in missed if len(r.caught_by) > 1]
    if other_missed:
        lines += ["## Missed by some witness alone (but caught by two or more)", "",
                  "| mutant | caught by | missed by | why |", "|---|---|---|---|"]
        for r in other_missed:
            miss = [c for c in COLUMNS if r.caught(c) is False]
            lines.append(f"| `{r.mutant.id}` | {', '.join(r.caught_by)} | "
                         f"{_cell('; '.join(_evidence(r, c) for c in miss))} | "
                         f"{_cell(r.mutant.why or _auto_why(r))} |")
        lines.append("")
    if edge:
        lines += ["## Hypothesis edge search", "",
                  "`checkers.edge_search.search` (hypothesis, fixed seed, shrinking on) against the "
                  "mutants that are wrong only on part of the domain; *uniform* is a uniform sample of "
                  "the same size over the domain (unbounded variables in [-10, 10]) checked by the "
                  "autodiff / sampling witness.", "",
                  "| mutant | examples | found (shrunk) | point's regime | uniform sample |",
                  "|---|---:|---|---|---|"]
        for e in edge:
            found = ", ".join(f"{k}={v}" for k, v in e["found"].items()) if e["found"] else "nothing"
            lines.append(f"| `{e['id']}` | {e['examples']} | {_cell(found)} | {e['regime']} | "
                         f"{e['uniform']} |")
        lines.append("")
    lines += ["## Every mutant", "",
              "| mutant | right claim | operator | mistake | " + " | ".join(COLUMNS) + " | combined | s |",
              "|---|---|---|---|" + ":-:|" * len(COLUMNS) + "---|---:|"]
    for r in runs:
        m = r.mutant
        lines.append(f"| `{m.id}` | `{m.original}` | {m.operator} | {_cell(m.mistake)} | "
                     + " | ".join(_mark(r.caught(c)) for c in COLUMNS)
                     + f" | {r.result.verdict} | {r.seconds:.1f} |")
    lines += ["", "✔ caught (FAIL / DISPROVED), · missed (PASS / UNDECIDED / ERROR), — not applicable.", ""]
    return "\n".join(lines)


def write_table(path, text: str) -> pathlib.Path:
    p = pathlib.Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def _edge_rows(runs, seed: int, points: int) -> list:
    from .edge_search import search_against_uniform

    rows = []
    for r in runs:
        if r.mutant.operator in ("wrong only at ties", "wrong only at the domain edge", "wrong in a region") \
                and r.result.claim.kind in ("gradient", "equality", "inequality"):
            rows.append(search_against_uniform(r.mutant.claim(), seed=seed, uniform_points=points))
    return rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m checkers.mutation",
                                description="Run the mutation suite and write the per-witness table.")
    p.add_argument("--out", default="reports/mutation-table.md", help="Markdown file to write")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--points", type=int, default=MUTANT_POINTS)
    p.add_argument("--only", nargs="*", default=None, help="mutant id prefixes")
    p.add_argument("--no-edge-search", action="store_true", help="skip the hypothesis section")
    args = p.parse_args(argv)
    if args.points < 1:
        p.error("--points must be at least 1")
    ms = mutants()
    if args.only:
        ms = [m for m in ms if any(m.id.startswith(o) for o in args.only)]
        if not ms:
            print(f"mutation: no mutant id starts with {args.only}", file=sys.stderr)
            return 2
    t0 = time.monotonic()

    def progress(i, n, r):
        print(f"[{i}/{n}] {r.result.verdict:<9} {r.mutant.id}  caught alone by: "
              f"{', '.join(r.caught_by) or 'none'}  ({r.seconds:.1f} s)", flush=True)

    runs = run_all(ms, seed=args.seed, points=args.points, progress=progress)
    edge = None if args.no_edge_search else _edge_rows(runs, args.seed, args.points)
    cmd = "python -m checkers.mutation --out " + args.out + (
        f" --seed {args.seed}" if args.seed != DEFAULT_SEED else "") + (
        f" --points {args.points}" if args.points != MUTANT_POINTS else "") + (
        " --only " + " ".join(args.only) if args.only else "")
    text = render_table(runs, seed=args.seed, points=args.points, command=cmd,
                        seconds=time.monotonic() - t0, edge=edge, missing=missing_families())
    path = write_table(args.out, text)
    killed = sum(r.killed for r in runs)
    print(f"killed {killed}/{len(runs)} mutants; wrote {path}")
    return 0 if killed == len(runs) else 1


_ = dataclasses

if __name__ == "__main__":
    sys.exit(main())
