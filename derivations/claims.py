r"""The claim model: a claim is data.

A claim states one mathematical sentence of a source document in SymPy, with the domain every
free variable ranges over.  The checkers turn a claim into a verdict; nothing here computes
numbers.  Every claim validates itself at construction (equinox style): its symbols exist,
every free symbol has a domain, shapes agree.

Kinds (one frozen dataclass each, all subclasses of :class:`Claim`):

* :class:`GradientClaim` -- $\partial\,\mathrm{cost}/\partial\,\mathrm{wrt} = \mathrm{claimed}$;
  ``cost`` is a scalar or a column vector (then ``claimed`` is the Jacobian, one row per output).
* :class:`EqualityClaim` -- $\mathrm{lhs} = \mathrm{rhs}$ on the domain.
* :class:`InequalityClaim` -- $\mathrm{lhs}\ \mathcal{R}\ \mathrm{rhs}$ with
  $\mathcal{R} \in \{>, \ge, <, \le, \ne\}$ on the domain (signs, monotonicity, ranges).
* :class:`LimitClaim` -- $\lim_{v \to p} \mathrm{expr} = \mathrm{value}$.
* :class:`ValueClaim` -- a number the document quotes, to the precision it quotes it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import numbers
import os
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, Mapping

import sympy as sp

__all__ = [
    "ClaimError",
    "Source",
    "Interval",
    "Claim",
    "GradientClaim",
    "EqualityClaim",
    "InequalityClaim",
    "LimitClaim",
    "ValueClaim",
    "real_line",
    "open_interval",
    "closed_interval",
    "integers",
    "positive",
    "recording",
]

_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$")


class ClaimError(ValueError):
    """A claim that is malformed: the message names the claim and what is wrong."""


@dataclass(frozen=True)
class Source:
    """Where a claim comes from: document title, author, year and section heading."""

    document: str
    author: str
    year: int
    section: str

    def cite(self) -> str:
        return f"{self.author} ({self.year}), {self.document}, section '{self.section}'"


@dataclass(frozen=True)
class Interval:
    r"""An interval of the real line, open or closed at each end, or a range of integers.

    ``lo``/``hi`` may be $\mp\infty$ (then that end is open).  ``integer=True`` makes it the
    integers in $[lo, hi]$ (both ends closed).

    An end may be any real number: ``int``, ``float``, :class:`fractions.Fraction`,
    :class:`decimal.Decimal`, a NumPy scalar, or an exact SymPy number (``Rational(1, 2)``,
    ``pi``, ``sqrt(2)``, ``oo``).  It is stored as a float64, converted once here: a closed end
    that float64 cannot represent is rounded *inward* (up for the lower end, down for the
    upper), an open one to the nearest float64 -- either way every float64 inside the stored
    interval lies in the exact one.  A complex, NaN or symbolic end is a :class:`ClaimError`.
    """

    lo: float
    hi: float
    lo_open: bool = True
    hi_open: bool = True
    integer: bool = False

    def __post_init__(self):
        object.__setattr__(self, "lo", _real_end(self.lo, "lower", not self.lo_open))
        object.__setattr__(self, "hi", _real_end(self.hi, "upper", not self.hi_open))
        if not (self.lo <= self.hi):
            raise ClaimError(f"Interval: lower end {self.lo} is above upper end {self.hi}")
        if self.integer and (self.lo_open or self.hi_open):
            raise ClaimError("Interval: an integer range is closed at both ends")
        if self.integer and not (math.isfinite(self.lo) and math.isfinite(self.hi)):
            raise ClaimError("Interval: an integer range needs finite ends")
        if math.isinf(self.lo) and not self.lo_open or math.isinf(self.hi) and not self.hi_open:
            raise ClaimError("Interval: an infinite end must be open")
        if self.lo == self.hi and (self.lo_open or self.hi_open):
            raise ClaimError(f"Interval: ({self.lo}, {self.hi}) is empty")

    def contains(self, x: float) -> bool:
        if self.integer and float(x) != int(x):
            return False
        lo_ok = x > self.lo if self.lo_open else x >= self.lo
        hi_ok = x < self.hi if self.hi_open else x <= self.hi
        return bool(lo_ok and hi_ok)

    @property
    def is_point(self) -> bool:
        return self.lo == self.hi

    def latex(self) -> str:
        def end(v: float) -> str:
            if math.isinf(v):
                return r"-\infty" if v < 0 else r"\infty"
            return _num(v)

        if self.integer:
            if self.is_point:
                return r"\{" + end(self.lo) + r"\}"
            if self.hi - self.lo == 1:
                return r"\{" + end(self.lo) + ", " + end(self.hi) + r"\}"
            return r"\{" + end(self.lo) + r", \dots, " + end(self.hi) + r"\}"
        left = "(" if self.lo_open else "["
        right = ")" if self.hi_open else "]"
        if math.isinf(self.lo) and math.isinf(self.hi):
            return r"\mathbb{R}"
        return f"{left}{end(self.lo)}, {end(self.hi)}{right}"

    def text(self) -> str:
        return self.latex().replace(r"\infty", "inf").replace(r"\mathbb{R}", "R").replace(
            r"\dots", "...").replace("\\", "")


def _exact_end(v: Any, which: str):
    """An interval end as an exact number: a Python float (kept as is) or a SymPy number."""
    def bad(why: str):
        return ClaimError(f"Interval: the {which} end {v!r} is {why}; an interval end must be a "
                          "real number (int, float, Fraction, Decimal, a NumPy scalar, or a SymPy "
                          "number such as Rational(1, 2) or pi)")

    if isinstance(v, (bool, str, bytes)):
        raise bad(f"a {type(v).__name__}")
    if isinstance(v, float):
        if math.isnan(v):
            raise bad("NaN")
        return float(v)
    if isinstance(v, numbers.Integral):
        return float(v) if abs(int(v)) <= 2**53 else sp.Integer(int(v))   # exact as a float
    if isinstance(v, (Fraction, Decimal)):
        if isinstance(v, Decimal) and not v.is_finite():
            if v.is_nan():
                raise bad("NaN")
            return float(v)
        q = Fraction(v)
        return sp.Rational(q.numerator, q.denominator)
    if hasattr(v, "dtype") and getattr(v, "shape", None) == ():   # a NumPy scalar or 0-d array
        if v.dtype.kind in "iu":
            return sp.Integer(int(v))
        if v.dtype.kind == "f":
            x = v[()]
            if x != x:
                raise bad("NaN")
            return sp.Rational(*x.as_integer_ratio()) if bool(abs(x) < math.inf) else float(x)
        raise bad(f"of NumPy type {v.dtype}")
    if not isinstance(v, sp.Basic):
        try:
            v = sp.sympify(v, strict=True)
        except (sp.SympifyError, TypeError, ValueError):
            raise bad(f"a {type(v).__name__}") from None
    if not isinstance(v, sp.Expr) or isinstance(v, sp.MatrixBase):
        raise bad(f"a {type(v).__name__}")
    if v.free_symbols:
        raise bad("not a number (it has the free symbol(s) "
                  f"{', '.join(sorted(map(str, v.free_symbols)))})")
    if v in (sp.oo, -sp.oo):
        return math.inf if v == sp.oo else -math.inf
    if v.has(sp.nan):
        raise bad("NaN")
    if v.is_extended_real is not True:
        raise bad("not a real number")
    return v


def _real_end(v: Any, which: str, closed: bool) -> float:
    r"""An interval end as a float64 (see :class:`Interval`).

    When float64 cannot represent the end $e$ exactly, a closed end is rounded inward (the lower
    end to the least float64 $\ge e$, the upper end to the greatest $\le e$) and an open end to
    the nearest float64 (the float64 values strictly inside are then inside the exact interval
    too).  A finite end beyond float64's range becomes the largest finite float64.
    """
    e = _exact_end(v, which)
    if isinstance(e, float):
        return e
    f = float(e)
    if math.isinf(f):
        return math.copysign(sys.float_info.max, f)
    exact = sp.Rational(*f.as_integer_ratio())
    if closed and e != exact:
        e_below = bool(e < exact)        # SymPy decides the sign exactly (adaptive evalf)
        if which == "lower" and not e_below:
            f = math.nextafter(f, math.inf)
        elif which == "upper" and e_below:
            f = math.nextafter(f, -math.inf)
    return f


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v))


def real_line() -> Interval:
    r"""$\mathbb{R}$."""
    return Interval(-math.inf, math.inf)


def open_interval(lo: float, hi: float) -> Interval:
    return Interval(lo, hi, True, True)


def closed_interval(lo: float, hi: float) -> Interval:
    return Interval(lo, hi, False, False)


def positive() -> Interval:
    r"""$(0, \infty)$."""
    return Interval(0.0, math.inf, True, True)


def integers(lo: int, hi: int) -> Interval:
    r"""The integers $\{lo, \dots, hi\}$."""
    return Interval(float(lo), float(hi), False, False, integer=True)


def _as_matrix(x: Any, what: str, cid: str) -> sp.ImmutableMatrix:
    if isinstance(x, sp.MatrixBase):
        return sp.ImmutableMatrix(x)
    if isinstance(x, (list, tuple)):
        return sp.ImmutableMatrix(x)
    try:
        e = sp.sympify(x, strict=True)
    except (sp.SympifyError, TypeError) as err:
        raise ClaimError(f"{cid}: {what} must be a SymPy expression, got {type(x).__name__}") from err
    return sp.ImmutableMatrix([[e]])


def _sympy_expr(x: Any, what: str, cid: str) -> sp.Expr:
    if isinstance(x, sp.MatrixBase):
        raise ClaimError(f"{cid}: {what} must be a scalar expression, got a {x.shape} matrix")
    if isinstance(x, str):
        raise ClaimError(
            f"{cid}: {what} is a string ({x!r}); build it from SymPy symbols instead "
            "(gradproof never parses text into expressions)")
    try:
        return sp.sympify(x, strict=True)
    except (sp.SympifyError, TypeError) as err:
        raise ClaimError(f"{cid}: {what} must be a SymPy expression, got {type(x).__name__}") from err


_RECORDERS: list = []
_HERE = os.path.dirname(os.path.abspath(__file__))
_LIBRARY = (os.path.abspath(dataclasses.__file__),)


@contextlib.contextmanager
def recording():
    """Inside the block, every claim built (and validated) is appended to the yielded list, in
    the order they are built, as ``(claim, filename)``: ``filename`` is the file of the code
    that built it -- the innermost caller outside the ``derivations`` package and the
    ``dataclasses`` machinery (``replace``, the generated ``__init__``).  A claim built while a
    module is imported names the import machinery when that module is in ``derivations`` (a
    catalog module), else the module's own file.

    ``gradproof check`` uses it to find the claims a file built before it stopped at an error,
    including those not yet assigned to a name (the entries of an unfinished ``CLAIMS = [...]``).
    """
    built: list = []
    _RECORDERS.append(built)
    try:
        yield built
    finally:
        _RECORDERS.remove(built)


def _record(claim) -> None:
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if not (name == "<string>" or os.path.abspath(name).startswith(_HERE + os.sep)
                or os.path.abspath(name) in _LIBRARY):
            break
        frame = frame.f_back
    where = os.path.abspath(frame.f_code.co_filename) if frame is not None else ""
    for built in _RECORDERS:
        built.append((claim, where))


@dataclass(frozen=True, kw_only=True)
class Claim:
    """Common fields of every claim.

    ``domain`` maps every free symbol to an :class:`Interval`; it is stored as a tuple of pairs
    so the claim stays hashable.  ``statement`` is LaTeX for the sentence as the document means
    it; ``note`` says how the sentence was formalized (quantifiers, the reading chosen, the
    narrower claim that holds where the document's does not).
    """

    id: str
    title: str
    source: Source
    statement: str
    domain: Any = ()
    note: str = ""
    kind: ClassVar[str] = "claim"

    def __post_init__(self):
        if not isinstance(self.id, str) or not _ID_RE.match(self.id):
            raise ClaimError(
                f"claim id {self.id!r} is not a dotted name: letters, digits and underscores, "
                "starting with a letter, with at least one dot (e.g. 'bce_sigmoid.grad_w', "
                "'MyNotes.dL_dW')")
        if not isinstance(self.source, Source):
            raise ClaimError(f"{self.id}: source must be a derivations.Source")
        dom = self.domain
        if isinstance(dom, Mapping):
            dom = tuple(dom.items())
        dom = tuple(dom)
        seen = set()
        for pair in dom:
            if len(pair) != 2 or not isinstance(pair[0], sp.Symbol) or not isinstance(pair[1], Interval):
                raise ClaimError(f"{self.id}: domain entries must be (Symbol, Interval), got {pair!r}")
            if pair[0] in seen:
                raise ClaimError(f"{self.id}: symbol {pair[0]} has two domains")
            seen.add(pair[0])
        object.__setattr__(self, "domain", dom)
        self._normalize()
        seen = {s for s, _ in self.domain}   # a claim's _normalize may add domains (ValueClaim.printed)
        missing = sorted((s for s in self.free_symbols() if s not in seen), key=str)
        if missing:
            raise ClaimError(
                f"{self.id}: symbol(s) {', '.join(map(str, missing))} have no domain; "
                "add them to domain= with an Interval (e.g. real_line(), open_interval(0, 1))")
        extra = sorted((s for s in seen if s not in self.free_symbols()), key=str)
        if extra and not self._allow_extra_domain():
            raise ClaimError(f"{self.id}: domain names symbol(s) {', '.join(map(str, extra))} "
                             "that the claim does not use")
        if _RECORDERS:
            _record(self)

    # -- overridable hooks -------------------------------------------------------------
    def _normalize(self) -> None:  # pragma: no cover - overridden
        pass

    def _allow_extra_domain(self) -> bool:
        return False

    def expressions(self) -> tuple:
        """Every SymPy object of the claim (for free-symbol collection)."""
        return ()

    # -- derived ------------------------------------------------------------------------
    def free_symbols(self) -> set:
        out: set = set()
        for e in self.expressions():
            out |= e.free_symbols
        return out

    @property
    def variables(self) -> tuple:
        """The free symbols in domain order: the coordinates of a sample point."""
        return tuple(s for s, _ in self.domain)

    @property
    def domain_map(self) -> dict:
        return dict(self.domain)

    def replace(self, **changes) -> "Claim":
        """A copy with fields changed (validated again): how mutants are made."""
        return dataclasses.replace(self, **changes)


def _set(obj, name, value):
    object.__setattr__(obj, name, value)


@dataclass(frozen=True, kw_only=True)
class GradientClaim(Claim):
    r"""$\partial\, \mathrm{cost} / \partial\, \mathrm{wrt}_i = \mathrm{claimed}_i$.

    ``cost``: a scalar expression, or an $m \times 1$ column (vector-valued function).
    ``wrt``: one symbol or a tuple of $n$ symbols.  ``claimed``: the claimed derivative, an
    expression (one ``wrt``), a sequence of $n$ expressions (gradient), or an $m \times n$
    matrix (Jacobian, rows = outputs).
    """

    cost: Any
    wrt: Any
    claimed: Any
    kind: ClassVar[str] = "gradient"

    def _normalize(self):
        cid = self.id
        wrt = self.wrt if isinstance(self.wrt, (tuple, list)) else (self.wrt,)
        if not wrt or not all(isinstance(s, sp.Symbol) for s in wrt):
            raise ClaimError(f"{cid}: wrt must be a Symbol or a tuple of Symbols, got {self.wrt!r}")
        if len(set(wrt)) != len(wrt):
            raise ClaimError(f"{cid}: wrt lists a symbol twice")
        _set(self, "wrt", tuple(wrt))
        cost = _as_matrix(self.cost, "cost", cid)
        if cost.shape[1] != 1:
            raise ClaimError(f"{cid}: cost must be a scalar or a column vector, got shape {cost.shape}")
        _set(self, "cost", cost)
        claimed = self.claimed
        if not isinstance(claimed, sp.MatrixBase):
            if isinstance(claimed, (tuple, list)):
                claimed = sp.ImmutableMatrix([list(claimed)])
            else:
                claimed = _as_matrix(claimed, "claimed", cid)
        claimed = sp.ImmutableMatrix(claimed)
        want = (cost.shape[0], len(wrt))
        if claimed.shape != want:
            raise ClaimError(
                f"{cid}: claimed derivative has shape {claimed.shape}, but d(cost)/d(wrt) has shape "
                f"{want} ({cost.shape[0]} output(s) x {len(wrt)} variable(s))")
        _set(self, "claimed", claimed)
        for s in wrt:
            if s not in cost.free_symbols:
                raise ClaimError(f"{cid}: the cost does not depend on wrt symbol {s}")

    def expressions(self):
        return (self.cost, self.claimed)

    def _allow_extra_domain(self):
        return True


class _TwoSided(Claim):
    """Shared by claims that compare a left and a right side of the same shape."""

    def _sides(self, broadcast_scalar_rhs: bool) -> None:
        lhs = _as_matrix(self.lhs, "lhs", self.id)
        rhs = _as_matrix(self.rhs, "rhs", self.id)
        if broadcast_scalar_rhs and rhs.shape == (1, 1) and lhs.shape != (1, 1):
            rhs = sp.ImmutableMatrix(lhs.shape[0], lhs.shape[1], [rhs[0, 0]] * len(lhs))
        if lhs.shape != rhs.shape:
            raise ClaimError(f"{self.id}: lhs has shape {lhs.shape} but rhs has shape {rhs.shape}")
        _set(self, "lhs", lhs)
        _set(self, "rhs", rhs)

    def expressions(self):
        return (self.lhs, self.rhs)

    def _allow_extra_domain(self):
        return True


@dataclass(frozen=True, kw_only=True)
class EqualityClaim(_TwoSided):
    r"""$\mathrm{lhs} = \mathrm{rhs}$ for every point of the domain (scalars or matrices)."""

    lhs: Any
    rhs: Any
    kind: ClassVar[str] = "equality"

    def _normalize(self):
        self._sides(broadcast_scalar_rhs=False)


_RELATIONS = {">": "gt", ">=": "ge", "<": "lt", "<=": "le", "!=": "ne"}


@dataclass(frozen=True, kw_only=True)
class InequalityClaim(_TwoSided):
    r"""$\mathrm{lhs}\ \mathcal{R}\ \mathrm{rhs}$ on the whole domain, $\mathcal{R}$ one of
    ``>``, ``>=``, ``<``, ``<=``, ``!=`` (scalars, or every entry of a matrix)."""

    lhs: Any
    relation: str
    rhs: Any = 0
    kind: ClassVar[str] = "inequality"

    def _normalize(self):
        if self.relation not in _RELATIONS:
            raise ClaimError(f"{self.id}: relation {self.relation!r} is not one of {sorted(_RELATIONS)}")
        self._sides(broadcast_scalar_rhs=True)


@dataclass(frozen=True, kw_only=True)
class LimitClaim(Claim):
    r"""$\lim_{\mathrm{var} \to \mathrm{point}^{\mathrm{dir}}} \mathrm{expr} = \mathrm{value}$.

    ``point`` may be ``sympy.oo``/``-sympy.oo``; ``direction`` is ``'+'`` (from above),
    ``'-'`` (from below) or ``'+-'`` (both sides).  ``value`` may be $\pm\infty$.  Other free
    symbols are parameters with their own domains (the limit must hold for each of them).
    ``var`` needs a domain too: the side it approaches from must lie in it.

    ``expr`` may hold finite sums of symbolic length, $\sum_{k=1}^{n} f(c, g_k)$ with ``n`` an
    integer parameter and ``g = IndexedBase("g")``: the domain of ``g``'s label is that of
    every entry $g_k$ (``derivations.softmax``'s limits for every $K$ and every tie structure).
    """

    expr: Any
    var: Any
    point: Any
    value: Any
    direction: str = "+"
    kind: ClassVar[str] = "limit"

    def _normalize(self):
        if not isinstance(self.var, sp.Symbol):
            raise ClaimError(f"{self.id}: var must be a Symbol")
        if self.direction not in ("+", "-", "+-"):
            raise ClaimError(f"{self.id}: direction must be '+', '-' or '+-'")
        _set(self, "expr", _sympy_expr(self.expr, "expr", self.id))
        _set(self, "point", _sympy_expr(self.point, "point", self.id))
        _set(self, "value", _sympy_expr(self.value, "value", self.id))
        if self.point == sp.oo and self.direction != "-":
            _set(self, "direction", "-")
        if self.point == -sp.oo and self.direction != "+":
            _set(self, "direction", "+")

    def expressions(self):
        return (self.expr, self.var, self.value)

    def free_symbols(self) -> set:
        r"""The symbols of ``expr`` and ``value``; an indexed entry ``g[k]`` of a finite sum
        $\sum_{k=1}^{n} f(g_k)$ counts through its base's label ``g``, whose domain is that of
        every entry."""
        return {s for s in super().free_symbols() if not isinstance(s, sp.Indexed)}

    def _allow_extra_domain(self):
        return True


@dataclass(frozen=True, kw_only=True)
class ValueClaim(Claim):
    r"""A number quoted by the document: ``expr`` (exact, no free symbols) $\approx$ ``quoted``.

    ``quoted`` is the decimal string as printed (``"0.982"``).  With ``exact=False`` the claim
    holds when ``expr`` rounds to ``quoted`` at the quoted number of decimals, i.e.
    $|\mathrm{expr} - q| \le \tfrac12 10^{-d}$; with ``exact=True`` it must equal ``quoted``.

    ``printed`` (symbol -> decimal string): figures the document printed rounded, which
    ``expr`` uses as symbols.  Each stands for an unknown true value within half a unit of its
    last printed digit ($0.71$: $[0.705, 0.715]$), and the claim holds when some choice of true
    values satisfies it: interval arithmetic on the printed precision.  ``expr`` must be
    affine in them (a sum, a difference, a weighted mean), so its range over the box is
    exactly $[\min, \max]$ over the box's corners.
    """

    expr: Any
    quoted: str
    exact: bool = False
    printed: Any = ()
    kind: ClassVar[str] = "value"

    def _normalize(self):
        _set(self, "expr", _sympy_expr(self.expr, "expr", self.id))
        try:
            Decimal(self.quoted)
        except Exception as err:
            raise ClaimError(f"{self.id}: quoted value {self.quoted!r} is not a decimal number") from err
        printed = dict(self.printed) if isinstance(self.printed, dict) else dict(tuple(self.printed))
        for sym, text in printed.items():
            if not isinstance(sym, sp.Symbol):
                raise ClaimError(f"{self.id}: printed maps symbols to decimals, got key {sym!r}")
            try:
                Decimal(text)
            except Exception as err:
                raise ClaimError(f"{self.id}: printed value {text!r} of {sym} is not a decimal "
                                 "number (give the digits as printed, as a string)") from err
        _set(self, "printed", tuple((k, str(v)) for k, v in printed.items()))
        # each printed figure ranges over its rounding interval: that is its domain
        given = {s for s, _ in self.domain}
        _set(self, "domain", tuple(self.domain) + tuple(
            (sym, Interval(lo, hi, False, False)) for sym, lo, hi in self.printed_box()
            if sym not in given))
        free = self.expr.free_symbols - set(printed)
        if free:
            raise ClaimError(f"{self.id}: a value claim has no free symbols but its printed "
                             f"figures, got {sorted(map(str, free))}")
        try:
            affine = not printed or sp.Poly(self.expr, *printed).total_degree() <= 1
        except sp.PolynomialError:
            affine = False
        if not affine:
            raise ClaimError(f"{self.id}: the printed figures must enter expr affinely "
                             "(its range over their rounding box is then its range over the corners)")

    def printed_box(self) -> tuple:
        """``((symbol, lo, hi), ...)``: each printed figure's interval of true values, exact."""
        out = []
        for sym, text in self.printed:
            d = max(0, -int(Decimal(text).as_tuple().exponent))
            h = sp.Rational(1, 2) * sp.Rational(1, 10**d)
            out.append((sym, sp.Rational(text) - h, sp.Rational(text) + h))
        return tuple(out)

    @property
    def decimals(self) -> int:
        exp = Decimal(self.quoted).as_tuple().exponent
        return max(0, -int(exp))

    @property
    def half_ulp(self) -> sp.Rational:
        return sp.Rational(1, 2) * sp.Rational(1, 10**self.decimals)

    def expressions(self):
        return (self.expr,)


def fields_of(claim: Claim) -> dict:
    """The dataclass fields of a claim, by name (for reports and tools)."""
    return {f.name: getattr(claim, f.name) for f in dataclasses.fields(claim)}


_ = field  # re-exported for subclasses defined elsewhere
