"""Faults at every step of the write transaction and of its recovery, recovery included.

Each step is one call of an os function that changes the file system
(rename, replace, unlink, rmdir, mkdir), whoever makes it: write's own
code, pathlib or shutil.rmtree. A fault is either a kill (a forked child
that `os._exit`s on the spot, as SIGKILL would) or an error (OSError raised
instead of the call). After any sequence of them, and of recoveries run to
the end, output/ must be exactly the previous site (bytes, mtimes and
folders) or exactly the new one, with no temp folder left.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from builder import write
from builder.config import load_config
from builder.core.models import OutputFile, SiteConfig
from builder.write import journal

# Every kind of change: replaced, kept, deleted (pruning its folders), added (making folders),
# a file that becomes a folder (x) and a folder that becomes a file (y).
OLD = {
    "index.html": b"<p>old home</p>",
    "a/index.html": b"<p>a</p>",
    "a/b/index.html": b"<p>b old</p>",
    "gone/deep/index.html": b"<p>gone</p>",
    "same.css": b"body{}",
    "x": b"x was a file",
    "y/index.html": b"y was a folder",
}
NEW = {
    "index.html": b"<p>new home</p>",
    "a/index.html": b"<p>a</p>",
    "a/b/index.html": b"<p>b new</p>",
    "fresh/page/index.html": b"<p>fresh</p>",
    "same.css": b"body{}",
    "x/index.html": b"x is a folder",
    "y": b"y is a file",
}
MUTATORS = ("rename", "replace", "unlink", "rmdir", "mkdir")
KILLED, FINISHED = 9, 3


def make_config(root: Path) -> SiteConfig:
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text('title: "W"\nbase_url: "https://w.example/"\n', "utf-8")
    return load_config(root / "site.yaml", root / "output")


def staged(config: SiteConfig, files: dict[str, bytes]) -> write.Writer:
    writer = write.Writer(config, {})
    for rel, data in sorted(files.items()):
        writer.add(OutputFile(rel, data, hashlib.sha256(data).hexdigest()))
    return writer


def write_files(config: SiteConfig, files: dict[str, bytes]) -> write.WriteStats:
    with staged(config, files) as writer:
        return writer.commit()


def tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def contents(folder: Path) -> dict[str, bytes]:
    return {rel: data for rel, (data, _mtime) in tree(folder).items() if rel != write.MARKER}


def folders(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir())


def temp_folders(parent: Path) -> list[Path]:
    return sorted(p for p in parent.iterdir() if p.name.startswith(write.TMP_PREFIX))


@contextlib.contextmanager
def faults(at: set[int], act: Callable[[str, object], None]) -> Iterator[list[str]]:
    """Count the calls of MUTATORS; call `act` instead of the n-th one, for each n in `at`."""
    calls: list[str] = []
    real = {name: getattr(os, name) for name in MUTATORS}

    def wrapped(name: str) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            calls.append(f"{name} {args[0]}")
            if len(calls) in at:
                act(name, args[0])
            return real[name](*args, **kwargs)

        return call

    for name in MUTATORS:
        setattr(os, name, wrapped(name))
    try:
        yield calls
    finally:
        for name, function in real.items():
            setattr(os, name, function)


def die(name: str, path: object) -> None:
    os._exit(KILLED)


def fail(name: str, path: object) -> None:
    raise OSError(errno.EIO, "injected fault", str(path))


def killed_at(step: int, work: Callable[[], None]) -> bool:
    """Run `work` in a forked child killed at its `step`-th change; True if it was."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 4
        try:
            with faults({step}, die):
                work()
            code = FINISHED
        finally:
            os._exit(code)
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    assert code in (KILLED, FINISHED), f"the child failed (exit {code})"
    return code == KILLED


@pytest.fixture
def base(tmp_path: Path) -> Iterator[Path]:
    """A folder on tmpfs where there is one: these tests make thousands of folders, and on
    a journaling disk each rmdir can take milliseconds. The logic under test is the same."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(dir=shm, prefix="broadsheet-test-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def sites(base: Path) -> tuple[SiteConfig, dict]:
    """A config, and the new site as a build leaves it (contents, folders, id)."""
    reference = make_config(base / "reference")
    write_files(reference, NEW)
    new = {
        "contents": contents(reference.output_dir),
        "folders": folders(reference.output_dir),
        "id": write.build_id(reference.output_dir),
    }
    return make_config(base / "site"), new


def fresh_old(config: SiteConfig) -> dict:
    shutil.rmtree(config.root / "output", ignore_errors=True)
    for left in temp_folders(config.root):
        shutil.rmtree(left)
    write_files(config, OLD)
    return {"tree": tree(config.output_dir), "folders": folders(config.output_dir)}


def assert_whole(config: SiteConfig, which: str, old: dict, new: dict, label: str) -> None:
    out = config.output_dir
    if which == "old":
        assert tree(out) == old["tree"], label  # the same files, bytes and mtimes
        assert folders(out) == old["folders"], label
    else:
        assert contents(out) == new["contents"], label
        assert folders(out) == new["folders"] and write.build_id(out) == new["id"], label
    assert temp_folders(config.root) == [], label


def committed(writer: write.Writer) -> Callable[[], None]:
    """The whole transaction of a build: commit, then the Writer's cleanup."""

    def run() -> None:
        with writer:
            writer.commit()

    return run


def killed_commit(config: SiteConfig, step: int) -> str | None:
    """A fresh old site, and a commit of the new one killed at `step` (in a forked child).

    Returns which site recovery must leave ("old": the journal was still there, or
    nothing had moved; "new": it was in place), or None if the commit finished.
    """
    if not killed_at(step, committed(staged(config, NEW))):
        return None
    left = temp_folders(config.root)
    if any((t / journal.JOURNAL).exists() for t in left):
        return "old"
    return "new" if write.build_id(config.output_dir) != build_id_of(OLD) else "old"


def build_id_of(files: dict[str, bytes]) -> str:
    digest = json.dumps(sorted((k, hashlib.sha256(v).hexdigest()) for k, v in files.items()))
    return hashlib.sha256(digest.encode()).hexdigest()[:24]


class Killed(BaseException):
    """Raised instead of a call, in place of a kill: nothing in recover() catches a
    BaseException or changes files on the way out (no `finally` does), so what it
    leaves is what a kill at that call leaves. The fork-based test below checks it."""


def kill(name: str, path: object) -> None:
    raise Killed


def killed_in_process(step: int, work: Callable[[], None]) -> bool:
    try:
        with faults({step}, kill):
            work()
    except Killed:
        return True
    return False


def recoveries_killed_at_every_step(
    config: SiteConfig,
    which: str,
    old: dict,
    new: dict,
    killer: Callable[[int, Callable[[], None]], bool],
    label: str,
) -> int:
    """From the state a killed commit left: recovery killed at step 1, 2, …, each followed
    by two recoveries run to the end; output/ must be `which` site every time."""
    out = config.output_dir
    state = config.root.parent / "state"
    shutil.rmtree(state, ignore_errors=True)
    # Hard links: recovery only renames and unlinks, so the saved state is never changed,
    # and each restored file keeps its inode, bytes and mtime.
    shutil.copytree(config.root, state, copy_function=os.link)
    for rstep in range(1, 1000):
        shutil.rmtree(config.root)
        shutil.copytree(state, config.root, copy_function=os.link)
        killed = killer(rstep, lambda: write.recover(out))
        write.recover(out)  # the next build's recovery, run to the end
        write.recover(out)  # and the one after: nothing left to do
        assert_whole(config, which, old, new, f"{label}, recovery killed at step {rstep}")
        if not killed:
            return rstep
    raise AssertionError("recovery never finished")


PARTS = 4  # the commit steps are shared out between this many tests, for pytest -n


@pytest.mark.parametrize("part", range(PARTS))
def test_a_kill_at_any_step_of_the_commit_then_at_any_step_of_recovery(
    sites: tuple, part: int
) -> None:
    config, new = sites
    steps = runs = 0
    for step in range(1 + part, 1000, PARTS):
        old = fresh_old(config)
        which = killed_commit(config, step)
        if which is None:
            break
        steps = step
        runs += recoveries_killed_at_every_step(
            config, which, old, new, killed_in_process, f"commit killed at step {step}"
        )
    assert steps > 40 and runs > 20 * steps / PARTS  # the commit, cleanup, each recovery
    # Unhindered, the commit puts the new site in place.
    fresh_old(config)
    write_files(config, NEW)
    assert_whole(config, "new", {}, new, "no fault")


def test_real_kills_during_recovery_leave_what_the_in_process_ones_do(sites: tuple) -> None:
    """The same as above with a forked child killed for real at every step of recovery,
    for a commit killed half-way through moving files (deletions, additions, replacements
    all begun): the in-process Killed stands for a kill only if these pass too."""
    config, new = sites
    old = fresh_old(config)
    assert killed_commit(config, 25) == "old"
    runs = recoveries_killed_at_every_step(
        config, "old", old, new, killed_at, "commit killed at step 25"
    )
    assert runs > 30


def test_an_error_at_any_step_of_the_commit_leaves_the_old_site(sites: tuple) -> None:
    config, new = sites
    for step in range(1, 1000):
        old = fresh_old(config)
        writer = staged(config, NEW)
        with faults({step}, fail) as calls:
            try:
                with writer:
                    writer.commit()
            except OSError as exc:
                assert exc.strerror == "injected fault"
                which = "old"
            else:
                which = "new"  # the error hit the cleanup, once the new site was in place
        if step > len(calls):
            break
        write.recover(config.output_dir)  # sweeps a temp folder a failed cleanup left
        assert_whole(config, which, old, new, f"error at step {step}: {calls[step - 1]}")
    assert step > 20


def test_a_second_error_during_the_rollback_is_undone_by_the_next_recovery(sites: tuple) -> None:
    """An error, then another while the Writer puts the old files back: the journal stays,
    and the next build's recovery finishes the rollback."""
    config, new = sites
    runs = 0
    for first in range(1, 1000):
        for second in range(first + 1, first + 30):
            old = fresh_old(config)
            writer = staged(config, NEW)
            with faults({first, second}, fail) as calls:
                try:
                    with writer:
                        writer.commit()
                    which = "new"
                except OSError:
                    which = "old"
            write.recover(config.output_dir)
            write.recover(config.output_dir)
            assert_whole(config, which, old, new, f"errors at steps {first} and {second}")
            runs += 1
            if second >= len(calls):
                break
        if first >= len(calls):
            break
    assert runs > 200


# --------------------------------------------------------------------------
# A journal that cannot be trusted is never acted on
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "change",
    [
        {"out": "/elsewhere/output"},
        {"out": "{root}/../output"},
        {"delete": ["../../victim.txt"]},
        {"add": ["a/../../victim.txt"]},
        {"replace": "index.html"},
        {"delete": [".broadsheet"]},
        {"format": 1},
        {"replace": None},
    ],
    ids=[
        "other folder",
        "dot-dot",
        "delete outside",
        "add outside",
        "not a list",
        "marker deleted",
        "format",
        "missing list",
    ],
)
def test_a_tampered_journal_stops_the_build_and_touches_nothing(base: Path, change: dict) -> None:
    config = make_config(base / "site")
    write_files(config, OLD)
    victim = base / "victim.txt"
    victim.write_text("keep me")
    killed_at(12, staged(config, NEW).commit)
    (left,) = temp_folders(config.root)
    path = left / journal.JOURNAL
    plan = json.loads(path.read_text())
    plan.update(
        {k: v.format(root=config.root) if isinstance(v, str) else v for k, v in change.items()}
    )
    path.write_text(json.dumps(plan))
    before = {"out": tree(config.output_dir), "tmp": tree(left)}
    with pytest.raises(OSError) as info:
        write.recover(config.output_dir)
    assert info.value.filename == str(path)
    assert info.value.strerror.startswith(
        "cannot roll back the build that was interrupted "
        "here: it names files outside the output folder"
    )
    assert {"out": tree(config.output_dir), "tmp": tree(left)} == before
    assert victim.read_text() == "keep me"


def test_an_unreadable_journal_is_reported_not_guessed_at(tmp_path: Path) -> None:
    config = make_config(tmp_path / "site")
    write_files(config, OLD)
    killed_at(12, staged(config, NEW).commit)
    (left,) = temp_folders(config.root)
    (left / journal.JOURNAL).write_text('{"format": 2, "out": ')
    with pytest.raises(
        OSError,
        match="it cannot be read; output/ may hold files of two builds: check it, then delete ",
    ):
        write.recover(config.output_dir)
    assert (left / "old").is_dir()  # the old files it holds are kept


def test_a_journal_being_written_when_killed_means_nothing_was_applied(tmp_path: Path) -> None:
    config = make_config(tmp_path / "site")
    write_files(config, OLD)
    before = tree(config.output_dir)
    writer = staged(config, NEW)
    with faults(set(), die) as calls, writer:
        writer.commit()
    replace = next(i for i, c in enumerate(calls, 1) if c.startswith("replace "))
    shutil.rmtree(config.root / "output")
    write_files(config, OLD)
    before = tree(config.output_dir)
    assert killed_at(replace, staged(config, NEW).commit)
    (left,) = temp_folders(config.root)
    assert not (left / journal.JOURNAL).exists() and (left / "journal.json.part").exists()
    write.recover(config.output_dir)
    assert tree(config.output_dir) == before and temp_folders(config.root) == []
