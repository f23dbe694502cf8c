"""Plugin enquetes: satisfaction surveys after a request is closed, an
optional module a commune enables like a domain (DESIGN.md, "Wave 2").

Per request type, the commune says whether closing asks the citizen's
opinion, when, and what a bad answer does (settings page, views.py). The
invitation is written when the request enters a closing state, sent by
``grc tick`` when due, answered in one click through a signed link
(public.py); the answer goes to the request's history and the citizen's
360° record, and into the results page. The rules are in rules/ (pure)."""
from __future__ import annotations

from flask import has_request_context
from flask import request as http_request
from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import (
    CitizenPanel, DataCategory, PermissionDecl, PluginManifest, ProcessingActivityDecl, SettingDecl, db, hookimpl,
    local_date,
)

from . import models  # noqa: F401  (the plugin's tables)
from . import barometers, day_counts, surveys
from .labels import FALLBACK_LABELS, RESOLVED_LABELS, SCORE_LABELS, SURVEY_CHANNEL_SHORT_LABELS

manifest = PluginManifest(
    name="enquetes",
    label=_l("Satisfaction surveys"),
    version="0.1.0",
    description=_l("Ask citizens their opinion when their request is closed, act on a bad answer, "
                   "read the results."),
    author="GRC",
)


@hookimpl
def grc_register_permissions():
    return [
        PermissionDecl("enquetes.settings", _l("Set up satisfaction surveys"),
                       _l("Choose per request type when a survey is sent and what a bad answer does."),
                       ("admin",)),
        PermissionDecl("enquetes.results", _l("Read the satisfaction results"),
                       _l("Figures for everyone with it; the citizens' comments for agents only (not élus)."),
                       ("admin", "manager", "elu")),
        PermissionDecl("enquetes.agent_results", _l("Read every agent's satisfaction figures"),
                       _l("Each agent reads the figures of the requests he handled; this permission, every "
                          "agent's."), ("admin", "manager")),
        PermissionDecl("enquetes.barometers", _l("Run barometer surveys"),
                       _l("Write a survey, send it to a segment, type paper and phone answers."),
                       ("admin", "manager")),
    ]


@hookimpl
def grc_register_indicators():
    from .indicators import INDICATORS

    return list(INDICATORS)


@hookimpl
def grc_register_dashboard_widgets():
    from .indicators import WIDGETS

    return list(WIDGETS)


@hookimpl
def grc_register_settings():
    return [SettingDecl("enquetes.seuil_resultats", _l("Fewest answers for a group of survey results to be shown"),
                        5, help=_l("A quartier or an age band with fewer answers is not shown, so that no one can "
                                   "be recognised."))]


@hookimpl
def grc_register_processing_activities():
    return [
        ProcessingActivityDecl(
            "enquetes.satisfaction", _l("Satisfaction surveys after a request"),
            purpose=_l("Measure the quality citizens perceive and act when a request was badly handled."),
            legal_basis="consent",
            legal_reference=_l("GDPR art. 6-1-a: only citizens who accepted the town hall's satisfaction surveys"),
            data_subjects=(_l("Citizens whose request was closed"),),
            data_categories=(DataCategory(_l("Score, whether the problem is resolved, comment")),),
            recipients=(_l("The services concerned and the town hall's management"),),
            retention=_l("With the request: removed when the request is anonymised."),
            transfers=_l("None outside the European Union."),
        ),
        ProcessingActivityDecl(
            "enquetes.barometer", _l("Barometer surveys"),
            purpose=_l("Know what the population thinks of the town hall's services and projects."),
            legal_basis="consent",
            legal_reference=_l("GDPR art. 6-1-a: only citizens who accepted the town hall's surveys"),
            data_subjects=(_l("Citizens of the segment a survey is sent to"),),
            data_categories=(DataCategory(_l("Answers to the survey's questions; quartier and age band")),),
            recipients=(_l("The town hall's management"),),
            retention=_l("As each survey says: a number of months after it closes, then deleted."),
            transfers=_l("None outside the European Union."),
        ),
    ]


@hookimpl
def grc_request_transitioned(request, transition, fields, actor, commune, now):
    site_url = http_request.host_url if has_request_context() else ""
    if not site_url and commune is not None and commune.hostname_list:
        site_url = f"https://{commune.hostname_list[0]}/"
    surveys.invite(request, now, site_url, actor)


@hookimpl
def grc_tick(commune, now):
    surveys.send_due(commune, now)
    barometers.purge_expired(local_date(now))


@hookimpl
def grc_rebuild_indicators(commune, connection):
    return day_counts.count_all(connection, commune.id)


@hookimpl
def grc_blueprints():
    from .barometer_public import blueprint as barometer
    from .portal import blueprint as portal
    from .public import blueprint

    return [blueprint, barometer, portal]


@hookimpl
def grc_admin_views():
    from .agent_views import AgentResultsView
    from .barometer_views import BarometerResultsView, BarometerView
    from .views import ResultsView, SettingsView, SurveyRequestsView

    return [SettingsView(name=_l("Survey settings"), endpoint="enquetes_settings", url="/admin/enquetes/settings",
                         category=_l("Citizens")),
            ResultsView(name=_l("Satisfaction"), endpoint="enquetes_results", url="/admin/enquetes/results",
                        category=_l("Citizens")),
            AgentResultsView(name=_l("My satisfaction"), endpoint="enquetes_agent_results",
                             url="/admin/enquetes/agents", category=_l("Citizens")),
            SurveyRequestsView(name=_l("Surveyed requests"), endpoint="enquetes_requests",
                               url="/admin/enquetes/requests", category=_l("Citizens")),
            BarometerView(name=_l("Barometer surveys"), endpoint="enquetes_barometers",
                          url="/admin/enquetes/barometers", category=_l("Citizens")),
            BarometerResultsView(name=_l("Barometer results"), endpoint="enquetes_barometer_results",
                                 url="/admin/enquetes/barometer-results", category=_l("Citizens"))]


@hookimpl
def grc_citizen_panels(citizen, requests):
    from sqlalchemy import select

    from .models import SurveyInvitation

    readable = {r.id: r for r in requests}
    if not readable:
        return []
    rows = db.session.scalars(select(SurveyInvitation).where(
        SurveyInvitation.request_id.in_(readable), SurveyInvitation.status.in_(("sent", "answered")))
        .order_by(SurveyInvitation.closed_at.desc())).all()
    if not rows:
        return []
    return [CitizenPanel(_l("Satisfaction surveys"), "enquetes/panel.html",
                         {"rows": [(readable[row.request_id], row) for row in rows],
                          "score_words": SCORE_LABELS, "resolved_words": RESOLVED_LABELS,
                          "channel_words": SURVEY_CHANNEL_SHORT_LABELS, "fallback_words": FALLBACK_LABELS},
                         order=85)]


@hookimpl
def grc_portal_request_panels(request, account):
    from .portal import panels_for

    return panels_for(request, account)


@hookimpl
def grc_demo_data(commune):
    from .demo import load

    load(commune)
