"""The commune admin's pages: agents, services, communes — and bad input."""
import pytest
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import Commune, Membership, Service, User
from grc_core.plugin_api.testing import DEMO_PASSWORD, in_commune, login, make_agent, make_commune, post_form
from grc_core.tenancy import unscoped


@pytest.fixture
def admin_client(app, client):
    commune = make_commune(app, plugins=[])
    make_agent(app, commune, "admin@a.fr", "admin", full_name="Claire Morel")
    login(client, "admin@a.fr")
    client.commune_id = commune
    return client


def new_agent(client, **fields):
    data = {"full_name": "Isabelle Fournier", "email": "i.fournier@a.fr", "new_password": "un-mot-de-passe-long",
            "role": "agent", "account_active": "y"}
    data.update(fields)
    return post_form(client, "/admin/core_agents/new/", data)


def count(model, app, commune):
    with in_commune(app, commune):
        return db.session.scalar(select(func.count()).select_from(model))


def test_admin_creates_an_agent_who_can_then_sign_in(app, admin_client):
    response = new_agent(admin_client)
    assert response.status_code == 302
    with in_commune(app, admin_client.commune_id):
        membership = db.session.scalar(select(Membership).join(Membership.user).where(User.email == "i.fournier@a.fr"))
        assert membership.role == "agent"
        assert membership.user.check_password("un-mot-de-passe-long")
    other = app.test_client()
    login(other, "i.fournier@a.fr", "un-mot-de-passe-long")
    assert "Bonjour Isabelle Fournier" in other.get("/admin/").get_data(as_text=True)


@pytest.mark.parametrize(("fields", "message"), [
    ({"email": "admin@a.fr"}, "Cette adresse e-mail est déjà utilisée par un autre compte."),
    ({"new_password": "court"}, "Au moins 10 caractères."),
    ({"new_password": ""}, "Un mot de passe est obligatoire pour un nouvel agent."),
    ({"email": "pas-une-adresse"}, "Adresse électronique non valide."),
    ({"full_name": ""}, "Ce champ est requis."),
])
def test_bad_agent_input_is_shown_next_to_the_field_and_nothing_is_stored(app, admin_client, fields, message):
    before = count(Membership, app, admin_client.commune_id)
    with app.app_context():
        users_before = db.session.scalar(select(func.count()).select_from(User))
    response = new_agent(admin_client, **fields)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(Membership, app, admin_client.commune_id) == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == users_before


def test_admin_cannot_demote_himself(app, admin_client):
    with in_commune(app, admin_client.commune_id):
        own = db.session.scalar(select(Membership.id))
    response = post_form(admin_client, f"/admin/core_agents/edit/?id={own}", {
        "full_name": "Claire Morel", "email": "admin@a.fr", "role": "agent", "account_active": "y"})
    assert response.status_code == 200
    assert "Vous ne pouvez pas retirer votre propre accès administrateur." in response.get_data(as_text=True)
    with in_commune(app, admin_client.commune_id):
        assert db.session.get(Membership, own).role == "admin"


def test_a_shared_account_cannot_be_renamed_by_one_communes_admin(app, admin_client):
    other = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    make_agent(app, admin_client.commune_id, "inter@x.fr", "agent", full_name="Agent Partagé")
    make_agent(app, other, "inter@x.fr", "agent")
    with in_commune(app, admin_client.commune_id):
        membership_id = db.session.scalar(select(Membership.id).join(Membership.user).where(User.email == "inter@x.fr"))
    response = post_form(admin_client, f"/admin/core_agents/edit/?id={membership_id}", {
        "full_name": "Agent Renommé", "email": "inter@x.fr", "role": "agent", "account_active": "y",
        "new_password": "nouveau-mot-de-passe"})
    assert "seul l&#39;opérateur de la plateforme" in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "inter@x.fr"))
        assert user.full_name == "Agent Partagé" and user.check_password(DEMO_PASSWORD)


def test_duplicate_service_code_is_refused(app, admin_client):
    assert post_form(admin_client, "/admin/core_services/new/", {"code": "voirie", "name": "Voirie"}).status_code == 302
    response = post_form(admin_client, "/admin/core_services/new/", {"code": "voirie", "name": "Autre voirie"})
    assert "Un service porte déjà ce code." in response.get_data(as_text=True)
    assert count(Service, app, admin_client.commune_id) == 1


def test_user_text_is_escaped_everywhere(app, admin_client):
    new_agent(admin_client, full_name='<script>alert("x")</script>', email="xss@a.fr")
    post_form(admin_client, "/admin/core_services/new/", {"code": "xss", "name": "<img src=x onerror=alert(1)>"})
    for url in ("/admin/core_agents/", "/admin/core_services/"):
        text = admin_client.get(url).get_data(as_text=True)
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "&lt;script&gt;" in text or "&lt;img" in text


def test_every_core_page_renders_in_french(app, client):
    commune = make_commune(app, plugins=[])
    make_agent(app, commune, "ops@a.fr", "admin", platform_admin=True)
    login(client, "ops@a.fr")
    expectations = {
        "/admin/": "Domaines activés dans votre commune",
        "/admin/core_services/": "Services",
        "/admin/core_agents/": "Rôle",
        "/admin/core_agents/new/": "Permissions supplémentaires",
        "/admin/core_plugins/": "N'activez que les domaines",
        "/admin/core_audit/": "Journal d'audit",
        "/admin/core_communes/": "Code INSEE",
    }
    for url, french in expectations.items():
        response = client.get(url, headers={"Accept-Language": "fr-FR,fr;q=0.9"})
        assert response.status_code == 200, url
        assert french in response.get_data(as_text=True), url


@pytest.mark.parametrize(("fields", "message"), [
    ({"insee_code": "123"}, "Un code INSEE compte cinq caractères"),
    ({"slug": "Avec Espaces"}, "Lettres minuscules, chiffres et tirets uniquement."),
])
def test_platform_admin_commune_form_validates(app, client, fields, message):
    commune = make_commune(app, plugins=[])
    make_agent(app, commune, "ops@a.fr", "admin", platform_admin=True)
    login(client, "ops@a.fr")
    data = {"name": "Nouvelle", "insee_code": "45903", "slug": "nouvelle"}
    data.update(fields)
    response = post_form(client, "/admin/core_communes/new/", data)
    assert message in response.get_data(as_text=True)
    with app.app_context(), unscoped():
        assert db.session.scalar(select(func.count()).select_from(Commune)) == 1


def test_platform_admin_creates_a_commune(app, client):
    commune = make_commune(app, plugins=[])
    make_agent(app, commune, "ops@a.fr", "admin", platform_admin=True)
    login(client, "ops@a.fr")
    response = post_form(client, "/admin/core_communes/new/", {"name": "Nouvelle", "insee_code": "45903",
                                                               "slug": "nouvelle", "active": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Commune.name).where(Commune.slug == "nouvelle")) == "Nouvelle"


def test_an_unknown_permission_cannot_be_granted_from_the_agents_form(app, admin_client):
    before = count(Membership, app, admin_client.commune_id)
    response = new_agent(admin_client, extra_permissions="nosuch.perm")
    assert response.status_code == 200
    assert "«\xa0nosuch.perm\xa0» n&#39;est pas un choix valide pour ce champ." in response.get_data(as_text=True)
    assert count(Membership, app, admin_client.commune_id) == before
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "i.fournier@a.fr")) is None
