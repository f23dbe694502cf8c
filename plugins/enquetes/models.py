"""A request type's closing survey (the commune's setting) and the
invitations: one per request, the proof of what was asked, when, and the
answer; the barometer surveys a commune writes and sends to a segment."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grc_core.plugin_api import Request, RequestType, TenantMixin, db, utcnow


class SurveySetting(TenantMixin, db.Model):
    """The closing survey of one request type in the commune (none: no survey)."""

    __tablename__ = "enquetes_setting"
    __table_args__ = (UniqueConstraint("commune_id", "request_type_id", name="uq_enquetes_setting_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_type_id: Mapped[int] = mapped_column(ForeignKey("request_type.id", ondelete="CASCADE"), nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Codes of the workflow's states whose entry triggers the survey.
    trigger_states: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    delay_hours: Mapped[int] = mapped_column(Integer, nullable=False, default=24)
    valid_days: Mapped[int] = mapped_column(Integer, nullable=False, default=30)
    # rules.BAD_ACTIONS: "none", "alert" (the service's address), "reopen" (reopen_transition).
    bad_action: Mapped[str] = mapped_column(String(10), nullable=False, default="none")
    reopen_transition: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    # A confidential (CCAS) type is never surveyed unless the commune says so here.
    confidential_allowed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Below this many answers, results of a confidential type are not shown.
    min_count: Mapped[int] = mapped_column(Integer, nullable=False, default=5)
    # rules.SURVEY_CHANNELS: "email", "sms" (the core's SMS outbox), "portal" (a card on the citizen's portal).
    channel: Mapped[str] = mapped_column(String(10), nullable=False, default="email")
    # Extra questions (FieldSpec dicts, the core's field editor), asked after score, « résolu ? » and comment.
    fields: Mapped[list] = mapped_column(JSON, nullable=False, default=list)

    request_type: Mapped[RequestType] = relationship()


class SurveyInvitation(TenantMixin, db.Model):
    """``status``: pending (due_at not reached), sent, answered, skipped
    (``reason``: no_consent, refused, no_address, no_site_url, disabled).
    ``channel``: how it was sent; ``fallback`` says why it went by e-mail
    when the setting asked another channel (rules.channel_for)."""

    __tablename__ = "enquetes_invitation"
    __table_args__ = (UniqueConstraint("request_id", name="uq_enquetes_invitation_request"),
                      Index("ix_enquetes_invitation_due", "status", "due_at"),
                      # The results and the dashboards' figures: the surveys sent in a period,
                      # with every column the figures group, filter and sum (indicators.py), so
                      # that a year of them is read from the index alone (enquetes_0004).
                      Index("ix_enquetes_invitation_sent", "commune_id", "sent_at", "status", "request_type_id",
                            "service_id", "score", "resolved"))

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), nullable=False)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id", ondelete="SET NULL"), index=True)
    request_type_id: Mapped[int | None] = mapped_column(ForeignKey("request_type.id", ondelete="SET NULL"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    reason: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    # Where the commune's public pages answer (the e-mail's links), taken at closure.
    site_url: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    score: Mapped[int | None] = mapped_column(Integer)
    # rules.RESOLVED: "yes", "no", "partly"; "" when not said.
    resolved: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The follow-up (resolved, comment) is given once, after the score.
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    bad_action_done: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    channel: Mapped[str] = mapped_column(String(10), nullable=False, default="email")
    # rules.FALLBACKS: no_mobile, no_sms_consent, no_account; "" when sent on the setting's channel.
    fallback: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    # The extra questions' answers (field name → value), given with the follow-up.
    answers: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    # The agent who handled the request when it was closed (its assignee, else who closed it): the
    # agent-level figures, shown to that agent and to managers only.
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    request: Mapped[Request] = relationship()
    request_type: Mapped[RequestType | None] = relationship()


class SurveyDayStat(TenantMixin, db.Model):
    """The closing surveys sent on one local day, per request type and
    service, and what their answers add up to (day_counts.py): what the
    dashboards' figures read instead of a year of surveys."""

    __tablename__ = "enquetes_day_stat"
    __table_args__ = (
        UniqueConstraint("commune_id", "day", "request_type_id", "service_id", name="uq_enquetes_day_stat_key"),
        # The figures read their sums from the index alone.
        Index("ix_enquetes_day_stat_read", "commune_id", "day", "request_type_id", "service_id", "sent", "answered",
              "score_sum", "said", "said_yes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    # 0 for none: the key must compare equal to itself.
    request_type_id: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    service_id: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    sent: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    answered: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    score_sum: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Answers that said whether the problem is resolved, and those that said « yes ».
    said: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    said_yes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Barometer(TenantMixin, db.Model):
    """A survey the commune writes itself (its own questions, as FieldSpec
    dicts) and sends to a segment of its population. ``status``: draft, then
    sent (the invitations are written; the questions no longer change)."""

    __tablename__ = "enquetes_barometer"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    # Why the commune asks: on the survey's first page and in the e-mail.
    purpose: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # Anonymous: an answer keeps no link to the person (only the invitation is marked used).
    anonymous: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # How long the answers are kept after the survey closes (said on the first page).
    retention_months: Mapped[int] = mapped_column(Integer, nullable=False, default=12)
    fields: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segment.id", ondelete="SET NULL"))
    opens_on: Mapped[date] = mapped_column(Date, nullable=False)
    closes_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    # Where the commune's public pages answer (the e-mail's links), taken when sent.
    site_url: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)


class BarometerInvitation(TenantMixin, db.Model):
    """One invited person: the token's subject, used once. ``status``: sent,
    or excluded (``reason``: no_consent, refused, no_address). The group
    (quartier, age band on the sending day) is copied for the results."""

    __tablename__ = "enquetes_baro_invitation"
    __table_args__ = (UniqueConstraint("barometer_id", "citizen_id", name="uq_enquetes_baro_invitation_citizen"),
                      UniqueConstraint("barometer_id", "code", name="uq_enquetes_baro_invitation_code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    barometer_id: Mapped[int] = mapped_column(ForeignKey("enquetes_barometer.id", ondelete="CASCADE"), nullable=False,
                                              index=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id", ondelete="SET NULL"), index=True)
    # Printed on a paper questionnaire: the agent types it with the answers.
    code: Mapped[str] = mapped_column(String(12), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="sent")
    reason: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    quartier: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    age_band: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    # No moment: for an anonymous survey a time would tie the answer to the person.
    used: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class BarometerAnswer(TenantMixin, db.Model):
    """One answer. Anonymous survey: no invitation, no person, the day only."""

    __tablename__ = "enquetes_baro_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    barometer_id: Mapped[int] = mapped_column(ForeignKey("enquetes_barometer.id", ondelete="CASCADE"), nullable=False,
                                              index=True)
    # Named surveys only.
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("enquetes_baro_invitation.id", ondelete="SET NULL"))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id", ondelete="SET NULL"), index=True)
    # rules.ANSWER_CHANNELS: web (the e-mail's link), paper, phone (typed by an agent).
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    answered_on: Mapped[date] = mapped_column(Date, nullable=False)
    quartier: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    age_band: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    data: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
