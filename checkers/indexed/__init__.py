r"""Indexed claims: any number of classes, proved for every size, checked at concrete sizes.

An indexed claim (:mod:`derivations.indexed`) states an identity or a relation in index notation
with symbolic sizes ($K$ classes, $m$ inputs, $n$ examples).  This package proves it for every
size at once and checks it numerically at the claim's concrete sizes (by default
$K = 2, 10, 1000$):

* :mod:`.prover` (with :mod:`.search`): the symbolic witness: delta sums, index ranges,
  canonical sums, a case split over coinciding indices; an exact counterexample at the smallest
  sizes when a case does not reduce to 0;
* :mod:`.interpreter`: the vectorized index interpreter (NumPy, JAX, mpmath) the numeric
  witnesses evaluate the claim with, never building an explicit SymPy instance;
* :mod:`.points`: seeded sample points per concrete size (logit regimes, indices at their range
  ends and coinciding);
* :mod:`.arrays`: the ``jax.grad`` and finite-difference rows;
* :mod:`.witnesses`: the ``autodiff``, ``finite differences`` and ``sampling`` witnesses, whose
  points float64 cannot decide (:func:`checkers.compare.float64_agree`) go to
* :mod:`.referee`: the interpreter in mpmath at two working precisions, within a deterministic
  budget (:mod:`checkers.compare`);
* :mod:`.taylor`: the Taylor remainder witness over whole gradient rows.

Importing the package registers the kinds ``indexed_gradient``, ``indexed_equality`` and
``indexed_inequality`` (:mod:`checkers.kinds`, family ``"indexed"``: they share per-size
compilations).  The engine's sample is used only for its seed: each witness draws its own
points per concrete size.
"""

from __future__ import annotations

from derivations import IndexedEqualityClaim, IndexedGradientClaim, IndexedInequalityClaim

from ..kinds import Kind, register
from .interpreter import Evaluator, hoist
from .points import (FD_ALL, FD_SUBSET, MAX_POINTS, MIN_POINTS, POINT_BUDGET, Points, Seed,
                     points_for, sample_points)
from .prover import prepare_residual, rel_is_inequality, symbolic_witness
from .taylor import (TAYLOR_DIRECTIONS, TAYLOR_ENTRIES, TAYLOR_HALVINGS, TAYLOR_MIN_WINDOW,
                     TAYLOR_NOISE_FACTOR, TAYLOR_POINTS, TAYLOR_PROBES, TaylorSetup,
                     coordinate_direction, random_direction, taylor_setup, taylor_test,
                     taylor_witness)
from .witnesses import autodiff_witness, check_at, finite_diff_witness, sampling_witness

__all__ = ["Points", "Evaluator", "Seed", "hoist", "sample_points", "points_for",
           "symbolic_witness", "prepare_residual", "rel_is_inequality", "autodiff_witness",
           "finite_diff_witness", "sampling_witness", "check_at", "taylor_witness", "taylor_test",
           "taylor_setup", "random_direction", "coordinate_direction", "TaylorSetup",
           "POINT_BUDGET", "MAX_POINTS", "MIN_POINTS", "FD_ALL", "FD_SUBSET", "TAYLOR_POINTS",
           "TAYLOR_ENTRIES", "TAYLOR_PROBES", "TAYLOR_MIN_WINDOW", "TAYLOR_HALVINGS",
           "TAYLOR_DIRECTIONS", "TAYLOR_NOISE_FACTOR", "KINDS"]

from .regions import index_region  # noqa: E402

#: The indexed claim kinds (registered on import).
KINDS = (
    register(Kind(IndexedGradientClaim.kind,
                  witnesses=(("autodiff", autodiff_witness),
                             ("finite differences", finite_diff_witness),
                             ("taylor remainder", taylor_witness)),
                  symbolic=symbolic_witness, family="indexed", region=index_region)),
    register(Kind(IndexedEqualityClaim.kind, witnesses=(("sampling", sampling_witness),),
                  symbolic=symbolic_witness, family="indexed", region=index_region)),
    register(Kind(IndexedInequalityClaim.kind, witnesses=(("sampling", sampling_witness),),
                  symbolic=symbolic_witness, family="indexed", relative_errors=False,
                  region=index_region)),
)
