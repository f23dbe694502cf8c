"""The agents' queue: one query built from filters, shared by the queue page,
the home counts, bulk actions and exports.

Who sees what (server-side, on top of the commune scoping of every query;
the rule is :func:`grc_core.security.access.service_scope`, the same for
the request page and every action on one request):

- an élu sees no queue at all (aggregates only, in dashboards);
- a member with services sees the requests of those services, plus the
  ones assigned to him elsewhere;
- a member without services sees every request of the commune when he is
  admin, manager or front desk (accueil), and only those assigned to him
  when he is a service agent;
- a platform admin acting in a commune sees all of it.

With no status chosen the queue holds the requests still to be worked on
(not closed): closed ones come with an explicit status filter, or when an
agent looks a reference up. The open requests have their own partial index
in the queue's order (``ix_request_open_queue``) that also carries every
filtered column, so the 50 rows are read in order without a sort and the
count walks that small index only. The count stops at
:data:`COUNT_CAP` (:data:`FREE_TEXT_COUNT_CAP` for a word of the free text):
beyond it the page says "more than 10,000" ("more than 1,000").

Filters map onto the composite indexes of ``request`` (commune + state
kind / service / assignee / type / citizen, then date), and the rows come
with their type, service, assignee and citizen in the same query. Requests
of a domain the commune disabled are left out, as everywhere else.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import and_, func, literal_column, or_, select
from sqlalchemy.orm import defer, joinedload, selectinload
from werkzeug.datastructures import MultiDict

from ..extensions import db
from . import free_text, unread
from ..models import Request, RequestType, utcnow
from ..models.request import PRIORITIES, REQUEST_CHANNELS
from ..security.access import readable_requests_conditions
from ..security.ids import parse_id
from ..security.permissions import effective_role
from ..tenancy import active_plugins, current_commune_id
from ..workflows.deadlines import PARIS

PAGE_SIZE = 50
# Counting stops there: past it, an exact figure costs a full read and helps nobody.
COUNT_CAP = 10_000
# A word of the free text stops sooner: a common one (« rendez-vous »: 3,455
# open requests of the 1M bench) is counted by walking the open-queue index
# and testing the word on each entry, and past a thousand matches the agent
# narrows his words rather than reads the figure (docs/benchmarks.md).
FREE_TEXT_COUNT_CAP = 1_000
# Status filter: groups of state kinds an agent thinks in.
STATUS_KINDS = {
    "todo": ("new", "open"),
    "active": ("new", "open", "waiting"),
    "new": ("new",),
    "open": ("open",),
    "waiting": ("waiting",),
    "closed": ("closed",),
    # Dashboards drill down to every request of a period, closed included.
    "all": ("new", "open", "waiting", "closed"),
}
REFERENCE = re.compile(r"^(\d{4})-0*(\d{1,7})$")


class QueueForbidden(Exception):
    """This member has no queue (élus)."""


def may_use_queue(user, membership) -> bool:
    role = effective_role(user, membership)
    return role is not None and role != "elu"


def _int(value) -> int | None:
    # Every number filter names a row (type, service, citizen, agent): an id or nothing.
    return parse_id(value)


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


@dataclass
class QueueFilters:
    """Filters of the queue, read from a query string; invalid values are ignored."""

    kind: str = ""
    state: str = ""
    type: int | None = None
    service: int | None = None
    channel: str = ""
    priority: str = ""
    # "me", "none" (unassigned) or a user id.
    assignee: str = ""
    overdue: bool = False
    # With a citizen's message no agent has read yet (grc_core.requests.unread).
    unread: bool = False
    received_from: date | None = None
    received_to: date | None = None
    closed_from: date | None = None
    closed_to: date | None = None
    # Not closed and due by the end of this day (dashboards: "due this week").
    due_by: date | None = None
    quartier: str = ""
    citizen: int | None = None
    q: str = ""

    @classmethod
    def from_args(cls, args) -> "QueueFilters":
        get = lambda key: (args.get(key) or "").strip()  # noqa: E731
        assignee = get("assignee")
        if assignee not in ("me", "none") and _int(assignee) is None:
            assignee = ""
        return cls(
            kind=get("kind") if get("kind") in STATUS_KINDS else "",
            state=get("state")[:60],
            type=_int(get("type")),
            service=_int(get("service")),
            channel=get("channel") if get("channel") in REQUEST_CHANNELS else "",
            priority=get("priority") if get("priority") in PRIORITIES else "",
            assignee=assignee,
            overdue=get("overdue") in ("1", "y", "on", "true"),
            unread=get("unread") in ("1", "y", "on", "true"),
            received_from=_date(get("received_from")),
            received_to=_date(get("received_to")),
            closed_from=_date(get("closed_from")),
            closed_to=_date(get("closed_to")),
            due_by=_date(get("due_by")),
            quartier=get("quartier")[:80],
            citizen=_int(get("citizen")),
            q=get("q")[:100],
        )

    def to_args(self) -> dict[str, str]:
        """The non-empty filters as query-string values (links, saved views, exports)."""
        out = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            if value in (None, "", False):
                continue
            out[spec.name] = "1" if value is True else value.isoformat() if isinstance(value, date) else str(value)
        return out

    def is_empty(self) -> bool:
        return not self.to_args()


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=PARIS).astimezone(timezone.utc)


# Written as a literal (not a bound parameter) so that SQLite and PostgreSQL
# (even with a prepared, generic plan) can prove the partial index applies.
NOT_CLOSED = Request.state_kind != literal_column("'closed'")


def _reference(filters: QueueFilters) -> str | None:
    """The exact reference when the free text is one (whatever the zero padding)."""
    match = REFERENCE.match(filters.q) if filters.q else None
    return f"{match.group(1)}-{int(match.group(2)):05d}" if match else None


def conditions(filters: QueueFilters, *, user, now: datetime | None = None) -> list:
    now = now or utcnow()
    where = []
    if filters.kind == "all":
        pass  # closed included: no condition at all
    elif filters.kind:
        where.append(Request.state_kind.in_(STATUS_KINDS[filters.kind]))
        if "closed" not in STATUS_KINDS[filters.kind]:
            where.append(NOT_CLOSED)
    elif not filters.state and _reference(filters) is None:
        # No status chosen: the work still to do. A specific state, or a
        # reference read on the phone, finds closed requests too.
        where.append(NOT_CLOSED)
    if filters.state:
        where.append(Request.state == filters.state)
    if filters.type is not None:
        where.append(Request.request_type_id == filters.type)
    if filters.service is not None:
        where.append(Request.service_id == filters.service)
    if filters.channel:
        where.append(Request.channel == filters.channel)
    if filters.priority:
        where.append(Request.priority == filters.priority)
    if filters.assignee == "me":
        where.append(Request.assignee_id == user.id)
    elif filters.assignee == "none":
        where.append(Request.assignee_id.is_(None))
    elif filters.assignee:
        where.append(Request.assignee_id == int(filters.assignee))
    if filters.overdue:
        where.append(and_(Request.due_at < now, NOT_CLOSED))
    if filters.unread:
        where.append(unread.has_unread_condition())
    if filters.received_from:
        where.append(Request.received_at >= _local_midnight(filters.received_from))
    if filters.received_to:
        where.append(Request.received_at < _local_midnight(filters.received_to + timedelta(days=1)))
    if filters.closed_from:
        where.append(Request.closed_at >= _local_midnight(filters.closed_from))
    if filters.closed_to:
        where.append(Request.closed_at < _local_midnight(filters.closed_to + timedelta(days=1)))
    if filters.due_by:
        where.append(and_(Request.due_at < _local_midnight(filters.due_by + timedelta(days=1)), NOT_CLOSED))
    if filters.quartier:
        where.append(Request.quartier == filters.quartier)
    if filters.citizen is not None:
        where.append(Request.citizen_id == filters.citizen)
    if filters.q:
        reference = _reference(filters)
        if reference:
            where.append(Request.reference == reference)
        else:
            # NOT_CLOSED among the conditions: the open requests' own index will do.
            where.append(free_text.contains(filters.q, open_only=any(c is NOT_CLOSED for c in where)))
    return where


def usable_types():
    """Request types whose domain is enabled: a disabled plugin's requests
    leave the queue (their data is kept and comes back with the plugin)."""
    active = active_plugins(current_commune_id())
    return select(RequestType.id).where(or_(RequestType.plugin.is_(None), RequestType.plugin.in_(active)))


def queue_select(filters: QueueFilters, *, user, membership, now: datetime | None = None):
    """``SELECT request`` for the member and the filters, without order or paging."""
    where = conditions(filters, user=user, now=now)
    # What this member may read at all (grc_core.security.access): his
    # services' requests, enabled domains, no confidential file he may not read.
    try:
        where += readable_requests_conditions(user, membership)
    except LookupError:
        raise QueueForbidden() from None
    return select(Request).where(*where)


# Due first (no due date last), then oldest received.
QUEUE_ORDER = (Request.due_at.asc().nulls_last(), Request.received_at.asc(), Request.id.asc())


def ordered(statement):
    """In the queue's order (:data:`QUEUE_ORDER`); with what rows show."""
    return statement.order_by(*QUEUE_ORDER).options(
        # The form data is not shown in the queue: not read, not decoded. Nor
        # are the type's form fields and channels, JSON decoded again on every
        # row that repeats the type (a hundred decodings a page).
        defer(Request.data),
        joinedload(Request.request_type).defer(RequestType.fields).defer(RequestType.channels),
        joinedload(Request.service), joinedload(Request.assignee),
        joinedload(Request.citizen), selectinload(Request.workflow),
    )


def count(statement) -> int:
    return db.session.scalar(statement.with_only_columns(func.count(Request.id)).order_by(None))


def capped_count_select(statement, cap: int | None = None):
    """``SELECT count(*) FROM (SELECT id … LIMIT cap + 1)`` (default :data:`COUNT_CAP`)."""
    cap = COUNT_CAP if cap is None else cap
    matching = statement.with_only_columns(Request.id).order_by(None).limit(cap + 1).subquery()
    return select(func.count()).select_from(matching)


def capped_count(statement, cap: int | None = None) -> int:
    """The number of matching requests, read no further than ``cap + 1``: a
    result above the cap means "more than the cap"."""
    return db.session.scalar(capped_count_select(statement, cap))


def is_free_text(filters: QueueFilters) -> bool:
    """Searching words, not a reference read on the phone."""
    return bool(filters.q) and _reference(filters) is None


def count_cap(filters: QueueFilters) -> int:
    """Where the queue's count stops for these filters."""
    return FREE_TEXT_COUNT_CAP if is_free_text(filters) else COUNT_CAP


@dataclass
class QueuePage:
    rows: list[Request]
    # Capped: above ``cap`` when ``capped``, the exact figure unknown.
    total: int
    page: int
    pages: int
    capped: bool = False
    cap: int = COUNT_CAP


def queue_page(filters: QueueFilters, *, user, membership, page: int = 1, now=None) -> QueuePage:
    statement = queue_select(filters, user=user, membership=membership, now=now)
    cap = count_cap(filters)
    total = capped_count(statement, cap)
    capped = total > cap
    pages = max(1, math.ceil(min(total, cap) / PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = list(db.session.scalars(page_select(statement, page, ids_first=is_free_text(filters))).unique())
    return QueuePage(rows, total, page, pages, capped, cap)


def page_select(statement, page: int = 1, *, ids_first: bool = False):
    """Page ``page`` of ``statement``'s requests, ordered, with what rows show.

    ``ids_first`` (the free text): the page's ids are found first, ordered and
    cut on the request rows alone, then those rows are read with their type,
    citizen, service and agent. The free text's matches come from its index
    in no order: joined first, every match was joined and sorted before fifty
    were kept (« rendez-vous », 3,455 open requests at 1M: 17.5 → 9.5 ms on
    SQLite, which cannot join after a LIMIT). Other filters read the requests
    in the queue's order from an index and stop at fifty: there this extra
    step would cost 0.4 ms."""
    offset = (page - 1) * PAGE_SIZE
    if not ids_first:
        return ordered(statement).limit(PAGE_SIZE).offset(offset)
    ids = statement.with_only_columns(Request.id).order_by(*QUEUE_ORDER).limit(PAGE_SIZE).offset(offset)
    return ordered(select(Request).where(Request.id.in_(ids)))


def visible_request(request_id: int, *, user, membership) -> Request | None:
    """One request, when it is in this member's queue (bulk actions)."""
    statement = queue_select(QueueFilters(), user=user, membership=membership).where(Request.id == request_id)
    return db.session.scalar(statement)


# The agent's home: what each count means, as queue filters.
HOME_COUNTS = {
    "todo": QueueFilters(kind="todo"),
    "mine": QueueFilters(kind="active", assignee="me"),
    "overdue": QueueFilters(overdue=True),
    "waiting": QueueFilters(kind="waiting"),
}


def home_counts(*, user, membership, now=None) -> dict[str, tuple[int, dict[str, str]]]:
    """``{name: (count, query-string filters)}`` for the home page."""
    return {
        name: (count(queue_select(filters, user=user, membership=membership, now=now)), filters.to_args())
        for name, filters in HOME_COUNTS.items()
    }


def saved_query(filters: QueueFilters) -> str:
    return urlencode(filters.to_args())


def filters_from_query(query: str) -> QueueFilters:
    return QueueFilters.from_args(MultiDict(parse_qsl(query)))

