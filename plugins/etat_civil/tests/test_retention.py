"""Retention (§5.3): requests for copies anonymised one year after closure."""
from datetime import date


from grc_core.plugin_api import Commune, Request, db
from grc_core.plugin_api.testing import in_commune, retention_pending, run_retention

from plugins.etat_civil import rules
from plugins.etat_civil.retention import CODE, candidates

from .helpers import act, at, file, setup_town

ACTE = {"acte": "naissance", "document": "extrait_sans_filiation", "qualite": "tiers", "nom": "Martin",
        "prenoms": "Jeanne", "date_naissance": date(1980, 4, 2), "lieu_naissance": "Orléans",
        "demandeur_nom": "Durand", "demandeur_prenoms": "Paul", "delivrance": "courrier",
        "demandeur_adresse": "3 rue Haute"}


def test_copy_requests_are_anonymised_the_day_after_one_year_from_closure(app):
    town = setup_town(app)
    closed = date(2024, 2, 29)
    copy = file(app, town, "etat_civil.acte", ACTE, now=at(date(2024, 2, 26)), channel="courrier")
    act(app, town, copy, "verifier", now=at(date(2024, 2, 27)))
    act(app, town, copy, "delivrer", now=at(closed))
    # Not a copy: a recensement closed the same day is kept.
    other = file(app, town, "etat_civil.livret_duplicata", {"demandeur": "titulaire", "motif": "perte",
                                                             "titulaires": "Jeanne Martin"}, now=at(closed))
    act(app, town, other, "classer", comment="Retrouvé.", now=at(closed))
    due = rules.copy_request_anonymisable_from(closed)
    assert due == date(2025, 3, 1)
    with in_commune(app, town.id):
        commune = db.session.get(Commune, town.id)
        assert candidates(commune, date(2025, 2, 28)) == []
        found = candidates(commune, due)
        assert [c.key for c in found] == [str(copy)] and found[0].due_on == due
        assert "Martin" not in found[0].label and "Durand" not in found[0].label
        # Visible in the back office before it runs.
        preview = {p.policy.code: p for p in retention_pending(commune, date(2025, 2, 20))}[CODE]
        assert [c.key for c in preview.upcoming] == [str(copy)] and not preview.due
        assert run_retention(commune, due)[CODE] == 1
        request = db.session.get(Request, copy)
        assert request.data == {"acte": "naissance", "document": "extrait_sans_filiation", "qualite": "tiers",
                                "delivrance": "courrier"}
        assert request.citizen_id is None and request.state == "delivree"
        assert db.session.get(Request, other).data["titulaires"] == "Jeanne Martin"
        assert run_retention(commune, due)[CODE] == 0  # idempotent


def test_the_policy_is_shown_in_the_back_office_before_it_runs(app):
    town = setup_town(app)
    copy = file(app, town, "etat_civil.acte", ACTE, now=at(date(2024, 2, 26)), channel="courrier")
    act(app, town, copy, "verifier", now=at(date(2024, 2, 27)))
    act(app, town, copy, "delivrer", now=at(date(2024, 2, 29)))
    from .helpers import signed_in
    admin = signed_in(app, "admin@a.fr")
    page = admin.get("/admin/core_retention/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Demandes de copies d&#39;actes d&#39;état civil" in page or "Demandes de copies d'actes" in page
    with in_commune(app, town.id):
        reference = db.session.get(Request, copy).reference
    assert reference in page
