"""Demo data: the schools of a 20,000-inhabitant commune, its carte scolaire,
canteen and after-school services, tariffs, a full school year (2026-2027,
about 1,500 pupils, bulk inserted) with next year's passages, and real
requests (inscriptions, dérogations, canteen, changes, radiations) filed
and moved through their workflows by the core's services.

Idempotent: a commune that already has schools is left alone.
"""
from __future__ import annotations

import random
from datetime import date, timedelta, timezone
from decimal import Decimal

from sqlalchemy import insert, select

from grc_core.plugin_api import Citizen, HouseholdLink, Membership, RequestType, db, utcnow

from . import rules, services
from .models import (
    Activity, Enrolment, LevelCapacity, School, SchoolYear, SectorStreet, TariffGrid, TariffTranche,
)

YEAR = 2026  # the school year in progress in the demo (2026-2027)

# code, name, kind, address, {level: places}
M = ("petite_section", "moyenne_section", "grande_section")
E = ("cp", "ce1", "ce2", "cm1", "cm2")
SCHOOLS = (
    ("MAT-FONTAINE", "École maternelle Jean-de-La-Fontaine", "maternelle", "4 rue de la République",
     {"toute_petite_section": 10, **{lv: 84 for lv in M}}),
    ("MAT-COQUELICOTS", "École maternelle Les Coquelicots", "maternelle", "12 allée des Peupliers",
     {lv: 56 for lv in M}),
    ("MAT-CURIE", "École maternelle Marie-Curie", "maternelle", "8 boulevard de la Gare",
     {"toute_petite_section": 8, **{lv: 56 for lv in M}}),
    ("ELEM-FERRY", "École élémentaire Jules-Ferry", "elementaire", "2 rue Victor-Hugo", {lv: 112 for lv in E}),
    ("ELEM-MOULIN", "École élémentaire Jean-Moulin", "elementaire", "15 rue des Lilas", {lv: 84 for lv in E}),
    ("PRIM-MICHEL", "École primaire Louise-Michel", "primaire", "30 chemin de la Loire",
     {lv: 28 for lv in M + E}),
)
# street, from, to, side, school code — the délibération of the conseil municipal.
CARTE = (
    ("rue de la République", 1, None, "tous", "MAT-FONTAINE"),
    ("avenue Jean-Jaurès", 1, 99, "impair", "MAT-FONTAINE"),
    ("avenue Jean-Jaurès", 2, None, "pair", "MAT-COQUELICOTS"),
    ("rue Victor-Hugo", 1, None, "tous", "MAT-FONTAINE"),
    ("place du Marché", 1, None, "tous", "MAT-FONTAINE"),
    ("rue Pasteur", 1, None, "tous", "MAT-FONTAINE"),
    ("rue des Lilas", 1, None, "tous", "MAT-COQUELICOTS"),
    ("allée des Peupliers", 1, None, "tous", "MAT-COQUELICOTS"),
    ("impasse des Vignes", 1, None, "tous", "MAT-COQUELICOTS"),
    ("route d'Orléans", 1, None, "tous", "MAT-COQUELICOTS"),
    ("boulevard de la Gare", 1, None, "tous", "MAT-CURIE"),
    ("rue des Écoles", 1, None, "tous", "MAT-CURIE"),
    ("rue du Stade", 1, None, "tous", "MAT-CURIE"),
    ("allée des Acacias", 1, None, "tous", "MAT-CURIE"),
    ("rue de la République", 1, None, "tous", "ELEM-FERRY"),
    ("avenue Jean-Jaurès", 1, None, "tous", "ELEM-FERRY"),
    ("rue Victor-Hugo", 1, None, "tous", "ELEM-FERRY"),
    ("place du Marché", 1, None, "tous", "ELEM-FERRY"),
    ("rue Pasteur", 1, None, "tous", "ELEM-FERRY"),
    ("boulevard de la Gare", 1, 59, "tous", "ELEM-FERRY"),
    ("rue des Écoles", 1, None, "tous", "ELEM-FERRY"),
    ("boulevard de la Gare", 60, None, "tous", "ELEM-MOULIN"),
    ("rue des Lilas", 1, None, "tous", "ELEM-MOULIN"),
    ("allée des Peupliers", 1, None, "tous", "ELEM-MOULIN"),
    ("impasse des Vignes", 1, None, "tous", "ELEM-MOULIN"),
    ("route d'Orléans", 1, None, "tous", "ELEM-MOULIN"),
    ("rue du Stade", 1, None, "tous", "ELEM-MOULIN"),
    ("allée des Acacias", 1, None, "tous", "ELEM-MOULIN"),
    ("chemin de la Loire", 1, None, "tous", "PRIM-MICHEL"),
    ("quai Saint-Nicolas", 1, None, "tous", "PRIM-MICHEL"),
    ("rue de Sologne", 1, None, "tous", "PRIM-MICHEL"),
)
QUARTIERS = {"rue de la République": "Centre", "avenue Jean-Jaurès": "Centre", "rue Victor-Hugo": "Centre",
             "place du Marché": "Centre", "rue Pasteur": "Gare", "boulevard de la Gare": "Gare",
             "rue des Écoles": "Gare", "rue du Stade": "Gare", "allée des Acacias": "Gare",
             "rue des Lilas": "Les Tilleuls", "allée des Peupliers": "Les Tilleuls",
             "impasse des Vignes": "Les Coteaux", "route d'Orléans": "Les Coteaux",
             "chemin de la Loire": "Bords de Loire", "quai Saint-Nicolas": "Bords de Loire",
             "rue de Sologne": "Bords de Loire"}
CANTINE = (("Tranche 1", 0, 450, "1.00"), ("Tranche 2", 451, 1000, "1.00"), ("Tranche 3", 1001, 1600, "2.90"),
           ("Tranche 4", 1601, None, "4.35"))
PERISCOLAIRE = (("Tranche A", 0, 700, "0.80"), ("Tranche B", 701, 1400, "1.60"), ("Tranche C", 1401, None, "2.40"))
# share of pupils registered, places as a share of the school's pupils
ACTIVITIES = (("cantine", 0.68, 0.75), ("matin", 0.22, 0.28), ("soir", 0.36, 0.42), ("mercredi", 0.18, 0.25))
CHILD_NAMES = ("Léa", "Hugo", "Chloé", "Lucas", "Inès", "Jade", "Louis", "Emma", "Gabriel", "Alice", "Raphaël",
               "Rose", "Arthur", "Lina", "Jules", "Mia", "Adam", "Louise", "Nathan", "Ambre", "Sacha", "Anna",
               "Noah", "Zoé", "Tom", "Lou", "Yanis", "Nour", "Ethan", "Manon", "Aylan", "Sofia", "Malo", "Iris")
PARENT_NAMES = ("Marie", "Julien", "Nathalie", "Sophie", "Nicolas", "Camille", "Karim", "Aurélie", "Thomas",
                "Émilie", "Yasmine", "Sébastien", "Céline", "Mehdi", "Laetitia", "Vincent", "Claire", "Fatou")
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
              "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
              "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
              "Benali", "Nguyen", "Da Silva", "Le Goff", "Diallo", "Haddad", "Perrin", "Chevalier", "Masson")


def load_demo(commune, seed: int = 2026) -> None:
    if db.session.scalar(select(School.id).limit(1)) is not None:
        return
    rng = random.Random(f"ecoles-{seed}-{commune.insee_code}")
    years, schools = _reference_data(commune)
    pupils = _school_year(commune, rng, years, schools)
    _next_year(commune, years, schools, pupils)
    db.session.commit()
    _requests(commune, rng, years, schools)


# --- reference data ------------------------------------------------------------------

def _reference_data(commune):
    years = {y: SchoolYear(start_year=y, rentree=date(y, 9, 1), end=date(y + 1, 7, 4), enrolment_open=(y > YEAR))
             for y in (YEAR, YEAR + 1)}
    db.session.add_all(years.values())
    schools = {}
    for code, name, kind, address, capacities in SCHOOLS:
        school = School(code=code, name=name, kind=kind, address=address, director="", active=True)
        school.capacities = [LevelCapacity(level=level, capacity=places) for level, places in capacities.items()]
        schools[code] = school
    db.session.add_all(schools.values())
    db.session.flush()
    db.session.add_all(SectorStreet(street=street, from_number=low, to_number=high, side=side,
                                    school_id=schools[code].id) for street, low, high, side, code in CARTE)
    for year in years.values():
        for name, kind, tranches, one_euro in (("Restauration scolaire", "cantine", CANTINE, True),
                                               ("Accueil périscolaire", "periscolaire", PERISCOLAIRE, False)):
            grid = TariffGrid(name=f"{name} {year.label}", kind=kind, school_year=year, cantine_a_un_euro=one_euro)
            grid.tranches = [TariffTranche(label=label, qf_min=low, qf_max=high, price=Decimal(price))
                             for label, low, high, price in tranches]
            db.session.add(grid)
    db.session.flush()
    return years, schools


def _birth(rng, level: str, start_year: int) -> date:
    calendar_age = {"toute_petite_section": 2, "petite_section": 3, "moyenne_section": 4, "grande_section": 5,
                    "cp": 6, "ce1": 7, "ce2": 8, "cm1": 9, "cm2": 10}[level]
    born_year = start_year - calendar_age
    last = date(born_year, 8, 31) if level == "toute_petite_section" else date(born_year, 12, 31)
    return date(born_year, 1, 1) + timedelta(days=rng.randint(0, (last - date(born_year, 1, 1)).days))


def _address(rng, school):
    streets = [rule for rule in CARTE if rule[4] == school.code]
    street, low, high, side, _code = rng.choice(streets)
    number = rng.randint(low, high or low + 120)
    if side == "pair" and number % 2:
        number += 1
    if side == "impair" and not number % 2:
        number = number + 1 if high is None or number + 1 <= high else number - 1
    return street, str(number)


def _family(rng, commune, street, number, child_birth):
    last = rng.choice(LAST_NAMES)
    parent = Citizen(civility=rng.choice(("Mme", "M.")), first_name=rng.choice(PARENT_NAMES), last_name=last,
                     birth_date=date(child_birth.year - rng.randint(25, 42), rng.randint(1, 12), rng.randint(1, 28)),
                     email=f"famille.{last.lower().replace(' ', '')}{rng.randint(10, 9999)}@exemple.fr",
                     address_number=number, address_street=street, postcode="45900", city=commune.name,
                     quartier=QUARTIERS.get(street, ""))
    child = Citizen(first_name=rng.choice(CHILD_NAMES), last_name=last, birth_date=child_birth,
                    address_number=number, address_street=street, postcode="45900", city=commune.name,
                    quartier=QUARTIERS.get(street, ""))
    return parent, child


def _school_year(commune, rng, years, schools):
    """The pupils of the year in progress: families bulk-created, enrolments bulk-inserted."""
    year = years[YEAR]
    plans = []  # (school, level, parent, child)
    for school in schools.values():
        for capacity in school.capacities:
            fill = 0.55 if capacity.level == "toute_petite_section" else rng.uniform(0.80, 0.95)
            for _ in range(int(capacity.capacity * fill)):
                birth = _birth(rng, capacity.level, YEAR)
                street, number = _address(rng, school)
                parent, child = _family(rng, commune, street, number, birth)
                plans.append((school, capacity.level, parent, child))
    # Children born three years before next year's rentrée: the coming petite section.
    newborns = []
    for _ in range(205):
        school = rng.choice([s for s in schools.values() if s.kind != "elementaire"])
        birth = _birth(rng, "petite_section", YEAR + 1)
        street, number = _address(rng, school)
        newborns.append(_family(rng, commune, street, number, birth))
    db.session.add_all([person for *_rest, parent, child in plans for person in (parent, child)])
    db.session.add_all([person for family in newborns for person in family])
    db.session.flush()
    links = []
    for parent, child in [(p, c) for *_rest, p, c in plans] + newborns:
        links += [{"commune_id": commune.id, "citizen_id": parent.id, "relative_id": child.id, "relation": "child"},
                  {"commune_id": commune.id, "citizen_id": child.id, "relative_id": parent.id, "relation": "parent"}]
    db.session.execute(insert(HouseholdLink), links)

    grid = next(g for g in db.session.scalars(select(TariffGrid)) if g.kind == "cantine" and g.school_year_id == year.id)
    tariff = grid.as_rule()
    rows, registered = [], {}
    for school, level, parent, child in plans:
        flags = {kind: rng.random() < share for kind, share, _places in ACTIVITIES}
        for kind, flag in flags.items():
            registered[(school.id, kind)] = registered.get((school.id, kind), 0) + flag
        qf = rng.choice((None, rng.randint(250, 2600)))
        tranche = (rules.tariff_for(qf, tariff) if qf is not None else None) or tariff.tranches[-1]
        rows.append({
            "commune_id": commune.id, "child_id": child.id, "school_year_id": year.id, "school_id": school.id,
            "level": level, "status": "admise", "sector_message": "", "canteen": flags["cantine"],
            "matin": flags["matin"], "soir": flags["soir"], "mercredi": flags["mercredi"],
            "quotient_familial": qf if flags["cantine"] else None,
            "tariff_label": tranche.name if flags["cantine"] else "",
            "tariff_price": tranche.price if flags["cantine"] else None,
            "assigned_on": date(YEAR, 6, rng.randint(1, 30)), "radiated_on": None, "request_id": None,
        })
    db.session.execute(insert(Enrolment), rows)
    for y in years.values():
        for school in schools.values():
            for kind, share, places in ACTIVITIES:
                # Places a little above the registrations: a few left for the year's requests.
                taken = registered.get((school.id, kind), 0)
                db.session.add(Activity(kind=kind, school_id=school.id, school_year_id=y.id,
                                        capacity=max(int(taken * places / share), taken + 5)))
    return plans


def _next_year(commune, years, schools, plans):
    """Next year's passages: each pupil one level up, in the same school when it
    takes the level, else (grande section → CP) in the sector élémentaire."""
    nxt = years[YEAR + 1]
    carte = [rules.SectorRule(street, low, high, side, code) for street, low, high, side, code in CARTE]
    order = [lv.value for lv in rules.LEVELS]
    rows = []
    unknown_street = services.in_commune_language(rules.UNKNOWN_STREET_MESSAGE)  # stored: the commune's language
    for school, level, _parent, child in plans:
        if level == "cm2":
            continue  # off to the collège
        up = order[order.index(level) + 1]
        target = school
        if not school.accepts(up):
            elementary = [r for r in carte if schools[r.school_code].accepts(up)]
            found = rules.sector_school(elementary, child.address_street, child.address_number)
            target = schools.get(found.school_code) if found.found else None
        rows.append({"commune_id": commune.id, "child_id": child.id, "school_year_id": nxt.id,
                     "school_id": target.id if target else None, "level": up, "status": "affectee",
                     "sector_message": "" if target else unknown_street, "canteen": False,
                     "matin": False, "soir": False, "mercredi": False, "quotient_familial": None, "tariff_label": "",
                     "tariff_price": None, "assigned_on": date(YEAR + 1, 5, 15), "radiated_on": None,
                     "request_id": None})
    db.session.execute(insert(Enrolment), rows)


# --- requests through the core's services ---------------------------------------------------

def _requests(commune, rng, years, schools):
    from grc_core.plugin_api import create_request
    from grc_core.plugin_api import TransitionError, apply_transition

    types = {t.code: t for t in db.session.scalars(select(RequestType).where(RequestType.plugin == "ecoles"))}
    if len(types) < 5:
        return
    members = {m.user.email.split("@")[0]: m for m in db.session.scalars(select(Membership))}
    agent = members.get("scolaire")
    chef = members.get("chef-scolaire")
    desk = next((m for m in members.values() if m.role == "accueil"), agent)
    if agent is None or chef is None:
        return
    now = utcnow()

    def file(code, citizen, data, days_ago):
        request, errors = create_request(request_type=types[code], citizen=citizen, actor=desk.user,
                                         channel=rng.choice(("guichet", "guichet", "email", "courrier")),
                                         formdata=data, subject=types[code].label,
                                         now=now - timedelta(days=days_ago, hours=rng.randint(0, 6)))
        if errors:
            raise RuntimeError(f"demo request refused: {errors}")
        return request

    def walk(request, steps, days_ago):
        moment = request.received_at
        if moment.tzinfo is None:  # SQLite gives naive UTC datetimes back
            moment = moment.replace(tzinfo=timezone.utc)
        for code, member, comment in steps:
            moment = min(now, moment + timedelta(days=rng.randint(1, 3)))
            try:
                apply_transition(request, code, actor=member.user, membership=member, comment=comment, now=moment)
            except TransitionError:
                break

    def child_data(child, year):
        return {"enfant_prenom": child.first_name, "enfant_nom": child.last_name,
                "enfant_naissance": child.birth_date.isoformat(), "annee_scolaire": year}

    parents = {link.citizen_id: link.relative_id for link in db.session.scalars(
        select(HouseholdLink).where(HouseholdLink.relation == "parent"))}
    born = YEAR + 1 - 3
    # Not the toute petite section pupils of this year: they pass to petite section.
    newborns = list(db.session.scalars(select(Citizen).where(
        Citizen.birth_date >= date(born, 1, 1), Citizen.birth_date <= date(born, 12, 31),
        Citizen.id.not_in(select(Enrolment.child_id))).order_by(Citizen.id)))

    # Inscriptions for next year's petite section, at every step of the workflow.
    for n, child in enumerate(newborns[:20]):
        parent = db.session.get(Citizen, parents[child.id])
        street = child.address_street if n % 9 else "rue des Tanneurs"  # a street the carte does not know
        request = file("ecoles.inscription", parent, {
            **child_data(child, YEAR + 1), "adresse_numero": child.address_number, "adresse_voie": street,
            "attestation_honneur": n % 3 == 0}, days_ago=rng.randint(3, 50))
        steps = [("verifier", agent, ""), ("affecter", agent, ""), ("admettre", agent, "")][:n % 4]
        walk(request, steps, 0)

    enrolled = list(db.session.scalars(select(Enrolment).where(
        Enrolment.school_year_id == years[YEAR].id, Enrolment.canteen.is_(False)).order_by(Enrolment.id).limit(400)))
    rng.shuffle(enrolled)

    # Canteen and after-school registrations during the year.
    for n, enrolment in enumerate(enrolled[:8]):
        child = enrolment.child
        request = file("ecoles.restauration", db.session.get(Citizen, parents[child.id]), {
            **child_data(child, YEAR), "cantine": True, "soir": n % 3 == 0, "mercredi": n % 4 == 0,
            "quotient_familial": rng.randint(300, 2200)}, days_ago=rng.randint(2, 60))
        if n % 5:
            walk(request, [("inscrire", agent, "")], 0)

    # Dérogations, with the commission's decisions.
    school_names = [s.name for s in schools.values()]
    scopes = ["intra"] * 5 + ["entrante"] * 2 + ["sortante"]
    motifs = ["frere_ou_soeur_scolarise", "convenance_personnelle", "parents_travaillent_sans_restauration_ni_garde",
              "raison_medicale", "continuite_de_cycle", "convenance_personnelle"]
    for n, scope in enumerate(scopes):
        child = newborns[60 + n]
        data = {**child_data(child, YEAR + 1), "perimetre": scope, "motif": motifs[n % len(motifs)],
                "precisions": "Demande présentée à la commission de dérogation."}
        if scope == "sortante":
            data.update(ecole_demandee="École maternelle Les Tilleuls", commune_ecole="Saint-Aubin-des-Prés")
        else:
            data["ecole_demandee"] = school_names[n % 3]
            if scope == "entrante":
                data["commune_residence"] = "Saint-Aubin-des-Prés"
        request = file("ecoles.derogation", db.session.get(Citizen, parents[child.id]), data,
                       days_ago=rng.randint(5, 80))
        decision = [("accorder", chef, "Accord de la commission."),
                    ("refuser", chef, "Effectifs complets dans l'école demandée."), None, None][n % 4]
        steps = [("commission", agent, "")] + ([decision] if decision else [])
        walk(request, steps if n % 6 else [], 0)

    # Moves inside the commune, and departures.
    for n, enrolment in enumerate(enrolled[20:22]):
        child = enrolment.child
        moved = (now - timedelta(days=5 + 4 * n)).date()
        request = file("ecoles.changement", db.session.get(Citizen, parents[child.id]), {
            **child_data(child, YEAR), "date_demenagement": moved.isoformat(), "adresse_numero": "7",
            "adresse_voie": "rue de Sologne"}, days_ago=3 + n)
        walk(request, [("verifier", agent, ""), ("affecter", agent, "")][:n + 1], 0)
    for n, enrolment in enumerate(enrolled[30:32]):
        child = enrolment.child
        request = file("ecoles.radiation", db.session.get(Citizen, parents[child.id]), {
            **child_data(child, YEAR), "date_radiation": (now - timedelta(days=10 + n)).date().isoformat(),
            "motif_radiation": ("demenagement", "ecole_privee", "demenagement")[n],
            "nouvelle_ecole": ("École élémentaire Jean-Zay, Orléans", "", "")[n]}, days_ago=12 + n)
        if n == 0:
            walk(request, [("radier", agent, "")], 0)
