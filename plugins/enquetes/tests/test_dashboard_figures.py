"""Perceived quality on the core's dashboards: mean satisfaction, share
« résolu », response rate — computed exactly, each figure opening the list
of exactly the requests it counts, with its method text and CSV/XLSX export;
élus get the figures without a list."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from html import unescape

from grc_core.plugin_api import Request, db
from grc_core.plugin_api.testing import in_commune
from plugins.enquetes.models import SurveyInvitation

from .test_surveys import client_of, closed_request, town  # noqa: F401  (the fixture)

NOVEMBER = "period=custom&start=2026-11-01&end=2026-11-30"
SENT = datetime(2026, 11, 10, 9, tzinfo=timezone.utc)


def surveyed(town, answers):
    """One closed request per (score, resolved) with its survey sent on 10 November; score None: not answered."""
    ids = []
    for score, resolved in answers:
        request_id = closed_request(town, "oui", SENT)
        with in_commune(town["app"], town["commune"]):
            request = db.session.get(Request, request_id)
            db.session.add(SurveyInvitation(
                request_id=request_id, citizen_id=request.citizen_id, request_type_id=request.request_type_id,
                service_id=request.service_id, closed_at=SENT, due_at=SENT, status="answered" if score else "sent",
                site_url="https://villeneuve.example.org/", sent_at=SENT, score=score, resolved=resolved,
                answered_at=SENT if score else None))
            db.session.commit()
        ids.append(request_id)
    return ids


def number_widget(html, widget):
    start = html.index(f'data-widget="{widget}"')
    section = html[start:html.index("</section>", start)]
    value = re.search(r'data-value="([^"]*)"', section).group(1)
    figure = section[section.index('class="grc-number"'):]
    link = re.search(r'<a href="([^"]+)">', figure[:figure.index("</div>")])
    return value, unescape(link.group(1)) if link else None, section


def listed(client, link):
    page = client.get(link).get_data(as_text=True)
    table = re.search(r'<table[^>]*id="surveyed-requests".*?</table>', page, re.S).group(0)
    return re.findall(r"<tr><td><a[^>]*>([^<]+)</a>", table), page


def test_figures_and_their_drilldowns(town):
    app = town["app"]
    surveyed(town, [(5, "yes"), (4, "partly"), (2, "no"), (None, ""), (3, "")])
    client = client_of(app, "chef@a.fr")
    for board, suffix in (("strategic", "strategic"), ("operational", "operational")):
        html = client.get(f"/admin/dashboards/{board}/?{NOVEMBER}").get_data(as_text=True)
        mean, mean_link, section = number_widget(html, f"enquetes.satisfaction.{suffix}")
        # 4 answers of 5 surveys: mean (5 + 4 + 2 + 3) / 4 = 3.5; resolved: 1 « yes » of 3 said; rate 80 %.
        assert mean == "3.5" and "Mean of the scores" in section
        resolved, resolved_link, _s = number_widget(html, f"enquetes.resolved.{suffix}")
        assert resolved == "33.3"
        rate, rate_link, _s = number_widget(html, f"enquetes.response_rate.{suffix}")
        assert rate == "80.0"
        # Each figure opens exactly the requests it counts.
        assert len(listed(client, mean_link)[0]) == 4
        assert len(listed(client, resolved_link)[0]) == 3
        references, page = listed(client, rate_link)
        assert len(references) == 5 and "5 closing surveys counted" in page
    # Another period counts none of them.
    html = client.get("/admin/dashboards/strategic/?period=custom&start=2026-10-01&end=2026-10-31").get_data(
        as_text=True)
    assert number_widget(html, "enquetes.satisfaction.strategic")[0] == ""
    export = client.get(f"/admin/dashboards/strategic/export/enquetes.satisfaction.strategic.csv?{NOVEMBER}")
    assert export.status_code == 200 and "3.5" in export.get_data().decode("utf-8-sig")
    assert client.get(f"/admin/dashboards/strategic/export/enquetes.resolved.strategic.xlsx?{NOVEMBER}"
                      ).status_code == 200


def test_elus_see_the_figures_without_the_list(town):
    surveyed(town, [(5, "yes"), (1, "no")])
    manager = client_of(town["app"], "chef@a.fr")
    link = number_widget(manager.get(f"/admin/dashboards/strategic/?{NOVEMBER}").get_data(as_text=True),
                         "enquetes.satisfaction.strategic")[1]
    elu = client_of(town["app"], "elu@a.fr")
    value, elu_link, _section = number_widget(elu.get(f"/admin/dashboards/strategic/?{NOVEMBER}").get_data(
        as_text=True), "enquetes.satisfaction.strategic")
    assert value == "3.0" and elu_link is None
    assert elu.get(link).status_code == 403
    assert elu.get(f"/admin/dashboards/strategic/export/enquetes.satisfaction.strategic.csv?{NOVEMBER}"
                   ).status_code == 200


def test_the_list_shows_only_what_the_viewer_may_read(town):
    surveyed(town, [(4, "yes")])
    agent = client_of(town["app"], "agent@a.fr")
    value, link, _section = number_widget(agent.get(f"/admin/dashboards/operational/?{NOVEMBER}").get_data(
        as_text=True), "enquetes.satisfaction.operational")
    assert value == "4.0" and len(listed(agent, link)[0]) == 1
    # A malformed link is refused; another commune's admin counts nothing of it.
    assert agent.get("/admin/enquetes/requests/?figure=mean&start=x&end=y").status_code == 400
    assert agent.get("/admin/enquetes/requests/?figure=zzz&start=2026-11-01&end=2026-11-30").status_code == 400
    other = client_of(town["app"], "admin@b.fr").get(link)
    assert other.status_code == 200 and "0 closing surveys counted" in other.get_data(as_text=True)


def test_the_figures_are_read_from_the_index_alone(town):  # noqa: F811
    """enquetes_0004: the figures' grouped query on the surveys themselves (a
    year of them: 177,738 of 500,000 in the bench; since enquetes_0005 only
    for the filters the daily counts do not keep) reads
    ix_enquetes_invitation_sent, which holds every column it tests, groups
    and sums — never the table."""
    from datetime import date

    from sqlalchemy import event, text

    from grc_core.plugin_api import IndicatorFilters
    from plugins.enquetes import indicators

    sent = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if "GROUP BY enquetes_invitation.request_type_id" in statement and "sum(" in statement:
            sent.append((statement, parameters))

    with town["app"].test_request_context(), in_commune(town["app"], town["commune"]):
        event.listen(db.engine, "before_cursor_execute", grab)
        try:
            indicators._per_type(IndicatorFilters(start=date(2026, 1, 1), end=date(2026, 12, 31),
                                                  today=date(2026, 12, 7)))
        finally:
            event.remove(db.engine, "before_cursor_execute", grab)
        statement, parameters = sent[-1]
        connection = db.session.connection()
        if db.engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a tiny table is rightly scanned
            connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
            plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))
            assert "Index Only Scan using ix_enquetes_invitation_sent" in plan, plan
        else:
            plan = "\n".join(str(row[-1]) for row in connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", parameters))
            assert "USING COVERING INDEX ix_enquetes_invitation_sent" in plan, plan
        db.session.rollback()
