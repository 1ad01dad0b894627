"""The public function: :func:`verify_implementation` and its record and result types."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from derivations import Claim, ClaimError, GradientClaim

from .._precision import require_float64
from ..engine import DEFAULT_SEED
from ..engine import verify as verify_claim
from ..highprec import fmt
from ..kinks import find_kinks, on_kink
from ..lambdify import numpy_fn
from ..results import ERROR, FAIL, PASS, UNDECIDED, ClaimResult, WitnessResult
from ..sampling import DEFAULT_POINTS, Sample, sample
from ..symbolic import USER_SYMBOLIC_SECONDS
from .comparison import Side, compare, flush
from .evaluation import Evaluator
from .layout import ImplementationError, arrays, layout, slug
from .tolerance import IMPL_RTOL

__all__ = ["Implementation", "ImplementationResult", "verify_implementation"]


@dataclass(frozen=True)
class Implementation:
    """An implementation to check against a claim (what ``gradproof check`` collects).

    ``fn(*args)``: the value; ``args``: how the claim's variables are passed (see
    :func:`verify_implementation`); ``grad``: a NumPy backward function, or None for a JAX ``fn``.
    """

    fn: Callable
    claim: GradientClaim
    args: Any = None
    grad: Callable | None = None
    name: str | None = None


@dataclass
class ImplementationResult(ClaimResult):
    """A :class:`~checkers.results.ClaimResult` for an implementation.

    ``claim`` is a copy of the target claim with id ``<claim id>.impl_<name>`` (so reports get one
    row per implementation); ``target`` is the claim itself; ``claim_result`` its own verdict
    (None with ``check_claim=False``); ``name`` the implementation's name.  ``points``: the
    sampled points; ``kinks``: the cost's kinks, ``set_aside``: points on one, left out of the
    gradient comparison.
    """

    target: Any = None
    claim_result: ClaimResult | None = None
    name: str = ""

    def _repr_markdown_(self) -> str:
        """Jupyter's display: which function implements which claim, the comparison as the
        report shows a claim (statement as math, verdict, the witnesses' table, the
        counterexample), then the verdict on the derivation itself
        (:func:`checkers.report.notebook.implementation_markdown`)."""
        from ..report.notebook import implementation_markdown

        return implementation_markdown(self)

    def __str__(self) -> str:
        notes = [x for x in (self.message, self.unchecked_note()) if x]
        lines = [f"{self.target.id} implemented by {self.name}: {self.verdict}"
                 + (f" -- {'; '.join(notes)}" if notes else "")]
        for w in self.witnesses:
            err = f", worst rel. error {w.worst_error:.1e}" if w.worst_error is not None else ""
            pts = f", {w.points} points" if w.points else ""
            lines.append(f"  {w.witness:<24} {w.status:<6} {w.method}{err}{pts}")
            if w.detail and w.status != PASS:
                lines.append(f"      {w.detail}")
        ce = self.counterexample
        if ce is not None:
            lines.append(f"  counterexample {ce}")
        if self.claim_result is not None:
            lines.append(f"  the derivation itself: {self.claim_result.verdict}"
                         + (f" -- {self.claim_result.message}" if self.claim_result.message
                            and not self.claim_result.holds else ""))
            ce = self.claim_result.counterexample
            if ce is not None and not self.claim_result.holds:
                lines.append(f"      counterexample {ce}")
        return "\n".join(lines)



def _low_precision_notes(low) -> dict:
    """Witness name -> "... computes in float32 (...)" from :meth:`.evaluation.Evaluator.low_precision`
    (empty for a NumPy implementation or a float64 computation).  A narrow forward pass names
    both witnesses (the gradient is computed from it); a narrow backward pass only the
    gradient's."""
    if not low:
        return {}

    def ops(found):
        shown = ", ".join(found[:4]) + (f", ... ({len(found)} in all)" if len(found) > 4 else "")
        return found[0].split()[-1], shown

    if low.get("value"):
        dtype, shown = ops(low["value"])
        note = f"fn computes in {dtype} (its jaxpr has {shown})"
        return {"implementation value": note, "implementation gradient": note}
    if low.get("gradient"):
        dtype, shown = ops(low["gradient"])
        return {"implementation gradient": f"the backward pass computes in {dtype} (the jaxpr of "
                                           f"jax.jacrev(fn) has {shown})"}
    return {}


def verify_implementation(fn, claim=None, *, args=None, grad=None, name=None,
                          seed: int = DEFAULT_SEED, points: int = DEFAULT_POINTS,
                          at=None, rtol: float = IMPL_RTOL, check_claim: bool = True,
                          symbolic_seconds: float | None = None) -> ImplementationResult:
    r"""Check ``fn`` (value) and its gradient against the gradient claim ``claim``.

    ``fn(*args)`` returns the cost (a scalar, or $m$ values for a column cost).  ``args``
    says which claim variables ``fn`` takes, in order: each entry a Symbol (passed as a float64
    scalar) or a tuple of Symbols (a 1-D array; nested tuples make 2-D arrays); variables with an
    integer domain are passed as int64.  Default: every claim variable as a scalar, in domain
    order.  ``grad(*args)``: for a NumPy implementation, the gradient with respect to each
    argument that holds a ``wrt`` variable (one array, or a tuple of them); without it, ``fn``
    must be a JAX function and ``jax.jacrev`` is used (a ``jax.custom_vjp``'s backward pass).
    ``at``: extra points (an array, one row per point, columns in ``claim.variables`` order,
    float64).  ``fn`` may also be an :class:`Implementation`.  ``check_claim``: also check the
    derivation itself (SymPy bound ``symbolic_seconds``, default
    :data:`checkers.symbolic.USER_SYMBOLIC_SECONDS`).

    Returns an :class:`ImplementationResult`: VERIFIED, UNDECIDED (a comparison decided no
    point: every point beyond float64 and the referee), REFUTED (with the counterexample: the
    point, the implementation's value and the claim's, which entry), or ERROR when the
    implementation raised (the message names the point and the exception).  A JAX
    implementation with float32 (or narrower) values in its forward or backward pass is named
    ("the backward pass computes in float32 (...)") in the message and the witness's detail:
    the verdict stays that of the comparison -- REFUTED at the confirmed point where the narrow
    arithmetic shows (a real float64 defect, ~1e-8 off), VERIFIED with the note where every
    point agrees (a float32 mask of 0s and 1s is exact).  Raises
    :class:`ImplementationError` for an argument layout or output shape that does not fit the
    claim, and :class:`checkers.Float32Error` for float32 inputs or outputs.
    """
    if isinstance(fn, Implementation):
        fn, claim, args, grad, name = fn.fn, fn.claim, fn.args, fn.grad, fn.name or name
    t0 = time.monotonic()
    if not isinstance(claim, Claim):
        raise TypeError("verify_implementation() needs a derivations claim, got "
                        f"{type(claim).__name__}")
    if not isinstance(claim, GradientClaim):
        raise ClaimError(f"{claim.id}: an implementation is checked against a gradient claim, "
                         f"not a {claim.kind} claim")
    if not callable(fn) or (grad is not None and not callable(grad)):
        raise ImplementationError(f"{claim.id}: fn and grad must be callables")
    name = name or getattr(fn, "__name__", None) or type(fn).__name__
    arg_layout = layout(claim, args, name)
    smp = sample(claim, points, seed)
    if at is not None:
        extra = np.asarray(at)
        require_float64(f"{claim.id}: points given in at= for implementation {name}", extra)
        extra = np.atleast_2d(extra.astype(np.float64))
        if extra.shape[1] != len(smp.variables):
            raise ImplementationError(f"{claim.id}: at= has {extra.shape[1]} column(s); the claim has "
                                      f"{len(smp.variables)} variables {smp.variables}")
        outside = [str(v) for k, v in enumerate(smp.variables)
                   if not all(smp.domain_of(v).contains(p) for p in extra[:, k])]
        if outside:
            raise ImplementationError(f"{claim.id}: at= has points outside the domain of {outside}")
        smp = smp.with_points(extra, "given")
    evaluate_raw = Evaluator(fn, grad, claim, arg_layout, name)

    def evaluate(pts):
        one = Sample(smp.variables, pts, np.array(["given"] * len(pts), dtype=object), seed,
                     info=smp.info)
        return evaluate_raw(arrays(arg_layout, one))

    vals, jac, errors = evaluate_raw(arrays(arg_layout, smp))
    report_claim = claim.replace(id=f"{claim.id}.impl_{slug(name)}",
                                 title=f"implementation {name} of: {claim.title}")
    witnesses, messages = [], []
    kinks, set_aside = (), 0
    if errors and errors[0][0] is None:  # could not run at all (tracing failed, wrong signature)
        err = errors[0][1]
        msg = (f"{claim.id}: implementation {name} could not be evaluated: {type(err).__name__}: "
               f"{str(err).splitlines()[0][:300] if str(err) else ''}")
        if grad is None:
            msg += " (without grad=, fn must be a JAX function; pass grad= for a NumPy implementation)"
        witnesses.append(WitnessResult("implementation", ERROR, detail=msg))
        messages.append(msg)
    else:
        raised = {i for i, _ in errors}
        if errors:
            i, err = errors[0]
            pt = ", ".join(f"{v}={fmt(p)}" for v, p in zip(smp.variables, smp.points[i]))
            msg = (f"{claim.id}: implementation {name} raised {type(err).__name__}: "
                   f"{str(err)[:200]} at {pt} (sample regime {smp.regimes[i]}); it raised at "
                   f"{len(errors)} of {len(smp)} points")
            witnesses.append(WitnessResult("implementation", ERROR, detail=msg))
            messages.append(msg)
        rows = [i for i in range(len(smp)) if i not in raised]
        variables = smp.variables
        ref_v = numpy_fn(variables, claim.cost)(*smp.columns()).reshape(len(smp), -1)
        ref_g = numpy_fn(variables, claim.claimed)(*smp.columns()).reshape(len(smp), -1)
        m, n = claim.claimed.shape
        value_side = Side("implementation value", "fn(*args) against the claim's cost, float64",
                          claim.cost, [f"output {a}" if m > 1 else "value" for a in range(m)],
                          ("implementation", "cost"))
        grad_side = Side("implementation gradient", evaluate_raw.method, claim.claimed,
                         [(f"output {a}, " if m > 1 else "") + f"d/d{claim.wrt[b]}"
                          for a in range(m) for b in range(n)],
                         ("implementation", "claimed derivative"))

        def pick_value(res):
            return None if res[2] else res[0]

        def pick_grad(res):
            return None if res[2] else res[1].reshape(res[1].shape[0], -1)

        witnesses.append(compare(value_side, claim, smp, rows, vals, ref_v, rtol,
                                 evaluate, pick_value, (), t0))
        kinks = tuple(find_kinks(claim))
        kink_at = np.full(len(smp), -1)
        if kinks:  # on the kink, or on it as XLA reads the point (subnormal coordinates as 0)
            kink_at = np.maximum(on_kink(kinks, variables, smp.points),
                                 on_kink(kinks, variables, flush(smp.points)))
        grad_rows = [i for i in rows if kink_at[i] < 0]
        gw = compare(grad_side, claim, smp, grad_rows, jac.reshape(len(smp), -1), ref_g, rtol,
                     evaluate, pick_grad, kinks, time.monotonic())
        set_aside = len(rows) - len(grad_rows)
        if set_aside:
            gw.detail += (f"; {set_aside} point(s) on a kink of the cost set aside ("
                          + "; ".join(k.describe() for k in kinks) + ")")
        witnesses.append(gw)
    claim_result = None
    if check_claim:
        claim_result = verify_claim(claim, seed=seed, points=points,
                                    symbolic_seconds=symbolic_seconds or USER_SYMBOLIC_SECONDS)
    notes = _low_precision_notes(evaluate_raw.low)
    for w in witnesses:
        if w.witness in notes:
            w.extra["low_precision"] = notes[w.witness]
            if w.status == FAIL:
                w.detail = f"{notes[w.witness]}: {w.detail}"
    failed = [w for w in witnesses if w.status == FAIL]
    if failed:
        verdict = "REFUTED"
        messages.insert(0, "; ".join(f"{w.witness} differs from the claim"
                                     + (f": {notes[w.witness]}" if w.witness in notes else "")
                                     for w in failed))
    elif any(w.status == ERROR for w in witnesses):
        verdict = "ERROR"
    elif any(w.status == UNDECIDED for w in witnesses):
        verdict = "UNDECIDED"
        messages.append("; ".join(f"{w.witness} decided no point ({w.detail})"
                                  for w in witnesses if w.status == UNDECIDED))
    elif claim_result is not None and not claim_result.holds:
        verdict = claim_result.verdict if claim_result.verdict != "ERROR" else "ERROR"
        messages.append(f"the implementation matches the claim, but the claim itself is "
                        f"{claim_result.verdict}")
    else:
        verdict = "VERIFIED"
    for note in dict.fromkeys(notes.values()):
        if not any(w.status == FAIL and notes.get(w.witness) == note for w in witnesses):
            messages.append(f"{note}, but every point compared agrees")
    unchecked = sum(w.extra.get("unchecked", 0) for w in witnesses)
    if verdict == "VERIFIED" and unchecked:
        beyond = sum(w.extra.get("beyond", 0) for w in witnesses)
        why = ("beyond the referee" if beyond == unchecked else "over the referee's budget"
               if not beyond else "beyond the referee's reach or budget")
        messages.append(f"{unchecked} point comparison(s) unchecked ({why})")
    return ImplementationResult(report_claim, verdict, witnesses, seed, time.monotonic() - t0,
                                "; ".join(messages), points=len(smp),
                                sample_shares=smp.shares(), kinks=kinks, set_aside=set_aside,
                                target=claim, claim_result=claim_result, name=name)
