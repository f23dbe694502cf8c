"""Requests: types, the requests themselves, their history, messages and files."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import (
    JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import get_history

from ..extensions import db
from .base import TenantMixin, utcnow

PRIORITIES = ("basse", "normale", "haute", "urgente")
# The requests still to be worked on: a few percent of the table after some years.
NOT_CLOSED_SQL = "state_kind != 'closed'"
REQUEST_CHANNELS = ("guichet", "telephone", "courrier", "email", "web", "api")


class RequestType(TenantMixin, db.Model):
    """A kind of request in a commune: copied from a plugin's declaration when
    the plugin is enabled, or defined by the commune's admin (``plugin`` None)."""

    __tablename__ = "request_type"
    __table_args__ = (UniqueConstraint("commune_id", "code", name="uq_request_type_commune_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(100), nullable=False)
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    # The plugin's English source of ``label`` (its translation key), and the
    # commune's own English label: see grc_core.copied_labels.
    label_key: Mapped[str | None] = mapped_column(String(200))
    label_en: Mapped[str | None] = mapped_column(String(200))
    plugin: Mapped[str | None] = mapped_column(String(60))
    # FieldSpec dicts (grc_core.forms.specs); plugin types keep theirs in code.
    fields: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="SET NULL"))
    workflow_id: Mapped[int | None] = mapped_column(ForeignKey("workflow.id", ondelete="SET NULL"))
    sla_days: Mapped[int | None] = mapped_column(Integer)
    priority: Mapped[str] = mapped_column(String(10), nullable=False, default="normale")
    channels: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    service = relationship("Service")
    workflow = relationship("Workflow")

    @property
    def shown_label(self) -> str:
        """The label in the reader's language."""
        from ..copied_labels import shown_label

        return shown_label(self.label, self.label_key, self.label_en)

    def __str__(self) -> str:
        return self.shown_label


class ReferenceCounter(TenantMixin, db.Model):
    """Last sequence number of a commune's requests for a year."""

    __tablename__ = "reference_counter"
    __table_args__ = (UniqueConstraint("commune_id", "year", name="uq_reference_counter_commune_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Request(TenantMixin, db.Model):
    __tablename__ = "request"
    __table_args__ = (
        UniqueConstraint("commune_id", "reference", name="uq_request_commune_reference"),
        Index("ix_request_queue_kind", "commune_id", "state_kind", "received_at"),
        Index("ix_request_queue_service", "commune_id", "service_id", "state_kind", "received_at"),
        Index("ix_request_queue_assignee", "commune_id", "assignee_id", "state_kind", "received_at"),
        Index("ix_request_due", "commune_id", "state_kind", "due_at"),
        # A citizen's requests (his record, the queue's citizen filter) and the
        # segments' "has filed a request" probe per person: every column that
        # criterion and the reader's scope test, so the probe never reads the
        # table (grc_core.segments.criteria).
        Index("ix_request_citizen", "commune_id", "citizen_id", "received_at", "request_type_id", "state_kind",
              "closed_at", "channel", "service_id", "assignee_id"),
        Index("ix_request_type", "commune_id", "request_type_id", "received_at"),
        # The agents' queue of requests not closed (grc_core.requests.queue):
        # partial, in the queue's order (due_at ascending, NULLs last — the
        # default of PostgreSQL, and SQLite walks the index twice), then every
        # column a queue filter tests, so that the first 50 rows come without a
        # sort and the count (free text included) never leaves this small index.
        Index("ix_request_open_queue", "commune_id", "due_at", "received_at", "id", "state_kind", "service_id",
              "assignee_id", "request_type_id", "quartier", "priority", "channel", "reference", "subject",
              sqlite_where=text(NOT_CLOSED_SQL), postgresql_where=text(NOT_CLOSED_SQL)),
        # The indicators: requests received, or closed, in a period, without
        # reading the table (grc_core.indicators); and the people who filed in
        # a period, for a segment (the citizen last: c0a1e0000032).
        Index("ix_request_received", "commune_id", "received_at", "service_id", "request_type_id", "channel",
              "priority", "quartier", "assignee_id", "first_response_at", "citizen_id"),
        Index("ix_request_closed", "commune_id", "closed_at", "service_id", "request_type_id", "received_at", "due_at",
              "reopened_count", "channel", "priority", "quartier", "assignee_id",
              sqlite_where=text("closed_at IS NOT NULL"), postgresql_where=text("closed_at IS NOT NULL")),
        # The requests still waiting for a first response (a few thousand of a
        # million), for the first response time's « still without response »:
        # a year of them without reading the year's requests.
        Index("ix_request_unanswered", "commune_id", "received_at", "service_id", "request_type_id", "channel",
              "priority", "quartier", "assignee_id", "first_response_at",
              sqlite_where=text("first_response_at IS NULL"), postgresql_where=text("first_response_at IS NULL")),
        # The open requests of a type in given states (the domains' "as it stands
        # now" figures, e.g. the CCAS's domiciliations): the type's open
        # requests alone, not every one of its years.
        Index("ix_request_open_type_state", "commune_id", "request_type_id", "state", "service_id",
              sqlite_where=text(NOT_CLOSED_SQL), postgresql_where=text(NOT_CLOSED_SQL)),
        # Timers (grc tick) and the workflow editor's per-state counts.
        Index("ix_request_workflow_state", "commune_id", "workflow_id", "state", "state_entered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), nullable=False)
    request_type_id: Mapped[int] = mapped_column(ForeignKey("request_type.id"), nullable=False)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    priority: Mapped[str] = mapped_column(String(10), nullable=False, default="normale")
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("user_account.id", ondelete="SET NULL"))
    data: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    subject: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    location: Mapped[str] = mapped_column(String(250), nullable=False, default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    quartier: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    workflow_id: Mapped[int | None] = mapped_column(ForeignKey("workflow.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(60), nullable=False)
    # Kind of the current state (new, open, waiting, closed): queues filter on it.
    state_kind: Mapped[str] = mapped_column(String(10), nullable=False)
    state_entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reopened_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # When an agent of the request last opened its page: the citizen's later
    # messages are unread (grc_core.requests.unread).
    citizen_messages_read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    request_type = relationship("RequestType")
    citizen = relationship("Citizen")
    service = relationship("Service")
    assignee = relationship("User")
    workflow = relationship("Workflow")
    events: Mapped[list["RequestEvent"]] = relationship(
        back_populates="request", order_by="RequestEvent.id", viewonly=True)
    messages: Mapped[list["Message"]] = relationship(back_populates="request", order_by="Message.id")
    attachments: Mapped[list["Attachment"]] = relationship(back_populates="request", order_by="Attachment.id")

    def __str__(self) -> str:
        return self.reference


class RequestEvent(TenantMixin, db.Model):
    """Append-only history of a request; the ORM refuses updates and deletes."""

    __tablename__ = "request_event"
    __table_args__ = (Index("ix_request_event_request", "request_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("user_account.id", ondelete="SET NULL"))
    # created, transition, assigned, routed, field_changed, message, notification, timer, merged…
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    from_state: Mapped[str | None] = mapped_column(String(60))
    to_state: Mapped[str | None] = mapped_column(String(60))
    details: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)

    request: Mapped[Request] = relationship(back_populates="events")
    actor = relationship("User")


class AppendOnlyError(Exception):
    """History rows are never changed or removed."""


# The one legal exception to the append-only rule (RGPD retention): inside
# this block, and only there, the ``details`` of history rows may be blanked.
# Only grc_core.retention.requests.anonymise_request enters it; every other
# column stays frozen even then.
_ANONYMISING_HISTORY: ContextVar[bool] = ContextVar("grc_anonymising_history", default=False)


@contextmanager
def anonymising_history():
    token = _ANONYMISING_HISTORY.set(True)
    try:
        yield
    finally:
        _ANONYMISING_HISTORY.reset(token)


@event.listens_for(RequestEvent, "before_update")
def _refuse_event_update(mapper, connection, target):
    if _ANONYMISING_HISTORY.get():
        changed = {attr.key for attr in mapper.column_attrs if get_history(target, attr.key).has_changes()}
        if changed <= {"details"}:
            return
    raise AppendOnlyError("L'historique d'une demande ne se modifie pas.")


@event.listens_for(RequestEvent, "before_delete")
def _refuse_event_delete(mapper, connection, target):
    raise AppendOnlyError("L'historique d'une demande ne se supprime pas.")


class Message(TenantMixin, db.Model):
    """A message to the citizen (``public``) or an internal note."""

    __tablename__ = "message"
    __table_args__ = (Index("ix_message_request", "request_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("user_account.id", ondelete="SET NULL"))
    # Set when the citizen wrote it on the portal (then ``public`` and no agent author).
    citizen_account_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("citizen_account.id", ondelete="SET NULL"))
    # Set when the citizen wrote it through the private tracking link of a filing without an account.
    tracking_link_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("tracking_link.id", ondelete="SET NULL"))
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)

    request: Mapped[Request] = relationship(back_populates="messages")
    author = relationship("User")
    citizen_account = relationship("CitizenAccount")

    @property
    def from_citizen(self) -> bool:
        """Written by the citizen on the portal (signed in, or through a tracking link)."""
        return self.citizen_account_id is not None or self.tracking_link_id is not None


class Attachment(TenantMixin, db.Model):
    """A file of a request, stored outside the web root (``storage_key``)."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("user_account.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)

    request: Mapped[Request] = relationship(back_populates="attachments")
