"""site.yaml → SiteConfig: one table of options, every key checked, every problem at once.

A misspelt key in a config file is the most common reason a setting "does
nothing"; so unknown keys are errors with a "did you mean" hint, and values
are checked for type and range with the line and column they sit on.

Each option is declared once, as a row of OPTIONS (config/table.py): dotted
key, type, default, check and help (what a row is: config/options.py). The
known keys of every section, the reading into the frozen SiteConfig (this
module), the scaffold site.yaml that `broadsheet init` copies and
docs/site-yaml.md are all derived from that table (the last two are written
by `python -m builder.config_docs`; tests fail when they are stale).

The checks and readers of single values (a time zone, a list of section
names, the numbering) are config/checks.py's.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from pathlib import Path
from typing import Any

from builder.config.options import Option, yaml_scalar
from builder.config.table import OPTIONS, children
from builder.core.errors import ConfigErrors, Diagnostics, display_path
from builder.core.models import SiteConfig, SourceFile
from builder.core.textfile import decode
from builder.core.yamlload import YamlValue, load_mapping
from builder.core.yamlschema import FieldReader

__all__ = ["OPTIONS", "Option", "children", "load_config", "read_options", "yaml_scalar"]


def load_config(config_path: Path, output: Path | None = None) -> SiteConfig:
    """Read and validate site.yaml; raise ConfigErrors listing every problem."""
    root = config_path.parent.resolve()
    rel = display_path(config_path)
    diags = Diagnostics()
    try:
        data_bytes = config_path.read_bytes()
    except FileNotFoundError:
        diags.error(
            rel,
            0,
            0,
            "no such file",
            "run broadsheet in a site folder (one with site.yaml) or pass --config PATH",
        )
        raise ConfigErrors(diags.sorted()) from None
    except IsADirectoryError:
        diags.error(
            rel,
            0,
            0,
            "is a folder, not a file",
            f"pass the file itself: --config {rel.rstrip('/')}/site.yaml",
        )
        raise ConfigErrors(diags.sorted()) from None
    except OSError as exc:
        diags.error(rel, 0, 0, f"cannot read file: {exc.strerror or exc}")
        raise ConfigErrors(diags.sorted()) from None
    yaml_text = decode(SourceFile(rel, data_bytes, ""), diags)
    if yaml_text is None:
        raise ConfigErrors(diags.sorted())
    data = load_mapping(yaml_text, rel, 0, diags)
    if data is None:
        raise ConfigErrors(diags.sorted())
    values = read_options(data, FieldReader(rel, diags, text_hint=lambda key, value: "quote it"))
    # `output` is a folder name; --output on the command line wins over it.
    values["output_dir"] = output.resolve() if output else (root / values["output_dir"]).resolve()
    config: SiteConfig = _assemble(
        SiteConfig, {**values, "root": root, "config_path": config_path.resolve()}
    )
    if diags.items:
        raise ConfigErrors(diags.sorted())
    return config


def read_options(data: dict[str, YamlValue], r: FieldReader) -> dict[str, Any]:
    """Every option's value (or default), keyed by the SiteConfig field it lands in."""
    values: dict[str, Any] = {}

    def walk(mapping: dict[str, YamlValue], parent: str) -> None:
        inside = children(parent)
        r.unknown_keys(mapping, {o.leaf for o in inside}, parent or None)
        for option in inside:
            if option.kind == "section":
                walk(r.mapping(mapping, option.leaf), option.key)
            else:
                values[option.field or option.key] = option.read(r, mapping)

    walk(data, "")
    return values


def _assemble(cls: type, values: dict[str, Any], prefix: str = "") -> Any:
    """Build `cls` from dotted values, nested dataclasses from their own prefix.

    A SiteConfig field no option fills is a TypeError on every load, so a
    half-added option cannot pass the tests.
    """
    hints = _hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        name = prefix + f.name
        if dataclasses.is_dataclass(hints[f.name]):
            kwargs[f.name] = _assemble(hints[f.name], values, name + ".")
        elif name in values:
            kwargs[f.name] = values[name]
    return cls(**kwargs)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)
