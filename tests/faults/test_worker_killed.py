"""A worker killed with SIGKILL in the middle of a job (the OOM killer, a
``kill -9``, a power cut of its process): a new worker finds the job
abandoned and runs it again, and each of its effects happens once.

Real components throughout: the ``grc worker`` command in processes of its
own on the real Redis, a job in steps (:mod:`stepwise_jobs`) stopped
deterministically in the middle of one — a row written, not committed —,
the outbox delivered to a real SMTP server.
"""
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from rq.registry import FailedJobRegistry, StartedJobRegistry
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.jobs import enqueue
from grc_core.jobs.worker import reclaim_abandoned
from grc_core.models import OutboxMessage
from grc_core.plugin_api.testing import make_commune
from grc_core.tenancy import unscoped
from jobs_support import REDIS_URL, mailbox, redis_queue  # noqa: F401 (fixtures)
from stepwise_jobs import reached_key, release_key, waiting_client
from test_jobs import _worker_env

LAUNCHER = Path(__file__).resolve().parent / "worker_with_test_jobs.py"
# Bounds for a broken run (the test then fails with the worker's log), never timings.
WAIT_SECONDS = 120


def start_worker(app, mailbox, log_path, *options):
    log = log_path.open("wb")
    process = subprocess.Popen([sys.executable, str(LAUNCHER), *options], cwd=log_path.parent,
                               env=_worker_env(app, mailbox.controller_port), stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    return process


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants: RQ runs each job in a child of its own
    process group, and the scheduler in another child."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children += [int(child) for child in (task / "children").read_text().split()]
    return [pid, *(descendant for child in children for descendant in process_tree(child))]


def dead(pid: int) -> bool:
    """Gone, or a zombie (exited, its files and locks released, not yet reaped by init)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return True


def outbox(app):
    with app.app_context(), unscoped():
        return [(m.recipient, m.status) for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_a_worker_killed_in_the_middle_of_a_job_is_replaced_and_each_effect_happens_once(app, redis_queue, mailbox,
                                                                                         tmp_path):
    commune = make_commune(app, plugins=[])
    recipients = [f"{i}.lea.martin@example.org" for i in range(4)]
    gate = f"{redis_queue.name}:gate"
    redis = waiting_client(REDIS_URL)
    with app.app_context():
        job_id = enqueue("tests.faults.mail_in_steps", commune_id=commune, recipients=recipients, gate=gate,
                         pause_at=2)

    first = start_worker(app, mailbox, tmp_path / "first.log")
    try:
        # The job is in its third step: two e-mails committed, the third written, not committed.
        reached = redis.blpop([reached_key(gate)], timeout=WAIT_SECONDS)
        assert reached is not None, (tmp_path / "first.log").read_text()
        assert reached[1].decode() == recipients[2]
        # A worker alive is never robbed of its job.
        assert reclaim_abandoned(redis_queue) == []
        processes = process_tree(first.pid)  # the worker, its job's process, its scheduler
        assert len(processes) >= 2
        for pid in processes:
            os.kill(pid, signal.SIGKILL)
        first.wait(timeout=WAIT_SECONDS)
        for _ in range(WAIT_SECONDS * 10):
            if all(dead(pid) for pid in processes):
                break
            threading.Event().wait(0.1)
        assert all(dead(pid) for pid in processes)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert first.returncode == -signal.SIGKILL

    # Where the kill left things: the committed steps kept, the half step undone, nothing mailed yet,
    # the job still "started" by a worker that no longer exists.
    assert outbox(app) == [(recipients[0], "pending"), (recipients[1], "pending")]
    assert mailbox.received == []
    assert redis_queue.fetch_job(job_id).get_status() == "started"
    assert StartedJobRegistry(queue=redis_queue).get_job_ids(cleanup=False) == [job_id]

    # A new worker (systemd's Restart=always) finds the job abandoned and runs it again.
    redis.rpush(release_key(gate), "go")  # this time the third step goes through
    second = start_worker(app, mailbox, tmp_path / "second.log", "--burst")
    try:
        second.wait(timeout=WAIT_SECONDS)
    finally:
        if second.poll() is None:
            os.killpg(second.pid, signal.SIGKILL)
    assert second.returncode == 0, (tmp_path / "second.log").read_text()

    rerun = redis_queue.fetch_job(job_id)
    assert rerun.get_status() == "finished"
    # Found at the new worker's start (its process gone), not 90 s later when its heartbeat lapsed.
    assert f"job {job_id} abandoned by worker" in (tmp_path / "second.log").read_text()
    assert StartedJobRegistry(queue=redis_queue).get_job_ids(cleanup=False) == []
    assert FailedJobRegistry(queue=redis_queue).get_job_ids() == []
    # Each effect once: one outbox row per recipient, each e-mail received once.
    assert outbox(app) == [(recipient, "sent") for recipient in recipients]
    assert sorted(rcpt for rcpts, _content in mailbox.received for rcpt in rcpts) == recipients
