r"""The network's activation $\sigma$, read from the claim: one SymPy expression, every back end.

A network claim is written with the undefined activation ``act`` (derivative ``act_prime``) of
:mod:`derivations.network`; which function $\sigma$ the network uses is the claim's
``activation`` (a one-variable ``sympy.Lambda`` such as ``Lambda(t, tanh(t))``, or a function
class such as ``sympy.tanh``), the logistic sigmoid $\sigma(z) = 1/(1 + e^{-z})$ of Ko 2026,
section 2 when the claim does not name one.  :class:`Activation` holds that one expression
$\sigma(t)$ and derives everything else from it:

* SymPy: $\sigma(u)$ and $\sigma'(u) = \frac{d}{dt}\sigma(t)\big|_{t=u}$ (``sympy.diff``; for the
  sigmoid its rule $\sigma(1 - \sigma)$);
* the JAX elementwise functions of a claim's ``Lambda`` bodies and the float64 and mpmath
  evaluations, all by :mod:`checkers.lambdify`'s public bridges (:func:`~checkers.lambdify.jax_fn`,
  :func:`~checkers.lambdify.mpmath_fn`), after :func:`~checkers.lambdify.prepare` (exact
  rewrites such as $1 - \sigma(u) = \sigma(-u)$);
* the forward pass of the JAX reference network, whose reverse mode gives the true derivatives.
  That is the lambdified $\sigma$, except where an exact identity gives a form whose autodiff is
  accurate in float64 (:data:`STABLE_FORMS`): for the sigmoid
  $\sigma(z) = e^{-\operatorname{softplus}(-z)}$, because the JVP of ``jax.nn.sigmoid``,
  $s(1-s)$ with $s$ rounded, loses every digit once $s$ rounds to 1 (measured: relative error
  $9\cdot10^{-4}$ at $z = 33$, 1 at $z = 40$), while the softplus form gets
  $\sigma(z)\sigma(-z)$ to full relative accuracy; and $|\sigma'(z)|$ as
  $e^{-\operatorname{softplus}(-z) - \operatorname{softplus}(z)}$ for the rounding-error scale.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from derivations.functions import sigmoid
from derivations.network import act, act_prime

from ..lambdify import jax_fn, mpmath_fn, prepare

__all__ = ["T", "Activation", "SIGMOID", "as_activation", "activation_of", "substitute",
           "scalar_fn", "unit_cost_fns", "unit_cost_derivative_mp", "STABLE_FORMS"]

T = sp.Symbol("t", real=True)
"""The variable of one-argument functions (activations, elementwise bodies, per-unit costs)."""


@dataclass(frozen=True)
class Activation:
    r"""$\sigma$ as one SymPy expression ``expr`` in :data:`T`; ``name`` labels it in the report."""

    expr: sp.Expr
    name: str

    def __call__(self, u):
        r"""$\sigma(u)$ in SymPy."""
        return self.expr.xreplace({T: u})

    @property
    def prime_expr(self):
        r"""$\sigma'(t)$ (``sympy.diff``)."""
        return _diff(self.expr)

    def prime(self, u):
        r"""$\sigma'(u)$ in SymPy."""
        return self.prime_expr.xreplace({T: u})

    def stable_prime(self, u):
        r"""$\sigma'(u)$ after the exact float64 rewrites of :func:`checkers.lambdify.prepare` (for the
        sigmoid $\sigma(u)\sigma(-u)$, which does not cancel when $\sigma(u) \to 1$)."""
        return _prepared_prime(self).xreplace({T: u})

    def jax_forward(self):
        r"""``f(z)``: $\sigma$ on a JAX array, in the form whose autodiff is accurate (module doc)."""
        return _jax_forward(self)

    def jax_abs_prime(self):
        r"""``f(z)``: $|\sigma'(z)|$ on a JAX array (the rounding-error scale of the backward pass)."""
        return _jax_abs_prime(self)

    def mpmath(self):
        r"""``f(mpf) -> mpf``: $\sigma$ at the current mpmath precision."""
        return _mp_scalar(self.expr)


@functools.lru_cache(maxsize=64)
def _diff(expr):
    return sp.diff(expr, T)


@functools.lru_cache(maxsize=64)
def _prepared_prime(activation):
    return prepare(activation.prime_expr)


def as_activation(a) -> Activation:
    """An :class:`Activation` from a one-variable ``Lambda``, a SymPy function class, or an
    :class:`Activation`."""
    if isinstance(a, Activation):
        return a
    if isinstance(a, sp.Lambda):
        if len(a.variables) != 1:
            raise ValueError(f"an activation is a function of one variable, got {a}")
        (v,) = a.variables
        expr = a.expr.xreplace({v: T})
    elif isinstance(a, sp.FunctionClass) or callable(a):
        expr = sp.sympify(a(T))
    else:
        raise TypeError(f"an activation is a sympy Lambda or function, got {type(a).__name__}")
    if expr.free_symbols - {T}:
        raise ValueError(f"the activation {expr} has free symbols besides its variable")
    if isinstance(expr, sp.Function) and expr.args == (T,):
        name = type(expr).__name__
    else:
        name = "sigma(t) = " + sp.sstr(expr)
    return Activation(expr, name)


SIGMOID = as_activation(sigmoid)
"""The logistic sigmoid, the network activation of Ko 2026, section 2."""


def activation_of(claim) -> Activation:
    """The claim's activation (its ``activation`` field), the sigmoid if it names none."""
    a = getattr(claim, "activation", None)
    return SIGMOID if a is None else as_activation(a)


def substitute(expr, activation, backend):
    r"""Replace ``act``/``act_prime`` in a SymPy expression by $\sigma$ and $\sigma'$ of
    ``activation`` (``"generic"``: leave them); on the ``"jax"`` back end $\sigma'$ in its
    float64-stable form (:meth:`Activation.stable_prime`)."""
    if activation == "generic":
        return expr
    if not isinstance(activation, Activation):
        raise ValueError(f"unknown activation {activation!r}")
    prime = activation.stable_prime if backend == "jax" else activation.prime
    expr = expr.replace(lambda e: isinstance(e, act_prime), lambda e: prime(e.args[0]))
    return expr.replace(lambda e: isinstance(e, act), lambda e: activation(e.args[0]))


def _jax_elementwise(expr, nargs=1):
    """A SymPy expression in :data:`T` (and :data:`_Y`) as an elementwise function on JAX arrays:
    :func:`checkers.lambdify.jax_fn` (one point) under one ``jax.vmap`` per array axis."""
    f = jax_fn(_VARS[nargs], expr)

    def apply(*arrays):
        import jax
        import jax.numpy as jnp

        arrays = jnp.broadcast_arrays(*arrays)
        g = lambda *u: f(*u)[0, 0]  # noqa: E731
        for _ in range(arrays[0].ndim):
            g = jax.vmap(g)
        return g(*arrays)

    return apply


_Y = sp.Symbol("y", real=True)
_VARS = {1: (T,), 2: (T, _Y)}


def _mp_scalar(expr, nargs=1):
    """A SymPy expression as a function of mpf numbers (:func:`checkers.lambdify.mpmath_fn`)."""
    f = mpmath_fn(_VARS[nargs], expr)
    return lambda *args: f(*args)[0]


@functools.lru_cache(maxsize=512)
def scalar_fn(lam: sp.Lambda, backend: str, activation):
    """An elementwise numeric function from a one-variable ``Lambda`` (``"jax"``: on JAX arrays;
    ``"mpmath"``: on object arrays of mpf), with ``act``/``act_prime`` substituted."""
    (v,) = lam.variables
    body = substitute(lam.expr.xreplace({v: T}), activation, backend)
    if backend == "jax":
        return _jax_elementwise(body)
    if backend == "mpmath":
        return np.vectorize(_mp_scalar(body), otypes=[object])
    raise ValueError(backend)


@functools.lru_cache(maxsize=16)
def unit_cost_fns(cost, activation):
    r"""The per-unit cost for JAX, ``(in_z, in_a)``: $c(\sigma(z), y)$ (after the exact rewrites of
    :func:`~checkers.lambdify.prepare`, e.g. $\ln\sigma(z) = -\operatorname{softplus}(-z)$) and
    $c(a, y)$ as written; elementwise in ``(z or a, y)``."""
    return (_jax_elementwise(cost(activation(T), _Y), 2), _jax_elementwise(cost(T, _Y), 2))


@functools.lru_cache(maxsize=16)
def unit_cost_derivative_mp(cost, activation, wrt):
    r"""$\partial c(\sigma(z), y)/\partial z$ (``wrt="z"``) or $\partial c(a, y)/\partial a$
    (``wrt="a"``), a function of two mpf numbers."""
    e = sp.diff(cost(activation(T), _Y) if wrt == "z" else cost(T, _Y), T)
    return _mp_scalar(e, 2)


# --- forms whose float64 autodiff is accurate (module doc) --------------------------------------

def _sigmoid_forward(z):
    import jax
    import jax.numpy as jnp

    # sigma(z) = exp(-softplus(-z)): the values of jax.nn.sigmoid (to rounding), but autodiff of it
    # gives sigma(z) sigma(-z) to full relative accuracy, where the JVP of jax.nn.sigmoid, s (1 - s),
    # loses every digit once s rounds to 1 (z > 37).
    return jnp.exp(-jax.nn.softplus(-z))


def _sigmoid_abs_prime(z):
    import jax.numpy as jnp

    return jnp.exp(-jnp.logaddexp(0.0, -z) - jnp.logaddexp(0.0, z))  # sigma(z) sigma(-z)


STABLE_FORMS = {sigmoid: (_sigmoid_forward, _sigmoid_abs_prime)}
r"""Function class -> ``(forward, abs_prime)`` on JAX arrays, exact rewrites of $\sigma(z)$ and
$|\sigma'(z)|$ whose float64 autodiff and values are accurate where the direct forms lose digits."""


def _stable(activation):
    e = activation.expr
    if isinstance(e, sp.Function) and e.args == (T,):
        return STABLE_FORMS.get(type(e))
    return None


@functools.lru_cache(maxsize=16)
def _jax_forward(activation):
    stable = _stable(activation)
    return stable[0] if stable else _jax_elementwise(activation.expr)


@functools.lru_cache(maxsize=16)
def _jax_abs_prime(activation):
    import jax.numpy as jnp

    stable = _stable(activation)
    if stable:
        return stable[1]
    prime = _jax_elementwise(activation.stable_prime(T))
    return lambda z: jnp.abs(prime(z))
