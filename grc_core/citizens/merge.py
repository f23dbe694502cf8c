"""Merging a duplicate citizen into the record that is kept, and undoing it.

Everything the duplicate owns moves to the kept record — requests (with
their messages and history, which hang on the request), contacts, consents,
household links, and every plugin row that points to the citizen
(grc_core.citizens.holdings finds them through their foreign keys to
``citizen.id``) — and the duplicate stays as an empty shell pointing to
the kept one (``merged_into_id``): search never shows it again, and an old
link to it can still say where the person went.

Refused, with the reason and nothing moved:

- when the agent may not read every request that would move (a CCAS file
  the front desk does not read), or plugin rows of a domain whose
  confidential files the agent may not read;
- when both records have a birth date and they differ, unless the agent
  confirmed that they are the same person.

A :class:`~grc_core.models.CitizenMerge` keeps what moved, so that an
administrator can undo the merge for :data:`UNDO_DAYS` days
(:func:`undo_merge`). Both are audited; the event is guarded by the read
permission of the confidential files involved (grc_core.audit). The caller
commits (or rolls back) the whole merge as one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, tuple_, update
from sqlalchemy.exc import IntegrityError

from ..audit import record
from ..extensions import db
from ..models import Citizen, CitizenMerge, Commune, Consent, Contact, HouseholdLink, Request, RequestEvent, utcnow
from ..requests.confidentiality import confidential_types
from .holdings import ForeignRows, Unreadable, foreign_rows, permissions_involved, plugin_of, unreadable

# Copied from the duplicate when the kept record has nothing there.
IDENTITY_FIELDS = ("civility", "birth_name", "birth_date", "birth_place", "email", "phone", "quartier")
# An address is taken whole, never mixed from two records.
ADDRESS_FIELDS = ("address_number", "address_street", "postcode", "city")
UNDO_DAYS = 30


class MergeError(ValueError):
    """A merge (or undo) that must not happen; the message is for the agent."""


@dataclass
class MergePlan:
    """What a merge of ``duplicate`` into ``kept`` would move, as this agent sees it."""

    requests: int
    unreadable_requests: int
    rows: list[ForeignRows]
    hidden: Unreadable
    birth_dates_differ: bool

    @property
    def refusal(self) -> str | None:
        if self.unreadable_requests:
            return ngettext(
                "%(num)d request of this record is confidential and you may not read it: only an agent "
                "allowed to read it may merge these records.",
                "%(num)d requests of this record are confidential and you may not read them: only an agent "
                "allowed to read them may merge these records.", self.unreadable_requests)
        if self.hidden.plugins:
            return _("This record holds confidential data (%(domains)s) you may not read: only an agent "
                     "allowed to read it may merge these records.", domains=self.hidden.plugin_labels())
        return None


def check_merge(kept: Citizen, duplicate: Citizen) -> None:
    if kept.id == duplicate.id:
        raise MergeError(_("A citizen cannot be merged into itself."))
    if kept.commune_id != duplicate.commune_id:
        raise MergeError(_("These two citizens do not belong to the same commune."))
    if kept.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise MergeError(_("This record was already merged into another one."))


def plan_merge(kept: Citizen, duplicate: Citizen, *, actor) -> MergePlan:
    request_ids = db.session.scalars(select(Request.id).where(Request.citizen_id == duplicate.id)).all()
    rows = foreign_rows(duplicate.id)
    hidden = unreadable(actor, duplicate.commune_id, request_ids, rows)
    differ = bool(kept.birth_date and duplicate.birth_date and kept.birth_date != duplicate.birth_date)
    return MergePlan(len(request_ids), hidden.requests, rows, hidden, differ)


def merge_citizens(kept: Citizen, duplicate: Citizen, *, actor, confirm_birth_dates: bool = False) -> CitizenMerge:
    """Move everything of ``duplicate`` to ``kept``, mark it merged, and keep
    the record of what moved. Raises :class:`MergeError` (a ``ValueError``),
    with nothing moved, for a merge that must not happen. Does not commit."""
    check_merge(kept, duplicate)
    plan = plan_merge(kept, duplicate, actor=actor)
    if plan.refusal:
        raise MergeError(plan.refusal)
    if plan.birth_dates_differ and not confirm_birth_dates:
        raise MergeError(_("The birth dates differ (%(kept)s and %(duplicate)s): confirm that both records are "
                           "the same person.", kept=format_date(kept.birth_date, "short"),
                           duplicate=format_date(duplicate.birth_date, "short")))
    actor_id = getattr(actor, "id", None)
    moved: dict = {}
    moved_requests = db.session.scalars(select(Request).where(Request.citizen_id == duplicate.id)
                                        .order_by(Request.id)).all()
    for request in moved_requests:
        request.citizen_id = kept.id
        db.session.add(RequestEvent(request_id=request.id, actor_id=actor_id, kind="merged",
                                    details={"from_citizen": duplicate.id, "to_citizen": kept.id}))
    moved["requests"] = [r.id for r in moved_requests]
    moved["contacts"] = list(db.session.scalars(select(Contact.id).where(Contact.citizen_id == duplicate.id)))
    db.session.execute(update(Contact).where(Contact.citizen_id == duplicate.id).values(citizen_id=kept.id))
    moved["consents"] = [consent.id for consent in duplicate.consents]
    for consent in list(duplicate.consents):
        consent.citizen = kept
    moved["links_moved"], moved["links_removed"] = _move_household_links(kept, duplicate)
    moved["identity"] = _fill_identity(kept, duplicate)
    moved["rows"] = []
    try:
        for rows in plan.rows:
            table = db.metadata.tables[rows.table]
            db.session.execute(update(table).where(table.c[rows.column] == duplicate.id)
                               .values({rows.column: kept.id}))
            moved["rows"].append({"table": rows.table, "column": rows.column, "keys": rows.keys})
    except IntegrityError as error:
        # A plugin's row that may exist once per citizen exists on both records;
        # the caller rolls back.
        raise MergeError(_("Both records hold data that may exist only once per person; the merge was "
                           "refused and nothing moved.")) from error
    # Records merged earlier into the duplicate now point to the kept one.
    moved["merged_into"] = list(db.session.scalars(select(Citizen.id).where(Citizen.merged_into_id == duplicate.id)))
    db.session.execute(update(Citizen).where(Citizen.merged_into_id == duplicate.id).values(merged_into_id=kept.id))
    duplicate.merged_into_id = kept.id
    merge = CitizenMerge(kept_id=kept.id, duplicate_id=duplicate.id, actor_id=actor_id, moved=moved)
    db.session.add(merge)
    db.session.flush()
    _audit("citizen.merged", merge, moved_requests, plan.rows, actor)
    return merge


def _audit(action: str, merge: CitizenMerge, requests, rows, actor) -> None:
    """One event, guarded by the read permission of the confidential files
    involved. Several permissions at once would need an event each: the
    first guards it, and requests under another are counted, not named."""
    permissions = permissions_involved(merge.commune_id, [r.request_type.code for r in requests], rows)
    permission = permissions[0] if permissions else None
    declared = confidential_types(db.session.get(Commune, merge.commune_id))
    named = [r for r in requests if declared.get(r.request_type.code, (permission,))[0] == permission]
    record(action, target=f"citizen:{merge.kept_id}", user=actor, commit=False, permission=permission, details={
        "merge": merge.id, "kept": merge.kept_id, "duplicate": merge.duplicate_id,
        "requests": [r.reference for r in named], "hidden_requests": len(requests) - len(named),
        "contacts": len(merge.moved["contacts"]), "consents": len(merge.moved["consents"]),
        "rows": {r.table: len(r.keys) for r in rows},
    })


def _move_household_links(kept: Citizen, duplicate: Citizen) -> tuple[list, list]:
    """Both directions; a link between the two records, or one the kept
    record already has, disappears instead of being doubled. Returns the
    links moved ``[id, side]`` and the links removed ``[citizen, relative, relation]``."""
    moved, removed = [], []
    own = {(link.relative_id, link.relation) for link in kept.links}
    for link in list(duplicate.links):
        key = (link.relative_id, link.relation)
        if link.relative_id in (kept.id, duplicate.id) or key in own:
            removed.append([link.citizen_id, link.relative_id, link.relation])
            duplicate.links.remove(link)  # delete-orphan removes the row
        else:
            link.citizen = kept
            moved.append([link.id, "citizen_id"])
            own.add(key)
    towards_kept = {(link.citizen_id, link.relation) for link in db.session.scalars(
        select(HouseholdLink).where(HouseholdLink.relative_id == kept.id))}
    for link in db.session.scalars(select(HouseholdLink).where(HouseholdLink.relative_id == duplicate.id)).all():
        key = (link.citizen_id, link.relation)
        if link.citizen_id == kept.id:
            removed.append([link.citizen_id, link.relative_id, link.relation])
            kept.links.remove(link)
        elif link.citizen_id == duplicate.id or key in towards_kept:
            removed.append([link.citizen_id, link.relative_id, link.relation])
            db.session.delete(link)
        else:
            link.relative = kept
            moved.append([link.id, "relative_id"])
            towards_kept.add(key)
    return moved, removed


def _fill_identity(kept: Citizen, duplicate: Citizen) -> dict:
    """Fill the kept record's blanks; returns ``{field: value before}``."""
    before = {}
    for name in IDENTITY_FIELDS:
        if not getattr(kept, name) and getattr(duplicate, name):
            before[name] = _plain(getattr(kept, name))
            setattr(kept, name, getattr(duplicate, name))
    if not any(getattr(kept, name) for name in ADDRESS_FIELDS):
        for name in ADDRESS_FIELDS:
            if getattr(duplicate, name):
                before[name] = getattr(kept, name)
            setattr(kept, name, getattr(duplicate, name))
    return before


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


# --- undo -------------------------------------------------------------------------

def undo_deadline(merge: CitizenMerge):
    return merge.at + timedelta(days=UNDO_DAYS)


def undo_merge(merge: CitizenMerge, *, actor, now=None) -> None:
    """Give the duplicate back what moved (what was added to the kept record
    since stays there). Refused with the reason after :data:`UNDO_DAYS`
    days, twice, when the kept record was merged since, or when the actor
    may not read every request that would move back. Does not commit."""
    now = now or utcnow()
    kept, duplicate = merge.kept, merge.duplicate
    if merge.undone_at is not None:
        raise MergeError(_("This merge was already undone."))
    if _aware(now) > _aware(undo_deadline(merge)):
        raise MergeError(_("This merge is more than %(days)d days old: it can no longer be undone.", days=UNDO_DAYS))
    if kept.merged_into_id is not None or duplicate.merged_into_id != kept.id:
        raise MergeError(_("The record kept was merged into another one since: undo that merge first."))
    moved = merge.moved
    requests = db.session.scalars(select(Request).where(Request.id.in_(moved.get("requests") or [-1]),
                                                        Request.citizen_id == kept.id).order_by(Request.id)).all()
    rows = [ForeignRows(r["table"], r["column"], plugin_of(r["table"]), r["keys"]) for r in moved.get("rows", [])
            if r["table"] in db.metadata.tables]
    hidden = unreadable(actor, merge.commune_id, [r.id for r in requests], rows)
    if hidden.requests:
        raise MergeError(ngettext(
            "%(num)d request of this merge is confidential and you may not read it: only an agent allowed to read "
            "it may undo this merge.",
            "%(num)d requests of this merge are confidential and you may not read them: only an agent allowed to "
            "read them may undo this merge.", hidden.requests))
    if hidden.plugins:
        raise MergeError(_("This merge moved confidential data (%(domains)s) you may not read: only an agent "
                           "allowed to read it may undo this merge.", domains=hidden.plugin_labels()))
    actor_id = getattr(actor, "id", None)
    for request in requests:
        request.citizen_id = duplicate.id
        db.session.add(RequestEvent(request_id=request.id, actor_id=actor_id, kind="merge_undone",
                                    details={"from_citizen": kept.id, "to_citizen": duplicate.id}))
    db.session.execute(update(Contact).where(Contact.id.in_(moved.get("contacts") or [-1]),
                                             Contact.citizen_id == kept.id).values(citizen_id=duplicate.id))
    db.session.execute(update(Consent).where(Consent.id.in_(moved.get("consents") or [-1]),
                                             Consent.citizen_id == kept.id).values(citizen_id=duplicate.id))
    _restore_links(moved, kept, duplicate)
    for name, value in (moved.get("identity") or {}).items():
        # Only what still holds the value the merge copied: a later correction stays.
        copied = getattr(duplicate, name)
        if getattr(kept, name) == copied:
            setattr(kept, name, _typed(name, value))
    for rows_moved in rows:
        table = db.metadata.tables[rows_moved.table]
        primary = list(table.primary_key.columns)
        if rows_moved.keys:
            db.session.execute(update(table).where(
                tuple_(*primary).in_([tuple(key) for key in rows_moved.keys]),
                table.c[rows_moved.column] == kept.id).values({rows_moved.column: duplicate.id}))
    db.session.execute(update(Citizen).where(Citizen.id.in_(moved.get("merged_into") or [-1]),
                                             Citizen.merged_into_id == kept.id).values(merged_into_id=duplicate.id))
    duplicate.merged_into_id = None
    merge.undone_at, merge.undone_by_id = now, actor_id
    db.session.expire(kept, ["links", "consents"])
    db.session.expire(duplicate, ["links", "consents"])
    db.session.flush()
    _audit("citizen.merge_undone", merge, requests, rows, actor)


def _restore_links(moved: dict, kept: Citizen, duplicate: Citizen) -> None:
    for link_id, side in moved.get("links_moved") or ():
        db.session.execute(update(HouseholdLink).where(
            HouseholdLink.id == link_id, getattr(HouseholdLink, side) == kept.id).values({side: duplicate.id}))
    for citizen_id, relative_id, relation in moved.get("links_removed") or ():
        exists = db.session.scalar(select(HouseholdLink.id).where(
            HouseholdLink.citizen_id == citizen_id, HouseholdLink.relative_id == relative_id,
            HouseholdLink.relation == relation))
        if exists is None:
            db.session.add(HouseholdLink(citizen_id=citizen_id, relative_id=relative_id, relation=relation,
                                         commune_id=kept.commune_id))


def _typed(name: str, value):
    if name == "birth_date" and isinstance(value, str):
        from datetime import date

        return date.fromisoformat(value)
    return value


def _aware(moment):
    from datetime import timezone

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
