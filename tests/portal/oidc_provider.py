"""A small OpenID Connect provider that the tests start themselves, on
127.0.0.1 in a thread: discovery, an authorisation endpoint that approves
at once (the person is ``identity``), a token endpoint checking the client's
secret and the code, and its keys. ID tokens are signed RS256 with joserfc.

``tamper`` changes the next ID token's claims, to test what the portal refuses.
"""
from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

CLIENT_ID = "grc-portal-test"
CLIENT_SECRET = "secret-of-the-test-client"


class Provider:
    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"}, private=True)
        self.identity = {"email": "lea@example.org", "email_verified": True, "given_name": "Léa",
                         "family_name": "Roux", "birthdate": "1990-04-12"}
        self.tamper: dict = {}
        self.codes: dict[str, dict] = {}
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()

    def settings(self, label="FranceConnect") -> dict:
        return {"issuer": self.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "label": label}

    def wsgi(self, environ, start_response):
        request = Request(environ)
        handler = {"/.well-known/openid-configuration": self.discovery, "/authorize": self.authorize,
                   "/token": self.token, "/jwks": self.jwks}.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    @staticmethod
    def _json(data, status=200) -> Response:
        return Response(json.dumps(data), status=status, mimetype="application/json")

    def discovery(self, request) -> Response:
        return self._json({"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                           "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                           "response_types_supported": ["code"], "id_token_signing_alg_values_supported": ["RS256"]})

    def authorize(self, request) -> Response:
        args = request.args
        if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
            return Response("bad request", status=400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": args.get("nonce"), "redirect_uri": args["redirect_uri"]}
        query = urlencode({"code": code, "state": args.get("state", "")})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def token(self, request) -> Response:
        auth = request.headers.get("Authorization", "")
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        grant = self.codes.pop(request.form.get("code", ""), None)
        if auth != f"Basic {expected}" or grant is None or request.form.get("redirect_uri") != grant["redirect_uri"]:
            return self._json({"error": "invalid_grant"}, 400)
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": "usager-1", "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  "nonce": grant["nonce"], **self.identity, **self.tamper}
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)
        return self._json({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                           "id_token": id_token})

    def jwks(self, request) -> Response:
        return self._json({"keys": [self.key.as_dict(private=False)]})
