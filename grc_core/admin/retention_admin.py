"""Back-office page "Conservation des données": what each retention policy
will anonymise, and when, before ``grc tick`` does it; an admin may run it now."""
from __future__ import annotations

from flask import flash, g, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..retention.engine import PREVIEW_DAYS, pending, run_retention, today_in_paris
from ..requests.confidentiality import visible_permissions
from ..security.permissions import require
from .base import SecureView

# Rows shown per list: the first run after years of data may find thousands.
SHOWN = 200


class RetentionView(SecureView):
    permission = "core.admin"

    @expose("/")
    def index(self):
        today = today_in_paris()
        return self.render("grc/retention/index.html", previews=pending(g.grc_commune, today), today=today,
                           horizon=PREVIEW_DAYS, shown=SHOWN, permissions=visible_permissions())

    @expose("/run", methods=["POST"])
    def run(self):
        require(self.permission)
        counts = run_retention(g.grc_commune, today_in_paris(), actor=current_user)
        failed = [code for code, count in counts.items() if count is None]
        total = sum(count for count in counts.values() if count)
        if failed:
            flash(_("Some policies failed and will be retried: %(codes)s.", codes=", ".join(failed)), "error")
        if total:
            flash(_("%(n)d record(s) anonymised.", n=total), "success")
        elif not failed:
            flash(_("Nothing was due: no record anonymised."), "info")
        return redirect(url_for(".index"))


def views() -> list:
    from .views import ADMINISTRATION

    return [RetentionView(name=_l("Data retention"), category=ADMINISTRATION, endpoint="core_retention")]
