"""Finding and reading content: order, debris, symlinks, size caps, and decoding text."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from builder.core.errors import Diagnostics
from builder.core.models import SourceFile
from builder.core.textfile import decode
from builder.read import discover as discover_mod
from builder.read.discover import discover, is_debris


def found(root: Path) -> tuple[list[str], list[str]]:
    diags = Diagnostics()
    files = discover(root, diags)
    return [f.rel for f in files], [d.format() for d in diags.sorted()]


def write(root: Path, rel: str, data: bytes | str = b"x") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


@pytest.mark.parametrize(
    ("name", "debris"),
    [
        (".#a.md", True),
        ("a.md~", True),
        (".a.md.swp", True),
        ("a.md.swo", True),
        (".DS_Store", True),
        ("#a.md#", True),
        ("Thumbs.db", True),
        ("4913", True),
        ("a.md.bak", True),
        ("a.md.orig", True),
        (".hidden", True),
        ("a.md", False),
        ("photo.jpg", False),
        ("notes#1.md", False),
    ],
)
def test_is_debris(name: str, debris: bool) -> None:
    assert is_debris(name) is debris


def test_files_are_sorted_read_and_hashed(tmp_path: Path) -> None:
    write(tmp_path, "content/b.md", "B")
    write(tmp_path, "content/a/z.md", "Z")
    write(tmp_path, "content/a.md", "A")
    write(tmp_path, "content/.git/config", "x")
    write(tmp_path, "content/a.md~", "old")
    diags = Diagnostics()
    files = discover(tmp_path, diags)
    assert [f.rel for f in files] == ["content/a.md", "content/a/z.md", "content/b.md"]
    assert files[0].content() == b"A"
    assert files[0].sha256 == hashlib.sha256(b"A").hexdigest()
    assert diags.items == []


def test_kinds() -> None:
    assert SourceFile("content/a.md", b"", "").kind == "article"
    assert SourceFile("content/2024/06/a.md", b"", "").kind == "article"
    assert SourceFile("content/pages/about.md", b"", "").kind == "page"
    assert SourceFile("content/editions/2024-w25.md", b"", "").kind == "edition"
    assert SourceFile("content/2024/chart.svg", b"", "").kind == "asset"


def test_no_content_folder(tmp_path: Path) -> None:
    assert found(tmp_path) == (
        [],
        ["content: error: no content/ folder\n  hint: create content/ and add articles"],
    )


def test_symlinks(tmp_path: Path) -> None:
    outside = write(tmp_path, "elsewhere/secret.md", "s")
    write(tmp_path, "content/a.md")
    (tmp_path / "content/out.md").symlink_to(outside)
    (tmp_path / "content/out-dir").symlink_to(outside.parent, target_is_directory=True)
    (tmp_path / "content/in.md").symlink_to(tmp_path / "content/a.md")
    (tmp_path / "content/broken.md").symlink_to(tmp_path / "content/missing.md")
    (tmp_path / "content/loop").mkdir()
    (tmp_path / "content/loop/again").symlink_to(
        tmp_path / "content/loop", target_is_directory=True
    )
    rels, problems = found(tmp_path)
    assert rels == ["content/a.md", "content/in.md"]
    assert problems == [
        "content/broken.md: error: broken symlink\n  hint: remove it or fix its target",
        "content/out-dir: error: symlink points outside content/, refused\n"
        "  hint: copy the file into content/ instead of linking to it",
        "content/out.md: error: symlink points outside content/, refused\n"
        "  hint: copy the file into content/ instead of linking to it",
    ]


def test_size_caps_differ_for_markdown_and_assets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discover_mod, "MAX_BYTES", 1024 * 1024)
    monkeypatch.setattr(discover_mod, "MAX_ASSET_BYTES", 2 * 1024 * 1024)
    write(tmp_path, "content/big.md", b"x" * (1024 * 1024 + 1))
    write(tmp_path, "content/ok.md", b"x" * (1024 * 1024))
    write(tmp_path, "content/photo.jpg", b"x" * (1024 * 1024 + 1))
    write(tmp_path, "content/huge.pdf", b"x" * (2 * 1024 * 1024 + 1))
    rels, problems = found(tmp_path)
    assert rels == ["content/ok.md", "content/photo.jpg"]
    assert problems == [
        "content/big.md: error: file is 1,048,577 bytes, over the 1 MB limit\n"
        "  hint: split the article",
        "content/huge.pdf: error: file is 2,097,153 bytes, over the 2 MB limit\n"
        "  hint: make the file smaller, or host it elsewhere and link to it",
    ]


def test_default_caps() -> None:
    assert discover_mod.MAX_BYTES == 2 * 1024 * 1024
    assert discover_mod.MAX_ASSET_BYTES == 25 * 1024 * 1024


def test_bad_file_names_are_reported_not_printed_raw(tmp_path: Path) -> None:
    write(tmp_path, "content/a.md")
    write(tmp_path, os.fsdecode(b"content/caf\xe9.md"))
    write(tmp_path, "content/tab\there.md")
    rels, problems = found(tmp_path)
    assert rels == ["content/a.md"]
    assert problems == [
        "content/caf\\xe9.md: error: file name is not valid UTF-8\n  hint: rename the file",
        "content/tab\\x09here.md: error: file name contains a control character\n"
        "  hint: rename the file",
    ]


_DEVICE = (
    "is a device name on Windows, where no file or folder can have it\n"
    "  hint: rename it: Windows cannot check out or publish a site holding it"
)


def test_windows_device_names_are_refused_in_any_case_with_any_extension(tmp_path: Path) -> None:
    for rel in (
        "content/con.md",
        "content/NUL",
        "content/Aux.tar.gz",
        "content/lpt9.png",
        "content/prn/a.md",
        "content/2024/COM1.jpg",
        "content/console.md",
        "content/com0.md",
        "content/conx.png",
    ):
        write(tmp_path, rel)
    rels, problems = found(tmp_path)
    assert rels == ["content/com0.md", "content/console.md", "content/conx.png"]
    assert problems == [
        f"content/2024/COM1.jpg: error: `COM1.jpg` {_DEVICE}",
        f"content/Aux.tar.gz: error: `Aux.tar.gz` {_DEVICE}",
        f"content/NUL: error: `NUL` {_DEVICE}",
        f"content/con.md: error: `con.md` {_DEVICE}",
        f"content/lpt9.png: error: `lpt9.png` {_DEVICE}",
        f"content/prn: error: `prn` {_DEVICE}",
    ]


def test_a_backslash_in_a_name_is_a_located_error(tmp_path: Path) -> None:
    write(tmp_path, "content/a.md")
    write(tmp_path, "content/img\\chart.png")
    write(tmp_path, "content/back\\slash/b.md")
    rels, problems = found(tmp_path)
    assert rels == ["content/a.md"]
    assert problems == [
        "content/back\\slash: error: file name contains a backslash, which Windows reads as "
        "a folder separator\n  hint: rename the file without `\\`",
        "content/img\\chart.png: error: file name contains a backslash, which Windows reads as "
        "a folder separator\n  hint: rename the file without `\\`",
    ]


def test_utf8_file_names_are_read_as_utf8_under_an_ascii_locale(tmp_path: Path) -> None:
    """LANG=C makes Python decode file names as ASCII; discovery reads their bytes."""
    write(tmp_path, "content/café/naïve.md")
    os.makedirs(tmp_path / os.fsdecode(b"content/caf\xe9"))
    script = (
        "import json, sys; from pathlib import Path\n"
        "from builder.core.errors import Diagnostics\n"
        "from builder.read.discover import discover\n"
        "assert sys.getfilesystemencoding() == 'ascii', sys.getfilesystemencoding()\n"
        "diags = Diagnostics()\n"
        "files = discover(Path(sys.argv[1]), diags)\n"
        "print(json.dumps([[f.rel for f in files], [d.format() for d in diags.sorted()],\n"
        "                  files[0].content().decode()]))\n"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C",
        "LC_ALL": "C",
        "PYTHONUTF8": "0",
        "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
    }
    run = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [
        ["content/café/naïve.md"],
        ["content/caf\\xe9: error: file name is not valid UTF-8\n  hint: rename the file"],
        "x",
    ]


def test_markdown_with_other_extensions_is_flagged(tmp_path: Path) -> None:
    for name in ("a.md", "b.markdown", "c.MD", "d.mdown", "e.txt"):
        write(tmp_path, f"content/{name}")
    rels, problems = found(tmp_path)
    assert len(rels) == 5
    assert [p.split(":")[0] for p in problems] == [
        "content/b.markdown",
        "content/c.MD",
        "content/d.mdown",
    ]
    assert problems[0] == (
        "content/b.markdown: warning: copied as a plain file, not built as "
        "an article\n  hint: articles must end in .md (lower case); rename it"
    )


# --------------------------------------------------------------------------
# decode
# --------------------------------------------------------------------------
def text_of(data: bytes) -> tuple[str | None, list[str]]:
    diags = Diagnostics()
    text = decode(SourceFile("content/a.md", data, ""), diags)
    return text, [d.format() for d in diags.items]


def test_bom_and_line_endings_are_normalised() -> None:
    assert text_of(b"\xef\xbb\xbfa\r\nb\rc\nd") == ("a\nb\nc\nd", [])
    assert text_of(b"") == ("", [])


def test_invalid_utf8_names_line_column_and_byte() -> None:
    data = "---\ntitle: Café\n---\n".encode() + b"na\xefve\r\nok\rbad \x92 quote\n"
    text, problems = text_of(data)
    assert text is None
    assert problems == [
        "content/a.md:4:3: error: byte 0xEF is not valid UTF-8 (byte 3 of the line)\n"
        "  hint: save the file as UTF-8 (0xEF is `ï` in Windows-1252, so it was probably "
        "saved in that encoding)",
        "content/a.md:6:5: error: byte 0x92 is not valid UTF-8 (byte 5 of the line)\n"
        "  hint: save the file as UTF-8 (0x92 is `’` in Windows-1252, so it was probably "
        "saved in that encoding)",
    ]


def test_column_counts_characters_before_the_bad_byte() -> None:
    _, problems = text_of("é€".encode() + b"\xff")
    assert problems[0].startswith(
        "content/a.md:1:3: error: byte 0xFF is not valid UTF-8 (byte 6 of the line)"
    )


def test_utf16_gets_its_own_hint() -> None:
    _, problems = text_of("hi".encode("utf-16"))
    assert problems == [
        "content/a.md:1:1: error: byte 0xFF is not valid UTF-8 (byte 1 of the "
        "line)\n  hint: the file is UTF-16; save it as UTF-8"
    ]


def test_many_bad_lines_are_summarised() -> None:
    _, problems = text_of(b"\xff\n" * 15)
    assert len(problems) == 11
    assert problems[-1] == "content/a.md: error: 5 more lines with bytes that are not UTF-8"


@pytest.mark.parametrize(
    ("char", "message", "hint"),
    [
        (
            "\x00",
            "control character U+0000 (NUL)",
            "delete it; it is invisible in most editors and breaks feeds",
        ),
        (
            "\x1b",
            "control character U+001B (ESC)",
            "delete it; it is invisible in most editors and breaks feeds",
        ),
        (
            "\x0c",
            "control character U+000C (FF)",
            "delete it; it is invisible in most editors and breaks feeds",
        ),
        ("\x7f", "control character U+007F (DEL)", "delete it; it is invisible in most editors"),
        (
            "\x93",
            "control character U+0093 (a C1 control)",
            "replace it with `“`: the text was decoded as Latin-1 somewhere",
        ),
        (
            "\x81",
            "control character U+0081 (a C1 control)",
            "delete it; it is invisible in most editors",
        ),
        ("\ufffe", "Unicode non-character U+FFFE", "delete it; feeds and browsers reject it"),
        ("\uffff", "Unicode non-character U+FFFF", "delete it; feeds and browsers reject it"),
        ("\ufdd0", "Unicode non-character U+FDD0", "delete it; feeds and browsers reject it"),
        ("\U0010ffff", "Unicode non-character U+10FFFF", "delete it; feeds and browsers reject it"),
    ],
)
def test_invisible_characters_are_located(char: str, message: str, hint: str) -> None:
    text, problems = text_of(f"---\r\ntitle: x\r\n---\r\nab{char}c\n".encode())
    assert text is None
    assert problems == [f"content/a.md:4:3: error: {message}\n  hint: {hint}"]


def test_one_report_per_line_and_tabs_are_fine() -> None:
    text, problems = text_of(b"\tindented\n\x01\x02\nok\n\x03\n")
    assert text is None
    assert [p.split(": error")[0] for p in problems] == ["content/a.md:2:1", "content/a.md:4:1"]
    assert text_of(b"\ttab\n") == ("\ttab\n", [])


def test_a_file_deleted_after_it_was_listed_is_reported_as_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listed by the folder walk, gone before it was read: the message serve's rebuild
    recognises as a change in progress (entries.moving), not "cannot read file"."""
    write(tmp_path, "content/a.md")
    write(tmp_path, "content/b.md")
    walk = discover_mod._walk

    def walk_then_delete(*args: object) -> None:
        walk(*args)  # type: ignore[arg-type]
        (tmp_path / "content/a.md").unlink()

    monkeypatch.setattr(discover_mod, "_walk", walk_then_delete)
    assert found(tmp_path) == (
        ["content/b.md"],
        [
            "content/a.md: error: the file changed while the build was reading it\n"
            "  hint: build again once the editor has finished saving"
        ],
    )
