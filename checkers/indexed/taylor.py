r"""The Taylor remainder witness for indexed gradient claims (any number of classes).

An :class:`~derivations.indexed.IndexedGradientClaim` states a whole gradient row
$g_c = \partial f / \partial x_c$ ($c$ ranging over the free ``wrt`` indices: all $K$ entries of
$z$, or all $K \times m$ entries of $W$), where $f$ is the claim's cost at one sampled point
(for a Jacobian such as $\partial a_j / \partial z_k$, $f = a_j$ for the sampled $j$ and the row
is $k = 1..K$).  At $K = 1000$ the finite-difference witness checks 32 of these entries (one
evaluation per entry); this witness checks all of them at once, with a handful of cost
evaluations per direction.

The test
--------
For a direction $h$ supported on the entries the row speaks about,

$$ r(\epsilon) = \bigl| f(x + \epsilon h) - f(x) - \epsilon \langle g, h \rangle \bigr|
   = \tfrac12 \epsilon^2\, h^\top \nabla^2 f\, h + O(\epsilon^3)
   \quad\text{if } g = \nabla f, $$

while a wrong row leaves a first-order term $\epsilon \langle g - \nabla f, h\rangle$.  So the
*observed order* $\log_2(r_k / r_{k+1})$ over the steps $\epsilon_k = 2^{-k}$ is 2 for a right
row and tends to 1 as $\epsilon \to 0$ for a wrong one.  The first-order term wins once
$\epsilon < |\langle g - \nabla f, h \rangle| / |\tfrac12 h^\top \nabla^2 f h|$: a small error
(1% in one of 1000 entries, seen along a random direction with weight $\sim 1/\sqrt{K}$) shows
only at small steps.  Four halvings from $\epsilon_0 = 0.01$ (pyadjoint's ``taylor_test``) stop
at $6 \cdot 10^{-4}$, where such an error is still invisible; this witness goes down as far as
float64 allows.

Design (the rule of the network witness, :mod:`checkers.taylor`, whose window, judge and
constants it uses):

* **Points**: per concrete size, the same seeded points as the ``autodiff`` witness
  (:func:`checkers.indexed.points.sample_points`); ``jax.grad`` of the cost over the whole base is
  compared with the claimed row entry by entry at *every* point (the full per-element
  comparison), and the Taylor test runs at ``TAYLOR_POINTS`` of them: the point where claimed
  and JAX disagree most, then seeded points of other sampling regimes.  Points where the cost,
  the claimed row or the JAX row is not finite in float64 are skipped; so are kinks (points of
  the tie and zero regimes) when the cost is not analytic.
* **Directions**: ``TAYLOR_DIRECTIONS`` seeded Gaussian directions over every entry of the row
  (unit RMS; for a base with a bounded domain such as $p \in (0, 1)$ each entry is scaled by
  its distance to the boundary, so that $x + \epsilon h$ stays inside for $\epsilon \lesssim 1$),
  plus the coordinate directions of the ``TAYLOR_ENTRIES`` entries where claimed and JAX
  disagree most: a random direction dilutes a single wrong entry by $1/\sqrt{K}$, its coordinate
  direction does not, and it names the entry.  A row of one entry gets its coordinate direction
  only.
* **Steps**: $\epsilon = 2^0, 2^{-1}, \dots, 2^{-47}$ and the point itself, all in one
  ``jax.vmap``-ed call of the vectorized index interpreter (every point and direction of a
  size together).
* **Window**: the rounding level of $f$ at the point is measured, not assumed: eight probes
  $f(x + d)$ with $d$ a few units in the last place of each entry of the row give
  $\rho = \max(\max_d |f(x+d) - f(x) - \langle g, d\rangle|,\ \max_{\epsilon \le 2^{-36}} r(\epsilon),
  \ \varepsilon_{64} \max(|f(x)|, 1))$.  (The network witness uses $\varepsilon_{64} |f|$ alone;
  here costs such as $-\log a_y$ with $a_y \to 1$ are near 0 while their rounding error is
  absolute, about $\varepsilon_{64}$: measured, the computed cost takes only the values $0$ and
  $\pm 1.1 \cdot 10^{-16}$ around such a point, and all probes can land on the same one, hence
  the floor at one unit of 1.)  The window (:func:`checkers.taylor.window`) is the
  ``TAYLOR_HALVINGS`` + 1 smallest steps up to the last one whose remainder is
  ``TAYLOR_NOISE_FACTOR`` $\cdot \rho$ or more (and after the last non-finite step: large steps
  may leave the domain).  A remainder below that level at every step (the cost is linear along
  $h$, or its curvature is below rounding) passes: there is nothing to see.
* **Criterion**: the observed order at the small end of the window must be at least
  ``TAYLOR_MIN_ORDER``; a window whose orders are all at least that over ``TAYLOR_HALVINGS``
  halvings passes, one where they are only at the small end (large steps beyond the quadratic
  regime, or the rounding level reached early) passes as *short*.  This is exactly where a
  first-order term shows: the smallest steps above rounding.  A window of fewer than
  ``TAYLOR_MIN_WINDOW`` halvings decides nothing (*short*): the remainder is at rounding level
  after a few halvings of $\epsilon \approx 1$, where the cubic term still bends the orders
  (measured: a softmax-NLL point with one logit saturated at 30 has curvature $\sim 10^{-10}$
  against a rounding level $7 \cdot 10^{-15}$, and orders 1.63, 1.78 from $\epsilon = 1$ for a
  right gradient); a first-order error large enough to be resolved there keeps the remainder
  above rounding for many more halvings (it falls like $\epsilon$, not $\epsilon^2$).
* **Confirmation** (a numeric FAIL is always confirmed in high precision): a failing point goes
  to the mpmath referee of :mod:`checkers.indexed.referee` (two working precisions), which evaluates the
  claimed row and the exact derivative (SymPy's ``diff`` of the cost) there.  The failure counts
  only if the referee finds the claimed row wrong at that point *and* the failing Taylor test
  still fails with the claimed row taken from mpmath (so neither the float64 rounding of the
  claimed formula nor of the cost can cause it); otherwise the test is counted as unconfirmed,
  never as passed.  The counterexample names the size, the point, the direction, the observed
  orders and the remainders, and locates the entry: the largest exact discrepancy in the row
  (claimed, exact derivative, ``jax.grad`` and ``mpmath.diff`` there).
* **Resolution**: the test resolves a first-order error $a = \langle g - \nabla f, h\rangle$ only
  when $a^2 \gtrsim |h^\top \nabla^2 f h| \cdot$ ``TAYLOR_NOISE_FACTOR`` $\rho$ (about
  $10^{-6}$ relative at $K = 1000$), far above the $10^{-10}$ of the autodiff witness.  So when
  the referee confirms that the claimed row is wrong at the worst point and every Taylor test
  there passed, the result is ``UNDECIDED`` (the error is below this witness's resolution), not
  ``PASS``: a pass would contradict a confirmed counterexample (verdict ``DISPUTED``).

Public API: :func:`taylor_witness` (``(claim, sample)``; registered as ``"taylor remainder"``
for ``indexed_gradient`` claims), :func:`taylor_test` (one point and direction, with ``e0=`` and
``halvings=`` for the fixed-window variant of common tools), :func:`taylor_setup`,
:func:`random_direction`, :func:`coordinate_direction`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .. import _precision  # noqa: F401  (x64 before any array)
from .. import taylor as _taylor
from ..autodiff import AUTODIFF_RTOL
from ..highprec import fmt
from ..results import FAIL, NOT_APPLICABLE, PASS, UNDECIDED, Counterexample, WitnessResult
from ..sampling import _stable_hash
from .arrays import _analytic, _autodiff_arrays, _evaluator
from .interpreter import Evaluator
from .points import Points, _instances, _out_arrays, _seed_of, sample_points
from .referee import Referee, _confirm_diff, _dps_for, _gradient_row_names

__all__ = ["taylor_witness", "taylor_test", "taylor_setup", "random_direction",
           "coordinate_direction", "TaylorSetup", "TAYLOR_POINTS", "TAYLOR_ENTRIES", "TAYLOR_PROBES",
           "TAYLOR_MIN_WINDOW"]

WITNESS = "taylor remainder"
TAYLOR_POINTS = 4    # points per concrete size: the worst disagreement with JAX + seeded others
TAYLOR_ENTRIES = 2   # coordinate directions per point, at the entries that disagree most
TAYLOR_PROBES = 8    # rounding-level probes per test
TAYLOR_MIN_WINDOW = 4  # halvings above the rounding level needed to decide at all
NOISE_STEPS = 2.0 ** -36  # steps this small measure rounding only (the remainder e^2 C is far below it)
PROBE_ULPS = 8       # a probe moves each entry of the row by up to this many units in the last place
TAYLOR_HALVINGS = _taylor.HALVINGS
TAYLOR_DIRECTIONS = _taylor.DIRECTIONS
TAYLOR_MIN_ORDER = _taylor.MIN_ORDER
TAYLOR_NOISE_FACTOR = _taylor.NOISE_FACTOR
_GRID = _taylor.GRID
_KINK_REGIMES = ("tie", "zero")


# =============================================================================================
# One size: the points, the claimed and JAX rows, the directions
# =============================================================================================

@dataclass
class TaylorSetup:
    """Everything the Taylor tests at one size need (see :func:`taylor_setup`)."""

    claim: object
    pts: Points
    out: list
    ref: np.ndarray       # (n, M) jax.grad, the row's entries
    cl: np.ndarray        # (n, M) the claimed row (float64)
    f0: np.ndarray        # (n,) the cost (float64, NumPy)
    score: np.ndarray     # (n, M) |claimed - JAX| / the row's scale
    usable: np.ndarray    # (n,) bool: finite everywhere (and not at a kink of a non-analytic cost)

    @property
    def base(self):
        return self.claim.wrt.base

    @property
    def shape(self):
        return tuple(np.shape(self.pts.bases[self.base])[1:])

    def positions(self, i) -> np.ndarray:
        """Flat positions in the base of the row's entries at point ``i`` (out-grid order)."""
        claim, out = self.claim, self.out
        grid = tuple(len(v) for _, v in self.out)
        mesh = np.meshgrid(*[np.asarray(v) for _, v in out], indexing="ij") if out else []
        by_ix = {ix: m.ravel() for (ix, _), m in zip(out, mesh)}
        m_len = int(np.prod(grid)) if grid else 1
        coords = []
        for ix in claim.wrt.indices:
            v = by_ix[ix] if ix in by_ix else np.full(m_len, int(self.pts.indices[ix][i]))
            coords.append(v - 1)
        return np.ravel_multi_index(tuple(coords), self.shape)

    def scales(self, i, pos) -> np.ndarray:
        """Per-entry step scale: 1 on the real line, else the distance to the domain's boundary."""
        iv = self.claim.entry_domain(self.base)
        x = np.asarray(self.pts.bases[self.base][i]).ravel()[pos]
        s = np.full(len(pos), np.inf)
        if math.isfinite(iv.lo):
            s = np.minimum(s, x - iv.lo)
        if math.isfinite(iv.hi):
            s = np.minimum(s, iv.hi - x)
        s = np.where(np.isinf(s), 1.0, s)
        return np.where(s > 0, s, 1.0)


def taylor_setup(claim, sizes, seed=0, points=None) -> TaylorSetup:
    """The sampled points at ``sizes`` (those of the autodiff witness), ``jax.grad`` of the cost
    and the claimed row at every point, and the per-entry disagreement between them."""
    pts = sample_points(claim, sizes, points, seed)
    out = _out_arrays(claim, sizes)
    ref, cl = _autodiff_arrays(claim, pts, out)
    n = len(pts)
    ref, cl = ref.reshape(n, -1), cl.reshape(n, -1)
    with np.errstate(all="ignore"):
        f0 = np.asarray(_evaluator(claim, pts, "numpy")(claim.cost), dtype=np.float64).reshape(n)
        rowmax = np.max(np.where(np.isfinite(ref), np.abs(ref), 0.0), axis=1, keepdims=True)
        scale = np.maximum(np.maximum(np.abs(cl), np.abs(ref)), rowmax)
        score = np.where(scale > 0, np.abs(cl - ref) / np.where(scale > 0, scale, 1.0), 0.0)
    usable = np.isfinite(f0) & np.isfinite(cl).all(axis=1) & np.isfinite(ref).all(axis=1)
    usable &= np.isfinite(pts.bases[claim.wrt.base].reshape(n, -1)).all(axis=1)
    if not _analytic(claim, claim.cost):
        usable &= ~np.isin(pts.regimes.astype(str), _KINK_REGIMES)
    score = np.where(np.isfinite(score), score, np.inf)
    return TaylorSetup(claim, pts, out, ref, cl, f0, score, usable)


def random_direction(setup: TaylorSetup, i, rng) -> np.ndarray:
    """A seeded Gaussian direction over every entry of the row at point ``i`` (unit RMS, scaled
    per entry by :meth:`TaylorSetup.scales`), shaped like the base."""
    pos = setup.positions(i)
    v = rng.normal(size=len(pos))
    v = v / (np.sqrt(np.mean(v ** 2)) or 1.0) * setup.scales(i, pos)
    h = np.zeros(int(np.prod(setup.shape)))
    h[pos] = v
    return h.reshape(setup.shape)


def coordinate_direction(setup: TaylorSetup, i, k) -> np.ndarray:
    """The unit direction of entry ``k`` of the row at point ``i`` (scaled as the random ones)."""
    pos = setup.positions(i)
    h = np.zeros(int(np.prod(setup.shape)))
    h[pos[k]] = setup.scales(i, pos[k:k + 1])[0]
    return h.reshape(setup.shape)


def _choose_points(setup: TaylorSetup, seed, count=TAYLOR_POINTS) -> list:
    """The worst disagreement with JAX first, then seeded points of regimes not yet chosen."""
    usable = np.flatnonzero(setup.usable)
    if not len(usable):
        return []
    worst = int(usable[np.argmax(setup.score[usable].max(axis=1, initial=0.0))])
    rng = np.random.default_rng([seed, _stable_hash(setup.claim.id),
                                 *sorted(setup.pts.sizes.values()), 6])
    order = [int(i) for i in rng.permutation(usable) if int(i) != worst]
    chosen, regimes = [worst], {str(setup.pts.regimes[worst])}
    for i in order:  # one point per regime first ...
        if len(chosen) >= count:
            break
        if str(setup.pts.regimes[i]) not in regimes:
            chosen.append(i)
            regimes.add(str(setup.pts.regimes[i]))
    for i in order:  # ... then any
        if len(chosen) >= count:
            break
        if i not in chosen:
            chosen.append(i)
    return chosen


# =============================================================================================
# Evaluation: f(x + d) for many points, directions and steps in one vmapped call
# =============================================================================================

def _costs(setup: TaylorSetup, rows, steps, grads):
    r"""For every step $s$ and (point, direction) pair $t$: $f(x'_{st})$ and
    $\langle g_t, x'_{st} - x_t \rangle$, where $x' = x + d_{st}$ is the point JAX actually
    evaluates (``steps`` (S, T, *shape); ``grads`` (T, *shape) the claimed row spread over the
    base, 0 elsewhere).  One ``jax.vmap`` over the S steps of the index interpreter, vectorized
    over the T pairs; two float64 arrays (S, T).

    The linear term uses the step actually taken, not $\epsilon h$: XLA on CPU flushes
    subnormal numbers to zero, so $x + \epsilon h$ can equal $x$ in an entry where
    $\epsilon h \ne 0$ (a probability $p \approx 10^{-300}$ and a direction scaled to it), and
    $\epsilon \langle g, h \rangle$ would then be a first-order term that $f$ never saw."""
    import jax
    import jax.numpy as jnp

    claim, pts = setup.claim, setup.pts
    rows = np.asarray(rows)
    base = claim.wrt.base
    out_ix = {o for o, _ in setup.out}
    jb = {b: jnp.asarray(v[rows], dtype=jnp.float64) for b, v in pts.bases.items()}
    labels = {b: v[rows] for b, v in pts.labels.items()}
    idx = {ix: v[rows] for ix, v in pts.indices.items() if ix not in out_ix}
    params = {s: jnp.asarray(v[rows], dtype=jnp.float64) for s, v in pts.params.items()}
    x = jb[base]
    G = jnp.asarray(grads, dtype=jnp.float64)
    axes = tuple(range(1, x.ndim))

    def f(d):
        xd = x + d
        ev = Evaluator(claim, pts.sizes, "jax", {**jb, base: xd}, labels, idx, params)
        lin = jnp.sum(G * (xd - x), axis=axes) if axes else G * (xd - x)
        return ev(claim.cost).reshape(len(rows)), lin

    with np.errstate(all="ignore"):
        F, L = jax.vmap(f)(jnp.asarray(steps, dtype=jnp.float64))
    return np.asarray(F, dtype=np.float64), np.asarray(L, dtype=np.float64)


def _probes(setup: TaylorSetup, i, rng, count=TAYLOR_PROBES) -> np.ndarray:
    """``count`` perturbations of the row's entries by a few units in the last place
    (of $\\max(|x_c|, s_c)$, so that zeros move too): (count, *shape)."""
    pos = setup.positions(i)
    x = np.asarray(setup.pts.bases[setup.base][i]).ravel()
    unit = np.spacing(np.maximum(np.abs(x[pos]), setup.scales(i, pos)))
    d = np.zeros((count, x.size))
    d[:, pos] = rng.integers(-PROBE_ULPS, PROBE_ULPS + 1, size=(count, len(pos))) * unit
    return d.reshape((count,) + setup.shape)


def _window(es, R, thr, halvings, fixed):
    """The decision of one test from its signed remainders ``R`` (module docstring; the orders
    of a long enough window are judged by :func:`checkers.taylor.judge`, which allows for a zero
    of $R$ inside the window)."""
    r = np.abs(R)
    if fixed:
        with np.errstate(all="ignore"):
            orders = np.log2(r[:-1] / r[1:])
        if not np.isfinite(r).all():
            return {"status": "nonfinite", "passed": None, "orders": [], "eps": es.tolist(),
                    "remainders": r.tolist()}
        ok = bool(len(orders) >= 1 and (orders >= TAYLOR_MIN_ORDER).all())
        return {"status": "pass" if ok else "fail", "passed": ok, "orders": orders.tolist(),
                "eps": es.tolist(), "remainders": r.tolist(), "quadratic_halvings": None}
    win = _taylor.window(r, thr, halvings)
    if win in ("nonfinite", "linear"):
        return {"status": win, "passed": None if win == "nonfinite" else True, "orders": [], "eps": [],
                "remainders": []}
    lo, hi = win
    es_w, r_w, R_w = es[lo:hi], r[lo:hi], R[lo:hi]
    if len(r_w) < 2:  # one step above the rounding level: nothing to decide
        return {"status": "linear", "passed": True, "orders": [], "eps": es_w.tolist(),
                "remainders": r_w.tolist()}
    if len(r_w) - 1 < TAYLOR_MIN_WINDOW:
        # the remainder reaches the rounding level within a few halvings of the largest step,
        # where higher-order terms still bend the orders: too short to tell e^1 from e^2
        with np.errstate(all="ignore"):
            orders = np.log2(r_w[:-1] / r_w[1:])
        good = orders >= TAYLOR_MIN_ORDER
        suffix = int(np.argmin(good[::-1])) if not good.all() else len(good)
        return {"status": "short", "passed": True, "orders": orders.tolist(), "eps": es_w.tolist(),
                "remainders": r_w.tolist(), "quadratic_halvings": suffix}
    out = _taylor.judge(R_w, thr, halvings)
    return {**out, "eps": es_w.tolist(), "remainders": r_w.tolist()}


def _run(setup: TaylorSetup, tests, *, halvings=TAYLOR_HALVINGS, e0=None, seed=0):
    """Run ``tests`` = [(point i, direction h (shaped like the base), claimed row (M,))] in one
    vmapped call; returns one result dict per test (see :func:`taylor_test`)."""
    if not tests:
        return []
    fixed = e0 is not None
    es = float(e0) * 2.0 ** -np.arange(halvings + 1) if fixed else _GRID
    rng = np.random.default_rng([seed, _stable_hash(setup.claim.id), *sorted(setup.pts.sizes.values()), 66])
    rows, steps_t, grads, lins = [], [], [], []
    size = int(np.prod(setup.shape))
    for i, h, row in tests:
        pos = setup.positions(i)
        hf = np.asarray(h, dtype=np.float64).ravel()
        g = np.zeros(size)
        g[pos] = np.asarray(row, dtype=np.float64)
        grads.append(g.reshape(setup.shape))
        lins.append(float(np.dot(g, hf)))
        # step 0: the point itself; then e h for every e; then the rounding probes
        st = np.concatenate([np.zeros((1, size)), es[:, None] * hf[None, :]], axis=0)
        steps_t.append(np.concatenate([st.reshape((-1,) + setup.shape), _probes(setup, i, rng)], axis=0))
        rows.append(i)
    F, L = _costs(setup, rows, np.stack(steps_t, axis=1), np.stack(grads))   # (S, T) each
    E = len(es)
    tail = es <= NOISE_STEPS
    out = []
    for t in range(len(tests)):
        f0 = F[0, t]
        with np.errstate(all="ignore"):
            Rall = F[1:, t] - f0 - L[1:, t]           # signed: a zero inside the window is seen
            rall = np.abs(Rall)
        r, probe = rall[:E], rall[E:]
        # the rounding level: the probes and the tiniest steps (remainder ~ e^2 below rounding)
        noise = np.concatenate([probe, r[tail]]) if not fixed else probe
        rho = max(float(np.max(noise)) if np.isfinite(noise).all() else np.inf,
                  float(np.finfo(float).eps * max(abs(f0), 1.0)))
        thr = TAYLOR_NOISE_FACTOR * rho
        if not np.isfinite(f0):
            res = {"status": "nonfinite", "passed": None, "orders": [], "eps": [], "remainders": []}
        else:
            res = _window(es[~tail] if not fixed else es, Rall[:E][~tail] if not fixed else Rall[:E], thr,
                          halvings, fixed)
        res.update(threshold=thr, rounding=rho, lin=lins[t])
        out.append(res)
    return out


def taylor_test(setup: TaylorSetup, i, h, claimed_row=None, *, halvings=TAYLOR_HALVINGS, e0=None,
                seed=0) -> dict:
    r"""One Taylor test at point ``i`` of ``setup`` along ``h`` (an array shaped like the base;
    only the row's entries count).

    $r(\epsilon) = |f(x + \epsilon h) - f(x) - \epsilon \langle g, h \rangle|$ with $g$ the
    claimed row (default: the float64 one of the setup).  With ``e0=None`` the window is the
    adaptive one of the module docstring; with a number ``e0`` it is $e_0, e_0/2, \dots,
    e_0 2^{-\text{halvings}}$ and every order must be at least ``TAYLOR_MIN_ORDER``
    (pyadjoint: $e_0 = 0.01$, 4 halvings).  Returns ``{"status", "passed", "orders", "eps",
    "remainders", "threshold", "rounding", "lin", "quadratic_halvings"}``.
    """
    row = setup.cl[i] if claimed_row is None else claimed_row
    return _run(setup, [(i, h, row)], halvings=halvings, e0=e0, seed=seed)[0]


# =============================================================================================
# The witness
# =============================================================================================

def _referee(setup: TaylorSetup):
    """The referee of the autodiff witness (same sides, same out grid: its memo is shared)."""
    claim = setup.claim
    return Referee(claim, setup.pts, [claim.claimed], [sp.diff(claim.cost, claim.wrt)], ("==",), setup.out)


def _confirm(setup: TaylorSetup, i, failed, halvings, seed):
    """Referee point ``i`` (mpmath, two precisions) and rerun its failing tests with the claimed
    row from mpmath.  Returns ``(verdict, info)``: ``"confirmed"`` with the entry, the exact
    values and the rerun results, ``"exact"`` (the claim holds there exactly: a float64
    artifact), ``"below"`` (wrong there, but the exact row passes the Taylor test: below its
    resolution) or ``"undecidable"``."""
    claim, pts = setup.claim, setup.pts
    if _dps_for(pts, i) is None:
        return "undecidable", None
    verdict, k, c_hi, t_hi = _referee(setup).compare(i)
    if verdict == "ok":
        return "exact", None
    if verdict != "fail":
        return "undecidable", None
    c64 = np.array([float(v) for v in c_hi])
    t64 = np.array([float(v) for v in t_hi])
    if not np.isfinite(c64).all():
        return "undecidable", None
    reruns = _run(setup, [(i, h, c64) for _, h, _ in failed], halvings=halvings, seed=seed)
    still = [(name, h, res) for (name, h, _), res in zip(failed, reruns) if res["status"] == "fail"]
    if not still:
        return "below", None
    with np.errstate(all="ignore"):
        gap = np.abs(c64 - t64)
        scale = np.maximum(np.maximum(np.abs(c64), np.abs(t64)), np.max(np.abs(t64[np.isfinite(t64)]), initial=0))
        rel = np.where(scale > 0, gap / np.where(scale > 0, scale, 1.0), 0.0)
    rel = np.where(np.isfinite(rel), rel, 0.0)
    entry = int(np.argmax(rel)) if rel.max() > 0 else int(k)
    return "confirmed", {"entry": entry, "c": c_hi[entry], "t": t_hi[entry], "still": still}


def taylor_witness(claim, sample=None, *, sizes=None, points=None, directions=TAYLOR_DIRECTIONS,
                   halvings=TAYLOR_HALVINGS, taylor_points=TAYLOR_POINTS) -> WitnessResult:
    """The Taylor remainder test at each concrete size (module docstring)."""
    t0 = time.monotonic()
    seed = _seed_of(sample)
    tests_run = short = linear = nonfinite = unconfirmed = 0
    orders_all, per_size, notes = [], [], []
    ce = fail_detail = below = None
    for sz in _instances(claim, sizes):
        ts = time.monotonic()
        setup = taylor_setup(claim, sz, seed, points)
        pts = setup.pts
        name, extra_of = _gradient_row_names(claim, pts, setup.out)
        chosen = _choose_points(setup, seed, taylor_points)
        M = setup.cl.shape[1]
        tests, labels = [], []
        for p, i in enumerate(chosen):
            rng = np.random.default_rng([seed, _stable_hash(claim.id), *sorted(sz.values()), p, 7])
            dirs = []
            if M > 1:
                for d in range(directions):
                    dirs.append((f"random direction {d + 1} over all {M} entries of the row",
                                 random_direction(setup, i, rng)))
            top = np.argsort(-setup.score[i], kind="stable")[:TAYLOR_ENTRIES if M > 1 else 1]
            for k in top:
                dirs.append((f"coordinate direction {name(i, int(k))}",
                             coordinate_direction(setup, i, int(k))))
            for dname, h in dirs:
                tests.append((i, h, setup.cl[i]))
                labels.append((i, dname))
        results = _run(setup, tests, halvings=halvings, seed=seed)
        failing = {}
        n_tests = 0
        for (i, dname), (_, h, _), res in zip(labels, tests, results):
            if res["status"] == "nonfinite":
                nonfinite += 1
                continue
            n_tests += 1
            if res["status"] == "fail":
                failing.setdefault(i, []).append((dname, h, res))
                continue
            if res["status"] == "short":
                short += 1
            if res["status"] == "linear":
                linear += 1
            q = res.get("quadratic_halvings") or 0
            orders_all += res["orders"][len(res["orders"]) - q:]
        # confirm failing points, those with a failing coordinate direction first
        order = sorted(failing, key=lambda i: (not any(n.startswith("coordinate") for n, _, _ in failing[i]),
                                               chosen.index(i)))
        size_unconfirmed = 0
        for i in order:
            verdict, info = _confirm(setup, i, failing[i], halvings, seed)
            if verdict != "confirmed":
                size_unconfirmed += len(failing[i])
                notes.append(f"{len(failing[i])} failing test(s) at {_at(sz)} not confirmed in mpmath ({verdict})")
                continue
            ce, fail_detail = _counterexample(claim, setup, i, failing[i], info, name, extra_of, halvings)
            break
        # The worst disagreement with JAX is tested above; if the claimed row is wrong there (the
        # referee says so) but no Taylor test failed, the error is below this witness's resolution:
        # it cannot vouch for the claim (a PASS would contradict a confirmed counterexample).
        if ce is None and below is None and chosen and setup.score[chosen[0]].max() > AUTODIFF_RTOL \
                and _dps_for(pts, chosen[0]) is not None:
            w = chosen[0]
            verdict, k, c_hi, t_hi = _referee(setup).compare(w)
            if verdict == "fail":
                below = (f"at {_at(sz)}, point {w} ({pts.regimes[w]}), {name(w, int(k))}: claimed {fmt(c_hi[k], 12)}, "
                         f"exact {fmt(t_hi[k], 12)} (mpmath), yet every Taylor test there passes: the error is below "
                         "the resolution of the remainder test")
        # an unconfirmed failure is neither a pass nor a fail: it is not counted as a test
        unconfirmed += size_unconfirmed
        tests_run += n_tests - size_unconfirmed if ce is None else n_tests
        per_size.append({"sizes": {str(k): v for k, v in sz.items()}, "points": len(chosen),
                         "tests": n_tests, "failed": sum(len(v) for v in failing.values()),
                         "seconds": round(time.monotonic() - ts, 3)})
        if ce is not None:
            break
    method = (f"|f(x + e h) - f(x) - e <claimed row, h>| ~ e^2, e = 2^-k down to {TAYLOR_NOISE_FACTOR:.0e} x the "
              f"measured rounding level, the {halvings} smallest halvings; per size {TAYLOR_POINTS} points (the "
              f"worst disagreement with jax.grad + seeded), {directions} seeded random directions over the whole "
              f"row + {TAYLOR_ENTRIES} coordinate directions at the entries that disagree most with jax.grad")
    tol = f"observed order >= {TAYLOR_MIN_ORDER} at the smallest halvings; failures confirmed in mpmath"
    extra = {"tests": tests_run, "short_windows": short, "linear": linear, "not_finite": nonfinite,
             "unconfirmed": unconfirmed, "per_size": per_size}
    obs = (f"observed orders (the halvings decided on): min {min(orders_all):.2f}, "
           f"median {float(np.median(orders_all)):.2f}" if orders_all else "no orders observed")
    tail = "".join(f"; {n}" for n in notes)
    if nonfinite:
        tail += f"; {nonfinite} tests skipped (the cost is not finite in float64 there)"
    if ce is not None:
        return WitnessResult(WITNESS, FAIL, method=method, tolerance=tol, points=tests_run,
                             detail=f"{fail_detail}; {obs}{tail}", counterexample=ce,
                             seconds=time.monotonic() - t0, extra=extra)
    if below is not None:
        return WitnessResult(WITNESS, UNDECIDED, method=method, tolerance=tol, points=tests_run,
                             detail=f"{claim.id}: {below}; {obs}{tail}", seconds=time.monotonic() - t0,
                             extra=extra)
    if tests_run == 0:
        return WitnessResult(WITNESS, NOT_APPLICABLE, method=method, tolerance=tol,
                             detail=f"{claim.id}: no Taylor test could run (no sampled point where the cost, "
                                    f"the claimed row and jax.grad are finite in float64){tail}",
                             seconds=time.monotonic() - t0, extra=extra)
    parts = [f"{tests_run} Taylor tests pass", obs]
    if short:
        parts.append(f"{short} with a shorter window (rounding level reached)")
    if linear:
        parts.append(f"{linear} with a remainder at rounding level (linear along h)")
    return WitnessResult(WITNESS, PASS, method=method, tolerance=tol, points=tests_run,
                         detail="; ".join(parts) + tail, seconds=time.monotonic() - t0, extra=extra)


def _at(sz) -> str:
    return ", ".join(f"{k} = {v}" for k, v in sz.items())


def _counterexample(claim, setup, i, failing, info, name, extra_of, halvings):
    pts = setup.pts
    k = info["entry"]
    dname, h, res = info["still"][0]
    # prefer a failing coordinate direction (it names the entry)
    for cand in info["still"]:
        if cand[0].startswith("coordinate"):
            dname, h, res = cand
            break
    o = res["orders"]
    point = pts.describe(i, extra=extra_of(i, k))
    point["direction"] = dname
    entry = name(i, k)
    confirm = _confirm_diff(claim, pts, setup.out)(pts, i, k)
    located = (f"largest exact discrepancy in the row at {entry}: claimed {fmt(info['c'], 12)}, exact derivative "
               f"{fmt(info['t'], 12)} (mpmath at two working precisions), jax.grad {fmt(float(setup.ref[i, k]), 12)}"
               + (f", {confirm}" if confirm else ""))
    ce = Counterexample(
        point=point,
        claimed=f"remainder orders {', '.join(f'{v:.2f}' for v in o)}",
        true="order 2 at every halving",
        component=entry,
        confirmed=(f"remainders {res['remainders'][0]:.3e} ... {res['remainders'][-1]:.3e} for e = "
                   f"{res['eps'][0]:.3e} ... {res['eps'][-1]:.3e} (rounding level {res['rounding']:.1e}): a "
                   f"first-order term remains, also with the claimed row from mpmath; {located}"),
        by_hand=f"sample regime: {pts.regimes[i]}",
        found_by=WITNESS, labels=("observed", "expected"))
    n_fail = len(failing)
    detail = (f"{claim.id}: at {_at(pts.sizes)}, point {i} ({pts.regimes[i]}), {n_fail} failing direction(s); "
              f"{dname}: orders {', '.join(f'{v:.2f}' for v in o)}; wrong entry located at {entry}")
    return ce, detail
