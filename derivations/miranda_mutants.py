r"""Mutants of :mod:`derivations.miranda` (Miranda 2017: softmax and the negative log-likelihood).

Each is a :class:`~derivations.mutant.Mutant`: a plausible mistake that turns a claim of the
module into a wrong one.  Data only; ``checkers.mutation`` runs them.
"""

from __future__ import annotations

import sympy as sp

from . import miranda as m
from .mutant import Mutant

__all__ = ["MUTANTS"]

f, k, y_i, p = m.f, m.k, m.y_i, m.p
d = sp.KroneckerDelta
R = "miranda."


def claimed(e):
    return lambda c: {"claimed": e}


def _quotient_second_term():
    r"""$f g'/g^2$ of Miranda's quotient-rule claim (the term whose sign a mutant flips)."""
    x, u, v, s_, t = sp.symbols("x u v s t", real=True)  # the symbols of miranda._quotient_rule
    fx, gx = u + v * x, s_ + t * x
    assert m.QX == x
    return fx * sp.diff(gx, x) / gx**2


MUTANTS = (
    Mutant(R + "dl_df", "plus_delta", "flipped sign", "dL_i/df_k = p_k + 1{k = y_i}", claimed(p(k) + d(k, y_i))),
    Mutant(R + "dp_df", "one_plus_p", "flipped sign", "dp_k/df_k = p_k (1 + p_k)", claimed(p(k) * (1 + p(k)))),
    Mutant(R + "dsigma", "whole_sum", "wrong term", "dSigma/df_k = Sigma", lambda c: {"claimed": m.Sigma}),
    Mutant(R + "dl_dp", "dropped_minus", "flipped sign", "dL_i/dp_k = 1{k = y_i}/p_{y_i}",
           claimed(d(k, y_i) / m.P[y_i])),
    Mutant(R + "dp_df_factored", "plus", "flipped sign", "e^{f_k}(Sigma + e^{f_k}) / Sigma^2",
           claimed(sp.exp(f[k]) * (m.Sigma + sp.exp(f[k])) / m.Sigma**2)),
    Mutant(R + "quotient_rule", "plus", "flipped sign", "(f/g)' = (g f' + f g')/g^2",
           lambda c: {"claimed": m.QD + 2 * _quotient_second_term()}),
    Mutant(R + "combine_algebra", "one_minus_p", "flipped sign", "-(1/p)(p(1 - p)) = 1 - p",
           lambda c: {"rhs": 1 - m.pv}),
    Mutant(R + "loss_decreasing", "increasing", "flipped sign", "d(-log y)/dy > 0",
           lambda c: {"relation": ">"}),
    Mutant(R + "figure_cat", "rounded_up", "wrong value", "p_cat = 0.72", lambda c: {"quoted": "0.72"}),
)
