r"""Wall-clock timing with JAX compile time split out, and the machine's description.

:func:`measure` runs a callable once as a warm-up (reported as ``first_s``, the cold cost, with
the JAX compile time inside it as ``first_compile_s``), then repeats it and reports the median
(``median_s``) of the repeats, timeit-style.  JAX compile time is the sum of JAX's own
monitoring events (tracing to a jaxpr, lowering to MLIR, XLA backend compile) recorded during
the call; it is zero for PyTorch and NumPy code.

Expensive calls get fewer repeats: at least ``min_repeats`` (one), then more while the repeats
so far stay within ``budget_s`` of wall time.  Only when the warm-up run itself takes longer than
``max_first_s`` (a check of minutes, where compilation is a negligible share) is the warm-up run
the only sample, and the row says so (``repeats = 0``).
"""

from __future__ import annotations

import os
import platform
import statistics
import time

__all__ = ["measure", "compile_seconds", "machine"]

_COMPILE_EVENTS = ("/jax/core/compile/jaxpr_trace_duration",
                   "/jax/core/compile/jaxpr_to_mlir_module_duration",
                   "/jax/core/compile/backend_compile_duration")
_acc = [0.0]
_registered = [False]


def _listener(name, duration, **_):
    if name in _COMPILE_EVENTS:
        _acc[0] += duration


def _ensure_listener():
    if not _registered[0]:
        import jax

        jax.monitoring.register_event_duration_secs_listener(_listener)
        _registered[0] = True


def compile_seconds() -> float:
    """JAX compile time accumulated so far in this process (seconds)."""
    _ensure_listener()
    return _acc[0]


def _timed(fn):
    c0 = compile_seconds()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, compile_seconds() - c0, out


def measure(fn, *, repeats: int = 5, budget_s: float = 5.0, min_repeats: int = 1,
            max_first_s: float = 30.0) -> dict:
    """Warm-up once, then up to ``repeats`` timed runs within ``budget_s``; medians."""
    first, first_c, out = _timed(fn)
    times, comps = [], []
    spent = 0.0
    if first <= max_first_s:
        while len(times) < repeats and (len(times) < min_repeats
                                        or spent + spent / len(times) <= budget_s):
            t, c, out = _timed(fn)
            times.append(t)
            comps.append(c)
            spent += t
    return {
        "first_s": first, "first_compile_s": first_c,
        "median_s": statistics.median(times) if times else first,
        "compile_median_s": statistics.median(comps) if comps else first_c,
        "repeats": len(times), "runs_s": times, "result": out,
    }


def machine() -> dict:
    """CPU model, cores, load and library versions."""
    model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = {"python": platform.python_version()}
    for mod in ("numpy", "jax", "jaxlib", "sympy", "mpmath", "torch"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:  # pragma: no cover
            versions[mod] = "not installed"
    info = {"cpu": model, "nproc": os.cpu_count(), "platform": platform.platform(),
            "versions": versions}
    try:
        info["loadavg_start"] = os.getloadavg()
    except OSError:  # pragma: no cover
        pass
    try:
        import torch

        info["torch_threads"] = torch.get_num_threads()
    except Exception:  # pragma: no cover
        pass
    return info
