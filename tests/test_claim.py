"""The claim model validates itself: every error names the claim and the problem."""

from __future__ import annotations

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


def test_bad_id():
    with pytest.raises(ClaimError, match="not dotted lower-case"):
        d.EqualityClaim(id="NoDots", title="t", source=SRC, statement="s", lhs=x, rhs=x,
                        domain={x: d.real_line()})


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
    assert ids.index("experiments.softmax_sweep_unique_max") > ids.index("softmax.limit_tied_max_m3")
    assert d.family_of("experiments.softmax_sweep_unique_max") == "softmax_experiments"
