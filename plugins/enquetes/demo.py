"""Demo data: closing surveys on the demo commune's own types with answers
spread over two years, and a barometer survey sent and answered — so that
the results pages and the dashboards' perceived-quality figures show
something. Deterministic (a seeded generator), idempotent; the answers are
written in bulk (a few hundred rows), the older requests through the core's
filing and workflow so that the dashboards count them."""
from __future__ import annotations

import random
from datetime import timedelta, timezone

from sqlalchemy import select

from grc_core.plugin_api import (
    Citizen, Consent, Membership, Request, RequestType, Segment, SegmentContext, TransitionError, apply_transition,
    create_request, db, local_date, utcnow,
)

from . import barometers
from .models import Barometer, BarometerInvitation, SurveyInvitation, SurveySetting
from .surveys import PURPOSE, channel_of

CLOSED_STATES = ["traitee", "rejetee"]
# The commune's types ask by e-mail, SMS and the portal in turn, so that the results per channel show all
# three — and the fallbacks to e-mail of people without a mobile, an SMS consent or an account.
CHANNELS = ("email", "sms", "portal")
HISTORY_REQUESTS = 120
# Most citizens are satisfied, some very unhappy: the usual shape of such surveys.
SCORE_WEIGHTS = {5: 38, 4: 32, 3: 14, 2: 9, 1: 7}
VERBATIMS = {
    5: ["Intervention très rapide, merci aux agents !", "Parfait, le trou est rebouché et bien fait.",
        "Accueil au téléphone très aimable."],
    4: ["Bien, même si j'ai dû relancer une fois.", "Travail correct, un peu long à venir."],
    3: ["Le problème est réglé mais personne ne m'a prévenu.", "Délai trop long pour une petite réparation."],
    2: ["Il a fallu trois semaines, c'est beaucoup.", "Réparé à moitié : le trottoir reste dangereux."],
    1: ["Rien n'a été fait, la demande a été close sans passage.", "Aucune nouvelle depuis ma demande."],
}
BAROMETER_QUESTIONS = [
    {"name": "proprete", "label": "Comment jugez-vous la propreté de votre quartier ? (1 à 5)", "type": "integer",
     "required": True, "choices": [], "min": 1, "max": 5, "help": "1 : très sale — 5 : très propre",
     "condition": None},
    {"name": "frequence", "label": "Le ramassage des encombrants est-il assez fréquent ?", "type": "choice",
     "required": False, "choices": [["oui", "Oui"], ["non", "Non"], ["sans_avis", "Sans avis"]], "min": None,
     "max": None, "help": "", "condition": None},
    {"name": "idee", "label": "Une idée pour améliorer la propreté ?", "type": "textarea", "required": False,
     "choices": [], "min": None, "max": None, "help": "", "condition": None},
]
IDEAS = ["Plus de poubelles près de l'école.", "Des passages plus fréquents le lundi après le marché.",
         "Des sacs pour les déjections canines au parc.", "Sanctionner les dépôts sauvages rue des Tilleuls."]


def load(commune) -> None:
    if db.session.scalar(select(SurveySetting.id).limit(1)) is not None:
        return
    rng = random.Random(f"enquetes-{commune.insee_code}")
    types = list(db.session.scalars(select(RequestType).where(RequestType.code.like("commune.%"))
                                    .order_by(RequestType.code)))
    if not types:
        return
    for number, request_type in enumerate(types):
        db.session.add(SurveySetting(request_type_id=request_type.id, trigger_states=CLOSED_STATES, delay_hours=24,
                                     valid_days=30, bad_action="alert", channel=CHANNELS[number % len(CHANNELS)]))
    citizens = list(db.session.scalars(select(Citizen).order_by(Citizen.id)))
    # Two citizens in three accepted the town hall's surveys by e-mail, one withdrew it; one in three by SMS too.
    for index, citizen in enumerate(citizens):
        if index % 3 != 2:
            db.session.add(Consent(citizen_id=citizen.id, channel="email", purpose=PURPOSE,
                                   revoked_at=utcnow() if index == 4 else None))
        if index % 3 == 0:
            db.session.add(Consent(citizen_id=citizen.id, channel="sms", purpose=PURPOSE))
    db.session.commit()
    _history(commune, rng, types, citizens)
    _surveys(rng, citizens)
    db.session.commit()
    _barometer(commune, rng)
    db.session.commit()


def _history(commune, rng, types, citizens) -> None:
    """Requests received and closed over the last two years (the demo's own are of the last weeks)."""
    worker = db.session.scalar(select(Membership).where(Membership.role == "admin").order_by(Membership.id))
    now = utcnow()
    for number in range(HISTORY_REQUESTS):
        request_type = types[number % len(types)]
        received = now - timedelta(days=45 + (number * 685) // HISTORY_REQUESTS, hours=rng.randint(0, 8))
        data = {}
        for spec in request_type.fields:
            if spec["type"] == "choice":
                data[spec["name"]] = spec["choices"][number % len(spec["choices"])][0]
            elif spec["type"] == "address" or spec.get("required"):
                data[spec["name"]] = f"{rng.randint(1, 80)} rue de la République"
        request, errors = create_request(request_type=request_type, citizen=citizens[number % len(citizens)],
                                         channel=("guichet", "telephone", "email")[number % 3], formdata=data,
                                         actor=worker.user, subject=request_type.label, now=received)
        if errors:
            raise RuntimeError(f"demo request refused: {errors}")
        moment = received
        for code in ("prendre_en_charge", "rejeter" if number % 11 == 0 else "traiter"):
            moment += timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 6))
            try:
                apply_transition(request, code, actor=worker.user, membership=worker, now=moment)
            except TransitionError:
                break


def _surveys(rng, citizens) -> None:
    """Each closed request's survey: sent the day after closure on the channel the sending would choose
    (``channel_of``: the type's channel, else e-mail, or skipped without consent), answered by about six in
    ten, the score drawn from a plausible distribution, a few comments in French."""
    wanted = {s.request_type_id: s.channel for s in db.session.scalars(select(SurveySetting))}
    people = {c.id: c for c in citizens}
    existing = {i.request_id: i for i in db.session.scalars(select(SurveyInvitation))}
    scores, weights = list(SCORE_WEIGHTS), list(SCORE_WEIGHTS.values())
    now = utcnow()
    for request in db.session.scalars(select(Request).where(Request.closed_at.is_not(None)).order_by(Request.id)):
        invitation = existing.get(request.id) or SurveyInvitation(
            request_id=request.id, citizen_id=request.citizen_id, request_type_id=request.request_type_id,
            service_id=request.service_id, closed_at=request.closed_at, due_at=request.closed_at + timedelta(days=1))
        invitation.site_url = "http://localhost:5000/"
        # Read back from SQLite without its zone: UTC, as GRC stores every moment.
        due = invitation.due_at if invitation.due_at.tzinfo else invitation.due_at.replace(tzinfo=timezone.utc)
        channel, fallback, reason = channel_of(people.get(request.citizen_id),
                                               wanted.get(request.request_type_id, "email"))
        if reason:
            invitation.status, invitation.reason = "skipped", reason
        elif due > now:
            invitation.status = "pending"
        else:
            invitation.channel, invitation.fallback = channel, fallback
            invitation.status, invitation.sent_at = "sent", invitation.due_at
            invitation.expires_at = invitation.sent_at + timedelta(days=30)
            if rng.random() < 0.6:
                score = rng.choices(scores, weights)[0]
                invitation.status, invitation.score = "answered", score
                invitation.answered_at = invitation.sent_at + timedelta(hours=rng.randint(1, 72))
                roll = rng.random()
                invitation.resolved = (("yes" if roll < 0.85 else "partly") if score >= 4 else
                                       ("yes" if roll < 0.5 else "partly") if score == 3 else
                                       ("no" if roll < 0.6 else "partly"))
                if rng.random() < 0.3:
                    invitation.comment = rng.choice(VERBATIMS[score])
                invitation.completed_at = invitation.answered_at
                invitation.bad_action_done = "alert" if score <= 2 or invitation.resolved == "no" else ""
        db.session.add(invitation)


def _barometer(commune, rng) -> None:
    author = db.session.scalar(select(Membership).where(Membership.role == "admin").order_by(Membership.id))
    segment = Segment(name="Habitants dont l'âge est connu", created_by_id=author.user_id,
                      definition={"match": "all", "items": [{"criterion": "core.age", "params": {"min_age": 0}}]})
    db.session.add(segment)
    db.session.flush()
    now = utcnow()
    today = local_date(now)
    barometer = Barometer(title="Baromètre de la propreté", anonymous=True, retention_months=12,
                          purpose="La mairie veut savoir comment les habitants jugent la propreté de leur quartier, "
                                  "pour organiser les tournées de nettoyage de l'an prochain.",
                          fields=BAROMETER_QUESTIONS, segment_id=segment.id, opens_on=today - timedelta(days=20),
                          closes_on=today + timedelta(days=10), author_id=author.user_id)
    db.session.add(barometer)
    db.session.flush()
    sent_at = now - timedelta(days=20)
    barometers.send(barometer, commune, SegmentContext(commune.id, today), "http://localhost:5000/", sent_at)
    for invitation in sorted(barometer_invitations(barometer), key=lambda i: i.id):
        if rng.random() < 0.7:
            data = {"proprete": rng.choices([1, 2, 3, 4, 5], [8, 15, 30, 32, 15])[0],
                    "frequence": rng.choice(["oui", "non", "sans_avis"]),
                    "idee": rng.choice(IDEAS) if rng.random() < 0.3 else None}
            channel = rng.choices(["web", "paper", "phone"], [8, 1, 1])[0]
            barometers.record_answer(invitation, data, channel, sent_at + timedelta(days=rng.randint(0, 15)),
                                     entered_by_id=None if channel == "web" else author.user_id)


def barometer_invitations(barometer):
    return db.session.scalars(select(BarometerInvitation).where(BarometerInvitation.barometer_id == barometer.id,
                                                                BarometerInvitation.status == "sent")).all()
