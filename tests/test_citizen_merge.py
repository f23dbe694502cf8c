"""Merging citizens safely (grc_core.citizens.merge): confidential files, birth
dates, plugin rows found through their foreign keys, and undoing a merge."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from grc_core.citizens.merge import MergeError, undo_merge
from grc_core.extensions import db
from grc_core.models import (
    AuditEvent, Citizen, CitizenMerge, Consent, Contact, HouseholdLink, Request, RequestEvent, User, utcnow,
)
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune, post_form

from tests.test_citizen_helpers import add_contact, at, english, make_citizen, make_request


@pytest.fixture
def town(privacy_app):
    app = privacy_app
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["secret"])
    make_agent(app, commune, "accueil@a.fr", "accueil")
    make_agent(app, commune, "reader@a.fr", "agent", services=["secret.bureau"], permissions=["secret.read"])
    make_agent(app, commune, "admin@a.fr", "admin", permissions=["secret.read"])
    make_agent(app, commune, "admin-plain@a.fr", "admin")
    # The incident of issue 13: a CCAS beneficiary born in 1944, a namesake born in 1964.
    kept = make_citizen(app, commune, "Jeanne", "Morel", birth_date=date(1964, 4, 2))
    duplicate = make_citizen(app, commune, "Jeanne", "Morel", birth_date=date(1944, 4, 2), phone="0611223344")
    secret = make_request(app, commune, duplicate, "2026-00001", type_code="secret.dossier",
                          type_label="Dossier secret", plugin="secret")
    public = make_request(app, commune, duplicate, "2026-00002")
    contact = add_contact(app, commune, duplicate, "Question", at(2))
    relative = make_citizen(app, commune, "Paul", "Morel")
    with in_commune(app, commune):
        db.session.add(Consent(citizen_id=duplicate, channel="email", purpose="suivi_demandes"))
        db.session.add_all([HouseholdLink(citizen_id=duplicate, relative_id=relative, relation="child"),
                            HouseholdLink(citizen_id=relative, relative_id=duplicate, relation="parent"),
                            HouseholdLink(citizen_id=kept, relative_id=duplicate, relation="spouse"),
                            HouseholdLink(citizen_id=duplicate, relative_id=kept, relation="spouse")])
        db.session.commit()
    return {"commune": commune, "kept": kept, "duplicate": duplicate, "secret": secret, "public": public,
            "contact": contact, "relative": relative}


def client_of(app, email):
    client = english(app.test_client())
    login(client, email)
    return client


def state(app, town):
    """Everything a merge may change, to compare before and after."""
    with in_commune(app, town["commune"]):
        citizens = {c.id: (c.merged_into_id, c.phone, c.birth_date) for c in db.session.scalars(select(Citizen))}
        requests = dict(db.session.execute(select(Request.id, Request.citizen_id)).all())
        contacts = dict(db.session.execute(select(Contact.id, Contact.citizen_id)).all())
        consents = dict(db.session.execute(select(Consent.id, Consent.citizen_id)).all())
        links = sorted(db.session.execute(select(HouseholdLink.citizen_id, HouseholdLink.relative_id,
                                                 HouseholdLink.relation)).all())
        return citizens, requests, contacts, consents, links


def test_the_front_desk_sees_every_request_counted_and_is_refused_with_the_reason(privacy_app, town):
    app, kept, duplicate = privacy_app, town["kept"], town["duplicate"]
    agent = client_of(app, "accueil@a.fr")
    page = agent.get(f"/admin/citizens/{kept}/merge?duplicate={duplicate}").get_data(as_text=True)
    # Two requests, the confidential one included (the screen once said "0").
    assert '<dd class="mb-0">2</dd>' in page
    reason = ("1 request of this record is confidential and you may not read it: only an agent allowed to read it "
              "may merge these records.")
    assert reason in page and "Confirm the merge" not in page
    before = state(app, town)
    response = post_form(agent, f"/admin/citizens/{kept}/merge",
                         {"duplicate_id": duplicate, "confirm_birth_dates": "y"}, follow_redirects=True)
    assert reason in response.get_data(as_text=True)
    assert state(app, town) == before
    with in_commune(app, town["commune"]):
        assert db.session.scalar(select(func.count()).select_from(CitizenMerge)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "citizen.merged")) == 0


def test_differing_birth_dates_need_an_explicit_confirmation(privacy_app, town):
    app, kept, duplicate = privacy_app, town["kept"], town["duplicate"]
    reader = client_of(app, "reader@a.fr")
    page = reader.get(f"/admin/citizens/{kept}/merge?duplicate={duplicate}").get_data(as_text=True)
    assert "The birth dates differ" in page and 'name="confirm_birth_dates"' in page
    before = state(app, town)
    response = post_form(reader, f"/admin/citizens/{kept}/merge", {"duplicate_id": duplicate},
                         follow_redirects=True)
    assert ("The birth dates differ (4/2/64 and 4/2/44): confirm that both records are the same person."
            in response.get_data(as_text=True))
    assert state(app, town) == before
    response = post_form(reader, f"/admin/citizens/{kept}/merge",
                         {"duplicate_id": duplicate, "confirm_birth_dates": "y"}, follow_redirects=True)
    assert "merged into this record. An administrator may undo it within 30 days." in response.get_data(as_text=True)
    with in_commune(app, town["commune"]):
        assert db.session.get(Citizen, duplicate).merged_into_id == kept


def test_same_birth_dates_merge_without_confirmation_in_french(privacy_app, town):
    app = privacy_app
    with in_commune(app, town["commune"]):
        db.session.get(Citizen, town["kept"]).birth_date = date(1944, 4, 2)
        db.session.commit()
    reader = app.test_client()
    login(reader, "reader@a.fr")
    page = reader.get(f"/admin/citizens/{town['kept']}/merge?duplicate={town['duplicate']}").get_data(as_text=True)
    assert "Confirmer la fusion" in page and "confirm_birth_dates" not in page
    response = post_form(reader, f"/admin/citizens/{town['kept']}/merge", {"duplicate_id": town["duplicate"]},
                         follow_redirects=True)
    assert "Un administrateur peut l&#39;annuler pendant 30 jours." in response.get_data(as_text=True)


def merge_as_reader(app, town):
    reader = client_of(app, "reader@a.fr")
    response = post_form(reader, f"/admin/citizens/{town['kept']}/merge",
                         {"duplicate_id": town["duplicate"], "confirm_birth_dates": "y"})
    assert response.status_code == 302
    with in_commune(app, town["commune"]):
        return db.session.scalar(select(CitizenMerge.id))


def test_a_merge_keeps_what_moved_and_is_audited_under_the_files_permission(privacy_app, town):
    app = privacy_app
    merge_id = merge_as_reader(app, town)
    kept, duplicate = town["kept"], town["duplicate"]
    with in_commune(app, town["commune"]):
        merge = db.session.get(CitizenMerge, merge_id)
        assert merge.moved["requests"] == [town["secret"], town["public"]]
        assert merge.moved["contacts"] == [town["contact"]]
        assert len(merge.moved["consents"]) == 1
        assert merge.moved["identity"] == {"phone": ""}
        assert [link[2] for link in merge.moved["links_removed"]] == ["spouse", "spouse"]
        assert db.session.get(Citizen, kept).phone == "0611223344"
        assert set(db.session.scalars(select(Request.citizen_id))) == {kept}
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "citizen.merged"))
        assert event.read_permission == "secret.read"
        assert event.details["requests"] == ["2026-00001", "2026-00002"]
        assert event.details["merge"] == merge_id and event.details["duplicate"] == duplicate
    # An administrator without the permission sees that a merge happened, not what it tied together.
    log = client_of(app, "admin-plain@a.fr").get("/admin/core_audit/").get_data(as_text=True)
    assert "Citizen records merged" in log and "2026-00001" not in log and f"citizen:{kept}" not in log


def test_an_admin_undoes_a_merge_and_everything_goes_back(privacy_app, town):
    app = privacy_app
    before = state(app, town)
    merge_id = merge_as_reader(app, town)
    kept = town["kept"]
    # Added to the kept record after the merge: stays there.
    later = add_contact(app, town["commune"], kept, "Après la fusion", at(3))
    admin = client_of(app, "admin@a.fr")
    page = admin.get(f"/admin/citizens/{kept}/merge").get_data(as_text=True)
    assert "Records merged into this one" in page and "Undo this merge" in page
    response = post_form(admin, f"/admin/citizens/{kept}/merges/{merge_id}/undo", follow_redirects=True)
    assert "Merge undone: Jeanne Morel has their own record again." in response.get_data(as_text=True)
    after = state(app, town)
    assert after[2].pop(later) == kept
    assert after == before
    with in_commune(app, town["commune"]):
        merge = db.session.get(CitizenMerge, merge_id)
        assert merge.undone_at is not None
        assert db.session.scalar(select(User.email).where(User.id == merge.undone_by_id)) == "admin@a.fr"
        kinds = db.session.scalars(select(RequestEvent.kind).where(RequestEvent.request_id == town["secret"])
                                   .order_by(RequestEvent.id)).all()
        assert kinds[-2:] == ["merged", "merge_undone"]
        undone = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "citizen.merge_undone"))
        assert undone.read_permission == "secret.read" and undone.details["merge"] == merge_id
    again = post_form(admin, f"/admin/citizens/{kept}/merges/{merge_id}/undo", follow_redirects=True)
    assert "This merge was already undone." in again.get_data(as_text=True)


def test_only_an_administrator_may_undo_and_only_within_30_days(privacy_app, town):
    app = privacy_app
    merge_id = merge_as_reader(app, town)
    reader = client_of(app, "reader@a.fr")
    assert "Undo this merge" not in reader.get(f"/admin/citizens/{town['kept']}/merge").get_data(as_text=True)
    response = post_form(reader, f"/admin/citizens/{town['kept']}/merges/{merge_id}/undo")
    assert response.status_code == 403
    plain = client_of(app, "admin-plain@a.fr")
    response = post_form(plain, f"/admin/citizens/{town['kept']}/merges/{merge_id}/undo", follow_redirects=True)
    assert ("1 request of this merge is confidential and you may not read it: only an agent allowed to read it may "
            "undo this merge.") in response.get_data(as_text=True)
    with in_commune(app, town["commune"]):
        merge = db.session.get(CitizenMerge, merge_id)
        assert merge.undone_at is None
        admin = db.session.scalar(select(User).where(User.email == "admin@a.fr"))
        with pytest.raises(MergeError, match="date de plus de 30 jours"):
            undo_merge(merge, actor=admin, now=merge.at + timedelta(days=30, minutes=1))
        db.session.rollback()
        undo_merge(merge, actor=admin, now=merge.at + timedelta(days=29))
        db.session.commit()
        assert db.session.get(Citizen, town["duplicate"]).merged_into_id is None


def test_a_kept_record_merged_since_must_be_undone_first(privacy_app, town):
    app = privacy_app
    first = merge_as_reader(app, town)
    third = make_citizen(app, town["commune"], "Jeanne", "Morel", birth_date=date(1964, 4, 2))
    reader = client_of(app, "reader@a.fr")
    post_form(reader, f"/admin/citizens/{third}/merge", {"duplicate_id": town["kept"]})
    with in_commune(app, town["commune"]):
        assert db.session.get(Citizen, town["kept"]).merged_into_id == third
        merge = db.session.get(CitizenMerge, first)
        admin = db.session.scalar(select(User).where(User.email == "admin@a.fr"))
        with pytest.raises(MergeError, match="annulez d'abord cette fusion"):
            undo_merge(merge, actor=admin, now=utcnow())


# --- plugin rows, found through their foreign keys (the real social plugin) --------------

def test_plugin_rows_move_only_for_agents_who_may_read_them_and_come_back(app):
    if "social" not in app.extensions["grc"].names:
        pytest.skip("the social plugin is not loaded")
    from plugins.social.models import AidGrant

    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve")
    make_agent(app, commune, "accueil@a.fr", "accueil")
    make_agent(app, commune, "admin@a.fr", "admin", permissions=["social.read"])
    kept = make_citizen(app, commune, "Jeanne", "Morel")
    duplicate = make_citizen(app, commune, "Jeanne", "Morel")
    with in_commune(app, commune):
        db.session.add(AidGrant(citizen_id=duplicate, kind="aide_alimentaire", amount=60, granted_on=date(2026, 3, 1)))
        db.session.commit()
    front = client_of(app, "accueil@a.fr")
    response = post_form(front, f"/admin/citizens/{kept}/merge", {"duplicate_id": duplicate}, follow_redirects=True)
    assert ("This record holds confidential data (Social action (CCAS)) you may not read: only an agent allowed "
            "to read it may merge these records.") in response.get_data(as_text=True)
    with in_commune(app, commune):
        assert db.session.scalar(select(AidGrant.citizen_id)) == duplicate
        assert db.session.get(Citizen, duplicate).merged_into_id is None
    admin = client_of(app, "admin@a.fr")
    post_form(admin, f"/admin/citizens/{kept}/merge", {"duplicate_id": duplicate})
    with in_commune(app, commune):
        assert db.session.scalar(select(AidGrant.citizen_id)) == kept
        merge = db.session.scalar(select(CitizenMerge))
        assert merge.moved["rows"] == [{"table": "social_aide_accordee", "column": "citizen_id",
                                        "keys": [[db.session.scalar(select(AidGrant.id))]]}]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "citizen.merged"))
        assert event.read_permission == "social.read" and event.details["rows"] == {"social_aide_accordee": 1}
    post_form(admin, f"/admin/citizens/{kept}/merges/{merge.id}/undo")
    with in_commune(app, commune):
        assert db.session.scalar(select(AidGrant.citizen_id)) == duplicate
