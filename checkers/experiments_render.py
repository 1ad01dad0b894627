r"""How an experiment claim reads in the report (:data:`EXPERIMENT_RENDERER`, registered with the
``experiment`` kind in :mod:`checkers.experiments`).

* Evidence: the set-up (each series the criteria measure: gradient descent on a cost from a
  stated start with a stated learning rate, or an expression swept over stated values) and the
  criteria, each with the number measured in the float64 run and in the 50-digit run and
  whether it holds in both.
* Counterexample: the criterion that does not hold, as measured (an experiment has no point to
  redo by hand).
* Figures: each :class:`derivations.experiments.Figure` of the claims, shown with the first
  claim that has it, drawn from the float64 series the ``float64 run`` witness recorded
  (``WitnessResult.per_point["series"]``: series name -> values; they agree with the 50-digit
  series to $10^{-9}$ relative, or the witness says otherwise).
"""

from __future__ import annotations

import numpy as np

from derivations.experiments import Quantity, Training, number_tex

from .kinds import Renderer
from .report.figures import COLORS, LINES, FigureEntry, FigureSet, figure_style, new_figure, plain_log, save_png
from .report.markup import cell, inline_math, tex

__all__ = ["EXPERIMENT_RENDERER", "EXPERIMENT_FIGURES", "experiment_evidence",
           "experiment_counterexample", "experiment_one_line", "render_experiment_figure"]

_REL_TEX = {">": ">", ">=": r"\ge", "<": "<", "<=": r"\le"}


def _setup_lines(c) -> list:
    used = []
    for crit in c.criteria:
        for q in (crit.lhs, crit.rhs):
            if isinstance(q, Quantity) and q.series not in used:
                used.append(q.series)
    lines = ["", "**Set-up** (the series the criteria measure):", "",
             "| series | computation | start / values | length |", "|---|---|---|---|"]
    for name in used:
        s = c.series_named(name)
        if isinstance(s, Training):
            params = ", ".join(tex(p) for p in s.params)
            start = ",\\ ".join(f"{tex(p)} = {number_tex(v)}" for p, v in zip(s.params, s.init))
            eta = inline_math("\\eta = " + number_tex(s.learning_rate))
            comp = (f"gradient descent on {inline_math('C = ' + tex(s.cost))} in "
                    f"{inline_math('(' + params + ')')}, {eta}; {inline_math(s.tex + '(t)')} is the "
                    f"cost after {inline_math('t')} steps")
            lines.append(f"| {inline_math(s.tex)} | {comp} | {inline_math(start)} | {s.epochs} epochs |")
        else:
            v = tex(s.var)
            comp = f"{inline_math(s.tex + '(' + v + ') = ' + tex(s.expr))}"
            rng = (f"{inline_math(v + ' = ' + number_tex(s.values[0]))} to "
                   f"{inline_math(number_tex(s.values[-1]))}")
            lines.append(f"| {inline_math(s.tex)} | {comp} | {rng} | {len(s.values)} values |")
    return lines


def _criteria(r, witness) -> list:
    w = r.witness(witness)
    return (w.extra.get("criteria") if w is not None else None) or []


def experiment_evidence(r) -> list:
    """The set-up and the criteria table, with both runs' numbers."""
    c = r.claim
    lines = _setup_lines(c)
    lo, hi = _criteria(r, "float64 run"), _criteria(r, "high precision")
    lines += ["", "**Criteria** (the claim holds if every one holds; thresholds chosen by the reasoning "
              "shown, before the runs):", "",
              "| # | criterion | threshold from | float64 run | 50-digit run | holds |",
              "|---|---|---|---|---|---|"]
    for k, crit in enumerate(c.criteria):
        lhs = crit.lhs.tex(c.series_named(crit.lhs.series))
        rhs = (crit.rhs.tex(c.series_named(crit.rhs.series)) if isinstance(crit.rhs, Quantity)
               else number_tex(crit.rhs))
        stmt = inline_math(f"{lhs} {_REL_TEX[crit.relation]} {rhs}")
        f64 = lo[k] if k < len(lo) else None
        mp = hi[k] if k < len(hi) else None

        def shown(rec):
            if rec is None:
                return "–"
            right = f" vs {rec['rhs']}" if isinstance(crit.rhs, Quantity) else ""
            return f"{rec['lhs']}{right}"

        ok = [x["holds"] for x in (f64, mp) if x is not None]
        mark = "✅ yes" if ok and all(ok) else ("❌ no" if ok and not any(ok) else "⚠️ runs disagree")
        lines.append(f"| {k + 1} | {stmt} | {cell(crit.why) or '–'} | {cell(shown(f64))} | "
                     f"{cell(shown(mp))} | {mark} |")
    return lines


def experiment_counterexample(claim, ce) -> list:
    """The criterion that does not hold, as measured."""
    return ["", f"**Counterexample** (measured; {ce.confirmed or 'both runs'}): {ce.component} "
                f"does not hold — {ce.true}."]


def experiment_one_line(r) -> str:
    """The failing criterion and what was measured."""
    ce = r.counterexample
    return f"{ce.component}: {ce.true}"


# -- figures -----------------------------------------------------------------------------------

def _index(results) -> list:
    """One entry per figure file, with every claim that has it (the first one shows it)."""
    found: dict = {}
    for r in results:
        fig = r.claim.figure
        if fig is not None:
            found.setdefault(fig.file, (fig, []))[1].append(r.claim.id)
    return [FigureEntry(fig.file, fig.title, fig.caption, tuple(ids)) for fig, ids in found.values()]


def _xs(series):
    if isinstance(series, Training):
        return np.arange(series.length(), dtype=np.float64)
    return np.array([float(v) for v in series.values])


def render_experiment_figure(fig_spec, claim, series, path):
    """Draw ``fig_spec``'s panels from ``series`` (name -> float64 values of ``claim``'s series)."""
    with figure_style():
        fig, axes = new_figure(len(fig_spec.panels), fig_spec.title)
        for ax, panel in zip(axes, fig_spec.panels):
            for i, name in enumerate(panel.series):
                ys = series[name]
                xs = _xs(claim.series_named(name))
                many = len(xs) > 60
                # markers shrink along the panel, so coinciding curves (a tie) stay visible
                ax.plot(xs, ys, color=COLORS[i % len(COLORS)], linestyle=LINES[i % len(LINES)],
                        marker=None if many else "os^"[i % 3], markersize=max(6.5 - 2 * i, 3),
                        label=claim.series_named(name).label)
            for m in panel.marks:
                ax.axvline(float(m), color="0.35", linestyle=":", linewidth=1.0)
            ax.set_xscale(panel.xscale)
            ax.set_yscale(panel.yscale)
            for axis, scale in ((ax.xaxis, panel.xscale), (ax.yaxis, panel.yscale)):
                if scale == "log":
                    plain_log(axis)
            ax.set_title(panel.title)
            ax.set_xlabel(panel.xlabel)
            ax.set_ylabel(panel.ylabel)
            ax.legend(loc="best")
        return save_png(fig, path)


def _draw(entry, results, path):
    """The figure from its first claim's ``float64 run`` evidence (None if that witness recorded none)."""
    r = next(r for r in results if r.claim.id == entry.claims[0])
    run = r.witness("float64 run")
    if run is None or run.per_point is None:
        return None
    return render_experiment_figure(r.claim.figure, r.claim, run.per_point["series"], path)


EXPERIMENT_FIGURES = FigureSet(index=_index, draw=_draw)

EXPERIMENT_RENDERER = Renderer(
    worked_counterexample=experiment_counterexample,
    one_line=experiment_one_line,
    evidence=experiment_evidence,
    figures=EXPERIMENT_FIGURES,
)
