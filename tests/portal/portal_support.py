"""What the portal's tests build on: two communes with a démarche open
online, citizens signing up through the pages, and the links they get by
e-mail (read from the outbox, as the citizen reads his mail)."""
from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import CitizenAccount, OutboxMessage, RequestType, Service, Workflow
from grc_core.plugin_api.testing import csrf_token, in_commune, make_commune
from grc_core.tenancy import unscoped

PASSWORD = "un-mot-de-passe-long"
WORKFLOW = {
    "states": [
        {"code": "nouvelle", "label": "Nouvelle", "kind": "new", "visible": True},
        {"code": "tri", "label": "Tri interne", "kind": "open", "visible": False},
        {"code": "en_cours", "label": "En cours", "kind": "open", "visible": True},
        {"code": "attente", "label": "En attente de pièces", "kind": "waiting", "visible": True},
        {"code": "close", "label": "Close", "kind": "closed", "visible": True},
    ],
    "transitions": [
        {"code": "trier", "label": "Trier", "source": ["nouvelle"], "target": "tri",
         "roles": ["admin", "manager", "agent"], "permission": None, "comment_required": False,
         "required_fields": [], "notify_citizen": False, "set_due_days": None},
        {"code": "prendre", "label": "Prendre en charge", "source": ["nouvelle", "tri"], "target": "en_cours",
         "roles": ["admin", "manager", "agent"], "permission": None, "comment_required": False,
         "required_fields": [], "notify_citizen": True, "set_due_days": None},
        {"code": "attendre", "label": "Demander une pièce", "source": ["en_cours"], "target": "attente",
         "roles": ["admin", "manager", "agent"], "permission": None, "comment_required": False,
         "required_fields": [], "notify_citizen": True, "set_due_days": None},
        {"code": "clore", "label": "Clore", "source": ["en_cours", "attente"], "target": "close",
         "roles": ["admin", "manager", "agent"], "permission": None, "comment_required": False,
         "required_fields": [], "notify_citizen": True, "set_due_days": None},
    ],
    "timers": [],
}
FIELDS = [
    {"name": "motif", "label": "Motif", "type": "textarea", "required": True},
    {"name": "nombre", "label": "Nombre de bacs", "type": "integer", "min": 1, "max": 10},
    {"name": "photo", "label": "Photo", "type": "file"},
]
LINK = re.compile(r"https?://[^\s]+/portal/account/[a-z-]+/[A-Za-z0-9_-]{20,}")
# The portal's two address forms (grc_core.tenancy.addresses), for the tests that walk both.
ADDRESS_FORMS = pytest.mark.parametrize("on_hostname", [False, True], ids=["slug-address", "own-hostname"])


def hostname_of(slug: str) -> str:
    return f"demarches.{slug}.example"


def setup_portal_commune(app, name="Villeneuve-sur-Loire", insee="45901", slug="villeneuve", on_hostname=False,
                         hostname=None):
    """A commune with a démarche open online (« bacs »), one that is not
    (« attestation », counter only) and one open online but inactive.
    ``on_hostname``: the commune has its own hostname (``hostname``, else
    :func:`hostname_of`) and ``base`` is its portal's address there
    (absolute: the test client sends it to that host)."""
    hostname = (hostname or hostname_of(slug)) if on_hostname else ""
    commune_id = make_commune(app, name, insee, slug, plugins=[], hostnames=hostname)
    with in_commune(app, commune_id):
        service = Service(code="proprete", name="Propreté", email="proprete@example.org")
        workflow = Workflow(code="simple", label="Traitement simple", definition=WORKFLOW)
        db.session.add_all([service, workflow])
        db.session.flush()
        bacs = RequestType(code="bacs", label="Demande de bacs", fields=FIELDS, service_id=service.id,
                           workflow_id=workflow.id, sla_days=5, channels=["guichet", "web"])
        attestation = RequestType(code="attestation", label="Attestation de domicile", fields=[],
                                  service_id=service.id, workflow_id=workflow.id, channels=["guichet"])
        ancien = RequestType(code="ancien", label="Ancienne démarche", fields=[], service_id=service.id,
                             workflow_id=workflow.id, channels=["web"], active=False)
        db.session.add_all([bacs, attestation, ancien])
        db.session.commit()
        base = f"http://{hostname}/portal" if on_hostname else f"/c/{slug}/portal"
        return SimpleNamespace(id=commune_id, slug=slug, bacs=bacs.id, attestation=attestation.id,
                               workflow=workflow.id, base=base, on_hostname=on_hostname, hostname=hostname)


def mails_to(app, email) -> list[OutboxMessage]:
    with app.app_context(), unscoped():
        return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email)
                                       .order_by(OutboxMessage.id)))


def on_test_client(url: str) -> str:
    """An e-mailed link as the test client opens it: a slug-form link as a
    path (on the client's host), a hostname-form link whole (on its host)."""
    return re.sub(r"^https?://[^/]+(?=/c/)", "", url)


def last_link(app, email) -> str:
    """The last portal link e-mailed to ``email`` (see :func:`on_test_client`)."""
    bodies = [m.body for m in mails_to(app, email)]
    found = LINK.findall(bodies[-1]) if bodies else []
    assert found, bodies
    return on_test_client(found[-1])


def sign_up(client, town, email="lea@example.org", first="Léa", last="Roux", born="1990-04-12",
            password=PASSWORD, **extra):
    data = {"csrf_token": csrf_token(client, f"{town.base}/account/sign-up"), "first_name": first,
            "last_name": last, "birth_date": born, "email": email, "password": password, "confirm": password,
            **extra}
    return client.post(f"{town.base}/account/sign-up", data=data)


def use_link(client, path):
    """Open an e-mailed link and press its button, as the citizen does."""
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={"csrf_token": csrf_token(client, path)})


def verified_citizen(app, client, town, email="lea@example.org", **identity):
    """A citizen signed up, verified and signed in on ``client``."""
    assert sign_up(client, town, email=email, **identity).status_code == 200
    response = use_link(client, last_link(app, email))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def account(app, town, email) -> CitizenAccount | None:
    with in_commune(app, town.id):
        found = db.session.scalar(select(CitizenAccount).where(CitizenAccount.email == email))
        if found is not None:
            db.session.expunge(found)
        return found


def is_portal_rule(rule) -> bool:
    """The portal's routes, and the plugins' own portal routes (``/c/<commune>/<plugin>/portal/…``: a
    survey answered on a request's page): their principal is a citizen's account, walked here."""
    return rule.endpoint.startswith("portal.") or (rule.rule.startswith("/c/<commune_slug>/")
                                                  and "/portal/" in rule.rule)


BIRTH = date(1990, 4, 12)


def english_client(app):
    """A test client whose browser asks for English pages."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
