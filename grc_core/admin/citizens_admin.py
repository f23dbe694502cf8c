"""Back office: citizens (search, record, household, consents, merge, 360°
page) and contacts.

Personal data: every agent role may use these pages except the élu, who
sees aggregates only (DESIGN.md, Security) — refused with 403 and an audit
event, like any other refusal. Another commune's citizen does not exist
here: the tenancy criteria hide it, and its ids answer 404.
"""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..citizens import citizen_timeline, find_duplicates, intake_url, merge_citizens, search_citizens
from ..citizens.contacts import CHANNEL_LABELS, OUTCOME_LABELS
from ..citizens.forms import (
    CONSENT_CHANNEL_LABELS, CONSENT_PURPOSE_LABELS, RELATION_LABELS, CitizenForm, ConsentForm, ContactForm,
    LinkForm, MergeForm, UndoMergeForm,
)
from ..citizens import portal_account, rgpd_access
from ..citizens.merge import UNDO_DAYS, MergeError, plan_merge, undo_merge
from ..citizens.rectification import rectify
from ..citizens.search import describe, parse_date
from ..citizens.record import open_requests, threads
from ..extensions import db
from ..models import (
    Citizen, CitizenMerge, Consent, Contact, HouseholdLink, Membership, Request, Service, User, utcnow,
)
from ..notifications.sms import mobile_number
from ..plugins.panels import render_panels
from ..portal.preferences import AgentPreferencesForm
from ..requests.confidentiality import readable_condition, readable_requests_of
from ..security.access import citizen_or_404, may_read_request, readable_citizen_ids
from ..security.ids import parse_id, parse_int
from ..security.permissions import can, effective_role, require
from ..tenancy.activation import active_plugins
from .base import SecureView
from .requests_admin import RowLook, ShortDates, status_of

CITIZENS = _l("Citizens")
INVERSE_RELATION = {"parent": "child", "child": "parent", "spouse": "spouse"}
CONTACTS_PER_PAGE = 50


class PersonalDataView(SecureView):
    """A page showing citizens' personal data: not for élus."""

    def is_accessible(self) -> bool:
        return super().is_accessible() and effective_role(current_user, g.get("grc_membership")) != "elu"


def _request_counts(citizen_ids: list[int], *, readable_only: bool = True) -> dict[int, int]:
    if not citizen_ids:
        return {}
    statement = select(Request.citizen_id, func.count(Request.id)).where(Request.citizen_id.in_(citizen_ids))
    secret = readable_condition() if readable_only else None  # files this agent may not read are not counted
    if secret is not None:
        statement = statement.where(secret)
    rows = db.session.execute(statement.group_by(Request.citizen_id))
    return dict(rows.all())


def _local_midnight(day) -> datetime:
    """Start of ``day`` where the commune is, in UTC (what both databases compare)."""
    zone = ZoneInfo(current_app.config["GRC"]["DEFAULT_TIMEZONE"])
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc)


def _request_url(request_row) -> str | None:
    """Link a timeline entry to the request page only when this member may open it."""
    return url_for("core_requests.details", request_id=request_row.id) if may_read_request(request_row) else None


def _preferences_form(citizen) -> AgentPreferencesForm:
    return AgentPreferencesForm(formdata=None, data={
        "channel": citizen.notify_channel, "digest": citizen.notify_digest,
        "mobile": citizen.phone if mobile_number(citizen.phone) else "",
        "language": citizen.language or current_app.config["GRC"]["DEFAULT_LOCALE"]})


class CitizensView(PersonalDataView):

    @expose("/")
    def index(self):
        query = request.args.get("q", "").strip()
        results = search_citizens(query) if query else []
        return self.render("grc/citizens/search.html", query=query, results=results,
                           counts=_request_counts([c.id for c in results]))

    @expose("/search.json")
    def search_json(self):
        query = request.args.get("q", "").strip()
        results = search_citizens(query) if query else []
        counts = _request_counts([c.id for c in results])
        return jsonify({"results": [
            {**describe(c), "requests": counts.get(c.id, 0), "url": url_for(".details", citizen_id=c.id)}
            for c in results
        ]})

    @expose("/new", methods=("GET", "POST"))
    def create(self):
        form = CitizenForm()
        duplicates = []
        if form.validate_on_submit():
            duplicates = find_duplicates(form.first_name.data, form.last_name.data, form.birth_date.data,
                                         form.email.data or "", form.phone.data or "")
            if not duplicates or form.create_anyway.data:
                citizen = Citizen()
                form.apply_to(citizen)
                db.session.add(citizen)
                db.session.commit()
                flash(_("Citizen %(name)s created.", name=citizen.full_name), "success")
                return redirect(url_for(".details", citizen_id=citizen.id))
        return self.render("grc/citizens/form.html", form=form, citizen=None, duplicates=duplicates)

    @expose("/<id:citizen_id>/edit", methods=("GET", "POST"))
    def edit(self, citizen_id):
        citizen = citizen_or_404(citizen_id)
        form = CitizenForm(obj=citizen)
        if form.validate_on_submit():
            rectify(citizen, form.apply_to, actor=current_user._get_current_object())
            db.session.commit()
            flash(_("Record of %(name)s saved.", name=citizen.full_name), "success")
            return redirect(url_for(".details", citizen_id=citizen.id))
        return self.render("grc/citizens/form.html", form=form, citizen=citizen, duplicates=[])

    @expose("/<id:citizen_id>/")
    def details(self, citizen_id):
        citizen = citizen_or_404(citizen_id, live=False)
        if citizen.merged_into_id is not None:
            flash(_("This record was merged into another one: here is the record kept."), "info")
            return redirect(url_for(".details", citizen_id=citizen.merged_into_id))
        relative_query = request.args.get("relative_q", "").strip()
        relatives = [c for c in search_citizens(relative_query) if c.id != citizen.id] if relative_query else []
        links = db.session.scalars(select(HouseholdLink).options(joinedload(HouseholdLink.relative))
                                   .where(HouseholdLink.citizen_id == citizen.id)).all()
        # A relative known only through a CCAS file this agent may not read is not named here either.
        readable = readable_citizen_ids(link.relative_id for link in links)
        links = [link for link in links if link.relative_id in readable]
        consents = db.session.scalars(select(Consent).where(Consent.citizen_id == citizen.id)
                                      .order_by(Consent.given_at.desc(), Consent.id.desc())).all()
        commune = g.grc_commune
        readable = readable_requests_of(citizen.id)
        panels = render_panels(current_app.extensions["grc"].citizen_panels(
            active_plugins(commune), citizen=citizen, requests=readable, user=current_user,
            commune=commune))
        dates = ShortDates()
        return self.render(
            "grc/citizens/details.html", citizen=citizen, links=links, consents=consents, panels=panels,
            threads=threads(citizen_timeline(citizen, request_url=_request_url), readable),
            open_requests=open_requests(readable), look=RowLook(dates), request_url=_request_url, status_of=status_of,
            relative_query=relative_query, relatives=relatives, link_form=LinkForm(), consent_form=ConsentForm(),
            relation_labels=RELATION_LABELS, channel_labels=CONSENT_CHANNEL_LABELS,
            purpose_labels=CONSENT_PURPOSE_LABELS, new_request_url=intake_url(citizen=citizen),
            new_contact_url=url_for("core_contacts.create", citizen=citizen.id),
            portal_accounts=portal_account.accounts_of(citizen), preferences_form=_preferences_form(citizen),
        )

    @expose("/<id:citizen_id>/rgpd.<any(json, pdf):fmt>")
    def rgpd_export(self, citizen_id, fmt):
        citizen = citizen_or_404(citizen_id)
        actor = current_user._get_current_object()
        reason = rgpd_access.refusal(citizen, actor)
        rgpd_access.audit_export(citizen, fmt, actor, refused=reason is not None)
        if reason:
            flash(reason, "error")
            return redirect(url_for(".details", citizen_id=citizen.id))
        data = rgpd_access.collect(citizen)
        if fmt == "json":
            body, mimetype = json.dumps(data, ensure_ascii=False, indent=2), "application/json"
        else:
            # Imported here: fpdf2 weighs ~30 MB in every worker, and only this export needs it.
            from ..citizens import rgpd_pdf

            body, mimetype = rgpd_pdf.render(data), "application/pdf"
        return Response(body, mimetype=mimetype, headers={
            "Content-Disposition": f'attachment; filename="rgpd-acces-{citizen.id}.{fmt}"',
            "Cache-Control": "no-store",
        })

    @expose("/<id:citizen_id>/links", methods=("POST",))
    def add_link(self, citizen_id):
        citizen = citizen_or_404(citizen_id)
        form = LinkForm()
        if not form.validate_on_submit() or parse_id(form.relative_id.data) is None:
            abort(400)
        relative = citizen_or_404(form.relative_id.data)
        relation = form.relation.data
        if relative.id == citizen.id:
            flash(_("A citizen cannot be linked to themselves."), "error")
        elif db.session.scalar(select(HouseholdLink.id).where(HouseholdLink.citizen_id == citizen.id,
                                                              HouseholdLink.relative_id == relative.id)):
            flash(_("%(name)s is already linked to this citizen.", name=relative.full_name), "error")
        else:
            # One row per direction: each record shows the link from its side.
            db.session.add(HouseholdLink(citizen_id=citizen.id, relative_id=relative.id, relation=relation))
            db.session.add(HouseholdLink(citizen_id=relative.id, relative_id=citizen.id,
                                         relation=INVERSE_RELATION[relation]))
            db.session.commit()
            flash(_("%(name)s added to the household (%(relation)s).", name=relative.full_name,
                    relation=RELATION_LABELS[relation]), "success")
        return redirect(url_for(".details", citizen_id=citizen.id))

    @expose("/<id:citizen_id>/links/<id:link_id>/delete", methods=("POST",))
    def remove_link(self, citizen_id, link_id):
        citizen = citizen_or_404(citizen_id)
        link = db.session.scalar(select(HouseholdLink).where(HouseholdLink.id == link_id,
                                                             HouseholdLink.citizen_id == citizen.id))
        if link is None:
            abort(404)
        reverse = db.session.scalar(select(HouseholdLink).where(
            HouseholdLink.citizen_id == link.relative_id, HouseholdLink.relative_id == citizen.id,
            HouseholdLink.relation == INVERSE_RELATION[link.relation]))
        for row in (link, reverse):
            if row is not None:
                db.session.delete(row)
        db.session.commit()
        flash(_("Household link removed."), "success")
        return redirect(url_for(".details", citizen_id=citizen.id))

    @expose("/<id:citizen_id>/consents", methods=("POST",))
    def give_consent(self, citizen_id):
        citizen = citizen_or_404(citizen_id)
        form = ConsentForm()
        if not form.validate_on_submit():
            abort(400)
        already = db.session.scalar(select(Consent.id).where(
            Consent.citizen_id == citizen.id, Consent.channel == form.channel.data,
            Consent.purpose == form.purpose.data, Consent.revoked_at.is_(None)))
        if already:
            flash(_("This consent is already given."), "info")
        else:
            db.session.add(Consent(citizen_id=citizen.id, channel=form.channel.data, purpose=form.purpose.data,
                                   source=(form.source.data or "").strip(), recorded_by_id=current_user.id))
            db.session.commit()
            flash(_("Consent recorded."), "success")
        return redirect(url_for(".details", citizen_id=citizen.id) + "#consents")

    @expose("/<id:citizen_id>/consents/<id:consent_id>/revoke", methods=("POST",))
    def revoke_consent(self, citizen_id, consent_id):
        citizen = citizen_or_404(citizen_id)
        consent = db.session.scalar(select(Consent).where(Consent.id == consent_id,
                                                          Consent.citizen_id == citizen.id))
        if consent is None:
            abort(404)
        if consent.revoked_at is None:
            # Kept, dated: the proof of what the citizen agreed to, and when.
            consent.revoked_at = utcnow()
            db.session.commit()
            flash(_("Consent revoked."), "success")
        return redirect(url_for(".details", citizen_id=citizen.id) + "#consents")

    @expose("/<id:citizen_id>/portal-invitation", methods=("POST",))
    def invite_to_portal(self, citizen_id):
        citizen = citizen_or_404(citizen_id)  # CSRF: checked on every POST (CSRFProtect)
        try:
            email = portal_account.invite(citizen, current_user._get_current_object())
        except portal_account.InvitationRefused as error:
            flash(str(error), "error")
        else:
            flash(_("Invitation to the portal sent to %(email)s.", email=email), "success")
        return redirect(url_for(".details", citizen_id=citizen.id) + "#portal")

    @expose("/<id:citizen_id>/notification-preferences", methods=("POST",))
    def notification_preferences(self, citizen_id):
        citizen = citizen_or_404(citizen_id)
        form = AgentPreferencesForm()
        if form.validate_on_submit():
            form.save_to(citizen, by="agent")
            db.session.commit()
            flash(_("Notification preferences saved."), "success")
        else:
            for errors in form.errors.values():
                for message in errors:
                    flash(message, "error")
        return redirect(url_for(".details", citizen_id=citizen.id) + "#portal")

    @expose("/<id:citizen_id>/merge", methods=("GET", "POST"))
    def merge(self, citizen_id):
        kept = citizen_or_404(citizen_id)
        if request.method == "POST":
            form = MergeForm()
            if not form.validate_on_submit() or parse_id(form.duplicate_id.data) is None:
                abort(400)
            duplicate = citizen_or_404(form.duplicate_id.data, live=False)
            try:
                merge_citizens(kept, duplicate, actor=current_user._get_current_object(),
                               confirm_birth_dates=form.confirm_birth_dates.data)
            except MergeError as error:
                db.session.rollback()
                flash(str(error), "error")
                return redirect(url_for(".merge", citizen_id=kept.id, duplicate=duplicate.id)
                                if duplicate.merged_into_id is None else url_for(".merge", citizen_id=kept.id))
            db.session.commit()
            flash(_("%(duplicate)s merged into this record. An administrator may undo it within %(days)d days.",
                    duplicate=duplicate.full_name, days=UNDO_DAYS), "success")
            return redirect(url_for(".details", citizen_id=kept.id))
        duplicate = None
        if request.args.get("duplicate"):
            duplicate = citizen_or_404(request.args["duplicate"])
        query = request.args.get("q", "").strip()
        candidates = []
        if duplicate is None:
            if query:
                candidates = [(c, "") for c in search_citizens(query) if c.id != kept.id]
            else:
                candidates = find_duplicates(kept.first_name, kept.last_name, kept.birth_date, kept.email,
                                             kept.phone, exclude_id=kept.id)
        plan = None
        if duplicate is not None and duplicate.id != kept.id:
            plan = plan_merge(kept, duplicate, actor=current_user._get_current_object())
        # Every request, confidential ones included: the agent must know what would move.
        counts = _request_counts([kept.id] + ([duplicate.id] if duplicate else []), readable_only=False)
        merges = db.session.scalars(select(CitizenMerge).options(joinedload(CitizenMerge.duplicate))
                                    .where(CitizenMerge.kept_id == kept.id)
                                    .order_by(CitizenMerge.at.desc())).all()
        return self.render("grc/citizens/merge.html", kept=kept, duplicate=duplicate, query=query,
                           candidates=candidates, counts=counts, confirm_form=MergeForm(), plan=plan,
                           merges=merges, undo_form=UndoMergeForm(), may_undo=can("core.admin"),
                           undo_days=UNDO_DAYS)

    @expose("/<id:citizen_id>/merges/<id:merge_id>/undo", methods=("POST",))
    def undo(self, citizen_id, merge_id):
        require("core.admin")
        kept = citizen_or_404(citizen_id)
        if not UndoMergeForm().validate_on_submit():
            abort(400)
        merge = db.session.scalar(select(CitizenMerge).where(CitizenMerge.id == merge_id,
                                                             CitizenMerge.kept_id == kept.id))
        if merge is None:
            abort(404)
        try:
            undo_merge(merge, actor=current_user._get_current_object())
        except MergeError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for(".merge", citizen_id=kept.id))
        db.session.commit()
        flash(_("Merge undone: %(name)s has their own record again.", name=merge.duplicate.full_name), "success")
        return redirect(url_for(".details", citizen_id=merge.duplicate_id))


class ContactsView(PersonalDataView):

    def _agents(self) -> list[tuple[int, str]]:
        rows = db.session.execute(select(User.id, User.full_name).join(Membership, Membership.user_id == User.id)
                                  .order_by(User.full_name))
        return [(user_id, full_name) for user_id, full_name in rows]

    @expose("/")
    def index(self):
        args = request.args
        statement = select(Contact).options(joinedload(Contact.citizen), joinedload(Contact.agent),
                                            joinedload(Contact.service), joinedload(Contact.request))
        start, end = parse_date(args.get("start", "")), parse_date(args.get("end", ""))
        if start:
            statement = statement.where(Contact.at >= _local_midnight(start))
        if end:
            statement = statement.where(Contact.at < _local_midnight(end + timedelta(days=1)))
        if args.get("channel") in CHANNEL_LABELS:
            statement = statement.where(Contact.channel == args["channel"])
        if args.get("outcome") in OUTCOME_LABELS:
            statement = statement.where(Contact.outcome == args["outcome"])
        if parse_id(args.get("agent")) is not None:
            statement = statement.where(Contact.agent_id == parse_id(args["agent"]))
        page = parse_int(args.get("page"), low=1, high=100_000, default=1)
        contacts = db.session.scalars(statement.order_by(Contact.at.desc(), Contact.id.desc())
                                      .offset((page - 1) * CONTACTS_PER_PAGE).limit(CONTACTS_PER_PAGE + 1)).all()
        # A contact that became a confidential request this agent may not read: not even its reference.
        linked = {c.request_id for c in contacts if c.request_id is not None}
        secret = readable_condition()
        confidential = linked - set(db.session.scalars(select(Request.id).where(Request.id.in_(linked), secret))) \
            if linked and secret is not None else set()
        return self.render(
            "grc/contacts/list.html", contacts=contacts[:CONTACTS_PER_PAGE], page=page, confidential=confidential,
            has_next=len(contacts) > CONTACTS_PER_PAGE, filters=args, agents=self._agents(),
            channel_labels=CHANNEL_LABELS, outcome_labels=OUTCOME_LABELS, intake_url=intake_url,
        )

    @expose("/new", methods=("GET", "POST"))
    def create(self):
        citizen = None
        if request.args.get("citizen"):
            citizen = citizen_or_404(request.args["citizen"])
        form = ContactForm()
        services = db.session.execute(select(Service.id, Service.name).order_by(Service.name)).all()
        form.service_id.choices = [("", "—")] + [(service_id, name) for service_id, name in services]
        if form.validate_on_submit():
            contact = Contact(citizen_id=citizen.id if citizen else None, channel=form.channel.data,
                              subject=form.subject.data.strip(), outcome=form.outcome.data,
                              notes=(form.notes.data or "").strip(), agent_id=current_user.id,
                              service_id=form.service_id.data or None)
            db.session.add(contact)
            db.session.commit()
            flash(_("Contact logged."), "success")
            if citizen is not None:
                return redirect(url_for("core_citizens.details", citizen_id=citizen.id))
            return redirect(url_for(".index"))
        return self.render("grc/contacts/form.html", form=form, citizen=citizen)


def views() -> list:
    return [
        CitizensView(name=_l("Search"), category=CITIZENS, endpoint="core_citizens", url="/admin/citizens"),
        ContactsView(name=_l("Contacts"), category=CITIZENS, endpoint="core_contacts", url="/admin/contacts"),
    ]
