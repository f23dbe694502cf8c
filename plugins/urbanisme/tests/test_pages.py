"""Pages, panels, permissions and tenancy of the urbanisme plugin; demo data."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grc_core.plugin_api import Commune, Request, add_months, db
from grc_core.plugin_api.testing import csrf_token, in_commune, make_agent, make_commune

from plugins.urbanisme.dossier import today
from plugins.urbanisme.models import Dossier
from plugins.urbanisme.tests.helpers import dossier_of, file, good_data, setup_town, signed_in


@pytest.fixture
def town(app):
    return setup_town(app)


def transition(client, request_id, code, comment=""):
    token = csrf_token(client, f"/admin/requests/{request_id}/")
    version = None
    import re

    page = client.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    match = re.search(r'name="version" value="(\d+)"', page)
    version = match.group(1) if match else ""
    return client.post(f"/admin/requests/{request_id}/transition",
                       data={"csrf_token": token, "transition": code, "version": version, "comment": comment})


def test_only_a_signer_may_sign_and_only_an_instructor_may_instruct(app, town):
    make_agent(app, town.id, "agent2@a.fr", "agent", services=["urbanisme.ads"])
    deposit = today() - timedelta(days=3)
    request_id, errors = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", deposit))
    assert not errors
    # The front desk (role accueil, without urbanisme.instruct) cannot instruct.
    accueil = signed_in(app, "accueil@a.fr")
    assert transition(accueil, request_id, "declarer_complet").status_code in (403, 404, 409)
    assert dossier_of(app, town, request_id).state == "depose"
    instructor = signed_in(app, "instructeur@a.fr")
    page = instructor.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert "Déclarer le dossier complet" in page
    assert transition(instructor, request_id, "declarer_complet").status_code == 302
    assert transition(instructor, request_id, "proposer_accord").status_code == 302
    # An instructor without urbanisme.sign does not see « Signer » and cannot force it.
    page = instructor.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert 'value="signer"' not in page
    refused = transition(instructor, request_id, "signer")
    assert refused.status_code == 409
    assert dossier_of(app, town, request_id).state == "decision_proposee"
    signer = signed_in(app, "dst@a.fr")
    assert transition(signer, request_id, "signer").status_code == 302
    # A signed approval offers only « Notifier l'accord »; forcing the refusal's
    # notification is refused by the guard, with its reason.
    page = instructor.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert 'value="notifier"' in page and 'value="notifier_refus"' not in page
    wrong = transition(instructor, request_id, "notifier_refus")
    assert wrong.status_code == 409 and "utilisez « Notifier l" in wrong.get_data(as_text=True)
    assert transition(instructor, request_id, "notifier").status_code == 302
    stored = dossier_of(app, town, request_id)
    assert (stored.state, stored.decision, stored.decision_date, stored.notified_on) == (
        "notifiee", "accord", today(), today())


def test_the_panel_shows_every_legal_date_and_the_days_left_in_red_when_near(app, town):
    deposit = today() - timedelta(days=25)
    request_id, _ = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", deposit))
    stored = dossier_of(app, town, request_id)
    left = (stored.legal_deadline - today()).days
    client = signed_in(app, "instructeur@a.fr")
    page = client.get(f"/admin/requests/{request_id}/").get_data(as_text=True).replace("&#39;", "'")
    assert "Dates légales du dossier d'urbanisme" in page
    assert stored.legal_deadline.strftime("%d/%m/%Y") in page
    assert stored.tacit_decision_date.strftime("%d/%m/%Y") in page
    assert "décision de non-opposition tacite" in page
    assert f'data-days-left="{left}"' in page and "text-danger" in page
    assert "AB 0123, AB 0124" in page
    # Far from the deadline: not red.
    far, _ = file(app, town, "urbanisme.pc", good_data("urbanisme.pc", today() - timedelta(days=2)))
    page = client.get(f"/admin/requests/{far}/").get_data(as_text=True)
    assert "urbanisme-countdown text-success" in page


def test_the_deadlines_page_lists_files_due_within_the_period(app, town):
    near, _ = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", today() - timedelta(days=27)))
    middle, _ = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", today() - timedelta(days=20)))
    far, _ = file(app, town, "urbanisme.pc", good_data("urbanisme.pc", today() - timedelta(days=5)))
    refs = {}
    with in_commune(app, town.id):
        for request_id in (near, middle, far):
            refs[request_id] = db.session.get(Request, request_id).reference
    client = signed_in(app, "instructeur@a.fr")
    seven = client.get("/admin/urbanisme/?days=7").get_data(as_text=True)
    assert f'data-reference="{refs[near]}"' in seven
    assert f'data-reference="{refs[middle]}"' not in seven
    thirty = client.get("/admin/urbanisme/?days=30").get_data(as_text=True)
    assert f'data-reference="{refs[middle]}"' in thirty and f'data-reference="{refs[far]}"' not in thirty
    every = client.get("/admin/urbanisme/?days=all").get_data(as_text=True)
    assert f'data-reference="{refs[far]}"' in every


def test_a_user_without_the_permission_or_of_another_commune_gets_nothing(app, town):
    request_id, _ = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", today() - timedelta(days=3)))
    other = setup_town(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", suffix="b.fr")
    outsider = signed_in(app, "instructeur@b.fr")
    assert outsider.get(f"/admin/urbanisme/dossier/{request_id}/").status_code == 404
    token = csrf_token(outsider, "/admin/urbanisme/")
    posted = outsider.post(f"/admin/urbanisme/dossier/{request_id}/", data={"csrf_token": token, "parcels": "ZZ 1"})
    assert posted.status_code == 404
    assert dossier_of(app, town, request_id).parcels == ["AB 0123", "AB 0124"]
    assert outsider.get("/admin/urbanisme/?days=all").status_code == 200
    with in_commune(app, town.id):
        reference = db.session.get(Request, request_id).reference
    assert reference not in outsider.get("/admin/urbanisme/?days=all").get_data(as_text=True)
    accueil = signed_in(app, "accueil@a.fr")
    assert accueil.get("/admin/urbanisme/").status_code == 403
    assert accueil.get(f"/admin/urbanisme/dossier/{request_id}/").status_code == 403
    assert other


def test_the_file_page_records_parcels_and_consultations_and_refuses_bad_input(app, town):
    request_id, _ = file(app, town, "urbanisme.pc", good_data("urbanisme.pc", today() - timedelta(days=3)))
    client = signed_in(app, "instructeur@a.fr")
    url = f"/admin/urbanisme/dossier/{request_id}/"
    assert "AB 0123, AB 0124" in client.get(url).get_data(as_text=True)
    bad = client.post(url, data={"csrf_token": csrf_token(client, url), "parcels": "AB 12, <b>n'importe</b>",
                                 "conformity_case": "droit_commun"})
    assert bad.status_code == 400
    assert "Les références cadastrales doivent indiquer" in bad.get_data(as_text=True).replace("&#39;", "'")
    assert "<b>n'importe</b>" not in bad.get_data(as_text=True)
    assert dossier_of(app, town, request_id).parcels == ["AB 0123", "AB 0124"]
    good = client.post(url, data={
        "csrf_token": csrf_token(client, url), "parcels": "ZA 12; zb 7", "plu_zone": "ub",
        "conformity_case": "erp_igh", "circumstances": ["travaux_erp"],
        "body_0": "sdis", "sent_0": (today() - timedelta(days=1)).isoformat(), "answered_0": "", "opinion_0": ""})
    assert good.status_code == 302
    stored = dossier_of(app, town, request_id)
    assert stored.parcels == ["ZA 0012", "ZB 0007"] and stored.plu_zone == "UB"
    assert stored.consultations == [("sdis", today() - timedelta(days=1), None, "")]
    assert stored.circumstances == ["travaux_erp"]


def test_the_citizen_page_lists_the_citizens_files(app, town):
    request_id, _ = file(app, town, "urbanisme.pcmi", good_data("urbanisme.pcmi", today() - timedelta(days=3)))
    client = signed_in(app, "instructeur@a.fr")
    page = client.get(f"/admin/citizens/{town.citizen}/").get_data(as_text=True).replace("&#39;", "'")
    assert "Dossiers d'urbanisme" in page and "Permis de construire une maison individuelle" in page
    stored = dossier_of(app, town, request_id)
    assert stored.legal_deadline.strftime("%d/%m/%Y") in page
    accueil = signed_in(app, "accueil@a.fr")
    assert "Dossiers d'urbanisme" not in accueil.get(f"/admin/citizens/{town.citizen}/").get_data(as_text=True)


def test_demo_files_are_realistic_quick_and_idempotent(app):
    from grc_core.plugin_api import use_commune
    from plugins.urbanisme.demo import load_demo_files
    from plugins.urbanisme.plugin import DEMO_AGENTS
    from grc_core.plugin_api import demo_agents

    commune_id = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["urbanisme"])
    with app.app_context(), use_commune(commune_id):
        commune = db.session.get(Commune, commune_id)
        demo_agents(commune, DEMO_AGENTS)
        db.session.commit()
        from grc_core.plugin_api import Citizen

        db.session.add_all([Citizen(first_name=f, last_name="Lefèvre", quartier="Centre")
                            for f in ("Anne", "Paul", "Inès", "Hugo", "Léa")])
        db.session.commit()
        filed = load_demo_files(commune)
        db.session.commit()
        assert filed >= 30
        assert load_demo_files(commune) == 0
        assert db.session.scalar(select(func.count()).select_from(Dossier)) == filed
        near = db.session.scalar(select(func.count()).select_from(Dossier).where(
            Dossier.legal_deadline.between(today(), today() + timedelta(days=30)), Dossier.notified_on.is_(None)))
        assert near >= 3
        decided = db.session.scalar(select(func.count()).select_from(Dossier).where(Dossier.notified_on.is_not(None)))
        assert decided >= 10
        # Nothing tacit: the demo service answers in time.
        assert db.session.scalar(select(func.count()).select_from(Dossier).where(
            Dossier.tacit_applied_on.is_not(None))) == 0
        # Every file has its number, but the follow-ups that carry their permit's.
        files = db.session.scalars(select(Dossier)).all()
        carrying = {"prorogation", "declaration_ouverture_chantier", "daact"}
        assert all(bool(d.file_number) != (d.procedure in carrying) for d in files)
        assert len({d.file_number for d in files if d.file_number}) == len([d for d in files if d.file_number])
        # Follow-ups linked to granted permits, and what they changed on them.
        follow_ups = {d.procedure: d for d in files if d.initial_dossier_id}
        assert set(follow_ups) == {"prorogation", "transfert_permis", "declaration_ouverture_chantier", "daact",
                                   "permis_modificatif"}
        extended = follow_ups["prorogation"].initial_dossier
        assert follow_ups["prorogation"].notified_on and extended.prorogations == 1
        assert extended.validity_end == add_months(extended.notified_on, 48)
        sold = follow_ups["transfert_permis"].initial_dossier
        assert sold.holder_name == follow_ups["transfert_permis"].applicant_name and sold.holder_since
        assert follow_ups["declaration_ouverture_chantier"].initial_dossier.works_started_on
        assert follow_ups["daact"].initial_dossier.daact_date == follow_ups["daact"].deposit_date
        modificatif = follow_ups["permis_modificatif"]
        assert modificatif.file_number == f"{modificatif.initial_dossier.file_number} M01"
        assert modificatif.decision == "" and modificatif.legal_deadline


def test_a_commune_without_the_plugin_has_no_page_panel_nor_type(app):
    from grc_core.plugin_api import RequestType

    setup_town(app)
    without = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    make_agent(app, without, "admin@b.fr", "admin")
    client = signed_in(app, "admin@b.fr")
    assert client.get("/admin/urbanisme/").status_code == 404
    assert client.get("/admin/urbanisme/?days=7").status_code == 404
    assert "Permis de construire" not in client.get("/admin/intake/").get_data(as_text=True)
    assert "Échéances d'urbanisme" not in client.get("/admin/").get_data(as_text=True).replace("&#39;", "'")
    with in_commune(app, without):
        assert db.session.scalar(select(func.count()).select_from(RequestType)) == 0
        assert db.session.scalar(select(func.count()).select_from(Dossier)) == 0


def test_an_agent_of_another_service_does_not_see_the_planning_files(app, town):
    request_id, _ = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", today() - timedelta(days=25)))
    make_agent(app, town.id, "voirie@a.fr", "agent")  # no service: sees only what is assigned to them
    client = signed_in(app, "voirie@a.fr")
    with in_commune(app, town.id):
        reference = db.session.get(Request, request_id).reference
    assert reference not in client.get("/admin/urbanisme/?days=all").get_data(as_text=True)
    assert client.get(f"/admin/urbanisme/dossier/{request_id}/").status_code == 404
    assert "Dossiers d'urbanisme" not in client.get(f"/admin/citizens/{town.citizen}/").get_data(
        as_text=True).replace("&#39;", "'")
