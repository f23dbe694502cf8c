"""The workflow editor of the back office, the e-mail templates and the outbox pages.

The tests read the editor's HTML form like a browser does (inputs, checked
boxes, selected options), change what an admin would change, and post it.
"""
from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from grc_core.extensions import db
from grc_core.models import AuditEvent, NotificationTemplate, OutboxMessage, Request, Workflow
from grc_core.plugin_api.testing import in_commune, login, post_form
from grc_core.plugin_api import StateSpec, TimerSpec, TransitionSpec, WorkflowDecl
from grc_core.workflows.definition import fingerprint, from_decl
from tests.test_workflow_engine import act, new_request, setup_commune, simple_definition


class FormReader(HTMLParser):
    """What a browser would submit from the page's (single) POST form."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: tuple[str, list, list] | None = None  # name, options, selected
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind == "submit":
                return
            if kind == "checkbox" and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self._select = (name, [], [])
        elif tag == "option" and self._select is not None:
            self._select[1].append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select[2].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, options, selected = self._select
            self.fields.append((name, (selected or options or [""])[0]))
            self._select = None
        if tag == "form":
            self._in_form = False


def read_form(html: str) -> MultiDict:
    reader = FormReader()
    reader.feed(html)
    return MultiDict(reader.fields)


def row_of(form: MultiDict, kind: str, code: str) -> str:
    """The field prefix (``state-2-``) of the row with this original code."""
    for key, value in form.items(multi=True):
        if key.startswith(f"{kind}-") and key.endswith("-original") and value == code:
            return key[: -len("original")]
    raise KeyError(code)


def check(form: MultiDict, name: str, values: list[str]) -> None:
    form.setlist(name, values)


def put(form: MultiDict, values: dict) -> None:
    """Type into fields (MultiDict.update would add a second value instead)."""
    for name, value in values.items():
        form[name] = value


@pytest.fixture
def commune(app):
    return setup_commune(app)


@pytest.fixture
def admin(app, client, commune):
    login(client, "admin@villeneuve.fr")
    return client


def workflow_id(app, commune) -> int:
    with in_commune(app, commune):
        return db.session.scalar(select(Workflow.id))


def stored(app, commune) -> dict:
    with in_commune(app, commune):
        return db.session.scalar(select(Workflow)).definition


def editor(client, url) -> MultiDict:
    page = client.get(url)
    assert page.status_code == 200
    return read_form(page.get_data(as_text=True))


def test_the_list_shows_the_communes_workflows(app, admin, commune):
    new_request(app, commune)
    page = admin.get("/admin/core_workflows/").get_data(as_text=True)
    assert "Traitement simple" in page and "/admin/core_workflows/%d/" % workflow_id(app, commune) in page


def test_editing_a_label_and_who_may_act_is_saved(app, admin, commune):
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    before = stored(app, commune)
    form = editor(admin, url)
    state = row_of(form, "state", "en_cours")
    form[state + "label"] = "Instruction en cours"
    take = row_of(form, "transition", "prendre")
    check(form, take + "roles", ["manager", "accueil"])
    form[take + "set_due_days"] = "10"
    timer = row_of(form, "timer", "classement_tacite")
    form[timer + "delay_months"] = "3"
    response = admin.post(url, data=form)
    assert response.status_code == 302
    assert "Circuit « Traitement simple » enregistré." in admin.get(response.headers["Location"]).get_data(as_text=True)
    after = stored(app, commune)
    assert after["states"][1] == {"code": "en_cours", "label": "Instruction en cours", "kind": "open",
                                  "visible": True}
    prendre = next(t for t in after["transitions"] if t["code"] == "prendre")
    assert prendre["roles"] == ["manager", "accueil"] and prendre["set_due_days"] == 10
    assert after["timers"][0]["delay_months"] == 3
    # Everything else is as it was.
    assert [t["code"] for t in after["transitions"]] == [t["code"] for t in before["transitions"]]
    assert next(t for t in after["transitions"] if t["code"] == "demander") == next(
        t for t in before["transitions"] if t["code"] == "demander")
    with in_commune(app, commune):
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "workflow.updated"))


def test_removing_the_only_closed_state_is_refused_with_the_reason(app, admin, commune):
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    before = stored(app, commune)
    form = editor(admin, url)
    form[row_of(form, "state", "close") + "remove"] = "1"
    response = admin.post(url, data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Rien n'a été enregistré" in page
    assert "Le circuit doit avoir au moins un état de type « clôturée »." in page
    assert stored(app, commune) == before


def test_a_dead_end_is_refused_with_the_reason(app, admin, commune):
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    before = stored(app, commune)
    form = editor(admin, url)
    for code in ("recevoir", "classer"):
        form[row_of(form, "transition", code) + "remove"] = "1"
    form[row_of(form, "timer", "classement_tacite") + "remove"] = "1"
    response = admin.post(url, data=form)
    assert response.status_code == 400
    assert ("L&#39;état « En attente de pièces » (attente) est une impasse : aucune transition n&#39;en sort"
            " et il n&#39;est pas de type « clôturée »." in response.get_data(as_text=True))
    assert stored(app, commune) == before


def test_a_timer_left_without_its_transition_is_refused(app, admin, commune):
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    form = editor(admin, url)
    form[row_of(form, "transition", "classer") + "remove"] = "1"
    response = admin.post(url, data=form)
    assert response.status_code == 400
    assert "La minuterie « classement_tacite » applique une transition inconnue « classer »." in response.get_data(as_text=True)


def test_a_state_requests_are_in_cannot_be_removed(app, admin, commune):
    request_id = new_request(app, commune)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        act(request, "prendre", "agent@villeneuve.fr")
        act(request, "demander", "agent@villeneuve.fr", comment="Pièce")
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    before = stored(app, commune)
    form = editor(admin, url)
    assert form[row_of(form, "state", "attente") + "label"] == "En attente de pièces"
    form[row_of(form, "state", "attente") + "remove"] = "1"
    for code in ("recevoir", "classer", "demander"):
        form[row_of(form, "transition", code) + "remove"] = "1"
    form[row_of(form, "timer", "classement_tacite") + "remove"] = "1"
    response = admin.post(url, data=form)
    assert response.status_code == 400
    assert ("1 demande est à l&#39;état « En attente de pièces » ; faites-la d&#39;abord passer dans un autre état."
            in response.get_data(as_text=True))
    assert stored(app, commune) == before


def test_a_forged_rename_of_a_state_in_use_is_refused(app, admin, commune):
    new_request(app, commune)
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    before = stored(app, commune)
    form = editor(admin, url)
    row = row_of(form, "state", "nouvelle")
    form[row + "original"] = ""
    form[row + "code"] = "recue"
    take = row_of(form, "transition", "prendre")
    check(form, take + "source", ["recue"])
    response = admin.post(url, data=form)
    assert response.status_code == 400
    assert ("1 demande est à l&#39;état « Nouvelle » ; faites-la d&#39;abord passer dans un autre état."
            in response.get_data(as_text=True))
    assert stored(app, commune) == before


def test_adding_a_state_and_its_transitions(app, admin, commune):
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    form = editor(admin, url)
    form["action"] = "state"
    page = admin.post(url, data=form)
    assert page.status_code == 200
    form = read_form(page.get_data(as_text=True))
    new = "state-4-"
    assert form[new + "original"] == "" and form[new + "code"] == ""
    form[new + "code"], form[new + "label"], form[new + "kind"] = "avis", "Avis d'un service", "waiting"
    # Nothing is stored until saved.
    assert len(stored(app, commune)["states"]) == 4
    for _ in range(2):
        form["action"] = "transition"
        form = read_form(admin.post(url, data=form).get_data(as_text=True))
    ask, back = "transition-7-", "transition-8-"
    put(form, {ask + "code": "demander_avis", ask + "label": "Demander un avis", ask + "target": "avis",
                 back + "code": "avis_recu", back + "label": "Avis reçu", back + "target": "en_cours"})
    check(form, ask + "source", ["en_cours"])
    check(form, back + "source", ["avis"])
    check(form, back + "roles", ["agent"])
    form["action"] = "timer"
    form = read_form(admin.post(url, data=form).get_data(as_text=True))
    put(form, {"timer-1-code": "relance_avis", "timer-1-state": "avis", "timer-1-transition": "avis_recu",
                 "timer-1-delay_days": "15"})
    form["action"] = "save"
    response = admin.post(url, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    definition = stored(app, commune)
    assert definition["states"][4] == {"code": "avis", "label": "Avis d'un service", "kind": "waiting",
                                       "visible": True}
    added = {t["code"]: t for t in definition["transitions"]}
    assert added["demander_avis"]["source"] == ["en_cours"] and added["demander_avis"]["target"] == "avis"
    assert added["avis_recu"]["roles"] == ["agent"] and added["avis_recu"]["set_due_days"] is None
    assert definition["timers"][1] == {"code": "relance_avis", "state": "avis", "transition": "avis_recu",
                                       "delay_days": 15, "delay_months": 0, "anchor": "entered_state"}


def test_bad_codes_and_numbers_are_refused(app, admin, commune):
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    before = stored(app, commune)
    form = editor(admin, url)
    form["action"] = "state"
    form = read_form(admin.post(url, data=form).get_data(as_text=True))
    put(form, {"state-4-code": "Avis Service", "state-4-label": "Avis", "action": "save"})
    form[row_of(form, "timer", "classement_tacite") + "delay_days"] = "deux"
    page = admin.post(url, data=form).get_data(as_text=True)
    assert "« Avis Service » n&#39;est pas un code valide" in page
    assert "« classement_tacite » : « deux » n&#39;est pas un nombre entier." in page
    assert stored(app, commune) == before


def test_changing_a_states_kind_carries_the_requests_in_it(app, admin, commune):
    request_id = new_request(app, commune)
    with in_commune(app, commune):
        act(db.session.get(Request, request_id), "prendre", "agent@villeneuve.fr")
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    form = editor(admin, url)
    form[row_of(form, "state", "en_cours") + "kind"] = "waiting"
    assert admin.post(url, data=form).status_code == 302
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        assert (request.state, request.state_kind) == ("en_cours", "waiting")


def test_user_text_is_escaped(app, admin, commune):
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    form = editor(admin, url)
    form[row_of(form, "state", "en_cours") + "label"] = "<script>alert(1)</script>"
    assert admin.post(url, data=form).status_code == 302
    page = admin.get(url).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_changed_plugin_template_is_shown_and_never_applied(app, admin, commune, monkeypatch):
    decl = WorkflowDecl("demo.simple", "Simple", states=(
        StateSpec("nouvelle", "Nouvelle", "new"), StateSpec("close", "Close", "closed")),
        transitions=(TransitionSpec("clore", "Clore", ("nouvelle",), "close"),))
    registry = app.extensions["grc"]
    monkeypatch.setattr(registry, "workflows", lambda active=None: [decl])
    with in_commune(app, commune):
        workflow = db.session.scalar(select(Workflow))
        workflow.template = "demo.simple"
        workflow.template_version = fingerprint(from_decl(decl))
        db.session.commit()
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    assert "Le modèle de ce circuit fourni par le domaine a changé" not in admin.get(url).get_data(as_text=True)
    with in_commune(app, commune):
        db.session.scalar(select(Workflow)).template_version = "an older version"
        db.session.commit()
    assert "Le modèle de ce circuit fourni par le domaine a changé" in admin.get(url).get_data(as_text=True)
    assert "Le modèle du domaine a changé" in admin.get("/admin/core_workflows/").get_data(as_text=True)
    assert stored(app, commune) == simple_definition()


def test_an_agent_may_not_edit_workflows(app, client, commune):
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    before = stored(app, commune)
    login(client, "agent@villeneuve.fr")
    assert client.get("/admin/core_workflows/").status_code == 403
    assert client.get(url).status_code == 403
    assert post_form(client, url, {"label": "Piraté", "state-count": "0"}).status_code == 403
    assert client.get("/admin/core_notification_templates/").status_code == 403
    assert client.get("/admin/core_outbox/").status_code == 403
    assert stored(app, commune) == before


def test_another_communes_workflow_is_not_found(app, client, commune):
    other = setup_commune(app, insee="45902", slug="saint-aubin", name="Saint-Aubin")
    login(client, "admin@saint-aubin.fr")
    assert client.get(f"/admin/core_workflows/{workflow_id(app, commune)}/").status_code == 404
    assert client.get(f"/admin/core_workflows/{workflow_id(app, other)}/").status_code == 200


# --- e-mail templates and outbox ------------------------------------------------------

def test_an_email_template_with_unknown_placeholders_is_refused(app, admin, commune):
    wid = workflow_id(app, commune)
    response = post_form(admin, "/admin/core_notification_templates/new/", {
        "workflow_choice": str(wid), "state": "attente", "subject": "Demande {numero}",
        "body": "Bonjour {citizen",
    }, token_url="/admin/core_notification_templates/new/")
    page = response.get_data(as_text=True)
    assert "Variables inconnues : numero." in page
    assert "Une accolade n&#39;est pas fermée" in page
    response = post_form(admin, "/admin/core_notification_templates/new/", {
        "workflow_choice": str(wid), "state": "inexistant", "subject": "Demande {reference}", "body": "Bonjour",
    }, token_url="/admin/core_notification_templates/new/")
    assert "Cet état n&#39;existe pas dans ce circuit : « inexistant »." in response.get_data(as_text=True)
    with in_commune(app, commune):
        assert db.session.scalar(select(func.count()).select_from(NotificationTemplate)) == 0


def test_an_email_template_is_created_and_used(app, admin, commune):
    wid = workflow_id(app, commune)
    response = post_form(admin, "/admin/core_notification_templates/new/", {
        "workflow_choice": str(wid), "state": "attente", "subject": "Pièces manquantes ({reference})",
        "body": "Bonjour {citizen},\nil nous manque une pièce pour votre {type}.",
    }, token_url="/admin/core_notification_templates/new/")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    request_id = new_request(app, commune)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        act(request, "prendre", "agent@villeneuve.fr")
        act(request, "demander", "agent@villeneuve.fr", comment="Pièce")
        message = db.session.scalar(select(OutboxMessage))
        assert message.subject == "Pièces manquantes (VSL-2026-00001)"
        assert message.body == "Bonjour Léa Martin,\nil nous manque une pièce pour votre Signalement."
    again = post_form(admin, "/admin/core_notification_templates/new/", {
        "workflow_choice": str(wid), "state": "attente", "subject": "Doublon", "body": "Doublon",
    }, token_url="/admin/core_notification_templates/new/")
    assert "Il existe déjà un e-mail pour ce circuit, cet état et cette langue." in again.get_data(as_text=True)
    # The same state in English is another template: citizens whose record says English get it.
    english = post_form(admin, "/admin/core_notification_templates/new/", {
        "workflow_choice": str(wid), "state": "attente", "language_choice": "en",
        "subject": "Missing document ({reference})", "body": "Hello {citizen}, a document is missing.",
    }, token_url="/admin/core_notification_templates/new/")
    assert english.status_code == 302, english.get_data(as_text=True)[:2000]
    assert "English" in admin.get("/admin/core_notification_templates/").get_data(as_text=True)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        request.citizen.language = "en"
        act(request, "recevoir", "agent@villeneuve.fr", fields={"pieces": "oui"})
        act(request, "demander", "agent@villeneuve.fr", comment="Pièce")
        message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert (message.subject, message.body) == ("Missing document (VSL-2026-00001)",
                                                   "Hello Léa Martin, a document is missing.")


NEW_TEMPLATE = "/admin/core_notification_templates/new/"


def _template_count(app, commune) -> int:
    with in_commune(app, commune):
        return db.session.scalar(select(func.count()).select_from(NotificationTemplate))


@pytest.mark.parametrize("fields, message", [
    # The digest speaks of every request of the day: no one request's reference.
    ({"kind_choice": "digest", "subject": "Votre journée ({reference})", "body": "Bonjour {citizen}"},
     "Variables inconnues : reference. Disponibles : commune, citizen."),
    ({"kind_choice": "digest", "subject": "Votre journée", "body": "Bonjour {citoyen}"},
     "Variables inconnues : citoyen. Disponibles : commune, citizen."),
    ({"kind_choice": "digest", "workflow": True, "subject": "Votre journée", "body": "Bonjour"},
     "Le récapitulatif quotidien rassemble toutes les demandes : choisissez « Tous les circuits » et * pour "
     "l&#39;état."),
    ({"kind_choice": "digest", "state": "attente", "subject": "Votre journée", "body": "Bonjour"},
     "Le récapitulatif quotidien rassemble toutes les demandes"),
    ({"kind_choice": "digest", "subject": "", "body": "Bonjour"}, "Un e-mail doit avoir un objet."),
    ({"kind_choice": "sms", "body": "Demande {numero} : {status}"},
     "Variables inconnues : numero. Disponibles : reference, type, status, commune, citizen."),
    ({"kind_choice": "sms", "body": "Demande {reference"}, "Une accolade n&#39;est pas fermée"),
    ({"kind_choice": "courrier", "body": "Bonjour"}, "N&#39;est pas un choix valide."),
])
def test_a_bad_sms_or_digest_text_is_refused_with_the_reason_and_nothing_is_saved(app, admin, commune, fields,
                                                                                   message):
    fields = dict(fields)
    data = {"state": fields.pop("state", "*"), "subject": "", **fields}
    if data.pop("workflow", False):
        data["workflow_choice"] = str(workflow_id(app, commune))
    response = post_form(admin, NEW_TEMPLATE, data, token_url=NEW_TEMPLATE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page or html.unescape(message) in html.unescape(page), page[:3000]
    assert _template_count(app, commune) == 0


def test_the_sms_and_digest_texts_are_written_in_the_same_editor(app, admin, commune):
    page = admin.get(NEW_TEMPLATE).get_data(as_text=True)
    assert "SMS à chaque changement d&#39;état" in page and "Récapitulatif quotidien : objet et introduction" in page
    sms = post_form(admin, NEW_TEMPLATE, {"kind_choice": "sms", "state": "*", "subject": "ignoré",
                                          "body": "{commune} : {reference} en est à « {status} »."},
                    token_url=NEW_TEMPLATE)
    assert sms.status_code == 302, sms.get_data(as_text=True)[:2000]
    digest = post_form(admin, NEW_TEMPLATE, {"kind_choice": "digest", "state": "*", "language_choice": "fr",
                                             "subject": "{commune} : votre journée", "body": "Bonjour {citizen},"},
                       token_url=NEW_TEMPLATE)
    assert digest.status_code == 302, digest.get_data(as_text=True)[:2000]
    # The same kind, state and language again is refused; an e-mail there is another text.
    again = post_form(admin, NEW_TEMPLATE, {"kind_choice": "sms", "state": "*", "body": "Doublon"},
                      token_url=NEW_TEMPLATE)
    assert "Il existe déjà un texte de ce type pour ce circuit, cet état et cette langue." in \
        again.get_data(as_text=True)
    email = post_form(admin, NEW_TEMPLATE, {"state": "*", "subject": "Votre demande {reference}",
                                            "body": "Bonjour"}, token_url=NEW_TEMPLATE)
    assert email.status_code == 302
    with in_commune(app, commune):
        stored = {t.kind: (t.workflow_id, t.state, t.language, t.subject, t.body)
                  for t in db.session.scalars(select(NotificationTemplate))}
    assert stored == {"sms": (None, "*", "", "", "{commune} : {reference} en est à « {status} »."),
                      "digest": (None, "*", "fr", "{commune} : votre journée", "Bonjour {citizen},"),
                      "email": (None, "*", "", "Votre demande {reference}", "Bonjour")}
    listing = admin.get("/admin/core_notification_templates/").get_data(as_text=True)
    assert "SMS à chaque changement d" in listing and "Récapitulatif quotidien : objet et introduction" in listing


def test_the_outbox_page_lists_and_retries_failed_emails(app, admin, commune):
    from grc_core.notifications import enqueue_email

    with in_commune(app, commune):
        message = enqueue_email("lea.martin@example.org", "Votre demande <b>VSL</b>", "Bonjour")
        message.status, message.attempts, message.last_error = "failed", 8, "SMTPRecipientsRefused"
        db.session.commit()
        message_id = message.id
    page = admin.get("/admin/core_outbox/").get_data(as_text=True)
    assert "lea.martin@example.org" in page and "&lt;b&gt;VSL&lt;/b&gt;" in page
    response = post_form(admin, "/admin/core_outbox/action/", {"action": "retry", "rowid": str(message_id)},
                         token_url="/admin/core_outbox/")
    assert response.status_code == 302
    with in_commune(app, commune):
        message = db.session.get(OutboxMessage, message_id)
        assert (message.status, message.attempts) == ("pending", 0)


# --- timers in hours, with a condition, escalating (plugin contract v2) ----------------------

def test_an_admin_sets_an_escalation_in_hours_with_a_condition(app, admin, commune):
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    form = editor(admin, url)
    form["action"] = "timer"
    form = read_form(admin.post(url, data=form).get_data(as_text=True))
    put(form, {"timer-1-code": "danger_non_pris", "timer-1-state": "nouvelle", "timer-1-delay_days": "0",
               "timer-1-delay_hours": "4", "timer-1-action": "escalate", "timer-1-condition_field": "danger",
               "timer-1-condition_values": "oui, Oui ", "action": "save"})
    check(form, "timer-1-escalate", ["notify", "assign"])
    response = admin.post(url, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    timers = stored(app, commune)["timers"]
    assert timers[1] == {"code": "danger_non_pris", "state": "nouvelle", "transition": "", "delay_days": 0,
                         "delay_months": 0, "anchor": "entered_state", "delay_hours": 4,
                         "condition": {"field": "danger", "values": ["oui", "Oui"]},
                         "action": "escalate", "escalate": ["notify", "assign"]}
    # A timer that does not use them is stored as before.
    assert set(timers[0]) == {"code", "state", "transition", "delay_days", "delay_months", "anchor"}
    # The editor shows them back as saved.
    again = editor(admin, url)
    row = row_of(again, "timer", "danger_non_pris")
    assert again[row + "delay_hours"] == "4" and again[row + "action"] == "escalate"
    assert again.getlist(row + "escalate") == ["notify", "assign"]
    assert again[row + "condition_field"] == "danger" and again[row + "condition_values"] == "oui, Oui"


@pytest.mark.parametrize("change, message", [
    ({"action": "escalate"}, "Minuterie « danger_non_pris » : une escalade prévient le responsable du service, "
                             "lui attribue la demande, ou les deux."),
    ({"delay_hours": "-4"}, "Minuterie « danger_non_pris » : les délais sont des nombres entiers d&#39;heures, "
                            "de jours ou de mois, 0 ou plus."),
    ({"delay_hours": "quatre"}, "« danger_non_pris » : « quatre » n&#39;est pas un nombre entier."),
    ({"condition_values": "oui"}, "Minuterie « danger_non_pris » : choisissez le champ sur lequel porte la "
                                  "condition."),
    ({"condition_field": "danger"}, "Minuterie « danger_non_pris » : la condition demande un nom de champ et au "
                                    "moins une valeur."),
])
def test_a_bad_escalation_is_refused_with_its_reason(app, admin, commune, change, message):
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    before = stored(app, commune)
    form = editor(admin, url)
    form["action"] = "timer"
    form = read_form(admin.post(url, data=form).get_data(as_text=True))
    put(form, {"timer-1-code": "danger_non_pris", "timer-1-state": "nouvelle", "timer-1-transition": "prendre",
               "action": "save", **{f"timer-1-{key}": value for key, value in change.items()}})
    response = admin.post(url, data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored(app, commune) == before


def test_a_transitions_own_fields_survive_a_save_of_the_editor(app, admin, commune):
    with in_commune(app, commune):
        workflow = db.session.scalar(select(Workflow))
        definition = {**workflow.definition}
        definition["transitions"] = [
            {**t, "fields": [{"name": "date_arrete", "label": "Date de l'arrêté", "type": "date", "required": True}]}
            if t["code"] == "clore" else t for t in definition["transitions"]]
        workflow.definition = definition
        db.session.commit()
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    page = admin.get(url).get_data(as_text=True)
    assert "Demande aussi, au moment de l'appliquer (fixé par le domaine) : Date de l'arrêté." in html.unescape(page)
    form = read_form(page)
    form[row_of(form, "transition", "clore") + "label"] = "Clôturer"
    assert admin.post(url, data=form).status_code == 302
    clore = next(t for t in stored(app, commune)["transitions"] if t["code"] == "clore")
    assert clore["label"] == "Clôturer" and clore["fields"][0]["name"] == "date_arrete"


def test_templates_without_the_new_keys_keep_their_fingerprint():
    # Communes are told a template changed only when it did: the new keys appear only where used.
    decl = WorkflowDecl("x.simple", "Simple", states=(StateSpec("n", "Nouvelle", "new"), StateSpec("c", "Close", "closed")),
                        transitions=(TransitionSpec("clore", "Clore", ("n",), "c"),),
                        timers=(TimerSpec("t", "n", "clore", delay_days=3),))
    definition = from_decl(decl)
    assert set(definition["transitions"][0]) == {"code", "label", "source", "target", "roles", "permission",
                                                 "comment_required", "required_fields", "notify_citizen",
                                                 "set_due_days"}
    assert definition["timers"] == [{"code": "t", "state": "n", "transition": "clore", "delay_days": 3,
                                     "delay_months": 0, "anchor": "entered_state"}]


def test_an_admin_marks_the_transition_a_citizens_answer_takes(app, admin, commune):
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    form = editor(admin, url)
    wrong = row_of(form, "transition", "prendre")  # from « Nouvelle », not a waiting state
    form[wrong + "resume"] = "1"
    refused = admin.post(url, data=form)
    assert refused.status_code == 400
    assert ("La transition « prendre » est déclenchée par la réponse de l’usager : elle ne peut partir que "
            "d’états d’attente." in html.unescape(refused.get_data(as_text=True)))
    assert all("resume" not in t for t in stored(app, commune)["transitions"])
    form = editor(admin, url)
    form[row_of(form, "transition", "classer") + "resume"] = "1"
    assert admin.post(url, data=form).status_code == 302
    marked = [t["code"] for t in stored(app, commune)["transitions"] if t.get("resume") is True]
    assert marked == ["classer"]
    form = editor(admin, url)  # shown checked, and unchecked removes the key
    assert form.get(row_of(form, "transition", "classer") + "resume") == "1"
    del form[row_of(form, "transition", "classer") + "resume"]
    assert admin.post(url, data=form).status_code == 302
    assert all("resume" not in t for t in stored(app, commune)["transitions"])
