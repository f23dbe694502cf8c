"""The register of vulnerable persons in the back office: only for the persons
the maire designated (``social.registre``, R121-2 s.). Every display of the
register and every export is logged (audit); the préfet's export is refused
unless a plan d'alerte is in force."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _

from grc_core.plugin_api import SecureView, record_audit_event, spreadsheet_download

from . import register


class RegisterView(SecureView):
    permission = "social.registre"

    @expose("/")
    def index(self):
        entries = register.entries()
        record_audit_event("social.registre.read", target="social_registre", details={"entries": len(entries)})
        return self.render("social/registre.html", entries=entries, alert=register.active_alert(),
                           kinds=register.ALERT_KINDS, quality_labels=register.QUALITY_LABELS)

    @expose("/alerte", methods=["POST"])
    def declare(self):
        kind = request.form.get("kind", "")
        if kind not in dict(register.ALERT_KINDS):
            flash(_("Choose the kind of alert."), "error")
        elif register.active_alert() is not None:
            flash(_("An alert is already in force."), "error")
        else:
            register.declare_alert(kind, request.form.get("reference", ""), current_user_or_none())
            flash(_("Alert declared: the register may be exported for the préfet."), "success")
        return redirect(url_for(".index"))

    @expose("/alerte/fin", methods=["POST"])
    def end(self):
        # The alert in force, never one named in the URL: no id to guess.
        alert = register.active_alert()
        if alert is None:
            abort(404)
        register.end_alert(alert)
        flash(_("Alert ended."), "success")
        return redirect(url_for(".index"))

    @expose("/prefet.csv")
    def prefect_export(self):
        try:
            table = register.prefect_export()
        except register.ExportRefused as refusal:
            flash(str(refusal), "error")
            return redirect(url_for(".index"))
        return spreadsheet_download(table, "csv", f"registre-personnes-vulnerables-{date.today().isoformat()}")


def current_user_or_none():
    from flask_login import current_user

    return current_user if current_user.is_authenticated else None
