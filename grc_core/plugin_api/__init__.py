"""The public API for GRC plugins: everything a plugin may import, and nothing else.

A plugin imports from ``grc_core.plugin_api`` (its test suite also from
``grc_core.plugin_api.testing``) and from no other ``grc_core`` module, so
that the core can be refactored without breaking a plugin; a test walks the
plugins' imports to hold them to it. Each name below is documented in
``docs/writing_plugins.md`` ("The plugin API") and kept, with its meaning,
for as long as ``GRC_API_VERSION`` does not change; a removal or an
incompatible change raises the version and is listed in the changelog of
``docs/plugin_hooks.md``.

The hook marker and the declaration types are defined here
(:mod:`.hookspecs`, :mod:`.types`). The other names are the core's own
objects, given a public name: they are imported on first use, because the
core itself imports this package's types while it starts.
"""
from __future__ import annotations

import importlib

from .hookspecs import hookimpl
from .types import (
    CHANNELS, ESCALATIONS, FIELD_TYPES, LEGAL_BASES, ROLES, STATE_KINDS, TIMER_ACTIONS, WIDGET_KINDS, CitizenPanel,
    DataCategory, DemarcheInfo, FieldError, FieldSpec, IndicatorDecl, IndicatorFilters, IndicatorResult, MenuItem,
    PermissionDecl, PluginManifest, ProcessingActivityDecl, RequestPanel, RequestTypeDecl, RetentionCandidate,
    RetentionPolicyDecl, RoutingDecision, RoutingRuleDecl, SEGMENT_PARAM_TYPES, SegmentContext, SegmentCriterionDecl,
    Series, ServiceDecl, SettingDecl, StateSpec, TimerSpec, TransitionSpec, Unit, WidgetDecl, WorkflowDecl,
)

#: Raised when a plugin needs changing to keep working with the core; see the
#: changelog ("API version N") in docs/plugin_hooks.md.
GRC_API_VERSION = 2


class GRCDeprecationWarning(DeprecationWarning):
    """A plugin uses a name that the next API version removes; the message
    names its replacement."""


# Public name → (core module, name there). Lazy: see the module docstring.
_CORE_NAMES: dict[str, tuple[str, str]] = {
    # Database: the Flask-SQLAlchemy handle, the mixin of per-commune tables.
    "db": ("grc_core.extensions", "db"),
    "TenantMixin": ("grc_core.models.base", "TenantMixin"),
    "TimestampMixin": ("grc_core.models.base", "TimestampMixin"),
    "utcnow": ("grc_core.models.base", "utcnow"),
    # The core's records a plugin reads (and links its own tables to).
    "AuditEvent": ("grc_core.models", "AuditEvent"),
    "Citizen": ("grc_core.models", "Citizen"),
    "Consent": ("grc_core.models", "Consent"),
    "Segment": ("grc_core.models", "Segment"),
    "OutboxMessage": ("grc_core.models", "OutboxMessage"),
    "Commune": ("grc_core.models", "Commune"),
    "HouseholdLink": ("grc_core.models", "HouseholdLink"),
    "Membership": ("grc_core.models", "Membership"),
    "Request": ("grc_core.models", "Request"),
    "RequestEvent": ("grc_core.models", "RequestEvent"),
    "RequestType": ("grc_core.models", "RequestType"),
    "Service": ("grc_core.models", "Service"),
    "User": ("grc_core.models", "User"),
    "CitizenAccount": ("grc_core.models", "CitizenAccount"),
    # The commune being served, permissions, audit trail.
    "current_commune": ("grc_core.tenancy.resolver", "current_commune"),
    "use_commune": ("grc_core.tenancy.scoping", "use_commune"),
    "plugins_active_in": ("grc_core.tenancy.activation", "active_plugins"),
    "can": ("grc_core.security.permissions", "can"),
    "parse_int": ("grc_core.security.ids", "parse_int"),
    "require": ("grc_core.security.permissions", "require"),
    "record_audit_event": ("grc_core.audit", "record"),
    # Requests: filing, reading, workflow.
    "create_request": ("grc_core.requests.service", "create_request"),
    "readable_request_or_404": ("grc_core.security.access", "request_or_404"),
    "readable_requests_conditions": ("grc_core.security.access", "readable_requests_conditions"),
    # The citizens' portal: who is signed in, and the requests he may read there.
    "portal_account": ("grc_core.portal.session", "current_account"),
    "citizen_request_or_404": ("grc_core.security.access", "citizen_request_or_404"),
    "may_use_queue": ("grc_core.requests.queue", "may_use_queue"),
    "REQUEST_NOT_CLOSED": ("grc_core.requests.queue", "NOT_CLOSED"),
    "REFERENCE_PATTERN": ("grc_core.requests.queue", "REFERENCE"),
    "format_reference": ("grc_core.requests.references", "format_reference"),
    "apply_transition": ("grc_core.workflows.engine", "apply_transition"),
    "add_history_event": ("grc_core.requests.service", "add_history_event"),
    "confidential_permission_of": ("grc_core.requests.confidentiality", "read_permission_of"),
    "TransitionError": ("grc_core.workflows.engine", "TransitionError"),
    "state_label": ("grc_core.workflows.definition", "state_label"),
    "readable_definition": ("grc_core.workflows.definition", "localized"),
    "neutralize_spreadsheet_cell": ("grc_core.spreadsheet", "neutralize"),
    "spreadsheet_download": ("grc_core.spreadsheet", "download"),
    # Back-office pages and forms (GrcForm: the input hygiene every form needs).
    "GrcForm": ("grc_core.forms.hygiene", "GrcForm"),
    "csrf_exempt": ("grc_core.extensions", "csrf_exempt"),
    # Questions a commune writes itself (FieldSpec lists): the request types' editor, the form built from
    # the specs, their JSON form (grc/forms/_field_editor.html and grc/forms/_fields.html render them).
    "FIELD_TYPE_LABELS": ("grc_core.admin.forms_admin", "FIELD_TYPE_LABELS"),
    "FIELD_NAME_MAX": ("grc_core.forms.specs", "FIELD_NAME_MAX"),
    "field_editor_row": ("grc_core.admin.forms_admin", "spec_to_row"),
    "field_editor_blank_row": ("grc_core.admin.forms_admin", "blank_row"),
    "field_editor_rows": ("grc_core.admin.forms_admin", "submitted_rows"),
    "field_editor_specs": ("grc_core.admin.forms_admin", "rows_to_specs"),
    "spec_to_dict": ("grc_core.forms.specs", "spec_to_dict"),
    "spec_from_dict": ("grc_core.forms.specs", "spec_from_dict"),
    "build_field_form": ("grc_core.forms.builder", "build_form_class"),
    "field_form_data": ("grc_core.forms.validation", "form_data"),
    "display_field_value": ("grc_core.forms.display", "display_value"),
    "SecureView": ("grc_core.admin.base", "SecureView"),
    "SecureModelView": ("grc_core.admin.base", "SecureModelView"),
    # Dates: the commune's time zone, working days, legal delays.
    "LOCAL_TIMEZONE": ("grc_core.workflows.deadlines", "PARIS"),
    "local_date": ("grc_core.workflows.deadlines", "local_date"),
    "is_alsace_moselle": ("grc_core.workflows.deadlines", "is_alsace_moselle"),
    "add_months": ("grc_core.calendar", "add_months"),
    "add_years": ("grc_core.calendar", "add_years"),
    "age_on": ("grc_core.calendar", "age_on"),
    "birthday": ("grc_core.calendar", "birthday"),
    "is_working_day": ("grc_core.calendar", "is_working_day"),
    "next_working_day": ("grc_core.calendar", "next_working_day"),
    # The explanations of the pure rules: English messages translated when rendered (no Flask on import).
    "lazy_text": ("grc_core.rules_text", "lazy_text"),
    "lazy_ngettext": ("grc_core.rules_text", "lazy_ngettext"),
    "LocalDate": ("grc_core.rules_text", "LocalDate"),
    "Euros": ("grc_core.rules_text", "Euros"),
    "Joined": ("grc_core.rules_text", "Joined"),
    "Capitalized": ("grc_core.rules_text", "Capitalized"),
    "RuleText": ("grc_core.rules_text", "Text"),
    # Indicators: SQL building blocks that respect the viewer's services.
    "in_services": ("grc_core.indicators.sql", "in_services"),
    "period_bounds": ("grc_core.indicators.sql", "period_bounds"),
    "days_between": ("grc_core.indicators.sql", "days_between"),
    "counts_by_bucket": ("grc_core.indicators.sql", "counts_by_bucket"),
    "received_per_type": ("grc_core.indicators.core", "received_per_type"),
    "duration_percentiles": ("grc_core.indicators.durations", "duration_percentiles"),
    "period_percentiles": ("grc_core.indicators.durations", "period_percentiles"),
    "PROCESSING_TIME": ("grc_core.indicators.durations", "PROCESSING"),
    "ALL_TYPES": ("grc_core.indicators.durations", "ALL"),
    "DURATION_PRECISION_NOTE": ("grc_core.indicators.durations", "PRECISION"),
    # Retention (RGPD) of the core's requests.
    "closed_requests_due": ("grc_core.retention.requests", "closed_requests_due"),
    "requests_closed_before": ("grc_core.retention.requests", "requests_closed_before"),
    "anonymise_requests": ("grc_core.retention.requests", "anonymise_requests"),
    # Segments (campaigns, surveys) and outgoing messages.
    "segment_citizen_ids": ("grc_core.segments", "matching_ids"),
    "segment_criteria_for": ("grc_core.segments", "criteria_for"),
    "describe_segment": ("grc_core.segments.definition", "describe"),
    "parse_segment": ("grc_core.segments", "parse_definition"),
    "SegmentError": ("grc_core.segments", "SegmentError"),
    "enqueue_email": ("grc_core.notifications.outbox", "enqueue_email"),
    "citizen_language": ("grc_core.notifications.templates", "citizen_language"),
    "enqueue_sms": ("grc_core.notifications.outbox", "enqueue_sms"),
    "mobile_number": ("grc_core.notifications.sms", "mobile_number"),
    "sign_unsubscribe_token": ("grc_core.notifications.unsubscribe", "sign"),
    "read_unsubscribe_token": ("grc_core.notifications.unsubscribe", "read"),
    "unsubscribe_headers": ("grc_core.notifications.unsubscribe", "unsubscribe_headers"),
    "job": ("grc_core.jobs", "job"),
    # Files a plugin generates (a campaign's letters): put/open/read on keys.
    "storage": ("grc_core.storage", "storage"),
    "enqueue_job": ("grc_core.jobs", "enqueue"),
    # Demo data.
    "demo_agents": ("grc_core.demo", "demo_agents"),
    "DEMO_FIRST_NAMES": ("grc_core.demo_requests", "FIRST_NAMES"),
    "DEMO_LAST_NAMES": ("grc_core.demo_requests", "LAST_NAMES"),
    "DEMO_STREETS": ("grc_core.demo_requests", "STREETS"),
}

__all__ = [
    "GRC_API_VERSION", "GRCDeprecationWarning", "hookimpl",
    # Declarations and what hooks return.
    "PluginManifest", "ServiceDecl", "PermissionDecl", "SettingDecl", "FieldSpec", "FieldError", "RequestTypeDecl",
    "StateSpec", "TransitionSpec", "TimerSpec", "WorkflowDecl", "RoutingRuleDecl", "RoutingDecision",
    "IndicatorFilters", "Series", "IndicatorResult", "Unit", "IndicatorDecl", "WidgetDecl", "RetentionCandidate",
    "RetentionPolicyDecl", "MenuItem", "CitizenPanel", "RequestPanel", "DemarcheInfo", "DataCategory",
    "ProcessingActivityDecl", "SegmentContext", "SegmentCriterionDecl",
    "ROLES", "CHANNELS", "FIELD_TYPES", "STATE_KINDS", "WIDGET_KINDS", "TIMER_ACTIONS", "ESCALATIONS", "LEGAL_BASES",
    "SEGMENT_PARAM_TYPES",
    *_CORE_NAMES,
]


def __getattr__(name: str):
    try:
        module, attribute = _CORE_NAMES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
