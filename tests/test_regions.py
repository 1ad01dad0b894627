"""Where a refuted claim holds (checkers/regions.py, checkers/scalar_regions.py,
checkers/indexed/regions.py): found, stated, checked, and the same from every entry point."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import sympy as sp

import checkers
import derivations
from checkers.engine import verify
from checkers.testing import assert_claim
from checkers.indexed.regions import partitions
from checkers.kinds import Kind
from checkers.regions import find_region
from derivations import open_interval, real_line
from derivations.build import gradient_claim, inequality_claim

u, w, x = sp.symbols("u w x", real=True)
POINTS = 64


def _region(claim):
    res = verify(claim, points=POINTS)
    assert res.verdict == "REFUTED", str(res)
    assert res.region is not None, str(res)
    return res.region


def test_wrong_for_negative_arguments_only():
    """d/du (u |u|) = 2|u|, claimed 2u: true exactly for u >= 0; SymPy's set, both cells PROVED."""
    reg = _region(gradient_claim("reg.abs_square", u * sp.Abs(u), u, 2 * u, domain={u: real_line()}))
    assert reg.text == "holds iff u in [0, oo)" and reg.status == "PROVED" and not reg.nowhere
    assert dict(reg.cells) == {"u in (0, oo)": "PROVED", "u = 0": "PROVED"}
    assert reg.latex == r"u \in \left[0, \infty\right)"


def test_relu_slope_one_holds_right_of_the_kink():
    reg = _region(gradient_claim("reg.relu", sp.Max(0, u), u, sp.Integer(1), domain={u: real_line()}))
    assert reg.text == "holds iff u in (0, oo)" and reg.status == "PROVED"


def test_inequality_holds_on_two_intervals():
    """u^2 > u iff u < 0 or u > 1: two open cells, each PROVED (sign certificate)."""
    reg = _region(inequality_claim("reg.square_above", u**2, ">", u, domain={u: real_line()}))
    assert reg.text == "holds iff u in (-oo, 0) or (1, oo)", reg
    assert dict(reg.cells) == {"u in (-oo, 0)": "PROVED", "u in (1, oo)": "PROVED"}


def test_wrong_everywhere_is_proved_nowhere():
    """A constant residual (3u^2 against 3u^2 + 1) and a set SymPy shows empty (1/y + 1/(1-y)
    never vanishes on (0, 1))."""
    reg = _region(gradient_claim("reg.cube", u**3, u, 3 * u**2 + 1, domain={u: real_line()}))
    assert reg.nowhere and reg.status == "PROVED" and "= -1 at every point" in reg.witness
    y = sp.Symbol("y", real=True)
    reg = _region(derivations.build.equality_claim("reg.never_zero", 1 / y + 1 / (1 - y), 0,
                                                   domain={y: open_interval(0, 1)}))
    assert reg.nowhere and reg.status == "PROVED" and reg.text == "holds nowhere on the domain"


def test_several_variables_split_by_the_factors_of_the_residual():
    """d/dw (w x)^2 / 2 claimed w x (a factor x lost): the residual w x (x - 1) vanishes iff
    w = 0 or x in {0, 1} -- solving for w alone would miss x = 0 and x = 1."""
    claim = gradient_claim("reg.missing_x", (w * x) ** 2 / 2, w, w * x,
                           domain={w: real_line(), x: real_line()})
    reg = _region(claim)
    assert reg.text == "holds iff w = 0 or x in {0, 1}" and reg.status == "PROVED", reg
    assert dict(reg.cells) == {"w = 0": "PROVED", "x = 0": "PROVED", "x = 1": "PROVED"}


def test_no_closed_form_gives_the_set_described_by_the_sample():
    """e^u = 1 + u only at u = 0 (solveset gives no exact set): described from the sampled
    points, with u = 1e-100 not counted as holding (its residual is 5e-201, resolved by the
    conditioned precision)."""
    reg = _region(gradient_claim("reg.exp_linear", sp.exp(u), u, 1 + u, domain={u: real_line()}))
    assert reg.status == "UNDECIDED" and "(u = 0)" in reg.text, reg


def test_index_cells_of_an_any_k_claim():
    """dL/dp_k = -1/p_k (Miranda as written) holds iff k = y_i, for every K: the k = y_i cell is
    PROVED and the k != y_i cell REFUTED."""
    res = checkers.verify(derivations.get("miranda.dl_dp_as_written"), points=POINTS)
    reg = res.region
    assert reg.text == "holds iff k = y_i" and reg.status == "PROVED"
    assert dict(reg.cells) == {"k = y_i": "PROVED", "k != y_i": "REFUTED"}


@pytest.mark.parametrize("n, bell", [(0, 1), (1, 1), (2, 2), (3, 5), (4, 15)])
def test_index_cells_are_the_set_partitions(n, bell):
    parts = list(partitions(range(n)))
    assert len(parts) == bell
    assert len({tuple(tuple(b) for b in p) for p in parts}) == bell
    assert all(sorted(i for b in p for i in b) == list(range(n)) for p in parts)


def test_a_claim_that_holds_gets_no_region_and_the_search_can_be_switched_off():
    ok = verify(gradient_claim("reg.ok", u**2, u, 2 * u, domain={u: real_line()}), points=POINTS)
    assert ok.verdict == "PROVED" and ok.region is None
    bad = verify(gradient_claim("reg.bad", u**2, u, u, domain={u: real_line()}), points=POINTS,
                 region=False)
    assert bad.verdict == "REFUTED" and bad.region is None


def test_a_failing_region_search_is_reported_not_raised():
    def broken(claim, witnesses, **kw):
        raise ValueError("no luck")

    claim = gradient_claim("reg.err", u**2, u, u, domain={u: real_line()})
    reg = find_region(claim, Kind("gradient", region=broken), [], seed=0, points=8,
                      check=lambda c: None)
    assert reg.status == "UNDECIDED" and "ValueError: no luck" in reg.witness
    reg = find_region(claim, Kind("gradient"), [], seed=0, points=8, check=lambda c: None)
    assert reg.status == "UNDECIDED" and "not searched" in reg.text


CLAIMS_FILE = """
import sympy as sp
from derivations import real_line
from derivations.build import gradient_claim

u = sp.Symbol("u", real=True)
relu = gradient_claim("reg.relu_file", sp.Max(0, u), u, sp.Integer(1), domain={u: real_line()})
"""


def test_every_entry_point_shows_the_same_region(tmp_path):
    """``gradproof check`` (table, block and --json), ``checkers.verify`` (``print``) and
    ``assert_claim`` (its message) name the same region."""
    f = tmp_path / "relu_claims.py"
    f.write_text(textwrap.dedent(CLAIMS_FILE))
    js = tmp_path / "out.json"
    out = subprocess.run([sys.executable, "-m", "checkers.cli", "check", str(f), "--points",
                          str(POINTS), "--json", str(js)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "holds iff u in (0, oo) (PROVED)" in out.stdout
    assert "  holds    holds iff u in (0, oo) [PROVED:" in out.stdout
    record = json.loads(js.read_text())["claims"][0]["region"]
    assert record["text"] == "holds iff u in (0, oo)" and record["status"] == "PROVED"
    assert record["cells"] == [{"where": "u in (0, oo)", "verdict": "PROVED"}]
    claim = gradient_claim("reg.relu_file", sp.Max(0, u), u, sp.Integer(1), domain={u: real_line()})
    res = verify(claim, points=POINTS)
    assert res.region.to_dict() == record
    assert "where it holds: holds iff u in (0, oo) [PROVED" in str(res)
    with pytest.raises(AssertionError, match=r"where it holds: holds iff u in \(0, oo\)"):
        assert_claim(claim, points=POINTS)


def test_a_batch_quantity_equated_with_a_per_sample_one_holds_for_one_sample(result_of):
    """Ko's boxed dC/db^L = delta^L = (1/n) sum_x (a^L - y): every per-sample error equals the
    batch average when the batch has one sample; refuted at n = 2 exactly and at n = 64."""
    reg = result_of("backprop.bp3_output_boxed").region
    assert reg.text == "holds iff the batch has one sample (n = 1)" and reg.status == "VERIFIED"
    assert dict(reg.cells) == {"n = 1": "PROVED", "n = 2 (proof networks)": "REFUTED",
                               "n = 64 (numeric networks)": "REFUTED"}


def test_a_network_claim_for_one_batch_size_is_checked_at_that_size():
    from checkers.network import networks_for

    claim = derivations.get("backprop.bp3_output_boxed").replace(id="reg.one_sample", batch=1)
    assert claim.proof_batch == 1 and {s.batch for s in networks_for(claim)} == {1}
    with pytest.raises(derivations.ClaimError, match="batch must be None or a positive int"):
        claim.replace(id="reg.no_sample", batch=0)


def test_relations_between_variables_are_regions_too():
    """The README's typo (1 - a for 1 - a^2 in d/dw of (tanh(w x + b) - y)^2 / 2): the residual
    is (a - y) a (1 - a) x up to sign, which vanishes iff b = -w x (a = 0), x = 0 or
    y = tanh(w x + b); each relation cell is the claim with the variable substituted (after
    differentiating), PROVED."""
    b, y = sp.symbols("b y", real=True)
    a = sp.tanh(w * x + b)
    claim = gradient_claim("reg.tanh_typo", (a - y) ** 2 / 2, w, (a - y) * (1 - a) * x,
                           domain={w: real_line(), b: real_line(), x: real_line(), y: real_line()})
    reg = _region(claim)
    assert reg.text == "holds iff b = -w*x or x = 0 or y = tanh(b + w*x)" and reg.status == "PROVED"
    assert dict(reg.cells) == {"b = -w*x": "PROVED", "x = 0": "PROVED", "y = tanh(b + w*x)": "PROVED"}


def test_a_claim_with_no_variable_is_checked_at_its_one_point():
    zero = derivations.build.equality_claim("reg.const_true", sp.Integer(0), 0, domain={})
    assert verify(zero, points=POINTS).verdict == "PROVED"
    one = derivations.build.equality_claim("reg.const_false", sp.Integer(1), 0, domain={})
    res = verify(one, points=POINTS)
    assert res.verdict == "REFUTED" and res.region.nowhere and res.region.status == "PROVED"


def test_an_irrational_point_is_a_cell_checked_exactly():
    """d/du u^3/3 = u^2 claimed as 2: holds only at u = +-sqrt(2), which float64 cannot hold
    (a closed interval [sqrt 2, sqrt 2] rounded inward is empty): each cell is the claim with
    u substituted exactly, PROVED."""
    reg = _region(gradient_claim("reg.sqrt2", u**3 / 3, u, 2 + 0 * u, domain={u: real_line()}))
    assert reg.text == "holds only at u in {sqrt(2), -sqrt(2)}" and reg.status == "PROVED", reg
    assert dict(reg.cells) == {"u = -sqrt(2)": "PROVED", "u = sqrt(2)": "PROVED"}
