r"""The mutation suite: plausible derivation mistakes, each next to the claim it breaks.

A checker is only as good as the mistakes it catches.  Each mutant
(:class:`derivations.Mutant`) takes a claim of the catalog that holds and changes one field
(``claimed``, ``rhs``, ``relation``, ``value``, ``quoted``) the way a student's derivation goes
wrong: a dropped factor ($\sigma'(z)$, $\tfrac1n$, $x$), a flipped sign, $a$ and $y$ swapped, a
transposed matrix, a missing elementwise product, a wrong index, a dropped Kronecker delta, a
constant factor ($\times 2$, $\times\tfrac12$), a mistake confined to a region ($z > 5$,
saturation), to ties ($a = y$), to the edge of the domain ($a < 10^{-8}$), or a relative error
of $10^{-6}$ everywhere.  Every mutant must be REFUTED by the combined verdict of
:func:`checkers.engine.verify`.

Per witness.  :func:`run_mutant` also asks each witness *alone*: the symbolic witness on the
claim, and each numeric witness on the plain seeded sample (without the symbolic witness's
exact counterexample, which the engine adds for the combined verdict).  A mutant that only one
witness catches is listed with the reason.

Command::

    python -m checkers.mutation --out reports/mutation-table.md [--seed N] [--points N]

writes the per-witness table (pure render :func:`render_table`, thin writer :func:`write_table`).
The mutants are data of the catalog: each catalog module ``derivations/X.py`` keeps its mutants
beside it in ``derivations/X_mutants.py`` (:func:`derivations.mutants`); a family of
:data:`derivations.FAMILIES` with no mutants is reported (and fails the tests).  This module is
the engine: it runs them and renders the table.
"""

from __future__ import annotations

import argparse
import pathlib
import platform
import sys
import time
from dataclasses import dataclass
from typing import Callable

import sympy as sp

import derivations
from derivations.mutant import OPERATORS, REQUIRED_OPERATORS, Mutant

from .engine import DEFAULT_SEED, run_witness, verify
from .kinds import kind_of
from .results import DISPROVED, FAIL, NOT_APPLICABLE, ClaimResult
from .symbolic import SIMPLIFY_SECONDS

__all__ = ["Mutant", "MutantRun", "OPERATORS", "REQUIRED_OPERATORS", "mutants", "families", "orphans",
           "missing_families", "family_of", "run_mutant", "run_all", "render_table", "write_table",
           "main", "COLUMNS", "MUTANT_POINTS"]

MUTANT_POINTS = 256
"""Sample size per mutant (the default test run and the published table use the same)."""

COLUMNS = ("symbolic", "autodiff", "finite differences", "taylor remainder", "sampling",
           "numeric sequence", "high precision", "float64 run")
"""Witness columns of the table, one per witness name of the kinds' records
(:func:`checkers.kinds.kind_of`): ``sampling`` (equalities, inequalities), ``numeric sequence``
(limits), ``high precision`` (quoted values; the 50-digit run of experiments), ``float64 run``
(experiments), ``taylor remainder`` (network claims)."""


def _column(witness_name: str) -> str:
    return witness_name


# --------------------------------------------------------------------------------------------
# The mutants (data of :mod:`derivations`)


def families() -> tuple:
    """The catalog's families (:data:`derivations.FAMILIES`) in document order."""
    return derivations.families()


def family_of(claim_id: str) -> str:
    """The catalog family of ``claim_id`` (:func:`derivations.family_of`)."""
    return derivations.family_of(claim_id)


def mutants(family: str | None = None) -> list:
    """Every mutant of the catalog's families (or of one), in document order of the families."""
    return derivations.mutants(family)


def orphans() -> list:
    """Mutants whose right claim is no longer in the catalog (renamed or removed)."""
    known = {c.id for c in derivations.catalog()}
    return [m for m in mutants() if m.original not in known]


def missing_families() -> list:
    """Catalog families that have no mutants yet."""
    known = {c.id for c in derivations.catalog()}
    have = {derivations.family_of(m.original) for m in mutants() if m.original in known}
    return [f for f in families() if f not in have]


# --------------------------------------------------------------------------------------------
# Running


@dataclass
class MutantRun:
    """One mutant: the combined verdict and each witness alone (by table column)."""

    mutant: Mutant
    family: str
    result: ClaimResult
    alone: dict
    seconds: float = 0.0

    @property
    def killed(self) -> bool:
        return self.result.verdict == "REFUTED"

    def caught(self, column: str) -> bool | None:
        """Did this witness alone catch the mutant? None if it does not apply."""
        w = self.alone.get(column)
        if w is None or w.status == NOT_APPLICABLE:
            return None
        return w.status in (FAIL, DISPROVED)

    @property
    def caught_by(self) -> list:
        return [c for c in COLUMNS if self.caught(c)]


def run_mutant(m: Mutant, *, seed: int = DEFAULT_SEED, points: int = MUTANT_POINTS,
               symbolic_seconds: float = SIMPLIFY_SECONDS, alone: bool = True) -> MutantRun:
    """The engine's combined verdict on the mutant and, with ``alone``, each witness alone.

    The symbolic witness does not use the sample, so its result inside :func:`verify` is its
    result alone.  The numeric witnesses inside :func:`verify` saw the symbolic counterexample
    too when there was one; then they are run again on the plain seeded sample.
    """
    t0 = time.monotonic()
    claim = m.claim()
    res = verify(claim, seed=seed, points=points, symbolic_seconds=symbolic_seconds,
                 region=False)   # a mutant is refuted by design; where it holds is not asked
    by_col: dict = {}
    if alone:
        for w in res.witnesses:
            by_col[_column(w.witness)] = w
        if "symbolic counterexample" in res.sample_shares:
            kind = kind_of(claim)
            plain = kind.sample(claim, points, seed)
            for name, fn in kind.witnesses:
                by_col[_column(name)] = run_witness(name, fn, claim, plain)
    return MutantRun(m, family_of(m.original), res, by_col, time.monotonic() - t0)


def run_all(ms=None, *, seed: int = DEFAULT_SEED, points: int = MUTANT_POINTS,
            progress: Callable | None = None, alone: bool = True) -> list:
    ms = mutants() if ms is None else list(ms)
    out = []
    for i, m in enumerate(ms):
        out.append(run_mutant(m, seed=seed, points=points, alone=alone))
        if progress is not None:
            progress(i + 1, len(ms), out[-1])
    return out


# --------------------------------------------------------------------------------------------
# The table (pure render, thin writer)


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _mark(v) -> str:
    return "—" if v is None else ("✔" if v else "·")


def _rate(runs, column=None) -> str:
    if column is None:
        k, n = sum(r.killed for r in runs), len(runs)
    else:
        vals = [r.caught(column) for r in runs if r.caught(column) is not None]
        k, n = sum(vals), len(vals)
    return "—" if n == 0 else f"{k}/{n} ({100 * k / n:.0f}%)"


def _evidence(run: MutantRun, column: str) -> str:
    w = run.alone[column]
    ce = w.counterexample
    if ce is not None:
        where = ce.by_hand.replace("sample regime: ", "regime ") if ce.by_hand.startswith("sample regime") else ""
        return f"{column}: at {', '.join(f'{k}={v}' for k, v in ce.point.items()) or 'the claimed value'}" + (
            f" ({where})" if where else "")
    detail = (w.detail or "").strip()
    return f"{column}: {w.status}" + (f" ({detail[:120]})" if detail else "")


def _auto_why(run: MutantRun) -> str:
    """Why witnesses missed the mutant, read off their results (when no reason was written)."""
    parts = []
    for col in COLUMNS:
        if run.caught(col) is not False:
            continue
        w = run.alone[col]
        detail = w.detail or ""
        if col == "symbolic":
            if "did not finish" in detail or "time bound" in (w.method or ""):
                parts.append("symbolic: SymPy's time bound ran out before a proof or an exact "
                             "counterexample")
            else:
                parts.append("symbolic: no exact simple point refutes it (the mistake lies where "
                             "its small rational points do not reach)")
        elif "unchecked" in detail:
            parts.append(f"{col}: passed with points left unchecked (beyond the referee's reach "
                         "or budget) where float64 disagreed")
        else:
            parts.append(f"{col}: the seeded sample did not reach the points where it is wrong")
    return "(read off the results) " + "; ".join(parts) if parts else ""


def render_table(runs, *, seed: int, points: int, command: str, seconds: float | None = None,
                 edge=None, missing=()) -> str:
    """The mutation table as GitHub Markdown."""
    lines = ["# Mutation suite: does the checker catch plausible mistakes?", ""]
    lines.append(f"Generated by `{command}` (seed **{seed}**, **{points}** points per mutant, symbolic "
                 f"time bound {SIMPLIFY_SECONDS:g} s; Python {platform.python_version()}, SymPy "
                 f"{sp.__version__}"
                 + (f"; {seconds:.0f} s" if seconds is not None else "") + ").")
    lines.append("")
    lines.append(f"**{len(runs)} mutants**, each a wrong claim built from a catalog claim that holds "
                 "(`derivations`), by the operators of issue 6. *Combined* is the engine's verdict "
                 "(`checkers.verify`): killed means REFUTED. *Alone*: the symbolic witness by itself, and "
                 "each numeric witness on the plain seeded sample, without the exact counterexample the "
                 "symbolic witness hands to the numeric ones in the combined run. A witness that does "
                 "not apply to a claim's kind is not counted (—): gradients have autodiff and finite "
                 "differences; equalities and inequalities the sampling witness; limits the numeric "
                 "sequence; quoted values the high-precision value; experiments (training runs, "
                 "sweeps) a float64 run and a 50-digit run (high precision), and no symbolic witness.")
    lines.append("")
    if missing:
        lines.append(f"**Families of the catalog without mutants:** {', '.join(missing)}.")
        lines.append("")
    lines += ["## Kill rate per witness", "",
              "| family | mutants | " + " | ".join(f"{c} alone" for c in COLUMNS) + " | combined |",
              "|---|---:|" + "---:|" * (len(COLUMNS) + 1)]
    fams = list(dict.fromkeys(r.family for r in runs))
    for f in fams + ["**all**"]:
        rs = runs if f == "**all**" else [r for r in runs if r.family == f]
        lines.append(f"| {f} | {len(rs)} | " + " | ".join(_rate(rs, c) for c in COLUMNS)
                     + f" | {_rate(rs)} |")
    lines.append("")
    lines += ["## Mutants per operator", "", "| operator | what | mutants | killed |", "|---|---|---:|---:|"]
    for op, what in OPERATORS.items():
        rs = [r for r in runs if r.mutant.operator == op]
        if rs:
            lines.append(f"| {op} | {_cell(what)} | {len(rs)} | {sum(r.killed for r in rs)} |")
    lines.append("")
    survivors = [r for r in runs if not r.killed]
    if survivors:
        lines += ["## Not killed", "", "| mutant | combined verdict | why |", "|---|---|---|"]
        for r in survivors:
            lines.append(f"| `{r.mutant.id}` | {r.result.verdict} | {_cell(r.result.message)}; "
                         f"{_cell('; '.join(_evidence(r, c) for c in COLUMNS if r.caught(c) is not None))} |")
        lines.append("")
    single = [r for r in runs if len(r.caught_by) == 1]
    missed = [r for r in runs if r.killed and any(r.caught(c) is False for c in COLUMNS)]
    lines += ["## Caught by only one witness", ""]
    if not single:
        lines.append("None: every mutant was caught by at least two witnesses alone.")
    else:
        lines += ["| mutant | only | why | evidence |", "|---|---|---|---|"]
        for r in single:
            col = r.caught_by[0]
            why = r.mutant.why or _auto_why(r)
            ev = "; ".join([_evidence(r, col)] + [_evidence(r, c) for c in COLUMNS
                                                  if r.caught(c) is False])
            lines.append(f"| `{r.mutant.id}` | {col} | {_cell(why)} | {_cell(ev)} |")
    lines.append("")
    other_missed = [r for r in missed if len(r.caught_by) > 1]
    if other_missed:
        lines += ["## Missed by some witness alone (but caught by two or more)", "",
                  "| mutant | caught by | missed by | why |", "|---|---|---|---|"]
        for r in other_missed:
            miss = [c for c in COLUMNS if r.caught(c) is False]
            lines.append(f"| `{r.mutant.id}` | {', '.join(r.caught_by)} | "
                         f"{_cell('; '.join(_evidence(r, c) for c in miss))} | "
                         f"{_cell(r.mutant.why or _auto_why(r))} |")
        lines.append("")
    if edge:
        lines += ["## Hypothesis edge search", "",
                  "`checkers.edge_search.search` (hypothesis, fixed seed, shrinking on) against the "
                  "mutants that are wrong only on part of the domain; *uniform* is a uniform sample of "
                  "the same size over the domain (unbounded variables in [-10, 10]) checked by the "
                  "autodiff / sampling witness.", "",
                  "| mutant | examples | found (shrunk) | point's regime | uniform sample |",
                  "|---|---:|---|---|---|"]
        for e in edge:
            found = ", ".join(f"{k}={v}" for k, v in e["found"].items()) if e["found"] else "nothing"
            lines.append(f"| `{e['id']}` | {e['examples']} | {_cell(found)} | {e['regime']} | "
                         f"{e['uniform']} |")
        lines.append("")
    lines += ["## Every mutant", "",
              "| mutant | right claim | operator | mistake | " + " | ".join(COLUMNS) + " | combined | s |",
              "|---|---|---|---|" + ":-:|" * len(COLUMNS) + "---|---:|"]
    for r in runs:
        m = r.mutant
        lines.append(f"| `{m.id}` | `{m.original}` | {m.operator} | {_cell(m.mistake)} | "
                     + " | ".join(_mark(r.caught(c)) for c in COLUMNS)
                     + f" | {r.result.verdict} | {r.seconds:.1f} |")
    lines += ["", "✔ caught (FAIL / DISPROVED), · missed (PASS / UNDECIDED / ERROR), — not applicable.", ""]
    return "\n".join(lines)


def write_table(path, text: str) -> pathlib.Path:
    p = pathlib.Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def _edge_rows(runs, seed: int, points: int) -> list:
    from .edge_search import search_against_uniform

    rows = []
    for r in runs:
        if r.mutant.operator in ("wrong only at ties", "wrong only at the domain edge", "wrong in a region") \
                and kind_of(r.result.claim).edge_search:
            rows.append(search_against_uniform(r.mutant.claim(), seed=seed, uniform_points=points))
    return rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m checkers.mutation",
                                description="Run the mutation suite and write the per-witness table.")
    p.add_argument("--out", default="reports/mutation-table.md", help="Markdown file to write")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--points", type=int, default=MUTANT_POINTS)
    p.add_argument("--only", nargs="*", default=None, help="mutant id prefixes")
    p.add_argument("--no-edge-search", action="store_true", help="skip the hypothesis section")
    args = p.parse_args(argv)
    if args.points < 1:
        p.error("--points must be at least 1")
    ms = mutants()
    if args.only:
        ms = [m for m in ms if any(m.id.startswith(o) for o in args.only)]
        if not ms:
            print(f"mutation: no mutant id starts with {args.only}", file=sys.stderr)
            return 2
    t0 = time.monotonic()

    def progress(i, n, r):
        print(f"[{i}/{n}] {r.result.verdict:<9} {r.mutant.id}  caught alone by: "
              f"{', '.join(r.caught_by) or 'none'}  ({r.seconds:.1f} s)", flush=True)

    runs = run_all(ms, seed=args.seed, points=args.points, progress=progress)
    edge = None if args.no_edge_search else _edge_rows(runs, args.seed, args.points)
    cmd = "python -m checkers.mutation --out " + args.out + (
        f" --seed {args.seed}" if args.seed != DEFAULT_SEED else "") + (
        f" --points {args.points}" if args.points != MUTANT_POINTS else "") + (
        " --only " + " ".join(args.only) if args.only else "")
    text = render_table(runs, seed=args.seed, points=args.points, command=cmd,
                        seconds=time.monotonic() - t0, edge=edge, missing=missing_families())
    path = write_table(args.out, text)
    killed = sum(r.killed for r in runs)
    print(f"killed {killed}/{len(runs)} mutants; wrote {path}")
    return 0 if killed == len(runs) else 1


if __name__ == "__main__":
    sys.exit(main())
