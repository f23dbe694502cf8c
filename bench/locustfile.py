"""A Monday morning on GRC (Locust): agents working their piles, citizens on
the portal, applications on the Open311 API — against a server on loopback.

Run by ``python -m bench.load_test`` (which prepares the accounts with
``bench.load_prep`` and gives their plan in ``GRC_LOAD_PLAN``); by hand:
``GRC_LOAD_PLAN=plan.json locust -f bench/locustfile.py --host http://127.0.0.1:8000``.

Standard library and Locust only (``bench.html_forms`` is plain Python): the
file also runs in an interpreter of Locust's own, without the application.

Who does what (class weights 1:2:1, so 400 users are 100 agents, 200
portal citizens and 100 Open311 clients):

- an agent signs in with an account of its own, then every 5–20 s: the
  queue, its own pile, a filter, a search (queue and citizens), a request's
  page, a transition on a request of its pile (read from the page's form,
  a comment typed), a quick intake, the dashboard;
- a citizen signs in on the portal, then every 5–20 s: the catalogue, a
  démarche's page, « Mes démarches », one of their requests, and now and
  then files a démarche online (at most once in five minutes, as the
  portal's per-account throttling expects of a person);
- an Open311 client, every 10–30 s: the services, the requests of the
  default window, one request, and now and then a street report (POST).

Every simulated person comes from an address of their own
(``X-Forwarded-For``, which the production WSGI entry trusts from its
proxy): the per-address limits see what they would see in production, not
400 people behind one address. Any answer other than the one expected
(2xx, or the 302 a form answers on success) is a failure.
"""
import itertools
import json
import os
import random
import re
import time

from locust import HttpUser, between, task

from bench.html_forms import IntakeCase, csrf_from, form_fields, intake_payload, transition_choices

with open(os.environ["GRC_LOAD_PLAN"], encoding="utf-8") as _plan_file:
    PLAN = json.load(_plan_file)

REQUEST_LINK = re.compile(r'href="(/admin/requests/\d+/)"')
PORTAL_REQUEST_LINK = re.compile(r'href="(/c/[^"/]+/portal/my-requests/\d+)"')
FILING_PAUSE_SECONDS = 300
NAMES = ("martin", "bernard", "dubois", "thomas", "robert", "petit", "durand", "leroy", "moreau", "simon")
_agent_numbers = itertools.count()
_citizen_numbers = itertools.count()
_client_numbers = itertools.count()


def address(network: int, number: int) -> str:
    return f"10.{network}.{number // 250}.{number % 250 + 1}"


def expect_redirect(response, what: str) -> bool:
    """A form's success is a 302 elsewhere than back to a sign-in or a second step."""
    location = response.headers.get("Location", "")
    if response.status_code != 302 or location.endswith(("/login", "/login/code", "/login/enrol")) \
            or "sign-in" in location:
        response.failure(f"{what}: HTTP {response.status_code} → {location or '(no redirect)'}")
        return False
    response.success()
    return True


class Agent(HttpUser):
    """An agent of the town hall with an account of its own."""

    weight = 1
    wait_time = between(5, 20)

    def on_start(self):
        number = next(_agent_numbers)
        self.email = PLAN["agents"][number % len(PLAN["agents"])]
        self.client.headers["X-Forwarded-For"] = address(45, number)
        self.requests: list[str] = []
        self.pile: list[str] = []
        page = self.client.get("/login", name="agent: sign-in page").text
        with self.client.post("/login", name="agent: sign-in", allow_redirects=False, catch_response=True,
                              data={"email": self.email, "password": PLAN["agent_password"],
                                    "csrf_token": csrf_from(page)}) as response:
            expect_redirect(response, f"sign-in of {self.email}")

    @task(4)
    def queue(self):
        page = self.client.get("/admin/requests/", name="agent: queue").text
        self.requests = REQUEST_LINK.findall(page)[:50] or self.requests

    @task(2)
    def my_pile(self):
        page = self.client.get("/admin/requests/?assignee=me&kind=todo", name="agent: queue, mine").text
        self.pile = REQUEST_LINK.findall(page)

    @task(2)
    def filtered_queue(self):
        self.client.get("/admin/requests/?kind=todo&priority=urgente", name="agent: queue, filtered")

    @task(2)
    def search(self):
        self.client.get("/admin/requests/", params={"q": random.choice(PLAN["search_words"])},
                        name="agent: queue, search")

    @task(1)
    def citizen_search(self):
        self.client.get("/admin/citizens/search.json", params={"q": random.choice(NAMES)},
                        name="agent: citizen search")

    @task(4)
    def open_request(self):
        if self.requests:
            self.client.get(random.choice(self.requests), name="agent: request page")

    @task(2)
    def transition(self):
        """Read a request of the pile, press one of its transition buttons with a comment."""
        if not self.pile:
            self.my_pile()
            if not self.pile:
                return None
        url = random.choice(self.pile)
        page = self.client.get(url, name="agent: request page").text
        form = transition_choices(page)
        choices = [code for code in form["codes"] if code in PLAN["transitions"]] if form else []
        if not choices:
            self.pile.remove(url)
            return None
        ongoing = [code for code in choices if code not in PLAN["closing_transitions"]]
        # Closing is rarer than moving on: the pile lasts the run.
        code = random.choice(ongoing if ongoing and random.random() < 0.8 else choices)
        with self.client.post(form["action"], name="agent: transition", allow_redirects=False, catch_response=True,
                              data={"csrf_token": form["csrf_token"], "version": form["version"],
                                    "transition": code, "comment": "Vu avec le service, suite donnée."}) as response:
            expect_redirect(response, f"transition {code} of {url}")
        return None

    @task(1)
    def intake(self):
        """A citizen at the counter: the quick-intake form, filled and sent."""
        intake = PLAN["intake"]
        citizen = random.choice(intake["citizen_ids"])
        # The citizen found by the search, the type chosen: the form's address.
        url = f"/admin/intake/?citizen={citizen}&type={intake['type_id']}"
        page = self.client.get(url, name="agent: intake form").text
        case = IntakeCase(citizen_id=citizen, type_id=intake["type_id"], type_label=intake["type_label"],
                          subject="Nid-de-poule signalé au guichet",
                          location=f"{random.randint(1, 180)} rue de la République")
        data = intake_payload(form_fields(page), case, csrf_from(page))
        with self.client.post(url, data=data, name="agent: intake", allow_redirects=False,
                              catch_response=True) as response:
            # The same type for the same citizen within minutes: the page asks before filing a second one
            # (the duplicate guard). The agent at the counter confirms, as one does for a second pothole.
            duplicate = response.status_code == 400 and 'name="confirm_duplicate"' in response.text
            if duplicate:
                response.success()
            else:
                expect_redirect(response, "quick intake")
        if duplicate:
            data = {**intake_payload(form_fields(response.text), case, csrf_from(response.text)),
                    "confirm_duplicate": "1"}
            with self.client.post(url, data=data, name="agent: intake, second one confirmed",
                                  allow_redirects=False, catch_response=True) as confirmed:
                expect_redirect(confirmed, "quick intake confirmed")

    @task(1)
    def dashboard(self):
        self.client.get("/admin/dashboards/", name="agent: dashboard")


class PortalCitizen(HttpUser):
    """A citizen with a portal account."""

    weight = 2
    wait_time = between(5, 20)

    def on_start(self):
        number = next(_citizen_numbers)
        self.email = PLAN["portal_accounts"][number % len(PLAN["portal_accounts"])]
        self.client.headers["X-Forwarded-For"] = address(46, number)
        self.base = f"/c/{PLAN['slug']}/portal"
        self.mine: list[str] = []
        self.last_filing = time.monotonic() - random.uniform(0, FILING_PAUSE_SECONDS)
        page = self.client.get(f"{self.base}/account/sign-in", name="portal: sign-in page").text
        with self.client.post(f"{self.base}/account/sign-in", name="portal: sign-in", allow_redirects=False,
                              catch_response=True,
                              data={"csrf_token": csrf_from(page), "email": self.email,
                                    "password": PLAN["portal_password"], "next": ""}) as response:
            expect_redirect(response, f"portal sign-in of {self.email}")

    @task(3)
    def catalogue(self):
        self.client.get(f"{self.base}/", name="portal: catalogue")

    @task(3)
    def demarche(self):
        code = random.choice(PLAN["demarches"])["code"]
        self.client.get(f"{self.base}/procedures/{code}", name="portal: démarche")

    @task(3)
    def my_requests(self):
        page = self.client.get(f"{self.base}/my-requests/", name="portal: mes démarches").text
        self.mine = PORTAL_REQUEST_LINK.findall(page)

    @task(1)
    def my_request(self):
        if self.mine:
            self.client.get(random.choice(self.mine), name="portal: a request of mine")

    @task(1)
    def file(self):
        if time.monotonic() - self.last_filing < FILING_PAUSE_SECONDS:
            return
        self.last_filing = time.monotonic()
        demarche = random.choice(PLAN["demarches"])
        url = f"{self.base}/procedures/{demarche['code']}/file"
        page = self.client.get(url, name="portal: filing form").text
        with self.client.post(url, name="portal: filing", allow_redirects=False, catch_response=True,
                              data={"csrf_token": csrf_from(page), **demarche["form"]}) as response:
            expect_redirect(response, f"filing {demarche['code']}")


class Open311Client(HttpUser):
    """An application (a mobile app, a neighbouring system) on the Open311 API with its key."""

    weight = 1
    wait_time = between(10, 30)

    def on_start(self):
        number = next(_client_numbers)
        self.client.headers["X-Forwarded-For"] = address(47, number)
        self.client.headers["X-API-Key"] = PLAN["open311_keys"][number % len(PLAN["open311_keys"])]
        self.base = f"/c/{PLAN['slug']}/open311/v2"
        self.ids: list[str] = []

    @task(2)
    def services(self):
        self.client.get(f"{self.base}/services.json", name="open311: services")

    @task(3)
    def requests(self):
        answer = self.client.get(f"{self.base}/requests.json", name="open311: requests (default window)")
        if answer.ok:
            self.ids = [item["service_request_id"] for item in answer.json()[:100]] or self.ids

    @task(1)
    def one_request(self):
        if self.ids:
            self.client.get(f"{self.base}/requests/{random.choice(self.ids)}.json", name="open311: one request")

    @task(1)
    def report(self):
        with self.client.post(f"{self.base}/requests.json", name="open311: POST request", catch_response=True,
                              data={"service_code": PLAN["open311_type"], "lat": "47.90", "long": "1.90",
                                    "description": "Nid-de-poule devant l'école",
                                    "attribute[nature]": "nid_de_poule",
                                    "attribute[adresse]": f"{random.randint(1, 200)} rue des Lilas"}) as response:
            if response.status_code in (200, 201):
                response.success()
            else:
                response.failure(f"Open311 POST: HTTP {response.status_code}")
