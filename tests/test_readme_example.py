"""The README's section "Check your own derivations" runs as written.

Its code blocks are extracted and run in order in a fresh folder:

* a ```python block whose first line is ``# NAME.py`` is written to that file;
* a ```python block whose first line is ``# in NAME.py, replace the VAR line by:`` replaces the
  line of NAME.py that starts with ``VAR =``;
* any other ```python block is run as a script; the ```text block right after it is its
  expected output;
* a ```console block is a list of ``$ command`` lines, each followed by its expected output.

Expected output is matched line by line, in order (other lines may come in between); ``...`` in
a line matches anything, and a line that is only ``...`` is skipped.  ``gradproof`` runs as
``python -m checkers.cli`` with this interpreter; nothing runs through a shell.
"""

from __future__ import annotations

import pathlib
import re
import shlex
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
SECTION = "## Check your own derivations"


def _section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(SECTION)
    nxt = re.search(r"^## ", text[start + len(SECTION):], re.M)
    return text[start:start + len(SECTION) + nxt.start()] if nxt else text[start:]


def blocks() -> list:
    return re.findall(r"^```(\w+)\n(.*?)^```", _section(), re.M | re.S)


def _matches(expected: str, actual: str) -> None:
    lines = actual.splitlines()
    pos = 0
    for want in expected.splitlines():
        if want.strip() in ("", "..."):
            continue
        pattern = re.compile(".*".join(re.escape(p) for p in want.rstrip().split("...")) + r"\s*$")
        for k in range(pos, len(lines)):
            if pattern.match(lines[k]):
                pos = k + 1
                break
        else:
            raise AssertionError(f"README line not found in order:\n  {want}\n--- actual output ---\n"
                                 f"{actual}")


def _run(argv, cwd):
    cmd = shlex.split(argv)
    if cmd[0] == "gradproof":
        cmd = [sys.executable, "-m", "checkers.cli"] + cmd[1:]
    elif cmd[0] == "python":
        cmd = [sys.executable] + cmd[1:]
    else:
        raise AssertionError(f"unexpected command in the README: {argv}")
    if cmd[1:3] == ["-m", "pytest"]:
        cmd[3:3] = ["-p", "no:cacheprovider"]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=600)


def _expected_status(expected: str, argv: str) -> int:
    m = re.search(r"exit status (\d)", expected)
    if m:
        return int(m.group(1))
    if re.search(r"\d+ failed", expected):
        return 1
    return 0


def test_section_has_the_worked_example():
    kinds = [k for k, _ in blocks()]
    assert kinds.count("console") >= 3 and kinds.count("python") >= 4
    text = _section()
    assert "PROVED 1 (... s); exit status 0" in text and "REFUTED 1 (... s); exit status 1" in text


def test_readme_worked_example_runs_as_written(tmp_path):
    items = blocks()
    ran = 0
    i = 0
    while i < len(items):
        kind, body = items[i]
        first = body.splitlines()[0] if body.strip() else ""
        if kind == "python" and re.fullmatch(r"# [\w.]+\.py", first):
            (tmp_path / first[2:]).write_text(body)
        elif kind == "python" and (m := re.fullmatch(r"# in ([\w.]+\.py), replace the (\w+) line by:",
                                                     first)):
            f = tmp_path / m.group(1)
            src = f.read_text().splitlines()
            hits = [k for k, line in enumerate(src) if line.startswith(f"{m.group(2)} =")]
            assert len(hits) == 1, f"README edit: {m.group(2)} line not found once in {m.group(1)}"
            src[hits[0]:hits[0] + 1] = body.splitlines()[1:]
            f.write_text("\n".join(src) + "\n")
        elif kind == "python":
            out = subprocess.run([sys.executable, "-c", body], capture_output=True, text=True,
                                 cwd=tmp_path, timeout=600)
            assert out.returncode == 0, out.stderr
            if i + 1 < len(items) and items[i + 1][0] == "text":
                _matches(items[i + 1][1], out.stdout)
                i += 1
            ran += 1
        elif kind == "console":
            chunks = re.split(r"^\$ ", body, flags=re.M)[1:]
            for chunk in chunks:
                argv, _, expected = chunk.partition("\n")
                out = _run(argv, tmp_path)
                assert out.returncode == _expected_status(expected, argv), \
                    f"$ {argv}\n{out.stdout}\n{out.stderr}"
                _matches(expected, out.stdout)
                ran += 1
        i += 1
    assert ran >= 5   # check, check after the typo, the Python block, pytest, the custom VJP
