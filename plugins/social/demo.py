"""Demo data: a year of the CCAS of a 20,000-inhabitant commune, scaled to
what a newcomer browses, loaded in a few seconds (76 files, each filed and moved
through the real workflow: every step is a commit): registrations in
the vulnerable persons register before summer, optional aid through the
commission every month, domiciliations with their contacts, legal aid files
transmitted to the département, social housing requests registered and
renewed.

Filed through the core's create_request and apply_transition (so forms,
guards, history and legal dates are real ones), dated over the last twelve
months. Idempotent: a commune that already has CCAS requests is left alone.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select

from grc_core.plugin_api import (
    DEMO_FIRST_NAMES, DEMO_LAST_NAMES, DEMO_STREETS, Citizen, Membership, Request, RequestType, TransitionError,
    add_years, apply_transition, create_request, db, local_date, utcnow,
)

from . import request_types as rt

SITUATIONS = (
    "Facture d'électricité impayée après une perte d'emploi.",
    "Famille monoparentale, fin de mois difficile, trois enfants.",
    "Retraité, hausse du loyer, demande un colis alimentaire.",
    "Séparation récente, frais de déménagement.",
    "Panne de voiture indispensable pour se rendre au travail.",
)


def already_loaded() -> bool:
    return db.session.scalar(
        select(Request.id).join(RequestType, Request.request_type_id == RequestType.id)
        .where(RequestType.code.in_(list(rt.CODES))).limit(1)) is not None


def load_demo(commune, seed: int = 2026) -> int:
    """File the demo files; returns how many (0 when already there or no CCAS agent)."""
    if already_loaded():
        return 0
    types = {t.code: t for t in db.session.scalars(select(RequestType).where(RequestType.code.in_(list(rt.CODES))))}
    if len(types) < len(rt.CODES):
        return 0
    workers = [m for m in db.session.scalars(select(Membership)) if "social.read" in (m.permissions or ())
               and "social.decide" in (m.permissions or ())]
    if not workers:
        return 0
    demo = _Demo(random.Random(f"{seed}-{commune.insee_code}-social"), types, workers[0], commune)
    demo.registre(20)
    demo.aides(30)
    demo.domiciliations(8)
    demo.aides_legales(6)
    demo.logements(12)
    db.session.commit()
    return demo.filed


class _Demo:
    def __init__(self, rng, types, worker, commune):
        self.rng, self.types, self.worker, self.commune = rng, types, worker, commune
        self.now = utcnow()
        self.today = local_date(self.now)
        self.filed = 0

    def citizen(self, *, born_before: date | None = None, born_after: date | None = None) -> Citizen:
        first, last = self.rng.choice(DEMO_FIRST_NAMES), self.rng.choice(DEMO_LAST_NAMES)
        street, quartier = self.rng.choice(DEMO_STREETS)
        low = born_after or date(1940, 1, 1)
        high = born_before or date(2000, 1, 1)
        born = low + timedelta(days=self.rng.randint(0, (high - low).days))
        citizen = Citizen(civility=self.rng.choice(("Mme", "M.")), first_name=first, last_name=last,
                          birth_date=born, address_number=str(self.rng.randint(1, 90)), address_street=street,
                          postcode="45900", city=self.commune.name, quartier=quartier,
                          phone=_mobile(self.rng.randint(10000000, 99999999)))
        db.session.add(citizen)
        db.session.flush()
        return citizen

    def when(self, days_ago_min=20, days_ago_max=360) -> datetime:
        return self.now - timedelta(days=self.rng.randint(days_ago_min, days_ago_max), hours=self.rng.randint(0, 6))

    def file(self, code, citizen, data, when, channel="guichet"):
        request, errors = create_request(request_type=self.types[code], citizen=citizen, channel=channel,
                                         formdata=data, actor=self.worker.user, subject=self.types[code].label,
                                         now=when)
        if errors:
            raise RuntimeError(f"demo request refused: {errors}")
        self.filed += 1
        return request

    def walk(self, request, when, steps):
        """Apply ``steps`` (code, comment, fields) a few days apart, never in the future."""
        for code, comment, fields in steps:
            when = when + timedelta(days=self.rng.randint(1, 6), hours=self.rng.randint(1, 4))
            if when >= self.now:
                return
            fields = {name: (value(when) if callable(value) else value) for name, value in fields.items()}
            try:
                apply_transition(request, code, actor=self.worker.user, membership=self.worker, comment=comment,
                                 fields=fields, now=when)
            except TransitionError:
                db.session.rollback()
                return

    def registre(self, count):
        for number in range(count):
            person = self.citizen(born_before=add_years(self.today, -66), born_after=date(1930, 1, 1))
            # Most files come in spring, before the plan canicule.
            when = self.when(30, 120) if number % 3 else self.when(20, 360)
            third = self.rng.random() < 0.3
            data = {"nom": person.last_name, "prenoms": person.first_name,
                    "date_naissance": person.birth_date.isoformat(),
                    "adresse": f"{person.address_number} {person.address_street}, 45900 {self.commune.name}",
                    "telephone": person.phone, "demande_ecrite": True,
                    "deposant": "tiers" if third else "personne",
                    "personne_a_prevenir": f"{self.rng.choice(DEMO_FIRST_NAMES)} {person.last_name}, 06 12 34 56 78"}
            if third:
                data.update(tiers_nom=f"{self.rng.choice(DEMO_FIRST_NAMES)} {self.rng.choice(DEMO_LAST_NAMES)}",
                            tiers_qualite=self.rng.choice(("Voisine", "Fille", "Médecin traitant")))
            request = self.file(rt.REGISTRE, person, data, when, channel=self.rng.choice(("courrier", "guichet")))
            # A third party's request: acknowledged first, the person may object (DR §4.3).
            steps = [("inscrire", "", {})]
            if third:
                opposed = self.rng.random() < 0.2
                steps = [("accuser_reception", "", {}),
                         ("opposition", "Appel de la personne : ne souhaite pas être inscrite.",
                          {"date_opposition": lambda moment: local_date(moment).isoformat()})
                         if opposed else ("inscrire_sans_opposition", "", {})]
            if self.rng.random() < 0.08:
                steps.append(("radier", "", {}))
            self.walk(request, when, steps)

    def aides(self, count):
        families = [self.citizen(born_after=date(1960, 1, 1), born_before=date(2002, 1, 1)) for _n in range(22)]
        kinds = ("aide_alimentaire",) * 4 + ("aide_energie",) * 3 + ("secours_urgence",) * 2 + ("aide_mobilite",)
        for _number in range(count):
            kind = self.rng.choice(kinds)
            asked = self.rng.choice((60, 80, 100, 120, 150))
            data = {"nature": kind, "montant_demande": str(asked), "quotient_familial": self.rng.randint(250, 760),
                    "situation": self.rng.choice(SITUATIONS)}
            when = self.when()
            request = self.file(rt.AIDE_FACULTATIVE, self.rng.choice(families), data, when)
            roll = self.rng.random()
            if roll < 0.65:
                steps = [("instruire", "", {}), ("presenter", "", {}),
                         ("accorder", "", {"montant_accorde": str(asked)}),
                         ("verser", "", {"date_versement": lambda moment: local_date(moment).isoformat()})]
            elif roll < 0.8:
                steps = [("instruire", "", {}), ("presenter", "", {}),
                         ("refuser", "Ressources supérieures au barème du règlement.", {})]
            elif roll < 0.9:
                steps = [("instruire", "", {}), ("presenter", "", {})]
            else:
                steps = [("instruire", "", {}), ("presenter", "", {}),
                         ("ajourner", "Attestation CAF à fournir.", {})]
            self.walk(request, when, steps)

    def domiciliations(self, count):
        for number in range(count):
            person = self.citizen(born_after=date(1965, 1, 1), born_before=date(2003, 1, 1))
            links = [self.rng.choice(("sejour", "accompagnement", "activite_professionnelle"))]
            refused = number % 7 == 6
            data = {"lien_commune": [] if refused else links,
                    "adresse_courrier_actuelle": "Chez un ami, de façon provisoire"}
            when = self.when(30, 300)
            request = self.file(rt.DOMICILIATION, person, data, when)
            day = lambda moment: local_date(moment).isoformat()  # noqa: E731
            if refused:
                steps = [("entretien", "", {}), ("refuser", "", {
                    "motif_refus": "Aucun lien avec la commune (CASF R264-4).",
                    "orientation": "CCAS d'Orléans, 69 rue Bannier", "motif_legal": "sans_lien"})]
            else:
                steps = [("entretien", "", {}), ("accorder", "", {"date_entretien": day, "date_election": day,
                                                                  "domicile_stable": "non"})]
                steps += [("contact", "", {"date_dernier_contact": day})] * self.rng.randint(0, 3)
            self.walk(request, when, steps)

    def aides_legales(self, count):
        benefits = ("apa", "apa", "pch", "hebergement_pa", "ame", "chrs")
        for _number in range(count):
            person = self.citizen(born_after=date(1935, 1, 1), born_before=date(1990, 1, 1))
            when = self.when(15, 360)
            request = self.file(rt.AIDE_LEGALE, person, {"prestation": self.rng.choice(benefits),
                                                         "avis_ccas": "Avis favorable."}, when)
            day = lambda moment: local_date(moment).isoformat()  # noqa: E731
            steps = [("constituer", "", {}), ("transmettre", "", {"date_transmission": day})]
            if self.rng.random() < 0.6:
                steps.append(("decision_accord", "", {"date_decision": day}))
            self.walk(request, when, steps)

    def logements(self, count):
        for _number in range(count):
            person = self.citizen(born_after=date(1950, 1, 1), born_before=date(2004, 1, 1))
            when = self.when(10, 360)
            request = self.file(rt.LOGEMENT, person, {
                "composition_foyer": self.rng.randint(1, 5), "typologie": self.rng.choice(("T2", "T3", "T3", "T4")),
                "piece_identite": True}, when, channel=self.rng.choice(("guichet", "web")))
            number = f"045{when:%y}{self.rng.randint(1000000, 9999999)}"
            day = lambda moment: local_date(moment).isoformat()  # noqa: E731
            steps = [("enregistrer", "", {"numero_unique": number, "date_enregistrement": day})]
            if self.rng.random() < 0.15:
                steps.append(("attribuer", "", {}))
            self.walk(request, when, steps)


def _mobile(digits: int) -> str:
    """A metropolitan mobile number (06 10 to 06 38) from eight random digits."""
    return f"06{10 + digits // 1_000_000 % 29}{digits % 1_000_000:06d}"
