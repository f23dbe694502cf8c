"""Demo data (grc_demo_data): the voirie's agents, created once."""
from __future__ import annotations

from grc_core.plugin_api import demo_agents

# Local part of the e-mail, name, role, services, extra permissions.
DEMO_AGENTS = (
    ("voirie", "Julien Marchand", "agent", ["voirie.voirie"], []),
    ("chef-voirie", "Nadia Benali", "manager", ["voirie.voirie"], ["voirie.plan"]),
)


def demo_data(commune) -> None:
    demo_agents(commune, DEMO_AGENTS)
