"""Barometer surveys: the age bands, whether a survey answers today, and
what its results say, per question and per group (no database, no Flask).

A question is a FieldSpec: a number (integer, decimal) gives a mean and a
distribution of its values; a choice, several choices or yes/no a
distribution of the choices; a text the verbatims. A group (a quartier, an
age band) is shown only with at least the commune's threshold of answers,
so that no person can be recognised in it."""
from __future__ import annotations

from datetime import date

ANSWER_CHANNELS = ("web", "paper", "phone")
# Upper bound (included) of each band; the last has none.
AGE_BANDS = (("-25", 24), ("25-39", 39), ("40-59", 59), ("60-74", 74), ("75+", None))
NUMBER_TYPES = ("integer", "decimal")
CHOICE_TYPES = ("choice", "multichoice", "boolean")
TEXT_TYPES = ("text", "textarea")
# What a survey may ask: no file (an anonymous upload is nobody's), nothing that identifies the person.
QUESTION_TYPES = NUMBER_TYPES + CHOICE_TYPES + TEXT_TYPES + ("date",)
DEFAULT_THRESHOLD = 5


def age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def age_band(birth: date | None, today: date) -> str:
    """The band of a person born on ``birth`` (\"\" when unknown)."""
    if birth is None:
        return ""
    years = age(birth, today)
    return next(code for code, upper in AGE_BANDS if upper is None or years <= upper)


def window_problem(opens_on: date, closes_on: date, today: date) -> str:
    """Why a survey does not answer today: "not_open", "closed", or ""."""
    if today < opens_on:
        return "not_open"
    if today > closes_on:
        return "closed"
    return ""


def question_result(kind: str, choices, values: list) -> dict:
    """The figures of one question over the answers' ``values`` (None: not
    answered). ``choices``: (value, label) pairs of a choice question."""
    given = [v for v in values if v is not None and v != "" and v != []]
    result = {"answered": len(given), "mean": None, "distribution": [], "verbatims": []}
    if kind in NUMBER_TYPES:
        numbers = [float(v) for v in given]
        result["mean"] = round(sum(numbers) / len(numbers), 2) if numbers else None
        result["distribution"] = [(_number_text(n), numbers.count(n)) for n in sorted(set(numbers))]
    elif kind == "boolean":
        result["distribution"] = [("yes", sum(1 for v in given if v is True)),
                                  ("no", sum(1 for v in given if v is False))]
    elif kind in ("choice", "multichoice"):
        picked = [item for v in given for item in (v if isinstance(v, list) else [v])]
        result["distribution"] = [(str(code), picked.count(str(code))) for code, _label in choices]
    elif kind in TEXT_TYPES:
        result["verbatims"] = [str(v) for v in given]
    else:
        result["distribution"] = [(str(v), given.count(v)) for v in sorted(set(map(str, given)))]
    return result


def _number_text(number: float) -> str:
    return str(int(number)) if number.is_integer() else str(number)


def response_rate(invited: int, answered: int) -> float | None:
    return round(100 * answered / invited, 1) if invited else None


def groups(invited: dict[str, int], answers: dict[str, list], threshold: int) -> tuple[list, int]:
    """Per group key: (key, invited, answers) for the groups with at least
    ``threshold`` answers, and how many groups are left out for having fewer."""
    shown, hidden = [], 0
    for key in sorted(set(invited) | set(answers)):
        rows = answers.get(key, [])
        if len(rows) >= threshold:
            shown.append((key, invited.get(key, 0), rows))
        elif rows:
            hidden += 1
    return shown, hidden
