"""Running the user's function: its value (N, m) and Jacobian (N, m, n) at the sample's points.

A JAX function is traced once (``jax.eval_shape``), then evaluated with
``jit(vmap(value, jacrev(value)))`` -- reverse mode, so a ``jax.custom_vjp``'s backward pass is
what is checked.  A NumPy function and its ``grad`` are called point by point.  Outputs must be
real float64 (:func:`checkers._precision.require_float64`); an exception in the user's code is
returned with the point it happened at, never raised.

JAX casts a float32 intermediate back to float64 silently (``x.astype(jnp.float32)`` inside a
``custom_vjp``'s backward pass returns float64 cotangents ~1e-8 off), so the outputs' dtype
cannot show it: :meth:`Evaluator.low_precision` walks the jaxprs of the value and of
``jax.jacrev`` (with every sub-jaxpr: ``jit``, ``cond``, ``scan``, custom rules) for values of
a dtype narrower than float64, so a mismatch it causes is named "computes in float32".
"""

from __future__ import annotations

import numpy as np

from .._precision import require_float64
from .layout import ImplementationError

__all__ = ["Evaluator", "LOW_PRECISION", "low_precision_ops"]

LOW_PRECISION = ("float32", "float16", "bfloat16", "complex64")


def low_precision_ops(closed) -> list:
    """``"<primitive> -> <dtype>"`` for every equation of a (closed) jaxpr and its sub-jaxprs that
    produces a value of a ``LOW_PRECISION`` dtype, plus ``"constant <dtype>"`` for such
    constants, in order, each once."""
    out = []

    def low(v):
        dt = getattr(getattr(v, "aval", None), "dtype", None)
        return str(dt) if dt is not None and str(dt) in LOW_PRECISION else None

    def subs(p):
        if hasattr(p, "eqns"):
            yield p
        elif hasattr(getattr(p, "jaxpr", None), "eqns"):
            yield p.jaxpr
        elif isinstance(p, (list, tuple)):
            for q in p:
                yield from subs(q)

    def walk(jaxpr):
        for v in getattr(jaxpr, "constvars", ()):
            if low(v):
                out.append(f"constant {low(v)}")
        for eqn in jaxpr.eqns:
            dts = [low(v) for v in eqn.outvars if low(v)]
            if dts:
                out.append(f"{eqn.primitive.name} -> {dts[0]}")
            for p in eqn.params.values():
                for sub in subs(p):
                    walk(sub)

    walk(closed.jaxpr if hasattr(closed, "jaxpr") else closed)
    return list(dict.fromkeys(out))


class Evaluator:
    """Value (N, m) and Jacobian (N, m, n) of the implementation at given points, or the error."""

    def __init__(self, fn, grad, claim, layout, name):
        self.fn, self.grad, self.claim, self.layout, self.name = fn, grad, claim, layout, name
        self.m, self.n = claim.claimed.shape
        self.argnums = tuple(k for k, a in enumerate(layout) if set(a.symbols) & set(claim.wrt))
        self.where = []  # (argnums position, index within the argument) per wrt symbol
        for s in claim.wrt:
            k = next(k for k, a in enumerate(layout) if s in a.symbols)
            pos = layout[k].symbols.index(s)
            idx = np.unravel_index(pos, layout[k].shape) if layout[k].shape else ()
            self.where.append((self.argnums.index(k), tuple(int(i) for i in idx)))
        self._jax = None
        self.low = None   # {"value": [...], "gradient": [...]} after the first JAX evaluation
        self.method = ("the given backward function grad(*args)" if grad is not None else
                       "jax.jacrev of fn (reverse mode: a custom VJP's backward pass), jit + vmap")

    def _check_out(self, what, arr):
        arr = np.asarray(arr)
        require_float64(f"{self.claim.id}: {what} of implementation {self.name}", arr)
        if arr.dtype.kind not in "fiu":
            raise ImplementationError(f"{self.claim.id}: {what} of implementation {self.name} has "
                                      f"dtype {arr.dtype}; expected real float64 numbers")
        return arr

    def _jax_fn(self):
        if self._jax is None:
            import jax
            import jax.numpy as jnp

            fn, argnums = self.fn, self.argnums

            def flat(*a):
                return jnp.reshape(fn(*a), (-1,))

            def both(*a):
                return flat(*a), jax.jacrev(flat, argnums=argnums)(*a)

            self._flat = flat
            self._jax = jax.jit(jax.vmap(both))
        return self._jax

    def _shape_error(self, size):
        want = "a scalar" if self.m == 1 else f"{self.m} values (the claim's cost is a column)"
        return ImplementationError(
            f"{self.claim.id}: implementation {self.name} returns {size} value(s) per point; "
            f"the claim's cost is {want}")

    def __call__(self, arrays):
        """``(values (N, m), jacobian (N, m, n), errors: list of (i, exception))``."""
        if self.grad is None:
            return self._call_jax(arrays)
        return self._call_numpy(arrays)

    def _call_jax(self, arrays):
        import jax

        f = self._jax_fn()
        one = [np.asarray(a[:1][0]) for a in arrays]
        try:
            shape = jax.eval_shape(self._flat, *one)
        except Exception as err:  # user code: report it, do not crash the run
            return None, None, [(None, err)]
        require_float64(f"{self.claim.id}: output of implementation {self.name}",
                        np.zeros(0, dtype=shape.dtype))
        if self.low is None:
            self.low = self.low_precision(one)
        if shape.shape[0] != self.m:
            raise self._shape_error(shape.shape[0])
        try:
            vals, jac = f(*arrays)
        except Exception as err:
            return None, None, [(None, err)]
        vals = self._check_out("value", vals)
        for j in jac:
            self._check_out("gradient", j)
        out = np.empty((vals.shape[0], self.m, self.n))
        for col, (k, idx) in enumerate(self.where):
            out[:, :, col] = np.asarray(jac[k])[(slice(None), slice(None)) + idx]
        return np.asarray(vals, dtype=np.float64), out, []

    def low_precision(self, one) -> dict:
        """Narrower-than-float64 values in the forward pass (``"value"``: the jaxpr of ``fn``) and
        in the gradient (``"gradient"``: the jaxpr of ``jax.jacrev(fn)``, forward pass included),
        as lists of :func:`low_precision_ops` (empty when none, or when tracing fails)."""
        import jax

        out = {}
        for key, f in (("value", self._flat),
                       ("gradient", lambda *a: jax.jacrev(self._flat, argnums=self.argnums)(*a))):
            try:
                out[key] = low_precision_ops(jax.make_jaxpr(f)(*one))
            except Exception:  # noqa: BLE001 - user code; its errors surface in the evaluation
                out[key] = []
        return out

    def _call_numpy(self, arrays):
        npts = arrays[0].shape[0] if arrays else 0
        vals = np.full((npts, self.m), np.nan)
        jac = np.full((npts, self.m, self.n), np.nan)
        errors = []
        for i in range(npts):
            a = [np.float64(x[i]) if x.ndim == 1 and x.dtype.kind == "f" else
                 (np.int64(x[i]) if x.ndim == 1 else x[i].copy()) for x in arrays]
            try:
                with np.errstate(all="ignore"):  # float64 overflow at huge inputs is not an error
                    v = np.asarray(self.fn(*a))
                    g = self.grad(*a)
            except Exception as err:  # user code
                errors.append((i, err))
                continue
            v = self._check_out("value", v)
            if v.size != self.m:
                raise self._shape_error(v.size)
            vals[i] = v.reshape(-1)
            if not isinstance(g, (tuple, list)):
                g = (g,)
            if len(g) != len(self.argnums):
                raise ImplementationError(
                    f"{self.claim.id}: grad of implementation {self.name} returned {len(g)} "
                    f"gradient(s); expected one per argument holding a wrt variable "
                    f"(arguments {list(self.argnums)})")
            g = [self._check_out("gradient", x) for x in g]
            for col, (k, idx) in enumerate(self.where):
                gk = np.asarray(g[k], dtype=np.float64)
                argshape = self.layout[self.argnums[k]].shape
                if gk.shape not in (argshape, (self.m,) + argshape) or \
                        (gk.shape == argshape and self.m != 1):
                    raise ImplementationError(
                        f"{self.claim.id}: grad of implementation {self.name} returned shape "
                        f"{gk.shape} for argument {self.argnums[k]}; expected "
                        f"{(self.m,) + argshape if self.m > 1 else argshape}")
                gk = gk.reshape((self.m,) + argshape)
                jac[i, :, col] = gk[(slice(None),) + idx]
        return vals, jac, errors

