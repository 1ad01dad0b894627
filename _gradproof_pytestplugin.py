"""The pytest plugin of gradproof: what pytest loads at start-up (the ``pytest11`` entry point).

This module is loaded by every pytest run once gradproof is installed, so it holds only what
must exist before pytest parses its command line -- the options, the ini setting, the header
line, the ``gradproof`` fixture -- and imports nothing but pytest and the standard library.
Everything that checks claims lives in :mod:`checkers.pytest_plugin`, imported only when a run
asks for it (``--gradproof``, or a test that uses the ``gradproof`` fixture).  It is a top-level
module, not a module of the ``checkers`` package, because importing ``checkers`` switches JAX to
float64 for the whole process (:mod:`checkers._precision`), which a pytest run that does not use
gradproof must not get (hypothesis keeps its plugin in the top-level ``_hypothesis_pytestplugin``
for the same reason: loading the plugin must not load the library).

``pytest --gradproof``  collects claims files (ini ``gradproof_files``, default
                        ``*_claims.py claims_*.py``): one test item per claim or implementation
                        (:mod:`checkers.pytest_plugin`).
``--gradproof-seed N``, ``--gradproof-points P``  the sample (defaults
                        :data:`checkers.defaults.DEFAULT_SEED` and ``DEFAULT_POINTS``), named in
                        the session's header line.
``--gradproof-report FILE.md``  the Markdown proof report of the claims the session checked.
``-p no:gradproof``     the plugin off: no option, no fixture, nothing collected.
"""

from __future__ import annotations

import argparse

import pytest

#: the defaults of :mod:`checkers.defaults`, repeated here so that loading the plugin imports
#: nothing of gradproof; tests/test_pytest_plugin.py checks that they agree
DEFAULT_SEED = 20260104
DEFAULT_POINTS = 1024
DEFAULT_FILES = ("*_claims.py", "claims_*.py")


def _points(text: str) -> int:
    """``--gradproof-points``: a whole number of at least 1."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of points, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"--gradproof-points must be at least 1, got {n}")
    return n


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``gradproof`` option group and the ``gradproof_files`` ini setting."""
    group = parser.getgroup("gradproof", "gradproof: check claims files as tests")
    group.addoption("--gradproof", action="store_true", default=False,
                    help="collect claims files (ini gradproof_files) and check each claim as a test "
                    "item; importing a claims file runs its code")
    group.addoption("--gradproof-seed", type=int, default=DEFAULT_SEED, metavar="N",
                    help=f"sampling seed for the claims and the gradproof fixture (default {DEFAULT_SEED})")
    group.addoption("--gradproof-points", type=_points, default=DEFAULT_POINTS, metavar="P",
                    help=f"sample points per claim (default {DEFAULT_POINTS})")
    group.addoption("--gradproof-report", default=None, metavar="FILE.md",
                    help="write the Markdown proof report of the claims checked in this session "
                    "(figures in FILE.md's folder, under figures/)")
    parser.addini("gradproof_files", type="args", default=list(DEFAULT_FILES),
                  help="glob patterns of claims files collected with --gradproof "
                  f"(default: {' '.join(DEFAULT_FILES)})")


def pytest_configure(config: pytest.Config) -> None:
    """Declare the ``gradproof`` marker; with ``--gradproof``, register the session plugin."""
    config.addinivalue_line("markers", "gradproof: a claim or implementation checked by gradproof "
                            "(collected from a claims file with --gradproof)")
    if config.getoption("gradproof"):
        from checkers.pytest_plugin import GradproofSession

        config.pluginmanager.register(GradproofSession(config), GradproofSession.NAME)
    elif config.getoption("gradproof_report"):
        raise pytest.UsageError("--gradproof-report needs --gradproof (the report is of the claims "
                                "the session checks)")


def pytest_report_header(config: pytest.Config) -> list[str]:
    """With ``--gradproof``: the line naming the seed and points, so any run can be reproduced."""
    if not config.getoption("gradproof"):
        return []
    files = " ".join(config.getini("gradproof_files"))
    return [f"gradproof: seed={config.getoption('gradproof_seed')}, "
            f"points={config.getoption('gradproof_points')}, files={files}"]


@pytest.fixture(scope="session")
def gradproof(pytestconfig: pytest.Config):
    """:class:`checkers.pytest_plugin.Gradproof`: ``verify``, ``verify_implementation``,
    ``assert_claim`` and ``assert_implementation`` with the session's seed and points
    (``--gradproof-seed``, ``--gradproof-points``); ``.seed`` and ``.points`` name them."""
    from checkers.pytest_plugin import Gradproof

    return Gradproof(seed=pytestconfig.getoption("gradproof_seed"),
                     points=pytestconfig.getoption("gradproof_points"))
