"""The declarations: valid workflow templates an admin can edit, request types routed to the service."""
import pytest

from grc_core.plugin_api.testing import workflow_problems

from plugins.etat_civil import request_types as rt
from plugins.etat_civil.workflows import WORKFLOWS


@pytest.mark.parametrize("decl", WORKFLOWS, ids=lambda d: d.code)
def test_every_workflow_template_passes_the_editors_checks(app, decl):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert workflow_problems(decl) == []


def test_every_request_type_has_a_workflow_a_service_and_french_labels():
    codes = {w.code for w in WORKFLOWS}
    for decl in rt.REQUEST_TYPES:
        assert decl.workflow in codes and decl.service == rt.SERVICE
        assert all(spec.label[:1].isupper() for spec in decl.fields), decl.code
    assert {r.request_type for r in rt.ROUTING_RULES} == rt.CODES


def test_the_timers_follow_the_legal_delays():
    timers = {t.code: t for w in WORKFLOWS for t in w.timers}
    # Bans: the day after publication + 10 days + 1 year (C. civ. 64, 65).
    assert (timers["publication_expiree"].delay_months, timers["publication_expiree"].delay_days) == (12, 11)
    assert timers["publication_expiree"].anchor == "date_publication"
    # Name change: one month after receipt (C. civ. 61-3-1).
    assert (timers["confirmation_possible"].delay_months, timers["confirmation_possible"].anchor) == (1, "created")
