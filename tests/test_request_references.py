"""Human references: sequential per commune and per year, unique under concurrency."""
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import ReferenceCounter
from grc_core.plugin_api.testing import in_commune, make_commune
from grc_core.requests.references import format_reference, next_reference


def take(app, commune_id, year):
    with in_commune(app, commune_id):
        reference = next_reference(commune_id, year)
        db.session.commit()
        return reference


def test_references_are_sequential_per_commune_and_per_year(app):
    a = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=[])
    b = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    assert [take(app, a, 2026) for _ in range(3)] == ["2026-00001", "2026-00002", "2026-00003"]
    # Another commune has its own sequence, and so has a new year.
    assert take(app, b, 2026) == "2026-00001"
    assert take(app, a, 2027) == "2027-00001"
    assert take(app, a, 2026) == "2026-00004"
    with in_commune(app, a):
        counters = {c.year: c.value for c in db.session.scalars(select(ReferenceCounter))}
    assert counters == {2026: 4, 2027: 1}


def test_a_number_rolled_back_with_its_transaction_leaves_no_gap(app):
    a = make_commune(app, plugins=[])
    with in_commune(app, a):
        lost = next_reference(a, 2026)
        db.session.rollback()
    # Nobody was given the number (nothing was committed): the next request takes it.
    assert take(app, a, 2026) == lost


def test_concurrent_creations_get_distinct_consecutive_references(app):
    a = make_commune(app, plugins=[])
    with ThreadPoolExecutor(max_workers=8) as pool:
        references = list(pool.map(lambda _: take(app, a, 2026), range(50)))
    assert sorted(references) == [format_reference(2026, n) for n in range(1, 51)]


def test_a_reference_is_readable_on_the_phone():
    assert format_reference(2026, 42) == "2026-00042"
    assert format_reference(2026, 123456) == "2026-123456"
