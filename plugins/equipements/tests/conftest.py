"""A small commune with the plugin enabled and hand-countable reference data.

- SDF « Salle des fêtes »: 100 people, every day 08:00–24:00, deposit 500 €;
  closed 10–20 April 2027 (travaux). Rates: resident half-day 80, day 150,
  weekend 250; association of the commune free.
- GYM « Gymnase »: 200 people, Monday to Friday 08:00–22:00, no deposit.
- Stock: 50 tables, 10 barrières.
Notice period: the default, 15 days. « Now » is 1 March 2027 (Paris) in the
tests that pass it.
"""
from datetime import datetime, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from grc_core.plugin_api import Citizen, Request, RequestEvent, RequestType, db
from grc_core.plugin_api.testing import csrf_token, in_commune, login, make_agent, make_commune, rules_locale
from plugins.equipements.models import (
    Booking, Buvette, Closure, EquipmentItem, Facility, Loan, Slot, TariffRate, UserCategory,
)

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def in_french():
    """The rules' texts are lazy, written in the locale active when read (``rules_locale``: the core's and the
    plugin's catalogs, no database)."""
    with rules_locale("fr", "equipements"):
        yield


@pytest.fixture
def in_english():
    with rules_locale("en", "equipements"):
        yield


def reference_data():
    sdf = Facility(code="SDF", name="Salle des fêtes", kind="salle_fetes", capacity=100, open_days="0123456",
                   opens="08:00", closes="24:00", deposit=Decimal("500"))
    gym = Facility(code="GYM", name="Gymnase", kind="gymnase", capacity=200, open_days="01234", opens="08:00",
                   closes="22:00", deposit=Decimal("0"))
    db.session.add_all([sdf, gym])
    db.session.flush()
    db.session.add(Closure(facility_id=sdf.id, first_day=datetime(2027, 4, 10).date(),
                           last_day=datetime(2027, 4, 20).date(), reason="travaux"))
    for unit, price in (("half_day", "80"), ("day", "150"), ("weekend", "250")):
        db.session.add(TariffRate(facility_id=sdf.id, category="resident", unit=unit, price=Decimal(price)))
    db.session.add(TariffRate(facility_id=gym.id, category="resident", unit="hour", price=Decimal("20")))
    db.session.add_all([UserCategory(code="resident", label="Particulier de la commune"),
                        UserCategory(code="association_commune", label="Association de la commune", free_use=True)])
    db.session.add_all([EquipmentItem(code="TABLES", name="Tables", stock=50),
                        EquipmentItem(code="BARRIERES", name="Barrières", stock=10)])
    db.session.commit()
    return {"sdf": sdf.id, "gym": gym.id}


def make_citizen(app, commune_id, first="Sophie", last="Garnier"):
    with in_commune(app, commune_id):
        citizen = Citizen(first_name=first, last_name=last, email=f"{first.lower()}@exemple.fr")
        db.session.add(citizen)
        db.session.commit()
        return citizen.id


@pytest.fixture
def town(app):
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["equipements"])
    make_agent(app, commune, "accueil@a.fr", "accueil")
    make_agent(app, commune, "agent@a.fr", "agent", services=["equipements.equipements"])
    make_agent(app, commune, "chef@a.fr", "manager", services=["equipements.equipements"],
               permissions=["equipements.decide"])
    make_agent(app, commune, "admin@a.fr", "admin")
    with in_commune(app, commune):
        ids = reference_data()
        types = {t.code: t.id for t in db.session.scalars(select(RequestType))}
    return SimpleNamespace(id=commune, types=types, citizen=make_citizen(app, commune), **ids)


def client_for(app, email, lang="fr"):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    login(client, email)
    return client


def booking_fields(**more):
    fields = {"equipement": "Salle des fêtes", "categorie": "resident", "date_debut": "2027-06-19",
              "heure_debut": "10:00", "date_fin": "2027-06-19", "heure_fin": "24:00", "objet": "Mariage",
              "participants": "80"}
    fields.update(more)
    return fields


def file_form(client, town, code, citizen=None, **fields):
    """Post the intake form like the front desk does."""
    data = {"csrf_token": csrf_token(client, "/admin/intake/"), "channel": "guichet", "type": town.types[code],
            "citizen": citizen or town.citizen, "confirm_duplicate": "1"}
    for name, value in fields.items():
        if value is True:
            value = "y"
        if value is not False and value is not None:
            data[f"f_{name}"] = value
    return client.post("/admin/intake/", data=data)


def counts(app, commune_id):
    with in_commune(app, commune_id):
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Request, RequestEvent, Booking, Slot, Loan, Buvette)}


def last_request(app, commune_id):
    with in_commune(app, commune_id):
        return db.session.scalar(select(Request.id).order_by(Request.id.desc()).limit(1))


def act(client, app, commune_id, request_id, code, comment="", **fields):
    token = csrf_token(client, f"/admin/requests/{request_id}/")
    with in_commune(app, commune_id):
        version = db.session.get(Request, request_id).version
    data = {"csrf_token": token, "transition": code, "version": version, "comment": comment}
    data.update({f"t_{code}__{name}": value for name, value in fields.items()})
    return client.post(f"/admin/requests/{request_id}/transition", data=data)
