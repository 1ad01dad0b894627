r"""Check a numeric implementation (JAX, custom VJP, optax, NumPy + backward) against a derivation.

:func:`verify_implementation` asks two questions on the claim's seeded sample (the same points
:func:`checkers.verify` uses: uniform, saturated, edge, tiny, huge, ties, ...):

* **value**: does ``fn`` compute the claim's cost?  $\mathrm{fn}(x) \approx C(x)$;
* **gradient**: does its gradient match the claimed derivative?
  $\nabla \mathrm{fn}(x) \approx \mathrm{claimed}(x)$, where $\nabla\mathrm{fn}$ is
  ``jax.jacrev(fn)`` for a JAX function -- which runs the backward pass of a ``jax.custom_vjp``,
  so a wrong backward pass is caught even when the forward pass is right -- or the ``grad``
  function you pass for a NumPy implementation.

and, with ``check_claim=True`` (the default), a third: is the derivation itself right
(:func:`checkers.verify`, the symbolic proof plus two numeric witnesses)?  An implementation is
correct when all three hold; the verdict is then VERIFIED (numerics cannot prove code correct).

Tolerance.  An implementation computes in float64 and rounds, and how much depends on the
program: $1 - \tanh^2 z$ at $z = -8$ keeps only 9 significant digits in any float64 code, and a
correct backward pass may round intermediates of the gradient's own size near a zero of it
(``optax.losses.huber_loss`` adds $(q - 1) + 1$ and returns 0 at $z = -10^{-20}$).  So each
entry is compared with
$$|c - t| \le \mathrm{rtol}\,\max(|c|, |t|) + K\,\epsilon\,\max(M(x), S_k) + 2.2\cdot10^{-308},
  \qquad \mathrm{rtol} = 10^{-12},\ K = 64,\ \epsilon = 2^{-52},$$
with $c$ the implementation's value, $t$ the claim's, $M$ the first-order running error
bound of the claim's expression (:func:`magnitude`): $M(v) = |v|$ for a variable,
$M(a_1 + \dots + a_k) = \sum_i M(a_i)$, and $M(f(u_1, \dots, u_k)) = |f| + \sum_i
|\partial f/\partial u_i|\, M(u_i)$ for products, powers and functions; float64 evaluation of
the expression errs by about $\epsilon M$ (Higham, *Accuracy and Stability of Numerical
Algorithms*, running error analysis).  $M$ is the larger of the bound of the formula as written
and of the formula with its logarithms split ($\ln(a/b) = \ln a - \ln b$), the way stable code
computes it (optax: $\operatorname{logsumexp}(z) - z_y$ errs by $\epsilon |z|$).  $S_k$ is the
entry's typical size: the median of its finite non-zero $|t|$ over the sample
(:func:`checkers.compare.typical_magnitude`; the derivation is
:func:`checkers.compare.rounding_bound`'s): a correct program, however it is written, rounds
intermediates of about that size, so the verdict no longer depends on which of two equivalent
forms of the derivative the claim writes.  Where the formula has no cancellation and the
quantity is not small, the test is relative to $10^{-12}$; a wrong backward pass is off by a
fraction of the gradient itself.  The price: an error below $64\epsilon S_k \approx
1.4\cdot10^{-14} S_k$ in absolute terms is not seen.  The last term is the smallest normal
float64: XLA on CPU flushes subnormal results to zero; likewise, at a point with a subnormal
coordinate the claim is also evaluated with that coordinate read as 0, as XLA reads it.

The decision follows :mod:`checkers.compare` (the float64 rule, the two-precision referee, the
budgeted escalation, the simplest counterexample), with one difference: one side is float64
output, not an exact expression.  So the referee evaluates the claim's side at two working
precisions and compares the implementation's value with it under the float64 bound above (not
at $10^{-25}$).  Non-finite is never agreement in float64: where either side is infinite or
NaN the referee decides the true value, and an implementation that returns NaN or infinity
where it is a finite float64 number is REFUTED there (``jax.nn.squareplus`` at
$|z| \ge 1.3\cdot10^{154}$); infinity of the right sign is right where the true value
overflows float64 (``jnp.exp`` at $z = 710$, $10^{300}$).  At an ill-conditioned point (the
claim swings under a $64\epsilon$ relative change of one input) an output that holds for such
a perturbed input is accepted: float64 code can do no better (:mod:`.comparison`).  Points the
referee cannot decide are counted, and shown on the verdict line.  A comparison that decides
no point at all is UNDECIDED.

A JAX implementation with float32 values in its forward or backward pass (JAX casts them back
to float64 silently) is named: "the backward pass computes in float32 (...)" in the message
(:meth:`.evaluation.Evaluator.low_precision`); the verdict is the comparison's.

Points on a kink of the cost (:mod:`checkers.kinks`) are left out of the gradient comparison
and counted.  float32 inputs or outputs raise :class:`checkers.Float32Error`.

Layout: :mod:`.layout` (how the claim's variables are passed), :mod:`.evaluation` (running the
user's function and its gradient), :mod:`.tolerance` ($M$, the bound, the float64 and mpmath
tests), :mod:`.comparison` (one witness: float64, referee, counterexample), :mod:`.verify` (the
public function).
"""

from __future__ import annotations

from .layout import ImplementationError
from .tolerance import IMPL_K, IMPL_RTOL, magnitude
from .verify import Implementation, ImplementationResult, verify_implementation

__all__ = ["Implementation", "ImplementationError", "ImplementationResult",
           "verify_implementation", "magnitude", "IMPL_RTOL", "IMPL_K"]
