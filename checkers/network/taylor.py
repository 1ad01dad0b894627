r"""The Taylor remainder witness of network claims.

For claims whose left side is a derivative of the cost (or a Jacobian):
$r(\epsilon) = |J(m + \epsilon h) - J(m) - \epsilon \langle g, h\rangle|$ must shrink like
$\epsilon^2$ over ``TAYLOR_HALVINGS`` = 10 halvings, along ``TAYLOR_DIRECTIONS`` = 4 seeded random
directions per layer and regime, plus the coordinate directions of the entries where the
claimed gradient and JAX disagree most (so that a wrong single entry, which a random direction
dilutes by $1/\sqrt{n}$, is seen).  The window of $\epsilon$ is the 11 smallest steps up to the
last remainder ``TAYLOR_NOISE_FACTOR`` = $10^3$ times above the rounding level of $J$; the
observed order is $\log_2(r_k / r_{k+1})$; a zero of the signed remainder inside the window (a
sign change: $R = a\epsilon^2 + b\epsilon^3$ vanishes at $-a/b$) is judged by the orders past it.
The window and the decision are the shared rule of :mod:`checkers.taylor`.
"""

from __future__ import annotations

import functools
import time

import numpy as np
import sympy as sp

from derivations.network import QUANTITIES

from .. import taylor as _taylor
from ..results import FAIL, NOT_APPLICABLE, PASS, UNDECIDED, Counterexample, WitnessResult
from .activation import activation_of, unit_cost_fns
from .interpreter import layers_of
from .numeric import NumericNet, networks_for, numeric_net
from .witnesses import _compare_cached, _location, evaluate_sides

__all__ = ["taylor_witness", "taylor_test", "taylor_setup", "random_direction", "TAYLOR_HALVINGS",
           "TAYLOR_DIRECTIONS", "TAYLOR_MIN_ORDER", "TAYLOR_NOISE_FACTOR"]

TAYLOR_HALVINGS = _taylor.HALVINGS
"""Halvings of the step the remainder must shrink like the step squared over (10)."""
TAYLOR_DIRECTIONS = _taylor.DIRECTIONS
"""Seeded random directions per layer, network and regime (4)."""
TAYLOR_MIN_ORDER = _taylor.MIN_ORDER
"""The smallest observed order that counts as 2 (:data:`checkers.taylor.MIN_ORDER`)."""
TAYLOR_NOISE_FACTOR = _taylor.NOISE_FACTOR
"""The window ends at the last remainder this many times above the rounding level of $J$."""


_NODE_OF = {"dW": "W", "db": "b", "dZ": "Z", "Delta": "Z", "dA": "A", "G": "A", "JacZ": "Z"}


@functools.lru_cache(maxsize=64)
def _node_fn(sizes, cost, activation, start, l, vector=False):
    r"""``f(es, base, d, params, Y)``: the per-sample costs (with ``vector``: the
    next layer's z) when node ``start`` (``"Z"`` or ``"A"``) of layer ``l`` is ``base + e d``,
    for every ``e`` in ``es``: one jitted, vmapped call.

    A perturbation $W^l + \epsilon h$ or $b^l + \epsilon h$ enters as $z^l + \epsilon\, h a^{l-1}$ or
    $z^l + \epsilon h$ (exact: $z^l$ is linear in $W^l$ and $b^l$), so only the layers after the
    node are recomputed for each $\epsilon$.
    """
    import jax
    import jax.numpy as jnp

    L = len(sizes) - 1
    unit_z, unit_a = unit_cost_fns(cost, activation)
    sig = activation.jax_forward()

    def costs(node, params, Y):
        if start == "Z":
            if l == L:
                return jnp.sum(unit_z(node, Y), axis=0)
            A = sig(node)
        else:
            if l == L:
                return jnp.sum(unit_a(node, Y), axis=0)
            A = node
        for k in range(l + 1, L + 1):
            W, b = params[k - 1]
            Z = W @ A + b[:, None]
            A = sig(Z)
        return jnp.sum(unit_z(Z, Y), axis=0)

    if vector:
        def f(es, base, d, params, Y):
            W, b = params[l]
            return jax.vmap(lambda e: W @ sig(base + e * d) + b[:, None])(es)
    else:
        def f(es, base, d, params, Y):
            return jax.vmap(lambda e: costs(base + e * d, params, Y))(es)
    return jax.jit(f)


_GRID = _taylor.GRID


def taylor_setup(claim, nn: NumericNet, l):
    """``(kind, node, m, g)``: the quantity the left side differentiates (``"dW"``, ...), the node
    it differentiates in (``"W"``, ``"b"``, ``"Z"``, ``"A"``), the node's value $m$ and the claimed
    derivative $g$ (the right side); ``None`` if the left side is not such a derivative."""
    import jax.numpy as jnp

    if not (isinstance(claim.lhs, sp.MatrixSymbol) and QUANTITIES[claim.lhs].kind in _NODE_OF):
        return None
    kind = QUANTITIES[claim.lhs].kind
    node = _NODE_OF[kind]
    (rv,) = evaluate_sides(claim, nn, l, magnitude=False, sides=("rhs",))
    m = nn.value(node, l, "mean")
    return kind, node, m, jnp.asarray(rv)


def taylor_test(claim, nn: NumericNet, l, h, weights=None, *, halvings=TAYLOR_HALVINGS, e0=None,
                setup=None) -> dict:
    r"""One Taylor test along direction ``h`` (shaped like the node) at layer ``l``.

    $r(\epsilon) = |J(m + \epsilon h) - J(m) - \epsilon \langle g, h\rangle|$ (for a Jacobian the
    Frobenius norm of the vector remainder).  With ``e0=None`` the window and the decision are
    :mod:`checkers.taylor`'s (the ``halvings + 1`` steps $\epsilon = 2^{-k}$ up to the last
    remainder ``TAYLOR_NOISE_FACTOR`` times above the rounding level
    $\varepsilon_{64} \sum_x |w_x C_x|$; a zero of the signed remainder inside the window is
    allowed for); with a number ``e0`` the steps are $e_0, e_0/2, \dots$ and every order must be
    at least ``TAYLOR_MIN_ORDER`` (pyadjoint's ``taylor_test``: $e_0 = 0.01$, 4 halvings).
    Returns ``{"orders", "eps", "remainders", "passed", "status"}``.
    """
    import jax.numpy as jnp

    kind, node, m, g = setup if setup is not None else taylor_setup(claim, nn, l)
    B = nn.spec.batch
    vector = kind == "JacZ"
    start = "A" if node == "A" else "Z"
    fn = _node_fn(nn.spec.sizes, claim.cost, nn.activation, start, l, vector)
    if weights is None:
        weights = jnp.ones(B) / B if (claim.scope == "mean" and kind not in ("Delta", "G")) else jnp.ones(B)
    weights = jnp.asarray(weights)
    h = jnp.asarray(h)
    # the claimed directional derivative <g, h> (or J h)
    if vector:
        lin = jnp.einsum("xij,jx->ix", g, h)
    elif claim.scope == "sample" and kind in ("dW", "db"):
        lin = jnp.sum(jnp.einsum("x...,x->...", g, weights) * h)
    elif claim.scope == "sample":
        lin = jnp.sum(jnp.transpose(g[..., 0]) * weights[None, :] * h)
    else:
        lin = jnp.sum(g * h)
    base = nn.value(start, l, "mean")
    if node == "W":
        d = h @ nn.value("A", l - 1, "mean")
    elif node == "b":
        d = jnp.broadcast_to(h, base.shape)
    else:
        d = h
    args = (base, d, nn.params, nn.Y)

    def evals(es):
        """J (or F) at e = 0 and every e of ``es``, in one call of a fixed size (one compilation)."""
        es = np.asarray(es, dtype=float)
        pad = np.zeros(len(_GRID) + 1)
        pad[1:len(es) + 1] = es
        out = np.asarray(fn(jnp.asarray(pad), *args))
        if not vector:
            out_w = out @ np.asarray(weights)
            return out[0], out_w[0], out_w[1:len(es) + 1]
        return out[0], out[0], out[1:len(es) + 1]

    def rem(es):
        """Signed remainders (scalar J) or their norms (Jacobian), and the rounding threshold."""
        vals0, J0, vals = evals(es)
        es = np.asarray(es, dtype=float)
        if vector:
            r = np.sqrt(np.sum((vals - J0[None] - es[:, None, None] * lin[None]) ** 2, axis=(1, 2)))
        else:
            r = vals - J0 - es * lin
        noise = float(np.finfo(float).eps * (np.sum(np.abs(vals0)) if vector
                                             else np.sum(np.abs(vals0 * np.asarray(weights)))))
        return r, TAYLOR_NOISE_FACTOR * max(noise, np.finfo(float).tiny)

    lin = np.asarray(lin)

    if e0 is not None:
        es = float(e0) * 2.0 ** -np.arange(halvings + 1)
        R, thr = rem(es)
        if not (np.isfinite(R).all() and np.isfinite(thr)):
            return {"orders": [], "eps": es.tolist(), "remainders": np.abs(R).tolist(), "passed": None,
                    "status": "nonfinite", "threshold": thr}
        r = np.abs(R)
        with np.errstate(all="ignore"):
            orders = np.log2(r[:-1] / r[1:])
        ok = bool(len(orders) >= 1 and np.all(orders >= TAYLOR_MIN_ORDER))
        return {"orders": orders.tolist(), "eps": es.tolist(), "remainders": r.tolist(), "passed": ok,
                "status": "pass" if ok else "fail", "threshold": thr,
                "quadratic_halvings": len(orders) if ok else 0}
    Rg, thr = rem(_GRID)
    win = _taylor.window(np.abs(Rg), thr, halvings)
    if win == "nonfinite":
        return {"orders": [], "eps": [], "remainders": [], "passed": None, "status": "nonfinite",
                "threshold": thr}
    if win == "linear":
        first = int(np.argmax(np.isfinite(Rg)))
        return {"orders": [], "eps": [], "remainders": np.abs(Rg[first:first + 1]).tolist(), "passed": True,
                "status": "linear", "threshold": thr}
    lo, hi = win
    es, R = _GRID[lo:hi], Rg[lo:hi]
    out = _taylor.judge(R, thr, halvings, signed=not vector)
    return {**out, "eps": np.asarray(es).tolist(), "remainders": np.abs(R).tolist(), "threshold": thr}


def random_direction(m, rng):
    r"""A seeded direction shaped like ``m``, $h = \eta / \operatorname{rms}(\eta) \cdot
    \operatorname{rms}(m)$ with $\eta$ standard normal (1 if $m$ is 0)."""
    import jax.numpy as jnp

    h = rng.normal(size=np.shape(m))
    scale = float(jnp.sqrt(jnp.mean(jnp.asarray(m) ** 2))) or 1.0
    return jnp.asarray(h / np.sqrt(np.mean(h ** 2)) * scale)


def taylor_witness(claim, sample, *, networks=None, regimes=("standard", "saturated"),
                   directions=TAYLOR_DIRECTIONS, halvings=TAYLOR_HALVINGS) -> WitnessResult:
    """The Taylor remainder test (module doc), along random directions and at located entries."""
    import jax.numpy as jnp

    t0 = time.monotonic()
    if not (isinstance(claim.lhs, sp.MatrixSymbol) and QUANTITIES[claim.lhs].kind in _NODE_OF):
        return WitnessResult("taylor remainder", NOT_APPLICABLE,
                             detail="the left-hand side is not a derivative of the cost or a Jacobian",
                             seconds=time.monotonic() - t0)
    networks = networks_for(claim) if networks is None else tuple(networks)
    seed = int(getattr(sample, "seed", 0))
    activation = activation_of(claim)
    tests, failures, orders_all, short, nonfinite = 0, [], [], 0, 0
    for si, spec in enumerate(networks):
        for ri, regime in enumerate(regimes):
            nn = numeric_net(spec, claim.cost, regime, seed, activation)
            for l in layers_of(claim, spec.L):
                setup = taylor_setup(claim, nn, l)
                kind, node, m, g = setup
                want = tuple(np.shape(m))
                if kind == "JacZ":
                    got, need = tuple(g.shape[1:]), (spec.sizes[l + 1], spec.sizes[l])
                elif claim.scope == "sample":
                    got = tuple(g.shape[1:])
                    need = want if kind in ("dW", "db") else (want[0], 1)
                else:
                    got, need = tuple(g.shape), want
                if got != need:
                    tests += 1
                    failures.append((spec, regime, l, "shape", f"the claimed derivative is {got[0]} x {got[1]}"
                                     f"{' per sample' if claim.scope == 'sample' else ''}, the node {node}^{l} "
                                     f"needs {need[0]} x {need[1]}", None))
                    continue
                rng = np.random.default_rng([seed, si, ri, l, 7])
                dirs = []
                for d in range(directions):
                    w = None
                    if claim.scope == "sample" and kind in ("dW", "db", "dZ", "dA"):
                        w = rng.normal(size=spec.batch)
                    dirs.append((f"random direction {d + 1}", random_direction(m, rng), w))
                chk = _compare_cached(claim, spec, regime, seed, l)
                for idx, *_ in sorted(chk.failures, key=lambda f: -f[3])[:2]:
                    h = np.zeros(np.shape(m))
                    w = None
                    if claim.scope == "sample" and len(idx) == 3:
                        s, i, j = idx
                        if kind in ("dW", "db"):
                            h[i, j] = 1.0
                            w = np.eye(spec.batch)[s]
                        else:
                            h[i, s] = 1.0
                    else:
                        h[idx[-2], idx[-1]] = 1.0
                    scale = float(jnp.sqrt(jnp.mean(jnp.asarray(m) ** 2))) or 1.0
                    dirs.append((f"coordinate direction at {_location(claim, l, idx)}", jnp.asarray(h * scale), w))
                for name, h, w in dirs:
                    res = taylor_test(claim, nn, l, h, w, halvings=halvings, setup=setup)
                    if res["status"] == "nonfinite":  # J itself overflows in float64 here
                        nonfinite += 1
                        continue
                    tests += 1
                    # the orders the decision rests on: the quadratic halvings at the small-e end
                    orders_all += (res["orders"][len(res["orders"]) - res.get("quadratic_halvings", 0):]
                                   if res["passed"] else res["orders"])
                    if res["status"] == "short":
                        short += 1
                    if not res["passed"]:
                        failures.append((spec, regime, l, name, res, None))
    method = (f"|J(m + e h) - J(m) - e <g, h>| ~ e^2 over {halvings} halvings; {directions} seeded random "
              "directions per layer and regime + coordinate directions at entries that disagree with JAX; "
              + "; ".join(s.label for s in networks) + f"; regimes {', '.join(regimes)}")
    tol = f"every observed order >= {TAYLOR_MIN_ORDER}"
    obs = (f"observed orders (the halvings decided on): min {min(orders_all):.2f}, "
           f"median {float(np.median(orders_all)):.2f}"
           if orders_all else "no orders observed")
    extra = {"tests": tests, "short_windows": short, "not_finite": nonfinite}
    skipped = (f"; {nonfinite} directions skipped: the cost or the claimed derivative is not finite in float64 there "
               "(e.g. a^L rounds to 0 or 1)" if nonfinite else "")
    if failures:
        spec, regime, l, name, res, _ = failures[0]
        if name == "shape":
            ce = Counterexample(point={"network": spec.label, "regime": regime, "layer": f"l = {l}"},
                                claimed=res, true="", component="shape", found_by="taylor remainder")
            return WitnessResult("taylor remainder", FAIL, method=method, tolerance=tol, points=tests,
                                 detail=f"{claim.id}: {res}", counterexample=ce,
                                 seconds=time.monotonic() - t0, extra=extra)
        o = res["orders"]
        ce = Counterexample(
            point={"network": spec.label, "regime": regime, "seed": str(seed), "layer": f"l = {l}",
                   "direction": name},
            claimed=f"remainder orders {', '.join(f'{v:.2f}' for v in o)}",
            true="order 2 at every halving", component=name,
            confirmed=(f"remainders {res['remainders'][0]:.3e} ... {res['remainders'][-1]:.3e} for e = "
                       f"{res['eps'][0]:.3e} ... {res['eps'][-1]:.3e}: a first-order term remains, so the "
                       "claimed derivative is wrong along this direction"),
            found_by="taylor remainder", labels=("observed", "expected"))
        detail = (f"{claim.id}: {len(failures)} of {tests} Taylor tests fail; first at {spec.label} ({regime}), "
                  f"layer {l}, {name}: orders {', '.join(f'{v:.2f}' for v in o)}; {obs}{skipped}")
        return WitnessResult("taylor remainder", FAIL, method=method, tolerance=tol, points=tests,
                             worst_error=None, detail=detail, counterexample=ce,
                             seconds=time.monotonic() - t0, extra=extra)
    if tests == 0:
        return WitnessResult("taylor remainder", UNDECIDED, method=method, tolerance=tol,
                             detail=f"{claim.id}: no Taylor test could run{skipped}",
                             seconds=time.monotonic() - t0, extra=extra)
    return WitnessResult("taylor remainder", PASS, method=method, tolerance=tol, points=tests,
                         detail=f"{tests} Taylor tests pass; {obs}" + (f"; {short} with a shorter window "
                                                                        "(rounding level reached)" if short else "")
                         + skipped, seconds=time.monotonic() - t0, extra=extra)
