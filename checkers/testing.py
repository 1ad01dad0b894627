r"""One-line assertions for your own test suite (pytest or plain ``assert``-style code).

::

    from checkers.testing import assert_claim, assert_implementation

    def test_tanh_mse_gradient():
        assert_claim(my_claims.grad_w)                       # PROVED or VERIFIED, else fails

    def test_my_custom_vjp():
        assert_implementation(my_loss, my_claims.grad_w)     # value and jax.grad vs the claim

A failing assertion raises ``AssertionError`` whose message starts with the claim, the verdict
and the counterexample -- the point, the claimed and the true value, and which entry (the
complaint about bare ``False`` from gradient checkers: pytorch#2710, pytorch#48764) -- followed
by every witness's evidence.  Both helpers are deterministic (seeded) and run in float64.
Claims are checked with :func:`checkers.kinks.verify`, so a mismatch exactly on a kink of the
cost ($|x|$ or ReLU at 0) is named, not reported as an error.
"""

from __future__ import annotations

from .engine import DEFAULT_SEED
from .results import HOLDS
from .sampling import DEFAULT_POINTS

__all__ = ["assert_claim", "assert_implementation", "failure_message"]


def failure_message(res) -> str:
    """The assertion message for a result that does not hold: counterexample first, then evidence."""
    cid = getattr(getattr(res, "target", None), "id", None) or res.claim.id
    name = getattr(res, "name", "")
    head = f"{cid}{f' (implementation {name})' if name else ''} is {res.verdict}"
    lines = [head + (f": {res.message}" if res.message else "")]
    ce = res.counterexample
    claim_res = getattr(res, "claim_result", None)
    if ce is None and claim_res is not None and not claim_res.holds:
        ce = claim_res.counterexample
    if ce is not None:
        a, b = ce.labels
        lines.append("counterexample (found by " + (ce.found_by or "a witness") + "):")
        lines.append("  at       " + (", ".join(f"{k} = {v}" for k, v in ce.point.items())
                                       or "(no variables)"))
        if ce.component:
            lines.append(f"  entry    {ce.component}")
        lines.append(f"  {a:<8} {ce.claimed}")
        lines.append(f"  {b:<8} {ce.true}")
        if ce.confirmed:
            lines.append(f"  confirmed by {ce.confirmed}")
    region = getattr(res, "region", None) or getattr(claim_res, "region", None)
    if region is not None:
        lines.append(f"where it holds: {region}")
    lines.append("evidence:")
    lines += ["  " + line for line in str(res).splitlines()]
    return "\n".join(lines)


def assert_claim(claim, *, seed: int = DEFAULT_SEED, points: int = DEFAULT_POINTS, **kw):
    """Fail unless ``claim`` is PROVED or VERIFIED; return the result otherwise.

    ``kw`` go to :func:`checkers.engine.verify` (e.g. ``symbolic_seconds``, default
    :data:`checkers.symbolic.USER_SYMBOLIC_SECONDS`).
    """
    __tracebackhide__ = True  # pytest: show the caller's line, not this one
    from .engine import verify
    from .symbolic import USER_SYMBOLIC_SECONDS

    kw.setdefault("symbolic_seconds", USER_SYMBOLIC_SECONDS)
    res = verify(claim, seed=seed, points=points, **kw)
    if res.verdict not in HOLDS:
        raise AssertionError(failure_message(res))
    return res


def assert_implementation(fn, claim=None, *, seed: int = DEFAULT_SEED,
                          points: int = DEFAULT_POINTS, **kw):
    """Fail unless ``fn`` computes ``claim``'s cost and gradient (and the claim holds).

    ``kw`` go to :func:`checkers.implementation.verify_implementation` (``args=``, ``grad=``,
    ``name=``, ``at=``, ``check_claim=``).  A malformed argument layout or float32 data raise
    their own errors (:class:`~checkers.implementation.ImplementationError`,
    :class:`checkers.Float32Error`) rather than an ``AssertionError``.
    """
    __tracebackhide__ = True
    from .implementation import verify_implementation

    res = verify_implementation(fn, claim, seed=seed, points=points, **kw)
    if res.verdict not in HOLDS:
        raise AssertionError(failure_message(res))
    return res
