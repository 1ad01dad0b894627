r"""Claims for any number of classes: index notation with symbolic sizes.

The softmax claims of both documents hold for every number of classes $K$, not only for the
$K = 2, \dots, 6$ one can spell out.  An *indexed* claim states an identity entry by entry, the
way the documents write it:

* vectors and matrices are SymPy ``IndexedBase`` objects with a declared shape in *size*
  symbols (``shapes={z: (K,)}``, ``shapes={W: (K, m)}``);
* indices are integer ``Symbol``\ s with a declared range (``ranges={j: (1, K)}``); a claim
  holds for every value of every free index in its range;
* sums are ``Sum(body, (i, 1, K))`` with symbolic bounds, deltas are ``KroneckerDelta``;
* a *label* base holds indices (``labels={Y: (1, K)}``: the class $y_x$ of example $x$);
* ``sizes`` lists the concrete sizes at which the claim is also checked numerically
  (``sizes=(2, 10, 1000)`` when there is one size symbol, otherwise one mapping per instance);
* ``size_min`` is the smallest size the claim is about (default 1; the softmax claims take
  $K \ge 2$: with one class $a_1 = 1$ and the "probabilities in (0, 1)" claims fail).

Kinds (frozen dataclasses, subclasses of :class:`derivations.Claim`):

* :class:`IndexedGradientClaim` -- $\partial\,\mathrm{cost} / \partial\,\mathrm{wrt} =
  \mathrm{claimed}$ with ``wrt`` one entry ``z[k]`` (or ``W[j, k]``) of a base; an index of
  ``wrt`` that does not occur in the cost ranges over all its values (a whole gradient row);
  one that does occur in the cost (the diagonal $\partial a_j / \partial z_j$) is tied to it.
* :class:`IndexedEqualityClaim` -- $\mathrm{lhs} = \mathrm{rhs}$, scalars or columns (a chain
  of equalities is a column of links).
* :class:`IndexedInequalityClaim` -- $\mathrm{lhs}\ \mathcal{R}\ \mathrm{rhs}$ entry by entry,
  with one relation for all entries or one per entry (``relation=(">", "<=")`` states
  $x \in (lo, hi]$ as two entries).

Like every claim, these are data: mutants are ``claim.replace(claimed=...)``, other sizes are
``claim.replace(sizes=(10, 100, 1000, 10000))``.  Nothing here computes numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp

from .claims import Claim, ClaimError, _RELATIONS, _set

__all__ = ["IndexedClaim", "IndexedGradientClaim", "IndexedEqualityClaim",
           "IndexedInequalityClaim", "index", "size"]


def index(name: str) -> sp.Symbol:
    """An index symbol: a positive integer (ranges start at 1, as in the documents)."""
    return sp.Symbol(name, integer=True, positive=True)


def size(name: str) -> sp.Symbol:
    """A size symbol (number of classes, inputs, examples): a positive integer."""
    return sp.Symbol(name, integer=True, positive=True)


def _indexed_atoms(expr) -> set:
    return set(sp.sympify(expr).atoms(sp.Indexed))


def _bound_symbols(expr) -> set:
    out = set()
    for s in sp.sympify(expr).atoms(sp.Sum):
        out |= {lim[0] for lim in s.limits}
    return out


@dataclass(frozen=True, kw_only=True)
class IndexedClaim(Claim):
    """Fields and validation shared by the indexed kinds (see the module docstring)."""

    shapes: Any = ()
    ranges: Any = ()
    sizes: Any = ()
    labels: Any = ()
    entry_domains: Any = ()
    size_min: Any = ()
    distinct: Any = ()
    kind: ClassVar[str] = "indexed"

    # -- normalization -----------------------------------------------------------------
    def _pairs(self, value, what):
        if isinstance(value, dict):
            value = tuple(value.items())
        try:
            return tuple((k, v) for k, v in value)
        except (TypeError, ValueError) as err:
            raise ClaimError(f"{self.id}: {what} must be a mapping, got {value!r}") from err

    def _normalize_indexed(self):
        cid = self.id
        shapes = []
        for base, shape in self._pairs(self.shapes, "shapes"):
            if not isinstance(base, sp.IndexedBase):
                raise ClaimError(f"{cid}: shapes keys must be sympy.IndexedBase, got {base!r}")
            shape = tuple(sp.sympify(s, strict=True) for s in (shape if isinstance(shape, (tuple, list)) else (shape,)))
            shapes.append((base, shape))
        _set(self, "shapes", tuple(shapes))
        labels = []
        for base, rng in self._pairs(self.labels, "labels"):
            if not isinstance(base, sp.IndexedBase) or len(rng) != 3:
                raise ClaimError(f"{cid}: labels map an IndexedBase to (shape, lo, hi), got {base!r}: {rng!r}")
            shape, lo, hi = rng
            shape = tuple(sp.sympify(s, strict=True) for s in (shape if isinstance(shape, (tuple, list)) else (shape,)))
            labels.append((base, (shape, sp.sympify(lo, strict=True), sp.sympify(hi, strict=True))))
        _set(self, "labels", tuple(labels))
        size_syms = set()
        for _, shape in shapes:
            for s in shape:
                size_syms |= s.free_symbols
        for _, (shape, lo, hi) in labels:
            for s in shape + (lo, hi):
                size_syms |= s.free_symbols
        ranges = []
        for ix, rng in self._pairs(self.ranges, "ranges"):
            if not isinstance(ix, sp.Symbol) or not ix.is_integer:
                raise ClaimError(f"{cid}: index {ix!r} must be an integer Symbol (derivations.indexed.index)")
            if len(rng) != 2:
                raise ClaimError(f"{cid}: range of {ix} must be (lo, hi), got {rng!r}")
            lo, hi = (sp.sympify(v, strict=True) for v in rng)
            ranges.append((ix, (lo, hi)))
            size_syms |= (lo.free_symbols | hi.free_symbols)
        _set(self, "ranges", tuple(ranges))
        index_syms = {ix for ix, _ in ranges}
        if size_syms & index_syms:
            raise ClaimError(f"{cid}: {sorted(map(str, size_syms & index_syms))} used both as size and index")
        for s in size_syms:
            if not (s.is_integer and s.is_positive):
                raise ClaimError(f"{cid}: size {s} must be a positive integer Symbol (derivations.indexed.size)")
        object.__setattr__(self, "_size_symbols", tuple(sorted(size_syms, key=str)))
        # numeric instances
        sizes = self.sizes
        if isinstance(sizes, dict):
            sizes = (sizes,)
        inst = []
        for s in sizes:
            if isinstance(s, (int, sp.Integer)):
                if len(size_syms) != 1:
                    raise ClaimError(f"{cid}: sizes given as plain numbers, but the claim has size symbols "
                                     f"{sorted(map(str, size_syms))}; give one mapping per instance")
                s = {next(iter(size_syms)): int(s)}
            pairs = tuple(sorted(((k, int(v)) for k, v in self._pairs(s, "sizes")), key=lambda kv: str(kv[0])))
            if {k for k, _ in pairs} != size_syms:
                raise ClaimError(f"{cid}: a sizes instance must give every size symbol "
                                 f"{sorted(map(str, size_syms))}, got {sorted(str(k) for k, _ in pairs)}")
            inst.append(pairs)
        _set(self, "sizes", tuple(inst))
        smin = dict(self._pairs(self.size_min, "size_min"))
        for k in smin:
            if k not in size_syms:
                raise ClaimError(f"{cid}: size_min names {k}, which is not a size of the claim")
        _set(self, "size_min", tuple(sorted(((k, int(smin.get(k, 1))) for k in size_syms), key=lambda kv: str(kv[0]))))
        for pairs in inst:
            for k, v in pairs:
                if v < dict(self.size_min)[k]:
                    raise ClaimError(f"{cid}: numeric size {k} = {v} is below size_min {dict(self.size_min)[k]}")
        dom = []
        for base, iv in self._pairs(self.entry_domains, "entry_domains"):
            if base not in dict(shapes):
                raise ClaimError(f"{cid}: entry_domains names {base}, which has no shape")
            dom.append((base, iv))
        _set(self, "entry_domains", tuple(dom))
        dist = []
        for pair in self.distinct:
            if len(pair) != 2 or not all(p in index_syms for p in pair):
                raise ClaimError(f"{cid}: distinct takes pairs of declared indices, got {pair!r}")
            dist.append(tuple(pair))
        _set(self, "distinct", tuple(dist))
        # every Indexed names a declared base, with the right number of indices
        known = {**dict(shapes), **{b: sh for b, (sh, _, _) in labels}}
        for e in self.expressions():
            for ix in _indexed_atoms(e):
                if ix.base not in known:
                    raise ClaimError(f"{cid}: {ix} uses base {ix.base}, which has no declared shape "
                                     "(add it to shapes= or labels=)")
                if len(ix.indices) != len(known[ix.base]):
                    raise ClaimError(f"{cid}: {ix} has {len(ix.indices)} indices, but {ix.base} has shape "
                                     f"{known[ix.base]}")
        bound = set()
        for e in self.expressions():
            bound |= _bound_symbols(e)
        clash = bound & index_syms
        if clash:
            raise ClaimError(f"{cid}: {sorted(map(str, clash))} is both a free index and a summation index; "
                             "use a distinct dummy index for each sum")
        if not self.sizes:
            raise ClaimError(f"{cid}: sizes is empty; give the sizes at which to check numerically, "
                             "e.g. sizes=(2, 10, 1000)")

    # -- derived -----------------------------------------------------------------------
    @property
    def size_symbols(self) -> tuple:
        return self._size_symbols

    @property
    def index_symbols(self) -> tuple:
        return tuple(ix for ix, _ in self.ranges)

    @property
    def range_map(self) -> dict:
        return dict(self.ranges)

    @property
    def shape_map(self) -> dict:
        return dict(self.shapes)

    @property
    def label_map(self) -> dict:
        return dict(self.labels)

    @property
    def size_instances(self) -> list:
        """The numeric instances, each a dict size symbol -> int."""
        return [dict(p) for p in self.sizes]

    @property
    def min_sizes(self) -> dict:
        return dict(self.size_min)

    def entry_domain(self, base):
        from .claims import real_line

        return dict(self.entry_domains).get(base, real_line())

    def free_symbols(self) -> set:
        """Scalar parameters only: indices, sizes, bases and their entries are accounted for."""
        out = set()
        labels = {b.label for b, _ in self.shapes} | {b.label for b, _ in self.labels}
        skip = set(self.index_symbols) | set(self.size_symbols) | labels
        for e in self.expressions():
            for s in sp.sympify(e).free_symbols:
                if isinstance(s, sp.Indexed) or s in skip:
                    continue
                out.add(s)
        return out

    def _allow_extra_domain(self):
        return False


@dataclass(frozen=True, kw_only=True)
class IndexedGradientClaim(IndexedClaim):
    r"""$\partial\,\mathrm{cost}/\partial\,\mathrm{wrt} = \mathrm{claimed}$ for every size and index.

    ``cost`` and ``claimed`` are scalar expressions; ``wrt`` is one entry of a declared base,
    indexed by declared index symbols (``z[k]``, ``W[j, l]``).
    """

    cost: Any
    wrt: Any
    claimed: Any
    kind: ClassVar[str] = "indexed_gradient"

    def _normalize(self):
        cid = self.id
        for name in ("cost", "claimed"):
            v = getattr(self, name)
            if isinstance(v, (str, sp.MatrixBase)):
                raise ClaimError(f"{cid}: {name} must be a scalar SymPy expression (one entry), "
                                 f"got {type(v).__name__}")
            _set(self, name, sp.sympify(v, strict=True))
        if not isinstance(self.wrt, sp.Indexed):
            raise ClaimError(f"{cid}: wrt must be one entry of a base, e.g. z[k], got {self.wrt!r}")
        self._normalize_indexed()
        if self.wrt.base not in self.shape_map:
            raise ClaimError(f"{cid}: wrt {self.wrt} is not an entry of a real-valued base (shapes=)")
        for ix in self.wrt.indices:
            if ix not in self.range_map:
                raise ClaimError(f"{cid}: wrt {self.wrt} must be indexed by declared index symbols, "
                                 f"got {ix}")
        if len(set(self.wrt.indices)) != len(self.wrt.indices):
            raise ClaimError(f"{cid}: wrt {self.wrt} repeats an index")
        if not any(ix.base == self.wrt.base for ix in _indexed_atoms(self.cost)):
            raise ClaimError(f"{cid}: the cost does not depend on the base {self.wrt.base} of wrt {self.wrt}")

    def expressions(self):
        return (self.cost, self.claimed, self.wrt)

    @property
    def out_indices(self) -> tuple:
        """Indices of ``wrt`` that range over all their values: those that do not occur in the
        cost and are not constrained to differ from another index (``distinct``)."""
        inner = sp.sympify(self.cost).free_symbols
        tied = {ix for pair in self.distinct for ix in pair}
        return tuple(ix for ix in self.wrt.indices if ix not in inner and ix not in tied)


def _column(x, what, cid):
    if isinstance(x, str):
        raise ClaimError(f"{cid}: {what} is a string; build it from SymPy symbols instead "
                         "(gradproof never parses text into expressions)")
    if isinstance(x, sp.MatrixBase):
        m = sp.ImmutableMatrix(x)
    elif isinstance(x, (tuple, list)):
        m = sp.ImmutableMatrix([[sp.sympify(v, strict=True)] for v in x])
    else:
        m = sp.ImmutableMatrix([[sp.sympify(x, strict=True)]])
    if m.shape[1] != 1:
        raise ClaimError(f"{cid}: {what} must be a scalar or a column, got shape {m.shape}")
    return m


@dataclass(frozen=True, kw_only=True)
class IndexedEqualityClaim(IndexedClaim):
    r"""$\mathrm{lhs} = \mathrm{rhs}$ for every size and every index (scalars or columns)."""

    lhs: Any
    rhs: Any
    kind: ClassVar[str] = "indexed_equality"

    @property
    def relations(self) -> tuple:
        return ("==",) * self.lhs.shape[0]

    def _normalize(self):
        lhs = _column(self.lhs, "lhs", self.id)
        rhs = _column(self.rhs, "rhs", self.id)
        if rhs.shape == (1, 1) and lhs.shape[0] > 1:
            rhs = sp.ImmutableMatrix([[rhs[0, 0]]] * lhs.shape[0])
        if lhs.shape != rhs.shape:
            raise ClaimError(f"{self.id}: lhs has shape {lhs.shape} but rhs has shape {rhs.shape}")
        _set(self, "lhs", lhs)
        _set(self, "rhs", rhs)
        self._normalize_indexed()

    def expressions(self):
        return (self.lhs, self.rhs)


@dataclass(frozen=True, kw_only=True)
class IndexedInequalityClaim(IndexedClaim):
    r"""$\mathrm{lhs}_r\ \mathcal{R}_r\ \mathrm{rhs}_r$ for every entry $r$, size and index."""

    lhs: Any
    relation: Any
    rhs: Any = 0
    kind: ClassVar[str] = "indexed_inequality"

    @property
    def relations(self) -> tuple:
        return self.relation

    def _normalize(self):
        lhs = _column(self.lhs, "lhs", self.id)
        rhs = _column(self.rhs, "rhs", self.id)
        if rhs.shape == (1, 1) and lhs.shape[0] > 1:
            rhs = sp.ImmutableMatrix([[rhs[0, 0]]] * lhs.shape[0])
        if lhs.shape != rhs.shape:
            raise ClaimError(f"{self.id}: lhs has shape {lhs.shape} but rhs has shape {rhs.shape}")
        rel = self.relation
        rel = (rel,) * lhs.shape[0] if isinstance(rel, str) else tuple(rel)
        if len(rel) != lhs.shape[0]:
            raise ClaimError(f"{self.id}: {len(rel)} relations for {lhs.shape[0]} entries")
        for r in rel:
            if r not in _RELATIONS:
                raise ClaimError(f"{self.id}: relation {r!r} is not one of {sorted(_RELATIONS)}")
        _set(self, "lhs", lhs)
        _set(self, "rhs", rhs)
        _set(self, "relation", rel)
        self._normalize_indexed()

    def expressions(self):
        return (self.lhs, self.rhs)
