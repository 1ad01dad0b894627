r"""Where a refuted claim holds: the region, found, stated and checked.

A REFUTED (or DISPUTED) verdict says a claim is false somewhere on its domain; the reader's next
question is *where it is true*.  :func:`find_region` asks the claim's kind
(:attr:`checkers.kinds.Kind.region`) for it, and the engine attaches the answer to the result
(``ClaimResult.region``), so ``checkers.verify``, ``assert_claim``, ``gradproof check`` and the
report show the same region.

A :class:`Region` is one of

* a set stated exactly (``holds iff y \in (0, 1)``, ``holds iff k = y_i``, ``holds only at
  u = 0``), each of its cells checked again as a claim of its own by the kind's witnesses on the
  same seed: **PROVED** when SymPy found the set and the cells are PROVED, **VERIFIED** when
  the cells are only verified numerically;
* **nowhere**: the claim fails at every point of its domain, **PROVED** when SymPy shows the
  condition has no solution there, **VERIFIED** when it fails at every point sampled;
* a set *described* from the sample (``holds at 312 of 1024 sampled points ...``) when neither
  SymPy nor the cells settle it: status **UNDECIDED**, with the evidence.

The scalar kinds solve the condition with SymPy (:mod:`checkers.scalar_regions`; a limit or a
quoted value has no free variable and holds nowhere when false), the any-$K$ kinds split the
index coincidences (:mod:`checkers.indexed.regions`).  The network and experiment kinds have no
finder yet: their region says "not searched".  A finder that raises gives an UNDECIDED region
naming the error; a region never changes the verdict.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field

__all__ = ["Region", "find_region", "REGION_VERDICTS", "cells_status"]

#: The verdicts that get a region.
REGION_VERDICTS = ("REFUTED", "DISPUTED")


@dataclass
class Region:
    r"""Where a claim holds.

    ``text``: the statement in words (``"holds iff y in (0, 1)"``); ``latex``: the set in LaTeX
    (``y \in (0, 1)``, empty for nowhere); ``status``: ``PROVED``, ``VERIFIED`` or ``UNDECIDED``
    (module docstring); ``witness``: what decided it (``"SymPy solveset on the residual; each
    cell re-checked by the claim's witnesses"``); ``nowhere``: the claim holds at no point of
    its domain; ``cells``: ``(where, verdict)`` of each cell checked as a claim of its own;
    ``evidence``: a sentence of support (counts, the solution set before intersecting with the
    domain).
    """

    text: str
    status: str
    witness: str
    latex: str = ""
    nowhere: bool = False
    cells: tuple = ()
    evidence: str = ""
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The JSON ``region`` record (documented in the README's *Where a claim holds*)."""
        return {"text": self.text, "latex": self.latex, "status": self.status,
                "witness": self.witness, "nowhere": self.nowhere,
                "cells": [{"where": w, "verdict": v} for w, v in self.cells],
                "evidence": self.evidence}

    def __str__(self) -> str:
        return f"{self.text} [{self.status}: {self.witness}]"


def cells_status(verdicts, symbolic: bool) -> str:
    """A region's status from its cells' verdicts: PROVED when every cell is PROVED and the set
    came from SymPy, VERIFIED when every cell holds, else UNDECIDED."""
    verdicts = list(verdicts)
    if verdicts and all(v == "PROVED" for v in verdicts) and symbolic:
        return "PROVED"
    if verdicts and all(v in ("PROVED", "VERIFIED") for v in verdicts):
        return "VERIFIED"
    return "UNDECIDED"


def find_region(claim, kind, witnesses, *, seed: int, points: int, check) -> Region:
    """The region of a refuted claim from its kind's finder.

    ``witnesses``: the claim's witness results; ``check(derived_claim) -> ClaimResult``
    verifies a cell as a claim of its own (the engine's ``verify`` with the same seed and
    points, without a region of its own).  A kind without a finder gives an UNDECIDED region
    that says so; a finder that raises gives one naming the error.
    """
    if kind is None or kind.region is None:
        return Region(text=f"region not searched: no region search for {claim.kind} claims yet",
                      status="UNDECIDED", witness="none")
    try:
        return kind.region(claim, witnesses, seed=seed, points=points, check=check)
    except Exception as err:  # noqa: BLE001 - a region is evidence, never a crash
        where = traceback.extract_tb(err.__traceback__)[-1]
        return Region(text="region not found", status="UNDECIDED",
                      witness=f"the region search stopped: {type(err).__name__}: "
                              f"{str(err)[:200]} (in {where.name})")
