"""The public pages of campaigns: unsubscribing, without signing in, and the
redirect of tracked links (tracking.py).

The link of every message and its ``List-Unsubscribe`` header lead here; the
signed token names the recipient. A mail client's one-click POST (RFC 8058)
records the withdrawal at once; a browser's GET shows one button, so that a
link scanner opening the URL unsubscribes nobody."""
from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request
from sqlalchemy import select, update

from grc_core.plugin_api import Commune, csrf_exempt, db, record_audit_event, use_commune, utcnow

from . import tracking
from .models import CampaignRecipient, TrackedLink
from .sending import UNSUBSCRIBE_PATH, recipient_of, unsubscribe

blueprint = Blueprint("campagnes_public", __name__, url_prefix=UNSUBSCRIBE_PATH.rstrip("/"))
# Under the commune's public prefix: the core resolves the commune from the slug.
links = Blueprint("campagnes_links", __name__, url_prefix="/c/<commune_slug>/campagnes")


def _recipient(token: str) -> CampaignRecipient:
    found = recipient_of(token)
    if found is None:
        abort(404)
    commune_id, recipient_id = found
    with use_commune(commune_id):
        recipient = db.session.get(CampaignRecipient, recipient_id)
    if recipient is None or recipient.commune_id != commune_id:
        abort(404)
    return recipient


@blueprint.route("/<token>", methods=("GET", "POST"))
@csrf_exempt  # the signed token is the proof; a mail client's one-click POST has no session
def unsubscribe_page(token):
    recipient = _recipient(token)
    done = recipient.unsubscribed_at is not None
    if request.method == "POST":
        with use_commune(recipient.commune_id):
            recipient = db.session.get(CampaignRecipient, recipient.id)
            if unsubscribe(recipient, utcnow()):
                record_audit_event("campagnes.unsubscribed", target=recipient.campaign.name, commit=False)
            db.session.commit()
        done = True
    return render_template("campagnes/public/unsubscribe.html", token=token, done=done,
                           commune=db.session.get(Commune, recipient.commune_id))


@links.route("/l/<token>")
def follow_link(commune_slug, token):
    """Record the recipient's first click, then go to the link kept for the
    campaign — only there (no URL is read from the request)."""
    found = tracking.read_token(token)
    commune = g.get("grc_commune")
    if found is None or commune is None or found[0] != commune.id:
        abort(404)
    _commune_id, recipient_id, link_id = found
    # Queries, not session.get: the commune's scope applies to them.
    recipient = db.session.scalar(select(CampaignRecipient).where(CampaignRecipient.id == recipient_id))
    link = db.session.scalar(select(TrackedLink).where(TrackedLink.id == link_id))
    if recipient is None or link is None or link.campaign_id != recipient.campaign_id:
        abort(404)
    # First click only, even when two arrive together.
    db.session.execute(update(CampaignRecipient).where(
        CampaignRecipient.id == recipient.id, CampaignRecipient.clicked_at.is_(None)).values(clicked_at=utcnow())
        .execution_options(synchronize_session=False))
    db.session.commit()
    return redirect(link.url, code=302)
