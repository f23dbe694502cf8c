"""Two-step sign-in, end to end, with pyotp computing the codes at an injected time."""
import re

import pyotp
import pytest
from sqlalchemy import func, select

from grc_core.cli import cli
from grc_core.extensions import db
from grc_core.models import AgentSession, AuditEvent, Membership, RecoveryCode, User
from grc_core.plugin_api.testing import (
    CSRF_INPUT, DEMO_PASSWORD, TOTP_SECRET_SHOWN, csrf_token, in_commune, login, make_agent, make_commune, post_form,
)
from grc_core.tenancy import unscoped

FR = {"Accept-Language": "fr"}


def password_step(client, email, password=DEMO_PASSWORD):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)},
                       headers=FR)


def code_step(client, code):
    return client.post("/login/code", data={"code": code, "csrf_token": csrf_token(client, "/login/code")},
                       headers=FR)


def enrol(client, clock, code=None):
    """Set up the app from the enrolment page; returns (response, secret)."""
    page = client.get("/login/enrol", headers=FR).get_data(as_text=True)
    secret = TOTP_SECRET_SHOWN.search(page).group(1).replace(" ", "")
    code = code or pyotp.TOTP(secret).at(clock.moment)
    response = client.post("/login/enrol", data={"code": code, "csrf_token": CSRF_INPUT.search(page).group(1)},
                           headers=FR)
    return response, secret


def user(app, email):
    with app.app_context():
        found = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(found)
        return found


@pytest.fixture
def town(app):
    commune = make_commune(app)
    make_agent(app, commune, "admin@a.fr", "admin")
    make_agent(app, commune, "agent@a.fr", "agent")
    return commune


def test_an_admin_must_set_up_two_step_sign_in_before_his_session_opens(app, client, town, auth_clock):
    response = password_step(client, "admin@a.fr")
    assert response.headers["Location"].endswith("/login/enrol")
    # The password alone opens nothing.
    assert client.get("/admin/").status_code == 302
    assert client.get("/account/sessions").status_code == 302
    page = client.get("/login/enrol", headers=FR).get_data(as_text=True)
    assert "Configurer la connexion en deux étapes" in page
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn by segno
    assert 'alt="QR code à scanner avec l\'application d\'authentification"' in page
    # A wrong code: said so, nothing stored.
    wrong, _secret = enrol(client, auth_clock, code="000000")
    assert wrong.status_code == 401
    assert "Ce code n&#39;est pas valide : vérifiez l&#39;heure de votre appareil" in wrong.get_data(as_text=True)
    assert user(app, "admin@a.fr").totp_secret is None
    assert client.get("/admin/").status_code == 302
    auth_clock.advance(seconds=30)
    confirmed, secret = enrol(client, auth_clock)
    assert confirmed.status_code == 200
    codes = re.findall(r"<li><code>([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})</code></li>",
                       confirmed.get_data(as_text=True))
    assert len(set(codes)) == 10
    stored = user(app, "admin@a.fr")
    assert stored.totp_secret == secret and stored.totp_enabled_at is not None
    with app.app_context():
        hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(hashes) == 10 and not any(code.replace("-", "") in h for code in codes for h in hashes)
    assert client.get("/admin/").status_code == 200
    with app.app_context(), unscoped():
        assert "two_factor.enabled" in db.session.scalars(select(AuditEvent.action)).all()


def test_next_sign_in_asks_for_a_code_and_refuses_a_wrong_or_reused_one(app, client, town, auth_clock):
    login(client, "admin@a.fr")
    secret = user(app, "admin@a.fr").totp_secret
    other = app.test_client()
    assert password_step(other, "admin@a.fr").headers["Location"].endswith("/login/code")
    assert other.get("/admin/").status_code == 302
    wrong = code_step(other, "123456")
    assert wrong.status_code == 401
    assert "Ce code n&#39;est pas valide (ou a déjà servi)." in wrong.get_data(as_text=True)
    auth_clock.advance(seconds=60)
    code = pyotp.TOTP(secret).at(auth_clock.moment)
    assert code_step(other, code).status_code == 302
    assert other.get("/admin/").status_code == 200
    # The same code, at once, from a third browser: refused.
    third = app.test_client()
    password_step(third, "admin@a.fr")
    assert code_step(third, code).status_code == 401
    assert third.get("/admin/").status_code == 302


def test_a_recovery_code_works_once(app, client, town, auth_clock):
    password_step(client, "admin@a.fr")
    response, _secret = enrol(client, auth_clock)
    recovery = re.findall(r"<li><code>([A-Z2-7-]{19})</code></li>", response.get_data(as_text=True))[0]
    lost_phone = app.test_client()
    password_step(lost_phone, "admin@a.fr")
    assert code_step(lost_phone, recovery.lower().replace("-", " ")).status_code == 302
    assert lost_phone.get("/admin/").status_code == 200
    again = app.test_client()
    password_step(again, "admin@a.fr")
    assert code_step(again, recovery).status_code == 401
    page = lost_phone.get("/account/sessions", headers=FR).get_data(as_text=True)
    assert "Activée. 9 codes de secours inutilisés." in page


def test_wrong_codes_are_throttled_like_passwords(app, client, town, auth_clock):
    login(client, "admin@a.fr")
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    password_step(guesser, "admin@a.fr")
    # The right password alone counts as a failure until the second step succeeds.
    for number in range(app.config["GRC"]["LOGIN_MAX_FAILURES"] - 1):
        assert code_step(guesser, f"{number:06d}").status_code == 401
    blocked = code_step(guesser, "999999")
    assert blocked.status_code == 429
    assert "Trop de tentatives de connexion infructueuses. Réessayez dans 15 minutes." in \
        blocked.get_data(as_text=True)
    # The admin, from where he signed in before, is not locked out.
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")}).status_code == 302
    login(client, "admin@a.fr")
    assert client.get("/admin/").status_code == 200


def test_the_pending_step_expires(app, client, town, auth_clock):
    login(client, "admin@a.fr")
    late = app.test_client()
    password_step(late, "admin@a.fr")
    auth_clock.advance(minutes=11)
    assert late.get("/login/code").headers["Location"].endswith("/login")


def test_agents_sign_in_without_it_and_may_turn_it_on(app, client, town, auth_clock):
    assert password_step(client, "agent@a.fr").headers["Location"] == "/admin/"
    page = client.get("/account/sessions", headers=FR).get_data(as_text=True)
    assert "Désactivée : seul votre mot de passe protège votre compte." in page
    setup = client.get("/account/two-factor", headers=FR).get_data(as_text=True)
    secret = TOTP_SECRET_SHOWN.search(setup).group(1).replace(" ", "")
    done = client.post("/account/two-factor", headers=FR, data={
        "code": pyotp.TOTP(secret).at(auth_clock.moment), "csrf_token": CSRF_INPUT.search(setup).group(1)})
    assert "La connexion en deux étapes est activée" in done.get_data(as_text=True)
    assert password_step(app.test_client(), "agent@a.fr").headers["Location"].endswith("/login/code")


@pytest.mark.parametrize("kind", ["platform", "social"])
def test_platform_admins_and_social_holders_must_use_it(app, client, kind):
    commune = make_commune(app)
    if kind == "platform":
        make_agent(app, commune, "agent@a.fr", "agent", platform_admin=True)
    else:
        social = [p.code for p in app.extensions["grc"].permissions() if p.code.startswith("social.")]
        if not social or "social" not in app.extensions["grc"].names:
            pytest.skip("the social plugin is not loaded")
        make_agent(app, commune, "agent@a.fr", "agent", permissions=[social[0]])
    assert password_step(client, "agent@a.fr").headers["Location"].endswith("/login/enrol")


def test_an_admin_resets_an_agents_second_factor_audited(app, town, auth_clock):
    agent = app.test_client()
    login(agent, "agent@a.fr")
    setup = agent.get("/account/two-factor").get_data(as_text=True)
    secret = TOTP_SECRET_SHOWN.search(setup).group(1).replace(" ", "")
    agent.post("/account/two-factor", data={"code": pyotp.TOTP(secret).at(auth_clock.moment),
                                            "csrf_token": CSRF_INPUT.search(setup).group(1)})
    assert user(app, "agent@a.fr").totp_secret == secret
    admin = app.test_client()
    login(admin, "admin@a.fr")
    with in_commune(app, town):
        membership_id = db.session.scalar(select(Membership.id).join(Membership.user)
                                          .where(User.email == "agent@a.fr"))
    form = admin.get(f"/admin/core_agents/edit/?id={membership_id}", headers=FR).get_data(as_text=True)
    assert "Réinitialiser la connexion en deux étapes" in form
    response = post_form(admin, f"/admin/core_agents/edit/?id={membership_id}", {
        "full_name": "Agent", "email": "agent@a.fr", "role": "agent", "account_active": "y",
        "reset_two_factor": "y"})
    assert response.status_code == 302
    assert user(app, "agent@a.fr").totp_secret is None
    with app.app_context(), unscoped():
        assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 10  # the admin's own
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agent.two_factor_reset"))
        assert event.target == "agent@a.fr"
    assert agent.get("/admin/").status_code == 302  # his sessions are closed
    assert password_step(app.test_client(), "agent@a.fr").headers["Location"] == "/admin/"


def test_the_operator_resets_it_from_the_command_line(app, client, town, auth_clock):
    login(client, "admin@a.fr")
    result = app.test_cli_runner().invoke(cli, ["users", "reset-2fa", "--email", "ADMIN@a.fr"])
    assert result.exit_code == 0, result.output
    assert "réinitialisée pour admin@a.fr" in result.output
    assert user(app, "admin@a.fr").totp_secret is None
    assert client.get("/admin/").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(AgentSession.revoked_at)) is not None
    unknown = app.test_cli_runner().invoke(cli, ["users", "reset-2fa", "--email", "personne@a.fr"])
    assert unknown.exit_code == 2 and "Aucun compte « personne@a.fr »" in unknown.output
