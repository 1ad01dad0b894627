"""``gradproof check``: collection, the table, reports, exit status, usage errors.

The first test runs the installed command end to end in a subprocess; the others call
``checkers.cli.main`` in-process (the same code path, without paying JAX's start-up per case).
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import textwrap

import pytest

from checkers.cli import exit_status, main, render_table, verdict_text

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "tanh_mse_claims.py"

HEADER = """
import sympy as sp
from derivations import real_line
from derivations.build import gradient_claim
v = sp.Symbol("v", real=True)
"""


def run_process(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "checkers.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=600)


class _Out:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def run(capsys, monkeypatch):
    """``main(args)`` in-process: (exit status, stdout, stderr), like a subprocess result."""

    def call(*args, cwd=None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:      # argparse usage errors
            code = exc.code
        out = capsys.readouterr()
        return _Out(code, out.out, out.err)

    return call


def write(tmp_path, name, body):
    f = tmp_path / name
    f.write_text(HEADER + textwrap.dedent(body))
    return f


def test_example_claims_file_holds_and_writes_reports(tmp_path):
    """End to end in a subprocess, as a user runs it."""
    md, js = tmp_path / "r" / "check.md", tmp_path / "check.json"
    out = run_process("check", EXAMPLE, "--points", 128, "--seed", 7, "--md", md, "--json", js)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "seed 7, 128 points each" in out.stdout
    rows = {line.split()[0]: line.split()[1] for line in out.stdout.splitlines()
            if line.startswith("tanh_mse.")}
    assert rows == {"tanh_mse.tanh_prime": "PROVED", "tanh_mse.grad_w": "PROVED",
                    "tanh_mse.grad_b": "PROVED", "tanh_mse.grad_wb": "PROVED",
                    "tanh_mse.grad_wb.impl_tanh_mse": "VERIFIED",
                    "tanh_mse.grad_wb.impl_tanh_mse_vjp": "VERIFIED"}
    assert "exit status 0" in out.stdout
    doc = json.loads(js.read_text())
    assert doc["seed"] == 7 and doc["input_errors"] == []
    assert [c["id"] for c in doc["claims"]][:2] == ["tanh_mse.tanh_prime", "tanh_mse.grad_w"]
    text = md.read_text()
    assert "gradproof check" in text and "tanh_mse.grad_wb.impl_tanh_mse_vjp" in text


def test_refuted_claim_exits_1_with_counterexample(tmp_path, run):
    f = write(tmp_path, "c.py", """
        ok = gradient_claim("cli.ok", v**3, v, 3 * v**2, domain={v: real_line()})
        typo = gradient_claim("cli.typo", v**3, v, 3 * v, domain={v: real_line()})
        """)
    out = run("check", f, "--points", 64)
    assert out.returncode == 1, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert any(line.startswith("cli.ok ") and " PROVED " in line for line in lines)
    typo = next(line for line in lines if line.startswith("cli.typo "))
    assert " REFUTED " in typo and "counterexample at v=" in typo
    # the full counterexample block: 3 v^2 against 3 v at a point where they differ
    i = lines.index("cli.typo: REFUTED")
    point = float(lines[i + 1].split("=")[1].split()[0])
    claimed, true = float(lines[i + 2].split()[-1]), float(lines[i + 3].split()[-1])
    assert claimed == pytest.approx(3 * point) and true == pytest.approx(3 * point**2)


def test_the_command_delivers_its_output_and_exit_status_before_ending_the_process(tmp_path):
    """The installed ``gradproof`` command (``console_main``) ends with ``os._exit``: through a
    pipe (block-buffered) the whole output still arrives, the JSON file is complete and the exit
    status is the verdict's."""
    f = write(tmp_path, "c.py", """
        typo = gradient_claim("cli.typo", v**3, v, 3 * v, domain={v: real_line()})
        """)
    js = tmp_path / "out.json"
    out = subprocess.run([sys.executable, "-c", "from checkers.cli import console_main; console_main()",
                          "check", str(f), "--points", "32", "--json", str(js)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 1, out.stdout + out.stderr
    assert out.stdout.rstrip().endswith("exit status 1"), out.stdout
    assert json.loads(js.read_text())["claims"][0]["verdict"] == "REFUTED"


def test_claims_list_decides_what_is_checked_and_in_which_order(tmp_path, run):
    f = write(tmp_path, "c.py", """
        a = gradient_claim("cli.a", v**2, v, 2 * v, domain={v: real_line()})
        b = gradient_claim("cli.b", v**4, v, 4 * v**3, domain={v: real_line()})
        unlisted = gradient_claim("cli.unlisted", v**2, v, 3 * v, domain={v: real_line()})
        CLAIMS = [b, a]
        """)
    out = run("check", f, "--points", 32)
    assert out.returncode == 0, out.stdout + out.stderr
    ids = [line.split()[0] for line in out.stdout.splitlines() if line.startswith("cli.")]
    assert ids == ["cli.b", "cli.a"]


def test_two_files_and_a_broken_one(tmp_path, run):
    good = write(tmp_path, "good.py",
                 'g = gradient_claim("cli.g", v**2, v, 2 * v, domain={v: real_line()})\n')
    broken = write(tmp_path, "broken.py", "x = undefined_name + 1\n")
    out = run("check", broken, good, "--points", 32)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "broken.py:6: NameError: name 'undefined_name' is not defined" in out.stdout
    assert "gradproof check: error:" in out.stderr
    assert any(line.startswith("cli.g ") and "PROVED" in line for line in out.stdout.splitlines())


@pytest.mark.parametrize("body,message", [
    ("x = 1\n", "defines nothing to check"),
    ("CLAIMS = 3\n", "CLAIMS must be a list or tuple of claims, got int"),
    ("CLAIMS = ['cli.a']\n", "CLAIMS[0] is a str"),
    ("import sys\nsys.exit(3)\n", "SystemExit: 3"),
], ids=["nothing", "claims-not-a-list", "claims-entry-not-a-claim", "sys-exit"])
def test_input_errors_exit_2(tmp_path, run, body, message):
    out = run("check", write(tmp_path, "c.py", body), "--points", 16)
    assert out.returncode == 2 and message in out.stdout + out.stderr, out.stdout + out.stderr


def test_duplicate_ids_across_files(tmp_path, run):
    body = 'g = gradient_claim("cli.same", v**2, v, 2 * v, domain={v: real_line()})\n'
    out = run("check", write(tmp_path, "a.py", body), write(tmp_path, "b.py", body), "--points", 16)
    assert out.returncode == 2
    assert "cli.same: claim id defined 2 times" in out.stdout


@pytest.mark.parametrize("args,message", [
    (["check"], "the following arguments are required: FILE"),
    (["check", "missing.py"], "missing.py: no such file"),
    (["check", "notes.txt"], "notes.txt: not a Python file"),
    (["check", "x.py", "--points", "0"], "--points must be at least 1"),
    (["check", "x.py", "--seed", "abc"], "invalid int value: 'abc'"),
], ids=["no-files", "missing-file", "not-python", "zero-points", "bad-seed"])
def test_usage_errors_exit_2(tmp_path, run, args, message):
    (tmp_path / "notes.txt").write_text("not python")
    out = run(*args, cwd=tmp_path)
    assert out.returncode == 2 and message in out.stdout + out.stderr, out.stdout + out.stderr


def test_arguments_are_never_evaluated(tmp_path, run):
    code = "__import__('pathlib').Path('pwned').write_text('x')"
    out = run("check", code, cwd=tmp_path)
    assert out.returncode == 2 and "no such file" in out.stderr
    assert not (tmp_path / "pwned").exists()


def test_list_and_report_still_work(tmp_path, run):
    out = run("list")
    assert out.returncode == 0 and out.stdout.splitlines()[0].startswith("mse_sigmoid.grad_w")
    out = run("report", "--only", "sigmoid.value_at_0", "--points", 16, "--out", tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "proof-report.md").exists() and (tmp_path / "proof-report.json").exists()


class _R:
    def __init__(self, verdict):
        self.verdict = verdict


@pytest.mark.parametrize("verdicts,errors,status", [
    (["PROVED", "VERIFIED"], [], 0),
    (["PROVED", "REFUTED"], [], 1),
    (["PROVED", "UNDECIDED"], [], 1),
    (["DISPUTED"], [], 1),
    (["PROVED", "ERROR"], [], 2),
    (["REFUTED"], [("f.py", "bad")], 2),
], ids=["holds", "refuted", "undecided", "disputed", "error-verdict", "input-error-wins"])
def test_exit_status_rule(verdicts, errors, status):
    assert exit_status([_R(v) for v in verdicts], errors) == status


def test_render_table_aligns_columns():
    text = render_table([("a.b", "PROVED", "x"), ("a.longer_id", "REFUTED", "y")])
    lines = text.splitlines()
    assert lines[0].index("verdict") == lines[2].index("PROVED") == lines[3].index("REFUTED")


def test_table_line_shows_the_points_left_unchecked(tmp_path, run):
    """log(1 + e^a) = a + log(1 + e^-a), a = v^2 + 800: e^a overflows float64 at every point, so
    every point goes to the referee, whose budget (400 points) cannot take all 512: the verdict
    line says how many points no witness decided, as the JSON records them."""
    f = write(tmp_path, "c.py", """
        a = v**2 + 800
        from derivations.build import equality_claim
        big = equality_claim("cli.Softplus_big", sp.log(1 + sp.exp(a)), a + sp.log(1 + sp.exp(-a)),
                             domain={v: real_line()})
        """)
    js = tmp_path / "c.json"
    out = run("check", f, "--points", 512, "--json", js)
    unchecked = max(w["extra"].get("unchecked", 0)
                    for w in json.loads(js.read_text())["claims"][0]["witnesses"])
    assert unchecked >= 512 - 400
    line = next(line for line in out.stdout.splitlines() if line.startswith("cli.Softplus_big "))
    verdict = line.split()[1]
    assert f" {verdict} ({unchecked} points unchecked) " in line, out.stdout
    assert f"{unchecked} point(s) unchecked by sampling" in line      # which witness, in the evidence


class _W:
    def __init__(self, name, unchecked):
        self.witness, self.extra = name, {"unchecked": unchecked}


class _Res:
    def __init__(self, verdict, *counts):
        self.verdict, self.witnesses = verdict, [_W(f"w{i}", n) for i, n in enumerate(counts)]


@pytest.mark.parametrize("verdict,counts,text", [
    ("VERIFIED", (0, 0), "VERIFIED"),
    ("VERIFIED", (12, 3), "VERIFIED (12 points unchecked)"),
    ("PROVED", (0, 1), "PROVED (1 point unchecked)"),
    ("UNDECIDED", (), "UNDECIDED"),
], ids=["none", "most-of-any-witness", "one", "no-witness"])
def test_verdict_text(verdict, counts, text):
    assert verdict_text(_Res(verdict, *counts)) == text
