"""A small commune with the plugin enabled and hand-countable reference data.

Schools (places per level):
- LIL « École maternelle Les Lilas » (maternelle): TPS 1, PS 2, MS 2, GS 2;
- MOU « École élémentaire du Moulin » (élémentaire): CP…CM2 2 each;
- PAS « École primaire Pasteur » (primaire): PS…CM2 2 each, no TPS.
Carte scolaire: rue des Lilas (whole street) → LIL and MOU; avenue Jean
Jaurès 1–49 odd → PAS, 2–50 even → LIL and MOU.
School years 2026 and 2027; MOU 2027: canteen 1 place, morning 1 place.
Canteen grid (« cantine à 1 € »): QF 0–1000 → 1 €, 1001–1500 → 2,50 €, ≥ 1501 → 4,20 €.
"""
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from grc_core.plugin_api import Citizen, HouseholdLink, Request, RequestEvent, RequestType, db
from grc_core.plugin_api.testing import csrf_token, in_commune, login, make_agent, make_commune
from plugins.ecoles.models import (
    Activity, Enrolment, LevelCapacity, School, SchoolYear, SectorStreet, TariffGrid, TariffTranche,
)

LEVELS_M = ("petite_section", "moyenne_section", "grande_section")
LEVELS_E = ("cp", "ce1", "ce2", "cm1", "cm2")


def reference_data():
    y26 = SchoolYear(start_year=2026)
    y27 = SchoolYear(start_year=2027)
    lil = School(code="LIL", name="École maternelle Les Lilas", kind="maternelle", address="3 rue des Lilas")
    mou = School(code="MOU", name="École élémentaire du Moulin", kind="elementaire", address="1 rue du Moulin")
    pas = School(code="PAS", name="École primaire Pasteur", kind="primaire", address="20 avenue Jean Jaurès")
    db.session.add_all([y26, y27, lil, mou, pas])
    db.session.flush()
    caps = [("toute_petite_section", lil, 1)] + [(lv, lil, 2) for lv in LEVELS_M] + \
        [(lv, mou, 2) for lv in LEVELS_E] + [(lv, pas, 2) for lv in LEVELS_M + LEVELS_E]
    db.session.add_all([LevelCapacity(school_id=s.id, level=lv, capacity=c) for lv, s, c in caps])
    db.session.add_all([
        SectorStreet(street="Rue des Lilas", from_number=1, side="tous", school_id=lil.id),
        SectorStreet(street="Rue des Lilas", from_number=1, side="tous", school_id=mou.id),
        SectorStreet(street="Avenue Jean Jaurès", from_number=1, to_number=49, side="impair", school_id=pas.id),
        SectorStreet(street="Avenue Jean Jaurès", from_number=2, to_number=50, side="pair", school_id=lil.id),
        SectorStreet(street="Avenue Jean Jaurès", from_number=2, to_number=50, side="pair", school_id=mou.id),
    ])
    grid = TariffGrid(name="Restauration 2027-2028", kind="cantine", school_year_id=y27.id, cantine_a_un_euro=True)
    grid.tranches = [TariffTranche(qf_min=0, qf_max=1000, price=Decimal("1.00"), label="Tranche 1"),
                     TariffTranche(qf_min=1001, qf_max=1500, price=Decimal("2.50"), label="Tranche 2"),
                     TariffTranche(qf_min=1501, qf_max=None, price=Decimal("4.20"), label="Tranche 3")]
    db.session.add(grid)
    db.session.add_all([Activity(kind="cantine", school_id=mou.id, school_year_id=y27.id, capacity=1),
                        Activity(kind="matin", school_id=mou.id, school_year_id=y27.id, capacity=1)])
    db.session.commit()
    return {"LIL": lil.id, "MOU": mou.id, "PAS": pas.id, "y26": y26.id, "y27": y27.id}


def make_parent(app, commune_id, first="Sophie", last="Garnier"):
    with in_commune(app, commune_id):
        parent = Citizen(first_name=first, last_name=last, email=f"{first.lower()}@exemple.fr",
                         address_number="12", address_street="Rue des Lilas", postcode="45900", city="Villeneuve")
        db.session.add(parent)
        db.session.commit()
        return parent.id


@pytest.fixture
def town(app):
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["ecoles"])
    make_agent(app, commune, "accueil@a.fr", "accueil")
    make_agent(app, commune, "agent@a.fr", "agent", services=["ecoles.affaires_scolaires"])
    make_agent(app, commune, "admin@a.fr", "admin")
    with in_commune(app, commune):
        ids = reference_data()
        types = {t.code: t.id for t in db.session.scalars(select(RequestType))}
    return SimpleNamespace(id=commune, types=types, parent=make_parent(app, commune), **ids)


def client_for(app, email, lang="fr"):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    login(client, email)
    return client


def child_fields(first="Lina", last="Garnier", born="2024-05-10", year=2027, **more):
    fields = {"enfant_prenom": first, "enfant_nom": last, "enfant_naissance": born, "annee_scolaire": str(year)}
    fields.update(more)
    return fields


def file_form(client, town, code, citizen=None, **fields):
    """Post the intake form like the front desk does."""
    data = {"csrf_token": csrf_token(client, "/admin/intake/"), "channel": "guichet", "type": town.types[code],
            "citizen": citizen or town.parent, "confirm_duplicate": "1"}
    for name, value in fields.items():
        if value is True:
            value = "y"
        if value is not False and value is not None:
            data[f"f_{name}"] = value
    return client.post("/admin/intake/", data=data)


def counts(app, commune_id):
    with in_commune(app, commune_id):
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Request, RequestEvent, Citizen, HouseholdLink, Enrolment)}


def last_request(app, commune_id):
    with in_commune(app, commune_id):
        return db.session.scalar(select(Request.id).order_by(Request.id.desc()).limit(1))


def act(client, app, commune_id, request_id, code, comment=""):
    token = csrf_token(client, f"/admin/requests/{request_id}/")
    with in_commune(app, commune_id):
        version = db.session.get(Request, request_id).version
    return client.post(f"/admin/requests/{request_id}/transition",
                       data={"csrf_token": token, "transition": code, "version": version, "comment": comment})
