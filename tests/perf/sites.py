"""The benchmark's corpus and site folders, and the edits its scenarios make to them.

The corpus comes from the seeded generator every peer in the issue was
measured with (`../shared/bench/gen_corpus.py` beside the repository, or
beside its main checkout when this is a git worktree), so the figures
compare with theirs; tests/perf/corpus.py, the same shape of digest, is
only the fallback when that file is absent. The site is that corpus under
the example site's own site.yaml (base_url and all), so the benchmark
measures the settings an editor starts from: editions, three feeds, tag
feeds, highlighting.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SHARED = Path("shared") / "bench" / "gen_corpus.py"
FALLBACK = HERE / "corpus.py"
SEED = 42


@dataclass(frozen=True)
class Generator:
    """Which corpus generator is used, and how the report names it."""

    path: Path
    label: str  # "shared" or "fallback"


@dataclass(frozen=True)
class CorpusStats:
    articles: int
    words: int  # words of the article bodies, front matter left out
    files: int
    megabytes: float


@dataclass(frozen=True)
class ArticleRef:
    """An article as the serve scenarios need it: its file, date, first tag and slug."""

    path: Path
    date: dt.datetime
    tag: str
    slug: str


def main_checkout(repo: Path) -> Path:
    """The main working tree of `repo` (itself unless `repo` is a git worktree)."""
    try:
        common = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--path-format=absolute", "--git-common-dir"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return repo
    return Path(common).parent if common else repo


def find_generator(override: Path | None) -> Generator:
    """The shared generator (or the one given); tests/perf/corpus.py if there is none."""
    if override is not None:
        if not override.is_file():
            raise SystemExit(f"--corpus-generator: no such file: {override}")
        return Generator(override.resolve(), "given")
    for root in (REPO, main_checkout(REPO)):
        candidate = root.parent / SHARED
        if candidate.is_file():
            return Generator(candidate.resolve(), "shared")
    return Generator(FALLBACK, "fallback: the shared generator was not found")


def pristine_corpus(n: int, generator: Generator, workdir: Path) -> Path:
    """content/ of n articles, generated once per (generator, n) and never edited."""
    out = workdir / f"corpus-{generator.path.stem}-{n}"
    done = out / ".complete"
    if not done.exists():
        shutil.rmtree(out, ignore_errors=True)
        print(f"generating {n} articles with {generator.path}…", file=sys.stderr)
        subprocess.run(
            [
                sys.executable,
                str(generator.path),
                "--n",
                str(n),
                "--out",
                str(out),
                "--seed",
                str(SEED),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        done.write_text(f"{n}\n")
    return out


def make_site(corpus: Path, site: Path) -> Path:
    """A fresh site folder: the corpus as content/ and the example site's site.yaml."""
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    shutil.copyfile(REPO / "site.yaml", site / "site.yaml")
    shutil.copytree(corpus, site / "content", ignore=shutil.ignore_patterns(".complete"))
    return site


def corpus_stats(content: Path) -> CorpusStats:
    articles = words = files = size = 0
    for path in content.rglob("*"):
        if not path.is_file() or path.name == ".complete":
            continue
        files += 1
        size += path.stat().st_size
        if path.suffix == ".md":
            articles += 1
            words += len(body_of(path.read_text("utf-8")).split())
    return CorpusStats(articles, words, files, size / 2**20)


def tree_counts(folder: Path) -> tuple[int, int]:
    """(files, folders) below `folder`: what a cold build creates, one system call each."""
    files = folders = 0
    for _, dirs, names in os.walk(folder):
        files += len(names)
        folders += len(dirs)
    return files, folders


def body_of(text: str) -> str:
    """The Markdown after the front matter (both generators fence it with `---`)."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            return text[end + 5 :]
    return text


def articles(content: Path) -> list[Path]:
    return sorted(content.glob("*.md"))


def edit(path: Path, sentence: str) -> None:
    """Append a paragraph to an article's body, as a correction would."""
    path.write_text(path.read_text("utf-8").rstrip("\n") + f"\n\n{sentence}\n", "utf-8")


def add_tag(path: Path, tag: str) -> None:
    text = path.read_text("utf-8")
    path.write_text(text.replace("tags:\n", f"tags:\n  - {json.dumps(tag)}\n", 1), "utf-8")


def _front_matter(path: Path) -> dict[str, str]:
    """date, the first tag and title of a generated article, read line by line (no YAML:
    the generators write one known shape, and this runs over 100,000 files)."""
    found: dict[str, str] = {}
    in_tags = False
    for line in path.read_text("utf-8").split("\n---\n", 1)[0].splitlines()[1:]:
        if in_tags and line.startswith("  - ") and "tag" not in found:
            found["tag"] = _unquote(line[4:])
        in_tags = line == "tags:" or (in_tags and line.startswith("  - "))
        key, _, value = line.partition(": ")
        if key in ("date", "title"):
            found[key] = _unquote(value)
    return found


def _unquote(value: str) -> str:
    value = value.strip()
    return str(json.loads(value)) if value.startswith('"') else value


def newest(content: Path) -> ArticleRef:
    """The most recent article: it heads the front page, its tag's page and the feeds."""
    best: ArticleRef | None = None
    for path in articles(content):
        meta = _front_matter(path)
        when = dt.datetime.fromisoformat(meta["date"])
        if best is None or when > best.date:
            best = ArticleRef(path, when, meta.get("tag", ""), path.stem)
    if best is None:
        raise ValueError(f"{content}: no articles")
    return best


def add_article(content: Path, slug: str, after: ArticleRef, marker: str) -> ArticleRef:
    """A new article one second newer than `after`, with its tag: it joins the same lists."""
    when = after.date + dt.timedelta(seconds=1)
    path = content / f"{slug}.md"
    path.write_text(
        "---\n"
        f"title: {json.dumps(f'Bench article {marker}')}\n"
        f"date: {when.isoformat()}\n"
        f"tags:\n  - {json.dumps(after.tag)}\n"
        f"summary: {json.dumps(f'A summary that says {marker}.')}\n"
        "---\n\n"
        f"A body that says {marker}, written by the benchmark.\n",
        "utf-8",
    )
    return ArticleRef(path, when, after.tag, slug)


def page_folder(output: Path, slug: str) -> str | None:
    """An article's folder relative to the site root, found in a built output/ rather
    than recomputed from the permalink rules (they are the builder's to change)."""
    for index in output.rglob(f"{slug}/index.html"):
        return index.parent.relative_to(output).as_posix() + "/"
    return None
