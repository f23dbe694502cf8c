"""/healthz, /readyz, /metrics, JSON logs with request ids, slow queries, production settings."""
import json
import logging
import os
import subprocess
import sys

import pytest
from sqlalchemy import text

from grc_core.extensions import db
from grc_core.observability.logs import JsonFormatter, RequestIdFilter, request_id_var
from grc_core.plugin_api.testing import in_commune, make_commune
from grc_core.settings import ConfigError, check_production
from grc_core.notifications import enqueue_email
from jobs_support import redis_queue  # noqa: F401 (fixture)


def test_healthz_answers_without_the_database(app, monkeypatch):
    monkeypatch.setattr(db.session, "execute", None)  # any query would fail loudly
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readyz_checks_database_storage_and_redis(app, redis_queue, monkeypatch):
    client = app.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json == {"status": "ok", "checks": {"database": "ok", "storage": "ok", "redis": "ok"}}

    # Nothing listens on port 1: Redis is down, and the node says it cannot serve.
    monkeypatch.setitem(app.config["GRC"], "REDIS_URL", "redis://127.0.0.1:1/0")
    app.extensions.pop("grc_redis", None)
    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.json == {"status": "error", "checks": {"database": "ok", "storage": "ok", "redis": "error"}}
    assert "Connection" not in down.get_data(as_text=True)  # the cause is logged, not told
    # The other figures can still be scraped.
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "grc_outbox_backlog" in metrics and "grc_jobs_queued" not in metrics
    app.extensions.pop("grc_redis", None)


def test_readyz_without_redis_checks_what_there_is(app):
    assert app.test_client().get("/readyz").json["checks"] == {"database": "ok", "storage": "ok"}


def test_metrics_count_requests_by_route_and_status_and_show_the_backlog(app, redis_queue):
    commune = make_commune(app, plugins=[])
    with in_commune(app, commune):
        enqueue_email("lea.martin@example.org", "Votre demande", "Bonjour")
        db.session.commit()
    client = app.test_client()
    client.get("/healthz")
    client.get("/admin/requests/123456/")  # anonymous: redirected to the login page
    body = client.get("/metrics").get_data(as_text=True)
    assert 'grc_http_requests_total{method="GET",route="/healthz",status="200"}' in body
    assert 'route="/admin/requests/<id:request_id>/",status="302"' in body
    assert "123456" not in body
    assert 'grc_http_request_duration_seconds_bucket{le="0.01",method="GET",route="/healthz"}' in body
    assert 'grc_outbox_backlog{status="pending"} 1.0' in body
    # The commit that queued the e-mail queued its delivery.
    assert "grc_jobs_queued 1.0" in body and "grc_jobs_failed 0.0" in body


def test_metrics_are_for_loopback_configured_addresses_or_the_token(app, monkeypatch):
    client = app.test_client()
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics").status_code == 200  # the test client comes from 127.0.0.1
    assert client.get("/metrics", environ_base=outside).status_code == 403
    monkeypatch.setitem(app.config["GRC"], "METRICS_TOKEN", "jeton-de-supervision-assez-long")
    assert client.get("/metrics", environ_base=outside,
                      headers={"Authorization": "Bearer jeton-de-supervision-assez-long"}).status_code == 200
    assert client.get("/metrics", environ_base=outside, headers={"Authorization": "Bearer autre"}).status_code == 403
    monkeypatch.setitem(app.config["GRC"], "METRICS_ALLOWED_IPS", ["203.0.113.0/24"])
    assert client.get("/metrics", environ_base=outside).status_code == 200
    assert client.get("/metrics").status_code == 403


def test_metrics_add_up_every_gunicorn_worker_in_multiprocess_mode(tmp_path):
    # A fresh interpreter: prometheus_client chooses its mode when first imported.
    script = """
import os, sys
from grc_core import create_app
app = create_app({"TESTING": True, "INSTANCE_PATH": sys.argv[1], "SESSION_COOKIE_SECURE": False})
client = app.test_client()
client.get("/healthz"); client.get("/healthz")
from grc_core.observability.metrics import exposition
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
registry = CollectorRegistry()
multiprocess.MultiProcessCollector(registry)
print(generate_latest(registry).decode())
"""
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    for _worker in range(2):  # two processes, as two gunicorn workers
        subprocess.run([sys.executable, "-c", script, str(tmp_path / "instance")], env=env, check=True,
                       capture_output=True, cwd=tmp_path)
    output = subprocess.run([sys.executable, "-c", script, str(tmp_path / "instance")], env=env, check=True,
                            capture_output=True, text=True, cwd=tmp_path).stdout
    assert 'grc_http_requests_total{method="GET",route="/healthz",status="200"} 6.0' in output
    assert any(name.startswith("counter_") for name in os.listdir(folder))


def test_each_response_carries_a_request_id_and_a_proxys_one_is_kept(app):
    client = app.test_client()
    given = client.get("/healthz", headers={"X-Request-ID": "nginx-4f2a"})
    assert given.headers["X-Request-ID"] == "nginx-4f2a"
    drawn = client.get("/healthz", headers={"X-Request-ID": "forged <script>"}).headers["X-Request-ID"]
    assert len(drawn) == 32 and drawn != client.get("/healthz").headers["X-Request-ID"]


def test_json_logs_carry_the_request_id_and_the_records_fields():
    record = logging.LogRecord("grc.jobs", logging.INFO, __file__, 1, "job %s started", ("tick",), None)
    record.commune_id = 3
    token = request_id_var.set("req-9")
    try:
        entry = json.loads(JsonFormatter().format(record))
        assert RequestIdFilter().filter(record) and record.request_id == "req-9"
    finally:
        request_id_var.reset(token)
    assert entry["message"] == "job tick started" and entry["level"] == "INFO" and entry["logger"] == "grc.jobs"
    assert entry["request_id"] == "req-9" and entry["commune_id"] == 3 and entry["time"].endswith("+00:00")


def test_slow_queries_are_logged_with_their_statement_not_their_parameters(tmp_path, caplog):
    from grc_core import create_app

    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SESSION_COOKIE_SECURE": False,
                      "SLOW_QUERY_MS": 1})
    counting = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) "
                "SELECT count(*) FROM n WHERE i > :secret")
    with app.app_context(), caplog.at_level(logging.WARNING, logger="grc.sql.slow"):
        db.session.execute(text(counting), {"secret": 424242})
        db.engine.dispose()
    [slow] = [r for r in caplog.records if r.name == "grc.sql.slow"]
    assert slow.statement.startswith("WITH RECURSIVE n(i)") and slow.duration_ms >= 1
    assert "424242" not in slow.getMessage() + slow.statement


@pytest.mark.parametrize("settings, message", [
    ({"SECRET_KEY": ""}, "SECRET_KEY est vide"),
    ({"SECRET_KEY": "CHANGE-ME"}, "SECRET_KEY est une valeur d'exemple"),
    ({"SECRET_KEY": "trop-courte"}, "moins de 32 caractères"),
    ({"SECRET_KEY": "f" * 64, "SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE doit valoir true"),
])
def test_production_refuses_to_start_with_a_newcomers_settings(tmp_path, settings, message):
    from grc_core import create_app

    config = {"PRODUCTION": True, "SESSION_COOKIE_SECURE": True, "INSTANCE_PATH": str(tmp_path), **settings}
    with pytest.raises(ConfigError) as refused:
        create_app(config)
    assert message in str(refused.value)
    assert not (tmp_path / "secret_key").exists()  # refused before anything was written


def test_production_starts_with_a_real_key_and_secure_cookies(tmp_path):
    check_production({"PRODUCTION": True, "SECRET_KEY": "9f" * 32, "SESSION_COOKIE_SECURE": True})
    # The embedded default is untouched: no key given, cookies off for `grc serve`.
    check_production({"PRODUCTION": False, "SECRET_KEY": "", "SESSION_COOKIE_SECURE": False})


def test_the_cli_says_why_production_settings_are_refused(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("GRC_")}
    env.update({"GRC_PRODUCTION": "true", "GRC_SECRET_KEY": "CHANGE-ME", "GRC_INSTANCE_PATH": str(tmp_path)})
    result = subprocess.run([os.path.join(os.path.dirname(sys.executable), "grc"), "communes", "list"], env=env,
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 2
    assert "Erreur de configuration : PRODUCTION = true, mais SECRET_KEY est une valeur d'exemple" in result.stderr
