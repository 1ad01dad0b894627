r"""Witness results, counterexamples and how verdicts combine.

A witness returns a :class:`WitnessResult`: ``PROVED``/``DISPROVED``/``UNDECIDED`` for the
symbolic witness, ``PASS``/``FAIL`` for the numeric ones, ``ERROR`` when it could not run.  A
numeric ``FAIL`` always carries a counterexample confirmed in high precision (mpmath, two
working precisions), so float64 noise never refutes a claim.

Verdicts (:func:`combine`):

* ``PROVED``    -- the symbolic witness proves it and every numeric witness passes;
* ``VERIFIED``  -- symbolic undecided, every numeric witness passes everywhere sampled;
* ``REFUTED``   -- a confirmed counterexample, and no witness proves the claim;
* ``DISPUTED``  -- witnesses disagree (one proves or passes where another has a confirmed
  counterexample): reported as such, never averaged away;
* ``UNDECIDED`` -- no witness could decide (e.g. every numeric witness errored);
* ``ERROR``     -- the claim or its input is malformed; the message says what is wrong.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

__all__ = ["WitnessResult", "Counterexample", "ClaimResult", "combine", "VERDICTS",
           "HOLDS", "PASS", "FAIL", "PROVED", "DISPROVED", "UNDECIDED", "ERROR", "NOT_APPLICABLE"]

PASS, FAIL = "PASS", "FAIL"
PROVED, DISPROVED, UNDECIDED = "PROVED", "DISPROVED", "UNDECIDED"
ERROR, NOT_APPLICABLE = "ERROR", "N/A"
VERDICTS = ("PROVED", "VERIFIED", "REFUTED", "DISPUTED", "UNDECIDED", "ERROR")
HOLDS = ("PROVED", "VERIFIED")


@dataclass
class Counterexample:
    """A point where the claim fails, with both values.

    ``point``: variable name -> value (exact string where the point is simple, else the float);
    ``claimed``/``true``: the two sides (strings, exact where known, else 17 significant digits);
    ``component``: which entry of a vector/matrix claim; ``confirmed``: how it was confirmed;
    ``by_hand``: a short derivation a student can redo.
    """

    point: dict
    claimed: str
    true: str
    component: str = ""
    confirmed: str = ""
    by_hand: str = ""
    found_by: str = ""
    labels: tuple = ("claimed", "true")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def __str__(self) -> str:
        at = ", ".join(f"{k}={v}" for k, v in self.point.items()) or "(no variables)"
        comp = f" [{self.component}]" if self.component else ""
        a, b = self.labels
        return f"at {at}{comp}: {a} {self.claimed}, {b} {self.true}"


@dataclass
class WitnessResult:
    """One witness's evidence for one claim.

    ``per_point``: the per-point evidence a witness recorded for the report's figures (for the
    float64 comparison of :func:`checkers.pointwise.decide`: arrays ``relerr``, ``decided``,
    ``magnitude``, ``regime`` over the sample), or ``None``.  It travels with the result (pickled
    from a worker process) but is not part of :meth:`to_dict` (the JSON report).
    ``conclusive``: ``False`` for a witness whose PASS is weaker evidence than another witness's
    confirmed counterexample (it tests fewer points, or cannot resolve a difference as small as
    the others can: the scalar Taylor remainder sees a wrong directional derivative only above
    about $10^{-8}$ relative, at 32 points).  Its PASS then does not dispute a counterexample
    (:func:`combine`); its own confirmed counterexample refutes like any other.
    """

    witness: str
    status: str
    method: str = ""
    worst_error: float | None = None
    tolerance: str = ""
    points: int = 0
    float64_points: int = 0
    escalated: int = 0
    detail: str = ""
    counterexample: Counterexample | None = None
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)
    per_point: dict | None = field(default=None, repr=False, compare=False)
    conclusive: bool = field(default=True, repr=False)

    @property
    def holds(self) -> bool:
        return self.status in (PASS, PROVED)

    @property
    def fails(self) -> bool:
        return self.status in (FAIL, DISPROVED)

    def to_dict(self) -> dict:
        """Every field but ``per_point`` and ``conclusive``, as plain data."""
        d = dataclasses.asdict(dataclasses.replace(self, per_point=None))
        del d["per_point"], d["conclusive"]
        d["counterexample"] = self.counterexample.to_dict() if self.counterexample else None
        return d


@dataclass
class ClaimResult:
    """The verdict on one claim, with every witness's evidence.

    ``points``: how many points the witnesses were asked about (after any set aside);
    ``sample_shares``: sample regime -> number of those points; ``kinks``: the
    :class:`checkers.kinks.Kink` sets where the cost is not differentiable; ``set_aside``: sampled
    points lying exactly on a kink, not checked.
    """

    claim: Any
    verdict: str
    witnesses: list
    seed: int
    seconds: float = 0.0
    message: str = ""
    points: int = 0            # points the witnesses were asked about (after any set aside)
    sample_shares: dict = field(default_factory=dict)   # sample regime -> number of points
    kinks: tuple = ()          # checkers.kinks.Kink sets where the cost is not differentiable
    set_aside: int = 0         # sampled points lying exactly on a kink, not checked
    region: Any = None         # checkers.regions.Region: where a refuted claim holds
    replayed: bool = False     # replayed from the result cache (checkers.result_cache)

    @property
    def counterexample(self) -> Counterexample | None:
        for w in self.witnesses:
            if w.fails and w.counterexample is not None and w.witness == "symbolic":
                return w.counterexample
        for w in self.witnesses:
            if w.fails and w.counterexample is not None:
                return w.counterexample
        return None

    @property
    def holds(self) -> bool:
        return self.verdict in HOLDS

    def witness(self, name: str) -> WitnessResult | None:
        for w in self.witnesses:
            if w.witness == name:
                return w
        return None

    def unchecked_note(self) -> str:
        """``"12 point(s) unchecked by autodiff, 3 by finite differences (beyond the referee's
        reach or budget)"`` from the witnesses' ``extra["unchecked"]``, or ``""`` when every point
        was decided (or the message already says so)."""
        counts = [(w.witness, int(w.extra.get("unchecked", 0) or 0)) for w in self.witnesses]
        counts = [(name, n) for name, n in counts if n > 0]
        if not counts or "unchecked" in self.message:
            return ""
        parts = [f"{n} point(s) unchecked by {name}" if i == 0 else f"{n} by {name}"
                 for i, (name, n) in enumerate(counts)]
        return ", ".join(parts) + " (beyond the referee's reach or budget)"

    def _repr_markdown_(self) -> str:
        """Jupyter's display of the result: the claim's section of the Markdown report (statement
        as math, verdict, the witnesses' table, the counterexample worked by hand, where it holds),
        from :func:`checkers.report.notebook.result_markdown`.  The report imports this module,
        so the renderer is reached through the lazy ``checkers`` namespace when called."""
        import checkers

        return checkers.report.result_markdown(self)

    def __str__(self) -> str:
        """The verdict line (with the message, and the points left unchecked: never only in the
        JSON), then one line per witness and the counterexample."""
        notes = [x for x in (self.message, self.unchecked_note()) if x]
        lines = [f"{self.claim.id}: {self.verdict}" + (f" -- {'; '.join(notes)}" if notes else "")]
        for w in self.witnesses:
            err = f", worst rel. error {w.worst_error:.1e}" if w.worst_error is not None else ""
            pts = f", {w.points} points" if w.points else ""
            lines.append(f"  {w.witness:<19} {w.status:<9} {w.method}{err}{pts}")
            if w.detail and w.status not in (PASS, PROVED):
                lines.append(f"      {w.detail}")
        ce = self.counterexample
        if ce is not None:
            lines.append(f"  counterexample {ce}")
            if ce.by_hand:
                lines.append(f"      by hand: {ce.by_hand}")
        if self.region is not None:
            lines.append(f"  where it holds: {self.region}")
        return "\n".join(lines)


def combine(witnesses: list) -> tuple[str, str]:
    """Verdict and a one-line reason from the witnesses' results (see the module docstring)."""
    sym = [w for w in witnesses if w.witness == "symbolic"]
    num = [w for w in witnesses if w.witness != "symbolic" and w.status != NOT_APPLICABLE]
    errors = [w for w in witnesses if w.status == ERROR]
    sym_status = sym[0].status if sym else UNDECIDED
    num_fail = [w for w in num if w.status == FAIL]
    num_pass = [w for w in num if w.status == PASS]
    if num_fail:  # a pass that cannot resolve what the failing witness found is no dispute
        num_pass = [w for w in num_pass if w.conclusive]
    if num_fail and (sym_status == PROVED or num_pass):
        names = ", ".join(w.witness for w in num_fail)
        agree = ", ".join([w.witness for w in num_pass] + (["symbolic"] if sym_status == PROVED else []))
        return "DISPUTED", f"{names} found a counterexample but {agree} did not"
    if sym_status == DISPROVED and num_pass and not num_fail:
        return "DISPUTED", "the symbolic witness disproved it but the numeric witnesses passed"
    if num_fail or (sym_status == DISPROVED and not num_pass):
        return "REFUTED", ""
    if errors and not num_pass:
        return ("ERROR" if all(w.status == ERROR for w in witnesses) else "UNDECIDED",
                "; ".join(f"{w.witness}: {w.detail}" for w in errors))
    if sym_status == PROVED and all(w.status == PASS for w in num):
        return "PROVED", ""
    if num and all(w.status == PASS for w in num):
        return "VERIFIED", ("" if not errors else "; ".join(f"{w.witness}: {w.detail}" for w in errors))
    if sym_status == PROVED and not num:
        return "PROVED", ""
    return "UNDECIDED", "; ".join(f"{w.witness}: {w.status}" for w in witnesses)
