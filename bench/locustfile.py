"""Load of a Monday morning on GRC (Locust): agents working their queue and
citizens on the public site, against a server on loopback only.

Run by ``python -m bench.load_test`` (gunicorn + PostgreSQL + a bounded
headless run); by hand: ``locust -f bench/locustfile.py --host http://127.0.0.1:8000``.
Agents sign in as the bench commune's front desk (``bench.seed``).
"""
import random
import re

from locust import HttpUser, between, task

from bench.seed import BENCH_ACCUEIL, BENCH_PASSWORD

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
REQUEST_LINK = re.compile(r'href="(/admin/requests/\d+/)"')
WORDS = ("bac", "trottoir", "lampadaire", "voirie", "bruit", "acte", "2026-")


class Agent(HttpUser):
    """An agent: queue, filters, search, a request's page, the dashboard — an action every few seconds."""

    weight = 1
    wait_time = between(2, 6)

    def on_start(self):
        page = self.client.get("/login").text
        match = CSRF.search(page)
        self.client.post("/login", data={"email": BENCH_ACCUEIL, "password": BENCH_PASSWORD,
                                         "csrf_token": match.group(1) or match.group(2)}, allow_redirects=False)
        self.requests = []

    @task(5)
    def queue(self):
        page = self.client.get("/admin/requests/", name="queue").text
        self.requests = REQUEST_LINK.findall(page)[:20] or self.requests

    @task(2)
    def filtered_queue(self):
        self.client.get("/admin/requests/?kind=todo&priority=urgente", name="queue filtered")

    @task(2)
    def search(self):
        self.client.get(f"/admin/requests/?q={random.choice(WORDS)}", name="queue search")

    @task(4)
    def open_request(self):
        if self.requests:
            self.client.get(random.choice(self.requests), name="request page")

    @task(1)
    def dashboard(self):
        self.client.get("/admin/dashboards/", name="dashboard")


class Citizen(HttpUser):
    """A citizen on the public home page."""

    weight = 1
    wait_time = between(3, 10)

    @task
    def home(self):
        self.client.get("/", name="public home")
