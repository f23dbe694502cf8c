"""Issue 13, finding 7: who opens, edits and deletes each back-office view of
the plugin — checked on the server (a POST without the permission is 403
and changes nothing), not only by hiding the buttons; enrolments follow the
request they come from (an agent of another service neither lists nor opens
them)."""
import pytest
from sqlalchemy import func, select

from grc_core.plugin_api import Service, db
from grc_core.plugin_api.testing import csrf_token, in_commune, make_agent
from plugins.ecoles.admin import views
from plugins.ecoles.models import (
    Activity, Enrolment, LevelCapacity, School, SchoolYear, SectorStreet, TariffGrid, TariffTranche,
)

from .conftest import child_fields, client_for, file_form, last_request

MODELS = {"ecoles_schools": School, "ecoles_capacities": LevelCapacity, "ecoles_years": SchoolYear,
          "ecoles_sectors": SectorStreet, "ecoles_activities": Activity, "ecoles_grids": TariffGrid,
          "ecoles_tranches": TariffTranche, "ecoles_enrolments": Enrolment}
# endpoint: (opens, edits, deletes)
EXPECTED = {endpoint: ("ecoles.manage",) * 3 for endpoint in MODELS} | {
    "ecoles_enrolments": ("ecoles.assign", "ecoles.assign", "ecoles.manage")}


def test_every_view_declares_who_opens_edits_and_deletes():
    declared = {view.endpoint: (view.permission, view.edit_permission, view.delete_permission) for view in views()}
    assert declared == EXPECTED


@pytest.fixture
def enrolment(app, town):
    """An enrolment made by an inscription request of the écoles service."""
    client = client_for(app, "accueil@a.fr")
    assert file_form(client, town, "ecoles.inscription", **child_fields(adresse_voie="Rue des Lilas")).status_code \
        == 302
    request_id = last_request(app, town.id)
    with in_commune(app, town.id):
        row = db.session.scalar(select(Enrolment).where(Enrolment.request_id == request_id))
        assert row is not None
        db.session.add(Service(code="voirie", name="Voirie"))
        db.session.commit()
        return row.id
    

def _count(app, commune, model):
    with in_commune(app, commune):
        return db.session.scalar(select(func.count()).select_from(model))


def _first_id(app, commune, model):
    with in_commune(app, commune):
        return db.session.scalar(select(model.id).order_by(model.id).limit(1))


def test_an_agent_of_the_service_edits_an_enrolment_but_may_not_delete_it(app, town, enrolment):
    agent = client_for(app, "agent@a.fr")
    token = csrf_token(agent, "/admin/")
    assert agent.get(f"/admin/ecoles_enrolments/edit/?id={enrolment}").status_code == 200
    page = agent.get("/admin/ecoles_enrolments/").get_data(as_text=True)
    assert "Garnier" in page and "delete_form" not in page
    for response in (
        agent.post("/admin/ecoles_enrolments/delete/", data={"csrf_token": token, "id": enrolment}),
        agent.post("/admin/ecoles_enrolments/action/", data={"csrf_token": token, "action": "delete",
                                                            "rowid": [enrolment]}),
    ):
        assert response.status_code == 403
    assert _count(app, town.id, Enrolment) == 1
    # The reference data: not even opened, nor written to.
    for endpoint, model in MODELS.items():
        if endpoint == "ecoles_enrolments":
            continue
        before = _count(app, town.id, model)
        row = _first_id(app, town.id, model)
        assert agent.get(f"/admin/{endpoint}/").status_code == 403, endpoint
        assert agent.post(f"/admin/{endpoint}/delete/", data={"csrf_token": token, "id": row}).status_code == 403
        assert agent.post(f"/admin/{endpoint}/edit/?id={row}", data={"csrf_token": token}).status_code == 403
        assert _count(app, town.id, model) == before, endpoint


def test_a_manager_deletes_an_enrolment(app, town, enrolment):
    make_agent(app, town.id, "chef@a.fr", "manager", services=["ecoles.affaires_scolaires"])
    manager = client_for(app, "chef@a.fr")
    response = manager.post("/admin/ecoles_enrolments/delete/",
                            data={"csrf_token": csrf_token(manager, "/admin/"), "id": enrolment})
    assert response.status_code == 302
    assert _count(app, town.id, Enrolment) == 0


def test_an_agent_of_another_service_neither_lists_nor_opens_nor_edits_enrolments(app, town, enrolment):
    make_agent(app, town.id, "voirie@a.fr", "agent", services=["voirie"])
    other = client_for(app, "voirie@a.fr")
    token = csrf_token(other, "/admin/")
    assert "Garnier" not in other.get("/admin/ecoles_enrolments/").get_data(as_text=True)
    assert "Garnier" not in other.get("/admin/ecoles_enrolments/export/csv/").get_data(as_text=True)
    for url in (f"/admin/ecoles_enrolments/details/?id={enrolment}", f"/admin/ecoles_enrolments/edit/?id={enrolment}"):
        assert other.get(url).status_code == 404, url
    response = other.post(f"/admin/ecoles_enrolments/edit/?id={enrolment}",
                          data={"csrf_token": token, "status": "radiee", "level": "cp"})
    assert response.status_code == 404
    with in_commune(app, town.id):
        assert db.session.get(Enrolment, enrolment).status != "radiee"


def test_ids_that_cannot_name_a_row_are_404_not_500(app, town, enrolment):
    admin = client_for(app, "admin@a.fr")
    token = csrf_token(admin, "/admin/")
    for bad in ("99999999999999999999", "-1", "abc", "1e3"):
        assert admin.get(f"/admin/ecoles_enrolments/details/?id={bad}").status_code == 404, bad
        assert admin.post("/admin/ecoles_enrolments/delete/", data={"csrf_token": token, "id": bad}).status_code \
            == 404, bad
    assert _count(app, town.id, Enrolment) == 1


def test_numbers_the_database_cannot_store_are_said_next_to_the_field(app, town):
    admin = client_for(app, "admin@a.fr")
    grid = _first_id(app, town.id, TariffGrid)
    before = _count(app, town.id, TariffTranche)
    for price in ("NaN", "Infinity", "1000000"):
        response = admin.post("/admin/ecoles_tranches/new/", data={
            "csrf_token": csrf_token(admin, "/admin/ecoles_tranches/new/"), "grid": grid, "label": "T4",
            "qf_min": "2000", "price": price})
        assert response.status_code == 200, price
        assert "hors des limites" in response.get_data(as_text=True), price
    response = admin.post("/admin/ecoles_tranches/new/", data={
        "csrf_token": csrf_token(admin, "/admin/ecoles_tranches/new/"), "grid": grid, "label": "T4",
        "qf_min": str(2**40), "price": "3"})
    assert "hors des limites" in response.get_data(as_text=True)
    assert _count(app, town.id, TariffTranche) == before
    # The grids' export is whole.
    export = admin.get("/admin/ecoles_grids/export/csv/")
    assert export.status_code == 200 and "Restauration 2027-2028" in export.get_data(as_text=True)
