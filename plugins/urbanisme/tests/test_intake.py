"""Every procedure filed through the intake form: good input stores the file, bad input stores nothing."""
from datetime import date, timedelta

import pytest

from plugins.urbanisme import rules
from plugins.urbanisme.request_types import PROCEDURES
from plugins.urbanisme.tests.helpers import counts, dossier_of, good_data, intake_post, setup_town, signed_in

from grc_core.plugin_api import Request, db
from grc_core.plugin_api.testing import in_commune
from sqlalchemy import select


@pytest.fixture
def town(app):
    return setup_town(app)


@pytest.mark.parametrize("kind", PROCEDURES, ids=lambda k: k.code)
def test_every_procedure_is_filed_through_the_intake_form(app, town, kind):
    client = signed_in(app, "instructeur@a.fr")
    response = intake_post(client, town, kind.code, good_data(kind.code, "2026-01-31"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with in_commune(app, town.id):
        request_id = db.session.scalar(select(Request.id))
    dossier = dossier_of(app, town, request_id)
    assert dossier.procedure == kind.procedure.value
    assert dossier.deposit_date == date(2026, 1, 31)
    assert dossier.applicant_name == "Jeanne Martin"
    assert dossier.cerfa == (rules.cerfa_numbers(kind.procedure) or ("",))[0]
    if "parcelles" in good_data(kind.code):
        assert dossier.parcels == ["AB 0123", "AB 0124"]
    try:
        delay = rules.instruction_delay(kind.procedure, initial_procedure=dossier.initial_procedure)
    except rules.UrbanismeRuleError:
        assert dossier.legal_deadline is None  # DOC, DAACT, transfert: no instruction delay
    else:
        expected = rules.legal_deadline(rules.LegalDeadlineInput(date(2026, 1, 31), None, delay))
        assert (dossier.legal_deadline, dossier.tacit_decision_date) == (expected.last_day,
                                                                         expected.tacit_decision_date)
    page = client.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert "Dates légales du dossier d&#39;urbanisme" in page or "Dates légales du dossier d'urbanisme" in page


BAD = [
    ("urbanisme.dp", {"date_depot": "2099-01-01"}, "La date de dépôt ne peut pas être dans le futur."),
    ("urbanisme.pcmi", {"parcelles": "parcelle du fond"}, "Les références cadastrales doivent indiquer"),
    ("urbanisme.pc", {"demandeur_type": "societe", "siret": "1234"}, "numéro SIRET (14 chiffres)"),
    ("urbanisme.daact", {"date_achevement": "2026-02-15"}, "Les travaux doivent être achevés avant"),
    # Checked by the core's form builder: the field is marked invalid.
    ("urbanisme.pa", {"parcelles": ""}, 'id="f_parcelles"'),
    ("urbanisme.dp", {"hauteur": "-3"}, 'id="f_hauteur"'),
]


@pytest.mark.parametrize("code,bad,message", BAD)
def test_bad_input_is_refused_in_french_and_nothing_is_stored(app, town, code, bad, message):
    client = signed_in(app, "instructeur@a.fr")
    before = counts(app, town.id)
    response = intake_post(client, town, code, good_data(code, "2026-01-31") | bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert message in page, page[:3000]
    assert "is-invalid" in page or "alert-danger" in page
    assert counts(app, town.id) == before


def test_html_in_the_applicant_name_is_escaped_on_the_panel(app, town):
    client = signed_in(app, "instructeur@a.fr")
    intake_post(client, town, "urbanisme.dp", good_data("urbanisme.dp", demandeur_nom="<script>alert(1)</script>"))
    with in_commune(app, town.id):
        request_id = db.session.scalar(select(Request.id))
    page = client.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_deposit_cannot_be_in_the_future_even_by_one_day(app, town):
    from plugins.urbanisme.dossier import today

    client = signed_in(app, "instructeur@a.fr")
    before = counts(app, town.id)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    assert intake_post(client, town, "urbanisme.dp", good_data("urbanisme.dp", tomorrow)).status_code == 400
    assert counts(app, town.id) == before
    assert intake_post(client, town, "urbanisme.dp", good_data("urbanisme.dp", today())).status_code == 302


@pytest.mark.parametrize("kind", PROCEDURES, ids=lambda k: k.code)
def test_every_procedure_refuses_a_missing_deposit_date_or_applicant(app, town, kind):
    client = signed_in(app, "instructeur@a.fr")
    before = counts(app, town.id)
    data = good_data(kind.code)
    del data["date_depot"]
    data["demandeur_nom"] = ""
    response = intake_post(client, town, kind.code, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="f_date_depot"' in page and "is-invalid" in page
    assert counts(app, town.id) == before
