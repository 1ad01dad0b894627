r"""The one comparison-and-referee layer: every numeric witness decides points with these rules.

A numeric witness has, at each sample point, float64 values $c$ (claimed, or an implementation's
output) and $r$ (the reference: ``jax.grad``, finite differences, the other side of an
identity).  Deciding a point takes four steps, each written once here and composed by the
scalar (:mod:`checkers.pointwise`), indexed (:mod:`checkers.indexed`), network
(:mod:`checkers.network`) and implementation (:mod:`checkers.implementation`) checks:

1. **The float64 rule** (:func:`float64_agree`): an identity entry agrees when
   $$|c - r| \le \mathrm{rtol}\cdot S + \mathrm{atol},\qquad
     S = \max(|c|, |r|, s),$$
   with $s$ the scale the caller knows the rounding error to have (for an identity: the largest
   $|r|$ of the point's row, so cancellation in one entry is judged relative to the row; for the
   network, the magnitudes of the terms; none for inequality entries, each a separate
   statement), and $\mathrm{atol}$ a witness's own error estimate (Richardson) or an absolute
   rounding bound ($K\epsilon \max(M(x), S_k)$: :func:`rounding_bound`, with the quantity's
   typical size $S_k$ of :func:`typical_magnitude`).  An inequality entry holds in float64 when
   it holds with the margin $\mathrm{rtol}\cdot S$.  A non-finite value never agrees in
   float64: an infinity equal to the reference's is no evidence (both may have overflowed where
   the true value is finite), so such entries go to the referee.
2. **The two-precision referee** (:func:`referee`): a point float64 did not decide is evaluated
   again by a caller's callback at $p$ and $2p$ decimal digits (mpmath, on the exact float64
   input).  An entry fails only if it fails at both precisions and the values are stable
   between them (their change is at most $10^{-6}$ of the gap), so a failure is never an
   artefact of the working precision; an entry whose values do not settle, or are NaN, is
   undecidable, never passed.  Identities are compared at relative ``MP_RTOL`` = $10^{-25}$.
3. **The budgeted escalation** (:func:`escalate`): undecided points go to the referee cheapest
   first (moderate magnitudes need few digits; a symbolic counterexample before all), within
   ``MAX_ESCALATE`` points and a budget of working digits summed over the refereed points (a
   deterministic measure of work: the same seed referees the same points on a loaded or an
   idle machine).  The cheapest point is always refereed.  A point identical to one already
   refereed (same coordinates, and for an implementation the same outputs) takes that point's
   decision without spending the budget again.  What the budget does not reach is counted as
   unchecked, never as passed.
4. **The simplest point** (:func:`simplest`): a confirmed counterexample is replaced by the first
   simpler point (0, the middle of the domain, the point rounded to 1, 2 or 3 significant
   digits: :func:`rounded`) where the claim still fails, so a student can redo it by hand.

The rule of step 2 is that of ``checkers.highprec`` since the first release; steps 1 and 3 are the
rules the witnesses applied each in its own copy before this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Hashable, Iterable, Sequence

import mpmath
import numpy as np

__all__ = ["MP_RTOL", "MAX_ESCALATE", "MAX_ESCALATE_DIGITS", "STABLE", "RELATIONS", "EPS",
           "DBL_MIN", "float64_agree", "typical_magnitude", "rounding_bound", "mp_holds",
           "decide_entries", "referee", "Escalation", "escalate", "escalate_twice", "cheapest_first", "magnitude_cost", "rounded", "simpler_points", "simplest"]

MP_RTOL = mpmath.mpf("1e-25")
"""Relative tolerance of an identity in the referee's high-precision arithmetic."""
STABLE = mpmath.mpf("1e-6")
"""A failing entry's values may move by at most this fraction of the gap between precisions."""
MAX_ESCALATE = 400
"""Points a witness sends to the referee at most."""
MAX_ESCALATE_DIGITS = 120_000
"""Working digits (summed over refereed points, times the entries evaluated) a witness spends."""
RELATIONS = ("==", ">", ">=", "<", "<=", "!=")
EPS = float(np.finfo(np.float64).eps)
"""float64 machine epsilon, $2^{-52}$."""
DBL_MIN = float(np.finfo(np.float64).tiny)
"""The smallest normal float64: XLA on CPU may flush subnormal results to zero."""


# -- 1. the float64 rule -------------------------------------------------------------------------

def float64_agree(c, r, *, rtol: float, relations: Sequence[str] = ("==",), atol=0.0,
                  scale=None, row_scale: bool = True):
    r"""``(ok, relerr)`` for (N, M) arrays ``c`` (claimed) and ``r`` (reference).

    ``ok[i, k]``: entry $k$ of point $i$ satisfies its relation in float64 under the rule of the
    module docstring; ``relerr``: $|c - r| / S$ where ``ok`` (0 elsewhere and where $S = 0$).
    ``relations``: one per entry, or one for all.  ``scale``: an extra (N, M) rounding scale
    (non-finite entries ignored).  ``row_scale``: identities share the row's largest $|r|$.
    """
    c = np.asarray(c, dtype=np.float64)
    r = np.asarray(r, dtype=np.float64)
    relations = tuple(relations)
    finite = np.isfinite(c) & np.isfinite(r)
    with np.errstate(all="ignore"):
        S = np.maximum(np.abs(c), np.abs(r))
        if scale is not None:
            sc = np.broadcast_to(np.asarray(scale, dtype=np.float64), S.shape)
            S = np.where(np.isfinite(sc), np.maximum(S, sc), S)
        if row_scale and all(rel == "==" for rel in relations) and r.ndim == 2 and r.shape[1]:
            rowmax = np.max(np.where(np.isfinite(r), np.abs(r), 0), axis=1, keepdims=True)
            S = np.maximum(S, rowmax)
        tol = rtol * S + atol
        diff = c - r
        if len(relations) == 1:
            ok = finite & _float_relation(diff, tol, relations[0])
        else:
            ok = np.zeros_like(finite)
            for k, rel in enumerate(relations):
                t = tol[:, k] if np.ndim(tol) == 2 else tol
                ok[:, k] = finite[:, k] & _float_relation(diff[:, k], t, rel)
        relerr = np.where(ok & (S > 0), np.abs(diff) / np.where(S > 0, S, 1), 0.0)
    return ok, relerr


def typical_magnitude(values) -> np.ndarray:
    r"""$S_k$: the median of the finite non-zero $|v_{ik}|$ over the rows $i$ of ``values`` (N, k)
    -- entry $k$'s typical size over the sample (0 where there is none).

    The median, not the maximum: the few points of the sample's extreme regimes ($|z| =
    10^{300}$, saturated logits) do not move it; non-zero: an entry that vanishes on half the
    domain (a ReLU's gradient) has the size it has elsewhere.  See :func:`rounding_bound`.
    """
    v = np.abs(np.asarray(values, dtype=np.float64))
    v = v.reshape(v.shape[0], -1) if v.ndim != 2 else v
    out = np.zeros(v.shape[1])
    for k in range(v.shape[1]):
        col = v[:, k]
        col = col[np.isfinite(col) & (col > 0)]
        out[k] = float(np.median(col)) if col.size else 0.0
    return out


def rounding_bound(mag, scale, k: float, flush=1.0):
    r"""The absolute rounding allowance $K\,\epsilon\,\max(M(x), S_k) + 2.2\cdot10^{-308}
    \max(1, F(x))$ of a float64 computation of a quantity, entry by entry (``mag`` (N, k) or
    (k,), ``scale`` (k,), ``flush`` $F$ scalar or like ``mag``).

    Derivation.  Code computes the quantity $q$ by *some* float64 program $P$, not the
    formula $F$ a claim writes; its error is about $\epsilon M_P(x)$, $M_P$ the running error
    bound of $P$ (:func:`checkers.highprec.magnitude`), which is unknown.  Two sizes bound it
    from below for any reasonable $P$:

    * $M_F(x)$, the claim's formula's own bound: the float64 evaluation of $F$ itself errs by
      that much (cancellation in $F$, overflowing terms);
    * $S_k$ (:func:`typical_magnitude`), the typical size of $q_k$ over the sample: a program
      computing $q_k$ works with intermediates of $q_k$'s own scale, each rounded to within
      $\epsilon$ of its size, and near a zero or a cancellation of $q_k$ those roundings stay
      that size while $q_k$ shrinks.  ``optax.losses.huber_loss``'s backward pass adds
      $(q - \delta) + \delta$ ($\delta = 1$, the gradient's size where it saturates), so at
      $z = -10^{-20}$ it returns 0; ``jax.nn.elu``'s derivative is $\mathrm{expm1}(z) + 1$,
      absolute error $10^{-16}$ where $e^{z} = 6 \cdot 10^{-6}$; ``jax.nn.sigmoid``'s is
      $\sigma(1 - \sigma)$, $1 - \sigma$ exact only to $10^{-16}$ absolute.

    $K$ (64) allows for that many roundings of that size; the last term is the smallest normal
    float64 $\lambda$ (XLA on CPU flushes subnormal results to 0), times $F$
    (:func:`checkers.highprec.flush_amplification`, Higham's underflow term) where a flushed
    intermediate is amplified: $e^{t}(t - z + 1)$ at $t = -720$, $z = -10^{300}$ is
    $2.0\cdot10^{-13}$, yet its factor $e^{t}$ is subnormal and XLA returns 0
    (``optax.losses.kl_divergence_with_log_targets``).  Only the referee passes an $F$ (at the
    points float64 did not decide); elsewhere $F \le 1$.  With the relative term
    $\mathrm{rtol}\max(|c|, |t|)$ of :func:`float64_agree` this is the implementation check's
    rule $|c - t| \le 10^{-12}\max(|c|, |t|) + 64\,\epsilon\,\max(M(x), S_k) + 2.2\cdot10^{-308}$.
    ``mag`` NaN (float64 could not evaluate $M$) gives NaN: that entry passes no float64 test
    and goes to the referee.  The price: a wrong value whose error is below $64\,\epsilon\,S_k \approx 1.4\cdot10^{-14}
    S_k$ in absolute terms -- a gradient that returns 0 instead of $z$ for
    $|z| < 10^{-14} S_k$, a saturated branch off by less than that -- is not seen.
    """
    mag = np.asarray(mag, dtype=np.float64)
    scale = np.asarray(scale, dtype=np.float64)
    with np.errstate(invalid="ignore"):   # a NaN M (float64 could not size it) stays NaN: no test
        return k * EPS * np.maximum(mag, scale) + DBL_MIN * np.maximum(flush, 1.0)


def _float_relation(d, tol, rel):
    return {"==": lambda: np.abs(d) <= tol, ">": lambda: d > tol, ">=": lambda: d >= tol,
            "<": lambda: d < -tol, "<=": lambda: d <= -tol, "!=": lambda: np.abs(d) > tol}[rel]()


# -- 2. the two-precision referee ----------------------------------------------------------------

def mp_holds(c, t, rel: str = "==") -> bool:
    """Does ``c rel t`` hold for two mpmath numbers (identities: relative ``MP_RTOL``; NaN never
    holds; an infinity equals only itself)."""
    if mpmath.isnan(c) or mpmath.isnan(t):
        return False
    if rel == "==":
        if mpmath.isinf(c) or mpmath.isinf(t):
            return c == t
        return abs(c - t) <= MP_RTOL * max(abs(c), abs(t))
    return {">": c > t, ">=": c >= t, "<": c < t, "<=": c <= t, "!=": c != t}[rel]


def decide_entries(c_lo, t_lo, c_hi, t_hi, relations: Sequence[str], dps: int,
                   holds: Callable = mp_holds):
    """``(status, k)`` for one point's entries evaluated at two precisions (``dps`` the higher).

    ``status``: ``"ok"`` (every entry holds at the higher precision), ``"fail"`` (entry ``k``
    fails at both, with values stable between them), or ``"undecidable"`` (entry ``k`` fails but
    is NaN or not stable).  ``holds(c, t, rel)`` is :func:`mp_holds` unless the caller compares
    float64 data with an exact value under a float64 tolerance (an implementation's output).
    """
    relations = tuple(relations)
    with mpmath.workdps(dps):
        for k in range(len(c_hi)):
            rel = relations[k] if len(relations) > 1 else relations[0]
            if holds(c_hi[k], t_hi[k], rel):
                continue
            vals = (c_hi[k], t_hi[k], c_lo[k], t_lo[k])
            if any(mpmath.isnan(v) for v in vals):
                return "undecidable", k
            gap = abs(c_hi[k] - t_hi[k])
            noise = abs(c_hi[k] - c_lo[k]) + abs(t_hi[k] - t_lo[k])
            limit = gap if rel == "==" else max(gap, abs(c_hi[k]), abs(t_hi[k]))
            if noise <= STABLE * limit and not holds(c_lo[k], t_lo[k], rel):
                return "fail", k
            return "undecidable", k
    return "ok", None


def referee(evaluate: Callable, dps: int, relations: Sequence[str] = ("==",),
            holds: Callable = mp_holds):
    """Decide one point: ``evaluate(digits) -> (claimed, true)`` (sequences of mpf, or ``None``
    when the evaluation raises) at ``dps`` and ``2 * dps`` digits, then :func:`decide_entries`.

    Returns ``(status, k, c_hi, t_hi)``; ``status`` ``"undecidable"`` with ``k`` None when an
    evaluation failed.
    """
    lo = evaluate(dps)
    hi = evaluate(2 * dps)
    if lo is None or hi is None or lo[0] is None or hi[0] is None:
        return "undecidable", None, None, None
    status, k = decide_entries(lo[0], lo[1], hi[0], hi[1], relations, 2 * dps, holds)
    return status, k, hi[0], hi[1]


# -- 3. the budgeted escalation ------------------------------------------------------------------

def magnitude_cost(values, *, zeros_last: bool = False) -> float:
    r"""How many digits a point costs the referee, as an ordering key: $\max |\log_{10}|v||$ over
    its finite non-zero coordinates (0 for none: zeros count as moderate).

    ``zeros_last``: a zero coordinate counts as $|\log_{10} 10^{-320}| = 320$, so points with a
    zero go after every other point (the scalar and implementation witnesses have always
    ordered so: their counterexamples, and the README's examples, are found at non-zero points
    first; the indexed witnesses count zeros as moderate)."""
    v = np.abs(np.ravel(np.asarray(values, dtype=np.float64)))
    if zeros_last:
        v = v + 1e-320
    v = v[(v > 0) & np.isfinite(v)]
    return float(np.abs(np.log10(v)).max()) if v.size else 0.0


def cheapest_first(rows: Iterable[int], cost: Callable[[int], float],
                   first: Callable[[int], bool] | None = None) -> list:
    """``rows`` ordered by ``cost`` (stable), those with ``first(row)`` true before all."""
    rows = list(rows)
    keys = [cost(i) for i in rows]
    order = [rows[j] for j in np.argsort(np.asarray(keys, dtype=np.float64), kind="stable")] if rows else []
    if first is not None:
        order = [i for i in order if first(i)] + [i for i in order if not first(i)]
    return order


@dataclass
class Escalation:
    """What the referee did with a witness's undecided points.

    ``escalated``: points sent to the referee; ``beyond``: of those, undecidable (beyond its
    reach); ``over_budget``: points within ``max_points`` not sent because the digit budget ran
    out; ``not_reached``: points past ``max_points``; ``fail``: ``(row, k, c_hi, t_hi)`` of the
    first confirmed failure (then the rest is not counted), or None.  ``repeats``: of the
    escalated points, those decided by an identical point refereed before them (no budget
    spent); ``decided``: the rows escalated.
    """

    escalated: int = 0
    beyond: int = 0
    over_budget: int = 0
    not_reached: int = 0
    fail: tuple | None = None
    repeats: int = 0
    decided: set = field(default_factory=set)

    @property
    def agreed(self) -> int:
        """Points the referee decided and found to agree."""
        return self.escalated - self.beyond - (1 if self.fail is not None else 0)

    @property
    def unchecked(self) -> int:
        """Undecided points left unchecked (0 once a failure is found)."""
        return 0 if self.fail is not None else self.beyond + self.over_budget + self.not_reached


def escalate(order: Sequence[int], decide: Callable, *, cost: Callable[[int], float],
             budget: float = MAX_ESCALATE_DIGITS, max_points: int = MAX_ESCALATE,
             max_batch: int = 1, key: Callable[[int], Hashable] | None = None) -> Escalation:
    """Send the points of ``order`` (cheapest first) to the referee within the budgets.

    ``decide(rows) -> [(row, status, k, c_hi, t_hi)]`` referees a batch (``max_batch`` > 1
    lets a caller evaluate several points in one pass: batches double from 1 up to it);
    ``cost(row)``: the work of refereeing ``row`` (working digits, times the entries evaluated).
    The cheapest point is always refereed; a batch that would take the total over ``budget`` is
    not sent.  Stops at the first confirmed failure.

    ``key(row)``: what the referee's decision depends on (the point, and the values compared at
    it).  A row whose key an earlier row had is decided as that row was, without spending the
    budget again: a sample repeats its characteristic values ($z = -10^{200}$ several times),
    and refereeing one point seven times must not use up the budget before a different point
    is seen (the 200-seed corpus run missed ``jax.nn.gelu``'s NaN gradient at seed 179 so:
    seven $z = -10^{200}$, beyond the referee, then the budget was spent).
    """
    out = Escalation()
    head = list(order[:max_points])
    out.not_reached = max(len(order) - len(head), 0)
    twins: dict = {}   # first row of a key -> the later rows with the same key
    firsts = []
    if key is None:
        firsts = head
    else:
        first_of: dict = {}
        for i in head:
            kk = key(i)
            if kk in first_of:
                twins.setdefault(first_of[kk], []).append(i)
            else:
                first_of[kk] = i
                firsts.append(i)
    spent, start, batch = 0.0, 0, 1
    while start < len(firsts):
        rows = firsts[start:start + batch]
        c = sum(cost(i) for i in rows)
        if out.escalated and spent + c > budget:
            break
        spent += c
        start, batch = start + len(rows), min(2 * batch, max(1, max_batch))
        for row, status, k, c_hi, t_hi in decide(rows):
            if status == "fail":   # its twins are the rest, not counted
                out.escalated += 1
                out.decided.add(row)
                out.fail = (row, k, c_hi, t_hi)
                return out
            same = twins.get(row, [])
            out.escalated += 1 + len(same)
            out.repeats += len(same)
            out.decided.update([row, *same])
            if status == "undecidable":
                out.beyond += 1 + len(same)
    out.over_budget = len(head) - out.escalated
    return out


def escalate_twice(order: Sequence[int], decide: Callable, *, cost: Callable[[int], float],
                   again: Callable[[int], bool],
                   key: Callable[[int], Hashable] | None = None) -> Escalation:
    """:func:`escalate` over ``order``; then, when it confirmed no failure, a second pass with a
    budget of its own over the points it did not reach for which ``again(row)`` is true (an
    implementation's NaN outputs: a real function has no NaN value where its claim is defined,
    and a few huge ones -- ``jax.nn.gelu``'s NaN gradient at $z = 10^{200}$ -- come last in
    ``order``, after the first budget is spent).  The counts are the two passes' together;
    ``key`` as for :func:`escalate`, in each pass."""
    esc = escalate(order, decide, cost=cost, key=key)
    if esc.fail is not None:
        return esc
    rest = [i for i in order if i not in esc.decided and again(i)]
    if not rest:
        return esc
    more = escalate(rest, decide, cost=cost, key=key)
    from_budget = min(more.escalated, esc.over_budget)
    esc.over_budget -= from_budget
    esc.not_reached -= more.escalated - from_budget
    esc.escalated += more.escalated
    esc.beyond += more.beyond
    esc.repeats += more.repeats
    esc.decided |= more.decided
    esc.fail = more.fail
    if more.fail is not None:   # as escalate: the rest is not counted after a failure
        esc.over_budget = esc.not_reached = 0
    return esc


# -- 4. the simplest point -----------------------------------------------------------------------

def rounded(x, digits: Iterable[int] = (1, 2, 3)):
    """``x`` (a float array) rounded to 1, 2, 3 significant digits, each rounding once, skipping
    roundings equal to ``x``."""
    x = np.asarray(x, dtype=np.float64)
    for d in digits:
        y = np.vectorize(lambda v: float(f"{v:.{d - 1}e}") if v != 0 and math.isfinite(v) else v,
                         otypes=[np.float64])(x) if x.size else x.copy()
        if not np.array_equal(y, x):
            yield y


def simpler_points(x):
    """The candidates for :func:`simplest`, simplest first: when ``x`` (a float array) has
    subnormal coordinates, ``x`` with them read as 0 (as XLA on CPU reads its inputs: a
    difference at $-5\\cdot10^{-324}$ shows at 0) rounded (:func:`rounded`), then as is; then
    ``x`` rounded.  Without subnormal coordinates: exactly :func:`rounded` of ``x``."""
    x = np.asarray(x, dtype=np.float64)
    z = np.where(np.abs(x) < np.finfo(np.float64).tiny, 0.0, x)
    if not np.array_equal(z, x):
        yield from rounded(z)
        yield z
    yield from rounded(x)


def simplest(candidates: Iterable, fails: Callable):
    """The first of ``candidates`` for which ``fails(candidate)`` returns a result (not None):
    ``(candidate, result)``; ``None`` when none fails (keep the point found)."""
    for cand in candidates:
        got = fails(cand)
        if got is not None:
            return cand, got
    return None
