r"""Ko 2026, section 1: one sigmoid neuron with the quadratic (MSE) cost, and the slowdown.

The neuron: $z = wx + b$, $a = \sigma(z) = 1/(1+e^{-z})$, cost $C_x = \tfrac12 (a - y)^2$.
The chain rule gives
$$\frac{\partial C_x}{\partial w} = (a - y)\,\sigma'(z)\,x, \qquad
  \frac{\partial C_x}{\partial b} = (a - y)\,\sigma'(z),$$
and the sigmoid's derivative is
$\sigma'(z) = e^{-z}/(1+e^{-z})^2 = (1 + e^{-z} - 1)/(1+e^{-z})^2 = \sigma(z)(1-\sigma(z))$.
The numbers quoted for $z = 0$ and $z = 4$ show how flat the sigmoid is once saturated:
$\sigma'(z) \to 0$ as $|z| \to \infty$, so the gradient vanishes even when $a - y$ does not.

Here $\sigma'$ always means the true derivative of $\sigma$ (``sympy.diff``), never an
identity the document derives, so each claim stands on its own.
"""

from __future__ import annotations

import sympy as sp

from .claims import (EqualityClaim, GradientClaim, InequalityClaim, LimitClaim, ValueClaim,
                     integers, real_line)
from .functions import sigmoid, sigmoid_explicit
from .sources import ko

__all__ = ["w", "b", "x", "y", "z", "a", "cost", "sigmoid_prime", "grad_w", "grad_b", "CLAIMS"]

w, b, x, z = sp.symbols("w b x z", real=True)
y = sp.Symbol("y", real=True)

a = sigmoid(w * x + b)
cost = sp.Rational(1, 2) * (a - y) ** 2
sigmoid_prime = sp.diff(sigmoid_explicit(z), z)
"""$\\sigma'(z)$, the derivative of the explicit $1/(1+e^{-z})$."""


_Z3 = sp.symbols("z_1:4", real=True)


def _sp(arg):
    """$\\sigma'$ at ``arg``: the true derivative, evaluated."""
    return sigmoid_prime.subs(z, arg)


grad_w = (a - y) * _sp(w * x + b) * x
grad_b = (a - y) * _sp(w * x + b)

_S1 = ko(1)
_NEURON = {w: real_line(), b: real_line(), x: real_line(), y: integers(0, 1)}

CLAIMS = (
    GradientClaim(
        id="mse_sigmoid.grad_w",
        title="MSE + sigmoid: weight gradient",
        source=_S1,
        statement=r"\frac{\partial C_x}{\partial w} = (a - y)\,\sigma'(z)\,x,\quad C_x = \tfrac12 (a-y)^2,\ a = \sigma(wx+b)",
        cost=cost, wrt=w, claimed=grad_w, domain=_NEURON,
    ),
    GradientClaim(
        id="mse_sigmoid.grad_b",
        title="MSE + sigmoid: bias gradient",
        source=_S1,
        statement=r"\frac{\partial C_x}{\partial b} = (a - y)\,\sigma'(z)",
        cost=cost, wrt=b, claimed=grad_b, domain=_NEURON,
    ),
    GradientClaim(
        id="sigmoid.derivative_exp",
        title="Derivative of the sigmoid, exponential form",
        source=_S1,
        statement=r"\sigma'(z) = \frac{e^{-z}}{(1 + e^{-z})^2},\quad \sigma(z) = \frac{1}{1+e^{-z}}",
        cost=sigmoid_explicit(z), wrt=z, claimed=sp.exp(-z) / (1 + sp.exp(-z)) ** 2,
        domain={z: real_line()},
    ),
    EqualityClaim(
        id="sigmoid.derivative_add_subtract",
        title="Derivative of the sigmoid: the add-and-subtract-one step",
        source=_S1,
        statement=r"\frac{e^{-z}}{(1 + e^{-z})^2} = \frac{1 + e^{-z} - 1}{(1 + e^{-z})^2}",
        lhs=sp.exp(-z) / (1 + sp.exp(-z)) ** 2,
        rhs=sp.Add(1, sp.exp(-z), -1, evaluate=False) / (1 + sp.exp(-z)) ** 2,
        domain={z: real_line()},
    ),
    GradientClaim(
        id="sigmoid.derivative_logistic",
        title="Derivative of the sigmoid is sigma(1 - sigma)",
        source=_S1,
        statement=r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))",
        cost=sigmoid_explicit(z), wrt=z,
        claimed=sigmoid_explicit(z) * (1 - sigmoid_explicit(z)),
        domain={z: real_line()},
    ),
    ValueClaim(
        id="sigmoid.value_at_0",
        title="sigma(0) = 0.5 at the centred initialization",
        source=_S1, statement=r"\sigma(0) = 0.5",
        expr=sigmoid_explicit(sp.Integer(0)), quoted="0.5", exact=True,
    ),
    ValueClaim(
        id="sigmoid.prime_at_0",
        title="sigma'(0) = 0.25 at the centred initialization",
        source=_S1, statement=r"\sigma'(0) = 0.25",
        expr=_sp(sp.Integer(0)), quoted="0.25", exact=True,
    ),
    ValueClaim(
        id="sigmoid.z_init_saturated",
        title="w = b = 2 gives z = 4 (input x = 1 of the toy)",
        source=_S1, statement=r"w_{\text{init}} = b_{\text{init}} = 2,\ x = 1 \Rightarrow z_{\text{init}} = 4",
        expr=sp.Integer(2) * 1 + 2, quoted="4", exact=True,
        note="Section 1 states w_init = b_init = 2 and z_init = 4 but never the input: "
             "z = w x + b = 4 needs x = 1, the input of the toy that section 2 states ('Revisit "
             "the toy example'); for any other x the quoted z is not 4.",
    ),
    ValueClaim(
        id="sigmoid.value_at_4",
        title="sigma(4) is about 0.982",
        source=_S1, statement=r"\sigma(4) \approx 0.982",
        expr=sigmoid_explicit(sp.Integer(4)), quoted="0.982",
    ),
    ValueClaim(
        id="sigmoid.prime_at_4",
        title="sigma'(4) is about 0.0177",
        source=_S1, statement=r"\sigma'(4) \approx 0.0177",
        expr=_sp(sp.Integer(4)), quoted="0.0177",
    ),
    LimitClaim(
        id="sigmoid.prime_vanishes_high",
        title="The sigmoid is flat when saturated near 1",
        source=_S1, statement=r"\lim_{z \to +\infty} \sigma'(z) = 0",
        expr=sigmoid_prime, var=z, point=sp.oo, value=0, domain={z: real_line()},
    ),
    LimitClaim(
        id="sigmoid.prime_vanishes_low",
        title="The sigmoid is flat when saturated near 0",
        source=_S1, statement=r"\lim_{z \to -\infty} \sigma'(z) = 0",
        expr=sigmoid_prime, var=z, point=-sp.oo, value=0, domain={z: real_line()},
    ),
    InequalityClaim(
        id="sigmoid.prime_at_most_quarter",
        title="Each sigma' factor is at most 1/4",
        source=_S1, statement=r"\sigma'(z) \le \tfrac14 \text{ for every } z",
        lhs=sigmoid_prime, relation="<=", rhs=sp.Rational(1, 4), domain={z: real_line()},
        note="The bound behind 'the small factors can compound': sigma'(z) = sigma(1 - sigma) <= 1/4, "
             "with equality only at z = 0 (sigma = 1/2).",
    ),
    InequalityClaim(
        id="sigmoid.small_factors_compound",
        title="'The small factors can compound': L sigmoid layers scale the error by at most 4^-L",
        source=_S1,
        statement=r"\sigma'(z_1)\,\sigma'(z_2)\,\sigma'(z_3) \le 4^{-3} \quad (L = 3 \text{ layers})",
        lhs=sigmoid_prime.subs(z, _Z3[0]) * sigmoid_prime.subs(z, _Z3[1]) * sigmoid_prime.subs(z, _Z3[2]),
        relation="<=", rhs=sp.Rational(1, 64), domain={v: real_line() for v in _Z3},
        note="The sentence, made checkable: pushed back through L sigmoid layers the error signal "
             "picks up one sigma'(z_l) <= 1/4 per layer (sigmoid.prime_at_most_quarter), so their "
             "product is at most 4^-L; here L = 3 (1/64), with the weights' own factors left out "
             "(they can offset it: the sentence says 'can').",
    ),
    GradientClaim(
        id="mse_sigmoid.output_error",
        title="Output error of one neuron: delta = dC/da * sigma'(z)",
        source=_S1,
        statement=r"\delta^L = \frac{\partial C}{\partial z^L} = \nabla_{a^L} C \odot \sigma'(z^L)",
        cost=sp.Rational(1, 2) * (sigmoid(z) - y) ** 2, wrt=z,
        claimed=(sigmoid(z) - y) * _sp(z),
        domain={z: real_line(), y: integers(0, 1)},
        note="One output neuron with the MSE cost: the gradient of C with respect to a is a - y.",
    ),
    LimitClaim(
        id="mse_sigmoid.slowdown",
        title="Saturated and wrong: the MSE gradient vanishes although a - y tends to 1",
        source=_S1,
        statement=r"y = 0:\ \lim_{z \to \infty} (a - y)\,\sigma'(z) = 0 \text{ while } \lim_{z\to\infty} (a - y) = 1",
        expr=(sigmoid(z) - 0) * _sp(z), var=z, point=sp.oo, value=0,
        domain={z: real_line()},
        note="The error signal delta = (a - y) sigma'(z) of a neuron saturated at the wrong answer "
             "(y = 0, a -> 1) tends to 0: the origin of the slowdown.",
    ),
)
