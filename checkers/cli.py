"""The ``gradproof`` command.

``gradproof report``  check the built-in catalog and write reports/proof-report.{md,json}
``gradproof list``    list the built-in claims (id, kind, verdict-free)
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

__all__ = ["main"]


def _progress():
    """A rich progress bar on stderr when it is a terminal; plain lines otherwise."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    return Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("{task.description}"), console=console, transient=True,
                    disable=not console.is_terminal)


def _line(res) -> str:
    ce = res.counterexample
    extra = f"  counterexample {ce}" if ce is not None and res.verdict == "REFUTED" else ""
    if res.message and res.verdict not in ("PROVED", "REFUTED"):
        extra = f"  ({res.message})"
    return f"{res.verdict:<9} {res.claim.id}{extra}"


def run_claims(claims, *, seed, points, out_md=None, out_json=None, command="gradproof report",
               stream=sys.stdout):
    """Check ``claims`` with a progress bar, print one line per claim, write the reports."""
    from .engine import verify
    from .report_json import write_json
    from .report_md import write_markdown

    t0 = time.monotonic()
    results = []
    with _progress() as bar:
        task = bar.add_task("", total=len(claims))
        for c in claims:
            bar.update(task, description=c.id)
            res = verify(c, seed=seed, points=points)
            results.append(res)
            bar.advance(task)
            bar.console.print(_line(res), highlight=False, markup=False) if bar.console.is_terminal \
                else print(_line(res), file=stream, flush=True)
    wall = time.monotonic() - t0
    if out_md:
        p = write_markdown(out_md, results, seed=seed, points=points, command=command, wall_seconds=wall)
        print(f"wrote {p}", file=stream)
    if out_json:
        p = write_json(out_json, results, seed=seed, points=points, meta={"wall_seconds": round(wall, 2)})
        print(f"wrote {p}", file=stream)
    counts = {}
    for r in results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    print(", ".join(f"{k} {v}" for k, v in counts.items()) + f" ({len(results)} claims, {wall:.1f} s)",
          file=stream)
    return results


def _cmd_report(args) -> int:
    import derivations

    claims = derivations.catalog()
    if args.only:
        claims = [c for c in claims if any(c.id.startswith(p) for p in args.only)]
        if not claims:
            print(f"gradproof report: no claim id starts with {args.only}", file=sys.stderr)
            return 2
    out = pathlib.Path(args.out)
    cmd = "gradproof report" + (f" --seed {args.seed}" if args.seed != _default_seed() else "")
    run_claims(claims, seed=args.seed, points=args.points, out_md=out / "proof-report.md",
               out_json=out / "proof-report.json", command=cmd)
    return 0


def _cmd_list(args) -> int:
    import derivations

    for c in derivations.catalog():
        print(f"{c.id:<48} {c.kind:<10} {c.source.author} {c.source.year}, {c.source.section}")
    return 0


def _default_seed() -> int:
    from .engine import DEFAULT_SEED

    return DEFAULT_SEED


def build_parser() -> argparse.ArgumentParser:
    from .sampling import DEFAULT_POINTS

    p = argparse.ArgumentParser(prog="gradproof", description="Check gradient derivations: "
                                "SymPy proof, JAX autodiff and finite differences.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("report", help="check the built-in catalog and write the proof report")
    r.add_argument("--seed", type=int, default=_default_seed(), help="sampling seed (recorded in the report)")
    r.add_argument("--points", type=int, default=DEFAULT_POINTS, help="sample points per claim")
    r.add_argument("--out", default="reports", help="output folder (default: reports)")
    r.add_argument("--only", nargs="*", help="only claims whose id starts with one of these")
    r.set_defaults(func=_cmd_report)
    ls = sub.add_parser("list", help="list the built-in claims in document order")
    ls.set_defaults(func=_cmd_list)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "points", 1) is not None and getattr(args, "points", 1) < 1:
        parser.error("--points must be at least 1")
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
