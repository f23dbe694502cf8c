"""Shared helpers of the social tests: a commune with the plugin and its CCAS team, filing through the intake form."""
from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from grc_core.plugin_api import Citizen, HouseholdLink, Request, RequestEvent, RequestType, db
from grc_core.plugin_api.testing import (
    apply_as, file_request_as, in_commune, make_agent, make_commune, post_intake, signed_in,
)

PARIS = ZoneInfo("Europe/Paris")
ALL = ["social.read", "social.write", "social.decide", "social.registre"]


def setup_town(app, with_plugin=True):
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve",
                           plugins=["social"] if with_plugin else [])
    services = ["social.ccas"] if with_plugin else []
    make_agent(app, commune, "accueil@a.fr", "accueil")
    make_agent(app, commune, "ccas@a.fr", "agent", services=services, permissions=ALL if with_plugin else [])
    make_agent(app, commune, "lecteur@a.fr", "agent", services=services,
               permissions=["social.read"] if with_plugin else [])
    make_agent(app, commune, "admin@a.fr", "admin")
    make_agent(app, commune, "elu@a.fr", "elu")
    with in_commune(app, commune):
        citizen = Citizen(first_name="Jeanne", last_name="Martin", email="jeanne@example.org",
                          birth_date=date(1950, 4, 2))
        spouse = Citizen(first_name="Paul", last_name="Martin", birth_date=date(1949, 9, 9))
        db.session.add_all([citizen, spouse])
        db.session.flush()
        db.session.add(HouseholdLink(citizen_id=citizen.id, relative_id=spouse.id, relation="spouse"))
        db.session.commit()
        types = {t.code: t.id for t in db.session.scalars(select(RequestType))}
        return SimpleNamespace(id=commune, types=types, citizen=citizen.id, spouse=spouse.id)


def counts(app, commune_id):
    with in_commune(app, commune_id):
        return (db.session.scalar(select(func.count()).select_from(Request)),
                db.session.scalar(select(func.count()).select_from(RequestEvent)))


def intake(client, town, code, fields, channel="guichet", citizen=None):
    """Post the intake form like the counter agent's browser."""
    return post_intake(client, town.types[code], citizen or town.citizen, fields, channel)


def file(app, town, code, fields, now=None, channel="guichet", actor="ccas@a.fr", citizen=None):
    """File through the service (as the intake page does), at ``now``; returns the request id."""
    return file_request_as(app, town.id, actor, town.types[code], citizen or town.citizen, fields, channel=channel,
                           now=now)


def act(app, town, request_id, code, fields=None, comment="", now=None, actor="ccas@a.fr"):
    apply_as(app, town.id, actor, request_id, code, fields=fields, comment=comment, now=now)


def request_of(app, town, request_id) -> Request:
    with in_commune(app, town.id):
        request = db.session.get(Request, request_id)
        db.session.expunge(request)
        return request


def at(day: date, hour=10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)
