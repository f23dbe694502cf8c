"""How many requests a figure leaves out because the viewer may not read them.

A count on the home page or a dashboard opens the queue, which lists only
what the viewer may read: where confidential (CCAS) requests match too, the
figure says how many it does not list, so that figure and list agree.
"""
from __future__ import annotations

from sqlalchemy import and_, func, select, true
from werkzeug.datastructures import MultiDict

from ..extensions import db
from ..models import Request
from ..security.access import hidden_confidential_conditions
from .queue import QueueFilters, conditions


def hidden_confidential(figures: dict[str, dict[str, str]], *, user, membership) -> dict[str, int]:
    """For each figure (its queue filters as query-string ``args``), the
    confidential requests matching them that the member may not read — in
    one query whatever the number of figures."""
    hidden = hidden_confidential_conditions(user, membership)
    if hidden is None or not figures:
        return dict.fromkeys(figures, 0)
    counts = [func.count(Request.id).filter(and_(true(), *_matching(args, user))) for args in figures.values()]
    return dict(zip(figures, db.session.execute(select(*counts).where(*hidden)).one()))


def _matching(args: dict[str, str], user) -> list:
    return conditions(QueueFilters.from_args(MultiDict(args)), user=user)
