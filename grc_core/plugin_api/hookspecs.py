"""The plugin contract: every hook a GRC plugin may implement.

Hooks are called with keyword arguments. An implementation may accept only
the arguments it needs (pluggy passes it only those): an argument added to a
hook later, such as ``now``, leaves existing implementations working. Unless said otherwise a hook returns a list and
``None`` means "nothing to add". The core calls hooks only through the
typed functions of :mod:`grc_core.plugins.registry`, which use pluggy's hook
callers (``firstresult``, wrappers and tracing apply) and call plugins in
load order; results that are shown are sorted by their ``order``.

Names are the contract: hooks are added, never renamed. Each one is
documented with an example in ``docs/plugin_hooks.md`` and tested by the
dummy plugin in ``tests/plugins/dummy``.
"""
from __future__ import annotations

import pluggy

PROJECT = "grc"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- wiring: called once per app, at start-up --------------------------------

@hookspec
def grc_blueprints():
    """Return Flask blueprints to register.

    Called once per app. Blueprint names start with the plugin name. While the
    plugin is inactive for the current commune, every URL of these blueprints
    answers 404.
    """


@hookspec
def grc_admin_views():
    """Return new Flask-Admin view instances (subclasses of
    :class:`grc_core.admin.base.SecureModelView` or ``SecureView``).

    Called once per app. Endpoints start with the plugin name. The core hides
    the views and refuses access while the plugin is inactive for the commune.
    """


@hookspec
def grc_migrations_dir():
    """Optional: the path of the plugin's Alembic ``versions`` folder when it
    is not ``migrations/versions/`` next to the plugin's module, where the
    core finds it by convention; None for the convention.

    Called once per app. The folder holds the plugin's own branch, labelled
    with the plugin name, whose root revision depends on the core branch.
    """


@hookspec
def grc_translations_dir():
    """Optional: the path of the plugin's ``translations`` folder when it is
    not next to the plugin's module, where the core finds it by convention;
    None for the convention.

    Called once per app. Its catalogs use the domain ``grc_<plugin name>``;
    they are merged into the app's translations.
    """


@hookspec
def grc_register_commands(cli):
    """Add click commands or groups to the ``grc`` command group ``cli``.

    Called once per app; return value ignored. Name groups after the plugin.
    """


@hookspec
def grc_register_settings():
    """Return :class:`SettingDecl` items: per-commune settings and defaults.

    Called once per app.
    """


@hookspec
def grc_register_permissions():
    """Return :class:`PermissionDecl` items (``<plugin>.<verb>``).

    Called once per app. Duplicate codes stop the start-up.
    """


# --- declarations: collected once, filtered per commune ----------------------

@hookspec
def grc_register_services():
    """Return :class:`ServiceDecl` items, created in a commune when the plugin
    is enabled there (existing services are kept as the admin edited them)."""


@hookspec
def grc_register_request_types():
    """Return :class:`RequestTypeDecl` items offered while the plugin is active."""


@hookspec
def grc_register_workflows():
    """Return :class:`WorkflowDecl` templates; communes edit their own copy."""


@hookspec
def grc_register_routing_rules():
    """Return :class:`RoutingRuleDecl` defaults, evaluated after admin rules."""


@hookspec
def grc_register_indicators():
    """Return :class:`IndicatorDecl` items: ``compute(commune, filters)`` gets
    :class:`IndicatorFilters` and returns an :class:`IndicatorResult` or a
    plain number."""


@hookspec
def grc_register_dashboard_widgets():
    """Return :class:`WidgetDecl` items placed on dashboards: the operational
    and strategic ones of the core, or the plugin's own domain dashboard."""


@hookspec
def grc_register_retention_policies():
    """Return :class:`RetentionPolicyDecl` items: what is anonymised, when.

    Collected once per app; used only for communes where the plugin is
    active. The core lists the candidates in the back office before ``grc
    tick`` anonymises them.
    """


@hookspec
def grc_register_processing_activities():
    """Return :class:`ProcessingActivityDecl` items: the processing of
    personal data the plugin performs, for the commune's register of
    processing activities (RGPD art. 30) — purpose, legal basis (art. 6),
    data categories (art. 9 flagged), retention, recipients.

    Collected once per app; the register of a commune lists the core's and
    its active plugins' activities.
    """


@hookspec
def grc_register_segment_criteria():
    """Return :class:`SegmentCriterionDecl` items: ways to select citizens
    from the plugin's data, offered in the segment builder (campaigns,
    barometer surveys) beside the core's criteria (age, quartier, street,
    household, consent, requests).

    Collected once per app; offered only in communes where the plugin is
    active, and only to authors holding the criterion's ``permission``.
    """


# --- contributions per page --------------------------------------------------

@hookspec
def grc_menu_items(user, commune):
    """Return :class:`MenuItem` links for ``user`` in ``commune``.

    Called on each back-office page, only for plugins active in the commune.
    Filter by the user's permissions here; the target view checks them again.
    """


@hookspec
def grc_citizen_panels(citizen, requests, user, commune):
    """Return :class:`CitizenPanel` blocks for the citizen's 360° page.

    Called for each display of the page, only for plugins active in the
    commune. ``requests`` are the citizen's requests that ``user`` may read
    (confidential types already left out), newest first: show requests from
    this list, never from a query of your own.
    """


@hookspec
def grc_request_panels(request, user, commune):
    """Return :class:`RequestPanel` blocks for the request's page.

    Called for each display of the page, only for plugins active in the
    commune and only for users who may read the request. Return None for
    requests that are not the plugin's own.
    """


@hookspec
def grc_portal_request_panels(request, account, commune):
    """Return :class:`RequestPanel` blocks for a request's page on the
    citizens' portal (a survey to answer, a document to download).

    Called for each display of the page to a signed-in portal ``account``,
    only for plugins active in the commune and only after the core checked
    that the account may read the request (its own or a child's; never a
    confidential type). Not called for a private tracking link: nobody is
    signed in there. Return None for requests that are not yours. A form in
    a panel posts to one of the plugin's own routes, which checks the account
    and the request again (``citizen_request_or_404``).
    """


@hookspec
def grc_portal_demarche_info(request_type, commune):
    """Return a :class:`DemarcheInfo` telling citizens about one of the
    plugin's request types on the portal (what it is for, who may ask, the
    pieces to bring, the legal delay), or None for a type that is not yours.

    Called for each display of a démarche's page on the citizens' portal
    (and for the catalogue's summaries), only for plugins active in the
    commune and only for types open to the ``web`` channel. Texts are plain
    text: the portal escapes them. Several answers for one type are shown
    one after the other, by ``order``.
    """


# --- events --------------------------------------------------------------

@hookspec
def grc_validate_request(request_type, data, commune, now):
    """Return a list of error messages (French, plain words) about ``data``;
    a :class:`FieldError` is shown next to its field.

    Called before a request is stored, only for plugins active in the
    commune. An empty list or None means "no objection"; any message stops
    the submission and nothing is stored. ``now`` is the engine's clock
    (an aware UTC datetime): compare dates with it, not with the system's.
    """


@hookspec
def grc_check_transition(request, transition, fields, actor, commune, now):
    """Return a list of error messages (French, plain words) that forbid
    applying ``transition`` to ``request`` now — the workflow's guards that
    data alone cannot express (a celebration date before the bans have run).

    Called before the transition is applied, after the core's own checks,
    only for plugins active in the commune; also when a timer applies it
    (``actor`` None). ``fields`` holds the values the agent entered for the
    transition's required fields and its own fields, already validated. An
    empty list or None means "no objection"; any message refuses the
    transition and nothing changes. A :class:`FieldError` naming one of those
    fields is shown next to it. ``now`` is the moment the transition is
    applied (the timer's run for a timer).
    """


@hookspec
def grc_request_submitted(request, commune, now):
    """React to a stored request (same transaction). Return value ignored.

    ``now`` is the request's reception time."""


@hookspec
def grc_request_transitioned(request, transition, fields, actor, commune, now):
    """React to an applied transition (same transaction). Return value ignored.

    ``transition`` is a :class:`TransitionSpec` built from the commune's copy of
    the workflow; ``fields`` the values entered for its required and own
    fields; ``actor`` is None when a timer applied it (``grc tick``); ``now``
    is the moment it was applied.
    """


@hookspec
def grc_tick(commune, now):
    """Periodic work of the plugin for ``commune`` (reminders, imports,
    expiries). Return value ignored.

    Called by ``grc tick`` (cron or worker, e.g. every minute) after the
    commune's workflow timers, only for plugins active in the commune, in the
    commune's scope; the core commits after it. ``now`` is the run's clock
    (``grc tick --now`` and ``grc_core.plugin_api.testing.run_tick`` set it):
    use it, never the system clock, and make the work idempotent — a run may
    be repeated.
    """


@hookspec
def grc_rebuild_indicators(commune, connection):
    """Recount the plugin's own aggregates for ``commune`` (counts its
    dashboards read, kept up to date on write) from its rows; return how
    many aggregate rows were written, or None.

    Called by ``grc indicators rebuild`` (and its job) after the core
    recounted its counters — needed after rows were written in bulk outside
    the ORM — for plugins active in the commune, in its scope, on the
    session's ``connection``: the same transaction, do not commit.
    """


# --- decisions -----------------------------------------------------------

@hookspec(firstresult=True)
def grc_route_request(request, commune):
    """Return a :class:`RoutingDecision`, or None for no opinion.

    Called only when no admin-configured rule matched; the first non-None
    answer, in load order, wins.
    """


# --- lifecycle: called on one plugin only --------------------------------

@hookspec
def grc_plugin_enabled(commune):
    """The plugin was just enabled for ``commune`` (same transaction).

    The core has already created the plugin's declared services.
    """


@hookspec
def grc_plugin_disabled(commune):
    """The plugin was just disabled for ``commune``; its data must be kept."""


@hookspec
def grc_demo_data(commune):
    """Create realistic demo data for ``commune``; must be idempotent.

    Called by ``grc demo`` after the core's own demo data, for plugins active
    in the commune, in load order (dependencies first).
    """
