r"""A result as Markdown for Jupyter: what ``_repr_markdown_`` of
:class:`checkers.results.ClaimResult` and of
:class:`checkers.implementation.ImplementationResult` returns.

It is the report's own section of the claim (:func:`checkers.report.markdown.claim_lines`: the
statement as math, the verdict, the witnesses' table, the counterexample worked by hand, the
region where the claim holds), with the math rewritten in the ``$...$`` / ``$$...$$`` form
Jupyter renders (:func:`checkers.report.markup.dollar_math`; GitHub's ``$`...`$`` and fenced
``math`` blocks are not read there).  A lone result has no figures (the report draws them from
all its results).  Every formula passes KaTeX (``tests/test_katex.py``).
"""

from __future__ import annotations

from .markdown import BADGES, claim_lines, outcome_lines
from .markup import dollar_math

__all__ = ["result_markdown", "implementation_markdown"]


def result_markdown(result) -> str:
    """One claim's result as Jupyter Markdown (pure: result in, text out)."""
    return dollar_math("\n".join(claim_lines(result)).rstrip("\n") + "\n")


def implementation_markdown(result) -> str:
    """An implementation's result as Jupyter Markdown: which function implements which claim,
    then the comparison as :func:`result_markdown` shows a claim, then the verdict on the
    derivation itself (with its counterexample and region when it does not hold)."""
    lines = claim_lines(result)   # its heading first, then the verdict line
    lines[1:1] = ["", f"Implementation `{result.name}` of the claim `{result.target.id}`."]
    own = result.claim_result
    if own is None:
        lines += ["", "The derivation itself was not checked (`check_claim=False`)."]
    else:
        lines += ["", f"**The derivation itself:** {BADGES.get(own.verdict, own.verdict)}"
                  + (f" — {own.message}" if own.message else "")]
        if not own.holds:
            lines += outcome_lines(own)
    return dollar_math("\n".join(lines).rstrip("\n") + "\n")
