"""Bad input: each case gets a message naming the claim and the problem, and the right exit status.

Cases (issue 5): a symbol with no domain, a cost not differentiable where sampled (a kink), a
claimed gradient of the wrong shape, an implementation that returns NaN or raises, float32
inputs/outputs, a SymPy simplification that does not finish within its time bound.  In every
``gradproof check`` run a good claim sits next to the bad one and must still be checked.
"""

from __future__ import annotations

import textwrap

import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp

import checkers
from checkers import Float32Error, kinks
from checkers.cli import main
from checkers.implementation import ImplementationError, verify_implementation
from derivations import ClaimError, closed_interval, real_line
from derivations.build import gradient_claim

POINTS = "128"
u, w, x, b = sp.symbols("u w x b", real=True)

GOOD = """
import sympy as sp
from derivations import real_line
from derivations.build import gradient_claim
v = sp.Symbol("v", real=True)
good = gradient_claim("bad_input.good", v**3, v, 3 * v**2, domain={v: real_line()})
"""


class _Out:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def check(capsys):
    """Write a claims file (the good claim, then ``body``) and run ``gradproof check`` on it
    (``checkers.cli.main`` in-process; ``tests/test_check_cli.py`` runs the command itself)."""

    def call(tmp_path, body, *extra):
        f = tmp_path / "claims.py"
        f.write_text(GOOD + textwrap.dedent(body))
        capsys.readouterr()
        code = main(["check", str(f), "--points", POINTS, *extra])
        cap = capsys.readouterr()
        return _Out(code, cap.out, cap.err), cap.out + cap.err

    return call


# -- a symbol with no domain ----------------------------------------------------------------------

def test_no_domain_is_a_claim_error_naming_claim_and_symbol():
    with pytest.raises(ClaimError, match=r"^mine\.g: symbol\(s\) x have no domain; add them to "
                                         r"domain= with an Interval"):
        gradient_claim("mine.g", u**2 * x, u, 2 * u * x, domain={u: real_line()})


def test_no_domain_in_check_exits_2_and_still_checks_the_other_claim(tmp_path, check):
    out, text = check(tmp_path, """
        x = sp.Symbol("x", real=True)
        bad = gradient_claim("bad_input.no_domain", v**2 * x, v, 2 * v * x, domain={v: real_line()})
        """)
    assert out.returncode == 2, text
    assert "claims.py:9: malformed claim: bad_input.no_domain: symbol(s) x have no domain" in text
    assert "bad_input.good" in out.stdout and "PROVED" in out.stdout


# -- a kink ----------------------------------------------------------------------------------------

RELU_TORCH = gradient_claim("bad_input.relu", sp.Max(u, 0), u, sp.Piecewise((1, u > 0), (0, True)),
                            domain={u: real_line()})


def test_kink_is_named_instead_of_a_mismatch():
    # The raw witnesses would see a "mismatch" at u = 0, where relu has no derivative ...
    assert kinks.on_kink(kinks.find_kinks(RELU_TORCH), RELU_TORCH.variables, [[0.0], [1.0]]).tolist() \
        == [0, -1]
    # ... which checkers.verify (behind every entry point) names, and sets aside; the claim holds
    # everywhere else.
    res = checkers.verify(RELU_TORCH, points=128)
    assert res.verdict == "VERIFIED", str(res)
    assert "not differentiable where u = 0 (kink of Max(0, u))" in res.message
    assert res.set_aside >= 1


def test_wrong_off_the_kink_is_still_refuted_off_the_kink():
    claim = gradient_claim("bad_input.abs_wrong", sp.Abs(u), u, sp.Piecewise((2, u > 0), (-1, True)),
                           domain={u: real_line()})
    res = checkers.verify(claim, points=128)
    assert res.verdict == "REFUTED"
    assert float(res.counterexample.point["u"]) > 0      # d|u|/du = 1, not 2, for u > 0


def test_kink_in_an_implementation_is_set_aside_and_counted():
    claim = gradient_claim("bad_input.relu_h", sp.Max(u, 0), u, sp.Heaviside(u),
                           domain={u: real_line()})
    import jax

    res = verify_implementation(jax.nn.relu, claim, points=128)   # relu'(0) = 0, SymPy's H(0) = 1/2
    assert res.verdict == "VERIFIED", str(res)
    assert "on a kink of the cost set aside (u = 0 (kink of Max(0, u)))" in \
        res.witness("implementation gradient").detail


def test_kink_in_check_exit_status(tmp_path, check):
    out, text = check(tmp_path, """
        u = sp.Symbol("u", real=True)
        relu = gradient_claim("bad_input.relu", sp.Max(u, 0), u,
                              sp.Piecewise((1, u > 0), (0, True)), domain={u: real_line()})
        """)
    assert out.returncode == 0, text
    assert "not differentiable where u = 0 (kink of Max(0, u))" in text


# -- a claimed gradient of the wrong shape ------------------------------------------------------------

def test_wrong_shape_is_a_claim_error():
    with pytest.raises(ClaimError, match=r"^mine\.shape: claimed derivative has shape \(1, 1\), but "
                                         r"d\(cost\)/d\(wrt\) has shape \(1, 2\)"):
        gradient_claim("mine.shape", (w + b) ** 2, (w, b), 2 * (w + b),
                       domain={w: real_line(), b: real_line()})


def test_wrong_shape_in_check_exits_2(tmp_path, check):
    out, text = check(tmp_path, """
        w, b = sp.symbols("w b", real=True)
        bad = gradient_claim("bad_input.shape", (w + b) ** 2, (w, b), 2 * (w + b),
                             domain={w: real_line(), b: real_line()})
        """)
    assert out.returncode == 2, text
    assert "bad_input.shape: claimed derivative has shape (1, 1)" in text
    assert "bad_input.good" in out.stdout


def test_numpy_backward_of_the_wrong_shape_is_an_implementation_error():
    claim = gradient_claim("mine.wb", (w * x + b) ** 2, (w, b), (2 * (w * x + b) * x, 2 * (w * x + b)),
                           domain={w: real_line(), x: real_line(), b: real_line()})

    def f(w, x, b):
        return (w * x + b) ** 2

    def df(w, x, b):
        return 2 * (w * x + b) * x          # forgot the gradient for b

    with pytest.raises(ImplementationError, match=r"^mine\.wb: grad of implementation f returned 1 "
                                                  r"gradient\(s\); expected one per argument"):
        verify_implementation(f, claim, grad=df, points=16)


# -- an implementation that returns NaN or raises -------------------------------------------------

TANH = gradient_claim("bad_input.tanh", sp.tanh(u) ** 2, u, 2 * sp.tanh(u) * (1 - sp.tanh(u) ** 2),
                      domain={u: real_line()})


def test_implementation_returning_nan_is_refuted_with_the_point():
    res = verify_implementation(lambda u: jnp.where(u > 20, jnp.nan, jnp.tanh(u) ** 2), TANH,
                                points=256, check_claim=False)
    assert res.verdict == "REFUTED"
    ce = res.witness("implementation value").counterexample
    assert ce.claimed == "nan" and float(ce.point["u"]) > 20 and float(ce.true) == pytest.approx(1.0)
    assert res.witness("implementation value").detail.startswith("bad_input.tanh: counterexample")


def test_implementation_that_raises_is_an_error_naming_claim_point_and_exception():
    def f(u):
        if u > 100:
            raise ValueError("overflow guard")
        return np.tanh(u) ** 2

    def df(u):
        return 2 * np.tanh(u) * (1 - np.tanh(u) ** 2)

    res = verify_implementation(f, TANH, grad=df, points=256, check_claim=False)
    assert res.verdict == "ERROR"
    assert res.message.startswith("bad_input.tanh: implementation f raised ValueError: overflow "
                                  "guard at u=")
    assert "points" in res.message
    # the points where it did not raise were still compared
    assert res.witness("implementation value").status == "PASS"


def test_jax_function_that_cannot_be_traced_is_an_error_with_a_hint():
    def f(u):
        return float(u) ** 2              # not traceable

    res = verify_implementation(f, TANH, points=16, check_claim=False)
    assert res.verdict == "ERROR"
    assert "bad_input.tanh: implementation f could not be evaluated" in res.message
    assert "pass grad= for a NumPy implementation" in res.message


def test_implementations_in_check_nan_exits_1_raise_exits_2(tmp_path, check):
    body = """
        import jax.numpy as jnp
        from checkers.implementation import Implementation
        u = sp.Symbol("u", real=True)
        tanh = gradient_claim("bad_input.tanh", sp.tanh(u) ** 2, u,
                              2 * sp.tanh(u) * (1 - sp.tanh(u) ** 2), domain={u: real_line()})
        def nan_impl(u):
            return jnp.where(u > 20, jnp.nan, jnp.tanh(u) ** 2)
        CLAIMS = [good, tanh, Implementation(nan_impl, tanh)]
        """
    out, text = check(tmp_path, body)
    assert out.returncode == 1, text
    assert "bad_input.tanh.impl_nan_impl" in out.stdout and "implementation nan" in out.stdout
    out, text = check(tmp_path, body.replace("jnp.where(u > 20, jnp.nan, jnp.tanh(u) ** 2)",
                                             "float(u)"))
    assert out.returncode == 2, text
    assert "bad_input.tanh: implementation nan_impl could not be evaluated" in text
    assert "PROVED" in out.stdout                       # the claims were still checked


# -- float32 ---------------------------------------------------------------------------------------

def test_float32_output_is_refused():
    with pytest.raises(Float32Error, match=r"^bad_input\.tanh: output of implementation <lambda>: "
                                           r"got a float32 array"):
        verify_implementation(lambda u: (jnp.tanh(u) ** 2).astype(jnp.float32), TANH, points=16)


def test_float32_numpy_gradient_is_refused():
    with pytest.raises(Float32Error, match=r"^bad_input\.tanh: gradient of implementation f: got a "
                                           r"float32 array"):
        verify_implementation(lambda u: np.tanh(u) ** 2, TANH, name="f", points=16,
                              grad=lambda u: np.float32(2 * np.tanh(u) * (1 - np.tanh(u) ** 2)))


def test_float32_points_are_refused():
    with pytest.raises(Float32Error, match=r"^bad_input\.tanh: points given in at= .* float32"):
        verify_implementation(lambda u: jnp.tanh(u) ** 2, TANH, at=np.array([[0.5]], np.float32))


def test_float32_in_check_exits_2_and_other_claims_still_checked(tmp_path, check):
    out, text = check(tmp_path, """
        import jax.numpy as jnp
        from checkers.implementation import Implementation
        u = sp.Symbol("u", real=True)
        tanh = gradient_claim("bad_input.tanh", sp.tanh(u) ** 2, u,
                              2 * sp.tanh(u) * (1 - sp.tanh(u) ** 2), domain={u: real_line()})
        impl = Implementation(lambda u: (jnp.tanh(u) ** 2).astype(jnp.float32), tanh, name="f32")
        """)
    assert out.returncode == 2, text
    assert "bad_input.tanh (implementation f32): bad_input.tanh: output of implementation f32: got a " \
           "float32 array" in text
    assert out.stdout.count("PROVED") >= 2              # bad_input.good and bad_input.tanh


# -- SymPy does not finish --------------------------------------------------------------------------

_T1 = sp.tanh(w * x + b)
_T3 = sp.tanh(sp.tanh(_T1))
SLOW = gradient_claim(   # proving it takes SymPy about 10 s (cancel after rewrite(exp))
    "bad_input.tanh4", sp.tanh(_T3), w,
    sp.sech(_T3) ** 2 * sp.sech(sp.tanh(_T1)) ** 2 * sp.sech(_T1) ** 2 * sp.sech(w * x + b) ** 2 * x,
    domain={w: closed_interval(-3, 3), x: closed_interval(-3, 3), b: closed_interval(-3, 3)})


def test_sympy_time_bound_gives_undecided_symbolic_witness_with_message():
    res = checkers.verify(SLOW, points=128, symbolic_seconds=1.0)
    sym = res.witness("symbolic")
    assert sym.status == "UNDECIDED" and sym.detail == "SymPy did not finish within 1 s"
    assert res.verdict == "VERIFIED"          # the numeric witnesses still decide
    assert "symbolic            UNDECIDED time bound" in str(res)


def test_sympy_time_bound_in_check(tmp_path, check):
    out, text = check(tmp_path, """
        w, x, b = sp.symbols("w x b", real=True)
        t1 = sp.tanh(w * x + b)
        t3 = sp.tanh(sp.tanh(t1))
        from derivations import closed_interval
        slow = gradient_claim("bad_input.tanh4", sp.tanh(t3), w,
            sp.sech(t3)**2 * sp.sech(sp.tanh(t1))**2 * sp.sech(t1)**2 * sp.sech(w * x + b)**2 * x,
            domain={w: closed_interval(-3, 3), x: closed_interval(-3, 3), b: closed_interval(-3, 3)})
        """, "--symbolic-seconds", "1")
    assert out.returncode == 0, text
    assert "bad_input.tanh4" in out.stdout and "symbolic UNDECIDED (SymPy did not finish within 1 s)" \
        in out.stdout


# -- interval ends given as SymPy (or other) numbers ---------------------------------------------------

def test_sympy_interval_ends_are_checked_not_a_traceback(tmp_path, check):
    out, text = check(tmp_path, """
        import fractions
        import numpy as np
        from derivations import closed_interval, open_interval
        a, t = sp.symbols("a t", real=True)
        half = gradient_claim("bad_input.log_half", sp.log(a), a, 1 / a,
                              domain={a: open_interval(0, sp.Rational(1, 2))})
        pi = gradient_claim("bad_input.sin_pi", sp.sin(t), t, sp.cos(t),
                            domain={t: closed_interval(sp.Integer(-1), sp.pi)})
        mixed = gradient_claim("bad_input.mixed_ends", t**2, t, 2 * t,
                               domain={t: open_interval(fractions.Fraction(1, 3), np.float32(2.5))})
        """)
    assert out.returncode == 0, text
    assert "Traceback" not in text and "nextafter" not in text
    rows = {line.split()[0]: line.split()[1] for line in out.stdout.splitlines()
            if line.startswith("bad_input.")}
    assert rows == {"bad_input.good": "PROVED", "bad_input.log_half": "PROVED",
                    "bad_input.sin_pi": "PROVED", "bad_input.mixed_ends": "PROVED"}, out.stdout


def test_sympy_ends_sample_inside_the_exact_interval():
    from checkers.sampling import sample
    from derivations import open_interval

    t = sp.Symbol("t", real=True)
    claim = gradient_claim("bad_input.sin_pi", sp.sin(t), t, sp.cos(t),
                           domain={t: closed_interval(sp.Rational(-1, 3), sp.pi)})
    pts = sample(claim, 512, 0).points[:, 0]
    assert pts.min() == claim.domain[0][1].lo and pts.max() == claim.domain[0][1].hi  # closed ends
    assert all(sp.Rational(-1, 3) <= sp.Rational(*float(v).as_integer_ratio()) <= sp.pi
               for v in (pts.min(), pts.max()))
    half = gradient_claim("bad_input.log_half", sp.log(t), t, 1 / t,
                          domain={t: open_interval(0, sp.Rational(1, 2))})
    pts = sample(half, 512, 0).points[:, 0]
    assert pts.min() > 0 and pts.max() < 0.5 and pts.max() == np.nextafter(0.5, 0)


def test_non_real_interval_end_in_check_names_the_line(tmp_path, check):
    out, text = check(tmp_path, """
        from derivations import open_interval
        a = sp.Symbol("a", real=True)
        bad = gradient_claim("bad_input.complex_end", a**2, a, 2 * a,
                             domain={a: open_interval(0, sp.I)})
        """)
    assert out.returncode == 2, text
    assert "claims.py:11: malformed claim: Interval: the upper end I is not a real number" in text
    assert "bad_input.good" in out.stdout and "PROVED" in out.stdout


# -- a file that stops at a malformed claim: what it built before is checked --------------------------

def test_claims_list_stopping_at_a_malformed_claim_checks_the_claims_built_before(tmp_path, check):
    out, text = check(tmp_path, """
        CLAIMS = [
            good,
            gradient_claim("bad_input.square", v**2, v, 2 * v, domain={v: real_line()}),
            gradient_claim("bad_input.cube_typo", v**3, v, 3 * v, domain={v: real_line()}),
            gradient_claim("bad_input.no_domain", v**2, v, 2 * v, domain={}),
            gradient_claim("bad_input.never_built", v**4, v, 4 * v**3, domain={v: real_line()}),
        ]
        """)
    assert out.returncode == 2, text
    table = out.stdout.split("\n\n")[0]
    rows = [line.split()[:2] for line in table.splitlines() if line.startswith("bad_input.")]
    assert rows == [["bad_input.good", "PROVED"], ["bad_input.square", "PROVED"],
                    ["bad_input.cube_typo", "REFUTED"]], out.stdout      # checked, not skipped
    assert "claims.py:12: malformed claim: bad_input.no_domain: symbol(s) v have no domain" in text
    assert "the 3 entries built before it are checked" in text
    assert "bad_input.never_built" not in out.stdout


def test_any_exception_stops_the_file_and_the_claims_before_it_are_checked(tmp_path, check):
    out, text = check(tmp_path, """
        square = gradient_claim("bad_input.square", v**2, v, 2 * v, domain={v: real_line()})
        forgot = gradient_claim("bad_input.forgot", v**2, v, domain={v: real_line()})
        """)
    assert out.returncode == 2, text
    assert ("claims.py:9: TypeError: gradient_claim() missing 1 required positional argument: "
            "'claimed' (the file stops here") in text
    rows = {line.split()[0]: line.split()[1] for line in out.stdout.splitlines()
            if line.startswith("bad_input.")}
    assert rows == {"bad_input.good": "PROVED", "bad_input.square": "PROVED"}, out.stdout


def test_claims_built_elsewhere_or_held_by_an_implementation_are_not_added(tmp_path, check):
    """Only claims built by the file itself and held by no entry are added (not the catalog's claims
    an import builds, nor an Implementation's own claim)."""
    (tmp_path / "bad_input_helper_module.py").write_text(GOOD.replace("bad_input.good",
                                                                       "bad_input.from_helper"))
    out, text = check(tmp_path, """
        import bad_input_helper_module                  # builds a claim at import, in another file
        from checkers.implementation import Implementation
        impl = Implementation(lambda v: v**3, gradient_claim("bad_input.held", v**3, v, 3 * v**2,
                                                             domain={v: real_line()}))
        raise RuntimeError("stop")
        """)
    assert out.returncode == 2, text
    table = out.stdout.split("\n\n")[0]
    ids = [line.split()[0] for line in table.splitlines() if line.startswith("bad_input.")]
    assert ids == ["bad_input.good", "bad_input.held.impl_lambda"], out.stdout
    assert "RuntimeError: stop (the file stops here" in text


# -- upper-case claim ids ------------------------------------------------------------------------------

def test_upper_case_ids_are_checked(tmp_path, check):
    out, text = check(tmp_path, """
        mine = gradient_claim("MyNotes.dL_dW", v**2, v, 2 * v, domain={v: real_line()})
        """)
    assert out.returncode == 0, text
    assert any(line.startswith("MyNotes.dL_dW ") and " PROVED " in line
               for line in out.stdout.splitlines()), out.stdout
