"""A job of the tests, in steps, that a test can stop in the middle of one.

Each step adds one e-mail to the outbox, in its own transaction; a step
already done (its e-mail is in the outbox) is skipped, which is how a real
job of GRC stays idempotent. At step ``pause_at`` the job says where it is
(a Redis list the test reads) and waits for the test's go-ahead, with the
step's row written but not committed: a worker killed there leaves half a
step, which the database must undo.

Imported by the worker the test starts (``worker_with_test_jobs.py``) and
by the test itself.
"""
from flask import current_app
from redis import Redis
from sqlalchemy import exists, select

from grc_core.extensions import db
from grc_core.jobs import job
from grc_core.models import OutboxMessage
from grc_core.notifications import enqueue_email

SUBJECT = "Votre demande a avancé"
WAIT_SECONDS = 300  # bounds a forgotten worker; the test releases or kills it long before


def waiting_client(url: str) -> Redis:
    """A Redis client for a long BLPOP: redis-py's default read timeout (5 s) would cut it."""
    return Redis.from_url(url, socket_timeout=None)


def reached_key(gate: str) -> str:
    return f"{gate}:reached"


def release_key(gate: str) -> str:
    return f"{gate}:release"


@job("tests.faults.mail_in_steps")
def mail_in_steps(recipients: list[str], gate: str, pause_at: int) -> int:
    sent = 0
    for step, address in enumerate(recipients):
        if db.session.scalar(select(exists().where(OutboxMessage.recipient == address,
                                                   OutboxMessage.subject == SUBJECT))):
            continue  # done by an earlier run of this job
        enqueue_email(address, SUBJECT, "Bonjour,\n\nVotre demande a avancé.\n")
        db.session.flush()
        if step == pause_at:
            redis = waiting_client(current_app.config["GRC"]["REDIS_URL"])
            redis.rpush(reached_key(gate), address)
            redis.blpop([release_key(gate)], timeout=WAIT_SECONDS)
        db.session.commit()
        sent += 1
    return sent
