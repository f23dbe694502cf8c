"""Demo data: a salle des fêtes, a meeting room and a gymnasium with the
commune's tariffs, a stock of tables, chairs and barriers, and two seasons
of real requests — club slots in the gymnasium, bookings, loans and drinks
stands — filed and moved through their workflows by the core's services,
in every state (a requested booking, options, confirmed, handed over,
deposit returned or kept in part).

Idempotent: a commune that already has facilities is left alone.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select

from grc_core.plugin_api import Citizen, Membership, RequestType, db, local_date, utcnow

from . import rules
from .models import Closure, EquipmentItem, Facility, TariffRate, UserCategory

U = rules.DurationUnit
C = rules.UserCategory
# code, name, kind, capacity, days, opens, closes, deposit, included equipment
FACILITIES = (
    ("SDF", "Salle des fêtes", "salle_fetes", 250, "0123456", "08:00", "24:00", "800",
     "Cuisine équipée, 30 tables, 250 chaises, sonorisation"),
    ("GYM", "Gymnase des Tilleuls", "gymnase", 400, "0123456", "08:00", "23:00", "300", "Tribune de 150 places"),
    ("REUNION", "Salle de réunion de la mairie", "salle", 40, "012345", "08:00", "22:00", "100",
     "Vidéoprojecteur"),
)
RATES = {
    "SDF": {C.RESIDENT: {U.HALF_DAY: "120", U.DAY: "250", U.WEEKEND: "450"},
            C.NON_RESIDENT: {U.DAY: "450", U.WEEKEND: "800"},
            C.ASSOCIATION_AUTRE: {U.DAY: "200", U.WEEKEND: "350"}},
    "REUNION": {C.RESIDENT: {U.HOUR: "15", U.HALF_DAY: "45"}, C.NON_RESIDENT: {U.HOUR: "25", U.HALF_DAY: "80"},
                C.ASSOCIATION_AUTRE: {U.HOUR: "10", U.HALF_DAY: "30"}},
    "GYM": {C.ASSOCIATION_AUTRE: {U.HOUR: "20"}, C.NON_RESIDENT: {U.HOUR: "40"}},
}
CATEGORIES = (
    (C.RESIDENT, "Particulier de la commune", False, ""),
    (C.NON_RESIDENT, "Particulier extérieur", False, ""),
    (C.ASSOCIATION_COMMUNE, "Association de la commune", True, "Délibération du conseil municipal du 12/03/2024"),
    (C.ASSOCIATION_AUTRE, "Autre association", False, ""),
    (C.SERVICE_COMMUNE, "Service de la commune", True, "Usage par les services municipaux"),
)
ITEMS = (("TABLES", "Tables", 60), ("CHAISES", "Chaises", 300), ("BARRIERES", "Barrières", 40),
         ("PODIUM", "Podium", 1))
CLUBS = (("Union sportive des Tilleuls (basket)", "1", "18:00", "20:00", "Entraînement basket"),
         ("Badminton club", "3", "19:00", "22:00", "Badminton loisir"))
PURPOSES = ("Mariage", "Anniversaire", "Repas des anciens", "Loto de l'école", "Assemblée générale",
            "Baptême", "Soirée dansante", "Vide-greniers")


def load_demo(commune, seed: int = 2026) -> None:
    if db.session.scalar(select(Facility.id).limit(1)) is not None:
        return
    _reference_data()
    db.session.flush()
    _requests(random.Random(seed))


def _reference_data():
    today = local_date(utcnow())
    facilities = {}
    for code, name, kind, capacity, days, opens, closes, deposit, included in FACILITIES:
        facilities[code] = Facility(code=code, name=name, kind=kind, capacity=capacity, open_days=days, opens=opens,
                                    closes=closes, deposit=Decimal(deposit), included_equipment=included,
                                    rules_document="Règlement d'utilisation des salles municipales (arrêté du maire)")
        db.session.add(facilities[code])
    db.session.flush()
    for code, rates in RATES.items():
        for category, prices in rates.items():
            for unit, price in prices.items():
                db.session.add(TariffRate(facility_id=facilities[code].id, category=category.value, unit=unit.value,
                                          price=Decimal(price)))
    for category, label, free, decision in CATEGORIES:
        db.session.add(UserCategory(code=category.value, label=label, free_use=free, free_use_decision=decision))
    for code, name, stock in ITEMS:
        db.session.add(EquipmentItem(code=code, name=name, stock=stock))
    db.session.add(Closure(facility_id=facilities["SDF"].id, first_day=date(today.year + 1, 8, 1),
                           last_day=date(today.year + 1, 8, 15), reason="Travaux de peinture"))
    db.session.add(Closure(facility_id=facilities["GYM"].id, first_day=date(today.year, 12, 24),
                           last_day=date(today.year + 1, 1, 1), reason="Fermeture des fêtes"))


def _requests(rng):
    from grc_core.plugin_api import TransitionError, apply_transition, create_request

    types = {t.code: t for t in db.session.scalars(select(RequestType).where(RequestType.plugin == "equipements"))}
    members = {m.user.email.split("@")[0]: m for m in db.session.scalars(select(Membership))}
    agent, chef = members.get("equipements"), members.get("chef-equipements")
    citizens = list(db.session.scalars(select(Citizen).order_by(Citizen.id).limit(40)))
    if len(types) < 4 or agent is None or chef is None or not citizens:
        return
    now = utcnow()
    today = local_date(now)

    def file(code, data, filed_on, citizen=None):
        moment = datetime.combine(filed_on, datetime.min.time()).replace(hour=10, tzinfo=timezone.utc)
        request, errors = create_request(request_type=types[code], citizen=citizen or rng.choice(citizens),
                                         actor=agent.user, channel=rng.choice(("guichet", "email", "telephone")),
                                         formdata=data, subject=types[code].label, now=min(moment, now))
        return None if errors else request

    def walk(request, steps, start_on):
        moment = datetime.combine(start_on, datetime.min.time()).replace(hour=11, tzinfo=timezone.utc)
        for code, fields in steps:
            moment = moment + timedelta(days=1)
            if moment > now:
                return
            member = chef if code in ("confirmer", "accorder", "autoriser") else agent
            try:
                apply_transition(request, code, actor=member.user, membership=member, fields=fields,
                                 comment="Dossier incomplet" if code in ("refuser", "annuler") else "", now=moment)
            except TransitionError:
                return

    # Two seasons of club slots in the gymnasium (the past one and the one in progress).
    for start_year in (today.year - 1 if today.month >= 9 else today.year - 2,
                       today.year if today.month >= 9 else today.year - 1):
        for association, day, starts, ends, activity in CLUBS:
            filed = date(start_year, 6, 1)
            request = file("equipements.creneaux", {
                "equipement": "GYM", "association": association, "jour": day, "heure_debut": starts,
                "heure_fin": ends, "premier_jour": date(start_year, 9, 1).isoformat(),
                "dernier_jour": date(start_year + 1, 6, 30).isoformat(), "participants": 30,
                "activite": activity}, filed)
            if request is not None:
                walk(request, [("accorder", {})], filed)

    # Bookings over two seasons, in every state.
    full = [("poser_option", {}), ("confirmer", {"assurance_reference": "MAIF n° 1234567"}),
            ("remettre", {"etat_des_lieux_entree": "Salle propre, 250 chaises, cuisine en ordre."}),
            ("restituer", {"etat_des_lieux_sortie": "RAS."})]
    for n in range(16):
        start_day = today - timedelta(days=400) + timedelta(days=n * 30 + rng.randint(0, 6))
        start_day += timedelta(days=(5 - start_day.weekday()) % 7)  # a Saturday
        if date(today.year + 1, 8, 1) <= start_day <= date(today.year + 1, 8, 15):
            continue
        category = rng.choice((C.RESIDENT, C.RESIDENT, C.NON_RESIDENT, C.ASSOCIATION_COMMUNE))
        filed = start_day - timedelta(days=rng.randint(30, 60))
        request = file("equipements.reservation", {
            "equipement": "SDF", "categorie": category.value, "date_debut": start_day.isoformat(),
            "heure_debut": "10:00", "date_fin": start_day.isoformat(), "heure_fin": "24:00",
            "objet": PURPOSES[n % len(PURPOSES)], "participants": rng.randint(40, 220),
            "organisateur": "Comité des fêtes" if category == C.ASSOCIATION_COMMUNE else ""}, filed)
        if request is None:
            continue
        if start_day < today:
            kept = n % 4 == 0
            steps = full + [("solder", {"montant_retenu": "150" if kept else "",
                                        "motif_retenue": "Ménage de la cuisine non fait" if kept else ""})]
            walk(request, steps[:len(steps) - (1 if n % 7 == 6 else 0)], filed)
        else:
            walk(request, [[], full[:1], full[:2]][n % 3], filed)

    # Meeting room, hourly, for associations from outside the commune.
    for n in range(6):
        day = today + timedelta(days=20 + 7 * n)
        day += timedelta(days=(1 - day.weekday()) % 7)
        request = file("equipements.reservation", {
            "equipement": "REUNION", "categorie": C.ASSOCIATION_AUTRE.value, "date_debut": day.isoformat(),
            "heure_debut": "18:00", "date_fin": day.isoformat(), "heure_fin": "20:00",
            "objet": "Réunion de bureau", "participants": 12, "organisateur": "Amicale des donneurs de sang"},
            today - timedelta(days=2))
        if request is not None and n % 3 < 2:
            walk(request, full[:1 + n % 3], today - timedelta(days=3))

    # Loans of tables, chairs and barriers, in every state.
    for n in range(8):
        start_day = today - timedelta(days=120) + timedelta(days=n * 20)
        filed = start_day - timedelta(days=25)
        request = file("equipements.pret", {
            "date_debut": start_day.isoformat(), "heure_debut": "09:00",
            "date_fin": (start_day + timedelta(days=2)).isoformat(), "heure_fin": "12:00",
            "materiel": f"{rng.randint(5, 20)} tables\n{rng.randint(20, 80)} chaises\n{rng.randint(0, 10) + 2} "
                        "barrières",
            "mode": "livraison" if n % 2 else "retrait", "lieu": "Place de l'église" if n % 2 else "",
            "objet": "Fête de quartier"}, filed)
        if request is None:
            continue
        steps = [("accorder", {}), ("sortir", {}), ("rendre", {"retour_complet": n % 3 != 0,
                                                                "remarques_retour": "" if n % 3 else
                                                                "Deux chaises cassées"})]
        walk(request, steps if start_day < today else steps[: n % 2], filed)

    # Drinks stands of the associations.
    for n, (association, sports) in enumerate((("Comité des fêtes", False), ("Union sportive des Tilleuls "
                                                                             "(basket)", True))):
        for k in range(3):
            day = today + timedelta(days=40 + 30 * k + n)
            request = file("equipements.buvette", {
                "association": association, "organisateur_type": "association_sportive" if sports else "association",
                "agrement_sportif": sports, "equipement_sportif": sports,
                "manifestation": "Tournoi" if sports else "Fête du village",
                "lieu": "Gymnase des Tilleuls" if sports else "Place de l'église",
                "date_debut": day.isoformat(), "heure_debut": "14:00", "date_fin": day.isoformat(),
                "heure_fin": "23:00", "groupes": ["1", "3"]}, today - timedelta(days=5))
            if request is not None and k == 0:
                walk(request, [("autoriser", {})], today - timedelta(days=5))
