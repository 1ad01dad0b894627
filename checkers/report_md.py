r"""The proof report as GitHub Markdown (pure render + thin writer).

The report is a proof document: for every claim the statement as the document means it, where
it comes from, the SymPy residual after simplification, each witness's worst relative error
against its tolerance, how many points were checked and how they were chosen, and, for a refuted
claim, the counterexample worked out in exact arithmetic.  Experiment claims carry their set-up,
their criteria with the numbers measured in float64 and at 50 digits, and their figure.

Math renders with GitHub's MathJax: display equations go in fenced ``math`` blocks and inline
math uses the ``$`...`$`` form, so that Markdown never eats a backslash (SYMPY-NOTES).  Every
formula passes KaTeX's parser (``tests/test_katex.py``, :func:`extract_formulas`).  Expressions
are printed by :func:`tex` (SymPy's LaTeX with $\ln$, and powers of opaque functions such as
$\sigma(z)^2$ printed correctly).

:func:`write_markdown` also writes the figures under ``<folder of the report>/figures/``
(:mod:`checkers.figures`).
"""

from __future__ import annotations

import pathlib
import re

import sympy as sp
from sympy.printing.latex import LatexPrinter

from .results import HOLDS

__all__ = ["render_markdown", "write_markdown", "TOLERANCES", "extract_formulas", "tex",
           "environment", "worked_counterexample"]

TOLERANCES = [
    ("symbolic", "exact: the residual reduces to 0 (cancel, then simplify, under a time bound), or an "
                 "exact rational point where it is nonzero"),
    ("autodiff", "rel. 1e-10 against jax.jacrev in float64 (float64 reverse mode reaches ~1e-13 here)"),
    ("finite differences", "complex step: rel. 1e-11 (no subtraction, machine precision); central "
                           "differences: 10 x their Richardson error estimate + rel. 1e-8"),
    ("sampling", "rel. 1e-12 between both sides in float64 (identities), or the relation with a "
                 "1e-12 relative margin (inequalities)"),
    ("numeric sequence", "|f(v_k) - L| < 1e-8 at the last of 7 terms approaching the point (mpmath)"),
    ("high precision", "values: the exact value within half a unit of the last quoted digit (mpmath, "
                       "50 digits); experiments: every criterion, exactly as stated, on the 50-digit run"),
    ("float64 run", "experiments: every criterion on the float64 run, whose series stay within rel. "
                    "1e-9 of the 50-digit run (relative to each series' largest magnitude)"),
    ("referee", "points float64 cannot decide (overflow, cancellation) are decided by mpmath at two "
                "working precisions chosen per point; only a failure stable across both is a "
                "counterexample; points it cannot reach are counted as unchecked"),
]

_BADGE = {"PROVED": "✅ PROVED", "VERIFIED": "☑️ VERIFIED", "REFUTED": "❌ REFUTED",
          "DISPUTED": "⚠️ DISPUTED", "UNDECIDED": "❔ UNDECIDED", "ERROR": "💥 ERROR"}
_REGIME_ORDER = ("uniform", "edge", "saturated", "tiny", "huge", "zero", "tie", "mixed",
                 "symbolic counterexample")
_MAX_TEX = 320  # longer expressions are shown by their value only


# -- LaTeX ------------------------------------------------------------------------------------

class _Printer(LatexPrinter):
    """SymPy's LaTeX printer with ``ln``, tolerant of opaque functions' ``_latex`` without ``exp``."""

    def _print(self, expr, **kwargs):
        own = getattr(expr, "_latex", None)
        if own is not None and not isinstance(expr, type) and kwargs.get("exp") is not None:
            try:
                return own(self, **kwargs)
            except TypeError:  # e.g. sigmoid._latex(printer) has no ``exp``: sigma(z)^2
                return f"{own(self)}^{{{kwargs['exp']}}}"
        return super()._print(expr, **kwargs)


def tex(expr) -> str:
    """LaTeX of a SymPy expression, readable: $\\ln$, $\\sigma(z)^{2}$."""
    return _Printer({"ln_notation": True}).doprint(expr)


def _im(t: str) -> str:
    """Inline math in GitHub's backtick form."""
    return "$`" + t + "`$"


def _math_block(t: str) -> list:
    return ["```math", t, "```"]


_FENCE = re.compile(r"^```math\s*\n(.*?)\n```\s*$", re.S | re.M)
_INLINE = re.compile(r"\$`(.+?)`\$")


def extract_formulas(markdown: str) -> list:
    """Every formula of a report: ``[{"tex", "display", "line"}]`` (fenced ``math`` blocks, ``$`...`$``)."""
    out = []
    for m in _FENCE.finditer(markdown):
        out.append({"tex": m.group(1), "display": True, "line": markdown.count("\n", 0, m.start()) + 1})
    outside = _FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), markdown)
    for m in _INLINE.finditer(outside):
        out.append({"tex": m.group(1), "display": False, "line": outside.count("\n", 0, m.start()) + 1})
    out.sort(key=lambda f: f["line"])
    return out


# -- small pieces ------------------------------------------------------------------------------

def _anchor(cid: str) -> str:
    return cid.replace(".", "").lower()


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _err(w) -> str:
    if w is None or w.status == "N/A":
        return "–" if w is None else "N/A"
    if w.worst_error is None:
        return w.status
    return f"{w.status} {w.worst_error:.1e}"


def _numeric_names(results):
    names = []
    for r in results:
        for w in r.witnesses:
            if w.witness != "symbolic" and w.witness not in names:
                names.append(w.witness)
    return names


def environment() -> dict:
    """Versions that the numbers and figures depend on (reported for reproducibility)."""
    import platform
    from importlib import metadata

    out = {"python": platform.python_version()}
    for pkg in ("sympy", "jax", "jaxlib", "numpy", "mpmath", "matplotlib"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:  # pragma: no cover
            out[pkg] = "not installed"
    return out


def _rational(text):
    """An exact point value from a counterexample (``"1/2"``, ``"0"``), or None."""
    try:
        v = sp.Rational(str(text))
    except (TypeError, ValueError):
        return None
    return v


def _value_tex(v) -> str:
    t = tex(v)
    if v.is_Rational or not v.is_number:
        return t
    approx = sp.N(v, 6)
    if approx.is_real:
        return f"{t} \\approx {sp.sstr(approx)}"
    return t


def _short(expr) -> str | None:
    t = tex(expr)
    return t if len(t) <= _MAX_TEX else None


def _exact_at(expr, point):
    from ._timeout import SymbolicTimeout, time_limit

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
    t = _Printer({"ln_notation": True, "order": "none"}).doprint(shown)
    return t if len(t) <= _MAX_TEX else None


def worked_counterexample(claim, ce) -> list | None:
    """Markdown lines that redo an exact counterexample by hand, or None if it is not exact.

    Equality: both sides at the point; gradient: the claimed derivative and SymPy's derivative of
    the cost at the point; inequality: both sides and the relation that fails.
    """
    if ce is None or ce.found_by != "symbolic" or claim.kind not in ("equality", "gradient", "inequality"):
        return None
    point = {}
    for s in claim.variables:
        v = _rational(ce.point.get(str(s)))
        if v is None:
            return None
        point[s] = v
    if claim.kind == "gradient":
        pairs = [(claim.claimed[k], claim.cost.jacobian(list(claim.wrt))[k]) for k in range(len(claim.claimed))]
        names = []
        m, n = claim.claimed.shape
        for k in range(len(claim.claimed)):
            i, j = divmod(k, n)
            out = f"C_{{{i + 1}}}" if m > 1 else "C"
            names.append(rf"\frac{{\partial {out}}}{{\partial {tex(claim.wrt[j])}}}")
    else:
        pairs = list(zip(claim.lhs, claim.rhs))
        names = [None] * len(pairs)
    for k, (left, right) in enumerate(pairs):
        lv, rv = _exact_at(left, point), _exact_at(right, point)
        if lv is None or rv is None:
            continue
        if claim.kind == "inequality":
            d = sp.N(lv - rv, 30)
            fails = {">": d <= 0, ">=": d < 0, "<": d >= 0, "<=": d > 0, "!=": d == 0}[claim.relation]
        else:
            fails = abs(sp.N(lv - rv, 30)) > sp.Float("1e-25")
        if not fails:
            continue
        at = ",\\ ".join(f"{tex(s)} = {tex(v)}" for s, v in point.items())
        rows = []
        if claim.kind == "gradient":
            lhs_name, rhs_name = r"\text{claimed } " + names[k], r"\text{true } " + names[k]
            parts_l = [_short(left), _substituted(left, point)]
            parts_r = []  # SymPy's derivative of the cost: its value is what matters
        else:
            lhs_name, rhs_name = r"\text{left side}", r"\text{right side}"
            parts_l = [_short(left), _substituted(left, point)]
            parts_r = [_short(right), _substituted(right, point)]
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
                 "", f"At {_im(at)}:", ""]
        lines += _math_block("\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}")
        if claim.kind == "inequality":
            rel = {">": ">", ">=": r"\ge", "<": "<", "<=": r"\le", "!=": r"\ne"}[claim.relation]
            lines += ["", f"and {_im(f'{tex(lv)} {rel} {tex(rv)}')} is false."]
        else:
            lines += ["", f"The two sides differ by {_im(_value_tex(_exact_at(lv - rv, {}) or (lv - rv)))}."]
        return lines
    return None


def _plain_counterexample(ce) -> list:
    pt = ", ".join(f"{k} = {v}" for k, v in ce.point.items()) or "(no variables)"
    out = ["", "**Counterexample** (" + (ce.found_by or "witness") + "):", "",
           f"- at: `{pt}`" + (f" — entry `{ce.component}`" if ce.component else "")]
    a, b = ce.labels
    out.append(f"- {a}: `{ce.claimed}`")
    out.append(f"- {b}: `{ce.true}`")
    if ce.confirmed:
        out.append(f"- confirmed by: {ce.confirmed}")
    if ce.by_hand:
        out.append(f"- note: {ce.by_hand}")
    return out


def _one_line_counterexample(r) -> str:
    ce = r.counterexample
    if ce is None:
        return r.message or "the witnesses disagree"
    if r.claim.kind == "experiment":
        return f"{ce.component}: {ce.true}"
    pt = ", ".join(f"{k} = {v}" for k, v in ce.point.items()) or "(no variables)"
    a, b = ce.labels
    comp = f" [{ce.component}]" if ce.component else ""
    if tuple(ce.labels) == ("relation", "holds"):
        return f"at {pt}{comp}: {ce.claimed} is false"
    return f"at {pt}{comp}: {a} {ce.claimed}, {b} {ce.true}"


# -- evidence blocks -----------------------------------------------------------------------------

def _residual_tex(claim, sym):
    """The residual that did not reduce to 0, after ``cancel``, in LaTeX (None if too long/slow)."""
    from ._timeout import SymbolicTimeout, time_limit
    from .symbolic import residual

    try:
        with time_limit(2.0):
            for e in residual(claim):
                r = sp.cancel(sp.together(e))
                if r != 0:
                    return _short(r)
    except (SymbolicTimeout, TypeError, ValueError, NotImplementedError, sp.PolynomialError):
        return None
    return None


def _symbolic_lines(r) -> list:
    sym = r.witness("symbolic")
    c = r.claim
    if sym is None:
        return []
    if sym.status == "N/A":
        return [f"SymPy: not applicable — {sym.detail}."]
    if c.kind in ("gradient", "equality"):
        what = "true derivative minus claimed" if c.kind == "gradient" else "left side minus right side"
        if sym.status == "PROVED":
            return [f"SymPy residual ({what}) after simplification: {_im('0')} — {sym.detail}."]
        shown = _residual_tex(c, sym)
        if shown is not None:
            return [f"SymPy residual ({what}) after simplification: {_im(shown)} — {sym.detail}."]
        res = sym.extra.get("residual") or ""
        return [f"SymPy residual ({what}) after simplification (SymPy's text form): `{_cell(res)}` "
                f"— {sym.detail or sym.status}."]
    return [f"SymPy ({sym.method or c.kind}): {sym.status.lower()} — {sym.detail or 'no detail'}."]


def _sample_line(r) -> list:
    shares = getattr(r, "sample_shares", {}) or {}
    total = sum(shares.values())
    if not total:
        return []
    keys = [k for k in _REGIME_ORDER if k in shares] + sorted(set(shares) - set(_REGIME_ORDER))
    parts = [f"{k} {shares[k]} ({100 * shares[k] / total:.1f}%)" for k in keys]
    edge_like = sum(shares.get(k, 0) for k in ("edge", "saturated", "tiny", "huge", "zero", "tie"))
    return ["", f"Sample: {total} points drawn from seed {r.seed} (regimes described in "
                f"`checkers/sampling.py`): " + ", ".join(parts)
            + f". Saturated, edge, tiny, huge, zero and tie points together: {edge_like} "
              f"({100 * edge_like / total:.1f}%)."]


def _witness_table(r) -> list:
    lines = ["", "| witness | result | method | worst rel. error | tolerance | points | evidence |",
             "|---|---|---|---|---|---|---|"]
    for w in r.witnesses:
        err = "–" if w.worst_error is None else f"{w.worst_error:.1e}"
        lines.append(f"| {w.witness} | {w.status} | {_cell(w.method) or '–'} | {err} | "
                     f"{_cell(w.tolerance) or '–'} | {w.points or '–'} | {_cell(w.detail) or '–'} |")
    return lines


def _rel_tex(rel: str) -> str:
    return {">": ">", ">=": r"\ge", "<": "<", "<=": r"\le"}[rel]


def _experiment_lines(r, owners) -> list:
    from derivations.experiments import Quantity, Training, number_tex

    c = r.claim
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
            eta = _im("\\eta = " + number_tex(s.learning_rate))
            comp = (f"gradient descent on {_im('C = ' + tex(s.cost))} in {_im('(' + params + ')')}, "
                    f"{eta}; {_im(s.tex + '(t)')} is the cost after {_im('t')} steps")
            lines.append(f"| {_im(s.tex)} | {comp} | {_im(start)} | {s.epochs} epochs |")
        else:
            v = tex(s.var)
            comp = f"{_im(s.tex + '(' + v + ') = ' + tex(s.expr))}"
            rng = (f"{_im(v + ' = ' + number_tex(s.values[0]))} to {_im(number_tex(s.values[-1]))}")
            lines.append(f"| {_im(s.tex)} | {comp} | {rng} | {len(s.values)} values |")
    lo = (r.witness("float64 run").extra.get("criteria") if r.witness("float64 run") else None) or []
    hi = (r.witness("high precision").extra.get("criteria") if r.witness("high precision") else None) or []
    lines += ["", "**Criteria** (the claim holds if every one holds; thresholds chosen by the reasoning "
              "shown, before the runs):", "",
              "| # | criterion | threshold from | float64 run | 50-digit run | holds |",
              "|---|---|---|---|---|---|"]
    for k, crit in enumerate(c.criteria):
        lhs = crit.lhs.tex(c.series_named(crit.lhs.series))
        rhs = (crit.rhs.tex(c.series_named(crit.rhs.series)) if isinstance(crit.rhs, Quantity)
               else number_tex(crit.rhs))
        stmt = _im(f"{lhs} {_rel_tex(crit.relation)} {rhs}")
        f64 = lo[k] if k < len(lo) else None
        mp = hi[k] if k < len(hi) else None

        def shown(rec):
            if rec is None:
                return "–"
            right = f" vs {rec['rhs']}" if isinstance(crit.rhs, Quantity) else ""
            return f"{rec['lhs']}{right}"

        ok = [x["holds"] for x in (f64, mp) if x is not None]
        mark = "✅ yes" if ok and all(ok) else ("❌ no" if ok and not any(ok) else "⚠️ runs disagree")
        lines.append(f"| {k + 1} | {stmt} | {_cell(crit.why) or '–'} | {_cell(shown(f64))} | "
                     f"{_cell(shown(mp))} | {mark} |")
    fig = getattr(c, "figure", None)
    if fig is not None:
        owner = owners.get(fig.file)
        if owner == c.id:
            lines += ["", f"![{_cell(fig.title)}](figures/{fig.file})", "",
                      f"*Figure `figures/{fig.file}`.* {fig.caption}"]
        else:
            lines += ["", f"Figure: `figures/{fig.file}`, shown with [`{owner}`](#{_anchor(owner)})."]
    return lines


def _claim_section(r, owners) -> list:
    c = r.claim
    lines = [f'<a id="{_anchor(c.id)}"></a>', "", f"### `{c.id}` — {c.title}", "",
             f"**{_BADGE.get(r.verdict, r.verdict)}**" + (f" — {r.message}" if r.message else ""),
             "", f"Source: {c.source.author} ({c.source.year}), *{c.source.document}*, "
             f"section “{c.source.section}”.", ""]
    lines += _math_block(c.statement)
    if c.domain:
        lines += ["", "Domain: " + ", ".join(_im(f"{tex(s)} \\in {iv.latex()}") for s, iv in c.domain) + "."]
    if c.note:
        lines += ["", f"Formalization: {c.note}"]
    lines += [""] + _symbolic_lines(r)
    if c.kind == "experiment":
        lines += _experiment_lines(r, owners)
    lines += _witness_table(r)
    lines += _sample_line(r)
    ce = r.counterexample
    if ce is not None and r.verdict in ("REFUTED", "DISPUTED"):
        if c.kind == "experiment":
            lines += ["", f"**Counterexample** (measured; {ce.confirmed or 'both runs'}): {ce.component} "
                          f"does not hold — {ce.true}."]
        else:
            lines += worked_counterexample(c, ce) or _plain_counterexample(ce)
    lines.append("")
    return lines


def _fmt_err(v) -> str:
    return "–" if v is None else f"{v:.1e}"


def _error_section(results, error_data) -> list:
    from .figures import ERROR_CAPTION, ERROR_FIGURE, error_summary

    if not error_data:
        return []
    s = error_summary(error_data)
    lines = ["## Agreement across input magnitudes", "",
             f"![Gradient claims: relative error against input magnitude](figures/{ERROR_FIGURE})", "",
             f"*Figure `figures/{ERROR_FIGURE}`.* {ERROR_CAPTION}", "",
             "| witness | claims | points | decided in float64 | worst rel. error | points with "
             "max_i \\|v_i\\| ≥ 30 | of those in float64 | worst rel. error there | by the referee or "
             "unchecked |", "|---|---|---|---|---|---|---|---|---|"]
    for name, d in s.items():
        lines.append(f"| {name} | {d['claims']} | {d['points']} | {d['float64']} | {_fmt_err(d['worst'])} | "
                     f"{d['large_points']} | {d['large_float64']} | {_fmt_err(d['worst_large'])} | "
                     f"{d['referee_or_unchecked']} |")
    lines += ["", "Where float64 decides a point, autodiff and finite differences agree with the claimed "
              "gradient to the errors shown, at saturated and huge inputs as well as moderate ones; the "
              "points float64 cannot decide are listed per claim below (decided by the mpmath referee, "
              "or counted as unchecked).", ""]
    return lines


def render_markdown(results, *, seed: int, points: int, command: str = "gradproof report",
                    wall_seconds: float | None = None, error_data=None) -> str:
    """The whole report (pure: results in, text out).

    ``error_data``: the per-point errors of the gradient witnesses
    (:func:`checkers.figures.gradient_points`); computed here if not given.
    """
    from .figures import experiment_figures, figure_index, gradient_points

    results = list(results)
    if error_data is None and any(r.claim.kind == "gradient" for r in results):
        error_data = gradient_points(results, seed=seed, points=points)
    owners = {fig.file: claim.id for fig, claim in experiment_figures(results)}
    counts = {}
    for r in results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    numeric = _numeric_names(results)
    docs = []
    for r in results:
        d = f"{r.claim.source.author} ({r.claim.source.year}), *{r.claim.source.document}*"
        if d not in docs:
            docs.append(d)
    lines = [
        "# gradproof proof report",
        "",
        f"Generated by `{command}` with seed **{seed}** and **{points}** sampled points per claim "
        "(plus any exact counterexample point). The same seed gives the same report, apart from "
        "the wall time at the end.",
        "",
        "Sources: " + "; ".join(docs) + ".",
        "",
        "**Verdicts:** " + ", ".join(f"{_BADGE.get(k, k)}: {v}" for k, v in counts.items())
        + f" — {len(results)} claims.",
        "",
        "- **PROVED**: SymPy proves it and every numeric witness agrees at every sampled point.",
        "- **VERIFIED**: no symbolic proof; every numeric witness agrees everywhere sampled. For an "
        "*experiment* (a stated run of gradient descent, or an expression swept over stated values) "
        "it means: every stated criterion holds in the float64 run and in the 50-digit run, and the "
        "two runs agree. A run is evidence for its numbers, not a proof of the sentence they "
        "formalize, so an experiment is never PROVED (its symbolic witness is N/A).",
        "- **REFUTED**: a counterexample, confirmed in exact or high-precision arithmetic (for an "
        "experiment: a criterion that fails in both runs).",
        "- **DISPUTED**: the witnesses disagree (reported, never averaged away).",
        "",
        "## How to read a claim",
        "",
        "Each claim below gives: the statement as the document means it (with the formalization "
        "chosen, when the sentence needs one); its source section; the SymPy residual after "
        "simplification (0 when proved); each witness's worst relative error against its tolerance "
        "and how many points it checked; how the points were chosen (seeded, with the share of "
        "saturated, edge, tiny, huge and tie points); and, for a refuted claim, the counterexample "
        "worked out in exact arithmetic, which a reader can redo by hand.",
        "",
        "## Tolerances",
        "",
        "| witness | rule |",
        "|---|---|",
    ]
    lines += [f"| {a} | {_cell(b)} |" for a, b in TOLERANCES]
    lines += ["", "## Summary", "",
              "Worst relative error per witness over the points it decided in float64.", "",
              "| # | claim | source section | verdict | symbolic | " + " | ".join(numeric) + " | points |",
              "|---|---|---|---|---|" + "---|" * len(numeric) + "---|"]
    for i, r in enumerate(results, 1):
        sym = r.witness("symbolic")
        cells = [_err(r.witness(n)) for n in numeric]
        pts = getattr(r, "points", 0) or "–"
        lines.append(
            f"| {i} | [`{r.claim.id}`](#{_anchor(r.claim.id)}) {_cell(r.claim.title)} | "
            f"{_cell(r.claim.source.section)} | {_BADGE.get(r.verdict, r.verdict)} | "
            f"{sym.status if sym else '–'} | " + " | ".join(cells) + f" | {pts} |")
    bad = [r for r in results if r.verdict not in HOLDS]
    if bad:
        lines += ["", "## Refuted, disputed and undecided claims", ""]
        for r in bad:
            lines.append(f"- {_BADGE.get(r.verdict, r.verdict)} [`{r.claim.id}`](#{_anchor(r.claim.id)}) "
                         f"{_cell(r.claim.title)}: {_cell(_one_line_counterexample(r))}")
    lines += [""] + _error_section(results, error_data)
    lines += ["## Claims", ""]
    for r in results:
        lines += _claim_section(r, owners)
    env = environment()
    figs = figure_index(results)
    lines += ["## Reproduce", "",
              f"`{command}` (seed {seed}, {points} points per claim) regenerates this report, its JSON "
              "twin and its figures; with the same seed and the same versions the output is identical "
              "except for the wall time below.", "",
              "Versions: " + ", ".join(f"{k} {v}" for k, v in env.items()) + "."]
    if figs:
        lines += ["", "Figures: " + ", ".join(f"`{f['file']}`" for f in figs) + "."]
    lines.append("")
    if wall_seconds is not None:
        lines += ["---", "", f"Wall time: {wall_seconds:.1f} s."]
    return "\n".join(lines) + "\n"


def write_markdown(path, results, **kw) -> pathlib.Path:
    """Write the report to ``path`` and its figures to ``<folder of path>/figures/``."""
    from .figures import gradient_points, write_figures

    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    results = list(results)
    error_data = kw.pop("error_data", None)
    if error_data is None and any(r.claim.kind == "gradient" for r in results):
        error_data = gradient_points(results, seed=kw["seed"], points=kw["points"])
    write_figures(results, path.parent, seed=kw["seed"], points=kw["points"], error_data=error_data)
    path.write_text(render_markdown(results, error_data=error_data, **kw))
    return path

