r"""An experiment whose sentence leaves the learning rate open, read over a range of rates.

A training sentence ("both loss curves plunge in the first few dozen epochs") that names no
learning rate is not refuted at one rate someone chose: it is a statement about the set-ups it
could describe.  :class:`derivations.experiment_model.OpenRate` gives the range (a grid of
exact rates, with why) and the published readings.  Each witness runs every series at every
rate of the grid, in its own arithmetic (float64 with JAX; 50 digits with SymPy's exact
derivative), and records where every criterion holds:

* a rate is *admissible* when every sentence the document states about the same runs holds
  there (``OpenRate.joint``: they describe one set-up with one rate); the claim holds (PASS) when
  it holds at some admissible rate, and fails when it holds at none -- the text is not refuted by
  a rate it does not state, and a sentence's opposite is refuted by the document's own others;
* the set of rates where it holds is the claim's region (:func:`rate_region`, reported for every
  verdict), with the published readings (e.g. Nielsen's $\eta = 0.15$ for the quadratic cost
  and $0.005$ for the cross-entropy) judged beside it;
* in float64, a criterion that fails only there is decided by the 50-digit run at that rate
  (float64 noise never decides a rate), as for a fixed rate.
"""

from __future__ import annotations

import sympy as sp

from .regions import Region

__all__ = ["rate_runs", "reading_runs", "epoch_runs", "rate_deviation", "rate_region", "rate_text"]


def _record(claim, backend, series, label, rate_text_, failures) -> dict:
    """The claim at one set of rates: its own criteria (``holds``), the document's sentences
    about the same runs together (``admissible``), and the first criterion measured;
    ``failures``: :func:`checkers.experiments.criteria_failures`."""
    recs, failing, _ = failures(claim, backend, series)
    joint = claim.open_rate.joint
    admissible = not failures(claim, backend, series, joint)[1] if joint else True
    first = next((r for r in recs if not r["holds"]), recs[0])
    return {"label": label, "rate": rate_text_, "holds": not failing, "admissible": admissible,
            "measured": f"criterion {first['criterion'] + 1}: {first['lhs']} "
                        f"{'vs' if not first['holds'] else 'and'} {first['rhs']}"}


def rate_text(r) -> str:
    """A rate as a reader writes it (0.15, 0.005, 1)."""
    from derivations.experiment_model import number_tex

    return number_tex(sp.sympify(r))


def rate_runs(claim, backend: str, failures) -> list:
    """One record per rate of the grid: ``{"rate", "holds", "admissible", "measured"}`` on
    ``backend``; ``failures``: :func:`checkers.experiments.criteria_failures`."""
    out = []
    for r in claim.open_rate.grid:
        out.append(_record(claim, backend, claim.at_rates(lambda name, r=r: r),
                           f"eta = {rate_text(r)}", rate_text(r), failures))
    return out


def reading_runs(claim, backend: str, failures) -> list:
    """One record per published reading: its rates per series and whether the claim holds."""
    out = []
    orate = claim.open_rate
    for label, pairs in orate.readings:
        series = claim.at_rates(lambda name, pairs=pairs: orate.reading_rate(pairs, name))
        rates = ", ".join(f"{p.rstrip('_')} eta = {rate_text(r)}" for p, r in pairs)
        out.append(_record(claim, backend, series, f"{label} ({rates})", "", failures))
    return out


def epoch_runs(claim, backend: str, failures) -> list:
    """One record per epoch reading of ``claim.open_rate`` (``epochs``): ``{"epoch", "holds",
    "admissible"}``, the grid rates where the claim's criteria, and the document's sentences
    about the same runs together, hold when read at that epoch (:meth:`OpenRate.at_epoch`)."""
    orate = claim.open_rate
    out = []
    for e in orate.epochs:
        own, joint = orate.at_epoch(claim.criteria, e), orate.at_epoch(orate.joint, e)
        held, admissible = [], []
        for r in orate.grid:
            series = claim.at_rates(lambda name, r=r: r)
            if not failures(claim, backend, series, own)[1]:
                held.append(rate_text(r))
            if not joint or not failures(claim, backend, series, joint)[1]:
                admissible.append(rate_text(r))
        out.append({"epoch": int(e), "holds": held, "admissible": admissible})
    return out


def _epochs_text(claim, rows) -> str:
    """For each epoch reading: the claim holds at an admissible rate, fails at every admissible
    rate, or no rate is admissible (the document's sentences about the runs disagree there)."""
    def group(pred):
        return ", ".join(str(r["epoch"]) for r in rows if pred(r))

    holds = group(lambda r: set(r["holds"]) & set(r["admissible"]))
    fails = group(lambda r: r["admissible"] and not set(r["holds"]) & set(r["admissible"]))
    none = group(lambda r: not r["admissible"])
    parts = [f"holds at an admissible rate for T = {holds}" if holds else
             "holds at an admissible rate for no T"]
    if fails:
        parts.append(f"fails at every admissible rate for T = {fails}")
    if none:
        parts.append(f"no rate is admissible for T = {none}")
    return (f"; with the epoch count read as T = {', '.join(str(r['epoch']) for r in rows)} "
            f"(the verdict reads T = {claim.open_rate.epoch}): " + "; ".join(parts))


def rate_deviation(claim, deviation) -> float:
    """Worst float64 deviation from the 50-digit run over every series at every rate
    (``deviation``: :func:`checkers.experiments.deviation`, per series)."""
    worst = 0.0
    orate = claim.open_rate
    variants = [claim.at_rates(lambda name, r=r: r) for r in orate.grid]
    variants += [claim.at_rates(lambda name, pairs=pairs: orate.reading_rate(pairs, name))
                 for _, pairs in orate.readings]
    for series in variants:
        worst = max([worst] + [deviation(s) for s in series])
    return worst


def _runs_text(rows, key="holds") -> str:
    """The grid rates where ``key`` is true as runs of consecutive grid points: "0.2 to 1"."""
    runs, cur = [], []
    for row in rows:
        if row[key]:
            cur.append(row["rate"])
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return " and ".join(r[0] if len(r) == 1 else f"{r[0]} to {r[-1]}" for r in runs) or "none"


def rate_region(claim, witnesses) -> Region:
    """Where an open-rate claim holds: the grid rates both runs agree on, with the readings."""
    runs = {w.witness: w.extra.get("rates") for w in witnesses if w.extra.get("rates")}
    hi, lo = runs.get("high precision"), runs.get("float64 run")
    if hi is None:
        return Region(text="region not found: the runs over the learning rates did not finish",
                      status="UNDECIDED", witness="none")
    agree = lo is not None and [(r["holds"], r["admissible"]) for r in lo] == \
        [(r["holds"], r["admissible"]) for r in hi]
    grid = f"of the grid {hi[0]['rate']} to {hi[-1]['rate']} ({len(hi)} rates)"
    held = [r for r in hi if r["holds"]]
    both = [r for r in hi if r["holds"] and r["admissible"]]
    readings = next((w.extra.get("readings") for w in witnesses if w.witness == "high precision"), [])
    evidence = "; ".join(f"{r['label']}: {'holds' if r['holds'] else 'fails'} ({r['measured']})"
                         for r in readings)
    if not held:
        text = f"holds at no learning rate {grid}"
    elif len(held) == len(hi):
        text = f"holds at every learning rate {grid}"
    else:
        text = f"holds for eta {_runs_text(hi)} {grid}"
    if claim.open_rate.joint:
        text += (f"; the document's sentences about these runs hold together at eta "
                 f"{_runs_text(hi, 'admissible')}, where this one "
                 + ("holds" if both else "fails"))
    epochs = {w.witness: w.extra.get("epochs") for w in witnesses if w.extra.get("epochs")}
    cells = tuple((f"eta = {r['rate']}", ("holds" if r["holds"] else "fails")
                   + (", admissible" if r["admissible"] else "")) for r in hi)
    if epochs.get("high precision"):
        e_hi = epochs["high precision"]
        agree = agree and epochs.get("float64 run") == e_hi
        text += _epochs_text(claim, e_hi)
        cells += tuple((f"T = {r['epoch']}", f"holds at eta {', '.join(r['holds']) or 'none'}; "
                        f"admissible eta {', '.join(r['admissible']) or 'none'}") for r in e_hi)
    return Region(text=text, status="VERIFIED" if agree else "UNDECIDED", nowhere=not held,
                  witness=("both runs (float64 and 50 digits) at every rate" if agree else
                           "the 50-digit run; the float64 run disagrees at some rate"),
                  cells=cells, evidence=evidence)
