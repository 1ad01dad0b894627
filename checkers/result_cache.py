r"""The result cache of ``gradproof report``: a claim's result, replayed when nothing it depends
on has changed.

A claim's result is a function of the claim, the seed, the number of points, SymPy's time bound
and the code that computes it: this package and ``derivations`` (every ``.py`` file, hashed),
and the libraries whose numbers it reports (SymPy, JAX, jaxlib, NumPy, mpmath, SciPy, Python).
The key is the SHA-256 of all of them; the claim enters as the ``srepr`` of its expressions and
the ``repr`` of its other fields (:func:`fingerprint`), so the assumptions of its symbols count.
A claim holding anything else -- a Python function, an object whose ``repr`` is its address --
has no fingerprint and is never replayed.  (A bounded SymPy proof that ran out of time may
succeed on a faster run; the replay repeats the first run's verdict, as a run on the same
machine would most of the time.)

Replayed results are named: each replayed record carries ``"replayed": true`` in the JSON, the
Markdown report's last line says how many were replayed and which, and ``gradproof report
--no-cache`` recomputes every result (and stores the new ones).  The folder is
``results/`` inside the JAX compilation cache's folder (:func:`checkers.jaxcache.jax_cache_dir`),
so an empty cache folder is a cold run for both and ``GRADPROOF_JAX_CACHE=off`` turns both off;
``GRADPROOF_RESULT_CACHE`` names another folder, or ``off``.  The files are pickles written by
this user's own runs (loading one runs no code but gradproof's and its libraries' classes).
The test suite runs with the cache off: a test must compute what it asserts.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pathlib
import pickle
import re
import tempfile

__all__ = ["RESULT_CACHE_ENV", "result_cache_dir", "code_version", "fingerprint", "cache_key",
           "load", "store"]

RESULT_CACHE_ENV = "GRADPROOF_RESULT_CACHE"
_PACKAGES = ("checkers", "derivations")
_LIBRARIES = ("sympy", "jax", "jaxlib", "numpy", "mpmath", "scipy")


def result_cache_dir() -> pathlib.Path | None:
    """The folder of cached results, or None when the cache is off (see the module's text)."""
    from .jaxcache import folder_setting, jax_cache_dir

    given, folder = folder_setting(RESULT_CACHE_ENV)
    if given:
        return None if folder is None else pathlib.Path(folder)
    jax_dir = jax_cache_dir()
    return None if jax_dir is None else pathlib.Path(jax_dir) / "results"


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """SHA-256 of every ``.py`` file of ``checkers`` and ``derivations`` (path and bytes) and of
    the versions of Python and the numeric libraries."""
    import importlib.util
    import platform
    from importlib import metadata

    h = hashlib.sha256()
    h.update(f"python {platform.python_version()} {platform.machine()}\n".encode())
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib} {metadata.version(lib)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib} -\n".encode())
    for pkg in _PACKAGES:
        root = pathlib.Path(importlib.util.find_spec(pkg).origin).parent
        for path in sorted(root.rglob("*.py")):
            h.update(str(path.relative_to(root.parent)).encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


class _NoFingerprint(Exception):
    pass


def _canon(x) -> str:
    import sympy as sp

    if isinstance(x, (sp.Basic, sp.MatrixBase)):
        return sp.srepr(x)
    if x is None or isinstance(x, (bool, int, float, complex, str, bytes)):
        return repr(x)
    if isinstance(x, (list, tuple, frozenset, set)):
        items = [_canon(v) for v in x]
        if isinstance(x, (set, frozenset)):
            items.sort()
        return f"{type(x).__name__}({', '.join(items)})"
    if isinstance(x, dict):
        return "dict(" + ", ".join(sorted(f"{_canon(k)}: {_canon(v)}" for k, v in x.items())) + ")"
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        fields = ", ".join(f"{f.name}={_canon(getattr(x, f.name))}" for f in dataclasses.fields(x))
        return f"{type(x).__module__}.{type(x).__qualname__}({fields})"
    text = repr(x)
    if callable(x) or " at 0x" in text or text.startswith("<"):
        raise _NoFingerprint(text)
    return f"{type(x).__module__}.{type(x).__qualname__}:{text}"


def fingerprint(claim) -> str | None:
    """The claim as canonical text (its expressions by ``srepr``, a ``Dummy`` numbered by first
    appearance), or None when it holds a value with no stable text (a function, an object shown by its address): such a claim is never
    replayed."""
    try:
        text = _canon(claim)
    except _NoFingerprint:
        return None
    seen = {}   # a Dummy's index is a process counter: number them in order of appearance
    return re.sub(r"dummy_index=(\d+)", lambda m: f"dummy_index={seen.setdefault(m[1], len(seen))}",
                  text)


def cache_key(claim, *, seed: int, points: int, symbolic_seconds: float) -> str | None:
    """The SHA-256 key of ``claim``'s result under these settings and this code, or None."""
    fp = fingerprint(claim)
    if fp is None:
        return None
    text = f"{code_version()}\n{seed}\n{points}\n{symbolic_seconds!r}\n{fp}"
    return hashlib.sha256(text.encode()).hexdigest()


def load(folder: pathlib.Path, key: str):
    """The result stored under ``key``, or None (absent, or unreadable: then it is recomputed)."""
    path = folder / f"{key}.pickle"
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a truncated or foreign file: recompute, never fail
        return None


def store(folder: pathlib.Path, key: str, result) -> None:
    """Write ``result`` under ``key`` (atomically: a reader never sees half a file); a folder
    that cannot be written leaves the run uncached, never failed."""
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{key}.pickle")
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
