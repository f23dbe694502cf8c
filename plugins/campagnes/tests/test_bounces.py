"""Bounces: a permanent refusal at send time (5xx to RCPT TO, from a real
SMTP server) is recorded and not retried, a temporary one (4xx) is retried;
delivery status notifications (RFC 3464) piped to ``grc campagnes bounces``
or read from an mbox find their recipient through the VERP envelope sender.
A hard bounce puts the address in error: later campaigns leave it out."""
from __future__ import annotations

import email
import mailbox
import re
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from grc_core.plugin_api import Citizen, OutboxMessage, Segment, db, utcnow
from grc_core.plugin_api.testing import grc_cli, in_commune, login, make_agent, make_commune, run_tick
from plugins.campagnes import bounces, sending
from plugins.campagnes.models import AddressInError, Campaign, CampaignRecipient

REPORTS = Path(__file__).parent / "reports"
CENTRE = {"match": "all", "items": [{"criterion": "core.quartier", "params": {"quartiers": ["Centre"]}}]}
DOMAIN = "bounces.villeneuve.example"


@pytest.fixture
def town(app, monkeypatch):
    monkeypatch.setitem(app.config["GRC"], "MAIL_BOUNCE_DOMAIN", DOMAIN)
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["campagnes"])
    make_agent(app, commune, "chef@a.fr", "manager")
    with in_commune(app, commune):
        people = {}
        for first, mail in (("Alice", "alice@x.fr"), ("Bruno", "refuse@x.fr"), ("Chloé", "greylist@x.fr")):
            citizen = Citizen(first_name=first, last_name="Habitant", email=mail, quartier="Centre")
            db.session.add(citizen)
            db.session.flush()
            people[mail] = citizen.id
        segment = Segment(name="Centre", definition=CENTRE)
        db.session.add(segment)
        db.session.commit()
        segment_id = segment.id
    return {"app": app, "commune": commune, "segment": segment_id, "people": people}


def send(town, name="Travaux"):
    with in_commune(town["app"], town["commune"]):
        campaign = Campaign(name=name, purpose="Prévenir", legal_basis="public_task", segment_id=town["segment"],
                            channels="email", subject="Travaux rue Haute", body="Bonjour {prenom}.",
                            status="sending", site_url="http://localhost/")
        db.session.add(campaign)
        db.session.commit()
        sending.send_job(campaign_id=campaign.id)
        return campaign.id


def states(town, campaign_id):
    with in_commune(town["app"], town["commune"]):
        return {r.address: (r.status, r.reason) for r in db.session.scalars(
            select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id))}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RefusingServer:
    """Refuses one recipient for good, greylists another, accepts the rest."""

    def __init__(self):
        self.received = []  # (envelope sender, recipients)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == "refuse@x.fr":
            return "550 5.1.1 <refuse@x.fr>: Recipient address rejected: User unknown"
        if address == "greylist@x.fr":
            return "450 4.2.0 <greylist@x.fr>: Recipient address rejected: Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 Ok: queued"


def test_a_permanent_refusal_is_a_bounce_a_temporary_one_is_retried(town, monkeypatch):
    app = town["app"]
    server = RefusingServer()
    controller = Controller(server, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port, "MAIL_USE_TLS": False,
                           "MAIL_USERNAME": ""}.items():
            monkeypatch.setitem(app.config["GRC"], key, value)
        campaign = send(town)
        start = utcnow()
        # Delivery, then the next tick reads back what the outbox did; a day of ticks after.
        for minutes in (1, 2, 60, 24 * 60):
            run_tick(app, start + timedelta(minutes=minutes))
    finally:
        controller.stop()
    assert states(town, campaign) == {"alice@x.fr": ("sent", ""), "refuse@x.fr": ("bounced", ""),
                                      "greylist@x.fr": ("sent", "")}
    with in_commune(app, town["commune"]):
        outbox = {m.recipient: (m.status, m.attempts) for m in db.session.scalars(select(OutboxMessage))}
        bounced = db.session.scalar(select(CampaignRecipient).where(CampaignRecipient.address == "refuse@x.fr"))
        assert "550" in bounced.bounce_detail and bounced.bounced_at is not None
        alice = db.session.scalar(select(CampaignRecipient).where(CampaignRecipient.address == "alice@x.fr"))
        verp = bounces.return_path(alice)
    # Refused for good: tried once, never again; greylisted: tried at each due tick, still waiting.
    assert outbox["refuse@x.fr"] == ("bounced", 1)
    assert outbox["greylist@x.fr"][0] == "pending" and outbox["greylist@x.fr"][1] >= 2
    # Each e-mail left with its own envelope sender (VERP), which names its recipient.
    [(mail_from, rcpts)] = server.received
    assert rcpts == ["alice@x.fr"] and mail_from == verp
    assert mail_from.startswith(f"bounces+{town['commune']}-") and mail_from.endswith("@" + DOMAIN)

    # The next campaign leaves the refused address out, « adresse en erreur ».
    assert states(town, send(town, "Suite"))["refuse@x.fr"] == ("excluded", "address_error")
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, "chef@a.fr")
    page = client.get(f"/admin/campagnes/{campaign}").get_data(as_text=True)
    assert '<td data-result="bounced">1</td>' in page


def report(name: str, town, address: str, token_of: str | None = None) -> bytes:
    with in_commune(town["app"], town["commune"]):
        recipient = db.session.scalar(select(CampaignRecipient).where(
            CampaignRecipient.address == (token_of or address)))
        token = bounces.return_path(recipient).split("+", 1)[1].split("@", 1)[0]
    return (REPORTS / name).read_text().replace("{TOKEN}", token).replace("{ADDRESS}", address).encode()


def test_a_report_piped_by_the_mta_marks_the_address_in_error(town):
    app = town["app"]
    campaign = send(town)
    result = app.test_cli_runner().invoke(grc_cli(), ["campagnes", "bounces"],
                                          input=report("postfix_user_unknown.eml", town, "alice@x.fr"))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 : adresse en erreur enregistrée"
    assert states(town, campaign)["alice@x.fr"] == ("bounced", "")
    with in_commune(app, town["commune"]):
        [error] = db.session.scalars(select(AddressInError)).all()
        assert (error.channel, error.address) == ("email", "alice@x.fr") and "5.1.1" in error.detail
    assert states(town, send(town, "Suite"))["alice@x.fr"] == ("excluded", "address_error")


def test_an_mbox_of_reports(town, tmp_path):
    app = town["app"]
    campaign = send(town)
    hard = report("postfix_user_unknown.eml", town, "alice@x.fr")
    delayed = report("exim_delayed.eml", town, "greylist@x.fr")
    # Alice's report with another signature: nobody is recognised.
    forged = re.sub(rb"(bounces\+\d+-\d+-)[0-9a-f]{20}", rb"\g<1>" + b"0" * 20, hard)
    assert forged != hard
    not_a_report = b"From: someone@example.org\nSubject: Out of office\n\nJe suis absent.\n"
    path = tmp_path / "reports.mbox"
    box = mailbox.mbox(path)
    for raw in (delayed, hard, forged, not_a_report):
        box.add(email.message_from_bytes(raw))
    box.flush()
    box.close()
    result = app.test_cli_runner().invoke(grc_cli(), ["campagnes", "bounces", "--mbox", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "1 : remise retardée, rien à enregistrer", "2 : adresse en erreur enregistrée",
        "3 : aucun destinataire de campagne reconnu, ignoré", "4 : pas un rapport de non-remise, ignoré"]
    assert states(town, campaign) == {"alice@x.fr": ("bounced", ""), "refuse@x.fr": ("sent", ""),
                                      "greylist@x.fr": ("sent", "")}
    with in_commune(app, town["commune"]):
        assert db.session.scalars(select(AddressInError.address)).all() == ["alice@x.fr"]


def test_no_bounce_domain_no_envelope_address(town, monkeypatch):
    monkeypatch.setitem(town["app"].config["GRC"], "MAIL_BOUNCE_DOMAIN", "")
    send(town)
    with in_commune(town["app"], town["commune"]):
        headers = db.session.scalars(select(OutboxMessage.headers)).all()
    assert headers and all("Return-Path" not in h for h in headers)
