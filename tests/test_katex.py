"""Every formula of the generated report renders with KaTeX (Node, ``katex.renderToString`` with
``throwOnError: true``), and a broken formula is rejected.

The renderer is installed by ``.ci/run`` (``npm ci`` in ``tools/katex``).  Without Node or without
``tools/katex/node_modules/katex`` these tests FAIL with the command to run: a report whose math
was never parsed is not a checked report.
"""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess

import pytest

import checkers
import derivations
from checkers.report import extract_formulas, render_markdown
from checkers.sampling import DEFAULT_POINTS

ROOT = pathlib.Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "katex"
SCRIPT = TOOL / "check.mjs"
INSTALL = "npm ci --prefix tools/katex (or: cd tools/katex && npm install)"


def katex_check(formulas: list) -> dict:
    """Run tools/katex/check.mjs on ``[{"tex", "display"}]``; its JSON answer."""
    node = shutil.which("node")
    if node is None:
        pytest.fail(f"Node.js is not installed: the KaTeX check needs `node` on PATH, then {INSTALL}")
    if not (TOOL / "node_modules" / "katex" / "package.json").is_file():
        pytest.fail(f"KaTeX is not installed in tools/katex/node_modules: run {INSTALL}")
    payload = json.dumps([{"tex": f["tex"], "display": f["display"]} for f in formulas])
    out = subprocess.run([node, str(SCRIPT)], input=payload, capture_output=True, text=True,
                         timeout=300, cwd=TOOL)
    if out.returncode not in (0, 1):
        pytest.fail(f"tools/katex/check.mjs exited with {out.returncode}: {out.stderr.strip()}")
    return json.loads(out.stdout)


def _failures_text(formulas, answer) -> str:
    lines = [f"{len(answer['failures'])} of {answer['checked']} formulas rejected by KaTeX "
             f"{answer['katex']}:"]
    for f in answer["failures"]:
        src = formulas[f["index"]]
        lines.append(f"  report line {src.get('line', '?')} ({'display' if f['display'] else 'inline'}): "
                     f"{f['tex']!r}\n      {f['error']}")
    return "\n".join(lines)


def test_every_formula_of_the_generated_report_renders(result_of):
    """The report of the whole catalog at the default seed, as `gradproof report` writes it."""
    results = [result_of(c.id) for c in derivations.catalog()]
    report_text = render_markdown(results, seed=checkers.DEFAULT_SEED, points=DEFAULT_POINTS)
    formulas = extract_formulas(report_text)
    catalog = derivations.catalog()
    # every claim contributes at least its statement: the extraction found the math
    assert len(formulas) >= len(catalog), f"only {len(formulas)} formulas extracted"
    statements = {f["tex"] for f in formulas if f["display"]}
    missing = [c.id for c in catalog if c.statement not in statements]
    assert not missing, f"statements not found as ```math blocks: {missing}"
    answer = katex_check(formulas)
    assert answer["checked"] == len(formulas)
    assert not answer["failures"], _failures_text(formulas, answer)


def test_a_broken_formula_is_rejected_and_named():
    formulas = [
        {"tex": r"\frac{\partial C}{\partial w} = (a - y)\,\sigma'(z)", "display": True},
        {"tex": r"\frac{1}{", "display": True},                      # unbalanced brace
        {"tex": r"a \in (0, 1)", "display": False},
        {"tex": r"\sigmoid(z)", "display": False},                   # unknown macro
        {"tex": r"\left( a + b", "display": False},                  # \left without \right
    ]
    answer = katex_check(formulas)
    assert answer["checked"] == 5
    assert sorted(f["index"] for f in answer["failures"]) == [1, 3, 4], _failures_text(formulas, answer)
    errors = {f["index"]: f["error"] for f in answer["failures"]}
    assert "sigmoid" in errors[3]
    assert all(e.startswith("KaTeX parse error") for e in errors.values())


def test_extract_formulas_finds_display_and_inline_math():
    md = ("# t\n\ntext $`a \\in (0, 1)`$ and $`b`$.\n\n```math\n\\frac{1}{2}\n```\n\n"
          "`code $x$ is not math` and ```python\nx = 1\n```\n")
    found = extract_formulas(md)
    assert [(f["tex"], f["display"]) for f in found] == [
        ("a \\in (0, 1)", False), ("b", False), ("\\frac{1}{2}", True)]
    assert [f["line"] for f in found] == [3, 3, 5]
