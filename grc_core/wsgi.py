"""WSGI entry point for production servers: ``gunicorn grc_core.wsgi:app``."""
from werkzeug.middleware.proxy_fix import ProxyFix

from . import create_app

# Behind one reverse proxy (nginx, Caddy): trust its X-Forwarded-* headers so
# client addresses (login throttling, audit) and HTTPS are seen correctly.
app = ProxyFix(create_app(), x_for=1, x_proto=1, x_host=1)
