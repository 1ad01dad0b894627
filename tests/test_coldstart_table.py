"""The cold-start table's harness (benchmarks/coldstart_table.py); its figures are measured by
the benchmark command, never asserted here."""

from __future__ import annotations


def test_coldstart_table_times_whole_commands_and_takes_ratios_from_one_run():
    """A command's exit status, output and memory are read from its own process; the table's
    best is the least of the runs, and the ratios are gradproof's check over each competitor's
    best time of the same run."""
    import sys

    from benchmarks import coldstart_table as ct

    r = ct.run_command([sys.executable, "-c", "import sys; print('last'); sys.exit(3)"])
    assert r["returncode"] == 3 and r["last_line"] == "last" and r["peak_mib"] > 1
    best = ct.best_of(lambda: ([sys.executable, "-c", "pass"], None, None), 2)
    assert len(best["runs_s"]) == 2 and best["wall_s"] == min(best["runs_s"])
    row = lambda key, s: {"key": key, "what": key, "command": key, "target": "", "stretch": "",  # noqa: E731
                          "wall_s": s, "runs_s": [s], "peak_mib": 1.0, "returncodes": [0],
                          "last_line": ""}
    data = {"repeats": 1, "command": "c", "started": "t", "total_s": 1.0, "machine": "m",
            "load_before": (0, 0, 0), "load_after": (0, 0, 0),
            "rows": [row("check_cold", 3.0), row("check_grads", 1.5), row("gradcheck", 2.0),
                     row("check_grads_mutant", 1.0)]}
    lines = {ln.split(" | ")[0].lstrip("| "): ln for ln in ct.render(data).splitlines()
             if ln.startswith("| ")}
    assert "| 2.00 | 1.50 |" in lines["check_cold"]            # 3.0 / 1.5 and 3.0 / 2.0
    assert "| 1.00 |" in lines["check_grads_mutant"] and "1.00 | 0.67" not in lines["check_grads_mutant"]


def test_a_second_run_row_runs_in_the_folder_its_cold_row_filled(monkeypatch):
    """Cold runs: each in a new empty compile-cache folder.  The second-run row that follows
    runs in the folder of the cold row's last run (filled by it: no extra filling run); a
    second-run row whose cold row is skipped gets one untimed filling run first."""
    from benchmarks import coldstart_table as ct

    calls = []

    def fake(cmd, env=None, timeout=0):
        calls.append((cmd, dict(env or {})))
        return {"wall_s": 1.0, "returncode": 0, "peak_mib": 1.0, "last_line": ""}

    monkeypatch.setattr(ct, "run_command", fake)
    keep = {"report_cold", "report_warm", "report_warm_recompute", "check_warm"}
    every = {"report_cold", "report_warm", "report_warm_recompute", "check_cold", "check_warm",
             "check_grads", "check_grads_mutant", "gradcheck", "gradcheck_mutant", "help", "list",
             "pytest_cold", "pytest"}
    out = ct.rows(repeats=2, skip=every - keep)
    assert [r["key"] for r in out] == ["report_cold", "report_warm", "report_warm_recompute",
                                       "check_warm"]
    folders = [env.get("GRADPROOF_JAX_CACHE") for _, env in calls]
    cold1, cold2, warm1, warm2, again1, again2, fill, check1, check2 = folders
    assert len(calls) == 9 and cold1 != cold2
    assert warm1 == warm2 == again1 == again2 == cold2
    assert "--no-cache" in calls[4][0] and "--no-cache" not in calls[2][0]
    assert fill == check1 == check2 != cold2 and "check" in calls[6][0]
