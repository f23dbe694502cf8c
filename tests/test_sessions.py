"""Server-side sessions: a copied cookie dies at logout; « Mes sessions »."""
from datetime import timedelta

from sqlalchemy import event, select

from grc_core.extensions import db
from grc_core.models import AgentSession, AuditEvent, Membership, User
from grc_core.plugin_api.testing import csrf_token, in_commune, login, make_agent, make_commune, post_form
from grc_core.tenancy import unscoped


def cookie_of(app, client):
    return client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session")).value


def copy_of(app, client):
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie(app.config.get("SESSION_COOKIE_NAME", "session"), cookie_of(app, client))
    return thief


def sign_out(client, url="/admin/"):
    return client.post("/logout", data={"csrf_token": csrf_token(client, url)})


def signed_in_as(app, email, ip="10.0.0.1", agent="Firefox"):
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": ip, "HTTP_USER_AGENT": agent})
    login(client, email)
    return client


def test_a_cookie_copied_before_logout_no_longer_works_after(app, client):
    make_agent(app, make_commune(app), "agent@a.fr")
    login(client, "agent@a.fr")
    thief = copy_of(app, client)
    assert thief.get("/admin/").status_code == 200
    sign_out(client)
    assert thief.get("/admin/").status_code == 302
    assert "/login" in thief.get("/admin/").headers["Location"]
    with app.app_context():
        row = db.session.scalar(select(AgentSession))
        assert row.revoked_at is not None


def test_the_cookie_holds_a_token_the_database_keeps_only_hashed(app, client):
    make_agent(app, make_commune(app), "agent@a.fr")
    login(client, "agent@a.fr")
    with client.session_transaction() as session:
        token = session["grc_session"]
    with app.app_context():
        row = db.session.scalar(select(AgentSession))
    assert token not in row.token_hash and len(row.token_hash) == 64


def test_my_sessions_lists_and_revokes_one_session(app):
    make_agent(app, make_commune(app), "agent@a.fr")
    office = signed_in_as(app, "agent@a.fr", "10.0.0.1", "Firefox au bureau")
    home = signed_in_as(app, "agent@a.fr", "192.0.2.4", "Chromium à la maison")
    page = office.get("/account/sessions", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Mes sessions" in page
    assert "10.0.0.1" in page and "192.0.2.4" in page
    assert "Firefox au bureau" in page and "Chromium à la maison" in page
    assert page.count("badge-info\">cette session") == 1
    with app.app_context():
        home_id = db.session.scalar(select(AgentSession.id).where(AgentSession.ip == "192.0.2.4"))
    response = office.post(f"/account/sessions/{home_id}/revoke",
                           data={"csrf_token": csrf_token(office, "/account/sessions")})
    assert response.status_code == 302
    assert home.get("/admin/").status_code == 302
    assert office.get("/admin/").status_code == 200
    with app.app_context(), unscoped():
        assert "session.revoked" in db.session.scalars(select(AuditEvent.action)).all()


def test_another_agents_session_cannot_be_revoked(app):
    commune = make_commune(app)
    make_agent(app, commune, "agent@a.fr")
    make_agent(app, commune, "autre@a.fr")
    mine = signed_in_as(app, "agent@a.fr")
    theirs = signed_in_as(app, "autre@a.fr")
    with app.app_context():
        other_id = db.session.scalar(select(AgentSession.id).join(User, User.id == AgentSession.user_id)
                                     .where(User.email == "autre@a.fr"))
    response = mine.post(f"/account/sessions/{other_id}/revoke",
                         data={"csrf_token": csrf_token(mine, "/account/sessions")})
    assert response.status_code == 404
    assert theirs.get("/admin/").status_code == 200


def test_revoking_needs_the_csrf_token(app):
    make_agent(app, make_commune(app), "agent@a.fr")
    office = signed_in_as(app, "agent@a.fr")
    assert office.post("/account/sessions/revoke-all").status_code == 400
    assert office.get("/admin/").status_code == 200


def test_sign_out_everywhere(app):
    make_agent(app, make_commune(app), "agent@a.fr")
    office = signed_in_as(app, "agent@a.fr")
    home = signed_in_as(app, "agent@a.fr", "192.0.2.4")
    response = office.post("/account/sessions/revoke-all",
                           data={"csrf_token": csrf_token(office, "/account/sessions")})
    assert response.headers["Location"].endswith("/login")
    assert office.get("/admin/").status_code == 302
    assert home.get("/admin/").status_code == 302


def test_a_new_password_signs_the_other_sessions_out(app):
    commune = make_commune(app)
    make_agent(app, commune, "admin@a.fr", "admin")
    make_agent(app, commune, "agent@a.fr")
    agent = signed_in_as(app, "agent@a.fr")
    admin = signed_in_as(app, "admin@a.fr")
    with in_commune(app, commune):
        membership_id = db.session.scalar(select(Membership.id).join(Membership.user)
                                          .where(User.email == "agent@a.fr"))
    response = post_form(admin, f"/admin/core_agents/edit/?id={membership_id}", {
        "full_name": "Agent", "email": "agent@a.fr", "role": "agent", "account_active": "y",
        "new_password": "un-nouveau-mot-de-passe"})
    assert response.status_code == 302
    assert agent.get("/admin/").status_code == 302
    login(agent, "agent@a.fr", "un-nouveau-mot-de-passe")
    assert agent.get("/admin/").status_code == 200
    assert admin.get("/admin/").status_code == 200


def test_an_idle_session_expires_on_the_server_too(app, auth_clock):
    make_agent(app, make_commune(app), "agent@a.fr")
    office = signed_in_as(app, "agent@a.fr")
    thief = copy_of(app, office)
    auth_clock.advance(hours=app.config["GRC"]["SESSION_LIFETIME_HOURS"], minutes=1)
    assert thief.get("/admin/").status_code == 302


def test_last_seen_is_written_at_most_every_five_minutes(app, auth_clock):
    make_agent(app, make_commune(app), "agent@a.fr")
    office = signed_in_as(app, "agent@a.fr")
    auth_clock.advance(minutes=4)
    office.get("/admin/")
    with app.app_context():
        assert db.session.scalar(select(AgentSession.last_seen_at)).replace(tzinfo=None) == \
            (auth_clock.moment - timedelta(minutes=4)).replace(tzinfo=None)
    auth_clock.advance(minutes=2)
    office.get("/admin/")
    with app.app_context():
        assert db.session.scalar(select(AgentSession.last_seen_at)).replace(tzinfo=None) == \
            auth_clock.moment.replace(tzinfo=None)


def test_checking_the_session_costs_no_extra_query(app):
    """The user, his live session and his memberships come in one query."""
    make_agent(app, make_commune(app), "agent@a.fr")
    office = signed_in_as(app, "agent@a.fr")
    office.get("/admin/")
    statements = home_statements(app, office)
    touching = [s for s in statements if "agent_session" in s or "FROM user_account" in s or "FROM membership" in s]
    assert len(touching) == 1 and "JOIN agent_session" in touching[0] and "(membership JOIN commune" in touching[0]
    # The home's statements (bench/round_trips.py; the memberships come with
    # their services and the commune's enabled plugins, the security headers
    # reload no user): checking the session adds none.
    assert len(statements) == 6


def home_statements(app, client) -> list[str]:
    statements = []
    with app.app_context():
        engine = db.engine

    def listen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    try:
        assert client.get("/admin/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return statements


def commune_menu(client) -> str:
    return client.get("/admin/").get_data(as_text=True).split('id="grc-commune"')[1].split("</select>")[0]


def test_the_memberships_read_with_the_user_are_those_of_active_communes(app):
    """An agent of three communes, one of them closed on the platform: the
    menu offers the two others, read with the user, in order of name."""
    ids = {name: make_commune(app, name, insee) for name, insee in
           (("Villeneuve", "45901"), ("Aubigny", "45902"), ("Fermée", "45903"))}
    for commune_id in ids.values():
        make_agent(app, commune_id, "inter@a.fr", "admin")
    with app.app_context(), unscoped():
        from grc_core.models import Commune
        db.session.get(Commune, ids["Fermée"]).active = False
        db.session.commit()
    office = signed_in_as(app, "inter@a.fr")
    menu = commune_menu(office)
    assert menu.index("Aubigny") < menu.index("Villeneuve") and "Fermée" not in menu
    assert f'value="{ids["Fermée"]}"' not in menu
    statements = home_statements(app, office)
    assert not [s for s in statements if "FROM membership" in s]  # no second read


def test_a_session_written_back_reads_the_memberships_again(app, auth_clock):
    """Every five minutes the session's last use is written and committed,
    which expires what the first query read: the memberships are read again,
    and the page is the same."""
    make_agent(app, make_commune(app, "Villeneuve", "45901"), "inter@a.fr", "admin")
    make_agent(app, make_commune(app, "Aubigny", "45902"), "inter@a.fr", "admin")
    office = signed_in_as(app, "inter@a.fr")
    before = commune_menu(office)
    auth_clock.advance(minutes=6)
    statements = home_statements(app, office)
    assert [s for s in statements if s.startswith("UPDATE agent_session")]
    assert len([s for s in statements if "FROM membership" in s]) == 1
    assert commune_menu(office) == before and "Aubigny" in before and "Villeneuve" in before


def test_a_platform_admin_without_membership_is_loaded(app):
    commune_id = make_commune(app)
    make_agent(app, commune_id, "admin@grc.fr", "admin", platform_admin=True)
    with app.app_context(), unscoped():
        db.session.execute(Membership.__table__.delete())
        db.session.commit()
    office = signed_in_as(app, "admin@grc.fr")
    response = office.get("/admin/")
    page = response.get_data(as_text=True)
    # Signed in (no sign-in form), working in the platform's first commune, with the platform's menu.
    assert response.status_code == 200 and 'name="password"' not in page
    assert "GRC · Villeneuve-sur-Loire" in page and ">Plateforme<" in page
