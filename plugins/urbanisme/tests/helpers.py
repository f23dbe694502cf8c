"""Shared helpers of the urbanisme tests: a commune with the plugin, its agents, filing files."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from grc_core.plugin_api import Citizen, Request, RequestEvent, RequestType, User, create_request, db
from grc_core.plugin_api.testing import apply_as, csrf_token, in_commune, login, make_agent, make_commune

from plugins.urbanisme.models import Consultation, Dossier, Parcel

PARIS = ZoneInfo("Europe/Paris")


def at(day: date, hour=10, minute=0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def setup_town(app, name="Villeneuve-sur-Loire", insee="45901", slug="villeneuve", suffix="a.fr"):
    commune = make_commune(app, name, insee, slug, plugins=["urbanisme"])
    make_agent(app, commune, f"instructeur@{suffix}", "agent", services=["urbanisme.ads"])
    make_agent(app, commune, f"dst@{suffix}", "manager", services=["urbanisme.ads"], permissions=["urbanisme.sign"])
    make_agent(app, commune, f"accueil@{suffix}", "accueil")
    with in_commune(app, commune):
        citizen = Citizen(first_name="Jeanne", last_name="Martin", email=f"jeanne@{suffix}", quartier="Centre")
        db.session.add(citizen)
        db.session.commit()
        types = {t.code: t.id for t in db.session.scalars(select(RequestType).where(RequestType.plugin == "urbanisme"))}
        return SimpleNamespace(id=commune, types=types, citizen=citizen.id, suffix=suffix)


def good_data(kind_code: str, deposit: date | str = "2026-01-31", **extra) -> dict:
    """Valid form data for a procedure (plain mapping, as the API sends)."""
    from plugins.urbanisme.request_types import BY_CODE, fields_for

    data = {"date_depot": deposit if isinstance(deposit, str) else deposit.isoformat(),
            "demandeur_type": "personne", "demandeur_nom": "Jeanne Martin"}
    if kind_code == "urbanisme.modificatif":
        # The permit of the default number is not in GRC: its nature must be given.
        data["procedure_initiale"] = "permis_de_construire"
    for spec in fields_for(BY_CODE[kind_code]):
        if spec.name in data or not spec.required:
            continue
        data[spec.name] = {
            "cerfa": "13703", "autorisation_initiale": "PC 045 901 24 00012",
            "procedure_initiale": "permis_de_construire", "adresse_terrain": "12 rue Victor-Hugo",
            "parcelles": "AB 123, ab124", "nature_travaux": "Construction d'un abri de jardin",
            "date_achevement": "2026-01-10", "date_ouverture": "2026-01-20",
        }[spec.name]
    data.update(extra)
    return data


def file(app, town, kind_code, data=None, *, now=None, email=None):
    """create_request as the instructor; returns (request id or None, errors)."""
    with in_commune(app, town.id):
        actor = db.session.scalar(select(User).where(User.email == (email or f"instructeur@{town.suffix}")))
        citizen = db.session.get(Citizen, town.citizen)
        data = data if data is not None else good_data(kind_code)
        created, errors = create_request(request_type=town.types[kind_code], citizen=citizen, channel="guichet",
                                         formdata=data, actor=actor, now=now or at(date.fromisoformat(
                                             str(data.get("date_depot") or "2026-01-31")), 9))
        return (created.id if created else None), errors


def dossier_of(app, town, request_id) -> SimpleNamespace:
    """The file's columns, its parcels and consultations, read in the commune (plain values)."""
    with in_commune(app, town.id):
        dossier = db.session.scalar(select(Dossier).where(Dossier.request_id == request_id))
        if dossier is None:
            return None
        values = {column.name: getattr(dossier, column.key) for column in Dossier.__table__.columns}
        values["parcels"] = [str(p) for p in dossier.parcels]
        values["consultations"] = [(c.body, c.sent_on, c.answered_on, c.opinion) for c in dossier.consultations]
        request = db.session.get(Request, request_id)
        values["state"] = request.state
        values["data"] = dict(request.data or {})
        return SimpleNamespace(**values)


def counts(app, commune_id) -> dict:
    with in_commune(app, commune_id):
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Request, RequestEvent, Dossier, Parcel, Consultation)}


def signed_in(app, email, lang="fr"):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    login(client, email)
    return client


def intake_post(client, town, kind_code, data: dict):
    form = {"csrf_token": csrf_token(client, "/admin/intake/"), "channel": "guichet",
            "type": town.types[kind_code], "citizen": town.citizen}
    items = list(form.items())
    for name, value in data.items():
        for item in (value if isinstance(value, list) else [value]):
            items.append((f"f_{name}", item))
    from werkzeug.datastructures import MultiDict

    return client.post("/admin/intake/", data=MultiDict(items))


def decide(app, town, request_id, notified_on: date, *, approve=True):
    """Instruct, propose, sign and notify a decision on the request, notified on ``notified_on`` (the steps
    before it the days before)."""
    with in_commune(app, town.id):
        workflow = db.session.get(Request, request_id).workflow.code
    first = "declarer_complet" if workflow == "urbanisme.autorisation" else "instruire"
    instructor, signer = f"instructeur@{town.suffix}", f"dst@{town.suffix}"
    steps = ((first, 10, instructor), ("proposer_accord" if approve else "proposer_refus", 3, instructor),
             ("signer", 1, signer), ("notifier" if approve else "notifier_refus", 0, instructor))
    for code, days_before, email in steps:
        apply_as(app, town.id, email, request_id, code, now=at(notified_on - timedelta(days=days_before)))


def history_of(app, town, request_id) -> list[SimpleNamespace]:
    """The request's « field changed » events — what follow-ups did to it (plain values, oldest first)."""
    with in_commune(app, town.id):
        events = db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == request_id,
                                                               RequestEvent.kind == "field_changed")
                                    .order_by(RequestEvent.id)).all()
        return [SimpleNamespace(actor_id=e.actor_id, details=dict(e.details), at=e.at) for e in events]
