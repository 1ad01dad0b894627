"""The proof report as JSON: one record per claim (pure render + thin writer).

Besides the claims: the seed, the points per claim, the verdict counts, the versions the numbers
depend on (``environment``) and the figures of the Markdown report (``figures``: file relative to
the report, the claim it illustrates, title, caption).  Timing keys (``TIMING_KEYS``) are the only
values that change between two runs with the same seed and versions.  A witness's per-point
evidence (``WitnessResult.per_point``) is not part of it.
"""

from __future__ import annotations

import json
import math
import pathlib

import sympy as sp

from .figures import figure_index
from .markdown import environment

__all__ = ["render_json", "write_json", "claim_record", "TIMING_KEYS", "without_timings"]

TIMING_KEYS = ("seconds", "wall_seconds", "replayed")
"""Keys that describe the run, not the results: timings, and whether a result was replayed from
the result cache (:mod:`checkers.result_cache`)."""


def without_timings(x):
    """A JSON report (or any part of one, as plain data) with every ``TIMING_KEYS`` entry removed:
    what two runs with the same seed must agree on."""
    if isinstance(x, dict):
        return {k: without_timings(v) for k, v in x.items() if k not in TIMING_KEYS}
    if isinstance(x, list):
        return [without_timings(v) for v in x]
    return x


def _clean(x):
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, sp.Basic):
        return sp.sstr(x)
    return x


def claim_record(res) -> dict:
    """One claim's record: the claim, its verdict and every witness's evidence, as plain data."""
    c = res.claim
    return _clean({
        "id": c.id,
        "title": c.title,
        "source": {"document": c.source.document, "author": c.source.author,
                   "year": c.source.year, "section": c.source.section},
        "kind": c.kind,
        "statement_latex": c.statement,
        "note": c.note,
        "domain": {str(s): iv.text() for s, iv in c.domain},
        "verdict": res.verdict,
        "message": res.message,
        "seed": res.seed,
        "points": res.points,
        "sample_regimes": res.sample_shares,
        "witnesses": [w.to_dict() for w in res.witnesses],
        "counterexample": res.counterexample.to_dict() if res.counterexample else None,
        "region": res.region.to_dict() if getattr(res, "region", None) is not None else None,
        "seconds": round(res.seconds, 3),
        "replayed": bool(getattr(res, "replayed", False)),
    })


def render_json(results, *, seed: int, points: int, meta: dict | None = None) -> str:
    """The whole JSON report (pure: results in, text out)."""
    results = list(results)
    counts = {}
    for r in results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    doc = {
        "tool": "gradproof",
        "seed": seed,
        "points_per_claim": points,
        "verdict_counts": counts,
        **(meta or {}),
        "environment": environment(),
        "figures": figure_index(results),
        "claims": [claim_record(r) for r in results],
    }
    return json.dumps(doc, indent=1, sort_keys=False) + "\n"


def write_json(path, results, **kw) -> pathlib.Path:
    """Write the JSON report of ``results`` to ``path``."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_json(results, **kw))
    return path
