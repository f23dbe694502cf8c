"""Background jobs: RQ on the real Redis when configured, in the process
otherwise; idempotent, retried with backoff, dead jobs shown and retried."""
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from rq import Retry
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry
from sqlalchemy import select, update

from grc_core.extensions import db
from grc_core.jobs import enqueue, job
from grc_core.jobs.queue import retry_policy
from grc_core.jobs.worker import schedule_once
from grc_core.models import AuditEvent, OutboxMessage, utcnow
from grc_core.notifications import enqueue_email, send_pending
from grc_core.observability.logs import request_id_var
from grc_core.plugin_api.testing import in_commune, make_agent, make_commune, post_form, signed_in
from grc_core.tenancy import current_commune_id, unscoped
from jobs_support import REDIS_URL, mailbox, redis_queue, work  # noqa: F401 (fixtures)

# What the test jobs below saw, by test.
SEEN = []


@job("tests.record")
def record_job(label: str) -> str:
    SEEN.append((label, current_commune_id(), request_id_var.get()))
    return label


@job("tests.fails_until")
def fails_until_job(marker: str) -> str:
    """Fails while the file ``marker`` does not exist (a cause the admin fixes)."""
    if not Path(marker).exists():
        raise RuntimeError(f"le relais est injoignable ({Path(marker).name} absent)")
    SEEN.append(("fixed", None, ""))
    return "fixed"


@pytest.fixture(autouse=True)
def _forget_seen():
    SEEN.clear()


@pytest.fixture
def commune(app):
    return make_commune(app, plugins=[])


def queue_mail(app, commune_id, count=1, recipient="lea.martin@example.org"):
    with in_commune(app, commune_id):
        for i in range(count):
            enqueue_email(f"{i}.{recipient}", f"Votre demande {i}", "Bonjour")
        db.session.commit()
        return db.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)).all()


def outbox_state(app):
    with app.app_context(), unscoped():
        return [(m.status, m.attempts) for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_without_redis_a_job_runs_in_the_process_or_waits_for_the_tick(app, commune, mailbox):
    assert not app.config["GRC"].get("REDIS_URL")
    with app.test_request_context(headers={"X-Request-ID": "req-42"}):
        app.preprocess_request()
        assert enqueue("tests.record", commune_id=commune, label="maintenant") is None
    assert SEEN == [("maintenant", commune, "req-42")]
    queue_mail(app, commune)
    with app.app_context():
        # E-mails without a queue leave at the tick, as before.
        assert enqueue("outbox.send") is None
    assert outbox_state(app) == [("pending", 0)] and mailbox.received == []
    with app.app_context():
        schedule_once(60)  # `grc scheduler` without Redis: the tick, here and now
    assert outbox_state(app) == [("sent", 1)] and len(mailbox.received) == 1


def test_a_queued_job_runs_in_its_commune_with_the_request_id_of_whoever_queued_it(app, commune, redis_queue):
    with app.test_request_context(headers={"X-Request-ID": "req-7"}):
        app.preprocess_request()
        job_id = enqueue("tests.record", commune_id=commune, label="plus tard")
    assert SEEN == [] and redis_queue.count == 1
    queued = redis_queue.fetch_job(job_id)
    assert queued.meta == {"job": "tests.record", "commune_id": commune, "request_id": "req-7"}
    assert queued.retries_left == 2 and queued.retry_intervals == [0, 0]
    work(app, redis_queue)
    assert SEEN == [("plus tard", commune, "req-7")]
    assert redis_queue.fetch_job(job_id).get_status() == "finished"


def test_the_default_backoff_is_exponential(app):
    with app.app_context():
        policy = retry_policy()
    assert isinstance(policy, Retry) and policy.max == 4 and policy.intervals == [30, 120, 600, 3600]


def test_a_failed_job_waits_for_its_backoff_before_the_next_attempt(app, redis_queue, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config["GRC"], "JOB_RETRY_INTERVALS", [30, 120])
    with app.app_context():
        job_id = enqueue("tests.fails_until", marker=str(tmp_path / "relais"))
    work(app, redis_queue)
    scheduled = ScheduledJobRegistry(queue=redis_queue)
    assert scheduled.get_job_ids() == [job_id] and redis_queue.count == 0
    retried = redis_queue.fetch_job(job_id)
    assert retried.retries_left == 1 and retried.get_status() == "scheduled"


def test_filing_mail_queues_its_delivery_and_the_same_job_twice_sends_once(app, commune, redis_queue, mailbox):
    queue_mail(app, commune, count=3)
    # The commit that added e-mails queued a delivery; a second one is queued by hand.
    assert redis_queue.count == 1
    with app.app_context():
        enqueue("outbox.send")
    assert redis_queue.count == 2
    work(app, redis_queue)
    assert outbox_state(app) == [("sent", 1)] * 3
    assert sorted(rcpt for rcpts, _ in mailbox.received for rcpt in rcpts) == [
        f"{i}.lea.martin@example.org" for i in range(3)]


def test_two_deliveries_at_the_same_time_send_each_mail_once(app, commune, mailbox):
    queue_mail(app, commune, count=12)
    barrier = threading.Barrier(2)
    errors = []

    def deliver():
        try:
            with app.app_context():
                barrier.wait()
                send_pending(limit=100)
                db.session.remove()
        except Exception as error:  # reported below, with the thread's error
            errors.append(error)

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert outbox_state(app) == [("sent", 1)] * 12
    recipients = [rcpt for rcpts, _ in mailbox.received for rcpt in rcpts]
    assert sorted(recipients) == sorted(f"{i}.lea.martin@example.org" for i in range(12))


def test_the_scheduler_queues_one_tick_per_interval_however_many_schedulers_run(app, redis_queue):
    with app.app_context():
        first, second = schedule_once(60), schedule_once(60)
    assert first is not None and second is None
    assert [job.meta["job"] for job in redis_queue.jobs] == ["tick"]


def test_a_dead_job_is_shown_to_the_platform_admin_who_retries_it(app, commune, redis_queue, tmp_path):
    marker = tmp_path / "relais"
    with app.app_context():
        job_id = enqueue("tests.fails_until", commune_id=commune, marker=str(marker))
    work(app, redis_queue)  # the first attempt and both retries fail
    assert FailedJobRegistry(queue=redis_queue).get_job_ids() == [job_id]
    make_agent(app, commune, "admin@plateforme.fr", "admin", platform_admin=True)
    make_agent(app, commune, "maire@villeneuve.fr", "admin")
    assert signed_in(app, "maire@villeneuve.fr").get("/admin/core_jobs/").status_code == 403

    admin = signed_in(app, "admin@plateforme.fr")
    page = admin.get("/admin/core_jobs/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "tests.fails_until" in page and job_id in page
    assert "RuntimeError: le relais est injoignable (relais absent)" in page

    marker.touch()  # the cause is fixed
    response = post_form(admin, f"/admin/core_jobs/{job_id}/retry", token_url="/admin/core_jobs/",
                         follow_redirects=True, headers={"Accept-Language": "en"})
    assert "The job was put back on the queue." in response.get_data(as_text=True)
    assert FailedJobRegistry(queue=redis_queue).get_job_ids() == [] and redis_queue.count == 1
    with in_commune(app, commune):
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "job.retried"))
        assert event.target == job_id and event.details == {"job": "tests.fails_until"}
    work(app, redis_queue)
    assert SEEN == [("fixed", None, "")] and redis_queue.fetch_job(job_id).get_status() == "finished"

    again = post_form(admin, f"/admin/core_jobs/{job_id}/retry", token_url="/admin/core_jobs/",
                      follow_redirects=True, headers={"Accept-Language": "en"})
    assert "This job is no longer among the failed jobs." in again.get_data(as_text=True)


def test_without_redis_the_jobs_page_says_where_errors_go(app, commune):
    make_agent(app, commune, "admin@plateforme.fr", "admin", platform_admin=True)
    page = signed_in(app, "admin@plateforme.fr").get("/admin/core_jobs/", headers={"Accept-Language": "fr"})
    assert "Aucune file d’attente n’est configurée" in page.get_data(as_text=True)


def test_the_cli_queues_a_rebuild_on_redis(app, commune, redis_queue):
    from grc_core.cli import cli

    result = app.test_cli_runner().invoke(cli, ["indicators", "rebuild", "--commune", "villeneuve-sur-loire",
                                                "--background"])
    assert result.exit_code == 0, result.output
    assert "Tâche indicators.rebuild mise en file d'attente pour Villeneuve-sur-Loire" in result.output
    [queued] = redis_queue.jobs
    assert queued.meta["job"] == "indicators.rebuild" and queued.meta["commune_id"] == commune
    work(app, redis_queue)
    assert redis_queue.fetch_job(queued.id).get_status() == "finished"


def test_a_worker_stops_its_command_thread_even_when_the_reply_comes_first(app, redis_queue):
    """The worker's command thread is woken by the reply to UNSUBSCRIBE. Here
    the reply reaches it before anything else happens (the interleaving that
    made a stop wait for the thread's 60-second read): it stops all the same."""
    from grc_core.jobs.worker import GrcWorker

    worker = GrcWorker([redis_queue], connection=redis_queue.connection)
    worker.subscribe()
    thread, pubsub = worker.pubsub_thread, worker.pubsub
    send = pubsub.unsubscribe

    def unsubscribe_then_let_the_reply_arrive(*args):
        send(*args)
        time.sleep(0.5)  # the thread reads the reply and goes back to its read meanwhile

    pubsub.unsubscribe = unsubscribe_then_let_the_reply_arrive
    stopping = threading.Thread(target=worker.unsubscribe, daemon=True)
    stopping.start()
    stopping.join(15)
    assert not stopping.is_alive() and not thread.is_alive(), "the worker waited for its command thread's read"


def test_the_cli_says_a_worker_needs_redis(app):
    from grc_core.cli import cli

    result = app.test_cli_runner().invoke(cli, ["worker", "--burst"])
    assert result.exit_code == 2 and "REDIS_URL n'est pas configuré" in result.output


def _worker_env(app, mailbox_port):
    env = {key: value for key, value in os.environ.items() if not key.startswith("GRC_")}
    settings = app.config["GRC"]
    env.update({
        "GRC_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "GRC_SECRET_KEY": app.config["SECRET_KEY"],
        "GRC_INSTANCE_PATH": app.instance_path, "GRC_PLUGINS": ",".join(app.extensions["grc"].names) or "",
        "GRC_REDIS_URL": REDIS_URL, "GRC_JOBS_QUEUE": settings["JOBS_QUEUE"], "GRC_JOB_RETRY_INTERVALS": "0,0",
        "GRC_MAIL_SERVER": "127.0.0.1", "GRC_MAIL_PORT": str(mailbox_port), "GRC_MAIL_USE_TLS": "false",
    })
    return env


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def test_a_worker_killed_in_the_middle_of_a_delivery_sends_the_mail_once(app, commune, redis_queue, mailbox,
                                                                          tmp_path):
    queue_mail(app, commune)
    assert redis_queue.count == 1
    mailbox.hold = True
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen([str(Path(sys.executable).parent / "grc"), "worker"],
                              cwd=tmp_path, env=_worker_env(app, mailbox.controller_port),
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        # The real worker's job process is now in the middle of the SMTP dialogue.
        assert mailbox.reached.wait(120), (tmp_path / "worker.log").read_text()
        horses = _children(worker.pid)
        for pid in [*horses, worker.pid]:
            os.kill(pid, signal.SIGKILL)
        worker.wait()
    finally:
        if worker.poll() is None:
            worker.kill()
        log.close()
    mailbox.release.set()
    assert mailbox.received == [] and outbox_state(app) == [("pending", 0)]
    killed_at = utcnow()

    # RQ finds the abandoned job (its worker stopped beating) and retries it.
    started = StartedJobRegistry(queue=redis_queue)
    assert len(started.get_job_ids(cleanup=False)) == 1
    started.cleanup(timestamp=10 ** 10)
    assert redis_queue.count == 1
    # The dead worker's claim holds the message for CLAIM_LEASE_MINUTES: a run now leaves it alone.
    with app.app_context():
        assert send_pending(killed_at) == (0, 0)
        # The lease is over (the clock moved on a quarter of an hour).
        with unscoped():
            db.session.execute(update(OutboxMessage).values(
                next_attempt_at=killed_at - timedelta(seconds=1)))
            db.session.commit()
    mailbox.hold = False
    work(app, redis_queue)
    assert outbox_state(app) == [("sent", 1)]
    assert [rcpts for rcpts, _ in mailbox.received] == [["0.lea.martin@example.org"]]
