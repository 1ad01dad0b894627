r"""One-line constructors for your own claims.

The claim records (:class:`~derivations.GradientClaim` and the others) need an id, a title, a
source, a LaTeX statement and a domain.  For a user's own derivation most of these have an
obvious default, so the common case is one line::

    import sympy as sp
    from derivations.build import gradient_claim
    from derivations import real_line

    w, x, y = sp.symbols("w x y", real=True)
    claim = gradient_claim("mine.tanh_mse", (sp.tanh(w * x) - y) ** 2 / 2, w,
                           (sp.tanh(w * x) - y) * (1 - sp.tanh(w * x) ** 2) * x,
                           domain={w: real_line(), x: real_line(), y: real_line()})

Defaults: ``title`` is the id; ``statement`` is built with ``sympy.latex`` from the claim itself
(it states $\partial\,\mathrm{cost}/\partial w = \mathrm{claimed}$ exactly as it will be checked);
``source`` is :func:`user_source` (``document`` names your derivation, e.g. a file or a paper
section).  Every record still validates itself at construction: a symbol without a domain, a
claimed derivative of the wrong shape or a string instead of an expression raises
:class:`~derivations.ClaimError` naming the claim.  Nothing here parses text: expressions are
built from SymPy symbols.
"""

from __future__ import annotations

import datetime

import sympy as sp

from .claims import (ClaimError, EqualityClaim, GradientClaim, InequalityClaim, LimitClaim,
                     Source)

__all__ = ["user_source", "gradient_claim", "jacobian_claim", "equality_claim",
           "inequality_claim", "limit_claim"]


def user_source(document: str = "user derivation", section: str = "", author: str = "user",
                year: int | None = None) -> Source:
    """A :class:`~derivations.Source` for a claim of your own (defaults: this year, author 'user')."""
    return Source(document=document, author=author,
                  year=int(year) if year is not None else datetime.date.today().year,
                  section=section)


def _latex(x) -> str:
    if isinstance(x, (list, tuple)):
        x = sp.Matrix([list(x)])
    return sp.latex(x)


def _wrt_tuple(wrt):
    return tuple(wrt) if isinstance(wrt, (list, tuple)) else (wrt,)


def _common(claim_id, title, source, domain):
    if domain is None:
        raise ClaimError(f"{claim_id}: domain= is required: map every free symbol to an Interval, "
                         "e.g. {x: real_line(), a: open_interval(0, 1)}")
    return dict(id=claim_id, title=title or claim_id,
                source=source if source is not None else user_source(section=str(claim_id)),
                domain=domain)


def gradient_claim(claim_id: str, cost, wrt, claimed, domain, *, title: str | None = None,
                   source: Source | None = None, statement: str | None = None,
                   note: str = "") -> GradientClaim:
    r"""$\partial\,\mathrm{cost}/\partial\,\mathrm{wrt} = \mathrm{claimed}$ on ``domain``.

    ``wrt``: a Symbol or a tuple of Symbols; ``claimed``: one expression per ``wrt`` symbol
    (an expression, or a tuple in the order of ``wrt``).  A column ``cost`` (``sympy.Matrix``
    with one column) makes it a Jacobian claim: see :func:`jacobian_claim`.
    """
    wrt_t = _wrt_tuple(wrt)
    if statement is None:
        if isinstance(cost, sp.MatrixBase) and cost.shape[0] > 1:
            statement = (r"\frac{\partial}{\partial (" + ", ".join(map(sp.latex, wrt_t)) + r")} "
                         + sp.latex(cost) + " = " + _latex(claimed))
        else:
            lhs = r"\frac{\partial}{\partial " + sp.latex(wrt_t[0]) + "}" if len(wrt_t) == 1 else \
                r"\nabla_{(" + ", ".join(map(sp.latex, wrt_t)) + ")}"
            body = sp.latex(cost[0, 0] if isinstance(cost, sp.MatrixBase) else cost)
            statement = lhs + r"\left(" + body + r"\right) = " + _latex(claimed)
    return GradientClaim(**_common(claim_id, title, source, domain), statement=statement,
                         note=note, cost=cost, wrt=wrt, claimed=claimed)


def jacobian_claim(claim_id: str, outputs, wrt, claimed, domain, **kw) -> GradientClaim:
    r"""$J_{ij} = \partial\,\mathrm{outputs}_i / \partial\,\mathrm{wrt}_j = \mathrm{claimed}_{ij}$.

    ``outputs``: a sequence of $m$ expressions (a vector-valued function); ``claimed``: an
    $m \times n$ matrix (rows = outputs, columns = ``wrt``).
    """
    col = sp.Matrix(list(outputs)).reshape(len(outputs), 1)
    return gradient_claim(claim_id, col, wrt, sp.Matrix(claimed), domain, **kw)


def equality_claim(claim_id: str, lhs, rhs, domain, *, title: str | None = None,
                   source: Source | None = None, statement: str | None = None,
                   note: str = "") -> EqualityClaim:
    r"""$\mathrm{lhs} = \mathrm{rhs}$ for every point of ``domain``."""
    statement = statement or f"{_latex(lhs)} = {_latex(rhs)}"
    return EqualityClaim(**_common(claim_id, title, source, domain), statement=statement,
                         note=note, lhs=lhs, rhs=rhs)


_TEX_REL = {">": ">", ">=": r"\geq", "<": "<", "<=": r"\leq", "!=": r"\neq"}


def inequality_claim(claim_id: str, lhs, relation: str, rhs, domain, *, title: str | None = None,
                     source: Source | None = None, statement: str | None = None,
                     note: str = "") -> InequalityClaim:
    r"""$\mathrm{lhs}\ \mathcal{R}\ \mathrm{rhs}$ on the whole domain (``relation`` one of
    ``>``, ``>=``, ``<``, ``<=``, ``!=``)."""
    if statement is None:
        statement = f"{_latex(lhs)} {_TEX_REL.get(relation, relation)} {_latex(rhs)}"
    return InequalityClaim(**_common(claim_id, title, source, domain), statement=statement,
                           note=note, lhs=lhs, relation=relation, rhs=rhs)


def limit_claim(claim_id: str, expr, var, point, value, domain, *, direction: str = "+",
                title: str | None = None, source: Source | None = None,
                statement: str | None = None, note: str = "") -> LimitClaim:
    r"""$\lim_{\mathrm{var} \to \mathrm{point}} \mathrm{expr} = \mathrm{value}$ (``direction``
    ``'+'``, ``'-'`` or ``'+-'``)."""
    if statement is None:
        side = {"+": "^{+}", "-": "^{-}", "+-": ""}.get(direction, "")
        if point in (sp.oo, -sp.oo):
            side = ""
        statement = (r"\lim_{" + sp.latex(var) + r" \to " + sp.latex(point) + side + "} "
                     + sp.latex(expr) + " = " + sp.latex(value))
    return LimitClaim(**_common(claim_id, title, source, domain), statement=statement, note=note,
                      expr=expr, var=var, point=point, value=value, direction=direction)
