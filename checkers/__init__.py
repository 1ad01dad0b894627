"""gradproof checkers: claims in, verdicts out.

Importing this package switches JAX to float64 (``jax_enable_x64``) before any array is made
(:mod:`checkers._precision`: the setting, or ``JAX_ENABLE_X64`` for a JAX imported later).
Everything else is imported on first use (PEP 562): ``gradproof --help`` and ``gradproof list``
touch neither JAX nor matplotlib, and ``checkers.verify`` loads what checking needs.
Claim kinds are found through :mod:`checkers.kinds` (their packages are imported on first use).
"""

from __future__ import annotations

import importlib

from . import _precision  # noqa: F401  (must come first: x64 before any array)
from ._precision import Float32Error as Float32Error

#: public name -> the module that defines it
_LAZY = {
    "DEFAULT_SEED": "engine", "register_kind": "engine", "verify": "engine",
    "verify_all": "engine", "Kind": "kinds", "kind_of": "kinds", "ClaimResult": "results",
    "Counterexample": "results", "WitnessResult": "results", "Implementation": "implementation",
    "verify_implementation": "implementation",
}

__all__ = ["Float32Error", *_LAZY]


def __getattr__(name: str):
    """``checkers.verify`` and the other public names, and submodules (``checkers.engine``),
    imported when first asked for."""
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    try:
        return importlib.import_module(f".{name}", __name__)
    except ModuleNotFoundError as err:
        if err.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
