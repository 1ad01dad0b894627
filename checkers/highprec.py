r"""The high-precision referee: mpmath, where float64 cannot decide.

Float64 cannot decide a point when a value is not finite (overflow: $e^{800}$, $\ln 0$) or when
rounding alone could explain the difference (cancellation: $\sigma(30) - 1$ keeps three
significant digits).  Such points are evaluated again with mpmath at two working precisions,
$p$ and $2p$ decimal digits, on the exact float64 input, with $p$ chosen per point.  A point is a
counterexample only if both sides differ at both precisions by more than ``MP_RTOL`` relative
(and the high-precision values agree with the low ones, so the difference is not an artefact of
the lower precision).  This replaces a looser float64 tolerance: nothing is passed loosely.

The true derivative at a point comes from SymPy's exact derivative evaluated with mpmath, and,
to confirm a counterexample, also from ``mpmath.diff`` (numerical differentiation at high
precision, independent of SymPy).  The working precision is chosen per point
(:func:`required_dps`) from the magnitudes involved; where that rule's allowance for
cancellation is astronomical (an exponential of a huge argument), from the conditioning of the
expressions at the point itself (:func:`conditioned_dps`), so $e^{10^{300}}$ against a float64
infinity is decided while $1 - \tanh(10^{300})$, which would need $10^{300}$ digits, stays
undecidable.
"""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import sympy as sp

from .compare import DBL_MIN, MP_RTOL, referee
from .lambdify import mpmath_fn

__all__ = ["MP_RTOL", "MAX_DPS", "MAX_EXP_ARG", "COARSE_DPS", "HUGE_ARGUMENT_COST", "referee_cost", "outside_float64", "magnitude", "flush_amplification", "required_dps", "conditioned_dps",
           "compare_at", "mp_value", "mp_diff", "fmt"]



def _mp(v):
    return mpmath.mpf(float(v))


def mp_value(variables, matrix, point, dps):
    r"""Entries of ``matrix`` at ``point`` (floats) with ``dps`` digits; where the evaluation
    raises (a division by 0, a log of a negative number), entry by entry, NaN for the entries
    that raise (the others keep their values: $(\ln v, u/v)$ at $v = 0$ is $(-\infty,$ NaN$)$)."""
    f = mpmath_fn(variables, matrix)
    x = [_mp(v) for v in point]
    with mpmath.workdps(dps):
        try:
            return f(*x)
        except (ZeroDivisionError, ValueError, OverflowError):
            if not isinstance(matrix, sp.MatrixBase) or len(matrix) == 1:
                return [mpmath.nan]
        out = []
        for e in matrix:
            try:
                out.append(mpmath_fn(variables, sp.ImmutableMatrix([[e]]))(*x)[0])
            except (ZeroDivisionError, ValueError, OverflowError):
                out.append(mpmath.nan)
        return out


MAX_DPS = 4000
"""Most working digits the referee spends on one point (the lower of its two precisions)."""
MAX_EXP_ARG = 1e6
r"""Largest exponential argument :func:`required_dps`'s cancellation allowance
($|\mathrm{arg}|/\ln 10$ digits) is trusted for; beyond it (and beyond ``MAX_DPS`` digits) the
digits come from :func:`conditioned_dps`.  (The indexed referee still gives up beyond it.)"""


@functools.lru_cache(maxsize=8192)
def _partials(e):
    r"""``[(|\partial f/\partial u_i|, u_i)]`` over the arguments $u_i$ of the node
    $e = f(u_1, \dots, u_k)$ that are not numbers: the factors by which an error in $u_i$ reaches
    $e$ to first order (a step's derivative, ``DiracDelta``, counts as 0: the step itself is a
    kink; a derivative SymPy cannot form counts as 1)."""
    dummies = [sp.Dummy(f"u{i}") for i in range(len(e.args))]
    f = e.func(*dummies)
    back = dict(zip(dummies, e.args))
    out = []
    for d, arg in zip(dummies, e.args):
        if arg.is_number:
            continue
        try:
            df = sp.diff(f, d).xreplace(back)
            df = df.replace(sp.DiracDelta, lambda *a: sp.S.Zero)
            if df.has(sp.Derivative, sp.Subs):
                df = sp.S.One
        except (TypeError, ValueError, NotImplementedError):
            df = sp.S.One
        out.append((sp.Abs(df), arg))
    return tuple(out)


def magnitude(expr) -> sp.Expr:
    r"""The first-order running error bound $M$ of ``expr`` (Higham, *Accuracy and Stability of
    Numerical Algorithms*, running error analysis).

    $M(v) = |v|$ for a variable or a number, $M(a_1 + \dots + a_k) = \sum_i M(a_i)$ (so
    cancellation shows: $M \gg |a_1 + \dots + a_k|$), and every other node
    $f(u_1, \dots, u_k)$ gives $M = |f| + \sum_i |\partial f/\partial u_i|\,M(u_i)$.  Evaluating
    ``expr`` with unit roundoff $u$ (float64: $\epsilon$; $p$ decimal digits: $10^{-p}$) errs by
    about $u\,M$.  A step's derivative (``DiracDelta``) counts as 0 (the step itself is a kink).
    """
    e = sp.sympify(expr)
    if e.is_number or e.is_Symbol or not e.args:
        return sp.Abs(e)
    if e.is_Add:
        return sp.Add(*[magnitude(t) for t in e.args])
    if isinstance(e, sp.Piecewise):
        return sp.Piecewise(*[(magnitude(v), c) for v, c in e.args])
    return sp.Add(sp.Abs(e), *[df * magnitude(arg) for df, arg in _partials(e)])


SMALLEST_NORMAL = sp.Float(DBL_MIN, 30)


def flush_amplification(expr) -> sp.Expr:
    r"""The running bound $F$ of ``expr``'s error from flushing subnormal results to zero.

    Higham's model of an operation with underflow is
    $\mathrm{fl}(x \mathbin{op} y) = (x \mathbin{op} y)(1 + \delta) + \eta$ (*Accuracy and
    Stability of Numerical Algorithms*, sec. 2.2); with flush-to-zero, as XLA runs on CPU,
    $|\eta| \le \lambda = 2.2\cdot10^{-308}$ for a result below $\lambda$ in magnitude and
    $\eta = 0$ otherwise.  To first order those $\eta$ reach the value through the same
    partial derivatives as :func:`magnitude`'s roundings:
    $F(v) = 0$ for a variable or a number, and a node $e = f(u_1, \dots, u_k)$ gives
    $F(e) = [0 < |e| < \lambda] + \sum_i |\partial f/\partial u_i|\,F(u_i)$, so evaluating
    ``expr`` with flush-to-zero errs by at most about $\lambda F$.  $F$ is 0 wherever no
    intermediate is subnormal, and huge where one is, and is then multiplied by a huge factor:
    at $t = -720$, $z = -10^{300}$, $e^{t}(t - z + 1)$ is $2.0\cdot10^{-13}$, while its factor
    $e^{t} = 2.0\cdot10^{-313}$ is subnormal, so XLA returns 0 ($F = 10^{300}$,
    $\lambda F = 2.2\cdot10^{-8}$).  (Inputs are not counted: a subnormal input is read as 0
    exactly, by :func:`checkers.implementation.comparison.flush`.)
    """
    e = sp.sympify(expr)
    if e.is_number or e.is_Symbol or not e.args:
        return sp.S.Zero
    if isinstance(e, sp.Piecewise):
        return sp.Piecewise(*[(flush_amplification(v), c) for v, c in e.args])
    own = sp.Piecewise((1, sp.And(sp.Abs(e) < SMALLEST_NORMAL, sp.Abs(e) > 0)), (0, True))
    if e.is_Add:
        return sp.Add(own, *[flush_amplification(t) for t in e.args])
    return sp.Add(own, *[df * flush_amplification(arg) for df, arg in _partials(e)])


@functools.lru_cache(maxsize=2048)
def _exp_arguments(variables, exprs):
    """``(args, guarded, exact)``: the exponential-like arguments of ``exprs``
    (:func:`checkers.lambdify.exponential_arguments`) lambdified to NumPy, the same arguments
    with those of opaque functions (``sigmoid``, a user's own) for the reach test, and the
    latter as a matrix for mpmath; None when there is none."""
    from .lambdify import exponential_arguments, numpy_fn, opaque_functions, prepare

    args, guarded = [], []
    for e in exprs:
        for entry in (e if isinstance(e, sp.MatrixBase) else [e]):
            args += exponential_arguments(entry)
            guarded += [f.args[0] for f in opaque_functions(prepare(entry))]
    args = list(dict.fromkeys(args))
    guarded = list(dict.fromkeys(args + guarded))
    if not guarded:
        return None
    exact = sp.ImmutableMatrix([guarded])
    return (numpy_fn(variables, sp.ImmutableMatrix([args])) if args else None,
            numpy_fn(variables, exact), exact)


def _arguments_in_reach(variables, exact, point) -> bool:
    r"""Are the exponential arguments ``exact`` at ``point``, which overflow float64, within the
    referee's reach?  They are evaluated in mpmath (30 digits; its exponent range is unbounded):
    an argument $a$ with $\log_{10}|a| + 40 \le$ ``MAX_DPS`` is (``jax.nn.gelu``'s tanh
    argument $0.0357\,z^3$ at $z = 10^{200}$: $e^{a}$ needs about $\log_{10}|a|$ digits for its
    argument's reduction), a double exponential $e^{e^{z}}$ at $z = 10^{300}$ is not."""
    vals = mp_value(variables, exact, point, 30)
    return all(mpmath.isfinite(v) and (v == 0 or 40 + float(mpmath.log10(abs(v))) <= MAX_DPS)
               for v in vals)


COARSE_DPS = 120
r"""Above this many digits the allowance of :func:`required_dps` is checked against the
conditioning at the point (:func:`conditioned_dps`), and the lower wins when the latter can be
had: $\operatorname{erfc}(80)$ is charged $80^2/\ln 10 = 2780$ digits (its distance to 0
scales like $e^{-u^2}$) though it has no cancellation at all, and mpmath's ``erfc`` at 2780
and 5560 digits takes a tenth of a second per call."""


def _input_digits(point) -> float:
    """$\\max_i |\\log_{10}|x_i||$ over the finite non-zero coordinates (0 for none)."""
    mags = [abs(math.log10(abs(float(v)))) for v in point if v != 0 and math.isfinite(v)]
    return max(mags) if mags else 0.0


HUGE_ARGUMENT_COST = 4 * MAX_DPS
r"""What refereeing a point costs, in the escalation budget's digits
(:func:`checkers.compare.escalate`), per exponential-like argument beyond float64 at it: mpmath
takes 0.03-0.1 s for $e^{-10^{600}}$ at the few hundred digits such a point needs, about what
ordinary evaluation at 16,000 digits costs.  So a witness referees a few such points of a
one-exponential claim (``jax.nn.gelu`` at $z = 10^{200}$) and at most one of a dataset claim
with six logits $w x$ of $10^{600}$; the rest are counted as over the budget."""


def referee_cost(variables, exprs, point, *, beyond: int = MAX_DPS) -> int:
    """The referee's work at ``point`` for the escalation budget, evaluating nothing in mpmath:
    :func:`required_dps` with ``estimate`` (``HUGE_ARGUMENT_COST`` per exponential-like argument
    beyond float64), or ``beyond`` for a point beyond the referee's reach (which is never
    evaluated at working precision)."""
    d = required_dps(variables, exprs, point, estimate=True)
    return beyond if d == MAX_DPS + 1 else d


def _argument_sizes(variables, exprs, point):
    """``(f, sizes)``: :func:`_exp_arguments` of ``exprs`` and the float64 magnitudes of its
    guarded arguments at ``point`` (inf where an argument overflows); ``(None, None)`` when
    ``exprs`` have none."""
    f = _exp_arguments(tuple(variables), tuple(_frozen(e) for e in exprs))
    if f is None:
        return None, None
    with np.errstate(all="ignore"):
        return f, np.abs(f[1](*[np.array([v]) for v in point]).ravel())


def outside_float64(variables, cost, point) -> bool:
    r"""Is ``point`` outside float64's range for the cost itself: an exponential-like argument
    of ``cost`` beyond float64 there, and the cost's exact value beyond float64 too?

    Logits $x^\top w$ with $w = 10^{300}$, $x = 10^{300}$ under a log-sum-exp: the loss is
    $1.5 \cdot 10^{310}$, and every float64 program that forms its logits (``X @ W.T + b``
    before ``optax.softmax_cross_entropy``) gets $\infty - \infty$ = NaN; the point says
    nothing about the implementation.  ``jax.nn.gelu``'s $\tanh(0.0357 z^3)$ at $z = 10^{200}$
    is not such a point: the argument overflows, but the value ($10^{200}$) and the gradient
    (1) are ordinary float64 numbers that a float64 program can return.  (The implementation
    check leaves such points unchecked; evaluating ``cost`` here costs one mpmath evaluation
    at 30 digits, only for a point that failed.)"""
    if not all(math.isfinite(v) for v in point):
        return False
    _, every = _argument_sizes(variables, (cost,), point)
    if every is None or np.all(np.isfinite(every)):
        return False
    return any(not mpmath.isfinite(v) or abs(v) > _DBL_MAX for v in mp_value(variables, cost,
                                                                              point, 30))


_DBL_MAX = mpmath.mpf(float(np.finfo(np.float64).max))


def required_dps(variables, exprs, point, *, estimate: bool = False) -> int:
    r"""Digits that make the referee's evaluation exact enough at ``point``.

    $40 + \max_i |\log_{10}|x_i|| + \max |\mathrm{arg}|/\ln 10$ over the inputs $x_i$ and the
    arguments of every exponential: a cancellation such as $1 - \sigma(z)$ loses about
    $z/\ln 10$ digits, and $1 - x$ loses $|\log_{10} x|$.  Where that exceeds ``MAX_DPS``, or an
    exponential's argument exceeds ``MAX_EXP_ARG``, the allowance is too coarse (it charges
    $e^{10^{300}}$, which loses nothing, $4 \cdot 10^{299}$ digits): the digits are then those
    the expressions' own conditioning at the point needs (:func:`conditioned_dps`).  Above
    ``MAX_DPS`` the point is beyond the referee's reach; so is a non-finite coordinate.  An
    exponential argument beyond float64 (``jax.nn.gelu``'s $\tanh(0.0357 z^3)$ at
    $z = 10^{200}$, a logit $w x$ with $w = 10^{300}$, $x = 10^{10}$) is evaluated in mpmath
    (:func:`_arguments_in_reach`): within reach, the digits are the conditioned ones (the true
    gradient of ``gelu`` there is 1, and an implementation returning NaN is refuted); beyond it
    (a double exponential $e^{e^{z}}$ at $z = 10^{300}$, whose exponent alone would be an
    integer of $10^{300}$ digits) the point is unchecked.

    ``estimate``: no mpmath evaluation (the escalation budget's cost of a point,
    :func:`referee_cost`): ``HUGE_ARGUMENT_COST`` per argument beyond float64, and where the
    digits would come from the conditioning, those of a well-conditioned exponential,
    $40 + \max_i|\log_{10}|x_i|| + \log_{10}\max|\mathrm{arg}|$.
    """
    if any(not math.isfinite(v) for v in point):
        return MAX_DPS + 1
    need = 40 + _input_digits(point)
    f, every = _argument_sizes(variables, exprs, point)
    if f is not None:
        cols = [np.array([v]) for v in point]
        if every.size and not np.all(np.isfinite(every)):   # an argument beyond float64
            if estimate:
                return int(np.sum(~np.isfinite(every))) * HUGE_ARGUMENT_COST
            if not _arguments_in_reach(variables, f[2], point):
                return MAX_DPS + 1
            return conditioned_dps(variables, exprs, point)
        if f[0] is not None:
            with np.errstate(all="ignore"):
                vals = np.abs(f[0](*cols).ravel())
            need += float(vals.max()) / math.log(10) if vals.size else 0
        if need > MAX_DPS or (every.size and every.max() > MAX_EXP_ARG):
            if estimate:   # e^a is conditioned like |a|: what conditioned_dps finds, sans cancellation
                return min(int(math.ceil(40 + _input_digits(point)
                                         + math.log10(max(float(every.max()), 1.0)))), MAX_DPS)
            return conditioned_dps(variables, exprs, point)
        if need > COARSE_DPS and not estimate:   # the allowance may be far too generous
            tight = conditioned_dps(variables, exprs, point)    # (erfc(80) loses nothing)
            if tight <= MAX_DPS:
                return min(tight, int(math.ceil(need)))
    return int(math.ceil(need)) if need <= MAX_DPS else MAX_DPS + 1


def conditioned_dps(variables, exprs, point) -> int:
    r"""Digits from the conditioning of ``exprs`` at ``point`` itself (``MAX_DPS + 1``: beyond
    reach).

    At $p$ digits an entry $v$ errs by about $10^{-p} M$, $M$ its running error bound
    (:func:`magnitude`), so $p = 40 + \log_{10}(M/|v|)$ digits give it to about 40 significant
    digits, far below the referee's ``MP_RTOL``.  $v$ and $M$ are evaluated at
    $p_0 = 40 + \max_i|\log_{10}|x_i||$, then $v$ at the digits they ask for, until the digits
    asked for are at most those used (at most 6 rounds; $M$, a sum of magnitudes, has no
    cancellation of its own and is evaluated once, at $p_0$).  An entry whose $v$ is 0, NaN or infinite while
    $M > 0$ is undecidable: cancellation whose size the evaluation cannot see ($1 - \tanh z$ at
    $z = 10^{300}$ is 0 at any affordable precision).  $e^{10^{300}}$ has $M/|v| \approx
    10^{300}$ (its argument's rounding, amplified): 340 digits.  Memoized per point.
    """
    pt = np.ascontiguousarray(point, dtype=np.float64)
    return _conditioned_cached(tuple(variables), tuple(_frozen(e) for e in exprs), pt.tobytes())


@functools.lru_cache(maxsize=8)
def _magnitude_matrix(variables, expr):
    """$M$ of each entry of ``expr`` (prepared as the referee evaluates it), as a matrix."""
    from .lambdify import prepare

    m = expr if isinstance(expr, sp.MatrixBase) else sp.ImmutableMatrix([[expr]])
    return sp.ImmutableMatrix(m.shape[0], m.shape[1], [magnitude(prepare(e)) for e in m])


@functools.lru_cache(maxsize=4096)
def _conditioned_cached(variables, exprs, point_bytes):
    point = np.frombuffer(point_bytes, dtype=np.float64)
    floor = 40 + _input_digits(point)
    p = int(math.ceil(floor))
    # M (a sum of magnitudes: no cancellation of its own) once, at the first round's digits
    bounds = [mp_value(variables, _magnitude_matrix(variables, e), point, p) for e in exprs]
    for _ in range(6):
        need = floor
        for e, mags in zip(exprs, bounds):
            vals = mp_value(variables, e, point, p)
            for v, m in zip(vals, mags):
                if not mpmath.isfinite(m) or not mpmath.isfinite(v):
                    return MAX_DPS + 1
                if m == 0:
                    continue
                if v == 0:
                    return MAX_DPS + 1
                need = max(need, 40 + float(mpmath.log10(m / abs(v))))
        if need <= p:
            return int(math.ceil(need))
        if need > MAX_DPS:
            return MAX_DPS + 1
        p = int(math.ceil(need)) + 10
    return MAX_DPS + 1


def _frozen(m):
    """A hashable, value-equal form of a SymPy matrix or expression (the memo key of the referee)."""
    return sp.ImmutableMatrix(m) if isinstance(m, sp.MatrixBase) else sp.sympify(m)


def compare_at(variables, claimed, true, point, relation="=="):
    """Decide one point at high precision.

    Returns ``(status, index, c, t)`` with status ``"ok"`` (every entry satisfies ``relation``:
    ``==``, ``>``, ``>=``, ``<``, ``<=``, ``!=``), ``"fail"`` (entry ``index`` fails at both
    working precisions $p$ and $2p$, and its values agree between them, so the failure is not
    rounding), or ``"undecidable"`` (the point needs more than ``MAX_DPS`` digits, or the values
    do not settle).

    The answer is a pure function of its arguments, so it is memoized (:func:`_compare_cached`):
    a gradient claim's two numeric witnesses (autodiff and finite differences) send many of the
    same points to the referee, and the second one gets the first one's answer instead of the
    same mpmath evaluation again.  The key holds the point's float64 bytes, so ``-0.0`` and
    ``0.0`` stay distinct points.
    """
    pt = np.ascontiguousarray(point, dtype=np.float64)
    status, k, c, t = _compare_cached(tuple(variables), _frozen(claimed), _frozen(true),
                                      pt.tobytes(), relation)
    # fresh lists: a caller may keep or change them without touching the memo
    return status, k, (list(c) if c is not None else None), (list(t) if t is not None else None)


@functools.lru_cache(maxsize=8192)
def _compare_cached(variables, claimed, true, point_bytes, relation):
    point = np.frombuffer(point_bytes, dtype=np.float64)
    status, k, c, t = _compare_at(variables, claimed, true, point, relation)
    return status, k, (tuple(c) if c is not None else None), (tuple(t) if t is not None else None)


def _compare_at(variables, claimed, true, point, relation):
    """:func:`compare_at` without the memo: the two-precision rule of :func:`checkers.compare.referee`."""
    dps = required_dps(variables, (claimed, true), point)
    if dps > MAX_DPS:
        return "undecidable", None, None, None
    status, k, c_hi, t_hi = referee(
        lambda p: (mp_value(variables, claimed, point, p), mp_value(variables, true, point, p)),
        dps, (relation,))
    return status, k, c_hi, t_hi


def mp_diff(variables, cost_entry, point, wrt_index, dps=None):
    """$\\partial f / \\partial v_i$ at ``point`` by ``mpmath.diff`` (independent of SymPy)."""
    f = mpmath_fn(variables, sp.ImmutableMatrix([[cost_entry]]))
    dps = dps or min(required_dps(variables, (cost_entry,), point), MAX_DPS)
    with mpmath.workdps(dps):
        x = [_mp(v) for v in point]

        def g(t):
            y = list(x)
            y[wrt_index] = t
            return f(*y)[0]

        return mpmath.diff(g, x[wrt_index])


def fmt(v, digits: int = 17) -> str:
    """A readable number: exact integers as such, else ``digits`` significant digits."""
    if isinstance(v, (float, np.floating)):
        v = mpmath.mpf(float(v))
    if isinstance(v, mpmath.mpf):
        if mpmath.isinf(v) or mpmath.isnan(v):
            return str(v)
        if abs(v) < 10**15 and v == int(v):   # (int() of e^{10^7} would take minutes)
            return str(int(v))
        return mpmath.nstr(v, digits, min_fixed=-4, max_fixed=6)
    return str(v)
