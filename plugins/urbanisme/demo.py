"""Demo data: a year of planning files of a commune of 20,000 inhabitants, some near their deadline.

Filed and moved through the core (create_request, apply_transition), so the
history is real. Idempotent: nothing happens when the commune has files.
About 40 files a year (a town of that size files ~150-250; fewer keep
``grc demo`` quick), DP first, then PCMI.
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from grc_core.demo_requests import FIRST_NAMES, LAST_NAMES, STREETS
from grc_core.extensions import db
from grc_core.models import Citizen, Membership, RequestType
from grc_core.workflows.deadlines import PARIS

from .dossier import of_request, recompute, today
from .models import Dossier

FILES = 40
# (request type, weight)
MIX = (("urbanisme.dp", 45), ("urbanisme.pcmi", 18), ("urbanisme.pc", 6), ("urbanisme.pa", 2),
       ("urbanisme.pd", 2), ("urbanisme.cua", 12), ("urbanisme.cub", 4), ("urbanisme.modificatif", 3),
       ("urbanisme.prorogation", 2), ("urbanisme.transfert", 1), ("urbanisme.doc", 3), ("urbanisme.daact", 2))
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


def _data(kind, rng, deposit, street):
    from .request_types import BY_CODE, fields_for

    data = {"date_depot": deposit.isoformat(), "demandeur_type": "personne"}
    company = kind in ("urbanisme.pc", "urbanisme.pa") and rng.random() < 0.6
    if company:
        data |= {"demandeur_type": "societe", "siret": f"{rng.randint(10**13, 10**14 - 1)}",
                 "demandeur_nom": rng.choice(("SCI Les Tilleuls", "Loiret Habitat", "SARL Bâtir Centre"))}
    for spec in fields_for(BY_CODE[kind]):
        name = spec.name
        if name in data:
            continue
        if name == "demandeur_nom":
            data[name] = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
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
        elif name == "autorisation_initiale":
            data[name] = f"PC 045 901 {deposit.year % 100 - 1:02d} {rng.randint(1, 90):05d}"
        elif name == "procedure_initiale":
            data[name] = "permis_de_construire_mi"
        elif name in ("date_achevement", "date_ouverture"):
            data[name] = (deposit - timedelta(days=rng.randint(0, 10))).isoformat()
        elif name == "pieces":
            data[name] = "Plan de situation, plan de masse, notice descriptive, photographies."
    return data


def age_days(deposit, now_day) -> int:
    return (now_day - deposit).days


def _at(day, hour=10):
    return datetime.combine(day, time(hour, 0), tzinfo=PARIS)


def load_demo_files(commune, rng_seed: int = 2026) -> int:
    """File and move the commune's demo planning files; return how many were filed."""
    from grc_core.requests.service import create_request
    from grc_core.workflows.engine import TransitionError, apply_transition

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
        street, _quartier = rng.choice(STREETS)
        citizen = rng.choice(citizens)
        request, errors = create_request(
            request_type=types[kind], citizen=citizen, channel=rng.choice(("guichet", "guichet", "courrier", "web")),
            formdata=_data(kind, rng, deposit, street), actor=instructor.user, subject=types[kind].label,
            now=_at(deposit, 9))
        if errors:
            raise RuntimeError(f"demo planning file refused: {errors}")
        filed += 1
        _advance(request, rng, now_day, instructor, signer, apply_transition, TransitionError)
    return filed


def _advance(request, rng, now_day, instructor, signer, apply_transition, TransitionError):
    """Move a file along its workflow as the service would have, never into the future."""
    dossier = of_request(request)
    deposit = dossier.deposit_date
    code = request.request_type.code

    def step(transition, day, member=instructor, comment=""):
        if day >= now_day:
            return False
        try:
            apply_transition(request, transition, actor=member.user, membership=member, comment=comment,
                             now=_at(day))
        except TransitionError:
            return False
        return True

    if code == "urbanisme.doc":
        step("enregistrer", deposit + timedelta(days=2))
        return
    if code == "urbanisme.daact":
        if step("recoler", deposit + timedelta(days=10)):
            step("constater_conformite", deposit + timedelta(days=40))
        return
    if request.workflow.code != "urbanisme.autorisation":
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
