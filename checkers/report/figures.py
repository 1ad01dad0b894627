r"""The report's figures: PNGs under ``<out>/figures/`` (matplotlib, Agg, no display).

Which figures a report has, and how they are drawn, is each claim kind's business: a kind's
renderer (:class:`checkers.kinds.Renderer`) names a :class:`FigureSet` in its ``figures`` field.
A figure set lists the figures of that kind's results (:class:`FigureEntry`: file, title,
caption, and the claims it illustrates) and draws each one *from the evidence the witnesses
recorded* (``WitnessResult.per_point``), never by running a witness again.  This module holds
the generic part:

* :func:`figure_entries` / :func:`figure_index` / :func:`write_figures`: every figure of a
  report, in a fixed order (the figures that illustrate a claim, in claim order, then the
  report-wide ones in order of the kinds' first claims);
* the shared style (:func:`figure_style`, :func:`new_figure`, :func:`save_png`);
* the per-point error figure of any kind whose witnesses record per-point evidence
  (:func:`pointwise_errors`, :func:`error_summary`, :func:`render_error_figure`): each sample
  point's worst relative error (over the entries) against the point's magnitude
  $\max_i |v_i|$, coloured by sampling regime.  Only points decided in float64 have a float64
  error to draw; the others were decided by the mpmath referee and are counted, not drawn.

Determinism: fixed figure size, dpi and style, no pyplot state, and ``metadata={"Software":
None}`` so that a PNG holds no version or date; the same results give the same bytes with the
same matplotlib and FreeType.
"""

from __future__ import annotations

import math
import pathlib
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..kinds import Renderer, kind_of

__all__ = ["FIGURES_DIR", "FigureEntry", "FigureSet", "renderers", "figure_entries", "figure_index",
           "write_figures", "figure_style", "new_figure", "save_png", "plain_log", "COLORS",
           "LINES", "REGIME_ORDER", "LARGE", "pointwise_errors", "error_summary",
           "render_error_figure"]

FIGURES_DIR = "figures"
LARGE = 30.0
"""$|v| \\ge 30$: $\\sigma(v)$ is 0 or 1 in float64 (the saturated, huge and overflow regimes)."""
REGIME_ORDER = ("uniform", "edge", "saturated", "decades", "tiny", "huge", "zero", "tie", "mixed",
                "symbolic counterexample")
"""The sampling regimes (:mod:`checkers.sampling`) in the order the report lists them."""
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f")
LINES = ("-", "--", ":", "-.")

_ZERO_ERR = 1e-18  # an exact agreement (error 0) is drawn here on the log axis
_ZERO_MAG = 5e-324  # a point at 0 is drawn at the smallest float64
_X_CLIP = 15  # |v| below 1e-15 (or 0) or above 1e15 is drawn in a band at the edge
_STYLE = {
    "font.family": "DejaVu Sans", "font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9,
    "legend.fontsize": 8, "lines.linewidth": 1.6, "axes.grid": True, "grid.alpha": 0.3,
    "savefig.dpi": 110, "path.simplify": False,
}


# -- which figures a report has --------------------------------------------------------------

@dataclass(frozen=True)
class FigureEntry:
    """One figure of a report: ``file`` (under ``figures/``), ``title``, ``caption``, and the
    ``claims`` (ids) it illustrates, the first of which shows it (empty: a report-wide figure)."""

    file: str
    title: str
    caption: str
    claims: tuple = ()


@dataclass(frozen=True)
class FigureSet:
    """A kind's figures, for :attr:`checkers.kinds.Renderer.figures`.

    ``index(results) -> list[FigureEntry]``: the figures of this kind's ``results`` (nothing is
    drawn); ``draw(entry, results, path) -> pathlib.Path | None``: draw one from the witnesses'
    recorded evidence (None: no evidence to draw); ``section(results) -> list[str]``: optional
    report-wide Markdown placed before the claims (e.g. the numbers behind a report-wide figure).
    Calling the set draws every figure: ``figures(results, out_dir, *, seed, points)`` -> paths.
    """

    index: Callable
    draw: Callable
    section: Callable | None = None

    def __call__(self, results, out_dir, *, seed: int, points: int) -> list:
        out = []
        for entry in self.index(results):
            path = self.draw(entry, results, pathlib.Path(out_dir) / entry.file)
            if path is not None:
                out.append(path)
        return out


_GENERIC = Renderer()


def renderers(results) -> list:
    """``[(renderer, results of that kind)]`` in the order of each kind's first result.

    A result whose claim kind no package registers (the engine's ``ERROR`` for it) gets the
    generic rendering.
    """
    groups: dict = {}
    for r in results:
        kind = kind_of(r.claim)
        key = kind.name if kind is not None else r.claim.kind
        if key not in groups:
            groups[key] = (kind.render if kind is not None else _GENERIC, [])
        groups[key][1].append(r)
    return list(groups.values())


def figure_entries(results) -> list:
    """Every figure of the report of ``results``: the claims' figures in claim order, then the
    report-wide figures."""
    results = list(results)
    position = {r.claim.id: i for i, r in enumerate(results)}
    of_claims, report_wide = [], []
    for render, rs in renderers(results):
        if render.figures is not None:
            for entry in render.figures.index(rs):
                (of_claims if entry.claims else report_wide).append(entry)
    of_claims.sort(key=lambda e: position[e.claims[0]])
    return of_claims + report_wide


def figure_index(results) -> list:
    """Every figure the report of ``results`` has: file (relative to the report), claim, title."""
    return [{"file": f"{FIGURES_DIR}/{e.file}", "claim": e.claims[0] if e.claims else None,
             "title": e.title, "caption": e.caption} for e in figure_entries(results)]


def write_figures(results, out_dir, *, seed: int, points: int) -> list:
    """Write every figure of the report of ``results`` under ``out_dir/figures``; their paths."""
    folder = pathlib.Path(out_dir) / FIGURES_DIR
    paths = []
    for render, rs in renderers(list(results)):
        if render.figures is not None:
            paths += render.figures(rs, folder, seed=seed, points=points)
    return paths


# -- style -------------------------------------------------------------------------------------

def plain_log(axis) -> None:
    """Log-axis tick labels as plain text (1e-10), not mathtext (which costs a parser per label)."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def save_png(fig, path) -> pathlib.Path:
    """Write ``fig`` as a PNG without version or date metadata."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", metadata={"Software": None})
    return path


def figure_style():
    """The report's matplotlib style, as a context manager."""
    import matplotlib

    return matplotlib.rc_context(_STYLE)


def new_figure(ncols: int, title: str):
    """A figure of ``ncols`` panels side by side (no pyplot state): ``(figure, axes)``."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.2 * ncols, 4.2))
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    fig.subplots_adjust(left=0.09 if ncols > 1 else 0.16, right=0.98, bottom=0.16, top=0.82,
                        wspace=0.28)
    fig.suptitle(title)
    return fig, axes


# -- per-point error against magnitude -----------------------------------------------------------

def pointwise_errors(results, witnesses) -> dict:
    """Per witness name: arrays ``magnitude, relerr, decided, regime, claim`` over ``results``.

    Drawn from each witness's recorded ``per_point`` evidence; a result where one of
    ``witnesses`` recorded none (it errored) is left out.
    """
    acc = {w: {"magnitude": [], "relerr": [], "decided": [], "regime": [], "claim": []}
           for w in witnesses}
    for r in results:
        found = [r.witness(name) for name in witnesses]
        if any(w is None or w.per_point is None for w in found):
            continue
        for name, w in zip(witnesses, found):
            pp, a = w.per_point, acc[name]
            a["magnitude"].append(np.asarray(pp["magnitude"]))
            a["relerr"].append(np.asarray(pp["relerr"]))
            a["decided"].append(np.asarray(pp["decided"], dtype=bool))
            a["regime"].append(np.asarray(pp["regime"], dtype=object))
            a["claim"].append(np.full(len(pp["magnitude"]), r.claim.id, dtype=object))
    return {name: {k: np.concatenate(v) for k, v in a.items()} for name, a in acc.items()
            if a["magnitude"]}


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


def render_error_figure(data, path, *, title: str, tolerances: dict) -> pathlib.Path:
    """One panel per witness of ``tolerances`` (name -> (tolerance, label)) found in ``data``
    (:func:`pointwise_errors`): relative error against magnitude, coloured by regime."""
    with figure_style():
        names = [n for n in tolerances if n in data]
        fig, axes = new_figure(max(len(names), 1), title)
        for ax, name in zip(axes, names):
            _error_panel(ax, name, data[name], tolerances[name])
        return save_png(fig, path)


def _error_panel(ax, name, d, tolerance):
    ok = d["decided"]
    with np.errstate(divide="ignore"):
        x = np.log10(np.maximum(d["magnitude"], _ZERO_MAG))
    x = np.where(x < -_X_CLIP, -_X_CLIP - 3, np.where(x > _X_CLIP, _X_CLIP + 3, x))
    rel = np.maximum(d["relerr"], _ZERO_ERR)
    regimes = [r for r in REGIME_ORDER if np.any(ok & (d["regime"] == r))] + sorted(
        {str(r) for r in d["regime"][ok]} - set(REGIME_ORDER))
    for i, reg in enumerate(regimes):
        m = ok & (d["regime"] == reg)
        ax.scatter(x[m], rel[m], s=6, alpha=0.6, color=COLORS[i % len(COLORS)], marker="o",
                   linewidths=0, label=f"{reg} ({int(m.sum())})")
    t, label = tolerance
    ax.axhline(t, color="k", linestyle="--", linewidth=1.0, label=label)
    ax.axvline(math.log10(LARGE), color="0.35", linestyle=":", linewidth=1.0)
    for lo, hi in ((-_X_CLIP - 5, -_X_CLIP - 1), (_X_CLIP + 1, _X_CLIP + 5)):
        ax.axvspan(lo, hi, color="0.92", zorder=0)
    ax.set_yscale("log")
    plain_log(ax.yaxis)
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
