"""Indicators of the service urbanisme against hand-computed values on a small fixture."""
import re
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from grc_core.plugin_api import Commune, IndicatorFilters, Request, Service, db
from grc_core.plugin_api.testing import in_commune

from plugins.urbanisme import dashboards
from plugins.urbanisme.dossier import today
from plugins.urbanisme.models import Consultation, Dossier
from plugins.urbanisme.tests.helpers import file, good_data, setup_town, signed_in

TODAY = date(2026, 6, 15)


@pytest.fixture
def fixture_files(app):
    """Five files, tuned by hand (today is 15 June 2026):

    1. DP deposited 2026-05-20: deadline 2026-06-20 (5 days left), running.
    2. PCMI deposited 2026-04-20, pieces asked and received on 2026-05-01: deadline 2026-07-01 (16 days),
       running; ABF consulted on 2026-05-05, no answer yet; SDIS answered.
    3. PC deposited 2026-03-10, notified on 2026-05-10: 61 days spent for a legal delay of 92 days.
    4. DP deposited 2026-01-31: tacit approval recorded on 2026-03-01.
    5. DP deposited 2025-12-01: refused by silence on 2026-01-02.
    """
    town = setup_town(app)
    ids = {}
    specs = [("urbanisme.dp", "2026-05-20"), ("urbanisme.pcmi", "2026-04-20"), ("urbanisme.pc", "2026-03-10"),
             ("urbanisme.dp", "2026-01-31"), ("urbanisme.dp", "2025-12-01")]
    for n, (code, deposit) in enumerate(specs, start=1):
        ids[n], errors = file(app, town, code, good_data(code, deposit))
        assert not errors
    from plugins.urbanisme.dossier import recompute

    with in_commune(app, town.id):
        rows = {n: db.session.scalar(select(Dossier).where(Dossier.request_id == ids[n])) for n in ids}
        rows[2].pieces_request_date, rows[2].pieces_request_count = date(2026, 5, 1), 1
        rows[2].completion_date = date(2026, 5, 1)
        rows[2].consultations.append(Consultation(body="abf", sent_on=date(2026, 5, 5)))
        rows[2].consultations.append(Consultation(body="sdis", sent_on=date(2026, 5, 5),
                                                  answered_on=date(2026, 5, 20), opinion="favorable"))
        rows[3].decision, rows[3].decision_date, rows[3].notified_on = "accord", date(2026, 5, 9), date(2026, 5, 10)
        rows[4].decision, rows[4].tacit_applied_on = "accord_tacite", date(2026, 3, 1)
        rows[5].decision, rows[5].tacit_applied_on = "refus_tacite", date(2026, 1, 2)
        for n, row in rows.items():
            recompute(row, db.session.get(Request, ids[n]))
        db.session.commit()
        service = db.session.scalar(select(Service.id).where(Service.code == "urbanisme.ads"))
    town.ids, town.service = ids, service
    return town


def compute(app, town, fn, start=date(2026, 1, 1), end=date(2026, 12, 31), service_ids=None):
    with in_commune(app, town.id):
        commune = db.session.get(Commune, town.id)
        return fn(commune, IndicatorFilters(start=start, end=end, today=TODAY, service_ids=service_ids))


def test_fixture_deadlines_are_the_ones_described(app, fixture_files):
    with in_commune(app, fixture_files.id):
        got = {n: db.session.scalar(select(Dossier.legal_deadline).where(Dossier.request_id == r))
               for n, r in fixture_files.ids.items()}
    assert got[1] == date(2026, 6, 20) and got[2] == date(2026, 7, 1) and got[3] == date(2026, 6, 10)


def test_deadlines_ahead(app, fixture_files):
    result = compute(app, fixture_files, dashboards.deadlines_ahead)
    # File 1: 5 days; file 2: 16 days; file 3 notified; 4 and 5 tacit.
    assert result.value == 1
    assert [s.values for s in result.series] == [(1.0, 1.0, 2.0)]
    assert result.drilldown["7"].endswith("days=7") and result.drilldown[""] == result.drilldown["7"]
    assert compute(app, fixture_files, dashboards.deadlines_ahead, service_ids=frozenset({-1})).value == 0


def test_files_by_procedure_and_status(app, fixture_files):
    result = compute(app, fixture_files, dashboards.files_by_procedure_and_status)
    assert result.value == 4  # file 5 was deposited in 2025
    index = [code for code, _ in result.categories]
    new = next(s for s in result.series if s.code == "new").values
    assert new[index.index("declaration_prealable")] == 2 and new[index.index("permis_de_construire")] == 1
    assert sum(sum(s.values) for s in result.series) == 4
    assert result.drilldown["declaration_prealable"] == {"type": fixture_files.types["urbanisme.dp"]}
    assert compute(app, fixture_files, dashboards.files_by_procedure_and_status,
                   start=date(2025, 1, 1), end=date(2025, 12, 31)).value == 1


def test_tacit_decisions_per_year(app, fixture_files):
    result = compute(app, fixture_files, dashboards.tacit_decisions_per_year, start=date(2025, 1, 1))
    assert result.value == 2
    assert result.categories == (("2025", "2025"), ("2026", "2026"))
    assert [s.values for s in result.series] == [(0.0, 1.0), (0.0, 1.0)]


def test_instruction_time_against_the_legal_delay(app, fixture_files):
    result = compute(app, fixture_files, dashboards.instruction_time)
    # File 3: 10 March → 10 May = 61 days, legal 10 March → 10 June = 92 days.
    assert result.value == 61
    with app.test_request_context(), force_locale("fr"):  # the procedures' names follow the reader's language
        assert tuple((code, str(label)) for code, label in result.categories) == (
            ("permis_de_construire", "Permis de construire"),)
    assert [s.values for s in result.series] == [(61.0,), (92.0,)]


def test_incomplete_rate_and_consultations(app, fixture_files):
    assert compute(app, fixture_files, dashboards.incomplete_rate).value == 25.0  # 1 of 4 deposited in 2026
    assert compute(app, fixture_files, dashboards.incomplete_rate, start=date(2024, 1, 1),
                   end=date(2024, 12, 31)).value is None
    pending = compute(app, fixture_files, dashboards.consultations_pending)
    assert pending.value == 1 and pending.categories == (("abf", "Architecte des Bâtiments de France"),)


def test_widgets_reference_declared_indicators(app):
    codes = {i.code for i in dashboards.indicators()}
    widgets = dashboards.widgets()
    assert all(w.indicator in codes for w in widgets)
    assert {w.dashboard for w in widgets} == {"urbanisme", "operational"}
    assert any(w.dashboard == "operational" and w.indicator == "urbanisme.deadlines" for w in widgets)


def test_the_dashboard_writes_the_files_due_within_7_days_in_the_readers_language(app):
    """« 1 dossier », "1 file"; « 2 dossiers », "2 files"."""
    town = setup_town(app)
    figure = re.compile(r'data-widget="urbanisme.deadlines_top".*?<div class="grc-number"[^>]*>\s*(?:<a [^>]*>)?'
                        r'([^<]*)(?:</a>)?\s*<small class="text-muted h6">([^<]*)</small>', re.S)
    expected = {"fr": ["1 dossier", "2 dossiers"], "en": ["1 file", "2 files"]}
    for index, deposited in enumerate((27, 26)):  # a DP's month runs out within the week
        _id, errors = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", today() - timedelta(days=deposited)))
        assert not errors
        for language, written in expected.items():
            html = signed_in(app, "dst@a.fr", language).get("/admin/dashboards/urbanisme/").get_data(as_text=True)
            assert " ".join(figure.search(html).groups()) == written[index]
