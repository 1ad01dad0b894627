r"""The third-party corpus (:mod:`benchmarks.corpus`) through gradproof and through
``jax.test_util.check_grads``: which broken VJP and which library defect each tool catches, and
which correct function each tool flags falsely.

```bash
python -m benchmarks.corpus_vs_check_grads --out benchmarks/corpus-results.md
python -m benchmarks.corpus_vs_check_grads --only relu vjp.tanh --out /tmp/c.md  # a few
```

The tools, each with its defaults:

* **gradproof**: ``verify_implementation(fn, claim, args=...)`` on its seeded sample
  (``--points``, default 1024; the derivation itself is checked too, except for a broken VJP,
  whose claim is the correct function's).  *Caught* means REFUTED.
* **check_grads, typical points**: ``check_grads(f, args, order=1, modes=("rev",))`` (one random
  direction, central difference with ``eps = 1e-4``, float64 ``atol = rtol = 1e-5``) at
  ``--typical`` (default 5) seeded points drawn the way a test author would: $\mathcal N(0, 2^2)$
  on the real line, $e^{\mathcal N(0,1)}$ on a half-line, the middle 80% of a bounded interval,
  any integer of an integer range.  Arguments that hold no ``wrt`` variable (integer labels,
  targets) are held fixed; ``modes=("rev",)`` because a ``jax.custom_vjp`` has no forward mode.
  *Caught* means check_grads raised its ``AssertionError`` at one of the points.
* **check_grads at gradproof's points**: the same call at every point of gradproof's own sample
  (``--sample-points``, default 256, same seed): the points where the bugs are, with
  check_grads' tolerance and finite-difference step.  The count of points it flags is shown.

Each function is wrapped in ``jax.jit`` for check_grads (compiled once per shape; the backward
pass of a custom VJP is still the one checked).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import time
from dataclasses import dataclass, field

import numpy as np

__all__ = ["ToolResult", "Row", "typical_point", "run_gradproof", "run_check_grads", "run",
           "render", "main"]


@dataclass
class ToolResult:
    """One tool on one entry: ``caught`` (it flagged the entry), ``detail`` (where / why),
    ``flagged`` and ``points`` (for a multi-point check), ``seconds``."""

    caught: bool
    detail: str = ""
    flagged: int = 0
    points: int = 0
    seconds: float = 0.0
    error: str = ""


@dataclass
class Row:
    """One corpus entry and the three tools' results."""

    name: str
    group: str
    note: str
    gradproof: ToolResult
    typical: ToolResult
    sample: ToolResult
    extra: dict = field(default_factory=dict)


def typical_point(claim, rng) -> dict:
    """A point a test author would pick: variable -> float (see the module docstring)."""
    out = {}
    for v, d in claim.domain:
        lo, hi = float(d.lo), float(d.hi)
        if d.integer:
            x = float(rng.integers(int(lo), int(hi) + 1))
        elif np.isfinite(lo) and np.isfinite(hi):
            x = lo + (hi - lo) * rng.uniform(0.1, 0.9)
        elif np.isfinite(lo):
            x = lo + rng.lognormal(0.0, 1.0)
        elif np.isfinite(hi):
            x = hi - rng.lognormal(0.0, 1.0)
        else:
            x = rng.normal(0.0, 2.0)
        out[v] = x
    return out


def _arguments(entry, point):
    """``(args, diff)``: the entry's arguments at ``point`` (symbol -> float) and the positions
    of those holding a ``wrt`` variable."""
    import sympy as sp

    claim = entry.claim
    integer = {s for s, d in claim.domain if d.integer}
    spec = entry.args if entry.args is not None else claim.variables
    args, diff = [], []
    for k, a in enumerate(spec):
        syms = [a] if isinstance(a, sp.Symbol) else list(a)
        dtype = np.int64 if syms[0] in integer else np.float64
        vals = np.array([point[s] for s in syms], dtype=dtype)
        args.append(vals[0] if isinstance(a, sp.Symbol) else vals)
        if set(syms) & set(claim.wrt):
            diff.append(k)
    return args, diff


def run_gradproof(entry, points: int, seed: int | None) -> ToolResult:
    from checkers.implementation import verify_implementation
    from checkers.implementation.layout import slug

    kw = {} if seed is None else {"seed": seed}
    t0 = time.monotonic()
    try:
        res = verify_implementation(entry.fn, entry.claim, args=entry.args, points=points,
                                    name=slug(entry.name), check_claim=entry.group != "broken",
                                    **kw)
    except Exception as err:  # noqa: BLE001 - a crash is a result of the benchmark
        return ToolResult(False, error=f"{type(err).__name__}: {str(err)[:120]}",
                          seconds=time.monotonic() - t0)
    ce = res.counterexample
    detail = res.verdict + (f" {ce}" if ce is not None and res.verdict == "REFUTED" else "")
    if res.verdict != "REFUTED" and res.message:    # e.g. points the referee left unchecked
        detail += f" ({res.message[:160]})"
    return ToolResult(res.verdict == "REFUTED", detail, points=res.points,
                      seconds=time.monotonic() - t0,
                      error="" if res.verdict in ("VERIFIED", "REFUTED") else res.verdict)


def _check_grads_at(entry, jitted, point):
    """'pass', 'flag' (check_grads' AssertionError) or 'error: ...' at one point."""
    from jax.test_util import check_grads

    args, diff = _arguments(entry, point)

    def f(*free):
        full = list(args)
        for k, a in zip(diff, free):
            full[k] = a
        return jitted(*full)

    try:
        check_grads(f, tuple(args[k] for k in diff), order=1, modes=("rev",))
    except AssertionError:
        return "flag"
    except Exception as err:  # noqa: BLE001
        return f"error: {type(err).__name__}: {str(err)[:80]}"
    return "pass"


def run_check_grads(entry, points) -> ToolResult:
    """check_grads at each point of ``points`` (a list of symbol -> float dicts)."""
    import jax

    jitted = jax.jit(entry.fn)
    t0 = time.monotonic()
    flagged, first, errors = 0, "", []
    for pt in points:
        out = _check_grads_at(entry, jitted, pt)
        if out == "flag":
            flagged += 1
            if not first:
                first = "flagged at " + ", ".join(f"{s}={x:.3g}" for s, x in pt.items())
        elif out != "pass":
            errors.append(out)
    return ToolResult(flagged > 0, first, flagged, len(points), time.monotonic() - t0,
                      errors[0] if errors else "")


def run(entries, points=1024, typical=5, sample_points=256, seed=None, log=print) -> list:
    """Every entry through the three tools; one :class:`Row` each."""
    from checkers.engine import DEFAULT_SEED
    from checkers.sampling import sample

    seed_used = DEFAULT_SEED if seed is None else seed
    rows = []
    for i, e in enumerate(entries):
        rng = np.random.default_rng([seed_used, i])
        typ = [typical_point(e.claim, rng) for _ in range(typical)]
        smp = sample(e.claim, sample_points, seed_used)
        smp_pts = [dict(zip(smp.variables, map(float, row))) for row in smp.points]
        gp = run_gradproof(e, points, seed)
        tg = run_check_grads(e, typ)
        sg = run_check_grads(e, smp_pts)
        rows.append(Row(e.name, e.group, e.note, gp, tg, sg))
        log(f"[{i + 1}/{len(entries)}] {e.name:48} gradproof {gp.detail[:40]:40} "
            f"check_grads {tg.flagged}/{tg.points}, {sg.flagged}/{sg.points} "
            f"({gp.seconds:.1f} s, {tg.seconds + sg.seconds:.1f} s)")
    return rows


def _mark(r: ToolResult, multi=False) -> str:
    if r.error and not r.caught and not r.flagged:
        return f"error ({r.error[:60]})"
    if multi:
        return f"**{r.flagged}/{r.points}**" if r.flagged else f"0/{r.points}"
    return "**caught**" if r.caught else "passed"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(rows, meta: dict) -> str:
    """The Markdown report (pure: rows and run metadata in, text out)."""
    groups = {g: [r for r in rows if r.group == g] for g in ("correct", "defect", "broken")}
    lines = ["# The third-party corpus: gradproof and `jax.test_util.check_grads`", "",
             f"Generated by `python -m benchmarks.corpus_vs_check_grads` on {meta['date']}: "
             f"{meta['machine']}; jax {meta['jax']}, optax {meta['optax']}; gradproof at "
             f"{meta['points']} points (seed {meta['seed']}), check_grads at {meta['typical']} "
             f"typical points and at gradproof's {meta['sample_points']} sample points.  "
             "The corpus and each entry's derivation: [`corpus.py`](corpus.py); the tools: "
             "[`corpus_vs_check_grads.py`](corpus_vs_check_grads.py).", "",
             "| | entries | gradproof | check_grads, typical points | check_grads, "
             "gradproof's points |", "|---|---|---|---|---|"]

    def count(g, pick):
        return sum(1 for r in groups[g] if pick(r).caught)

    for g, label in (("broken", "broken custom VJPs caught"),
                     ("defect", "library float64 defects caught"),
                     ("correct", "correct functions flagged (false alarms)")):
        n = len(groups[g])
        lines.append(f"| {label} | {n} | {count(g, lambda r: r.gradproof)} | "
                     f"{count(g, lambda r: r.typical)} | {count(g, lambda r: r.sample)} |")
    secs = [sum(getattr(r, k).seconds for r in rows) for k in ("gradproof", "typical", "sample")]
    lines.append(f"| time, whole corpus | {len(rows)} | {secs[0]:.0f} s | {secs[1]:.0f} s | "
                 f"{secs[2]:.0f} s |")
    lines += ["", "gradproof's time includes checking each derivation (symbolic proof and two "
              "numeric witnesses) and the mpmath referee; check_grads checks the code only.", ""]
    for g, title in (("broken", "Broken custom VJPs (forward right, backward wrong)"),
                     ("defect", "Real float64 defects of library functions"),
                     ("correct", "Correct functions")):
        lines += [f"## {title}", "",
                  "| entry | what is wrong | gradproof | check_grads, typical | check_grads, "
                  "gradproof's points |" if g != "correct" else
                  "| entry | gradproof | check_grads, typical | check_grads, gradproof's points |",
                  "|---|---|---|---|---|" if g != "correct" else "|---|---|---|---|"]
        for r in groups[g]:
            gp = (f"**caught**: {r.gradproof.detail}" if r.gradproof.caught else
                  f"error ({r.gradproof.error[:60]})" if r.gradproof.error and
                  not r.gradproof.detail else r.gradproof.detail)
            cells = [f"`{r.name}`"] + ([r.note] if g != "correct" else []) + [
                gp, _mark(r.typical, True) + (f" ({r.typical.detail})" if r.typical.flagged
                                              else ""),
                _mark(r.sample, True)]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        lines.append("")
    lines += ["## Reading the table", "",
              "check_grads compares one random directional derivative with a central "
              "difference (step 1e-4) within 1e-5: it cannot see a relative error of 1e-6 or "
              "1e-9, nor a bug confined to a region its points do not visit (saturation, z = 0, "
              "|z| < 1e-10, |z| > 710). Given gradproof's points it visits those regions, but "
              "its finite difference is then meaningless at kinks, domain edges (the step "
              "leaves the domain) and huge magnitudes (x + 1e-4 = x), so it flags correct "
              "functions there too. It never compares the value with the true function, so a "
              "forward pass that overflows (inf, NaN) passes when the difference agrees with "
              "the gradient, or when both are NaN. So where check_grads flags most correct "
              "functions at gradproof's points, a flag there does not tell a bug from a "
              "finite-difference artifact. gradproof compares value and gradient with the "
              "derivation at every point, sets kinks aside, and lets the mpmath referee decide "
              "what float64 cannot.", ""]
    return "\n".join(lines)


def _meta(args) -> dict:
    import jax
    import optax

    from checkers.engine import DEFAULT_SEED

    return {"date": datetime.date.today().isoformat(),
            "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
                       f"load {os.getloadavg()[0]:.1f}",
            "jax": jax.__version__, "optax": optax.__version__, "points": args.points,
            "seed": DEFAULT_SEED if args.seed is None else args.seed, "typical": args.typical,
            "sample_points": args.sample_points}


def main(argv=None) -> int:
    from . import corpus

    ap = argparse.ArgumentParser(prog="python -m benchmarks.corpus_vs_check_grads",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="benchmarks/corpus-results.md")
    ap.add_argument("--points", type=int, default=1024, help="gradproof's sample size")
    ap.add_argument("--typical", type=int, default=5, help="check_grads' typical points")
    ap.add_argument("--sample-points", type=int, default=256,
                    help="gradproof's sample points also given to check_grads")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--only", nargs="*", default=None, help="entry names (substrings)")
    args = ap.parse_args(argv)
    entries = [e for e in corpus.CORPUS
               if not args.only or any(o in e.name for o in args.only)]
    rows = run(entries, args.points, args.typical, args.sample_points, args.seed)
    text = render(rows, _meta(args))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
