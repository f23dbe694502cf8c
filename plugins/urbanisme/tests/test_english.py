"""Where the rules' explanations reach a reader: in his language (issue 14, item 7).

The request's panel (« How these dates are computed ») and the refusal of a
follow-up at the counter are written for the agent who reads them; the
explanation stored on the file stays in the commune's language."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from plugins.urbanisme.dossier import today
from plugins.urbanisme.tests.helpers import decide, dossier_of, file, good_data, intake_post, setup_town, signed_in

CATALOG = Path(__file__).resolve().parents[1] / "translations/fr/LC_MESSAGES/grc_urbanisme.po"


@pytest.fixture
def town(app):
    return setup_town(app)


def french_of_the_catalog():
    """The French msgstr of the plugin's catalog, as patterns (a placeholder matches any text)."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    patterns = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in strings:
            if message.id and text and text not in sources and len(re.sub(r"%\(\w+\)[sd]", "", text)) >= 12:
                parts = re.split(r"%\(\w+\)[sd]", text)
                patterns.append(re.compile(".+?".join(re.escape(p) for p in parts)))
    return patterns


def explanation_lines(html: str) -> list[str]:
    block = html.split("<details", 1)[1].split("</details>", 1)[0]
    return [re.sub(r"\s+", " ", line).strip() for line in re.findall(r"<li>(.*?)</li>", block, re.S)]


def test_the_panel_explains_the_dates_in_the_readers_language(app, town):
    request_id, errors = file(app, town, "urbanisme.pc", good_data("urbanisme.pc", "2026-01-31"))
    assert not errors, errors
    english_page = signed_in(app, "instructeur@a.fr", lang="en").get(
        f"/admin/requests/{request_id}/").get_data(as_text=True).replace("&#39;", "'")
    french_page = signed_in(app, "instructeur@a.fr", lang="fr").get(
        f"/admin/requests/{request_id}/").get_data(as_text=True).replace("&#39;", "'")
    english, french = explanation_lines(english_page), explanation_lines(french_page)
    # The table of legal dates too: the deposit in each reader's short format.
    assert '<td class="text-nowrap">1/31/26</td>' in english_page
    assert '<td class="text-nowrap">31/01/2026</td>' in french_page
    assert english[0] == "Base delay [R*423-23 c)] — building permit: 3 months."
    assert any(line.startswith("Instruction delay of 3 months running from 1/31/26") for line in english)
    patterns = french_of_the_catalog()
    assert not [line for line in english if any(p.search(line) for p in patterns)], english
    assert french[0] == "Délai de base [R*423-23 c)] — permis de construire : 3 mois."
    assert any(line.startswith("Délai d'instruction de 3 mois courant à compter du 31/01/2026") for line in french)
    # Stored in the commune's language, whoever filed it.
    assert dossier_of(app, town, request_id).explanation.splitlines() == french


def test_a_follow_up_refused_by_the_rules_is_explained_in_english(app, town):
    permit, _errors = file(app, town, "urbanisme.pc", good_data("urbanisme.pc", today() - timedelta(days=60)))
    decide(app, town, permit, today() - timedelta(days=30), approve=False)
    data = good_data("urbanisme.transfert", today(), autorisation_initiale=dossier_of(app, town, permit).file_number)
    data.pop("procedure_initiale", None)
    response = intake_post(signed_in(app, "instructeur@a.fr", lang="en"), town, "urbanisme.transfert", data)
    assert response.status_code == 400
    shown = response.get_data(as_text=True).replace("&#39;", "'")
    errors = re.findall(r'data-grc-error-for="autorisation_initiale">([^<]*)<', shown)
    assert errors == ["The original authorisation (building permit) was not granted — no approval notified, no "
                      "tacit approval or non-opposition: it cannot be transferred."]


def test_a_late_request_for_pieces_is_refused_in_english(app, town):
    """A transition the rules refuse says why in the agent's language (the guard's message)."""
    from plugins.urbanisme.tests.test_pages import transition

    request_id, _errors = file(app, town, "urbanisme.pc", good_data("urbanisme.pc", today() - timedelta(days=40)))
    answer = transition(signed_in(app, "instructeur@a.fr", lang="en"), request_id, "demander_pieces", comment="Plan")
    text = answer.get_data(as_text=True).replace("&#39;", "'")
    assert answer.status_code == 409
    assert "after the end of the one-month delay after the deposit" in text and "Demande de pièces" not in text
