"""Official file numbers: taken from the commune's counter when a file is filed, found again however typed.

The format is :mod:`.rules`' (``file_number``, ``follow_up_number``). The
counter row (``urbanisme_number_counter``) is incremented exactly as the
core's request references are (:mod:`grc_core.requests.references`): one
upsert (``INSERT … ON CONFLICT DO UPDATE … RETURNING``), atomic on PostgreSQL
and SQLite; on PostgreSQL the row stays locked until the caller's
transaction commits, so two files filed at once never get the same number.
The counter moves in the filing's transaction: a filing that rolls back
gives its number back, and the sequence keeps no gap.

Counters: one per commune, deposit year and type letters (``DP``, ``PC`` for
PC and PCMI, ``CU`` for CUa and CUb…); and one per permit for its
modificatifs (kind ``PC 045 901 26 00012 M``) and one for its transfers
(``… T``), under the year of the permit's number.
"""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from grc_core.plugin_api import db

from . import rules
from .models import Dossier, NumberCounter

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def next_in_sequence(commune_id: int, year: int, kind: str) -> int:
    """Take the next number of the commune's ``kind`` for ``year``, in the caller's transaction."""
    dialect = db.session.get_bind().dialect.name
    try:
        insert = _INSERTS[dialect]
    except KeyError:
        raise RuntimeError(f"File numbers need PostgreSQL or SQLite, not {dialect}.") from None
    table = NumberCounter.__table__
    statement = (
        insert(table)
        .values(commune_id=commune_id, year=year, kind=kind, value=1)
        .on_conflict_do_update(index_elements=[table.c.commune_id, table.c.year, table.c.kind],
                               set_={"value": table.c.value + 1})
        .returning(table.c.value)
    )
    return db.session.execute(statement).scalar_one()


class NumberingError(ValueError):
    """A counter that cannot be set so (message in French, for the command's user)."""


def continue_after(commune_id: int, year: int, letters: str, last: int) -> None:
    """Make the commune's next ``letters`` number of ``year`` follow ``last``: the
    last number it gave before using GRC, so that no number is given twice.
    Never moves a counter back (GRC may already have given those numbers)."""
    if letters not in set(rules.FILE_NUMBER_LETTERS.values()):
        raise NumberingError(f"Type « {letters} » inconnu (types : "
                             f"{', '.join(sorted(set(rules.FILE_NUMBER_LETTERS.values())))}).")
    if not 0 <= last <= rules.MAX_FILE_SEQUENCE:
        raise NumberingError(f"Le dernier numéro doit être compris entre 0 et {rules.MAX_FILE_SEQUENCE}.")
    counter = db.session.scalar(select(NumberCounter).where(
        NumberCounter.commune_id == commune_id, NumberCounter.year == year, NumberCounter.kind == letters))
    if counter is not None and counter.value > last:
        raise NumberingError(f"GRC a déjà attribué les numéros {letters} de {year} jusqu'au {counter.value:05d} : "
                             f"le compteur ne peut pas revenir en arrière.")
    if counter is None:
        db.session.add(NumberCounter(commune_id=commune_id, year=year, kind=letters, value=last))
    else:
        counter.value = last


def assign(dossier: Dossier, commune) -> None:
    """Give a freshly filed file its number: its own, or its permit's plus ``M01``/``T01``.

    A prorogation, a DOC or a DAACT gets none (it carries its authorisation's,
    ``initial_reference``). Past the format's limits (99,999 files of a kind in
    a year, 99 modificatifs of a permit) rules/ raises and the filing rolls
    back: nothing is stored.
    """
    procedure = rules.Procedure(dossier.procedure)
    letters = rules.FILE_NUMBER_LETTERS.get(procedure)
    if letters is not None:
        year = dossier.deposit_date.year
        dossier.file_number = rules.file_number(letters, commune.insee_code, year,
                                                next_in_sequence(commune.id, year, letters))
        return
    suffix = rules.FOLLOW_UP_SUFFIXES.get(procedure)
    original = rules.parse_file_number(dossier.initial_reference)
    if suffix is None or original is None:
        return
    original = original.original
    rank = next_in_sequence(commune.id, 2000 + original.year, f"{original} {suffix}")
    dossier.file_number = rules.follow_up_number(original, procedure, rank)


def _compact(column):
    return func.replace(column, " ", "")


def search_condition(text: str):
    """Files whose number — or the number of the authorisation they follow — is ``text``, typed with or
    without spaces, in any case; or contains it, when ``text`` is only part of a number."""
    typed = "".join((text or "").split()).upper()
    number = rules.parse_file_number(typed)
    if number is not None:
        exact = Dossier.file_number == str(number)
        # An authorisation's number also finds its follow-ups: they name it in initial_reference.
        return exact if number.suffix else or_(exact, Dossier.initial_reference == str(number))
    return or_(_compact(Dossier.file_number).contains(typed, autoescape=True),
               _compact(Dossier.initial_reference).contains(typed, autoescape=True))
