"""checkers.engine: the one verify, its Kind registry, and the one witness loop body."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import checkers
import derivations
from checkers import engine
from checkers.kinds import Kind, kind_of, register, registered
from derivations import real_line
from derivations.build import gradient_claim

u = sp.Symbol("u", real=True)


def test_every_catalog_kind_is_registered_with_witnesses():
    kinds = {c.kind for c in derivations.catalog()}
    reg = registered()
    assert kinds <= set(reg)
    for name in kinds:
        assert reg[name].witnesses, name
        assert all(callable(fn) for _, fn in reg[name].witnesses)


def test_indexed_kinds_share_one_worker_family():
    assert {kind_of(k).group for k in ("indexed_gradient", "indexed_equality", "indexed_inequality")} \
        == {"indexed"}


def test_run_witness_turns_an_exception_into_an_error_naming_claim_and_witness():
    claim = gradient_claim("engine.sq", u**2, u, 2 * u, domain={u: real_line()})

    def broken(c, smp):
        raise ZeroDivisionError("boom")

    res = engine.run_witness("mine", broken, claim, None)
    assert res.status == "ERROR"
    assert res.detail.startswith("engine.sq: mine could not evaluate the claim: ZeroDivisionError: boom")


def test_a_kind_is_one_registration(monkeypatch):
    """A new kind: one record; verify runs its sampler and witnesses, never a kind test."""
    from checkers.results import PASS, WitnessResult
    from checkers.sampling import sample

    seen = {}

    def witness(claim, smp):
        seen["points"] = len(smp)
        return WitnessResult("mine", PASS, points=len(smp))

    claim = gradient_claim("engine.newkind", u**2, u, 2 * u, domain={u: real_line()})
    kind = Kind("engine_test_kind", (("mine", witness),), symbolic=lambda c, s: WitnessResult(
        "symbolic", "PROVED"), sampler=lambda c, n, seed: sample(c, 7, seed))
    monkeypatch.setitem(checkers.kinds._REGISTRY, "engine_test_kind", kind)

    class NewKindClaim(type(claim)):
        kind = "engine_test_kind"

    mine = NewKindClaim(**{f: getattr(claim, f) for f in claim.__dataclass_fields__ if f != "kind"})
    res = checkers.verify(mine, points=99)
    assert seen["points"] == 7 and res.verdict == "PROVED" and res.points == 7


def test_an_unknown_kind_is_an_error_result_naming_the_claim(monkeypatch):
    claim = gradient_claim("engine.orphan", u**2, u, 2 * u, domain={u: real_line()})

    class Orphan(type(claim)):
        kind = "no_such_kind"

    orphan = Orphan(**{f: getattr(claim, f) for f in claim.__dataclass_fields__ if f != "kind"})
    res = checkers.verify(orphan)
    assert res.verdict == "ERROR" and "engine.orphan: no witnesses for claim kind 'no_such_kind'" \
        in res.message


def test_register_rejects_what_is_not_a_kind():
    with pytest.raises(TypeError, match="checkers.kinds.Kind"):
        register(("gradient", ()))


def test_the_symbolic_counterexample_is_asked_of_every_numeric_witness():
    # wrong only at u = 1/2 (exact); the uniform sample would not hit it
    claim = gradient_claim("engine.point", u**3, u, 3 * u**2 + sp.KroneckerDelta(2 * u, 1),
                           domain={u: real_line()})
    res = checkers.verify(claim, points=32, symbolic_seconds=5)
    assert res.sample_shares.get("symbolic counterexample") == 1, res.sample_shares
    assert res.verdict == "REFUTED"


def test_verify_takes_claims_only():
    with pytest.raises(TypeError, match="verify\\(\\) takes a derivations claim"):
        checkers.verify("bce_sigmoid.grad_w")


def test_declared_result_fields_are_filled_by_the_engine():
    claim = gradient_claim("engine.fields", u**2, u, 2 * u, domain={u: real_line()})
    res = checkers.verify(claim, points=40)
    assert res.points == res.witness("autodiff").points == res.witness("finite differences").points
    assert sum(res.sample_shares.values()) == res.points and res.kinks == () and res.set_aside == 0
    assert np.isfinite(res.seconds)
