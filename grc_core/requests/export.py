"""CSV and XLSX exports of a filtered queue.

Every matching row (the same filters and the same visibility as the queue
page), up to :data:`MAX_ROWS`: past that the agent is asked to narrow the
filters rather than given a silently truncated file.

The files themselves are written by :mod:`grc_core.spreadsheet`, which
neutralises formulas.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from ..extensions import db
from ..workflows.definition import state_label
from ..workflows.deadlines import PARIS, as_utc
from .labels import CHANNEL_LABELS, PRIORITY_LABELS
from .queue import capped_count, ordered

MAX_ROWS = 50_000


class TooManyRows(Exception):
    """More than ``limit`` rows match (how many more is not counted)."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


def _local(moment: datetime | None) -> datetime | None:
    # Spreadsheets have no time zones: the commune's local time, naive.
    return as_utc(moment).astimezone(PARIS).replace(tzinfo=None, microsecond=0) if moment else None


def headers() -> list[str]:
    return [
        _("Reference"), _("Received"), _("Type"), _("Subject"), _("Citizen"), _("Channel"), _("Priority"),
        _("Service"), _("Assigned to"), _("Status"), _("Due"), _("First response"), _("Closed"),
        _("Quartier"), _("Location"),
    ]


def row_values(request) -> list:
    return [
        request.reference, _local(request.received_at), request.request_type.shown_label, request.subject,
        request.citizen.full_name if request.citizen else "",
        # Words in the reader's language, as on the page (« Guichet », not « guichet »).
        str(CHANNEL_LABELS.get(request.channel, request.channel)),
        str(PRIORITY_LABELS.get(request.priority, request.priority)),
        request.service.name if request.service else "", request.assignee.full_name if request.assignee else "",
        state_label(request.workflow.definition if request.workflow else None, request.state),
        _local(request.due_at), _local(request.first_response_at), _local(request.closed_at),
        request.quartier, request.location,
    ]


def export_rows(statement) -> list:
    """The rows of the queue ``statement``, or TooManyRows.

    Counted no further than ``MAX_ROWS + 1``: a filter matching a million
    requests is refused without counting them all first.
    """
    if capped_count(statement, MAX_ROWS) > MAX_ROWS:
        raise TooManyRows(MAX_ROWS)
    return list(db.session.scalars(ordered(statement)).unique())


def table(requests) -> list[list]:
    """Header row, then one row per request: what :func:`grc_core.spreadsheet.download` writes."""
    return [headers(), *(row_values(request) for request in requests)]
