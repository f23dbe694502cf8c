"""Where a commune's portal answers, and the one builder of its links.

A commune's portal has two addresses:

- ``/c/<slug>/portal/…`` on the platform's host (and on the commune's own);
- ``/portal/…`` on the commune's own hostname (``Commune.hostnames``): the
  same views, the same endpoint names — :func:`serve_on_hostnames` adds a
  second rule per view, without the slug; the tenancy resolver takes the
  commune from the host there, and answers 404 on a host that is nobody's.

Links: on the commune's own host, every link of a page is the hostname form
(the blueprint's ``url_defaults`` leave the slug out there). A link that
leaves the page — e-mailed, sent by SMS, printed in the digest, shown to be
copied — is built by :func:`portal_url`: the hostname form on the commune's
first hostname when it has one, else the slug form on the current host (or
``PUBLIC_URL`` outside a request). Nothing else concatenates a portal URL.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, request, url_for

SLUG_PREFIX = "/c/<commune_slug>"


HOSTNAME_ENDPOINTS = "grc_hostname_endpoints"


def is_portal_rule(rule) -> bool:
    """The portal's rules and the plugins' own portal routes
    (``/c/<slug>/<plugin>/portal/…``: a survey answered on a request's page)."""
    if not rule.rule.startswith(SLUG_PREFIX + "/"):
        return False
    path = rule.rule[len(SLUG_PREFIX):]
    return path.startswith("/portal") if rule.endpoint.startswith("portal.") else "/portal/" in path


def serve_on_hostnames(app) -> None:
    """Give every portal rule — the core's and the plugins' — its hostname
    form (``/portal/…``, ``/<plugin>/portal/…``), same endpoint.

    Building a link picks the rule by the values given (Werkzeug tries the
    rules with more arguments first): with ``commune_slug``, the slug form;
    without, the hostname form — :func:`_slug_on_own_host` leaves the slug
    out on the commune's own host, for every such endpoint."""
    endpoints = app.extensions.setdefault(HOSTNAME_ENDPOINTS, set())
    for rule in list(app.url_map.iter_rules()):
        if not is_portal_rule(rule):
            continue
        endpoints.add(rule.endpoint)
        app.add_url_rule(rule.rule[len(SLUG_PREFIX):], endpoint=rule.endpoint,
                         view_func=app.view_functions[rule.endpoint], methods=rule.methods,
                         provide_automatic_options=getattr(rule, "provide_automatic_options", None),
                         strict_slashes=rule.strict_slashes)
    app.url_defaults(_slug_on_own_host)


def _slug_on_own_host(endpoint, values) -> None:
    # A plugin's portal link names its commune's slug; on that commune's own host the link is the hostname form.
    if endpoint in current_app.extensions[HOSTNAME_ENDPOINTS] and on_own_host():
        commune = g.get("grc_commune")
        if commune is not None and values.get("commune_slug") == commune.slug:
            values.pop("commune_slug")


def served_on_hostname(endpoint: str | None) -> bool:
    """The endpoint has a hostname form (the resolver takes the commune from the host there)."""
    return endpoint in current_app.extensions.get(HOSTNAME_ENDPOINTS, ())


def on_own_host() -> bool:
    """The current page is served on its commune's own hostname (set by the tenancy resolver)."""
    return has_request_context() and bool(g.get("grc_own_host"))


def _scheme() -> str:
    if has_request_context():
        return request.scheme
    return urlsplit(current_app.config["GRC"].get("PUBLIC_URL") or "").scheme or "https"


def external_url(endpoint: str, **values) -> str | None:
    """An absolute link on the platform's address: the current request's host,
    or ``PUBLIC_URL`` outside a request (``grc tick``); None when neither."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config["GRC"].get("PUBLIC_URL") or ""
    if not base:
        return None
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def portal_url(commune, endpoint: str, **values) -> str | None:
    """The absolute address of a portal page of ``commune``, for a message:
    on its own hostname when it has one (its first), else the slug form.
    None outside a request when ``PUBLIC_URL`` is not set."""
    hostnames = commune.hostname_list
    if hostnames:
        adapter = current_app.url_map.bind(hostnames[0], url_scheme=_scheme())
        return adapter.build(endpoint, values, force_external=True)
    return external_url(endpoint, commune_slug=commune.slug, **values)


def home_url(commune) -> str:
    """The commune's public home from one of its portal pages (``/`` on its own host)."""
    return url_for("public.root") if on_own_host() else url_for("public.home", commune_slug=commune.slug)
