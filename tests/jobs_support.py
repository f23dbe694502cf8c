"""A job queue of its own on the real Redis, and a real SMTP server, for the jobs' tests."""
import asyncio
import threading
import uuid

import pytest
from aiosmtpd.controller import Controller

from storage_backends import free_port

REDIS_URL = "redis://127.0.0.1:6379/0"


class Mailbox:
    """An SMTP handler keeping what it receives; ``hold`` stops the first
    delivery after its recipient until ``release`` is set (a worker caught in
    the middle of sending)."""

    def __init__(self):
        self.received = []
        self.hold = False
        self.reached = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.hold and not self.reached.is_set():
            self.reached.set()
            await asyncio.to_thread(self.release.wait, 120)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.rcpt_tos[:], envelope.content))
        return "250 Message accepted"


@pytest.fixture
def mailbox(app, monkeypatch):
    """The app sends through a real SMTP server on loopback."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.controller_port = controller.port
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port, "MAIL_USE_TLS": False,
                       "MAIL_USERNAME": ""}.items():
        monkeypatch.setitem(app.config["GRC"], key, value)
    yield box
    box.release.set()
    controller.stop()


@pytest.fixture
def redis_queue(app, monkeypatch):
    """The app queues its jobs on the real Redis, on a queue of this test's own."""
    from grc_core.jobs.queue import queue

    name = f"grc-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(app.config["GRC"], "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config["GRC"], "JOBS_QUEUE", name)
    monkeypatch.setitem(app.config["GRC"], "JOB_RETRY_INTERVALS", [0, 0])
    app.extensions.pop("grc_redis", None)
    with app.app_context():
        jobs = queue()
    # No app context held open: the test client's requests would share its g.
    yield jobs
    redis = jobs.connection
    job_ids = set(jobs.get_job_ids())
    for registry in (jobs.finished_job_registry, jobs.failed_job_registry, jobs.started_job_registry,
                     jobs.scheduled_job_registry, jobs.deferred_job_registry, jobs.canceled_job_registry):
        job_ids.update(registry.get_job_ids(cleanup=False))
    for job_id in job_ids:
        redis.delete(f"rq:job:{job_id}", f"rq:results:{job_id}", f"rq:executions:{job_id}")
    for key in redis.scan_iter(f"*{name}*"):
        redis.delete(key)
    app.extensions.pop("grc_redis", None)


def work(app, jobs):
    """Run the queue's jobs to the end in this process (RQ's SimpleWorker, burst mode)."""
    from rq import SimpleWorker

    from grc_core.jobs.worker import StopsItsCommandThreadAtOnce

    class InProcessWorker(StopsItsCommandThreadAtOnce, SimpleWorker):
        pass

    with app.app_context():
        InProcessWorker([jobs], connection=jobs.connection).work(burst=True, with_scheduler=False)
