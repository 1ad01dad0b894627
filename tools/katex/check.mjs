#!/usr/bin/env node
// Render formulas with KaTeX and report every one it rejects (and, with --html, their HTML).
//
// stdin:  a JSON array; each item is a TeX string (inline) or {"tex": "...", "display": true|false}.
// stdout: {"katex": "<version>", "checked": N, "failures": [{"index", "tex", "display", "error"}],
//          "warnings": [{"index", "tex", "warning"}]}, and "html" with --html (below)
// exit:   0 when every formula renders, 1 when at least one is rejected, 2 on unusable input.
//
// Each formula goes through katex.renderToString(tex, {throwOnError: true, displayMode}), the
// check the gradproof tests rely on (tests/test_katex.py).
//
// With --html the answer also has "html": one string per formula, in input order, the HTML
// that renderToString returned (the build-time math of the HTML report,
// checkers/report/katex.py); a rejected formula gets KaTeX's own error node
// (<span class="katex-error">, rendered with throwOnError: false) so a page shows it.
import katex from "katex";

const withHtml = process.argv.slice(2).includes("--html");

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on("data", (c) => chunks.push(c));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
}

const text = await readStdin();
let items;
try {
  items = JSON.parse(text);
} catch (err) {
  process.stderr.write(`katex check: stdin is not JSON: ${err.message}\n`);
  process.exit(2);
}
if (!Array.isArray(items)) {
  process.stderr.write("katex check: stdin must be a JSON array of formulas\n");
  process.exit(2);
}

const failures = [];
const warnings = [];
const html = [];
items.forEach((item, index) => {
  const tex = typeof item === "string" ? item : item && item.tex;
  const display = typeof item === "object" && item !== null && Boolean(item.display);
  if (typeof tex !== "string") {
    failures.push({ index, tex: String(tex), display, error: "not a string" });
    html.push("");
    return;
  }
  const originalWarn = console.warn;
  console.warn = (...args) => warnings.push({ index, tex, warning: args.join(" ") });
  try {
    html.push(katex.renderToString(tex, { throwOnError: true, displayMode: display }));
  } catch (err) {
    failures.push({ index, tex, display, error: String(err && err.message ? err.message : err) });
    html.push(katex.renderToString(tex, { throwOnError: false, displayMode: display }));
  } finally {
    console.warn = originalWarn;
  }
});

const answer = { katex: katex.version, checked: items.length, failures, warnings };
if (withHtml) answer.html = html;
process.stdout.write(JSON.stringify(answer) + "\n");
// exitCode, not process.exit(): a pipe takes a large answer asynchronously, and exit() would
// cut it short.
process.exitCode = failures.length ? 1 : 0;
