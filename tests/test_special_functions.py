"""Every SymPy function a user writes evaluates (issue 13): ``gradproof check`` on
``examples/special_functions_claims.py`` (one correct derivative per function), the same claims
made wrong (each REFUTED), a function with no numeric translation (an ERROR row naming it, the
other claims still checked), ``checkers.verify`` on an ``erf`` claim and the exact GELU of
``jax.nn`` through ``checkers.verify_implementation``.

``checkers.cli.main`` runs in process, as in ``tests/test_check_cli.py``.
"""

from __future__ import annotations

import functools
import pathlib
import textwrap

import jax
import pytest
import sympy as sp

from checkers import verify, verify_implementation
from checkers.cli import main
from derivations import real_line
from derivations.build import gradient_claim

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "special_functions_claims.py"
POINTS = 256

#: the example's claim ids, each with the function it exercises
FUNCTIONS = ("erf", "erfc", "gamma", "loggamma", "digamma", "polygamma", "besseli", "lowergamma",
             "uppergamma", "Ei", "beta", "erfinv", "heaviside", "sign", "max", "min", "piecewise")

HEADER = """
import sympy as sp
from derivations import open_interval, positive, real_line
from derivations.build import gradient_claim
x, y, a, b = sp.symbols("x y a b", real=True)
R, P = {x: real_line()}, {x: positive()}
s = sp.Rational(1, 3)
psi = lambda u: sp.polygamma(0, u)
XY = {x: real_line(), y: real_line()}
"""

#: one wrong derivative per function, each a plausible slip
WRONG = """
CLAIMS = [
    gradient_claim("wrong.erf", sp.erf(x), x, 1 / sp.sqrt(sp.pi) * sp.exp(-x**2), domain=R),
    gradient_claim("wrong.erfc", sp.erfc(x), x, 2 / sp.sqrt(sp.pi) * sp.exp(-x**2), domain=R),
    gradient_claim("wrong.gamma", sp.gamma(x), x, sp.gamma(x) * sp.log(x),
                   domain={x: open_interval(0, 60)}),
    gradient_claim("wrong.loggamma", sp.loggamma(x), x, psi(x + 1), domain={x: open_interval(1e-3, 50)}),
    gradient_claim("wrong.digamma", sp.digamma(x), x, sp.polygamma(1, x + 1), domain=P),
    gradient_claim("wrong.polygamma", sp.polygamma(1, x), x, -sp.polygamma(2, x), domain=P),
    gradient_claim("wrong.besseli", sp.besseli(0, x), x, sp.besseli(0, x),
                   domain={x: open_interval(-700, 700)}),
    gradient_claim("wrong.lowergamma", sp.lowergamma(s, x), x, x**s * sp.exp(-x), domain=P),
    gradient_claim("wrong.uppergamma", sp.uppergamma(s, x), x, x**(s - 1) * sp.exp(-x),
                   domain={x: open_interval(1e-3, 50)}),
    gradient_claim("wrong.Ei", sp.Ei(x), x, sp.exp(-x) / x, domain=P),
    gradient_claim("wrong.beta", sp.beta(a, b), a, sp.beta(a, b) * (psi(a) - psi(b)),
                   domain={a: open_interval(0, 50), b: open_interval(0, 50)}),
    gradient_claim("wrong.erfinv", sp.erfinv(x), x, sp.sqrt(sp.pi) / 2 * sp.exp(-sp.erfinv(x)**2),
                   domain={x: open_interval(-1, 1)}),
    gradient_claim("wrong.heaviside", x * sp.Heaviside(x), x, sp.Heaviside(-x), domain=R),
    gradient_claim("wrong.sign", sp.Abs(x), x, -sp.sign(x), domain=R),
    gradient_claim("wrong.max", sp.Max(x, y), (x, y), (sp.Heaviside(y - x), sp.Heaviside(x - y)), domain=XY),
    gradient_claim("wrong.min", sp.Min(x, y), (x, y), (sp.Heaviside(x - y), sp.Heaviside(y - x)), domain=XY),
    gradient_claim("wrong.piecewise",
                   sp.Piecewise((x**2 / 2, sp.Abs(x) <= 1), (sp.Abs(x) - sp.Rational(1, 2), True)), x,
                   x, domain=R),
]
"""


@pytest.fixture
def run(capsys):
    """``main(args)`` in process: (exit status, stdout + stderr)."""

    def call(*args):
        capsys.readouterr()
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out + out.err

    return call


def _rows(text, prefix):
    """The table's ``claim -> verdict`` (not the counterexample blocks, ``id: VERDICT``)."""
    return {line.split()[0]: line.split()[1] for line in text.splitlines()
            if line.startswith(prefix) and not line.split()[0].endswith(":")}


def test_every_special_function_claim_holds(run):
    code, out = run("check", EXAMPLE, "--points", POINTS)
    assert "Traceback" not in out
    rows = _rows(out, "special.")
    assert set(rows) == {f"special.{f}" for f in FUNCTIONS}, out
    # Heaviside's derivative is a DiracDelta SymPy cannot show to vanish: verified, not proved
    assert {k: v for k, v in rows.items() if v not in ("PROVED", "VERIFIED")} == {}, out
    assert rows["special.erf"] == "PROVED" and rows["special.besseli"] == "PROVED"
    assert code == 0 and "exit status 0" in out


def test_every_wrong_special_function_claim_is_refuted(run, tmp_path):
    f = tmp_path / "wrong_special.py"
    f.write_text(HEADER + textwrap.dedent(WRONG))
    code, out = run("check", f, "--points", POINTS)
    assert "Traceback" not in out
    rows = _rows(out, "wrong.")
    assert set(rows) == {f"wrong.{name}" for name in FUNCTIONS}, out
    assert {k: v for k, v in rows.items() if v != "REFUTED"} == {}, out
    assert code == 1


def test_a_function_without_translation_is_an_error_row_and_the_rest_is_checked(run, tmp_path):
    f = tmp_path / "untranslatable.py"
    f.write_text(HEADER + textwrap.dedent("""
        CLAIMS = [
            gradient_claim("mine.g", sp.besselk(0, x), x, -sp.besselk(1, x), domain=P),
            gradient_claim("mine.e1", sp.expint(2, x), x, -sp.expint(1, x), domain=P),
            gradient_claim("mine.i2", sp.besseli(2, x), x, sp.besseli(1, x) - 2 * sp.besseli(2, x) / x,
                           domain=P),
            gradient_claim("mine.erf", sp.erf(x), x, 2 / sp.sqrt(sp.pi) * sp.exp(-x**2), domain=R),
        ]
    """))
    code, out = run("check", f, "--points", 128)
    assert "Traceback" not in out
    rows = _rows(out, "mine.")
    assert rows == {"mine.g": "ERROR", "mine.e1": "ERROR", "mine.i2": "ERROR", "mine.erf": "PROVED"}, out
    assert "mine.g: no numeric translation for besselk in the JAX back end" in out
    assert "mine.e1: no numeric translation for expint in the JAX back end" in out
    assert "mine.i2: no numeric translation for besseli(2, x) in the JAX back end" in out
    assert code == 2


x = sp.Symbol("x", real=True)
ERF = gradient_claim("mine.erf", sp.erf(x), x, 2 / sp.sqrt(sp.pi) * sp.exp(-x**2),
                     domain={x: real_line()})


def test_verify_decides_an_erf_claim():
    res = verify(ERF, points=POINTS)
    assert res.verdict == "PROVED", res.message
    assert {w.witness: w.status for w in res.witnesses} == {
        "symbolic": "PROVED", "autodiff": "PASS", "finite differences": "PASS",
        "taylor remainder": "PASS"}
    wrong = verify(ERF.replace(claimed=sp.Matrix([[sp.exp(-x**2)]])), points=POINTS)
    assert wrong.verdict == "REFUTED"


def test_exact_gelu_of_jax_nn_is_verified_against_its_derivation():
    z = sp.Symbol("z", real=True)
    Phi = (1 + sp.erf(z / sp.sqrt(2))) / 2                       # the normal CDF
    claim = gradient_claim("gelu.exact", z * Phi, z,
                           Phi + z * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), domain={z: real_line()})
    res = verify_implementation(functools.partial(jax.nn.gelu, approximate=False), claim,
                                points=POINTS)
    assert res.verdict == "VERIFIED", str(res)
