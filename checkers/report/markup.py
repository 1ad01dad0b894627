r"""The report's Markdown and LaTeX pieces, shared by the generic report and the kinds' renderers.

Math renders with GitHub's MathJax: display equations go in fenced ``math`` blocks
(:func:`math_block`) and inline math uses the ``$`...`$`` form (:func:`inline_math`), so that
Markdown never eats a backslash (SYMPY-NOTES).  Expressions are printed by :func:`tex` (SymPy's
LaTeX with $\ln$, and powers of opaque functions such as $\sigma(z)^2$ printed correctly).
:func:`extract_formulas` finds every formula of a report again (``tests/test_katex.py`` parses
each one with KaTeX); :func:`substitute_formulas` replaces each one (the HTML page puts KaTeX's
HTML there, :mod:`checkers.report.html`), and :func:`dollar_math` rewrites them in the
``$...$`` / ``$$...$$`` form Jupyter renders (:mod:`checkers.report.notebook`).
"""

from __future__ import annotations

import re

from sympy.printing.latex import LatexPrinter

__all__ = ["tex", "inline_math", "math_block", "extract_formulas", "substitute_formulas",
           "dollar_math", "cell", "anchor", "MAX_TEX", "short_tex"]

MAX_TEX = 320
"""Longer expressions are shown by their value only."""


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


def tex(expr, **settings) -> str:
    """LaTeX of a SymPy expression, readable: $\\ln$, $\\sigma(z)^{2}$.

    ``settings``: further SymPy printer settings (e.g. ``order="none"``: terms as given).
    """
    return _Printer({"ln_notation": True, **settings}).doprint(expr)


def short_tex(expr) -> str | None:
    """:func:`tex` of ``expr``, or None if longer than :data:`MAX_TEX` characters."""
    t = tex(expr)
    return t if len(t) <= MAX_TEX else None


def inline_math(t: str) -> str:
    """Inline math in GitHub's backtick form."""
    return "$`" + t + "`$"


def math_block(t: str) -> list:
    """Display math: a fenced ``math`` block, as Markdown lines."""
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


def substitute_formulas(markdown: str, replace) -> str:
    """``markdown`` with every formula that :func:`extract_formulas` finds replaced by
    ``replace(tex, display)``, called in document order; the text around each formula is kept
    as it is (the line break after a fenced block included)."""
    spans = []
    for m in _FENCE.finditer(markdown):
        whole = m.group(0)
        spans.append((m.start(), m.end(), m.group(1), True, whole[whole.rindex("```") + 3:]))
    outside = _FENCE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), markdown)
    spans += [(m.start(), m.end(), m.group(1), False, "") for m in _INLINE.finditer(outside)]
    out, pos = [], 0
    for start, end, t, display, after in sorted(spans):
        out += [markdown[pos:start], replace(t, display), after]
        pos = end
    return "".join(out) + markdown[pos:]


def dollar_math(markdown: str) -> str:
    """The report's math in the form Jupyter (and most Markdown renderers with MathJax or KaTeX)
    read: ``$$`` lines around display math, ``$...$`` inline."""
    return substitute_formulas(markdown, lambda t, display: f"$$\n{t}\n$$" if display else f"${t}$")


def anchor(cid: str) -> str:
    """The HTML anchor of a claim's section (its id without dots, lower case)."""
    return cid.replace(".", "").lower()


def cell(text) -> str:
    """``text`` safe inside a Markdown table cell (escaped ``|``, no newline)."""
    return str(text).replace("|", "\\|").replace("\n", " ")
