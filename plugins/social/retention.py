"""Retention of CCAS files (DR §5.3), through the core's request anonymiser.

- ``social.dossiers``: a closed social file is anonymised two years after the
  last contact (rules.social_file_anonymise_on; the last contact is the last
  event of its history: a transition, a message, a document). What the
  dashboards count (kind of aid, amount, benefit, authority, housing type)
  stays; names, addresses, messages and documents go, and the aid granted
  loses its link to the household.
- ``social.registre``: the register keeps only who is registered
  (rules.register_entry_retained): its entry is deleted at radiation, and the
  closed request (radiated, not eligible) is anonymised the day it closes.

The back office lists the candidates before anything runs (grc_core.retention).
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from grc_core.plugin_api import (
    RequestEvent, RequestType, RetentionCandidate, RetentionPolicyDecl, anonymise_requests, closed_requests_due, db,
    local_date, requests_closed_before,
)

from . import request_types as rt
from . import rules
from .models import AidGrant, RegisterEntry

FILES = "social.dossiers"
REGISTER = "social.registre"
FILE_TYPES = tuple(code for code in rt.CODES if code != rt.REGISTRE)
KEEP_FIELDS = ("nature", "montant_demande", "montant_accorde", "prestation", "autorite", "typologie",
               "composition_foyer")


def file_candidates(commune, today: date) -> list[RetentionCandidate]:
    # Closed files only; the exact day comes from the last event (rules.social_file_anonymise_on).
    closed = requests_closed_before(FILE_TYPES, local_date_end(today)).add_columns(RequestType.label).subquery()
    rows = db.session.execute(
        select(closed.c.id, closed.c.reference, closed.c.label, func.max(RequestEvent.at))
        .join(RequestEvent, RequestEvent.request_id == closed.c.id)
        .group_by(closed.c.id, closed.c.reference, closed.c.label)).all()
    out = []
    for request_id, reference, label, last in rows:
        due_on = rules.social_file_anonymise_on(local_date(last))
        if due_on <= today:
            out.append(RetentionCandidate(str(request_id), _("%(reference)s — CCAS file", reference=reference), due_on))
    return sorted(out, key=lambda c: (c.due_on, int(c.key)))


def local_date_end(today: date):
    from datetime import datetime, time, timedelta

    from grc_core.plugin_api import LOCAL_TIMEZONE

    return datetime.combine(today + timedelta(days=1), time(0), tzinfo=LOCAL_TIMEZONE)


def anonymise_files(commune, keys) -> int:
    ids = [int(key) for key in keys]
    changed = anonymise_requests(ids, keep_fields=KEEP_FIELDS, policy=FILES)
    if ids:
        db.session.execute(update(AidGrant).where(AidGrant.request_id.in_(ids)).values(citizen_id=None))
    return changed


def register_candidates(commune, today: date) -> list[RetentionCandidate]:
    return [RetentionCandidate(c.key, _("%(reference)s — CCAS file", reference=c.label.split(" — ")[0]), c.due_on)
            for c in closed_requests_due((rt.REGISTRE,), today)]


def anonymise_register(commune, keys) -> int:
    ids = [int(key) for key in keys]
    # Belt and braces: no entry may outlive its closed request.
    if ids:
        for entry in db.session.scalars(select(RegisterEntry).where(RegisterEntry.request_id.in_(ids))):
            db.session.delete(entry)
    return anonymise_requests(ids, policy=REGISTER)


POLICIES = (
    RetentionPolicyDecl(
        FILES, _l("CCAS social files"),
        _l("Closed social files are anonymised two years after the last contact (CNIL délibération 2023-095): "
           "the kind of aid, amounts and benefits are kept for statistics; names, addresses, messages and "
           "documents are removed."),
        candidates=file_candidates, anonymise=anonymise_files, read_permission="social.read"),
    RetentionPolicyDecl(
        REGISTER, _l("Vulnerable persons register"),
        _l("The register keeps only who is registered: an entry is deleted at radiation and the closed request "
           "(radiated or not eligible) is anonymised the day it closes."),
        candidates=register_candidates, anonymise=anonymise_register, read_permission="social.read"),
)
