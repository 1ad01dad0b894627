r"""The experiment claim model: a statement about a stated computation, with its thresholds.

An :class:`ExperimentClaim` holds iff every :class:`Criterion` holds.  A criterion compares a
:class:`Quantity` measured on one series (the computation: :class:`Training`, full-batch
gradient descent $p_{t+1} = p_t - \eta\,\nabla C(p_t)$, or :class:`Sweep`, an expression at
increasing values of one variable) with an exact threshold or with another quantity; ``why``
says where the threshold comes from.  A :class:`Figure` of :class:`Panel` records is the picture
of the series.  Everything is data (SymPy expressions and exact numbers); the checkers run the
computations (``checkers.experiments``).  The catalog's experiment claims are in
:mod:`derivations.experiments`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp

from .claims import Claim, ClaimError

__all__ = [
    "Training", "Sweep", "Quantity", "Criterion", "Panel", "Figure", "ExperimentClaim", "OpenRate",
    "value", "ratio", "drop", "max_step", "min_step", "min_second_difference", "first_below",
    "maximum", "minimum", "number_tex", "OPS",
]

_RELATIONS = (">", ">=", "<", "<=")


def _exact(v, what: str, cid: str):
    """An exact SymPy number (int, Rational, exact expression); floats are refused."""
    if isinstance(v, float):
        raise ClaimError(f"{cid}: {what} is the float {v!r}; give it exactly (sympy.Rational('{v}'))")
    try:
        e = sp.sympify(v, strict=True)
    except (sp.SympifyError, TypeError) as err:
        raise ClaimError(f"{cid}: {what} must be an exact number, got {type(v).__name__}") from err
    if not e.is_number or e.has(sp.Float) or not e.is_real:
        raise ClaimError(f"{cid}: {what} must be an exact real number, got {e}")
    return e


@dataclass(frozen=True)
class Training:
    r"""Full-batch gradient descent: $p_{t+1} = p_t - \eta\, \nabla C(p_t)$ from ``init``.

    The series is the cost before each step and after the last: $C(p_0), \dots, C(p_T)$ with
    $T$ = ``epochs``; its index is the epoch.  ``tex`` names the series in formulas.
    """

    name: str
    label: str
    tex: str
    cost: Any
    params: tuple
    init: tuple
    learning_rate: Any
    epochs: int

    def length(self) -> int:
        return self.epochs + 1

    def position(self, at) -> int:
        """The index of epoch ``at`` (negative: from the end)."""
        return int(at) if int(at) >= 0 else self.length() + int(at)

    def index_tex(self, at) -> str:
        return str(self.position(at))

    def validate(self, cid: str) -> None:
        if not self.params or not all(isinstance(p, sp.Symbol) for p in self.params):
            raise ClaimError(f"{cid}: series {self.name!r}: params must be a tuple of Symbols")
        extra = sorted(map(str, sp.sympify(self.cost).free_symbols - set(self.params)))
        if extra:
            raise ClaimError(f"{cid}: series {self.name!r}: the cost has free symbols {extra} that "
                             "are not parameters; substitute the data (x, y) first")
        if len(self.init) != len(self.params):
            raise ClaimError(f"{cid}: series {self.name!r}: {len(self.init)} initial values for "
                             f"{len(self.params)} parameters")
        for p, v in zip(self.params, self.init):
            _exact(v, f"series {self.name!r}: initial {p}", cid)
        if not _exact(self.learning_rate, f"series {self.name!r}: learning rate", cid) > 0:
            raise ClaimError(f"{cid}: series {self.name!r}: the learning rate must be positive")
        if not isinstance(self.epochs, int) or self.epochs < 2:
            raise ClaimError(f"{cid}: series {self.name!r}: epochs must be an int >= 2, got {self.epochs!r}")


@dataclass(frozen=True)
class Sweep:
    r"""``expr`` evaluated at each value of ``var`` in ``values`` (exact numbers, increasing).

    The series index is the position in ``values``; quantities name a point by its value of
    ``var`` (``at=20`` is the position of $c = 20$).
    """

    name: str
    label: str
    tex: str
    expr: Any
    var: Any
    values: tuple

    def length(self) -> int:
        return len(self.values)

    def position(self, at) -> int:
        at = sp.sympify(at)
        for i, v in enumerate(self.values):
            if sp.sympify(v) == at:
                return i
        raise ClaimError(f"series {self.name!r}: {self.var} = {at} is not one of its sweep values")

    def index_tex(self, at) -> str:
        return sp.latex(sp.sympify(at))

    def validate(self, cid: str) -> None:
        if not isinstance(self.var, sp.Symbol):
            raise ClaimError(f"{cid}: series {self.name!r}: var must be a Symbol")
        extra = sorted(map(str, sp.sympify(self.expr).free_symbols - {self.var}))
        if extra:
            raise ClaimError(f"{cid}: series {self.name!r}: the expression has free symbols {extra} "
                             f"besides {self.var}")
        vals = [_exact(v, f"series {self.name!r}: sweep value", cid) for v in self.values]
        if len(vals) < 2 or any(not (a < b_) for a, b_ in zip(vals, vals[1:])):
            raise ClaimError(f"{cid}: series {self.name!r}: sweep values must be at least two, "
                             "strictly increasing")


def number_tex(v) -> str:
    r"""An exact number as a reader writes it: 48, 0.95, 10^{-8}, \tfrac{1}{2} - 10^{-12}, \tfrac{1}{3}."""
    v = sp.sympify(v)
    if v.is_Integer:
        return str(v)
    if v.is_Rational:
        p, q = abs(v.p), v.q
        sign = "-" if v < 0 else ""
        if p == 1 and q > 1 and q == 10 ** (len(str(q)) - 1) and q >= 10**4:
            return f"{sign}10^{{-{len(str(q)) - 1}}}"
        twos_fives = q
        for f in (2, 5):
            while twos_fives % f == 0:
                twos_fives //= f
        if twos_fives == 1:
            text = _decimal(v)
            if len(text.replace("-", "").replace("0.", "").lstrip("0")) <= 6:
                return text
        for den in range(1, 13):
            r = sp.Rational(round(v * den), den)
            d = v - r
            if d != 0 and abs(d).p == 1 and abs(d).q == 10 ** (len(str(abs(d).q)) - 1):
                k = len(str(abs(d).q)) - 1
                base = str(r) if r.is_Integer else rf"\tfrac{{{abs(r.p)}}}{{{r.q}}}"
                return f"{base} {'+' if d > 0 else '-'} 10^{{-{k}}}"
        return rf"{sign}\tfrac{{{p}}}{{{q}}}"
    return sp.latex(v)


def _decimal(v: sp.Rational) -> str:
    """A terminating decimal, exactly (``v`` has only 2s and 5s in its denominator)."""
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 60
        d = Decimal(v.p) / Decimal(v.q)
    text = format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


OPS = {
    "value": r"s(k)",
    "ratio": r"s(k) / s(r)",
    "drop": r"s(k) - s(k+1)",
    "max_step": r"\max_t\, (s(t+1) - s(t))",
    "min_step": r"\min_t\, (s(t+1) - s(t))",
    "min_second_difference": r"\min_t\, (s(t+2) - 2 s(t+1) + s(t))",
    "first_below": r"\min\{t : s(t) < f\, s(0)\}",
    "maximum": r"\max_{k \ge k_0} s(k)",
    "minimum": r"\min_{k \ge k_0} s(k)",
}
"""The quantities a criterion can measure on a series $s$ (see :class:`Quantity`)."""


@dataclass(frozen=True)
class Quantity:
    r"""A number measured on one series: ``op`` is a key of :data:`OPS`.

    ``at``: the epoch (training) or the sweep value (sweep) of ``value``/``ratio``/``drop``,
    and the start $k_0$ of ``maximum``/``minimum`` (default: the first).  ``ref``: the
    denominator's index of ``ratio`` (default: the first).  ``fraction``: $f$ of
    ``first_below`` (the first epoch at which the series is below $f$ times its start; $+\infty$
    if it never is).  Build them with :func:`value`, :func:`ratio`, ... .
    """

    op: str
    series: str
    at: Any = None
    ref: Any = None
    fraction: Any = None

    def tex(self, series) -> str:
        """The quantity in LaTeX, with the series' own symbol."""
        s = series.tex
        at = None if self.at is None else series.index_tex(self.at)
        first = series.index_tex(0) if isinstance(series, Training) else series.index_tex(series.values[0])
        if self.op == "value":
            return rf"{s}({at})"
        if self.op == "ratio":
            ref = first if self.ref is None else series.index_tex(self.ref)
            return rf"{s}({at}) / {s}({ref})"
        if self.op == "drop":
            if isinstance(series, Training):
                return rf"{s}({at}) - {s}({series.position(self.at) + 1})"
            nxt = series.index_tex(series.values[series.position(self.at) + 1])
            return rf"{s}({at}) - {s}({nxt})"
        if isinstance(series, Training):
            k, k1, k2 = "t", "t+1", "t+2"
        else:
            v = sp.latex(series.var)
            k, k1, k2 = f"{v}_k", f"{v}_{{k+1}}", f"{v}_{{k+2}}"
        sub = "t" if isinstance(series, Training) else "k"
        if self.op in ("max_step", "min_step"):
            m = r"\max" if self.op == "max_step" else r"\min"
            return rf"{m}_{{{sub}}}\, \bigl({s}({k1}) - {s}({k})\bigr)"
        if self.op == "min_second_difference":
            return rf"\min_{{{sub}}}\, \bigl({s}({k2}) - 2\,{s}({k1}) + {s}({k})\bigr)"
        if self.op == "first_below":
            return rf"\min\{{t : {s}(t) < {number_tex(self.fraction)}\, {s}(0)\}}"
        var = "t" if isinstance(series, Training) else sp.latex(series.var)
        m = r"\max" if self.op == "maximum" else r"\min"
        if self.at is None:
            return rf"{m}_{{{var}}} {s}({var})"
        return rf"{m}_{{{var} \ge {at}}} {s}({var})"


def value(series: str, at) -> Quantity:
    """$s(k)$: the series at epoch / sweep value ``at``."""
    return Quantity("value", series, at=at)


def ratio(series: str, at, ref=None) -> Quantity:
    """$s(k) / s(r)$, by default relative to the first entry (the starting loss)."""
    return Quantity("ratio", series, at=at, ref=ref)


def drop(series: str, at=0) -> Quantity:
    """$s(k) - s(k+1)$: how much one step lowers the series (the first epoch by default)."""
    return Quantity("drop", series, at=at)


def max_step(series: str) -> Quantity:
    r"""$\max_t (s(t+1) - s(t))$: negative iff the series falls at every step."""
    return Quantity("max_step", series)


def min_step(series: str) -> Quantity:
    r"""$\min_t (s(t+1) - s(t))$: positive iff the series rises at every step."""
    return Quantity("min_step", series)


def min_second_difference(series: str) -> Quantity:
    r"""$\min_t (s(t+2) - 2s(t+1) + s(t))$: non-negative iff each step lowers it no more than the last."""
    return Quantity("min_second_difference", series)


def first_below(series: str, fraction) -> Quantity:
    r"""$\min\{t : s(t) < f\,s(0)\}$, $+\infty$ if never within the run."""
    return Quantity("first_below", series, fraction=fraction)


def maximum(series: str, start=None) -> Quantity:
    """The largest entry (from ``start`` on)."""
    return Quantity("maximum", series, at=start)


def minimum(series: str, start=None) -> Quantity:
    """The smallest entry (from ``start`` on)."""
    return Quantity("minimum", series, at=start)


@dataclass(frozen=True)
class Criterion:
    r"""``lhs relation rhs``: ``rhs`` is an exact number or another :class:`Quantity`.

    ``why`` says where the threshold comes from (the reasoning, before any run).
    """

    lhs: Quantity
    relation: str
    rhs: Any
    why: str = ""


@dataclass(frozen=True)
class Panel:
    """One axes of a figure: the series it draws and its labels (with units)."""

    title: str
    series: tuple
    xlabel: str
    ylabel: str
    xscale: str = "linear"
    yscale: str = "linear"
    marks: tuple = ()  # x positions marked by a dotted vertical line (e.g. the epoch checked)


@dataclass(frozen=True)
class Figure:
    """A PNG written under ``<out>/figures/`` and embedded next to the first claim that has it."""

    file: str
    title: str
    caption: str
    panels: tuple


@dataclass(frozen=True)
class OpenRate:
    r"""A learning rate the text leaves open: the sentence is read over a range of rates.

    Every :class:`Training` series of the claim runs at each rate of ``grid`` (exact, positive,
    increasing; one rate for every series at a time, so a comparison stays fair), and the
    sentence *holds at* a rate when every criterion holds there.  With the rate open, the
    sentence claims there is a set-up that behaves so: the claim holds when it holds at some
    rate of the range, and is refuted only when it holds at none; the set of rates where it
    holds is reported either way (``ClaimResult.region``).  ``readings``: named published
    set-ups, ``(label, ((series-name prefix, rate), ...))`` (a series takes the rate of the
    first prefix its name starts with), reported beside the region; ``why``: why this range.
    Each series' own ``learning_rate`` is the one drawn in the figure.

    ``epoch``, ``epochs``, ``epochs_why``: an epoch count the text leaves open as well (the
    number in the criteria, the readings it is also judged at, and why): the verdict is read at
    ``epoch``; the region reports, for each reading, the rates where the sentence holds
    (:meth:`at_epoch`).

    ``joint``: the criteria of every sentence the document states about the same runs.  They
    describe one set-up with one (unstated) rate, so a rate is *admissible* when all of them hold
    there; the claim holds when its own criteria hold at some admissible rate.  Without it a
    sentence and its opposite could both hold, each at a rate of its own ("the quadratic cost
    stalls" for eta <= 0.2, "it plunges" for eta >= 0.5); with it, the opposite of a sentence is
    refuted by the document's own other sentences.
    """

    grid: tuple
    readings: tuple = ()
    why: str = ""
    joint: tuple = ()
    epoch: Any = None
    epochs: tuple = ()
    epochs_why: str = ""

    def at_epoch(self, criteria, e) -> tuple:
        """``criteria`` read at epoch ``e`` instead of :attr:`epoch` (an epoch count the text leaves
        open too, "the first few dozen epochs"): every ``at`` of a ``value``/``ratio``/``drop``
        quantity and every number ``rhs`` equal to :attr:`epoch` becomes ``e``."""
        def q(x):
            if isinstance(x, Quantity) and x.op in ("value", "ratio", "drop") and x.at == self.epoch:
                return dataclasses.replace(x, at=e)
            return x

        return tuple(dataclasses.replace(c, lhs=q(c.lhs), rhs=e if (
            not isinstance(c.rhs, Quantity) and c.rhs == self.epoch) else q(c.rhs)) for c in criteria)

    def validate(self, cid: str, series) -> None:
        if self.epochs and (self.epoch not in self.epochs or any(
                int(e) != e or e < 1 for e in self.epochs)):
            raise ClaimError(f"{cid}: open rate: the epoch readings must be positive whole numbers "
                             f"that include the epoch of the criteria ({self.epoch})")
        rates = [_exact(v, "open rate: grid value", cid) for v in self.grid]
        if len(rates) < 2 or any(not (0 < a < b_) for a, b_ in zip(rates, rates[1:])) or rates[0] <= 0:
            raise ClaimError(f"{cid}: open rate: the grid needs at least two positive rates, "
                             "strictly increasing")
        names = [s.name for s in series if isinstance(s, Training)]
        if not names:
            raise ClaimError(f"{cid}: open rate: the claim has no Training series")
        for label, pairs in self.readings:
            for prefix, rate in pairs:
                if not _exact(rate, f"open rate: reading {label!r}", cid) > 0:
                    raise ClaimError(f"{cid}: open rate: reading {label!r}: rates must be positive")
                if not any(n.startswith(prefix) for n in names):
                    raise ClaimError(f"{cid}: open rate: reading {label!r}: no series name starts "
                                     f"with {prefix!r}")

    def reading_rate(self, pairs, name: str):
        """The rate of series ``name`` under a reading (the first prefix that matches)."""
        for prefix, rate in pairs:
            if name.startswith(prefix):
                return sp.sympify(rate)
        return None


@dataclass(frozen=True, kw_only=True)
class ExperimentClaim(Claim):
    r"""A statement about a stated computation: it holds iff every criterion holds.

    ``series``: the computations (:class:`Training`, :class:`Sweep`); ``criteria``: the
    statement as inequalities between measured quantities and thresholds; ``figure``: the
    picture of the series (optional).  No free symbols, no domain: the computation is fixed.
    """

    series: tuple
    criteria: tuple
    figure: Any = None
    open_rate: Any = None
    kind: ClassVar[str] = "experiment"

    def _normalize(self):
        cid = self.id
        object.__setattr__(self, "series", tuple(self.series))
        object.__setattr__(self, "criteria", tuple(self.criteria))
        if not self.series:
            raise ClaimError(f"{cid}: an experiment needs at least one series")
        names = [s.name for s in self.series]
        if len(set(names)) != len(names):
            raise ClaimError(f"{cid}: series names repeat: {names}")
        for s in self.series:
            if not isinstance(s, (Training, Sweep)):
                raise ClaimError(f"{cid}: series must be Training or Sweep records, got {type(s).__name__}")
            s.validate(cid)
        if not self.criteria:
            raise ClaimError(f"{cid}: an experiment needs at least one criterion (what it claims)")
        by_name = {s.name: s for s in self.series}
        for k, c in enumerate(self.criteria):
            if not isinstance(c, Criterion):
                raise ClaimError(f"{cid}: criterion {k} must be a Criterion, got {type(c).__name__}")
            if c.relation not in _RELATIONS:
                raise ClaimError(f"{cid}: criterion {k}: relation {c.relation!r} is not one of {_RELATIONS}")
            sides = [c.lhs] + ([c.rhs] if isinstance(c.rhs, Quantity) else [])
            if not isinstance(c.rhs, Quantity):
                _exact(c.rhs, f"criterion {k}: threshold", cid)
            for q in sides:
                self._check_quantity(q, by_name, k)
        if self.open_rate is not None:
            if not isinstance(self.open_rate, OpenRate):
                raise ClaimError(f"{cid}: open_rate must be an OpenRate, got {type(self.open_rate).__name__}")
            self.open_rate.validate(cid, self.series)
            for k, c in enumerate(self.open_rate.joint):
                if not isinstance(c, Criterion):
                    raise ClaimError(f"{cid}: open rate: joint criterion {k} must be a Criterion")
                for q in [c.lhs] + ([c.rhs] if isinstance(c.rhs, Quantity) else []):
                    self._check_quantity(q, by_name, f"joint {k}")
        if self.figure is not None:
            for panel in self.figure.panels:
                for n in panel.series:
                    if n not in by_name:
                        raise ClaimError(f"{cid}: figure {self.figure.file!r} draws series {n!r}, "
                                         f"which is not one of {names}")

    def _check_quantity(self, q, by_name, k):
        cid = self.id
        if not isinstance(q, Quantity) or q.op not in OPS:
            raise ClaimError(f"{cid}: criterion {k}: {q!r} is not a Quantity with an op in {sorted(OPS)}")
        if q.series not in by_name:
            raise ClaimError(f"{cid}: criterion {k} measures series {q.series!r}, which is not one of "
                             f"{sorted(by_name)}")
        s = by_name[q.series]
        n = s.length()
        if q.op in ("value", "ratio", "drop") and q.at is None:
            raise ClaimError(f"{cid}: criterion {k}: {q.op} needs at=")
        for idx in (q.at, q.ref):
            if idx is None:
                continue
            try:
                pos = s.position(idx)
            except (ClaimError, TypeError, ValueError) as err:
                raise ClaimError(f"{cid}: criterion {k}: {err}") from err
            if not 0 <= pos < n - (1 if q.op == "drop" else 0):
                raise ClaimError(f"{cid}: criterion {k}: index {idx} is outside series {q.series!r} "
                                 f"(length {n})")
        if q.op == "first_below" and not (0 < _exact(q.fraction, f"criterion {k}: fraction", cid)):
            raise ClaimError(f"{cid}: criterion {k}: first_below needs a positive fraction")

    def expressions(self):
        return ()

    def at_rates(self, rate_of) -> tuple:
        """The series with each Training series' learning rate replaced by ``rate_of(name)``
        (``None``: unchanged); sweeps unchanged."""
        out = []
        for s in self.series:
            r = rate_of(s.name) if isinstance(s, Training) else None
            out.append(dataclasses.replace(s, learning_rate=sp.sympify(r)) if r is not None else s)
        return tuple(out)

    def series_named(self, name: str):
        for s in self.series:
            if s.name == name:
                return s
        raise KeyError(f"{self.id}: no series {name!r}")
