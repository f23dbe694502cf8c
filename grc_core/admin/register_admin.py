"""Back-office page "Register of processing activities" (GDPR art. 30): what
the core and the commune's active domains declare, for the commune's
administrators and its data protection officer; exported as CSV, XLSX or a
printable page."""
from __future__ import annotations

from flask import g
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit import record
from ..retention import register
from ..retention.engine import today_in_paris
from ..spreadsheet import download
from .base import SecureView


class ProcessingRegisterView(SecureView):
    permission = "core.admin"

    @expose("/")
    def index(self):
        return self.render("grc/retention/register.html", entries=register.entries(g.grc_commune),
                           commune=g.grc_commune, printable=False)

    @expose("/print")
    def printable(self):
        return self.render("grc/retention/register.html", entries=register.entries(g.grc_commune),
                           commune=g.grc_commune, printable=True, today=today_in_paris())

    @expose("/export.<any(csv, xlsx):fmt>")
    def export(self, fmt):
        record("processing_register.export", target=fmt)
        return download(register.table(g.grc_commune), fmt,
                        f"registre-traitements-{g.grc_commune.slug}-{today_in_paris().isoformat()}",
                        title=_("Register"))


def views() -> list:
    from .views import ADMINISTRATION

    return [ProcessingRegisterView(name=_l("Register of processing activities"), category=ADMINISTRATION,
                                   endpoint="core_processing_register")]
