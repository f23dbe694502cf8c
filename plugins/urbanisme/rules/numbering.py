"""Official file numbers (arrêté du 6 juin 2007, C. urb. A.423-1 ff.)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from grc_core.plugin_api import lazy_text as _l

from .common import UrbanismeRuleError
from .follow_ups import _WHAT_MAY_BE_FOLLOWED
from .procedures import _PERMITS, Procedure


#: Type letters of a file number. A PCMI is numbered as a PC, CUa and CUb as CU;
#: follow-up procedures have no letters of their own (:func:`follow_up_number`).
FILE_NUMBER_LETTERS: dict[Procedure, str] = {
    Procedure.DECLARATION_PREALABLE: "DP",
    Procedure.PERMIS_DE_CONSTRUIRE_MI: "PC",
    Procedure.PERMIS_DE_CONSTRUIRE: "PC",
    Procedure.PERMIS_AMENAGER: "PA",
    Procedure.PERMIS_DEMOLIR: "PD",
    Procedure.CERTIFICAT_URBANISME_A: "CU",
    Procedure.CERTIFICAT_URBANISME_B: "CU",
}
_PERMIT_LETTERS = frozenset(FILE_NUMBER_LETTERS[p] for p in _PERMITS)
#: The sequence has 5 digits; a 100,000th file of one type in a commune in one year is refused
#: rather than widened: other systems (Sit@del, PLAT'AU) read the number by fixed positions.
MAX_FILE_SEQUENCE = 99_999
#: A permis modificatif or a transfert is numbered ``M01``…``M99`` / ``T01``…``T99`` after its permit.
MAX_FOLLOW_UP_RANK = 99
#: The letter after a permit's number that numbers its modificatifs and its transfers.
FOLLOW_UP_SUFFIXES = {Procedure.PERMIS_MODIFICATIF: "M", Procedure.TRANSFERT_PERMIS: "T"}
# Follow-ups without a number of their own: they carry the number of the authorisation they concern.
_CARRY_ORIGINAL_NUMBER = frozenset(
    {Procedure.PROROGATION, Procedure.DECLARATION_OUVERTURE_CHANTIER, Procedure.DAACT}
)


@dataclass(frozen=True)
class FileNumber:
    """A parsed file number: ``PC 045 901 26 00012`` (``M01`` / ``T01`` after a permit's follow-ups).

    ``department`` and ``commune`` are the 3 characters of each (``"045"``,
    ``"02A"``, ``"974"``; ``"901"``), ``year`` the 2 digits of the year,
    ``suffix`` ``"M"`` (permis modificatif) or ``"T"`` (transfert) with its
    ``rank``, or ``""`` for the authorisation itself. ``str()`` gives the
    canonical spaced form.
    """

    letters: str
    department: str
    commune: str
    year: int
    sequence: int
    suffix: str = ""
    rank: int = 0

    def __str__(self) -> str:
        number = f"{self.letters} {self.department} {self.commune} {self.year:02d} {self.sequence:05d}"
        return f"{number} {self.suffix}{self.rank:02d}" if self.suffix else number

    @property
    def original(self) -> FileNumber:
        """The number of the authorisation itself (a modificatif's or a transfer's suffix removed)."""
        return replace(self, suffix="", rank=0)

    @property
    def procedures(self) -> tuple[Procedure, ...]:
        """The procedures numbered with these letters (PC: PCMI and PC; CU: CUa and CUb)."""
        return tuple(p for p, letters in FILE_NUMBER_LETTERS.items() if letters == self.letters)


def insee_parts(insee_code: str) -> tuple[str, str]:
    """(department, commune) on 3 characters each, from a commune's 5-character INSEE code.

    Metropolitan France: ``45901`` → ``("045", "901")`` (department padded with a
    leading zero); Corsica: ``2A004`` → ``("02A", "004")``. Overseas (codes
    ``97xxx``, and ``98xxx`` by the same INSEE structure): the department has 3
    digits and the commune is the code's last three, ``97411`` → ``("974",
    "411")`` — the two overlap on the third digit, as in the numbers the
    communes of La Réunion issue (``PC 974 411 …``). Interpretation, conf. C: the
    arrêté asks for "le numéro du département" and "le numéro de la commune" on
    three characters each without saying how an overseas code splits.
    """
    code = str(insee_code or "").strip().upper()
    if len(code) == 5 and code[2:].isdigit() and code.isascii():
        if code[:2] in ("97", "98"):
            return code[:3], code[2:]
        if code[:2] in ("2A", "2B") or code[:2].isdigit():
            return "0" + code[:2], code[2:]
    raise UrbanismeRuleError(_l("Invalid code INSEE of a commune: « %(code)s » (5 characters, for example 45901).",
                                code=insee_code))


def file_number(kind_letters: str, insee_code: str, year: int, sequence: int) -> str:
    """The official number of a file (arrêté du 6 juin 2007, A.423-1 ff.; conf. C, not in DR).

    ``PC 045 901 26 00012``: the type letters (DP, PC — also for a PCMI —, PA,
    PD, CU — CUa and CUb —), the department and the commune on 3 characters each
    (:func:`insee_parts`), the last 2 digits of ``year`` (a calendar year, 2026,
    or already 26) and the ``sequence`` on 5 digits, counted per commune, year
    and type letters. A sequence outside 1–99,999 raises
    :class:`UrbanismeRuleError` (:data:`MAX_FILE_SEQUENCE`: refused, not widened).
    """
    letters = str(kind_letters or "").strip().upper()
    if letters not in FILE_NUMBER_LETTERS.values():
        raise UrbanismeRuleError(_l("Unknown type letters: « %(letters)s » (DP, PC, PA, PD or CU).",
                                    letters=kind_letters))
    if year < 0:
        raise UrbanismeRuleError(_l("The year of a file number cannot be negative."))
    if not 1 <= sequence <= MAX_FILE_SEQUENCE:
        raise UrbanismeRuleError(_l(
            "Sequence number %(sequence)s impossible: it is written on 5 digits, from 00001 to %(max)s.",
            sequence=sequence, max=MAX_FILE_SEQUENCE,
        ))
    department, commune = insee_parts(insee_code)
    return str(FileNumber(letters, department, commune, year % 100, sequence))


def _department_ok(department: str) -> bool:
    if department in ("02A", "02B"):
        return True
    return department.isdigit() and (1 <= int(department) <= 95 or 971 <= int(department) <= 989)


def parse_file_number(text) -> FileNumber | None:
    """The file number written in ``text``, or None when it is not one.

    Spaces (anywhere, any amount) and case are forgiven: ``pc045901 26 00012``
    reads as ``PC 045 901 26 00012``. A ``M01``/``T01`` suffix is read after a
    permit's letters only (a DP or a CU is neither modified nor transferred).
    Sequence 00000 and rank 00 do not exist.
    """
    compact = "".join(str(text or "").split()).upper()
    if len(compact) not in (15, 18) or not compact.isascii():
        return None
    letters, department, commune = compact[:2], compact[2:5], compact[5:8]
    year, sequence, suffix = compact[8:10], compact[10:15], compact[15:]
    if letters not in FILE_NUMBER_LETTERS.values() or not _department_ok(department):
        return None
    if not (commune.isdigit() and year.isdigit() and sequence.isdigit()) or int(sequence) == 0:
        return None
    if not suffix:
        return FileNumber(letters, department, commune, int(year), int(sequence))
    kind, rank = suffix[0], suffix[1:]
    if kind not in FOLLOW_UP_SUFFIXES.values() or letters not in _PERMIT_LETTERS or not rank.isdigit():
        return None
    if int(rank) == 0:
        return None
    return FileNumber(letters, department, commune, int(year), int(sequence), kind, int(rank))


def follow_up_number(original_number, procedure: Procedure, rank: int = 1) -> str:
    """The number of a follow-up file of the authorisation numbered ``original_number`` (conf. C).

    A permis modificatif: the permit's number followed by ``M`` and its rank on
    2 digits (``PC 045 901 26 00012 M01``); a transfert: ``T01``, ``T02``…; a
    prorogation, a DOC or a DAACT has no number of its own: the permit's (or the
    DP's, the CU's) number is returned, ``rank`` ignored. A suffixed
    ``original_number`` stands for its permit. Raises
    :class:`UrbanismeRuleError` for an unreadable number, a modificatif or
    transfert of anything but a permit, a rank outside 1–99
    (:data:`MAX_FOLLOW_UP_RANK`) or a procedure that is not a follow-up.
    """
    parsed = parse_file_number(original_number)
    if parsed is None:
        raise UrbanismeRuleError(_l("Unreadable authorisation number: « %(number)s ».", number=original_number))
    original = parsed.original
    procedure = Procedure(procedure)
    if procedure in _CARRY_ORIGINAL_NUMBER:
        return str(original)
    if procedure not in FOLLOW_UP_SUFFIXES:
        raise UrbanismeRuleError(_l("« %(procedure)s » has its own number: it is not a follow-up.",
                                    procedure=procedure.label))
    if original.letters not in _PERMIT_LETTERS:
        raise UrbanismeRuleError(_l("%(rule)s; « %(number)s » is not one.", rule=_WHAT_MAY_BE_FOLLOWED[procedure],
                                    number=str(original)))
    if not 1 <= rank <= MAX_FOLLOW_UP_RANK:
        raise UrbanismeRuleError(_l(
            "Rank %(rank)s impossible: it is written on 2 digits, from 01 to %(max)s.", rank=rank,
            max=MAX_FOLLOW_UP_RANK,
        ))
    return str(replace(original, suffix=FOLLOW_UP_SUFFIXES[procedure], rank=rank))
