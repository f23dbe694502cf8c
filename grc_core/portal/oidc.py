"""Optional OpenID Connect sign-in on a commune's portal (FranceConnect or
any provider), with Authlib (the authorisation-code flow of its requests
client) and joserfc (the ID token's signature and claims).

Configured per commune in ``Commune.settings["portal_oidc"]``::

    {"issuer": "https://fcp.integ01.dev-franceconnect.fr/api/v1",
     "client_id": "…", "client_secret": "…", "label": "FranceConnect",
     "scope": "openid email given_name family_name birthdate"}

The provider's metadata (``/.well-known/openid-configuration``) gives the
endpoints and keys. The ID token must be signed by the provider's keys, be
issued by the configured issuer for this client, carry the nonce of this
attempt and not be expired; its ``email`` must be verified (``email_verified``
not false). The account of that address in the commune is signed in, or
created (verified, without a password) from the token's names and date of
birth, then linked to the citizen record by the usual rule
(grc_core.portal.linking). Nothing else of the provider is kept.
"""
from __future__ import annotations

import secrets
from datetime import date
from typing import TYPE_CHECKING

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select

from ..extensions import db
from ..models import CitizenAccount
from ..security import clock
from .linking import link_if_unambiguous

if TYPE_CHECKING:
    from authlib.integrations.requests_client import OAuth2Session

# requests and Authlib's client (~5 MB in every worker) are imported by the
# functions that talk to the provider: only a commune with OIDC sign-in uses them.

SETTING = "portal_oidc"
TIMEOUT_SECONDS = 10
DEFAULT_SCOPE = "openid email profile"


class SignInRefused(Exception):
    """The provider's answer cannot sign anyone in (the reason is for the log, not the citizen)."""


def configuration(commune) -> dict | None:
    config = (commune.settings or {}).get(SETTING)
    if not isinstance(config, dict) or not all(config.get(key) for key in ("issuer", "client_id", "client_secret")):
        return None
    return config


def _metadata(config: dict) -> dict:
    import requests

    url = config["issuer"].rstrip("/") + "/.well-known/openid-configuration"
    response = requests.get(url, timeout=TIMEOUT_SECONDS)
    response.raise_for_status()
    return response.json()


def _client(config: dict, redirect_uri: str) -> OAuth2Session:
    from authlib.integrations.requests_client import OAuth2Session

    return OAuth2Session(config["client_id"], config["client_secret"], scope=config.get("scope") or DEFAULT_SCOPE,
                         redirect_uri=redirect_uri, token_endpoint_auth_method="client_secret_basic")


def start(config: dict, redirect_uri: str) -> tuple[str, dict]:
    """The provider's authorisation URL and what to remember until the callback."""
    nonce = secrets.token_urlsafe(24)
    url, state = _client(config, redirect_uri).create_authorization_url(
        _metadata(config)["authorization_endpoint"], nonce=nonce)
    return url, {"state": state, "nonce": nonce}


def claims_of(config: dict, redirect_uri: str, callback_url: str, pending: dict) -> dict:
    """The ID token's checked claims for this callback (raises SignInRefused)."""
    import requests

    metadata = _metadata(config)
    try:
        token = _client(config, redirect_uri).fetch_token(
            metadata["token_endpoint"], authorization_response=callback_url, state=pending["state"])
        keys = KeySet.import_key_set(requests.get(metadata["jwks_uri"], timeout=TIMEOUT_SECONDS).json())
        decoded = jwt.decode(token["id_token"], keys)
        jwt.JWTClaimsRegistry(
            now=int(clock.now().timestamp()), leeway=60,
            iss={"essential": True, "value": metadata.get("issuer", config["issuer"])},
            aud={"essential": True, "value": config["client_id"]},
            nonce={"essential": True, "value": pending["nonce"]},
            exp={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, KeyError, ValueError, requests.RequestException) as error:
        raise SignInRefused(str(error)) from error
    except Exception as error:  # Authlib's OAuth errors (a mismatched state, a refused code)
        if type(error).__module__.startswith("authlib"):
            raise SignInRefused(str(error)) from error
        raise
    claims = decoded.claims
    if not claims.get("email") or claims.get("email_verified") is False:
        raise SignInRefused("no verified e-mail address")
    return claims


def _birth_date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def account_for(claims: dict) -> CitizenAccount:
    """The commune's account of the token's address, created when new (the caller commits)."""
    email = str(claims["email"]).strip().lower()[:254]
    account = db.session.scalar(select(CitizenAccount).where(CitizenAccount.email == email))
    if account is None:
        account = CitizenAccount(
            email=email, first_name=str(claims.get("given_name") or "")[:100] or email.split("@")[0][:100],
            last_name=str(claims.get("family_name") or "")[:100], birth_date=_birth_date(claims.get("birthdate")))
        db.session.add(account)
    if account.email_verified_at is None:
        account.email_verified_at = clock.now()
    db.session.flush()
    link_if_unambiguous(account)
    return account
