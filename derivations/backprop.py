r"""Ko 2026, section 2 (multi-layer network, BP1-BP4) and the two backprop sentences of section 1.

An $L$-layer sigmoid network, $z^l = W^l a^{l-1} + b^l$, $a^l = \sigma(z^l)$, $a^0 = x$, with the
cross-entropy summed over the output units and averaged over $n$ samples,
$$C = \frac1n \sum_x \sum_{j=1}^m \left[-y_j \ln a_j^L - (1 - y_j)\ln(1 - a_j^L)\right].$$
With $\delta^l = \partial C_x / \partial z^l$ (per sample, the document's definition):
$$\text{BP1: } \delta^L = \nabla_{a^L} C_x \odot \sigma'(z^L) = a^L - y, \qquad
  \text{BP2: } \delta^l = \left((W^{l+1})^\top \delta^{l+1}\right) \odot \sigma'(z^l),$$
$$\text{BP3: } \frac{\partial C}{\partial b^l} = \frac1n \sum_x \delta^l, \qquad
  \text{BP4: } \frac{\partial C}{\partial W^l} = \frac1n \sum_x \delta^l (a^{l-1})^\top.$$

Every claim is a :class:`~derivations.network.NetworkClaim`: one matrix or index expression with
symbolic sizes, proved on explicit 2-3-2 and 3-4-3-2 networks and checked against ``jax.grad`` of
the whole cost at 784-100-10 and 784-128-64-64-10, batch 64.  A batch is stored column-wise
($\frac1n \sum_x \delta^l (a^{l-1})^\top = \frac1N \Delta^l (A^{l-1})^\top$).

Two sentences are false as written (REFUTED rows, each with the narrower true claims as PROVED rows):

* "Averaging over the dataset (multiplying by $\frac1n\sum_x$) preserves the same form:
  $\delta_j^L = a_j^L - y_j$" -- for the averaged cost, $\partial C/\partial z_j^L = \frac1n (a_j^L - y_j)$;
* the boxed $\partial C/\partial b_j^L = \delta_j^L = \frac1n \sum_x (a_j^L - y_j)$ -- a per-sample
  $\delta_j^L$ equals the batch average only if every sample has the same error.
"""

from __future__ import annotations

import sympy as sp

from .claims import EqualityClaim, closed_interval, open_interval
from .network import (BCE, MSE, A, A_prev, Delta, Delta_next, G, N, NetworkClaim, W_next, Y, act_prime,
                       Z, dC_db, dC_dW, dC_dZ, dZnext_dZ, n_l, n_next, n_prev, ones_N, sigma_prime)
from .bce_sigmoid import ce
from .sources import ko

__all__ = ["CLAIMS", "REFUTED", "DC_DA"]

j, k, x, c = sp.symbols("j k x c", integer=True, nonnegative=True)
H = sp.HadamardProduct
FM = sp.FunctionMatrix


def _sum_x(e):
    r"""$\sum_x$ over the batch (columns $0 \dots N-1$)."""
    return sp.Sum(e, (x, 0, N - 1))


_ONES_L = sp.OneMatrix(n_l, N)
# -(y/a - (1 - y)/(1 - a)), elementwise
DC_DA = -(H(Y, sp.HadamardPower(A, -1)) - H(_ONES_L - Y, sp.HadamardPower(_ONES_L - A, -1)))
r"""$\nabla_a C_x = -(y \oslash a - (1 - y) \oslash (1 - a))$: the cross-entropy's gradient in
the output activations, elementwise."""

_S1 = ko(1)
_GEN = "Generalize the CE cost with sigmoid to many-neuron with multi-layer networks: BP1-BP4"
_COST = ko(2, _GEN)
_RECALL = ko(2, _GEN + " / Recall from BP1 to BP4")
_BP1 = ko(2, _GEN + " / BP1")
_BP2 = ko(2, _GEN + " / BP2")
_BP3 = ko(2, _GEN + " / BP3")
_BP4 = ko(2, _GEN + " / BP4")
_WHEN = ko(2, _GEN + " / When to use it?")

_PER_SAMPLE = ("Per sample: the cost is C_x of one sample x (checked for every sample of the batch, "
               "with N = 1 columns). ")
_DELTA = "delta^l = dC_x/dz^l per sample (the document's definition) is computed as a derivative, not a formula. "

# The multi-output cost at n = 2 samples, m = 2 output units (explicit symbols).
_a = [[sp.Symbol(f"a_{jj}{xx}", positive=True) for xx in (1, 2)] for jj in (1, 2)]
_y = [[sp.Symbol(f"y_{jj}{xx}", real=True) for xx in (1, 2)] for jj in (1, 2)]
_multi_cost = sp.Rational(1, 2) * sum(-_y[jj][xx] * sp.log(_a[jj][xx]) - (1 - _y[jj][xx]) * sp.log(1 - _a[jj][xx])
                                      for xx in range(2) for jj in range(2))
_per_unit_single = sum(sp.Rational(1, 2) * sum(ce(_a[jj][xx], _y[jj][xx]) for xx in range(2)) for jj in range(2))

def _act_prime_entry(M, r, col):
    """$\\sigma'(M_{r, col})$ as a SymPy function of one entry (index forms)."""
    return act_prime(M[r, col])


_bp2_index = FM(n_l, N, sp.Lambda((j, x), _act_prime_entry(Z, j, x)
                                  * sp.Sum(W_next[k, j] * Delta_next[k, x], (k, 0, n_next - 1))))

CLAIMS = (
    # --- section 1 ---------------------------------------------------------------------------
    NetworkClaim(
        id="backprop.s1_grad_w",
        title="Section 1: dC/dw_jk = a_k^(l-1) delta_j^l (one example)",
        source=_S1,
        statement=r"\frac{\partial C}{\partial w_{jk}^\ell} = a_k^{\ell-1} \delta_j^\ell",
        lhs=dC_dW, rhs=FM(n_l, n_prev, sp.Lambda((j, k), A_prev[k, 0] * Delta[j, 0])),
        layers="all", cost=MSE, scope="sample",
        note=_PER_SAMPLE + "Section 1's cost is the quadratic cost of one example, C_x = 1/2 sum_j "
             "(a_j - y_j)^2; index form, every layer l = 1..L. " + _DELTA
             + "The symbolic witness proves it for any activation and any cost.",
    ),
    NetworkClaim(
        id="backprop.s1_grad_b",
        title="Section 1: dC/db_j = delta_j (one example)",
        source=_S1,
        statement=r"\frac{\partial C}{\partial b_j^\ell} = \delta_j^\ell",
        lhs=dC_db, rhs=FM(n_l, 1, sp.Lambda((j, c), Delta[j, c])),
        layers="all", cost=MSE, scope="sample",
        note=_PER_SAMPLE + "Quadratic cost of one example (section 1); every layer. " + _DELTA,
    ),
    # --- section 2: the multi-layer network --------------------------------------------------
    EqualityClaim(
        id="backprop.cost_multi_output",
        title="The multi-output cost only adds a sum over the output units",
        source=_COST,
        statement=r"C = \frac{1}{n} \sum_x \sum_{j=1}^m \left[-y_j \ln a_j^L - (1 - y_j) \ln(1 - a_j^L) \right]"
                  r" = \sum_{j=1}^m \frac{1}{n} \sum_x C_x\!\left(a_j^L, y_j\right)",
        lhs=_multi_cost, rhs=_per_unit_single,
        domain={**{s: open_interval(0, 1) for row in _a for s in row},
                **{s: closed_interval(0, 1) for row in _y for s in row}},
        note="The sentence defines C and says 'we are only adding sum_j for summing over all the neurons "
             "in the output layer': checked as C = sum over output units of the single-neuron dataset "
             "cost (1/n) sum_x C_x of section 2 (bce_sigmoid), with n = 2 samples and m = 2 outputs, "
             "a in (0, 1) and y in [0, 1] (the identity does not need y in {0, 1}).",
    ),
    NetworkClaim(
        id="backprop.bp1_general",
        title="BP1: delta^L = grad_a C (.) sigma'(z^L)",
        source=_RECALL,
        statement=r"\delta_j^L = \frac{\partial C}{\partial a_j^L} \sigma'(z_j^L), \quad "
                  r"\delta^L = \nabla_{a^L} C \odot \sigma'(z^L)",
        lhs=Delta, rhs=H(G, sigma_prime(Z)), layers="output", cost=BCE, scope="sample",
        note=_PER_SAMPLE + "C is read as the per-sample cost C_x: BP3 and BP4 then average delta over "
             "the samples, which only makes sense for a per-sample delta (with the averaged C the same "
             "chain rule holds, with both sides divided by n). Index and vector form are the same "
             "identity entry by entry. " + _DELTA + "Proved for any activation and any cost.",
    ),
    NetworkClaim(
        id="backprop.bp2_index",
        title="BP2, index form: delta_j^l = sigma'(z_j^l) sum_k w_kj^(l+1) delta_k^(l+1)",
        source=_RECALL,
        statement=r"\delta_j^l = \sigma'(z_j^l) \sum_k w_{kj}^{l+1} \delta_k^{l+1}, \quad l = L - 1, \dots, 1",
        lhs=Delta, rhs=_bp2_index, layers="hidden", cost=BCE, scope="sample",
        note=_PER_SAMPLE + "Every hidden layer l = 1..L-1; the index form is compiled to an einsum "
             "over k. " + _DELTA,
    ),
    NetworkClaim(
        id="backprop.bp2_matrix",
        title="BP2, matrix form: delta^l = ((W^(l+1))^T delta^(l+1)) (.) sigma'(z^l)",
        source=_RECALL,
        statement=r"\delta^l = \left((W^{l+1})^\top \delta^{l+1} \right) \odot \sigma'(z^l)",
        lhs=Delta, rhs=H(W_next.T * Delta_next, sigma_prime(Z)), layers="hidden", cost=BCE,
        scope="sample",
        note=_PER_SAMPLE + "Every hidden layer. " + _DELTA,
    ),
    NetworkClaim(
        id="backprop.bp3_index",
        title="BP3, index form: dC/db_j^l = (1/n) sum_x delta_j^l",
        source=_RECALL,
        statement=r"\frac{\partial C}{\partial b_j^l} = \frac{1}{n} \sum_x \delta_j^l",
        lhs=dC_db, rhs=FM(n_l, 1, sp.Lambda((j, c), _sum_x(Delta[j, x]) / N)), layers="all", cost=BCE,
        note="C is the batch mean (1/n) sum_x C_x; delta^l is per sample. Every layer. " + _DELTA,
    ),
    NetworkClaim(
        id="backprop.bp3_matrix",
        title="BP3, vector form: dC/db^l = (1/n) sum_x delta^l",
        source=_RECALL,
        statement=r"\frac{\partial C}{\partial B^l} = \frac{1}{n} \sum_x \delta^l",
        lhs=dC_db, rhs=(1 / N) * Delta * ones_N, layers="all", cost=BCE,
        note="B^l is read as the bias vector b^l. Batch mean; the sum over samples is Delta^l 1_N "
             "with one column per sample. " + _DELTA,
    ),
    NetworkClaim(
        id="backprop.bp4_index",
        title="BP4, index form: dC/dw_jk^l = (1/n) sum_x a_k^(l-1) delta_j^l",
        source=_RECALL,
        statement=r"\frac{\partial C}{\partial w_{jk}^l} = \frac{1}{n} \sum_x a_k^{l-1} \delta_j^l",
        lhs=dC_dW, rhs=FM(n_l, n_prev, sp.Lambda((j, k), _sum_x(A_prev[k, x] * Delta[j, x]) / N)),
        layers="all", cost=BCE,
        note="Batch mean; every layer (a^0 = x). Also the result of the BP4 derivation (lines "
             "'BP4. Similarly, ...' and 'so ...'). " + _DELTA,
    ),
    NetworkClaim(
        id="backprop.bp4_matrix",
        title="BP4, matrix form: dC/dW^l = (1/n) sum_x delta^l (a^(l-1))^T",
        source=_RECALL,
        statement=r"\frac{\partial C}{\partial W^l} = \frac{1}{n} \sum_x \delta^l (a^{l-1})^\top",
        lhs=dC_dW, rhs=(1 / N) * Delta * A_prev.T, layers="all", cost=BCE,
        note="Batch mean; sum_x delta^l (a^{l-1})^T = Delta^l (A^{l-1})^T with one column per sample. "
             + _DELTA,
    ),
    NetworkClaim(
        id="backprop.bp1_ce_dc_da",
        title="BP1 derivation: dC_x/da_j^L for the cross-entropy",
        source=_BP1,
        statement=r"\frac{\partial C_x}{\partial a_j^L} = - \left(\frac{y_j}{a_j^L} - \frac{1 - y_j}{1 - a_j^L} \right)",
        lhs=G, rhs=DC_DA, layers="output", cost=BCE, scope="sample",
        note=_PER_SAMPLE + "The gradient of C_x = sum_j C_{x,j} in the output activations of the network. "
             "Where a^L rounds to 1 in float64 the mpmath referee decides.",
    ),
    NetworkClaim(
        id="backprop.bp1_ce_product",
        title="BP1 derivation: delta^L = -(y/a - (1-y)/(1-a)) a(1-a)",
        source=_BP1,
        statement=r"\delta_j^L \equiv \frac{\partial C_x}{\partial z_j^L} = - \left(\frac{y_j}{a_j^L} - "
                  r"\frac{1 - y_j}{1 - a_j^L} \right) a_j^L (1 - a_j^L)",
        lhs=Delta, rhs=H(DC_DA, A, _ONES_L - A), layers="output", cost=BCE, scope="sample",
        note=_PER_SAMPLE + "The middle of the chain, with sigma'(z) = a(1 - a): holds for the sigmoid "
             "only (the symbolic witness proves it after substituting the sigmoid).",
    ),
    NetworkClaim(
        id="backprop.bp1_ce",
        title="BP1 with the cross-entropy: delta^L = a^L - y (per sample)",
        source=_BP1,
        statement=r"\delta_j^L \equiv \frac{\partial C_x}{\partial z_j^L} = a_j^L - y_j",
        lhs=Delta, rhs=A - Y, layers="output", cost=BCE, scope="sample",
        note=_PER_SAMPLE + "The end of the chain: sigmoid output and cross-entropy.",
    ),
    NetworkClaim(
        id="backprop.bp1_ce_averaged",
        title="'Averaging over the dataset preserves the same form: delta_j^L = a_j^L - y_j'",
        source=_BP1,
        statement=r"\delta_j^L \equiv \frac{\partial C_x}{\partial z_j^L}:\quad "
                  r"\frac{1}{n}\sum_x \delta_j^L = \frac{1}{n}\sum_x \left(a_j^L - y_j\right)",
        lhs=(1 / N) * Delta * ones_N, rhs=(1 / N) * (A - Y) * ones_N, layers="output", cost=BCE,
        scope="mean",
        note="Reading: the line just above defines delta_j^L = dC_x/dz_j^L, per sample, and the "
             "sentence says that multiplying both sides of delta_j^L = a_j^L - y_j by (1/n) sum_x "
             "keeps the form: (1/n) sum_x delta_j^L = (1/n) sum_x (a_j^L - y_j), the average that BP3 "
             "then uses. With that definition the boxed delta_j^L = a_j^L - y_j is the per-sample "
             "identity (backprop.bp1_ce). Reading delta here as dC/dz_j^L of the averaged C would "
             "change the symbol the text has just defined; that quantity is (a_j^L - y_j)/n "
             "(backprop.bp1_ce_averaged_scaled).",
    ),
    NetworkClaim(
        id="backprop.bp1_ce_averaged_scaled",
        title="Not in the text: for the averaged cost, dC/dz_j^L = (a_j^L - y_j)/n",
        source=_BP1,
        statement=r"C = \frac{1}{n}\sum_x C_x:\quad \frac{\partial C}{\partial z_j^L} = \frac{1}{n}\left(a_j^L - y_j\right)",
        lhs=dC_dZ, rhs=(1 / N) * (A - Y), layers="output", cost=BCE, scope="mean",
        note="Not in the text: the derivative of the averaged cost in z_j^L of one sample, which enters "
             "only that sample's C_x. It is what delta would be if read as dC/dz with the averaged C "
             "(see backprop.bp3_with_averaged_delta).",
    ),
    NetworkClaim(
        id="backprop.bp2_chain_rule",
        title="BP2 derivation: delta_j^l = sum_k delta_k^(l+1) dz_k^(l+1)/dz_j^l",
        source=_BP2,
        statement=r"\delta_j^l = \frac{\partial C}{\partial z_j^l} = \sum_k \frac{\partial C}{\partial z_k^{l+1}} "
                  r"\frac{\partial z_k^{l+1}}{\partial z_j^l}",
        lhs=Delta, rhs=FM(n_l, N, sp.Lambda((j, x), sp.Sum(Delta_next[k, x] * dZnext_dZ[k, j],
                                                          (k, 0, n_next - 1)))),
        layers="hidden", cost=BCE, scope="sample",
        note=_PER_SAMPLE + "The chain rule through layer l+1; dz^{l+1}/dz^l is the true Jacobian "
             "(SymPy diff / jax.jacrev), so this row checks the chain rule step alone.",
    ),
    NetworkClaim(
        id="backprop.bp2_local_derivative",
        title="BP2 derivation: dz_k^(l+1)/dz_j^l = w_kj^(l+1) sigma'(z_j^l)",
        source=_BP2,
        statement=r"\frac{\partial z_k^{l+1}}{\partial z_j^l} = w_{kj}^{l+1} \frac{\partial a_j^l}{\partial z_j^l} "
                  r"= w_{kj}^{l+1} \sigma'(z_j^l)",
        lhs=dZnext_dZ, rhs=FM(n_next, n_l, sp.Lambda((k, j), W_next[k, j] * _act_prime_entry(Z, j, 0))),
        layers="hidden", cost=BCE, scope="sample",
        note=_PER_SAMPLE + "'Only the term with r = j depends on z_j^l': the Jacobian of "
             "z^{l+1} = W^{l+1} sigma(z^l) + b^{l+1}, entry by entry.",
    ),
    NetworkClaim(
        id="backprop.bp2_boxed",
        title="BP2 derivation, boxed result: delta_j^l = sigma'(z_j^l) sum_k w_kj^(l+1) delta_k^(l+1)",
        source=_BP2,
        statement=r"\delta_j^l = \sigma'(z_j^l) \sum_k w_{kj}^{l+1} \delta_k^{l+1}",
        lhs=Delta, rhs=_bp2_index, layers="hidden", cost=BCE, scope="sample",
        note=_PER_SAMPLE + "The same identity as backprop.bp2_index, restated as the result of the derivation.",
    ),
    NetworkClaim(
        id="backprop.bp3_per_sample",
        title="BP3 derivation: dC_x/db_j^l = dC_x/dz_j^l dz_j^l/db_j^l = delta_j^l",
        source=_BP3,
        statement=r"\frac{\partial C_x}{\partial b_j^l} = \frac{\partial C_x}{\partial z_j^l} "
                  r"\frac{\partial z_j^l}{\partial b_j^l} = \delta_j^l \cdot 1",
        lhs=dC_db, rhs=Delta, layers="all", cost=BCE, scope="sample",
        note=_PER_SAMPLE + "The step inside the chain; the chain's end, (1/n) sum_x delta_j^l, is "
             "backprop.bp3_index. " + _DELTA,
    ),
    NetworkClaim(
        id="backprop.bp3_with_averaged_delta",
        title="BP3 with BP2's literal delta_j^l = dC/dz_j^l (averaged C): the 1/n counted twice",
        source=_BP3,
        statement=r"\delta_j^l = \frac{\partial C}{\partial z_j^l},\ C = \frac{1}{n}\sum_x C_x:\quad "
                  r"\frac{\partial C}{\partial b_j^l} = \frac{1}{n} \sum_x \delta_j^l",
        lhs=dC_db, rhs=(1 / N) * dC_dZ * ones_N, layers="all", cost=BCE, scope="mean",
        note="BP2's derivation starts from 'the definition delta_j^l = dC/dz_j^l' with C, the averaged "
             "cost of the section, not C_x. Read literally, every delta already carries the 1/n, and "
             "BP3's (1/n) sum_x delta_j^l divides by n a second time: false for n >= 2 (by a factor "
             "1/n). Read per sample, delta_j^l = dC_x/dz_j^l (BP1's definition), BP3 holds "
             "(backprop.bp3_index). The document's own formulas -- BP3 and BP4 average delta over x, "
             "and BP1 defines delta with C_x -- require the per-sample reading; the BP2 rows are "
             "checked in it, and this row records that the literal one is false.",
    ),
    NetworkClaim(
        id="backprop.bp3_output_boxed",
        title="'dC/db_j^L = delta_j^L = (1/n) sum_x (a_j^L - y_j)' (boxed)",
        source=_BP3,
        statement=r"\frac{\partial C}{\partial b_j^L} = \delta_j^L = \frac{1}{n} \sum_x (a_j^L - y_j)",
        lhs=Delta, rhs=(1 / N) * (A - Y) * sp.OneMatrix(N, N), layers="output", cost=BCE, scope="mean",
        note="The boxed line chains two equalities. The middle one equates the per-sample error "
             "delta_j^L of every sample x with the batch average (1/n) sum_x (a_j^L - y_j) (in matrix "
             "form: Delta^L = (1/N)(A^L - Y) 1 1^T, every column the average); it is false for n >= 2 "
             "unless every sample has the same error, and then so is the first, dC/db_j^L = delta_j^L. "
             "The outer equality holds: backprop.bp3_output_averaged; per sample: "
             "backprop.bp3_output_per_sample.",
    ),
    NetworkClaim(
        id="backprop.bp3_output_averaged",
        title="Narrower claim that holds: dC/db_j^L = (1/n) sum_x (a_j^L - y_j)",
        source=_BP3,
        statement=r"\frac{\partial C}{\partial b_j^L} = \frac{1}{n} \sum_x (a_j^L - y_j)",
        lhs=dC_db, rhs=(1 / N) * (A - Y) * ones_N, layers="output", cost=BCE, scope="mean",
        note="The outer equality of the boxed line (without the per-sample delta in the middle).",
    ),
    NetworkClaim(
        id="backprop.bp3_output_per_sample",
        title="Narrower claim that holds: dC_x/db_j^L = delta_j^L = a_j^L - y_j (per sample)",
        source=_BP3,
        statement=r"\frac{\partial C_x}{\partial b_j^L} = \delta_j^L = a_j^L - y_j",
        lhs=dC_db, rhs=A - Y, layers="output", cost=BCE, scope="sample",
        note=_PER_SAMPLE + "The boxed line for one sample (n = 1), where the middle equality holds.",
    ),
    NetworkClaim(
        id="backprop.bp4_per_sample",
        title="BP4 derivation: dC_x/dw_jk^l = delta_j^l a_k^(l-1)",
        source=_BP4,
        statement=r"\frac{\partial C_x}{\partial w_{jk}^l} = \frac{\partial C_x}{\partial z_j^l} "
                  r"\frac{\partial z_j^l}{\partial w_{jk}^l} = \delta_j^l \cdot a_k^{l-1}",
        lhs=dC_dW, rhs=FM(n_l, n_prev, sp.Lambda((j, k), Delta[j, 0] * A_prev[k, 0])),
        layers="all", cost=BCE, scope="sample",
        note=_PER_SAMPLE + "The step inside the chain; its end, (1/n) sum_x delta_j^l a_k^{l-1}, is "
             "backprop.bp4_index. " + _DELTA,
    ),
    NetworkClaim(
        id="backprop.bp4_output_boxed",
        title="BP4 at the output layer: dC/dw_jk^L = (1/n) sum_x a_k^(L-1) (a_j^L - y_j)",
        source=_BP4,
        statement=r"\frac{\partial C}{\partial w_{jk}^L} = \frac{1}{n} \sum_x a_k^{L-1} (a_j^L - y_j)",
        lhs=dC_dW, rhs=FM(n_l, n_prev, sp.Lambda((j, k), _sum_x(A_prev[k, x] * (A[j, x] - Y[j, x])) / N)),
        layers="output", cost=BCE, scope="mean",
        note="Batch mean, sigmoid outputs with the cross-entropy.",
    ),
    NetworkClaim(
        id="backprop.when_to_use",
        title="'Pairing with cross-entropy yields delta^L = a^L - y'",
        source=_WHEN,
        statement=r"\delta^L = a^L - y",
        lhs=Delta, rhs=A - Y, layers="output", cost=BCE, scope="sample",
        note=_PER_SAMPLE + "The same identity as backprop.bp1_ce, restated: no sigma'(z^L) factor at the "
             "output (compare backprop.bp1_general with the quadratic cost).",
    ),
)

REFUTED = {
    "backprop.bp3_with_averaged_delta":
        "2-3-2 network, batch 2, all weights, biases and inputs 0, y = (1, 0) for both samples: "
        "every a^L = 1/2, and at the output layer dC/db_1^L = (1/2)((1/2 - 1) + (1/2 - 1)) = -1/2, "
        "while (1/2) sum_x dC/dz_1^L = (1/2)((1/2)(-1/2) + (1/2)(-1/2)) = -1/4.",
    "backprop.bp3_output_boxed":
        "2-3-2 network, batch 2, all weights, biases and inputs 0: every a^L = (1/2, 1/2); "
        "y = (1, 0) for sample 1, (0, 1) for sample 2. delta^L of sample 1 = (-1/2, 1/2), of sample 2 "
        "= (1/2, -1/2); the batch average (1/2) sum_x (a^L - y) = (0, 0).",
}
"""The sentences false as written, with a counterexample a student can check by hand."""
