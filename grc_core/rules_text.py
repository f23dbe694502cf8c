"""The explanations the plugins' pure rules write: translated when shown.

A rule (``plugins/*/rules/``) is a pure function of plain values and loads
neither Flask nor a database, yet the reason it gives — a refusal, an
eligibility, a delay — is read by an English or a French agent, and by a
citizen in his own language. So a rule returns a :class:`Text`: an English
message with ``%(name)s`` placeholders and their values, which becomes a
sentence in the active locale only when it is rendered (``str()``, a
template, a form error). Flask-Babel is imported then, not before.

The values are rendered in the same locale: a :class:`datetime.date` with
Babel's long format (``LocalDate`` for another format), a :class:`Euros`
amount in euros, another :class:`Text` translated in turn, anything else
with ``str()``. Outside an application (a script, a rules test without an
app) the English source is rendered, dates and amounts in English.

What is stored as written (a history line, an audit detail) is ``str()``
of the text, under the commune's language: never the object itself.

Messages are found by ``pybabel extract`` when the rules alias
:func:`lazy_text` as ``_l`` and call :func:`lazy_ngettext` by its name
(docs/translations.md).
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal


def _flask_babel():
    """Flask-Babel, when an application is running; None otherwise."""
    from flask import has_app_context

    if not has_app_context():
        return None
    import flask_babel

    return flask_babel


def _render(value: object) -> object:
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        value = LocalDate(value)
    if isinstance(value, (Text, LocalDate, Euros, Joined, Capitalized)):
        return str(value)
    return value


class Text:
    """An English message and its values, translated when rendered."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params: object) -> None:
        self.msgid = msgid
        self.params = params

    def _translate(self, babel) -> str:
        return babel.gettext(self.msgid) if babel is not None else self.msgid

    def __str__(self) -> str:
        babel = _flask_babel()
        text = self._translate(babel)
        if not self.params:
            return text
        return text % {name: _render(value) for name, value in self.params.items()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Text):
            return type(self) is type(other) and (self.msgid, self.params) == (other.msgid, other.params)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.msgid, tuple(sorted(self.params))))

    def __bool__(self) -> bool:
        return bool(self.msgid)

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, part: str) -> bool:
        return part in str(self)


class Plural(Text):
    """A message whose form depends on a count (``num`` is a value too)."""

    __slots__ = ("plural", "num")

    def __init__(self, singular: str, plural: str, num: int, /, **params: object) -> None:
        super().__init__(singular, num=num, **params)
        self.plural = plural
        self.num = num

    def _translate(self, babel) -> str:
        if babel is not None:
            # Flask-Babel's ngettext formats with its variables; ours are formatted by Text.
            return babel.get_translations().ngettext(self.msgid, self.plural, self.num)
        return self.msgid if self.num == 1 else self.plural


class LocalDate:
    """A date written in the active locale (Babel: ``long`` by default).

    French writes the first day of a month as an ordinal in a sentence
    (« 1er mars 2025 », Babel: « 1 mars 2025 »): the long format follows it."""

    __slots__ = ("day", "format")

    def __init__(self, day: _dt.date, format: str = "long") -> None:  # noqa: A002 - Babel's name
        self.day = day
        self.format = format

    def __str__(self) -> str:
        babel = _flask_babel()
        if babel is not None:
            text = babel.format_date(self.day, self.format, rebase=False)
            locale = babel.get_locale()
            if self.format == "long" and self.day.day == 1 and text.startswith("1 ") \
                    and locale is not None and locale.language == "fr":
                text = "1er" + text[1:]
            return text
        from babel.dates import format_date

        return format_date(self.day, self.format, locale="en")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LocalDate) and (self.day, self.format) == (other.day, other.format)

    def __hash__(self) -> int:
        return hash((self.day, self.format))

    def __repr__(self) -> str:
        return f"LocalDate({self.day!r}, {self.format!r})"


class Euros:
    """An amount in euros, written in the active locale (``1 234,50 €``, ``€1,234.50``);
    ``whole=True`` leaves out the cents of a whole amount (``1 000 €``, ``€1,000``)."""

    __slots__ = ("amount", "whole")

    def __init__(self, amount: Decimal | int, *, whole: bool = False) -> None:
        self.amount = amount
        self.whole = whole

    def __str__(self) -> str:
        from babel import Locale
        from babel.numbers import format_currency

        babel = _flask_babel()
        locale = (babel.get_locale() if babel is not None else None) or Locale.parse("en")
        pattern = locale.currency_formats["standard"].pattern
        if self.whole and Decimal(self.amount) == Decimal(self.amount).to_integral_value():
            pattern = pattern.replace("0.00", "0")
        return format_currency(self.amount, "EUR", pattern, locale=locale, currency_digits=False)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Euros) and (self.amount, self.whole) == (other.amount, other.whole)

    def __hash__(self) -> int:
        return hash(self.amount)

    def __repr__(self) -> str:
        return f"Euros({self.amount!r}, whole={self.whole!r})"


class Joined:
    """Sentences shown one after the other (each translated on its own)."""

    __slots__ = ("parts", "sep")

    def __init__(self, *parts: object, sep: str = " ") -> None:
        self.parts = parts
        self.sep = sep

    def __str__(self) -> str:
        return self.sep.join(str(_render(part)) for part in self.parts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Joined) and (self.parts, self.sep) == (other.parts, other.sep)

    def __hash__(self) -> int:
        return hash((self.parts, self.sep))

    def __contains__(self, part: str) -> bool:
        return part in str(self)

    def __repr__(self) -> str:
        return f"Joined{self.parts!r}"


class Capitalized:
    """A text with its first letter in upper case when shown (a name or a
    label that starts a sentence, whatever the language)."""

    __slots__ = ("text",)

    def __init__(self, text: object) -> None:
        self.text = text

    def __str__(self) -> str:
        text = str(_render(self.text))
        return text[:1].upper() + text[1:]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Capitalized) and self.text == other.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"Capitalized({self.text!r})"


def lazy_text(msgid: str, /, **params: object) -> Text:
    """An English message (``%(name)s`` placeholders), translated when rendered."""
    return Text(msgid, **params)


def lazy_ngettext(singular: str, plural: str, num: int, /, **params: object) -> Plural:
    """A message with a count (``%(num)d``), translated when rendered."""
    return Plural(singular, plural, num, **params)
