"""Plugin panels, rendered by the core: the plugin's template with its
context, autoescaped like every ``.html`` template (see ``CitizenPanel``)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup


@dataclass(frozen=True)
class RenderedPanel:
    title: str
    body: Markup


def render_panels(panels) -> list[RenderedPanel]:
    # The body is the output of an autoescaped template: markup the plugin's
    # template wrote, with every value it was given escaped.
    return [RenderedPanel(panel.title, Markup(render_template(panel.template, **panel.context)))
            for panel in panels]
