r"""No false alarms: every correct claim of the catalog holds at many seeds, with no witness
disagreeing, and the numeric witnesses' errors stay below their tolerances.

For each claim, the symbolic witness runs once (it does not use the sample).  A claim it
*disproves* at an exact rational point is false as written (the catalog keeps such sentences of
the documents as REFUTED rows), and is left out: there is no alarm to be false.  Every other
claim is checked at each seed $s = s_0, \dots, s_0 + S - 1$ by every numeric witness of its
kind on the seeded sample of its kind (``checkers.kinds.Kind.sample(claim, points, s)``); the per-seed verdict
is :func:`checkers.results.combine` of the symbolic result and those, exactly as
:func:`checkers.engine.verify` would give it.  A false alarm is any seed where a witness fails
(REFUTED, DISPUTED), errors, or the verdict is not PROVED / VERIFIED.

Claims with no sampled point (experiments: a stated training run or sweep; quoted values) are
the same computation at every seed: they are checked once.  Experiments have no symbolic
witness; one refuted by both of its runs (JAX float64 and 50-digit mpmath with SymPy's exact
derivative) is false as written and left out like a symbolically disproved claim.

Per witness the run reports the worst relative error seen over all claims and seeds at points
float64 decided, the tolerance it was compared with, and the margin $\mathrm{tol}/\mathrm{worst}$;
points float64 could not decide went to the mpmath referee (counted), and points beyond the
referee's reach are counted as unchecked, never as passed.  Inequalities are not in the error
table: their "error" is the slack of the relation, not an error.

Command::

    python -m checkers.false_alarms --seeds 200 --points 256 [--only PREFIX ...] [--out FILE.md]
        [--kinds KIND ...] [--skip-kinds KIND ...]

(network claims and any-K index claims cost seconds per seed: ``--kinds`` splits the run;
``--seed-major --jobs N`` shares the seeds among N worker processes, with the same result).

exits 1 if any false alarm was seen.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import derivations

from .engine import run_witness
from .kinds import kind_of
from .results import DISPROVED, FAIL, HOLDS, NOT_APPLICABLE, PASS, WitnessResult, combine
from .symbolic import SIMPLIFY_SECONDS

__all__ = ["ClaimRecord", "check_claim", "run", "run_seed_major", "run_seed_major_jobs", "summarize", "render", "main"]

@dataclass
class _Worst:
    error: float = 0.0
    where: str = ""
    tolerance: str = ""


@dataclass
class ClaimRecord:
    """One claim over many seeds (``seed_independent``: checked at the first seed only)."""

    claim_id: str
    kind: str
    excluded: str = ""                 # why it is left out (false as written), else ""
    seeds: int = 0
    verdicts: Counter = field(default_factory=Counter)
    alarms: list = field(default_factory=list)   # (seed, verdict, witness, detail)
    worst: dict = field(default_factory=dict)    # witness label -> _Worst
    points: Counter = field(default_factory=Counter)
    escalated: Counter = field(default_factory=Counter)
    unchecked: Counter = field(default_factory=Counter)
    not_applicable: Counter = field(default_factory=Counter)
    seed_independent: bool = False
    seconds: float = 0.0


def _label(claim, w: WitnessResult) -> str:
    """Witness label for the error table (a method with its own tolerance is its own row)."""
    if w.witness == "finite differences":
        return "finite differences (complex step)" if "complex" in w.method else "finite differences (central)"
    if w.witness == "sampling":
        return f"sampling ({claim.kind})"
    return w.witness


def _start(claim, symbolic_seconds: float = SIMPLIFY_SECONDS):
    """The claim's record and its symbolic result (seed-independent: computed once)."""
    rec = ClaimRecord(claim.id, claim.kind)
    t0 = time.monotonic()
    sym = kind_of(claim).symbolic_witness(claim, symbolic_seconds)
    if sym.status == DISPROVED:
        rec.excluded = f"false as written: {sym.counterexample}"
    # no witness uses a sampled point (a fixed computation, a quoted number): checked at the
    # first seed only, since every seed would repeat the same computation
    rec.seed_independent = kind_of(claim).seed_independent
    rec.seconds = time.monotonic() - t0
    return rec, sym


def _check_seed(claim, rec: ClaimRecord, sym, s: int, points: int) -> None:
    """Every numeric witness of ``claim`` at seed ``s``, combined with ``sym``, into ``rec``."""
    t0 = time.monotonic()
    kind = kind_of(claim)
    smp = kind.sample(claim, points, s)
    results = [sym] + [run_witness(name, fn, claim, smp) for name, fn in kind.witnesses]
    verdict, why = combine(results)
    rec.seeds += 1
    rec.verdicts[verdict] += 1
    for w in results[1:]:
        if w.status == NOT_APPLICABLE:  # e.g. the Taylor test of a claim that is not a derivative
            rec.not_applicable[w.witness] += 1
            continue
        if w.status != PASS:
            detail = str(w.counterexample) if w.counterexample is not None else w.detail
            rec.alarms.append((s, verdict, w.witness, f"{w.status}: {detail}"[:400]))
            continue
        lab = _label(claim, w)
        rec.points[lab] += w.points
        rec.escalated[lab] += w.escalated
        rec.unchecked[lab] += int(w.extra.get("unchecked", 0) or 0)
        if not kind.relative_errors or w.worst_error is None:
            continue
        cur = rec.worst.setdefault(lab, _Worst(tolerance=w.tolerance))
        if w.worst_error > cur.error:
            cur.error, cur.where, cur.tolerance = w.worst_error, f"{claim.id} seed {s}", w.tolerance
    if verdict not in HOLDS and not any(a[0] == s for a in rec.alarms):
        rec.alarms.append((s, verdict, "combined", why[:400]))
    if rec.seed_independent and verdict == "REFUTED" and all(w.fails for w in results[1:]):
        # no sample, no symbolic witness: two independent runs (float64 and 50 digits) agree
        # that the stated computation violates the claim: false as written, not an alarm
        ce = next(w.counterexample for w in results[1:] if w.counterexample is not None)
        rec.excluded = f"false as written (every run agrees, no sampled points): {ce}"
        rec.alarms, rec.verdicts, rec.seeds = [], Counter(), 0
    rec.seconds += time.monotonic() - t0


def check_claim(claim, seeds, *, points: int = 256,
                symbolic_seconds: float = SIMPLIFY_SECONDS) -> ClaimRecord:
    """Check one claim at every seed of ``seeds`` (see the module docstring)."""
    rec, sym = _start(claim, symbolic_seconds)
    if rec.excluded:
        return rec
    for s in (list(seeds)[:1] if rec.seed_independent else seeds):
        _check_seed(claim, rec, sym, s, points)
    return rec


def run(claims, seeds, *, points: int = 256, progress=None) -> list:
    """Claim by claim, every seed (``progress(i, n, record)`` after each claim)."""
    out = []
    for i, c in enumerate(claims):
        out.append(check_claim(c, seeds, points=points))
        if progress is not None:
            progress(i + 1, len(claims), out[-1])
    return out


def _at_seed(started, s: int, first: bool, points: int) -> list:
    """Every claim of ``started`` ([(claim, record, symbolic result)] from :func:`_start`) at seed
    ``s``: one fresh record per claim, for :func:`_merge` into the totals.  Claims false as
    written are skipped, seed-independent ones are checked at the first seed only (which also
    carries the symbolic witness's time)."""
    out = []
    for c, rec0, sym in started:
        rec = ClaimRecord(c.id, c.kind, excluded=rec0.excluded, seed_independent=rec0.seed_independent,
                          seconds=rec0.seconds if first else 0.0)
        if not rec.excluded and (first or not rec.seed_independent):
            _check_seed(c, rec, sym, s, points)
        out.append(rec)
    return out


def _merge(total: ClaimRecord, part: ClaimRecord) -> None:
    """Add ``part`` (the same claim at a later seed) into ``total``, as if ``_check_seed`` had
    written both into one record in seed order."""
    total.seed_independent = part.seed_independent
    total.seconds += part.seconds
    if part.excluded and not total.excluded:   # false as written (symbolic, or both runs)
        total.excluded, total.alarms, total.verdicts, total.seeds = part.excluded, [], Counter(), 0
    if total.excluded:
        return
    total.seeds += part.seeds
    total.verdicts.update(part.verdicts)
    total.alarms += part.alarms
    for name in ("points", "escalated", "unchecked", "not_applicable"):
        getattr(total, name).update(getattr(part, name))
    for lab, w in part.worst.items():
        cur = total.worst.get(lab)
        if cur is None or w.error > cur.error:
            total.worst[lab] = w


def _merge_seed(records, parts, done, s, after_seed) -> None:
    """Merge seed ``s``'s records into the totals, mark it done, report (``after_seed``)."""
    for total, part in zip(records, parts):
        _merge(total, part)
    done.append(s)
    if after_seed is not None:
        after_seed(list(done), records)


def run_seed_major(claims, seeds, *, points: int = 256, after_seed=None) -> list:
    """Seed by seed, every claim: after each seed every claim has been checked at the same seeds,
    so a run stopped early (``after_seed(done_seeds, records)`` writes the result so far) is a
    complete result for fewer seeds.  For the expensive kinds (networks: seconds per seed)."""
    started = [(c, *_start(c)) for c in claims]
    records = [ClaimRecord(c.id, c.kind) for c in claims]
    done: list = []
    for k, s in enumerate(seeds):
        _merge_seed(records, _at_seed(started, s, k == 0, points), done, s, after_seed)
    return records


# -- seeds in worker processes (``--jobs N``) -------------------------------------------------

_WORKER: dict = {}


def _init_seed_worker(ids, points: int) -> None:
    """Worker start-up: the claims and their symbolic results (once per worker)."""
    import checkers  # noqa: F401  (x64 on; registers the network and indexed kinds)

    _WORKER["started"] = [(c, *_start(c)) for c in (derivations.get(i) for i in ids)]
    _WORKER["points"] = points


def _seed_task(s: int, first: bool) -> tuple:
    """Every claim at seed ``s`` in this worker (:func:`_at_seed`)."""
    return s, _at_seed(_WORKER["started"], s, first, _WORKER["points"])


def run_seed_major_jobs(claims, seeds, *, points: int = 256, jobs: int = 2, after_seed=None) -> list:
    """:func:`run_seed_major` with the seeds shared among ``jobs`` spawned worker processes.

    Each task is one seed (every claim); the parent merges the per-seed records strictly in seed
    order (a seed finished early waits for the ones before it), so the records, the alarms'
    order and the worst-error locations are those of the one-process run, and ``after_seed``
    sees a contiguous prefix of ``seeds``.  Catalog claims only (workers look them up by id)."""
    import concurrent.futures as cf
    import multiprocessing

    seeds = list(seeds)
    records = [ClaimRecord(c.id, c.kind) for c in claims]   # the workers run the symbolic witness
    ctx = multiprocessing.get_context("spawn")   # JAX is not fork-safe
    done: list = []
    waiting = {}
    with cf.ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=ctx, initializer=_init_seed_worker,
                                initargs=([c.id for c in claims], points)) as pool:
        futures = [pool.submit(_seed_task, s, k == 0) for k, s in enumerate(seeds)]
        for fut in cf.as_completed(futures):
            s, parts = fut.result()
            waiting[s] = parts
            while len(done) < len(seeds) and seeds[len(done)] in waiting:
                nxt = seeds[len(done)]
                _merge_seed(records, waiting.pop(nxt), done, nxt, after_seed)
    return records


def _rtol_from(text: str) -> float | None:
    """The relative (or, for sequences, absolute) tolerance named in a witness's tolerance text."""
    for pat in (r"rel\. ([0-9.]+e[+-]?[0-9]+)", r"< ([0-9.]+e[+-]?[0-9]+)", r"within rel\. ([0-9.]+e[+-]?[0-9]+)"):
        m = re.search(pat, text or "")
        if m:
            return float(m.group(1))
    return None


def summarize(records) -> dict:
    """Per witness: worst error, where, tolerance, margin, points, escalated, unchecked."""
    table: dict = {}
    for r in records:
        labels = set(r.points) | set(r.worst)
        for lab in labels:
            row = table.setdefault(lab, {"worst": 0.0, "where": "", "tolerance": "", "points": 0,
                                         "escalated": 0, "unchecked": 0, "claims": 0})
            row["claims"] += 1
            row["points"] += r.points[lab]
            row["escalated"] += r.escalated[lab]
            row["unchecked"] += r.unchecked[lab]
            w = r.worst.get(lab)
            if w is not None:
                row["tolerance"] = row["tolerance"] or w.tolerance
                if w.error > row["worst"]:
                    row["worst"], row["where"], row["tolerance"] = w.error, w.where, w.tolerance
    for lab, row in table.items():
        tol = _rtol_from(row["tolerance"])
        row["rtol"] = tol
        row["margin"] = (tol / row["worst"]) if tol and row["worst"] > 0 else None
    return table


def render(records, *, seeds, points: int, seconds: float, command: str) -> str:
    """The result as Markdown (also printed)."""
    checked = [r for r in records if not r.excluded]
    excluded = [r for r in records if r.excluded]
    alarms = [(r.claim_id, *a) for r in checked for a in r.alarms]
    verdicts = Counter()
    for r in checked:
        verdicts.update(r.verdicts)
    indep = [r for r in checked if r.seed_independent]
    lines = ["# False alarms: correct claims over many seeds", "",
             f"`{command}`: {len(checked) - len(indep)} claims x {len(seeds)} seeds "
             f"({seeds[0]}..{seeds[-1]}), {points} points per seed"
             + (f", and {len(indep)} seed-independent claims (experiments, quoted values: no sampled "
                "point) checked once" if indep else "") + f"; {seconds:.0f} s.", "",
             f"**False alarms: {len(alarms)}.** Verdicts over all claim-seed pairs: "
             + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())) + ".", ""]
    if alarms:
        lines += ["| claim | seed | verdict | witness | detail |", "|---|---:|---|---|---|"]
        for cid, s, v, w, d in alarms[:50]:
            lines.append(f"| `{cid}` | {s} | {v} | {w} | {d.replace('|', '/')} |")
        lines.append("")
    lines += ["## Worst relative error per witness (points decided in float64)", "",
              "| witness | claims | points | worst error | where | tolerance | margin | to mpmath | unchecked |",
              "|---|---:|---:|---:|---|---|---:|---:|---:|"]
    for lab, row in sorted(summarize(checked).items()):
        worst = f"{row['worst']:.1e}" if row["worst"] else ("n/a" if row["rtol"] is None else "0")
        if row["margin"]:
            margin = f"{row['margin']:.1f}x below" if row["margin"] < 1e3 else f"{row['margin']:.0e}x below"
        else:
            margin = "—" if row["rtol"] is None else "no error"
        tol = row["tolerance"].replace("|", "\\|")
        lines.append(f"| {lab} | {row['claims']} | {row['points']} | {worst} | {row['where']} | "
                     f"{tol} | {margin} | {row['escalated']} | {row['unchecked']} |")
    lines += ["", "*to mpmath*: points float64 could not decide (overflow, cancellation, or an "
              "error above the float64 tolerance), decided by the referee, all agreeing. "
              "*unchecked*: beyond the referee's reach (more than 4000 digits, or an exponential "
              "of an argument over 1e6) or over its time budget: counted, not passed. Inequalities "
              "(sampling with a relation) and quoted values (high precision, seed-independent) have no error "
              "column: an inequality's slack and a value's rounding are not errors; both are in the "
              "verdict counts.", ""]
    if excluded:
        lines += ["## Left out: false as written (exact counterexample)", ""]
        lines += [f"- `{r.claim_id}`: {r.excluded}" for r in excluded]
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m checkers.false_alarms",
                                description="Check every correct catalog claim at many seeds.")
    p.add_argument("--seeds", type=int, default=200, help="number of seeds")
    p.add_argument("--first-seed", type=int, default=0)
    p.add_argument("--points", type=int, default=256, help="points per seed")
    p.add_argument("--only", nargs="*", default=None, help="claim id prefixes")
    p.add_argument("--kinds", nargs="*", default=None, help="only claims of these kinds")
    p.add_argument("--skip-kinds", nargs="*", default=None, help="leave out claims of these kinds")
    p.add_argument("--out", default=None, help="also write the Markdown result here")
    p.add_argument("--jobs", type=int, default=1,
                   help="with --seed-major: share the seeds among this many worker processes "
                        "(same result as one process)")
    p.add_argument("--seed-major", action="store_true",
                   help="every claim at seed 1, then every claim at seed 2, ...; the result so far "
                        "is written after each seed (for long runs that may be stopped)")
    args = p.parse_args(argv)
    if args.seeds < 1 or args.points < 1 or args.jobs < 1:
        p.error("--seeds, --points and --jobs must be at least 1")
    if args.jobs > 1 and not args.seed_major:
        p.error("--jobs needs --seed-major (the seeds are what the workers share)")
    claims = derivations.catalog()
    if args.only:
        claims = [c for c in claims if any(c.id.startswith(o) for o in args.only)]
        if not claims:
            print(f"false_alarms: no claim id starts with {args.only}", file=sys.stderr)
            return 2
    if args.kinds:
        claims = [c for c in claims if c.kind in args.kinds]
    if args.skip_kinds:
        claims = [c for c in claims if c.kind not in args.skip_kinds]
    if not claims:
        print("false_alarms: no claim left after the kind filters", file=sys.stderr)
        return 2
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    t0 = time.monotonic()

    def progress(i, n, r):
        state = "left out (false as written)" if r.excluded else (
            f"{len(r.alarms)} alarm(s)" if r.alarms else "ok")
        print(f"[{i}/{n}] {r.claim_id}: {state}, {r.seeds} seeds, {r.seconds:.0f} s", flush=True)

    cmd = f"python -m checkers.false_alarms --seeds {args.seeds} --points {args.points}" + (
        f" --first-seed {args.first_seed}" if args.first_seed else "") + (
        " --only " + " ".join(args.only) if args.only else "") + (
        " --kinds " + " ".join(args.kinds) if args.kinds else "") + (
        " --skip-kinds " + " ".join(args.skip_kinds) if args.skip_kinds else "") + (
        " --seed-major" if args.seed_major else "") + (f" --jobs {args.jobs}" if args.jobs > 1 else "")

    def write(text):
        if args.out:
            path = pathlib.Path(args.out)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    if args.seed_major:
        def after_seed(done, recs):
            alarms = sum(len(r.alarms) for r in recs)
            print(f"seed {done[-1]}: {len(done)} seeds done, {alarms} alarm(s), "
                  f"{time.monotonic() - t0:.0f} s", flush=True)
            write(render(recs, seeds=done, points=args.points, seconds=time.monotonic() - t0,
                         command=cmd + (f" (stopped after {len(done)} of {args.seeds} seeds)"
                                        if len(done) < len(seeds) else "")))

        if args.jobs > 1:
            records = run_seed_major_jobs(claims, seeds, points=args.points, jobs=args.jobs,
                                          after_seed=after_seed)
        else:
            records = run_seed_major(claims, seeds, points=args.points, after_seed=after_seed)
    else:
        records = run(claims, seeds, points=args.points, progress=progress)
    text = render(records, seeds=seeds, points=args.points, seconds=time.monotonic() - t0, command=cmd)
    print(text)
    write(text)
    if args.out:
        print(f"wrote {args.out}")
    return 1 if any(r.alarms for r in records) else 0


_ = FAIL

if __name__ == "__main__":
    sys.exit(main())
