r"""Opaque SymPy functions whose only rule is their derivative.

``sigmoid`` is the logistic function $\sigma(z) = 1/(1 + e^{-z})$, kept unevaluated so that
derivations read as the documents write them and proofs stay fast: its derivative rule is
$\sigma'(z) = \sigma(z)(1 - \sigma(z))$ (Ko 2026, section 1), and
``sigmoid(z).rewrite(sympy.exp)`` gives the explicit form.  The checkers evaluate it with a
numerically stable implementation (``jax.nn.sigmoid``; mpmath at high precision).

Using the derivative rule inside a proof assumes the identity
$\sigma' = \sigma(1-\sigma)$; that identity is itself a catalog claim
(``sigmoid.derivative_logistic``), proved from the explicit form.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["sigmoid", "sigmoid_explicit"]


class sigmoid(sp.Function):
    r"""$\sigma(z) = \dfrac{1}{1 + e^{-z}}$, with $\sigma' = \sigma(1 - \sigma)$."""

    nargs = 1

    @classmethod
    def eval(cls, z):
        if z is sp.S.Zero:
            return sp.S.Half
        if z is sp.S.Infinity:
            return sp.S.One
        if z is sp.S.NegativeInfinity:
            return sp.S.Zero

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return 1 / (1 + sp.exp(-z))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        if self.args[0].is_real:
            return True

    def _eval_evalf(self, prec):
        return (1 / (1 + sp.exp(-self.args[0])))._eval_evalf(prec)

    def _latex(self, printer, exp=None):
        s = r"\sigma\left(" + printer._print(self.args[0]) + r"\right)"
        return s if exp is None else s + "^{" + exp + "}"


def sigmoid_explicit(z):
    r"""$1/(1 + e^{-z})$ written out, as in the document's definition."""
    return 1 / (1 + sp.exp(-z))
