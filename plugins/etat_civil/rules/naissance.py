"""Déclaration de naissance: deadline and late declarations (DR §1.6)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from grc_core.plugin_api import lazy_text as _l

from .common import _ALLOWED, Eligibility, _deadline_day, _refuse


BIRTH_DECLARATION_DELAY_DAYS = 5
"""Delay to declare a birth (C. civ. art. 55 al. 1)."""
BIRTH_DECLARATION_DELAY_DAYS_REMOTE = 8
"""Delay in the remote communes listed by décret n° 2017-278, art. 2 (C. civ. art. 55 al. 2)."""


def birth_declaration_deadline(
    born_on: date,
    *,
    remote_commune: bool = False,
    delay_days: int | None = None,
    is_non_working_day: Callable[[date], bool] | None = None,
) -> date:
    """Last day on which a birth can be declared without a court judgment.

    Sources: code civil art. 55 (five days from the delivery; eight days in
    communes designated by decree because of distance); décret n° 2017-278 du
    2 mars 2017, art. 1 (« Le jour de l'accouchement n'est pas compté dans le
    délai de déclaration de naissance. Lorsque le dernier jour du délai est un
    samedi, un dimanche, un jour férié ou chômé, ce délai est prorogé jusqu'au
    premier jour ouvrable suivant. ») and art. 2 (eight days for Apatou,
    Awala-Yalimapo, Camopi, Grand-Santi, Iracoubo, Mana, Maripasoula,
    Ouanary, Papaïchton, Régina, Saint-Élie, Saint-Georges, Saint-Laurent-du-
    Maroni, Saül and Sinnamary, in Guyane); DR §1.6.

    Counting: born on day D, the delay runs on D+1 … D+5; the last day is
    D+5 (D+8 with ``remote_commune=True``; ``delay_days`` overrides both, for
    a commune setting).  Saturdays, Sundays and holidays *inside* the delay
    count; only a non-working **last** day is pushed to the next working day.
    ``is_non_working_day=None`` (default) means Saturdays, Sundays and the
    national public holidays of the ``holidays`` package
    (:func:`grc_core.plugin_api.is_working_day`); Alsace-Moselle (e.g.
    ``lambda d: not is_working_day(d, alsace_moselle=True)``), overseas
    communes, or a commune whose service is closed (« jour chômé ») pass
    their own predicate.
    """
    if delay_days is None:
        delay_days = BIRTH_DECLARATION_DELAY_DAYS_REMOTE if remote_commune else BIRTH_DECLARATION_DELAY_DAYS
    last_day = born_on + timedelta(days=delay_days)
    return _deadline_day(last_day, is_non_working_day)


def birth_declaration_is_late(
    born_on: date,
    declared_on: date,
    *,
    remote_commune: bool = False,
    delay_days: int | None = None,
    is_non_working_day: Callable[[date], bool] | None = None,
) -> bool:
    """True when a declaration on ``declared_on`` is after :func:`birth_declaration_deadline`.

    A late birth can only be recorded under a judgment of the tribunal
    (C. civ. art. 55 al. 3; DR §1.6).  Raises ``ValueError`` if
    ``declared_on`` is before ``born_on``.
    """
    if declared_on < born_on:
        raise ValueError("a birth cannot be declared before it happens")
    deadline = birth_declaration_deadline(
        born_on, remote_commune=remote_commune, delay_days=delay_days,
        is_non_working_day=is_non_working_day,
    )
    return declared_on > deadline


def check_birth_declaration(
    born_on: date,
    declared_on: date,
    *,
    remote_commune: bool = False,
    delay_days: int | None = None,
    is_non_working_day: Callable[[date], bool] | None = None,
) -> Eligibility:
    """Can the officier de l'état civil record the birth declared on ``declared_on``?

    Refused, with the reason, when the declaration is late
    (:func:`birth_declaration_is_late`): the birth can then only be recorded
    under a *jugement déclaratif de naissance* (C. civ. art. 55 al. 3).
    Sources and counting: :func:`birth_declaration_deadline`; DR §1.6.
    """
    options = dict(remote_commune=remote_commune, delay_days=delay_days,
                   is_non_working_day=is_non_working_day)
    if not birth_declaration_is_late(born_on, declared_on, **options):
        return _ALLOWED
    deadline = birth_declaration_deadline(born_on, **options)
    return _refuse(
        _l("The birth had to be declared no later than %(day)s: after that delay, it can be entered in the "
           "registers only under a judgment of the tribunal judiciaire (code civil, art. 55).", day=deadline)
    )
