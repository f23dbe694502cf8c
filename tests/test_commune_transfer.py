"""`grc communes export SLUG FILE` / `grc communes import FILE`: one commune,
core and plugin rows and attachments, moved into another database with new
ids; its audit chain still verifies; a slug clash is refused, nothing stored.

One round trip (the demo's data, every plugin's included, take a while to load)."""
import io
import zipfile

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from grc_core.audit_chain import verify_chain
from grc_core.cli import cli
from grc_core.demo import load_demo
from grc_core.extensions import db
from grc_core.models import Attachment, AuditEvent, Commune, Request, User
from grc_core.plugin_api.testing import build_test_app, empty_tables, in_commune, make_agent, make_commune
from grc_core.requests.attachments import key_of
from grc_core.requests.service import add_attachments
from grc_core.storage import storage
from grc_core.tenancy import unscoped
from grc_core.tenancy.transfer import _foreign_keys, _single_id, commune_rows

SLUG = "villeneuve-sur-loire"
PDF = b"%PDF-1.4 plan de masse"


@pytest.fixture(scope="module")
def target(tmp_path_factory):
    """Another deployment: its own database and its own files."""
    application = build_test_app(tmp_path_factory, name="transfer_target", own_database=True)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_target(request):
    yield
    if "target" in request.fixturenames:
        empty_tables(request.getfixturevalue("target"))


def run(app, *args):
    return app.test_cli_runner().invoke(cli, list(args))


@pytest.fixture
def source(app):
    """The demo's two communes, with a file attached to one of Villeneuve's requests."""
    with app.app_context():
        load_demo("demo-password-123")
        villeneuve = db.session.scalar(select(Commune.id).where(Commune.slug == SLUG))
    with in_commune(app, villeneuve):
        request = db.session.scalar(select(Request).order_by(Request.id))
        actor = db.session.scalar(select(User).where(User.email.like("%@villeneuve-sur-loire.fr")))
        add_attachments(request, [FileStorage(io.BytesIO(PDF), filename="plan.pdf",
                                              content_type="application/pdf")], actor=actor)
        db.session.commit()
    return villeneuve


def canonical(app, commune_id) -> dict[str, list]:
    """The commune's rows with every id replaced by what it names: its row's
    rank in its table (accounts: their e-mail); hashes left out (they cover ids)."""
    with app.app_context(), unscoped():
        rows = commune_rows(commune_id)
        db.session.rollback()
    ranks = {name: {row["id"]: rank for rank, row in enumerate(found)} for name, found in rows.items()
             if found and "id" in found[0]}
    emails = {row["id"]: row["email"] for row in rows["user_account"]}
    out = {}
    for name, found in rows.items():
        table = db.metadata.tables[name]
        keys = _foreign_keys(table)
        if name == "user_account":
            out[name] = sorted(row["email"] for row in found)
            continue
        canon = []
        for row in found:
            values = {}
            for column, value in row.items():
                if column in ("hash", "prev_hash", "chain") or (column == "id" and _single_id(table)):
                    continue
                target_table = keys.get(column)
                if target_table == "user_account" and value is not None:
                    value = emails[value]
                elif target_table is not None and value is not None:
                    value = (target_table, ranks[target_table][value])
                elif hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
                    value = value.replace(tzinfo=None) - value.utcoffset()  # SQLite gives naive UTC
                values[column] = value
            canon.append(values)
        out[name] = canon
    return out


def test_a_commune_moves_to_another_deployment_with_new_ids(app, target, source, tmp_path):
    archive = tmp_path / "villeneuve.zip"
    result = run(app, "communes", "export", SLUG, str(archive))
    assert result.exit_code == 0, result.output
    assert f"Commune « {SLUG} » écrite dans {archive}" in result.output and "1 pièce(s) jointe(s)" in result.output
    # The target already serves a commune and knows one of the agents: ids cannot match by chance.
    other = make_commune(target, "Autre-Commune", "45999", "autre")
    with app.app_context():
        agent_email = db.session.scalar(select(User.email).where(User.email.like("%@villeneuve-sur-loire.fr"),
                                                                 User.is_platform_admin.is_(False))
                                        .order_by(User.email))
    make_agent(target, other, agent_email, "agent")

    result = run(target, "communes", "import", str(archive))
    assert result.exit_code == 0, result.output
    assert "Commune Villeneuve-sur-Loire (villeneuve-sur-loire) importée" in result.output
    with target.app_context():
        moved = db.session.scalar(select(Commune.id).where(Commune.slug == SLUG))
        assert not db.session.scalar(select(User.is_platform_admin).where(User.email == "admin@villeneuve-sur-loire.fr"))
        # The agent the target knew is the same account, member of both communes now.
        assert db.session.scalar(select(func.count()).select_from(User).where(User.email == agent_email)) == 1
    assert moved != source
    before, after = canonical(app, source), canonical(target, moved)
    moved_event = after["audit_event"].pop()
    assert moved_event["action"] == "commune.imported" and moved_event["details"]["source_chain"]["events"] == \
        len(before["audit_event"])
    assert before.keys() == after.keys()
    for name in before:
        assert after[name] == before[name], name
    assert len(before["request"]) > 5 and len(before["attachment"]) == 1
    with target.app_context(), unscoped():
        assert verify_chain(moved).ok
        [attachment] = db.session.scalars(select(Attachment)).all()
        assert storage().read(key_of(attachment)) == PDF

    # Imported twice: the slug is taken, nothing more is stored.
    def stored():
        with target.app_context(), unscoped():
            return [db.session.scalar(select(func.count()).select_from(model)) for model in
                    (Commune, Request, Attachment, AuditEvent, User)]
    before = stored()
    result = run(target, "communes", "import", str(archive))
    assert result.exit_code == 2
    assert "Une commune « villeneuve-sur-loire » existe déjà dans ce déploiement : rien n'a été importé." in \
        result.output
    assert stored() == before


def test_an_unknown_commune_or_a_file_that_is_no_archive_is_refused(app, target, tmp_path):
    result = run(app, "communes", "export", "nulle-part", str(tmp_path / "x.zip"))
    assert result.exit_code == 2 and "Commune « nulle-part » inconnue dans cette base." in result.output
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    result = run(target, "communes", "import", str(junk))
    assert result.exit_code == 2 and "Archive illisible" in result.output
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "rien")
    result = run(target, "communes", "import", str(empty))
    assert result.exit_code == 2 and "n'est pas une archive de commune GRC" in result.output
    with target.app_context(), unscoped():
        assert db.session.scalar(select(func.count()).select_from(Commune)) == 0
