"""The queue's free text through an index (PostgreSQL trigram GIN, SQLite
FTS5 trigram): the same meaning as before — a substring of the reference or
the subject, any case — kept in sync by the database itself."""
import pytest
from sqlalchemy import delete, select, text, update

from grc_core.extensions import db
from grc_core.models import Membership, Request, User
from grc_core.requests import free_text
from grc_core.requests.queue import NOT_CLOSED, QueueFilters, queue_select
from grc_core.plugin_api.testing import in_commune
from test_queue import make_request, run
from test_queue import town  # noqa: F401  (fixture)


@pytest.mark.parametrize(("query", "expected"), [
    ("gras", ["3"]),                 # a word of the subject
    ("GRAS", ["3"]),                 # any case
    ("cs <b>g", ["3"]),              # across words, with markup typed as text
    ("HYPERLINK", ["1"]),            # a formula stays text
    ("ttestat", ["6"]),              # inside a word
    ("6-0000", ["1", "2", "3", "6"]),     # the reference too
    ("ba", ["3"]),                   # two letters: no trigram, read as before
    ('"', ["1"]),                    # FTS5's own syntax is never obeyed
    ("gras OR attestation", []),
    ("gra*", []),
    ("introuvable", []),
])
def test_free_text_is_a_substring_of_reference_or_subject(app, town, query, expected):
    assert run(app, town, q=query) == expected


def test_the_index_follows_inserts_updates_and_deletes(app, town):
    with in_commune(app, town.id):
        make_request(town.id, "2026-00008", town.bacs, service=town.voirie, subject="Trottoir défoncé")
        db.session.commit()
    assert run(app, town, q="trottoir") == ["8"]
    with in_commune(app, town.id):
        db.session.execute(update(Request).where(Request.reference == "2026-00008").values(subject="Lampadaire"))
        db.session.commit()
    assert run(app, town, q="trottoir") == [] and run(app, town, q="lampadaire") == ["8"]
    with in_commune(app, town.id):
        db.session.execute(delete(Request).where(Request.reference == "2026-00008"))
        db.session.commit()
    assert run(app, town, q="lampadaire") == []


def _open_fts_matches(word):
    return sorted(db.session.scalars(text(
        "SELECT rowid FROM request_open_fts WHERE request_open_fts MATCH :word"), {"word": f'"{word}"'}))


def test_on_sqlite_the_open_requests_table_follows_closing_reopening_and_edits(app, town):
    """Migration c0a1e0000031: ``request_open_fts`` holds the requests not
    closed, and its triggers keep it so whatever changes — the state kind,
    the subject, the reference — while the full table keeps every request."""
    with in_commune(app, town.id):
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's FTS5 table (PostgreSQL: a partial trigram index)")
        req = make_request(town.id, "2026-00008", town.bacs, service=town.voirie, subject="Trottoir défoncé")
        closed = make_request(town.id, "2026-00009", town.bacs, service=town.voirie, subject="Trottoir réparé",
                              state=("close", "closed"))
        db.session.commit()
        opened, done = req.id, closed.id
        assert _open_fts_matches("trottoir") == [opened]
        steps = [
            ({"state": "close", "state_kind": "closed"}, []),               # closed: leaves
            ({"subject": "Trottoir cassé"}, []),                            # edited while closed: stays out
            ({"state": "en_cours", "state_kind": "open"}, [opened]),        # reopened: back, with its new text
            ({"subject": "Lampadaire"}, []),                                # its old text is gone
            ({"state": "attente", "state_kind": "waiting", "subject": "Trottoir et lampadaire"}, [opened]),
        ]
        for values, expected in steps:
            db.session.execute(update(Request).where(Request.id == opened).values(**values))
            db.session.commit()
            assert _open_fts_matches("trottoir") == expected, values
        assert _open_fts_matches("cassé") == [] and _open_fts_matches("lampadaire") == [opened]
        db.session.execute(update(Request).where(Request.id == opened).values(reference="2026-00010"))
        db.session.commit()
        assert _open_fts_matches("2026-00010") == [opened] and _open_fts_matches("2026-00008") == []
        db.session.execute(delete(Request).where(Request.id.in_([opened, done])))
        db.session.commit()
        assert _open_fts_matches("trottoir") == [] and _open_fts_matches("lampadaire") == []
        full = db.session.scalars(text("SELECT rowid FROM request_fts WHERE request_fts MATCH '\"trottoir\"'"))
        assert list(full) == []


def test_the_default_queue_and_a_closed_status_find_the_same_words(app, town):
    """The default queue reads the open requests' own index; a status with
    closed requests reads the full one: each finds what it should."""
    with in_commune(app, town.id):
        make_request(town.id, "2026-00008", town.bacs, service=town.voirie, subject="Trottoir défoncé")
        make_request(town.id, "2026-00009", town.bacs, service=town.voirie, subject="Trottoir réparé",
                     state=("close", "closed"))
        db.session.commit()
    assert run(app, town, q="trottoir") == ["8"]
    assert run(app, town, q="trottoir", kind="todo") == ["8"]
    assert run(app, town, q="trottoir", kind="closed") == ["9"]
    assert run(app, town, q="trottoir", kind="all") == ["8", "9"]
    assert run(app, town, q="trottoir", state="close") == ["9"]


def test_on_sqlite_the_default_queue_reads_the_open_requests_table(app, town):
    with in_commune(app, town.id):
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's FTS5 tables")
        user = db.session.scalar(select(User).where(User.email == "agent@a.fr"))
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))

        def sql(**filters):
            return str(queue_select(QueueFilters(**filters), user=user, membership=membership))

        assert "request_open_fts MATCH" in sql(q="trottoir") and "request_open_fts" in sql(q="trottoir", kind="todo")
        assert "request_fts MATCH" in sql(q="trottoir", kind="closed")
        assert "request_fts MATCH" in sql(q="trottoir", kind="all")


def test_the_database_answers_from_the_index(app, town):
    """The plan reads the index (seq scans discouraged on PostgreSQL, where a
    tiny table would otherwise be scanned): the expression matches it."""
    with in_commune(app, town.id):
        statement = select(Request.id).where(free_text.contains("gras"))
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(db.session.scalars(text(f"EXPLAIN {compiled}")))
            assert "ix_request_free_text" in plan
        else:
            plan = "\n".join(str(row[-1]) for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
            assert "VIRTUAL TABLE INDEX" in plan
        db.session.rollback()


def test_on_postgresql_the_default_queue_has_a_trigram_index_of_the_open_requests(app, town):
    """Migration c0a1e0000028: the queue without a status (the requests not
    closed, :data:`NOT_CLOSED`) finds a word's open matches in a partial
    trigram index alone — « trottoir » is in 23,625 requests of the 1M bench,
    1,231 of them open: count 3 ms instead of 45-120 ms (docs/benchmarks.md).
    Its expression is the full index's, which the plan test above shows the
    condition reaches; its predicate is the queue's, written as a literal so
    the planner can prove it (on this tiny table it rightly prefers others)."""
    with in_commune(app, town.id):
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the trigram indexes are PostgreSQL's (SQLite: an FTS5 table)")
        definitions = dict(db.session.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('ix_request_free_text', 'ix_request_open_free_text')")).all())
        full, open_only = definitions["ix_request_free_text"], definitions["ix_request_open_free_text"]
        assert open_only.endswith("WHERE ((state_kind)::text <> 'closed'::text)")
        assert open_only.split(" USING ")[1].split(" WHERE ")[0] == full.split(" USING ")[1]
        assert str(NOT_CLOSED.compile(db.engine)) == "request.state_kind != 'closed'"


def test_its_tables_and_index_are_left_out_of_the_models():
    only = free_text.is_migration_only
    assert only("request_fts", "table") and only("request_fts_data", "table")
    assert only("request_open_fts", "table") and only("request_open_fts_idx", "table")
    assert only("ix_request_free_text", "index") and only("ix_request_open_free_text", "index")
    assert not only("request", "table") and not only("request_event", "table")
    assert not only("ix_request_citizen", "index") and not only("request_fts", "index")


def test_on_postgresql_the_index_finds_one_communes_requests_alone(app, town):
    """Migration c0a1e0000023: the commune's id is the index's first key, so
    that the index holds the answer for one commune however many share the
    database (docs/benchmarks.md, many communes: the plans, measured there;
    on this test's tiny table the planner rightly prefers other indexes)."""
    with in_commune(app, town.id):
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the trigram index is PostgreSQL's (SQLite: an FTS5 table)")
        definition = db.session.scalar(text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_request_free_text'"))
        assert "USING gin (commune_id, " in definition


def test_a_common_word_s_pages_keep_the_queue_s_order(app, town):
    """The free text reads its page's ids first (queue.page_select): page one
    holds the first fifty matches in the queue's order — due first, no due
    date last, then oldest received — and page two the rest, none twice;
    another service's match is on neither (the reader's rule in the ids' step)."""
    from datetime import timedelta

    from grc_core.requests.queue import PAGE_SIZE, queue_page

    with in_commune(app, town.id):
        for number in range(60):
            due = None if number % 4 == 0 else town.now + timedelta(days=(number * 7) % 30 - 10)
            make_request(town.id, f"2026-1{number:04d}", town.bacs, service=town.voirie, due=due,
                         received=town.now - timedelta(hours=number), subject=f"Rendez-vous n° {number}")
        # Another service's request with the same word, due first: never his to read, on no page.
        make_request(town.id, "2026-20000", town.attestation, service=town.accueil,
                     due=town.now - timedelta(days=30), subject="Rendez-vous à l'accueil")
        db.session.commit()
        user = db.session.scalar(select(User).where(User.email == "agent@a.fr"))
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        matching = list(db.session.scalars(select(Request).where(Request.subject.like("Rendez-vous n°%"))))
        expected = [r.reference for r in sorted(matching, key=lambda r: (
            r.due_at is None, r.due_at or town.now, r.received_at, r.id))]
        first, second = (queue_page(QueueFilters(q="rendez-vous"), user=user, membership=membership, page=page,
                                    now=town.now) for page in (1, 2))
    assert first.total == 60 and first.pages == 2
    assert [r.reference for r in first.rows] == expected[:PAGE_SIZE]
    assert [r.reference for r in second.rows] == expected[PAGE_SIZE:]
