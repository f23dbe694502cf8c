"""Back-office pages "Campaigns": write, preview, test, submit, approve (not
one's own), schedule or send, pause, cancel, and read the results.

Who does what: ``campagnes.author`` writes and submits; ``campagnes.approve``
approves another's campaign and starts it; ``campagnes.results`` (élus
included) reads campaigns and their results only. A campaign is the
commune's reference data, not a request's: the view's permission and the
commune decide who opens it (:func:`campaign_or_404`)."""
from __future__ import annotations

from datetime import datetime
from itertools import permutations

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from grc_core.plugin_api import (
    LOCAL_TIMEZONE, Citizen, SecureView, Segment, SegmentContext, SegmentError, can, db, describe_segment,
    enqueue_email, local_date, parse_int, parse_segment, record_audit_event, segment_citizen_ids,
    segment_criteria_for, storage, utcnow,
)

from . import rules, sending, tracking
from .channels import CHANNELS
from .models import Campaign, CampaignRecipient

STATUS_LABELS = {"draft": _l("Draft"), "submitted": _l("Awaiting approval"), "approved": _l("Approved"),
                 "sending": _l("Sending"), "paused": _l("Paused"), "sent": _l("Sent out"), "cancelled": _l("Cancelled")}
BASIS_LABELS = {"consent": _l("Consent (municipal information the person accepted)"),
                "public_task": _l("Public-service information (GDPR art. 6-1-e)")}
RESULT_LABELS = {"targeted": _l("Targeted"), "pending": _l("To send"), "sent": _l("Sent"), "failed": _l("Failed"),
                 "bounced": _l("Bounced (address refused)"),
                 "no_consent": _l("Excluded: no consent"), "opted_out": _l("Excluded: unsubscribed before"),
                 "no_address": _l("Excluded: no address on the channel"),
                 "duplicate": _l("Excluded: same address twice"),
                 "address_error": _l("Excluded: address in error"),
                 "unsubscribed": _l("Unsubscribed through this campaign")}
CLICKS_LABEL = _l("Clicked a link (first click per person)")
RECIPIENT_LABELS = {"pending": _l("to send"), "sent": _l("sent"), "excluded": _l("excluded"), "failed": _l("failed"),
                    "bounced": _l("bounced")}
# The channel lists a campaign may choose: one channel, or several in order of preference.
CHANNEL_CHOICES = [",".join(order) for size in range(1, len(CHANNELS) + 1) for order in permutations(CHANNELS, size)]
ID_MAX = 2_147_483_647
LIMITS = {"name": 120, "purpose": 300, "subject": 200, "body": 20_000}


def campaign_or_404(campaign_id) -> Campaign:
    # A query, not session.get: the commune's scope applies to it.
    campaign = db.session.scalar(select(Campaign).where(Campaign.id == campaign_id))
    if campaign is None:
        abort(404)
    return campaign


def letters_or_404(campaign_id) -> Campaign:
    """A campaign's letters hold names and postal addresses: its author's
    and approvers' to print, not the élus' (who read results only)."""
    if not (can("campagnes.author") or can("campagnes.approve")):
        _require("campagnes.author")
    campaign = campaign_or_404(campaign_id)
    if not campaign.letters_key:
        abort(404)
    return campaign


def channels_label(channels: str) -> str:
    return _(" then ").join(str(CHANNELS[code].label) for code in channels.split(",") if code in CHANNELS)


def _require(permission: str) -> None:
    if not can(permission):
        record_audit_event("permission.refused", target=request.path, details={"permission": permission})
        abort(403)


class CampaignsView(SecureView):
    permission = "campagnes.results"

    def render(self, template, **kwargs):
        return super().render(template, status_labels=STATUS_LABELS, basis_labels=BASIS_LABELS,
                              channels_label=channels_label,
                              may_author=can("campagnes.author"), may_approve=can("campagnes.approve"), **kwargs)

    @expose("/")
    def index(self):
        campaigns = db.session.scalars(select(Campaign).order_by(Campaign.created_at.desc())).all()
        sent = dict(db.session.execute(select(CampaignRecipient.campaign_id, func.count()).where(
            CampaignRecipient.status == "sent").group_by(CampaignRecipient.campaign_id)).all())
        return self.render("campagnes/list.html", campaigns=campaigns, sent=sent)

    @expose("/new", methods=("GET", "POST"))
    def create(self):
        _require("campagnes.author")
        return self._edit(Campaign(status="draft"))

    @expose("/<id:campaign_id>/edit", methods=("GET", "POST"))
    def edit(self, campaign_id):
        _require("campagnes.author")
        campaign = campaign_or_404(campaign_id)
        if campaign.status not in ("draft", "submitted", "approved"):
            abort(409)
        return self._edit(campaign)

    def _edit(self, campaign: Campaign):
        segments = db.session.scalars(select(Segment).order_by(Segment.name)).all()
        values = {"name": campaign.name or "", "purpose": campaign.purpose or "",
                  "legal_basis": campaign.legal_basis or "", "segment_id": str(campaign.segment_id or ""),
                  "channels": campaign.channels or "email",
                  "subject": campaign.subject or "", "body": campaign.body or ""}
        errors = {}
        if request.method == "POST":
            values = {key: request.form.get(key, "").strip() for key in values}
            errors = check(values, {s.id for s in segments})
            if not errors:
                return self._save(campaign, values)
        return self.render("campagnes/form.html", campaign=campaign, values=values, errors=errors,
                           segments=segments, channel_choices=CHANNEL_CHOICES,
                           tracking_on=tracking.enabled(g.grc_commune), variables=", ".join("{%s}" % v for v in rules.VARIABLES))

    def _save(self, campaign: Campaign, values: dict):
        created = campaign.id is None
        was_approved = campaign.status in ("submitted", "approved")
        campaign.name, campaign.purpose, campaign.legal_basis = values["name"], values["purpose"], values["legal_basis"]
        campaign.segment_id, campaign.channels = int(values["segment_id"]), values["channels"]
        campaign.subject, campaign.body = values["subject"], values["body"]
        # Approval is for what was read: any change goes back to the draft.
        campaign.status, campaign.approved_by_id, campaign.approved_at, campaign.send_at = "draft", None, None, None
        if created:
            campaign.author_id = current_user.id
            db.session.add(campaign)
        db.session.flush()
        record_audit_event("campagnes.created" if created else "campagnes.edited", target=campaign.name,
                           commit=False)
        db.session.commit()
        flash(_("Campaign saved as a draft.") if not was_approved
              else _("Campaign changed: it is a draft again and must be approved again."), "success")
        return redirect(url_for(".details", campaign_id=campaign.id))

    @expose("/<id:campaign_id>")
    def details(self, campaign_id):
        campaign = campaign_or_404(campaign_id)
        summary, preview, problem = "", None, None
        if campaign.segment is not None:
            context = SegmentContext(g.grc_commune.id, local_date(utcnow()), current_user, g.get("grc_membership"))
            try:
                criteria = segment_criteria_for(context)
                summary = describe_segment(parse_segment(campaign.segment.definition, criteria), criteria)
                if can("campagnes.author") and campaign.status in ("draft", "submitted", "approved"):
                    preview = self._preview(campaign, context)
            except SegmentError as error:
                problem = _("The segment cannot be evaluated: %(reason)s", reason=str(error))
        results = sending.counts(campaign) if campaign.status in ("sending", "paused", "sent", "cancelled") else None
        labels = dict(RESULT_LABELS)
        if tracking.enabled(g.grc_commune) or (results and results["all"].get("clicked")):
            labels["clicked"] = CLICKS_LABEL
        send_at_text = format_datetime(campaign.send_at, "short") if campaign.send_at else ""
        return self.render("campagnes/details.html", campaign=campaign, segment_summary=summary, preview=preview,
                           problem=problem, results=results, result_labels=labels,
                           result_columns=[c for c in campaign.channel_list if results and c in results],
                           channel_labels={code: channel.label for code, channel in CHANNELS.items()},
                           may_print=bool(campaign.letters_key) and (can("campagnes.author")
                                                                     or can("campagnes.approve")),
                           send_at_text=send_at_text)

    @expose("/<id:campaign_id>/letters.pdf")
    def letters(self, campaign_id):
        campaign = letters_or_404(campaign_id)
        record_audit_event("campagnes.letters_downloaded", target=campaign.name)
        return Response(storage().chunks(campaign.letters_key), mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="courriers-campagne-{campaign.id}.pdf"'})

    def _preview(self, campaign: Campaign, context) -> dict | None:
        """The message as the first person of the segment would read it."""
        citizen_id = db.session.scalar(segment_citizen_ids(campaign.segment.definition, context)
                                       .order_by(None).limit(1))
        citizen = db.session.get(Citizen, citizen_id) if citizen_id else None
        if citizen is None:
            return None
        recipient = CampaignRecipient(id=0, commune_id=campaign.commune_id, citizen=citizen, channel="email")
        subject, body, _headers = sending.message_for(campaign, recipient, g.grc_commune)
        return {"name": citizen.full_name, "subject": subject, "body": body}

    @expose("/<id:campaign_id>/test", methods=("POST",))
    def test_send(self, campaign_id):
        _require("campagnes.author")
        campaign = campaign_or_404(campaign_id)
        values = {"prenom": current_user.full_name, "nom": "", "commune": g.grc_commune.name, "quartier": ""}
        enqueue_email(current_user.email, "[TEST] " + rules.fill(campaign.subject, values),
                      rules.fill(campaign.body, values))
        db.session.commit()
        flash(_("A test was sent to %(email)s.", email=current_user.email), "success")
        return redirect(url_for(".details", campaign_id=campaign.id))

    @expose("/<id:campaign_id>/submit", methods=("POST",))
    def submit(self, campaign_id):
        _require("campagnes.author")
        campaign = campaign_or_404(campaign_id)
        return self._move(campaign, "draft", "submitted", _("Submitted for approval."))

    @expose("/<id:campaign_id>/approve", methods=("POST",))
    def approve(self, campaign_id):
        _require("campagnes.approve")
        campaign = campaign_or_404(campaign_id)
        if campaign.author_id == current_user.id:
            flash(_("You wrote this campaign: another manager must approve it."), "error")
            return redirect(url_for(".details", campaign_id=campaign.id))
        send_at = None
        if request.form.get("send_at"):
            try:
                send_at = datetime.fromisoformat(request.form["send_at"]).replace(tzinfo=LOCAL_TIMEZONE)
            except ValueError:
                flash(_("The sending date is not a date and time."), "error")
                return redirect(url_for(".details", campaign_id=campaign.id))
            if send_at <= utcnow():
                flash(_("The sending date is past: leave it empty to send when you click « Send now »."), "error")
                return redirect(url_for(".details", campaign_id=campaign.id))
        if campaign.status != "submitted":
            abort(409)
        campaign.status, campaign.approved_by_id, campaign.approved_at = "approved", current_user.id, utcnow()
        campaign.send_at, campaign.site_url = send_at, request.host_url
        record_audit_event("campagnes.approved", target=campaign.name, commit=False)
        db.session.commit()
        flash(_("Approved."), "success")
        return redirect(url_for(".details", campaign_id=campaign.id))

    @expose("/<id:campaign_id>/send", methods=("POST",))
    def send_now(self, campaign_id):
        _require("campagnes.approve")
        campaign = campaign_or_404(campaign_id)
        if campaign.status != "approved":
            abort(409)
        record_audit_event("campagnes.started", target=campaign.name, commit=False)
        sending.start(campaign, utcnow())
        flash(_("Sending started."), "success")
        return redirect(url_for(".details", campaign_id=campaign.id))

    @expose("/<id:campaign_id>/pause", methods=("POST",))
    def pause(self, campaign_id):
        _require("campagnes.author")
        return self._move(campaign_or_404(campaign_id), "sending", "paused", _("Paused: nothing more is sent."))

    @expose("/<id:campaign_id>/resume", methods=("POST",))
    def resume(self, campaign_id):
        _require("campagnes.approve")
        campaign = campaign_or_404(campaign_id)
        if campaign.status != "paused":
            abort(409)
        sending.start(campaign, campaign.started_at or utcnow())
        flash(_("Sending resumed."), "success")
        return redirect(url_for(".details", campaign_id=campaign.id))

    @expose("/<id:campaign_id>/cancel", methods=("POST",))
    def cancel(self, campaign_id):
        _require("campagnes.author")
        campaign = campaign_or_404(campaign_id)
        if campaign.status not in ("draft", "submitted", "approved", "paused"):
            abort(409)
        return self._move(campaign, campaign.status, "cancelled", _("Campaign cancelled."))

    def _move(self, campaign: Campaign, source: str, target: str, message: str):
        if campaign.status != source:
            abort(409)
        if target == "submitted":
            unknown = rules.unknown_variables(campaign.subject + "\n" + campaign.body)
            if unknown:
                flash(_("Unknown variables: %(names)s.", names=", ".join("{%s}" % n for n in unknown)), "error")
                return redirect(url_for(".details", campaign_id=campaign.id))
        campaign.status = target
        record_audit_event(f"campagnes.{target}", target=campaign.name, commit=False)
        db.session.commit()
        flash(message, "success")
        return redirect(url_for(".details", campaign_id=campaign.id))


def check(values: dict, segment_ids: set[int]) -> dict[str, str]:
    """What is wrong with a campaign's fields, field → message."""
    errors = {}
    for name in ("name", "purpose", "subject", "body"):
        if not values[name]:
            errors[name] = _("Required.")
        elif len(values[name]) > LIMITS[name]:
            errors[name] = _("At most %(max)d characters.", max=LIMITS[name])
    if values["legal_basis"] not in rules.LEGAL_BASES:
        errors["legal_basis"] = _("Choose the legal basis.")
    if parse_int(values["segment_id"], low=1, high=ID_MAX) not in segment_ids:
        errors["segment_id"] = _("Choose a segment.")
    if values["channels"] not in CHANNEL_CHOICES:
        errors["channels"] = _("Choose the channels.")
    unknown = rules.unknown_variables(values["subject"] + "\n" + values["body"])
    if unknown:
        errors["body"] = _("Unknown variables: %(names)s (known: %(known)s).",
                           names=", ".join("{%s}" % n for n in unknown),
                           known=", ".join("{%s}" % v for v in rules.VARIABLES))
    return errors
