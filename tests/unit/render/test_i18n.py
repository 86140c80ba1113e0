"""The default theme's message catalogues: complete, current, compiled, and chained.

Every string the templates and render/pages.py and shapes.py translate must have a
translation in every shipped language; a string nobody uses any more must
leave the catalogues. The catalogues are compiled from the .po files when a
theme loads, so there is no .mo to drift from them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.extract import extract, extract_from_dir
from babel.messages.pofile import read_po

from builder.core.errors import Diagnostics
from builder.render import i18n
from builder.render.theme import BUNDLED, load_theme

DEFAULT = BUNDLED / "default"
LANGUAGES = ["ar", "de", "en", "es", "fa", "fr", "zh"]
RENDER = Path(i18n.__file__).parent
JINJA = {
    "extensions": "jinja2.ext.do,jinja2.ext.i18n",
    "trim_blocks": "true",
    "lstrip_blocks": "true",
}


def used() -> set[str | tuple[str, str]]:
    """Every msgid the theme and the page makers ask for."""
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(DEFAULT / "templates"),
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": JINJA},
    ):
        found.add(message)
    pages = {"translate": (2,)}
    for module, keywords in (
        ("pages.py", pages),
        ("shapes.py", pages),
        ("i18n.py", {"gettext": None}),
    ):
        with open(RENDER / module, "rb") as source:
            for _line, message, _comments, _context in extract("python", source, keywords=keywords):
                if message:
                    found.add(message)
    return found


def catalogue(lang: str) -> dict[str, object]:
    """msgid (a plural's singular) → translation, as the .po file has it."""
    with open(DEFAULT / "locale" / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in read_po(po) if m.id}


def test_the_default_theme_ships_seven_languages() -> None:
    assert sorted(p.name for p in (DEFAULT / "locale").iterdir()) == LANGUAGES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_is_translated_and_none_is_left_over(lang: str) -> None:
    messages = catalogue(lang)
    wanted = {m if isinstance(m, str) else m[0] for m in used()}
    assert set(messages) == wanted  # missing: add them; extra: nobody uses them any more
    if lang != "en":  # English is the templates' own text
        untranslated = [
            m for m, s in messages.items() if not s or (isinstance(s, tuple) and not all(s))
        ]
        assert untranslated == []


def test_plural_forms_follow_the_language() -> None:
    arabic = i18n.load([DEFAULT]).messages("ar")
    one = "%(shown)s article"
    many = "%(shown)s articles"
    forms = [arabic.ngettext(one, many, n) % {"shown": n} for n in (0, 1, 2, 3, 11, 100)]
    assert forms == ["0 مقالة", "مقالة واحدة", "مقالتان", "3 مقالات", "11 مقالةً", "100 مقالة"]
    chinese = i18n.load([DEFAULT]).messages("zh-Hans")
    assert chinese.ngettext(one, many, 5) % {"shown": 5} == "5 篇文章"


def test_a_tag_falls_back_to_its_language_then_to_english() -> None:
    catalogues = i18n.load([DEFAULT])
    assert catalogues.messages("fr-CA").gettext("Search") == "Rechercher"
    assert catalogues.messages("zh-Hant-TW").gettext("Search") == "搜索"
    assert catalogues.messages("sw").gettext("Search") == "Search"


def test_a_site_theme_translates_what_it_changes_and_inherits_the_rest(tmp_path: Path) -> None:
    mine = tmp_path / "themes" / "mine"
    po = mine / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Search"\nmsgstr "Chercher"\n',
        "utf-8",
    )
    catalogues = i18n.load([mine, DEFAULT])
    assert catalogues.messages("fr").gettext("Search") == "Chercher"
    assert catalogues.messages("fr").gettext("Tags") == "Étiquettes"
    assert catalogues.digest != i18n.load([DEFAULT]).digest


def test_dates_and_numbers_are_written_the_language_s_way() -> None:
    day = dt.date(2025, 3, 18)
    assert [i18n.long_date(lang, day) for lang in ("en-CA", "zh-Hans", "fr", "ar", "de")] == [
        "18 March 2025",
        "2025年3月18日",
        "18 mars 2025",
        "18 مارس 2025",
        "18. März 2025",
    ]
    assert i18n.month_year("es", day) == "marzo de 2025"
    assert i18n.day("zh", day) == "18日"
    assert i18n.number("de", 12345) == "12.345"
    assert str(i18n.join_names("ar", ["أ", "ب"])) == "أ وب"


def test_template_fingerprints_cover_the_catalogues(tmp_path: Path) -> None:
    from tests.unit.render.conftest import make_config

    config = make_config()
    base = load_theme(config, Diagnostics())
    assert base is not None
    assert all(fp.endswith(base.catalogues.digest) for fp in base.fingerprints.values())
