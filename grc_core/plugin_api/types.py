"""Frozen dataclasses that plugins return from their hooks.

They are plain data: the core validates them at start-up (prefix, unique
codes) and stores them in the registry. Every ``code`` a plugin declares
starts with ``<plugin name>.``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

ROLES = ("admin", "manager", "agent", "accueil", "elu")

CHANNELS = ("guichet", "telephone", "courrier", "email", "web", "api")

FIELD_TYPES = (
    "text", "textarea", "integer", "decimal", "date", "email", "phone",
    "choice", "multichoice", "boolean", "file", "address",
)

STATE_KINDS = ("new", "open", "waiting", "closed")


@dataclass(frozen=True)
class PluginManifest:
    """What a plugin is, as data (the Odoo ``__manifest__`` idea).

    ``name`` is the import-free identifier used everywhere: entry-point name,
    prefix of codes, tables (``<name>_*``), endpoints and translation domain
    (``grc_<name>``).
    """

    name: str
    label: str
    version: str
    depends: tuple[str, ...] = ()
    description: str = ""
    author: str = ""


@dataclass(frozen=True)
class ServiceDecl:
    """A municipal service the plugin needs; created in a commune on enabling.

    ``existing``: codes of services a commune may already have for the same
    work (``("voirie",)``). When the commune has one of them, the plugin's
    service is not created: its request types, default rules and routing
    decisions naming ``code`` go to that existing service instead of a
    second « Voirie ».
    """

    code: str
    name: str
    direction: str = ""
    email: str = ""
    existing: tuple[str, ...] = ()


@dataclass(frozen=True)
class PermissionDecl:
    """A permission; ``default_roles`` hold it without an explicit grant."""

    code: str
    label: str
    description: str = ""
    default_roles: tuple[str, ...] = ("admin",)


@dataclass(frozen=True)
class SettingDecl:
    """A per-commune setting with its documented default (``?`` rules of the law)."""

    code: str
    label: str
    default: Any
    help: str = ""


@dataclass(frozen=True)
class FieldSpec:
    """One form field, as data (see DESIGN.md "Forms")."""

    name: str
    label: str
    type: str = "text"
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    min: float | None = None
    max: float | None = None
    help: str = ""
    # Shown only when another field has one of these values: ("field", ("a", "b")).
    condition: tuple[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class RequestTypeDecl:
    code: str
    label: str
    service: str
    workflow: str
    fields: tuple[FieldSpec, ...] = ()
    sla_days: int | None = None
    priority: str = "normale"
    channels: tuple[str, ...] = CHANNELS
    public: bool = False
    order: int = 100
    # Professional secrecy (CCAS files): only agents holding this permission
    # read requests of this type — content, lists, search, exports,
    # attachments, timeline. Others see at most that a file exists.
    read_permission: str | None = None


@dataclass(frozen=True)
class StateSpec:
    code: str
    label: str
    kind: str
    visible_to_citizen: bool = True


@dataclass(frozen=True)
class TransitionSpec:
    code: str
    label: str
    source: tuple[str, ...]
    target: str
    roles: tuple[str, ...] = ("admin", "manager", "agent")
    permission: str | None = None
    comment_required: bool = False
    required_fields: tuple[str, ...] = ()
    notify_citizen: bool = False
    # Working days until the new due date; 0 clears it; None leaves it.
    set_due_days: int | None = None
    # Fields that belong to the transition only (a decision's date, a reason):
    # asked when an agent applies it, validated like a form's, kept in the
    # history event (not in the request's data) and passed to the hooks.
    fields: tuple[FieldSpec, ...] = ()
    # The resume transition: from a waiting state, taken when the citizen
    # answers on the portal (no agent acts; who-may-act is not asked).
    resume: bool = False


TIMER_ACTIONS = ("transition", "escalate")
ESCALATIONS = ("notify", "assign")


@dataclass(frozen=True)
class TimerSpec:
    """After a delay from an anchor, while a request sits in ``state``, the
    system acts once: ``action="transition"`` applies ``transition``;
    ``action="escalate"`` alerts the manager(s) of the request's service
    (``escalate`` holds ``"notify"`` — an e-mail — and/or ``"assign"`` — the
    request is given to the manager) and leaves the request where it is.

    ``condition`` narrows the requests the timer watches to those whose form
    field has one of the values (``("danger_immediat", ("oui",))``; a checkbox
    reads ``oui``/``non``, see :func:`grc_core.forms.specs.value_matches`).
    """

    code: str
    state: str
    transition: str = ""
    delay_days: int = 0
    delay_months: int = 0
    # "created", "entered_state" or the name of a date field of the form.
    anchor: str = "entered_state"
    delay_hours: int = 0
    condition: tuple[str, tuple[str, ...]] | None = None
    action: str = "transition"
    escalate: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkflowDecl:
    code: str
    label: str
    states: tuple[StateSpec, ...]
    transitions: tuple[TransitionSpec, ...]
    timers: tuple[TimerSpec, ...] = ()


@dataclass(frozen=True)
class RoutingRuleDecl:
    """Default routing shipped by a plugin; admins' rules are evaluated first."""

    code: str
    request_type: str
    service: str
    conditions: tuple[tuple[str, str], ...] = ()
    priority: str | None = None
    order: int = 100


@dataclass(frozen=True)
class RoutingDecision:
    """Answer of ``grc_route_request``: where a request goes, and why."""

    service: str
    reason: str
    priority: str | None = None
    assignee_id: int | None = None


@dataclass(frozen=True)
class FieldError:
    """A ``grc_validate_request`` message about one field of the form: shown
    next to that field (a plain string goes above the form)."""

    field: str
    message: str

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class IndicatorFilters:
    """What a dashboard asks an indicator for; built and checked by the core.

    ``start``/``end`` bound the period (both included, local dates);
    ``service_ids`` is None for "every service of the commune", otherwise the
    services the figure may cover — already narrowed to what the viewer may
    see, so a computation that applies it never leaks another service's
    figures. The other fields are optional narrowing filters (None = all).
    """

    start: date
    end: date
    today: date
    service_ids: frozenset[int] | None = None
    request_type: str | None = None
    channel: str | None = None
    priority: str | None = None
    quartier: str | None = None
    agent_id: int | None = None
    # Bucket of time series: "day", "week" or "month".
    granularity: str = "day"
    # Processing time between two workflow states (codes; "received" stands
    # for the filing), when the viewer asks for it.
    states: tuple[str, str] | None = None
    # Only the result's ``value`` will be read (the previous period's figure
    # beside a number, for its trend): an indicator may skip its categories.
    value_only: bool = False


@dataclass(frozen=True)
class Series:
    """One line, bar group or table column: a value per category."""

    code: str
    label: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class IndicatorResult:
    """What ``IndicatorDecl.compute`` returns (a plain number is accepted too).

    ``value`` is the headline figure (number widgets, trend against the
    previous period). ``categories`` are ``(key, label)`` pairs — the x axis of
    a chart or the rows of a table — and each series has one value per
    category. ``drilldown`` maps a category key, or ``"<category>|<series>"``,
    to the filtered request list: a dict of queue filters (``status``,
    ``type``, ``service``, ``channel``, ``priority``, ``assignee``,
    ``overdue``, ``received_from``, ``received_to``, ``quartier``) or a URL
    of the plugin's own list. The core drops drill-downs for viewers who may
    not read personal data (élus). ``note`` says how the figure is computed.
    """

    value: float | None = None
    categories: tuple[tuple[str, str], ...] = ()
    series: tuple[Series, ...] = ()
    drilldown: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Unit:
    """The unit of a figure that counts, singular and plural:
    ``Unit(_l("file"), _l("files"))``. The dashboards and the REST API write
    the form that fits the figure in the reader's language, by its CLDR
    plural rule: « 1 dossier », « 1,5 jour », « 2 dossiers » — "1 file",
    "1.5 days", "2 files".
    """

    one: str
    other: str


@dataclass(frozen=True)
class IndicatorDecl:
    """A declared computation: ``compute(commune, filters)`` returns an
    :class:`IndicatorResult` (or a plain number) for ``commune`` and
    :class:`IndicatorFilters`. It runs inside ``use_commune(commune)``.

    ``unit``: a :class:`Unit` when the figure counts things (requests, files,
    days), its form chosen for each figure; a plain string is a symbol shown
    as it is whatever the figure (``"%"``, ``"€"``, ``"/5"``).

    ``permission``: only viewers holding it see the indicator at all (e.g.
    ``social.read`` for figures that could point to a person); indicators
    without one show aggregates that anyone allowed on the dashboard may see.

    Two ``dimensions`` mean something to the dashboards: ``"now"`` — the
    figure is the state as it stands (a queue), the period does not apply and
    no comparison with the previous period is shown; ``"agent"`` — a figure
    per person, never shown to élus.

    ``better``: which way the figure should go — ``"higher"`` (requests
    closed, closed by the due date), ``"lower"`` (a delay, a backlog) or None
    (a volume received: neither good nor bad). A number widget colours its
    change from the previous period by it: green when it went the good way.
    """

    code: str
    label: str
    unit: Unit | str
    compute: Callable[..., Any]
    dimensions: tuple[str, ...] = ()
    description: str = ""
    permission: str | None = None
    better: str | None = None


WIDGET_KINDS = ("number", "bar", "stacked", "line", "table")


@dataclass(frozen=True)
class WidgetDecl:
    """One indicator shown on a dashboard: ``"operational"`` (per service),
    ``"strategic"`` (the commune, élus included) or the plugin's own domain
    dashboard (``dashboard=<plugin name>``)."""

    code: str
    label: str
    indicator: str
    kind: str = "number"
    dashboard: str = "operational"
    order: int = 100


@dataclass(frozen=True)
class RetentionCandidate:
    """A record a retention policy will anonymise: ``key`` identifies it for the
    policy; ``label`` describes it without personal data (a reference, a
    type, dates); ``due_on`` is the day it became due."""

    key: str
    label: str
    due_on: date


@dataclass(frozen=True)
class RetentionPolicyDecl:
    """A retention rule (RGPD, §5.3 of the domain rules).

    ``candidates(commune, today)`` lists what is due on ``today``;
    ``anonymise(commune, keys)`` anonymises those records and returns how
    many it changed. Both run inside ``use_commune(commune)``. The back office
    shows the candidates before anything runs.

    ``read_permission``: set when the candidates are confidential records (a
    CCAS file): only holders of that permission see which records are listed;
    others (``grc retention list`` included) see how many.
    """

    code: str
    label: str
    description: str
    candidates: Callable[..., Any]
    anonymise: Callable[..., Any]
    read_permission: str | None = None


# GDPR art. 6(1): the lawful bases of a processing, by the letter of the article.
LEGAL_BASES = {
    "consent": "a",
    "contract": "b",
    "legal_obligation": "c",
    "vital_interests": "d",
    "public_task": "e",
    "legitimate_interests": "f",
}


@dataclass(frozen=True)
class DataCategory:
    """A category of personal data a processing uses. ``special``: a special
    category of GDPR art. 9 (health, religious beliefs, …); offences and
    convictions (art. 10) are flagged the same way."""

    label: str
    special: bool = False


@dataclass(frozen=True)
class ProcessingActivityDecl:
    """One processing of personal data, for the commune's register of
    processing activities (registre des traitements, GDPR art. 30).

    ``legal_basis`` is a key of :data:`LEGAL_BASES` (art. 6(1)) and
    ``legal_reference`` the text it rests on (« Code civil, art. 34 à 101 »).
    When a data category is ``special``, ``special_basis`` says which
    exception of art. 9(2) allows it. ``retention`` says in words how long
    the data are kept; ``retention_policy`` names the
    :class:`RetentionPolicyDecl` that applies it, where one exists (checked
    at start-up). ``recipients`` are who receives the data (services,
    other administrations).
    """

    code: str
    name: str
    purpose: str
    legal_basis: str
    legal_reference: str = ""
    data_subjects: tuple[str, ...] = ()
    data_categories: tuple[DataCategory, ...] = ()
    special_basis: str = ""
    recipients: tuple[str, ...] = ()
    retention: str = ""
    retention_policy: str | None = None
    transfers: str = ""
    security: str = ""

    def __post_init__(self):
        if self.legal_basis not in LEGAL_BASES:
            raise ValueError(f"{self.code}: legal_basis must be one of {', '.join(LEGAL_BASES)}, "
                             f"not {self.legal_basis!r}")
        if any(category.special for category in self.data_categories) and not self.special_basis.strip():
            raise ValueError(f"{self.code}: special categories of data need special_basis (GDPR art. 9(2))")

    @property
    def has_special_categories(self) -> bool:
        return any(category.special for category in self.data_categories)


@dataclass(frozen=True)
class SegmentContext:
    """What a segment criterion is evaluated against: the commune, the day
    ages and periods are counted from (the commune's local date), and who
    builds or sends the segment (None outside a signed-in request, e.g. a
    job that already checked its author)."""

    commune_id: int
    today: date
    user: Any = None
    membership: Any = None


SEGMENT_PARAM_TYPES = ("text", "integer", "date", "choice", "multichoice", "boolean")


@dataclass(frozen=True)
class SegmentCriterionDecl:
    """A way to select citizens, for the core's segments (campaigns,
    barometer surveys): "parents of pupils in CP", "turning 16 this quarter".

    ``params`` are the values an author gives (``FieldSpec`` of the types in
    :data:`SEGMENT_PARAM_TYPES`), or a function of the :class:`SegmentContext`
    returning them, for choices that depend on the commune's data (its
    schools). ``condition(params, context)`` returns an SQL condition on
    ``Citizen`` (typically ``Citizen.id.in_(select(...))``); ``params`` holds
    the checked values (int, ``date``, str, list of str, bool; None when an
    optional one is left empty). ``permission``: only authors holding it may
    use the criterion — required for anything drawn from confidential files.
    """

    code: str
    label: str
    condition: Callable[..., Any]
    params: tuple[FieldSpec, ...] | Callable[..., tuple[FieldSpec, ...]] = ()
    description: str = ""
    permission: str | None = None

    def __post_init__(self):
        for spec in self.params if isinstance(self.params, tuple) else ():
            if spec.type not in SEGMENT_PARAM_TYPES:
                raise ValueError(f"{self.code}: parameter {spec.name} has type {spec.type!r}; "
                                 f"a criterion takes {', '.join(SEGMENT_PARAM_TYPES)}")


@dataclass(frozen=True)
class MenuItem:
    """A link in the back-office menu; ``endpoint`` is a Flask endpoint."""

    label: str
    endpoint: str
    category: str | None = None
    order: int = 100
    url_values: tuple[tuple[str, Any], ...] = ()


# A template of the plugin's ``templates/`` folder: "<plugin>/<path>.html".
# The suffix matters: Flask autoescapes .html templates only.
PANEL_TEMPLATE = re.compile(r"^[a-z][a-z0-9_]*/[A-Za-z0-9_./-]+\.html$")


def _check_panel(panel) -> None:
    # An HTML string here would be shown as it is: refuse it, so that a
    # forgotten escape() cannot open an XSS hole.
    if not isinstance(panel.template, str) or not PANEL_TEMPLATE.match(panel.template) or ".." in panel.template:
        raise TypeError(
            f"{type(panel).__name__}.template must name a template of the plugin (\"<plugin>/….html\"), "
            f"rendered with autoescape; got {panel.template!r:.80}"
        )
    if not isinstance(panel.context, Mapping):
        raise TypeError(f"{type(panel).__name__}.context must be a mapping, not {type(panel.context).__name__}")


@dataclass(frozen=True)
class CitizenPanel:
    """A block on the citizen's 360° page: the plugin's ``template``
    (``"<plugin>/….html"``) rendered by the core with ``context`` and
    autoescape. There is no way to hand the core HTML."""

    title: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    order: int = 100

    def __post_init__(self):
        _check_panel(self)


@dataclass(frozen=True)
class RequestPanel:
    """A block on a request's page: the plugin's ``template`` rendered by the
    core with ``context`` and autoescape, like :class:`CitizenPanel`."""

    title: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    order: int = 100

    def __post_init__(self):
        _check_panel(self)


@dataclass(frozen=True)
class DemarcheInfo:
    """What the portal tells citizens about a request type (plain text, escaped when shown):
    ``description`` what it is for, ``who`` who may ask, ``pieces`` the documents to bring,
    ``delay`` the legal or promised delay in words (the portal shows the workflow's SLA otherwise)."""

    description: str = ""
    who: str = ""
    pieces: tuple[str, ...] = ()
    delay: str = ""
    order: int = 100

    def __post_init__(self):
        if isinstance(self.pieces, str):
            raise TypeError("DemarcheInfo.pieces must be a tuple of strings, not one string")
        object.__setattr__(self, "pieces", tuple(str(piece) for piece in self.pieces))


@dataclass(frozen=True)
class Declared:
    """A declaration together with the plugin that made it (None = core)."""

    plugin: str | None
    item: Any = field(compare=False)
