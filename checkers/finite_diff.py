r"""The finite-difference witness: the claimed derivative against differences of the cost.

Independent of JAX: the cost is lambdified to NumPy.

* Complex step, where the cost is analytic (no abs, max, piecewise, ...):
  $f'(x) \approx \operatorname{Im} f(x + ih)/h$ with $h = \min(10^{-20}, 10^{-8}|x|)$ (small against
  the scale $|x|$ on which $\ln x$-like terms vary).  There is
  no subtraction, so it reaches machine precision; tolerance $10^{-11}$ relative.
* Central differences otherwise, with a step per point
  $h = \epsilon^{1/3}\max(|x|, 1)$ and Richardson's estimate of their own error:
  $D(h) = (f(x+h) - f(x-h))/2h$, $R = (4D(h/2) - D(h))/3$,
  $\hat e = |D(h) - D(h/2)|$; the tolerance is $10\,\hat e + 10^{-8}|R|$.

Points where either is not finite or disagrees go to mpmath (:mod:`checkers.pointwise`).
"""

from __future__ import annotations

import time

import numpy as np

from .lambdify import is_analytic, numpy_fn
from .pointwise import decide
from .results import WitnessResult

__all__ = ["finite_diff_witness", "complex_step", "central_richardson", "CS_RTOL", "FD_RTOL"]

CS_RTOL = 1e-11
FD_RTOL = 1e-8
_EPS = np.finfo(np.float64).eps


def complex_step(f, cols, i):
    """$\\operatorname{Im} f(x + i h e_i)/h$ for every point; ``f`` returns (N, m, 1)."""
    x = cols[i]
    ax = np.abs(x)
    h = np.where(ax > 0, np.minimum(1e-20, 1e-8 * ax), 1e-20)
    h = np.where(h > 0, h, 5e-324)
    shifted = list(cols)
    shifted[i] = x + 1j * h
    with np.errstate(all="ignore"):
        return np.imag(f(*shifted))[..., 0] / h[:, None]


def central_richardson(f, cols, i):
    """Richardson-extrapolated central difference and its error estimate, both (N, m)."""
    x = cols[i]
    h = _EPS ** (1 / 3) * np.maximum(np.abs(x), 1.0)

    def d(step):
        plus, minus = list(cols), list(cols)
        plus[i], minus[i] = x + step, x - step
        with np.errstate(all="ignore"):
            return (f(*plus)[..., 0] - f(*minus)[..., 0]) / (2 * step[:, None])

    d1, d2 = d(h), d(h / 2)
    return (4 * d2 - d1) / 3, np.abs(d1 - d2)


def finite_diff_witness(claim, sample) -> WitnessResult:
    t0 = time.monotonic()
    variables = claim.variables
    cols = sample.columns()
    cost = numpy_fn(variables, claim.cost)
    claimed = numpy_fn(variables, claim.claimed)(*cols)  # (N, m, n)
    analytic = is_analytic(claim.cost)
    m, n = claim.claimed.shape
    ref = np.empty((len(sample), m, n))
    est = np.zeros((len(sample), m, n))
    for j, s in enumerate(claim.wrt):
        i = variables.index(s)
        if analytic:
            ref[:, :, j] = complex_step(cost, cols, i)
        else:
            ref[:, :, j], e = central_richardson(cost, cols, i)
            est[:, :, j] = 10 * e
    if analytic:
        method, rtol, tol_text = "complex step, h = min(1e-20, 1e-8 |x|)", CS_RTOL, f"rel. {CS_RTOL:.0e}"
    else:
        method, rtol = "central differences + Richardson, h = eps^(1/3) max(|x|, 1)", FD_RTOL
        tol_text = f"10 x Richardson error estimate + rel. {FD_RTOL:.0e}"
    true_jac = claim.cost.jacobian(list(claim.wrt))
    return decide(
        witness="finite differences", method=method, claim=claim, sample=sample,
        claimed=claimed, reference=ref, rtol=rtol, extra_tol=est if not analytic else None,
        mp_claimed=claim.claimed, mp_true=true_jac, tolerance_text=tol_text, t0=t0,
        names=[(f"output {a}, " if m > 1 else "") + f"d/d{claim.wrt[b]}" for a in range(m) for b in range(n)],
        confirm_diff=lambda k: (claim.cost[k // n], variables.index(claim.wrt[k % n])))
