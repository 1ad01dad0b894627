"""The HTML report in a real browser: the page built from the committed ``reports/`` (Markdown,
JSON, figures; nothing is checked again) opened in headless Chromium, driven over the DevTools
protocol: every formula rendered by KaTeX and none rejected, the verdict counts equal the
JSON's, a click on a verdict button hides the other rows, refuted claims first with their
counterexamples and regions.  It saves ``reports/report-page.png`` (the README shows it).

Chromium is Debian's package (``tools/install-browser``, run by the README's test command and
``.ci/run``).  Without it the browser tests FAIL with the command to run: a page no browser
opened is not a tested page.

The browser is driven with ``--remote-debugging-pipe`` (JSON messages ending in a NUL byte, on
the browser's file descriptors 3 and 4), so the test needs nothing but the standard library.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import pathlib
import select
import shutil
import struct
import tempfile
import time

import pytest

from checkers.cli import main
from checkers.report import extract_formulas
from checkers.report.html import ReportError, ReportSource, render_html, write_html

#: one worker builds the page and starts the browser once for the whole module
pytestmark = pytest.mark.xdist_group("html_report")

ROOT = pathlib.Path(__file__).resolve().parents[1]
REPORTS = ROOT / "reports"
SCREENSHOT = REPORTS / "report-page.png"
WIDTH, HEIGHT = 1280, 1600
INSTALL_BROWSER = "tools/install-browser (Debian: apt-get install chromium)"


def chromium() -> str:
    """The Chromium executable, or a test failure saying how to install it."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    pytest.fail(f"headless Chromium is not installed (no chromium on PATH): run {INSTALL_BROWSER}")


class Browser:
    """Headless Chromium and one tab, over the DevTools protocol on a pipe."""

    def __init__(self, exe: str, timeout: float = 60.0):
        self.timeout = timeout
        self.profile = pathlib.Path(tempfile.mkdtemp(prefix="gradproof-chromium-"))
        to_browser, self._out = os.pipe()
        self._in, from_browser = os.pipe()
        # the browser's ends above fd 10, so moving them to 3 and 4 cannot overwrite one another
        ends = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_browser, from_browser)]
        os.close(to_browser)
        os.close(from_browser)
        self._log = self.profile / "stderr.log"
        log = os.open(self._log, os.O_WRONLY | os.O_CREAT, 0o600)
        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--remote-debugging-pipe", f"--user-data-dir={self.profile}", "--no-first-run",
                "--no-default-browser-check", f"--window-size={WIDTH},{HEIGHT}", "about:blank"]
        self.pid = os.posix_spawn(exe, args, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, ends[0], 3), (os.POSIX_SPAWN_DUP2, ends[1], 4),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0), (os.POSIX_SPAWN_DUP2, log, 2)])
        for fd in ends + [log]:
            os.close(fd)
        self._buf, self._id, self.events, self.session = b"", 0, [], None

    # -- the protocol ----------------------------------------------------------------------------
    def _message(self, deadline: float) -> dict:
        """The browser's next message (an answer or an event)."""
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium exited: " + self._log.read_text(errors="replace")[-2000:])
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method: str, **params):
        """Send one command (to the tab once it is open) and return its result."""
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if self.session is not None:
            msg["sessionId"] = self.session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            data = data[os.write(self._out, data):]
        deadline = time.monotonic() + self.timeout
        while True:
            m = self._message(deadline)
            if m.get("id") == self._id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m["result"]
            self.events.append(m)

    def wait_event(self, method: str) -> dict:
        """The first event named ``method`` (kept from earlier answers, or awaited)."""
        deadline = time.monotonic() + self.timeout
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._message(deadline))

    # -- what the tests do -------------------------------------------------------------------------
    def open(self, url: str) -> None:
        """A new tab of WIDTH x HEIGHT at ``url``, once loaded and its fonts ready."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT,
                  deviceScaleFactor=1, mobile=False)
        self.call("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")
        self.js("document.fonts.ready.then(() => true)")

    def js(self, expression: str):
        """The value of a JavaScript expression in the page (promises awaited)."""
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click (pressed and released) at the middle of the element."""
        x, y = self.js(f"""(() => {{ const e = document.querySelector({json.dumps(selector)});
            e.scrollIntoView({{block: "center"}}); const r = e.getBoundingClientRect();
            return [r.x + r.width / 2, r.y + r.height / 2]; }})()""")
        self.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def screenshot(self, path: pathlib.Path) -> bytes:
        """The top of the page as PNG, written to ``path``."""
        self.js("window.scrollTo(0, 0), true")
        data = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        path.write_bytes(data)
        return data

    def close(self) -> None:
        """Ask the browser to quit; kill it if it has not within 10 s."""
        try:
            self.session = None
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        deadline = time.monotonic() + 10
        while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
                break
            time.sleep(0.05)
        os.close(self._in)
        os.close(self._out)
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def source():
    return ReportSource.from_files(REPORTS / "proof-report.md", REPORTS / "proof-report.json")


@pytest.fixture(scope="module")
def page(source):
    return render_html(source)


@pytest.fixture(scope="module")
def browser(page, tmp_path_factory):
    path = write_html(tmp_path_factory.mktemp("html") / "proof-report.html", page)
    b = Browser(chromium())
    try:
        b.open(path.as_uri())
        yield b
    finally:
        b.close()


def test_every_formula_is_rendered_by_katex_and_none_rejected(browser, page, source):
    formulas = extract_formulas(source.markdown)
    assert page.formulas == len(formulas) and not page.failures
    assert browser.js("document.querySelectorAll('.katex').length") == len(formulas)
    assert browser.js("document.querySelectorAll('.katex-error').length") == 0
    assert browser.js("document.querySelectorAll('.katex-display').length") == \
        sum(f["display"] for f in formulas)
    # the inline fonts are the ones used: KaTeX's main font is loaded from the page itself
    assert browser.js("document.fonts.check('16px KaTeX_Main')")
    assert browser.js("[...document.fonts].filter(f => f.family.startsWith('KaTeX')"
                      " && f.status === 'loaded').length") > 0


def test_verdict_counts_shown_equal_the_json(browser, source):
    shown = browser.js("""Object.fromEntries([...document.querySelectorAll(
        'button[data-filter-verdict]:not([data-filter-verdict=""])')].map(
        b => [b.dataset.filterVerdict, Number(b.querySelector('.n').textContent)]))""")
    assert shown == source.data["verdict_counts"]
    header = browser.js("Object.fromEntries([...document.querySelectorAll('.counts .count')]"
                        ".map(e => [e.dataset.verdict, Number(e.textContent)]))")
    assert header == source.data["verdict_counts"]
    rows = browser.js("[...document.querySelectorAll('#summary-table tbody tr')].map(r => r.dataset.verdict)")
    assert len(rows) == len(source.data["claims"])
    assert {v: rows.count(v) for v in set(rows)} == source.data["verdict_counts"]


def _visible_rows(browser) -> list:
    return browser.js("[...document.querySelectorAll('#summary-table tbody tr')]"
                      ".filter(r => getComputedStyle(r).display !== 'none').map(r => r.dataset.verdict)")


def test_a_verdict_click_hides_the_proved_rows_and_all_shows_them_again(browser, source):
    counts = source.data["verdict_counts"]
    browser.click('button[data-filter-verdict="REFUTED"]')
    assert _visible_rows(browser) == ["REFUTED"] * counts["REFUTED"]
    assert browser.js("document.getElementById('summary-shown').textContent") == \
        f"{counts['REFUTED']} of {len(source.data['claims'])} claims shown"
    assert browser.js("""document.querySelector('button[data-filter-verdict="REFUTED"]')
        .getAttribute('aria-pressed')""") == "true"
    browser.click('button[data-filter-verdict=""]')
    assert len(_visible_rows(browser)) == len(source.data["claims"])


def test_document_filter_and_column_sort(browser, source):
    miranda = [c for c in source.data["claims"] if c["source"]["author"].endswith("Miranda")]
    browser.js("""(() => { const s = document.getElementById('filter-document');
        s.value = [...s.options].find(o => o.value.includes('Miranda')).value;
        s.dispatchEvent(new Event('change')); return true; })()""")
    assert len(_visible_rows(browser)) == len(miranda)
    browser.js("""(() => { const s = document.getElementById('filter-document'); s.value = '';
        s.dispatchEvent(new Event('change')); return true; })()""")
    browser.click("#summary-table thead th:nth-child(1) button")   # "#": ascending, then
    browser.click("#summary-table thead th:nth-child(1) button")   # descending
    first = browser.js("document.querySelector('#summary-table tbody tr').cells[0].textContent")
    assert first == str(len(source.data["claims"]))
    browser.click("#summary-table thead th:nth-child(1) button")
    assert browser.js("document.querySelector('#summary-table tbody tr').cells[0].textContent") == "1"


def test_refuted_claims_come_first_with_counterexample_and_region(browser, source):
    from checkers.report.markup import anchor

    refuted = [anchor(c["id"]) for c in source.data["claims"] if c["verdict"] == "REFUTED"]
    cards = browser.js("[...document.querySelectorAll('#wrong article.claim')].map(a => a.id)")
    assert cards == refuted
    first = browser.js("[...document.querySelectorAll('article.claim')].slice(0, %d).map(a => a.id)"
                       % len(refuted))
    assert first == refuted
    shown = browser.js("""[...document.querySelectorAll('#wrong article.claim')].map(a => {
        const o = a.querySelector(':scope > .outcome');
        return [a.id, o ? o.innerText : '', o ? o.getBoundingClientRect().height > 0 : false]; })""")
    for cid, text, visible in shown:
        assert visible and "Counterexample" in text and "Where it holds" in text, cid
    # each claim's evidence is collapsed until opened
    assert browser.js("document.querySelectorAll('details.evidence[open]').length") == 0
    assert browser.js("document.querySelectorAll('details.evidence').length") == len(source.data["claims"])


def test_the_page_is_self_contained(page, source):
    html = page.html
    for external in ('src="http', "src='http", 'href="http', "url(http", "<link ", "@import"):
        assert external not in html, external
    assert html.count("data:font/woff2;base64,") == 20
    assert html.count("data:image/png;base64,") == len(source.data["figures"])
    assert len(html) < 6_000_000


def test_screenshot_for_the_readme(browser):
    data = browser.screenshot(SCREENSHOT)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (WIDTH, HEIGHT)


# -- building the page, without the browser --------------------------------------------------------

def test_markdown_and_json_of_different_runs_are_refused(source):
    data = dict(source.data, claims=source.data["claims"][:-1])
    with pytest.raises(ReportError, match="not in its JSON: the two files are not from the same run"):
        render_html(ReportSource(source.markdown, data, source.figures))
    with pytest.raises(ReportError, match=r"the report shows figures/\w+\.png, which is not among its figures \(none\)"):
        render_html(ReportSource(source.markdown, source.data, {}))


def test_report_html_without_node_is_a_clear_error_before_any_check(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))          # no node there
    assert main(["report", "--html", "--out", str(tmp_path / "r"), "--only", "mse_sigmoid"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gradproof report: error: Node.js is not installed (no `node` on PATH)")
    assert "npm ci --prefix tools/katex" in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()               # nothing was checked or written


def test_check_html_without_katex_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRADPROOF_KATEX_DIR", str(tmp_path))
    assert main(["check", str(tmp_path / "claims.py"), "--html", str(tmp_path / "p.html")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"gradproof check: error: the KaTeX renderer {tmp_path / 'check.mjs'} is missing")
    assert "GRADPROOF_KATEX_DIR" in err and "Traceback" not in err


CLAIMS_FILE = '''
import sympy as sp
from derivations import real_line
from derivations.build import gradient_claim

u = sp.Symbol("u", real=True)
square = gradient_claim("mine.square", u**2, u, 2 * u, domain={u: real_line()})
cube = gradient_claim("mine.cube", u**3, u, 3 * u, domain={u: real_line()})
'''


def test_check_html_writes_one_page_from_the_results(tmp_path, capsys):
    claims = tmp_path / "claims.py"
    claims.write_text(CLAIMS_FILE)
    out = tmp_path / "page" / "check.html"
    missing = tmp_path / "missing.py"
    assert main(["check", str(claims), str(missing), "--points", "32", "--html", str(out)]) == 2
    assert f"wrote {out}" in capsys.readouterr().out
    html = out.read_text()
    assert 'id="minecube" data-verdict="REFUTED"' in html and 'id="minesquare" data-verdict="PROVED"' in html
    wrong = html[html.index('<section id="wrong">'):html.index('<section id="summary">')]
    assert "minecube" in wrong and "minesquare" not in wrong and "Counterexample" in wrong
    assert f"<li><code>{missing}</code>: {missing}: no such file</li>" in wrong
    assert html.count('class="katex"') > 0 and "katex-error" not in html


def test_report_html_writes_the_page_beside_the_markdown_and_json(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["report", "--html", "--out", str(out), "--only", "sigmoid.value_at_0",
                 "--points", "16", "--jobs", "1"]) == 0
    assert f"wrote {out / 'proof-report.html'}" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["proof-report.html", "proof-report.json",
                                                     "proof-report.md"]
    html = (out / "proof-report.html").read_text()
    assert 'id="sigmoidvalue_at_0" data-verdict="PROVED"' in html and "No claim is refuted." in html
    assert html.count('class="katex"') == len(extract_formulas((out / "proof-report.md").read_text()))


def test_module_builds_the_page_of_a_written_report(tmp_path, capsys):
    from checkers.report.html import main as html_main

    out = tmp_path / "page.html"
    assert html_main([str(REPORTS / "proof-report.md"), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert html_main([str(tmp_path / "missing.md")]) == 2
    assert "missing.md: no such file" in capsys.readouterr().err
