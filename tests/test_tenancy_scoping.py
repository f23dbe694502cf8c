"""Row-level tenancy: a query that forgets the filter still sees one commune."""
import pytest
from sqlalchemy import delete, func, select, update

from grc_core.extensions import db
from grc_core.models import Membership, Service
from grc_core.plugin_api.testing import in_commune, make_commune
from grc_core.tenancy import TenancyError, unscoped, use_commune


@pytest.fixture
def communes(app):
    a = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=[])
    b = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    with app.app_context():
        with use_commune(a):
            db.session.add_all([Service(code="voirie", name="Voirie A"), Service(code="eau", name="Eau A")])
            db.session.commit()
        with use_commune(b):
            db.session.add(Service(code="voirie", name="Voirie B"))
            db.session.commit()
    return a, b


def test_unfiltered_select_sees_only_the_current_commune(app, communes):
    a, b = communes
    with in_commune(app, a):
        assert sorted(db.session.scalars(select(Service.name))) == ["Eau A", "Voirie A"]
        assert db.session.scalar(select(func.count()).select_from(Service)) == 2
        assert db.session.scalar(select(func.count(Service.id))) == 2
    with in_commune(app, b):
        assert list(db.session.scalars(select(Service.name))) == ["Voirie B"]


def test_one_statement_run_for_each_commune_in_turn_sees_each_commune_s_rows(app, communes):
    """Each commune's criteria are built once per process (grc_core.tenancy.scoping):
    the same statement, run for one commune then the other, never mixes them."""
    a, b = communes
    statement = select(Service.name).order_by(Service.name)
    with app.app_context():
        for _round in range(3):
            with use_commune(a):
                assert list(db.session.scalars(statement)) == ["Eau A", "Voirie A"]
            with use_commune(b):
                assert list(db.session.scalars(statement)) == ["Voirie B"]
            with use_commune(None):
                assert list(db.session.scalars(statement)) == []  # no commune: nothing (fail closed)


def test_get_by_id_of_another_commune_returns_nothing(app, communes):
    a, b = communes
    with in_commune(app, b):
        b_id = db.session.scalar(select(Service.id))
    with in_commune(app, a):
        assert db.session.get(Service, b_id) is None
        assert db.session.scalar(select(Service).where(Service.id == b_id)) is None


def test_joins_and_aliases_are_scoped_too(app, communes):
    a, _ = communes
    with in_commune(app, a):
        other = db.aliased(Service)
        pairs = db.session.execute(select(Service.name, other.name).join(other, other.code == Service.code)).all()
        assert sorted(pairs) == [("Eau A", "Eau A"), ("Voirie A", "Voirie A")]


def test_bulk_update_and_delete_touch_only_the_current_commune(app, communes):
    a, b = communes
    with in_commune(app, a):
        db.session.execute(update(Service).where(Service.code == "voirie").values(name="Renamed"))
        db.session.execute(delete(Service).where(Service.code == "eau"))
        db.session.commit()
    with in_commune(app, b):
        assert list(db.session.scalars(select(Service.name))) == ["Voirie B"]
    with in_commune(app, a):
        assert list(db.session.scalars(select(Service.name))) == ["Renamed"]


def test_no_current_commune_fails_closed(app, communes):
    with app.app_context():
        assert list(db.session.scalars(select(Service))) == []
        assert db.session.scalar(select(func.count()).select_from(Membership)) == 0


def test_unscoped_sees_every_commune_explicitly(app, communes):
    with app.app_context(), unscoped():
        assert db.session.scalar(select(func.count()).select_from(Service)) == 3


def test_new_rows_get_the_current_commune(app, communes):
    a, _ = communes
    with in_commune(app, a):
        service = Service(code="culture", name="Culture")
        db.session.add(service)
        db.session.commit()
        assert service.commune_id == a


def test_writing_a_row_of_another_commune_is_refused(app, communes):
    a, b = communes
    with in_commune(app, a):
        db.session.add(Service(code="intrus", name="Intrus", commune_id=b))
        with pytest.raises(TenancyError):
            db.session.flush()
        db.session.rollback()
    with in_commune(app, b):
        assert "Intrus" not in list(db.session.scalars(select(Service.name)))


def test_writing_without_a_commune_is_refused(app, communes):
    with app.app_context():
        db.session.add(Service(code="orphelin", name="Orphelin"))
        with pytest.raises(TenancyError):
            db.session.flush()
        db.session.rollback()
