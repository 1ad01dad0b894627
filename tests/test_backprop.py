"""Ko 2026, section 2 (BP1-BP4) and section 1's backprop sentences: one test id per claim.

Expected verdicts come from working each sentence by hand (see the claims' notes), never from the
tool's output.  Every claim is PROVED unless listed in ``REFUTED_BY_HAND``.
"""

from __future__ import annotations

import pytest
import sympy as sp

import checkers  # noqa: F401  (x64, registers the network kind)
import derivations
from conftest import assert_verdict
from derivations import backprop
from derivations.functions import sigmoid

CLAIMS = backprop.CLAIMS
NETWORK = [c for c in CLAIMS if c.kind == "network"]

REFUTED_BY_HAND = {
    # BP3 with BP2's literal delta_j^l = dC/dz_j^l of the averaged C: the 1/n counted twice.
    # z_j^L of sample x enters only C_x, so dC/dz_j^L = (1/n)(a_j^L - y_j); n = 2, all parameters
    # 0 (a = 1/2), y = (1, 0) for both samples: dC/db_1^L = -1/2, (1/2) sum_x dC/dz_1^L = -1/4.
    "backprop.bp3_with_averaged_delta",
    # Boxed 'dC/db_j^L = delta_j^L = (1/n) sum_x (a_j^L - y_j)': the middle equates a per-sample
    # error with the batch average.  n = 2, a = 1/2 everywhere, y = (1, 0) and (0, 1): the errors
    # are (-1/2, 1/2) and (1/2, -1/2), their average (0, 0).
    "backprop.bp3_output_boxed",
}

# The most general stage of the symbolic witness at which each claim is proved (by hand: a claim
# that names the cost's formula needs the cost; one that uses sigma' = a(1 - a) needs the sigmoid).
NEEDS_COST = {"backprop.bp1_ce_dc_da"}
NEEDS_SIGMOID = {"backprop.bp1_ce_product", "backprop.bp1_ce", "backprop.bp1_ce_averaged_scaled",
                 "backprop.bp1_ce_averaged", "backprop.bp3_output_averaged",
                 "backprop.bp3_output_per_sample", "backprop.bp4_output_boxed", "backprop.when_to_use"}


def _entries(claim):
    """How many gradient entries the autodiff witness must compare (worked out from the shapes)."""
    from checkers.network import NUMERIC_NETWORKS, layers_of, regimes_for
    from derivations.network import N, n_l, n_next, n_prev

    total = 0
    for i, spec in enumerate(NUMERIC_NETWORKS):
        for l in layers_of(claim, spec.L):
            s = spec.sizes
            dims = {n_prev: s[l - 1], n_l: s[l], n_next: s[l + 1] if l < spec.L else 0,
                    N: 1 if claim.scope == "sample" else spec.batch}
            r, c = (int(sp.sympify(d).xreplace(dims)) for d in claim.lhs_shape)
            total += len(regimes_for(i)) * r * c * (spec.batch if claim.scope == "sample" else 1)
    return total


def _taylor_tests(claim):
    from checkers.network import NUMERIC_NETWORKS, TAYLOR_DIRECTIONS, layers_of

    return sum(2 * TAYLOR_DIRECTIONS * len(layers_of(claim, s.L)) for s in NUMERIC_NETWORKS)


def expected(cid):
    return "REFUTED" if cid in REFUTED_BY_HAND else "PROVED"


def test_backprop_is_in_the_catalog_in_document_order():
    cat = [c.id for c in derivations.catalog()]
    ids = [c.id for c in CLAIMS]
    assert [i for i in cat if i.startswith("backprop.")] == ids
    # section 2's BP claims come after the single-neuron cross-entropy of section 2; the section-1
    # sentences (source section 1) sit with section 1 (the catalog is sorted by section, stably)
    sec2 = [i for i in ids if derivations.get(i).source.section.startswith("2")]
    assert cat.index(sec2[0]) > max(cat.index(i) for i in cat if i.startswith("bce_sigmoid."))
    sec1 = [i for i in ids if derivations.get(i).source.section.startswith("1")]
    assert all(cat.index(i) < cat.index("bce_sigmoid.dataset_cost_formula") for i in sec1)
    assert set(backprop.REFUTED) == REFUTED_BY_HAND


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.id)
def test_verdict_is_pinned(claim, result_of):
    assert_verdict(result_of(claim.id), expected(claim.id))


@pytest.mark.parametrize("claim", NETWORK, ids=lambda c: c.id)
def test_every_network_witness_agrees(claim, result_of):
    """PROVED: symbolic proof and every numeric witness passes; REFUTED: every witness fails."""
    res = result_of(claim.id)
    by = {w.witness: w for w in res.witnesses}
    assert set(by) == {"symbolic", "autodiff", "taylor remainder"}
    assert all(w.status != "ERROR" for w in res.witnesses), str(res)
    if claim.id in REFUTED_BY_HAND:
        assert all(w.fails for w in res.witnesses), str(res)
        return
    assert by["symbolic"].status == "PROVED"
    assert by["autodiff"].status == "PASS"
    assert by["autodiff"].points == _entries(claim)  # every entry of every layer, network and regime
    assert by["autodiff"].worst_error < 1e-10
    taylor = by["taylor remainder"]
    if isinstance(claim.lhs, sp.MatrixSymbol):
        # 4 directions per layer, on both networks, standard and saturated regimes; directions
        # where float64 cannot even evaluate the claimed side (grad_a C at a^L = 1) are counted apart
        assert taylor.status == "PASS", str(res)
        assert taylor.points + taylor.extra["not_finite"] == _taylor_tests(claim)
        assert taylor.points >= _taylor_tests(claim) // 2
    else:  # the left side is an expression, not a derivative: no Taylor test applies
        assert taylor.status == "N/A"


@pytest.mark.parametrize("claim", [c for c in NETWORK if c.id not in REFUTED_BY_HAND], ids=lambda c: c.id)
def test_symbolic_proof_is_as_general_as_the_claim_allows(claim, result_of):
    sym = result_of(claim.id).witness("symbolic")
    if claim.id in NEEDS_SIGMOID:
        assert "sigmoid" in sym.method
    elif claim.id in NEEDS_COST:
        assert "any activation, binary cross-entropy cost" in sym.method
    else:
        assert "any activation, any cost" in sym.method
    # ... and on both explicit networks of the claim, every layer it speaks of
    assert "2-3-2" in sym.method and "3-4-3-2" in sym.method


def test_saturated_outputs_go_to_the_referee(result_of):
    """BP1 with the cross-entropy: grad_a C = (a - y)/(a(1 - a)) overflows where a rounds to 1;
    those entries are decided in mpmath, not passed or failed in float64."""
    w = result_of("backprop.bp1_general").witness("autodiff")
    assert w.extra["referee_decided"] > 0 and w.extra["unchecked"] == 0


# --- the counterexamples, by hand ---------------------------------------------------------------

def _head_cost(z, y, n):
    """The output layer's averaged cross-entropy as a function of the z's (all explicit)."""
    return sum(-yy * sp.log(sigmoid(zz)) - (1 - yy) * sp.log(1 - sigmoid(zz)) for zz, yy in zip(z, y)) / n


def test_averaged_delta_counts_the_mean_twice_by_hand():
    """BP2's literal delta = dC/dz (averaged C) in BP3: two samples, two output units, z = 0
    everywhere, y = (1, 0) for both: dC/db_1^L = -1/2 (the sum over samples of dC/dz_1^L), while
    (1/n) sum_x dC/dz_1^L = -1/4."""
    z = sp.symbols("z11 z21 z12 z22", real=True)
    C = _head_cost(z, [1, 0, 1, 0], 2)
    at0 = {zz: 0 for zz in z}
    dz = [sp.nsimplify(sp.diff(C, z[i]).subs(at0).doit()) for i in (0, 2)]  # unit 1, samples 1, 2
    assert dz == [sp.Rational(-1, 4), sp.Rational(-1, 4)]
    assert sum(dz) == sp.Rational(-1, 2) and sum(dz) / 2 == sp.Rational(-1, 4)
    assert "backprop.bp3_index" in derivations.get("backprop.bp3_with_averaged_delta").note


def test_the_averaging_sentence_is_read_with_the_definition_before_it():
    c = derivations.get("backprop.bp1_ce_averaged")
    assert c.scope == "mean" and "defines delta_j^L = dC_x/dz_j^L" in c.note


def test_bp3_boxed_counterexample_by_hand(result_of):
    # a = 1/2 everywhere; per-sample errors delta = a - y, and their batch average
    y = [[1, 0], [0, 1]]  # y[x][j]
    deltas = [[sp.Rational(1, 2) - y[x][j] for j in range(2)] for x in range(2)]
    average = [sum(deltas[x][j] for x in range(2)) / 2 for j in range(2)]
    assert deltas == [[sp.Rational(-1, 2), sp.Rational(1, 2)], [sp.Rational(1, 2), sp.Rational(-1, 2)]]
    assert average == [0, 0]
    ce = result_of("backprop.bp3_output_boxed").counterexample
    assert ce.point["W^2"] == "all 0" and "entry [1, 1]" in ce.component
    assert (sp.Rational(ce.claimed), sp.Rational(ce.true)) == (average[0], deltas[0][0])


def test_narrower_claims_are_rows_of_their_own():
    ids = {c.id for c in CLAIMS}
    for refuted, narrower in [("backprop.bp3_with_averaged_delta", ["backprop.bp3_index"]),
                              ("backprop.bp3_output_boxed", ["backprop.bp3_output_averaged",
                                                               "backprop.bp3_output_per_sample"])]:
        note = derivations.get(refuted).note
        for n in narrower:
            assert n in ids and n in note
