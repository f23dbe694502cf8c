"""The keeper plugin: a retention policy on core requests, as a domain writes
one (tests/test_retention.py). Requests of type ``bacs`` are anonymised a
year after closure; ``keeper.broken`` fails when the commune's settings ask
it to, to show that one failing policy does not stop the others."""
from __future__ import annotations

from grc_core.plugin_api import PluginManifest, RetentionPolicyDecl, anonymise_requests, closed_requests_due, hookimpl

manifest = PluginManifest(name="keeper", label="Keeper domain", version="1.0.0")


def bacs_due(commune, today):
    return closed_requests_due(["bacs"], today, months=12)


def anonymise_bacs(commune, keys):
    return anonymise_requests(keys, keep_fields=("nombre",), policy="keeper.bacs")


def broken_due(commune, today):
    if (commune.settings or {}).get("keeper.break"):
        raise RuntimeError("keeper.broken asked to fail")
    return []


@hookimpl
def grc_register_retention_policies():
    return [
        RetentionPolicyDecl("keeper.bacs", "Demandes de bacs", "Anonymisées un an après leur clôture.",
                            candidates=bacs_due, anonymise=anonymise_bacs),
        RetentionPolicyDecl("keeper.broken", "Politique fragile", "Échoue sur demande.",
                            candidates=broken_due, anonymise=lambda commune, keys: 0),
    ]
