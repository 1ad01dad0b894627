"""gradproof derivations: the claims of the source documents, in SymPy.

Importing builds data only (SymPy expressions and frozen claim records): no numerics, no JAX.
The catalog lists every claim in document order: Ko (2026) sections 1-4, then Miranda (2017).

Public constructors for your own claims: :class:`GradientClaim`, :class:`EqualityClaim`,
:class:`InequalityClaim`, :class:`LimitClaim`, :class:`ValueClaim`, with :class:`Source` and the
interval helpers.
"""

from __future__ import annotations

import importlib

from ._claim import Claim as Claim
from ._claim import ClaimError as ClaimError
from ._claim import EqualityClaim as EqualityClaim
from ._claim import GradientClaim as GradientClaim
from ._claim import InequalityClaim as InequalityClaim
from ._claim import Interval as Interval
from ._claim import LimitClaim as LimitClaim
from ._claim import Source as Source
from ._claim import ValueClaim as ValueClaim
from ._claim import closed_interval as closed_interval
from ._claim import integers as integers
from ._claim import open_interval as open_interval
from ._claim import positive as positive
from ._claim import real_line as real_line
from ._functions import sigmoid as sigmoid
from ._indexed import IndexedEqualityClaim as IndexedEqualityClaim
from ._indexed import IndexedGradientClaim as IndexedGradientClaim
from ._indexed import IndexedInequalityClaim as IndexedInequalityClaim
from ._network import NetworkClaim as NetworkClaim

# Modules of the catalog, in document order.  A new family is one more name here.
CATALOG_MODULES = (
    "sigmoid_mse",
    "bce_sigmoid",
    "experiments",
    "backprop",
    "softmax",
    "softmax_experiments",
    "softmax_nll",
    "miranda",
)


def catalog() -> tuple:
    """Every built-in claim, in document order (a tuple of frozen claim records)."""
    claims = []
    for name in CATALOG_MODULES:
        claims.extend(importlib.import_module(f"{__name__}.{name}").CLAIMS)
    from .sources import document_position

    claims.sort(key=lambda c: document_position(c.source))  # stable: module order within a section
    ids = [c.id for c in claims]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ClaimError(f"catalog: duplicate claim ids {dup}")
    return tuple(claims)


def get(claim_id: str) -> Claim:
    """The catalog claim with this id."""
    for c in catalog():
        if c.id == claim_id:
            return c
    raise KeyError(f"no claim {claim_id!r} in the catalog; `gradproof list` shows the ids")
