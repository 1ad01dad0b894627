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
from checkers.jaxcache import enable_jax_cache  # noqa: E402

# JAX's persistent compilation cache, as the commands use it (``~/.cache/gradproof/jax``, or
# ``GRADPROOF_JAX_CACHE``; ``=off`` for none), from the session's first compile on: a second run
# of the suite loads the XLA programs of the first from disk instead of compiling them again.  A
# cached program is the same XLA executable, so no number a test asserts changes.  (Before, the
# first test that ran ``gradproof check`` in process switched it on halfway through a worker.)
enable_jax_cache()
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


def once_per_session(name: str, claim, compute):
    """``compute()`` (a :class:`checkers.results.ClaimResult` of ``claim``) once per test
    session: under xdist the first worker to take ``name``'s file lock computes and stores it,
    the others read it.  The result is pickled without its claim (which may hold functions) and
    the claim is put back."""
    if not _SHARED:
        return compute()
    path = pathlib.Path(_SHARED[0]) / f"{name}.pickle"
    with FileLock(str(path) + ".lock"):
        if path.is_file():
            res = pickle.loads(path.read_bytes())
            res.claim = claim
            return res
        res = compute()
        stored = copy.copy(res)   # every field, per-point evidence included; res keeps its claim
        stored.claim = claim.id
        path.write_bytes(pickle.dumps(stored))
        return res


@functools.lru_cache(maxsize=None)
def verified(claim_id: str):
    """The catalog claim's result at the default seed and the report's symbolic bound,
    computed once per session."""
    claim = derivations.get(claim_id)
    return once_per_session(claim_id, claim,
                            lambda: _verify(claim, symbolic_seconds=SYMBOLIC_SECONDS))


@pytest.fixture
def result_of():
    return verified


def assert_verdict(res, expected: str) -> None:
    """The pinned verdict of a catalog claim (worked out by hand), and no witness erred."""
    assert res.verdict == expected, str(res)
    assert all(w.status != "ERROR" for w in res.witnesses), str(res)
