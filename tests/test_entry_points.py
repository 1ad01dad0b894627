"""Same claim, same seed: every entry point gives the same verdict and the same evidence.

Entry points: ``checkers.verify`` (Python), ``gradproof check`` (the CLI, its ``--json``),
``checkers.testing.assert_claim`` (pytest), the report's in-process path
(``checkers.cli.run_claims``) and its worker processes (``--jobs``, catalog claims only: a worker
looks the claim up by id).  One claim with a kink (relu, where SymPy's $H(0) = 1/2$ and the
claimed $1\\{u > 0\\}$ differ at $u = 0$) and one ordinary claim.  Evidence is compared as the JSON
report records it, timings removed.
"""

from __future__ import annotations

import io
import json
import textwrap

import derivations
from checkers import verify
from checkers.cli import main, run_claims
from checkers.parallel import verify_in_workers
from checkers.report import claim_record, without_timings
from checkers.testing import assert_claim

SEED, POINTS, SYMBOLIC = 11, 96, 5.0

CLAIMS_FILE = textwrap.dedent("""
    import sympy as sp
    from derivations import real_line
    from derivations.build import gradient_claim

    u = sp.Symbol("u", real=True)
    relu = gradient_claim("entry.relu", sp.Max(u, 0), u, sp.Piecewise((1, u > 0), (0, True)),
                          domain={u: real_line()})
    """)


_strip = without_timings


def _record(res):
    return _strip(json.loads(json.dumps(claim_record(res))))


def _from_check(tmp_path, path):
    out = tmp_path / "check.json"
    code = main(["check", str(path), "--seed", str(SEED), "--points", str(POINTS),
                 "--symbolic-seconds", str(SYMBOLIC), "--json", str(out)])
    return code, [_strip(c) for c in json.loads(out.read_text())["claims"]]


def _from_report(tmp_path, claims, jobs=1):
    out = tmp_path / f"report{jobs}.json"
    run_claims(list(claims), seed=SEED, points=POINTS, out_json=out, jobs=jobs,
               symbolic_seconds=SYMBOLIC, stream=io.StringIO())
    return [_strip(c) for c in json.loads(out.read_text())["claims"]]


def test_a_kinked_claim_gets_one_verdict_from_every_entry_point(tmp_path):
    path = tmp_path / "kink_claims.py"
    path.write_text(CLAIMS_FILE)
    ns = {}
    exec(compile(CLAIMS_FILE, str(path), "exec"), ns)   # the same claim, built as the CLI builds it
    claim = ns["relu"]

    by_verify = _record(verify(claim, seed=SEED, points=POINTS, symbolic_seconds=SYMBOLIC))
    by_assert = _record(assert_claim(claim, seed=SEED, points=POINTS, symbolic_seconds=SYMBOLIC))
    code, (by_check,) = _from_check(tmp_path, path)
    (by_report,) = _from_report(tmp_path, [claim])

    assert by_verify["verdict"] == "VERIFIED" and code == 0
    assert "not differentiable where u = 0" in by_verify["message"]
    assert by_verify == by_assert == by_check == by_report


def test_an_ordinary_claim_gets_one_verdict_from_every_entry_point_and_the_workers(tmp_path):
    claim = derivations.get("bce_sigmoid.grad_b")
    by_verify = _record(verify(claim, seed=SEED, points=POINTS, symbolic_seconds=SYMBOLIC))
    by_assert = _record(assert_claim(claim, seed=SEED, points=POINTS, symbolic_seconds=SYMBOLIC))
    (by_report,) = _from_report(tmp_path, [claim])
    (by_worker,) = [_record(r) for r in verify_in_workers(
        [claim], seed=SEED, points=POINTS, jobs=1, on_result=lambda i, r: None,
        symbolic_seconds=SYMBOLIC)]
    path = tmp_path / "grad_claims.py"
    path.write_text("import derivations\ngrad_b = derivations.get('bce_sigmoid.grad_b')\n")
    code, (by_check,) = _from_check(tmp_path, path)

    assert by_verify["verdict"] == "PROVED" and code == 0
    assert by_verify == by_assert == by_report == by_worker == by_check
