r"""The tools a user would otherwise pick, run with their default tolerances.

* ``check_grads rev``      -- ``jax.test_util.check_grads(f, (x,), order=1, modes=["rev"])``;
* ``check_grads fwd+rev``  -- the same with ``modes=["fwd", "rev"]``;
  both compare against a central difference along one random direction (``eps = 1e-4``,
  float64 ``atol = rtol = 1e-5`` times the output size, 1 for a scalar loss);
* ``gradcheck full``       -- ``torch.autograd.gradcheck(f, (x,))``: the full numerical Jacobian,
  column by column (``eps = 1e-6``, ``atol = 1e-5``, ``rtol = 1e-3``, element-wise);
* ``gradcheck fast``       -- the same with ``fast_mode=True`` (one projection $v^T J u$).

The function under test is the hand-written gradient (:mod:`benchmarks.functions`): a
``jax.custom_jvp`` rule for JAX, a ``torch.autograd.Function`` backward for PyTorch; inputs are
float64, at one seeded point (these tools check one point per call).  A tool *detects* a mutant
when it raises its own mismatch error (``AssertionError`` for JAX, ``GradcheckError`` for
PyTorch); any other exception is reported as an error, not as a detection.
"""

from __future__ import annotations

import time

from . import functions as F
from .timing import measure

__all__ = ["TOOLS", "run_tool", "make_check"]

TOOLS = ("check_grads rev", "check_grads fwd+rev", "gradcheck full", "gradcheck fast")


def _jax_input(x):
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    return jnp.asarray(x, dtype=jnp.float64)


def _torch_input(x):
    import torch

    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def make_check(tool: str, problem: str, size, mutant: str | None, seed: int = 0):
    """``(check(), counter)``: one call of ``tool`` on the function (or its mutant)."""
    counter = F.Counter()
    jax_tool = tool.startswith("check_grads")
    if problem == "softmax_nll":
        z, y = F.softmax_point(size, seed)
        x = _jax_input(z) if jax_tool else _torch_input(z)
        fn = (F.jax_softmax_nll if jax_tool else F.torch_softmax_nll)(size, y, mutant, counter)
    elif problem == "mlp":
        theta, X, Y = F.mlp_point(size, seed)
        x = _jax_input(theta) if jax_tool else _torch_input(theta)
        fn = (F.jax_mlp if jax_tool else F.torch_mlp)(size, X, Y, mutant, counter)
    else:  # pragma: no cover
        raise ValueError(f"unknown problem {problem!r}")
    if jax_tool:
        from jax.test_util import check_grads

        modes = ["rev"] if tool == "check_grads rev" else ["fwd", "rev"]

        def check():
            check_grads(fn, (x,), order=1, modes=modes)
            return True
    else:
        from torch.autograd import gradcheck

        fast = tool == "gradcheck fast"

        def check():
            return gradcheck(fn, (x,), fast_mode=fast)
    return check, counter


def _outcome(check) -> str:
    """'pass', 'detected' (the tool's own mismatch error) or 'error: ...'."""
    try:
        ok = check()
    except AssertionError:  # jax check_close (numpy.testing) and torch GradcheckError
        return "detected"
    except Exception as err:  # noqa: BLE001  (report, do not count as a detection)
        name = type(err).__name__
        if name == "GradcheckError":
            return "detected"
        return f"error: {name}: {str(err)[:120]}"
    return "pass" if ok else "detected"


def run_tool(tool: str, problem: str, size, mutants, *, repeats: int, budget_s: float,
             seed: int = 0) -> dict:
    """Time ``tool`` on the correct function (median of repeats), count its evaluations, and
    run it once on each mutant."""
    check, counter = make_check(tool, problem, size, None, seed)
    counter.reset()
    try:
        m = measure(check, repeats=repeats, budget_s=budget_s)
        correct = "pass" if m.pop("result") else "detected"
    except Exception as err:  # noqa: BLE001
        correct = "detected" if isinstance(err, AssertionError) or type(err).__name__ == \
            "GradcheckError" else f"error: {type(err).__name__}: {str(err)[:120]}"
        m = {"first_s": None, "median_s": None, "repeats": 0}
    runs = m.get("repeats", 0) + 1
    row = {"tool": tool, "problem": problem, "size": size, **{k: v for k, v in m.items()},
           "f_evals": counter.f // runs, "grad_evals": counter.g // runs,
           "correct": "pass" if correct == "pass" else f"FALSE ALARM ({correct})",
           "points": 1, "detects": {}}
    row["mutant_s"] = {}
    for mut in mutants:
        mcheck, _ = make_check(tool, problem, size, mut, seed)
        t0 = time.perf_counter()
        out = _outcome(mcheck)
        row["mutant_s"][mut] = time.perf_counter() - t0
        row["detects"][mut] = out
    return row
