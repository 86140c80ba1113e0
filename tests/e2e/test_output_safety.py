"""Output safety: interrupts, kills, the lock, content/ left alone, incremental writes.

Real `python -m builder build` processes are interrupted with SIGTERM and
SIGINT at several points and killed with SIGKILL; afterwards output/ must
be, byte for byte, either the complete previous build or the complete new
one, with no temp folder left (after SIGKILL: swept by the next build).
The in-process part checks what incremental builds do to output/: files
with unchanged bytes keep their mtime, and files removed or edited by hand
are put back.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from builder import write
from builder.cli import main
from builder.config import load_config
from builder.core.models import BuildOptions
from builder.pipeline import build
from builder.write import journal

REPO = Path(__file__).resolve().parents[2]
SITE_SERVE = REPO / "tests" / "fixtures" / "site-serve"
sys.path.insert(0, str(REPO / "tests" / "perf"))
import corpus  # noqa: E402

EPOCH = "1748779200"  # 2025-06-01 12:00 UTC
SITE_YAML = 'title: "Safety Digest"\nbase_url: "https://example.org/"\ntimezone: Europe/Lisbon\n'
BUILD = [sys.executable, "-m", "builder", "build", "--no-cache", "--jobs", "1"]
INTERRUPTED = "interrupted; output/ left as it was\n"  # stopped before the commit
UPDATED = "interrupted after output/ was updated\n"  # held back until the commit was done


def env(**extra: str) -> dict[str, str]:
    """The environment of a build subprocess: this checkout, a fixed build date."""
    base = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return {**base, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": EPOCH, **extra}


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def stat_tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Files → (bytes, mtime_ns), and folders → (b"<dir>", mtime_ns): any write shows."""
    result = {}
    for path in sorted(folder.rglob("*")):
        data = b"<dir>" if path.is_dir() else path.read_bytes()
        result[path.relative_to(folder).as_posix()] = (data, path.stat().st_mtime_ns)
    return result


def temp_folders(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(write.TMP_PREFIX))


def empty_folders(folder: Path) -> list[str]:
    return [
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_dir() and not any(p.iterdir())
    ]


# --------------------------------------------------------------------------
# A site big enough to interrupt: version A (the previous build) and B (the new one)
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Versions:
    site_b: Path  # site.yaml + content/ of version B
    out_a: Path  # a complete build of version A
    tree_a: dict[str, bytes]
    tree_b: dict[str, bytes]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def _cold_build(site: Path, out: Path) -> dict[str, bytes]:
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        result = build(load_config(site / "site.yaml", out), BuildOptions(jobs=1))
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    assert result.ok, [d.format() for d in result.diagnostics]
    return tree(out)


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    base = tmp_path_factory.mktemp("versions")
    site_a = base / "a"
    corpus.generate(120, site_a / "content" / "news")
    (site_a / "site.yaml").write_text(SITE_YAML, "utf-8")
    tree_a = _cold_build(site_a, base / "out-a")
    site_b = base / "b"
    shutil.copytree(site_a, site_b)
    articles = sorted((site_b / "content" / "news").glob("*.md"))
    for path in articles[:3]:
        _edit(path, 'title: "', 'title: "Revised: ')
    articles[50].unlink()
    shutil.copy(articles[7], articles[7].with_name("zz-added.md"))
    _edit(articles[7].with_name("zz-added.md"), 'title: "', 'title: "Second look: ')
    tree_b = _cold_build(site_b, base / "out-b")
    assert tree_a != tree_b and set(tree_a) != set(tree_b)
    return Versions(site_b, base / "out-a", tree_a, tree_b)


def prepare(versions: Versions, dest: Path) -> Path:
    """Version B's sources at `dest`, with version A's complete build in dest/output."""
    shutil.copytree(versions.site_b, dest)
    shutil.copytree(versions.out_a, dest / "output")
    return dest


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen) -> bool:
    """Poll until `condition` holds; False if the build ended first."""
    while not condition():
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    return True


def started(site: Path) -> Callable[[], bool]:
    """The build holds the lock: the CLI has installed its signal handlers.

    The lock file outlives every build (the lock is an flock on it), so its
    existence says nothing: the lock is held when it cannot be taken here.
    """

    def held() -> bool:
        path = site / write.LOCK_NAME
        if not path.exists():
            return False
        with open(path, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    return held


def staging(site: Path) -> Callable[[], bool]:
    """Rendered pages are being staged in the temp folder."""
    return lambda: any((site / name / "new").is_dir() for name in temp_folders(site))


TRIALS = [
    ("SIGTERM", "started", 0.0),
    ("SIGINT", "started", 0.3),
    ("SIGTERM", "staging", 0.0),
    ("SIGINT", "staging", 0.15),
    ("SIGTERM", "staging", 0.4),
]


def said(code: int, err: str) -> str:
    """Which output/ the build said it left: "old" or "new" (a finished build: "new")."""
    if code == 0:
        assert "\nbuilt " in f"\n{err}", err
        return "new"
    assert code == 130 and err.endswith((INTERRUPTED, UPDATED)), f"{code}\n{err}"
    return "old" if err.endswith(INTERRUPTED) else "new"


def test_interrupted_build_leaves_old_or_new_output(versions: Versions, tmp_path: Path) -> None:
    outcomes = []
    for number, (name, when, delay) in enumerate(TRIALS):
        site = prepare(versions, tmp_path / f"trial{number}")
        content = stat_tree(site / "content")
        proc = subprocess.Popen(BUILD, cwd=site, env=env(), stderr=subprocess.PIPE, text=True)
        trigger = started(site) if when == "started" else staging(site)
        if wait_for(trigger, proc):
            time.sleep(delay)
            proc.send_signal(getattr(signal, name))
        err = proc.communicate(timeout=120)[1]
        label = f"{name} at {when}+{delay}s"
        assert "Traceback" not in err, label
        # Nothing is half-way, and the last line says truly which site output/ holds.
        got = tree(site / "output")
        expected = {"old": versions.tree_a, "new": versions.tree_b}[said(proc.returncode, err)]
        assert got == expected, label
        assert temp_folders(site) == [], label
        assert stat_tree(site / "content") == content, label
        outcomes.append((proc.returncode, "old" if got == versions.tree_a else "new"))
    assert (130, "old") in outcomes  # at least one trial really was interrupted


def test_a_signal_held_during_the_commit_says_output_was_updated(
    versions: Versions,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The one case a timed signal rarely hits: Ctrl-C while the new files are moved in."""
    site = prepare(versions, tmp_path / "site")
    apply = journal.apply

    def interrupted_apply(*args: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # held back by journal.signals_held
        apply(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(journal, "apply", interrupted_apply)
    monkeypatch.chdir(site)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    saved = signal.getsignal(signal.SIGTERM)
    try:
        code = main(["build", "--no-cache", "--jobs", "1"])
    finally:
        signal.signal(signal.SIGTERM, saved)  # main() installs its own
    assert (code, capsys.readouterr().err) == (130, UPDATED)
    assert tree(site / "output") == versions.tree_b
    assert temp_folders(site) == []


def test_sigkill_leaves_a_temp_folder_the_next_build_sweeps(
    versions: Versions, tmp_path: Path
) -> None:
    site = prepare(versions, tmp_path / "site")
    proc = subprocess.Popen(BUILD, cwd=site, env=env(), stderr=subprocess.PIPE, text=True)
    assert wait_for(staging(site), proc), proc.communicate()[1]
    proc.kill()
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert len(temp_folders(site)) == 1  # what a killed build leaves
    assert tree(site / "output") == versions.tree_a  # nothing applied yet
    done = subprocess.run(
        BUILD, cwd=site, env=env(), stderr=subprocess.PIPE, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert temp_folders(site) == []
    assert tree(site / "output") == versions.tree_b


def test_ctrl_c_to_the_process_group_with_workers(versions: Versions, tmp_path: Path) -> None:
    """A terminal's Ctrl-C (or CI's SIGTERM) reaches the pool workers too.

    The workers must not print tracebacks, and the pool must not hang.
    """
    for number, sig in enumerate((signal.SIGINT, signal.SIGTERM, signal.SIGINT)):
        site = prepare(versions, tmp_path / f"group{number}")
        proc = subprocess.Popen(
            [*BUILD[:-1], "2"],
            cwd=site,
            env=env(),
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        if wait_for(staging(site), proc):
            time.sleep(0.05 * number)
            os.killpg(proc.pid, sig)
        try:  # an interrupted build ends within seconds: this only catches a hang
            err = proc.communicate(timeout=30)[1]
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail(f"{sig.name} to the process group: the build hung")
        assert "Traceback" not in err
        # -SIGINT: Ctrl-C landed as Python was exiting; a shell shows that as 130 too.
        assert proc.returncode in (0, 130, -signal.SIGINT), err
        assert proc.returncode != 130 or err in (INTERRUPTED, UPDATED), err
        if proc.returncode == 130:
            expected = versions.tree_a if err == INTERRUPTED else versions.tree_b
            assert tree(site / "output") == expected
        assert tree(site / "output") in (versions.tree_a, versions.tree_b)
        assert temp_folders(site) == []


# --------------------------------------------------------------------------
# The lock
# --------------------------------------------------------------------------
@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(SITE_SERVE, site)
    return site


def test_second_build_waits_for_the_lock(small_site: Path) -> None:
    with open(small_site / write.LOCK_NAME, "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.Popen(BUILD, cwd=small_site, env=env(), stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        # Guards against a build blocked on the lock without a word (no timing asserted).
        ready, _, _ = select.select([proc.stderr], [], [], 60)
        assert ready, "the waiting build printed nothing"
        first = proc.stderr.readline()
        assert first == f"waiting for another build of {small_site / 'output'} to finish…\n"
        time.sleep(0.3)  # it keeps waiting, and writes nothing, while the lock is held
        assert proc.poll() is None
        assert not (small_site / "output").exists()
        assert temp_folders(small_site) == []
        fcntl.flock(lock, fcntl.LOCK_UN)
        rest = proc.communicate(timeout=60)[1]
    assert proc.returncode == 0, rest
    assert rest.startswith("built 2 articles, 1 page, 2 tags, 1 edition: 42 files written")
    assert (small_site / "output" / "index.html").is_file()


def test_two_builds_at_once_do_not_interleave(small_site: Path, tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    shutil.copytree(SITE_SERVE, reference)
    expected = _cold_build(reference, reference / "output")
    procs = [
        subprocess.Popen(BUILD, cwd=small_site, env=env(), stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    errs = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert tree(small_site / "output") == expected
    assert temp_folders(small_site) == []


# --------------------------------------------------------------------------
# content/ is never written; incremental writes (in-process, with the cache)
# --------------------------------------------------------------------------
@pytest.fixture
def cli(
    small_site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Callable[..., tuple[int, str]]]:
    """`broadsheet build ARGS` in small_site (with its cache): (exit code, stderr)."""
    monkeypatch.chdir(small_site)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    saved = signal.getsignal(signal.SIGTERM)

    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(["build", *args])
        return code, capsys.readouterr().err

    yield run
    signal.signal(signal.SIGTERM, saved)  # main() installs its own


def test_content_is_never_written(small_site: Path, cli: Callable[..., tuple[int, str]]) -> None:
    content = small_site / "content"
    broken = content / "2024" / "06" / "broken.md"
    steps: list[tuple[str, Callable[[], None], tuple[str, ...], int]] = [
        ("cold build", lambda: None, (), 0),
        ("no-change build", lambda: None, (), 0),
        ("failing build", lambda: broken.write_text("---\ntitle: [\n---\n", "utf-8"), (), 1),
        ("failing strict build", lambda: None, ("--strict",), 1),
        ("fixed", broken.unlink, ("--drafts", "--future"), 0),
        ("no cache", lambda: None, ("--no-cache", "--jobs", "2"), 0),
    ]
    for label, change, args, expected in steps:
        change()
        before = stat_tree(content)
        code, err = cli(*args)
        assert code == expected, f"{label}: {err}"
        assert stat_tree(content) == before, label
    assert sorted(p.name for p in small_site.iterdir()) == [
        ".broadsheet-cache",
        ".broadsheet.lock",
        "content",
        "output",
        "site.yaml",
    ]


def test_incremental_writes_touch_only_what_changed(
    small_site: Path, cli: Callable[..., tuple[int, str]]
) -> None:
    out = small_site / "output"
    article = small_site / "content" / "2024" / "06" / "fish-market-reopens.md"
    other = "2024/06/ferry-timetable-changes/index.html"
    page = "2024/06/fish-market-reopens/index.html"

    def files() -> dict[str, tuple[bytes, int]]:
        return {k: v for k, v in stat_tree(out).items() if v[0] != b"<dir>"}

    def same_bytes_same_mtime(before: dict, after: dict, touched: tuple[str, ...] = ()) -> None:
        for rel, (data, mtime) in before.items():
            if rel in after and after[rel][0] == data and not rel.startswith(touched):
                assert after[rel][1] == mtime, f"{rel} rewritten with the same bytes"

    assert cli()[0] == 0
    first = files()
    code, err = cli()
    assert err.startswith("nothing changed: 2 articles, 1 page, 2 tags, 1 edition; 42 files")
    assert files() == first
    assert cli("--no-cache")[0] == 0  # no manifest: every file compared by bytes
    assert files() == first

    # An edited article: its page is rewritten, pages that do not show it keep their mtime.
    _edit(article, "six weeks", "seven weeks")
    assert cli()[0] == 0
    edited = files()
    assert edited[page][0] != first[page][0]
    assert b"seven weeks" in edited[page][0]
    assert edited[other] == first[other]
    assert edited["about/index.html"] == first["about/index.html"]
    same_bytes_same_mtime(first, edited)

    # Files removed or edited by hand are put back, even when no source changed.
    shutil.rmtree(out / "tags" / "harbour")
    (out / "about" / "index.html").unlink()
    with open(out / "index.html", "ab") as handle:
        handle.write(b"<!-- edited by hand -->")
    (out / "feed.xml").write_bytes(b"x" * len(edited["feed.xml"][0]))  # same size
    code, err = cli()
    assert code == 0, err
    assert "nothing changed" not in err
    restored = files()
    assert {k: v[0] for k, v in restored.items()} == {k: v[0] for k, v in edited.items()}
    same_bytes_same_mtime(edited, restored, ("tags/harbour/", "about/", "index.html", "feed.xml"))

    # A deleted article: its page and the folders it leaves empty are gone.
    article.unlink()
    code, err = cli()
    assert code == 0, err
    assert not (out / "2024" / "06" / "fish-market-reopens").exists()
    assert empty_folders(out) == []
    same_bytes_same_mtime(restored, files())

    # After all that, output/ is exactly what a cold build of the same sources makes.
    cold = small_site.parent / "cold"
    shutil.copytree(small_site, cold, ignore=shutil.ignore_patterns("output", ".broadsheet*"))
    assert tree(out) == _cold_build(cold, cold / "output")


def test_scheduled_article_is_published_when_due(small_site: Path) -> None:
    """The no-change fast path does not keep a scheduled article out after its date."""
    (small_site / "content" / "2024" / "06" / "later.md").write_text(
        '---\ntitle: "Later"\ndate: 2024-07-01T09:00:00+01:00\n---\n\nSoon.\n', "utf-8"
    )
    config = load_config(small_site / "site.yaml", small_site / "output")
    cache = small_site / ".broadsheet-cache"
    before = dt.datetime(2024, 6, 30, tzinfo=dt.UTC)
    after = dt.datetime(2024, 7, 2, tzinfo=dt.UTC)
    first = build(config, BuildOptions(jobs=1, cache_dir=cache, now=before))
    assert first.ok and "Later" not in (small_site / "output" / "index.html").read_text()
    same = build(config, BuildOptions(jobs=1, cache_dir=cache, now=before))
    assert same.site is None  # the fast path
    due = build(config, BuildOptions(jobs=1, cache_dir=cache, now=after))
    assert due.ok and due.site is not None
    assert "Later" in (small_site / "output" / "index.html").read_text()
