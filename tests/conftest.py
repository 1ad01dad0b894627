"""Shared fixtures: one verification per catalog claim per test session (it is deterministic)."""

from __future__ import annotations

import functools

import pytest

import checkers  # noqa: F401  (x64 on before any array)
import derivations


@functools.lru_cache(maxsize=None)
def verified(claim_id: str):
    """The catalog claim's result at the default seed, computed once per session."""
    return checkers.verify(derivations.get(claim_id))


@pytest.fixture
def result_of():
    return verified


def assert_verdict(res, expected: str) -> None:
    """The pinned verdict of a catalog claim (worked out by hand), and no witness erred."""
    assert res.verdict == expected, str(res)
    assert all(w.status != "ERROR" for w in res.witnesses), str(res)
