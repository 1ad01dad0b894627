"""The proof report: Markdown (:mod:`.markdown`), its JSON twin (:mod:`.json_report`) and the
figures (:mod:`.figures`), rendered from the results and the evidence their witnesses recorded;
the self-contained HTML page built from them (:mod:`.html`, math by KaTeX: :mod:`.katex`); one
result as Markdown for Jupyter (:mod:`.notebook`).

Claim kinds render themselves through :class:`checkers.kinds.Renderer`; this package is the
generic part, and :mod:`.markup` holds the Markdown/LaTeX pieces the kinds' renderers share.
"""

from __future__ import annotations

from .figures import (FIGURES_DIR, FigureEntry, FigureSet, error_summary, figure_entries,
                      figure_index, pointwise_errors, render_error_figure, write_figures)
from .html import Page, ReportError, ReportSource, render_html, write_html
from .json_report import TIMING_KEYS, claim_record, render_json, without_timings, write_json
from .katex import KatexUnavailable
from .markdown import (TOLERANCES, claim_lines, environment, render_markdown, worked_counterexample,
                       write_markdown)
from .markup import dollar_math, extract_formulas, substitute_formulas, tex
from .notebook import implementation_markdown, result_markdown

__all__ = ["render_markdown", "write_markdown", "render_json", "write_json", "claim_record",
           "TIMING_KEYS", "without_timings", "TOLERANCES", "environment", "worked_counterexample", "extract_formulas",
           "tex", "write_figures", "figure_index", "figure_entries", "FigureSet", "FigureEntry",
           "FIGURES_DIR", "pointwise_errors", "error_summary", "render_error_figure",
           "ReportSource", "Page", "ReportError", "render_html", "write_html", "KatexUnavailable",
           "claim_lines", "substitute_formulas", "dollar_math", "result_markdown",
           "implementation_markdown"]
