"""[OutputFile] → output/: the only package that touches the output folder.

    confine.py  the one rule for paths inside output/, and the names kept beside it
    folder.py   which folders may be output/; the lock (one build per folder at a time)
    writer.py   the Writer: outputs staged, then put in place in one step
    journal.py  that step for a later build: apply under a journal; idempotent rollback
    seed.py     a new output folder started as a copy of another's build (serve's first)

New and changed files are first staged in a temporary folder beside
output/; nothing in output/ is touched until every page has been rendered
without error. A first build then renames the staged folder into place;
later builds apply only the difference under a journal, so a build killed
half-way is rolled back by the next one, even if that one is killed too.
Ctrl-C and SIGTERM are held off for the few milliseconds the moves take.
Delivered after them, such a signal stops a build whose new site is in
place: `commits()` lets the command line say so rather than claim output/
was left as it was.
"""

from builder.write.confine import LOCK_NAME, MARKER, TMP_PREFIX, confined, safe_rel
from builder.write.folder import check_output_dir, output_lock
from builder.write.journal import commits, recover
from builder.write.seed import empty as seed_empty
from builder.write.seed import seed
from builder.write.writer import (
    Manifest,
    Writer,
    WriteStats,
    build_id,
    previous_files,
    reusable,
    valid_entry,
)

__all__ = [
    "LOCK_NAME",
    "MARKER",
    "TMP_PREFIX",
    "Manifest",
    "WriteStats",
    "Writer",
    "build_id",
    "check_output_dir",
    "commits",
    "confined",
    "output_lock",
    "previous_files",
    "recover",
    "reusable",
    "safe_rel",
    "seed",
    "seed_empty",
    "valid_entry",
]
