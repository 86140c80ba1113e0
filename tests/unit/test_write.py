"""write.py: which output folders are refused, and what a failed or killed build leaves.

The refusals go through the real command line (`broadsheet build --output
X`), so the exact text and exit code users see are what is asserted. The
crash cases drive the real Writer: a disk that fills up while staging, a
file system error half-way through applying, and a build killed at every
step of the journaled apply (a forked child that exits on the spot, as
SIGKILL would), after which `recover()` must restore the previous output.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from builder import write
from builder.cli import main
from builder.config import load_config
from builder.core.errors import UsageError
from builder.core.models import OutputFile, SiteConfig
from builder.write import journal, writer

SITE_SERVE = Path(__file__).resolve().parents[1] / "fixtures" / "site-serve"
ARTICLE = "content/2024/06/fish-market-reopens.md"


def tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder` (the marker too): rel → (bytes, mtime_ns)."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def folders(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir())


def temp_folders(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(write.TMP_PREFIX))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of site-serve, the current folder, with a fixed build date and a home elsewhere."""
    root = tmp_path / "site"
    shutil.copytree(SITE_SERVE, root)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1718900000")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str]]:
    """`broadsheet build --no-cache ARGS`: (exit code, stderr)."""

    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(["build", "--no-cache", *args])
        return code, capsys.readouterr().err

    return run


# --------------------------------------------------------------------------
# Refused output folders
# --------------------------------------------------------------------------
PICK = "pick a folder of its own, such as output/"
REFUSED: list[tuple[str, Callable[[Path], Path], str]] = [
    ("project root", lambda s: s, "it is the site folder"),
    ("file system root", lambda s: Path("/"), "it is the root of the file system"),
    ("home folder", lambda s: s.parent / "home", "it is your home folder"),
    ("content", lambda s: s / "content", "it is the site's content/ folder"),
    ("themes", lambda s: s / "themes", "it is the site's themes/ folder"),
    ("templates", lambda s: s / "templates", "it is the site's templates/ folder"),
    ("parent of the site", lambda s: s.parent, "it holds the site folder"),
    (
        "inside content",
        lambda s: s / "content" / "built",
        "it is inside the site's content/ folder",
    ),
    ("inside themes", lambda s: s / "themes" / "out", "it is inside the site's themes/ folder"),
]


@pytest.mark.parametrize(("what", "where", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_output_folders(
    site: Path,
    cli: Callable[..., tuple[int, str]],
    what: str,
    where: Callable[[Path], Path],
    reason: str,
) -> None:
    before = tree(site.parent)
    out = where(site)
    code, err = cli("--output", str(out))
    assert (code, err) == (
        2,
        f"broadsheet: error: refusing to use {out} as the output folder\n"
        f"  hint: {reason}; {PICK}\n",
    )
    assert tree(site.parent) == before  # nothing written anywhere, not even a lock file


def test_refuses_a_file(site: Path, cli: Callable[..., tuple[int, str]]) -> None:
    before = tree(site)
    code, err = cli("--output", "site.yaml")
    assert (code, err) == (
        2,
        f"broadsheet: error: output {site / 'site.yaml'} is a file\n"
        "  hint: remove it or choose another --output\n",
    )
    assert tree(site) == before


def test_refuses_a_folder_broadsheet_did_not_make(
    site: Path, cli: Callable[..., tuple[int, str]]
) -> None:
    (site / "mine").mkdir()
    (site / "mine" / "notes.txt").write_text("keep me\n")
    before = tree(site)
    code, err = cli("--output", "mine")
    assert (code, err) == (
        2,
        f"broadsheet: error: output folder {site / 'mine'} is not empty "
        "and was not made by Broadsheet\n"
        "  hint: empty it yourself, or choose another --output\n",
    )
    assert tree(site) == before


def test_output_option_in_site_yaml_is_checked_too(
    site: Path, cli: Callable[..., tuple[int, str]]
) -> None:
    with open(site / "site.yaml", "a", encoding="utf-8") as handle:
        handle.write('output: "content"\n')
    code, err = cli()
    assert code == 2
    assert err.startswith(f"broadsheet: error: refusing to use {site / 'content'} as")


def test_accepts_an_empty_folder(site: Path, cli: Callable[..., tuple[int, str]]) -> None:
    (site / "public").mkdir()
    code, err = cli("--output", "public")
    assert code == 0, err
    assert (site / "public" / ".broadsheet").read_text().startswith("built by Broadsheet; build ")
    assert (site / "public" / "index.html").is_file()
    # The marker now says Broadsheet made it: the next build may replace its contents.
    code, err = cli("--output", "public")
    assert code == 0, err
    assert temp_folders(site) == []


# --------------------------------------------------------------------------
# Disk full while staging
# --------------------------------------------------------------------------
def fill_disk_after(monkeypatch: pytest.MonkeyPatch, count: int) -> list[str]:
    """Make the (count+1)-th staged write fail with ENOSPC.

    Returns the staged paths written, the failing one last.
    """
    real = writer._write_file
    written: list[str] = []

    def full(path: str, data: bytes) -> None:
        written.append(path)
        if len(written) > count:
            with open(path, "wb") as handle:  # a partial file, as a full disk leaves
                handle.write(data[:10])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
        real(path, data)

    monkeypatch.setattr(writer, "_write_file", full)
    return written


def staged_key(path: str) -> str:
    """The output path of a file staged at `path` (…/.broadsheet-tmp-PID/new/KEY)."""
    return Path(path).as_posix().split("/new/", 1)[1]


def test_disk_full_while_staging_leaves_previous_output(
    site: Path, cli: Callable[..., tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli()[0] == 0
    before = tree(site / "output")
    article = site / ARTICLE
    article.write_text(article.read_text("utf-8").replace("Fish market", "Fish hall"), "utf-8")
    written = fill_disk_after(monkeypatch, 2)
    code, err = cli()
    assert len(written) == 3
    # Named by where the file was going, not by the temp folder that is gone.
    assert (code, err) == (
        1,
        f"output/{staged_key(written[-1])}: error: No space left on "
        "device\n  hint: free some disk space\n"
        "build failed; output/ left as it was\n",
    )
    assert tree(site / "output") == before
    assert temp_folders(site) == []


def test_a_machine_error_in_another_command_does_not_speak_of_a_build(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check` reads output/ and never writes it: "build failed" would be wrong there."""
    import errno

    from builder.commands import check

    def unreadable(args: object) -> int:
        raise OSError(errno.EIO, "Input/output error", "output/index.html")

    monkeypatch.setattr(check, "run", unreadable)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)  # else each error comes twice
    monkeypatch.chdir(site)
    assert main(["check"]) == 1
    assert capsys.readouterr().err == (
        "output/index.html: error: Input/output error\ncheck failed\n"
    )


def test_disk_full_on_first_build_leaves_no_output(
    site: Path, cli: Callable[..., tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_disk_after(monkeypatch, 0)
    code, err = cli()
    assert code == 1
    assert err.endswith(
        "error: No space left on device\n  hint: free some disk space\n"
        "build failed; output/ left as it was\n"
    )
    assert not (site / "output").exists()
    assert temp_folders(site) == []


# --------------------------------------------------------------------------
# The Writer driven directly: errors and kills during the apply
# --------------------------------------------------------------------------
OLD = {
    "index.html": b"<p>old home</p>",
    "a/index.html": b"<p>a</p>",
    "a/b/index.html": b"<p>b old</p>",
    "gone/index.html": b"<p>gone</p>",
    "deep/er/still.txt": b"old leaf",
    "same.css": b"body{}",
}
NEW = {
    "index.html": b"<p>new home</p>",
    "a/index.html": b"<p>a</p>",
    "a/b/index.html": b"<p>b new</p>",
    "fresh/page/index.html": b"<p>fresh</p>",
    "same.css": b"body{}",
    "deep/other.txt": b"new leaf",
}


def make_config(root: Path, out_name: str = "output") -> SiteConfig:
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text('title: "W"\nbase_url: "https://w.example/"\n', "utf-8")
    return load_config(root / "site.yaml", root / out_name)


def write_files(config: SiteConfig, files: dict[str, bytes]) -> write.WriteStats:
    with write.Writer(config, {}) as writer:
        for rel, data in sorted(files.items()):
            writer.add(OutputFile(rel, data, hashlib.sha256(data).hexdigest()))
        return writer.commit()


def test_writer_applies_only_the_difference(tmp_path: Path) -> None:
    config = make_config(tmp_path / "site")
    out = config.output_dir
    first = write_files(config, OLD)
    assert (first.written, first.kept, first.removed) == (6, 0, 0)
    before = tree(out)
    stats = write_files(config, NEW)
    assert (stats.written, stats.kept, stats.removed) == (4, 2, 2)
    after = tree(out)
    assert {k: v[0] for k, v in after.items() if k != write.MARKER} == NEW
    for kept in ("a/index.html", "same.css"):
        assert after[kept] == before[kept]  # same bytes, same mtime
    assert folders(out) == ["a", "a/b", "deep", "fresh", "fresh/page"]  # gone/, deep/er pruned
    assert write.build_id(out) == stats.id != first.id
    assert temp_folders(tmp_path / "site") == []


def test_bytes_of_gives_what_this_build_has_for_an_output_staged_or_kept(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path / "site")
    first = write_files(config, OLD)
    previous = {rel: list(entry) for rel, entry in first.manifest.items()}
    with write.Writer(config, previous) as writer:
        assert writer.bytes_of("a/index.html") is None  # not added yet
        writer.add(OutputFile("a/index.html", None, previous["a/index.html"][0]))  # reused
        writer.add(OutputFile("same.css", OLD["same.css"], "fp"))  # same bytes: kept
        writer.add(OutputFile("fresh/page/index.html", b"<p>new</p>", "fp"))  # staged
        assert writer.bytes_of("a/index.html") == OLD["a/index.html"]
        assert writer.bytes_of("same.css") == OLD["same.css"]
        assert writer.bytes_of("fresh/page/index.html") == b"<p>new</p>"
        assert not (config.output_dir / "fresh").exists()  # read from the staging folder
        assert writer.bytes_of("../site.yaml") is None  # never added: never read
        (config.output_dir / "a/index.html").unlink()
        assert writer.bytes_of("a/index.html") is None  # gone since


def test_error_half_way_through_the_apply_is_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_config(tmp_path / "site")
    write_files(config, OLD)
    before = tree(config.output_dir)
    real = journal.move
    moves: list[Path] = []

    def failing(source: Path, target: Path) -> None:
        moves.append(target)
        if len(moves) == 5:  # once: the rollback's own moves succeed
            raise PermissionError(errno.EACCES, "Permission denied", str(target))
        real(source, target)

    monkeypatch.setattr(journal, "move", failing)
    with pytest.raises(PermissionError):
        write_files(config, NEW)
    assert tree(config.output_dir) == before
    assert temp_folders(tmp_path / "site") == []


def killed_commit(config: SiteConfig, files: dict[str, bytes], cut: int) -> bool:
    """Commit `files` in a forked child that dies (like SIGKILL) before its `cut`-th move.

    True if the child was killed, False if the commit finished first.
    """
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 4
        try:
            real = journal.move
            count = [0]

            def move(source: Path, target: Path) -> None:
                if count[0] == cut:
                    os._exit(9)
                count[0] += 1
                real(source, target)

            journal.move = move  # type: ignore[assignment]
            write_files(config, files)
            code = 3
        finally:
            os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code in (3, 9), f"child failed with {code}"
    return code == 9


def test_recover_rolls_back_a_build_killed_at_every_step(tmp_path: Path) -> None:
    config = make_config(tmp_path / "site")
    out = config.output_dir
    cut = 0
    while True:
        shutil.rmtree(out, ignore_errors=True)
        write_files(config, OLD)
        before = tree(out)
        if not killed_commit(config, NEW, cut):
            break
        left = temp_folders(out.parent)
        assert len(left) == 1 and (out.parent / left[0] / "journal.json").is_file()
        write.recover(out)
        assert tree(out) == before, f"killed before move {cut}"
        assert folders(out) == ["a", "a/b", "deep", "deep/er", "gone"]
        assert temp_folders(out.parent) == []
        cut += 1
    # 2 deletions, 2 replacements (2 moves each), 2 additions, the marker (2 moves).
    assert cut == 2 + 2 * 2 + 2 + 2
    assert {k: v[0] for k, v in tree(out).items() if k != write.MARKER} == NEW


def test_recover_drops_a_temp_folder_left_while_staging(tmp_path: Path) -> None:
    config = make_config(tmp_path / "site")
    write_files(config, OLD)
    before = tree(config.output_dir)
    stale = config.output_dir.parent / f"{write.TMP_PREFIX}99999" / "new" / "a"
    stale.mkdir(parents=True)
    (stale / "index.html").write_bytes(b"<p>half</p>")
    write.recover(config.output_dir)
    assert temp_folders(config.output_dir.parent) == []
    assert tree(config.output_dir) == before


def test_recover_rolls_back_the_output_the_journal_names(tmp_path: Path) -> None:
    """Two output folders side by side share a lock and temp folders: each is rolled back."""
    main_cfg = make_config(tmp_path / "site")
    preview = make_config(tmp_path / "site", "preview")
    write_files(main_cfg, NEW)
    write_files(preview, OLD)
    main_before, preview_before = tree(main_cfg.output_dir), tree(preview.output_dir)
    assert killed_commit(preview, NEW, 5)
    write.recover(main_cfg.output_dir)  # the next build is of output/, not preview/
    assert tree(main_cfg.output_dir) == main_before
    assert tree(preview.output_dir) == preview_before
    assert temp_folders(tmp_path / "site") == []


def test_refuses_paths_outside_the_output_folder() -> None:
    for rel in ("", "/etc/passwd", "../x", "a/../../x", "a//b", "a\\b", "a\0b", ".broadsheet"):
        with pytest.raises(UsageError) as info:
            write.safe_rel(rel)
        assert info.value.message == f"refusing to write outside the output folder: {rel!r}"
    assert str(write.safe_rel("tags/café/index.html")) == "tags/café/index.html"


def test_the_writer_refuses_them_too(tmp_path: Path) -> None:
    config = make_config(tmp_path / "site")
    for rel in ("/etc/passwd", "../x", "a/../../x", "a/..", "a//b", "a\\b", "a\0b", "x/"):
        with write.Writer(config, {}) as writer, pytest.raises(UsageError) as info:
            writer.add(OutputFile(rel, b"x", "fp"))
        assert info.value.message == f"refusing to write outside the output folder: {rel!r}"


def test_marker_id_names_the_outputs(tmp_path: Path) -> None:
    """Same outputs, same id, whichever folder and order they were written in."""
    one = write_files(make_config(tmp_path / "one"), NEW)
    two = write_files(make_config(tmp_path / "two", "elsewhere"), dict(reversed(NEW.items())))
    assert one.id == two.id
    assert (tmp_path / "one" / "output" / ".broadsheet").read_bytes() == (
        tmp_path / "two" / "elsewhere" / ".broadsheet"
    ).read_bytes()
    assert json.dumps(sorted(one.manifest)) == json.dumps(sorted(NEW))


# --------------------------------------------------------------------------
# Ctrl-C and SIGTERM during the commit: held back, then told truly
# --------------------------------------------------------------------------
@pytest.mark.parametrize("first_build", [True, False])
def test_a_signal_during_the_commit_is_delivered_once_the_new_site_is_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first_build: bool
) -> None:
    config = make_config(tmp_path / "site")
    if not first_build:
        write_files(config, OLD)
    # The first build renames the staged folder into place; later ones move file by file.
    where, name = (os, "rename") if first_build else (journal, "move")
    real = getattr(where, name)

    def interrupted(source: Path, target: Path) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while output/ is being switched
        real(source, target)

    monkeypatch.setattr(where, name, interrupted)
    before = write.commits()
    with pytest.raises(KeyboardInterrupt):
        write_files(config, NEW)
    monkeypatch.undo()
    assert write.commits() == before + 1  # what the command line reads to say so
    assert {k: v[0] for k, v in tree(config.output_dir).items() if k != write.MARKER} == NEW
    assert temp_folders(tmp_path / "site") == []


def test_a_signal_before_the_commit_leaves_the_old_site_and_no_count(tmp_path: Path) -> None:
    config = make_config(tmp_path / "site")
    write_files(config, OLD)
    before, old = write.commits(), tree(config.output_dir)
    with pytest.raises(KeyboardInterrupt), write.Writer(config, {}) as writer:
        writer.add(OutputFile("index.html", b"<p>half</p>", "f"))
        os.kill(os.getpid(), signal.SIGINT)
    assert write.commits() == before
    assert tree(config.output_dir) == old
    assert temp_folders(tmp_path / "site") == []


def test_the_writer_makes_nothing_until_something_is_staged(tmp_path: Path) -> None:
    """So a Ctrl-C between Writer() and `with` cannot leave a staging folder behind."""
    config = make_config(tmp_path / "site")
    write.Writer(config, {})
    assert temp_folders(tmp_path / "site") == []


# --------------------------------------------------------------------------
# The lock: a dead build cannot hold it, nor can a process it forked
# --------------------------------------------------------------------------
def lock_is_free(config: SiteConfig) -> bool:
    """Whether another build could take the lock now (a lock on a file of its own)."""
    with open(config.output_dir.parent / write.LOCK_NAME, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def test_a_process_forked_while_the_lock_is_held_does_not_hold_it(tmp_path: Path) -> None:
    """A pool worker outliving its build (kill -9 of the build) must not keep the lock: the
    flock belongs to the open file, and a forked child shares it unless it lets go."""
    config = make_config(tmp_path / "site")
    ready_r, ready_w = os.pipe()
    with write.output_lock(config):
        assert not lock_is_free(config)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child: stays alive with what it inherited
            os.write(ready_w, b"x")
            time.sleep(60)
            os._exit(0)
        assert os.read(ready_r, 1) == b"x"
        assert not lock_is_free(config)  # the build holds it still
    try:
        assert lock_is_free(config)  # the build let go; its child, alive, holds nothing
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(ready_r)
        os.close(ready_w)


def test_the_lock_of_a_killed_build_is_free(tmp_path: Path) -> None:
    config = make_config(tmp_path / "site")
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child: killed while it holds the lock
        with write.output_lock(config):
            os.kill(os.getpid(), signal.SIGKILL)
    os.waitpid(pid, 0)
    assert lock_is_free(config)


# -- seed: a new folder started from another's build ----------------------------
def seeded_source(tmp_path: Path) -> tuple[Path, list[str]]:
    source = tmp_path / "output"
    (source / "a" / "b").mkdir(parents=True)
    (source / "index.html").write_bytes(b"<p>front</p>")
    (source / "a" / "b" / "index.html").write_bytes(b"<p>deep</p>")
    (source / write.MARKER).write_text("built by Broadsheet; build 123\n", "utf-8")
    os.utime(source / "index.html", ns=(1_000_000_123, 1_000_000_123))
    return source, ["a/b/index.html", "index.html"]


def stats_of(folder: Path, files: list[str]) -> dict[str, tuple[bytes, int, int]]:
    return {
        rel: (
            (folder / rel).read_bytes(),
            (folder / rel).stat().st_size,
            (folder / rel).stat().st_mtime_ns,
        )
        for rel in [*files, write.MARKER]
    }


@pytest.mark.parametrize("links", [True, False])
def test_a_seed_holds_the_files_with_their_sizes_and_mtimes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, links: bool
) -> None:
    """Linked, or copied where the disk has no hard links: the file list's stat still holds."""
    source, files = seeded_source(tmp_path)
    if not links:

        def no_link(*_: object) -> None:
            raise OSError(errno.EXDEV, "Invalid cross-device link")

        monkeypatch.setattr(os, "link", no_link)
    target = tmp_path / "cache" / "serve"
    target.mkdir(parents=True)  # an empty folder may be replaced
    assert write.seed_empty(target)
    assert write.seed(source, target, files) == 2
    assert stats_of(target, files) == stats_of(source, files)
    assert ((target / "index.html").stat().st_ino == (source / "index.html").stat().st_ino) is links
    assert [p.name for p in target.parent.iterdir()] == ["serve"]  # no staging left


def test_a_seed_that_fails_leaves_no_half_folder(tmp_path: Path) -> None:
    source, files = seeded_source(tmp_path)
    target = tmp_path / "serve"
    with pytest.raises(OSError):
        write.seed(source, target, [*files, "gone/index.html"])
    assert not target.exists() and list(tmp_path.iterdir()) == [source]


def test_only_an_absent_or_empty_folder_is_seeded(tmp_path: Path) -> None:
    assert write.seed_empty(tmp_path / "none")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    assert not write.seed_empty(tmp_path / "full")
    assert not write.seed_empty(tmp_path / "full" / "x")
