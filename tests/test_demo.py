"""The demo looks like a real mairie (issue 14 item 9): loaded once with every
plugin of the run (GRC_TEST_PLUGINS), each property checked on what it made.

Histories in time order, open requests held by named agents (« Mes demandes »
is not empty for any demo agent who may hold requests), contacts and messages
on requests, the citizen who filed an urbanisme file is its applicant, and
``grc demo`` prints every login with its role and what each part filed."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from grc_core.cli import cli
from grc_core.extensions import db
from grc_core.models import Commune, Contact, Membership, Message, Request, RequestEvent, RequestType, User
from grc_core.plugin_api.testing import build_test_app
from grc_core.requests.confidentiality import confidential_types
from grc_core.tenancy import unscoped
from grc_core.tenancy.scoping import use_commune


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """An app of its own with the demo loaded once, and what ``grc demo`` printed."""
    app = build_test_app(tmp_path_factory, name="demo", own_database=True)
    result = app.test_cli_runner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    yield app, result.output
    with app.app_context():
        db.engine.dispose()


def communes(app) -> list[Commune]:
    with app.app_context(), unscoped():
        return list(db.session.scalars(select(Commune).order_by(Commune.id)))


def test_every_history_is_in_time_order_and_starts_at_the_filing(demo):
    app, _output = demo
    with app.app_context(), unscoped():
        received = {id_: (at, code) for id_, at, code in db.session.execute(
            select(Request.id, Request.received_at, RequestType.code)
            .join(RequestType, RequestType.id == Request.request_type_id))}
        events = db.session.execute(select(RequestEvent.request_id, RequestEvent.at, RequestEvent.kind)
                                    .order_by(RequestEvent.request_id, RequestEvent.id)).all()
    assert received and events
    previous: dict[int, object] = {}
    wrong = []
    for request_id, at, kind in events:
        filed, code = received[request_id]
        if at < filed or at < previous.get(request_id, at):
            wrong.append((code, request_id, kind, at, previous.get(request_id, filed)))
        previous[request_id] = at
    assert wrong == []


def test_every_demo_agent_has_open_requests_of_their_own(demo):
    app, _output = demo
    for commune in communes(app):
        with app.app_context(), use_commune(commune):
            members = db.session.execute(select(User.email, Membership.role).join(
                Membership, Membership.user_id == User.id).where(Membership.role != "elu")).all()
            assert members
            for email, _role in members:
                mine = db.session.scalar(
                    select(func.count()).select_from(Request).join(User, User.id == Request.assignee_id)
                    .where(User.email == email, Request.closed_at.is_(None)))
                assert mine >= 1, f"« Mes demandes » is empty for {email}"


def test_an_agent_holds_only_requests_they_may_read(demo):
    app, _output = demo
    for commune in communes(app):
        with app.app_context(), use_commune(commune):
            secret = confidential_types(commune)
            rows = db.session.execute(select(Membership, RequestType.code).select_from(Request)
                                      .join(RequestType, RequestType.id == Request.request_type_id)
                                      .join(Membership, Membership.user_id == Request.assignee_id)
                                      .where(RequestType.code.in_(list(secret)))).all()
            for membership, code in rows:
                assert secret[code][0] in (membership.permissions or ()), (membership.user.email, code)


def test_requests_have_contacts_and_messages(demo):
    app, _output = demo
    for commune in communes(app):
        with app.app_context(), use_commune(commune):
            assert db.session.scalar(select(func.count()).select_from(Message).where(Message.public)) >= 5
            assert db.session.scalar(select(func.count()).select_from(Message).where(~Message.public)) >= 3
            assert db.session.scalar(select(func.count()).select_from(Contact)
                                     .where(Contact.request_id.is_not(None))) >= 5
            # A contact about a request is the request's citizen's, and comes after its filing.
            for contact, request in db.session.execute(
                    select(Contact, Request).join(Request, Request.id == Contact.request_id)):
                assert contact.citizen_id == request.citizen_id
                assert contact.at >= request.received_at


def test_the_citizen_who_filed_an_urbanisme_file_is_its_applicant(demo):
    app, _output = demo
    if "urbanisme" not in app.extensions["grc"].names:
        pytest.skip("the urbanisme plugin is not loaded in this run")
    for commune in communes(app):
        with app.app_context(), use_commune(commune):
            files = db.session.scalars(select(Request).join(RequestType, RequestType.id == Request.request_type_id)
                                       .where(RequestType.code.like("urbanisme.%"))).all()
            assert files
            for request in files:
                data = request.data or {}
                # A company's file is filed by its representative; a person's by the applicant.
                if data.get("demandeur_type") == "personne" and "demandeur_nom" in data:
                    assert data["demandeur_nom"] == request.citizen.full_name, request.reference


def test_grc_demo_prints_every_login_with_its_role_and_the_requests_of_each_part(demo):
    app, output = demo
    for commune in communes(app):
        with app.app_context(), use_commune(commune):
            members = db.session.execute(select(User.email, Membership.role).join(
                Membership, Membership.user_id == User.id)).all()
            counts = dict(db.session.execute(
                select(func.coalesce(RequestType.plugin, "core"), func.count(Request.id))
                .join(Request, Request.request_type_id == RequestType.id).group_by(RequestType.plugin)).all())
        for email, role in members:
            assert re.search(rf"^\s+{re.escape(email)}\s.*\({role}\)", output, re.M), (email, role)
        block = output.split(f"Commune de démonstration : {commune.name}")[1].split("Commune de démonstration")[0]
        for part, count in counts.items():
            assert re.search(rf"^\s+{count} demandes? .*\b{part}\b", block, re.M), (commune.name, part, count, block)


def test_grc_demo_run_again_adds_nothing(demo):
    app, _output = demo
    with app.app_context(), unscoped():
        before = [db.session.scalar(select(func.count()).select_from(model))
                  for model in (Request, RequestEvent, Message, Contact)]
    result = app.test_cli_runner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context(), unscoped():
        assert [db.session.scalar(select(func.count()).select_from(model))
                for model in (Request, RequestEvent, Message, Contact)] == before


def test_every_demo_child_is_born_when_the_parent_could_have_been_a_parent(demo):
    """Every parent–child link of the demo (the core's households and the
    plugins' families): the parent 18 to 50 years older, the child born."""
    from datetime import date

    from grc_core.models import Citizen, HouseholdLink
    from grc_core.plugin_api.testing import in_commune

    app, _output = demo
    checked = 0
    for commune in communes(app):
        with in_commune(app, commune.id):
            births = dict(db.session.execute(select(Citizen.id, Citizen.birth_date)).all())
            for link in db.session.scalars(select(HouseholdLink).where(HouseholdLink.relation == "parent")):
                child, parent = births[link.citizen_id], births[link.relative_id]
                assert child <= date.today(), (commune.name, link.citizen_id, child)
                age = child.year - parent.year - ((child.month, child.day) < (parent.month, parent.day))
                assert 18 <= age <= 50, (commune.name, link.citizen_id, parent, child)
                checked += 1
    assert checked >= 5


def test_a_demo_child_is_born_20_to_42_years_after_the_parent_and_never_after_today():
    import random
    from datetime import date

    from grc_core.demo_requests import plausible_child_birth

    rng = random.Random(1)
    today = date(2026, 12, 7)
    for parent in (date(1941, 3, 1), date(1960, 2, 29), date(2005, 6, 30)):
        for _draw in range(50):
            child = plausible_child_birth(parent, today, rng)
            assert child <= today
            assert date(parent.year + 20, 1, 1) <= child or parent.year + 20 > today.year
            assert child <= date(parent.year + 42, 12, 31)
    assert plausible_child_birth(date(2010, 1, 1), today, rng) == today  # no room: the latest possible day
