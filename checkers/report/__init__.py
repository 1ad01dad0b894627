"""The proof report: Markdown (:mod:`.markdown`), its JSON twin (:mod:`.json_report`) and the
figures (:mod:`.figures`), rendered from the results and the evidence their witnesses recorded.

Claim kinds render themselves through :class:`checkers.kinds.Renderer`; this package is the
generic part, and :mod:`.markup` holds the Markdown/LaTeX pieces the kinds' renderers share.
"""

from __future__ import annotations

from .figures import (FIGURES_DIR, FigureEntry, FigureSet, error_summary, figure_entries,
                      figure_index, pointwise_errors, render_error_figure, write_figures)
from .json_report import TIMING_KEYS, claim_record, render_json, without_timings, write_json
from .markdown import TOLERANCES, environment, render_markdown, worked_counterexample, write_markdown
from .markup import extract_formulas, tex

__all__ = ["render_markdown", "write_markdown", "render_json", "write_json", "claim_record",
           "TIMING_KEYS", "without_timings", "TOLERANCES", "environment", "worked_counterexample", "extract_formulas",
           "tex", "write_figures", "figure_index", "figure_entries", "FigureSet", "FigureEntry",
           "FIGURES_DIR", "pointwise_errors", "error_summary", "render_error_figure"]
