"""Demo citizens and requests of a commune: what a newcomer sees in the queues.

Built through the same services as the pages (create_request, transitions),
so routing, history and e-mails to citizens look exactly like real ones.
Idempotent: a commune that already has citizens is left alone.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from .calendar import add_years
from .extensions import db
from .models import Citizen, Contact, HouseholdLink, Membership, RequestType, Service, User, Workflow, utcnow

WORKFLOW = {
    "states": [
        {"code": "recue", "label": "Reçue", "kind": "new", "visible": True},
        {"code": "en_cours", "label": "En cours de traitement", "kind": "open", "visible": True},
        {"code": "attente_usager", "label": "En attente de l'usager", "kind": "waiting", "visible": True},
        {"code": "traitee", "label": "Traitée", "kind": "closed", "visible": True},
        {"code": "rejetee", "label": "Rejetée", "kind": "closed", "visible": True},
    ],
    "transitions": [
        {"code": "prendre_en_charge", "label": "Prendre en charge", "source": ["recue"], "target": "en_cours",
         "roles": ["admin", "manager", "agent"], "permission": None, "comment_required": False,
         "required_fields": [], "notify_citizen": True, "set_due_days": None},
        {"code": "demander_precision", "label": "Demander une précision", "source": ["en_cours"],
         "target": "attente_usager", "roles": ["admin", "manager", "agent"], "permission": None,
         "comment_required": True, "required_fields": [], "notify_citizen": True, "set_due_days": None},
        {"code": "precision_recue", "label": "Précision reçue", "source": ["attente_usager"], "target": "en_cours",
         "roles": ["admin", "manager", "agent", "accueil"], "permission": None, "comment_required": False,
         "required_fields": [], "notify_citizen": False, "set_due_days": None, "resume": True},
        {"code": "traiter", "label": "Marquer comme traitée", "source": ["en_cours"], "target": "traitee",
         "roles": ["admin", "manager", "agent"], "permission": None, "comment_required": False,
         "required_fields": [], "notify_citizen": True, "set_due_days": 0},
        {"code": "rejeter", "label": "Rejeter", "source": ["recue", "en_cours", "attente_usager"],
         "target": "rejetee", "roles": ["admin", "manager"], "permission": None, "comment_required": True,
         "required_fields": [], "notify_citizen": True, "set_due_days": 0},
    ],
    "timers": [
        {"code": "sans_reponse", "state": "attente_usager", "transition": "rejeter", "delay_days": 0,
         "delay_months": 2, "anchor": "entered_state"},
    ],
}

SERVICES = (
    ("voirie", "Voirie", "Direction des services techniques"),
    ("proprete", "Propreté urbaine", "Direction des services techniques"),
    ("espaces_verts", "Espaces verts", "Direction des services techniques"),
    ("cabinet", "Cabinet du maire", "Direction générale des services"),
)

# Street reports: what a commune's reporting app files through Open311 (docs/api.md).
OPEN_TO_API = ("commune.signalement_voirie", "commune.depot_sauvage")
REQUEST_TYPES = (
    ("commune.signalement_voirie", "Signalement sur la voie publique", "voirie", 10, [
        {"name": "nature", "label": "Nature du problème", "type": "choice", "required": True,
         "choices": [["nid_de_poule", "Nid-de-poule"], ["eclairage", "Éclairage public en panne"],
                     ["signalisation", "Panneau ou marquage abîmé"], ["trottoir", "Trottoir dégradé"]]},
        {"name": "adresse", "label": "Adresse ou lieu précis", "type": "address", "required": True},
        {"name": "description", "label": "Description", "type": "textarea"},
    ]),
    ("commune.depot_sauvage", "Dépôt sauvage", "proprete", 5, [
        {"name": "adresse", "label": "Lieu du dépôt", "type": "address", "required": True},
        {"name": "volume", "label": "Volume estimé", "type": "choice",
         "choices": [["petit", "Quelques sacs"], ["moyen", "Un coffre de voiture"], ["gros", "Encombrants"]]},
    ]),
    ("commune.elagage", "Demande d'élagage", "espaces_verts", 20, [
        {"name": "adresse", "label": "Adresse de l'arbre", "type": "address", "required": True},
        {"name": "motif", "label": "Motif", "type": "textarea", "required": True},
    ]),
    ("commune.rendez_vous_elu", "Demande de rendez-vous avec un élu", "cabinet", 15, [
        {"name": "objet", "label": "Objet du rendez-vous", "type": "textarea", "required": True},
        {"name": "disponibilites", "label": "Disponibilités", "type": "text"},
    ]),
)

FIRST_NAMES = ("Marie", "Jean", "Nathalie", "Pierre", "Isabelle", "Michel", "Sylvie", "Philippe", "Catherine",
               "Alain", "Sophie", "Nicolas", "Camille", "Julien", "Léa", "Hugo", "Chloé", "Lucas", "Inès",
               "Mohamed", "Fatima", "Jean-Pierre", "Marie-Claire", "Thomas", "Émilie", "Yasmine", "Théo")
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
              "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
              "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
              "François", "Martinez", "Benali", "Nguyen", "Da Silva", "Le Goff")
STREETS = (("rue de la République", "Centre"), ("avenue Jean-Jaurès", "Centre"), ("rue Victor-Hugo", "Centre"),
           ("place du Marché", "Centre"), ("rue des Lilas", "Les Tilleuls"), ("allée des Peupliers", "Les Tilleuls"),
           ("chemin de la Loire", "Bords de Loire"), ("quai Saint-Nicolas", "Bords de Loire"),
           ("rue Pasteur", "Gare"), ("boulevard de la Gare", "Gare"), ("impasse des Vignes", "Les Coteaux"),
           ("route d'Orléans", "Les Coteaux"))
CALLS = ("Demande où en est le traitement ; délai rappelé.", "Précise l'emplacement : devant le numéro 12.",
         "Signale que le problème s'aggrave, demande une intervention rapide.")
NOTES = ("Vu avec l'équipe : passage prévu jeudi matin.", "Doublon possible avec une demande du même quartier.",
         "Matériel commandé, livraison la semaine prochaine.")
MESSAGES = ("Bonjour, merci de votre signalement, une équipe passera cette semaine.",
            "Pouvez-vous préciser l'emplacement exact (numéro le plus proche) ?",
            "Intervention réalisée ce matin.")


def load_demo_requests(commune, rng_seed: int = 2026) -> int:
    """Create the commune's demo services, types, citizens and requests; return the number of requests."""
    from .requests.service import create_request
    from .workflows.engine import TransitionError, apply_transition

    if db.session.scalar(select(Citizen.id).limit(1)) is not None:
        return 0
    rng = random.Random(f"{rng_seed}-{commune.insee_code}")
    workflow = db.session.scalar(select(Workflow).where(Workflow.code == "commune.standard"))
    if workflow is None:
        workflow = Workflow(code="commune.standard", label="Traitement standard", definition=WORKFLOW)
        db.session.add(workflow)
    services = {s.code: s for s in db.session.scalars(select(Service))}
    for code, name, direction in SERVICES:
        if code not in services:
            services[code] = Service(code=code, name=name, direction=direction,
                                     email=f"{code.replace('_', '-')}@{commune.slug}.fr")
            db.session.add(services[code])
    db.session.flush()
    types = []
    for code, label, service, sla, fields in REQUEST_TYPES:
        request_type = db.session.scalar(select(RequestType).where(RequestType.code == code))
        if request_type is None:
            request_type = RequestType(code=code, label=label, fields=fields, service=services[service],
                                       workflow=workflow, sla_days=sla, priority="normale",
                                       channels=["guichet", "telephone", "courrier", "email",
                                                 *(["api"] if code in OPEN_TO_API else [])])
            db.session.add(request_type)
        types.append(request_type)
    _attach_demo_agents_to_services(services)
    db.session.commit()

    citizens = _demo_citizens(rng, commune.name)
    db.session.commit()

    actors = list(db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                                      .where(Membership.role.in_(("accueil", "admin")))))
    workers = list(db.session.scalars(select(Membership).where(Membership.role.in_(("manager", "admin")))))
    filed = 0
    today = utcnow()
    for number in range(60):
        request_type = types[number % len(types)]
        citizen = rng.choice(citizens)
        street, _ = rng.choice(STREETS)
        data = {}
        for spec in request_type.fields:
            if spec["type"] == "choice":
                data[spec["name"]] = rng.choice(spec["choices"])[0]
            elif spec["type"] == "address":
                data[spec["name"]] = f"{rng.randint(1, 80)} {street}"
            elif spec.get("required"):
                data[spec["name"]] = "Merci de votre intervention."
        received = today - timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 8))
        request, errors = create_request(
            request_type=request_type, citizen=citizen, channel=rng.choice(("guichet", "telephone", "email")),
            formdata=data, actor=rng.choice(actors), subject=request_type.label, now=received)
        if errors:
            raise RuntimeError(f"demo request refused: {errors}")
        filed += 1
        worker = rng.choice(workers)
        moment = received
        for code, comment in _demo_path(rng):
            # Each step a few days after the previous one, never in the future.
            moment = min(today, moment + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 6)))
            try:
                apply_transition(request, code, actor=worker.user, membership=worker, comment=comment, now=moment)
            except TransitionError:
                break
        _exchanges(request, number, rng, worker.user, moment, today)
    return filed


def _exchanges(request, number: int, rng, worker, moment, now) -> None:
    """What a real request gathers after its last step, each a few hours after the previous one, never in the
    future: one in three a call of the citizen logged at the counter, one in four an answer to the citizen, one
    in five an internal note."""
    from .requests.service import add_message

    def later():
        return min(now, moment + timedelta(hours=rng.randint(2, 30)))

    if number % 3 == 0:
        moment = later()
        db.session.add(Contact(at=moment, citizen_id=request.citizen_id, channel="telephone",
                               subject=f"Appel au sujet de la demande {request.reference}", outcome="answered",
                               notes=rng.choice(CALLS), agent_id=worker.id, service_id=request.service_id,
                               request_id=request.id))
        db.session.commit()
    if number % 4 == 1:
        moment = later()
        add_message(request, MESSAGES[0], public=True, actor=worker, now=moment)
    if number % 5 == 2:
        moment = later()
        add_message(request, rng.choice(NOTES), public=False, actor=worker, now=moment)


def _demo_path(rng):
    roll = rng.random()
    if roll < 0.25:
        return []
    if roll < 0.5:
        return [("prendre_en_charge", "")]
    if roll < 0.6:
        return [("prendre_en_charge", ""), ("demander_precision", MESSAGES[1])]
    if roll < 0.95:
        return [("prendre_en_charge", ""), ("traiter", MESSAGES[2])]
    return [("rejeter", "Ne relève pas de la compétence de la commune.")]


def _attach_demo_agents_to_services(services) -> None:
    """Give the head of the technical services his services (created with the demo requests)."""
    chief = db.session.scalar(select(Membership).join(User, User.id == Membership.user_id)
                              .where(User.email.like("technique@%")))
    if chief is not None and not chief.services:
        chief.services = [services["voirie"], services["proprete"], services["espaces_verts"]]


def _demo_citizens(rng, city: str) -> list[Citizen]:
    citizens = []
    for number in range(40):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        street, quartier = rng.choice(STREETS)
        citizen = Citizen(
            civility=rng.choice(("Mme", "M.")), first_name=first, last_name=last,
            birth_date=date(1940, 1, 1) + timedelta(days=rng.randint(0, 365 * 65)),
            email=f"{first}.{last}{number}@exemple.fr".lower().replace(" ", "").replace("é", "e").replace("è", "e")
            .replace("ï", "i").replace("ç", "c"),
            # 06 10 to 06 38: metropolitan mobiles (06 39 and 06 90… are overseas or unallocated).
            phone=" ".join(["06", str(10 + rng.randint(10, 99) % 29),
                            *(str(rng.randint(10, 99)) for _pair in range(3))]),
            address_number=str(rng.randint(1, 80)), address_street=street, postcode="45900",
            city=city, quartier=quartier,
        )
        db.session.add(citizen)
        citizens.append(citizen)
    db.session.flush()
    # Its own generator: the households do not shift the rest of the demo's draws.
    households = random.Random(f"{city}-households")
    today = utcnow().date()
    for first, second in zip(citizens[:10:2], citizens[1:10:2]):
        parent, child = sorted((first, second), key=lambda citizen: citizen.birth_date)
        child.birth_date = plausible_child_birth(parent.birth_date, today, households)
        db.session.add_all([HouseholdLink(citizen_id=child.id, relative_id=parent.id, relation="parent"),
                            HouseholdLink(citizen_id=parent.id, relative_id=child.id, relation="child")])
    return citizens


# A parent's age at the child's birth, in the demo's households.
PARENT_AGE_AT_BIRTH = (20, 42)


def plausible_child_birth(parent_birth: date, today: date, rng: random.Random) -> date:
    """A birth date for a parent's child: 20 to 42 years after the parent's,
    and not after ``today`` (a parent born lately has a young child)."""
    youngest, oldest = PARENT_AGE_AT_BIRTH
    latest = min(add_years(parent_birth, oldest), today)
    earliest = min(add_years(parent_birth, youngest), latest)
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))

