r"""A corpus of real third-party functions and broken custom VJPs, each with its derivation.

Every entry is one row of data: a ``name`` (the pytest id), the third-party callable ``fn``, the
gradient ``claim`` of its correct derivative (built with
:func:`derivations.build.gradient_claim`: the cost is the function in SymPy, the claimed
derivative is derived by hand, the domain is where the library defines it), the ``args=``
layout when ``fn`` takes arrays or labels (see the README, "How fn is called"), and the verdict
:func:`checkers.implementation.verify_implementation` must give.

Three groups:

* ``correct`` -- more than 50 functions of ``jax.nn``, ``jax.numpy``, ``jax.scipy.special`` and
  ``optax.losses`` (activations, losses with their label arguments, the softmax family with
  $K \ge 3$, kinked functions), expected VERIFIED;
* ``defect`` -- third-party functions with a real float64 defect, expected REFUTED; each
  ``note`` states where, the float64 output and the true value, and ``defect_at`` a point where
  it shows (``tests/test_corpus.py`` confirms it there against mpmath, without gradproof).
  "Defect" means what gradproof's rules call wrong: NaN or an infinity where the true value is
  finite, NaN where it overflows, or an error far beyond the conditioning of the quantity.
  Several come from XLA on CPU reading a subnormal input as 0;
* ``broken`` -- more than 20 ``jax.custom_vjp`` functions whose forward pass is right and
  whose backward pass is wrong (only when saturated, only at 0, only below $10^{-10}$, by a relative
  $10^{-6}$ or $10^{-9}$, computed in float32, a transposed Jacobian, a dropped label term,
  ...), expected REFUTED.  Each is checked against the claim of the correct function it
  imitates (the entry named in ``of``), correct or defective.

Kinked functions (``relu``, ``abs``, ``hinge``, ...) carry ``kinked=True``: their kink must be
named in the result (``result.kinks``), not reported as a mismatch.

Importing this module imports JAX (float64 on, through :mod:`checkers`) and optax and builds
the claims; nothing is evaluated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import checkers  # noqa: F401  (float64 on before any array)
import jax
import jax.numpy as jnp
import jax.scipy.special as jss
import optax
import sympy as sp

from derivations import (GradientClaim, Interval, closed_interval, integers, open_interval,
                         positive, real_line)
from derivations.build import gradient_claim, jacobian_claim

__all__ = ["Entry", "CORPUS", "CORRECT", "DEFECTS", "BROKEN", "entry"]


@dataclass(frozen=True)
class Entry:
    """One corpus entry.  ``group``: ``correct`` / ``defect`` / ``broken``; ``expected``: the
    verdict of :func:`~checkers.implementation.verify_implementation`; ``of``: for a broken VJP,
    the correct entry whose claim it is checked against; ``mentions``: text the printed result
    must contain (e.g. ``float32``); ``kinked``: the cost has a kink that must be named;
    ``bug_at(point)``: for a broken VJP wrong only in one region, whether a counterexample
    point (variable name -> float) lies in it; ``defect_at``: for a library defect, a point
    (variable name -> float) where it shows, confirmed against mpmath by the tests."""

    name: str
    fn: Callable
    claim: GradientClaim
    group: str
    expected: str
    args: Any = None
    note: str = ""
    of: str = ""
    kinked: bool = False
    mentions: str = ""
    bug_at: Callable | None = None
    defect_at: dict | None = None

    def __post_init__(self):
        if self.group not in ("correct", "defect", "broken"):
            raise ValueError(f"corpus entry {self.name}: group {self.group!r} is not one of "
                             "'correct', 'defect', 'broken'")
        if self.expected not in ("VERIFIED", "REFUTED"):
            raise ValueError(f"corpus entry {self.name}: expected {self.expected!r} is not "
                             "VERIFIED or REFUTED")
        if self.group == "defect" and not self.defect_at:
            raise ValueError(f"corpus entry {self.name}: a defect entry needs defect_at, the "
                             "point where it shows")
        if self.group != "correct" and not self.note:
            raise ValueError(f"corpus entry {self.name}: a {self.group} entry needs a note "
                             "stating what is wrong and where")


# --- SymPy building blocks -------------------------------------------------------------------

z, p, t, u, v = sp.symbols("z p t u v", real=True)
y = sp.Symbol("y", real=True)                     # a soft label in [0, 1]
lab = sp.Symbol("l", integer=True)                # an integer label
R = real_line()
Z3 = sp.symbols("z_0:3", real=True)
Z4 = sp.symbols("z_0:4", real=True)
Y3 = sp.symbols("y_0:3", real=True)
T3 = sp.symbols("t_0:3", real=True)
P3 = sp.symbols("p_0:3", real=True)
UNIT = closed_interval(0, 1)
SQRT2PI = sp.sqrt(2 * sp.pi)


def sig(a):
    r"""$\sigma(a) = 1 / (1 + e^{-a})$."""
    return 1 / (1 + sp.exp(-a))


def softplus(a):
    r"""$\ln(1 + e^{a})$."""
    return sp.log(1 + sp.exp(a))


def Phi(a):
    r"""The standard normal CDF $\Phi(a) = \tfrac12 (1 + \operatorname{erf}(a/\sqrt2))$."""
    return (1 + sp.erf(a / sp.sqrt(2))) / 2


def phi(a):
    r"""The standard normal density $e^{-a^2/2} / \sqrt{2\pi}$."""
    return sp.exp(-a**2 / 2) / SQRT2PI


def softmax(zs):
    """The softmax of the tuple ``zs`` (a tuple of expressions)."""
    e = [sp.exp(zi) for zi in zs]
    total = sum(e)
    return tuple(ei / total for ei in e)


def lse(zs):
    r"""$\ln \sum_k e^{z_k}$."""
    return sp.log(sum(sp.exp(zi) for zi in zs))


def onehot(k):
    """$[l = k]$ for the integer label ``lab``."""
    return sp.Piecewise((1, sp.Eq(lab, k)), (0, True))


def _id(name: str) -> str:
    return "corpus." + name.replace("-", "_").lower()


def scalar(name, fn, cost, claimed, domain=None, **kw) -> Entry:
    """A correct one-variable function of ``z`` on ``domain`` (default the real line)."""
    claim = gradient_claim(_id(name), cost, z, claimed, domain={z: domain or R})
    return Entry(name, fn, claim, "correct", "VERIFIED", **kw)


def entry(name, fn, claim, group="correct", expected=None, **kw) -> Entry:
    """An entry with its claim built by the caller (several variables, arrays, labels)."""
    expected = expected or ("VERIFIED" if group == "correct" else "REFUTED")
    return Entry(name, fn, claim, group, expected, **kw)


# --- correct functions: jax.nn ---------------------------------------------------------------

S = sig(z)
A_GELU = sp.Rational(44715, 10**6)                # jax.nn.gelu's 0.044715
C_GELU = sp.sqrt(2 / sp.pi)
U_GELU = C_GELU * (z + A_GELU * z**3)
SELU_ALPHA = sp.Rational("1.6732632423543772848170429916717")   # jax.nn.selu's constants
SELU_SCALE = sp.Rational("1.0507009873554804934193349852946")
CELU_ALPHA = sp.Rational(1, 2)

JAX_NN = [
    scalar("jax.nn.sigmoid", jax.nn.sigmoid, S, S * (1 - S)),
    # the same function against an equivalent form of its derivative: same verdict expected
    scalar("jax.nn.sigmoid-expform", jax.nn.sigmoid, S, sp.exp(-z) / (1 + sp.exp(-z))**2),
    scalar("jax.nn.log_sigmoid", jax.nn.log_sigmoid, -softplus(-z), 1 / (1 + sp.exp(z))),
    scalar("jax.nn.softplus", jax.nn.softplus, softplus(z), S),
    scalar("jax.nn.silu", jax.nn.silu, z * S, S + z * S * (1 - S)),
    scalar("jax.nn.gelu-erf", lambda x: jax.nn.gelu(x, approximate=False), z * Phi(z),
           Phi(z) + z * phi(z)),
    scalar("jax.nn.elu", jax.nn.elu, sp.Piecewise((z, z > 0), (sp.exp(z) - 1, True)),
           sp.Piecewise((1, z > 0), (sp.exp(z), True))),
    scalar("jax.nn.celu", lambda x: jax.nn.celu(x, alpha=0.5),
           sp.Piecewise((z, z > 0), (CELU_ALPHA * (sp.exp(z / CELU_ALPHA) - 1), True)),
           sp.Piecewise((1, z > 0), (sp.exp(z / CELU_ALPHA), True))),
    scalar("jax.nn.selu", jax.nn.selu,
           SELU_SCALE * sp.Piecewise((z, z > 0), (SELU_ALPHA * (sp.exp(z) - 1), True)),
           SELU_SCALE * sp.Piecewise((1, z > 0), (SELU_ALPHA * sp.exp(z), True)), kinked=True),
    scalar("jax.nn.leaky_relu", jax.nn.leaky_relu,
           sp.Piecewise((z, z >= 0), (z / 100, True)),
           sp.Piecewise((1, z > 0), (sp.Rational(1, 100), True)), kinked=True),
    scalar("jax.nn.relu", jax.nn.relu, sp.Max(z, 0), sp.Heaviside(z), kinked=True),
    scalar("jax.nn.relu6", jax.nn.relu6, sp.Min(sp.Max(z, 0), 6),
           sp.Piecewise((0, z < 0), (1, z < 6), (0, True)), kinked=True),
    scalar("jax.nn.hard_tanh", jax.nn.hard_tanh, sp.Max(-1, sp.Min(1, z)),
           sp.Piecewise((0, z < -1), (1, z < 1), (0, True)), kinked=True),
    scalar("jax.nn.hard_sigmoid", jax.nn.hard_sigmoid, sp.Min(sp.Max(z + 3, 0), 6) / 6,
           sp.Piecewise((0, z < -3), (sp.Rational(1, 6), z < 3), (0, True)), kinked=True),
    scalar("jax.nn.hard_silu", jax.nn.hard_silu, z * sp.Min(sp.Max(z + 3, 0), 6) / 6,
           sp.Piecewise((0, z < -3), ((2 * z + 3) / 6, z < 3), (1, True)), kinked=True),
    scalar("jax.nn.mish", jax.nn.mish, z * sp.tanh(softplus(z)),
           sp.tanh(softplus(z)) + z * (1 - sp.tanh(softplus(z))**2) * S),
    scalar("jax.nn.sparse_plus", jax.nn.sparse_plus,
           sp.Piecewise((0, z <= -1), ((z + 1)**2 / 4, z < 1), (z, True)),
           sp.Piecewise((0, z <= -1), ((z + 1) / 2, z < 1), (1, True))),
    scalar("jax.nn.soft_sign", jax.nn.soft_sign, z / (sp.Abs(z) + 1), 1 / (sp.Abs(z) + 1)**2),
    scalar("jax.nn.sparse_sigmoid", jax.nn.sparse_sigmoid,
           sp.Piecewise((0, z <= -1), ((z + 1) / 2, z < 1), (1, True)),
           sp.Piecewise((0, z <= -1), (sp.Rational(1, 2), z < 1), (0, True)), kinked=True),
]

SM3 = softmax(Z3)
D3 = {zi: R for zi in Z3}
JAX_NN_VECTOR = [
    entry("jax.nn.log_softmax",
          jax.nn.log_softmax,
          jacobian_claim(_id("jax.nn.log_softmax"), [zi - lse(Z3) for zi in Z3], Z3,
                         [[int(i == j) - SM3[j] for j in range(3)] for i in range(3)], D3),
          args=(Z3,)),
    entry("jax.nn.softmax",
          jax.nn.softmax,
          jacobian_claim(_id("jax.nn.softmax"), list(SM3), Z3,
                         [[SM3[i] * (int(i == j) - SM3[j]) for j in range(3)] for i in range(3)],
                         D3),
          args=(Z3,)),
    entry("jax.nn.logsumexp", jax.nn.logsumexp,
          gradient_claim(_id("jax.nn.logsumexp"), lse(Z4), Z4, softmax(Z4),
                         domain={zi: R for zi in Z4}),
          args=(Z4,)),
]

# jax.nn.standardize, K = 3, epsilon = 1e-5: y_i = (x_i - mu) / s, s = sqrt(var + eps),
# dy_i/dx_j = (delta_ij - 1/3) / s - (x_i - mu)(x_j - mu) / (3 s^3)
_MU = sum(Z3) / 3
_S = sp.sqrt(sum((zi - _MU)**2 for zi in Z3) / 3 + sp.Rational(1, 10**5))
STANDARDIZE = jacobian_claim(
    _id("jax.nn.standardize"), [(zi - _MU) / _S for zi in Z3], Z3,
    [[(sp.KroneckerDelta(i, j) - sp.Rational(1, 3)) / _S
      - (Z3[i] - _MU) * (Z3[j] - _MU) / (3 * _S**3) for j in range(3)] for i in range(3)], D3)

# --- correct functions: jax.numpy and jax.scipy.special --------------------------------------

JNP = [
    entry("jnp.cumsum", jnp.cumsum,
          jacobian_claim(_id("jnp.cumsum"), [Z3[0], Z3[0] + Z3[1], Z3[0] + Z3[1] + Z3[2]], Z3,
                         [[1, 0, 0], [1, 1, 0], [1, 1, 1]], D3),
          args=(Z3,)),
    # at u = v = 1e17 JAX's gradient is (1, 1), the true one (0.5, 0.5): not a defect, the
    # quantity sigma(u - v) is ill-conditioned there (u rounded by eps moves u - v by 22)
    entry("jnp.logaddexp", jnp.logaddexp,
          gradient_claim(_id("jnp.logaddexp"), sp.log(sp.exp(u) + sp.exp(v)), (u, v),
                         (sp.exp(u) / (sp.exp(u) + sp.exp(v)), sp.exp(v) / (sp.exp(u) + sp.exp(v))),
                         domain={u: R, v: R})),
    scalar("jnp.log1p", jnp.log1p, sp.log(1 + z), 1 / (1 + z), open_interval(-1, math.inf)),
    scalar("jnp.expm1", jnp.expm1, sp.exp(z) - 1, sp.exp(z)),
    scalar("jnp.abs", jnp.abs, sp.Abs(z), sp.sign(z), kinked=True),
    scalar("jnp.tanh", jnp.tanh, sp.tanh(z), 1 - sp.tanh(z)**2),
    scalar("jnp.arctan", jnp.arctan, sp.atan(z), 1 / (1 + z**2)),
    # the gradient is 0 instead of 1/|z| for |z| > 1.3e154 (z**2 overflows): an absolute error
    # below 1e-154, far below the gradient's scale; not a defect under the tolerance rule
    scalar("jnp.arcsinh", jnp.arcsinh, sp.asinh(z), 1 / sp.sqrt(1 + z**2)),
    scalar("jss.erf", jss.erf, sp.erf(z), 2 * sp.exp(-z**2) / sp.sqrt(sp.pi)),
    scalar("jss.erfc", jss.erfc, sp.erfc(z), -2 * sp.exp(-z**2) / sp.sqrt(sp.pi)),
    entry("jss.xlogy", jss.xlogy,
          gradient_claim(_id("jss.xlogy"), u * sp.log(v), (u, v), (sp.log(v), u / v),
                         domain={u: R, v: positive()})),
    entry("jss.xlog1py", jss.xlog1py,
          gradient_claim(_id("jss.xlog1py"), u * sp.log(1 + v), (u, v),
                         (sp.log(1 + v), u / (1 + v)),
                         domain={u: R, v: open_interval(-1, math.inf)})),
    scalar("jss.entr", jss.entr, -z * sp.log(z), -sp.log(z) - 1, positive()),
    scalar("jss.logit", jss.logit, sp.log(z / (1 - z)), 1 / (z * (1 - z)), open_interval(0, 1)),
    scalar("jss.expit", jss.expit, S, S * (1 - S)),
    scalar("jss.ndtr", jss.ndtr, Phi(z), phi(z)),
    scalar("jss.i0e", jss.i0e, sp.exp(-sp.Abs(z)) * sp.besseli(0, z),
           sp.exp(-sp.Abs(z)) * (sp.besseli(1, z) - sp.sign(z) * sp.besseli(0, z)), kinked=True),
]

# --- correct functions: optax.losses ---------------------------------------------------------

E = p - t
PT = {p: R, t: R}
_HUBER = sp.Piecewise((E**2 / 2, sp.Abs(E) <= 1), (sp.Abs(E) - sp.Rational(1, 2), True))
_HUBER_D = sp.Piecewise((E, sp.Abs(E) <= 1), (sp.sign(E), True))
SIGN = 2 * lab - 1                                 # a {0, 1} label as a {-1, +1} target
DZY = {**D3, **{yi: UNIT for yi in Y3}}
SUM_Y = sum(Y3)
LOG_SM3 = [zi - lse(Z3) for zi in Z3]
CE_SOFT = -sum(Y3[k] * LOG_SM3[k] for k in range(3))
CE_SOFT_DZ = tuple(SM3[j] * SUM_Y - Y3[j] for j in range(3))
CE_ONEHOT = -sum(onehot(k) * LOG_SM3[k] for k in range(3))
SM4 = softmax(Z4)
CE_INT4 = -sum(sp.Piecewise((1, sp.Eq(lab, k)), (0, True)) * (Z4[k] - lse(Z4)) for k in range(4))
# sigmoid focal loss, gamma = 2: ce (1 - p_t)^2, p_t = s y + (1 - s)(1 - y)
_PT = S * y + (1 - S) * (1 - y)
_CE = softplus(z) - y * z
# optax's documented domains: log-probabilities <= 0, probabilities in (0, 1]; the generalized
# KL divergence takes unnormalized measures (any log prediction, any positive target)
LOG_PROB = Interval(-math.inf, 0.0, True, False)
KL_D = {**{zi: LOG_PROB for zi in Z3}, **{ti: Interval(0.0, 1.0, True, False) for ti in T3}}
GKL_D = {**{zi: R for zi in Z3}, **{ti: positive() for ti in T3}}
LP = Z3                                            # log predictions
_NP, _NT = sp.sqrt(sum(a**2 for a in P3)), sp.sqrt(sum(b**2 for b in T3))
_DOT = sum(a * b for a, b in zip(P3, T3))

OPTAX = [
    scalar("optax.huber_loss", optax.losses.huber_loss,
           sp.Piecewise((z**2 / 2, sp.Abs(z) <= 1), (sp.Abs(z) - sp.Rational(1, 2), True)),
           sp.Piecewise((z, sp.Abs(z) <= 1), (sp.sign(z), True))),
    entry("optax.huber_loss-targets", optax.losses.huber_loss,
          gradient_claim(_id("optax.huber_loss-targets"), _HUBER, (p, t), (_HUBER_D, -_HUBER_D),
                         domain=PT)),
    entry("optax.log_cosh", optax.losses.log_cosh,
          gradient_claim(_id("optax.log_cosh"), sp.log(sp.cosh(E)), (p, t),
                         (sp.tanh(E), -sp.tanh(E)), domain=PT)),
    entry("optax.l2_loss", optax.losses.l2_loss,
          gradient_claim(_id("optax.l2_loss"), E**2 / 2, (p, t), (E, -E), domain=PT)),
    entry("optax.squared_error", optax.losses.squared_error,
          gradient_claim(_id("optax.squared_error"), E**2, (p, t), (2 * E, -2 * E), domain=PT)),
    entry("optax.sigmoid_binary_cross_entropy", optax.losses.sigmoid_binary_cross_entropy,
          gradient_claim(_id("optax.sigmoid_binary_cross_entropy"), _CE, (z, y), (S - y, -z),
                         domain={z: R, y: UNIT})),
    entry("optax.softmax_cross_entropy-soft", optax.losses.softmax_cross_entropy,
          gradient_claim(_id("optax.softmax_cross_entropy-soft"), CE_SOFT, Z3 + Y3,
                         CE_SOFT_DZ + tuple(-g for g in LOG_SM3), domain=DZY),
          args=(Z3, Y3)),
    entry("optax.softmax_cross_entropy-onehot",
          lambda logits, label: optax.losses.softmax_cross_entropy(logits,
                                                                   jax.nn.one_hot(label, 3)),
          gradient_claim(_id("optax.softmax_cross_entropy-onehot"), CE_ONEHOT, Z3,
                         tuple(SM3[k] - onehot(k) for k in range(3)),
                         domain={**D3, lab: integers(0, 2)}),
          args=(Z3, lab)),
    entry("optax.softmax_cross_entropy_with_integer_labels",
          optax.losses.softmax_cross_entropy_with_integer_labels,
          gradient_claim(_id("optax.softmax_cross_entropy_with_integer_labels"), CE_INT4, Z4,
                         tuple(SM4[k] - sp.Piecewise((1, sp.Eq(lab, k)), (0, True))
                               for k in range(4)),
                         domain={**{zi: R for zi in Z4}, lab: integers(0, 3)}),
          args=(Z4, lab)),
    entry("optax.safe_softmax_cross_entropy", optax.losses.safe_softmax_cross_entropy,
          gradient_claim(_id("optax.safe_softmax_cross_entropy"), CE_SOFT, Z3, CE_SOFT_DZ,
                         domain=DZY),
          args=(Z3, Y3)),
    entry("optax.hinge_loss", lambda s, label: optax.losses.hinge_loss(s, 2 * label - 1),
          gradient_claim(_id("optax.hinge_loss"), sp.Max(0, 1 - SIGN * z), z,
                         sp.Piecewise((-SIGN, SIGN * z < 1), (0, True)),
                         domain={z: R, lab: integers(0, 1)}), kinked=True),
    entry("optax.perceptron_loss", lambda s, label: optax.losses.perceptron_loss(s, 2 * label - 1),
          gradient_claim(_id("optax.perceptron_loss"), sp.Max(0, -SIGN * z), z,
                         sp.Piecewise((-SIGN, SIGN * z < 0), (0, True)),
                         domain={z: R, lab: integers(0, 1)}), kinked=True),
    # poly-1 loss, epsilon = 2: CE + 2 sum_k y_k (1 - s_k)
    entry("optax.poly_loss_cross_entropy", optax.losses.poly_loss_cross_entropy,
          gradient_claim(_id("optax.poly_loss_cross_entropy"),
                         CE_SOFT + 2 * sum(Y3[k] * (1 - SM3[k]) for k in range(3)), Z3,
                         tuple(CE_SOFT_DZ[j] - 2 * SM3[j] * (Y3[j] - sum(Y3[k] * SM3[k]
                                                                         for k in range(3)))
                               for j in range(3)), domain=DZY),
          args=(Z3, Y3)),
    entry("optax.kl_divergence_with_log_targets", optax.losses.kl_divergence_with_log_targets,
          gradient_claim(_id("optax.kl_divergence_with_log_targets"),
                         sum(sp.exp(T3[k]) * (T3[k] - LP[k]) for k in range(3)), LP + T3,
                         tuple(-sp.exp(ti) for ti in T3)
                         + tuple(sp.exp(T3[k]) * (T3[k] - LP[k] + 1) for k in range(3)),
                         domain={v: LOG_PROB for v in Z3 + T3}),
          args=(LP, T3)),
    entry("optax.sigmoid_focal_loss", optax.losses.sigmoid_focal_loss,
          gradient_claim(_id("optax.sigmoid_focal_loss"), _CE * (1 - _PT)**2, z,
                         (S - y) * (1 - _PT)**2
                         - 2 * _CE * (1 - _PT) * (2 * y - 1) * S * (1 - S),
                         domain={z: R, y: UNIT})),
]

# --- real float64 defects of third-party functions -------------------------------------------

# Phi(z) = erfc(-z/sqrt 2)/2, kept in that form: SymPy would rewrite erfc(-x) as 2 - erfc(x),
# and 1 - erfc(x)/2 at z = -1e200 cancels to 0 at any precision a referee can afford
PHI_TAIL = sp.erfc(-z / sp.sqrt(2), evaluate=False) / 2

DEFECTS = [
    entry("jss.gammaln", jss.gammaln,
          gradient_claim(_id("jss.gammaln"), sp.loggamma(z), z, sp.polygamma(0, z),
                         domain={z: positive()}),
          group="defect",
          note="the gradient is NaN at z = 5e-324: XLA reads the subnormal as 0, digamma's "
               "pole; the true gradient digamma(5e-324) = -2.0e323 rounds to -inf (the value, "
               "inf, is right as XLA reads the point)",
          defect_at={"z": 5e-324}),
    entry("jss.digamma", jss.digamma,
          gradient_claim(_id("jss.digamma"), sp.polygamma(0, z), z, sp.polygamma(1, z),
                         domain={z: positive()}),
          group="defect",
          note="NaN at z = 5e-324 (read as 0 by XLA): the true value -2.0e323 rounds to -inf, "
               "as scipy.special.psi returns",
          defect_at={"z": 5e-324}),
    entry("optax.kl_divergence", optax.losses.kl_divergence,
          gradient_claim(_id("optax.kl_divergence"),
                         sum(T3[k] * (sp.log(T3[k]) - LP[k]) for k in range(3)), LP + T3,
                         tuple(-ti for ti in T3)
                         + tuple(sp.log(T3[k]) - LP[k] + 1 for k in range(3)), domain=KL_D),
          args=(LP, T3), group="defect",
          note="d/dt_k is NaN at t_k = 5e-324: XLA reads it as 0, and the gradient of "
               "where(t == 0, 0, log t) multiplies the masked branch's 1/t = inf by 0; the "
               "true log t_k - lp_k + 1 is -742.9 at lp_k = -0.5",
          defect_at={"z_0": -0.5, "z_1": -1.0, "z_2": -2.0, "t_0": 5e-324, "t_1": 0.5,
                     "t_2": 0.5}),
    entry("optax.generalized_kl_divergence", optax.losses.generalized_kl_divergence,
          gradient_claim(_id("optax.generalized_kl_divergence"),
                         sum(T3[k] * (sp.log(T3[k]) - LP[k]) + sp.exp(LP[k]) - T3[k]
                             for k in range(3)), LP + T3,
                         tuple(sp.exp(LP[k]) - T3[k] for k in range(3))
                         + tuple(sp.log(T3[k]) - LP[k] for k in range(3)), domain=GKL_D),
          args=(LP, T3), group="defect",
          note="NaN where the value overflows to +inf: at lp = (1e50, 0, 0), t = (1e300, 1, 1) "
               "exp(lp_0) = inf and -t_0 lp_0 = -inf; d/dt_k is NaN at t_k = 5e-324, as in "
               "kl_divergence",
          defect_at={"z_0": 1e50, "z_1": 0.0, "z_2": 0.0, "t_0": 1e300, "t_1": 1.0,
                     "t_2": 1.0}),
    entry("jnp.cumprod", jnp.cumprod,
          jacobian_claim(_id("jnp.cumprod"), [Z3[0], Z3[0] * Z3[1], Z3[0] * Z3[1] * Z3[2]], Z3,
                         [[1, 0, 0], [Z3[1], Z3[0], 0], [Z3[1] * Z3[2], Z3[0] * Z3[2],
                                                         Z3[0] * Z3[1]]], D3),
          args=(Z3,), group="defect",
          note="reverse mode multiplies an overflowed partial product by 0: at "
               "x = (1e200, 1e200, 2) the output x_0 = 1e200 is finite and does not depend on "
               "x_2, yet d(out_0)/dx_2 is NaN (true 0, exactly); the value overflows early too: "
               "out_2 = inf at x = (1e10, 1e300, 1e-10), true 1e300",
          defect_at={"z_0": 1e200, "z_1": 1e200, "z_2": 2.0}),
    entry("jax.nn.squareplus", jax.nn.squareplus,
          gradient_claim(_id("jax.nn.squareplus"), (z + sp.sqrt(z**2 + 4)) / 2, z,
                         (1 + z / sp.sqrt(z**2 + 4)) / 2, domain={z: R}),
          group="defect",
          note="z**2 overflows for |z| > 1.3e154: at z = 1e200 the value is inf (true 1e200) "
               "and the gradient 0.5 (true 1); at z = -1e200 the value is inf (true 1e-200)",
          defect_at={"z": 1e200}),
    entry("jax.nn.gelu-tanh", lambda x: jax.nn.gelu(x, approximate=True),
          gradient_claim(_id("jax.nn.gelu-tanh"), z / 2 * (1 + sp.tanh(U_GELU)), z,
                         (1 + sp.tanh(U_GELU)) / 2
                         + z / 2 * (1 - sp.tanh(U_GELU)**2) * C_GELU * (1 + 3 * A_GELU * z**2),
                         domain={z: R}),
          group="defect",
          note="the gradient is NaN for |z| > 1.3e154: (1 - tanh(u)**2) = 0 times "
               "du/dz = inf (z**2 overflows); the true gradient is 1 at z = 1e200, 0 at -1e200",
          defect_at={"z": 1e200}),
    entry("jss.log_ndtr", jss.log_ndtr,
          gradient_claim(_id("jss.log_ndtr"), sp.log(PHI_TAIL), z, phi(z) / PHI_TAIL,
                         domain={z: R}),
          group="defect",
          note="the gradient exp(-z**2/2 - log_ndtr(z))/sqrt(2 pi) cancels in the exponent: "
               "relative error 4e-9 at z = -20, 3e-7 at -1e5, 34% at -1e8; 1.0 at z = -1e10 "
               "(true 1.0000000000e10, about -z); NaN below -1.5e154",
          defect_at={"z": -1e10}),
    entry("jax.nn.standardize", jax.nn.standardize, STANDARDIZE, args=(Z3,), group="defect",
          note="the variance mean(x**2) - mean(x)**2 overflows for |x| > 1.3e154: at "
               "x = (1e200, 0, 0) the output is NaN (true (1.414, -0.707, -0.707)); it also "
               "cancels: x = (1e8, 1e8 + 1, 1e8 + 2) gives (-316, 0, 316), true (-1.22, 0, 1.22)",
          defect_at={"z_0": 1e200, "z_1": 0.0, "z_2": 0.0}),
    entry("optax.cosine_distance", optax.losses.cosine_distance,
          gradient_claim(_id("optax.cosine_distance"), 1 - _DOT / (_NP * _NT), P3,
                         tuple(-T3[i] / (_NP * _NT) + _DOT * P3[i] / (_NP**3 * _NT)
                               for i in range(3)),
                         domain={**{a: R for a in P3}, **{b: R for b in T3}}),
          args=(P3, T3), group="defect",
          note="the squared norms over- and underflow: at p = (1e200, 0, 0) the norm is inf "
               "and the distance 1 (true 1 - t_0/|t|); at p = (1e-200, 0, 0) it is NaN",
          defect_at={"p_0": 1e200, "p_1": 0.0, "p_2": 0.0, "t_0": 1.0, "t_1": 1.0, "t_2": 0.0}),
]

CORRECT = JAX_NN + JAX_NN_VECTOR + JNP + OPTAX

# --- broken custom VJPs -----------------------------------------------------------------------


def custom(f, grad_rule, name):
    """``f`` with a ``jax.custom_vjp`` whose backward pass returns ``g * d`` for each
    ``d`` in ``grad_rule(*primals)`` (one gradient per argument; ``g`` the scalar cotangent)."""
    def primal(*a):                     # no defaults: the backward gets exactly fn's arguments
        return f(*a)

    h = jax.custom_vjp(primal)
    h.defvjp(lambda *a: (f(*a), a), lambda a, g: tuple(g * d for d in grad_rule(*a)))
    h.__name__ = name
    return h


def _by_name(name) -> Entry:
    return next(e for e in CORRECT + DEFECTS if e.name == name)


def broken(name, of, fn, note, **kw) -> Entry:
    """A broken custom VJP checked against the claim of the correct entry ``of``."""
    base = _by_name(of)
    return Entry(name, fn, base.claim, "broken", "REFUTED", args=base.args, note=note, of=of,
                 **kw)


def _sigmoid(x):
    return jax.nn.sigmoid(x)


def _bce(x, label):
    return optax.losses.sigmoid_binary_cross_entropy(x, label)


def _cumsum_transposed():
    @jax.custom_vjp
    def cumsum3(x):
        return jnp.cumsum(x)

    def fwd(x):
        return jnp.cumsum(x), None

    def bwd(_, g):                                  # J g (a running sum) instead of J^T g
        return (jnp.cumsum(g),)

    cumsum3.defvjp(fwd, bwd)
    return cumsum3


def _log_softmax_diagonal():
    @jax.custom_vjp
    def log_softmax3(x):
        return jax.nn.log_softmax(x)

    def fwd(x):
        return jax.nn.log_softmax(x), x

    def bwd(x, g):                                  # g - s * g instead of g - s * sum(g)
        return (g - jax.nn.softmax(x) * g,)

    log_softmax3.defvjp(fwd, bwd)
    return log_softmax3


def _ce_one_entry():
    @jax.custom_vjp
    def ce(logits, label):
        return optax.losses.softmax_cross_entropy_with_integer_labels(logits, label)

    def fwd(logits, label):
        return ce(logits, label), (logits, label)

    def bwd(res, g):                                # entry 2 of the gradient 1e-6 too large
        logits, label = res
        d = jax.nn.softmax(logits) - jax.nn.one_hot(label, 4)
        return g * d * jnp.array([1.0, 1.0, 1.0 + 1e-6, 1.0]), None

    ce.defvjp(fwd, bwd)
    return ce


def _ce_labels_sum_to_one():
    @jax.custom_vjp
    def ce(logits, labels):
        return optax.losses.softmax_cross_entropy(logits, labels)

    def fwd(logits, labels):
        return ce(logits, labels), (logits, labels)

    def bwd(res, g):                                # s - y: right only when sum(y) = 1
        logits, labels = res
        return g * (jax.nn.softmax(logits) - labels), -g * jax.nn.log_softmax(logits)

    ce.defvjp(fwd, bwd)
    return ce


BROKEN = [
    broken("vjp.softplus-saturated", "jax.nn.softplus",
           custom(jax.nn.softplus, lambda x: (jnp.where(x > 30, 0.0, _sigmoid(x)),),
                  "softplus_saturated"),
           "gradient 0 for z > 30 (true sigmoid(z), about 1)",
           bug_at=lambda pt: pt["z"] > 30),
    broken("vjp.log_sigmoid-saturated", "jax.nn.log_sigmoid",
           custom(jax.nn.log_sigmoid, lambda x: (jnp.where(x < -30, 0.0, _sigmoid(-x)),),
                  "log_sigmoid_saturated"),
           "gradient 0 for z < -30 (true sigmoid(-z), about 1)",
           bug_at=lambda pt: pt["z"] < -30),
    broken("vjp.tanh-at-zero", "jnp.tanh",
           custom(jnp.tanh, lambda x: (jnp.where(x == 0, 0.0, 1 - jnp.tanh(x)**2),),
                  "tanh_at_zero"),
           "gradient 0 at z = 0 only (true 1)",
           bug_at=lambda pt: pt["z"] == 0),
    broken("vjp.soft_sign-at-zero", "jax.nn.soft_sign",
           custom(jax.nn.soft_sign,
                  lambda x: (jnp.where(x == 0, 0.5, 1 / (jnp.abs(x) + 1)**2),),
                  "soft_sign_at_zero"),
           "gradient 0.5 at z = 0 only, as if z = 0 were a kink (true 1)",
           bug_at=lambda pt: pt["z"] == 0),
    broken("vjp.expm1-below-1e-10", "jnp.expm1",
           custom(jnp.expm1, lambda x: (jnp.where(jnp.abs(x) < 1e-10, x, jnp.exp(x)),),
                  "expm1_small"),
           "for |z| < 1e-10 the backward returns the series of the value, z, not of the "
           "derivative, 1 + z",
           bug_at=lambda pt: abs(pt["z"]) < 1e-10),
    broken("vjp.log_cosh-below-1e-10", "optax.log_cosh",
           custom(optax.losses.log_cosh,
                  lambda a, b: (jnp.where(jnp.abs(a - b) < 1e-10, 0.0, jnp.tanh(a - b)),
                                -jnp.where(jnp.abs(a - b) < 1e-10, 0.0, jnp.tanh(a - b))),
                  "log_cosh_small"),
           "gradient flushed to 0 for |p - t| < 1e-10 (true tanh(p - t), about p - t): a "
           "relative error of 100%, an absolute one below 1e-10",
           bug_at=lambda pt: abs(pt["p"] - pt["t"]) < 1e-10),
    broken("vjp.sigmoid-rel-1e-6", "jax.nn.sigmoid",
           custom(jax.nn.sigmoid, lambda x: (_sigmoid(x) * _sigmoid(-x) * (1 + 1e-6),),
                  "sigmoid_rel_1e6"),
           "gradient times (1 + 1e-6) everywhere"),
    broken("vjp.softplus-rel-1e-9", "jax.nn.softplus",
           custom(jax.nn.softplus, lambda x: (_sigmoid(x) * (1 + 1e-9),), "softplus_rel_1e9"),
           "gradient times (1 + 1e-9) everywhere"),
    broken("vjp.tanh-float32", "jnp.tanh",
           custom(jnp.tanh, lambda x: (1 - jnp.tanh(x.astype(jnp.float32))**2,),
                  "tanh_float32"),
           "the backward computes 1 - tanh(z)**2 in float32 (JAX returns it as float64)",
           mentions="float32"),
    broken("vjp.cumsum-transposed", "jnp.cumsum", _cumsum_transposed(),
           "the backward returns J g instead of J^T g (a transposed Jacobian): cumsum(g), "
           "not the reversed running sum"),
    broken("vjp.sigmoid_bce-dropped-label", "optax.sigmoid_binary_cross_entropy",
           custom(_bce, lambda x, label: (_sigmoid(x), -x), "bce_dropped_label"),
           "dL/dz = sigmoid(z): the label's term -y dropped"),
    broken("vjp.softmax_ce-labels-sum-to-one", "optax.softmax_cross_entropy-soft",
           _ce_labels_sum_to_one(),
           "dL/dz = softmax(z) - y, right only when the soft labels sum to 1 (true "
           "softmax(z) sum(y) - y)"),
    broken("vjp.softmax_ce-one-entry-rel-1e-6", "optax.softmax_cross_entropy_with_integer_labels",
           _ce_one_entry(), "entry 2 of the gradient times (1 + 1e-6), the others right"),
    broken("vjp.tanh-one-minus-t", "jnp.tanh",
           custom(jnp.tanh, lambda x: (1 - jnp.tanh(x),), "tanh_one_minus_t"),
           "tanh' written 1 - t instead of 1 - t**2"),
    broken("vjp.log_softmax-diagonal", "jax.nn.log_softmax", _log_softmax_diagonal(),
           "the backward keeps only the diagonal of the Jacobian: g - s * g instead of "
           "g - s * sum(g)"),
    broken("vjp.huber-abs-for-sign", "optax.huber_loss",
           custom(optax.losses.huber_loss, lambda x: (jnp.where(jnp.abs(x) <= 1, x, 1.0),),
                  "huber_one_side"),
           "gradient +1 in the whole linear region (true sign(z)): wrong for z < -1 only",
           bug_at=lambda pt: pt["z"] < -1),
    broken("vjp.gelu-dropped-pdf-term", "jax.nn.gelu-erf",
           custom(lambda x: jax.nn.gelu(x, approximate=False), lambda x: (jss.ndtr(x),),
                  "gelu_dropped_pdf"),
           "gradient Phi(z), the term z phi(z) dropped"),
    broken("vjp.logaddexp-swapped", "jnp.logaddexp",
           custom(jnp.logaddexp, lambda a, b: (_sigmoid(b - a), _sigmoid(a - b)),
                  "logaddexp_swapped"),
           "the two partial derivatives swapped"),
    broken("vjp.log_cosh-naive-overflow", "optax.log_cosh",
           custom(optax.losses.log_cosh,
                  lambda a, b: (jnp.sinh(a - b) / jnp.cosh(a - b),
                                -jnp.sinh(a - b) / jnp.cosh(a - b)),
                  "log_cosh_naive"),
           "tanh computed as sinh/cosh: inf/inf = NaN for |p - t| > 710 (true +-1)",
           bug_at=lambda pt: abs(pt["p"] - pt["t"]) > 710),
    broken("vjp.xlogy-dropped-factor", "jss.xlogy",
           custom(jss.xlogy, lambda a, b: (jnp.log(b), 1 / b), "xlogy_dropped_factor"),
           "d/dy written 1/y: the factor x dropped"),
    broken("vjp.elu-value-for-derivative", "jax.nn.elu",
           custom(jax.nn.elu, lambda x: (jnp.where(x > 0, 1.0, jnp.expm1(x)),),
                  "elu_value_for_derivative"),
           "for z < 0 the backward returns exp(z) - 1 (the value) instead of exp(z)",
           bug_at=lambda pt: pt["z"] < 0),
    broken("vjp.silu-bump-near-zero", "jax.nn.silu",
           custom(jax.nn.silu,
                  lambda x: (_sigmoid(x) * (1 + x * _sigmoid(-x)) + 1e-3 * jnp.exp(-x**2),),
                  "silu_bump"),
           "gradient off by 1e-3 exp(-z**2): wrong near z = 0 only",
           bug_at=lambda pt: abs(pt["z"]) < 6),
]

CORPUS = CORRECT + DEFECTS + BROKEN
"""Every entry, correct functions first, then the library defects, then the broken VJPs."""

_names = [e.name for e in CORPUS]
if len(set(_names)) != len(_names):   # pragma: no cover - a data error, caught at import
    raise ValueError("corpus entry names must be unique")
