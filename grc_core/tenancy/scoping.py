"""Row-level tenancy, enforced in one place.

Every ORM SELECT, UPDATE and DELETE that touches a commune-scoped model gets
``commune_id = <current commune>`` through ``with_loader_criteria``, so a
query that forgets the filter still cannot read another commune's rows.
With no current commune the criteria match nothing (fail closed). Code that
must see every commune (the platform admin's list of communes, migrations of
data) says so explicitly with :func:`unscoped`.

New scoped rows get the current commune; flushing a row of another commune
raises :class:`TenancyError`.

Raw SQL (``text()``) is not covered: the core never uses it for tenant data.
"""
from __future__ import annotations

from contextlib import contextmanager

from flask import g, has_app_context
from sqlalchemy import event, false
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from ..models.base import CommuneScoped


class TenancyError(Exception):
    """A write would cross communes, or a commune-bound operation has none."""


_UNSCOPED = object()


def current_commune_id() -> int | None:
    if not has_app_context():
        return None
    value = g.get("grc_commune_id")
    return None if value is _UNSCOPED else value


def is_unscoped() -> bool:
    return has_app_context() and g.get("grc_commune_id") is _UNSCOPED


def set_current_commune(commune_id: int | None) -> None:
    g.grc_commune_id = commune_id


@contextmanager
def use_commune(commune_or_id):
    """Run a block (CLI command, job, test) as the given commune."""
    commune_id = getattr(commune_or_id, "id", commune_or_id)
    previous = g.get("grc_commune_id")
    g.grc_commune_id = commune_id
    try:
        yield
    finally:
        g.grc_commune_id = previous


@contextmanager
def unscoped():
    """Explicitly see every commune's rows (platform operations only)."""
    previous = g.get("grc_commune_id")
    g.grc_commune_id = _UNSCOPED
    try:
        yield
    finally:
        g.grc_commune_id = previous


@event.listens_for(Session, "do_orm_execute")
def _restrict_to_current_commune(state: ORMExecuteState) -> None:
    if state.is_column_load or state.is_relationship_load:
        # Already restricted: the criteria propagate to these loads.
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if is_unscoped():
        return
    state.statement = state.statement.options(_criteria_of(current_commune_id()))


#: Each commune's criteria option, built once per process: building one (its
#: lambda analysed) and its part of the statement's cache key cost ~0.1 ms
#: on every ORM query, a tenth of a request page. Bounded: forgotten at once
#: beyond this many communes.
_CRITERIA: dict = {}
KEPT_CRITERIA = 10_000


def _criteria_of(commune_id: int | None):
    option = _CRITERIA.get(commune_id)
    if option is None:
        if commune_id is None:
            criteria = lambda cls: false()  # noqa: E731 — fail closed
        else:
            criteria = lambda cls: cls.commune_id == commune_id  # noqa: E731
        if len(_CRITERIA) >= KEPT_CRITERIA:
            _CRITERIA.clear()
        option = _CRITERIA[commune_id] = with_loader_criteria(
            CommuneScoped, criteria, include_aliases=True, track_closure_variables=True)
    return option


@event.listens_for(Session, "before_flush")
def _stamp_and_check_commune(session: Session, flush_context, instances) -> None:
    if is_unscoped():
        return
    commune_id = current_commune_id()
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, CommuneScoped):
            continue
        if obj.commune_id is None:
            if commune_id is None:
                if obj in session.new and type(obj).__table__.c.commune_id.nullable:
                    continue
                raise TenancyError(f"{type(obj).__name__} : aucune commune courante pour cette écriture.")
            obj.commune_id = commune_id
        elif commune_id is not None and obj.commune_id != commune_id:
            raise TenancyError(
                f"{type(obj).__name__} appartient à une autre commune que la commune courante."
            )
