"""The register of processing activities (registre des traitements, GDPR
art. 30) of a commune: the core's activities and those of its active
domains, each with its retention policy where one applies it.

One list of :class:`RegisterEntry` feeds the back-office page, its printable
version and the CSV/XLSX exports (through the queue's export writer, which
neutralises spreadsheet formulas).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..plugin_api.types import LEGAL_BASES, ProcessingActivityDecl, RetentionPolicyDecl
from ..tenancy import active_plugins

LEGAL_BASIS_LABELS = {
    "consent": _l("Consent of the person (GDPR art. 6(1)(a))"),
    "contract": _l("Performance of a contract (GDPR art. 6(1)(b))"),
    "legal_obligation": _l("Legal obligation (GDPR art. 6(1)(c))"),
    "vital_interests": _l("Vital interests (GDPR art. 6(1)(d))"),
    "public_task": _l("Task carried out in the public interest (GDPR art. 6(1)(e))"),
    "legitimate_interests": _l("Legitimate interests (GDPR art. 6(1)(f))"),
}
assert set(LEGAL_BASIS_LABELS) == set(LEGAL_BASES)


@dataclass(frozen=True)
class RegisterEntry:
    """An activity as the register shows it: who declared it (a domain's label,
    or None for the core) and the retention policy it names, if any."""

    activity: ProcessingActivityDecl
    domain: str | None
    policy: RetentionPolicyDecl | None

    @property
    def legal_basis_label(self) -> str:
        return str(LEGAL_BASIS_LABELS[self.activity.legal_basis])


def entries(commune) -> list[RegisterEntry]:
    """The commune's register: the core's activities, then its active domains', by code."""
    registry = current_app.extensions["grc"]
    active = active_plugins(commune)
    policies = {policy.code: policy for policy in registry.retention_policies(active)}
    return [
        RegisterEntry(activity, str(registry.manifests[plugin].label) if plugin else None,
                      policies.get(activity.retention_policy) if activity.retention_policy else None)
        for plugin, activity in registry.processing_activities_by_plugin(active)
    ]


def _categories(activity: ProcessingActivityDecl) -> str:
    return _("; ").join(f"{category.label}{_(' (special category)') if category.special else ''}"
                        for category in activity.data_categories)


def _retention(entry: RegisterEntry) -> str:
    text = str(entry.activity.retention)
    if entry.policy is not None:
        text = _("%(retention)s Applied by « %(policy)s »: %(description)s", retention=text,
                 policy=entry.policy.label, description=entry.policy.description).strip()
    return text


def table(commune) -> list[list[str]]:
    """The register as rows (headers first), for the exports."""
    rows = [[_("Code"), _("Domain"), _("Processing"), _("Purpose"), _("Legal basis (GDPR art. 6)"), _("Legal reference"),
             _("Data subjects"), _("Data categories"), _("Special categories (GDPR art. 9)"), _("Recipients"),
             _("Retention"), _("Transfers outside the EU"), _("Security measures")]]
    for entry in entries(commune):
        activity = entry.activity
        rows.append([
            activity.code, entry.domain or _("Core"), str(activity.name), str(activity.purpose),
            entry.legal_basis_label, str(activity.legal_reference),
            _("; ").join(str(subject) for subject in activity.data_subjects), _categories(activity),
            str(activity.special_basis) if activity.has_special_categories else _("No"),
            _("; ").join(str(recipient) for recipient in activity.recipients), _retention(entry),
            str(activity.transfers), str(activity.security),
        ])
    return rows

