"""gradproof checkers: claims in, verdicts out.

Importing this package switches JAX to float64 (``jax_enable_x64``) before any array is made.
Claim kinds are found through :mod:`checkers.kinds` (their packages are imported on first use).
"""

from __future__ import annotations

from . import _precision  # noqa: F401  (must come first: x64 before any array)
from ._precision import Float32Error as Float32Error
from .engine import DEFAULT_SEED as DEFAULT_SEED
from .engine import register_kind as register_kind
from .engine import verify as verify
from .engine import verify_all as verify_all
from .kinds import Kind as Kind
from .kinds import kind_of as kind_of
from .results import ClaimResult as ClaimResult
from .results import Counterexample as Counterexample
from .results import WitnessResult as WitnessResult
from .implementation import Implementation as Implementation  # noqa: E402
from .implementation import verify_implementation as verify_implementation  # noqa: E402
