"""Recensement citoyen: window, status and quarterly list (DR §1.6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from grc_core.plugin_api import add_months, birthday

from .common import _last_day_of_month


class RecensementStatus(StrEnum):
    """Situation of a young French person towards the recensement citoyen (DR §1.6)."""

    TROP_TOT = "trop_tot"
    DANS_LES_DELAIS = "dans_les_delais"
    REGULARISATION = "regularisation"
    HORS_DELAI = "hors_delai"


@dataclass(frozen=True)
class RecensementWindow:
    """Dates of the recensement obligation of one person (see :func:`recensement_window`)."""

    opens_on: date
    closes_on: date
    regularisation_until: date


@dataclass(frozen=True)
class RecensementQuarter:
    """Quarterly list a recensement belongs to (see :func:`recensement_quarter`)."""

    year: int
    quarter: int
    list_drawn_up_on: date
    list_sent_by: date


def recensement_window(birth_date: date, *, french_since: date | None = None) -> RecensementWindow:
    """Recensement window and regularisation limit of a young French person.

    Sources: code du service national art. L113-1 (« Tout Français âgé de seize
    ans est tenu de se faire recenser »), R*111-1 (« entre la date à laquelle
    ils atteignent l'âge de seize ans et la fin du troisième mois suivant »),
    chap. III of the legislative part (regularisation « en se faisant recenser
    avant l'âge de vingt-cinq ans ») and, for people who became French between
    16 and 25, L113-3 / R*111-2; DR §1.6.

    Readings:

    * ``opens_on`` = 16th birthday (:func:`grc_core.plugin_api.birthday`; a
      29 February child has a 29 February 16th birthday, except across a
      non-leap century year: born 29/02/2084 → 16 on 28/02/2100).
    * ``closes_on`` = last day of the third month following the month of the
      16th birthday (service-public: « le dernier jour du 3e mois qui suit
      celui de l'anniversaire »): 16 on 15 March → until 30 June.
    * ``regularisation_until`` = the day before the 25th birthday (« avant
      l'âge de vingt-cinq ans »); the 25th birthday of a 29 February child
      always falls in a non-leap year, hence on 28 February: regularisation
      until 27 February.
    * ``french_since`` (date the French nationality was acquired or notified),
      when between the 16th and the 25th birthday: the window opens on that
      date and closes at the end of the month following it (service-public:
      « avant la fin du 1er mois suivant la date d'acquisition »).  Raises
      ``ValueError`` if it is on or after the 25th birthday (no obligation).
    """
    sixteen = birthday(birth_date, 16)
    twenty_five = birthday(birth_date, 25)
    regularisation_until = twenty_five - timedelta(days=1)
    if french_since is not None and french_since > sixteen:
        if french_since >= twenty_five:
            raise ValueError("nationality acquired at 25 or later: no recensement obligation")
        end_month = add_months(french_since, 1)
        return RecensementWindow(
            opens_on=french_since,
            closes_on=_last_day_of_month(end_month.year, end_month.month),
            regularisation_until=regularisation_until,
        )
    end_month = add_months(sixteen, 3)
    return RecensementWindow(
        opens_on=sixteen,
        closes_on=_last_day_of_month(end_month.year, end_month.month),
        regularisation_until=regularisation_until,
    )


def recensement_status(
    birth_date: date, on_date: date, *, french_since: date | None = None
) -> RecensementStatus:
    """Status of a recensement made (or considered) on ``on_date``.

    ``trop_tot`` before the window opens (before the 16th birthday, or before
    the nationality was acquired); ``dans_les_delais`` inside the window
    (bounds included); ``regularisation`` after it and up to the day before
    the 25th birthday; ``hors_delai`` from the 25th birthday.  Sources and
    readings: :func:`recensement_window`; DR §1.6.
    """
    window = recensement_window(birth_date, french_since=french_since)
    if on_date < window.opens_on:
        return RecensementStatus.TROP_TOT
    if on_date <= window.closes_on:
        return RecensementStatus.DANS_LES_DELAIS
    if on_date <= window.regularisation_until:
        return RecensementStatus.REGULARISATION
    return RecensementStatus.HORS_DELAI


def recensement_quarter(recensed_on: date) -> RecensementQuarter:
    """Quarterly tranche and municipal list a recensement belongs to.

    Sources: code du service national art. R*111-8 (people recensed in the same
    calendar year form a class, split « en quatre tranches trimestrielles,
    selon la date de dépôt de leur déclaration »), R111-9 (« au début des mois
    d'avril, juillet, octobre et janvier » the maire draws up the list of the
    people recensed « au cours du trimestre précédent ») and R111-10 (lists
    sent « à la fin des mois d'avril, juillet, octobre et janvier »); DR §1.6.

    Returns the calendar quarter (1-4) of ``recensed_on``, the first day of
    the month in which its list is drawn up (1 April, 1 July, 1 October or
    1 January of the next year) and the last day of that month (sending
    deadline).
    """
    quarter = (recensed_on.month - 1) // 3 + 1
    first_of_quarter = date(recensed_on.year, 3 * quarter - 2, 1)
    drawn_up = add_months(first_of_quarter, 3)
    return RecensementQuarter(
        year=recensed_on.year,
        quarter=quarter,
        list_drawn_up_on=drawn_up,
        list_sent_by=_last_day_of_month(drawn_up.year, drawn_up.month),
    )


def births_turning_sixteen_in_quarter(today: date, *, next_quarter: bool = False) -> tuple[date, date]:
    """First and last birth dates of the people whose 16th birthday falls in
    the calendar quarter of ``today`` (or the next one): those the maire
    invites to get recensed (code du service national L113-1, R*111-1;
    DR §1.6). A child born on 29 February turns 16 on 29 February or, in a
    common year, on 28 February (:func:`recensement_window`): in the first
    quarter either way, so the quarter's bounds 16 years back are exact.
    """
    first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    if next_quarter:
        first = add_months(first, 3)
    last = add_months(first, 3) - timedelta(days=1)
    return date(first.year - 16, first.month, first.day), date(last.year - 16, last.month, last.day)
