"""`broadsheet init DIR`: a new site that builds, checks and publishes as it is.

The scaffold is copied from `builder/scaffold/`, where the files are stored
without leading dots (`gitignore`, `github/`) because package-data globs skip
hidden files. Only an empty folder (or one holding nothing but `.git`) is
accepted: init must never mix its files into someone's work.

The publish workflow installs `requirements.txt`, which pins the Broadsheet
running `init`: read from how it was installed (PEP 610's `direct_url.json`),
so the first push builds with the code the editor tried, not whatever a
package index holds under the name. What CI cannot reach (a folder on this
computer) is written as a comment, and init names the line to edit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import sys
import urllib.parse
import urllib.request
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from builder import __version__
from builder.config import load_config
from builder.core.errors import Diagnostic, UsageError, emit
from builder.core.paths import SiteLayout

PACKAGE = Path(__file__).resolve().parent.parent  # builder/, the code running now
SCAFFOLD = PACKAGE / "scaffold"
DISTRIBUTION = "broadsheet"
REQUIREMENTS = "requirements.txt"
EXAMPLE_PIN = "broadsheet @ git+https://github.com/OWNER/broadsheet@COMMIT"
# scaffold file → where it goes in the new site
FILES = {
    "site.yaml": "site.yaml",
    "gitignore": ".gitignore",
    "github/workflows/publish.yml": ".github/workflows/publish.yml",
}
EXAMPLE = "welcome.md"
EXAMPLE_SLUG = "welcome-to-your-new-digest"


@dataclass(frozen=True)
class Pin:
    """The running Broadsheet as a requirements.txt line.

    `unreachable` says why CI could not install `requirement` (it names a
    place on this computer), or is None when it can.
    """

    requirement: str
    version: str
    unreachable: str | None = None


HELP = "create a new site in an empty folder"
ABOUT = """\
Writes a commented site.yaml (every option, with its default), an example
article dated today, a .gitignore, the GitHub workflow that builds, checks
and publishes the site to GitHub Pages, and the requirements.txt it
installs, pinned to this Broadsheet. The new site builds as it is. A folder
holding anything but .git is refused: init never mixes into your work."""
EXAMPLES = (
    (
        "a new site, then look at it",
        "broadsheet init my-digest && cd my-digest && broadsheet serve",
    ),
    ("in the fresh clone of a new GitHub repository", "broadsheet init ."),
)
DOCS = "docs/commands.md#broadsheet-init"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder",
        type=Path,
        metavar="FOLDER",
        help="where to create the site: a new folder (parents are made) or an empty one",
    )


def run(args: argparse.Namespace) -> int:
    folder: Path = args.folder
    _check_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    created = []
    for source, target in FILES.items():
        path = folder / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((SCAFFOLD / source).read_bytes())
        created.append(target)
    # The example is dated today in the site's time zone, so the new site
    # opens on a current edition and nothing in it is scheduled for later.
    config = load_config(folder / "site.yaml")
    today = dt.datetime.now(zoneinfo.ZoneInfo(config.timezone)).date()
    rel = SiteLayout.new_article(today, EXAMPLE_SLUG)
    example = (SCAFFOLD / EXAMPLE).read_text(encoding="utf-8")
    (folder / rel).parent.mkdir(parents=True, exist_ok=True)
    (folder / rel).write_text(example.replace("__DATE__", today.isoformat()), encoding="utf-8")
    created.append(rel)
    pin = running_pin()
    text, edit_line = requirements(pin)
    (folder / REQUIREMENTS).write_text(text, encoding="utf-8")
    created.append(REQUIREMENTS)
    print(f"created a Broadsheet site in {folder}:")
    for name in sorted(created):
        print(f"  {name}")
    print(f"next: cd {folder}, set title and base_url in site.yaml, then run  broadsheet serve")
    if pin.unreachable:
        sys.stdout.flush()
        emit(
            [
                Diagnostic(
                    (folder / REQUIREMENTS).as_posix(),
                    edit_line,
                    1,
                    "warning",
                    f"the publish workflow cannot install this Broadsheet "
                    f"({pin.version}): {pin.unreachable}",
                    f"replace that line with where CI can get it, e.g.  {EXAMPLE_PIN}",
                )
            ],
            sys.stderr,
        )
    return 0


def running_pin() -> Pin:
    """How the Broadsheet running now was installed, as a requirement CI can install.

    The installed distribution counts only if it is the code running (a
    checkout on PYTHONPATH may shadow an installed copy); otherwise the
    checkout itself is what runs, and it is a folder on this computer.
    """
    dist = _installed()
    direct = _direct_url(dist) if dist is not None else None
    if dist is None or not _runs_from(dist, direct):
        return Pin(
            f"{DISTRIBUTION} @ {PACKAGE.parent.as_uri()}",
            __version__,
            f"it runs from a folder on this computer ({PACKAGE.parent})",
        )
    return pin_from(direct, dist.version)


def pin_from(direct: dict[str, object] | None, version: str) -> Pin:
    """PEP 610 `direct_url.json` (None: installed from an index) → the pin.

    A VCS install is pinned to its commit, never to the branch or tag asked
    for, so the site builds with exactly the code the editor ran.
    """
    if direct is None:
        return Pin(f"{DISTRIBUTION}=={version}", version)
    url = str(direct.get("url", ""))
    if not url:  # a record that cannot be read: say so rather than guess an index
        return Pin(
            f"{DISTRIBUTION}=={version}",
            version,
            "pip's record of where it came from (direct_url.json) cannot be read",
        )
    subdirectory = direct.get("subdirectory")
    fragment = f"#subdirectory={subdirectory}" if subdirectory else ""
    vcs = direct.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("commit_id"):
        target = f"{vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}"
    else:  # an archive, or a folder (editable or not)
        target = url
    unreachable = None
    if urllib.parse.urlsplit(url).scheme in ("file", ""):
        place = urllib.request.url2pathname(urllib.parse.urlsplit(url).path) or url or "?"
        what = (
            f"a {vcs.get('vcs', 'git')} repository"
            if isinstance(vcs, dict)
            else "a file"
            if "archive_info" in direct
            else "a folder"
        )
        unreachable = f"it was installed from {what} on this computer ({place})"
    return Pin(f"{DISTRIBUTION} @ {target}{fragment}", version, unreachable)


def requirements(pin: Pin) -> tuple[str, int]:
    """requirements.txt for the workflow, and the number of its requirement line."""
    lines = [
        "# The Broadsheet that builds this site: the publish workflow installs it",
        "# with  pip install -r requirements.txt.  `broadsheet init` pinned the one it",
        f"# ran with ({pin.version}), so a new release cannot change the site unasked.",
    ]
    if pin.unreachable:
        lines += [
            f"# CI cannot install that one: {pin.unreachable}.",
            "# Replace the line below with where CI can get it, e.g.",
            f"#   {EXAMPLE_PIN}",
            f"# {pin.requirement}",
        ]
    else:
        lines.append(pin.requirement)
    return "\n".join(lines) + "\n", len(lines)


def _installed() -> importlib.metadata.Distribution | None:
    """The installed distribution of Broadsheet, if any.

    `pip install -e .` leaves `broadsheet.egg-info` in the checkout, and a
    checkout on sys.path makes importlib find that first; it is a build
    record, not an install (it has no RECORD), so it is passed over.
    """
    for dist in importlib.metadata.distributions(name=DISTRIBUTION):
        if dist.read_text("RECORD") is None and dist.read_text("installed-files.txt") is None:
            continue
        return dist
    return None


def _direct_url(dist: importlib.metadata.Distribution) -> dict[str, object] | None:
    """The distribution's direct_url.json; None when it has none (an index install)."""
    text = dist.read_text("direct_url.json")
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    return data if isinstance(data, dict) else {}


def _runs_from(dist: importlib.metadata.Distribution, direct: dict[str, object] | None) -> bool:
    """Whether `dist` is the code running now (its files, or its editable folder)."""
    init_py = PACKAGE / "__init__.py"
    for file in dist.files or ():
        if file.as_posix() == "builder/__init__.py":
            return Path(str(dist.locate_file(file))).resolve() == init_py
    url = str((direct or {}).get("url", ""))
    if url.startswith("file:"):
        folder = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path)).resolve()
        return init_py.is_relative_to(folder)
    return False


def _check_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise UsageError(
            f"{folder} is a file, not a folder", "give the name of a new or empty folder"
        )
    if folder.is_dir():
        entries = sorted(p.name for p in folder.iterdir() if p.name != ".git")
        if entries:
            shown = ", ".join(entries[:3]) + (", …" if len(entries) > 3 else "")
            raise UsageError(
                f"{folder} is not empty (it holds {shown})",
                "init only creates a site in a new or empty folder; pick another folder name",
            )
