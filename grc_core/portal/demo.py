"""The portal in the demo: Villeneuve-sur-Loire opens its common démarches
online, accepts them without an account, and has a demo citizen account, the record of one of its demo
citizens (so that "Mes démarches" shows his counter requests too)."""
from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..models import Citizen, CitizenAccount, RequestType, utcnow
from ..requests.confidentiality import confidential_types
from .anonymous import SETTING
from .catalogue import CHANNEL
from .linking import link_if_unambiguous

PORTAL_COMMUNE = "45901"


def open_online(commune) -> None:
    """Every active, non-confidential type with a workflow is open to the web."""
    secret = confidential_types(commune)
    for request_type in db.session.scalars(select(RequestType).where(RequestType.active.is_(True))):
        if request_type.code in secret or request_type.workflow_id is None:
            continue
        if CHANNEL not in (request_type.channels or ()):
            request_type.channels = [*(request_type.channels or ()), CHANNEL]


def demo_citizen_account(password: str) -> CitizenAccount | None:
    """A verified account with the identity of the commune's first demo citizen
    (linked by the documented rule); None without demo citizens."""
    citizen = db.session.scalar(select(Citizen).where(Citizen.email != "", Citizen.birth_date.is_not(None),
                                                      Citizen.merged_into_id.is_(None)).order_by(Citizen.id))
    if citizen is None:
        return None
    email = citizen.email.lower()
    account = db.session.scalar(select(CitizenAccount).where(CitizenAccount.email == email))
    if account is None:
        account = CitizenAccount(email=email, first_name=citizen.first_name, last_name=citizen.last_name,
                                 birth_date=citizen.birth_date, email_verified_at=utcnow(),
                                 password_hash=generate_password_hash(password, method="scrypt"))
        db.session.add(account)
        db.session.flush()
    link_if_unambiguous(account)
    return account


def load_portal_demo(commune, password: str) -> list[str]:
    """Open the portal of the demo commune (in its scope); the lines to print."""
    if commune.insee_code != PORTAL_COMMUNE:
        return []
    open_online(commune)
    # The demo commune also takes démarches without an account (verified e-mail, tracking link).
    commune.settings = {**(commune.settings or {}), SETTING: True}
    account = demo_citizen_account(password)
    db.session.commit()
    lines = [f"Portail des usagers : /c/{commune.slug}/portal/"]
    if account is not None:
        lines.append(f"  usager de démonstration : {account.email} (mot de passe : {password})")
    return lines
