"""The result cache of ``gradproof report`` (:mod:`checkers.result_cache`): a result is replayed
only under the same claim, seed, points, SymPy bound, code and library versions; the report
names what was replayed; ``--no-cache`` recomputes; a broken cache file is recomputed."""

from __future__ import annotations

import dataclasses
import json

import pytest
import sympy as sp

import checkers.defaults
import checkers.engine
import derivations
from checkers import result_cache as RC
from checkers.cli import build_parser, run_claims
from checkers.report import without_timings

IDS = ("sigmoid.value_at_0", "sigmoid.derivative_exp")
POINTS = 16


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "results"
    monkeypatch.setenv(RC.RESULT_CACHE_ENV, str(folder))
    calls = []
    real = checkers.engine.verify

    def counting(claim, **kw):
        calls.append(claim.id)
        return real(claim, **kw)

    monkeypatch.setattr(checkers.engine, "verify", counting)
    return folder, calls


def _run(out, replay=True):
    claims = [derivations.get(i) for i in IDS]
    with open(out.parent / f"{out.name}.log", "w") as log:
        res = run_claims(claims, seed=3, points=POINTS, out_md=out / "proof-report.md",
                         out_json=out / "proof-report.json", cache=True, replay=replay,
                         stream=log)
    return res, json.loads((out / "proof-report.json").read_text()), \
        (out / "proof-report.md").read_text()


def _body(md):
    return [line for line in md.splitlines() if not line.startswith("Wall time:")]


def test_second_run_replays_every_result_and_says_so(cache, tmp_path):
    folder, calls = cache
    first, j1, md1 = _run(tmp_path / "a")
    assert calls == list(IDS) and not any(r.replayed for r in first)
    assert len(list(folder.glob("*.pickle"))) == len(IDS)
    second, j2, md2 = _run(tmp_path / "b")
    assert calls == list(IDS)                     # nothing computed the second time
    assert [r.replayed for r in second] == [True, True]
    assert [r.claim for r in second] == [derivations.get(i) for i in IDS]
    assert [c["replayed"] for c in j2["claims"]] == [True, True]
    assert without_timings(j1) == without_timings(j2)
    assert _body(md1) == _body(md2)
    wall = [line for line in md2.splitlines() if line.startswith("Wall time:")][0]
    assert "2 of 2 results replayed from the result cache" in wall and "all of them" in wall
    assert "replayed" not in [line for line in md1.splitlines()
                              if line.startswith("Wall time:")][0]


def test_no_cache_recomputes_and_a_changed_key_is_not_replayed(cache, tmp_path, monkeypatch):
    folder, calls = cache
    _run(tmp_path / "a")
    res, _, _ = _run(tmp_path / "b", replay=False)
    assert calls == list(IDS) * 2 and not any(r.replayed for r in res)
    with monkeypatch.context() as m:
        m.setattr(RC, "code_version", lambda: "another version of the code")
        res, _, _ = _run(tmp_path / "c")
    assert calls == list(IDS) * 3 and not any(r.replayed for r in res)


def test_a_broken_cache_file_is_recomputed(cache, tmp_path):
    folder, calls = cache
    _run(tmp_path / "a")
    key = RC.cache_key(derivations.get(IDS[0]), seed=3, points=POINTS,
                       symbolic_seconds=checkers.defaults.SIMPLIFY_SECONDS)
    (folder / f"{key}.pickle").write_bytes(b"not a pickle")
    res, _, md = _run(tmp_path / "b")
    assert calls == [*IDS, IDS[0]]
    assert [r.replayed for r in res] == [False, True]
    assert f"1 of 2 results replayed from the result cache" in md and f"`{IDS[1]}`" in md


def test_key_depends_on_seed_points_bound_and_the_claims_assumptions():
    c = derivations.get("sigmoid.derivative_exp")
    key = RC.cache_key(c, seed=1, points=16, symbolic_seconds=5.0)
    assert key == RC.cache_key(c, seed=1, points=16, symbolic_seconds=5.0)
    assert len({key, RC.cache_key(c, seed=2, points=16, symbolic_seconds=5.0),
                RC.cache_key(c, seed=1, points=32, symbolic_seconds=5.0),
                RC.cache_key(c, seed=1, points=16, symbolic_seconds=6.0)}) == 4
    x, xp = sp.Symbol("x", real=True), sp.Symbol("x", positive=True)
    assert RC.fingerprint(sp.Abs(x)) != RC.fingerprint(sp.Abs(xp))   # str() would be the same


def test_fingerprint_numbers_dummies_and_refuses_functions():
    d1, d2 = sp.Dummy("t"), sp.Dummy("t")
    x = sp.Symbol("x")
    assert RC.fingerprint(sp.Lambda(d1, d1 * x)) == RC.fingerprint(sp.Lambda(d2, d2 * x))
    assert RC.fingerprint(sp.Lambda(d1, d1 * x)) != RC.fingerprint(sp.Lambda(d1, d1 + x))

    @dataclasses.dataclass(frozen=True)
    class WithCode:
        id: str
        fn: object

    assert RC.fingerprint(WithCode("a", 1.5)) is not None
    assert RC.fingerprint(WithCode("a", lambda v: v)) is None
    assert RC.cache_key(WithCode("a", lambda v: v), seed=1, points=1, symbolic_seconds=1) is None


def test_folder_follows_the_jax_cache_and_can_be_turned_off(monkeypatch, tmp_path):
    monkeypatch.delenv(RC.RESULT_CACHE_ENV, raising=False)
    monkeypatch.setenv("GRADPROOF_JAX_CACHE", str(tmp_path / "j"))
    assert RC.result_cache_dir() == tmp_path / "j" / "results"
    monkeypatch.setenv("GRADPROOF_JAX_CACHE", "off")
    assert RC.result_cache_dir() is None
    monkeypatch.setenv(RC.RESULT_CACHE_ENV, "off")
    assert RC.result_cache_dir() is None
    monkeypatch.setenv(RC.RESULT_CACHE_ENV, str(tmp_path / "r"))
    assert RC.result_cache_dir() == tmp_path / "r"
    assert build_parser().parse_args(["report", "--no-cache"]).no_cache
    assert not build_parser().parse_args(["report"]).no_cache
