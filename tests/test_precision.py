"""float64 always: float32 is refused, never checked loosely."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from checkers import Float32Error
from checkers._precision import require_float64, x64_enabled


def test_x64_is_on_after_import():
    assert x64_enabled()


def test_float32_arrays_are_refused_with_a_message():
    with pytest.raises(Float32Error, match="my.claim: got a float32 array; gradproof refuses"):
        require_float64("my.claim", np.ones(3, dtype=np.float32))
    require_float64("my.claim", np.ones(3))


def test_verify_refuses_when_x64_was_switched_off():
    code = (
        "import checkers, jax, derivations\n"
        "jax.config.update('jax_enable_x64', False)\n"
        "try:\n    checkers.verify(derivations.get('sigmoid.derivative_logistic'))\n"
        "except checkers.Float32Error as e:\n    print('refused:', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "refused: sigmoid.derivative_logistic: refusing to check with jax_enable_x64 off" in out.stdout
