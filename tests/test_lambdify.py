"""The SymPy -> NumPy / JAX / mpmath bridge (``checkers.lambdify``)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp

import checkers  # noqa: F401  (x64 first)
from checkers.lambdify import jax_fn, mpmath_fn, numpy_fn

x = sp.Symbol("x", real=True)


def test_integer_literals_beyond_int64_evaluate_as_float64():
    # 10**100 overflowed JAX's int64 literal conversion (OverflowError) before the fix
    e = x * 10**100 + sp.Rational(1, 10**100)
    assert float(jax_fn((x,), e)(jnp.float64(2.0))[0, 0]) == 2e100
    assert float(numpy_fn((x,), e)(2.0)[0, 0]) == 2e100
    assert float(jax.grad(lambda t: jax_fn((x,), e)(t)[0, 0])(2.0)) == 1e100
    # past float64's range the value is inf, as float64 arithmetic gives it, not an exception
    assert np.isposinf(numpy_fn((x,), 10**400 * x)(2.0)[0, 0])
    assert np.isposinf(float(jax_fn((x,), 10**400 * x)(jnp.float64(2.0))[0, 0]))


def test_mpmath_keeps_big_integers_exact():
    import mpmath
    with mpmath.workdps(120):
        (v,) = mpmath_fn((x,), x * (10**100 + 1))(mpmath.mpf(1))
        assert v == mpmath.mpf(10**100 + 1)
