"""Shared fixtures: one verification per catalog claim per test session (it is deterministic).

The suite runs in pytest-xdist workers (``-n auto`` in pyproject.toml).  Each catalog claim is
still checked once per session, not once per worker: a worker that needs a claim's result
takes that claim's file lock in the session's shared temporary folder, and either reads the
result another worker stored there or computes and stores it (the pattern of pytest-xdist's
documentation, "making session-scoped fixtures execute only once").  The stored result is the
one :func:`checkers.verify` returned, pickled without its claim (put back from the catalog), as
``gradproof report --jobs N`` sends results between processes.
"""

from __future__ import annotations

import copy
import functools
import os
import pathlib
import pickle

import pytest
from filelock import FileLock  # noqa: E402

# A test computes what it asserts: the commands' result cache (checkers.result_cache) is off for
# the whole session, subprocesses included; its own tests point it at a temporary folder.
os.environ["GRADPROOF_RESULT_CACHE"] = "off"

import checkers  # noqa: E402,F401  (x64 on before any array)
import derivations  # noqa: E402
from checkers.defaults import SIMPLIFY_SECONDS  # noqa: E402
from checkers.engine import verify as _verify  # noqa: E402   # the engine's own, even where a test patches it

_SHARED: list = []  # the session's shared folder of results, under xdist (set below)


@pytest.fixture(scope="session", autouse=True)
def _shared_results(tmp_path_factory):
    if os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.getbasetemp().parent / "verified"
        folder.mkdir(exist_ok=True)
        _SHARED[:] = [folder]
    yield
    _SHARED.clear()


#: SymPy's bound per claim in the session's results: the report's (``gradproof report`` passes
#: it), so tests/test_reproducible.py serves the report's claims from the same results.
SYMBOLIC_SECONDS = SIMPLIFY_SECONDS


@functools.lru_cache(maxsize=None)
def verified(claim_id: str):
    """The catalog claim's result at the default seed and the report's symbolic bound,
    computed once per session."""
    claim = derivations.get(claim_id)
    if not _SHARED:
        return _verify(claim, symbolic_seconds=SYMBOLIC_SECONDS)
    path = pathlib.Path(_SHARED[0]) / f"{claim_id}.pickle"
    with FileLock(str(path) + ".lock"):
        if path.is_file():
            res = pickle.loads(path.read_bytes())
            res.claim = claim
            return res
        res = _verify(claim, symbolic_seconds=SYMBOLIC_SECONDS)
        stored = copy.copy(res)   # every field, per-point evidence included; res keeps its claim
        stored.claim = claim_id
        path.write_bytes(pickle.dumps(stored))
        return res


@pytest.fixture
def result_of():
    return verified


def assert_verdict(res, expected: str) -> None:
    """The pinned verdict of a catalog claim (worked out by hand), and no witness erred."""
    assert res.verdict == expected, str(res)
    assert all(w.status != "ERROR" for w in res.witnesses), str(res)
