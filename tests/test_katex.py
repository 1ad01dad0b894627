"""Every formula of the generated report renders with KaTeX (Node, ``katex.renderToString`` with
``throwOnError: true``), and a broken formula is rejected; so does every formula of the notebook
display of a result (``_repr_markdown_``, Jupyter's ``$`` form).

The renderer is installed by ``.ci/run`` (``npm ci`` in ``tools/katex``).  Without Node or without
``tools/katex/node_modules/katex`` these tests FAIL with the command to run: a report whose math
was never parsed is not a checked report.
"""

from __future__ import annotations

import json
import pathlib
import re
import shutil
import subprocess

import pytest

import checkers
import derivations
from checkers.report import claim_lines, extract_formulas, render_markdown
from checkers.report.markdown import BADGES
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


# -- the notebook display (``_repr_markdown_``) -----------------------------------------------------

#: results whose display has every kind of math: a scalar proof, a worked counterexample in
#: exact arithmetic (``aligned``), an any-K counterexample with a region formula, an experiment
REPR_IDS = ["mse_sigmoid.grad_w", "bce_sigmoid.second_derivative_vanishes_at_y",
            "miranda.dl_df_as_written", "experiments.softmax_sweep_tie_hardmax"]

_DISPLAY = re.compile(r"^\$\$\n(.*?)\n\$\$$", re.S | re.M)
_INLINE_DOLLAR = re.compile(r"\$([^$\n]+?)\$")


def dollar_formulas(markdown: str) -> list:
    """Every formula of Jupyter-form Markdown (``$$`` blocks, ``$...$``), in order."""
    out = [{"tex": m.group(1), "display": True, "at": m.start()} for m in _DISPLAY.finditer(markdown)]
    rest = _DISPLAY.sub(lambda m: " " * len(m.group(0)), markdown)
    out += [{"tex": m.group(1), "display": False, "at": m.start()} for m in _INLINE_DOLLAR.finditer(rest)]
    return sorted(out, key=lambda f: f["at"])


def test_notebook_display_of_results_renders_with_katex(result_of):
    """``ClaimResult._repr_markdown_``: the report's section of the claim with its math in
    Jupyter's ``$`` form; every formula renders, and they are the report's formulas."""
    formulas = []
    for cid in REPR_IDS:
        res = result_of(cid)
        md = res._repr_markdown_()
        assert md.startswith(f"### `{cid}` — {res.claim.title}\n"), cid
        assert f"$$\n{res.claim.statement}\n$$" in md and "$`" not in md and "```math" not in md
        assert f"**{BADGES[res.verdict]}**" in md
        assert "| witness | result | method | worst rel. error | tolerance | points | evidence |" in md
        if res.verdict == "REFUTED":
            assert "**Counterexample" in md and "**Where it holds**" in md, cid
        found = dollar_formulas(md)
        report = extract_formulas("\n".join(claim_lines(res)))
        assert [(f["tex"], f["display"]) for f in found] == [(f["tex"], f["display"]) for f in report], cid
        formulas += found
    assert r"\begin{aligned}" in "".join(f["tex"] for f in formulas)
    answer = katex_check(formulas)
    assert answer["checked"] == len(formulas)
    assert not answer["failures"], _failures_text(formulas, answer)


def test_notebook_display_of_an_implementation_renders_with_katex():
    """``ImplementationResult._repr_markdown_``: the implementation, the comparison, and the
    derivation's own verdict with its counterexample worked by hand (here the derivation is
    wrong: d(u^3)/du written 3u, and the code computes what the derivation says)."""
    import sympy as sp

    from checkers.implementation import verify_implementation
    from derivations import real_line
    from derivations.build import gradient_claim

    u = sp.Symbol("u", real=True)
    claim = gradient_claim("repr.cube", u**3, u, 3 * u, domain={u: real_line()})
    res = verify_implementation(lambda v: v**3, claim, grad=lambda v: 3 * v, name="cube",
                                points=64, symbolic_seconds=5)
    md = res._repr_markdown_()
    assert md.startswith("### `repr.cube.impl_cube`")
    assert "Implementation `cube` of the claim `repr.cube`." in md
    assert f"**{BADGES[res.verdict]}**" in md and "| implementation gradient |" in md
    assert "**The derivation itself:** ❌ REFUTED" in md
    tail = md[md.index("**The derivation itself:**"):]
    assert "**Counterexample, worked by hand**" in tail and "**Where it holds**" in tail
    formulas = dollar_formulas(md)
    assert f"$$\n{claim.statement}\n$$" in md and len(formulas) >= 3
    answer = katex_check(formulas)
    assert answer["checked"] == len(formulas)
    assert not answer["failures"], _failures_text(formulas, answer)
