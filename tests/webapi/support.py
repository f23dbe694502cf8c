"""Data the API tests build on: a commune whose types are open to the
``api`` channel, and keys."""
from __future__ import annotations

from types import SimpleNamespace

from grc_core.extensions import db
from grc_core.models import RequestType, Service, Workflow
from grc_core.plugin_api.testing import in_commune, make_commune
from grc_core.webapi.keys import create_key

from tests.test_requests import WORKFLOW

STREET_FIELDS = [
    {"name": "nature", "label": "Nature du problème", "type": "choice", "required": True,
     "choices": [["nid_de_poule", "Nid-de-poule"], ["eclairage", "Éclairage"]]},
    {"name": "nombre", "label": "Nombre de points", "type": "integer", "min": 1, "max": 10},
    {"name": "dangereux", "label": "Dangereux", "type": "boolean"},
    {"name": "constate_le", "label": "Constaté le", "type": "date"},
    {"name": "remarques", "label": "Remarques", "type": "textarea"},
    {"name": "tags", "label": "Étiquettes", "type": "multichoice", "choices": [["a", "A"], ["b", "B"]]},
    {"name": "photo", "label": "Photo", "type": "file"},
]


def api_commune(app, name="Villeneuve-sur-Loire", insee="45901", slug="villeneuve", hostnames="", plugins=()):
    """A commune with a street-report type open to the API and a counter-only one.
    The API's rate counters start afresh (the last test's calls count no more)."""
    app.extensions.pop("grc_api_limiter", None)
    commune_id = make_commune(app, name, insee, slug, plugins=list(plugins), hostnames=hostnames)
    with in_commune(app, commune_id):
        voirie = Service(code="voirie", name="Voirie")
        workflow = Workflow(code="simple", label="Traitement simple", definition=WORKFLOW)
        db.session.add_all([voirie, workflow])
        db.session.flush()
        street = RequestType(code="voirie.signalement", label="Signalement sur la voirie", fields=STREET_FIELDS,
                             service_id=voirie.id, workflow_id=workflow.id, channels=["api", "guichet"])
        counter = RequestType(code="attestation", label="Attestation", fields=[], service_id=voirie.id,
                              workflow_id=workflow.id, channels=["guichet"])
        db.session.add_all([street, counter])
        db.session.commit()
        return SimpleNamespace(id=commune_id, slug=slug, street=street.id, counter=counter.id, workflow=workflow.id,
                               voirie=voirie.id)


def make_key(app, commune_id, scopes=("open311",), name="Appli signalements", role="accueil") -> str:
    with in_commune(app, commune_id):
        _key, secret = create_key(name=name, scopes=scopes, role=role)
        db.session.commit()
        return secret
