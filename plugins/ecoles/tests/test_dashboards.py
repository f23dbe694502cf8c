"""Indicators computed on the small fixture of conftest, against hand counts.

Seen from 28 November 2026: the coming school year is 2027-2028 (petite
section = children born in 2024), the one in progress 2026-2027."""
from datetime import date, datetime, timezone

from sqlalchemy import select

from grc_core.plugin_api import Citizen, Commune, HouseholdLink, IndicatorFilters, Service, User, create_request, db
from grc_core.plugin_api.testing import in_commune
from plugins.ecoles import dashboards
from plugins.ecoles.models import Activity, Enrolment

TODAY = date(2026, 11, 28)


def filters(**kwargs):
    return IndicatorFilters(start=kwargs.pop("start", date(2026, 9, 1)), end=kwargs.pop("end", date(2026, 11, 30)),
                            today=TODAY, **kwargs)


def child(first, born, quartier="Centre", parent=None):
    citizen = Citizen(first_name=first, last_name="Test", birth_date=born, quartier=quartier)
    db.session.add(citizen)
    db.session.flush()
    if parent is not None:
        db.session.add(HouseholdLink(citizen_id=citizen.id, relative_id=parent, relation="parent"))
    return citizen


def series(result):
    return {s.code: dict(zip((key for key, _label in result.categories), s.values)) for s in result.series}


def test_coming_and_current_school_years():
    assert dashboards.coming_year(TODAY) == 2027 and dashboards.current_year(TODAY) == 2026
    # In the summer, the year ending is still "in progress": the coming one starts in September.
    assert dashboards.coming_year(date(2027, 8, 20)) == 2027


def test_enrolment_against_capacity_for_the_coming_year(app, town):
    with in_commune(app, town.id):
        rows = [("petite_section", town.LIL, "affectee"), ("petite_section", town.LIL, "demandee"),
                ("petite_section", town.LIL, "radiee"), ("cp", town.MOU, "admise"), ("cm2", town.PAS, "affectee"),
                ("moyenne_section", None, "demandee")]
        for n, (level, school, status) in enumerate(rows):
            kid = child(f"Enfant{n}", date(2024, 1, 1))
            db.session.add(Enrolment(child_id=kid.id, school_year_id=town.y27, school_id=school, level=level,
                                     status=status))
        # Last year's pupils do not count for the coming year.
        db.session.add(Enrolment(child_id=kid.id, school_year_id=town.y26, school_id=town.MOU, level="cp",
                                 status="admise"))
        db.session.commit()
        commune = db.session.get(Commune, town.id)
        detail = dashboards.enrolment_vs_capacity(commune, filters())
        assert detail.value == 4
        values = series(detail)
        assert values["inscrits"][f"{town.LIL}:petite_section"] == 2 and values["places"][f"{town.LIL}:petite_section"] == 2
        assert values["inscrits"][f"{town.MOU}:cp"] == 1 and values["places"][f"{town.MOU}:cp"] == 2
        assert values["inscrits"][f"{town.LIL}:toute_petite_section"] == 0
        assert len(detail.categories) == 1 + 3 + 5 + 8  # every level with places
        per_school = series(dashboards.enrolment_by_school(commune, filters()))
        assert per_school["inscrits"] == {str(town.MOU): 1, str(town.LIL): 2, str(town.PAS): 1}
        assert per_school["places"] == {str(town.MOU): 10, str(town.LIL): 7, str(town.PAS): 16}
        # A viewer limited to other services sees nothing of it.
        other = Service(code="voirie", name="Voirie")
        db.session.add(other)
        db.session.commit()
        hidden = dashboards.enrolment_vs_capacity(commune, filters(service_ids=frozenset({other.id})))
        assert hidden.value is None and not hidden.series


def test_forecast_of_next_years_petite_section(app, town):
    with in_commune(app, town.id):
        child("Alice", date(2024, 1, 1), "Centre", parent=town.parent)
        child("Basile", date(2024, 12, 31), "Centre", parent=town.parent)
        child("Chloé", date(2024, 6, 15), "Gare", parent=town.parent)
        child("Denis", date(2024, 6, 15), "Gare")  # no household: not counted
        child("Émile", date(2023, 12, 31), "Gare", parent=town.parent)  # moyenne section
        child("Fanny", date(2025, 1, 1), "Gare", parent=town.parent)  # 2028
        db.session.commit()
        result = dashboards.petite_section_forecast(db.session.get(Commune, town.id), filters())
        assert result.value == 3
        assert series(result)["enfants"] == {"Centre": 2, "Gare": 1}
        assert "2024" in result.note


def test_derogations_by_reason_and_outcome(app, town):
    with in_commune(app, town.id):
        actor = db.session.scalar(select(User).where(User.email == "accueil@a.fr"))
        parent = db.session.get(Citizen, town.parent)
        filed = []
        for n, (motif, state, received) in enumerate([
                ("frere_ou_soeur_scolarise", "accordee", datetime(2026, 9, 10, 9, tzinfo=timezone.utc)),
                ("frere_ou_soeur_scolarise", "refusee", datetime(2026, 10, 1, 9, tzinfo=timezone.utc)),
                ("raison_medicale", "commission", datetime(2026, 11, 30, 20, tzinfo=timezone.utc)),
                ("raison_medicale", "accordee", datetime(2026, 1, 10, 9, tzinfo=timezone.utc))]):
            request, errors = create_request(
                request_type=town.types["ecoles.derogation"], citizen=parent, channel="guichet", actor=actor,
                now=received, formdata={"enfant_prenom": f"Enfant{n}", "enfant_nom": "Garnier",
                                        "enfant_naissance": "2021-05-05", "annee_scolaire": 2027,
                                        "perimetre": "intra", "ecole_demandee": "PAS", "motif": motif})
            assert not errors, errors
            request.state = state
            filed.append(request)
        db.session.commit()
        commune = db.session.get(Commune, town.id)
        result = dashboards.derogations(commune, filters())
        # 30 November 20:00 UTC is 21:00 in Paris: still in the period; January is not.
        assert result.value == 3
        values = series(result)
        assert values["accordee"]["frere_ou_soeur_scolarise"] == 1
        assert values["refusee"]["frere_ou_soeur_scolarise"] == 1
        assert values["en_cours"]["raison_medicale"] == 1 and values["accordee"]["raison_medicale"] == 0
        service_id = filed[0].service_id
        assert dashboards.derogations(commune, filters(service_ids=frozenset({service_id}))).value == 3
        assert dashboards.derogations(commune, filters(service_ids=frozenset({service_id + 1000}))).value == 0


def test_canteen_and_after_school_occupancy(app, town):
    with in_commune(app, town.id):
        db.session.add_all([Activity(kind="cantine", school_id=town.MOU, school_year_id=town.y26, capacity=4),
                            Activity(kind="matin", school_id=town.MOU, school_year_id=town.y26, capacity=2)])
        for n, (canteen, matin, status) in enumerate([(True, True, "admise"), (True, False, "admise"),
                                                      (True, False, "affectee"), (True, True, "radiee")]):
            kid = child(f"Enfant{n}", date(2020, 1, 1))
            db.session.add(Enrolment(child_id=kid.id, school_year_id=town.y26, school_id=town.MOU, level="ce1",
                                     status=status, canteen=canteen, matin=matin))
        db.session.commit()
        result = dashboards.occupancy(db.session.get(Commune, town.id), filters())
        assert result.value == 75.0
        values = series(result)
        assert values["inscrits"] == {"cantine": 3, "matin": 1, "soir": 0, "mercredi": 0}
        assert values["places"] == {"cantine": 4, "matin": 2, "soir": 0, "mercredi": 0}


def test_the_widgets_point_to_declared_indicators(app):
    codes = {i.code for i in dashboards.indicators()}
    widgets = dashboards.widgets()
    assert all(w.indicator in codes for w in widgets)
    assert {w.dashboard for w in widgets} == {"ecoles", "strategic"}
