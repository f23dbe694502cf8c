"""Page "API keys" of the commune's administrator: the keys with their
scopes, role and last use; a form that creates one and shows its secret
once (never redirected, never flashed: the secret stays out of the session
cookie); revocation. Each creation and revocation is audited."""
from __future__ import annotations

from flask import abort, flash, g, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..audit import record
from ..extensions import db
from ..forms.hygiene import GrcForm
from ..models import ApiKey
from ..security.ids import parse_id
from ..security.permissions import ROLE_LABELS, require
from ..webapi.keys import create_key, revoke_key
from .base import SecureView
from .views import ADMINISTRATION

SCOPE_LABELS = {
    "open311": _l("Open311: file and follow requests"),
    "read": _l("REST API: read"),
    "write": _l("REST API: write"),
}


class ApiKeyForm(GrcForm):
    name = StringField(_l("Name"), [DataRequired(message=_l("Give the key a name.")), Length(max=120)],
                       description=_l("Which application or integrator uses it."))
    scopes = SelectMultipleField(
        _l("Scopes"), [DataRequired(message=_l("Choose at least one scope."))],
        choices=list(SCOPE_LABELS.items()), default=["open311"],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )
    role = SelectField(_l("Acts as"), choices=[(role, ROLE_LABELS[role]) for role in ("accueil", "manager", "admin")],
                       default="accueil",
                       description=_l("The key reads and acts like an agent of this role, confidential files never."))


class ApiKeysView(SecureView):
    permission = "core.admin"

    def _page(self, form, secret=None, created=None):
        keys = list(db.session.scalars(select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.id.desc())))
        return self.render("grc/api_keys.html", form=form, keys=keys, secret=secret, created=created,
                           scope_labels=SCOPE_LABELS, role_labels=ROLE_LABELS,
                           open311_url=url_for("open311.discovery", commune_slug=g.grc_commune.slug, format="json",
                                               _external=True))

    @expose("/", methods=("GET", "POST"))
    def index(self):
        form = ApiKeyForm()
        if not form.validate_on_submit():
            return self._page(form)
        require(self.permission)
        key, secret = create_key(name=form.name.data, scopes=form.scopes.data, role=form.role.data,
                                 created_by=current_user)
        db.session.flush()
        record("api_key.created", target=key.prefix, details={"name": key.name, "scopes": key.scopes,
                                                               "role": key.role}, commit=False)
        db.session.commit()
        return self._page(ApiKeyForm(formdata=None), secret=secret, created=key)

    @expose("/<id:key_id>/revoke", methods=("POST",))
    def revoke(self, key_id):
        require(self.permission)
        key_id = parse_id(key_id)
        # A query, not session.get: the commune's scoping applies.
        key = None if key_id is None else db.session.scalar(select(ApiKey).where(ApiKey.id == key_id))
        if key is None:
            abort(404)
        if key.revoked_at is None:
            revoke_key(key)
            record("api_key.revoked", target=key.prefix, details={"name": key.name}, commit=False)
            db.session.commit()
            flash(_("The key « %(name)s » is revoked: calls with it are refused from now on.", name=key.name),
                  "success")
        return redirect(url_for(".index"))


def views() -> list:
    return [ApiKeysView(name=_l("API keys"), category=ADMINISTRATION, endpoint="core_api_keys")]
