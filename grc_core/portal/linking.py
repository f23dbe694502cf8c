"""Which citizen record of the commune a portal account is.

The rule (docs/portal.md, "Linking an account to the citizen record"):

- an account is linked to an existing record only when exactly one live
  (not merged) record of the commune has the account's e-mail address
  (case aside), first name and last name (accents, case and hyphens aside)
  and date of birth — all four, verified address only; two candidates or
  more is ambiguous, and nothing is linked;
- otherwise, at the first démarche, a new record is created from the
  account's identity. If it duplicates an existing person, the agents see
  it in their duplicate suggestions and merge it with the back office's
  merge (the account then follows the kept record): nothing is ever merged
  silently.
"""
from __future__ import annotations

from sqlalchemy import func, select

from ..citizens.search import normalize
from ..extensions import db
from ..models import Citizen, CitizenAccount


def matching_citizens(account: CitizenAccount) -> list[Citizen]:
    """The live records whose identity is the account's (see the rule above)."""
    if not account.verified or account.birth_date is None:
        return []
    candidates = db.session.scalars(select(Citizen).where(
        func.lower(Citizen.email) == account.email, Citizen.birth_date == account.birth_date,
        Citizen.merged_into_id.is_(None)))
    first, last = normalize(account.first_name), normalize(account.last_name)
    return [c for c in candidates if normalize(c.first_name) == first and normalize(c.last_name) == last]


def link_if_unambiguous(account: CitizenAccount) -> Citizen | None:
    """Link the account to its one matching record (the caller commits)."""
    if account.citizen_id is not None:
        return linked_citizen(account)
    found = matching_citizens(account)
    if len(found) != 1:
        return None
    account.citizen_id = found[0].id
    return found[0]


def linked_citizen(account: CitizenAccount) -> Citizen | None:
    """The account's record, following merges to the kept one."""
    citizen = None if account.citizen_id is None else db.session.scalar(
        select(Citizen).where(Citizen.id == account.citizen_id))
    seen = set()
    while citizen is not None and citizen.merged_into_id is not None and citizen.id not in seen:
        seen.add(citizen.id)
        citizen = db.session.scalar(select(Citizen).where(Citizen.id == citizen.merged_into_id))
    return citizen


def citizen_for_filing(account: CitizenAccount) -> Citizen:
    """The record a démarche is filed for: linked, found, or new (added to the
    session, not committed — a refused démarche rolls it back)."""
    citizen = link_if_unambiguous(account)
    if citizen is not None:
        return citizen
    citizen = Citizen(first_name=account.first_name, last_name=account.last_name, birth_date=account.birth_date,
                      email=account.email)
    db.session.add(citizen)
    account.citizen = citizen
    return citizen


def citizen_for_identity(email: str, first_name: str, last_name: str, phone: str = "") -> Citizen:
    """The record a démarche filed without an account is for, once its
    address is verified: the one live record with this e-mail address and
    these names (the rule above, without a date of birth, which is not
    asked), else a new record (added to the session, not committed)."""
    first, last = normalize(first_name), normalize(last_name)
    candidates = [c for c in db.session.scalars(select(Citizen).where(
        func.lower(Citizen.email) == email.lower(), Citizen.merged_into_id.is_(None)))
        if normalize(c.first_name) == first and normalize(c.last_name) == last]
    if len(candidates) == 1:
        return candidates[0]
    citizen = Citizen(first_name=first_name, last_name=last_name, email=email, phone=phone)
    db.session.add(citizen)
    return citizen
