"""Progress on long work: a display on a terminal, plain lines everywhere else.

Each command runs as a real process with stderr on a pseudo-terminal (or on
a pipe), the worktree first on PYTHONPATH. BROADSHEET_PROGRESS_AFTER=0
shows the display at once, and the stage under test is slowed down (a
sleep wrapped around one function), so the display is drawn while the
stage runs, however fast the machine.
"""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SITE_YAML = 'title: "Progress Digest"\nbase_url: "https://example.org/"\ntimezone: UTC\n'
ARTICLES = 300
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # anything but tab and newline
SUMMARY = re.compile(
    r"built 300 articles, 0 pages, 3 tags, \d+ editions: \d+ files written, "
    r"\d+ unchanged, 0 removed in \d+\.\d\d s\n"
)
# Runs the CLI with one function slowed down: `module:function seconds` in SLOW.
RUNNER = """
import importlib, os, sys, time
from builder.cli import main
module, name, pause = os.environ["SLOW"].replace(":", " ").split()
owner = importlib.import_module(module)
work = getattr(owner, name)
def slow(*args, **kwargs):
    time.sleep(float(pause))
    return work(*args, **kwargs)
setattr(owner, name, slow)
sys.exit(main(sys.argv[1:]))
"""
SLOW_MARKDOWN = "builder.read.entries:process 0.005"
SLOW_LINKS = "builder.commands.links:parse_html 0.003"
SLOW_IMPORT = "builder.commands.importer.cli:plan 0.02"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic site of a few hundred short articles."""
    tags = ["Energy", "Trade", "Climate"]
    files = {
        f"content/2024/{1 + i % 12:02d}/story-{i}.md": f'---\ntitle: "Story {i}"\ndate: 2024-{1 + i % 12:02d}-{1 + i % 28:02d}\n'
        f"tags: [{tags[i % 3]}]\n---\n\nParagraph {i} of the story, with *emphasis*.\n"
        for i in range(ARTICLES)
    }
    return _write_site(tmp_path_factory.mktemp("progress") / "site", files)


def _write_site(root: Path, files: dict[str, str]) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _env(slow: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    return {
        **env,
        "PYTHONPATH": str(REPO),
        "TERM": "xterm-256color",
        "COLUMNS": "120",
        "LINES": "40",
        "BROADSHEET_PROGRESS_AFTER": "0",
        "SLOW": slow,
        **extra,
    }


def _command(*args: str) -> list[str]:
    return [sys.executable, "-c", RUNNER, *args]


def on_terminal(
    args: list[str], cwd: Path, env: dict[str, str], until: str | None = None
) -> tuple[int, str]:
    """Run with stdout and stderr on a pseudo-terminal; all it wrote, and its exit code.

    With `until`, stop it with SIGINT once that text has appeared (a server).
    """
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower
    )
    os.close(follower)
    chunks: list[bytes] = []
    stopped = False
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # EIO: every copy of the follower is closed
                    break
                if not data:
                    break
                chunks.append(data)
                if until and not stopped and until.encode() in b"".join(chunks):
                    proc.send_signal(signal.SIGINT)
                    stopped = True
            elif proc.poll() is not None:
                break
        code = proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    return code, b"".join(chunks).decode("utf-8", "replace")


def on_a_pipe(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_a_build_on_a_terminal_shows_stages_counts_and_rates(site: Path) -> None:
    code, out = on_terminal(
        _command("build", "--no-cache", "--jobs", "1"), site, _env(SLOW_MARKDOWN)
    )
    assert code == 0, out
    assert "\x1b[" in out  # drawn, then cleared
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out)
    assert re.search(r"markdown\s.*\d+/300 files\s+[\d,]+ files/s", shown), shown[-2000:]
    assert "discover" in shown
    assert SUMMARY.search(shown.replace("\r\n", "\n")), shown[-500:]


def test_a_build_without_a_terminal_prints_its_usual_line_only(site: Path) -> None:
    done = on_a_pipe(_command("build", "--no-cache", "--jobs", "1"), site, _env(SLOW_MARKDOWN))
    assert done.returncode == 0, done.stderr
    assert not CONTROL.search(done.stderr)
    assert SUMMARY.fullmatch(done.stderr), done.stderr
    assert done.stdout == ""


def test_quiet_keeps_a_terminal_plain(site: Path) -> None:
    code, out = on_terminal(
        _command("build", "--no-cache", "--jobs", "1", "--quiet"), site, _env(SLOW_MARKDOWN)
    )
    assert code == 0, out
    out = out.replace("\r\n", "\n")  # the terminal's line ends
    assert not CONTROL.search(out), repr(out)
    assert SUMMARY.fullmatch(out), out


def test_a_cold_parallel_build_draws_while_workers_fork(site: Path) -> None:
    """The display is up while the pool forks: no worker may hang on a half-done write."""
    code, out = on_terminal(
        _command("build", "--no-cache", "--jobs", "2"), site, _env(SLOW_MARKDOWN)
    )
    assert code == 0, out
    assert SUMMARY.search(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out).replace("\r\n", "\n"))


def test_check_on_a_terminal_shows_its_stages(site: Path) -> None:
    assert on_a_pipe(_command("build"), site, _env(SLOW_MARKDOWN)).returncode == 0
    code, out = on_terminal(_command("check"), site, _env(SLOW_LINKS))
    assert code == 0, out
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out)
    assert re.search(r"pages\s.*\d+/\d+ pages\s+[\d,]+ pages/s", shown), shown[-2000:]
    done = on_a_pipe(_command("check"), site, _env(SLOW_LINKS))
    assert not CONTROL.search(done.stderr)
    assert re.fullmatch(
        r"checked \d+ pages and \d+ feeds, \d+ links: no problems\n", done.stderr
    ), done.stderr


def test_import_on_a_terminal_shows_its_stages(tmp_path: Path) -> None:
    root = _write_site(tmp_path / "site", {})
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(60):
        (inbox / f"story-{i}.txt").write_text(
            f"23 June 2024\n\nHarbour fees rise for the {i}th time\n\nThe port raised its "
            f"fees again, for the {i}th time this year, citing the cost of dredging.\n",
            encoding="utf-8",
        )
    code, out = on_terminal(_command("import", str(inbox), "--dry-run"), root, _env(SLOW_IMPORT))
    assert code == 0, out[-2000:]
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out)
    assert re.search(r"converting\s.*\d+/60 articles", shown), shown[-2000:]
    done = on_a_pipe(_command("import", str(inbox), "--dry-run"), root, _env(SLOW_IMPORT))
    assert done.returncode == 0 and not CONTROL.search(done.stderr)


def test_serve_logs_plain_lines_on_a_terminal(site: Path) -> None:
    code, out = on_terminal(
        _command("serve", "--port", "0", "--no-cache"),
        site,
        _env(SLOW_MARKDOWN),
        until="(Ctrl-C to stop)",
    )
    assert code == 130, out
    out = out.replace("\r\n", "\n")
    assert not CONTROL.search(out), repr(out)
    assert re.search(
        r"^built 300 articles.*\nserving http://127\.0\.0\.1:\d+/ \(Ctrl-C to "
        r"stop\)\n",
        out,
        re.M,
    ), out
