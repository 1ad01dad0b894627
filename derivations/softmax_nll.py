r"""Ko 2026, section 4: the negative log-likelihood (NLL) cost with a softmax output layer.

Per example $C_x = -\ln a_y$ with $a = \operatorname{softmax}(z)$ and the true class
$y \in \{1, \dots, K\}$.  The section claims: the cost is small when $a_y \approx 1$ and large
when $a_y \ll 1$ (with the numbers $-\ln 0.99 \approx 0.010$, $-\ln 0.01 \approx 4.605$); NLL
equals the cross-entropy with the one-hot label $y_j = \delta_{jy}$; the Jacobian (3); the
derivative (4) of the cost in $a$; the steps (A)-(D), with the two Kronecker-delta sums;
$$\frac{\partial C_x}{\partial z_j} = a_j - y_j;$$
the weight and bias gradients per example, averaged over a mini-batch and in matrix form; and
the ranges of the output gradient's entries.

Everything that holds for every number of classes is stated in index notation with symbolic
sizes (:mod:`derivations.indexed`): $K$ classes, $m$ inputs to the output layer, $n$ examples
in a batch, labels $y_x$ as an index-valued array.  SymPy proves them for all sizes; the
checkers evaluate them at $K = 2, 10, 1000$.  The mini-batch matrix form is also spelled out
with SymPy matrices at $K = 3$, $m = 2$, $n = 2$, which checks the matrix algebra (the order of
the outer product) with the ordinary witnesses.
"""

from __future__ import annotations

import sympy as sp

from .claims import (GradientClaim, InequalityClaim, LimitClaim, ValueClaim, open_interval, positive,
                     real_line)
from .indexed import (IndexedEqualityClaim, IndexedGradientClaim, IndexedInequalityClaim, index,
                       size)
from .softmax import K, S, i, j, k, softmax, z
from .sources import ko

__all__ = ["y", "cost", "grad_z", "m", "n", "W", "b", "a_prev", "Y", "X", "batch_cost",
           "batch_grad_w", "batch_grad_b", "a", "softmax_layer", "EGW", "CLAIMS"]

y = index("y")
l, x = index("l"), index("x")
m, n = size("m"), size("n")

cost = -sp.log(softmax(y))
"""$C_x = -\\ln a_y$, as a function of the logits $z$."""

grad_z = softmax(j) - sp.KroneckerDelta(j, y)
"""$a_j - y_j$ with the one-hot label $y_j = \\delta_{jy}$."""

a = sp.IndexedBase("a", positive=True)   # the softmax outputs as free variables, for (4)
W = sp.IndexedBase("W", real=True)
b = sp.IndexedBase("b", real=True)
a_prev = sp.IndexedBase("a_prev", real=True)   # a^{L-1}, the input of the output layer
X = sp.IndexedBase("X", real=True)            # a^{L-1} for each example x of a batch
Y = sp.IndexedBase("Y", integer=True, positive=True)   # the class of each example


def _d(p, q):
    return sp.KroneckerDelta(p, q)


def _z_layer(t, inputs=a_prev, ex=None):
    r"""$z_t = \sum_{l=1}^m w_{tl} a^{L-1}_l + b_t$ (for example ``ex`` of a batch, if given)."""
    entry = inputs[l] if ex is None else inputs[ex, l]
    return sp.Sum(W[t, l] * entry, (l, 1, m)) + b[t]


def softmax_layer(t, ex=None):
    """Softmax output ``t`` of the layer, for one example or example ``ex`` of a batch."""
    return sp.exp(_z_layer(t, X if ex is not None else a_prev, ex)) / sp.Sum(
        sp.exp(_z_layer(i, X if ex is not None else a_prev, ex)), (i, 1, K))


example_cost = -sp.log(softmax_layer(y))
batch_cost = sp.Sum(-sp.log(softmax_layer(Y[x], x)), (x, 1, n)) / n
batch_grad_w = sp.Sum(X[x, k] * (softmax_layer(j, x) - _d(Y[x], j)), (x, 1, n)) / n
batch_grad_b = sp.Sum(softmax_layer(j, x) - _d(Y[x], j), (x, 1, n)) / n

_SIZES = (2, 10, 1000)
_IX = dict(shapes={z: (K,)}, size_min={K: 2}, sizes=_SIZES)
_JY = {j: (1, K), y: (1, K)}
_RANGE = r"\quad (K \ge 2,\ z \in \mathbb{R}^K,\ j, y \in \{1, \dots, K\})"
_LAYER = dict(shapes={W: (K, m), b: (K,), a_prev: (m,)}, size_min={K: 2},
              sizes=({K: 2, m: 2}, {K: 10, m: 3}, {K: 1000, m: 2}))
_LRANGE = r"\quad (K \ge 2,\ m \ge 1,\ j, y \in \{1, \dots, K\},\ k \in \{1, \dots, m\})"
_BATCH = dict(shapes={W: (K, m), b: (K,), X: (n, m)}, labels={Y: ((n,), 1, K)}, size_min={K: 2},
              sizes=({K: 2, m: 2, n: 2}, {K: 10, m: 3, n: 4}, {K: 1000, m: 2, n: 3}))
_BRANGE = r"\quad (K \ge 2,\ m, n \ge 1,\ y_x \in \{1, \dots, K\})"

_S4 = ko(4)
_KEY = ko(4, "Key takeaway")
_AVOID = ko(4, "How does \u201cSoftmax + NLL\u201d avoid the learning slowdown?")
_WHY = ko(4, "Why this avoids learning slowdown")

av = sp.Symbol("a_y", positive=True)   # a_y as a number in (0, 1)
_AV = {av: open_interval(0, 1)}


def _explicit_batch():
    r"""K = 3 classes, m = 2 inputs, n = 2 examples with classes (1, 3), as SymPy matrices."""
    Kc, mc, nc, labels = 3, 2, 2, (1, 3)
    Wm = sp.Matrix(Kc, mc, lambda r, s: sp.Symbol(f"w_{r + 1}{s + 1}", real=True))
    bm = sp.Matrix(Kc, 1, lambda r, s: sp.Symbol(f"b_{r + 1}", real=True))
    xs = [sp.Matrix(mc, 1, lambda r, s, e=e: sp.Symbol(f"x_{e + 1}{r + 1}", real=True)) for e in range(nc)]
    cost_, gw, gb = 0, sp.zeros(Kc, mc), sp.zeros(Kc, 1)
    for e in range(nc):
        zz = Wm * xs[e] + bm
        ex = [sp.exp(v) for v in zz]
        act = sp.Matrix([v / sp.Add(*ex) for v in ex])
        onehot = sp.Matrix([1 if r + 1 == labels[e] else 0 for r in range(Kc)])
        cost_ += -sp.log(act[labels[e] - 1])
        gw += (act - onehot) * xs[e].T
        gb += act - onehot
    cost_, gw, gb = cost_ / nc, gw / nc, gb / nc
    syms = list(Wm) + list(bm) + [s for v in xs for s in v]
    return cost_, list(Wm), gw, list(bm), gb, {s: real_line() for s in syms}


_EC, _EW, EGW, _EB, _EGB, _EDOM = _explicit_batch()
"""``EGW``: the true weight gradient of the explicit batch (K = 3, m = 2, n = 2), a 3 x 2 matrix."""


def _no_slowdown():
    t = sp.Symbol("t", positive=True)
    z1, z2, z3 = sp.symbols("z_1:4", real=True)
    e = [sp.exp(v) for v in (z1, z2, z3)]
    c1 = -sp.log(e[0] / sp.Add(*e))
    g = sp.diff(c1, z1).xreplace({z1: -t, z2: t, z3: 0})
    return g, t


_NS, _T = _no_slowdown()

CLAIMS = (
    LimitClaim(
        id="softmax_nll.confident_small_cost",
        title="Confident and correct: a_y -> 1 gives -ln a_y -> 0",
        source=_S4,
        statement=r"a_y \approx 1 \Rightarrow -\ln a_y \approx 0:\ \lim_{a_y \to 1^-} (-\ln a_y) = 0",
        expr=-sp.log(av), var=av, point=1, direction="-", value=0, domain=_AV,
        note="'a_y ~ 1 => -ln a_y ~ 0' read as the limit (the cost is continuous at 1).",
    ),
    LimitClaim(
        id="softmax_nll.unlikely_large_cost",
        title="Low probability on the true class: the cost grows without bound",
        source=_S4,
        statement=r"a_y \ll 1 \Rightarrow -\ln a_y \text{ large}:\ \lim_{a_y \to 0^+} (-\ln a_y) = +\infty",
        expr=-sp.log(av), var=av, point=0, direction="+", value=sp.oo, domain=_AV,
    ),
    ValueClaim(
        id="softmax_nll.value_099",
        title="-ln 0.99 ~ 0.010",
        source=_S4, statement=r"-\ln 0.99 \approx 0.010",
        expr=-sp.log(sp.Rational(99, 100)), quoted="0.010",
        note="Rounded to the three decimals printed: -ln 0.99 = 0.01005...",
    ),
    ValueClaim(
        id="softmax_nll.value_001",
        title="-ln 0.01 ~ 4.605",
        source=_S4, statement=r"-\ln 0.01 \approx 4.605",
        expr=-sp.log(sp.Rational(1, 100)), quoted="4.605",
        note="-ln 0.01 = 2 ln 10 = 4.60517...",
    ),
    IndexedEqualityClaim(
        id="softmax_nll.equals_cross_entropy",
        title="NLL equals the cross-entropy with a one-hot label",
        source=_S4,
        statement=r"\mathrm{NLL}(y, a) = -\ln a_y = H(y, a) = -\sum_{j=1}^K y_j \ln a_j,\ y_j = \delta_{jy}"
                  r"\quad (K \ge 2,\ y \in \{1, \dots, K\})",
        lhs=cost, rhs=-sp.Sum(_d(j, y) * sp.log(softmax(j)), (j, 1, K)), ranges={y: (1, K)}, **_IX,
        note="The one-hot label y is the vector y_j = delta_{jy}; H(y, a) is the middle term's "
             "definition, so the claim is the outer equality.",
    ),
    InequalityClaim(
        id="softmax_nll.rewards_true_class",
        title="The NLL rewards high probability on the true class: -ln a_y decreases in a_y",
        source=_S4,
        statement=r"\frac{d}{d a_y} (-\ln a_y) = -\frac{1}{a_y} < 0 \text{ on } (0, 1)",
        lhs=sp.diff(-sp.log(av), av), relation="<", domain=_AV,
        note="'It rewards high probability on the true class and penalizes low probability' "
             "read as: the cost is strictly decreasing in a_y (the MNIST bullets say the same "
             "for a_7).",
    ),
    IndexedGradientClaim(
        id="softmax_nll.key_takeaway",
        title="Key takeaway: softmax + NLL gives grad_z C_x = a - y",
        source=_KEY,
        statement=r"\nabla_{z} C_x = a - y,\ \text{entry } j:\ \frac{\partial C_x}{\partial z_j} = a_j - \delta_{jy}" + _RANGE,
        cost=cost, wrt=z[j], claimed=grad_z, ranges=_JY, **_IX,
    ),
    IndexedGradientClaim(
        id="softmax_nll.eq3_quotient",
        title="Equation (3), first line: the quotient rule for d a_k / d z_j",
        source=_AVOID,
        statement=r"\frac{\partial a_k}{\partial z_j} = \frac{\partial}{\partial z_j}\left(\frac{e^{z_k}}{S}\right) = "
                  r"\frac{\delta_{kj} e^{z_k} S - e^{z_k} \frac{\partial S}{\partial z_j}}{S^2}"
                  r"\quad (K \ge 2,\ j, k \in \{1, \dots, K\})",
        cost=softmax(k), wrt=z[j],
        claimed=(_d(k, j) * sp.exp(z[k]) * S - sp.exp(z[k]) * sp.diff(S, z[j])) / S**2,
        ranges={j: (1, K), k: (1, K)}, **_IX,
        note="dS/dz_j is SymPy's derivative (a sum of Kronecker deltas).",
    ),
    IndexedGradientClaim(
        id="softmax_nll.eq3_substituted",
        title="Equation (3): with dS/dz_j = e^{z_j}",
        source=_AVOID,
        statement=r"\frac{\partial a_k}{\partial z_j} = \frac{\delta_{kj} e^{z_k} S - e^{z_k} e^{z_j}}{S^2}"
                  r"\quad (K \ge 2,\ j, k \in \{1, \dots, K\})",
        cost=softmax(k), wrt=z[j],
        claimed=(_d(k, j) * sp.exp(z[k]) * S - sp.exp(z[k]) * sp.exp(z[j])) / S**2,
        ranges={j: (1, K), k: (1, K)}, **_IX,
    ),
    IndexedGradientClaim(
        id="softmax_nll.eq3",
        title="Equation (3): d a_k / d z_j = a_k (delta_kj - a_j)",
        source=_AVOID,
        statement=r"\frac{\partial a_k}{\partial z_j} = \frac{e^{z_k}}{S}\left(\delta_{kj} - \frac{e^{z_j}}{S}\right) = a_k (\delta_{kj} - a_j)"
                  r"\quad (K \ge 2,\ j, k \in \{1, \dots, K\})",
        cost=softmax(k), wrt=z[j], claimed=softmax(k) * (_d(k, j) - softmax(j)),
        ranges={j: (1, K), k: (1, K)}, **_IX,
    ),
    IndexedGradientClaim(
        id="softmax_nll.jacobian_box",
        title="'Hence the (well-known) softmax Jacobian' (boxed)",
        source=_AVOID,
        statement=r"\boxed{\frac{\partial a_k}{\partial z_j} = a_k (\delta_{kj} - a_j)}"
                  r"\quad (K \ge 2,\ j, k \in \{1, \dots, K\})",
        cost=softmax(k), wrt=z[j], claimed=softmax(k) * (_d(k, j) - softmax(j)),
        ranges={j: (1, K), k: (1, K)}, **_IX,
        note="The boxed restatement of (3), a sentence of its own.",
    ),
    IndexedGradientClaim(
        id="softmax_nll.eq4",
        title="Equation (4): dC_x / d a_k = -(1/a_y) delta_ky",
        source=_AVOID,
        statement=r"\frac{\partial C_x}{\partial a_k} = -\frac{1}{a_y} \frac{\partial a_y}{\partial a_k} = -\frac{1}{a_y} \delta_{ky}"
                  r"\quad (C_x = -\ln a_y,\ a \in (0, 1)^K,\ k, y \in \{1, \dots, K\})",
        cost=-sp.log(a[y]), wrt=a[k], claimed=-_d(k, y) / a[y],
        ranges={k: (1, K), y: (1, K)}, shapes={a: (K,)}, entry_domains={a: open_interval(0, 1)},
        size_min={K: 2}, sizes=_SIZES,
        note="The cost as a function of the outputs a_1, ..., a_K taken as independent variables "
             "(each in (0, 1)), as the partial derivative in (4) treats them.",
    ),
    IndexedGradientClaim(
        id="softmax_nll.step_a",
        title="Step (A): the chain rule through all K outputs",
        source=_AVOID,
        statement=r"\frac{\partial C_x}{\partial z_j} = \sum_{k=1}^K \frac{\partial C_x}{\partial a_k} \frac{\partial a_k}{\partial z_j}"
                  r"= \sum_{k=1}^K \left(-\frac{1}{a_y} \delta_{ky}\right) a_k (\delta_{kj} - a_j)" + _RANGE,
        cost=cost, wrt=z[j],
        claimed=sp.Sum((-_d(k, y) / softmax(y)) * softmax(k) * (_d(k, j) - softmax(j)), (k, 1, K)),
        ranges=_JY, **_IX,
    ),
    IndexedGradientClaim(
        id="softmax_nll.step_b",
        title="Step (B): -1/a_y out of the sum",
        source=_AVOID,
        statement=r"\frac{\partial C_x}{\partial z_j} = -\frac{1}{a_y} \sum_{k=1}^K \delta_{ky} a_k (\delta_{kj} - a_j)" + _RANGE,
        cost=cost, wrt=z[j],
        claimed=-1 / softmax(y) * sp.Sum(_d(k, y) * softmax(k) * (_d(k, j) - softmax(j)), (k, 1, K)),
        ranges=_JY, **_IX,
    ),
    IndexedGradientClaim(
        id="softmax_nll.step_c",
        title="Step (C): the sum split into terms (i) and (ii)",
        source=_AVOID,
        statement=r"\frac{\partial C_x}{\partial z_j} = -\frac{1}{a_y} \left[\sum_{k=1}^K \delta_{ky} a_k \delta_{kj} - \sum_{k=1}^K \delta_{ky} a_k a_j\right]" + _RANGE,
        cost=cost, wrt=z[j],
        claimed=-1 / softmax(y) * (sp.Sum(_d(k, y) * softmax(k) * _d(k, j), (k, 1, K))
                                   - sp.Sum(_d(k, y) * softmax(k) * softmax(j), (k, 1, K))),
        ranges=_JY, **_IX,
    ),
    IndexedEqualityClaim(
        id="softmax_nll.delta_product",
        title="'The product of Kronecker deltas is 1 only when k = y = j'",
        source=_AVOID,
        statement=r"\delta_{ky} \delta_{kj} = \begin{cases} 1, & k = y = j \\ 0, & \text{otherwise} \end{cases}"
                  r"\quad (k, y, j \in \{1, \dots, K\})",
        lhs=_d(k, y) * _d(k, j), rhs=sp.Piecewise((1, sp.And(sp.Eq(k, y), sp.Eq(k, j))), (0, True)),
        ranges={k: (1, K), y: (1, K), j: (1, K)}, **_IX,
    ),
    IndexedEqualityClaim(
        id="softmax_nll.term_i",
        title="Term (i): sum_k delta_ky delta_kj a_k = a_y delta_yj",
        source=_AVOID,
        statement=r"\sum_{k=1}^K \delta_{ky} \delta_{kj} a_k = a_y \sum_{k=1}^K \delta_{ky} \delta_{kj} = a_y \delta_{yj}" + _RANGE,
        lhs=[sp.Sum(_d(k, y) * _d(k, j) * softmax(k), (k, 1, K)),
             softmax(y) * sp.Sum(_d(k, y) * _d(k, j), (k, 1, K))],
        rhs=[softmax(y) * sp.Sum(_d(k, y) * _d(k, j), (k, 1, K)), softmax(y) * _d(y, j)],
        ranges=_JY, **_IX,
        note="The two links of the chain are the two entries.",
    ),
    IndexedEqualityClaim(
        id="softmax_nll.term_ii",
        title="Term (ii): a_j out of the sum, and the delta keeps k = y",
        source=_AVOID,
        statement=r"\sum_{k=1}^K \delta_{ky} a_k a_j = a_j \sum_{k=1}^K \delta_{ky} a_k = a_j a_y" + _RANGE,
        lhs=[sp.Sum(_d(k, y) * softmax(k) * softmax(j), (k, 1, K)),
             softmax(j) * sp.Sum(_d(k, y) * softmax(k), (k, 1, K))],
        rhs=[softmax(j) * sp.Sum(_d(k, y) * softmax(k), (k, 1, K)), softmax(j) * softmax(y)],
        ranges=_JY, **_IX,
        note="'Since a_j does not depend on k, pull it outside the sum' is the first entry; "
             "'the delta keeps only the k = y component' the second.",
    ),
    IndexedGradientClaim(
        id="softmax_nll.step_d",
        title="Step (D): the two terms substituted into (C)",
        source=_AVOID,
        statement=r"\frac{\partial C_x}{\partial z_j} = -\frac{1}{a_y} \left[a_y \delta_{yj} - a_j a_y\right] = -(\delta_{yj} - a_j) = a_j - \delta_{yj}" + _RANGE,
        cost=cost, wrt=z[j], claimed=-1 / softmax(y) * (softmax(y) * _d(y, j) - softmax(j) * softmax(y)),
        ranges=_JY, **_IX,
        note="The first expression of (D); the rest of the chain is algebra that ends in the "
             "boxed result (softmax_nll.grad_z).",
    ),
    IndexedGradientClaim(
        id="softmax_nll.grad_z",
        title="Softmax + NLL: dC_x / dz_j = a_j - y_j, any number of classes",
        source=_AVOID,
        statement=r"\boxed{\frac{\partial C_x}{\partial z_j} = a_j - y_j},\ y_j = \delta_{yj}" + _RANGE,
        cost=cost, wrt=z[j], claimed=grad_z, ranges=_JY, **_IX,
        note="Proved for symbolic K; the one-hot label is y_j = delta_{yj}.",
    ),
    IndexedGradientClaim(
        id="softmax_nll.dz_dw",
        title="dz_j / dw_jk = a_k^{L-1}",
        source=_AVOID,
        statement=r"z_j = \sum_{k=1}^m w_{jk} a^{L-1}_k + b_j \ \Rightarrow\ \frac{\partial z_j}{\partial w_{jk}} = a^{L-1}_k" + _LRANGE,
        cost=_z_layer(j), wrt=W[j, k], claimed=a_prev[k], ranges={j: (1, K), k: (1, m)}, **_LAYER,
        note="The text reuses k for the input index here (a summation index in z_j = sum_k ...).",
    ),
    IndexedGradientClaim(
        id="softmax_nll.dz_db",
        title="dz_j / db_j = 1",
        source=_AVOID,
        statement=r"\frac{\partial z_j}{\partial b_j} = 1" + _LRANGE,
        cost=_z_layer(j), wrt=b[j], claimed=1, ranges={j: (1, K)}, **_LAYER,
    ),
    IndexedGradientClaim(
        id="softmax_nll.grad_w_example",
        title="Weight gradient for a single example: (a_j - y_j) a_k^{L-1}",
        source=_AVOID,
        statement=r"\frac{\partial C_x}{\partial w_{jk}} = \frac{\partial C_x}{\partial z_j} \frac{\partial z_j}{\partial w_{jk}} = (a_j - y_j) a^{L-1}_k" + _LRANGE,
        cost=example_cost, wrt=W[j, k], claimed=(softmax_layer(j) - _d(j, y)) * a_prev[k],
        ranges={j: (1, K), k: (1, m), y: (1, K)}, **_LAYER,
        note="C_x = -ln softmax(W a^{L-1} + b)_y; every weight w_jk, for symbolic K and m.",
    ),
    IndexedGradientClaim(
        id="softmax_nll.grad_b_example",
        title="Bias gradient for a single example: a_j - y_j",
        source=_AVOID,
        statement=r"\frac{\partial C_x}{\partial b_j} = \frac{\partial C_x}{\partial z_j} \frac{\partial z_j}{\partial b_j} = (a_j - y_j) \cdot 1 = a_j - y_j" + _LRANGE,
        cost=example_cost, wrt=b[j], claimed=softmax_layer(j) - _d(j, y),
        ranges={j: (1, K), y: (1, K)}, **_LAYER,
    ),
    IndexedGradientClaim(
        id="softmax_nll.grad_w_batch",
        title="Mini-batch weight gradient (boxed)",
        source=_AVOID,
        statement=r"\frac{\partial C}{\partial w_{jk}} = \frac{1}{n} \sum_x a^{L-1}_k (a_j - y_j),\ C = \frac{1}{n} \sum_x C_x" + _BRANGE,
        cost=batch_cost, wrt=W[j, k], claimed=batch_grad_w, ranges={j: (1, K), k: (1, m)}, **_BATCH,
        note="n examples x with inputs a^{L-1}(x) (the rows of X) and classes y_x (the label "
             "array Y); symbolic K, m and n.",
    ),
    IndexedGradientClaim(
        id="softmax_nll.grad_b_batch",
        title="Mini-batch bias gradient (boxed)",
        source=_AVOID,
        statement=r"\frac{\partial C}{\partial b_j} = \frac{1}{n} \sum_x (a_j - y_j)" + _BRANGE,
        cost=batch_cost, wrt=b[j], claimed=batch_grad_b, ranges={j: (1, K)}, **_BATCH,
    ),
    GradientClaim(
        id="softmax_nll.grad_w_matrix",
        title="Matrix form: grad_W C = (1/n) sum_x (a - y)(a^{L-1})^T",
        source=_AVOID,
        statement=r"\nabla_{W^L} C = \frac{1}{n} \sum_x (a^L - y) (a^{L-1})^\top \quad (K = 3,\ m = 2,\ n = 2)",
        cost=_EC, wrt=tuple(_EW), claimed=[EGW[r, s] for r in range(3) for s in range(2)], domain=_EDOM,
        note="Spelled out with SymPy matrices: 3 classes, 2 inputs, 2 examples of classes 1 and "
             "3; W is flattened row by row. Checks the outer product's orientation, which the "
             "entrywise claims do not exercise.",
    ),
    GradientClaim(
        id="softmax_nll.grad_b_matrix",
        title="Matrix form: grad_b C = (1/n) sum_x (a - y)",
        source=_AVOID,
        statement=r"\nabla_{b^L} C = \frac{1}{n} \sum_x (a^L - y) \quad (K = 3,\ m = 2,\ n = 2)",
        cost=_EC, wrt=tuple(_EB), claimed=list(_EGB), domain=_EDOM,
    ),
    IndexedGradientClaim(
        id="softmax_nll.grad_true_class",
        title="For the true class: dC_x / dz_y = a_y - 1",
        source=_WHY,
        statement=r"\frac{\partial C_x}{\partial z_y} = a_y - 1 \quad (K \ge 2,\ y \in \{1, \dots, K\})",
        cost=cost, wrt=z[y], claimed=softmax(y) - 1, ranges={y: (1, K)}, **_IX,
    ),
    IndexedInequalityClaim(
        id="softmax_nll.range_true_class",
        title="a_y - 1 lies in (-1, 0] (true, not tight)",
        source=_WHY,
        statement=r"a_y - 1 \in (-1, 0] \quad (K \ge 2,\ y \in \{1, \dots, K\})",
        lhs=[softmax(y) - 1, softmax(y) - 1], relation=(">", "<="), rhs=[-1, 0], ranges={y: (1, K)}, **_IX,
        note="True as stated, but 0 is never attained: a_y < 1 for K >= 2, so a_y - 1 < 0. The "
             "tight range is (-1, 0) (softmax_nll.range_true_class_tight); both ends are "
             "approached (z_y -> -inf and z_y -> +inf).",
    ),
    IndexedInequalityClaim(
        id="softmax_nll.range_true_class_tight",
        title="Tight range: a_y - 1 lies in (-1, 0)",
        source=_WHY,
        statement=r"a_y - 1 \in (-1, 0) \quad (K \ge 2,\ y \in \{1, \dots, K\})",
        lhs=[softmax(y) - 1, softmax(y) - 1], relation=(">", "<"), rhs=[-1, 0], ranges={y: (1, K)}, **_IX,
        note="Not in the text: the open interval, since 0 < a_y < 1.",
    ),
    IndexedGradientClaim(
        id="softmax_nll.grad_other_class",
        title="For j != y: dC_x / dz_j = a_j",
        source=_WHY,
        statement=r"\frac{\partial C_x}{\partial z_j} = a_j \quad (j \neq y)" + _RANGE,
        cost=cost, wrt=z[j], claimed=softmax(j), ranges=_JY, distinct=((j, y),), **_IX,
    ),
    IndexedInequalityClaim(
        id="softmax_nll.range_other_class",
        title="For j != y, a_j lies in [0, 1) (true, not tight)",
        source=_WHY,
        statement=r"a_j \in [0, 1) \quad (j \neq y)" + _RANGE,
        lhs=[softmax(j), softmax(j)], relation=(">=", "<"), rhs=[0, 1], ranges=_JY,
        distinct=((j, y),), **_IX,
        note="True as stated, but 0 is never attained: a_j > 0. The tight range is (0, 1) "
             "(softmax_nll.range_other_class_tight).",
    ),
    IndexedInequalityClaim(
        id="softmax_nll.range_other_class_tight",
        title="Tight range: for j != y, a_j lies in (0, 1)",
        source=_WHY,
        statement=r"a_j \in (0, 1) \quad (j \neq y)" + _RANGE,
        lhs=[softmax(j), softmax(j)], relation=(">", "<"), rhs=[0, 1], ranges=_JY,
        distinct=((j, y),), **_IX,
        note="Not in the text: the open interval.",
    ),
    LimitClaim(
        id="softmax_nll.no_slowdown",
        title="Large logits, wrong class: the true-class gradient tends to -1, not 0",
        source=_WHY,
        statement=r"K = 3,\ y = 1,\ z = (-t, t, 0):\ \lim_{t \to \infty} \frac{\partial C_x}{\partial z_1} = \lim_{t \to \infty} (a_1 - 1) = -1",
        expr=_NS, var=_T, point=sp.oo, value=-1, domain={_T: positive()},
        note="'Informative gradients remain even when logits are large in magnitude': a "
             "confidently wrong network (the true class's logit -> -inf) keeps a gradient of size "
             "1, where sigmoid + MSE's would vanish (compare mse_sigmoid).",
    ),
)
