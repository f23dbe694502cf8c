"""A home for each role: the élu opens on his delegation's figures of the week."""
import re
from datetime import datetime, timezone

from grc_core.extensions import db
from grc_core.plugin_api.testing import in_commune, make_agent
from tests.test_indicators import add
from tests.test_requests import setup_commune, signed_in


def week_figure(html, widget):
    found = re.search(rf'data-widget="{re.escape(widget)}">.*?data-value="([^"]*)"', html, re.S)
    return found and found.group(1)


def week_unit(html, widget):
    found = re.search(rf'data-widget="{re.escape(widget)}">.*?<span class="text-muted" data-unit>([^<]*)</span>',
                      html, re.S)
    return found and found.group(1)


def test_the_elus_home_shows_his_delegations_figures_of_the_week(app):
    town = setup_commune(app)
    now = datetime.now(timezone.utc)
    with in_commune(app, town.id):
        add(town, "2026-00001", town.bacs, town.voirie, "guichet", now)
        add(town, "2026-00002", town.bacs, town.voirie, "web", now, closed=now)
        add(town, "2026-00003", town.attestation, town.accueil, "guichet", now)
        db.session.commit()
    make_agent(app, town.id, "adjoint@a.fr", "elu", services=["voirie"])
    make_agent(app, town.id, "maire@a.fr", "elu")
    adjoint = signed_in(app, "adjoint@a.fr").get("/admin/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Cette semaine dans votre délégation" in adjoint
    assert week_figure(adjoint, "core.st_received") == "2"  # the voirie's, not the front desk's
    # Each figure with its unit, in the form that fits it: « 2 demandes » received, « 1 demande » closed.
    assert week_unit(adjoint, "core.st_received") == "demandes"
    assert week_figure(adjoint, "core.st_closed") == "1" and week_unit(adjoint, "core.st_closed") == "demande"
    assert 'href="/admin/dashboards/strategic/?period=week"' in adjoint
    maire = signed_in(app, "maire@a.fr").get("/admin/").get_data(as_text=True)
    assert week_figure(maire, "core.st_received") == "3"
    # The strategic dashboard follows the same delegation.
    dashboard = signed_in(app, "adjoint@a.fr").get("/admin/dashboards/strategic/?period=week").get_data(as_text=True)
    assert re.search(r'data-widget="core.st_received".*?data-value="2"', dashboard, re.S)


def test_other_roles_have_their_queue_not_the_elus_week(app):
    town = setup_commune(app)
    make_agent(app, town.id, "agent@a.fr", "agent", services=["voirie"])
    home = signed_in(app, "agent@a.fr").get("/admin/").get_data(as_text=True)
    assert 'id="week-highlights"' not in home and 'id="request-counts"' in home


def test_menus_and_home_cards_keep_to_the_domains_the_member_works_in(app):
    import pytest

    from grc_core.models import Service
    from grc_core.plugin_api.testing import make_commune

    if "urbanisme" not in app.extensions["grc"].names:
        pytest.skip("urbanisme not loaded")
    commune = make_commune(app)
    with in_commune(app, commune):
        db.session.add(Service(code="voirie", name="Voirie"))
        db.session.commit()
    make_agent(app, commune, "voirie@a.fr", "manager", services=["voirie"])
    make_agent(app, commune, "ads@a.fr", "manager", services=["urbanisme.ads"])
    make_agent(app, commune, "dgs@a.fr", "manager")
    card = 'text-decoration-none" href="/admin/urbanisme/"'
    voirie = signed_in(app, "voirie@a.fr").get("/admin/").get_data(as_text=True)
    assert card not in voirie
    for email in ("ads@a.fr", "dgs@a.fr"):
        assert card in signed_in(app, email).get("/admin/").get_data(as_text=True), email
