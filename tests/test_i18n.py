"""Catalogs: every message of the code has a French translation, compiled.

A fresh install must show French without running pybabel, so the compiled
``.mo`` files are committed; these tests fail when they fall behind.
"""
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]

CATALOGS = [("grc", ROOT / "grc_core")] + [
    (f"grc_{path.name}", path) for path in sorted((ROOT / "plugins").iterdir())
    if (path / "translations").is_dir()
]


def source_messages(folder: Path) -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(folder), METHODS, keywords={**KEYWORDS, "_": None}, options_map={"**.html": {}},
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return {m for m in found if m}


def catalog(folder: Path, domain: str, locale: str, kind: str):
    path = folder / "translations" / locale / "LC_MESSAGES" / f"{domain}.{kind}"
    with path.open("rb") as handle:
        # abort_invalid: a malformed entry (a msgid without its msgstr) fails here; Babel
        # would otherwise print a warning and read on.
        return read_po(handle, locale=locale, abort_invalid=True) if kind == "po" else read_mo(handle)


@pytest.mark.parametrize(("domain", "folder"), CATALOGS, ids=[d for d, _ in CATALOGS])
def test_every_message_has_a_french_translation(domain, folder):
    french = catalog(folder, domain, "fr", "po")
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in french
        if m.id and "fuzzy" not in m.flags and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(source_messages(folder) - translated)
    assert not missing, f"{domain}: not translated into French: {missing}"


@pytest.mark.parametrize(("domain", "folder"), CATALOGS, ids=[d for d, _ in CATALOGS])
@pytest.mark.parametrize("locale", ["fr", "en"])
def test_compiled_catalogs_match_their_sources(domain, folder, locale):
    source = catalog(folder, domain, locale, "po")
    compiled = catalog(folder, domain, locale, "mo")
    def key(message):
        return tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id

    def text(message):
        return tuple(message.string) if isinstance(message.string, (list, tuple)) else message.string

    expected = {key(m): text(m) for m in source if m.id and "fuzzy" not in m.flags
                and (all(m.string) if isinstance(m.string, (list, tuple)) else m.string)}
    # pybabel writes untranslated plurals as the English forms themselves.
    actual = {key(m): text(m) for m in compiled
              if m.id and not (isinstance(key(m), tuple) and text(m) == key(m))}
    assert actual == expected, f"{domain}/{locale}: run pybabel compile (see docs/translations.md)"


def test_english_catalog_exists_for_every_domain():
    for domain, folder in CATALOGS:
        assert (folder / "translations" / "en" / "LC_MESSAGES" / f"{domain}.po").is_file(), domain


def test_no_two_catalogs_translate_the_same_message_differently():
    # The app merges the core's and the plugins' catalogs into one: a message
    # translated twice keeps only one of its translations, whichever loads last.
    seen: dict[object, tuple[str, object]] = {}
    clashes = []
    for domain, folder in CATALOGS:
        for message in catalog(folder, domain, "fr", "po"):
            if not message.id or "fuzzy" in message.flags:
                continue
            key = tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id
            text = tuple(message.string) if isinstance(message.string, (list, tuple)) else message.string
            if not (all(text) if isinstance(text, tuple) else text):
                continue
            if key in seen and seen[key][1] != text:
                clashes.append(f"{key!r}: {seen[key][0]} {seen[key][1]!r} / {domain} {text!r}")
            seen.setdefault(key, (domain, text))
    assert not clashes, "translated differently by two catalogs:\n" + "\n".join(clashes)
