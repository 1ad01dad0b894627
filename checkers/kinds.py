r"""Claim kinds: the one extension point of the checker.

A claim says what it is with ``claim.kind`` (``"gradient"``, ``"network"``,
``"indexed_gradient"``, ...).  Everything the checker does differently for a kind is a field of
that kind's :class:`Kind` record, in the spirit of optax's ``GradientTransformation(init,
update)``: a small record of functions that the rest of the code composes, never a
``claim.kind == ...`` test outside the kind's own package.

* the engine (:func:`checkers.engine.verify`) asks the record for the sampler, the symbolic
  witness, the numeric witnesses and whether the cost can have kinks;
* the report, the figures, the worker planner, the false-alarm run and the mutation suite ask it
  how to render, how to group for workers, whether the witnesses depend on the seed.

Adding a claim kind is one package (its witnesses, its sampler, its renderers) whose import
calls :func:`register` once, plus one line in :data:`PROVIDERS` naming that package, so the kind
is found without importing every package up front (``gradproof --help`` imports none).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

__all__ = ["Kind", "Renderer", "register", "kind_of", "registered", "PROVIDERS", "load_all"]

#: The packages whose import registers the built-in kinds (one line per kind package).
PROVIDERS = (
    "checkers.scalar",
    "checkers.experiments",
    "checkers.indexed",
    "checkers.network",
)


@dataclass(frozen=True)
class Renderer:
    """How a kind's results read in the report; every field is optional (``None``: the generic
    rendering of :mod:`checkers.report`).

    ``residual_label``: what the symbolic residual is ("true derivative minus claimed");
    ``worked_counterexample(claim, ce) -> list[str] | None``: the kind's counterexample block
    (scalar kinds: an exact counterexample redone by hand; experiments: the criterion measured to
    fail); ``one_line(result) -> str``: the counterexample in the summary table;
    ``evidence(result) -> list[str] | None``: the kind's own evidence block (shown after the
    symbolic line, before the generic witness table); ``figures``: a
    :class:`checkers.report.FigureSet`, called as ``figures(results, out_dir, *, seed, points) ->
    list[pathlib.Path]``, that lists (``index``) and draws the kind's figures from the evidence the
    witnesses recorded (never by re-running a witness).
    """

    residual_label: str | None = None
    worked_counterexample: Callable | None = None
    one_line: Callable | None = None
    evidence: Callable | None = None
    figures: Callable | None = None


@dataclass(frozen=True)
class Kind:
    r"""Everything the checker knows about one claim kind.

    ``witnesses``: the numeric witnesses, ``(name, fn(claim, sample) -> WitnessResult)``, run in
    this order on one seeded sample.  ``symbolic``: ``fn(claim, seconds) -> WitnessResult``
    (``None``: :func:`checkers.symbolic.symbolic_witness`).  ``sampler``: ``fn(claim, points,
    seed) -> Sample`` (``None``: :func:`checkers.sampling.sample`).  ``seed_independent``: no
    witness uses a sampled point (an experiment, a quoted number), so a run over many seeds
    checks it once.  ``family``: claims of one family share compiled programs and go to one
    worker process (``None``: the kind's name).  ``kinks``: the claim has a ``cost`` whose
    non-differentiable set the engine detects and sets aside (:mod:`checkers.kinks`).
    ``relative_errors``: ``worst_error`` is a relative error against a tolerance (the false-alarm
    table lists it); ``edge_search``: the hypothesis edge search applies (scalar variables).
    ``render``: :class:`Renderer`.  ``region``: ``fn(claim, witnesses, *, seed, points, check) -> Region``,
    where a refuted claim of the kind holds (:mod:`checkers.regions`; ``None``: no search);
    ``region_always``: ask for it whatever the verdict (an experiment whose learning rate the
    text leaves open holds on a set of rates, which is reported even when it holds).
    """

    name: str
    witnesses: tuple = ()
    symbolic: Callable | None = None
    sampler: Callable | None = None
    seed_independent: bool = False
    family: str | None = None
    kinks: bool = False
    relative_errors: bool = True
    edge_search: bool = False
    render: Renderer = field(default_factory=Renderer)
    region: Callable | None = None
    region_always: bool = False

    @property
    def group(self) -> str:
        """The worker group (family) of this kind."""
        return self.family or self.name

    def symbolic_witness(self, claim, seconds):
        """The kind's symbolic witness on ``claim`` within ``seconds``."""
        if self.symbolic is not None:
            return self.symbolic(claim, seconds)
        from .symbolic import symbolic_witness

        return symbolic_witness(claim, seconds)

    def sample(self, claim, points: int, seed: int):
        """The seeded sample the numeric witnesses share."""
        if self.sampler is not None:
            return self.sampler(claim, points, seed)
        from .sampling import sample

        return sample(claim, points, seed)


_REGISTRY: dict[str, Kind] = {}
_LOADED = [False]


def register(kind: Kind) -> Kind:
    """Add (or replace) ``kind`` in the registry; returns it."""
    if not isinstance(kind, Kind):
        raise TypeError(f"register() takes a checkers.kinds.Kind, got {type(kind).__name__}")
    _REGISTRY[kind.name] = kind
    return kind


def load_all() -> None:
    """Import every provider package once (each registers its kinds)."""
    if _LOADED[0]:
        return
    _LOADED[0] = True
    for mod in PROVIDERS:
        importlib.import_module(mod)


def registered() -> dict:
    """Every registered kind by name (loads the providers)."""
    load_all()
    return dict(_REGISTRY)


def kind_of(claim_or_name) -> Kind | None:
    """The :class:`Kind` of a claim (or a kind name), or ``None`` if no package registers it."""
    name = claim_or_name if isinstance(claim_or_name, str) else getattr(claim_or_name, "kind", None)
    for mod in PROVIDERS:   # in order, until one registers it (the experiments import a catalog)
        if name in _REGISTRY or _LOADED[0]:
            break
        importlib.import_module(mod)
    if name not in _REGISTRY:
        load_all()
    return _REGISTRY.get(name)
