r"""The mutant record: a plausible derivation mistake, as a wrong claim built from a right one.

A :class:`Mutant` takes a catalog claim that holds and changes one field (``claimed``, ``rhs``,
``relation``, ``value``, ``quoted``, ``criteria``, ...) the way a student's derivation goes
wrong; :data:`OPERATORS` names the kinds of mistake.  Each catalog module ``X`` keeps its
mutants beside it, in ``derivations/X_mutants.py`` (a tuple ``MUTANTS``), built with the helpers
below; :func:`derivations.mutants` lists them all.  Pure SymPy data: running a mutant through
the checker is ``checkers.mutation``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

__all__ = ["Mutant", "OPERATORS", "REQUIRED_OPERATORS", "row", "only_where", "times", "rel", "neg"]

OPERATORS = {
    "dropped factor": "a factor of the right answer is missing (sigma'(z), 1/n, x, a chain-rule -1)",
    "flipped sign": "a sign, or the direction of a relation, is reversed",
    "swapped a and y": "the activation and the target trade places",
    "transposed matrix": "W where W^T belongs (or the reverse)",
    "missing elementwise product": "an elementwise (Hadamard) product replaced by another operation",
    "wrong index": "an index that points at the wrong sample, input, class or layer",
    "dropped Kronecker delta": "delta_ij left out of a softmax-type Jacobian",
    "off by a constant": "the right answer times 2, 1/2, or n/(n-1)",
    "extra factor": "a factor that belongs to another formula (sigma'(z) carried over from MSE, x in a bias gradient)",
    "wrong argument": "the right function at the wrong argument",
    "wrong term": "one term replaced by a similar-looking one",
    "dropped term": "a term of a sum or difference left out",
    "wrong in a region": "right except on part of the domain (z > 5, saturation, a < y)",
    "wrong only at ties": "right except where two variables are equal",
    "wrong only at the domain edge": "right except within a hair of the domain's boundary",
    "relative 1e-6": "the right answer times (1 + 1e-6), everywhere",
    "wrong in one entry": "one entry of a matrix gradient off by 1% (the rest right)",
    "relative 1e-12": "the right answer times (1 + 1e-12): below every float64 tolerance (a constant "
                      "rounded to 12 digits)",
    "wrong value": "a limit or a quoted number that is not the true one",
}
"""The kinds of mistake, each with what it means (the mutation table lists them in this order)."""

REQUIRED_OPERATORS = (
    "dropped factor", "flipped sign", "swapped a and y", "transposed matrix",
    "missing elementwise product", "wrong index", "dropped Kronecker delta", "off by a constant",
    "wrong in a region", "wrong only at ties", "wrong only at the domain edge", "relative 1e-6",
)
"""The mistakes issue 6 names; the suite must contain each (tests check it)."""


@dataclass(frozen=True)
class Mutant:
    r"""A wrong claim built from a right one.

    ``original``: the id of a catalog claim that holds.  ``slug``: the mutant id is
    ``f"{original}.mut_{slug}"``.  ``operator``: a key of :data:`OPERATORS`.  ``mistake``: the
    mistake in words.  ``change``: a function returning the fields to replace (``claimed=``,
    ``rhs=``, ...), given the right claim.  ``why``: written by hand where one witness is
    expected to catch it alone (or to miss it), and why.
    """

    original: str
    slug: str
    operator: str
    mistake: str
    change: Callable = field(repr=False, compare=False)
    why: str = ""

    def __post_init__(self):
        if self.operator not in OPERATORS:
            raise ValueError(f"mutant {self.id}: unknown operator {self.operator!r}; "
                             f"use one of {sorted(OPERATORS)}")

    @property
    def id(self) -> str:
        return f"{self.original}.mut_{self.slug}"

    @property
    def family(self) -> str:
        """The catalog family of the claim it breaks (:func:`derivations.family_of`)."""
        from . import family_of

        return family_of(self.original)

    def right(self):
        """The catalog claim this mutant breaks."""
        from . import get

        return get(self.original)

    def claim(self):
        """The wrong claim: the right one with the changed fields (validated again)."""
        right = self.right()
        changes = self.change(right)
        if not changes:
            raise ValueError(f"mutant {self.id}: change() returned no fields to replace")
        note = f"MUTANT ({self.operator}) of {self.original}: {self.mistake}"
        return right.replace(id=self.id, title=f"Mutant of {self.original}: {self.mistake}",
                             note=note, **changes)


# --------------------------------------------------------------------------------------------
# Helpers that build mutated expressions


def row(*entries):
    """A 1 x n claimed gradient."""
    return sp.ImmutableMatrix([list(entries)])


def only_where(cond, wrong, right):
    r"""$\text{wrong}$ where ``cond`` holds, else $\text{right}$ (entrywise for matrices)."""
    if isinstance(right, sp.MatrixBase):
        w = wrong if isinstance(wrong, sp.MatrixBase) else sp.ImmutableMatrix(right.shape[0], right.shape[1],
                                                                                [wrong] * len(right))
        return sp.ImmutableMatrix(right.shape[0], right.shape[1],
                                  [sp.Piecewise((wi, cond), (ri, True)) for wi, ri in zip(w, right)])
    return sp.Piecewise((wrong, cond), (right, True))


def times(k):
    r"""The change $\text{claimed} \to k \cdot \text{claimed}$."""
    return lambda c: {"claimed": c.claimed * k}


def rel(eps=sp.Rational(1, 10**6)):
    r"""The change $\text{claimed} \to (1 + \varepsilon)\, \text{claimed}$ (default $10^{-6}$)."""
    return lambda c: {"claimed": c.claimed * (1 + eps)}


def neg():
    r"""The change $\text{claimed} \to -\text{claimed}$."""
    return lambda c: {"claimed": -c.claimed}
