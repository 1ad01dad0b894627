r"""Mutants of :mod:`derivations.experiments` (Ko 2026, sections 1-3: the stated computations (the toy's training runs, the error signal,
the softmax temperature sweep; the last three mutants break claims of the family
``softmax_experiments``)).

Each is a :class:`~derivations.mutant.Mutant`: a plausible mistake that turns a claim of the
module into a wrong one.  Data only; ``checkers.mutation`` runs them.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from . import experiments as ex
from .mutant import Mutant

__all__ = ["MUTANTS"]


def crit(k, **changes):
    """Replace fields of criterion ``k`` of the right claim."""
    return lambda c: {"criteria": tuple(dataclasses.replace(cr, **changes) if i == k else cr
                                        for i, cr in enumerate(c.criteria))}


def q(k, **changes):
    """Replace fields of the left quantity of criterion ``k``."""
    return lambda c: crit(k, lhs=dataclasses.replace(c.criteria[k].lhs, **changes))(c)


E = "experiments."

MUTANTS = (
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
)
