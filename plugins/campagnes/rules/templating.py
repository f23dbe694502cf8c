"""A campaign's message: variables between braces, filled per recipient.

``{prenom}``, ``{nom}``, ``{commune}``, ``{quartier}``; a brace that names
nothing else is refused at preview, before anyone receives « Bonjour
{prenon} ». ``{{`` and ``}}`` write a brace."""
from __future__ import annotations

import re

VARIABLES = ("prenom", "nom", "commune", "quartier")
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def unknown_variables(text: str) -> list[str]:
    """The names between braces that are not :data:`VARIABLES`, in order, once each."""
    seen = []
    for match in PLACEHOLDER.finditer(text):
        name = match.group(1)
        if name is not None and name not in VARIABLES and name not in seen:
            seen.append(name)
    return seen


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each variable replaced (values taken as plain text)."""
    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return str(values.get(match.group(1), token))
    return PLACEHOLDER.sub(replace, text)
