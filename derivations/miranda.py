r"""Miranda 2017, "Understanding softmax and the negative log-likelihood".

Class scores $f \in \mathbb{R}^K$, softmax $p_k = e^{f_k} / \Sigma$ with
$\Sigma = \sum_j e^{f_j}$, and the loss of example $i$ with true class $y_i$,
$L_i = -\log p_{y_i}$ (natural log: the post differentiates it as $-1/p$).

The post's claims: the softmax maps into $(0, 1)$ and sums to 1; the figure's probabilities
(0.71, 0.26, 0.04); the loss $-\log y$ tends to $\infty$ at 0, is 0 at 1 and decreases; and the
section "Derivative of the softmax", step by step:
$$\frac{\partial L_i}{\partial f_k} = \frac{\partial L_i}{\partial p_k}\frac{\partial p_k}{\partial f_k},
  \qquad \frac{\partial L_i}{\partial p_k} = -\frac{1}{p_k}, \qquad
  \frac{\partial p_k}{\partial f_k} = p_k (1 - p_k), \qquad
  \frac{\partial L_i}{\partial f_k} = p_k - 1.$$
As written, the chain rule drops the sum over classes ($L_i$ depends on $f_k$ through every
$p_j$, not only $p_k$), $\partial L_i / \partial p_k = -1/p_k$ holds only for $k = y_i$ (for
$k \neq y_i$ it is 0), and so does the result: the true derivative is
$p_k - \mathbb{1}\{k = y_i\}$.  Each step as written is a row (refuted with a counterexample a
student can check by hand: two classes, equal scores), next to the narrower claims that hold.

Claims about every number of classes use index notation with a symbolic $K$
(:mod:`derivations.indexed`).
"""

from __future__ import annotations

import sympy as sp

from .claims import (EqualityClaim, GradientClaim, InequalityClaim, Interval, LimitClaim,
                     ValueClaim, open_interval, real_line)
from .indexed import (IndexedEqualityClaim, IndexedGradientClaim, IndexedInequalityClaim, index,
                       size)
from .sources import miranda

__all__ = ["K", "f", "k", "y_i", "p", "loss", "QX", "QD", "pv", "CLAIMS"]

K = size("K")
k, j, y_i = index("k"), index("j"), index("y_i")
f = sp.IndexedBase("f", real=True)
P = sp.IndexedBase("p", positive=True)   # the probabilities as free variables in (0, 1)

Sigma = sp.Sum(sp.exp(f[j]), (j, 1, K))
"""$\\Sigma = \\sum_j e^{f_j}$."""


def p(t):
    r"""$p_t = e^{f_t} / \sum_j e^{f_j}$."""
    return sp.exp(f[t]) / Sigma


loss = -sp.log(p(y_i))
"""$L_i = -\\log p_{y_i}$ as a function of the scores."""

dL_dp = sp.diff(-sp.log(P[y_i]), P[k]).xreplace({P[y_i]: p(y_i)})
"""The true $\\partial L_i / \\partial p_k = -\\delta_{k y_i} / p_{y_i}$ (probabilities as variables)."""

_SIZES = (2, 10, 1000)
_IX = dict(shapes={f: (K,)}, size_min={K: 2}, sizes=_SIZES)
_KY = {k: (1, K), y_i: (1, K)}
_RANGE = r"\quad (K \ge 2,\ f \in \mathbb{R}^K,\ k, y_i \in \{1, \dots, K\})"
_PR = dict(shapes={P: (K,)}, entry_domains={P: open_interval(0, 1)}, size_min={K: 2}, sizes=_SIZES)

_SOFT = miranda("Softmax Activation Function")
_NLL = miranda("Negative Log-Likelihood (NLL)")
# the true probabilities behind the printed figures 0.71, 0.26, 0.04 (miranda.figure_sum_printed)
_PC, _PD, _PH = sp.symbols("p_cat p_dog p_horse", real=True)
_DER = miranda("Derivative of the Softmax")

_yv = sp.Symbol("y", positive=True)
_Y01 = {_yv: Interval(0.0, 1.0, lo_open=True, hi_open=False)}


def _d(a, b):
    return sp.KroneckerDelta(a, b)


# One probability vector that rounds to the printed 0.71, 0.26, 0.04: p* = (0.708, 0.256, 0.036),
# the softmax of the scores f* = (ln 708, ln 256, ln 36) (any common shift gives the same p*).
_FSTAR = (708, 256, 36)


def _figure_p(t):
    e = [sp.exp(sp.log(v)) for v in _FSTAR]
    return e[t] / sp.Add(*e)


def _quotient_rule():
    x, u, v, s, t = sp.symbols("x u v s t", real=True)
    fx, gx = u + v * x, s + t * x
    return (fx / gx, x, (gx * sp.diff(fx, x) - fx * sp.diff(gx, x)) / gx**2,
            {x: real_line(), u: real_line(), v: real_line(), s: real_line(), t: real_line()})


_QC, QX, QD, _QDOM = _quotient_rule()
"""The quotient rule on linear $f = u + vx$, $g = s + tx$: ``QX`` is $x$, ``QD`` the true
$(g f' - f g')/g^2$."""
pv = sp.Symbol("p_k", positive=True)
"""$p_k$ as a number in $(0, 1)$."""

CLAIMS = (
    IndexedInequalityClaim(
        id="miranda.softmax_in_unit_interval",
        title="The softmax squashes the scores between 0 and 1",
        source=_SOFT,
        statement=r"S(f_{y_i}) = \frac{e^{f_{y_i}}}{\sum_j e^{f_j}} \in (0, 1)" + _RANGE,
        lhs=[p(y_i), p(y_i)], relation=(">", "<"), rhs=[0, 1], ranges={y_i: (1, K)}, **_IX,
        note="'Squashes a vector of size K between 0 and 1' read as every output in the open "
             "interval (0, 1), which holds for K >= 2 (with K = 1 the output is 1).",
    ),
    IndexedEqualityClaim(
        id="miranda.softmax_sums_to_one",
        title="The softmax vector sums to 1",
        source=_SOFT,
        statement=r"\sum_{k=1}^K \frac{e^{f_k}}{\sum_j e^{f_j}} = 1 \quad (K \ge 2,\ f \in \mathbb{R}^K)",
        lhs=sp.Sum(p(k), (k, 1, K)), rhs=1, ranges={}, **_IX,
    ),
    ValueClaim(
        id="miranda.figure_sum_printed",
        title="The printed probabilities 0.71 + 0.26 + 0.04 sum to 1",
        source=_SOFT,
        statement=r"0.71 + 0.26 + 0.04 = 1",
        expr=_PC + _PD + _PH, quoted="1", exact=True,
        printed={_PC: "0.71", _PD: "0.26", _PH: "0.04"},
        note="The figure is missing; the text gives cat 0.71, dog 0.26, horse 0.04 for its first "
             "example, and says the softmax vector sums to 1. The printed digits sum to 1.01, but "
             "they are rounded to two decimals: each stands for a true probability within 0.005 "
             "of it, so the true sum can be anything in [0.995, 1.025], which contains 1. Read "
             "to its printed precision (interval arithmetic), the sentence holds; the next three "
             "rows give one softmax output that prints exactly so.",
    ),
    ValueClaim(
        id="miranda.figure_cat",
        title="Consistent with rounding: a softmax output that prints as 0.71 (cat)",
        source=_SOFT,
        statement=r"p^*_1 = \frac{708}{708 + 256 + 36} = 0.708 \approx 0.71,\ f^* = (\ln 708, \ln 256, \ln 36)",
        expr=_figure_p(0), quoted="0.71",
        note="As far as the text allows (the figure and its scores are missing): the scores "
             "f* = (ln 708, ln 256, ln 36), or any common shift of them, give the probability "
             "vector (0.708, 0.256, 0.036), which sums to 1 and rounds to the printed "
             "(0.71, 0.26, 0.04). So the printed numbers are consistent with a softmax output.",
    ),
    ValueClaim(
        id="miranda.figure_dog",
        title="Consistent with rounding: a softmax output that prints as 0.26 (dog)",
        source=_SOFT,
        statement=r"p^*_2 = \frac{256}{708 + 256 + 36} = 0.256 \approx 0.26",
        expr=_figure_p(1), quoted="0.26",
        note="Same probability vector as miranda.figure_cat.",
    ),
    ValueClaim(
        id="miranda.figure_horse",
        title="Consistent with rounding: a softmax output that prints as 0.04 (horse)",
        source=_SOFT,
        statement=r"p^*_3 = \frac{36}{708 + 256 + 36} = 0.036 \approx 0.04",
        expr=_figure_p(2), quoted="0.04",
        note="Same probability vector as miranda.figure_cat.",
    ),
    LimitClaim(
        id="miranda.loss_infinite_at_0",
        title="The loss -log y reaches infinity as its input goes to 0",
        source=_NLL,
        statement=r"\lim_{y \to 0^+} (-\log y) = +\infty",
        expr=-sp.log(_yv), var=_yv, point=0, direction="+", value=sp.oo, domain=_Y01,
        note="The figure caption 'reaches infinity when input is 0', as a limit (log is natural).",
    ),
    ValueClaim(
        id="miranda.loss_zero_at_1",
        title="The loss -log y is 0 at input 1",
        source=_NLL,
        statement=r"-\log 1 = 0",
        expr=-sp.log(sp.Integer(1)), quoted="0", exact=True,
    ),
    InequalityClaim(
        id="miranda.loss_decreasing",
        title="Less unhappy at larger values: -log y decreases on (0, 1]",
        source=_NLL,
        statement=r"\frac{d}{dy} (-\log y) = -\frac{1}{y} < 0 \text{ on } (0, 1]",
        lhs=sp.diff(-sp.log(_yv), _yv), relation="<", domain=_Y01,
        note="'Becomes less unhappy at larger values' and the second caption 'higher confidence "
             "at the correct class leads to lower loss and vice-versa', as strict decrease.",
    ),
    IndexedGradientClaim(
        id="miranda.chain_rule_as_written",
        title="The chain rule as written: dL_i/df_k = (dL_i/dp_k)(dp_k/df_k)",
        source=_DER,
        statement=r"\frac{\partial L_i}{\partial f_k} = \frac{\partial L_i}{\partial p_k} \frac{\partial p_k}{\partial f_k}" + _RANGE,
        cost=loss, wrt=f[k], claimed=dL_dp * sp.diff(p(k), f[k]), ranges=_KY, **_IX,
        note="Both factors are the true partial derivatives (SymPy's): dL_i/dp_k = -delta_{k y_i}"
             " / p_{y_i} with the probabilities as variables, and dp_k/df_k = p_k(1 - p_k). The "
             "product keeps one path of the chain rule; L_i depends on f_k through every p_j, and "
             "the rule needs sum_j (dL_i/dp_j)(dp_j/df_k). For k = y_i the product is p_k - 1 "
             "(correct); for k != y_i it is 0, while the true derivative is p_k (the region: "
             "k = y_i). The narrower claim that holds is the text's next sentence, "
             "miranda.chain_rule_via_p_yi.",
    ),
    IndexedGradientClaim(
        id="miranda.chain_rule_via_p_yi",
        title="Narrower claim that holds: the chain rule through p_{y_i} (the text's next sentence)",
        source=_DER,
        statement=r"\frac{\partial L_i}{\partial f_k} = \frac{\partial L_i}{\partial p_{y_i}} \frac{\partial p_{y_i}}{\partial f_k}" + _RANGE,
        cost=loss, wrt=f[k], claimed=-1 / p(y_i) * sp.diff(p(y_i), f[k]), ranges=_KY, **_IX,
        note="The sentence after the display says 'then we solve dp_{y_i}/df_k': L_i depends on "
             "the scores only through p_{y_i}, so this one-path chain rule is exact.",
    ),
    IndexedGradientClaim(
        id="miranda.dl_dp_as_written",
        title="dL_i/dp_k = -1/p_k for every class k",
        source=_DER,
        statement=r"\frac{\partial L_i}{\partial p_k} = -\frac{1}{p_k}"
                  r"\quad (L_i = -\log p_{y_i},\ p \in (0, 1)^K,\ k, y_i \in \{1, \dots, K\})",
        cost=-sp.log(P[y_i]), wrt=P[k], claimed=-1 / P[k], ranges=_KY, **_PR,
        note="L_i = -log p_{y_i} depends on p_{y_i} only: dL_i/dp_k = -delta_{k y_i}/p_{y_i}. "
             "The text's -1/p_k holds for k = y_i only (its region); the general form is "
             "miranda.dl_dp.",
    ),
    IndexedGradientClaim(
        id="miranda.dl_dp",
        title="Narrower claim that holds: dL_i/dp_k = -1{k = y_i}/p_{y_i}",
        source=_DER,
        statement=r"\frac{\partial L_i}{\partial p_k} = -\frac{\mathbf{1}\{k = y_i\}}{p_{y_i}}"
                  r"\quad (L_i = -\log p_{y_i},\ p \in (0, 1)^K,\ k, y_i \in \{1, \dots, K\})",
        cost=-sp.log(P[y_i]), wrt=P[k], claimed=-_d(k, y_i) / P[y_i], ranges=_KY, **_PR,
        note="Not in the text: the derivative for every class, of which the text's -1/p_k is the "
             "k = y_i case (the region of miranda.dl_dp_as_written).",
    ),
    EqualityClaim(
        id="miranda.quotient_rule_as_printed",
        title="The quotient rule as printed: f/g = (g Df - f Dg)/g^2",
        source=_DER,
        statement=r"\frac{f(x)}{g(x)} = \frac{g(x) \mathbf{D} f(x) - f(x) \mathbf{D} g(x)}{g(x)^2}",
        lhs=_QC, rhs=QD, domain=_QDOM,
        note="As printed, the left-hand side is f(x)/g(x), without the operator D that the right-hand "
             "side uses (the markup lost it, or the author did): a function equated with a "
             "derivative, false (f = 1, g = 1: 1 against 0). Checked on linear f(x) = u + v x, "
             "g(x) = s + t x, which suffices (the right side depends on f, f', g, g' only). The "
             "intended rule, D(f/g), is the next row.",
    ),
    GradientClaim(
        id="miranda.quotient_rule",
        title="Narrower claim that holds: the intended quotient rule D(f/g) = (g Df - f Dg)/g^2",
        source=_DER,
        statement=r"\mathbf{D}\frac{f(x)}{g(x)} = \frac{g(x) \mathbf{D} f(x) - f(x) \mathbf{D} g(x)}{g(x)^2}",
        cost=_QC, wrt=QX, claimed=QD, domain=_QDOM,
        note="The rule the sentence introduces ('let the derivative be represented by the operator "
             "D'), with the D restored on the left. The derivative of f/g at a point depends only "
             "on f, f', g, g' there, so checking it for every linear f(x) = u + v x and "
             "g(x) = s + t x (all of u, v, s, t, x real, g != 0) checks it for every "
             "differentiable f and g.",
    ),
    IndexedGradientClaim(
        id="miranda.dsigma",
        title="D Sigma = e^{f_k}",
        source=_DER,
        statement=r"\mathbf{D}\Sigma = \frac{\partial}{\partial f_k} \sum_j e^{f_j} = e^{f_k}" + _RANGE,
        cost=Sigma, wrt=f[k], claimed=sp.exp(f[k]), ranges={k: (1, K)}, **_IX,
    ),
    IndexedGradientClaim(
        id="miranda.dsigma_terms",
        title="'The derivative is 0 in the non-k elements, but e^{f_k} at k'",
        source=_DER,
        statement=r"\frac{\partial}{\partial f_k} e^{f_j} = \begin{cases} e^{f_k}, & j = k \\ 0, & j \neq k \end{cases}"
                  r"\quad (K \ge 2,\ j, k \in \{1, \dots, K\})",
        cost=sp.exp(f[j]), wrt=f[k], claimed=sp.Piecewise((sp.exp(f[k]), sp.Eq(j, k)), (0, True)),
        ranges={j: (1, K), k: (1, K)}, **_IX,
    ),
    IndexedGradientClaim(
        id="miranda.dp_df_quotient",
        title="dp_k/df_k by the quotient rule",
        source=_DER,
        statement=r"\frac{\partial p_k}{\partial f_k} = \frac{\partial}{\partial f_k} \left(\frac{e^{f_k}}{\sum_j e^{f_j}}\right) = \frac{\Sigma \mathbf{D} e^{f_k} - e^{f_k} \mathbf{D} \Sigma}{\Sigma^2}"
                  r"\quad (K \ge 2,\ k \in \{1, \dots, K\})",
        cost=p(k), wrt=f[k],
        claimed=(Sigma * sp.diff(sp.exp(f[k]), f[k]) - sp.exp(f[k]) * sp.diff(Sigma, f[k])) / Sigma**2,
        ranges={k: (1, K)}, **_IX,
        note="D is the derivative in f_k (SymPy's, inside the rule).",
    ),
    IndexedGradientClaim(
        id="miranda.dp_df_factored",
        title="dp_k/df_k = e^{f_k} (Sigma - e^{f_k}) / Sigma^2",
        source=_DER,
        statement=r"\frac{\partial p_k}{\partial f_k} = \frac{e^{f_k} (\Sigma - e^{f_k})}{\Sigma^2}"
                  r"\quad (K \ge 2,\ k \in \{1, \dots, K\})",
        cost=p(k), wrt=f[k], claimed=sp.exp(f[k]) * (Sigma - sp.exp(f[k])) / Sigma**2,
        ranges={k: (1, K)}, **_IX,
    ),
    IndexedGradientClaim(
        id="miranda.dp_df",
        title="dp_k/df_k = p_k (1 - p_k)",
        source=_DER,
        statement=r"\frac{\partial p_k}{\partial f_k} = \frac{e^{f_k}}{\Sigma} \frac{\Sigma - e^{f_k}}{\Sigma} = p_k (1 - p_k)"
                  r"\quad (K \ge 2,\ k \in \{1, \dots, K\})",
        cost=p(k), wrt=f[k], claimed=p(k) * (1 - p(k)), ranges={k: (1, K)}, **_IX,
    ),
    EqualityClaim(
        id="miranda.combine_algebra",
        title="The algebra of the last display: -(1/p_k) p_k (1 - p_k) = p_k - 1",
        source=_DER,
        statement=r"-\frac{1}{p_k} \left(p_k (1 - p_k)\right) = p_k - 1,\ p_k \in (0, 1)",
        lhs=-1 / pv * (pv * (1 - pv)), rhs=pv - 1, domain={pv: open_interval(0, 1)},
        note="The algebra is right; what is wrong is its first factor for k != y_i "
             "(miranda.dl_dp_as_written).",
    ),
    IndexedGradientClaim(
        id="miranda.dl_df_as_written",
        title="dL_i/df_k = p_k - 1 for every class k",
        source=_DER,
        statement=r"\frac{\partial L_i}{\partial f_k} = p_k - 1" + _RANGE,
        cost=loss, wrt=f[k], claimed=p(k) - 1, ranges=_KY, **_IX,
        note="The final result as written, for every k. True only for k = y_i (its region); "
             "for k != y_i the derivative is p_k. The correct general form is "
             "p_k - 1{k = y_i} (miranda.dl_df).",
    ),
    IndexedGradientClaim(
        id="miranda.dl_df",
        title="Narrower claim that holds: dL_i/df_k = p_k - 1{k = y_i}",
        source=_DER,
        statement=r"\frac{\partial L_i}{\partial f_k} = p_k - \mathbf{1}\{k = y_i\}" + _RANGE,
        cost=loss, wrt=f[k], claimed=p(k) - _d(k, y_i), ranges=_KY, **_IX,
        note="Not in the text: the derivative for every class, which the text's p_k - 1 gives "
             "for the true class only.",
    ),
)
