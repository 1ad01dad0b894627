r"""The numeric witnesses of indexed claims, at each concrete size (by default $K = 2, 10, 1000$).

* ``autodiff``: ``jax.grad`` of the cost over the whole base against the claimed expression
  evaluated for every value of the free ``wrt`` indices (:func:`~.arrays._autodiff_arrays`);
* ``finite differences``: the complex step, or Richardson central differences when the cost is
  not analytic in the base, along each checked entry (:func:`~.arrays._fd_arrays`);
* ``sampling`` (equalities, inequalities): both sides at every point, every index sampled.

Each draws its own points per size (:func:`~.points.sample_points`, seeded by the engine's
sample).  A point is decided in float64 by :func:`checkers.compare.float64_agree` (the
tolerances of :mod:`checkers.pointwise`: for identities the rule
$|c - r| \le \mathrm{rtol}\max(|c|, |r|, \max_{\text{row}} |r|)$, plus 10 times the Richardson
error estimate; an inequality's entries are separate bounds, each with its own scale: $a_j > 0$
next to $a_j < 1$ must not need $a_j > 10^{-12}$), and what float64 leaves undecided goes to
the referee (:mod:`.referee`) with the witness's budget split evenly over the sizes.  A witness
fails only on a counterexample confirmed there; a size where no point could be decided is no
evidence (``UNDECIDED`` if that holds at every size).

Public API: :func:`autodiff_witness`, :func:`finite_diff_witness`, :func:`sampling_witness`,
:func:`check_at`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from ..autodiff import AUTODIFF_RTOL
from ..compare import float64_agree
from ..evaluation import EVAL_RTOL
from ..finite_diff import CS_RTOL, FD_RTOL
from ..results import FAIL, PASS, UNDECIDED, Counterexample, WitnessResult
from . import arrays
from .arrays import _analytic, _evaluator, _fd_arrays, _fd_out
from .points import Seed, _instances, _out_arrays, _seed_of, sample_points
from .referee import (ESCALATE_WORK, Referee, _confirm_diff, _escalate, _gradient_row_names,
                      _simplifier)

__all__ = ["autodiff_witness", "finite_diff_witness", "sampling_witness", "check_at"]


@dataclass
class _SizeOutcome:
    """What a witness found at one concrete size."""

    sizes: dict
    points: int
    float64: int
    escalated: int = 0
    unchecked: int = 0
    worst: float = 0.0
    ce: Counterexample | None = None
    seconds: float = 0.0
    regimes: dict = field(default_factory=dict)


def _gradient_check(claim, sample, witness, *, sizes=None, points=None):
    """The autodiff or finite-difference witness (``witness``) at each size, in order, stopping
    at the first size with a confirmed counterexample."""
    t0 = time.monotonic()
    seed = _seed_of(sample)
    true = sp.diff(claim.cost, claim.wrt)
    outcomes = []
    analytic = _analytic(claim, claim.cost)
    instances = _instances(claim, sizes)
    for sz in instances:
        ts = time.monotonic()
        pts = sample_points(claim, sz, points, seed)
        out = _out_arrays(claim, sz)
        if witness == "finite differences":
            out = _fd_out(claim, pts, out)
        if witness == "autodiff":
            ref, cl = arrays._autodiff_arrays(claim, pts, out)
        else:
            ref, cl, est = _fd_arrays(claim, pts, out, analytic)
        n = len(pts)
        ref, cl = ref.reshape(n, -1), cl.reshape(n, -1)
        rtol = AUTODIFF_RTOL if witness == "autodiff" else (CS_RTOL if analytic else FD_RTOL)
        extra = None if (witness == "autodiff" or analytic) else est.reshape(n, -1)
        ok, relerr = float64_agree(cl, ref, rtol=rtol, relations=("==",),
                                   atol=0.0 if extra is None else extra)
        referee = Referee(claim, pts, [claim.claimed], [true], ("==",), out)
        name, extra_of = _gradient_row_names(claim, pts, out)
        esc, unchecked, ce = _escalate(
            claim, pts, ok, referee, name, witness, confirm=_confirm_diff(claim, pts, out),
            simplify=_simplifier(claim, pts, referee), extra_of=extra_of,
            budget=ESCALATE_WORK // len(instances))
        worst = float(relerr.max()) if relerr.size else 0.0
        outcomes.append(_SizeOutcome(sz, n, int(ok.all(axis=1).sum()), esc, unchecked, worst, ce,
                                     time.monotonic() - ts, _shares(pts)))
        if ce is not None:
            break
    if witness == "autodiff":
        method = "jax.grad of the cost over the whole base (vectorized index interpreter), every entry of the row"
        tol = f"rel. {AUTODIFF_RTOL:.0e}"
    elif analytic:
        method = "complex step along each checked entry (vectorized index interpreter)"
        tol = f"rel. {CS_RTOL:.0e}"
    else:
        method = "central differences + Richardson along each checked entry"
        tol = f"10 x Richardson error estimate + rel. {FD_RTOL:.0e}"
    return _result(witness, method, tol, outcomes, t0)


def _result(witness, method, tol, outcomes, t0):
    """The witness's result from its per-size outcomes."""
    ce = next((o.ce for o in outcomes if o.ce is not None), None)
    total = sum(o.points for o in outcomes)
    per = "; ".join(_size_text(o) for o in outcomes)
    if ce is not None:
        detail = f"counterexample confirmed in high precision ({ce}); {per}"
    else:
        detail = per
    decided = sum(o.points - o.unchecked for o in outcomes)   # in float64 or by the referee
    # no point decided at any size (all beyond float64 and the referee): no evidence, not a pass
    status = FAIL if ce is not None else (PASS if decided > 0 or total == 0 else UNDECIDED)
    return WitnessResult(witness=witness, status=status, method=method,
                         worst_error=max((o.worst for o in outcomes), default=0.0), tolerance=tol,
                         points=total, float64_points=sum(o.float64 for o in outcomes),
                         escalated=sum(o.escalated for o in outcomes), detail=detail, counterexample=ce,
                         seconds=time.monotonic() - t0,
                         extra={"unchecked": sum(o.unchecked for o in outcomes) if ce is None else 0,
                                "per_size": [{"sizes": {str(k): v for k, v in o.sizes.items()},
                                              "points": o.points, "float64": o.float64,
                                              "escalated": o.escalated, "unchecked": o.unchecked,
                                              "worst_error": o.worst, "regimes": o.regimes,
                                              "seconds": round(o.seconds, 3)}
                                             for o in outcomes]})


def _shares(pts) -> dict:
    """Points per sample regime."""
    labels, counts = np.unique(pts.regimes.astype(str), return_counts=True)
    return {str(k): int(c) for k, c in zip(labels, counts)}


def _size_text(o):
    """One size's outcome as text."""
    at = ", ".join(f"{k} = {v}" for k, v in o.sizes.items())
    parts = [f"{at}: {o.float64} of {o.points} points decided in float64"]
    if o.escalated:
        parts.append(f"{o.escalated} sent to mpmath")
    if o.unchecked:
        parts.append(f"{o.unchecked} unchecked (beyond the referee's reach or budget)")
    return ", ".join(parts)


def autodiff_witness(claim, sample=None, *, sizes=None, points=None) -> WitnessResult:
    """``jax.grad`` against the claimed derivative at each concrete size (see module docstring)."""
    return _gradient_check(claim, sample, "autodiff", sizes=sizes, points=points)


def finite_diff_witness(claim, sample=None, *, sizes=None, points=None) -> WitnessResult:
    """Complex step / Richardson differences against the claimed derivative at each size."""
    return _gradient_check(claim, sample, "finite differences", sizes=sizes, points=points)


def sampling_witness(claim, sample=None, *, sizes=None, points=None) -> WitnessResult:
    """Both sides of an indexed equality or inequality at every point, at each size."""
    t0 = time.monotonic()
    seed = _seed_of(sample)
    outcomes = []
    rels = claim.relations
    instances = _instances(claim, sizes)
    for sz in instances:
        ts = time.monotonic()
        pts = sample_points(claim, sz, points, seed)
        ev = _evaluator(claim, pts, "numpy")
        n = len(pts)
        with np.errstate(all="ignore"):
            lhs = np.stack([np.asarray(ev(e), dtype=np.float64).reshape(n) for e in claim.lhs], axis=1)
            rhs = np.stack([np.asarray(ev(e), dtype=np.float64).reshape(n) for e in claim.rhs], axis=1)
        identity = all(r == "==" for r in rels)
        ok, relerr = float64_agree(lhs, rhs, rtol=EVAL_RTOL, relations=("==",) if identity else rels)
        referee = Referee(claim, pts, list(claim.lhs), list(claim.rhs), rels, ())

        def name(i, k):
            return f"entry {k}" if len(rels) > 1 else ""

        esc, unchecked, ce = _escalate(claim, pts, ok, referee, name, "sampling",
                                       simplify=_simplifier(claim, pts, referee),
                                       budget=ESCALATE_WORK // len(instances))
        outcomes.append(_SizeOutcome(sz, n, int(ok.all(axis=1).sum()), esc, unchecked,
                                     float(relerr.max()) if relerr.size else 0.0, ce, time.monotonic() - ts,
                                     _shares(pts)))
        if ce is not None:
            break
    return _result("sampling", "NumPy float64 (vectorized index interpreter), mpmath where undecided",
                   f"rel. {EVAL_RTOL:.0e}", outcomes, t0)


def check_at(claim, sizes, *, witness="autodiff", points=None, seed=0) -> WitnessResult:
    """One numeric witness at the given sizes: the benchmark entry point.

    ``sizes``: an int (one size symbol), a mapping, or a sequence of either;
    ``witness``: ``"autodiff"``, ``"finite differences"`` or ``"sampling"``; ``points``:
    points per size (default :func:`points_for`).
    """
    witnesses = {"autodiff": autodiff_witness, "finite differences": finite_diff_witness,
                 "sampling": sampling_witness}
    if witness not in witnesses:
        raise ValueError(f"{claim.id}: witness {witness!r} is not one of {sorted(witnesses)}")
    if isinstance(sizes, (int, dict)):
        sizes = [sizes]
    return witnesses[witness](claim, Seed(seed), sizes=sizes, points=points)
