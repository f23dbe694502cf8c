"""A small SMS gateway the tests start (http.server in a thread): it answers
the JSON POST of grc_core.notifications.sms.HttpGateway from a script of
answers, and records what it received."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Gateway:
    """``script``: answers in order (the last one repeats): an HTTP status
    with a JSON body, or "hang" (no answer until the client gives up)."""

    def __init__(self, script):
        self.script = list(script)
        self.received: list[dict] = []
        self.delivered: list[dict] = []  # what was answered 2xx: the SMS that reached phones
        self.release = threading.Event()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                call = {"body": body, "authorization": self.headers.get("Authorization"),
                        "idempotency": self.headers.get("Idempotency-Key")}
                gateway.received.append(call)
                answer = gateway.script.pop(0) if len(gateway.script) > 1 else gateway.script[0]
                if answer == "hang":
                    # Until the test ends: the client's timeout gives up first.
                    gateway.release.wait(30)
                    return
                status, payload = answer
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                if 200 <= status < 300:
                    gateway.delivered.append(call)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/sms"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
