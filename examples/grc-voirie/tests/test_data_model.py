"""What docs/plugin_data_model.md says of the core's records, checked on a
commune with the voirie: a service's managers, a request's columns."""
from datetime import date, datetime

from sqlalchemy import select

from grc_core.plugin_api import (
    LOCAL_TIMEZONE, Citizen, Membership, Request, RequestType, Service, User, db, local_date,
)
from grc_core.plugin_api.testing import file_request_as, in_commune, make_agent, make_commune


def service_managers(service_code: str) -> list[User]:
    """The active managers of the commune's service ``service_code``, by name."""
    return [membership.user for membership in db.session.scalars(
        select(Membership).join(Membership.services).join(Membership.user)
        .where(Service.code == service_code, Membership.role == "manager", User.active.is_(True))
        .order_by(User.full_name)
    )]


def test_a_services_managers_are_its_members_with_the_manager_role(app):
    commune = make_commune(app, plugins=["voirie"])
    make_agent(app, commune, "agent@villeneuve.fr", "agent", services=["voirie.voirie"])
    make_agent(app, commune, "chef@villeneuve.fr", "manager", services=["voirie.voirie"], full_name="Nadia Benali")
    make_agent(app, commune, "autre-chef@villeneuve.fr", "manager", full_name="Paul Martin")
    with in_commune(app, commune):
        assert [user.email for user in service_managers("voirie.voirie")] == ["chef@villeneuve.fr"]


def test_a_request_holds_what_the_data_model_says(app):
    commune = make_commune(app, plugins=["voirie"])
    make_agent(app, commune, "agent@villeneuve.fr", "agent", services=["voirie.voirie"])
    with in_commune(app, commune):
        type_id = db.session.scalar(select(RequestType.id).where(RequestType.code == "voirie.signalement"))
        citizen = Citizen(first_name="Sophie", last_name="Garnier")
        db.session.add(citizen)
        db.session.commit()
        citizen_id = citizen.id
    request_id = file_request_as(app, commune, "agent@villeneuve.fr", type_id, citizen_id,
                                 {"nature": "eclairage", "adresse": "3 rue des Lilas", "danger_immediat": True},
                                 now=datetime(2026, 12, 7, 10, 0, tzinfo=LOCAL_TIMEZONE))
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        assert (request.state, request.state_kind, request.priority, request.channel) == (
            "recu", "new", "urgente", "guichet")
        assert request.data["danger_immediat"] is True and request.data["nature"] == "eclairage"
        # Five working days: received on a Monday, due on the next Monday's evening (Paris).
        assert (local_date(request.received_at), local_date(request.due_at)) == (date(2026, 12, 7), date(2026, 12, 14))
