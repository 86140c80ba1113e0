"""The benchmark still runs end to end: corpus setup, one timed build, the report.

Only the shape of the output is checked, never a figure: timings on a
shared machine mean nothing in a test. 20 articles keep it to a few seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent / "bench.py"
REPO = BENCH.parents[2]


def test_bench_prints_the_table_for_a_cold_build(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    run = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--sizes",
            "20",
            "--cold-only",
            "0",
            "--runs",
            "1",
            "--scenarios",
            "cold",
            "--workdir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert any(line.startswith("corpus generator: ") for line in lines)
    assert any(
        line.startswith("corpus 20: 20 articles, ") and " words, 20 files, " in line
        for line in lines
    )
    assert (
        "| articles | scenario | wall s | CPU s | peak memory MiB (PSS, all processes) "
        "| largest process RSS MiB | files written | ms/article |"
    ) in lines
    rows = [line.split(" | ")[1] for line in lines if line.startswith("| 20 |")]
    assert rows == ["cold build, --jobs " + str(os.cpu_count() or 1)]
    profile = [line for line in lines if line.startswith("profile of the cold build at 20 ")]
    assert profile and "discover " in profile[0] and "n/a" not in profile[0]
    assert (tmp_path / "corpus-gen_corpus-20").is_dir() or (tmp_path / "corpus-corpus-20").is_dir()
