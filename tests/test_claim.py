"""The claim model validates itself: every error names the claim and the problem."""

from __future__ import annotations

import math

import pytest
import sympy as sp

import derivations as d
from derivations import ClaimError

x, y = sp.symbols("x y", real=True)
SRC = d.Source("doc", "me", 2026, "1")


def test_missing_domain_is_named():
    with pytest.raises(ClaimError, match=r"my\.claim: symbol\(s\) y have no domain"):
        d.GradientClaim(id="my.claim", title="t", source=SRC, statement="s",
                        cost=x * y, wrt=x, claimed=y, domain={x: d.real_line()})


def test_wrong_gradient_shape_is_named():
    with pytest.raises(ClaimError, match=r"my\.grad: claimed derivative has shape \(1, 1\).*\(1, 2\)"):
        d.GradientClaim(id="my.grad", title="t", source=SRC, statement="s", cost=x * y,
                        wrt=(x, y), claimed=y, domain={x: d.real_line(), y: d.real_line()})


def test_string_expression_is_refused_not_parsed():
    with pytest.raises(ClaimError, match="never parses text"):
        d.LimitClaim(id="my.lim", title="t", source=SRC, statement="s", expr="1/x", var=x,
                     point=sp.oo, value=0, domain={x: d.real_line()})


@pytest.mark.parametrize("bad", ["NoDots", "1st.claim", "my..claim", "my.claim.", "my.cla im",
                                 "my.claim-2", ".my", ""])
def test_bad_id(bad):
    with pytest.raises(ClaimError, match="is not a dotted name: letters, digits and underscores"):
        d.EqualityClaim(id=bad, title="t", source=SRC, statement="s", lhs=x, rhs=x,
                        domain={x: d.real_line()})


@pytest.mark.parametrize("good", ["MyNotes.dL_dW", "mlp.Grad_W1", "Ko2026.Eq3.grad", "a.B"])
def test_ids_may_contain_upper_case(good):
    c = d.EqualityClaim(id=good, title="t", source=SRC, statement="s", lhs=x, rhs=x,
                        domain={x: d.real_line()})
    assert c.id == good


def test_cost_must_depend_on_wrt():
    with pytest.raises(ClaimError, match="does not depend on wrt symbol y"):
        d.GradientClaim(id="my.g", title="t", source=SRC, statement="s", cost=x**2, wrt=y,
                        claimed=0, domain={x: d.real_line(), y: d.real_line()})


def test_bad_interval_and_relation():
    with pytest.raises(ClaimError, match="is empty"):
        d.open_interval(1, 1)
    with pytest.raises(ClaimError, match="relation '=>' is not one of"):
        d.InequalityClaim(id="my.i", title="t", source=SRC, statement="s", lhs=x, relation="=>",
                          domain={x: d.real_line()})


def test_claims_are_frozen_and_hashable():
    c = d.get("bce_sigmoid.grad_w")
    with pytest.raises(Exception):
        c.id = "other.id"
    assert hash(c) == hash(d.get("bce_sigmoid.grad_w"))


def test_catalog_in_document_order_with_unique_ids():
    cat = d.catalog()
    ids = [c.id for c in cat]
    assert len(ids) == len(set(ids))
    # Ko section 1 comes before section 2; section numbers never decrease within Ko 2026.
    ko = [int(c.source.section[0]) for c in cat if c.source.author == "Donghyun Ko"]
    assert ko == sorted(ko) and ko[0] == 1


def test_value_claim_precision():
    c = d.get("sigmoid.prime_at_4")
    assert c.decimals == 4 and c.half_ulp == sp.Rational(1, 20000)


def test_importing_derivations_loads_no_numerics():
    import subprocess
    import sys

    code = "import sys, derivations; derivations.catalog(); print('jax' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[0] == "False"


def test_catalog_sorted_by_document_then_section_then_family():
    from derivations.sources import document_position

    cat = d.catalog()
    keys = [document_position(c.source) for c in cat]
    assert keys == sorted(keys) and keys[0] == (0, 1) and keys[-1][0] == 1
    assert all(k[1] != 99 for k in keys)  # every section recognised
    rank = {f: i for i, f in enumerate(d.FAMILIES)}
    full = [(document_position(c.source), rank[d.family_of(c.id)]) for c in cat]
    assert full == sorted(full)
    # within a family and a section, the family's own order
    for family in d.FAMILIES:
        own = [c.id for c in d.family_claims(family)]
        for section in {document_position(c.source) for c in d.family_claims(family)}:
            listed = [c.id for c in cat if d.family_of(c.id) == family and document_position(c.source) == section]
            assert listed == [i for i in own if i in set(listed)]
    # the section-3 softmax sweep (module experiments) comes after the softmax claims
    ids = [c.id for c in cat]
    assert ids.index("experiments.softmax_sweep_unique_max") > ids.index("softmax.limit_tied_max")
    assert d.family_of("experiments.softmax_sweep_unique_max") == "softmax_experiments"


# -- interval ends: every real number type, converted once ------------------------------------------

def _exact(f: float):
    return sp.Rational(*f.as_integer_ratio())


def test_interval_ends_accept_every_real_number_type():
    from decimal import Decimal
    from fractions import Fraction

    import mpmath
    import numpy as np

    cases = [
        (d.open_interval(0, sp.Rational(1, 2)), 0.0, 0.5),
        (d.closed_interval(sp.Integer(-1), sp.pi), -1.0, 3.141592653589793),
        (d.open_interval(Fraction(1, 4), Decimal("2.5")), 0.25, 2.5),
        (d.open_interval(np.float32(0.5), np.int64(3)), 0.5, 3.0),
        (d.open_interval(np.float64(-2), np.array(7.0)), -2.0, 7.0),
        (d.open_interval(sp.Float("0.25"), mpmath.mpf("0.75")), 0.25, 0.75),
        (d.open_interval(-sp.oo, sp.oo), -float("inf"), float("inf")),
        (d.Interval(0, sp.oo), 0.0, float("inf")),
        (d.open_interval(0, sp.exp(1000)), 0.0, 1.7976931348623157e308),   # beyond float64: its max
        (d.integers(sp.Integer(0), np.int32(3)), 0.0, 3.0),
    ]
    for iv, lo, hi in cases:
        assert (iv.lo, iv.hi) == (lo, hi) and type(iv.lo) is float and type(iv.hi) is float, iv


def test_closed_ends_round_inward_so_every_float_inside_is_in_the_exact_interval():
    for lo, hi in [(sp.Rational(1, 3), sp.pi), (-sp.E, sp.sqrt(2)), (sp.Rational(-1, 10), sp.E)]:
        iv = d.closed_interval(lo, hi)
        assert _exact(iv.lo) >= lo and _exact(iv.hi) <= hi
        assert _exact(math.nextafter(iv.lo, -math.inf)) < lo           # and it is the nearest
        assert _exact(math.nextafter(iv.hi, math.inf)) > hi
    assert d.closed_interval(sp.Rational(1, 3), 1).lo == 0.33333333333333337   # 1/3 rounded up
    assert d.open_interval(sp.Rational(1, 3), 1).lo == 1 / 3                    # nearest


@pytest.mark.parametrize("end,why", [
    (sp.I, "is not a real number"), (1 + 2j, "is not a real number"), (sp.zoo, "is not a real number"),
    (float("nan"), "is NaN"), (sp.nan, "is NaN"), ("1", "is a str"), (True, "is a bool"),
    (None, "is a NoneType"), (sp.Symbol("a"), "has the free symbol"), ([1], "is a list"),
], ids=["I", "complex", "zoo", "nan", "sympy-nan", "str", "bool", "None", "symbol", "list"])
def test_non_real_interval_end_is_a_claim_error(end, why):
    with pytest.raises(ClaimError, match=r"^Interval: the upper end .* " + why + r".*an interval end "
                                         r"must be a real number"):
        d.open_interval(0, end)


def test_recording_names_the_file_that_built_each_claim():
    """``gradproof check`` adds, after an error, only the claims a file built itself."""
    import importlib.util
    import os
    import pathlib

    from derivations.claims import recording

    with recording() as built:
        here = d.EqualityClaim(id="my.rec", title="t", source=SRC, statement="s", lhs=x, rhs=x,
                               domain={x: d.real_line()})
        copy = here.replace(title="u")                       # dataclasses.replace: still here
        path = pathlib.Path(d.__file__).parent / "sigmoid_mse.py"   # a catalog module, run afresh
        spec = importlib.util.spec_from_file_location("derivations._recording_copy", path)
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    me = os.path.abspath(__file__)
    assert built[:2] == [(here, me), (copy, me)]
    assert len(built) > 2 and all(where != me for _, where in built[2:])
    with recording() as other:
        pass
    assert other == [] and len(built) > 2


def test_large_integer_ends_round_inward():
    iv = d.closed_interval(-(2**60 + 1), 2**60 + 1)
    assert _exact(iv.lo) >= -(2**60 + 1) and _exact(iv.hi) <= 2**60 + 1


def test_printed_figures_are_read_to_their_precision():
    """0.71 + 0.26 + 0.06 = 1 fails even with rounding (the sum lies in [1.015, 1.045]); the
    same figures with 0.04 meet 1.  Both witnesses decide: SymPy exactly at the corners of the
    rounding box, mpmath at 50 digits."""
    import checkers
    from derivations import ValueClaim
    from derivations.build import user_source

    a, b, c = sp.symbols("a b c", real=True)
    miss = ValueClaim(id="t.printed_miss", title="t", source=user_source(), statement="s",
                      expr=a + b + c, quoted="1", exact=True,
                      printed={a: "0.71", b: "0.26", c: "0.06"})
    res = checkers.verify(miss)
    assert res.verdict == "REFUTED" and all(w.fails for w in res.witnesses), str(res)
    assert res.counterexample.true == "[203/200, 209/200]"
    meet = ValueClaim(id="t.printed_meet", title="t", source=user_source(), statement="s",
                      expr=a + b + c, quoted="1", exact=True,
                      printed={a: "0.71", b: "0.26", c: "0.04"})
    assert checkers.verify(meet).verdict == "PROVED"
    lo, hi = next((iv.lo, iv.hi) for s, iv in meet.domain if s == a)   # closed, rounded inward
    assert sp.Rational(141, 200) <= sp.Rational(lo) < sp.Rational(141, 200) + 2**-52
    assert sp.Rational(143, 200) - 2**-52 < sp.Rational(hi) <= sp.Rational(143, 200)
    with pytest.raises(ClaimError, match="affinely"):
        ValueClaim(id="t.printed_product", title="t", source=user_source(), statement="s",
                   expr=a * b, quoted="0.18", printed={a: "0.71", b: "0.26"})
    with pytest.raises(ClaimError, match="as a string"):
        ValueClaim(id="t.printed_float", title="t", source=user_source(), statement="s",
                   expr=a, quoted="0.7", printed={a: "zero"})
