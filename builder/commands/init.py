"""`broadsheet init DIR`: a new site that builds, checks and publishes as it is.

The scaffold is copied from `builder/scaffold/`, where the files are stored
without leading dots (`gitignore`, `github/`) because package-data globs skip
hidden files. Only an empty folder (or one holding nothing but `.git`) is
accepted: init must never mix its files into someone's work.
"""

from __future__ import annotations

import argparse
import datetime as dt
import zoneinfo
from pathlib import Path

from builder.config import load_config
from builder.core.errors import UsageError
from builder.core.paths import SiteLayout

SCAFFOLD = Path(__file__).resolve().parent.parent / "scaffold"
# scaffold file → where it goes in the new site
FILES = {
    "site.yaml": "site.yaml",
    "gitignore": ".gitignore",
    "github/workflows/publish.yml": ".github/workflows/publish.yml",
}
EXAMPLE = "welcome.md"
EXAMPLE_SLUG = "welcome-to-your-new-digest"



HELP = "create a new site in an empty folder"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path)


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
    print(f"created a Broadsheet site in {folder}:")
    for name in sorted(created):
        print(f"  {name}")
    print(f"next: cd {folder}, set title and base_url in site.yaml, then run  broadsheet serve")
    return 0


def _check_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder",
                         "give the name of a new or empty folder")
    if folder.is_dir():
        entries = sorted(p.name for p in folder.iterdir() if p.name != ".git")
        if entries:
            shown = ", ".join(entries[:3]) + (", …" if len(entries) > 3 else "")
            raise UsageError(f"{folder} is not empty (it holds {shown})",
                             "init only creates a site in a new or empty folder; "
                             "pick another folder name")
