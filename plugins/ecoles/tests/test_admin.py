"""Back-office views of the reference data: per commune, permission-guarded, in French."""
import re
from decimal import Decimal

from sqlalchemy import func, select

from grc_core.plugin_api import db
from grc_core.plugin_api.testing import csrf_token, in_commune, make_agent, make_commune
from plugins.ecoles import services
from plugins.ecoles.models import School, SectorStreet, TariffGrid

from .conftest import client_for, reference_data

VIEWS = ("ecoles_schools", "ecoles_capacities", "ecoles_years", "ecoles_sectors", "ecoles_activities",
         "ecoles_grids", "ecoles_tranches", "ecoles_enrolments")


def other_commune(app):
    other = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=["ecoles"])
    with in_commune(app, other):
        db.session.add(School(code="JZ", name="École Jean Zay de Saint-Aubin", kind="primaire"))
        db.session.commit()
        return other, db.session.scalar(select(School.id))


def test_the_views_list_only_the_communes_rows(app, town):
    other, school_b = other_commune(app)
    admin = client_for(app, "admin@a.fr")
    for endpoint in VIEWS:
        page = admin.get(f"/admin/{endpoint}/")
        assert page.status_code == 200, endpoint
    schools = admin.get("/admin/ecoles_schools/").get_data(as_text=True)
    assert "École maternelle Les Lilas" in schools and "Jean Zay" not in schools
    assert "École maternelle" in schools  # the kind, in French
    assert admin.get(f"/admin/ecoles_schools/edit/?id={school_b}").status_code == 404
    assert admin.get(f"/admin/ecoles_schools/details/?id={school_b}").status_code == 404
    # The school choices of the carte scolaire are the commune's own.
    form = admin.get("/admin/ecoles_sectors/new/").get_data(as_text=True)
    assert "École primaire Pasteur" in form and "Jean Zay" not in form
    assert "Côté pair" in form and "Voie" in form


def test_a_carte_scolaire_line_is_created_in_the_commune_and_checked(app, town):
    admin = client_for(app, "admin@a.fr")
    url = "/admin/ecoles_sectors/new/"
    bad = admin.post(url, data={"csrf_token": csrf_token(admin, url), "street": "Rue Victor Hugo", "from_number": "20",
                                "to_number": "10", "side": "pair", "school": str(town.PAS)})
    assert "Le dernier numéro est inférieur au premier." in bad.get_data(as_text=True)
    with in_commune(app, town.id):
        assert db.session.scalar(select(SectorStreet).where(SectorStreet.street == "Rue Victor Hugo")) is None
    good = admin.post(url, data={"csrf_token": csrf_token(admin, url), "street": "Rue Victor Hugo",
                                 "from_number": "2", "to_number": "40", "side": "pair", "school": str(town.PAS)})
    assert good.status_code == 302
    with in_commune(app, town.id):
        row = db.session.scalar(select(SectorStreet).where(SectorStreet.street == "Rue Victor Hugo"))
        assert row.commune_id == town.id
        assert services.sector_of("rue Victor-Hugo", "12")[0].code == "PAS"
        assert services.sector_of("rue Victor-Hugo", "13")[0] is None


def test_who_may_use_the_views(app, town):
    # The reference data: managers and admins; the enrolments: whoever assigns pupils.
    make_agent(app, town.id, "elu@a.fr", "elu")
    agent = client_for(app, "agent@a.fr")
    assert agent.get("/admin/ecoles_schools/").status_code == 403
    assert agent.get("/admin/ecoles_enrolments/").status_code == 200
    elu = client_for(app, "elu@a.fr")
    assert elu.get("/admin/ecoles_enrolments/").status_code == 403
    assert elu.get("/admin/ecoles_schools/").status_code == 403


def test_tariff_tranche_by_quotient_familial(app, town):
    with in_commune(app, town.id):
        grid = db.session.scalar(select(TariffGrid))
        assert services.grid_for("cantine", town.y27) is grid
        found = {qf: (t.label, t.price) for qf in (0, 1000, 1001, 1500, 1501, 5000)
                 for t in [services.tranche_for(qf, grid)]}
        assert found == {0: ("Tranche 1", Decimal("1.00")), 1000: ("Tranche 1", Decimal("1.00")),
                         1001: ("Tranche 2", Decimal("2.50")), 1500: ("Tranche 2", Decimal("2.50")),
                         1501: ("Tranche 3", Decimal("4.20")), 5000: ("Tranche 3", Decimal("4.20"))}
        # No QF given: the highest tranche, as the help text of the form says.
        assert services.tranche_for(None, grid).label == "Tranche 3"
        from plugins.ecoles import rules
        assert rules.validate_grid(grid.as_rule(), cantine_a_un_euro=True) == ()


def test_reference_data_of_two_communes_do_not_mix(app):
    a = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["ecoles"])
    b = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=["ecoles"])
    with in_commune(app, a):
        reference_data()
    with in_commune(app, b):
        reference_data()  # same codes and years in another commune: allowed
        assert len(services.carte_scolaire()) == 5
        assert services.find_school("LIL").commune_id == b


def test_the_grid_list_shows_the_checks_of_the_law(app, town):
    from plugins.ecoles.models import TariffTranche
    admin = client_for(app, "admin@a.fr")
    assert "Aucun problème détecté." in admin.get("/admin/ecoles_grids/").get_data(as_text=True)
    with in_commune(app, town.id):
        db.session.delete(db.session.scalar(select(TariffTranche).where(TariffTranche.label == "Tranche 3")))
        db.session.commit()
    page = admin.get("/admin/ecoles_grids/").get_data(as_text=True)
    assert "au moins 3 tranches" in page or "3 tranches" in page


def test_without_a_quotient_familial_the_communes_setting_decides(app, town):
    from plugins.ecoles.settings import NO_QF_TARIFF
    with in_commune(app, town.id):
        grid = db.session.scalar(select(TariffGrid))
        assert NO_QF_TARIFF.default == "tranche_haute"
        assert services.tranche_for(None, grid, without_qf="tranche_haute").label == "Tranche 3"
        assert services.tranche_for(None, grid, without_qf="aucun") is None
        assert services.tranche_for(800, grid, without_qf="aucun").label == "Tranche 1"


def test_a_tranche_with_inverted_bounds_is_refused(app, town):
    from plugins.ecoles.models import TariffTranche
    admin = client_for(app, "admin@a.fr")
    with in_commune(app, town.id):
        grid_id = db.session.scalar(select(TariffGrid.id))
        before = db.session.scalar(select(func.count(TariffTranche.id)))
    url = "/admin/ecoles_tranches/new/"
    response = admin.post(url, data={"csrf_token": csrf_token(admin, url), "grid": str(grid_id), "label": "Tranche 4",
                                     "qf_min": "2000", "qf_max": "1500", "price": "5"})
    assert "La borne haute est inférieure à la borne basse." in response.get_data(as_text=True)
    with in_commune(app, town.id):
        assert db.session.scalar(select(func.count(TariffTranche.id))) == before


def test_enrolments_are_found_by_the_childs_name_and_show_words(app, town):
    from datetime import date

    from grc_core.plugin_api import Citizen
    from plugins.ecoles.models import Enrolment

    with in_commune(app, town.id):
        for first, last, school in (("Léa", "Dupont", town.MOU), ("Hugo", "Martin", town.LIL)):
            kid = Citizen(first_name=first, last_name=last, birth_date=date(2021, 3, 1))
            db.session.add(kid)
            db.session.flush()
            db.session.add(Enrolment(child_id=kid.id, school_year_id=town.y27, school_id=school, level="cp",
                                     status="demandee", canteen=True, assigned_on=date(2027, 4, 2)))
        db.session.commit()
    admin = client_for(app, "admin@a.fr")
    found = admin.get("/admin/ecoles_enrolments/?search=dupont").get_data(as_text=True)
    assert "Dupont" in found and "Martin" not in found
    by_school = admin.get("/admin/ecoles_enrolments/?search=lilas").get_data(as_text=True)
    assert "Martin" in by_school and "Dupont" not in by_school
    # Yes and no in words for screen readers, not Flask-Admin's English title.
    assert '<span class="sr-only">Oui</span>' in found and "canteen: true" not in found
    with in_commune(app, town.id):
        enrolment_id = db.session.scalar(select(Enrolment.id).join(Enrolment.child).where(Citizen.last_name == "Dupont"))
    details = client_for(app, "admin@a.fr", lang="en").get(f"/admin/ecoles_enrolments/details/?id={enrolment_id}")
    text = re.sub(r"\s+", " ", details.get_data(as_text=True))
    assert "> Yes <" in text and "True" not in text


def test_the_grid_check_reads_in_the_agents_language(app, town):
    """The problems rules.validate_grid finds are shown in the reader's language (French, English)."""
    from grc_core.plugin_api import User
    from plugins.ecoles.models import TariffTranche

    with in_commune(app, town.id):
        grid = TariffGrid(name="Grille à trou", kind="cantine")
        db.session.add(grid)
        db.session.flush()
        db.session.add_all([TariffTranche(grid_id=grid.id, qf_min=0, qf_max=500, price=Decimal("1.00")),
                            TariffTranche(grid_id=grid.id, qf_min=600, qf_max=None, price=Decimal("3.00"))])
        db.session.commit()
    admin = client_for(app, "admin@a.fr")
    french = admin.get("/admin/ecoles_grids/").get_data(as_text=True)
    assert "trou entre les tranches" in french and "aucun tarif pour un QF de 501" in french
    with in_commune(app, town.id):
        db.session.scalar(select(User).where(User.email == "admin@a.fr")).locale = "en"
        db.session.commit()
    english = admin.get("/admin/ecoles_grids/").get_data(as_text=True)
    assert "gap between the tranches" in english and "no price for a QF from €501 to €599" in english
    assert "trou entre" not in english and "aucun tarif" not in english
