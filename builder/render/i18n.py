"""Interface strings, dates and numbers in the language of each page.

A theme ships message catalogues as `locale/<language>/LC_MESSAGES/messages.po`
(the default theme: English source strings, and Arabic, Persian, French,
German, Spanish and Chinese translations). They are compiled when the
theme is loaded, straight from the .po files, so a translator edits one
text file and nothing compiled can drift from it. A theme's catalogue for
a language falls back to its parent's, then to the default theme's, then
to the English written in the templates.

Each page is in one language: an article's `lang`, else the site's
`language`. Templates get Jinja's i18n extension (`{% trans %}`, `_()`)
with callables that read the page's language from the render context, and
filters that write dates and numbers the way that language does (Babel).
"""

from __future__ import annotations

import datetime as dt
import gettext as gettext_mod
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from builder.core.dates import MONTHS, date_long
from builder.core.languages import babel_locale, direction

CATALOGUE = "LC_MESSAGES/messages.po"


@dataclass(frozen=True)
class Catalogues:
    """The translations of a theme chain, by language folder name (`fr`, `zh_Hans`)."""

    by_language: dict[str, gettext_mod.NullTranslations] = field(compare=False)
    digest: str  # of every .po file: a page's fingerprint includes it

    def messages(self, lang: str) -> gettext_mod.NullTranslations:
        """The catalogue for a tag: `fr-CA`, then `fr`; none (the English source) if neither."""
        parts = lang.split("-")
        for size in range(len(parts), 0, -1):
            found = self.by_language.get("_".join(parts[:size]))
            if found is not None:
                return found
        return _SOURCE

    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.by_language))


_SOURCE = gettext_mod.NullTranslations()


def load(folders: list[Path]) -> Catalogues:
    """The catalogues of `folders` (most specific theme first), each falling back on the next."""
    digest = hashlib.sha256()
    chains: dict[str, list[gettext_mod.NullTranslations]] = {}
    for folder in folders:
        locale = folder / "locale"
        for po in sorted(locale.glob("*/" + CATALOGUE)) if locale.is_dir() else []:
            data = po.read_bytes()
            digest.update(po.as_posix().encode() + b"\0" + data + b"\0")
            chains.setdefault(po.parts[-3], []).append(_compile(data))
    by_language = {}
    for language, chain in chains.items():
        for inner, outer in zip(chain, chain[1:], strict=False):
            inner.add_fallback(outer)
        by_language[language] = chain[0]
    return Catalogues(by_language, digest.hexdigest()[:16])


@lru_cache(maxsize=64)
def _compile(po: bytes) -> gettext_mod.GNUTranslations:
    """A .po file's messages, compiled in memory (the same bytes are compiled once)."""
    catalog = read_po(io.BytesIO(po))
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext_mod.GNUTranslations(compiled)


def install(env: Any, catalogues: Catalogues) -> None:
    """`_()`, `{% trans %}` and the date and number filters, in each page's language."""

    def messages(context: Context) -> gettext_mod.NullTranslations:
        return catalogues.messages(page_language(context))

    @pass_context
    def gettext(context: Context, message: str) -> str:
        return messages(context).gettext(message)

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, count: int) -> str:
        return messages(context).ngettext(singular, plural, count)

    env.add_extension("jinja2.ext.i18n")
    env.add_extension("jinja2.ext.do")
    env.filters["direction"] = direction
    env.tests["rtl"] = lambda tag: direction(tag) == "rtl"
    env.filters["anchors"] = _anchors(messages)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    for name, format_in in FILTERS.items():
        env.filters[name] = _in_page_language(format_in)


_HEADING = re.compile(r'<(h[2-4]) id="([^"]+)">(.*?)</\1>', re.S)


def _anchors(messages: Callable[[Context], gettext_mod.NullTranslations]) -> Callable[..., Markup]:
    """`{{ content | anchors }}`: a `#` link to itself after each h2–h4 of a body."""

    @pass_context
    def anchors(context: Context, html: str) -> Markup:
        label = escape(messages(context).gettext("Link to this section"))

        def add(match: re.Match[str]) -> str:
            tag, ident, inner = match.groups()
            return (
                f'<{tag} id="{ident}">{inner} <a class="anchor" href="#{ident}" '
                f'aria-label="{label}" data-pagefind-ignore>#</a></{tag}>'
            )

        return Markup(_HEADING.sub(add, str(html)))

    return anchors


def page_language(context: Context) -> str:
    """The language a template is rendering in: the page's, else the site's."""
    page = context.get("page")
    lang = getattr(page, "lang", "") if page is not None else ""
    return lang or getattr(context.get("site"), "language", "en")


def _in_page_language(format_in: Callable[..., str]) -> Callable[..., str]:
    @pass_context
    def apply(context: Context, value: Any, *args: Any) -> str:
        return format_in(page_language(context), value, *args) if value is not None else ""

    return apply


# --------------------------------------------------------------------------
# Dates and numbers. English keeps the house style (`18 March 2025`, day first,
# unambiguous everywhere); other languages get Babel's forms of theirs.
# --------------------------------------------------------------------------
def long_date(lang: str, value: dt.date) -> str:
    """`18 March 2025`, `2025年3月18日`, `18 mars 2025`, `18 مارس 2025`."""
    if _english(lang):
        return date_long(value)
    return format_date(value, "long", locale=babel_locale(lang))


class _Month(Protocol):
    @property
    def year(self) -> int: ...

    @property
    def month(self) -> int: ...


def month_year(lang: str, value: _Month) -> str:
    """`March 2025`, `2025年3月`, `mars 2025`, of a date or an ArchiveMonth."""
    if _english(lang):
        return f"{MONTHS[value.month - 1]} {value.year}"
    return format_skeleton("yMMMM", dt.date(value.year, value.month, 1), locale=babel_locale(lang))


def day(lang: str, value: dt.date) -> str:
    """The day of the month alone (`18`, `18日`), under a heading that names the month."""
    if _english(lang):
        return str(value.day)
    return format_skeleton("d", value, locale=babel_locale(lang))


def join_names(lang: str, names: list[str]) -> Markup:
    """`A, B and C`, `A، B وC`, `A、B和C`; names already made into links stay links."""
    return Markup(
        format_list([str(escape(n)) for n in names], locale=babel_locale(lang)) if names else ""
    )


def number(lang: str, value: int | float) -> str:
    """`1,234`, `1.234`, `١٬٢٣٤` as the language writes it."""
    return format_decimal(value, locale=babel_locale(lang))


def _english(lang: str) -> bool:
    return lang.split("-", 1)[0] == "en"


FILTERS: dict[str, Callable[..., str]] = {
    "date_long": long_date,
    "month_year": month_year,
    "day": day,
    "number": number,
    "join_names": join_names,
}
