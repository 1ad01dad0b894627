r"""The README's tanh + MSE claim checked by the tools a user would otherwise pick, as a whole
process (``python -m benchmarks.tanh_one_point --tool check_grads|gradcheck``), for the
cold-start table (:mod:`benchmarks.coldstart_table`).

The claim is the hand-derived gradient of $C = \tfrac12(\tanh(wx + b) - y)^2$ (the backward pass
of ``examples/tanh_mse_claims.py``):
$$\partial_w C = \delta x,\quad \partial_b C = \delta,\quad \partial_x C = \delta w,\quad
\partial_y C = -(a - y),\qquad \delta = (a - y)(1 - a^2),\ a = \tanh(wx + b).$$

* ``check_grads``: ``jax.test_util.check_grads(f, args, order=1, modes=["rev"])`` on a
  ``jax.custom_vjp`` whose backward pass is that gradient (one point, float64; JAX's defaults:
  a central difference along one random direction, ``eps = 1e-4``);
* ``gradcheck``: ``torch.autograd.gradcheck`` on a ``torch.autograd.Function`` with the same
  backward (one point, float64, its defaults: ``eps = 1e-6``, ``atol = 1e-5``, ``rtol = 1e-3``).

Both check one seeded point, which is what these tools do per call; the process imports the
library, builds the function and checks it, so its wall time is comparable with
``gradproof check examples/tanh_mse_claims.py`` (4 claims and 2 implementations at 1,024 points
each).  ``--mutant`` replaces $(1 - a^2)$ by $(1 - a)$ in the backward pass (a detection is the
tool's own mismatch error; the process then exits 1).
"""

from __future__ import annotations

import argparse
import sys

POINT = (0.7, -0.3, 1.3, 0.2)   # w, b, x, y


def _jax_check(mutant: bool) -> None:
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    from jax.test_util import check_grads

    @jax.custom_vjp
    def cost(w, b, x, y):
        return (jnp.tanh(w * x + b) - y) ** 2 / 2

    def fwd(w, b, x, y):
        t = jnp.tanh(w * x + b)
        return (t - y) ** 2 / 2, (t, w, x, y)

    def bwd(res, g):
        t, w, x, y = res
        delta = (t - y) * ((1 - t) if mutant else (1 - t**2))
        return g * delta * x, g * delta, g * delta * w, -g * (t - y)

    cost.defvjp(fwd, bwd)
    check_grads(cost, tuple(jnp.asarray(v, dtype=jnp.float64) for v in POINT), order=1,
                modes=["rev"])


def _torch_check(mutant: bool) -> None:
    import torch

    class Cost(torch.autograd.Function):
        @staticmethod
        def forward(ctx, w, b, x, y):
            t = torch.tanh(w * x + b)
            ctx.save_for_backward(t, w, x, y)
            return (t - y) ** 2 / 2

        @staticmethod
        def backward(ctx, g):
            t, w, x, y = ctx.saved_tensors
            delta = (t - y) * ((1 - t) if mutant else (1 - t**2))
            return g * delta * x, g * delta, g * delta * w, -g * (t - y)

    args = tuple(torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in POINT)
    torch.autograd.gradcheck(Cost.apply, args)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", choices=("check_grads", "gradcheck"), required=True)
    ap.add_argument("--mutant", action="store_true", help="check the wrong backward pass")
    a = ap.parse_args(argv)
    try:
        (_jax_check if a.tool == "check_grads" else _torch_check)(a.mutant)
    except Exception as err:  # noqa: BLE001
        # check_grads raises AssertionError (numpy.testing), gradcheck its GradcheckError
        if not (isinstance(err, AssertionError) or type(err).__name__ == "GradcheckError"):
            raise
        first = next((ln for ln in str(err).splitlines() if ln.strip()), "")
        print(f"{a.tool}: mismatch: {first[:200]}")
        return 1
    print(f"{a.tool}: pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
