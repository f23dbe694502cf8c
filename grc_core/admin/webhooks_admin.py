"""Page "Webhooks" of the commune's administrator: the endpoints (address,
events; the signing secret shown once, at creation), deactivation, and the
delivery log — status, attempts, the receiver's answer — with a button to
send a delivery again. Creations, deactivations and replays are audited."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import SelectMultipleField, URLField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..audit import record
from ..extensions import db
from ..forms.hygiene import GrcForm
from ..models import WebhookDelivery, WebhookEndpoint
from ..security.ids import parse_id
from ..security.permissions import require
from ..webapi.webhooks import new_secret, replay, target_problem
from .base import SecureView
from .views import ADMINISTRATION

EVENT_LABELS = {
    "request.created": _l("A request is filed"),
    "request.state_changed": _l("A request changes state"),
    "request.closed": _l("A request is closed"),
    "message.added": _l("A message or note is added"),
}
LOG_SIZE = 100


class WebhookForm(GrcForm):
    url = URLField(_l("Address (https://…)"), [DataRequired(message=_l("Give the receiver's address.")),
                                                Length(max=500)])
    events = SelectMultipleField(
        _l("Events"), [DataRequired(message=_l("Choose at least one event."))],
        choices=list(EVENT_LABELS.items()), default=list(EVENT_LABELS),
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )


class WebhooksView(SecureView):
    permission = "core.admin"

    def _page(self, form, secret=None, created=None):
        endpoints = list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))
        deliveries = list(db.session.scalars(select(WebhookDelivery).options(joinedload(WebhookDelivery.endpoint))
                                             .order_by(WebhookDelivery.id.desc()).limit(LOG_SIZE)))
        return self.render("grc/webhooks.html", form=form, endpoints=endpoints, deliveries=deliveries,
                           secret=secret, created=created, event_labels=EVENT_LABELS)

    @expose("/", methods=("GET", "POST"))
    def index(self):
        form = WebhookForm()
        if not form.validate_on_submit():
            return self._page(form)
        require(self.permission)
        problem = target_problem(form.url.data.strip())
        if problem:
            form.url.errors = [problem]
            return self._page(form)
        endpoint = WebhookEndpoint(url=form.url.data.strip(), events=list(form.events.data), secret=new_secret())
        db.session.add(endpoint)
        db.session.flush()
        record("webhook.created", target=endpoint.url, details={"events": endpoint.events}, commit=False)
        db.session.commit()
        return self._page(WebhookForm(formdata=None), secret=endpoint.secret, created=endpoint)

    def _row(self, model, row_id):
        row_id = parse_id(row_id)
        # A query, not session.get: the commune's scoping applies.
        row = None if row_id is None else db.session.scalar(select(model).where(model.id == row_id))
        if row is None:
            abort(404)
        return row

    @expose("/<id:endpoint_id>/deactivate", methods=("POST",))
    def deactivate(self, endpoint_id):
        require(self.permission)
        endpoint = self._row(WebhookEndpoint, endpoint_id)
        if endpoint.active:
            endpoint.active = False
            record("webhook.deactivated", target=endpoint.url, commit=False)
            db.session.commit()
            flash(_("No more events will be sent to %(url)s.", url=endpoint.url), "success")
        return redirect(url_for(".index"))

    @expose("/deliveries/<id:delivery_id>/replay", methods=("POST",))
    def replay_delivery(self, delivery_id):
        require(self.permission)
        delivery = self._row(WebhookDelivery, delivery_id)
        record("webhook.replayed", target=delivery.message_id, details={"event": delivery.event}, commit=False)
        replay(delivery)
        flash(_("The delivery will be sent again."), "success")
        return redirect(url_for(".index"))


def views() -> list:
    return [WebhooksView(name=_l("Webhooks"), category=ADMINISTRATION, endpoint="core_webhooks")]
