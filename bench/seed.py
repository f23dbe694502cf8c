"""Build a benchmark commune in bulk: five years of a 300,000-inhabitant town.

    python -m bench.seed --citizens 200000 --requests 1000000 [--database-url URL] [--reset]

What goes through the application's own code, as an administrator would do
it: the commune and its plugins (``enable_plugin`` copies the plugins'
services, workflows and request types), the commune's own services, workflows
and request types, the ~60 agents and their memberships. What is loaded in
bulk, bypassing the ORM because the ORM would take hours: citizens (search
keys computed by ``grc_core.citizens.search``, the functions the app uses),
requests, their history, messages, outbox rows and reference counters.

Bulk paths: SQLite gets SQLAlchemy Core ``insert()`` executemany in large
batches inside one transaction (WAL, ``synchronous=OFF`` while loading);
PostgreSQL gets ``COPY … FROM STDIN`` through psycopg 3. Both end with
ANALYZE (VACUUM ANALYZE on PostgreSQL). Everything is drawn from ``random.Random(seed)``: the same arguments
give the same data (dates are relative to today, so that "overdue" keeps its
meaning whenever the bench runs).
"""
from __future__ import annotations

import argparse
import bisect
import itertools
import json
import math
import random
import tempfile
import threading
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from . import french_data as fr

BENCH_PASSWORD = "bench-grc-2026"
BENCH_COMMUNE = ("Villeneuve-sur-Loire", "45901", "villeneuve-sur-loire")
# The agent the benchmark signs in as (manager: sees every service's queue).
BENCH_MANAGER = "dgs@villeneuve-sur-loire.fr"
BENCH_ACCUEIL = "accueil1@villeneuve-sur-loire.fr"
CHUNK = 10_000  # requests generated and written per batch (x ~9 rows each)
YEARS = 5

CHANNEL_WEIGHTS = {"guichet": 30, "telephone": 25, "courrier": 8, "email": 15, "web": 20, "api": 2}
PRIORITY_WEIGHTS = (("basse", 10), ("normale", 70), ("haute", 15), ("urgente", 5))


def default_database_url() -> str:
    folder = Path(tempfile.gettempdir()) / "grc_bench"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'grc_bench.sqlite'}"


def normalise_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


# One application built at a time in a process: Werkzeug compiles each URL rule
# through the ``ast`` module, whose constructor CPython 3.11 does not make
# thread-safe ("AST constructor recursion depth mismatch" when two threads
# build apps at once, as the campaign bench's smoke test does with its workers).
_BUILDING = threading.Lock()


def bench_app(url: str):
    """The application on the bench database, every installed plugin loaded."""
    from grc_core import create_app

    instance = Path(tempfile.gettempdir()) / "grc_bench" / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    with _BUILDING:
        return create_app({
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-secret-key",
            "INSTANCE_PATH": str(instance),
            "PLUGINS": "*",
            "SESSION_COOKIE_SECURE": False,
        })


# --- database lifecycle ----------------------------------------------------------

def reset_database(url: str) -> None:
    """Start from nothing: delete the SQLite file, or drop and recreate the PostgreSQL schema
    (creating the database when it does not exist)."""
    parsed = make_url(url)
    if not is_postgresql(url):
        path = Path(parsed.database)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}):
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    engine = create_engine(parsed, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def migrate(app) -> None:
    import flask_migrate

    with app.app_context():
        flask_migrate.upgrade(revision="heads")


# --- what goes through the application ------------------------------------------------

@dataclass
class TypeInfo:
    """What the generator needs to know of a request type and its workflow."""

    id: int
    code: str
    label: str
    service_id: int
    workflow_id: int
    sla_days: int | None
    priority: str
    channels: list[str]
    weight: float
    fields: list[dict]
    located: bool
    initial: tuple[str, str]                       # (state, kind)
    states_by_kind: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Reference:
    commune_id: int
    types: list[TypeInfo]
    agents_by_service: dict[int, list[int]]
    front_desk: list[int]
    services: dict[str, int]


def _field(name, label, type_="text", required=False, choices=(), **extra) -> dict:
    from grc_core.plugin_api import FieldSpec

    spec = asdict(FieldSpec(name=name, label=label, type=type_, required=required,
                            choices=tuple(choices), **extra))
    spec["choices"] = [list(choice) for choice in spec["choices"]]
    return spec


def _state(code, label, kind, visible=True) -> dict:
    return {"code": code, "label": label, "kind": kind, "visible": visible}


def _transition(code, label, source, target, **extra) -> dict:
    base = {"code": code, "label": label, "source": list(source), "target": target,
            "roles": ["admin", "manager", "agent"], "permission": None, "comment_required": False,
            "required_fields": [], "notify_citizen": False, "set_due_days": None}
    base.update(extra)
    return base


# Workflows a commune admin would build in the back office for its own types.
COMMUNE_WORKFLOWS = {
    "signalement": ("Signalement sur l'espace public", {
        "states": [
            _state("nouveau", "Nouveau", "new"),
            _state("pris_en_compte", "Pris en compte", "open"),
            _state("intervention_planifiee", "Intervention planifiée", "open"),
            _state("attente_usager", "En attente de précisions", "waiting"),
            _state("resolu", "Résolu", "closed"),
            _state("sans_suite", "Classé sans suite", "closed"),
        ],
        "transitions": [
            _transition("prendre_en_compte", "Prendre en compte", ["nouveau"], "pris_en_compte",
                        roles=["admin", "manager", "agent", "accueil"], notify_citizen=True),
            _transition("planifier", "Planifier l'intervention", ["pris_en_compte"], "intervention_planifiee"),
            _transition("demander_precisions", "Demander des précisions", ["pris_en_compte"], "attente_usager",
                        comment_required=True, notify_citizen=True),
            _transition("precisions_recues", "Précisions reçues", ["attente_usager"], "pris_en_compte"),
            _transition("resoudre", "Marquer résolu", ["pris_en_compte", "intervention_planifiee"], "resolu",
                        notify_citizen=True, set_due_days=0),
            _transition("classer", "Classer sans suite", ["nouveau", "pris_en_compte", "attente_usager"],
                        "sans_suite", comment_required=True, notify_citizen=True, set_due_days=0),
        ],
        "timers": [{"code": "relance", "state": "attente_usager", "transition": "classer",
                    "delay_days": 30, "delay_months": 0, "anchor": "entered_state"}],
    }),
    "rendez_vous": ("Demande de rendez-vous", {
        "states": [
            _state("demande", "Demandé", "new"),
            _state("propose", "Créneau proposé", "waiting"),
            _state("confirme", "Confirmé", "open"),
            _state("honore", "Honoré", "closed"),
            _state("annule", "Annulé", "closed"),
        ],
        "transitions": [
            _transition("proposer", "Proposer un créneau", ["demande"], "propose",
                        roles=["admin", "manager", "agent", "accueil"], notify_citizen=True),
            _transition("confirmer", "Confirmer", ["propose"], "confirme", notify_citizen=True),
            _transition("honorer", "Rendez-vous honoré", ["confirme"], "honore", set_due_days=0),
            _transition("annuler", "Annuler", ["demande", "propose", "confirme"], "annule",
                        notify_citizen=True, set_due_days=0),
        ],
        "timers": [],
    }),
}

# Request types a commune admin defines (code, label, service, workflow, SLA, priority, channels, weight, located, fields)
COMMUNE_TYPES = (
    ("signalement_voirie", "Signalement voirie", "voirie", "signalement", 10, "normale", None, 18, True,
     [_field("nature", "Nature du problème", "choice", True,
             (("nid_de_poule", "Nid-de-poule"), ("trottoir", "Trottoir"), ("eclairage", "Éclairage"),
              ("signalisation", "Signalisation"))),
      _field("adresse", "Adresse", "address", True)]),
    ("depot_sauvage", "Dépôt sauvage", "proprete", "signalement", 5, "haute", None, 10, True,
     [_field("volume", "Volume estimé (m³)", "decimal", False, min=0, max=100),
      _field("adresse", "Adresse", "address", True)]),
    ("demande_elagage", "Demande d'élagage", "espaces_verts", "signalement", 20, "basse", None, 5, True,
     [_field("adresse", "Adresse", "address", True)]),
    ("nuisances_sonores", "Nuisances sonores", "proprete", "signalement", 15, "normale",
     ["telephone", "courrier", "email", "web"], 4, True,
     [_field("horaires", "Horaires des nuisances", "text")]),
    ("rendez_vous_titres", "Demande de rendez-vous (titres d'identité)", "etat_civil.etat_civil", "rendez_vous",
     5, "normale", ["guichet", "telephone", "web"], 20, False,
     [_field("titre", "Titre demandé", "choice", True,
             (("cni", "Carte nationale d'identité"), ("passeport", "Passeport"), ("les_deux", "Les deux"))),
      _field("personnes", "Nombre de personnes", "integer", True, min=1, max=6)]),
)
PLUGIN_TYPE_WEIGHT = 4  # each plugin type; commune types above carry most of the volume


def _workflow_states(definition: dict) -> tuple[tuple[str, str], dict[str, list[str]]]:
    by_kind: dict[str, list[str]] = {}
    for state in definition.get("states", []):
        by_kind.setdefault(state["kind"], []).append(state["code"])
    first = definition["states"][0]
    initial = (by_kind["new"][0], "new") if "new" in by_kind else (first["code"], first["kind"])
    return initial, by_kind


def build_commune(app, rng: random.Random, commune: tuple[str, str, str] = BENCH_COMMUNE) -> Reference:
    """The commune (name, INSEE code, slug), its plugins, services, workflows,
    request types and agents — through the application's code, as an
    administrator would."""
    from grc_core.accounts import get_or_create_commune
    from grc_core.extensions import db
    from grc_core.models import Membership, RequestType, Service, User, Workflow
    from grc_core.tenancy import enable_plugin, use_commune

    registry = app.extensions["grc"]
    name, insee, slug = commune
    commune, _ = get_or_create_commune(name, insee, slug, plugins=[])
    for plugin in registry.names:
        enable_plugin(commune, plugin)
    db.session.flush()
    with use_commune(commune):
        for code, label, direction, email in fr.SERVICES_OF_THE_COMMUNE:
            db.session.add(Service(code=code, name=label, direction=direction, email=email))
        db.session.flush()
        services = {s.code: s for s in db.session.scalars(select(Service))}
        workflows = {w.code: w for w in db.session.scalars(select(Workflow))}
        for code, (label, definition) in COMMUNE_WORKFLOWS.items():
            workflows[code] = Workflow(code=code, label=label, definition=definition)
            db.session.add(workflows[code])
        for code, label, service, workflow, sla, priority, channels, _w, _located, fields in COMMUNE_TYPES:
            db.session.add(RequestType(
                code=code, label=label, plugin=None, fields=fields,
                service=services.get(service) or services["voirie"], workflow=workflows[workflow],
                sla_days=sla, priority=priority, channels=channels or list(CHANNEL_WEIGHTS), public=True,
            ))
        db.session.flush()

        # ~60 agents. One password hash for all: scrypt is slow on purpose.
        model = User(email="x", full_name="x")
        model.set_password(BENCH_PASSWORD)
        service_list = sorted(services.values(), key=lambda s: s.code)
        people = [("admin", "Claire Morel", "admin", [])]
        people += [("dgs", "Philippe Garnier", "manager", []), ("dst", "Valérie Chauvin", "manager", []),
                   ("dga", "Olivier Besson", "manager", [])]
        people += [(f"accueil{i}", f"{rng.choice(fr.FIRST_NAMES_F)} {rng.choice(fr.LAST_NAMES)}", "accueil", [])
                   for i in range(1, 9)]
        people += [("elu1", "Jean-Marc Lefèvre", "elu", []), ("elu2", "Brigitte Roussel", "elu", [])]
        for i in range(1, 46):
            service = service_list[i % len(service_list)]
            people.append((f"agent{i}", f"{rng.choice(fr.FIRST_NAMES_F + fr.FIRST_NAMES_M)} "
                           f"{rng.choice(fr.LAST_NAMES)}", "agent", [service]))
        for local, full_name, role, member_of in people:
            user = User(email=f"{local}@{slug}.fr", full_name=full_name, password_hash=model.password_hash)
            db.session.add(user)
            db.session.flush()
            # A manager sees every service; CCAS files also need social.read.
            extra = ["social.read"] if role in ("admin", "manager") and "social" in registry.names else []
            db.session.add(Membership(user=user, role=role, services=member_of if role == "agent" else
                                      (service_list if role == "manager" else []), permissions=extra))
        db.session.flush()

        agents_by_service: dict[int, list[int]] = {}
        front_desk = []
        for membership in db.session.scalars(select(Membership)):
            if membership.role == "agent":
                for service in membership.services:
                    agents_by_service.setdefault(service.id, []).append(membership.user_id)
            elif membership.role == "accueil":
                front_desk.append(membership.user_id)

        weights = {code: weight for code, *_rest, weight, _l, _f in
                   ((t[0], t[7], t[8], t[9]) for t in COMMUNE_TYPES)}
        located = {t[0] for t in COMMUNE_TYPES if t[8]}
        types = []
        fallback_service = services["voirie"].id
        for request_type in db.session.scalars(select(RequestType).order_by(RequestType.id)):
            workflow = request_type.workflow
            if workflow is None or not workflow.definition.get("states"):
                continue  # a type without a workflow cannot hold requests
            initial, by_kind = _workflow_states(workflow.definition)
            types.append(TypeInfo(
                id=request_type.id, code=request_type.code, label=request_type.label,
                service_id=request_type.service_id or fallback_service, workflow_id=workflow.id,
                sla_days=request_type.sla_days, priority=request_type.priority,
                channels=list(request_type.channels or CHANNEL_WEIGHTS),
                weight=weights.get(request_type.code, PLUGIN_TYPE_WEIGHT), fields=list(request_type.fields or []),
                located=request_type.code in located, initial=initial, states_by_kind=by_kind,
            ))
    db.session.commit()
    return Reference(commune_id=commune.id, types=types, agents_by_service=agents_by_service,
                     front_desk=front_desk, services={code: s.id for code, s in services.items()})


# --- bulk writers -----------------------------------------------------------------------

class SQLiteWriter:
    """Core ``insert()`` executemany in large batches, one transaction.

    The statement is compiled once and each value goes through its column
    type's own bind processor (what the ORM would store); only the per-row
    parameter dictionaries of ``Connection.execute`` are skipped, which
    otherwise cost more than SQLite's own work.
    """

    def __init__(self, engine):
        self.connection = engine.connect()
        self.connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        self.connection.exec_driver_sql("PRAGMA synchronous=OFF")
        self.connection.exec_driver_sql("PRAGMA cache_size=-400000")  # 400 MB while loading
        self.connection.commit()  # PRAGMAs run outside the load's transaction
        self.transaction = self.connection.begin()
        self.dialect = engine.dialect
        self.cursor = self.connection.connection.cursor()
        self.statements = {}

    def _statement(self, table, columns):
        key = (table.name, columns)
        if key not in self.statements:
            compiled = table.insert().compile(dialect=self.dialect, column_keys=list(columns))
            # The compiler adds the columns the loader leaves out but that have a
            # scalar Python default (a new column of the app): their default, row after row.
            order = [columns.index(name) if name in columns else _scalar_default(table.c[name])
                     for name in compiled.positiontup]
            processors = [table.c[name].type._cached_bind_processor(self.dialect) for name in compiled.positiontup]
            self.statements[key] = (compiled.string, order, processors)
        return self.statements[key]

    def write(self, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        sql, order, processors = self._statement(table, columns)
        steps = list(zip(order, processors))
        self.cursor.executemany(sql, [
            tuple(_value(row, i, process) for i, process in steps) for row in rows
        ])

    def finish(self) -> None:
        self.transaction.commit()
        self.connection.exec_driver_sql("PRAGMA synchronous=FULL")
        self.connection.exec_driver_sql("ANALYZE")
        self.connection.commit()
        self.connection.close()


class _Default:
    def __init__(self, value):
        self.value = value


def _scalar_default(column) -> _Default:
    default = column.default
    if default is None or not default.is_scalar:
        raise ValueError(f"the bench loader must give {column.table.name}.{column.name} (no scalar default)")
    return _Default(default.arg)


def _value(row: tuple, where, process):
    value = where.value if isinstance(where, _Default) else row[where]
    return process(value) if process else value


class PostgreSQLWriter:
    """``COPY … FROM STDIN`` through psycopg 3, one transaction."""

    def __init__(self, engine):
        self.raw = engine.raw_connection()
        self.raw.driver_connection.autocommit = False
        self.cursor = self.raw.cursor()
        self.cursor.execute("SET synchronous_commit TO OFF")
        # Foreign-key triggers fire per row and double the load time; the
        # generator only writes ids it has just written (the smoke test
        # checks it). Needs a superuser, which a bench database has.
        self.cursor.execute("SET session_replication_role = replica")

    def write(self, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        json_positions = [i for i, name in enumerate(columns) if table.c[name].type.__class__.__name__ == "JSON"]
        names = ", ".join(f'"{name}"' for name in columns)
        with self.cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            if json_positions:
                for row in rows:
                    row = list(row)
                    for position in json_positions:
                        row[position] = json.dumps(row[position], ensure_ascii=False)
                    copy.write_row(row)
            else:
                for row in rows:
                    copy.write_row(row)

    def finish(self) -> None:
        self.cursor.execute("SET session_replication_role = origin")
        self.raw.commit()
        for table in ("citizen", "request", "request_event", "message", "outbox_message", "reference_counter"):
            self.cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"COALESCE((SELECT max(id) FROM \"{table}\"), 1))")
        self.raw.commit()
        self.raw.driver_connection.autocommit = True
        # VACUUM as autovacuum would soon do on a live database: visibility
        # map (index-only scans, cheap counts) and hint bits set once, not
        # by the first queries of the benchmark.
        self.cursor.execute("VACUUM (ANALYZE)")
        self.raw.close()


# --- citizens ------------------------------------------------------------------------------

def _ascii(value: str) -> str:
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum() or ch in ".-")


def _phone(rng: random.Random) -> str:
    digits = f"0{rng.choice('6677123459')}{rng.randrange(10**8):08d}"
    style = rng.random()
    if style < 0.6:
        return " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    if style < 0.8:
        return digits
    if style < 0.9:
        return ".".join(digits[i:i + 2] for i in range(0, 10, 2))
    return "+33 " + digits[1] + " " + " ".join(digits[i:i + 2] for i in range(2, 10, 2))


CITIZEN_COLUMNS = (
    "id", "commune_id", "created_at", "updated_at", "civility", "first_name", "last_name", "birth_name",
    "birth_date", "birth_place", "email", "phone", "address_number", "address_street", "postcode", "city",
    "quartier", "name_key", "phonetic_key", "phone_key", "merged_into_id",
)


@dataclass
class CitizenFacts:
    """What the request generator needs to know of each citizen (by position)."""

    ids: list[int]
    emails: list[str]
    quartiers: list[str]


def citizen_rows(rng: random.Random, count: int, commune_id: int, first_id: int, now: datetime,
                 facts: CitizenFacts):
    from grc_core.citizens import search  # the app's own search keys

    streets = [(street, quartier) for quartier, names in fr.QUARTIERS.items() for street in names]
    start = now - timedelta(days=365 * YEARS)
    seen_emails: set[str] = set()
    today = now.date()
    for offset in range(count):
        female = rng.random() < 0.52
        first = rng.choice(fr.FIRST_NAMES_F if female else fr.FIRST_NAMES_M)
        last = rng.choice(fr.LAST_NAMES)
        birth_name = rng.choice(fr.LAST_NAMES) if female and rng.random() < 0.35 else ""
        age_days = int(rng.triangular(0, 95, 38) * 365.25)
        born = today - timedelta(days=age_days)
        street, quartier = rng.choice(streets)
        email = ""
        if age_days > 16 * 365 and rng.random() < 0.72:
            local = f"{_ascii(first)}.{_ascii(last)}"
            email = f"{local}@{rng.choice(fr.EMAIL_DOMAINS)}"
            if email in seen_emails:
                email = f"{local}{rng.randrange(10, 9999)}@{rng.choice(fr.EMAIL_DOMAINS)}"
            seen_emails.add(email)
        phone = _phone(rng) if age_days > 14 * 365 and rng.random() < 0.85 else ""
        created = start + timedelta(seconds=rng.randrange(365 * YEARS * 86400))
        citizen_id = first_id + offset
        facts.ids.append(citizen_id)
        facts.emails.append(email)
        facts.quartiers.append(quartier)
        keys = search.citizen_keys(first, last, birth_name, phone)
        yield (
            citizen_id, commune_id, created, created, "Mme" if female else "M.", first, last, birth_name,
            born, rng.choice(fr.BIRTH_PLACES), email, phone, str(rng.randrange(1, 180)), street, fr.POSTCODE,
            fr.CITY, quartier, keys["name_key"], keys["phonetic_key"], keys["phone_key"], None,
        )


# --- requests, history, messages, outbox ----------------------------------------------

REQUEST_COLUMNS = (
    "id", "commune_id", "reference", "request_type_id", "citizen_id", "channel", "priority", "service_id",
    "assignee_id", "data", "subject", "location", "latitude", "longitude", "quartier", "workflow_id", "state",
    "state_kind", "state_entered_at", "received_at", "due_at", "first_response_at", "closed_at",
    "reopened_count", "version",
)
EVENT_COLUMNS = ("id", "commune_id", "request_id", "at", "actor_id", "kind", "from_state", "to_state", "details")
MESSAGE_COLUMNS = ("id", "commune_id", "request_id", "at", "author_id", "public", "body")
OUTBOX_COLUMNS = ("id", "commune_id", "created_at", "recipient", "subject", "body", "request_id", "status",
                  "attempts", "next_attempt_at", "last_error", "sent_at")


def _status_mix(age_days: float) -> tuple[tuple[str, float], ...]:
    """How likely each state kind is, by age: old requests are almost all closed."""
    if age_days > 120:
        return (("closed", 0.97), ("open", 0.02), ("waiting", 0.01))
    if age_days > 30:
        return (("closed", 0.75), ("open", 0.17), ("waiting", 0.08))
    return (("closed", 0.35), ("open", 0.35), ("waiting", 0.15), ("new", 0.15))


def _pick(rng: random.Random, mix) -> str:
    roll = rng.random()
    for value, weight in mix:
        roll -= weight
        if roll <= 0:
            return value
    return mix[-1][0]


class RequestGenerator:
    """Streams requests in time order with coherent dates, states and history."""

    def __init__(self, rng: random.Random, reference: Reference, citizens: CitizenFacts, count: int, now: datetime,
                 first_ids: dict[str, int]):
        self.rng = rng
        self.ref = reference
        self.citizens = citizens
        self.count = count
        self.now = now
        self.next_id = dict(first_ids)
        self.counters: dict[int, int] = {}
        total = sum(t.weight for t in reference.types)
        self.type_cumulative = list(itertools.accumulate(t.weight / total for t in reference.types))
        self.streets = [(street, quartier) for quartier, names in fr.QUARTIERS.items() for street in names]
        # A few citizens come back often (Zipf-like): index drawn as n * u^2.
        self.citizen_count = len(citizens.ids)
        start = now - timedelta(days=365 * YEARS)
        span = (now - start).total_seconds() - 3600
        # Sorted arrival times, so that references follow the order of arrival.
        self.arrivals = sorted(rng.random() * span for _ in range(count))
        self.start = start
        self.manager_ids = reference.front_desk or [None]

    def _type(self) -> TypeInfo:
        index = bisect.bisect_left(self.type_cumulative, self.rng.random())
        return self.ref.types[min(index, len(self.ref.types) - 1)]

    def _channel(self, allowed: list[str]) -> str:
        options = [(c, CHANNEL_WEIGHTS.get(c, 1)) for c in allowed] or [("guichet", 1)]
        total = sum(w for _c, w in options)
        return _pick(self.rng, [(c, w / total) for c, w in options])

    def _id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def chunks(self):
        """Yield (requests, events, messages, outbox) lists of CHUNK requests."""
        from grc_core.requests.references import format_reference

        rng, ref, now = self.rng, self.ref, self.now
        commune_id = ref.commune_id
        batch = ([], [], [], [])
        for seconds in self.arrivals:
            received = self.start + timedelta(seconds=seconds)
            rtype = self._type()
            channel = self._channel(rtype.channels)
            priority = _pick(rng, [(p, w / 100) for p, w in PRIORITY_WEIGHTS]) if rng.random() < 0.3 else rtype.priority
            anonymous = rtype.located and rng.random() < 0.25
            citizen_index = None if anonymous else int(self.citizen_count * rng.random() ** 2)
            citizen_id = None if citizen_index is None else self.citizens.ids[citizen_index]
            email = "" if citizen_index is None else self.citizens.emails[citizen_index]
            location, latitude, longitude = "", None, None
            if rtype.located:
                street, quartier = rng.choice(self.streets)
                location = f"{rng.randrange(1, 180)} {street}, {fr.POSTCODE} {fr.CITY}"
                latitude = fr.CENTRE_LAT + rng.uniform(-0.03, 0.03)
                longitude = fr.CENTRE_LON + rng.uniform(-0.04, 0.04)
            else:
                quartier = self.citizens.quartiers[citizen_index] if citizen_index is not None else ""
            year = received.year
            self.counters[year] = self.counters.get(year, 0) + 1
            reference_text = format_reference(year, self.counters[year])

            age_days = (now - received).total_seconds() / 86400
            kind = _pick(rng, _status_mix(age_days))
            if kind not in rtype.states_by_kind:
                kind = "open" if "open" in rtype.states_by_kind else rtype.initial[1]
            state = rng.choice(rtype.states_by_kind[kind])
            due_at = received + timedelta(days=math.ceil(rtype.sla_days * 7 / 5)) if rtype.sla_days else None
            first_response = closed = None
            if kind != "new":
                first_response = min(received + timedelta(hours=rng.expovariate(1 / 30)),
                                     now - timedelta(minutes=5))
            if kind == "closed":
                typical = (rtype.sla_days or 10) * 1.1
                closed = received + timedelta(days=rng.gammavariate(2.0, typical / 2.0))
                closed = max(closed, first_response + timedelta(minutes=10))
                closed = min(closed, now - timedelta(minutes=1))
                first_response = min(first_response, closed)
            service_id = rtype.service_id
            members = ref.agents_by_service.get(service_id) or []
            assignee = rng.choice(members) if members and (kind != "new" or rng.random() < 0.2) else None
            if kind == "closed":
                entered = closed
            elif kind == "new":
                entered = received
            else:
                entered = first_response + (now - first_response) * rng.random() * 0.5
            request_id = self._id("request")
            batch[0].append((
                request_id, commune_id, reference_text, rtype.id, citizen_id, channel, priority, service_id,
                assignee, self._data(rtype, location), self._subject(rtype), location, latitude, longitude,
                quartier, rtype.workflow_id, state, kind, entered, received, due_at, first_response, closed, 0, 1,
            ))
            self._history(batch, request_id, rtype, channel, received, kind, state, first_response, closed,
                          entered, assignee, email, reference_text)
            if len(batch[0]) >= CHUNK:
                yield batch
                batch = ([], [], [], [])
        if batch[0]:
            yield batch

    def _subject(self, rtype: TypeInfo) -> str:
        subjects = fr.SUBJECTS.get(rtype.code)
        if subjects:
            return self.rng.choice(subjects)
        return self.rng.choice(fr.DEFAULT_SUBJECTS).format(label=rtype.label.lower())[:200]

    def _data(self, rtype: TypeInfo, location: str) -> dict:
        data = {}
        for spec in rtype.fields:
            kind = spec.get("type")
            if kind == "choice" and spec.get("choices"):
                data[spec["name"]] = self.rng.choice(spec["choices"])[0]
            elif kind == "address":
                data[spec["name"]] = location
            elif kind == "integer":
                data[spec["name"]] = self.rng.randint(int(spec.get("min") or 1), int(spec.get("max") or 3))
            elif kind == "decimal":
                data[spec["name"]] = round(self.rng.uniform(0.5, 6), 1)
            elif kind == "text":
                data[spec["name"]] = "Tous les soirs après 22 h"
        return data

    def _history(self, batch, request_id, rtype, channel, received, kind, state, first_response, closed,
                 entered, assignee, email, reference_text) -> None:
        rng, commune_id = self.rng, self.ref.commune_id
        events, messages, outbox = batch[1], batch[2], batch[3]
        front = rng.choice(self.manager_ids) if channel in ("guichet", "telephone", "courrier") else None
        initial = rtype.initial[0]
        events.append((self._id("request_event"), commune_id, request_id, received, front, "created", None,
                       initial, {"channel": channel}))
        events.append((self._id("request_event"), commune_id, request_id, received, None, "routed", None, None,
                       {"service_id": rtype.service_id, "reason": "service par défaut du type"}))
        if assignee is not None:
            events.append((self._id("request_event"), commune_id, request_id, received + timedelta(minutes=3),
                           None, "assigned", None, None, {"assignee_id": assignee}))
        # Messages: about two per request, at points between arrival and now/closure.
        last = closed or (entered if kind != "new" else received + timedelta(hours=1))
        last = min(last, self.now)
        for _ in range(rng.choice((0, 1, 2, 2, 3, 4))):
            at = received + (last - received) * rng.random()
            public = rng.random() < 0.55
            body = rng.choice(fr.PUBLIC_MESSAGES if public else fr.INTERNAL_NOTES)
            messages.append((self._id("message"), commune_id, request_id, at, assignee, public, body))
            if public:
                events.append((self._id("request_event"), commune_id, request_id, at, assignee, "message",
                               None, None, {"public": True}))
        if kind == "new":
            return
        open_states = rtype.states_by_kind.get("open") or [state]
        first_open = open_states[0]
        events.append((self._id("request_event"), commune_id, request_id, first_response, assignee, "transition",
                       initial, first_open, {}))
        if kind == "waiting" or (kind == "closed" and rng.random() < 0.2):
            waiting = (rtype.states_by_kind.get("waiting") or [first_open])[0]
            at = first_response + ((closed or self.now) - first_response) * 0.3
            events.append((self._id("request_event"), commune_id, request_id, at, assignee, "transition",
                           first_open, waiting, {"comment": "Pièce justificative demandée"}))
        if kind == "closed":
            events.append((self._id("request_event"), commune_id, request_id, closed, assignee, "transition",
                           first_open, state, {}))
            if email and rng.random() < 0.5:
                events.append((self._id("request_event"), commune_id, request_id, closed, None, "notification",
                               None, None, {"to": email}))
                outbox.append((self._id("outbox_message"), commune_id, closed, email,
                               f"Votre demande {reference_text}", "Bonjour,\n\nVotre demande est traitée.\n",
                               request_id, "sent", 1, closed, "", closed + timedelta(seconds=40)))
        elif email and rng.random() < 0.1:
            status = "pending" if entered > self.now - timedelta(days=1) else "sent"
            outbox.append((self._id("outbox_message"), commune_id, entered, email,
                           f"Votre demande {reference_text}", "Bonjour,\n\nVotre demande avance.\n",
                           request_id, status, 1 if status == "sent" else 0, entered, "",
                           entered + timedelta(seconds=40) if status == "sent" else None))


# --- orchestration ----------------------------------------------------------------------

@dataclass
class SeedReport:
    database_url: str
    citizens: int
    requests: int
    rows: dict[str, int]
    seconds: float
    commune_id: int

    def lines(self) -> list[str]:
        total = sum(self.rows.values())
        out = [f"Loaded {total:,} rows in {self.seconds:.1f} s ({total / self.seconds:,.0f} rows/s) "
               f"into {make_url(self.database_url).render_as_string(hide_password=True)}"]
        out += [f"  {table:<16} {count:>12,}" for table, count in self.rows.items()]
        return out


def seed(database_url: str, citizens: int, requests: int, reset: bool = True, seed_value: int = 2026,
         log=print, commune: tuple[str, str, str] = BENCH_COMMUNE) -> SeedReport:
    """Build the benchmark commune (or, ``commune``, another one beside those
    already loaded: ``reset=False``); return row counts and timings."""
    from grc_core.extensions import db
    from grc_core.models import (
        Citizen, Message, OutboxMessage, ReferenceCounter, Request, RequestEvent,
    )

    database_url = normalise_url(database_url)
    started = time.perf_counter()
    if reset:
        reset_database(database_url)
    app = bench_app(database_url)
    migrate(app)
    rng = random.Random(seed_value)
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    with app.app_context():
        reference = build_commune(app, rng, commune)
        log(f"  commune, plugins, {len(reference.types)} request types, agents: "
            f"{time.perf_counter() - started:.1f} s")
        engine = db.engine
        first_ids = {}
        with engine.connect() as connection:
            for table in ("citizen", "request", "request_event", "message", "outbox_message",
                          "reference_counter"):
                first_ids[table] = (connection.scalar(select(func.max(db.metadata.tables[table].c.id))) or 0) + 1
        writer = PostgreSQLWriter(engine) if is_postgresql(database_url) else SQLiteWriter(engine)
        rows = {"citizen": 0, "request": 0, "request_event": 0, "message": 0, "outbox_message": 0,
                "reference_counter": 0}
        facts = CitizenFacts([], [], [])
        step = time.perf_counter()
        batch = []
        for row in citizen_rows(rng, citizens, reference.commune_id, first_ids["citizen"], now, facts):
            batch.append(row)
            if len(batch) >= 20_000:
                writer.write(Citizen.__table__, CITIZEN_COLUMNS, batch)
                rows["citizen"] += len(batch)
                batch = []
        writer.write(Citizen.__table__, CITIZEN_COLUMNS, batch)
        rows["citizen"] += len(batch)
        log(f"  citizens: {rows['citizen']:,} in {time.perf_counter() - step:.1f} s")

        step = time.perf_counter()
        generator = RequestGenerator(rng, reference, facts, requests, now, first_ids)
        tables = ((Request.__table__, REQUEST_COLUMNS), (RequestEvent.__table__, EVENT_COLUMNS),
                  (Message.__table__, MESSAGE_COLUMNS), (OutboxMessage.__table__, OUTBOX_COLUMNS))
        for chunk in generator.chunks():
            for (table, columns), chunk_rows in zip(tables, chunk):
                writer.write(table, columns, chunk_rows)
                rows[table.name] += len(chunk_rows)
            if rows["request"] % 100_000 == 0:
                log(f"  requests: {rows['request']:,} ({time.perf_counter() - step:.0f} s)")
        counters = [(first_ids["reference_counter"] + index, reference.commune_id, year, value)
                    for index, (year, value) in enumerate(sorted(generator.counters.items()))]
        writer.write(ReferenceCounter.__table__, ("id", "commune_id", "year", "value"), counters)
        rows["reference_counter"] = len(counters)
        log(f"  requests and history: {time.perf_counter() - step:.1f} s; committing and analysing")
        writer.finish()
        count_aggregates(engine, reference.commune_id, rows, log)
        engine.dispose()
    return SeedReport(database_url, citizens, requests, rows, time.perf_counter() - started, reference.commune_id)


def count_aggregates(engine, commune_id: int, rows: dict, log) -> None:
    """Loaded outside the ORM: the dashboards' daily counters (per type, per
    channel), histograms of durations and surveys per day are recounted, as
    `grc indicators rebuild` does after any bulk load."""
    from grc_core.indicators import daily, durations
    from plugins.enquetes import day_counts

    for table, count_all in (("request_day_stat", daily.count_all), ("request_channel_stat", daily.count_channels),
                             ("request_duration_stat", durations.count_all),
                             ("enquetes_day_stat", day_counts.count_all)):
        step = time.perf_counter()
        with engine.begin() as connection:
            rows[table] = count_all(connection, commune_id)
            # Counted after the load's ANALYZE: without statistics SQLite (which
            # never gathers them itself) chose other plans for the dashboards.
            connection.exec_driver_sql(f"ANALYZE {table}")
        log(f"  {table} (dashboards): {rows[table]:,} rows in {time.perf_counter() - step:.1f} s")


def complete_schema(url: str, log) -> None:
    """Data reused from an earlier run may predate tables the application
    added since (the histograms of durations): create them and recount the
    dashboards' aggregates."""
    from sqlalchemy import inspect

    from grc_core.extensions import db
    from grc_core.models import Commune

    app = bench_app(url)
    with app.app_context():
        missing = set(db.metadata.tables) - set(inspect(db.engine).get_table_names())
        if missing:
            log(f"  tables added since the load: {', '.join(sorted(missing))}")
            db.create_all()
            commune_id = db.session.scalar(select(Commune.id).where(Commune.slug == BENCH_COMMUNE[2]))
            db.session.remove()
            count_aggregates(db.engine, commune_id, {}, log)
        db.engine.dispose()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="", help="default: an SQLite file in the temp folder")
    parser.add_argument("--reset", action="store_true", help="drop everything first (required on a used database)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    url = args.database_url or default_database_url()
    report = seed(url, args.citizens, args.requests, reset=args.reset, seed_value=args.seed)
    for line in report.lines():
        print(line)


if __name__ == "__main__":
    main()
