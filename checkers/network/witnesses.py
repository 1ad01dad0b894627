r"""The autodiff witness of network claims: every entry against ``jax.grad`` of the whole network.

``jax.grad`` of the whole network cost at realistic sizes (default 784-100-10 and
784-100-100-100-10, batch 64; parameters drawn in a standard, a saturated and a mixed regime:
:data:`~checkers.network.numeric.REGIMES`) is compared entry by entry with the claim's right-hand
side, evaluated from the same expression tree (:mod:`checkers.network.interpreter`).  Tolerance
(:func:`checkers.compare.float64_agree`): $|l - r| \le 10^{-10} \max(|l|, |r|, m_l, m_r,
10^{-6} \max |l|)$ where $m$ is the *magnitude* of each side (the expression evaluated on
absolute values, with every derivative that reverse mode carries through hidden layers taking
the absolute-value backward pass, :meth:`~checkers.network.numeric.NumericNet.magnitude`: a
running rounding-error scale, so cancellation never causes a false alarm).  Entries of
output-layer claims that float64 cannot decide go to the mpmath referee at two precisions
(:mod:`checkers.network.referee`).  A failure names the network, regime, layer, entry and both
values.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from derivations.network import QUANTITIES

from ..compare import float64_agree
from ..results import FAIL, PASS, Counterexample, WitnessResult
from .activation import activation_of
from .interpreter import Ctx, dims_at, evaluate, layers_of
from .numeric import REGIMES, NetSpec, NumericNet, networks_for, numeric_net
from .referee import decide_entry, head_local, referee_values

__all__ = ["autodiff_witness", "check_network", "evaluate_sides", "regimes_for", "LayerCheck",
           "AUTODIFF_RTOL", "FLOOR_REL", "REFEREE_CONFIRM", "KEEP_FAILURES"]

AUTODIFF_RTOL = 1e-10
"""Relative tolerance of an entry against its rounding-error scale (module doc)."""
FLOOR_REL = 1e-6
"""The scale is at least this fraction of the largest entry of the layer's left side."""
REFEREE_CONFIRM = 10
"""Failures the referee confirms per layer; the rest are counted as float64 failures."""
KEEP_FAILURES = 20
"""Float64 failures kept (worst first) per layer, with their location and values."""


_COLUMN_KINDS = ("Z", "A", "Y", "Delta", "G", "dZ", "dA")
_PER_SAMPLE_KINDS = ("dW", "db", "JacZ")


def evaluate_sides(claim, nn: NumericNet, l, magnitude=True, sides=("lhs", "rhs")):
    """The requested sides at layer ``l`` of ``nn`` as JAX arrays, as pairs (value, magnitude) with
    ``magnitude``; per-sample claims get a leading sample axis."""
    import jax
    import jax.numpy as jnp

    exprs = [getattr(claim, side) for side in sides]
    syms = sorted(set().union(*(e.atoms(sp.MatrixSymbol) for e in exprs)), key=str)
    vals = {s: nn.value(QUANTITIES[s].kind, l + QUANTITIES[s].offset, claim.scope) for s in syms}
    mags = {s: nn.magnitude(QUANTITIES[s].kind, l + QUANTITIES[s].offset, claim.scope)
            for s in syms} if magnitude else {}
    B = nn.spec.batch
    if claim.scope == "mean":
        ctx = Ctx("jax", vals.__getitem__, dims_at(nn.spec.sizes, l, B), l, activation=nn.activation,
                  magnitude=magnitude, mag_lookup=mags.__getitem__)
        return tuple(evaluate(e, ctx) for e in exprs)
    # per sample: every column quantity becomes (B, n, 1), per-sample gradients are (B, ...)
    batched = {}
    for s, v in vals.items():
        k = QUANTITIES[s].kind
        for key, arr in ((str(s), v), ("|" + str(s), mags.get(s))):
            if arr is None:
                continue
            if k in _COLUMN_KINDS:
                batched[key] = jnp.transpose(arr)[:, :, None]
            elif k in _PER_SAMPLE_KINDS:
                batched[key] = arr
    shared = {str(s): v for s, v in vals.items() if str(s) not in batched}
    shared.update({"|" + str(s): m for s, m in mags.items() if "|" + str(s) not in batched})
    dims = dims_at(nn.spec.sizes, l, 1)

    def one(bvals):
        env = {**shared, **bvals}
        ctx = Ctx("jax", lambda q: env[str(q)], dims, l, activation=nn.activation, magnitude=magnitude,
                  mag_lookup=lambda q: env["|" + str(q)])
        return tuple(evaluate(e, ctx) for e in exprs)

    return jax.vmap(one)(batched)


def _lhs_name(claim):
    return str(claim.lhs) if isinstance(claim.lhs, sp.MatrixSymbol) else "left-hand side"


@dataclass
class LayerCheck:
    """The entrywise comparison at one layer of one drawn network."""

    layer: int
    entries: int = 0
    failures: list = field(default_factory=list)   # (index tuple, lhs, rhs, rel, how)
    unchecked: int = 0
    referee: int = 0
    unrefereed: int = 0                             # float64 failures beyond the referee's quota
    wrong: int = 0                                  # entries wrong (failures keeps the worst few)
    worst: float = 0.0
    shape: tuple | None = None                      # (lhs shape, rhs shape) if they differ


def _compare_layer(claim, nn: NumericNet, l, rtol=AUTODIFF_RTOL, referee_cache=None) -> LayerCheck:
    r"""Every entry of both sides at layer ``l`` (module doc): the float64 rule of
    :func:`checkers.compare.float64_agree` with the scale $\max(m_l, m_r, 10^{-6} \max|l|)$ (the
    magnitudes; a non-finite one ignored), then, for output-layer claims, the mpmath referee on
    the entries float64 did not pass (:mod:`checkers.network.referee`)."""
    (lv, lm), (rv, rm) = evaluate_sides(claim, nn, l, magnitude=True)
    out = LayerCheck(l)
    lv, lm, rv, rm = (np.asarray(a) for a in (lv, lm, rv, rm))
    if lv.shape != rv.shape:
        out.shape = (lv.shape[-2:], rv.shape[-2:])
        return out
    with np.errstate(all="ignore"):
        finite = np.isfinite(lv)
        block = float(np.max(np.abs(lv, where=finite, out=np.zeros(lv.shape)), initial=0.0))
        finite &= np.isfinite(rv)
        floor = np.full(lv.shape, FLOOR_REL * block)
        for mg in (lm, rm):  # magnitudes: the rounding-error scale (a non-finite one is ignored)
            np.maximum(floor, mg, out=floor, where=np.isfinite(mg))
        ok, rel = float64_agree(lv, rv, rtol=rtol, scale=floor, row_scale=False)
        diff = np.abs(lv - rv)
    out.entries = int(lv.size)
    out.worst = float(np.max(rel, where=ok, initial=0.0))
    bad = np.argwhere(~ok)
    if not len(bad):
        return out
    if head_local(claim):
        if referee_cache is None or "mp" not in referee_cache:
            mp = referee_values(claim, nn, columns=[int(i[0]) for i in bad] if claim.scope == "sample" else None)
            if referee_cache is not None:
                referee_cache["mp"] = mp
        else:
            mp = referee_cache["mp"]
        # largest float64 discrepancies first; once REFEREE_CONFIRM failures are confirmed, the
        # rest are reported as float64 failures not re-checked in high precision
        order = np.argsort(-np.where(finite[tuple(bad.T)], diff[tuple(bad.T)], np.inf), kind="stable")
        for idx in map(tuple, bad[order]):
            if len(out.failures) >= REFEREE_CONFIRM:
                out.unrefereed += 1
                continue
            status = decide_entry(mp, idx)
            if status == "fail":
                a, b_ = mp[1][-1][0][idx], mp[1][-1][1][idx]
                out.failures.append((idx, float(a), float(b_), float(abs(a - b_) / max(abs(a), abs(b_))),
                                     "mpmath at two precisions (float64 could not decide)"
                                     if not finite[idx] else "float64, confirmed by mpmath at two precisions"))
            elif status == "ok":
                out.referee += 1
            else:
                out.unchecked += 1
        out.wrong = len(out.failures)
        return out
    bad_finite = finite[tuple(bad.T)]
    out.unchecked += int(np.count_nonzero(~bad_finite))
    bad = bad[bad_finite]
    out.wrong = len(bad)
    # keep the KEEP_FAILURES worst (located, with both values, and the plain relative error
    # |l - r| / max(|l|, |r|) a student recomputes by hand); the rest are counted
    sel = tuple(bad.T)
    with np.errstate(all="ignore"):
        plain = diff[sel] / np.maximum(np.abs(lv[sel]), np.abs(rv[sel]))
    worst_first = np.argsort(-plain, kind="stable")[:KEEP_FAILURES]
    for idx, r_ in zip(map(tuple, bad[worst_first]), plain[worst_first]):
        scale = max(abs(float(lv[idx])), abs(float(rv[idx])), float(floor[idx]))
        out.failures.append((idx, float(lv[idx]), float(rv[idx]), float(r_),
                             f"float64: |difference| {diff[idx]:.3e} > {rtol:.0e} x magnitude {scale:.3e} "
                             "(the rounding-error scale of both sides)"))
    return out


@functools.lru_cache(maxsize=256)
def _compare_cached(claim, spec, regime, seed, l):
    nn = numeric_net(spec, claim.cost, regime, int(seed), activation_of(claim))
    return _compare_layer(claim, nn, l)


def check_network(claim, spec: NetSpec, regime: str = "standard", seed: int = 0,
                  rtol: float = AUTODIFF_RTOL) -> list:
    """The entrywise comparison at every layer of one seeded network: a list of :class:`LayerCheck`.

    For benchmarks: the cost is one ``jax.grad`` of the whole network (jitted once per shape and
    cost) plus one evaluation of each side of the claim per layer.
    """
    if rtol == AUTODIFF_RTOL:
        return [_compare_cached(claim, spec, regime, int(seed), l) for l in layers_of(claim, spec.L)]
    nn = numeric_net(spec, claim.cost, regime, int(seed), activation_of(claim))
    cache = {}
    return [_compare_layer(claim, nn, l, rtol, cache) for l in layers_of(claim, spec.L)]


def _location(claim, l, idx):
    if claim.scope == "sample" and len(idx) == 3:
        s, i, j = idx
        return f"sample {s + 1}, layer l = {l}, entry [{i + 1}, {j + 1}] (1-based)"
    i, j = idx[-2:]
    return f"layer l = {l}, entry [{i + 1}, {j + 1}] (1-based)"


def regimes_for(spec_index):
    """All three regimes on the first network, standard and saturated on the others."""
    return ("standard", "saturated", "mixed") if spec_index == 0 else ("standard", "saturated")


def autodiff_witness(claim, sample, *, networks=None, regimes=None) -> WitnessResult:
    """Every entry of both sides against ``jax.grad`` of the whole network cost (module doc)."""
    t0 = time.monotonic()
    networks = networks_for(claim) if networks is None else tuple(networks)
    seed = int(getattr(sample, "seed", 0))
    entries = unchecked = referee = unrefereed = wrong = 0
    worst = 0.0
    fails, shape_fails = [], []
    runs = []
    for si, spec in enumerate(networks):
        for regime in (regimes or regimes_for(si)):
            r0 = time.monotonic()
            for chk in check_network(claim, spec, regime, seed):
                if chk.shape is not None:
                    shape_fails.append((spec, regime, chk))
                entries += chk.entries
                unchecked += chk.unchecked
                referee += chk.referee
                unrefereed += chk.unrefereed
                wrong += chk.wrong
                worst = max(worst, chk.worst)
                fails += [(spec, regime, chk.layer, f) for f in chk.failures]
            runs.append({"network": spec.label, "regime": regime,
                         "seconds": round(time.monotonic() - r0, 3)})  # a timing key: not compared
    method = ("jax.grad of the whole network cost, entry by entry; "
              + "; ".join(s.label for s in networks) + f"; regimes {', '.join(regimes or REGIMES)}")
    tol = f"rel. {AUTODIFF_RTOL:.0e} of max(|lhs|, |rhs|, magnitudes)"
    extra = {"runs": runs, "entries": entries, "referee_decided": referee, "unchecked": unchecked,
             "unrefereed": unrefereed}
    shape_text = ""
    if shape_fails:
        spec, regime, chk = shape_fails[0]
        ls, rs = chk.shape
        shape_text = (f"the right-hand side is {rs[0]} x {rs[1]} but {_lhs_name(claim)} is {ls[0]} x {ls[1]} at "
                      f"{spec.label}, layer {chk.layer}" + (f" (and {len(shape_fails) - 1} more network-layer "
                                                            "pairs)" if len(shape_fails) > 1 else ""))
    if shape_fails and not fails:
        ce = Counterexample(point={"network": spec.label, "regime": regime, "layer": f"l = {chk.layer}"},
                            claimed=f"shape {rs[0]} x {rs[1]}", true=f"shape {ls[0]} x {ls[1]}",
                            component="shape", confirmed="the arrays differ in shape", found_by="autodiff",
                            labels=("right-hand side", "left-hand side"))
        return WitnessResult("autodiff", FAIL, method=method, tolerance=tol, points=entries,
                             float64_points=entries, detail=f"{claim.id}: {shape_text}",
                             counterexample=ce, seconds=time.monotonic() - t0, extra=extra)
    if fails:
        fails.sort(key=lambda f: -f[3][3])
        spec, regime, l, (idx, lval, rval, rel, how) = fails[0]
        ce = Counterexample(
            point={"network": spec.label, "regime": regime, "seed": str(seed), "layer": f"l = {l}"},
            claimed=repr(rval), true=repr(lval), component=_location(claim, l, idx), confirmed=how,
            found_by="autodiff", labels=("right-hand side", "left-hand side"))
        where = sorted({(s.label, r, l_) for s, r, l_, _ in fails})
        more = (f" (and {unrefereed} more that disagree in float64, beyond the referee's quota of "
                f"{REFEREE_CONFIRM} confirmations per layer)" if unrefereed else "")
        detail = (f"{claim.id}: {wrong} of {entries} entries wrong{more}; worst at {spec.label} ({regime}), "
                  f"{_location(claim, l, idx)}: right-hand side {rval:.6e}, {_lhs_name(claim)} {lval:.6e} "
                  f"(rel. error {rel:.1e}); wrong at "
                  + "; ".join(f"{a} {b} l={c}" for a, b, c in where[:6]) + (" ..." if len(where) > 6 else "")
                  + (f"; also {shape_text}" if shape_text else ""))
        extra["wrong_entries"] = [(s.label, r, l_, tuple(int(v) for v in f[0]), f[3]) for s, r, l_, f in fails[:20]]
        return WitnessResult("autodiff", FAIL, method=method, worst_error=fails[0][3][3], tolerance=tol,
                             points=entries, float64_points=entries - referee - unchecked, escalated=referee,
                             detail=detail, counterexample=ce, seconds=time.monotonic() - t0, extra=extra)
    detail = f"{entries} entries agree"
    if referee:
        detail += f"; {referee} decided by the mpmath referee (float64 could not)"
    if unchecked:
        detail += f"; {unchecked} not finite in float64 and out of the referee's reach: unchecked"
    return WitnessResult("autodiff", PASS, method=method, worst_error=worst, tolerance=tol, points=entries,
                         float64_points=entries - referee - unchecked, escalated=referee, detail=detail,
                         seconds=time.monotonic() - t0, extra=extra)
