"""Worker processes for ``gradproof report --jobs N``: the catalog checked on N cores.

What: :func:`verify_in_workers` checks a list of claims in up to N worker processes and hands
each :class:`checkers.results.ClaimResult` back, by position, as it arrives; the caller keeps
the report in catalog (document) order.  ``--jobs 1`` does not come here (in-process path).

Why this shape:

* **Whole claim families per worker** (:func:`plan`).  Claims of one family share work inside a
  process: the network claims share the 784-100-10 networks and their compiled functions, the
  indexed claims (``indexed_*`` kinds) share per-size compilations, the gradient claims share
  jitted primitives.  Interleaving a family over two workers would compile everything twice,
  so families are assigned whole to workers, largest first, to the least loaded worker
  (estimated cold cost per claim, :data:`FAMILY_SECONDS`), and each worker checks its claims
  in catalog order, as the in-process run does.
* **One single-process executor per worker**, each claim submitted as its own task: the claims
  of a family stay in one process (a shared pool would scatter them) and the progress display
  still advances claim by claim.
* **spawn**, not fork: JAX (XLA's thread pools) is not fork-safe.  A spawned worker imports
  ``checkers`` afresh (x64 on, claim kinds registered) and switches on the same persistent JAX
  compilation cache as the command (:func:`checkers.jaxcache.enable_jax_cache`, which reads the
  inherited ``$GRADPROOF_JAX_CACHE``).
* **Same results**: a worker runs the same :func:`checkers.engine.verify` with the same seed
  and points on the same catalog claim (looked up by id), so the result is the one the
  in-process run computes.  The result travels back without its claim (``claim`` replaced by
  the id; the parent puts its own catalog claim back), so nothing but plain data is pickled.
* **A crash names the claim**: each worker writes the id of the claim it is checking into a
  shared buffer; when a worker dies (segfault, killed, out of memory) the pool reports it at
  once and :class:`WorkerError` names that claim and the claims left unchecked, instead of
  hanging.  An exception raised by ``verify`` itself is re-raised as :class:`WorkerError`
  naming the claim.
"""

from __future__ import annotations

import os
import time
from typing import Callable, Sequence

__all__ = ["DEFAULT_JOBS", "FAMILY_SECONDS", "WorkerError", "default_jobs", "exit_with_parent", "family", "plan",
           "verify_in_workers"]

#: Estimated cold cost (seconds per claim, empty JAX cache) of each claim family, from a cold
#: ``gradproof report --jobs 1`` (2 cores, loaded): indexed 104 s for 59 claims, network 85 s
#: for 25, gradient 28 s for 19, experiment 1.8 s for 11; the other kinds ~0.05 s per claim.
#: Only the ratios matter (they balance the workers); for the whole catalog and 2 workers
#: they give indexed + the small kinds (~110 s) against network + gradient (~113 s).
FAMILY_SECONDS = {"indexed": 1.76, "network": 3.4, "gradient": 1.45, "experiment": 0.16}
OTHER_SECONDS = 0.05


def default_jobs() -> int:
    """``min(2, cores)``: families are not split (:func:`plan`) and the two largest, indexed and
    network, are about half of the cold work each, so a third worker would gain little."""
    return min(2, os.cpu_count() or 1)


DEFAULT_JOBS = default_jobs()


class WorkerError(RuntimeError):
    """A worker process died or raised; the message names the claim(s) concerned."""


def family(kind: str) -> str:
    """The cache-sharing family of a claim kind (:attr:`checkers.kinds.Kind.group`: e.g. all
    ``indexed_*`` kinds are one family); an unregistered kind is its own family."""
    from .kinds import kind_of

    k = kind_of(kind)
    return k.group if k is not None else kind


def plan(claims: Sequence, jobs: int) -> list[list[int]]:
    """Split ``claims`` into at most ``jobs`` lists of positions, whole families per list.

    Families go, most expensive first, to the list with the smallest estimated cost so far
    (longest-processing-time rule); each list is in catalog order.  Empty lists are dropped,
    so fewer families than ``jobs`` means fewer workers.
    """
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(claims):
        groups.setdefault(family(c.kind), []).append(i)
    cost = {f: len(ix) * FAMILY_SECONDS.get(f, OTHER_SECONDS) for f, ix in groups.items()}
    bins: list[list[int]] = [[] for _ in range(max(1, jobs))]
    load = [0.0] * len(bins)
    for f in sorted(groups, key=lambda f: (-cost[f], groups[f][0])):
        k = min(range(len(bins)), key=lambda b: (load[b], b))
        bins[k] += groups[f]
        load[k] += cost[f]
    return [sorted(b) for b in bins if b]


# -- in the worker process ------------------------------------------------------------------

_SLOT = None  # shared bytes: the id of the claim this worker is checking ("" between claims)


def exit_with_parent(parent: int, poll: float = 0.5) -> None:
    """End this process when ``parent`` is no longer its parent (killed by a signal, which skips
    the pool's shutdown): an orphaned worker would otherwise go on checking claims that nobody
    waits for, holding a core (seen after ``kill`` of ``gradproof report --jobs 2``)."""
    import threading

    def watch():
        while os.getppid() == parent:
            time.sleep(poll)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="gradproof-parent-watch").start()


def _init_worker(slot) -> None:
    """Worker start-up: exit with the parent, the shared slot, the JAX cache as in the command,
    the claim kinds."""
    global _SLOT
    exit_with_parent(os.getppid())
    _SLOT = slot
    from .jaxcache import enable_jax_cache

    enable_jax_cache()
    import checkers  # noqa: F401  (x64 on; registers the network, indexed, experiment kinds)
    import derivations

    derivations.catalog()  # import the catalog modules once, before the first claim


def _set_slot(text: str) -> None:
    if _SLOT is not None:
        data = text.encode()[: len(_SLOT) - 1]
        _SLOT.value = data


def _verify_id(claim_id: str, seed: int, points: int, symbolic_seconds: float):
    """Check the catalog claim ``claim_id``; the result with ``claim`` replaced by its id."""
    import derivations

    from .engine import verify

    _set_slot(claim_id)
    res = verify(derivations.get(claim_id), seed=seed, points=points,
                 symbolic_seconds=symbolic_seconds)
    res.claim = claim_id
    _set_slot("")
    return res


# -- in the parent ----------------------------------------------------------------------------

def verify_in_workers(claims: Sequence, *, seed: int, points: int, jobs: int,
                      on_result: Callable[[int, object], None],
                      symbolic_seconds: float | None = None) -> list:
    """:func:`checkers.engine.verify` of each catalog claim in ``claims``, in ``jobs`` processes.

    ``on_result(position, result)`` is called in the parent as each result arrives (arrival
    order); the returned list is in the order of ``claims``.  Raises :class:`WorkerError`
    naming the claim(s) when a worker dies or ``verify`` raises; the other workers are then
    stopped after their current claim.
    """
    import concurrent.futures as cf
    import multiprocessing

    from .symbolic import SIMPLIFY_SECONDS

    symbolic_seconds = SIMPLIFY_SECONDS if symbolic_seconds is None else symbolic_seconds
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("spawn")
    chunks = plan(claims, jobs)
    slots = [ctx.Array("c", 256, lock=False) for _ in chunks]
    pools = [cf.ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=_init_worker,
                                    initargs=(slot,)) for slot in slots]
    results: list = [None] * len(claims)
    futures = {}
    try:
        for w, (pool, chunk) in enumerate(zip(pools, chunks)):
            for i in chunk:
                futures[pool.submit(_verify_id, claims[i].id, seed, points, symbolic_seconds)] = (w, i)
        for fut in cf.as_completed(futures):
            w, i = futures[fut]
            try:
                res = fut.result()
            except BrokenProcessPool as err:
                left = [claims[j].id for j in chunks[w] if results[j] is None]
                busy = slots[w].value.decode(errors="replace") or (left[0] if left else "?")
                raise WorkerError(
                    f"worker process {w + 1} of {len(chunks)} died while checking claim {busy} "
                    f"({err}); {len(left)} of its claims were not checked: {', '.join(left)}"
                ) from None
            except Exception as err:
                raise WorkerError(f"{claims[i].id}: checking it in worker process {w + 1} raised "
                                  f"{type(err).__name__}: {err}") from err
            res.claim = claims[i]
            results[i] = res
            on_result(i, res)
    finally:
        for pool in pools:
            pool.shutdown(wait=True, cancel_futures=True)
    return results
