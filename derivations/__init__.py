"""gradproof derivations: the claims of the source documents, in SymPy.

Importing builds data only (SymPy expressions and frozen claim records): no numerics, no JAX.
The catalog lists every claim in document order: Ko (2026) sections 1-4, then Miranda (2017).

Public constructors for your own claims: :class:`GradientClaim`, :class:`EqualityClaim`,
:class:`InequalityClaim`, :class:`LimitClaim`, :class:`ValueClaim`, with :class:`Source` and the
interval helpers.

The claim model: :mod:`derivations.claims` (scalar claims), :mod:`derivations.indexed` (index
notation, any size), :mod:`derivations.network` (network claims), :mod:`derivations.experiment_model`
(statements about a stated computation).  The catalog is grouped in families
(:data:`FAMILIES`); each catalog module ``X`` keeps its mutants (plausible mistakes,
:class:`Mutant`) beside it in ``X_mutants``, listed by :func:`mutants`.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util

from .claims import Claim as Claim
from .claims import ClaimError as ClaimError
from .claims import EqualityClaim as EqualityClaim
from .claims import GradientClaim as GradientClaim
from .claims import InequalityClaim as InequalityClaim
from .claims import Interval as Interval
from .claims import LimitClaim as LimitClaim
from .claims import Source as Source
from .claims import ValueClaim as ValueClaim
from .claims import closed_interval as closed_interval
from .claims import integers as integers
from .claims import open_interval as open_interval
from .claims import positive as positive
from .claims import real_line as real_line
from .functions import sigmoid as sigmoid
from .indexed import IndexedEqualityClaim as IndexedEqualityClaim
from .indexed import IndexedGradientClaim as IndexedGradientClaim
from .indexed import IndexedInequalityClaim as IndexedInequalityClaim
from .mutant import Mutant as Mutant
from .network import NetworkClaim as NetworkClaim

FAMILIES = {
    "sigmoid_mse": ("sigmoid_mse", "CLAIMS"),
    "bce_sigmoid": ("bce_sigmoid", "CLAIMS"),
    "experiments": ("experiments", "CLAIMS"),
    "backprop": ("backprop", "CLAIMS"),
    "softmax": ("softmax", "CLAIMS"),
    "softmax_experiments": ("experiments", "SOFTMAX_CLAIMS"),
    "softmax_nll": ("softmax_nll", "CLAIMS"),
    "miranda": ("miranda", "CLAIMS"),
}
"""The catalog's families in document order: name -> (module of this package, attribute holding
the family's claims).  A new family is one more entry here.  A module may hold several families:
:mod:`derivations.experiments` holds the runs of sections 1-2 (``experiments``) and the section-3
softmax temperature sweep (``softmax_experiments``, listed after the softmax claims)."""

CATALOG_MODULES = tuple(dict.fromkeys(module for module, _ in FAMILIES.values()))
"""The modules that hold the catalog, in the order of their first family."""


def families() -> tuple:
    """The names of the catalog's families, in document order."""
    return tuple(FAMILIES)


def family_claims(family: str) -> tuple:
    """The claims of one family, in the order its module lists them."""
    module, attribute = FAMILIES[family]
    return tuple(getattr(importlib.import_module(f"{__name__}.{module}"), attribute))


def catalog() -> tuple:
    """Every built-in claim, in document order (a tuple of frozen claim records).

    The order key is explicit: (document, section) of the claim's source
    (:func:`derivations.sources.document_position`), then the rank of its family in
    :data:`FAMILIES`; within both, the family's own order.
    """
    from .sources import document_position

    keyed = [((document_position(c.source), rank), c)
             for rank, family in enumerate(FAMILIES) for c in family_claims(family)]
    keyed.sort(key=lambda kc: kc[0])  # stable: the family's own order within a key
    claims = [c for _, c in keyed]
    ids = [c.id for c in claims]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ClaimError(f"catalog: duplicate claim ids {dup}")
    return tuple(claims)


@functools.lru_cache(maxsize=None)
def _family_index() -> dict:
    return {c.id: family for family in FAMILIES for c in family_claims(family)}


def family_of(claim_id: str) -> str:
    """The family (a key of :data:`FAMILIES`) of the catalog claim ``claim_id``."""
    try:
        return _family_index()[claim_id]
    except KeyError:
        raise KeyError(f"{claim_id!r} is in no catalog family of {families()}") from None


def mutants(family: str | None = None) -> list:
    """Every :class:`Mutant` of the catalog (or of one family), in family order.

    A catalog module ``X`` keeps its mutants beside it, in ``derivations/X_mutants.py``
    (``MUTANTS``); a mutant's family is the family of the claim it breaks.  A mutant of a claim
    no longer in the catalog (an orphan) is listed last.
    """
    out = []
    for module in CATALOG_MODULES:
        name = f"{__name__}.{module}_mutants"
        if importlib.util.find_spec(name) is not None:
            out.extend(importlib.import_module(name).MUTANTS)
    ids = [m.id for m in out]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ValueError(f"mutation suite: duplicate mutant ids {dup}")
    order = {f: i for i, f in enumerate(FAMILIES)}
    index = _family_index()
    out.sort(key=lambda m: order.get(index.get(m.original), len(order)))
    return [m for m in out if family is None or index.get(m.original) == family]


def get(claim_id: str) -> Claim:
    """The catalog claim with this id."""
    for c in catalog():
        if c.id == claim_id:
            return c
    raise KeyError(f"no claim {claim_id!r} in the catalog; `gradproof list` shows the ids")
