"""The peer plugin: a second, well-behaved plugin next to the dummy.

With two plugins loaded, the tests can tell the registry's contract from
pluggy's own habits: shown results sorted by ``order`` across plugins,
decisions asked in load order (pluggy asks the last registered first), and
lifecycle hooks called on one plugin only. Its journal lives in the commune's
settings under ``peer.journal``.
"""
from __future__ import annotations

from grc_core.plugin_api import CitizenPanel, MenuItem, PluginManifest, RoutingDecision, ServiceDecl, hookimpl

JOURNAL = "peer.journal"

manifest = PluginManifest(name="peer", label="Peer domain", version="1.0.0")


def journal(commune) -> list[str]:
    return list((commune.settings or {}).get(JOURNAL, []))


def _note(commune, entry: str) -> None:
    settings = dict(commune.settings or {})
    settings[JOURNAL] = [*settings.get(JOURNAL, []), entry]
    commune.settings = settings


@hookimpl
def grc_register_services():
    # A commune that already has its « accueil » keeps it: no second front desk.
    return [ServiceDecl("peer.guichet", "Guichet unique", existing=("accueil",))]


@hookimpl
def grc_menu_items(user, commune):
    return [MenuItem("Guichet voisin", "admin.index", order=40)]


@hookimpl
def grc_citizen_panels(citizen, user, commune):
    return [CitizenPanel("Guichet voisin", "peer/citizen_panel.html", {"name": citizen.full_name}, order=10)]


@hookimpl
def grc_validate_request(request_type, data, commune):
    if any("interdit" in str(value) for value in data.values()):
        return ["Le guichet voisin refuse le mot « interdit »."]
    return None


@hookimpl
def grc_request_submitted(request, commune):
    _note(commune, f"submitted {request.reference}")


@hookimpl
def grc_route_request(request, commune):
    # An opinion on every request: the dummy, loaded first, must still win on its own.
    return RoutingDecision("peer.guichet", "Tout passe par le guichet voisin.")


@hookimpl
def grc_plugin_enabled(commune):
    _note(commune, "enabled")


@hookimpl
def grc_plugin_disabled(commune):
    _note(commune, "disabled")


@hookimpl
def grc_demo_data(commune):
    _note(commune, "demo")
