"""Back-office pages of the recensement citoyen: the attestation to print from
a request's page and the quarterly list sent to the military office (CSV)."""
from __future__ import annotations

from datetime import date, datetime, time

from flask import abort, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from grc_core.plugin_api import (
    LOCAL_TIMEZONE, Request, RequestType, SecureView, current_commune, db, local_date, parse_int,
    readable_request_or_404,
    spreadsheet_download,
)

from . import checks, rules
from . import request_types as rt
from .dates import day_in_words

# Years a list may be asked for (a bad one is 404, never a date out of range).
YEARS = (1901, 2199)
# States that mean the person was not recensed.
NOT_RECENSED = ("refusee", "classee")


def quarter_bounds(year: int, quarter: int) -> tuple[datetime, datetime]:
    first = date(year, 3 * quarter - 2, 1)
    after = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return (datetime.combine(first, time(0), tzinfo=LOCAL_TIMEZONE),
            datetime.combine(after, time(0), tzinfo=LOCAL_TIMEZONE))


def quarter_requests(year: int, quarter: int) -> list[Request]:
    """Recensements received in the quarter, oldest first (R*111-8: by date of declaration)."""
    start, end = quarter_bounds(year, quarter)
    return list(db.session.scalars(
        select(Request).join(RequestType, Request.request_type_id == RequestType.id)
        .where(RequestType.code == rt.RECENSEMENT, Request.received_at >= start, Request.received_at < end,
               Request.state.not_in(NOT_RECENSED))
        .order_by(Request.received_at, Request.id)))


def _person(req: Request) -> dict:
    data = req.data or {}
    recensed_on = local_date(req.received_at)
    status = checks.recensement_status(data, recensed_on)
    return {
        "reference": req.reference, "nom": data.get("jeune_nom", ""), "prenoms": data.get("jeune_prenoms", ""),
        "date_naissance": checks.as_date(data.get("jeune_date_naissance")),
        "lieu_naissance": data.get("jeune_lieu_naissance", ""), "adresse": data.get("adresse", ""),
        "recense_le": recensed_on, "statut": status,
    }


STATUS_LABELS = {
    rules.RecensementStatus.TROP_TOT: _l("before 16"),
    rules.RecensementStatus.DANS_LES_DELAIS: _l("on time"),
    rules.RecensementStatus.REGULARISATION: _l("regularisation"),
    rules.RecensementStatus.HORS_DELAI: _l("too late"),
}


class RecensementView(SecureView):
    permission = "etat_civil.deliver"

    @expose("/")
    def index(self):
        today = local_date(datetime.now(LOCAL_TIMEZONE))
        year = parse_int(request.args.get("annee", today.year), low=YEARS[0], high=YEARS[1])
        if year is None:
            abort(404)
        quarters = [(q, len(quarter_requests(year, q))) for q in range(1, 5)]
        return self.render("etat_civil/recensement_index.html", year=year, quarters=quarters,
                           commune=current_commune())

    @expose("/liste.csv")
    def quarterly_list(self):
        year = parse_int(request.args.get("annee"), low=YEARS[0], high=YEARS[1])
        quarter = parse_int(request.args.get("trimestre"), low=1, high=4)
        if year is None or quarter is None:
            abort(404)
        table = [[_("Reference"), _("Last name"), _("First names"), _("Date of birth"), _("Place of birth"),
                  _("Address"), _("Recensed on"), _("Situation")]]
        for req in quarter_requests(year, quarter):
            person = _person(req)
            table.append([
                person["reference"], person["nom"], person["prenoms"], person["date_naissance"],
                person["lieu_naissance"], " ".join(str(person["adresse"]).split()),
                person["recense_le"], str(STATUS_LABELS.get(person["statut"], "")),
            ])
        return spreadsheet_download(table, "csv", f"recensement-{year}-T{quarter}")

    @expose("/<id:request_id>/attestation")
    def attestation(self, request_id):
        req = readable_request_or_404(request_id)
        if req.request_type.code != rt.RECENSEMENT:
            abort(404)
        if req.state != "attestation_delivree":
            abort(404)
        person = _person(req)
        return self.render("etat_civil/attestation.html", person=person, commune=current_commune(),
                           format_date=day_in_words, status_label=STATUS_LABELS.get(person["statut"], ""),
                           title=_("Certificate of recensement"))
