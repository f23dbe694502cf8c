"""Frozen dataclasses that plugins return from their hooks.

They are plain data: the core validates them at start-up (prefix, unique
codes) and stores them in the registry. Every ``code`` a plugin declares
starts with ``<plugin name>.``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
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
    """A municipal service the plugin needs; created in a commune on enabling."""

    code: str
    name: str
    direction: str = ""
    email: str = ""


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


@dataclass(frozen=True)
class TimerSpec:
    code: str
    state: str
    transition: str
    delay_days: int = 0
    delay_months: int = 0
    # "created", "entered_state" or the name of a date field of the form.
    anchor: str = "entered_state"


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
class IndicatorDecl:
    code: str
    label: str
    unit: str
    compute: Callable[..., Any]
    dimensions: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class WidgetDecl:
    code: str
    label: str
    indicator: str
    kind: str = "number"
    dashboard: str = "operational"
    order: int = 100


@dataclass(frozen=True)
class MenuItem:
    """A link in the back-office menu; ``endpoint`` is a Flask endpoint."""

    label: str
    endpoint: str
    category: str | None = None
    order: int = 100
    url_values: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class CitizenPanel:
    """A block on the citizen's 360° page; ``html`` must already be escaped."""

    title: str
    html: str
    order: int = 100


@dataclass(frozen=True)
class Declared:
    """A declaration together with the plugin that made it (None = core)."""

    plugin: str | None
    item: Any = field(compare=False)
