"""Indicators computed on a small fixture, against values computed by hand."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from grc_core.plugin_api import Citizen, IndicatorFilters, db
from grc_core.plugin_api.testing import in_commune, without_daily_counters

from plugins.etat_civil import dashboards

from .helpers import act, file, setup_town

PARIS = ZoneInfo("Europe/Paris")


def moment(day, hour=10):
    return datetime(2026, day[0], day[1], hour, 0, tzinfo=PARIS)


def acte(kind, **fields):
    base = {"acte": kind, "qualite": "interesse_majeur", "demandeur_nom": "Martin", "demandeur_prenoms": "Jeanne",
            "delivrance": "guichet", "nom": "Martin", "prenoms": "Jeanne"}
    if kind == "deces":
        return {**base, "qualite": "descendant", "document": "copie_integrale", "date_deces": date(2025, 1, 1),
                "lieu_deces": "Orléans", **fields}
    extra = {"date_naissance": date(1980, 4, 2), "lieu_naissance": "Orléans"}
    if kind == "mariage":
        extra.update(date_mariage=date(2005, 6, 4), lieu_mariage="Orléans")
    return {**base, "document": "extrait_sans_filiation", **extra, **fields}


@pytest.fixture
def town(app):
    town = setup_town(app)

    def delivered(kind, received, delivered_at):
        request_id = file(app, town, "etat_civil.acte", acte(kind), now=received)
        act(app, town, request_id, "verifier", now=received)
        act(app, town, request_id, "delivrer", now=delivered_at)

    delivered("naissance", moment((3, 2)), moment((3, 4)))            # 2 days
    delivered("naissance", moment((3, 10)), moment((3, 11), 22))      # 1.5 days
    delivered("deces", moment((3, 20)), moment((3, 25)))              # 5 days
    delivered("naissance", moment((2, 27)), moment((3, 2)))           # 3 days, received before the period
    refused = file(app, town, "etat_civil.acte", acte("mariage"), now=moment((4, 1)))
    act(app, town, refused, "refuser_qualite", comment="Tiers.", now=moment((4, 2)))
    file(app, town, "etat_civil.acte", acte("naissance"), now=moment((4, 5)))  # pending

    young = {"jeune_nom": "Petit", "jeune_prenoms": "Hugo", "jeune_date_naissance": date(2010, 1, 20),
             "jeune_lieu_naissance": "Orléans", "adresse": "5 rue Basse"}
    file(app, town, "etat_civil.recensement", young, now=moment((2, 10)))
    file(app, town, "etat_civil.recensement", young, now=moment((5, 5)))
    incomplete = file(app, town, "etat_civil.recensement", young, now=moment((5, 6)))
    act(app, town, incomplete, "refuser_incomplet", comment="Sans pièce.", now=moment((3, 15)))
    with in_commune(app, town.id):
        for born in (date(2010, 2, 15), date(2010, 3, 31), date(2010, 4, 1), date(2010, 12, 1), date(2009, 6, 1)):
            db.session.add(Citizen(first_name="Jeune", last_name="Habitant", birth_date=born))
        db.session.commit()

    party = {"_nom": "Martin", "_prenoms": "Camille", "_date_naissance": date(1990, 5, 1), "_acte_du": date(2026, 2, 1)}
    marriage = file(app, town, "etat_civil.mariage", {
        **{f"{p}{k}": v for p in ("epoux1", "epoux2") for k, v in party.items()}, "lien_commune": "domicile",
        "date_depot": date(2026, 2, 20), "temoin_1": "Paul Durand", "temoin_2": "Léa Petit"}, now=moment((2, 20)))
    act(app, town, marriage, "verifier", now=moment((2, 21)))
    act(app, town, marriage, "publier_bans", {"date_publication": "2026-03-02"}, now=moment((3, 2)))
    act(app, town, marriage, "fixer_celebration", {"date_celebration": "2026-03-14"}, now=moment((3, 3)))
    for day, refuse in ((date(2026, 3, 5), False), (date(2026, 3, 6), True), (date(2026, 3, 3), False)):
        pacs = file(app, town, "etat_civil.pacs", {
            **{f"{p}{k}": v for p in ("partenaire1", "partenaire2") for k, v in party.items()},
            "convention": "cerfa", "date_enregistrement": day}, now=moment((2, 25)))
        if refuse:
            act(app, town, pacs, "classer", comment="Abandon.", now=moment((2, 26)))
    return town


def compute(app, town, function, start, end, today=date(2026, 3, 4), service_ids=None):
    with in_commune(app, town.id):
        from grc_core.plugin_api import Commune
        return function(db.session.get(Commune, town.id),
                        IndicatorFilters(start=start, end=end, today=today, service_ids=service_ids))


SPRING = (date(2026, 3, 1), date(2026, 4, 30))


def series(result):
    return {s.code: list(s.values) for s in result.series}


def test_acts_requested_and_delivered_per_kind_and_month(app, town):
    requested = compute(app, town, dashboards.acts_requested, *SPRING)
    assert [key for key, _label in requested.categories] == ["2026-03", "2026-04"]
    assert requested.categories[0][1] == "mars 2026"
    assert requested.value == 5
    assert series(requested) == {"naissance": [2, 1], "mariage": [0, 1], "deces": [1, 0], "reconnaissance": [0, 0]}
    assert requested.drilldown["2026-04"] == {"type": town.types["etat_civil.acte"], "received_from": "2026-04-01",
                                              "received_to": "2026-04-30"}
    delivered = compute(app, town, dashboards.acts_delivered, *SPRING)
    assert delivered.value == 4
    assert series(delivered) == {"naissance": [3, 0], "mariage": [0, 0], "deces": [1, 0], "reconnaissance": [0, 0]}


def test_delay_median_and_90th_percentile_on_delivered_requests_only(app, town):
    result = compute(app, town, dashboards.delivery_delay, *SPRING)
    # Delays 1.5, 2, 3, 5 days: median 2.5; 90th percentile (nearest rank: 4th of 4) 5.
    assert result.value == 2.5
    assert series(result) == {"jours": [2.5, 5.0]}
    assert "calculés uniquement sur les 4 demandes délivrées" in result.note
    assert compute(app, town, dashboards.delivery_delay, date(2026, 6, 1), date(2026, 6, 30)).value is None


def test_delay_from_the_histograms_equals_the_delay_from_the_requests(app, town):
    for period in (SPRING, (date(2026, 3, 1), date(2026, 4, 30)), (date(2026, 2, 20), date(2026, 3, 10))):
        from_histograms = compute(app, town, dashboards.delivery_delay, *period)
        with without_daily_counters():
            from_requests = compute(app, town, dashboards.delivery_delay, *period)
        assert from_histograms == from_requests


def test_refusals_by_reason(app, town):
    result = compute(app, town, dashboards.refusals_by_reason, *SPRING)
    assert result.value == 2
    assert dict(zip([key for key, _label in result.categories], result.series[0].values)) == {
        "refuser_qualite": 1, "refuser_introuvable": 0, "refuser_incomplet": 1}
    # The period and the service filter apply.
    assert compute(app, town, dashboards.refusals_by_reason, date(2026, 4, 1), date(2026, 4, 30)).value == 1
    assert compute(app, town, dashboards.refusals_by_reason, *SPRING, service_ids=frozenset({987654})).value == 0


def test_marriages_and_pacs_of_the_coming_weeks(app, town):
    result = compute(app, town, dashboards.coming_unions, *SPRING)
    # Today Wednesday 4 March: weeks from Monday 2 March. PACS on 5 March (week 0; the one on 3 March is past,
    # the one on 6 March closed), marriage on 14 March (week 1).
    assert result.value == 2
    assert series(result)["pacs"][:2] == [1, 0] and series(result)["mariages"][:2] == [0, 1]
    assert result.categories[0] == ("2026-03-02", "Semaine du 2 mars 2026")


def test_recensements_per_quarter_against_the_cohort_turning_16(app, town):
    result = compute(app, town, dashboards.recensements_vs_cohort, date(2026, 1, 1), date(2026, 6, 30))
    assert [key for key, _label in result.categories] == ["2026-T1", "2026-T2"]
    assert series(result) == {"recenses": [1, 1], "cohorte": [2, 1]}
    assert result.drilldown["2026-T1"]["received_to"] == "2026-03-31"
    assert result.value == 2


def test_the_service_filter_hides_other_services_figures(app, town):
    assert compute(app, town, dashboards.acts_requested, *SPRING, service_ids=frozenset({987654})).value == 0
    assert compute(app, town, dashboards.delivery_delay, *SPRING, service_ids=frozenset()).value is None


def test_indicators_and_widgets_are_declared_for_the_plugins_dashboard_and_the_strategic_one(app):
    registry = app.extensions["grc"]
    indicators = {i.code for i in registry.declared_by("grc_register_indicators", "etat_civil")}
    widgets = list(registry.declared_by("grc_register_dashboard_widgets", "etat_civil"))
    assert {w.indicator for w in widgets} <= indicators
    assert {w.dashboard for w in widgets} == {"etat_civil", "strategic"}


def test_the_dashboards_show_the_demo_data(app):
    from grc_core.plugin_api import Commune

    from plugins.etat_civil.plugin import grc_demo_data

    from .helpers import setup_town, signed_in

    town = setup_town(app)
    with in_commune(app, town.id):
        grc_demo_data(db.session.get(Commune, town.id))
        db.session.commit()
    admin = signed_in(app, "admin@a.fr")
    page = admin.get("/admin/dashboards/etat_civil/", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for label in ("Actes demandés par mois", "Délai de délivrance (jours)", "Refus par motif",
                  "Mariages et PACS des semaines à venir", "Recensements par trimestre"):
        assert label in text, label
    strategic = admin.get("/admin/dashboards/strategic/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Délai médian de délivrance d&#39;un acte (jours)" in strategic or "Délai médian" in strategic
