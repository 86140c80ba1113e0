"""Whole-process build times of one site: median of five cold and five no-change builds.

    python tests/perf/time_site.py SITE_FOLDER [build options…]

A cold build is `broadsheet build --no-cache` with output/ removed first; a
no-change build is `broadsheet build` again with the cache kept. Prints one
line; asserts nothing.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def timed(site: Path, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "builder", "build", *args], cwd=site, capture_output=True, text=True
    )
    return time.perf_counter() - started, run


def main() -> None:
    site, extra = Path(sys.argv[1]), sys.argv[2:]
    cold = []
    for _ in range(5):
        shutil.rmtree(site / "output", ignore_errors=True)
        seconds, last = timed(site, "--no-cache", *extra)
        cold.append(seconds)
    timed(site, *extra)  # fill the cache
    warm = [timed(site, *extra)[0] for _ in range(5)]
    summary = last.stderr.strip().splitlines()[-1] if last.stderr.strip() else ""
    print(
        f"{site}: cold median {statistics.median(cold):.2f} s "
        f"(runs {', '.join(f'{s:.2f}' for s in cold)}); "
        f"no-change median {statistics.median(warm):.2f} s; exit {last.returncode}; {summary}"
    )


if __name__ == "__main__":
    main()
