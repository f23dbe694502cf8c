"""Indicators against hand-computed values, retention, panels, demo data."""
from __future__ import annotations

import time as clock
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from grc_core.plugin_api import Commune, IndicatorFilters, Request, RequestType, db
from grc_core.plugin_api.testing import in_commune

from plugins.social import dashboards, retention
from plugins.social import request_types as rt
from plugins.social.checks import parse_day, today
from plugins.social.demo import load_demo
from plugins.social.models import AidGrant, RegisterEntry

from .helpers import act, file, request_of, setup_town, signed_in
from .test_procedures import REGISTER, _aid


def _filters(**kwargs):
    day = today()
    return IndicatorFilters(start=kwargs.pop("start", day - timedelta(days=30)), end=kwargs.pop("end", day),
                            today=day, **kwargs)


def _small_year(app):
    town = setup_town(app)
    first = _aid(app, town, town.citizen, 120)
    act(app, town, first, "accorder", {"montant_accorde": "120"})
    second = _aid(app, town, town.spouse, 50, kind="aide_energie")
    act(app, town, second, "accorder", {"montant_accorde": "50"})
    _aid(app, town, town.citizen, 40, kind="secours_urgence")  # awaiting the commission
    registered = file(app, town, rt.REGISTRE, {**REGISTER, "date_naissance": "1940-01-01"})
    act(app, town, registered, "inscrire")
    domiciled = file(app, town, rt.DOMICILIATION, {"lien_commune": ["sejour"]})
    act(app, town, domiciled, "entretien")
    elected = (today() - timedelta(days=340)).isoformat()
    act(app, town, domiciled, "accorder", {"date_entretien": elected, "date_election": elected,
                                           "domicile_stable": "non"})
    return town


def test_indicators_count_what_was_filed(app):
    town = _small_year(app)
    with in_commune(app, town.id):
        commune = db.session.get(Commune, town.id)
        by_type = dashboards.requests_by_type(commune, _filters())
        assert by_type.value == 5
        assert dict(zip([c for c, _l in by_type.categories], by_type.series[0].values)) == {
            rt.DOMICILIATION: 1, rt.REGISTRE: 1, rt.AIDE_FACULTATIVE: 3, rt.AIDE_LEGALE: 0, rt.LOGEMENT: 0}
        domiciliations = dashboards.domiciliations(commune, _filters())
        # Elected 340 days ago: the attestation expires within 30 days.
        assert domiciliations.series[0].values == (1.0, 1.0, 0.0)
        assert dashboards.register_count(commune, _filters()).value == 1
        aid = dashboards.aid_per_month(commune, _filters(start=today().replace(day=1), end=today()))
        assert aid.value == 170.0
        assert aid.series[1].values == (2.0,)
        assert dashboards.aid_count(commune, _filters()).value == 2
        assert dashboards.awaiting_commission(commune, _filters()).value == 1
        # Another service only: nothing of the CCAS.
        assert dashboards.requests_by_type(commune, _filters(service_ids=frozenset({-1}))).value == 0


def test_finer_indicators_need_social_read_counts_do_not(app):
    permissions = {decl.code: decl.permission for decl in dashboards.INDICATORS}
    assert permissions["social.delai_par_type"] == permissions["social.aides_par_mois"] == "social.read"
    strategic = {w.indicator for w in dashboards.WIDGETS if w.dashboard == "strategic"}
    assert strategic and all(permissions[code] is None for code in strategic)
    assert all(w.dashboard in ("social", "strategic") for w in dashboards.WIDGETS)


def test_social_files_are_anonymised_two_years_after_the_last_contact(app):
    town = setup_town(app)
    request_id = _aid(app, town, town.citizen, 60)
    act(app, town, request_id, "accorder", {"montant_accorde": "60"})
    act(app, town, request_id, "verser", {"date_versement": today().isoformat()})
    with in_commune(app, town.id):
        commune = db.session.get(Commune, town.id)
        assert retention.file_candidates(commune, today()) == []
        due = today().replace(year=today().year + 2) + timedelta(days=1)
        candidates = retention.file_candidates(commune, due)
        assert [c.key for c in candidates] == [str(request_id)]
        # No type, no name (the page shows it only to holders of social.read).
        assert candidates[0].label == f"{db.session.get(Request, request_id).reference} — dossier du CCAS"
        assert retention.file_candidates(commune, due - timedelta(days=2)) == []
        assert retention.anonymise_files(commune, [c.key for c in candidates]) == 1
        db.session.commit()
        request = db.session.get(Request, request_id)
        assert request.citizen_id is None and "situation" not in request.data
        assert request.data["nature"] == "aide_alimentaire" and request.data["montant_accorde"] == "60.00"
        assert db.session.scalar(select(AidGrant.citizen_id)) is None


def test_radiated_register_requests_are_anonymised_at_once(app):
    town = setup_town(app)
    request_id = file(app, town, rt.REGISTRE, {**REGISTER, "date_naissance": "1940-01-01"})
    act(app, town, request_id, "inscrire")
    with in_commune(app, town.id):
        commune = db.session.get(Commune, town.id)
        assert retention.register_candidates(commune, today()) == []
    act(app, town, request_id, "radier")
    with in_commune(app, town.id):
        commune = db.session.get(Commune, town.id)
        keys = [c.key for c in retention.register_candidates(commune, today())]
        assert keys == [str(request_id)]
        retention.anonymise_register(commune, keys)
        db.session.commit()
        assert db.session.get(Request, request_id).data == {}
        assert db.session.scalar(select(func.count(RegisterEntry.id))) == 0


def test_the_retention_page_and_cli_name_ccas_files_only_to_holders_of_social_read(app):
    from grc_core.plugin_api.testing import grc_cli, make_agent

    town = setup_town(app)
    make_agent(app, town.id, "admin-ccas@a.fr", "admin", permissions=["social.read"])
    request_id = file(app, town, rt.REGISTRE, {**REGISTER, "date_naissance": "1940-01-01"})
    act(app, town, request_id, "inscrire")
    act(app, town, request_id, "radier")
    reference = request_of(app, town, request_id).reference
    page = signed_in(app, "admin@a.fr").get("/admin/core_retention/").get_data(as_text=True)
    assert "Échus maintenant : 1" in page and reference not in page
    assert "Ces dossiers sont confidentiels : seuls les agents habilités à les lire voient lesquels." in page
    allowed = signed_in(app, "admin-ccas@a.fr").get("/admin/core_retention/").get_data(as_text=True)
    assert f"{reference} — dossier du CCAS" in allowed and "sont confidentiels" not in allowed
    listed = app.test_cli_runner().invoke(grc_cli(), ["retention", "list", "--commune", "villeneuve"])
    assert "social.registre — Registre des personnes vulnérables : 1 dû(s), 0 à venir." in listed.output
    assert reference not in listed.output and "dossiers confidentiels" in listed.output


def test_panels_show_only_with_social_read(app):
    town = setup_town(app)
    request_id = _aid(app, town, town.citizen, 60)
    act(app, town, request_id, "accorder", {"montant_accorde": "60"})
    reader = signed_in(app, "lecteur@a.fr").get(f"/admin/citizens/{town.citizen}/").get_data(as_text=True)
    # Amounts through Babel: a no-break space before the euro sign in French.
    assert "60,00\u00a0€" in reader and request_of(app, town, request_id).reference in reader
    page = signed_in(app, "lecteur@a.fr").get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert "Déjà accordé au foyer sur la période : 60,00\u00a0€" in page
    assert "Plafond par foyer : 400,00\u00a0€" in page
    for email in ("accueil@a.fr", "admin@a.fr"):
        text = signed_in(app, email).get(f"/admin/citizens/{town.citizen}/").get_data(as_text=True)
        assert "60,00" not in text and request_of(app, town, request_id).reference not in text


def test_demo_year_is_realistic_idempotent_and_quick(app):
    town = setup_town(app)
    with in_commune(app, town.id):
        commune = db.session.get(Commune, town.id)
        started = clock.monotonic()
        filed = load_demo(commune)
        elapsed = clock.monotonic() - started
        assert filed == 76
        assert load_demo(commune) == 0
        types = dict(db.session.execute(
            select(RequestType.code, func.count(Request.id)).join(Request, Request.request_type_id == RequestType.id)
            .group_by(RequestType.code)).all())
        assert set(types) == set(rt.CODES)
        assert db.session.scalar(select(func.count(RegisterEntry.id))) >= 15
        assert db.session.scalar(select(func.count(AidGrant.id))) >= 10
        oldest = db.session.scalar(select(func.min(Request.received_at)))
        assert oldest.replace(tzinfo=None) < datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=300)
    print(f"social demo: {filed} files in {elapsed:.1f} s")


def test_a_stored_or_typed_day_is_read_and_nothing_else():
    assert parse_day("2026-05-30") == date(2026, 5, 30)
    assert parse_day("2026-05-30T10:00:00") == date(2026, 5, 30)
    assert parse_day("30/05/2026") == date(2026, 5, 30)
    assert parse_day("2026-5-3") == date(2026, 5, 3)
    assert parse_day(date(2026, 5, 30)) == date(2026, 5, 30)
    for wrong in ("2026-02-30", "31/02/2026", "demain", "", None, "2026-13-01"):
        assert parse_day(wrong) is None, wrong
