"""The one rule of plugin translations: source strings are English (the
French goes into the catalog). Checked on the catalogs of the four plugins,
of the example plugins and of the scaffold, for French sentences used as
source strings (legal names such as « décret » or « préfet » stay French
inside an English sentence)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = sorted([*ROOT.glob("plugins/*/translations/fr/LC_MESSAGES/*.po"),
                   *ROOT.glob("examples/*/*/translations/fr/LC_MESSAGES/*.po"),
                   *ROOT.glob("grc_core/plugins/scaffold_templates/__package__/translations/fr/LC_MESSAGES/*.po.tmpl")])
# Words of a French sentence that no English one uses.
FRENCH = re.compile(r"\b(les|une|est|pour|dans|avec|sont|pas|vous|nous|cette|être|leur|aux|votre|sur)\b",
                    re.I)


def test_every_plugin_has_a_french_catalog():
    owners = {path.relative_to(ROOT).parts[:2] for path in CATALOGS}
    assert {("plugins", name) for name in ("ecoles", "etat_civil", "social", "urbanisme")} <= owners
    assert ("examples", "grc-voirie") in owners and ("grc_core", "plugins") in owners


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: str(path.relative_to(ROOT)))
def test_source_strings_are_english(catalog):
    with catalog.open("rb") as source:
        messages = [message.id for message in read_po(source) if message.id]
    ids = [" ".join(message) if isinstance(message, tuple) else message for message in messages]
    assert ids and [text for text in ids if FRENCH.search(text)] == []


def test_a_french_source_string_is_caught():
    assert FRENCH.search("Planifiez l'intervention pour aujourd'hui")
    assert FRENCH.search("Le signalement est urgent")
    assert not FRENCH.search("Decide on dérogations")
