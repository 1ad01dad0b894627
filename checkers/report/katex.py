r"""KaTeX at build time: a page's formulas rendered to HTML by Node and the KaTeX installed in
``tools/katex``, and KaTeX's stylesheet with its fonts inlined (for :mod:`.html`).

One rendering route serves the whole project: ``tools/katex/check.mjs`` is the script
``tests/test_katex.py`` checks every formula of the report with; given ``--html`` it also returns
each formula's HTML (``katex.renderToString``, display or inline).  :func:`render` sends all the
formulas of one page in one call (a JSON array on stdin), so a page costs one Node start, not one
per formula.  A formula KaTeX rejects comes back as KaTeX's own error node
(``<span class="katex-error">``) and is listed in :attr:`KatexOutput.failures`.

:func:`stylesheet` is ``katex.min.css`` with every ``@font-face`` reduced to its WOFF2 file, as a
base64 ``data:`` URL: the page needs no network and no file beside it.

Where KaTeX lives: ``tools/katex`` of the gradproof checkout (installed by
``npm ci --prefix tools/katex``), or the folder named by ``GRADPROOF_KATEX_DIR``.  Without Node
or without KaTeX, :func:`require` raises :class:`KatexUnavailable` with what to install.
"""

from __future__ import annotations

import base64
import json
import os
import pathlib
import re
import shutil
import subprocess
from dataclasses import dataclass

__all__ = ["KatexUnavailable", "KatexOutput", "KATEX_DIR_ENV", "INSTALL", "katex_dir", "require",
           "render", "stylesheet"]

KATEX_DIR_ENV = "GRADPROOF_KATEX_DIR"
INSTALL = "npm ci --prefix tools/katex"
_SCRIPT = "check.mjs"
_TIMEOUT = 300.0


class KatexUnavailable(RuntimeError):
    """Node or KaTeX is missing, or the renderer failed; the message says what to install or fix."""


@dataclass(frozen=True)
class KatexOutput:
    """What KaTeX made of a page's formulas: ``html`` (one string per formula, in order),
    ``failures`` (``{"index", "tex", "display", "error"}`` of each rejected formula) and the
    KaTeX ``version``."""

    html: tuple
    failures: tuple
    version: str


def katex_dir() -> pathlib.Path:
    """The folder of ``check.mjs`` and ``node_modules/katex``: ``$GRADPROOF_KATEX_DIR`` if set,
    else ``tools/katex`` of the checkout this package is installed from."""
    env = os.environ.get(KATEX_DIR_ENV)
    if env:
        return pathlib.Path(env)
    return pathlib.Path(__file__).resolve().parents[2] / "tools" / "katex"


def require() -> tuple[str, pathlib.Path]:
    """``(node, folder)`` when both are there; otherwise :class:`KatexUnavailable` naming what is
    missing and the command that installs it.  Called before a long run, so a missing Node is
    reported at once, not after the claims are checked."""
    node = shutil.which("node")
    if node is None:
        raise KatexUnavailable(
            "Node.js is not installed (no `node` on PATH): the HTML report renders its math with "
            f"KaTeX when it is built. Install Node.js (Debian: apt-get install nodejs npm), then run "
            f"`{INSTALL}` in the gradproof checkout.")
    folder = katex_dir()
    if not (folder / _SCRIPT).is_file():
        raise KatexUnavailable(
            f"the KaTeX renderer {folder / _SCRIPT} is missing: the HTML report needs the "
            f"gradproof checkout's tools/katex (or set {KATEX_DIR_ENV} to a folder with {_SCRIPT} "
            "and node_modules/katex).")
    if not (folder / "node_modules" / "katex" / "package.json").is_file():
        raise KatexUnavailable(
            f"KaTeX is not installed in {folder / 'node_modules'}: run `{INSTALL}` in the "
            "gradproof checkout (the HTML report renders its math with it).")
    return node, folder


def render(formulas) -> KatexOutput:
    """Render ``formulas`` (``(tex, display)`` pairs) to HTML in one Node call."""
    node, folder = require()
    payload = json.dumps([{"tex": tex, "display": bool(display)} for tex, display in formulas])
    try:
        out = subprocess.run([node, _SCRIPT, "--html"], input=payload, capture_output=True,
                             text=True, timeout=_TIMEOUT, cwd=folder)
    except subprocess.TimeoutExpired:
        raise KatexUnavailable(f"{folder / _SCRIPT} did not finish within {_TIMEOUT:g} s") from None
    if out.returncode not in (0, 1):
        raise KatexUnavailable(f"{folder / _SCRIPT} --html exited with {out.returncode}: "
                               f"{out.stderr.strip() or out.stdout.strip()}")
    answer = json.loads(out.stdout)
    html = answer.get("html")
    if html is None or len(html) != len(formulas):
        raise KatexUnavailable(f"{folder / _SCRIPT} --html returned no HTML for the formulas: is "
                               f"it the version of this checkout? (answer: {out.stdout[:200]!r})")
    return KatexOutput(tuple(html), tuple(answer["failures"]), answer["katex"])


_FONT_URL = re.compile(r"src:url\((fonts/[^)]+?\.woff2)\) format\(\"woff2\"\)[^;}]*")


def stylesheet() -> str:
    """``katex.min.css`` with each font as an inline WOFF2 ``data:`` URL (the WOFF and TrueType
    fallbacks dropped: every browser that runs the page's script reads WOFF2)."""
    _, folder = require()
    dist = folder / "node_modules" / "katex" / "dist"
    css = (dist / "katex.min.css").read_text(encoding="utf-8")

    def inline(m: re.Match) -> str:
        data = base64.b64encode((dist / m.group(1)).read_bytes()).decode("ascii")
        return f'src:url(data:font/woff2;base64,{data}) format("woff2")'

    out, n = _FONT_URL.subn(inline, css)
    if n == 0 or "url(fonts/" in out:
        raise KatexUnavailable(f"{dist / 'katex.min.css'}: its @font-face rules are not in the form "
                               "this version of gradproof inlines (url(fonts/....woff2) first)")
    return out
