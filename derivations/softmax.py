r"""Ko 2026, section 3: the softmax activation function.

For $K$ classes and logits $z \in \mathbb{R}^K$,
$$a_j = \operatorname{softmax}(z)_j = \frac{e^{z_j}}{S}, \qquad S = \sum_{k=1}^K e^{z_k}.$$
The section claims: $a_j \in (0, 1)$ and $\sum_j a_j = 1$; non-locality; the quotient rule (1)
with the derivatives (2), $\partial e^{z_j}/\partial z_k = e^{z_j}\delta_{jk}$ and
$\partial S / \partial z_k = e^{z_k}$; the Jacobian
$$\frac{\partial a_j}{\partial z_k} = a_j(\delta_{jk} - a_k) =
  \begin{cases} a_j(1 - a_j) & j = k \\ -a_j a_k & j \ne k \end{cases}$$
(in matrix form $\operatorname{diag}(a) - a a^\top$); the signs of its entries
(monotonicity); the scaled softmax $a_j(c) = e^{c z_j} / \sum_k e^{c z_k} =
1 / \sum_k e^{c (z_k - z_j)}$; and its limit as $c \to \infty$.

Everything that holds for every $K$ is stated in index notation with a symbolic $K$
(:mod:`derivations.indexed`): SymPy proves it for all $K \ge 2$ and the checkers evaluate it at
$K = 2, 10, 1000$.  The claims are about $K \ge 2$ classes: with $K = 1$, $a_1 = 1$ is not in
$(0, 1)$.  The matrix form is also spelled out for $K = 3$ as an ordinary gradient claim, which the
explicit-size witnesses check independently of the index machinery.

The limit $c \to \infty$ is taken for every $z$ and every $K$ in gap coordinates: $m \ge 1$
entries tie at the maximum and $n = K - m$ lie below it by gaps $g_k > 0$, so for $j$ a maximum
$a_j(c) = 1/(m + \sum_{k=1}^n e^{-c g_k})$ (a finite sum of symbolic length,
:class:`derivations.LimitClaim`).  The text's second case ("if $z_j$ is the largest value,
$a_j(c) \to 1$") fails with a tie (the limit is $1/m$); its region is $m = 1$, a strict maximum.
The indicator formula is refuted at the concrete tie $z = (3, 3, 1)$.
"""

from __future__ import annotations

import sympy as sp

from .claims import GradientClaim, LimitClaim, integers, positive, real_line
from .indexed import (IndexedEqualityClaim, IndexedGradientClaim, IndexedInequalityClaim, index,
                       size)
from .sources import ko

__all__ = ["K", "z", "j", "k", "i", "S", "softmax", "jacobian", "jacobian_explicit", "CLAIMS"]

K = size("K")
j, k, i = index("j"), index("k"), index("i")
z = sp.IndexedBase("z", real=True)
c = sp.Symbol("c", positive=True)

S = sp.Sum(sp.exp(z[i]), (i, 1, K))
"""$S = \\sum_{i=1}^K e^{z_i}$ (summation index ``i``)."""


def softmax(t, base=z, dummy=i, size_=K):
    r"""$a_t = e^{z_t} / \sum_{i=1}^K e^{z_i}$ with the summation index ``dummy``."""
    return sp.exp(base[t]) / sp.Sum(sp.exp(base[dummy]), (dummy, 1, size_))


def _d(p, q):
    return sp.KroneckerDelta(p, q)


jacobian = softmax(j) * (_d(j, k) - softmax(k))
"""$a_j(\\delta_{jk} - a_k)$, the claimed $\\partial a_j / \\partial z_k$."""

_SIZES = (2, 10, 1000)
EXPLICIT_SIZES = (3,)
"""Class counts at which the matrix form is also spelled out as an ordinary gradient claim.

Each costs the explicit witnesses some seconds (the referee re-evaluates K^2 entries in
mpmath at every saturated point); ``_matrix_claim(n)`` builds the row for any other n."""
_IX = dict(shapes={z: (K,)}, size_min={K: 2}, sizes=_SIZES)
_JK = {j: (1, K), k: (1, K)}
_J = {j: (1, K)}
_RANGE = r"\quad (K \ge 2,\ z \in \mathbb{R}^K,\ j, k \in \{1, \dots, K\})"
_RANGE_ANY = r"\quad (K \ge 1,\ z \in \mathbb{R}^K,\ j \in \{1, \dots, K\})"
_IX_ANY = dict(shapes={z: (K,)}, size_min={K: 1}, sizes=(1,) + _SIZES)
"""Every number of classes the text's 'K classes' allows, one included (the sentence as written)."""

_DEF = ko(3)
_PROP = ko(3, "Properties of the softmax activation function")
_NAME = ko(3, "Where does the name \u201csoftmax\u201d come from?")


def jacobian_explicit(n: int):
    r"""$(z_1..z_n)$, the softmax column $a$ and $\operatorname{diag}(a) - a a^\top$ for $n$ classes."""
    zs = sp.symbols(f"z_1:{n + 1}", real=True)
    e = [sp.exp(v) for v in zs]
    s = sp.Add(*e)
    a = sp.Matrix([ei / s for ei in e])
    return zs, a, sp.diag(*a) - a * a.T


def _matrix_claim(n: int):
    zs, a, jac = jacobian_explicit(n)
    return GradientClaim(
        id=f"softmax.jacobian_matrix_k{n}",
        title=f"Jacobian in matrix form diag(a) - a a^T, K = {n} spelled out",
        source=_PROP,
        statement=r"\frac{\partial a}{\partial z} = \operatorname{diag}(a) - a a^\top \quad (K = "
                  + str(n) + ")",
        cost=a, wrt=zs, claimed=jac, domain={v: real_line() for v in zs},
        note="The text writes the Jacobian entry by entry; this is its matrix form (the boxed "
             "cases as one matrix), checked here at an explicit size by the ordinary gradient "
             "witnesses, independently of the index machinery of softmax.jacobian_matrix.",
    )


def _a_c(t, zs, cc=c):
    """$a_t(c)$ at concrete logits ``zs`` (1-based ``t``)."""
    return sp.exp(cc * zs[t - 1]) / sp.Add(*[sp.exp(cc * v) for v in zs])


_TIE = (3, 3, 1)
_C = {c: positive()}

# Every z, for every K, in gap coordinates (the limit rows): m >= 1 entries tie at the maximum
# (j among them) and n = K - m entries lie below it by gaps g_k > 0.
_m = sp.Symbol("m", integer=True, positive=True)
_n = sp.Symbol("n", integer=True, nonnegative=True)
_t = sp.Symbol("t", integer=True, positive=True)
_g = sp.IndexedBase("g", positive=True)
_h = sp.IndexedBase("h", real=True)
_d_gap = sp.Symbol("d", positive=True)
_OTHERS = integers(0, 998)
"""n, the entries besides the maxima (numerically up to 998; the proofs hold for every n)."""
_TIES = {**_C, _m: integers(1, 1000), _n: _OTHERS, _g.label: positive()}
_tied_share = 1 / (_m + sp.Sum(sp.exp(-c * _g[_t]), (_t, 1, _n)))
r"""$a_j(c) = 1 / \sum_k e^{c(z_k - z_j)} = 1/(m + \sum_{k=1}^n e^{-c g_k})$ for j a maximum."""

CLAIMS = (
    IndexedInequalityClaim(
        id="softmax.outputs_in_unit_interval",
        title="Softmax outputs lie in (0, 1)",
        source=_DEF,
        statement=r"a_j = \frac{e^{z_j}}{\sum_{k=1}^K e^{z_k}} \in (0, 1)" + _RANGE_ANY,
        lhs=[softmax(j), softmax(j)], relation=(">", "<"), rhs=[0, 1], ranges=_J, **_IX_ANY,
        note="As written, for K classes with no lower bound on K: with K = 1 the single output is "
             "a_1 = e^{z_1}/e^{z_1} = 1, not in (0, 1). It holds for every K >= 2 (the region).",
    ),
    IndexedEqualityClaim(
        id="softmax.sums_to_one",
        title="Softmax outputs sum to 1",
        source=_DEF,
        statement=r"\sum_{j=1}^K a_j = \sum_{j=1}^K \frac{e^{z_j}}{\sum_{k=1}^K e^{z_k}} = 1" + _RANGE,
        lhs=sp.Sum(softmax(j), (j, 1, K)), rhs=1, ranges={}, **_IX,
    ),
    IndexedInequalityClaim(
        id="softmax.non_local",
        title="Non-locality: each a_j depends on every logit z_k",
        source=_PROP,
        statement=r"\frac{\partial a_j}{\partial z_k} \neq 0 \text{ for all } j, k \text{ and all } z" + _RANGE,
        lhs=sp.diff(softmax(j), z[k]), relation="!=", rhs=0, ranges=_JK, **_IX,
        note="'Each a_j depends on all logits z_k' read as: no partial derivative of a_j vanishes "
             "anywhere (the true derivative, computed by SymPy). This is stronger than 'not "
             "identically zero' and still holds.",
    ),
    IndexedGradientClaim(
        id="softmax.eq1_quotient_rule",
        title="Equation (1): the quotient rule with N = e^{z_j}, D = S",
        source=_PROP,
        statement=r"\frac{\partial a_j}{\partial z_k} = \frac{(\partial N / \partial z_k) D - N (\partial D / \partial z_k)}{D^2}"
                  r"= \frac{\frac{\partial}{\partial z_k} e^{z_j} \cdot S - e^{z_j} \cdot \frac{\partial}{\partial z_k} S}{S^2}" + _RANGE,
        cost=softmax(j), wrt=z[k],
        claimed=(sp.diff(sp.exp(z[j]), z[k]) * S - sp.exp(z[j]) * sp.diff(S, z[k])) / S**2,
        ranges=_JK, **_IX,
        note="The derivatives of N and D inside the rule are SymPy's (a sum of Kronecker deltas "
             "for dS/dz_k); the claim is that the quotient rule gives the derivative of a_j.",
    ),
    IndexedGradientClaim(
        id="softmax.eq2_exp_derivative",
        title="Equation (2): d e^{z_j} / d z_k = e^{z_j} delta_jk",
        source=_PROP,
        statement=r"\frac{\partial}{\partial z_k} e^{z_j} = e^{z_j} \frac{\partial z_j}{\partial z_k} = e^{z_j} \delta_{jk}" + _RANGE,
        cost=sp.exp(z[j]), wrt=z[k], claimed=sp.exp(z[j]) * _d(j, k), ranges=_JK, **_IX,
    ),
    IndexedEqualityClaim(
        id="softmax.eq2_cases",
        title="Equation (2): e^{z_j} delta_jk in two cases",
        source=_PROP,
        statement=r"e^{z_j} \delta_{jk} = \begin{cases} e^{z_j}, & k = j, \\ 0, & k \neq j \end{cases}" + _RANGE,
        lhs=sp.exp(z[j]) * _d(j, k), rhs=sp.Piecewise((sp.exp(z[j]), sp.Eq(k, j)), (0, True)),
        ranges=_JK, **_IX,
    ),
    IndexedGradientClaim(
        id="softmax.eq2_sum_derivative",
        title="Equation (2): dS / dz_k = e^{z_k}",
        source=_PROP,
        statement=r"\frac{\partial S}{\partial z_k} = \frac{\partial}{\partial z_k} \sum_{i=1}^K e^{z_i} = e^{z_k}" + _RANGE,
        cost=S, wrt=z[k], claimed=sp.exp(z[k]), ranges={k: (1, K)}, **_IX,
        note="SymPy's derivative is sum_i delta_ik e^{z_i} = Piecewise((e^{z_k}, k <= K), (0, True)); "
             "the index range 1 <= k <= K selects the first branch.",
    ),
    IndexedGradientClaim(
        id="softmax.substituted",
        title="(2) substituted into (1)",
        source=_PROP,
        statement=r"\frac{\partial a_j}{\partial z_k} = \frac{\delta_{jk} e^{z_j} S - e^{z_j} e^{z_k}}{S^2}" + _RANGE,
        cost=softmax(j), wrt=z[k],
        claimed=(_d(j, k) * sp.exp(z[j]) * S - sp.exp(z[j]) * sp.exp(z[k])) / S**2,
        ranges=_JK, **_IX,
    ),
    IndexedGradientClaim(
        id="softmax.jacobian",
        title="The softmax Jacobian a_j (delta_jk - a_k), any number of classes",
        source=_PROP,
        statement=r"\frac{\partial a_j}{\partial z_k} = \frac{e^{z_j}}{S} \left(\delta_{jk} - \frac{e^{z_k}}{S}\right) = a_j (\delta_{jk} - a_k)" + _RANGE,
        cost=softmax(j), wrt=z[k], claimed=jacobian, ranges=_JK, **_IX,
        note="Both links of the display are the same SymPy expression once a_j = e^{z_j}/S is "
             "written out. Proved for symbolic K.",
    ),
    IndexedGradientClaim(
        id="softmax.jacobian_cases",
        title="The boxed two-case Jacobian",
        source=_PROP,
        statement=r"\frac{\partial a_j}{\partial z_k} = \begin{cases} a_j (1 - a_j), & j = k \\ -a_j a_k, & j \neq k \end{cases}" + _RANGE,
        cost=softmax(j), wrt=z[k],
        claimed=sp.Piecewise((softmax(j) * (1 - softmax(j)), sp.Eq(j, k)), (-softmax(j) * softmax(k), True)),
        ranges=_JK, **_IX,
    ),
    IndexedGradientClaim(
        id="softmax.jacobian_matrix",
        title="Jacobian in matrix form diag(a) - a a^T, any number of classes",
        source=_PROP,
        statement=r"\frac{\partial a}{\partial z} = \operatorname{diag}(a) - a a^\top,\ \text{entry } (j, k):\ \delta_{jk} a_j - a_j a_k" + _RANGE,
        cost=softmax(j), wrt=z[k], claimed=_d(j, k) * softmax(j) - softmax(j) * softmax(k),
        ranges=_JK, **_IX,
        note="The matrix form of the boxed Jacobian, entry (j, k) of diag(a) - a a^T, for "
             "symbolic K (softmax.jacobian_matrix_k3 spells it out as a matrix).",
    ),
    *(_matrix_claim(n) for n in EXPLICIT_SIZES),
    IndexedInequalityClaim(
        id="softmax.monotonicity",
        title="Increasing z_j increases a_j and decreases every other a_k",
        source=_PROP,
        statement=r"\frac{\partial a_j}{\partial z_j} > 0 \text{ and } \frac{\partial a_k}{\partial z_j} < 0 \text{ for all } k \neq j" + _RANGE,
        lhs=[sp.diff(softmax(j), z[j]), sp.diff(softmax(k), z[j])], relation=(">", "<"), rhs=[0, 0],
        ranges=_JK, distinct=((j, k),), **_IX,
        note="'Increasing z_j is guaranteed to increase a_j and to decrease all other a_k' read as "
             "the signs of the true partial derivatives (SymPy's), at every z: a strictly positive "
             "derivative everywhere makes a_j strictly increasing in z_j.",
    ),
    IndexedGradientClaim(
        id="softmax.diag_derivative",
        title="Diagonal entry: d a_j / d z_j = a_j (1 - a_j)",
        source=_PROP,
        statement=r"\frac{\partial a_j}{\partial z_j} = a_j (1 - a_j)" + _RANGE,
        cost=softmax(j), wrt=z[j], claimed=softmax(j) * (1 - softmax(j)), ranges=_J, **_IX,
    ),
    IndexedInequalityClaim(
        id="softmax.diag_positive",
        title="a_j (1 - a_j) > 0: a_j increases monotonically with z_j",
        source=_PROP,
        statement=r"a_j (1 - a_j) > 0 \quad \Rightarrow \quad a_j \text{ increases monotonically with } z_j" + _RANGE_ANY,
        lhs=softmax(j) * (1 - softmax(j)), relation=">", rhs=0, ranges=_J, **_IX_ANY,
        note="As written, for K classes with no lower bound on K: with K = 1, a_1 = 1 and "
             "a_1 (1 - a_1) = 0, and a_1 does not change with z_1. It holds for every K >= 2 "
             "(the region).",
    ),
    IndexedGradientClaim(
        id="softmax.offdiag_derivative",
        title="Off-diagonal entry: d a_j / d z_k = -a_j a_k for k != j",
        source=_PROP,
        statement=r"\frac{\partial a_j}{\partial z_k} = -a_j a_k \quad (k \neq j)" + _RANGE,
        cost=softmax(j), wrt=z[k], claimed=-softmax(j) * softmax(k), ranges=_JK,
        distinct=((j, k),), **_IX,
    ),
    IndexedInequalityClaim(
        id="softmax.offdiag_negative",
        title="-a_j a_k < 0: increasing z_k decreases a_j",
        source=_PROP,
        statement=r"-a_j a_k < 0 \quad (k \neq j)" + _RANGE,
        lhs=-softmax(j) * softmax(k), relation="<", rhs=0, ranges=_JK, distinct=((j, k),), **_IX,
    ),
    IndexedEqualityClaim(
        id="softmax.scaled_form",
        title="The scaled softmax a_j(c) = 1 / sum_k e^{c (z_k - z_j)}",
        source=_NAME,
        statement=r"a_j(c) = \frac{e^{c z_j}}{\sum_{k=1}^K e^{c z_k}} = \frac{1}{\sum_{k=1}^K e^{c (z_k - z_j)}},\ c > 0" + _RANGE,
        lhs=sp.exp(c * z[j]) / sp.Sum(sp.exp(c * z[i]), (i, 1, K)),
        rhs=1 / sp.Sum(sp.exp(c * (z[i] - z[j])), (i, 1, K)),
        ranges=_J, domain=_C, **_IX,
    ),
    IndexedEqualityClaim(
        id="softmax.scaled_c1",
        title="c = 1 is the standard softmax",
        source=_NAME,
        statement=r"a_j(1) = \frac{e^{z_j}}{\sum_{k=1}^K e^{z_k}} = a_j" + _RANGE,
        lhs=(sp.exp(c * z[j]) / sp.Sum(sp.exp(c * z[i]), (i, 1, K))).subs(c, 1), rhs=softmax(j),
        ranges=_J, **_IX,
    ),
    LimitClaim(
        id="softmax.limit_not_largest_term",
        title="z_j not the largest: a term e^{c (z_k - z_j)} with z_k > z_j tends to infinity",
        source=_NAME,
        statement=r"z_k - z_j = d > 0:\ \lim_{c \to \infty} e^{c (z_k - z_j)} = \lim_{c \to \infty} e^{c d} = +\infty",
        expr=sp.exp(c * _d_gap), var=c, point=sp.oo, value=sp.oo, domain={**_C, _d_gap: positive()},
        note="For every pair with z_k above z_j by any d > 0.",
    ),
    LimitClaim(
        id="softmax.limit_not_largest",
        title="z_j not the largest: a_j(c) -> 0",
        source=_NAME,
        statement=r"a_j(c) = \frac{1}{\sum_k e^{c (z_k - z_j)}} = \frac{1}{1 + e^{c d} + \sum_{k=1}^{n} e^{c h_k}} \xrightarrow[c \to \infty]{} 0"
                  r"\quad (d > 0,\ h \in \mathbb{R}^n,\ n = K - 2 \ge 0)",
        expr=1 / (1 + sp.exp(c * _d_gap) + sp.Sum(sp.exp(c * _h[_t]), (_t, 1, _n))), var=c,
        point=sp.oo, value=0, domain={**_C, _d_gap: positive(), _n: _OTHERS, _h.label: real_line()},
        note="For every z and every j whose z_j is below the maximum, any K >= 2: in the text's "
             "form a_j(c) = 1 / sum_k e^{c(z_k - z_j)}, the maximum's term is e^{cd} with "
             "d = max z - z_j > 0, j's own term is 1, and the other n = K - 2 entries give "
             "e^{c h_k} with h_k = z_k - z_j of any sign. Proved for every n by a squeeze: the "
             "expression falls as the sum of positive terms grows, and it tends to 0 both with "
             "the sum at 0 and at infinity. (Numerically: n up to 998.)",
    ),
    LimitClaim(
        id="softmax.limit_largest_other_terms",
        title="'Every other term e^{c (z_k - z_j)} -> 0' when z_j is the largest",
        source=_NAME,
        statement=r"z_j = \max_k z_k:\ \sum_{k \ne j} e^{c (z_k - z_j)} = (m - 1) + \sum_{k=1}^{n} e^{-c g_k} \xrightarrow[c \to \infty]{} 0"
                  r"\quad (m \ge 1 \text{ maxima},\ g \in (0, \infty)^n)",
        expr=(_m - 1) + sp.Sum(sp.exp(-c * _g[_t]), (_t, 1, _n)), var=c, point=sp.oo, value=0,
        domain=_TIES,
        note="The text: if z_j is the largest, 'the k = j term equals e^0 = 1 and every other term "
             "e^{c(z_k - z_j)} -> 0'. 'The largest value' allows ties: with m entries equal to the "
             "maximum (j among them) and n = K - m below it by gaps g_k > 0, the other terms are "
             "m - 1 ones and the n terms e^{-c g_k}; every one tends to 0 iff their sum (of "
             "positive terms) does, i.e. iff m = 1, a strict maximum: the region. Counterexample "
             "z = (0, 0), j = 1: the term e^{c(z_2 - z_1)} = 1 for every c.",
    ),
    LimitClaim(
        id="softmax.limit_largest",
        title="'If z_j is the largest value, a_j(c) -> 1'",
        source=_NAME,
        statement=r"z_j = \max_k z_k:\ \lim_{c \to \infty} a_j(c) = \lim_{c \to \infty} \frac{1}{m + \sum_{k=1}^{n} e^{-c g_k}} = 1"
                  r"\quad (m \ge 1 \text{ maxima},\ g \in (0, \infty)^n)",
        expr=_tied_share, var=c, point=sp.oo, value=1, domain=_TIES,
        note="'The largest value' allows ties: with m entries equal to the maximum (j among them) "
             "and n = K - m entries below it by gaps g_k > 0, a_j(c) = 1/(m + sum_k e^{-c g_k}) "
             "tends to 1/m. The sentence holds iff m = 1, a strict maximum (the region, proved "
             "for every K and every gap). Counterexample by hand: z = (0, 0), j = 1: a_1(c) = 1/2 "
             "for every c.",
    ),
    LimitClaim(
        id="softmax.limit_indicator",
        title="lim a_j(c) = indicator{j = argmax_k z_k} (hard max selector)",
        source=_NAME,
        statement=r"z = (3, 3, 1),\ j = 2:\ \lim_{c \to \infty} a_2(c) = \mathbf{1}\left\{2 = \arg\max_k z_k\right\} = 0",
        expr=_a_c(2, _TIE), var=c, point=sp.oo, value=0, domain=_C,
        note="With a tie the argmax is not one index. Read as the first maximizer (NumPy's "
             "convention, argmax = 1), the indicator gives 0 for j = 2; read as the set {1, 2}, "
             "it gives 1 for j = 1 (refuted as softmax.limit_largest). Either way the limit is "
             "1/2. The formula holds when the maximum is unique: softmax.limit_largest's region "
             "(m = 1) and softmax.limit_not_largest, both for every z and K.",
    ),
    LimitClaim(
        id="softmax.limit_tied_max",
        title="Not in the text: each of m tied maxima gets 1/m in the limit",
        source=_NAME,
        statement=r"\lim_{c \to \infty} \frac{1}{m + \sum_{k=1}^{n} e^{-c g_k}} = \frac{1}{m}"
                  r"\quad (m \ge 1 \text{ maxima},\ g \in (0, \infty)^n)",
        expr=_tied_share, var=c, point=sp.oo, value=1 / _m, domain=_TIES,
        note="Not in the text: what softmax.limit_largest becomes with ties. For every K, every "
             "z and every j among the m maxima: the limit of a finite sum is the sum of its "
             "terms' limits (each e^{-c g_k} -> 0), so a_j(c) -> 1/m; the n entries below the "
             "maximum get 0 (softmax.limit_not_largest). (Numerically: m and n up to 1000.)",
    ),
)
