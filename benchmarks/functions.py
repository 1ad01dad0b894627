r"""The functions under test, written as plain JAX and PyTorch code, with their hand-written
gradients and the mutants every tool is asked to detect.

Softmax + NLL (Ko 2026, section 4; Miranda 2017, "Derivative of the softmax")
    $L(z) = -\ln a_y = \ln\sum_k e^{z_k} - z_y$, $a = \operatorname{softmax}(z)$,
    hand-derived gradient $\nabla_z L = a - e_y$.

MLP backprop (Ko 2026, section 2, BP1-BP4)
    sigmoid layers $a^l = \sigma(W^l a^{l-1} + b^l)$, the multi-output cross-entropy
    $C = \frac1B \sum_{\text{batch}} \sum_j [\operatorname{softplus}(z^L_j) - y_j z^L_j]$
    (the same as $-\sum_j [y_j \ln a^L_j + (1-y_j)\ln(1-a^L_j)]$), and the backprop gradient
    BP1 $\delta^L = (a^L - y)/B$, BP2 $\delta^l = (W^{l+1\,T}\delta^{l+1}) \odot \sigma'(z^l)$,
    BP3 $\nabla_{b^l} C = \sum_{\text{batch}} \delta^l$, BP4 $\nabla_{W^l} C = \delta^l a^{l-1\,T}$.
    Parameters are one flat float64 vector $\theta$ (every tool sees one input).

Mutants (gradients a user could plausibly have derived):

* ``scale``  -- the gradient times $(1 + 10^{-6})$ (both functions);
* ``delta``  -- softmax + NLL with the Kronecker delta dropped, $\nabla L = a$: one entry (the
  label's) off by exactly 1, the other $K-1$ entries right;
* ``entry``  -- softmax + NLL with one non-label entry, $k = (y+1) \bmod K$, 1% too large
  (the single-entry error that one random direction dilutes at large $K$);
* ``sigma``  -- the MLP with $\sigma'(z^l)$ dropped from BP2 in every hidden layer.

Every implementation counts its own calls (``counter.f``: loss evaluations, ``counter.g``:
gradient evaluations), so each tool's cost can be stated in function evaluations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["SOFTMAX_KS", "MLP_SIZES", "SOFTMAX_MUTANTS", "MLP_MUTANTS", "Counter",
           "softmax_point", "mlp_point", "mlp_param_count", "jax_softmax_nll", "torch_softmax_nll",
           "jax_mlp", "torch_mlp", "softmax_grad_np", "mlp_grad_np", "mlp_loss_np",
           "softmax_loss_np", "ENTRY_FACTOR", "SCALE"]

SOFTMAX_KS = (10, 100, 1000, 10000)
# Layer sizes (input, hidden, hidden, output): about 1e3, 1e4 and 1e5 parameters.
MLP_SIZES = ((20, 30, 10, 5), (64, 96, 32, 10), (784, 120, 32, 10))
MLP_BATCH = 8
SCALE = 1 + 1e-6
ENTRY_FACTOR = 1.01
SOFTMAX_MUTANTS = ("scale", "delta", "entry")
MLP_MUTANTS = ("scale", "sigma")


class Counter:
    """Loss (``f``) and gradient (``g``) evaluations of one implementation."""

    def __init__(self):
        self.f = 0
        self.g = 0

    def reset(self):
        self.f = self.g = 0

    def as_dict(self):
        return {"f_evals": self.f, "grad_evals": self.g}


# ---------------------------------------------------------------- points
def softmax_point(K: int, seed: int = 0):
    r"""Logits $z \sim \mathcal N(0, 1)^K$ and the label $y = \lfloor K/3 \rfloor$ (seeded)."""
    rng = np.random.default_rng([seed, K])
    return rng.normal(0.0, 1.0, size=K), K // 3


def mlp_param_count(sizes) -> int:
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def mlp_point(sizes, seed: int = 0, batch: int = MLP_BATCH):
    """Flat parameters (Glorot-scaled normal), a batch of inputs and 0/1 targets (seeded)."""
    rng = np.random.default_rng([seed, *sizes])
    parts = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        parts.append(rng.normal(0, math.sqrt(2.0 / (a + b)), size=(b, a)).ravel())
        parts.append(rng.normal(0, 0.1, size=b))
    theta = np.concatenate(parts)
    X = rng.normal(0, 1, size=(batch, sizes[0]))
    Y = (rng.random((batch, sizes[-1])) < 0.5).astype(np.float64)
    return theta, X, Y


def _unflatten(theta, sizes):
    out, i = [], 0
    for a, b in zip(sizes[:-1], sizes[1:]):
        W = theta[i:i + a * b].reshape(b, a)
        i += a * b
        bb = theta[i:i + b]
        i += b
        out.append((W, bb))
    return out


# ---------------------------------------------------------------- array-generic kernels
@dataclass(frozen=True)
class _Ops:
    sigmoid: object
    softplus: object
    logsumexp: object
    softmax: object
    concat: object


def _softmax_loss(ops, z, y):
    return ops.logsumexp(z) - z[y]


def _mlp_forward(ops, theta, X, Y, sizes):
    a, zs, acts = X, [], [X]
    for W, b in _unflatten(theta, sizes):
        z = a @ W.T + b
        a = ops.sigmoid(z)
        zs.append(z)
        acts.append(a)
    zL = zs[-1]
    cost = (ops.softplus(zL) - Y * zL).sum() / X.shape[0]
    return cost, zs, acts


def _mlp_grad(ops, theta, X, Y, sizes, mutant):
    _, zs, acts = _mlp_forward(ops, theta, X, Y, sizes)
    layers = _unflatten(theta, sizes)
    delta = (acts[-1] - Y) / X.shape[0]                      # BP1 (cross-entropy, sigmoid output)
    grads = []
    for l in range(len(layers) - 1, -1, -1):
        W, _ = layers[l]
        gW = delta.T @ acts[l]                               # BP4
        gb = delta.sum(0)                                    # BP3
        grads = [gW.reshape(-1), gb] + grads
        if l > 0:
            back = delta @ W                                 # W^{l+1 T} delta^{l+1}
            if mutant == "sigma":
                delta = back                                 # mutant: sigma'(z^l) dropped
            else:
                s = acts[l]
                delta = back * s * (1 - s)                   # BP2
    g = ops.concat(grads)
    return g * SCALE if mutant == "scale" else g


# ---------------------------------------------------------------- NumPy (reference)
def _np_softplus(u):
    return np.where(u > 0, u + np.log1p(np.exp(-np.abs(u))), np.log1p(np.exp(np.minimum(u, 0))))


def _np_sigmoid(u):
    e = np.exp(-np.abs(u))
    return np.where(u >= 0, 1 / (1 + e), e / (1 + e))


def _np_lse(z):
    m = np.max(z)
    return m + np.log(np.sum(np.exp(z - m)))


def _np_softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


NP = _Ops(_np_sigmoid, _np_softplus, _np_lse, _np_softmax, np.concatenate)


def softmax_loss_np(z, y):
    return float(_softmax_loss(NP, z, y))


def softmax_grad_np(z, y, mutant=None):
    """$a - e_y$ and its mutants, in NumPy."""
    a = _np_softmax(z)
    if mutant == "delta":
        return a
    g = a.copy()
    g[y] -= 1.0
    if mutant == "entry":
        g[(y + 1) % len(z)] *= ENTRY_FACTOR
    return g * SCALE if mutant == "scale" else g


def mlp_loss_np(theta, X, Y, sizes):
    return float(_mlp_forward(NP, theta, X, Y, sizes)[0])


def mlp_grad_np(theta, X, Y, sizes, mutant=None):
    return _mlp_grad(NP, theta, X, Y, sizes, mutant)


# ---------------------------------------------------------------- JAX (custom_jvp)
def _jax_ops():
    import jax
    import jax.numpy as jnp

    return _Ops(jax.nn.sigmoid, jax.nn.softplus, jax.nn.logsumexp, jax.nn.softmax, jnp.concatenate)


def jax_softmax_nll(K: int, y: int, mutant: str | None = None, counter: Counter | None = None):
    r"""$L(z)$ as a ``jax.custom_jvp`` whose derivative rule is the hand-written gradient
    ($\dot L = \langle g(z), \dot z\rangle$); reverse mode transposes the same rule, so
    ``check_grads`` in "fwd" and in "rev" mode both test $g$."""
    import jax
    import jax.numpy as jnp

    ops = _jax_ops()
    counter = counter or Counter()
    ey = jnp.zeros(K).at[y].set(1.0)
    mask = jnp.zeros(K).at[(y + 1) % K].set(ENTRY_FACTOR - 1.0) + 1.0

    def loss_raw(z):
        counter.f += 1
        return _softmax_loss(ops, z, y)

    def grad(z):
        counter.g += 1
        a = ops.softmax(z)
        if mutant == "delta":
            return a
        g = a - ey
        if mutant == "entry":
            g = g * mask
        return g * SCALE if mutant == "scale" else g

    @jax.custom_jvp
    def loss(z):
        return loss_raw(z)

    @loss.defjvp
    def _jvp(primals, tangents):
        (z,), (t,) = primals, tangents
        return loss_raw(z), jnp.dot(grad(z), t)

    loss.grad_fn = grad
    loss.counter = counter
    return loss


def jax_mlp(sizes, X, Y, mutant: str | None = None, counter: Counter | None = None):
    """The MLP cost as a function of the flat parameters, ``jax.custom_jvp`` with backprop."""
    import jax
    import jax.numpy as jnp

    ops = _jax_ops()
    counter = counter or Counter()
    X, Y = jnp.asarray(X), jnp.asarray(Y)

    def loss_raw(theta):
        counter.f += 1
        return _mlp_forward(ops, theta, X, Y, sizes)[0]

    def grad(theta):
        counter.g += 1
        return _mlp_grad(ops, theta, X, Y, sizes, mutant)

    @jax.custom_jvp
    def loss(theta):
        return loss_raw(theta)

    @loss.defjvp
    def _jvp(primals, tangents):
        (th,), (t,) = primals, tangents
        return loss_raw(th), jnp.dot(grad(th), t)

    loss.grad_fn = grad
    loss.counter = counter
    return loss


# ---------------------------------------------------------------- PyTorch (autograd.Function)
def _torch_ops():
    import torch

    return _Ops(torch.sigmoid, torch.nn.functional.softplus, lambda z: torch.logsumexp(z, 0),
                lambda z: torch.softmax(z, 0), torch.cat)


def torch_softmax_nll(K: int, y: int, mutant: str | None = None, counter: Counter | None = None):
    """$L(z)$ as a ``torch.autograd.Function`` whose backward is the hand-written gradient."""
    import torch

    ops = _torch_ops()
    counter = counter or Counter()

    def grad(z):
        counter.g += 1
        a = ops.softmax(z)
        if mutant == "delta":
            return a
        g = a.clone()
        g[y] -= 1.0
        if mutant == "entry":
            g[(y + 1) % K] *= ENTRY_FACTOR
        return g * SCALE if mutant == "scale" else g

    class SoftmaxNLL(torch.autograd.Function):
        @staticmethod
        def forward(ctx, z):
            counter.f += 1
            ctx.save_for_backward(z)
            return _softmax_loss(ops, z, y)

        @staticmethod
        def backward(ctx, gout):
            (z,) = ctx.saved_tensors
            return gout * grad(z)

    def loss(z):
        return SoftmaxNLL.apply(z)

    loss.grad_fn = grad
    loss.counter = counter
    return loss


def torch_mlp(sizes, X, Y, mutant: str | None = None, counter: Counter | None = None):
    import torch

    ops = _torch_ops()
    counter = counter or Counter()
    X, Y = torch.as_tensor(X), torch.as_tensor(Y)

    def grad(theta):
        counter.g += 1
        return _mlp_grad(ops, theta, X, Y, sizes, mutant)

    class MLP(torch.autograd.Function):
        @staticmethod
        def forward(ctx, theta):
            counter.f += 1
            ctx.save_for_backward(theta)
            return _mlp_forward(ops, theta, X, Y, sizes)[0]

        @staticmethod
        def backward(ctx, gout):
            (theta,) = ctx.saved_tensors
            return gout * grad(theta)

    def loss(theta):
        return MLP.apply(theta)

    loss.grad_fn = grad
    loss.counter = counter
    return loss
