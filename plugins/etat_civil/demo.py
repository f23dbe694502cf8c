"""Demo data: a month of the état civil of a 20,000-inhabitant commune.

Filed through the core's create_request and apply_transition, so routing,
history and e-mails look like real ones. Scaled to what a newcomer can browse
(about seventy requests, so that `grc demo` stays quick: copies of acts dominate, a few marriages and PACS,
births declared by the maternity, recensements of the young people turning
16). Idempotent: a commune that already has état-civil requests is left alone.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select

from grc_core.plugin_api import (
    DEMO_FIRST_NAMES, DEMO_LAST_NAMES, DEMO_STREETS, Citizen, Membership, Request, RequestType, Service,
    TransitionError, add_years, apply_transition, create_request, db, local_date, utcnow,
)

from . import request_types as rt
from .rules import ActKind, DocumentKind, RequesterQuality
from .workflows import REFUSALS

CITIES = ("Orléans", "Tours", "Blois", "Paris 14e", "Montargis", "Bourges", "Lyon 3e", "Nantes")


def already_loaded() -> bool:
    return db.session.scalar(
        select(Request.id).join(RequestType, Request.request_type_id == RequestType.id)
        .where(RequestType.code.in_(list(rt.CODES))).limit(1)) is not None


def load_demo(commune, seed: int = 2026) -> int:
    """File the demo requests; returns how many (0 when already there)."""
    if already_loaded():
        return 0
    types = {t.code: t for t in db.session.scalars(select(RequestType).where(RequestType.code.in_(list(rt.CODES))))}
    if len(types) < len(rt.CODES):
        return 0
    service = db.session.scalar(select(Service).where(Service.code == rt.SERVICE))
    workers = [m for m in db.session.scalars(select(Membership)) if service in (m.services or ())
               or m.role == "admin"]
    if not workers:
        return 0
    rng = random.Random(f"{seed}-{commune.insee_code}-etat-civil")
    now = utcnow()
    today = local_date(now)
    citizens = _citizens(rng, commune, today)
    db.session.commit()
    demo = _Demo(rng, types, workers, citizens, now, today)
    demo.actes(40)
    demo.mariages(4)
    demo.pacs(6)
    demo.naissances(7)
    demo.recensements()
    demo.others()
    db.session.commit()
    return demo.filed


def _citizens(rng, commune, today) -> list[Citizen]:
    """The commune's citizens (adults added if too few), plus the young people turning 16 these months (the recensement cohort)."""
    existing = list(db.session.scalars(select(Citizen).order_by(Citizen.id)))
    young = []
    # Alone (without the core's demo citizens), the commune needs its adults too.
    for number in range(max(0, 40 - len(existing))):
        first, last = rng.choice(DEMO_FIRST_NAMES), rng.choice(DEMO_LAST_NAMES)
        street, quartier = rng.choice(DEMO_STREETS)
        young.append(Citizen(civility=rng.choice(("Mme", "M.")), first_name=first, last_name=last,
                             birth_date=date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 50)),
                             birth_place=rng.choice(CITIES), address_number=str(rng.randint(1, 80)),
                             address_street=street, postcode="45900", city=commune.name, quartier=quartier))
    for number in range(14):
        first, last = rng.choice(DEMO_FIRST_NAMES), rng.choice(DEMO_LAST_NAMES)
        street, quartier = rng.choice(DEMO_STREETS)
        born = add_years(today, -16) + timedelta(days=rng.randint(-75, 80))
        young.append(Citizen(civility=rng.choice(("Mme", "M.")), first_name=first, last_name=last, birth_date=born,
                             birth_place=rng.choice(CITIES[:3]), address_number=str(rng.randint(1, 80)),
                             address_street=street, postcode="45900", city=commune.name, quartier=quartier))
    db.session.add_all(young)
    db.session.flush()
    return existing + young


class _Demo:
    def __init__(self, rng, types, workers, citizens, now, today):
        self.rng, self.types, self.workers, self.citizens = rng, types, workers, citizens
        self.now, self.today, self.filed = now, today, 0
        self.adults = [c for c in citizens if c.birth_date is None or c.birth_date < add_years(today, -18)]

    def received(self, max_days=30) -> datetime:
        return self.now - timedelta(days=self.rng.randint(1, max_days), hours=self.rng.randint(0, 7),
                                    minutes=self.rng.randint(0, 59))

    def file(self, code, citizen, data, channel="guichet", when=None):
        when = when or self.received()
        request, errors = create_request(request_type=self.types[code], citizen=citizen, channel=channel,
                                         formdata=data, actor=self.rng.choice(self.workers).user,
                                         subject=self.types[code].label, now=when)
        if errors:
            raise RuntimeError(f"demo request refused: {errors}")
        self.filed += 1
        return request, when

    def walk(self, request, when, steps):
        """Apply ``steps`` (code, comment, fields) a few days apart, never in the future."""
        worker = self.rng.choice(self.workers)
        for code, comment, fields in steps:
            when = min(self.now, when + timedelta(days=self.rng.randint(0, 3), hours=self.rng.randint(1, 5)))
            try:
                apply_transition(request, code, actor=worker.user, membership=worker, comment=comment,
                                 fields=fields, now=when)
            except TransitionError:
                db.session.rollback()
                return

    def person(self):
        return self.rng.choice(DEMO_FIRST_NAMES), self.rng.choice(DEMO_LAST_NAMES)

    def actes(self, count):
        kinds = [ActKind.NAISSANCE] * 12 + [ActKind.MARIAGE] * 5 + [ActKind.DECES] * 4 + [ActKind.RECONNAISSANCE]
        for _number in range(count):
            citizen = self.rng.choice(self.adults)
            kind = self.rng.choice(kinds)
            data = {"acte": str(kind), "demandeur_nom": citizen.last_name, "demandeur_prenoms": citizen.first_name,
                    "delivrance": self.rng.choice(("guichet", "courrier", "courrier"))}
            if data["delivrance"] == "courrier":
                data["demandeur_adresse"] = f"{citizen.address_number} {citizen.address_street}\n45900 {citizen.city}"
            first, last = citizen.first_name, citizen.last_name
            born = citizen.birth_date or date(1975, 5, 12)
            if kind is ActKind.DECES:
                data.update(document=str(DocumentKind.COPIE_INTEGRALE),
                            qualite=self.rng.choice((str(RequesterQuality.DESCENDANT), str(RequesterQuality.NOTAIRE),
                                                     str(RequesterQuality.TIERS))),
                            nom=self.rng.choice(DEMO_LAST_NAMES), prenoms=self.rng.choice(DEMO_FIRST_NAMES),
                            date_deces=(self.today - timedelta(days=self.rng.randint(10, 400))).isoformat(),
                            lieu_deces="Villeneuve-sur-Loire")
            elif kind is ActKind.RECONNAISSANCE:
                data.update(document=str(DocumentKind.COPIE_INTEGRALE), qualite=str(RequesterQuality.INTERESSE_MAJEUR),
                            nom_declarant=last, prenoms_declarant=first,
                            date_reconnaissance=(self.today - timedelta(days=self.rng.randint(400, 4000))).isoformat(),
                            lieu_reconnaissance="Villeneuve-sur-Loire")
            else:
                document = self.rng.choice((DocumentKind.COPIE_INTEGRALE, DocumentKind.COPIE_INTEGRALE,
                                            DocumentKind.EXTRAIT_AVEC_FILIATION, DocumentKind.EXTRAIT_SANS_FILIATION,
                                            DocumentKind.EXTRAIT_PLURILINGUE))
                data.update(document=str(document), qualite=str(RequesterQuality.INTERESSE_MAJEUR), nom=last,
                            prenoms=first, date_naissance=born.isoformat(), lieu_naissance="Villeneuve-sur-Loire",
                            nom_parent_1=last, prenom_parent_1=self.rng.choice(DEMO_FIRST_NAMES),
                            nom_parent_2=self.rng.choice(DEMO_LAST_NAMES), prenom_parent_2=self.rng.choice(DEMO_FIRST_NAMES))
                if kind is ActKind.MARIAGE:
                    data.update(date_mariage=add_years(born, self.rng.randint(22, 40)).isoformat(),
                                lieu_mariage="Villeneuve-sur-Loire")
            channel = "courrier" if data["delivrance"] == "courrier" else self.rng.choice(("guichet", "web", "email"))
            request, when = self.file(rt.ACTE, citizen, data, channel)
            roll = self.rng.random()
            if roll < 0.72:
                steps = [("verifier", "", {}), ("delivrer", "", {})]
            elif roll < 0.8:
                steps = [("verifier", "", {}), ("demander_piece", "Merci de nous transmettre une copie de votre "
                                                                  "pièce d'identité.", {})]
            elif roll < 0.9:
                code = self.rng.choice(REFUSALS)[0]
                steps = [("verifier", "", {}), (code, "Motif expliqué au demandeur par courrier.", {})]
            else:
                steps = []
            self.walk(request, when, steps)

    def _party(self, prefix, citizen, deposit):
        return {f"{prefix}_nom": citizen.last_name, f"{prefix}_prenoms": citizen.first_name,
                f"{prefix}_date_naissance": (citizen.birth_date or date(1990, 3, 3)).isoformat(),
                f"{prefix}_acte_du": (deposit - timedelta(days=self.rng.randint(5, 30))).isoformat()}

    def mariages(self, count):
        for _number in range(count):
            one, two = self.rng.sample(self.adults, 2)
            when = self.received(25)
            deposit = local_date(when)
            data = {**self._party("epoux1", one, deposit), **self._party("epoux2", two, deposit),
                    "lien_commune": "domicile", "date_depot": deposit.isoformat(),
                    "temoin_1": " ".join(self.person()), "temoin_2": " ".join(self.person())}
            request, when = self.file(rt.MARIAGE, one, data, when=when)
            published = deposit + timedelta(days=self.rng.randint(2, 5))
            celebration = self.today + timedelta(days=self.rng.randint(5, 50))
            steps = [("verifier", "", {}), ("publier_bans", "", {"date_publication": published.isoformat()})]
            if published <= self.today:
                steps.append(("fixer_celebration", "", {"date_celebration": max(
                    celebration, published + timedelta(days=10)).isoformat()}))
            self.walk(request, when, steps)

    def pacs(self, count):
        for _number in range(count):
            one, two = self.rng.sample(self.adults, 2)
            when = self.received(28)
            appointment = self.today + timedelta(days=self.rng.randint(-10, 40))
            data = {**self._party("partenaire1", one, local_date(when)), **self._party("partenaire2", two,
                                                                                        local_date(when)),
                    "convention": self.rng.choice(("cerfa", "redigee")), "declaration_conjointe": True,
                    "date_enregistrement": appointment.isoformat()}
            request, when = self.file(rt.PACS, one, data, channel=self.rng.choice(("guichet", "courrier")), when=when)
            steps = [("verifier", "", {})]
            if appointment < self.today:
                steps.append(("enregistrer", "", {}))
            self.walk(request, when, steps)

    def naissances(self, count):
        for number in range(count):
            parent = self.rng.choice(self.adults)
            when = self.received(28)
            declared = local_date(when)
            born = declared - timedelta(days=8 if number == 0 else self.rng.randint(0, 3))
            data = {"enfant_nom": parent.last_name, "enfant_prenoms": self.rng.choice(("Léa", "Louis", "Jade", "Gabriel",
                                                                                      "Emma", "Raphaël", "Alice")),
                    "date_naissance": born.isoformat(), "lieu_naissance": "Maternité du centre hospitalier",
                    "date_declaration": declared.isoformat(), "declarant": f"{parent.full_name}, parent",
                    "parent_1": parent.full_name}
            request, when = self.file(rt.NAISSANCE, parent, data, when=when)
            if number == 0:
                self.walk(request, when, [("orienter_tribunal", "Déclaration hors délai : jugement déclaratif "
                                                                 "de naissance à demander au tribunal.", {})])
            else:
                self.walk(request, when, [("dresser_acte", "", {})])

    def recensements(self):
        young = [c for c in self.citizens if c.birth_date and add_years(self.today, -17) < c.birth_date
                 <= add_years(self.today, -16) - timedelta(days=31)]
        for citizen in young:
            data = {"jeune_nom": citizen.last_name, "jeune_prenoms": citizen.first_name,
                    "jeune_date_naissance": citizen.birth_date.isoformat(),
                    "jeune_lieu_naissance": citizen.birth_place or "Orléans",
                    "adresse": f"{citizen.address_number} {citizen.address_street}\n45900 {citizen.city}"}
            request, when = self.file(rt.RECENSEMENT, citizen, data, channel=self.rng.choice(("guichet", "web")),
                                      when=self.received(25))
            self.walk(request, when, [("delivrer_attestation", "", {})] if self.rng.random() < 0.85 else [])

    def others(self):
        parent = self.rng.choice(self.adults)
        request, when = self.file(rt.RECONNAISSANCE, parent, {
            "moment": "anticipee", "auteur_nom": parent.last_name, "auteur_prenoms": parent.first_name,
            "terme_prevu": (self.today + timedelta(days=90)).isoformat()})
        self.walk(request, when, [("verifier", "", {}), ("traiter", "", {})])
        request, when = self.file(rt.LIVRET, parent, {
            "demandeur": "titulaire", "motif": "perte", "titulaires": parent.full_name})
        self.walk(request, when, [("verifier", "", {})])
        adult = self.rng.choice(self.adults)
        request, when = self.file(rt.PRENOM, adult, {
            "beneficiaire": adult.full_name, "beneficiaire_date_naissance": (adult.birth_date or date(1980, 1, 1))
            .isoformat(), "prenoms_demandes": "Camille", "motif": "Prénom d'usage depuis l'enfance."})
        self.walk(request, when, [("verifier", "", {}), ("saisir_procureur", "Intérêt légitime à apprécier.", {})])
        for _number in range(2):
            adult = self.rng.choice(self.adults)
            request, when = self.file(rt.NOM, adult, {
                "demandeur_date_naissance": (adult.birth_date or date(1985, 6, 1)).isoformat(),
                "nom_actuel": adult.last_name, "nom_choisi": f"{adult.last_name}-{self.rng.choice(DEMO_LAST_NAMES)}"},
                when=self.received(20))
            self.walk(request, when, [("verifier", "", {}), ("accepter_dossier", "", {})])
