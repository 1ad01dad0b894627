"""Running the user's function: its value (N, m) and Jacobian (N, m, n) at the sample's points.

A JAX function is traced once (``jax.eval_shape``), then evaluated with
``jit(vmap(value, jacrev(value)))`` -- reverse mode, so a ``jax.custom_vjp``'s backward pass is
what is checked.  A NumPy function and its ``grad`` are called point by point.  Outputs must be
real float64 (:func:`checkers._precision.require_float64`); an exception in the user's code is
returned with the point it happened at, never raised.
"""

from __future__ import annotations

import numpy as np

from .._precision import require_float64
from .layout import ImplementationError

__all__ = ["Evaluator"]


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

