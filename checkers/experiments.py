r"""The experiment witnesses: run the stated computation twice, check the stated criteria.

An :class:`derivations.experiments.ExperimentClaim` states numbers about a fixed computation
(gradient descent with a stated learning rate, or an expression swept over stated values).
There is nothing to sample and, for a finite run with chosen constants, nothing to prove
symbolically, so the claim kind ``experiment`` has three witnesses:

* ``symbolic`` -- ``N/A``, always: the statement is a numeric fact about one computation.
* ``float64 run`` -- the computation in float64.  Training: the cost lambdified to JAX, its
  gradient by ``jax.grad`` (reverse mode), the $T$ steps $p_{t+1} = p_t - \eta \nabla C(p_t)$ in
  one ``jit``-compiled ``lax.scan``.  Sweeps: the expression lambdified to NumPy.  The whole
  series is compared with the 50-digit series: its worst deviation, relative to the series'
  largest magnitude, must stay below ``SERIES_RTOL`` $= 10^{-9}$ (else the witness reports an
  ``ERROR``: float64 does not reproduce the computation).  A criterion that fails in float64 is
  a counterexample only if it fails in the 50-digit run too (float64 noise never refutes).
* ``high precision`` -- the same computation with SymPy's exact derivative (``sympy.diff``)
  evaluated in mpmath at ``DPS`` $= 50$ digits, from the exact starting values: independent of
  JAX and of float64 rounding.

Verdicts follow :func:`checkers.results.combine`: ``VERIFIED`` when every criterion holds in
both runs, ``REFUTED`` when one fails in both, ``DISPUTED`` when the runs disagree.  ``PROVED``
never: a run is evidence for the stated numbers, not a proof of the sentence they formalize.

Runs are cached per series (a frozen record), so claims that share a run compute it once.
"""

from __future__ import annotations

import functools
import math
import time

import mpmath
import numpy as np
import sympy as sp

from derivations.experiments import Quantity, Sweep, Training, number_tex

from . import _precision  # noqa: F401  (x64 before any array)
from .experiments_render import EXPERIMENT_RENDERER
from .kinds import Kind, register
from .highprec import fmt
from .lambdify import jax_fn, mpmath_fn, numpy_fn
from .results import ERROR, FAIL, NOT_APPLICABLE, PASS, Counterexample, WitnessResult

__all__ = ["float64_series", "mp_series", "measure", "evaluate_criteria", "float64_witness",
           "highprec_witness", "symbolic_na", "DPS", "SERIES_RTOL", "KIND"]

KIND = "experiment"
DPS = 50
SERIES_RTOL = 1e-9


def _mpf(v) -> mpmath.mpf:
    """An exact SymPy number as an mpf at the current precision."""
    v = sp.sympify(v)
    if v.is_Rational:
        return mpmath.mpf(int(v.p)) / int(v.q)
    return mpmath.mpf(str(sp.N(v, mpmath.mp.dps + 10)))


# -- the two computations -----------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _jax_trainer(params: tuple, cost):
    import jax
    import jax.numpy as jnp

    f = jax_fn(params, cost)

    def loss(p):
        return f(*[p[i] for i in range(len(params))])[0, 0]

    grad = jax.grad(loss)

    @functools.partial(jax.jit, static_argnums=2)
    def run(p0, eta, epochs):
        def step(p, _):
            return p - eta * grad(p), loss(p)

        last, history = jax.lax.scan(step, p0, None, length=epochs)
        return jnp.append(history, loss(last))

    return run


@functools.lru_cache(maxsize=None)
def float64_series(series) -> np.ndarray:
    """The series in float64: costs per epoch (training) or values along the sweep."""
    if isinstance(series, Training):
        import jax.numpy as jnp

        run = _jax_trainer(tuple(series.params), series.cost)
        p0 = jnp.asarray([float(v) for v in series.init], dtype=jnp.float64)
        out = np.asarray(run(p0, float(series.learning_rate), series.epochs), dtype=np.float64)
    elif isinstance(series, Sweep):
        vals = np.array([float(v) for v in series.values], dtype=np.float64)
        out = numpy_fn((series.var,), series.expr)(vals)[:, 0, 0].astype(np.float64)
    else:  # pragma: no cover - the claim validates its series
        raise TypeError(f"not a series: {series!r}")
    out.setflags(write=False)
    return out


@functools.lru_cache(maxsize=None)
def mp_series(series) -> tuple:
    """The series at ``DPS`` digits (mpmath), with SymPy's exact derivative for training."""
    with mpmath.workdps(DPS):
        if isinstance(series, Training):
            grads = [sp.diff(series.cost, p) for p in series.params]
            f = mpmath_fn(tuple(series.params), sp.ImmutableMatrix([series.cost, *grads]))
            p = [_mpf(v) for v in series.init]
            eta = _mpf(series.learning_rate)
            out = []
            for _ in range(series.epochs):
                vals = f(*p)
                out.append(+vals[0])
                p = [pi - eta * gi for pi, gi in zip(p, vals[1:])]
            out.append(+f(*p)[0])
        else:
            f = mpmath_fn((series.var,), sp.ImmutableMatrix([series.expr]))
            out = [+f(_mpf(v))[0] for v in series.values]
    return tuple(out)


def deviation(series) -> float:
    """Worst |float64 - 50-digit| over the series, relative to the series' largest magnitude."""
    hi = mp_series(series)
    lo = float64_series(series)
    with mpmath.workdps(DPS):
        scale = max(abs(v) for v in hi)
        if scale == 0:
            scale = mpmath.mpf(1)
        worst = max(abs(mpmath.mpf(float(a)) - b) for a, b in zip(lo, hi)) / scale
    return float(worst)


# -- quantities and criteria --------------------------------------------------------------

def _num(values, x, backend):
    if backend == "float64":
        return float(x)
    return _mpf(x)


def _named(claim, series, name):
    if series is None:
        return claim.series_named(name)
    return next(s for s in series if s.name == name)


def measure(q: Quantity, claim, backend: str, series=None):
    """The quantity on the float64 (``"float64"``) or the 50-digit (``"mp"``) series (``series``:
    the claim's series at another learning rate, :meth:`ExperimentClaim.at_rates`)."""
    s = _named(claim, series, q.series)
    v = list(float64_series(s)) if backend == "float64" else list(mp_series(s))
    inf = math.inf if backend == "float64" else mpmath.inf
    with mpmath.workdps(DPS):
        if q.op == "value":
            return v[s.position(q.at)]
        if q.op == "ratio":
            return v[s.position(q.at)] / v[0 if q.ref is None else s.position(q.ref)]
        if q.op == "drop":
            k = s.position(q.at)
            return v[k] - v[k + 1]
        if q.op == "max_step":
            return max(b - a for a, b in zip(v, v[1:]))
        if q.op == "min_step":
            return min(b - a for a, b in zip(v, v[1:]))
        if q.op == "min_second_difference":
            return min(c - 2 * b + a for a, b, c in zip(v, v[1:], v[2:]))
        if q.op == "first_below":
            f = _num(v, q.fraction, backend)
            for t, x in enumerate(v):
                if x < f * v[0]:
                    return t
            return inf
        start = 0 if q.at is None else s.position(q.at)
        if q.op == "maximum":
            return max(v[start:])
        if q.op == "minimum":
            return min(v[start:])
    raise ValueError(f"{claim.id}: unknown quantity {q.op!r}")  # pragma: no cover


_HOLDS = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b,
          "<=": lambda a, b: a <= b}


def _show(x) -> str:
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        if math.isinf(x):
            return "inf (never within the run)"
        return f"{x:.6g}"
    if mpmath.isinf(x):
        return "inf (never within the run)"
    return fmt(x, 17)


def _plain(q: Quantity) -> str:
    args = [q.series]
    for name in ("at", "ref", "fraction"):
        v = getattr(q, name)
        if v is not None:
            args.append(f"{name}={sp.sstr(v)}")
    return f"{q.op}({', '.join(args)})"


def evaluate_criteria(claim, backend: str, series=None, criteria=None) -> list:
    """One record per criterion (``criteria``: others than the claim's own, on its series):
    both sides measured on ``backend``, and whether it holds."""
    out = []
    for k, c in enumerate(claim.criteria if criteria is None else criteria):
        with mpmath.workdps(DPS):
            lhs = measure(c.lhs, claim, backend, series)
            rhs = (measure(c.rhs, claim, backend, series) if isinstance(c.rhs, Quantity)
                   else _num(None, c.rhs, backend))
            holds = bool(_HOLDS[c.relation](lhs, rhs))
        out.append({
            "criterion": k,
            "text": f"{_plain(c.lhs)} {c.relation} "
                    + (_plain(c.rhs) if isinstance(c.rhs, Quantity) else sp.sstr(c.rhs)),
            "lhs": _show(lhs),
            "rhs": _show(rhs) if isinstance(c.rhs, Quantity) else number_tex(c.rhs),
            "lhs_value": float(lhs),
            "rhs_value": float(rhs),
            "holds": holds,
        })
    return out


def criteria_failures(claim, backend: str, series=None, criteria=None):
    """``(records, failures, 50-digit records)``: the criteria measured on ``backend``
    (:func:`evaluate_criteria`) and those that fail.  In float64 a criterion that fails counts
    only if it fails in the 50-digit run too (float64 noise never refutes); the 50-digit records
    are returned when they were consulted, else ``None``."""
    recs = evaluate_criteria(claim, backend, series, criteria)
    failing = [r for r in recs if not r["holds"]]
    if not failing or backend != "float64":
        return recs, failing, None
    hi = evaluate_criteria(claim, "mp", series, criteria)
    return recs, [r for r in failing if not hi[r["criterion"]]["holds"]], hi


# -- witnesses ----------------------------------------------------------------------------

def symbolic_na(claim, seconds=None) -> WitnessResult:
    return WitnessResult(
        "symbolic", NOT_APPLICABLE, method="not applicable",
        detail="a statement about one finite computation with stated constants: no symbolic "
               "proof is attempted; the computation is run in float64 and again at 50 digits")


def _setup(claim) -> str:
    parts = []
    for s in claim.series:
        if isinstance(s, Training):
            parts.append(f"{s.name}: {s.epochs} epochs, eta = {sp.sstr(s.learning_rate)}, from "
                         + ", ".join(f"{p} = {sp.sstr(v)}" for p, v in zip(s.params, s.init)))
        else:
            parts.append(f"{s.name}: {len(s.values)} values of {s.var}")
    return "; ".join(parts)


def _counterexample(claim, failing, backend_name, other=None):
    rec = failing[0]
    measured = f"{rec['lhs']} {rec['relation_text']} {rec['rhs']}"
    conf = ""
    if other is not None:
        o = other[rec["criterion"]]
        other_name = "50-digit" if backend_name == "float64 run" else "float64"
        conf = f"the {other_name} run gives {o['lhs']} vs {o['rhs']}"
    return Counterexample(
        point={}, claimed=rec["text"], true=f"{measured} is false", component=f"criterion {rec['criterion'] + 1}",
        confirmed=conf, found_by=backend_name, labels=("stated", "measured"),
        by_hand=claim.criteria[rec["criterion"]].why)


def _with_relation(claim, recs):
    for r in recs:
        r["relation_text"] = claim.criteria[r["criterion"]].relation
    return recs


def _open_rate(claim, name, backend, method, tol, t0, extra, per_point=None) -> WitnessResult:
    """The witness over the learning rates of ``claim.open_rate`` (:mod:`checkers.experiment_rates`):
    PASS when the claim holds at some rate of the grid, FAIL when at none."""
    from .experiment_rates import epoch_runs, rate_deviation, rate_runs, reading_runs

    rows = rate_runs(claim, backend, criteria_failures)
    readings = reading_runs(claim, backend, criteria_failures)
    extra = {**extra, "rates": rows, "readings": readings}
    if claim.open_rate.epochs:
        extra["epochs"] = epoch_runs(claim, backend, criteria_failures)
    n = sum(s.length() for s in claim.series) * (len(rows) + len(readings))
    dev = rate_deviation(claim, deviation) if backend == "float64" else None
    common = dict(method=method + f"; every series at each of {len(rows)} learning rates",
                  worst_error=dev, tolerance=tol, points=n, extra=extra, per_point=per_point)
    if dev is not None and not dev <= SERIES_RTOL:
        return WitnessResult(name, ERROR, detail=(
            f"{claim.id}: the float64 runs depart from the 50-digit runs by {dev:.1e} (relative), "
            f"more than {SERIES_RTOL:.0e}"), seconds=time.monotonic() - t0, **common)
    held = [r["rate"] for r in rows if r["holds"] and r["admissible"]]
    admissible = [r["rate"] for r in rows if r["admissible"]]
    if held:
        return WitnessResult(name, PASS, detail=(
            f"holds at {len(held)} of the {len(admissible)} admissible learning rates of the grid "
            f"(eta = {', '.join(held)})"), seconds=time.monotonic() - t0, **common)
    if not admissible:
        true = "the document's sentences about these runs hold together at no rate of the grid"
    elif not any(r["holds"] for r in rows):
        true = "false at every learning rate of the grid"
    else:
        true = f"false at every admissible learning rate (eta = {', '.join(admissible)})"
    ce = Counterexample(
        point={}, claimed=claim.statement, true=true, component="every rate", found_by=name,
        labels=("stated", "measured"),
        confirmed="; ".join(f"{r['label']}: {r['measured']}" for r in rows
                            if r["admissible"] or not admissible)[:400],
        by_hand=claim.open_rate.why)
    return WitnessResult(name, FAIL, detail=f"fails at every admissible learning rate ({true})",
                         counterexample=ce, seconds=time.monotonic() - t0, **common)


def float64_witness(claim, sample=None) -> WitnessResult:
    t0 = time.monotonic()
    method = ("JAX float64: jax.grad of the lambdified cost, jit + lax.scan over the epochs; "
              "sweeps: NumPy float64")
    recs, confirmed, hi = criteria_failures(claim, "float64")
    recs = _with_relation(claim, recs)
    tol = f"series within rel. {SERIES_RTOL:.0e} of the 50-digit run"
    n = sum(s.length() for s in claim.series)
    extra = {"criteria": recs, "setup": _setup(claim)}
    series = {"series": {s.name: float64_series(s) for s in claim.series}}  # drawn by the figures
    if claim.open_rate is not None:
        return _open_rate(claim, "float64 run", "float64", method, tol, t0, extra, series)
    dev = max(deviation(s) for s in claim.series)
    if not dev <= SERIES_RTOL:
        return WitnessResult("float64 run", ERROR, method=method, worst_error=dev, tolerance=tol,
                             points=n, detail=(f"{claim.id}: the float64 run departs from the 50-digit "
                                               f"run by {dev:.1e} (relative), more than {SERIES_RTOL:.0e}: "
                                               "float64 does not reproduce this computation"),
                             seconds=time.monotonic() - t0, extra=extra, per_point=series)
    failing = [r for r in recs if not r["holds"]]
    if failing:
        if confirmed:
            ce = _counterexample(claim, confirmed, "float64 run", hi)
            return WitnessResult("float64 run", FAIL, method=method, worst_error=dev, tolerance=tol,
                                 points=n, detail=f"criterion {confirmed[0]['criterion'] + 1} fails "
                                 f"({ce.true}); the 50-digit run agrees",
                                 counterexample=ce, seconds=time.monotonic() - t0, extra=extra,
                                 per_point=series)
        detail = (f"{len(failing)} criterion(s) fail in float64 only (rounding at the threshold); the "
                  "50-digit run decides them: they hold")
    else:
        detail = f"all {len(recs)} criteria hold; the series agree with the 50-digit run"
    return WitnessResult("float64 run", PASS, method=method, worst_error=dev, tolerance=tol, points=n,
                         detail=detail, seconds=time.monotonic() - t0, extra=extra, per_point=series)


def highprec_witness(claim, sample=None) -> WitnessResult:
    t0 = time.monotonic()
    method = f"SymPy's exact derivative (sympy.diff), mpmath at {DPS} digits, exact start"
    recs = _with_relation(claim, evaluate_criteria(claim, "mp"))
    n = sum(s.length() for s in claim.series)
    extra = {"criteria": recs}
    if claim.open_rate is not None:
        return _open_rate(claim, "high precision", "mp", method,
                          "the criteria, exactly as stated, at each rate", t0, extra)
    failing = [r for r in recs if not r["holds"]]
    if failing:
        lo = _with_relation(claim, evaluate_criteria(claim, "float64"))
        ce = _counterexample(claim, failing, "high precision", lo)
        return WitnessResult("high precision", FAIL, method=method, tolerance="the criteria, exactly as stated",
                             points=n, detail=f"criterion {failing[0]['criterion'] + 1} fails ({ce.true})",
                             counterexample=ce, seconds=time.monotonic() - t0, extra=extra)
    return WitnessResult("high precision", PASS, method=method, tolerance="the criteria, exactly as stated",
                         points=n, detail=f"all {len(recs)} criteria hold", seconds=time.monotonic() - t0,
                         extra=extra)


def experiment_region(claim, witnesses, *, seed, points, check):
    """Where an experiment holds: over the learning rates when the text leaves the rate open
    (:func:`checkers.experiment_rates.rate_region`, for every verdict); a fixed computation that
    fails holds nowhere (it is false as computed); ``None`` for a fixed one that holds."""
    from .regions import Region

    if claim.open_rate is not None:
        from .experiment_rates import rate_region

        return rate_region(claim, witnesses)
    if all(w.status != FAIL for w in witnesses):
        return None
    return Region(text="holds nowhere: a fixed computation with stated constants, false as "
                       "computed", status="VERIFIED", nowhere=True,
                  witness="both runs (float64 and 50 digits)")


register(Kind(KIND, (("float64 run", float64_witness), ("high precision", highprec_witness)),
              symbolic=symbolic_na, seed_independent=True, render=EXPERIMENT_RENDERER,
              region=experiment_region, region_always=True))
