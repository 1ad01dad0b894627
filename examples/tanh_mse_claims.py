r"""A claims file for ``gradproof check``: one tanh neuron with the squared error.

$a = \tanh(z)$, $z = w x + b$, $C = \tfrac12 (a - y)^2$, and the hand-derived gradient
$$\frac{\partial C}{\partial w} = (a - y)(1 - a^2)\,x, \qquad
  \frac{\partial C}{\partial b} = (a - y)(1 - a^2),$$
from $\tanh'(z) = 1 - \tanh^2 z$ and the chain rule.  The file also lists two implementations
of the cost: a plain JAX function (``jax.grad`` differentiates it) and one with a
``jax.custom_vjp`` whose backward pass is the derivation above.

Run:  gradproof check examples/tanh_mse_claims.py          (exit status 0: everything holds)
"""

import jax
import jax.numpy as jnp
import sympy as sp

from checkers.implementation import Implementation
from derivations import real_line
from derivations.build import gradient_claim

w, b, x, y, u = sp.symbols("w b x y u", real=True)
a = sp.tanh(w * x + b)
cost = (a - y) ** 2 / 2
D = {w: real_line(), b: real_line(), x: real_line(), y: real_line()}

tanh_prime = gradient_claim("tanh_mse.tanh_prime", sp.tanh(u), u, 1 - sp.tanh(u) ** 2,
                            domain={u: real_line()})
grad_w = gradient_claim("tanh_mse.grad_w", cost, w, (a - y) * (1 - a**2) * x, domain=D)
grad_b = gradient_claim("tanh_mse.grad_b", cost, b, (a - y) * (1 - a**2), domain=D)
grad_wb = gradient_claim("tanh_mse.grad_wb", cost, (w, b),
                         ((a - y) * (1 - a**2) * x, (a - y) * (1 - a**2)), domain=D)


def tanh_mse(w, b, x, y):
    """The cost in JAX; jax.grad differentiates it."""
    return (jnp.tanh(w * x + b) - y) ** 2 / 2


@jax.custom_vjp
def tanh_mse_vjp(w, b, x, y):
    """The same cost with a hand-written backward pass (the derivation above)."""
    return (jnp.tanh(w * x + b) - y) ** 2 / 2


def _fwd(w, b, x, y):
    t = jnp.tanh(w * x + b)
    return (t - y) ** 2 / 2, (t, w, x, y)


def _bwd(res, g):
    t, w, x, y = res
    delta = (t - y) * (1 - t**2)               # dC/dz
    return g * delta * x, g * delta, g * delta * w, -g * (t - y)


tanh_mse_vjp.defvjp(_fwd, _bwd)

CLAIMS = [
    tanh_prime,
    grad_w,
    grad_b,
    grad_wb,
    Implementation(tanh_mse, grad_wb),
    Implementation(tanh_mse_vjp, grad_wb),
]
