"""Developer check: does the current code give the committed report's claims, apart from timings?

    python tools/compare_report.py PREFIX [PREFIX ...]

Runs ``gradproof report --only PREFIX ... --jobs 1`` into a temporary folder and compares each
regenerated claim of the JSON report (timings removed, as ``tests/test_reproducible.py`` does)
with the committed ``reports/proof-report.json``.  Prints the differing fields; exit 1 if any.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
from checkers.report import without_timings as strip  # noqa: E402


def main(argv) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "checkers.cli", "report", "--jobs", "1", "--out", tmp,
                        "--only", *argv], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        new = json.loads((pathlib.Path(tmp) / "proof-report.json").read_text())
    old = json.loads((ROOT / "reports" / "proof-report.json").read_text())
    old_by_id = {c["id"]: c for c in old["claims"]}
    bad = 0
    for c in new["claims"]:
        a, b = strip(old_by_id.get(c["id"])), strip(c)
        if a != b:
            bad += 1
            keys = sorted(set(a or {}) | set(b))
            diff = [k for k in keys if (a or {}).get(k) != b.get(k)]
            print(f"{c['id']}: differs in {diff}")
            for k in diff:
                print(f"   committed: {json.dumps((a or {}).get(k))[:600]}")
                print(f"   now:       {json.dumps(b.get(k))[:600]}")
    print(f"{len(new['claims'])} claims compared, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
