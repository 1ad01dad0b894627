r"""The symbolic witness of network claims: the claim on explicit small networks.

The claim is evaluated on explicit networks (:class:`~checkers.network.instance.Instance`;
default 2-3-2 and 3-4-3-2, batch 2; batch 1 for per-sample claims), every layer it speaks of,
against the true derivatives (SymPy ``diff`` of the explicit cost).  Three stages, most general
first: (1) the undefined activation $\sigma$ whose only rule is $\sigma' =$ ``act_prime`` and
the undefined cost $F(a^L, y)$ whose only rule is its partials: a proof here is the chain rule
alone and holds for every activation and cost; (2) the same activation with the claim's cost;
(3) the claim's activation substituted (the sigmoid: $\sigma' = \sigma(1-\sigma)$).  Zero
test: ``expand``, then ``cancel(together(.))``.  If no stage proves it, the residual is
evaluated exactly at simple points (all weights, biases and inputs 0, so every $a = \sigma(0)$
-- for the sigmoid $1/2$ and $\sigma' = 1/4$; then balanced and seeded points with entries in
$\{-1, 0, 1\}$): a nonzero entry is a counterexample.  A claim that singles out one entry
(``EntryIndicator``) is not uniform in size, so a proof on small networks proves nothing for
large ones: then at best UNDECIDED.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import sympy as sp

from derivations.network import EntryIndicator

from .._timeout import SymbolicTimeout, time_limit
from ..results import DISPROVED, PROVED, UNDECIDED, Counterexample, WitnessResult
from ..sampling import _stable_hash
from .activation import activation_of
from .instance import instance, net_label, sides
from .interpreter import layers_of

__all__ = ["network_symbolic_witness", "PROOF_SECONDS"]

PROOF_SECONDS = 240.0
"""The symbolic witness's time bound (at least; a larger ``seconds`` raises it)."""


def _is_zero(e):
    if e == 0:
        return True
    if sp.expand(e) == 0:
        return True
    return sp.cancel(sp.together(e)) == 0


def _fmt_block(M):
    vals = [v for v in M.ravel()]
    if vals and all(v == vals[0] for v in vals):
        return f"all {vals[0]}"
    return str([[sp.sstr(v) for v in row] for row in M.tolist()])


def _point_text(inst, point):
    out = {"network": net_label(inst.sizes, inst.batch)}
    for l in range(1, inst.L + 1):
        out[f"W^{l}"] = _fmt_block(np.vectorize(lambda s: point[s], otypes=[object])(inst.W[l]))
        out[f"b^{l}"] = _fmt_block(np.vectorize(lambda s: point[s], otypes=[object])(inst.b[l]))
    out["x"] = _fmt_block(np.vectorize(lambda s: point[s], otypes=[object])(inst.X))
    Yv = np.vectorize(lambda s: point[s], otypes=[object])(inst.Y)
    out["y"] = "; ".join(f"sample {s + 1}: ({', '.join(map(str, Yv[:, s]))})" for s in range(inst.batch))
    return out


def _simple_points(inst, count, seed):
    r"""Simple exact points, easiest first.

    1. every weight, bias and input 0 (every $z = 0$, $a = \sigma(0)$: for the sigmoid $1/2$, with
       $\sigma' = 1/4$);
    2. *balanced* points: weights in $\{-1, 0, 1\}$, inputs in $\{0, 1\}$ and biases chosen so
       that every $z$ is still 0 ($b^1 = -W^1 x$, $b^l = -\sigma(0) W^l \mathbf 1$): every value
       stays exact and checkable by hand (rational for the sigmoid);
    3. seeded points with every entry in $\{-1, 0, 1\}$.
    Labels are one-hot, with the samples in different classes first.
    """
    L, B, m = inst.L, inst.batch, inst.sizes[-1]
    params = inst.params()
    xs = list(inst.X.ravel())
    rng = np.random.default_rng([seed, 31])
    a0 = inst.act(sp.Integer(0))

    def labels(cls):
        return {inst.Y[j, s]: sp.Integer(int(j == cls[s])) for j in range(m) for s in range(B)}

    def rnd(shape, lo, hi):
        return np.vectorize(sp.Integer, otypes=[object])(rng.integers(lo, hi + 1, shape))

    pts = []
    for shift in range(min(m, 2)):
        cls = [(s + shift) % m for s in range(B)]
        pts.append({**{p: sp.Integer(0) for p in params + xs}, **labels(cls)})
    for k in range(count):
        pt = {}
        X = rnd(inst.X.shape, 0, 1)
        pt.update(dict(zip(xs, X.ravel())))
        A = X
        for l in range(1, L + 1):
            Wl = rnd(inst.W[l].shape, -1, 1)
            bl = -(Wl @ A)[:, :1]
            pt.update(dict(zip(inst.W[l].ravel(), Wl.ravel())))
            pt.update(dict(zip(inst.b[l].ravel(), bl.ravel())))
            A = np.full((inst.sizes[l], B), a0, dtype=object)
            if l == 1 and B > 1:  # b^1 = -W^1 x works for one sample; other samples: x equal
                for s in range(1, B):
                    for kk in range(inst.sizes[0]):
                        pt[inst.X[kk, s]] = X[kk, 0]
        pt.update(labels([int(c) for c in rng.integers(0, m, B)]))
        pts.append(pt)
    for _ in range(count // 2):
        pt = {p: sp.Integer(int(v)) for p, v in zip(params, rng.integers(-1, 2, len(params)))}
        pt.update({x: sp.Integer(int(v)) for x, v in zip(xs, rng.integers(0, 2, len(xs)))})
        pt.update(labels([int(c) for c in rng.integers(0, m, B)]))
        pts.append(pt)
    return pts


def _entry_text(l, idx, shape):
    r, c = idx
    return f"layer l = {l}, entry [{r + 1}, {c + 1}] (1-based) of the {shape[0]} x {shape[1]} matrix"


def _exact_text(v):
    v = sp.sympify(v)
    return sp.sstr(v) if v.is_Rational else f"{float(v):.4g}"


def _by_hand(inst, point):
    zs = [v for l in range(1, inst.L + 1) for v in inst.Z[l].ravel()]
    act, zero = inst.act, sp.Integer(0)
    at0 = f"every a = sigma(0) = {_exact_text(act(zero))} and sigma'(0) = {_exact_text(act.prime(zero))}"
    if all(point[p] == 0 for p in inst.params()) and all(point[x] == 0 for x in inst.X.ravel()):
        return f"Every weight, bias and input is 0, so every z is 0, {at0}; substitute into both sides."
    if all(sp.sympify(z).xreplace(point) == 0 for z in zs):
        return (f"At this point every z is 0 (the biases cancel the weighted inputs), so {at0}; "
                "substitute into both sides.")
    values = ", ".join(f"sigma({v}) = {_exact_text(act(sp.Integer(v)))}" for v in (0, 1, -1))
    return f"Substitute the point into both sides ({values})."


def _search(claim, inst, layers, seed, deadline):
    for pt in _simple_points(inst, 40, seed):
        for l in layers:
            if time.monotonic() > deadline:
                return None
            lhs, rhs = sides(claim, inst, l)
            for idx in itertools.product(range(lhs.shape[0]), range(lhs.shape[1])):
                lv = sp.sympify(lhs[idx]).xreplace(pt)
                rv = sp.sympify(rhs[idx]).xreplace(pt)
                d = sp.N(lv - rv, 50)
                if d.is_number and not d.has(sp.nan, sp.zoo) and abs(d) > sp.Float("1e-40"):
                    def show(v):
                        v = sp.nsimplify(v) if v.is_Float else v
                        txt = sp.sstr(v)
                        return txt if v.is_Rational else f"{txt} = {sp.sstr(sp.N(v, 12))}"
                    return Counterexample(
                        point={**_point_text(inst, pt), "layer": f"l = {l}"},
                        claimed=show(sp.simplify(rv)), true=show(sp.simplify(lv)),
                        component=_entry_text(l, idx, lhs.shape), confirmed="exact (SymPy)",
                        by_hand=_by_hand(inst, pt), found_by="symbolic",
                        labels=("right-hand side", "left-hand side"))
    return None


def _stages(claim):
    """``(label, activation, cost)``, most general first: the last stage is the claim's own network."""
    activation = activation_of(claim)
    return [("any activation, any cost", "generic", "generic"),
            ("any activation, " + claim.cost.name + " cost", "generic", claim.cost),
            (activation.name + ", " + claim.cost.name + " cost", activation, claim.cost)]


def _proof_sizes(claim):
    batch = claim.proof_batch if claim.scope == "mean" else 1
    return [(tuple(s), batch) for s in claim.proof_sizes]


def network_symbolic_witness(claim, seconds: float | None = None) -> WitnessResult:
    """Prove the claim on explicit small networks, or find an exact counterexample (module doc)."""
    t0 = time.monotonic()
    budget = max(seconds or 0.0, PROOF_SECONDS)
    deadline = t0 + budget
    log, timings = [], {}
    proved_stage = None
    try:
        for stage, activation, cost in _stages(claim):
            ok = True
            for sizes, batch in _proof_sizes(claim):
                s0 = time.monotonic()
                inst = instance(sizes, batch, activation, cost, claim.scope)
                for l in layers_of(claim, inst.L):
                    lhs, rhs = sides(claim, inst, l)
                    if lhs.shape != rhs.shape:
                        ce = Counterexample(
                            point={"network": net_label(sizes, batch), "layer": f"l = {l}"},
                            claimed=f"shape {rhs.shape[0]} x {rhs.shape[1]}",
                            true=f"shape {lhs.shape[0]} x {lhs.shape[1]}", component="shape",
                            confirmed="exact", found_by="symbolic",
                            labels=("right-hand side", "left-hand side"),
                            by_hand=(f"the left side is {claim.lhs_shape[0]} x {claim.lhs_shape[1]}, the right "
                                     f"side {claim.rhs_shape[0]} x {claim.rhs_shape[1]}: they differ whenever "
                                     "these sizes differ"))
                        return WitnessResult("symbolic", DISPROVED, method="shapes of both sides",
                                             detail=f"{claim.id}: the two sides have different shapes at "
                                                    f"{net_label(sizes, batch)}, layer {l}",
                                             counterexample=ce, seconds=time.monotonic() - t0)
                    with time_limit(max(deadline - time.monotonic(), 1e-3)):
                        bad = next((idx for idx in itertools.product(range(lhs.shape[0]), range(lhs.shape[1]))
                                    if not _is_zero(sp.sympify(lhs[idx] - rhs[idx]))), None)
                    if bad is not None:
                        ok = False
                        log.append(f"{stage}: not proved at {net_label(sizes, batch)}, layer {l} "
                                   f"(entry [{bad[0] + 1}, {bad[1] + 1}])")
                        break
                timings[f"{stage} @ {net_label(sizes, batch)}"] = round(time.monotonic() - s0, 3)
                if not ok:
                    break
            if ok:
                proved_stage = stage
                log.append(f"{stage}: proved")
                break
        if proved_stage is not None and proved_stage != _stages(claim)[-1][0]:
            # Then with the claim's activation substituted, for the record (an instance of the
            # general proof).
            stage, activation, cost = _stages(claim)[-1]
            for sizes, batch in _proof_sizes(claim)[:1]:
                s0 = time.monotonic()
                inst = instance(sizes, batch, activation, cost, claim.scope)
                with time_limit(max(deadline - time.monotonic(), 1e-3)):
                    sub_ok = all(_is_zero(sp.sympify(a - b)) for l in layers_of(claim, inst.L)
                                 for a, b in zip(*(x.ravel() for x in sides(claim, inst, l))))
                timings[f"{stage} @ {net_label(sizes, batch)}"] = round(time.monotonic() - s0, 3)
                log.append(f"{stage} at {net_label(sizes, batch)}: {'proved' if sub_ok else 'NOT proved'}")
    except SymbolicTimeout:
        log.append(f"time bound of {budget:g} s reached")
    nets = " and ".join(net_label(s, b) for s, b in _proof_sizes(claim))
    uniform = not any(isinstance(a, EntryIndicator) for e in (claim.lhs, claim.rhs)
                      for a in sp.preorder_traversal(e))
    extra = {"stages": log, "seconds": timings}  # per-stage timings: a timing key, not compared
    if proved_stage is not None:
        if not uniform:
            return WitnessResult(
                "symbolic", UNDECIDED, method=f"explicit networks {nets}",
                detail=(f"{claim.id}: holds on {nets}, but the claim singles out one entry, so it is not "
                        "the same expression at every size: the small networks prove nothing for large ones"),
                seconds=time.monotonic() - t0, extra=extra)
        return WitnessResult(
            "symbolic", PROVED,
            method=f"explicit networks {nets}, every layer; {proved_stage}; expand / cancel",
            detail="; ".join(log), seconds=time.monotonic() - t0, extra=extra)
    # Not proved: look for an exact counterexample with the claim's activation and cost.
    seed = _stable_hash(claim.id)
    for sizes, batch in _proof_sizes(claim):
        if time.monotonic() > deadline:
            break
        inst = instance(sizes, batch, activation_of(claim), claim.cost, claim.scope)
        try:
            with time_limit(max(deadline - time.monotonic(), 1e-3)):
                ce = _search(claim, inst, layers_of(claim, inst.L), seed, deadline)
        except SymbolicTimeout:
            ce = None
        if ce is not None:
            return WitnessResult("symbolic", DISPROVED, method=f"exact evaluation at simple points of {nets}",
                                 detail="; ".join(log), counterexample=ce,
                                 seconds=time.monotonic() - t0, extra=extra)
    return WitnessResult("symbolic", UNDECIDED, method=f"explicit networks {nets}",
                         detail="; ".join(log) + "; no counterexample at simple points",
                         seconds=time.monotonic() - t0, extra=extra)
