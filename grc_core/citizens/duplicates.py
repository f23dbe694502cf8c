"""Possible duplicates of a citizen about to be created (or edited).

A front-desk agent in a hurry creates "Jean Dupond" when "Jean Dupont, born
the same day" exists: the create form lists what this module finds and asks
for an explicit "create anyway". Every lookup reads one index of the
current commune.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Citizen
from ..security.access import readable_citizen_ids
from .search import name_prefix_filter, normalize, phone_key, phonetic_key

MAX_CANDIDATES = 50


def find_duplicates(first_name: str, last_name: str, birth_date: date | None = None, email: str = "",
                    phone: str = "", exclude_id: int | None = None) -> list[tuple[Citizen, str]]:
    """Live citizens that may be the same person, each with the reasons why.

    Reasons: same name by sound and same birth date; same e-mail; same
    phone; same name (accents, case and hyphens aside). Sorted by the
    number of reasons, then by name.
    """
    reasons: dict[int, list[str]] = {}
    found: dict[int, Citizen] = {}

    def add(citizens, reason: str) -> None:
        for citizen in citizens:
            if citizen.id == exclude_id:
                continue
            found[citizen.id] = citizen
            if reason not in reasons.setdefault(citizen.id, []):
                reasons[citizen.id].append(reason)

    live = select(Citizen).where(Citizen.merged_into_id.is_(None)).limit(MAX_CANDIDATES)
    first = normalize(first_name)
    last = normalize(last_name)
    sound = phonetic_key(last_name)
    if sound and birth_date is not None:
        same_sound = db.session.scalars(live.where(Citizen.phonetic_key == sound, Citizen.birth_date == birth_date))
        first_sound = phonetic_key(first_name)
        add((c for c in same_sound if phonetic_key(c.first_name) == first_sound),
            _("same name (by sound) and birth date"))
    if email.strip():
        add(db.session.scalars(live.where(Citizen.email == email.strip().lower())), _("same e-mail address"))
    digits = phone_key(phone)
    if len(digits) >= 6:
        add(db.session.scalars(live.where(Citizen.phone_key == digits)), _("same phone number"))
    if first and last:
        # name_key is "last first birth_name": the full name is its prefix.
        same_start = db.session.scalars(live.where(*name_prefix_filter(f"{last} {first}")))
        add((c for c in same_start if normalize(c.last_name) == last and normalize(c.first_name) == first),
            _("same name"))
    # A person known only through confidential files this member may not read is
    # no suggestion: its phone or e-mail would tell that the CCAS knows them.
    readable = readable_citizen_ids(found)
    ordered = sorted((c for c in found.values() if c.id in readable),
                     key=lambda c: (-len(reasons[c.id]), c.name_key, c.id))
    return [(citizen, ", ".join(reasons[citizen.id])) for citizen in ordered]
