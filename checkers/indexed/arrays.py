r"""The float64 arrays the numeric witnesses compare: ``jax.grad`` rows, finite differences.

For a gradient claim at one concrete size, with the out grid the free ``wrt`` indices' values
(the whole row: all $K$ entries at $K = 1000$):

* :func:`_autodiff_arrays`: ``jax.grad`` of $\sum_n \mathrm{cost}_n$ with respect to the whole
  base (one reverse pass per sample gives every entry of the gradient row), gathered at the
  entries the claim speaks about, and the claimed derivative there;
* :func:`_fd_arrays`: the complex step (:func:`checkers.finite_diff.complex_step`) along each
  checked entry, or Richardson central differences (:func:`checkers.finite_diff.central_richardson`,
  with 10 times its error estimate as an absolute tolerance) when the cost is not analytic in
  the base; :func:`_fd_out` picks the entries: every one when the row has at most ``FD_ALL``,
  else ``FD_SUBSET`` always including the ends of each range and the values the sampled
  indices take.

The ``jax.grad`` rows are memoized per claim (:func:`_memo_for`): the autodiff witness and the
Taylor witness's set-up ask for the same rows.
"""

from __future__ import annotations

import hashlib

import numpy as np
import sympy as sp

from ..finite_diff import central_richardson, complex_step
from ..lambdify import NON_ANALYTIC
from .interpreter import Evaluator
from .points import FD_ALL, FD_SUBSET

__all__: list = []


def _evaluator(claim, pts, backend, bases=None, out=()):
    """An :class:`Evaluator` on the points ``pts`` (the out grid's indices are not sampled)."""
    return Evaluator(claim, pts.sizes, backend, pts.bases if bases is None else bases, pts.labels,
                     {ix: v for ix, v in pts.indices.items() if ix not in {o for o, _ in out}},
                     pts.params, out)


def _analytic(claim, expr) -> bool:
    """Is ``expr`` analytic in the bases (no ``Abs``, ``max``, ... of an entry)?  Then the complex
    step applies and kinks (ties, zeros) are not special."""
    bases = {b.label for b in claim.shape_map}
    for f in sp.sympify(expr).atoms(*NON_ANALYTIC):
        if f.free_symbols & bases or any(isinstance(s, sp.Indexed) for s in f.free_symbols):
            return False
    return True


def _memo_for(claim, store) -> dict:
    """The rows of the memo ``store`` (``{"claim", "rows"}``) for ``claim`` (the same object); a
    new claim starts an empty one."""
    if store["claim"] is not claim:
        store["claim"], store["rows"] = claim, {}
    return store["rows"]


# jax.grad rows of the claim being checked, by point set: see _autodiff_arrays.
_GRADS = {"claim": None, "rows": {}}


def _points_key(pts, out) -> str:
    """A digest of everything the gradient rows depend on: the sizes, every sampled array
    (bases, labels, indices, parameters: shapes, dtypes and bytes) and the out grid."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr(sorted((str(k), int(v)) for k, v in pts.sizes.items())).encode())
    for group in (pts.bases, pts.labels, pts.indices, pts.params):
        h.update(b"|")
        for k in sorted(group, key=str):
            a = np.ascontiguousarray(group[k])
            h.update(f"{k}:{a.dtype.str}:{a.shape}".encode())
            h.update(a.tobytes())
    for ix, vals in out:
        h.update(f"{ix}:".encode())
        h.update(np.ascontiguousarray(vals, dtype=np.int64).tobytes())
    return h.hexdigest()


def _autodiff_arrays(claim, pts, out):
    r"""``jax.grad`` of $\sum_n \mathrm{cost}_n$ over the whole base, gathered at the entries the
    claim speaks about, and the claimed derivative there: two float64 arrays (n, *out grid).

    Memoized for the claim being checked (the same object; a new claim starts an empty memo) by
    a digest of the point set (:func:`_points_key`): the autodiff witness and the Taylor
    witness's set-up (:func:`checkers.indexed.taylor.taylor_setup`) ask for the same rows.  The
    arrays are returned read-only."""
    memo = _memo_for(claim, _GRADS)
    key = _points_key(pts, out)
    hit = memo.get(key)
    if hit is None:
        hit = _autodiff_arrays_raw(claim, pts, out)
        for a in hit:
            a.setflags(write=False)
        memo[key] = hit
    return hit


def _autodiff_arrays_raw(claim, pts, out):
    import jax
    import jax.numpy as jnp

    base = claim.wrt.base
    jb = {b: jnp.asarray(v, dtype=jnp.float64) for b, v in pts.bases.items()}
    params = {s: jnp.asarray(v, dtype=jnp.float64) for s, v in pts.params.items()}
    idx = {ix: v for ix, v in pts.indices.items()}

    def total(bw):
        ev = Evaluator(claim, pts.sizes, "jax", {**jb, base: bw}, pts.labels, idx, params)
        return jnp.sum(ev(claim.cost))

    # Single-base claims run op by op: each primitive compiles once per shape and those claims
    # share their shapes (same sizes and points), so after the first one a gradient costs
    # milliseconds, where jax.jit would compile a program per claim and size (~0.4 s each).
    # Layers (several bases: W, b, inputs) have many shapes of their own: one jit is cheaper.
    fn = jax.grad(total)
    if len(claim.shapes) > 1:
        fn = jax.jit(fn)
    grad = np.asarray(fn(jb[base]))
    # the gradient entries the claim speaks about: wrt indices, sampled or over the out grid
    gather = Evaluator(claim, pts.sizes, "numpy", {base: grad}, pts.labels,
                       {ix: v for ix, v in idx.items() if ix not in {o for o, _ in out}}, {}, out)
    ref = np.asarray(gather(claim.wrt), dtype=np.float64)
    cl = np.asarray(_evaluator(claim, pts, "numpy", out=out)(claim.claimed), dtype=np.float64)
    return ref, cl


def _fd_out(claim, pts, out):
    """The out-grid entries finite differences check: all, or a subset with the range ends."""
    new = []
    for ix, vals in out:
        if len(vals) <= FD_ALL:
            new.append((ix, vals))
            continue
        lo, hi = int(vals[0]), int(vals[-1])
        pool = pts.focus.get((lo, hi))
        if pool is None:
            rng = np.random.default_rng([pts.seed, lo, hi])
            pool = np.unique(np.concatenate([[lo, lo + 1, hi], rng.integers(lo, hi + 1, size=FD_SUBSET - 3)]))
        new.append((ix, np.asarray(pool)))
    return new


def _fd_arrays(claim, pts, out, analytic):
    base = claim.wrt.base
    n = len(pts)
    grid = tuple(len(v) for _, v in out)
    cells = list(np.ndindex(*grid)) if grid else [()]
    ref = np.empty((n, len(cells)))
    est = np.zeros((n, len(cells)))
    idx = {ix: v for ix, v in pts.indices.items()}
    shape = pts.bases[base].shape[1:]
    for c, cell in enumerate(cells):
        vals = {ix: np.full(n, int(v[p])) for (ix, v), p in zip(out, cell)}
        vals.update({ix: idx[ix] for ix in claim.wrt.indices if ix not in vals})
        direction = np.zeros((n,) + shape)
        direction[(np.arange(n),) + tuple(vals[ix] - 1 for ix in claim.wrt.indices)] = 1.0

        def f(t, direction=direction):
            tt = t.reshape((n,) + (1,) * len(shape))
            bw = pts.bases[base] + tt * direction
            ev = Evaluator(claim, pts.sizes, "numpy", {**pts.bases, base: bw}, pts.labels, idx, pts.params)
            with np.errstate(all="ignore"):
                return np.asarray(ev(claim.cost)).reshape(n, 1, 1)

        t0 = np.zeros(n)
        if analytic:
            ref[:, c] = complex_step(f, [t0], 0)[:, 0]
        else:
            r, e = central_richardson(f, [t0], 0)
            ref[:, c], est[:, c] = r[:, 0], 10 * e[:, 0]
    cl_full = np.asarray(_evaluator(claim, pts, "numpy", out=out)(claim.claimed), dtype=np.float64)
    cl = cl_full.reshape(n, -1)
    return ref, cl, est
