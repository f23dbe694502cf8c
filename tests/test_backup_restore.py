"""The backup of docs/deployment.md restores: scripts/backup_restore_check.sh
dumps the database, restores it into a new one and compares every table's rows."""
import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from grc_core.extensions import db
from grc_core.plugin_api.testing import make_agent
from test_requests import file_request, make_citizen, setup_commune

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "backup_restore_check.sh"


def test_a_backup_restores_with_every_row(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("pg_dump backs up PostgreSQL; an SQLite deployment copies its file")
    town = setup_commune(app)
    make_agent(app, town.id, "agent@a.fr", "agent", services=["voirie"])
    for _ in range(3):
        file_request(app, town.id, actor_email="agent@a.fr", type_id=town.bacs,
                     citizen_id=make_citizen(app, town.id), data={"motif": "Bac cassé"})
    with app.app_context():
        tables = [name for name in inspect(db.engine).get_table_names()]
        rows = sum(db.session.scalar(select(func.count()).select_from(db.metadata.tables[name]))
                   if name in db.metadata.tables else 0 for name in tables)
        db.session.remove()
        db.engine.dispose()  # the script's restore database is created beside ours
    backup = tmp_path / "grc.dump"
    result = subprocess.run([str(SCRIPT), url, str(backup)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    match = re.search(r"OK: (\d+) tables, (\d+) rows, identical counts after restore\.", result.stdout)
    assert match and int(match.group(1)) == len(tables) and int(match.group(2)) >= rows > 0
    assert backup.stat().st_size > 0
