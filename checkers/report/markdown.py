r"""The proof report as GitHub Markdown (pure render + thin writer).

The report is a proof document: for every claim the statement as the document means it, where
it comes from, the SymPy residual after simplification, each witness's worst relative error
against its tolerance, how many points were checked and how they were chosen, and, for a refuted
claim, the counterexample (worked out in exact arithmetic where the kind can).

This module is the generic part.  Everything that reads differently for one claim kind is asked
of that kind's renderer (:class:`checkers.kinds.Renderer`, through
:func:`checkers.kinds.kind_of`): what its symbolic residual is (``residual_label``), its own
evidence block (``evidence``, e.g. an experiment's set-up and criteria), its counterexample
block (``worked_counterexample``), its one-line counterexample (``one_line``) and its figures
(``figures``, a :class:`checkers.report.figures.FigureSet`).  A field left ``None`` gets the
generic rendering below.

Math renders with GitHub's MathJax (:mod:`checkers.report.markup`); every formula passes
KaTeX's parser (``tests/test_katex.py``).  :func:`write_markdown` also writes the figures under
``<folder of the report>/figures/`` (:func:`checkers.report.figures.write_figures`).
"""

from __future__ import annotations

import pathlib

import sympy as sp

from .._timeout import SymbolicTimeout, time_limit
from ..kinds import Renderer, kind_of
from ..results import HOLDS
from .figures import REGIME_ORDER, figure_entries, renderers, write_figures
from .markup import anchor, cell, inline_math, math_block, short_tex, tex

__all__ = ["render_markdown", "write_markdown", "TOLERANCES", "environment", "worked_counterexample",
           "claim_lines", "outcome_lines", "region_lines", "BADGES"]

TOLERANCES = [
    ("symbolic", "exact: the residual reduces to 0 (cancel, then simplify, under a time bound), or an "
                 "exact rational point where it is nonzero"),
    ("autodiff", "rel. 1e-10 against jax.jacrev in float64 (float64 reverse mode reaches ~1e-13 here)"),
    ("finite differences", "complex step: rel. 1e-11 (no subtraction, machine precision); central "
                           "differences: 10 x their Richardson error estimate + rel. 1e-8"),
    ("taylor remainder", "R(eps) = J(m + eps h) - J(m) - eps <g, h> must shrink like eps^2 (observed "
                         "order >= 1.8) over 10 halvings above the rounding level of J; a failing "
                         "window is confirmed by mpmath.diff along h at two working precisions "
                         "(scalar claims: 32 points, supporting evidence; networks and any-K "
                         "claims: 4 random and the worst coordinate directions)"),
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
    ("implementation", "|c - t| <= 1e-12 max(|c|, |t|) + 64 eps max(M(x), S) + 2.2e-308: M the "
                       "running error bound of the claim's formula, S the entry's median |value| "
                       "over the sample (code rounds intermediates of the quantity's own size: "
                       "huber's (q - 1) + 1 is 0 at z = -1e-20); an error below 64 eps S "
                       "(1.4e-14 S) is not seen; inf or NaN is never agreement (the referee "
                       "decides the true value)"),
]

BADGES = {"PROVED": "✅ PROVED", "VERIFIED": "☑️ VERIFIED", "REFUTED": "❌ REFUTED",
          "DISPUTED": "⚠️ DISPUTED", "UNDECIDED": "❔ UNDECIDED", "ERROR": "💥 ERROR"}
"""Verdict -> how the report writes it (an emoji, then the verdict)."""
_GENERIC = Renderer()


def _render(claim) -> Renderer:
    """The renderer of the claim's kind (the generic one for a kind no package registers)."""
    kind = kind_of(claim)
    return kind.render if kind is not None else _GENERIC


def worked_counterexample(claim, ce) -> list | None:
    """The claim kind's own counterexample block for ``ce`` (for the scalar kinds: the exact
    counterexample redone by hand), or None (the generic block is shown)."""
    fn = _render(claim).worked_counterexample
    return fn(claim, ce) if fn is not None and ce is not None else None


# -- small pieces ------------------------------------------------------------------------------

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
    one_line = _render(r.claim).one_line
    if one_line is not None:
        return one_line(r)
    pt = ", ".join(f"{k} = {v}" for k, v in ce.point.items()) or "(no variables)"
    a, b = ce.labels
    comp = f" [{ce.component}]" if ce.component else ""
    if tuple(ce.labels) == ("relation", "holds"):
        return f"at {pt}{comp}: {ce.claimed} is false"
    return f"at {pt}{comp}: {a} {ce.claimed}, {b} {ce.true}"


# -- evidence blocks -----------------------------------------------------------------------------

def _residual_tex(claim):
    """The residual that did not reduce to 0, after ``cancel``, in LaTeX (None if too long/slow)."""
    from ..symbolic import residual

    try:
        with time_limit(2.0):
            for e in residual(claim):
                r = sp.cancel(sp.together(e))
                if r != 0:
                    return short_tex(r)
    except (SymbolicTimeout, TypeError, ValueError, NotImplementedError, sp.PolynomialError):
        return None
    return None


def _symbolic_lines(r, render) -> list:
    sym = r.witness("symbolic")
    c = r.claim
    if sym is None:
        return []
    if sym.status == "N/A":
        return [f"SymPy: not applicable — {sym.detail}."]
    what = render.residual_label
    if what is not None:
        if sym.status == "PROVED":
            return [f"SymPy residual ({what}) after simplification: {inline_math('0')} — {sym.detail}."]
        shown = _residual_tex(c)
        if shown is not None:
            return [f"SymPy residual ({what}) after simplification: {inline_math(shown)} — {sym.detail}."]
        res = sym.extra.get("residual") or ""
        return [f"SymPy residual ({what}) after simplification (SymPy's text form): `{cell(res)}` "
                f"— {sym.detail or sym.status}."]
    return [f"SymPy ({sym.method or c.kind}): {sym.status.lower()} — {sym.detail or 'no detail'}."]


def _sample_line(r) -> list:
    shares = r.sample_shares or {}
    total = sum(shares.values())
    if not total:
        return []
    keys = [k for k in REGIME_ORDER if k in shares] + sorted(set(shares) - set(REGIME_ORDER))
    parts = [f"{k} {shares[k]} ({100 * shares[k] / total:.1f}%)" for k in keys]
    edge_like = sum(shares.get(k, 0) for k in ("edge", "saturated", "decades", "tiny", "huge",
                                               "zero", "tie"))
    return ["", f"Sample: {total} points drawn from seed {r.seed} (regimes described in "
                f"`checkers/sampling.py`): " + ", ".join(parts)
            + f". Saturated, edge, decade, tiny, huge, zero and tie points together: {edge_like} "
              f"({100 * edge_like / total:.1f}%)."]


def _witness_table(r) -> list:
    lines = ["", "| witness | result | method | worst rel. error | tolerance | points | evidence |",
             "|---|---|---|---|---|---|---|"]
    for w in r.witnesses:
        err = "–" if w.worst_error is None else f"{w.worst_error:.1e}"
        lines.append(f"| {w.witness} | {w.status} | {cell(w.method) or '–'} | {err} | "
                     f"{cell(w.tolerance) or '–'} | {w.points or '–'} | {cell(w.detail) or '–'} |")
    return lines


def _figure_lines(claim_id, entries) -> list:
    """The figures that illustrate the claim: shown by the first claim that has one, then referenced."""
    lines = []
    for e in entries:
        if claim_id not in e.claims:
            continue
        owner = e.claims[0]
        if owner == claim_id:
            lines += ["", f"![{cell(e.title)}](figures/{e.file})", "",
                      f"*Figure `figures/{e.file}`.* {e.caption}"]
        else:
            lines += ["", f"Figure: `figures/{e.file}`, shown with [`{owner}`](#{anchor(owner)})."]
    return lines


def _claim_section(r, entries) -> list:
    """A claim's section of the report: its anchor, then :func:`claim_lines`."""
    return [f'<a id="{anchor(r.claim.id)}"></a>', ""] + claim_lines(r, entries)


def claim_lines(r, entries=()) -> list:
    """One claim as Markdown lines (the report's section without its anchor; also the notebook
    display of a result, :mod:`checkers.report.notebook`): heading, verdict, source, statement,
    domain, formalization, symbolic residual, the kind's evidence, figures (``entries``: the
    report's :class:`~checkers.report.figures.FigureEntry` list; none for a lone result), the
    witnesses' table, the sample, then :func:`outcome_lines`."""
    c = r.claim
    render = _render(c)
    lines = [f"### `{c.id}` — {c.title}", "",
             f"**{BADGES.get(r.verdict, r.verdict)}**" + (f" — {r.message}" if r.message else ""),
             "", f"Source: {c.source.author} ({c.source.year}), *{c.source.document}*, "
             f"section “{c.source.section}”.", ""]
    lines += math_block(c.statement)
    if c.domain:
        lines += ["", "Domain: " + ", ".join(inline_math(f"{tex(s)} \\in {iv.latex()}")
                                             for s, iv in c.domain) + "."]
    if c.note:
        lines += ["", f"Formalization: {c.note}"]
    lines += [""] + _symbolic_lines(r, render)
    if render.evidence is not None:
        lines += render.evidence(r) or []
    lines += _figure_lines(c.id, entries)
    lines += _witness_table(r)
    lines += _sample_line(r)
    lines += outcome_lines(r)
    lines.append("")
    return lines


def outcome_lines(r) -> list:
    """A refuted or disputed claim's counterexample block (the kind's worked one, or the generic
    one), then :func:`region_lines`; only the region for a claim that holds."""
    ce = r.counterexample
    lines = []
    if ce is not None and r.verdict in ("REFUTED", "DISPUTED"):
        lines += worked_counterexample(r.claim, ce) or _plain_counterexample(ce)
    return lines + region_lines(r)


def region_lines(r) -> list:
    """The *Where it holds* block of a refuted claim (:mod:`checkers.regions`): the set, its
    status and witness, and each cell's verdict."""
    reg = getattr(r, "region", None)
    if reg is None:
        return []
    head = f"**Where it holds** ({reg.status}, {reg.witness}): {reg.text}"
    if reg.latex:
        head += " — " + inline_math(reg.latex)
    lines = ["", head + "."]
    if reg.evidence:
        lines[-1] += f" Evidence: {reg.evidence}."
    if reg.cells:
        lines += ["", "Cells: " + "; ".join(f"{where}: {verdict}" for where, verdict in reg.cells) + "."]
    return lines


# -- the report ----------------------------------------------------------------------------------

_INTRO_VERDICTS = [
    "- **PROVED**: SymPy proves it and every numeric witness agrees at every sampled point.",
    "- **VERIFIED**: no symbolic proof; every numeric witness agrees everywhere sampled. For an "
    "*experiment* (a stated run of gradient descent, or an expression swept over stated values) "
    "it means: every stated criterion holds in the float64 run and in the 50-digit run, and the "
    "two runs agree. A run is evidence for its numbers, not a proof of the sentence they "
    "formalize, so an experiment is never PROVED (its symbolic witness is N/A).",
    "- **REFUTED**: a counterexample, confirmed in exact or high-precision arithmetic (for an "
    "experiment: a criterion that fails in both runs).",
    "- **DISPUTED**: the witnesses disagree (reported, never averaged away).",
]

_HOW_TO_READ = (
    "Each claim below gives: the statement as the document means it (with the formalization "
    "chosen, when the sentence needs one); its source section; the SymPy residual after "
    "simplification (0 when proved); each witness's worst relative error against its tolerance "
    "and how many points it checked; how the points were chosen (seeded, with the share of "
    "saturated, edge, decade (1e-3 to 1e-16), tiny, huge and tie points); and, for a refuted "
    "claim, the counterexample "
    "worked out in exact arithmetic, which a reader can redo by hand.")


def render_markdown(results, *, seed: int, points: int, command: str = "gradproof report",
                    wall_seconds: float | None = None) -> str:
    """The whole report (pure: results in, text out)."""
    results = list(results)
    entries = figure_entries(results)
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
        "**Verdicts:** " + ", ".join(f"{BADGES.get(k, k)}: {v}" for k, v in counts.items())
        + f" — {len(results)} claims.",
        "",
        *_INTRO_VERDICTS,
        "",
        "## How to read a claim",
        "",
        _HOW_TO_READ,
        "",
        "## Tolerances",
        "",
        "| witness | rule |",
        "|---|---|",
    ]
    lines += [f"| {a} | {cell(b)} |" for a, b in TOLERANCES]
    lines += ["", "## Summary", "",
              "Worst relative error per witness over the points it decided in float64.", "",
              "| # | claim | source section | verdict | symbolic | " + " | ".join(numeric) + " | points |",
              "|---|---|---|---|---|" + "---|" * len(numeric) + "---|"]
    for i, r in enumerate(results, 1):
        sym = r.witness("symbolic")
        cells = [_err(r.witness(n)) for n in numeric]
        pts = r.points or "–"
        lines.append(
            f"| {i} | [`{r.claim.id}`](#{anchor(r.claim.id)}) {cell(r.claim.title)} | "
            f"{cell(r.claim.source.section)} | {BADGES.get(r.verdict, r.verdict)} | "
            f"{sym.status if sym else '–'} | " + " | ".join(cells) + f" | {pts} |")
    bad = [r for r in results if r.verdict not in HOLDS]
    if bad:
        lines += ["", "## Refuted, disputed and undecided claims", ""]
        for r in bad:
            where = f" Holds: {cell(r.region.text)} ({r.region.status})." if r.region else ""
            lines.append(f"- {BADGES.get(r.verdict, r.verdict)} [`{r.claim.id}`](#{anchor(r.claim.id)}) "
                         f"{cell(r.claim.title)}: {cell(_one_line_counterexample(r))}{where}")
    lines.append("")
    for render, rs in renderers(results):
        if render.figures is not None and render.figures.section is not None:
            lines += render.figures.section(rs)
    lines += ["## Claims", ""]
    for r in results:
        lines += _claim_section(r, entries)
    env = environment()
    lines += ["## Reproduce", "",
              f"`{command}` (seed {seed}, {points} points per claim) regenerates this report, its JSON "
              "twin and its figures; with the same seed and the same versions the output is identical "
              "except for the wall time below.", "",
              "Versions: " + ", ".join(f"{k} {v}" for k, v in env.items()) + "."]
    if entries:
        lines += ["", "Figures: " + ", ".join(f"`figures/{e.file}`" for e in entries) + "."]
    lines.append("")
    if wall_seconds is not None:
        lines += ["---", "", f"Wall time: {wall_seconds:.1f} s." + _replayed(results)]
    return "\n".join(lines) + "\n"


def _replayed(results) -> str:
    """Which results were replayed from the result cache (:mod:`checkers.result_cache`), on the
    wall-time line: a property of the run, like the time, not of the results."""
    ids = [r.claim.id for r in results if getattr(r, "replayed", False)]
    if not ids:
        return ""
    which = "all of them" if len(ids) == len(results) else ", ".join(f"`{i}`" for i in ids)
    return (f" {len(ids)} of {len(results)} results replayed from the result cache "
            f"(same claim, seed, points, code and library versions; `--no-cache` recomputes "
            f"them): {which}.")


def write_markdown(path, results, **kw) -> pathlib.Path:
    """Write the report to ``path`` and its figures to ``<folder of path>/figures/``."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    results = list(results)
    write_figures(results, path.parent, seed=kw["seed"], points=kw["points"])
    path.write_text(render_markdown(results, **kw))
    return path
