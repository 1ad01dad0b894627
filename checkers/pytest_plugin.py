"""``pytest --gradproof``: every claim of a claims file is a test item.

pytest loads :mod:`_gradproof_pytestplugin` (the ``pytest11`` entry point: options, header line,
fixture); with ``--gradproof`` it registers :class:`GradproofSession` from this module, which

* **collects** each file matching the ini setting ``gradproof_files`` (default ``*_claims.py
  claims_*.py``; a test module, ini ``python_files``, is left to pytest) with the loader of
  ``gradproof check`` (:func:`checkers.cli.load_file`: the file's ``CLAIMS`` list, else its
  module-level claims and :class:`~checkers.implementation.Implementation` records, in
  order).  Each entry is one :class:`ClaimItem` named by its id
  (:func:`checkers.cli._entry_id`), so ``-k``, ``-m gradproof``, node ids and pytest-xdist
  work as for any test; collection only imports the files, so it is the same on every xdist
  worker.  Ids must be unique in a run, as in ``gradproof check``: an id defined twice in a
  file is a collection error, one defined in two files fails both items.  A file that cannot
  be imported is a collection error naming the file and line (pytest's rule for a broken test
  module: the run stops, or goes on with ``--continue-on-collection-errors``; under
  pytest-xdist it goes on); the claims it built before the failing line are still collected,
  as ``gradproof check`` still checks them.
* **checks** an item with ``gradproof check``'s own per-entry check
  (:func:`checkers.cli._check_one`: same seed, points and SymPy bound, so the same result) and
  decides pass or fail with ``gradproof check``'s exit rule (:func:`checkers.cli.exit_status`):
  it passes exactly when ``gradproof check`` would exit 0 on it alone -- PROVED or VERIFIED;
  REFUTED, DISPUTED, UNDECIDED and ERROR fail.  As in ``gradproof check``, an implementation
  does not check its claim again when the claim is an item of the session too.  A failure shows
  :func:`checkers.testing.failure_message` (verdict, counterexample with exact values, where the
  claim holds, every witness's evidence) and the commands that reproduce it, seed included,
  instead of a traceback.  ``-v`` shows the verdict in place of PASSED/FAILED.
* **reports** (``--gradproof-report FILE.md``): the Markdown proof report of the checked
  claims, in collection order, written by :func:`checkers.report.write_markdown` (the writer
  of ``gradproof check --md``).  Under pytest-xdist the results are computed on the workers;
  each worker sends its results, pickled, in ``config.workeroutput`` (xdist's channel from a
  worker to the controller, sent when the worker finishes) and the controller writes the report.

The ``gradproof`` fixture returns a :class:`Gradproof`: ``verify``, ``verify_implementation``,
``assert_claim`` and ``assert_implementation`` bound to the session's seed and points.
"""

from __future__ import annotations

import argparse
import os
import pickle
import shlex
import time
from dataclasses import dataclass

import pytest

__all__ = ["ClaimFailed", "ClaimItem", "ClaimsFile", "Gradproof", "GradproofSession", "passes",
           "reproduce_commands"]

#: the key of an item's verdict in its report's ``user_properties`` (shown by ``-v``, kept in
#: ``--junitxml``)
VERDICT_PROPERTY = "gradproof_verdict"
#: the key of the pickled results in an xdist worker's ``workeroutput``
WORKER_RESULTS = "gradproof_results"


def passes(results, input_errors=()) -> bool:
    """Whether an item passes: ``gradproof check``'s exit status on it would be 0
    (:func:`checkers.cli.exit_status`, the one rule of every entry point)."""
    from .cli import exit_status

    return exit_status(list(results), list(input_errors)) == 0


class ClaimFailed(Exception):
    """An item's entry does not hold (``result``), or could not be checked (``input_error``, the
    message of :class:`checkers.cli.InputError`)."""

    def __init__(self, result=None, input_error: str | None = None):
        super().__init__(input_error or result.verdict)
        self.result = result
        self.input_error = input_error


def reproduce_commands(path: str, name: str, seed: int, points: int) -> list[str]:
    """The commands that check ``path`` again with the same sample: ``gradproof check`` (every
    entry of the file; it has no per-claim selection) and ``pytest`` on this one item."""
    p = shlex.quote(path)
    return [f"gradproof check {p} --seed {seed} --points {points}",
            f"pytest --gradproof {shlex.quote(f'{path}::{name}')} --gradproof-seed {seed} "
            f"--gradproof-points {points}"]


class ClaimItem(pytest.Item):
    """One claim or implementation of a claims file, checked as ``gradproof check`` checks it."""

    def __init__(self, *, entry, problem: str | None = None, **kw):
        super().__init__(**kw)
        self.entry = entry
        self.problem = problem          # an input error found at collection (a duplicate id)
        self.add_marker("gradproof")

    def runtest(self) -> None:
        """Check the entry; raise :class:`ClaimFailed` unless it passes (:func:`passes`)."""
        from .cli import InputError, _check_one, verdict_text
        from .defaults import USER_SYMBOLIC_SECONDS

        session = self.config.pluginmanager.get_plugin(GradproofSession.NAME)
        results, errors = [], []
        if self.problem is not None:
            errors.append(self.problem)
        else:
            args = argparse.Namespace(seed=session.seed, points=session.points,
                                      symbolic_seconds=USER_SYMBOLIC_SECONDS)
            try:
                results.append(_check_one(self.entry, args, session.checked_ids))
            except InputError as err:
                errors.append(str(err))
        for res in results:
            session.record(self.nodeid, res)
        self.user_properties.append((VERDICT_PROPERTY, verdict_text(results[0]) if results else "ERROR"))
        if not passes(results, errors):
            raise ClaimFailed(result=results[0] if results else None,
                              input_error=errors[0] if errors else None)

    def repr_failure(self, excinfo, style=None):
        """For a claim that does not hold: the verdict, the counterexample, where it holds, the
        evidence and the commands that reproduce it; a traceback only for an unexpected error."""
        if not isinstance(excinfo.value, ClaimFailed):
            return super().repr_failure(excinfo, style=style)
        from .testing import failure_message

        err = excinfo.value
        text = err.input_error if err.result is None else failure_message(err.result)
        if self.problem is not None:     # found at collection: checking again would not show it
            return text
        session = self.config.pluginmanager.get_plugin(GradproofSession.NAME)
        try:
            path = os.path.relpath(self.path, self.config.invocation_params.dir)
        except ValueError:      # another drive (Windows): the absolute path
            path = str(self.path)
        cmds = reproduce_commands(path, self.name, session.seed, session.points)
        return text + "\n\nreproduce (seed and points of this session):\n" + \
            "\n".join("  " + c for c in cmds)

    def reportinfo(self):
        """The file, no line, and the headline of a failure: ``<id> (<file name>)``.  (Not the
        bare id: pytest would show a dotted id that ends the node id as ``mine::square``.)"""
        return self.path, None, f"{self.name} ({self.path.name})"


class ClaimFileError(pytest.Collector):
    """A collection error beside the items of a claims file: the file stopped at an error after
    building some claims, or an id is defined twice in it.  Collecting it raises the message."""

    def __init__(self, *, message: str, **kw):
        super().__init__(**kw)
        self.message = message

    def collect(self):
        raise self.CollectError(self.message)


class ClaimsFile(pytest.File):
    """A claims file: imported by :func:`checkers.cli.load_file`, one :class:`ClaimItem` per entry."""

    def collect(self):
        from .cli import InputError, _entry_id, load_file

        session = self.config.pluginmanager.get_plugin(GradproofSession.NAME)
        try:
            entries, error = load_file(self.path, session.next_index())
        except InputError as err:
            raise self.CollectError(str(err)) from None
        if error is not None and not entries:
            raise self.CollectError(error)
        ids = [_entry_id(e) for e in entries]
        reported = set()
        for entry, eid in zip(entries, ids):
            n = ids.count(eid)
            if n == 1:
                yield ClaimItem.from_parent(self, name=eid, entry=entry)
            elif eid not in reported:   # as gradproof check: a duplicated id is an input error
                reported.add(eid)
                yield ClaimFileError.from_parent(
                    self, name=eid, message=f"{self.path}: claim id {eid} is defined {n} times in "
                    "this file; ids must be unique in a run (none of them is checked)")
        if error is not None:
            yield ClaimFileError.from_parent(self, name="<the file stops here>", message=error)


class GradproofSession:
    """The plugin of a ``pytest --gradproof`` session (registered by :mod:`_gradproof_pytestplugin`):
    collects claims files, holds the seed, points and results, writes the report."""

    NAME = "gradproof-session"

    def __init__(self, config: pytest.Config):
        self.config = config
        self.seed = config.getoption("gradproof_seed")
        self.points = config.getoption("gradproof_points")
        self.report_path = config.getoption("gradproof_report")
        self.patterns = config.getini("gradproof_files")
        self.checked_ids: frozenset = frozenset()
        self.results: dict = {}          # node id -> ClaimResult (this process's items)
        self.order: dict = {}            # node id -> position in the session's items
        self.lost: list = []             # (node id, why) results that did not reach the report
        self.written = None
        self._files = 0
        self._t0 = time.monotonic()
        if self.report_path is not None and os.path.isdir(self.report_path):
            raise pytest.UsageError(f"--gradproof-report {self.report_path}: is a folder; give a "
                                    "file name such as proof-report.md")

    def next_index(self) -> int:
        """A number per claims file in collection order (the loader's module name)."""
        self._files += 1
        return self._files

    # -- collection ---------------------------------------------------------------------------

    def pytest_collect_file(self, file_path, parent):
        """A file whose name matches a ``gradproof_files`` pattern is a :class:`ClaimsFile`, unless
        it is a test module (ini ``python_files``, default ``test_*.py *_test.py``):
        ``test_my_claims.py`` holds tests about claims, not claims to collect a second time."""
        if file_path.suffix != ".py" or not any(file_path.match(p) for p in self.patterns):
            return None
        if any(file_path.match(p) for p in self.config.getini("python_files")):
            return None
        return ClaimsFile.from_parent(parent, path=file_path)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """After selection (``-k``, ``-m``): the claims the session checks (an implementation does
        not check its claim again when the claim is an item too, as in ``gradproof check``), each
        item's position (the report's order), and ids defined in two files (an error, as in
        ``gradproof check``: the report's rows and anchors are by id)."""
        from derivations import Claim

        items = [it for it in session.items if isinstance(it, ClaimItem)]
        self.order = {it.nodeid: i for i, it in enumerate(items)}
        self.checked_ids = frozenset(it.entry.id for it in items if isinstance(it.entry, Claim))
        where: dict = {}
        for it in items:
            where.setdefault(it.name, []).append(it)
        for name, its in where.items():
            if len(its) > 1 and its[0].problem is None:
                files = ", ".join(str(it.path) for it in its)
                for it in its:
                    it.problem = (f"claim id {name} is defined in {len(its)} files ({files}); ids "
                                  "must be unique in a run")

    # -- results ------------------------------------------------------------------------------

    def record(self, nodeid: str, res) -> None:
        """Keep an item's result for the report."""
        self.results[nodeid] = res

    def pytest_report_teststatus(self, report, config):
        """``-v``: the verdict (PROVED, VERIFIED, REFUTED, ...) instead of PASSED/FAILED."""
        if report.when != "call":
            return None
        verdict = dict(report.user_properties).get(VERDICT_PROPERTY)
        if verdict is None:
            return None
        if report.passed:
            return "passed", ".", (verdict, {"green": True})
        if report.failed:
            return "failed", "F", (verdict, {"red": True})
        return None

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """On an xdist worker: send the results to the controller.  Elsewhere: write the report."""
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:
            out = []
            for nodeid, res in self.results.items():
                try:
                    out.append((nodeid, self.order.get(nodeid, 0), pickle.dumps(res), ""))
                except Exception as err:   # a claim holding an object pickle cannot carry
                    out.append((nodeid, self.order.get(nodeid, 0), b"", f"{type(err).__name__}: {err}"))
            workeroutput[WORKER_RESULTS] = out
            return
        if self.report_path is None:
            return
        results = [self.results[k] for k in sorted(self.results, key=lambda k: self.order.get(k, 0))]
        if not results:
            return
        from .report import write_markdown

        command = "pytest " + " ".join(shlex.quote(a) for a in self.config.invocation_params.args)
        try:
            self.written = write_markdown(self.report_path, results, seed=self.seed,
                                          points=self.points, command=command,
                                          wall_seconds=time.monotonic() - self._t0)
        except OSError as err:
            self.lost.append(("", f"cannot write the report {self.report_path}: {err}"))
            session.exitstatus = pytest.ExitCode.USAGE_ERROR

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error) -> None:
        """On the xdist controller: take the results a worker sent (:meth:`pytest_sessionfinish`)."""
        for nodeid, index, data, why in getattr(node, "workeroutput", {}).get(WORKER_RESULTS, []):
            if not why:
                try:
                    self.results[nodeid] = pickle.loads(data)
                    self.order[nodeid] = index
                    continue
                except Exception as err:   # e.g. a class defined in the claims file itself
                    why = f"{type(err).__name__}: {err}"
            self.lost.append((nodeid, f"result not carried from the worker ({why})"))

    def pytest_terminal_summary(self, terminalreporter) -> None:
        """Where the report went, and any result that could not be put in it."""
        if self.report_path is None or hasattr(self.config, "workeroutput"):
            return
        if self.written is not None:
            n = len(self.results)
            terminalreporter.write_line(f"gradproof: wrote {self.written} ({n} "
                                        f"entr{'y' if n == 1 else 'ies'})")
        elif not self.lost:
            terminalreporter.write_line("gradproof: no claim was checked; no report written")
        for nodeid, why in self.lost:
            terminalreporter.write_line(f"gradproof: {nodeid + ': ' if nodeid else ''}{why}",
                                        red=True)


@dataclass(frozen=True)
class Gradproof:
    """What the ``gradproof`` fixture gives a test: gradproof's checks with the session's
    ``seed`` and ``points`` (``--gradproof-seed``, ``--gradproof-points``).  Other keyword
    arguments go through unchanged (``symbolic_seconds``, ``args``, ``grad``, ...)."""

    seed: int
    points: int

    def verify(self, claim, **kw):
        """:func:`checkers.verify` with the session's seed and points."""
        from .engine import verify

        return verify(claim, seed=self.seed, points=self.points, **kw)

    def verify_implementation(self, fn, claim=None, **kw):
        """:func:`checkers.verify_implementation` with the session's seed and points."""
        from .implementation import verify_implementation

        return verify_implementation(fn, claim, seed=self.seed, points=self.points, **kw)

    def assert_claim(self, claim, **kw):
        """:func:`checkers.testing.assert_claim` with the session's seed and points."""
        __tracebackhide__ = True
        from .testing import assert_claim

        return assert_claim(claim, seed=self.seed, points=self.points, **kw)

    def assert_implementation(self, fn, claim=None, **kw):
        """:func:`checkers.testing.assert_implementation` with the session's seed and points."""
        __tracebackhide__ = True
        from .testing import assert_implementation

        return assert_implementation(fn, claim, seed=self.seed, points=self.points, **kw)
