r"""The Taylor remainder rule, shared by the network and the indexed Taylor witnesses.

For a scalar function $J$, a point $m$, a direction $h$ and a claimed gradient $g$, the
remainder $R(\epsilon) = J(m + \epsilon h) - J(m) - \epsilon \langle g, h\rangle$ is
$\epsilon\,\langle \nabla J - g, h\rangle + a\epsilon^2 + b\epsilon^3 + \dots$: it shrinks like
$\epsilon^2$ exactly when the claimed directional derivative is right, and like $\epsilon$
otherwise (Farrell, Ham, Funke and Rognes, *Automated derivation of the adjoint of high-level
transient finite element programs*, SIAM J. Sci. Comput. 35 (2013), section 5.2: the Taylor test
of dolfin-adjoint / pyadjoint).  The observed order between two halvings is
$\log_2 |R(\epsilon_k)| / |R(\epsilon_{k+1})|$.

Which halvings are judged (:func:`judge`):

* **The window.** $\epsilon = 2^{-k}$ on a fixed grid (:data:`GRID`); the window is the
  ``halvings + 1`` smallest steps up to the last one whose $|R|$ stays ``threshold`` (a
  multiple of the rounding level of $J$) above rounding, and after the last step before it
  whose remainder is not finite (large steps may leave the domain, and orders across a
  non-finite remainder mean nothing).  A step inside the window that falls below the threshold
  is a near-zero of $R$, not the end of the window.
* **No sign change** of $R$ in the window: the halvings at the small-$\epsilon$ end must show
  order $\ge$ ``MIN_ORDER`` (1.8); ``halvings`` of them pass, fewer (rounding reached first) is a
  "short" pass, a last order below 1.8 fails.
* **A sign change** (a zero of $R$ between two steps; with $R = a\epsilon^2 + b\epsilon^3$ it sits
  at $\epsilon^* = -a/b$, seen at seed 25 on a saturated 784-100-100-100-10 network, where
  $a \approx 0$ because $\sigma'' \approx 0$): the orders next to the zero say nothing (any value
  from $-\infty$ to $\infty$), so the three halvings around it are left out.  Past the zero,
  toward small $\epsilon$, a right gradient gives $R \approx a\epsilon^2(1 - \epsilon/\epsilon^*)$,
  whose orders rise to 2 from $\log_2(4/3 \cdot 2) = 1.415$; a wrong one gives
  $R \approx \delta\epsilon(1 - \epsilon/\epsilon^*)$, whose orders stay below 1 and rise to 1.
  So every order past the (last) zero must be $\ge$ ``CROSSING_MIN_ORDER`` (1.2), which
  separates the two; the orders before it are not judged (at larger $\epsilon$ higher-order
  terms dominate $R$ for a right and a wrong gradient alike).  With no halving left past the
  zero the test is a "short" pass: there the linear term of a wrong gradient is at the
  rounding level, out of any Taylor test's reach (the autodiff witness compares every entry).
"""

from __future__ import annotations

import numpy as np

__all__ = ["MIN_ORDER", "CROSSING_MIN_ORDER", "GRID", "HALVINGS", "DIRECTIONS", "NOISE_FACTOR",
           "window", "judge"]

MIN_ORDER = 1.8
CROSSING_MIN_ORDER = 1.2
GRID = 2.0 ** -np.arange(0, 48)
r"""The steps $\epsilon = 2^0, 2^{-1}, \dots, 2^{-47}$ of the adaptive window."""
HALVINGS = 10
"""Halvings a full window spans (the Taylor witnesses' default)."""
DIRECTIONS = 4
"""Seeded random directions per point (the Taylor witnesses' default)."""
NOISE_FACTOR = 1e3
"""The window ends at the last remainder this many times the rounding level or more."""


def window(r_abs, threshold, halvings):
    r"""``(lo, hi)`` of the judged steps on the grid (``hi`` exclusive), or a status string:
    ``"nonfinite"`` (no finite remainder) or ``"linear"`` (never above the rounding threshold:
    $J$ is linear along $h$ to rounding).

    ``hi - 1`` is the last step with $|R| \ge$ ``threshold``; ``lo`` is ``halvings`` steps before
    it, or the step after the last non-finite remainder before it if that is later."""
    r_abs = np.asarray(r_abs, dtype=float)
    finite = np.isfinite(r_abs)
    if not np.isfinite(threshold) or not finite.any():
        return "nonfinite"
    above = (r_abs >= threshold) & finite
    if not above.any():
        return "linear"
    last = int(np.flatnonzero(above)[-1])
    bad = np.flatnonzero(~finite[:last])   # large steps may leave the domain: start after them
    start = int(bad[-1]) + 1 if len(bad) else 0
    return max(start, last - halvings), last + 1


def judge(r_signed, threshold, halvings, *, signed=True) -> dict:
    """Decide one window of remainders (signed $R$, or $|R|$ / a norm with ``signed=False``).

    Returns ``{"orders", "passed", "status", "quadratic_halvings", "crossing"}`` where status is
    ``"pass"``, ``"short"`` or ``"fail"`` and ``crossing`` the index of the last sign change
    (between steps ``crossing`` and ``crossing + 1``) or None."""
    R = np.asarray(r_signed, dtype=float)
    r = np.abs(R)
    with np.errstate(all="ignore"):
        orders = np.log2(r[:-1] / r[1:])
    crossing = None
    if signed and len(R) > 1:
        flips = np.nonzero(np.sign(R[:-1]) * np.sign(R[1:]) < 0)[0]
        dips = np.nonzero(r[1:-1] < threshold)[0] + 1 if len(R) > 2 else np.array([], dtype=int)
        marks = sorted(set(flips.tolist()) | set(dips.tolist()))
        crossing = marks[-1] if marks else None
    if crossing is not None:
        post = orders[crossing + 2:]
        if len(post):
            ok = bool(np.all(post >= CROSSING_MIN_ORDER))
            status = "pass" if ok else "fail"
        else:  # the zero is at the small end of the window: nothing past it to judge
            ok, status = True, "short"
        return {"orders": orders.tolist(), "passed": ok, "status": status,
                "quadratic_halvings": int(len(post)), "crossing": int(crossing)}
    good = orders >= MIN_ORDER
    suffix = int(np.argmin(good[::-1])) if not good.all() else len(good)
    if len(orders) == 0 or not good[-1]:
        ok, status = False, "fail"
    elif suffix >= halvings:
        ok, status = True, "pass"
    else:  # quadratic at the small end, but over fewer halvings than required
        ok, status = True, "short"
    return {"orders": orders.tolist(), "passed": ok, "status": status, "quadratic_halvings": suffix,
            "crossing": None}
