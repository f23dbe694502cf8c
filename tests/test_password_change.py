"""The agent changes his own password: current one required, the strength
rule of account creation, other sessions signed out, audited."""
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import AgentSession, AuditEvent, User
from grc_core.plugin_api.testing import DEMO_PASSWORD, csrf_token, login, make_agent, make_commune
from grc_core.tenancy import unscoped

URL = "/account/password"
NEW = "un-nouveau-mot-de-passe"


def signed_in_as(app, email, ip="10.0.0.1"):
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": ip})
    login(client, email)
    return client


def change(client, current, new, confirm=None, lang="fr"):
    return client.post(URL, headers={"Accept-Language": lang}, data={
        "current_password": current, "new_password": new,
        "confirm": new if confirm is None else confirm, "csrf_token": csrf_token(client, URL)})


def password_hash(app, email="agent@a.fr"):
    with app.app_context():
        return db.session.scalar(select(User.password_hash).where(User.email == email))


def actions(app):
    with app.app_context(), unscoped():
        return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_the_page_is_linked_from_my_sessions_and_labels_its_fields(app):
    make_agent(app, make_commune(app), "agent@a.fr")
    office = signed_in_as(app, "agent@a.fr")
    sessions_page = office.get("/account/sessions", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert f'href="{URL}"' in sessions_page
    page = office.get(URL, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Changer mon mot de passe" in page
    for field, autocomplete in (("current_password", "current-password"), ("new_password", "new-password"),
                                ("confirm", "new-password")):
        assert f'<label class="font-weight-bold" for="{field}"' in page
        assert f'autocomplete="{autocomplete}"' in page


def test_changing_signs_the_other_sessions_out_keeps_this_one_and_is_audited(app):
    make_agent(app, make_commune(app), "agent@a.fr")
    office = signed_in_as(app, "agent@a.fr")
    home = signed_in_as(app, "agent@a.fr", "192.0.2.4")
    response = change(office, DEMO_PASSWORD, NEW)
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/sessions")
    assert "Votre mot de passe est changé" in office.get("/account/sessions",
                                                         headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert office.get("/admin/").status_code == 200
    assert home.get("/admin/").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "agent@a.fr")).check_password(NEW)
        live = db.session.scalars(select(AgentSession.ip).where(AgentSession.revoked_at.is_(None))).all()
    assert live == ["10.0.0.1"]
    assert "password.changed" in actions(app)
    with app.app_context(), unscoped():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password.changed"))
        assert event.target == "agent@a.fr" and event.details == {"sessions_signed_out": 1}
        assert NEW not in str(event.details)
    fresh = app.test_client()
    login(fresh, "agent@a.fr", NEW)
    assert fresh.get("/admin/").status_code == 200


def test_a_wrong_current_password_changes_nothing_and_is_audited(app):
    make_agent(app, make_commune(app), "agent@a.fr")
    office = signed_in_as(app, "agent@a.fr")
    home = signed_in_as(app, "agent@a.fr", "192.0.2.4")
    before = password_hash(app)
    response = change(office, "pas-le-bon-mot-de-passe", NEW)
    assert response.status_code == 400
    assert "Ce n’est pas votre mot de passe actuel." in response.get_data(as_text=True)
    assert password_hash(app) == before
    assert home.get("/admin/").status_code == 200
    assert "password.change_refused" in actions(app) and "password.changed" not in actions(app)


def test_guessing_the_current_password_is_throttled_like_sign_in(app):
    make_agent(app, make_commune(app), "agent@a.fr")
    office = signed_in_as(app, "agent@a.fr")
    before = password_hash(app)
    statuses = [change(office, f"mauvais-{n}-mot-de-passe", NEW).status_code
                for n in range(app.config["GRC"]["LOGIN_MAX_FAILURES"] + 1)]
    assert statuses[-1] == 429
    response = change(office, DEMO_PASSWORD, NEW)
    assert response.status_code == 429 and "Trop de tentatives" in response.get_data(as_text=True)
    assert password_hash(app) == before


def test_a_short_new_password_is_refused_with_the_account_creation_rule(app):
    make_agent(app, make_commune(app), "agent@a.fr")
    office = signed_in_as(app, "agent@a.fr")
    before = password_hash(app)
    response = change(office, DEMO_PASSWORD, "court", lang="en")
    assert response.status_code == 400
    assert "At least 10 characters." in response.get_data(as_text=True)
    assert password_hash(app) == before
    assert "password.changed" not in actions(app)


def test_the_two_new_passwords_must_match(app):
    make_agent(app, make_commune(app), "agent@a.fr")
    office = signed_in_as(app, "agent@a.fr")
    before = password_hash(app)
    response = change(office, DEMO_PASSWORD, NEW, confirm=NEW + "x")
    assert response.status_code == 400
    assert "Les deux nouveaux mots de passe diffèrent." in response.get_data(as_text=True)
    assert password_hash(app) == before


def test_changing_needs_the_csrf_token_and_a_signed_in_agent(app, client):
    make_agent(app, make_commune(app), "agent@a.fr")
    office = signed_in_as(app, "agent@a.fr")
    before = password_hash(app)
    assert office.post(URL, data={"current_password": DEMO_PASSWORD, "new_password": NEW,
                                  "confirm": NEW}).status_code == 400
    assert password_hash(app) == before
    assert client.get(URL).status_code == 302
