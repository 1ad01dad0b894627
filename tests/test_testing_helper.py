"""checkers.testing: one-line assertions whose failure message carries the counterexample."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import jax
import jax.numpy as jnp
import pytest
import sympy as sp

from checkers.testing import assert_claim, assert_implementation
from derivations import real_line
from derivations.build import gradient_claim

POINTS = 128
w, x, u = sp.symbols("w x u", real=True)
RIGHT = gradient_claim("helper.tanh_wx", sp.tanh(w * x), w, (1 - sp.tanh(w * x) ** 2) * x,
                       domain={w: real_line(), x: real_line()})
TYPO = RIGHT.replace(id="helper.tanh_wx_typo", claimed=sp.ImmutableMatrix([[(1 - sp.tanh(w * x)) * x]]))


def test_assert_claim_passes_and_returns_the_result():
    res = assert_claim(RIGHT, points=POINTS)
    assert res.verdict == "PROVED"


def test_assert_claim_failure_names_point_values_and_entry():
    with pytest.raises(AssertionError) as info:
        assert_claim(TYPO, points=POINTS)
    msg = str(info.value)
    assert msg.startswith("helper.tanh_wx_typo is REFUTED")
    point = re.search(r"at       w = (\S+), x = (\S+)", msg)
    assert point is not None, msg
    assert "entry    d/dw" in msg
    # The two values shown are the claim and the truth at that point (recomputed here).
    wv, xv = (float(sp.Rational(v)) for v in point.groups())
    t = sp.tanh(sp.Float(wv * xv, 30))
    claimed = float(re.search(r"claimed  .*?(-?[\d.]+(?:e-?\d+)?)$", msg, re.M).group(1))
    true = float(re.search(r"true     .*?(-?[\d.]+(?:e-?\d+)?)$", msg, re.M).group(1))
    assert claimed == pytest.approx(float((1 - t) * xv), rel=1e-9)
    assert true == pytest.approx(float((1 - t**2) * xv), rel=1e-9)
    assert "evidence:" in msg and "symbolic" in msg


def test_assert_claim_does_not_fail_on_a_kink_convention():
    relu = gradient_claim("helper.relu", sp.Max(u, 0), u, sp.Piecewise((1, u > 0), (0, True)),
                          domain={u: real_line()})
    assert assert_claim(relu, points=POINTS).verdict == "VERIFIED"


def _vjp(derivative):
    @jax.custom_vjp
    def f(w, x):
        return jnp.tanh(w * x)

    def fwd(w, x):
        return jnp.tanh(w * x), (jnp.tanh(w * x), w, x)

    def bwd(res, g):
        t, w, x = res
        return g * derivative(t) * x, g * derivative(t) * w

    f.defvjp(fwd, bwd)
    return f


def test_assert_implementation_passes_for_the_right_backward_pass():
    assert assert_implementation(_vjp(lambda t: 1 - t**2), RIGHT, points=POINTS).verdict == "VERIFIED"


def test_assert_implementation_failure_carries_the_counterexample():
    with pytest.raises(AssertionError) as info:
        assert_implementation(_vjp(lambda t: 1 - t), RIGHT, points=POINTS, name="my_vjp")
    msg = str(info.value)
    assert msg.startswith("helper.tanh_wx (implementation my_vjp) is REFUTED")
    assert "counterexample (found by implementation gradient):" in msg
    assert re.search(r"  at       w = \S+, x = \S+", msg) and "entry    d/dw" in msg
    assert "implementation " in msg and "claimed derivative " in msg


@pytest.mark.slow
def test_in_a_users_pytest_run(tmp_path):
    """A user's test file: the pytest report shows the counterexample lines.

    Slow (a pytest subprocess); ``tests/test_readme_example.py`` runs the README's pytest example
    by default and checks the same lines."""
    (tmp_path / "test_user.py").write_text(textwrap.dedent("""
        import sympy as sp
        from checkers.testing import assert_claim
        from derivations import real_line
        from derivations.build import gradient_claim

        v = sp.Symbol("v", real=True)

        def test_square():
            assert_claim(gradient_claim("user.square", v**2, v, 2 * v, domain={v: real_line()}),
                         points=32)

        def test_cube_typo():
            assert_claim(gradient_claim("user.cube", v**3, v, 3 * v, domain={v: real_line()}),
                         points=32)
        """))
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "test_user.py"], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert out.returncode == 1, out.stdout
    assert "1 failed, 1 passed" in out.stdout
    assert "AssertionError: user.cube is REFUTED" in out.stdout
    assert re.search(r"E\s+at\s+v = \S+", out.stdout) and re.search(r"E\s+entry\s+d/dv", out.stdout)
