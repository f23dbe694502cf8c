"""docs/api.md is true: its commands run against a live GRC — ``grc``
through the CLI runner, ``curl`` for real on 127.0.0.1 — and each answer has
the shape of the JSON shown under it (the shown error: exactly)."""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from grc_core.cli import cli
from grc_core.demo_requests import OPEN_TO_API, REQUEST_TYPES, SERVICES, WORKFLOW
from grc_core.extensions import db
from grc_core.models import RequestType, Service, Workflow
from grc_core.plugin_api.testing import in_commune, make_commune

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"```(sh|json)\n(.*?)```", re.S)
SHOWN_REFERENCE, SHOWN_TOKEN, SHOWN_CITIZEN = "2026-00042", "WzEsNDJd.…", "/citizens/1"


def examples() -> list[tuple[str, object]]:
    """(command, the JSON shown after it or None), in the page's order."""
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    out = []
    for position, (kind, text) in enumerate(blocks):
        if kind != "sh" or not re.search(r"^(curl|grc) ", text, re.M):
            continue
        following = blocks[position + 1] if position + 1 < len(blocks) else None
        shown = json.loads(following[1]) if following and following[0] == "json" else None
        commands = text.replace("\\\n", " ").strip().splitlines()
        out += [(command, shown if index == len(commands) - 1 else None) for index, command in enumerate(commands)]
    return out


def same_shape(answer, shown) -> bool:
    """The same keys, recursively, comparing the first item of lists (an empty list answers any)."""
    if isinstance(shown, list):
        return isinstance(answer, list) and (not answer or not shown or same_shape(answer[0], shown[0]))
    if isinstance(shown, dict):
        return isinstance(answer, dict) and set(answer) == set(shown) and all(
            same_shape(answer[key], value) for key, value in shown.items() if isinstance(value, (list, dict)))
    return True


@pytest.fixture
def demo_commune(app):
    commune_id = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve-sur-loire", plugins=[])
    app.extensions.pop("grc_api_limiter", None)
    with in_commune(app, commune_id):
        workflow = Workflow(code="commune.standard", label="Traitement standard", definition=WORKFLOW)
        services = {code: Service(code=code, name=name, direction=direction) for code, name, direction in SERVICES}
        db.session.add_all([workflow, *services.values()])
        for code, label, service, sla, fields in REQUEST_TYPES:
            if code in OPEN_TO_API:
                db.session.add(RequestType(code=code, label=label, fields=fields, service=services[service],
                                           workflow=workflow, sla_days=sla, channels=["guichet", "api"]))
        db.session.commit()
    return commune_id


@pytest.fixture
def live_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_every_example_of_the_integrators_guide_runs(app, demo_commune, live_url):
    env = {"PATH": os.environ["PATH"], "GRC": f"{live_url}/c/villeneuve-sur-loire/open311/v2",
           "API": f"{live_url}/api/v1"}
    ran = 0
    for command, shown in examples():
        citizen = f"/citizens/{env['CITIZEN']}" if env.get("CITIZEN") else None
        for placeholder, actual in ((SHOWN_REFERENCE, env.get("REFERENCE")), (SHOWN_TOKEN, env.get("TOKEN")),
                                    (SHOWN_CITIZEN, citizen)):
            if actual:
                command = command.replace(placeholder, actual)
        if command.startswith("grc "):
            result = app.test_cli_runner().invoke(cli, shlex.split(command)[1:])
            assert result.exit_code == 0, (command, result.output)
            env["KEY"] = re.search(r"^(grc_\S+)$", result.output, re.M).group(1)
            ran += 1
            continue
        done = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, (command, done.stderr)
        answer = json.loads(done.stdout)
        if shown is not None:
            assert same_shape(answer, shown) and answer, (command, answer)
            if isinstance(shown, list) and shown and shown[0].get("code") or "error" in shown:
                if env.get("CITIZEN"):  # the candidate of a duplicate is the citizen created before
                    shown = json.loads(json.dumps(shown).replace('"id": 1,', f'"id": {env["CITIZEN"]},'))
                assert answer == shown  # an error example: word for word
        if "-X POST" in command and isinstance(answer, list) and "service_request_id" in answer[0]:
            env["REFERENCE"], env["TOKEN"] = answer[0]["service_request_id"], answer[0]["token"]
        if "-X POST" in command and isinstance(answer, dict) and "request" in answer:
            env["REFERENCE"] = answer["request"]["reference"]
        if "-X POST" in command and isinstance(answer, dict) and "citizen" in answer:
            env["CITIZEN"] = str(answer["citizen"]["id"])
        ran += 1
    assert ran == 28
    with in_commune(app, demo_commune):
        from grc_core.models import Message, Request

        filed = db.session.query(Request).order_by(Request.id).all()
        assert [(r.channel, r.data["nature"]) for r in filed] == [("api", "nid_de_poule"), ("api", "eclairage")]
        assert db.session.query(Message).one().body == "Intervention prévue jeudi."
        from grc_core.models import Attachment, Citizen, Contact

        assert filed[1].state == "en_cours" and db.session.query(Attachment).one().filename == "plan.txt"
        assert [c.last_name for c in db.session.query(Citizen)] == ["Martin"]  # the duplicate was not created
        assert db.session.query(Contact).one().subject == "Horaires de la déchetterie"
