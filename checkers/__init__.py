"""gradproof checkers: claims in, verdicts out.

Importing this package switches JAX to float64 (``jax_enable_x64``) before any array is made.
"""

from __future__ import annotations

from . import _precision  # noqa: F401  (must come first: x64 before any array)
from ._precision import Float32Error as Float32Error
from .engine import DEFAULT_SEED as DEFAULT_SEED
from .engine import register_kind as register_kind
from .engine import verify as verify
from .engine import verify_all as verify_all
from .results import ClaimResult as ClaimResult
from .results import Counterexample as Counterexample
from .results import WitnessResult as WitnessResult
from . import experiments as _experiments  # noqa: F401  (registers the "experiment" claim kind)
from . import network as network  # noqa: E402,F401  (registers the 'network' claim kind)
from . import indexed as indexed  # noqa: E402,F401  (registers the indexed claim kinds: any number of classes)
from .implementation import Implementation as Implementation  # noqa: E402
from .implementation import verify_implementation as verify_implementation  # noqa: E402
