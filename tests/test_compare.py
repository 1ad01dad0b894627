"""checkers.compare: the one float64 rule, two-precision referee, escalation and simplest point."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from checkers import compare as C


# -- the float64 rule ----------------------------------------------------------------------------

def test_identity_within_rtol_agrees_and_beyond_does_not():
    c = np.array([[1.0], [1.0]])
    r = np.array([[1.0 + 5e-13], [1.0 + 5e-11]])
    ok, rel = C.float64_agree(c, r, rtol=1e-12)
    assert ok[:, 0].tolist() == [True, False]
    assert rel[0, 0] == pytest.approx(5e-13, rel=1e-3) and rel[1, 0] == 0.0


def test_an_identity_row_shares_its_largest_reference_as_scale():
    # entry 2 cancels to 1e-14 next to an entry of size 1: a difference of 1e-13 is rounding of the row
    c = np.array([[1.0, 1e-14 + 1e-13]])
    r = np.array([[1.0, 1e-14]])
    assert C.float64_agree(c, r, rtol=1e-12)[0].all()
    assert not C.float64_agree(c, r, rtol=1e-12, row_scale=False)[0][0, 1]


def test_inequality_entries_are_separate_statements():
    # a_j > 0 beside a_j < 1 with a_j = 1e-20: the lower bound holds in float64 on its own scale
    c = np.array([[1e-20, 1e-20]])
    r = np.array([[0.0, 1.0]])
    ok, _ = C.float64_agree(c, r, rtol=1e-12, relations=(">", "<"))
    assert ok.all()
    ok, _ = C.float64_agree(np.array([[-1e-20, 2.0]]), r, rtol=1e-12, relations=(">", "<"))
    assert not ok.any()


def test_non_finite_never_agrees_in_float64():
    c = np.array([[np.inf], [np.nan], [1.0]])
    r = np.array([[np.inf], [np.nan], [np.inf]])
    assert not C.float64_agree(c, r, rtol=1e-12)[0].any()


def test_atol_and_extra_scale_widen_the_rule_by_exactly_their_size():
    c, r = np.array([[0.0]]), np.array([[1e-15]])
    assert not C.float64_agree(c, r, rtol=1e-12)[0][0, 0]
    assert C.float64_agree(c, r, rtol=1e-12, atol=1e-15)[0][0, 0]
    assert C.float64_agree(c, r, rtol=1e-12, scale=np.array([[1e-3]]))[0][0, 0]
    assert not C.float64_agree(c, r, rtol=1e-12, scale=np.array([[1e-4]]))[0][0, 0]


def test_typical_magnitude_is_the_median_of_the_finite_nonzero_sizes_per_entry():
    v = np.array([[1.0, 0.0], [-3.0, 0.0], [2.0, 5.0], [np.inf, -7.0], [1e300, np.nan],
                  [0.0, 0.0]])
    assert C.typical_magnitude(v).tolist() == [2.5, 6.0]      # median of {1, 3, 2, 1e300}; {5, 7}
    assert C.typical_magnitude(np.zeros((3, 1))).tolist() == [0.0]


def test_rounding_bound_is_k_eps_times_the_larger_of_m_and_s():
    b = C.rounding_bound(np.array([[1e-20, 4.0], [np.nan, 0.0]]), np.array([1.0, 2.0]), 64)
    eps = np.finfo(float).eps
    assert b[0].tolist() == [64 * eps + C.DBL_MIN, 64 * eps * 4.0 + C.DBL_MIN]
    assert np.isnan(b[1, 0])                 # M unknown in float64: no float64 test, the referee
    assert b[1, 1] == 64 * eps * 2.0 + C.DBL_MIN
    # huber at z = -1e-20: 0 against -1e-20 passes with S = 1, and not with the formula's M alone
    ok = C.float64_agree(np.array([[0.0]]), np.array([[-1e-20]]), rtol=1e-12,
                         atol=C.rounding_bound(np.array([[1e-20]]), np.array([1.0]), 64))[0]
    assert ok[0, 0]
    assert not C.float64_agree(np.array([[0.0]]), np.array([[-1e-20]]), rtol=1e-12,
                               atol=C.rounding_bound(np.array([[1e-20]]), np.array([0.0]), 64))[0][0, 0]


# -- the two-precision referee ---------------------------------------------------------------------

def test_mp_holds_identities_inequalities_nan_and_inf():
    with mpmath.workdps(60):
        one = mpmath.mpf(1)
        assert C.mp_holds(one, one + mpmath.mpf("1e-30"))
        assert not C.mp_holds(one, one + mpmath.mpf("1e-20"))
        assert not C.mp_holds(mpmath.nan, mpmath.nan)
        assert C.mp_holds(mpmath.inf, mpmath.inf) and not C.mp_holds(mpmath.inf, one)
        assert C.mp_holds(2 * one, one, ">") and not C.mp_holds(one, one, ">")


def _sigmoid_tail(wrong):
    r"""claimed $1 - \sigma(40)$ against $e^{-40}/(1 + e^{-40})$ (exact), at a working precision;
    float64 cannot decide it ($1 - \sigma(40)$ cancels to 0)."""
    def evaluate(dps):
        with mpmath.workdps(dps):
            z = mpmath.mpf(40)
            claimed = 1 - 1 / (1 + mpmath.exp(-z))
            true = mpmath.exp(-z) / (1 + mpmath.exp(-z))
            return [claimed * (1 + mpmath.mpf(wrong))], [true]
    return evaluate


def test_referee_decides_where_float64_cannot():
    assert C.referee(_sigmoid_tail(0), 40)[0] == "ok"
    status, k, c, t = C.referee(_sigmoid_tail("1e-20"), 80)
    assert (status, k) == ("fail", 0) and c[0] != t[0]
    # at 40 digits 1 - sigma(40) keeps ~22 digits: a 1e-20 difference is not stable yet, so it
    # is not called a failure (the caller's digit rule, checkers.highprec.required_dps, asks for more)
    assert C.referee(_sigmoid_tail("1e-20"), 40)[0] == "undecidable"


def test_the_referee_reaches_huge_arguments_but_not_huge_cancellations():
    r"""$e^{10^{300}}$ needs its argument's 300 digits, not $4\cdot10^{299}$: the digits come from
    the conditioning at the point (highprec.conditioned_dps); $1 - \tanh z$ at $z = 10^{300}$
    would need $10^{300}$ digits and stays beyond reach.  An argument beyond float64 ($e^{zw}$
    at $z = w = 10^{300}$: $zw = 10^{600}$) is evaluated in mpmath and reached with its 600
    digits and the 40 of the rule; a double exponential $e^{e^z}$ at $z = 10^{300}$ is not."""
    import sympy as sp

    from checkers.highprec import MAX_DPS, fmt, mp_value, required_dps

    z, w = sp.symbols("z w", real=True)
    for x in (1e7, 1e300, -1e300):
        assert required_dps((z,), (sp.exp(z),), np.array([x])) <= 400
    assert required_dps((z,), (2 * sp.exp(-z) / (1 + sp.exp(-z)) ** 2,), np.array([1e300])) <= 400
    for e in (1 - sp.tanh(z) ** 2, sp.exp(z) * (1 - sp.tanh(z))):
        assert required_dps((z,), (e,), np.array([1e300])) > MAX_DPS
    assert 640 <= required_dps((z, w), (sp.exp(z * w),), np.array([1e300, 1e300])) <= 700
    assert required_dps((z,), (sp.exp(sp.exp(z)),), np.array([1e300])) > MAX_DPS
    # below the old limits the rule is as before: 40 + |log10 x| + |arg| / ln 10
    assert required_dps((z,), (sp.exp(z),), np.array([50.0])) == 64
    big = mp_value((z,), sp.exp(z), np.array([1e300]), 340)[0]
    assert fmt(big, 5).startswith("2.4986e+434294481903251850453656571405")


def test_erfc_of_a_large_argument_is_refereed_at_few_digits():
    r"""$\operatorname{erfc}(80)$ has no cancellation: the coarse allowance ($80^2/\ln 10$ =
    2780 digits) gives way to the conditioning at the point; $\operatorname{erfc}(-u)$ as
    written is not reflected into $2 - \operatorname{erfc}(u)$ (which cancels 2780 digits)."""
    import sympy as sp

    from checkers.highprec import COARSE_DPS, required_dps
    from checkers.lambdify import mpmath_fn, numpy_fn

    z = sp.Symbol("z", real=True)
    assert required_dps((z,), (sp.erfc(z),), np.array([80.0])) <= 60
    assert required_dps((z,), (1 - sp.erf(z),), np.array([80.0])) > COARSE_DPS   # a real cancellation
    e = sp.exp(-z ** 2 / 2) / sp.erfc(-z / sp.sqrt(2))
    assert required_dps((z,), (e,), np.array([-113.0])) <= 60
    with mpmath.workdps(30):
        assert mpmath.isfinite(mpmath_fn((z,), e)(mpmath.mpf(-113))[0])
    assert numpy_fn((z,), sp.Matrix([[2 - sp.erfc(z)]]))(np.array([-80.0]))[0, 0, 0] == 0.0


def test_the_referee_cost_of_a_point_with_overflowing_arguments_is_counted_without_mpmath():
    import sympy as sp

    from checkers.highprec import HUGE_ARGUMENT_COST, MAX_DPS, referee_cost

    z, w = sp.symbols("z w", real=True)
    e = (sp.exp(z * w), sp.tanh(z * w))
    assert referee_cost((z, w), e, np.array([1e300, 1e300])) == 2 * HUGE_ARGUMENT_COST
    assert referee_cost((z, w), e, np.array([2.0, 3.0])) < MAX_DPS
    # beyond the float64 allowance: estimated as a well-conditioned exponential, 40 + 300 + 300
    assert referee_cost((z, w), (1 - sp.tanh(z) ** 2,), np.array([1e300, 1.0])) == 641
    assert referee_cost((z, w), (sp.exp(sp.exp(z)),), np.array([1e300, 1.0])) == HUGE_ARGUMENT_COST


def test_a_point_outside_float64_for_the_cost_itself():
    """Logits beyond float64 under a log-sum-exp: the loss itself overflows, so no float64
    program can be held to it; gelu's tanh argument overflows but its value does not."""
    import sympy as sp

    from checkers.highprec import outside_float64

    z, w = sp.symbols("z w", real=True)
    lse = sp.log(sp.exp(z * w) + sp.exp(-z * w))
    assert outside_float64((z, w), sp.Matrix([[lse]]), np.array([1e300, 1e300]))
    assert not outside_float64((z, w), sp.Matrix([[lse]]), np.array([1e150, 1e150]))
    gelu = z * (1 + sp.tanh(sp.Rational(44715, 10 ** 6) * z ** 3)) / 2
    assert not outside_float64((z,), sp.Matrix([[gelu]]), np.array([1e200]))


def test_a_value_that_does_not_settle_between_precisions_is_undecidable_not_a_failure():
    def evaluate(dps):   # noise of 1e-10 at 30 digits, 1e-20 at 60: it never settles
        with mpmath.workdps(dps):
            return [mpmath.mpf(1) + mpmath.mpf(10) ** (-(dps // 3))], [mpmath.mpf(1)]
    assert C.referee(evaluate, 30)[0] == "undecidable"
    assert C.referee(lambda dps: None, 30)[0] == "undecidable"


# -- the budgeted escalation -----------------------------------------------------------------------

def _decider(failing=(), undecidable=()):
    seen = []

    def decide(rows):
        seen.extend(rows)
        return [(i, "fail" if i in failing else "undecidable" if i in undecidable else "ok", 0,
                 [1], [2]) for i in rows]
    return decide, seen


def test_escalation_goes_cheapest_first_and_stops_at_the_first_failure():
    order = C.cheapest_first([0, 1, 2, 3], cost=lambda i: [5.0, 1.0, 3.0, 0.0][i],
                             first=lambda i: i == 0)
    assert order == [0, 3, 1, 2]
    decide, seen = _decider(failing={1})
    esc = C.escalate(order, decide, cost=lambda i: 1)
    assert seen == [0, 3, 1] and esc.fail[0] == 1 and esc.unchecked == 0 and esc.agreed == 2


def test_escalation_budget_counts_what_it_does_not_reach_as_unchecked():
    decide, seen = _decider(undecidable={1})
    esc = C.escalate(list(range(10)), decide, cost=lambda i: 40, budget=100, max_points=6)
    assert seen == [0, 1]                                    # a third point would cost 120 > 100
    assert (esc.escalated, esc.beyond, esc.over_budget, esc.not_reached) == (2, 1, 4, 4)
    assert esc.unchecked == 9 and esc.agreed == 1


def test_the_cheapest_point_is_refereed_whatever_its_cost():
    decide, seen = _decider()
    esc = C.escalate([7, 8], decide, cost=lambda i: 10**9, budget=100)
    assert seen == [7] and esc.over_budget == 1


def test_batches_double_up_to_the_cap():
    batches = []

    def decide(rows):
        batches.append(list(rows))
        return [(i, "ok", None, None, None) for i in rows]
    C.escalate(list(range(10)), decide, cost=lambda i: 1, max_batch=4)
    assert [len(b) for b in batches] == [1, 2, 4, 3]


# -- the simplest point ------------------------------------------------------------------------------

def test_rounded_candidates_and_the_first_that_still_fails():
    x = np.array([0.123456, -31.7])
    cands = list(C.rounded(x))
    assert [c.tolist() for c in cands] == [[0.1, -30.0], [0.12, -32.0], [0.123, -31.7]]
    got = C.simplest(cands, lambda y: "fails" if abs(y[1]) > 31 else None)
    assert got[0].tolist() == [0.12, -32.0] and got[1] == "fails"
    assert C.simplest(cands, lambda y: None) is None


def test_escalate_twice_gives_the_unreached_nan_points_a_budget_of_their_own():
    """Four points of 30,000 digits use the first budget (120,000); the NaN point past them is
    still refereed (and is the failure); without a NaN past the budget, the second pass sends
    nothing.  Within the first budget, one pass decides everything."""
    from checkers.compare import escalate_twice

    order = list(range(12))
    decide = lambda rows: [(i, "fail" if i == 11 else "ok", 0, None, None) for i in rows]  # noqa: E731
    esc = escalate_twice(order, decide, cost=lambda i: 100, again=lambda i: i == 11)
    assert esc.fail is not None and esc.fail[0] == 11
    esc = escalate_twice(order, decide, cost=lambda i: 30_000, again=lambda i: False)
    assert esc.fail is None and esc.escalated == 4 and esc.over_budget == 8
    small = escalate_twice(order, decide, cost=lambda i: 30_000, again=lambda i: i == 11)
    assert small.fail is not None and small.escalated == 5 and small.over_budget == 0
    none = escalate_twice(order, decide, cost=lambda i: 30_000, again=lambda i: i == 10)
    assert none.fail is None and none.escalated == 5 and none.over_budget == 7


def test_a_repeated_point_is_refereed_once_and_costs_the_budget_once():
    """The corpus run's seed 179: seven identical points beyond the referee (z = -1e200) came
    first among the NaN outputs and used the second budget up, so the differing point after
    them (z = 1e200, the failure) was never refereed.  With ``key`` each distinct point is
    refereed once and its twins take its decision; the counts still cover every row."""
    order = [0, 1, 2, 3, 4, 5, 6, 7, 8]
    key = lambda i: "a" if i < 7 else i  # noqa: E731   # rows 0-6: one point seven times
    decide, seen = _decider(failing={7}, undecidable={0})
    esc = C.escalate(order, decide, cost=lambda i: 30_000, key=key)
    assert seen == [0, 7] and esc.fail[0] == 7 and esc.escalated == 8
    decide, seen = _decider(failing={7}, undecidable={0})   # a failing point's twins: not counted
    esc = C.escalate(order, decide, cost=lambda i: 30_000, key=lambda i: "a" if i < 7 else "b")
    assert seen == [0, 7] and esc.escalated == 8 and esc.unchecked == 0
    decide, seen = _decider(undecidable={0})
    esc = C.escalate(order, decide, cost=lambda i: 30_000, key=key)
    assert seen == [0, 7, 8]
    assert (esc.escalated, esc.repeats, esc.beyond, esc.over_budget) == (9, 6, 7, 0)
    assert esc.decided == set(order) and esc.agreed == 2
    decide, seen = _decider(undecidable={0})   # without a key: the budget ends at row 3
    esc = C.escalate(order, decide, cost=lambda i: 30_000)
    assert seen == [0, 1, 2, 3] and esc.over_budget == 5 and esc.repeats == 0


def test_escalate_twice_skips_the_rows_the_first_pass_decided_through_a_twin():
    from checkers.compare import escalate_twice

    # rows 0 and 5 are one point; 1-4 cost the first budget up; 5 (a NaN) was decided with 0
    decide, seen = _decider(failing={6})
    key = lambda i: 0 if i in (0, 5) else i  # noqa: E731
    esc = escalate_twice(list(range(7)), decide, cost=lambda i: 30_000, key=key,
                         again=lambda i: i in (5, 6))
    assert seen == [0, 1, 2, 3, 6] and esc.fail[0] == 6
