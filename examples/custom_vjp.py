r"""A fused sigmoid + binary cross-entropy with a custom VJP, checked against its derivation.

The loss of one logit $z$ with target $y \in [0, 1]$ is
$$C(z) = -[y \ln \sigma(z) + (1 - y)\ln(1 - \sigma(z))] = \operatorname{softplus}(z) - y z,$$
evaluated stably as ``optax.sigmoid_binary_cross_entropy`` does
($\ln(1 - \sigma(z)) = \ln\sigma(-z)$).  Its derivative is $C'(z) = \sigma(z) - y$ (Ko 2026,
section 2: the $\sigma'$ factor cancels).  A classic slip in a hand-written backward pass is to
return $\partial C/\partial a = (a - y)/(a(1 - a))$, the derivative with respect to the
activation, instead.  The forward pass is the same in both, so only the gradient can tell them
apart: ``verify_implementation`` checks ``jax.grad`` -- which runs the custom backward pass --
against the claim, including saturated logits.

Run:  python examples/custom_vjp.py
"""

import jax
import sympy as sp

import checkers  # noqa: F401  (float64 on before any array)
from checkers.implementation import verify_implementation
from derivations import closed_interval, real_line, sigmoid
from derivations.build import gradient_claim

z, y = sp.symbols("z y", real=True)
bce = gradient_claim(
    "example.bce_logit", -(y * sp.log(sigmoid(z)) + (1 - y) * sp.log(1 - sigmoid(z))), z,
    sigmoid(z) - y, domain={z: real_line(), y: closed_interval(0, 1)})


def make_loss(backward):
    @jax.custom_vjp
    def loss(z, y):
        return -y * jax.nn.log_sigmoid(z) - (1 - y) * jax.nn.log_sigmoid(-z)

    def fwd(z, y):
        return loss(z, y), (z, y)

    def bwd(res, g):
        z, y = res
        return g * backward(z, y), -g * z      # d/dy of softplus(z) - y z is -z

    loss.defvjp(fwd, bwd)
    return loss


def right(z, y):
    return jax.nn.sigmoid(z) - y                # dC/dz


def wrong(z, y):
    a = jax.nn.sigmoid(z)
    return (a - y) / (a * (1 - a))              # dC/da: the wrong variable


fused_bce = make_loss(right)
fused_bce_wrong = make_loss(wrong)

if __name__ == "__main__":
    print(verify_implementation(fused_bce, bce, name="fused_bce"))
    print()
    print(verify_implementation(fused_bce_wrong, bce, name="fused_bce_wrong"))
