"""A commune's workflows: data (states, transitions, timers), edited in the back office."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import TenantMixin, utcnow


class Workflow(TenantMixin, db.Model):
    """``definition`` holds ``states``, ``transitions`` and ``timers`` as
    plain dicts (see grc_core.workflows.definition). ``template`` is the code
    of the plugin template it was copied from; upgrades of the template never
    overwrite this copy."""

    __tablename__ = "workflow"
    __table_args__ = (UniqueConstraint("commune_id", "code", name="uq_workflow_commune_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(100), nullable=False)
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    # The template's English source of ``label`` (grc_core.copied_labels).
    label_key: Mapped[str | None] = mapped_column(String(200))
    definition: Mapped[dict] = mapped_column(JSON, nullable=False)
    template: Mapped[str | None] = mapped_column(String(100))
    template_version: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    @property
    def shown_label(self) -> str:
        from ..copied_labels import shown_label

        return shown_label(self.label, self.label_key)

    def __str__(self) -> str:
        return self.shown_label


class TimerRun(TenantMixin, db.Model):
    """A timer that fired for a request, so that ``grc tick`` never fires it twice."""

    __tablename__ = "timer_run"
    __table_args__ = (UniqueConstraint("request_id", "timer", "anchor_at", name="uq_timer_run_request_timer_anchor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), nullable=False, index=True)
    timer: Mapped[str] = mapped_column(String(100), nullable=False)
    anchor_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    fired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
