r"""Numerics of network claims: JAX networks at realistic sizes and their true derivatives.

:class:`NetSpec` names a network (widths $n_0, \dots, n_L$ and a batch), :func:`draw_network`
seeded parameters in one of the :data:`REGIMES`, :class:`NumericNet` one drawn network with
every quantity of the vocabulary: the forward pass $Z^l = W^l A^{l-1} + b^l$,
$A^l = \sigma(Z^l)$, and the true derivatives by ``jax.grad`` of the whole cost (the batch mean
$C = \frac1N \sum_x C_x$ or the per-sample costs), with zero perturbations added at every node
so one reverse pass gives $\partial C/\partial z^l$ and $\partial C/\partial a^l$ too.  The
forward pass uses the claim's activation in the form whose float64 autodiff is accurate
(:mod:`checkers.network.activation`).  :meth:`NumericNet.magnitude` is the rounding-error scale
of each quantity (the absolute-value backward pass).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from derivations import ClaimError

from .. import _precision  # noqa: F401  (x64 before any array)
from ..sampling import _stable_hash
from .activation import SIGMOID, Activation, unit_cost_fns
from .instance import net_label

__all__ = ["NetSpec", "NUMERIC_NETWORKS", "networks_for", "REGIMES", "draw_network", "NumericNet", "numeric_net",
           "net_seed"]


@dataclass(frozen=True)
class NetSpec:
    r"""A network for the numeric witnesses: layer widths $(n_0, \dots, n_L)$ and a batch size."""

    sizes: tuple
    batch: int

    @property
    def L(self):
        return len(self.sizes) - 1

    @property
    def label(self):
        return net_label(self.sizes, self.batch)

    @property
    def n_params(self):
        return sum(self.sizes[l] * (self.sizes[l - 1] + 1) for l in range(1, self.L + 1))


NUMERIC_NETWORKS = (NetSpec((784, 100, 10), 64), NetSpec((784, 100, 100, 100, 10), 64))


def networks_for(claim) -> tuple:
    """The numeric networks of ``claim``: :data:`NUMERIC_NETWORKS`, on batches of ``claim.batch``
    samples when the claim is stated for one batch size."""
    n = getattr(claim, "batch", None)
    return NUMERIC_NETWORKS if n is None else tuple(NetSpec(s.sizes, n) for s in NUMERIC_NETWORKS)
"""784-100-10 (MNIST-sized) and a 4-layer network 784-100-100-100-10 (square layers 100 -> 100,
where a transposed weight gradient has the right shape and must be caught entry by entry).
Both share the layer shapes 784 -> 100 and 100 -> 10, so JAX compiles most operations once."""

REGIMES = {
    "standard": "W ~ N(0, 4/n_in), b ~ N(0, 1), x ~ U(0, 1)",
    "saturated": "W ~ N(0, 3600/n_in), b ~ N(0, 100), x ~ U(0, 1): |z| in the tens to hundreds, "
                 "sigma(z) rounds to 0 or 1 in float64",
    "mixed": "standard, with a quarter of the units (rows of W^l) scaled by 40",
}


def draw_network(spec: NetSpec, regime: str, seed) -> dict:
    """Seeded parameters, inputs and one-hot targets: ``{"W": [...], "b": [...], "X", "Y"}``."""
    if regime not in REGIMES:
        raise ValueError(f"unknown regime {regime!r}; one of {sorted(REGIMES)}")
    rng = np.random.default_rng(seed)
    s, B = spec.sizes, spec.batch
    Ws, bs = [], []
    for l in range(1, spec.L + 1):
        c, sb = (60.0, 10.0) if regime == "saturated" else (2.0, 1.0)
        W = rng.normal(0, c / math.sqrt(s[l - 1]), (s[l], s[l - 1]))
        b = rng.normal(0, sb, s[l])
        if regime == "mixed":
            rows = rng.random(s[l]) < 0.25
            W[rows] *= 40.0
            b[rows] *= 40.0
        Ws.append(W)
        bs.append(b)
    X = rng.uniform(0, 1, (s[0], B))
    Y = np.zeros((s[-1], B))
    Y[rng.integers(0, s[-1], B), np.arange(B)] = 1.0
    return {"W": Ws, "b": bs, "X": X, "Y": Y}


class _JaxNet:
    """Forward pass and true derivatives of one network shape, cost and activation, jitted once."""

    def __init__(self, sizes, cost, activation):
        import jax
        import jax.numpy as jnp

        self.sizes, self.L = sizes, len(sizes) - 1
        unit_z, unit_a = unit_cost_fns(cost, activation)
        L = self.L
        # sigma in the form whose autodiff is accurate in float64 (checkers.network.activation)
        sig = activation.jax_forward()

        def costs(params, epsZ, epsA, X, Y):
            A = X
            for l in range(1, L + 1):
                W, b = params[l - 1]
                Z = W @ A + b[:, None] + epsZ[l - 1]
                if l < L:
                    A = sig(Z) + epsA[l - 1]
            return jnp.sum(unit_z(Z, Y), axis=0)

        def forward(params, X):
            Zs, As = [], [X]
            for W, b in params:
                Zs.append(W @ As[-1] + b[:, None])
                As.append(sig(Zs[-1]))
            return Zs, As

        def zeros_like_nodes(X):
            B = X.shape[1]
            return [jnp.zeros((n, B)) for n in sizes[1:]]

        def mean_grads(params, X, Y):
            e = zeros_like_nodes(X)
            f = lambda p, ez, ea: jnp.mean(costs(p, ez, ea, X, Y))
            return jax.grad(f, argnums=(0, 1, 2))(params, e, e)

        def sum_grads(params, X, Y):
            e = zeros_like_nodes(X)
            f = lambda ez, ea: jnp.sum(costs(params, ez, ea, X, Y))
            return jax.grad(f, argnums=(0, 1))(e, e)

        def head_a_grads(AL, Y):
            """d/da^L of the cost written in a (as the document writes it): sum and mean."""
            g = jax.grad(lambda a: jnp.sum(unit_a(a, Y)))(AL)
            gm = jax.grad(lambda a: jnp.mean(jnp.sum(unit_a(a, Y), axis=0)))(AL)
            return g, gm

        def per_sample_param_grads(params, X, Y):
            def one(x, y):
                e = [jnp.zeros((n, 1)) for n in sizes[1:]]
                return jax.grad(lambda p: costs(p, e, e, x[:, None], y[:, None])[0])(params)
            return jax.vmap(one, in_axes=(1, 1))(X, Y)

        def jacobians(params, Zs):
            out = []
            for l in range(1, L):
                W, b = params[l]
                f = lambda z, W=W, b=b: W @ sig(z) + b
                out.append(jax.vmap(jax.jacrev(f), in_axes=1)(Zs[l - 1]))
            return out

        self.costs = jax.jit(costs)
        self.forward = jax.jit(forward)
        self.mean_grads = jax.jit(mean_grads)
        self.sum_grads = jax.jit(sum_grads)
        self.head_a_grads = jax.jit(head_a_grads)
        self.per_sample_param_grads = jax.jit(per_sample_param_grads)
        self.jacobians = jax.jit(jacobians)
        self.unit_z, self.unit_a = unit_z, unit_a


@functools.lru_cache(maxsize=16)
def _jaxnet(sizes, cost, activation):
    return _JaxNet(sizes, cost, activation)


class NumericNet:
    """One drawn network: values of the vocabulary at every layer, computed on demand."""

    def __init__(self, spec: NetSpec, cost, values: dict, activation: Activation = SIGMOID):
        import jax.numpy as jnp

        self.spec, self.cost, self.activation = spec, cost, activation
        self.net = _jaxnet(spec.sizes, cost, activation)
        self.params = [(jnp.asarray(W), jnp.asarray(b)) for W, b in zip(values["W"], values["b"])]
        self.X, self.Y = jnp.asarray(values["X"]), jnp.asarray(values["Y"])
        self.Zs, self.As = self.net.forward(self.params, self.X)
        self._cache = {}

    def _get(self, name, fn):
        if name not in self._cache:
            self._cache[name] = fn()
        return self._cache[name]

    def mean_grads(self):
        return self._get("mean", lambda: self.net.mean_grads(self.params, self.X, self.Y))

    def sum_grads(self):
        return self._get("sum", lambda: self.net.sum_grads(self.params, self.X, self.Y))

    def head(self):
        return self._get("head", lambda: self.net.head_a_grads(self.As[-1], self.Y))

    _PS_HOLDERS: list = []

    def per_sample(self):
        """Per-sample parameter gradients (B copies of every parameter): kept for at most two nets."""
        if "ps" not in self._cache:
            holders = NumericNet._PS_HOLDERS
            while len(holders) >= 2:
                holders.pop(0)._cache.pop("ps", None)
            holders.append(self)
        return self._get("ps", lambda: self.net.per_sample_param_grads(self.params, self.X, self.Y))

    def jac(self):
        return self._get("jac", lambda: self.net.jacobians(self.params, self.Zs))

    def value(self, kind, m, scope):
        """Quantity ``kind`` at layer ``m``: mean-scope arrays, or per-sample (leading axis B)."""
        L = self.spec.L
        if kind == "W":
            return self.params[m - 1][0]
        if kind == "b":
            return self.params[m - 1][1][:, None]
        if kind == "Z":
            return self.Zs[m - 1]
        if kind == "A":
            return self.As[m]
        if kind == "Y":
            return self.Y
        if kind == "Delta" or (kind == "dZ" and scope == "sample"):
            return self.sum_grads()[0][m - 1]
        if kind == "G" or (kind == "dA" and scope == "sample"):
            return self.head()[0] if m == L else self.sum_grads()[1][m - 1]
        if kind == "dZ":
            return self.mean_grads()[1][m - 1]
        if kind == "dA":
            return self.head()[1] if m == L else self.mean_grads()[2][m - 1]
        if kind in ("dW", "db"):
            if scope == "sample":
                g = self.per_sample()[m - 1]
                return g[0] if kind == "dW" else g[1][..., None]
            g = self.mean_grads()[0][m - 1]
            return g[0] if kind == "dW" else g[1][:, None]
        if kind == "JacZ":
            return self.jac()[m - 1]
        raise ClaimError(f"unknown quantity {kind}")

    def _abs_backward(self):
        r"""The absolute-value backward pass: the rounding-error scale of every computed derivative.

        Reverse mode computes $\delta^l = (W^{l+1})^\top \delta^{l+1} \odot \sigma'(z^l)$ in
        float64; its rounding error is bounded by a small multiple of $u = 2^{-53}$ times the
        same recursion on absolute values (Higham, *Accuracy and Stability of Numerical
        Algorithms*, 2nd ed., section 3.1, the running error bound of a dot product):
        $M_\Delta^L = |\delta^L|$, $M_G^l = |W^{l+1}|^\top M_\Delta^{l+1}$,
        $M_\Delta^l = M_G^l \odot |\sigma'(z^l)|$.  Where the sum over $k$ cancels, $|\delta^l|$
        is far below this scale, and comparing against $|\delta^l|$ alone would flag rounding as a
        mistake (seen: 1.3e-10 relative at layer 1 of 784-100-100-100-10).
        Returns per-layer lists ``(M_Delta, M_G)`` for layers 1..L, one column per sample."""
        def build():
            import jax.numpy as jnp
            L = self.spec.L
            abs_prime = self.activation.jax_abs_prime()
            mD = [None] * (L + 1)
            mG = [None] * (L + 1)
            mD[L] = jnp.abs(self.sum_grads()[0][L - 1])
            mG[L] = jnp.abs(self.head()[0])
            for m in range(L - 1, 0, -1):
                mG[m] = jnp.abs(self.params[m][0]).T @ mD[m + 1]
                z = self.Zs[m - 1]
                mD[m] = mG[m] * abs_prime(z)  # |sigma'(z)|
            return mD, mG
        return self._get("abs_backward", build)

    def magnitude(self, kind, m, scope):
        r"""The rounding-error scale of :meth:`value` (same shape): $|\cdot|$ for forward quantities
        and local head derivatives, the absolute-value backward pass (:meth:`_abs_backward`) for
        derivatives that reverse mode carries through hidden layers."""
        L = self.spec.L
        v = self.value(kind, m, scope)
        import jax.numpy as jnp
        if kind not in ("Delta", "G", "dZ", "dA", "dW", "db") or (m == L and kind in ("G", "dA")):
            return jnp.abs(v)
        mD, mG = self._abs_backward()
        B = self.spec.batch
        k = 1.0 if scope == "sample" else 1.0 / B
        if kind in ("Delta", "dZ"):
            return mD[m] * k
        if kind in ("G", "dA"):
            return mG[m] * k
        A_prev = jnp.abs(self.As[m - 1])
        if scope == "sample":
            if kind == "dW":
                return jnp.einsum("is,js->sij", mD[m], A_prev)
            return jnp.transpose(mD[m])[..., None]
        if kind == "dW":
            return (mD[m] @ A_prev.T) * k
        return jnp.sum(mD[m], axis=1, keepdims=True) * k


@functools.lru_cache(maxsize=12)
def _numeric_net(spec: NetSpec, cost, regime: str, seed: int, activation: Activation) -> NumericNet:
    return NumericNet(spec, cost, draw_network(spec, regime, net_seed(seed, spec, regime)), activation)


def numeric_net(spec: NetSpec, cost, regime: str, seed: int, activation: Activation | None = None) -> NumericNet:
    """One drawn network of ``spec`` (``draw_network`` in ``regime``, seeded by ``seed`` and the
    network) with its JAX references for ``cost`` and ``activation`` (default the sigmoid); cached."""
    return _numeric_net(spec, cost, regime, int(seed), SIGMOID if activation is None else activation)


def net_seed(seed, spec, regime):
    """The seed of the network ``spec`` drawn in ``regime`` for the run seed ``seed``."""
    return [int(seed), _stable_hash("-".join(map(str, spec.sizes)) + f"/{spec.batch}/{regime}")]
