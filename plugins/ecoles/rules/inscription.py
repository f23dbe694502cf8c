"""Liste scolaire, inscription and change of school: deadlines and formalities (§3.1, §3.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from grc_core.plugin_api import RuleText, add_months
from grc_core.plugin_api import lazy_text as _l

from .school_year import SchoolYear, _as_school_year


def recommended_inscription_deadline(school_year: SchoolYear | int) -> date:
    """Last day recommended for the mairie inscription: 30 June before the
    rentrée ("au plus tard au mois de juin précédant la rentrée" —
    service-public F1864, §3.2, B; a practice, not a legal deadline: a late
    request is still registered)."""
    return date(_as_school_year(school_year).start_year, 6, 30)


def next_liste_scolaire_update(day: date) -> date:
    """Next monthly update (on or after ``day``) of the list of children
    subject to compulsory instruction kept by the maire: the 1st of each
    month (C. éduc. R131-3, §3.2, A)."""
    if day.day == 1:
        return day
    return add_months(day.replace(day=1), 1)


def director_declaration_deadline(school_year: SchoolYear | int) -> date:
    """Last day for school heads to declare their enrolled pupils to the
    maire: 8 days after the rentrée (C. éduc. R131-3, §3.2, A)."""
    year = _as_school_year(school_year)
    assert year.rentree is not None
    return year.rentree + timedelta(days=8)


def school_change_deadline(move_date: date) -> date:
    """Last day of the formalities (inscription / declaration) after a change
    of residence: within **8 days** of the move (C. éduc. L131-5, §3.1, A).

    The family's obligation, counted in calendar days from the day after the
    move; not extended for week-ends (no procedural rule in §3 says so).
    """
    return move_date + timedelta(days=8)


def school_change_overdue(move_date: date, today: date) -> bool:
    """True once the 8-day delay after a move has elapsed (L131-5, §3.1)."""
    return today > school_change_deadline(move_date)


@dataclass(frozen=True)
class SchoolChange:
    """What a family must do after a move, and by when."""

    deadline: date
    steps: tuple[RuleText, ...]


def school_change_formalities(
    move_date: date, *, changes_commune: bool, changes_sector_school: bool = True
) -> SchoolChange:
    """Formalities after a move (changement d'école).

    * deadline: 8 days after the move (L131-5, §3.1, A);
    * radiation: the current school's director issues a *certificat de
      radiation*, which the new school asks at admission (règlement type
      départemental des écoles, circulaire 2014-088 — hors §3, confidence ?);
    * a new *certificat d'inscription* naming the school is issued by the
      mairie of the new residence (L131-5, §3.2, B) — needed when the commune
      or the sector school changes;
    * admission by the new school's director on the certificat d'inscription
      and the vaccination proof (§3.2, B).

    When neither the commune nor the sector school changes, only the address
    update remains.
    """
    deadline = school_change_deadline(move_date)
    if not changes_commune and not changes_sector_school:
        return SchoolChange(
            deadline,
            (_l("update the address of the persons responsible with the mairie and the school (same sector "
                "school)"),),
        )
    return SchoolChange(
        deadline,
        (
            _l("ask the director of the current school for the certificat de radiation"),
            _l("enrol at the mairie of the new commune: certificat d'inscription naming the new school (C. éduc. "
               "L131-5)") if changes_commune else
            _l("enrol at the mairie of the commune: certificat d'inscription naming the new school (C. éduc. "
               "L131-5)"),
            _l("admission by the director of the new school on the certificat d'inscription, the certificat de "
               "radiation and the proof of vaccinations"),
        ),
    )
