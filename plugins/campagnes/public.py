"""The one public page of campaigns: unsubscribing, without signing in.

The link of every message and its ``List-Unsubscribe`` header lead here; the
signed token names the recipient. A mail client's one-click POST (RFC 8058)
records the withdrawal at once; a browser's GET shows one button, so that a
link scanner opening the URL unsubscribes nobody."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from grc_core.plugin_api import Commune, csrf_exempt, db, record_audit_event, use_commune, utcnow

from .models import CampaignRecipient
from .sending import UNSUBSCRIBE_PATH, recipient_of, unsubscribe

blueprint = Blueprint("campagnes_public", __name__, url_prefix=UNSUBSCRIBE_PATH.rstrip("/"))


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
