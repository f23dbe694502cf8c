"""The back-office views' access answers are kept for one request
(grc_core.admin.base.Guarded.is_accessible): a domain disabled or enabled
during the request is seen at once, and nothing is shared between communes,
users or requests."""
import pytest
from flask import g
from flask_login import login_user

from grc_core.extensions import db
from grc_core.models import Commune, Membership, User
from grc_core.plugin_api.testing import make_agent, make_commune
from grc_core.tenancy import disable_plugin, enable_plugin
from grc_core.tenancy.scoping import set_current_commune


@pytest.fixture
def plugin_view(app):
    views = [v for v in app.extensions["admin"][0]._views if getattr(v, "plugin", None) and not v.platform_only]
    if not views:
        pytest.skip("no plugin view loaded (core-only run)")
    return views[0]


def act_as(user_id: int, commune_id: int) -> None:
    """What the tenancy resolver sets up for a back-office request."""
    set_current_commune(commune_id)
    login_user(db.session.get(User, user_id))
    g.grc_commune = db.session.get(Commune, commune_id)
    g.grc_membership = db.session.query(Membership).filter_by(user_id=user_id, commune_id=commune_id).one()
    g.pop("grc_permissions", None)  # the permissions of the user now acting


def test_a_domain_disabled_during_the_request_closes_its_views_at_once(app, plugin_view):
    commune = make_commune(app, plugins=[plugin_view.plugin])
    admin = make_agent(app, commune, "admin@cache.fr", "admin")
    with app.test_request_context("/admin/"):
        act_as(admin, commune)
        assert plugin_view.is_accessible() is True
        assert disable_plugin(g.grc_commune, plugin_view.plugin) is True
        assert plugin_view.is_accessible() is False
        enable_plugin(g.grc_commune, plugin_view.plugin)
        assert plugin_view.is_accessible() is True
        db.session.rollback()


def test_the_answer_is_per_commune_and_per_user(app, plugin_view):
    with_domain = make_commune(app, "Avec", "45902", plugins=[plugin_view.plugin])
    without = make_commune(app, "Sans", "45903", plugins=[])
    admin_there = make_agent(app, with_domain, "admin@with.fr", "admin")
    admin_elsewhere = make_agent(app, without, "admin@without.fr", "admin")
    with app.test_request_context("/admin/"):
        act_as(admin_there, with_domain)
        assert plugin_view.is_accessible() is True
        act_as(admin_elsewhere, without)
        assert plugin_view.is_accessible() is False
    with app.test_request_context("/admin/"):
        # A new request starts with nothing known.
        assert g.get("grc_view_access") is None
        act_as(admin_elsewhere, without)
        assert plugin_view.is_accessible() is False


def test_permission_sets_kept_for_the_request_follow_grants_and_roles_at_once(app):
    from grc_core.security.permissions import permissions_of

    commune = make_commune(app, "Grants", "45904", plugins=[])
    agent = make_agent(app, commune, "agent@grants.fr", "agent")
    admin = make_agent(app, commune, "admin@grants.fr", "admin")
    with app.test_request_context("/admin/"):
        act_as(agent, commune)
        membership, place = g.grc_membership, g.grc_commune
        assert "core.segments" not in permissions_of(membership.user, membership, place)
        membership.permissions = [*(membership.permissions or ()), "core.segments"]  # granted mid-request
        assert "core.segments" in permissions_of(membership.user, membership, place)
        act_as(admin, commune)
        assert "core.admin" in permissions_of(g.grc_membership.user, g.grc_membership, place)
        act_as(agent, commune)
        assert "core.admin" not in permissions_of(membership.user, membership, place)
        db.session.rollback()
