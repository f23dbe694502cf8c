"""Configuration: defaults, then a TOML file, then GRC_* environment variables.

Precedence (last wins):

1. ``DEFAULTS`` below;
2. the TOML file named by ``GRC_CONFIG``, else ``config/grc.toml`` in the
   current directory when it exists (``config/grc.toml`` in the repository
   documents every key);
3. environment variables ``GRC_<KEY>`` (``GRC_DATABASE_URL``,
   ``GRC_SECRET_KEY``, ``GRC_PLUGINS``…);
4. the ``config`` mapping given to ``create_app`` (tests, embedding).

Keys are upper-case; the TOML file may write them in lower case.
"""
from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path


class ConfigError(Exception):
    """The configuration cannot be used; the message says which key and why."""


DEFAULTS: dict[str, object] = {
    # Empty: an SQLite file ``grc.sqlite`` in the instance folder.
    "DATABASE_URL": "",
    # A streaming replica for the queue's and dashboards' reads (empty: none),
    # used while it is at most this many seconds behind the primary.
    "DATABASE_REPLICA_URL": "",
    "DATABASE_REPLICA_MAX_LAG_SECONDS": 10,
    # false behind PgBouncer in transaction mode (psycopg prepares nothing).
    "DATABASE_PREPARED_STATEMENTS": True,
    # Empty: generated once and kept in the instance folder (file secret_key).
    "SECRET_KEY": "",
    # "*" loads every installed plugin; otherwise a list or comma-separated names.
    "PLUGINS": "*",
    # Plugins that are not installed distributions: {"name": "python.module"}.
    "EXTRA_PLUGINS": {},
    "DEFAULT_LOCALE": "fr",
    "LOCALES": ["fr", "en"],
    "DEFAULT_TIMEZONE": "Europe/Paris",
    "INSTANCE_PATH": "",
    # Login throttling (grc_core/security/throttling.py): failures of one
    # account allowed in the window before delays (from an address it signed
    # in from lately) or a block (from anywhere else).
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,
    # Per source address, to slow down attempts spread over many accounts.
    "LOGIN_MAX_FAILURES_PER_IP": 30,
    # An address an account signed in from within these days is "known":
    # only slowed down there, never blocked.
    "LOGIN_KNOWN_ADDRESS_DAYS": 30,
    # Citizens' portal (grc_core/portal/rate_limits.py): tries allowed per
    # source address (and per e-mail address for sign-ups), in the notation of
    # the ``limits`` library; counted in Redis when REDIS_URL is set. The
    # per-account throttling of sign-in, filing and messages is above.
    "PORTAL_SIGN_UP_LIMIT_PER_ADDRESS": "5/15 minutes",
    "PORTAL_SIGN_UP_LIMIT_PER_ACCOUNT": "3/15 minutes",
    "PORTAL_SIGN_IN_LIMIT_PER_ADDRESS": "30/15 minutes",
    "PORTAL_LINK_LIMIT_PER_ADDRESS": "10/15 minutes",
    "PORTAL_FILING_LIMIT_PER_ADDRESS": "20/hour",
    "PORTAL_MESSAGE_LIMIT_PER_ADDRESS": "60/hour",
    # Cookies: secure by default; set false only for plain-HTTP development.
    "SESSION_COOKIE_SECURE": True,
    # Strict-Transport-Security on responses served over HTTPS; 0 sends none.
    "HSTS_MAX_AGE": 31_536_000,
    "SESSION_LIFETIME_HOURS": 10,
    # Largest file an agent may attach to a request, in megabytes.
    "MAX_ATTACHMENT_MB": 10,
    # Outgoing e-mail; declared here so that GRC_MAIL_* values get their type
    # ("false" is not true). Empty server: .eml files in <instance>/mail/.
    "MAIL_SERVER": "",
    "MAIL_PORT": 587,
    "MAIL_USE_TLS": True,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_FROM": "no-reply@localhost",
    # Domain of the per-recipient bounce addresses (VERP, bounces+<signed id>@domain)
    # of campaigns; empty: the envelope sender is MAIL_FROM, no bounce is traced back.
    "MAIL_BOUNCE_DOMAIN": "",
    # SMS to citizens through an HTTP gateway (grc_core.notifications.sms,
    # docs/deployment.md); empty URL: no SMS, those who chose it get e-mails.
    "SMS_GATEWAY_URL": "",
    "SMS_GATEWAY_KEY": "",
    "SMS_SENDER": "",
    "SMS_GATEWAY_TIMEOUT_SECONDS": 10,
    # The site's address (https://grc.example.fr) for links in messages written
    # outside a web request (``grc tick``); empty: those messages carry no link.
    "PUBLIC_URL": "",
    # Files: empty bucket = the instance folder; else an S3-compatible bucket
    # (endpoint empty = AWS; MinIO: http://minio:9000).
    "STORAGE_S3_BUCKET": "",
    "STORAGE_S3_ENDPOINT": "",
    "STORAGE_S3_REGION": "",
    "STORAGE_S3_ACCESS_KEY": "",
    "STORAGE_S3_SECRET_KEY": "",
    "STORAGE_S3_PREFIX": "",
    # Background jobs: empty = no queue, jobs run in the process or at `grc tick`.
    "REDIS_URL": "",
    "JOBS_QUEUE": "grc",
    # Waits before the 1st, 2nd… retry of a failed job, in seconds (then it is dead).
    "JOB_RETRY_INTERVALS": [30, 120, 600, 3600],
    "JOB_TIMEOUT_SECONDS": 900,
    # Queue exports of more requests than this are written by a job and
    # downloaded from "My exports" (0: always at once); kept this many days.
    "EXPORT_JOB_ROWS": 2000,
    "EXPORT_FILE_DAYS": 7,
    # How often `grc scheduler` queues `tick`.
    "TICK_INTERVAL_SECONDS": 60,
    # /metrics: these addresses, or a request bearing the token.
    "METRICS_ALLOWED_IPS": ["127.0.0.1", "::1"],
    "METRICS_TOKEN": "",
    # "json" for one JSON object per line (log collectors), else plain text.
    "LOG_FORMAT": "text",
    "LOG_LEVEL": "INFO",
    # Queries slower than this are logged with their duration (0: never).
    "SLOW_QUERY_MS": 500,
    # Calls allowed per API key (per address without a key), in the notation
    # of the ``limits`` library: "120/minute", "5000/hour"…
    "API_RATE_LIMIT": "120/minute",
    # Webhooks: seconds a receiver has to answer; private, loopback and
    # link-local targets are refused unless this is true (tests, closed networks).
    "WEBHOOK_TIMEOUT_SECONDS": 10,
    "WEBHOOK_ALLOW_PRIVATE_TARGETS": False,
    # Refuse to start with settings only fit for a newcomer's machine.
    "PRODUCTION": False,
}

_BOOL_TRUE = {"1", "true", "yes", "on", "oui"}
_BOOL_FALSE = {"0", "false", "no", "off", "non", ""}


def _coerce(key: str, raw: str, default: object) -> object:
    """Environment values are strings; give them the type of the default."""
    if isinstance(default, bool):
        lowered = raw.strip().lower()
        if lowered in _BOOL_TRUE:
            return True
        if lowered in _BOOL_FALSE:
            return False
        raise ConfigError(f"GRC_{key}: « {raw} » n'est pas un booléen (true/false).")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"GRC_{key}: « {raw} » n'est pas un nombre entier.") from None
    if isinstance(default, list):
        return [part.strip() for part in raw.split(",") if part.strip()]
    if isinstance(default, dict):
        pairs = [part.split("=", 1) for part in raw.split(",") if part.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise ConfigError(f"GRC_{key}: attendu « nom=module,nom2=module2 ».")
        return {name.strip(): module.strip() for name, module in pairs}
    return raw


def _config_file(environ) -> Path | None:
    named = environ.get("GRC_CONFIG")
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigError(f"GRC_CONFIG: le fichier {path} n'existe pas.")
        return path
    default = Path("config") / "grc.toml"
    return default if default.is_file() else None


def load_settings(overrides: dict | None = None, environ=None) -> dict:
    """Return the effective settings as a flat dict of upper-case keys."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    path = _config_file(environ)
    if path is not None:
        try:
            with path.open("rb") as handle:
                from_file = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: TOML invalide ({error}).") from None
        settings.update({key.upper(): value for key, value in from_file.items()})
    for name, raw in environ.items():
        if name.startswith("GRC_") and name != "GRC_CONFIG":
            key = name[4:]
            settings[key] = _coerce(key, raw, DEFAULTS.get(key, ""))
    settings.update(overrides or {})
    return settings


def plugin_names(setting) -> list[str] | None:
    """``"*"`` → None (all installed); else the list of names, in the given order."""
    if setting in ("*", ["*"]):
        return None
    if isinstance(setting, str):
        return [name.strip() for name in setting.split(",") if name.strip()]
    return list(setting)


def secret_key(settings: dict, instance_path: Path) -> str:
    """The configured key, else one generated on first run and kept.

    A newcomer gets working sessions without reading the docs, and the key
    survives restarts; production sets GRC_SECRET_KEY explicitly.
    """
    if settings.get("SECRET_KEY"):
        return str(settings["SECRET_KEY"])
    key_file = instance_path / "secret_key"
    if key_file.is_file():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


# Values found in examples and tutorials: a key anyone can read signs nothing.
PLACEHOLDER_SECRETS = {"change-me", "changeme", "secret", "secret-key", "dev", "development", "test",
                       "test-secret-key", "your-secret-key", "please-change"}
MIN_SECRET_LENGTH = 32


def check_production(settings: dict) -> None:
    """With ``PRODUCTION`` on, refuse what only fits a newcomer's machine: a
    missing, placeholder or short secret key (each node would draw its own,
    or anyone could forge sessions) and session cookies sent over plain HTTP."""
    if not settings.get("PRODUCTION"):
        return
    problems = []
    key = str(settings.get("SECRET_KEY") or "")
    if not key:
        problems.append("SECRET_KEY est vide : donnez la même clé aléatoire à tous les nœuds (GRC_SECRET_KEY)")
    elif key.strip().lower() in PLACEHOLDER_SECRETS or "change" in key.lower() or len(key) < MIN_SECRET_LENGTH:
        problems.append(f"SECRET_KEY est une valeur d'exemple ou compte moins de {MIN_SECRET_LENGTH} caractères "
                        "(python -c \"import secrets; print(secrets.token_hex(32))\")")
    if not settings.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE doit valoir true : en production, GRC est servi en HTTPS")
    if problems:
        raise ConfigError("PRODUCTION = true, mais " + " ; ".join(problems) + ".")


def database_url(settings: dict, instance_path: Path) -> str:
    url = str(settings.get("DATABASE_URL") or "")
    if not url:
        return f"sqlite:///{instance_path / 'grc.sqlite'}"
    # psycopg 3 is the driver we ship; accept the common short forms.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
