"""Plugin campagnes: targeted information campaigns, an optional module a
commune enables like a domain (DESIGN.md, "Wave 2").

The segment says whom (grc_core's segments, evaluated at send time); the
campaign says why (purpose and legal basis, shown in every message), what
(subject and message with variables) and when (approved by another manager,
then sent now or at a set time). Sending goes through the job queue in
batches that cannot send anyone twice (sending.py); every message carries a
one-click unsubscribe (public.py). The rules are in rules/ (pure)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import (
    CitizenPanel, DataCategory, PermissionDecl, PluginManifest, ProcessingActivityDecl, db, hookimpl,
)

from . import models  # noqa: F401  (the plugin's tables)
from . import sending  # noqa: F401  (registers the job campagnes.send)

manifest = PluginManifest(
    name="campagnes",
    label=_l("Campaigns"),
    version="0.1.0",
    description=_l("Inform a segment of citizens by e-mail, SMS or letter, lawfully, with approval and one-click "
                   "unsubscribe."),
    author="GRC",
)


@hookimpl
def grc_register_permissions():
    return [
        PermissionDecl("campagnes.author", _l("Write campaigns"), _l("Draft, test and submit campaigns."),
                       ("admin",)),
        PermissionDecl("campagnes.approve", _l("Approve campaigns"),
                       _l("Approve another's campaign and start its sending."), ("admin", "manager")),
        PermissionDecl("campagnes.results", _l("Read campaigns and their results"), "",
                       ("admin", "manager", "elu")),
    ]


@hookimpl
def grc_register_settings():
    from .letters import LETTERHEAD
    from .tracking import SETTING

    return [SETTING, LETTERHEAD]


@hookimpl
def grc_register_commands(cli):
    import sys

    import click

    from .cli import read_reports

    @cli.group("campagnes", help="Campagnes : rapports de non-remise (bounces).")
    def campagnes():
        pass

    @campagnes.command("bounces")
    @click.option("--mbox", "mbox_path", type=click.Path(exists=True, dir_okay=False),
                  help="Un fichier mbox de rapports ; sans lui, un seul message lu sur l'entrée standard "
                       "(transport « pipe » du serveur de messagerie).")
    def bounces_command(mbox_path):
        """Enregistre les rapports de non-remise (RFC 3464) sur les destinataires des campagnes."""
        for line in read_reports(mbox_path, sys.stdin.buffer):
            click.echo(line)


@hookimpl
def grc_register_processing_activities():
    return [
        ProcessingActivityDecl(
            "campagnes.information", _l("Information campaigns to citizens"),
            purpose=_l("Inform the inhabitants concerned of municipal news, services and events."),
            legal_basis="consent",
            legal_reference=_l("GDPR art. 6-1-a (municipal information accepted by the person); art. 6-1-e for "
                               "public-service information, each campaign saying which"),
            data_subjects=(_l("Citizens selected by a segment"),),
            data_categories=(DataCategory(_l("Identity, e-mail and postal address")),
                             DataCategory(_l("Consents and unsubscriptions"))),
            recipients=(_l("The commune's communication service"),),
            retention=_l("The list of recipients of a campaign: as long as the campaign is kept."),
            transfers=_l("None outside the European Union."),
        ),
    ]


@hookimpl
def grc_blueprints():
    from .public import blueprint, links

    return [blueprint, links]


@hookimpl
def grc_admin_views():
    from .views import CampaignsView

    return [CampaignsView(name=_l("Campaigns"), endpoint="campagnes_campaigns", url="/admin/campagnes",
                          category=_l("Citizens"))]


@hookimpl
def grc_citizen_panels(citizen):
    from sqlalchemy import select

    from .models import Campaign, CampaignRecipient
    from .views import RECIPIENT_LABELS, RESULT_LABELS

    rows = db.session.execute(select(Campaign, CampaignRecipient).join(
        CampaignRecipient, CampaignRecipient.campaign_id == Campaign.id).where(
        CampaignRecipient.citizen_id == citizen.id).order_by(Campaign.created_at.desc())).all()
    if not rows:
        return []
    return [CitizenPanel(_l("Campaigns"), "campagnes/panel.html",
                         {"rows": rows, "status_labels": RECIPIENT_LABELS, "reason_labels": RESULT_LABELS},
                         order=80)]


@hookimpl
def grc_tick(commune, now):
    sending.start_due(commune, now)
    sending.sync_delivery(now)


@hookimpl
def grc_demo_data(commune):
    from .demo import load

    load(commune)
