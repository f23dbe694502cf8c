"""Redis down (a redis-server of the test's own): jobs are done without the
queue — at once, or by the tick for e-mails — nothing is dropped, the web
keeps serving, and the queue is used again once Redis is back."""
import shutil
import subprocess
import uuid

import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import ExportFile, OutboxMessage
from grc_core.notifications import enqueue_email
from grc_core.plugin_api.testing import in_commune
from grc_core.tenancy import unscoped
from jobs_support import work
from pg_clusters import wait_until
from storage_backends import free_port
from test_queue import town  # noqa: F401 (fixture)
from test_requests import signed_in


class OwnRedis:
    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
                                          text=True).stdout.strip() == "PONG", "redis-server")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def redis(app, monkeypatch):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed")
    server = OwnRedis()
    server.start()
    monkeypatch.setitem(app.config["GRC"], "REDIS_URL", f"redis://127.0.0.1:{server.port}/0")
    monkeypatch.setitem(app.config["GRC"], "JOBS_QUEUE", f"grc-fault-{uuid.uuid4().hex[:8]}")
    monkeypatch.setitem(app.config["GRC"], "EXPORT_JOB_ROWS", 2)
    app.extensions.pop("grc_redis", None)
    yield server
    if server.process.poll() is None:
        server.stop()
    app.extensions.pop("grc_redis", None)


def exports(app, commune_id):
    with in_commune(app, commune_id):
        return [(e.status, e.row_count) for e in db.session.scalars(select(ExportFile).order_by(ExportFile.id))]


def test_redis_down_the_work_is_done_without_the_queue_then_the_queue_again(app, town, redis):
    client = signed_in(app, "agent@a.fr")
    redis.stop()
    # The large export is written at once, in the request, as without a queue.
    response = client.get("/admin/requests/export.csv?kind=todo")
    assert response.status_code == 302
    assert exports(app, town.id) == [("ready", 3)]
    assert client.get("/admin/requests/").status_code == 200
    # An e-mail stays in the outbox for the tick: not lost.
    with in_commune(app, town.id):
        enqueue_email("lea@example.org", "Votre demande", "Bonjour")
        db.session.commit()
    with app.app_context(), unscoped():
        assert [m.status for m in db.session.scalars(select(OutboxMessage))] == ["pending"]

    redis.start()  # back, same port: the next job goes to the queue
    app.extensions.pop("grc_redis", None)
    client.get("/admin/requests/export.csv?kind=todo")
    assert exports(app, town.id) == [("ready", 3), ("pending", None)]
    with app.app_context():
        from grc_core.jobs.queue import queue
        jobs = queue()
    work(app, jobs)
    assert exports(app, town.id) == [("ready", 3), ("ready", 3)]
