"""Merging a duplicate citizen into the record that is kept.

Everything the duplicate owns moves to the kept record — requests (with
their messages and history, which hang on the request), contacts, consents,
household links — and the duplicate stays as an empty shell pointing to the
kept one (``merged_into_id``): search never shows it again, and an old link
to it can still say where the person went. The caller commits (or rolls
back) the whole merge as one transaction.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update

from ..audit import record
from ..extensions import db
from ..models import Citizen, Contact, HouseholdLink, Request, RequestEvent

# Copied from the duplicate when the kept record has nothing there.
IDENTITY_FIELDS = ("civility", "birth_name", "birth_date", "birth_place", "email", "phone", "quartier")
# An address is taken whole, never mixed from two records.
ADDRESS_FIELDS = ("address_number", "address_street", "postcode", "city")


class MergeError(ValueError):
    """A merge that must not happen; the message is for the agent."""


def check_merge(kept: Citizen, duplicate: Citizen) -> None:
    if kept.id == duplicate.id:
        raise MergeError(_("A citizen cannot be merged into itself."))
    if kept.commune_id != duplicate.commune_id:
        raise MergeError(_("These two citizens do not belong to the same commune."))
    if kept.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise MergeError(_("This record was already merged into another one."))


def merge_citizens(kept: Citizen, duplicate: Citizen, *, actor) -> None:
    """Move everything of ``duplicate`` to ``kept`` and mark it merged.

    Raises :class:`MergeError` (a ``ValueError``) for a merge into itself,
    across communes, or with an already merged record. Does not commit.
    """
    check_merge(kept, duplicate)
    actor_id = getattr(actor, "id", None)
    moved_requests = db.session.scalars(select(Request).where(Request.citizen_id == duplicate.id)).all()
    for request in moved_requests:
        request.citizen_id = kept.id
        db.session.add(RequestEvent(request_id=request.id, actor_id=actor_id, kind="merged",
                                    details={"from_citizen": duplicate.id, "to_citizen": kept.id}))
    moved_contacts = db.session.execute(
        update(Contact).where(Contact.citizen_id == duplicate.id).values(citizen_id=kept.id)
    ).rowcount
    moved_consents = len(duplicate.consents)
    for consent in list(duplicate.consents):
        consent.citizen = kept
    _move_household_links(kept, duplicate)
    _fill_identity(kept, duplicate)
    # Records merged earlier into the duplicate now point to the kept one.
    db.session.execute(update(Citizen).where(Citizen.merged_into_id == duplicate.id)
                       .values(merged_into_id=kept.id))
    duplicate.merged_into_id = kept.id
    record("citizen.merged", target=f"citizen:{kept.id}", user=actor, commit=False, details={
        "kept": kept.id, "duplicate": duplicate.id, "requests": [r.reference for r in moved_requests],
        "contacts": moved_contacts, "consents": moved_consents,
    })
    db.session.flush()


def _move_household_links(kept: Citizen, duplicate: Citizen) -> None:
    """Both directions; a link between the two records, or one the kept
    record already has, disappears instead of being doubled."""
    own = {(link.relative_id, link.relation) for link in kept.links}
    for link in list(duplicate.links):
        key = (link.relative_id, link.relation)
        if link.relative_id in (kept.id, duplicate.id) or key in own:
            duplicate.links.remove(link)  # delete-orphan removes the row
        else:
            link.citizen = kept
            own.add(key)
    towards_kept = {(link.citizen_id, link.relation) for link in db.session.scalars(
        select(HouseholdLink).where(HouseholdLink.relative_id == kept.id))}
    for link in db.session.scalars(select(HouseholdLink).where(HouseholdLink.relative_id == duplicate.id)).all():
        key = (link.citizen_id, link.relation)
        if link.citizen_id == kept.id:
            kept.links.remove(link)
        elif link.citizen_id == duplicate.id or key in towards_kept:
            db.session.delete(link)
        else:
            link.relative = kept
            towards_kept.add(key)


def _fill_identity(kept: Citizen, duplicate: Citizen) -> None:
    for field in IDENTITY_FIELDS:
        if not getattr(kept, field) and getattr(duplicate, field):
            setattr(kept, field, getattr(duplicate, field))
    if not any(getattr(kept, field) for field in ADDRESS_FIELDS):
        for field in ADDRESS_FIELDS:
            setattr(kept, field, getattr(duplicate, field))
