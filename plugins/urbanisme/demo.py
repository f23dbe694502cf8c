"""Demo data: a year of planning files of a commune of 20,000 inhabitants, some near their deadline.

Filed and moved through the core (create_request, apply_transition), so the
history, the file numbers and the links are real. Idempotent: nothing
happens when the commune has files. About 40 files a year (a town of that
size files ~150-250; fewer keep ``grc demo`` quick), DP first, then PCMI;
then follow-ups of permits granted among them: a prorogation granted (the
permit's validity is extended), a transfert granted, a DOC, a DAACT and a
permis modificatif under instruction.
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from grc_core.plugin_api import (
    DEMO_FIRST_NAMES, DEMO_LAST_NAMES, DEMO_STREETS, LOCAL_TIMEZONE, Citizen, Membership, RequestEvent, RequestType,
    db, local_date, utcnow,
)

from .dossier import of_request, recompute, today
from .models import Dossier
from .workflows import FAVOURABLE_DECISIONS

FILES = 40
# (request type, weight); the follow-ups are filed after, on the permits granted among these.
MIX = (("urbanisme.dp", 45), ("urbanisme.pcmi", 18), ("urbanisme.pc", 6), ("urbanisme.pa", 2),
       ("urbanisme.pd", 2), ("urbanisme.cua", 12), ("urbanisme.cub", 4))
PERMITS = ("permis_de_construire_mi", "permis_de_construire", "permis_amenager", "permis_demolir")
AUTHORISATIONS = (*PERMITS, "declaration_prealable")
WORKS = {
    "urbanisme.dp": ("Pose de panneaux photovoltaïques en toiture", "Remplacement des menuiseries extérieures",
                     "Construction d'un abri de jardin de 12 m²", "Édification d'une clôture en limite de voie",
                     "Ravalement de façade", "Piscine non couverte de 32 m²"),
    "urbanisme.pcmi": ("Construction d'une maison individuelle de plain-pied", "Extension de 45 m² d'une maison",
                       "Surélévation d'une maison existante"),
    "urbanisme.pc": ("Construction d'un immeuble de 12 logements", "Extension d'un bâtiment d'activité",
                     "Construction d'une cellule commerciale"),
    "urbanisme.pa": ("Lotissement de 8 lots à bâtir",),
    "urbanisme.pd": ("Démolition d'un hangar agricole", "Démolition d'une maison vétuste"),
    "urbanisme.cub": ("Division d'un terrain pour construire une maison",),
    "urbanisme.modificatif": ("Modification de l'aspect des façades", "Déplacement d'une fenêtre"),
}
ZONES = ("UA", "UB", "UB", "UC", "1AU", "A", "N")


def _data(kind, rng, deposit, street, applicant=None, **given):
    """The form of a file; ``applicant``: the name of the citizen who files it, the applicant unless a company
    (then the citizen is its representative)."""
    from .request_types import BY_CODE, fields_for

    data = {"date_depot": deposit.isoformat(), "demandeur_type": "personne", **given}
    company = kind in ("urbanisme.pc", "urbanisme.pa") and rng.random() < 0.6
    if company:
        data |= {"demandeur_type": "societe", "siret": f"{rng.randint(10**13, 10**14 - 1)}",
                 "demandeur_nom": rng.choice(("SCI Les Tilleuls", "Loiret Habitat", "SARL Bâtir Centre"))}
    for spec in fields_for(BY_CODE[kind]):
        name = spec.name
        if name in data:
            continue
        if name == "demandeur_nom":
            data[name] = applicant or f"{rng.choice(DEMO_FIRST_NAMES)} {rng.choice(DEMO_LAST_NAMES)}"
        elif name == "cerfa":
            data[name] = rng.choice(spec.choices)[0]
        elif name == "adresse_terrain":
            data[name] = f"{rng.randint(1, 90)} {street}"
        elif name == "parcelles":
            section = rng.choice(("AB", "AC", "BD", "ZA"))
            data[name] = ", ".join(f"{section} {rng.randint(10, 600)}" for _ in range(rng.choice((1, 1, 2, 3))))
        elif name == "superficie_terrain":
            data[name] = str(rng.randint(300, 2500))
        elif name == "nature_travaux":
            data[name] = rng.choice(WORKS.get(kind, ("Travaux sur construction existante",)))
        elif name == "surface_plancher":
            data[name] = str(rng.choice((0, 0, 12, 25, 45, 110, 140)))
        elif name == "hauteur":
            data[name] = str(rng.choice((3, 4.5, 6, 7.5, 9)))
        elif name == "zone_plu":
            data[name] = rng.choice(ZONES)
        elif name == "protections":
            data[name] = ["abords_monument_historique"] if rng.random() < 0.2 else []
        elif name == "consultations":
            data[name] = ["autre_legislation"] if rng.random() < 0.05 else []
        elif name == "pieces":
            data[name] = "Plan de situation, plan de masse, notice descriptive, photographies."
    return data


def age_days(deposit, now_day) -> int:
    return (now_day - deposit).days


def _at(day, hour=10):
    return datetime.combine(day, time(hour, 0), tzinfo=LOCAL_TIMEZONE)


def load_demo_files(commune, rng_seed: int = 2026) -> int:
    """File and move the commune's demo planning files; return how many were filed."""
    from grc_core.plugin_api import create_request
    from grc_core.plugin_api import TransitionError, apply_transition

    if db.session.scalar(select(Dossier.id).limit(1)) is not None:
        return 0
    citizens = list(db.session.scalars(select(Citizen).order_by(Citizen.id).limit(60)))
    types = {t.code: t for t in db.session.scalars(select(RequestType).where(RequestType.plugin == "urbanisme"))}
    members = {m.user.email.split("@")[0]: m for m in db.session.scalars(select(Membership))}
    instructor = members.get("urbanisme") or next(iter(members.values()), None)
    signer = members.get("dst") or instructor
    if not citizens or not types or instructor is None:
        return 0
    rng = random.Random(f"{rng_seed}-{commune.insee_code}-urbanisme")
    now_day = today()
    codes = [code for code, weight in MIX for _ in range(weight)]
    filed = 0
    for number in range(FILES):
        kind = rng.choice(codes)
        # Spread over a year, more recent files denser so that some deadlines are near.
        age = int(365 * rng.random() ** 1.4)
        deposit = now_day - timedelta(days=age)
        street, _quartier = rng.choice(DEMO_STREETS)
        citizen = rng.choice(citizens)
        request, errors = create_request(
            request_type=types[kind], citizen=citizen, channel=rng.choice(("guichet", "guichet", "courrier", "web")),
            formdata=_data(kind, rng, deposit, street, applicant=citizen.full_name), actor=instructor.user,
            subject=types[kind].label,
            now=_filed_at(deposit))
        if errors:
            raise RuntimeError(f"demo planning file refused: {errors}")
        filed += 1
        _advance(request, rng, now_day, instructor, signer, apply_transition, TransitionError)
    return filed + _follow_ups(rng, now_day, citizens, types, instructor, signer, create_request, apply_transition,
                               TransitionError)


def _filed_at(day):
    """A file deposited that day, at 9 — or now, when today's 9 o'clock is still to come."""
    return min(_at(day, 9), utcnow())


def _stepper(request, now_day, instructor, apply_transition, TransitionError):
    """``step(transition, day, member, comment)``: apply it on that day, never into the future; True when done.

    A step is never dated before the previous one (a decision planned from the legal deadline may fall before
    the completeness recorded late): the history stays in time order."""
    previous = [None]

    def step(transition, day, member=instructor, comment=""):
        day = max(day, previous[0] or day)
        if day >= now_day:
            return False
        try:
            apply_transition(request, transition, actor=member.user, membership=member, comment=comment,
                             now=_at(day))
        except TransitionError:
            return False
        previous[0] = day
        return True
    return step


def _advance(request, rng, now_day, instructor, signer, apply_transition, TransitionError):
    """Move a file along its workflow as the service would have, never into the future."""
    dossier = of_request(request)
    deposit = dossier.deposit_date
    step = _stepper(request, now_day, instructor, apply_transition, TransitionError)

    if request.workflow.code != "urbanisme.autorisation":  # a certificate
        if step("instruire", deposit + timedelta(days=3)) and dossier.legal_deadline:
            decide = dossier.legal_deadline - timedelta(days=rng.randint(5, 12))
            if step("proposer_accord", decide) and step("signer", decide + timedelta(days=2), signer):
                step("notifier", decide + timedelta(days=3))
        return
    if age_days(deposit, now_day) < 20 and not step("verifier", deposit + timedelta(days=rng.randint(1, 6))):
        return
    if rng.random() < 0.25:
        # A request for pieces within the month, answered some weeks later (recorded on the file page).
        asked = deposit + timedelta(days=rng.randint(12, 25))
        if asked >= now_day:
            return
        answered = asked + timedelta(days=rng.randint(20, 60))
        if answered >= now_day:
            step("demander_pieces", asked, comment="Plan de coupe et notice paysagère manquants.")
            return
        dossier.pieces_request_date = asked
        dossier.pieces_request_count = 1
        dossier.completion_date = answered
        recompute(dossier, request)
        db.session.commit()
        if not step("declarer_complet", answered):
            return
    elif not step("declarer_complet", deposit + timedelta(days=rng.randint(8, 28))):
        return
    deadline = dossier.legal_deadline
    if deadline is None:
        return
    if dossier.consultations:
        sent = (dossier.completion_date or deposit) + timedelta(days=5)
        if not step("consulter", sent):
            return
        for consultation in dossier.consultations:
            consultation.sent_on = sent
            if sent + timedelta(days=30) < now_day:
                consultation.answered_on = sent + timedelta(days=30)
                consultation.opinion = "favorable"
        db.session.commit()
    # Most files are decided 1-3 weeks before the deadline; those whose deadline is near stay open.
    decide = deadline - timedelta(days=rng.randint(8, 21))
    proposal = "proposer_refus" if rng.random() < 0.08 else (
        "proposer_prescriptions" if rng.random() < 0.2 else "proposer_accord")
    if not (step(proposal, decide) and step("signer", decide + timedelta(days=2), signer)):
        return
    if proposal == "proposer_refus":
        step("notifier_refus", decide + timedelta(days=4))
        return
    if not (step("notifier", decide + timedelta(days=4))
            and step("afficher", decide + timedelta(days=rng.randint(5, 9)))):
        return
    started = decide + timedelta(days=rng.randint(30, 90))
    if step("ouvrir_chantier", started) and step("declarer_achevement", started + timedelta(days=rng.randint(60, 150))):
        step("constater_conformite", started + timedelta(days=rng.randint(160, 240)))


def _follow_ups(rng, now_day, citizens, types, instructor, signer, create_request, apply_transition,
                TransitionError) -> int:
    """Follow-ups of granted permits and DP, each typed as an applicant would (number with or without
    spaces, or the request's reference); return how many were filed. A follow-up that no authorisation
    fits the dates of (a young demo year) is left out."""
    granted = [d for d in db.session.scalars(select(Dossier).where(Dossier.procedure.in_(AUTHORISATIONS),
                                                                   Dossier.notified_on.is_not(None))
                                             .order_by(Dossier.notified_on, Dossier.id))
               if d.decision in FAVOURABLE_DECISIONS]
    used: set[int] = set()

    def authorisation(fits):
        found = next((d for d in granted if d.id not in used and fits(d)), None)
        if found is not None:
            used.add(found.id)
        return found

    def notified_before(days, procedures=AUTHORISATIONS):
        return lambda d: d.procedure in procedures and d.notified_on + timedelta(days=days) < now_day

    def last_day(d):
        return local_date(db.session.scalar(select(func.max(RequestEvent.at)).where(
            RequestEvent.request_id == d.request_id)))

    def quiet_from(day):
        """The authorisation's own history ends before ``day``: what a follow-up records there comes last."""
        return lambda d: last_day(d) < day

    def after_history(d, day):
        """``day``, or the day after the authorisation's last event if later: what the follow-up records on
        the authorisation comes last in its history."""
        return max(day, last_day(d) + timedelta(days=1))

    def file(kind, original, deposit, typed, citizen=None, **given):
        data = _data(kind, rng, deposit, "", autorisation_initiale=typed, **given)
        if "adresse_terrain" in data:  # the authorisation's land
            data["adresse_terrain"] = original.land_address
        if "demandeur_nom" in data and "demandeur_nom" not in given:  # asked by the authorisation's holder
            data["demandeur_nom"] = original.holder_name or original.applicant_name
            data["demandeur_type"] = original.applicant_kind
            if original.company_siret:
                data["siret"] = original.company_siret
        request, errors = create_request(
            request_type=types[kind], citizen=citizen or original.request.citizen, channel="guichet",
            formdata=data, actor=instructor.user, subject=types[kind].label, now=_filed_at(deposit))
        if errors:
            raise RuntimeError(f"demo planning follow-up refused: {errors}")
        return _stepper(request, now_day, instructor, apply_transition, TransitionError)

    def granted_on_request(step, deposit):
        for transition, days, member in (("instruire", 3, instructor), ("proposer_accord", 20, instructor),
                                         ("signer", 22, signer), ("notifier", 23, instructor)):
            step(transition, deposit + timedelta(days=days), member)

    filed = 0
    # A prorogation and a transfer asked a month after the permit, granted 23 days later.
    extended = authorisation(notified_before(60, PERMITS))
    if extended is not None:
        deposit = after_history(extended, extended.notified_on + timedelta(days=30))
        granted_on_request(file("urbanisme.prorogation", extended, deposit, extended.file_number), deposit)
        filed += 1
    sold = authorisation(notified_before(60, PERMITS))
    if sold is not None:
        deposit = after_history(sold, sold.notified_on + timedelta(days=30))
        buyer = next((c for c in citizens if c.id != sold.request.citizen_id), citizens[0])
        granted_on_request(file("urbanisme.transfert", sold, deposit, sold.file_number.replace(" ", ""),
                                citizen=buyer, demandeur_nom=buyer.full_name), deposit)
        filed += 1
    # A DOC, then the DAACT of the same works when the dates allow, else of other works under way.
    opened = authorisation(lambda d: d.works_started_on is None and notified_before(70)(d)
                           and quiet_from(d.notified_on + timedelta(days=14))(d)) or authorisation(
        lambda d: d.works_started_on is None and notified_before(15)(d)
        and quiet_from(d.notified_on + timedelta(days=14))(d))
    if opened is not None:
        deposit = opened.notified_on + timedelta(days=14)
        file("urbanisme.doc", opened, deposit, opened.request.reference,
             date_ouverture=(deposit - timedelta(days=3)).isoformat())("enregistrer", deposit + timedelta(days=1))
        used.discard(opened.id)
        filed += 1
    built = authorisation(lambda d: d.works_started_on is not None and d.daact_date is None
                          and d.works_started_on + timedelta(days=45) < now_day
                          and quiet_from(d.works_started_on + timedelta(days=40))(d))
    if built is not None:
        deposit = built.works_started_on + timedelta(days=40)
        file("urbanisme.daact", built, deposit, built.file_number,
             date_achevement=(deposit - timedelta(days=5)).isoformat())("recoler", deposit + timedelta(days=2))
        filed += 1
    # A permis modificatif filed a few days ago, under instruction.
    changed = authorisation(lambda d: notified_before(10, PERMITS)(d) and quiet_from(now_day - timedelta(days=5))(d))
    if changed is not None:
        file("urbanisme.modificatif", changed, now_day - timedelta(days=5), changed.file_number.lower())
        filed += 1
    return filed
