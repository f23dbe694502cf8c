"""Sign-in: generic errors, throttling, CSRF, safe redirects, locale, cookies."""
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import AuditEvent, LoginAttempt, Service, User
from grc_core.plugin_api.testing import DEMO_PASSWORD, csrf_token, in_commune, login, make_agent, make_commune
from grc_core.tenancy import unscoped


def attempt(client, email, password):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)},
                       headers={"Accept-Language": "fr"})


def test_wrong_password_and_unknown_account_get_the_same_message(app, client):
    make_agent(app, make_commune(app), "agent@a.fr")
    wrong = attempt(client, "agent@a.fr", "mauvais-mot-de-passe")
    unknown = attempt(client, "personne@a.fr", "mauvais-mot-de-passe")
    message = "Adresse e-mail inconnue ou mot de passe erroné."
    assert wrong.status_code == unknown.status_code == 401
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    with app.app_context(), unscoped():
        actions = list(db.session.scalars(select(AuditEvent.action)))
    assert actions.count("login.failed") == 2


def test_repeated_failures_are_throttled_even_with_the_right_password(app, client):
    make_agent(app, make_commune(app), "agent@a.fr")
    for _ in range(app.config["GRC"]["LOGIN_MAX_FAILURES"]):
        assert attempt(client, "agent@a.fr", "mauvais-mot-de-passe").status_code == 401
    blocked = attempt(client, "agent@a.fr", DEMO_PASSWORD)
    assert blocked.status_code == 429
    text = blocked.get_data(as_text=True)
    assert "Trop de tentatives de connexion infructueuses" in text
    assert "15 minutes" in text
    assert client.get("/admin/").status_code == 302  # still signed out


def test_a_success_clears_earlier_failures(app, client):
    make_agent(app, make_commune(app), "agent@a.fr")
    for _ in range(app.config["GRC"]["LOGIN_MAX_FAILURES"] - 1):
        attempt(client, "agent@a.fr", "mauvais-mot-de-passe")
    login(client, "agent@a.fr")
    with app.app_context():
        failures = db.session.scalar(select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.succeeded.is_(False)))
    assert failures == 0


def test_login_without_csrf_token_is_refused(app, client):
    make_agent(app, make_commune(app), "agent@a.fr")
    response = client.post("/login", data={"email": "agent@a.fr", "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_state_changing_post_without_csrf_token_changes_nothing(app, client):
    commune = make_commune(app)
    make_agent(app, commune, "admin@a.fr", "admin")
    login(client, "admin@a.fr")
    response = client.post("/admin/core_services/new/", data={"code": "csrf", "name": "Sans jeton"})
    assert response.status_code == 400
    with in_commune(app, commune):
        assert db.session.scalar(select(Service).where(Service.code == "csrf")) is None


def test_logout_needs_post_with_token(app, client):
    make_agent(app, make_commune(app), "agent@a.fr")
    login(client, "agent@a.fr")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/admin/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    assert client.get("/admin/").status_code == 302


def test_next_parameter_cannot_redirect_off_site(app, client):
    make_agent(app, make_commune(app), "agent@a.fr")
    response = client.post("/login", data={
        "email": "agent@a.fr", "password": DEMO_PASSWORD, "csrf_token": csrf_token(client),
        "next": "//evil.example/phish",
    })
    assert response.headers["Location"] == "/admin/"


def test_next_parameter_keeps_same_site_paths(app, client):
    make_agent(app, make_commune(app), "agent@a.fr")
    response = client.post("/login", data={
        "email": "agent@a.fr", "password": DEMO_PASSWORD, "csrf_token": csrf_token(client),
        "next": "/admin/core_services/",
    })
    assert response.headers["Location"] == "/admin/core_services/"


def test_account_without_commune_cannot_sign_in(app, client):
    with app.app_context():
        user = User(email="seul@a.fr", full_name="Seul")
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.commit()
    response = attempt(client, "seul@a.fr", DEMO_PASSWORD)
    assert response.status_code == 403
    assert "rattaché à aucune commune" in response.get_data(as_text=True)


def test_disabled_account_cannot_sign_in(app, client):
    make_agent(app, make_commune(app), "agent@a.fr")
    with app.app_context():
        db.session.scalar(select(User)).active = False
        db.session.commit()
    assert attempt(client, "agent@a.fr", DEMO_PASSWORD).status_code == 401


def test_passwords_are_stored_hashed(app):
    make_agent(app, make_commune(app), "agent@a.fr")
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash))
    assert DEMO_PASSWORD not in stored
    assert stored.startswith("scrypt:")


def test_session_cookies_are_secure_by_default():
    from grc_core.settings import DEFAULTS
    assert DEFAULTS["SESSION_COOKIE_SECURE"] is True


def test_session_cookie_is_httponly_and_samesite(app, client):
    make_agent(app, make_commune(app), "agent@a.fr")
    response = login(client, "agent@a.fr")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_french_by_default_and_english_on_request(app, client):
    page = client.get("/login").get_data(as_text=True)
    assert "Se connecter" in page and "Mot de passe" in page
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "Sign in" in english and "Password" in english


def test_the_users_language_wins_over_the_browser(app, client):
    make_agent(app, make_commune(app), "agent@a.fr")
    login(client, "agent@a.fr")
    client.post("/language", data={"locale": "en", "next": "/admin/", "csrf_token": csrf_token(client, "/admin/")})
    page = client.get("/admin/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Hello" in page
    with app.app_context():
        assert db.session.scalar(select(User.locale)) == "en"


def test_unknown_language_is_refused(app, client):
    response = client.post("/language", data={"locale": "xx", "csrf_token": csrf_token(client)})
    assert response.status_code == 400


def test_successful_sign_in_is_in_the_communes_audit_log(app, client):
    commune = make_commune(app)
    make_agent(app, commune, "agent@a.fr")
    login(client, "agent@a.fr")
    with in_commune(app, commune):
        assert db.session.scalar(select(AuditEvent.target).where(AuditEvent.action == "login.succeeded")) == "agent@a.fr"
