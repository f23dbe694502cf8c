"""The register of processing activities (GDPR art. 30) of a commune: what the
core and its enabled domains declare, for its administrators only, as a
page, a printable page, CSV and XLSX."""
from __future__ import annotations

import csv
import html
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import AuditEvent
from grc_core.plugin_api.testing import in_commune, loaded_plugins, make_agent, make_commune, signed_in

URL = "/admin/core_processing_register/"


@pytest.fixture
def commune(app):
    if not {"etat_civil", "social"} <= set(loaded_plugins(app)):
        pytest.skip("needs the etat_civil and social plugins")
    commune_id = make_commune(app, plugins=["etat_civil", "social"])
    make_agent(app, commune_id, "admin@villeneuve.fr", "admin")
    make_agent(app, commune_id, "agent@villeneuve.fr", "agent")
    return commune_id


def test_the_admin_reads_the_core_and_the_enabled_domains_activities(app, commune):
    page = html.unescape(signed_in(app, "admin@villeneuve.fr").get(URL).get_data(as_text=True))
    assert 'id="activity-core.relation_citoyen"' in page
    assert "Tenue des registres de l'état civil et délivrance des copies et extraits" in page
    assert "Code civil, art. 34 à 101" in page and "Obligation légale (RGPD art. 6, 1, c)" in page
    assert "Base légale (RGPD art. 6)" in page
    # The retention policy applying the declared retention is shown with it.
    etat_civil = page.split('id="activity-etat_civil.registres"')[1].split("</section>")[0]
    assert "Appliquée par « " in etat_civil and "décret 2017-890, art. 29" in etat_civil
    social = page.split('id="activity-social.aide_sociale"')[1].split("</section>")[0]
    assert "catégorie particulière (RGPD art. 9)" in social
    assert "RGPD art. 9, 2, b" in social and "Secret professionnel (CASF, art. L133-5)" in social
    # Not enabled here: not in the register.
    assert "urbanisme.autorisations" not in page and "ecoles.inscriptions" not in page


def test_only_administrators_see_the_register(app, commune):
    agent = signed_in(app, "agent@villeneuve.fr")
    for url in (URL, URL + "print", URL + "export.csv", URL + "export.xlsx"):
        assert agent.get(url).status_code == 403, url
    assert app.test_client().get(URL).status_code in (302, 401)


def test_the_register_is_exported_as_csv_and_xlsx_and_audited(app, commune):
    admin = signed_in(app, "admin@villeneuve.fr")
    response = admin.get(URL + "export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="registre-traitements-')
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:5] == ["Code", "Domaine", "Traitement", "Finalité", "Base légale (RGPD art. 6)"]
    codes = [row[0] for row in rows[1:]]
    assert codes == ["core.comptes_agents", "core.courriels", "core.relation_citoyen", "etat_civil.registres",
                     "social.aide_sociale", "social.registre_vulnerables"]
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["core.courriels"][1] == "Socle"
    assert by_code["social.registre_vulnerables"][8].startswith("RGPD art. 9, 2, a")
    assert by_code["etat_civil.registres"][8] == "Non"

    workbook = load_workbook(io.BytesIO(admin.get(URL + "export.xlsx").get_data()))
    sheet = workbook.active
    assert sheet.title == "Registre"
    assert [cell.value for cell in sheet["A"]][1:] == codes
    with in_commune(app, commune):
        actions = list(db.session.scalars(select(AuditEvent.target).where(
            AuditEvent.action == "processing_register.export").order_by(AuditEvent.id)))
    assert actions == ["csv", "xlsx"]


def test_the_printable_register_names_the_commune(app, commune):
    page = signed_in(app, "admin@villeneuve.fr").get(URL + "print").get_data(as_text=True)
    assert "Registre des activités de traitement — Villeneuve-sur-Loire" in page
    assert "Établi au titre de l'article 30 du RGPD" in html.unescape(page)
    assert "Exporter (CSV)" not in page
