r"""Ko 2026, section 2 (single neuron): sigmoid + binary cross-entropy.

Per sample $C_x(a) = -[y \ln a + (1-y)\ln(1-a)]$ with $a = \sigma(z) \in (0,1)$, and the
dataset cost $C = \frac1n \sum_x C_x$.  The section claims: $C_x \ge 0$; $C_x \to 0$ at the
classification corners; $\partial C_x/\partial a = (a-y)/(a(1-a))$; the critical point $a = y$;
$\partial^2 C_x/\partial a^2 = y/a^2 + (1-y)/(1-a)^2 \ge (a-y)^2/(a^2(1-a)^2) \ge 0$,
"vanishing only at $a = y$"; convexity; the minimizer $a^* = y$ and minimum value (the binary
entropy); the boundary behaviour; and, for a neuron with inputs $x_j$,
$$\frac{\partial C}{\partial w_j} = \frac1n \sum_x x_j (\sigma(z) - y), \qquad
  \frac{\partial C}{\partial b} = \frac1n \sum_x (\sigma(z) - y).$$

Dataset claims use $n = 3$ samples with two inputs each (explicit symbols), which is enough to
expose a missing sum or a missing $1/n$; the identities are linear in the samples.
"""

from __future__ import annotations

import sympy as sp

from .claims import (EqualityClaim, GradientClaim, InequalityClaim, LimitClaim,
                     closed_interval, open_interval, real_line)
from .functions import sigmoid
from .sources import ko

__all__ = ["a", "y", "cost_per_sample", "dC_da", "d2C_da2", "binary_entropy", "N_SAMPLES",
           "W", "B", "X", "Y", "cost", "grad_w", "grad_b", "CLAIMS"]

a = sp.Symbol("a", positive=True)
y = sp.Symbol("y", real=True)


def ce(a_, y_):
    r"""$-[y \ln a + (1 - y)\ln(1 - a)]$."""
    return -(y_ * sp.log(a_) + (1 - y_) * sp.log(1 - a_))


cost_per_sample = ce(a, y)
dC_da = -y / a + (1 - y) / (1 - a)
d2C_da2 = y / a**2 + (1 - y) / (1 - a) ** 2
binary_entropy = -(y * sp.log(y) + (1 - y) * sp.log(1 - y))

# A neuron with two inputs, n = 3 samples: z_i = w_1 x_{i1} + w_2 x_{i2} + b.
N_SAMPLES, N_INPUTS = 3, 2
W = sp.symbols("w_1:3", real=True)
B = sp.Symbol("b", real=True)
X = tuple(tuple(sp.Symbol(f"x_{i}{j}", real=True) for j in range(1, N_INPUTS + 1))
          for i in range(1, N_SAMPLES + 1))
Y = sp.symbols(f"y_1:{N_SAMPLES + 1}", real=True)
Z = tuple(sum(W[j] * X[i][j] for j in range(N_INPUTS)) + B for i in range(N_SAMPLES))
A = tuple(sigmoid(zi) for zi in Z)
cost = sp.Rational(1, N_SAMPLES) * sum(ce(A[i], Y[i]) for i in range(N_SAMPLES))
grad_w = tuple(sp.Rational(1, N_SAMPLES) * sum(X[i][j] * (A[i] - Y[i]) for i in range(N_SAMPLES))
               for j in range(N_INPUTS))
grad_b = sp.Rational(1, N_SAMPLES) * sum(A[i] - Y[i] for i in range(N_SAMPLES))


def _mean(f):
    return sp.Rational(1, N_SAMPLES) * sum(f(i) for i in range(N_SAMPLES))


def _sp(zz):
    return sigmoid(zz) * (1 - sigmoid(zz))


_A01 = {a: open_interval(0, 1)}
_AY = {a: open_interval(0, 1), y: closed_interval(0, 1)}
_DATA = {**{s: real_line() for s in W}, B: real_line(),
         **{s: real_line() for row in X for s in row}, **{s: closed_interval(0, 1) for s in Y}}

_COST = ko(2)
_LEGIT = ko(2, "Is the cross-entropy cost a legitimate cost function?")
_MIN = ko(2, "The minimum of the cross-entropy cost function")
_BOUND = ko(2, "Boundary behavior")
_AVOID = ko(2, "How does the cross-entropy cost avoid learning slowdown?")

_a1, _a2, _y1 = sp.symbols("a_1 a_2 y_1", positive=True)
_t = sp.Symbol("t", positive=True)
_y2 = sp.Symbol("y_2", real=True)

CLAIMS = (
    EqualityClaim(
        id="bce_sigmoid.dataset_cost_formula",
        title="The dataset cost written without the sum over samples",
        source=_COST,
        statement=r"C = \frac{1}{n} \sum_x C_x = -\frac{1}{n} \left[y \ln a + (1 - y) \ln(1 - a)\right]",
        lhs=sp.Rational(1, 2) * (ce(_a1, _y1) + ce(_a2, _y2)),
        rhs=-sp.Rational(1, 2) * (_y1 * sp.log(_a1) + (1 - _y1) * sp.log(1 - _a1)),
        domain={_a1: open_interval(0, 1), _a2: open_interval(0, 1),
                _y1: closed_interval(0, 1), _y2: closed_interval(0, 1)},
        note="Checked with n = 2 samples (a_1, y_1), (a_2, y_2): the right-hand side as printed "
             "has no sum over x, so it keeps one sample's term. It holds for n = 1 only.",
    ),
    InequalityClaim(
        id="bce_sigmoid.log_a_negative",
        title="ln a is negative on (0, 1)",
        source=_LEGIT, statement=r"a \in (0, 1) \Rightarrow \ln a < 0",
        lhs=sp.log(a), relation="<", domain=_A01,
    ),
    InequalityClaim(
        id="bce_sigmoid.log_1ma_negative",
        title="ln(1 - a) is negative on (0, 1)",
        source=_LEGIT, statement=r"a \in (0, 1) \Rightarrow \ln (1 - a) < 0",
        lhs=sp.log(1 - a), relation="<", domain=_A01,
    ),
    InequalityClaim(
        id="bce_sigmoid.inner_sum_negative",
        title="y ln a + (1 - y) ln(1 - a) < 0",
        source=_LEGIT, statement=r"y \ln a + (1 - y) \ln(1 - a) < 0",
        lhs=y * sp.log(a) + (1 - y) * sp.log(1 - a), relation="<", domain=_AY,
        note="For every target y in [0, 1] (the section's 'Fix a target y in [0, 1]').",
    ),
    InequalityClaim(
        id="bce_sigmoid.nonnegative",
        title="The cross-entropy is non-negative",
        source=_LEGIT, statement=r"C_x = -\left[y \ln a + (1 - y) \ln(1 - a)\right] \geq 0",
        lhs=cost_per_sample, relation=">=", domain=_AY,
    ),
    InequalityClaim(
        id="bce_sigmoid.dataset_nonnegative",
        title="The dataset cost, an average of non-negative terms, is non-negative",
        source=_LEGIT, statement=r"C = \frac{1}{n} \sum_x C_x \geq 0",
        lhs=sp.Rational(1, 2) * (ce(_a1, _y1) + ce(_a2, _y2)), relation=">=",
        domain={_a1: open_interval(0, 1), _a2: open_interval(0, 1),
                _y1: closed_interval(0, 1), _y2: closed_interval(0, 1)},
        note="n = 2 samples.",
    ),
    LimitClaim(
        id="bce_sigmoid.corner_y0",
        title="y = 0 and a -> 0: the cost tends to 0",
        source=_LEGIT, statement=r"y = 0,\ a \to 0 \Rightarrow C_x = -\ln(1 - a) \to 0",
        expr=cost_per_sample.subs(y, 0), var=a, point=0, direction="+", value=0, domain=_A01,
    ),
    LimitClaim(
        id="bce_sigmoid.dataset_cost_near_zero",
        title="'When predictions are correct, the dataset cost is close to 0'",
        source=_LEGIT,
        statement=r"y_1 = 1,\ y_2 = 0,\ a_1 = 1 - t,\ a_2 = t:\ \lim_{t \to 0^+} "
                  r"\tfrac12\left[C_{x_1} + C_{x_2}\right] = 0",
        expr=sp.Rational(1, 2) * (ce(1 - _t, 1) + ce(_t, 0)), var=_t, point=0, direction="+",
        value=0, domain={_t: open_interval(0, 1)},
        note="'Correct predictions' read as every prediction tending to its label: one sample of "
             "each class (n = 2), both within t of their label; the average of the two per-sample "
             "limits (bce_sigmoid.corner_y0, bce_sigmoid.corner_y1) tends to 0 as t -> 0.",
    ),
    LimitClaim(
        id="bce_sigmoid.corner_y1",
        title="y = 1 and a -> 1: the cost tends to 0",
        source=_LEGIT, statement=r"y = 1,\ a \to 1 \Rightarrow C_x = -\ln a \to 0",
        expr=cost_per_sample.subs(y, 1), var=a, point=1, direction="-", value=0, domain=_A01,
    ),
    GradientClaim(
        id="bce_sigmoid.dc_da",
        title="Derivative of the cross-entropy in a",
        source=_MIN, statement=r"\frac{\partial C_x}{\partial a} = -\frac{y}{a} + \frac{1 - y}{1 - a}",
        cost=cost_per_sample, wrt=a, claimed=dC_da, domain=_AY,
    ),
    GradientClaim(
        id="bce_sigmoid.dc_da_combined",
        title="Derivative of the cross-entropy in a, one fraction",
        source=_MIN, statement=r"\frac{\partial C_x}{\partial a} = \frac{a - y}{a(1 - a)}",
        cost=cost_per_sample, wrt=a, claimed=(a - y) / (a * (1 - a)), domain=_AY,
    ),
    EqualityClaim(
        id="bce_sigmoid.critical_point",
        title="The derivative vanishes at a = y",
        source=_MIN, statement=r"\left.\frac{\partial C_x}{\partial a}\right|_{a = y} = 0",
        lhs=sp.Subs(dC_da, a, y).doit(), rhs=0,
        domain={y: open_interval(0, 1)},
        note="For y in (0, 1), where a = y is a point of a's range (0, 1). For y in {0, 1} there "
             "is no stationary point in (0, 1): see bce_sigmoid.minimizer_attained.",
    ),
    EqualityClaim(
        id="bce_sigmoid.critical_point_only",
        title="The critical point is a = y and no other: dC_x/da has the sign of a - y",
        source=_MIN,
        statement=r"\operatorname{sign} \frac{\partial C_x}{\partial a} = \operatorname{sign}(a - y),"
                  r"\ a, y \in (0, 1)",
        lhs=sp.sign(sp.factor(sp.together(dC_da))), rhs=sp.sign(a - y),
        domain={a: open_interval(0, 1), y: open_interval(0, 1)},
        note="'The critical point solves dC_x/da = 0, i.e. a = y' is an iff; bce_sigmoid.critical_point "
             "is the 'if'. The 'only if', and more: dC_x/da = (a - y)/(a(1 - a)) with a(1 - a) > 0, so "
             "its sign is that of a - y: zero exactly at a = y, C_x falling before and rising after.",
    ),
    GradientClaim(
        id="bce_sigmoid.second_derivative",
        title="Second derivative of the cross-entropy in a",
        source=_MIN,
        statement=r"\frac{\partial^2 C_x}{\partial a^2} = \frac{y}{a^2} + \frac{1 - y}{(1 - a)^2}",
        cost=sp.diff(cost_per_sample, a), wrt=a, claimed=d2C_da2, domain=_AY,
    ),
    EqualityClaim(
        id="bce_sigmoid.second_derivative_combined",
        title="Second derivative as one fraction",
        source=_MIN,
        statement=r"\frac{y}{a^2} + \frac{1 - y}{(1 - a)^2} = \frac{a^2 - 2ay + y}{a^2(1 - a)^2}",
        lhs=d2C_da2, rhs=(a**2 - 2 * a * y + y) / (a**2 * (1 - a) ** 2), domain=_AY,
    ),
    InequalityClaim(
        id="bce_sigmoid.second_derivative_lower_bound",
        title="y >= y^2 on [0, 1] bounds the second derivative below",
        source=_MIN,
        statement=r"\frac{a^2 - 2ay + y}{a^2(1 - a)^2} \geq \frac{a^2 - 2ay + y^2}{a^2(1 - a)^2}",
        lhs=(a**2 - 2 * a * y + y) / (a**2 * (1 - a) ** 2), relation=">=",
        rhs=(a**2 - 2 * a * y + y**2) / (a**2 * (1 - a) ** 2), domain=_AY,
    ),
    EqualityClaim(
        id="bce_sigmoid.lower_bound_square",
        title="The lower bound is a square",
        source=_MIN,
        statement=r"\frac{a^2 - 2ay + y^2}{a^2(1 - a)^2} = \frac{(a - y)^2}{a^2(1 - a)^2}",
        lhs=(a**2 - 2 * a * y + y**2) / (a**2 * (1 - a) ** 2),
        rhs=(a - y) ** 2 / (a**2 * (1 - a) ** 2), domain=_AY,
    ),
    InequalityClaim(
        id="bce_sigmoid.convex",
        title="The second derivative is non-negative on (0, 1): C_x is convex in a",
        source=_MIN, statement=r"\frac{\partial^2 C_x}{\partial a^2} \geq 0 \text{ on } (0, 1)",
        lhs=d2C_da2, relation=">=", domain=_AY,
    ),
    EqualityClaim(
        id="bce_sigmoid.second_derivative_vanishes_at_y",
        title="'The second derivative vanishes only at a = y'",
        source=_MIN, statement=r"\left.\frac{\partial^2 C_x}{\partial a^2}\right|_{a = y} = 0",
        lhs=sp.Subs(d2C_da2, a, y).doit(), rhs=0, domain={y: open_interval(0, 1)},
        note="The text says the second derivative 'vanishes only at a = y'. At a = y it equals "
             "1/y + 1/(1-y) > 0; it is the lower bound (a-y)^2/(a^2(1-a)^2) that vanishes there. "
             "The narrower claim that holds: bce_sigmoid.strictly_convex.",
    ),
    InequalityClaim(
        id="bce_sigmoid.strictly_convex",
        title="Narrower claim that holds: the second derivative is strictly positive",
        source=_MIN, statement=r"\frac{\partial^2 C_x}{\partial a^2} > 0 \text{ on } (0, 1)",
        lhs=d2C_da2, relation=">", domain=_AY,
        note="Not in the text: what is true in place of 'vanishes only at a = y'. "
             "It makes the minimizer unique.",
    ),
    InequalityClaim(
        id="bce_sigmoid.minimizer_attained",
        title="'The stationary point a* = y is the unique global minimizer' (for y in [0, 1])",
        source=_MIN, statement=r"a^* = y \in (0, 1) \text{ for every target } y \in [0, 1]",
        lhs=y * (1 - y), relation=">", domain={y: closed_interval(0, 1)},
        note="The section fixes y in [0, 1] and a = sigma(z) in (0, 1). The minimizer a* = y exists "
             "only if y lies in (0, 1), i.e. y(1 - y) > 0. At the corners y in {0, 1} the cost has "
             "no stationary point and no minimizer in (0, 1) (y = 0: dC/da = 1/(1-a) > 0); its "
             "infimum 0 is approached, not attained.",
    ),
    EqualityClaim(
        id="bce_sigmoid.minimum_value",
        title="The minimum value is the binary entropy",
        source=_MIN, statement=r"C_x(a^*) = -\left[y \ln y + (1 - y) \ln(1 - y)\right]",
        lhs=cost_per_sample.subs(a, y), rhs=binary_entropy, domain={y: open_interval(0, 1)},
    ),
    InequalityClaim(
        id="bce_sigmoid.binary_entropy_positive",
        title="The binary entropy is strictly positive for y in (0, 1)",
        source=_MIN, statement=r"-\left[y \ln y + (1 - y) \ln(1 - y)\right] > 0,\ y \in (0, 1)",
        lhs=binary_entropy, relation=">", domain={y: open_interval(0, 1)},
    ),
    LimitClaim(
        id="bce_sigmoid.binary_entropy_corner_0",
        title="The binary entropy tends to 0 at the corner y = 0",
        source=_MIN, statement=r"\lim_{y \to 0^+} -\left[y \ln y + (1 - y) \ln(1 - y)\right] = 0",
        expr=binary_entropy, var=y, point=0, direction="+", value=0,
        domain={y: open_interval(0, 1)},
    ),
    LimitClaim(
        id="bce_sigmoid.binary_entropy_corner_1",
        title="The binary entropy tends to 0 at the corner y = 1",
        source=_MIN, statement=r"\lim_{y \to 1^-} -\left[y \ln y + (1 - y) \ln(1 - y)\right] = 0",
        expr=binary_entropy, var=y, point=1, direction="-", value=0,
        domain={y: open_interval(0, 1)},
    ),
    InequalityClaim(
        id="bce_sigmoid.positive_lower_bound",
        title="For a real target in (0, 1) the loss never goes below the binary entropy",
        source=_MIN,
        statement=r"C_x(a) \geq -\left[y \ln y + (1 - y) \ln(1 - y)\right] > 0,\ a, y \in (0, 1)",
        lhs=cost_per_sample - binary_entropy, relation=">=",
        domain={a: open_interval(0, 1), y: open_interval(0, 1)},
        note="C_x - H(y) = y ln(y/a) + (1 - y) ln((1 - y)/(1 - a)) is the KL divergence of "
             "Bernoulli(y) from Bernoulli(a) (Gibbs' inequality). Its derivative in a is "
             "(a - y)/(a(1 - a)): negative below a = y, positive above, so the minimum over a "
             "is at a = y, where it is 0. Equality at a = y: the bound is attained, not strict.",
    ),
    GradientClaim(
        id="bce_sigmoid.boundary_y1_decreasing",
        title="y = 1: C_x = -ln a decreases as a rises to 1",
        source=_BOUND, statement=r"y = 1:\ \frac{d}{da}(-\ln a) = -\frac{1}{a} < 0",
        cost=-sp.log(a), wrt=a, claimed=-1 / a, domain=_A01,
    ),
    InequalityClaim(
        id="bce_sigmoid.boundary_y1_sign",
        title="y = 1: the derivative is negative, so C_x decreases as a rises",
        source=_BOUND, statement=r"y = 1:\ \frac{d}{da}(-\ln a) < 0,\ a \in (0, 1)",
        lhs=sp.diff(-sp.log(a), a), relation="<", rhs=0, domain=_A01,
        note="The sign the sentence asserts ('decreases'); bce_sigmoid.boundary_y1_decreasing checks "
             "the derivative's formula.",
    ),
    LimitClaim(
        id="bce_sigmoid.boundary_y1_blowup",
        title="y = 1: C_x blows up as a falls to 0",
        source=_BOUND, statement=r"y = 1:\ \lim_{a \to 0^+} -\ln a = +\infty",
        expr=-sp.log(a), var=a, point=0, direction="+", value=sp.oo, domain=_A01,
    ),
    GradientClaim(
        id="bce_sigmoid.boundary_y0_increasing",
        title="y = 0: C_x = -ln(1 - a) decreases as a falls to 0",
        source=_BOUND, statement=r"y = 0:\ \frac{d}{da}(-\ln(1 - a)) = \frac{1}{1 - a} > 0",
        cost=-sp.log(1 - a), wrt=a, claimed=1 / (1 - a), domain=_A01,
    ),
    InequalityClaim(
        id="bce_sigmoid.boundary_y0_sign",
        title="y = 0: the derivative is positive, so C_x decreases as a falls",
        source=_BOUND, statement=r"y = 0:\ \frac{d}{da}(-\ln(1 - a)) > 0,\ a \in (0, 1)",
        lhs=sp.diff(-sp.log(1 - a), a), relation=">", rhs=0, domain=_A01,
        note="The sign the sentence asserts; bce_sigmoid.boundary_y0_increasing checks the formula.",
    ),
    LimitClaim(
        id="bce_sigmoid.boundary_y0_blowup",
        title="y = 0: C_x blows up as a rises to 1",
        source=_BOUND, statement=r"y = 0:\ \lim_{a \to 1^-} -\ln(1 - a) = +\infty",
        expr=-sp.log(1 - a), var=a, point=1, direction="-", value=sp.oo, domain=_A01,
    ),
    GradientClaim(
        id="bce_sigmoid.grad_w_chain",
        title="Weight gradient: the chain-rule line",
        source=_AVOID,
        statement=r"\frac{\partial C}{\partial w_j} = -\frac{1}{n} \sum_x \left(\frac{y}{\sigma(z)} - \frac{1 - y}{1 - \sigma(z)}\right) \sigma'(z)\, x_j",
        cost=cost, wrt=W,
        claimed=[-_mean(lambda i, j=j: (Y[i] / A[i] - (1 - Y[i]) / (1 - A[i])) * _sp(Z[i]) * X[i][j])
                 for j in range(N_INPUTS)],
        domain=_DATA,
    ),
    GradientClaim(
        id="bce_sigmoid.grad_w_cancel",
        title="Weight gradient: sigma' over sigma(1 - sigma)",
        source=_AVOID,
        statement=r"\frac{\partial C}{\partial w_j} = \frac{1}{n} \sum_x \frac{\sigma'(z)}{\sigma(z)(1 - \sigma(z))} (\sigma(z) - y)\, x_j",
        cost=cost, wrt=W,
        claimed=[_mean(lambda i, j=j: _sp(Z[i]) / (A[i] * (1 - A[i])) * (A[i] - Y[i]) * X[i][j])
                 for j in range(N_INPUTS)],
        domain=_DATA,
    ),
    GradientClaim(
        id="bce_sigmoid.grad_w",
        title="Sigmoid + cross-entropy: weight gradient, no sigma' factor",
        source=_AVOID,
        statement=r"\frac{\partial C}{\partial w_j} = \frac{1}{n} \sum_x x_j (\sigma(z) - y)",
        cost=cost, wrt=W, claimed=grad_w, domain=_DATA,
    ),
    GradientClaim(
        id="bce_sigmoid.grad_b_chain",
        title="Bias gradient: the chain-rule line",
        source=_AVOID,
        statement=r"\frac{\partial C}{\partial b} = -\frac{1}{n} \sum_x \left(\frac{y}{\sigma(z)} - \frac{1-y}{1-\sigma(z)}\right) \sigma'(z) \cdot 1",
        cost=cost, wrt=B,
        claimed=-_mean(lambda i: (Y[i] / A[i] - (1 - Y[i]) / (1 - A[i])) * _sp(Z[i])),
        domain=_DATA,
    ),
    GradientClaim(
        id="bce_sigmoid.grad_b",
        title="Sigmoid + cross-entropy: bias gradient, no sigma' factor",
        source=_AVOID,
        statement=r"\frac{\partial C}{\partial b} = \frac{1}{n} \sum_x (\sigma(z) - y)",
        cost=cost, wrt=B, claimed=grad_b, domain=_DATA,
    ),
    LimitClaim(
        id="bce_sigmoid.no_slowdown",
        title="Saturated and wrong: the cross-entropy gradient stays near a - y = 1",
        source=_AVOID,
        statement=r"y = 0:\ \lim_{z \to \infty} \frac{\partial C_x}{\partial b} = \lim_{z \to \infty} (\sigma(z) - y) = 1",
        expr=sp.diff(ce(sigmoid(sp.Symbol("z", real=True)), 0), sp.Symbol("z", real=True)),
        var=sp.Symbol("z", real=True), point=sp.oo, value=1,
        domain={sp.Symbol("z", real=True): real_line()},
        note="Compare mse_sigmoid.slowdown: with the cross-entropy the sigma'(z) factor cancels.",
    ),
)
