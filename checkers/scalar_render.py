r"""How the scalar claim kinds (gradient, equality, inequality, limit, value) read in the report.

:data:`RENDERERS` holds one :class:`checkers.kinds.Renderer` per kind (registered with the kind
in :mod:`checkers.scalar`); what is not set here gets the generic rendering of
:mod:`checkers.report`.

* The symbolic residual: $\partial C/\partial w_{\text{true}} - \partial C/\partial
  w_{\text{claimed}}$ for a gradient, left side minus right side for an equality.
* The worked counterexample: an exact (rational) point found by the symbolic witness is redone
  by hand: both sides written out with the point's values substituted, then their exact values
  (for a gradient: the claimed derivative and SymPy's derivative of the cost); the two sides
  differ, or (inequality) the relation is false between them.
* The gradient figure ``gradient_error_vs_magnitude.png``: for every gradient claim, each sample
  point's worst relative error (over the Jacobian's entries) of the autodiff and the
  finite-difference witness against the point's magnitude $\max_i |v_i|$, drawn from the
  per-point evidence those witnesses recorded (:func:`checkers.report.figures.pointwise_errors`),
  with the report section that gives its numbers.
"""

from __future__ import annotations

import sympy as sp

from ._timeout import SymbolicTimeout, time_limit
from .kinds import Renderer
from .report.figures import FigureEntry, FigureSet, error_summary, pointwise_errors, render_error_figure
from .report.markup import MAX_TEX, inline_math, math_block, short_tex, tex

__all__ = ["RENDERERS", "GRADIENT_WITNESSES", "ERROR_FIGURE", "ERROR_TITLE", "ERROR_CAPTION",
           "gradient_counterexample", "equality_counterexample", "inequality_counterexample",
           "GRADIENT_FIGURES"]


# -- worked counterexamples ------------------------------------------------------------------

def _rational(text):
    """An exact point value from a counterexample (``"1/2"``, ``"0"``), or None."""
    try:
        return sp.Rational(str(text))
    except (TypeError, ValueError):
        return None


def _value_tex(v) -> str:
    t = tex(v)
    if v.is_Rational or not v.is_number:
        return t
    approx = sp.N(v, 6)
    if approx.is_real:
        return f"{t} \\approx {sp.sstr(approx)}"
    return t


def _exact_at(expr, point):
    """``expr`` at the exact ``point``, simplified within 2 s; None if not a finite number."""
    try:
        v = sp.sympify(expr).xreplace(point)
        v = v.doit() if v.has(sp.Subs, sp.Derivative) else v
        if v.has(sp.nan, sp.zoo) or not v.is_number:
            return None
        try:
            with time_limit(2.0):
                s = sp.simplify(v) if sp.count_ops(v) < 80 else v
        except SymbolicTimeout:
            s = v
        return s
    except (ZeroDivisionError, TypeError, ValueError):
        return None


def _substituted(expr, point) -> str | None:
    """``expr`` with the point's values written in, not evaluated: the line a student writes."""
    shown = sp.sympify(expr).xreplace({s: sp.UnevaluatedExpr(v) for s, v in point.items()})
    # order="none": sorting terms would evaluate every unevaluated number (slow) for no gain here
    t = tex(shown, order="none")
    return t if len(t) <= MAX_TEX else None


def _differ(lv, rv) -> bool:
    return abs(sp.N(lv - rv, 30)) > sp.Float("1e-25")


def _differ_by(lv, rv) -> list:
    return ["", f"The two sides differ by {inline_math(_value_tex(_exact_at(lv - rv, {}) or (lv - rv)))}."]


def _worked(claim, ce, pairs, fails, names, closing) -> list | None:
    """The first entry of ``pairs()`` (left, right) that ``fails(lv, rv)`` at the exact point of
    ``ce``, redone by hand; ``names(k) -> (left name, right name, write the right side out)``;
    ``closing(lv, rv)``: the concluding lines.  None if ``ce`` is not an exact symbolic point."""
    if ce is None or ce.found_by != "symbolic":
        return None
    point = {}
    for s in claim.variables:
        v = _rational(ce.point.get(str(s)))
        if v is None:
            return None
        point[s] = v
    for k, (left, right) in enumerate(pairs()):
        lv, rv = _exact_at(left, point), _exact_at(right, point)
        if lv is None or rv is None or not fails(lv, rv):
            continue
        at = ",\\ ".join(f"{tex(s)} = {tex(v)}" for s, v in point.items())
        lhs_name, rhs_name, right_written = names(k)
        parts_l = [short_tex(left), _substituted(left, point)]
        parts_r = [short_tex(right), _substituted(right, point)] if right_written else []
        rows = []
        for name, parts, v in ((lhs_name, parts_l, lv), (rhs_name, parts_r, rv)):
            chain = []
            for p in parts:
                if p is not None and p not in chain and p != tex(v):
                    chain.append(p)
            chain.append(_value_tex(v))
            rows.append(f"{name} &= " + " = ".join(chain))
        entry = f" (entry {ce.component})" if ce.component else ""
        lines = ["", f"**Counterexample, worked by hand**{entry} — exact arithmetic, found by the "
                 f"symbolic witness{(' and confirmed by ' + ce.confirmed) if ce.confirmed else ''}:",
                 "", f"At {inline_math(at)}:", ""]
        lines += math_block("\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}")
        return lines + closing(lv, rv)
    return None


def gradient_counterexample(claim, ce) -> list | None:
    """The claimed derivative and SymPy's derivative of the cost at the exact point (its value
    is what matters, so only the claimed side is written out)."""
    m, n = claim.claimed.shape

    def pairs():
        jac = claim.cost.jacobian(list(claim.wrt))
        return [(claim.claimed[k], jac[k]) for k in range(len(claim.claimed))]

    def names(k):
        i, j = divmod(k, n)
        out = f"C_{{{i + 1}}}" if m > 1 else "C"
        name = rf"\frac{{\partial {out}}}{{\partial {tex(claim.wrt[j])}}}"
        return r"\text{claimed } " + name, r"\text{true } " + name, False

    return _worked(claim, ce, pairs, _differ, names, _differ_by)


def _sides(k):
    return r"\text{left side}", r"\text{right side}", True


def equality_counterexample(claim, ce) -> list | None:
    """Both sides at the exact point, and by how much they differ."""
    return _worked(claim, ce, lambda: list(zip(claim.lhs, claim.rhs)), _differ, _sides, _differ_by)


_FAILS = {">": lambda d: d <= 0, ">=": lambda d: d < 0, "<": lambda d: d >= 0, "<=": lambda d: d > 0,
          "!=": lambda d: d == 0}
_REL_TEX = {">": ">", ">=": r"\ge", "<": "<", "<=": r"\le", "!=": r"\ne"}


def inequality_counterexample(claim, ce) -> list | None:
    """Both sides at the exact point, and the relation that is false between them."""
    rel = claim.relation

    def fails(lv, rv):
        return _FAILS[rel](sp.N(lv - rv, 30))

    def closing(lv, rv):
        return ["", f"and {inline_math(f'{tex(lv)} {_REL_TEX[rel]} {tex(rv)}')} is false."]

    return _worked(claim, ce, lambda: list(zip(claim.lhs, claim.rhs)), fails, _sides, closing)


# -- the gradient figure -----------------------------------------------------------------------

GRADIENT_WITNESSES = ("autodiff", "finite differences")
ERROR_FIGURE = "gradient_error_vs_magnitude.png"
ERROR_TITLE = "Gradient claims: relative error against input magnitude"
ERROR_CAPTION = (
    "Every sample point of every gradient claim: the worst relative error over the Jacobian's "
    "entries of the autodiff witness (left) and of the finite-difference witness (right), against "
    "the point's magnitude max_i |v_i| (log scales; dotted: |v| = 30, beyond which σ(v) is 0 or 1 in "
    "float64; the grey bands at the edges collect magnitudes below 1e-15, including 0, and above "
    "1e15). Exact agreement (error 0) is drawn at 1e-18. Dashed: the witness's tolerance (complex step; central differences, "
    "used where the cost is not analytic, have a per-point tolerance from their Richardson error "
    "estimate). Points that float64 could not decide (overflow, cancellation) were decided by the "
    "mpmath referee and are counted in the panel title, not drawn.")


def _gradient_index(results) -> list:
    return [FigureEntry(ERROR_FIGURE, ERROR_TITLE, ERROR_CAPTION)] if results else []


def _gradient_draw(entry, results, path):
    from .autodiff import AUTODIFF_RTOL
    from .finite_diff import CS_RTOL

    data = pointwise_errors(results, GRADIENT_WITNESSES)
    if not data:
        return None
    return render_error_figure(data, path, title=ERROR_TITLE, tolerances={
        "autodiff": (AUTODIFF_RTOL, "tolerance 1e-10"),
        "finite differences": (CS_RTOL, "complex-step tolerance 1e-11")})


def _fmt_err(v) -> str:
    return "–" if v is None else f"{v:.1e}"


def _gradient_section(results) -> list:
    """The report's "Agreement across input magnitudes": the figure and its numbers."""
    data = pointwise_errors(results, GRADIENT_WITNESSES)
    if not data:
        return []
    lines = ["## Agreement across input magnitudes", "",
             f"![{ERROR_TITLE}](figures/{ERROR_FIGURE})", "",
             f"*Figure `figures/{ERROR_FIGURE}`.* {ERROR_CAPTION}", "",
             "| witness | claims | points | decided in float64 | worst rel. error | points with "
             "max_i \\|v_i\\| ≥ 30 | of those in float64 | worst rel. error there | by the referee or "
             "unchecked |", "|---|---|---|---|---|---|---|---|---|"]
    for name, d in error_summary(data).items():
        lines.append(f"| {name} | {d['claims']} | {d['points']} | {d['float64']} | {_fmt_err(d['worst'])} | "
                     f"{d['large_points']} | {d['large_float64']} | {_fmt_err(d['worst_large'])} | "
                     f"{d['referee_or_unchecked']} |")
    lines += ["", "Where float64 decides a point, autodiff and finite differences agree with the claimed "
              "gradient to the errors shown, at saturated and huge inputs as well as moderate ones; the "
              "points float64 cannot decide are listed per claim below (decided by the mpmath referee, "
              "or counted as unchecked).", ""]
    return lines


GRADIENT_FIGURES = FigureSet(index=_gradient_index, draw=_gradient_draw, section=_gradient_section)

RENDERERS: dict = {
    "gradient": Renderer(residual_label="true derivative minus claimed",
                         worked_counterexample=gradient_counterexample, figures=GRADIENT_FIGURES),
    "equality": Renderer(residual_label="left side minus right side",
                         worked_counterexample=equality_counterexample),
    "inequality": Renderer(worked_counterexample=inequality_counterexample),
    "limit": Renderer(),
    "value": Renderer(),
}
