"""docs/plugin_data_model.md names only what exists: the request's columns,
every field of every declaration (and no other), the pages' endpoints."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

import grc_core.plugin_api as api
from grc_core.plugin_api import types

DOC = Path(__file__).resolve().parent.parent / "docs" / "plugin_data_model.md"
# A top-level bullet names what it documents first: "- `min`, `max` (float…): …",
# "- `citizen_id` (int or None) and `citizen` (`Citizen`): …".
BULLET = re.compile(r"^- (.*)$", re.M)
ROW = re.compile(r"^\| [^|]+ \| `(?P<url>[^`]+)` \| `(?P<endpoint>[\w.]+)`", re.M)


def section(title: str, level: str = "##") -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"\n{level} {title}\n") + len(title) + len(level) + 3
    following = re.search(rf"^#{{2,{len(level)}}} ", text[start:], re.M)
    return text[start:start + following.start()] if following else text[start:]


def documented_names(text: str) -> list[str]:
    names = []
    for match in BULLET.finditer(text):
        head, previous = match[1], None
        while head != previous:  # drop the (types), innermost first
            previous, head = head, re.sub(r"\([^()]*\)", "", head)
        names += re.findall(r"`(\w+)`", head.split("(")[0].split(":")[0])
    return names


DECLARATIONS = [name for name in api.__all__ if dataclasses.is_dataclass(getattr(api, name, None))]


def test_every_declaration_of_the_api_has_a_section():
    assert len(DECLARATIONS) >= 25
    text = DOC.read_text(encoding="utf-8")
    assert [name for name in DECLARATIONS if f"\n### {name}\n" not in text] == []


@pytest.mark.parametrize("name", DECLARATIONS)
def test_a_declaration_is_documented_field_by_field_in_order(name):
    fields = [field.name for field in dataclasses.fields(getattr(types, name))]
    assert documented_names(section(name, "###")) == fields


def test_every_request_column_named_exists():
    from grc_core.plugin_api import Request

    names = documented_names(section("A request"))
    assert len(names) >= 25
    assert [name for name in names if not hasattr(Request, name)] == []


def test_the_allowed_values_are_the_codes():
    from grc_core.models.request import PRIORITIES

    text = section("A request")
    for value in (*PRIORITIES, *types.STATE_KINDS, *types.CHANNELS):
        assert f"`{value}`" in text, value


def test_every_page_a_plugin_links_to_is_the_cores(app):
    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
    rows = list(ROW.finditer(section("Pages a plugin links to")))
    assert len(rows) >= 8
    for row in rows:
        if row["endpoint"].startswith("voirie_"):
            continue  # the example plugin's own view, not loaded here
        assert row["endpoint"] in rules, row["endpoint"]
        documented = re.sub(r"<(\w+)>", r"\1", row["url"].split("?")[0])
        assert documented == re.sub(r"<(?:\w+:)?(\w+)>", r"\1", rules[row["endpoint"]]), row["endpoint"]
