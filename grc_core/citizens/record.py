"""The 360° record's layout: the open requests first, with what is awaited
and from whom, then the history grouped by request (a thread per request,
its contacts and messages in it; a contact about no request stands alone),
the most recently active first."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from ..models import Request
from ..workflows.definition import state_label
from .timeline import TimelineEntry, _utc


@dataclass
class Thread:
    """One request's entries (newest first), or one entry of no request."""
    entries: list[TimelineEntry] = field(default_factory=list)
    request: Request | None = None

    @property
    def latest(self) -> datetime:
        return max(_utc(entry.at) for entry in self.entries)

    @property
    def head(self) -> TimelineEntry:
        """The request's own entry (its title and link), else the first one."""
        return next((e for e in self.entries if e.kind == "request"), self.entries[0])


def threads(entries: list[TimelineEntry], requests: list[Request]) -> list[Thread]:
    """The timeline's entries grouped by request, most recently active first;
    the confidential notices stay on top, as the timeline gives them."""
    by_id = {r.id: r for r in requests}
    grouped: dict[int, Thread] = {}
    alone: list[Thread] = []
    notices = [Thread([e]) for e in entries if e.kind == "confidential"]
    for entry in entries:
        if entry.kind == "confidential":
            continue
        if entry.request_id is not None and entry.request_id in by_id:
            grouped.setdefault(entry.request_id, Thread(request=by_id[entry.request_id])).entries.append(entry)
        else:
            alone.append(Thread([entry]))
    return notices + sorted([*grouped.values(), *alone], key=lambda t: t.latest, reverse=True)


@dataclass(frozen=True)
class OpenRequest:
    request: Request
    status: str
    awaited: str  # from whom and what, in words
    waiting_for_citizen: bool


def open_requests(requests: list[Request]) -> list[OpenRequest]:
    """The requests not closed: those waiting for the citizen first (what the
    agent asks for at the counter), then by due date, undated last."""
    rows = []
    for r in requests:
        if r.state_kind == "closed":
            continue
        status = state_label(r.workflow.definition if r.workflow else None, r.state)
        if r.state_kind == "waiting":
            awaited = _("From the citizen: %(status)s", status=status)
        elif r.assignee is not None:
            awaited = _("From %(name)s (%(status)s)", name=r.assignee.full_name, status=status)
        elif r.service is not None:
            awaited = _("From the service %(service)s (%(status)s)", service=r.service.name, status=status)
        else:
            awaited = _("From the commune (%(status)s)", status=status)
        rows.append(OpenRequest(r, status, awaited, r.state_kind == "waiting"))
    undated = datetime.max
    return sorted(rows, key=lambda row: (not row.waiting_for_citizen,
                                         _utc(row.request.due_at) if row.request.due_at else undated,
                                         -row.request.id))
