"""The citizen record: create with duplicate detection, edit, household,
consents, merge — and HTML typed into names shown escaped everywhere."""
from datetime import date

import pytest
from sqlalchemy import func, select

from grc_core.citizens import find_duplicates, merge_citizens
from grc_core.citizens.merge import MergeError
from grc_core.extensions import db
from grc_core.models import AuditEvent, Citizen, Consent, Contact, HouseholdLink, Request, RequestEvent, User
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune, post_form
from tests.test_citizen_helpers import add_contact, at, english, make_citizen, make_request

XSS = '<script>alert("x")</script>'
NEW_CITIZEN = {"civility": "Mme", "last_name": "Lefèvre", "first_name": "Anne", "birth_date": "02/05/1975",
               "email": "anne.lefevre@example.fr", "phone": "06 11 22 33 44", "address_number": "3",
               "address_street": "rue des Lilas", "postcode": "45000", "city": "Villeneuve", "quartier": "Centre"}


@pytest.fixture
def commune(app):
    return make_commune(app, plugins=[])


@pytest.fixture
def agent(app, client, commune):
    make_agent(app, commune, "accueil@a.fr", "accueil")
    login(client, "accueil@a.fr")
    return english(client)


def citizens(app, commune, **where):
    with in_commune(app, commune):
        statement = select(Citizen).filter_by(**where).order_by(Citizen.id)
        return [(c.id, c.first_name, c.last_name) for c in db.session.scalars(statement)]


# --- create, duplicates ---------------------------------------------------------------

def test_creating_a_citizen_stores_every_field_and_opens_the_record(app, agent, commune):
    response = post_form(agent, "/admin/citizens/new", NEW_CITIZEN)
    assert response.status_code == 302
    with in_commune(app, commune):
        citizen = db.session.scalar(select(Citizen))
        assert (citizen.birth_date, citizen.email, citizen.phone_key, citizen.address, citizen.quartier) == (
            date(1975, 5, 2), "anne.lefevre@example.fr", "0611223344", "3 rue des Lilas, 45000 Villeneuve", "Centre")
    assert response.headers["Location"].endswith(f"/admin/citizens/{citizen.id}/")
    page = agent.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mme LEFÈVRE Anne" in page and "born on 5/2/75" in page  # the English short date (Babel)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("last_name", "", "This field is required."),
    ("birth_date", "31/02/1980", "Not a valid date value."),
    ("birth_date", "01/01/2999", "Enter a birth date between 1900 and today."),
    ("email", "pas-une-adresse", "Invalid email address."),
    ("phone", "12", "Enter a phone number, e.g. 06 12 34 56 78."),
    ("postcode", "4500", "A postcode has five digits."),
])
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_stored(app, agent, commune, field, value, message):
    response = post_form(agent, "/admin/citizens/new", {**NEW_CITIZEN, field: value})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<div class="invalid-feedback">{message}</div>' in page
    assert f'id="{field}"' in page
    assert citizens(app, commune) == []


def test_possible_duplicates_are_shown_then_created_only_on_explicit_confirmation(app, agent, commune):
    existing = make_citizen(app, commune, "Anne", "Lefevre", birth_date=date(1975, 5, 2))
    same_mail = make_citizen(app, commune, "Annie", "Leroy", email="anne.lefevre@example.fr")
    response = post_form(agent, "/admin/citizens/new", {**NEW_CITIZEN, "last_name": "Lefaivre"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Possible duplicates" in page
    assert f'href="/admin/citizens/{existing}/"' in page and "same name (by sound) and birth date" in page
    assert f'href="/admin/citizens/{same_mail}/"' in page and "same e-mail address" in page
    assert len(citizens(app, commune)) == 2
    response = post_form(agent, "/admin/citizens/new", {**NEW_CITIZEN, "last_name": "Lefaivre", "create_anyway": "y"})
    assert response.status_code == 302
    assert [name for _, _, name in citizens(app, commune)] == ["Lefevre", "Leroy", "Lefaivre"]


def test_find_duplicates_reasons(app, commune):
    jean = make_citizen(app, commune, "Jean", "Dupont", birth_date=date(1980, 3, 12), phone="0612345678")
    same_name = make_citizen(app, commune, "Jean", "Du-Pont")
    make_citizen(app, commune, "Marie", "Dupont", birth_date=date(1980, 3, 12))  # another first name
    merged = make_citizen(app, commune, "Jean", "Dupont", birth_date=date(1980, 3, 12), merged_into_id=jean)
    with in_commune(app, commune):
        found = {c.id: reason for c, reason in find_duplicates("Jean", "Dupond", date(1980, 3, 12),
                                                               phone="+33 6 12 34 56 78")}
        assert found == {jean: "même nom (à la prononciation) et même date de naissance, même numéro de téléphone"}
        found = {c.id: reason for c, reason in find_duplicates("jean", "DU PONT")}
        assert found == {same_name: "même nom"}
        assert find_duplicates("Jean", "Dupont", date(1980, 3, 12), exclude_id=jean) == []
        assert merged not in {c.id for c, _ in find_duplicates("Jean", "Dupont", date(1980, 3, 12))}


def test_editing_keeps_the_record_and_refreshes_search(app, agent, commune):
    citizen = make_citizen(app, commune, "Anne", "Lefevre")
    response = post_form(agent, f"/admin/citizens/{citizen}/edit", {**NEW_CITIZEN, "last_name": "Martin"})
    assert response.status_code == 302
    assert citizens(app, commune) == [(citizen, "Anne", "Martin")]
    results = agent.get("/admin/citizens/search.json?q=martin anne").get_json()["results"]
    assert [r["id"] for r in results] == [citizen]


# --- household and consents -----------------------------------------------------------

def test_household_links_are_stored_both_ways_and_removed_both_ways(app, agent, commune):
    mother = make_citizen(app, commune, "Anne", "Lefevre")
    son = make_citizen(app, commune, "Hugo", "Lefevre", birth_date=date(2015, 6, 1))
    page = agent.get(f"/admin/citizens/{mother}/?relative_q=hugo+lefevre").get_data(as_text=True)
    assert 'name="relative_id" value="%d"' % son in page
    post_form(agent, f"/admin/citizens/{mother}/links", {"relative_id": son, "relation": "child"})
    with in_commune(app, commune):
        links = {(l.citizen_id, l.relative_id, l.relation) for l in db.session.scalars(select(HouseholdLink))}
    assert links == {(mother, son, "child"), (son, mother, "parent")}
    assert "Child" in agent.get(f"/admin/citizens/{mother}/").get_data(as_text=True)
    son_page = agent.get(f"/admin/citizens/{son}/").get_data(as_text=True)
    assert "Parent" in son_page and f'href="/admin/citizens/{mother}/"' in son_page
    # Twice, or with oneself: refused, nothing more stored.
    post_form(agent, f"/admin/citizens/{mother}/links", {"relative_id": son, "relation": "spouse"})
    response = post_form(agent, f"/admin/citizens/{mother}/links", {"relative_id": mother, "relation": "spouse"},
                         follow_redirects=True)
    assert "A citizen cannot be linked to themselves." in response.get_data(as_text=True)
    with in_commune(app, commune):
        link_id = db.session.scalar(select(HouseholdLink.id).where(HouseholdLink.citizen_id == son))
        assert db.session.scalar(select(func.count()).select_from(HouseholdLink)) == 2
    post_form(agent, f"/admin/citizens/{son}/links/{link_id}/delete")
    with in_commune(app, commune):
        assert db.session.scalar(select(func.count()).select_from(HouseholdLink)) == 0


def test_consents_are_given_and_revoked_with_dates_and_kept(app, agent, commune):
    citizen = make_citizen(app, commune, "Anne", "Lefevre")
    post_form(agent, f"/admin/citizens/{citizen}/consents",
              {"channel": "sms", "purpose": "suivi_demandes", "source": "formulaire au guichet"})
    with in_commune(app, commune):
        consent = db.session.scalar(select(Consent))
        assert (consent.channel, consent.purpose, consent.source, consent.revoked_at) == (
            "sms", "suivi_demandes", "formulaire au guichet", None)
        assert consent.recorded_by_id == db.session.scalar(select(User.id).where(User.email == "accueil@a.fr"))
    page = agent.get(f"/admin/citizens/{citizen}/").get_data(as_text=True)
    assert "SMS — Follow-up of requests" in page and "Revoke" in page
    post_form(agent, f"/admin/citizens/{citizen}/consents/{consent.id}/revoke")
    with in_commune(app, commune):
        revoked = db.session.scalar(select(Consent))
        assert revoked.revoked_at is not None and not revoked.active
    assert "revoked on" in agent.get(f"/admin/citizens/{citizen}/").get_data(as_text=True)
    # Given again: a new row, the revoked one stays as proof.
    post_form(agent, f"/admin/citizens/{citizen}/consents", {"channel": "sms", "purpose": "suivi_demandes"})
    with in_commune(app, commune):
        assert [c.active for c in db.session.scalars(select(Consent).order_by(Consent.id))] == [False, True]


def test_bad_consent_choice_is_refused(app, agent, commune):
    citizen = make_citizen(app, commune, "Anne", "Lefevre")
    response = post_form(agent, f"/admin/citizens/{citizen}/consents",
                         {"channel": "pigeon", "purpose": "suivi_demandes"})
    assert response.status_code == 400
    with in_commune(app, commune):
        assert db.session.scalar(select(func.count()).select_from(Consent)) == 0


# --- merge ---------------------------------------------------------------------------

@pytest.fixture
def pair(app, commune):
    """Anne (kept) and Anne's duplicate, with requests, a contact, a consent and links."""
    kept = make_citizen(app, commune, "Anne", "Lefevre", birth_date=date(1975, 5, 2))
    duplicate = make_citizen(app, commune, "Anne", "Lefèvre", email="anne@example.fr", phone="0611223344",
                             address_number="3", address_street="rue des Lilas", postcode="45000", city="Villeneuve")
    child = make_citizen(app, commune, "Hugo", "Lefevre")
    spouse = make_citizen(app, commune, "Marc", "Lefevre")
    request_id = make_request(app, commune, duplicate, "2026-00007")
    contact_id = add_contact(app, commune, duplicate, "Question cantine", at(2))
    with in_commune(app, commune):
        db.session.add(Consent(citizen_id=duplicate, channel="email", purpose="suivi_demandes"))
        db.session.add_all([
            HouseholdLink(citizen_id=duplicate, relative_id=child, relation="child"),
            HouseholdLink(citizen_id=child, relative_id=duplicate, relation="parent"),
            # Already on the kept record: not doubled.
            HouseholdLink(citizen_id=duplicate, relative_id=spouse, relation="spouse"),
            HouseholdLink(citizen_id=spouse, relative_id=duplicate, relation="spouse"),
            HouseholdLink(citizen_id=kept, relative_id=spouse, relation="spouse"),
            HouseholdLink(citizen_id=spouse, relative_id=kept, relation="spouse"),
            # Between the two records: disappears.
            HouseholdLink(citizen_id=kept, relative_id=duplicate, relation="spouse"),
            HouseholdLink(citizen_id=duplicate, relative_id=kept, relation="spouse"),
        ])
        db.session.commit()
    return {"kept": kept, "duplicate": duplicate, "child": child, "spouse": spouse, "request": request_id,
            "contact": contact_id}


def test_merge_moves_everything_to_the_kept_record_and_leaves_an_audit_event(app, agent, commune, pair):
    kept, duplicate = pair["kept"], pair["duplicate"]
    page = agent.get(f"/admin/citizens/{kept}/merge").get_data(as_text=True)
    assert f"duplicate={duplicate}" in page  # proposed as a likely duplicate
    page = agent.get(f"/admin/citizens/{kept}/merge?duplicate={duplicate}").get_data(as_text=True)
    assert "Confirm the merge" in page and "anne@example.fr" in page
    response = post_form(agent, f"/admin/citizens/{kept}/merge", {"duplicate_id": duplicate})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/citizens/{kept}/")
    with in_commune(app, commune):
        kept_row = db.session.get(Citizen, kept)
        assert db.session.get(Citizen, duplicate).merged_into_id == kept
        assert db.session.get(Request, pair["request"]).citizen_id == kept
        assert db.session.get(Contact, pair["contact"]).citizen_id == kept
        assert [c.citizen_id for c in db.session.scalars(select(Consent))] == [kept]
        links = {(l.citizen_id, l.relative_id, l.relation) for l in db.session.scalars(select(HouseholdLink))}
        assert links == {(kept, pair["child"], "child"), (pair["child"], kept, "parent"),
                         (kept, pair["spouse"], "spouse"), (pair["spouse"], kept, "spouse")}
        # Empty fields of the kept record filled from the duplicate; its own kept.
        assert (kept_row.email, kept_row.phone, kept_row.address, kept_row.last_name) == (
            "anne@example.fr", "0611223344", "3 rue des Lilas, 45000 Villeneuve", "Lefevre")
        event = db.session.scalar(select(RequestEvent).where(RequestEvent.kind == "merged"))
        assert (event.request_id, event.details) == (pair["request"], {"from_citizen": duplicate, "to_citizen": kept})
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "citizen.merged"))
        assert audit.details["duplicate"] == duplicate and audit.details["requests"] == ["2026-00007"]
        assert audit.user.email == "accueil@a.fr"
    # The old record's address leads to the kept one; search shows only the kept one.
    assert agent.get(f"/admin/citizens/{duplicate}/").headers["Location"].endswith(f"/admin/citizens/{kept}/")
    assert [r["id"] for r in agent.get("/admin/citizens/search.json?q=anne lefevre").get_json()["results"]] == [kept]
    assert "Request 2026-00007" in agent.get(f"/admin/citizens/{kept}/").get_data(as_text=True)


def test_merge_into_itself_is_refused_and_changes_nothing(app, agent, commune, pair):
    kept = pair["kept"]
    response = post_form(agent, f"/admin/citizens/{kept}/merge", {"duplicate_id": kept}, follow_redirects=True)
    assert "A citizen cannot be merged into itself." in response.get_data(as_text=True)
    with in_commune(app, commune):
        assert db.session.get(Citizen, kept).merged_into_id is None
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "citizen.merged")) == 0


def test_merge_with_an_already_merged_record_is_refused(app, agent, commune, pair):
    post_form(agent, f"/admin/citizens/{pair['kept']}/merge", {"duplicate_id": pair["duplicate"]})
    response = post_form(agent, f"/admin/citizens/{pair['child']}/merge", {"duplicate_id": pair["duplicate"]},
                         follow_redirects=True)
    assert "This record was already merged into another one." in response.get_data(as_text=True)
    with in_commune(app, commune):
        assert db.session.get(Citizen, pair["duplicate"]).merged_into_id == pair["kept"]


def test_merge_with_another_communes_citizen_is_not_found(app, agent, commune, pair):
    other = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    stranger = make_citizen(app, other, "Anne", "Lefevre")
    response = post_form(agent, f"/admin/citizens/{pair['kept']}/merge", {"duplicate_id": stranger})
    assert response.status_code == 404
    assert agent.get(f"/admin/citizens/{pair['kept']}/merge?duplicate={stranger}").status_code == 404
    with in_commune(app, other):
        assert db.session.get(Citizen, stranger).merged_into_id is None


def test_merge_function_refuses_across_communes(app, commune):
    other = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    mine = make_citizen(app, commune, "Anne", "Lefevre")
    theirs = make_citizen(app, other, "Anne", "Lefevre")
    from grc_core.tenancy import unscoped
    with app.app_context(), unscoped():
        a, b = db.session.get(Citizen, mine), db.session.get(Citizen, theirs)
        with pytest.raises(MergeError, match="même commune"):
            merge_citizens(a, b, actor=None)
        with pytest.raises(MergeError, match="lui-même"):
            merge_citizens(a, a, actor=None)


# --- escaping --------------------------------------------------------------------------

def test_html_typed_in_any_field_is_shown_escaped_on_every_page(app, agent, commune):
    response = post_form(agent, "/admin/citizens/new", {
        **NEW_CITIZEN, "last_name": XSS, "first_name": XSS, "address_street": XSS, "quartier": XSS,
        "birth_place": XSS, "email": "",
    })
    assert response.status_code == 302
    citizen = citizens(app, commune)[0][0]
    other = make_citizen(app, commune, "Hugo", XSS)
    post_form(agent, f"/admin/citizens/{citizen}/links", {"relative_id": other, "relation": "child"})
    post_form(agent, f"/admin/citizens/{citizen}/consents", {"channel": "sms", "purpose": "suivi_demandes",
                                                             "source": XSS})
    post_form(agent, f"/admin/contacts/new?citizen={citizen}", {"channel": "guichet", "subject": XSS,
                                                                  "outcome": "answered", "notes": XSS})
    make_request(app, commune, citizen, "2026-00001", subject=XSS)
    for url in [f"/admin/citizens/{citizen}/", f"/admin/citizens/{citizen}/edit", "/admin/citizens/?q=script",
                f"/admin/citizens/{citizen}/merge", f"/admin/citizens/{citizen}/merge?duplicate={other}",
                f"/admin/citizens/{other}/?relative_q=script", "/admin/contacts/",
                f"/admin/contacts/new?citizen={citizen}"]:
        page = agent.get(url).get_data(as_text=True)
        assert "<script>alert" not in page, url
        assert "&lt;script&gt;alert" in page, url
    response = post_form(agent, "/admin/citizens/new", {**NEW_CITIZEN, "last_name": XSS, "first_name": XSS,
                                                        "email": ""})
    page = response.get_data(as_text=True)
    assert "Possible duplicates" in page and "<script>alert" not in page
