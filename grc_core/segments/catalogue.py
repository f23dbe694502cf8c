"""Which criteria an author may use in a commune: the core's and those of
the commune's active plugins, less those whose permission he lacks (a
criterion drawn from confidential files) and, for whoever may read no
request (an élu), the criterion on requests."""
from __future__ import annotations

from collections.abc import Mapping

from flask import current_app

from ..extensions import db
from ..models import Commune
from ..plugin_api.types import SegmentContext, SegmentCriterionDecl
from ..security.access import readable_requests_conditions
from ..security.permissions import permissions_of
from ..tenancy.activation import active_plugins

REQUESTS_CRITERION = "core.requests"


def criterion(code: str) -> SegmentCriterionDecl | None:
    entry = current_app.extensions["grc"].declarations["grc_register_segment_criteria"].get(code)
    return entry.item if entry else None


def parameters(decl: SegmentCriterionDecl, context: SegmentContext) -> tuple:
    return decl.params(context) if callable(decl.params) else decl.params


def criteria_for(context: SegmentContext) -> OfferedCriteria:
    """code → (criterion, its parameter specs) that ``context.user`` may use,
    in the order they are offered (the core's first)."""
    registry = current_app.extensions["grc"]
    held = _held(context)
    offered = {}
    for _plugin, decl in registry.segment_criteria(active_plugins(context.commune_id)):
        if decl.permission and held is not None and decl.permission not in held:
            continue
        if decl.code == REQUESTS_CRITERION and not _reads_requests(context):
            continue
        offered[decl.code] = decl
    return OfferedCriteria(offered, context)


class OfferedCriteria(Mapping):
    """code → (criterion, its parameter specs). A criterion's specs may read
    the commune's data (its quartiers, request types, schools): they are read
    the first time the criterion is looked up, so that counting a segment
    reads those of the criteria it uses, not of every criterion offered (four
    statements fewer, one of them a scan of the citizens, on every count)."""

    def __init__(self, offered: dict[str, SegmentCriterionDecl], context: SegmentContext):
        self._offered = offered
        self._context = context
        self._specs: dict[str, tuple] = {}

    def __getitem__(self, code: str) -> tuple[SegmentCriterionDecl, tuple]:
        decl = self._offered[code]
        if code not in self._specs:
            self._specs[code] = parameters(decl, self._context)
        return decl, self._specs[code]

    def __iter__(self):
        return iter(self._offered)

    def __len__(self) -> int:
        return len(self._offered)


def _held(context: SegmentContext) -> set[str] | None:
    """The author's permissions; None outside a signed-in request (no author to limit)."""
    if context.user is None:
        return None
    return permissions_of(context.user, context.membership, db.session.get(Commune, context.commune_id))


def _reads_requests(context: SegmentContext) -> bool:
    if context.user is None:
        return True
    try:
        readable_requests_conditions(context.user, context.membership)
    except LookupError:
        return False
    return True
