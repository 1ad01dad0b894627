"""How an implementation takes the claim's variables: ``args=`` checked against the claim.

Each argument is a claim Symbol (passed as a float64 scalar) or a nested tuple of Symbols (an
array of that shape); an argument of integer-domain variables is passed as int64.  Every claim
variable is passed exactly once, and no ``wrt`` variable is an integer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import sympy as sp

__all__ = ["ImplementationError", "Arg", "layout", "arrays", "slug"]


class ImplementationError(ValueError):
    """The implementation or its argument layout does not fit the claim (message says how)."""


def _nested(spec):
    """Symbols of an argument spec and its shape: a Symbol is a scalar; nested tuples are arrays."""
    if isinstance(spec, sp.Symbol):
        return [spec], ()
    if isinstance(spec, (list, tuple)) and spec:
        parts = [_nested(s) for s in spec]
        shapes = {p[1] for p in parts}
        if len(shapes) != 1:
            raise ImplementationError("ragged nesting")
        return [s for p in parts for s in p[0]], (len(spec),) + parts[0][1]
    raise ImplementationError(f"not a Symbol or a (nested) tuple of Symbols: {spec!r}")


@dataclass
class Arg:
    """One argument of the implementation: its claim symbols (row-major), shape, integer type."""

    symbols: list
    shape: tuple
    integer: bool


def layout(claim, args, name) -> list:
    """The :class:`Arg` list for ``args`` (default: every claim variable as a scalar, in order);
    raises :class:`ImplementationError` naming what does not fit."""
    variables = claim.variables
    if args is None:
        args = variables
    if isinstance(args, sp.Symbol):
        args = (args,)
    out = []
    for k, spec in enumerate(args):
        try:
            syms, shape = _nested(spec)
        except ImplementationError as err:
            raise ImplementationError(
                f"{claim.id}: args[{k}] of implementation {name}: {err}; pass each argument as a "
                "claim Symbol (a scalar) or a tuple of Symbols (an array)") from None
        dom = claim.domain_map
        unknown = [s for s in syms if s not in dom]
        if unknown:
            raise ImplementationError(
                f"{claim.id}: args[{k}] of implementation {name} uses {', '.join(map(str, unknown))}, "
                f"which the claim does not have (its variables: {', '.join(map(str, variables))})")
        integer = all(dom[s].integer for s in syms)
        if not integer and any(dom[s].integer for s in syms):
            raise ImplementationError(f"{claim.id}: args[{k}] mixes integer and real variables")
        out.append(Arg(syms, shape, integer))
    used = [s for a in out for s in a.symbols]
    twice = sorted({str(s) for s in used if used.count(s) > 1})
    if twice:
        raise ImplementationError(f"{claim.id}: args= passes {', '.join(twice)} more than once")
    missing = [s for s in variables if s not in used]
    if missing:
        raise ImplementationError(
            f"{claim.id}: implementation {name} is not given the claim variable(s) "
            f"{', '.join(map(str, missing))}; list every variable in args= (in the order fn "
            "takes them)")
    for s in claim.wrt:
        a = next(a for a in out if s in a.symbols)
        if a.integer:
            raise ImplementationError(f"{claim.id}: cannot differentiate with respect to the "
                                      f"integer variable {s}")
    return out


def arrays(args, smp) -> list:
    """The sample's points as the implementation's arguments: one array per :class:`Arg`, of
    shape ``(N,) + arg.shape`` (int64 for integer arguments)."""
    col = {s: i for i, s in enumerate(smp.variables)}
    out = []
    for a in args:
        idx = [col[s] for s in a.symbols]
        arr = smp.points[:, idx].reshape((len(smp),) + a.shape)
        out.append(arr.astype(np.int64) if a.integer else arr)
    return out


def slug(text: str) -> str:
    """``text`` as an id fragment (lower case, ``[a-z0-9_]``)."""
    s = re.sub(r"[^a-z0-9_]+", "_", str(text).lower()).strip("_")
    return s or "fn"
