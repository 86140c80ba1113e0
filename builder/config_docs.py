"""The scaffold site.yaml and docs/site-yaml.md, written from the option table in builder/config/.

Both files used to be written by hand and drifted from the code; now they
are text generated from `config.OPTIONS`, committed so that `init` copies a
plain file and the docs read on GitHub. Regenerate after changing the table:

    python -m builder.config_docs          # rewrite both files
    python -m builder.config_docs --check  # exit 1 when either is stale

tests/unit/test_config.py fails while either file is out of date.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from builder.config import OPTIONS, Option, children, yaml_scalar

PACKAGE = Path(__file__).resolve().parent
SCAFFOLD = PACKAGE / "scaffold" / "site.yaml"
REFERENCE = PACKAGE.parent / "docs" / "site-yaml.md"
WIDTH = 79  # the scaffold's comment lines end before this column

_HEADER = """\
# site.yaml: the settings of this Broadsheet site.
# Every option is listed, with its default value or an example to replace;
# delete the ones you do not change if you prefer a short file. An unknown or
# misspelt key is an error (with a "did you mean" hint), so a setting can never
# silently do nothing.
"""


def _shown(option: Option) -> str:
    return yaml_scalar(option.default if option.example is None else option.example)


def scaffold_text() -> str:
    """The commented site.yaml `broadsheet init` copies: every key, its help above it."""
    lines = _HEADER.splitlines()

    def emit(parent: str, depth: int) -> None:
        indent = "  " * depth
        for option in children(parent):
            if depth == 0:
                lines.append("")
            lines.extend(
                textwrap.wrap(
                    option.help,
                    WIDTH,
                    initial_indent=indent + "# ",
                    subsequent_indent=indent + "# ",
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            )
            if option.kind == "section":
                lines.append(f"{indent}{option.leaf}:")
                emit(option.key, depth + 1)
            else:
                lines.append(f"{indent}{option.leaf}: {_shown(option)}")

    emit("", 0)
    return "\n".join(lines) + "\n"


def _type(option: Option) -> str:
    if option.kind == "flag":
        return "true or false"
    if option.kind == "number":
        return f"whole number, {option.low}–{option.high}"
    if option.kind == "choice":
        return "one of " + ", ".join(f"`{c}`" for c in option.choices)
    if option.kind == "section":
        return "section"
    if option.kind == "records":
        return f"list of `{option.shape}`"
    if option.kind == "names":
        return "list of names"
    if option.kind == "mapping":
        return f"mapping `{option.shape}`"
    return "text, required" if option.required else "text"


def _cell(text: str) -> str:
    """Help as one Markdown table cell: no row break, no raw HTML."""
    return text.replace("|", "\\|").replace("<", "&lt;")


def reference_text() -> str:
    """docs/site-yaml.md: every key with its type, default and help, in the scaffold's order."""
    examples = [f"`{o.key}`" for o in OPTIONS if o.example is not None]
    named = (
        ", ".join(examples[:-1]) + " and " + examples[-1]
        if len(examples) > 1
        else "".join(examples)
    )
    out = [
        "# site.yaml reference",
        "",
        "<!-- Generated from OPTIONS in builder/config/ by `python -m builder.config_docs`;",
        "     edit the table there, not this file. -->",
        "",
        "`site.yaml` sits at the top of a site folder (or is named by `--config PATH`).",
        "Every key is optional except `title`; nested keys are written indented below",
        "their section, shown here with dots (`feeds.rss.limit`). A key not listed here",
        'is an error with a "did you mean" hint, and every value is checked for its type',
        "and range, with the line and column of each problem. `broadsheet init` writes a",
        "commented `site.yaml` holding every key with its default, and an example value",
        f"for {named}.",
        "",
        "| Key | Type | Default | What it does |",
        "| --- | --- | --- | --- |",
    ]
    for option in OPTIONS:
        default = (
            ""
            if option.kind == "section" or option.required
            else f"`{yaml_scalar(option.default)}`"
        )
        out.append(f"| `{option.key}` | {_type(option)} | {default} | {_cell(option.help)} |")
    return "\n".join(out) + "\n"


def generated() -> dict[Path, str]:
    """Each generated file with the text it should hold."""
    return {SCAFFOLD: scaffold_text(), REFERENCE: reference_text()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m builder.config_docs",
        description="write the scaffold site.yaml and docs/site-yaml.md from builder/config/",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when a file is out of date"
    )
    args = parser.parse_args(argv)
    stale = 0
    for path, text in generated().items():
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale += 1
        if args.check:
            print(f"{path}: out of date; run  python -m builder.config_docs", file=sys.stderr)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    raise SystemExit(main())
