"""themes/<name>/ → one Jinja environment, plus the theme's static files.

Lookup order: the site's own `templates/`, the chosen theme, its parents
(`extends:` in theme.yaml), then `default` (the site's copy if it has one,
else the copy shipped inside the package). Every template is compiled up
front so a syntax error is reported before any page is rendered, and each
template gets a fingerprint covering the templates it extends or includes
and the message catalogues (render/i18n.py) that translate it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import jinja2.meta
from markupsafe import Markup

from builder.core.errors import Diagnostics, display_path
from builder.core.models import SiteConfig
from builder.core.paths import SiteLayout
from builder.render import i18n

BUNDLED = Path(__file__).resolve().parent.parent / "themes"


@dataclass(frozen=True)
class Theme:
    env: jinja2.Environment = field(compare=False)
    fingerprints: dict[str, str]  # template name → digest of it, what it uses, the catalogues
    statics: tuple[tuple[str, Path], ...]  # (output rel path, file)
    origins: dict[str, str]  # template name → path shown in diagnostics
    catalogues: i18n.Catalogues = field(default_factory=lambda: i18n.load([]))

    def gettext(self, lang: str, message: str) -> str:
        """`message` in `lang`, from the theme's catalogues: for strings made outside
        templates (the titles and descriptions of generated pages)."""
        return self.catalogues.messages(lang).gettext(message)


def _memo() -> Callable[..., Markup]:
    """`{% call memo('card', article.key) %}…{% endcall %}`: render a block once per key.

    An article's card appears on the front page, its tag pages, its month
    and its edition; rendering it once per build instead of five times is a
    third of the template time of a large site. The key must name
    everything the block shows (article.key does, for an article).
    """
    store: dict[tuple, Markup] = {}

    def memo(*key: object, caller: Callable[[], str]) -> Markup:
        hit = store.get(key)
        if hit is None:
            hit = store[key] = Markup(caller())
        return hit

    return memo


def _theme_dir(root: Path, name: str) -> Path | None:
    for base in (root / "themes", BUNDLED):
        if (base / name).is_dir():
            return base / name
    return None


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        try:
            return "<broadsheet>/" + path.relative_to(BUNDLED.parent).as_posix()
        except ValueError:
            return path.as_posix()


def chain(config: SiteConfig, diags: Diagnostics) -> list[Path]:
    """Theme folders, most specific first; reports unknown themes and cycles."""
    folders: list[Path] = []
    name: str | None = config.theme
    while name:
        folder = _theme_dir(config.root, name)
        if folder is None:
            diags.error(
                display_path(config.config_path),
                0,
                0,
                f"theme `{name}` not found",
                f"create themes/{name}/ or use `theme: default`",
            )
            break
        if folder in folders:
            diags.error(
                _display(folder / "theme.yaml", config.root),
                0,
                0,
                "themes extend each other in a loop",
            )
            break
        folders.append(folder)
        name = _parent(folder, config.root, diags)
        if name is None and folder.name != "default":
            name = "default"
    return folders


def _parent(folder: Path, root: Path, diags: Diagnostics) -> str | None:
    meta = folder / "theme.yaml"
    if not meta.is_file():
        return None
    from builder.core.models import SourceFile
    from builder.core.textfile import decode
    from builder.core.yamlload import load_mapping

    shown = _display(meta, root)
    text = decode(SourceFile(shown, meta.read_bytes(), ""), diags)
    if text is None:
        return None
    data = load_mapping(text, shown, 0, diags) or {}
    value = data.get("extends")
    return str(value.value) if value is not None and value.kind == "str" else None


class Compiled(jinja2.BytecodeCache):
    """Templates compiled by earlier builds of this process (serve's), in memory.

    Jinja checks each against its template's source before using it, so an
    edited template is compiled again and never served stale.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


def load_theme(
    config: SiteConfig,
    diags: Diagnostics,
    memo: dict | None = None,
    digest: str | None = None,
    compiled: Compiled | None = None,
) -> Theme | None:
    """Build the environment and compile every template; None if any fails.

    `memo` (in and out) remembers the template fingerprints of the last
    theme that compiled cleanly, by the digest of its files: while they are
    unchanged, templates are compiled only when a page needs them, which is
    most of the cost of an incremental build that renders one page.
    `digest` is `signature(config)` when the caller has already computed it.
    `compiled` keeps compiled templates between the builds of one process.
    """
    folders = chain(config, diags)
    if not folders:
        return None
    search = [config.root / "templates"] if (config.root / "templates").is_dir() else []
    search += [f / "templates" for f in folders]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in search]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=compiled,
    )
    catalogues = i18n.load(folders)
    i18n.install(env, catalogues)
    env.globals["memo"] = _memo()
    env.filters["cover"] = lambda entry: None  # the site's own: outputs.job_for sets it
    env.filters["iso"] = lambda value: value.isoformat() if value else ""
    sources: dict[str, str] = {}
    origins: dict[str, str] = {}
    ok = True
    if memo is not None and digest is None:
        digest = signature(config)
    known = memo is not None and memo.get("signature") == digest
    for name in sorted(env.list_templates(filter_func=lambda n: not n.startswith("."))):
        try:
            source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        except (jinja2.TemplateNotFound, UnicodeDecodeError) as exc:
            diags.error(name, 0, 0, f"cannot read template: {exc}")
            ok = False
            continue
        sources[name] = source
        origins[name] = _display(Path(str(filename)), config.root)
        if known:
            continue
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            diags.error(origins[name], exc.lineno or 0, 0, f"template syntax error: {exc.message}")
            ok = False
    if not ok:
        return None
    statics: dict[str, Path] = {}
    for folder in reversed(folders):  # the most specific theme wins
        static = folder / "static"
        for path in sorted(static.rglob("*")) if static.is_dir() else []:
            if path.is_file() and not path.name.startswith("."):
                statics[SiteLayout.STATIC + path.relative_to(static).as_posix()] = path
    if known:
        fingerprints = dict(memo["fingerprints"])  # type: ignore[index]
    else:
        fingerprints = {
            name: fp + catalogues.digest for name, fp in _fingerprints(env, sources).items()
        }
        if memo is not None:
            memo.clear()
            memo.update(signature=digest, fingerprints=fingerprints)
    return Theme(env, fingerprints, tuple(sorted(statics.items())), origins, catalogues)


def signature(config: SiteConfig) -> str:
    """A digest of every file of the theme chain, without compiling anything.

    The build's no-change check uses it: same digest, same templates.
    """
    digest = hashlib.sha256()
    folders = chain(config, Diagnostics())
    extra = [config.root / "templates"]
    for folder in extra + folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _fingerprints(env: jinja2.Environment, sources: dict[str, str]) -> dict[str, str]:
    """Each template's digest over itself and every template it reaches."""
    uses: dict[str, set[str]] = {}
    for name, source in sources.items():
        try:
            refs = set(jinja2.meta.find_referenced_templates(env.parse(source)))
            # A dynamic reference (None) could be anything: depend on them all.
            uses[name] = set(sources) if None in refs else {r for r in refs if r}
        except jinja2.TemplateSyntaxError:  # pragma: no cover - compiled above
            uses[name] = set()
    result: dict[str, str] = {}
    for name in sources:
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(uses.get(current, ()))
        digest = hashlib.sha256()
        for dep in sorted(seen):
            digest.update(dep.encode() + b"\0" + sources.get(dep, "").encode() + b"\0")
        result[name] = digest.hexdigest()[:24]
    return result
