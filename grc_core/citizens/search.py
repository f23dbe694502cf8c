"""Finding a citizen at the counter: forgiving, index-backed search.

An agent types whatever the person in front of them gives: a name with or
without accents and hyphens, a typo, a birth date, an e-mail, a phone
number or the reference of a request. Three keys, kept on every citizen by
a ``before_flush`` listener, make this fast without scanning the table:

- ``name_key``: "last first birth_name", accents, case, hyphens and
  apostrophes folded (:func:`normalize`) — searched by prefix with an index
  range;
- ``phonetic_key``: a French phonetic code of the last name
  (:func:`phonetic_key`) — equality, to forgive typos ("Dupond" → "Dupont");
- ``phone_key``: the digits of the phone, ``+33`` written as ``0``.

No PyPI package was a fit for the phonetic code: the French ones are either
unmaintained (abydos, last release 2020, and large), tiny one-person
projects, or full grapheme-to-phoneme models far heavier than a key needs.
:func:`phonetic_key` is a documented variant of Soundex2, the usual French
adaptation of Soundex. Ranking the few hundred candidates at most uses
rapidfuzz (C++, widely used), some fifty times faster than difflib here.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from collections.abc import Iterable, Iterator
from itertools import chain

from flask_babel import format_date
from rapidfuzz import fuzz
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Citizen, Request
from ..requests.confidentiality import readable_condition
from ..security.access import readable_citizen_ids

NAME_KEY_LENGTH = 220
PHONETIC_KEY_LENGTH = 60
# Rows read per query: enough for ranking, few enough to stay in
# milliseconds whatever the size of the commune. A prefix query is read in
# name order, so its first rows are the ones shown anyway.
EXACT_CANDIDATES = 100
PREFIX_CANDIDATES = 100
PHONETIC_CANDIDATES = 300
# Each word typed must still look like a word of a phonetic match (0 to 1).
PHONETIC_MIN_LIKENESS = 0.5
MAX_NAME_TOKENS = 4

# Letters NFKD does not decompose into a base letter and an accent.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o",
                            "đ": "d", "Đ": "d", "ł": "l", "Ł": "l"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_REFERENCE = re.compile(r"^(\d{4})-(\d{1,7})$")
_PHONE = re.compile(r"^\+?[\d\s.\-()/]+$")
MIN_PHONE_DIGITS = 6


# --- keys ---------------------------------------------------------------------------

def normalize(text: str | None) -> str:
    """Lower case, no accents; hyphens, apostrophes and runs of spaces folded.

    ``"Saint-Étienne"`` → ``"saint etienne"``, ``"L'Hôpital"`` → ``"l hopital"``.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _NOT_ALNUM.sub(" ", bare).strip()


# Soundex2 steps, in order. Groups first, so that "GUI"/"GUE" keep their
# vowel and a hard C or G becomes K before vowels are folded.
_GROUPS = (("GUI", "KI"), ("GUE", "KE"), ("GA", "KA"), ("GO", "KO"), ("GU", "K"),
           ("CA", "KA"), ("CO", "KO"), ("CU", "KU"), ("Q", "K"), ("CC", "K"), ("CK", "K"),
           # Additions to Soundex2 for frequent French spellings of one sound.
           ("PH", "F"), ("CE", "SE"), ("CI", "SI"), ("CY", "SI"), ("W", "V"), ("Z", "S"))
_PREFIXES = (("MAC", "MCC"), ("KN", "NN"), ("PF", "FF"), ("SCH", "SSS"))
_SILENT_ENDINGS = "ADTSX"


def phonetic_key(text: str | None) -> str:
    """A French phonetic code (Soundex2 variant), ``"Dupond"`` == ``"Dupont"``.

    Soundex2 (F. Brouard): fold sound-alike letter groups, turn vowels after
    the first letter into A, rewrite a few prefixes, drop a mute H (not in
    CH/SH) and a Y not after A, drop one silent final letter (A, D, T, S —
    and X here, mute at the end of French names: Giraux, Giraud), drop the
    A's after the first letter, squeeze repeated letters. Unlike Soundex2
    the code is not cut to four letters: with 200,000 citizens a longer key
    gives far fewer false friends, and typos stay forgiven because vowels
    and silent endings vanish anyway.
    """
    word = normalize(text).replace(" ", "").upper()
    word = "".join(c for c in word if "A" <= c <= "Z")
    if not word:
        return ""
    for group, sound in _GROUPS:
        word = word.replace(group, sound)
    word = word[0] + "".join("A" if c in "EIOU" else c for c in word[1:])
    for prefix, sound in _PREFIXES:
        if word.startswith(prefix):
            word = sound + word[len(prefix):]
            break
    word = word[0] + "".join(c for i, c in enumerate(word[1:], 1) if c != "H" or word[i - 1] in "CS")
    word = word[0] + "".join(c for i, c in enumerate(word[1:], 1) if c != "Y" or word[i - 1] == "A")
    if len(word) > 1 and word[-1] in _SILENT_ENDINGS:
        word = word[:-1]
    word = word[0] + word[1:].replace("A", "")
    squeezed = [c for i, c in enumerate(word) if i == 0 or c != word[i - 1]]
    return "".join(squeezed)[:PHONETIC_KEY_LENGTH]


def phone_key(text: str | None) -> str:
    """Digits only, a French international prefix written as a leading 0.

    ``"+33 6 12 34 56 78"``, ``"0033 (0)6 12…"`` and ``"06.12.34.56.78"`` all
    give ``"0612345678"``.
    """
    if not text:
        return ""
    raw = text.strip()
    digits = "".join(c for c in raw if c.isdigit())
    international = raw.startswith("+33") or digits.startswith("0033") or (
        len(digits) == 11 and digits.startswith("33"))
    if international:
        national = digits[4:] if digits.startswith("0033") else digits[2:]
        return "0" + national.removeprefix("0")
    return digits


def citizen_keys(first_name: str, last_name: str, birth_name: str = "", phone: str = "") -> dict[str, str]:
    """The search columns of a citizen; bulk loaders (bench, imports) call it
    themselves since they bypass the ORM's flush."""
    return {
        "name_key": normalize(f"{last_name} {first_name} {birth_name}")[:NAME_KEY_LENGTH],
        "phonetic_key": phonetic_key(last_name),
        "phone_key": phone_key(phone)[:20],
    }


def refresh_search_keys(citizen: Citizen) -> None:
    # E-mail addresses are compared without case: stored lower-case, the
    # (commune_id, email) index answers an exact lookup.
    citizen.email = (citizen.email or "").strip().lower()
    for name, value in citizen_keys(citizen.first_name, citizen.last_name, citizen.birth_name or "",
                                    citizen.phone or "").items():
        setattr(citizen, name, value)


@event.listens_for(Session, "before_flush")
def _maintain_search_keys(session: Session, flush_context, instances) -> None:
    for obj in chain(session.new, session.dirty):
        if isinstance(obj, Citizen):
            refresh_search_keys(obj)


# --- parsing what was typed ---------------------------------------------------------

@dataclass
class ParsedQuery:
    names: list[str]
    birth_date: date | None = None
    email: str = ""
    phone: str = ""
    reference: str = ""


def parse_date(token: str) -> date | None:
    match = _DATE.match(token)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_DATE.match(token)
        if not match:
            return None
        year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_query(query: str) -> ParsedQuery:
    query = (query or "").strip()
    parsed = ParsedQuery(names=[])
    if _PHONE.match(query) and not _REFERENCE.match(query) and parse_date(query) is None:
        digits = phone_key(query)
        if len(digits) >= MIN_PHONE_DIGITS:
            parsed.phone = digits
            return parsed
    rest = []
    for token in query.split():
        reference = _REFERENCE.match(token)
        if "@" in token:
            parsed.email = token.lower()
        elif parse_date(token) is not None:
            parsed.birth_date = parse_date(token)
        elif reference:
            # "2026-42" is "2026-00042" (grc_core.requests.references).
            parsed.reference = f"{reference.group(1)}-{int(reference.group(2)):05d}"
        else:
            rest.append(token)
    parsed.names = normalize(" ".join(rest)).split()[:MAX_NAME_TOKENS]
    return parsed


# --- searching ----------------------------------------------------------------------

def name_prefix_filter(prefix: str):
    """``name_key LIKE 'prefix%'`` as an index range: the range uses the
    (commune_id, name_key) index under any collation, the LIKE keeps exactly
    the keys that start with the prefix."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return (Citizen.name_key >= prefix, Citizen.name_key < upper,
            Citizen.name_key.like(f"{escaped}%", escape="\\"))


def _rotations(tokens: list[str]) -> list[str]:
    """"jean pierre martin" may be typed first name first: the key starts
    with the last name, so try each rotation of the tokens."""
    return [" ".join(tokens[i:] + tokens[:i]) for i in range(len(tokens))]


def _runs(tokens: list[str]) -> list[str]:
    """Contiguous runs of tokens: one of them is the last name."""
    return [" ".join(tokens[i:j]) for i in range(len(tokens)) for j in range(i + 1, len(tokens) + 1)]


@lru_cache(maxsize=65536)
def _word_likeness(token: str, word: str) -> float:
    """How much a typed token looks like a word of a name, 0 to 1 (a typed
    prefix counts as a full match). Cached: names repeat a lot."""
    return 1.0 if word.startswith(token) else fuzz.ratio(token, word) / 100


def _likeness(tokens: list[str], name_key: str) -> list[float]:
    """For each typed token, its likeness to the closest word of the name."""
    words = name_key.split() or [""]
    return [max(_word_likeness(token, word) for word in words) for token in tokens]


Rank = tuple[int, float, str]  # (tier, -score, name_key): smaller is better


def word_prefix_filter(token: str):
    """A word of ``name_key`` (not its first) starts with ``token``."""
    escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Citizen.name_key.like(f"% {escaped}%", escape="\\")


def _name_candidates(tokens: list[str], birth_date: date | None) -> Iterator[tuple[int, Rank]]:
    """(citizen id, rank) for name tokens; tiers 1 whole words, 2 prefix, 3 phonetic."""
    date_filter = (Citizen.birth_date == birth_date,) if birth_date else ()
    live = select(Citizen.id, Citizen.name_key).where(Citizen.merged_into_id.is_(None), *date_filter)

    def ranked(statement) -> Iterator[tuple[int, Rank]]:
        for citizen_id, name_key in db.session.execute(statement):
            likeness = _likeness(tokens, name_key)
            whole_words = all(token in name_key.split() for token in tokens)
            yield citizen_id, (1 if whole_words else 2, -sum(likeness) / len(likeness), name_key)

    for prefix in _rotations(tokens):
        yield from ranked(live.where(*name_prefix_filter(prefix)).order_by(Citizen.name_key)
                          .limit(PREFIX_CANDIDATES))
    # Every token the start of a word, whatever their order and whichever is
    # cut short ("marie-claire rob" → Robert Marie-Claire): one token leads
    # (the index range of the last name), the others are words further on.
    if len(tokens) > 1:
        for lead in tokens:
            others = [word_prefix_filter(token) for token in tokens if token != lead]
            yield from ranked(live.where(*name_prefix_filter(lead), *others).order_by(Citizen.name_key)
                              .limit(PREFIX_CANDIDATES))
    codes = sorted({code for code in map(phonetic_key, _runs(tokens)) if code})
    if codes:
        statement = live.where(Citizen.phonetic_key.in_(codes)).limit(PHONETIC_CANDIDATES)
        for citizen_id, name_key in db.session.execute(statement):
            likeness = _likeness(tokens, name_key)
            # A phonetic match must look like every word typed: "Anne
            # Lefevre" is not "Marc Lefèvre".
            if min(likeness) >= PHONETIC_MIN_LIKENESS:
                yield citizen_id, (3, -sum(likeness) / len(likeness), name_key)


def search_citizens(query: str, limit: int = 20) -> list[Citizen]:
    """Citizens of the current commune matching ``query``, best first.

    Exact identifiers (request reference, e-mail, phone, birth date alone)
    come first, then names: whole words, then prefixes, then phonetic
    matches, each by likeness to what was typed. Merged records never
    appear, nor people the signed-in member may not read
    (:func:`grc_core.security.access.readable_citizens_condition`). Every query reads an index range of the current commune, and
    only the ``limit`` best citizens are loaded.
    """
    parsed = parse_query(query)
    ranked: dict[int, Rank] = {}

    def keep(candidates: Iterable[tuple[int, Rank]]) -> None:
        for citizen_id, rank in candidates:
            if citizen_id not in ranked or rank < ranked[citizen_id]:
                ranked[citizen_id] = rank

    def exact(statement, tier: int = 0) -> None:
        rows = db.session.execute(statement.limit(EXACT_CANDIDATES))
        keep((citizen_id, (tier, -1.0, name_key)) for citizen_id, name_key in rows)

    live = select(Citizen.id, Citizen.name_key).where(Citizen.merged_into_id.is_(None))
    if parsed.reference:
        by_reference = live.join(Request, Request.citizen_id == Citizen.id).where(Request.reference == parsed.reference)
        # A confidential request's reference finds nobody for who may not read it.
        secret = readable_condition()
        exact(by_reference if secret is None else by_reference.where(secret))
    if parsed.email:
        exact(live.where(Citizen.email == parsed.email))
    if parsed.phone:
        exact(live.where(Citizen.phone_key == parsed.phone))
        upper = parsed.phone[:-1] + chr(ord(parsed.phone[-1]) + 1)
        exact(live.where(Citizen.phone_key > parsed.phone, Citizen.phone_key < upper), tier=2)
    if parsed.names:
        keep(_name_candidates(parsed.names, parsed.birth_date))
    elif parsed.birth_date:
        exact(live.where(Citizen.birth_date == parsed.birth_date).order_by(Citizen.name_key))
    # People this member knows only through confidential files he may not read
    # are not found (grc_core.security.access).
    readable = readable_citizen_ids(ranked)
    best = [citizen_id for citizen_id, _rank in sorted(ranked.items(), key=lambda item: (item[1], item[0]))
            if citizen_id in readable][:limit]
    if not best:
        return []
    loaded = {c.id: c for c in db.session.scalars(select(Citizen).where(Citizen.id.in_(best)))}
    return [loaded[citizen_id] for citizen_id in best if citizen_id in loaded]


def describe(citizen: Citizen) -> dict:
    """What a picker shows of a citizen (quick intake, household links)."""
    born = citizen.birth_date
    return {
        "id": citizen.id,
        "label": citizen.full_name,
        "birth_date": born.isoformat() if born else None,
        "birth_date_display": format_date(born, "short") if born else "",
        "address": citizen.address,
        "email": citizen.email,
        "phone": citizen.phone,
    }
