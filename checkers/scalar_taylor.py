r"""The Taylor remainder witness for scalar gradient claims (a third, independent witness).

For each cost entry $C_r$, at a sample point $m$ and a seeded random direction $h$ over the
``wrt`` variables, the remainder
$$R(\epsilon) = C_r(m + \epsilon h) - C_r(m) - \epsilon\,\langle g_r(m), h\rangle$$
shrinks like $\epsilon^2$ when the claimed gradient row $g_r$ is right and like $\epsilon$
otherwise (the Taylor test of dolfin-adjoint / pyadjoint: Farrell et al., SIAM J. Sci. Comput.
35 (2013), section 5.2).  It needs neither JAX nor a finite-difference step: only the cost and the
claim, evaluated in float64 on the grid $\epsilon = 2^{-k}$; the judged window and the order rule
are those of :mod:`checkers.taylor` (shared with the network and indexed Taylor witnesses).

A failing window is not a counterexample yet: it is confirmed in mpmath, where the directional
derivative $\frac{d}{dt} C_r(m + t h)|_{t=0}$ (``mpmath.diff``, at the working precision the
referee chooses) must differ from $\langle g_r(m), h\rangle$ at two precisions
(:func:`checkers.compare.referee`).  A window float64 cannot form (the cost is linear along $h$
to rounding, or not finite) is not judged; a claim with no judged window is not applicable.

Its PASS is supporting evidence, not a dispute (``WitnessResult.conclusive`` is False): it tests
32 points (an exact symbolic counterexample among them), and a float64 remainder cannot show a
wrong directional derivative below about $10^{-8}$ relative, where the autodiff witness resolves
$10^{-10}$ at every point.
"""

from __future__ import annotations

import time

import mpmath
import numpy as np

from .compare import referee
from .highprec import MAX_DPS, fmt, required_dps
from .lambdify import mpmath_fn, numpy_fn
from .results import FAIL, NOT_APPLICABLE, PASS, Counterexample, WitnessResult
from .sampling import stable_seed
from .taylor import judge, window

__all__ = ["taylor_witness", "TAYLOR_POINTS", "HALVINGS"]

TAYLOR_POINTS = 32          # sample points tested (evenly spread over the sample's regimes)
HALVINGS = 10
NOISE = 1e3                 # the rounding threshold: NOISE x eps x |C| (as the network witness)
_GRID = 2.0 ** -np.arange(0, 48)
_EPS = float(np.finfo(np.float64).eps)


def _direction(rng, x):
    h = rng.standard_normal(len(x))
    return h * np.maximum(np.abs(x), 1.0) / np.linalg.norm(h)


def taylor_witness(claim, sample) -> WitnessResult:
    """Taylor remainder of every cost entry along a random direction at up to ``TAYLOR_POINTS``
    points of ``sample`` (module docstring)."""
    t0 = time.monotonic()
    variables = sample.variables
    wrt = [variables.index(s) for s in claim.wrt]
    m_out, n = claim.claimed.shape
    f_cost = numpy_fn(variables, claim.cost)
    f_grad = numpy_fn(variables, claim.claimed)
    rng = np.random.default_rng([sample.seed, stable_seed(claim.id), 7])
    picks = np.unique(np.linspace(0, len(sample) - 1, min(TAYLOR_POINTS, len(sample))).astype(int)) \
        if len(sample) else np.zeros(0, int)
    exact = np.flatnonzero(sample.regimes == "symbolic counterexample")   # asked of every witness
    picks = np.concatenate([exact, picks[~np.isin(picks, exact)]])
    judged, short, passed = 0, 0, 0
    for i in picks:
        x = sample.points[i]
        h = np.zeros(len(x))
        h[wrt] = _direction(rng, x[wrt])
        grid = x[None, :] + _GRID[:, None] * h[None, :]
        inside = np.array([all(sample.domain_of(s).contains(v) for s, v in zip(variables, p))
                           for p in grid])
        J = np.real(f_cost(*grid.T)).reshape(len(_GRID), -1)
        J0 = np.real(f_cost(*x[:, None])).reshape(-1)
        g = np.real(f_grad(*x[:, None])).reshape(m_out, n)
        for r in range(m_out):
            with np.errstate(all="ignore"):
                gh = float(g[r] @ h[wrt])
                R = np.where(inside, J[:, r] - J0[r] - _GRID * gh, np.nan)
            if not (np.isfinite(J0[r]) and np.isfinite(gh)):
                continue
            thr = NOISE * _EPS * max(abs(J0[r]), np.finfo(np.float64).tiny)
            win = window(np.abs(R), thr, HALVINGS)
            if isinstance(win, str):
                continue
            lo, hi = win
            verdict = judge(R[lo:hi], thr, HALVINGS)
            judged += 1
            if verdict["passed"]:
                passed += 1
                short += verdict["status"] == "short"
                continue
            ce = _confirm(claim, variables, x, h, wrt, r, sample.regimes[i])
            if ce is not None:
                orders = ", ".join(f"{o:.2f}" for o in verdict["orders"][-3:])
                return WitnessResult(
                    "taylor remainder", FAIL, method=_METHOD, tolerance=_TOL, points=len(picks),
                    float64_points=judged, detail=f"remainder order {orders} (1 = wrong gradient); "
                    f"counterexample confirmed in high precision ({ce})", counterexample=ce,
                    seconds=time.monotonic() - t0)
            passed += 1   # float64 could not form the window faithfully; mpmath agrees
    if not judged:
        return WitnessResult("taylor remainder", NOT_APPLICABLE, method=_METHOD, tolerance=_TOL,
                             points=len(picks), detail="no point where float64 forms a Taylor "
                             "window (the cost is linear along h to rounding, or not finite)",
                             seconds=time.monotonic() - t0, conclusive=False)
    return WitnessResult(
        "taylor remainder", PASS, method=_METHOD, tolerance=_TOL, points=len(picks),
        float64_points=judged, detail=f"{judged} windows judged, all second order"
        + (f" ({short} short: rounding reached first)" if short else ""),
        seconds=time.monotonic() - t0, conclusive=False)


_METHOD = f"R(eps) = C(m + eps h) - C(m) - eps <g, h>, eps = 2^-k, {HALVINGS} halvings, float64"
_TOL = "order >= 1.8 over the window (checkers.taylor)"


def _confirm(claim, variables, x, h, wrt, r, regime):
    """The directional derivative in mpmath against the claim's ``<g_r, h>``, or None."""
    cost = mpmath_fn(variables, claim.cost)
    grad = mpmath_fn(variables, claim.claimed)
    n = len(claim.wrt)
    dps = required_dps(variables, (claim.cost, claim.claimed), x)
    if dps > MAX_DPS:
        return None

    def evaluate(p):
        with mpmath.workdps(p):
            m = [mpmath.mpf(float(v)) for v in x]
            hh = [mpmath.mpf(float(v)) for v in h]
            try:
                d = mpmath.diff(lambda t: cost(*[a + t * b for a, b in zip(m, hh)])[r], 0)
                g = grad(*m)[r * n:(r + 1) * n]
                gh = mpmath.fsum(g[j] * hh[wrt[j]] for j in range(n))
                if abs(d - gh) <= abs(cost(*m)[r]) * mpmath.mpf(10) ** -p:
                    return None   # below mpmath.diff's resolution, about |C| 10^-p: undecided
            except (ZeroDivisionError, ValueError, OverflowError):
                return None
            return [gh], [d]

    status, _, c_hi, t_hi = referee(evaluate, dps)
    if status != "fail":
        return None
    return Counterexample(
        point={str(s): fmt(v) for s, v in zip(variables, x)}, claimed=fmt(c_hi[0]), true=fmt(t_hi[0]),
        component=f"<g, h> of cost entry {r + 1}, h = ({', '.join(fmt(v, 6) for v in h[wrt])})",
        confirmed="mpmath.diff of the cost along h at two working precisions",
        found_by="taylor remainder", by_hand=f"sample regime: {regime}",
        labels=("claimed directional derivative", "true directional derivative"))
