r"""The report's figures: PNGs under ``<out>/figures/`` (matplotlib, Agg, no display).

* One figure per :class:`derivations.experiments.Figure` of the experiment claims (the
  learning curves of the toy, the saturation of the error signal, the softmax temperature
  sweep), drawn from the float64 series of :mod:`checkers.experiments` (which agree with the
  50-digit series to $10^{-9}$ relative or the claim says otherwise).
* ``gradient_error_vs_magnitude.png``: for every gradient claim, each sample point's worst
  relative error (over the Jacobian's entries) of the autodiff and the finite-difference witness
  against the point's magnitude $\max_i |v_i|$, coloured by sampling regime.  Only points decided
  in float64 have a float64 error to draw; the others were decided by the mpmath referee and are
  counted, not drawn.

Determinism: fixed figure size, dpi and style, no pyplot state, and ``metadata={"Software":
None}`` so that a PNG holds no version or date; the same results give the same bytes with the
same matplotlib and FreeType.

Per-point errors come from the witnesses when they expose them (``WitnessResult.per_point``,
see :func:`gradient_points`); otherwise they are recomputed here on the same seeded sample with
the witnesses' public functions and the comparison rule of :mod:`checkers.pointwise`.
"""

from __future__ import annotations

import math
import pathlib

import numpy as np

__all__ = ["FIGURES_DIR", "ERROR_FIGURE", "experiment_figures", "figure_index", "gradient_points",
           "error_summary", "render_experiment_figure", "render_error_figure", "write_figures",
           "GRADIENT_WITNESSES", "LARGE"]

FIGURES_DIR = "figures"
ERROR_FIGURE = "gradient_error_vs_magnitude.png"
GRADIENT_WITNESSES = ("autodiff", "finite differences")
LARGE = 30.0
"""$|v| \\ge 30$: $\\sigma(v)$ is 0 or 1 in float64 (the saturated, huge and overflow regimes)."""
_ZERO_ERR = 1e-18  # an exact agreement (error 0) is drawn here on the log axis
_ZERO_MAG = 5e-324  # a point at 0 is drawn at the smallest float64

_STYLE = {
    "font.family": "DejaVu Sans", "font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9,
    "legend.fontsize": 8, "lines.linewidth": 1.6, "axes.grid": True, "grid.alpha": 0.3,
    "savefig.dpi": 110, "path.simplify": False,
}
_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f")
_LINES = ("-", "--", ":", "-.")


def _plain_log(axis) -> None:
    """Log-axis tick labels as plain text (1e-10), not mathtext (which costs a parser per label)."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def _save(fig, path: pathlib.Path) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", metadata={"Software": None})
    return path


def _style():
    import matplotlib

    return matplotlib.rc_context(_STYLE)


def _new_figure(ncols: int, title: str):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.2 * ncols, 4.2))
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    fig.subplots_adjust(left=0.09 if ncols > 1 else 0.16, right=0.98, bottom=0.16, top=0.82,
                        wspace=0.28)
    fig.suptitle(title)
    return fig, axes


# -- experiment figures -------------------------------------------------------------------

def experiment_figures(results) -> list:
    """``(figure, claim)`` for each distinct figure file, owned by the first claim that has it."""
    seen, out = set(), []
    for r in results:
        fig = getattr(r.claim, "figure", None)
        if r.claim.kind == "experiment" and fig is not None and fig.file not in seen:
            seen.add(fig.file)
            out.append((fig, r.claim))
    return out


def figure_index(results) -> list:
    """Every figure the report of ``results`` has: file (relative to the report), claim, title."""
    out = [{"file": f"{FIGURES_DIR}/{fig.file}", "claim": claim.id, "title": fig.title,
            "caption": fig.caption} for fig, claim in experiment_figures(results)]
    if any(r.claim.kind == "gradient" for r in results):
        out.append({"file": f"{FIGURES_DIR}/{ERROR_FIGURE}", "claim": None,
                    "title": "Gradient claims: relative error against input magnitude",
                    "caption": ERROR_CAPTION})
    return out


def _xs(series):
    from derivations.experiments import Training

    if isinstance(series, Training):
        return np.arange(series.length(), dtype=np.float64)
    return np.array([float(v) for v in series.values])


def render_experiment_figure(fig_spec, claim, path) -> pathlib.Path:
    """Draw ``fig_spec``'s panels from ``claim``'s float64 series and write the PNG."""
    from .experiments import float64_series

    with _style():
        fig, axes = _new_figure(len(fig_spec.panels), fig_spec.title)
        _draw_panels(fig_spec, claim, axes, float64_series)
        return _save(fig, pathlib.Path(path))


def _draw_panels(fig_spec, claim, axes, float64_series):
    for ax, panel in zip(axes, fig_spec.panels):
        for i, name in enumerate(panel.series):
            s = claim.series_named(name)
            ys = float64_series(s)
            xs = _xs(s)
            many = len(xs) > 60
            # markers shrink along the panel, so coinciding curves (a tie) stay visible
            ax.plot(xs, ys, color=_COLORS[i % len(_COLORS)], linestyle=_LINES[i % len(_LINES)],
                    marker=None if many else "os^"[i % 3], markersize=max(6.5 - 2 * i, 3), label=s.label)
        for m in panel.marks:
            ax.axvline(float(m), color="0.35", linestyle=":", linewidth=1.0)
        ax.set_xscale(panel.xscale)
        ax.set_yscale(panel.yscale)
        for axis, scale in ((ax.xaxis, panel.xscale), (ax.yaxis, panel.yscale)):
            if scale == "log":
                _plain_log(axis)
        ax.set_title(panel.title)
        ax.set_xlabel(panel.xlabel)
        ax.set_ylabel(panel.ylabel)
        ax.legend(loc="best")


# -- error against magnitude ----------------------------------------------------------------

ERROR_CAPTION = (
    "Every sample point of every gradient claim: the worst relative error over the Jacobian's "
    "entries of the autodiff witness (left) and of the finite-difference witness (right), against "
    "the point's magnitude max_i |v_i| (log scales; dotted: |v| = 30, beyond which σ(v) is 0 or 1 in "
    "float64; the grey bands at the edges collect magnitudes below 1e-15, including 0, and above "
    "1e15). Exact agreement (error 0) is drawn at 1e-18. Dashed: the witness's tolerance (complex step; central differences, "
    "used where the cost is not analytic, have a per-point tolerance from their Richardson error "
    "estimate). Points that float64 could not decide (overflow, cancellation) were decided by the "
    "mpmath referee and are counted in the panel title, not drawn.")


def _relerr(claimed, reference, rtol, extra_tol=None):
    """Per point: (worst relative error over entries, decided in float64) -- pointwise's rule."""
    c = np.asarray(claimed, dtype=np.float64).reshape(claimed.shape[0], -1)
    r = np.asarray(reference, dtype=np.float64).reshape(reference.shape[0], -1)
    finite = np.isfinite(c) & np.isfinite(r)
    with np.errstate(all="ignore"):
        scale = np.maximum(np.maximum(np.abs(c), np.abs(r)),
                           np.max(np.where(np.isfinite(r), np.abs(r), 0), axis=1, keepdims=True))
        tol = rtol * scale + (0 if extra_tol is None else np.reshape(extra_tol, c.shape))
        diff = np.abs(c - r)
        ok = finite & (diff <= tol)
        rel = np.where(ok & (scale > 0), diff / np.where(scale > 0, scale, 1), 0.0)
    return rel.max(axis=1), ok.all(axis=1)


def _captured(module, witness_fn, claim, smp):
    """The arrays ``witness_fn`` hands to ``pointwise.decide`` (claimed, reference, tolerances).

    ``decide`` is replaced for the duration of the call by a recorder that does not escalate to
    mpmath (the witness ran already; only its float64 comparison is redrawn).
    """
    seen = {}

    def record(**kw):
        seen.update(kw)
        return None

    real = module.decide
    module.decide = record
    try:
        witness_fn(claim, smp)
    finally:
        module.decide = real
    return seen


def _recompute(res, seed, points):
    """Per-point errors of both gradient witnesses, recomputed on the engine's sample.

    Used when the witnesses do not expose ``per_point``: the witness functions run again on the
    same seeded sample (plus the symbolic counterexample the engine added, if any) and their
    float64 arrays are compared with :mod:`checkers.pointwise`'s rule (:func:`_relerr`).
    """
    import sympy as sp

    from . import autodiff, finite_diff
    from .sampling import sample

    claim = res.claim
    smp = sample(claim, points, seed)
    if getattr(res, "points", len(smp)) != len(smp):  # the engine added the symbolic counterexample
        sym = res.witness("symbolic")
        ce = sym.counterexample if sym is not None else None
        try:
            pt = np.array([float(sp.Rational(ce.point[str(v)])) for v in smp.variables])
            smp = smp.with_points(pt, "symbolic counterexample")
        except (AttributeError, KeyError, TypeError, ValueError):
            pass
    mags = np.max(np.abs(smp.points), axis=1) if smp.points.size else np.zeros(len(smp))
    out = {}
    for name, module, fn in (("autodiff", autodiff, autodiff.autodiff_witness),
                             ("finite differences", finite_diff, finite_diff.finite_diff_witness)):
        kw = _captured(module, fn, claim, smp)
        rel, ok = _relerr(np.asarray(kw["claimed"]), np.asarray(kw["reference"]), kw["rtol"],
                          kw.get("extra_tol"))
        out[name] = (mags, rel, ok, smp.regimes)
    return out


def gradient_points(results, *, seed: int, points: int) -> dict:
    """Per witness: arrays ``magnitude, relerr, decided, regime, claim`` over all gradient claims."""
    acc = {w: {"magnitude": [], "relerr": [], "decided": [], "regime": [], "claim": []}
           for w in GRADIENT_WITNESSES}
    for r in results:
        if r.claim.kind != "gradient":
            continue
        per = {}
        for name in GRADIENT_WITNESSES:
            w = r.witness(name)
            pp = getattr(w, "per_point", None) if w is not None else None
            if pp is not None:
                per[name] = (np.asarray(pp["magnitude"]), np.asarray(pp["relerr"]),
                             np.asarray(pp["decided"], dtype=bool), np.asarray(pp["regime"], dtype=object))
        if len(per) < len(GRADIENT_WITNESSES):
            if any(r.witness(n) is None or r.witness(n).status == "ERROR" for n in GRADIENT_WITNESSES):
                continue
            per = _recompute(r, seed, points)
        for name, (mag, rel, ok, reg) in per.items():
            a = acc[name]
            a["magnitude"].append(mag)
            a["relerr"].append(rel)
            a["decided"].append(ok)
            a["regime"].append(np.asarray(reg, dtype=object))
            a["claim"].append(np.full(len(mag), r.claim.id, dtype=object))
    out = {}
    for name, a in acc.items():
        if not a["magnitude"]:
            continue
        out[name] = {k: np.concatenate(v) for k, v in a.items()}
    return out


def error_summary(data) -> dict:
    """Numbers for the report's text: counts and worst errors, overall and for |v| >= LARGE."""
    out = {}
    for name, d in data.items():
        ok = d["decided"]
        large = d["magnitude"] >= LARGE
        rel = d["relerr"]
        out[name] = {
            "points": int(len(ok)), "claims": int(len(set(d["claim"]))),
            "float64": int(ok.sum()), "referee_or_unchecked": int((~ok).sum()),
            # over every entry float64 decided (pointwise's rule: undecided entries count 0)
            "worst": float(rel.max()) if len(rel) else None,
            "large_points": int(large.sum()), "large_float64": int((ok & large).sum()),
            "worst_large": float(rel[large].max()) if large.any() else None,
        }
    return out


_REGIME_ORDER = ("uniform", "edge", "saturated", "tiny", "huge", "zero", "tie", "mixed",
                 "symbolic counterexample")


def render_error_figure(data, path) -> pathlib.Path:
    with _style():
        names = [n for n in GRADIENT_WITNESSES if n in data]
        fig, axes = _new_figure(max(len(names), 1),
                                "Gradient claims: relative error against input magnitude")
        for ax, name in zip(axes, names):
            _error_panel(ax, name, data[name])
        return _save(fig, pathlib.Path(path))


_X_CLIP = 15  # |v| below 1e-15 (or 0) or above 1e15 is drawn in a band at the edge


def _error_panel(ax, name, d):
    from .autodiff import AUTODIFF_RTOL
    from .finite_diff import CS_RTOL

    tol = {"autodiff": (AUTODIFF_RTOL, "tolerance 1e-10"),
           "finite differences": (CS_RTOL, "complex-step tolerance 1e-11")}
    ok = d["decided"]
    with np.errstate(divide="ignore"):
        x = np.log10(np.maximum(d["magnitude"], _ZERO_MAG))
    x = np.where(x < -_X_CLIP, -_X_CLIP - 3, np.where(x > _X_CLIP, _X_CLIP + 3, x))
    rel = np.maximum(d["relerr"], _ZERO_ERR)
    regimes = [r for r in _REGIME_ORDER if np.any(ok & (d["regime"] == r))] + sorted(
        {str(r) for r in d["regime"][ok]} - set(_REGIME_ORDER))
    for i, reg in enumerate(regimes):
        m = ok & (d["regime"] == reg)
        ax.scatter(x[m], rel[m], s=6, alpha=0.6, color=_COLORS[i % len(_COLORS)], marker="o",
                   linewidths=0, label=f"{reg} ({int(m.sum())})")
    t, label = tol[name]
    ax.axhline(t, color="k", linestyle="--", linewidth=1.0, label=label)
    ax.axvline(math.log10(LARGE), color="0.35", linestyle=":", linewidth=1.0)
    for lo, hi in ((-_X_CLIP - 5, -_X_CLIP - 1), (_X_CLIP + 1, _X_CLIP + 5)):
        ax.axvspan(lo, hi, color="0.92", zorder=0)
    ax.set_yscale("log")
    _plain_log(ax.yaxis)
    ax.set_xlim(-_X_CLIP - 5, _X_CLIP + 5)
    ax.set_ylim(_ZERO_ERR / 3, 1e-5)
    ax.set_xticks([-_X_CLIP - 3, -10, -5, 0, 5, 10, _X_CLIP + 3])
    ax.set_xticklabels([f"<1e-{_X_CLIP}\nor 0", "1e-10", "1e-5", "1", "1e5", "1e10", f">1e{_X_CLIP}"])
    claims = len(set(d["claim"]))
    ax.set_title(f"{name}, {claims} claim{'s' if claims != 1 else ''}: {int(ok.sum())} points in "
                 f"float64 (drawn),\n{int((~ok).sum())} left to the mpmath referee (not drawn)",
                 fontsize=9)
    ax.set_xlabel("input magnitude max_i |v_i| (dimensionless, log scale)")
    ax.set_ylabel("relative error vs reference (worst entry)")
    ax.legend(loc="upper left", markerscale=2, ncol=2)


def write_figures(results, out_dir, *, seed: int, points: int, error_data=None) -> list:
    """Write every figure of the report of ``results`` under ``out_dir/figures``; their paths."""
    folder = pathlib.Path(out_dir) / FIGURES_DIR
    paths = []
    for fig, claim in experiment_figures(results):
        paths.append(render_experiment_figure(fig, claim, folder / fig.file))
    if any(r.claim.kind == "gradient" for r in results):
        data = error_data if error_data is not None else gradient_points(results, seed=seed, points=points)
        if data:
            paths.append(render_error_figure(data, folder / ERROR_FIGURE))
    return paths


