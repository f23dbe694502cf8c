"""Segments (grc_core.segments): each criterion on a known population, the
combinations, the checks of a definition, the confidential files an author
may not read, and the back-office builder."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from flask import g
from sqlalchemy import event, func, select

from grc_core.extensions import db
from grc_core.models import AuditEvent, Citizen, Consent, HouseholdLink, Membership, Request, Segment, User, utcnow
from grc_core.plugin_api import SegmentContext
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune, post_form
from grc_core.segments import SegmentError, count, criteria_for, matching_ids, parse_definition, sample
from grc_core.segments.criteria import commune_quartiers
from grc_core.segments.definition import describe

from tests.test_citizen_helpers import english, make_citizen, make_request

TODAY = date(2026, 6, 15)


@pytest.fixture
def town(privacy_app):
    """Villeneuve's population, each person chosen for a criterion's edge."""
    app = privacy_app
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["secret"])
    other = make_commune(app, "Saint-Aubin", "45902", "saint-aubin", plugins=["secret"])
    make_agent(app, commune, "admin@a.fr", "admin")
    make_agent(app, commune, "ccas@a.fr", "admin", permissions=["secret.read"])
    make_agent(app, commune, "com@a.fr", "agent", permissions=["core.segments"])
    make_agent(app, commune, "agent@a.fr", "agent")
    make_agent(app, commune, "elu@a.fr", "elu", permissions=["core.segments"])
    people = {
        # 75 today (born on this day 75 years ago), 74 until tomorrow, 75 since yesterday.
        "jeanne": make_citizen(app, commune, "Jeanne", "Morel", birth_date=date(1951, 6, 15), quartier="Centre",
                               address_street="Rue de la République", postcode="45000"),
        "paul": make_citizen(app, commune, "Paul", "Morel", birth_date=date(1951, 6, 16), quartier="Centre",
                             address_street="Rue de la Gare"),
        "louis": make_citizen(app, commune, "Louis", "Bernard", birth_date=date(1951, 6, 14), quartier="Les Prés",
                              address_street="Avenue 100% Verte"),
        # Born on 29 February: 16 on 28 February of a common year.
        "lea": make_citizen(app, commune, "Léa", "Petit", birth_date=date(2008, 2, 29), quartier="Les Prés"),
        "nobirth": make_citizen(app, commune, "Sam", "Inconnu"),
        # Known only through a confidential file.
        "secret": make_citizen(app, commune, "Marc", "Discret", birth_date=date(1940, 1, 1), quartier="Centre"),
    }
    make_citizen(app, other, "Autre", "Commune", birth_date=date(1930, 1, 1), quartier="Centre")
    with in_commune(app, commune):
        merged = Citizen(first_name="Jeanne", last_name="Morel-Doublon", birth_date=date(1950, 1, 1),
                         quartier="Centre", merged_into_id=people["jeanne"])
        db.session.add(merged)
        db.session.add_all([
            HouseholdLink(citizen_id=people["jeanne"], relative_id=people["lea"], relation="child"),
            HouseholdLink(citizen_id=people["lea"], relative_id=people["jeanne"], relation="parent"),
            HouseholdLink(citizen_id=people["jeanne"], relative_id=people["paul"], relation="spouse"),
            HouseholdLink(citizen_id=people["paul"], relative_id=people["jeanne"], relation="spouse"),
            Consent(citizen_id=people["jeanne"], channel="email", purpose="information_municipale"),
            Consent(citizen_id=people["paul"], channel="email", purpose="information_municipale",
                    revoked_at=utcnow()),
            Consent(citizen_id=people["louis"], channel="sms", purpose="information_municipale"),
        ])
        db.session.commit()
    make_request(app, commune, people["jeanne"], "2026-00001", received=datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc))
    make_request(app, commune, people["louis"], "2026-00002", received=datetime(2026, 5, 10, 9, tzinfo=timezone.utc),
                 state="terminee")
    make_request(app, commune, people["secret"], "2026-00003", type_code="secret.dossier",
                 type_label="Dossier secret", plugin="secret")
    return {"app": app, "commune": commune, "other": other, **people}


def author(email):
    user = db.session.scalar(select(User).where(User.email == email))
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    return user, membership


def context_of(town, email="admin@a.fr"):
    user, membership = author(email)
    return SegmentContext(commune_id=town["commune"], today=TODAY, user=user, membership=membership)


def one(code, **params):
    return {"match": "all", "items": [{"criterion": code, "params": params}]}


def names(town, definition, email="admin@a.fr"):
    with in_commune(town["app"], town["commune"]):
        context = context_of(town, email)
        ids = set(db.session.scalars(matching_ids(definition, context)))
        assert count(definition, context) == len(ids)
        return {key for key, value in town.items() if isinstance(value, int) and value in ids
                and key not in ("commune", "other")}


AGE_CASES = [
    ({"min_age": 75}, {"jeanne", "louis"}),             # 75 today counts; 74 until tomorrow does not
    ({"max_age": 74}, {"paul", "lea"}),
    ({"min_age": 18, "max_age": 18}, {"lea"}),           # born 29/02/2008: 18 since 28/02/2026
    ({"min_age": 0}, {"jeanne", "paul", "louis", "lea"}),  # no birth date: never in an age band
]


@pytest.mark.parametrize("params, expected", AGE_CASES)
def test_age_counts_from_the_birthday(town, params, expected):
    assert names(town, one("core.age", **params)) == expected


def test_record_criteria(town):
    assert names(town, one("core.quartier", quartiers=["Les Prés"])) == {"louis", "lea"}
    assert names(town, one("core.street", street="république")) == {"jeanne"}
    assert names(town, one("core.street", street="rue de la", postcode="45000")) == {"jeanne"}
    # A % typed by the author is a character, not a wildcard.
    assert names(town, one("core.street", street="100%")) == {"louis"}
    assert names(town, one("core.street", street="%")) == {"louis"}
    assert names(town, one("core.household", role="parent")) == {"jeanne"}
    assert names(town, one("core.household", role="child")) == {"lea"}
    assert names(town, one("core.household", role="couple")) == {"jeanne", "paul"}
    # A withdrawn consent is no consent.
    assert names(town, one("core.consent", channel="email", purpose="information_municipale")) == {"jeanne"}


def test_request_criteria(town):
    assert names(town, one("core.requests")) == {"jeanne", "louis"}
    assert names(town, one("core.requests", state_kind="closed")) == {"louis"}
    # 23:30 UTC on 1 March is 00:30 on 2 March in the commune (UTC+1).
    assert names(town, one("core.requests", received_from="2026-03-02", received_until="2026-03-02")) == {"jeanne"}
    assert names(town, one("core.requests", received_until="2026-03-01")) == set()
    assert names(town, one("core.requests", domain="commune")) == {"jeanne", "louis"}
    assert names(town, one("core.requests", types=["voirie.signalement"], channel="guichet")) == {"jeanne", "louis"}
    assert names(town, one("core.requests", channel="web")) == set()


def test_request_closed_in_a_period(town):
    """« Had a request closed in the period » (barometer surveys): the closure's local day counts."""
    with in_commune(town["app"], town["commune"]):
        closed = db.session.scalar(select(Request).where(Request.reference == "2026-00002"))
        # 22:30 UTC on 31 May is 00:30 on 1 June in the commune (UTC+2).
        closed.closed_at = datetime(2026, 5, 31, 22, 30, tzinfo=timezone.utc)
        db.session.commit()
    assert names(town, one("core.requests", closed_from="2026-06-01", closed_until="2026-06-30")) == {"louis"}
    assert names(town, one("core.requests", closed_until="2026-05-31")) == set()
    assert names(town, one("core.requests", closed_from="2026-06-02")) == set()
    # An open request has no closure: in no closing period.
    assert names(town, one("core.requests", closed_from="2000-01-01")) == {"louis"}


def test_combinations(town):
    seniors = {"criterion": "core.age", "params": {"min_age": 75}}
    centre = {"criterion": "core.quartier", "params": {"quartiers": ["Centre"]}}
    sms = {"criterion": "core.consent", "params": {"channel": "sms", "purpose": "information_municipale"}}
    assert names(town, {"match": "all", "items": [seniors, centre]}) == {"jeanne"}
    assert names(town, {"match": "any", "items": [seniors, centre]}) == {"jeanne", "louis", "paul"}
    assert names(town, {"match": "all", "items": [seniors, {"not": centre}]}) == {"louis"}
    nested = {"match": "all", "items": [{"match": "any", "items": [centre, sms]}, {"not": seniors}]}
    assert names(town, nested) == {"paul"}


def test_merged_records_and_other_communes_are_never_reached(town):
    with in_commune(town["app"], town["commune"]):
        context = context_of(town)
        reached = db.session.scalars(select(Citizen.last_name).where(
            Citizen.id.in_(matching_ids(one("core.quartier", quartiers=["Centre"]), context)))).all()
    assert "Morel-Doublon" not in reached and "Commune" not in reached


def test_a_person_known_only_through_a_confidential_file_is_reached_only_by_who_may_read_it(town):
    centre = one("core.quartier", quartiers=["Centre"])
    assert "secret" not in names(town, centre, "admin@a.fr")
    assert "secret" in names(town, centre, "ccas@a.fr")
    # The confidential type selects nobody for an author outside the CCAS, and its holder for the CCAS.
    by_type = one("core.requests", types=["secret.dossier"])
    assert names(town, by_type, "admin@a.fr") == set()
    assert names(town, by_type, "ccas@a.fr") == {"secret"}
    with in_commune(town["app"], town["commune"]):
        people = [c.last_name for c in sample(centre, context_of(town, "admin@a.fr"))]
    assert "Discret" not in people


def test_an_elected_official_gets_no_criterion_on_requests(town):
    with in_commune(town["app"], town["commune"]):
        offered = criteria_for(context_of(town, "elu@a.fr"))
        assert "core.requests" not in offered and "core.age" in offered
        with pytest.raises(SegmentError, match="core.requests"):
            count(one("core.requests"), context_of(town, "elu@a.fr"))


def test_the_quartiers_offered_are_the_communes_own_in_order(town):
    """Found one probe each (a loose index scan): every quartier of the
    commune's records, the merged-away one's too, none of another commune's,
    never the empty name."""
    make_citizen(town["app"], town["other"], "Hors", "Commune", quartier="Ailleurs")
    make_citizen(town["app"], town["commune"], "Zoé", "Zed", quartier="Zone artisanale")
    with in_commune(town["app"], town["commune"]):
        specs = criteria_for(context_of(town))["core.quartier"][1]
        assert [name for name, _label in specs[0].choices] == ["Centre", "Les Prés", "Zone artisanale"]
    with in_commune(town["app"], town["other"]):
        assert commune_quartiers(town["other"]) == ["Ailleurs", "Centre"]


def test_a_count_reads_the_values_of_the_criteria_it_uses_only(town):
    """The quartiers, the request types, a plugin's schools are read to check
    a criterion's values: a segment on age and consent reads none of them —
    its count sends the count (PostgreSQL adds its setting and its reset)
    and at most the commune, for the author's permissions."""
    sent = []
    with in_commune(town["app"], town["commune"]):
        context = context_of(town)
        count(one("core.age", min_age=75), context)  # the commune and the author loaded once
        record = lambda conn, cursor, statement, *rest: sent.append(statement)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            reached = count({"match": "all", "items": [
                {"criterion": "core.age", "params": {"min_age": 75}},
                {"criterion": "core.consent", "params": {"channel": "email", "purpose": "information_municipale"}}]},
                context)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    assert reached == 1  # Jeanne, 75 today
    queries = [statement for statement in sent if "max_parallel_workers" not in statement]
    assert "count(citizen.id)" in queries[-1], sent
    assert all(statement.startswith("SELECT commune.") for statement in queries[:-1]), sent


BAD_DEFINITIONS = [
    ([], "A segment is a group of criteria."),
    ({"match": "some", "items": []}, "A group matches « all » or « any » of its criteria."),
    ({"match": "all", "items": []}, "Choose at least one criterion."),
    (one("core.nope"), "Unknown criterion « core.nope »."),
    (one("core.age", min_age="soixante"), "« From (years) » must be a whole number."),
    (one("core.age", min_age=True), "« From (years) » must be a whole number."),
    (one("core.age", min_age=200), "« From (years) » must be between 0 and 130."),
    (one("core.age", shoe_size=42), "« Age » has no value « shoe_size »."),
    (one("core.household", role="cousin"), "« Role » must be one of the proposed values."),
    (one("core.household"), "« Household role »: « Role » is required."),
    (one("core.requests", received_from="15/03/2026"), "« Received from » must be a date (YYYY-MM-DD)."),
    (one("core.quartier", quartiers=["Nowhere"]), "« Quartiers » must be among the proposed values."),
    ({"match": "all", "items": [{"criterion": "core.age", "params": "75"}]}, "The values of « Age » are malformed."),
    ({"not": {"not": {"not": {"not": {"not": {"not": one("core.age", min_age=1)}}}}}},
     "Groups are nested too deeply (at most 4 levels)."),
]


@pytest.mark.parametrize("definition, message", BAD_DEFINITIONS)
def test_a_wrong_definition_is_refused_with_the_reason(town, definition, message):
    with town["app"].test_request_context(headers={"Accept-Language": "en"}), in_commune(town["app"], town["commune"]):
        with pytest.raises(SegmentError) as refused:
            parse_definition(definition, criteria_for(context_of(town)))
    assert str(refused.value) == message


def test_a_definition_reads_in_words(town):
    definition = {"match": "all", "items": [
        {"criterion": "core.age", "params": {"min_age": 75}},
        {"not": {"criterion": "core.consent", "params": {"channel": "sms", "purpose": "information_municipale"}}}]}
    with town["app"].test_request_context(headers={"Accept-Language": "en"}), in_commune(town["app"], town["commune"]):
        criteria = criteria_for(context_of(town))
        words = describe(parse_definition(definition, criteria), criteria)
    assert words == "Age (From (years): 75) and except Consent given (Channel: SMS, Purpose: Municipal information)"


# --- the back office -----------------------------------------------------------------------


def client_of(app, email):
    client = english(app.test_client())
    login(client, email)
    return client


def stored(town):
    with in_commune(town["app"], town["commune"]):
        return [(s.name, s.definition) for s in db.session.scalars(select(Segment).order_by(Segment.id))]


BUILDER = {"name": "Seniors du centre", "description": "Plan canicule", "match": "all",
           "mode-core.age": "include", "param-core.age-min_age": "30",
           "mode-core.quartier": "include", "param-core.quartier-quartiers": "Centre",
           "mode-core.consent": "exclude", "param-core.consent-channel": "sms",
           "param-core.consent-purpose": "information_municipale"}


def test_the_builder_previews_then_saves(town):
    app = town["app"]
    client = client_of(app, "com@a.fr")
    page = client.get("/admin/segments/new").get_data(as_text=True)
    assert "Has filed a request" in page and "Les Prés" in page
    preview = post_form(client, "/admin/segments/new", {**BUILDER, "action": "preview"}).get_data(as_text=True)
    # Jeanne and Paul (over 30, Centre); not Louis (Les Prés), not Léa (18), not the merged record.
    assert 'data-grc-segment-count="2"' in preview and "Jeanne Morel" in preview and "Paul Morel" in preview
    assert "Morel-Doublon" not in preview
    assert 'value="Seniors du centre"' in preview  # what was typed is shown again
    assert stored(town) == []
    response = post_form(client, "/admin/segments/new", {**BUILDER, "action": "save"})
    assert response.status_code == 302
    [(name, definition)] = stored(town)
    assert name == "Seniors du centre"
    assert definition == {"match": "all", "items": [
        {"criterion": "core.age", "params": {"min_age": 30, "max_age": None}},
        {"criterion": "core.quartier", "params": {"quartiers": ["Centre"]}},
        {"not": {"criterion": "core.consent", "params": {"channel": "sms", "purpose": "information_municipale"}}}]}
    details = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-grc-segment-count="2"' in details and "except Consent given" in details
    with in_commune(app, town["commune"]):
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "segment.created")) == 1


@pytest.mark.parametrize("change, message", [
    ({"name": ""}, "Give the segment a name."),
    ({"param-core.age-min_age": "soixante"}, "« From (years) » must be a whole number."),
    ({"mode-core.age": "ignore", "mode-core.quartier": "ignore", "mode-core.consent": "ignore"},
     "Choose at least one criterion."),
])
def test_bad_input_is_explained_and_nothing_is_stored(town, change, message):
    client = client_of(town["app"], "com@a.fr")
    page = post_form(client, "/admin/segments/new", {**BUILDER, **change, "action": "save"}).get_data(as_text=True)
    assert message in page
    assert stored(town) == []


def test_a_nested_definition_is_edited_as_json_and_a_name_is_unique(town):
    app = town["app"]
    client = client_of(app, "com@a.fr")
    post_form(client, "/admin/segments/new", {**BUILDER, "action": "save"})
    nested = {"match": "any", "items": [{"match": "all", "items": [
        {"criterion": "core.age", "params": {"min_age": 75}},
        {"criterion": "core.quartier", "params": {"quartiers": ["Les Prés"]}}]}]}
    import json
    response = post_form(client, "/admin/segments/new", {"name": "Seniors du centre", "editor": "json",
                                                         "definition_json": json.dumps(nested), "action": "save"})
    assert "Another segment already has this name." in response.get_data(as_text=True)
    response = post_form(client, "/admin/segments/new", {"name": "Seniors des Prés", "editor": "json",
                                                         "definition_json": json.dumps(nested), "action": "save"})
    assert response.status_code == 302
    edit = client.get(response.headers["Location"] + "/edit").get_data(as_text=True)
    assert 'name="definition_json"' in edit and "Les Prés" in edit
    bad = post_form(client, response.headers["Location"] + "/edit",
                    {"name": "Seniors des Prés", "editor": "json", "definition_json": "{oops", "action": "save"})
    assert "The definition is not valid JSON." in bad.get_data(as_text=True)
    assert [name for name, _ in stored(town)] == ["Seniors du centre", "Seniors des Prés"]


def test_who_may_build_segments(town):
    app = town["app"]
    assert client_of(app, "agent@a.fr").get("/admin/segments/").status_code == 403
    assert client_of(app, "admin@a.fr").get("/admin/segments/").status_code == 200
    com = client_of(app, "com@a.fr")
    post_form(com, "/admin/segments/new", {**BUILDER, "action": "save"})
    with in_commune(app, town["commune"]):
        segment_id = db.session.scalar(select(Segment.id))
    # Another commune's administrator: absent.
    make_agent(app, town["other"], "admin@b.fr", "admin")
    outsider = client_of(app, "admin@b.fr")
    assert outsider.get(f"/admin/segments/{segment_id}").status_code == 404
    assert post_form(outsider, f"/admin/segments/{segment_id}/delete").status_code == 404
    assert len(stored(town)) == 1
    response = post_form(com, f"/admin/segments/{segment_id}/delete")
    assert response.status_code == 302 and stored(town) == []


def test_a_segment_shows_only_what_its_reader_may_see(town):
    """Saved by the CCAS, opened by the front desk: the CCAS-only person is not in the count."""
    app = town["app"]
    ccas = client_of(app, "ccas@a.fr")
    post_form(ccas, "/admin/segments/new", {"name": "Centre", "match": "all", "mode-core.quartier": "include",
                                            "param-core.quartier-quartiers": "Centre", "action": "save"})
    with in_commune(app, town["commune"]):
        segment_id = db.session.scalar(select(Segment.id))
    assert 'data-grc-segment-count="3"' in ccas.get(f"/admin/segments/{segment_id}").get_data(as_text=True)
    page = client_of(app, "admin@a.fr").get(f"/admin/segments/{segment_id}").get_data(as_text=True)
    assert 'data-grc-segment-count="2"' in page and "Discret" not in page
