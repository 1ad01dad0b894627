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


# --- every function a claim may contain evaluates in NumPy, JAX and mpmath (issue 13) -----------

import math  # noqa: E402

import mpmath  # noqa: E402
import pytest  # noqa: E402

from checkers.lambdify import (COMPLEX_STEP, ELEMENTARY, SPECIAL_FUNCTIONS,  # noqa: E402
                               NoNumericTranslation, exponential_arguments, is_analytic,
                               missing_translations, require_translations)

y = sp.Symbol("y", real=True)
X0, Y0 = 0.7, 0.3   # inside every function's real domain below (acosh, asec, ... shifted)

#: one expression per translated function; (expression, d/dx in mpmath at (x, y))
SPECIAL_CASES = {
    "erf": (sp.erf(x), lambda a, b: 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-a**2)),
    "erfc": (sp.erfc(x), lambda a, b: -2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-a**2)),
    "erfinv": (sp.erfinv(x), lambda a, b: mpmath.sqrt(mpmath.pi) / 2 * mpmath.exp(mpmath.erfinv(a)**2)),
    "gamma": (sp.gamma(x), lambda a, b: mpmath.gamma(a) * mpmath.psi(0, a)),
    "loggamma": (sp.loggamma(x), lambda a, b: mpmath.psi(0, a)),
    "digamma": (sp.digamma(x, evaluate=False), lambda a, b: mpmath.psi(1, a)),
    "polygamma": (sp.polygamma(2, x), lambda a, b: mpmath.psi(3, a)),
    "beta": (sp.beta(x, y), lambda a, b: mpmath.beta(a, b) * (mpmath.psi(0, a) - mpmath.psi(0, a + b))),
    "lowergamma": (sp.lowergamma(y, x), lambda a, b: a**(b - 1) * mpmath.exp(-a)),
    "uppergamma": (sp.uppergamma(y, x), lambda a, b: -a**(b - 1) * mpmath.exp(-a)),
    "expint": (sp.expint(2, x), lambda a, b: -mpmath.expint(1, a)),
    "Ei": (sp.Ei(x), lambda a, b: mpmath.exp(a) / a),
    "besseli": (sp.besseli(1, x), lambda a, b: (mpmath.besseli(0, a) + mpmath.besseli(2, a)) / 2),
    "besselj": (sp.besselj(0, x), lambda a, b: -mpmath.besselj(1, a)),
    "besselk": (sp.besselk(0, x), lambda a, b: -mpmath.besselk(1, a)),
}


def _close(a, b, rtol):
    return abs(float(a) - float(b)) <= rtol * max(abs(float(b)), 1e-300)


def test_the_special_case_list_covers_the_table():
    assert set(SPECIAL_CASES) == set(SPECIAL_FUNCTIONS)
    for name, (e, _) in SPECIAL_CASES.items():
        assert type(e).__name__ == name, (name, e)


@pytest.mark.parametrize("name", sorted(SPECIAL_CASES))
def test_special_function_evaluates_through_each_library(name):
    """Value in every back end the table names, against mpmath at 30 digits; the JAX derivative
    (``jax.grad``, what the autodiff witness uses) against the closed form."""
    e, d = SPECIAL_CASES[name]
    spec = SPECIAL_FUNCTIONS[name]
    with mpmath.workdps(30):
        true = mpmath_fn((x, y), e)(mpmath.mpf(X0), mpmath.mpf(Y0))[0]
        slope = d(mpmath.mpf(X0), mpmath.mpf(Y0))
    assert mpmath.isfinite(true) and true != 0
    assert _close(numpy_fn((x, y), e)(np.array([X0]), np.array([Y0]))[0, 0, 0], true, 1e-13)
    if spec.jax is None:
        with pytest.raises(NoNumericTranslation, match=f"no numeric translation for {name} in the JAX back end"):
            jax_fn((x, y), e)
        return
    f = jax_fn((x, y), e)
    assert _close(jax.jit(f)(X0, Y0)[0, 0], true, 1e-13)
    g = jax.jit(jax.vmap(jax.grad(lambda a, b: f(a, b)[0, 0])))(jnp.array([X0]), jnp.array([Y0]))
    assert _close(g[0], slope, 1e-12), (float(g[0]), slope)


@pytest.mark.parametrize("cls", sorted(ELEMENTARY, key=lambda c: c.__name__), ids=lambda c: c.__name__)
def test_elementary_function_evaluates_in_every_back_end(cls):
    """The printers' own translations, checked for each function :data:`ELEMENTARY` lists."""
    v = sp.Symbol("v") if cls in (sp.re, sp.im) else x   # re(v), im(v) stay unevaluated
    nargs = 2 if cls in (sp.atan2, sp.Min, sp.Max, sp.Mod) or cls.__name__ == "hypot" else 1
    arg = (v + 2 if cls in (sp.acosh, sp.asec, sp.acsc, sp.acoth)
           else v / 2 if cls in (sp.asin, sp.acos, sp.atanh, sp.asech) else v)
    if cls is sp.Piecewise:
        e = sp.Piecewise((x**2, x < 1), (y, True))
    else:
        e = cls(arg, y) if nargs == 2 else cls(arg)
    assert e.has(cls), e
    with mpmath.workdps(30):
        fm = mpmath_fn((v, y), e)
        true = fm(mpmath.mpf(X0), mpmath.mpf(Y0))[0]
        true_slope = mpmath.diff(lambda t: fm(t, mpmath.mpf(Y0))[0], mpmath.mpf(X0))
    assert _close(numpy_fn((v, y), e)(np.array([X0]), np.array([Y0]))[0, 0, 0], true, 1e-14)
    f = jax_fn((v, y), e)
    assert _close(jax.jit(f)(X0, Y0)[0, 0], true, 1e-14)
    slope = jax.grad(lambda a: f(a, Y0)[0, 0])(X0)
    assert abs(float(slope) - float(true_slope)) <= 1e-13 * max(abs(float(true_slope)), 1.0)


def test_a_function_without_translation_is_named_with_its_back_end():
    assert missing_translations(sp.besselk(0, x)) == [("besselk", ["jax"], "")]
    (name, ends, why), = missing_translations(sp.besseli(2, x) + sp.expint(1, x))[:1]
    assert (name, ends) == ("besseli(2, x)", ["jax"]) and "i0 and i1 only" in why
    expint = [m for m in missing_translations(sp.expint(1, x)) if m[0] == "expint"]
    assert expint and expint[0][1] == ["jax"] and "jax.vmap" in expint[0][2]
    assert missing_translations(sp.LambertW(x))[0][:2] == ("LambertW", ["numpy", "jax", "mpmath"])
    assert missing_translations(sp.besseli(0, x) + sp.erf(x) * sp.Max(x, 0)) == []
    with pytest.raises(NoNumericTranslation, match="no numeric translation for besselk in the JAX back end"):
        jax_fn((x,), sp.besselk(0, x))
    numpy_fn((x,), sp.besselk(0, x))   # NumPy and mpmath have it
    mpmath_fn((x,), sp.besselk(0, x))


def test_an_undefined_function_without_rewrite_is_refused_in_every_back_end():
    g = sp.Function("g")
    with pytest.raises(NoNumericTranslation, match="no numeric translation for g in any back end"):
        numpy_fn((x,), g(x) + 1)
    assert missing_translations(g(x))[0][:2] == ("g", ["numpy", "jax", "mpmath"])


def test_require_translations_names_the_claim_function_and_back_end():
    from derivations import positive
    from derivations.build import gradient_claim

    c = gradient_claim("mine.g", sp.besselk(0, x), x, -sp.besselk(1, x), domain={x: positive()})
    with pytest.raises(NoNumericTranslation) as err:
        require_translations(c)
    assert str(err.value) == "mine.g: no numeric translation for besselk in the JAX back end"
    require_translations(gradient_claim("mine.e", sp.erf(x), x, 2 / sp.sqrt(sp.pi) * sp.exp(-x**2),
                                        domain={x: positive()}))


def test_gamma_keeps_its_sign_for_negative_arguments_in_every_back_end():
    v = float(mpmath.gamma(-2.5))
    assert v < 0
    assert _close(numpy_fn((x,), sp.gamma(x))(np.array([-2.5]))[0, 0, 0], v, 1e-14)
    assert _close(jax_fn((x,), sp.gamma(x))(-2.5)[0, 0], v, 1e-13)
    # loggamma is complex there (SymPy, mpmath); the float64 back ends give NaN, never log|gamma|
    assert np.isnan(numpy_fn((x,), sp.loggamma(x))(np.array([-2.5]))[0, 0, 0])
    assert np.isnan(float(jax_fn((x,), sp.loggamma(x))(-2.5)[0, 0]))


def test_dirac_delta_is_zero_off_its_kink():
    e = x**2 * sp.DiracDelta(x) + 2 * sp.DiracDelta(x - 1)   # SymPy's d/dx of x^2 H(x) - ...
    assert numpy_fn((x,), e)(np.array([0.5, -3.0]))[:, 0, 0].tolist() == [0.0, 0.0]
    assert float(jax_fn((x,), e)(0.5)[0, 0]) == 0.0
    assert mpmath_fn((x,), e)(mpmath.mpf(0.5))[0] == 0
    assert np.isnan(numpy_fn((x,), sp.DiracDelta(x))(np.array([0.0]))[0, 0, 0])


def test_complex_step_only_where_numpy_is_accurate_at_complex_arguments():
    from derivations import sigmoid

    assert is_analytic(sp.exp(x) * sp.log(x) + sigmoid(x) + sp.tanh(x))
    assert is_analytic(sp.erf(x) + sp.erfc(x) + sp.loggamma(x))
    assert {sp.erf, sp.erfc, sp.loggamma} <= COMPLEX_STEP
    for e in (sp.gamma(x), sp.besseli(0, x), sp.polygamma(1, x), sp.Ei(x), sp.atan2(x, y),
              sp.Abs(x), sp.Max(x, 0), sp.Heaviside(x), sp.KroneckerDelta(x, y)):
        assert not is_analytic(e), e
    # what the rule rests on: scipy's complex erf gives the derivative to full accuracy at x = -14
    h = 1e-20
    cs = numpy_fn((x,), sp.erf(x))(np.array([-14.0 + 1j * h]))[0, 0, 0].imag / h
    assert _close(cs, 2 / math.sqrt(math.pi) * math.exp(-196.0), 1e-13)


def test_exponential_arguments_count_erf_like_cancellation():
    args = exponential_arguments(1 - sp.erf(x) + sp.tanh(y) + sp.exp(-x * y) + sp.uppergamma(y, x))
    assert set(args) == {x**2, 2 * y, -x * y, x}
