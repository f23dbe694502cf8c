"""Stateless web nodes: two gunicorn servers on one PostgreSQL database, one
S3 bucket and one Redis serve the same deployment — a request filed on one
is read, its file downloaded and its status changed on the other."""
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from grc_core.plugin_api.testing import DEMO_PASSWORD, make_agent
from jobs_support import REDIS_URL
from storage_backends import free_port, s3_endpoint, s3_storage  # noqa: F401 (fixture)
from test_requests import make_citizen, setup_commune

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def csrf(session, url):
    match = CSRF.search(session.get(url).text)
    assert match, url
    return match.group(1)


@pytest.fixture
def two_nodes(app, s3_endpoint, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("several web nodes share a PostgreSQL database; CI runs this on its PostgreSQL run")
    bucket = s3_storage(s3_endpoint).bucket
    queue = f"grc-test-{uuid.uuid4().hex[:12]}"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    nodes, processes = [], []
    for name in ("a", "b"):
        port = free_port()
        env = {key: value for key, value in os.environ.items() if not key.startswith(("GRC_", "PROMETHEUS_"))}
        env.update({
            "GRC_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            # One key for every node: a session cookie signed by one is valid on the other.
            "GRC_SECRET_KEY": "deux-noeuds-une-seule-cle-secrete-de-test-0123456789",
            # Each node an instance folder of its own: nothing may be shared through it.
            "GRC_INSTANCE_PATH": str(tmp_path / f"node-{name}"),
            "GRC_PLUGINS": ",".join(app.extensions["grc"].names),
            "GRC_STORAGE_S3_BUCKET": bucket, "GRC_STORAGE_S3_ENDPOINT": s3_endpoint,
            "GRC_STORAGE_S3_REGION": "eu-west-3", "GRC_STORAGE_S3_ACCESS_KEY": "test",
            "GRC_STORAGE_S3_SECRET_KEY": "test",
            "GRC_REDIS_URL": REDIS_URL, "GRC_JOBS_QUEUE": queue,
            "GRC_SESSION_COOKIE_SECURE": "false",  # plain HTTP on loopback, in this test only
        })
        log = (tmp_path / f"node-{name}.log").open("wb")
        processes.append((subprocess.Popen(
            [gunicorn, "--workers", "1", "--graceful-timeout", "5", "--bind", f"127.0.0.1:{port}", "grc_core.wsgi:app"],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT), log))
        nodes.append(f"http://127.0.0.1:{port}")
    try:
        for url, (process, _log) in zip(nodes, processes):
            for _ in range(600):  # up to a minute on a loaded machine
                if process.poll() is not None:
                    break
                try:
                    if requests.get(f"{url}/readyz", timeout=60).status_code == 200:
                        break
                except (requests.ConnectionError, requests.Timeout):
                    time.sleep(0.1)
            assert requests.get(f"{url}/readyz", timeout=60).json()["checks"] == {
                "database": "ok", "storage": "ok", "redis": "ok"}, (tmp_path / "node-a.log").read_text()
        yield nodes
    finally:
        for process, log in processes:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def test_a_request_filed_on_one_node_is_read_and_moved_on_the_other(app, two_nodes):
    node_a, node_b = two_nodes
    town = setup_commune(app)
    make_agent(app, town.id, "agent@a.fr", "agent", services=["voirie"])
    citizen = make_citizen(app, town.id)

    browser = requests.Session()
    browser.headers["Accept-Language"] = "fr"
    signed = browser.post(f"{node_a}/login", data={"email": "agent@a.fr", "password": DEMO_PASSWORD,
                                                    "csrf_token": csrf(browser, f"{node_a}/login")},
                          allow_redirects=False)
    assert signed.status_code == 302
    filed = browser.post(f"{node_a}/admin/intake/", allow_redirects=False, data={
        "csrf_token": csrf(browser, f"{node_a}/admin/intake/"), "channel": "guichet", "type": town.bacs,
        "citizen": citizen, "subject": "Bac cassé", "f_motif": "Couvercle cassé", "f_nombre": "1"})
    assert filed.status_code == 302, filed.text[:500]
    request_id = int(re.search(r"/admin/requests/(\d+)/", browser.get(node_a + filed.headers["Location"]).text)
                     .group(1))
    attached = browser.post(f"{node_a}/admin/requests/{request_id}/attachments", allow_redirects=False, data={
        "csrf_token": csrf(browser, f"{node_a}/admin/requests/{request_id}/")},
        files={"files": ("recu.pdf", PDF, "application/pdf")})
    assert attached.status_code == 302

    # Node B: the same session cookie, the same request, the file from the shared bucket.
    page = browser.get(f"{node_b}/admin/requests/{request_id}/").text
    assert "Bac cassé" in page and "recu.pdf" in page and "Nouvelle" in page
    download = re.search(r'href="(/admin/requests/attachments/\d+)"', page).group(1)
    assert browser.get(node_b + download).content == PDF
    moved = browser.post(f"{node_b}/admin/requests/{request_id}/transition", allow_redirects=False, data={
        "csrf_token": csrf(browser, f"{node_b}/admin/requests/{request_id}/"), "transition": "prendre",
        "version": VERSION.search(page).group(1)})
    assert moved.status_code == 302

    # Back on node A: the new status.
    assert "Nouvelle → En cours" in browser.get(f"{node_a}/admin/requests/{request_id}/").text
