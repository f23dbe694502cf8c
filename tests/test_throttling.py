"""Sign-in throttling: atomic, timing-neutral, and nobody can lock an agent out."""
import threading

import pytest
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import LoginAttempt, User
from grc_core.plugin_api.testing import DEMO_PASSWORD, csrf_token, make_agent, make_commune
from grc_core.security import passwords

OFFICE = "10.0.0.1"      # the town hall, behind one address
ELSEWHERE = "203.0.113.9"


def client_from(app, ip):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def attempt(client, email, password, token=None):
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token or csrf_token(client)},
                       headers={"Accept-Language": "fr"})


@pytest.fixture
def hasher_calls(monkeypatch):
    calls = []
    lock = threading.Lock()
    real = passwords.check_password_hash

    def counting(stored, password):
        with lock:
            calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(passwords, "check_password_hash", counting)
    return calls


@pytest.fixture
def agent(app):
    make_agent(app, make_commune(app), "agent@a.fr")
    return "agent@a.fr"


def test_simultaneous_wrong_passwords_are_counted_one_after_the_other(app, agent, hasher_calls):
    limit = app.config["GRC"]["LOGIN_MAX_FAILURES"]
    clients = [client_from(app, ELSEWHERE) for _ in range(15)]
    tokens = [csrf_token(c) for c in clients]
    start = threading.Barrier(len(clients))
    statuses = []

    def guess(client, token):
        start.wait()
        statuses.append(attempt(client, agent, "mauvais-mot-de-passe", token).status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(clients, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [401] * limit + [429] * (15 - limit), sorted(statuses)
    # Only the allowed attempts reached the hasher.
    assert len(hasher_calls) == limit
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == limit


def test_simultaneous_right_passwords_of_one_account_never_fail(app, agent):
    """Ten people of one office sharing an account sign in at once (the load
    test found a deadlock there on PostgreSQL: each success deleted the
    others' attempt rows while they updated them). A reservation counts as a
    failure until settled, so some are asked to wait: none gets an error."""
    clients = [client_from(app, OFFICE) for _ in range(10)]
    tokens = [csrf_token(c) for c in clients]
    start = threading.Barrier(len(clients))
    statuses = []

    def sign_in(client, token):
        start.wait()
        statuses.append(attempt(client, agent, DEMO_PASSWORD, token).status_code)

    threads = [threading.Thread(target=sign_in, args=pair) for pair in zip(clients, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses)[0] == 302 and set(statuses) <= {302, 429}, statuses


def test_unknown_and_disabled_accounts_still_run_the_password_hasher(app, agent, hasher_calls):
    client = client_from(app, ELSEWHERE)
    assert attempt(client, "personne@a.fr", "mauvais-mot-de-passe").status_code == 401
    assert len(hasher_calls) == 1
    with app.app_context():
        user = db.session.scalar(select(User))
        user.active = False
        db.session.commit()
        real_hash = user.password_hash
    assert attempt(client, agent, DEMO_PASSWORD).status_code == 401
    assert hasher_calls[1:] == [real_hash]
    # The stand-in is a real scrypt hash: the same cost as an account's.
    assert hasher_calls[0].startswith("scrypt:") and hasher_calls[0] != real_hash


def test_failures_from_the_agents_usual_address_only_slow_down(app, agent, auth_clock):
    office = client_from(app, OFFICE)
    assert attempt(office, agent, DEMO_PASSWORD).status_code == 302
    guesser = client_from(app, OFFICE)
    for _ in range(app.config["GRC"]["LOGIN_MAX_FAILURES"]):
        assert attempt(guesser, agent, "mauvais-mot-de-passe").status_code == 401
    waiting = attempt(guesser, agent, DEMO_PASSWORD)
    assert waiting.status_code == 429
    assert "Réessayez dans 15 secondes." in waiting.get_data(as_text=True)
    auth_clock.advance(seconds=15)
    assert attempt(guesser, agent, "mauvais-mot-de-passe").status_code == 401
    # Each further failure doubles the wait.
    auth_clock.advance(seconds=29)
    assert "Réessayez dans 1 seconde." in attempt(guesser, agent, DEMO_PASSWORD).get_data(as_text=True)
    auth_clock.advance(seconds=1)
    assert attempt(guesser, agent, DEMO_PASSWORD).status_code == 302


def test_an_attacker_elsewhere_cannot_lock_the_agent_out(app, agent, auth_clock):
    assert attempt(client_from(app, OFFICE), agent, DEMO_PASSWORD).status_code == 302
    attacker = client_from(app, ELSEWHERE)
    for _ in range(app.config["GRC"]["LOGIN_MAX_FAILURES"]):
        assert attempt(attacker, agent, "mauvais-mot-de-passe").status_code == 401
    blocked = attempt(attacker, agent, DEMO_PASSWORD)
    assert blocked.status_code == 429
    assert "Réessayez dans 15 minutes." in blocked.get_data(as_text=True)
    # From another new address too: the account is blocked from unknown places.
    assert attempt(client_from(app, "198.51.100.7"), agent, DEMO_PASSWORD).status_code == 429
    # The agent, from the town hall, at once.
    assert attempt(client_from(app, OFFICE), agent, DEMO_PASSWORD).status_code == 302
    auth_clock.advance(minutes=15)
    assert attempt(attacker, agent, "mauvais-mot-de-passe").status_code == 401


def test_a_spray_from_the_town_hall_address_does_not_lock_its_agents_out(app, auth_clock):
    commune = make_commune(app)
    make_agent(app, commune, "agent@a.fr")
    make_agent(app, commune, "nouveau@a.fr")
    assert attempt(client_from(app, OFFICE), "agent@a.fr", DEMO_PASSWORD).status_code == 302
    sprayer = client_from(app, OFFICE)
    token = csrf_token(sprayer)
    for number in range(app.config["GRC"]["LOGIN_MAX_FAILURES_PER_IP"]):
        assert attempt(sprayer, f"victime{number}@a.fr", "mauvais-mot-de-passe", token).status_code == 401
    # An account that never signed in from there waits…
    assert attempt(client_from(app, OFFICE), "nouveau@a.fr", DEMO_PASSWORD).status_code == 429
    # …the agents who work there do not.
    assert attempt(client_from(app, OFFICE), "agent@a.fr", DEMO_PASSWORD).status_code == 302
    # And the same new account signs in from elsewhere.
    assert attempt(client_from(app, ELSEWHERE), "nouveau@a.fr", DEMO_PASSWORD).status_code == 302


def test_old_attempts_are_pruned(app, agent, auth_clock):
    attempt(client_from(app, ELSEWHERE), agent, "mauvais-mot-de-passe")
    auth_clock.advance(days=31)
    attempt(client_from(app, OFFICE), agent, "mauvais-mot-de-passe")
    with app.app_context():
        assert db.session.scalars(select(LoginAttempt.ip)).all() == [OFFICE]


# --- PostgreSQL: the orders in which rows are locked -----------------------------------

def _postgresql_only(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks and deadlocks: PostgreSQL (SQLite serialises its writers)")


def test_two_successes_of_one_account_settling_together_do_not_deadlock(app, agent):
    """The load test's deadlock, made to happen step by step: each success
    deletes the other's attempt row, then marks its own as succeeded. Without
    the reservation's lock in ``settle`` both stop after their DELETE holding
    the row the other is about to update (PostgreSQL: "deadlock detected");
    with it, the second waits for the first to commit."""
    from sqlalchemy import event

    from grc_core.security import throttling

    _postgresql_only(app)
    with app.app_context():
        reservations = [throttling.reserve(agent, OFFICE) for _ in range(2)]
        engine = db.engine
    both_deleted = threading.Barrier(2, timeout=3)
    settling = set()
    errors = []

    def pause_after_delete(conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() in settling and statement.lstrip().upper().startswith("DELETE FROM LOGIN_ATTEMPT"):
            try:
                both_deleted.wait()  # the other settles its DELETE meanwhile, if nothing stops it
            except threading.BrokenBarrierError:
                pass  # it is waiting for this one's lock: the right outcome

    def settle(reservation):
        settling.add(threading.get_ident())
        try:
            with app.app_context():
                throttling.settle(reservation, succeeded=True)
        except Exception as error:  # noqa: BLE001 (the deadlock's OperationalError is what is tested)
            errors.append(error)

    event.listen(engine, "after_cursor_execute", pause_after_delete)
    try:
        threads = [threading.Thread(target=settle, args=(reservation,)) for reservation in reservations]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        event.remove(engine, "after_cursor_execute", pause_after_delete)
    assert errors == []
    with app.app_context():
        # The second success deleted nothing it should not have: one success row is left for the pair.
        assert db.session.scalars(select(LoginAttempt.succeeded)).all() == [True]


def test_pruning_skips_the_old_rows_another_sign_in_holds(app, agent, auth_clock):
    """A reservation prunes old rows of every account; a row another
    transaction holds (a sign-in of that account settling) is left to a later
    reservation instead of waited for — waiting could close a cycle of locks."""
    from sqlalchemy import text

    from grc_core.security import throttling

    _postgresql_only(app)
    attempt(client_from(app, ELSEWHERE), "someone@else.fr", "mauvais-mot-de-passe")
    auth_clock.advance(days=31)
    with app.app_context():
        holder = db.engine.connect()
        holding = holder.begin()
        holder.execute(text("SELECT id FROM login_attempt WHERE email = 'someone@else.fr' FOR UPDATE"))
        try:
            db.session.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting would fail the test, not hang it
            assert throttling.reserve(agent, OFFICE).allowed
        finally:
            holding.rollback()
            holder.close()
        assert "someone@else.fr" in db.session.scalars(select(LoginAttempt.email)).all()
        db.session.remove()
        throttling.reserve(agent, OFFICE)  # released: the next reservation prunes it
        assert "someone@else.fr" not in db.session.scalars(select(LoginAttempt.email)).all()
