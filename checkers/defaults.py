"""The defaults every entry point shares, in a module that imports nothing (so ``gradproof
--help`` can show them without loading JAX, SymPy or matplotlib).  Re-exported where they are
used: :data:`checkers.engine.DEFAULT_SEED`, :data:`checkers.sampling.DEFAULT_POINTS`,
:data:`checkers.symbolic.SIMPLIFY_SECONDS` and :data:`checkers.symbolic.USER_SYMBOLIC_SECONDS`.
"""

from __future__ import annotations

__all__ = ["DEFAULT_SEED", "DEFAULT_POINTS", "SIMPLIFY_SECONDS", "USER_SYMBOLIC_SECONDS"]

DEFAULT_SEED = 20260104
"""The sampling seed of the report and of every check that is not given one (recorded)."""

DEFAULT_POINTS = 1024
"""Sample points per claim."""

SIMPLIFY_SECONDS = 4.0
"""SymPy's time bound per claim for the catalog report, the mutation suite and the false-alarm run
(170 claims: a bound that keeps the report fast)."""

USER_SYMBOLIC_SECONDS = 10.0
"""SymPy's time bound per claim for a user's own claims (``checkers.verify``, ``gradproof check``,
``checkers.testing``, ``verify_implementation``): a user checks a few claims, and a proof or an exact
counterexample is worth the wait; still a bound (simplify can hang: sympy#26453, #16259)."""
