r"""The scalar claim kinds: claims over a few real variables (``derivations.GradientClaim``,
``EqualityClaim``, ``InequalityClaim``, ``LimitClaim``, ``ValueClaim``).

Their witnesses share one seeded sample of points (:mod:`checkers.sampling`) and one comparison
rule (:mod:`checkers.compare` through :mod:`checkers.pointwise`):

* ``gradient`` -- $\partial C / \partial w$ claimed in closed form: JAX autodiff
  (:mod:`checkers.autodiff`), finite differences (:mod:`checkers.finite_diff`) and the Taylor
  remainder (:mod:`checkers.scalar_taylor`); kinks of the cost are named and set aside by the
  engine;
* ``equality`` / ``inequality`` -- both sides evaluated at the sampled points
  (:func:`checkers.evaluation.sampling_witness`);
* ``limit`` -- a numeric sequence towards the limit point;
* ``value`` -- a quoted number against a high-precision evaluation (no sampled point).
"""

from __future__ import annotations

from .autodiff import autodiff_witness
from .evaluation import limit_witness, sampling_witness, value_witness
from .finite_diff import finite_diff_witness
from .kinds import Kind, register
from .scalar_regions import closed_region, scalar_region
from .scalar_render import RENDERERS
from .scalar_taylor import taylor_witness

__all__ = ["KINDS"]

KINDS = tuple(register(k) for k in (
    Kind("gradient", (("autodiff", autodiff_witness), ("finite differences", finite_diff_witness),
                      ("taylor remainder", taylor_witness)),
         kinks=True, edge_search=True, render=RENDERERS["gradient"], region=scalar_region),
    Kind("equality", (("sampling", sampling_witness),), edge_search=True,
         render=RENDERERS["equality"], region=scalar_region),
    Kind("inequality", (("sampling", sampling_witness),), edge_search=True,
         relative_errors=False, render=RENDERERS["inequality"], region=scalar_region),
    Kind("limit", (("numeric sequence", limit_witness),), render=RENDERERS["limit"],
         region=closed_region),
    Kind("value", (("high precision", value_witness),), seed_independent=True,
         relative_errors=False, render=RENDERERS["value"], region=closed_region),
))
