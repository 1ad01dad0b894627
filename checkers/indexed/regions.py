r"""The region where a refuted any-$K$ claim holds: its index cells.

An indexed claim ranges over free indices ($k$, $y_i$, $j$, ...).  Its Kronecker deltas, and
every mistake of the "$\partial L / \partial p_k = -1/p_k$" kind, split the index space into
*cells*: which free indices coincide.  For indices $\{k, y_i\}$ the cells are $k = y_i$ and
$k \ne y_i$; for three indices, the five set partitions.  Each cell is a claim of its own:
coinciding indices are substituted by one representative (so $\delta_{k y_i}$ becomes 1), and
the representatives are declared pairwise ``distinct`` (the sampler and the prover never let
them coincide).  The kind's own witnesses check every cell, for every $K$, on the same seed.

A claim that fails only at its smallest size (a softmax with $K = 1$ class, whose one output is
1) is split first by size: the claim from the next size on is checked again for every size, and
the region is "holds iff $K \ge 2$".

The region is the union of the cells that hold ("holds iff $k = y_i$"): PROVED when each of
them is PROVED and every other cell is REFUTED, VERIFIED when they only hold numerically.  When
no cell holds the claim fails inside every cell; where it holds inside one (a value of the
entries) is not searched, and the region says so (UNDECIDED).
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from ..regions import Region, cells_status

__all__ = ["index_region", "partitions", "MAX_INDICES"]

MAX_INDICES = 4
"""At most this many free indices are split (4 indices: 15 cells)."""


def partitions(items):
    """Every set partition of ``items`` (lists of blocks, the first item of each block first)."""
    items = list(items)
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in partitions(rest):
        for i in range(len(part)):
            yield part[:i] + [[first] + part[i]] + part[i + 1:]
        yield [[first]] + part


def _cell(claim, blocks, n):
    """The claim restricted to one cell: each block's indices replaced by its first, the
    representatives pairwise distinct; ``None`` when a ``distinct`` pair of the claim would
    coincide."""
    rep = {ix: block[0] for block in blocks for ix in block}
    if any(rep[a] == rep[b] for a, b in claim.distinct):
        return None
    sub = {ix: r for ix, r in rep.items() if ix != r}
    reps = [b[0] for b in blocks]
    changes = {}
    for f in dataclasses.fields(claim):
        v = getattr(claim, f.name)
        if isinstance(v, sp.Basic) and f.name not in ("id",):
            changes[f.name] = v.xreplace(sub)
    ranges = tuple((ix, rng) for ix, rng in claim.ranges if ix not in sub)
    distinct = tuple((a, b) for i, a in enumerate(reps) for b in reps[i + 1:])
    return dataclasses.replace(claim, id=f"{claim.id}.cell_{n}", ranges=ranges, distinct=distinct,
                               note=f"Index cell {n} of {claim.id}.", **changes)


def _words(blocks) -> str:
    eq = [" = ".join(map(str, b)) for b in blocks if len(b) > 1]
    reps = [b[0] for b in blocks]
    ne = [f"{a} != {b}" for i, a in enumerate(reps) for b in reps[i + 1:]]
    return ", ".join(eq + ne) or "(one cell)"


def _latex(blocks) -> str:
    eq = [" = ".join(sp.latex(i) for i in b) for b in blocks if len(b) > 1]
    reps = [b[0] for b in blocks]
    ne = [f"{sp.latex(a)} \\ne {sp.latex(b)}" for i, a in enumerate(reps) for b in reps[i + 1:]]
    return ",\\ ".join(eq + ne)


def _size_region(claim, witnesses, check) -> Region | None:
    """``holds iff K >= m + 1`` when the claim fails at its smallest size ``K = m`` (the
    counterexample is there) and holds, checked again for every size, from ``m + 1`` on."""
    ce = next((w.counterexample for w in witnesses if w.fails and w.counterexample is not None), None)
    if ce is None:
        return None
    for sym, m in claim.size_min:
        if ce.point.get(str(sym)) != str(m):
            continue
        sizes = tuple(inst for inst in claim.sizes if dict(inst)[sym] > m)
        if not sizes:
            continue
        derived = dataclasses.replace(claim, id=f"{claim.id}.sizes_above_{m}", sizes=sizes,
                                      size_min={**dict(claim.size_min), sym: m + 1},
                                      note=f"Size cell {sym} >= {m + 1} of {claim.id}.")
        verdict = check(derived).verdict
        if verdict not in ("PROVED", "VERIFIED"):
            return None
        exact = any(w.witness == "symbolic" and w.fails for w in witnesses)
        return Region(text=f"holds iff {sym} >= {m + 1}", latex=f"{sp.latex(sym)} \\ge {m + 1}",
                      status=cells_status([verdict], symbolic=exact),
                      witness="the claim's witnesses on each size cell",
                      cells=((f"{sym} = {m}", "REFUTED"), (f"{sym} >= {m + 1}", verdict)))
    return None


def index_region(claim, witnesses, *, seed: int, points: int, check) -> Region:
    """The size and index cells of a refuted indexed claim where it holds (module docstring)."""
    by_size = _size_region(claim, witnesses, check)
    if by_size is not None:
        return by_size
    free = [ix for ix, _ in claim.ranges]
    if len(free) < 2:
        return Region(text="region not searched: the claim has fewer than two free indices to "
                           "split into cells", status="UNDECIDED", witness="index cells")
    if len(free) > MAX_INDICES:
        return Region(text=f"region not searched: {len(free)} free indices (at most "
                           f"{MAX_INDICES} are split)", status="UNDECIDED", witness="index cells")
    cells = []
    for n, blocks in enumerate(partitions(free), 1):
        derived = _cell(claim, blocks, n)
        if derived is not None:
            cells.append((blocks, check(derived).verdict))
    holding = [(b, v) for b, v in cells if v in ("PROVED", "VERIFIED")]
    others_fail = all(v == "REFUTED" for b, v in cells if v not in ("PROVED", "VERIFIED"))
    listed = tuple((_words(b), v) for b, v in cells)
    witness = "the claim's witnesses on each index cell, for every size"
    if not holding:
        return Region(text="holds in no index cell (" + "; ".join(f"{w}: {v}" for w, v in listed)
                           + "); where it holds inside a cell is not searched",
                      status="UNDECIDED", witness=witness, cells=listed)
    text = " or ".join(_words(b) for b, _ in holding)
    latex = " \\;\\text{or}\\; ".join(_latex(b) for b, _ in holding)
    status = cells_status((v for _, v in holding), symbolic=others_fail)
    return Region(text=f"holds iff {text}", latex=latex, status=status, witness=witness,
                  cells=listed)
