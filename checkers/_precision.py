r"""Float64 everywhere: JAX's x64 mode is switched on before any array is made.

gradproof refuses to check in float32: central differences in float32 have an error of about
$10^{-3}$, the same size as the tolerance one would need, so a float32 check can neither pass
nor fail honestly (pytorch#5351, jax#641).  :func:`require_float64` raises instead.
"""

from __future__ import annotations

import os
import sys

os.environ["JAX_ENABLE_X64"] = "1"      # read by JAX when it is imported (later, lazily)
if "jax" in sys.modules:                # imported already: switch it now (before our arrays)
    sys.modules["jax"].config.update("jax_enable_x64", True)

__all__ = ["Float32Error", "require_float64", "x64_enabled"]


class Float32Error(TypeError):
    """A check was asked to run below float64."""


def x64_enabled() -> bool:
    import jax

    return bool(jax.config.jax_enable_x64)


def require_float64(where: str, *arrays) -> None:
    """Raise :class:`Float32Error` unless x64 is on and every array is at least 64-bit."""
    if not x64_enabled():
        raise Float32Error(
            f"{where}: JAX is running without x64 (jax_enable_x64 is False); gradproof checks only "
            "in float64. Import checkers before creating arrays, or set JAX_ENABLE_X64=1.")
    import numpy as np

    for arr in arrays:
        dt = np.asarray(arr).dtype if not hasattr(arr, "dtype") else np.dtype(arr.dtype)
        if dt.kind in "fc" and dt.itemsize < (8 if dt.kind == "f" else 16):
            raise Float32Error(
                f"{where}: got a {dt} array; gradproof refuses to check gradients in float32, "
                "whose rounding (~1e-7) is as large as any honest tolerance. Pass float64 inputs "
                "and compute in float64.")
