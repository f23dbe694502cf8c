"""Demo campaigns: a heat-wave reminder sent to the over-75s — a letter,
else an e-mail — with its results and its printable letters, and a
newsletter by e-mail awaiting approval. Idempotent."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from grc_core.plugin_api import Membership, Segment, User, db, utcnow

from . import letters, sending
from .models import Campaign

SENIORS = {"match": "all", "items": [{"criterion": "core.age", "params": {"min_age": 75, "max_age": None}}]}
EVERYONE_CONSENTING = {"match": "all", "items": [
    {"criterion": "core.consent", "params": {"channel": "email", "purpose": "information_municipale"}}]}


def _agent(role: str):
    return db.session.scalar(select(User).join(Membership, Membership.user_id == User.id)
                             .where(Membership.role == role).order_by(User.id))


def _segment(name: str, definition: dict, author) -> Segment:
    segment = db.session.scalar(select(Segment).where(Segment.name == name))
    if segment is None:
        segment = Segment(name=name, definition=definition, created_by_id=author.id if author else None)
        db.session.add(segment)
        db.session.flush()
    return segment


def load(commune) -> None:
    if db.session.scalar(select(Campaign.id).limit(1)) is not None:
        return
    author, approver = _agent("admin"), _agent("manager")
    if author is None or approver is None:
        return
    now = utcnow()
    heat = Campaign(
        name="Plan canicule : inscription au registre", purpose="Rappeler aux personnes âgées le registre "
        "des personnes vulnérables avant l'été.", legal_basis="public_task", channels="courrier,email",
        segment=_segment("Personnes de 75 ans et plus", SENIORS, author),
        subject="{commune} : le registre canicule est ouvert",
        body="Bonjour {prenom} {nom},\n\nLa mairie tient un registre des personnes vulnérables : en cas de "
             "canicule, les agents du CCAS appellent les personnes inscrites. L'inscription est gratuite, "
             "au 02 38 00 00 00 ou à l'accueil de la mairie.\n\nLe CCAS de {commune}",
        status="sending", author_id=author.id, approved_by_id=approver.id, approved_at=now - timedelta(days=20),
        started_at=now - timedelta(days=19), site_url="http://localhost:5000/")
    db.session.add(heat)
    db.session.flush()
    sending.prepare(heat, now - timedelta(days=19))
    sending.send_batch(heat, now - timedelta(days=19), limit=10_000)
    letters.generate(heat, now - timedelta(days=19))
    heat.status, heat.finished_at = "sent", now - timedelta(days=19)
    db.session.add(Campaign(
        name="Lettre d'information de décembre", purpose="Informer des animations de fin d'année.",
        legal_basis="consent", channels="email", segment=_segment("Abonnés à l'information municipale", EVERYONE_CONSENTING, author),
        subject="Les fêtes de fin d'année à {commune}",
        body="Bonjour {prenom},\n\nMarché de Noël le 12 décembre sur la place de la mairie, concert le 19 à "
             "l'église.\n\nBonnes fêtes !", status="submitted", author_id=author.id))
    db.session.commit()
