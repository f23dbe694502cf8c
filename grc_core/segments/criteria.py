"""The core's criteria: on the citizen's record (age, quartier, street,
household, consent) and on their requests. Each is a
:class:`SegmentCriterionDecl`, like those plugins declare."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, literal_column, select

from ..citizens.forms import CONSENT_CHANNEL_LABELS, CONSENT_PURPOSE_LABELS
from ..extensions import db
from ..models import Citizen, Consent, HouseholdLink, Request, RequestType
from ..models.citizen import CONSENT_CHANNELS, CONSENT_PURPOSES
from ..plugin_api.types import STATE_KINDS, FieldSpec, SegmentContext, SegmentCriterionDecl
from ..requests.labels import CHANNEL_LABELS
from ..security.access import readable_requests_conditions
from ..workflows.deadlines import PARIS

AGE_LIMIT = 130
# The "domain" of the types a commune defined itself (no plugin).
OWN_TYPES = "commune"


def has_row(*conditions):
    """``EXISTS (SELECT 1 …)``: one index probe per person. ``SELECT 1``, not
    ``SELECT *``: SQLite then answers from an index that holds every column
    tested (the ``ix_*_segment`` ones, ``ix_request_citizen``) without reading
    the table."""
    return select(literal_column("1")).where(*conditions).exists()


# --- on the record -----------------------------------------------------------------------


def _age(params: dict, context: SegmentContext):
    """Aged ``min_age`` or more and ``max_age`` or less on ``context.today``
    (one's age changes on one's birthday; born on 29 February, on 28 February
    in other years — relativedelta's rule)."""
    conditions = [Citizen.birth_date.is_not(None)]
    if params["min_age"] is not None:
        conditions.append(Citizen.birth_date <= context.today - relativedelta(years=params["min_age"]))
    if params["max_age"] is not None:
        conditions.append(Citizen.birth_date > context.today - relativedelta(years=params["max_age"] + 1))
    return and_(*conditions)


def commune_quartiers(commune_id: int) -> list[str]:
    """The quartiers named on the commune's records, in order. Each is the
    first one after the previous, one probe of ``ix_citizen_commune_quartier``
    each (a loose index scan, in a recursive query): nine probes for eight
    quartiers, where ``SELECT DISTINCT`` read 200,000 citizens to keep eight
    names (45 ms on PostgreSQL, on every count of a segment; c0a1e0000033)."""
    def after(previous):
        return (select(Citizen.quartier).where(Citizen.commune_id == commune_id, Citizen.quartier > previous)
                .order_by(Citizen.quartier).limit(1).scalar_subquery())

    found = select(after("").label("name")).cte("quartiers", recursive=True)
    found = found.union_all(select(after(found.c.name)).where(found.c.name.is_not(None)))
    return list(db.session.scalars(select(found.c.name).where(found.c.name.is_not(None))))


def _quartiers(context: SegmentContext) -> tuple[FieldSpec, ...]:
    names = commune_quartiers(context.commune_id)
    return (FieldSpec("quartiers", _l("Quartiers"), "multichoice", required=True,
                      choices=tuple((name, name) for name in names)),)


def _quartier(params: dict, context: SegmentContext):
    return Citizen.quartier.in_(params["quartiers"])


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _street(params: dict, context: SegmentContext):
    condition = func.lower(Citizen.address_street).like(_like(params["street"].lower()), escape="\\")
    if params["postcode"]:
        condition = and_(condition, Citizen.postcode == params["postcode"])
    return condition


# A household role, as the link the person holds: a parent has a child, etc.
# (``HouseholdLink.relative`` is the ``relation`` of ``citizen``.)
HOUSEHOLD_ROLES = {"parent": "child", "child": "parent", "couple": "spouse"}


def _household(params: dict, context: SegmentContext):
    """Holds the link. First: does the commune record any such link at all —
    one probe, evaluated once (SQLite and PostgreSQL compute an uncorrelated
    subquery once) — and only then the probe per person. A commune that
    records no household has its probes skipped: PostgreSQL prices a probe of
    an empty table at nothing and, inside an « or », ran it for each of
    170,000 citizens (90 ms at 200,000; docs/benchmarks.md, segments); where
    the links exist it hashes them itself, as before."""
    relation = HouseholdLink.relation == HOUSEHOLD_ROLES[params["role"]]
    return and_(has_row(relation), has_row(HouseholdLink.citizen_id == Citizen.id, relation))


def _consent(params: dict, context: SegmentContext):
    """A consent given and not withdrawn. Campaigns check consent again for
    each recipient when they send: this criterion only narrows the segment.

    On SQLite, ``citizen.id IN (SELECT citizen_id …)``: the people with the
    consent listed once (a read of the commune's consents in
    ``ix_consent_segment``), then either the citizens fetched by id from that
    list or each one looked up in it — not a probe of the consents' index
    for each of 200,000 citizens (« filed in 2026, not 75+, e-mail consent »
    at 1M: docs/benchmarks.md, segments). SQLite keeps such a list in a
    B-tree of any size. On PostgreSQL, ``EXISTS``: in an « and » both become
    the same semi-join, and under « or » / « not » an ``IN`` too large for
    ``hash_mem`` would be scanned again for every citizen, while ``EXISTS``
    lets the planner hash it or probe the index."""
    conditions = (Consent.channel == params["channel"], Consent.purpose == params["purpose"],
                  Consent.revoked_at.is_(None))
    if db.session.get_bind().dialect.name == "sqlite":
        return Citizen.id.in_(select(Consent.citizen_id).where(*conditions))
    return has_row(Consent.citizen_id == Citizen.id, *conditions)


# --- on their requests ---------------------------------------------------------------------


def _request_params(context: SegmentContext) -> tuple[FieldSpec, ...]:
    from ..admin.workflows_admin import STATE_KIND_LABELS  # the back office's words for the kinds
    from ..tenancy.activation import active_plugins

    types = sorted(((row.code, row.shown_label) for row in db.session.scalars(select(RequestType).where(
        RequestType.commune_id == context.commune_id, RequestType.active.is_(True)))),
        key=lambda item: item[1].casefold())
    manifests = current_app.extensions["grc"].manifests
    domains = [(OWN_TYPES, _l("The commune's own types"))] + [(name, manifests[name].label)
                                                              for name in active_plugins(context.commune_id)]
    return (
        FieldSpec("types", _l("Request types"), "multichoice", choices=tuple((code, label) for code, label in types)),
        FieldSpec("domain", _l("Domain"), "choice", choices=tuple(domains)),
        FieldSpec("state_kind", _l("State"), "choice", choices=tuple((kind, STATE_KIND_LABELS[kind])
                                                                      for kind in STATE_KINDS)),
        FieldSpec("received_from", _l("Received from"), "date"),
        FieldSpec("received_until", _l("Received until"), "date"),
        FieldSpec("closed_from", _l("Closed from"), "date"),
        FieldSpec("closed_until", _l("Closed until"), "date"),
        FieldSpec("channel", _l("Channel"), "choice", choices=tuple(CHANNEL_LABELS.items())),
    )


def _requests(params: dict, context: SegmentContext):
    """Has filed at least one request matching every value given, among the
    requests the author may read — a confidential (CCAS) file selects nobody
    for an author outside the CCAS, and says nothing of its holder."""
    conditions = [Request.citizen_id == Citizen.id, Request.commune_id == context.commune_id]
    if context.user is not None:
        conditions += readable_requests_conditions(context.user, context.membership)
    # The types chosen as a list of ids, computed once (not a probe per request).
    type_conditions = []
    if params["types"]:
        type_conditions.append(RequestType.code.in_(params["types"]))
    if params["domain"]:
        type_conditions.append(RequestType.plugin.is_(None) if params["domain"] == OWN_TYPES
                               else RequestType.plugin == params["domain"])
    if type_conditions:
        conditions.append(Request.request_type_id.in_(select(RequestType.id).where(*type_conditions)))
    if params["state_kind"]:
        conditions.append(Request.state_kind == params["state_kind"])
    if params["received_from"]:
        conditions.append(Request.received_at >= _start_of(params["received_from"]))
    if params["received_until"]:
        conditions.append(Request.received_at < _start_of(params["received_until"] + relativedelta(days=1)))
    # Closed in a period (a barometer of the people served lately); a request reopened since has no closure.
    if params["closed_from"]:
        conditions.append(Request.closed_at >= _start_of(params["closed_from"]))
    if params["closed_until"]:
        conditions.append(Request.closed_at < _start_of(params["closed_until"] + relativedelta(days=1)))
    if params["channel"]:
        conditions.append(Request.channel == params["channel"])
    return has_row(*conditions)


def _start_of(day: date) -> datetime:
    """Midnight of ``day`` in the commune, as UTC (requests are stored in UTC)."""
    return datetime.combine(day, time(0), tzinfo=PARIS).astimezone(timezone.utc)


CORE_CRITERIA = (
    SegmentCriterionDecl(
        "core.age", _l("Age"), _age,
        (FieldSpec("min_age", _l("From (years)"), "integer", min=0, max=AGE_LIMIT),
         FieldSpec("max_age", _l("To (years, included)"), "integer", min=0, max=AGE_LIMIT)),
        _l("Age on the day the segment is evaluated; people without a birth date are left out.")),
    SegmentCriterionDecl("core.quartier", _l("Quartier"), _quartier, _quartiers),
    SegmentCriterionDecl(
        "core.street", _l("Street"), _street,
        (FieldSpec("street", _l("Street name contains"), "text", required=True, max=200),
         FieldSpec("postcode", _l("Postcode"), "text", max=10))),
    SegmentCriterionDecl(
        "core.household", _l("Household role"), _household,
        (FieldSpec("role", _l("Role"), "choice", required=True,
                   choices=(("parent", _l("Parent (has a child in the record)")),
                            ("child", _l("Child (has a parent in the record)")),
                            ("couple", _l("Lives as a couple")))),)),
    SegmentCriterionDecl(
        "core.consent", _l("Consent given"), _consent,
        (FieldSpec("channel", _l("Channel"), "choice", required=True,
                   choices=tuple((c, CONSENT_CHANNEL_LABELS[c]) for c in CONSENT_CHANNELS)),
         FieldSpec("purpose", _l("Purpose"), "choice", required=True,
                   choices=tuple((p, CONSENT_PURPOSE_LABELS[p]) for p in CONSENT_PURPOSES)))),
    SegmentCriterionDecl("core.requests", _l("Has filed a request"), _requests, _request_params,
                         _l("Only the requests you may read count.")),
)
