"""The pytest plugin (``pytest --gradproof``, :mod:`checkers.pytest_plugin` and its loader
:mod:`_gradproof_pytestplugin`), run end to end with pytest's own ``pytester``.

Runs are in-process (cheap: JAX is already imported and compiled here) except where a fresh
process is the point: the entry point loading the plugin, pytest-xdist's workers, and a run
without ``--gradproof`` that must import nothing of gradproof.  Claims are tiny scalar ones, at
64 points.
"""

from __future__ import annotations

import importlib.metadata
import os
import textwrap
import types

import jax  # noqa: F401  (imported before any in-process run: pytester's runs drop the modules
import pytest  # they import afterwards, and jaxlib aborts when it is imported a second time)

import _gradproof_pytestplugin as loader
from checkers import defaults
from checkers.cli import exit_status
from checkers.pytest_plugin import passes
from checkers.results import VERDICTS

pytest_plugins = ["pytester"]

HEADER = textwrap.dedent("""\
    import sympy as sp
    from derivations import real_line
    from derivations.build import gradient_claim

    x = sp.symbols("x", real=True)
    R = {x: real_line()}
""")

#: d/dx tanh(x) = 1 - tanh(x)^2 (holds), d/dx x^2 = x (refuted), and jnp.tanh against the first
MINE = HEADER + textwrap.dedent("""\
    import jax.numpy as jnp
    from checkers.implementation import Implementation

    tanh_prime = gradient_claim("mine.tanh_prime", sp.tanh(x), x, 1 - sp.tanh(x) ** 2, domain=R)
    square = gradient_claim("mine.square", x**2, x, x, domain=R)
    CLAIMS = [tanh_prime, square, Implementation(jnp.tanh, tanh_prime)]
""")

FAST = ("-p", "no:cacheprovider", "--gradproof-points", "64")


def _claim(cid: str, cost: str, claimed: str, name: str | None = None) -> str:
    """A line of a claims file: ``name = gradient_claim(cid, cost, x, claimed, domain=R)``."""
    name = name or cid.replace(".", "_")
    return f'{name} = gradient_claim("{cid}", {cost}, x, {claimed}, domain=R)\n'


@pytest.fixture
def fresh_env(monkeypatch):
    """A subprocess environment as a user's shell has it: not inside this suite's xdist worker,
    JAX's float64 switch not inherited from this process."""
    for name in list(os.environ):
        if name.startswith("PYTEST_XDIST") or name in ("PYTEST_ADDOPTS", "JAX_ENABLE_X64"):
            monkeypatch.delenv(name)


def test_the_entry_point_registers_the_plugin_and_its_defaults_are_gradproofs():
    eps = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="pytest11")}
    assert eps.get("gradproof") == "_gradproof_pytestplugin"
    assert (loader.DEFAULT_SEED, loader.DEFAULT_POINTS) == (defaults.DEFAULT_SEED, defaults.DEFAULT_POINTS)


@pytest.mark.parametrize("verdict", VERDICTS)
def test_an_item_passes_exactly_when_gradproof_check_would_exit_0(verdict):
    res = types.SimpleNamespace(verdict=verdict)
    assert passes([res]) is (exit_status([res], []) == 0)
    assert passes([res]) is (verdict in ("PROVED", "VERIFIED"))
    assert passes([], ["f.py: no such file"]) is False


def test_each_claim_is_an_item_and_a_failure_shows_verdict_counterexample_region_and_reproduce(pytester):
    import checkers
    from checkers.testing import failure_message

    pytester.makepyfile(mine_claims=MINE)
    result = pytester.runpytest("--gradproof", "-v", "--gradproof-seed", "7", *FAST)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "gradproof: seed=7, points=64, files=*_claims.py claims_*.py",
        "mine_claims.py::mine.tanh_prime PROVED*",
        "mine_claims.py::mine.square REFUTED*",
        "mine_claims.py::mine.tanh_prime (implementation tanh) VERIFIED*",
    ])
    # the failure is gradproof's own message for the result `gradproof check` computes ...
    ns = {}
    exec(compile(MINE, "mine_claims.py", "exec"), ns)
    expected = failure_message(checkers.verify(ns["square"], seed=7, points=64))
    assert "where it holds: holds only at x = 0" in expected   # the region is part of it
    result.stdout.fnmatch_lines(["*_ mine.square (mine_claims.py) _*"]
                                + [line.replace("[", "[[]") for line in expected.splitlines()] + [
        "reproduce (seed and points of this session):",
        "  gradproof check mine_claims.py --seed 7 --points 64",
        "  pytest --gradproof mine_claims.py::mine.square --gradproof-seed 7 --gradproof-points 64",
    ])
    # ... with the exact counterexample, and no traceback
    result.stdout.fnmatch_lines(["  at       x = 1", "  entry    d/dx", "  claimed  1", "  true     2"])
    out = result.stdout.str()
    assert "Traceback" not in out and "pytest_plugin.py" not in out and "def runtest" not in out


def test_k_selects_claims_and_the_report_has_the_checked_claims(pytester):
    pytester.makepyfile(mine_claims=MINE)
    result = pytester.runpytest("--gradproof", "-k", "tanh_prime and not implementation",
                                "--gradproof-report", "out/report.md", *FAST)
    result.assert_outcomes(passed=1, deselected=2)
    result.stdout.fnmatch_lines(["gradproof: wrote out/report.md (1 entry)"])
    report = (pytester.path / "out" / "report.md").read_text()
    assert "| 1 | [`mine.tanh_prime`]" in report and "✅ PROVED" in report
    assert "mine.square" not in report and "impl_tanh" not in report
    assert "with seed **20260104** and **64** sampled points" in report
    assert (pytester.path / "out" / "figures").is_dir()

    marked = pytester.runpytest("--gradproof", "-m", "not gradproof", *FAST)
    marked.assert_outcomes(deselected=3)


def test_under_xdist_items_run_on_workers_and_the_controller_writes_the_report(pytester, fresh_env):
    pytester.makepyfile(a_claims=MINE.replace(", Implementation(jnp.tanh, tanh_prime)", ""),
                        claims_b=HEADER + _claim("b.sine", "sp.sin(x)", "sp.cos(x)"))
    result = pytester.runpytest_subprocess("--gradproof", "-n", "2", "-v", "--gradproof-report",
                                           "r.md", *FAST)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["gradproof: seed=20260104, points=64, *", "created: 2/2 workers",
                                 "2 workers [[]3 items]"])
    result.stdout.fnmatch_lines(["[[]gw?] *PROVED a_claims.py::mine.tanh_prime*"], consecutive=False)
    result.stdout.fnmatch_lines(["[[]gw?] *REFUTED a_claims.py::mine.square*"], consecutive=False)
    result.stdout.fnmatch_lines(["[[]gw?] *PROVED claims_b.py::b.sine*"], consecutive=False)
    result.stdout.fnmatch_lines(["mine.square is REFUTED", "counterexample (found by symbolic):",
                                 "  at       x = 1"])
    result.stdout.fnmatch_lines(["gradproof: wrote r.md (3 entries)"])
    report = (pytester.path / "r.md").read_text()
    rows = [line for line in report.splitlines() if line.startswith("| ") and "](#" in line]
    assert [r.split("`")[1] for r in rows] == ["mine.tanh_prime", "mine.square", "b.sine"]
    assert "❌ REFUTED" in rows[1] and "✅ PROVED" in rows[2]


def test_a_test_module_is_not_a_claims_file(pytester):
    pytester.makepyfile(my_claims=MINE, test_my_claims=textwrap.dedent("""\
        from my_claims import tanh_prime

        def test_it():
            assert tanh_prime.id == "mine.tanh_prime"
    """))
    result = pytester.runpytest("--gradproof", "--collect-only", "-q", *FAST)
    result.stdout.fnmatch_lines(["my_claims.py::mine.tanh_prime", "my_claims.py::mine.square",
                                 "my_claims.py::mine.tanh_prime (implementation tanh)",
                                 "test_my_claims.py::test_it", "", "4 tests collected *"])


def test_a_claims_file_that_cannot_be_imported_is_a_collection_error_naming_file_and_line(pytester):
    pytester.makepyfile(
        broken_claims='import sympy as sp\nx = sp.symbols("x")\ny = (\n',
        partial_claims=HEADER + _claim("partial.cube", "x**3", "3 * x**2") + 'raise ValueError("boom")\n',
        good_claims=HEADER + _claim("good.sine", "sp.sin(x)", "sp.cos(x)"))
    stopped = pytester.runpytest("--gradproof", *FAST)
    assert stopped.ret == pytest.ExitCode.INTERRUPTED
    stopped.stdout.fnmatch_lines([
        "*ERROR collecting broken_claims.py*",
        "*/broken_claims.py: SyntaxError: * (broken_claims.py, line 3)",
        "*ERROR collecting partial_claims.py*",
        "*partial_claims.py:8: ValueError: boom (the file stops here: *the entry built before it is checked)",
        "*Interrupted: 2 errors during collection*",
    ])
    stopped.stdout.fnmatch_lines(["ERROR partial_claims.py::<the file stops here>"], consecutive=False)
    going_on = pytester.runpytest("--gradproof", "--continue-on-collection-errors", "-v", *FAST)
    going_on.assert_outcomes(passed=2, errors=2)
    going_on.stdout.fnmatch_lines(["good_claims.py::good.sine PROVED*"], consecutive=False)
    going_on.stdout.fnmatch_lines(["partial_claims.py::partial.cube PROVED*"], consecutive=False)


def test_ids_must_be_unique_in_a_run(pytester):
    pytester.makepyfile(
        dup_claims=HEADER + _claim("dup.id", "x**3", "3 * x**2", "first")
        + _claim("dup.id", "x**2", "2 * x", "second")
        + _claim("ok.id", "sp.sin(x)", "sp.cos(x)"),
        one_claims=HEADER + _claim("cross.id", "x**3", "3 * x**2"),
        claims_two=HEADER + _claim("cross.id", "x**2", "2 * x"))
    result = pytester.runpytest("--gradproof", "--continue-on-collection-errors", "-v", *FAST)
    result.assert_outcomes(passed=1, failed=2, errors=1)
    result.stdout.fnmatch_lines(["*dup_claims.py: claim id dup.id is defined 2 times in this file;*"],
                                consecutive=False)
    result.stdout.fnmatch_lines(["claim id cross.id is defined in 2 files (*); ids must be unique in a run"],
                                consecutive=False)
    result.stdout.fnmatch_lines(["dup_claims.py::ok.id PROVED*"], consecutive=False)


def test_the_gradproof_fixture_binds_the_session_seed_and_points(pytester):
    pytester.makepyfile(test_fixture=MINE + textwrap.dedent("""\
        import pytest

        def test_fixture(gradproof):
            assert (gradproof.seed, gradproof.points) == (7, 64)
            res = gradproof.verify(tanh_prime)
            assert (res.verdict, res.seed, res.points) == ("PROVED", 7, 64)
            impl = gradproof.verify_implementation(jnp.tanh, tanh_prime, check_claim=False)
            assert (impl.verdict, impl.seed) == ("VERIFIED", 7)
            assert gradproof.assert_implementation(jnp.tanh, tanh_prime).verdict == "VERIFIED"
            with pytest.raises(AssertionError, match="mine.square is REFUTED"):
                gradproof.assert_claim(square)
    """))
    result = pytester.runpytest("--gradproof-seed", "7", *FAST)
    result.assert_outcomes(passed=1)
    assert "gradproof: seed" not in result.stdout.str()   # no --gradproof: no header line


def test_p_no_gradproof_turns_the_plugin_off(pytester):
    pytester.makepyfile(mine_claims=MINE,
                        test_uses_fixture="def test_it(gradproof):\n    pass\n")
    unknown = pytester.runpytest("-p", "no:gradproof", "--gradproof")
    assert unknown.ret == pytest.ExitCode.USAGE_ERROR
    unknown.stderr.fnmatch_lines(["*unrecognized arguments: --gradproof*"])
    off = pytester.runpytest("-p", "no:gradproof", "-p", "no:cacheprovider")
    off.assert_outcomes(errors=1)
    off.stdout.fnmatch_lines(["*fixture 'gradproof' not found*"])
    assert "mine_claims.py" not in off.stdout.str()


def test_without_gradproof_nothing_is_collected_and_gradproof_is_not_imported(pytester, fresh_env):
    pytester.makepyfile(mine_claims='raise RuntimeError("a claims file must not be imported")\n',
                        test_plain=textwrap.dedent("""\
        import os, sys

        def test_plain():
            loaded = [m for m in ("checkers", "derivations", "jax", "sympy") if m in sys.modules]
            assert loaded == [] and "JAX_ENABLE_X64" not in os.environ
    """))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    out = result.stdout.str()
    assert "gradproof-0.1.0" in out and "gradproof: seed" not in out and "mine_claims" not in out
