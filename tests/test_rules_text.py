"""The explanations of the plugins' pure rules (grc_core.rules_text, through the plugin API): English
messages and their values, written in the locale active when they are rendered, with no Flask on import."""
from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from grc_core.plugin_api import Capitalized, Euros, Joined, LocalDate, RuleText, lazy_ngettext, lazy_text
from grc_core.plugin_api.testing import rules_locale

ROOT = Path(__file__).resolve().parent.parent
# Messages of the social catalog (their French is there): the test reads a real plugin's catalog.
OBJECTION = "The date of the objection cannot be before the request (%(day)s)."
FIELDS = ("Field not allowed in the register: %(fields)s. Only the fields the regulations provide for may be "
          "recorded (CASF R121-2 s.).",
          "Fields not allowed in the register: %(fields)s. Only the fields the regulations provide for may be "
          "recorded (CASF R121-2 s.).")


def rendered(text, locale: str) -> str:
    with rules_locale(locale, "social"):
        return str(text)


def test_a_message_is_written_in_the_locale_active_when_rendered():
    text = lazy_text(OBJECTION, day=date(2026, 7, 1))
    assert isinstance(text, RuleText)
    assert rendered(text, "fr") == "La date de l'opposition ne peut pas précéder la demande (1er juillet 2026)."
    assert rendered(text, "en") == "The date of the objection cannot be before the request (July 1, 2026)."
    # Without an application (a script, a pure test): the English source.
    assert str(text) == "The date of the objection cannot be before the request (July 1, 2026)."


def test_counts_dates_amounts_and_sentences_in_a_row():
    one, two = (lazy_ngettext(*FIELDS, n, fields="x") for n in (1, 2))
    assert rendered(one, "en").startswith("Field not allowed in the register: x.")
    assert rendered(two, "en").startswith("Fields not allowed in the register: x.")
    assert rendered(two, "fr").startswith("Champ(s) non autorisé(s) dans le registre : x.")
    assert (rendered(LocalDate(date(2025, 3, 15)), "fr"), rendered(LocalDate(date(2025, 3, 15), "short"), "fr"),
            rendered(LocalDate(date(2025, 3, 15)), "en")) == ("15 mars 2025", "15/03/2025", "March 15, 2025")
    assert rendered(Euros(Decimal("1234.5")), "fr").replace("\u202f", " ").replace("\xa0", " ") == "1 234,50 €"
    assert rendered(Euros(Decimal("1000"), whole=True), "fr").replace("\u202f", " ").replace("\xa0", " ") == \
        "1 000 €"
    assert rendered(Euros(Decimal("1000"), whole=True), "en") == "€1,000"
    assert rendered(Joined(lazy_text(OBJECTION, day=date(2026, 7, 2)), "(CNIL)"), "en").endswith(
        "(July 2, 2026). (CNIL)")


def test_the_rules_helpers_load_no_flask():
    code = ("import sys; from grc_core.plugin_api import lazy_text, LocalDate; import datetime; "
            "t = lazy_text('x %(d)s', d=LocalDate(datetime.date(2025, 1, 1))); "
            "print(sorted({'flask', 'flask_babel'} & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_capitalized_text_starts_its_sentence():
    hall = lazy_text("the village hall")
    assert str(Capitalized(hall)) == "The village hall"
    assert str(lazy_text("%(what)s is booked.", what=Capitalized(hall))) == "The village hall is booked."
    assert Capitalized(hall) == Capitalized(lazy_text("the village hall"))
    assert str(Capitalized("")) == ""
