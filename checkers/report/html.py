r"""The proof report as one self-contained HTML page (a render function and a thin writer).

The page is built from the Markdown report and its JSON twin: the files ``gradproof report``
writes (:meth:`ReportSource.from_files`, so a committed report becomes a page without checking
anything again), or the same two texts rendered in memory from results
(:meth:`ReportSource.from_results`, for ``gradproof check --html``), with the figures they name.

The page, top to bottom:

* the header: title, how the report was generated, the sources, the verdict counts;
* **What is wrong in the documents**: the refuted claims first, each with its statement, its
  counterexample (worked by hand where the kind can) and the region where it holds, the rest of
  its evidence collapsed in a ``<details>``; then any disputed, undecided or erroneous claim;
* **Summary**: one row per claim, sortable by any column (click its header) and filterable by
  verdict (buttons that show the counts), document and section (selects);
* **Claims that hold**: each with its statement (and region, for an experiment with an open
  rate), its evidence in a ``<details>``;
* the report-wide figure sections, how to read a claim, the tolerances, how to reproduce.

Every part of the Markdown report is on the page once (its summary table and its verdict line
are rebuilt from the JSON, the table with the same titles), so the page has exactly the report's
formulas, rendered to HTML by KaTeX at build time in one Node call (:mod:`.katex`).  A
``gradproof check`` report's input errors (the JSON's ``input_errors``) are listed under *What
is wrong*.  KaTeX's CSS with its fonts, the figures
(base64 ``data:`` URLs), the page's stylesheet (``page.css``) and its script (``page.js``, plain
JavaScript) are inline: the page needs no network and no file beside it.  Markdown is converted
by markdown-it-py (CommonMark with GFM tables) with raw HTML off, so text from a claims file
cannot add markup to the page.

``python -m checkers.report.html reports/proof-report.md`` builds the page of a report already
written (``--out`` for another path than the ``.html`` beside it).
"""

from __future__ import annotations

import argparse
import base64
import html as htmlmod
import json
import mimetypes
import pathlib
import re
import sys
import tempfile
from dataclasses import dataclass, field

from ..results import HOLDS, VERDICTS
from . import katex
from .markdown import BADGES
from .markup import anchor, substitute_formulas

__all__ = ["ReportSource", "Page", "ReportError", "render_html", "write_html", "main"]

_HERE = pathlib.Path(__file__).resolve().parent
_D, _I, _END = "\ue000D", "\ue000I", "\ue001"        # formula tokens (private-use characters)
_TOKEN = re.compile("\ue000([DI])(\\d+)\ue001")
_RANK = {v: i for i, v in enumerate(("REFUTED", "DISPUTED", "ERROR", "UNDECIDED", "VERIFIED", "PROVED"))}


class ReportError(ValueError):
    """A report that cannot be made into a page (files missing, or not from the same run)."""


@dataclass(frozen=True)
class ReportSource:
    """What a page is built from: the Markdown report (``markdown``), its JSON twin parsed
    (``data``) and the figures it names (``figures``: ``"figures/x.png"`` -> bytes)."""

    markdown: str
    data: dict
    figures: dict = field(default_factory=dict)

    @classmethod
    def from_files(cls, markdown_path, json_path=None) -> "ReportSource":
        """A written report: ``proof-report.md``, its JSON (default: the ``.json`` beside it) and
        the figures under its folder."""
        md_path = pathlib.Path(markdown_path)
        js_path = pathlib.Path(json_path) if json_path is not None else md_path.with_suffix(".json")
        for p in (md_path, js_path):
            if not p.is_file():
                raise ReportError(f"{p}: no such file (a page is built from a report's Markdown "
                                  "and JSON, as `gradproof report` writes them)")
        data = json.loads(js_path.read_text(encoding="utf-8"))
        figures = {}
        for f in data.get("figures", []):
            p = md_path.parent / f["file"]
            if not p.is_file():
                raise ReportError(f"{p}: a figure the report names is missing; write the report "
                                  "again (`gradproof report`)")
            figures[f["file"]] = p.read_bytes()
        return cls(md_path.read_text(encoding="utf-8"), data, figures)

    @classmethod
    def from_results(cls, results, *, seed: int, points: int, command: str,
                     wall_seconds: float | None = None, meta: dict | None = None) -> "ReportSource":
        """The report of ``results`` rendered in memory, its figures drawn in a temporary folder."""
        from .figures import write_figures
        from .json_report import render_json
        from .markdown import render_markdown

        results = list(results)
        md = render_markdown(results, seed=seed, points=points, command=command,
                             wall_seconds=wall_seconds)
        data = json.loads(render_json(results, seed=seed, points=points, meta=meta))
        with tempfile.TemporaryDirectory() as tmp:
            paths = write_figures(results, tmp, seed=seed, points=points)
            figures = {p.relative_to(tmp).as_posix(): p.read_bytes() for p in map(pathlib.Path, paths)}
        return cls(md, data, figures)


@dataclass(frozen=True)
class Page:
    """A rendered page: its ``html``, how many ``formulas`` it has, the ones KaTeX rejected
    (``failures``, each shown on the page as KaTeX's error node) and the KaTeX version."""

    html: str
    formulas: int
    failures: tuple
    katex_version: str


# -- the Markdown report, taken apart -------------------------------------------------------------

@dataclass(frozen=True)
class _Claim:
    anchor: str
    record: dict
    head: str        # heading, verdict, source, statement, domain, formalization
    evidence: str    # symbolic residual, the kind's evidence, figures, witnesses, sample
    outcome: str     # counterexample and region


def _sections(markdown: str) -> tuple[str, dict]:
    """The preamble and the ``## `` sections of a report (title -> body), in order."""
    parts = re.split(r"(?m)^## (.+)\n", markdown)
    return parts[0], dict(zip(parts[1::2], parts[2::2]))


def _blocks(text: str) -> list:
    """The blank-line separated blocks of Markdown (a formula is one token by then)."""
    return [b for b in re.split(r"\n[ \t]*\n", text.strip("\n")) if b.strip()]


def _split_claim(chunk: str) -> tuple[str, str, str]:
    """A claim's section (math already tokenized) as head, evidence and outcome (see
    :func:`checkers.report.markdown.claim_lines` for the order of its parts)."""
    blocks = _blocks(chunk)
    statement = next((i for i, b in enumerate(blocks) if b.startswith(_D) and b.endswith(_END)), 2)
    end = statement + 1
    while end < len(blocks) and blocks[end].startswith(("Domain: ", "Formalization: ")):
        end += 1
    out = next((i for i in range(end, len(blocks))
                if blocks[i].startswith(("**Counterexample", "**Where it holds**"))), len(blocks))
    return ("\n\n".join(blocks[:end]), "\n\n".join(blocks[end:out]), "\n\n".join(blocks[out:]))


def _claims(body: str, records: dict) -> list:
    chunks = re.split(r'(?m)^<a id="([^"]+)"></a>\n', body)
    out = []
    for a, chunk in zip(chunks[1::2], chunks[2::2]):
        if a not in records:
            raise ReportError(f"claim #{a} of the Markdown report is not in its JSON: the two "
                              "files are not from the same run")
        out.append(_Claim(a, records[a], *_split_claim(chunk)))
    if len(out) != len(records):
        raise ReportError(f"the Markdown report has {len(out)} claims and its JSON {len(records)}: "
                          "the two files are not from the same run")
    return out


# -- Markdown to HTML -----------------------------------------------------------------------------

class _Converter:
    """Markdown fragments to HTML, their formulas collected for one KaTeX call (:meth:`fill`)."""

    def __init__(self, figures: dict):
        from markdown_it import MarkdownIt

        self._md = MarkdownIt("commonmark", {"html": False}).enable("table")
        self.formulas = []
        self._figures = figures

    def tokenize(self, markdown: str) -> str:
        """``markdown`` with each formula replaced by a token that Markdown leaves alone."""
        def token(t, display):
            self.formulas.append((t, display))
            return f"{_D if display else _I}{len(self.formulas) - 1}{_END}"
        return substitute_formulas(markdown, token)

    def block(self, markdown: str) -> str:
        """Tokenized Markdown blocks as HTML (formulas still tokens)."""
        return self._finish(self._md.render(markdown))

    def inline(self, markdown: str) -> str:
        """Tokenized inline Markdown (a title) as HTML."""
        return self._finish(self._md.renderInline(markdown))

    def _finish(self, out: str) -> str:
        """Verdict badges as labels, tables in a scrolling box, figures as data: URLs."""
        for verdict, badge in BADGES.items():
            out = out.replace(badge, _pill(verdict))
        out = out.replace("<table>", '<div class="table-wrap"><table>').replace("</table>", "</table></div>")
        return re.sub(r'<img src="([^"]+)"', lambda m: f'<img src="{self._image(m.group(1))}"', out)

    def _image(self, src: str) -> str:
        """A figure the report names, as a base64 data: URL."""
        if src not in self._figures:
            raise ReportError(f"the report shows {src}, which is not among its figures "
                              f"({', '.join(self._figures) or 'none'})")
        mime = mimetypes.guess_type(src)[0] or "image/png"
        return f"data:{mime};base64,{base64.b64encode(self._figures[src]).decode('ascii')}"

    def fill(self, page: str, rendered) -> str:
        """``page`` with each token replaced by its formula's HTML (display math in a block)."""
        page = re.sub(f"<p>{_D}(\\d+){_END}</p>",
                      lambda m: f'<div class="math">{rendered[int(m.group(1))]}</div>', page)
        return _TOKEN.sub(lambda m: rendered[int(m.group(2))], page)


def _pill(verdict: str) -> str:
    """A verdict as a coloured label (in place of the Markdown report's emoji badge)."""
    return f'<span class="verdict v-{verdict.lower()}">{verdict}</span>'


def _e(text) -> str:
    """``text`` escaped for HTML text and attribute values."""
    return htmlmod.escape(str(text), quote=True)


# -- the page's parts -----------------------------------------------------------------------------

def _document(record: dict) -> str:
    """A claim's document as the summary shows it: author (year)."""
    s = record["source"]
    return f"{s['author']} ({s['year']})"


def _article(c: _Claim, conv: _Converter) -> str:
    """A claim's card: its head and outcome (counterexample, region) shown, its evidence folded."""
    witnesses = " · ".join(f"{w['witness']} {w['status']}" for w in c.record["witnesses"])
    parts = [f'<article class="claim" id="{_e(c.anchor)}" data-verdict="{_e(c.record["verdict"])}">',
             conv.block(c.head)]
    if c.outcome:
        parts.append(f'<div class="outcome">{conv.block(c.outcome)}</div>')
    if c.evidence.strip():
        parts.append(f'<details class="evidence"><summary>Evidence: {_e(witnesses)}</summary>'
                     f"{conv.block(c.evidence)}</details>")
    parts.append("</article>")
    return "\n".join(parts)


def _err_cell(w) -> tuple[str, str]:
    """A witness's summary cell (as the Markdown summary writes it) and its sort key."""
    if w is None:
        return "–", "-2"
    if w["status"] == "N/A":
        return "N/A", "-2"
    if w.get("worst_error") is None:
        return w["status"], "-1"
    return f"{w['status']} {w['worst_error']:.1e}", repr(float(w["worst_error"]))


def _summary(records: list, conv: _Converter, caption: str) -> str:
    """The filter bar and the summary table, one row per claim record of the JSON."""
    numeric = []
    for r in records:
        for w in r["witnesses"]:
            if w["witness"] != "symbolic" and w["witness"] not in numeric:
                numeric.append(w["witness"])
    counts = {v: 0 for v in VERDICTS}
    for r in records:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    chips = [f'<button type="button" class="chip" data-filter-verdict="" aria-pressed="true">'
             f'all<span class="n">{len(records)}</span></button>']
    chips += [f'<button type="button" class="chip" data-filter-verdict="{v}" aria-pressed="false">'
              f'{v}<span class="n">{n}</span></button>' for v, n in counts.items() if n]
    docs, sections = [], []
    for r in records:
        d = _document(r)
        if d not in docs:
            docs.append(d)
        if (d, r["source"]["section"]) not in sections:
            sections.append((d, r["source"]["section"]))
    doc_opts = "".join(f'<option value="{_e(d)}">{_e(d)}</option>' for d in docs)
    sec_opts = "".join(
        f'<optgroup label="{_e(d)}">' + "".join(
            f'<option value="{_e(s)}" data-document="{_e(d)}">{_e(s)}</option>'
            for dd, s in sections if dd == d) + "</optgroup>" for d in docs)
    heads = ["#", "claim", "verdict", "document", "section", "symbolic"] + numeric + ["points"]
    rows = []
    for i, r in enumerate(records, 1):
        ws = {w["witness"]: w for w in r["witnesses"]}
        sym = ws.get("symbolic")
        cells = [f'<td class="num" data-sort="{i}">{i}</td>',
                 f'<td data-sort="{_e(r["id"])}"><a href="#{_e(anchor(r["id"]))}"><code>{_e(r["id"])}</code></a> '
                 f'{conv.inline(conv.tokenize(r["title"]))}</td>',
                 f'<td data-sort="{_RANK.get(r["verdict"], 9)}">{_pill(r["verdict"])}</td>',
                 f'<td title="{_e(r["source"]["document"])}">{_e(_document(r))}</td>',
                 f'<td>{_e(r["source"]["section"])}</td>',
                 f'<td>{_e(sym["status"]) if sym else "–"}</td>']
        for name in numeric:
            text, key = _err_cell(ws.get(name))
            cells.append(f'<td class="num" data-sort="{key}">{_e(text)}</td>')
        cells.append(f'<td class="num" data-sort="{int(r["points"] or 0)}">{r["points"] or "–"}</td>')
        rows.append(f'<tr data-verdict="{_e(r["verdict"])}" data-document="{_e(_document(r))}" '
                    f'data-section="{_e(r["source"]["section"])}">' + "".join(cells) + "</tr>")
    return f"""<div class="filters" role="group" aria-label="Filter the summary table">
<div class="chips" role="group" aria-label="Verdict">{"".join(chips)}</div>
<label>Document <select id="filter-document"><option value="">all documents</option>{doc_opts}</select></label>
<label>Section <select id="filter-section"><option value="">all sections</option>{sec_opts}</select></label>
<span id="summary-shown" aria-live="polite">{len(records)} of {len(records)} claims shown</span>
</div>
<p>{_e(caption)} Click a column's header to sort by it.</p>
<div class="table-wrap"><table id="summary-table">
<thead><tr>{"".join(f'<th scope="col"><button type="button">{_e(h)}</button></th>' for h in heads)}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></div>"""


def _section(sid: str, title: str, body: str) -> str:
    """A top-level section of the page with its heading."""
    return f'<section id="{sid}">\n<h2>{_e(title)}</h2>\n{body}\n</section>'


def render_html(source: ReportSource, *, render_math=katex.render, stylesheet=katex.stylesheet) -> Page:
    """The page of ``source`` (a report in, a page out; ``render_math`` turns ``(tex, display)``
    pairs into a :class:`.katex.KatexOutput`, ``stylesheet`` gives KaTeX's CSS)."""
    conv = _Converter(source.figures)
    preamble, sections = _sections(conv.tokenize(source.markdown))
    records = {anchor(r["id"]): r for r in source.data["claims"]}
    claims = _claims(sections.pop("Claims", ""), records)
    order = source.data["claims"]

    pre = _blocks(preamble)
    title = next((b[2:] for b in pre if b.startswith("# ")), "gradproof proof report")
    definitions = [b for b in pre if b.startswith("- ")]
    header_md = "\n\n".join(b for b in pre if not b.startswith(("# ", "- ", "**Verdicts:**")))
    counts = {}
    for r in order:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    count_line = " ".join(f'{_pill(v)} <span class="count" data-verdict="{v}">{counts[v]}</span>'
                          for v in VERDICTS if v in counts)

    wrong = [c for c in claims if c.record["verdict"] == "REFUTED"]
    unsettled = [c for c in claims if c.record["verdict"] not in HOLDS and c not in wrong]
    holding = [c for c in claims if c.record["verdict"] in HOLDS]
    overview = sections.pop("Refuted, disputed and undecided claims", "")
    lead = (f"{len(wrong)} of {len(claims)} claims are refuted: each with a counterexample you can "
            "check by hand and, where one was found, the part of its domain where it holds."
            if wrong else "No claim is refuted.")
    body_wrong = [f'<p class="lead">{_e(lead)}</p>']
    if overview.strip():
        body_wrong.append('<details class="overview"><summary>Each claim that does not hold, in one '
                          f'line</summary>{conv.block(overview)}</details>')
    body_wrong += [_article(c, conv) for c in wrong]
    if unsettled:
        body_wrong.append("<h3>Disputed, undecided and erroneous claims</h3>")
        body_wrong += [_article(c, conv) for c in unsettled]
    errors = source.data.get("input_errors") or []
    if errors:
        body_wrong.append("<h3>Entries that could not be checked</h3>\n<ul>" + "".join(
            f"<li><code>{_e(x['where'])}</code>: {_e(x['message'])}</li>" for x in errors) + "</ul>")

    summary_md = sections.pop("Summary", "")
    caption = next((b for b in _blocks(summary_md) if not b.startswith("|")), "")
    reading = sections.pop("How to read a claim", "")
    tolerances = sections.pop("Tolerances", "")
    reproduce = sections.pop("Reproduce", "")
    parts = [
        f"<header>\n<h1>{conv.inline(title)}</h1>\n{conv.block(header_md)}",
        f'<p class="counts"><strong>Verdicts:</strong> {count_line} — {len(order)} claims</p>',
        '<nav class="toc"><a href="#wrong">What is wrong in the documents</a>'
        '<a href="#summary">Summary</a><a href="#holding">Claims that hold</a>'
        + "".join(f'<a href="#{_slug(t)}">{_e(t)}</a>' for t in sections)
        + '<a href="#how-to-read">How to read a claim</a><a href="#tolerances">Tolerances</a>'
          '<a href="#reproduce">Reproduce</a></nav>\n</header>',
        _section("wrong", "What is wrong in the documents", "\n".join(body_wrong)),
        _section("summary", "Summary", _summary(order, conv, caption)),
        _section("holding", "Claims that hold", "\n".join(_article(c, conv)
                                                          for c in holding)),
    ]
    parts += [_section(_slug(t), t, conv.block(b)) for t, b in sections.items()]
    parts += [_section("how-to-read", "How to read a claim", conv.block("\n\n".join(definitions + [reading]))),
              _section("tolerances", "Tolerances", conv.block(tolerances)),
              _section("reproduce", "Reproduce", conv.block(reproduce))]
    math = render_math(conv.formulas) if conv.formulas else katex.KatexOutput((), (), "")
    body = conv.fill("\n".join(parts), math.html)
    css = stylesheet() + "\n" + (_HERE / "page.css").read_text(encoding="utf-8")
    script = (_HERE / "page.js").read_text(encoding="utf-8")
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gradproof (KaTeX {_e(math.version)})">
<title>{_e(_plain(title))}</title>
<style>
{css}
</style>
</head>
<body>
{body}
<footer>Built by gradproof from the Markdown report and its JSON; math rendered by KaTeX
{_e(math.version)} when the page was built. Self-contained: no network needed.</footer>
<script>
{script}
</script>
</body>
</html>
"""
    return Page(page, len(conv.formulas), tuple(math.failures), math.version)


def _slug(title: str) -> str:
    """The id of a section from its title."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _plain(text: str) -> str:
    """Markdown text without its formulas and code marks (for the page's <title>)."""
    return _TOKEN.sub("", text).replace("`", "")


def write_html(path, page: Page) -> pathlib.Path:
    """Write ``page`` to ``path`` (its folder created); the path."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page.html, encoding="utf-8")
    return path


def main(argv=None) -> int:
    """``python -m checkers.report.html REPORT.md [--json FILE] [--out FILE]``: the page of a
    report already written (nothing is checked again)."""
    p = argparse.ArgumentParser(prog="python -m checkers.report.html",
                                description="Build the HTML page of a written proof report.")
    p.add_argument("markdown", help="the Markdown report (its JSON and figures beside it)")
    p.add_argument("--json", help="the JSON report (default: the .json beside the Markdown)")
    p.add_argument("--out", help="the page (default: the .html beside the Markdown)")
    args = p.parse_args(argv)
    out = args.out or pathlib.Path(args.markdown).with_suffix(".html")
    try:
        page = render_html(ReportSource.from_files(args.markdown, args.json))
    except (ReportError, katex.KatexUnavailable) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"wrote {write_html(out, page)}")
    for f in page.failures:
        print(f"warning: KaTeX rejected {f['tex']!r}: {f['error']}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
