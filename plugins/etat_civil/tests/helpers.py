"""Shared helpers of the etat_civil tests: a commune with the plugin, filing through the intake form."""
from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from grc_core.plugin_api import Citizen, Request, RequestEvent, RequestType, db
from grc_core.plugin_api.testing import (
    apply_as, file_request_as, in_commune, make_agent, make_commune, post_intake, signed_in,
)

PARIS = ZoneInfo("Europe/Paris")


def setup_town(app, with_plugin=True):
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve",
                           plugins=["etat_civil"] if with_plugin else [])
    make_agent(app, commune, "accueil@a.fr", "accueil")
    make_agent(app, commune, "agent@a.fr", "agent", services=["etat_civil.etat_civil"] if with_plugin else [])
    make_agent(app, commune, "admin@a.fr", "admin")
    with in_commune(app, commune):
        citizen = Citizen(first_name="Jeanne", last_name="Martin", email="jeanne@example.org",
                          birth_date=date(1980, 4, 2))
        db.session.add(citizen)
        db.session.commit()
        types = {t.code: t.id for t in db.session.scalars(select(RequestType))}
        return SimpleNamespace(id=commune, types=types, citizen=citizen.id)


def counts(app, commune_id):
    with in_commune(app, commune_id):
        return (db.session.scalar(select(func.count()).select_from(Request)),
                db.session.scalar(select(func.count()).select_from(RequestEvent)))


def intake(client, town, code, fields, channel="guichet"):
    """Post the intake form like the counter agent's browser."""
    return post_intake(client, town.types[code], town.citizen, fields, channel)


def file(app, town, code, fields, now=None, channel="guichet", actor="agent@a.fr"):
    """File through the service (as the intake page does), at ``now``; returns the request id."""
    return file_request_as(app, town.id, actor, town.types[code], town.citizen, fields, channel=channel, now=now)


def act(app, town, request_id, code, fields=None, comment="", now=None, actor="admin@a.fr"):
    apply_as(app, town.id, actor, request_id, code, fields=fields, comment=comment, now=now)


def state(app, town, request_id):
    with in_commune(app, town.id):
        return db.session.get(Request, request_id).state


def at(day: date, hour=10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS)
