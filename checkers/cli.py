"""The ``gradproof`` command.

``gradproof report``  check the built-in catalog and write reports/proof-report.{md,json}
                      (``--jobs N`` worker processes, default min(2, cores); same report;
                      exit status 1 if a worker process dies or raises, naming the claim;
                      ``--html``: also reports/proof-report.html, one self-contained page)
``gradproof list``    list the built-in claims (id, kind, verdict-free)
``gradproof check``   check the claims (and implementations) defined in your own Python files

``gradproof check a.py b.py`` imports each file -- which runs its code, like ``python a.py``
would -- and checks what it defines: the entries of a ``CLAIMS`` list if the file has one,
otherwise every module-level claim and :class:`checkers.implementation.Implementation`, in the
order the file assigns them.  Nothing from the command line is evaluated: arguments are paths
and numbers.  Exit status: 0 when every claim holds (PROVED or VERIFIED), 1 when any is
REFUTED, DISPUTED or UNDECIDED, 2 on a usage or input error (a file that cannot be loaded, a
malformed claim, an implementation that raises or computes in float32) -- 2 takes precedence.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import pathlib
import sys
import time

__all__ = ["main", "load_file", "render_table", "exit_status", "verdict_text"]


def _progress():
    """A rich progress bar on stderr when it is a terminal; plain lines otherwise."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    return Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("{task.description}"), console=console, transient=True,
                    disable=not console.is_terminal)


def _unchecked(res) -> int:
    """The sample points left unchecked (beyond the referee's reach or budget) by the witness
    that left the most (``extra["unchecked"]``): at least that many points are unchecked."""
    return max([int((w.extra or {}).get("unchecked", 0) or 0) for w in res.witnesses] + [0])


def verdict_text(res) -> str:
    """The verdict, with the points left unchecked when a witness left some:
    ``"VERIFIED (12 points unchecked)"`` (which witness, in the evidence:
    :meth:`checkers.results.ClaimResult.unchecked_note`)."""
    n = _unchecked(res)
    return f"{res.verdict} ({n} point{'' if n == 1 else 's'} unchecked)" if n else res.verdict


def _line(res) -> str:
    ce = res.counterexample
    extra = f"  counterexample {ce}" if ce is not None and res.verdict == "REFUTED" else ""
    if res.message and res.verdict not in ("PROVED", "REFUTED"):
        extra = f"  ({res.message})"
    n = _unchecked(res)
    note = f"  [{n} point{'' if n == 1 else 's'} unchecked]" if n else ""
    return f"{res.verdict:<9} {res.claim.id}{note}{extra}"


def run_claims(claims, *, seed, points, out_md=None, out_json=None, command="gradproof report",
               stream=sys.stdout, jobs=1, symbolic_seconds=None, cache=False, replay=True):
    """Check ``claims`` with a progress bar, print one line per claim, write the reports.

    ``symbolic_seconds``: SymPy's bound per claim (default the catalog's
    :data:`checkers.symbolic.SIMPLIFY_SECONDS`).

    ``jobs`` > 1 checks catalog claims in that many worker processes
    (:func:`checkers.parallel.verify_in_workers`); lines are printed as results arrive, the
    reports keep the order of ``claims`` and are the same as with ``jobs=1`` (in-process).

    ``cache``: use the result cache (:mod:`checkers.result_cache`, when its folder is on):
    ``replay`` results stored under the same key (marked ``replayed``; only the others are
    computed, and JAX is not even imported when there are none), and store the computed ones.
    """
    from .defaults import SIMPLIFY_SECONDS

    sym_s = SIMPLIFY_SECONDS if symbolic_seconds is None else symbolic_seconds
    t0 = time.monotonic()
    folder, keys = None, [None] * len(claims)
    if cache:
        from . import result_cache

        folder = result_cache.result_cache_dir()
        if folder is not None:
            keys = [result_cache.cache_key(c, seed=seed, points=points, symbolic_seconds=sym_s)
                    for c in claims]
    results: list = [None] * len(claims)
    with _progress() as bar:
        task = bar.add_task("", total=len(claims))

        def show(res):
            bar.advance(task)
            bar.console.print(_line(res), highlight=False, markup=False) if bar.console.is_terminal \
                else print(_line(res), file=stream, flush=True)

        if folder is not None and replay:
            for i, key in enumerate(keys):
                old = result_cache.load(folder, key) if key is not None else None
                if old is not None:
                    results[i] = dataclasses.replace(old, claim=claims[i], replayed=True)
                    show(results[i])
        todo = [i for i, r in enumerate(results) if r is None]

        def done(i, res):
            results[i] = res
            if keys[i] is not None:
                result_cache.store(folder, keys[i], res)
            show(res)

        if todo and cache:
            enable_jax_cache()
        if jobs > 1 and len(todo) > 1:
            from .parallel import plan, verify_in_workers

            part = [claims[i] for i in todo]
            bar.update(task, description=f"{len(plan(part, jobs))} worker processes")
            verify_in_workers(part, seed=seed, points=points, jobs=jobs,
                              on_result=lambda j, res: done(todo[j], res), symbolic_seconds=sym_s)
        else:
            from .engine import verify

            for i in todo:
                bar.update(task, description=claims[i].id)
                done(i, verify(claims[i], seed=seed, points=points, symbolic_seconds=sym_s))
    results = _write_reports(results, t0, seed=seed, points=points, out_md=out_md,
                             out_json=out_json, command=command, stream=stream)
    return results


def _write_reports(results, t0, *, seed, points, out_md, out_json, command, stream):
    """Write the Markdown (with figures) and JSON reports of ``results``; print the summary."""
    from .report import write_json, write_markdown

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


from .jaxcache import JAX_CACHE_ENV, enable_jax_cache, jax_cache_dir  # noqa: E402,F401


def _html_ready(command: str) -> bool:
    """Before a run that ends in an HTML page: Node and KaTeX are there, or say what to install
    (on stderr, as ``<command>: error: ...``) and return False."""
    from .report.katex import KatexUnavailable, require

    try:
        require()
    except KatexUnavailable as err:
        print(f"{command}: error: {err}", file=sys.stderr)
        return False
    return True


def _write_page(path, source, command: str, stream=None) -> bool:
    """Render ``source`` (:class:`checkers.report.html.ReportSource`) to the HTML page ``path``
    and print its path; False (with the reason on stderr) if it cannot be built or written."""
    from .report.html import ReportError, render_html, write_html
    from .report.katex import KatexUnavailable

    try:
        page = render_html(source)
        p = write_html(path, page)
    except (KatexUnavailable, ReportError, OSError) as err:
        print(f"{command}: error: cannot write the HTML report: {err}", file=sys.stderr)
        return False
    print(f"wrote {p}", file=stream or sys.stdout)
    for f in page.failures:
        print(f"{command}: warning: KaTeX rejected {f['tex']!r} ({f['error']}); the page shows it "
              "as KaTeX's error text", file=sys.stderr)
    return True


def _cmd_report(args) -> int:
    import derivations

    if args.html and not _html_ready("gradproof report"):
        return 2

    claims = derivations.catalog()
    if args.only:
        claims = [c for c in claims if any(c.id.startswith(p) for p in args.only)]
        if not claims:
            print(f"gradproof report: no claim id starts with {args.only}", file=sys.stderr)
            return 2
    out = pathlib.Path(args.out)
    cmd = "gradproof report" + (f" --seed {args.seed}" if args.seed != _default_seed() else "")
    from .parallel import WorkerError

    try:
        run_claims(claims, seed=args.seed, points=args.points, out_md=out / "proof-report.md",
                   out_json=out / "proof-report.json", command=cmd, jobs=args.jobs, cache=True,
                   replay=not args.no_cache)
    except WorkerError as err:  # a worker died or raised: say which claim, write no report
        print(f"gradproof report: error: {err}", file=sys.stderr)
        return 1
    if args.html:   # from the files just written: nothing is rendered or checked twice
        from .report.html import ReportError, ReportSource

        try:
            source = ReportSource.from_files(out / "proof-report.md", out / "proof-report.json")
        except ReportError as err:
            print(f"gradproof report: error: {err}", file=sys.stderr)
            return 2
        if not _write_page(out / "proof-report.html", source, "gradproof report"):
            return 2
    return 0


# -- gradproof check ---------------------------------------------------------------------------

class InputError(Exception):
    """A file or an entry that cannot be checked (exit status 2); the message says where and why."""


def _user_frame(err, path) -> str:
    """``path:line`` of the innermost traceback frame in the user's file, if any."""
    import traceback

    line = ""
    for fr in traceback.extract_tb(err.__traceback__):
        if pathlib.Path(fr.filename).resolve() == pathlib.Path(path).resolve():
            line = f":{fr.lineno}"
    return f"{path}{line}"


def load_file(path, index: int = 0) -> tuple[list, str | None]:
    """Import ``path``; return what it defines to check (claims, Implementation records) and an error.

    A file that raises while it runs -- a :class:`derivations.ClaimError` (a malformed claim; the
    message names it) or any other exception -- stops there: the claims it built before that
    line are still returned, with the error naming the file, the line and the problem.  Those
    are the module-level claims and Implementation records assigned before the error (the
    ``CLAIMS`` list if it was assigned), and the claims the file built that no name holds yet
    (the entries of an unfinished ``CLAIMS = [...]``, recorded by
    :func:`derivations.claims.recording`).  Raises :class:`InputError` when the file cannot be
    loaded at all or defines nothing to check.
    """
    import importlib.util
    import re

    from derivations import ClaimError
    from derivations.claims import recording

    p = pathlib.Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file")
    if p.suffix != ".py":
        raise InputError(f"{path}: not a Python file (gradproof check imports .py files)")
    name = f"_gradproof_check_{index}_" + re.sub(r"\W", "_", p.stem)
    spec = importlib.util.spec_from_file_location(name, p)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    folder = str(p.resolve().parent)
    sys.path.insert(0, folder)
    error = None
    try:
        with recording() as built:
            spec.loader.exec_module(module)
    except (Exception, SystemExit) as err:  # user code: report it, check what it built, go on
        if not isinstance(err, ClaimError):
            sys.modules.pop(name, None)
        what = "malformed claim: " if isinstance(err, ClaimError) else f"{type(err).__name__}: "
        error = f"{_user_frame(err, p)}: {what}{err}"
    finally:
        if folder in sys.path:
            sys.path.remove(folder)
    entries = _entries(path, vars(module), stopped=error is not None)
    if error is not None:   # add the claims built in this file that no entry holds yet
        mine = str(p.resolve())
        held = [getattr(e, "claim", e) for e in entries]     # an Implementation holds its claim
        ids = {c.id for c in held}
        for claim, where in built:
            if where == mine and claim.id not in ids:
                ids.add(claim.id)
                entries.append(claim)
        if entries:
            n = len(entries)
            error += (" (the file stops here: claims after this line were not built; "
                      + ("the entry built before it is checked)" if n == 1 else
                         f"the {n} entries built before it are checked)"))
        return entries, error
    if not entries:
        raise InputError(f"{path}: defines nothing to check (no CLAIMS list and no module-level "
                         "claim); see README, 'Check your own derivations'")
    return entries, None


def _entries(path, namespace: dict, stopped: bool) -> list:
    """What a file's namespace asks to check: its ``CLAIMS`` (a list or tuple of claims and
    Implementation records) if it has one, else every module-level claim and Implementation in
    assignment order.  ``stopped``: the file stopped at an error (a ``CLAIMS`` that is not a
    list of entries is then ignored rather than an error)."""
    from derivations import Claim

    from .implementation import Implementation

    entries = namespace.get("CLAIMS")
    if entries is not None:
        bad = ([] if isinstance(entries, (list, tuple)) else
               [f"CLAIMS must be a list or tuple of claims, got {type(entries).__name__}"])
        bad = bad or [f"CLAIMS[{i}] is a {type(e).__name__}" for i, e in enumerate(entries)
                      if not isinstance(e, (Claim, Implementation))]
        if not bad:
            return list(entries)
        if not stopped:
            hint = "" if bad[0].startswith("CLAIMS must") else (
                " (expected claims from derivations, or checkers.implementation.Implementation "
                "records)")
            raise InputError(f"{path}: " + "; ".join(bad) + hint)
    out, seen = [], set()
    for value in namespace.values():
        if isinstance(value, (Claim, Implementation)) and id(value) not in seen:
            seen.add(id(value))
            out.append(value)
    return out


def _entry_id(entry) -> str:
    from .implementation import Implementation

    if isinstance(entry, Implementation):
        fn_name = entry.name or getattr(entry.fn, "__name__", "fn")
        return f"{entry.claim.id} (implementation {fn_name})"
    return entry.id


def _evidence(res) -> str:
    ce = res.counterexample
    region = getattr(res, "region", None)
    where = f"; {region.text} ({region.status})" if region is not None else ""
    if ce is not None and res.verdict in ("REFUTED", "DISPUTED"):
        return f"counterexample {ce}{where}"
    if res.message and res.verdict not in ("PROVED", "VERIFIED"):
        return res.message
    parts = []
    for w in res.witnesses:
        err = f" {w.worst_error:.1e}" if w.worst_error is not None and w.status == "PASS" else ""
        why = ""
        if w.detail and w.status not in ("PASS", "PROVED") and not res.message:
            why = f" ({w.detail if len(w.detail) < 160 else w.detail[:157].rsplit(' ', 1)[0] + ' ...'})"
        parts.append(f"{w.witness} {w.status}{err}{why}")
    text = "; ".join(parts)
    notes = [x for x in (res.message, res.unchecked_note()) if x]
    return f"{text} -- {'; '.join(notes)}" if notes else text


def render_table(rows) -> str:
    """``rows``: (id, verdict, evidence) -> a plain-text table (pure: text in, text out)."""
    head = ("claim", "verdict", "evidence")
    w0 = max([len(head[0])] + [len(r[0]) for r in rows])
    w1 = max([len(head[1])] + [len(r[1]) for r in rows])
    lines = [f"{head[0]:<{w0}}  {head[1]:<{w1}}  {head[2]}", f"{'-' * w0}  {'-' * w1}  {'-' * 8}"]
    lines += [f"{a:<{w0}}  {b:<{w1}}  {c}" for a, b, c in rows]
    return "\n".join(lines)


def exit_status(results, input_errors) -> int:
    """0 when every claim holds, 1 when any does not, 2 on an input error or an ERROR verdict."""
    from .results import HOLDS

    if input_errors or any(r.verdict == "ERROR" for r in results):
        return 2
    if any(r.verdict not in HOLDS for r in results):
        return 1
    return 0


def _check_one(entry, args, checked_ids=()):
    from .implementation import (Implementation, ImplementationError,
                                 verify_implementation)
    from .engine import verify
    from ._precision import Float32Error
    from derivations import ClaimError

    try:
        if isinstance(entry, Implementation):
            # the claim itself is checked once: as its own row when the run has it, else here
            return verify_implementation(entry, seed=args.seed, points=args.points,
                                         check_claim=entry.claim.id not in checked_ids)
        return verify(entry, seed=args.seed, points=args.points,
                      symbolic_seconds=args.symbolic_seconds)
    except (ImplementationError, Float32Error, ClaimError) as err:
        raise InputError(f"{_entry_id(entry)}: {err}") from None


def _cmd_check(args) -> int:
    from .report import write_json, write_markdown

    t0 = time.monotonic()
    if args.html and not _html_ready("gradproof check"):
        return 2
    enable_jax_cache()
    entries, errors = [], []   # errors: (where, message)
    for i, path in enumerate(args.files):
        try:
            found, error = load_file(path, i)
        except InputError as err:
            errors.append((str(path), str(err)))
            continue
        entries += [(path, e) for e in found]
        if error:
            errors.append((str(path), error))
    ids = {}
    for path, e in entries:
        ids.setdefault(_entry_id(e), []).append(path)
    dup = {k: v for k, v in ids.items() if len(v) > 1}
    for k, v in dup.items():
        errors.append((k, f"{k}: claim id defined {len(v)} times ({', '.join(map(str, v))}); ids "
                          "must be unique in a run"))
    entries = [(p, e) for p, e in entries if _entry_id(e) not in dup]
    results, rows = [], []
    from derivations import Claim

    checked_ids = {e.id for _, e in entries if isinstance(e, Claim)}
    with _progress() as bar:
        task = bar.add_task("", total=len(entries))
        for path, e in entries:
            bar.update(task, description=_entry_id(e))
            try:
                res = _check_one(e, args, checked_ids)
                results.append(res)
                rows.append((res.claim.id, verdict_text(res), _evidence(res)))
            except InputError as err:
                errors.append((_entry_id(e), str(err)))
            bar.advance(task)
    wall = time.monotonic() - t0
    rows += [(where, "ERROR", msg) for where, msg in errors]
    print(f"gradproof check: {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} from "
          f"{len(args.files)} file(s), seed {args.seed}, {args.points} points each")
    print(render_table(rows))
    for res in results:
        ce = res.counterexample
        if ce is not None and res.verdict in ("REFUTED", "DISPUTED"):
            print(f"\n{res.claim.id}: {res.verdict}")
            print(f"  at       {', '.join(f'{k} = {v}' for k, v in ce.point.items())}"
                  + (f"   entry {ce.component}" if ce.component else ""))
            a, b = ce.labels
            print(f"  {a:<8} {ce.claimed}\n  {b:<8} {ce.true}")
            if ce.confirmed:
                print(f"  confirmed by {ce.confirmed}")
        if getattr(res, "region", None) is not None:
            print(f"  holds    {res.region}")
    try:
        if args.md:
            path = write_markdown(args.md, results, seed=args.seed, points=args.points,
                                  command="gradproof check", wall_seconds=wall)
            print(f"wrote {path}")
        if args.json:
            meta = {"wall_seconds": round(wall, 2),
                    "input_errors": [{"where": w, "message": m} for w, m in errors]}
            path = write_json(args.json, results, seed=args.seed, points=args.points, meta=meta)
            print(f"wrote {path}")
    except OSError as err:
        print(f"gradproof check: cannot write the report: {err}", file=sys.stderr)
        return 2
    if args.html:
        from .report.html import ReportSource

        meta = {"wall_seconds": round(wall, 2),
                "input_errors": [{"where": w, "message": m} for w, m in errors]}
        try:
            source = ReportSource.from_results(results, seed=args.seed, points=args.points,
                                               command="gradproof check", wall_seconds=wall,
                                               meta=meta)
        except OSError as err:   # the figures' temporary folder
            print(f"gradproof check: cannot write the HTML report: {err}", file=sys.stderr)
            return 2
        if not _write_page(args.html, source, "gradproof check"):
            return 2
    status = exit_status(results, errors)
    counts = {}
    for r in results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    if errors:
        counts["input errors"] = len(errors)
        for _, msg in errors:
            print(f"gradproof check: error: {msg}", file=sys.stderr)
    print(", ".join(f"{k} {v}" for k, v in counts.items()) + f" ({wall:.1f} s); exit status {status}")
    return status


def _cmd_list(args) -> int:
    import derivations

    for c in derivations.catalog():
        print(f"{c.id:<48} {c.kind:<10} {c.source.author} {c.source.year}, {c.source.section}")
    return 0


def _default_seed() -> int:
    from .defaults import DEFAULT_SEED

    return DEFAULT_SEED


def build_parser() -> argparse.ArgumentParser:
    from .defaults import DEFAULT_POINTS

    p = argparse.ArgumentParser(prog="gradproof", description="Check gradient derivations: "
                                "SymPy proof, JAX autodiff and finite differences.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("report", help="check the built-in catalog and write the proof report",
                       description="Check the built-in catalog and write the proof report. JAX's "
                       "compiled programs are cached in ~/.cache/gradproof/jax (set "
                       f"{JAX_CACHE_ENV}=DIR for another folder, {JAX_CACHE_ENV}=off for none), "
                       "and each claim's result in its results/ subfolder: a second run with the "
                       "same claims, seed, points, code and library versions replays the "
                       "results (the report names them; --no-cache recomputes) and compiles "
                       "less; the report is the same.")
    r.add_argument("--seed", type=int, default=_default_seed(), help="sampling seed (recorded in the report)")
    r.add_argument("--points", type=int, default=DEFAULT_POINTS, help="sample points per claim")
    r.add_argument("--out", default="reports", help="output folder (default: reports)")
    r.add_argument("--only", nargs="*", help="only claims whose id starts with one of these")
    r.add_argument("--html", action="store_true",
                   help="also write proof-report.html in the output folder: one self-contained "
                   "page (math rendered by KaTeX when it is built: needs Node.js and "
                   "`npm ci --prefix tools/katex`)")
    from .parallel import DEFAULT_JOBS

    r.add_argument("--jobs", type=int, default=DEFAULT_JOBS, metavar="N",
                   help=f"worker processes (default {DEFAULT_JOBS}: min(2, cores)); 1 checks in "
                   "this process; the report is the same either way")
    r.add_argument("--no-cache", action="store_true",
                   help="recompute every result instead of replaying those of an earlier run "
                   "with the same claims, seed, points, code and library versions (the results "
                   "are stored either way; see the README's 'Result cache')")
    r.set_defaults(func=_cmd_report)
    ls = sub.add_parser("list", help="list the built-in claims in document order")
    ls.set_defaults(func=_cmd_list)
    from .defaults import USER_SYMBOLIC_SECONDS

    ck = sub.add_parser("check", help="check the claims defined in your own Python files "
                        "(importing a file runs its code)",
                        description="Import each FILE (this runs its code) and check the claims it "
                        "defines: its CLAIMS list, or else every module-level claim. Exit status 0: "
                        "all hold; 1: any refuted, disputed or undecided; 2: usage or input error.")
    ck.add_argument("files", nargs="+", metavar="FILE", help="Python files defining claims")
    ck.add_argument("--seed", type=int, default=_default_seed(), help="sampling seed (recorded)")
    ck.add_argument("--points", type=int, default=DEFAULT_POINTS, help="sample points per claim")
    ck.add_argument("--md", metavar="FILE", help="also write a Markdown report to FILE")
    ck.add_argument("--json", metavar="FILE", help="also write a JSON report to FILE")
    ck.add_argument("--html", metavar="FILE", help="also write the report as one self-contained "
                    "HTML page to FILE (needs Node.js and `npm ci --prefix tools/katex`)")
    ck.add_argument("--symbolic-seconds", type=float, default=USER_SYMBOLIC_SECONDS,
                    help=f"time bound for SymPy per claim (default {USER_SYMBOLIC_SECONDS:g} s); "
                    "over it the symbolic witness is UNDECIDED")
    ck.set_defaults(func=_cmd_check)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "points", 1) is not None and getattr(args, "points", 1) < 1:
        parser.error("--points must be at least 1")
    if getattr(args, "jobs", 1) < 1:
        parser.error("--jobs must be at least 1")
    if getattr(args, "symbolic_seconds", 1) <= 0:
        parser.error("--symbolic-seconds must be positive")
    return args.func(args)


def console_main() -> None:
    """The ``gradproof`` command: :func:`main`, then the process ends at once with its exit status.

    Once ``main`` has returned, every report is written and closed and every worker has exited;
    what is left is the interpreter's teardown of JAX's XLA client and of SymPy's and JAX's
    caches, about 0.5 s of a 4 s ``gradproof check`` on this project's 2-core machine, which
    no user waits for usefully.  So the command flushes its output streams and calls
    ``os._exit``.  (``main`` itself, as the tests and ``python -m checkers.cli`` call it,
    returns normally; an exception inside it is raised and printed as usual.)
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe: nothing left to deliver
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
